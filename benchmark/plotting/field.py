"""In the field: rank intervals, tiers and transitions between tiers."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from benchmark._i18n import t as _t
from benchmark._validation import (
    BenchmarkError,
    UnknownEntityError,
    check_choice,
    check_frame,
    format_list,
    interval,
    options,
    validate_params,
)
from benchmark.plotting._common import (
    COHORT_COLOR,
    FOCUS_COLOR,
    MARKERS,
    PEER_COLOR,
    _axes,
    _entities,
    _figure_function,
    _finish,
    _note,
    _numeric,
    _require,
    _table,
)

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes


# ============================================================ tiers: transitions
def _transition_counts(data: Any, from_period: Any) -> tuple[pd.DataFrame, pd.DataFrame | None, str]:
    """Counts matrix, row shares (when the result gives them) and a subtitle."""
    if hasattr(data, "matrix") and callable(data.matrix):
        counts = data.matrix(from_period)
        shares = data.matrix(from_period, shares=True)
        shares = shares.drop(columns="n", errors="ignore")
        return counts, shares, _pair_title(data.transitions if hasattr(data, "transitions") else None,
                                           from_period)
    frame = check_frame(data, name="data")
    if {"from_tier", "to_tier", "count"} <= set(frame.columns):
        long = frame
        if from_period is not None:
            _require(frame, ["from_period"], hint="Pass the `transitions` table of tier_transitions().")
            if from_period not in set(frame["from_period"].tolist()):
                raise BenchmarkError(
                    f"from_period {from_period!r} is not in the table; use one of "
                    f"{format_list(sorted(set(frame['from_period'].tolist())))}."
                )
            long = frame[frame["from_period"] == from_period]
        states = list(dict.fromkeys([*long["from_tier"], *long["to_tier"]]))
        counts = (long.pivot_table(index="from_tier", columns="to_tier", values="count", aggfunc="sum",
                                   sort=False).reindex(index=states, columns=states).fillna(0))
        return counts, None, _pair_title(frame if "from_period" in frame.columns else None, from_period)
    if from_period is not None:
        raise BenchmarkError("`from_period` needs a TierTransitions result or its `transitions` table.")
    return frame, None, ""


def _pair_title(long: pd.DataFrame | None, from_period: Any) -> str:
    if long is None or "from_period" not in long.columns or long.empty:
        return ""
    if from_period is not None:
        to = long.loc[long["from_period"] == from_period, "to_period"].iloc[0]
        return f"{from_period} \u2192 {to}"
    return f"{long['from_period'].min()}\u2013{long['to_period'].max()}, pooled"


@_figure_function
def plot_transitions(
    data: Any,
    *,
    from_period: Any = None,
    cmap: str = "Blues",
    ax: Any = None,
    lang: str | None = None,
) -> Axes:
    """Heatmap of a tier transition matrix with the counts written in the cells.

    Rows are the tier in a period, columns the tier in the next period; the
    diagonal (entities that stayed) is outlined. Cells are coloured by the row
    share (the probability of moving from the row's tier to the column's) and
    labelled with the count and that share.

    Parameters
    ----------
    data : TierTransitions, DataFrame
        The result of :func:`benchmark.tier_transitions`; its ``transitions``
        table (columns ``from_tier``, ``to_tier``, ``count`` and optionally
        ``from_period``, ``to_period``); or a square counts matrix (rows:
        from, columns: to).
    from_period : optional
        Draw the matrix of the pair starting in this period; default: all
        consecutive pairs pooled.
    cmap : str
        Matplotlib colormap of the shares.
    ax : matplotlib Axes, optional
        Axes to draw on; a new figure by default.
    lang : {"zh", "en"}, optional
        Language of titles, axis labels, legends and notes (default: Chinese
        when the indicator labels are Chinese, else English).

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> panel = pd.DataFrame({"institution": list("abcabc"), "year": [1, 1, 1, 2, 2, 2],
    ...                       "tier": ["A", "B", "B", "B", "A", "B"]})
    >>> from benchmark import tier_transitions
    >>> ax = plot_transitions(tier_transitions(panel, "tier"))
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['A', 'B']
    """
    counts, shares, subtitle = _transition_counts(data, from_period)
    if counts.shape[0] == 0 or counts.shape[0] != counts.shape[1]:
        raise BenchmarkError(
            f"a transition matrix must be square and non-empty; got {counts.shape[0]} rows and "
            f"{counts.shape[1]} columns."
        )
    values = counts.to_numpy(dtype=float, na_value=np.nan)
    if shares is None:
        totals = values.sum(axis=1, keepdims=True)
        with np.errstate(divide="ignore", invalid="ignore"):
            share = np.where(totals > 0, values / totals, np.nan)
    else:
        share = shares.reindex(index=counts.index, columns=counts.columns).to_numpy(dtype=float, na_value=np.nan)
    n = len(counts)
    ax = _axes(ax, (1.2 * n + 2.4, 1.0 * n + 1.8))
    image = ax.imshow(np.nan_to_num(share), cmap=cmap, vmin=0, vmax=1)
    for i in range(n):
        for j in range(n):
            count = values[i, j]
            text = f"{count:.0f}" if np.isnan(share[i, j]) else f"{count:.0f}\n{share[i, j]:.0%}"
            dark = (share[i, j] if not np.isnan(share[i, j]) else 0) > 0.55
            ax.text(j, i, text, ha="center", va="center", fontsize="small",
                    color="white" if dark else "black")
    from matplotlib.patches import Rectangle

    for i, state in enumerate(counts.index):
        if state in list(counts.columns):
            j = list(counts.columns).index(state)
            ax.add_patch(Rectangle((j - 0.5, i - 0.5), 1, 1, fill=False, lw=1.5, ec="black"))
    rows = [str(s) for s in counts.index]
    cols = [str(s) for s in counts.columns]
    ax.set_xticks(range(n), labels=cols)
    ax.set_yticks(range(n), labels=rows)
    ax.set_xlabel(_t("tier in the next period"))
    ax.set_ylabel(_t("tier in the period"))
    ax.set_title(_t("Tier transitions") + (f" ({subtitle})" if subtitle else ""))
    ax.figure.colorbar(image, ax=ax, label=_t("share of the row"), shrink=0.8)
    _finish(ax, rows + cols)
    return ax


# ============================================================ tiers: map
def _official_map(official: Any, data: pd.DataFrame | None, entity: str) -> dict[Any, Any]:
    """Official tier per entity from a column of ``data``, a Series or a mapping."""
    if official is None:
        return {}
    if isinstance(official, str):
        if data is None:
            raise BenchmarkError(
                f"official={official!r} names a column, so pass the data holding it as data=."
            )
        _require(data, [entity, official], name="data")
        pairs = data[[entity, official]].drop_duplicates()
        clash = pairs[entity][pairs[entity].duplicated()].tolist()
        if clash:
            raise BenchmarkError(
                f"{entity} {format_list(clash)} have several official tiers in column {official!r}; "
                "select one period of the data first."
            )
        return dict(zip(pairs[entity], pairs[official], strict=True))
    if isinstance(official, pd.Series):
        return official.to_dict()
    if isinstance(official, Mapping):
        return dict(official)
    raise BenchmarkError(
        "`official` must be a column name of data, a Series indexed by entity or a mapping "
        f"{{entity: tier}}; got {type(official).__name__}."
    )


def _principal_components(data: pd.DataFrame, entities: pd.Series, features: list[str], entity: str,
                          score: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Scores of the entities on the first two principal components of the z-scored features.

    Components are signed so that the first one grows with the tier score
    (better to the right). Returns the (n, 2) scores and the explained shares.
    """
    _require(data, [entity, *features], name="data",
             hint="Pass the data the tiers were computed from.")
    if data[entity].duplicated().any():
        raise BenchmarkError(
            f"`data` has several rows per {entity}; pass the cross-section the tiers were computed from."
        )
    rows = data.set_index(entity).reindex(entities.to_numpy())
    missing = entities[rows[features].isna().any(axis=1).to_numpy()].tolist()
    if missing:
        raise BenchmarkError(f"`data` has no complete {format_list(features)} values for {entity} "
                             f"{format_list(missing)}; pass the data the tiers were computed from.")
    x = rows[features].to_numpy(dtype=float)
    sd = x.std(axis=0)
    z = (x - x.mean(axis=0)) / np.where(sd > 0, sd, 1.0)
    u, s, _ = np.linalg.svd(z, full_matrices=False)
    pcs = u[:, :2] * s[:2]
    if np.corrcoef(pcs[:, 0], score)[0, 1] < 0:
        pcs[:, 0] = -pcs[:, 0]
    explained = s[:2] ** 2 / np.sum(s**2)
    return pcs, explained


