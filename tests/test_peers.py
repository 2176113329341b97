"""Peers: nearest peers, cohort statistics, percentile ranks, gaps and grades.

Numbers are checked against scipy (percentileofscore, rankdata, spatial
distances, median_abs_deviation), scikit-learn covariance estimators, pandas
and hand computations written out below.
"""

import copy
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from scipy.spatial import distance as spd

from benchmark import (
    BenchmarkError,
    ColumnError,
    EmptyDataError,
    MissingValueError,
    UnknownEntityError,
    cohort_stats,
    nearest_peers,
    peer_gap,
    percentile_rank,
    performance_groups,
)


# ---------------------------------------------------------------- fixtures
def make_panel(n=30, years=(2020, 2021), seed=0, ties=True):
    rng = np.random.default_rng(seed)
    rows = []
    for year in years:
        for i in range(n):
            rows.append({"institution": f"U{i:02d}", "year": year, "tier": "ABC"[i % 3],
                         "sector": "public" if i % 2 else "private"})
    df = pd.DataFrame(rows)
    m = len(df)
    df["rate"] = rng.normal(60, 10, m).round(0 if ties else 6)
    df["ratio"] = rng.normal(18, 3, m).round(1 if ties else 6)
    df["income"] = rng.lognormal(5, 1, m)
    return df


@pytest.fixture
def panel():
    return make_panel()


@pytest.fixture
def cross(panel):
    return panel[panel["year"] == 2021].reset_index(drop=True)


# ---------------------------------------------------------------- percentile_rank
@pytest.mark.parametrize("kind", ["weak", "mean", "strict"])
def test_percentile_rank_matches_percentileofscore(panel, kind):
    df = panel.copy()
    df.loc[[3, 17, 40], "rate"] = np.nan
    out = percentile_rank(df, ["rate", "ratio"], by="tier", kind=kind, direction={"ratio": "lower"})
    for (tier, year), idx in df.groupby(["tier", "year"]).groups.items():
        for ind, sign in (("rate", 1), ("ratio", -1)):
            vals = sign * df.loc[idx, ind].dropna().to_numpy()
            for i in idx:
                x = df.loc[i, ind]
                got = out.loc[i, ind]
                if np.isnan(x):
                    assert np.isnan(got)
                else:
                    assert got == pytest.approx(stats.percentileofscore(vals, sign * x, kind=kind))


def test_percentile_rank_weak_equals_rankdata_max(cross):
    out = percentile_rank(cross, "rate")
    expected = 100 * stats.rankdata(cross["rate"], method="max") / len(cross)
    np.testing.assert_allclose(out["rate"], expected)


def test_percentile_rank_same_rows_and_index(panel):
    df = panel.copy()
    df.index = np.arange(len(df))[::-1] * 7 + 3
    df.loc[df.index[5], "rate"] = np.nan
    out = percentile_rank(df, ["rate", "ratio"], by=["sector"])
    assert out.index.equals(df.index)
    assert list(out.columns) == ["institution", "year", "sector", "rate", "ratio", "reason"]
    assert out["rate"].isna().sum() == 1
    assert out.loc[df.index[5], "reason"] == "no value for 1 of 2 indicators"
    assert out["reason"].isna().sum() == len(df) - 1
    assert out[["rate", "ratio"]].max().max() == 100


def test_percentile_rank_keeps_rows_without_cohort():
    df = pd.DataFrame({"institution": list("abcde"), "g": ["x", "x", None, None, "x"], "v": [1.0, 2, 3, 4, 5]})
    out = percentile_rank(df, "v", by="g")
    np.testing.assert_allclose(out["v"], [100 / 3, 200 / 3, 50, 100, 100])  # missing group = own cohort


def test_percentile_rank_within_period_by_default(panel):
    out = percentile_rank(panel, "rate")
    for year, part in panel.groupby("year"):
        expected = 100 * stats.rankdata(part["rate"], method="max") / len(part)
        np.testing.assert_allclose(out.loc[part.index, "rate"], expected)


