"""Ordered tiers and tier transitions, checked against scikit-learn, brute force and hand-built examples."""

import copy
import dataclasses
import itertools

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.cluster import KMeans
from sklearn.metrics import adjusted_rand_score, silhouette_score

from benchmark import (
    BenchmarkError,
    DuplicateRowError,
    MissingValueError,
    UnknownEntityError,
)
from benchmark.tiering import (
    TierResult,
    TierTransitions,
    _best_jaccard,
    _jenks_labels,
    _spherical_bic,
    tier_transitions,
    tiers,
)


# ---------------------------------------------------------------- helpers
def blobs(centres, n_per, *, spread=1.0, seed=0):
    """Entities in well-separated groups; returns the frame and the true group (0 = best)."""
    rng = np.random.default_rng(seed)
    centres = np.asarray(centres, dtype=float)
    x = np.vstack([c + spread * rng.normal(size=(n_per, centres.shape[1])) for c in centres])
    cols = [f"f{j}" for j in range(centres.shape[1])]
    df = pd.DataFrame(x, columns=cols)
    df.insert(0, "institution", [f"u{i:03d}" for i in range(len(df))])
    # groups listed best (largest centre mean) first
    rank = np.argsort(np.argsort(-centres.mean(axis=1)))
    truth = np.repeat(rank, n_per)
    return df, cols, truth


def is_same_partition(a, b):
    """True when two labelings define the same partition (a bijection between labels)."""
    pairs = set(zip(np.asarray(a).tolist(), np.asarray(b).tolist(), strict=True))
    return len(pairs) == len(set(a)) == len(set(b))


SEPARATED = [[0, 0, 0], [10, 10, 10], [20, 20, 20]]


@pytest.fixture(scope="module")
def separated():
    return blobs(SEPARATED, 20, seed=1)


# ---------------------------------------------------------------- k-means against scikit-learn
def test_kmeans_partition_matches_sklearn():
    # overlapping groups, so the partition is not trivial
    df, cols, _ = blobs([[0, 0], [3, 1], [1, 4]], 25, spread=1.0, seed=3)
    res = tiers(df, cols, k=3, n_boot=0, random_state=0)
    x = df[cols].to_numpy()
    z = (x - x.mean(axis=0)) / x.std(axis=0)
    km = KMeans(n_clusters=3, n_init=50, random_state=123).fit(z)
    assert is_same_partition(res.assignments["tier"], km.labels_)
    # centres in original units = sklearn centres mapped back through the z-score
    centres = km.cluster_centers_ * x.std(axis=0) + x.mean(axis=0)
    mapping = dict(zip(res.assignments["tier"], km.labels_, strict=True))
    got = res.centres.set_index("tier")[cols]
    for t, lab in mapping.items():
        np.testing.assert_allclose(got.loc[t].to_numpy(), centres[lab], rtol=1e-10, atol=1e-10)
    assert res.centres["size"].tolist() == [int((res.assignments["tier"] == t).sum()) for t in (1, 2, 3)]


def test_direction_flips_order_not_partition():
    df, cols, _ = blobs([[0, 0], [3, 1], [1, 4]], 25, seed=3)
    up = tiers(df, cols, k=3, n_boot=0, random_state=0)
    down = tiers(df, cols, k=3, n_boot=0, random_state=0, direction="lower")
    assert is_same_partition(up.assignments["tier"], down.assignments["tier"])
    # mean score of each tier is the negative, so the order is reversed
    assert (up.assignments["tier"] + down.assignments["tier"] == 4).all()


# ---------------------------------------------------------------- Fisher-Jenks against brute force
def brute_force_ss(x, k):
    """Least within-class SS over every split of the sorted values into k contiguous classes."""
    xs = np.sort(x)
    n = len(xs)
    best = np.inf
    for cuts in itertools.combinations(range(1, n), k - 1):
        bounds = (0, *cuts, n)
        ss = sum(((xs[a:b] - xs[a:b].mean()) ** 2).sum() for a, b in itertools.pairwise(bounds))
        best = min(best, ss)
    return best


def within_ss(x, labels):
    return sum(((x[labels == g] - x[labels == g].mean()) ** 2).sum() for g in np.unique(labels))


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(-20, 20), min_size=5, max_size=10), st.integers(2, 4))
def test_jenks_matches_brute_force(values, k):
    x = np.array(values, dtype=float)
    if len(np.unique(x)) < k:
        return
    labels = _jenks_labels(x, k)
    # duplicates stay together, so the brute force over distinct sorted positions is the optimum
    np.testing.assert_allclose(within_ss(x, labels), brute_force_ss(x, k), atol=1e-9)
    assert len(np.unique(labels)) == k
    # classes are contiguous and ascending
    order = np.argsort(x, kind="stable")
    assert (np.diff(labels[order]) >= 0).all()


def textbook_fisher_ss(x, k):
    """Fisher's recursion with every split scanned (O(k n^2)), as a second method."""
    xs = np.sort(x)
    n = len(xs)
    s1 = np.concatenate([[0.0], np.cumsum(xs)])
    s2 = np.concatenate([[0.0], np.cumsum(xs**2)])

    def ss(i, j):
        return s2[j] - s2[i] - (s1[j] - s1[i]) ** 2 / (j - i)

    d = np.full((k + 1, n + 1), np.inf)
    d[0, 0] = 0.0
    for c in range(1, k + 1):
        for j in range(c, n + 1):
            d[c, j] = min(d[c - 1, i] + ss(i, j) for i in range(c - 1, j))
    return d[k, n]