@_figure_function
@validate_params("entity")
def plot_tiers(
    result: Any,
    data: pd.DataFrame | None = None,
    *,
    kind: str | None = None,
    official: str | pd.Series | Mapping[Any, Any] | None = None,
    focus: Any = None,
    annotate: bool = False,
    entity: str | None = None,
    ax: Any = None,
    lang: str | None = None,
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
    focus : entity name, optional
        Entity to circle and name.
    annotate : bool
        Write every entity's name next to its point (for small data).
    entity : str, optional
        Entity column; default the result's own (``"institution"``).
    ax : matplotlib Axes, optional
    lang : {"zh", "en"}, optional
        Language of titles, axis labels, legends and notes (default: Chinese
        when the indicator labels are Chinese, else English).

    Returns
    -------
    matplotlib.axes.Axes
    """
    assignments = _table(result, ["assignments"], name="result")
    entity = entity or getattr(result, "entity", "institution")
    _require(assignments, [entity, "label", "score"], name="result",
             hint="Pass the result of benchmark.tiers() or its assignments table.")
    features = list(getattr(result, "features", ()))
    if kind is None:
        kind = "pca" if data is not None and len(features) >= 2 else "score"
    check_choice(kind, ("pca", "score"), name="kind")
    score = _numeric(assignments, "score")
    if kind == "pca":
        if data is None or len(features) < 2:
            raise BenchmarkError(
                "kind='pca' needs the data (data=) and a TierResult with two or more features; "
                "use kind='score' otherwise."
            )
        xy, explained = _principal_components(data, assignments[entity], features, entity, score)
        xlabel = _t("first principal component ({share:.0%} of variance)", share=explained[0])
        ylabel = _t("second principal component ({share:.0%} of variance)", share=explained[1])
    else:
        rank = pd.Series(score).rank(ascending=False, method="min").to_numpy()
        xy = np.column_stack([rank, score])
        xlabel, ylabel = _t("rank by tier score (1 = best)"), _t("tier score")
    off = _official_map(official, data, entity)
    if off:
        absent = [e for e in assignments[entity] if e not in off]
        if absent:
            raise BenchmarkError(f"`official` has no tier for {entity} {format_list(absent)}.")
    ax = _axes(ax, (7.5, 5.5))
    order = (assignments.sort_values("tier") if "tier" in assignments.columns else assignments)["label"]
    tiers_ = list(pd.unique(order))
    colours = _tier_colours(len(tiers_))
    off_levels = sorted(pd.unique(pd.Series(list(off.values()), dtype=object)).tolist(), key=str) if off else []
    marker_of = {lvl: MARKERS[i % len(MARKERS)] for i, lvl in enumerate(off_levels)}
    labels = assignments["label"].to_numpy()
    offs = np.array([off.get(e) for e in assignments[entity]], dtype=object)
    for t, colour in zip(tiers_, colours, strict=True):
        for lvl in off_levels or [None]:
            mask = (labels == t) & ((offs == lvl) if off else True)
            if mask.any():
                ax.scatter(xy[mask, 0], xy[mask, 1], color=colour, marker=marker_of.get(lvl, "o"),
                           s=36, alpha=0.85, edgecolor="white", linewidth=0.5)
    names = assignments[entity].astype(str).tolist()
    if annotate:
        for (x, y), name in zip(xy, names, strict=True):
            ax.annotate(name, (x, y), xytext=(3, 3), textcoords="offset points", fontsize="x-small")
    if focus is not None:
        where = np.flatnonzero(assignments[entity].to_numpy() == focus)
        if where.size == 0:
            raise UnknownEntityError(f"focus {focus!r} is not among the tiered entities.")
        x, y = xy[where[0]]
        ax.scatter([x], [y], s=180, facecolor="none", edgecolor=FOCUS_COLOR, linewidth=2, zorder=5)
        ax.annotate(str(focus), (x, y), xytext=(8, 8), textcoords="offset points",
                    color=FOCUS_COLOR, fontweight="bold")
    _tier_legends(ax, tiers_, colours, marker_of)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(_t("Derived tiers vs official tiers") if off else _t("Derived tiers"))
    _finish(ax, [*names, *map(str, tiers_), *map(str, off_levels)])
    return ax


def _tier_colours(k: int) -> list[Any]:
    import matplotlib as mpl

    cmap = mpl.colormaps["viridis"]
    return [cmap(v) for v in np.linspace(0.0, 0.85, k)] if k > 1 else [cmap(0.3)]


def _tier_legends(ax: Axes, tiers_: list[Any], colours: list[Any], marker_of: dict[Any, str]) -> None:
    from matplotlib.lines import Line2D

    handles = [Line2D([], [], marker="o", ls="", color=c, label=str(t)) for t, c in zip(tiers_, colours, strict=True)]
    first = ax.legend(handles=handles, title=_t("derived tier"), loc="upper left", bbox_to_anchor=(1.01, 1.0),
                      borderaxespad=0, fontsize="small")
    if marker_of:
        ax.add_artist(first)
        marks = [Line2D([], [], marker=m, ls="", color="black", label=str(lvl)) for lvl, m in marker_of.items()]
        ax.legend(handles=marks, title=_t("official tier"), loc="lower left", bbox_to_anchor=(1.01, 0.0),
                  borderaxespad=0, fontsize="small")


# ============================================================ composite ranks
@_figure_function
@validate_params("entity")
def plot_rank_intervals(
    data: Any,
    *,
    focus: Any = None,
    highlight: Any = None,
    top: int | None = None,
    rank: str = "nominal_rank",
    lower: str = "rank_5",
    upper: str = "rank_95",
    median: str | None = "median_rank",
    entity: str | None = None,
    ax: Any = None,
    lang: str | None = None,
) -> Axes:
    """Nominal rank and its uncertainty interval, one row per entity.

    Entities are sorted by nominal rank, best at the top. The bar spans the
    interval (5-95 % of the simulated ranks of
    :func:`benchmark.rank_uncertainty` by default), the dot is the nominal
    rank and the tick the median simulated rank. Long bars mark ranks that
    depend on the analyst's choices.

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
    lang : {"zh", "en"}, optional
        Language of titles, axis labels, legends and notes (default: Chinese
        when the indicator labels are Chinese, else English).

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> ranks = pd.DataFrame({"institution": list("abc"), "nominal_rank": [1, 2, 3],
    ...                       "median_rank": [1, 3, 2], "rank_5": [1, 1, 2], "rank_95": [2, 3, 3]})
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
    if top is not None and (isinstance(top, bool) or not isinstance(top, (int, np.integer)) or top < 1):
        raise BenchmarkError(f"`top` must be a positive integer; got {top!r}.")
    frame = frame.iloc[np.argsort(_numeric(frame, rank), kind="stable")]
    if top is not None:
        keep = (np.arange(len(frame)) < top) | frame[entity].isin([focus, *marked]).to_numpy()
        hidden = int((~keep).sum())
        frame = frame[keep]
    else:
        hidden = 0
    n = len(frame)
    ax = _axes(ax, (7.0, min(0.28 * n + 1.6, 40.0)))
    y = np.arange(n)[::-1]
    names = frame[entity].to_numpy()
    colours = np.where(names == focus, FOCUS_COLOR, np.where(np.isin(names, marked), PEER_COLOR, COHORT_COLOR))
    ax.hlines(y, _numeric(frame, lower), _numeric(frame, upper), colors=colours, lw=4, alpha=0.45,
              label=_t("interval ({lower}\u2013{upper})", lower=lower, upper=upper))
    ax.scatter(_numeric(frame, rank), y, c=list(colours), s=24, zorder=3, label=_t("nominal rank"))
    if median:
        ax.scatter(_numeric(frame, median), y, marker="|", s=90, color="black", zorder=4, label=_t("median rank"))
    ax.set_yticks(y, labels=[str(v) for v in names])
    for tick, name in zip(ax.get_yticklabels(), names, strict=True):
        if name == focus or name in marked:
            tick.set_color(FOCUS_COLOR if name == focus else PEER_COLOR)
            tick.set_fontweight("bold")
    ax.set_ylim(-0.7, n - 0.3)
    ax.set_xlabel(_t("rank (1 = best)"))
    ax.xaxis.set_ticks_position("both")
    ax.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0)
    if hidden:
        _note(ax, _t("{n} lower-ranked entities not shown (top={top})", n=hidden, top=top))
    ax.set_title(_t("Composite rank with its uncertainty interval"))
    _finish(ax, [str(v) for v in names])
    return ax



