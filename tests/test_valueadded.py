"""Value added: checked against hand OLS (numpy lstsq refits), scipy and simulation."""

import copy

import numpy as np
import pandas as pd
import pytest
from scipy import optimize, stats

from benchmark import BenchmarkError, ColumnError, EmptyDataError, MissingValueError, ValueAdded, value_added


def make_colleges(n=40, seed=0, outlier=False):
    rng = np.random.default_rng(seed)
    df = pd.DataFrame({
        "institution": [f"C{i:03d}" for i in range(n)],
        "sat": rng.normal(1100, 120, n),
        "pell": rng.uniform(0.1, 0.6, n),
        "sector": np.array(["private", "public", "forprofit"])[np.arange(n) % 3],
    })
    df["grad"] = (-20 + 0.07 * df["sat"] - 25 * df["pell"] + np.where(df["sector"] == "private", 5.0, 0.0)
                  + np.where(df["sector"] == "forprofit", -8.0, 0.0) + rng.normal(0, 4, n))
    if outlier:
        df.loc[5, "grad"] += 60
    return df


def hand_design(df):
    """Intercept, sat, pell, sector dummies with 'forprofit' (first sorted level) as reference."""
    return np.column_stack([np.ones(len(df)), df["sat"], df["pell"],
                            (df["sector"] == "private").astype(float), (df["sector"] == "public").astype(float)])


def test_ols_leave_one_out_matches_hand_refits():
    df = make_colleges(n=25)
    res = value_added(df, "grad", ["sat", "pell", "sector"], ci=0.9)
    X, y = hand_design(df), df["grad"].to_numpy()
    n, p = X.shape
    est = res.estimates
    for i in range(n):
        keep = np.arange(n) != i
        beta, *_ = np.linalg.lstsq(X[keep], y[keep], rcond=None)
        resid = y[keep] - X[keep] @ beta
        s2 = resid @ resid / (n - 1 - p)
        pred_var = s2 * (1 + X[i] @ np.linalg.inv(X[keep].T @ X[keep]) @ X[i])
        half = stats.t.ppf(0.95, n - 1 - p) * np.sqrt(pred_var)
        assert est.loc[i, "expected"] == pytest.approx(X[i] @ beta, rel=1e-10)
        assert est.loc[i, "value_added"] == pytest.approx(y[i] - X[i] @ beta, abs=1e-9)
        assert est.loc[i, "se"] == pytest.approx(np.sqrt(pred_var), rel=1e-9)
        assert est.loc[i, "ci_low"] == pytest.approx(X[i] @ beta - half, rel=1e-9)
        assert est.loc[i, "ci_high"] == pytest.approx(X[i] @ beta + half, rel=1e-9)
        assert bool(est.loc[i, "significant"]) == (abs(y[i] - X[i] @ beta) > half)
    hat = X @ np.linalg.inv(X.T @ X) @ X.T
    np.testing.assert_allclose(est["leverage"], np.diag(hat))


def test_ols_coefficients_and_fit_statistics_by_hand():
    df = make_colleges(n=30, seed=1)
    res = value_added(df, "grad", ["sat", "pell", "sector"])
    X, y = hand_design(df), df["grad"].to_numpy()
    n, p = X.shape
    beta, *_ = np.linalg.lstsq(X, y, rcond=None)
    resid = y - X @ beta
    s2 = resid @ resid / (n - p)
    se = np.sqrt(np.diag(s2 * np.linalg.inv(X.T @ X)))
    coef = res.coefficients.set_index("term")
    assert coef.index.tolist() == ["intercept", "sat", "pell", "sector[private]", "sector[public]"]
    np.testing.assert_allclose(coef["estimate"], beta, rtol=1e-9)
    np.testing.assert_allclose(coef["se"], se, rtol=1e-9)
    np.testing.assert_allclose(coef["p_value"], 2 * stats.t.sf(np.abs(beta / se), n - p), rtol=1e-7)
    fit = res.fit.iloc[0]
    r2 = 1 - resid @ resid / np.sum((y - y.mean()) ** 2)
    assert fit["r2"] == pytest.approx(r2)
    assert fit["adj_r2"] == pytest.approx(1 - (1 - r2) * (n - 1) / (n - p))
    assert fit["rmse"] == pytest.approx(np.sqrt(np.mean(resid**2)))
    assert fit["sigma"] == pytest.approx(np.sqrt(s2))
    assert (fit["n"], fit["p"]) == (n, p)
    press = resid / (1 - np.diag(X @ np.linalg.inv(X.T @ X) @ X.T))
    assert fit["r2_out_of_sample"] == pytest.approx(1 - press @ press / np.sum((y - y.mean()) ** 2))


