"""Timing of rank_uncertainty: 10,000 draws on 1,000 entities x 20 indicators.

Run: python perf/composite.py

The vectorised Monte Carlo scores every draw of Saltelli's design with one
matrix product per (normalisation, aggregation) pair and ranks all draws with
one sort per block. The comparison is a naive loop that calls composite()
once per draw on a subsample of draws, extrapolated to the same number of
evaluations.
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd

from benchmark import composite, rank_uncertainty

N_ENTITIES, N_INDICATORS, N_DRAWS = 1000, 20, 10_000
NAIVE_SAMPLE = 200


def make_data(seed: int = 0) -> tuple[pd.DataFrame, list[str]]:
    rng = np.random.default_rng(seed)
    common = rng.normal(size=(N_ENTITIES, 1))
    values = np.exp(0.5 * common + rng.normal(size=(N_ENTITIES, N_INDICATORS)))
    inds = [f"ind{j:02d}" for j in range(N_INDICATORS)]
    df = pd.DataFrame(values, columns=inds)
    df.insert(0, "institution", [f"inst{i:04d}" for i in range(N_ENTITIES)])
    return df, inds


def time_vectorised(df: pd.DataFrame, inds: list[str], **kw) -> tuple[float, object]:
    start = time.perf_counter()
    res = rank_uncertainty(df, inds, n_draws=N_DRAWS, random_state=1, **kw)
    return time.perf_counter() - start, res


def time_naive(df: pd.DataFrame, inds: list[str]) -> float:
    """Seconds per composite evaluation when looping over draws."""
    rng = np.random.default_rng(2)
    start = time.perf_counter()
    for _ in range(NAIVE_SAMPLE):
        w = dict(zip(inds, rng.dirichlet(np.full(len(inds), 18.0))))
        composite(df, inds, weights=w, normalisation=rng.choice(["minmax", "rank"]),
                  aggregation=rng.choice(["arithmetic", "geometric"]))
    return (time.perf_counter() - start) / NAIVE_SAMPLE


def main() -> None:
    df, inds = make_data()
    per_eval = time_naive(df, inds)
    print(f"rank_uncertainty: {N_DRAWS:,} draws, {N_ENTITIES:,} entities x {N_INDICATORS} indicators")
    for label, kw in [("weights + normalisation + aggregation", {}),
                      ("... + drop one indicator", {"drop_one": True})]:
        seconds, res = time_vectorised(df, inds, **kw)
        naive = per_eval * res.evaluations
        print(f"  {label:40s} {res.evaluations:>6,} evaluations  {seconds:6.2f} s   "
              f"naive loop (extrapolated from {NAIVE_SAMPLE} draws) {naive:7.1f} s   "
              f"speed-up x{naive / seconds:,.0f}")


if __name__ == "__main__":
    main()