# ============================================================ kernel densities over periods
PLOT_KINDS = ("ridge", "lines", "3d")

_TEXT = {
    "en": {"density": "density", "period": "period", "title": "Kernel density of {value}"},
    "zh": {"density": "核密度", "period": "时期", "title": "{value} 的核密度分布"},
}


@validate_params(kind=options(*PLOT_KINDS), lang=options(*_TEXT), overlap=interval(0, 1, closed="left"))
def plot_kernel_density(
    result: Any,
    *,
    kind: str = "ridge",
    ax: Any = None,
    lang: str = "zh",
    label: str | None = None,
    overlap: float = 0.6,
) -> Any:
    """Plot kernel densities over periods: ridge lines, overlaid lines or a 3-D surface.

    Parameters
    ----------
    result : DensityResult
        The output of :func:`benchmark.kernel_density`.
    kind : {"ridge", "lines", "3d"}, default "ridge"
        One shifted curve per period (ridge), all curves on one axis
        (lines), or the density surface over value and period (3d, the
        figure of Chinese evaluation papers).
    ax : matplotlib Axes, optional
        Axes to draw on (a 3-D axes for ``kind="3d"``); default a new figure.
    lang : {"zh", "en"}, default "zh"
        Language of the axis labels and title.
    label : str, optional
        Name of the value in the title (default: the column name).
    overlap : float, default 0.6
        Ridge plot: how far the curves overlap, in [0, 1) (0 = not at all).

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn on.

    See Also
    --------
    kernel_density : the estimates drawn here.

    Examples
    --------
    >>> import pandas as pd, matplotlib
    >>> matplotlib.use("Agg")
    >>> from benchmark import kernel_density, plot_kernel_density
    >>> df = pd.DataFrame({"year": [2020] * 4 + [2021] * 4,
    ...                    "score": [1.0, 2.0, 3.0, 4.0, 2.0, 3.0, 4.0, 6.0]})
    >>> ax = plot_kernel_density(kernel_density(df, "score", n_grid=30), lang="en")
    >>> ax.get_xlabel()
    'score'
    """
    import matplotlib.pyplot as plt

    from benchmark._fonts import apply_cjk_font

    check_choice(kind, PLOT_KINDS, name="kind")
    check_choice(lang, tuple(_TEXT), name="lang")
    density = getattr(result, "density", None)
    if density is None or not hasattr(result, "stats"):
        raise BenchmarkError("plot_kernel_density draws the result of kernel_density(); got "
                             f"{type(result).__name__}.")
    text = _TEXT[lang]
    period = result.period
    name = label or result.value
    before = set(plt.get_fignums())
    try:
        periods = list(result.stats[period]) if period is not None else [None]
        curves = [(p, density[density[period] == p] if period is not None else density) for p in periods]
        if kind == "3d":
            if ax is None:
                fig = plt.figure(figsize=(7, 5), layout="constrained")
                ax = fig.add_subplot(projection="3d")
            elif getattr(ax, "name", "") != "3d":
                raise BenchmarkError("kind='3d' needs a 3-D axes: ax=fig.add_subplot(projection='3d').")
            x = curves[0][1]["x"].to_numpy()
            pos = np.arange(len(periods), dtype=float)
            grid_x, grid_p = np.meshgrid(x, pos)
            z = np.vstack([c["density"].to_numpy() for _, c in curves])
            ax.plot_surface(grid_x, grid_p, z, cmap="viridis", linewidth=0, antialiased=True, alpha=0.9)
            ax.set_yticks(pos, [str(p) for p in periods])
            ax.set_xlabel(name)
            ax.set_ylabel(text["period"])
            ax.set_zlabel(text["density"], labelpad=14)
            ax.ticklabel_format(axis="z", style="sci", scilimits=(-2, 3))
        else:
            if ax is None:
                _, ax = plt.subplots(figsize=(7, 1.0 + 0.8 * len(periods)) if kind == "ridge" else (7, 4),
                                     layout="constrained")
            colours = plt.get_cmap("viridis")(np.linspace(0.1, 0.85, len(periods)))
            top = max(float(c["density"].max()) for _, c in curves)
            step = top * (1.0 - overlap) if kind == "ridge" else 0.0
            for i, ((p, c), colour) in enumerate(zip(curves, colours)):
                base = step * (len(periods) - 1 - i)
                x, y = c["x"].to_numpy(), c["density"].to_numpy() + base
                if kind == "ridge":
                    ax.fill_between(x, base, y, color=colour, alpha=0.6, zorder=i)
                ax.plot(x, y, color=colour, lw=1.3, zorder=i, label=str(p) if p is not None else None)
            ax.set_xlabel(name)
            if kind == "ridge" and period is not None:
                ax.set_yticks([step * (len(periods) - 1 - i) for i in range(len(periods))],
                              [str(p) for p in periods])
                ax.set_ylabel(text["period"])
            else:
                ax.set_ylabel(text["density"])
                if period is not None:
                    ax.legend(frameon=False, fontsize="small")
        ax.set_title(text["title"].format(value=name))
        apply_cjk_font(ax.figure, [name])
        return ax
    except BaseException:
        for num in set(plt.get_fignums()) - before:
            plt.close(num)
        raise
