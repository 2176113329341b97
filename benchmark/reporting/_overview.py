"""The evaluator's overview: one self-contained HTML page on every unit of the field, and one workbook.

Where :func:`benchmark.report` answers "how is this institution doing?",
:func:`overview` answers the question of whoever evaluates them all (a
provincial education department, a ministry, a system office): how did
every unit do against its targets and which grade does that give, how are the
grades spread over the official tiers and the provinces, whose official tier
disagrees with what the data say, how efficient is each unit and how sure is
its composite rank, who is furthest behind its peers, and who moved between
tiers.

Every number comes from a public analysis function (:func:`completion`,
:func:`completion_summary`, :func:`grade`, :func:`dea`, :func:`composite`,
:func:`rank_uncertainty`, :func:`tiers`, :func:`tier_transitions`,
:func:`peer_gap`); this module only arranges the results. The results that
every unit report also needs (the shared field models) can be passed in with
``models=`` so a batch run computes them once.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import math
import time
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from benchmark import _report_html as H
from benchmark._i18n import cohort_text, colon, resolve_lang
from benchmark._i18n import t as _t
from benchmark._i18n import using as _using
from benchmark._results import Result, headline
from benchmark._validation import (
    BenchmarkError,
    as_list,
    check_choice,
    check_columns,
    check_frame,
    check_n_jobs,
    format_list,
    instance,
    interval,
    validate_params,
)
from benchmark.reporting._options import ReportOptions
from benchmark.reporting._report import add_figures, writable

__all__ = ["Overview", "overview"]

#: Section anchors and titles, in page order.
SECTIONS = (
    ("units", "Completion and grades"),
    ("grades", "Grades by group"),
    ("tiers", "Official and data-driven tiers"),
    ("ranks", "Efficiency and composite rank"),
    ("gaps", "Largest significant gaps"),
    ("transitions", "Tier transitions"),
    ("notes", "Notes and methods"),
)
_GROUP_COLUMNS = ("province", "region", "state")  # attribute columns tabulated by default, when present


# ============================================================ result
@dataclasses.dataclass(frozen=True, repr=False)
class Overview(Result):
    """What :func:`overview` wrote: the page, the workbook and the tables behind them.

    Every table has the entity column and, when the units were compared
    within groups (``within=``), the group columns.

    Attributes
    ----------
    units : DataFrame
        One row per unit: its groups (official tier, province...), targets
        (``n_tasks``) and targets completed (``n_completed``), completion rate
        and mean capped completion ratio, ``grade``, ``data_tier``, DEA
        ``efficiency``, composite ``nominal_rank`` with its interval
        ``ci_low`` - ``ci_high``, and the number of indicators on which it is
        significantly behind (``gaps_behind``) or ahead (``gaps_ahead``) of
        its peers' median.
    grade_distribution : DataFrame
        Units per grade in each group: ``by`` (the grouping column),
        ``group``, one column per grade (best first) and ``n``.
    disagreements : DataFrame
        Units whose data-driven tier differs from their official tier:
        ``official``, ``data_tier``, ``shift`` (official rank - data rank;
        positive: the data place the unit higher), ``placement``.
    ranks : DataFrame
        Per unit: DEA ``efficiency`` and ``efficiency_rank``, composite
        ``score``, ``nominal_rank``, ``median_rank`` and the rank interval
        ``ci_low`` - ``ci_high``.
    largest_gaps : DataFrame
        The largest significant shortfalls against the peers' median, one row
        per unit and indicator, most behind first (columns of
        :func:`benchmark.peer_gap`).
    transitions : DataFrame
        Units moving between data-driven tiers from one period to the next,
        pooled over the pairs of periods: ``from_tier`` and one column per
        tier of the next period.
    tier_flows : DataFrame
        Per pair of consecutive periods: units present in both, stayed, up,
        down, entered, exited.
    path : Path
        The HTML file.
    excel : Path or None
        The workbook, when ``excel=`` was given.
    notes : tuple of str
        Parts left out and why, data set aside, warnings.
    """

    units: pd.DataFrame
    grade_distribution: pd.DataFrame
    disagreements: pd.DataFrame
    ranks: pd.DataFrame
    largest_gaps: pd.DataFrame
    transitions: pd.DataFrame
    tier_flows: pd.DataFrame
    path: Path
    excel: Path | None = None
    entity: str = "institution"
    official: str | None = None
    at: Any = None
    lang: str = "en"
    labels: Mapping[str, str] = dataclasses.field(default_factory=dict)
    notes: tuple[str, ...] = ()
    seconds: float = float("nan")

    def summary(self) -> pd.DataFrame:
        """Headline figures: units, median completion rate, units per grade, tier disagreements, gaps."""
        u = self.units
        rows: list[tuple[str, Any]] = [("units", len(u))]
        if "completion_rate" in u.columns:
            rows.append(("median completion rate", float(u["completion_rate"].median())))
        if "grade" in u.columns:
            counts = u["grade"].value_counts(sort=False)
            rows += [(f"grade {g}", int(n)) for g, n in counts.iloc[::-1].items()]
        if "data_tier" in u.columns and self.official is not None:
            rows.append(("tier disagreements", len(self.disagreements)))
        if "gaps_behind" in u.columns:
            rows.append(("units significantly behind on an indicator", int((u["gaps_behind"] > 0).sum())))
        return headline(rows)

    def to_excel(self, path: str | Path, *, lang: str | None = None,  # type: ignore[override]
                 **options: Any) -> Path:
        """Write every non-empty table to one sheet of a workbook with readable headers (needs openpyxl).

        Headers and sheet names are in ``lang`` (default: the page's
        language); indicator codes become their labels. ``options`` go to
        :func:`benchmark.export_excel` (e.g. ``digits=``). In the page's
        language, and while the page is where it was written, a last sheet
        holds the page's figures under their captions.
        """
        lang = lang or self.lang
        written = _write_excel(self, Path(path), lang, **options)
        page = Path(self.path)
        if lang == self.lang and page.is_file():
            add_figures(written, page.read_text(encoding="utf-8"), lang)
        return written

    def _params(self) -> dict[str, Any]:
        return {"path": str(self.path), "at": self.at, "units": len(self.units)}


# ============================================================ one field: the models and every unit's gaps
@dataclasses.dataclass(frozen=True)
class _Part:
    """One field (the units compared with each other) with its shared models and every unit's peer gaps."""

    key: Mapping[str, Any]
    models: Any  # FieldModels
    gaps: pd.DataFrame | None
    gap_error: str | None

    def name(self) -> str:
        """The field in words ("unit type school"), empty for a single field."""
        return ", ".join(f"{_column_title(c)} {v}" for c, v in self.key.items())


