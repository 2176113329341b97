"""Tests of benchmark.inequality: Theil, Gini, Dagum, kernel densities, Moran's I.

Independent references: brute-force double sums written from the papers'
formulas (Dagum 1997; Theil 1967; Anselin 1995), the definitions of R's
``ineq`` package re-expressed in numpy, scipy's ``gaussian_kde``,
scikit-learn's ``KernelDensity`` and numbers computed once with PySAL
``esda`` (tests/data/moran_*_esda.csv, see the header of those files).
"""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import benchmark as bm
from benchmark import BenchmarkError
from benchmark.inequality import (
    contiguity_weights,
    dagum_gini,
    gini,
    kernel_density,
    morans_i,
    theil,
)

DATA = Path(__file__).parent / "data"


# ---------------------------------------------------------------- fixtures
@pytest.fixture(scope="module")
def regions() -> pd.DataFrame:
    rng = np.random.default_rng(7)
    n = 30
    frame = pd.DataFrame({
        "institution": [f"u{i:02d}" for i in range(n)] * 2,
        "year": [2020] * n + [2021] * n,
        "region": (["east"] * 12 + ["central"] * 9 + ["west"] * 9) * 2,
        "province": ([f"p{i // 3}" for i in range(n)]) * 2,
        "score": np.round(rng.lognormal(3, 0.5, 2 * n), 2),
        "pop": np.round(rng.uniform(1, 10, 2 * n), 1),
    })
    frame.loc[frame["region"] == "east", "score"] *= 1.6
    return frame


# ---------------------------------------------------------------- brute-force references
def brute_gini(y, w=None):
    y = np.asarray(y, float)
    w = np.ones_like(y) if w is None else np.asarray(w, float)
    mu = np.sum(w * y) / w.sum()
    total = sum(w[i] * w[j] * abs(y[i] - y[j]) for i in range(len(y)) for j in range(len(y)))
    return total / (2 * w.sum() ** 2 * mu)


def ineq_gini(x, corr=False):
    """R ineq::Gini: sort, G = 2 sum(x * 1:n) / sum(x) - (n + 1), divided by n."""
    x = np.sort(np.asarray(x, float))
    n = len(x)
    g = 2 * np.sum(x * np.arange(1, n + 1)) / x.sum() - (n + 1)
    return g / (n - 1) if corr else g / n


def ineq_theil_t(x):
    """R ineq::Theil(x, parameter = 0): mean(x/mu * log(x/mu))."""
    r = np.asarray(x, float) / np.mean(x)
    return float(np.mean(r * np.log(r)))


def ineq_entropy_0(x):
    """R ineq::entropy(x, parameter = 0): mean log deviation, -mean(log(x/mu))."""
    r = np.asarray(x, float) / np.mean(x)
    return float(-np.mean(np.log(r)))


def brute_dagum(y, g, w=None):
    """Dagum (1997) from the double sums of the paper, loops only."""
    y = np.asarray(y, float)
    w = np.ones_like(y) if w is None else np.asarray(w, float)
    g = np.asarray(g)
    labels = sorted(set(g))
    big_w, mu = w.sum(), np.sum(w * y) / w.sum()
    idx = {k: np.flatnonzero(g == k) for k in labels}
    mean = {k: np.sum(w[idx[k]] * y[idx[k]]) / w[idx[k]].sum() for k in labels}
    p = {k: w[idx[k]].sum() / big_w for k in labels}
    s = {k: w[idx[k]].sum() * mean[k] / (big_w * mu) for k in labels}
    gjj = {}
    for k in labels:
        tot = sum(w[i] * w[r] * abs(y[i] - y[r]) for i in idx[k] for r in idx[k])
        gjj[k] = tot / (2 * w[idx[k]].sum() ** 2 * mean[k])
    gw = sum(gjj[k] * p[k] * s[k] for k in labels)
    gnb = gt = 0.0
    pairs = {}
    for j, h in itertools.combinations(labels, 2):
        if mean[j] < mean[h]:
            j, h = h, j
        wj, wh = w[idx[j]].sum(), w[idx[h]].sum()
        tot = sum(w[a] * w[b] * abs(y[a] - y[b]) for a in idx[j] for b in idx[h])
        gjh = tot / (wj * wh * (mean[j] + mean[h]))
        d = sum(w[a] * w[b] * max(y[a] - y[b], 0) for a in idx[j] for b in idx[h]) / (wj * wh)
        pp = sum(w[a] * w[b] * max(y[b] - y[a], 0) for a in idx[j] for b in idx[h]) / (wj * wh)
        djh = (d - pp) / (d + pp)
        gnb += gjh * (p[j] * s[h] + p[h] * s[j]) * djh
        gt += gjh * (p[j] * s[h] + p[h] * s[j]) * (1 - djh)
        pairs[frozenset((j, h))] = (gjh, djh)
    return brute_gini(y, w), gw, gnb, gt, gjj, pairs


