"""Drawing primitives of the report's SVG figures (``figures="svg"``).

A report figure drawn with matplotlib costs about 0.3 s to lay out, draw and
encode as PNG; a batch of 200 reports with eight figures each spends most of
its time there. The SVG figures are written directly as markup (a few
milliseconds each): the same tables, colours and words as the matplotlib
figures of :mod:`benchmark.plotting`, drawn with a small set of shapes. Text
is left to the browser, which picks a CJK font from the page's font list, so
Chinese figures need no bundled font.

Everything written goes through :func:`benchmark._report_html.esc`.
"""

from __future__ import annotations

import dataclasses
import math
import unicodedata
from collections.abc import Sequence
from typing import Any

import numpy as np

from benchmark import _report_html as H

__all__ = ["Canvas", "Frame", "Key", "Svg", "categories", "category_room", "clip", "legend", "legend_width",
           "nice_ticks", "text_width", "tick_text", "x_axis", "y_axis", "y_room"]

FONT = 12.0  # px, the figures' base font size


class Svg(str):
    """A figure drawn as SVG markup (a ``str``), told apart from a matplotlib Figure by the report."""

    __slots__ = ()


def text_width(text: str, size: float = FONT) -> float:
    """An upper estimate of the width of ``text`` in px: CJK characters are square, others about half."""
    width = 0.0
    for ch in str(text):
        if unicodedata.east_asian_width(ch) in "WF":
            width += 1.0
        elif ch in "il.,:;'|!() ":
            width += 0.32
        elif ch.isdigit():
            width += 0.64
        elif ch.isupper() or ch in "mwMW%@":
            width += 0.7
        else:
            width += 0.56
    return width * size


def clip(text: str, width: float, size: float = FONT) -> str:
    """``text`` cut with an ellipsis to fit ``width`` px."""
    text = str(text)
    if text_width(text, size) <= width:
        return text
    while text and text_width(text + "\u2026", size) > width:
        text = text[:-1]
    return text + "\u2026"


def nice_ticks(lo: float, hi: float, n: int = 5, *, integer: bool = False) -> np.ndarray:
    """About ``n`` round tick values covering [lo, hi] (steps of 1, 2, 2.5 or 5 times a power of ten; with
    ``integer`` whole steps of 1, 2 or 5 times a power of ten)."""
    if not (math.isfinite(lo) and math.isfinite(hi)):
        lo, hi = 0.0, 1.0
    if hi <= lo:
        hi = lo + (abs(lo) or 1.0)
    span = hi - lo
    exponent = math.floor(math.log10(span / max(n, 1)))
    candidates = [m * 10.0 ** e for e in (exponent - 1, exponent, exponent + 1)
                  for m in ((1, 2, 5) if integer else (1, 2, 2.5, 5))]
    if integer:
        candidates = [max(1.0, round(step)) for step in candidates]
    # the step giving the number of intervals closest to n (the larger step on a tie)
    step = min(candidates, key=lambda st: (abs(span / st - n), -st))
    first = math.ceil(lo / step - 1e-9) * step
    ticks = np.arange(first, hi + step * 1e-6, step)
    return np.round(ticks, 10)


def _ticks(lim: tuple[float, float], integer: bool = False) -> tuple[np.ndarray, float]:
    """The ticks inside ``lim`` and their step."""
    values = nice_ticks(min(lim), max(lim), integer=integer)
    values = values[(values >= min(lim) - 1e-9) & (values <= max(lim) + 1e-9)]
    return values, float(np.min(np.diff(values))) if len(values) > 1 else 1.0


def tick_text(value: float, step: float, *, separators: bool = True) -> str:
    """A tick label with as many decimals as the step needs and thousands separators (not for years)."""
    digits = next((d for d in range(7) if abs(round(step, d) - step) <= 1e-9 * max(1.0, abs(step))), 6)
    return f"{value + 0.0:{',' if separators else ''}.{digits}f}"


def _num(v: float) -> str:
    return f"{v:.1f}".rstrip("0").rstrip(".")