@dataclasses.dataclass(frozen=True)
class _Page:
    """Everything the page and the workbook show."""

    parts: tuple[_Part, ...]
    entity: str
    official: str | None
    by: tuple[str, ...]
    top: int
    lang: str

    @property
    def first(self) -> Any:
        return self.parts[0].models

    def labels(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for part in self.parts:
            out.update(part.models.labels())
        return out

    def label(self, indicator: Any) -> str:
        return self.labels().get(indicator, str(indicator))

    def within(self) -> list[str]:
        return list(self.first.options.within)


# ============================================================ public entry
_PRESENTATION = ("lang", "title", "description")


@validate_params("n_jobs", "indicators", top=interval(1, integer=True),
                 by=instance(str, list, tuple, none=True, what="column names"))
def overview(
    data: pd.DataFrame,
    *,
    path: str | Path,
    excel: str | Path | None = None,
    targets: pd.DataFrame | None = None,
    indicators: Sequence[str] | None = None,
    metadata: pd.DataFrame | None = None,
    inputs: str | Sequence[str] | None = None,
    outputs: str | Sequence[str] | None = None,
    official: str | None = None,
    cohort: Any = None,
    lang: str | None = None,
    by: str | Sequence[str] | None = None,
    top: int = 20,
    options: ReportOptions | None = None,
    models: Any = None,
    n_jobs: int = 1,
    **settings: Any,
) -> Overview:
    """Write the evaluator's overview of every unit as one HTML page (and optionally one Excel workbook).

    The page has six parts:

    1. **Completion and grades** - every unit's targets completed, completion
       rate and grade (:func:`benchmark.completion`,
       :func:`benchmark.completion_summary`, :func:`benchmark.grade` of the
       completion rate in percent), with its data-driven tier, efficiency,
       composite rank and number of significant gaps, in a table sorted by
       clicking a column header.
    2. **Grades by group** - units per grade in each official tier and each
       province (tables and stacked bars).
    3. **Official and data-driven tiers** - the units whose official tier
       differs from the tier the data give them (:func:`benchmark.tiers`,
       :meth:`benchmark.TierResult.compare`).
    4. **Efficiency and composite rank** - DEA efficiency
       (:func:`benchmark.dea`) and the composite rank with its Monte Carlo
       interval (:func:`benchmark.rank_uncertainty`) of every unit, with a
       figure of the rank intervals.
    5. **Largest significant gaps** - the largest shortfalls against the
       peers' median whose bootstrap interval excludes zero
       (:func:`benchmark.peer_gap` for every unit, direction-aware).
    6. **Tier transitions** - moves between data-driven tiers from one
       period to the next (:func:`benchmark.tier_transitions`): matrix
       figure and tables.

    A part whose inputs are missing (no ``targets``, no ``inputs`` and
    ``outputs``, no ``official`` column, a single period...) is left out with
    a note saying what to pass.

    Parameters
    ----------
    data : DataFrame
        Panel with one row per (unit, period), or a cross-section.
    path : str or Path
        The HTML file to write.
    excel : str or Path, optional
        Also write every table to this ``.xlsx`` workbook, a sheet per table
        (needs openpyxl).
    targets, indicators, metadata, inputs, outputs, official, cohort, lang
        As for :func:`benchmark.report`: targets of every unit, indicator
        columns, the indicator table, DEA inputs and outputs, the column of
        official tiers, each unit's peers for the gaps, the language
        (``"zh"`` or ``"en"``; default Chinese when the indicator labels are).
    by : str or list of str, optional
        Columns the grades are counted by (default: ``official`` and the
        first of ``province``, ``region``, ``state`` in the data).
    top : int
        Rows of the largest-gaps table (default 20).
    options : ReportOptions, optional
        All settings at once, as for the unit report (then pass none of the
        settings above except ``lang``).
    models : FieldModels or list of FieldModels, optional
        Shared models already computed for the unit reports (one per group
        with ``within=``); nothing they hold is computed again.
    n_jobs : int
        Parallel workers (joblib) for the units' bootstrap gaps; ``-1`` uses
        all cores. The numbers do not depend on it.
    **settings
        Any other option of :class:`benchmark.ReportOptions` (``within``,
        ``at``, ``n_boot``, ``n_draws``, ``n_tier_boot``, ``k``, ``ci``,
        ``random_state``, ``title``, ``description``, ``entity``,
        ``period``...).

    Returns
    -------
    Overview
        The tables (``to_frames()``, ``to_excel()``), the path and notes.

    See Also
    --------
    benchmark.report : the gap-analysis report of one unit, built from the same shared models.
    benchmark.reporting.report_batch : every unit's report and this overview in one run.

    Examples
    --------
    >>> import benchmark, tempfile, os
    >>> from benchmark.reporting import overview
    >>> panel = benchmark.datasets.load("shuanggao")
    >>> schools = panel[panel["unit_type"] == "school"]
    >>> out = os.path.join(tempfile.mkdtemp(), "overview.html")
    >>> ov = overview(schools, targets=benchmark.datasets.load("shuanggao_targets"),
    ...               indicators=["placement_rate", "skill_prizes", "tech_service_income"],
    ...               official="tier", cohort="tier", n_boot=100, n_draws=40, n_tier_boot=0, path=out)
    >>> len(ov.units), int(ov.grade_distribution.query("by == 'tier'")["n"].sum())
    (56, 56)
    """
    started = time.perf_counter()
    out_path = writable(path, "path", "overview.html")
    if excel is not None:
        writable(excel, "excel", "overview.xlsx", workbook=True)
    check_choice(lang, (None, "zh", "en"), name="lang")
    workers = check_n_jobs(n_jobs)
    frame = check_frame(data, name="data")
    if by is not None:
        check_columns(frame, as_list(by, name="by"), name="data", what="`by` column")
    # the named arguments count when given; other settings as they are (period=None: a cross-section)
    given = {name: value for name, value in dict(
        targets=targets, indicators=indicators, metadata=metadata, inputs=inputs, outputs=outputs,
        official=official, cohort=cohort).items() if value is not None}
    given.update(settings)
    opts, fields = _fields(frame, options, models, given)
    presentation = {"lang": lang} if lang is not None else {}
    presentation.update({k: given[k] for k in ("title", "description") if k in given})
    if presentation:
        opts = dataclasses.replace(opts, **presentation)
    labels = [str(v) for _, f in fields for v in f.labels().values()]
    page_lang = resolve_lang(opts.lang, labels)
    groups = _groups(frame, by, opts)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with _using(page_lang):
            parts = tuple(_part(key, fm, workers) for key, fm in fields)
            page = _Page(parts=parts, entity=opts.entity, official=fields[0][1].official, by=tuple(groups),
                         top=int(top), lang=page_lang)
            tables = _tables(page)
            document = _document(page, tables, title=opts.title, description=opts.description)
            notes = _notes(page)
    for w in caught:
        text = str(w.message)
        if not (text.startswith("Glyph ") and "missing from font" in text) and text not in notes:
            notes.append(text)
    out_path.write_text(document, encoding="utf-8")
    at = page.first.at
    result = Overview(**tables, path=out_path, entity=opts.entity, official=page.official,
                      at=at.item() if hasattr(at, "item") else at, lang=page_lang, labels=page.labels(),
                      notes=tuple(notes), seconds=time.perf_counter() - started)
    if excel is not None:
        written = _write_excel(result, Path(excel), page_lang)
        add_figures(written, document, page_lang)
        result = dataclasses.replace(result, excel=written)
    return result


def _fields(data: Any, options: Any, models: Any, given: dict[str, Any]) -> tuple[Any, list[tuple[dict, Any]]]:
    """The options and one (group key, FieldModels) per field: given ones, or computed once here."""
    from benchmark.reporting._models import FieldModels, field_models, within_groups

    frame = data
    if options is not None and not isinstance(options, ReportOptions):
        raise BenchmarkError(f"`options` must be a ReportOptions; got {type(options).__name__}.")
    settings = {k: v for k, v in given.items() if k not in _PRESENTATION}
    if models is not None:
        listed = list(models.values()) if isinstance(models, Mapping) else (
            [models] if isinstance(models, FieldModels) else list(models))
        if not listed or not all(isinstance(m, FieldModels) for m in listed):
            raise BenchmarkError("`models` must be the FieldModels of the field (or a list of them, one per "
                                 "`within` group), as computed for the unit reports.")
        if settings or options is not None:
            named = ", ".join(sorted(settings)) or "options"
            raise BenchmarkError(f"`models` already fix the settings; do not pass {named} as well.")
        opts = listed[0].options
        return opts, [(_key(m, opts), m) for m in listed]
    if options is not None and settings:
        raise BenchmarkError(f"pass the settings either in `options` or as arguments, not both: "
                             f"{', '.join(sorted(settings))} given with options=.")
    unknown = sorted(set(settings) - set(ReportOptions.field_names()))
    if unknown:
        raise BenchmarkError(f"overview() has no setting {format_list(unknown)}; the settings are those of "
                             f"ReportOptions: {', '.join(ReportOptions.field_names())}.")
    opts = options if options is not None else ReportOptions(**settings)
    fields = [(key, field_models(rows, opts)) for key, rows in within_groups(frame, opts)]
    if not fields:
        raise BenchmarkError(f"`data` has no unit with a value in every `within` column ({', '.join(opts.within)}).")
    return fields[0][1].options, fields


def _key(models: Any, opts: Any) -> dict[str, Any]:
    cs = models.cross_section
    out = {}
    for column in opts.within:
        values = pd.unique(cs[column].dropna())
        out[column] = values[0].item() if len(values) == 1 and hasattr(values[0], "item") else (
            values[0] if len(values) == 1 else None)
    return out


def _groups(data: pd.DataFrame, by: Any, opts: Any) -> list[str]:
    if by is not None:
        groups = as_list(by, name="by")
        check_columns(data, groups, name="data", what="`by` column")
        return [g for g in groups if g != opts.entity]
    found = next((c for c in _GROUP_COLUMNS if c in data.columns), None)
    return [c for c in dict.fromkeys((opts.official, found)) if c is not None and c != opts.entity]


def _part(key: dict[str, Any], models: Any, n_jobs: int) -> _Part:
    """Every unit's gaps to its peers' median, with the report's settings and seed (so the same significance)."""
    if not models.indicators:
        return _Part(key, models, None, _t("no indicator to compare."))
    o = models.options
    settings = {"cohort": o.cohort, "at": models.at, "direction": {i: models.directions[i] for i in models.indicators},
                "ci": o.ci, "n_boot": o.n_boot, "random_state": models.seeds["gaps"], "entity": models.entity,
                "period": models.period}
    # Only the evaluation period's rows: the same gaps as from the whole panel, with far less to check per unit.
    rows, inds, units = models.cross_section, list(models.indicators), models.units()
    if n_jobs == 1 or len(units) < 2 * n_jobs:
        results = [_unit_gaps(rows, units, inds, settings)]
    else:
        from joblib import Parallel, delayed

        chunks = [units[i::n_jobs] for i in range(n_jobs)]
        results = Parallel(n_jobs=n_jobs)(delayed(_unit_gaps)(rows, chunk, inds, settings) for chunk in chunks)
    frames = [f for frames, _ in results for f in frames]
    failed = [f for _, fails in results for f in fails]
    gaps = None
    if frames:  # back in the field's unit order whatever the chunks were
        order = {u: i for i, u in enumerate(units)}
        gaps = pd.concat(frames, ignore_index=True)
        gaps = gaps.iloc[np.argsort(gaps[models.entity].map(order).to_numpy(), kind="stable")].reset_index(drop=True)
    return _Part(key, models, gaps, " ".join(failed) if failed else None)


def _unit_gaps(rows: pd.DataFrame, units: list[Any], inds: list[str],
               settings: dict[str, Any]) -> tuple[list[pd.DataFrame], list[str]]:
    from benchmark.peers import peer_gap

    frames, failed = [], []
    for unit in units:
        try:
            frames.append(peer_gap(rows, unit, inds, **settings))
        except BenchmarkError as exc:
            failed.append(f"{unit}: {exc}")
    return frames, failed


# ============================================================ tables
def _with_key(frame: pd.DataFrame, part: _Part, entity: str) -> pd.DataFrame:
    out = frame.copy()
    at = list(out.columns).index(entity) + 1 if entity in out.columns else 0
    for i, (column, value) in enumerate(part.key.items()):
        if column not in out.columns:
            out.insert(at + i, column, value)
    return out


def _concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
    frames = [f for f in frames if f is not None and not f.empty]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def _tables(page: _Page) -> dict[str, pd.DataFrame]:
    units = _concat([_units(page, part) for part in page.parts])
    ranks = _concat([_with_key(_rank_table(part.models), part, page.entity) for part in page.parts])
    return {"units": units, "grade_distribution": _grade_distribution(page, units),
            "disagreements": _concat([_with_key(_disagreements(part.models), part, page.entity)
                                      for part in page.parts]),
            "ranks": ranks,
            "largest_gaps": _largest_gaps(page),
            "transitions": _concat([_with_key(_transition_counts(part.models), part, "from_tier")
                                    for part in page.parts]),
            "tier_flows": _concat([_with_key(_flows(part.models), part, "to_period") for part in page.parts])}


def _grades(graded: pd.DataFrame) -> pd.Series:
    """The grade column in the page's language (the shared models may hold the other preset)."""
    from benchmark.targets import LABEL_PRESETS

    grade = graded["grade"]
    names = LABEL_PRESETS[_lang()][::-1]  # worst first, as the categories
    if len(grade.cat.categories) == len(names) and list(grade.cat.categories) != list(names) and any(
            list(grade.cat.categories) == list(preset[::-1]) for preset in LABEL_PRESETS.values()):
        return pd.Series(pd.Categorical.from_codes(grade.cat.codes, categories=list(names), ordered=True),
                         index=grade.index)
    return grade


def _units(page: _Page, part: _Part) -> pd.DataFrame:
    m, e = part.models, page.entity
    cols = [e, *part.key, *[c for c in page.by if c not in part.key and c in m.cross_section.columns]]
    units = m.cross_section[cols].drop_duplicates(subset=[e]).reset_index(drop=True)
    if m.completion_summary is not None:
        summary = m.completion_summary[[e, "n_tasks", "n_completed", "completion_rate", "mean_ratio"]]
        units = units.merge(summary, on=e, how="left")
    if m.grades is not None:
        graded = m.grades[[e]].assign(grade=_grades(m.grades))
        units = units.merge(graded, on=e, how="left")
    if m.tiers is not None:
        units = units.merge(m.tiers.assignments[[e, "label"]].rename(columns={"label": "data_tier"}), on=e,
                            how="left")
    ranks = _rank_table(m)
    if not ranks.empty:
        keep = [c for c in (e, "efficiency", "nominal_rank", "ci_low", "ci_high") if c in ranks.columns]
        units = units.merge(ranks[keep], on=e, how="left")
    if part.gaps is not None:
        g = part.gaps
        sig = g[g["significant"].fillna(False).astype(bool)]
        units["gaps_behind"] = units[e].map(sig[sig["gap_median"] < 0].groupby(e).size()).fillna(0).astype(int)
        units["gaps_ahead"] = units[e].map(sig[sig["gap_median"] > 0].groupby(e).size()).fillna(0).astype(int)
    return units


def _rank_table(m: Any) -> pd.DataFrame:
    e = m.entity
    out = None
    if m.dea is not None:
        eff = m.dea.efficiency[[e, "efficiency"]].copy()
        eff["efficiency_rank"] = eff["efficiency"].rank(ascending=False, method="min").astype("Int64")
        out = eff
    if m.ranks is not None:
        r = m.ranks.ranks[[e, "score", "nominal_rank", "median_rank", "ci_low", "ci_high"]]
        out = r if out is None else r.merge(out, on=e, how="outer")
    if out is None:
        return pd.DataFrame()
    key = "nominal_rank" if "nominal_rank" in out.columns else "efficiency_rank"
    return out.sort_values([key], kind="stable").reset_index(drop=True)


def _grade_distribution(page: _Page, units: pd.DataFrame) -> pd.DataFrame:
    if "grade" not in units.columns or not page.by:
        return pd.DataFrame()
    graded = units.dropna(subset=["grade"])
    grades = list(graded["grade"].cat.categories)[::-1]  # best first
    frames = []
    for column in page.by:
        counts = pd.crosstab(graded[column], graded["grade"], dropna=False).reindex(columns=grades, fill_value=0)
        if column == page.official and page.first.official_order:
            counts = counts.reindex([g for g in page.first.official_order if g in counts.index])
        counts["n"] = counts.sum(axis=1)
        counts.columns = [str(c) for c in counts.columns]
        counts = counts.rename_axis(index="group").reset_index()
        counts.insert(0, "by", column)
        frames.append(counts)
    return pd.concat(frames, ignore_index=True)


def _disagreements(m: Any) -> pd.DataFrame:
    if m.tier_comparison is None:
        return pd.DataFrame()
    e = m.entity
    p = m.tier_comparison.placements
    out = p.loc[p["placement"] != "same", [e, "official", "label", "shift", "placement"]]
    out = out.rename(columns={"label": "data_tier"})
    out["placement"] = out["placement"].map({"higher": "data tier higher", "lower": "data tier lower"})
    if m.ranks is not None:
        out = out.merge(m.ranks.ranks[[e, "nominal_rank"]], on=e, how="left")
    return out.sort_values(["shift"], ascending=False, kind="stable").reset_index(drop=True)


def _largest_gaps(page: _Page) -> pd.DataFrame:
    frames = []
    for part in page.parts:
        g = part.gaps
        if g is None:
            continue
        sig = g[g["significant"].fillna(False).astype(bool) & (g["gap_median"] < 0) & g["gap_median_pct"].notna()]
        cols = [page.entity, "indicator", "direction", "value", "cohort_median", "gap_median", "gap_median_pct",
                "ci_low", "ci_high", "percentile_rank", "n_cohort", "significant"]
        frames.append(_with_key(sig[cols], part, page.entity))
    out = _concat(frames)
    if out.empty:
        return out
    out = out.sort_values("gap_median_pct", kind="stable").head(page.top).reset_index(drop=True)
    out.insert(list(out.columns).index("indicator") + 1, "label", [page.label(i) for i in out["indicator"]])
    return out


def _transition_counts(m: Any) -> pd.DataFrame:
    if m.transitions is None:
        return pd.DataFrame()
    out = m.transitions.counts.copy()
    out.columns = [str(c) for c in out.columns]
    out.index = [str(i) for i in out.index]
    return out.rename_axis(index="from_tier").reset_index()


def _flows(m: Any) -> pd.DataFrame:
    if m.transitions is None:
        return pd.DataFrame()
    return m.transitions.flows.reset_index(drop=True)


def _lang() -> str:
    return "zh" if _t("Summary") != "Summary" else "en"


# ============================================================ the page
_CSS_EXTRA = """
table.sortable th { cursor:pointer; user-select:none; white-space:nowrap; }
table.sortable td:first-child { white-space:nowrap; }
table.sortable td:first-child, table.sortable th:first-child { position:sticky; left:0; background:#fff; z-index:1; }
table.sortable thead th:first-child { background:var(--band); z-index:2; }
table.sortable th:hover, table.sortable th:focus { background:#e4e7eb; }
table.sortable th::after { content:"\\2195"; color:#9aa5b1; font-size:11px; margin-left:4px; }
table.sortable th[aria-sort="ascending"]::after { content:"\\25B2"; color:var(--ink); }
table.sortable th[aria-sort="descending"]::after { content:"\\25BC"; color:var(--ink); }
div.table-wrap.tall { max-height:75vh; overflow:auto; }
div.table-wrap.tall thead th { position:sticky; top:0; z-index:1; }
td.grade { font-weight:600; }
@media (max-width: 640px) {
  table.sortable td:first-child { max-width:13em; overflow:hidden; text-overflow:ellipsis; }
}
@media print { div.table-wrap.tall { max-height:none; overflow:visible; }
               table.sortable th::after { content:""; } }
"""

# Sorting without any library: numbers by the cell's data-v, text by its content; missing values last.
_SORT_JS = """
(function () {
  function key(cell) {
    var v = cell.getAttribute("data-v");
    if (v === null) { var s = cell.textContent.trim(); return s === "\\u2013" ? null : s; }
    return v === "" ? null : parseFloat(v);
  }
  function sortBy(table, index, th) {
    var ascending = th.getAttribute("aria-sort") !== "ascending";
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (h) { h.setAttribute("aria-sort", "none"); });
    th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = key(a.cells[index]), y = key(b.cells[index]);
      if (x === null) { return y === null ? 0 : 1; }
      if (y === null) { return -1; }
      var c = typeof x === "number" ? x - y : String(x).localeCompare(String(y), document.documentElement.lang);
      return ascending ? c : -c;
    });
    rows.forEach(function (r) { body.appendChild(r); });
  }
  Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), function (table) {
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, index) {
      th.tabIndex = 0;
      th.setAttribute("aria-sort", "none");
      th.addEventListener("click", function () { sortBy(table, index, th); });
      th.addEventListener("keydown", function (ev) {
        if (ev.key === "Enter" || ev.key === " ") { ev.preventDefault(); sortBy(table, index, th); }
      });
    });
  });
})();
"""


def _sortable(frame: pd.DataFrame, columns: Sequence[H.Column], *, table_id: str, caption: str | None = None) -> str:
    """A table sorted by clicking a header (plain rows without JavaScript); numeric cells carry their value."""
    cols = [c for c in columns if c.key in frame.columns and not (len(frame) and frame[c.key].isna().all())]
    head = "".join(f'<th{" class=num" if c.numeric else ""} scope="col">{H.esc(_t(c.header))}</th>' for c in cols)
    body = []
    for row in frame.itertuples(index=False):
        values = dict(zip(frame.columns, row, strict=True))
        cells = []
        for position, c in enumerate(cols):
            value = values.get(c.key)
            missing = _missing(value)
            text = H.DASH if missing else H.esc(c.fmt(value))
            classes = (["num"] if c.numeric else []) + ([c.css(value)] if c.css is not None and not missing else [])
            classes = [x for x in classes if x]
            attr = f' class="{" ".join(classes)}"' if classes else ""
            if c.numeric:
                attr += f' data-v="{"" if missing else _sort_value(value)}"'
            elif position == 0 and not missing:
                attr += f' title="{text}"'
            cells.append(f"<td{attr}>{text}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    cap = f"<caption>{H.esc(_t(caption))}</caption>" if caption else ""
    wrap = "table-wrap tall" if len(frame) > 25 else "table-wrap"
    return (f'<div class="{wrap}"><table class="data sortable" id="{H.esc(table_id)}">{cap}<thead><tr>{head}'
            f"</tr></thead><tbody>{''.join(body)}</tbody></table></div>")


def _missing(value: Any) -> bool:
    try:
        return value is None or bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _sort_value(value: Any) -> str:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return ""
    return repr(number) if math.isfinite(number) else ""


def _document(page: _Page, tables: dict[str, pd.DataFrame], *, title: str | None, description: str | None) -> str:
    import matplotlib

    with matplotlib.rc_context({"savefig.bbox": None}):
        parts = {
            "units": _units_section(page, tables),
            "grades": _grades_section(page, tables),
            "tiers": _tiers_section(page, tables),
            "ranks": _ranks_section(page, tables),
            "gaps": _gaps_section(page, tables),
            "transitions": _transitions_section(page, tables),
        }
    parts["notes"] = _notes_section(page)
    body = "\n".join(f'<section class="part" id="{anchor}">\n<h2>{H.esc(_t(name))}</h2>\n{parts[anchor]}\n</section>'
                     for anchor, name in SECTIONS)
    n = len(tables["units"])
    head = title or _t("Overview of {n} units", n=n)
    sub = [_t(description)] if description else []
    sub.append(_scope_line(page, n))
    from benchmark import __version__

    footer = _t("Written by benchmark {version} on {date}. Every figure and table comes from the library's "
                "public functions; see the notes for the methods and settings.",
                version=__version__, date=_dt.date.today().isoformat())
    toc = [(anchor, _t(name)) for anchor, name in SECTIONS]
    document = H.page(title=head, subtitle=sub, toc=toc, body=body, footer=footer,
                      lang="zh-CN" if page.lang == "zh" else "en")
    return document.replace("</head>", f"<style>{_CSS_EXTRA}</style>\n</head>", 1).replace(
        "</body>", f"<script>{_SORT_JS}</script>\n</body>", 1)


def _scope_line(page: _Page, n: int) -> str:
    m = page.first
    within = page.within()
    line = _t("Evaluation {where}; {n} units; peers for the gaps: {cohort}.", where=m.where(), n=n,
              cohort=cohort_text(m.options.cohort))
    if within:
        line += _t(" Units are compared within each {columns} ({k} groups).",
                   columns=", ".join(_column_title(c).lower() if page.lang == "en" else _column_title(c)
                                     for c in within), k=len(page.parts))
    return line


def _left_out(page: _Page, what: str, *names: str, hint: str | None = None) -> str:
    """Why a model is missing, per field; ``hint`` when it was not even attempted (an option not given)."""
    lines = []
    for part in page.parts:
        m = part.models
        reasons = [m.error(name) for name in names if m.error(name)]
        where = f" ({part.name()})" if part.name() else ""
        if reasons:
            lines.append(f"{_t(what)}{where}{colon()}{' '.join(reasons)}")
    if not lines and hint is not None:
        lines.append(f"{_t(what)}{colon()}{_t(hint)}")
    return "".join(f'<p class="omitted"><strong>{H.esc(_t("{what} left out.", what=_t(what)))}</strong> '
                   f"{H.esc(line)}</p>" for line in lines)


def _new_figure(width: float, height: float) -> tuple[Any, Any]:
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), layout="constrained")
    return fig, fig.subplots()


