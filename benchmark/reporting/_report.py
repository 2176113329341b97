"""The gap-analysis report of one unit: shared models, then one pure builder per section, then the page.

:func:`report` checks its options once (:class:`ReportOptions`), computes the
field's shared models (:func:`field_models`), lets each section builder turn
them into a :class:`Section` for the focus unit, and writes the page.
:func:`write_unit` is the part after the models, which the batch run calls
once per unit with models it computed once.

Nothing here computes a statistic of its own: every number comes from an
analysis function, and every figure from :mod:`benchmark.plotting`.
matplotlib is imported only while a report is being written.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import difflib
import importlib.util
import time
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from benchmark import _report_html as H
from benchmark._i18n import cohort_text, resolve_lang
from benchmark._i18n import t as _t
from benchmark._i18n import using as _using
from benchmark._results import Result, headline
from benchmark._validation import (
    BenchmarkError,
    check_columns,
    check_entity,
    format_list,
)
from benchmark.reporting._cost import build as _build_cost
from benchmark.reporting._field import build as _build_field
from benchmark.reporting._figures import drawing
from benchmark.reporting._models import (
    FieldModels,
    _frame_and_period,
    evaluation_period,
    field_models,
    latest_period,
)
from benchmark.reporting._notes import build as _build_notes
from benchmark.reporting._options import ReportOptions
from benchmark.reporting._peers import build as _build_peers
from benchmark.reporting._section import SECTIONS, Section, peers_of
from benchmark.reporting._self import build as _build_self
from benchmark.reporting._summary import build as _build_summary

__all__ = ["Report", "prepare", "report", "write_unit"]

#: The four question sections, in page order, and their builders.
BUILDERS = {"self": _build_self, "peers": _build_peers, "cost": _build_cost, "field": _build_field}
#: Tables in page order (for ``Report.tables`` and the Excel workbook).
_TABLE_ORDER = ("summary", "self_comparison", "completion", "completion_summary", "peer_gaps", "leader_gaps",
                "cost_per_outcome", "dea_efficiency", "dea_peers", "dea_targets", "ranks", "rank_sensitivity",
                "tiers", "tier_stability", "tier_placements", "tier_history")


# ============================================================ result
@dataclasses.dataclass(frozen=True, repr=False)
class Report(Result):
    """What :func:`report` wrote: the file, the tables behind it and what was left out.

    Attributes
    ----------
    path : Path
        The HTML file.
    focus : entity name
    tables : dict of DataFrame
        Every table shown in the report, by name (``to_frames()`` returns it;
        ``to_excel(path)`` writes one sheet per table).
    sections : tuple of str
        Sections with content (``"self"``, ``"peers"``, ``"cost"``, ``"field"``).
    notes : tuple of str
        Parts left out and why, data that were set aside, warnings raised
        while computing.
    excel : Path or None
        The workbook, when ``excel=`` was given.
    period : str or None
        The period column (``None`` for a cross-section).
    at : period value
        The evaluation period.
    seconds : float
        Time taken to compute and write the report.
    lang : str
        Language the report was written in (``"zh"`` or ``"en"``).
    """

    path: Path
    focus: Any
    tables: dict
    sections: tuple
    notes: tuple
    excel: Path | None = None
    period: str | None = None
    at: Any = None
    seconds: float = float("nan")
    lang: str = "en"

    def to_frames(self) -> dict[str, pd.DataFrame]:
        """The report's tables by name."""
        return dict(self.tables)

    def summary(self) -> pd.DataFrame:
        """The key figures of the summary section as ``statistic, value`` rows."""
        cards = self.tables.get("summary")
        if cards is None or cards.empty:
            return headline([])
        return headline(zip(cards["item"], cards["value"], strict=True))

    def _params(self) -> dict[str, Any]:
        return {"path": str(self.path), "focus": self.focus, "sections": self.sections}


