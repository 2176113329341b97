"""Stochastic frontier analysis against R frontier 1.1-8 / Benchmarking 0.33 on front41Data.

Reference numbers: tests/data/r_models_sfa (see its README for the R calls).
"""

from __future__ import annotations

import math
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
TERMS = {"(Intercept)": "(Intercept)", "log(capital)": "log(capital)", "log(labour)": "log(labour)",
         "sigma_sq": "sigmaSq", "gamma": "gamma", "mu": "mu"}


@pytest.fixture(scope="module")
def front41():
    return pd.read_csv(DATA / "front41Data.csv")


@pytest.fixture(scope="module")
def reference():
    return pd.read_csv(DATA / "sfa_reference.csv", keep_default_na=False, na_values=["nan"], dtype={"unit": str})


def model_rows(reference, model):
    rows = reference[(reference["model"] == model) & (reference["unit"] == "")]
    return rows.set_index("quantity")["value"]


def unit_rows(reference, model, quantity):
    rows = reference[(reference["model"] == model) & (reference["quantity"] == quantity)]
    return rows["value"].to_numpy()


@pytest.fixture(scope="module")
def halfnormal(front41):
    return bm.sfa(front41, "output", ["capital", "labour"], entity="firm")


@pytest.fixture(scope="module")
def truncated(front41):
    return bm.sfa(front41, "output", ["capital", "labour"], inefficiency="truncated-normal", entity="firm")


@pytest.mark.parametrize("which, model", [("halfnormal", "sfa_halfnormal"),
                                          ("truncated", "sfa_truncnormal_unbounded")])
def test_coefficients_and_loglik_match_frontier(request, reference, which, model):
    res = request.getfixturevalue(which)
    ref = model_rows(reference, model)
    est = res.coefficients.set_index("term")["estimate"]
    for ours, theirs in TERMS.items():
        if ours in est.index:
            assert est[ours] == pytest.approx(ref[f"coef_{theirs}"], abs=1e-4), ours
    # frontier's Fortran pi = 3.1415926 puts its log-likelihood 1.4e-6 below the exact value
    assert res.loglik == pytest.approx(ref["loglik"], abs=1e-4)
    assert res.loglik_ols == pytest.approx(ref["loglik_ols"], abs=1e-8)
    assert res.sigma_u ** 2 == pytest.approx(ref["sigma_u_sq"], abs=1e-4)
    assert res.sigma_v ** 2 == pytest.approx(ref["sigma_v_sq"], abs=1e-4)
    assert res.lambda_ == pytest.approx(ref["lambda"], abs=1e-3)
    assert res.converged


@pytest.mark.parametrize("which, model", [("halfnormal", "sfa_halfnormal"),
                                          ("truncated", "sfa_truncnormal_unbounded")])
def test_efficiencies_and_residuals_match_frontier(request, reference, which, model):
    res = request.getfixturevalue(which)
    np.testing.assert_allclose(res.efficiency["efficiency_bc"], unit_rows(reference, model, "efficiency"),
                               atol=1e-4)
    ref = model_rows(reference, model)
    assert res.efficiency["efficiency_bc"].mean() == pytest.approx(ref["mean_efficiency"], abs=1e-4)
    if model == "sfa_halfnormal":
        np.testing.assert_allclose(res.efficiency["residual"], unit_rows(reference, model, "residual"), atol=1e-4)
    assert res.efficiency["firm"].dtype == np.int64


def test_standard_errors_close_to_frontier_and_benchmarking(halfnormal, truncated, reference):
    # frontier and Benchmarking use different Hessian approximations and differ by ~1 % themselves
    for res, model in ((halfnormal, "sfa_halfnormal"), (truncated, "sfa_truncnormal_unbounded")):
        se = res.coefficients.set_index("term")["se"]
        ref = model_rows(reference, model)
        for ours, theirs in TERMS.items():
            if ours in se.index:
                assert se[ours] == pytest.approx(ref[f"se_{theirs}"], rel=0.02), (model, ours)
    bench = model_rows(reference, "sfa_halfnormal_benchmarking")
    se = halfnormal.coefficients.set_index("term")["se"]
    for term in ("(Intercept)", "log(capital)", "log(labour)"):
        assert se[term] == pytest.approx(bench[f"se_{term}"], rel=0.01)
    assert halfnormal.lambda_ == pytest.approx(bench["coef_lambda"], abs=1e-4)


