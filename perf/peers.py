"""Timing of the peer functions on the College Scorecard panel.

Times :func:`benchmark.percentile_rank` for every indicator of the Scorecard
earnings panel (48,445 institution-years) within (degree level, year)
cohorts, and sets it against the obvious loop - one
``scipy.stats.percentileofscore`` call per row and indicator - run on a
random subsample of rows and extrapolated to the whole panel (the two agree
exactly on the subsample). The same is done on a synthetic panel of the same
size with 20 indicators, and for the bootstrap of :func:`benchmark.peer_gap`
(one resample matrix against a Python loop over replicates).

If the Scorecard data are not available, a synthetic panel of the same shape
is used instead.

Run: ``python perf/peers.py [--sample K] [--repeat R]``.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd
from scipy import stats

import benchmark as bm


def timed(fn, repeat: int = 1) -> tuple[float, object]:
    best, out = np.inf, None
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - start)
    return best, out


def load_scorecard() -> tuple[pd.DataFrame, list[str], str]:
    try:
        panel = bm.datasets.load("scorecard")
        panel = panel.assign(share_not_working=panel["count_not_working"]
                             / (panel["count_working"] + panel["count_not_working"]))
        indicators = ["earnings_med", "count_working", "count_not_working", "share_not_working"]
        return panel, indicators, "College Scorecard"
    except Exception as exc:  # noqa: BLE001 - any failure means: fall back to synthetic data
        print(f"(scorecard not available: {exc}; using a synthetic panel)")
        return synthetic_panel(48_445, 4), [f"x{k:02d}" for k in range(4)], "synthetic"


def synthetic_panel(n_rows: int, n_indicators: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    years = np.array([2007, 2009, 2011, 2012, 2013, 2014, 2015, 2016])
    values = rng.lognormal(10, 0.5, size=(n_rows, n_indicators)).round(-2)  # rounding makes ties
    values[rng.random(values.shape) < 0.3] = np.nan
    frame = pd.DataFrame(values, columns=[f"x{k:02d}" for k in range(n_indicators)])
    frame.insert(0, "degree_level", rng.choice(["less-than-two-year", "two-year", "four-year+"], n_rows))
    frame.insert(0, "year", years[np.arange(n_rows) % len(years)])
    frame.insert(0, "institution", [f"u{k // len(years):05d}" for k in range(n_rows)])
    return frame


def naive_percentiles(panel: pd.DataFrame, indicators: list[str], rows: np.ndarray) -> np.ndarray:
    """One percentileofscore call per (row, indicator) - the loop a spreadsheet user would write."""
    out = np.full((len(rows), len(indicators)), np.nan)
    for r, i in enumerate(rows):
        row = panel.iloc[i]
        cohort = panel[(panel["degree_level"] == row["degree_level"]) & (panel["year"] == row["year"])]
        for j, ind in enumerate(indicators):
            if not np.isnan(row[ind]):
                out[r, j] = stats.percentileofscore(cohort[ind].dropna(), row[ind], kind="weak")
    return out


def compare_percentiles(panel: pd.DataFrame, indicators: list[str], label: str, sample: int,
                        repeat: int, rng: np.random.Generator) -> None:
    t_fast, ranks = timed(lambda: bm.percentile_rank(panel, indicators, by="degree_level"), repeat)
    rows = rng.choice(len(panel), size=sample, replace=False)
    t_loop, naive = timed(lambda: naive_percentiles(panel, indicators, rows))
    t_loop_full = t_loop * len(panel) / sample
    diff = np.nanmax(np.abs(ranks[indicators].to_numpy()[rows] - naive))
    print(f"{label}: {len(panel):,} rows x {len(indicators)} indicators, cohorts (degree_level, year)")
    print(f"  percentile_rank (vectorised)      {t_fast:8.3f} s")
    print(f"  percentileofscore loop (est.)     {t_loop_full:8.1f} s   "
          f"({sample} rows timed: {t_loop:.2f} s)")
    print(f"  speed-up                          {t_loop_full / t_fast:8.0f} x   max |diff| = {diff:.1e}")


def compare_bootstrap(n_boot: int, repeat: int) -> None:
    rng = np.random.default_rng(1)
    n = 500
    df = pd.DataFrame({"institution": [f"u{k}" for k in range(n + 1)], "x": rng.normal(50, 10, n + 1)})
    t_fast, _ = timed(lambda: bm.peer_gap(df, "u0", "x", ci=0.95, n_boot=n_boot, random_state=0), repeat)
    peers = df["x"].to_numpy()[1:]

    def loop() -> tuple[float, float]:
        g = np.random.default_rng(0)
        meds = [np.median(peers[g.integers(0, n, n)]) for _ in range(n_boot)]
        return tuple(np.quantile(df["x"].iloc[0] - np.array(meds), [0.025, 0.975]))

    t_loop, _ = timed(loop, repeat)
    print(f"peer_gap bootstrap: cohort of {n}, {n_boot} resamples")
    print(f"  peer_gap(ci=0.95) total           {t_fast:8.3f} s")
    print(f"  loop over replicates (medians)    {t_loop:8.3f} s   ratio {t_loop / t_fast:5.1f} x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", type=int, default=300, help="rows timed in the naive loop")
    parser.add_argument("--repeat", type=int, default=5, help="repetitions of the fast call (best kept)")
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    panel, indicators, label = load_scorecard()
    compare_percentiles(panel, indicators, label, args.sample, args.repeat, rng)
    wide = synthetic_panel(len(panel), 20)
    compare_percentiles(wide, [c for c in wide.columns if c.startswith("x")], "synthetic, same size",
                        args.sample, args.repeat, rng)
    t_stats, _ = timed(lambda: bm.cohort_stats(panel, indicators, by="degree_level"), args.repeat)
    print(f"cohort_stats on the same panel      {t_stats:8.3f} s")
    compare_bootstrap(5000, args.repeat)


if __name__ == "__main__":
    main()