def test_percentile_rank_does_not_modify_input(panel):
    before = copy.deepcopy(panel)
    percentile_rank(panel, ["rate", "ratio"], by="tier", direction="lower")
    pd.testing.assert_frame_equal(panel, before)


values_strategy = st.lists(st.integers(-50, 50), min_size=2, max_size=25)


@settings(max_examples=30, deadline=None)
@given(values_strategy)
def test_percentile_rank_invariant_to_increasing_transform(values):
    df = pd.DataFrame({"institution": [f"e{i}" for i in range(len(values))], "x": np.array(values, float)})
    moved = df.assign(x=np.exp(df["x"] / 10.0) * 3 + df["x"] ** 3 + 7)
    for kind in ("weak", "mean", "strict"):
        a = percentile_rank(df, "x", kind=kind)["x"]
        b = percentile_rank(moved, "x", kind=kind)["x"]
        np.testing.assert_allclose(a, b)


@settings(max_examples=30, deadline=None)
@given(values_strategy)
def test_percentile_rank_reverses_under_lower(values):
    df = pd.DataFrame({"institution": [f"e{i}" for i in range(len(values))], "x": np.array(values, float)})
    higher = percentile_rank(df, "x", kind="mean")["x"]
    lower = percentile_rank(df, "x", kind="mean", direction="lower")["x"]
    np.testing.assert_allclose(higher + lower, 100.0)
    weak_high = percentile_rank(df, "x", kind="weak")["x"]
    strict_low = percentile_rank(df, "x", kind="strict", direction="lower")["x"]
    np.testing.assert_allclose(weak_high + strict_low, 100.0)
    neg = percentile_rank(df.assign(x=-df["x"]), "x", kind="weak")["x"]
    np.testing.assert_allclose(neg, percentile_rank(df, "x", kind="weak", direction="lower")["x"])


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10_000))
def test_percentile_rank_row_order_independent(seed):
    df = make_panel(n=12, seed=seed % 50)
    shuffled = df.sample(frac=1, random_state=seed)
    a = percentile_rank(df, ["rate", "ratio"], by="tier")
    b = percentile_rank(shuffled, ["rate", "ratio"], by="tier").loc[a.index]
    pd.testing.assert_frame_equal(a, b)


def test_percentile_rank_bad_input(panel):
    with pytest.raises(ColumnError, match="'sector'.*must be numeric"):
        percentile_rank(panel, ["rate", "sector"])
    with pytest.raises(ColumnError, match="`by` column 'tiers'"):
        percentile_rank(panel, "rate", by="tiers")
    with pytest.raises(BenchmarkError, match="`kind` must be one of"):
        percentile_rank(panel, "rate", kind="average")
    with pytest.raises(BenchmarkError, match="direction of 'rate'"):
        percentile_rank(panel, "rate", direction={"rate": "up"})
    with pytest.raises(ColumnError, match="no indicator column 'rat'"):
        percentile_rank(panel, "rat")


# ---------------------------------------------------------------- cohort_stats
def test_cohort_stats_matches_pandas_describe(panel):
    df = panel.copy()
    df.loc[[1, 2], "rate"] = np.nan
    out = cohort_stats(df, ["rate", "income"], by="tier")
    assert len(out) == 3 * 2 * 2
    for _, row in out.iterrows():
        part = df[(df["tier"] == row["tier"]) & (df["year"] == row["year"])][row["indicator"]]
        d = part.describe()
        assert row["n"] == d["count"]
        assert row["n_missing"] == part.isna().sum()
        for ours, theirs in [("mean", "mean"), ("std", "std"), ("min", "min"), ("q1", "25%"),
                             ("median", "50%"), ("q3", "75%"), ("max", "max")]:
            assert row[ours] == pytest.approx(d[theirs])


