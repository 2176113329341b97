"""Geometry and table helpers the figures share: what to draw, computed once for every drawing back end.

The matplotlib figures of :mod:`benchmark.plotting` and the report's SVG
figures (:mod:`benchmark.reporting._svg_figures`) both take from here the
target path of a task, the DEA frontier's picture plane, line and
projection, the tier map and the rank cut, so the two formats draw the same
thing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from benchmark._i18n import t as _t
from benchmark._validation import (
    BenchmarkError,
    ColumnError,
    check_frame,
    format_list,
)
from benchmark.plotting._common import (
    _display,
    _focus_rows,
    _numeric,
    _require,
)


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


def _official_tiers(off: Mapping[Any, Any], ids: pd.Series, entity: str) -> np.ndarray | None:
    """The official tier of each tiered entity, in their order (None without official tiers)."""
    if not off:
        return None
    absent = [e for e in ids if e not in off]
    if absent:
        raise BenchmarkError(f"`official` has no tier for {entity} {format_list(absent)}.")
    return np.array([off[e] for e in ids], dtype=object)


def _tier_positions(assignments: pd.DataFrame, data: pd.DataFrame | None, kind: str, features: list[str],
                    entity: str) -> tuple[np.ndarray, str, str]:
    """Coordinates of the entities and the axis labels of the chosen map."""
    score = _numeric(assignments, "score")
    if kind == "score":
        rank = pd.Series(score).rank(ascending=False, method="min").to_numpy()
        return np.column_stack([rank, score]), _t("rank by tier score (1 = best)"), _t("tier score")
    if data is None or len(features) < 2:
        raise BenchmarkError(
            "kind='pca' needs the data (data=) and a TierResult with two or more features; "
            "use kind='score' otherwise."
        )
    xy, explained = _principal_components(data, assignments[entity], features, entity, score)
    return (xy, _t("first principal component ({share:.0%} of variance)", share=explained[0]),
            _t("second principal component ({share:.0%} of variance)", share=explained[1]))


def _tier_colours(k: int) -> list[Any]:
    import matplotlib as mpl

    cmap = mpl.colormaps["viridis"]
    return [cmap(v) for v in np.linspace(0.0, 0.85, k)] if k > 1 else [cmap(0.3)]


def _best_ranks(frame: pd.DataFrame, rank: str, top: int | None, always: np.ndarray) -> tuple[pd.DataFrame, int]:
    """Rows sorted by rank, cut to the ``top`` best plus the ``always`` rows; and how many were left out."""
    order = np.argsort(_numeric(frame, rank), kind="stable")
    if top is None:
        return frame.iloc[order], 0
    keep = (np.arange(len(frame)) < top) | always[order]
    return frame.iloc[order][keep], int((~keep).sum())


def _cohort_of(frame: pd.DataFrame, focus: Any, entity: str,
               medians: tuple[str, str]) -> tuple[np.ndarray, tuple[float, float]]:
    """Who shares the focus's cohort, and the medians the focus was judged against."""
    if focus is None:
        levels = tuple(float(np.nanmedian(_numeric(frame, c))) if c in frame.columns and frame[c].notna().any()
                       else np.nan for c in medians)
        return np.ones(len(frame), dtype=bool), levels  # type: ignore[return-value]
    row = _focus_rows(frame, entity, focus)
    in_cohort = (frame["cohort"] == row["cohort"].iloc[0]).to_numpy() if "cohort" in frame.columns \
        else np.ones(len(frame), dtype=bool)
    levels = tuple(_numeric(row, c)[0] if c in row.columns else np.nan for c in medians)
    return in_cohort, levels  # type: ignore[return-value]


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


def _dea_projection(result: Any, focus: Any, entity: str, dims: tuple[list[str], list[str]],
                    observed: np.ndarray, score: float, orientation: str) -> np.ndarray:
    """The focus's projected inputs and outputs: from ``result.targets()`` when it has them."""
    inputs, outputs = dims
    recorded = _recorded_targets(result, focus, entity, inputs + outputs)
    if recorded is not None:
        return recorded
    k = len(inputs)
    proj = observed.copy()
    if orientation == "input":
        proj[:k] = observed[:k] * score
    else:
        proj[k:] = observed[k:] / score  # score is the reciprocal of the Farrell output measure
    return proj


def _recorded_targets(result: Any, focus: Any, entity: str, columns: list[str]) -> np.ndarray | None:
    """The focus's targets of ``columns`` from the result's long or wide targets table, if it has them."""
    table = _target_table(result)
    if table is None or entity not in table.columns:
        return None
    row = table[table[entity] == focus]
    if {"indicator", "target"} <= set(row.columns):  # long: one row per indicator
        target = row.set_index("indicator")["target"]
        if all(c in target.index for c in columns):
            return target.reindex(columns).to_numpy(dtype=float)
    for names in ([f"target_{c}" for c in columns], columns):
        if len(row) == 1 and all(c in row.columns for c in names):
            return row[names].to_numpy(dtype=float)[0]
    return None


