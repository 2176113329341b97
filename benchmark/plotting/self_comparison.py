"""Against itself: an indicator's path to its targets and the completion of targets."""

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
    options,
    validate_params,
)
from benchmark.plotting._common import (
    COHORT_COLOR,
    FOCUS_COLOR,
    STATUS_COLORS,
    _axes,
    _display,
    _figure_function,
    _finish,
    _focus_rows,
    _label_map,
    _numeric,
    _require,
    _style,
    _width_for,
    _word,
)
from benchmark.plotting._geometry import (
    _cohort_band,
    _completion_label,
    _projection_segment,
    _state_name,
    _task_targets,
)

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes


# ============================================================ self-comparison
@_figure_function
@validate_params("entity", "period", by=options("indicator", "entity"))
def plot_completion(
    data: pd.DataFrame,
    *,
    focus: Any = None,
    by: str = "indicator",
    clip: float = 2.0,
    metadata: Mapping[Any, str] | pd.DataFrame | None = None,
    indicator: str = "indicator",
    status: str = "status",
    ratio: str = "completion_ratio",
    entity: str = "institution",
    period: str = "year",
    ax: Any = None,
    lang: str | None = None,
    **kwargs: Any,
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
    clip : float
        Ratios above this value (default 2.0 = 200 %) are drawn at the clip
        and their value is written at the bar's end.
    metadata : DataFrame or mapping, optional
        Display names of the indicators: the indicator table (columns
        ``indicator`` and ``label``, and ``label_en`` for English figures) or
        a mapping ``{indicator: label}``.
    indicator, status, ratio, entity, period : str
        Column names (defaults: those of :func:`~benchmark.completion`; the
        period, when present, only goes into the title).
    ax : matplotlib Axes, optional
        Axes to draw on; a new figure by default.
    lang : {"zh", "en"}, optional
        Language of the words in the figure; default (None): Chinese when the
        labels in ``metadata`` are Chinese, else English.
    **kwargs
        Passed to :meth:`matplotlib.axes.Axes.barh`, which draws the bars
        (e.g. ``alpha=``, ``edgecolor=``).

    Returns
    -------
    matplotlib.axes.Axes

    See Also
    --------
    benchmark.completion : the table drawn here.
    plot_trajectory : one indicator's path towards its targets.

    Examples
    --------
    >>> table = pd.DataFrame({"institution": ["a"] * 3, "indicator": ["x", "y", "z"],
    ...                       "completion_ratio": [1.1, 0.9, 0.5],
    ...                       "status": ["completed", "attainable", "unattainable"]})
    >>> ax = plot_completion(table, focus="a")
    >>> len(ax.patches)
    3
    """
    frame = check_frame(data)
    _require(frame, [entity, indicator, status], name="data",
             hint="Pass the result of completion() or name the columns with entity=, indicator=, status=.")
    names = _label_map(metadata)
    if focus is not None:
        frame = _focus_rows(frame, entity, focus)
    if frame[entity].nunique() == 1:
        _require(frame, [ratio], name="data", hint="Name the completion-ratio column with ratio=.")
        ax = _completion_bars(frame, (indicator, status, ratio), names, clip, ax, kwargs)
        title = titled(_t("Target completion"), frame[entity].iloc[0])
    else:
        key = entity if by == "entity" else indicator
        ax = _status_stack(frame, key, status, names, ax, by == "indicator", kwargs)
        title = _t("Target completion of {n} entities", n=frame[entity].nunique())
    if period in frame.columns and frame[period].nunique() == 1:
        title = titled(title, at=frame[period].iloc[0])
    ax.set_title(title)
    _finish(ax, [title, *_display(frame[indicator], names), *frame[entity].astype(str)])
    return ax


def _completion_bars(frame: pd.DataFrame, columns: tuple[str, str, str], names: Mapping[Any, str], clip: float,
                     ax: Any, kwargs: Mapping[str, Any]) -> Axes:
    indicator, status, ratio = columns
    r = _numeric(frame, ratio) * 100
    order = np.argsort(np.nan_to_num(r, nan=-np.inf), kind="stable")
    frame, r = frame.iloc[order], r[order]
    ticks = _display(frame[indicator], names)
    ax = _axes(ax, (_width_for(ticks), 0.42 * len(frame) + 1.6))
    states = frame[status].astype(str).to_numpy()
    colours = [STATUS_COLORS.get(s, COHORT_COLOR) for s in states]
    shown = np.clip(np.nan_to_num(r, nan=0.0), 0, clip * 100)
    y = np.arange(len(frame))
    ax.barh(y, shown, **_style({"color": colours, "height": 0.7}, kwargs))
    for yi, value, bar_end, state in zip(y, r, shown, states, strict=True):
        text = _t("no data") if np.isnan(value) else _completion_label(value)
        ax.annotate(text, (bar_end, yi), xytext=(3, 0), textcoords="offset points", va="center",
                    fontsize="x-small", color="black" if not np.isnan(value) else COHORT_COLOR)
    ax.axvline(100, color="black", lw=1, ls="--")
    ax.set_yticks(y, labels=ticks)
    ax.set_xlim(0, max(110.0, float(np.nanmax(shown, initial=0)) * 1.15))
    ax.set_xlabel(_t("completion of the target (%)"))
    _status_legend(ax, [s for s in STATUS_COLORS if s in set(states)] + sorted(set(states) - set(STATUS_COLORS)))
    return ax


def _status_stack(frame: pd.DataFrame, key: str, status: str, names: Mapping[Any, str], ax: Any,
                  relabel: bool, kwargs: Mapping[str, Any]) -> Axes:
    counts = pd.crosstab(frame[key], frame[status].astype(str))
    states = [s for s in STATUS_COLORS if s in counts.columns] + sorted(set(counts.columns) - set(STATUS_COLORS))
    counts = counts[states]
    first = states[0]
    counts = counts.sort_values(first, kind="stable")
    tick = _display(counts.index, names) if relabel else [str(v) for v in counts.index]
    ax = _axes(ax, (_width_for(tick), 0.38 * len(counts) + 1.8))
    y = np.arange(len(counts))
    left = np.zeros(len(counts))
    for s in states:
        ax.barh(y, counts[s].to_numpy(), left=left, label=_state_name(s),
                **_style({"color": STATUS_COLORS.get(s, COHORT_COLOR), "height": 0.7}, kwargs))
        left += counts[s].to_numpy()
    ax.set_yticks(y, labels=tick)
    ax.set_xlabel(_t("number of tasks") if not relabel else _t("number of entities"))
    ax.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0)
    return ax


def _status_legend(ax: Axes, states: list[str]) -> None:
    from matplotlib.patches import Patch

    handles = [Patch(color=STATUS_COLORS.get(s, COHORT_COLOR), label=_state_name(s)) for s in states]
    ax.legend(handles=handles, fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0)


@_figure_function
@validate_params("entity", "period")
def plot_trajectory(
    data: pd.DataFrame,
    indicator: str,
    *,
    focus: Any = None,
    targets: pd.DataFrame | None = None,
    completion: pd.DataFrame | None = None,
    cohort: Any = None,
    band: bool = True,
    metadata: Mapping[Any, str] | pd.DataFrame | None = None,
    entity: str = "institution",
    period: str = "year",
    ax: Any = None,
    lang: str | None = None,
    **kwargs: Any,
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
    indicator : str
        Indicator column to draw.
    focus : entity name, optional
        Whose series is drawn; may be left out when ``data`` holds one entity.
    targets : DataFrame, optional
        Target table in either layout accepted by :func:`benchmark.completion`
        (wide: ``baseline_<period>``, ``baseline``, ``target_<period>``...;
        long: ``<period>``, ``target``).
    completion : DataFrame, optional
        The result of :func:`benchmark.completion`: its ``projected_final``
        for this task is drawn as a dashed line from the evaluation period
        (not for ``kind="accumulated"`` tasks, whose actual and projected
        values are totals since the baseline, on another scale).
    cohort : None, column name, list of entities or nearest-peers table
        Whose median and quartiles form the band (see ``cohort=`` in
        :func:`benchmark.peer_gap`); default all other entities.
    band : bool
        Draw the cohort median and band (default True).
    metadata : DataFrame or mapping, optional
        Display name of the indicator: the indicator table (columns
        ``indicator`` and ``label``, and ``label_en`` for English figures) or
        a mapping ``{indicator: label}``; default the column name.
    entity, period : str
        Entity and period columns.
    ax : matplotlib Axes, optional
        Axes to draw on; a new figure by default.
    lang : {"zh", "en"}, optional
        Language of the words in the figure; default (None): Chinese when the
        labels in ``metadata`` are Chinese, else English.
    **kwargs
        Passed to :meth:`matplotlib.axes.Axes.plot` for the focus's line
        (e.g. ``color=``, ``linewidth=``).

    Returns
    -------
    matplotlib.axes.Axes

    See Also
    --------
    benchmark.trend : the fitted trend of one indicator.
    benchmark.cohort_stats : the cohort median and quartiles of the band.
    plot_completion : the completion of every target at once.

    Examples
    --------
    >>> panel = pd.DataFrame({"institution": ["a", "a", "b", "b"], "year": [2021, 2022] * 2,
    ...                       "income": [10.0, 12.0, 9.0, 9.5]})
    >>> ax = plot_trajectory(panel, "income", focus="a", metadata={"income": "service income"})
    >>> ax.get_title()
    'service income: a'
    """
    frame = check_frame(data)
    _require(frame, [entity, period, indicator], name="data",
             hint="Name the entity and period columns with entity= and period=.")
    focus = _single_focus(frame, entity, focus)
    own = _focus_rows(frame, entity, focus).sort_values(period)
    ax = _axes(ax, (7.5, 4.8))
    shown = _label_map(metadata).get(indicator, indicator)
    if band:
        _draw_band(ax, frame, focus, indicator, cohort, entity, period)
    ax.plot(own[period].to_numpy(), _numeric(own, indicator), label=str(focus),
            **_style({"color": FOCUS_COLOR, "marker": "o", "lw": 2}, kwargs))
    if targets is not None:
        _draw_targets(ax, frame, targets, focus, indicator, entity, period)
    if completion is not None:
        _draw_projection(ax, completion, focus, indicator, entity, period)
    ax.set_xlabel(_word(period))
    ax.set_ylabel(shown)
    ax.set_title(titled(shown, focus))
    ax.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0)
    if pd.api.types.is_integer_dtype(frame[period]):
        from matplotlib.ticker import MaxNLocator

        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    _finish(ax, [focus, shown])
    return ax


