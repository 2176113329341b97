"""Regional differences: Theil, Gini and Dagum decompositions, densities, Moran's I.

The methods of the "regional difference" chapter of an evaluation paper:
how unequal a score is across units (:func:`gini`, :func:`theil`), how much of
that inequality lies between regions and how much inside them (the Theil
between/within split, one or two levels deep, and :func:`dagum_gini`, Dagum's
decomposition into within-group, net between-group and transvariation parts),
how the whole distribution moves over the years (:func:`kernel_density`), and
whether neighbouring units resemble each other (:func:`morans_i`, with a
spatial weights matrix given by the user or built by :func:`contiguity_weights`
from the shipped contiguity table of China's 31 provincial units).

Every function works per period when the data have a period column, and
accepts an optional ``weight=`` column (population, enrolment...) that turns
the unit-level measures into population-weighted ones.

Formulas, conventions and citations are in ``docs/inequality.md``.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Hashable, Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from benchmark._numeric import column_scale
from benchmark._results import Result, headline_by
from benchmark._validation import (
    BenchmarkError,
    ColumnError,
    EmptyDataError,
    NonPositiveError,
    UnknownEntityError,
    as_float_columns,
    check_choice,
    check_column_name,
    check_columns,
    check_finite,
    check_frame,
    check_missing,
    check_numeric,
    check_positive,
    check_random_state,
    check_unique_keys,
    format_list,
    instance,
    interval,
    options,
    validate_params,
)

__all__ = [
    "DagumResult",
    "DensityResult",
    "MoranResult",
    "TheilResult",
    "contiguity_weights",
    "dagum_gini",
    "gini",
    "kernel_density",
    "morans_i",
    "theil",
]

THEIL_MEASURES = ("T", "L")
BANDWIDTHS = ("silverman", "scott")
KERNELS = ("gaussian", "epanechnikov")
TRANSFORMS = ("row", "binary")

_DEFAULT_ENTITY = "institution"


def _name(value: Any, name: str) -> None:
    """Constraint: one column name (``None`` allowed for optional columns)."""
    check_column_name(value, name=name)


def _bandwidth_rule(value: Any, name: str) -> None:
    if isinstance(value, str):
        options(*BANDWIDTHS)(value, name)
    else:
        interval(0, closed="right")(value, name)
_DEFAULT_PERIOD = "year"


# ====================================================================== the gate
def _optional(frame: pd.DataFrame, column: str | None, default: str, *, what: str) -> str | None:
    """A column that may be absent when it is the default name (a cross-section
    without ``year``); a name the caller chose must exist."""
    if column is None:
        return None
    if column not in frame.columns and column == default:
        return None
    check_columns(frame, [column], what=what)
    return column


def _gate(
    data: Any,
    value: str,
    *,
    entity: str | None,
    period: str | None,
    weight: str | None,
    groups: Iterable[str | None] = (),
    nonnegative: bool = True,
    why: str = "an inequality measure",
) -> tuple[pd.DataFrame, str | None, str | None]:
    """Check the input once and return (frame, entity, period) with absent defaults dropped."""
    frame = check_frame(data)
    if not isinstance(value, str):
        raise BenchmarkError(f"`value` must be one column name (e.g. 'score'); got {value!r}.")
    entity = _optional(frame, entity, _DEFAULT_ENTITY, what="entity column")
    period = _optional(frame, period, _DEFAULT_PERIOD, what="period column")
    groups = [g for g in groups if g is not None]
    check_columns(frame, [value], what="value column")
    check_columns(frame, groups, what="group column")
    if weight is not None:
        check_columns(frame, [weight], what="weight column")
    roles = [c for c in (entity, period, value, weight, *groups) if c is not None]
    clash = sorted({c for c in roles if roles.count(c) > 1})
    if clash:
        raise ColumnError(f"column(s) {format_list(clash)} play more than one role (entity, period, value, "
                          "weight, group); pass different columns.")
    numbers = [value] + ([weight] if weight else [])
    check_numeric(frame, numbers)
    keys = [k for k in (entity, period) if k is not None]
    if entity is not None:
        check_unique_keys(frame, keys)
    check_finite(frame, numbers, keys=keys)
    check_missing(frame, numbers, keys=keys, hint="fill them or drop those rows before measuring inequality")
    # rows are named by the other key (or their index label) when a key itself is missing
    if entity is not None:
        check_missing(frame, [entity], keys=[period], hint="every row needs its entity id (fill it or drop those rows)")
    if period is not None:
        check_missing(frame, [period], keys=[entity], hint="every row needs its period (fill it or drop those rows)")
    check_missing(frame, groups, keys=keys, hint="every row needs a group label (fill them or drop those rows)")
    if nonnegative:
        check_positive(frame, [value], keys=keys, strict=False, why=why)
    if weight is not None:
        check_positive(frame, [weight], keys=keys, strict=True, why="a weight column")
    for g in groups:
        column = frame[g]
        if isinstance(column.dtype, pd.CategoricalDtype):
            unused = [c for c in column.cat.categories if c not in set(column.dropna())]
            if unused:
                raise EmptyDataError(
                    f"group column {g!r} has empty group(s) {format_list(unused)} (categories without rows); "
                    "drop them with .cat.remove_unused_categories() or add their rows.")
    return as_float_columns(frame, numbers), entity, period


def _unit_scaled(frame: pd.DataFrame, value: str, weight: str | None) -> tuple[pd.DataFrame, float]:
    """A copy with ``value`` divided by its largest absolute value (and ``weight`` by its largest).

    Gini, Theil and Moran's I are invariant to these scalings, and sums of
    products of raw values overflow near 1e+154 (or underflow near 1e-154);
    the returned scale turns means back into data units.
    """
    scale = float(column_scale(frame[[value]].to_numpy(dtype=float))[0])
    changes = {value: frame[value].to_numpy(dtype=float) / scale}
    if weight is not None:
        changes[weight] = frame[weight].to_numpy(dtype=float) / float(column_scale(
            frame[[weight]].to_numpy(dtype=float))[0])
    return frame.assign(**changes), scale


def _in_units(table: pd.DataFrame, scale: float, columns: Iterable[str] = ("mean",)) -> pd.DataFrame:
    for c in columns:
        if c in table.columns:
            table[c] = table[c] * scale
    return table


def _like(table: pd.DataFrame, frame: pd.DataFrame, columns: dict[Any, Any]) -> pd.DataFrame:
    """Group labels in ``table`` with the dtype they have in ``frame`` (categories stay categories)."""
    for out, src in columns.items():
        if out is not None and out in table.columns and isinstance(frame[src].dtype, pd.CategoricalDtype):
            table[out] = pd.Categorical(table[out], dtype=frame[src].dtype)
    return table


def _by_period(frame: pd.DataFrame, period: str | None) -> list[tuple[Any, pd.DataFrame]]:
    if period is None:
        return [(None, frame)]
    return list(frame.groupby(period, sort=True, observed=True))


def _weights(part: pd.DataFrame, weight: str | None) -> np.ndarray:
    if weight is None:
        return np.ones(len(part))
    return part[weight].to_numpy(dtype=float)


def _where(period: Any, name: str | None) -> str:
    return f" in {name} {period!r}" if name is not None else ""


def _check_mean(mean: float, value: str, period: Any, pname: str | None, group: Any = None) -> None:
    if not mean > 0:
        where = f" of group {group!r}" if group is not None else ""
        raise NonPositiveError(
            f"the mean of {value!r}{where}{_where(period, pname)} is zero; inequality relative to the mean is "
            "undefined when every value is zero (drop that period or group).")


def _with_period(rows: list[dict], period: str | None) -> pd.DataFrame:
    out = pd.DataFrame(rows)
    if period is None and "period" in out.columns:
        out = out.drop(columns="period")
    elif period is not None:
        out = out.rename(columns={"period": period})
    return out


# ====================================================================== Gini
def _pair_sum_abs(y: np.ndarray, w: np.ndarray) -> float:
    """sum_i sum_j w_i w_j |y_i - y_j| in O(n log n) (sorted cumulative sums)."""
    order = np.argsort(y, kind="stable")
    y, w = y[order], w[order]
    cum_w = np.cumsum(w)
    below = cum_w - w  # weight strictly before i in the sorted order
    above = cum_w[-1] - cum_w
    return float(2.0 * np.sum(w * y * (below - above)))


def _pair_sum_positive(a: np.ndarray, wa: np.ndarray, b: np.ndarray, wb: np.ndarray) -> float:
    """sum_i sum_r wa_i wb_r max(a_i - b_r, 0)."""
    order = np.argsort(b, kind="stable")
    b, wb = b[order], wb[order]
    cum_w = np.concatenate([[0.0], np.cumsum(wb)])
    cum_wy = np.concatenate([[0.0], np.cumsum(wb * b)])
    k = np.searchsorted(b, a, side="left")  # b_r < a_i; ties contribute zero either way
    return float(np.sum(wa * (a * cum_w[k] - cum_wy[k])))


def _gini_value(y: np.ndarray, w: np.ndarray) -> tuple[float, float]:
    total_w = w.sum()
    mean = float(np.sum(w * y) / total_w)
    if mean <= 0:
        return mean, np.nan
    return mean, _pair_sum_abs(y, w) / (2.0 * total_w**2 * mean)


@validate_params("entity", "period", value=_name, group=_name, weight=_name, corrected=instance(bool))
def gini(
    data: pd.DataFrame,
    value: str,
    *,
    group: str | None = None,
    weight: str | None = None,
    corrected: bool = False,
    entity: str | None = "institution",
    period: str | None = "year",
) -> pd.DataFrame:
    """Gini coefficient of a value, per period (and per group).

    ``G = sum_i sum_j w_i w_j |y_i - y_j| / (2 W^2 mu)`` with weights ``w``
    (all 1 without ``weight=``), ``W = sum w`` and ``mu`` the weighted mean:
    half the relative mean absolute difference. Without weights this is the
    definition of R's ``ineq::Gini(x, corr = FALSE)``; ``corrected=True``
    multiplies it by ``n / (n - 1)`` (``corr = TRUE``, unweighted only).

    Parameters
    ----------
    data : pandas.DataFrame
        One row per unit (and period).
    value : str
        The column measured (income, score, funding...); values must be
        non-negative with a positive mean.
    group : str, optional
        Column of groups (e.g. ``"region"``): one Gini per group.
    weight : str, optional
        Column of strictly positive unit weights (population, enrolment).
    corrected : bool, default False
        Small-sample correction ``n / (n - 1)``.
    entity, period : str, optional
        Entity and period columns. A default name that is absent is ignored
        (a cross-section); a name you give must exist.

    Returns
    -------
    pandas.DataFrame
        One row per period (and group): ``n``, ``mean`` (weighted mean) and
        ``gini``.

    See Also
    --------
    dagum_gini : the Gini coefficient decomposed by groups.
    theil : Theil's entropy measures with a between/within split.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"region": list("abcd"), "gdp": [1.0, 2.0, 3.0, 4.0]})
    >>> gini(df, "gdp", entity="region")
       n  mean  gini
    0  4   2.5  0.25
    """
    frame, entity, period = _gate(data, value, entity=entity, period=period, weight=weight, groups=[group])
    if corrected and weight is not None:
        raise BenchmarkError("`corrected=True` is the unweighted small-sample correction; drop `weight=` "
                             "or use corrected=False.")
    frame, scale = _unit_scaled(frame, value, weight)
    rows = []
    for p, part in _by_period(frame, period):
        if len(part) < 2:
            raise EmptyDataError(f"{value!r} has a single unit{_where(p, period)}; a Gini coefficient compares at "
                                 "least two units (drop that period or add its other units).")
        parts = [(None, part)] if group is None else list(part.groupby(group, sort=True, observed=True))
        for g, sub in parts:
            y, w = sub[value].to_numpy(dtype=float), _weights(sub, weight)
            mean, g_value = _gini_value(y, w)
            _check_mean(mean, value, p, period, g)
            n = len(sub)
            if corrected:
                g_value = g_value * n / (n - 1) if n > 1 else np.nan
            row = {"period": p, **({group: g} if group is not None else {}), "n": n, "mean": mean,
                   "gini": g_value}
            rows.append(row)
    return _like(_in_units(_with_period(rows, period), scale), frame, {group: group})


# ====================================================================== Theil
@dataclasses.dataclass(frozen=True, repr=False)
class TheilResult(Result):
    """Theil index with its between/within decomposition.

    Attributes
    ----------
    overall : pandas.DataFrame
        One row per period: ``theil`` (the total), ``between`` and
        ``within`` (summing to it) and their shares of the total; with
        ``subgroup=`` also ``between_subgroups`` and ``within_subgroups``
        (summing to ``within``) and their shares. Without ``group=``:
        ``n``, ``mean`` and ``theil`` only.
    groups : pandas.DataFrame
        One row per period and group: ``n``, ``mean``, ``population_share``
        (weight share), ``value_share`` (share of the total value),
        ``theil`` (the index inside the group; NaN for T when all its values
        are zero), ``contribution`` (its weighted part of ``within``) and
        ``contribution_share`` (of the total).
    subgroups : pandas.DataFrame
        The same per subgroup (empty without ``subgroup=``).
    measure : str
        ``"T"`` (GE(1), weights by value share) or ``"L"`` (GE(0), mean log
        deviation, weights by population share).

    See Also
    --------
    theil : the analysis that returns this result.
    DagumResult : the Gini decomposition by groups.

    """

    overall: pd.DataFrame
    groups: pd.DataFrame
    subgroups: pd.DataFrame
    measure: str = "T"

    def summary(self) -> pd.DataFrame:
        """Headline figures per period (``period, statistic, value``): the total and its decomposition.

        The Theil index with its between and within parts and their shares
        (with ``subgroup=`` also the subgroup parts), or ``n``, ``mean`` and
        ``theil`` without groups. Per-group figures are in :attr:`groups`.
        """
        return _per_period(self.overall, _THEIL_FIGURES)


_THEIL_FIGURES = ("n", "mean", "theil", "between", "within", "between_subgroups", "within_subgroups",
                  "between_share", "within_share", "between_subgroups_share", "within_subgroups_share")
_DAGUM_FIGURES = ("gini", "within", "between", "transvariation", "within_share", "between_share",
                  "transvariation_share")
_DENSITY_FIGURES = ("n", "mean", "sd", "bandwidth", "peak_x", "peak_density", "n_peaks", "width")
_MORAN_FIGURES = ("n", "I", "expected", "z_norm", "p_norm", "z_rand", "p_rand", "z_sim", "p_sim")


def _per_period(table: pd.DataFrame, figures: Sequence[str], hidden: Sequence[str] = ()) -> pd.DataFrame:
    """A per-period table as ``period, statistic, value`` (just ``statistic, value`` without periods).

    ``hidden`` columns are figures left out of the headline.
    """
    keys = [c for c in table.columns if c not in figures and c not in hidden]
    return headline_by(table, keys, [c for c in figures if c in table.columns])


def _theil_parts(y: np.ndarray, w: np.ndarray, measure: str) -> tuple[float, float, float]:
    """(Theil index, weight, value total) of one set of units."""
    total_w = w.sum()
    total_v = float(np.sum(w * y))
    mean = total_v / total_w
    if measure == "T" and not total_v > 0:
        return np.nan, float(total_w), total_v  # units all at zero: no value shares, no T (weight 0 above)
    if measure == "T":
        share = w * y / total_v
        with np.errstate(divide="ignore", invalid="ignore"):
            terms = np.where(y > 0, share * np.log(np.where(y > 0, y, 1.0) / mean), 0.0)
    else:
        terms = (w / total_w) * np.log(mean / y)
    return float(terms.sum()), float(total_w), total_v


def _theil_split(
    part: pd.DataFrame, value: str, weight: str | None, key: str, measure: str
) -> tuple[float, float, pd.DataFrame]:
    """Total, between-component and per-group table of one level."""
    y, w = part[value].to_numpy(dtype=float), _weights(part, weight)
    total, total_w, total_v = _theil_parts(y, w, measure)
    mean = total_v / total_w
    rows = []
    for g, sub in part.groupby(key, sort=True, observed=True):
        gy, gw = sub[value].to_numpy(dtype=float), _weights(sub, weight)
        t, gw_sum, gv_sum = _theil_parts(gy, gw, measure)
        rows.append({key: g, "n": len(sub), "mean": gv_sum / gw_sum, "population_share": gw_sum / total_w,
                     "value_share": gv_sum / total_v if total_v > 0 else np.nan, "theil": t})
    table = pd.DataFrame(rows)
    weight_of = (table["value_share"] if measure == "T" else table["population_share"]).to_numpy()
    if not mean > 0:  # a level where every value is zero (a zero group of a nested split): nothing to split
        between = np.nan
    else:
        ratio = table["mean"].to_numpy() / mean
        log_ratio = np.log(np.where(ratio > 0, ratio, 1.0))  # a zero-mean group has value share 0 (T)
        between = float(np.sum(weight_of * log_ratio)) if measure == "T" else float(-np.sum(weight_of * log_ratio))
    # a group without value share adds nothing to T's within part, even though its own index is undefined
    table["contribution"] = np.where(weight_of == 0, 0.0, weight_of * table["theil"].to_numpy())
    return total, between, table


@validate_params("entity", "period", value=_name, group=_name, subgroup=_name, weight=_name,
                 measure=options(*THEIL_MEASURES))
def theil(
    data: pd.DataFrame,
    value: str,
    *,
    group: str | None = None,
    subgroup: str | None = None,
    weight: str | None = None,
    measure: str = "T",
    entity: str | None = "institution",
    period: str | None = "year",
) -> TheilResult:
    """Theil index decomposed between and within groups (one or two levels).

    With unit values ``y_i``, weights ``w_i`` (all 1 without ``weight=``),
    population shares ``p_i = w_i / W`` and value shares
    ``s_i = w_i y_i / sum(w y)``, Theil's T is ``sum_i s_i ln(y_i / mu)``
    and Theil's L (mean log deviation) is ``sum_i p_i ln(mu / y_i)``. Both
    split exactly into a between-group part computed from the group means and
    a within-group part, the value-share weighted (T) or population-share
    weighted (L) sum of the groups' own indices. With ``subgroup=`` (e.g.
    provinces inside east/central/west) each group's index is split again,
    giving the three-part nested decomposition of Akita (2003).

    Parameters
    ----------
    data : pandas.DataFrame
        One row per unit (and period).
    value : str
        The column measured; values must be non-negative (T) or strictly
        positive (L).
    group : str, optional
        Column of groups (at least two per period). Without it only the
        total index is computed.
    subgroup : str, optional
        Column of subgroups nested in the groups (each subgroup inside one
        group).
    weight : str, optional
        Column of strictly positive unit weights (population, enrolment).
    measure : {"T", "L"}, default "T"
        Theil's T (GE(1)) or L (GE(0)).
    entity, period : str, optional
        Entity and period columns. A default name that is absent is ignored;
        a name you give must exist.

    Returns
    -------
    TheilResult
        Tables ``overall``, ``groups`` and ``subgroups``.

    See Also
    --------
    dagum_gini : Dagum's decomposition of the Gini coefficient.
    gini : the Gini coefficient per period or group.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"unit": list("abcd"), "region": ["e", "e", "w", "w"],
    ...                    "score": [4.0, 4.0, 1.0, 1.0]})
    >>> res = theil(df, "score", group="region", entity="unit")
    >>> res.overall.round(4)
        theil  between  within  between_share  within_share
    0  0.1927   0.1927     0.0            1.0           0.0
    """
    if group is None and subgroup is not None:
        raise BenchmarkError("`subgroup` needs `group`: name the column of the groups the subgroups are "
                             "nested in (e.g. group='region', subgroup='province').")
    frame, entity, period = _gate(data, value, entity=entity, period=period, weight=weight,
                                  groups=[group, subgroup], why="Theil's index (logarithms of values)")
    if measure == "L":
        keys = [k for k in (entity, period) if k is not None]
        check_positive(frame, [value], keys=keys, why="Theil's L (logarithms of every value)")
    if subgroup is not None:
        owners = frame.groupby(subgroup, observed=True)[group].nunique()
        split = owners[owners > 1].index.tolist()
        if split:
            raise BenchmarkError(f"subgroup(s) {format_list(split)} of {subgroup!r} occur in more than one "
                                 f"{group!r} group; subgroups must be nested in groups.")
    frame, scale = _unit_scaled(frame, value, weight)
    overall_rows, group_tables, sub_tables = [], [], []
    for p, part in _by_period(frame, period):
        w_part = _weights(part, weight)
        mean = float(np.sum(w_part * part[value].to_numpy(dtype=float)) / w_part.sum())
        _check_mean(mean, value, p, period)
        if group is None:
            total = _theil_parts(part[value].to_numpy(dtype=float), w_part, measure)[0]
            overall_rows.append({"period": p, "n": len(part), "mean": mean, "theil": total})
            continue
        _check_groups(part, group, p, period)
        total, between, table = _theil_split(part, value, weight, group, measure)
        within = total - between
        row = {"period": p, "theil": total, "between": between, "within": within}
        if subgroup is not None:
            between_sub, within_sub, subs = 0.0, 0.0, []
            for g, sub in part.groupby(group, sort=True, observed=True):
                g_total, g_between, s_table = _theil_split(sub, value, weight, subgroup, measure)
                g_weight = table.loc[table[group] == g, "value_share" if measure == "T" else "population_share"]
                g_weight = float(g_weight.iloc[0])
                if g_weight > 0:  # a group of zeros (T) carries no weight and has no inner split
                    between_sub += g_weight * g_between
                    within_sub += g_weight * (g_total - g_between)
                s_table.insert(0, group, g)
                s_table["contribution"] = s_table["contribution"] * g_weight if g_weight > 0 else 0.0
                subs.append(s_table)
            row.update(between_subgroups=between_sub, within_subgroups=within_sub)
            s_all = pd.concat(subs, ignore_index=True)
            s_all.insert(0, "period", p)
            s_all["contribution_share"] = s_all["contribution"] / total if total > 0 else np.nan
            sub_tables.append(s_all)
        for name in [c for c in row if c not in ("period", "theil")]:
            row[f"{name}_share"] = row[name] / total if total > 0 else np.nan
        overall_rows.append(row)
        table.insert(0, "period", p)
        table["contribution_share"] = table["contribution"] / total if total > 0 else np.nan
        group_tables.append(table)
    overall = _with_period(overall_rows, period)
    groups = (_with_period(pd.concat(group_tables, ignore_index=True).to_dict("records"), period)
              if group_tables else pd.DataFrame())
    subgroups = (_with_period(pd.concat(sub_tables, ignore_index=True).to_dict("records"), period)
                 if sub_tables else pd.DataFrame())
    return TheilResult(overall=_in_units(overall, scale), groups=_like(_in_units(groups, scale), frame, {group: group}),
                       subgroups=_like(_in_units(subgroups, scale), frame, {group: group, subgroup: subgroup}),
                       measure=measure)


def _check_groups(part: pd.DataFrame, group: str, period: Any, pname: str | None) -> None:
    n_groups = part[group].nunique()
    if n_groups < 2:
        only = format_list(pd.unique(part[group]).tolist())
        raise BenchmarkError(
            f"group column {group!r} has a single group ({only}){_where(period, pname)}; a between/within "
            "decomposition needs at least two groups (use gini() for one group).")


# ====================================================================== Dagum
@dataclasses.dataclass(frozen=True, repr=False)
class DagumResult(Result):
    """Dagum's (1997) decomposition of the Gini coefficient by groups.

    Attributes
    ----------
    overall : pandas.DataFrame
        One row per period: ``gini`` (the total), ``within`` (Gw),
        ``between`` (net between-group, Gnb), ``transvariation`` (Gt) -
        the three sum to ``gini`` - and their ``*_share`` of the total.
    within : pandas.DataFrame
        One row per period and group: ``n``, ``mean``,
        ``population_share`` (p_j), ``value_share`` (s_j), ``gini``
        (the within-group Gini G_jj), ``contribution`` (G_jj p_j s_j) and
        ``contribution_share``.
    between : pandas.DataFrame
        One row per period and pair of groups (``group_a``, ``group_b``):
        ``gini`` (the between-group Gini G_jh), ``relative_affluence``
        (D_jh, in [0, 1], measured from the pair's richer group),
        ``between`` (its net contribution) and ``transvariation``.

    See Also
    --------
    dagum_gini : the analysis that returns this result.
    TheilResult : the Theil decomposition by groups.

    """

    overall: pd.DataFrame
    within: pd.DataFrame
    between: pd.DataFrame
    period: str | None = None

    def summary(self) -> pd.DataFrame:
        """Headline figures per period (``period, statistic, value``).

        The Gini coefficient and its three parts (within, net between,
        transvariation) with their shares. Per-group and per-pair figures are
        in :attr:`within` and :attr:`between`.
        """
        return _per_period(self.overall, _DAGUM_FIGURES)

    def pair_table(self, at: Any = None) -> pd.DataFrame:
        """The square table papers print: G_jj on the diagonal, G_jh off it.

        ``at`` selects a period (required when there are several).
        """
        within, between = self.within, self.between
        # the period column when the data had one (a cross-section's first column is the group)
        pcol = [self.period] if self.period is not None and self.period in within.columns else []
        if pcol:
            periods = pd.unique(within[pcol[0]])
            if at is None and len(periods) > 1:
                raise BenchmarkError(f"pair_table needs `at=`: one of the periods {format_list(list(periods))}.")
            at = periods[0] if at is None else at
            if at not in set(periods.tolist()):
                raise BenchmarkError(f"period {at!r} is not in the result; choose one of {format_list(list(periods))}.")
            within = within[within[pcol[0]] == at]
            between = between[between[pcol[0]] == at]
        gcol = within.columns[len(pcol)]
        labels = within[gcol].tolist()
        table = pd.DataFrame(np.nan, index=pd.Index(labels, name=gcol), columns=pd.Index(labels, name=gcol))
        for g, v in zip(labels, within["gini"]):
            table.loc[g, g] = v
        for a, b, v in zip(between["group_a"], between["group_b"], between["gini"]):
            table.loc[a, b] = v
            table.loc[b, a] = v
        return table


@validate_params("entity", "period", value=_name, group=_name, weight=_name)
def dagum_gini(
    data: pd.DataFrame,
    value: str,
    *,
    group: str,
    weight: str | None = None,
    entity: str | None = "institution",
    period: str | None = "year",
) -> DagumResult:
    """Dagum's (1997) Gini decomposition: within, net between, transvariation.

    For groups ``j`` with weight shares ``p_j`` and value shares ``s_j``,
    the within-group Ginis ``G_jj`` and the between-group Ginis
    ``G_jh = sum_i sum_r |y_ji - y_hr| / (n_j n_h (mu_j + mu_h))``, the total
    Gini ``G`` splits exactly into

    * ``Gw = sum_j G_jj p_j s_j`` (within groups),
    * ``Gnb = sum_{j<h} G_jh (p_j s_h + p_h s_j) D_jh`` (net between groups),
    * ``Gt = sum_{j<h} G_jh (p_j s_h + p_h s_j) (1 - D_jh)`` (transvariation:
      the overlap of the groups' distributions),

    where ``D_jh = (d_jh - p_jh) / (d_jh + p_jh)`` is the relative economic
    affluence of the richer group ``j`` over ``h``: ``d_jh`` is the mean of
    the positive differences ``y_ji - y_hr`` over all pairs and ``p_jh`` the
    mean of the positive differences the other way round. With ``weight=``
    every pair counts with the product of the two units' weights.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per unit (and period).
    value : str
        The column measured (non-negative, positive mean).
    group : str
        Column of groups (at least two per period).
    weight : str, optional
        Column of strictly positive unit weights.
    entity, period : str, optional
        Entity and period columns. A default name that is absent is ignored;
        a name you give must exist.

    Returns
    -------
    DagumResult
        Tables ``overall``, ``within`` and ``between``; ``pair_table(at)``
        gives the square G_jj/G_jh table.

    See Also
    --------
    gini : the Gini coefficient per period or group.
    theil : Theil's between/within decomposition.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"unit": list("abcdef"), "region": list("eeewww"),
    ...                    "score": [5.0, 6.0, 7.0, 1.0, 2.0, 6.5]})
    >>> res = dagum_gini(df, "score", group="region", entity="unit")
    >>> res.overall[["gini", "within", "between", "transvariation"]].round(4)
         gini  within  between  transvariation
    0  0.2697  0.0909   0.1545          0.0242
    """
    if group is None:
        raise BenchmarkError("`group` is required: name the column of groups (e.g. 'region').")
    frame, entity, period = _gate(data, value, entity=entity, period=period, weight=weight, groups=[group])
    frame, scale = _unit_scaled(frame, value, weight)
    overall_rows, within_rows, between_rows = [], [], []
    for p, part in _by_period(frame, period):
        _check_groups(part, group, p, period)
        y_all, w_all = part[value].to_numpy(dtype=float), _weights(part, weight)
        mean, total = _gini_value(y_all, w_all)
        _check_mean(mean, value, p, period)
        big_w, big_v = w_all.sum(), float(np.sum(w_all * y_all))
        members = {g: (sub[value].to_numpy(dtype=float), _weights(sub, weight))
                   for g, sub in part.groupby(group, sort=True, observed=True)}
        stats = {}
        g_within = 0.0
        for g, (y, w) in members.items():
            g_mean, g_gini = _gini_value(y, w)
            p_share, s_share = w.sum() / big_w, float(np.sum(w * y)) / big_v
            g_gini = 0.0 if g_mean <= 0 else g_gini  # a group of zeros has no inner inequality
            stats[g] = (g_mean, p_share, s_share)
            g_within += g_gini * p_share * s_share
            within_rows.append({"period": p, group: g, "n": len(y), "mean": g_mean, "population_share": p_share,
                                "value_share": s_share, "gini": g_gini, "contribution": g_gini * p_share * s_share,
                                "contribution_share": g_gini * p_share * s_share / total if total > 0 else np.nan})
        g_between, g_trans = 0.0, 0.0
        labels = list(members)
        for i, a in enumerate(labels):
            for b in labels[i + 1:]:
                (ya, wa), (yb, wb) = members[a], members[b]
                (ma, pa, sa), (mb, pb, sb) = stats[a], stats[b]
                pos_ab = _pair_sum_positive(ya, wa, yb, wb)
                pos_ba = _pair_sum_positive(yb, wb, ya, wa)
                denom = wa.sum() * wb.sum()
                g_ab = (pos_ab + pos_ba) / (denom * (ma + mb)) if ma + mb > 0 else 0.0
                rich, poor = (pos_ab, pos_ba) if ma >= mb else (pos_ba, pos_ab)
                d = (rich - poor) / (rich + poor) if rich + poor > 0 else 0.0
                mass = g_ab * (pa * sb + pb * sa)
                g_between += mass * d
                g_trans += mass * (1.0 - d)
                between_rows.append({"period": p, "group_a": a, "group_b": b, "gini": g_ab,
                                     "relative_affluence": d, "between": mass * d,
                                     "transvariation": mass * (1.0 - d)})
        row = {"period": p, "gini": total, "within": g_within, "between": g_between, "transvariation": g_trans}
        for name in ("within", "between", "transvariation"):
            row[f"{name}_share"] = row[name] / total if total > 0 else np.nan
        overall_rows.append(row)
    return DagumResult(overall=_with_period(overall_rows, period),
                       within=_like(_in_units(_with_period(within_rows, period), scale), frame, {group: group}),
                       between=_like(_with_period(between_rows, period), frame,
                                     {"group_a": group, "group_b": group}), period=period)


# ====================================================================== kernel density
@dataclasses.dataclass(frozen=True, repr=False)
class DensityResult(Result):
    """Kernel density estimates of one value per period on a common grid.

    Attributes
    ----------
    density : pandas.DataFrame
        Long table: period (when given), ``x`` (grid point) and
        ``density``.
    stats : pandas.DataFrame
        One row per period: ``n``, ``mean``, ``sd``, ``bandwidth``,
        ``peak_x`` and ``peak_density`` (the main peak), ``n_peaks``
        (local maxima at least 10 % as high as the main peak) and
        ``width`` (the span of the grid where the density exceeds half the
        main peak, a measure of spread read off the curve).
    value : str
        The column estimated.
    kernel : str
        ``"gaussian"`` or ``"epanechnikov"``.

    See Also
    --------
    kernel_density : the analysis that returns this result.
    benchmark.plot_kernel_density : ridge lines, overlaid lines or a surface.

    """

    density: pd.DataFrame
    stats: pd.DataFrame
    value: str = ""
    kernel: str = "gaussian"
    period: str | None = None

    def summary(self) -> pd.DataFrame:
        """Features of each period's density (``period, statistic, value``): the :attr:`stats` table in long form."""
        return _per_period(self.stats, _DENSITY_FIGURES)

    def plot(self, kind: str = "ridge", *, ax: Any = None, lang: str | None = None, **kwargs: Any) -> Any:
        """Plot the densities; see :func:`benchmark.plot_kernel_density`."""
        from benchmark.plotting import plot_kernel_density

        return plot_kernel_density(self, kind=kind, ax=ax, lang=lang, **kwargs)