def _frontier_dimensions(result: Any, inputs: Any, outputs: Any) -> tuple[list[str], list[str]]:
    """The inputs and outputs drawn (default the result's own), checked for a two-dimensional picture."""
    ins = _names(inputs if inputs is not None else getattr(result, "inputs", None), "inputs", allow_empty=True)
    outs = _names(outputs if outputs is not None else getattr(result, "outputs", None), "outputs")
    if (len(ins), len(outs)) not in ((1, 1), (1, 2), (0, 2), (2, 1)):
        raise BenchmarkError(
            f"a 2-D frontier needs one input and one output, two outputs (with at most one input) or two "
            f"inputs and one output; got {len(ins)} input(s) and {len(outs)} output(s). "
            "Pass inputs= and outputs= to pick two dimensions."
        )
    return ins, outs


def _efficient_units(table: pd.DataFrame, ids: pd.Series, entity: str, efficiency: str,
                     scores: np.ndarray) -> np.ndarray:
    """The result's ``efficient`` flags, else a score of 1."""
    if "efficient" in table.columns and efficiency == "efficiency":
        flags = table.set_index(entity)["efficient"].reindex(ids)
        efficient = flags.astype("boolean").fillna(False).to_numpy(dtype=bool)
    else:
        efficient = np.isclose(scores, 1.0, rtol=0, atol=1e-6)
    if not efficient.any():
        raise BenchmarkError(f"no unit has {efficiency} = 1 in the result; cannot draw the frontier.")
    return efficient


def _frontier_line(eff: np.ndarray, shape: tuple[int, int], rts: str, top: float, right: float) -> np.ndarray:
    if shape == (1, 1):
        return _frontier_io(eff, rts, right)
    if shape[1] == 2:
        return _frontier_outputs(eff, rts)
    return _frontier_inputs(eff, rts, top, right)


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


def _completion_label(percent: float) -> str:
    """A completion in whole percent, except that short of 100 % never reads "100%" (99.6 -> "99.6%")."""
    if 99.5 <= percent < 100:
        return f"{np.floor(percent * 10) / 10:.1f}%"
    return f"{percent:.0f}%"


def _state_name(state: str) -> str:
    """A status value as a legend entry ("no_data" -> "no data")."""
    return _t(state).replace("_", " ")


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



def _cohort_band(frame: pd.DataFrame, members: Any, indicator: str, entity: str, period: str) -> pd.DataFrame:
    """The cohort's median and quartiles of ``indicator`` per period (``q1``, ``median``, ``q3``), in period
    order; ``members`` are the cohort's entities (the focus left out)."""
    from benchmark.peers import cohort_stats

    return cohort_stats(frame[frame[entity].isin(members)], indicator, entity=entity,
                        period=period).sort_values(period)


def _projection_segment(completion: pd.DataFrame, focus: Any, indicator: str, entity: str,
                        period: str) -> tuple[list[Any], list[float], str] | None:
    """The projection of one task from the evaluation period to the final one: (periods, values, status),
    or None when there is none to draw (no actual or projected value, or an accumulated task)."""
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
        return None
    return [row[period], row[final_col]], [float(row["actual"]), float(row["projected_final"])], str(row["status"])


#: The reference a gap column is measured from (its percent gaps are in percent of it).
_GAP_REFERENCE = {"gap_median": "cohort_median", "gap_best": "cohort_best"}


def _gap_interval(frame: pd.DataFrame, columns: tuple[str, str], percent_of: str | None) -> tuple[np.ndarray,
                                                                                                  np.ndarray]:
    """The interval columns, in percent of the gap's reference when ``percent_of`` names the gap."""
    lo, hi = _numeric(frame, columns[0]), _numeric(frame, columns[1])
    if percent_of is None:
        return lo, hi
    ref = _GAP_REFERENCE.get(percent_of)
    if ref is None:
        raise BenchmarkError(f"interval columns of {percent_of!r} cannot be converted to percent; use percent=False.")
    _require(frame, [ref], name="data")
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = 100.0 / np.abs(_numeric(frame, ref))
    return lo * scale, hi * scale


def _tier_styles(assignments: pd.DataFrame, offs: np.ndarray | None) -> tuple[list[Any], list[Any], dict[Any, str]]:
    """The derived tiers in order, their colours, and a marker per official tier."""
    from benchmark.plotting._common import MARKERS

    order = (assignments.sort_values("tier") if "tier" in assignments.columns else assignments)["label"]
    tiers_ = list(pd.unique(order))
    off_levels = [] if offs is None else sorted(pd.unique(pd.Series(offs, dtype=object)).tolist(), key=str)
    return tiers_, _tier_colours(len(tiers_)), {lvl: MARKERS[i % len(MARKERS)] for i, lvl in enumerate(off_levels)}