def test_truncated_normal_beats_frontiers_bounded_fit(truncated, reference):
    bounded = model_rows(reference, "sfa_truncnormal")
    # frontier's default keeps mu >= -2 sigma_u; the free maximum is higher
    assert truncated.mu < -2 * truncated.sigma_u
    assert truncated.loglik > bounded["loglik"]


def test_lr_test_uses_kodde_palm_critical_values(halfnormal, truncated):
    # Kodde & Palm (1986), Table 1, 5 %: 2.706 (1 restriction), 5.138 (2 restrictions)
    assert halfnormal.lr_critical == pytest.approx(2.706, abs=1e-3)
    assert truncated.lr_critical == pytest.approx(5.138, abs=1e-3)
    lr = 2 * (halfnormal.loglik - halfnormal.loglik_ols)
    assert halfnormal.lr_statistic == pytest.approx(lr)
    from scipy.stats import chi2

    assert halfnormal.lr_pvalue == pytest.approx(0.5 * chi2.sf(lr, 1))


def test_jlms_equals_numerical_conditional_mean(halfnormal):
    """E[u | e] by quadrature of the conditional density f(u | e) ~ f_u(u) f_v(e + u)."""
    from scipy.integrate import quad
    from scipy.stats import norm

    su, sv = halfnormal.sigma_u, halfnormal.sigma_v
    for e, u_hat in halfnormal.efficiency[["residual", "u_jlms"]].to_numpy()[:5]:
        def dens(u, e=e):
            return norm.pdf(u / su) * norm.pdf((e + u) / sv)

        mass = quad(dens, 0, np.inf)[0]
        mean = quad(lambda u: u * dens(u), 0, np.inf)[0] / mass
        bc = quad(lambda u: math.exp(-u) * dens(u), 0, np.inf)[0] / mass
        assert u_hat == pytest.approx(mean, rel=1e-6)
    assert halfnormal.efficiency["efficiency_bc"].iloc[4] == pytest.approx(bc, rel=1e-6)


def test_analytic_gradient_matches_finite_differences(front41):
    from benchmark.frontier._sfa import _Model

    X = np.column_stack([np.ones(60), np.log(front41["capital"]), np.log(front41["labour"])])
    for truncated in (False, True):
        for sign in (1, -1):
            model = _Model(np.log(front41["output"].to_numpy()), X, sign, truncated)
            p = np.array([0.5, 0.3, 0.5, -1.0, -1.5] + ([0.3] if truncated else []))
            numeric = []
            for j in range(len(p)):
                up, dn = p.copy(), p.copy()
                up[j] += 1e-6
                dn[j] -= 1e-6
                numeric.append((model.loglik(up) - model.loglik(dn)) / 2e-6)
            np.testing.assert_allclose(model.gradient(p), numeric, atol=1e-6)


def test_cost_frontier_mirrors_production(front41):
    """A cost frontier of -y on -x has the likelihood of the production frontier of y on x."""
    df = pd.DataFrame({"firm": front41["firm"], "y": np.log(front41["output"]),
                       "k": np.log(front41["capital"]), "l": np.log(front41["labour"])})
    prod = bm.sfa(df, "y", ["k", "l"], form="linear", entity="firm")
    neg = df.assign(y=-df["y"], k=-df["k"], l=-df["l"])
    cost = bm.sfa(neg, "y", ["k", "l"], form="linear", cost=True, entity="firm")
    assert cost.loglik == pytest.approx(prod.loglik, abs=1e-7)
    assert cost.sigma_u == pytest.approx(prod.sigma_u, rel=1e-4)
    np.testing.assert_allclose(cost.efficiency["u_jlms"], prod.efficiency["u_jlms"], atol=1e-5)
    assert "efficiency_bc" not in cost.efficiency


def test_translog_nests_cobb_douglas(front41, halfnormal):
    res = bm.sfa(front41, "output", ["capital", "labour"], form="translog", entity="firm")
    assert list(res.coefficients["term"][:6]) == [
        "(Intercept)", "log(capital)", "log(labour)", "0.5*log(capital)^2", "log(capital)*log(labour)",
        "0.5*log(labour)^2"]
    assert res.loglik >= halfnormal.loglik - 1e-8