def _single_focus(frame: pd.DataFrame, entity: str, focus: Any) -> Any:
    """``focus``, or the one entity of ``frame`` when it is left out."""
    if focus is not None:
        return focus
    present = pd.unique(frame[entity])
    if len(present) != 1:
        raise BenchmarkError(f"`data` holds {len(present)} {entity} entities; name the one to draw with focus=.")
    return present[0]


def _draw_band(ax: Axes, frame: pd.DataFrame, focus: Any, indicator: str, cohort: Any, entity: str,
               period: str) -> None:
    """The cohort's median and inter-quartile band per period (focus left out)."""
    from benchmark._cohorts import cohort_members
    from benchmark._i18n import cohort_text

    members = cohort_members(frame, focus, cohort, entity=entity, min_size=1)
    stats = _cohort_band(frame, members, indicator, entity, period)
    px = stats[period].to_numpy()
    ax.fill_between(px, _numeric(stats, "q1"), _numeric(stats, "q3"), color=COHORT_COLOR, alpha=0.2,
                    lw=0, label=_t("cohort inter-quartile range ({cohort})", cohort=cohort_text(cohort)))
    ax.plot(px, _numeric(stats, "median"), color=COHORT_COLOR, ls="--", lw=1.5, label=_t("cohort median"))


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
    segment = _projection_segment(completion, focus, indicator, entity, period)
    if segment is None:
        return
    periods, values, status = segment
    ax.plot(periods, values, color=FOCUS_COLOR, ls="--", lw=1.5, alpha=0.8,
            label=_t("projection ({status})", status=_t(status)))
