"""Tests for the composite preprocessing steps: impute, treat, reliability,
and the one-call pipeline of composite / topsis / rank_uncertainty.

Expected values are worked by hand here or computed with scipy / the
textbook formula of Cronbach's alpha written out in the test."""

from __future__ import annotations

import statistics

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from benchmark import BenchmarkError, MissingValueError
from benchmark.indices import Preprocessed, composite, impute, rank_uncertainty, reliability, topsis, treat


@pytest.fixture
def gappy() -> pd.DataFrame:
    return pd.DataFrame({
        "institution": list("aaabbbccc"),
        "year": [2019, 2020, 2021] * 3,
        "x": [1.0, None, 3.0, 5.0, 6.0, None, 2.0, 4.0, 9.0],
        "y": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 1.0, 1.0, 40.0],
    })


# ==================================================================== impute
def test_median_and_mean_by_year_by_hand(gappy):
    before = gappy.copy(deep=True)
    med = impute(gappy, ["x", "y"], method="median")
    # 2020: x observed 6, 4 -> 5; 2021: 3, 9 -> 6
    assert med.data["x"].tolist() == [1.0, 5.0, 3.0, 5.0, 6.0, 6.0, 2.0, 4.0, 9.0]
    assert med.changes[["institution", "year", "after"]].values.tolist() == [["a", 2020, 5.0], ["b", 2021, 6.0]]
    assert med.changes["before"].isna().all() and (med.changes["how"] == "median").all()
    assert med.indicators.set_index("indicator")["imputed"].to_dict() == {"x": 2, "y": 0}
    pooled = impute(gappy, "x", method="mean", by=[])
    assert pooled.data.loc[1, "x"] == pytest.approx(30 / 7)
    pd.testing.assert_frame_equal(gappy, before)
    assert isinstance(med, Preprocessed)


def test_trend_interpolates_and_extrapolates_by_hand(gappy):
    res = impute(gappy, "x", method="trend")
    # a: 1 (2019), 3 (2021) -> 2 in 2020; b: 5, 6 -> line 5 + 1 * (t - 2019) -> 7 in 2021
    np.testing.assert_allclose(res.data["x"].tolist()[:6], [1.0, 2.0, 3.0, 5.0, 6.0, 7.0], atol=1e-12)
    academic = gappy.assign(year=["2019-20", "2020-21", "2021-22"] * 3)
    np.testing.assert_allclose(impute(academic, "x", method="trend").data["x"], res.data["x"])


def test_knn_takes_the_nearest_rows():
    df = pd.DataFrame({"institution": list("abcd"), "x": [1.0, 1.1, 5.0, 5.2], "y": [None, 10.0, 50.0, 52.0]})
    assert impute(df, ["x", "y"], method="knn", k=1).data.loc[0, "y"] == pytest.approx(10.0)
    assert impute(df, ["x", "y"], method="knn", k=2).data.loc[0, "y"] == pytest.approx(30.0)


def test_impute_bad_input(gappy):
    with pytest.raises(BenchmarkError, match="'x' has no observed value in group year=2020"):
        impute(gappy.assign(x=gappy["x"].where(gappy.year != 2020)), "x")
    with pytest.raises(BenchmarkError, match="institution 'b' has fewer than two observed values of 'x'"):
        impute(gappy.assign(x=[1.0, 2, 3, None, None, 4, 1, 2, 3]), "x", method="trend")
    with pytest.raises(BenchmarkError, match="`method`"):
        impute(gappy, "x", method="forward")
    with pytest.raises(BenchmarkError, match="`k`"):
        impute(gappy, "x", method="knn", k=0)
    with pytest.raises(MissingValueError, match="'institution'.*row 2"):
        impute(gappy.assign(institution=["a", "a", None, "b", "b", "b", "c", "c", "c"]), "x")


