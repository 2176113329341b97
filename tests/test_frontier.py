"""Tests of benchmark.frontier.dea / super_efficiency.

Numbers are checked against R's Benchmarking package (reference results in
tests/data/benchmarking/), the five-firm example of Coelli, Rao & Battese (1998, ch. 6) worked
by hand, the multiplier (dual) form solved with scipy, and brute force.
"""

from __future__ import annotations

import copy
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import benchmark
from benchmark import (
    BenchmarkError,
    ColumnError,
    MissingValueError,
    NonPositiveError,
    UnknownEntityError,
    dea,
    super_efficiency,
)
from benchmark.frontier import _lp

pytestmark = pytest.mark.filterwarnings("ignore:DEA with:UserWarning")


# ----------------------------------------------------------------- reference data
#: Results recorded from R's Benchmarking 0.33 and the data they were computed
#: on; the source is cited in tests/data/benchmarking/README.md.
REF = Path(__file__).resolve().parent / "data" / "benchmarking"
SETS = {
    "frontier41": ("firm", ["capital", "labour"], ["output"]),
    "norCourts2018": ("district_court", ["judges", "case_workers", "costs"],
                      ["civil_cases", "criminal_case_single", "criminal_case_full_bench", "other_civil_cases"]),
    "electricPlants": ("plant", ["labor", "fuel", "capital"], ["output"]),
    "hospitals": ("firm_id", ["labor", "capital"], ["inpatients", "outpatients"]),
}
RTS_NAMES = {"crs": "crs", "vrs": "vrs", "drs": "nirs", "irs": "ndrs"}


@pytest.fixture(scope="module")
def reference_results() -> pd.DataFrame:
    return pd.read_csv(REF / "benchmarking_results.csv.gz", dtype={"dmu": str})


@pytest.mark.parametrize("dataset", list(SETS))
@pytest.mark.parametrize("bm_rts", list(RTS_NAMES))
@pytest.mark.parametrize("orient", ["in", "out"])
def test_matches_benchmarking(reference_results, dataset, bm_rts, orient):
    """Efficiency, super-efficiency and slack sums agree with Benchmarking 0.33 for every unit.

    The stored ``peers`` column holds one name per unit: the first peer of
    ``Benchmarking::peers`` (peers listed in data order). Alternative optimal
    lambdas could legitimately change it, but here our first peer in data
    order agrees for every unit of all 32 models.
    """
    entity, ins, outs = SETS[dataset]
    data = pd.read_csv(REF / f"{dataset}.csv", dtype={entity: str})
    ref = reference_results.query("dataset == @dataset and rts == @bm_rts and orientation == @orient")
    ref = ref.set_index("dmu").loc[data[entity]]
    res = dea(data, ins, outs, rts=bm_rts, orientation=orient, entity=entity)
    column = "efficiency" if orient == "in" else "farrell_output"
    np.testing.assert_allclose(res.efficiency[column], ref["efficiency"], rtol=0, atol=1e-6)

    sup = super_efficiency(data, ins, outs, rts=bm_rts, orientation=orient, entity=entity)
    sup_column = "super_efficiency" if orient == "in" else "farrell_output"
    ours, theirs = sup[sup_column].to_numpy(), ref["super_efficiency"].to_numpy()
    assert (np.isinf(ours) == np.isinf(theirs)).all()
    assert (ours[np.isinf(ours)] == theirs[np.isinf(theirs)]).all()  # same sign of infinity
    np.testing.assert_allclose(ours[np.isfinite(ours)], theirs[np.isfinite(theirs)], rtol=0, atol=1e-6)
    assert sup["reason"].notna().sum() == np.isinf(theirs).sum()

    # Slack sums are the optimum of the slack program, unique even where lambda is not.
    np.testing.assert_allclose(res.slacks["slack_sum"], ref["slack_sum"], rtol=1e-6, atol=1e-6)

    first_peer = res.lambdas.assign(
        order=res.lambdas["peer"].map({e: i for i, e in enumerate(data[entity])})
    ).sort_values([entity, "order"]).groupby(entity, sort=False)["peer"].first()
    assert (first_peer.loc[data[entity]].to_numpy() == ref["peers"].to_numpy()).all()


