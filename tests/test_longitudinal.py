"""Tests of benchmark.longitudinal: change, growth, trend, self_compare.

Expected numbers are worked out by hand in the tests or come from
scipy.stats.linregress / theilslopes and pandas' own pct_change.
"""

from __future__ import annotations

import copy

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from benchmark import (
    BenchmarkError,
    ColumnError,
    DuplicateRowError,
    UnknownEntityError,
    change,
    growth,
    self_compare,
    trend,
)


# ------------------------------------------------------------------ fixtures
@pytest.fixture
def panel() -> pd.DataFrame:
    """a: clean 10 % growth; b: a gap in 2020-2021; c: zero baseline; d: one period."""
    return pd.DataFrame({
        "institution": ["a", "a", "a", "a", "b", "b", "c", "c", "c", "d"],
        "year": [2019, 2020, 2021, 2022, 2019, 2022, 2019, 2020, 2022, 2021],
        "income": [100.0, 110.0, 121.0, 133.1, 100.0, 133.1, 0.0, 5.0, 8.0, 7.0],
        "ratio": [20.0, 19.0, 18.5, 18.0, 22.0, 23.0, 15.0, 15.0, 15.0, 30.0],
    })


def random_panel(seed: int, n_entities: int = 25, n_periods: int = 8, missing: float = 0.15,
                 integers: bool = False) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    years = np.arange(2010, 2010 + n_periods)
    frame = pd.DataFrame({
        "institution": np.repeat([f"u{k}" for k in range(n_entities)], n_periods),
        "year": np.tile(years, n_entities),
    })
    t = frame["year"].to_numpy() - 2010
    for name, slope in (("x", 2.0), ("y", -0.5)):
        values = 50 + slope * t + rng.normal(0, 3, len(frame))
        if integers:
            values = np.round(values / 3)  # coarse counts: many ties
        values[rng.random(len(frame)) < missing] = np.nan
        frame[name] = values
    return frame


def row(table: pd.DataFrame, entity: str, indicator: str) -> pd.Series:
    hit = table[(table["institution"] == entity) & (table["indicator"] == indicator)]
    assert len(hit) == 1
    return hit.iloc[0]


# ---------------------------------------------------------------------- change
def test_change_hand_worked(panel):
    out = change(panel, ["income", "ratio"], direction={"ratio": "lower"})
    a = row(out, "a", "income")
    # 100 -> 133.1 over 3 years: +33.1, +33.1 %, CAGR (1.331)^(1/3) - 1 = 0.1
    assert a["baseline_year"] == 2019 and a["latest_year"] == 2022
    assert a["abs_change"] == pytest.approx(33.1)
    assert a["pct_change"] == pytest.approx(0.331)
    assert a["cagr"] == pytest.approx(0.1)
    assert a["elapsed"] == 3
    assert bool(a["improved"]) is True
    r = row(out, "a", "ratio")  # 20 -> 18, lower is better: improved
    assert r["abs_change"] == pytest.approx(-2.0)
    assert r["pct_change"] == pytest.approx(-0.1)
    assert r["cagr"] == pytest.approx(0.9 ** (1 / 3) - 1)
    assert bool(r["improved"]) is True
    assert pd.isna(a["reason"])


def test_change_missing_years_use_observed_ends(panel):
    b = row(change(panel, "income"), "b", "income")
    # b has 2019 and 2022 only: same ends as a, CAGR over 3 years
    assert (b["baseline_year"], b["latest_year"], b["elapsed"]) == (2019, 2022, 3)
    assert b["cagr"] == pytest.approx(0.1)


def test_change_nan_inside_series_is_skipped():
    df = pd.DataFrame({"institution": ["a"] * 4, "year": [2019, 2020, 2021, 2022],
                       "x": [np.nan, 4.0, 6.0, np.nan]})
    r = change(df, "x").iloc[0]
    assert (r["baseline_year"], r["latest_year"]) == (2020, 2021)
    assert r["cagr"] == pytest.approx(0.5)


def test_change_zero_baseline_gives_nan_cagr_with_reason(panel):
    c = row(change(panel, "income"), "c", "income")
    assert c["abs_change"] == pytest.approx(8.0)
    assert np.isnan(c["pct_change"]) and np.isnan(c["cagr"])
    assert "baseline is zero" in c["reason"]
    assert bool(c["improved"]) is True


