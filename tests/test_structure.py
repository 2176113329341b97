"""Cluster structure: concentration, location quotients, relatedness, structural fit, agglomeration."""

import itertools

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.spatial.distance import cosine as cosine_distance
from scipy.spatial.distance import pdist
from scipy.stats import entropy as scipy_entropy

import benchmark
from benchmark import (
    BenchmarkError,
    ColumnError,
    DuplicateRowError,
    EmptyDataError,
    MissingValueError,
    NonPositiveError,
)
from benchmark.structure import (
    agglomeration,
    concentration,
    coupling_coordination,
    location_quotient,
    relatedness,
    structural_fit,
)


def test_public_names_exported():
    for name in ("agglomeration", "concentration", "location_quotient", "relatedness",
                 "structural_fit", "coupling_coordination"):
        assert name in benchmark.__all__
        assert getattr(benchmark, name) is globals()[name]


# ---------------------------------------------------------------- concentration
@pytest.fixture
def members():
    return pd.DataFrame({
        "cluster": ["x", "x", "x", "y", "y", "z"],
        "specialty": ["p", "q", "r", "s", "t", "u"],
        "enrolment": [500.0, 300.0, 200.0, 40.0, 40.0, 70.0],
    })


def test_concentration_by_hand(members):
    out = concentration(members, "enrolment", group="cluster", top_k=2).set_index("cluster")
    # x: shares 0.5, 0.3, 0.2 -> H = 0.25 + 0.09 + 0.04 = 0.38, H* = (0.38 - 1/3) / (2/3) = 0.07.
    x = out.loc["x"]
    assert x.hhi == pytest.approx(0.38)
    assert x.hhi_normalised == pytest.approx(0.07)
    h = -(0.5 * np.log(0.5) + 0.3 * np.log(0.3) + 0.2 * np.log(0.2))
    assert x.entropy == pytest.approx(h)
    assert x.entropy == pytest.approx(scipy_entropy([0.5, 0.3, 0.2]))
    assert x.evenness == pytest.approx(h / np.log(3))
    assert x.cr2 == pytest.approx(0.8)
    assert x.concentration == x.hhi and x.n_members == 3 and x.total == 1000
    # y: an even spread; z: a single member.
    assert out.loc["y", "hhi"] == pytest.approx(0.5)
    assert out.loc["y", "hhi_normalised"] == pytest.approx(0, abs=1e-12)
    assert out.loc["y", "evenness"] == pytest.approx(1)
    z = out.loc["z"]
    assert (z.hhi, z.hhi_normalised, z.evenness, z.entropy, z.cr2) == (1, 1, 0, 0, 1)


def test_concentration_methods_and_member_aggregation(members):
    doubled = pd.concat([members, members.assign(enrolment=members.enrolment * 0)])
    out = concentration(doubled, "enrolment", group="cluster", member="specialty", method="normalised")
    ref = concentration(members, "enrolment", group="cluster")
    np.testing.assert_allclose(out.hhi, ref.hhi)
    np.testing.assert_allclose(out.concentration, ref.hhi_normalised)
    ent = concentration(members, "enrolment", group="cluster", method="entropy")
    np.testing.assert_allclose(ent.concentration, 1 - ref.evenness)
    top = concentration(members, "enrolment", group="cluster", method="top_k", top_k=1)
    np.testing.assert_allclose(top.concentration, [0.5, 0.5, 1.0])


def test_concentration_by_year_and_zero_total():
    df = pd.DataFrame({"cluster": "x", "year": [2019, 2019, 2020, 2020],
                       "enrolment": [10.0, 30.0, 0.0, 0.0]})
    out = concentration(df, "enrolment", group="cluster", by="year")
    assert out.year.tolist() == [2019, 2020]
    assert out.hhi[0] == pytest.approx(0.25**2 + 0.75**2)
    assert np.isnan(out.hhi[1]) and out.reason[1] == "all values are zero"
    assert out.reason[0] is None


values = st.lists(st.floats(0.0, 1e6, allow_subnormal=False), min_size=1, max_size=12).filter(
    lambda v: sum(v) > 1e-3)