# ----------------------------------------------------------------- textbook example
@pytest.fixture
def five_firms() -> pd.DataFrame:
    """Coelli, Rao & Battese (1998, ch. 6): one output, two inputs, five firms."""
    return pd.DataFrame({"institution": ["1", "2", "3", "4", "5"], "y": [1.0, 2, 3, 1, 2],
                         "x1": [2.0, 2, 6, 3, 6], "x2": [5.0, 4, 6, 2, 2]})


def test_coelli_rao_battese_five_firms(five_firms):
    """CRS input-oriented scores worked by hand on the unit isoquant.

    Per unit of output the firms use (2,5), (1,2), (2,2), (3,2), (3,1); the
    isoquant runs from firm 2 (1,2) to firm 5 (3,1): x2 = 2 - (x1 - 1)/2,
    and vertically above firm 2. Firm 3: 2t = 2.5 - t, t = 5/6. Firm 4:
    2t = 2.5 - 1.5t, t = 5/7. Firm 1's ray t(2,5) meets the vertical part at
    x1 = 1: t = 1/2, leaving 0.5 of x2 as slack. The book reports 0.500,
    1.000, 0.833, 0.714, 1.000.
    """
    with pytest.warns(UserWarning, match="DEA with 2 inputs and 1 outputs on 5 units"):
        res = dea(five_firms, ["x1", "x2"], "y")
    np.testing.assert_allclose(res.efficiency["efficiency"], [0.5, 1, 5 / 6, 5 / 7, 1], atol=1e-12)
    np.testing.assert_allclose(res.slacks[["x1", "x2", "y"]].to_numpy()[0], [0, 0.5, 0], atol=1e-9)
    lam = res.lambdas.set_index(["institution", "peer"])["lambda"]
    # Firm 3: (5/3, 5/3) per unit output = 2/3 (1,2) + 1/3 (3,1); it makes 3, firms 2 and 5 make 2.
    assert lam[("3", "2")] == pytest.approx(1.0) and lam[("3", "5")] == pytest.approx(0.5)
    # Firm 4: (15/7, 10/7) = 3/7 (1,2) + 4/7 (3,1); it makes 1.
    assert lam[("4", "2")] == pytest.approx(3 / 14) and lam[("4", "5")] == pytest.approx(2 / 7)
    assert lam[("1", "2")] == pytest.approx(0.5)
    tg = res.targets().set_index(["institution", "indicator"])
    assert tg.loc[("1", "x2"), "target"] == pytest.approx(2.0)  # 0.5 * 5 - 0.5
    assert tg.loc[("4", "x1"), "gap"] == pytest.approx(3 * 5 / 7 - 3)


# ----------------------------------------------------------------- second methods
def _random_frame(rng: np.random.Generator, n: int, m: int, s: int) -> tuple[pd.DataFrame, list, list]:
    X = rng.uniform(1, 10, (n, m))
    Y = rng.uniform(1, 10, (n, s)) * X.mean(axis=1, keepdims=True) ** 0.5
    ins, outs = [f"x{i}" for i in range(m)], [f"y{r}" for r in range(s)]
    df = pd.DataFrame(np.column_stack([X, Y]), columns=ins + outs)
    df.insert(0, "institution", [f"u{i:03d}" for i in range(n)])
    return df, ins, outs


def _multiplier(X: np.ndarray, Y: np.ndarray, k: int, rts: str, orientation: str) -> float:
    """The dual (multiplier) program of unit k, solved with scipy (Banker, Charnes & Cooper 1984).

    Input: max u'y_k - u0 s.t. v'x_k = 1, u'y_j - v'x_j - u0 <= 0 for all j.
    Output: min v'x_k + v0 s.t. u'y_k = 1, u'y_j - v'x_j - v0 <= 0 for all j.
    The free u0 / v0 exists under VRS only.
    """
    from scipy.optimize import linprog

    n, m = X.shape
    s = Y.shape[1]
    free = int(rts == "vrs")
    A_ub = np.hstack([-X, Y, -np.ones((n, free))])
    bounds = [(0, None)] * (m + s) + [(None, None)] * free
    if orientation == "input":
        c = -np.concatenate([np.zeros(m), Y[k], -np.ones(free)])
        A_eq = np.concatenate([X[k], np.zeros(s + free)])[None]
    else:
        c = np.concatenate([X[k], np.zeros(s), np.ones(free)])
        A_eq = np.concatenate([np.zeros(m), Y[k], np.zeros(free)])[None]
    res = linprog(c, A_ub=A_ub, b_ub=np.zeros(n), A_eq=A_eq, b_eq=[1.0], bounds=bounds, method="highs")
    assert res.status == 0
    return -res.fun if orientation == "input" else res.fun


