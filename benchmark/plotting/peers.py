"""Against peers: gaps to the cohort and the profile across indicators."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from benchmark._i18n import t as _t
from benchmark._validation import (
    BenchmarkError,
    check_choice,
    check_frame,
    format_list,
    validate_params,
)
from benchmark.plotting._common import (
    AHEAD_COLOR,
    BEHIND_COLOR,
    COHORT_COLOR,
    FOCUS_COLOR,
    _axes,
    _display,
    _figure_function,
    _finish,
    _label_map,
    _numeric,
    _one_period,
    _require,
)

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes


# ============================================================ peers
_GAP_REFERENCE = {"gap_median": "cohort_median", "gap_best": "cohort_best"}


@_figure_function
@validate_params("entity", "period")
def plot_gaps(
    data: pd.DataFrame,
    *,
    gap: str = "gap_median",
    percent: bool = True,
    lower: str | None = None,
    upper: str | None = None,
    indicator: str = "indicator",
    significant: str = "significant",
    labels: Mapping[Any, str] | pd.DataFrame | None = None,
    entity: str = "institution",
    period: str | None = "year",
    at: Any = None,
    ax: Any = None,
    lang: str | None = None,
) -> Axes:
    """Diverging bars of direction-aware gaps, sorted, with bootstrap intervals when present.

    A bar to the right (green) means the focus is ahead of the reference
    (the cohort median by default), to the left (red) behind, whatever the
    indicator's direction. With ``percent`` (the default) gaps are in percent
    of the reference so that indicators in different units share one axis.
    When the table has the interval columns of ``peer_gap(..., ci=...)`` they
    are drawn as error bars, and bars whose interval includes zero are drawn
    pale.

    Parameters
    ----------
    data : DataFrame
        The result of :func:`benchmark.peer_gap`.
    gap : str
        Gap column: ``"gap_median"`` (default), ``"gap_upper_quartile"`` or
        ``"gap_best"``.
    percent : bool
        Draw ``<gap>_pct`` (percent of the reference) instead of the raw gap.
    lower, upper : str, optional
        Interval columns; default ``<gap>_low`` and ``<gap>_high`` when
        present. In percent mode they are divided by the absolute reference
        (``cohort_median`` for the median gap), as ``peer_gap`` does for the gap.
    indicator, significant : str
        Indicator column and the (optional) significance flag column.
    labels : mapping or indicator-metadata DataFrame, optional
        Display labels of the indicators.
    entity, period : str
        Entity (the focus) and period columns.
    at : optional
        Period to draw when the table covers several (default: the latest).
    ax : matplotlib Axes, optional
    lang : {"zh", "en"}, optional
        Language of titles, axis labels, legends and notes (default: Chinese
        when the indicator labels are Chinese, else English).

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> gaps = pd.DataFrame({"institution": "a", "indicator": ["x", "y"],
    ...                      "gap_median_pct": [12.0, -5.0]})
    >>> ax = plot_gaps(gaps)
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['y', 'x']
    """
    frame = check_frame(data)
    column = f"{gap}_pct" if percent else gap
    _require(frame, [indicator, column], name="data",
             hint="Pass the result of peer_gap() or name the gap column with gap= (and percent=).")
    frame, at = _one_period(frame, period, at)
    lower, upper = _interval_columns(frame, gap, lower, upper)
    _require(frame, [c for c in (lower, upper) if c], name="data")
    names = _label_map(labels)
    values = _numeric(frame, column)
    order = np.argsort(np.nan_to_num(values, nan=-np.inf), kind="stable")
    frame, values = frame.iloc[order], values[order]
    ok = ~np.isnan(values)
    sig = (frame[significant].astype("boolean").fillna(False).to_numpy(dtype=bool)
           if significant in frame.columns else np.ones(len(frame), dtype=bool))
    colours = [(AHEAD_COLOR if v >= 0 else BEHIND_COLOR) for v in np.nan_to_num(values)]
    ax = _axes(ax, (7.5, 0.42 * len(frame) + 1.6))
    y = np.arange(len(frame))
    bars = ax.barh(y, np.nan_to_num(values), color=colours, height=0.7)
    for bar, strong in zip(bars, sig, strict=True):
        bar.set_alpha(1.0 if strong else 0.45)
    if lower and upper:
        lo, hi = _numeric(frame, lower), _numeric(frame, upper)
        if percent:
            ref = _GAP_REFERENCE.get(gap)
            _require(frame, [ref] if ref else [], name="data")
            if ref is None:
                raise BenchmarkError(f"interval columns of {gap!r} cannot be converted to percent; use percent=False.")
            scale = 100.0 / np.abs(_numeric(frame, ref))
            lo, hi = lo * scale, hi * scale
        err = np.vstack([np.clip(values - lo, 0, None), np.clip(hi - values, 0, None)])
        has = ok & ~np.isnan(lo) & ~np.isnan(hi)
        ax.errorbar(values[has], y[has], xerr=err[:, has], fmt="none", ecolor="black", elinewidth=1, capsize=3)
    for yi in y[~ok]:
        ax.annotate(_t("not available"), (0, yi), xytext=(3, 0), textcoords="offset points", va="center",
                    fontsize="x-small", color=COHORT_COLOR)
    ax.axvline(0, color="black", lw=1)
    ax.set_yticks(y, labels=_display(frame[indicator], names))
    ref_name = _t(gap.removeprefix("gap_").replace("_", " "))
    ax.set_xlabel(_t("gap to the cohort {reference}", reference=ref_name)
                  + (_t(" (% of the reference)") if percent else "") + _t("; > 0 = ahead"))
    who = frame[entity].iloc[0] if entity in frame.columns and len(frame) else None
    title = _t("Gaps to peers") + (f": {who}" if who is not None else "") + (f", {at}" if at is not None else "")
    ax.set_title(title)
    _finish(ax, [title, *_display(frame[indicator], names)])
    return ax


def _interval_columns(frame: pd.DataFrame, gap: str, lower: str | None,
                      upper: str | None) -> tuple[str | None, str | None]:
    """The interval columns: as given, else peer_gap's ``ci_low``/``ci_high`` (median gap only)."""
    if lower or upper:
        return lower, upper
    if gap == "gap_median" and {"ci_low", "ci_high"} <= set(frame.columns):
        return "ci_low", "ci_high"
    return None, None