def _bandwidth(y: np.ndarray, w: np.ndarray, rule: str) -> float:
    """Rule-of-thumb bandwidth with R's conventions (bw.nrd0, bw.nrd), weighted sd/IQR."""
    n = len(y)
    mean = np.sum(w * y) / w.sum()
    var = np.sum(w * (y - mean) ** 2) / w.sum() * n / (n - 1)
    sd = float(np.sqrt(var))
    order = np.argsort(y)
    cum = (np.cumsum(w[order]) - 0.5 * w[order]) / w.sum()
    q1, q3 = np.interp([0.25, 0.75], cum, y[order]) if len(set(w)) > 1 else np.quantile(y, [0.25, 0.75])
    spread = min(sd, (q3 - q1) / 1.34) if q3 > q1 else sd
    factor = 0.9 if rule == "silverman" else 1.06
    return float(factor * spread * n ** -0.2)


def _kde(grid: np.ndarray, y: np.ndarray, w: np.ndarray, h: float, kernel: str) -> np.ndarray:
    u = (grid[:, None] - y[None, :]) / h
    if kernel == "gaussian":
        k = np.exp(-0.5 * u**2) / np.sqrt(2 * np.pi)
    else:  # Epanechnikov scaled to unit variance (R's convention): support |u| <= sqrt(5)
        r = np.sqrt(5.0)
        k = np.where(np.abs(u) <= r, 0.75 / r * (1 - (u / r) ** 2), 0.0)
    return (k @ w) / (w.sum() * h)