# ---------------------------------------------------------------- Gini
def test_gini_matches_ineq_and_brute_force(regions):
    out = gini(regions, "score")
    for year, part in regions.groupby("year"):
        row = out[out["year"] == year].iloc[0]
        assert row["gini"] == pytest.approx(ineq_gini(part["score"]), abs=1e-12)
        assert row["gini"] == pytest.approx(brute_gini(part["score"]), abs=1e-12)
        assert row["n"] == len(part)
    corrected = gini(regions, "score", corrected=True)
    assert corrected["gini"].iloc[0] == pytest.approx(ineq_gini(regions[regions.year == 2020]["score"], True))


def test_gini_weighted_equals_replicated_units():
    # integer weights are frequency weights: the same as repeating the rows
    df = pd.DataFrame({"unit": list("abcd"), "v": [1.0, 3.0, 4.0, 10.0], "w": [1, 2, 3, 1]})
    expanded = np.repeat(df["v"].to_numpy(), df["w"].to_numpy())
    assert gini(df, "v", weight="w", entity="unit")["gini"].iloc[0] == pytest.approx(ineq_gini(expanded))
    assert gini(df, "v", weight="w", entity="unit")["gini"].iloc[0] == pytest.approx(
        brute_gini(df["v"], df["w"]))


def test_gini_hand_example_and_groups(regions):
    df = pd.DataFrame({"unit": list("abcd"), "v": [0.0, 0.0, 0.0, 8.0]})
    # one unit holds everything: G = (n - 1) / n
    assert gini(df, "v", entity="unit")["gini"].iloc[0] == pytest.approx(0.75)
    by_group = gini(regions, "score", group="region")
    assert list(by_group.columns) == ["year", "region", "n", "mean", "gini"]
    east = regions[(regions.year == 2021) & (regions.region == "east")]["score"]
    got = by_group[(by_group.year == 2021) & (by_group.region == "east")]["gini"].iloc[0]
    assert got == pytest.approx(ineq_gini(east))


# ---------------------------------------------------------------- Theil
def test_theil_matches_ineq_definitions(regions):
    t = theil(regions, "score", group="region")
    l_ = theil(regions, "score", group="region", measure="L")
    total = theil(regions, "score")
    assert total.groups.empty and list(total.overall.columns) == ["year", "n", "mean", "theil"]
    for year, part in regions.groupby("year"):
        assert t.overall.set_index("year").loc[year, "theil"] == pytest.approx(ineq_theil_t(part["score"]))
        assert total.overall.set_index("year").loc[year, "theil"] == pytest.approx(ineq_theil_t(part["score"]))
        assert l_.overall.set_index("year").loc[year, "theil"] == pytest.approx(ineq_entropy_0(part["score"]))


def test_theil_decomposition_by_hand(regions):
    part = regions[regions.year == 2020]
    res = theil(part, "score", group="region", period=None)
    y = part["score"].to_numpy()
    mu = y.mean()
    between = within = 0.0
    for _, grp in part.groupby("region"):
        s = grp["score"].sum() / y.sum()
        between += s * np.log(grp["score"].mean() / mu)
        within += s * ineq_theil_t(grp["score"])
    row = res.overall.iloc[0]
    assert row["between"] == pytest.approx(between)
    assert row["within"] == pytest.approx(within)
    assert row["between_share"] + row["within_share"] == pytest.approx(1.0)
    assert res.groups["contribution"].sum() == pytest.approx(within)
    assert "year" not in res.overall.columns