@settings(max_examples=30, deadline=None)
@given(values, st.floats(1e-3, 1e3), st.randoms(use_true_random=False))
def test_concentration_bounds_scaling_and_order(vals, factor, rnd):
    df = pd.DataFrame({"g": "a", "v": vals})
    out = concentration(df, "v", group="g").iloc[0]
    n = len(vals)
    assert 1 / n - 1e-12 <= out.hhi <= 1 + 1e-12
    assert 0 <= out.hhi_normalised <= 1 and 0 <= out.evenness <= 1
    scaled = concentration(df.assign(v=df.v * factor), "v", group="g").iloc[0]
    order = list(range(n))
    rnd.shuffle(order)
    shuffled = concentration(df.iloc[order], "v", group="g").iloc[0]
    for col in ("hhi", "hhi_normalised", "entropy", "evenness", "cr3"):
        assert scaled[col] == pytest.approx(out[col], abs=1e-9)
        assert shuffled[col] == pytest.approx(out[col], abs=1e-9)


def test_concentration_bad_input(members):
    with pytest.raises(NonPositiveError, match="enrolment"):
        concentration(members.assign(enrolment=-members.enrolment), "enrolment", group="cluster")
    with pytest.raises(MissingValueError, match="cluster"):
        concentration(members.assign(cluster=[None, "x", "x", "y", "y", "z"]), "enrolment", group="cluster")
    with pytest.raises(ColumnError, match="clustr"):
        concentration(members, "enrolment", group="clustr")
    with pytest.raises(BenchmarkError, match="method"):
        concentration(members, "enrolment", group="cluster", method="gini")
    with pytest.raises(BenchmarkError, match="top_k"):
        concentration(members, "enrolment", group="cluster", top_k=0)
    with pytest.raises(ColumnError, match="cluster"):
        concentration(members, "enrolment", group="cluster", member="cluster")
    with pytest.raises(EmptyDataError, match="data"):
        concentration(members.iloc[:0], "enrolment", group="cluster")


# ---------------------------------------------------------------- location quotient
@pytest.fixture
def jobs():
    return pd.DataFrame({
        "unit": ["u", "u", "v", "v", "w", "w"],
        "province": ["P", "P", "P", "P", "Q", "Q"],
        "category": ["a", "b", "a", "b", "a", "b"],
        "jobs": [30.0, 10.0, 10.0, 50.0, 20.0, 80.0],
    })


def test_location_quotient_by_hand(jobs):
    out = location_quotient(jobs, "jobs", unit="unit", category="category")
    # Reference (all units): a = 60, b = 140, total 200. u: a share 0.75 -> LQ 0.75 / 0.3 = 2.5.
    assert out.location_quotient[0] == pytest.approx(0.75 / 0.3)
    assert out.location_quotient[3] == pytest.approx((50 / 60) / 0.7)
    # Weighted by unit size, the LQs of a category average to 1.
    x_u = out.groupby("unit").jobs.transform("sum")
    weighted = (x_u / 200 * out.location_quotient).groupby(out.category).sum()
    np.testing.assert_allclose(weighted, [1.0, 1.0])
    pooled = location_quotient(jobs, "jobs", unit="unit", category="category", reference="province")
    # Province P pools u and v: a = 40, b = 60. u: 0.75 / 0.4.
    assert pooled.location_quotient[0] == pytest.approx(0.75 / 0.4)
    # w is alone in Q, so it mirrors its reference.
    np.testing.assert_allclose(pooled.location_quotient[4:], [1.0, 1.0])


def test_location_quotient_reference_table_and_mirror_unit(jobs):
    nation = pd.DataFrame({"category": ["a", "b", "c"], "employment": [250.0, 750.0, 0.0]})
    out = location_quotient(jobs, "jobs", unit="unit", category="category", reference=nation,
                            reference_value="employment")
    # w has shares 0.2 / 0.8; the nation 0.25 / 0.75.
    np.testing.assert_allclose(out.location_quotient[4:], [0.2 / 0.25, 0.8 / 0.75])
    mirror = pd.DataFrame({"unit": "m", "category": ["a", "b"], "jobs": [5.0, 15.0]})
    lq = location_quotient(mirror, "jobs", unit="unit", category="category", reference=nation,
                           reference_value="employment")
    np.testing.assert_allclose(lq.location_quotient, [1.0, 1.0])
    odd = location_quotient(pd.concat([mirror, pd.DataFrame({"unit": ["m", "m"], "category": ["c", "d"],
                                                             "jobs": [1.0, 1.0]})]),
                            "jobs", unit="unit", category="category", reference=nation,
                            reference_value="employment")
    assert odd.reason.tolist()[2:] == ["category is zero in reference", "category absent from reference"]


