"""Figures from result tables.

Each function takes the tidy table (or result object) that an analysis
function returns, draws it with matplotlib on one axes and returns that
:class:`~matplotlib.axes.Axes`. Column names are keywords whose defaults match
the analysis outputs, so the usual call is one line::

    gaps = benchmark.peer_gap(panel, "示范职业技术学院", indicators, cohort="tier", ci=0.95)
    benchmark.plot_gaps(gaps)

Functions that draw on one axes accept ``ax=``. Nothing here computes a
statistic that an analysis function returns: plots only place, sort, rescale
and colour what they are given (:func:`plot_trajectory` asks
:func:`benchmark.cohort_stats` for the cohort band).

Every function takes ``lang="zh"`` or ``"en"`` for the words it writes
(titles, axis labels, legends, notes); the default is Chinese when the
indicator labels (``labels=``, ``label=``) are Chinese. Labels with Chinese,
Japanese or Korean characters are drawn with a CJK font (see
:func:`apply_cjk_font`; Noto Sans CJK SC comes with the library).

Colours follow the Okabe-Ito palette, which readers with the common forms of
colour-vision deficiency can tell apart, and the pairs that carry meaning
(ahead/behind, target status) also differ in lightness so that a greyscale
print keeps them apart. PDF and PostScript output embeds fonts as outline
(Type 42 / CID) fonts rather than Type 3.

A function that fails closes the figure it opened; a figure passed in with
``ax=`` is left alone.

matplotlib is imported inside the functions, so ``import benchmark`` does not
load it.
"""

from __future__ import annotations

import functools
import inspect
import re
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from benchmark._fonts import CJKFontWarning, apply_cjk_font, find_cjk_font
from benchmark._i18n import resolve_lang
from benchmark._i18n import t as _t
from benchmark._i18n import using as _using
from benchmark._validation import (
    BenchmarkError,
    ColumnError,
    UnknownEntityError,
    check_choice,
    check_columns,
    check_entity,
    check_frame,
    format_list,
    validate_params,
)

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

__all__ = [
    "CJKFontWarning",
    "apply_cjk_font",
    "find_cjk_font",
    "plot_completion",
    "plot_cost_outcome",
    "plot_frontier",
    "plot_gaps",
    "plot_profile",
    "plot_rank_intervals",
    "plot_tiers",
    "plot_trajectory",
    "plot_transitions",
]

#: Colours shared by all figures: the Okabe-Ito palette (Okabe & Ito 2008,
#: "Color Universal Design"), safe for the common colour-vision deficiencies.
#: Pairs with a meaning also differ in grey level (Rec. 601 luma in brackets)
#: so that they survive greyscale printing.
FOCUS_COLOR = "#D55E00"  # vermillion (119)
PEER_COLOR = "#0072B2"  # blue (87)
OTHER_COLOR = "#d0d0d0"  # light grey (208)
COHORT_COLOR = "#8c8c8c"  # mid grey (140)
AHEAD_COLOR = "#0072B2"  # blue (87): dark
BEHIND_COLOR = "#E69F00"  # orange (162): light
STATUS_COLORS = {
    "completed": "#0072B2",  # blue (87)
    "attainable": "#E69F00",  # orange (162)
    "unattainable": "#D55E00",  # vermillion (119)
    "no_data": "#dddddd",  # pale grey (221)
}
QUADRANT_COLORS = {
    "more for less": "#0072B2",
    "more for more": "#56B4E9",
    "less for less": "#E69F00",
    "less for more": "#D55E00",
}
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "<", ">", "h")


# ============================================================ shared helpers
def _label_hints(bound: Mapping[str, Any]) -> list[Any]:
    """Text that decides the default language: the indicator labels."""
    hints: list[Any] = []
    labels = bound.get("labels")
    if isinstance(labels, pd.DataFrame) and "label" in labels.columns:
        hints += labels["label"].astype(str).tolist()
    elif isinstance(labels, Mapping):
        hints += list(labels.values())
    for key in ("label", "cost_label", "outcome_label"):
        if bound.get(key) is not None:
            hints.append(bound[key])
    return hints


def _figure_function(func: Callable[..., Any]) -> Callable[..., Any]:
    """Resolve ``lang=`` and write in it; close the figure the function opened if it raises."""
    signature = inspect.signature(func)

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        import matplotlib.pyplot as plt

        bound = signature.bind(*args, **kwargs).arguments
        lang = resolve_lang(bound.get("lang"), _label_hints(bound))
        before = set(plt.get_fignums())
        try:
            with _using(lang):
                return func(*args, **kwargs)
        except BaseException:
            for num in set(plt.get_fignums()) - before:
                plt.close(num)
            raise

    return wrapper


def _axes(ax: Any, figsize: tuple[float, float], *, polar: bool = False) -> Axes:
    """The given axes, or a new figure's single axes."""
    import matplotlib.pyplot as plt

    if ax is not None:
        if polar and getattr(ax, "name", "") != "polar":
            raise BenchmarkError("kind='radar' needs polar axes: pass ax=fig.add_subplot(projection='polar').")
        return ax
    _, new = plt.subplots(figsize=figsize, layout="constrained",
                          subplot_kw={"projection": "polar"} if polar else None)
    return new


