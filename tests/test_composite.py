"""Tests for benchmark.composite: every number is checked against numpy/scipy,
a hand computation written out here, or a published worked example."""

from __future__ import annotations

import math
import statistics

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from benchmark import (
    BenchmarkError,
    ColumnError,
    DuplicateRowError,
    MissingValueError,
    NonPositiveError,
    UnknownEntityError,
)
from benchmark.indices import (
    RankUncertainty,
    _block_ranks,
    _draw,
    _mc_matrices,
    _sobol_indices,
    _varimax,
    composite,
    contributions,
    normalise,
    rank_uncertainty,
    topsis,
    weights,
)


# ------------------------------------------------------------------ fixtures
@pytest.fixture
def cross() -> pd.DataFrame:
    rng = np.random.default_rng(3)
    df = pd.DataFrame(rng.lognormal(size=(12, 4)), columns=["a", "b", "c", "d"])
    df.insert(0, "institution", [f"u{i:02d}" for i in range(12)])
    return df


@pytest.fixture
def panel() -> pd.DataFrame:
    rng = np.random.default_rng(7)
    rows = []
    for year in (2021, 2022, 2023):
        for i in range(6):
            rows.append({"institution": f"u{i}", "year": year, "region": "north" if i < 3 else "south",
                         "a": rng.uniform(1, 10), "b": rng.uniform(1, 10), "cost": rng.uniform(1, 10)})
    return pd.DataFrame(rows)


def _frozen(df: pd.DataFrame) -> pd.DataFrame:
    return df.copy(deep=True)


# ================================================================ normalise
def test_minmax_matches_numpy_and_mirrors_lower(cross):
    out = normalise(cross, ["a", "b"], direction={"b": "lower"})
    a, b = cross["a"].to_numpy(), cross["b"].to_numpy()
    np.testing.assert_allclose(out["a"], (a - a.min()) / (a.max() - a.min()), atol=1e-15)
    np.testing.assert_allclose(out["b"], (b.max() - b) / (b.max() - b.min()), atol=1e-15)
    # other columns and the index are kept
    assert list(out.columns) == list(cross.columns)
    pd.testing.assert_series_equal(out["c"], cross["c"])
    pd.testing.assert_index_equal(out.index, cross.index)


def test_zscore_matches_numpy_sample_sd(cross):
    out = normalise(cross, ["a", "c"], method="zscore", direction={"c": "lower"})
    for col, sign in (("a", 1), ("c", -1)):
        x = cross[col].to_numpy()
        np.testing.assert_allclose(out[col], sign * (x - x.mean()) / x.std(ddof=1), atol=1e-13)


def test_robust_rank_percentile_against_scipy(cross):
    from scipy import stats

    x = cross["a"].to_numpy()
    rob = normalise(cross, ["a"], method="robust")["a"]
    np.testing.assert_allclose(rob, (x - np.median(x)) / stats.median_abs_deviation(x, scale="normal"),
                               atol=1e-12)
    rk = normalise(cross, ["a"], method="rank", direction="lower")["a"]
    np.testing.assert_allclose(rk, stats.rankdata(-x))
    pct = normalise(cross, ["a"], method="percentile")["a"]
    np.testing.assert_allclose(pct, 100 * (stats.rankdata(x) - 1) / (len(x) - 1))


def test_goalposts_target_reference_by_hand():
    df = pd.DataFrame({"institution": ["p", "q", "r"], "x": [10.0, 25.0, 40.0], "y": [2.0, 4.0, 5.0]})
    gp = normalise(df, ["x", "y"], method="goalposts", bounds={"x": (0, 30), "y": (1, 5)},
                   direction={"y": "lower"})
    np.testing.assert_allclose(gp["x"], [10 / 30, 25 / 30, 1.0])           # 40 is clipped at the goalpost
    np.testing.assert_allclose(gp["y"], [1 - 1 / 4, 1 - 3 / 4, 0.0])
    tg = normalise(df, ["x", "y"], method="target", target={"x": 20, "y": 4}, direction={"y": "lower"})
    np.testing.assert_allclose(tg["x"], [0.5, 1.25, 2.0])                  # x / 20
    np.testing.assert_allclose(tg["y"], [1 + 2 / 4, 1.0, 1 - 1 / 4])       # 1 - (y - 4) / 4
    ref = normalise(df, ["x"], method="reference", reference="q")
    np.testing.assert_allclose(ref["x"], [10 / 25, 1.0, 40 / 25])


def test_by_groups_match_separate_calls(panel):
    whole = normalise(panel, ["a", "cost"], method="zscore", by="year", direction={"cost": "lower"})
    for year, part in panel.groupby("year"):
        alone = normalise(part, ["a", "cost"], method="zscore", direction={"cost": "lower"})
        np.testing.assert_allclose(whole.loc[part.index, ["a", "cost"]], alone[["a", "cost"]], atol=1e-13)


def test_reference_within_periods(panel):
    out = normalise(panel, ["a"], method="reference", reference="u0", by="year")
    for year, part in panel.groupby("year"):
        ref = part.loc[part["institution"] == "u0", "a"].iloc[0]
        np.testing.assert_allclose(out.loc[part.index, "a"], part["a"] / ref)