def test_theil_weighted_equals_replicated_rows():
    df = pd.DataFrame({"unit": list("abcde"), "g": list("aabbb"), "v": [2.0, 5.0, 1.0, 3.0, 9.0],
                       "w": [3, 1, 2, 2, 1]})
    big = df.loc[df.index.repeat(df["w"])].assign(unit=lambda d: [f"x{i}" for i in range(len(d))])
    for measure in ("T", "L"):
        a = theil(df, "v", group="g", weight="w", entity="unit", measure=measure).overall.iloc[0]
        b = theil(big, "v", group="g", entity="unit", measure=measure).overall.iloc[0]
        for col in ("theil", "between", "within"):
            assert a[col] == pytest.approx(b[col])


def test_theil_nested_three_parts(regions):
    res = theil(regions, "score", group="region", subgroup="province")
    o = res.overall
    assert np.allclose(o["between"] + o["between_subgroups"] + o["within_subgroups"], o["theil"])
    assert np.allclose(o["between_subgroups"] + o["within_subgroups"], o["within"])
    # within subgroups = sum over all provinces of value share x their own Theil T
    part = regions[regions.year == 2021]
    expect = sum(grp["score"].sum() / part["score"].sum() * ineq_theil_t(grp["score"])
                 for _, grp in part.groupby("province"))
    assert o.set_index("year").loc[2021, "within_subgroups"] == pytest.approx(expect)
    subs = res.subgroups[res.subgroups.year == 2021]
    assert subs["contribution"].sum() == pytest.approx(expect)
    assert set(subs.columns) >= {"region", "province", "theil", "contribution_share"}


# ---------------------------------------------------------------- Dagum
def test_dagum_matches_brute_force(regions):
    res = dagum_gini(regions, "score", group="region")
    for year, part in regions.groupby("year"):
        total, gw, gnb, gt, gjj, pairs = brute_dagum(part["score"], part["region"])
        row = res.overall.set_index("year").loc[year]
        assert row["gini"] == pytest.approx(total, abs=1e-12)
        assert row["within"] == pytest.approx(gw, abs=1e-12)
        assert row["between"] == pytest.approx(gnb, abs=1e-12)
        assert row["transvariation"] == pytest.approx(gt, abs=1e-12)
        within = res.within[res.within.year == year].set_index("region")["gini"]
        for k, v in gjj.items():
            assert within[k] == pytest.approx(v, abs=1e-12)
        between = res.between[res.between.year == year]
        for r in between.itertuples():
            gjh, djh = pairs[frozenset((r.group_a, r.group_b))]
            assert r.gini == pytest.approx(gjh, abs=1e-12)
            assert r.relative_affluence == pytest.approx(djh, abs=1e-12)


def test_dagum_weighted_matches_brute_force(regions):
    part = regions[regions.year == 2020]
    res = dagum_gini(part, "score", group="region", weight="pop")
    total, gw, gnb, gt, _, _ = brute_dagum(part["score"], part["region"], part["pop"])
    row = res.overall.iloc[0]
    assert (row["gini"], row["within"], row["between"], row["transvariation"]) == pytest.approx(
        (total, gw, gnb, gt), abs=1e-12)


def test_dagum_without_overlap_is_the_gini_of_group_means():
    # Dagum (1997): with non-overlapping groups D_jh = 1, so Gt = 0 and the net between-group part is
    # the Gini of the distribution in which every unit has its group's mean.
    df = pd.DataFrame({"unit": range(7), "g": list("aaabbcc"), "v": [1.0, 2.0, 3.0, 5.0, 6.0, 9.0, 12.0]})
    row = dagum_gini(df, "v", group="g", entity="unit").overall.iloc[0]
    smoothed = df.groupby("g")["v"].transform("mean")
    assert row["transvariation"] == pytest.approx(0.0, abs=1e-15)
    assert row["between"] == pytest.approx(ineq_gini(smoothed))
    assert row["gini"] == pytest.approx(ineq_gini(df["v"]))