#: Outlines of the polygon markers, in units of the marker's radius.
_SHAPES = {
    "^": [(0, -1.15), (1, 0.75), (-1, 0.75)],
    "v": [(0, 1.15), (1, -0.75), (-1, -0.75)],
    "D": [(0, -1.15), (0.85, 0), (0, 1.15), (-0.85, 0)],
    "*": [(math.cos(a) * (1.3 if k % 2 == 0 else 0.55), math.sin(a) * (1.3 if k % 2 == 0 else 0.55))
          for k, a in enumerate(np.linspace(-math.pi / 2, 1.5 * math.pi, 10, endpoint=False))],
    "P": [(-0.35, -1), (0.35, -1), (0.35, -0.35), (1, -0.35), (1, 0.35), (0.35, 0.35), (0.35, 1),
          (-0.35, 1), (-0.35, 0.35), (-1, 0.35), (-1, -0.35), (-0.35, -0.35)],
    "X": [(-0.75, -1), (0, -0.25), (0.75, -1), (1, -0.75), (0.25, 0), (1, 0.75), (0.75, 1),
          (0, 0.25), (-0.75, 1), (-1, 0.75), (-0.25, 0), (-1, -0.75)],
}


@dataclasses.dataclass
class Frame:
    """A plot area in px (``left``, ``top``, ``width``, ``height``) and its data limits."""

    left: float
    top: float
    width: float
    height: float
    xlim: tuple[float, float] = (0.0, 1.0)
    ylim: tuple[float, float] = (0.0, 1.0)

    def x(self, v: Any) -> Any:
        lo, hi = self.xlim
        return self.left + (np.asarray(v, dtype=float) - lo) / ((hi - lo) or 1.0) * self.width

    def y(self, v: Any) -> Any:
        lo, hi = self.ylim
        return self.top + self.height - (np.asarray(v, dtype=float) - lo) / ((hi - lo) or 1.0) * self.height

    @property
    def right(self) -> float:
        return self.left + self.width

    @property
    def bottom(self) -> float:
        return self.top + self.height


