"""Against my peers: cohorts, nearest peers, percentile ranks, gaps and grades.

Every function here takes a panel (one row per entity and period) or a
cross-section and returns a tidy DataFrame. Cohorts never mix periods: when
the data hold a period column (``period``, default ``"year"``), every
cohort statistic is computed within one period.

- :func:`nearest_peers` - the *k* entities most similar to a focus on
  standardised characteristics, with a per-feature audit;
- :func:`cohort_stats` - n, mean, quartiles, spread per cohort and indicator;
- :func:`percentile_rank` - direction-aware percentile ranks (100 = best);
- :func:`peer_gap` - where one entity stands against its cohort, with gaps,
  robust z and a bootstrap interval;
- :func:`performance_groups` - A-E grades by distance from the cohort median.

See ``docs/peers.md`` for the methods and their sources.
"""

from __future__ import annotations

import warnings
from collections.abc import Hashable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from benchmark._cohorts import cohort_members, describe_cohort, listed_entities
from benchmark._numeric import mean_std
from benchmark._validation import (
    COMMON,
    BenchmarkError,
    ColumnError,
    EmptyDataError,
    MissingValueError,
    UnknownEntityError,
    as_list,
    check_choice,
    check_columns,
    check_count,
    check_entity,
    check_missing,
    check_panel,
    check_probability,
    check_random_state,
    direction_sign,
    format_list,
    missing_options,
    resolve_direction,
    validate_params,
)

__all__ = ["nearest_peers", "cohort_stats", "percentile_rank", "peer_gap", "performance_groups"]

#: Makes the median absolute deviation a consistent estimator of the
#: standard deviation under normality: 1 / Phi^{-1}(3/4) = 1.4826...
MAD_SCALE = 1.482602218505602

_KINDS = ("weak", "mean", "strict")
_METRICS = ("mahalanobis", "euclidean", "cro")
_COVARIANCES = ("sample", "robust", "shrinkage")
_GRADES = ("A", "B", "C", "D", "E")
_DEFAULT_CUTS = {"percent": (25.0, 10.0, -10.0, -25.0), "robust_z": (1.5, 0.5, -0.5, -1.5)}


# ---------------------------------------------------------------- shared helpers
def _period_col(frame: pd.DataFrame, period: str | None) -> str | None:
    """The period column if the data have one, else ``None`` (a cross-section)."""
    if period is not None and period in frame.columns:
        return period
    return None


def _by_columns(frame: pd.DataFrame, by: str | Sequence[str] | None, pcol: str | None) -> list[str]:
    """Grouping columns: ``by`` plus the period column, since cohorts never mix periods."""
    cols = as_list(by, name="by", allow_empty=True)
    check_columns(frame, cols, name="data", what="`by` column")
    if pcol is not None and pcol not in cols:
        cols.append(pcol)
    return cols


def _select_period(
    frame: pd.DataFrame, at: Any, pcol: str | None, period: str | None
) -> pd.DataFrame:
    """Rows of one period (``period`` given) or the whole frame."""
    if at is None:
        return frame
    if pcol is None:
        raise ColumnError(
            f"at={at!r} was given but the data have no period column {period!r}; "
            "name it with period=... or leave at=None for a cross-section."
        )
    rows = frame[pcol] == at
    if not rows.any():
        span = sorted(pd.unique(frame[pcol].dropna()).tolist())
        hint = ""
        if isinstance(at, str) and at in frame.columns:
            hint = (f" Here at= selects one period value; to name the period column "
                    f"use period={at!r}.")
        raise BenchmarkError(
            f"{pcol} {at!r} does not occur in `data`; available: {format_list(span, 12)}.{hint}"
        )
    return frame.loc[rows]


def _focus_missing(frame: pd.DataFrame, focus: Any, at: Any, pcol: str, entity: str) -> BenchmarkError:
    seen = sorted(pd.unique(frame.loc[frame[entity] == focus, pcol]).tolist())
    return UnknownEntityError(
        f"{entity} {focus!r} has no row in {pcol} {at!r}; it is observed in {format_list(seen, 12)}. "
        "Choose one of those periods."
    )


def _signed(frame: pd.DataFrame, inds: list[str], dirs: dict[str, str]) -> pd.DataFrame:
    """Indicator values multiplied by +1/-1 so that larger always means better."""
    signs = direction_sign(dirs, inds)
    return frame[inds].astype(float) * signs


# ---------------------------------------------------------------- percentile ranks
def _rank_to_percentile(values: pd.DataFrame, keys: list[str], frame: pd.DataFrame, kind: str) -> pd.DataFrame:
    """Grouped ranks turned into percentileofscore-style percentages (one Cython pass per column)."""
    method = {"weak": "max", "mean": "average", "strict": "min"}[kind]
    if keys:
        grouped = values.groupby([frame[k] for k in keys], dropna=False, sort=False)
        ranks = grouped.rank(method=method)
        n = grouped.transform("count")
    else:
        ranks = values.rank(method=method)
        n = values.count()
    offset = {"weak": 0.0, "mean": 0.5, "strict": 1.0}[kind]
    return 100.0 * (ranks - offset) / n


