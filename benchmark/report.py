"""The gap-analysis report: one self-contained HTML page for one institution.

:func:`report` composes the public analysis functions into the four answers a
quality office needs - against itself (change, trend, target completion),
against its peers (gaps with bootstrap intervals), against cost (cost per
outcome, DEA efficiency with the peers to learn from and the savings the
frontier implies) and in the field (composite rank with its Monte Carlo
interval, data-driven tier with its bootstrap stability) - and writes them,
with their figures, to one HTML file that needs no network to be read. The
same tables can go to an Excel workbook.

Nothing here computes a statistic of its own: every number comes from an
analysis function, and every figure from :mod:`benchmark.plotting`.
matplotlib is imported only while the report is being written.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import time
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from benchmark import _report_html as H
from benchmark._cohorts import cohort_members
from benchmark._i18n import cohort_text, resolve_lang
from benchmark._i18n import t as _t
from benchmark._i18n import using as _using
from benchmark._results import Result
from benchmark._validation import (
    BenchmarkError,
    as_list,
    check_choice,
    check_columns,
    check_count,
    check_entity,
    check_frame,
    check_panel,
    check_periods,
    check_probability,
    check_random_state,
    format_list,
    period_ordinals,
    resolve_direction,
    validate_params,
)

__all__ = ["Report", "report"]

#: Section anchors and titles, in page order.
SECTIONS = (
    ("summary", "Summary"),
    ("self", "1. Against itself"),
    ("peers", "2. Against peers"),
    ("cost", "3. Against cost"),
    ("field", "4. In the field"),
    ("notes", "Notes and methods"),
)
_ROLES_OUT = ("input", "cost")
_TRAJECTORIES = 4  # indicators drawn over time in the self-comparison
#: Tables in page order (for ``Report.tables`` and the Excel workbook).
_TABLE_ORDER = ("summary", "self_comparison", "completion", "completion_summary", "peer_gaps", "leader_gaps",
                "cost_per_outcome", "dea_efficiency", "dea_peers", "dea_targets", "ranks", "rank_sensitivity",
                "tiers", "tier_stability", "tier_placements", "tier_history")
_QUADRANT_TEXT = {
    "more for less": "more outcome for less cost than the peers' medians",
    "more for more": "more outcome for more cost than the peers' medians",
    "less for less": "less outcome for less cost than the peers' medians",
    "less for more": "less outcome for more cost than the peers' medians",
}


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
        """The key figures of the summary section."""
        return self.tables.get("summary", pd.DataFrame())

    def _params(self) -> dict[str, Any]:
        return {"path": str(self.path), "focus": self.focus, "sections": self.sections}


# ============================================================ context
@dataclasses.dataclass
class _Context:
    """Everything the sections share, resolved and validated once."""

    data: pd.DataFrame
    cs: pd.DataFrame
    focus: Any
    entity: str
    period: str | None
    at: Any
    inds: list[str]
    meta: pd.DataFrame
    dirs: dict[str, str]
    cohort: Any
    members: list[Any]
    leaders: Any
    targets: pd.DataFrame | None
    inputs: list[str]
    outputs: list[str]
    cost: str | None
    outcomes: list[str]
    official: str | None
    official_order: list[Any] | None
    within: list[str]
    options: dict[str, Any]
    seeds: dict[str, int]
    notes: list[str] = dataclasses.field(default_factory=list)
    omitted: list[str] = dataclasses.field(default_factory=list)
    facts: dict[str, Any] = dataclasses.field(default_factory=dict)
    tables: dict[str, pd.DataFrame] = dataclasses.field(default_factory=dict)

    def directions(self, names: Iterable[str]) -> dict[str, str]:
        return {i: self.dirs[i] for i in names}

    def label(self, indicator: Any) -> str:
        if indicator in self.meta.index and "label" in self.meta.columns:
            value = self.meta.at[indicator, "label"]
            if isinstance(value, str) and value.strip():
                return value
        return str(indicator)

    def unit(self, indicator: Any) -> str:
        if indicator in self.meta.index and "unit" in self.meta.columns:
            value = self.meta.at[indicator, "unit"]
            if isinstance(value, str) and value.strip():
                return value
        return ""

    def labels(self) -> dict[str, str]:
        names = set(self.inds) | set(self.inputs) | set(self.outputs) | set(self.outcomes)
        if self.cost:
            names.add(self.cost)
        return {i: self.label(i) for i in names}

    def with_unit(self, indicator: Any) -> str:
        unit = self.unit(indicator)
        return f"{self.label(indicator)} ({unit})" if unit else self.label(indicator)

    def where(self) -> str:
        if self.period is None:
            return _t("the cross-section")
        if str(self.period).lower() == "year":
            return _t("year {at}", at=self.at)  # "2023 年" in Chinese, not the column name
        return f"{self.period} {self.at}"

    def leave_out(self, what: str, why: str) -> str:
        """Record and render a part of the report that could not be written."""
        what, why = _t(what), _t(why)
        self.omitted.append(f"{what}: {why}")
        return f'<p class="omitted"><strong>{H.esc(_t("{what} left out.", what=what))}</strong> {H.esc(why)}</p>'


def _guard(ctx: _Context, what: str, build: Callable[[], str]) -> str:
    """Run one part of a section; a data problem leaves that part out with its message."""
    try:
        return build()
    except BenchmarkError as exc:
        return ctx.leave_out(what, str(exc))


# ============================================================ public entry
@validate_params("entity", "period", "random_state", "ci", "n_boot", "n_draws")
def report(
    data: pd.DataFrame,
    focus: Any,
    *,
    targets: pd.DataFrame | None = None,
    indicators: Sequence[str] | pd.DataFrame | None = None,
    cohort: Any = None,
    inputs: str | Sequence[str] | None = None,
    outputs: str | Sequence[str] | None = None,
    cost: str | None = None,
    outcomes: str | Sequence[str] | None = None,
    metadata: pd.DataFrame | None = None,
    direction: Any = None,
    within: str | Sequence[str] | None = None,
    leaders: Any = None,
    official: str | None = None,
    official_order: Sequence[Any] | None = None,
    at: Any = None,
    ci: float = 0.95,
    n_boot: int = 500,
    n_draws: int = 500,
    n_tier_boot: int = 30,
    k: int | None = None,
    rts: str = "crs",
    orientation: str = "input",
    label_column: str = "label",
    random_state: Any = 0,
    title: str | None = None,
    description: str | None = None,
    lang: str | None = None,
    entity: str = "institution",
    period: str | None = "year",
    excel: str | Path | None = None,
    path: str | Path,
) -> Report:
    """Write a gap-analysis report for one institution as a single HTML file.

    The report answers four questions for ``focus`` and opens with a summary
    of its strengths and gaps:

    1. **Against itself** - change since the first period, trend with its
       interval (:func:`benchmark.self_compare`), target completion and
       projection (:func:`benchmark.completion`, with ``targets``) and a
       completion grade (:func:`benchmark.grade`).
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
       (:func:`benchmark.composite`, :func:`benchmark.rank_uncertainty`) and
       the data-driven tier with its bootstrap stability
       (:func:`benchmark.tiers`), compared with ``official`` tiers and
       followed over the periods (:func:`benchmark.tier_transitions`).

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
    targets : DataFrame, optional
        Targets in either layout accepted by :func:`benchmark.completion`.
        Rows of other entities are used for the completion rate of the peers.
    indicators : list of str or indicator-metadata DataFrame, optional
        The performance indicators. A metadata DataFrame (columns
        ``indicator`` and any of ``direction``, ``label``, ``unit``, ``role``,
        ``kind``, ``weight``, ``pillar``) selects the indicators whose
        ``role`` is ``"output"`` or whose ``weight`` is positive (all of its
        indicators without a ``role`` column) and supplies their directions,
        labels, units, kinds and composite weights. Default: every numeric
        column not used as input, output or cost.
    cohort : None, column name, {column: value}, list of entities or nearest-peers table
        The peers (see :func:`benchmark.peer_gap`); default every other
        entity (of the ``within`` group).
    inputs, outputs : str or list of str, optional
        DEA inputs and outputs (in the ``at`` cross-section). Both are needed
        for the efficiency part.
    cost : str, optional
        Cost column for cost per outcome (default: the single indicator whose
        metadata ``role`` is ``"cost"``).
    outcomes : str or list of str, optional
        Outcomes the cost is divided by (default: ``outputs``).
    metadata : DataFrame, optional
        Indicator metadata when ``indicators`` is a list.
    direction : None, str, mapping or DataFrame, optional
        Which way is better; overrides the metadata's ``direction``.
    within : str or list of str, optional
        Columns whose value every compared entity shares with the focus (e.g.
        ``"unit_type"``): the data are restricted to them before any analysis,
        so ranks, tiers and frontiers are those of like entities.
    leaders : None, {column: value}, list of entities or column name
        A second reference group for the peer comparison, e.g.
        ``{"tier": "A"}`` (the leading tier).
    official : str, optional
        Column holding official tiers (constant per entity) to compare the
        data-driven tiers with.
    official_order : sequence, optional
        Official tiers best first (default: sorted, so "A" before "B").
    at : period value, optional
        Evaluation period (default: the focus's latest period with a value
        for any of the indicators; a note says so when later rows are empty).
    ci : float
        Level of the gap intervals (default 0.95).
    n_boot : int
        Bootstrap resamples of the gap intervals (default 500).
    n_draws : int
        Monte Carlo draws of the rank uncertainty (default 500).
    n_tier_boot : int
        Bootstrap resamples of the tier stability (default 30).
    k : int, optional
        Number of data-driven tiers (default: the number of official tiers,
        else 3).
    rts, orientation : str
        DEA returns to scale (default ``"crs"``, as :func:`benchmark.dea`)
        and orientation (default ``"input"``).
    label_column : str
        Metadata column holding display labels (default ``"label"``).
    random_state : None, int or Generator
        Seed of every resampling step (default 0: the same report each run).
    title, description : str, optional
        Page title (default "Gap analysis: <focus>") and a line under it
        (e.g. where the data come from).
    lang : {"zh", "en"}, optional
        Language of the prose, headings, table headers and figures (default:
        Chinese when the indicator labels of the metadata are Chinese, else
        English). Labels and names from the data are shown as they are.
    entity, period : str
        Entity and period columns (``period=None`` or an absent column: a
        cross-section).
    excel : str or Path, optional
        Also write the tables to this ``.xlsx`` workbook (needs openpyxl).
    path : str or Path
        The HTML file to write.

    Returns
    -------
    Report
        The path, the tables (``to_frames()``, ``to_excel()``), the sections
        written and the notes.

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
    out_path = _writable(path, "path")
    if excel is not None:
        _writable(excel, "excel")
    check_choice(lang, (None, "zh", "en"), name="lang")
    ctx = _resolve(data, focus, targets=targets, indicators=indicators, cohort=cohort, inputs=inputs,
                   outputs=outputs, cost=cost, outcomes=outcomes, metadata=metadata, direction=direction,
                   within=within, leaders=leaders, official=official, official_order=official_order, at=at,
                   ci=ci, n_boot=n_boot, n_draws=n_draws, n_tier_boot=n_tier_boot, k=k, rts=rts,
                   orientation=orientation, label_column=label_column, random_state=random_state,
                   entity=entity, period=period)
    labels = ctx.meta["label"].astype(str).tolist() if "label" in ctx.meta.columns else []
    lang = resolve_lang(lang, labels)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with _using(lang):
            document, written = _compose(ctx, title=title, description=description)
    seen = {}
    for w in caught:
        if str(w.message).startswith("Glyph ") and "missing from font" in str(w.message):
            continue  # the one CJKFontWarning already says the font is missing
        seen.setdefault(f"{w.category.__name__}: {w.message}", w)
    for text, w in seen.items():
        ctx.notes.append(text)
        # Shown again so that notebooks and test suites see them; the command line lists the notes instead.
        warnings.warn(str(w.message), w.category, stacklevel=2)
    out_path.write_text(document, encoding="utf-8")
    order = {name: i for i, name in enumerate(_TABLE_ORDER)}
    tables = dict(sorted(ctx.tables.items(), key=lambda item: order.get(item[0], len(order))))
    rep = Report(path=out_path, focus=focus, tables=tables, sections=written,
                 notes=tuple(ctx.omitted + ctx.notes), excel=None, period=ctx.period,
                 at=ctx.at.item() if hasattr(ctx.at, "item") else ctx.at,
                 seconds=time.perf_counter() - started, lang=lang)
    if excel is not None:
        rep = dataclasses.replace(rep, excel=_write_excel(rep, Path(excel)))
    return rep