@pytest.mark.parametrize("rts", ["crs", "vrs"])
@pytest.mark.parametrize("orientation", ["input", "output"])
def test_envelopment_equals_multiplier_form(rts, orientation):
    df, ins, outs = _random_frame(np.random.default_rng(7), 40, 3, 2)
    res = dea(df, ins, outs, rts=rts, orientation=orientation, slacks=False)
    col = "efficiency" if orientation == "input" else "farrell_output"
    X, Y = df[ins].to_numpy(), df[outs].to_numpy()
    dual = [_multiplier(X, Y, k, rts, orientation) for k in range(len(df))]
    np.testing.assert_allclose(res.efficiency[col], dual, atol=1e-8)


def _full_lp(X: np.ndarray, Y: np.ndarray, XR: np.ndarray, YR: np.ndarray, k: int, rts: str,
             orientation: str, exclude: int | None = None) -> float:
    """One envelopment program over the whole reference set (no reduction), scipy."""
    from scipy.optimize import linprog

    n, m = XR.shape
    s = YR.shape[1]
    inp = orientation == "input"
    c = np.r_[1.0 if inp else -1.0, np.zeros(n)]
    A_ub = np.vstack([np.column_stack([-X[k] if inp else np.zeros(m), XR.T]),
                      np.column_stack([np.zeros(s) if inp else Y[k], -YR.T])])
    b_ub = np.r_[np.zeros(m) if inp else X[k], -Y[k] if inp else np.zeros(s)]
    A_eq = b_eq = None
    if rts == "vrs":
        A_eq, b_eq = np.r_[0.0, np.ones(n)][None], [1.0]
    elif rts == "nirs":
        A_ub, b_ub = np.vstack([A_ub, np.r_[0.0, np.ones(n)]]), np.r_[b_ub, 1.0]
    elif rts == "ndrs":
        A_ub, b_ub = np.vstack([A_ub, np.r_[0.0, -np.ones(n)]]), np.r_[b_ub, -1.0]
    bounds = [(0, None)] * (n + 1)
    if exclude is not None:
        bounds[1 + exclude] = (0, 0)
    res = linprog(c, A_ub=A_ub, b_ub=b_ub, A_eq=A_eq, b_eq=b_eq, bounds=bounds, method="highs")
    if res.status == 2:
        return np.inf if inp else -np.inf
    return res.x[0]


@pytest.mark.parametrize("rts", ["crs", "vrs", "nirs", "ndrs"])
def test_reduced_reference_set_is_exact_on_large_data(rts):
    """Beyond the direct size the frame is built recursively; sampled units match the full LP."""
    df, ins, outs = _random_frame(np.random.default_rng(3), 1000, 3, 2)
    X, Y = df[ins].to_numpy(), df[outs].to_numpy()
    res = dea(df, ins, outs, rts=rts, slacks=False)
    sample = np.random.default_rng(0).choice(len(df), 25, replace=False)
    full = [_full_lp(X, Y, X, Y, k, rts, "input") for k in sample]
    np.testing.assert_allclose(res.efficiency["efficiency"].to_numpy()[sample], full, atol=1e-8)


def _cobb_douglas(n: int, m: int, s: int, seed: int) -> tuple[pd.DataFrame, list, list]:
    """Many indicators: a Cobb-Douglas frontier split over the outputs; most units are efficient."""
    rng = np.random.default_rng(seed)
    X = rng.uniform(10, 100, (n, m))
    Y = (X.prod(axis=1) ** (0.8 / m) * np.exp(-np.abs(rng.normal(0, 0.3, n))))[:, None]
    Y = Y * np.sqrt(rng.dirichlet(np.ones(s), n))
    ins, outs = [f"x{i}" for i in range(m)], [f"y{r}" for r in range(s)]
    df = pd.DataFrame(np.column_stack([X, Y]), columns=ins + outs)
    df.insert(0, "institution", [f"u{i:03d}" for i in range(n)])
    return df, ins, outs