def _pct(value: Any) -> str:
    return H.percent(value, 0)


def _rank(value: Any) -> str:
    return H.number(value, 0)


def _interval_text(low: Any, high: Any) -> str | None:
    return None if _missing(low) or _missing(high) else f"{H.number(low, 0)}\u2013{H.number(high, 0)}"


def _column_title(column: Any) -> str:
    """A data column's header: its name in the message table, else the name made readable."""
    text = _t(str(column))
    return text.replace("_", " ").capitalize() if text == str(column) else text


def _group_header(page: _Page, column: str) -> str:
    return _t("Official tier") if column == page.official else _column_title(column)


def _key_columns(page: _Page) -> list[H.Column]:
    return [H.Column(c, _column_title(c)) for c in page.within()]


# ---------------------------------------------------------------- 1. completion and grades
def _units_section(page: _Page, tables: dict[str, pd.DataFrame]) -> str:
    units = tables["units"]
    lead = _t("Every unit with its targets completed, completion rate and grade, data-driven tier, DEA efficiency, "
              "composite rank and the number of indicators on which it is significantly behind or ahead of its "
              "peers. Click a column header to sort (again to reverse).")
    cols = [H.Column(page.entity, "Unit"), *_key_columns(page),
            *[H.Column(c, _group_header(page, c)) for c in page.by if c not in page.within()],
            H.Column("n_completed", "Targets completed", H.number, True),
            H.Column("n_tasks", "Targets", H.number, True),
            H.Column("completion_rate", "Completion rate", _pct, True),
            H.Column("grade", "Grade", str, css=lambda v: "grade"),
            H.Column("data_tier", "Data-driven tier", str),
            H.Column("efficiency", "Efficiency", lambda v: H.number(v, 3), True),
            H.Column("nominal_rank", "Composite rank", _rank, True),
            H.Column("_interval", "Rank interval", str),
            H.Column("gaps_behind", "Significantly behind", H.number, True, css=lambda v: "neg" if v else ""),
            H.Column("gaps_ahead", "Significantly ahead", H.number, True, css=lambda v: "pos" if v else "")]
    shown = units.assign(_interval=[_interval_text(a, b) for a, b in zip(
        units.get("ci_low", pd.Series(np.nan, index=units.index)),
        units.get("ci_high", pd.Series(np.nan, index=units.index)), strict=True)])
    hint = None if page.first.options.targets is not None else (
        "pass targets= (one row per unit and indicator with baseline and target_<period> columns) to judge "
        "completion and grade the units.")
    return (f'<p class="lead">{H.esc(lead)}</p>{_cards(page, units)}'
            + _left_out(page, "Completion and grades", "completion", hint=hint)
            + _sortable(shown, cols, table_id="table-units"))