def _writable(path: Any, name: str) -> Path:
    """Fail before the work, not after it, when the file cannot be written."""
    target = Path(path)
    if target.is_dir():
        raise BenchmarkError(f"`{name}` {str(target)!r} is a folder; give a file name such as report.html.")
    if not target.parent.is_dir():
        raise BenchmarkError(f"cannot write `{name}` {str(target)!r}: the folder {str(target.parent)!r} does "
                             "not exist.")
    return target


def _write_excel(rep: Report, path: Path) -> Path:
    try:
        import openpyxl  # noqa: F401
    except ImportError:
        raise BenchmarkError("writing `excel=` needs openpyxl: pip install openpyxl.") from None
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        for name, frame in rep.tables.items():
            frame.to_excel(writer, sheet_name=name[:31], index=False)
    return path


# ============================================================ resolution of the arguments
def _resolve(data: Any, focus: Any, **kw: Any) -> _Context:
    frame = check_frame(data, name="data")
    entity, period = kw["entity"], kw["period"]
    check_columns(frame, [entity], name="data", what="entity column")
    notes: list[str] = []
    if period is not None and period not in frame.columns:
        if frame[entity].duplicated().any():
            check_columns(frame, [period], name="data", what="period column")
        notes.append(f"`data` has no period column {period!r}: read as a cross-section.")
        period = None
    check_entity(frame, focus, entity=entity)
    within = as_list(kw["within"], name="within", allow_empty=True)
    frame = _restrict(frame, focus, within, entity)

    meta = _metadata_table(kw["indicators"], kw["metadata"], kw["label_column"])
    inputs = as_list(kw["inputs"], name="inputs", allow_empty=True)
    outputs = as_list(kw["outputs"], name="outputs", allow_empty=True)
    cost = kw["cost"] if kw["cost"] is not None else _role_column(meta, "cost", frame)
    outcomes = as_list(kw["outcomes"], name="outcomes", allow_empty=True) or list(outputs)
    reserved = {entity, period, *within, kw["official"]} - {None}
    inds = _indicator_list(frame, kw["indicators"], meta, reserved | set(inputs) | {cost} - {None})
    numeric = list(dict.fromkeys([*inds, *inputs, *outputs, *outcomes, *([cost] if cost else [])]))
    check_panel(frame, numeric, entity=entity, period=period, require_period=False, missing="allow")
    dirs = _directions(kw["direction"], meta, numeric)
    at = _evaluation_period(frame, focus, kw["at"], entity, period, inds)
    if kw["at"] is None and period is not None and at != _latest(frame.loc[frame[entity] == focus, period], period):
        notes.append(f"Evaluated in {period} {at}, the latest {period} with indicator values for {focus!r} "
                     "(later rows have none); pass at= to choose another.")
    cs = frame if period is None else frame[frame[period] == at]

    options = _options(kw)
    cohort = kw["cohort"]
    members = cohort_members(cs, focus, cohort, entity=entity, min_size=1)
    official, order = _official(frame, kw["official"], kw["official_order"], entity)
    rng = check_random_state(kw["random_state"])
    seeds = dict(zip(("gaps", "leaders", "ranks", "tiers", "history"),
                     (int(s) for s in rng.integers(0, 2**31 - 1, size=5)), strict=True))
    ctx = _Context(data=frame, cs=cs, focus=focus, entity=entity, period=period, at=at, inds=inds, meta=meta,
                   dirs=dirs, cohort=cohort, members=members, leaders=kw["leaders"], targets=None,
                   inputs=inputs, outputs=outputs, cost=cost, outcomes=outcomes, official=official,
                   official_order=order, within=within, options=options, seeds=seeds, notes=notes)
    ctx.targets = _targets(kw["targets"], ctx)
    return ctx


def _restrict(frame: pd.DataFrame, focus: Any, within: list[str], entity: str) -> pd.DataFrame:
    """The rows of entities sharing the focus's value in every ``within`` column."""
    if not within:
        return frame
    check_columns(frame, within, name="data", what="`within` column")
    own = frame.loc[frame[entity] == focus, within].drop_duplicates()
    if len(own) != 1 or own.isna().any(axis=None):
        raise BenchmarkError(f"{entity} {focus!r} needs exactly one value in each `within` column "
                             f"({format_list(within)}); it has {len(own)} combination(s) or missing values.")
    mask = (frame[within] == own.iloc[0]).all(axis=1)
    return frame.loc[mask]


def _latest(values: pd.Series, period: str) -> Any:
    """The latest period in time (text and academic years included: "10" after "9")."""
    latest = values.iloc[int(np.argmax(period_ordinals(values, column=period)))]
    return latest.item() if hasattr(latest, "item") else latest


def _evaluation_period(frame: pd.DataFrame, focus: Any, at: Any, entity: str, period: str | None,
                       indicators: list[str]) -> Any:
    """``at`` checked, or the focus's latest period with a value for any indicator (else its latest)."""
    if period is None:
        if at is not None:
            raise BenchmarkError(f"`at={at!r}` was given but the data have no period column.")
        return None
    if at is None:
        own = frame.loc[frame[entity] == focus]
        observed = own.loc[own[indicators].notna().any(axis=1), period]
        return _latest(observed if len(observed) else own[period], period)
    check_periods(frame, [at], period=period, name="data")
    if not ((frame[entity] == focus) & (frame[period] == at)).any():
        seen = sorted(frame.loc[frame[entity] == focus, period].tolist())
        raise BenchmarkError(f"{entity} {focus!r} has no row for {period} {at!r}; "
                             f"it has {format_list(seen, 10)}. Pick one of these with at=.")
    return at


def _metadata_table(indicators: Any, metadata: Any, label_column: str) -> pd.DataFrame:
    """Indicator metadata indexed by indicator (empty when none is given)."""
    meta = indicators if isinstance(indicators, pd.DataFrame) else metadata
    if meta is None:
        return pd.DataFrame(index=pd.Index([], name="indicator"))
    name = "indicators" if isinstance(indicators, pd.DataFrame) else "metadata"
    check_frame(meta, name=name)
    check_columns(meta, ["indicator"], name=f"{name} (indicator metadata)")
    dupes = meta["indicator"][meta["indicator"].duplicated()].tolist()
    if dupes:
        raise BenchmarkError(f"`{name}` describes indicator {format_list(dupes)} more than once; keep one row each.")
    table = meta.set_index("indicator")
    if label_column != "label":
        check_columns(table, [label_column], name=name, what="label column")
        table = table.drop(columns=["label"], errors="ignore").rename(columns={label_column: "label"})
    if "weight" in table.columns:
        table["weight"] = pd.to_numeric(table["weight"], errors="coerce")
    return table