def _table(obj: Any, attributes: Sequence[str], *, name: str = "data") -> pd.DataFrame:
    """``obj`` itself when it is a DataFrame, else its first table among ``attributes``."""
    if isinstance(obj, pd.DataFrame):
        return check_frame(obj, name=name)
    for attr in attributes:
        value = getattr(obj, attr, None)
        if callable(value) and not isinstance(value, pd.DataFrame):
            value = value()
        if isinstance(value, pd.DataFrame):
            return check_frame(value, name=f"{name}.{attr}")
    wanted = " or ".join(f"`.{a}`" for a in attributes)
    raise BenchmarkError(
        f"`{name}` must be a DataFrame or a result with a {wanted} table; got {type(obj).__name__}."
    )


def _require(frame: pd.DataFrame, columns: Iterable[Hashable], *, name: str = "data", hint: str = "") -> None:
    """Like check_columns, with a pointer to the keyword that names the column."""
    try:
        check_columns(frame, list(columns), name=name)
    except ColumnError as exc:
        raise ColumnError(f"{exc}{' ' + hint if hint else ''}") from None


def _label_map(labels: Mapping[Any, str] | pd.DataFrame | None) -> dict[Any, str]:
    """Display labels of indicators from a mapping or an indicator-metadata table."""
    if labels is None:
        return {}
    if isinstance(labels, pd.DataFrame):
        check_columns(labels, ["indicator", "label"], name="labels (indicator metadata)")
        return dict(zip(labels["indicator"], labels["label"].astype(str), strict=True))
    if isinstance(labels, Mapping):
        return {k: str(v) for k, v in labels.items()}
    raise BenchmarkError(
        "`labels` must be a mapping {indicator: label} or an indicator-metadata DataFrame with "
        f"columns 'indicator' and 'label'; got {type(labels).__name__}."
    )


def _display(values: Iterable[Any], labels: Mapping[Any, str]) -> list[str]:
    return [labels.get(v, str(v)) for v in values]


def _one_period(frame: pd.DataFrame, period: str | None, at: Any, *, name: str = "data") -> tuple[pd.DataFrame, Any]:
    """The rows of period ``at`` (default: the latest) when the table has several periods."""
    if period is None or period not in frame.columns:
        if at is not None:
            raise ColumnError(f"`at={at!r}` was given but `{name}` has no period column {period!r}.")
        return frame, None
    present = pd.unique(frame[period].dropna())
    if at is None:
        if len(present) == 0:
            return frame, None
        at = max(present)
    elif at not in set(present.tolist()):
        raise BenchmarkError(
            f"{period} {at!r} does not occur in `{name}`; it covers {format_list(sorted(present.tolist()), 10)}."
        )
    return frame[frame[period] == at], at


def _focus_rows(frame: pd.DataFrame, entity: str, focus: Any, *, name: str = "data") -> pd.DataFrame:
    _require(frame, [entity], name=name, hint="Name the entity column with entity=.")
    rows = frame[frame[entity] == focus]
    if rows.empty:
        check_entity(frame, focus, entity=entity, name=name)
    return rows


def _entities(peers: Any, entity: str) -> list[Any]:
    """A list of entity names from a list-like or a nearest-peers table."""
    if peers is None:
        return []
    if isinstance(peers, pd.DataFrame):
        check_columns(peers, [entity], name="peers", what="entity column")
        return list(pd.unique(peers[entity]))
    if isinstance(peers, str) or not isinstance(peers, Iterable):
        return [peers]
    return list(peers)


def _note(ax: Axes, text: str) -> None:
    """A small grey note in the lower right corner (e.g. rows that could not be drawn)."""
    ax.annotate(text, xy=(1, 0), xycoords="axes fraction", xytext=(-4, 4), textcoords="offset points",
                ha="right", va="bottom", fontsize="x-small", color=COHORT_COLOR)


def _finish(ax_or_fig: Any, strings: Iterable[Any] = ()) -> None:
    fig = getattr(ax_or_fig, "figure", ax_or_fig)
    apply_cjk_font(fig, strings)


def _numeric(frame: pd.DataFrame, column: str) -> np.ndarray:
    return pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=float, na_value=np.nan)


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