def test_normalise_leaves_input_alone_and_allows_missing(cross):
    df = cross.copy()
    df.loc[3, "a"] = np.nan
    before = _frozen(df)
    out = normalise(df, ["a"], missing="allow")
    pd.testing.assert_frame_equal(df, before)
    assert np.isnan(out.loc[3, "a"]) and out["a"].max() == 1.0


def test_normalise_bad_input(cross):
    df = cross.assign(flat=5.0)
    with pytest.raises(BenchmarkError, match="'flat'.*standard deviation"):
        normalise(df, ["a", "flat"], method="zscore")
    with pytest.raises(BenchmarkError, match="'flat'.*range"):
        normalise(df, ["flat"])
    grouped = pd.DataFrame({"institution": list("abcd"), "g": ["x", "x", "y", "y"], "v": [1.0, 2.0, 3.0, 3.0]})
    with pytest.raises(BenchmarkError, match="'v'.*g='y'"):
        normalise(grouped, ["v"], by="g")
    with pytest.raises(BenchmarkError, match="`method` must be one of"):
        normalise(cross, ["a"], method="softmax")
    with pytest.raises(BenchmarkError, match="needs bounds"):
        normalise(cross, ["a"], method="goalposts")
    with pytest.raises(BenchmarkError, match="no entry for 'b'"):
        normalise(cross, ["a", "b"], method="goalposts", bounds={"a": (0, 1)})
    with pytest.raises(BenchmarkError, match="bounds.*'a'.*low < high"):
        normalise(cross, ["a"], method="goalposts", bounds={"a": (2, 1)})
    with pytest.raises(UnknownEntityError, match="'u99'"):
        normalise(cross, ["a"], method="reference", reference="u99")
    with pytest.raises(BenchmarkError, match="`target` for 'a' must be a finite number"):
        normalise(cross, ["a"], method="target", target={"a": "high"})
    with pytest.raises(BenchmarkError, match="target for 'a' is 0"):
        normalise(cross, ["a"], method="target", target={"a": 0})
    missing = cross.copy()
    missing.loc[2, "b"] = np.nan
    with pytest.raises(MissingValueError, match="'b'"):
        normalise(missing, ["b"])
    with pytest.raises(ColumnError, match="'zz'"):
        normalise(cross, ["zz"])


# ================================================================== weights
def test_entropy_raw_values_hand_worked():
    # x = (1, 1, 2): p = (1/4, 1/4, 1/2); y = (1, 2, 3): p = (1/6, 2/6, 3/6)
    ln3 = math.log(3)
    e_x = -(2 * 0.25 * math.log(0.25) + 0.5 * math.log(0.5)) / ln3           # 0.946395
    e_y = -(1 / 6 * math.log(1 / 6) + 2 / 6 * math.log(2 / 6) + 3 / 6 * math.log(3 / 6)) / ln3  # 0.920620
    d_x, d_y = 1 - e_x, 1 - e_y
    expected = [d_x / (d_x + d_y), d_y / (d_x + d_y)]                      # 0.40309, 0.59691
    df = pd.DataFrame({"x": [1.0, 1.0, 2.0], "y": [1.0, 2.0, 3.0]})
    got = weights(df, ["x", "y"], method="entropy", normalisation=None)
    np.testing.assert_allclose(got.to_numpy(), expected, rtol=1e-12)
    np.testing.assert_allclose(got.to_numpy(), [0.40309, 0.59691], atol=1e-5)


def test_entropy_after_minmax_hand_worked():
    # x = (1, 2, 3, 5) -> (0, .25, .5, 1), sum 1.75 -> p = (0, 1/7, 2/7, 4/7)
    # z = (2, 4, 4, 3) -> (0, 1, 1, .5),  sum 2.5  -> p = (0, .4, .4, .2); 0 ln 0 = 0
    ln4 = math.log(4)
    e_x = -sum(p * math.log(p) for p in (1 / 7, 2 / 7, 4 / 7)) / ln4
    e_z = -sum(p * math.log(p) for p in (0.4, 0.4, 0.2)) / ln4
    d = np.array([1 - e_x, 1 - e_z])
    df = pd.DataFrame({"x": [1.0, 2.0, 3.0, 5.0], "z": [2.0, 4.0, 4.0, 3.0]})
    got = weights(df, ["x", "z"], method="entropy")
    np.testing.assert_allclose(got.to_numpy(), d / d.sum(), rtol=1e-12)


# Diakoulaki, Mavrotas & Papayannakis (1995), Computers & Operations Research
# 22(7), 763-770: the eight-alternative, three-criterion example.
DIAKOULAKI = [
    [61, 1.08, 4.33], [20.7, 0.26, 4.34], [16.3, 1.98, 2.53], [9.0, 3.29, 1.65],
    [5.4, 2.77, 2.33], [4.0, 4.12, 1.21], [-6.1, 3.52, 2.10], [-34.6, 3.31, 0.98],
]


def test_critic_diakoulaki_example_by_hand():
    cols = list(zip(*DIAKOULAKI))
    scaled = [[(v - min(c)) / (max(c) - min(c)) for v in c] for c in cols]
    sd = [statistics.stdev(c) for c in scaled]
    info = [sd[j] * sum(1 - statistics.correlation(scaled[j], scaled[k]) for k in range(3)) for j in range(3)]
    expected = [c / sum(info) for c in info]
    df = pd.DataFrame(DIAKOULAKI, columns=["c1", "c2", "c3"])
    got = weights(df, ["c1", "c2", "c3"], method="critic")
    np.testing.assert_allclose(got.to_numpy(), expected, rtol=1e-12)
    # the same example in scikit-criteria's test-suite (an independent implementation)
    np.testing.assert_allclose(got.to_numpy(), [0.20222554, 0.48090173, 0.31687273], atol=1e-8)


