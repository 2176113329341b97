"""Gap-analysis reports: one HTML page per unit, or one per unit of a whole field in one run.

- :func:`report` writes the report of one unit (:class:`Report`);
- :func:`report_batch` writes every unit's report into one folder, with an
  index and the overview of the whole field (:class:`BatchReport`);
- :func:`overview` writes the evaluator's overview of every unit of a field
  on one page (:class:`Overview`);
- :class:`ReportOptions` holds every setting of a report, checked once;
- :func:`field_models` computes the shared models of a field - what every
  unit's report has in common - once (:class:`FieldModels`), and
  :func:`within_groups` splits the data into its fields;
- each section is built by a pure function of the options, the data, the
  shared models and the focus unit (``_self``, ``_peers``, ``_cost``,
  ``_field``; ``_summary`` and ``_notes`` read the other sections).
"""

from benchmark.reporting._batch import BatchReport, report_batch
from benchmark.reporting._models import FieldModels, field_models, within_groups
from benchmark.reporting._options import ReportOptions
from benchmark.reporting._overview import Overview, overview
from benchmark.reporting._report import Report, report

__all__ = ["BatchReport", "FieldModels", "Overview", "Report", "ReportOptions", "field_models", "overview", "report",
           "report_batch", "within_groups"]
