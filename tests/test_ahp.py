"""Tests for the analytic hierarchy process and combined weights.

Published values: Saaty, T. L. (1990). How to make a decision: the analytic
hierarchy process. European Journal of Operational Research 48, 9-26 (the
house example: the criteria matrix of table 2 and the "size of house"
comparison of the three houses, with their printed priorities, lambda_max,
C.I. and C.R.).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from benchmark import BenchmarkError
from benchmark.indices import ALONSO_LAMATA_RI, SAATY_RI, AHPResult, ahp, combine_weights, weights

# Saaty (1990), table 2: size, transportation, neighbourhood, age, yard, modern
# facilities, general condition, financing; upper triangle row by row.
HOUSE_UPPER = [5, 3, 7, 6, 6, 1 / 3, 1 / 4,
               1 / 3, 5, 3, 3, 1 / 5, 1 / 7,
               6, 3, 4, 6, 1 / 5,
               1 / 3, 1 / 4, 1 / 7, 1 / 8,
               1 / 2, 1 / 5, 1 / 6,
               1 / 5, 1 / 6,
               1 / 2]
HOUSE_ITEMS = ["size", "transport", "neighbourhood", "age", "yard", "facilities", "condition", "financing"]
HOUSE_PRIORITIES = [0.173, 0.054, 0.188, 0.018, 0.031, 0.036, 0.167, 0.333]


def test_saaty_house_criteria_published_values():
    res = ahp(HOUSE_UPPER, items=HOUSE_ITEMS)
    np.testing.assert_allclose(res.priorities["eigenvector"], HOUSE_PRIORITIES, atol=5e-4)
    assert res.lambda_max == pytest.approx(9.669, abs=5e-4)
    assert res.ci == pytest.approx(0.238, abs=5e-4)
    assert res.cr == pytest.approx(0.169, abs=5e-4)
    assert not res.consistent
    assert res.verdict.startswith("inconsistent")
    # the judgement furthest from the priorities' ratios is named first
    worst = res.judgements.iloc[0]
    assert f"a[{worst['row']!r}, {worst['col']!r}]" in res.verdict
    ratio = res.priorities.set_index("item")["eigenvector"]
    e = worst["judgement"] * ratio[worst["col"]] / ratio[worst["row"]]
    assert worst["deviation"] == pytest.approx(max(e, 1 / e))
    assert (res.judgements["deviation"].diff().dropna() <= 1e-12).all()


def test_saaty_house_size_published_values():
    res = ahp(np.array([[1, 6, 8], [1 / 6, 1, 4], [1 / 8, 1 / 4, 1]]), items=["A", "B", "C"])
    np.testing.assert_allclose(res.priorities["eigenvector"], [0.754, 0.181, 0.065], atol=5e-4)
    assert res.lambda_max == pytest.approx(3.136, abs=5e-4)
    assert res.ci == pytest.approx(0.068, abs=5e-4)
    assert res.cr == pytest.approx(0.117, abs=5e-4)
    # geometric-mean priorities by hand: row geometric means, normalised
    g = np.array([48 ** (1 / 3), (4 / 6) ** (1 / 3), (1 / 32) ** (1 / 3)])
    np.testing.assert_allclose(res.priorities["geometric_mean"], g / g.sum())
    geo = ahp(np.array([[1, 6, 8], [1 / 6, 1, 4], [1 / 8, 1 / 4, 1]]), method="geometric")
    np.testing.assert_allclose(geo.weights, g / g.sum())


def test_alonso_lamata_random_index():
    a = np.array([[1, 6, 8], [1 / 6, 1, 4], [1 / 8, 1 / 4, 1]])
    res = ahp(a, random_index="alonso-lamata")
    assert res.cr == pytest.approx(res.ci / 0.5245)
    assert SAATY_RI[2] == 0.58 and ALONSO_LAMATA_RI[2] == 0.5245


@settings(max_examples=50, deadline=None)
@given(st.lists(st.floats(0.05, 20.0), min_size=2, max_size=9))
def test_consistent_matrix_gives_its_column_ratios(values):
    w = np.array(values)
    a = w[:, None] / w[None, :]
    res = ahp(a)
    column = a[:, 0] / a[:, 0].sum()
    np.testing.assert_allclose(res.priorities["eigenvector"], column, rtol=1e-8)
    np.testing.assert_allclose(res.priorities["geometric_mean"], column, rtol=1e-8)
    assert res.lambda_max == pytest.approx(len(w), rel=1e-8)
    assert res.cr == pytest.approx(0.0, abs=1e-8)
    assert res.consistent


def test_input_forms_agree():
    items = ["x", "y", "z"]
    matrix = np.array([[1, 2, 5], [1 / 2, 1, 3], [1 / 5, 1 / 3, 1]])
    long = pd.DataFrame({"row": ["x", "x", "z"], "col": ["y", "z", "y"], "value": [2, 5, 1 / 3]})
    forms = [matrix, pd.DataFrame(matrix, index=items, columns=items), [2, 5, 3], np.array([2, 5, 3.0]), long,
             np.round(matrix, 2)]  # rounded reciprocals (0.33) are accepted and made exact
    ref = ahp(matrix, items=items)
    for f in forms:
        res = ahp(f, items=None if isinstance(f, pd.DataFrame) else items)
        np.testing.assert_allclose(res.priorities["eigenvector"], ref.priorities["eigenvector"], rtol=1e-12)
        assert res.priorities["item"].tolist() == items
    assert isinstance(ref, AHPResult)
    assert ref.weights.index.name == "indicator"
    assert ref.summary().set_index("statistic").loc["cr", "value"] == ref.cr


def test_group_aij_and_aip_by_hand():
    e1 = [[1, 4], [1 / 4, 1]]
    e2 = [[1, 1], [1, 1]]
    aij = ahp({"ann": e1, "bo": e2})
    # geometric mean of judgements: a12 = sqrt(4 * 1) = 2 -> priorities 2/3, 1/3
    np.testing.assert_allclose(aij.priorities["eigenvector"], [2 / 3, 1 / 3])
    assert aij.matrix.iloc[0, 1] == pytest.approx(2.0)
    assert aij.consistency["expert"].tolist() == ["ann", "bo", "group"]
    aip = ahp([e1, e2], aggregation="aip")
    # geometric mean of priorities (0.8, 0.2) and (0.5, 0.5), normalised
    g = np.sqrt(np.array([0.8 * 0.5, 0.2 * 0.5]))
    np.testing.assert_allclose(aip.priorities["eigenvector"], g / g.sum())
    assert np.isnan(aip.cr)
    weighted = ahp({"ann": e1, "bo": e2}, expert_weights={"ann": 3, "bo": 1})
    assert weighted.matrix.iloc[0, 1] == pytest.approx(4 ** 0.75)
    long = pd.DataFrame({"expert": ["ann", "bo"], "row": ["a", "a"], "col": ["b", "b"], "value": [4, 1]})
    np.testing.assert_allclose(ahp(long).priorities["eigenvector"], [2 / 3, 1 / 3])


def test_inconsistent_expert_is_named():
    bad = [[1, 9, 1 / 9], [1 / 9, 1, 9], [9, 1 / 9, 1]]
    res = ahp({"ann": np.eye(3) * 0 + 1, "cy": bad})
    assert not res.consistency.set_index("expert").loc["cy", "consistent"]
    assert "expert 'cy'" in res.verdict


def test_ahp_bad_input():
    with pytest.raises(BenchmarkError, match="not reciprocal.*'c1', 'c2'"):
        ahp([[1, 2], [2, 1]])
    with pytest.raises(BenchmarkError, match="row 'b', column 'a'.*positive"):
        ahp(pd.DataFrame([[1, 2], [-0.5, 1]], index=["a", "b"], columns=["a", "b"]))
    with pytest.raises(BenchmarkError, match="diagonal entry for 'c2'"):
        ahp(np.array([[1, 2], [0.5, 2]]))
    with pytest.raises(BenchmarkError, match="square"):
        ahp(np.ones((2, 3)))
    with pytest.raises(BenchmarkError, match="no judgement for the pair \\('y', 'z'\\)"):
        ahp(pd.DataFrame({"row": ["x", "x"], "col": ["y", "z"], "value": [2, 3]}))
    with pytest.raises(BenchmarkError, match="judged twice"):
        ahp(pd.DataFrame({"row": ["x", "y"], "col": ["y", "x"], "value": [2, 2]}))
    with pytest.raises(BenchmarkError, match="n\\(n-1\\)/2"):
        ahp([2, 3])
    with pytest.raises(BenchmarkError, match="expert 'b'.*differ"):
        ahp({"a": np.ones((2, 2)), "b": np.ones((3, 3))})
    with pytest.raises(BenchmarkError, match="`items` names 3"):
        ahp(np.ones((2, 2)), items=["a", "b", "c"])
    with pytest.raises(BenchmarkError, match="`method`"):
        ahp(np.ones((2, 2)), method="power")
    with pytest.raises(BenchmarkError, match="`judgements` must be"):
        ahp("matrix")
    with pytest.raises(BenchmarkError, match="expert_weights"):
        ahp([np.ones((2, 2))] * 2, expert_weights=[1, -1])


# =========================================================== combined weights
S = pd.Series({"x": 0.6, "y": 0.3, "z": 0.1})
O = pd.Series({"x": 0.2, "y": 0.3, "z": 0.5})


def test_linear_and_multiplicative_by_hand():
    lin = combine_weights(S, O, method="linear", share=0.25)
    np.testing.assert_allclose(lin, [0.25 * 0.6 + 0.75 * 0.2, 0.3, 0.25 * 0.1 + 0.75 * 0.5])
    mul = combine_weights(S, O.to_dict(), method="multiplicative")
    prod = np.array([0.12, 0.09, 0.05])
    np.testing.assert_allclose(mul, prod / prod.sum())
    assert mul.name == "weight" and mul.index.name == "indicator"


def test_game_theory_combination_by_hand():
    # Lai et al. (2015): solve [[s.s, s.o], [o.s, o.o]] a = [s.s, o.o] by Cramer's rule
    ss, so, oo = 0.36 + 0.09 + 0.01, 0.12 + 0.09 + 0.05, 0.04 + 0.09 + 0.25
    det = ss * oo - so * so
    a1, a2 = (ss * oo - so * oo) / det, (ss * oo - so * ss) / det
    a1, a2 = abs(a1) / (abs(a1) + abs(a2)), abs(a2) / (abs(a1) + abs(a2))
    res = combine_weights(S, O, method="game")
    np.testing.assert_allclose(res, a1 * S.to_numpy() + a2 * O.to_numpy())
    assert res.attrs["coefficients"] == pytest.approx((a1, a2))
    # identical inputs: the combination is the input
    np.testing.assert_allclose(combine_weights(S, S, method="game"), S)


def test_combined_weights_from_ahp_and_entropy():
    rng = np.random.default_rng(2)
    df = pd.DataFrame(rng.uniform(1, 5, size=(10, 3)), columns=["x", "y", "z"])
    subjective = ahp([[1, 3, 5], [1 / 3, 1, 3], [1 / 5, 1 / 3, 1]], items=["x", "y", "z"])
    objective = weights(df, ["x", "y", "z"], method="entropy")
    for how in ("linear", "multiplicative", "game"):
        one_call = weights(df, ["x", "y", "z"], method="entropy", subjective=subjective, combination=how)
        pd.testing.assert_series_equal(one_call, combine_weights(subjective, objective, method=how))
        assert one_call.sum() == pytest.approx(1.0)


def test_combine_weights_bad_input():
    with pytest.raises(BenchmarkError, match="only in `objective`: 'w'"):
        combine_weights(S, {"x": 1, "y": 1, "z": 1, "w": 1})
    with pytest.raises(BenchmarkError, match="`subjective` weights for 'y'"):
        combine_weights({"x": 1, "y": -1, "z": 1}, O)
    with pytest.raises(BenchmarkError, match="share"):
        combine_weights(S, O, share=1.5)
    with pytest.raises(BenchmarkError, match="`method`"):
        combine_weights(S, O, method="additive")
    with pytest.raises(BenchmarkError, match="product is zero"):
        combine_weights({"x": 1, "y": 0}, {"x": 0, "y": 1}, method="multiplicative")
    with pytest.raises(BenchmarkError, match="Series or mapping"):
        combine_weights([0.5, 0.5], O)