def _peaks(density: np.ndarray) -> int:
    top = density.max()
    inner = (density[1:-1] > density[:-2]) & (density[1:-1] >= density[2:]) & (density[1:-1] >= 0.1 * top)
    return int(inner.sum()) or 1


@validate_params("entity", "period", value=_name, weight=_name, bandwidth=_bandwidth_rule,
                 kernel=options(*KERNELS), n_grid=interval(2, integer=True), cut=interval(0))
def kernel_density(
    data: pd.DataFrame,
    value: str,
    *,
    weight: str | None = None,
    bandwidth: str | float = "silverman",
    kernel: str = "gaussian",
    grid: Iterable[float] | None = None,
    n_grid: int = 256,
    cut: float = 3.0,
    entity: str | None = "institution",
    period: str | None = "year",
) -> DensityResult:
    """Kernel density of a value in every period on one common grid.

    ``f(x) = sum_i w_i K((x - y_i) / h) / (h sum_i w_i)`` with a Gaussian
    (or Epanechnikov) kernel ``K`` of unit variance. The bandwidth ``h`` is
    chosen per period by Silverman's rule ``0.9 min(sd, IQR/1.34) n^(-1/5)``
    (R's ``bw.nrd0``, the default of R's ``density``), Scott's rule with
    1.06 instead of 0.9 (R's ``bw.nrd``), or given as a number. The grid
    spans all periods, extended by ``cut`` bandwidths on each side as R's
    ``density`` does, so the curves of different years can be drawn on one
    axis (the "3-D" or ridge figure of the kernel density dynamics).

    Parameters
    ----------
    data : pandas.DataFrame
        One row per unit (and period).
    value : str
        The column estimated (any finite numbers).
    weight : str, optional
        Column of strictly positive unit weights.
    bandwidth : {"silverman", "scott"} or float, default "silverman"
        Bandwidth rule, or a positive number used for every period.
    kernel : {"gaussian", "epanechnikov"}, default "gaussian"
    grid : sequence of float, optional
        Points to evaluate at (sorted); default ``n_grid`` even points.
    n_grid : int, default 256
    cut : float, default 3.0
        How many bandwidths the default grid extends beyond the data.
    entity, period : str, optional
        Entity and period columns. A default name that is absent is ignored;
        a name you give must exist.

    Returns
    -------
    DensityResult
        Tables ``density`` (long: period, x, density) and ``stats``;
        ``.plot()`` draws them.

    See Also
    --------
    plot_kernel_density : ridge, line or 3-D figure of the result.
    gini : one-number summary of the spread in each period.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"year": [2020] * 4 + [2021] * 4,
    ...                    "score": [1.0, 2.0, 3.0, 4.0, 2.0, 3.0, 4.0, 5.0]})
    >>> res = kernel_density(df, "score", n_grid=50)
    >>> res.stats[["year", "n", "mean"]]
       year  n  mean
    0  2020  4   2.5
    1  2021  4   3.5
    """
    frame, entity, period = _gate(data, value, entity=entity, period=period, weight=weight, nonnegative=False)
    points = None if grid is None else _grid_points(grid)
    # estimate on value / scale (sums of squares overflow near 1e+154) and report in data units
    frame, scale = _unit_scaled(frame, value, weight)
    parts = _by_period(frame, period)
    prepared = []
    for p, part in parts:
        y, w = part[value].to_numpy(dtype=float), _weights(part, weight)
        if len(y) < 2:
            raise EmptyDataError(f"{value!r} has a single value{_where(p, period)}; a density needs at least two.")
        h = float(bandwidth) / scale if not isinstance(bandwidth, str) else _bandwidth(y, w, bandwidth)
        if not h > 0:
            raise BenchmarkError(f"{value!r} is constant{_where(p, period)}; the bandwidth rule gives zero. "
                                 "Give a positive `bandwidth=` number or drop that period.")
        prepared.append((p, y, w, h))
    if points is None:
        lo = min(y.min() - cut * h for _, y, _, h in prepared)
        hi = max(y.max() + cut * h for _, y, _, h in prepared)
        points = np.linspace(lo, hi, n_grid)
    else:
        points = points / scale
    density_rows, stat_rows = [], []
    for p, y, w, h in prepared:
        f = _kde(points, y, w, h, kernel)
        density_rows.append(pd.DataFrame({"period": p, "x": points * scale, "density": f / scale}))
        mean = float(np.sum(w * y) / w.sum())
        sd = float(np.sqrt(np.sum(w * (y - mean) ** 2) / w.sum() * len(y) / (len(y) - 1)))
        above = points[f >= 0.5 * f.max()]
        stat_rows.append({"period": p, "n": len(y), "mean": mean * scale, "sd": sd * scale, "bandwidth": h * scale,
                          "peak_x": float(points[np.argmax(f)]) * scale, "peak_density": float(f.max()) / scale,
                          "n_peaks": _peaks(f), "width": float(above.max() - above.min()) * scale})
    density = pd.concat(density_rows, ignore_index=True)
    density = density.drop(columns="period") if period is None else density.rename(columns={"period": period})
    return DensityResult(density=density, stats=_with_period(stat_rows, period), value=value, kernel=kernel,
                         period=period)


