"""Tests for grey relational analysis and the obstacle-degree model.

Grey relational grades are checked against Deng's formulas worked by hand
below; obstacle degrees against the identity sum_j w_j (1 - y_ij) = 1 - S_i
with the composite score S_i of :func:`benchmark.composite`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from benchmark import BenchmarkError, MissingValueError
from benchmark.indices import ObstacleDegree, ahp, composite, grey_relational, obstacle_degree


@pytest.fixture
def small() -> pd.DataFrame:
    return pd.DataFrame({"institution": ["a", "b", "c"], "x": [10.0, 20.0, 30.0], "y": [4.0, 2.0, 3.0]})


# ============================================================ grey relational
def test_grey_relational_by_hand(small):
    # min-max, y is "lower is better": x -> 0, .5, 1; y -> 0, 1, .5.
    # Deviations from the ideal (1, 1): a (1, 1), b (.5, 0), c (0, .5); d_min 0, d_max 1.
    # xi = (0 + .5 * 1) / (d + .5 * 1): d = 1 -> 1/3, d = .5 -> 1/2, d = 0 -> 1.
    out = grey_relational(small, ["x", "y"], direction={"y": "lower"})
    np.testing.assert_allclose(out["x"], [1 / 3, 1 / 2, 1])
    np.testing.assert_allclose(out["y"], [1 / 3, 1, 1 / 2])
    np.testing.assert_allclose(out["grade"], [1 / 3, 0.75, 0.75])
    assert out["rank"].tolist() == [3, 1, 1]
    weighted = grey_relational(small, ["x", "y"], direction={"y": "lower"}, weights={"x": 0.75, "y": 0.25})
    np.testing.assert_allclose(weighted["grade"], [1 / 3, 0.75 * 0.5 + 0.25, 0.75 + 0.25 * 0.5])
    # rho = 0.25: xi = .25 / (d + .25): 1 -> .2, .5 -> 1/3, 0 -> 1
    sharp = grey_relational(small, ["x", "y"], direction={"y": "lower"}, rho=0.25)
    np.testing.assert_allclose(sharp["x"], [0.2, 1 / 3, 1])


def test_grey_relational_given_reference(small):
    # reference x = 20, y = 2 -> normalised (.5, 1); deviations a (.5, 1), b (0, 0), c (.5, .5)
    out = grey_relational(small, ["x", "y"], direction={"y": "lower"}, reference={"x": 20, "y": 2})
    xi = lambda d: 0.5 / (d + 0.5)  # d_min 0, d_max 1
    np.testing.assert_allclose(out["grade"], [(xi(.5) + xi(1)) / 2, 1.0, xi(.5)])
    assert out["rank"].tolist() == [3, 1, 2]


def test_grey_relational_per_period_equals_separate_calls(small):
    panel = pd.concat([small.assign(year=2020), small.assign(year=2021, x=[5.0, 1.0, 3.0])], ignore_index=True)
    out = grey_relational(panel, ["x", "y"])
    for year, part in panel.groupby("year"):
        alone = grey_relational(part.drop(columns="year"), ["x", "y"])
        np.testing.assert_allclose(out.loc[out.year == year, "grade"], alone["grade"])


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(-100, 100), min_size=4, max_size=8, unique=True),
       st.floats(0.01, 1000), st.floats(-1000, 1000))
def test_grey_grades_invariant_to_rescaling(values, scale, shift):
    df = pd.DataFrame({"institution": range(len(values)), "x": values, "y": values[::-1]})
    moved = df.assign(x=df["x"] * scale + shift)
    np.testing.assert_allclose(grey_relational(moved, ["x", "y"])["grade"],
                               grey_relational(df, ["x", "y"])["grade"], atol=1e-9)
    assert df["institution"].dtype == grey_relational(df, ["x", "y"])["institution"].dtype


def test_grey_relational_bad_input(small):
    with pytest.raises(BenchmarkError, match="rho"):
        grey_relational(small, ["x", "y"], rho=0)
    with pytest.raises(BenchmarkError, match="`reference` has no entry for 'y'"):
        grey_relational(small, ["x", "y"], reference={"x": 1})
    with pytest.raises(BenchmarkError, match="reference"):
        grey_relational(small, ["x", "y"], reference="best")
    with pytest.raises(MissingValueError, match="'x'.*'b'"):
        grey_relational(small.assign(x=[1.0, None, 2.0]), ["x", "y"])


# ============================================================ obstacle degree
def test_obstacle_degree_by_hand(small):
    # y (higher): x 0, .5, 1; y 1, 0, .5; weights .75/.25
    res = obstacle_degree(small, ["x", "y"], weights={"x": 0.75, "y": 0.25})
    table = res.indicators.set_index(["institution", "indicator"])["obstacle"]
    # b: loads .75 * .5 = .375 and .25 * 1 = .25 -> 60 % and 40 %
    assert table["b", "x"] == pytest.approx(60.0)
    assert table["b", "y"] == pytest.approx(40.0)
    assert table["a", "x"] == pytest.approx(100.0)
    assert res.top(1)["indicator"].tolist() == ["x", "x", "y"]
    assert isinstance(res, ObstacleDegree)


def test_obstacle_degree_matches_composite_and_pillars():
    rng = np.random.default_rng(5)
    df = pd.DataFrame(rng.uniform(1, 9, size=(8, 4)), columns=["a", "b", "c", "d"])
    df.insert(0, "institution", [f"u{i}" for i in range(8)])
    pillars = {"P": ["a", "b"], "Q": ["c", "d"]}
    w = {"a": 1, "b": 3, "c": 2, "d": 2}
    res = obstacle_degree(df, list("abcd"), weights=w, pillars=pillars, direction={"d": "lower"})
    comp = composite(df, list("abcd"), weights=w, pillars=pillars, direction={"d": "lower"})
    # effective weights: P and Q equal, within P 1/4, 3/4, within Q 1/2, 1/2
    eff = {"a": 0.125, "b": 0.375, "c": 0.25, "d": 0.25}
    long = res.indicators.merge(comp[["institution", "score", *eff]], on="institution")
    for ind, weight in eff.items():
        rows = long[long.indicator == ind]
        expected = 100 * (weight - rows[ind]) / (1 - rows["score"])
        np.testing.assert_allclose(rows["obstacle"], expected, atol=1e-9)
    sums = res.indicators.groupby("institution")["obstacle"].sum()
    np.testing.assert_allclose(sums, 100.0)
    by_pillar = res.indicators.groupby(["institution", "pillar"])["obstacle"].sum()
    got = res.pillars.set_index(["institution", "pillar"])["obstacle"]
    np.testing.assert_allclose(got.sort_index(), by_pillar.sort_index())
    # ranks run 1..4 within each entity, largest obstacle first
    for _, part in res.indicators.groupby("institution"):
        assert sorted(part["rank"]) == [1, 2, 3, 4]
        assert part.sort_values("rank")["obstacle"].is_monotonic_decreasing


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(st.floats(0, 1), min_size=3, max_size=3), min_size=3, max_size=6),
       st.lists(st.floats(0.05, 1), min_size=3, max_size=3))
def test_obstacles_sum_to_100(rows, w):
    df = pd.DataFrame(rows, columns=["x", "y", "z"])
    df.insert(0, "institution", range(len(df)))
    res = obstacle_degree(df, ["x", "y", "z"], normalisation=None, weights=dict(zip("xyz", w)))
    sums = res.indicators.groupby("institution")["obstacle"].sum(min_count=1).dropna()
    np.testing.assert_allclose(sums, 100.0)
    assert ((res.indicators["obstacle"].dropna() >= 0) & (res.indicators["obstacle"].dropna() <= 100 + 1e-9)).all()


def test_obstacle_degree_per_period_and_ahp_weights(small):
    panel = pd.concat([small.assign(year=2020), small.assign(year=2021, x=[30.0, 20.0, 10.0])], ignore_index=True)
    res = obstacle_degree(panel, ["x", "y"], weights=ahp([[1, 3], [1 / 3, 1]], items=["x", "y"]))
    assert list(res.indicators.columns[:3]) == ["institution", "year", "indicator"]
    np.testing.assert_allclose(res.indicators["weight"].unique(), [0.75, 0.25])
    assert len(res.indicators) == 12


def test_obstacle_degree_bad_input(small):
    with pytest.raises(BenchmarkError, match="normalisation='zscore'"):
        obstacle_degree(small, ["x", "y"], normalisation="zscore")
    with pytest.raises(BenchmarkError, match="'x' has values outside \\[0, 1\\]"):
        obstacle_degree(small, ["x", "y"], normalisation=None)
    with pytest.raises(BenchmarkError, match="no weight for 'y'"):
        obstacle_degree(small, ["x", "y"], weights={"x": 1})
    with pytest.raises(MissingValueError, match="'y'"):
        obstacle_degree(small.assign(y=[1.0, None, 2.0]), ["x", "y"])
