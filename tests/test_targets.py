"""Tests of benchmark.targets: completion, completion_summary, grade.

Every expected number is worked out by hand in the comments, or comes from
numpy.polyfit (trend projection) or a second layout of the same targets.
"""

from __future__ import annotations

import copy

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from benchmark import (
    BenchmarkError,
    ColumnError,
    DuplicateRowError,
    MissingValueError,
    UnknownEntityError,
    completion,
    completion_summary,
    grade,
)

YEARS = list(range(2019, 2024))


@pytest.fixture
def actual() -> pd.DataFrame:
    return pd.DataFrame({
        "institution": ["a"] * 5 + ["b"] * 5,
        "year": YEARS * 2,
        "income": [100, 115, 130, 150, 170, 50, 60, np.nan, 80, 90],
        "ratio": [20, 19, 18, 17, 16, 22, 22, 23, 23, 23],
        "awards": [0, np.nan, 5, 7, 9, 1, 1, 2, 3, 4],
        "days": [10, 12, 14, 15, 16, 5, np.nan, 5, 5, 5],
        "old": [1, 2, np.nan, np.nan, np.nan, 3, 4, 5, np.nan, np.nan],
    }).astype({c: float for c in ["income", "ratio", "awards", "days", "old"]})


@pytest.fixture
def targets() -> pd.DataFrame:
    return pd.DataFrame({
        "institution": ["a"] * 5 + ["b"] * 5,
        "indicator": ["income", "ratio", "awards", "days", "old"] * 2,
        "baseline_year": [2019] * 10,
        "baseline": [100, 20, 0, 10, 1, 50, 22, 1, 5, 3],
        "target_2021": [140, 18, 4, 30, 3, 60, 22, 2.5, np.nan, 4],
        "target_2023": [160, 16, 8, 60, 5, 70, 18, 4, 20, 6],
    })


@pytest.fixture
def meta() -> pd.DataFrame:
    return pd.DataFrame({
        "indicator": ["income", "ratio", "awards", "days", "old"],
        "direction": ["higher", "lower", "higher", "higher", "higher"],
        "kind": ["level", "level", "cumulative", "accumulated", "level"],
        "pillar": ["money", "staff", "awards", "training", "awards"],
        "weight": [3.0, 1.0, 1.0, 2.0, 1.0],
    })


def task(table: pd.DataFrame, entity: str, indicator: str) -> pd.Series:
    hit = table[(table["institution"] == entity) & (table["indicator"] == indicator)]
    assert len(hit) == 1
    return hit.iloc[0]


# ------------------------------------------------------------------ completion
def test_level_indicator_hand_worked(actual, targets, meta):
    r = task(completion(actual, targets, at=2021, metadata=meta), "a", "income")
    # baseline 100 (2019), actual 130 (2021), target 140, final 160 (2023)
    assert r["completion_ratio"] == pytest.approx(130 / 140)
    assert r["progress_share"] == pytest.approx((130 - 100) / (140 - 100))
    assert r["pace_achieved"] == pytest.approx((130 - 100) / 2)
    assert r["pace_needed"] == pytest.approx((160 - 130) / 2)
    assert r["projected_final"] == pytest.approx(130 + 15 * 2)
    assert r["status"] == "attainable" and bool(r["reaches_final"])
    assert (r["year"], r["final_year"], r["baseline_year"]) == (2021, 2023, 2019)


def test_lower_is_better(actual, targets, meta):
    out = completion(actual, targets, at=2021, metadata=meta)
    a = task(out, "a", "ratio")  # 20 -> 18, target 18: exactly met
    assert a["completion_ratio"] == pytest.approx(18 / 18)
    assert a["status"] == "completed"
    b = task(out, "b", "ratio")  # 22 -> 23 with target 22 (= baseline) and final 18
    assert b["completion_ratio"] == pytest.approx(22 / 23)
    assert np.isnan(b["progress_share"]) and "target equals baseline" in b["reason"]
    assert b["pace_achieved"] == pytest.approx(0.5)  # worsening by 0.5 a year
    assert b["pace_needed"] == pytest.approx((18 - 23) / 2)
    assert b["projected_final"] == pytest.approx(24.0)
    assert b["status"] == "unattainable" and "falls short" in b["reason"]