def _missing_reason(values: pd.DataFrame, inds: list[str]) -> pd.Series:
    """Why a rank is missing: the indicator (one) or the number of indicators without a value."""
    counts = values.isna().sum(axis=1)
    if len(inds) == 1:
        labels = {1: f"no value for {inds[0]}"}
    else:
        labels = {c: f"no value for {c} of {len(inds)} indicators" for c in pd.unique(counts) if c}
    return counts.map(labels).astype(object).where(counts > 0, None).rename("reason")


@validate_params("entity", "indicators", period=COMMON["period"])
def percentile_rank(
    data: pd.DataFrame,
    indicators: str | Sequence[str],
    *,
    by: str | Sequence[str] | None = None,
    direction: Mapping[str, str] | pd.DataFrame | str | None = None,
    kind: str = "weak",
    entity: str | None = "institution",
    period: str | None = "year",
) -> pd.DataFrame:
    """Direction-aware percentile ranks within cohorts (100 = best).

    Parameters
    ----------
    data : DataFrame
        Panel or cross-section.
    indicators : str or list of str
        Numeric indicator columns. Missing values are allowed: they stay
        missing and are named in the ``reason`` column.
    by : str or list of str, optional
        Columns defining cohorts (e.g. ``"tier"``). The period column is
        always added, so cohorts never mix periods. ``None``: one cohort per
        period.
    direction : None, str, mapping or indicator-metadata DataFrame
        Which way is better for each indicator (default "higher").
    kind : {"weak", "mean", "strict"}
        How ties and the entity itself count, as in
        :func:`scipy.stats.percentileofscore`: ``"weak"`` is the share of
        the cohort doing no better (the best gets 100, tied entities share
        the higher value); ``"mean"`` counts ties half; ``"strict"`` is the
        share doing strictly worse (the best of *n* gets 100 (n-1)/n).
    entity, period : str
        Names of the entity and period columns (the period column may be
        absent).

    Returns
    -------
    DataFrame
        Same rows and index as ``data``: the entity, period and ``by``
        columns, one column per indicator holding its percentile rank, and
        ``reason`` (``None``, or which indicators had no value).

    See Also
    --------
    performance_groups : grades from the distance to the cohort median.
    peer_gap : one entity's gaps to its peers.
    benchmark.composite : one score from several indicators.

    Examples
    --------
    >>> df = pd.DataFrame({"institution": list("abcd"), "tier": ["A", "A", "B", "B"],
    ...                    "rate": [80.0, 90.0, 70.0, 70.0]})
    >>> percentile_rank(df, "rate", by="tier")
      institution tier   rate reason
    0           a    A   50.0   None
    1           b    A  100.0   None
    2           c    B  100.0   None
    3           d    B  100.0   None
    """
    frame, inds = check_panel(data, indicators, entity=entity, period=period,
                              require_period=False, missing="allow")
    check_choice(kind, _KINDS, name="kind")
    dirs = resolve_direction(direction, inds)
    pcol = _period_col(frame, period)
    keys = _by_columns(frame, by, pcol)
    values = _signed(frame, inds, dirs)
    ranks = _rank_to_percentile(values, keys, frame, kind)
    id_cols = [c for c in dict.fromkeys([entity, pcol, *keys]) if c is not None]
    out = pd.concat([frame[id_cols], ranks, _missing_reason(values, inds)], axis=1)
    return out


# ---------------------------------------------------------------- cohort statistics
@validate_params("entity", "indicators", period=COMMON["period"])
def cohort_stats(
    data: pd.DataFrame,
    indicators: str | Sequence[str],
    *,
    by: str | Sequence[str] | None = None,
    at: Any = None,
    entity: str | None = "institution",
    period: str | None = "year",
) -> pd.DataFrame:
    """Summary statistics per cohort, period and indicator.

    Parameters
    ----------
    data : DataFrame
        Panel or cross-section.
    indicators : str or list of str
        Numeric indicator columns (missing values allowed; counted in
        ``n_missing``).
    by : str or list of str, optional
        Cohort columns. The period column is always added.
    at : optional
        Keep only this period (a value of the period column).
    entity, period : str
        Names of the entity and period columns.

    Returns
    -------
    DataFrame
        One row per cohort (``by`` values and period) and indicator, sorted
        by cohort: ``n``, ``n_missing``, ``mean``, ``std`` (ddof=1),
        ``min``, ``q1``, ``median``, ``q3`` (linear interpolation, as
        :meth:`pandas.Series.quantile`), ``max`` and ``reason`` (why a
        statistic is missing).

    See Also
    --------
    percentile_rank : where each entity stands within its cohort.
    peer_gap : one entity against the cohort, indicator by indicator.
    benchmark.plot_profile : an entity against its cohort's range.

    Examples
    --------
    >>> df = pd.DataFrame({"institution": list("abcd"), "tier": ["A", "A", "B", "B"],
    ...                    "rate": [80.0, 90.0, 70.0, 60.0]})
    >>> cohort_stats(df, "rate", by="tier")[["tier", "indicator", "n", "mean", "median", "max"]]
      tier indicator  n  mean  median   max
    0    A      rate  2  85.0    85.0  90.0
    1    B      rate  2  65.0    65.0  70.0
    """
    frame, inds = check_panel(data, indicators, entity=entity, period=period,
                              require_period=False, missing="allow")
    pcol = _period_col(frame, period)
    frame = _select_period(frame, at, pcol, period)
    keys = _by_columns(frame, by, pcol)
    values = frame[inds].astype(float)
    if keys:
        grouped = values.groupby([frame[k] for k in keys], dropna=False, sort=True)
        stats = {
            "n": grouped.count(), "n_missing": grouped.count().rsub(grouped.size(), axis=0),
            "mean": grouped.mean(), "std": grouped.std(), "min": grouped.min(),
            "q1": grouped.quantile(0.25), "median": grouped.median(), "q3": grouped.quantile(0.75),
            "max": grouped.max(),
        }
        long = pd.DataFrame({name: table.stack() for name, table in stats.items()})
        long.index = long.index.set_names([*keys, "indicator"])
        out = long.reset_index()
    else:
        out = pd.DataFrame({
            "indicator": inds, "n": values.count().to_numpy(), "n_missing": values.isna().sum().to_numpy(),
            "mean": values.mean().to_numpy(), "std": values.std().to_numpy(),
            "min": values.min().to_numpy(), "q1": values.quantile(0.25).to_numpy(),
            "median": values.median().to_numpy(), "q3": values.quantile(0.75).to_numpy(),
            "max": values.max().to_numpy(),
        })
    out["n"] = out["n"].astype(int)
    out["n_missing"] = out["n_missing"].astype(int)
    reason = np.select([out["n"] == 0, out["n"] == 1],
                       ["no values in this cohort", "one value: std undefined"], "")
    out["reason"] = pd.Series(reason, index=out.index, dtype=object).where(out["n"] < 2, None)
    return out