def test_location_quotient_provincial_reference_by_year():
    units = pd.DataFrame({"cluster": ["k", "k", "k", "k"], "province": "P", "year": [2019, 2019, 2020, 2020],
                          "category": ["a", "b", "a", "b"], "enrolment": [10.0, 10.0, 30.0, 10.0]})
    ind = pd.DataFrame({"province": ["P"] * 4 + ["Q"] * 2, "year": [2019, 2019, 2020, 2020, 2019, 2020],
                        "category": ["a", "b", "a", "b", "a", "a"], "employment": [1.0, 3.0, 1.0, 1.0, 9.0, 9.0]})
    out = location_quotient(units, "enrolment", unit="cluster", category="category", by="year",
                            reference=ind, reference_value="employment")
    np.testing.assert_allclose(out.location_quotient, [0.5 / 0.25, 0.5 / 0.75, 0.75 / 0.5, 0.25 / 0.5])
    assert list(out.columns[:3]) == ["cluster", "year", "province"]


@settings(max_examples=20, deadline=None)
@given(st.lists(st.floats(0.1, 1e4), min_size=2, max_size=6), st.floats(1e-2, 1e2),
       st.randoms(use_true_random=False))
def test_location_quotient_scaling_and_order(vals, factor, rnd):
    cats = [f"c{i}" for i in range(len(vals))]
    data = pd.DataFrame({"unit": "u", "category": cats, "x": vals})
    ref = pd.DataFrame({"category": cats, "x": np.arange(1.0, len(vals) + 1)})
    base = location_quotient(data, "x", unit="unit", category="category", reference=ref)
    scaled = location_quotient(data.assign(x=data.x * factor), "x", unit="unit", category="category",
                               reference=ref.assign(x=ref.x * 3))
    order = list(range(len(vals)))
    rnd.shuffle(order)
    shuffled = location_quotient(data.iloc[order], "x", unit="unit", category="category",
                                 reference=ref.iloc[order[::-1]]).set_index("category")
    np.testing.assert_allclose(scaled.location_quotient, base.location_quotient)
    np.testing.assert_allclose(shuffled.loc[cats, "location_quotient"], base.location_quotient)


def test_location_quotient_bad_input(jobs):
    with pytest.raises(NonPositiveError, match="jobs"):
        location_quotient(jobs.assign(jobs=-1.0), "jobs", unit="unit", category="category")
    prov = pd.DataFrame({"province": ["P", "P"], "category": ["a", "b"], "jobs": [1.0, 2.0]})
    with pytest.raises(BenchmarkError, match="province.*'Q'"):
        location_quotient(jobs, "jobs", unit="unit", category="category", reference=prov)
    zero = pd.concat([prov, pd.DataFrame({"province": ["Q"], "category": ["a"], "jobs": [0.0]})])
    with pytest.raises(NonPositiveError, match="Q"):
        location_quotient(jobs, "jobs", unit="unit", category="category", reference=zero)
    with pytest.raises(DuplicateRowError, match="P/a"):
        location_quotient(jobs, "jobs", unit="unit", category="category", reference=pd.concat([prov, prov]))
    with pytest.raises(ColumnError, match="sector"):
        location_quotient(jobs, "jobs", unit="unit", category="category", reference=prov.assign(sector=1))
    with pytest.raises(BenchmarkError, match="'u'.*province"):
        location_quotient(jobs.assign(province=["P", "Q", "P", "P", "Q", "Q"]), "jobs", unit="unit",
                          category="category", reference="province")
    with pytest.raises(BenchmarkError, match="reference"):
        location_quotient(jobs, "jobs", unit="unit", category="category", reference=3)


# ---------------------------------------------------------------- relatedness
def brute_relatedness(links):
    """Shared share, mean Jaccard and density of one group by plain set arithmetic."""
    sets = {}
    for m, r in zip(links.member, links.resource):
        sets.setdefault(m, set())
        if pd.notna(r):
            sets[m].add(r)
    resources = set().union(*sets.values())
    shared = sum(sum(r in s for s in sets.values()) >= 2 for r in resources)
    pairs = list(itertools.combinations(sets.values(), 2))
    jac = [len(a & b) / len(a | b) if a | b else 0.0 for a, b in pairs]
    linked = [bool(a & b) for a, b in pairs]
    return (shared / len(resources) if resources else np.nan,
            np.mean(jac) if pairs else np.nan, np.mean(linked) if pairs else np.nan)