def test_pca_single_factor_equals_squared_first_component():
    from sklearn.decomposition import PCA

    rng = np.random.default_rng(0)
    f = rng.normal(size=300)
    x = np.column_stack([f * s + rng.normal(scale=0.6, size=300) for s in (1.0, 0.8, 1.2, 0.5)])
    z = (x - x.mean(0)) / x.std(0, ddof=1)
    eig = np.linalg.eigvalsh(np.corrcoef(z, rowvar=False))
    assert (eig > 1).sum() == 1                      # one factor kept by Kaiser's rule
    first = PCA(n_components=1).fit(z).components_[0]
    df = pd.DataFrame(x, columns=list("abcd"))
    np.testing.assert_allclose(weights(df, list("abcd"), method="pca").to_numpy(), first**2, atol=1e-10)


def test_pca_two_blocks_follow_the_handbook_rule():
    # Blocks {a, b, c} and {d, e}, uncorrelated with each other: rotated factor 1
    # explains ~3, factor 2 ~2; scaled squared loadings ~1/3 and ~1/2, so every
    # weight is ~(1/3)(3/5) = (1/2)(2/5) = 0.2.
    rng = np.random.default_rng(1)
    f, g = rng.normal(size=(2, 2000))
    noise = rng.normal(scale=0.05, size=(2000, 5))
    x = np.column_stack([f, f, f, g, g]) + noise
    df = pd.DataFrame(x, columns=list("abcde"))
    np.testing.assert_allclose(weights(df, list("abcde"), method="pca").to_numpy(), 0.2, atol=0.01)


def test_varimax_matches_scikit_learn():
    from sklearn.decomposition._factor_analysis import _ortho_rotation

    rng = np.random.default_rng(2)
    loadings = rng.normal(size=(8, 3))
    ours = _varimax(loadings)
    theirs = _ortho_rotation(loadings, method="varimax", tol=1e-12, max_iter=2000).T
    # identical up to the order and sign of factors
    for j in range(3):
        assert min(np.abs(ours[:, j][:, None] - s * theirs).sum(0).min() for s in (1, -1)) < 1e-6
    np.testing.assert_allclose((ours**2).sum(1), (loadings**2).sum(1))   # communalities kept


def test_user_weights_normalised_and_metadata():
    df = pd.DataFrame({"x": [1.0, 2.0], "y": [3.0, 4.0]})
    got = weights(df, ["x", "y"], method="user", values={"x": 1, "y": 3})
    np.testing.assert_allclose(got.to_numpy(), [0.25, 0.75])
    meta = pd.DataFrame({"indicator": ["x", "y", "other"], "weight": [2.0, 2.0, 9.0]})
    np.testing.assert_allclose(weights(df, ["x", "y"], method=meta).to_numpy(), [0.5, 0.5])
    assert weights(df, ["x", "y"]).tolist() == [0.5, 0.5]


def test_weights_bad_input(cross):
    inds = ["a", "b"]
    with pytest.raises(BenchmarkError, match="'zz'.*not among the indicators"):
        weights(cross, inds, method="user", values={"a": 1, "b": 1, "zz": 1})
    with pytest.raises(BenchmarkError, match="no weight for 'b'"):
        weights(cross, inds, method="user", values={"a": 1})
    with pytest.raises(BenchmarkError, match="'b'.*non-negative"):
        weights(cross, inds, method="user", values={"a": 1, "b": -1})
    with pytest.raises(BenchmarkError, match="'a'.*non-negative"):
        weights(cross, inds, method="user", values={"a": "heavy", "b": 1})
    with pytest.raises(BenchmarkError, match="all zero"):
        weights(cross, inds, method="user", values={"a": 0, "b": 0})
    with pytest.raises(BenchmarkError, match="needs values"):
        weights(cross, inds, method="user")
    with pytest.raises(BenchmarkError, match="`method` must be one of"):
        weights(cross, inds, method="ahp")
    with pytest.raises(BenchmarkError, match="at least 3 rows"):
        weights(cross.head(2), inds, method="critic")
    with pytest.raises(BenchmarkError, match="'flat' is constant"):
        weights(cross.assign(flat=1.0), ["a", "flat"], method="critic", normalisation=None)
    with pytest.raises(NonPositiveError, match="'neg'"):
        weights(cross.assign(neg=-cross["a"]), ["a", "neg"], method="entropy", normalisation=None)
    with pytest.raises(BenchmarkError, match="'b'.*lower is better"):
        weights(cross, inds, method="entropy", normalisation=None, direction={"b": "lower"})
    with pytest.raises(BenchmarkError, match="n_components"):
        weights(cross, inds, method="pca", n_components=5)


# ================================================================ composite
def test_arithmetic_composite_by_hand_and_contributions_add_up(cross):
    w = {"a": 0.4, "b": 0.3, "c": 0.2, "d": 0.1}
    out = composite(cross, list(w), weights=w, direction={"d": "lower"})
    x = cross[list(w)].to_numpy()
    y = (x - x.min(0)) / (x.max(0) - x.min(0))
    y[:, 3] = 1 - y[:, 3]
    expected = y @ np.array(list(w.values()))
    np.testing.assert_allclose(out["score"], expected, atol=1e-14)
    np.testing.assert_allclose(out[list(w)].sum(axis=1), out["score"], atol=1e-14)
    order = np.argsort(-expected)
    assert out["rank"].to_numpy()[order].tolist() == list(range(1, 13))
    assert list(out.columns) == ["institution", "score", "rank", "a", "b", "c", "d"]