# ---------------------------------------------------------------- peer gaps
def _resolve_members(
    rows: pd.DataFrame, focus: Any, cohort: Any, entity: str, listed: list[Any] | None, where: str
) -> tuple[list[Any], int]:
    """Cohort members present in ``rows`` and the number of listed peers absent from them."""
    absent = 0
    if listed is not None:
        present = set(rows[entity].tolist())
        here = [e for e in listed if e in present]
        absent = sum(1 for e in listed if e not in present and e != focus)
        cohort = here
    try:
        members = cohort_members(rows, focus, cohort, entity=entity, min_size=2)
    except EmptyDataError as exc:
        raise EmptyDataError(f"{exc}{where}") from None
    return members, absent


def _percentile_of(x: np.ndarray, v: float, kind: str) -> float:
    below = np.count_nonzero(x < v)
    equal = np.count_nonzero(x == v)
    score = {"weak": below + equal, "mean": below + 0.5 * equal, "strict": below}[kind]
    return 100.0 * score / x.size


def _bootstrap_medians(x: np.ndarray, n_boot: int, rng: np.random.Generator) -> np.ndarray:
    """Medians of ``n_boot`` resamples of ``x``, drawn as one index matrix."""
    idx = rng.integers(0, x.size, size=(n_boot, x.size))
    return np.median(x[idx], axis=1)


def _pct(gap: float, ref: float) -> float:
    return 100.0 * gap / abs(ref) if ref != 0 else np.nan


def _gap_row(
    x: np.ndarray, names: np.ndarray, v: float, sign: float, kind: str,
    level: float | None, n_boot: int, rng: np.random.Generator,
) -> dict[str, Any]:
    """Gap statistics of one focus value ``v`` against peer values ``x`` (already sorted)."""
    med = float(np.median(x))
    q1, q3 = (float(q) for q in np.percentile(x, [25, 75]))
    signed = sign * x
    best_mask = signed == signed.max()
    best = float(x[best_mask][0])
    upper = q3 if sign > 0 else q1
    mad = float(np.median(np.abs(x - med)))
    row = {"n_cohort": x.size, "cohort_median": med, "cohort_q1": q1, "cohort_q3": q3,
           "cohort_best": best, "best_entity": ", ".join(sorted(map(str, names[best_mask])))}
    reasons = []
    if np.isnan(v):
        reasons.append("focus value missing")
        return {**row, "reason": "; ".join(reasons)}
    row["percentile_rank"] = _percentile_of(signed, sign * v, kind)
    row["robust_z"] = sign * (v - med) / (MAD_SCALE * mad) if mad > 0 else np.nan
    if mad == 0:
        reasons.append("robust z undefined: MAD is 0 (at least half of the peers share one value)")
    for label, ref in (("median", med), ("upper_quartile", upper), ("best", best)):
        gap = sign * (v - ref)
        row[f"gap_{label}"] = gap
        row[f"gap_{label}_pct"] = _pct(gap, ref)
        if ref == 0:
            reasons.append(f"gap_{label}_pct undefined: reference is 0")
    if level is not None:
        gaps = sign * (v - _bootstrap_medians(x, n_boot, rng))
        lo, hi = np.quantile(gaps, [(1 - level) / 2, (1 + level) / 2])
        row.update(ci_low=float(lo), ci_high=float(hi), significant=bool(lo > 0 or hi < 0))
    row["reason"] = "; ".join(reasons) if reasons else None
    return row