def _role_column(meta: pd.DataFrame, role: str, frame: pd.DataFrame) -> str | None:
    if "role" not in meta.columns:
        return None
    names = [i for i in meta.index[meta["role"] == role] if i in frame.columns]
    return names[0] if len(names) == 1 else None


def _indicator_list(frame: pd.DataFrame, indicators: Any, meta: pd.DataFrame, reserved: set) -> list[str]:
    if indicators is not None and not isinstance(indicators, pd.DataFrame):
        return as_list(indicators, name="indicators")
    if len(meta.index):
        chosen = pd.Series(True, index=meta.index)
        if "role" in meta.columns:
            role = meta["role"].astype(str).str.lower()
            chosen = role.eq("output")
            if "weight" in meta.columns:
                chosen |= meta["weight"].gt(0) & ~role.isin(_ROLES_OUT)
        names = [i for i in meta.index[chosen.to_numpy()] if i in frame.columns and i not in reserved]
        if not names:
            raise BenchmarkError("the indicator metadata select no column of `data` (indicators with role "
                                 "'output' or a positive weight); pass indicators=[...] explicitly.")
        return names
    numeric = [c for c in frame.columns if c not in reserved and pd.api.types.is_numeric_dtype(frame[c])
               and not pd.api.types.is_bool_dtype(frame[c])]
    if not numeric:
        raise BenchmarkError("`data` has no numeric indicator column; pass indicators=[...].")
    return numeric


def _directions(direction: Any, meta: pd.DataFrame, names: list[str]) -> dict[str, str]:
    """Explicit ``direction=`` over the metadata's; "higher" for columns neither describes (inputs, cost)."""
    if isinstance(direction, pd.DataFrame):
        check_columns(direction, ["indicator", "direction"], name="direction (indicator metadata)")
        rows = direction[direction["indicator"].isin(names)]
        direction = dict(zip(rows["indicator"], rows["direction"], strict=True))
    if direction is not None and not isinstance(direction, Mapping):
        return resolve_direction(direction, names)
    base = {}
    if "direction" in meta.columns:
        known = meta.loc[meta.index.isin(names), "direction"]
        base = resolve_direction({i: v for i, v in known.items()}, names) if len(known) else {}
    spec = {**base, **dict(direction or {})}
    return resolve_direction(spec, names)


def _options(kw: dict[str, Any]) -> dict[str, Any]:
    ci = check_probability(kw["ci"], name="ci")
    counts = {}
    for name, minimum in (("n_boot", 100), ("n_draws", 20), ("n_tier_boot", 0)):
        counts[name] = check_count(kw[name], name=name, minimum=minimum)
    k = kw["k"]
    if k is not None and (isinstance(k, bool) or not isinstance(k, int | np.integer) or k < 2):
        raise BenchmarkError(f"`k` must be an integer >= 2 (the number of tiers); got {k!r}.")
    check_choice(kw["rts"], ("crs", "vrs", "nirs", "ndrs", "fdh"), name="rts")
    check_choice(kw["orientation"], ("input", "output"), name="orientation")
    return {"ci": ci, **counts, "k": k, "rts": kw["rts"], "orientation": kw["orientation"]}


def _official(frame: pd.DataFrame, official: Any, order: Any, entity: str) -> tuple[str | None, list | None]:
    if official is None:
        if order is not None:
            raise BenchmarkError("`official_order` was given without `official` (the official tier column).")
        return None, None
    check_columns(frame, [official], name="data", what="official tier column")
    per_entity = frame.groupby(entity, sort=False)[official].nunique()
    varying = per_entity[per_entity > 1].index.tolist()
    if varying:
        raise BenchmarkError(f"official tier column {official!r} changes over time for {format_list(varying)}; "
                             "it must hold one tier per entity.")
    levels = sorted(pd.unique(frame[official].dropna()).tolist(), key=str)
    if order is None:
        return official, levels
    order = list(order)
    missing = [v for v in levels if v not in order]
    if missing:
        raise BenchmarkError(f"`official_order` lacks the official tier(s) {format_list(missing)}.")
    return official, [v for v in order if v in levels]


def _targets(targets: Any, ctx: _Context) -> pd.DataFrame | None:
    """The target rows of the compared entities and indicators; what is set aside goes to the notes."""
    if targets is None:
        return None
    check_frame(targets, name="targets")
    check_columns(targets, [ctx.entity, "indicator"], name="targets")
    known = targets[ctx.entity].isin(set(ctx.data[ctx.entity]))
    usable = known & targets["indicator"].isin(ctx.inds)
    unknown_inds = sorted(set(targets.loc[known & ~usable, "indicator"].astype(str)))
    if unknown_inds:
        ctx.notes.append(f"targets for {format_list(unknown_inds)} were not used: not among the report's "
                         "indicators (add them to indicators= to include them).")
    if not (usable & (targets[ctx.entity] == ctx.focus)).any():
        ctx.notes.append(f"`targets` has no row for {ctx.focus!r} and the report's indicators.")
        return None
    return targets.loc[usable].reset_index(drop=True)


# ============================================================ composition
def _compose(ctx: _Context, *, title: str | None, description: str | None) -> tuple[str, tuple]:
    import matplotlib

    # Figures are Figure objects rendered by Agg, never pyplot windows, whatever backend a notebook uses;
    # a user's rc setting for tight bounding boxes would crop them differently from the layout.
    with matplotlib.rc_context({"savefig.bbox": None}):
        # Peers first: the self-comparison draws the indicators furthest behind the peers.
        parts = {"peers": _peers_section(ctx)}
        parts["self"] = _self_section(ctx)
        parts["cost"] = _cost_section(ctx)
        parts["field"] = _field_section(ctx)
        summary = _summary_section(ctx)
    written = tuple(name for name in ("self", "peers", "cost", "field") if ctx.facts.get(f"has_{name}"))
    body = "\n".join([_section("summary", summary, ctx),
                      *(_section(n, parts[n], ctx) for n in ("self", "peers", "cost", "field")),
                      _section("notes", _notes_section(ctx), ctx)])
    head = title or _t("Gap analysis: {focus}", focus=ctx.focus)
    sub = [_t(line) for line in (description, _scope_line(ctx)) if line]
    from benchmark import __version__

    footer = _t("Written by benchmark {version} on {date}. Every figure and table comes from the library's "
                "public functions; see the notes for the methods and settings.",
                version=__version__, date=_dt.date.today().isoformat())
    toc = [(anchor, _t(name)) for anchor, name in SECTIONS]
    lang = "zh-CN" if _t("Summary") != "Summary" else "en"
    return H.page(title=head, subtitle=sub, toc=toc, body=body, footer=footer, lang=lang), written


def _scope_line(ctx: _Context) -> str:
    n = ctx.cs[ctx.entity].nunique()
    within = (_t(" sharing its {columns}", columns=", ".join(
        f"{_t(c)} ({ctx.cs.loc[ctx.cs[ctx.entity] == ctx.focus, c].iloc[0]})" for c in ctx.within))
        if ctx.within else "")
    when = _t("Evaluation {where}; ", where=ctx.where()) if ctx.period is not None else ""
    return when + _t("compared with the {n} other entities{within}; peers: {cohort} ({size}).",
                     n=n - 1, within=within, cohort=cohort_text(ctx.cohort), size=len(ctx.members))


def _section(anchor: str, content: str, ctx: _Context) -> str:
    title = dict(SECTIONS)[anchor]
    return f'<section class="part" id="{anchor}">\n<h2>{H.esc(_t(title))}</h2>\n{content}\n</section>'


def _new_figure(width: float, height: float, *, nrows: int = 1, ncols: int = 1, polar: bool = False) -> tuple:
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=False, subplot_kw={"projection": "polar"} if polar else None)
    return fig, axes.ravel()


# ============================================================ 1. against itself
def _self_section(ctx: _Context) -> str:
    lead = _t("How far {focus} has come since its first observed period, how fast (linear trend with a "
              "{ci:.0%} interval), and whether it meets its targets.", focus=ctx.focus, ci=ctx.options["ci"])
    if ctx.period is None:
        return ctx.leave_out("Self-comparison", "it needs a panel: pass data with one row per entity and "
                             "period and name the period column with period=.")
    own = ctx.data[ctx.data[ctx.entity] == ctx.focus]
    if own[ctx.period].nunique() < 2:
        return ctx.leave_out("Self-comparison", _t("{focus!r} is observed in a single {period}; it needs two "
                                                   "or more.", focus=ctx.focus, period=ctx.period))
    parts = [f'<p class="lead">{H.esc(lead)}</p>',
             _guard(ctx, "Change and trend", lambda: _change_part(ctx, own)),
             _guard(ctx, "Target completion", lambda: _completion_part(ctx)),
             _guard(ctx, "Trajectories", lambda: _trajectory_part(ctx))]
    ctx.facts["has_self"] = "self_comparison" in ctx.tables
    return "\n".join(parts)


