"""In the field: rank intervals, tiers, transitions between tiers and the distribution over time."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from benchmark._i18n import t as _t
from benchmark._validation import (
    BenchmarkError,
    UnknownEntityError,
    check_frame,
    format_list,
    interval,
    options,
    validate_params,
)
from benchmark.plotting._common import (
    COHORT_COLOR,
    FOCUS_COLOR,
    PEER_COLOR,
    _axes,
    _check_ax,
    _entities,
    _figure_function,
    _finish,
    _focus_rows,
    _label_map,
    _note,
    _numeric,
    _require,
    _style,
    _table,
    _word,
)
from benchmark.plotting._geometry import (
    _best_ranks,
    _official_map,
    _official_tiers,
    _tier_positions,
    _tier_styles,
)

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes


# ============================================================ tiers: transitions
def _transition_counts(data: Any, at: Any) -> tuple[pd.DataFrame, pd.DataFrame | None, str]:
    """Counts matrix, row shares (when the result gives them) and a subtitle."""
    if hasattr(data, "matrix") and callable(data.matrix):
        counts = data.matrix(at)
        shares = data.matrix(at, shares=True)
        shares = shares.drop(columns="n", errors="ignore")
        return counts, shares, _pair_title(data.transitions if hasattr(data, "transitions") else None,
                                           at)
    frame = check_frame(data, name="data")
    if {"from_tier", "to_tier", "count"} <= set(frame.columns):
        long = frame
        if at is not None:
            _require(frame, ["from_period"], hint="Pass the `transitions` table of tier_transitions().")
            if at not in set(frame["from_period"].tolist()):
                raise BenchmarkError(
                    f"at={at!r} is not a from_period of the table; use one of "
                    f"{format_list(sorted(set(frame['from_period'].tolist())))}."
                )
            long = frame[frame["from_period"] == at]
        states = list(dict.fromkeys([*long["from_tier"], *long["to_tier"]]))
        counts = (long.pivot_table(index="from_tier", columns="to_tier", values="count", aggfunc="sum",
                                   sort=False).reindex(index=states, columns=states).fillna(0))
        return counts, None, _pair_title(frame if "from_period" in frame.columns else None, at)
    if at is not None:
        raise BenchmarkError("`at` needs a TierTransitions result or its `transitions` table.")
    return frame, None, ""


def _pair_title(long: pd.DataFrame | None, at: Any) -> str:
    if long is None or "from_period" not in long.columns or long.empty:
        return ""
    if at is not None:
        to = long.loc[long["from_period"] == at, "to_period"].iloc[0]
        return f"{at} \u2192 {to}"
    return f"{long['from_period'].min()}\u2013{long['to_period'].max()}, {_word('pooled')}"


@_figure_function
@validate_params()
def plot_transitions(
    data: Any,
    *,
    focus: Any = None,
    at: Any = None,
    cmap: str = "Blues",
    ax: Any = None,
    lang: str | None = None,
    **kwargs: Any,
) -> Axes:
    """Heatmap of a tier transition matrix with the counts written in the cells.

    Rows are the tier in a period, columns the tier in the next period; the
    diagonal (entities that stayed) is outlined in black. Cells are coloured
    by the row share (the probability of moving from the row's tier to the
    column's) and labelled with the count and that share. The cells of the
    focus's moves are outlined in the focus colour.

    Parameters
    ----------
    data : TierTransitions or DataFrame
        The result of :func:`benchmark.tier_transitions`; its ``transitions``
        table (columns ``from_tier``, ``to_tier``, ``count`` and optionally
        ``from_period``, ``to_period``); or a square counts matrix (rows:
        from, columns: to).
    focus : entity name, optional
        Entity whose moves between tiers (from the result's ``movers``) are
        outlined and listed; needs the TierTransitions result. An entity that
        never moved is reported as such in the note, since ``movers`` lists
        only the entities that changed tier.
    at : optional
        Draw the matrix of the pair of periods starting at this period;
        default: all consecutive pairs pooled.
    cmap : str
        Matplotlib colormap of the shares.
    ax : matplotlib Axes, optional
        Axes to draw on; a new figure by default.
    lang : {"zh", "en"}, optional
        Language of the words in the figure; default (None): English (the
        figure has no indicator labels to go by).
    **kwargs
        Passed to :meth:`matplotlib.axes.Axes.imshow`, which draws the cells
        (e.g. ``alpha=``).

    Returns
    -------
    matplotlib.axes.Axes

    See Also
    --------
    benchmark.tier_transitions : the counts and shares drawn here.
    plot_tiers : the tiers of one period on a map.

    Examples
    --------
    >>> panel = pd.DataFrame({"institution": list("abcabc"), "year": [1, 1, 1, 2, 2, 2],
    ...                       "tier": ["A", "B", "B", "B", "A", "B"]})
    >>> from benchmark import tier_transitions
    >>> ax = plot_transitions(tier_transitions(panel, "tier"), focus="a")
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['A', 'B']
    """
    counts, shares, subtitle = _transition_counts(data, at)
    moves = _focus_moves(data, focus, at)
    if counts.shape[0] == 0 or counts.shape[0] != counts.shape[1]:
        raise BenchmarkError(
            f"a transition matrix must be square and non-empty; got {counts.shape[0]} rows and "
            f"{counts.shape[1]} columns."
        )
    values = counts.to_numpy(dtype=float, na_value=np.nan)
    share = _row_shares(values) if shares is None else \
        shares.reindex(index=counts.index, columns=counts.columns).to_numpy(dtype=float, na_value=np.nan)
    n = len(counts)
    ax = _axes(ax, (1.2 * n + 2.4, 1.0 * n + 1.8))
    image = ax.imshow(np.nan_to_num(share), **_style({"cmap": cmap, "vmin": 0, "vmax": 1}, kwargs))
    _cell_texts(ax, values, share)
    _outline_cells(ax, counts, [(s, s) for s in counts.index], color="black")
    xlabel = _t("tier in the next period")
    if moves is not None:
        _outline_cells(ax, counts, list(zip(moves["from_tier"], moves["to_tier"], strict=True)), color=FOCUS_COLOR)
        xlabel += "\n" + _moves_text(focus, moves)  # under the matrix, where no cell colour hides it
    rows = [str(s) for s in counts.index]
    cols = [str(s) for s in counts.columns]
    ax.set_xticks(range(n), labels=cols)
    ax.set_yticks(range(n), labels=rows)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(_t("tier in the period"))
    ax.set_title(_t("Tier transitions") + (f" ({subtitle})" if subtitle else ""))
    ax.figure.colorbar(image, ax=ax, label=_t("share of the row"), shrink=0.8)
    _finish(ax, rows + cols + ([str(focus)] if focus is not None else []))
    return ax


def _row_shares(values: np.ndarray) -> np.ndarray:
    totals = values.sum(axis=1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(totals > 0, values / totals, np.nan)


def _cell_texts(ax: Axes, values: np.ndarray, share: np.ndarray) -> None:
    """Count and row share in every cell, white on dark cells."""
    n = len(values)
    for i in range(n):
        for j in range(n):
            count = values[i, j]
            text = f"{count:.0f}" if np.isnan(share[i, j]) else f"{count:.0f}\n{share[i, j]:.0%}"
            dark = (share[i, j] if not np.isnan(share[i, j]) else 0) > 0.55
            ax.text(j, i, text, ha="center", va="center", fontsize="small", color="white" if dark else "black")


def _outline_cells(ax: Axes, counts: pd.DataFrame, cells: list[tuple[Any, Any]], *, color: str) -> None:
    from matplotlib.patches import Rectangle

    rows, cols = list(counts.index), list(counts.columns)
    inset = 0.0 if color == "black" else 0.08  # the focus's outline sits inside the diagonal's
    for row, col in dict.fromkeys(cells):
        if row in rows and col in cols:
            i, j = rows.index(row), cols.index(col)
            ax.add_patch(Rectangle((j - 0.5 + inset, i - 0.5 + inset), 1 - 2 * inset, 1 - 2 * inset, fill=False,
                                   lw=1.5 if color == "black" else 2.5, ec=color))


def _focus_moves(data: Any, focus: Any, at: Any) -> pd.DataFrame | None:
    """The focus's rows of the result's ``movers`` table (in the pair starting at ``at``, when given)."""
    if focus is None:
        return None
    movers = getattr(data, "movers", None)
    if not isinstance(movers, pd.DataFrame):
        raise BenchmarkError("focus= needs the TierTransitions result of tier_transitions() (its movers table).")
    entity = getattr(data, "entity", "institution")
    rows = movers[movers[entity] == focus]
    return rows if at is None else rows[rows["from_period"] == at]


def _moves_text(focus: Any, moves: pd.DataFrame) -> str:
    if moves.empty:
        return _word("{focus}: no change of tier recorded", focus=focus)
    steps = [f"{a}\u2192{b} ({p}\u2192{q})" for a, b, p, q in
             zip(moves["from_tier"], moves["to_tier"], moves["from_period"], moves["to_period"], strict=True)]
    return _word("{focus}'s moves", focus=focus) + ": " + ", ".join(steps)


# ============================================================ tiers: map


@_figure_function
@validate_params("entity", kind=options("pca", "score", none=True))
def plot_tiers(
    result: Any,
    *,
    focus: Any = None,
    data: pd.DataFrame | None = None,
    kind: str | None = None,
    official: str | pd.Series | Mapping[Any, Any] | None = None,
    annotate: bool = False,
    entity: str | None = None,
    ax: Any = None,
    lang: str | None = None,
    **kwargs: Any,
) -> Axes:
    """Entities on a map coloured by their derived tier and marked by their official tier.

    ``kind="pca"`` places the entities on the first two principal components
    of their z-scored features (the first component signed so that better
    entities are to the right); ``kind="score"`` plots the ordering score
    against its rank (1 = best), which works for any number of features.

    Parameters
    ----------
    result : TierResult or DataFrame
        The result of :func:`benchmark.tiers` or its ``assignments`` table
        (columns: the entity, ``label`` and ``score``; ``tier`` orders the
        legend when present).
    focus : entity name, optional
        Entity to circle and name.
    data : DataFrame, optional
        The cross-section the tiers were computed from (needed for
        ``kind="pca"`` and for ``official`` given as a column name).
    kind : {"pca", "score"}, optional
        Default ``"pca"`` when ``data`` is given and there are two or more
        features, else ``"score"``.
    official : str, Series or mapping, optional
        Official tier per entity: a column of ``data`` (e.g. ``"tier"``), a
        Series indexed by entity or a mapping. Each official tier gets its own
        marker.
    annotate : bool
        Write every entity's name next to its point (for small data).
    entity : str, optional
        Entity column; default the result's own (``"institution"``).
    ax : matplotlib Axes, optional
        Axes to draw on; a new figure by default.
    lang : {"zh", "en"}, optional
        Language of the words in the figure; default (None): English (the
        figure has no indicator labels to go by).
    **kwargs
        Passed to :meth:`matplotlib.axes.Axes.scatter` for the entities'
        points (e.g. ``s=``, ``alpha=``).

    Returns
    -------
    matplotlib.axes.Axes

    See Also
    --------
    benchmark.tiers : the tiers drawn here.
    plot_transitions : moves between tiers over time.
    plot_rank_intervals : composite ranks with their uncertainty.

    Examples
    --------
    >>> table = pd.DataFrame({"institution": list("abcd"), "label": ["A", "A", "B", "B"],
    ...                       "score": [2.0, 1.5, 0.2, -1.0]})
    >>> ax = plot_tiers(table, focus="c")
    >>> ax.get_xlabel()
    'rank by tier score (1 = best)'
    """
    assignments = _table(result, ["assignments"], name="result")
    entity = entity or getattr(result, "entity", "institution")
    _require(assignments, [entity, "label", "score"], name="result",
             hint="Pass the result of benchmark.tiers() or its assignments table.")
    features = list(getattr(result, "features", ()))
    if kind is None:
        kind = "pca" if data is not None and len(features) >= 2 else "score"
    xy, xlabel, ylabel = _tier_positions(assignments, data, kind, features, entity)
    offs = _official_tiers(_official_map(official, data, entity), assignments[entity], entity)
    if focus is not None and not (assignments[entity] == focus).any():
        raise UnknownEntityError(f"focus {focus!r} is not among the tiered entities ({entity} column of `result`).")
    ax = _axes(ax, (7.5, 5.5))
    tiers_, colours, marker_of = _tier_styles(assignments, offs)
    off_levels = list(marker_of)
    _tier_points(ax, xy, assignments["label"].to_numpy(), offs, dict(zip(tiers_, colours, strict=True)), marker_of,
                 kwargs)
    names = assignments[entity].astype(str).tolist()
    if annotate:
        for (x, y), name in zip(xy, names, strict=True):
            ax.annotate(name, (x, y), xytext=(3, 3), textcoords="offset points", fontsize="x-small")
    if focus is not None:
        _circle_focus(ax, xy[np.flatnonzero(assignments[entity].to_numpy() == focus)[0]], focus)
    _tier_legends(ax, tiers_, colours, marker_of)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(_t("Derived tiers vs official tiers") if off_levels else _t("Derived tiers"))
    _finish(ax, [*names, *map(str, tiers_), *map(str, off_levels)])
    return ax


def _circle_focus(ax: Axes, point: np.ndarray, focus: Any) -> None:
    x, y = point
    ax.scatter([x], [y], s=180, facecolor="none", edgecolor=FOCUS_COLOR, linewidth=2, zorder=5)
    ax.annotate(str(focus), (x, y), xytext=(8, 8), textcoords="offset points", color=FOCUS_COLOR, fontweight="bold")


def _tier_points(ax: Axes, xy: np.ndarray, labels: np.ndarray, offs: np.ndarray | None,
                 colour_of: Mapping[Any, Any], marker_of: Mapping[Any, str], kwargs: Mapping[str, Any]) -> None:
    """One scatter per (derived tier, official tier): colour by the first, marker by the second."""
    for tier, colour in colour_of.items():
        for level in marker_of or [None]:
            mask = (labels == tier) & ((offs == level) if offs is not None else True)
            if mask.any():
                style = {"color": colour, "marker": marker_of.get(level, "o"), "s": 36, "alpha": 0.85,
                         "edgecolor": "white", "linewidth": 0.5}
                ax.scatter(xy[mask, 0], xy[mask, 1], **_style(style, kwargs))


def _tier_legends(ax: Axes, tiers_: list[Any], colours: list[Any], marker_of: dict[Any, str]) -> None:
    """One legend (so the layout makes room for all of it): the derived tiers' colours, then under a
    second heading the official tiers' markers."""
    from matplotlib.lines import Line2D

    handles = [Line2D([], [], marker="o", ls="", color=c, label=str(t)) for t, c in zip(tiers_, colours, strict=True)]
    if marker_of:
        heading = Line2D([], [], ls="", label=_t("official tier"))
        handles += [heading] + [Line2D([], [], marker=m, ls="", color="black", label=str(lvl))
                                for lvl, m in marker_of.items()]
    legend = ax.legend(handles=handles, title=_t("derived tier"), loc="upper left", bbox_to_anchor=(1.01, 1.0),
                       borderaxespad=0, fontsize="small", alignment="left")
    if marker_of:
        legend.get_texts()[len(tiers_)].set_fontweight("bold")


# ============================================================ composite ranks
@_figure_function
@validate_params("entity", top=interval(1, integer=True, none=True))
def plot_rank_intervals(
    data: Any,
    *,
    focus: Any = None,
    highlight: Any = None,
    top: int | None = None,
    rank: str = "nominal_rank",
    lower: str = "ci_low",
    upper: str = "ci_high",
    median: str | None = "median_rank",
    entity: str | None = None,
    ax: Any = None,
    lang: str | None = None,
    **kwargs: Any,
) -> Axes:
    """Nominal rank and its uncertainty interval, one row per entity.

    Entities are sorted by nominal rank, best at the top. The bar spans the
    interval of the simulated ranks of :func:`benchmark.rank_uncertainty`
    (its ``ci_low`` and ``ci_high``), the dot is the nominal rank and the tick
    the median simulated rank. Long bars mark ranks that depend on the
    analyst's choices.

    Parameters
    ----------
    data : RankUncertainty or DataFrame
        The result of :func:`benchmark.rank_uncertainty` or its ``ranks``
        table, or any table with a rank and interval columns.
    focus : entity name, optional
        Entity drawn in the focus colour.
    highlight : list of entities or nearest-peers table, optional
        Entities drawn in the peer colour.
    top : int, optional
        Show only the ``top`` best entities by nominal rank (plus the focus
        and the highlighted entities, wherever they rank).
    rank, lower, upper, median : str
        Column names (defaults: those of ``rank_uncertainty().ranks``);
        ``median=None`` leaves the median out.
    entity : str, optional
        Entity column; default the result's own (``"institution"``).
    ax : matplotlib Axes, optional
        Axes to draw on; a new figure by default.
    lang : {"zh", "en"}, optional
        Language of the words in the figure; default (None): English (the
        figure has no indicator labels to go by).
    **kwargs
        Passed to :meth:`matplotlib.axes.Axes.hlines`, which draws the
        intervals (e.g. ``linewidth=``, ``alpha=``).

    Returns
    -------
    matplotlib.axes.Axes

    See Also
    --------
    benchmark.rank_uncertainty : the simulated ranks drawn here.
    benchmark.composite : the composite index and its nominal ranks.
    plot_tiers : the tiers of the same entities.

    Examples
    --------
    >>> ranks = pd.DataFrame({"institution": list("abc"), "nominal_rank": [1, 2, 3],
    ...                       "median_rank": [1, 3, 2], "ci_low": [1, 1, 2], "ci_high": [2, 3, 3]})
    >>> ax = plot_rank_intervals(ranks, focus="b")
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['a', 'b', 'c']
    """
    frame = _table(data, ["ranks"], name="data")
    entity = entity or getattr(data, "entity", None) or "institution"
    _require(frame, [entity, rank, lower, upper, *([median] if median else [])], name="data",
             hint="Pass the result of rank_uncertainty() or name the columns with rank=, lower=, upper=.")
    marked = _entities(highlight, entity)
    known = set(frame[entity].tolist())
    unknown = [e for e in [*([focus] if focus is not None else []), *marked] if e not in known]
    if unknown:
        raise UnknownEntityError(f"{format_list(unknown)} not found in the {entity} column of `data`.")
    frame, hidden = _best_ranks(frame, rank, top, frame[entity].isin([focus, *marked]).to_numpy())
    n = len(frame)
    ax = _axes(ax, (7.0, min(0.28 * n + 1.6, 40.0)))
    y = np.arange(n)[::-1]
    names = frame[entity].to_numpy()
    colours = np.where(names == focus, FOCUS_COLOR, np.where(np.isin(names, marked), PEER_COLOR, COHORT_COLOR))
    level = getattr(data, "ci", None)
    interval_label = (_word("{level:.0%} interval", level=level) if isinstance(level, float)
                      else _t("interval ({lower}\u2013{upper})", lower=lower, upper=upper))
    ax.hlines(y, _numeric(frame, lower), _numeric(frame, upper), label=interval_label,
              **_style({"colors": colours, "lw": 4, "alpha": 0.45}, kwargs))
    ax.scatter(_numeric(frame, rank), y, c=list(colours), s=24, zorder=3, label=_t("nominal rank"))
    if median:
        ax.scatter(_numeric(frame, median), y, marker="|", s=90, color="black", zorder=4, label=_t("median rank"))
    ax.set_yticks(y, labels=[str(v) for v in names])
    _bold_ticks(ax, names, focus, marked)
    ax.set_ylim(-1.7 if hidden else -0.7, n - 0.3)  # an empty row under the last one for the note
    ax.set_xlabel(_t("rank (1 = best)"))
    ax.xaxis.set_ticks_position("both")
    ax.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0)
    if hidden:
        _note(ax, _t("{n} lower-ranked entities not shown (top={top})", n=hidden, top=top))
    ax.set_title(_t("Composite rank with its uncertainty interval"))
    _finish(ax, [str(v) for v in names])
    return ax


def _bold_ticks(ax: Axes, names: np.ndarray, focus: Any, marked: list[Any]) -> None:
    """The focus's and the highlighted entities' names in their colours, bold."""
    for tick, name in zip(ax.get_yticklabels(), names, strict=True):
        if name == focus or name in marked:
            tick.set_color(FOCUS_COLOR if name == focus else PEER_COLOR)
            tick.set_fontweight("bold")


# ============================================================ kernel densities over periods
PLOT_KINDS = ("ridge", "lines", "3d")


@_figure_function
@validate_params("entity", kind=options(*PLOT_KINDS), overlap=interval(0, 1, closed="left"))
def plot_kernel_density(
    result: Any,
    *,
    focus: Any = None,
    data: pd.DataFrame | None = None,
    kind: str = "ridge",
    overlap: float = 0.6,
    metadata: Mapping[Any, str] | pd.DataFrame | None = None,
    entity: str = "institution",
    ax: Any = None,
    lang: str | None = None,
    **kwargs: Any,
) -> Axes:
    """Kernel densities over periods: ridge lines, overlaid lines or a 3-D surface.

    Parameters
    ----------
    result : DensityResult
        The output of :func:`benchmark.kernel_density`.
    focus : entity name, optional
        Entity whose value in each period is marked on that period's curve;
        needs ``data``.
    data : DataFrame, optional
        The data the densities were estimated from (the result's value and
        period columns and the ``entity`` column); only read for ``focus``.
    kind : {"ridge", "lines", "3d"}, default "ridge"
        One shifted curve per period (ridge), all curves on one axis
        (lines), or the density surface over value and period (3d, the
        figure of Chinese evaluation papers).
    overlap : float, default 0.6
        Ridge plot: how far the curves overlap, in [0, 1) (0 = not at all).
    metadata : DataFrame or mapping, optional
        Display name of the value: the indicator table (columns ``indicator``
        and ``label``, and ``label_en`` for English figures) or a mapping
        ``{value column: label}``; default the column name.
    entity : str
        Entity column of ``data``.
    ax : matplotlib Axes, optional
        Axes to draw on (a 3-D axes for ``kind="3d"``); a new figure by
        default.
    lang : {"zh", "en"}, optional
        Language of the words in the figure; default (None): Chinese when the
        labels in ``metadata`` are Chinese, else English.
    **kwargs
        Passed to :meth:`matplotlib.axes.Axes.plot` for each period's curve
        (``kind="ridge"`` or ``"lines"``) or to ``plot_surface`` for
        ``kind="3d"`` (e.g. ``linewidth=``, ``alpha=``).

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn on.

    See Also
    --------
    benchmark.kernel_density : the estimates drawn here.
    benchmark.gini, benchmark.theil : inequality of the same values.

    Examples
    --------
    >>> from benchmark import kernel_density
    >>> df = pd.DataFrame({"institution": list("abcdabcd"), "year": [2020] * 4 + [2021] * 4,
    ...                    "score": [1.0, 2.0, 3.0, 4.0, 2.0, 3.0, 4.0, 6.0]})
    >>> ax = plot_kernel_density(kernel_density(df, "score", n_grid=30), focus="b", data=df)
    >>> ax.get_xlabel()
    'score'
    """
    density = getattr(result, "density", None)
    if density is None or not hasattr(result, "stats"):
        raise BenchmarkError("plot_kernel_density draws the result of kernel_density(); got "
                             f"{type(result).__name__}.")
    period = result.period
    name = _label_map(metadata).get(result.value, result.value)
    periods = list(result.stats[period]) if period is not None else [None]
    curves = [density[density[period] == p] if period is not None else density for p in periods]
    marks = _focus_values(result, focus, data, entity, periods)
    if kind == "3d":
        ax = _density_surface(ax, curves, periods, name, period or "period", kwargs)
        if marks is not None:
            _mark_surface(ax, curves, marks)
    else:
        ax = _density_lines(ax, curves, periods, kind, overlap, (name, period or "period"), kwargs, marks)
    ax.set_title(_word("Kernel density of {value}", value=name))
    _finish(ax, [name, *([str(focus)] if focus is not None else [])])
    return ax


def _focus_values(result: Any, focus: Any, data: pd.DataFrame | None, entity: str,
                  periods: list[Any]) -> list[float] | None:
    """The focus's value in each period (NaN where it has none), or None without a focus."""
    if focus is None:
        return None
    if data is None:
        raise BenchmarkError("focus= needs data=: the table the densities were estimated from.")
    frame = check_frame(data)
    _require(frame, [entity, result.value, *([result.period] if result.period else [])], name="data",
             hint="Pass the data given to kernel_density() and name its entity column with entity=.")
    rows = _focus_rows(frame, entity, focus)
    if result.period is None:
        return [float(_numeric(rows, result.value)[0])]
    by_period = dict(zip(rows[result.period], _numeric(rows, result.value), strict=True))
    return [float(by_period.get(p, np.nan)) for p in periods]


def _density_surface(ax: Any, curves: list[pd.DataFrame], periods: list[Any], name: str, periods_name: str,
                     kwargs: Mapping[str, Any]) -> Any:
    import matplotlib.pyplot as plt

    _check_ax(ax, projection="3d", hint="kind='3d'")
    if ax is None:
        ax = plt.figure(figsize=(7, 5), layout="constrained").add_subplot(projection="3d")
    x = curves[0]["x"].to_numpy()
    pos = np.arange(len(periods), dtype=float)
    grid_x, grid_p = np.meshgrid(x, pos)
    z = np.vstack([c["density"].to_numpy() for c in curves])
    ax.plot_surface(grid_x, grid_p, z, **_style({"cmap": "viridis", "linewidth": 0, "antialiased": True,
                                                 "alpha": 0.9}, kwargs))
    ax.set_yticks(pos, [str(p) for p in periods])
    ax.set_xlabel(name)
    ax.set_ylabel(_word(periods_name))
    ax.set_zlabel(_word("density"), labelpad=14)
    ax.set_box_aspect(None, zoom=0.85)  # room for the axis labels inside the figure
    ax.ticklabel_format(axis="z", style="sci", scilimits=(-2, 3))
    return ax


def _mark_surface(ax: Any, curves: list[pd.DataFrame], marks: list[float]) -> None:
    for i, (curve, value) in enumerate(zip(curves, marks, strict=True)):
        if not np.isnan(value):
            height = np.interp(value, curve["x"].to_numpy(), curve["density"].to_numpy())
            ax.scatter([value], [i], [height], color=FOCUS_COLOR, edgecolor="black", s=60, depthshade=False,
                       zorder=10)


def _density_lines(ax: Any, curves: list[pd.DataFrame], periods: list[Any], kind: str, overlap: float,
                   names: tuple[str, str], kwargs: Mapping[str, Any], marks: list[float] | None) -> Axes:
    """Ridge lines (shifted, filled) or overlaid curves, with the focus's values as dots."""
    import matplotlib.pyplot as plt

    ax = _axes(ax, (7, 1.0 + 0.8 * len(periods)) if kind == "ridge" else (7, 4))
    colours = plt.get_cmap("viridis")(np.linspace(0.1, 0.85, len(periods)))
    top = max(float(c["density"].max()) for c in curves)
    step = top * (1.0 - overlap) if kind == "ridge" else 0.0
    bases = [step * (len(periods) - 1 - i) for i in range(len(periods))]
    for i, (p, c, colour) in enumerate(zip(periods, curves, colours, strict=True)):
        x, y = c["x"].to_numpy(), c["density"].to_numpy() + bases[i]
        if kind == "ridge":
            ax.fill_between(x, bases[i], y, color=colour, alpha=0.6, zorder=i)
        ax.plot(x, y, label=str(p) if p is not None else None, **_style({"color": colour, "lw": 1.3, "zorder": i},
                                                                       kwargs))
        if marks is not None and not np.isnan(marks[i]):
            ax.plot([marks[i]], [np.interp(marks[i], x, y)], ls="", marker="o", color=FOCUS_COLOR, ms=6,
                    markeredgecolor="black", zorder=len(periods) + 1)
    ax.set_xlabel(names[0])
    if kind == "ridge" and periods != [None]:
        ax.set_yticks(bases, [str(p) for p in periods])
        ax.set_ylabel(_word(names[1]))
    else:
        ax.set_ylabel(_word("density"))
        if periods != [None]:
            ax.legend(frameon=False, fontsize="small")
    return ax