def _gaps_one_period(
    rows: pd.DataFrame, focus: Any, inds: list[str], dirs: dict[str, str], cohort: Any,
    listed: list[Any] | None, entity: str, kind: str, level: float | None, n_boot: int,
    rng: np.random.Generator, where: str,
) -> list[dict[str, Any]]:
    members, absent = _resolve_members(rows, focus, cohort, entity, listed, where)
    # Sorting peers by name makes results (bootstrap included) independent of row order.
    peers = rows[rows[entity].isin(members)]
    peers = peers.iloc[np.argsort(peers[entity].astype(str).to_numpy(), kind="stable")]
    focus_row = rows.loc[rows[entity] == focus, inds].iloc[0]
    names = peers[entity].to_numpy()
    out = []
    for ind, sign in zip(inds, direction_sign(dirs, inds), strict=True):
        col = peers[ind].to_numpy(dtype=float, na_value=np.nan)
        ok = ~np.isnan(col)
        base = {"indicator": ind, "direction": dirs[ind], entity: focus,
                "value": float(focus_row[ind]), "n_missing": int((~ok).sum()) + absent}
        if ok.sum() < 2:
            why = f"only {int(ok.sum())} peer(s) with a value; at least 2 needed"
            if np.isnan(base["value"]):
                why = f"focus value missing; {why}"
            base.update(n_cohort=int(ok.sum()), reason=why)
            out.append(base)
            continue
        out.append({**base, **_gap_row(col[ok], names[ok], base["value"], sign, kind, level, n_boot, rng)})
    return out


_GAP_COLUMNS = ["indicator", "direction", "value", "n_cohort", "n_missing", "cohort", "cohort_median",
                "cohort_q1", "cohort_q3", "cohort_best", "best_entity", "percentile_rank", "robust_z",
                "gap_median", "gap_median_pct", "gap_upper_quartile", "gap_upper_quartile_pct",
                "gap_best", "gap_best_pct"]


@validate_params("entity", "indicators", "random_state", "ci", "n_boot", period=COMMON["period"])
def peer_gap(
    data: pd.DataFrame,
    focus: Hashable,
    indicators: str | Sequence[str],
    *,
    cohort: Any = None,
    at: Any = None,
    direction: Mapping[str, str] | pd.DataFrame | str | None = None,
    ci: float | None = None,
    n_boot: int = 1000,
    random_state: Any = None,
    kind: str = "weak",
    entity: str = "institution",
    period: str | None = "year",
) -> pd.DataFrame:
    """Where one entity stands against its peers, indicator by indicator.

    The focus is excluded from its own cohort. A positive gap always means
    the focus is ahead (direction-aware).

    Parameters
    ----------
    data : DataFrame
        Panel or cross-section. Missing indicator values are allowed: a
        peer without a value is left out of that indicator's cohort (counted
        in ``n_missing``).
    focus : entity name
        The entity compared with its peers.
    indicators : str or list of str
        Numeric indicator columns.
    cohort : None, column name, dict, list of entities or nearest-peers table
        Who the peers are (see :mod:`benchmark._cohorts`): ``None`` all
        other entities, ``"tier"`` those sharing the focus's tier,
        ``{"tier": "A"}`` those with tier A, a list of names, or the result
        of :func:`nearest_peers`. Listed peers absent in a period are
        counted in ``n_missing``.
    at : optional
        One period to compare. ``None``: every period in which the focus is
        observed, each against its own cohort.
    direction : None, str, mapping or indicator-metadata DataFrame
        Which way is better for each indicator (default "higher").
    ci : float, optional
        With a level such as 0.95, a percentile-bootstrap interval for the
        gap to the cohort median (``ci_low``, ``ci_high``)
        and ``significant`` (the interval excludes 0).
    n_boot : int
        Bootstrap resamples (default 1000).
    random_state : None, int or Generator
        Seed of the bootstrap.
    kind : {"weak", "mean", "strict"}
        Tie handling of the percentile rank (see :func:`percentile_rank`);
        here it is the share of *peers* the focus does at least as well as.
    entity, period : str
        Names of the entity and period columns.

    Returns
    -------
    DataFrame
        One row per (period, indicator): the period, ``indicator``,
        ``direction``, the focus (entity column), ``value``, ``n_cohort``,
        ``n_missing``, ``cohort`` (description), ``cohort_median``,
        ``cohort_q1``, ``cohort_q3``, ``cohort_best``, ``best_entity``,
        ``percentile_rank``, ``robust_z`` (``(value - median) / (1.4826
        MAD)``, signed so positive is better), ``gap_median``,
        ``gap_upper_quartile`` (the better-side quartile), ``gap_best`` and
        each in percent of the reference (``*_pct``), the interval columns
        with ``ci``, and ``reason`` for anything left undefined.

    Raises
    ------
    UnknownEntityError
        Unknown focus, or focus absent in ``period``.
    EmptyDataError
        A cohort with fewer than two peers.

    See Also
    --------
    nearest_peers : choose the peers by similarity.
    percentile_rank : the standing of every entity in its cohort.
    cohort_stats : the cohort statistics behind the gaps.
    benchmark.value_added : gaps after adjusting for context.
    benchmark.plot_gaps : the gaps as diverging bars.

    Examples
    --------
    >>> df = pd.DataFrame({"institution": list("abcde"), "rate": [80.0, 60.0, 70.0, 75.0, 90.0]})
    >>> g = peer_gap(df, "a", "rate")
    >>> g[["indicator", "value", "n_cohort", "cohort_median", "gap_median", "percentile_rank"]]
      indicator  value  n_cohort  cohort_median  gap_median  percentile_rank
    0      rate   80.0         4           72.5         7.5             75.0
    """
    frame, inds = check_panel(data, indicators, entity=entity, period=period,
                              require_period=False, missing="allow")
    check_entity(frame, focus, entity=entity)
    dirs = resolve_direction(direction, inds)
    check_choice(kind, _KINDS, name="kind")
    level = None if ci is None else check_probability(ci, name="ci")
    n_boot = check_count(n_boot, name="n_boot", minimum=100)
    rng = check_random_state(random_state)
    listed = listed_entities(cohort, entity)
    if listed is not None:
        _check_listed(frame, listed, entity)
    pcol = _period_col(frame, period)
    rows = []
    for value, part in _focus_periods(frame, focus, at, pcol, period, entity):
        where = f" ({pcol} {value!r})" if pcol is not None else ""
        block = _gaps_one_period(part, focus, inds, dirs, cohort, listed, entity, kind, level, n_boot, rng, where)
        for r in block:
            r["cohort"] = describe_cohort(cohort)
            if pcol is not None:
                r[pcol] = value
        rows.extend(block)
    extra = ["ci_low", "ci_high", "significant"] if level is not None else []
    cols = [c for c in (pcol, entity) if c is not None] + _GAP_COLUMNS + extra + ["reason"]
    out = pd.DataFrame(rows).reindex(columns=cols)
    if level is not None:
        out["significant"] = out["significant"].astype("boolean")
    return out