def test_cohort_stats_period_selection_and_cross_section(panel, cross):
    a = cohort_stats(panel, "rate", at=2021)
    b = cohort_stats(cross.drop(columns="year"), "rate")
    assert a["year"].tolist() == [2021]
    for col in ["n", "mean", "std", "q1", "median", "q3"]:
        assert a[col].iloc[0] == pytest.approx(b[col].iloc[0])
    assert b["median"].iloc[0] == pytest.approx(np.median(cross["rate"]))


def test_cohort_stats_reason_and_missing_group():
    df = pd.DataFrame({"institution": list("abcd"), "g": ["x", "x", "y", None], "v": [1.0, 2.0, 3.0, 4.0]})
    out = cohort_stats(df, "v", by="g")
    assert out["n"].sum() == 4  # the row with no group is kept as its own cohort
    assert out.loc[out["g"] == "y", "reason"].iloc[0] == "one value: std undefined"
    assert out.loc[out["g"] == "x", "reason"].isna().all()


def test_cohort_stats_bad_input(panel, cross):
    with pytest.raises(BenchmarkError, match="year 1999 does not occur"):
        cohort_stats(panel, "rate", at=1999)
    with pytest.raises(ColumnError, match="no period column 'year'"):
        cohort_stats(cross.drop(columns="year"), "rate", at=2021)
    with pytest.raises(ColumnError, match="'tier'.*must be numeric"):
        cohort_stats(panel, "tier")


# ---------------------------------------------------------------- nearest_peers
FEATURES = ["rate", "ratio", "income"]


def _population_z(cross):
    x = cross[FEATURES].to_numpy(float)
    return (x - x.mean(0)) / x.std(0, ddof=1), x


def test_mahalanobis_matches_scipy(cross):
    peers = nearest_peers(cross, "U05", FEATURES, k=len(cross) - 1)
    x = cross[FEATURES].to_numpy(float)
    vi = np.linalg.inv(np.cov(x, rowvar=False))
    focus = x[cross["institution"] == "U05"][0]
    for _, row in peers.iterrows():
        other = x[cross["institution"] == row["institution"]][0]
        assert row["distance"] == pytest.approx(spd.mahalanobis(focus, other, vi), rel=1e-10)
    assert peers["distance"].is_monotonic_increasing
    np.testing.assert_allclose(peers["similarity"], stats.chi2.sf(peers["distance"] ** 2 / 2, df=3))


def test_robust_and_shrinkage_covariances_match_sklearn(cross):
    from sklearn.covariance import LedoitWolf, MinCovDet

    z, _ = _population_z(cross)
    focus = z[cross["institution"] == "U07"][0]
    for how, est in [("shrinkage", LedoitWolf().fit(z)), ("robust", None)]:
        peers = nearest_peers(cross, "U07", FEATURES, k=5, covariance=how, random_state=3)
        if est is None:
            seed = int(np.random.default_rng(3).integers(0, 2**31 - 1))
            est = MinCovDet(random_state=seed).fit(z)
        vi = np.linalg.inv(est.covariance_)
        for _, row in peers.iterrows():
            other = z[cross["institution"] == row["institution"]][0]
            assert row["distance"] == pytest.approx(spd.mahalanobis(focus, other, vi), rel=1e-8)


def test_weighted_euclidean_matches_scipy(cross):
    weights = {"rate": 2.0, "ratio": 1.0, "income": 0.0}
    peers = nearest_peers(cross, "U01", FEATURES, k=6, metric="euclidean", weights=weights)
    z, _ = _population_z(cross)
    w = np.array([2.0, 1.0, 0.0]) * 3 / 3.0  # normalised to mean 1
    focus = z[cross["institution"] == "U01"][0]
    for _, row in peers.iterrows():
        other = z[cross["institution"] == row["institution"]][0]
        assert row["distance"] == pytest.approx(spd.euclidean(focus, other, w=w))