@pytest.mark.parametrize(("n", "k", "seed"), [(60, 3, 0), (150, 5, 1), (200, 7, 2), (80, 4, 3)])
def test_jenks_matches_textbook_recursion(n, k, seed):
    rng = np.random.default_rng(seed)
    x = np.round(rng.gamma(1.5, size=n) * 10, 1)  # skewed, with ties
    np.testing.assert_allclose(within_ss(x, _jenks_labels(x, k)), textbook_fisher_ss(x, k), rtol=1e-9)


def test_jenks_on_known_example():
    # three obvious groups: breaks must fall in the two gaps
    x = np.array([1.0, 1.2, 0.8, 5.0, 5.3, 4.9, 9.0, 9.1, 8.7, 9.4])
    labels = _jenks_labels(x, 3)
    assert labels.tolist() == [0, 0, 0, 1, 1, 1, 2, 2, 2, 2]


def test_jenks_random_larger_data_matches_brute_force():
    rng = np.random.default_rng(7)
    for _ in range(5):
        x = rng.gamma(2.0, size=12)
        np.testing.assert_allclose(within_ss(x, _jenks_labels(x, 4)), brute_force_ss(x, 4), rtol=1e-10)


# ---------------------------------------------------------------- tier order respects the score
@settings(max_examples=25, deadline=None)
@given(st.lists(st.floats(-100, 100, allow_nan=False), min_size=8, max_size=30, unique=True),
       st.integers(2, 4), st.sampled_from(["kmeans", "jenks"]))
def test_one_feature_tiers_are_ordered_intervals(values, k, method):
    df = pd.DataFrame({"institution": range(len(values)), "score": values})
    if df["score"].std() < 1e-6:
        return
    res = tiers(df, "score", k=k, method=method, n_boot=0, random_state=0)
    a = res.assignments
    lo = a.groupby("tier")["score"].min()
    hi = a.groupby("tier")["score"].max()
    # every entity in tier t scores above every entity in tier t + 1
    assert (lo.to_numpy()[:-1] > hi.to_numpy()[1:]).all()


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10_000), st.sampled_from(["kmeans", "ward", "gmm"]))
def test_tier_mean_scores_decrease(seed, method):
    rng = np.random.default_rng(seed)
    df = pd.DataFrame(rng.normal(size=(30, 3)), columns=["a", "b", "c"])
    df.insert(0, "institution", range(30))
    res = tiers(df, ["a", "b", "c"], k=3, method=method, n_boot=0, random_state=seed)
    z = (df[["a", "b", "c"]] - df[["a", "b", "c"]].mean()) / df[["a", "b", "c"]].std(ddof=0)
    score = z.mean(axis=1)
    np.testing.assert_allclose(res.assignments["score"], score, atol=1e-12)
    means = score.groupby(res.assignments["tier"].to_numpy()).mean()
    assert means.index.tolist() == [1, 2, 3]
    assert means.is_monotonic_decreasing
    assert res.stability["score_mean"].is_monotonic_decreasing


# ---------------------------------------------------------------- recovery and stability
@pytest.mark.parametrize("method", ["kmeans", "ward", "gmm"])
def test_separated_groups_recovered_and_stable(separated, method):
    df, cols, truth = separated
    res = tiers(df, cols, k=3, method=method, labels=["A", "B", "C"], n_boot=25, random_state=4)
    official = pd.Series(np.array(["A", "B", "C"])[truth], index=df["institution"])
    cmp = res.compare(official)
    assert cmp.ari == pytest.approx(1.0)
    assert adjusted_rand_score(truth, res.assignments["tier"]) == pytest.approx(1.0)
    assert (res.stability["jaccard"] >= 0.75).all()
    assert (res.stability["reading"] == "stable").all()
    assert (res.assignments["probability"] > 0.95).all()
    assert cmp.above == [] and cmp.below == []


def test_noise_is_unstable():
    rng = np.random.default_rng(11)
    df = pd.DataFrame(rng.normal(size=(60, 5)), columns=list("abcde"))
    df.insert(0, "institution", range(60))
    noise = tiers(df, list("abcde"), k=3, n_boot=40, random_state=2)
    sep_df, cols, _ = blobs(SEPARATED, 20, seed=1)
    sep = tiers(sep_df, cols, k=3, n_boot=40, random_state=2)
    assert noise.stability["jaccard"].mean() < 0.6
    assert (noise.stability["jaccard"] < 0.75).all()
    assert "stable" not in set(noise.stability["reading"])
    assert noise.stability["jaccard"].max() < sep.stability["jaccard"].min() - 0.2
    assert noise.assignments["probability"].mean() < sep.assignments["probability"].mean() - 0.2


def test_best_jaccard_by_hand():
    # original clusters {0,1,2}, {3,4}, {5}; new clusters {0,1}, {2,3,4}, {5}
    old = np.array([0, 0, 0, 1, 1, 2])
    new = np.array([0, 0, 1, 1, 1, 2])
    # cluster 0: J({0,1,2},{0,1}) = 2/3; J({0,1,2},{2,3,4}) = 1/5 -> 2/3
    # cluster 1: J({3,4},{2,3,4}) = 2/3
    # cluster 2: J({5},{5}) = 1
    np.testing.assert_allclose(_best_jaccard(old, new, 3), [2 / 3, 2 / 3, 1.0])
    # a cluster absent from the resample gives NaN, not 0
    got = _best_jaccard(np.array([0, 0, 1]), np.array([0, 0, 1]), 3)
    assert np.isnan(got[2]) and got[0] == 1.0