def test_dagum_pair_table(regions):
    res = dagum_gini(regions, "score", group="region")
    table = res.pair_table(2021)
    assert table.shape == (3, 3)
    assert np.allclose(table.to_numpy(), table.to_numpy().T)
    assert table.loc["east", "east"] == pytest.approx(
        res.within.query("year == 2021 and region == 'east'")["gini"].iloc[0])
    with pytest.raises(BenchmarkError, match="at="):
        res.pair_table()
    summary = res.summary().set_index(["year", "statistic"])["value"]
    for year, row in res.overall.set_index("year").iterrows():
        assert summary[(year, "gini")] == pytest.approx(row["gini"])
        assert summary[(year, "transvariation_share")] == pytest.approx(row["transvariation_share"])
    assert "DagumResult" in res._repr_html_()


# ---------------------------------------------------------------- properties
values = st.lists(st.floats(0.5, 1000, allow_nan=False), min_size=6, max_size=25)


@settings(max_examples=15, deadline=None)
@given(st.lists(st.floats(-50, 50, allow_nan=False), min_size=8, max_size=8), st.floats(0.1, 50),
       st.floats(-100, 100))
def test_moran_affine_invariance_and_local_sum(ys, scale, shift):
    ids = ["北京", "天津", "河北", "山西", "内蒙古", "辽宁", "吉林", "黑龙江"]
    df = pd.DataFrame({"province": ids, "v": ys})
    if np.ptp(ys) < 1e-6:
        return
    a = morans_i(df, "v", entity="province", permutations=0)
    b = morans_i(df.assign(v=df["v"] * scale + shift), "v", entity="province", permutations=0)
    assert b.overall["I"].iloc[0] == pytest.approx(a.overall["I"].iloc[0], abs=1e-9)
    assert np.allclose(b.local["I"], a.local["I"], atol=1e-9)
    assert a.local["I"].sum() == pytest.approx(len(ids) * a.overall["I"].iloc[0], abs=1e-9)


@settings(max_examples=15, deadline=None)
@given(values, st.floats(0.01, 100), st.integers(0, 2**16))
def test_decompositions_sum_and_scale_invariance(ys, factor, seed):
    rng = np.random.default_rng(seed)
    n = len(ys)
    g = np.array(["a", "b", "c"])[np.arange(n) % 3]
    rng.shuffle(g)
    df = pd.DataFrame({"unit": range(n), "g": g, "v": ys, "w": rng.uniform(0.5, 3, n)})
    scaled = df.assign(v=df["v"] * factor)
    for weight in (None, "w"):
        d = dagum_gini(df, "v", group="g", weight=weight, entity="unit").overall.iloc[0]
        assert d["within"] + d["between"] + d["transvariation"] == pytest.approx(d["gini"], abs=1e-10)
        assert d["gini"] == pytest.approx(
            gini(df, "v", weight=weight, entity="unit")["gini"].iloc[0], abs=1e-10)
        d2 = dagum_gini(scaled, "v", group="g", weight=weight, entity="unit").overall.iloc[0]
        assert d2[["gini", "within", "between", "transvariation"]].to_numpy() == pytest.approx(
            d[["gini", "within", "between", "transvariation"]].to_numpy(), abs=1e-9)
        for measure in ("T", "L"):
            t = theil(df, "v", group="g", weight=weight, entity="unit", measure=measure).overall.iloc[0]
            assert t["between"] + t["within"] == pytest.approx(t["theil"], abs=1e-10)
            t2 = theil(scaled, "v", group="g", weight=weight, entity="unit", measure=measure).overall.iloc[0]
            assert t2["theil"] == pytest.approx(t["theil"], abs=1e-9)
    # permuting rows changes nothing
    shuffled = df.sample(frac=1.0, random_state=seed)
    assert gini(shuffled, "v", entity="unit")["gini"].iloc[0] == pytest.approx(
        gini(df, "v", entity="unit")["gini"].iloc[0], abs=1e-12)