def _profile_positions(frame: pd.DataFrame, scale: str, value: str, percentile: str, median: str,
                       q1: str, q3: str, best: str, direction: str) -> dict[str, np.ndarray]:
    """Focus, cohort quartiles, median and best on a common, direction-aware scale."""
    n = len(frame)
    if scale == "percentile":
        _require(frame, [percentile], name="data", hint="Name the percentile-rank column with percentile=.")
        return {"focus": _numeric(frame, percentile), "low": np.full(n, 25.0), "mid": np.full(n, 50.0),
                "high": np.full(n, 75.0), "best": np.full(n, 100.0)}
    _require(frame, [value, median, q1, q3], name="data",
             hint="Pass the result of peer_gap() or name the columns with value=, median=, q1=, q3=.")
    sign = (np.where(frame[direction].astype(str).str.lower().eq("lower"), -1.0, 1.0)
            if direction in frame.columns else np.ones(n))
    m = _numeric(frame, median)
    with np.errstate(divide="ignore", invalid="ignore"):
        scale_ = np.where(m != 0, 100.0 / np.abs(m), np.nan)

        def index(col: str) -> np.ndarray:
            return 100.0 + sign * (_numeric(frame, col) - m) * scale_

    a, b = index(q1), index(q3)
    return {"focus": index(value), "low": np.fmin(a, b), "mid": np.full(n, 100.0), "high": np.fmax(a, b),
            "best": index(best) if best in frame.columns else np.full(n, np.nan)}


@_figure_function
@validate_params("entity", "period")
def plot_profile(
    data: pd.DataFrame,
    *,
    kind: str = "dot",
    scale: str = "percentile",
    indicator: str = "indicator",
    percentile: str = "percentile_rank",
    value: str = "value",
    median: str = "cohort_median",
    q1: str = "cohort_q1",
    q3: str = "cohort_q3",
    best: str = "cohort_best",
    direction: str = "direction",
    labels: Mapping[Any, str] | pd.DataFrame | None = None,
    entity: str = "institution",
    period: str | None = "year",
    at: Any = None,
    ax: Any = None,
    lang: str | None = None,
) -> Axes:
    """One entity's profile against its cohort: a dot-range chart or a radar.

    Every indicator is put on a common, direction-aware scale where further
    right (or further out on the radar) is better:

    - ``scale="percentile"``: the focus's percentile rank among its peers
      (100 = best); the cohort's quartiles and median are then 25, 50 and 75
      by definition and drawn as the reference band;
    - ``scale="median"``: an index to the cohort median (= 100):
      ``100 + s * (x - median) / |median| * 100`` with ``s = -1`` for
      "lower is better" indicators, applied to the focus value, the cohort's
      quartiles and its best value. 120 reads "20 % of the median better than
      the median".

    Parameters
    ----------
    data : DataFrame
        The result of :func:`benchmark.peer_gap` (one focus).
    kind : {"dot", "radar"}
        Dot-range chart (one row per indicator) or radar chart. A radar needs
        three or more indicators.
    scale : {"percentile", "median"}
        See above.
    indicator, percentile, value, median, q1, q3, best, direction : str
        Column names (defaults: those of :func:`~benchmark.peer_gap`).
    labels : mapping or indicator-metadata DataFrame, optional
        Display labels of the indicators.
    entity, period : str
        Entity (the focus) and period columns.
    at : optional
        Period to draw when the table covers several (default: the latest).
    ax : matplotlib Axes, optional
        For ``kind="radar"`` it must be a polar axes.
    lang : {"zh", "en"}, optional
        Language of titles, axis labels, legends and notes (default: Chinese
        when the indicator labels are Chinese, else English).

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> gaps = pd.DataFrame({"institution": "a", "indicator": ["x", "y", "z"],
    ...                      "percentile_rank": [80.0, 35.0, 60.0]})
    >>> ax = plot_profile(gaps)
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['x', 'y', 'z']
    """
    frame = check_frame(data)
    check_choice(kind, ("dot", "radar"), name="kind")
    check_choice(scale, ("percentile", "median"), name="scale")
    _require(frame, [indicator], name="data", hint="Name the indicator column with indicator=.")
    frame, at = _one_period(frame, period, at)
    if entity in frame.columns and frame[entity].nunique() > 1:
        raise BenchmarkError(
            f"`data` holds several {entity} entities ({format_list(pd.unique(frame[entity]).tolist())}); "
            "a profile shows one: pass the peer_gap() table of a single focus."
        )
    if frame[indicator].duplicated().any():
        dupes = pd.unique(frame.loc[frame[indicator].duplicated(), indicator]).tolist()
        raise BenchmarkError(f"indicator(s) {format_list(dupes)} appear several times; select one period (at=).")
    pos = _profile_positions(frame, scale, value, percentile, median, q1, q3, best, direction)
    ticks = _display(frame[indicator], _label_map(labels))
    who = frame[entity].iloc[0] if entity in frame.columns else None
    if kind == "radar":
        if len(frame) < 3:
            raise BenchmarkError(f"a radar needs at least 3 indicators; got {len(frame)}. Use kind='dot'.")
        ax = _radar(pos, ticks, who, scale, ax)
    else:
        ax = _dot_range(pos, ticks, who, scale, ax)
    title = (_t("Profile against the cohort") + (f": {who}" if who is not None else "")
             + (f", {at}" if at is not None else ""))
    ax.set_title(title, pad=24 if kind == "radar" else None)
    _finish(ax, [title, *ticks])
    return ax