def test_assignment_probabilities_sum_to_one(separated):
    df, cols, _ = separated
    res = tiers(df, cols, k=3, labels=["A", "B", "C"], n_boot=10, random_state=0)
    p = res.assignments[["p_A", "p_B", "p_C"]].sum(axis=1)
    np.testing.assert_allclose(p, 1.0)
    assert (res.assignments["n_resampled"] > 0).all()
    assert res.assignments["reason"].isna().all()


def test_no_bootstrap_gives_reasons(separated):
    df, cols, _ = separated
    res = tiers(df, cols, k=3, n_boot=0, random_state=0)
    assert res.stability["jaccard"].isna().all()
    assert (res.stability["reason"] == "not computed (n_boot=0)").all()
    assert res.assignments["probability"].isna().all()
    assert res.assignments["reason"].notna().all()


# ---------------------------------------------------------------- choice of k
def test_auto_picks_true_k():
    df, cols, truth = blobs([[0, 0], [12, 0], [0, 12], [12, 12]], 15, seed=5)
    res = tiers(df, cols, k="auto", max_k=6, n_ref=10, n_boot=0, random_state=0)
    sel = res.k_selection
    assert res.k == 4
    for crit in ("silhouette", "bic"):
        assert sel.loc[sel[f"best_{crit}"], "k"].tolist() == [4], crit
    # the gap jumps at the true k (its first-SE rule may stop at k = 1 on symmetric layouts)
    gap = sel.set_index("k")["gap"]
    assert gap[4] - gap[3] > 1.0 and gap.idxmax() == 4
    assert adjusted_rand_score(truth, res.assignments["tier"]) == pytest.approx(1.0)
    # within-cluster SS equals k-means inertia, silhouette equals sklearn's
    x = df[cols].to_numpy()
    z = (x - x.mean(axis=0)) / x.std(axis=0)
    km = KMeans(4, n_init=20, random_state=0).fit(z)
    row = sel.set_index("k").loc[4]
    assert row["within_ss"] == pytest.approx(km.inertia_, rel=1e-9)
    assert row["silhouette"] == pytest.approx(silhouette_score(z, km.labels_), rel=1e-9)
    assert sel.set_index("k").loc[1, "within_ss"] == pytest.approx((z**2).sum(), rel=1e-12)
    assert sel.loc[sel["k"] == 1, "reason"].notna().all()


@pytest.mark.parametrize("criterion", ["gap", "bic"])
def test_auto_other_criteria_decide(criterion):
    df, cols, _ = blobs([[0, 0], [10, 0], [22, 4], [30, -8]], 15, seed=5)
    res = tiers(df, cols, k="auto", criterion=criterion, max_k=6, n_ref=10, n_boot=0, random_state=0)
    sel = res.k_selection
    assert res.k == 4
    assert sel.loc[sel["chosen"], "k"].item() == 4
    assert sel.loc[sel[f"best_{criterion}"], "k"].item() == 4


def test_auto_gmm_uses_mixture_bic():
    from sklearn.mixture import GaussianMixture

    df, cols, _ = blobs([[0, 0], [12, 0], [0, 12]], 15, seed=6)
    res = tiers(df, cols, k="auto", method="gmm", criterion="bic", max_k=4, n_ref=5, n_boot=0, random_state=1)
    assert res.k == 3
    x = df[cols].to_numpy()
    z = (x - x.mean(axis=0)) / x.std(axis=0)
    bic3 = GaussianMixture(3, n_init=5, random_state=0).fit(z).bic(z)
    assert res.k_selection.set_index("k").loc[3, "bic"] == pytest.approx(bic3, rel=1e-3)


def test_gap_sees_no_structure_in_noise():
    rng = np.random.default_rng(0)
    df = pd.DataFrame(rng.normal(size=(60, 5)), columns=list("abcde"))
    df.insert(0, "institution", range(60))
    res = tiers(df, list("abcde"), k="auto", max_k=4, n_ref=10, n_boot=0, random_state=0)
    sel = res.k_selection
    assert sel.loc[sel["best_gap"], "k"].tolist() == [1]
    assert res.k >= 2  # the decision itself is restricted to k >= 2


def test_spherical_bic_by_hand():
    # 1-D, two clusters {0, 2} and {10}: n = 3, d = 1, within SS = 2, variance = 2/3
    z = np.array([[0.0], [2.0], [10.0]])
    labels = np.array([0, 0, 1])
    var = 2 / 3
    loglik = 2 * np.log(2 / 3) + np.log(1 / 3) - 3 / 2 * (np.log(2 * np.pi * var) + 1)
    n_par = 2 * 1 + 1 + 1
    assert _spherical_bic(z, labels) == pytest.approx(-2 * loglik + n_par * np.log(3), rel=1e-12)


def test_auto_labels_take_first_k():
    df, cols, _ = blobs([[0, 0], [12, 0], [0, 12]], 12, seed=2)
    res = tiers(df, cols, k="auto", max_k=4, n_ref=5, n_boot=0, labels=list("ABCD"), random_state=0)
    assert res.tier_labels == ("A", "B", "C")