def _period_text(value: Any) -> str:
    """A period as written in a table: 2021.0 -> "2021", text such as "2019-20" unchanged."""
    if isinstance(value, (int, float, np.integer, np.floating)) and float(value).is_integer():
        return str(int(value))
    return str(value)


def _change_part(ctx: _Context, own: pd.DataFrame) -> str:
    from benchmark.longitudinal import self_compare

    observed = [i for i in ctx.inds if own[i].notna().sum() >= 1]
    sc = self_compare(ctx.data, ctx.focus, observed, direction={i: ctx.dirs[i] for i in observed},
                      entity=ctx.entity, period=ctx.period)
    sc.insert(2, "label", [ctx.label(i) for i in sc["indicator"]])
    ctx.tables["self_comparison"] = sc
    verdicts = sc["verdict"].value_counts()
    ctx.facts["improving"] = [ctx.label(i) for i in sc.loc[sc["verdict"] == "improving", "indicator"]]
    ctx.facts["worsening"] = [ctx.label(i) for i in sc.loc[sc["verdict"] == "worsening", "indicator"]]
    ctx.facts["n_trend"] = int(verdicts.sum())
    p = ctx.period
    cols = [
        H.Column("label", "Indicator", code="indicator"),
        H.Column(f"baseline_{p}", _t("Base {period}", period=p), _period_text, True),
        H.Column("baseline", "Baseline", H.number, True),
        H.Column(f"latest_{p}", _t("Latest {period}", period=p), _period_text, True),
        H.Column("latest", "Latest", H.number, True),
        H.Column("pct_change", "Change", H.percent, True, css=lambda v: ""),
        H.Column("cagr", "Per year (CAGR)", H.percent, True),
        H.Column("slope", "Trend slope", H.number, True),
        H.Column("verdict", "Trend", _t, css=lambda v: {"improving": "pos", "worsening": "neg"}.get(v, "")),
        H.Column("gap_to_best_pct", "Below own best", H.percent, True),
    ]
    return (f"<h3>{H.esc(_t('Change since the baseline and trend'))}</h3>"
            + H.table(sc, cols, table_id="table-self")
            + '<p class="muted">' + H.esc(_t(
                "Trend: improving / worsening when the whole interval of the OLS slope lies on the better / worse "
                "side of zero (direction-aware), otherwise flat. \"Below own best\": distance from the best value "
                "the institution has reached.")) + "</p>")


def _completion_part(ctx: _Context) -> str:
    if ctx.targets is None:
        return ctx.leave_out("Target completion", "pass targets= (one row per entity and indicator with "
                             "baseline and target_<period> columns) to judge completion.")
    from benchmark.targets import completion, completion_summary

    inds = sorted(set(ctx.targets["indicator"]), key=ctx.inds.index)
    meta = pd.DataFrame({"indicator": inds, "direction": [ctx.dirs[i] for i in inds]})
    if "kind" in ctx.meta.columns:
        meta["kind"] = [ctx.meta.at[i, "kind"] if i in ctx.meta.index else None for i in inds]
        meta["kind"] = meta["kind"].fillna("level")
    table = completion(ctx.data, ctx.targets, at=ctx.at, indicators=meta, entity=ctx.entity, period=ctx.period)
    mine = table[table[ctx.entity] == ctx.focus].reset_index(drop=True)
    mine.insert(2, "label", [ctx.label(i) for i in mine["indicator"]])
    summary = completion_summary(table, entity=ctx.entity)
    own = summary[summary[ctx.entity] == ctx.focus].iloc[0]
    peers = summary[summary[ctx.entity].isin(ctx.members)]
    ctx.tables["completion"] = mine
    ctx.tables["completion_summary"] = summary
    ctx.facts["completion"] = {
        "n": int(own["n_tasks"]), "completed": int(own["n_completed"]), "attainable": int(own["n_attainable"]),
        "unattainable": int(own["n_unattainable"]), "rate": float(own["completion_rate"]),
        "peer_rate": float(peers["completion_rate"].median()) if len(peers) else float("nan"),
        "behind": [ctx.label(i) for i in mine.loc[mine["status"] == "unattainable", "indicator"]],
        "final": bool((mine[f"final_{ctx.period}"] == ctx.at).all()),
    }
    fig, (ax,) = _new_figure(7.5, 0.45 * len(mine) + 1.4)
    from benchmark.plotting import plot_completion

    plot_completion(mine, ctx.focus, labels=ctx.labels(), entity=ctx.entity, period=ctx.period, ax=ax)
    p = ctx.period
    final = ctx.facts["completion"]["final"]
    cols = [
        H.Column("label", "Indicator", code="indicator"),
        H.Column("baseline", "Baseline", H.number, True),
        H.Column("target", _t("Target {at}", at=ctx.at), H.number, True),
        H.Column("actual", _t("Actual {at}", at=ctx.at), H.number, True),
        H.Column("completion_ratio", "Completion", H.percent, True,
                 css=lambda v: "pos" if v >= 1 else "neg"),
        *([] if final else [
            H.Column("final_target", "Final target", H.number, True),
            H.Column("projected_final", "Projected", H.number, True),
            H.Column("pace_ratio", "Pace needed / achieved", lambda v: H.number(v, 2), True)]),
        H.Column("status", "Status", _t, css=lambda v: {"completed": "pos", "unattainable": "neg"}.get(v, "")),
    ]
    facts = ctx.facts["completion"]
    peer = ("" if np.isnan(facts["peer_rate"]) else
            _t(" Peers' median share of targets completed: {rate}.", rate=H.percent(facts["peer_rate"], 0)))
    if facts["final"]:
        rest = _t("{n} missed at the final evaluation.", n=facts["unattainable"])
    else:
        rest = _t("{a} attainable and {u} out of reach by the final target if the pace achieved since the "
                  "baseline continues.", a=facts["attainable"], u=facts["unattainable"])
    text = _t("{done} of {n} targets completed in {period} {at} ({rate}); ", done=facts["completed"], n=facts["n"],
              period=p, at=ctx.at, rate=H.percent(facts["rate"], 0)) + rest + peer
    return (f"<h3>{H.esc(_t('Target completion'))}</h3>" + f"<p>{H.esc(text)}</p>"
            + H.figure(fig, alt="Completion ratio by indicator", fig_id="fig-completion",
                       caption="Completion ratio (actual / target) by indicator, coloured by status; the line "
                               "marks 100 %.")
            + H.table(mine, cols, table_id="table-completion"))


def _trajectory_part(ctx: _Context) -> str:
    from benchmark.plotting import plot_trajectory

    chosen = _trajectory_choice(ctx)
    if not chosen:
        return ""
    rows = (len(chosen) + 1) // 2
    fig, axes = _new_figure(13.5, 3.4 * rows, nrows=rows, ncols=2)
    completion = ctx.tables.get("completion")
    with_target = set() if completion is None else set(completion["indicator"])
    for ax, ind in zip(axes, chosen, strict=False):
        has = ind in with_target
        plot_trajectory(ctx.data, ctx.focus, ind, targets=ctx.targets if has else None, cohort=ctx.members,
                        completion=completion.drop(columns="label") if has else None, entity=ctx.entity,
                        period=ctx.period, label=ctx.label(ind), ax=ax)
        ax.set_title(ctx.label(ind))
        ax.set_ylabel(ctx.unit(ind) or ctx.label(ind))
    for ax in axes[len(chosen):]:
        ax.set_visible(False)
    names = ", ".join(ctx.label(i) for i in chosen)
    return (f"<h3>{H.esc(_t('Trajectories'))}</h3>"
            + H.figure(fig, alt=_t("Trajectories of {names}", names=names), fig_id="fig-trajectories",
                       caption=_t("{names}: the institution over time with its targets and projection, against "
                                  "its peers' median and inter-quartile band.", names=names)))


def _trajectory_choice(ctx: _Context) -> list[str]:
    """The indicators most in need of attention: off-target first, then furthest behind the peers."""
    order: list[str] = []
    comp = ctx.tables.get("completion")
    if comp is not None:
        rank = {"unattainable": 0, "attainable": 1}
        worst = comp[comp["status"].isin(rank)].assign(_r=lambda d: d["status"].map(rank))
        order += worst.sort_values(["_r", "completion_ratio"])["indicator"].tolist()
    gaps = ctx.tables.get("peer_gaps")
    if gaps is not None:
        order += gaps.sort_values("percentile_rank")["indicator"].dropna().tolist()
    order += ctx.inds
    own = ctx.data.loc[ctx.data[ctx.entity] == ctx.focus]
    usable = [i for i in dict.fromkeys(order) if own[i].notna().sum() >= 2]
    return usable[:_TRAJECTORIES]


# ============================================================ 2. against peers
def _peers_section(ctx: _Context) -> str:
    lead = _t("Where {focus} stands among its peers ({cohort}, {n} entities) in {where}. A positive gap means "
              "ahead of the peers' median whatever the indicator's direction; the {ci:.0%} bootstrap interval "
              "says whether the gap is more than the spread of the peers.", focus=ctx.focus,
              cohort=cohort_text(ctx.cohort), n=len(ctx.members), where=ctx.where(), ci=ctx.options["ci"])
    parts = [f'<p class="lead">{H.esc(lead)}</p>',
             _guard(ctx, "Peer gaps", lambda: _gap_part(ctx, ctx.cohort, "peer_gaps", "gaps", "gaps")),
             _leaders_part(ctx)]
    ctx.facts["has_peers"] = "peer_gaps" in ctx.tables
    return "\n".join(parts)