def test_cro_similarity_by_hand():
    df = pd.DataFrame({"institution": list("abcd"), "size": [10.0, 20.0, 30.0, 50.0],
                       "sat": [1000.0, 1100.0, 1000.0, 1400.0]})
    peers = nearest_peers(df, "a", ["size", "sat"], k=3, metric="cro", weights=[3, 1])
    # ranges: size 40, sat 400; weights 3/4 and 1/4 of the total
    hand = {"b": 0.75 * 10 / 40 + 0.25 * 100 / 400, "c": 0.75 * 20 / 40 + 0.0,
            "d": 0.75 * 40 / 40 + 0.25 * 400 / 400}
    for _, row in peers.iterrows():
        assert row["distance"] == pytest.approx(hand[row["institution"]])
        assert row["similarity"] == pytest.approx(1 - hand[row["institution"]])
    assert peers["institution"].tolist() == ["b", "c", "d"]


def test_peer_table_audit_columns(cross):
    peers = nearest_peers(cross, "U04", FEATURES, k=4, match="sector")
    focus = cross.set_index("institution").loc["U04"]
    assert (peers["sector"] == focus["sector"]).all()
    assert (peers["focus"] == "U04").all()
    assert "U04" not in peers["institution"].tolist()
    assert peers["rank"].tolist() == [1, 2, 3, 4]
    sd = cross[FEATURES].std()
    for f in FEATURES:
        np.testing.assert_allclose(peers[f"diff_{f}"], peers[f] - focus[f])
        np.testing.assert_allclose(peers[f"zdiff_{f}"], (peers[f] - focus[f]) / sd[f])
    assert peers["similarity"].between(0, 1).all()


def test_nearest_peers_panel_period_and_ties(panel):
    peers = nearest_peers(panel, "U03", FEATURES, k=3, at=2020)
    assert (peers["year"] == 2020).all()
    df = pd.DataFrame({"institution": ["f", "z", "b", "m"], "x": [0.0, 1.0, 1.0, -1.0]})
    tied = nearest_peers(df, "f", ["x"], k=3, metric="euclidean")
    assert tied["institution"].tolist() == ["b", "m", "z"]  # equal distances: by name
    assert tied["distance"].nunique() == 1


@settings(max_examples=12, deadline=None)
@given(st.integers(0, 10_000))
def test_nearest_peers_row_order_independent(seed):
    df = make_panel(n=20, years=(2021,), seed=seed % 40, ties=False)
    shuffled = df.sample(frac=1, random_state=seed)
    for options in ({}, {"covariance": "robust", "random_state": 1}, {"metric": "cro"}):
        a = nearest_peers(df, "U02", FEATURES, k=5, **options)
        b = nearest_peers(shuffled, "U02", FEATURES, k=5, **options)
        pd.testing.assert_frame_equal(a, b)


def test_nearest_peers_missing_features(cross):
    df = cross.copy()
    df.loc[df["institution"] == "U09", "income"] = np.nan
    with pytest.raises(MissingValueError, match="'income' in 1 row.*U09.*missing='drop'"):
        nearest_peers(df, "U01", FEATURES, k=3)
    with pytest.warns(UserWarning, match="1 institution.*left out of the pool.*U09"):
        peers = nearest_peers(df, "U01", FEATURES, k=28, missing="drop")
    assert "U09" not in peers["institution"].tolist()
    with pytest.raises(MissingValueError, match="'U09' has no value for feature.*'income'"):
        nearest_peers(df, "U09", FEATURES, k=3)