# ---------------------------------------------------------------- compare with official tiers
def test_compare_by_hand():
    # twelve entities on one score, official tiers with two deliberate misplacements
    scores = [9.0, 9.2, 8.9, 9.1, 5.0, 5.2, 4.9, 5.1, 1.0, 1.1, 0.9, 1.2]
    names = list("abcdefghijkl")
    df = pd.DataFrame({"institution": names, "score": scores})
    res = tiers(df, "score", k=3, method="jenks", labels=["A", "B", "C"], n_boot=0)
    official = pd.DataFrame({"institution": names, "tier": list("AAAABBBBCCCC")})
    official.loc[3, "tier"] = "B"  # d: data A, official B -> placed higher
    official.loc[11, "tier"] = "B"  # l: data C, official B -> placed lower
    cmp = res.compare(official)
    assert cmp.above == ["d"]
    assert cmp.below == ["l"]
    expected = pd.crosstab(official["tier"], res.assignments["label"])
    np.testing.assert_array_equal(cmp.confusion.to_numpy(), expected.to_numpy())
    assert cmp.confusion.to_numpy().tolist() == [[3, 0, 0], [1, 4, 1], [0, 0, 3]]
    truth_rank = official["tier"].map({"A": 1, "B": 2, "C": 3})
    assert cmp.ari == pytest.approx(adjusted_rand_score(truth_rank, res.assignments["tier"]))
    assert cmp.agreement == pytest.approx(10 / 12)
    assert cmp.summary().set_index("statistic").loc[["higher", "same", "lower"], "value"].tolist() == [1, 10, 1]
    # a mapping and an explicit order give the same answer
    numeric = {n: {"A": 1, "B": 2, "C": 3}[t] for n, t in zip(names, official["tier"], strict=True)}
    again = res.compare(numeric, order=[1, 2, 3])
    assert again.above == ["d"] and again.below == ["l"]


def test_compare_accepts_panel_rows_that_agree():
    df = pd.DataFrame({"institution": list("abcdefghijkl"), "score": np.arange(12.0)})
    res = tiers(df, "score", k=3, method="jenks", labels=["A", "B", "C"], n_boot=0)
    panel = pd.concat([df.assign(year=y, tier=np.repeat(["C", "B", "A"], 4)) for y in (2020, 2021)])
    assert res.compare(panel).ari == pytest.approx(1.0)


# ---------------------------------------------------------------- order by the composite
def test_order_by_composite():
    from benchmark.indices import composite

    df, cols, _ = blobs([[0, 5], [5, 0], [10, 10]], 12, spread=0.5, seed=8)
    res = tiers(df, cols, k=3, order_by="composite", n_boot=0, random_state=0)
    comp = composite(df, cols).set_index("institution")["score"]
    means = comp.reindex(res.assignments["institution"]).groupby(res.assignments["tier"].to_numpy()).mean()
    assert means.is_monotonic_decreasing
    np.testing.assert_allclose(res.assignments["score"], comp.reindex(res.assignments["institution"]))


# ---------------------------------------------------------------- results and purity
def test_inputs_not_modified_and_exports(separated, tmp_path):
    df, cols, _ = separated
    before = copy.deepcopy(df)
    res = tiers(df, cols, k=3, n_boot=5, random_state=0, direction={"f0": "lower"})
    pd.testing.assert_frame_equal(df, before)
    assert isinstance(res, TierResult)
    assert set(res.to_frames()) == {"assignments", "centres", "stability"}
    assert len(res.to_csv(tmp_path)) == 3
    assert "TierResult" in repr(res) and "<strong>" in res._repr_html_()
    with pytest.raises(dataclasses.FrozenInstanceError):
        res.k = 4  # frozen


def test_seeded_runs_are_reproducible(separated):
    df, cols, _ = separated
    a = tiers(df, cols, k=3, method="gmm", n_boot=5, random_state=9)
    b = tiers(df, cols, k=3, method="gmm", n_boot=5, random_state=9)
    pd.testing.assert_frame_equal(a.stability, b.stability)
    pd.testing.assert_frame_equal(a.assignments, b.assignments)


# ---------------------------------------------------------------- bad input: tiers
@pytest.fixture
def small():
    return pd.DataFrame({"institution": list("abcdefghij"), "x": np.arange(10.0), "y": np.arange(10.0) ** 2})


@pytest.mark.parametrize(
    ("kwargs", "exc", "match"),
    [
        ({"k": 10}, BenchmarkError, r"k=10 tiers need more than 10 entities.*10 institution"),
        ({"k": 1}, BenchmarkError, r"`k` must be at least 2"),
        ({"k": "five"}, BenchmarkError, r"`k` must be an integer >= 2 or 'auto'"),
        ({"k": 4, "n_boot": 10}, BenchmarkError, r"too few entities for stability analysis: 10 institution.*n_boot=0"),
        ({"method": "dbscan"}, BenchmarkError, r"`method` must be one of.*'dbscan'"),
        ({"labels": ["A", "B"]}, BenchmarkError, r"`labels` has 2 names.*exactly 3"),
        ({"labels": ["A", "A", "B"]}, BenchmarkError, r"`labels` must be distinct"),
        ({"method": "jenks"}, BenchmarkError, r"jenks.*2 features.*'x', 'y'"),
        ({"n_boot": -1}, BenchmarkError, r"`n_boot` must be an integer in \[0, inf\]; got -1"),
        ({"order_by": "rank"}, BenchmarkError, r"`order_by` must be one of"),
        ({"direction": {"z": "lower"}}, BenchmarkError, r"'z'"),
        ({"k": "auto", "labels": ["A", "B"]}, BenchmarkError, r"at least 6"),
    ],
)
def test_bad_tier_arguments(small, kwargs, exc, match):
    options = {"n_boot": 0} | kwargs
    with pytest.raises(exc, match=match):
        tiers(small, ["x", "y"], **options)


