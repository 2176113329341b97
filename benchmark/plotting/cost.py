"""Against cost: the cost-outcome quadrants, the DEA frontier and productivity change (Malmquist)."""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from benchmark._i18n import current, titled
from benchmark._i18n import t as _t
from benchmark._validation import (
    BenchmarkError,
    UnknownEntityError,
    check_choice,
    check_entity,
    check_frame,
    format_list,
    options,
    validate_params,
)
from benchmark.plotting._common import (
    COHORT_COLOR,
    FOCUS_COLOR,
    OTHER_COLOR,
    PEER_COLOR,
    QUADRANT_COLORS,
    _axes,
    _entities,
    _figure_function,
    _finish,
    _focus_rows,
    _label_map,
    _note,
    _numeric,
    _one_period,
    _require,
    _style,
    _table,
    _word,
)
from benchmark.plotting._geometry import (
    _cohort_of,
    _dea_projection,
    _efficient_units,
    _frontier_dimensions,
    _frontier_line,
    _frontier_plane,
    _target_table,
)

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes


# ============================================================ cost and outcome
@_figure_function
@validate_params("entity", "period")
def plot_cost_outcome(
    data: pd.DataFrame,
    *,
    focus: Any = None,
    peers: Any = None,
    logx: bool = False,
    metadata: Mapping[Any, str] | pd.DataFrame | None = None,
    cost: str = "cost",
    outcome: str = "outcome",
    quadrant: str = "quadrant",
    cost_median: str = "cost_median",
    outcome_median: str = "outcome_median",
    entity: str = "institution",
    period: str | None = "year",
    at: Any = None,
    ax: Any = None,
    lang: str | None = None,
    **kwargs: Any,
) -> Axes:
    """The cost-outcome quadrant chart, with the focus and its peers highlighted.

    Cost runs along the x axis, the outcome along the y axis. The dashed lines
    are the cohort medians the focus was judged against (its own row's
    ``cost_median`` and ``outcome_median``); each point is coloured by its
    quadrant label ("more for less", ...). With a focus, entities outside its
    cohort (the table's ``cohort`` column) are grey. Without a focus the lines
    are drawn at the median of the rows' cohort medians.

    Parameters
    ----------
    data : DataFrame
        The result of :func:`benchmark.cost_outcome_quadrant`.
    focus : entity name, optional
        Entity drawn as a large star and named.
    peers : list of entities or nearest-peers table, optional
        Entities outlined and named. Default: none.
    logx : bool
        Logarithmic cost axis (costs are often skewed).
    metadata : mapping or DataFrame, optional
        Axis names: a mapping such as ``{"total_funding": "funding (10k
        yuan)"}`` or the indicator table (columns ``indicator`` and
        ``label``). Keys are the indicators given to
        :func:`~benchmark.cost_outcome_quadrant` (it records them in the
        table) or the drawn columns themselves (``"cost"``, ``"outcome"``).
        A mapping that names neither axis gives a warning.
    cost, outcome, quadrant, cost_median, outcome_median : str
        Column names (defaults: those of :func:`~benchmark.cost_outcome_quadrant`).
    entity, period : str
        Entity and period columns.
    at : optional
        Period to draw (default: the latest).
    ax : matplotlib Axes, optional
        Axes to draw on; a new figure by default.
    lang : {"zh", "en"}, optional
        Language of the words in the figure; default (None): Chinese when the
        labels in ``metadata`` are Chinese, else English.
    **kwargs
        Passed to :meth:`matplotlib.axes.Axes.scatter` for the points of the
        cohort (e.g. ``s=``, ``alpha=``, ``marker=``).

    Returns
    -------
    matplotlib.axes.Axes

    See Also
    --------
    benchmark.cost_outcome_quadrant : the table drawn here.
    benchmark.cost_per_outcome : cost per unit of outcome.
    plot_frontier : the efficiency frontier of several inputs and outputs.

    Examples
    --------
    >>> table = pd.DataFrame({"institution": list("abcd"), "cost": [1.0, 2.0, 3.0, 4.0],
    ...                       "outcome": [4.0, 1.0, 3.0, 2.0], "cost_median": 2.5, "outcome_median": 2.5,
    ...                       "quadrant": ["more for less", "less for less", "more for more", "less for more"]})
    >>> ax = plot_cost_outcome(table, focus="a", metadata={"cost": "spending"})
    >>> ax.get_xlabel()
    'spending'
    """
    frame = check_frame(data)
    drawn = {cost: data.attrs.get("cost_indicator"), outcome: data.attrs.get("outcome_indicator")}
    _require(frame, [entity, cost, outcome, quadrant], name="data",
             hint="Pass the result of cost_outcome_quadrant() or name the columns with cost=, outcome=, quadrant=.")
    frame, at = _one_period(frame, period, at)
    peer_list = _entities(peers, entity)
    unknown = [p for p in peer_list if p not in set(frame[entity].tolist())]
    if unknown:
        raise UnknownEntityError(f"peers {format_list(unknown)} do not occur in `data`"
                                 + (f" in {period} {at}" if at is not None else "") + ".")
    x, y = _numeric(frame, cost), _numeric(frame, outcome)
    ok = ~np.isnan(x) & ~np.isnan(y)
    in_cohort, (xm, ym) = _cohort_of(frame, focus, entity, (cost_median, outcome_median))
    ax = _axes(ax, (7.5, 5.5))
    quad = frame[quadrant].to_numpy(dtype=object)
    _quadrant_points(ax, x, y, quad, ok, in_cohort, kwargs)
    for level, line in ((xm, ax.axvline), (ym, ax.axhline)):
        if not np.isnan(level):
            line(level, color=COHORT_COLOR, ls="--", lw=1)
    names = frame[entity].to_numpy()
    _mark_entities(ax, x, y, names, ok, peer_list, focus)
    if logx:
        ax.set_xscale("log")
    _quadrant_names(ax, x, y, quad, ok & in_cohort, xm, ym)
    if (~ok).any():
        _note(ax, _t("{n} {entity} row(s) without cost or outcome not shown", n=int((~ok).sum()), entity=entity))
    labels = _axis_labels(metadata, drawn)
    ax.set_xlabel(labels.get(cost) or _t("{cost} (lower is better)", cost=_word(cost)))
    ax.set_ylabel(labels.get(outcome) or _word(outcome))
    ax.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0)
    ax.set_title(titled(_t("Cost and outcome"), at=at))
    _finish(ax, [*map(str, names[ok]), *labels.values()])
    return ax