def _gap_part(ctx: _Context, cohort: Any, name: str, seed: str, fig_id: str) -> str:
    from benchmark.peers import peer_gap
    from benchmark.plotting import plot_gaps

    gaps = peer_gap(ctx.data, ctx.focus, ctx.inds, cohort=cohort, period=ctx.at, direction=ctx.directions(ctx.inds),
                    ci=ctx.options["ci"], n_boot=ctx.options["n_boot"], random_state=ctx.seeds[seed],
                    entity=ctx.entity, period_column=ctx.period)
    gaps.insert(gaps.columns.get_loc("indicator") + 1, "label", [ctx.label(i) for i in gaps["indicator"]])
    ctx.tables[name] = gaps
    drawn = gaps[gaps["gap_median_pct"].notna()]
    fig, (ax,) = _new_figure(8, 0.42 * max(len(drawn), 3) + 1.3)
    plot_gaps(drawn.drop(columns="label"), labels=ctx.labels(), entity=ctx.entity, period=ctx.period, ax=ax)
    who = cohort_text(cohort)
    if name == "peer_gaps":
        ctx.facts["gaps"] = gaps
    cols = [
        H.Column("label", "Indicator", code="indicator"),
        H.Column("direction", "Better", lambda v: _t("higher") if v == "higher" else _t("lower")),
        H.Column("value", "Value", H.number, True),
        H.Column("cohort_median", "Peers' median", H.number, True),
        H.Column("_iqr", "Peers' Q1 - Q3", str, True),
        H.Column("gap_median", "Gap", H.number, True, css=H.sign_class),
        H.Column("gap_median_pct", "Gap %", H.signed_percent, True, css=H.sign_class),
        H.Column("_interval", _t("{ci:.0%} interval", ci=ctx.options["ci"]), str, True),
        H.Column("significant", "Significant", lambda v: _t("yes") if v else _t("no")),
        H.Column("percentile_rank", "Percentile", lambda v: H.number(v, 0), True),
        H.Column("_best", "Best peer", str, code="_best_who"),
    ]
    shown = gaps.assign(
        _iqr=[f"{H.number(a)} - {H.number(b)}" if pd.notna(a) else None
              for a, b in zip(gaps["cohort_q1"], gaps["cohort_q3"], strict=True)],
        _interval=[f"[{H.number(a)}, {H.number(b)}]" if pd.notna(a) else None
                   for a, b in zip(gaps.get("gap_median_low", gaps["gap_median"] * np.nan),
                                   gaps.get("gap_median_high", gaps["gap_median"] * np.nan), strict=True)],
        _best=[H.number(v) if pd.notna(v) else None for v in gaps["cohort_best"]],
        _best_who=[_tied(v) for v in gaps["best_entity"]] if "best_entity" in gaps.columns else None,
    )
    heading = (_t("Gaps to the peers' median") if name == "peer_gaps"
               else _t("Gaps to the leading group ({who})", who=who))
    absent = shown[shown["gap_median"].isna()]
    missing = ("" if absent.empty else '<p class="muted">' + H.esc(_t("Not compared: ") + "; ".join(
        f"{ctx.label(r['indicator'])} ({r['reason']})" for _, r in absent.iterrows())) + ".</p>")
    return (f"<h3>{H.esc(heading)}</h3>"
            + H.figure(fig, alt=_t("Gaps to the median of {who}", who=who), fig_id=f"fig-{fig_id}",
                       caption=_t("Gap to the median of {who} in percent of that median (blue: ahead, orange: "
                                  "behind); whiskers: {ci:.0%} bootstrap interval, pale bars: not significant.",
                                  who=who, ci=ctx.options["ci"]))
            + H.table(shown[shown["gap_median"].notna()], cols, table_id=f"table-{fig_id}") + missing)


def _tied(names: Any, shown: int = 2) -> Any:
    """The best peer's name, or a few names and a count when many peers tie for best."""
    if not isinstance(names, str):
        return names
    parts = names.split(", ")
    if len(parts) <= shown + 1:
        return names
    return _t("{names} and {more} more ({n} tied)", names=", ".join(parts[:shown]), more=len(parts) - shown,
              n=len(parts))


def _leaders_part(ctx: _Context) -> str:
    if ctx.leaders is None:
        return ctx.leave_out("Comparison with the leaders", "pass leaders= (a leading group, such as the "
                             "entities of the top tier) to compare with it as well.")
    leaders = _guard_value(ctx, "Comparison with the leaders",
                           lambda: cohort_members(ctx.cs, ctx.focus, ctx.leaders, entity=ctx.entity))
    if isinstance(leaders, str):
        return leaders
    if set(leaders) == set(ctx.members):
        return ('<p class="muted">' + H.esc(_t("{focus} belongs to the leading group ({who}): its peers are the "
                                               "leaders, compared above.", focus=ctx.focus,
                                               who=cohort_text(ctx.leaders))) + "</p>")
    return _guard(ctx, "Comparison with the leaders",
                  lambda: _gap_part(ctx, ctx.leaders, "leader_gaps", "leaders", "leaders"))


# ============================================================ 3. against cost
def _cost_section(ctx: _Context) -> str:
    lead = _t("What each outcome costs {focus} compared with its peers, and how far it is from the efficiency "
              "frontier of all compared entities.", focus=ctx.focus)
    parts = [f'<p class="lead">{H.esc(lead)}</p>']
    if ctx.cost is None or not ctx.outcomes:
        parts.append(ctx.leave_out("Cost per outcome", "pass cost= (a spending column) and outcomes= (or "
                                   "outputs=) to compare cost per outcome."))
    else:
        parts.append(_guard(ctx, "Cost per outcome", lambda: _cost_part(ctx)))
    if not ctx.inputs or not ctx.outputs:
        parts.append(ctx.leave_out("Efficiency frontier (DEA)", "pass inputs= and outputs= (columns) to "
                                   "measure efficiency against the frontier."))
    else:
        parts.append(_guard(ctx, "Efficiency frontier (DEA)", lambda: _dea_part(ctx)))
    ctx.facts["has_cost"] = "cost_per_outcome" in ctx.tables or "dea_efficiency" in ctx.tables
    return "\n".join(parts)


def _cost_part(ctx: _Context) -> str:
    from benchmark.costs import cost_outcome_quadrant, cost_per_outcome, relative_cost
    from benchmark.plotting import plot_cost_outcome

    keys = [ctx.entity] + ([ctx.period] if ctx.period else [])
    cpo = cost_per_outcome(ctx.cs, ctx.cost, ctx.outcomes, entity=ctx.entity, period=ctx.period or "period",
                           missing="allow")
    rel = relative_cost(cpo, "cost_per_outcome", cohort=ctx.members, by="outcome", entity=ctx.entity,
                        period=ctx.period or "period")
    mine = rel[rel[ctx.entity] == ctx.focus].merge(
        cpo[keys + ["outcome", "cost", "outcome_value"]], on=keys + ["outcome"], how="left")
    quads = {o: cost_outcome_quadrant(ctx.cs, ctx.cost, o, cohort=ctx.members, direction={o: ctx.dirs[o]},
                                      entity=ctx.entity, period=ctx.period or "period") for o in ctx.outcomes}
    mine["quadrant"] = [quads[o].loc[quads[o][ctx.entity] == ctx.focus, "quadrant"].iloc[0]
                        for o in mine["outcome"]]
    mine.insert(mine.columns.get_loc("outcome") + 1, "label", [ctx.label(o) for o in mine["outcome"]])
    ctx.tables["cost_per_outcome"] = mine
    ctx.facts["cost"] = mine
    first = ctx.outcomes[0]
    fig, (ax,) = _new_figure(7.5, 5.2)
    plot_cost_outcome(quads[first], ctx.focus, entity=ctx.entity, period=ctx.period,
                      cost_label=ctx.with_unit(ctx.cost), outcome_label=ctx.with_unit(first), ax=ax)
    cols = [
        H.Column("label", "Outcome", code="outcome"),
        H.Column("outcome_value", "Outcome", H.number, True),
        H.Column("cost", ctx.with_unit(ctx.cost), H.number, True),
        H.Column("value", "Cost per unit", H.number, True),
        H.Column("cohort_median", "Peers' median", H.number, True),
        H.Column("relative_cost", "Index (peers = 100)", lambda v: H.number(v, 0), True,
                 css=lambda v: "pos" if v < 100 else ("neg" if v > 100 else "")),
        H.Column("quadrant", "Cost-outcome quadrant", _t),
        H.Column("reason", "Note", str),
    ]
    return (f"<h3>{H.esc(_t('Cost per outcome'))}</h3>"
            + H.table(mine, cols, table_id="table-cost")
            + '<p class="muted">' + H.esc(_t(
                "Index below 100: the outcome costs less than at the median peer. The quadrant compares total "
                "cost and outcome with the peers' medians (the institution left out).")) + "</p>"
            + H.figure(fig, alt=_t("Cost and {outcome}", outcome=ctx.label(first)), fig_id="fig-cost-outcome",
                       caption=_t("{cost} against {outcome}: dashed lines are the peers' medians; the star is the "
                                  "institution.", cost=ctx.label(ctx.cost), outcome=ctx.label(first))))