def test_relatedness_by_hand():
    links = pd.DataFrame({"cluster": "x", "member": ["p", "p", "q", "q", "r", "r"],
                          "resource": ["lab1", "lab2", "lab1", "lab3", "lab4", "lab4"]})
    out = relatedness(links, member="member", resource="resource", group="cluster").iloc[0]
    # Resources: lab1 used by p and q; lab2, lab3, lab4 by one member each -> 1/4 shared.
    # Pairs: p-q share lab1 of {lab1, lab2, lab3} -> 1/3; p-r and q-r share nothing.
    assert out.shared_resource_share == pytest.approx(0.25)
    assert out.mean_jaccard == pytest.approx((1 / 3) / 3)
    assert out.density == pytest.approx(1 / 3)
    assert (out.n_members, out.n_resources, out.n_shared_resources, out.n_pairs) == (3, 4, 1, 3)


link_rows = st.lists(st.tuples(st.integers(0, 2), st.integers(0, 5), st.one_of(st.none(), st.integers(0, 6))),
                     min_size=1, max_size=40)


@settings(max_examples=40, deadline=None)
@given(link_rows)
def test_relatedness_matches_set_arithmetic(rows):
    links = pd.DataFrame({"group": [f"g{g}" for g, _, _ in rows], "member": [f"m{m}" for _, m, _ in rows],
                          "resource": [None if r is None else f"r{r}" for _, _, r in rows]})
    out = relatedness(links, member="member", resource="resource", group="group").set_index("group")
    for g, part in links.groupby("group"):
        expected = brute_relatedness(part)
        got = out.loc[g, ["shared_resource_share", "mean_jaccard", "density"]].to_numpy(dtype=float)
        np.testing.assert_allclose(got, expected, atol=1e-12)


def test_relatedness_jaccard_agrees_with_scipy():
    rng = np.random.default_rng(3)
    incidence = rng.random((7, 9)) < 0.4
    incidence[:, 0] = True  # no member without resources (scipy scores two empty sets as identical)
    m, r = np.nonzero(incidence)
    links = pd.DataFrame({"c": "k", "member": m, "resource": r})
    out = relatedness(links, member="member", resource="resource", group="c").iloc[0]
    assert out.mean_jaccard == pytest.approx(np.mean(1 - pdist(incidence, "jaccard")))


def test_relatedness_by_year_and_small_groups():
    links = pd.DataFrame({"cluster": ["x", "x", "x", "y"], "year": [2019, 2019, 2020, 2019],
                          "member": ["p", "q", "p", "s"], "resource": ["t1", "t1", "t1", None]})
    out = relatedness(links, member="member", resource="resource", group="cluster", by="year")
    assert out[["cluster", "year"]].values.tolist() == [["x", 2019], ["x", 2020], ["y", 2019]]
    assert out.density.tolist()[0] == 1.0
    assert np.isnan(out.density[1]) and out.reason[1] == "fewer than two members"
    assert out.reason[2] == "fewer than two members" and out.n_resources[2] == 0


def test_relatedness_bad_input():
    links = pd.DataFrame({"cluster": ["x", None], "member": ["p", "q"], "resource": ["a", "b"]})
    with pytest.raises(MissingValueError, match="cluster"):
        relatedness(links, member="member", resource="resource", group="cluster")
    with pytest.raises(ColumnError, match="resorce"):
        relatedness(links, member="member", resource="resorce", group="cluster")
    with pytest.raises(ColumnError, match="member"):
        relatedness(links, member="member", resource="member", group="cluster")
    with pytest.raises(EmptyDataError, match="links"):
        relatedness(links.iloc[:0], member="member", resource="resource", group="cluster")


# ---------------------------------------------------------------- structural fit
@pytest.fixture
def supply():
    return pd.DataFrame({
        "cluster": ["k", "k", "k", "m", "m"],
        "province": ["P", "P", "P", "Q", "Q"],
        "year": 2023,
        "category": ["a", "b", "b", "a", "c"],
        "enrolment": [300.0, 100.0, 100.0, 50.0, 50.0],
    })


@pytest.fixture
def demand():
    return pd.DataFrame({
        "province": ["P", "P", "P", "Q", "Q"],
        "year": 2023,
        "category": ["a", "b", "c", "a", "c"],
        "employment": [600.0, 300.0, 100.0, 100.0, 300.0],
    })


