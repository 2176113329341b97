"""Timing of the panel-wide self-comparison functions on a large synthetic panel.

Builds a seeded panel of 10,000 entities x 10 periods x 20 indicators (2 %
of values missing), a target table for every (entity, indicator), and times
:func:`benchmark.change`, :func:`benchmark.trend` (OLS and Theil-Sen) and
:func:`benchmark.completion`. Each vectorised call is set against the
obvious per-group loop (``scipy.stats.linregress`` / ``theilslopes`` or a
pandas filter per group) run on a random subsample of groups and
extrapolated to the whole panel.

Run: ``python perf/selfcompare.py [--entities N] [--sample K]``.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

import benchmark as bm

PERIODS = np.arange(2014, 2024)


def make_panel(n_entities: int, n_indicators: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    n_periods = len(PERIODS)
    level = rng.lognormal(3, 1, size=(n_entities, 1, n_indicators))
    slope = rng.normal(0.03, 0.05, size=(n_entities, 1, n_indicators))
    t = np.arange(n_periods)[None, :, None]
    noise = rng.normal(0, 0.05, size=(n_entities, n_periods, n_indicators))
    values = level * np.exp(slope * t + noise)
    values[rng.random(values.shape) < 0.02] = np.nan
    frame = pd.DataFrame(values.reshape(-1, n_indicators),
                         columns=[f"x{k:02d}" for k in range(n_indicators)])
    frame.insert(0, "year", np.tile(PERIODS, n_entities))
    frame.insert(0, "institution", np.repeat([f"u{k:05d}" for k in range(n_entities)], n_periods))
    return frame


def make_targets(panel: pd.DataFrame, indicators: list[str], seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    base = panel.loc[panel["year"] == 2018, ["institution", *indicators]]
    long = base.melt(id_vars="institution", var_name="indicator", value_name="baseline")
    long["baseline"] = long["baseline"].fillna(1.0)
    goal = rng.uniform(1.05, 1.4, size=len(long))
    # mid-term targets slightly front-loaded (70 % of the planned move by 3/5 of the time)
    return long.assign(baseline_year=2018, target_2021=long["baseline"] * (1 + (goal - 1) * 0.7),
                       target_2023=long["baseline"] * goal)


def timed(fn, repeat: int = 1) -> tuple[float, object]:
    best, out = np.inf, None
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - start)
    return best, out


def series_arrays(panel: pd.DataFrame, pairs: list[tuple[str, str]]) -> list[tuple[np.ndarray, np.ndarray]]:
    """The observed (year, value) points of each sampled group, extracted before timing."""
    by_entity = dict(tuple(panel.groupby("institution", sort=False)))
    out = []
    for unit, ind in pairs:
        rows = by_entity[unit][["year", ind]].dropna()
        out.append((rows["year"].to_numpy(dtype=float), rows[ind].to_numpy()))
    return out


def loop_trend(arrays: list[tuple[np.ndarray, np.ndarray]], robust: bool) -> None:
    """scipy on ready-made numpy arrays: the loop's cost is the per-group calls alone."""
    from scipy import stats

    for x, y in arrays:
        if robust:
            stats.theilslopes(y, x)
        else:
            res = stats.linregress(x, y)
            stats.t.ppf(0.975, len(x) - 2) * res.stderr


def loop_change(panel: pd.DataFrame, pairs: list[tuple[str, str]]) -> None:
    by_entity = dict(tuple(panel.groupby("institution", sort=False)))
    for unit, ind in pairs:
        rows = by_entity[unit][["year", ind]].dropna()
        first, last = rows.iloc[0], rows.iloc[-1]
        (last[ind] / first[ind]) ** (1 / (last["year"] - first["year"])) - 1


def loop_completion(panel: pd.DataFrame, targets: pd.DataFrame, pairs: list[tuple[str, str]]) -> None:
    goal = targets.set_index(["institution", "indicator"])
    by_entity = {k: v.set_index("year") for k, v in panel.groupby("institution", sort=False)}
    for unit, ind in pairs:
        rows = by_entity[unit][ind]
        g = goal.loc[(unit, ind)]
        actual = rows.get(2021, np.nan)
        pace = (actual - g["baseline"]) / 3
        projected = actual + 2 * pace
        actual >= g["target_2021"] or projected >= g["target_2023"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entities", type=int, default=10_000)
    parser.add_argument("--indicators", type=int, default=20)
    parser.add_argument("--sample", type=int, default=2_000, help="groups timed in the loops")
    args = parser.parse_args()

    panel = make_panel(args.entities, args.indicators)
    inds = [c for c in panel.columns if c.startswith("x")]
    targets = make_targets(panel, inds)
    n_groups = args.entities * len(inds)
    rng = np.random.default_rng(2)
    pick = rng.choice(n_groups, size=min(args.sample, n_groups), replace=False)
    units = panel["institution"].unique()
    pairs = [(units[k // len(inds)], inds[k % len(inds)]) for k in pick]
    scale = n_groups / len(pairs)
    print(f"panel: {args.entities:,} entities x {len(PERIODS)} periods x {len(inds)} indicators "
          f"= {panel.shape[0]:,} rows, {n_groups:,} groups; loops timed on {len(pairs):,} groups "
          "and scaled up\n")

    rows = []
    t, _ = timed(lambda: bm.change(panel, inds), repeat=3)
    t_loop, _ = timed(lambda: loop_change(panel, pairs))
    rows.append(("change", t, t_loop * scale, "pandas per group (pre-grouped)"))
    t, _ = timed(lambda: bm.trend(panel, inds), repeat=3)
    arrays = series_arrays(panel, pairs)
    t_loop, _ = timed(lambda: loop_trend(arrays, robust=False))
    rows.append(("trend (OLS)", t, t_loop * scale, "scipy.stats.linregress + t.ppf per group"))
    t, _ = timed(lambda: bm.trend(panel, inds, method="theil-sen"))
    t_loop, _ = timed(lambda: loop_trend(arrays, robust=True))
    rows.append(("trend (Theil-Sen)", t, t_loop * scale, "scipy.stats.theilslopes per group"))
    t, out = timed(lambda: bm.completion(panel, targets, at=2021), repeat=3)
    t_loop, _ = timed(lambda: loop_completion(panel, targets, pairs))
    rows.append(("completion", t, t_loop * scale, "pandas lookup per task (pre-grouped)"))

    table = pd.DataFrame(rows, columns=["function", "benchmark_s", "loop_s_est", "loop"])
    table["speed_up"] = table["loop_s_est"] / table["benchmark_s"]
    with pd.option_context("display.float_format", "{:,.2f}".format, "display.width", 120):
        print(table.to_string(index=False))
    print("\ncompletion statuses:", out["status"].value_counts().to_dict())


if __name__ == "__main__":
    main()
