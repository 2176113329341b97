"""Self-comparison over time: change since a baseline, growth, trends, a profile.

The question answered here is "against myself": how far has an entity come
since its baseline, how fast, and is the movement a real trend? Every function
takes a panel (one row per entity and period) and returns a tidy table; every
NaN in a result carries a ``reason``.

Periods are placed in time by :func:`benchmark._validation.period_ordinals`:
numbers as they are, text years ("2021") and academic years ("2019-20",
"2019/2020") at their first calendar year, dates in years, months or days as
their spacing shows. Slopes, CAGR and growth are therefore per period unit
(per year for yearly data) and gaps in the panel are respected, however the
column is typed; labels with no known spacing are rejected.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from benchmark._panel import (
    Grid,
    Reasons,
    checked_panel,
    first_last,
    ols_by_group,
    panel_grid,
    take,
    take_periods,
)
from benchmark._validation import (
    BenchmarkError,
    check_choice,
    check_entity,
    check_periods,
    check_probability,
    direction_sign,
    resolve_direction,
    validate_params,
)

__all__ = ["change", "growth", "self_compare", "trend"]

Direction = Mapping[str, str] | pd.DataFrame | str | None

_GROWTH_KINDS = ("yoy", "diff", "log", "index")
_TREND_METHODS = ("ols", "theil-sen")


def _long_table(grid: Grid, entity: str, columns: dict[str, Any]) -> pd.DataFrame:
    """A tidy (entity, indicator) table from (E, I) arrays, entity-major."""
    n_e, n_i = len(grid.entities), len(grid.indicators)
    head = {
        entity: np.repeat(grid.entities.to_numpy(), n_i),
        "indicator": pd.array(np.tile(np.array(grid.indicators, dtype=object), n_e), dtype="str"),
    }
    body = {k: (v.ravel() if isinstance(v, np.ndarray) else v) for k, v in columns.items()}
    return pd.DataFrame({**head, **body})


def _direction_column(dirs: dict[str, str], inds: list[str], n_entities: int) -> pd.Series:
    return pd.Series(np.tile(np.array([dirs[i] for i in inds], dtype=object), n_entities), dtype="str")


def _t_quantile(level: float, dof: np.ndarray) -> np.ndarray:
    from scipy import stats

    out = np.full(dof.shape, np.nan)
    ok = dof >= 1
    if ok.any():
        # one scipy call over the distinct degrees of freedom, broadcast back
        uniq, inv = np.unique(dof[ok], return_inverse=True)
        out[ok] = stats.t.ppf(0.5 + level / 2.0, uniq)[inv]
    return out


# ---------------------------------------------------------------- Theil-Sen
_CHUNK_CELLS = 20_000_000  # bound on pairwise-slope cells held at once


def _sorted_median(sorted_rows: np.ndarray, count: np.ndarray) -> np.ndarray:
    """Median of the first ``count`` entries of each row of a row-sorted array (NaN if none)."""
    rows = np.arange(sorted_rows.shape[0])
    width = sorted_rows.shape[1]
    if width == 0:
        return np.full(sorted_rows.shape[0], np.nan)
    hi = np.clip(count // 2, 0, width - 1)
    lo = np.clip((count - 1) // 2, 0, width - 1)
    med = 0.5 * (sorted_rows[rows, lo] + sorted_rows[rows, hi])
    return np.where(count > 0, med, np.nan)


def _theil_sen(values: np.ndarray, x: np.ndarray, level: float) -> dict[str, np.ndarray]:
    """Theil (1950) - Sen (1968) slope per row of a (G, P) array with NaN gaps.

    The median of pairwise slopes; the interval is Sen's (1968, eq. 2.6)
    order-statistic interval, with the index rounding of
    ``scipy.stats.theilslopes`` so that both agree; the intercept is
    median(y) - slope * median(x) (scipy's ``method="separate"``).
    Rows are processed in chunks to bound memory.
    """
    from scipy import stats

    z = stats.norm.ppf((1.0 - level) / 2.0)
    p = values.shape[1]
    step = max(1, _CHUNK_CELLS // max(p * p, 1))
    parts = [_theil_sen_block(values[k:k + step], x, z) for k in range(0, values.shape[0], step)]
    keys = ("n", "slope", "intercept", "low", "high", "ybar")
    if not parts:
        return {k: np.empty(0) for k in keys}
    return {k: np.concatenate([part[k] for part in parts]) for k in keys}


def _theil_sen_block(values: np.ndarray, x: np.ndarray, z: float) -> dict[str, np.ndarray]:
    i, j = np.triu_indices(values.shape[1], k=1)
    slopes = np.sort((values[:, j] - values[:, i]) / (x[j] - x[i]), axis=1)  # NaN sorts last
    nt = np.sum(~np.isnan(slopes), axis=1)
    observed = ~np.isnan(values)
    n = observed.sum(axis=1)
    slope = _sorted_median(slopes, nt)
    y_med = _sorted_median(np.sort(values, axis=1), n)
    x_med = _sorted_median(np.sort(np.where(observed, x, np.nan), axis=1), n)

    # Sen (1968) eq. 2.6: var = [n(n-1)(2n+5) - sum over tie groups of k(k-1)(2k+5)] / 18.
    # Each of the k members of a tie group contributes (k-1)(2k+5), so the group sums to
    # k(k-1)(2k+5); untied points contribute 0. Periods are distinct, so x has no ties.
    k = (values[:, :, None] == values[:, None, :]).sum(axis=2)
    ties = np.where(observed, (k - 1) * (2 * k + 5), 0).sum(axis=1)
    sigma = np.sqrt(np.maximum((n * (n - 1) * (2 * n + 5) - ties) / 18.0, 0.0))
    upper = np.minimum(np.round((nt - z * sigma) / 2.0), nt - 1).astype(int)
    lower = np.maximum(np.round((nt + z * sigma) / 2.0) - 1, 0).astype(int)
    rows = np.arange(values.shape[0])
    width = max(slopes.shape[1] - 1, 0)
    ok = nt > 0
    low = np.where(ok, slopes[rows, np.clip(lower, 0, width)] if slopes.shape[1] else np.nan, np.nan)
    high = np.where(ok, slopes[rows, np.clip(upper, 0, width)] if slopes.shape[1] else np.nan, np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        ybar = np.where(n > 0, np.where(observed, values, 0.0).sum(axis=1) / n, np.nan)
    return {"n": n.astype(float), "slope": slope, "intercept": y_med - slope * x_med,
            "low": low, "high": high, "ybar": ybar}


# --------------------------------------------------------------------- change
@validate_params("entity", "period", "indicators")
def change(
    data: pd.DataFrame,
    indicators: str | Iterable[str],
    *,
    start: Any = None,
    end: Any = None,
    entity: str = "institution",
    period: str = "year",
    direction: Direction = None,
) -> pd.DataFrame:
    """Change of each indicator between a baseline and a latest period, per entity.

    Parameters
    ----------
    data : DataFrame
        Panel with one row per (entity, period). Missing values are allowed:
        the default baseline and latest are each entity's first and last
        *observed* period of each indicator.
    indicators : str or list of str
        Indicator columns.
    start, end : period value, optional
        Fixed periods to compare instead of each entity's first/last observed
        ones (reported in the ``baseline`` and ``latest`` columns).
    entity, period : str
        Names of the entity and period columns.
    direction : None, str, mapping or DataFrame
        Which way is better (see :func:`benchmark._validation.resolve_direction`);
        drives ``improved``.

    Returns
    -------
    DataFrame
        One row per (entity, indicator) with ``direction``,
        ``baseline_<period>``, ``baseline``, ``latest_<period>``, ``latest``,
        ``elapsed`` (periods between them), ``abs_change`` (latest - baseline),
        ``pct_change`` ((latest - baseline) / abs(baseline), a fraction),
        ``cagr`` ((latest / baseline) ** (1 / elapsed) - 1, a fraction),
        ``improved`` (moved in the better direction; nullable boolean) and
        ``reason`` (why a value is NaN).

    See Also
    --------
    growth : period-on-period growth, an index to a base period or log differences.
    trend : the slope over every period rather than two end points.
    self_compare : one entity's profile against its own history.
    benchmark.completion : progress towards targets set at the baseline.
    benchmark.plot_trajectory : an indicator over time with its targets.

    Notes
    -----
    CAGR is defined only for positive baseline and non-negative latest
    values; a zero baseline gives NaN with a reason. A single observed period
    gives NaN changes with a reason.

    Examples
    --------
    >>> df = pd.DataFrame({"institution": ["a"] * 3, "year": [2019, 2020, 2021],
    ...                    "income": [100.0, 110.0, 121.0]})
    >>> change(df, "income")[["baseline", "latest", "abs_change", "pct_change", "cagr"]]
       baseline  latest  abs_change  pct_change  cagr
    0     100.0   121.0        21.0        0.21   0.1
    """
    frame, inds = checked_panel(data, indicators, entity, period)
    dirs = resolve_direction(direction, inds)
    check_periods(frame, [start, end], period=period)
    if start is not None and end is not None and not start < end:
        raise BenchmarkError(
            f"`start` ({period} {start!r}) must come before `end` ({period} {end!r}); "
            "swap them or choose different periods."
        )
    grid = panel_grid(frame, inds, entity, period)
    observed = ~np.isnan(grid.values)
    first, last = first_last(observed)
    shape = first.shape
    b_idx = first if start is None else np.full(shape, grid.periods.get_loc(start))
    l_idx = last if end is None else np.full(shape, grid.periods.get_loc(end))
    b_val, l_val = take(grid.values, b_idx), take(grid.values, l_idx)
    b_idx = np.where(np.isnan(b_val), -1, b_idx)
    l_idx = np.where(np.isnan(l_val), -1, l_idx)
    # one observation (or a default end on the wrong side of a fixed one) is no change
    same = (b_idx >= l_idx) & (b_idx >= 0) & (l_idx >= 0)
    b_val = np.where(same, np.nan, b_val)
    l_val = np.where(same, np.nan, l_val)
    elapsed = np.where((b_idx >= 0) & (l_idx >= 0), grid.x[l_idx] - grid.x[b_idx], np.nan)
    elapsed = np.where(same, np.nan, elapsed)

    reasons = Reasons(b_idx.size)
    values = _change_values(b_val, l_val, elapsed, reasons)
    none_obs = ~observed.any(axis=1)
    reasons.add(none_obs, "no observed values")
    if start is not None:
        reasons.add(~none_obs & (b_idx < 0), f"no value at start {period} {start}")
    if end is not None:
        reasons.add(~none_obs & (l_idx < 0), f"no value at end {period} {end}")
    if start is None and end is None:
        reasons.add(same, "one observed period only: no change to measure")
    else:
        reasons.add(same, "no observed value on the other side of the fixed period: no change to measure")

    sign = direction_sign(dirs, inds)[None, :]
    delta = values["abs_change"] * sign
    improved = pd.array(np.where(np.isnan(delta), None, delta > 0).ravel(), dtype="boolean")
    return _long_table(grid, entity, {
        "direction": _direction_column(dirs, inds, len(grid.entities)),
        f"baseline_{period}": take_periods(grid.periods, np.where(same, -1, b_idx)),
        "baseline": b_val,
        f"latest_{period}": take_periods(grid.periods, np.where(same, -1, l_idx)),
        "latest": l_val,
        "elapsed": elapsed,
        **values,
        "improved": improved,
        "reason": reasons.series(),
    })


def _change_values(b: np.ndarray, latest: np.ndarray, elapsed: np.ndarray,
                   reasons: Reasons) -> dict[str, np.ndarray]:
    both = ~np.isnan(b) & ~np.isnan(latest)
    with np.errstate(divide="ignore", invalid="ignore"):
        abs_change = latest - b
        pct = np.where(b != 0, abs_change / np.abs(b), np.nan)
        ok = both & (b > 0) & (latest >= 0) & (elapsed > 0)
        cagr = np.where(ok, (latest / b) ** (1.0 / elapsed) - 1.0, np.nan)
    reasons.add(both & (b == 0), "baseline is zero: pct_change and CAGR undefined")
    reasons.add(both & (b != 0) & ((b < 0) | (latest < 0)), "negative value: CAGR undefined")
    return {"abs_change": abs_change, "pct_change": pct, "cagr": cagr}


# --------------------------------------------------------------------- growth
_GROWTH_MESSAGES = {
    1: "first period",
    2: "no value in previous period",
    3: "previous value is zero",
    4: "non-positive value: log undefined",
    5: "no value at base period",
    6: "base value is not positive",
    7: "not observed",
    8: "sign change across a gap of several periods: no per-period rate",
}


@validate_params("entity", "period", "indicators")
def growth(
    data: pd.DataFrame,
    indicators: str | Iterable[str],
    *,
    kind: str = "yoy",
    at: Any = None,
    entity: str = "institution",
    period: str = "year",
) -> pd.DataFrame:
    """The panel with each indicator turned into growth, an index or log differences.

    Parameters
    ----------
    data : DataFrame
        Panel with one row per (entity, period); missing values allowed.
    indicators : str or list of str
        Indicator columns.
    kind : {"yoy", "diff", "log", "index"}
        ``"yoy"``: period-on-period growth ``(x_t - x_{t-1}) / |x_{t-1}|``
        (a fraction, as :meth:`pandas.Series.pct_change` for positive values);
        ``"diff"``: ``x_t - x_{t-1}``; ``"log"``: ``ln x_t - ln x_{t-1}``;
        ``"index"``: ``100 * x_t / x_base``.
    at : period value, optional
        Base period of ``kind="index"``. Default: each entity's first observed
        period of each indicator (so every series starts at 100).
    entity, period : str
        Names of the entity and period columns.

    Returns
    -------
    DataFrame
        The entity and period columns and one column per indicator, with the
        input's row index and order, plus ``reason`` saying, per row, which
        indicators are NaN and why.

    See Also
    --------
    change : the change between a start and an end period.
    trend : a linear trend with its interval and a verdict.
    benchmark.cost_per_outcome : costs per outcome, deflated to the prices of one period.

    Notes
    -----
    "Previous" means the previous period of the whole panel (sorted distinct
    periods). If an entity has no value there the growth is NaN with a reason,
    so a two-period jump is never reported as one period's growth. Where the
    whole panel skips periods (e.g. 2019, 2021, 2023), growth is per period
    unit: ``(x_t / x_prev) ** (1 / gap) - 1`` for ``"yoy"`` and the change
    divided by the gap for ``"diff"`` and ``"log"``.

    Examples
    --------
    >>> df = pd.DataFrame({"institution": ["a"] * 3, "year": [2019, 2020, 2021],
    ...                    "income": [100.0, 110.0, 121.0]})
    >>> growth(df, "income")
       institution  year  income        reason
    0            a  2019     NaN  first period
    1            a  2020     0.1           NaN
    2            a  2021     0.1           NaN
    >>> growth(df, "income", kind="index")["income"].tolist()
    [100.0, 110.0, 121.0...]
    """
    frame, inds = checked_panel(data, indicators, entity, period)
    check_choice(kind, _GROWTH_KINDS, name="kind")
    if at is not None and kind != "index":
        raise BenchmarkError(f"`at` (the base period) is used only with kind='index'; got kind={kind!r}.")
    check_periods(frame, [at], period=period)
    grid = panel_grid(frame, inds, entity, period)
    if kind == "index":
        out, code = _index(grid, at)
    else:
        out, code = _period_growth(grid, kind)
    rows_out = out[grid.row_entity, grid.row_period, :]
    rows_code = code[grid.row_entity, grid.row_period, :]
    result = frame[[entity, period]].copy()
    for k, ind in enumerate(inds):
        result[ind] = rows_out[:, k]
    result["reason"] = _growth_reasons(rows_code, inds).to_numpy()  # by position: any index
    return result


def _period_growth(grid: Grid, kind: str) -> tuple[np.ndarray, np.ndarray]:
    cur = grid.values
    prev = np.concatenate([np.full_like(cur[:, :1, :], np.nan), cur[:, :-1, :]], axis=1)
    # periods between a value and the previous one: growth is per period unit
    gap = np.concatenate([[np.nan], np.diff(grid.x)])[None, :, None]
    spaced = np.broadcast_to(gap != 1, cur.shape) & ~np.isnan(cur) & ~np.isnan(prev)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        if kind == "yoy":
            out = np.where(prev != 0, (cur - prev) / np.abs(prev), np.nan)
            ratio = cur / prev
            out = np.where(spaced, np.where(ratio > 0, ratio ** (1.0 / gap) - 1.0, np.nan), out)
        elif kind == "diff":
            out = (cur - prev) / np.where(spaced, gap, 1.0)
        else:
            out = np.where((cur > 0) & (prev > 0), (np.log(cur) - np.log(prev)) / np.where(spaced, gap, 1.0),
                           np.nan)
    code = np.zeros(cur.shape, dtype=np.int8)
    first, _ = first_last(~np.isnan(cur))
    is_first = np.arange(cur.shape[1])[None, :, None] == first[:, None, :]
    code[np.isnan(prev)] = 2
    code[is_first] = 1
    if kind == "yoy":
        code[spaced & ~(cur / np.where(prev == 0, np.nan, prev) > 0)] = 8
        code[(prev == 0) & ~np.isnan(cur)] = 3
    if kind == "log":
        code[~np.isnan(cur) & ~np.isnan(prev) & ((cur <= 0) | (prev <= 0))] = 4
    code[np.isnan(cur)] = 7
    out = np.where(code > 0, np.nan, out)
    return out, code


def _index(grid: Grid, base: Any) -> tuple[np.ndarray, np.ndarray]:
    cur = grid.values
    if base is None:
        b_idx, _ = first_last(~np.isnan(cur))
    else:
        b_idx = np.full((cur.shape[0], cur.shape[2]), grid.periods.get_loc(base))
    b_val = take(cur, b_idx)[:, None, :]
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(b_val > 0, 100.0 * cur / b_val, np.nan)
    code = np.zeros(cur.shape, dtype=np.int8)
    code[np.broadcast_to(np.isnan(b_val), cur.shape)] = 5
    code[np.broadcast_to(~np.isnan(b_val) & (b_val <= 0), cur.shape)] = 6
    code[np.isnan(cur)] = 7
    out = np.where(code > 0, np.nan, out)
    return out, code


def _growth_reasons(code: np.ndarray, inds: list[str]) -> pd.Series:
    """Per row: "msg" when every indicator is NaN for the same reason, else "ind: msg; ...".

    Rows whose indicator is simply not observed say nothing more (the input was NaN).
    """
    reasons = Reasons(code.shape[0])
    shared = (code == code[:, :1]).all(axis=1) & (code[:, 0] > 0)
    for c, msg in _GROWTH_MESSAGES.items():
        reasons.add(shared & (code[:, 0] == c), msg if len(inds) == 1 else f"{msg} (all indicators)")
    for k, ind in enumerate(inds):
        for c, msg in _GROWTH_MESSAGES.items():
            reasons.add(~shared & (code[:, k] == c), f"{ind}: {msg}")
    return reasons.series()


# ---------------------------------------------------------------------- trend
@validate_params("entity", "period", "indicators", "ci")
def trend(
    data: pd.DataFrame,
    indicators: str | Iterable[str],
    *,
    method: str = "ols",
    ci: float = 0.95,
    entity: str = "institution",
    period: str = "year",
    direction: Direction = None,
) -> pd.DataFrame:
    """Linear trend of each indicator over time, per entity, with a verdict.

    Parameters
    ----------
    data : DataFrame
        Panel with one row per (entity, period); missing values allowed (the
        line is fitted on the observed points).
    indicators : str or list of str
        Indicator columns.
    method : {"ols", "theil-sen"}
        Ordinary least squares with a t-based interval (as
        :func:`scipy.stats.linregress`), or the Theil-Sen median of pairwise
        slopes with Sen's (1968) interval (as :func:`scipy.stats.theilslopes`).
    ci : float
        Confidence level of the slope interval.
    entity, period : str
        Names of the entity and period columns.
    direction : None, str, mapping or DataFrame
        Which way is better; drives ``verdict``.

    Returns
    -------
    DataFrame
        One row per (entity, indicator): ``direction``, ``method``,
        ``n_periods`` (observed points), ``slope`` (per unit of the period
        column), ``ci_low``, ``ci_high``, ``intercept`` (at period 0, as
        scipy reports it), ``relative_slope`` (slope / abs(mean), a fraction per
        period), ``verdict`` ("improving", "flat" when the interval contains
        zero, "worsening") and ``reason``.

    See Also
    --------
    change : the change between two periods.
    growth : growth rates period by period.
    self_compare : one entity's profile against its own history.
    benchmark.plot_trajectory : the series behind a trend.

    Notes
    -----
    Two observed points give a slope but no interval and no verdict; fewer
    give no slope. Both cases are explained in ``reason``.

    Examples
    --------
    >>> df = pd.DataFrame({"institution": ["a"] * 4, "year": [2019, 2020, 2021, 2022],
    ...                    "rate": [0.80, 0.82, 0.85, 0.86]})
    >>> trend(df, "rate")[["n_periods", "slope", "verdict"]]
       n_periods  slope    verdict
    0          4  0.021  improving
    """
    frame, inds = checked_panel(data, indicators, entity, period)
    check_choice(method, _TREND_METHODS, name="method")
    level = check_probability(ci, name="ci")
    dirs = resolve_direction(direction, inds)
    grid = panel_grid(frame, inds, entity, period)
    fit = _fit(grid, method, level)
    n = fit["n"]
    reasons = Reasons(n.size)
    reasons.add(n == 0, "no observed values")
    reasons.add(n == 1, "one observed period: no slope")
    reasons.add(n == 2, "two observed periods: slope without a confidence interval")
    with np.errstate(divide="ignore", invalid="ignore"):
        relative = np.where(fit["ybar"] != 0, fit["slope"] / np.abs(fit["ybar"]), np.nan)
    reasons.add((n >= 2) & (fit["ybar"] == 0), "mean is zero: relative slope undefined")
    sign = np.tile(direction_sign(dirs, inds), len(grid.entities))
    return _long_table(grid, entity, {
        "direction": _direction_column(dirs, inds, len(grid.entities)),
        "method": method,
        "n_periods": n.astype(int),
        "slope": fit["slope"],
        "ci_low": fit["low"],
        "ci_high": fit["high"],
        "intercept": fit["intercept"],
        "relative_slope": relative,
        "verdict": _verdict(fit["low"], fit["high"], sign),
        "reason": reasons.series(),
    })


def _fit(grid: Grid, method: str, level: float) -> dict[str, np.ndarray]:
    """Slope, interval and intercept for every (entity, indicator), flattened entity-major."""
    values = np.moveaxis(grid.values, 1, 2)  # (E, I, P)
    n_groups = values.shape[0] * values.shape[1]
    if method == "theil-sen":
        fit = _theil_sen(values.reshape(n_groups, -1), grid.x, level)
    else:
        e, i, p = np.nonzero(~np.isnan(values))
        group = e * values.shape[1] + i
        fit = ols_by_group(group, grid.x[p], values[e, i, p], n_groups)
        half = _t_quantile(level, fit["n"] - 2) * fit["stderr"]
        fit["low"], fit["high"] = fit["slope"] - half, fit["slope"] + half
    short = fit["n"] < 3
    fit["low"] = np.where(short, np.nan, fit["low"])
    fit["high"] = np.where(short, np.nan, fit["high"])
    for key in ("slope", "intercept"):
        fit[key] = np.where(fit["n"] < 2, np.nan, fit[key])
    return fit


def _verdict(low: np.ndarray, high: np.ndarray, sign: np.ndarray) -> pd.Series:
    better_low, better_high = np.where(sign > 0, low, -high), np.where(sign > 0, high, -low)
    verdict = np.select([better_low > 0, better_high < 0, better_low <= 0],
                        ["improving", "worsening", "flat"], default="")
    return pd.Series(verdict, dtype=object).where(verdict != "").astype("str")


# --------------------------------------------------------------- self_compare
@validate_params("entity", "period", "indicators", "ci")
def self_compare(
    data: pd.DataFrame,
    focus: Any,
    indicators: str | Iterable[str],
    *,
    start: Any = None,
    end: Any = None,
    method: str = "ols",
    ci: float = 0.95,
    entity: str = "institution",
    period: str = "year",
    direction: Direction = None,
) -> pd.DataFrame:
    """One entity's profile against its own history.

    Parameters
    ----------
    data : DataFrame
        Panel with one row per (entity, period).
    focus : entity label
        The entity to profile.
    indicators : str or list of str
        Indicator columns.
    start, end : period value, optional
        As in :func:`change`.
    method, ci : as in :func:`trend`.
    entity, period : str
        Names of the entity and period columns.
    direction : None, str, mapping or DataFrame
        Which way is better; drives ``improved``, ``verdict`` and ``best``.

    Returns
    -------
    DataFrame
        One row per indicator: the columns of :func:`change`, the trend's
        ``slope``, ``ci_low``, ``ci_high`` and ``verdict``, the entity's own
        ``best`` value and ``best_<period>`` (earliest period it was
        reached), ``gap_to_best`` (how far the latest value is behind the best,
        >= 0, in the indicator's unit), ``gap_to_best_pct`` (the gap / abs(best))
        and a combined ``reason``.

    See Also
    --------
    change : the same comparison for every entity.
    trend : the direction of each indicator over all periods.
    benchmark.peer_gap : the entity against its peers instead of its past.
    benchmark.plot_trajectory : one indicator of the entity over time.

    Examples
    --------
    >>> df = pd.DataFrame({"institution": ["a"] * 3, "year": [2019, 2020, 2021],
    ...                    "rate": [0.80, 0.90, 0.85]})
    >>> self_compare(df, "a", "rate")[["latest", "best", "best_year", "gap_to_best"]]
       latest  best  best_year  gap_to_best
    0    0.85   0.9       2020         0.05
    """
    frame, inds = checked_panel(data, indicators, entity, period)
    check_entity(frame, focus, entity=entity)
    own = frame.loc[frame[entity] == focus]
    check_periods(frame, [start, end], period=period)
    absent = [p for p in (start, end) if p is not None and not (own[period] == p).any()]
    if absent:
        raise BenchmarkError(
            f"{entity} {focus!r} has no row for {period} {absent[0]!r}; choose a period it reports."
        )
    resolve_direction(direction, inds)  # validate before the sub-calls
    ch = change(own, inds, start=start, end=end, entity=entity, period=period,
                direction=direction)
    tr = trend(own, inds, method=method, ci=ci, entity=entity, period=period, direction=direction)
    best = _own_best(own, inds, entity, period, resolve_direction(direction, inds), end)
    reason = _combine_reasons({"change": ch["reason"], "trend": tr["reason"],
                               "best": best.pop("reason")})
    out = ch.drop(columns="reason")
    for col in ("slope", "ci_low", "ci_high", "verdict"):
        out[col] = tr[col].to_numpy()
    for col, values in best.items():
        out[col] = values
    out["reason"] = reason
    return out


def _own_best(own: pd.DataFrame, inds: list[str], entity: str, period: str,
              dirs: dict[str, str], latest: Any) -> dict[str, Any]:
    grid = panel_grid(own, inds, entity, period)
    values = grid.values[0]  # (P, I)
    sign = direction_sign(dirs, inds)
    scored = np.where(np.isnan(values), -np.inf, values * sign)
    observed = ~np.isnan(values).all(axis=0)
    best_idx = np.where(observed, scored.argmax(axis=0), -1)  # argmax keeps the earliest tie
    best = np.where(observed, values[np.where(best_idx < 0, 0, best_idx), np.arange(len(inds))], np.nan)
    if latest is None:
        last_idx = np.where(observed, len(grid.periods) - 1 - (~np.isnan(values))[::-1].argmax(axis=0), 0)
    else:
        last_idx = np.full(len(inds), grid.periods.get_loc(latest))
    current = np.where(observed, values[last_idx, np.arange(len(inds))], np.nan)
    gap = np.abs(best - current)
    with np.errstate(divide="ignore", invalid="ignore"):
        pct = np.where(best != 0, gap / np.abs(best), np.nan)
    reasons = Reasons(len(inds))
    reasons.add(~observed, "no observed values")
    reasons.add(observed & (best == 0), "best is zero: gap_to_best_pct undefined")
    return {"best": best, f"best_{period}": take_periods(grid.periods, best_idx).to_numpy(),
            "gap_to_best": gap, "gap_to_best_pct": pct, "reason": reasons.series()}


def _combine_reasons(parts: Mapping[str, pd.Series]) -> pd.Series:
    reasons = Reasons(len(next(iter(parts.values()))))
    for label, series in parts.items():
        present = series.notna().to_numpy()
        reasons.add(present, (label + ": " + series.fillna("")).to_numpy(dtype=object))
    return reasons.series()