def _axis_labels(metadata: Any, drawn: dict[str, str | None]) -> dict[Any, str]:
    """Axis names keyed by the drawn columns; a mapping that names none of them is worth a warning.

    ``drawn`` maps each drawn column to the indicator it holds, which
    :func:`~benchmark.cost_outcome_quadrant` records in the table's ``attrs``;
    labels keyed by the indicator (``"total_funding"``) name the column
    (``"cost"``) it was copied into. Labels keyed by the column win.
    """
    labels = _label_map(metadata)
    for column, indicator in drawn.items():
        if column not in labels and indicator is not None and indicator in labels:
            labels[column] = labels[indicator]
    cost, outcome = drawn
    if isinstance(metadata, Mapping) and labels and not {cost, outcome} & set(labels):
        warnings.warn(
            f"`metadata` labels {format_list(list(labels))}, but the axes draw the columns {cost!r} and "
            f"{outcome!r}, so the axes keep their generic names; key the labels by those columns, e.g. "
            f"metadata={{{cost!r}: 'funding (10k yuan)', {outcome!r}: 'placement rate'}}.",
            UserWarning, stacklevel=5,  # the caller of plot_cost_outcome, past its two wrappers
        )
    return labels


def _quadrant_points(ax: Axes, x: np.ndarray, y: np.ndarray, quad: np.ndarray, ok: np.ndarray,
                     in_cohort: np.ndarray, kwargs: Mapping[str, Any]) -> None:
    """Grey points outside the cohort, then the cohort's points coloured by quadrant."""
    grey = ok & ~in_cohort
    ax.scatter(x[grey], y[grey], color=OTHER_COLOR, s=18, label=_t("outside the cohort") if grey.any() else None)
    for name, colour in QUADRANT_COLORS.items():
        mask = ok & in_cohort & (quad == name)
        if mask.any():
            ax.scatter(x[mask], y[mask], label=_t(name), **_style({"color": colour, "s": 28, "alpha": 0.85}, kwargs))
    other = ok & in_cohort & ~np.isin(quad, list(QUADRANT_COLORS))
    if other.any():
        ax.scatter(x[other], y[other], label=_t("no label"), **_style({"color": COHORT_COLOR, "s": 28}, kwargs))