def _cards(page: _Page, units: pd.DataFrame) -> str:
    cards = [(_t("Units"), str(len(units)), page.first.where())]
    if "completion_rate" in units.columns and units["completion_rate"].notna().any():
        cards.append((_t("Median completion rate"), _pct(units["completion_rate"].median()),
                      _t("share of targets completed")))
    if "grade" in units.columns:
        counts = units["grade"].value_counts(sort=False).iloc[::-1]
        cards.append((_t("Grades"), " / ".join(str(int(n)) for n in counts), " / ".join(map(str, counts.index))))
    comparisons = [p.models.tier_comparison for p in page.parts if p.models.tier_comparison is not None]
    if len(comparisons) == 1:
        c = comparisons[0]
        cards.append((_t("Same tier as the official one"), _pct(c.agreement),
                      _t("adjusted Rand index {ari:.2f}", ari=c.ari)))
    if "gaps_behind" in units.columns:
        cards.append((_t("Significantly behind"), str(int((units["gaps_behind"] > 0).sum())),
                      _t("units behind their peers on at least one indicator")))
    html = "".join(f'<div class="card"><div class="k">{H.esc(k)}</div><div class="v">{H.esc(v)}</div>'
                   f'<div class="s">{H.esc(s)}</div></div>' for k, v, s in cards)
    return f'<div class="cards">{html}</div>'