def test_lower_is_better_ratio_is_target_over_actual():
    actual = pd.DataFrame({"institution": ["a", "a"], "year": [2019, 2021], "r": [20.0, 19.0]})
    targets = pd.DataFrame({"institution": ["a"], "indicator": ["r"], "baseline_year": [2019],
                            "baseline": [20.0], "target_2021": [17.0], "target_2023": [16.0]})
    r = completion(actual, targets, at=2021, direction="lower").iloc[0]
    assert r["completion_ratio"] == pytest.approx(17 / 19)
    assert r["progress_share"] == pytest.approx((19 - 20) / (17 - 20))
    # pace -0.5/yr -> 18 in 2023, above the final 16: lower is better, so short
    assert r["projected_final"] == pytest.approx(18.0) and r["status"] == "unattainable"


def test_cumulative_counts_ignore_intermediate_gaps(actual, targets, meta):
    r = task(completion(actual, targets, at=2021, metadata=meta), "a", "awards")
    # running total 5 in 2021 (2020 not reported - irrelevant for a running total)
    assert r["actual"] == 5 and r["completion_ratio"] == pytest.approx(5 / 4)
    assert r["status"] == "completed"
    assert r["pace_achieved"] == pytest.approx(2.5) and r["projected_final"] == pytest.approx(10)


def test_cumulative_total_that_falls_is_not_projected_down():
    actual = pd.DataFrame({"institution": ["a"] * 3, "year": [2019, 2020, 2021],
                           "bases": [10.0, 9.0, 8.0]})
    targets = pd.DataFrame({"institution": ["a"], "indicator": ["bases"], "baseline_year": [2019],
                            "baseline": [10.0], "target_2021": [12.0], "target_2023": [14.0]})
    r = completion(actual, targets, at=2021, kind="cumulative").iloc[0]
    assert r["pace_achieved"] == pytest.approx(-1.0)
    assert r["projected_final"] == pytest.approx(8.0)  # pace taken as 0
    assert "cumulative total fell" in r["reason"] and r["status"] == "unattainable"
    trend = completion(actual, targets, at=2021, kind="cumulative", projection="trend").iloc[0]
    assert trend["projected_final"] == pytest.approx(8.0)
    level = completion(actual, targets, at=2021).iloc[0]
    assert level["projected_final"] == pytest.approx(6.0)


def test_accumulated_totals_sum_after_the_baseline(actual, targets, meta):
    out = completion(actual, targets, at=2021, metadata=meta)
    a = task(out, "a", "days")
    # flows 2020 + 2021 = 12 + 14 = 26 against a cumulative target of 30
    assert a["actual"] == 26 and a["completion_ratio"] == pytest.approx(26 / 30)
    assert a["progress_share"] == pytest.approx(26 / 30)
    assert a["pace_achieved"] == pytest.approx(13) and a["pace_needed"] == pytest.approx(17)
    assert a["projected_final"] == pytest.approx(26 + 2 * 13) and a["status"] == "unattainable"
    b = task(out, "b", "days")  # 2020 missing: 5 is a lower bound; no 2021 target
    assert b["actual"] == 5 and "total is a lower bound" in b["reason"]
    assert "judged against the final target" in b["reason"]
    assert np.isnan(b["completion_ratio"])


def test_trend_projection_matches_polyfit(actual, targets, meta):
    out = completion(actual, targets, at=2021, metadata=meta, projection="trend")
    a = task(out, "a", "awards")
    # awards: baseline (2019, 0) and observed (2021, 5); 2020 missing -> line through 2 points
    assert a["projected_final"] == pytest.approx(5 + 2.5 * 2)
    inc = task(out, "a", "income")
    slope, intercept = np.polyfit([2019, 2020, 2021], [100, 115, 130], 1)
    assert inc["projected_final"] == pytest.approx(intercept + slope * 2023)
    days = task(out, "a", "days")
    # flows 12 (2020), 14 (2021): fitted 16 (2022) and 18 (2023) -> 26 + 34
    assert days["projected_final"] == pytest.approx(60.0) and days["status"] == "attainable"
    assert days["pace_achieved"] == pytest.approx(13)  # pace so far is the same in both modes