def test_geometric_and_harmonic_against_scipy(cross):
    from scipy import stats

    w = np.array([0.1, 0.2, 0.3, 0.4])
    wmap = dict(zip("abcd", w))
    x = cross[list("abcd")].to_numpy()
    geo = composite(cross, list("abcd"), weights=wmap, normalisation=None, aggregation="geometric")
    np.testing.assert_allclose(geo["score"], stats.gmean(x, axis=1, weights=w), rtol=1e-12)
    np.testing.assert_allclose(np.exp(geo[list("abcd")].sum(axis=1)), geo["score"], rtol=1e-12)
    har = composite(cross, list("abcd"), weights=wmap, normalisation=None, aggregation="harmonic")
    np.testing.assert_allclose(har["score"], stats.hmean(x, axis=1, weights=w), rtol=1e-12)
    np.testing.assert_allclose(1 / har[list("abcd")].sum(axis=1), har["score"], rtol=1e-12)


def test_zero_rule_lifts_minmax_to_floor(cross):
    out = composite(cross, ["a"], aggregation="geometric", floor=0.05)
    a = cross["a"].to_numpy()
    lifted = 0.05 + 0.95 * (a - a.min()) / (a.max() - a.min())
    np.testing.assert_allclose(out["score"], lifted, rtol=1e-12)
    assert out["score"].min() == pytest.approx(0.05)


def test_geometric_zero_and_negative_values_raise(cross):
    with pytest.raises(NonPositiveError, match=r"'a' \('u\d\d'\).*floor"):
        composite(cross, ["a", "b"], aggregation="geometric", floor=None)
    with pytest.raises(NonPositiveError, match="zscore.*'a'"):
        composite(cross, ["a", "b"], normalisation="zscore", aggregation="harmonic")
    raw = cross.assign(b=cross["b"] - 1.0)
    with pytest.raises(NonPositiveError, match="raw values.*'b'"):
        composite(raw, ["a", "b"], normalisation=None, aggregation="geometric")


def test_pillars_two_level_by_hand(cross):
    pillars = {"P": ["a", "b"], "Q": ["c", "d"]}
    w = {"a": 1, "b": 3, "c": 1, "d": 1}
    out = composite(cross, list("abcd"), weights=w, pillars=pillars, pillar_weights={"P": 0.7, "Q": 0.3})
    y = normalise(cross, list("abcd"))
    p = 0.25 * y["a"] + 0.75 * y["b"]
    q = 0.5 * y["c"] + 0.5 * y["d"]
    np.testing.assert_allclose(out["P"], p)
    np.testing.assert_allclose(out["Q"], q)
    np.testing.assert_allclose(out["score"], 0.7 * p + 0.3 * q)
    np.testing.assert_allclose(out[list("abcd")].sum(axis=1), out["score"])
    # geometric at both levels = geometric of geometric pillar means
    geo = composite(cross, list("abcd"), weights=w, pillars=pillars, aggregation="geometric")
    yl = 0.01 + 0.99 * y[list("abcd")]
    gp = yl["a"] ** 0.25 * yl["b"] ** 0.75
    gq = (yl["c"] * yl["d"]) ** 0.5
    np.testing.assert_allclose(geo["score"], (gp * gq) ** 0.5, rtol=1e-12)


def test_pillar_weights_sum_keeps_global_weights(cross):
    w = {"a": 0.1, "b": 0.2, "c": 0.3, "d": 0.4}
    flat = composite(cross, list("abcd"), weights=w)
    two = composite(cross, list("abcd"), weights=w, pillars={"a": "P", "b": "P", "c": "Q", "d": "Q"},
                    pillar_weights="sum")
    np.testing.assert_allclose(two["score"], flat["score"], atol=1e-14)


def test_metadata_drives_direction_weights_and_pillars(cross):
    meta = pd.DataFrame({"indicator": list("abcd"), "direction": ["higher", "lower", "higher", "higher"],
                         "weight": [1.0, 1.0, 2.0, 0.0], "pillar": ["P", "P", "Q", "Q"]})
    out = composite(cross, list("abcd"), weights=meta, direction=meta, pillars=meta)
    y = normalise(cross, list("abcd"), direction=meta)
    np.testing.assert_allclose(out["score"], 0.5 * (0.5 * y["a"] + 0.5 * y["b"]) + 0.5 * y["c"])


def test_data_driven_weights_in_composite(cross):
    inds = list("abcd")
    w = weights(cross, inds, method="entropy")
    np.testing.assert_allclose(composite(cross, inds, weights="entropy")["score"],
                               composite(cross, inds, weights=w)["score"])