# ---------------------------------------------------------------- 2. grades by group
def _grades_section(page: _Page, tables: dict[str, pd.DataFrame]) -> str:
    dist = tables["grade_distribution"]
    if dist.empty:
        if "grade" not in tables["units"].columns:
            return _left_out(page, "Grades by group", "completion", hint="pass targets= to grade the units.")
        return f'<p class="omitted">{H.esc(_t("pass by= (columns such as the official tier or province) to count the grades by group."))}</p>'
    grades = [c for c in dist.columns if c not in ("by", "group", "n")]
    lead = _t("Units per grade in each group. The grade is that of the completion rate (share of targets "
              "completed): {bands}.", bands=_bands_text())
    html = [f'<p class="lead">{H.esc(lead)}</p>']
    for column in page.by:
        part = dist[dist["by"] == column]
        header = _group_header(page, column)
        cols = [H.Column("group", header), *[H.Column(g, g, H.number, True) for g in grades],
                H.Column("n", "Units", H.number, True)]
        html.append(f"<h3>{H.esc(_t('Grades by {group}', group=header))}</h3>")
        html.append(H.table(part, cols, table_id=f"table-grades-{_slug(column)}"))
        html.append(_stacked_figure(part, grades, header, fig_id=f"fig-grades-{_slug(column)}"))
    return "".join(html)