def test_pace_ratio(actual, targets, meta):
    out = completion(actual, targets, at=2021, metadata=meta)
    assert task(out, "a", "income")["pace_ratio"] == pytest.approx(15 / 15)
    assert task(out, "a", "days")["pace_ratio"] == pytest.approx(17 / 13)
    assert task(out, "a", "awards")["pace_ratio"] == pytest.approx(1.5 / 2.5)
    worse = task(out, "b", "ratio")  # lower is better and the ratio rose: no progress
    assert np.isnan(worse["pace_ratio"]) and "no progress towards the target" in worse["reason"]
    ahead = pd.DataFrame({"institution": ["a", "a"], "year": [2019, 2021], "x": [1.0, 9.0]})
    goal = pd.DataFrame({"institution": ["a"], "indicator": ["x"], "baseline_year": [2019],
                         "baseline": [1.0], "target_2021": [3.0], "target_2023": [5.0]})
    assert completion(ahead, goal, at=2021).iloc[0]["pace_ratio"] == 0


def test_acceleration(actual, targets, meta):
    # a/days: 26 so far at 13 a period, 60 needed by 2023: 17 a period = 1.3077 x the pace
    fast = task(completion(actual, targets, at=2021, metadata=meta, acceleration=1.31), "a", "days")
    assert fast["projected_final"] == pytest.approx(26 + 1.31 * 26)
    assert fast["status"] == "attainable"
    slow = task(completion(actual, targets, at=2021, metadata=meta, acceleration=1.3), "a", "days")
    assert slow["status"] == "unattainable"
    with pytest.raises(BenchmarkError, match="`acceleration` must be a positive number"):
        completion(actual, targets, at=2021, acceleration=0)


def test_flow_is_judged_on_the_period_amount(actual, targets):
    out = completion(actual, targets, at=2021, kind={"days": "flow"})
    r = task(out, "a", "days")
    assert r["actual"] == 14 and r["completion_ratio"] == pytest.approx(14 / 30)
    assert r["progress_share"] == pytest.approx((14 - 10) / (30 - 10))


def test_compound_projection():
    actual = pd.DataFrame({"institution": ["a"] * 3, "year": [2019, 2020, 2021],
                           "income": [100.0, 125.0, 144.0]})
    targets = pd.DataFrame({"institution": ["a"], "indicator": ["income"], "baseline_year": [2019],
                            "baseline": [100.0], "target_2021": [144.0], "target_2023": [207.36]})
    # 20 % a year planned; 100 -> 144 is 20 % a year achieved: on plan for the final 207.36
    out = completion(actual, targets, at=2021, projection={"income": "compound"}).iloc[0]
    assert out["projected_final"] == pytest.approx(144 * 1.2 ** 2)
    assert bool(out["reaches_final"]) is True
    linear = completion(actual, targets, at=2021).iloc[0]
    assert linear["projected_final"] == pytest.approx(144 + 22 * 2)
    assert bool(linear["reaches_final"]) is False  # a straight line undershoots compound growth
    zero = completion(actual, targets.assign(baseline=0.0), at=2021, projection="compound").iloc[0]
    assert zero["projected_final"] == pytest.approx(144 + 72 * 2)
    assert "compound projection needs positive" in zero["reason"]


def test_trend_projection_bends_with_the_data():
    actual = pd.DataFrame({"institution": ["a"] * 4, "year": [2018, 2019, 2020, 2021],
                           "x": [10.0, 14.0, 15.0, 16.0]})
    targets = pd.DataFrame({"institution": ["a"], "indicator": ["x"], "baseline_year": [2018],
                            "baseline": [10.0], "target_2021": [17.0], "target_2023": [20.2]})
    slope, intercept = np.polyfit([2018, 2019, 2020, 2021], [10, 14, 15, 16], 1)
    linear = completion(actual, targets, at=2021).iloc[0]
    trend = completion(actual, targets, at=2021, projection="trend").iloc[0]
    assert linear["projected_final"] == pytest.approx(16 + 2 * 2)  # pace 2/yr since 2018
    assert trend["projected_final"] == pytest.approx(intercept + slope * 2023)
    assert (linear["status"], trend["status"]) == ("unattainable", "attainable")