def _grid_points(grid: Any) -> np.ndarray:
    try:
        points = np.asarray(list(grid), dtype=float)
    except (TypeError, ValueError):
        points = np.full(0, np.nan)
    if points.ndim != 1 or len(points) < 2 or not np.all(np.isfinite(points)) or np.any(np.diff(points) <= 0):
        raise BenchmarkError(f"`grid` must be at least two finite, strictly increasing numbers; got {grid!r}.")
    return points


# ====================================================================== spatial weights
_PROVINCE_NAME_COLUMNS = ("province", "name_zh", "name_en", "code")


def _province_lookup() -> dict[str, str]:
    from benchmark.datasets import load

    provinces = load("china_provinces")
    lookup = {}
    for column in _PROVINCE_NAME_COLUMNS:
        for name, short in zip(provinces[column], provinces["province"]):
            lookup[str(name).strip().lower()] = short
    return lookup


@validate_params(strait=instance(bool))
def contiguity_weights(
    entities: Iterable[Hashable] | None = None, *, strait: bool = True
) -> pd.DataFrame:
    """Binary contiguity matrix of China's 31 mainland provincial units.

    Built from the shipped table ``china_contiguity`` (two provinces are
    neighbours when they share a land border). Hainan has no land border;
    with ``strait=True`` (the default, and the usual choice in provincial
    studies) it is linked to Guangdong across the Qiongzhou Strait so that
    it is not an isolate.

    Parameters
    ----------
    entities : sequence, optional
        Province labels in the order wanted, as short Chinese names
        (``"广东"``), full names (``"广东省"``), English names
        (``"Guangdong"``) or GB/T 2260 codes (``"440000"``); the matrix is
        labelled with them as given. Default: all 31 short names.
    strait : bool, default True
        Link Hainan with Guangdong.

    Returns
    -------
    pandas.DataFrame
        Square 0/1 matrix, rows and columns labelled by ``entities``.

    See Also
    --------
    morans_i : Moran's I with this matrix (``spatial_weights="contiguity"``).

    Examples
    --------
    >>> w = contiguity_weights(["北京", "天津", "河北", "海南", "广东"])
    >>> int(w.loc["河北", "北京"]), int(w.loc["海南", "广东"]), int(w.values.sum())
    (1, 1, 8)
    """
    from benchmark.datasets import load

    pairs = load("china_contiguity")
    if not strait:
        pairs = pairs[pairs["border"] == "land"]
    if entities is None:
        labels = load("china_provinces")["province"].tolist()
        short = labels
    elif isinstance(entities, str) or not isinstance(entities, Iterable):
        raise BenchmarkError(f"`entities` must be a list of provinces (e.g. ['北京', '天津']); got {entities!r}. "
                             "Put a single province in a list.")
    else:
        labels = list(entities)
        if not labels:
            raise EmptyDataError("`entities` is empty; list the provinces wanted (or omit it for all 31).")
        lookup = _province_lookup()
        unknown = [e for e in labels if str(e).strip().lower() not in lookup]
        if unknown:
            raise UnknownEntityError(
                f"{format_list(unknown)} is not one of China's 31 mainland provincial units; use short "
                "Chinese names ('广东'), full names ('广东省'), English names ('Guangdong') or GB/T 2260 codes, "
                "or give your own weights matrix.")
        short = [lookup[str(e).strip().lower()] for e in labels]
        dup = sorted({s for s in short if short.count(s) > 1})
        if dup:
            raise BenchmarkError(f"province(s) {format_list(dup)} appear more than once among `entities`.")
    position = {s: i for i, s in enumerate(short)}
    matrix = np.zeros((len(short), len(short)))
    keep = pairs["province"].isin(position) & pairs["neighbour"].isin(position)
    rows = pairs.loc[keep, "province"].map(position).to_numpy(dtype=int)
    cols = pairs.loc[keep, "neighbour"].map(position).to_numpy(dtype=int)
    matrix[rows, cols] = 1.0
    return pd.DataFrame(matrix, index=pd.Index(labels), columns=pd.Index(labels))