@pytest.fixture
def wide_spy(monkeypatch):
    """Counts programs solved with partial pricing and starts taken from a shared facet."""
    seen = {"partial": 0, "facet": 0}
    partial, facet = _lp._simplex_partial, _lp._facet_start

    def spy_partial(G, *args, **kwargs):
        seen["partial"] += len(G)
        return partial(G, *args, **kwargs)

    def spy_facet(G, A, b, basis, rec):
        before = basis.copy()
        facet(G, A, b, basis, rec)
        seen["facet"] += int((basis != before).any(axis=1).sum())

    monkeypatch.setattr(_lp, "_simplex_partial", spy_partial)
    monkeypatch.setattr(_lp, "_facet_start", spy_facet)
    return seen


@pytest.mark.parametrize(("rts", "orientation"), [("vrs", "input"), ("vrs", "output"), ("crs", "input"),
                                                  ("nirs", "output"), ("ndrs", "input")])
def test_many_indicators_wide_frame_is_exact(wide_spy, rts, orientation):
    """5 inputs and 5 outputs: the frame is wider than the partial-pricing threshold, and frame
    units start from facets found for other units; sampled scores equal the full LP (scipy)."""
    df, ins, outs = _cobb_douglas(900, 5, 5, seed=11)
    X, Y = df[ins].to_numpy(), df[outs].to_numpy()
    res = dea(df, ins, outs, rts=rts, orientation=orientation, slacks=False)
    assert wide_spy["partial"] > 0 and wide_spy["facet"] > 0
    col = "efficiency" if orientation == "input" else "farrell_output"
    sample = np.random.default_rng(1).choice(len(df), 30, replace=False)
    full = [_full_lp(X, Y, X, Y, k, rts, orientation) for k in sample]
    np.testing.assert_allclose(res.efficiency[col].to_numpy()[sample], full, atol=1e-8)


def test_many_indicators_certificate_and_slacks(wide_spy):
    """On a wide frame every unit's dual prices all reference columns non-negatively, and the
    slack sums equal those of the one-program-per-unit HiGHS engine."""
    df, ins, outs = _cobb_douglas(700, 5, 5, seed=12)
    X, Y = df[ins].to_numpy(), df[outs].to_numpy()
    sx, sy = _lp._scales(X, Y)
    tech = _lp.Technology(X / sx, Y / sy, "vrs", "input", np.zeros(len(X)))
    F, res = _lp._frame_batch(tech, np.arange(len(X)), _lp._priority(tech), 1, "highs", {})
    assert len(F) > _lp._PARTIAL_FROM and wide_spy["partial"] > 0
    assert _lp._violations(tech, np.arange(len(X)), res.duals).min() > -1e-7
    fast = dea(df, ins, outs, rts="vrs")
    slow = dea(df.iloc[::14], ins, outs, rts="vrs", reference=df, engine="scipy")
    np.testing.assert_allclose(fast.efficiency["efficiency"].to_numpy()[::14], slow.efficiency["efficiency"],
                               atol=1e-8)
    np.testing.assert_allclose(fast.slacks["slack_sum"].to_numpy()[::14], slow.slacks["slack_sum"],
                               rtol=1e-6, atol=1e-7)


def test_partial_pricing_equals_full_pricing():
    """The partial-pricing simplex and the fully priced one certify the same optima."""
    df, ins, outs = _cobb_douglas(500, 4, 4, seed=13)
    X, Y = df[ins].to_numpy(), df[outs].to_numpy()
    sx, sy = _lp._scales(X, Y)
    tech = _lp.Technology(X / sx, Y / sy, "vrs", "input", np.zeros(len(X)))
    F = np.arange(len(X))
    A = np.hstack([tech.columns(F).T, _lp._slack_block(tech)])
    G, cG, b, basis = _lp._batch_program_for(tech, F, np.arange(len(X)))
    ok1, b1 = _lp._simplex_partial(G, cG, A, np.zeros(A.shape[1]), b, basis)
    ok2, b2 = _lp._simplex_shared(G, cG, A, np.zeros(A.shape[1]), b, basis, max_iter=2000)
    both = ok1 & ok2
    assert both.mean() > 0.9

    def scores(final):  # the score column is column 0; a basis without it has score 0
        x = np.linalg.solve(_lp._gather(G, A, final), b[:, :, None])[:, :, 0]
        return np.where(final == 0, x, 0.0).sum(axis=1)[both]

    np.testing.assert_allclose(scores(b1), scores(b2), atol=1e-9)