# ============================================================ cost and outcome
@_figure_function
@validate_params("entity", "period")
def plot_cost_outcome(
    data: pd.DataFrame,
    focus: Any = None,
    *,
    peers: Any = None,
    cost: str = "cost",
    outcome: str = "outcome",
    quadrant: str = "quadrant",
    cost_median: str = "cost_median",
    outcome_median: str = "outcome_median",
    cohort: str | None = "cohort",
    entity: str = "institution",
    period: str | None = "year",
    at: Any = None,
    cost_label: str | None = None,
    outcome_label: str | None = None,
    logx: bool = False,
    ax: Any = None,
    lang: str | None = None,
) -> Axes:
    """The cost-outcome quadrant chart, with the focus and its peers highlighted.

    Cost runs along the x axis, the outcome along the y axis. The dashed lines
    are the cohort medians the focus was judged against (its own row's
    ``cost_median`` and ``outcome_median``); each point is coloured by its
    quadrant label ("more for less", ...). Without a focus the lines are drawn
    at the median of the rows' cohort medians.

    Parameters
    ----------
    data : DataFrame
        The result of :func:`benchmark.cost_outcome_quadrant`.
    focus : entity name, optional
        Entity drawn as a large star and named.
    peers : list of entities or nearest-peers table, optional
        Entities outlined and named. Default: none. With a ``focus`` and a
        ``cohort`` column, entities outside the focus's cohort are greyed out.
    cost, outcome, quadrant, cost_median, outcome_median, cohort : str
        Column names (defaults: those of :func:`~benchmark.cost_outcome_quadrant`).
    entity, period : str
        Entity and period columns.
    at : optional
        Period to draw (default: the latest).
    cost_label, outcome_label : str, optional
        Axis labels (e.g. "funding per graduate (10k yuan)").
    logx : bool
        Logarithmic cost axis (costs are often skewed).
    ax : matplotlib Axes, optional
    lang : {"zh", "en"}, optional
        Language of titles, axis labels, legends and notes (default: Chinese
        when the indicator labels are Chinese, else English).

    Returns
    -------
    matplotlib.axes.Axes
    """
    frame = check_frame(data)
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
    in_cohort = np.ones(len(frame), dtype=bool)
    if focus is not None:
        frow = _focus_rows(frame, entity, focus)
        if cohort is not None and cohort in frame.columns:
            in_cohort = (frame[cohort] == frow[cohort].iloc[0]).to_numpy()
        xm, ym = (_numeric(frow, c)[0] if c in frow.columns else np.nan for c in (cost_median, outcome_median))
    else:
        xm, ym = (np.nanmedian(_numeric(frame, c)) if c in frame.columns else np.nan
                  for c in (cost_median, outcome_median))
    ax = _axes(ax, (7.5, 5.5))
    quad = frame[quadrant].to_numpy(dtype=object)
    grey = ok & ~in_cohort
    ax.scatter(x[grey], y[grey], color=OTHER_COLOR, s=18, label=_t("outside the cohort") if grey.any() else None)
    for name, colour in QUADRANT_COLORS.items():
        mask = ok & in_cohort & (quad == name)
        if mask.any():
            ax.scatter(x[mask], y[mask], color=colour, s=28, alpha=0.85, label=name)
    other = ok & in_cohort & ~np.isin(quad, list(QUADRANT_COLORS))
    if other.any():
        ax.scatter(x[other], y[other], color=COHORT_COLOR, s=28, label=_t("no label"))
    if not np.isnan(xm):
        ax.axvline(xm, color=COHORT_COLOR, ls="--", lw=1)
    if not np.isnan(ym):
        ax.axhline(ym, color=COHORT_COLOR, ls="--", lw=1)
    names = frame[entity].to_numpy()
    for p in peer_list:
        i = np.flatnonzero(names == p)[0]
        if ok[i]:
            ax.scatter([x[i]], [y[i]], s=70, facecolor="none", edgecolor="black", linewidth=1.2, zorder=4)
            ax.annotate(str(p), (x[i], y[i]), xytext=(4, 4), textcoords="offset points", fontsize="x-small")
    if focus is not None:
        i = np.flatnonzero(names == focus)[0]
        if ok[i]:
            ax.scatter([x[i]], [y[i]], marker="*", s=260, color=FOCUS_COLOR, edgecolor="black", zorder=5,
                       label=str(focus))
            ax.annotate(str(focus), (x[i], y[i]), xytext=(8, -12), textcoords="offset points",
                        color=FOCUS_COLOR, fontweight="bold")
    if logx:
        ax.set_xscale("log")
    _quadrant_names(ax, x, y, quad, ok & in_cohort, xm, ym)
    if (~ok).any():
        _note(ax, _t("{n} {entity} row(s) without cost or outcome not shown", n=int((~ok).sum()), entity=entity))
    ax.set_xlabel(cost_label or _t("{cost} (lower is better)", cost=cost))
    ax.set_ylabel(outcome_label or outcome)
    ax.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0)
    ax.set_title(_t("Cost and outcome") + (f", {at}" if at is not None else ""))
    _finish(ax, [*map(str, names[ok]), cost_label or "", outcome_label or ""])
    return ax


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