def test_too_few_for_stability_k2():
    df = pd.DataFrame({"institution": list("abcdefg"), "x": np.arange(7.0)})
    with pytest.raises(BenchmarkError, match=r"7 institution rows for k=2.*at least 10"):
        tiers(df, "x", k=2)


def test_constant_feature(small):
    df = small.assign(c=3.0)
    with pytest.raises(BenchmarkError, match=r"'c' are constant"):
        tiers(df, ["x", "c"], n_boot=0)


def test_missing_values(small):
    df = small.copy()
    df.loc[2, "y"] = np.nan
    with pytest.raises(MissingValueError, match=r"'y' in 1 row\(s\) \('c'\)"):
        tiers(df, ["x", "y"], n_boot=0)


def test_duplicate_entities_suggest_one_period(small):
    panel = pd.concat([small.assign(year=2020), small.assign(year=2021)])
    with pytest.raises(DuplicateRowError, match=r"several rows for institution 'a'.*select one period"):
        tiers(panel, ["x", "y"], n_boot=0)


def test_unknown_feature_and_entity_column(small):
    with pytest.raises(BenchmarkError, match=r"no feature column 'xx'"):
        tiers(small, ["xx"], n_boot=0)
    with pytest.raises(BenchmarkError, match=r"no entity column 'school'"):
        tiers(small, ["x"], n_boot=0, entity="school")


def test_too_few_distinct_profiles():
    df = pd.DataFrame({"institution": list("abcdef"), "x": [1.0, 1.0, 1.0, 2.0, 2.0, 2.0]})
    with pytest.raises(BenchmarkError, match=r"only 2 distinct value combinations"):
        tiers(df, "x", k=3, n_boot=0)


def test_bad_official(small):
    res = tiers(small, ["x", "y"], k=3, labels=["A", "B", "C"], n_boot=0, random_state=0)
    official = pd.DataFrame({"institution": list("abcdefghij"), "tier": list("AAABBBBCCD")})
    with pytest.raises(BenchmarkError, match=r"official tier label\(s\) 'D' unknown"):
        res.compare(official)
    with pytest.raises(BenchmarkError, match=r"4 levels.*k=3"):
        res.compare(official, order=["A", "B", "C", "D"])
    extra = pd.concat([official.replace("D", "C"), pd.DataFrame({"institution": ["zz"], "tier": ["A"]})])
    with pytest.raises(UnknownEntityError, match=r"'zz'.*not tiered"):
        res.compare(extra)
    with pytest.raises(MissingValueError, match=r"no tier for institution 'j'"):
        res.compare(official.iloc[:9])
    clash = pd.concat([official.replace("D", "C"), pd.DataFrame({"institution": ["a"], "tier": ["B"]})])
    with pytest.raises(BenchmarkError, match=r"several tiers for institution 'a'"):
        res.compare(clash)
    with pytest.raises(BenchmarkError, match=r"no tier column 'grade'"):
        res.compare(official, column="grade")
    with pytest.raises(BenchmarkError, match=r"`official` must be a DataFrame"):
        res.compare(["A"] * 10)


# ---------------------------------------------------------------- transitions against a hand-built example
@pytest.fixture
def panel():
    # a: A A B   (down in 2021 -> 2022)
    # b: B A A   (up in 2020 -> 2021)
    # c: C C -   (exits after 2021)
    # d: B B B
    # e: - C B   (enters in 2021, up in 2022)
    rows = [
        ("a", 2020, "A"), ("a", 2021, "A"), ("a", 2022, "B"),
        ("b", 2020, "B"), ("b", 2021, "A"), ("b", 2022, "A"),
        ("c", 2020, "C"), ("c", 2021, "C"),
        ("d", 2020, "B"), ("d", 2021, "B"), ("d", 2022, "B"),
        ("e", 2021, "C"), ("e", 2022, "B"),
    ]
    return pd.DataFrame(rows, columns=["institution", "year", "tier"])


def test_transitions_by_hand(panel):
    before = copy.deepcopy(panel)
    tt = tier_transitions(panel, "tier")
    pd.testing.assert_frame_equal(panel, before)
    assert isinstance(tt, TierTransitions)
    assert tt.states == ("A", "B", "C", "out")
    # 2020 -> 2021: a A->A, b B->A, c C->C, d B->B, e out->C
    m1 = tt.matrix(2020)
    assert m1.to_numpy().tolist() == [[1, 0, 0, 0], [1, 1, 0, 0], [0, 0, 1, 0], [0, 0, 1, 0]]
    # 2021 -> 2022: a A->B, b A->A, c C->out, d B->B, e C->B
    m2 = tt.matrix(2021)
    assert m2.to_numpy().tolist() == [[1, 1, 0, 0], [0, 1, 0, 0], [0, 1, 0, 1], [0, 0, 0, 0]]
    np.testing.assert_array_equal(tt.counts.to_numpy(), m1.to_numpy() + m2.to_numpy())
    # row shares of the pooled matrix: A row 2/3, 1/3
    shares = tt.shares
    np.testing.assert_allclose(shares.loc["A", ["A", "B", "C", "out"]].to_numpy(dtype=float), [2 / 3, 1 / 3, 0, 0])
    assert shares.loc["A", "n"] == 3 and shares.loc["out", "n"] == 1
    # an empty row of one pair has NaN shares with a reason
    t = tt.transitions
    empty = t[(t["from_period"] == 2021) & (t["from_tier"] == "out")]
    assert empty["share"].isna().all() and empty["reason"].str.contains("no institution in 'out' in 2021").all()
    assert t.loc[t["share"].notna(), "reason"].isna().all()