# ====================================================================== Moran's I
@dataclasses.dataclass(frozen=True, repr=False)
class MoranResult(Result):
    """Global and local Moran's I.

    Attributes
    ----------
    overall : pandas.DataFrame
        One row per period: ``n``, ``I``, ``expected`` (-1/(n-1)),
        ``z_norm``/``p_norm`` (normality assumption), ``z_rand``/``p_rand``
        (randomisation assumption), ``z_sim`` and ``p_sim`` (permutation
        test, pseudo p-value of the folded one-sided test as in PySAL's
        ``esda``); p-values under normality and randomisation are two-sided.
    local : pandas.DataFrame
        One row per period and entity: ``value``, ``z`` (standardised
        value), ``lag`` (spatial lag of z), ``I`` (local Moran,
        Anselin 1995), ``p_sim``, ``quadrant`` (``"HH"``, ``"LH"``,
        ``"LL"``, ``"HL"``) and ``cluster`` (the quadrant where
        ``p_sim < significance``, else ``"ns"``).
    weights : pandas.DataFrame
        The weights matrix used (after the transform), all entities.

    See Also
    --------
    morans_i : the analysis that returns this result.
    contiguity_weights : a contiguity matrix of China's provinces.

    """

    overall: pd.DataFrame
    local: pd.DataFrame
    weights: pd.DataFrame
    transform: str = "row"
    permutations: int = 999

    def summary(self) -> pd.DataFrame:
        """Global Moran's I per period (``period, statistic, value``).

        ``n``, ``I``, its expectation ``expected`` under no autocorrelation,
        and z and p under normality, randomisation and permutation. Local
        statistics are in :attr:`local`.
        """
        return _per_period(self.overall, _MORAN_FIGURES, hidden=("variance_norm", "variance_rand"))


