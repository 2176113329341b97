"""Tests of benchmark.frontier.dea_bootstrap (Simar & Wilson 1998)."""

from __future__ import annotations

import copy

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from benchmark import BenchmarkError, NonPositiveError, dea, dea_bootstrap
from benchmark.frontier import _lp
from benchmark.frontier._bootstrap import _draw, bandwidth_rule, subsample_size_rule

pytestmark = pytest.mark.filterwarnings("ignore:DEA with:UserWarning")


def _known_frontier(rng: np.random.Generator, n: int) -> tuple[pd.DataFrame, np.ndarray]:
    """Two inputs, one output, CRS frontier y = (x1 + x2)/2; inputs inflated by 1/theta."""
    x = rng.uniform(1, 10, (n, 2))
    theta = np.exp(-np.abs(rng.normal(0, 0.3, n)))
    df = pd.DataFrame(x / theta[:, None], columns=["x1", "x2"])
    df["y"] = x.mean(axis=1)
    df.insert(0, "institution", range(n))
    return df, theta


def test_coverage_near_nominal_on_a_known_frontier():
    """Seeded Monte Carlo: 95% intervals cover the true efficiency in most cases.

    The homogeneous smoothed bootstrap is known to under-cover somewhat in
    small samples (Simar & Wilson 2000; Kneip, Simar & Wilson 2008); a longer
    run is ``python perf/dea.py --coverage``. The point estimates themselves
    (an interval of zero width) would cover almost never.
    """
    rng = np.random.default_rng(2024)
    cover, naive = [], []
    for rep in range(6):
        df, theta = _known_frontier(rng, 50)
        res = dea_bootstrap(df, ["x1", "x2"], "y", n_boot=150, random_state=rep).efficiency
        cover.append(((res["ci_low"] <= theta) & (theta <= res["ci_high"])).mean())
        naive.append(np.isclose(res["efficiency"], theta, atol=1e-3).mean())
        # the DEA score overstates efficiency; the correction moves it towards the truth on average
        assert np.mean(np.abs(res["bias_corrected"] - theta)) < np.mean(np.abs(res["efficiency"] - theta))
    assert 0.75 <= np.mean(cover) <= 1.0
    assert np.mean(naive) < 0.2


def test_bandwidth_rule_by_hand():
    """Silverman's rule on the reflected non-frontier distances, rescaled (Daraio & Simar 2007, p. 61)."""
    d = np.array([1.0, 1.0, 1.1, 1.3, 1.2, 1.5, 1.05])
    inner = d[d > 1 + 1e-6]
    refl = np.r_[inner, 2 - inner]
    iqr = np.percentile(refl, 75) - np.percentile(refl, 25)
    h0 = 0.9 * min(refl.std(ddof=1), iqr / 1.34) * len(refl) ** -0.2
    expected = h0 * (len(refl) / len(d)) ** 0.2 * d.std(ddof=1) / refl.std(ddof=1)
    assert bandwidth_rule(d) == pytest.approx(expected)


def test_draws_stay_above_one_and_match_the_reflected_variance():
    d = 1 + np.abs(np.random.default_rng(0).normal(0, 0.3, 400))
    h = bandwidth_rule(d)
    star = np.concatenate([_draw(d, h, np.random.default_rng(s)) for s in range(50)])
    assert star.min() >= 1
    # the variance correction keeps the folded draws' spread near that of the data
    assert np.std(star) == pytest.approx(np.std(d), rel=0.15)


def test_batched_replicates_equal_single_solves():
    rng = np.random.default_rng(1)
    X, Y = rng.uniform(1, 10, (40, 2)), rng.uniform(1, 10, (40, 2))
    factors = rng.uniform(1, 1.5, (5, 40, 1))
    for rts in ("crs", "vrs", "nirs", "ndrs"):
        for orientation in ("input", "output"):
            XRs = X[None] * factors if orientation == "input" else np.broadcast_to(X, (5, 40, 2))
            YRs = np.broadcast_to(Y, (5, 40, 2)) if orientation == "input" else Y[None] / factors
            batch = _lp.batch_scores(X, Y, XRs, YRs, rts, orientation)
            single = np.array([_lp.envelopment(X, Y, XRs[b], YRs[b], rts=rts, orientation=orientation).score
                               for b in range(5)])
            np.testing.assert_allclose(batch, single, atol=1e-9)


