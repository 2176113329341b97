"""Second-stage regressions against rDEA, truncreg, AER and censReg (charnes1981, rDEA hospitals).

Reference numbers: tests/data/r_models_sfa (see its README for the R calls).
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import benchmark as bm
from benchmark import BenchmarkError

DATA = Path(__file__).parent / "data" / "r_models_sfa"
INPUTS, OUTPUTS = ["x1", "x2", "x3", "x4", "x5"], ["y1", "y2", "y3"]


@pytest.fixture(scope="module")
def reference():
    ref = pd.read_csv(DATA / "second_stage_reference.csv", keep_default_na=False, na_values=["nan"],
                      dtype={"unit": str})
    return ref


def model(reference, dataset, name):
    rows = reference[(reference["dataset"] == dataset) & (reference["model"] == name) & (reference["unit"] == "")]
    return rows.set_index("quantity")["value"]


@pytest.fixture(scope="module")
def charnes():
    return pd.read_csv(DATA / "charnes1981.csv")


@pytest.fixture(scope="module")
def first_stage(charnes):
    return bm.dea(charnes, INPUTS, OUTPUTS, rts="vrs", entity="firm")


@pytest.fixture(scope="module")
def hospitals():
    return pd.read_csv(DATA / "hospitals_theta.csv")


def test_first_stage_scores_match_rdea(first_stage, reference):
    theta = reference[(reference["dataset"] == "charnes1981") & (reference["quantity"] == "theta")]["value"]
    np.testing.assert_allclose(first_stage.efficiency["efficiency"], theta.to_numpy(), atol=1e-9)


@pytest.mark.parametrize("dataset, z", [("charnes1981", "pft"), ("hospitals_rDEA", "z1")])
def test_truncated_regression_matches_truncreg(request, reference, dataset, z):
    if dataset == "charnes1981":
        scores, data, entity = request.getfixturevalue("first_stage"), request.getfixturevalue("charnes"), "firm"
    else:
        data = request.getfixturevalue("hospitals")
        scores, entity = "theta", "firm_id"
    res = bm.second_stage(scores, data, z, entity=entity, n_boot=50, random_state=0)
    ref = model(reference, dataset, "truncreg_delta_gt1")
    est = res.coefficients.set_index("term")["estimate"]
    for term in ("(Intercept)", z, "sigma"):
        assert est[term] == pytest.approx(ref[f"coef_{term}"], abs=1e-6), term
    assert res.loglik == pytest.approx(ref["loglik"], abs=1e-6)
    assert res.n_used == ref["n_used"]
    # rDEA's beta_hat is the same regression
    sw = model(reference, dataset, "simar_wilson_rdea")
    assert est[z] == pytest.approx(sw[f"beta_hat_{z}"], abs=1e-6)
    assert res.response == "1/score"


def test_truncated_regression_standard_errors_match_truncreg(first_stage, charnes, reference):
    from benchmark.frontier._second_stage import _fit_truncreg, _truncreg_ll, _wald

    delta = 1 / first_stage.efficiency["efficiency"].to_numpy()
    delta = np.where(np.abs(delta - 1) < 1e-6, 1.0, delta)
    keep = delta > 1
    Z = np.column_stack([np.ones(keep.sum()), charnes["pft"].to_numpy()[keep]])
    p, _ = _fit_truncreg(delta[keep], Z)
    se = np.sqrt(np.diag(_wald(lambda q: _truncreg_ll(q, delta[keep], Z, 1.0), p)))
    ref = model(reference, "charnes1981", "truncreg_delta_gt1")
    np.testing.assert_allclose(se, [ref["se_(Intercept)"], ref["se_pft"], ref["se_sigma"]], rtol=1e-4)


@pytest.mark.parametrize("dataset, z", [("charnes1981", "pft"), ("hospitals_rDEA", "z1")])
def test_tobit_matches_aer_and_censreg(request, reference, dataset, z):
    if dataset == "charnes1981":
        scores, data, entity = request.getfixturevalue("first_stage"), request.getfixturevalue("charnes"), "firm"
    else:
        data = request.getfixturevalue("hospitals")
        scores, entity = "theta", "firm_id"
    res = bm.second_stage(scores, data, z, method="tobit", entity=entity)
    aer = model(reference, dataset, "tobit_aer_right1")
    cens = model(reference, dataset, "censreg_right1")
    table = res.coefficients.set_index("term")
    for term in ("(Intercept)", z):
        assert table.loc[term, "estimate"] == pytest.approx(aer[f"coef_{term}"], abs=1e-7)
        assert table.loc[term, "estimate"] == pytest.approx(cens[f"coef_{term}"], abs=1e-7)
        assert table.loc[term, "se"] == pytest.approx(aer[f"se_{term}"], rel=1e-4)
    assert table.loc["sigma", "estimate"] == pytest.approx(aer["scale"], rel=1e-6)
    # AER reports the standard error of log(scale): se(sigma) / sigma by the delta method
    assert table.loc["sigma", "se"] / table.loc["sigma", "estimate"] == pytest.approx(aer["se_Log(scale)"],
                                                                                       rel=1e-4)
    assert res.loglik == pytest.approx(aer["loglik"], abs=1e-6)
    assert res.n_censored == aer["n_censored"]
    assert res.response == "score"


def test_scores_a_hair_below_one_count_as_censored(first_stage, charnes, reference):
    theta = first_stage.efficiency["efficiency"].to_numpy()
    nudged = np.where(theta > 1 - 1e-6, 1 - 1e-12, theta)
    res = bm.second_stage(nudged, charnes, "pft", method="tobit", entity="firm")
    assert res.n_censored == 27
    aer = model(reference, "charnes1981", "tobit_aer_right1")
    assert res.coefficients["estimate"].iloc[0] == pytest.approx(aer["coef_(Intercept)"], abs=1e-7)


def test_ols_matches_scipy_linregress(first_stage, charnes):
    from scipy.stats import linregress

    res = bm.second_stage(first_stage, charnes, "pft", method="ols", entity="firm")
    fit = linregress(charnes["pft"], first_stage.efficiency["efficiency"])
    table = res.coefficients.set_index("term")
    assert table.loc["pft", "estimate"] == pytest.approx(fit.slope, abs=1e-10)
    assert table.loc["(Intercept)", "estimate"] == pytest.approx(fit.intercept, abs=1e-10)
    assert table.loc["pft", "se"] == pytest.approx(fit.stderr, rel=1e-8)
    assert table.loc["pft", "p"] == pytest.approx(fit.pvalue, rel=1e-6)


@pytest.fixture(scope="module")
def algorithm2(first_stage, charnes):
    return bm.second_stage(first_stage, charnes, "pft", algorithm=2, n_boot=500, n_boot_bias=30,
                           random_state=2, entity="firm")


def test_algorithm2_agrees_with_rdea_within_monte_carlo_error(algorithm2, reference):
    """rDEA (L1 = 100, L2 = 2000) and this run (30, 500) use different random numbers: the estimates on
    the bias-corrected scores and the interval ends agree to a fraction of the interval's width."""
    sw = model(reference, "charnes1981", "simar_wilson_rdea")
    table = algorithm2.coefficients.set_index("term")
    for term, key in (("(Intercept)", "(Intercept)"), ("pft", "pft")):
        width = sw[f"beta_ci_high_{key}"] - sw[f"beta_ci_low_{key}"]
        assert abs(table.loc[term, "estimate"] - sw[f"beta_hat_hat_{key}"]) < 0.2 * width
        assert abs(table.loc[term, "ci_low"] - sw[f"beta_ci_low_{key}"]) < 0.2 * width
        assert abs(table.loc[term, "ci_high"] - sw[f"beta_ci_high_{key}"]) < 0.2 * width
    width = sw["sigma_ci_high"] - sw["sigma_ci_low"]
    assert abs(table.loc["sigma", "estimate"] - sw["sigma_hat_hat"]) < 0.2 * width
    assert abs(table.loc["sigma", "ci_low"] - sw["sigma_ci_low"]) < 0.2 * width
    # bias-corrected distances: mean gap small against the mean bias (about 0.05)
    rdea = reference[(reference["dataset"] == "charnes1981") & (reference["quantity"] == "delta_hat_hat")]
    gap = algorithm2.scores["delta_bc"].to_numpy() - rdea["value"].to_numpy()
    assert abs(gap.mean()) < 0.005
    # DEA distances are biased towards 1 (the estimated frontier lies inside the true one)
    assert algorithm2.scores["bias"].mean() < 0
    assert (algorithm2.scores["delta_bc"] >= algorithm2.scores["response"] - 1e-12).mean() > 0.9
    assert algorithm2.algorithm == 2 and len(algorithm2.replicates) == 500