def test_engine_dual_prices_every_excluded_column():
    """The certificate: each unit's dual is feasible for all reference columns, not only the frame."""
    df, ins, outs = _random_frame(np.random.default_rng(5), 900, 2, 2)
    X, Y = df[ins].to_numpy(), df[outs].to_numpy()
    sx, sy = _lp._scales(X, Y)
    tech = _lp.Technology(X / sx, Y / sy, "vrs", "input", np.zeros(len(X)))
    F, res = _lp._frame_batch(tech, np.arange(len(X)), _lp._priority(tech), 1, "highs", {})
    assert len(F) < len(X) / 5
    worst = _lp._violations(tech, np.arange(len(X)), res.duals)
    assert worst.min() > -1e-7


def test_fdh_against_brute_force():
    df, ins, outs = _random_frame(np.random.default_rng(11), 30, 2, 2)
    X, Y = df[ins].to_numpy(), df[outs].to_numpy()
    expected = []
    for k in range(len(df)):  # the best single dominating unit, by definition
        best = min(max(X[j] / X[k]) for j in range(len(df)) if (Y[j] >= Y[k]).all())
        expected.append(best)
    res = dea(df, ins, outs, rts="fdh")
    np.testing.assert_allclose(res.efficiency["efficiency"], expected, atol=1e-12)
    out = dea(df, ins, outs, rts="fdh", orientation="output")
    phi = [max(min(Y[j] / Y[k]) for j in range(len(df)) if (X[j] <= X[k]).all()) for k in range(len(df))]
    np.testing.assert_allclose(out.efficiency["farrell_output"], phi, atol=1e-12)
    assert (res.lambdas.groupby("institution").size() == 1).all()


def test_one_input_one_output_crs_is_a_ratio():
    df = pd.DataFrame({"institution": list("ABCDEF"), "x": [2.0, 4, 3, 5, 6, 4], "y": [3.0, 4, 2, 3, 6, 2]})
    ratio = df["y"] / df["x"]
    res = dea(df, "x", "y")
    np.testing.assert_allclose(res.efficiency["efficiency"], ratio / ratio.max())
    sup = super_efficiency(df, "x", "y")
    assert sup.loc[0, "super_efficiency"] == pytest.approx(1.5 / 1.0)  # best ratio over second best
    out = dea(df, "x", "y", orientation="output")
    np.testing.assert_allclose(out.efficiency["efficiency"], res.efficiency["efficiency"])
    np.testing.assert_allclose(out.efficiency["farrell_output"], 1 / res.efficiency["efficiency"])


def test_super_efficiency_infeasible_is_inf_with_reason():
    df = pd.DataFrame({"institution": list("ABC"), "x": [1.0, 2, 3], "y": [1.0, 3, 4]})
    sup = super_efficiency(df, "x", "y", rts="vrs")
    assert sup.loc[2, "super_efficiency"] == np.inf  # largest output: nothing else produces 4
    assert "infeasible" in sup.loc[2, "reason"]
    out = super_efficiency(df, "x", "y", rts="vrs", orientation="output")
    assert out.loc[0, "farrell_output"] == -np.inf  # smallest input, as Benchmarking reports it
    assert out.loc[0, "super_efficiency"] == np.inf


