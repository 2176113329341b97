"""Against peers: gaps to the cohort and the profile across indicators."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from benchmark._i18n import t as _t
from benchmark._i18n import titled
from benchmark._validation import (
    BenchmarkError,
    check_frame,
    format_list,
    options,
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
    _focus_rows,
    _label_map,
    _numeric,
    _one_period,
    _require,
    _style,
    _width_for,
)
from benchmark.plotting._geometry import _gap_interval

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes


# ============================================================ peers


@_figure_function
@validate_params("entity", "period")
def plot_gaps(
    data: pd.DataFrame,
    *,
    focus: Any = None,
    gap: str = "gap_median",
    percent: bool = True,
    lower: str | None = None,
    upper: str | None = None,
    metadata: Mapping[Any, str] | pd.DataFrame | None = None,
    indicator: str = "indicator",
    significant: str = "significant",
    entity: str = "institution",
    period: str | None = "year",
    at: Any = None,
    ax: Any = None,
    lang: str | None = None,
    **kwargs: Any,
) -> Axes:
    """Diverging bars of direction-aware gaps, sorted, with bootstrap intervals when present.

    A bar to the right (blue) means the focus is ahead of the reference
    (the cohort median by default), to the left (orange) behind, whatever the
    indicator's direction. With ``percent`` (the default) gaps are in percent
    of the reference so that indicators in different units share one axis.
    When the table has the interval columns of ``peer_gap(..., ci=...)``
    (``ci_low``, ``ci_high``) they are drawn as error bars, and bars whose
    interval includes zero are drawn pale.

    Parameters
    ----------
    data : DataFrame
        The result of :func:`benchmark.peer_gap`.
    focus : entity name, optional
        Whose gaps are drawn when the table holds several entities.
    gap : str
        Gap column: ``"gap_median"`` (default), ``"gap_upper_quartile"`` or
        ``"gap_best"``.
    percent : bool
        Draw ``<gap>_pct`` (percent of the reference) instead of the raw gap.
    lower, upper : str, optional
        Interval columns; default ``ci_low`` and ``ci_high`` (the interval of
        the median gap) when present. In percent mode they are divided by the
        absolute reference (``cohort_median`` for the median gap), as
        ``peer_gap`` does for the gap.
    metadata : DataFrame or mapping, optional
        Display names of the indicators: the indicator table (columns
        ``indicator`` and ``label``, and ``label_en`` for English figures) or
        a mapping ``{indicator: label}``.
    indicator, significant : str
        Indicator column and the (optional) significance flag column.
    entity, period : str
        Entity and period columns.
    at : optional
        Period to draw when the table covers several (default: the latest).
    ax : matplotlib Axes, optional
        Axes to draw on; a new figure by default.
    lang : {"zh", "en"}, optional
        Language of the words in the figure; default (None): Chinese when the
        labels in ``metadata`` are Chinese, else English.
    **kwargs
        Passed to :meth:`matplotlib.axes.Axes.barh`, which draws the bars
        (e.g. ``height=``, ``edgecolor=``; an ``alpha=`` is scaled down for
        bars whose interval includes zero).

    Returns
    -------
    matplotlib.axes.Axes

    See Also
    --------
    benchmark.peer_gap : the table drawn here.
    plot_profile : the same table as percentile ranks or a radar.

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
    frame = _one_focus(frame, entity, focus, what="a gap chart")
    lower, upper = _interval_columns(frame, gap, lower, upper)
    _require(frame, [c for c in (lower, upper) if c], name="data")
    names = _label_map(metadata)
    values = _numeric(frame, column)
    order = np.argsort(np.nan_to_num(values, nan=-np.inf), kind="stable")
    frame, values = frame.iloc[order], values[order]
    ax = _axes(ax, (_width_for(_display(frame[indicator], names)), 0.42 * len(frame) + 1.6))
    y = np.arange(len(frame))
    _gap_bars(ax, frame, values, significant, kwargs)
    if lower and upper:
        _gap_intervals(ax, frame, values, (lower, upper), gap if percent else None)
    ax.axvline(0, color="black", lw=1)
    ax.set_yticks(y, labels=_display(frame[indicator], names))
    ref_name = _t(gap.removeprefix("gap_").replace("_", " "))
    ax.set_xlabel(_t("gap to the cohort {reference}", reference=ref_name)
                  + (_t(" (% of the reference)") if percent else "") + _t("; > 0 = ahead"))
    who = frame[entity].iloc[0] if entity in frame.columns and len(frame) else None
    title = titled(_t("Gaps to peers"), who, at)
    ax.set_title(title)
    _finish(ax, [title, *_display(frame[indicator], names)])
    return ax


