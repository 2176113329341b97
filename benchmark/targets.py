"""Target completion at an evaluation period, task-list summaries and grades.

A target table lists, per (entity, indicator), a baseline and the values
planned for one or more target periods. :func:`completion` compares the
actual panel with it at an evaluation period ``at`` (a mid-term review) and
says, for every task, whether it is completed, can still be completed by the
final period at the pace achieved so far, or cannot - and why.
:func:`completion_summary` turns the task table into shares per entity (or
per indicator group) and :func:`grade` turns scores into grade bands with an
optional veto.

Two target layouts are accepted (see :func:`completion`):

- wide: ``<entity>``, ``indicator``, ``baseline_<period>``, ``baseline`` and
  one ``target_<period>`` column per target period;
- long: ``<entity>``, ``indicator``, ``<period>``, ``target`` and optionally
  ``baseline_<period>`` and ``baseline``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from benchmark._panel import Reasons, checked_panel, ols_by_group, panel_grid
from benchmark._validation import (
    BenchmarkError,
    ColumnError,
    DuplicateRowError,
    MissingValueError,
    UnknownEntityError,
    as_list,
    check_choice,
    check_columns,
    check_finite,
    check_frame,
    check_missing,
    check_numeric,
    check_periods,
    check_unique_keys,
    format_list,
    period_ordinals,
    resolve_direction,
    resolve_indicator_property,
    validate_params,
)

__all__ = ["completion", "completion_summary", "grade"]

KINDS = ("level", "flow", "cumulative", "accumulated")
STATUSES = ("completed", "attainable", "unattainable", "no_data")
PROJECTIONS = ("linear", "compound", "trend")

#: Grade labels, best first.
LABEL_PRESETS: dict[str, tuple[str, ...]] = {
    "en": ("excellent", "good", "pass", "fail"),
    "zh": ("优", "良", "中", "差"),
}
#: Lower bounds of every grade but the last (Double High-Level scheme: 90 / 80 / 60).
DEFAULT_BANDS = (90.0, 80.0, 60.0)

_TARGET_COLUMN = re.compile(r"^target_(.+)$")


# ------------------------------------------------------------ metadata helpers
def _kind_word(value: Any, indicator: str) -> str:
    word = str(value).strip().lower() if value is not None else ""
    if word not in KINDS:
        raise BenchmarkError(
            f"kind of {indicator!r} is {value!r}; use one of {', '.join(KINDS)}."
        )
    return word


def _resolve_kind(kind: Any, inds: list[str]) -> dict[str, str]:
    """``kind=`` as None / word / mapping / metadata DataFrame -> {indicator: kind}."""
    return resolve_indicator_property(
        kind, inds, column="kind", default="level", word=_kind_word, choices=", ".join(KINDS)
    )


def _metadata(meta: pd.DataFrame | None, direction: Any, kind: Any, inds: list[str]) -> tuple[dict, dict]:
    """Directions and kinds; explicit ``direction=``/``kind=`` win over the ``metadata=`` table."""
    if meta is not None:
        check_frame(meta, name="metadata")
        check_columns(meta, ["indicator"], name="metadata")
        if direction is None and "direction" in meta.columns:
            direction = meta
        if kind is None and "kind" in meta.columns:
            kind = meta
    return resolve_direction(direction, inds), _resolve_kind(kind, inds)


# ------------------------------------------------------------ target parsing
def _period_value(label: str, like: pd.Index, column: str) -> Any:
    if pd.api.types.is_numeric_dtype(like) and not pd.api.types.is_bool_dtype(like):
        value = pd.to_numeric(label, errors="coerce")
        if pd.isna(value):
            raise ColumnError(
                f"target column {column!r} does not name a period; name target columns "
                "'target_<period>' (e.g. 'target_2023')."
            )
        return int(value) if pd.api.types.is_integer_dtype(like) and float(value).is_integer() else value
    if label in set(like.tolist()):
        return label
    # another spelling of a period of the data ("target_2021-09-01" for dates): match by position
    try:
        both = period_ordinals(pd.Series([*like.tolist(), label], dtype=object), column=column)
    except BenchmarkError:
        return label
    same = np.flatnonzero(both[:-1] == both[-1])
    return like[same[0]] if len(same) == 1 else label


def _read_targets(targets: pd.DataFrame, entity: str, period: str,
                  like: pd.Index) -> tuple[pd.DataFrame, dict[Any, np.ndarray]]:
    """Either layout as (tasks, goals).

    ``tasks`` has one row per (entity, indicator) with ``baseline_<period>``
    and ``baseline``; ``goals`` maps each target period to the targets of
    the tasks, in the same order (NaN where a task has none).
    """
    base_col = f"baseline_{period}"
    keys = [entity, "indicator"]
    check_columns(targets, keys, name="targets")
    check_missing(targets, keys, keys=keys, name="targets",
                  hint="every target row needs an entity and an indicator")
    wide_cols = [c for c in targets.columns if isinstance(c, str) and _TARGET_COLUMN.match(c)]
    if "target" in targets.columns and period in targets.columns:
        tasks, goals = _read_long(targets, entity, period, like)
    elif wide_cols:
        check_unique_keys(targets, keys, name="targets")
        check_numeric(targets, wide_cols, name="targets")
        check_finite(targets, wide_cols, keys=keys, name="targets")
        tasks = targets.reindex(columns=[*keys, base_col, "baseline"]).reset_index(drop=True)
        goals = {}
        for col in wide_cols:
            when = _period_value(_TARGET_COLUMN.match(col).group(1), like, col)
            if when in goals:
                raise ColumnError(f"`targets` has two target columns for {period} {when!r}; keep one.")
            goals[when] = targets[col].to_numpy(dtype=float, na_value=np.nan)
    else:
        raise ColumnError(
            "`targets` has neither 'target_<period>' columns (wide layout) nor 'target' and "
            f"{period!r} columns (long layout). Give one row per ({entity}, indicator) with "
            f"'{base_col}', 'baseline' and e.g. 'target_2021', 'target_2023'."
        )
    check_numeric(tasks, ["baseline"], name="targets")
    check_finite(tasks, ["baseline"], keys=keys, name="targets")
    return tasks, goals


def _read_long(targets: pd.DataFrame, entity: str, period: str,
               like: pd.Index) -> tuple[pd.DataFrame, dict]:
    base_col = f"baseline_{period}"
    keys = [entity, "indicator"]
    check_unique_keys(targets, [*keys, period], name="targets")
    check_missing(targets, [period], keys=[*keys, period], name="targets")
    check_numeric(targets, ["target"], name="targets")
    check_finite(targets, ["target"], keys=[*keys, period], name="targets")
    frame = targets.reindex(columns=[*keys, period, "target", base_col, "baseline"])
    numeric = pd.api.types.is_numeric_dtype(like) and not pd.api.types.is_bool_dtype(like)
    if numeric and not pd.api.types.is_numeric_dtype(frame[period]):
        # the target periods must compare with the panel's (2021, not "2021")
        raise ColumnError(
            f"`targets` column {period!r} holds {frame[period].dtype} values but the periods of "
            f"`data` are numeric; convert it with pandas.to_numeric(...)."
        )
    grouped = frame.groupby(keys, sort=False)
    clash = (grouped[[base_col, "baseline"]].nunique() > 1).any(axis=1)
    if clash.any():
        rows = ["/".join(map(str, k)) for k in clash[clash].index]
        raise DuplicateRowError(
            f"`targets` gives several baselines for {format_list(rows)}; keep one "
            f"'{base_col}'/'baseline' pair per ({entity}, indicator)."
        )
    tasks = grouped[[base_col, "baseline"]].first().reset_index()
    wide = frame.pivot(index=keys, columns=period, values="target")
    wide = wide.reindex(pd.MultiIndex.from_frame(tasks[keys]))
    goals = {when: wide[when].to_numpy(dtype=float) for when in wide.columns}
    return tasks, goals


def _check_known(tasks: pd.DataFrame, actual: pd.DataFrame, entity: str, period: str) -> list[str]:
    known = set(pd.unique(actual[entity]).tolist())
    unknown_e = sorted({e for e in pd.unique(tasks[entity]).tolist() if e not in known}, key=str)
    if unknown_e:
        raise UnknownEntityError(
            f"`targets` name {entity}(s) {format_list(unknown_e)} that do not occur in `data`; "
            "fix the names or drop their rows."
        )
    inds = pd.unique(tasks["indicator"]).tolist()
    unknown_i = [i for i in inds if i not in actual.columns or i in (entity, period)]
    if unknown_i:
        raise ColumnError(
            f"`targets` name indicator(s) {format_list(unknown_i)} that are not columns of `data`; "
            "fix the names or drop their rows."
        )
    return inds


def _position_map(like: pd.Index, extra: Iterable[Any]) -> Callable[[Any], np.ndarray]:
    """A function mapping period values to positions in period units (see :func:`period_ordinals`)."""
    if pd.api.types.is_numeric_dtype(like) and not pd.api.types.is_bool_dtype(like):
        return lambda v: pd.to_numeric(pd.Series(np.ravel(v)), errors="coerce").to_numpy(
            dtype=float, na_value=np.nan)
    values = [*like.tolist(), *(v for v in extra if pd.notna(v))]
    universe = pd.Series(pd.unique(pd.Series(values, dtype=object)), dtype=object)
    where = dict(zip(universe.tolist(), period_ordinals(universe).tolist(), strict=True))
    return lambda v: np.array([where.get(x, np.nan) if pd.notna(x) else np.nan for x in np.ravel(v)])


# ---------------------------------------------------------------- completion
@validate_params("entity", "period", "indicators")
def completion(
    data: pd.DataFrame,
    targets: pd.DataFrame,
    *,
    at: Any,
    end: Any = None,
    entity: str = "institution",
    period: str = "year",
    direction: Any = None,
    kind: Any = None,
    indicators: Sequence[str] | None = None,
    metadata: pd.DataFrame | None = None,
    projection: str | Mapping[str, str] = "linear",
    acceleration: float = 1.0,
) -> pd.DataFrame:
    """Target completion of every (entity, indicator) task at evaluation period ``at``.

    Parameters
    ----------
    data : DataFrame
        The actual values: a panel with one row per (entity, period);
        missing values allowed.
    targets : DataFrame
        Wide layout: one row per (entity, indicator) with columns
        ``<entity>``, ``indicator``, ``baseline_<period>``, ``baseline`` and
        ``target_<period>`` per target period (e.g. ``target_2021``,
        ``target_2023``). Long layout: ``<entity>``, ``indicator``,
        ``<period>``, ``target`` and optionally ``baseline_<period>``,
        ``baseline``. A missing baseline period is the task's first period
        observed in ``data``; a missing baseline value is read from
        ``data`` at the baseline period.
    at : period value
        Evaluation period; must occur in ``data``.
    end : period value, optional
        Final target period (the end of the plan); default: the last target
        period.
    entity, period : str
        Names of the entity and period columns.
    direction : None, str, mapping or DataFrame
        Which way is better (default "higher" for every indicator).
    kind : None, str, mapping or DataFrame
        ``"level"`` (default: a value at a point in time, such as a rate or
        a head count), ``"flow"`` (an amount per period, such as yearly
        income, with a target for the amount in the target period; judged
        like a level), ``"cumulative"`` (a running total that cannot fall,
        such as awards won to date) or ``"accumulated"`` (amounts per period
        whose targets are totals summed over the periods after the baseline).
    indicators : list of str, optional
        Restrict the tasks to these indicators (default: every indicator
        with targets).
    metadata : DataFrame, optional
        The indicator table (columns ``indicator`` and any of
        ``direction``, ``kind``); supplies directions and kinds not given
        explicitly by ``direction=`` / ``kind=``.
    projection : {"linear", "compound", "trend"} or mapping
        How the final value is projected: the pace achieved since the
        baseline continued in a straight line (default), the growth rate
        achieved since the baseline compounded (for targets planned as yearly
        growth), or an OLS line through the baseline and the observed points
        up to ``at``. A mapping ``{indicator: method}`` chooses per indicator
        (others: linear).
    acceleration : float
        Factor applied to the projected movement after ``at``: 1 (default)
        continues the pace achieved; 1.5 counts a task as attainable if a
        50 % faster pace would reach the final target. A policy choice,
        reported in the docs; it never changes ``completed``.

    Returns
    -------
    DataFrame
        One row per task: ``direction``, ``kind``, ``baseline_<period>``,
        ``baseline``, ``<period>`` (= ``at``), ``target`` (for ``at``),
        ``actual`` (the value at ``at``; for accumulated kinds the total
        since the baseline),
        ``completion_ratio`` (actual / target; target / actual for lower is
        better), ``progress_share`` ((actual - baseline) / (target -
        baseline)), ``final_<period>``, ``final_target``, ``pace_needed``
        and ``pace_achieved`` (per period), ``pace_ratio`` (needed /
        achieved: how many times faster the rest must go; 0 when the final
        target is already reached), ``projected_final``,
        ``reaches_final``, ``status`` (completed / attainable / unattainable /
        no_data) and ``reason``.

    See Also
    --------
    completion_summary : the shares of completed and attainable tasks per group.
    grade : grade bands from completion rates or scores.
    benchmark.change : the change of each indicator since the baseline.
    benchmark.plot_completion : the completion status by indicator.

    Notes
    -----
    ``status`` is decided by the first rule that applies: no target at all
    -> no_data; never reported -> no_data; no value at ``at`` but later
    values -> no_data; no value at or after ``at`` (discontinued) ->
    unattainable; target for ``at`` met -> completed; ``at`` is the final
    period -> unattainable; no final target, baseline or pace -> no_data;
    projection reaches the final target -> attainable; else unattainable.
    The status's reason comes first in ``reason``.

    Paces are per period unit: numeric periods are used as numbers (per
    year), text and academic years ("2021", "2019-20") at their first
    calendar year and dates as their spacing shows (see
    :func:`benchmark.longitudinal.change`); period labels with no known
    spacing are rejected.

    Examples
    --------
    >>> actual = pd.DataFrame({"institution": ["a"] * 3, "year": [2019, 2020, 2021],
    ...                        "income": [100.0, 115.0, 130.0]})
    >>> targets = pd.DataFrame({"institution": ["a"], "indicator": ["income"],
    ...                         "baseline_year": [2019], "baseline": [100.0],
    ...                         "target_2021": [140.0], "target_2023": [160.0]})
    >>> completion(actual, targets, at=2021)[
    ...     ["completion_ratio", "progress_share", "pace_needed", "projected_final", "status"]]
       completion_ratio  progress_share  pace_needed  projected_final      status
    0          0.928571            0.75         15.0            160.0  attainable
    """
    check_frame(targets, name="targets")
    check_frame(data, name="data")
    check_columns(data, [entity], name="data", what="entity column")
    check_columns(data, [period], name="data", what="period column")
    like = pd.Index(pd.unique(data[period].dropna()))
    tasks, goals = _read_targets(targets, entity, period, like)
    inds = _check_known(tasks, data, entity, period)
    if indicators is not None:
        tasks, goals, inds = _restrict(tasks, goals, inds, as_list(indicators, name="indicators"))
    frame, _ = checked_panel(data, inds, entity, period, name="data")
    check_periods(frame, [at], period=period, name="data")
    dirs, kinds = _metadata(metadata, direction, kind, inds)
    projection = _resolve_projection(projection, inds)
    acceleration = _check_acceleration(acceleration)
    final = _check_final(end, at, sorted(goals), period)
    return _complete(frame, tasks, goals, inds, dirs, kinds, at, final, entity, period, projection,
                     acceleration, like)


def _restrict(tasks: pd.DataFrame, goals: dict, inds: list[str],
              chosen: list[str]) -> tuple[pd.DataFrame, dict, list[str]]:
    absent = [i for i in chosen if i not in inds]
    if absent:
        raise BenchmarkError(f"`indicators` names {format_list(absent)}, which have no targets.")
    keep = tasks["indicator"].isin(chosen).to_numpy()
    goals = {when: g[keep] for when, g in goals.items()}
    return tasks.loc[keep].reset_index(drop=True), goals, [i for i in inds if i in chosen]


def _check_acceleration(value: Any) -> float:
    try:
        factor = float(value)
    except (TypeError, ValueError):
        factor = float("nan")
    if not (np.isfinite(factor) and factor > 0):
        raise BenchmarkError(f"`acceleration` must be a positive number (1 = keep the pace); got {value!r}.")
    return factor


def _resolve_projection(projection: Any, inds: list[str]) -> dict[str, str]:
    if isinstance(projection, str):
        check_choice(projection, PROJECTIONS, name="projection")
        return dict.fromkeys(inds, projection)
    if not isinstance(projection, Mapping):
        raise BenchmarkError(
            f"`projection` must be one of {', '.join(map(repr, PROJECTIONS))} or a mapping "
            f"{{indicator: method}}; got {type(projection).__name__}."
        )
    unknown = [k for k in projection if k not in inds]
    if unknown:
        raise BenchmarkError(f"`projection` names {format_list(unknown)}, which have no targets.")
    for method in projection.values():
        check_choice(method, PROJECTIONS, name="projection")
    return {i: projection.get(i, "linear") for i in inds}


def _check_final(final: Any, at: Any, target_periods: list[Any], period: str) -> Any:
    if final is None:
        final = target_periods[-1]
    elif final not in target_periods:
        raise BenchmarkError(
            f"`end` {period} {final!r} has no targets; target periods are {format_list(target_periods)}."
        )
    if final < at:
        raise BenchmarkError(
            f"`at` ({period} {at!r}) is after the final target period {final!r}; evaluate at or "
            "before the final period, or pass a later `end`."
        )
    return final


def _complete(frame: pd.DataFrame, tasks: pd.DataFrame, goals: dict, inds: list[str], dirs: dict,
              kinds: dict, at: Any, final: Any, entity: str, period: str, projection: dict,
              acceleration: float, like: pd.Index) -> pd.DataFrame:
    base_col = f"baseline_{period}"
    missing = np.full(len(tasks), np.nan)
    t_at, t_final = goals.get(at, missing), goals.get(final, missing)
    grid = panel_grid(frame, inds, entity, period)
    series = grid.values[grid.entities.get_indexer(tasks[entity]), :,
                         pd.Index(inds).get_indexer(tasks["indicator"])]  # (tasks, periods)
    pos = _position_map(like, [*goals, *pd.unique(tasks[base_col].dropna())])
    x = pos(grid.periods.to_numpy())
    x_at, x_final = pos([at])[0], pos([final])[0]
    at_code = grid.periods.get_loc(at)
    direction = tasks["indicator"].map(dirs).astype("str")
    sign = np.where(direction.to_numpy() == "higher", 1.0, -1.0)
    kind = tasks["indicator"].map(kinds).to_numpy(dtype=object)
    reasons, verdict = Reasons(len(tasks)), Reasons(len(tasks))

    t0, base = _baselines(tasks, series, x, at_code, base_col, pos, reasons)
    observed = ~np.isnan(series)
    window = (x[None, :] > t0[:, None]) & (x[None, :] <= x_at)
    summed = kind == "accumulated"
    actual, start = _actual_values(series, observed, window, at_code, base, summed, reasons)
    span, left = x_at - t0, x_final - x_at
    with np.errstate(divide="ignore", invalid="ignore"):
        pace = np.where(span > 0, (actual - start) / span, np.nan)
        needed = np.where(left > 0, (t_final - actual) / left, np.nan)
        share = np.where(t_at != start, (actual - start) / (t_at - start), np.nan)
    reasons.add((kind == "cumulative") & (pace < 0),
                "cumulative total fell since the baseline: check the data; projection held at the total")
    how = tasks["indicator"].map(projection).to_numpy(dtype=object)
    projected = _project(how, actual, pace, span, left, series, window & observed, x, t0, base,
                         summed, kind == "cumulative", x_at, reasons, acceleration)
    projected = np.where(left == 0, actual, projected)
    pace_ratio = _pace_ratio(needed, pace, sign, reasons)

    tol = 1e-9 * np.fmax(np.abs(actual), np.abs(np.where(np.isnan(t_at), t_final, t_at)))
    reaches_final = sign * (projected - t_final) >= -tol
    last_seen, seen_after = _last_seen(observed, at_code)
    facts = {
        "actual": actual, "t_at": t_at, "t_final": t_final, "t0": t0, "x_at": x_at, "x_final": x_final,
        "reaches_at": sign * (actual - t_at) >= -tol, "reaches_final_now": sign * (actual - t_final) >= -tol,
        "reaches_final": reaches_final, "never": ~observed.any(axis=1), "seen_after": seen_after,
        "last_seen": last_seen, "no_base": (np.isnan(base) & ~summed) | np.isnan(t0),
        "last_label": grid.periods.astype(str).to_numpy(dtype=object)[np.maximum(last_seen, 0)],
    }
    status = _status(facts, period, at, final, verdict)
    ratio = _ratio(actual, t_at, sign, reasons)
    reasons.add(~np.isnan(actual) & (t_at == start), "target equals baseline: progress share undefined")
    reasons.add(~np.isnan(actual) & ~np.isnan(t_final) & (left == 0),
                "evaluation at the final period: no pace needed")

    out = tasks[[entity, "indicator"]].astype({"indicator": "str"})
    return out.assign(**{
        "direction": direction, "kind": pd.Series(kind, dtype="str"),
        base_col: _baseline_labels(tasks[base_col], t0, grid.periods, x), "baseline": base,
        period: at, "target": t_at, "actual": actual, "completion_ratio": ratio,
        "progress_share": share, f"final_{period}": final, "final_target": t_final,
        "pace_needed": needed, "pace_achieved": pace, "pace_ratio": pace_ratio,
        "projected_final": projected,
        "reaches_final": pd.array(np.where(np.isnan(projected) | np.isnan(t_final), None, reaches_final),
                                  dtype="boolean"),
        "status": pd.Series(status, dtype="str"),
        "reason": verdict.then(reasons).series(),  # the status's own reason first
    })


def _actual_values(series: np.ndarray, observed: np.ndarray, window: np.ndarray, at_code: int,
                   base: np.ndarray, summed: np.ndarray, reasons: Reasons) -> tuple[np.ndarray, np.ndarray]:
    """The value judged at ``at`` and the start of the planned move, per task.

    Accumulated totals sum the amounts after the baseline period and start from zero.
    """
    value_at = series[:, at_code]
    total = np.where(np.isnan(value_at), np.nan, np.nansum(np.where(window, series, 0.0), axis=1))
    reasons.add(summed & (window & ~observed).any(axis=1) & ~np.isnan(value_at),
                "amounts missing for some periods: total is a lower bound")
    return np.where(summed, total, value_at), np.where(summed, 0.0, base)


def _baselines(tasks: pd.DataFrame, series: np.ndarray, x: np.ndarray, at_code: int, base_col: str,
               pos: Callable, reasons: Reasons) -> tuple[np.ndarray, np.ndarray]:
    """Baseline position and value per task, falling back on ``actual`` where the table is silent."""
    t0 = pos(tasks[base_col].to_numpy())
    base = tasks["baseline"].to_numpy(dtype=float)
    observed = ~np.isnan(series[:, : at_code + 1])
    first = np.where(observed.any(axis=1), observed.argmax(axis=1), -1)
    no_t0 = np.isnan(t0)
    t0 = np.where(no_t0 & (first >= 0), x[np.maximum(first, 0)], t0)
    reasons.add(no_t0 & (first >= 0), "baseline period taken from the first reported period")
    code = np.searchsorted(x, t0)
    in_data = (code < len(x)) & (x[np.minimum(code, len(x) - 1)] == t0)
    from_data = series[np.arange(len(t0)), np.minimum(code, len(x) - 1)]
    fill = np.isnan(base) & in_data & ~np.isnan(from_data)
    base = np.where(fill, from_data, base)
    reasons.add(fill & ~no_t0, "baseline value taken from the data")
    return t0, base


def _baseline_labels(given: pd.Series, t0: np.ndarray, periods: pd.Index, x: np.ndarray) -> pd.Series:
    """The baseline period of every task, with periods inferred from the data filled in."""
    given = given.reset_index(drop=True)
    code = np.searchsorted(x, t0)
    inferred = given.isna().to_numpy() & (code < len(x))
    out = given.astype(object)
    out[inferred] = periods.to_numpy(dtype=object)[code[inferred]]
    if pd.api.types.is_integer_dtype(periods):
        return out.astype("Int64")
    return out.infer_objects()


def _last_seen(observed: np.ndarray, at_code: int) -> tuple[np.ndarray, np.ndarray]:
    upto = observed[:, : at_code + 1]
    n = upto.shape[1]
    last = np.where(upto.any(axis=1), n - 1 - upto[:, ::-1].argmax(axis=1), -1)
    return last, observed[:, at_code + 1:].any(axis=1)


def _project(how: np.ndarray, actual: np.ndarray, pace: np.ndarray, span: np.ndarray, left: float,
             series: np.ndarray, points: np.ndarray, x: np.ndarray, t0: np.ndarray, base: np.ndarray,
             summed: np.ndarray, cumulative: np.ndarray, x_at: float, reasons: Reasons,
             acceleration: float = 1.0) -> np.ndarray:
    """Value expected at the final period, by each task's projection method."""
    projected = actual + pace * left
    usable = ~np.isnan(projected)
    compound = how == "compound"
    if compound.any():
        ok = ~summed & (base > 0) & (actual > 0) & (span > 0)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            grown = actual * (actual / base) ** (left / span)
        projected = np.where(compound & ok, grown, projected)
        reasons.add(compound & ~ok & usable,
                    "compound projection needs positive baseline and actual levels: linear pace used")
    trend = how == "trend"
    if trend.any():
        fitted = _trend_projection(actual, left, series, points, x, t0, base, summed, x_at)
        projected = np.where(trend & ~np.isnan(fitted), fitted, projected)
        reasons.add(trend & np.isnan(fitted) & usable, "fewer than two points for a trend: linear pace used")
    projected = actual + acceleration * (projected - actual)
    # a running total cannot fall (an undefined projection stays undefined)
    return np.where(cumulative & ~np.isnan(projected), np.fmax(projected, actual), projected)