# ============================================================ public entry
def report(data: pd.DataFrame, focus: Any, *, path: str | Path, excel: str | Path | None = None,
           options: ReportOptions | None = None, **settings: Any) -> Report:
    """Write a gap-analysis report for one institution as a single HTML file.

    The report answers four questions for ``focus`` and opens with a summary
    of its strengths and gaps:

    1. **Against itself** - change since the first period, trend with its
       interval (:func:`benchmark.self_compare`), target completion and
       projection (:func:`benchmark.completion`, with ``targets``).
    2. **Against peers** - gaps to the cohort median with bootstrap intervals
       and significance, percentile ranks, the cohort's best
       (:func:`benchmark.peer_gap`); optionally against a leading group
       (``leaders``).
    3. **Against cost** - cost per outcome and its index to the peers' median
       (:func:`benchmark.cost_per_outcome`, :func:`benchmark.relative_cost`),
       the cost-outcome quadrant (:func:`benchmark.cost_outcome_quadrant`),
       and DEA efficiency (:func:`benchmark.dea`) with the peers to learn from
       and the input savings / output increases the frontier implies.
    4. **In the field** - composite rank with its 5-95 % Monte Carlo interval
       (:func:`benchmark.rank_uncertainty`) and the data-driven tier with its
       bootstrap stability (:func:`benchmark.tiers`), compared with
       ``official`` tiers and followed over the periods
       (:func:`benchmark.tier_transitions`).

    A part whose inputs are not given (no ``targets``, no ``cost``, no
    ``inputs``/``outputs``...) or whose data do not allow it is left out
    with a note saying what to pass or what went wrong; the rest is written.

    Parameters
    ----------
    data : DataFrame
        Panel with one row per (entity, period), or a cross-section (then the
        self-comparison is left out). Other columns are indicators or
        attributes (``tier``, ``province``...).
    focus : entity name
        The institution the report is about.
    path : str or Path
        The HTML file to write.
    excel : str or Path, optional
        Also write the tables to this ``.xlsx`` workbook (needs openpyxl).
    options : ReportOptions, optional
        Settings made beforehand; keyword ``settings`` override them.
    **settings
        Any field of :class:`ReportOptions`: ``targets``, ``indicators``
        (list of columns), ``metadata`` (indicator table), ``cohort``,
        ``inputs``, ``outputs``, ``cost``, ``outcomes``, ``direction``,
        ``within``, ``leaders``, ``official``, ``official_order``, ``at``,
        ``ci``, ``n_boot``, ``n_draws``, ``n_tier_boot``, ``k``, ``rts``,
        ``orientation``, ``label_column``, ``random_state``, ``title``,
        ``description``, ``lang``, ``entity``, ``period``.

    Returns
    -------
    Report
        The path, the tables (``to_frames()``, ``to_excel()``), the sections
        written and the notes.

    See Also
    --------
    report_batch : every unit's report in one run, the shared models computed once.
    ReportOptions : the settings, checked once.

    Examples
    --------
    >>> import benchmark, tempfile, os
    >>> panel = benchmark.datasets.load("shuanggao")
    >>> schools = panel[panel["unit_type"] == "school"]
    >>> out = os.path.join(tempfile.mkdtemp(), "report.html")
    >>> rep = benchmark.report(schools, "芷浔职业技术学院", cohort="tier",
    ...                        indicators=["placement_rate", "tech_service_income", "skill_prizes"],
    ...                        n_boot=200, n_draws=100, n_tier_boot=0, path=out)
    >>> rep.sections
    ('self', 'peers', 'field')
    >>> open(out, encoding="utf-8").read().count("<section")
    6
    """
    started = time.perf_counter()
    out_path = writable(path, "path")
    if excel is not None:
        writable(excel, "excel", workbook=True)
    opts = make_options(options, settings)
    models, notes = prepare(data, focus, opts)
    return write_unit(models, focus, path=out_path, excel=excel, notes=notes, started=started)


def make_options(options: ReportOptions | None, settings: Mapping[str, Any]) -> ReportOptions:
    """``options`` with ``settings`` applied (a keyword that is no option is named with close matches)."""
    if options is not None and not isinstance(options, ReportOptions):
        raise BenchmarkError(f"`options` must be a ReportOptions; got {type(options).__name__}.")
    known = ReportOptions.field_names()
    unknown = [name for name in settings if name not in known]
    if unknown:
        hints = [f"{name!r}" + (f" (did you mean {format_list(close)}?)"
                                if (close := difflib.get_close_matches(name, known, n=2)) else "")
                 for name in unknown]
        raise BenchmarkError(f"report() has no option {', '.join(hints)}; the options are the fields of "
                             "ReportOptions.")
    if options is None:
        return ReportOptions(**settings)
    return dataclasses.replace(options, **settings) if settings else options