def test_discontinued_indicator_is_unattainable(actual, targets, meta):
    r = task(completion(actual, targets, at=2021, metadata=meta), "a", "old")
    assert r["status"] == "unattainable" and "discontinued: last reported in 2020" in r["reason"]
    b = task(completion(actual, targets, at=2021, metadata=meta), "b", "old")
    assert b["status"] == "completed"  # still reported in 2021 and 5 >= 4
    b23 = task(completion(actual, targets, at=2023, metadata=meta), "b", "old")
    assert b23["status"] == "unattainable" and "last reported in 2021" in b23["reason"]


def test_gap_at_evaluation_period_is_no_data(actual, targets, meta):
    r = task(completion(actual, targets, at=2021, metadata=meta), "b", "income")
    assert r["status"] == "no_data" and "no value for year 2021 (reported later)" in r["reason"]


def test_never_reported_is_no_data(actual, targets):
    blank = actual.assign(income=np.where(actual["institution"] == "a", np.nan, actual["income"]))
    r = task(completion(blank, targets, at=2021), "a", "income")
    assert r["status"] == "no_data" and "never reported" in r["reason"]


def test_zero_baseline(actual, targets, meta):
    r = task(completion(actual, targets, at=2021, metadata=meta), "a", "awards")
    assert r["baseline"] == 0 and r["progress_share"] == pytest.approx(5 / 4)


def test_target_equal_to_baseline_maintained():
    actual = pd.DataFrame({"institution": ["a", "a"], "year": [2019, 2021], "rate": [0.9, 0.92]})
    targets = pd.DataFrame({"institution": ["a"], "indicator": ["rate"], "baseline_year": [2019],
                            "baseline": [0.9], "target_2021": [0.9], "target_2023": [0.9]})
    r = completion(actual, targets, at=2021).iloc[0]
    assert r["status"] == "completed" and np.isnan(r["progress_share"])
    assert r["completion_ratio"] == pytest.approx(0.92 / 0.9)


def test_single_period_of_data():
    actual = pd.DataFrame({"institution": ["a"], "year": [2021], "x": [130.0]})
    targets = pd.DataFrame({"institution": ["a"], "indicator": ["x"], "baseline_year": [2019],
                            "baseline": [100.0], "target_2021": [140.0], "target_2023": [160.0]})
    r = completion(actual, targets, at=2021).iloc[0]
    assert r["pace_achieved"] == pytest.approx(15) and r["status"] == "attainable"
    bare = targets.drop(columns=["baseline_year", "baseline"])
    r = completion(actual, bare, at=2021).iloc[0]
    assert r["status"] == "no_data" and "baseline is not before year 2021" in r["reason"]
    assert "baseline period taken from the first reported period" in r["reason"]


def test_baseline_filled_from_data(actual, targets):
    bare = targets.drop(columns=["baseline"])
    r = task(completion(actual, bare, at=2021), "a", "income")
    assert r["baseline"] == 100 and "baseline value taken from the data" in r["reason"]
    no_year = targets.drop(columns=["baseline_year", "baseline"])
    r = task(completion(actual, no_year, at=2021), "a", "income")
    assert r["baseline_year"] == 2019 and r["baseline"] == 100


def test_evaluation_at_final_period(actual, targets, meta):
    out = completion(actual, targets, at=2023, metadata=meta)
    assert task(out, "a", "income")["status"] == "completed"  # 170 >= 160
    days = task(out, "a", "days")  # 12 + 14 + 15 + 16 = 57 < 60
    assert days["actual"] == 57 and days["status"] == "unattainable"
    assert "final period and the target is not met" in days["reason"]
    assert days["projected_final"] == 57