def _gap_bars(ax: Axes, frame: pd.DataFrame, values: np.ndarray, significant: str,
              kwargs: Mapping[str, Any]) -> None:
    """Bars coloured by the sign of the gap, pale where the interval includes zero."""
    sig = (frame[significant].astype("boolean").fillna(False).to_numpy(dtype=bool)
           if significant in frame.columns else np.ones(len(frame), dtype=bool))
    colours = [(AHEAD_COLOR if v >= 0 else BEHIND_COLOR) for v in np.nan_to_num(values)]
    style = _style({"color": colours, "height": 0.7}, kwargs)
    alpha = style.pop("alpha", None)
    alpha = 1.0 if alpha is None else float(alpha)
    y = np.arange(len(frame))
    bars = ax.barh(y, np.nan_to_num(values), **style)
    for bar, strong in zip(bars, sig, strict=True):
        bar.set_alpha(alpha if strong else 0.45 * alpha)
    for yi in y[np.isnan(values)]:
        ax.annotate(_t("not available"), (0, yi), xytext=(3, 0), textcoords="offset points", va="center",
                    fontsize="x-small", color=COHORT_COLOR)


def _gap_intervals(ax: Axes, frame: pd.DataFrame, values: np.ndarray, columns: tuple[str, str],
                   percent_of: str | None) -> None:
    """Error bars from the interval columns, in percent of the gap's reference when ``percent_of``."""
    lo, hi = _gap_interval(frame, columns, percent_of)
    err = np.vstack([np.clip(values - lo, 0, None), np.clip(hi - values, 0, None)])
    has = ~np.isnan(values) & np.isfinite(lo) & np.isfinite(hi)
    y = np.arange(len(frame))
    ax.errorbar(values[has], y[has], xerr=err[:, has], fmt="none", ecolor="black", elinewidth=1, capsize=3)


def _interval_columns(frame: pd.DataFrame, gap: str, lower: str | None,
                      upper: str | None) -> tuple[str | None, str | None]:
    """The interval columns: as given, else peer_gap's ``ci_low``/``ci_high`` (median gap only)."""
    if lower or upper:
        return lower, upper
    if gap == "gap_median" and {"ci_low", "ci_high"} <= set(frame.columns):
        return "ci_low", "ci_high"
    return None, None


def _profile_positions(frame: pd.DataFrame, scale: str, columns: Mapping[str, str],
                       sign: np.ndarray) -> dict[str, np.ndarray]:
    """Focus, cohort quartiles, median and best on a common, direction-aware scale."""
    n = len(frame)
    if scale == "percentile":
        _require(frame, [columns["percentile"]], name="data",
                 hint="Name the percentile-rank column with percentile=.")
        return {"focus": _numeric(frame, columns["percentile"]), "low": np.full(n, 25.0), "mid": np.full(n, 50.0),
                "high": np.full(n, 75.0), "best": np.full(n, 100.0)}
    _require(frame, [columns[k] for k in ("value", "median", "q1", "q3")], name="data",
             hint="Pass the result of peer_gap() or name the columns with value=, median=, q1=, q3=.")
    m = _numeric(frame, columns["median"])
    with np.errstate(divide="ignore", invalid="ignore"):
        per_point = np.where(m != 0, 100.0 / np.abs(m), np.nan)

        def index(key: str) -> np.ndarray:
            return 100.0 + sign * (_numeric(frame, columns[key]) - m) * per_point

        a, b = index("q1"), index("q3")
        best = index("best") if columns["best"] in frame.columns else np.full(n, np.nan)
        return {"focus": index("value"), "low": np.fmin(a, b), "mid": np.full(n, 100.0), "high": np.fmax(a, b),
                "best": best}