def test_structural_fit_by_hand(supply, demand):
    out = structural_fit(supply, demand, on="category", by=["cluster", "province", "year"])
    k = out.iloc[0]
    s, d = np.array([0.6, 0.4, 0.0]), np.array([0.6, 0.3, 0.1])
    assert k.cosine == pytest.approx(1 - cosine_distance(s, d))
    assert k.cosine == pytest.approx(0.48 / np.sqrt(0.52 * 0.46))
    assert k.overlap == pytest.approx(0.9) and k.dissimilarity == pytest.approx(0.1)
    # |0.6/0.6 - 1| = 0, |0.4/0.3 - 1| = 1/3, |0/0.1 - 1| = 1 -> mean 4/9.
    assert k.deviation == pytest.approx(4 / 9)
    assert (k.n_missing_in_supply, k.missing_in_supply, k.n_missing_in_demand) == (1, "c", 0)
    assert k.fit == k.cosine and k.n_categories == 3
    # Scale coupling: U1 = 500 / 500, U2 = 1000 / 1000 for k; m: U1 = 100 / 500, U2 = 400 / 1000.
    u1, u2 = 0.2, 0.4
    c = 2 * np.sqrt(u1 * u2) / (u1 + u2)
    assert out.coupling[1] == pytest.approx(c)
    assert out.coordination[1] == pytest.approx(np.sqrt(c * (0.5 * u1 + 0.5 * u2)))
    assert out.coordination[0] == pytest.approx(1.0)


def test_structural_fit_identical_and_deviation_exclusions(demand):
    same = demand[demand.province == "P"].assign(cluster="k", employment=lambda f: f.employment / 7)
    out = structural_fit(same.rename(columns={"employment": "enrolment"}), demand, on="category",
                         by=["cluster", "province", "year"]).iloc[0]
    assert out.cosine == pytest.approx(1) and out.deviation == pytest.approx(0, abs=1e-12)
    assert out.overlap == pytest.approx(1)
    extra = pd.DataFrame({"cluster": "k", "province": "P", "year": 2023, "category": ["a", "z"],
                          "enrolment": [10.0, 10.0]})
    fit = structural_fit(extra, demand, on="category", by=["cluster", "province", "year"]).iloc[0]
    # z has supply but no demand: left out of the deviation, counted and reported.
    assert fit.n_deviation_excluded == 1 and fit.missing_in_demand == "z"
    assert fit.deviation == pytest.approx((abs(0.5 / 0.6 - 1) + 1 + 1) / 3)
    with pytest.raises(BenchmarkError, match="'z'"):
        structural_fit(extra, demand, on="category", by=["cluster", "province", "year"], absent="raise")


def test_structural_fit_detail_and_methods(supply, demand):
    detail = structural_fit(supply, demand, on="category", by=["cluster", "province", "year"], detail=True)
    k = detail[detail.cluster == "k"].set_index("category")
    np.testing.assert_allclose(k.supply_share, [0.6, 0.4, 0.0])
    assert k.loc["c", "side"] == "demand only" and k.loc["a", "side"] == "both"
    assert k.loc["b", "deviation"] == pytest.approx(1 / 3)
    for method in ("overlap", "dissimilarity", "deviation", "coupling"):
        out = structural_fit(supply, demand, on="category", by=["cluster", "province", "year"], method=method)
        np.testing.assert_allclose(out.fit, out[method if method != "coupling" else "coupling"])


def test_structural_fit_national_demand_and_zero_supply(supply, demand):
    nation = demand.groupby("category", as_index=False).employment.sum()
    out = structural_fit(supply.assign(enrolment=lambda f: np.where(f.cluster == "m", 0.0, f.enrolment)),
                         nation, on="category", by="cluster", supply_value="enrolment")
    assert out.reason.tolist() == [None, "supply total is zero"]
    assert np.isnan(out.cosine[1])


@settings(max_examples=20, deadline=None)
@given(st.lists(st.tuples(st.floats(0, 1e4), st.floats(0.1, 1e4)), min_size=2, max_size=7).filter(
    lambda r: sum(s for s, _ in r) > 1e-3), st.floats(1e-2, 1e2), st.randoms(use_true_random=False))