def _slug(text: Any) -> str:
    return "".join(ch if ch.isascii() and ch.isalnum() else "-" for ch in str(text).lower())


def _bands_text() -> str:
    from benchmark.targets import DEFAULT_BANDS, LABEL_PRESETS

    names, bands = LABEL_PRESETS[_lang()], DEFAULT_BANDS
    parts = [f"{names[0]} \u2265 {bands[0]:g} %"]
    parts += [f"{names[i]} {bands[i]:g}\u2013{bands[i - 1]:g} %" for i in range(1, len(bands))]
    parts.append(f"{names[-1]} < {bands[-1]:g} %")
    return "; ".join(parts)


#: Okabe-Ito colours, best grade first.
_GRADE_COLOURS = ("#0072B2", "#56B4E9", "#E69F00", "#D55E00", "#CC79A7", "#999999")


def _stacked_figure(part: pd.DataFrame, grades: list[str], header: str, *, fig_id: str) -> str:
    from benchmark._fonts import apply_cjk_font

    n = len(part)
    fig, ax = _new_figure(8.0, 0.3 * n + 1.7)
    groups = [str(g) for g in part["group"]]
    left = np.zeros(n)
    for colour, g in zip(_GRADE_COLOURS, grades, strict=False):
        values = part[g].to_numpy(dtype=float)
        ax.barh(range(n), values, left=left, color=colour, label=g, edgecolor="white", linewidth=0.5)
        left += values
    ax.set_yticks(range(n), labels=groups)
    ax.set_ylim(n - 0.5, -0.5)
    ax.set_xlabel(_t("number of units"))
    ax.set_ylabel(header)
    ax.legend(title=_t("Grade"), loc="upper center", bbox_to_anchor=(0.5, -0.12 if n > 4 else -0.25),
              ncols=len(grades), fontsize="small", frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    apply_cjk_font(fig, [*groups, header, *grades, _t("number of units"), _t("Grade")])
    return H.figure(fig, alt=_t("Grades by {group}", group=header), fig_id=fig_id,
                    caption=_t("Units per grade in each group ({group}), best grade on the left.", group=header))


# ---------------------------------------------------------------- 3. official and data-driven tiers
def _tiers_section(page: _Page, tables: dict[str, pd.DataFrame]) -> str:
    hint = None if page.official is not None else (
        "pass official= (the column of official tiers) to compare them with the data-driven tiers.")
    html = [_left_out(page, "Official and data-driven tiers", "composite", "tiers", hint=hint)]
    for part in page.parts:
        c = part.models.tier_comparison
        if c is None:
            if page.official is not None and part.models.tiers is not None:
                html.append(f'<p class="omitted">{H.esc(_t("The official tiers ({k}) are not as many as the data-driven tiers; pass k= to match them.", k=len(page.first.official_order or ())))}</p>')
            continue
        heading = f"<h3>{H.esc(part.name())}</h3>" if part.name() else ""
        text = _t("{share} of units are in the same tier as their official one (adjusted Rand index {ari:.2f}); "
                  "the data place {above} higher and {below} lower.", share=_pct(c.agreement), ari=c.ari,
                  above=len(c.above), below=len(c.below))
        confusion = c.confusion.copy()
        confusion.columns = [str(x) for x in confusion.columns]
        confusion = confusion.rename_axis(index="official").reset_index()
        cols = [H.Column("official", _t("official \\ data")),
                *[H.Column(x, x, H.number, True) for x in confusion.columns if x != "official"]]
        html.append(heading + f"<p>{H.esc(text)}</p>"
                    + H.table(confusion, cols, caption="Official tiers (rows) against data-driven tiers (columns)",
                              table_id=f"table-tier-confusion{_suffix(part)}"))
    dis = tables["disagreements"]
    if page.official is not None and any(p.models.tier_comparison is not None for p in page.parts):
        lead = _t("Data-driven tiers: k-means on the standardised, direction-aware indicators of the composite, "
                  "ordered best first (Hennig 2007 for their stability). A unit listed here is placed by its data "
                  "in another tier than the official one; the shift counts the tiers between them (positive: the "
                  "data place it higher).")
        cols = [H.Column(page.entity, "Unit"), *_key_columns(page), H.Column("official", "Official tier"),
                H.Column("data_tier", "Data-driven tier"),
                H.Column("shift", "Shift", lambda v: f"{int(v):+d}", True, css=H.sign_class),
                H.Column("placement", "Placement", _t), H.Column("nominal_rank", "Composite rank", _rank, True)]
        html.append(f"<h3>{H.esc(_t('Units whose official tier differs from the data'))}</h3>"
                    + f'<p class="lead">{H.esc(lead)}</p>'
                    + (_sortable(dis, cols, table_id="table-disagreements") if len(dis)
                       else f'<p class="muted">{H.esc(_t("Every unit is in its official tier."))}</p>'))
    return "".join(html)


def _suffix(part: _Part) -> str:
    return "" if not part.key else "-" + "-".join(_slug(v) for v in part.key.values())


# ---------------------------------------------------------------- 4. efficiency and composite rank
def _ranks_section(page: _Page, tables: dict[str, pd.DataFrame]) -> str:
    ranks = tables["ranks"]
    o = page.first.options
    hint = None if o.inputs and o.outputs else "pass inputs= and outputs= (columns) to measure efficiency."
    html = (_left_out(page, "Efficiency", "dea", hint=hint)
            + _left_out(page, "Composite rank", "composite", "ranks"))
    if ranks.empty:
        return html
    model = _t("{rts}, {orientation}-oriented", rts=o.rts.upper(), orientation=_t(o.orientation))
    lead = _t("DEA efficiency ({model}; 1 = on the frontier) and the composite rank (min-max normalisation, "
              "weighted arithmetic mean) with the 5-95 % interval of the ranks over {draws} Monte Carlo draws "
              "of weights, normalisation and aggregation. A long interval means the rank depends on those "
              "choices more than on the data.", model=model, draws=o.n_draws)
    cols = [H.Column(page.entity, "Unit"), *_key_columns(page),
            H.Column("efficiency", "Efficiency", lambda v: H.number(v, 3), True),
            H.Column("efficiency_rank", "Efficiency rank", _rank, True),
            H.Column("score", "Composite score", lambda v: H.number(v, 3), True),
            H.Column("nominal_rank", "Composite rank", _rank, True),
            H.Column("median_rank", "Median rank", _rank, True),
            H.Column("ci_low", "Rank, 5 %", _rank, True), H.Column("ci_high", "Rank, 95 %", _rank, True)]
    html += f'<p class="lead">{H.esc(lead)}</p>' + _sortable(ranks, cols, table_id="table-ranks")
    for part in page.parts:
        if part.models.ranks is not None:
            html += _rank_figure(page, part)
    return html


def _rank_figure(page: _Page, part: _Part) -> str:
    from benchmark.plotting import plot_rank_intervals

    n = len(part.models.ranks.ranks)
    fig, ax = _new_figure(8.0, min(0.14 * n + 1.6, 30.0))
    plot_rank_intervals(part.models.ranks, entity=page.entity, ax=ax, lang=page.lang)
    if part.name():
        ax.set_title(part.name())
    caption = _t("Nominal composite rank (dot), median simulated rank (tick) and the 5-95 % interval of the "
                 "simulated ranks (bar) of every unit, best at the top.")
    return H.figure(fig, alt=_t("Rank intervals"), fig_id=f"fig-ranks{_suffix(part)}",
                    caption=(f"{part.name()}{colon()}" if part.name() else "") + caption)


# ---------------------------------------------------------------- 5. largest significant gaps
def _gaps_section(page: _Page, tables: dict[str, pd.DataFrame]) -> str:
    o = page.first.options
    errors = [f"{part.name() + ': ' if part.name() else ''}{part.gap_error}" for part in page.parts
              if part.gap_error]
    html = "".join(f'<p class="omitted"><strong>{H.esc(_t("{what} left out.", what=_t("Peer gaps")))}</strong> '
                   f"{H.esc(e)}</p>" for e in errors)
    if all(part.gaps is None for part in page.parts):
        return html
    units = tables["units"]
    behind = int((units["gaps_behind"] > 0).sum()) if "gaps_behind" in units.columns else 0
    lead = _t("Each unit against the median of its peers ({cohort}; the unit itself left out), indicator by "
              "indicator and direction-aware: for a lower-is-better indicator a higher value counts as behind. "
              "A gap is significant when the {ci:.0%} percentile-bootstrap interval of the gap ({n_boot} "
              "resamples of the peers) excludes zero, that is when the unit is further from the median than "
              "the spread of its peers explains. {k} of {n} units are significantly behind on at least one "
              "indicator; the table lists the largest of these gaps, in percent of the peers' median.",
              cohort=cohort_text(o.cohort), ci=o.ci, n_boot=o.n_boot, k=behind, n=len(units))
    gaps = tables["largest_gaps"]
    if gaps.empty:
        return html + f'<p class="lead">{H.esc(lead)}</p><p class="muted">{H.esc(_t("No significant gap behind."))}</p>'
    cols = [H.Column(page.entity, "Unit"), *_key_columns(page), H.Column("label", "Indicator", code="indicator"),
            H.Column("direction", "Better", lambda v: _t("higher") if v == "higher" else _t("lower")),
            H.Column("value", "Value", H.number, True),
            H.Column("cohort_median", "Peers' median", H.number, True),
            H.Column("gap_median", "Gap", H.number, True, css=H.sign_class),
            H.Column("gap_median_pct", "Gap %", H.signed_percent, True, css=H.sign_class),
            H.Column("_interval", _t("{ci:.0%} interval", ci=o.ci), str, True),
            H.Column("percentile_rank", "Percentile", lambda v: H.number(v, 0), True)]
    shown = gaps.assign(_interval=[f"[{H.number(a)}, {H.number(b)}]" for a, b in
                                   zip(gaps["ci_low"], gaps["ci_high"], strict=True)])
    return (html + f'<p class="lead">{H.esc(lead)}</p>'
            + _sortable(shown, cols, table_id="table-gaps",
                        caption=_t("The {n} largest significant gaps behind the peers", n=len(gaps))))


# ---------------------------------------------------------------- 6. tier transitions
def _transitions_section(page: _Page, tables: dict[str, pd.DataFrame]) -> str:
    m = page.first
    hint = None
    if m.period is None or m.data[m.period].nunique() < 2:
        hint = "it needs a panel with two or more periods (pass data with a period column)."
    html = _left_out(page, "Tier transitions", "composite", "tiers", "history", hint=hint)
    if all(p.models.transitions is None for p in page.parts):
        return html
    from benchmark.plotting import plot_transitions

    html += '<p class="lead">' + H.esc(_t(
        "Data-driven tiers fitted in every period with the same indicators and number of tiers; the matrix "
        "counts the units in each tier of one period (rows) by their tier in the next (columns), all pairs of "
        "consecutive periods pooled.")) + "</p>"
    counts = tables["transitions"]
    for part in page.parts:
        moves = part.models.transitions
        if moves is None:
            continue
        fig, ax = _new_figure(5.5, 4.6)
        plot_transitions(moves, ax=ax, lang=page.lang)
        if part.name():
            ax.set_title(part.name())
        mine = counts
        for column, value in part.key.items():
            mine = mine[mine[column] == value]
        tiers = [c for c in mine.columns if c not in ("from_tier", *part.key) and mine[c].notna().any()]
        cols = [H.Column("from_tier", _t("tier in the period")), *[H.Column(c, c, H.number, True) for c in tiers]]
        name = f"{part.name()}{colon()}" if part.name() else ""
        html += (H.figure(fig, alt=_t("Tier transitions"), fig_id=f"fig-transitions{_suffix(part)}",
                          caption=name + _t("Moves between data-driven tiers (counts and row shares); the outlined "
                                            "diagonal holds the units that stayed."))
                 + H.table(mine, cols, caption=_t("Units by tier in one period (rows) and the next (columns)"),
                           table_id=f"table-transitions{_suffix(part)}"))
    flows = tables["tier_flows"]
    cols = [*_key_columns(page), H.Column("from_period", "From"), H.Column("to_period", "To"),
            H.Column("n", "Units in both", H.number, True), H.Column("stayed", "Stayed", H.number, True),
            H.Column("up", "Up", H.number, True), H.Column("down", "Down", H.number, True),
            H.Column("entered", "Entered", H.number, True), H.Column("exited", "Left", H.number, True)]
    return html + H.table(flows, cols, caption="Moves per pair of periods", table_id="table-flows")


# ---------------------------------------------------------------- notes
def _notes(page: _Page) -> list[str]:
    out: list[str] = []
    for part in page.parts:
        where = f"{part.name()}{colon()}" if part.name() else ""
        m = part.models
        out += [f"{where}{name}{colon()}{m.error(name)}" for name in m.errors]
        out += [f"{where}{text}" for text in m.note_texts()]
        if part.gap_error:
            out.append(f"{where}{_t('Peer gaps')}{colon()}{part.gap_error}")
    return list(dict.fromkeys(out))


def _notes_section(page: _Page) -> str:
    o = page.first.options
    notes = _notes(page)
    listed = ('<ul class="facts">' + "".join(f"<li>{H.esc(x)}</li>" for x in notes) + "</ul>" if notes
              else f'<p class="muted">{H.esc(_t("No data were set aside."))}</p>')
    methods = [
        _t("Completion: completion ratio = actual / target (target / actual when lower is better); completion "
           "rate = share of a unit's targets completed; grades of the rate in percent: {bands}.",
           bands=_bands_text()),
        _t("Directions: every gap, rank and verdict is direction-aware (for a 'lower is better' indicator a lower "
           "value counts as ahead)."),
        _t("Peer gaps: the institution is left out of its own cohort; intervals are percentile-bootstrap intervals "
           "of the gap to the peers' median ({n_boot} resamples, {ci:.0%}); a gap is significant when its interval "
           "excludes zero.", n_boot=o.n_boot, ci=o.ci),
        _t("DEA: envelopment model, {rts} returns to scale, {orientation} orientation (Charnes, Cooper and Rhodes "
           "1978; Banker, Charnes and Cooper 1984).", rts=o.rts.upper(), orientation=_t(o.orientation)),
        _t("Composite: min-max normalisation and weighted arithmetic mean; rank interval from {n_draws} Monte Carlo "
           "draws of weights (Dirichlet), normalisation and aggregation, with Sobol indices (Saltelli et al. 2010).",
           n_draws=o.n_draws),
        _t("Tiers: k-means on standardised, direction-aware indicators, ordered by mean score; stability from "
           "{n_tier_boot} bootstrap resamples (Hennig 2007).", n_tier_boot=o.n_tier_boot),
    ]
    return (f"<h3>{H.esc(_t('Data set aside and warnings'))}</h3>{listed}<h3>{H.esc(_t('Methods'))}</h3>"
            + '<ul class="facts">' + "".join(f"<li>{H.esc(m)}</li>" for m in methods) + "</ul>"
            + f'<p class="muted">{H.esc(_t("Random seeds are fixed, so the same data give the same report."))}</p>')


# ============================================================ the workbook
#: Headers of the overview's own columns (those of the analysis functions come from benchmark.export).
_HEADERS = {
    "n_tasks": "Targets", "n_completed": "Targets completed", "completion_rate": "Completion rate",
    "mean_ratio": "Mean completion ratio", "grade": "Grade", "data_tier": "Data-driven tier",
    "efficiency_rank": "Efficiency rank", "gaps_behind": "Significantly behind", "gaps_ahead": "Significantly ahead",
    "by": "Grouped by", "group": "Group", "official": "Official tier", "shift": "Shift", "placement": "Placement",
    "from_tier": "tier in the period", "from_period": "From", "to_period": "To",
    "stayed": "Stayed", "up": "Up", "down": "Down", "entered": "Entered", "exited": "Left", "n_cohort": "Peers",
    "score": "Composite score", "nominal_rank": "Composite rank", "median_rank": "Median rank", "n": "Units",
    "ci_low": "Lower bound", "ci_high": "Upper bound",
}
#: Sheet names, in workbook order.
_SHEETS = {
    "units": "All units", "grade_distribution": "Grades by group", "disagreements": "Tier disagreements",
    "ranks": "Efficiency and rank", "largest_gaps": "Largest gaps", "transitions": "Tier transitions",
    "tier_flows": "Moves per period",
}


def _write_excel(result: Overview, path: Path, lang: str, **options: Any) -> Path:
    """One sheet per non-empty table, headers in ``lang``, through the library's paper-table writer."""
    from benchmark.export import COLUMN_HEADERS, export_excel

    check_choice(lang, ("zh", "en"), name="lang")
    with _using(lang):
        headers = {**dict(result.labels), **{k: _t(v) for k, v in _HEADERS.items()}, result.entity: _t("Unit")}
        if result.official is not None:
            headers[result.official] = _t("Official tier")
        for frame in result.to_frames().values():
            for column in frame.columns:
                if column not in headers and column not in COLUMN_HEADERS:  # those the writer names itself
                    headers[column] = (_t("Official tier") if column == result.official else _column_title(column))
        sheets = {_t(_SHEETS[name])[:31]: frame for name, frame in result.to_frames().items() if not frame.empty}
    if not sheets:
        raise BenchmarkError("the overview holds no table to write to Excel.")
    return export_excel(sheets, path, metadata=headers, lang=lang, **options)