def test_small_case_written_out():
    # y = 1 + 2x exactly except the last point; leaving it out gives the exact line.
    df = pd.DataFrame({"institution": list("abcde"), "x": [0.0, 1, 2, 3, 4], "y": [1.0, 3, 5, 7, 12]})
    res = value_added(df, "y", "x")
    e = res.estimates.set_index("institution")
    assert e.loc["e", "expected"] == pytest.approx(9.0)
    assert e.loc["e", "value_added"] == pytest.approx(3.0)
    # leaving out 'a': fit on (1,3),(2,5),(3,7),(4,12): slope 2.8, intercept -0.5
    assert e.loc["a", "expected"] == pytest.approx(-0.5)


def test_prediction_interval_coverage_under_normal_errors():
    """Each actual falls inside its leave-one-out prediction interval ~95% of the time."""
    hits, total = 0, 0
    for seed in range(40):
        df = make_colleges(n=50, seed=100 + seed)
        est = value_added(df, "grad", ["sat", "pell", "sector"]).estimates
        hits += int((~est["significant"].astype(bool)).sum())
        total += len(est)
    assert 0.93 <= hits / total <= 0.97


def test_direction_lower_flips_sign():
    df = make_colleges(n=20)
    a = value_added(df, "grad", ["sat"]).estimates
    b = value_added(df, "grad", ["sat"], direction="lower").estimates
    np.testing.assert_allclose(a["value_added"], -b["value_added"])
    np.testing.assert_allclose(a["expected"], b["expected"])
    assert a["significant"].equals(b["significant"])


def test_outlier_flagged_and_huber_resists_it():
    df = make_colleges(n=40, seed=3, outlier=True)
    ols = value_added(df, "grad", ["sat", "pell", "sector"])
    hub = value_added(df, "grad", ["sat", "pell", "sector"], method="huber")
    assert bool(ols.estimates.loc[5, "significant"]) and bool(hub.estimates.loc[5, "significant"])
    truth = np.array([-20, 0.07, -25])
    err_ols = np.abs(ols.coefficients["estimate"].to_numpy()[:3] - truth)[2]
    err_hub = np.abs(hub.coefficients["estimate"].to_numpy()[:3] - truth)[2]
    assert err_hub < err_ols
    assert hub.estimates.loc[5, "weight"] < 0.2
    assert (hub.estimates["weight"] <= 1).all()


def test_huber_solves_its_estimating_equation():
    """At convergence the coefficients minimise the Huber loss for the final scale (scipy check)."""
    df = make_colleges(n=60, seed=4, outlier=True)
    res = value_added(df, "grad", ["sat", "pell", "sector"], method="huber")
    X, y = hand_design(df), df["grad"].to_numpy()
    Xs = X / X.std(0).clip(min=1)  # well-conditioned for the optimiser
    beta = res.coefficients["estimate"].to_numpy()
    scale = res.fit["scale"].iloc[0]

    def loss(b):
        u = (y - Xs @ b) / scale
        return np.sum(np.where(np.abs(u) <= 1.345, 0.5 * u**2, 1.345 * np.abs(u) - 0.5 * 1.345**2))

    start = np.linalg.lstsq(Xs, y, rcond=None)[0]
    opt = optimize.minimize(loss, start, method="BFGS", options={"gtol": 1e-10})
    np.testing.assert_allclose(X @ beta, Xs @ opt.x, atol=1e-4)
    resid = y - X @ beta
    assert scale == pytest.approx(stats.median_abs_deviation(resid, scale="normal"), rel=1e-6)


def test_huber_approximate_loo_close_to_exact_refits():
    df = make_colleges(n=40, seed=5, outlier=True)
    approx = value_added(df, "grad", ["sat", "pell", "sector"], method="huber").estimates
    exact = value_added(df, "grad", ["sat", "pell", "sector"], method="huber", folds=len(df)).estimates
    spread = exact["value_added"].std()
    assert np.max(np.abs(approx["expected"] - exact["expected"])) < 0.05 * spread
    assert np.corrcoef(approx["value_added"], exact["value_added"])[0, 1] > 0.999


def test_ols_loo_equals_refit_path():
    df = make_colleges(n=30, seed=6)
    closed = value_added(df, "grad", ["sat", "pell", "sector"]).estimates
    refit = value_added(df, "grad", ["sat", "pell", "sector"], folds=len(df)).estimates
    for col in ["expected", "value_added", "se", "ci_low", "ci_high"]:
        np.testing.assert_allclose(closed[col], refit[col], rtol=1e-9)