def test_result_table_and_reproducibility():
    df, _ = _known_frontier(np.random.default_rng(3), 30)
    a = dea_bootstrap(df, ["x1", "x2"], "y", rts="vrs", orientation="output", n_boot=60, random_state=5)
    b = dea_bootstrap(df, ["x1", "x2"], "y", rts="vrs", orientation="output", n_boot=60, random_state=5, n_jobs=2)
    pd.testing.assert_frame_equal(a.efficiency, b.efficiency)
    eff = a.efficiency
    plain = dea(df, ["x1", "x2"], "y", rts="vrs", orientation="output").efficiency
    np.testing.assert_allclose(eff["efficiency"], plain["efficiency"])
    assert (eff["ci_low"] <= eff["ci_high"]).all()
    np.testing.assert_allclose(eff["bias"], eff["efficiency"] - eff["bias_corrected"])
    assert a.summary().set_index("statistic").loc["n_boot", "value"] == 60
    assert set(a.to_frames()) == {"efficiency"}


def test_progress_bar_runs(capsys):
    pytest.importorskip("tqdm")
    df, _ = _known_frontier(np.random.default_rng(4), 20)
    dea_bootstrap(df, ["x1", "x2"], "y", n_boot=10, random_state=0, progress=True)


def test_runs_on_a_dask_cluster():
    """dea and both bootstraps run unchanged on a Dask cluster of worker processes through joblib."""
    pytest.importorskip("dask")
    distributed = pytest.importorskip("distributed")
    import joblib

    df, _ = _known_frontier(np.random.default_rng(6), 300)
    small = df.head(25)
    plain = dea(df, ["x1", "x2"], "y", rts="vrs").efficiency
    local = dea_bootstrap(small, ["x1", "x2"], "y", n_boot=40, random_state=9)
    local_sub = dea_bootstrap(small, ["x1", "x2"], "y", method="subsampling", subsample_size=12, n_boot=40,
                              random_state=9)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        with joblib.parallel_config(backend="dask"):
            remote_dea = dea(df, ["x1", "x2"], "y", rts="vrs", n_jobs=2).efficiency
            remote = dea_bootstrap(small, ["x1", "x2"], "y", n_boot=40, random_state=9, n_jobs=2)
            remote_sub = dea_bootstrap(small, ["x1", "x2"], "y", method="subsampling", subsample_size=12,
                                       n_boot=40, random_state=9, n_jobs=2)
        assert len(client.scheduler_info()["workers"]) == 2
    np.testing.assert_allclose(remote_dea["efficiency"], plain["efficiency"], atol=1e-10)
    pd.testing.assert_frame_equal(local.efficiency, remote.efficiency)
    pd.testing.assert_frame_equal(local_sub.efficiency, remote_sub.efficiency)


def test_bad_input():
    df, _ = _known_frontier(np.random.default_rng(7), 20)
    with pytest.raises(BenchmarkError, match="n_boot"):
        dea_bootstrap(df, ["x1", "x2"], "y", n_boot=1)
    with pytest.raises(BenchmarkError, match="`ci`"):
        dea_bootstrap(df, ["x1", "x2"], "y", ci=1.5)
    with pytest.raises(BenchmarkError, match="`method`"):
        dea_bootstrap(df, ["x1", "x2"], "y", method="jackknife")
    with pytest.raises(BenchmarkError, match="subsample_size.*20"):
        dea_bootstrap(df, ["x1", "x2"], "y", method="subsampling", subsample_size=20)
    with pytest.raises(BenchmarkError, match="subsample_size"):
        dea_bootstrap(df, ["x1", "x2"], "y", method="subsampling", subsample_size=1.5)
    with pytest.raises(BenchmarkError, match="subsample_size.*subsampling"):
        dea_bootstrap(df, ["x1", "x2"], "y", subsample_size=10)
    with pytest.raises(BenchmarkError, match="bandwidth.*smoothed"):
        dea_bootstrap(df, ["x1", "x2"], "y", method="subsampling", bandwidth=0.1)
    with pytest.raises(BenchmarkError, match="too few"):
        dea_bootstrap(df.head(8), ["x1", "x2"], "y", method="subsampling")
    with pytest.raises(BenchmarkError, match="(?i)fdh"):
        dea_bootstrap(df, ["x1", "x2"], "y", rts="fdh")
    with pytest.raises(BenchmarkError, match="bandwidth"):
        dea_bootstrap(df, ["x1", "x2"], "y", bandwidth=-1)
    with pytest.raises(BenchmarkError, match="random_state"):
        dea_bootstrap(df, ["x1", "x2"], "y", random_state="seed")
    with pytest.raises(NonPositiveError, match="'x1'.*3"):
        dea_bootstrap(df.assign(x1=np.where(df.index == 3, -1.0, df["x1"])), ["x1", "x2"], "y")
    flat = pd.DataFrame({"institution": range(4), "x": [1.0, 2, 3, 4], "y": [1.0, 2, 3, 4]})
    with pytest.raises(BenchmarkError, match="off the frontier"):
        dea_bootstrap(flat, "x", "y")
    before = copy.deepcopy(df)
    dea_bootstrap(df, ["x1", "x2"], "y", n_boot=5, random_state=0)
    pd.testing.assert_frame_equal(df, before)