def _weights_matrix(weights: Any, ids: list[Hashable], entity: str) -> pd.DataFrame:
    if isinstance(weights, str):
        check_choice(weights, ("contiguity",), name="spatial_weights")
        return contiguity_weights(ids)
    if hasattr(weights, "full") and hasattr(weights, "id_order"):  # a libpysal W object
        array, order = weights.full()
        weights = pd.DataFrame(array, index=list(order), columns=list(order))
    elif isinstance(weights, np.ndarray):
        if weights.shape != (len(ids), len(ids)):
            raise UnknownEntityError(
                f"the weights matrix does not match the entities: an array of shape {weights.shape} for "
                f"{len(ids)} {entity}(s). A plain array is read in the order in which the {entity} ids first "
                "appear in the data; or pass a DataFrame labelled with the ids.")
        weights = pd.DataFrame(weights, index=pd.Index(ids), columns=pd.Index(ids))
    if not isinstance(weights, pd.DataFrame):
        raise BenchmarkError(
            f"`spatial_weights` must be 'contiguity', a square pandas DataFrame with the {entity} ids as index and "
            f"columns, a square numpy array or a libpysal W; got {type(weights).__name__}.")
    if weights.shape[0] != weights.shape[1] or set(weights.index) != set(weights.columns):
        raise BenchmarkError("`spatial_weights` must be square with the same entity ids as index and columns; got "
                             f"shape {weights.shape}.")
    if not weights.index.is_unique:
        raise BenchmarkError("`spatial_weights` repeats entity ids in its index; list each entity once.")
    known, wanted = set(weights.index), set(ids)
    missing = [e for e in ids if e not in known]
    extra = [e for e in weights.index if e not in wanted]
    if missing or extra:
        parts = []
        if missing:
            parts.append(f"{entity}(s) {format_list(missing)} of the data have no row in `spatial_weights`")
        if extra:
            parts.append(f"`spatial_weights` has rows for {format_list(extra)}, which are not in the data")
        raise UnknownEntityError("the weights matrix does not match the entities: " + "; ".join(parts) +
                                 ". Give a matrix over exactly the data's entities (e.g. w.loc[ids, ids]).")
    try:
        matrix = weights.loc[ids, ids].to_numpy(dtype=float)
    except (TypeError, ValueError):
        raise BenchmarkError("`spatial_weights` must hold numbers only.") from None
    if not np.all(np.isfinite(matrix)) or np.any(matrix < 0):
        raise BenchmarkError("`spatial_weights` must hold finite, non-negative numbers.")
    if np.any(np.diag(matrix) != 0):
        bad = [ids[i] for i in np.flatnonzero(np.diag(matrix))]
        raise BenchmarkError(f"`spatial_weights` has a non-zero diagonal for {format_list(bad)}; a unit is not its own "
                             "neighbour (set the diagonal to 0).")
    return pd.DataFrame(matrix, index=pd.Index(ids), columns=pd.Index(ids))