# ----------------------------------------------------------------- reference=
def test_reference_subset_mask_and_frame():
    df = pd.DataFrame({"institution": list("ABCDE"), "tier": list("AABBB"),
                       "x": [2.0, 4, 3, 5, 2], "y": [2.0, 6, 2, 3, 4]})
    by_list = dea(df, "x", "y", reference=["A", "B"])
    ratio = (df["y"] / df["x"]) / (6 / 4)  # best ratio among A and B
    np.testing.assert_allclose(by_list.efficiency["efficiency"], ratio)
    assert by_list.efficiency.loc[4, "efficiency"] > 1  # E beats the reference frontier
    by_mask = dea(df, "x", "y", reference=df["tier"] == "A")
    pd.testing.assert_frame_equal(by_mask.efficiency, by_list.efficiency)
    assert set(by_list.lambdas["peer"]) == {"B"}
    last_year = pd.DataFrame({"institution": ["P", "Q"], "x": [1.0, 2], "y": [1.0, 1]})
    ext = dea(df, "x", "y", reference=last_year)
    np.testing.assert_allclose(ext.efficiency["efficiency"], df["y"] / df["x"])
    assert set(ext.lambdas["peer"]) == {"P"}
    vrs = dea(df, "x", "y", rts="vrs", reference=last_year)
    assert np.isinf(vrs.efficiency["efficiency"]).all()  # outputs above any convex mix of P and Q
    assert vrs.efficiency["reason"].str.contains("infeasible").all()


# ----------------------------------------------------------------- engines, scaling
def test_scipy_engine_and_fallback_agree(monkeypatch):
    df, ins, outs = _random_frame(np.random.default_rng(2), 30, 2, 2)
    fast = dea(df, ins, outs, rts="vrs")
    slow = dea(df, ins, outs, rts="vrs", engine="scipy")
    np.testing.assert_allclose(fast.efficiency["efficiency"], slow.efficiency["efficiency"], atol=1e-9)
    np.testing.assert_allclose(fast.slacks["slack_sum"], slow.slacks["slack_sum"], rtol=1e-6, atol=1e-8)
    monkeypatch.setattr(_lp, "highs_available", lambda: False)
    auto = dea(df, ins, outs, rts="vrs", orientation="output")
    ref = dea(df, ins, outs, rts="vrs", orientation="output", engine="scipy")
    pd.testing.assert_frame_equal(auto.efficiency, ref.efficiency)
    with pytest.raises(BenchmarkError, match="highspy"):
        dea(df, ins, outs, engine="highs")


def test_badly_scaled_data_give_the_same_answers():
    df, ins, outs = _random_frame(np.random.default_rng(4), 200, 3, 2)
    scaled = df.assign(x0=df["x0"] * 1e9, x1=df["x1"] * 1e-3, y0=df["y0"] * 1e8)
    for rts in ("crs", "vrs"):
        a = dea(df, ins, outs, rts=rts)
        b = dea(scaled, ins, outs, rts=rts)
        np.testing.assert_allclose(a.efficiency["efficiency"], b.efficiency["efficiency"], atol=1e-9)
        # slacks are unit-free in the objective, so they scale with their column
        np.testing.assert_allclose(b.slacks["x0"], a.slacks["x0"] * 1e9, rtol=1e-6, atol=1e-3)


def test_parallel_matches_serial():
    df, ins, outs = _random_frame(np.random.default_rng(8), 700, 2, 2)
    one = dea(df, ins, outs, rts="vrs")
    two = dea(df, ins, outs, rts="vrs", n_jobs=2)
    np.testing.assert_allclose(one.efficiency["efficiency"], two.efficiency["efficiency"], atol=1e-10)
    np.testing.assert_allclose(one.slacks["slack_sum"], two.slacks["slack_sum"], rtol=1e-6, atol=1e-8)


# ----------------------------------------------------------------- result object
def test_result_tables_are_consistent(five_firms):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = dea(five_firms, ["x1", "x2"], "y", rts="vrs")
    frames = res.to_frames()
    assert set(frames) == {"efficiency", "lambdas", "targets", "slacks"}
    # targets = lambda-weighted peers (the projection), computed independently here
    data = five_firms.set_index("institution")
    lam = res.lambdas
    proj = (lam.assign(**{c: lam["lambda"] * data.loc[lam["peer"], c].to_numpy() for c in ["x1", "x2", "y"]})
            .groupby("institution")[["x1", "x2", "y"]].sum())
    tg = res.targets().pivot(index="institution", columns="indicator", values="target")
    np.testing.assert_allclose(tg[["x1", "x2", "y"]].to_numpy(), proj.to_numpy(), atol=1e-9)
    peers = res.peers()
    np.testing.assert_allclose(peers.groupby("institution")["weight"].sum(), 1.0)
    wide = res.peers(wide=True)
    assert list(wide["institution"]) == list(five_firms["institution"])
    summ = res.summary().set_index("statistic")["value"]
    assert summ["units"] == 5 and summ["efficient"] == res.efficiency["efficient"].sum()
    assert "DEAResult" in repr(res) and "<div>" in res._repr_html_()


