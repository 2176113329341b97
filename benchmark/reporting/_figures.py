"""The report's figures: every call into :mod:`benchmark.plotting` in one place.

Each function draws on a fresh Agg figure sized for the page and returns it;
the section renders it. Plotting never recomputes a statistic: the tables
drawn are the ones the section shows.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import weakref
from collections.abc import Callable
from typing import Any

import pandas as pd

from benchmark._i18n import current
from benchmark.reporting._section import new_figure
from benchmark.reporting._svg_figures import DRAW

#: Whether the figures being built are drawn as SVG (set for one report by :func:`drawing`).
_SVG: contextvars.ContextVar[bool] = contextvars.ContextVar("svg_figures", default=False)


def _or_svg(draw: Callable[..., Any]) -> Callable[..., Any]:
    """``draw`` (matplotlib), or its SVG counterpart of the same name while the report draws SVG."""
    @functools.wraps(draw)
    def figure(*args: Any, **kwargs: Any) -> Any:
        return (DRAW[draw.__name__] if _SVG.get() else draw)(*args, **kwargs)
    return figure


@contextlib.contextmanager
def drawing(kind: str) -> Any:
    """Draw the report's figures as ``kind`` ("png": matplotlib, "svg": direct SVG) inside the block."""
    token = _SVG.set(kind == "svg")
    try:
        yield
    finally:
        _SVG.reset(token)


#: Figures that are the same for every unit of a field, by models object, then by (figure, language).
_SHARED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def shared(models: Any, fig_id: str, render: Callable[[], str]) -> str:
    """A figure that does not depend on the unit, rendered once per field and language and then reused.

    The batch run writes many units' reports from one models object; a
    figure such as the tier transitions of all units is drawn once for them.
    """
    per_field = _SHARED.setdefault(models, {})
    key = (fig_id, current())
    if key not in per_field:
        per_field[key] = render()
    return per_field[key]


@_or_svg
def completion(mine: pd.DataFrame, focus: Any, models: Any) -> Any:
    from benchmark.plotting import plot_completion

    fig, (ax,) = new_figure(7.5, 0.45 * len(mine) + 1.4)
    plot_completion(mine, focus=focus, metadata=models.labels(), entity=models.entity, period=models.period, ax=ax, lang=current())
    return fig


@_or_svg
def trajectories(focus: Any, chosen: list[str], members: list[Any], completion: pd.DataFrame | None,
                 models: Any) -> Any:
    from benchmark.plotting import plot_trajectory

    rows = (len(chosen) + 1) // 2
    fig, axes = new_figure(13.5, 3.4 * rows, nrows=rows, ncols=2)
    with_target = set() if completion is None else set(completion["indicator"])
    for ax, ind in zip(axes, chosen, strict=False):
        has = ind in with_target
        plot_trajectory(models.data, ind, focus=focus, targets=models.targets if has else None, cohort=members,
                        completion=completion.drop(columns="label") if has else None, entity=models.entity,
                        period=models.period, metadata={ind: models.label(ind)}, ax=ax, lang=current())
        ax.set_title(models.label(ind))
        ax.set_ylabel(models.unit(ind) or models.label(ind))
    for ax in axes[len(chosen):]:
        ax.set_visible(False)
    return fig


@_or_svg
def gaps(drawn: pd.DataFrame, models: Any) -> Any:
    from benchmark.plotting import plot_gaps

    fig, (ax,) = new_figure(8, 0.42 * max(len(drawn), 3) + 1.3)
    plot_gaps(drawn, lower="ci_low", upper="ci_high", metadata=models.labels(), entity=models.entity,
              period=models.period, ax=ax, lang=current())
    return fig


@_or_svg
def cost_outcome(quadrants: pd.DataFrame, focus: Any, outcome: str, models: Any) -> Any:
    from benchmark.plotting import plot_cost_outcome

    fig, (ax,) = new_figure(7.5, 5.2)
    plot_cost_outcome(quadrants, focus=focus, entity=models.entity, period=models.period, ax=ax, lang=current(),
                      metadata={"cost": models.with_unit(models.cost), "outcome": models.with_unit(outcome)})
    return fig


@_or_svg
def frontier(models: Any, focus: Any) -> Any:
    from benchmark.plotting import plot_frontier

    fig, (ax,) = new_figure(7.5, 5.5)
    plot_frontier(models.dea, data=models.dea_data, focus=focus,
                  metadata={c: models.label(c) for c in [*models.inputs, *models.outputs]}, ax=ax, lang=current())
    return fig


@_or_svg
def rank_intervals(ranks: Any, focus: Any, highlight: list[Any] | None, top: int | None, n_shown: int) -> Any:
    from benchmark.plotting import plot_rank_intervals

    fig, (ax,) = new_figure(8, 0.2 * n_shown + 1.5)
    plot_rank_intervals(ranks, focus=focus, highlight=highlight, top=top, lower="ci_low", upper="ci_high", ax=ax, lang=current())
    return fig


@_or_svg
def tiers(models: Any, focus: Any) -> Any:
    from benchmark.plotting import plot_tiers

    fig, (ax,) = new_figure(8, 5.5)
    plot_tiers(models.tiers, data=models.composite_data, official=models.official, focus=focus, ax=ax, lang=current())
    return fig


def transitions(moves: Any) -> Any:
    from benchmark.plotting import plot_transitions

    fig, (ax,) = new_figure(5.5, 4.5)
    plot_transitions(moves, ax=ax, lang=current())
    return fig


@_or_svg
def profile(drawn: pd.DataFrame, models: Any) -> Any:
    from benchmark.plotting import plot_profile

    fig, (ax,) = new_figure(9.5, 6.4, polar=True)
    plot_profile(drawn, kind="radar", metadata=models.labels(), entity=models.entity, period=models.period, ax=ax, lang=current())
    return fig