def _entity_order(part: pd.DataFrame, entity: str) -> pd.DataFrame:
    """Rows sorted by entity id, so that the permutations drawn from a seed do not depend on row order."""
    try:
        return part.sort_values(entity, kind="stable")
    except TypeError:  # ids of mixed types that do not compare: keep the data's order
        return part


def _folded_p(sim: np.ndarray, observed: np.ndarray) -> np.ndarray:
    """Pseudo p-value (larger + 1) / (permutations + 1) of the folded one-sided test."""
    permutations = sim.shape[-1]
    larger = (sim >= observed[..., None]).sum(axis=-1)
    larger = np.minimum(larger, permutations - larger)
    return (larger + 1.0) / (permutations + 1.0)


def _two_sided(z: float) -> float:
    """Two-sided normal p-value, 2 (1 - Phi(|z|)) = erfc(|z| / sqrt 2)."""
    return math.erfc(abs(z) / math.sqrt(2.0)) if np.isfinite(z) else np.nan


def _moran_global(z: np.ndarray, w: np.ndarray, sims: np.ndarray | None) -> dict[str, float]:
    n = len(z)
    s0 = w.sum()
    s1 = 0.5 * np.sum((w + w.T) ** 2)
    s2 = np.sum((w.sum(axis=1) + w.sum(axis=0)) ** 2)
    zz = float(z @ z)
    i_value = n / s0 * float(z @ w @ z) / zz
    expected = -1.0 / (n - 1)
    var_norm = (n * n * s1 - n * s2 + 3 * s0 * s0) / ((n * n - 1) * s0 * s0) - expected**2
    k = n * np.sum(z**4) / zz**2
    var_rand = ((n * ((n * n - 3 * n + 3) * s1 - n * s2 + 3 * s0 * s0)
                 - k * ((n * n - n) * s1 - 2 * n * s2 + 6 * s0 * s0))
                / ((n - 1) * (n - 2) * (n - 3) * s0 * s0) - expected**2) if n > 3 else np.nan
    # var_norm is 0 when every permutation gives the same I (e.g. three mutually adjacent units)
    z_norm = (i_value - expected) / np.sqrt(var_norm) if var_norm > 0 else np.nan
    z_rand = (i_value - expected) / np.sqrt(var_rand) if var_rand > 0 else np.nan
    out = {"n": n, "I": i_value, "expected": expected, "variance_norm": var_norm, "z_norm": z_norm,
           "p_norm": _two_sided(z_norm), "variance_rand": var_rand, "z_rand": z_rand,
           "p_rand": _two_sided(z_rand)}
    if sims is not None:
        from scipy.sparse import csr_matrix

        # Sparse product: contiguity matrices are mostly zeros, and R x n x n dense work dominates otherwise.
        lag_sims = csr_matrix(w).dot(sims.T).T
        i_sim = n / s0 * np.sum(lag_sims * sims, axis=1) / zz
        sd = i_sim.std(ddof=1)
        out.update(z_sim=(i_value - i_sim.mean()) / sd if sd > 0 else np.nan,
                   p_sim=float(_folded_p(i_sim[None, :], np.array([i_value]))[0]))
    else:
        out.update(z_sim=np.nan, p_sim=np.nan)
    return out