def test_panel_ranks_within_period_and_pooled_normalisation(panel):
    before = _frozen(panel)
    out = composite(panel, ["a", "b", "cost"], direction={"cost": "lower"})
    pd.testing.assert_frame_equal(panel, before)
    assert list(out.columns[:4]) == ["institution", "year", "score", "rank"]
    for year, part in out.groupby("year"):
        assert sorted(part["rank"]) == list(range(1, 7))
        assert part.loc[part["score"].idxmax(), "rank"] == 1
    # normalisation pools the three years: the grand minimum of `a` scores 0
    y = normalise(panel, ["a"])["a"]
    assert y.min() == 0 and y.max() == 1
    np.testing.assert_allclose(out["a"], y / 3)


def _well_separated(scores) -> bool:
    s = np.sort(np.asarray(scores))
    return bool(np.all(np.diff(s) > 1e-9))


@settings(max_examples=40, deadline=None)
@given(
    values=st.lists(st.tuples(*[st.floats(0, 1000, allow_nan=False) for _ in range(3)]), min_size=4, max_size=12,
                    unique_by=lambda t: t[0]),
    scale=st.floats(0.01, 100),
    shift=st.floats(-1000, 1000),
    which=st.sampled_from(["x", "y", "z"]),
    method=st.sampled_from(["minmax", "zscore"]),
)
def test_ranks_invariant_to_rescaling_an_indicator(values, scale, shift, which, method):
    df = pd.DataFrame(values, columns=["x", "y", "z"])
    assume(df.std().min() > 1e-3)
    df.insert(0, "institution", [f"e{i}" for i in range(len(df))])
    base = composite(df, ["x", "y", "z"], normalisation=method)
    assume(_well_separated(base["score"]))
    moved = composite(df.assign(**{which: df[which] * scale + shift}), ["x", "y", "z"], normalisation=method)
    np.testing.assert_allclose(moved["score"], base["score"], atol=1e-9)
    assert moved["rank"].tolist() == base["rank"].tolist()


def test_composite_bad_input(cross, panel):
    with pytest.raises(BenchmarkError, match="`aggregation` must be one of"):
        composite(cross, ["a"], aggregation="median")
    with pytest.raises(BenchmarkError, match="'zz'.*not among the indicators"):
        composite(cross, ["a", "b"], weights={"a": 1, "b": 1, "zz": 1})
    with pytest.raises(BenchmarkError, match="'b'.*non-negative"):
        composite(cross, ["a", "b"], weights={"a": 1, "b": -0.5})
    with pytest.raises(BenchmarkError, match="no pillar for 'b'"):
        composite(cross, ["a", "b"], pillars={"a": "P"})
    with pytest.raises(ColumnError, match="pillar 'a'"):
        composite(cross, ["a", "b"], pillars={"a": ["a", "b"]})
    with pytest.raises(BenchmarkError, match="'flat'.*standard deviation"):
        composite(cross.assign(flat=2.0), ["a", "flat"], normalisation="zscore")
    with pytest.raises(DuplicateRowError, match="u0"):
        composite(pd.concat([panel, panel.head(1)]), ["a"])
    with pytest.raises(ColumnError, match="entity column 'school'"):
        composite(cross, ["a"], entity="school")
    with pytest.raises(BenchmarkError, match="'b' are 'lower is better'"):
        composite(cross, ["a", "b"], normalisation=None, direction={"b": "lower"})
    with pytest.raises(BenchmarkError, match="`floor` must be between 0 and 1"):
        composite(cross, ["a"], aggregation="geometric", floor=2)


# ============================================================ contributions
@pytest.mark.parametrize("aggregation", ["arithmetic", "geometric", "harmonic"])
def test_contributions_add_up_exactly(panel, aggregation):
    out = contributions(panel, ["a", "b", "cost"], direction={"cost": "lower"}, aggregation=aggregation,
                        weights={"a": 0.5, "b": 0.3, "cost": 0.2}, pillars={"a": "P", "b": "P", "cost": "Q"})
    np.testing.assert_allclose(out[["a", "b", "cost"]].sum(axis=1), out["change"], rtol=0, atol=1e-14)
    # the scores are those of the composite on the two periods together
    two = panel[panel["year"].isin([2021, 2023])]
    ref = composite(two, ["a", "b", "cost"], direction={"cost": "lower"}, aggregation=aggregation,
                    weights={"a": 0.5, "b": 0.3, "cost": 0.2}, pillars={"a": "P", "b": "P", "cost": "Q"})
    r = ref.pivot(index="institution", columns="year", values="score")
    np.testing.assert_allclose(out["score_start"], r.loc[out["institution"], 2021])
    np.testing.assert_allclose(out["score_end"], r.loc[out["institution"], 2023])
    assert out["reason"].isna().all()


def test_arithmetic_contributions_by_hand(panel):
    out = contributions(panel, ["a", "b"], start=2021, end=2022)
    two = panel[panel["year"].isin([2021, 2022])]
    lo, hi = two[["a", "b"]].min(), two[["a", "b"]].max()
    y = (two[["a", "b"]] - lo) / (hi - lo)
    y0 = y[two["year"] == 2021].to_numpy()
    y1 = y[two["year"] == 2022].to_numpy()
    np.testing.assert_allclose(out[["a", "b"]].to_numpy(), 0.5 * (y1 - y0), atol=1e-14)
    assert (out["start"] == 2021).all() and (out["end"] == 2022).all()


def test_contributions_entity_missing_in_one_period(panel):
    df = panel[~((panel["institution"] == "u3") & (panel["year"] == 2023))]
    out = contributions(df, ["a", "b"])
    row = out.set_index("institution").loc["u3"]
    assert np.isnan(row["change"]) and np.isnan(row["a"])
    assert row["reason"] == "no row in year 2023"
    assert len(out) == 6