def test_plot_delegates_to_plotting(five_firms):
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ax = dea(five_firms, ["x1", "x2"], "y").plot(focus="3")
    assert ax is not None


# ----------------------------------------------------------------- properties
def _frames(draw, min_n=6, max_n=14):
    n = draw(st.integers(min_n, max_n))
    m, s = draw(st.integers(1, 2)), draw(st.integers(1, 2))
    values = draw(st.lists(st.floats(1.0, 100.0, allow_nan=False), min_size=n * (m + s), max_size=n * (m + s)))
    arr = np.asarray(values).reshape(n, m + s)
    ins, outs = [f"x{i}" for i in range(m)], [f"y{r}" for r in range(s)]
    df = pd.DataFrame(arr, columns=ins + outs)
    df.insert(0, "institution", [f"u{i}" for i in range(n)])
    return df, ins, outs


frames = st.composite(_frames)
RTS_ALL = st.sampled_from(["crs", "vrs", "nirs", "ndrs"])
prop = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@prop
@given(frames(), RTS_ALL, st.lists(st.floats(-6, 6), min_size=4, max_size=4))
def test_property_rescaling_any_column(case, rts, logs):
    df, ins, outs = case
    scaled = df.copy()
    for col, e in zip(ins + outs, logs):
        scaled[col] = scaled[col] * 10.0 ** e
    a = dea(df, ins, outs, rts=rts, slacks=False).efficiency["efficiency"]
    b = dea(scaled, ins, outs, rts=rts, slacks=False).efficiency["efficiency"]
    np.testing.assert_allclose(a, b, atol=1e-7)


@prop
@given(frames(), st.lists(st.floats(0.01, 1.0), min_size=4, max_size=4))
def test_property_supporting_units_score_one(case, w):
    """The unit maximising a positive linear (VRS) or ratio (CRS) criterion is on the frontier."""
    df, ins, outs = case
    X, Y = df[ins].to_numpy(), df[outs].to_numpy()
    v, u = np.asarray(w[:len(ins)]), np.asarray(w[len(ins):len(ins) + len(outs)])
    crs_best = int(np.argmax((Y @ u) / (X @ v)))
    vrs_best = int(np.argmax(Y @ u - X @ v))
    for orientation in ("input", "output"):
        assert dea(df, ins, outs, orientation=orientation).efficiency["efficiency"][crs_best] == pytest.approx(1)
        vrs = dea(df, ins, outs, rts="vrs", orientation=orientation)
        assert vrs.efficiency["efficiency"][vrs_best] == pytest.approx(1)


@prop
@given(frames(), RTS_ALL, st.integers(0, 100), st.floats(0.0, 0.5), st.floats(0.0, 0.5))
def test_property_dominated_unit_changes_nothing(case, rts, pick, more, less):
    df, ins, outs = case
    j = pick % len(df)
    extra = df.iloc[[j]].copy()
    extra[ins] = extra[ins] * (1 + more)
    extra[outs] = extra[outs] * (1 - less)
    extra["institution"] = "dominated"
    a = dea(df, ins, outs, rts=rts, slacks=False).efficiency["efficiency"]
    b = dea(pd.concat([df, extra], ignore_index=True), ins, outs, rts=rts, slacks=False).efficiency["efficiency"]
    np.testing.assert_allclose(a, b.iloc[:-1], atol=1e-8)


@prop
@given(frames())
def test_property_input_crs_is_reciprocal_of_output_crs(case):
    df, ins, outs = case
    theta = dea(df, ins, outs, slacks=False).efficiency["efficiency"]
    phi = dea(df, ins, outs, orientation="output", slacks=False).efficiency["farrell_output"]
    np.testing.assert_allclose(theta, 1 / phi, rtol=1e-8)