def test_nearest_peers_bad_input(panel, cross):
    with pytest.raises(UnknownEntityError, match="'U5' does not occur.*Did you mean"):
        nearest_peers(cross, "U5", FEATURES)
    gone = panel[~((panel["institution"] == "U03") & (panel["year"] == 2021))]
    with pytest.raises(UnknownEntityError, match="'U03' has no row in year 2021; it is observed in 2020"):
        nearest_peers(gone, "U03", FEATURES, at=2021)
    with pytest.raises(BenchmarkError, match="holds 2 years.*pass at="):
        nearest_peers(panel, "U03", FEATURES)
    with pytest.raises(ColumnError, match="'const'.*one value for every entity"):
        nearest_peers(cross.assign(const=1.0), "U03", [*FEATURES, "const"])
    with pytest.raises(BenchmarkError, match="singular.*collinear.*covariance='robust'.*shrinkage"):
        nearest_peers(cross.assign(twice=2 * cross["rate"] + 1), "U03", [*FEATURES, "twice"])
    small = cross.head(3)
    with pytest.raises(BenchmarkError, match="singular.*only 3 entities for 3 features"):
        nearest_peers(small, "U00", FEATURES, k=1)
    with pytest.raises(ColumnError, match="'sector'.*must be numeric"):
        nearest_peers(cross, "U03", ["rate", "sector"])
    with pytest.raises(BenchmarkError, match="k=40 is larger than the pool of 29"):
        nearest_peers(cross, "U03", FEATURES, k=40)
    with pytest.raises(BenchmarkError, match="k=20 is larger than the pool of 14.*sector.*relax `match`"):
        nearest_peers(cross, "U03", FEATURES, k=20, match="sector")
    with pytest.raises(BenchmarkError, match="`weights` has no effect on the Mahalanobis"):
        nearest_peers(cross, "U03", FEATURES, weights={"rate": 2})
    with pytest.raises(BenchmarkError, match="`weights` names 'sat'"):
        nearest_peers(cross, "U03", FEATURES, metric="cro", weights={"sat": 2})
    with pytest.raises(BenchmarkError, match="`k` must be an integer >= 1"):
        nearest_peers(cross, "U03", FEATURES, k=0)
    with pytest.raises(BenchmarkError, match="`metric` must be one of"):
        nearest_peers(cross, "U03", FEATURES, metric="cosine")


def test_nearest_peers_does_not_modify_input(cross):
    before = copy.deepcopy(cross)
    nearest_peers(cross, "U03", FEATURES, k=4, metric="cro", match=["sector"])
    pd.testing.assert_frame_equal(cross, before)


# ---------------------------------------------------------------- peer_gap
def test_peer_gap_numbers_by_hand(cross):
    out = peer_gap(cross, "U06", ["rate", "ratio"], cohort="tier", direction={"ratio": "lower"})
    tier = cross.loc[cross["institution"] == "U06", "tier"].iloc[0]
    peers = cross[(cross["tier"] == tier) & (cross["institution"] != "U06")]
    for ind, sign in (("rate", 1), ("ratio", -1)):
        row = out[out["indicator"] == ind].iloc[0]
        x = peers[ind].to_numpy()
        v = cross.loc[cross["institution"] == "U06", ind].iloc[0]
        med = np.median(x)
        q1, q3 = np.percentile(x, [25, 75])
        best = x.max() if sign > 0 else x.min()
        upper = q3 if sign > 0 else q1
        assert row["n_cohort"] == len(x) == 9
        assert row["value"] == v
        assert row["cohort_median"] == pytest.approx(med)
        assert (row["cohort_q1"], row["cohort_q3"]) == pytest.approx((q1, q3))
        assert row["cohort_best"] == best
        assert set(row["best_entity"].split(", ")) == set(peers.loc[peers[ind] == best, "institution"])
        assert row["gap_median"] == pytest.approx(sign * (v - med))
        assert row["gap_median_pct"] == pytest.approx(100 * sign * (v - med) / abs(med))
        assert row["gap_upper_quartile"] == pytest.approx(sign * (v - upper))
        assert row["gap_best"] == pytest.approx(sign * (v - best))
        assert row["gap_best"] <= 0 or row["percentile_rank"] == 100
        assert row["percentile_rank"] == pytest.approx(stats.percentileofscore(sign * x, sign * v, kind="weak"))
        mad = stats.median_abs_deviation(x, scale="normal")
        assert row["robust_z"] == pytest.approx(sign * (v - med) / mad)


