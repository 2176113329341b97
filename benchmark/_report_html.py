"""HTML building blocks of the gap-analysis report.

Everything written here goes through :func:`esc` (``html.escape`` with
quotes), so institution names, indicator labels and messages taken from the
data can never inject markup. Figures are embedded as base64 PNG and the CSS
is inline: the page needs no network and no other file.

Headers, captions and alt texts pass through the message table
(:mod:`benchmark._i18n`), so a Chinese report gets Chinese headers. The page
is laid out for a phone (390 px: tables and figures scroll inside their own
box, the page never scrolls sideways), a desktop (1280 px) and print (A4, small
type, headings kept with what follows, figures and table rows not split).
"""

from __future__ import annotations

import base64
import dataclasses
import html
import io
import math
import re
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from benchmark._i18n import t as _t

__all__ = ["Column", "esc", "figure", "number", "page", "percent", "sign_class", "signed_percent", "table"]

DASH = "\u2013"

CSS = """
:root { --ink:#1f2933; --muted:#616e7c; --line:#d9e2ec; --band:#f5f7fa; --accent:#D55E00;
        --ahead:#005a8c; --behind:#a84300; }
* { box-sizing: border-box; }
body { margin:0; color:var(--ink); background:#fff; line-height:1.45;
       font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Noto Sans CJK SC",
       "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", "WenQuanYi Micro Hei", sans-serif; }
header.top { background:#102a43; color:#fff; padding:28px 40px 20px; }
header.top h1 { margin:0 0 6px; font-size:26px; font-weight:600; }
header.top p { margin:2px 0; color:#d9e2ec; font-size:14px; }
nav.toc { position:sticky; top:0; z-index:2; background:#fff; border-bottom:1px solid var(--line);
          padding:8px 40px; font-size:14px; }
nav.toc a { margin-right:18px; color:#334e68; text-decoration:none; }
nav.toc a:hover { text-decoration:underline; }
main { max-width:1180px; margin:0 auto; padding:8px 40px 40px; }
section.part { border-bottom:1px solid var(--line); padding:18px 0 26px; }
section.part h2 { font-size:21px; margin:10px 0 4px; }
section.part h3 { font-size:16px; margin:22px 0 6px; }
p.lead { color:var(--muted); margin:0 0 12px; }
p.note, div.note { background:#fff8e1; border-left:4px solid #f0b429; padding:8px 12px; margin:10px 0;
                   font-size:14px; }
p.omitted { background:var(--band); border-left:4px solid #9fb3c8; padding:8px 12px; font-size:14px; }
div.cards { display:grid; grid-template-columns:repeat(auto-fill, minmax(160px, 1fr)); gap:12px; margin:12px 0 6px; }
div.card { border:1px solid var(--line); border-radius:6px; padding:10px 14px; background:var(--band); }
div.card .k { font-size:12px; text-transform:uppercase; letter-spacing:.04em; color:var(--muted); }
div.card .v { font-size:22px; font-weight:600; margin:2px 0; }
div.card .s { font-size:13px; color:var(--muted); }
div.columns { display:flex; flex-wrap:wrap; gap:24px; }
div.columns > div { flex:1 1 320px; }
ul.facts { margin:6px 0 10px; padding-left:20px; }
ul.facts li { margin:3px 0; }
.ahead { color:var(--ahead); } .behind { color:var(--behind); } .muted { color:var(--muted); }
table.data { border-collapse:collapse; font-size:13px; margin:8px 0 4px; width:100%; }
table.data caption { caption-side:top; text-align:left; font-weight:600; padding:4px 0; font-size:14px; }
table.data th { background:var(--band); text-align:left; padding:5px 8px; border-bottom:2px solid var(--line);
                vertical-align:bottom; }
table.data td { padding:4px 8px; border-bottom:1px solid var(--line); vertical-align:top; }
table.data td.num, table.data th.num { text-align:right; font-variant-numeric:tabular-nums; white-space:nowrap; }
table.data td.pos { color:var(--ahead); } table.data td.neg { color:var(--behind); }
table.data .code { display:block; color:var(--muted); font-size:11px; font-family:ui-monospace, monospace; }
figure.fig { margin:14px 0; text-align:center; }
figure.fig img, figure.fig svg { max-width:100%; height:auto; border:1px solid var(--line); }
figure.fig svg { font-family: inherit; }
figure.fig figcaption { font-size:13px; color:var(--muted); margin-top:4px; text-align:left; }
footer { max-width:1180px; margin:0 auto; padding:12px 40px 40px; font-size:12px; color:var(--muted); }
div.table-wrap { max-width:100%; overflow-x:auto; -webkit-overflow-scrolling:touch; }
div.fig-wrap { max-width:100%; overflow-x:auto; }
h2, h3 { break-after:avoid; page-break-after:avoid; }
@media (max-width: 640px) {
  header.top { padding:16px 14px 12px; } header.top h1 { font-size:20px; }
  nav.toc { padding:6px 14px; overflow-x:auto; white-space:nowrap; }
  main { padding:4px 14px 24px; } footer { padding:12px 14px 24px; }
  div.cards { grid-template-columns:repeat(2, minmax(0, 1fr)); gap:8px; }
  div.columns > div { flex-basis:100%; }
  table.data { font-size:12px; width:auto; min-width:100%; }
  table.data td, table.data th { white-space:nowrap; }
  figure.fig img, figure.fig svg { max-width:none; width:600px; }
}
@media print {
  @page { size:A4; margin:12mm; }
  body { font-size:10pt; -webkit-print-color-adjust:exact; print-color-adjust:exact; }
  header.top { padding:8px 0; background:#fff; color:var(--ink); border-bottom:2px solid var(--ink); }
  header.top p { color:var(--muted); }
  nav.toc { display:none; }
  main, footer { max-width:none; padding:0; }
  section.part { padding:6px 0 10px; }
  div.table-wrap, div.fig-wrap { overflow:visible; }
  table.data { font-size:7.5pt; width:100%; table-layout:auto; }
  table.data th, table.data td { padding:2px 3px; white-space:normal; overflow-wrap:anywhere; }
  table.data td.num, table.data th.num { white-space:nowrap; }
  table.data tr, figure.fig, div.card { break-inside:avoid; page-break-inside:avoid; }
  table.data thead { display:table-header-group; }
  figure.fig img, figure.fig svg { max-width:100%; max-height:22cm; width:auto; }
}
"""