def writable(path: Any, name: str, example: str = "report.html", *, workbook: bool = False) -> Path:
    """Fail before the work, not after it, when the file cannot be written (or, for a workbook, made)."""
    target = Path(path)
    if workbook and importlib.util.find_spec("openpyxl") is None:
        raise BenchmarkError(f"`{name}` asks for an Excel workbook, which needs openpyxl: pip install openpyxl "
                             "(or leave it out).")
    if target.is_dir():
        raise BenchmarkError(f"`{name}` {str(target)!r} is a folder; give a file name such as {example}.")
    if not target.parent.is_dir():
        raise BenchmarkError(f"cannot write `{name}` {str(target)!r}: the folder {str(target.parent)!r} does "
                             "not exist.")
    return target


# ============================================================ models for one unit
def restrict(frame: pd.DataFrame, focus: Any, options: ReportOptions) -> pd.DataFrame:
    """The rows of the units sharing the focus's value in every ``within`` column."""
    within = list(options.within)
    if not within:
        return frame
    check_columns(frame, within, name="data", what="`within` column")
    entity = options.entity
    own = frame.loc[frame[entity] == focus, within].drop_duplicates()
    if len(own) != 1 or own.isna().any(axis=None):
        raise BenchmarkError(f"{entity} {focus!r} needs exactly one value in each `within` column "
                             f"({format_list(within)}); it has {len(own)} combination(s) or missing values.")
    return frame.loc[(frame[within] == own.iloc[0]).all(axis=1)]


def unit_period(field: pd.DataFrame, focus: Any, options: ReportOptions) -> tuple[Any, list[str]]:
    """The evaluation period of ``focus`` and the note saying so when it is not the unit's latest row."""
    at = evaluation_period(field, options, focus)
    period = options.period
    if options.at is not None or period is None:
        return at, []
    latest = latest_period(field.loc[field[options.entity] == focus, period], period)
    if at == latest:
        return at, []
    return at, [(f"Evaluated in {period} {at}, the latest {period} with indicator values for {focus!r} (later "
                 "rows have none); pass at= to choose another.")]


def prepare(data: Any, focus: Any, options: ReportOptions) -> tuple[FieldModels, list[str]]:
    """The shared models of ``focus``'s field and the notes about how it was chosen."""
    frame, period = _frame_and_period(data, options)
    check_entity(frame, focus, entity=options.entity)
    field = restrict(frame, focus, options)
    at, notes = unit_period(field, focus, dataclasses.replace(options, period=period))
    models = field_models(field, dataclasses.replace(options, at=at))
    peers_of(models, focus)  # a cohort that cannot be formed is an error of the call, not a left-out part
    return models, notes


# ============================================================ writing
def build_sections(models: FieldModels, focus: Any, notes: list[str] | tuple[str, ...] = (),
                   order: tuple[str, ...] = tuple(BUILDERS)) -> dict[str, Section]:
    """Every section of ``focus``'s report, the question sections in ``order`` (any order gives the same)."""
    import matplotlib

    opts, data = models.options, models.data
    # Figures are Figure objects rendered by Agg, never pyplot windows, whatever backend a notebook uses;
    # a user's rc setting for tight bounding boxes would crop them differently from the layout.
    with matplotlib.rc_context({"savefig.bbox": None}), drawing(opts.figures or "png"):
        built = {name: BUILDERS[name](opts, data, models, focus) for name in order}
        built["summary"] = _build_summary(opts, data, models, focus, built)
    data_notes = [*models.note_texts("data", "targets"), *notes]
    built["notes"] = _build_notes(opts, data, models, focus, built, data_notes)
    return built