def test_peer_gap_cohort_forms_agree(cross):
    tier = cross.loc[cross["institution"] == "U06", "tier"].iloc[0]
    names = cross.loc[cross["tier"] == tier, "institution"].tolist()
    by_column = peer_gap(cross, "U06", "rate", cohort="tier")
    by_mapping = peer_gap(cross, "U06", "rate", cohort={"tier": tier})
    by_list = peer_gap(cross, "U06", "rate", cohort=names)
    by_table = peer_gap(cross, "U06", "rate", cohort=pd.DataFrame({"institution": names}))
    cols = ["n_cohort", "cohort_median", "gap_median", "percentile_rank", "robust_z"]
    for other in (by_mapping, by_list, by_table):
        pd.testing.assert_frame_equal(by_column[cols], other[cols])
    assert by_column["cohort"].iloc[0] == "same tier"
    assert by_mapping["cohort"].iloc[0] == f"tier = {tier}"


def test_peer_gap_with_nearest_peers_cohort(cross):
    peers = nearest_peers(cross, "U06", FEATURES, k=8)
    out = peer_gap(cross, "U06", "income", cohort=peers)
    assert out["n_cohort"].iloc[0] == 8
    x = cross.set_index("institution").loc[peers["institution"], "income"]
    assert out["cohort_median"].iloc[0] == pytest.approx(np.median(x))


def test_peer_gap_panel_every_period_and_missing(panel):
    df = panel.copy()
    df.loc[(df["institution"] == "U10") & (df["year"] == 2020), "rate"] = np.nan
    df.loc[(df["institution"] == "U11") & (df["year"] == 2021), "rate"] = np.nan
    out = peer_gap(df, "U10", ["rate", "ratio"])
    assert out[["year", "indicator"]].values.tolist() == [[2020, "rate"], [2020, "ratio"],
                                                          [2021, "rate"], [2021, "ratio"]]
    r2020 = out[(out["year"] == 2020) & (out["indicator"] == "rate")].iloc[0]
    assert r2020["reason"] == "focus value missing" and np.isnan(r2020["gap_median"])
    r2021 = out[(out["year"] == 2021) & (out["indicator"] == "rate")].iloc[0]
    assert r2021["n_cohort"] == 28 and r2021["n_missing"] == 1


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 10_000), st.sampled_from(["rate", "ratio", "income"]))
def test_peer_gap_sign_flips_with_direction(seed, ind):
    df = make_panel(n=15, years=(2021,), seed=seed % 40)
    high = peer_gap(df, "U01", ind, direction="higher")
    low = peer_gap(df, "U01", ind, direction="lower")
    for col in ["gap_median", "robust_z", "gap_median_pct"]:
        np.testing.assert_allclose(high[col], -low[col])
    strict_low = peer_gap(df, "U01", ind, direction="lower", kind="strict")
    assert high["percentile_rank"].iloc[0] + strict_low["percentile_rank"].iloc[0] == pytest.approx(100.0)


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10_000))
def test_peer_gap_row_order_independent(seed):
    df = make_panel(n=15, seed=seed % 40)
    a = peer_gap(df, "U02", ["rate", "income"], cohort="sector", ci=0.9, n_boot=200, random_state=5)
    b = peer_gap(df.sample(frac=1, random_state=seed), "U02", ["rate", "income"], cohort="sector",
                 ci=0.9, n_boot=200, random_state=5)
    pd.testing.assert_frame_equal(a, b)