def _dea_part(ctx: _Context) -> str:
    try:
        from benchmark.frontier import dea
    except ImportError:
        raise BenchmarkError("this installation has no DEA (benchmark.frontier.dea).") from None
    from benchmark.plotting import plot_frontier

    cols = [*ctx.inputs, *[o for o in ctx.outputs if o not in ctx.inputs]]
    sub = ctx.cs[[ctx.entity, *cols]]
    incomplete = sub[cols].isna().any(axis=1)
    if incomplete[sub[ctx.entity] == ctx.focus].any():
        raise BenchmarkError(_t("{focus!r} has missing inputs or outputs in {where}.", focus=ctx.focus,
                                where=ctx.where()))
    if incomplete.any():
        ctx.notes.append(_t("DEA: {n} entities without every input and output in {where} were left out: {names}.",
                            n=int(incomplete.sum()), where=ctx.where(),
                            names=format_list(sub.loc[incomplete, ctx.entity].tolist())))
    sub = sub.loc[~incomplete].reset_index(drop=True)
    res = dea(sub, ctx.inputs, ctx.outputs, rts=ctx.options["rts"], orientation=ctx.options["orientation"],
              entity=ctx.entity)
    return _dea_tables(ctx, res, sub, plot_frontier)


def _dea_tables(ctx: _Context, res: Any, sub: pd.DataFrame, plot_frontier: Callable) -> str:
    e = ctx.entity
    eff = res.efficiency
    row = eff[eff[e] == ctx.focus].iloc[0]
    score = float(row["efficiency"])
    peers = res.peers()
    mine = peers[(peers[e] == ctx.focus) & (peers["peer"] != ctx.focus)].sort_values("weight", ascending=False)
    mine = mine.merge(sub.rename(columns={e: "peer"}), on="peer", how="left")
    targets = res.targets()
    goals = targets[targets[e] == ctx.focus].reset_index(drop=True)
    goals.insert(2, "label", [ctx.label(i) for i in goals["indicator"]])
    ctx.tables["dea_efficiency"] = eff
    ctx.tables["dea_peers"] = mine
    ctx.tables["dea_targets"] = goals
    o = ctx.options
    n_eff, n = int(eff["efficient"].sum()), len(eff)
    model = _t("{rts}, {orientation}-oriented", rts=o["rts"].upper(), orientation=_t(o["orientation"]))
    if mine.empty:
        learn = _t("DEA ({model}): {focus} is on the frontier; no combination of other entities does better.",
                   model=model, focus=ctx.focus)
    else:
        names = ", ".join(f"{p} ({w:.0%})" for p, w in zip(mine["peer"], mine["weight"], strict=True))
        moves = "; ".join(f"{ctx.label(r['indicator'])} {H.signed_percent(r['gap_pct'], 0)}"
                          for _, r in goals.iterrows() if pd.notna(r["gap_pct"]) and abs(r["gap_pct"]) > 0.05)
        learn = _t("DEA ({model}): efficiency {score:.2f}; peers to learn from: {names}. The frontier implies: "
                   "{moves}.", model=model, score=score, names=names, moves=moves)
    ctx.facts["efficiency"] = {"score": score, "learn": learn,
                               "detail": _t("{model}; {k} of {n} entities efficient", model=model, k=n_eff, n=n)}
    rank = int((eff["efficiency"] > score + 1e-9).sum()) + 1
    text = _t("Efficiency {score:.3f} ({model} envelopment model on {i} input(s) and {j} output(s), {n} entities "
              "in {where}); {k} entities are efficient and {focus} ranks {rank} of {n}.", score=score, model=model,
              i=len(ctx.inputs), j=len(ctx.outputs), n=n, where=ctx.where(), k=n_eff, focus=ctx.focus, rank=rank)
    if o["orientation"] == "input" and score < 1:
        text += _t(" The same outputs could be produced with {share:.0%} less of every input (before slacks) by "
                   "the combination of peers below.", share=1 - score)
    elif o["orientation"] == "output" and score < 1:
        text += _t(" The peers below produce {share:.0%} more of every output with the same inputs.",
                   share=1 / score - 1)
    peer_cols = [H.Column("peer", "Peer"), H.Column("weight", "Weight", H.percent, True),
                 H.Column("lambda", "Lambda", lambda v: H.number(v, 3), True),
                 *[H.Column(c, ctx.label(c), H.number, True) for c in [*ctx.inputs, *ctx.outputs]]]
    goal_cols = [H.Column("label", "Indicator", code="indicator"), H.Column("role", "Role", _t),
                 H.Column("actual", "Actual", H.number, True), H.Column("target", "Frontier target", H.number, True),
                 H.Column("gap", "Change", H.number, True),
                 H.Column("gap_pct", "Change %", H.signed_percent, True)]
    html = (f"<h3>{H.esc(_t('Efficiency frontier (DEA)'))}</h3>" + f"<p>{H.esc(text)}</p>"
            + (H.table(mine, peer_cols, caption="Peers to learn from (reference set, by weight)",
                       table_id="table-dea-peers") if not mine.empty else "")
            + H.table(goals, goal_cols, caption="Input savings and output increases the frontier implies",
                      table_id="table-dea-targets"))
    shape = (len(ctx.inputs), len(ctx.outputs))
    # Ratio pictures (one input and two outputs, or the reverse) are exact only under constant returns.
    if shape == (1, 1) or (shape in {(1, 2), (2, 1)} and o["rts"] == "crs"):
        fig, (ax,) = _new_figure(7.5, 5.5)
        plot_frontier(res, sub, focus=ctx.focus, labels={c: ctx.label(c) for c in [*ctx.inputs, *ctx.outputs]},
                      ax=ax)
        html += H.figure(fig, alt="Efficiency frontier", fig_id="fig-frontier",
                         caption="The DEA frontier through the efficient entities and the institution's "
                                 "projection onto it (its frontier target).")
    else:
        html += ('<p class="muted">' + H.esc(_t(
            "The frontier is drawn for one input and one output, or - with constant returns to scale "
            "(rts='crs') - one input and two outputs or two inputs and one output.")) + "</p>")
    return html


# ============================================================ 4. in the field
def _field_section(ctx: _Context) -> str:
    lead = _t("Where {focus} ranks among all {n} compared entities on a composite of the indicators, how much "
              "that rank depends on the analyst's choices, and which tier the data place it in.",
              focus=ctx.focus, n=ctx.cs[ctx.entity].nunique())
    parts = [f'<p class="lead">{H.esc(lead)}</p>']
    prepared = _guard_value(ctx, "Composite index and tiers", lambda: _field_data(ctx))
    if isinstance(prepared, str):
        parts.append(prepared)
    else:
        cs, inds, weights = prepared
        parts.append(_guard(ctx, "Composite rank", lambda: _rank_part(ctx, cs, inds, weights)))
        parts.append(_guard(ctx, "Tiers", lambda: _tier_part(ctx, cs, inds)))
        parts.append(_guard(ctx, "Tier history", lambda: _history_part(ctx, inds)))
    ctx.facts["has_field"] = "ranks" in ctx.tables or "tiers" in ctx.tables
    return "\n".join(parts)


def _guard_value(ctx: _Context, what: str, build: Callable[[], Any]) -> Any:
    try:
        return build()
    except BenchmarkError as exc:
        return ctx.leave_out(what, str(exc))


def _field_data(ctx: _Context) -> tuple[pd.DataFrame, list[str], dict[str, float] | None]:
    """The complete cross-section for the composite: indicators and entities without gaps."""
    cs = ctx.cs
    own = cs[cs[ctx.entity] == ctx.focus].iloc[0]
    inds, set_aside = [], []
    for i in ctx.inds:
        share = cs[i].isna().mean()
        (set_aside if pd.isna(own[i]) or share > 0.1 else inds).append(i)
    weights = None
    if "weight" in ctx.meta.columns:
        w = {i: float(ctx.meta.at[i, "weight"]) if i in ctx.meta.index else float("nan") for i in inds}
        if all(np.isfinite(v) and v >= 0 for v in w.values()) and sum(w.values()) > 0:
            zero = [i for i, v in w.items() if v == 0]
            if zero:
                ctx.notes.append(_t("Composite: {names} left out (weight 0).",
                                    names=format_list([ctx.label(i) for i in zero])))
            inds = [i for i in inds if w[i] > 0]
            weights = {i: w[i] for i in inds}
        else:
            ctx.notes.append(_t("Composite: equal weights (the metadata weights are missing or invalid for some "
                                "indicators)."))
    if set_aside:
        ctx.notes.append(_t("Composite and tiers: {names} left out (missing for the institution or for more than "
                            "10 % of entities in {where}).", names=format_list([ctx.label(i) for i in set_aside]),
                            where=ctx.where()))
    if len(inds) < 2:
        raise BenchmarkError(_t("fewer than two indicators are complete in {where}; a composite needs two.",
                                where=ctx.where()))
    incomplete = cs[inds].isna().any(axis=1)
    if incomplete.any():
        ctx.notes.append(_t("Composite and tiers: {n} entities with missing values left out: {names}.",
                            n=int(incomplete.sum()), names=format_list(cs.loc[incomplete, ctx.entity].tolist())))
    return cs.loc[~incomplete].reset_index(drop=True), inds, weights