def test_no_target_at_all():
    actual = pd.DataFrame({"institution": ["a", "a"], "year": [2019, 2021], "x": [1.0, 2.0]})
    targets = pd.DataFrame({"institution": ["a"], "indicator": ["x"], "baseline_year": [2019],
                            "baseline": [1.0], "target_2021": [np.nan], "target_2023": [np.nan]})
    r = completion(actual, targets, at=2021).iloc[0]
    assert r["status"] == "no_data" and "no target" in r["reason"]


def test_long_layout_equals_wide_layout(actual, targets, meta):
    long = targets.melt(id_vars=["institution", "indicator", "baseline_year", "baseline"],
                        var_name="year", value_name="target")
    long["year"] = long["year"].str.removeprefix("target_").astype(int)
    wide_out = completion(actual, targets, at=2021, metadata=meta)
    long_out = completion(actual, long.sample(frac=1, random_state=1), at=2021, metadata=meta)
    key = ["institution", "indicator"]
    pd.testing.assert_frame_equal(wide_out.sort_values(key, ignore_index=True),
                                  long_out.sort_values(key, ignore_index=True))


def test_long_layout_without_baseline_columns(actual):
    long = pd.DataFrame({"institution": ["a", "a"], "indicator": ["income"] * 2,
                         "year": [2021, 2023], "target": [140.0, 160.0]})
    r = completion(actual, long, at=2021).iloc[0]
    assert r["baseline_year"] == 2019 and r["baseline"] == 100 and r["status"] == "attainable"


def test_explicit_direction_and_kind_override_metadata(actual, targets, meta):
    out = completion(actual, targets, at=2021, metadata=meta, kind="level",
                     direction={"ratio": "higher"})
    days = task(out, "a", "days")
    assert days["kind"] == "level" and days["actual"] == 14
    assert task(out, "a", "ratio")["direction"] == "higher"


def test_indicator_list_restricts_tasks(actual, targets):
    out = completion(actual, targets, at=2021, indicators=["income", "ratio"])
    assert set(out["indicator"]) == {"income", "ratio"} and len(out) == 4


def test_statuses_and_columns(actual, targets, meta):
    out = completion(actual, targets, at=2021, metadata=meta)
    assert set(out["status"]) <= {"completed", "attainable", "unattainable", "no_data"}
    # every task that is not completed or attainable says why
    assert out.loc[out["status"].isin(["unattainable", "no_data"]), "reason"].notna().all()
    assert list(out.columns[:4]) == ["institution", "indicator", "direction", "kind"]
    assert len(out) == len(targets)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(1, 100), min_size=3, max_size=3), st.floats(1, 200), st.floats(1, 200),
       st.floats(0.01, 100), st.sampled_from(["level", "flow", "cumulative", "accumulated"]),
       st.sampled_from(["linear", "compound", "trend"]))
def test_completion_is_unit_free_and_direction_symmetric(values, t21, t23, scale, kind, how):
    actual = pd.DataFrame({"institution": ["a"] * 3, "year": [2019, 2020, 2021], "x": values})
    targets = pd.DataFrame({"institution": ["a"], "indicator": ["x"], "baseline_year": [2019],
                            "baseline": [values[0]], "target_2021": [t21], "target_2023": [t23]})
    base = completion(actual, targets, at=2021, kind=kind, projection=how).iloc[0]
    scaled = completion(actual.assign(x=actual["x"] * scale),
                        targets.assign(baseline=targets["baseline"] * scale,
                                       target_2021=t21 * scale, target_2023=t23 * scale),
                        at=2021, kind=kind, projection=how).iloc[0]
    assert scaled["status"] == base["status"]
    assert scaled["completion_ratio"] == pytest.approx(base["completion_ratio"], rel=1e-9)
    if kind == "level" and how != "compound":
        flipped = completion(actual.assign(x=-actual["x"]),
                             targets.assign(baseline=-targets["baseline"], target_2021=-t21,
                                            target_2023=-t23),
                             at=2021, direction="lower", projection=how).iloc[0]
        assert flipped["status"] == base["status"]
        np.testing.assert_allclose(flipped["progress_share"], base["progress_share"], rtol=1e-9)