def _pace_ratio(needed: np.ndarray, pace: np.ndarray, sign: np.ndarray, reasons: Reasons) -> np.ndarray:
    good_needed, good_pace = sign * needed, sign * pace
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(good_needed <= 0, 0.0, np.where(good_pace > 0, needed / pace, np.nan))
    reasons.add((good_needed > 0) & (good_pace <= 0),
                "no progress towards the target since the baseline: pace ratio undefined")
    return np.where(np.isnan(needed) | np.isnan(pace), np.nan, ratio)


def _trend_projection(actual: np.ndarray, left: float, series: np.ndarray, points: np.ndarray,
                      x: np.ndarray, t0: np.ndarray, base: np.ndarray, summed: np.ndarray,
                      x_at: float) -> np.ndarray:
    """OLS line through the observed points after the baseline and, for levels, the baseline.

    Accumulated totals add the fitted per-period amounts of the periods left
    (``left`` periods of one unit each), i.e. ``left`` times the line at their midpoint.
    """
    r, p = np.nonzero(points)
    rb = np.nonzero(~summed & ~np.isnan(base) & ~np.isnan(t0))[0]
    fit = ols_by_group(np.concatenate([r, rb]), np.concatenate([x[p], t0[rb]]),
                        np.concatenate([series[r, p], base[rb]]), len(actual))
    level = fit["intercept"] + fit["slope"] * (x_at + left)
    total = actual + left * (fit["intercept"] + fit["slope"] * (x_at + (left + 1) / 2.0))
    return np.where(summed, total, level)