def test_structural_fit_scaling_and_category_order(rows, factor, rnd):
    cats = [f"c{i}" for i in range(len(rows))]
    sup = pd.DataFrame({"g": "x", "category": cats, "s": [s for s, _ in rows]})
    dem = pd.DataFrame({"category": cats, "d": [d for _, d in rows]})
    cols = ["cosine", "overlap", "dissimilarity", "deviation"]
    base = structural_fit(sup, dem, on="category", by="g")[cols].to_numpy(float)
    scaled = structural_fit(sup.assign(s=sup.s * factor), dem.assign(d=dem.d / factor), on="category",
                            by="g")[cols].to_numpy(float)
    order = list(range(len(rows)))
    rnd.shuffle(order)
    shuffled = structural_fit(sup.iloc[order], dem.iloc[order[::-1]], on="category", by="g")[cols]
    np.testing.assert_allclose(scaled, base, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(shuffled.to_numpy(float), base, rtol=1e-9, atol=1e-12)
    assert -1e-12 <= base[0, 0] <= 1 + 1e-12


def test_structural_fit_bad_input(supply, demand):
    by = ["cluster", "province", "year"]
    with pytest.raises(NonPositiveError, match="P"):
        structural_fit(supply, demand.assign(employment=np.where(demand.province == "P", 0.0, 1.0)),
                       on="category", by=by)
    with pytest.raises(BenchmarkError, match="same categories"):
        structural_fit(supply, demand.assign(category=demand.category.str.upper()), on="category", by=by)
    with pytest.raises(NonPositiveError, match="enrolment"):
        structural_fit(supply.assign(enrolment=-1.0), demand, on="category", by=by)
    with pytest.raises(BenchmarkError, match="Q/2023"):
        structural_fit(supply, demand[demand.province == "P"], on="category", by=by)
    with pytest.raises(DuplicateRowError, match="province"):
        structural_fit(supply, demand, on="category", by=["cluster", "year"])
    with pytest.raises(ColumnError, match="supply_value"):
        structural_fit(supply.assign(other=1.0), demand, on="category", by=by)
    with pytest.raises(BenchmarkError, match="method"):
        structural_fit(supply, demand, on="category", by=by, method="pearson")
    with pytest.raises(BenchmarkError, match="shares"):
        structural_fit(supply, demand, on="category", by=by, shares=(0.7, 0.7))
    with pytest.raises(MissingValueError, match="cluster"):
        structural_fit(supply.assign(cluster=[None, "k", "k", "m", "m"]), demand, on="category", by=by)


def test_coupling_coordination_traditional_by_hand():
    df = pd.DataFrame({"edu": [0.8, 0.0, 0.0], "ind": [0.2, 0.6, 0.0]})
    out = coupling_coordination(df, "edu", "ind", shares=(0.4, 0.6), model="traditional")
    # C = 2 sqrt(0.16) / 1.0 = 0.8, T = 0.32 + 0.12 = 0.44, D = sqrt(0.352).
    np.testing.assert_allclose(out.coupling, [0.8, 0.0, 0.0])
    np.testing.assert_allclose(out.development, [0.44, 0.36, 0.0])
    np.testing.assert_allclose(out.coordination, [np.sqrt(0.8 * 0.44), 0.0, 0.0])
    with pytest.raises(BenchmarkError, match="ind"):
        coupling_coordination(df.assign(ind=[2.0, 0.1, 0.1]), "edu", "ind")
    with pytest.raises(NonPositiveError, match="edu"):
        coupling_coordination(df.assign(edu=-0.1), "edu", "ind")
    with pytest.raises(ColumnError, match="edu"):
        coupling_coordination(df, "edu", "edu")


# ---------------------------------------------------------------- agglomeration
@pytest.fixture
def cluster_data():
    spec = pd.DataFrame({
        "institution": ["A"] * 6 + ["B"] * 4,
        "cluster": ["k"] * 6 + ["m"] * 4,
        "specialty": ["p", "q", "r", "p", "q", "r", "s", "t", "s", "t"],
        "category": ["a", "a", "b", "a", "a", "b", "b", "c", "b", "c"],
        "year": [2019] * 3 + [2023] * 3 + [2019, 2019, 2023, 2023],
        "enrolment": [100.0, 100.0, 200.0, 300.0, 100.0, 100.0, 50.0, 50.0, 80.0, 20.0],
    })
    res = pd.DataFrame({
        "institution": ["A"] * 5 + ["B"] * 3,
        "cluster": ["k"] * 5 + ["m"] * 3,
        "specialty": ["p", "q", "r", "p", "q", "s", "t", "s"],
        "resource": ["lab", "lab", "base", "lab", "lab", "x", "y", "x"],
        "year": [2019, 2019, 2019, 2023, 2023, 2019, 2019, 2023],
    })
    ind = pd.DataFrame({
        "province": ["P"] * 6 + ["Q"] * 6,
        "category": ["a", "b", "c"] * 4,
        "year": ([2019] * 3 + [2023] * 3) * 2,
        "employment": [5.0, 3.0, 2.0, 6.0, 2.0, 2.0, 1.0, 4.0, 5.0, 1.0, 6.0, 3.0],
    })
    regions = pd.DataFrame({"institution": ["A", "B"], "province": ["P", "Q"]})
    return spec, res, ind, regions


def test_agglomeration_brings_dimensions_together(cluster_data):
    spec, res, ind, regions = cluster_data
    out = agglomeration(spec, res, ind, regions=regions)
    assert out[["cluster", "year"]].values.tolist() == [["k", 2019], ["k", 2023], ["m", 2019], ["m", 2023]]
    conc = concentration(spec, "enrolment", group="cluster", by="year", member="specialty")
    np.testing.assert_allclose(out.hhi, conc.hhi)
    rel = relatedness(res, member="specialty", resource="resource", group="cluster", by="year")
    np.testing.assert_allclose(out.mean_jaccard, rel.mean_jaccard)
    np.testing.assert_allclose(out.relatedness, rel.mean_jaccard)
    supply = spec.merge(regions, on="institution")
    fit = structural_fit(supply, ind, on="category", by=["cluster", "province", "year"],
                         supply_value="enrolment")
    np.testing.assert_allclose(out.cosine, fit.cosine)
    assert out.province.tolist() == ["P", "P", "Q", "Q"]
    # m in 2023 has one member in the links: relatedness has no pairs and says so.
    assert out.reason.tolist()[3] == "relatedness: fewer than two members"
    # k in 2019: enrolment 100/100/200 -> H = 0.375; fit of (0.5, 0.5, 0) to (0.5, 0.3, 0.2).
    assert out.hhi[0] == pytest.approx(0.375)
    assert out.cosine[0] == pytest.approx(0.4 / np.sqrt(0.5 * 0.38))


def test_agglomeration_optional_parts_and_bad_input(cluster_data):
    spec, res, ind, regions = cluster_data
    only = agglomeration(spec)
    assert "cosine" not in only.columns and "mean_jaccard" not in only.columns
    assert only.reason.isna().all()
    nolinks = agglomeration(spec, res[res.cluster == "k"])
    assert nolinks.reason.tolist()[2] == "relatedness: no resource links"
    orphan = pd.concat([res, pd.DataFrame({"institution": ["C"], "cluster": ["z"], "specialty": ["u"],
                                           "resource": ["lab"], "year": [2019]})])
    with pytest.raises(EmptyDataError, match="z/2019"):
        agglomeration(spec, orphan)
    with pytest.raises(ColumnError, match="regions="):
        agglomeration(spec, res, ind)
    with pytest.raises(BenchmarkError, match="'B'"):
        agglomeration(spec, res, ind, regions=regions.iloc[:1])
    with pytest.raises(BenchmarkError, match="relatedness_method"):
        agglomeration(spec, res, relatedness_method="cosine")


def test_inputs_not_modified(cluster_data, supply, demand, jobs, members):
    frames = [*cluster_data, supply, demand, jobs, members]
    before = [f.copy(deep=True) for f in frames]
    spec, res, ind, regions = cluster_data
    agglomeration(spec, res, ind, regions=regions)
    structural_fit(supply, demand, on="category", by=["cluster", "province", "year"], detail=True)
    location_quotient(jobs, "jobs", unit="unit", category="category", reference="province")
    concentration(members, "enrolment", group="cluster", member="specialty")
    relatedness(res, member="specialty", resource="resource", group="cluster", by="year")
    coupling_coordination(pd.DataFrame({"a": [0.1], "b": [0.2]}), "a", "b")
    for f, b in zip(frames, before):
        pd.testing.assert_frame_equal(f, b)


def test_agglomeration_entity_label(cluster_data):
    spec = cluster_data[0]
    out = agglomeration(spec, cluster=["institution", "cluster"], entity="unit")
    assert out.columns[0] == "unit"
    assert out.unit.tolist() == ["A·k", "A·k", "B·m", "B·m"]
    with pytest.raises(ColumnError, match="hhi"):
        agglomeration(spec, entity="hhi")


def test_agglomeration_label_skips_repeated_cluster(cluster_data):
    spec = cluster_data[0].assign(institution=lambda f: np.where(f.institution == "B", "B·m", f.institution))
    out = agglomeration(spec, cluster=["institution", "cluster"], entity="unit")
    assert out.unit.tolist() == ["A·k", "A·k", "B·m", "B·m"]


def test_coupling_coordination_corrected_two_systems_by_hand():
    # Wang et al. (2021), n = 2: C = sqrt((1 - |U1 - U2|) * min/max).
    df = pd.DataFrame({"edu": [0.8, 0.5, 0.3, 0.0], "ind": [0.2, 0.5, 0.9, 0.0]})
    out = coupling_coordination(df, "edu", "ind")
    c = [np.sqrt(0.4 * 0.25), 1.0, np.sqrt(0.4 * (1 / 3)), 0.0]
    np.testing.assert_allclose(out.coupling, c)
    np.testing.assert_allclose(out.development, [0.5, 0.5, 0.6, 0.0])
    np.testing.assert_allclose(out.coordination, np.sqrt(np.array(c) * [0.5, 0.5, 0.6, 0.0]))
    # D = 0.398, 0.707, 0.490, 0 -> grades 4, 8, 5, 1
    assert out.grade.tolist() == [4, 8, 5, 1]
    assert out.level.tolist() == ["mild disorder", "intermediate coordination", "near disorder",
                                  "extreme disorder"]
    assert out.type.tolist() == ["ind lagging", "synchronous", "edu lagging", "synchronous"]
    zh = coupling_coordination(df, "edu", "ind", lang="zh")
    assert zh.level.tolist() == ["轻度失调", "中级协调", "濒临失调", "极度失调"]
    assert zh.type.tolist()[0] == "ind滞后型"


def test_coupling_coordination_corrected_three_systems_by_hand():
    df = pd.DataFrame({"a": [0.6], "b": [0.3], "c": [0.4]})
    out = coupling_coordination(df, ["a", "b", "c"], shares={"a": 0.5, "b": 0.25, "c": 0.25})
    # pairs |.3| + |.2| + |.1| = 0.6 over 3 pairs; prod(U/max) = 1 * 0.5 * (2/3), power 1/2
    expected = np.sqrt((1 - 0.6 / 3) * np.sqrt(0.5 * 2 / 3))
    assert out.coupling[0] == pytest.approx(expected)
    assert out.development[0] == pytest.approx(0.3 + 0.075 + 0.1)
    assert out.lagging[0] == "b"
    # the traditional form: geometric over arithmetic mean
    trad = coupling_coordination(df, "a", "b", "c", model="traditional")
    assert trad.coupling[0] == pytest.approx((0.6 * 0.3 * 0.4) ** (1 / 3) / (1.3 / 3))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(0.01, 1.0), min_size=2, max_size=5))