class Canvas:
    """An SVG document being drawn: shapes in px, appended in drawing order."""

    def __init__(self, width: float, height: float) -> None:
        self.width, self.height = float(width), float(height)
        self.parts: list[str] = []

    @staticmethod
    def _paint(fill: str | None = None, stroke: str | None = None, width: float | None = None,
               dash: str | None = None, opacity: float | None = None) -> str:
        out = f' fill="{fill or "none"}"'
        if stroke:
            out += f' stroke="{stroke}" stroke-width="{_num(width or 1.0)}"'
        if dash:
            out += f' stroke-dasharray="{dash}"'
        if opacity is not None and opacity < 1:
            out += f' opacity="{opacity:.2f}"'
        return out

    def line(self, xs: Sequence[float], ys: Sequence[float], *, color: str, width: float = 1.0,
             dash: str | None = None, opacity: float | None = None) -> None:
        """A polyline through the finite points (a gap where a value is missing)."""
        run: list[str] = []
        for x, y in [*zip(xs, ys, strict=True), (math.nan, math.nan)]:
            if math.isfinite(x) and math.isfinite(y):
                run.append(f"{_num(x)},{_num(y)}")
                continue
            if len(run) > 1:
                self.parts.append(f'<polyline points="{" ".join(run)}"'
                                  f"{self._paint(None, color, width, dash, opacity)}/>")
            run = []

    def polygon(self, xs: Sequence[float], ys: Sequence[float], *, fill: str, opacity: float | None = None,
                stroke: str | None = None) -> None:
        points = " ".join(f"{_num(x)},{_num(y)}" for x, y in zip(xs, ys, strict=True)
                          if math.isfinite(x) and math.isfinite(y))
        if points:
            self.parts.append(f'<polygon points="{points}"{self._paint(fill, stroke, 1.0, None, opacity)}/>')

    def rect(self, x: float, y: float, w: float, h: float, *, fill: str, opacity: float | None = None,
             stroke: str | None = None) -> None:
        if w < 0:
            x, w = x + w, -w
        self.parts.append(f'<rect x="{_num(x)}" y="{_num(y)}" width="{_num(w)}" height="{_num(h)}"'
                          f"{self._paint(fill, stroke, 1.0, None, opacity)}/>")

    def marker(self, kind: str, x: float, y: float, size: float = 6.0, *, fill: str, stroke: str | None = None,
               width: float = 1.0, opacity: float | None = None) -> None:
        """A point marker of radius about ``size``: o, s, ^, v, D, *, + or x (other kinds draw a circle)."""
        if not (math.isfinite(x) and math.isfinite(y)):
            return
        r = size
        paint = self._paint(fill, stroke, width, None, opacity)
        if kind == "s":
            self.parts.append(f'<rect x="{_num(x - r * 0.85)}" y="{_num(y - r * 0.85)}" width="{_num(1.7 * r)}" '
                              f'height="{_num(1.7 * r)}"{paint}/>')
            return
        if kind == "|":
            self.parts.append(f'<line x1="{_num(x)}" y1="{_num(y - r)}" x2="{_num(x)}" y2="{_num(y + r)}" '
                              f'stroke="{fill}" stroke-width="{_num(max(width, 1.5))}"/>')
            return
        if kind in _SHAPES:
            points = " ".join(f"{_num(x + dx * r)},{_num(y + dy * r)}" for dx, dy in _SHAPES[kind])
            self.parts.append(f'<polygon points="{points}"{paint}/>')
        else:
            self.parts.append(f'<circle cx="{_num(x)}" cy="{_num(y)}" r="{_num(r)}"{paint}/>')

    def text(self, x: float, y: float, text: Any, *, size: float = FONT, anchor: str = "start",
             color: str = "#1f2933", bold: bool = False, rotate: float | None = None,
             baseline: str = "middle") -> None:
        if not (math.isfinite(x) and math.isfinite(y)):
            return
        attrs = f' x="{_num(x)}" y="{_num(y)}"'
        if anchor != "start":
            attrs += f' text-anchor="{anchor}"'
        if baseline == "middle":
            attrs += ' dy="0.35em"'
        elif baseline == "top":
            attrs += ' dy="0.8em"'
        if size != FONT:
            attrs += f' font-size="{_num(size)}"'
        if color != "#1f2933":
            attrs += f' fill="{color}"'
        if bold:
            attrs += ' font-weight="bold"'
        if rotate is not None:
            attrs += f' transform="rotate({_num(rotate)} {_num(x)} {_num(y)})"'
        self.parts.append(f"<text{attrs}>{H.esc(text)}</text>")

    def title(self, text: str) -> None:
        self.text(self.width / 2, 16, clip(text, self.width - 20, 14), size=14, anchor="middle", bold=True)

    def svg(self, alt: str) -> Svg:
        return Svg(
            f'<svg viewBox="0 0 {_num(self.width)} {_num(self.height)}" '
            f'width="{_num(self.width)}" height="{_num(self.height)}" role="img" aria-label="{H.esc(alt)}" '
            f'font-size="{_num(FONT)}" fill="#1f2933">'
            f'<rect width="100%" height="100%" fill="#fff"/>' + "".join(self.parts) + "</svg>"
        )


# ---------------------------------------------------------------- axes
def x_axis(c: Canvas, f: Frame, *, label: str = "", ticks: Sequence[float] | None = None, grid: bool = True,
           integer: bool = False, names: Sequence[str] | None = None) -> None:
    """Ticks with their values (or ``names`` at ``ticks``), grid lines and the label under the plot area."""
    if names is None:
        values, step = _ticks(f.xlim, integer)
        names = [tick_text(v, 1.0 if integer else step, separators=not integer) for v in values]
        width = f.width
    else:
        values, grid, width = np.asarray(ticks, dtype=float), False, f.width / max(len(names), 1) + 8
    for v, name in zip(values, names, strict=True):
        px = float(f.x(v))
        if grid:
            c.line([px, px], [f.top, f.bottom], color="#e4e7eb", width=0.8)
        c.line([px, px], [f.bottom, f.bottom + 4], color="#52606d")
        c.text(px, f.bottom + 14, clip(name, width, 11), anchor="middle", size=11)
    c.line([f.left, f.right], [f.bottom, f.bottom], color="#52606d")
    if label:
        c.text(f.left + f.width / 2, f.bottom + 32, clip(label, f.width + 60), anchor="middle")