# ============================================================ self-comparison
@_figure_function
@validate_params("entity", "period")
def plot_completion(
    data: pd.DataFrame,
    focus: Any = None,
    *,
    by: str = "indicator",
    entity: str = "institution",
    period: str = "year",
    indicator: str = "indicator",
    status: str = "status",
    ratio: str = "completion_ratio",
    labels: Mapping[Any, str] | pd.DataFrame | None = None,
    clip: float = 2.0,
    ax: Any = None,
    lang: str | None = None,
) -> Axes:
    """Target completion status by indicator, for one entity or many.

    For one entity (``focus``, or a table with a single entity) each
    indicator is a bar of its completion ratio (actual / target, in percent;
    the 100 % line is the target), coloured by its status. For several
    entities each bar stacks how many entities are completed, attainable,
    unattainable or without data, per indicator (``by="indicator"``) or per
    entity (``by="entity"``).

    Parameters
    ----------
    data : DataFrame
        The result of :func:`benchmark.completion`.
    focus : entity name, optional
        Draw this entity's tasks only.
    by : {"indicator", "entity"}
        Bars per indicator or per entity when several entities are drawn.
    entity, period, indicator, status, ratio : str
        Column names (defaults: those of :func:`~benchmark.completion`; the
        period, when present, only goes into the title).
    labels : mapping or indicator-metadata DataFrame, optional
        Display labels of the indicators (e.g. the ``label`` column of the
        indicator metadata).
    clip : float
        Ratios above this value (default 2.0 = 200 %) are drawn at the clip
        and their value is written at the bar's end.
    ax : matplotlib Axes, optional
    lang : {"zh", "en"}, optional
        Language of titles, axis labels, legends and notes (default: Chinese
        when the indicator labels are Chinese, else English).

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> table = pd.DataFrame({"institution": ["a"] * 3, "indicator": ["x", "y", "z"],
    ...                       "completion_ratio": [1.1, 0.9, 0.5],
    ...                       "status": ["completed", "attainable", "unattainable"]})
    >>> ax = plot_completion(table)
    >>> len(ax.patches)
    3
    """
    frame = check_frame(data)
    _require(frame, [entity, indicator, status], name="data",
             hint="Pass the result of completion() or name the columns with entity=, indicator=, status=.")
    check_choice(by, ("indicator", "entity"), name="by")
    names = _label_map(labels)
    if focus is not None:
        frame = _focus_rows(frame, entity, focus)
    if frame[entity].nunique() == 1:
        _require(frame, [ratio], name="data", hint="Name the completion-ratio column with ratio=.")
        ax = _completion_bars(frame, indicator, status, ratio, names, clip, ax)
        title = _t("Target completion: {who}", who=frame[entity].iloc[0])
    else:
        ax = _status_stack(frame, entity if by == "entity" else indicator, status, names, ax, by == "indicator")
        title = _t("Target completion of {n} entities", n=frame[entity].nunique())
    if period in frame.columns and frame[period].nunique() == 1:
        title += f", {frame[period].iloc[0]}"
    ax.set_title(title)
    _finish(ax, [title, *_display(frame[indicator], names), *frame[entity].astype(str)])
    return ax


def _completion_bars(frame: pd.DataFrame, indicator: str, status: str, ratio: str,
                     names: Mapping[Any, str], clip: float, ax: Any) -> Axes:
    r = _numeric(frame, ratio) * 100
    order = np.argsort(np.nan_to_num(r, nan=-np.inf), kind="stable")
    frame, r = frame.iloc[order], r[order]
    ax = _axes(ax, (7.5, 0.42 * len(frame) + 1.6))
    states = frame[status].astype(str).to_numpy()
    colours = [STATUS_COLORS.get(s, COHORT_COLOR) for s in states]
    shown = np.clip(np.nan_to_num(r, nan=0.0), 0, clip * 100)
    y = np.arange(len(frame))
    ax.barh(y, shown, color=colours, height=0.7)
    for yi, value, bar_end, state in zip(y, r, shown, states, strict=True):
        text = _t("no data") if np.isnan(value) else f"{value:.0f}%"
        ax.annotate(text, (bar_end, yi), xytext=(3, 0), textcoords="offset points", va="center",
                    fontsize="x-small", color="black" if not np.isnan(value) else COHORT_COLOR)
    ax.axvline(100, color="black", lw=1, ls="--")
    ax.set_yticks(y, labels=_display(frame[indicator], names))
    ax.set_xlim(0, max(110.0, float(np.nanmax(shown, initial=0)) * 1.15))
    ax.set_xlabel(_t("completion of the target (%)"))
    _status_legend(ax, [s for s in STATUS_COLORS if s in set(states)] + sorted(set(states) - set(STATUS_COLORS)))
    return ax


def _status_stack(frame: pd.DataFrame, key: str, status: str, names: Mapping[Any, str], ax: Any,
                  relabel: bool) -> Axes:
    counts = pd.crosstab(frame[key], frame[status].astype(str))
    states = [s for s in STATUS_COLORS if s in counts.columns] + sorted(set(counts.columns) - set(STATUS_COLORS))
    counts = counts[states]
    first = states[0]
    counts = counts.sort_values(first, kind="stable")
    ax = _axes(ax, (7.5, 0.38 * len(counts) + 1.8))
    y = np.arange(len(counts))
    left = np.zeros(len(counts))
    for s in states:
        ax.barh(y, counts[s].to_numpy(), left=left, color=STATUS_COLORS.get(s, COHORT_COLOR), height=0.7, label=_t(s))
        left += counts[s].to_numpy()
    tick = _display(counts.index, names) if relabel else [str(v) for v in counts.index]
    ax.set_yticks(y, labels=tick)
    ax.set_xlabel(_t("number of tasks") if not relabel else _t("number of entities"))
    ax.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0)
    return ax


def _status_legend(ax: Axes, states: list[str]) -> None:
    from matplotlib.patches import Patch

    handles = [Patch(color=STATUS_COLORS.get(s, COHORT_COLOR), label=_t(s)) for s in states]
    ax.legend(handles=handles, fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0)