def test_change_single_period(panel):
    d = row(change(panel, "income"), "d", "income")
    assert np.isnan(d["abs_change"]) and np.isnan(d["cagr"])
    assert pd.isna(d["improved"])
    assert "one observed period" in d["reason"]


def test_change_negative_values():
    df = pd.DataFrame({"institution": ["a", "a"], "year": [2020, 2021], "x": [-10.0, -5.0]})
    r = change(df, "x").iloc[0]
    # percent change is relative to |baseline|: (-5 - -10) / 10
    assert r["pct_change"] == pytest.approx(0.5)
    assert np.isnan(r["cagr"]) and "negative" in r["reason"]


def test_change_explicit_periods(panel):
    out = change(panel, "income", start=2020, end=2022)
    a = row(out, "a", "income")
    assert a["abs_change"] == pytest.approx(23.1)
    assert a["cagr"] == pytest.approx((133.1 / 110) ** 0.5 - 1)
    b = row(out, "b", "income")  # no value in 2020
    assert np.isnan(b["abs_change"]) and "no value at start year 2020" in b["reason"]


def test_change_fixed_baseline_after_last_observation():
    df = pd.DataFrame({"institution": ["a", "a", "b", "b"], "year": [2019, 2020, 2020, 2021],
                       "x": [1.0, 2.0, 3.0, 4.0]})
    out = change(df, "x", start=2020).set_index("institution")
    assert np.isnan(out.loc["a", "abs_change"]) and "other side" in out.loc["a", "reason"]
    assert out.loc["b", "abs_change"] == 1.0


def test_change_string_periods_are_ordered_steps():
    df = pd.DataFrame({"institution": ["a"] * 3, "year": ["2019/20", "2020/21", "2021/22"],
                       "x": [100.0, 120.0, 144.0]})
    r = change(df, "x").iloc[0]
    assert r["elapsed"] == 2 and r["cagr"] == pytest.approx(0.2)


def test_change_metadata_direction(panel):
    meta = pd.DataFrame({"indicator": ["income", "ratio"], "direction": ["higher", "lower"]})
    out = change(panel, ["income", "ratio"], direction=meta)
    assert bool(row(out, "b", "ratio")["improved"]) is False  # 22 -> 23, lower is better


def test_change_one_row_per_entity_indicator_in_order(panel):
    out = change(panel, ["income", "ratio"])
    assert list(out["institution"]) == ["a", "a", "b", "b", "c", "c", "d", "d"]
    assert list(out["indicator"]) == ["income", "ratio"] * 4


@settings(max_examples=30, deadline=None)
@given(st.lists(st.floats(0.5, 1e4), min_size=2, max_size=6), st.floats(0.01, 100))
def test_change_cagr_compounds_back_and_is_scale_free(values, scale):
    n = len(values)
    df = pd.DataFrame({"institution": ["a"] * n, "year": np.arange(2000, 2000 + 2 * n, 2),
                       "x": values})
    r = change(df, "x").iloc[0]
    assert values[0] * (1 + r["cagr"]) ** r["elapsed"] == pytest.approx(values[-1], rel=1e-9)
    scaled = change(df.assign(x=df["x"] * scale), "x").iloc[0]
    assert scaled["cagr"] == pytest.approx(r["cagr"], rel=1e-9, abs=1e-12)
    assert scaled["abs_change"] == pytest.approx(r["abs_change"] * scale, rel=1e-9, abs=1e-9)


def test_change_row_order_does_not_matter(panel):
    shuffled = panel.sample(frac=1, random_state=3)
    pd.testing.assert_frame_equal(
        change(panel, "income").sort_values("institution", ignore_index=True),
        change(shuffled, "income").sort_values("institution", ignore_index=True))


# ---------------------------------------------------------------------- growth
def test_growth_yoy_matches_pandas_pct_change():
    df = random_panel(1, missing=0.0)
    df[["x", "y"]] = df[["x", "y"]].abs() + 1
    out = growth(df, ["x", "y"])
    expected = df.groupby("institution")[["x", "y"]].pct_change()
    np.testing.assert_allclose(out[["x", "y"]].to_numpy(), expected.to_numpy(), rtol=1e-12, atol=1e-14)
    assert (out.loc[df["year"] == 2010, "reason"] == "first period (all indicators)").all()
    assert out.loc[df["year"] > 2010, "reason"].isna().all()