def _check_listed(frame: pd.DataFrame, listed: list[Any], entity: str) -> None:
    known = set(frame[entity].tolist())
    unknown = [e for e in listed if e not in known]
    if unknown:
        raise UnknownEntityError(f"cohort lists {entity} {format_list(unknown)}, not found in the data.")


def _focus_periods(
    frame: pd.DataFrame, focus: Any, at: Any, pcol: str | None, period: str | None, entity: str
) -> list[tuple[Any, pd.DataFrame]]:
    """(period value, rows) pairs to compare: one period, or every period of the focus."""
    if pcol is None:
        _select_period(frame, at, pcol, period)  # raises if a period was asked for
        return [(None, frame)]
    if at is not None:
        part = _select_period(frame, at, pcol, period)
        if not (part[entity] == focus).any():
            raise _focus_missing(frame, focus, at, pcol, entity)
        return [(at, part)]
    seen = sorted(pd.unique(frame.loc[frame[entity] == focus, pcol]).tolist())
    return [(p, frame.loc[frame[pcol] == p]) for p in seen]


# ---------------------------------------------------------------- performance groups
def _check_cuts(cuts: Sequence[float] | None, rule: str) -> tuple[float, ...]:
    if cuts is None:
        return _DEFAULT_CUTS[rule]
    try:
        values = tuple(float(c) for c in cuts)
    except (TypeError, ValueError):
        raise BenchmarkError(f"`cuts` must be four numbers; got {cuts!r}.") from None
    if len(values) != 4 or not all(a > b for a, b in zip(values, values[1:])):
        raise BenchmarkError(
            f"`cuts` must be four strictly decreasing numbers (A/B, B/C, C/D, D/E boundaries); got {cuts!r}."
        )
    return values


def _grade(distance: np.ndarray, cuts: tuple[float, ...]) -> np.ndarray:
    """A-E from the signed distance; boundary values go to the group nearer the median."""
    a, b, c, d = cuts
    choices = [distance > a, distance > b, distance >= c, distance >= d, distance < d]
    return np.select(choices, list(_GRADES), default=None).astype(object)


def _groups_one_indicator(
    frame: pd.DataFrame, ind: str, sign: float, keys: list[str], rule: str,
    cuts: tuple[float, ...], min_size: int, id_cols: list[str],
) -> pd.DataFrame:
    x = frame[ind].astype(float)
    if keys:
        grouped = x.groupby([frame[k] for k in keys], dropna=False, sort=False)
        med, n = grouped.transform("median"), grouped.transform("count")
        mad = (x - med).abs().groupby([frame[k] for k in keys], dropna=False, sort=False).transform("median")
    else:
        med = pd.Series(x.median(), index=x.index)
        n = pd.Series(x.count(), index=x.index)
        mad = pd.Series((x - med).abs().median(), index=x.index)
    if rule == "percent":
        scale = med.abs()
        distance = 100.0 * sign * (x - med) / scale.where(scale > 0)
        undefined = "cohort median is 0: percent distance undefined (use rule='robust_z')"
    else:
        scale = MAD_SCALE * mad
        distance = sign * (x - med) / scale.where(scale > 0)
        undefined = "MAD is 0: robust z undefined (use rule='percent')"
    small = n < min_size
    distance = distance.where(~small)
    reason = np.select(
        [x.isna(), small, distance.isna()],
        ["value missing", f"cohort has fewer than {min_size} values: not graded", undefined], None)
    out = frame[id_cols].copy()
    out["indicator"] = ind
    out["value"] = x
    out["n_cohort"] = n.astype(int)
    out["cohort_median"] = med
    out["distance"] = distance
    out["group"] = _grade(distance.to_numpy(), cuts)
    out.loc[distance.isna(), "group"] = None
    out["reason"] = pd.Series(reason, index=frame.index).astype(object).where(distance.isna(), None)
    return out