@_figure_function
@validate_params("entity", "period")
def plot_trajectory(
    data: pd.DataFrame,
    focus: Any,
    indicator: str,
    *,
    targets: pd.DataFrame | None = None,
    cohort: Any = None,
    band: bool = True,
    completion: pd.DataFrame | None = None,
    entity: str = "institution",
    period: str = "year",
    label: str | None = None,
    ax: Any = None,
    lang: str | None = None,
) -> Axes:
    """One indicator over time for the focus, with its targets and its cohort's band.

    Draws the focus's series; its baseline and target values (the mid-term
    and final targets of the target table) joined by a dotted "planned" line;
    the cohort's median per period with its inter-quartile band (from
    :func:`benchmark.cohort_stats` on the cohort members, the focus left out);
    and, with a completion table, the projection from the evaluation period
    to the final period.

    Parameters
    ----------
    data : DataFrame
        Panel with one row per (entity, period).
    focus : entity name
    indicator : str
        Indicator column to draw.
    targets : DataFrame, optional
        Target table in either layout accepted by :func:`benchmark.completion`
        (wide: ``baseline_<period>``, ``baseline``, ``target_<period>``...;
        long: ``<period>``, ``target``).
    cohort : None, column name, list of entities or nearest-peers table
        Whose median and quartiles form the band (see ``cohort=`` in
        :func:`benchmark.peer_gap`); default all other entities.
    band : bool
        Draw the cohort median and band (default True).
    completion : DataFrame, optional
        The result of :func:`benchmark.completion`: its ``projected_final``
        for this task is drawn as a dashed line from the evaluation period
        (not for ``kind="accumulated"`` tasks, whose actual and projected
        values are totals since the baseline, on another scale).
    entity, period : str
        Entity and period columns.
    label : str, optional
        Display name of the indicator (default: the column name).
    ax : matplotlib Axes, optional
    lang : {"zh", "en"}, optional
        Language of titles, axis labels, legends and notes (default: Chinese
        when the indicator labels are Chinese, else English).

    Returns
    -------
    matplotlib.axes.Axes
    """
    from benchmark._cohorts import cohort_members
    from benchmark._i18n import cohort_text
    from benchmark.peers import cohort_stats

    frame = check_frame(data)
    _require(frame, [entity, period, indicator], name="data",
             hint="Name the entity and period columns with entity= and period=.")
    own = _focus_rows(frame, entity, focus).sort_values(period)
    ax = _axes(ax, (7.5, 4.8))
    shown = label or indicator
    if band:
        members = cohort_members(frame, focus, cohort, entity=entity, min_size=1)
        stats = cohort_stats(frame[frame[entity].isin(members)], indicator, entity=entity,
                             period_column=period).sort_values(period)
        px = stats[period].to_numpy()
        ax.fill_between(px, _numeric(stats, "q1"), _numeric(stats, "q3"), color=COHORT_COLOR, alpha=0.2,
                        lw=0, label=_t("cohort inter-quartile range ({cohort})", cohort=cohort_text(cohort)))
        ax.plot(px, _numeric(stats, "median"), color=COHORT_COLOR, ls="--", lw=1.5, label=_t("cohort median"))
    ax.plot(own[period].to_numpy(), _numeric(own, indicator), color=FOCUS_COLOR, marker="o", lw=2,
            label=str(focus))
    if targets is not None:
        _draw_targets(ax, frame, targets, focus, indicator, entity, period)
    if completion is not None:
        _draw_projection(ax, completion, focus, indicator, entity, period)
    ax.set_xlabel(period)
    ax.set_ylabel(shown)
    ax.set_title(f"{shown}: {focus}")
    ax.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0)
    if pd.api.types.is_integer_dtype(frame[period]):
        from matplotlib.ticker import MaxNLocator

        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    _finish(ax, [focus, shown])
    return ax


_TARGET_COLUMN = re.compile(r"^target_(.+)$")


def _task_targets(targets: pd.DataFrame, focus: Any, indicator: str, entity: str, period: str,
                  like: pd.Series) -> tuple[tuple[Any, float], list[tuple[Any, float]]]:
    """Baseline (period, value) and the (period, target) pairs of one task, in either target layout."""
    frame = check_frame(targets, name="targets")
    _require(frame, [entity, "indicator"], name="targets", hint="Use the layout completion() reads.")
    rows = frame[(frame[entity] == focus) & (frame["indicator"] == indicator)]
    if rows.empty:
        raise BenchmarkError(f"`targets` has no target for {entity} {focus!r} and indicator {indicator!r}.")
    wide = [c for c in frame.columns if isinstance(c, str) and _TARGET_COLUMN.match(c)]
    if "target" in frame.columns and period in frame.columns:
        pairs = [(p, float(t)) for p, t in zip(rows[period], rows["target"], strict=True) if pd.notna(t)]
    elif wide:
        numeric = pd.api.types.is_numeric_dtype(like)
        pairs = []
        for col in wide:
            label = _TARGET_COLUMN.match(col).group(1)
            when = pd.to_numeric(label) if numeric else label
            if pd.notna(rows[col].iloc[0]):
                pairs.append((when, float(rows[col].iloc[0])))
    else:
        raise ColumnError(
            f"`targets` has neither 'target_<{period}>' columns nor 'target' and {period!r} columns."
        )
    first = rows.iloc[0]
    base_col = f"baseline_{period}"
    baseline = (first.get(base_col), first.get("baseline"))
    return baseline, sorted(pairs, key=lambda pair: pair[0])