def _ratio(actual: np.ndarray, target: np.ndarray, sign: np.ndarray, reasons: Reasons) -> np.ndarray:
    both = ~np.isnan(actual) & ~np.isnan(target)
    higher = sign > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(higher, actual / target, target / actual)
    ok = np.where(higher, (target > 0) & (actual >= 0), (actual > 0) & (target >= 0))
    reasons.add(both & ~ok & higher, "target is not positive: completion ratio undefined")
    reasons.add(both & ~ok & ~higher & (actual == 0),
                "actual is zero: completion ratio undefined for a lower-is-better indicator")
    reasons.add(both & ~ok & ~higher & (actual != 0), "negative value: completion ratio undefined")
    return np.where(both & ok, ratio, np.nan)


def _status(f: dict[str, Any], period: str, at: Any, final: Any, reasons: Reasons) -> np.ndarray:
    """Status per task: the first rule that applies decides and gives its reason."""
    missing = np.isnan(f["actual"])
    no_target = np.isnan(f["t_at"]) & np.isnan(f["t_final"])
    done = np.where(np.isnan(f["t_at"]), f["reaches_final_now"], f["reaches_at"])
    rules: list[tuple[Any, str, Any]] = [
        (no_target, "no_data", f"no target for {period} {at} or {final}"),
        (f["never"], "no_data", "indicator never reported"),
        (missing & f["seen_after"], "no_data", f"no value for {period} {at} (reported later)"),
        (missing & (f["last_seen"] >= 0), "unattainable",
         "discontinued: last reported in " + f["last_label"]),
        (~missing & done, "completed", None),
        (f["x_at"] >= f["x_final"], "unattainable",
         f"{period} {at} is the final period and the target is not met"),
        (np.isnan(f["t_final"]), "no_data", "no final target: attainability not judged"),
        (f["no_base"], "no_data", "no baseline value: pace cannot be computed"),
        (f["t0"] >= f["x_at"], "no_data", f"baseline is not before {period} {at}: no pace to project"),
        (f["reaches_final"], "attainable", None),
        (True, "unattainable", "projection falls short of the final target"),
    ]
    hits = np.stack(np.broadcast_arrays(*[rule[0] for rule in rules]))
    first = hits.argmax(axis=0)
    for k, (_, _, message) in enumerate(rules):
        if message is not None:
            reasons.add(first == k, message)
    reasons.add(np.isnan(f["t_at"]) & ~no_target & ~missing,
                f"no target for {period} {at}: judged against the final target")
    return np.array([rule[1] for rule in rules], dtype=object)[first]


