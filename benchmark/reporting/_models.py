"""Shared models: everything of a report that is the same whatever unit it is about.

A report on one unit needs the efficiency frontier of all compared units,
their composite ranks with intervals, their data-driven tiers and how those
compare with the official tiers, and the target completion of every unit (for
the peers' completion rate). None of that depends on which unit the report is
about, so :func:`field_models` computes it once per *field* - the units that
are compared with each other at one evaluation period - and the unit report,
the batch run (one report per unit) and the evaluator's overview all read it
from the same :class:`FieldModels`.

A model that the data do not allow is not an error here: its message is kept
in ``FieldModels.errors`` and the section that would show it says what went
wrong. Notes about data set aside are kept per model in ``FieldModels.notes``
so that a report lists only those of the parts it shows.
"""

from __future__ import annotations

import dataclasses
import time
import warnings
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import numpy as np
import pandas as pd

from benchmark._i18n import t as _t
from benchmark._validation import (
    BenchmarkError,
    check_columns,
    check_frame,
    check_panel,
    check_periods,
    check_random_state,
    format_list,
    period_ordinals,
    resolve_direction,
)
from benchmark.reporting._options import ReportOptions

__all__ = ["FieldModels", "evaluation_period", "field_models", "within_groups"]

_ROLES_OUT = ("input", "cost")
#: Seeds drawn from ``random_state`` in this order (the same report every run for the same seed).
_SEED_NAMES = ("gaps", "leaders", "ranks", "tiers", "history")
#: Composite and tiers leave out an indicator missing for more than this share of the field.
_MAX_MISSING_SHARE = 0.1
#: Error templates filled with the field's period, in the report's language, when shown.
_FEW_COMPLETE = "fewer than two indicators are complete in {where}; a composite needs two."
_TEMPLATES = (_FEW_COMPLETE,)


