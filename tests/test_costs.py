"""Cost per outcome, Delta Cost allocation, relative cost and cost-outcome quadrants."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import benchmark
from benchmark import (
    BenchmarkError,
    ColumnError,
    DuplicateRowError,
    MissingValueError,
    NonPositiveError,
    UnknownEntityError,
)
from benchmark.costs import allocate_costs, cost_outcome_quadrant, cost_per_outcome, relative_cost


@pytest.fixture
def panel():
    return pd.DataFrame({
        "institution": ["a", "a", "b", "b", "c", "c"],
        "year": [2020, 2021, 2020, 2021, 2020, 2021],
        "tier": ["A", "A", "A", "A", "B", "B"],
        "spend": [100.0, 121.0, 90.0, 99.0, 50.0, 60.0],
        "graduates": [20.0, 22.0, 0.0, 18.0, 10.0, 12.0],
        "placed": [10.0, 11.0, 5.0, 9.0, 4.0, 6.0],
    })


def test_public_names_exported():
    for name in ("cost_per_outcome", "allocate_costs", "relative_cost", "cost_outcome_quadrant"):
        assert name in benchmark.__all__
        assert getattr(benchmark, name) is globals()[name]


# ---------------------------------------------------------------- cost_per_outcome
def test_cost_per_outcome_long_by_hand(panel):
    out = cost_per_outcome(panel, "spend", ["graduates", "placed"])
    assert list(out.columns) == ["institution", "year", "outcome", "cost", "outcome_value",
                                 "cost_per_outcome", "reason"]
    assert len(out) == 12
    row = out[(out.institution == "a") & (out.year == 2021) & (out.outcome == "placed")].iloc[0]
    assert row.cost_per_outcome == pytest.approx(121.0 / 11.0)
    zero = out[(out.institution == "b") & (out.year == 2020) & (out.outcome == "graduates")].iloc[0]
    assert np.isnan(zero.cost_per_outcome) and zero.reason == "zero outcome"
    assert not np.isinf(out.cost_per_outcome).any()
    assert out.reason.notna().sum() == 1


def test_cost_per_outcome_deflated_to_base_period():
    df = pd.DataFrame({"institution": ["a", "a", "a"], "year": [2019, 2020, 2021],
                       "spend": [100.0, 110.0, 121.0], "graduates": [10.0, 10.0, 10.0]})
    index = pd.Series({2019: 100.0, 2020: 110.0, 2021: 121.0})
    # Prices rose 10 % a year, so every year's spending is 100 in 2019 money.
    out = cost_per_outcome(df, "spend", "graduates", deflator=index, at=2019)
    np.testing.assert_allclose(out["cost"], [100.0, 100.0, 100.0])
    np.testing.assert_allclose(out["cost_per_outcome"], [10.0, 10.0, 10.0])
    np.testing.assert_allclose(out["nominal_cost"], [100.0, 110.0, 121.0])
    # Default base: the latest period, i.e. 2021 money (121 each).
    latest = cost_per_outcome(df, "spend", "graduates", deflator=dict(index))
    np.testing.assert_allclose(latest["cost"], [121.0, 121.0, 121.0])


def test_cost_per_outcome_wide(panel):
    out = cost_per_outcome(panel, "spend", ["graduates", "placed"], layout="wide")
    assert list(out.columns) == ["institution", "year", "cost", "cost_per_graduates", "cost_per_placed", "reason"]
    assert out.loc[0, "cost_per_placed"] == pytest.approx(10.0)
    assert out.loc[2, "reason"] == "graduates: zero outcome"
    assert np.isnan(out.loc[2, "cost_per_graduates"])
    assert out.reason.notna().sum() == 1


def test_cost_per_outcome_cross_section_and_missing_allowed():
    df = pd.DataFrame({"institution": ["a", "b"], "spend": [10.0, np.nan], "graduates": [2.0, 1.0]})
    with pytest.raises(MissingValueError, match="spend"):
        cost_per_outcome(df, "spend", "graduates")
    out = cost_per_outcome(df, "spend", "graduates", missing="allow")
    assert "year" not in out.columns
    assert out.cost_per_outcome.tolist()[0] == 5.0
    assert out.reason.tolist() == [None, "missing cost"]


@settings(max_examples=30, deadline=None)
@given(st.floats(0.01, 1e6), st.lists(st.floats(0.5, 1e4), min_size=2, max_size=6))
def test_cost_per_outcome_scales_with_cost(factor, outcomes):
    df = pd.DataFrame({"institution": [f"u{i}" for i in range(len(outcomes))],
                       "spend": np.linspace(1, 100, len(outcomes)), "y": outcomes})
    scaled = df.assign(spend=df.spend * factor)
    base = cost_per_outcome(df, "spend", "y").cost_per_outcome.to_numpy()
    np.testing.assert_allclose(cost_per_outcome(scaled, "spend", "y").cost_per_outcome, base * factor, rtol=1e-9)


def test_cost_per_outcome_bad_input(panel):
    with pytest.raises(NonPositiveError, match="spend"):
        cost_per_outcome(panel.assign(spend=-panel.spend), "spend", "graduates")
    with pytest.raises(ColumnError, match="spend"):
        cost_per_outcome(panel, "spend", ["graduates", "spend"])
    with pytest.raises(ColumnError, match="gradutes"):
        cost_per_outcome(panel, "spend", "gradutes")
    with pytest.raises(BenchmarkError, match="2021"):
        cost_per_outcome(panel, "spend", "graduates", deflator=pd.Series({2020: 100.0}))
    with pytest.raises(NonPositiveError, match="2021"):
        cost_per_outcome(panel, "spend", "graduates", deflator=pd.Series({2020: 100.0, 2021: 0.0}))
    with pytest.raises(MissingValueError, match="2021"):
        cost_per_outcome(panel, "spend", "graduates", deflator=pd.Series({2020: 100.0, 2021: np.nan}))
    with pytest.raises(BenchmarkError, match=r"`at` \(the base period\) 2015"):
        cost_per_outcome(panel, "spend", "graduates", deflator=pd.Series({2020: 1.0, 2021: 1.1}),
                         at=2015)
    with pytest.raises(BenchmarkError, match="deflator"):
        cost_per_outcome(panel, "spend", "graduates", at=2020)
    with pytest.raises(BenchmarkError, match="deflator"):
        cost_per_outcome(panel, "spend", "graduates", deflator=[1.0, 1.1])
    with pytest.raises(BenchmarkError, match="layout"):
        cost_per_outcome(panel, "spend", "graduates", layout="tall")
    with pytest.raises(DuplicateRowError, match="a/2020"):
        cost_per_outcome(pd.concat([panel, panel.iloc[:1]]), "spend", "graduates")


# ---------------------------------------------------------------- allocate_costs
@pytest.fixture
def finance():
    return pd.DataFrame({
        "institution": ["u1", "u2", "u3"],
        "instruction": [400.0, 300.0, 0.0],
        "student_services": [100.0, 100.0, 0.0],
        "research": [300.0, 0.0, 0.0],
        "public_service": [200.0, 0.0, 0.0],
        "academic_support": [80.0, 40.0, 0.0],
        "institutional_support": [120.0, 60.0, 10.0],
        "operations_maintenance": [100.0, 20.0, 0.0],
    })


DIRECT = ["instruction", "student_services"]
SHARED = ["academic_support", "institutional_support", "operations_maintenance"]
OTHER = ["research", "public_service"]


def test_allocate_costs_delta_formula_by_hand(finance):
    out = allocate_costs(finance, DIRECT, SHARED, OTHER)
    # u1: D = 400 + 100 = 500, O = 300 + 200 = 500, S = 80 + 120 + 100 = 300.
    # E&R = D + D / (D + O) * S = 500 + 0.5 * 300 = 650.
    u1 = out.iloc[0]
    assert u1.direct_share == pytest.approx(0.5)
    assert u1.allocated_shared == pytest.approx(150.0)
    assert u1.education_related == pytest.approx(650.0)
    assert u1.institutional_support_allocated == pytest.approx(60.0)
    # u2 has no research or public service: every shared cost goes to education.
    assert out.iloc[1].education_related == pytest.approx(400.0 + 120.0)
    # u3 has no direct spending at all: nothing to allocate by.
    assert np.isnan(out.iloc[2].education_related)
    assert "no direct spending" in out.iloc[2].reason
    per_cost = out[[f"{c}_allocated" for c in SHARED]].sum(axis=1)
    np.testing.assert_allclose(per_cost[:2], out.allocated_shared[:2])


def test_allocate_costs_without_other_attributes_everything(finance):
    out = allocate_costs(finance, DIRECT, SHARED, name="full_cost")
    np.testing.assert_allclose(out.full_cost[:2], [500 + 300, 400 + 120])
    assert (out.direct_share[:2] == 1).all()


def test_allocate_costs_bad_input(finance):
    with pytest.raises(ColumnError, match="research"):
        allocate_costs(finance, DIRECT + ["research"], SHARED, OTHER)
    with pytest.raises(NonPositiveError, match="research"):
        allocate_costs(finance.assign(research=-1.0), DIRECT, SHARED, OTHER)
    with pytest.raises(ColumnError, match="instruktion"):
        allocate_costs(finance, ["instruktion"], SHARED, OTHER)
    with pytest.raises(MissingValueError, match="academic_support"):
        allocate_costs(finance.assign(academic_support=np.nan), DIRECT, SHARED, OTHER)
    out = allocate_costs(finance.assign(academic_support=np.nan), DIRECT, SHARED, OTHER, missing="allow")
    assert (out.reason == "missing spending").all()


# ---------------------------------------------------------------- relative_cost
def brute_loo_median(values, groups, member):
    """Leave-one-out cohort medians by a plain loop (the independent check)."""
    out, size = [], []
    for i in range(len(values)):
        peers = [values[j] for j in range(len(values))
                 if j != i and groups[j] == groups[i] and member[j] and not np.isnan(values[j])]
        out.append(np.median(peers) if peers else np.nan)
        size.append(len(peers))
    return np.array(out), np.array(size)


def test_relative_cost_by_hand():
    df = pd.DataFrame({"institution": list("abcde"), "cost": [10.0, 20.0, 30.0, 40.0, 100.0]})
    out = relative_cost(df, "cost")
    # a's peers: 20, 30, 40, 100 -> median 35; e's peers: 10, 20, 30, 40 -> median 25.
    np.testing.assert_allclose(out.cohort_median, [35.0, 35.0, 30.0, 25.0, 25.0])
    np.testing.assert_allclose(out.relative_cost, [100 * 10 / 35, 100 * 20 / 35, 100.0, 160.0, 400.0])
    assert (out.cohort_size == 4).all()
    assert list(out.columns) == ["institution", "indicator", "value", "cohort", "cohort_size",
                                 "cohort_median", "relative_cost", "reason"]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 2), st.one_of(st.floats(0, 50), st.just(np.nan))),
                min_size=1, max_size=25))
def test_relative_cost_matches_loop(rows):
    df = pd.DataFrame({"institution": [f"e{i}" for i in range(len(rows))],
                       "tier": [f"T{g}" for g, _ in rows], "cost": [v for _, v in rows]})
    out = relative_cost(df, "cost", cohort="tier")
    expected, size = brute_loo_median(df.cost.to_numpy(), df.tier.to_numpy(), np.ones(len(df), bool))
    np.testing.assert_allclose(out.cohort_median, expected)
    np.testing.assert_array_equal(out.cohort_size, size)
    ok = out.reason.isna()
    np.testing.assert_allclose(out.relative_cost[ok], 100 * df.cost[ok] / expected[ok])


def test_relative_cost_per_period_cohort_and_list(panel):
    out = relative_cost(panel, "spend", cohort="tier")
    # a in 2020, tier A: the only peer is b (90).
    a = out[(out.institution == "a") & (out.year == 2020)].iloc[0]
    assert a.cohort_median == 90.0 and a.relative_cost == pytest.approx(100 * 100 / 90)
    c = out[out.institution == "c"]
    assert c.reason.eq("no peers in cohort").all() and c.relative_cost.isna().all()
    listed = relative_cost(panel, "spend", cohort=["b", "c"])
    a20 = listed[(listed.institution == "a") & (listed.year == 2020)].iloc[0]
    assert a20.cohort_median == pytest.approx((90 + 50) / 2) and a20.cohort_size == 2
    b20 = listed[(listed.institution == "b") & (listed.year == 2020)].iloc[0]
    assert b20.cohort_median == 50.0 and b20.cohort_size == 1
    assert (listed.cohort == "listed peers").all()


def test_relative_cost_chains_with_cost_per_outcome(panel):
    cpo = cost_per_outcome(panel, "spend", ["graduates", "placed"])
    out = relative_cost(cpo, "cost_per_outcome", by="outcome")
    assert len(out) == len(cpo)
    b20 = out[(out.institution == "b") & (out.year == 2020) & (out.outcome == "graduates")].iloc[0]
    assert b20.reason == "missing value (zero outcome)"
    # a/2020/graduates: peers b (missing) and c (50 / 10 = 5), so the median is 5.
    a20 = out[(out.institution == "a") & (out.year == 2020) & (out.outcome == "graduates")].iloc[0]
    assert a20.cohort_median == 5.0 and a20.cohort_size == 1
    assert a20.relative_cost == pytest.approx(100 * (100 / 20) / 5)


def test_relative_cost_zero_median():
    df = pd.DataFrame({"institution": list("abc"), "cost": [0.0, 0.0, 5.0]})
    out = relative_cost(df, "cost")
    assert out.reason.tolist()[2] == "cohort median is zero"
    assert out.relative_cost.tolist()[0] == 0.0


def test_relative_cost_bad_input(panel):
    with pytest.raises(ColumnError, match="tear"):
        relative_cost(panel, "spend", cohort="tear")
    with pytest.raises(UnknownEntityError, match="zz"):
        relative_cost(panel, "spend", cohort=["a", "zz"])
    with pytest.raises(NonPositiveError, match="spend"):
        relative_cost(panel.assign(spend=-1.0), "spend")
    with pytest.raises(DuplicateRowError, match="a/2020"):
        relative_cost(pd.concat([panel, panel.iloc[:1]]), "spend")
    with pytest.raises(MissingValueError, match="tier.*c/2021"):
        relative_cost(panel.assign(tier=["A", "A", "A", "A", "B", None]), "spend", cohort="tier")
    with pytest.raises(ColumnError, match="outcom"):
        relative_cost(panel, "spend", by="outcom")


# ---------------------------------------------------------------- quadrants
def test_quadrant_by_hand():
    df = pd.DataFrame({"institution": list("abcd"), "spend": [10.0, 20.0, 30.0, 40.0],
                       "placed": [80.0, 50.0, 90.0, 60.0]})
    out = cost_outcome_quadrant(df, "spend", "placed")
    # a: peer cost median 30 (10 is lower), peer outcome median 60 (80 is better).
    # b: 30 / 80 -> cheaper, worse.  c: 20 / 60 -> dearer, better.  d: 20 / 80 -> dearer, worse.
    np.testing.assert_allclose(out.cost_median, [30.0, 30.0, 20.0, 20.0])
    np.testing.assert_allclose(out.outcome_median, [60.0, 80.0, 60.0, 80.0])
    assert out.quadrant.tolist() == ["more for less", "less for less", "more for more", "less for more"]
    lower = cost_outcome_quadrant(df, "spend", "placed", direction="lower")
    assert lower.quadrant.tolist() == ["less for less", "more for less", "less for more", "more for more"]


def test_quadrant_ties_get_no_credit():
    # b sits exactly on both peer medians (a and c: cost 20, outcome 5).
    df = pd.DataFrame({"institution": list("abc"), "spend": [10.0, 20.0, 30.0],
                       "placed": [1.0, 5.0, 9.0]})
    out = cost_outcome_quadrant(df, "spend", "placed")
    assert out.cost_median[1] == 20.0 and out.outcome_median[1] == 5.0
    assert out.quadrant[1] == "less for more"


def test_quadrant_cohorts_and_missing(panel):
    out = cost_outcome_quadrant(panel.assign(placed=[10.0, np.nan, 5.0, 9.0, 4.0, 6.0]),
                                "spend", "placed", cohort="tier")
    assert out.reason.tolist()[1] == "missing outcome"
    # b/2021 has no complete peer in tier A in 2021 (a's outcome is missing).
    assert out.reason.tolist()[3] == "no peers in cohort"
    assert out.quadrant.notna().tolist() == [True, False, True, False, False, False]


def test_quadrant_bad_input(panel):
    with pytest.raises(ColumnError, match="spend"):
        cost_outcome_quadrant(panel, "spend", "spend")
    with pytest.raises(BenchmarkError, match="placed"):
        cost_outcome_quadrant(panel, "spend", "placed", direction="up")
    with pytest.raises(NonPositiveError, match="spend"):
        cost_outcome_quadrant(panel.assign(spend=-1.0), "spend", "placed")
    with pytest.raises(ColumnError, match="placd"):
        cost_outcome_quadrant(panel, "spend", "placd")


# ---------------------------------------------------------------- purity
def test_inputs_not_modified(panel, finance):
    before, fin_before = panel.copy(deep=True), finance.copy(deep=True)
    index = pd.Series({2020: 1.0, 2021: 1.1})
    index_before = index.copy()
    cost_per_outcome(panel, "spend", ["graduates", "placed"], deflator=index, layout="wide")
    cost_per_outcome(panel, "spend", ["graduates", "placed"], deflator=index)
    relative_cost(panel, ["spend", "graduates"], cohort="tier")
    cost_outcome_quadrant(panel, "spend", "placed", cohort=["a", "b"])
    allocate_costs(finance, DIRECT, SHARED, OTHER)
    pd.testing.assert_frame_equal(panel, before)
    pd.testing.assert_frame_equal(finance, fin_before)
    pd.testing.assert_series_equal(index, index_before)


def test_attributes_are_carried(panel, finance):
    out = cost_per_outcome(panel, "spend", "graduates", attributes="tier")
    assert list(out.columns[:3]) == ["institution", "year", "tier"]
    rel = relative_cost(out, "cost_per_outcome", cohort="tier", by="outcome")
    assert rel.cohort.tolist() == panel.tier.tolist()
    fin = allocate_costs(finance.assign(sector="public"), DIRECT, SHARED, OTHER, attributes=["sector"])
    assert fin.columns[1] == "sector"
    with pytest.raises(ColumnError, match="sectr"):
        allocate_costs(finance, DIRECT, SHARED, OTHER, attributes="sectr")