# ----------------------------------------------------------- bad input (completion)
def test_targets_missing_columns(actual):
    with pytest.raises(ColumnError, match="'target_<period>'"):
        completion(actual, pd.DataFrame({"institution": ["a"], "indicator": ["income"]}), at=2021)
    with pytest.raises(ColumnError, match="'indicator'"):
        completion(actual, pd.DataFrame({"institution": ["a"], "target_2021": [1.0]}), at=2021)


def test_targets_duplicated(actual, targets):
    with pytest.raises(DuplicateRowError, match="a/income"):
        completion(actual, pd.concat([targets, targets.iloc[[0]]]), at=2021)


def test_targets_unknown_entity_and_indicator(actual, targets):
    bad = targets.copy()
    bad.loc[0, "institution"] = "zz"
    with pytest.raises(UnknownEntityError, match="'zz'"):
        completion(actual, bad, at=2021)
    bad = targets.copy()
    bad.loc[0, "indicator"] = "revenue"
    with pytest.raises(ColumnError, match="'revenue'"):
        completion(actual, bad, at=2021)


def test_at_outside_data(actual, targets):
    with pytest.raises(BenchmarkError, match="year 2030 not found in `data`"):
        completion(actual, targets, at=2030)


def test_bad_final(actual, targets):
    with pytest.raises(BenchmarkError, match="`end` year 2022 has no targets"):
        completion(actual, targets, at=2021, end=2022)
    with pytest.raises(BenchmarkError, match="after the final target period 2021"):
        completion(actual, targets, at=2023, end=2021)


def test_bad_target_column_name(actual, targets):
    with pytest.raises(ColumnError, match="'target_final'"):
        completion(actual, targets.rename(columns={"target_2023": "target_final"}), at=2021)


def test_non_numeric_targets(actual, targets):
    with pytest.raises(ColumnError, match="'target_2021'"):
        completion(actual, targets.assign(target_2021="high"), at=2021)


def test_conflicting_baselines_in_long_layout(actual):
    long = pd.DataFrame({"institution": ["a", "a"], "indicator": ["income"] * 2,
                         "year": [2021, 2023], "target": [140.0, 160.0],
                         "baseline_year": [2019, 2019], "baseline": [100.0, 90.0]})
    with pytest.raises(DuplicateRowError, match="several baselines for 'a/income'"):
        completion(actual, long, at=2021)


def test_string_periods():
    labels = ["2019/20", "2020/21", "2021/22", "2022/23"]
    actual = pd.DataFrame({"institution": ["a"] * 4, "term": labels, "x": [10.0, 12.0, 14.0, 15.0]})
    targets = pd.DataFrame({"institution": ["a"], "indicator": ["x"], "baseline_term": ["2019/20"],
                            "baseline": [10.0], "target_2020/21": [13.0], "target_2022/23": [16.0]})
    r = completion(actual, targets, at="2020/21", period="term").iloc[0]
    # one step from baseline: pace 2, two steps left: 12 + 4 = 16 reaches 16
    assert r["pace_achieved"] == 2 and r["projected_final"] == 16 and r["status"] == "attainable"
    assert r["final_term"] == "2022/23"


def test_long_layout_period_type(actual):
    long = pd.DataFrame({"institution": ["a", "a"], "indicator": ["income"] * 2,
                         "year": ["2021", "2023"], "target": [140.0, 160.0]})
    with pytest.raises(ColumnError, match="column 'year' holds"):
        completion(actual, long, at=2021)


def test_bad_kind_projection_and_actual(actual, targets):
    with pytest.raises(BenchmarkError, match="'stock'"):
        completion(actual, targets, at=2021, kind={"income": "stock"})
    with pytest.raises(BenchmarkError, match="`projection`.*'spline'"):
        completion(actual, targets, at=2021, projection="spline")
    with pytest.raises(BenchmarkError, match="`projection` names 'staff'"):
        completion(actual, targets, at=2021, projection={"staff": "trend"})
    with pytest.raises(DuplicateRowError, match="a/2019"):
        completion(pd.concat([actual, actual.iloc[[0]]]), targets, at=2021)
    with pytest.raises(BenchmarkError, match="no targets"):
        completion(actual, targets, at=2021, indicators=["income", "staff"])