def test_movers_by_hand(panel):
    tt = tier_transitions(panel, "tier")
    got = tt.movers[["institution", "from_period", "to_period", "from_tier", "to_tier", "move"]]
    expected = pd.DataFrame({
        "institution": ["b", "e", "e", "a", "c"],
        "from_period": [2020, 2020, 2021, 2021, 2021],
        "to_period": [2021, 2021, 2022, 2022, 2022],
        "from_tier": ["B", "out", "C", "A", "C"],
        "to_tier": ["A", "C", "B", "B", "out"],
        "move": ["up", "in", "up", "down", "out"],
    })
    pd.testing.assert_frame_equal(got, expected, check_dtype=False)
    assert tt.up["institution"].tolist() == ["b", "e"]
    assert tt.down["institution"].tolist() == ["a"]
    assert tt.movers["steps"].tolist()[:1] == [1]
    assert tt.movers.loc[tt.movers["move"] == "down", "steps"].item() == -1
    flows = tt.flows
    assert flows[["n", "stayed", "up", "down", "entered", "exited"]].to_numpy().tolist() == [
        [4, 3, 1, 0, 1, 0], [4, 2, 1, 1, 0, 1]]


def test_transitions_order_and_numeric_tiers(panel):
    # with numeric tiers the default order is ascending (1 = best)
    numeric = panel.assign(tier=panel["tier"].map({"A": 1, "B": 2, "C": 3}))
    tt = tier_transitions(numeric, "tier")
    assert tt.up["institution"].tolist() == ["b", "e"]
    # an explicit order reverses what counts as up
    rev = tier_transitions(panel, "tier", order=["C", "B", "A"])
    assert rev.down["institution"].tolist() == ["b", "e"]
    # no entries or exits: no "out" state
    full = panel[panel["institution"].isin(["a", "b", "d"])]
    assert tier_transitions(full, "tier").states == ("A", "B")


def test_bad_transitions(panel):
    with pytest.raises(BenchmarkError, match=r"single year \(2020\)"):
        tier_transitions(panel[panel["year"] == 2020], "tier")
    with pytest.raises(BenchmarkError, match=r"label\(s\) 'C' missing from `order`"):
        tier_transitions(panel, "tier", order=["A", "B"])
    with pytest.raises(DuplicateRowError, match=r"institution/year"):
        tier_transitions(pd.concat([panel, panel.iloc[:1]]), "tier")
    bad = panel.copy()
    bad.loc[0, "tier"] = None
    with pytest.raises(MissingValueError, match=r"'tier' in 1 row\(s\) \('a/2020'\)"):
        tier_transitions(bad, "tier")
    with pytest.raises(BenchmarkError, match=r"no tier column 'grade'"):
        tier_transitions(panel, "grade")
    with pytest.raises(BenchmarkError, match=r"no period column 'period'"):
        tier_transitions(panel, "tier", period="period")
    with pytest.raises(BenchmarkError, match=r"'out' is reserved"):
        tier_transitions(panel, "tier", order=["A", "B", "C", "out"])
    with pytest.raises(BenchmarkError, match=r"at=2022 is not the start"):
        tier_transitions(panel, "tier").matrix(2022)


# ---------------------------------------------------------------- trust: the bundled school panel
SCHOOL_FEATURES = ["enrolment", "fulltime_teachers", "student_teacher_ratio", "double_qualified_ratio",
                   "placement_rate", "tech_service_income", "training_income", "patents_transferred"]


@pytest.fixture(scope="module")
def schools():
    from benchmark import datasets

    panel = datasets.load("shuanggao")
    return panel[(panel["unit_type"] == "school") & (panel["year"] == 2023)].reset_index(drop=True)


def _zscores(frame, cols):
    x = frame[cols].to_numpy(dtype=float)
    return (x - x.mean(axis=0)) / x.std(axis=0)


def _tier_of(res):
    """Tier per entity, in entity order, for comparing results across row orders."""
    a = res.assignments
    return a.set_index(a.columns[0])["tier"].sort_index()


@pytest.fixture(scope="module")
def school_auto(schools):
    return tiers(schools, SCHOOL_FEATURES, k="auto", n_boot=0, n_ref=2, random_state=0)


def test_auto_reports_the_partition_it_returns(schools, school_auto):
    res = school_auto
    z = _zscores(schools, SCHOOL_FEATURES)
    tier = res.assignments["tier"].to_numpy()
    row = res.k_selection.set_index("k").loc[res.k]
    # silhouette by scikit-learn and within-SS by hand, both on the returned tiers
    assert silhouette_score(z, tier) == pytest.approx(row["silhouette"], abs=1e-12)
    within = sum(((z[tier == t] - z[tier == t].mean(axis=0)) ** 2).sum() for t in np.unique(tier))
    assert within == pytest.approx(row["within_ss"], rel=1e-10)
    assert res.k_selection.loc[res.k_selection["chosen"], "k"].tolist() == [res.k]


def test_auto_partition_same_for_every_seed_and_row_order(schools, school_auto):
    expected = _tier_of(school_auto)
    runs = [(seed, None) for seed in range(1, 6)] + [(seed, seed) for seed in (11, 12, 13)]
    for seed, shuffle in runs:
        data = schools if shuffle is None else schools.sample(frac=1, random_state=shuffle)
        res = tiers(data, SCHOOL_FEATURES, k="auto", n_boot=0, n_ref=2, random_state=seed)
        assert res.k == school_auto.k
        pd.testing.assert_series_equal(_tier_of(res), expected)
        # and the assignments come back in the caller's row order
        assert res.assignments["institution"].tolist() == data["institution"].tolist()