def _draw_targets(ax: Axes, frame: pd.DataFrame, targets: pd.DataFrame, focus: Any, indicator: str,
                  entity: str, period: str) -> None:
    (base_period, base), pairs = _task_targets(targets, focus, indicator, entity, period, frame[period])
    px, py = [p for p, _ in pairs], [t for _, t in pairs]
    if pd.notna(base_period) and pd.notna(base):
        ax.plot([base_period], [base], marker="s", ls="", color="black", ms=7, label=_t("baseline"))
        px, py = [base_period, *px], [float(base), *py]
    ax.plot(px, py, color="black", ls=":", lw=1, label=_t("planned path"))
    for k, (tp, tv) in enumerate(pairs):
        final = k == len(pairs) - 1
        ax.plot([tp], [tv], ls="", marker="*" if final else "^", ms=13 if final else 9, color="black",
                markerfacecolor="gold" if final else "white",
                label=_t("final target {period}" if final else "interim target {period}", period=tp))


def _draw_projection(ax: Axes, completion: pd.DataFrame, focus: Any, indicator: str, entity: str,
                     period: str) -> None:
    table = check_frame(completion, name="completion")
    final_col = f"final_{period}"
    _require(table, [entity, "indicator", period, "actual", final_col, "projected_final", "status"],
             name="completion", hint="Pass the result of completion().")
    row = table[(table[entity] == focus) & (table["indicator"] == indicator)]
    if row.empty:
        raise BenchmarkError(f"`completion` has no row for {entity} {focus!r} and indicator {indicator!r}.")
    row = row.iloc[0]
    # Accumulated tasks are judged on the total since the baseline, not on the yearly value drawn.
    if pd.isna(row["actual"]) or pd.isna(row["projected_final"]) or row.get("kind") == "accumulated":
        return
    ax.plot([row[period], row[final_col]], [row["actual"], row["projected_final"]], color=FOCUS_COLOR,
            ls="--", lw=1.5, alpha=0.8, label=_t("projection ({status})", status=_t(str(row['status']))))


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
    lower = lower or (f"{gap}_low" if f"{gap}_low" in frame.columns else None)
    upper = upper or (f"{gap}_high" if f"{gap}_high" in frame.columns else None)
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


# ============================================================ efficiency frontier
_RTS = ("crs", "vrs", "nirs", "ndrs", "fdh")


def _hull(points: np.ndarray, *, upper: bool) -> np.ndarray:
    """Upper (or lower) convex hull of 2-D points, sorted by x (Andrew's monotone chain)."""
    pts = points[np.lexsort((points[:, 1], points[:, 0]))]
    chain: list[np.ndarray] = []
    for p in pts:
        while len(chain) >= 2:
            (x1, y1), (x2, y2) = chain[-2], chain[-1]
            cross = (x2 - x1) * (p[1] - y1) - (y2 - y1) * (p[0] - x1)
            if (cross >= 0) if upper else (cross <= 0):
                chain.pop()
            else:
                break
        chain.append(p)
    return np.array(chain)


def _frontier_io(eff: np.ndarray, rts: str, right: float) -> np.ndarray:
    """Boundary of the one-input one-output technology spanned by the efficient units."""
    x, y = eff[:, 0], eff[:, 1]
    best = int(np.argmax(y / x))  # most productive scale size
    slope = y[best] / x[best]
    if rts == "crs":
        return np.array([[0.0, 0.0], [right, slope * right]])
    if rts == "fdh":
        order = np.argsort(x, kind="stable")
        xs, ys = x[order], np.maximum.accumulate(y[order])
        steps = [[xs[0], 0.0]]
        for i in range(len(xs)):
            steps.append([xs[i], ys[i - 1] if i else ys[0]])
            steps.append([xs[i], ys[i]])
        steps.append([right, ys[-1]])
        return np.array(steps)
    base = eff if rts != "nirs" else np.vstack([eff, [[0.0, 0.0]]])
    hull = _hull(base, upper=True)
    hull = hull[: int(np.argmax(hull[:, 1])) + 1]  # rising part; free disposal gives the flat rest
    if rts == "ndrs":
        hull = hull[hull[:, 0] <= x[best] + 1e-12]
        line = np.vstack([hull, [[right, slope * right]]])
    else:
        line = np.vstack([hull, [[right, hull[-1, 1]]]])
    if rts != "nirs":
        line = np.vstack([[[line[0, 0], 0.0]], line])
    return line


def _frontier_outputs(eff: np.ndarray, rts: str) -> np.ndarray:
    """Outer boundary in the plane of two outputs (per unit of input)."""
    top = eff[np.argmax(eff[:, 1])]
    far = eff[np.argmax(eff[:, 0])]
    if rts == "fdh":
        order = np.argsort(-eff[:, 0], kind="stable")
        u, v = eff[order, 0], np.maximum.accumulate(eff[order, 1])
        steps = [[u[0], 0.0]]
        for i in range(len(u)):
            steps.append([u[i], v[i - 1] if i else v[0]])
            steps.append([u[i], v[i]])
        steps.append([0.0, v[-1]])
        return np.array(steps)[::-1]
    hull = _hull(eff, upper=True)
    hull = hull[int(np.argmax(hull[:, 1])):]  # from the highest point down to the right-most one
    return np.vstack([[[0.0, top[1]]], hull, [[far[0], 0.0]]])


