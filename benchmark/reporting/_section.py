"""What a report section is, and the small tools every section builder uses.

A section is built by a pure function ``build(options, data, models, focus)``
(the summary and the notes also take the other sections) and returns a
:class:`Section`: its HTML fragment, tables, figures, the facts it gives the
summary, the parts it left out and the notes it adds. Nothing is shared
between builders but their arguments, so they can run in any order.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from benchmark import _report_html as H
from benchmark._cohorts import cohort_members
from benchmark._i18n import t as _t
from benchmark._validation import BenchmarkError

__all__ = ["SECTIONS", "Draft", "Section", "new_figure", "peers_of", "period_text", "tied"]

#: Section anchors and titles, in page order.
SECTIONS = (
    ("summary", "Summary"),
    ("self", "1. Against itself"),
    ("peers", "2. Against peers"),
    ("cost", "3. Against cost"),
    ("field", "4. In the field"),
    ("notes", "Notes and methods"),
)


@dataclasses.dataclass(frozen=True, eq=False)
class Section:
    """One section of a report, as built.

    Attributes
    ----------
    name : str
        Its anchor (``"summary"``, ``"self"``, ``"peers"``, ``"cost"``, ``"field"``, ``"notes"``).
    html : str
        The fragment inside ``<section>`` (the heading is added by the page).
    tables : dict of DataFrame
        Tables shown, by name (they go to ``Report.tables`` and the workbook).
    figures : dict of str
        Figures shown, by id: the ``<figure>`` HTML with its embedded PNG.
    facts : dict
        What the section tells the summary (e.g. ``"gaps"``, ``"rank"``).
    omitted : tuple of str
        Parts left out and why.
    notes : tuple of str
        Data set aside and other notes.
    written : bool
        Whether the section has content of its own.
    """

    name: str
    html: str
    tables: Mapping[str, pd.DataFrame] = dataclasses.field(default_factory=dict)
    figures: Mapping[str, str] = dataclasses.field(default_factory=dict)
    facts: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    omitted: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    written: bool = False


class Draft:
    """The pieces of one section while its builder runs (local to that call, never shared)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.tables: dict[str, pd.DataFrame] = {}
        self.figures: dict[str, str] = {}
        self.facts: dict[str, Any] = {}
        self.omitted: list[str] = []
        self.notes: list[str] = []

    def leave_out(self, what: str, why: str) -> str:
        """Record and render a part that could not be written."""
        what, why = _t(what), _t(why)
        self.omitted.append(f"{what}: {why}")
        return f'<p class="omitted"><strong>{H.esc(_t("{what} left out.", what=what))}</strong> {H.esc(why)}</p>'

    def guard(self, what: str, build: Callable[[], str]) -> str:
        """Run one part; a data problem leaves that part out with its message."""
        try:
            return build()
        except BenchmarkError as exc:
            return self.leave_out(what, str(exc))

    def figure(self, fig: Any, *, alt: str, caption: str, fig_id: str) -> str:
        """Render ``fig`` (a matplotlib Figure, or an SVG drawing when the report draws SVG) with its caption."""
        from benchmark.reporting._svg import Svg

        draw = H.svg_figure if isinstance(fig, Svg) else H.figure
        html = draw(fig, alt=alt, caption=caption, fig_id=fig_id)
        self.figures[fig_id] = html
        return html

    def add_figure(self, fig_id: str, html: str) -> str:
        """Record a figure rendered elsewhere (e.g. one shared by every unit of the field)."""
        self.figures[fig_id] = html
        return html

    def done(self, parts: list[str], *, written: bool) -> Section:
        return Section(name=self.name, html="\n".join(parts), tables=dict(self.tables), figures=dict(self.figures),
                       facts=dict(self.facts), omitted=tuple(self.omitted), notes=tuple(self.notes),
                       written=written)


def new_figure(width: float, height: float, *, nrows: int = 1, ncols: int = 1, polar: bool = False) -> tuple:
    """A matplotlib Figure rendered by Agg (never a pyplot window) and its axes, flattened."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=False, subplot_kw={"projection": "polar"} if polar else None)
    return fig, axes.ravel()


def peers_of(models: Any, focus: Any) -> list[Any]:
    """The focus's peers in the evaluation period (``options.cohort``)."""
    return cohort_members(models.cross_section, focus, models.options.cohort, entity=models.entity, min_size=1)


def period_text(value: Any) -> str:
    """A period as written in a table: 2021.0 -> "2021", text such as "2019-20" unchanged."""
    if isinstance(value, (int, float, np.integer, np.floating)) and float(value).is_integer():
        return str(int(value))
    return str(value)


def tied(names: Any, shown: int = 2) -> Any:
    """The best peer's name, or a few names and a count when many peers tie for best."""
    if not isinstance(names, str):
        return names
    parts = names.split(", ")
    if len(parts) <= shown + 1:
        return names
    return _t("{names} and {more} more ({n} tied)", names=", ".join(parts[:shown]), more=len(parts) - shown,
              n=len(parts))


def lead(text: str) -> str:
    return f'<p class="lead">{H.esc(text)}</p>'


def muted(text: str) -> str:
    return f'<p class="muted">{H.esc(text)}</p>'


def bullets(items: list[str], css: str) -> str:
    if not items:
        return muted(_t("None stands out."))
    cls = f' class="{css}"' if css else ""
    return '<ul class="facts">' + "".join(f"<li{cls}>{H.esc(t)}</li>" for t in items) + "</ul>"