# ---------------------------------------------------------------- kernel density
def test_kernel_density_matches_scipy_and_sklearn(regions):
    from scipy.stats import gaussian_kde
    from sklearn.neighbors import KernelDensity

    res = kernel_density(regions, "score", n_grid=101)
    for year, part in regions.groupby("year"):
        y = part["score"].to_numpy()
        h = res.stats.set_index("year").loc[year, "bandwidth"]
        q1, q3 = np.quantile(y, [0.25, 0.75])
        assert h == pytest.approx(0.9 * min(y.std(ddof=1), (q3 - q1) / 1.34) * len(y) ** -0.2)  # R bw.nrd0
        grid = res.density[res.density.year == year]
        kde = gaussian_kde(y, bw_method=h / y.std(ddof=1))
        assert np.allclose(grid["density"], kde(grid["x"].to_numpy()), rtol=1e-10, atol=1e-14)
        assert np.trapezoid(grid["density"], grid["x"]) == pytest.approx(1.0, abs=2e-3)
    epa = kernel_density(regions, "score", kernel="epanechnikov", bandwidth=5.0, n_grid=64)
    part = regions[regions.year == 2020]["score"].to_numpy()[:, None]
    sk = KernelDensity(kernel="epanechnikov", bandwidth=5.0 * np.sqrt(5)).fit(part)
    grid = epa.density[epa.density.year == 2020]
    assert np.allclose(grid["density"], np.exp(sk.score_samples(grid[["x"]].to_numpy())), atol=1e-12)


def test_kernel_density_weights_grid_and_stats(regions):
    part = regions[regions.year == 2020]
    from scipy.stats import gaussian_kde

    res = kernel_density(part, "score", weight="pop", bandwidth=4.0, grid=np.linspace(0, 120, 61))
    y = part["score"].to_numpy()
    kde = gaussian_kde(y, bw_method=4.0 / np.sqrt(np.cov(y, aweights=part["pop"])), weights=part["pop"])
    assert np.allclose(res.density["density"], kde(np.linspace(0, 120, 61)))
    bimodal = pd.DataFrame({"v": [1.0, 1.1, 0.9, 1.05, 9.0, 9.1, 8.9, 9.05]})
    stats = kernel_density(bimodal, "v", bandwidth=0.5).stats.iloc[0]
    assert stats["n_peaks"] == 2 and stats["n"] == 8


def test_kernel_density_plot(regions):
    pytest.importorskip("matplotlib")
    import matplotlib.pyplot as plt

    res = kernel_density(regions, "score", n_grid=40)
    for kind in ("ridge", "lines", "3d"):
        fig = res.plot(kind=kind, lang="en")
        assert fig is not None
        plt.close("all")
    with pytest.raises(BenchmarkError, match="kind"):
        res.plot(kind="violin")


# ---------------------------------------------------------------- Moran's I
@pytest.fixture(scope="module")
def esda_local() -> pd.DataFrame:
    return pd.read_csv(DATA / "moran_local_esda.csv", comment="#", dtype={"province": str})


@pytest.mark.parametrize("row", pd.read_csv(DATA / "moran_global_esda.csv", comment="#").to_dict("records"),
                         ids=lambda r: f"{r['column']}-{r['transform']}")
def test_global_moran_matches_esda(esda_local, row):
    res = morans_i(esda_local, row["column"], entity="province", transform=row["transform"],
                   permutations=999, random_state=5)
    o = res.overall.iloc[0]
    for mine, theirs in [("I", "I"), ("expected", "EI"), ("variance_norm", "VI_norm"), ("z_norm", "z_norm"),
                         ("p_norm", "p_norm"), ("variance_rand", "VI_rand"), ("z_rand", "z_rand"),
                         ("p_rand", "p_rand")]:
        assert o[mine] == pytest.approx(row[theirs], abs=1e-10), mine
    assert o["p_sim"] == pytest.approx(row["p_sim"], abs=0.03)  # Monte Carlo: 999 vs 9999 draws