def _frontier_inputs(eff: np.ndarray, rts: str, top: float, right: float) -> np.ndarray:
    """Isoquant in the plane of two inputs (per unit of output)."""
    left = eff[np.argmin(eff[:, 0])]
    low = eff[np.argmin(eff[:, 1])]
    if rts == "fdh":
        order = np.argsort(eff[:, 0], kind="stable")
        a, b = eff[order, 0], np.minimum.accumulate(eff[order, 1])
        steps = [[a[0], top]]
        for i in range(len(a)):
            steps.append([a[i], b[i - 1] if i else top])
            steps.append([a[i], b[i]])
        steps.append([right, b[-1]])
        return np.array(steps)
    hull = _hull(eff, upper=False)
    hull = hull[: int(np.argmin(hull[:, 1])) + 1]  # from the left-most point down to the lowest one
    return np.vstack([[[left[0], top]], hull, [[right, low[1]]]])


def _target_table(result: Any) -> pd.DataFrame | None:
    targets = getattr(result, "targets", None)
    table = targets() if callable(targets) else targets
    return table if isinstance(table, pd.DataFrame) else None


def _dea_projection(result: Any, focus: Any, entity: str, inputs: list[str], outputs: list[str],
                    observed: np.ndarray, score: float, orientation: str) -> np.ndarray:
    """The focus's projected inputs and outputs: from ``result.targets()`` when it has them."""
    table = _target_table(result)
    columns = inputs + outputs
    if table is not None and entity in table.columns:
        row = table[table[entity] == focus]
        if {"indicator", "target"} <= set(row.columns):  # long: one row per indicator
            target = row.set_index("indicator")["target"]
            if all(c in target.index for c in columns):
                return target.reindex(columns).to_numpy(dtype=float)
        for names in ([f"target_{c}" for c in columns], columns):
            if len(row) == 1 and all(c in row.columns for c in names):
                return row[names].to_numpy(dtype=float)[0]
    k = len(inputs)
    proj = observed.copy()
    if orientation == "input":
        proj[:k] = observed[:k] * score
    else:
        proj[k:] = observed[k:] / score  # score is the reciprocal of the Farrell output measure
    return proj


def _result_data(result: Any, entity: str) -> pd.DataFrame:
    """The units' observed inputs and outputs, from the ``actual`` column of the result's targets."""
    table = _target_table(result)
    if table is None or not {entity, "indicator", "actual"} <= set(table.columns):
        raise BenchmarkError("pass the units' inputs and outputs as data= (the result does not hold them).")
    wide = table.pivot_table(index=entity, columns="indicator", values="actual", sort=False, aggfunc="first")
    wide.columns.name = None
    return wide.reset_index()