@validate_params("entity", "indicators", period=COMMON["period"])
def performance_groups(
    data: pd.DataFrame,
    indicators: str | Sequence[str],
    *,
    by: str | Sequence[str] | None = None,
    direction: Mapping[str, str] | pd.DataFrame | str | None = None,
    rule: str = "percent",
    cuts: Sequence[float] | None = None,
    min_size: int = 5,
    entity: str | None = "institution",
    period: str | None = "year",
) -> pd.DataFrame:
    """Grades A (very good) to E (weak) by distance from the cohort median.

    In the spirit of U-Multirank's performance groups, each value is placed
    by its direction-aware distance ``d`` from its cohort's median (the
    cohort includes the entity itself):

    - ``rule="percent"``: ``d = 100 * (x - median) / |median|``; default
      cuts ``(25, 10, -10, -25)``;
    - ``rule="robust_z"``: ``d = (x - median) / (1.4826 MAD)``; default
      cuts ``(1.5, 0.5, -0.5, -1.5)``.

    With cuts ``(a, b, c, d)``: A if ``d > a``, B if ``b < d <= a``, C if
    ``c <= d <= b``, D if ``d' <= d < c``, E if ``d < d'`` (boundaries go to
    the group nearer the median). Cohorts with fewer than ``min_size``
    values are not graded.

    Parameters
    ----------
    data : DataFrame
        Panel or cross-section; missing values allowed (not graded).
    indicators : str or list of str
        Numeric indicator columns.
    by : str or list of str, optional
        Cohort columns; the period column is always added.
    direction : None, str, mapping or indicator-metadata DataFrame
        Which way is better for each indicator.
    rule : {"percent", "robust_z"}
        Distance measure (see above).
    cuts : four decreasing numbers, optional
        Group boundaries in the units of ``rule``.
    min_size : int
        Smallest cohort (values present) that is graded (default 5).
    entity, period : str
        Names of the entity and period columns.

    Returns
    -------
    DataFrame
        One row per input row and indicator (indicators stacked in the order
        given): identifying columns, ``indicator``, ``value``, ``n_cohort``,
        ``cohort_median``, ``distance``, ``group`` (A-E or missing) and
        ``reason`` (why a row is not graded).

    See Also
    --------
    percentile_rank : the rank of each entity within its cohort.
    benchmark.grade : grade bands from scores with fixed cut-offs.
    benchmark.tiers : data-driven ordered tiers.

    Examples
    --------
    >>> df = pd.DataFrame({"institution": list("abcde"), "rate": [50.0, 80.0, 100.0, 120.0, 150.0]})
    >>> performance_groups(df, "rate")[["institution", "distance", "group"]]
      institution  distance group
    0           a     -50.0     E
    1           b     -20.0     D
    2           c       0.0     C
    3           d      20.0     B
    4           e      50.0     A
    """
    frame, inds = check_panel(data, indicators, entity=entity, period=period,
                              require_period=False, missing="allow")
    check_choice(rule, tuple(_DEFAULT_CUTS), name="rule")
    bounds = _check_cuts(cuts, rule)
    min_size = check_count(min_size, name="min_size", minimum=1)
    dirs = resolve_direction(direction, inds)
    pcol = _period_col(frame, period)
    keys = _by_columns(frame, by, pcol)
    id_cols = [c for c in dict.fromkeys([entity, pcol, *keys]) if c is not None]
    parts = [_groups_one_indicator(frame, ind, sign, keys, rule, bounds, min_size, id_cols)
             for ind, sign in zip(inds, direction_sign(dirs, inds), strict=True)]
    out = pd.concat(parts, ignore_index=True)
    out["group"] = pd.Categorical(out["group"], categories=list(_GRADES), ordered=True)
    return out


# ---------------------------------------------------------------- nearest peers
def _check_weights(weights: Any, features: list[str]) -> np.ndarray:
    """Feature weights normalised to mean 1 (``None``: all 1)."""
    if weights is None:
        return np.ones(len(features))
    if isinstance(weights, Mapping | pd.Series):
        unknown = [k for k in weights.keys() if k not in features]
        if unknown:
            raise BenchmarkError(f"`weights` names {format_list(unknown)}, which are not among the features "
                                 f"({format_list(features, 10)}).")
        w = np.array([float(weights.get(f, 1.0)) for f in features])
    else:
        w = np.asarray(list(weights), dtype=float)
        if w.shape != (len(features),):
            raise BenchmarkError(f"`weights` has {w.size} values for {len(features)} features; "
                                 "give one per feature or a mapping {feature: weight}.")
    if not np.all(np.isfinite(w)) or (w < 0).any() or w.sum() == 0:
        raise BenchmarkError(f"`weights` must be finite, non-negative and not all zero; got {w.tolist()}.")
    return w * len(w) / w.sum()


def _covariance(z: np.ndarray, how: str, random_state: Any) -> np.ndarray:
    if how == "sample":
        return np.atleast_2d(np.cov(z, rowvar=False))
    if how == "shrinkage":
        from sklearn.covariance import LedoitWolf

        return LedoitWolf().fit(z).covariance_
    from sklearn.covariance import MinCovDet

    seed = int(check_random_state(random_state).integers(0, 2**31 - 1))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # singular MCD subsets; checked below
        return MinCovDet(random_state=seed).fit(z).covariance_


def _check_invertible(cov: np.ndarray, features: list[str], how: str, n: int) -> None:
    """Raise naming the collinear features when ``cov`` (of z-scores) is (near) singular."""
    vals, vecs = np.linalg.eigh(cov)
    if vals[0] > 1e-10 * max(vals[-1], 1e-300):
        return
    loadings = np.abs(vecs[:, 0])
    culprits = [f for f, load in zip(features, loadings, strict=True) if load > 0.1]
    why = (f"only {n} entities for {len(features)} features" if n <= len(features)
           else f"features {format_list(culprits, 10)} are (nearly) collinear")
    other = ("covariance='robust' (MCD, resistant to outliers) or " if how != "robust" else "")
    raise BenchmarkError(
        f"the {how} covariance matrix of the features is singular ({why}). Drop a redundant feature, "
        f"or use {other}covariance='shrinkage' (Ledoit-Wolf, always invertible), or metric='euclidean'."
    )