# ----------------------------------------------------------------- subsampling (Kneip, Simar & Wilson 2008)
def _cobb_douglas(rng: np.random.Generator, n: int, rts: str, orientation: str) -> tuple[pd.DataFrame, np.ndarray]:
    """Two inputs, one output on y = (x1 x2)^(r/2) (r = 1 under CRS, 0.8 otherwise), half-normal
    inefficiency on the input (input orientation) or output side; returns data and true efficiency."""
    x = rng.uniform(1, 10, (n, 2))
    u = np.exp(-np.abs(rng.normal(0, 0.3, n)))
    f = np.sqrt(x[:, 0] * x[:, 1]) ** (1.0 if rts == "crs" else 0.8)
    X, y = (x / u[:, None], f) if orientation == "input" else (x, f * u)
    df = pd.DataFrame(X, columns=["x1", "x2"])
    df["y"] = y
    df.insert(0, "institution", range(n))
    return df, u


def test_subsample_scores_equal_scipy_per_subset():
    """The lockstep programs with a penalised own column give the LP optimum, infeasible ones included."""
    rng = np.random.default_rng(11)
    X, Y = rng.uniform(1, 10, (30, 2)), rng.uniform(1, 10, (30, 2))
    subsets = np.stack([np.sort(rng.choice(30, 12, replace=False)) for _ in range(3)])
    for rts, orientation in (("crs", "input"), ("vrs", "input"), ("vrs", "output"), ("nirs", "input"),
                             ("ndrs", "output")):
        got = _lp.subsample_scores(X, Y, subsets, rts, orientation)
        want = np.array([_lp.envelopment(X, Y, X[sub], Y[sub], rts=rts, orientation=orientation,
                                         engine="scipy").score for sub in subsets])
        np.testing.assert_array_equal(np.isfinite(got), np.isfinite(want))
        np.testing.assert_allclose(got[np.isfinite(want)], want[np.isfinite(want)], atol=1e-9)


def test_subsampling_interval_by_hand():
    """Quantiles of m^k (D*/D - 1) rescaled by n^-k, from an independent linprog loop over the subsets;
    k is 2/(p+q+1) by default (also under CRS) and the asymptotic CRS rate 2/(p+q) when asked for."""
    from scipy.optimize import linprog

    df, _ = _cobb_douglas(np.random.default_rng(12), 20, "crs", "input")
    X, y = df[["x1", "x2"]].to_numpy(), df["y"].to_numpy()
    n, m, n_boot = 20, 8, 30  # CRS, p + q = 3

    def theta(k, ref):
        c = np.r_[1.0, np.zeros(len(ref))]
        A = np.vstack([np.column_stack([-X[k], X[ref].T]), np.r_[0.0, -y[ref]][None]])
        res = linprog(c, A_ub=A, b_ub=np.r_[0, 0, -y[k]], bounds=(0, None), method="highs")
        return res.x[0]

    rng = np.random.default_rng(5)  # the draws dea_bootstrap makes from random_state=5
    seeds = rng.integers(0, 2**63 - 1, size=n_boot)
    subsets = [np.random.default_rng(seed).choice(n, size=m, replace=False) for seed in seeds]
    full = np.array([theta(k, np.arange(n)) for k in range(n)])
    ratio = np.array([[full[k] / theta(k, sub) for sub in subsets] for k in range(n)])  # D*/D
    widths = {}
    for kappa, rate in ((1 / 2, None), (2 / 3, 2 / 3)):
        stat = m ** kappa * (ratio - 1)
        lo, hi = np.quantile(stat, [0.05, 0.95], axis=1)
        out = dea_bootstrap(df, ["x1", "x2"], "y", method="subsampling", subsample_size=m, n_boot=n_boot,
                            ci=0.9, random_state=5, rate=rate)
        assert out.rate == pytest.approx(kappa)
        res = out.efficiency
        np.testing.assert_allclose(res["efficiency"], full, atol=1e-9)
        np.testing.assert_allclose(res["ci_low"], full * (1 + n ** -kappa * lo), atol=1e-9)
        np.testing.assert_allclose(res["ci_high"], full * (1 + n ** -kappa * hi), atol=1e-9)
        assert (res["ci_high"] <= res["efficiency"] + 1e-12).all()
        widths[kappa] = (res["ci_high"] - res["ci_low"]).to_numpy()
    # the slower default rate gives the wider intervals (m < n), never narrower ones
    assert (widths[1 / 2] >= widths[2 / 3] - 1e-12).all() and (widths[1 / 2] > widths[2 / 3]).any()