def _moran_local(z: np.ndarray, w: np.ndarray, permutations: int, rng: np.random.Generator) -> pd.DataFrame:
    n = len(z)
    m2 = float(z @ z) / n
    lag = w @ z
    local = z * lag / m2
    p_sim = np.full(n, np.nan)
    if permutations:
        # Conditional permutation: unit i keeps its value, its neighbours get random other units' values.
        k = (w > 0).sum(axis=1)
        k_max = int(k.max())
        # One set of draws from the n - 1 other positions serves every unit (as in PySAL's esda);
        # position d of unit i is unit d, or d + 1 from i on.
        draws = np.argsort(rng.random((permutations, n - 1)), axis=1)[:, :k_max]
        for size in np.unique(k[k > 0]):
            units = np.flatnonzero(k == size)
            picked = draws[None, :, :size] + (draws[None, :, :size] >= units[:, None, None])
            neigh_w = np.stack([w[i, w[i] > 0] for i in units])
            lag_sim = np.einsum("upk,uk->up", z[picked], neigh_w)
            sim = z[units, None] * lag_sim / m2
            p_sim[units] = _folded_p(sim, local[units])
    return pd.DataFrame({"z": z / np.sqrt(m2), "lag": lag / np.sqrt(m2), "I": local, "p_sim": p_sim})


@validate_params("entity", "period", "random_state", value=_name, transform=options(*TRANSFORMS),
                 permutations=interval(0, integer=True), significance=interval(0, 1, closed="neither"))
def morans_i(
    data: pd.DataFrame,
    value: str,
    *,
    spatial_weights: pd.DataFrame | np.ndarray | str | Any = "contiguity",
    transform: str = "row",
    permutations: int = 999,
    significance: float = 0.05,
    random_state: Any = None,
    entity: str = "institution",
    period: str | None = "year",
) -> MoranResult:
    """Global and local Moran's I with permutation inference.

    With deviations ``z_i = y_i - mean(y)`` and spatial weights ``w_ij``,
    global Moran's I is ``I = (n / S0) sum_ij w_ij z_i z_j / sum_i z_i^2``
    (``S0 = sum_ij w_ij``), tested against ``E[I] = -1/(n-1)`` under the
    normality and randomisation assumptions (Cliff and Ord 1981) and by
    random permutation of the values. The local statistic of unit ``i``
    (Anselin 1995) is ``I_i = z_i sum_j w_ij z_j / m2`` with
    ``m2 = sum_i z_i^2 / n``, so that ``sum_i I_i = S0 I``; its pseudo
    p-value comes from conditional permutations (unit ``i`` fixed, the other
    values shuffled). ``quadrant`` places a unit in the Moran scatter plot.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per entity (and period).
    value : str
        The column analysed.
    spatial_weights : "contiguity", pandas.DataFrame, numpy.ndarray or libpysal W
        ``"contiguity"`` builds the first-order contiguity matrix of Chinese
        provinces from the shipped table (see :func:`contiguity_weights`;
        entity ids must be province names or codes); a DataFrame is a
        square matrix with the entity ids as index and columns, covering
        exactly the data's entities; a square array is read in the order
        in which the entity ids first appear in the data; a libpysal
        ``W`` object is used through its ``full()`` matrix and ids.
    transform : {"row", "binary"}, default "row"
        Row-standardise the weights (each row sums to 1) or use them as
        given.
    permutations : int, default 999
        Random permutations for the pseudo p-values (0 to skip).
    significance : float, default 0.05
        Level below which a local statistic is reported as a cluster.
    random_state : None, int or numpy.random.Generator
        Seed of the permutations.
    entity : str, default "institution"
        Column of entity ids (e.g. ``"province"``).
    period : str, optional
        Period column; a default name that is absent is ignored.

    Returns
    -------
    MoranResult
        Tables ``overall`` (global I per period), ``local`` and
        ``weights``.

    See Also
    --------
    contiguity_weights : the province contiguity matrix.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"province": ["北京", "天津", "河北", "山西", "内蒙古", "辽宁"],
    ...                    "score": [9.0, 8.0, 6.0, 3.0, 2.0, 4.0]})
    >>> res = morans_i(df, "score", entity="province", permutations=99, random_state=0)
    >>> round(float(res.overall["I"].iloc[0]), 4)
    0.509
    """
    rng = check_random_state(random_state)
    if entity is None:
        raise BenchmarkError("`entity` is required: name the column of entity ids (e.g. 'province').")
    frame, entity, period = _gate(data, value, entity=entity, period=period, weight=None, nonnegative=False)
    if entity is None:
        raise ColumnError(f"data has no entity column {_DEFAULT_ENTITY!r}; pass entity='province' (or the "
                          "column holding your entity ids).")
    check_missing(frame, [entity], hint="every row needs an entity id")
    all_ids = pd.unique(frame[entity]).tolist()
    full = _weights_matrix(spatial_weights, all_ids, entity)
    overall_rows, local_tables = [], []
    for p, part in _by_period(frame, period):
        part = _entity_order(part, entity)
        ids = part[entity].tolist()
        n = len(ids)
        if n < 3:
            raise EmptyDataError(f"Moran's I needs at least 3 entities{_where(p, period)}; got {n}.")
        w = full.loc[ids, ids].to_numpy(dtype=float)
        isolated = [ids[i] for i in np.flatnonzero(w.sum(axis=1) == 0)]
        if isolated:
            raise BenchmarkError(
                f"{entity}(s) {format_list(isolated)} have no neighbour among the data's entities"
                f"{_where(p, period)}; give a weights matrix that links them (or drop them).")
        if transform == "row":
            w = w / w.sum(axis=1, keepdims=True)
        y = part[value].to_numpy(dtype=float)
        unit = y / column_scale(y[:, None])[0]  # I is scale-free; raw squares overflow near 1e+154
        z = unit - unit.mean()
        if not np.any(np.abs(z) > 1e-12):
            raise BenchmarkError(f"{value!r} is constant{_where(p, period)}; Moran's I is undefined.")
        sims = rng.permuted(np.broadcast_to(z, (permutations, n)), axis=1) if permutations else None
        overall_rows.append({"period": p, **_moran_global(z, w, sims)})
        local = _moran_local(z, w, permutations, rng)
        local.insert(0, "value", y)
        local.insert(0, entity, part[entity].to_numpy())
        local.insert(0, "period", p)
        high, high_lag = local["z"] > 0, local["lag"] > 0
        local["quadrant"] = np.select([high & high_lag, ~high & high_lag, ~high & ~high_lag],
                                      ["HH", "LH", "LL"], "HL")
        local["cluster"] = local["quadrant"].where(local["p_sim"] < significance, "ns")
        local_tables.append(local)
    local = pd.concat(local_tables, ignore_index=True)
    local = local.drop(columns="period") if period is None else local.rename(columns={"period": period})
    local[entity] = local[entity].astype(frame[entity].dtype)
    shown = full.to_numpy(dtype=float)
    if transform == "row":
        shown = shown / np.where(shown.sum(axis=1, keepdims=True) > 0, shown.sum(axis=1, keepdims=True), 1.0)
    return MoranResult(overall=_with_period(overall_rows, period), local=local,
                       weights=pd.DataFrame(shown, index=full.index, columns=full.columns),
                       transform=transform, permutations=permutations)
