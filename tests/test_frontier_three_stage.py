"""Three-stage DEA (Fried et al. 2002): every stage checked against a second computation.

No R package offers three-stage DEA as one call, so each step is recomputed here by other
means: slacks from the DEA targets, the slack frontier's likelihood as a skew-normal
density (the composed error v + u of a half-normal cost frontier is skew-normal,
Azzalini 1985), the managerial-inefficiency formula of Luo (2012) written out, the
adjustment formula of Fried et al. (2002, eq. 6) and a DEA on the adjusted inputs.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import benchmark as bm
from benchmark import BenchmarkError

INPUTS, OUTPUTS = ["staff", "budget"], ["graduates"]


def make_data(seed: int = 4, n: int = 40) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    remote, graduates = rng.uniform(0, 1, n), rng.uniform(5, 10, n)

    def inefficient_input(effect):
        return graduates + effect * remote + rng.normal(0, 1, n) + rng.exponential(1, n) + 3

    return pd.DataFrame({"institution": [f"u{i:02d}" for i in range(n)], "staff": inefficient_input(4).round(2),
                         "budget": inefficient_input(2).round(2), "graduates": graduates.round(2),
                         "remote": remote.round(2)})


@pytest.fixture(scope="module")
def data():
    return make_data()


@pytest.fixture(scope="module")
def result(data):
    return bm.three_stage_dea(data, INPUTS, OUTPUTS, "remote")


def test_stage1_is_dea_and_slacks_are_the_gap_to_the_targets(result, data):
    ref = bm.dea(data, INPUTS, OUTPUTS, rts="vrs")
    np.testing.assert_allclose(result.efficiency["stage1"], ref.efficiency["efficiency"], atol=1e-12)
    targets = ref.targets()
    for col in INPUTS:
        gap = -targets.loc[targets["indicator"] == col, "gap"].to_numpy()
        np.testing.assert_allclose(result.slacks[col], gap, atol=1e-8)
    assert (result.slacks[INPUTS] >= 0).all().all()


def test_slack_frontier_is_the_skew_normal_maximum(result, data):
    """Half-normal cost frontier: e = v + u has the skew-normal density with shape lambda, scale sigma."""
    from scipy.optimize import minimize
    from scipy.stats import skewnorm

    x = data["remote"].to_numpy()
    for col in INPUTS:
        y = result.slacks[col].to_numpy()
        fit = result.stage2_fit.set_index("input").loc[col]
        coef = result.stage2[result.stage2["input"] == col].set_index("term")["estimate"]
        lam, sigma = fit["sigma_u"] / fit["sigma_v"], np.sqrt(fit["sigma_sq"])
        resid = y - coef["(Intercept)"] - coef["remote"] * x
        assert skewnorm.logpdf(resid, lam, scale=sigma).sum() == pytest.approx(fit["loglik"], abs=1e-8)

        def negll(p, y=y):
            return -skewnorm.logpdf(y - p[0] - p[1] * x, np.exp(p[2]), scale=np.exp(p[3])).sum()

        start = [coef["(Intercept)"] + 0.1, coef["remote"] - 0.1, np.log(lam) + 0.2, np.log(sigma) - 0.1]
        best = minimize(negll, start, method="Nelder-Mead",
                        options={"xatol": 1e-9, "fatol": 1e-12, "maxiter": 20000, "maxfev": 20000})
        assert -best.fun == pytest.approx(fit["loglik"], abs=1e-6)
        np.testing.assert_allclose(best.x[:2], [coef["(Intercept)"], coef["remote"]], atol=1e-3)


def test_managerial_inefficiency_is_luos_formula(result):
    from scipy.stats import norm

    for col in INPUTS:
        part = result.decomposition[result.decomposition["input"] == col]
        fit = result.stage2_fit.set_index("input").loc[col]
        su, sv = fit["sigma_u"], fit["sigma_v"]
        sigma, lam = np.sqrt(su ** 2 + sv ** 2), su / sv
        e = part["slack"].to_numpy() - part["environment"].to_numpy() - \
            result.stage2[(result.stage2["input"] == col) & (result.stage2["term"] == "(Intercept)")][
                "estimate"].iloc[0]
        star = su * sv / sigma
        luo = star * (norm.pdf(lam * e / sigma) / norm.cdf(lam * e / sigma) + lam * e / sigma)
        np.testing.assert_allclose(part["inefficiency"], luo, rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(part["noise"], e - luo, atol=1e-9)


def test_adjusted_inputs_and_stage3(result, data):
    for col in INPUTS:
        part = result.decomposition[result.decomposition["input"] == col]
        zb, v = part["environment"].to_numpy(), part["noise"].to_numpy()
        expected = data[col].to_numpy() + (zb.max() - zb) + (v.max() - v)
        np.testing.assert_allclose(result.adjusted[col], expected, atol=1e-12)
    again = bm.dea(result.adjusted, INPUTS, OUTPUTS, rts="vrs")
    np.testing.assert_allclose(result.efficiency["stage3"], again.efficiency["efficiency"], atol=1e-12)
    crs = bm.dea(result.adjusted, INPUTS, OUTPUTS, rts="crs").efficiency["efficiency"].to_numpy()
    np.testing.assert_allclose(result.efficiency["stage3_scale"], crs / result.efficiency["stage3"], atol=1e-12)
    assert result.efficiency["institution"].tolist() == data["institution"].tolist()
    # the environment raised both inputs, so it was a real effect
    assert (result.stage2.query("term == 'remote'")["estimate"] > 0).all()


@settings(max_examples=3, deadline=None)
@given(st.floats(0.01, 100.0))
def test_input_units_do_not_change_the_scores(scale):
    data = make_data()
    base = bm.three_stage_dea(data, INPUTS, OUTPUTS, "remote")
    scaled = bm.three_stage_dea(data.assign(staff=data["staff"] * scale), INPUTS, OUTPUTS, "remote")
    np.testing.assert_allclose(scaled.efficiency["stage3"], base.efficiency["stage3"], atol=1e-5)
    np.testing.assert_allclose(scaled.adjusted["staff"], base.adjusted["staff"] * scale, rtol=1e-5)


def test_summary_plot_and_tables(result):
    summary = result.summary().set_index(["score", "statistic"])["value"]
    assert summary["stage1", "mean"] == pytest.approx(result.efficiency["stage1"].mean())
    assert summary["stage3", "efficient"] == int((result.efficiency["stage3"] >= 1 - 1e-6).sum())
    assert {"efficiency", "slacks", "stage2", "stage2_fit", "decomposition", "adjusted"} <= set(result.to_frames())
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    for lang in ("en", "zh"):
        ax = result.plot(lang=lang)
        assert ax.get_ylabel() in ("Efficiency", "效率值")
        plt.close(ax.figure)
    fig, ax = plt.subplots()
    assert result.plot(ax=ax, lang="en") is ax
    plt.close(fig)
    with pytest.raises(BenchmarkError, match="lang"):
        result.plot(lang="fr")


def test_wrong_skew_slack_warns_and_keeps_going():
    data = make_data(seed=0)
    with pytest.warns(UserWarning, match="stage 2"):
        res = bm.three_stage_dea(data, INPUTS, OUTPUTS, "remote")
    assert res.stage2_fit["wrong_skew"].any() or (res.stage2_fit["gamma"] > 0.999).any()
    assert (res.adjusted[INPUTS].to_numpy() >= data[INPUTS].to_numpy()).all()


# ----------------------------------------------------------------- bad input
def test_bad_input(data):
    with pytest.raises(BenchmarkError, match="orientation"):
        bm.three_stage_dea(data, INPUTS, OUTPUTS, "remote", orientation="output")
    with pytest.raises(BenchmarkError, match="remote"):
        bad = data.copy()
        bad.loc[2, "remote"] = np.nan
        bm.three_stage_dea(bad, INPUTS, OUTPUTS, "remote")
    with pytest.raises(BenchmarkError, match="region"):
        bm.three_stage_dea(data.assign(region="east"), INPUTS, OUTPUTS, "region")
    with pytest.raises(BenchmarkError, match="constant"):
        bm.three_stage_dea(data.assign(c=1.0), INPUTS, OUTPUTS, "c")
    with pytest.raises(BenchmarkError, match="staff"):
        bm.three_stage_dea(data, INPUTS, OUTPUTS, "staff")
    with pytest.raises(BenchmarkError, match="rts"):
        bm.three_stage_dea(data, INPUTS, OUTPUTS, "remote", rts="fdh")
    with pytest.raises(BenchmarkError, match="budget"):
        bm.three_stage_dea(data.assign(budget=-data["budget"]), INPUTS, OUTPUTS, "remote")
    with pytest.raises(BenchmarkError, match="nope"):
        bm.three_stage_dea(data, INPUTS, OUTPUTS, "nope")


def test_input_not_modified(data):
    before = data.copy()
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        bm.three_stage_dea(data, INPUTS, OUTPUTS, "remote")
    pd.testing.assert_frame_equal(data, before)