def test_contributions_bad_input(panel, cross):
    with pytest.raises(BenchmarkError, match="both 2021"):
        contributions(panel, ["a"], start=2021, end=2021)
    with pytest.raises(BenchmarkError, match="year 1999 not found"):
        contributions(panel, ["a"], start=1999)
    with pytest.raises(ColumnError, match="period column 'year'"):
        contributions(cross, ["a"])
    with pytest.raises(BenchmarkError, match="'reference' is not available"):
        contributions(panel, ["a"], normalisation="reference")


# =================================================================== TOPSIS
def test_topsis_tzeng_huang_published_example():
    # Tzeng & Huang (2011), Multiple Attribute Decision Making: Methods and
    # Applications, CRC Press: four alternatives, three benefit attributes,
    # weights (0.3, 0.4, 0.3); printed closeness 0.5037, 0.6581, 0.7482, 0.3340.
    df = pd.DataFrame([[5, 8, 4], [7, 6, 8], [8, 8, 6], [7, 4, 6]], columns=["c1", "c2", "c3"])
    df.insert(0, "institution", ["A1", "A2", "A3", "A4"])
    out = topsis(df, ["c1", "c2", "c3"], weights={"c1": 0.3, "c2": 0.4, "c3": 0.3})
    np.testing.assert_allclose(out["closeness"], [0.5037, 0.6581, 0.7482, 0.3340], atol=1e-4)
    assert out["rank"].tolist() == [3, 2, 1, 4]


def test_topsis_with_cost_attribute_by_hand():
    # Car example (style, reliability, fuel economy, cost; weights .1 .4 .3 .2)
    # from KFUPM/IIM lecture notes on TOPSIS, whose printed ideal solution is
    # A* = (0.059, 0.244, 0.162, 0.080), cost taken at its minimum.
    x = [[7, 9, 9, 8], [8, 7, 8, 7], [9, 6, 8, 9], [6, 7, 8, 6]]
    w = [0.1, 0.4, 0.3, 0.2]
    benefit = [True, True, True, False]
    norms = [math.sqrt(sum(r[j] ** 2 for r in x)) for j in range(4)]
    v = [[w[j] * r[j] / norms[j] for j in range(4)] for r in x]
    best = [max(c) if b else min(c) for c, b in zip(zip(*v), benefit)]
    worst = [min(c) if b else max(c) for c, b in zip(zip(*v), benefit)]
    np.testing.assert_allclose(best, [0.059, 0.244, 0.162, 0.080], atol=2e-3)
    d_plus = [math.dist(r, best) for r in v]
    d_minus = [math.dist(r, worst) for r in v]
    expected = [m / (p + m) for p, m in zip(d_plus, d_minus)]
    df = pd.DataFrame(x, columns=["style", "reliability", "fuel", "cost"])
    df.insert(0, "institution", ["Civic", "Saturn", "Ford", "Mazda"])
    out = topsis(df, ["style", "reliability", "fuel", "cost"], direction={"cost": "lower"},
                 weights=dict(zip(["style", "reliability", "fuel", "cost"], w)))
    np.testing.assert_allclose(out["closeness"], expected, rtol=1e-12)
    np.testing.assert_allclose(out["d_best"], d_plus, rtol=1e-12)


def test_topsis_per_period_equals_separate_calls(panel):
    both = topsis(panel, ["a", "cost"], direction={"cost": "lower"})
    for year, part in panel.groupby("year"):
        alone = topsis(part, ["a", "cost"], direction={"cost": "lower"})
        np.testing.assert_allclose(both.loc[both["year"] == year, "closeness"], alone["closeness"])


def test_topsis_bad_input(cross):
    with pytest.raises(BenchmarkError, match="'zero' is zero for every row"):
        topsis(cross.assign(zero=0.0), ["a", "zero"])
    same = pd.DataFrame({"institution": ["p", "q"], "x": [1.0, 1.0]})
    with pytest.raises(BenchmarkError, match="identical"):
        topsis(same, ["x"])
    with pytest.raises(BenchmarkError, match="'zz'"):
        topsis(cross, ["a"], weights={"a": 1, "zz": 2})


# ==================================================================== Sobol
def _ishigami(x: np.ndarray, a: float = 7.0, b: float = 0.1) -> np.ndarray:
    return np.sin(x[:, 0]) + a * np.sin(x[:, 1]) ** 2 + b * x[:, 2] ** 4 * np.sin(x[:, 0])


def _pick_freeze(model, sampler, k: int, n: int, seed: int):
    rng = np.random.default_rng(seed)
    a, b = sampler(rng, (n, k)), sampler(rng, (n, k))
    f_ab = []
    for i in range(k):
        c = a.copy()
        c[:, i] = b[:, i]
        f_ab.append(model(c))
    return _sobol_indices(model(a), model(b), f_ab)


