"""Gap-analysis reports: one HTML page per unit, or one per unit of a whole field in one run.

- :func:`report` writes the report of one unit (:class:`Report`);
- :class:`ReportOptions` holds every setting of a report, checked once;
- the shared models of a field (:func:`benchmark.reporting._models.field_models`)
  are what every unit's report has in common: they are computed once per
  field and reused.
"""

from benchmark.report import Report, report
from benchmark.reporting._options import ReportOptions

__all__ = ["Report", "ReportOptions", "report"]