def test_kmeans_partition_as_good_as_many_sklearn_restarts(schools):
    # the reported k=4 partition is at least as tight as the best of 10 x 10 k-means++ restarts by scikit-learn
    z = _zscores(schools, SCHOOL_FEATURES)
    res = tiers(schools, SCHOOL_FEATURES, k=4, n_boot=0)
    tier = res.assignments["tier"].to_numpy()
    within = sum(((z[tier == t] - z[tier == t].mean(axis=0)) ** 2).sum() for t in range(1, 5))
    best = min(KMeans(n_clusters=4, n_init=10, random_state=s).fit(z).inertia_ for s in range(10))
    assert within <= best * (1 + 1e-9)


@pytest.mark.parametrize("factor", [1e300, 1e-300])
def test_tiers_do_not_depend_on_units(schools, factor):
    base = tiers(schools, SCHOOL_FEATURES, k=3, n_boot=10, random_state=4)
    scaled = schools.assign(**{c: schools[c] * factor for c in SCHOOL_FEATURES})
    with np.errstate(all="raise"):  # no overflow or underflow on the way
        res = tiers(scaled, SCHOOL_FEATURES, k=3, n_boot=10, random_state=4)
    pd.testing.assert_series_equal(_tier_of(res), _tier_of(base))
    np.testing.assert_allclose(res.assignments["score"], base.assignments["score"], rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(res.centres[SCHOOL_FEATURES].to_numpy() / factor,
                               base.centres[SCHOOL_FEATURES].to_numpy(), rtol=1e-9)
    pd.testing.assert_frame_equal(res.stability, base.stability)


def test_any_index_gives_the_same_tiers(schools):
    base = tiers(schools, SCHOOL_FEATURES, k=3, n_boot=10, random_state=1)
    n = len(schools)
    indexes = [pd.Index([7] * n), pd.Index([f"r{i}" for i in range(n)]),
               pd.MultiIndex.from_arrays([np.arange(n) % 3, np.arange(n)])]
    for index in indexes:
        res = tiers(schools.set_axis(index), SCHOOL_FEATURES, k=3, n_boot=10, random_state=1)
        pd.testing.assert_frame_equal(res.assignments, base.assignments)
        pd.testing.assert_frame_equal(res.stability, base.stability)


def test_id_dtypes_are_kept(schools):
    base = tiers(schools, SCHOOL_FEATURES, k=3, n_boot=0)
    codes = pd.Series(np.arange(len(schools)) * 7 + 1000)
    for ids in (codes, codes.astype("Int64"), codes.astype(str), schools["institution"].astype("category")):
        res = tiers(schools.assign(institution=ids), SCHOOL_FEATURES, k=3, n_boot=0)
        assert res.assignments["institution"].dtype == ids.dtype
        assert res.assignments["institution"].tolist() == ids.tolist()
        assert res.assignments["tier"].tolist() == base.assignments["tier"].tolist()


def test_nullable_and_category_features_equal_clean_floats(schools):
    base = tiers(schools, SCHOOL_FEATURES, k=3, n_boot=5, random_state=2)
    as_nullable = schools.astype({"enrolment": "Int64", "placement_rate": "Float64",
                                  "patents_transferred": "category", "fulltime_teachers": "float32"})
    res = tiers(as_nullable, SCHOOL_FEATURES, k=3, n_boot=5, random_state=2)
    pd.testing.assert_frame_equal(res.assignments, base.assignments)
    broken = as_nullable.copy()
    broken.loc[5, "placement_rate"] = pd.NA
    with pytest.raises(MissingValueError, match=r"'placement_rate' in 1 row"):
        tiers(broken, SCHOOL_FEATURES, k=3, n_boot=0)


def test_missing_entity_keys_name_their_rows(small):
    df = small.set_axis([f"r{i}" for i in range(10)])
    df.loc["r4", "institution"] = None
    with pytest.raises(MissingValueError, match=r"no 'institution' in 1 row\(s\): position\(s\) 4 \(index 'r4'\)"):
        tiers(df, ["x", "y"], n_boot=0)


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"entity": ["institution"]}, r"`entity` must be one column name.*got a list \['institution'\]"),
    ({"entity": None}, r"`entity` must name a column of `data`; got None"),
    ({"entity": 3}, r"no entity column 3"),
    ({"features": [["x"]]}, r"`features` must be column names"),
    ({"random_state": "x"}, r"`random_state` must be None, a non-negative integer seed"),
    ({"n_init": 2.5}, r"`n_init` must be an integer"),
    ({"max_k": 1, "k": "auto"}, r"`max_k` must be an integer in \[2, inf\]"),
    ({"progress": "yes"}, r"`progress` must be True or False"),
])
def test_parameter_constraints(small, kwargs, match):
    with pytest.raises(BenchmarkError, match=match):
        tiers(small, **({"features": ["x", "y"], "n_boot": 0} | kwargs))


