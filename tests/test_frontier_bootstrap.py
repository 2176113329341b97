"""Tests of benchmark.frontier.dea_bootstrap (Simar & Wilson 1998)."""

from __future__ import annotations

import copy

import numpy as np
import pandas as pd
import pytest

from benchmark import BenchmarkError, NonPositiveError, dea, dea_bootstrap
from benchmark.frontier import _lp
from benchmark.frontier.bootstrap import _draw, bandwidth_rule

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
        cover.append(((res["lower"] <= theta) & (theta <= res["upper"])).mean())
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
    assert (eff["lower"] <= eff["upper"]).all()
    np.testing.assert_allclose(eff["bias"], eff["efficiency"] - eff["bias_corrected"])
    assert a.summary().set_index("statistic").loc["n_boot", "value"] == 60
    assert set(a.to_frames()) == {"efficiency"}


def test_progress_bar_runs(capsys):
    pytest.importorskip("tqdm")
    df, _ = _known_frontier(np.random.default_rng(4), 20)
    dea_bootstrap(df, ["x1", "x2"], "y", n_boot=10, random_state=0, progress=True)


def test_runs_on_a_dask_cluster():
    """Large jobs go to a cluster through joblib's dask backend."""
    pytest.importorskip("dask")
    distributed = pytest.importorskip("distributed")
    import joblib

    df, _ = _known_frontier(np.random.default_rng(6), 25)
    local = dea_bootstrap(df, ["x1", "x2"], "y", n_boot=40, random_state=9)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as cluster, distributed.Client(cluster):
        with joblib.parallel_config(backend="dask"):
            remote = dea_bootstrap(df, ["x1", "x2"], "y", n_boot=40, random_state=9, n_jobs=2)
    pd.testing.assert_frame_equal(local.efficiency, remote.efficiency)


def test_bad_input():
    df, _ = _known_frontier(np.random.default_rng(7), 20)
    with pytest.raises(BenchmarkError, match="n_boot"):
        dea_bootstrap(df, ["x1", "x2"], "y", n_boot=1)
    with pytest.raises(BenchmarkError, match="alpha"):
        dea_bootstrap(df, ["x1", "x2"], "y", alpha=1.5)
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