def test_growth_log_and_diff(panel):
    a = panel[panel["institution"] == "a"]
    log = growth(a, "income", kind="log")["income"].to_numpy()
    np.testing.assert_allclose(log[1:], np.log([110 / 100, 121 / 110, 133.1 / 121]))
    diff = growth(a, "income", kind="diff")["income"].to_numpy()
    np.testing.assert_allclose(diff[1:], [10.0, 11.0, 12.1])


def test_growth_gap_is_not_reported_as_one_period(panel):
    out = growth(panel, "income")
    b2022 = out[(out["institution"] == "b") & (out["year"] == 2022)].iloc[0]
    # b has no 2021 row: growth to 2022 is NaN, not the three-year change
    assert np.isnan(b2022["income"]) and "no value in previous period" in b2022["reason"]
    c2020 = out[(out["institution"] == "c") & (out["year"] == 2020)].iloc[0]
    assert np.isnan(c2020["income"]) and "previous value is zero" in c2020["reason"]


def test_growth_index(panel):
    out = growth(panel, "income", kind="index")
    a = out[out["institution"] == "a"]["income"].to_numpy()
    np.testing.assert_allclose(a, [100.0, 110.0, 121.0, 133.1])
    fixed = growth(panel, "income", kind="index", at=2020)
    a = fixed[fixed["institution"] == "a"]["income"].to_numpy()
    np.testing.assert_allclose(a, [100 / 1.1, 100.0, 110.0, 121.0])
    b = fixed[fixed["institution"] == "b"]
    assert b["income"].isna().all() and b["reason"].str.contains("no value at base period").all()
    c = out[out["institution"] == "c"]  # base value 0
    assert c["income"].isna().all() and c["reason"].str.contains("not positive").all()


def test_growth_keeps_index_and_order(panel):
    shuffled = panel.sample(frac=1, random_state=0)
    out = growth(shuffled, ["income", "ratio"])
    assert out.index.equals(shuffled.index)
    assert list(out.columns) == ["institution", "year", "income", "ratio", "reason"]


def test_growth_mixed_reasons_name_the_indicator():
    df = pd.DataFrame({"institution": ["a"] * 3, "year": [1, 2, 3],
                       "x": [1.0, np.nan, 3.0], "y": [1.0, 2.0, 4.0]})
    reasons = growth(df, ["x", "y"])["reason"].tolist()
    assert reasons[1] == "x: not observed"
    assert reasons[2] == "x: no value in previous period"


# ----------------------------------------------------------------------- trend
def test_trend_ols_matches_linregress():
    df = random_panel(7)
    out = trend(df, ["x", "y"], ci=0.9)
    checked = 0
    for _, r in out.iterrows():
        pts = df.loc[df["institution"] == r["institution"], ["year", r["indicator"]]].dropna()
        assert r["n_periods"] == len(pts)
        if len(pts) < 3:
            continue
        res = stats.linregress(pts["year"].astype(float), pts[r["indicator"]])
        half = stats.t.ppf(0.95, len(pts) - 2) * res.stderr
        np.testing.assert_allclose(
            [r["slope"], r["intercept"], r["ci_low"], r["ci_high"]],
            [res.slope, res.intercept, res.slope - half, res.slope + half], rtol=1e-9, atol=1e-8)
        assert r["relative_slope"] == pytest.approx(res.slope / abs(pts[r["indicator"]].mean()))
        checked += 1
    assert checked > 40


def test_trend_theil_sen_matches_scipy_with_ties():
    df = random_panel(11, integers=True)
    out = trend(df, ["x", "y"], method="theil-sen", ci=0.95)
    checked = 0
    for _, r in out.iterrows():
        pts = df.loc[df["institution"] == r["institution"], ["year", r["indicator"]]].dropna()
        if len(pts) < 3:
            continue
        res = stats.theilslopes(pts[r["indicator"]], pts["year"].astype(float), alpha=0.95)
        np.testing.assert_allclose(
            [r["slope"], r["intercept"], r["ci_low"], r["ci_high"]],
            [res.slope, res.intercept, res.low_slope, res.high_slope], rtol=1e-12, atol=1e-9)
        checked += 1
    assert checked > 40


def test_trend_short_series(panel):
    out = trend(panel, "income")
    b = row(out, "b", "income")  # two points: 100 (2019) and 133.1 (2022)
    assert b["n_periods"] == 2
    assert b["slope"] == pytest.approx(33.1 / 3)
    assert np.isnan(b["ci_low"]) and pd.isna(b["verdict"])
    assert "two observed periods" in b["reason"]
    d = row(out, "d", "income")
    assert np.isnan(d["slope"]) and "one observed period" in d["reason"]