def _distances(
    z: np.ndarray, zf: np.ndarray, x: np.ndarray, xf: np.ndarray, pop_z: np.ndarray, pop_x: np.ndarray,
    metric: str, w: np.ndarray, covariance: str, features: list[str], random_state: Any,
) -> tuple[np.ndarray, np.ndarray]:
    """Distance and 0-1 similarity of every candidate (rows of ``z``/``x``) to the focus."""
    from scipy.stats import chi2

    p = len(features)
    if metric == "cro":
        spread = pop_x.max(axis=0) - pop_x.min(axis=0)
        dist = (np.abs(x - xf) / spread) @ w / w.sum()
        return dist, 1.0 - dist
    delta = z - zf
    if metric == "euclidean":
        d2 = (delta**2) @ w
    else:
        cov = _covariance(pop_z, covariance, random_state)
        _check_invertible(cov, features, covariance, pop_z.shape[0])
        d2 = np.einsum("ij,ij->i", delta, np.linalg.solve(cov, delta.T).T)
    dist = np.sqrt(np.maximum(d2, 0.0))
    # d^2/2 is chi-square(p) for two independent draws of a normal population.
    return dist, chi2.sf(d2 / 2.0, df=p)


def _peer_pool(
    rows: pd.DataFrame, focus: Any, features: list[str], match: list[str], entity: str, missing: str, where: str
) -> tuple[pd.DataFrame, pd.Series]:
    """Complete rows (the population) and the focus's row; handles ``missing=``."""
    focus_row = rows.loc[rows[entity] == focus].iloc[0]
    gaps = [f for f in features if pd.isna(focus_row[f])]
    if gaps:
        raise MissingValueError(f"{entity} {focus!r} has no value for feature(s) {format_list(gaps)}{where}; "
                                "fill them or choose other features.")
    incomplete = rows[features].isna().any(axis=1)
    if incomplete.any():
        if missing == "raise":
            check_missing(rows, features, keys=[entity], name="data",
                          hint="fill them, or pass missing='drop' to leave those entities out of the pool")
        names = rows.loc[incomplete, entity].tolist()
        warnings.warn(f"nearest_peers: {len(names)} {entity}(s) without a value for every feature were left "
                      f"out of the pool{where}: {format_list(names)}.", UserWarning, stacklevel=3)
    for col in match:
        if pd.isna(focus_row[col]):
            raise MissingValueError(f"{entity} {focus!r} has no value in match column {col!r}{where}.")
    return rows.loc[~incomplete], focus_row


def _check_constant(pop: pd.DataFrame, features: list[str], where: str) -> None:
    spread = pop[features].max() - pop[features].min()
    constant = [f for f in features if not spread[f] > 0]
    if constant:
        raise ColumnError(f"feature(s) {format_list(constant)} take one value for every entity{where}; they cannot "
                          "tell peers apart - drop them from `features`.")