def esc(value: Any) -> str:
    """Text for HTML: ``None``/NaN as a dash, everything else escaped (quotes included).

    >>> esc('<script>alert("1")</script>')
    '&lt;script&gt;alert(&quot;1&quot;)&lt;/script&gt;'
    """
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return DASH
    return html.escape(str(value), quote=True)


# ---------------------------------------------------------------- number formats
def _missing(x: Any) -> bool:
    try:
        return x is None or bool(pd.isna(x))
    except (TypeError, ValueError):
        return False


def number(x: Any, digits: int | None = None) -> str:
    """A number with thousands separators; ``digits`` decimals (default: by magnitude).

    >>> number(12847.3), number(3.456), number(0.0123), number(float("nan"))
    ('12,847', '3.46', '0.012', '–')
    """
    if _missing(x):
        return DASH
    if isinstance(x, bool | np.bool_):
        return "yes" if x else "no"
    try:
        v = float(x)
    except (TypeError, ValueError):
        return str(x)
    if math.isinf(v):
        return "\u221e" if v > 0 else "-\u221e"
    if digits is None:
        a = abs(v)
        digits = 0 if (a >= 1000 or float(v).is_integer()) else (1 if a >= 10 else (2 if a >= 0.1 else 3))
    return f"{_unsigned_zero(v, digits):,.{digits}f}"


def _unsigned_zero(v: float, digits: int) -> float:
    """``v`` rounded to ``digits``, with no minus sign on a zero (-0.004 shows as 0.0, not -0.0)."""
    return round(v, digits) + 0.0


def percent(x: Any, digits: int = 1) -> str:
    """A fraction as a percentage (0.123 -> "12.3 %"; -0.00004 -> "0.0 %").

    >>> percent(0.123), percent(-0.00004)
    ('12.3 %', '0.0 %')
    """
    return DASH if _missing(x) else f"{_unsigned_zero(100 * float(x), digits):,.{digits}f} %"


def signed_percent(x: Any, digits: int = 1) -> str:
    """A value already in percent, with its sign ("+12.3 %"; a rounded zero is "+0.0 %")."""
    return DASH if _missing(x) else f"{_unsigned_zero(float(x), digits):+,.{digits}f} %"


def sign_class(x: Any) -> str:
    """CSS class colouring a direction-aware gap."""
    if _missing(x):
        return ""
    v = float(x)
    return "pos" if v > 0 else ("neg" if v < 0 else "")