def test_peer_gap_bootstrap_coverage():
    """The percentile-bootstrap interval of the gap to the median covers the true gap ~95% of the time."""
    rng = np.random.default_rng(2024)
    n_sim, n_peers, focus_value = 300, 40, 55.0
    true_gap = focus_value - 50.0  # peers ~ N(50, 8): population median 50
    hits = 0
    widths = []
    for sim in range(n_sim):
        peers = rng.normal(50, 8, n_peers)
        df = pd.DataFrame({"institution": ["focus", *[f"p{i}" for i in range(n_peers)]],
                           "score": [focus_value, *peers]})
        row = peer_gap(df, "focus", "score", ci=0.95, n_boot=500, random_state=sim).iloc[0]
        hits += row["ci_low"] <= true_gap <= row["ci_high"]
        widths.append(row["ci_high"] - row["ci_low"])
    coverage = hits / n_sim
    assert 0.91 <= coverage <= 0.99, coverage
    # interval width close to the normal-theory width of a sample median: 2 * 1.96 * 1.2533 * 8 / sqrt(n)
    assert np.mean(widths) == pytest.approx(2 * 1.96 * 1.2533 * 8 / np.sqrt(n_peers), rel=0.2)


def test_peer_gap_bootstrap_seeded_and_significance():
    df = pd.DataFrame({"institution": ["f", *[f"p{i}" for i in range(30)]],
                       "score": [90.0, *np.linspace(40, 60, 30)]})
    a = peer_gap(df, "f", "score", ci=0.95, random_state=1)
    b = peer_gap(df, "f", "score", ci=0.95, random_state=1)
    pd.testing.assert_frame_equal(a, b)
    assert bool(a["significant"].iloc[0]) and a["ci_low"].iloc[0] > 0
    middle = peer_gap(df.assign(score=lambda d: d["score"].where(d["institution"] != "f", 50.0)),
                      "f", "score", ci=0.95, random_state=1)
    assert not bool(middle["significant"].iloc[0])


def test_peer_gap_undefined_values_have_reasons():
    df = pd.DataFrame({"institution": list("fabcd"), "x": [3.0, 0.0, 0.0, 0.0, 5.0],
                       "y": [1, 2, 3, np.nan, np.nan]})
    out = peer_gap(df, "f", ["x", "y"])
    x = out[out["indicator"] == "x"].iloc[0]
    assert np.isnan(x["robust_z"]) and "MAD is 0" in x["reason"]
    assert np.isnan(x["gap_median_pct"]) and "gap_median_pct undefined" in x["reason"]
    y = out[out["indicator"] == "y"].iloc[0]
    assert y["n_cohort"] == 2 and y["n_missing"] == 2


def test_peer_gap_bad_input(panel, cross):
    with pytest.raises(UnknownEntityError, match="'U100' does not occur.*Did you mean"):
        peer_gap(cross, "U100", "rate")
    gone = panel[~((panel["institution"] == "U03") & (panel["year"] == 2021))]
    with pytest.raises(UnknownEntityError, match="'U03' has no row in year 2021"):
        peer_gap(gone, "U03", "rate", at=2021)
    lonely = cross.assign(tier=np.where(cross["institution"].isin(["U00", "U01"]), "Z", cross["tier"]))
    with pytest.raises(EmptyDataError, match="cohort of 'U00' \\(same tier\\) has 1 member.*year 2021"):
        peer_gap(lonely, "U00", "rate", cohort="tier")
    with pytest.raises(EmptyDataError, match="has 0 member"):
        peer_gap(cross, "U00", "rate", cohort={"tier": "nobody"})
    with pytest.raises(UnknownEntityError, match="cohort lists institution 'X9'"):
        peer_gap(cross, "U00", "rate", cohort=["U01", "X9"])
    with pytest.raises(BenchmarkError, match="`ci` must be between 0 and 1"):
        peer_gap(cross, "U00", "rate", ci=95)
    with pytest.raises(BenchmarkError, match="`n_boot` must be an integer >= 100"):
        peer_gap(cross, "U00", "rate", ci=0.9, n_boot=10)
    with pytest.raises(ColumnError, match="'sector'.*must be numeric"):
        peer_gap(cross, "U00", "sector")