# ===================================================================== treat
def test_auto_winsorises_the_outlier_and_reports_moments():
    from scipy import stats

    x = [1.0, 2, 2, 3, 3, 3, 4, 4, 5, 60]
    df = pd.DataFrame({"institution": list("abcdefghij"), "x": x})
    res = treat(df, "x")
    assert res.changes[["institution", "before", "after"]].values.tolist() == [["j", 60.0, 5.0]]
    row = res.indicators.iloc[0]
    assert row["treatment"] == "winsorised" and row["changed"] == 1
    assert row["skew_before"] == pytest.approx(stats.skew(x, bias=False))
    assert row["kurtosis_before"] == pytest.approx(stats.kurtosis(x, bias=False))
    after = x[:-1] + [5.0]
    assert row["skew_after"] == pytest.approx(stats.skew(after, bias=False))


def test_auto_falls_back_to_log_and_leaves_normal_data_alone():
    x = [1.0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 3, 50, 400]
    df = pd.DataFrame({"institution": range(len(x)), "x": x, "n": np.linspace(0, 1, len(x))})
    res = treat(df, ["x", "n"], max_winsorised=1)
    assert res.indicators.set_index("indicator")["treatment"].to_dict() == {"x": "log", "n": "none"}
    np.testing.assert_allclose(res.data["x"], np.log(x))
    np.testing.assert_array_equal(res.data["n"], df["n"])


def test_winsorise_quantiles_and_shifted_log_by_hand():
    df = pd.DataFrame({"institution": range(10), "x": np.arange(1.0, 11.0), "z": np.arange(-2.0, 8.0)})
    w = treat(df, "x", method="winsorise", limits=(0.1, 0.9))
    # linear quantiles of 1..10: 1.9 and 9.1
    np.testing.assert_allclose(w.data["x"], np.clip(np.arange(1.0, 11.0), 1.9, 9.1))
    assert len(w.changes) == 2
    logged = treat(df, ["x", "z"], method="log")
    np.testing.assert_allclose(logged.data["x"], np.log(np.arange(1.0, 11.0)))
    np.testing.assert_allclose(logged.data["z"], np.log(np.arange(-2.0, 8.0) + 3.0))


def test_treat_bad_input():
    df = pd.DataFrame({"institution": range(4), "x": [1.0, 2, 3, 4]})
    with pytest.raises(BenchmarkError, match="limits"):
        treat(df, "x", method="winsorise", limits=(0.9, 0.1))
    with pytest.raises(BenchmarkError, match="`method`"):
        treat(df, "x", method="clip")
    with pytest.raises(BenchmarkError, match="max_winsorised"):
        treat(df, "x", max_winsorised=0)


# =============================================================== reliability
def _alpha(columns: list[list[float]]) -> float:
    k = len(columns)
    totals = [sum(vals) for vals in zip(*columns)]
    return k / (k - 1) * (1 - sum(statistics.variance(c) for c in columns) / statistics.variance(totals))


def test_cronbach_alpha_by_the_formula():
    x, y, z = [1.0, 2, 3, 4, 6], [2.0, 3, 3, 5, 4], [1.0, 3, 2, 4, 8]
    df = pd.DataFrame({"x": x, "y": y, "cost": [-v for v in z]})
    res = reliability(df, ["x", "y", "cost"], direction={"cost": "lower"})
    row = res.alpha.iloc[0]
    assert row["alpha"] == pytest.approx(_alpha([x, y, z]))
    r = np.corrcoef([x, y, z])[np.triu_indices(3, 1)].mean()
    assert row["alpha_standardised"] == pytest.approx(3 * r / (1 + 2 * r))
    assert row["mean_correlation"] == pytest.approx(r)
    np.testing.assert_allclose(res.correlations.to_numpy(), np.corrcoef([x, y, z]))
    items = res.items.set_index("indicator")
    assert items.loc["x", "alpha_if_dropped"] == pytest.approx(_alpha([y, z]))
    rest = np.array(y) + np.array(z)
    assert items.loc["x", "item_rest_correlation"] == pytest.approx(np.corrcoef(x, rest)[0, 1])


def test_reliability_per_pillar():
    rng = np.random.default_rng(1)
    df = pd.DataFrame(rng.normal(size=(20, 4)), columns=list("abcd"))
    res = reliability(df, list("abcd"), pillars={"P": ["a", "b"], "Q": ["c", "d"]})
    assert res.alpha["pillar"].tolist() == ["all", "P", "Q"]
    assert res.alpha.set_index("pillar").loc["P", "alpha"] == pytest.approx(_alpha([df.a.tolist(), df.b.tolist()]))