def _one_focus(frame: pd.DataFrame, entity: str, focus: Any, *, what: str) -> pd.DataFrame:
    """The rows of ``focus``; without one, the table must hold a single entity."""
    if focus is not None:
        return _focus_rows(frame, entity, focus)
    if entity in frame.columns and frame[entity].nunique() > 1:
        raise BenchmarkError(
            f"`data` holds several {entity} entities ({format_list(pd.unique(frame[entity]).tolist())}); "
            f"{what} shows one: name it with focus=."
        )
    return frame


@_figure_function
@validate_params("entity", "period", kind=options("dot", "radar"), scale=options("percentile", "median"))
def plot_profile(
    data: pd.DataFrame,
    *,
    focus: Any = None,
    kind: str = "dot",
    scale: str = "percentile",
    metadata: Mapping[Any, str] | pd.DataFrame | None = None,
    indicator: str = "indicator",
    percentile: str = "percentile_rank",
    value: str = "value",
    median: str = "cohort_median",
    q1: str = "cohort_q1",
    q3: str = "cohort_q3",
    best: str = "cohort_best",
    entity: str = "institution",
    period: str | None = "year",
    at: Any = None,
    ax: Any = None,
    lang: str | None = None,
    **kwargs: Any,
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
      the median". The direction comes from the table's ``direction``
      column (``peer_gap`` writes it), else from the ``direction`` column of
      ``metadata``, else "higher is better".

    Parameters
    ----------
    data : DataFrame
        The result of :func:`benchmark.peer_gap`.
    focus : entity name, optional
        Whose profile is drawn when the table holds several entities.
    kind : {"dot", "radar"}
        Dot-range chart (one row per indicator) or radar chart. A radar needs
        three or more indicators.
    scale : {"percentile", "median"}
        See above.
    metadata : DataFrame or mapping, optional
        Display names of the indicators: the indicator table (columns
        ``indicator`` and ``label``, and ``label_en`` for English figures) or
        a mapping ``{indicator: label}``.
    indicator, percentile, value, median, q1, q3, best : str
        Column names (defaults: those of :func:`~benchmark.peer_gap`).
    entity, period : str
        Entity and period columns.
    at : optional
        Period to draw when the table covers several (default: the latest).
    ax : matplotlib Axes, optional
        Axes to draw on (a polar axes for ``kind="radar"``); a new figure by
        default.
    lang : {"zh", "en"}, optional
        Language of the words in the figure; default (None): Chinese when the
        labels in ``metadata`` are Chinese, else English.
    **kwargs
        Passed to :meth:`matplotlib.axes.Axes.plot` for the focus's markers
        (dot chart) or polygon (radar), e.g. ``color=``, ``markersize=``.

    Returns
    -------
    matplotlib.axes.Axes

    See Also
    --------
    benchmark.peer_gap : the table drawn here.
    benchmark.percentile_rank : percentile ranks of every entity.
    plot_gaps : the gaps of the same table as diverging bars.

    Examples
    --------
    >>> gaps = pd.DataFrame({"institution": "a", "indicator": ["x", "y", "z"],
    ...                      "percentile_rank": [80.0, 35.0, 60.0]})
    >>> ax = plot_profile(gaps)
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['x', 'y', 'z']
    """
    frame = check_frame(data)
    _require(frame, [indicator], name="data", hint="Name the indicator column with indicator=.")
    frame, at = _one_period(frame, period, at)
    frame = _one_focus(frame, entity, focus, what="a profile")
    if frame[indicator].duplicated().any():
        dupes = pd.unique(frame.loc[frame[indicator].duplicated(), indicator]).tolist()
        raise BenchmarkError(f"indicator(s) {format_list(dupes)} appear several times; select one period (at=).")
    if kind == "radar" and len(frame) < 3:
        raise BenchmarkError(f"a radar needs at least 3 indicators; got {len(frame)}. Use kind='dot'.")
    columns = {"value": value, "percentile": percentile, "median": median, "q1": q1, "q3": q3, "best": best}
    pos = _profile_positions(frame, scale, columns, _signs(frame, indicator, metadata))
    ticks = _display(frame[indicator], _label_map(metadata))
    who = frame[entity].iloc[0] if entity in frame.columns else None
    draw = _radar if kind == "radar" else _dot_range
    ax = draw(pos, ticks, who, scale, ax, kwargs)
    title = titled(_t("Profile against the cohort"), who, at)
    ax.set_title(title, pad=36 if kind == "radar" else None)
    _finish(ax, [title, *ticks])
    return ax


def _signs(frame: pd.DataFrame, indicator: str, metadata: Any) -> np.ndarray:
    """-1 for "lower is better" indicators: from the table's direction column, else from the metadata."""
    if "direction" in frame.columns:
        direction = frame["direction"]
    elif isinstance(metadata, pd.DataFrame) and {"indicator", "direction"} <= set(metadata.columns):
        direction = frame[indicator].map(dict(zip(metadata["indicator"], metadata["direction"], strict=True)))
    else:
        return np.ones(len(frame))
    return np.where(direction.astype(str).str.lower().eq("lower").to_numpy(), -1.0, 1.0)


def _scale_label(scale: str) -> str:
    return (_t("percentile rank among peers (100 = best)") if scale == "percentile"
            else _t("index to the cohort median (100 = median; higher = better)"))


def _dot_range(pos: dict[str, np.ndarray], ticks: list[str], who: Any, scale: str, ax: Any,
               kwargs: Mapping[str, Any]) -> Axes:
    n = len(ticks)
    ax = _axes(ax, (_width_for(ticks), 0.45 * n + 1.6))
    y = np.arange(n)[::-1]  # first indicator on top
    ax.hlines(y, pos["low"], pos["high"], color=COHORT_COLOR, lw=6, alpha=0.35, label=_t("cohort inter-quartile range"))
    ax.plot(pos["mid"], y, ls="", marker="|", ms=14, mew=2, color=COHORT_COLOR, label=_t("cohort median"))
    if not np.isnan(pos["best"]).all() and scale == "median":
        ax.plot(pos["best"], y, ls="", marker="d", ms=6, color="black", alpha=0.6, label=_t("cohort best"))
    ax.plot(pos["focus"], y, label=str(who) if who is not None else _t("focus"),
            **_style({"ls": "", "marker": "o", "ms": 9, "color": FOCUS_COLOR}, kwargs))
    ax.set_yticks(y, labels=ticks)
    ax.set_xlabel(_scale_label(scale))
    if scale == "percentile":
        ax.set_xlim(-3, 103)
    ax.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0)
    return ax


def _radar(pos: dict[str, np.ndarray], ticks: list[str], who: Any, scale: str, ax: Any,
           kwargs: Mapping[str, Any]) -> Axes:
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
    ax.plot(closed, ring(focus), label=str(who) if who is not None else _t("focus"),
            **_style({"color": FOCUS_COLOR, "marker": "o", "lw": 2}, kwargs))
    ax.fill(closed, ring(np.nan_to_num(focus)), color=FOCUS_COLOR, alpha=0.1)
    ax.set_xticks(theta, labels=ticks)
    ax.set_theta_offset(np.pi / 2)
    ax.set_theta_direction(-1)
    top = 100.0 if scale == "percentile" else max(150.0, float(np.nanmax(np.r_[pos["focus"], pos["high"]])) * 1.1)
    ax.set_ylim(0, top)
    ax.set_rlabel_position(180.0 / n)  # radius labels between the first two spokes, clear of the labels
    ax.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.05, 1.05), borderaxespad=0)
    return ax