def test_algorithm1_bootstrap_error_matches_wald_error_on_a_large_sample(hospitals, reference):
    res = bm.second_stage("theta", hospitals, "z1", entity="firm_id", n_boot=300, random_state=1)
    ref = model(reference, "hospitals_rDEA", "truncreg_delta_gt1")
    se = res.coefficients.set_index("term")["se"]
    assert se["z1"] == pytest.approx(ref["se_z1"], rel=0.15)
    assert se["(Intercept)"] == pytest.approx(ref["se_(Intercept)"], rel=0.15)


def test_batched_truncated_regressions_equal_one_by_one():
    from scipy.stats import truncnorm

    from benchmark.frontier._second_stage import _batched_truncreg, _fit_truncreg

    rng = np.random.default_rng(5)
    Z = np.column_stack([np.ones(60), rng.integers(0, 2, 60), rng.normal(size=60)])
    mean = Z @ [1.0, 0.1, 0.05]
    Y = mean + 0.1 * truncnorm.rvs((1 - mean) / 0.1, np.inf, size=(15, 60), random_state=rng)
    batch = _batched_truncreg(Y, Z, np.array([1.0, 0.1, 0.05, np.log(0.1)]))
    for row, y in zip(batch, Y):
        p, _ = _fit_truncreg(y, Z)
        np.testing.assert_allclose(row, np.append(p[:-1], np.exp(p[-1])), atol=1e-6)