@settings(max_examples=30, deadline=None)
@given(st.floats(1e-3, 1e3))
def test_standardised_alpha_is_scale_free(scale):
    rng = np.random.default_rng(4)
    df = pd.DataFrame(rng.normal(size=(12, 3)), columns=list("abc"))
    base = reliability(df, list("abc")).alpha["alpha_standardised"].iloc[0]
    moved = reliability(df.assign(a=df.a * scale), list("abc")).alpha["alpha_standardised"].iloc[0]
    assert moved == pytest.approx(base, rel=1e-9)


def test_reliability_bad_input():
    df = pd.DataFrame({"x": [1.0, 2, 3], "y": [1.0, 1, 1]})
    with pytest.raises(BenchmarkError, match="at least 2 indicators"):
        reliability(df, ["x"])
    with pytest.raises(BenchmarkError, match="'y'.*constant"):
        reliability(df, ["x", "y"])


# ================================================================== pipeline
def test_pipeline_equals_the_steps_run_by_hand(gappy):
    steps = treat(impute(gappy, ["x", "y"], method="median").data, ["x", "y"], method="winsorise").data
    one_call = composite(gappy, ["x", "y"], impute="median", treat={"method": "winsorise"})
    by_hand = composite(steps, ["x", "y"])
    np.testing.assert_allclose(one_call["score"], by_hand["score"])
    assert one_call["imputed"].tolist() == [0, 1, 0, 0, 0, 1, 0, 0, 0]
    assert one_call["treated"].sum() == len(treat(impute(gappy, ["x", "y"]).data, ["x", "y"],
                                                  method="winsorise").changes)
    t = topsis(gappy, ["x", "y"], impute={"method": "trend"})
    np.testing.assert_allclose(t["closeness"], topsis(impute(gappy, ["x", "y"], method="trend").data,
                                                      ["x", "y"])["closeness"])
    with pytest.raises(MissingValueError, match="'x'"):
        topsis(gappy, ["x", "y"])
    ru = rank_uncertainty(gappy[gappy.year == 2021], ["x", "y"], impute={"method": "median", "by": []}, n_draws=40,
                          random_state=0)
    assert len(ru.ranks) == 3
    with pytest.raises(BenchmarkError, match="`impute` must be"):
        composite(gappy, ["x", "y"], impute=3)


def test_trend_with_uneven_periods_by_hand():
    df = pd.DataFrame({"institution": list("aaaabbbbcccc"), "year": [2019, 2020, 2021, 2023] * 3,
                       "x": [1.0, None, 3.0, None, None, 6.0, None, 10.0, 2.0, None, None, 8.0]})
    out = impute(df, "x", method="trend").data["x"]
    # a: between 2019 and 2021 -> 2; after: the line through (2019, 1), (2021, 3) -> 5 in 2023
    # b: 2021 between 6 (2020) and 10 (2023) -> 6 + 4/3; 2019 on the line of slope 4/3 -> 6 - 4/3
    # c: 2020 and 2021 between 2 (2019) and 8 (2023) -> 3.5 and 5
    np.testing.assert_allclose(out, [1, 2, 3, 5, 6 - 4 / 3, 6, 6 + 4 / 3, 10, 2, 3.5, 5, 8])


def test_inputs_are_left_alone_and_entity_dtype_kept(gappy):
    from benchmark.indices import grey_relational, obstacle_degree

    cat = gappy.astype({"institution": "category"})
    before = cat.copy(deep=True)
    filled = impute(cat, ["x", "y"], method="knn", k=1)
    treated = treat(filled.data, ["x", "y"])
    reliability(filled.data, ["x", "y"])
    grey = grey_relational(filled.data, ["x", "y"])
    obstacles = obstacle_degree(filled.data, ["x", "y"])
    pd.testing.assert_frame_equal(cat, before)
    for frame in (filled.data, filled.changes, treated.data, grey, obstacles.indicators):
        assert frame["institution"].dtype == cat["institution"].dtype