def test_rate_belongs_to_subsampling():
    df, _ = _cobb_douglas(np.random.default_rng(3), 20, "crs", "input")
    with pytest.raises(BenchmarkError, match="`rate` belongs to method='subsampling'"):
        dea_bootstrap(df, ["x1", "x2"], "y", n_boot=10, rate=0.5)
    for bad in (0, 1.5, -0.2, "fast"):
        with pytest.raises(BenchmarkError, match="`rate`"):
            dea_bootstrap(df, ["x1", "x2"], "y", method="subsampling", subsample_size=8, n_boot=10, rate=bad)


def test_subsampling_coverage_on_a_reduced_design():
    """Seeded Monte Carlo on a known frontier (the design of perf/bootstrap_coverage.py, smaller: VRS,
    input orientation, 6 data sets of 60 units, m = 60^0.6 fixed to skip the size search): the 95%
    subsampling intervals cover the true efficiency in >= 90% of cases, the smoothed ones less often."""
    rng = np.random.default_rng(2026)
    cover, smoothed = [], []
    for rep in range(6):
        df, u = _cobb_douglas(rng, 60, "vrs", "input")
        e = dea_bootstrap(df, ["x1", "x2"], "y", rts="vrs", method="subsampling", subsample_size=12,
                          n_boot=200, random_state=rep).efficiency
        cover.append(((e["ci_low"] <= u) & (u <= e["ci_high"])).mean())
        e = dea_bootstrap(df, ["x1", "x2"], "y", rts="vrs", n_boot=200, random_state=rep).efficiency
        smoothed.append(((e["ci_low"] <= u) & (u <= e["ci_high"])).mean())
    assert np.mean(cover) >= 0.9
    assert np.mean(smoothed) < np.mean(cover)


def test_subsampling_coverage_under_crs_default_rate():
    """The same reduced design under CRS (8 data sets of 60 units, m = 12): with the default rate
    2/(p+q+1) the 95% intervals cover >= 93% of true efficiencies; the asymptotic CRS rate 2/(p+q)
    gives narrower intervals that cover less (about 0.90 here, 0.92 at n = 100 in perf/)."""
    rng = np.random.default_rng(2026)
    default, asymptotic = [], []
    for rep in range(8):
        df, u = _cobb_douglas(rng, 60, "crs", "input")
        for rate, cover in ((None, default), (2 / 3, asymptotic)):
            e = dea_bootstrap(df, ["x1", "x2"], "y", rts="crs", method="subsampling", subsample_size=12,
                              n_boot=200, random_state=rep, rate=rate).efficiency
            cover.append(((e["ci_low"] <= u) & (u <= e["ci_high"])).mean())
    assert np.mean(default) >= 0.93
    assert np.mean(asymptotic) < np.mean(default)


def test_subsample_size_rule_table():
    df, _ = _cobb_douglas(np.random.default_rng(13), 80, "vrs", "input")
    X, Y = df[["x1", "x2"]].to_numpy(), df[["y"]].to_numpy()
    table = subsample_size_rule(X, Y, "vrs", "input", random_state=0, n_boot=40)
    assert list(table.columns) == ["subsample_size", "volatility"]
    assert table["subsample_size"].is_monotonic_increasing and table["subsample_size"].max() < 80
    # the window of one neighbour leaves the two end candidates without a volatility
    assert table["volatility"].isna().sum() == 2 and (table["volatility"].dropna() >= 0).all()
    res = dea_bootstrap(df, ["x1", "x2"], "y", rts="vrs", method="subsampling", n_boot=30, random_state=0)
    choice = res.subsample_choice
    assert res.subsample_size == choice.loc[choice["volatility"].idxmin(), "subsample_size"]


@settings(max_examples=8, deadline=None)
@given(scale=st.floats(0.01, 100.0), seed=st.integers(0, 1000))
def test_subsampling_intervals_do_not_depend_on_units(scale, seed):
    """Measuring an input in other units (x1 * scale) leaves every score and interval unchanged."""
    df, _ = _cobb_douglas(np.random.default_rng(seed), 25, "vrs", "input")
    kw = {"rts": "vrs", "method": "subsampling", "subsample_size": 10, "n_boot": 20, "random_state": seed}
    a = dea_bootstrap(df, ["x1", "x2"], "y", **kw).efficiency
    b = dea_bootstrap(df.assign(x1=df["x1"] * scale), ["x1", "x2"], "y", **kw).efficiency
    for col in ("efficiency", "ci_low", "ci_high", "bias_corrected"):
        np.testing.assert_allclose(a[col], b[col], rtol=1e-7)