def test_sobol_estimators_on_ishigami():
    # Analytic indices for a = 7, b = 0.1 (Ishigami & Homma 1990; Saltelli et al. 2010)
    a, b = 7.0, 0.1
    v1 = 0.5 * (1 + b * np.pi**4 / 5) ** 2
    v2 = a**2 / 8
    v13 = b**2 * np.pi**8 * (1 / 18 - 1 / 50)
    var = v1 + v2 + v13
    first = np.array([v1, v2, 0.0]) / var            # 0.3139, 0.4424, 0
    total = np.array([v1 + v13, v2, v13]) / var      # 0.5576, 0.4424, 0.2437
    s1, st_ = _pick_freeze(_ishigami, lambda r, s: r.uniform(-np.pi, np.pi, s), 3, 2**15, seed=11)
    np.testing.assert_allclose(s1, first, atol=0.03)
    np.testing.assert_allclose(st_, total, atol=0.03)


def test_sobol_estimators_on_linear_model():
    coef = np.array([1.0, 2.0, 3.0])
    s1, st_ = _pick_freeze(lambda x: x @ coef, lambda r, s: r.normal(size=s), 3, 2**14, seed=5)
    share = coef**2 / (coef**2).sum()                # additive model: S_i = S_Ti = a_i^2 / sum a^2
    np.testing.assert_allclose(s1, share, atol=0.03)
    np.testing.assert_allclose(st_, share, atol=0.03)


# ========================================================= rank uncertainty
def test_rank_uncertainty_tables_and_reproducibility(cross):
    before = _frozen(cross)
    res = rank_uncertainty(cross, list("abcd"), n_draws=400, random_state=3, drop_one=True)
    pd.testing.assert_frame_equal(cross, before)
    assert isinstance(res, RankUncertainty)
    assert res.n_draws == 400 and res.evaluations == 200 * 6
    nominal = composite(cross, list("abcd"))
    merged = res.ranks.merge(nominal, on="institution")
    assert (merged["nominal_rank"] == merged["rank"]).all()
    np.testing.assert_allclose(merged["score_x"], merged["score_y"])
    assert ((res.ranks["ci_low"] <= res.ranks["median_rank"]) & (res.ranks["median_rank"] <= res.ranks["ci_high"])).all()
    assert set(res.sensitivity["factor"]) == {"weights", "normalisation", "aggregation", "dropped indicator"}
    assert set(res.to_frames()) == {"ranks", "sensitivity", "factors"}
    again = rank_uncertainty(cross, list("abcd"), n_draws=400, random_state=3, drop_one=True, n_jobs=1)
    pd.testing.assert_frame_equal(res.ranks, again.ranks)
    pd.testing.assert_frame_equal(res.sensitivity, again.sensitivity)


def test_only_the_uncertain_factor_gets_variance(cross):
    res = rank_uncertainty(cross, list("abcd"), n_draws=2000, normalisations=["minmax"], aggregations=["arithmetic"],
                           weight_noise="uniform", random_state=0)
    assert res.sensitivity["factor"].unique().tolist() == ["weights"]
    # a single factor explains all of the variance: S1 = ST = 1 up to Monte Carlo error
    np.testing.assert_allclose(res.sensitivity[["first_order", "total"]].to_numpy(), 1.0, atol=0.1)


def test_irrelevant_factor_gets_no_index():
    # Indicators that order the entities identically: no choice can change the ranks.
    df = pd.DataFrame({"institution": list("pqrst"), "x": [1.0, 2, 3, 4, 5], "y": [2.0, 3, 5, 7, 11]})
    res = rank_uncertainty(df, ["x", "y"], n_draws=200, random_state=0)
    assert (res.ranks["ci_low"] == res.ranks["ci_high"]).all()
    assert (res.sensitivity[["first_order", "total"]] == 0).all().all()


def test_vectorised_draws_match_composite_one_by_one(cross):
    # Each simulated draw ranks entities exactly as composite() does with that
    # draw's weights, normalisation and aggregation (a second, loop-based method).
    inds = list("abcd")
    methods, aggs = ["minmax", "rank"], ["arithmetic", "geometric", "harmonic"]
    signs = np.ones(4)
    design = _draw(np.random.default_rng(4), 30, np.full(4, 0.25), 0.5, len(methods), len(aggs), True)
    ranks = _block_ranks(design, slice(0, 30), _mc_matrices(cross, inds, signs, methods, aggs, 0.01),
                         np.ones((4, 1)))
    for d in range(30):
        w = design.weights[d].copy()
        if design.drop[d]:
            w[design.drop[d] - 1] = 0.0
        ref = composite(cross, inds, weights=dict(zip(inds, w)), normalisation=methods[design.normalisation[d]],
                        aggregation=aggs[design.aggregation[d]])
        assert ranks[d].tolist() == ref["rank"].tolist()


def test_dropped_indicator_weight_stays_in_its_pillar(cross):
    inds = list("abcd")
    pillar_of = {"a": "P", "b": "P", "c": "P", "d": "Q"}
    member = np.array([[1, 0], [1, 0], [1, 0], [0, 1]], dtype=float)
    design = _draw(np.random.default_rng(9), 25, np.full(4, 0.25), 0.3, 1, 1, True)
    ranks = _block_ranks(design, slice(0, 25), _mc_matrices(cross, inds, np.ones(4), ["minmax"], ["arithmetic"], 0.01),
                         member)
    for d in range(25):
        w = design.weights[d].copy()
        totals = {"P": w[:3].sum(), "Q": w[3]}
        if design.drop[d]:
            w[design.drop[d] - 1] = 0.0
        if design.drop[d] == 4:          # Q loses its only indicator: the index is P alone
            ref = composite(cross, inds, weights=dict(zip(inds, w)))
        else:                            # the pillar keeps its drawn share
            ref = composite(cross, inds, weights=dict(zip(inds, w)), pillars=pillar_of, pillar_weights=totals)
        assert ranks[d].tolist() == ref["rank"].tolist()