def _mark_entities(ax: Axes, x: np.ndarray, y: np.ndarray, names: np.ndarray, ok: np.ndarray,
                   peers: list[Any], focus: Any) -> None:
    """Outline and name the peers; the focus as a large named star."""
    for p in peers:
        i = np.flatnonzero(names == p)[0]
        if ok[i]:
            ax.scatter([x[i]], [y[i]], s=70, facecolor="none", edgecolor="black", linewidth=1.2, zorder=4)
            ax.annotate(str(p), (x[i], y[i]), xytext=(4, 4), textcoords="offset points", fontsize="x-small")
    if focus is None:
        return
    i = np.flatnonzero(names == focus)[0]
    if ok[i]:
        ax.scatter([x[i]], [y[i]], marker="*", s=260, color=FOCUS_COLOR, edgecolor="black", zorder=5,
                   label=str(focus))
        right = x[i] > np.nanmin(x[ok]) + 0.6 * (np.nanmax(x[ok]) - np.nanmin(x[ok]))  # name to the left there
        ax.annotate(str(focus), (x[i], y[i]), xytext=(-10 if right else 10, -12), textcoords="offset points",
                    ha="right" if right else "left", color=FOCUS_COLOR, fontweight="bold")


def _quadrant_names(ax: Axes, x: np.ndarray, y: np.ndarray, quad: np.ndarray, mask: np.ndarray,
                    xm: float, ym: float) -> None:
    """Write each quadrant's name in the corner where its members lie."""
    if np.isnan(xm) or np.isnan(ym):
        return
    for name, colour in QUADRANT_COLORS.items():
        sel = mask & (quad == name)
        if not sel.any():
            continue
        right = np.median(x[sel] - xm) > 0
        top = np.median(y[sel] - ym) > 0
        ax.annotate(_t(name), xy=(0.98 if right else 0.02, 0.98 if top else 0.02), xycoords="axes fraction",
                    ha="right" if right else "left", va="top" if top else "bottom",
                    fontsize="small", color=colour, fontweight="bold")


# ============================================================ efficiency frontier
_RTS = ("crs", "vrs", "nirs", "ndrs", "fdh")


def _result_data(result: Any, entity: str) -> pd.DataFrame:
    """The units' observed inputs and outputs, from the ``actual`` column of the result's targets."""
    table = _target_table(result)
    if table is None or not {entity, "indicator", "actual"} <= set(table.columns):
        raise BenchmarkError("pass the units' inputs and outputs as data= (the result does not hold them).")
    wide = table.pivot_table(index=entity, columns="indicator", values="actual", sort=False, aggfunc="first")
    wide.columns.name = None
    return wide.reset_index()