@pytest.mark.parametrize("column", ["value", "value2"])
def test_local_moran_matches_esda(esda_local, column):
    res = morans_i(esda_local, column, entity="province", permutations=9999, random_state=11)
    local = res.local
    n = len(local)
    # esda scales I_i by (n - 1) where Anselin (1995) uses n
    assert np.allclose(local["I"] * (n - 1) / n, esda_local[f"{column}_Is"], atol=1e-10)
    quadrant = local["quadrant"].map({"HH": 1, "LH": 2, "LL": 3, "HL": 4})
    assert (quadrant.to_numpy() == esda_local[f"{column}_q"].to_numpy()).all()
    k = (res.weights.to_numpy() > 0).sum(axis=1)
    several = k >= 2
    assert np.abs(local["p_sim"] - esda_local[f"{column}_p_sim"])[several].max() < 0.02
    # sum of local statistics = S0 x global I (row-standardised: S0 = n)
    assert local["I"].sum() == pytest.approx(n * res.overall["I"].iloc[0])
    assert local["province"].tolist() == esda_local["province"].tolist()


def test_local_moran_single_neighbour_exact(esda_local):
    # With one neighbour the conditional permutation distribution is the n-1 other values: exact p.
    res = morans_i(esda_local, "value2", entity="province", permutations=9999, random_state=2)
    z = esda_local["value2"].to_numpy() - esda_local["value2"].mean()
    w = res.weights.to_numpy()
    for i in np.flatnonzero((w > 0).sum(axis=1) == 1):
        j = int(np.flatnonzero(w[i])[0])
        others = np.delete(z, i)
        sims = z[i] * others
        observed = z[i] * z[j] - 1e-9
        exact = min((sims >= observed).mean(), (sims < observed).mean())  # folded one-sided test
        assert res.local["p_sim"].iloc[i] == pytest.approx(exact, abs=0.02)


def test_moran_weights_matrix_and_periods(esda_local):
    ids = esda_local["province"].tolist()
    w = contiguity_weights(ids)
    panel = pd.concat([esda_local.assign(year=2020), esda_local.assign(year=2021, value=esda_local["value2"])])
    res = morans_i(panel, "value", spatial_weights=w, entity="province", permutations=0)
    assert res.overall["year"].tolist() == [2020, 2021]
    assert res.local["p_sim"].isna().all()
    one = morans_i(esda_local, "value2", entity="province", permutations=0)
    as_array = morans_i(esda_local, "value2", spatial_weights=w.to_numpy(), entity="province", permutations=0)
    pd.testing.assert_frame_equal(as_array.overall, one.overall)
    assert res.overall["I"].iloc[1] == pytest.approx(one.overall["I"].iloc[0])
    assert res.local["province"].dtype == esda_local["province"].dtype


def test_contiguity_table_facts():
    w = contiguity_weights()
    assert w.shape == (31, 31)
    assert np.array_equal(w.to_numpy(), w.to_numpy().T)
    degree = w.sum(axis=1)
    assert degree["内蒙古"] == 8 and degree["陕西"] == 8 and degree["河北"] == 7 and degree["四川"] == 7
    assert degree["北京"] == 2 and degree["海南"] == 1
    assert w.to_numpy().sum() == 2 * 69
    land = contiguity_weights(strait=False)
    assert land.loc["海南"].sum() == 0 and land.to_numpy().sum() == 2 * 68
    by_name = contiguity_weights(["Guangdong", "广西壮族自治区", "430000"])
    assert by_name.to_numpy().sum() == 6
    provinces = bm.datasets.load("china_provinces")
    assert provinces["region"].value_counts().to_dict() == {"west": 12, "east": 11, "central": 8}