@dataclasses.dataclass(frozen=True, eq=False, repr=False)
class FieldModels:
    """What every unit's report shares: resolved settings and the models of all compared units.

    Built by :func:`field_models`; read-only. Tables cover every unit of the
    field; a model that could not be fitted is ``None`` with its reason in
    ``errors``.

    Attributes
    ----------
    options : ReportOptions
        The options the models were computed with (``options.at`` is the
        evaluation period actually used).
    data : DataFrame
        The field's rows, every period (the caller's frame, not copied).
    cross_section : DataFrame
        The rows of the evaluation period (all of ``data`` for a cross-section).
    entity, period : str, str or None
        Entity and period columns (``period`` is None for a cross-section).
    at : period value or None
        The evaluation period.
    indicators : tuple of str
        The performance indicators.
    metadata : DataFrame
        Indicator metadata indexed by indicator (``label`` from ``label_column``);
        empty when none was given.
    directions : dict
        ``{column: "higher"|"lower"}`` for the indicators, inputs, outputs and cost.
    inputs, outputs, outcomes : tuple of str
    cost : str or None
    official : str or None
    official_order : tuple or None
        Official tiers best first (sorted when not given).
    seeds : dict
        Integer seeds of the resampling steps, drawn once from ``random_state``.
    targets : DataFrame or None
        The usable target rows (known units, report indicators).
    completion, completion_summary, grades : DataFrame or None
        :func:`benchmark.completion` for every unit with targets, its
        per-unit summary and the completion grade (:func:`benchmark.grade`
        of the completion rate in percent).
    cohort_stats : DataFrame or None
        :func:`benchmark.cohort_stats` of the indicators in the evaluation
        period, per ``cohort`` group when the cohort is a column.
    dea : DEAResult or None
        :func:`benchmark.dea` on the units with every input and output.
    dea_data : DataFrame or None
        The entity, input and output columns the DEA ran on.
    dea_excluded : tuple
        Units left out of the DEA for missing inputs or outputs.
    composite_data : DataFrame or None
        The complete cross-section the composite and tiers ran on.
    composite_indicators : tuple of str
        Indicators of the composite and tiers.
    composite_weights : dict or None
        Metadata weights of the composite (None: equal weights).
    composite_excluded : tuple
        Units left out of composite and tiers for missing values.
    ranks : RankUncertainty or None
        :func:`benchmark.rank_uncertainty` for every unit of ``composite_data``.
    tiers : TierResult or None
        :func:`benchmark.tiers` with ``tier_n_boot`` bootstrap resamples.
    tier_k, tier_labels, tier_n_boot :
        Number of tiers, their labels (the official ones when their number
        matches), resamples actually used.
    tier_comparison : TierComparison or None
        The data-driven tiers against ``official``.
    tier_history : DataFrame or None
        Data-driven tier of every unit in every period (long: entity, tier, period).
    transitions : TierTransitions or None
        :func:`benchmark.tier_transitions` of ``tier_history``.
    history_skipped : tuple
        Periods not tiered (too few complete units).
    notes : dict of tuple
        Notes per model (``"data"``, ``"targets"``, ``"dea"``, ``"composite"``,
        ``"tiers"``): text, or a (template, values) pair written in the
        current language by :meth:`note_texts`.
    errors : dict of str
        Why a model is missing (``"completion"``, ``"cohort_stats"``,
        ``"dea"``, ``"composite"``, ``"ranks"``, ``"tiers"``, ``"history"``);
        :meth:`error` gives it in the current language.
    warnings : tuple of (category, message)
        Warnings raised while fitting (each report using the models repeats them).
    seconds : float
        Time taken to compute the models.
    """

    options: ReportOptions
    data: pd.DataFrame
    cross_section: pd.DataFrame
    entity: str
    period: str | None
    at: Any
    indicators: tuple[str, ...]
    metadata: pd.DataFrame
    directions: Mapping[str, str]
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]
    outcomes: tuple[str, ...]
    cost: str | None
    official: str | None
    official_order: tuple[Any, ...] | None
    seeds: Mapping[str, int]
    targets: pd.DataFrame | None = None
    completion: pd.DataFrame | None = None
    completion_summary: pd.DataFrame | None = None
    grades: pd.DataFrame | None = None
    cohort_stats: pd.DataFrame | None = None
    dea: Any = None
    dea_data: pd.DataFrame | None = None
    dea_excluded: tuple[Any, ...] = ()
    composite_data: pd.DataFrame | None = None
    composite_indicators: tuple[str, ...] = ()
    composite_weights: Mapping[str, float] | None = None
    composite_excluded: tuple[Any, ...] = ()
    ranks: Any = None
    tiers: Any = None
    tier_k: int | None = None
    tier_labels: tuple[Any, ...] | None = None
    tier_n_boot: int = 0
    tier_comparison: Any = None
    tier_history: pd.DataFrame | None = None
    transitions: Any = None
    history_skipped: tuple[Any, ...] = ()
    notes: Mapping[str, tuple[Any, ...]] = dataclasses.field(default_factory=dict)
    errors: Mapping[str, str] = dataclasses.field(default_factory=dict)
    warnings: tuple[tuple[type, str], ...] = ()
    seconds: float = float("nan")

    def __repr__(self) -> str:
        fitted = [name for name in ("completion", "dea", "ranks", "tiers", "transitions")
                  if getattr(self, name) is not None]
        return (f"FieldModels({self.cross_section[self.entity].nunique()} units, {self.period}={self.at!r}, "
                f"{len(self.indicators)} indicators; fitted: {', '.join(fitted) or 'none'})")

    # ---------------------------------------------------------- labels
    def label(self, indicator: Any) -> str:
        """Display label of an indicator (its name when the metadata have none)."""
        return _meta_text(self.metadata, indicator, "label") or str(indicator)

    def unit(self, indicator: Any) -> str:
        """Unit of an indicator ("" when unknown)."""
        return _meta_text(self.metadata, indicator, "unit")

    def with_unit(self, indicator: Any) -> str:
        unit = self.unit(indicator)
        return f"{self.label(indicator)} ({unit})" if unit else self.label(indicator)

    def labels(self) -> dict[str, str]:
        """Labels of every column the report names."""
        names = {*self.indicators, *self.inputs, *self.outputs, *self.outcomes, *([self.cost] if self.cost else [])}
        return {i: self.label(i) for i in names}

    def where(self) -> str:
        """The evaluation period in words ("year 2023", "the cross-section"), in the current language."""
        if self.period is None:
            return _t("the cross-section")
        if str(self.period).lower() == "year":
            return _t("year {at}", at=self.at)
        return f"{self.period} {self.at}"

    def note_texts(self, *names: str) -> list[str]:
        """The notes of the named models (all when none is named) in the current language."""
        return [_render_note(self, note) for name in (names or tuple(self.notes))
                for note in self.notes.get(name, ())]

    def error(self, name: str) -> str | None:
        """Why model ``name`` is missing, in the current language (None when it was fitted)."""
        text = self.errors.get(name)
        if text in _TEMPLATES:
            return _t(text, where=self.where())
        return text

    def units(self) -> list[Any]:
        """The units of the field in the evaluation period, in data order."""
        return pd.unique(self.cross_section[self.entity]).tolist()