def test_coupling_is_one_for_equal_indices_and_bounded(values):
    df = pd.DataFrame([values], columns=[f"u{i}" for i in range(len(values))])
    out = coupling_coordination(df, list(df.columns))
    assert 0.0 <= out.coupling[0] <= 1.0 + 1e-12
    assert out.coupling[0] <= coupling_coordination(df, list(df.columns), model="traditional").coupling[0] + 1e-12
    equal = pd.DataFrame([[values[0]] * len(values)], columns=df.columns)
    assert coupling_coordination(equal, list(df.columns)).coupling[0] == pytest.approx(1.0)


def test_coupling_coordination_bad_input():
    df = pd.DataFrame({"a": [0.5], "b": [0.2], "c": [0.1]})
    with pytest.raises(BenchmarkError, match="at least two"):
        coupling_coordination(df, "a")
    with pytest.raises(BenchmarkError, match="shares.*'a', 'b', 'c'"):
        coupling_coordination(df, ["a", "b", "c"], shares=(0.5, 0.5))
    with pytest.raises(BenchmarkError, match="model"):
        coupling_coordination(df, "a", "b", model="liu")
    with pytest.raises(BenchmarkError, match="lang"):
        coupling_coordination(df, "a", "b", lang="fr")
    with pytest.raises(ColumnError, match="'zz'"):
        coupling_coordination(df, "a", "zz")