# ---------------------------------------------------------------- tables
@dataclasses.dataclass(frozen=True)
class Column:
    """One column of a rendered table.

    ``fmt`` turns a cell value into plain text (escaped afterwards); ``css``
    gives the cell's class from its value; ``code`` names a second column
    shown under the value in small type (e.g. the indicator code under its label).
    """

    key: str
    header: str
    fmt: Callable[[Any], str] = str
    numeric: bool = False
    css: Callable[[Any], str] | None = None
    code: str | None = None


def _cell(row: pd.Series, col: Column) -> str:
    value = row.get(col.key)
    text = DASH if _missing(value) else esc(col.fmt(value))
    classes = ["num"] if col.numeric else []
    if col.css is not None:
        extra = col.css(value)
        if extra:
            classes.append(extra)
    if col.code is not None:
        code = row.get(col.code)
        if not _missing(code) and str(code) != str(value):
            text += f'<span class="code">{esc(code)}</span>'
    attr = f' class="{" ".join(classes)}"' if classes else ""
    return f"<td{attr}>{text}</td>"


def table(frame: pd.DataFrame, columns: Sequence[Column], *, caption: str | None = None,
          table_id: str | None = None, drop_empty: bool = True) -> str:
    """An HTML table of ``frame`` restricted to ``columns``; with ``drop_empty`` a column without any
    value is not shown."""
    cols = [c for c in columns if c.key in frame.columns
            and not (drop_empty and len(frame) and frame[c.key].isna().all())]
    num = ' class="num"'
    head = "".join(f"<th{num if c.numeric else ''}>{esc(_t(c.header))}</th>" for c in cols)
    rows = ["<tr>" + "".join(_cell(row, c) for c in cols) + "</tr>" for _, row in frame.iterrows()]
    cap = f"<caption>{esc(_t(caption))}</caption>" if caption else ""
    ident = f' id="{esc(table_id)}"' if table_id else ""
    return (f'<div class="table-wrap"><table class="data"{ident}>{cap}<thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table></div>")


# ---------------------------------------------------------------- figures
def figure(fig: Any, *, alt: str, caption: str, fig_id: str, dpi: int = 100) -> str:
    """A matplotlib figure as an embedded PNG with its caption."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, facecolor="white")
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    return (f'<figure class="fig" id="{esc(fig_id)}"><div class="fig-wrap"><img alt="{esc(_t(alt))}" '
            f'src="data:image/png;base64,{data}"></div><figcaption>{esc(_t(caption))}</figcaption></figure>')


def svg_figure(svg: str, *, alt: str, caption: str, fig_id: str) -> str:
    """An SVG drawing (markup made by :mod:`benchmark.reporting._svg`, text escaped there) with its caption."""
    label = esc(_t(alt))
    svg = svg.replace('role="img"', f'role="img" aria-labelledby="{esc(fig_id)}-cap"', 1)
    return (f'<figure class="fig" id="{esc(fig_id)}"><div class="fig-wrap" title="{label}">{svg}</div>'
            f'<figcaption id="{esc(fig_id)}-cap">{esc(_t(caption))}</figcaption></figure>')


_FIGURE = re.compile(r'<figure class="fig" id="([^"]+)">.*?src="data:image/png;base64,([A-Za-z0-9+/=]+)".*?'
                     r"<figcaption>(.*?)</figcaption></figure>", re.S)


def embedded_figures(document: str) -> list[tuple[str, bytes, str]]:
    """``(id, PNG bytes, caption)`` of every :func:`figure` in ``document``, in page order."""
    return [(ident, base64.b64decode(data), html.unescape(caption))
            for ident, data, caption in _FIGURE.findall(document)]


# ---------------------------------------------------------------- page
def page(*, title: str, subtitle: Sequence[str], toc: Sequence[tuple[str, str]], body: str, footer: str,
         lang: str = "en") -> str:
    """The whole document. ``title``, ``subtitle``, ``toc`` and ``footer`` are plain text."""
    links = "".join(f'<a href="#{esc(anchor)}">{esc(name)}</a>' for anchor, name in toc)
    sub = "".join(f"<p>{esc(line)}</p>" for line in subtitle)
    return (
        f'<!DOCTYPE html>\n<html lang="{esc(lang)}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="generator" content="benchmark">\n'
        f"<title>{esc(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
        f'<header class="top"><h1>{esc(title)}</h1>{sub}</header>\n'
        f'<nav class="toc">{links}</nav>\n<main>\n{body}\n</main>\n'
        f"<footer>{esc(footer)}</footer>\n</body>\n</html>\n"
    )