def _meta_text(meta: pd.DataFrame, indicator: Any, column: str) -> str:
    if indicator in meta.index and column in meta.columns:
        value = meta.at[indicator, column]
        if isinstance(value, str) and value.strip():
            return value
    return ""


# ============================================================ public steps
def within_groups(data: pd.DataFrame, options: ReportOptions) -> Iterator[tuple[dict[str, Any], pd.DataFrame]]:
    """The fields of ``data``: one ``({column: value}, rows)`` per combination of the ``within`` columns.

    Without ``options.within`` the whole of ``data`` is one field (``{}``).
    Units with a missing ``within`` value belong to no field.

    >>> import pandas as pd
    >>> from benchmark.reporting import ReportOptions
    >>> df = pd.DataFrame({"institution": list("abc"), "kind": ["x", "y", "x"], "v": [1.0, 2.0, 3.0]})
    >>> [(key, len(rows)) for key, rows in within_groups(df, ReportOptions(within="kind", period=None))]
    [({'kind': 'x'}, 2), ({'kind': 'y'}, 1)]
    """
    within = list(options.within)
    if not within:
        yield {}, data
        return
    check_columns(data, within, name="data", what="`within` column")
    for key, rows in data.groupby(within, sort=True, dropna=True):
        values = key if isinstance(key, tuple) else (key,)
        yield dict(zip(within, (v.item() if hasattr(v, "item") else v for v in values), strict=True)), rows


def evaluation_period(data: pd.DataFrame, options: ReportOptions, focus: Any = None) -> Any:
    """The period a report evaluates: ``options.at`` checked, else the latest with indicator values.

    With ``focus``, the latest period in which that unit has a value for any
    indicator (else its latest row); without, the latest over the whole
    field. ``None`` for a cross-section.
    """
    frame, period = _frame_and_period(data, options)
    if period is None:
        if options.at is not None:
            raise BenchmarkError(f"`at={options.at!r}` was given but the data have no period column.")
        return None
    meta = _metadata_table(options.metadata, options.label_column)
    inds = _indicator_list(frame, options, meta, _reserved(frame, options, meta))
    own = frame if focus is None else frame.loc[frame[options.entity] == focus]
    if options.at is not None:
        check_periods(frame, [options.at], period=period, name="data")
        if focus is not None and not (own[period] == options.at).any():
            seen = sorted(own[period].tolist())
            raise BenchmarkError(f"{options.entity} {focus!r} has no row for {period} {options.at!r}; "
                                 f"it has {format_list(seen, 10)}. Pick one of these with at=.")
        return options.at
    present = [i for i in inds if i in own.columns]
    observed = own.loc[own[present].notna().any(axis=1), period] if present else own[period].iloc[:0]
    return latest_period(observed if len(observed) else own[period], period)


def latest_period(values: pd.Series, period: str) -> Any:
    """The latest period in time (text and academic years included: "10" after "9")."""
    latest = values.iloc[int(np.argmax(period_ordinals(values, column=period)))]
    return latest.item() if hasattr(latest, "item") else latest