def test_wrong_skew_is_reported_not_raised():
    rng = np.random.default_rng(0)
    x = rng.uniform(1, 10, 80)
    # inefficiency added with the wrong sign: residuals skewed to the right
    y = np.exp(1 + 0.5 * np.log(x) + rng.normal(0, 0.05, 80) + rng.exponential(0.4, 80))
    df = pd.DataFrame({"institution": range(80), "y": y, "x": x})
    with pytest.warns(UserWarning, match="skewed"):
        res = bm.sfa(df, "y", "x")
    assert res.wrong_skew and res.sigma_u == 0
    assert (res.efficiency["efficiency_bc"] == 1).all()
    beta = np.polyfit(np.log(x), np.log(y), 1)
    assert res.coefficients.set_index("term")["estimate"]["log(x)"] == pytest.approx(beta[0])


@settings(max_examples=8, deadline=None)
@given(st.floats(0.01, 100.0))
def test_rescaling_output_only_moves_the_intercept(scale):
    front41 = pd.read_csv(DATA / "front41Data.csv")
    base = bm.sfa(front41, "output", ["capital", "labour"], entity="firm")
    res = bm.sfa(front41.assign(output=front41["output"] * scale), "output", ["capital", "labour"], entity="firm")
    a, b = base.coefficients.set_index("term")["estimate"], res.coefficients.set_index("term")["estimate"]
    assert b["(Intercept)"] - a["(Intercept)"] == pytest.approx(math.log(scale), abs=1e-4)
    np.testing.assert_allclose(b.drop("(Intercept)"), a.drop("(Intercept)"), atol=1e-4)


def test_non_convergence_is_flagged_with_the_optimisers_message(front41):
    with pytest.warns(UserWarning, match="did not converge"):
        res = bm.sfa(front41, "output", ["capital", "labour"], inefficiency="truncated-normal", entity="firm",
                     maxiter=2)
    assert not res.converged
    assert res.message
    with pytest.raises(BenchmarkError, match="maxiter"):
        bm.sfa(front41, "output", ["capital", "labour"], entity="firm", maxiter=0)


def test_summary_and_repr(halfnormal):
    summary = halfnormal.summary().set_index("statistic")["value"]
    assert summary["loglik"] == halfnormal.loglik
    assert "SFAResult" in halfnormal._repr_html_()
    assert set(halfnormal.to_frames()) == {"coefficients", "efficiency"}


# ----------------------------------------------------------------- bad input
def test_bad_input(front41):
    with pytest.raises(BenchmarkError, match="output"):
        bm.sfa(front41, "output", ["output", "labour"], entity="firm")
    with pytest.raises(BenchmarkError, match="capital"):
        bm.sfa(front41.assign(capital=-front41["capital"]), "output", ["capital", "labour"], entity="firm")
    with pytest.raises(BenchmarkError, match="labour"):
        bad = front41.astype({"labour": float})
        bad.loc[3, "labour"] = np.nan
        bm.sfa(bad, "output", ["capital", "labour"], entity="firm")
    with pytest.raises(BenchmarkError, match="form"):
        bm.sfa(front41, "output", "capital", form="quadratic", entity="firm")
    with pytest.raises(BenchmarkError, match="inefficiency"):
        bm.sfa(front41, "output", "capital", inefficiency="exponential", entity="firm")
    with pytest.raises(BenchmarkError, match="more units than parameters"):
        bm.sfa(front41.head(5), "output", ["capital", "labour"], entity="firm")
    with pytest.raises(BenchmarkError, match="constant"):
        bm.sfa(front41.assign(k2=3.0), "output", ["capital", "k2"], entity="firm")
    with pytest.raises(BenchmarkError, match="nope"):
        bm.sfa(front41, "output", ["nope"], entity="firm")


def test_input_not_modified(front41):
    before = front41.copy()
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        bm.sfa(front41, "output", ["capital", "labour"], inefficiency="truncated-normal", entity="firm")
    pd.testing.assert_frame_equal(front41, before)
