"""The validation gate: each kind of bad input raises the right error naming the culprit."""

import copy

import numpy as np
import pandas as pd
import pytest

import benchmark
from benchmark._cohorts import cohort_labels, cohort_members
from benchmark._validation import (
    BenchmarkError,
    ColumnError,
    DuplicateRowError,
    EmptyDataError,
    MissingValueError,
    NonPositiveError,
    UnknownEntityError,
    as_list,
    check_choice,
    check_columns,
    check_entity,
    check_finite,
    check_frame,
    check_missing,
    check_numeric,
    check_panel,
    check_periods,
    check_positive,
    check_probability,
    check_random_state,
    check_unique_keys,
    direction_sign,
    resolve_direction,
)


@pytest.fixture
def panel():
    return pd.DataFrame(
        {
            "institution": ["Alpha", "Alpha", "Beta", "Beta", "Gamma", "Gamma"],
            "year": [2020, 2021, 2020, 2021, 2020, 2021],
            "tier": ["A", "A", "B", "B", "A", "A"],
            "score": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0],
            "cost": [10.0, 11.0, 12.0, 13.0, 14.0, 15.0],
        }
    )


def test_errors_form_one_family():
    for cls in (ColumnError, DuplicateRowError, EmptyDataError, MissingValueError,
                UnknownEntityError, NonPositiveError):
        assert issubclass(cls, BenchmarkError)
    assert issubclass(BenchmarkError, ValueError)
    assert benchmark.BenchmarkError is BenchmarkError


def test_check_frame_rejects_non_frames_and_empty():
    with pytest.raises(BenchmarkError, match="must be a pandas DataFrame, got list"):
        check_frame([1, 2, 3])
    with pytest.raises(EmptyDataError, match="`data` has no rows"):
        check_frame(pd.DataFrame({"a": []}))
    assert check_frame(pd.DataFrame({"a": []}), allow_empty=True).empty


def test_check_frame_rejects_duplicated_column_names():
    df = pd.DataFrame([[1, 2]], columns=["x", "x"])
    with pytest.raises(ColumnError, match="duplicated column names 'x'"):
        check_frame(df)


def test_missing_columns_are_named_with_suggestions(panel):
    with pytest.raises(ColumnError, match=r"no column 'scor'.*did you mean 'score'"):
        check_columns(panel, ["scor"])
    with pytest.raises(ColumnError, match="'nothing_like_it'"):
        check_columns(panel, ["score", "nothing_like_it"])
    check_columns(panel, ["score", "cost"])  # present: no error


def test_non_numeric_indicator_is_named_with_an_example(panel):
    df = panel.assign(score=["1", "2", "x", "4", "5", "6"])
    with pytest.raises(ColumnError, match=r"'score' \(dtype .*e\.g\. 'x'\) must be numeric"):
        check_numeric(df, ["score"])
    check_numeric(panel, ["score", "cost"])
    check_numeric(panel.assign(flag=[True, False] * 3), ["flag"])


def test_duplicated_keys_are_named(panel):
    df = pd.concat([panel, panel.iloc[[3]]], ignore_index=True)
    with pytest.raises(DuplicateRowError, match=r"1 duplicated institution/year key\(s\): 'Beta/2021'"):
        check_unique_keys(df, ["institution", "year"])
    check_unique_keys(panel, ["institution", "year"])


def test_missing_values_are_named_by_entity_period_and_column(panel):
    df = panel.copy()
    df.loc[2, "cost"] = np.nan
    with pytest.raises(MissingValueError, match=r"'cost' in 1 row\(s\) \('Beta/2020'\)"):
        check_missing(df, ["score", "cost"], keys=["institution", "year"])
    check_missing(panel, ["score", "cost"], keys=["institution", "year"])


def test_long_listings_are_truncated():
    df = pd.DataFrame({"institution": [f"u{i}" for i in range(20)], "x": [np.nan] * 20})
    with pytest.raises(MissingValueError, match="and 15 more"):
        check_missing(df, ["x"], keys=["institution"])


def test_infinite_values_are_named(panel):
    df = panel.assign(score=[1.0, np.inf, 3.0, 4.0, -np.inf, 6.0])
    with pytest.raises(MissingValueError, match=r"infinite values: 'score' in 2 row\(s\) \('Alpha/2021', 'Gamma/2020'\)"):
        check_finite(df, ["score"], keys=["institution", "year"])


def test_positivity(panel):
    df = panel.assign(cost=[1.0, 0.0, 3.0, -1.0, 5.0, 6.0])
    with pytest.raises(NonPositiveError, match=r"zero or negative values: 'cost' in 2 row\(s\) \('Alpha/2021', 'Beta/2021'\)"):
        check_positive(df, ["cost"], keys=["institution", "year"])
    with pytest.raises(NonPositiveError, match=r"negative values: 'cost' in 1 row"):
        check_positive(df, ["cost"], keys=["institution", "year"], strict=False)
    check_positive(panel, ["cost"])