def field_models(data: pd.DataFrame, options: ReportOptions) -> FieldModels:
    """Compute the models every unit's report shares, once for the whole field.

    Parameters
    ----------
    data : DataFrame
        The field: the rows of every compared unit (all periods). With
        ``options.within``, pass one group (see :func:`within_groups`).
    options : ReportOptions
        The report's options; ``options.at`` (default: the latest period
        with indicator values) is the evaluation period.

    Returns
    -------
    FieldModels

    Examples
    --------
    >>> import benchmark
    >>> from benchmark.reporting import ReportOptions
    >>> from benchmark.reporting._models import field_models
    >>> panel = benchmark.datasets.load("shuanggao")
    >>> schools = panel[panel["unit_type"] == "school"]
    >>> opts = ReportOptions(indicators=["placement_rate", "skill_prizes", "tech_service_income"],
    ...                      n_draws=20, n_tier_boot=0)
    >>> models = field_models(schools, opts)
    >>> models.at, len(models.ranks.ranks), models.tier_k
    (2023, 56, 3)
    """
    started = time.perf_counter()
    frame, period = _frame_and_period(data, options)
    if options.within:
        check_columns(frame, list(options.within), name="data", what="`within` column")
        groups = frame[list(options.within)].drop_duplicates()
        if len(groups) > 1:
            raise BenchmarkError(f"`data` holds {len(groups)} groups of the `within` columns "
                                 f"({format_list(list(options.within))}); compute the models of one group at "
                                 "a time (within_groups(data, options)).")
    notes: dict[str, list[Any]] = {"data": [], "targets": [], "dea": [], "composite": [], "tiers": []}
    if options.period is not None and period is None:
        notes["data"].append(f"`data` has no period column {options.period!r}: read as a cross-section.")
    meta = _metadata_table(options.metadata, options.label_column)
    inputs, outputs = list(options.inputs), list(options.outputs)
    cost = options.cost if options.cost is not None else _role_column(meta, "cost", frame)
    outcomes = list(options.outcomes) or list(outputs)
    inds = _indicator_list(frame, options, meta, _reserved(frame, options, meta))
    numeric = list(dict.fromkeys([*inds, *inputs, *outputs, *outcomes, *([cost] if cost else [])]))
    check_panel(frame, numeric, entity=options.entity, period=period, require_period=False, missing="allow")
    dirs = _directions(options.direction, meta, numeric)
    at = evaluation_period(frame, dataclasses.replace(options, period=period))
    cs = frame if period is None else frame[frame[period] == at]
    official, order = _official(frame, options.official, options.official_order, options.entity)
    rng = check_random_state(options.random_state)
    seeds = dict(zip(_SEED_NAMES, (int(s) for s in rng.integers(0, 2**31 - 1, size=len(_SEED_NAMES))),
                     strict=True))
    base = FieldModels(options=dataclasses.replace(options, at=at, period=period), data=frame, cross_section=cs,
                       entity=options.entity, period=period, at=at, indicators=tuple(inds), metadata=meta,
                       directions=dirs, inputs=tuple(inputs), outputs=tuple(outputs), outcomes=tuple(outcomes),
                       cost=cost, official=official, official_order=None if order is None else tuple(order),
                       seeds=seeds)
    errors: dict[str, str] = {}
    parts: dict[str, Any] = {}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        parts.update(_target_models(base, notes, errors))
        parts["cohort_stats"] = _attempt(errors, "cohort_stats", lambda: _cohort_stats(base))
        if inputs and outputs:
            parts.update(_attempt(errors, "dea", lambda: _dea_model(base, notes["dea"])) or {})
        parts.update(_field_chain(base, notes, errors, ()))
    # Shared by many reports: each report that shows these models lists their warnings among its notes.
    seen = tuple(dict.fromkeys((w.category, str(w.message)) for w in caught if not _font_glyph(w)))
    return dataclasses.replace(base, **parts, notes={k: tuple(v) for k, v in notes.items()}, errors=errors,
                               warnings=seen,
                               seconds=time.perf_counter() - started)


def _font_glyph(w: warnings.WarningMessage) -> bool:
    return str(w.message).startswith("Glyph ") and "missing from font" in str(w.message)


def _attempt(errors: dict[str, str], name: str, build: Callable[[], Any]) -> Any:
    """A model, or None with the reason in ``errors`` when the data do not allow it."""
    try:
        return build()
    except BenchmarkError as exc:
        errors[name] = str(exc)
        return None


# ============================================================ resolution
def _frame_and_period(data: Any, options: ReportOptions) -> tuple[pd.DataFrame, str | None]:
    frame = check_frame(data, name="data")
    entity, period = options.entity, options.period
    check_columns(frame, [entity], name="data", what="entity column")
    if period is not None and period not in frame.columns:
        if frame[entity].duplicated().any():
            check_columns(frame, [period], name="data", what="period column")
        period = None
    return frame, period