def _rank_part(ctx: _Context, cs: pd.DataFrame, inds: list[str], weights: dict | None) -> str:
    from benchmark.indices import rank_uncertainty
    from benchmark.plotting import plot_rank_intervals

    dirs = {i: ctx.dirs[i] for i in inds}
    ru = rank_uncertainty(cs, inds, n=ctx.options["n_draws"], weights=weights, direction=dirs,
                          entity=ctx.entity, period=ctx.period or "period", random_state=ctx.seeds["ranks"])
    ranks = ru.ranks
    ctx.tables["ranks"] = ranks
    ctx.tables["rank_sensitivity"] = ru.sensitivity
    row = ranks[ranks[ctx.entity] == ctx.focus].iloc[0]
    n = len(ranks)
    ctx.facts["rank"] = {"rank": int(row["nominal_rank"]), "n": n, "low": int(row["rank_5"]),
                         "high": int(row["rank_95"]), "median": float(row["median_rank"])}
    many = n > 60
    fig, (ax,) = _new_figure(8, 0.2 * (min(n, 30) if many else n) + 1.5)
    ranked_peers = [m for m in ctx.members if m in set(ranks[ctx.entity])]
    plot_rank_intervals(ru, focus=ctx.focus, highlight=None if many else ranked_peers, top=25 if many else None,
                        ax=ax)
    wtext = _t("metadata weights") if weights else _t("equal weights")
    text = _t("Composite rank {rank} of {n} ({weights}, min-max normalisation, arithmetic mean of {k} "
              "indicators). Over {draws} draws of weights, normalisation and aggregation the rank lies between "
              "{low} and {high} (5-95 %), median {median}.", rank=int(row["nominal_rank"]), n=n, weights=wtext,
              k=len(inds), draws=ru.n, low=int(row["rank_5"]), high=int(row["rank_95"]),
              median=H.number(row["median_rank"], 0))
    sens = ru.sensitivity.copy()
    cols = [H.Column("factor", "Uncertain choice"), H.Column("output", "Output"),
            H.Column("first_order", "First-order index", lambda v: H.number(v, 2), True),
            H.Column("total", "Total index", lambda v: H.number(v, 2), True)]
    return (f"<h3>{H.esc(_t('Composite rank and its interval'))}</h3>" + f"<p>{H.esc(text)}</p>"
            + H.figure(fig, alt="Rank intervals", fig_id="fig-ranks",
                       caption=_t("Nominal composite rank (dot) and the 5-95 % interval of the simulated ranks "
                                  "(bar); the institution in vermillion") + ("" if many else _t(", its peers in blue"))
                               + ("" if not many else _t("; the 25 best shown with the institution")) + _t("."))
            + H.table(sens, cols, caption="Which choice moves the ranks (Sobol indices)",
                      table_id="table-sensitivity"))


def _tier_part(ctx: _Context, cs: pd.DataFrame, inds: list[str]) -> str:
    from benchmark.plotting import plot_tiers
    from benchmark.tiering import tiers

    k = ctx.options["k"] or (len(ctx.official_order) if ctx.official_order and len(ctx.official_order) >= 2
                             else 3)
    labels = ctx.official_order if ctx.official_order and len(ctx.official_order) == k else None
    n_boot = ctx.options["n_tier_boot"]
    settings = {"k": k, "labels": labels, "direction": ctx.directions(inds), "entity": ctx.entity,
                "random_state": ctx.seeds["tiers"]}
    try:
        result = tiers(cs, inds, n_boot=n_boot, **settings)
    except BenchmarkError as exc:
        if n_boot == 0 or "stability" not in str(exc):
            raise
        ctx.notes.append(_t("Tiers: too few entities for the bootstrap stability analysis ({n} for k={k}); the "
                            "tiers are shown without it.", n=len(cs), k=k))
        n_boot = 0
        result = tiers(cs, inds, n_boot=0, **settings)
    ctx.tables["tiers"] = result.assignments
    ctx.tables["tier_stability"] = result.stability
    row = result.assignments[result.assignments[ctx.entity] == ctx.focus].iloc[0]
    stab = result.stability[result.stability["label"] == row["label"]].iloc[0]
    fact = {"label": row["label"], "k": k, "probability": row.get("probability", np.nan),
            "reading": stab.get("reading"), "jaccard": stab.get("jaccard", np.nan)}
    compare_html = ""
    if ctx.official is not None and labels is not None:
        comparison = result.compare(cs[[ctx.entity, ctx.official]], column=ctx.official)
        placements = comparison.placements
        ctx.tables["tier_placements"] = placements
        mine = placements[placements[ctx.entity] == ctx.focus].iloc[0]
        fact["official"] = mine["official"]
        fact["placement"] = mine["placement"]
        compare_html = (f"<p>{H.esc(_agreement_text(comparison, ctx.official))}</p>"
                        + H.table(comparison.confusion.reset_index().rename(columns=str),
                                  [H.Column(str(c), str(c) if c != "official" else _t("official \\ data"),
                                            H.number, c != "official")
                                   for c in ["official", *map(str, comparison.confusion.columns)]],
                                  caption="Official tiers (rows) against data-driven tiers (columns)",
                                  table_id="table-tier-confusion"))
    elif ctx.official is not None:
        fact["official"] = cs.loc[cs[ctx.entity] == ctx.focus, ctx.official].iloc[0]
    ctx.facts["tier"] = fact
    fig, (ax,) = _new_figure(8, 5.5)
    plot_tiers(result, cs, official=ctx.official, focus=ctx.focus, ax=ax)
    prob = "" if pd.isna(fact["probability"]) else _t(", in {share} of {n} bootstrap resamples",
                                                       share=H.percent(fact["probability"], 0), n=n_boot)
    reading = "" if not isinstance(fact["reading"], str) else _t(
        " The tier itself is {reading} (mean Jaccard similarity {j} between the tier and its best match in each "
        "resample; Hennig 2007).", reading=_t(fact["reading"]), j=H.number(fact["jaccard"], 2))
    text = _t("Data-driven tier {tier} of {k} (k-means on {n} standardised indicators)", tier=row["label"], k=k,
              n=len(inds)) + prob + _t(".") + reading
    stab_cols = [H.Column("label", "Tier"), H.Column("size", "Size", H.number, True),
                 H.Column("jaccard", "Mean Jaccard", lambda v: H.number(v, 2), True),
                 H.Column("dissolved", "Dissolved", H.percent, True),
                 H.Column("recovered", "Recovered", H.percent, True), H.Column("reading", "Reading", _t)]
    return (f"<h3>{H.esc(_t('Tier and its stability'))}</h3>" + f"<p>{H.esc(text)}</p>"
            + H.figure(fig, alt="Tiers", fig_id="fig-tiers",
                       caption=_t("Entities on the first two principal components of the standardised "
                                  "indicators, coloured by data-driven tier")
                       + (_t(", marked by official tier") if ctx.official else "")
                       + _t("; the institution is circled."))
            + (H.table(result.stability, stab_cols, caption="Tier stability", table_id="table-tier-stability")
               if n_boot else "")
            + compare_html)


def _agreement_text(comparison: Any, official: str) -> str:
    return _t("Agreement with the official tiers ({official}): {share} of entities in the same tier; adjusted Rand "
              "index {ari:.2f}. Placed higher by the data: {above}; lower: {below}.", official=official,
              share=H.percent(comparison.agreement, 0), ari=comparison.ari, above=len(comparison.above),
              below=len(comparison.below))


def _history_part(ctx: _Context, inds: list[str]) -> str:
    """Data-driven tiers in every period (without bootstrap) and the moves between them."""
    if ctx.period is None or ctx.data[ctx.period].nunique() < 2:
        return ""
    from benchmark.plotting import plot_transitions
    from benchmark.tiering import tier_transitions, tiers

    tier_info = ctx.facts.get("tier")
    if tier_info is None:
        return ""
    k = tier_info["k"]
    labels = ctx.official_order if ctx.official_order and len(ctx.official_order) == k else None
    frames, skipped = [], []
    for when, part in ctx.data.groupby(ctx.period, sort=True):
        part = part.dropna(subset=inds)
        if len(part) <= k or not (part[ctx.entity] == ctx.focus).any():
            skipped.append(when)
            continue
        res = tiers(part, inds, k=k, labels=labels, n_boot=0, direction=ctx.directions(inds),
                    entity=ctx.entity, random_state=ctx.seeds["history"])
        frames.append(res.assignments[[ctx.entity, "label"]].assign(**{ctx.period: when}))
    if len(frames) < 2:
        return ""
    long = pd.concat(frames, ignore_index=True).rename(columns={"label": "tier"})
    moves = tier_transitions(long, "tier", entity=ctx.entity, period=ctx.period, order=labels)
    mine = long[long[ctx.entity] == ctx.focus].pivot_table(index=ctx.entity, columns=ctx.period, values="tier",
                                                            aggfunc="first")
    ctx.tables["tier_history"] = long
    fig, (ax,) = _new_figure(5.5, 4.5)
    plot_transitions(moves, ax=ax)
    path = " \u2192 ".join(f"{p}: {t}" for p, t in mine.iloc[0].items())
    if skipped:
        path += _t(" (not tiered in {periods}: missing values)", periods=format_list(skipped))
    text = _t("Data-driven tier of {focus} by {period} (same indicators, tiers fitted per {period}): {path}.",
              focus=ctx.focus, period=ctx.period, path=path)
    return (f"<h3>{H.esc(_t('Tier over time'))}</h3>" + f"<p>{H.esc(text)}</p>"
            + H.figure(fig, alt="Tier transitions", fig_id="fig-transitions",
                       caption=_t("Moves between data-driven tiers from one {period} to the next, all entities "
                                  "(counts and row shares).", period=ctx.period)))