@settings(max_examples=10, deadline=None)
@given(st.integers(0, 10_000), st.sampled_from(["kmeans", "ward", "gmm"]))
def test_row_order_does_not_change_anything(seed, method):
    # property: a permutation of the rows permutes the assignments and leaves every table otherwise equal,
    # bootstrap probabilities included (same random_state)
    df, cols, _ = blobs([[0, 0], [2, 1], [1, 3]], 8, spread=1.0, seed=seed)
    perm = np.random.default_rng(seed).permutation(len(df))
    a = tiers(df, cols, k=3, method=method, n_boot=8, random_state=seed)
    b = tiers(df.iloc[perm], cols, k=3, method=method, n_boot=8, random_state=seed)
    pd.testing.assert_frame_equal(b.assignments, a.assignments.iloc[perm].reset_index(drop=True))
    pd.testing.assert_frame_equal(b.stability, a.stability)
    pd.testing.assert_frame_equal(b.centres, a.centres)


# ---------------------------------------------------------------- trust: tier_transitions shapes
def test_transitions_same_for_every_shape(panel):
    base = tier_transitions(panel, "tier")
    years = {y: f"{y}-{(y + 1) % 100:02d}" for y in panel["year"].unique()}
    shapes = {
        "shuffled": panel.sample(frac=1, random_state=3),
        "duplicate index": panel.set_axis([0] * len(panel)),
        "multiindex": panel.set_index([panel["institution"], panel["year"]], drop=False),
        "category": panel.astype({"institution": "category", "tier": "category", "year": "category"}),
        "Int64 year": panel.astype({"year": "Int64"}),
        "academic years": panel.assign(year=panel["year"].map(years)),
        "datetime": panel.assign(year=pd.to_datetime(panel["year"].astype(str) + "-09-01")),
    }
    for name, data in shapes.items():
        res = tier_transitions(data, "tier")
        pd.testing.assert_frame_equal(res.counts, base.counts, obj=name)
        pd.testing.assert_frame_equal(res.flows.drop(columns=["from_period", "to_period"]),
                                      base.flows.drop(columns=["from_period", "to_period"]), obj=name)
        assert res.movers["institution"].tolist() == base.movers["institution"].tolist(), name
        assert res.movers["institution"].dtype == data["institution"].dtype, name
    academic = tier_transitions(shapes["academic years"], "tier")
    assert academic.flows["from_period"].tolist() == [years[y] for y in base.flows["from_period"]]


def test_transitions_keep_integer_ids(panel):
    ids = {name: 100 + i for i, name in enumerate(sorted(panel["institution"].unique()))}
    res = tier_transitions(panel.assign(institution=panel["institution"].map(ids)), "tier")
    assert res.movers["institution"].dtype == np.int64
    assert res.movers["institution"].tolist() == tier_transitions(panel, "tier").movers["institution"].map(
        ids).tolist()


def test_transitions_missing_keys_name_rows(panel):
    df = panel.reset_index(drop=True)
    df.loc[2, "year"] = np.nan
    with pytest.raises(MissingValueError, match=r"no 'year' in 1 row\(s\): position\(s\) 2"):
        tier_transitions(df, "tier")
    df = panel.reset_index(drop=True).astype({"institution": object})
    df.loc[0, "institution"] = None
    with pytest.raises(MissingValueError, match=r"no 'institution' in 1 row\(s\): position\(s\) 0"):
        tier_transitions(df, "tier")
    with pytest.raises(BenchmarkError, match=r"`tier` must be one column name"):
        tier_transitions(panel, ["tier"])


def test_transition_periods_in_time_order_not_text_order():
    # lexically "10" < "9" and "2019/2020" > "2019-20"; in time they come the other way
    rows = {"institution": list("abababab"), "tier": list("ABBAABBA")}
    text = pd.DataFrame(rows | {"year": ["9", "9", "10", "10", "11", "11", "12", "12"]})
    assert tier_transitions(text, "tier").flows["from_period"].tolist() == ["9", "10", "11"]
    mixed = pd.DataFrame(rows | {"year": ["2019/2020"] * 2 + ["2020-21"] * 2 + ["2021/22"] * 2 + ["2022-2023"] * 2})
    res = tier_transitions(mixed, "tier")
    assert res.flows["from_period"].tolist() == ["2019/2020", "2020-21", "2021/22"]
    assert res.flows["up"].tolist() == [1, 1, 1]
    with pytest.raises(BenchmarkError, match=r"period column 'year'.*'spring'"):
        tier_transitions(text.iloc[:4].assign(year=["spring", "spring", "fall", "fall"]), "tier")


@settings(max_examples=15, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 5), st.integers(2019, 2023), st.sampled_from("ABC")), min_size=3,
                max_size=30, unique_by=lambda r: (r[0], r[1])), st.randoms(use_true_random=False))
def test_transitions_invariant_to_row_order_and_id_type(rows, rnd):
    # property: shuffling rows, or writing ids as text, changes nothing but the id values
    df = pd.DataFrame(rows, columns=["institution", "year", "tier"])
    if df["year"].nunique() < 2:
        return
    base = tier_transitions(df, "tier", order=["A", "B", "C"])
    order = list(range(len(df)))
    rnd.shuffle(order)
    shuffled = tier_transitions(df.iloc[order], "tier", order=["A", "B", "C"])
    as_text = tier_transitions(df.assign(institution=df["institution"].map("u{}".format)), "tier",
                               order=["A", "B", "C"])
    for other in (shuffled, as_text):
        pd.testing.assert_frame_equal(other.transitions, base.transitions)
        pd.testing.assert_frame_equal(other.flows, base.flows)
    pd.testing.assert_frame_equal(shuffled.movers, base.movers)
    assert as_text.movers["institution"].tolist() == [f"u{i}" for i in base.movers["institution"]]
    # every entity present in both periods of a pair is counted once in that pair
    assert (base.flows["n"] == base.flows[["stayed", "up", "down"]].sum(axis=1)).all()