def test_completion_inputs_not_modified(actual, targets, meta):
    copies = [copy.deepcopy(x) for x in (actual, targets, meta)]
    completion(actual, targets, at=2021, metadata=meta, projection="trend")
    for before, after in zip(copies, (actual, targets, meta)):
        pd.testing.assert_frame_equal(before, after)


# ---------------------------------------------------------- completion_summary
@pytest.fixture
def table() -> pd.DataFrame:
    return pd.DataFrame({
        "institution": ["a", "a", "a", "a", "b", "b"],
        "indicator": ["income", "ratio", "awards", "days", "income", "ratio"],
        "status": ["completed", "attainable", "completed", "no_data", "unattainable", "completed"],
        "completion_ratio": [1.2, 0.9, 1.0, np.nan, 0.5, 1.1],
    })


def test_summary_counts_and_shares(table):
    out = completion_summary(table).set_index("institution")
    assert out.loc["a", "n_tasks"] == 4 and out.loc["a", "n_completed"] == 2
    assert out.loc["a", "share_attainable"] == pytest.approx(1 / 4)
    assert out.loc["a", "share_no_data"] == pytest.approx(1 / 4)
    assert out.loc["a", "completion_rate"] == pytest.approx(2 / 4)  # no_data counts as not done
    assert out.loc["a", "mean_ratio"] == pytest.approx((1.0 + 0.9 + 1.0) / 3)  # capped at 1
    assert out.loc["b", "completion_rate"] == pytest.approx(1 / 2)
    shares = out[[f"share_{s}" for s in ("completed", "attainable", "unattainable", "no_data")]]
    np.testing.assert_allclose(shares.sum(axis=1), 1.0)


def test_summary_weights_and_groups(table, meta):
    out = completion_summary(table, weights="weight", metadata=meta).set_index("institution")
    # a: weights income 3, ratio 1, awards 1, days 2; completed income + awards
    assert out.loc["a", "completion_rate"] == pytest.approx((3 + 1) / 7)
    assert out.loc["a", "mean_ratio"] == pytest.approx((3 * 1.0 + 1 * 0.9 + 1 * 1.0) / 5)
    by = completion_summary(table, by=["institution", "pillar"], metadata=meta)
    money = by[(by["institution"] == "a") & (by["pillar"] == "money")].iloc[0]
    assert money["n_tasks"] == 1 and money["share_completed"] == 1
    overall = completion_summary(table, by=[], weights={"income": 1, "ratio": 1, "awards": 0,
                                                        "days": 0})
    assert len(overall) == 1 and overall["completion_rate"].iloc[0] == pytest.approx(2 / 4)


def test_summary_bad_input(table, meta):
    with pytest.raises(BenchmarkError, match="'finished'"):
        completion_summary(table.assign(status="finished"))
    with pytest.raises(ColumnError, match="'status'"):
        completion_summary(table.drop(columns="status"))
    with pytest.raises(ColumnError, match="'pillar'"):
        completion_summary(table, by="pillar")
    with pytest.raises(BenchmarkError, match="no weight for indicator.*'days'"):
        completion_summary(table, weights={"income": 1, "ratio": 1, "awards": 1})
    with pytest.raises(BenchmarkError, match="non-negative"):
        completion_summary(table, weights={"income": -1, "ratio": 1, "awards": 1, "days": 1})
    with pytest.raises(BenchmarkError, match="no row for 'days'"):
        completion_summary(table, by="pillar", metadata=meta[meta["indicator"] != "days"])


def test_summary_of_completion_output(actual, targets, meta):
    out = completion(actual, targets, at=2021, metadata=meta)
    summary = completion_summary(out).set_index("institution")
    counts = out.groupby("institution")["status"].value_counts().unstack(fill_value=0)
    for status in counts.columns:
        np.testing.assert_array_equal(summary[f"n_{status}"], counts.loc[summary.index, status])