def test_check_panel_runs_every_gate_and_leaves_input_alone(panel):
    before = copy.deepcopy(panel)
    frame, inds = check_panel(panel, ["score", "cost"])
    assert inds == ["score", "cost"]
    assert frame is panel
    pd.testing.assert_frame_equal(panel, before)
    with pytest.raises(ColumnError, match="no entity column 'unit'"):
        check_panel(panel, "score", entity="unit")
    with pytest.raises(ColumnError, match="no period column 'period'"):
        check_panel(panel, "score", period="period")
    with pytest.raises(ColumnError, match="no indicator column 'nope'"):
        check_panel(panel, "nope")
    with pytest.raises(ColumnError, match="'year' is the entity/period column"):
        check_panel(panel, ["year"])
    with pytest.raises(DuplicateRowError):
        check_panel(pd.concat([panel, panel]), "score")
    with pytest.raises(NonPositiveError, match="'score'"):
        check_panel(panel.assign(score=0.0), "score", positive=True)


def test_check_panel_missing_policy(panel):
    df = panel.copy()
    df.loc[0, "score"] = np.nan
    with pytest.raises(MissingValueError, match="Alpha/2020"):
        check_panel(df, "score")
    frame, _ = check_panel(df, "score", missing="allow")
    assert frame["score"].isna().sum() == 1
    with pytest.raises(BenchmarkError, match="`missing` must be one of"):
        check_panel(df, "score", missing="ignore")


def test_check_panel_cross_section_without_period(panel):
    cross = panel[panel.year == 2021].drop(columns="year")
    frame, _ = check_panel(cross, "score", require_period=False)
    assert len(frame) == 3
    with pytest.raises(ColumnError, match="period column 'year'"):
        check_panel(cross, "score")


def test_unknown_entity_suggests_close_matches(panel):
    with pytest.raises(UnknownEntityError, match=r"'Betta' does not occur.*Did you mean 'Beta'"):
        check_entity(panel, "Betta")
    check_entity(panel, "Gamma")


def test_periods_outside_the_data(panel):
    with pytest.raises(BenchmarkError, match=r"year 2030 not found.*2020\.\.2021"):
        check_periods(panel, [2030])
    check_periods(panel, [2020, None])


def test_small_checks():
    assert as_list("a") == ["a"]
    with pytest.raises(ColumnError, match="names 'a' more than once"):
        as_list(["a", "b", "a"])
    with pytest.raises(BenchmarkError, match="`indicators` is empty"):
        as_list([])
    with pytest.raises(BenchmarkError, match="`indicators` is required"):
        as_list(None)
    with pytest.raises(BenchmarkError, match=r"`method` must be one of 'a', 'b'; got 'c'"):
        check_choice("c", ["a", "b"], name="method")
    assert check_probability(0.9) == 0.9
    for bad in (0, 1, 1.5, "x"):
        with pytest.raises(BenchmarkError, match="`ci` must be"):
            check_probability(bad)
    a = check_random_state(3).random(3)
    b = check_random_state(3).random(3)
    np.testing.assert_array_equal(a, b)
    g = np.random.default_rng(1)
    assert check_random_state(g) is g
    with pytest.raises(BenchmarkError, match="random_state"):
        check_random_state("seed")


def test_resolve_direction_forms():
    inds = ["score", "ratio"]
    assert resolve_direction(None, inds) == {"score": "higher", "ratio": "higher"}
    assert resolve_direction("lower", inds) == {"score": "lower", "ratio": "lower"}
    assert resolve_direction({"ratio": "Lower "}, inds) == {"score": "higher", "ratio": "lower"}
    meta = pd.DataFrame({"indicator": ["ratio", "score", "other"],
                         "direction": ["lower", "higher", "lower"]})
    assert resolve_direction(meta, inds) == {"score": "higher", "ratio": "lower"}
    np.testing.assert_array_equal(direction_sign({"score": "higher", "ratio": "lower"}, inds), [1, -1])


def test_resolve_direction_rejects_bad_input():
    inds = ["score", "ratio"]
    with pytest.raises(BenchmarkError, match=r"direction of 'ratio' is 'smaller'"):
        resolve_direction({"ratio": "smaller"}, inds)
    with pytest.raises(BenchmarkError, match=r"`direction` names 'nope', which are not among"):
        resolve_direction({"nope": "lower"}, inds)
    meta = pd.DataFrame({"indicator": ["score"], "direction": ["higher"]})
    with pytest.raises(BenchmarkError, match="no row for 'ratio'"):
        resolve_direction(meta, inds)
    with pytest.raises(ColumnError, match="'direction'"):
        resolve_direction(pd.DataFrame({"indicator": ["score"]}), inds)
    with pytest.raises(BenchmarkError, match="got int"):
        resolve_direction(3, inds)


def test_cohorts(panel):
    latest = panel[panel.year == 2021]
    assert cohort_members(latest, "Alpha", None) == ["Beta", "Gamma"]
    assert cohort_members(latest, "Alpha", "tier") == ["Gamma"]
    assert cohort_members(latest, "Alpha", ["Alpha", "Beta"]) == ["Beta"]
    assert cohort_members(latest, "Alpha", pd.DataFrame({"institution": ["Gamma"]})) == ["Gamma"]
    with pytest.raises(EmptyDataError, match=r"cohort of 'Beta' \(same tier\) has 0 member"):
        cohort_members(latest, "Beta", "tier")
    with pytest.raises(UnknownEntityError, match="'Delta'"):
        cohort_members(latest, "Alpha", ["Delta"])
    with pytest.raises(BenchmarkError, match="several values in cohort column 'year'"):
        cohort_members(panel, "Alpha", "year")
    labels = cohort_labels(latest, ["Beta"])
    assert labels.tolist() == ["other", "cohort", "other"]
    assert cohort_labels(latest, None).unique().tolist() == ["all"]