def write_unit(models: FieldModels, focus: Any, *, path: Path, excel: str | Path | None = None,
               notes: list[str] | tuple[str, ...] = (), started: float | None = None) -> Report:
    """Write ``focus``'s report from the field's models (the part of :func:`report` after the models)."""
    started = time.perf_counter() if started is None else started
    opts = models.options
    labels = models.metadata["label"].astype(str).tolist() if "label" in models.metadata.columns else []
    lang = resolve_lang(opts.lang, labels)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with _using(lang):
            built = build_sections(models, focus, notes)
            document = _page(models, focus, built)
    seen = {f"{category.__name__}: {message}": (category, message) for category, message in models.warnings}
    for w in caught:
        if str(w.message).startswith("Glyph ") and "missing from font" in str(w.message):
            continue  # the one CJKFontWarning already says the font is missing
        seen.setdefault(f"{w.category.__name__}: {w.message}", (w.category, str(w.message)))
    for category, message in seen.values():
        # Shown again so that notebooks and test suites see them; the command line lists the notes instead.
        warnings.warn(message, category, stacklevel=3)
    Path(path).write_text(document, encoding="utf-8")
    tables = _tables(built)
    written = tuple(name for name in BUILDERS if built[name].written)
    rep = Report(path=Path(path), focus=focus, tables=tables, sections=written,
                 notes=(*built["notes"].omitted, *built["notes"].notes, *seen), excel=None, period=models.period,
                 at=models.at.item() if hasattr(models.at, "item") else models.at,
                 seconds=time.perf_counter() - started, lang=lang)
    if excel is not None:
        workbook = _write_excel(rep, Path(excel))
        add_figures(workbook, document, lang)
        rep = dataclasses.replace(rep, excel=workbook)
        if opts.figures == "svg":
            note = ("The workbook's figure sheet holds only the PNG figures: figures='svg' draws the others in the "
                    "page alone; use figures='png' to have them in the workbook.")
            rep = dataclasses.replace(rep, notes=(*rep.notes, note))
    return rep


def _tables(built: Mapping[str, Section]) -> dict[str, pd.DataFrame]:
    tables: dict[str, pd.DataFrame] = {}
    for section in built.values():
        tables.update(section.tables)
    order = {name: i for i, name in enumerate(_TABLE_ORDER)}
    return dict(sorted(tables.items(), key=lambda item: order.get(item[0], len(order))))


def _write_excel(rep: Report, path: Path) -> Path:
    try:
        import openpyxl  # noqa: F401
    except ImportError:
        raise BenchmarkError("writing `excel=` needs openpyxl: pip install openpyxl.") from None
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        for name, frame in rep.tables.items():
            frame.to_excel(writer, sheet_name=name[:31], index=False)
    return path


def add_figures(path: Path, document: str, lang: str) -> None:
    """A last sheet with every figure of the page (the PNG it embeds) under its caption."""
    import io

    import openpyxl
    from openpyxl.drawing.image import Image

    found = H.embedded_figures(document)
    if not found:
        return
    book = openpyxl.load_workbook(path)
    with _using(lang):
        sheet = book.create_sheet(_t("Figures")[:31])
    row = 1
    for _, png, caption in found:
        sheet.cell(row=row, column=1, value=caption)
        image = Image(io.BytesIO(png))
        sheet.add_image(image, f"A{row + 1}")
        row += 3 + int(image.height / 20)  # default rows are 20 px high
    book.save(path)


def _page(models: FieldModels, focus: Any, built: Mapping[str, Section]) -> str:
    from benchmark import __version__

    body = "\n".join(_section_html(anchor, built[anchor].html) for anchor, _ in SECTIONS)
    opts = models.options
    head = opts.title or _t("Gap analysis: {focus}", focus=focus)
    sub = [_t(line) for line in (opts.description, scope_line(models, focus)) if line]
    footer = _t("Written by benchmark {version} on {date}. Every figure and table comes from the library's "
                "public functions; see the notes for the methods and settings.",
                version=__version__, date=_dt.date.today().isoformat())
    toc = [(anchor, _t(name)) for anchor, name in SECTIONS]
    lang = "zh-CN" if _t("Summary") != "Summary" else "en"
    return H.page(title=head, subtitle=sub, toc=toc, body=body, footer=footer, lang=lang)


def _section_html(anchor: str, content: str) -> str:
    title = dict(SECTIONS)[anchor]
    return f'<section class="part" id="{anchor}">\n<h2>{H.esc(_t(title))}</h2>\n{content}\n</section>'


def scope_line(models: FieldModels, focus: Any) -> str:
    cs, e = models.cross_section, models.entity
    within = models.options.within
    shared = (_t(" sharing its {columns}", columns=", ".join(
        f"{_t(c)} ({cs.loc[cs[e] == focus, c].iloc[0]})" for c in within)) if within else "")
    when = _t("Evaluation {where}; ", where=models.where()) if models.period is not None else ""
    return when + _t("compared with the {n} other entities{within}; peers: {cohort} ({size}).",
                     n=cs[e].nunique() - 1, within=shared, cohort=cohort_text(models.options.cohort),
                     size=len(peers_of(models, focus)))