@_figure_function
@validate_params("entity", rts=options(*_RTS, none=True), orientation=options("input", "output", none=True))
def plot_frontier(
    result: Any,
    *,
    focus: Any = None,
    data: pd.DataFrame | None = None,
    inputs: str | Sequence[str] | None = None,
    outputs: str | Sequence[str] | None = None,
    annotate: bool = False,
    rts: str | None = None,
    orientation: str | None = None,
    efficiency: str = "efficiency",
    metadata: Mapping[Any, str] | pd.DataFrame | None = None,
    entity: str | None = None,
    ax: Any = None,
    lang: str | None = None,
    **kwargs: Any,
) -> Axes:
    """A two-dimensional DEA frontier with the focus's projection onto it.

    Three pictures are possible, chosen from the numbers of inputs and
    outputs: one input and one output (the production frontier for the
    returns to scale of the model); one input and two outputs (outputs per
    unit of input, the frontier bowing outwards); two inputs and one output
    (inputs per unit of output, the isoquant bowing inwards). The frontier
    is drawn through the units the DEA result scores efficient (score 1);
    the arrow goes from the focus to its projection (its targets).

    Ratios to the single input (or output) are exact pictures of a
    constant-returns model; for other returns to scale with varying inputs
    the two-output picture is a projection and may place efficient units
    inside the drawn boundary.

    Parameters
    ----------
    result : DEAResult or DataFrame
        The result of :func:`benchmark.dea` (its ``efficiency`` table with
        ``efficiency`` and ``efficient``, its ``targets()`` and its ``inputs``,
        ``outputs``, ``rts``, ``orientation`` and ``entity``), or a table with
        the entity column and an efficiency column (1 = efficient; for output
        orientation the reciprocal of the Farrell output measure, as
        ``dea`` reports it).
    focus : entity name, optional
        Unit whose projection is drawn.
    data : DataFrame, optional
        The inputs and outputs of every unit (default: the ``actual`` values
        of the result's ``targets()``).
    inputs, outputs : str or list of str, optional
        Columns of ``data`` (default: the result's own).
    annotate : bool
        Name every unit on the frontier.
    rts, orientation : str, optional
        Returns to scale and orientation (default: the result's own, else
        ``"crs"`` and ``"input"``).
    efficiency : str
        Efficiency column of the result table (1 = efficient).
    metadata : DataFrame or mapping, optional
        Axis names of the inputs and outputs: the indicator table (columns
        ``indicator`` and ``label``, and ``label_en`` for English figures) or
        a mapping ``{indicator: label}``.
    entity : str, optional
        Entity column (default: the result's own, else ``"institution"``).
    ax : matplotlib Axes, optional
        Axes to draw on; a new figure by default.
    lang : {"zh", "en"}, optional
        Language of the words in the figure; default (None): Chinese when the
        labels in ``metadata`` are Chinese, else English.
    **kwargs
        Passed to :meth:`matplotlib.axes.Axes.plot` for the frontier line
        (e.g. ``color=``, ``linewidth=``, ``linestyle=``).

    Returns
    -------
    matplotlib.axes.Axes

    See Also
    --------
    benchmark.dea : the efficiency scores and targets drawn here.
    benchmark.sbm : slack-based scores, whose result plots the same way.
    plot_cost_outcome : one cost against one outcome, by quadrant.

    Examples
    --------
    >>> units = pd.DataFrame({"institution": list("abc"), "x": [2.0, 4.0, 3.0], "y": [2.0, 5.0, 6.0]})
    >>> scores = pd.DataFrame({"institution": list("abc"), "efficiency": [0.5, 0.625, 1.0]})
    >>> ax = plot_frontier(scores, data=units, inputs="x", outputs="y", focus="a")
    >>> ax.get_xlabel(), ax.get_ylabel()
    ('x', 'y')
    """
    entity = entity or getattr(result, "entity", None) or "institution"
    table = _table(result, ["efficiency"], name="result")
    frame = check_frame(data) if data is not None else _result_data(result, entity)
    ins, outs = _frontier_dimensions(result, inputs, outputs)
    rts = rts or getattr(result, "rts", None) or "crs"
    orientation = orientation or getattr(result, "orientation", None) or "input"
    check_choice(rts, _RTS, name="rts")
    _require(frame, [entity, *ins, *outs], name="data")
    _require(table, [entity, efficiency], name="result", hint="Name the efficiency column with efficiency=.")
    scores = table.set_index(entity)[efficiency].reindex(frame[entity]).to_numpy(dtype=float)
    raw = frame[[*ins, *outs]].to_numpy(dtype=float)
    if np.isnan(raw).any() or (raw <= 0).any():
        raise BenchmarkError("inputs and outputs must be positive and complete to draw the frontier.")
    efficient = _efficient_units(table, frame[entity], entity, efficiency, scores)
    xy, xlabel, ylabel = _frontier_plane(raw, ins, outs, _label_map(metadata))
    ax = _axes(ax, (7.0, 5.5))
    names = frame[entity].to_numpy()
    ax.scatter(xy[~efficient, 0], xy[~efficient, 1], color=PEER_COLOR, s=24, alpha=0.7, label=_t("inefficient units"))
    ax.scatter(xy[efficient, 0], xy[efficient, 1], color="black", s=36, label=_t("efficient units"))
    right, top = float(np.nanmax(xy[:, 0])) * 1.08, float(np.nanmax(xy[:, 1])) * 1.08
    line = _frontier_line(xy[efficient], (len(ins), len(outs)), rts, top, right)
    ax.plot(line[:, 0], line[:, 1], label=_t("frontier ({rts})", rts=rts.upper()),
            **_style({"color": "black", "lw": 1.5}, kwargs))
    if annotate:
        for i in np.flatnonzero(efficient):
            ax.annotate(str(names[i]), xy[i], xytext=(4, 4), textcoords="offset points", fontsize="x-small")
    if focus is not None:
        _focus_rows(frame, entity, focus, name="data")
        i = int(np.flatnonzero(names == focus)[0])
        proj = _dea_projection(result, focus, entity, (ins, outs), raw[i], scores[i], orientation)
        _draw_projection(ax, xy[i], _frontier_plane(proj[None, :], ins, outs, {})[0][0],
                         f"{focus} ({_t(efficiency)} {scores[i]:.3f})")
    ax.set_xlim(0, right)
    ax.set_ylim(0, top)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0)
    ax.set_title(_t("DEA frontier, {rts}, {orientation} orientation", rts=rts.upper(), orientation=_t(orientation)))
    _finish(ax, [*map(str, names), xlabel, ylabel, *([str(focus)] if focus is not None else [])])
    return ax