# ---------------------------------------------------------------- bad input
def test_bad_input_names_the_culprit(regions):
    neg = regions.assign(score=regions["score"].where(regions.index != 3, -1.0))
    with pytest.raises(BenchmarkError, match="score.*u03|negative"):
        theil(neg, "score", group="region")
    with pytest.raises(BenchmarkError, match="single group"):
        theil(regions.assign(region="east"), "score", group="region")
    with pytest.raises(BenchmarkError, match="single group.*2021|2020"):
        dagum_gini(regions.assign(region="east"), "score", group="region")
    cat = regions.assign(region=pd.Categorical(regions["region"], categories=["east", "central", "west", "north"]))
    with pytest.raises(BenchmarkError, match="empty group.*north"):
        dagum_gini(cat, "score", group="region")
    with pytest.raises(BenchmarkError, match="zero or negative"):
        theil(regions.assign(score=regions["score"].where(regions.index != 0, 0.0)), "score", group="region",
              measure="L")
    with pytest.raises(BenchmarkError, match="missing.*score"):
        gini(regions.assign(score=regions["score"].where(regions.index != 5)), "score")
    with pytest.raises(BenchmarkError, match="nested"):
        theil(regions.assign(province=np.where(regions.index % 2, "x", "y")), "score", group="region",
              subgroup="province")
    with pytest.raises(BenchmarkError, match="weight column.*'pw'"):
        gini(regions, "score", weight="pw")
    with pytest.raises(BenchmarkError, match="measure"):
        theil(regions, "score", group="region", measure="M")
    with pytest.raises(BenchmarkError, match="period column.*'yr'"):
        gini(regions, "score", period="yr")
    with pytest.raises(BenchmarkError, match="bandwidth"):
        kernel_density(regions, "score", bandwidth=-1)
    with pytest.raises(BenchmarkError, match="n_grid"):
        kernel_density(regions, "score", n_grid=1)
    with pytest.raises(BenchmarkError, match="kernel"):
        kernel_density(regions, "score", kernel="box")
    with pytest.raises(BenchmarkError, match="permutations"):
        morans_i(regions, "score", permutations=-1)
    with pytest.raises(BenchmarkError, match="significance"):
        morans_i(regions, "score", significance=1.5)
    with pytest.raises(BenchmarkError, match="entity.*one column"):
        gini(regions, "score", entity=["institution"])
    with pytest.raises(BenchmarkError, match="value.*one column"):
        gini(regions, ["score"])
    for func in (bm.theil, bm.gini, bm.dagum_gini, bm.kernel_density, bm.morans_i):
        assert func.__benchmark_constraints__


def test_bad_weights_matrix(esda_local):
    ids = esda_local["province"].tolist()
    w = contiguity_weights(ids)
    with pytest.raises(BenchmarkError, match="does not match.*新疆"):
        morans_i(esda_local, "value", spatial_weights=w.drop(index="新疆", columns="新疆"), entity="province")
    bigger = contiguity_weights(ids + ["青海"])
    with pytest.raises(BenchmarkError, match="does not match.*青海"):
        morans_i(esda_local, "value", spatial_weights=bigger, entity="province")
    with pytest.raises(BenchmarkError, match="does not match.*shape"):
        morans_i(esda_local, "value", spatial_weights=w.to_numpy()[1:, 1:], entity="province")
    with pytest.raises(BenchmarkError, match="DataFrame"):
        morans_i(esda_local, "value", spatial_weights=[[0, 1], [1, 0]], entity="province")
    with pytest.raises(BenchmarkError, match="`spatial_weights` must be one of 'contiguity'; got 'queen'"):
        morans_i(esda_local, "value", spatial_weights="queen", entity="province")
    with pytest.raises(BenchmarkError, match="海南.*no neighbour"):
        morans_i(esda_local, "value", spatial_weights=contiguity_weights(ids, strait=False), entity="province")
    with pytest.raises(BenchmarkError, match="Atlantis"):
        morans_i(esda_local.assign(province=["Atlantis", *ids[1:]]), "value", entity="province")
    with pytest.raises(BenchmarkError, match="constant"):
        morans_i(esda_local.assign(value=1.0), "value", entity="province")
    with pytest.raises(BenchmarkError, match="entity column"):
        morans_i(esda_local, "value")


def test_inputs_not_modified(regions):
    before = regions.copy()
    theil(regions, "score", group="region", subgroup="province", weight="pop")
    dagum_gini(regions, "score", group="region")
    kernel_density(regions, "score", n_grid=20)
    pd.testing.assert_frame_equal(regions, before)


def test_public_names_exported():
    for name in ("theil", "gini", "dagum_gini", "kernel_density", "morans_i", "contiguity_weights",
                 "plot_kernel_density"):
        assert name in bm.__all__ and callable(getattr(bm, name))
    assert bm.inequality.theil is theil
