"""The report's figures drawn as SVG (``figures="svg"``): the same tables and words as the matplotlib ones.

Each function mirrors one function of :mod:`benchmark.reporting._figures`
and takes the same arguments; the statistics drawn come from the same tables
and the helpers of :mod:`benchmark.plotting._geometry` (target paths, cohort
band, projection, gap intervals, frontier plane and line, tier map and
styles, rank cut), so the two formats show the same picture.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from benchmark._i18n import t as _t
from benchmark._i18n import titled
from benchmark.plotting._common import (
    AHEAD_COLOR,
    BEHIND_COLOR,
    COHORT_COLOR,
    FOCUS_COLOR,
    OTHER_COLOR,
    PEER_COLOR,
    QUADRANT_COLORS,
    STATUS_COLORS,
    _one_period,
    _table,
    _word,
)
from benchmark.plotting._geometry import (
    _best_ranks,
    _cohort_band,
    _cohort_of,
    _completion_label,
    _dea_projection,
    _efficient_units,
    _frontier_dimensions,
    _frontier_line,
    _frontier_plane,
    _gap_interval,
    _official_map,
    _official_tiers,
    _projection_segment,
    _state_name,
    _task_targets,
    _tier_positions,
    _tier_styles,
)
from benchmark.reporting._svg import (
    Canvas,
    Frame,
    Key,
    Svg,
    categories,
    category_room,
    clip,
    legend,
    legend_width,
    text_width,
    x_axis,
    y_axis,
    y_room,
)

WIDTH = 760.0
ROW = 24.0  # px per category row


def _pad(lo: float, hi: float, share: float = 0.05) -> tuple[float, float]:
    if not (math.isfinite(lo) and math.isfinite(hi)):
        return 0.0, 1.0
    if hi <= lo:
        d = abs(lo) * 0.1 or 1.0
        return lo - d, hi + d
    d = (hi - lo) * share
    return lo - d, hi + d


def _finite(*arrays: Any) -> np.ndarray:
    values = np.concatenate([np.asarray(a, dtype=float).ravel() for a in arrays])
    return values[np.isfinite(values)]


def _bar_chart(title: str, labels: list[str], keys: list[Key]) -> tuple[Canvas, Frame, float]:
    """A canvas with a plot area for horizontal rows (first label on top), room for labels and legend."""
    room = category_room(labels)
    lw = legend_width(keys)
    height = max(len(labels), 3) * ROW + 80
    c = Canvas(WIDTH, height)
    c.title(title)
    f = Frame(room + 8, 34, WIDTH - room - 8 - (lw + 24 if lw else 16), height - 34 - 46,
              ylim=(len(labels) - 0.5, -0.5))
    if keys:
        legend(c, f.right + 14, f.top, keys, lw)
    return c, f, room


# ---------------------------------------------------------------- against itself
def completion(mine: pd.DataFrame, focus: Any, models: Any) -> Svg:
    names = models.labels()
    r = pd.to_numeric(mine["completion_ratio"], errors="coerce").to_numpy(dtype=float) * 100
    order = np.argsort(-np.nan_to_num(r, nan=-np.inf), kind="stable")  # best on top
    rows, r = mine.iloc[order], r[order]
    states = rows["status"].astype(str).tolist()
    shown = np.clip(np.nan_to_num(r, nan=0.0), 0, 200.0)
    title = titled(_t("Target completion"), focus)
    if models.period in rows.columns and rows[models.period].nunique() == 1:
        title = titled(title, at=rows[models.period].iloc[0])
    present = [s for s in STATUS_COLORS if s in set(states)] + sorted(set(states) - set(STATUS_COLORS))
    keys = [Key(_state_name(s), color=STATUS_COLORS.get(s, COHORT_COLOR)) for s in present]
    labels = [names.get(i, str(i)) for i in rows["indicator"]]
    c, f, room = _bar_chart(title, labels, keys)
    f.xlim = (0.0, max(110.0, float(np.nanmax(shown, initial=0)) * 1.15))
    x_axis(c, f, label=_t("completion of the target (%)"))
    for i, (value, end, state) in enumerate(zip(r, shown, states, strict=True)):
        y0 = float(f.y(i - 0.35))
        c.rect(float(f.x(0)), y0, float(f.x(end) - f.x(0)), float(f.y(i + 0.35)) - y0,
               fill=STATUS_COLORS.get(state, COHORT_COLOR))
        text = _t("no data") if np.isnan(value) else _completion_label(value)
        c.text(float(f.x(end)) + 4, float(f.y(i)), text, size=10,
               color=COHORT_COLOR if np.isnan(value) else "#1f2933")
    c.line([float(f.x(100))] * 2, [f.top, f.bottom], color="#000", dash="5 3")
    categories(c, f, labels, range(len(labels)), room=room)
    return c.svg(title)


def trajectories(focus: Any, chosen: list[str], members: list[Any], completion: pd.DataFrame | None,
                 models: Any) -> Svg:
    from benchmark._cohorts import cohort_members
    from benchmark._i18n import cohort_text

    e, p = models.entity, models.period
    frame = models.data
    cohort = cohort_members(frame, focus, members, entity=e, min_size=1)  # the same for every panel
    own_rows = frame[frame[e] == focus]
    numeric = pd.api.types.is_numeric_dtype(frame[p])
    order = sorted(pd.unique(frame[p].dropna()).tolist(), key=str)  # text periods ("2019-20") in their order
    index = {v: float(i) for i, v in enumerate(order)}

    def at(values: Any) -> np.ndarray:
        """Periods as x positions: their value, or their place in the order for text periods."""
        values = list(np.atleast_1d(np.asarray(values, dtype=object)))
        if numeric:
            return pd.to_numeric(pd.Series(values, dtype=object), errors="coerce").to_numpy(dtype=float)
        return np.array([index.get(v, index.get(str(v), np.nan)) for v in values], dtype=float)

    with_target = set() if completion is None else set(completion["indicator"])
    ncols, panel_w, panel_h = 2, WIDTH / 2, 230.0
    nrows = (len(chosen) + 1) // 2
    keys = [Key(str(focus), "line", FOCUS_COLOR), Key(_t("cohort median"), "line", COHORT_COLOR, "", "5 3"),
            Key(_t("cohort inter-quartile range ({cohort})", cohort=cohort_text(models.options.cohort)),
                color=COHORT_COLOR, opacity=0.25)]
    if with_target & set(chosen):
        keys += [Key(_t("baseline"), "marker", "#000", "s"), Key(_t("planned path"), "line", "#000", "", "1 3"),
                 Key(_t("interim target"), "marker", "#fff", "^", edge="#000"),
                 Key(_t("final target"), "marker", "gold", "*", edge="#000"),
                 Key(_t("projection"), "line", FOCUS_COLOR, "", "6 3")]
    legend_rows = math.ceil(len(keys) / _per_row(keys, WIDTH - 24, 3))
    c = Canvas(WIDTH, nrows * panel_h + 12 + legend_rows * 17 + 8)
    for k, ind in enumerate(chosen):
        ox, oy = (k % ncols) * panel_w, (k // ncols) * panel_h
        own = own_rows[[p, ind]].sort_values(p)
        px = at(own[p])
        py = pd.to_numeric(own[ind], errors="coerce").to_numpy(dtype=float)
        stats = _cohort_band(frame, cohort, ind, e, p)
        sx = at(stats[p])
        q1, q3, med = (pd.to_numeric(stats[col], errors="coerce").to_numpy(dtype=float)
                       for col in ("q1", "q3", "median"))
        targets: list[tuple[float, float]] = []
        base = None
        proj = None
        if ind in with_target:
            (bp, bv), pairs = _task_targets(models.targets, focus, ind, e, p, frame[p])
            if pd.notna(bp) and pd.notna(bv):
                base = (float(at(bp)[0]), float(bv))
            targets = [(float(at(tp)[0]), float(tv)) for tp, tv in pairs]
            segment = _projection_segment(completion, focus, ind, e, p)
            if segment is not None:
                proj = (list(at(segment[0])), segment[1])
        xs = _finite(px, sx, [t[0] for t in targets], [base[0]] if base else [])
        ys = _finite(py, q1, q3, med, [t[1] for t in targets], [base[1]] if base else [],
                     proj[1] if proj else [])
        ylo, yhi = _pad(float(ys.min()) if len(ys) else 0.0, float(ys.max()) if len(ys) else 1.0, 0.08)
        xlo, xhi = (float(xs.min()), float(xs.max())) if len(xs) else (0.0, 1.0)
        xlo, xhi = _pad(xlo, xhi if xhi > xlo else xlo + 1, 0.04)
        room = y_room(ylo, yhi)
        f = Frame(ox + room + 4, oy + 30, panel_w - room - 22, panel_h - 30 - 44, (xlo, xhi), (ylo, yhi))
        c.text(ox + panel_w / 2, oy + 14, clip(models.label(ind), panel_w - 20, 13), anchor="middle", size=13,
               bold=True)
        y_axis(c, f, label=models.unit(ind) or models.label(ind))
        if numeric:
            x_axis(c, f, label=_word(p), integer=bool(np.all(np.mod(xs, 1) == 0)))
        else:
            shown = [i for i in range(len(order)) if xlo <= i <= xhi]
            x_axis(c, f, label=_word(p), ticks=shown, names=[str(order[i]) for i in shown])
        ok = np.isfinite(q1) & np.isfinite(q3)
        if ok.any():
            c.polygon([*f.x(sx[ok]), *f.x(sx[ok][::-1])], [*f.y(q3[ok]), *f.y(q1[ok][::-1])],
                      fill=COHORT_COLOR, opacity=0.2)
        c.line(f.x(sx), f.y(med), color=COHORT_COLOR, width=1.5, dash="5 3")
        if targets or base:
            tx = ([base[0]] if base else []) + [t[0] for t in targets]
            ty = ([base[1]] if base else []) + [t[1] for t in targets]
            c.line(f.x(tx), f.y(ty), color="#000", dash="1 3")
        if proj:
            c.line(f.x(proj[0]), f.y(proj[1]), color=FOCUS_COLOR, width=1.5, dash="6 3", opacity=0.8)
        c.line(f.x(px), f.y(py), color=FOCUS_COLOR, width=2)
        for x, y in zip(f.x(px), f.y(py), strict=True):
            c.marker("o", float(x), float(y), 3.5, fill=FOCUS_COLOR)
        if base:
            c.marker("s", float(f.x(base[0])), float(f.y(base[1])), 4, fill="#000")
        for j, (tp, tv) in enumerate(targets):
            final = j == len(targets) - 1
            c.marker("*" if final else "^", float(f.x(tp)), float(f.y(tv)), 7 if final else 5,
                     fill="gold" if final else "#fff", stroke="#000")
    _legend_rows(c, 12, nrows * panel_h + 8, keys, 3)
    names = ", ".join(models.label(i) for i in chosen)
    return c.svg(_t("Trajectories of {names}", names=names))


def _per_row(keys: list[Key], width: float, most: int) -> int:
    """How many legend entries fit side by side in ``width`` px (at most ``most``)."""
    per_row = most
    while per_row > 1 and max(text_width(k.label, 11) for k in keys) + 34 > width / per_row:
        per_row -= 1
    return per_row


def _legend_rows(c: Canvas, x: float, y: float, keys: list[Key], per_row: int) -> None:
    """A legend laid out in ``per_row`` columns under the panels (fewer when a label would not fit)."""
    per_row = _per_row(keys, c.width - 2 * x, per_row)
    width = (c.width - 2 * x) / per_row
    for i, key in enumerate(keys):
        legend(c, x + (i % per_row) * width, y + (i // per_row) * 17, [key], width - 8)


# ---------------------------------------------------------------- against peers
def gaps(drawn: pd.DataFrame, models: Any) -> Svg:
    names = models.labels()
    values = pd.to_numeric(drawn["gap_median_pct"], errors="coerce").to_numpy(dtype=float)
    order = np.argsort(-np.nan_to_num(values, nan=-np.inf), kind="stable")
    rows, values = drawn.iloc[order], values[order]
    lo, hi = _gap_interval(rows, ("ci_low", "ci_high"), "gap_median")
    sig = (rows["significant"].astype("boolean").fillna(False).to_numpy(dtype=bool)
           if "significant" in rows.columns else np.ones(len(rows), dtype=bool))
    who = rows[models.entity].iloc[0] if models.entity in rows.columns and len(rows) else None
    at = rows[models.period].iloc[0] if models.period in rows.columns and len(rows) else None
    title = titled(_t("Gaps to peers"), who, at)
    labels = [names.get(i, str(i)) for i in rows["indicator"]]
    c, f, room = _bar_chart(title, labels, [])
    span = _finite(values, lo, hi, [0.0])
    f.xlim = _pad(float(span.min()), float(span.max()), 0.06)
    x_axis(c, f, label=_t("gap to the cohort {reference}", reference=_t("median")) + _t(" (% of the reference)")
           + _t("; > 0 = ahead"))
    for i, (v, strong) in enumerate(zip(values, sig, strict=True)):
        if np.isnan(v):
            c.text(float(f.x(0)) + 4, float(f.y(i)), _t("not available"), size=10, color=COHORT_COLOR)
            continue
        y0 = float(f.y(i - 0.35))
        c.rect(float(f.x(0)), y0, float(f.x(v) - f.x(0)), float(f.y(i + 0.35)) - y0,
               fill=AHEAD_COLOR if v >= 0 else BEHIND_COLOR, opacity=1.0 if strong else 0.45)
        if np.isfinite(lo[i]) and np.isfinite(hi[i]):
            a, b, yy = float(f.x(min(lo[i], v))), float(f.x(max(hi[i], v))), float(f.y(i))
            c.line([a, b], [yy, yy], color="#000")
            c.line([a, a], [yy - 4, yy + 4], color="#000")
            c.line([b, b], [yy - 4, yy + 4], color="#000")
    c.line([float(f.x(0))] * 2, [f.top, f.bottom], color="#000")
    categories(c, f, labels, range(len(labels)), room=room)
    return c.svg(title)


def profile(drawn: pd.DataFrame, models: Any) -> Svg:
    names = models.labels()
    labels = [names.get(i, str(i)) for i in drawn["indicator"]]
    focus_pos = np.clip(pd.to_numeric(drawn["percentile_rank"], errors="coerce").to_numpy(dtype=float), 0, None)
    who = drawn[models.entity].iloc[0] if models.entity in drawn.columns else None
    at = drawn[models.period].iloc[0] if models.period in drawn.columns else None
    title = titled(_t("Profile against the cohort"), who, at)
    keys = [Key(_t("cohort inter-quartile range"), color=COHORT_COLOR, opacity=0.3),
            Key(_t("cohort median"), "line", COHORT_COLOR, "", "5 3"),
            Key(str(who) if who is not None else _t("focus"), "line", FOCUS_COLOR)]
    legend_rows = math.ceil(len(keys) / _per_row(keys, WIDTH - 24, 3))
    height = 536.0 + 17 * legend_rows
    c = Canvas(WIDTH, height)
    c.title(title)
    label_room = min(150.0, max(text_width(t, 11) for t in labels) + 12)
    radius = min(WIDTH / 2 - label_room - 14, (536 - 36 - 6) / 2 - 26)
    cx, cy = WIDTH / 2, 36 + 22 + radius
    n = len(labels)
    theta = np.pi / 2 - np.linspace(0, 2 * np.pi, n, endpoint=False)  # clockwise from the top

    def xy(r: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return cx + radius * r / 100 * np.cos(theta), cy - radius * r / 100 * np.sin(theta)

    for ring in (25, 50, 75, 100):
        rx, ry = xy(np.full(n, float(ring)))
        c.polygon(rx, ry, fill="none", stroke="#e4e7eb")
        c.text(cx + 3, cy - radius * ring / 100, str(ring), size=9, color=COHORT_COLOR)
    ex, ey = xy(np.full(n, 100.0))
    for k in range(n):
        c.line([cx, ex[k]], [cy, ey[k]], color="#e4e7eb")
        lx, ly = cx + (radius + 10) * np.cos(theta[k]), cy - (radius + 10) * np.sin(theta[k])
        anchor = "middle" if abs(np.cos(theta[k])) < 0.2 else ("start" if np.cos(theta[k]) > 0 else "end")
        c.text(float(lx), float(ly), clip(labels[k], label_room), anchor=anchor, size=11)
    hx, hy = xy(np.full(n, 75.0))
    lx_, ly_ = xy(np.full(n, 25.0))
    c.parts.append('<path fill-rule="evenodd" fill="' + COHORT_COLOR + '" opacity="0.25" d="M'
                   + " L".join(f"{a:.1f},{b:.1f}" for a, b in zip(hx, hy, strict=True)) + " Z M"
                   + " L".join(f"{a:.1f},{b:.1f}" for a, b in zip(lx_, ly_, strict=True)) + ' Z"/>')
    mx, my = xy(np.full(n, 50.0))
    c.line([*mx, mx[0]], [*my, my[0]], color=COHORT_COLOR, width=1.5, dash="5 3")
    fx, fy = xy(np.nan_to_num(focus_pos))
    c.polygon(fx, fy, fill=FOCUS_COLOR, opacity=0.1)
    px_, py_ = xy(focus_pos)
    c.line([*px_, px_[0]], [*py_, py_[0]], color=FOCUS_COLOR, width=2)
    for a, b in zip(px_, py_, strict=True):
        c.marker("o", float(a), float(b), 3.5, fill=FOCUS_COLOR)
    _legend_rows(c, 12, height - 8 - 17 * legend_rows, keys, 3)
    return c.svg(title)


# ---------------------------------------------------------------- against cost
def _scatter_canvas(title: str, keys: list[Key], xlim: tuple[float, float], ylim: tuple[float, float],
                    height: float = 460.0) -> tuple[Canvas, Frame]:
    lw = legend_width(keys)
    c = Canvas(WIDTH, height)
    c.title(title)
    room = y_room(*ylim)
    f = Frame(room + 8, 34, WIDTH - room - 8 - lw - 24, height - 34 - 50, xlim, ylim)
    legend(c, f.right + 14, f.top, keys, lw)
    return c, f


def _star(c: Canvas, f: Frame, x: float, y: float, name: str, *, left: bool) -> None:
    """The focus as a large star, its name beside it (above it in the lower half, so it stays inside)."""
    px, py = float(f.x(x)), float(f.y(y))
    c.marker("*", px, py, 9, fill=FOCUS_COLOR, stroke="#000")
    below = py < f.top + f.height / 2
    c.text(px + (-12 if left else 12), py + (12 if below else -12), name, anchor="end" if left else "start",
           color=FOCUS_COLOR, bold=True)


def cost_outcome(quadrants: pd.DataFrame, focus: Any, outcome: str, models: Any) -> Svg:
    frame, at = _one_period(quadrants, models.period, None)
    x = pd.to_numeric(frame["cost"], errors="coerce").to_numpy(dtype=float)
    y = pd.to_numeric(frame["outcome"], errors="coerce").to_numpy(dtype=float)
    ok = np.isfinite(x) & np.isfinite(y)

    in_cohort, (xm, ym) = _cohort_of(frame, focus, models.entity, ("cost_median", "outcome_median"))
    quad = frame["quadrant"].to_numpy(dtype=object)
    present = [q for q in QUADRANT_COLORS if (ok & in_cohort & (quad == q)).any()]
    keys = ([Key(_t("outside the cohort"), "marker", OTHER_COLOR)] if (ok & ~in_cohort).any() else [])
    keys += [Key(_t(q), "marker", QUADRANT_COLORS[q]) for q in present]
    keys.append(Key(str(focus), "marker", FOCUS_COLOR, "*", edge="#000"))
    xs, ys = x[ok], y[ok]
    title = titled(_t("Cost and outcome"), at=at)
    c, f = _scatter_canvas(title, keys, _pad(float(xs.min()), float(xs.max()), 0.08) if len(xs) else (0.0, 1.0),
                           _pad(float(ys.min()), float(ys.max()), 0.1) if len(ys) else (0.0, 1.0))
    x_axis(c, f, label=models.with_unit(models.cost))
    y_axis(c, f, label=models.with_unit(outcome))
    for mask, colour, r in [(ok & ~in_cohort, OTHER_COLOR, 3.0)] + [
            (ok & in_cohort & (quad == q), QUADRANT_COLORS[q], 3.5) for q in present]:
        for a, b in zip(f.x(x[mask]), f.y(y[mask]), strict=True):
            c.marker("o", float(a), float(b), r, fill=colour, opacity=0.85)
    for level, vertical in ((xm, True), (ym, False)):
        if np.isfinite(level):
            if vertical:
                c.line([float(f.x(level))] * 2, [f.top, f.bottom], color=COHORT_COLOR, dash="5 3")
            else:
                c.line([f.left, f.right], [float(f.y(level))] * 2, color=COHORT_COLOR, dash="5 3")
    if np.isfinite(xm) and np.isfinite(ym):
        used: dict[tuple[bool, bool], int] = {}  # names that land in the same corner are stacked
        for q in present:
            sel = ok & in_cohort & (quad == q)
            right, top = bool(np.median(x[sel] - xm) > 0), bool(np.median(y[sel] - ym) > 0)
            shift = 15 * used.get((right, top), 0)
            used[(right, top)] = used.get((right, top), 0) + 1
            c.text(f.right - 6 if right else f.left + 6, f.top + 10 + shift if top else f.bottom - 10 - shift, _t(q),
                   size=11, anchor="end" if right else "start", color=QUADRANT_COLORS[q], bold=True)
    names = frame[models.entity].to_numpy()
    i = np.flatnonzero(names == focus)
    if len(i) and ok[i[0]]:
        i = i[0]
        _star(c, f, x[i], y[i], str(focus), left=bool(x[i] > xs.min() + 0.6 * (xs.max() - xs.min())))
    if (~ok).any():
        c.text(f.left + 6, f.bottom - 24, _t("{n} {entity} row(s) without cost or outcome not shown",
                                             n=int((~ok).sum()), entity=models.entity), size=10,
               color=COHORT_COLOR)
    return c.svg(title)


def frontier(models: Any, focus: Any) -> Svg:
    result, frame, e = models.dea, models.dea_data, models.entity
    ins, outs = _frontier_dimensions(result, None, None)
    rts, orientation = getattr(result, "rts", None) or "crs", getattr(result, "orientation", None) or "input"
    table = _table(result, ["efficiency"], name="result")
    scores = table.set_index(e)["efficiency"].reindex(frame[e]).to_numpy(dtype=float)
    raw = frame[[*ins, *outs]].to_numpy(dtype=float)
    efficient = _efficient_units(table, frame[e], e, "efficiency", scores)
    metadata = {col: models.label(col) for col in [*ins, *outs]}
    xy, xlabel, ylabel = _frontier_plane(raw, ins, outs, metadata)
    right, top = float(np.nanmax(xy[:, 0])) * 1.08, float(np.nanmax(xy[:, 1])) * 1.08
    line = _frontier_line(xy[efficient], (len(ins), len(outs)), rts, top, right)
    names = frame[e].to_numpy()
    i = int(np.flatnonzero(names == focus)[0])
    proj = _dea_projection(result, focus, e, (ins, outs), raw[i], scores[i], orientation)
    target = _frontier_plane(proj[None, :], ins, outs, {})[0][0]
    focus_label = f"{focus} ({_t('efficiency')} {scores[i]:.3f})"
    keys = [Key(_t("inefficient units"), "marker", PEER_COLOR, opacity=0.7),
            Key(_t("efficient units"), "marker", "#000"),
            Key(_t("frontier ({rts})", rts=rts.upper()), "line", "#000", ""),
            Key(focus_label, "marker", FOCUS_COLOR, "*", edge="#000"),
            Key(_t("projection (target)"), "marker", "#fff", "o", edge=FOCUS_COLOR)]
    title = _t("DEA frontier, {rts}, {orientation} orientation", rts=rts.upper(),
               orientation=_t(orientation))
    c, f = _scatter_canvas(title, keys, (0.0, right), (0.0, top))
    x_axis(c, f, label=xlabel)
    y_axis(c, f, label=ylabel)
    for mask, colour, r, op in ((~efficient, PEER_COLOR, 3.0, 0.7), (efficient, "#000", 3.5, None)):
        for a, b in zip(f.x(xy[mask, 0]), f.y(xy[mask, 1]), strict=True):
            c.marker("o", float(a), float(b), r, fill=colour, opacity=op)
    c.parts.append(f'<clipPath id="clip-frontier"><rect x="{f.left:.1f}" y="{f.top:.1f}" width="{f.width:.1f}" '
                   f'height="{f.height:.1f}"/></clipPath><g clip-path="url(#clip-frontier)">')
    c.line(f.x(line[:, 0]), f.y(line[:, 1]), color="#000", width=1.5)  # cut at the plot area, not bent
    c.parts.append("</g>")
    ax_, ay_ = float(f.x(xy[i, 0])), float(f.y(xy[i, 1]))
    bx_, by_ = float(f.x(target[0])), float(f.y(target[1]))
    c.line([ax_, bx_], [ay_, by_], color=FOCUS_COLOR, width=1.5)
    angle = math.atan2(by_ - ay_, bx_ - ax_)
    if math.hypot(bx_ - ax_, by_ - ay_) > 8:
        head = [(bx_ - 8 * math.cos(angle + s), by_ - 8 * math.sin(angle + s)) for s in (-0.4, 0.4)]
        c.line([head[0][0], bx_, head[1][0]], [head[0][1], by_, head[1][1]], color=FOCUS_COLOR, width=1.5)
    c.marker("o", bx_, by_, 4, fill="#fff", stroke=FOCUS_COLOR, width=1.5)
    c.marker("*", ax_, ay_, 9, fill=FOCUS_COLOR, stroke="#000")
    return c.svg(title)


# ---------------------------------------------------------------- in the field
def rank_intervals(ranks: Any, focus: Any, highlight: list[Any] | None, top: int | None, n_shown: int) -> Svg:
    frame, e = ranks.ranks, ranks.entity
    marked = list(highlight or [])
    frame, hidden = _best_ranks(frame, "nominal_rank", top, frame[e].isin([focus, *marked]).to_numpy())
    names = frame[e].to_numpy()
    colours = [FOCUS_COLOR if v == focus else (PEER_COLOR if v in marked else COHORT_COLOR) for v in names]
    level = getattr(ranks, "ci", None)
    keys = [Key(_word("{level:.0%} interval", level=level) if isinstance(level, float)
                else _t("interval ({lower}\u2013{upper})", lower="ci_low", upper="ci_high"),
                color=COHORT_COLOR, opacity=0.45),
            Key(_t("nominal rank"), "marker", COHORT_COLOR), Key(_t("median rank"), "marker", "#000", "|")]
    labels = [str(v) for v in names]
    title = _t("Composite rank with its uncertainty interval")
    rows = len(labels) + (1 if hidden else 0)
    room = category_room(labels, 200)
    lw = legend_width(keys)
    height = max(rows, 3) * 16 + 84
    c = Canvas(WIDTH, height)
    c.title(title)
    f = Frame(room + 8, 34, WIDTH - room - 8 - lw - 24, height - 34 - 46, ylim=(rows - 0.5, -0.5))
    legend(c, f.right + 14, f.top, keys, lw)
    lo = pd.to_numeric(frame["ci_low"], errors="coerce").to_numpy(dtype=float)
    hi = pd.to_numeric(frame["ci_high"], errors="coerce").to_numpy(dtype=float)
    nominal = pd.to_numeric(frame["nominal_rank"], errors="coerce").to_numpy(dtype=float)
    med = (pd.to_numeric(frame["median_rank"], errors="coerce").to_numpy(dtype=float)
           if "median_rank" in frame.columns else np.full(len(frame), np.nan))
    span = _finite(lo, hi, nominal)
    f.xlim = (0.5, float(span.max()) + 0.5 if len(span) else 1.5)
    x_axis(c, f, label=_t("rank (1 = best)"), integer=True)
    for k in range(len(frame)):
        yy = float(f.y(k))
        c.line([float(f.x(lo[k])), float(f.x(hi[k]))], [yy, yy], color=colours[k], width=6, opacity=0.45)
        c.marker("o", float(f.x(nominal[k])), yy, 3.5, fill=colours[k])
        if np.isfinite(med[k]):
            c.line([float(f.x(med[k]))] * 2, [yy - 6, yy + 6], color="#000", width=1.5)
    if hidden:
        c.text(f.left + 6, float(f.y(rows - 1)), _t("{n} lower-ranked entities not shown (top={top})", n=hidden,
                                                  top=top), size=10, color=COHORT_COLOR)
    categories(c, f, labels, range(len(labels)), room=room,
               colors=[col if col != COHORT_COLOR else "#1f2933" for col in colours],
               bold=[v == focus or v in marked for v in names])
    return c.svg(title)


def tiers(models: Any, focus: Any) -> Svg:
    result, data, e = models.tiers, models.composite_data, models.entity
    assignments = result.assignments
    features = list(getattr(result, "features", ()))
    kind = "pca" if data is not None and len(features) >= 2 else "score"
    xy, xlabel, ylabel = _tier_positions(assignments, data, kind, features, e)
    offs = _official_tiers(_official_map(models.official, data, e), assignments[e], e)
    from matplotlib.colors import to_hex

    tiers_, colours, marker_of = _tier_styles(assignments, offs)
    colours = [to_hex(col) for col in colours]
    keys = [Key(_t("derived tier"), "heading")] + [Key(str(t), "marker", col) for t, col in
                                                    zip(tiers_, colours, strict=True)]
    if marker_of:
        keys += [Key(_t("official tier"), "heading")] + [Key(str(lvl), "marker", "#000", m)
                                                         for lvl, m in marker_of.items()]
    title = _t("Derived tiers vs official tiers") if marker_of else _t("Derived tiers")
    c, f = _scatter_canvas(title, keys, _pad(float(xy[:, 0].min()), float(xy[:, 0].max())),
                           _pad(float(xy[:, 1].min()), float(xy[:, 1].max())))
    x_axis(c, f, label=xlabel)
    y_axis(c, f, label=ylabel)
    labels = assignments["label"].to_numpy()
    colour_of = dict(zip(tiers_, colours, strict=True))
    for k in range(len(assignments)):
        mark = marker_of.get(offs[k], "o") if offs is not None else "o"
        c.marker(mark, float(f.x(xy[k, 0])), float(f.y(xy[k, 1])), 4, fill=colour_of.get(labels[k], COHORT_COLOR),
                 stroke="#fff", width=0.5, opacity=0.85)
    hit = np.flatnonzero(assignments[e].to_numpy() == focus)
    if len(hit):
        px, py = float(f.x(xy[hit[0], 0])), float(f.y(xy[hit[0], 1]))
        c.marker("o", px, py, 9, fill="none", stroke=FOCUS_COLOR, width=2)
        c.text(px + 10, py - 10, str(focus), color=FOCUS_COLOR, bold=True)
    return c.svg(title)


#: Every SVG figure by the name of its matplotlib counterpart in :mod:`benchmark.reporting._figures`.
DRAW = {"completion": completion, "trajectories": trajectories, "gaps": gaps, "profile": profile,
        "cost_outcome": cost_outcome, "frontier": frontier, "rank_intervals": rank_intervals, "tiers": tiers}