def _draw_projection(ax: Axes, point: np.ndarray, target: np.ndarray, label: str) -> None:
    """The focus as a star, an arrow to its projection and the projection as an open circle."""
    ax.annotate("", xy=target, xytext=point, arrowprops={"arrowstyle": "->", "color": FOCUS_COLOR, "lw": 1.5})
    ax.scatter([point[0]], [point[1]], marker="*", s=240, color=FOCUS_COLOR, edgecolor="black", zorder=5,
               label=label)
    ax.scatter([target[0]], [target[1]], marker="o", s=50, facecolor="white", edgecolor=FOCUS_COLOR, zorder=5,
               label=_t("projection (target)"))


# ============================================================ Malmquist index over time
_MALMQUIST_TEXT = {
    "en": {"malmquist": "TFP change (tfpch)", "efficiency_change": "efficiency change (effch)",
           "technical_change": "technical change (techch)",
           "pure_efficiency_change": "pure efficiency change (pech)",
           "scale_efficiency_change": "scale efficiency change (sech)",
           "title": "Malmquist index and its components", "ylabel": "index (> 1: improvement)",
           "xlabel": "period", "mean": "geometric mean over {n} units", "unit": "{focus}"},
    "zh": {"malmquist": "全要素生产率变化 (tfpch)", "efficiency_change": "技术效率变化 (effch)",
           "technical_change": "技术进步 (techch)", "pure_efficiency_change": "纯技术效率变化 (pech)",
           "scale_efficiency_change": "规模效率变化 (sech)", "title": "Malmquist 指数及其分解",
           "ylabel": "指数 (> 1 表示改善)", "xlabel": "时期", "mean": "{n} 个单位的几何平均",
           "unit": "{focus}"},
}
# Okabe-Ito colours (as in benchmark.plotting) with distinct line styles and markers, so the five
# series stay apart for colour-blind readers and in greyscale print.
_STYLE = {"malmquist": ("black", "-", 2.2), "efficiency_change": ("#0072B2", "--", 1.4),
          "technical_change": ("#D55E00", "-.", 1.4), "pure_efficiency_change": ("#009E73", ":", 1.4),
          "scale_efficiency_change": ("#CC79A7", (0, (5, 1, 1, 1, 1, 1)), 1.4)}
_MARKERS = {"malmquist": "o", "efficiency_change": "s", "technical_change": "^",
            "pure_efficiency_change": "D", "scale_efficiency_change": "v"}


