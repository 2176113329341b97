"""Time benchmark.sbm against a per-unit scipy.optimize.linprog loop of the same SBM program.

Usage::

    python perf/sbm.py                        # n = 2000 and 10000; CRS and VRS; non-oriented
    python perf/sbm.py --sizes 500 2000       # a quick run
    python perf/sbm.py --n-jobs 2             # joblib workers for benchmark.sbm
    python perf/sbm.py --loop-units 100       # units timed in the linprog loop (then extrapolated)

Data: the seeded random units of perf/dea.py (3 inputs, 2 outputs, a
Cobb-Douglas frontier with half-normal inefficiency).

The baseline is what a user writes by hand: for every unit, the full
Charnes-Cooper linear program of Tone's (2001) non-oriented SBM over all n
reference units, passed to ``scipy.optimize.linprog(method="highs")``. It is
run on a random subset of ``--loop-units`` units and its total time is
**extrapolated** linearly to all n units (marked "est."); its scores on that
subset are compared with benchmark.sbm's (max absolute difference). R (deaR)
was not available on the machine that produced docs/frontier.md's table, so
no R timing is reported.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import warnings

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
from dea import make_data  # the same synthetic units as the DEA timings


def linprog_sbm(X: np.ndarray, Y: np.ndarray, o: int, rts: str) -> float:
    """Tone's non-oriented SBM of unit ``o`` as one full LP (variables t, lambda, s-, s+)."""
    from scipy.optimize import linprog

    n, m = X.shape
    s = Y.shape[1]
    # z = (t, lambda_1..n, s-_1..m, s+_1..s)
    c = np.concatenate([[1.0], np.zeros(n), -1.0 / (m * X[o]), np.zeros(s)])
    A_eq = [np.concatenate([[1.0], np.zeros(n), np.zeros(m), 1.0 / (s * Y[o])])]
    b_eq = [1.0]
    for i in range(m):  # x_o t = X lambda + s-
        A_eq.append(np.concatenate([[-X[o, i]], X[:, i], np.eye(m)[i], np.zeros(s)]))
        b_eq.append(0.0)
    for r in range(s):  # y_o t = Y lambda - s+
        A_eq.append(np.concatenate([[-Y[o, r]], Y[:, r], np.zeros(m), -np.eye(s)[r]]))
        b_eq.append(0.0)
    if rts == "vrs":
        A_eq.append(np.concatenate([[-1.0], np.ones(n), np.zeros(m + s)]))
        b_eq.append(0.0)
    res = linprog(c, A_eq=np.array(A_eq), b_eq=b_eq, bounds=[(0, None)] * len(c), method="highs")
    return float(res.fun)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[2000, 10000])
    parser.add_argument("--rts", nargs="+", default=["crs", "vrs"])
    parser.add_argument("--n-jobs", type=int, default=1)
    parser.add_argument("--loop-units", type=int, default=100)
    args = parser.parse_args()

    import pandas as pd

    import benchmark

    print(f"{'n':>6} {'rts':>4} {'benchmark.sbm':>14} {'linprog loop':>18} {'ratio':>8} "
          f"{'max|diff|':>10} {'efficient':>9}")
    for n in args.sizes:
        X, Y = make_data(n)
        df = pd.DataFrame(np.column_stack([X, Y]), columns=["x1", "x2", "x3", "y1", "y2"])
        df.insert(0, "institution", np.arange(n))
        for rts in args.rts:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", UserWarning)
                t0 = time.perf_counter()
                res = benchmark.sbm(df, ["x1", "x2", "x3"], ["y1", "y2"], rts=rts, n_jobs=args.n_jobs)
                t_lib = time.perf_counter() - t0
            rho = res.efficiency["efficiency"].to_numpy()
            rng = np.random.default_rng(n)
            subset = rng.choice(n, size=min(args.loop_units, n), replace=False)
            t0 = time.perf_counter()
            loop = np.array([linprog_sbm(X, Y, int(o), rts) for o in subset])
            t_loop = (time.perf_counter() - t0) * n / len(subset)
            est = " est." if len(subset) < n else ""
            diff = np.abs(loop - rho[subset]).max()
            print(f"{n:>6} {rts:>4} {t_lib:>12.2f} s {t_loop:>12.1f} s{est:>4} {t_loop / t_lib:>7.1f}x "
                  f"{diff:>10.1e} {int(res.efficiency['efficient'].sum()):>9}", flush=True)


if __name__ == "__main__":
    main()