# -------------------------------------------------------- completion_summary
@validate_params("entity")
def completion_summary(
    data: pd.DataFrame,
    by: str | Sequence[str] | None = None,
    *,
    entity: str = "institution",
    weights: Mapping[str, float] | pd.Series | str | None = None,
    metadata: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Shares of completed / attainable / unattainable tasks and the completion rate, per group.

    Parameters
    ----------
    data : DataFrame
        The task table: output of :func:`completion` (columns ``indicator``, ``status`` and,
        for the weighted rate, ``completion_ratio``).
    by : str or list of str, optional
        Grouping columns; default the entity column. A column absent from the
        table but present in ``metadata`` (e.g. ``"pillar"``) is joined on
        ``indicator``. ``by=[]`` summarises the whole table.
    entity : str
        Name of the entity column (used for the default ``by``).
    weights : mapping, Series, str or None
        Task weights per indicator: a mapping or Series indexed by indicator,
        or the name of a column of the table or of ``metadata``. Default:
        every task counts once.
    metadata : DataFrame, optional
        The indicator table (column ``indicator`` plus grouping or weight columns).

    Returns
    -------
    DataFrame
        One row per group: ``n_tasks``, ``n_<status>`` and ``share_<status>``
        for the four statuses, ``completion_rate`` (weighted share of
        completed tasks; no_data tasks count as not completed) and
        ``mean_ratio`` (weighted mean completion ratio, each capped at 1, over
        tasks that have one).

    See Also
    --------
    completion : the per-task table it summarises.
    grade : grade bands from the completion rates.

    Examples
    --------
    >>> table = pd.DataFrame({"institution": ["a", "a", "a", "b"],
    ...                       "indicator": ["x", "y", "z", "x"],
    ...                       "status": ["completed", "attainable", "completed", "unattainable"],
    ...                       "completion_ratio": [1.2, 0.9, 1.0, 0.5]})
    >>> completion_summary(table)[["institution", "n_tasks", "share_completed", "completion_rate"]]
      institution  n_tasks  share_completed  completion_rate
    0           a        3         0.666667         0.666667
    1           b        1         0.000000         0.000000
    """
    table = check_frame(data, name="data")
    check_columns(table, ["indicator", "status"], name="data")
    bad = sorted(set(table["status"].dropna()) - set(STATUSES), key=str)
    if bad or table["status"].isna().any():
        raise BenchmarkError(
            f"`data` column 'status' has values {format_list(bad or [None])}; expected "
            f"{', '.join(STATUSES)} (pass the output of completion())."
        )
    keys = [entity, "indicator"] if entity in table.columns else ["indicator"]
    check_missing(table, keys, keys=keys, name="data", hint="every task needs its keys")
    if table.duplicated(subset=keys).any():
        check_unique_keys(table, keys, name="data (one row per task; pass one evaluation "
                          "period's completion() output)")
    if "completion_ratio" in table.columns:
        check_numeric(table, ["completion_ratio"], name="data")
        check_finite(table, ["completion_ratio"], keys=keys, name="data")
    groups = [entity] if by is None else as_list(by, name="by", allow_empty=True)
    table = _join_metadata(table, [*groups, *([weights] if isinstance(weights, str) else [])], metadata)
    w = _task_weights(table, weights)
    work = pd.DataFrame({"__w": w})
    for status in STATUSES:
        work[f"n_{status}"] = (table["status"] == status).to_numpy().astype(int)
    if "completion_ratio" in table.columns:
        ratio = table["completion_ratio"].to_numpy(dtype=float, na_value=np.nan)
    else:
        ratio = np.full(len(table), np.nan)
    capped = np.minimum(ratio, 1.0)
    has = ~np.isnan(capped)
    work["__wc"] = w * work["n_completed"]
    work["__wr"] = np.where(has, w * capped, 0.0)
    work["__wh"] = np.where(has, w, 0.0)
    for g in groups:
        work[g] = table[g].to_numpy()
    agg = work.groupby(groups, sort=False, dropna=False).sum() if groups else work.sum().to_frame().T
    out = pd.DataFrame(index=agg.index)
    out["n_tasks"] = agg[[f"n_{s}" for s in STATUSES]].sum(axis=1).astype(int)
    for status in STATUSES:
        out[f"n_{status}"] = agg[f"n_{status}"].astype(int)
    for status in STATUSES:
        out[f"share_{status}"] = agg[f"n_{status}"] / out["n_tasks"]
    with np.errstate(divide="ignore", invalid="ignore"):
        out["completion_rate"] = agg["__wc"] / agg["__w"]
        out["mean_ratio"] = agg["__wr"] / agg["__wh"]
    return out.reset_index(drop=not groups)


def _join_metadata(table: pd.DataFrame, columns: list[str], metadata: pd.DataFrame | None) -> pd.DataFrame:
    absent = [c for c in columns if c not in table.columns]
    if not absent:
        return table
    if metadata is None:
        check_columns(table, absent, name="data")
    check_frame(metadata, name="metadata")
    check_columns(metadata, ["indicator", *absent], name="metadata")
    check_unique_keys(metadata, ["indicator"], name="metadata")
    meta = metadata[["indicator", *absent]]
    unknown = sorted(set(table["indicator"]) - set(meta["indicator"]), key=str)
    if unknown:
        raise BenchmarkError(f"indicator metadata has no row for {format_list(unknown)}; add them.")
    return table.merge(meta, on="indicator", how="left", validate="many_to_one")


def _task_weights(table: pd.DataFrame, weights: Any) -> np.ndarray:
    if weights is None:
        return np.ones(len(table))
    if isinstance(weights, str):
        check_numeric(table, [weights], name="data")
        w = table[weights].to_numpy(dtype=float, na_value=np.nan)
        where = f"column {weights!r}"
    else:
        if not isinstance(weights, (Mapping, pd.Series)):
            raise BenchmarkError(
                "`weights` must be None, a mapping {indicator: weight}, a Series indexed by "
                f"indicator or a column name; got {type(weights).__name__}."
            )
        series = pd.Series(weights, dtype=float)
        absent = sorted(set(table["indicator"]) - set(series.index), key=str)
        if absent:
            raise BenchmarkError(f"`weights` has no weight for indicator(s) {format_list(absent)}.")
        w = table["indicator"].map(series).to_numpy(dtype=float)
        where = "`weights`"
    if np.isnan(w).any() or np.isinf(w).any() or (w < 0).any():
        raise BenchmarkError(f"{where} must hold finite, non-negative weights for every task.")
    return w


# --------------------------------------------------------------------- grade
@validate_params("entity")
def grade(
    data: pd.Series | pd.DataFrame,
    *,
    bands: Sequence[float] = DEFAULT_BANDS,
    labels: Sequence[str] | None = None,
    lang: str | None = None,
    veto: Any = None,
    score: str = "score",
    entity: str = "institution",
) -> pd.DataFrame:
    """Turn scores into grade bands, with an optional veto.

    Parameters
    ----------
    data : Series or DataFrame
        The scores: a Series indexed by entity, or a DataFrame with an entity
        column and a ``score`` column.
    bands : sequence of float
        Lower bounds of every grade but the last, best first. Default
        ``(90, 80, 60)``: excellent >= 90, good 80-90, pass 60-80, fail < 60
        (the Double High-Level evaluation scheme). A score equal to a bound
        gets the better grade.
    labels : sequence of str, optional
        Grade names, best first (one more than ``bands`` has bounds).
        Default: the preset of ``lang``.
    lang : {"en", "zh"}, optional
        Language of the preset grade names: ``"en"`` gives excellent / good /
        pass / fail, ``"zh"`` gives 优 / 良 / 中 / 差 (default ``"en"``).
    veto : None, bool Series, mapping, column name or callable
        Entities to fail regardless of score: a boolean Series or mapping
        indexed by entity (every graded entity needs a value), the name of a
        boolean column of ``data``, or a function of the scores table
        returning a boolean mask. E.g. ``summary.set_index("institution")
        ["completion_rate"] < 0.8``.
    score, entity : str
        Score and entity column names of a DataFrame input.

    Returns
    -------
    DataFrame
        The scores with ``grade`` (ordered categorical, worst < best),
        ``vetoed`` and ``reason``.

    See Also
    --------
    completion : completion rates to grade.
    completion_summary : completion rates per entity or group.
    benchmark.performance_groups : grades from the distance to the cohort median.

    Examples
    --------
    >>> s = pd.Series([95.0, 85.0, 60.0, 59.5], index=pd.Index(list("abcd"), name="institution"))
    >>> grade(s, lang="zh")
      institution  score grade  vetoed reason
    0           a   95.0     优   False    NaN
    1           b   85.0     良   False    NaN
    2           c   60.0     中   False    NaN
    3           d   59.5     差   False    NaN
    """
    table = _score_table(data, score, entity)
    names = _grade_labels(labels, lang, bands)
    bounds = _grade_bounds(bands)
    values = table[score].to_numpy(dtype=float, na_value=np.nan)
    k = (bounds[None, :] > values[:, None]).sum(axis=1)
    vetoed = _veto_mask(veto, table, entity)
    k = np.where(vetoed, len(names) - 1, k)
    has = ~np.isnan(values) | vetoed
    codes = np.where(has, len(names) - 1 - k, -1)
    table["grade"] = pd.Categorical.from_codes(codes, categories=list(names)[::-1], ordered=True)
    table["vetoed"] = vetoed
    reasons = Reasons(len(table))
    reasons.add(vetoed, "veto")
    reasons.add(~has, "no score")
    table["reason"] = reasons.series().to_numpy()
    return table


def _score_table(scores: Any, score: str, entity: str) -> pd.DataFrame:
    if isinstance(scores, pd.Series):
        name = scores.index.name or entity
        table = pd.DataFrame({name: scores.index.to_numpy(), score: scores.to_numpy()})
    else:
        table = check_frame(scores, name="data").copy()
        check_columns(table, [score], name="data", what="score column")
        table = table.reset_index(drop=True)
    check_frame(table, name="data")
    keys = [entity] if entity in table.columns else []
    check_missing(table, keys, keys=keys, name="data", hint="every score needs its entity")
    check_unique_keys(table, keys, name="data")
    check_numeric(table, [score], name="data")
    check_finite(table, [score], keys=keys, name="data")
    return table


def _grade_labels(labels: Any, lang: Any, bands: Sequence[float]) -> tuple[str, ...]:
    if isinstance(labels, str):
        hint = f" For the {labels!r} preset pass lang={labels!r}." if labels in LABEL_PRESETS else ""
        raise BenchmarkError(f"`labels` must be a sequence of grade names, best first; got {labels!r}.{hint}")
    if labels is None:
        names = LABEL_PRESETS[check_choice("en" if lang is None else lang, tuple(LABEL_PRESETS), name="lang")]
    else:
        names = tuple(labels)
    if len(names) != len(bands) + 1 or len(set(names)) != len(names):
        raise BenchmarkError(
            f"`labels` must give {len(bands) + 1} distinct names (one more than `bands` has bounds); "
            f"got {list(names)!r}."
        )
    return names


def _grade_bounds(bands: Sequence[float]) -> np.ndarray:
    try:
        bounds = np.asarray(bands, dtype=float)
    except (TypeError, ValueError):
        raise BenchmarkError(f"`bands` must be numbers, best grade's bound first; got {bands!r}.") from None
    if bounds.ndim != 1 or bounds.size == 0 or not np.isfinite(bounds).all() or (np.diff(bounds) >= 0).any():
        raise BenchmarkError(
            f"`bands` must be strictly decreasing finite lower bounds, best grade first "
            f"(e.g. (90, 80, 60)); got {list(np.ravel(bands))!r}."
        )
    return bounds


def _veto_mask(veto: Any, table: pd.DataFrame, entity: str) -> np.ndarray:
    n = len(table)
    if veto is None:
        return np.zeros(n, dtype=bool)
    if isinstance(veto, str):
        check_columns(table, [veto], name="scores", what="veto column")
        mask = table[veto]
    elif callable(veto):
        mask = pd.Series(np.asarray(veto(table)).ravel())
        if len(mask) != n:
            raise BenchmarkError(f"the `veto` function returned {len(mask)} values for {n} scores.")
    elif isinstance(veto, (Mapping, pd.Series)):
        mask = _veto_by_entity(pd.Series(veto), table, entity)
    else:
        raise BenchmarkError(
            "`veto` must be None, a boolean Series or mapping indexed by entity, a column name "
            f"or a function of the scores table; got {type(veto).__name__}."
        )
    if mask.isna().any():
        raise MissingValueError("`veto` has missing values; give True or False for every entity.")
    if not pd.api.types.is_bool_dtype(mask):
        raise BenchmarkError(f"`veto` must be boolean (True = fail); got dtype {mask.dtype}.")
    return mask.to_numpy(dtype=bool)


def _veto_by_entity(veto: pd.Series, table: pd.DataFrame, entity: str) -> pd.Series:
    key = table.columns[0] if entity not in table.columns else entity
    unknown = sorted(set(veto.index) - set(table[key]), key=str)
    if unknown:
        raise UnknownEntityError(f"`veto` names {key}(s) {format_list(unknown)} that have no score.")
    absent = sorted(set(table[key]) - set(veto.index), key=str)
    if absent:
        raise BenchmarkError(f"`veto` has no value for {key}(s) {format_list(absent)}; give True or False.")
    return veto.reindex(table[key]).reset_index(drop=True)