@prop
@given(frames(), RTS_ALL, st.randoms(use_true_random=False))
def test_property_row_order_is_irrelevant(case, rts, rnd):
    df, ins, outs = case
    order = list(range(len(df)))
    rnd.shuffle(order)
    a = dea(df, ins, outs, rts=rts).efficiency.set_index("institution")["efficiency"]
    b = dea(df.iloc[order], ins, outs, rts=rts).efficiency.set_index("institution")["efficiency"]
    np.testing.assert_allclose(a, b.loc[a.index], atol=1e-9)


# ----------------------------------------------------------------- bad input
@pytest.fixture
def small() -> pd.DataFrame:
    return pd.DataFrame({"institution": list("ABCDEF"), "x": [2.0, 4, 3, 5, 6, 4], "y": [3.0, 4, 2, 3, 6, 2]})


@pytest.mark.parametrize("func", [dea, super_efficiency])
def test_bad_input(func, small):
    with pytest.raises(MissingValueError, match="'x'.*C"):
        func(small.assign(x=[2.0, 4, np.nan, 5, 6, 4]), "x", "y")
    with pytest.raises(NonPositiveError, match="'y'.*D"):
        func(small.assign(y=[3.0, 4, 2, -3, 6, 2]), "x", "y")
    with pytest.raises(NonPositiveError, match="'B'.*no positive output"):
        func(small.assign(y=[3.0, 0, 2, 3, 6, 2]), "x", "y")
    with pytest.raises(BenchmarkError, match="at least 2.*'A'"):
        func(small.head(1), "x", "y")
    with pytest.raises(ColumnError, match="'x'.*both"):
        func(small, "x", ["y", "x"])
    with pytest.raises(ColumnError, match="'z'"):
        func(small, "z", "y")
    with pytest.raises(BenchmarkError, match="rts"):
        func(small, "x", "y", rts="increasing")
    with pytest.raises(BenchmarkError, match="orientation"):
        func(small, "x", "y", orientation="sideways")
    with pytest.raises(BenchmarkError, match="n_jobs"):
        func(small, "x", "y", n_jobs=0)
    with pytest.raises(UnknownEntityError, match="'Z'"):
        func(small, "x", "y", reference=["A", "Z"])
    with pytest.raises(BenchmarkError, match="one value per row"):
        func(small, "x", "y", reference=[True, False])
    with pytest.raises(ColumnError, match="reference.*'y'"):
        func(small, "x", "y", reference=pd.DataFrame({"x": [1.0]}))
    with pytest.raises(BenchmarkError, match="selects no unit"):
        func(small, "x", "y", reference=[False] * 6)


def test_duplicate_units_and_too_few_warning(small):
    with pytest.raises(benchmark.DuplicateRowError, match="'A'"):
        dea(pd.concat([small, small.head(1)]), "x", "y")
    with pytest.warns(UserWarning, match="fewer than"):
        dea(small.head(4), "x", ["y"])


def test_inputs_are_not_modified(small):
    before = copy.deepcopy(small)
    ref = small.head(3).copy()
    dea(small, "x", "y", rts="vrs", reference=ref)
    super_efficiency(small, "x", "y", rts="vrs")
    pd.testing.assert_frame_equal(small, before)
    pd.testing.assert_frame_equal(ref, before.head(3))


def test_reused_model_falls_back_to_scipy_on_solver_trouble(monkeypatch):
    """A program the reused HiGHS model cannot settle is re-solved independently."""
    import types

    df, ins, outs = _random_frame(np.random.default_rng(12), 30, 2, 2)
    expected = dea(df, ins, outs, rts="vrs", reference=df.head(20)).efficiency["efficiency"]
    broken = types.SimpleNamespace(kOptimal=object(), kInfeasible=object(), kUnboundedOrInfeasible=object())
    original = _lp._HighsModel.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        self._status = broken  # every HiGHS status now looks like numerical trouble

    monkeypatch.setattr(_lp._HighsModel, "__init__", init)
    got = dea(df, ins, outs, rts="vrs", reference=df.head(20)).efficiency["efficiency"]
    np.testing.assert_allclose(got, expected, atol=1e-9)
