"""What outcomes cost: cost per outcome, cost allocation, relative cost, quadrants.

The simple ratios that budget offices report, made comparable:

- :func:`cost_per_outcome` - cost per unit of each outcome, optionally in
  constant (base-period) money;
- :func:`allocate_costs` - the Delta Cost Project "education and related"
  allocation of shared support costs to the functions that use them;
- :func:`relative_cost` - a cost as an index to the median of the entity's
  cohort (median = 100), the entity itself left out of its own median;
- :func:`cost_outcome_quadrant` - "more for less", "more for more", "less for
  less" or "less for more" against the cohort medians.

Methods, formulas and pitfalls are described in ``docs/costs.md``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from benchmark._cohorts import cohort_labels
from benchmark._validation import (
    BenchmarkError,
    ColumnError,
    MissingValueError,
    NonPositiveError,
    as_list,
    check_choice,
    check_columns,
    check_frame,
    check_missing,
    check_panel,
    check_positive,
    check_unique_keys,
    format_list,
    missing_options,
    resolve_direction,
    row_labels,
    validate_params,
)

__all__ = ["cost_per_outcome", "allocate_costs", "relative_cost", "cost_outcome_quadrant"]

#: Labels of :func:`cost_outcome_quadrant`, keyed by (better outcome, lower cost).
QUADRANTS = {
    (True, True): "more for less",
    (True, False): "more for more",
    (False, True): "less for less",
    (False, False): "less for more",
}


# ---------------------------------------------------------------- helpers
def _keys(frame: pd.DataFrame, entity: str, period: str | None) -> list[str]:
    return [entity] + ([period] if period is not None and period in frame.columns else [])


def _join_reasons(*parts: np.ndarray) -> np.ndarray:
    """Element-wise "a; b" of several object arrays holding reasons or None."""
    out = np.full(len(parts[0]), None, dtype=object)
    for part in parts:
        has = pd.notna(part)
        both = has & pd.notna(out)
        out = np.where(both, out.astype(str) + "; " + part.astype(str), np.where(has, part, out))
    return out


def _reason_column(values: np.ndarray) -> pd.Series:
    return pd.Series(values, dtype=object).where(pd.notna(values), None)


def _check_deflator(
    deflator: Any, periods: np.ndarray, base_period: Any, period: str
) -> tuple[pd.Series, Any]:
    """Validate a price index and return it with the resolved base period."""
    if isinstance(deflator, Mapping) and not isinstance(deflator, pd.Series):
        deflator = pd.Series(dict(deflator))
    if not isinstance(deflator, pd.Series):
        raise BenchmarkError(
            "`deflator` must be a pandas Series of price-index values indexed by "
            f"{period}, e.g. pd.Series({{2019: 100.0, 2020: 102.1}}); got {type(deflator).__name__}."
        )
    if deflator.index.has_duplicates:
        dupes = deflator.index[deflator.index.duplicated()].unique().tolist()
        raise BenchmarkError(f"`deflator` lists {period} {format_list(dupes)} more than once; keep one value each.")
    values = pd.to_numeric(deflator, errors="coerce")
    bad = deflator.index[~np.isfinite(values.to_numpy(dtype=float, na_value=np.nan))].tolist()
    if bad:
        raise MissingValueError(
            f"`deflator` has missing or non-numeric values for {period} {format_list(bad)}; "
            "give a finite price index for every period."
        )
    nonpos = deflator.index[values.to_numpy(dtype=float) <= 0].tolist()
    if nonpos:
        raise NonPositiveError(
            f"`deflator` is zero or negative for {period} {format_list(nonpos)}; a price index must be positive."
        )
    absent = [p for p in pd.unique(periods) if p not in values.index]
    if absent:
        raise BenchmarkError(
            f"`deflator` has no value for {period} {format_list(sorted(absent))}, which occur in the data; "
            "extend the price index to cover every period."
        )
    if base_period is None:
        base_period = max(pd.unique(periods))
    elif base_period not in values.index:
        raise BenchmarkError(
            f"`at` (the base period) {base_period!r} is not in the deflator's index "
            f"({format_list(list(values.index), 10)}); pick a period the price index covers."
        )
    return values.astype(float), base_period


# ---------------------------------------------------------------- cost per outcome
@validate_params("entity", "period", missing=missing_options("raise", "allow"))
def cost_per_outcome(
    data: pd.DataFrame,
    cost: str,
    outcomes: str | Iterable[str],
    *,
    deflator: pd.Series | Mapping[Any, float] | None = None,
    at: Any = None,
    entity: str = "institution",
    period: str = "year",
    layout: str = "long",
    missing: str = "raise",
    attributes: str | Iterable[str] = (),
) -> pd.DataFrame:
    """Cost per unit of each outcome, per entity and period.

    Parameters
    ----------
    data : DataFrame
        A panel or cross-section with one row per (entity, period).
    cost : str
        Column holding the cost (spending, funding) of each row.
    outcomes : str or list of str
        Outcome column(s), e.g. completions, placed graduates, service income.
    deflator : Series or mapping, optional
        Price index indexed by period (e.g. CPI, HEPI). Costs are converted to
        base-period money: ``cost * index[at] / index[period]``.
        Every period of ``data`` must be covered and the index must be positive.
    at : optional
        The period whose money the costs are expressed in; default the latest
        period of ``data``. Only used with ``deflator``.
    entity, period : str
        Entity and period columns (the period may be absent without a deflator).
    layout : {"long", "wide"}
        ``"long"`` (default): one row per (entity, period, outcome) with columns
        ``entity, period, outcome, cost, outcome_value, cost_per_outcome, reason``
        (plus ``nominal_cost`` and ``price_index`` when deflated). ``"wide"``:
        one row per (entity, period) with ``cost`` and one ``cost_per_<outcome>``
        column per outcome; ``reason`` lists the outcomes without a ratio.
    missing : {"raise", "allow"}
        ``"allow"`` turns missing costs or outcomes into NaN ratios with a reason.
    attributes : str or list of str
        Columns carried into the result after the keys (e.g. ``"tier"``, so
        that :func:`relative_cost` can use it as ``cohort=``).

    Returns
    -------
    DataFrame
        A zero outcome gives a NaN ratio with reason ``"zero outcome"`` (never inf).

    Raises
    ------
    NonPositiveError
        Negative costs or outcomes, or a non-positive price index.
    BenchmarkError
        A deflator that misses a period, an unknown base period, or ``cost``
        also listed among the outcomes.

    See Also
    --------
    relative_cost : the same cost as an index to the cohort median.
    cost_outcome_quadrant : cost against outcome in four quadrants.
    allocate_costs : attribute shared costs to functions first.
    benchmark.dea : efficiency with several inputs and outputs.

    Examples
    --------
    >>> df = pd.DataFrame({"institution": ["a", "b"], "year": [2023, 2023],
    ...                    "spend": [100.0, 90.0], "graduates": [20, 0]})
    >>> out = cost_per_outcome(df, "spend", "graduates")
    >>> out[["institution", "outcome", "cost_per_outcome", "reason"]]
      institution    outcome  cost_per_outcome        reason
    0           a  graduates               5.0          None
    1           b  graduates               NaN  zero outcome
    """
    outs = as_list(outcomes, name="outcomes")
    if cost in outs:
        raise ColumnError(f"{cost!r} is the cost column and cannot also be an outcome; remove it from `outcomes`.")
    check_choice(layout, ("long", "wide"), name="layout")
    if at is not None and deflator is None:
        raise BenchmarkError("`at` (the base period of the prices) was given without a `deflator`; pass the price index as deflator=.")
    attrs = as_list(attributes, name="attributes", allow_empty=True)
    frame, _ = check_panel(data, [cost, *outs], entity=entity, period=period, attributes=attrs,
                           require_period=deflator is not None, missing=missing)
    keys = _keys(frame, entity, period)
    check_positive(frame, [cost, *outs], keys=keys, strict=False, why="a cost per outcome")
    carried = keys + [a for a in attrs if a not in keys]

    nominal = frame[cost].to_numpy(dtype=float, na_value=np.nan)
    real = nominal
    if deflator is not None:
        index, base = _check_deflator(deflator, frame[period].to_numpy(), at, period)
        price = index.reindex(frame[period]).to_numpy(dtype=float)
        real = nominal * index[base] / price
    values = frame[outs].to_numpy(dtype=float, na_value=np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = real[:, None] / values
    reason = np.where(np.isnan(real)[:, None], "missing cost",
                      np.where(np.isnan(values), "missing outcome",
                               np.where(values == 0, "zero outcome", None))).astype(object)
    ratio = np.where(pd.isna(reason), ratio, np.nan)

    if layout == "wide":
        out = frame[carried].reset_index(drop=True)
        out["cost"] = real
        if deflator is not None:
            out["nominal_cost"] = nominal
        for j, o in enumerate(outs):
            out[f"cost_per_{o}"] = ratio[:, j]
        labelled = np.where(pd.notna(reason), np.array(outs, dtype=object) + ": " + reason.astype(str), None)
        out["reason"] = _reason_column(_join_reasons(*labelled.T))
        return out

    n, k = values.shape
    rows = np.repeat(np.arange(n), k)
    out = frame[carried].iloc[rows].reset_index(drop=True)
    out["outcome"] = np.tile(np.array(outs, dtype=object), n)
    out["cost"] = real[rows]
    if deflator is not None:
        out["nominal_cost"] = nominal[rows]
        out["price_index"] = price[rows]
    out["outcome_value"] = values.ravel()
    out["cost_per_outcome"] = ratio.ravel()
    out["reason"] = _reason_column(reason.ravel())
    return out


# ---------------------------------------------------------------- allocation
@validate_params("entity", "period", missing=missing_options("raise", "allow"))
def allocate_costs(
    data: pd.DataFrame,
    direct: str | Iterable[str],
    shared: str | Iterable[str],
    other: str | Iterable[str] | None = None,
    *,
    entity: str = "institution",
    period: str = "year",
    name: str = "education_related",
    missing: str = "raise",
    attributes: str | Iterable[str] = (),
) -> pd.DataFrame:
    """Attribute shared support costs to direct functions in proportion to their spending.

    The Delta Cost Project's "education and related" (E&R) spending is
    instruction and student services plus the part of academic support,
    institutional support and operations & maintenance that their share of
    direct spending implies::

        D = sum(direct),  O = sum(other),  S = sum(shared)
        share = D / (D + O)
        E&R   = D + share * S

    Parameters
    ----------
    data : DataFrame
        One row per (entity, period) with spending by function.
    direct : str or list of str
        The functions whose full cost is wanted (e.g. ``["instruction",
        "student_services"]``).
    shared : str or list of str
        Shared (indirect) costs to allocate (e.g. ``["academic_support",
        "institutional_support", "operations_maintenance"]``).
    other : str or list of str, optional
        The other direct functions that also draw on the shared costs (e.g.
        ``["research", "public_service"]``). ``None`` or ``[]`` attributes all
        shared costs to ``direct`` (share = 1).
    entity, period : str
        Entity and period columns (the period may be absent).
    name : str
        Name of the output column with the fully allocated cost.
    missing : {"raise", "allow"}
        ``"allow"`` gives NaN (with a reason) for rows with missing spending.
    attributes : str or list of str
        Columns carried into the result after the keys (e.g. ``"sector"``).

    Returns
    -------
    DataFrame
        ``entity, period, direct_spending, other_spending, shared_spending,
        direct_share, allocated_shared, <name>``, one ``<shared>_allocated``
        column per shared cost, and ``reason`` (set when D + O = 0 or values
        are missing).

    See Also
    --------
    cost_per_outcome : costs per unit of outcome after the allocation.
    relative_cost : costs as an index to the cohort median.

    Notes
    -----
    Formula: Delta Cost Project, *Trends in College Spending 1999-2009*
    (Desrochers & Wellman, 2011, definitions p. 21); see ``docs/costs.md`` for
    its assumptions and pitfalls (support costs are assumed to follow direct
    spending, which misstates them at research-heavy institutions).

    Examples
    --------
    >>> df = pd.DataFrame({"institution": ["a"], "instruction": [60.0], "research": [40.0],
    ...                    "support": [50.0]})
    >>> allocate_costs(df, "instruction", "support", "research")[["direct_share", "education_related"]]
       direct_share  education_related
    0           0.6               90.0
    """
    direct_cols = as_list(direct, name="direct")
    shared_cols = as_list(shared, name="shared")
    other_cols = as_list(other, name="other", allow_empty=True)
    roles = {"direct": direct_cols, "shared": shared_cols, "other": other_cols}
    seen: dict[str, str] = {}
    for role, cols in roles.items():
        for c in cols:
            if c in seen:
                raise ColumnError(f"{c!r} is listed both in `{seen[c]}` and in `{role}`; give each column one role.")
            seen[c] = role
    columns = direct_cols + shared_cols + other_cols
    attrs = as_list(attributes, name="attributes", allow_empty=True)
    frame, _ = check_panel(data, columns, entity=entity, period=period, attributes=attrs,
                           require_period=False, missing=missing)
    keys = _keys(frame, entity, period)
    check_positive(frame, columns, keys=keys, strict=False, why="cost allocation")
    if name in keys:
        raise ColumnError(f"`name` {name!r} is a key column; choose another output name.")

    def total(cols: list[str]) -> np.ndarray:
        if not cols:
            return np.zeros(len(frame))
        return frame[cols].to_numpy(dtype=float, na_value=np.nan).sum(axis=1)

    d, o, s = total(direct_cols), total(other_cols), total(shared_cols)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = d / (d + o)
    has_nan = np.isnan(d) | np.isnan(o) | np.isnan(s)
    reason = np.where(has_nan, "missing spending",
                      np.where(d + o == 0, "no direct spending to allocate shared costs by", None))
    share = np.where(pd.isna(reason), share, np.nan)
    out = frame[keys + [a for a in attrs if a not in keys]].reset_index(drop=True)
    out["direct_spending"] = d
    out["other_spending"] = o
    out["shared_spending"] = s
    out["direct_share"] = share
    out["allocated_shared"] = share * s
    out[name] = d + share * s
    for c in shared_cols:
        out[f"{c}_allocated"] = share * frame[c].to_numpy(dtype=float, na_value=np.nan)
    out["reason"] = _reason_column(reason.astype(object))
    return out


# ---------------------------------------------------------------- cohort medians
def _loo_median(values: np.ndarray, groups: np.ndarray, member: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Median of each row's group, the row itself left out, and the number of values used.

    ``member`` marks the rows whose (non-missing) values make up their group's
    reference set. A member row is removed from its own median; other rows see
    the whole reference set. Removing one value from a sorted array shifts the
    positions above it by one, so every median is two array look-ups.
    """
    n = len(values)
    ref = np.flatnonzero(member & ~np.isnan(values))
    if n == 0 or len(ref) == 0:
        return np.full(n, np.nan), np.zeros(n, dtype=int)
    order = ref[np.lexsort((values[ref], groups[ref]))]
    sorted_values = values[order]
    n_groups = int(groups.max()) + 1
    counts = np.bincount(groups[order], minlength=n_groups)
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    rank = np.full(n, -1)
    rank[order] = np.arange(len(order)) - starts[groups[order]]
    own = rank >= 0
    size = counts[groups] - own
    start = starts[groups]

    def at(k: np.ndarray) -> np.ndarray:
        k = k + (own & (k >= rank))
        return sorted_values[np.clip(start + k, 0, len(order) - 1)]

    median = (at((size - 1) // 2) + at(size // 2)) / 2
    return np.where(size > 0, median, np.nan), size


def _cohort_groups(
    frame: pd.DataFrame, cohort: Any, entity: str, split: list[str]
) -> tuple[pd.Series, np.ndarray, np.ndarray]:
    """Cohort label, integer group code and reference-set membership of each row.

    A column (or ``None``) puts every row in its own group of the same label;
    a list of entities (or a nearest-peers table) is one reference set that
    every row is compared with.
    """
    labels = cohort_labels(frame, cohort, entity=entity)
    listed = cohort is not None and not isinstance(cohort, str)
    if listed:
        member = (labels == "cohort").to_numpy()
        labels = pd.Series("listed peers", index=frame.index, name="cohort")
    else:
        member = np.ones(len(frame), dtype=bool)
        if labels.isna().any():
            rows = row_labels(frame, labels.isna().to_numpy(), [entity, *split])
            raise MissingValueError(
                f"cohort column {cohort!r} is missing for {format_list(rows)}; fill it or drop those rows."
            )
    parts = [labels.reset_index(drop=True)] + [frame[c].reset_index(drop=True) for c in split]
    codes = pd.DataFrame({i: p for i, p in enumerate(parts)}).groupby(
        list(range(len(parts))), sort=False, dropna=False).ngroup().to_numpy()
    return labels.reset_index(drop=True), codes, member


def _gate(
    data: Any, columns: list[str], entity: str, period: str, by: list[str]
) -> tuple[pd.DataFrame, list[str]]:
    """Validation shared by the cohort functions: missing values allowed, keys unique."""
    frame = check_frame(data)
    check_columns(frame, [entity], what="entity column")
    check_columns(frame, by, what="`by` column")
    has_period = period is not None and period in frame.columns
    keys = [entity] + ([period] if has_period else []) + by
    clash = [c for c in columns if c in keys]
    if clash:
        raise ColumnError(f"{format_list(clash)} is a key column and cannot also be a value column.")
    frame, _ = check_panel(frame, columns, entity=None, period=None, missing="allow")
    check_missing(frame, keys, keys=keys)
    check_unique_keys(frame, keys)
    check_positive(frame, columns, keys=keys, strict=False, why="a cost comparison")
    return frame, keys


# ---------------------------------------------------------------- relative cost
@validate_params("entity", "period")
def relative_cost(
    data: pd.DataFrame,
    value: str | Iterable[str],
    *,
    cohort: Any = None,
    by: str | Iterable[str] | None = None,
    entity: str = "institution",
    period: str = "year",
) -> pd.DataFrame:
    """Each entity's cost as an index to its cohort median (median = 100).

    ``relative_cost = 100 * value / median(value of the cohort, entity excluded)``,
    computed within each period (and each ``by`` group). The entity is left out
    of its own median, as everywhere in ``benchmark``: an index of 120 means
    "20 % above what my peers spend", unaffected by the entity's own value.

    Parameters
    ----------
    data : DataFrame
        One row per (entity, period[, by]); e.g. the long output of
        :func:`cost_per_outcome` with ``by="outcome"``.
    value : str or list of str
        Cost column(s) to index. Missing values give NaN with a reason (and are
        left out of everyone's median); a ``reason`` column in ``data`` is
        carried into the message.
    cohort : None, column name, list of entities or nearest-peers table
        ``None``: all entities of the period; a column (e.g. ``"tier"``): the
        entities sharing the row's value; a list: those entities are the
        reference set for every row.
    by : str or list of str, optional
        Further columns that split the comparison (e.g. ``"outcome"``).
    entity, period : str
        Entity and period columns (the period may be absent).

    Returns
    -------
    DataFrame
        ``entity, period, by..., indicator, value, cohort, cohort_size,
        cohort_median, relative_cost, reason``. ``cohort_size`` counts the
        peers behind the median. No peers, or a zero median, give NaN with a
        reason.

    See Also
    --------
    cost_per_outcome : cost per unit of outcome.
    cost_outcome_quadrant : cost against outcome in four quadrants.

    Examples
    --------
    >>> df = pd.DataFrame({"institution": list("abcd"), "cost": [10.0, 20.0, 30.0, 40.0]})
    >>> relative_cost(df, "cost")[["institution", "cohort_median", "relative_cost"]]
      institution  cohort_median  relative_cost
    0           a           30.0      33.333333
    1           b           30.0      66.666667
    2           c           20.0     150.000000
    3           d           20.0     200.000000
    """
    values = as_list(value, name="value")
    split = as_list(by, name="by", allow_empty=True)
    frame, keys = _gate(data, values, entity, period, split)
    time = keys[1:len(keys) - len(split)]
    labels, codes, member = _cohort_groups(frame, cohort, entity, time + split)

    n, k = len(frame), len(values)
    x = frame[values].to_numpy(dtype=float, na_value=np.nan)
    groups = (codes[:, None] * k + np.arange(k)[None, :]).ravel()
    flat = x.ravel()
    median, size = _loo_median(flat, groups, np.repeat(member, k))
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        index = 100 * flat / median
    carried = frame["reason"].to_numpy(dtype=object) if "reason" in frame.columns else np.full(n, None)
    carried = np.repeat(carried, k)
    missing_reason = np.where(pd.notna(carried), "missing value (" + carried.astype(str) + ")", "missing value")
    reason = np.where(np.isnan(flat), missing_reason,
                      np.where(size == 0, "no peers in cohort",
                               np.where(median == 0, "cohort median is zero", None)))
    rows = np.repeat(np.arange(n), k)
    out = frame[keys].iloc[rows].reset_index(drop=True)
    out["indicator"] = np.tile(np.array(values, dtype=object), n)
    out["value"] = flat
    out["cohort"] = labels.iloc[rows].to_numpy()
    out["cohort_size"] = size
    out["cohort_median"] = median
    out["relative_cost"] = np.where(pd.isna(reason), index, np.nan)
    out["reason"] = _reason_column(reason.astype(object))
    return out


# ---------------------------------------------------------------- quadrants
@validate_params("entity", "period")
def cost_outcome_quadrant(
    data: pd.DataFrame,
    cost: str,
    outcome: str,
    *,
    cohort: Any = None,
    direction: str | Mapping[str, str] | pd.DataFrame | None = None,
    entity: str = "institution",
    period: str = "year",
) -> pd.DataFrame:
    """Label each entity by its cost and outcome against the cohort medians.

    ====================  ======================  ==================
    label                 outcome vs. median      cost vs. median
    ====================  ======================  ==================
    ``"more for less"``   better                  lower
    ``"more for more"``   better                  not lower
    ``"less for less"``   not better              lower
    ``"less for more"``   not better              not lower
    ====================  ======================  ==================

    Lower cost is always better. An entity exactly at a median gets no credit
    for it: it must beat the outcome median strictly to count as "more" and
    undercut the cost median strictly to count as "less" cost.

    Parameters
    ----------
    data : DataFrame
        One row per (entity, period).
    cost, outcome : str
        The cost column and the outcome column.
    cohort : None, column name, list of entities or nearest-peers table
        As in :func:`relative_cost`; medians leave the entity itself out and are
        computed within each period.
    direction : None, "higher", "lower", mapping or indicator metadata
        Direction of the outcome (default "higher is better").
    entity, period : str
        Entity and period columns (the period may be absent).

    Returns
    -------
    DataFrame
        ``entity, period, cohort, cost, outcome, cohort_size, cost_median,
        outcome_median, quadrant, reason``. Peers' medians use the rows that
        have both values; missing values or an empty cohort give no label and
        a reason. ``attrs["cost_indicator"]`` and ``attrs["outcome_indicator"]``
        name the columns of ``data`` behind ``cost`` and ``outcome``.

    See Also
    --------
    cost_per_outcome : cost per unit of each outcome.
    relative_cost : cost as an index to the cohort median.
    benchmark.dea : efficiency with several inputs and outputs at once.
    benchmark.plot_cost_outcome : the quadrant chart.

    Examples
    --------
    >>> df = pd.DataFrame({"institution": list("abcd"), "spend": [10.0, 20.0, 30.0, 40.0],
    ...                    "placed": [80.0, 50.0, 90.0, 60.0]})
    >>> cost_outcome_quadrant(df, "spend", "placed")[["institution", "quadrant"]]
      institution       quadrant
    0           a  more for less
    1           b  less for less
    2           c  more for more
    3           d  less for more
    """
    if cost == outcome:
        raise ColumnError(f"{cost!r} is given as both cost and outcome; name two different columns.")
    frame, keys = _gate(data, [cost, outcome], entity, period, [])
    # A bare word is resolved as a mapping so that an error names the outcome.
    spec = {outcome: direction} if isinstance(direction, str) else direction
    sense = resolve_direction(spec, [outcome])[outcome]
    labels, codes, member = _cohort_groups(frame, cohort, entity, keys[1:])
    c = frame[cost].to_numpy(dtype=float, na_value=np.nan)
    y = frame[outcome].to_numpy(dtype=float, na_value=np.nan)
    complete = ~np.isnan(c) & ~np.isnan(y)
    c_med, size = _loo_median(c, codes, member & complete)
    y_med, _ = _loo_median(y, codes, member & complete)
    better = y > y_med if sense == "higher" else y < y_med
    cheaper = c < c_med
    names = np.array([[QUADRANTS[(b, ch)] for ch in (False, True)] for b in (False, True)], dtype=object)
    label = names[better.astype(int), cheaper.astype(int)]
    reason = np.where(np.isnan(c), "missing cost",
                      np.where(np.isnan(y), "missing outcome",
                               np.where(size == 0, "no peers in cohort", None)))
    out = frame[keys].reset_index(drop=True)
    out["cohort"] = labels.to_numpy()
    out["cost"] = c
    out["outcome"] = y
    out["cohort_size"] = size
    out["cost_median"] = c_med
    out["outcome_median"] = y_med
    out["quadrant"] = pd.Series(np.where(pd.isna(reason), label, None), dtype=object)
    out["reason"] = _reason_column(reason.astype(object))
    # which indicators the generic cost/outcome columns hold, for the axis names of plot_cost_outcome
    out.attrs.update(cost_indicator=cost, outcome_indicator=outcome)
    return out