def test_cross_fitting_holds_out_whole_entities():
    base = make_colleges(n=24, seed=7)
    panel = pd.concat([base.assign(year=2020), base.assign(year=2021, grad=base["grad"] + 1)], ignore_index=True)
    with pytest.raises(BenchmarkError, match="occur.*in several rows.*folds=K"):
        value_added(panel, "grad", ["sat", "year"])
    res = value_added(panel, "grad", ["sat", "pell", "year"], categorical="year", folds=4)
    assert res.fit["predictions"].iloc[0] == "4-fold cross-fitting"
    X = np.column_stack([np.ones(len(panel)), panel["sat"], panel["pell"], (panel["year"] == 2021).astype(float)])
    y = panel["grad"].to_numpy()
    names = sorted(base["institution"])
    fold = panel["institution"].map({nm: i % 4 for i, nm in enumerate(names)}).to_numpy()
    for f in range(4):
        train = fold != f
        beta = np.linalg.lstsq(X[train], y[train], rcond=None)[0]
        np.testing.assert_allclose(res.estimates.loc[~train, "expected"], X[~train] @ beta, rtol=1e-10)
    assert "year[2021]" in res.coefficients["term"].tolist()


def test_missing_rows_kept_with_reason():
    df = make_colleges(n=20)
    df.loc[[2, 7], "pell"] = np.nan
    with pytest.raises(MissingValueError, match="'pell' in 2 row.*C002.*missing='drop'"):
        value_added(df, "grad", ["sat", "pell"])
    res = value_added(df, "grad", ["sat", "pell"], missing="drop")
    est = res.estimates
    assert len(est) == 20 and est.index.equals(df.index)
    assert est.loc[[2, 7], "expected"].isna().all()
    assert est.loc[2, "reason"].startswith("missing outcome or context")
    assert res.fit["n"].iloc[0] == 18


def test_single_member_category_has_no_expectation():
    df = make_colleges(n=20)
    df.loc[0, "sector"] = "unique"
    est = value_added(df, "grad", ["sat", "sector"]).estimates
    assert np.isnan(est.loc[0, "expected"]) and pd.isna(est.loc[0, "significant"])
    assert "only member of a category" in est.loc[0, "reason"]
    assert est["expected"].notna().sum() == 19
    refit = value_added(df, "grad", ["sat", "sector"], folds=len(df)).estimates
    assert np.isnan(refit.loc[0, "expected"]) and "only member" in refit.loc[0, "reason"]
    np.testing.assert_allclose(refit["expected"].iloc[1:], est["expected"].iloc[1:], rtol=1e-9)


def test_result_object_and_input_untouched():
    df = make_colleges(n=20)
    before = copy.deepcopy(df)
    res = value_added(df, "grad", ["sat", "sector"], method="huber")
    pd.testing.assert_frame_equal(df, before)
    assert isinstance(res, ValueAdded)
    assert set(res.to_frames()) == {"estimates", "coefficients", "fit"}
    summary = res.summary().set_index("statistic")["value"]
    assert summary["r2"] == res.fit["r2"].iloc[0] and summary["n"] == 20
    flagged = res.estimates[res.estimates["significant"].fillna(False)]
    assert summary["significant_above"] + summary["significant_below"] == len(flagged)
    assert "ValueAdded(outcome='grad'" in repr(res)


def test_value_added_bad_input():
    df = make_colleges(n=20)
    with pytest.raises(BenchmarkError, match="context terms 'sat', 'sat2' are collinear"):
        value_added(df.assign(sat2=2 * df["sat"]), "grad", ["sat", "sat2"])
    with pytest.raises(ColumnError, match="context column 'k' is constant"):
        value_added(df.assign(k=3.0), "grad", ["sat", "k"])
    with pytest.raises(ColumnError, match="'sector' takes the single value 'x'"):
        value_added(df.assign(sector="x"), "grad", ["sat", "sector"])
    with pytest.raises(EmptyDataError, match="only 4 usable rows for 3 model parameters"):
        value_added(df.head(4), "grad", ["sat", "pell"])
    with pytest.raises(ColumnError, match="'grad' is the outcome"):
        value_added(df, "grad", ["sat", "grad"])
    with pytest.raises(ColumnError, match="'sector'.*must be numeric"):
        value_added(df, "sector", ["sat"])
    with pytest.raises(ColumnError, match="no column 'satt'"):
        value_added(df, "grad", ["satt"])
    with pytest.raises(BenchmarkError, match="`method` must be one of"):
        value_added(df, "grad", "sat", method="lasso")
    with pytest.raises(BenchmarkError, match="`folds` must be an integer between 2 and the number"):
        value_added(df, "grad", "sat", folds=1)
    with pytest.raises(BenchmarkError, match="`ci` must be between 0 and 1"):
        value_added(df, "grad", "sat", ci=1.5)
