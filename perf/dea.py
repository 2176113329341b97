"""Time benchmark.dea against a per-unit linprog loop and the Python DEA packages.

Usage::

    python perf/dea.py                         # n = 500, 2000, 10000, 50000; VRS and CRS
    python perf/dea.py --sizes 500 2000        # a quick run
    python perf/dea.py --pydea-python /path/to/python   # pyDEA from an env with PuLP < 2.8
    python perf/dea.py --bootstrap             # dea_bootstrap, n_boot = 2000 on 70 schools
    python perf/dea.py --coverage              # bootstrap coverage, both methods, n = 100 (short run)
    python perf/dea.py --many                  # 5+5 and 8+8 indicators (VRS, input) vs the linprog loop
    python perf/dea.py --replicates            # dea_bootstrap (both methods) and malmquist vs linprog loops
    python perf/dea.py --scale                 # n = 50,000 ... 200,000 VRS, peak memory of each run
    python perf/dea.py --all                   # the default table and all of the above in one run

Data: seeded random units with 3 inputs (uniform on [10, 100]) and 2 outputs
(a Cobb-Douglas frontier with returns 0.8, split between the outputs by a
random angle, times a half-normal inefficiency exp(-|N(0, 0.3^2)|)).
Input orientation, efficiency only (``slacks=False``) unless stated. Every
tool's scores are compared with benchmark.dea (max absolute difference).

A peer is skipped where its time, extrapolated from the largest size it ran
at (the work grows with n^2: n programs of n columns), would exceed
``--budget`` seconds (default 600). The per-unit linprog loop is timed on a
random subsample of units when the whole loop would exceed the budget and
the total is extrapolated (marked "est."). pyDEA needs PuLP < 2.8 (it
assigns into LpConstraint, which PuLP 3 forbids) and a regular expression
that Python >= 3.11 rejects, which the worker below bypasses; run it from an
environment with ``pip install pyDEA "pulp<2.8"`` and pass that interpreter.
pyStoNED is run with HiGHS (pyomo's ``appsi_highs``) instead of MOSEK.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import warnings

import numpy as np

SEED = 20240611


def make_data(n: int, seed: int = SEED) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed + n)
    X = rng.uniform(10, 100, (n, 3))
    frontier = X.prod(axis=1) ** (0.8 / 3)
    angle = rng.uniform(0.05, np.pi / 2 - 0.05, n)
    u = np.exp(-np.abs(rng.normal(0, 0.3, n)))
    Y = (frontier * u)[:, None] * np.column_stack([np.cos(angle), np.sin(angle)])
    return X, Y


# ----------------------------------------------------------------- tools
def run_benchmark(X, Y, rts, n_jobs=1, slacks=False):
    import pandas as pd

    import benchmark

    df = pd.DataFrame(np.column_stack([X, Y]), columns=["x1", "x2", "x3", "y1", "y2"])
    df.insert(0, "institution", np.arange(len(df)))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = benchmark.dea(df, ["x1", "x2", "x3"], ["y1", "y2"], rts=rts, slacks=slacks, n_jobs=n_jobs)
    return res.efficiency["efficiency"].to_numpy()


def linprog_one(X, Y, k, rts):
    """The textbook loop: one scipy.optimize.linprog (HiGHS) program per unit, built from scratch."""
    from scipy.optimize import linprog

    n, m = X.shape
    s = Y.shape[1]
    c = np.r_[1.0, np.zeros(n)]
    A_ub = np.vstack([np.column_stack([-X[k], X.T]), np.column_stack([np.zeros(s), -Y.T])])
    b_ub = np.r_[np.zeros(m), -Y[k]]
    A_eq, b_eq = (np.r_[0.0, np.ones(n)][None], [1.0]) if rts == "vrs" else (None, None)
    res = linprog(c, A_ub=A_ub, b_ub=b_ub, A_eq=A_eq, b_eq=b_eq, bounds=(0, None), method="highs")
    return res.x[0]


def run_linprog(X, Y, rts, budget, rng):
    n = len(X)
    t0 = time.perf_counter()
    first = [linprog_one(X, Y, k, rts) for k in range(min(n, 20))]
    per = (time.perf_counter() - t0) / len(first)
    if per * n <= budget:
        t0 = time.perf_counter()
        scores = np.array([linprog_one(X, Y, k, rts) for k in range(n)])
        return time.perf_counter() - t0, np.arange(n), scores, ""
    sample = np.sort(rng.choice(n, size=max(20, min(200, int(budget / 4 / per))), replace=False))
    t0 = time.perf_counter()
    scores = np.array([linprog_one(X, Y, k, rts) for k in sample])
    total = (time.perf_counter() - t0) / len(sample) * n
    return total, sample, scores, f"est. from {len(sample)} units"


def run_pyfrontier(X, Y, rts):
    from Pyfrontier.frontier_model import EnvelopDEA

    t0 = time.perf_counter()
    model = EnvelopDEA(frontier=rts.upper(), orient="in")
    model.fit(X, Y)
    return time.perf_counter() - t0, np.array([r.score for r in model.result])


def run_pystoned(X, Y, rts):
    import contextlib
    import io

    from pystoned import DEA
    from pystoned.constant import ORIENT_IO, OPT_LOCAL, RTS_CRS, RTS_VRS

    t0 = time.perf_counter()
    model = DEA.DEA(Y, X, orient=ORIENT_IO, rts=RTS_VRS if rts == "vrs" else RTS_CRS)
    with contextlib.redirect_stdout(io.StringIO()):
        model.optimize(OPT_LOCAL, solver="appsi_highs")
    return time.perf_counter() - t0, np.asarray(model.get_theta(), dtype=float)


def pydea_worker(infile: str, outfile: str) -> None:
    """Runs inside the pyDEA environment: imports only numpy and pyDEA."""
    import pyDEA.core.data_processing.parameters as params_mod

    params_mod.validate_string = lambda string, expression: True  # its regex uses the removed (?L) flag
    import pyDEA.core.utils.model_factory as model_factory
    from pyDEA.core.data_processing.parameters import Parameters
    from pyDEA.core.data_processing.read_data_from_xls import construct_input_data_instance

    z = np.load(infile)
    X, Y, rts = z["X"], z["Y"], str(z["rts"])
    cats = ["x1", "x2", "x3", "y1", "y2"]
    data = construct_input_data_instance(cats, {f"d{i}": list(np.r_[X[i], Y[i]]) for i in range(len(X))})
    p = Parameters()
    for key, value in [("INPUT_CATEGORIES", "x1;x2;x3"), ("OUTPUT_CATEGORIES", "y1;y2"), ("DEA_FORM", "env"),
                       ("RETURN_TO_SCALE", rts.upper()), ("ORIENTATION", "input")]:
        p.update_parameter(key, value)
    model_factory.add_input_and_output_categories(p, data)
    t0 = time.perf_counter()
    sol = model_factory.create_model(p, data).run()
    elapsed = time.perf_counter() - t0
    code = {c: int(data.DMU_code_to_user_name[c][1:]) for c in sol.efficiency_scores}
    scores = np.empty(len(X))
    for c, v in sol.efficiency_scores.items():
        scores[code[c]] = v
    np.save(outfile, np.r_[elapsed, scores])


def run_pydea(X, Y, rts, python):
    with tempfile.TemporaryDirectory() as tmp:
        infile, outfile = os.path.join(tmp, "in.npz"), os.path.join(tmp, "out.npy")
        np.savez(infile, X=X, Y=Y, rts=rts)
        subprocess.run([python, os.path.abspath(__file__), "--pydea-worker", infile, outfile],
                       check=True, capture_output=True, text=True)
        out = np.load(outfile)
    return out[0], out[1:]


# ----------------------------------------------------------------- driver
def compare(args) -> list[dict]:
    rows = []
    rng = np.random.default_rng(0)
    last: dict[tuple[str, str], tuple[int, float]] = {}
    # warm up: imports and the joblib worker pool are not part of the timings
    for jobs in args.jobs:
        run_benchmark(*make_data(200), "vrs", n_jobs=jobs)
    for n in args.sizes:
        X, Y = make_data(n)
        for rts in args.rts:
            t0 = time.perf_counter()
            ours = run_benchmark(X, Y, rts, n_jobs=1)
            base = time.perf_counter() - t0
            rows.append(dict(n=n, rts=rts, tool="benchmark.dea (1 core)", seconds=base, diff=0.0, note=""))
            for jobs in args.jobs:
                if jobs == 1:
                    continue
                t0 = time.perf_counter()
                other = run_benchmark(X, Y, rts, n_jobs=jobs)
                rows.append(dict(n=n, rts=rts, tool=f"benchmark.dea (n_jobs={jobs})",
                                 seconds=time.perf_counter() - t0, diff=float(np.abs(other - ours).max()), note=""))
            t0 = time.perf_counter()
            run_benchmark(X, Y, rts, n_jobs=max(args.jobs), slacks=True)
            rows.append(dict(n=n, rts=rts, tool=f"benchmark.dea + slacks (n_jobs={max(args.jobs)})",
                             seconds=time.perf_counter() - t0, diff=0.0, note="two-phase"))
            for tool in args.peers:
                row = dict(n=n, rts=rts, tool=tool, seconds=np.nan, diff=np.nan, note="")
                prev = last.get((tool, rts))
                if tool != "linprog loop" and prev and prev[1] * (n / prev[0]) ** 2 > args.budget:
                    row["note"] = f"skipped: est. {prev[1] * (n / prev[0]) ** 2:,.0f} s > budget"
                    rows.append(row)
                    continue
                try:
                    if tool == "linprog loop":
                        secs, idx, scores, note = run_linprog(X, Y, rts, args.budget, rng)
                        row.update(seconds=secs, diff=float(np.abs(scores - ours[idx]).max()), note=note)
                    else:
                        if tool == "Pyfrontier":
                            secs, scores = run_pyfrontier(X, Y, rts)
                        elif tool == "pyStoNED (HiGHS)":
                            secs, scores = run_pystoned(X, Y, rts)
                        else:
                            if not args.pydea_python:
                                row["note"] = "skipped: needs --pydea-python (PuLP < 2.8)"
                                rows.append(row)
                                continue
                            secs, scores = run_pydea(X, Y, rts, args.pydea_python)
                        row.update(seconds=secs, diff=float(np.abs(scores - ours).max()))
                        last[(tool, rts)] = (n, secs)
                except Exception as exc:  # a peer that does not run is reported, not fatal
                    row["note"] = f"failed: {type(exc).__name__}: {str(exc)[:80]}"
                rows.append(row)
            for row in rows:
                if row["n"] == n and row["rts"] == rts:
                    row["ratio"] = row["seconds"] / base
            print_table([r for r in rows if r["n"] == n and r["rts"] == rts], header=(n == args.sizes[0]
                                                                                      and rts == args.rts[0]))
    return rows


def print_table(rows, header=True):
    if header:
        print("| n | rts | tool | seconds | time / benchmark.dea | max abs diff | note |")
        print("|---:|---|---|---:|---:|---:|---|")
    for r in rows:
        secs = "" if np.isnan(r["seconds"]) else f"{r['seconds']:,.2f}"
        ratio = "" if np.isnan(r.get("ratio", np.nan)) else f"{r['ratio']:,.1f}x"
        diff = "" if np.isnan(r["diff"]) else f"{r['diff']:.1e}"
        print(f"| {r['n']:,} | {r['rts']} | {r['tool']} | {secs} | {ratio} | {diff} | {r['note']} |", flush=True)


def time_bootstrap() -> None:
    import benchmark

    try:
        df = benchmark.datasets.load("pft1981")
        ins, outs = ["education", "occupation", "visit", "counseling", "teacher"], ["reading", "mathematics",
                                                                                      "selfesteem"]
    except Exception:  # the data set is optional here
        X, Y = make_data(70)
        df = benchmark_frame(X, Y)
        ins, outs = ["x1", "x2", "x3"], ["y1", "y2"]
    for jobs in (1, 2):
        t0 = time.perf_counter()
        benchmark.dea_bootstrap(df, ins, outs, entity=df.columns[0], n_boot=2000, random_state=1, n_jobs=jobs)
        print(f"dea_bootstrap, {len(df)} units, n_boot=2000, n_jobs={jobs}: {time.perf_counter() - t0:.1f} s")


def benchmark_frame(X, Y):
    import pandas as pd

    df = pd.DataFrame(np.column_stack([X, Y]), columns=["x1", "x2", "x3", "y1", "y2"])
    df.insert(0, "institution", np.arange(len(df)))
    return df


def coverage(reps: int = 10, n_boot: int = 400) -> None:
    """Coverage of the smoothed and subsampling 95% intervals: the design of perf/bootstrap_coverage.py at
    n = 100 (CRS and VRS, both orientations) with fewer data sets; that script runs the full table."""
    import bootstrap_coverage

    bootstrap_coverage.main(["--sizes", "100", "--reps", str(reps), "--n-boot", str(n_boot)])


# ----------------------------------------------------------------- many indicators, replicates, scale
def make_data_ms(n: int, m: int, s: int, seed: int = SEED) -> tuple[np.ndarray, np.ndarray]:
    """m inputs, s outputs: Cobb-Douglas frontier (returns 0.8) split over outputs by Dirichlet weights."""
    rng = np.random.default_rng([seed, n, m, s])
    X = rng.uniform(10, 100, (n, m))
    frontier = X.prod(axis=1) ** (0.8 / m)
    w = rng.dirichlet(np.ones(s), n)
    u = np.exp(-np.abs(rng.normal(0, 0.3, n)))
    return X, (frontier * u)[:, None] * np.sqrt(w)


def linprog_general(X, Y, k, rts, XR=None, YR=None, orientation="input"):
    """One envelopment program by scipy.optimize.linprog (HiGHS), any reference set; Farrell theta or phi."""
    from scipy.optimize import linprog

    XR = X if XR is None else XR
    YR = Y if YR is None else YR
    n, m, s = len(XR), X.shape[1], Y.shape[1]
    if orientation == "input":
        c = np.r_[1.0, np.zeros(n)]
        A_ub = np.vstack([np.column_stack([-X[k], XR.T]), np.column_stack([np.zeros(s), -YR.T])])
        b_ub = np.r_[np.zeros(m), -Y[k]]
    else:
        c = np.r_[-1.0, np.zeros(n)]
        A_ub = np.vstack([np.column_stack([np.zeros(m), XR.T]), np.column_stack([Y[k], -YR.T])])
        b_ub = np.r_[X[k], np.zeros(s)]
    A_eq, b_eq = (np.r_[0.0, np.ones(n)][None], [1.0]) if rts == "vrs" else (None, None)
    res = linprog(c, A_ub=A_ub, b_ub=b_ub, A_eq=A_eq, b_eq=b_eq, bounds=(0, None), method="highs")
    if res.status == 2:
        return np.inf if orientation == "input" else -np.inf
    return res.x[0]


def _frame(X, Y):
    import pandas as pd

    ins = [f"x{i + 1}" for i in range(X.shape[1])]
    outs = [f"y{i + 1}" for i in range(Y.shape[1])]
    df = pd.DataFrame(np.column_stack([X, Y]), columns=ins + outs)
    df.insert(0, "institution", np.arange(len(df)))
    return df, ins, outs


def _timed_loop(func, items, budget, rng):
    """Run func over items; past the budget, time a random sample and extrapolate (returns idx, values)."""
    t0 = time.perf_counter()
    head = [func(i) for i in items[:10]]
    per = (time.perf_counter() - t0) / len(head)
    if per * len(items) <= budget:
        t0 = time.perf_counter()
        vals = [func(i) for i in items]
        return time.perf_counter() - t0, np.arange(len(items)), np.array(vals), ""
    k = max(20, min(len(items), int(budget / 2 / per)))
    idx = np.sort(rng.choice(len(items), size=k, replace=False))
    t0 = time.perf_counter()
    vals = [func(items[i]) for i in idx]
    return (time.perf_counter() - t0) / k * len(items), idx, np.array(vals), f"est. from {k}"


def many_indicators(budget: float) -> None:
    """VRS input orientation with 5 + 5 and 8 + 8 indicators against the per-unit linprog loop.

    The loop computes scores only, so `dea` is timed with ``slacks=False`` for the ratio; the
    default call (slack phase included) is timed too.
    """
    import benchmark

    rng = np.random.default_rng(1)
    print("\n| n | inputs + outputs | efficient share | peers in use | `dea`, scores (1 core) | `dea` with slacks | "
          "`linprog` loop | loop / `dea` | max abs diff |")
    print("|---:|---|---:|---:|---:|---:|---:|---:|---:|")
    for n, m, s in [(2000, 5, 5), (10000, 5, 5), (5000, 8, 8)]:
        X, Y = make_data_ms(n, m, s)
        df, ins, outs = _frame(X, Y)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            t0 = time.perf_counter()
            res = benchmark.dea(df, ins, outs, rts="vrs", slacks=False)
            secs = time.perf_counter() - t0
            t0 = time.perf_counter()
            benchmark.dea(df, ins, outs, rts="vrs")
            with_slacks = time.perf_counter() - t0
        ours = res.efficiency["efficiency"].to_numpy()
        frame = int(res.lambdas["peer"].nunique())
        loop, idx, vals, note = _timed_loop(lambda k, X=X, Y=Y: linprog_general(X, Y, k, "vrs"), np.arange(n),
                                             budget, rng)
        diff = np.abs(vals - ours[idx]).max()
        print(f"| {n:,} | {m} + {s} | {np.mean(ours > 1 - 1e-6):.0%} | {frame:,} | {secs:.2f} s | "
              f"{with_slacks:.2f} s | {loop:,.0f} s {note} | {loop / secs:.0f}x | {diff:.1e} |", flush=True)


def replicates(budget: float) -> None:
    """dea_bootstrap (200 replicates, n = 200, VRS) and malmquist (n = 500, 2 periods) vs linprog loops."""
    import pandas as pd

    import benchmark

    rng = np.random.default_rng(2)
    print("\n| computation | `benchmark` (1 core) | `linprog` loop, same programs | loop / `benchmark` | max abs diff |")
    print("|---|---:|---:|---:|---:|")
    X, Y = make_data(200)
    df, ins, outs = _frame(X, Y)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t0 = time.perf_counter()
        boot = benchmark.dea_bootstrap(df, ins, outs, rts="vrs", n_boot=200, random_state=3)
        secs = time.perf_counter() - t0
    # the same programs: the original units against each replicate's pseudo data
    from benchmark.frontier._bootstrap import _draw

    eff = boot.efficiency["efficiency"].to_numpy()
    dist = 1 / eff
    seeds = np.random.default_rng(3).integers(0, 2**63 - 1, size=200)
    pseudo = [X * (_draw(dist, boot.bandwidth, np.random.default_rng(sd)) / dist)[:, None] for sd in seeds]
    items = [(b, k) for b in range(200) for k in range(200)]
    loop, idx, vals, note = _timed_loop(lambda bk: linprog_general(X, Y, bk[1], "vrs", pseudo[bk[0]], Y),
                                        items, budget, rng)
    from benchmark.frontier._lp import batch_scores

    ref = batch_scores(X, Y, np.stack([pseudo[items[i][0]] for i in idx[:50]]),
                       np.broadcast_to(Y, (50,) + Y.shape), "vrs", "input")
    diff = max(abs(ref[j, items[i][1]] - vals[j]) for j, i in enumerate(idx[:50]))
    print(f"| `dea_bootstrap` smoothed, n = 200, VRS, 200 replicates | {secs:.2f} s | {loop:,.0f} s {note} | "
          f"{loop / secs:.0f}x | {diff:.1e} |", flush=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t0 = time.perf_counter()
        benchmark.dea_bootstrap(df, ins, outs, rts="vrs", method="subsampling", subsample_size=40,
                                n_boot=200, random_state=3)
        secs = time.perf_counter() - t0
    sseeds = np.random.default_rng(3).integers(0, 2**63 - 1, size=200)
    subsets = [np.random.default_rng(sd).choice(200, size=40, replace=False) for sd in sseeds]
    loop, idx, vals, note = _timed_loop(lambda bk: linprog_general(X, Y, bk[1], "vrs", X[subsets[bk[0]]],
                                                                   Y[subsets[bk[0]]]), items, budget, rng)
    print(f"| `dea_bootstrap` subsampling, n = 200, m = 40, VRS, 200 replicates | {secs:.2f} s | "
          f"{loop:,.0f} s {note} | {loop / secs:.0f}x | - |", flush=True)
    # Malmquist: 500 units in two periods, four programs per unit
    X0, Y0 = make_data(500, seed=SEED)
    X1, Y1 = X0 * np.random.default_rng(4).uniform(0.9, 1.05, X0.shape), Y0 * np.random.default_rng(5).uniform(
        0.95, 1.2, Y0.shape)
    panel = pd.concat([_frame(X0, Y0)[0].assign(year=2020), _frame(X1, Y1)[0].assign(year=2021)])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t0 = time.perf_counter()
        benchmark.malmquist(panel, ins, outs, rts="vrs")
        secs = time.perf_counter() - t0
    pairs = [(a, b, k) for a in (0, 1) for b in (0, 1) for k in range(500)]
    data = [(X0, Y0), (X1, Y1)]
    loop, idx, vals, note = _timed_loop(
        lambda abk: linprog_general(*data[abk[0]], abk[2], "vrs", *data[abk[1]]), pairs, budget, rng)
    print(f"| `malmquist`, n = 500, 2 periods, VRS (2,000 programs) | {secs:.2f} s | {loop:,.1f} s {note} | "
          f"{loop / secs:.0f}x | - |", flush=True)


def _scale_worker(n: int) -> None:
    import resource

    import benchmark

    X, Y = make_data(n)
    df, ins, outs = _frame(X, Y)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    t0 = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = benchmark.dea(df, ins, outs, rts="vrs", n_jobs=2)
    secs = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    from joblib.externals.loky import get_reusable_executor

    get_reusable_executor().shutdown(wait=True)  # reaped workers count in RUSAGE_CHILDREN
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    eff = res.efficiency["efficiency"].to_numpy()
    print(json.dumps({"n": n, "seconds": secs, "peak_mb": peak, "data_mb": before, "worker_peak_mb": kids,
                      "efficient": float(np.mean(eff > 1 - 1e-6))}))


def scale(sizes=(50_000, 100_000, 200_000)) -> None:
    """Each size in a fresh process so that its peak resident memory is its own."""
    print("\n| n (VRS, 3 inputs, 2 outputs) | `dea`, `n_jobs=2` | efficient units | peak memory, main process "
          "| peak memory, largest worker | MB per 1,000 units |")
    print("|---:|---:|---:|---:|---:|---:|")
    for n in sizes:
        out = subprocess.run([sys.executable, os.path.abspath(__file__), "--scale-worker", str(n)],
                             check=True, capture_output=True, text=True).stdout
        r = json.loads(out.strip().splitlines()[-1])
        print(f"| {n:,} | {r['seconds']:.0f} s | {r['efficient']:.1%} | {r['peak_mb']:,.0f} MB | "
              f"{r['worker_peak_mb']:,.0f} MB | {r['peak_mb'] / n * 1000:.2f} |", flush=True)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[500, 2000, 10000, 50000])
    parser.add_argument("--rts", nargs="+", default=["vrs", "crs"], choices=["vrs", "crs"])
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--peers", nargs="*", default=["linprog loop", "Pyfrontier", "pyStoNED (HiGHS)", "pyDEA"])
    parser.add_argument("--budget", type=float, default=600.0, help="seconds a peer may take")
    parser.add_argument("--pydea-python", default=None, help="interpreter with pyDEA and PuLP < 2.8")
    parser.add_argument("--json", default=None, help="also write the rows to this file")
    parser.add_argument("--bootstrap", action="store_true")
    parser.add_argument("--coverage", action="store_true")
    parser.add_argument("--many", action="store_true")
    parser.add_argument("--replicates", action="store_true")
    parser.add_argument("--scale", action="store_true")
    parser.add_argument("--scale-sizes", type=int, nargs="+", default=[50_000, 100_000, 200_000])
    parser.add_argument("--all", action="store_true")
    parser.add_argument("--pydea-worker", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--scale-worker", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.pydea_worker:
        pydea_worker(*args.pydea_worker)
        return
    if args.scale_worker:
        _scale_worker(args.scale_worker)
        return
    special = args.bootstrap or args.coverage or args.many or args.replicates or args.scale
    if args.bootstrap:
        time_bootstrap()
    if args.coverage:
        coverage()
    if args.many or args.all:
        many_indicators(args.budget)
    if args.replicates or args.all:
        replicates(args.budget)
    if args.scale or args.all:
        scale(args.scale_sizes)
    if special and not args.all:
        return
    rows = compare(args)
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(rows, fh, indent=1, default=float)


if __name__ == "__main__":
    main()