def _scale_label(scale: str) -> str:
    return (_t("percentile rank among peers (100 = best)") if scale == "percentile"
            else _t("index to the cohort median (100 = median; higher = better)"))


def _dot_range(pos: dict[str, np.ndarray], ticks: list[str], who: Any, scale: str, ax: Any) -> Axes:
    n = len(ticks)
    ax = _axes(ax, (7.5, 0.45 * n + 1.6))
    y = np.arange(n)[::-1]  # first indicator on top
    ax.hlines(y, pos["low"], pos["high"], color=COHORT_COLOR, lw=6, alpha=0.35, label=_t("cohort inter-quartile range"))
    ax.plot(pos["mid"], y, ls="", marker="|", ms=14, mew=2, color=COHORT_COLOR, label=_t("cohort median"))
    if not np.isnan(pos["best"]).all() and scale == "median":
        ax.plot(pos["best"], y, ls="", marker="d", ms=6, color="black", alpha=0.6, label=_t("cohort best"))
    ax.plot(pos["focus"], y, ls="", marker="o", ms=9, color=FOCUS_COLOR, label=str(who) if who is not None else _t("focus"))
    ax.set_yticks(y, labels=ticks)
    ax.set_xlabel(_scale_label(scale))
    if scale == "percentile":
        ax.set_xlim(-3, 103)
    ax.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0)
    return ax


def _radar(pos: dict[str, np.ndarray], ticks: list[str], who: Any, scale: str, ax: Any) -> Axes:
    ax = _axes(ax, (6.5, 6.5), polar=True)
    n = len(ticks)
    theta = np.linspace(0, 2 * np.pi, n, endpoint=False)
    closed = np.append(theta, theta[0])

    def ring(v: np.ndarray) -> np.ndarray:
        return np.append(v, v[0])

    ax.fill_between(closed, ring(pos["low"]), ring(pos["high"]), color=COHORT_COLOR, alpha=0.25,
                    label=_t("cohort inter-quartile range"))
    ax.plot(closed, ring(pos["mid"]), color=COHORT_COLOR, ls="--", lw=1.5, label=_t("cohort median"))
    focus = np.clip(pos["focus"], 0, None)  # a negative radius would wrap through the centre
    ax.plot(closed, ring(focus), color=FOCUS_COLOR, marker="o", lw=2,
            label=str(who) if who is not None else _t("focus"))
    ax.fill(closed, ring(np.nan_to_num(focus)), color=FOCUS_COLOR, alpha=0.1)
    ax.set_xticks(theta, labels=ticks)
    ax.set_theta_offset(np.pi / 2)
    ax.set_theta_direction(-1)
    top = 100.0 if scale == "percentile" else max(150.0, float(np.nanmax(np.r_[pos["focus"], pos["high"]])) * 1.1)
    ax.set_ylim(0, top)
    ax.set_rlabel_position(0)
    ax.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.05, 1.05), borderaxespad=0)
    return ax