def test_peer_gap_does_not_modify_input(panel):
    before = copy.deepcopy(panel)
    peer_gap(panel, "U00", ["rate", "ratio"], cohort="tier", ci=0.9, random_state=0)
    pd.testing.assert_frame_equal(panel, before)


# ---------------------------------------------------------------- performance_groups
def test_performance_groups_percent_rule_by_hand():
    df = pd.DataFrame({"institution": list("abcdefg"),
                       "x": [100.0, 126.0, 125.0, 111.0, 90.0, 75.0, 60.0]})
    out = performance_groups(df, "x", direction="higher").set_index("institution")
    # median 100: distances 0, 26, 25, 11, -10, -25, -40
    np.testing.assert_allclose(out["distance"], [0, 26, 25, 11, -10, -25, -40])
    assert "".join(out["group"].astype(str)) == "CABBCDE"
    low = performance_groups(df, "x", direction="lower").set_index("institution")
    assert "".join(low["group"].astype(str)) == "CEDDCBA"


def test_performance_groups_robust_z_and_cohorts(panel):
    out = performance_groups(panel, "income", by="tier", rule="robust_z", cuts=(1, 0.3, -0.3, -1))
    for (tier, year), part in panel.groupby(["tier", "year"]):
        x = part["income"].to_numpy()
        z = (x - np.median(x)) / stats.median_abs_deviation(x, scale="normal")
        got = out[(out["tier"] == tier) & (out["year"] == year)]
        np.testing.assert_allclose(got["distance"], z)
        expected = np.select([z > 1, z > 0.3, z >= -0.3, z >= -1], ["A", "B", "C", "D"], "E")
        assert got["group"].astype(str).tolist() == expected.tolist()


def test_performance_groups_small_cohorts_and_reasons():
    df = pd.DataFrame({"institution": list("abcdefgh"), "g": list("xxxxxyyy"),
                       "v": [1.0, 2.0, 3.0, np.nan, 5.0, 1.0, 2.0, 3.0],
                       "z": [0.0, 0.0, 0.0, 1.0, -1.0, 0.0, 1.0, 2.0]})
    out = performance_groups(df, ["v", "z"], by="g", min_size=3)
    v = out[out["indicator"] == "v"].set_index("institution")
    assert v.loc["d", "reason"] == "value missing" and pd.isna(v.loc["d", "group"])
    assert v.loc["f", "group"] == "E"  # cohort y has 3 values: graded
    strict = performance_groups(df, "v", by="g", min_size=4).set_index("institution")
    assert strict.loc["f", "reason"].startswith("cohort has fewer than 4 values")
    assert pd.isna(strict.loc["f", "group"])
    z = out[out["indicator"] == "z"].set_index("institution")
    assert "cohort median is 0" in z.loc["a", "reason"]
    assert len(out) == 2 * len(df)


def test_performance_groups_bad_input(panel):
    with pytest.raises(BenchmarkError, match="four strictly decreasing"):
        performance_groups(panel, "rate", cuts=(1, 2, 3, 4))
    with pytest.raises(BenchmarkError, match="`rule` must be one of"):
        performance_groups(panel, "rate", rule="zscore")
    with pytest.raises(BenchmarkError, match="`min_size` must be an integer"):
        performance_groups(panel, "rate", min_size=0)
    with pytest.raises(ColumnError, match="'tier'.*must be numeric"):
        performance_groups(panel, "tier")
    before = copy.deepcopy(panel)
    performance_groups(panel, ["rate", "ratio"], by="tier")
    pd.testing.assert_frame_equal(panel, before)


def test_no_warnings_on_clean_input(panel):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        percentile_rank(panel, ["rate", "ratio"], by="tier")
        cohort_stats(panel, ["rate"], by="tier")
        peer_gap(panel, "U01", "rate", cohort="tier", ci=0.9, random_state=0)
        performance_groups(panel, "rate", by="tier")
        nearest_peers(panel, "U01", FEATURES, at=2020, k=3, covariance="robust", random_state=0)