# ============================================================ summary
def _summary_section(ctx: _Context) -> str:
    cards = _cards(ctx)
    strengths, weaknesses = _strengths_and_gaps(ctx)
    ctx.tables["summary"] = pd.DataFrame(
        [{"item": c[0], "value": c[1], "detail": c[2]} for c in cards])
    card_html = "".join(f'<div class="card"><div class="k">{H.esc(k)}</div><div class="v">{H.esc(v)}</div>'
                        f'<div class="s">{H.esc(s)}</div></div>' for k, v, s in cards)
    lists = (f'<div class="columns"><div><h3>{H.esc(_t("Strengths"))}</h3>{_bullets(strengths, "ahead")}</div>'
             f'<div><h3>{H.esc(_t("Gaps"))}</h3>{_bullets(weaknesses, "behind")}</div></div>')
    also = _bullets(_other_findings(ctx), "")
    return (f'<div class="cards">{card_html}</div>{lists}<h3>{H.esc(_t("Also"))}</h3>{also}' + _profile_figure(ctx))


def _bullets(items: list[str], css: str) -> str:
    if not items:
        return f'<p class="muted">{H.esc(_t("None stands out."))}</p>'
    cls = f' class="{css}"' if css else ""
    return '<ul class="facts">' + "".join(f"<li{cls}>{H.esc(t)}</li>" for t in items) + "</ul>"


def _cards(ctx: _Context) -> list[tuple[str, str, str]]:
    cards = []
    gaps = ctx.facts.get("gaps")
    if gaps is not None and gaps["percentile_rank"].notna().any():
        pr = gaps["percentile_rank"].dropna()
        cards.append((_t("Median percentile"), f"{pr.median():.0f}",
                      _t("of {n} indicators among {m} peers (100 = best)", n=len(pr), m=len(ctx.members))))
    comp = ctx.facts.get("completion")
    if comp:
        peer = "" if np.isnan(comp["peer_rate"]) else _t("; peers' median {rate}", rate=H.percent(comp["peer_rate"], 0))
        cards.append((_t("Targets completed"), _t("{k} of {n}", k=comp["completed"], n=comp["n"]),
                      _t("{n} missed" if comp["final"] else "{n} out of reach", n=comp["unattainable"]) + peer))
    cost = ctx.facts.get("cost")
    if cost is not None and cost["relative_cost"].notna().any():
        first = cost.iloc[0]
        cards.append((_t("Cost index"), H.number(first["relative_cost"], 0),
                      _t("cost per {outcome}; peers' median = 100", outcome=ctx.label(first["outcome"]))))
    eff = ctx.facts.get("efficiency")
    if eff:
        cards.append((_t("DEA efficiency"), H.number(eff["score"], 2), eff["detail"]))
    rank = ctx.facts.get("rank")
    if rank:
        cards.append((_t("Composite rank"), _t("{k} of {n}", k=rank["rank"], n=rank["n"]),
                      _t("5-95 % interval {low}-{high}", low=rank["low"], high=rank["high"])))
    tier = ctx.facts.get("tier")
    if tier:
        detail = ([] if pd.isna(tier["probability"])
                  else [_t("probability {p}", p=H.percent(tier["probability"], 0))])
        if isinstance(tier.get("reading"), str):
            detail.append(_t(str(tier["reading"])))
        if "official" in tier:
            detail.append(_t("official {tier}", tier=tier["official"]))
        cards.append((_t("Data-driven tier"), str(tier["label"]), "; ".join(detail)))
    return cards


def _strengths_and_gaps(ctx: _Context) -> tuple[list[str], list[str]]:
    gaps = ctx.facts.get("gaps")
    if gaps is None:
        return [], []
    g = gaps[gaps["gap_median_pct"].notna()]
    sig = g["significant"].fillna(False).astype(bool) if "significant" in g.columns else g["gap_median"].ne(0)
    ahead = g[sig & (g["gap_median"] > 0)].sort_values("percentile_rank", ascending=False)
    behind = g[sig & (g["gap_median"] < 0)].sort_values("percentile_rank")

    def line(r: pd.Series) -> str:
        return _t("{label}: {value} against a peer median of {median} ({gap}; percentile {pr:.0f})",
                  label=ctx.label(r["indicator"]), value=H.number(r["value"]), median=H.number(r["cohort_median"]),
                  gap=H.signed_percent(r["gap_median_pct"], 0), pr=r["percentile_rank"])

    return [line(r) for _, r in ahead.head(4).iterrows()], [line(r) for _, r in behind.head(4).iterrows()]


def _other_findings(ctx: _Context) -> list[str]:
    out = []
    if "n_trend" in ctx.facts:
        imp, wor = ctx.facts["improving"], ctx.facts["worsening"]
        text = _t("Own trend: improving in {k} of {n} indicators", k=len(imp), n=ctx.facts["n_trend"])
        text += _t("; worsening in {names}.", names=format_list(wor)) if wor else _t("; none worsening.")
        out.append(text)
    comp = ctx.facts.get("completion")
    if comp and comp["behind"]:
        what = _t("Targets missed") if comp["final"] else _t("Targets out of reach at the current pace")
        out.append(f"{what}: {', '.join(comp['behind'])}.")
    cost = ctx.facts.get("cost")
    if cost is not None:
        for _, r in cost.iterrows():
            if isinstance(r.get("quadrant"), str):
                out.append(_t("{outcome}: {quadrant} ({cost}); each unit costs {index} % of the peers' median.",
                              outcome=ctx.label(r["outcome"]), cost=ctx.label(ctx.cost),
                              quadrant=_t(_QUADRANT_TEXT.get(r["quadrant"], r["quadrant"])),
                              index=H.number(r["relative_cost"], 0)))
    eff = ctx.facts.get("efficiency")
    if eff and eff.get("learn"):
        out.append(eff["learn"])
    leaders = ctx.tables.get("leader_gaps")
    if leaders is not None:
        behind = leaders[leaders["gap_median"] < 0]
        out.append(_t("Against the leading group ({who}): behind their median in {k} of {n} indicators.",
                      who=cohort_text(ctx.leaders), k=len(behind), n=leaders["gap_median"].notna().sum()))
    return out


def _profile_figure(ctx: _Context) -> str:
    gaps = ctx.facts.get("gaps")
    if gaps is None:
        return ""
    from benchmark.plotting import plot_profile

    drawn = gaps[gaps["percentile_rank"].notna()].drop(columns="label")
    if len(drawn) < 3:
        return ""
    fig, (ax,) = _new_figure(9.5, 6.4, polar=True)
    plot_profile(drawn, kind="radar", labels=ctx.labels(), entity=ctx.entity, period=ctx.period, ax=ax)
    return H.figure(fig, alt="Profile against the peers", fig_id="fig-profile",
                    caption=_t("Percentile rank among the peers ({cohort}) per indicator, direction-aware "
                               "(outwards is better); the band marks the peers' quartiles.",
                               cohort=cohort_text(ctx.cohort)))


# ============================================================ notes
def _notes_section(ctx: _Context) -> str:
    o = ctx.options
    nothing, kept = H.esc(_t("Nothing was left out.")), H.esc(_t("No data were set aside."))
    omitted = _bullets(ctx.omitted, "") if ctx.omitted else f'<p class="muted">{nothing}</p>'
    data_notes = _bullets(ctx.notes, "") if ctx.notes else f'<p class="muted">{kept}</p>'
    values = {**o, "rts": o["rts"].upper(), "orientation": _t(o["orientation"])}
    methods = [_t(text, **values) for text in _METHODS]
    return (f"<h3>{H.esc(_t('Left out'))}</h3>" + omitted
            + f"<h3>{H.esc(_t('Data set aside and warnings'))}</h3>" + data_notes
            + f"<h3>{H.esc(_t('Methods'))}</h3>" + _bullets(methods, "")
            + f'<p class="muted">{H.esc(_t("Random seeds are fixed, so the same data give the same report."))}</p>')


#: The methods paragraph of the notes, one sentence per analysis; placeholders are the report's options.
_METHODS = (
    ("Directions: every gap, rank and verdict is direction-aware (for a 'lower is better' indicator a lower value "
     "counts as ahead)."),
    ("Peer gaps: the institution is left out of its own cohort; intervals are percentile-bootstrap intervals of "
     "the gap to the peers' median ({n_boot} resamples, {ci:.0%}); a gap is significant when its interval "
     "excludes zero."),
    "Trends: OLS slope per indicator with a t interval; CAGR = (latest / baseline)^(1 / years) - 1.",
    ("Target completion: completion ratio = actual / target (target / actual when lower is better); the final "
     "value is projected at the pace achieved since the baseline."),
    "Cost: cost per outcome = cost / outcome; index = 100 x own value / peers' median (institution left out).",
    ("DEA: envelopment model, {rts} returns to scale, {orientation} orientation (Charnes, Cooper and Rhodes 1978; "
     "Banker, Charnes and Cooper 1984)."),
    ("Composite: min-max normalisation and weighted arithmetic mean; rank interval from {n_draws} Monte Carlo "
     "draws of weights (Dirichlet), normalisation and aggregation, with Sobol indices (Saltelli et al. 2010)."),
    ("Tiers: k-means on standardised, direction-aware indicators, ordered by mean score; stability from "
     "{n_tier_boot} bootstrap resamples (Hennig 2007)."),
)