@validate_params("entity", "random_state", period=COMMON["period"], missing=missing_options("raise", "drop"))
def nearest_peers(
    data: pd.DataFrame,
    focus: Hashable,
    features: str | Sequence[str],
    *,
    k: int = 10,
    metric: str = "mahalanobis",
    match: str | Sequence[str] | None = None,
    weights: Mapping[str, float] | Sequence[float] | None = None,
    at: Any = None,
    covariance: str = "sample",
    missing: str = "raise",
    random_state: Any = None,
    entity: str = "institution",
    period: str | None = "year",
) -> pd.DataFrame:
    """The ``k`` entities most similar to ``focus`` on standardised characteristics.

    Scales (and, for Mahalanobis, the covariance) are estimated on every
    entity of the period with complete features - the population - and the
    peers are then chosen among those sharing the focus's ``match`` values.

    Parameters
    ----------
    data : DataFrame
        Cross-section, or a panel together with ``period``.
    focus : entity name
        The entity whose peers are sought.
    features : str or list of str
        Numeric characteristics to match on (size, intake, spending...).
    k : int
        Number of peers (ties at the k-th distance broken by entity name).
    metric : {"mahalanobis", "euclidean", "cro"}
        ``"mahalanobis"``: ``sqrt(d' S^-1 d)`` with ``S`` the covariance of
        the features; ``"euclidean"``: on z-scores, optionally weighted;
        ``"cro"``: College-Results-Online-style weighted similarity, one
        minus the weighted mean of absolute differences scaled by each
        feature's range (Gower's coefficient).
    match : str or list of str, optional
        Columns whose value peers must share with the focus (sector...).
    weights : mapping or sequence, optional
        Feature weights for "euclidean" and "cro" (normalised to mean 1).
        Mahalanobis distance does not change when features are rescaled, so
        weights are refused there.
    at : optional
        The period to use when ``data`` is a panel.
    covariance : {"sample", "robust", "shrinkage"}
        Covariance for Mahalanobis: the sample covariance, the Minimum
        Covariance Determinant (robust to outlying entities) or Ledoit-Wolf
        shrinkage (always invertible).
    missing : {"raise", "drop"}
        Entities lacking a feature: raise, or leave them out of the pool
        with a warning naming them.
    random_state : None, int or Generator
        Seed for the robust (MCD) covariance.
    entity, period : str
        Names of the entity and period columns.

    Returns
    -------
    DataFrame
        One row per peer, nearest first: ``rank``, the entity column, the
        period, ``focus``, the ``match`` columns, ``distance``,
        ``similarity`` (0-1, 1 = identical), and per feature ``f`` the
        peer's value ``f``, ``diff_f`` (peer minus focus, raw units) and
        ``zdiff_f`` (the same in population standard deviations). Its entity
        column can be passed as ``cohort=`` to :func:`peer_gap`.

    See Also
    --------
    peer_gap : the gaps against the peers found here.
    cohort_stats : statistics of a cohort.
    benchmark.dea : the peers that span the efficiency frontier.

    Examples
    --------
    >>> df = pd.DataFrame({"institution": list("abcdef"),
    ...                    "size": [10.0, 11.0, 30.0, 12.0, 50.0, 9.0],
    ...                    "intake": [1.0, 1.1, 3.0, 0.9, 2.0, 1.3]})
    >>> nearest_peers(df, "a", ["size", "intake"], k=2, metric="euclidean")[["rank", "institution"]]
       rank institution
    0     1           b
    1     2           d
    """
    frame, feats = check_panel(data, features, entity=entity, period=period, require_period=False,
                               missing="allow", attributes=as_list(match, name="match", allow_empty=True))
    match_cols = as_list(match, name="match", allow_empty=True)
    check_entity(frame, focus, entity=entity)
    check_choice(metric, _METRICS, name="metric")
    check_choice(covariance, _COVARIANCES, name="covariance")
    k = check_count(k, name="k")
    if weights is not None and metric == "mahalanobis":
        raise BenchmarkError("`weights` has no effect on the Mahalanobis distance (it does not change when a "
                             "feature is rescaled); use metric='euclidean' or metric='cro' to weight features.")
    w = _check_weights(weights, feats)
    rows, where = _single_period(frame, focus, at, period, entity)
    pop, focus_row = _peer_pool(rows, focus, feats, match_cols, entity, missing, where)
    _check_constant(pop, feats, where)
    pool = pop[pop[entity] != focus]
    for col in match_cols:
        pool = pool[pool[col] == focus_row[col]]
    if k > len(pool):
        restriction = f" sharing its {format_list(match_cols)}" if match_cols else ""
        raise BenchmarkError(f"k={k} is larger than the pool of {len(pool)} candidate {entity}(s){restriction}"
                             f"{where}; lower k" + (" or relax `match`." if match_cols else "."))
    return _peer_table(pop, pool, focus_row, focus, feats, match_cols, metric, w, covariance,
                       random_state, k, entity, _period_col(frame, period))


def _single_period(
    frame: pd.DataFrame, focus: Any, at: Any, period: str | None, entity: str
) -> tuple[pd.DataFrame, str]:
    pcol = _period_col(frame, period)
    if pcol is None:
        _select_period(frame, at, pcol, period)
        return frame, ""
    if at is None:
        periods = sorted(pd.unique(frame[pcol].dropna()).tolist())
        if len(periods) > 1:
            raise BenchmarkError(f"`data` holds {len(periods)} {pcol}s ({format_list(periods, 8)}); peers are "
                                 f"chosen within one - pass at=<one {pcol}>.")
        period = periods[0]
    rows = _select_period(frame, at, pcol, period)
    if not (rows[entity] == focus).any():
        raise _focus_missing(frame, focus, at, pcol, entity)
    return rows, f" in {pcol} {at!r}"


def _peer_table(
    pop: pd.DataFrame, pool: pd.DataFrame, focus_row: pd.Series, focus: Any, feats: list[str],
    match_cols: list[str], metric: str, w: np.ndarray, covariance: str, random_state: Any, k: int,
    entity: str, pcol: str | None,
) -> pd.DataFrame:
    # A fixed order keeps the seeded robust covariance independent of the row order of the data.
    pop = pop.iloc[np.argsort(pop[entity].astype(str).to_numpy(), kind="stable")]
    pop_x = pop[feats].to_numpy(dtype=float)
    mean, sd = mean_std(pop_x)
    x = pool[feats].to_numpy(dtype=float)
    xf = focus_row[feats].to_numpy(dtype=float)
    dist, sim = _distances((x - mean) / sd, (xf - mean) / sd, x, xf, (pop_x - mean) / sd, pop_x,
                           metric, w, covariance, feats, random_state)
    order = np.lexsort((pool[entity].astype(str).to_numpy(), dist))[:k]
    chosen = pool.iloc[order]
    out = pd.DataFrame({"rank": np.arange(1, k + 1), entity: chosen[entity].to_numpy()})
    if pcol is not None:
        out[pcol] = chosen[pcol].to_numpy()
    out["focus"] = focus
    for col in match_cols:
        out[col] = chosen[col].to_numpy()
    out["distance"] = dist[order]
    out["similarity"] = sim[order]
    diffs = x[order] - xf
    for j, f in enumerate(feats):
        out[f] = x[order, j]
        out[f"diff_{f}"] = diffs[:, j]
        out[f"zdiff_{f}"] = diffs[:, j] / sd[j]
    return out