def _reserved(frame: pd.DataFrame, options: ReportOptions, meta: pd.DataFrame) -> set:
    cost = options.cost if options.cost is not None else _role_column(meta, "cost", frame)
    return {options.entity, options.period, *options.within, options.official, *options.inputs, cost} - {None}


def _metadata_table(metadata: pd.DataFrame | None, label_column: str) -> pd.DataFrame:
    """Indicator metadata indexed by indicator (empty when none is given)."""
    if metadata is None:
        return pd.DataFrame(index=pd.Index([], name="indicator"))
    table = metadata.set_index("indicator")
    if label_column != "label":
        table = table.drop(columns=["label"], errors="ignore").rename(columns={label_column: "label"})
    if "weight" in table.columns:
        table["weight"] = pd.to_numeric(table["weight"], errors="coerce")
    return table


def _role_column(meta: pd.DataFrame, role: str, frame: pd.DataFrame) -> str | None:
    if "role" not in meta.columns:
        return None
    names = [i for i in meta.index[meta["role"] == role] if i in frame.columns]
    return names[0] if len(names) == 1 else None


def _indicator_list(frame: pd.DataFrame, options: ReportOptions, meta: pd.DataFrame, reserved: set) -> list[str]:
    if options.indicators is not None:
        check_columns(frame, options.indicators, name="data", what="indicator column")
        return list(options.indicators)
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
        base = resolve_direction(dict(known.items()), names) if len(known) else {}
    return resolve_direction({**base, **dict(direction or {})}, names)


def _official(frame: pd.DataFrame, official: Any, order: Any, entity: str) -> tuple[str | None, list | None]:
    if official is None:
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
    missing = [v for v in levels if v not in order]
    if missing:
        raise BenchmarkError(f"`official_order` lacks the official tier(s) {format_list(missing)}.")
    return official, [v for v in order if v in levels]


# ============================================================ target completion
def _target_models(m: FieldModels, notes: dict[str, list[Any]], errors: dict[str, str]) -> dict[str, Any]:
    targets = m.options.targets
    if targets is None:
        return {}
    known = targets[m.entity].isin(set(m.data[m.entity]))
    usable = known & targets["indicator"].isin(m.indicators)
    unknown = sorted(set(targets.loc[known & ~usable, "indicator"].astype(str)))
    if unknown:
        notes["targets"].append(f"targets for {format_list(unknown)} were not used: not among the report's "
                                "indicators (add them to indicators= to include them).")
    if not usable.any():
        return {}
    rows = targets.loc[usable].reset_index(drop=True)
    out: dict[str, Any] = {"targets": rows}
    done = _attempt(errors, "completion", lambda: _completion(m, rows))
    if done is not None:
        out.update(done)
    return out


def _completion(m: FieldModels, targets: pd.DataFrame) -> dict[str, pd.DataFrame]:
    from benchmark.targets import completion, completion_summary, grade

    inds = sorted(set(targets["indicator"]), key=list(m.indicators).index)
    meta = pd.DataFrame({"indicator": inds, "direction": [m.directions[i] for i in inds]})
    if "kind" in m.metadata.columns:
        meta["kind"] = [m.metadata.at[i, "kind"] if i in m.metadata.index else None for i in inds]
        meta["kind"] = meta["kind"].fillna("level")
    table = completion(m.data, targets, at=m.at, metadata=meta, entity=m.entity, period=m.period)
    summary = completion_summary(table, entity=m.entity)
    scores = pd.DataFrame({m.entity: summary[m.entity], "score": 100 * summary["completion_rate"]})
    grades = grade(scores.dropna(subset=["score"]), entity=m.entity, lang=m.options.lang or "en")
    return {"completion": table, "completion_summary": summary, "grades": grades}


# ============================================================ peers
def _cohort_stats(m: FieldModels) -> pd.DataFrame:
    from benchmark.peers import cohort_stats

    by = m.options.cohort if isinstance(m.options.cohort, str) and m.options.cohort in m.data.columns else None
    return cohort_stats(m.cross_section, list(m.indicators), by=by, entity=m.entity, period=m.period)