def test_trend_verdicts_are_direction_aware():
    df = pd.DataFrame({"institution": ["a"] * 5 + ["b"] * 5 + ["c"] * 5,
                       "year": list(range(2019, 2024)) * 3,
                       "ratio": [20, 19, 18.2, 17.1, 16, 15, 15.1, 14.9, 15.05, 15.0,
                                 10, 10.5, 11.2, 11.4, 12.1]})
    out = trend(df, "ratio", direction="lower").set_index("institution")
    assert out.loc["a", "verdict"] == "improving"
    assert out.loc["b", "verdict"] == "flat"
    assert out.loc["c", "verdict"] == "worsening"
    assert out.loc["b", "ci_low"] < 0 < out.loc["b", "ci_high"]


def test_trend_constant_series_is_flat():
    df = pd.DataFrame({"institution": ["a"] * 4, "year": [1, 2, 3, 4], "x": [5.0] * 4})
    r = trend(df, "x").iloc[0]
    assert r["slope"] == 0 and r["ci_low"] == 0 and r["ci_high"] == 0 and r["verdict"] == "flat"


def test_trend_zero_mean_relative_slope():
    df = pd.DataFrame({"institution": ["a"] * 3, "year": [1, 2, 3], "x": [-1.0, 0.0, 1.0]})
    r = trend(df, "x").iloc[0]
    assert r["slope"] == pytest.approx(1.0) and np.isnan(r["relative_slope"])
    assert "mean is zero" in r["reason"]


def test_trend_large_values_stay_accurate():
    # incomes ~1e9 over years ~2000: the centred sums avoid cancellation
    df = pd.DataFrame({"institution": ["a"] * 5, "year": np.arange(2019, 2024),
                       "x": 1e9 + np.array([0.0, 3.0, 5.0, 9.0, 12.0])})
    res = stats.linregress(df["year"].astype(float), df["x"])
    r = trend(df, "x").iloc[0]
    assert r["slope"] == pytest.approx(res.slope, rel=1e-9)
    assert r["ci_high"] - r["slope"] == pytest.approx(stats.t.ppf(0.975, 3) * res.stderr, rel=1e-6)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.floats(-100, 100), min_size=3, max_size=8),
       st.floats(0.1, 50), st.floats(-1e3, 1e3), st.integers(-50, 50))
def test_trend_affine_equivariance(values, scale, shift, year_shift):
    n = len(values)
    df = pd.DataFrame({"institution": ["a"] * n, "year": np.arange(n) + 2000, "x": values})
    base = trend(df, "x").iloc[0]
    moved = trend(df.assign(x=df["x"] * scale + shift, year=df["year"] + year_shift), "x").iloc[0]
    tol = 1e-7 * (1 + abs(base["slope"]) * scale + np.ptp(values) * scale)
    assert moved["slope"] == pytest.approx(base["slope"] * scale, abs=tol)
    assert moved["ci_high"] - moved["slope"] == pytest.approx(
        (base["ci_high"] - base["slope"]) * scale, abs=tol)


# ---------------------------------------------------------------- self_compare
def test_self_compare_profile(panel):
    out = self_compare(panel, "a", ["income", "ratio"], direction={"ratio": "lower"})
    assert list(out["indicator"]) == ["income", "ratio"]
    inc = out.iloc[0]
    assert inc["best"] == pytest.approx(133.1) and inc["best_year"] == 2022
    assert inc["gap_to_best"] == 0 and inc["verdict"] == "improving"
    ratio = out.iloc[1]  # lower is better: best is the minimum, 18.0 in 2022
    assert ratio["best"] == 18.0 and ratio["best_year"] == 2022


def test_self_compare_gap_and_earliest_best():
    df = pd.DataFrame({"institution": ["a"] * 5, "year": [2019, 2020, 2021, 2022, 2023],
                       "x": [5.0, 9.0, 7.0, 9.0, 6.0], "r": [3.0, 2.0, 2.0, 4.0, 5.0]})
    out = self_compare(df, "a", ["x", "r"], direction={"r": "lower"}).set_index("indicator")
    assert out.loc["x", "best"] == 9 and out.loc["x", "best_year"] == 2020  # earliest of the tie
    assert out.loc["x", "gap_to_best"] == pytest.approx(3.0)
    assert out.loc["x", "gap_to_best_pct"] == pytest.approx(3.0 / 9.0)
    assert out.loc["r", "best"] == 2 and out.loc["r", "best_year"] == 2020
    assert out.loc["r", "gap_to_best"] == pytest.approx(3.0)