def y_axis(c: Canvas, f: Frame, *, label: str = "", grid: bool = True) -> None:
    """Numeric ticks, grid lines and the rotated label left of the plot area."""
    values, step = _ticks(f.ylim)
    for v in values:
        py = float(f.y(v))
        if grid:
            c.line([f.left, f.right], [py, py], color="#e4e7eb", width=0.8)
        c.line([f.left - 4, f.left], [py, py], color="#52606d")
        c.text(f.left - 6, py, tick_text(v, step), anchor="end", size=11)
    c.line([f.left, f.left], [f.top, f.bottom], color="#52606d")
    if label:
        c.text(f.left - tick_room(values, step) - 20, f.top + f.height / 2, clip(label, f.height + 40),
               anchor="middle", rotate=-90)


def tick_room(values: Sequence[float], step: float) -> float:
    """The width of the widest numeric tick label."""
    return max((text_width(tick_text(v, step), 11) for v in values), default=0.0)


def y_room(lo: float, hi: float) -> float:
    """Left margin for numeric y ticks and a rotated label."""
    return tick_room(*_ticks((lo, hi))) + 34


def categories(c: Canvas, f: Frame, labels: Sequence[str], positions: Sequence[float], *,
               colors: Sequence[str] | None = None, bold: Sequence[bool] | None = None, room: float) -> None:
    """Category names left of the plot area at y data ``positions``."""
    for i, (text, pos) in enumerate(zip(labels, positions, strict=True)):
        strong = bool(bold[i]) if bold is not None else False
        c.text(f.left - 6, float(f.y(pos)), clip(text, room - 10, FONT * (1.12 if strong else 1.0)), anchor="end",
               color=colors[i] if colors is not None else "#1f2933", bold=strong)
    c.line([f.left, f.left], [f.top, f.bottom], color="#52606d")


def category_room(labels: Sequence[str], cap: float = 260.0) -> float:
    """Left margin for category names (bold ones are about a tenth wider), at most ``cap`` px."""
    return min(cap, 1.12 * max((text_width(t) for t in labels), default=20.0) + 14)


# ---------------------------------------------------------------- legend
@dataclasses.dataclass(frozen=True)
class Key:
    """One legend entry: ``kind`` is "patch", "line", "marker" or "heading"."""

    label: str
    kind: str = "patch"
    color: str = "#8c8c8c"
    marker: str = "o"
    dash: str | None = None
    opacity: float | None = None
    edge: str | None = None


def legend_width(keys: Sequence[Key], cap: float = 220.0) -> float:
    return 0.0 if not keys else min(cap, max(text_width(k.label, 11) for k in keys) + 34)


def legend(c: Canvas, x: float, y: float, keys: Sequence[Key], width: float) -> float:
    """Draw the entries from (x, y) downwards; return the y under the last one."""
    for k in keys:
        cy = y + 8
        if k.kind == "heading":
            c.text(x, cy, clip(k.label, width), size=11, bold=True)
        else:
            if k.kind == "patch":
                c.rect(x, cy - 5, 18, 10, fill=k.color, opacity=k.opacity)
            elif k.kind == "line":
                c.line([x, x + 18], [cy, cy], color=k.color, width=2, dash=k.dash, opacity=k.opacity)
                if k.marker:
                    c.marker(k.marker, x + 9, cy, 3.5, fill=k.color)
            else:
                c.marker(k.marker, x + 9, cy, 5, fill=k.color, stroke=k.edge, opacity=k.opacity)
            c.text(x + 24, cy, clip(k.label, width - 26), size=11)
        y += 17
    return y