# ============================================================ frontier
def _dea_model(m: FieldModels, notes: list[Any]) -> dict[str, Any]:
    try:
        from benchmark.frontier import dea
    except ImportError:
        raise BenchmarkError("this installation has no DEA (benchmark.frontier.dea).") from None
    cols = [*m.inputs, *[o for o in m.outputs if o not in m.inputs]]
    sub = m.cross_section[[m.entity, *cols]]
    incomplete = sub[cols].isna().any(axis=1)
    excluded = tuple(sub.loc[incomplete, m.entity].tolist())
    if excluded:
        notes.append(("DEA: {n} entities without every input and output in {where} were left out: {names}.",
                      {"n": len(excluded), "entities": list(excluded)}))
    sub = sub.loc[~incomplete].reset_index(drop=True)
    res = dea(sub, list(m.inputs), list(m.outputs), rts=m.options.rts, orientation=m.options.orientation,
              entity=m.entity)
    return {"dea": res, "dea_data": sub, "dea_excluded": excluded}


# ============================================================ composite, ranks, tiers
def _composite_data(m: FieldModels, notes: list[Any], lacking: tuple[str, ...] = ()) -> dict[str, Any]:
    """The complete cross-section for the composite: indicators and units without gaps.

    An indicator missing for more than 10 % of the field is set aside, and so
    are the indicators in ``lacking`` (those a unit has no value for).
    """
    cs = m.cross_section
    inds, set_aside = [], []
    for i in m.indicators:
        (set_aside if i in lacking or cs[i].isna().mean() > _MAX_MISSING_SHARE else inds).append(i)
    weights = None
    if "weight" in m.metadata.columns:
        w = {i: float(m.metadata.at[i, "weight"]) if i in m.metadata.index else float("nan") for i in inds}
        if all(np.isfinite(v) and v >= 0 for v in w.values()) and sum(w.values()) > 0:
            zero = [i for i, v in w.items() if v == 0]
            if zero:
                notes.append(("Composite: {names} left out (weight 0).", {"names": zero}))
            inds = [i for i in inds if w[i] > 0]
            weights = {i: w[i] for i in inds}
        else:
            notes.append((("Composite: equal weights (the metadata weights are missing or invalid for some "
                           "indicators)."), {}))
    if set_aside:
        # The wording covers the unit report's older rule as well (an indicator missing for the unit).
        notes.append((("Composite and tiers: {names} left out (missing for the institution or for more than "
                       "10 % of entities in {where})."), {"names": set_aside}))
    if len(inds) < 2:
        raise BenchmarkError(_FEW_COMPLETE)
    incomplete = cs[inds].isna().any(axis=1)
    excluded = tuple(cs.loc[incomplete, m.entity].tolist())
    if excluded:
        notes.append(("Composite and tiers: {n} entities with missing values left out: {names}.",
                      {"n": len(excluded), "entities": list(excluded)}))
    return {"composite_data": cs.loc[~incomplete].reset_index(drop=True), "composite_indicators": tuple(inds),
            "composite_weights": weights, "composite_excluded": excluded}


def composite_for(models: FieldModels, focus: Any) -> FieldModels:
    """The models with composite, ranks, tiers and tier history refitted for a unit the field's composite lacks.

    A unit with no value for one of the composite's indicators is not ranked
    by the shared composite; its own report ranks it on the indicators it
    has (the others set aside, with a note). Returns ``models`` itself when
    the unit is ranked already or has no row.
    """
    own = models.cross_section.loc[models.cross_section[models.entity] == focus]
    if models.composite_data is None or focus not in set(models.composite_excluded) or own.empty:
        return models
    lacking = tuple(i for i in models.indicators if own[i].isna().all())
    notes: dict[str, list[Any]] = {"composite": [], "tiers": []}
    errors = {k: v for k, v in models.errors.items() if k not in ("composite", "ranks", "tiers", "history")}
    reset = {"ranks": None, "tiers": None, "tier_comparison": None, "tier_history": None, "transitions": None,
             "history_skipped": ()}
    parts = _field_chain(models, notes, errors, lacking)
    merged = {**models.notes, **{k: tuple(v) for k, v in notes.items()}}
    return dataclasses.replace(models, **{**reset, **parts}, notes=merged, errors=errors)