@_figure_function
@validate_params("entity")
def plot_frontier(
    result: Any,
    data: pd.DataFrame | None = None,
    *,
    focus: Any = None,
    inputs: str | Sequence[str] | None = None,
    outputs: str | Sequence[str] | None = None,
    efficiency: str = "efficiency",
    rts: str | None = None,
    orientation: str | None = None,
    entity: str | None = None,
    labels: Mapping[Any, str] | pd.DataFrame | None = None,
    annotate: bool = False,
    ax: Any = None,
    lang: str | None = None,
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
    data : DataFrame, optional
        The inputs and outputs of every unit (default: the ``actual`` values
        of the result's ``targets()``).
    focus : entity name, optional
        Unit whose projection is drawn.
    inputs, outputs : str or list of str, optional
        Columns of ``data`` (default: the result's own).
    efficiency : str
        Efficiency column of the result table (1 = efficient).
    rts, orientation : str, optional
        Returns to scale and orientation (default: the result's own, else
        ``"crs"`` and ``"input"``).
    entity : str, optional
        Entity column (default: the result's own, else ``"institution"``).
    labels : mapping or indicator-metadata DataFrame, optional
        Display labels of the inputs and outputs for the axes, e.g.
        ``datasets.load("shuanggao_indicators")``.
    annotate : bool
        Name every unit on the frontier.
    ax : matplotlib Axes, optional
    lang : {"zh", "en"}, optional
        Language of titles, axis labels, legends and notes (default: Chinese
        when the indicator labels are Chinese, else English).

    Returns
    -------
    matplotlib.axes.Axes
    """
    entity = entity or getattr(result, "entity", None) or "institution"
    table = _table(result, ["efficiency"], name="result")
    frame = check_frame(data) if data is not None else _result_data(result, entity)
    ins = _names(inputs if inputs is not None else getattr(result, "inputs", None), "inputs", allow_empty=True)
    outs = _names(outputs if outputs is not None else getattr(result, "outputs", None), "outputs")
    shape = (len(ins), len(outs))
    if shape not in ((1, 1), (1, 2), (0, 2), (2, 1)):
        raise BenchmarkError(
            f"a 2-D frontier needs one input and one output, two outputs (with at most one input) or two "
            f"inputs and one output; got {len(ins)} input(s) and {len(outs)} output(s). "
            "Pass inputs= and outputs= to pick two dimensions."
        )
    rts = rts or getattr(result, "rts", None) or "crs"
    orientation = orientation or getattr(result, "orientation", None) or "input"
    check_choice(rts, _RTS, name="rts")
    check_choice(orientation, ("input", "output"), name="orientation")
    _require(frame, [entity, *ins, *outs], name="data")
    _require(table, [entity, efficiency], name="result", hint="Name the efficiency column with efficiency=.")
    scores = table.set_index(entity)[efficiency].reindex(frame[entity]).to_numpy(dtype=float)
    raw = frame[[*ins, *outs]].to_numpy(dtype=float)
    if np.isnan(raw).any() or (raw <= 0).any():
        raise BenchmarkError("inputs and outputs must be positive and complete to draw the frontier.")
    if "efficient" in table.columns and efficiency == "efficiency":
        flags = table.set_index(entity)["efficient"].reindex(frame[entity])
        efficient = flags.astype("boolean").fillna(False).to_numpy(dtype=bool)
    else:
        efficient = np.isclose(scores, 1.0, rtol=0, atol=1e-6)
    if not efficient.any():
        raise BenchmarkError(f"no unit has {efficiency} = 1 in the result; cannot draw the frontier.")
    xy, xlabel, ylabel = _frontier_plane(raw, ins, outs, _label_map(labels))
    ax = _axes(ax, (7.0, 5.5))
    names = frame[entity].to_numpy()
    ax.scatter(xy[~efficient, 0], xy[~efficient, 1], color=PEER_COLOR, s=24, alpha=0.7, label=_t("inefficient units"))
    ax.scatter(xy[efficient, 0], xy[efficient, 1], color="black", s=36, label=_t("efficient units"))
    right = float(np.nanmax(xy[:, 0])) * 1.08
    top = float(np.nanmax(xy[:, 1])) * 1.08
    if shape == (1, 1):
        line = _frontier_io(xy[efficient], rts, right)
    elif len(outs) == 2:
        line = _frontier_outputs(xy[efficient], rts)
    else:
        line = _frontier_inputs(xy[efficient], rts, top, right)
    ax.plot(line[:, 0], line[:, 1], color="black", lw=1.5, label=_t("frontier ({rts})", rts=rts.upper()))
    if annotate:
        for i in np.flatnonzero(efficient):
            ax.annotate(str(names[i]), xy[i], xytext=(4, 4), textcoords="offset points", fontsize="x-small")
    if focus is not None:
        i = np.flatnonzero(names == focus)
        if i.size == 0:
            _focus_rows(frame, entity, focus, name="data")
        i = int(i[0])
        proj = _dea_projection(result, focus, entity, ins, outs, raw[i], scores[i], orientation)
        pxy, _, _ = _frontier_plane(proj[None, :], ins, outs, {})
        ax.annotate("", xy=pxy[0], xytext=xy[i], arrowprops={"arrowstyle": "->", "color": FOCUS_COLOR, "lw": 1.5})
        ax.scatter([xy[i, 0]], [xy[i, 1]], marker="*", s=240, color=FOCUS_COLOR, edgecolor="black", zorder=5,
                   label=f"{focus} ({_t(efficiency)} {scores[i]:.3f})")
        ax.scatter([pxy[0, 0]], [pxy[0, 1]], marker="o", s=50, facecolor="white", edgecolor=FOCUS_COLOR, zorder=5,
                   label=_t("projection (target)"))
    ax.set_xlim(0, right)
    ax.set_ylim(0, top)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0)
    ax.set_title(_t("DEA frontier, {rts}, {orientation} orientation", rts=rts.upper(), orientation=_t(orientation)))
    _finish(ax, [*map(str, names), xlabel, ylabel, *([str(focus)] if focus is not None else [])])
    return ax


def _names(value: Any, what: str, *, allow_empty: bool = False) -> list[str]:
    if value is None:
        if allow_empty:
            return []
        raise BenchmarkError(f"`{what}` is required: name the column(s) (the result does not record them).")
    return [value] if isinstance(value, str) else list(value)


def _frontier_plane(raw: np.ndarray, ins: list[str], outs: list[str],
                    names: Mapping[Any, str]) -> tuple[np.ndarray, str, str]:
    """Coordinates of the picture: raw (1x1), outputs per input (1x2) or inputs per output (2x1)."""
    i, o = _display(ins, names), _display(outs, names)
    if len(ins) == 1 and len(outs) == 1:
        return raw, i[0], o[0]
    if len(outs) == 2:
        if ins:
            return (raw[:, 1:] / raw[:, :1], _t("{a} per {b}", a=o[0], b=i[0]),
                    _t("{a} per {b}", a=o[1], b=i[0]))
        return raw, o[0], o[1]
    return raw[:, :2] / raw[:, 2:], _t("{a} per {b}", a=i[0], b=o[0]), _t("{a} per {b}", a=i[1], b=o[0])