def test_self_compare_agrees_with_change_and_trend(panel):
    prof = self_compare(panel, "c", "income").iloc[0]
    ch = row(change(panel, "income"), "c", "income")
    tr = row(trend(panel, "income"), "c", "income")
    for col in ("baseline", "latest", "abs_change", "pct_change", "cagr"):
        np.testing.assert_equal(prof[col], ch[col])
    for col in ("slope", "ci_low", "ci_high", "verdict"):
        np.testing.assert_equal(prof[col], tr[col])
    assert "change: baseline is zero" in prof["reason"]


def test_self_compare_period_missing_for_focus(panel):
    with pytest.raises(BenchmarkError, match="'d' has no row for year 2019"):
        self_compare(panel, "d", "income", start=2019)


def test_self_compare_unknown_focus(panel):
    with pytest.raises(UnknownEntityError, match="'aa'.*Did you mean 'a'"):
        self_compare(panel, "aa", "income")


# ------------------------------------------------------------------ bad input
@pytest.mark.parametrize("func", [change, growth, trend])
def test_missing_indicator_column(panel, func):
    with pytest.raises(ColumnError, match="incme.*did you mean 'income'"):
        func(panel, ["incme"])


@pytest.mark.parametrize("func", [change, growth, trend])
def test_duplicated_rows(panel, func):
    dup = pd.concat([panel, panel.iloc[[0]]])
    with pytest.raises(DuplicateRowError, match="a/2019"):
        func(dup, "income")


@pytest.mark.parametrize("func", [change, growth, trend])
def test_missing_period_column(panel, func):
    with pytest.raises(ColumnError, match="period column 'yr'"):
        func(panel, "income", period="yr")


@pytest.mark.parametrize("func", [change, growth, trend])
def test_non_numeric_indicator(panel, func):
    with pytest.raises(ColumnError, match="'name'"):
        func(panel.assign(name="x"), "name")


def test_missing_entity_label(panel):
    bad = panel.astype({"institution": object})
    bad.loc[0, "institution"] = None
    with pytest.raises(BenchmarkError, match="'institution'"):
        change(bad, "income")


def test_change_bad_periods(panel):
    with pytest.raises(BenchmarkError, match="year 2030 not found"):
        change(panel, "income", start=2030)
    with pytest.raises(BenchmarkError, match="must come before"):
        change(panel, "income", start=2022, end=2020)


def test_change_bad_direction(panel):
    with pytest.raises(BenchmarkError, match="'revenue'"):
        change(panel, "income", direction={"revenue": "lower"})
    with pytest.raises(BenchmarkError, match="'sideways'"):
        change(panel, "income", direction="sideways")


def test_growth_bad_kind_and_base(panel):
    with pytest.raises(BenchmarkError, match="`kind`.*'pct'"):
        growth(panel, "income", kind="pct")
    with pytest.raises(BenchmarkError, match="only with kind='index'"):
        growth(panel, "income", at=2019)
    with pytest.raises(BenchmarkError, match="year 1999 not found"):
        growth(panel, "income", kind="index", at=1999)


def test_trend_bad_method_and_ci(panel):
    with pytest.raises(BenchmarkError, match="`method`.*'lasso'"):
        trend(panel, "income", method="lasso")
    with pytest.raises(BenchmarkError, match="`ci`.*1.5"):
        trend(panel, "income", ci=1.5)


def test_not_a_dataframe():
    with pytest.raises(BenchmarkError, match="`data` must be a pandas DataFrame"):
        change([[1, 2]], "x")


@pytest.mark.parametrize("call", [
    lambda d: change(d, ["income", "ratio"]),
    lambda d: growth(d, ["income", "ratio"], kind="index"),
    lambda d: trend(d, ["income", "ratio"], method="theil-sen"),
    lambda d: self_compare(d, "a", ["income", "ratio"]),
])
def test_inputs_are_not_modified(panel, call):
    before = copy.deepcopy(panel)
    call(panel)
    pd.testing.assert_frame_equal(panel, before)