def _field_chain(m: FieldModels, notes: dict[str, list[Any]], errors: dict[str, str],
                 lacking: tuple[str, ...]) -> dict[str, Any]:
    """Composite, rank intervals, tiers and tier history: each step needs the one before it.

    A step that fails is recorded in ``errors`` and leaves the later steps out.
    """
    parts: dict[str, Any] = {}
    field = _attempt(errors, "composite", lambda: _composite_data(m, notes["composite"], lacking))
    if field is None:
        return parts
    parts.update(field)
    parts["ranks"] = _attempt(errors, "ranks", lambda: _rank_model(m, field))
    tiered = _attempt(errors, "tiers", lambda: _tier_model(m, field, notes["tiers"]))
    if tiered is not None:
        parts.update(tiered)
        parts.update(_attempt(errors, "history", lambda: _history_model(m, field, tiered)) or {})
    return parts


def _rank_model(m: FieldModels, field: dict[str, Any]) -> Any:
    from benchmark.indices import rank_uncertainty

    inds = list(field["composite_indicators"])
    return rank_uncertainty(field["composite_data"], inds, n_draws=m.options.n_draws,
                            weights=field["composite_weights"], direction={i: m.directions[i] for i in inds},
                            entity=m.entity, period=m.period or "period", random_state=m.seeds["ranks"])


def _tier_count(m: FieldModels) -> tuple[int, tuple | None]:
    order = m.official_order
    k = m.options.k or (len(order) if order and len(order) >= 2 else 3)
    return k, (order if order and len(order) == k else None)


def _tier_model(m: FieldModels, field: dict[str, Any], notes: list[Any]) -> dict[str, Any]:
    from benchmark.tiering import tiers

    cs, inds = field["composite_data"], list(field["composite_indicators"])
    k, labels = _tier_count(m)
    n_boot = m.options.n_tier_boot
    settings = {"k": k, "labels": None if labels is None else list(labels),
                "direction": {i: m.directions[i] for i in inds}, "entity": m.entity,
                "random_state": m.seeds["tiers"]}
    try:
        result = tiers(cs, inds, n_boot=n_boot, **settings)
    except BenchmarkError as exc:
        if n_boot == 0 or "stability" not in str(exc):
            raise
        notes.append((("Tiers: too few entities for the bootstrap stability analysis ({n} for k={k}); the "
                       "tiers are shown without it."), {"n": len(cs), "k": k}))
        n_boot = 0
        result = tiers(cs, inds, n_boot=0, **settings)
    comparison = None
    if m.official is not None and labels is not None:
        comparison = result.compare(cs[[m.entity, m.official]], column=m.official)
    return {"tiers": result, "tier_k": k, "tier_labels": labels, "tier_n_boot": n_boot,
            "tier_comparison": comparison}


def _history_model(m: FieldModels, field: dict[str, Any], tiered: dict[str, Any]) -> dict[str, Any]:
    """Data-driven tiers in every period (without bootstrap) and the moves between them."""
    if m.period is None or m.data[m.period].nunique() < 2:
        return {}
    from benchmark.tiering import tier_transitions, tiers

    inds = list(field["composite_indicators"])
    k, labels = tiered["tier_k"], tiered["tier_labels"]
    frames, skipped = [], []
    for when, part in m.data.groupby(m.period, sort=True):
        part = part.dropna(subset=inds)
        if len(part) <= k:
            skipped.append(when)
            continue
        res = tiers(part, inds, k=k, labels=None if labels is None else list(labels), n_boot=0,
                    direction={i: m.directions[i] for i in inds}, entity=m.entity, random_state=m.seeds["history"])
        frames.append(res.assignments[[m.entity, "label"]].assign(**{m.period: when}))
    if len(frames) < 2:
        return {"history_skipped": tuple(skipped)}
    long = pd.concat(frames, ignore_index=True).rename(columns={"label": "tier"})
    moves = tier_transitions(long, "tier", entity=m.entity, period=m.period,
                             order=None if labels is None else list(labels))
    return {"tier_history": long, "transitions": moves, "history_skipped": tuple(skipped)}




def _render_note(models: FieldModels, note: Any) -> str:
    if isinstance(note, str):
        return note
    text, values = note
    values = dict(values)
    if "names" in values:
        values["names"] = format_list([models.label(i) for i in values["names"]])
    if "entities" in values:
        values["names"] = format_list(values.pop("entities"))
    return _t(text, where=models.where(), **values)