# ----------------------------------------------------------------------- grade
def test_grade_band_edges():
    scores = pd.Series([100, 90, 89.999, 80, 79.9, 60, 59.99, 0],
                       index=pd.Index(list("abcdefgh"), name="institution"))
    out = grade(scores)
    assert out["grade"].tolist() == ["excellent", "excellent", "good", "good", "pass", "pass",
                                     "fail", "fail"]
    assert out["grade"].cat.ordered and out["grade"].min() == "fail"
    zh = grade(scores, lang="zh")
    assert zh["grade"].tolist() == ["优", "优", "良", "良", "中", "中", "差", "差"]


def test_grade_custom_bands_and_frame_input():
    frame = pd.DataFrame({"college": ["x", "y", "z"], "total": [0.95, 0.7, np.nan]})
    out = grade(frame, bands=(0.9, 0.5), labels=["A", "B", "C"], score="total", entity="college")
    assert out["grade"].tolist()[:2] == ["A", "B"] and pd.isna(out["grade"].iloc[2])
    assert out["reason"].iloc[2] == "no score"
    assert list(out.columns) == ["college", "total", "grade", "vetoed", "reason"]


def test_grade_veto():
    scores = pd.Series([95.0, 85.0, 70.0], index=pd.Index(["a", "b", "c"], name="institution"))
    share = pd.Series({"a": 0.75, "b": 0.9, "c": 0.5})
    out = grade(scores, veto=share < 0.8)
    assert out["grade"].tolist() == ["fail", "good", "fail"]
    assert out["vetoed"].tolist() == [True, False, True]
    assert out["reason"].tolist()[0] == "veto" and pd.isna(out["reason"].iloc[1])
    frame = scores.rename("score").reset_index().assign(completed=[0.75, 0.9, 0.5])
    by_function = grade(frame, veto=lambda t: t["completed"] < 0.8)
    assert by_function["grade"].tolist() == ["fail", "good", "fail"]
    by_column = grade(frame.assign(flag=[False, False, True]), veto="flag")
    assert by_column["grade"].tolist() == ["excellent", "good", "fail"]


def test_grade_bad_input():
    scores = pd.Series([95.0, 85.0], index=pd.Index(["a", "b"], name="institution"))
    with pytest.raises(BenchmarkError, match="strictly decreasing"):
        grade(scores, bands=(60, 80, 90))
    with pytest.raises(BenchmarkError, match="4 distinct names"):
        grade(scores, labels=["A", "B"])
    with pytest.raises(BenchmarkError, match="`lang`.*'fr'"):
        grade(scores, lang="fr")
    with pytest.raises(BenchmarkError, match="sequence of grade names.*lang='zh'"):
        grade(scores, labels="zh")
    with pytest.raises(BenchmarkError, match="no value for institution\\(s\\) 'b'"):
        grade(scores, veto=pd.Series({"a": True}))
    with pytest.raises(UnknownEntityError, match="'q'"):
        grade(scores, veto=pd.Series({"a": True, "b": False, "q": True}))
    with pytest.raises(MissingValueError, match="`veto` has missing"):
        grade(scores, veto=pd.Series({"a": True, "b": None}))
    with pytest.raises(BenchmarkError, match="boolean"):
        grade(scores, veto=pd.Series({"a": 1.0, "b": 0.0}))
    with pytest.raises(ColumnError, match="'points'"):
        grade(pd.DataFrame({"institution": ["a"], "score": [1.0]}), score="points")
    with pytest.raises(ColumnError, match="'score'"):
        grade(pd.DataFrame({"institution": ["a"], "score": ["high"]}))


def test_grade_input_not_modified():
    frame = pd.DataFrame({"institution": ["a", "b"], "score": [95.0, 50.0]})
    before = copy.deepcopy(frame)
    grade(frame, veto=lambda t: t["score"] > 90)
    pd.testing.assert_frame_equal(frame, before)