def test_progress_bar_runs(cross, capsys):
    res = rank_uncertainty(cross, list("abc"), n_draws=40, random_state=0, progress=True)
    assert len(res.ranks) == 12


def test_plot_draws_the_intervals(cross):
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    res = rank_uncertainty(cross, list("abc"), n_draws=40, random_state=0)
    ax = res.plot()
    assert len(ax.get_yticklabels()) == 12
    import matplotlib.pyplot as plt

    plt.close("all")


def test_only_weighted_indicator_is_never_dropped(cross):
    res = rank_uncertainty(cross, ["a", "b"], weights={"a": 1, "b": 0}, weight_noise=None,
                           normalisations=["minmax"], aggregations=["arithmetic"], drop_one=True, n_draws=100,
                           random_state=0)
    assert (res.ranks["ci_low"] == res.ranks["nominal_rank"]).all()
    assert np.isfinite(res.sensitivity[["first_order", "total"]].to_numpy()).all()


def test_rank_uncertainty_bad_input(cross, panel):
    with pytest.raises(BenchmarkError, match="one period.*'year'"):
        rank_uncertainty(panel, ["a", "b"], n_draws=100)
    with pytest.raises(BenchmarkError, match="`n_draws` must be an integer >= 20"):
        rank_uncertainty(cross, ["a", "b"], n_draws=5)
    with pytest.raises(BenchmarkError, match="`normalisations` must be one of"):
        rank_uncertainty(cross, ["a", "b"], normalisations=["minmax", "goalposts"])
    with pytest.raises(BenchmarkError, match="nothing is uncertain"):
        rank_uncertainty(cross, ["a", "b"], weight_noise=None, normalisations=["minmax"],
                         aggregations=["arithmetic"])
    with pytest.raises(BenchmarkError, match="`weight_noise`=5.0 is too large for 2 indicators"):
        rank_uncertainty(cross, ["a", "b"], weight_noise=5)
    with pytest.raises(BenchmarkError, match="`weight_noise` must be"):
        rank_uncertainty(cross, ["a", "b"], weight_noise=-1)
    with pytest.raises(BenchmarkError, match="at least 3 entities"):
        rank_uncertainty(cross.head(2), ["a", "b"])
    with pytest.raises(BenchmarkError, match="'zz'"):
        rank_uncertainty(cross, ["a", "b"], weights={"a": 1, "b": 1, "zz": 1})


# ==================================================== scale, dtypes, keys
@pytest.mark.parametrize("scale", [1e300, 1e-300])
def test_results_do_not_depend_on_the_scale_of_the_data(cross, scale):
    inds = ["a", "b", "c", "d"]
    big = cross.assign(**{c: cross[c] * scale for c in inds})
    with np.errstate(all="raise"):
        z0, z1 = (normalise(f, inds, method="zscore")[inds].to_numpy() for f in (cross, big))
        np.testing.assert_allclose(z1, z0, atol=1e-12)
        np.testing.assert_allclose(topsis(big, inds).closeness, topsis(cross, inds).closeness, atol=1e-12)
        for method in ("critic", "entropy", "pca"):
            np.testing.assert_allclose(weights(big, inds, method=method), weights(cross, inds, method=method),
                                       atol=1e-12)
        for method in ("critic", "entropy"):
            np.testing.assert_allclose(weights(big, inds, method=method, normalisation=None),
                                       weights(cross, inds, method=method, normalisation=None), atol=1e-12)


def test_nullable_and_categorical_columns_match_plain_floats(panel):
    inds = ["a", "b", "cost"]
    odd = panel.astype({"a": "Float64", "institution": "category", "year": "category"})
    odd["b"] = pd.Categorical(panel["b"])
    for fn in (composite, topsis):
        plain, other = fn(panel, inds), fn(odd, inds)
        assert other["institution"].dtype == "category"
        value = "score" if fn is composite else "closeness"
        np.testing.assert_allclose(other[value], plain[value], atol=1e-14)
        np.testing.assert_array_equal(other["rank"], plain["rank"])
    with_na = panel.astype({"a": "Float64"})
    with_na.loc[4, "a"] = pd.NA
    with pytest.raises(MissingValueError, match="'a'.*u4/2021"):
        composite(with_na, inds)


@pytest.mark.parametrize("column", ["institution", "year"])
def test_missing_entity_or_period_names_the_row(panel, column):
    bad = panel.astype({column: object})
    bad.loc[5, column] = None
    for fn in (composite, topsis):
        with pytest.raises(MissingValueError, match=f"'{column}'.*row 5"):
            fn(bad, ["a", "b"])


def test_rank_uncertainty_n_jobs_defaults_to_one(cross):
    import inspect

    assert inspect.signature(rank_uncertainty).parameters["n_jobs"].default == 1
    one = rank_uncertainty(cross, ["a", "b"], n_draws=40, random_state=0)
    every = rank_uncertainty(cross, ["a", "b"], n_draws=40, random_state=0, n_jobs=-1)
    pd.testing.assert_frame_equal(one.ranks, every.ranks)
    with pytest.raises(BenchmarkError, match="n_jobs"):
        rank_uncertainty(cross, ["a", "b"], n_draws=40, n_jobs=0)