@_figure_function
def plot_malmquist(
    result: Any,
    *,
    focus: Any = None,
    components: Sequence[str] | None = None,
    ax: Any = None,
    lang: str | None = None,
    **kwargs: Any,
) -> Axes:
    """The Malmquist index and its components for each pair of consecutive periods.

    Without ``focus`` the lines are the geometric means over units
    (``result.period_means()``, DEAP's annual means; the number of units
    behind each mean is printed under its period label); with ``focus`` they
    are that unit's own indices. A horizontal line marks 1 (no change).

    Parameters
    ----------
    result : MalmquistResult
        The result of :func:`benchmark.malmquist`.
    focus : entity name, optional
        Plot this unit instead of the means.
    components : list of str, optional
        Columns to draw (default: every component the result has:
        ``malmquist``, ``efficiency_change``, ``technical_change`` and, for
        ``rts="vrs"``, ``pure_efficiency_change`` and
        ``scale_efficiency_change``).
    ax : matplotlib Axes, optional
        Axes to draw on; a new figure by default.
    lang : {"zh", "en"}, optional
        Language of the words in the figure; default (None): English, as in
        every figure without Chinese indicator labels.
    **kwargs
        Passed to :meth:`matplotlib.axes.Axes.plot` for each component's
        line (e.g. ``linewidth=``, ``alpha=``; a ``color=`` paints them all).

    Returns
    -------
    matplotlib.axes.Axes

    See Also
    --------
    benchmark.malmquist : the index and its DEAP decomposition.
    plot_frontier : the frontier of one period.

    Examples
    --------
    >>> from benchmark import malmquist
    >>> df = pd.DataFrame({"institution": list("ABCABCABC"), "year": [1] * 3 + [2] * 3 + [3] * 3,
    ...                    "x": [1.0, 2, 4] * 3, "y": [1.0, 1, 2, 2, 1, 2, 2, 2, 3]})
    >>> ax = plot_malmquist(malmquist(df, "x", "y"))
    >>> [t.get_text() for t in ax.get_legend().get_texts()][0]
    'TFP change (tfpch)'
    """
    index = getattr(result, "index", None)
    if not isinstance(index, pd.DataFrame) or not hasattr(result, "period_means"):
        raise BenchmarkError(f"`result` must be the result of benchmark.malmquist(); got {type(result).__name__}.")
    have = result._components()
    components = have if components is None else list(components)
    unknown = [c for c in components if c not in have]
    if unknown:
        raise BenchmarkError(f"`components` {format_list(unknown)} are not in the result; choose among "
                             f"{format_list(have)} (pech/sech need rts='vrs').")
    text = _MALMQUIST_TEXT[current()]
    table, ticks = _malmquist_rows(result, index, focus, text)
    ax = _axes(ax, (max(7.0, 1.3 * len(ticks) + 5), 4.5))
    pos = np.arange(len(ticks))
    for c in components:
        colour, style, width = _STYLE[c]
        ax.plot(pos, table[c].to_numpy(dtype=float), label=text[c],
                **_style({"marker": _MARKERS[c], "color": colour, "linestyle": style, "linewidth": width}, kwargs))
    ax.axhline(1.0, color="grey", linewidth=0.8)
    ax.set_xticks(pos, ticks, fontsize="small")
    ax.set_xlim(-0.5, len(ticks) - 0.5)  # half a period of room so the two-line tick labels stay inside
    ax.set_xlabel(text["xlabel"])
    ax.set_ylabel(text["ylabel"])
    ax.set_title(titled(text["title"], focus))
    ax.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0)
    _finish(ax, [*ticks, *(text[c] for c in components), text["title"], "" if focus is None else str(focus)])
    return ax


def _malmquist_rows(result: Any, index: pd.DataFrame, focus: Any,
                    text: Mapping[str, str]) -> tuple[pd.DataFrame, list[str]]:
    """The period means (or the focus's own rows) and their tick labels."""
    if focus is None:
        table = result.period_means()
        ticks = [f"{a}-{b}\n({text['mean'].format(n=n)})" for a, b, n in
                 zip(table["period_from"], table["period_to"], table["units"], strict=True)]
        return table, ticks
    check_entity(index, focus, entity=result.entity, name="result.index")
    table = index[index[result.entity] == focus]
    return table, [f"{a}-{b}" for a, b in zip(table["period_from"], table["period_to"], strict=True)]