def test_compare_side_by_side(first_stage, charnes):
    results = [bm.second_stage(first_stage, charnes, "pft", method=m, n_boot=50, random_state=0, entity="firm")
               for m in ("simar_wilson", "tobit", "ols")]
    wide = bm.compare_second_stage(*results)
    assert list(wide.index) == ["(Intercept)", "pft", "sigma"]
    assert {"simar_wilson_1_estimate", "tobit_se", "ols_p"} <= set(wide.columns)
    # delta = 1/theta: the Simar-Wilson sign is opposite to Tobit's here
    assert np.sign(wide.loc["pft", "simar_wilson_1_estimate"]) == -np.sign(wide.loc["pft", "tobit_estimate"])
    summary = results[1].summary().set_index("statistic")["value"]
    assert summary["method"] == "tobit"
    assert summary["units"] == results[1].n and summary["censored"] == results[1].n_censored


def test_categorical_covariates_become_dummies(first_stage, charnes):
    data = charnes.assign(group=np.where(charnes["pft"] == 1, "program", "control"))
    a = bm.second_stage(first_stage, data, "group", method="tobit", entity="firm")
    b = bm.second_stage(first_stage, charnes, "pft", method="tobit", entity="firm")
    assert a.coefficients["term"].tolist() == ["(Intercept)", "group=program", "sigma"]
    np.testing.assert_allclose(a.coefficients["estimate"], b.coefficients["estimate"], atol=1e-8)


@settings(max_examples=6, deadline=None)
@given(st.permutations(list(range(70))))
def test_row_order_does_not_matter(order):
    charnes = pd.read_csv(DATA / "charnes1981.csv")
    theta = bm.dea(charnes, INPUTS, OUTPUTS, rts="vrs", entity="firm").efficiency["efficiency"]
    data = charnes.assign(theta=theta)
    base = bm.second_stage("theta", data, "pft", method="tobit", entity="firm")
    perm = bm.second_stage("theta", data.iloc[list(order)], "pft", method="tobit", entity="firm")
    np.testing.assert_allclose(perm.coefficients["estimate"], base.coefficients["estimate"], atol=1e-7)


# ----------------------------------------------------------------- bad input
def test_bad_input(first_stage, charnes):
    with pytest.raises(BenchmarkError, match="pft"):
        bad = charnes.astype({"pft": float})
        bad.loc[4, "pft"] = np.nan
        bm.second_stage(first_stage, bad, "pft", method="tobit", entity="firm")
    with pytest.raises(BenchmarkError, match="method"):
        bm.second_stage(first_stage, charnes, "pft", method="probit", entity="firm")
    with pytest.raises(BenchmarkError, match="algorithm"):
        bm.second_stage(first_stage, charnes, "pft", algorithm=3, entity="firm")
    with pytest.raises(BenchmarkError, match="algorithm 2"):
        bm.second_stage(first_stage.efficiency["efficiency"], charnes, "pft", algorithm=2, entity="firm")
    with pytest.raises(BenchmarkError, match="constant"):
        bm.second_stage(first_stage, charnes.assign(c=1.0), "c", method="ols", entity="firm")
    with pytest.raises(BenchmarkError, match="collinear"):
        bm.second_stage(first_stage, charnes.assign(p2=2 * charnes["pft"]), ["pft", "p2"], method="ols",
                        entity="firm")
    with pytest.raises(BenchmarkError, match=r"\(0, 1\]"):
        bm.second_stage(1 / first_stage.efficiency["efficiency"], charnes, "pft", method="tobit", entity="firm")
    with pytest.raises(BenchmarkError, match="perfectly"):
        data = charnes.assign(theta=first_stage.efficiency["efficiency"])
        bm.second_stage("theta", data.assign(z=data["theta"]), "z", method="ols", entity="firm")
    with pytest.raises(BenchmarkError, match="n_boot"):
        bm.second_stage(first_stage, charnes, "pft", n_boot=5, entity="firm")
    with pytest.raises(BenchmarkError, match="one score per unit"):
        bm.second_stage([0.5, 0.7], charnes, "pft", method="ols", entity="firm")
    with pytest.raises(BenchmarkError, match="nope"):
        bm.second_stage(first_stage, charnes, "nope", entity="firm")


def test_inputs_not_modified_and_no_runtime_warning(first_stage, charnes):
    before = charnes.copy()
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        bm.second_stage(first_stage, charnes, "pft", n_boot=30, random_state=3, entity="firm")
    pd.testing.assert_frame_equal(charnes, before)
