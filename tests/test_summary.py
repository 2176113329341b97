"""summary() means one thing on every result: headline figures as statistic/value rows.

Every result class exported by ``benchmark`` is built from small data through
its public function; its summary is checked for shape (key columns, then
``statistic`` and ``value``; one row per key and statistic) and a few of its
figures are recomputed here from the result's tables or from the data by the
textbook formula (Theil's T, the Gini mean difference, Moran's I, Cronbach's
alpha, Saaty's consistency ratio, an OLS R-squared, the adjusted Rand index).
"""

from __future__ import annotations

import dataclasses
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import benchmark as bm
from benchmark._results import Result

# Results of the report package are summarised by that package's own tests.
REPORT_RESULTS = {"Report", "BatchReport", "Overview"}

N = 12
IDS = [f"u{i:02d}" for i in range(N)]


def _cross() -> pd.DataFrame:
    rng = np.random.default_rng(7)
    x1 = rng.uniform(1, 10, N)
    x2 = rng.uniform(1, 10, N)
    y = x1**0.4 * x2**0.5 * np.exp(-rng.exponential(0.25, N) + rng.normal(0, 0.1, N))
    return pd.DataFrame({"institution": IDS, "x1": x1.round(3), "x2": x2.round(3), "y": y.round(4),
                         "z": rng.normal(size=N).round(3), "region": ["A", "B", "C"] * 4})


CROSS = _cross()
YEARS = [2020, 2021, 2022]
PANEL = pd.concat([CROSS.assign(year=t, y=(CROSS["y"] * (1 + 0.05 * k + 0.03 * np.sin(np.arange(N) + k))).round(4))
                   for k, t in enumerate(YEARS)], ignore_index=True)
RING = pd.DataFrame(0.0, index=IDS, columns=IDS)
for _i in range(N):
    RING.iloc[_i, (_i + 1) % N] = RING.iloc[(_i + 1) % N, _i] = 1.0
AHP_MATRIX = np.array([[1, 3, 5], [1 / 3, 1, 2], [1 / 5, 1 / 2, 1]])
# four entities, three years: a stays in A, b moves B -> A -> A, c moves B -> C -> B, d stays in C
TRANSITION_PANEL = pd.DataFrame({
    "institution": list("abcd") * 3, "year": [2020] * 4 + [2021] * 4 + [2022] * 4,
    "tier": ["A", "B", "B", "C", "A", "A", "C", "C", "A", "A", "B", "C"],
})


def _tiers() -> bm.TierResult:
    return bm.tiers(CROSS, ["x1", "x2", "y"], k=3, n_boot=10, random_state=0)


def _comparison() -> bm.TierComparison:
    res = _tiers()
    official = res.assignments[["institution", "label"]].rename(columns={"label": "tier"})
    official.loc[0, "tier"] = 1 if official.loc[0, "tier"] != 1 else 2  # one placement disagrees
    return res.compare(official)


BUILDERS = {
    "DEAResult": lambda: bm.dea(CROSS, ["x1", "x2"], "y", rts="vrs"),
    "SBMResult": lambda: bm.sbm(CROSS, ["x1", "x2"], "y"),
    "BootstrapResult": lambda: bm.dea_bootstrap(CROSS, ["x1", "x2"], "y", n_boot=50, random_state=1),
    "SFAResult": lambda: bm.sfa(CROSS, "y", ["x1", "x2"]),
    "SecondStageResult": lambda: bm.second_stage(bm.dea(CROSS, ["x1", "x2"], "y", rts="vrs"), CROSS, "z",
                                                 method="tobit"),
    "ThreeStageResult": lambda: bm.three_stage_dea(CROSS, ["x1", "x2"], "y", "z"),
    "MalmquistResult": lambda: bm.malmquist(PANEL, ["x1", "x2"], "y"),
    "ValueAdded": lambda: bm.value_added(CROSS, "y", ["x1", "x2"]),
    "RankUncertainty": lambda: bm.rank_uncertainty(CROSS, ["x1", "x2", "y"], n_draws=32, random_state=0),
    "AHPResult": lambda: bm.ahp(AHP_MATRIX, items=["x1", "x2", "y"]),
    "ObstacleDegree": lambda: bm.obstacle_degree(PANEL, ["x1", "x2", "y"]),
    "Preprocessed": lambda: bm.impute(CROSS.assign(x1=CROSS["x1"].where(~CROSS.index.isin([2, 5]))),
                                      ["x1", "x2"]),
    "Reliability": lambda: bm.reliability(CROSS, ["x1", "x2", "y"]),
    "TierResult": _tiers,
    "TierComparison": _comparison,
    "TierTransitions": lambda: bm.tier_transitions(TRANSITION_PANEL, "tier", order=["A", "B", "C"]),
    "TheilResult": lambda: bm.theil(PANEL, "y", group="region"),
    "DagumResult": lambda: bm.dagum_gini(PANEL, "y", group="region"),
    "DensityResult": lambda: bm.kernel_density(PANEL, "y"),
    "MoranResult": lambda: bm.morans_i(PANEL, "y", spatial_weights=RING, permutations=99, random_state=0),
}

RESULT_CLASSES = sorted(n for n in bm.__all__
                        if isinstance(getattr(bm, n), type) and issubclass(getattr(bm, n), Result))


@pytest.fixture(scope="module")
def results() -> dict[str, Result]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # SFA on 12 units may sit at a variance bound
        return {name: build() for name, build in BUILDERS.items()}


def figures(res: Result, *keys: str) -> pd.Series:
    """The summary's value column indexed by (keys..., statistic)."""
    return res.summary().set_index([*keys, "statistic"])["value"]


# ---------------------------------------------------------------- one shape for all
def test_every_exported_result_class_is_covered():
    missing = [n for n in RESULT_CLASSES if n not in BUILDERS and n not in REPORT_RESULTS]
    assert not missing, f"add a builder for {missing}"


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_summary_is_a_tidy_headline_table(results, name):
    res = results[name]
    assert type(res).__name__ == name
    table = res.summary()
    assert isinstance(table, pd.DataFrame) and len(table) > 0
    assert list(table.columns[-2:]) == ["statistic", "value"]
    assert table["value"].dtype == object
    assert table["statistic"].map(lambda s: isinstance(s, str) and s != "").all()
    keys = list(table.columns[:-2])
    assert not table.duplicated([*keys, "statistic"]).any()
    for value in table["value"]:
        assert value is None or isinstance(value, str | bool | int | float), (name, value)
    # the per-unit tables are not the summary
    for frame in res.to_frames().values():
        assert list(frame.columns) != list(table.columns) or frame is not table


def test_default_summary_counts_the_rows_of_each_table():
    @dataclasses.dataclass(frozen=True, repr=False)
    class Plain(Result):
        first: pd.DataFrame
        second: pd.DataFrame

    res = Plain(first=pd.DataFrame({"a": [1, 2, 3]}), second=pd.DataFrame({"b": [1.0]}))
    out = res.summary()
    assert out.to_dict("list") == {"statistic": ["rows_first", "rows_second"], "value": [3, 1]}
    assert "rows_first" in res._repr_html_()


# ---------------------------------------------------------------- frontier
def test_dea_figures(results):
    res = results["DEAResult"]
    f = figures(res)
    eff = res.efficiency["efficiency"]
    assert f["units"] == N
    assert f["mean"] == pytest.approx(eff.mean())
    assert f["median"] == pytest.approx(np.median(eff))
    assert f["efficient"] == int((eff >= 1 - 1e-6).sum())


def test_sbm_and_bootstrap_figures(results):
    sbm = results["SBMResult"]
    assert figures(sbm)["efficient"] == int((sbm.efficiency["efficiency"] >= 1 - 1e-6).sum())
    boot = results["BootstrapResult"]
    f = figures(boot)
    assert f["n_boot"] == 50
    eff = boot.efficiency
    assert f["mean_interval_width"] == pytest.approx((eff["ci_high"] - eff["ci_low"]).mean())


def test_sfa_figures(results):
    res = results["SFAResult"]
    f = figures(res)
    assert f["n"] == N
    assert f["loglik"] == res.loglik
    assert f["lr_statistic"] == pytest.approx(2 * (res.loglik - res.loglik_ols))
    assert f["gamma"] == pytest.approx(res.sigma_u**2 / (res.sigma_u**2 + res.sigma_v**2))


def test_second_stage_figures(results):
    res = results["SecondStageResult"]
    f = figures(res)
    assert f["method"] == "tobit" and f["units"] == N
    assert f["censored"] == int(res.scores["censored"].sum())
    z = res.coefficients.set_index("term").loc["z"]
    assert (f["significant"] == "z") == bool(z["ci_low"] > 0 or z["ci_high"] < 0)


def test_three_stage_figures(results):
    res = results["ThreeStageResult"]
    f = figures(res, "score")
    for score in ("stage1", "stage3"):
        assert f[score, "mean"] == pytest.approx(res.efficiency[score].mean())
        assert f[score, "min"] == pytest.approx(res.efficiency[score].min())


def test_malmquist_figures_are_geometric_means_over_the_span(results):
    res = results["MalmquistResult"]
    f = figures(res)
    idx = res.index.dropna(subset=["malmquist"])
    gmean = {c: float(np.exp(np.log(idx[c]).mean())) for c in ("malmquist", "efficiency_change", "technical_change")}
    assert f["malmquist"] == pytest.approx(gmean["malmquist"])
    # M = EC x TC unit by unit, so the geometric means multiply too
    assert f["malmquist"] == pytest.approx(f["efficiency_change"] * f["technical_change"])
    assert f["pairs"] == len(idx) == N * (len(YEARS) - 1)
    assert (f["period_from"], f["period_to"]) == (2020, 2022)


# ---------------------------------------------------------------- value added, composite
def test_value_added_r2_against_least_squares(results):
    res = results["ValueAdded"]
    f = figures(res)
    X = np.column_stack([np.ones(N), CROSS["x1"], CROSS["x2"]])
    y = CROSS["y"].to_numpy()
    beta = np.linalg.lstsq(X, y, rcond=None)[0]
    r2 = 1 - np.sum((y - X @ beta) ** 2) / np.sum((y - y.mean()) ** 2)
    assert f["r2"] == pytest.approx(r2)
    assert f["n"] == N and f["p"] == 3
    sig = res.estimates["significant"].fillna(False).astype(bool)
    assert f["significant_above"] == int((sig & (res.estimates["value_added"] > 0)).sum())
    assert f["significant_above"] + f["significant_below"] == int(sig.sum())


def test_rank_uncertainty_figures(results):
    res = results["RankUncertainty"]
    f = figures(res)
    assert f["n_draws"] == 32 and f["ci"] == 0.9 and f["entities"] == N
    assert f["mean_interval_width"] == pytest.approx((res.ranks["ci_high"] - res.ranks["ci_low"]).mean())
    pooled = res.sensitivity[res.sensitivity["output"] == "rank"].set_index("factor")["total"]
    assert f["most_influential"] == pooled.idxmax()
    assert f["most_influential_total"] == pytest.approx(pooled.max())


def test_ahp_consistency_against_the_eigenvalue():
    res = BUILDERS["AHPResult"]()
    f = figures(res)
    lam = float(np.max(np.linalg.eigvals(AHP_MATRIX).real))
    assert f["lambda_max"] == pytest.approx(lam, rel=1e-9)
    assert f["ci"] == pytest.approx((lam - 3) / 2, rel=1e-6)
    assert f["cr"] == pytest.approx((lam - 3) / 2 / 0.58, rel=1e-6)  # Saaty's random index for n = 3
    assert f["consistent"] is True and isinstance(f["verdict"], str)


def test_obstacle_summary_names_the_largest_mean_obstacles(results):
    res = results["ObstacleDegree"]
    table = res.summary()
    assert list(table.columns) == ["year", "statistic", "value"]
    assert table["statistic"].tolist() == ["obstacle 1", "obstacle 2", "obstacle 3"] * len(YEARS)
    for year in YEARS:
        means = res.indicators[res.indicators["year"] == year].groupby("indicator")["obstacle"].mean()
        ranked = means.sort_values(ascending=False)
        shown = table.loc[table["year"] == year, "value"].tolist()
        assert shown == [f"{name} ({value:.1f})" for name, value in ranked.items()]


def test_preprocessed_and_reliability_figures(results):
    f = figures(results["Preprocessed"])
    assert (f["step"], f["values_changed"], f["indicators_changed"], f["rows"]) == ("impute", 2, 1, N)
    rel = figures(results["Reliability"], "pillar")
    x = CROSS[["x1", "x2", "y"]].to_numpy()
    alpha = 3 / 2 * (1 - x.var(axis=0, ddof=1).sum() / x.sum(axis=1).var(ddof=1))
    assert rel["all", "alpha"] == pytest.approx(alpha)
    assert rel["all", "n_indicators"] == 3


# ---------------------------------------------------------------- tiers
def test_tier_figures(results):
    res = results["TierResult"]
    f = figures(res)
    assert f["k"] == 3 and f["units"] == N and f["method"] == "kmeans"
    sizes = res.assignments["label"].value_counts()
    for label, size in sizes.items():
        assert f[f"n_tier_{label}"] == size
    assert f["mean_jaccard"] == pytest.approx(res.stability["jaccard"].mean())


def test_tier_comparison_figures(results):
    from sklearn.metrics import adjusted_rand_score

    res = results["TierComparison"]
    f = figures(res)
    p = res.placements
    assert f["ari"] == pytest.approx(adjusted_rand_score(p["official_rank"], p["tier"]))
    assert f["same"] == N - 1 and f["higher"] + f["lower"] == 1


def test_tier_transition_figures_counted_by_hand(results):
    f = figures(results["TierTransitions"])
    # 2020 -> 2021: a stays, b up, c down, d stays; 2021 -> 2022: a, b, d stay, c up
    assert (f["pairs"], f["transitions"], f["stayed"], f["up"], f["down"]) == (2, 8, 5, 2, 1)
    assert f["stayed_share"] == pytest.approx(5 / 8)
    assert f["entered"] == 0 and f["exited"] == 0


# ---------------------------------------------------------------- inequality
def test_theil_per_year_by_the_formula(results):
    f = figures(results["TheilResult"], "year")
    for year in YEARS:
        y = PANEL.loc[PANEL["year"] == year, "y"].to_numpy()
        s = y / y.mean()
        assert f[year, "theil"] == pytest.approx(np.mean(s * np.log(s)))
        assert f[year, "between"] + f[year, "within"] == pytest.approx(f[year, "theil"])


def test_dagum_gini_per_year_by_the_mean_difference(results):
    f = figures(results["DagumResult"], "year")
    for year in YEARS:
        y = PANEL.loc[PANEL["year"] == year, "y"].to_numpy()
        gini = np.abs(y[:, None] - y[None, :]).sum() / (2 * len(y) ** 2 * y.mean())
        assert f[year, "gini"] == pytest.approx(gini)
        parts = f[year, "within"] + f[year, "between"] + f[year, "transvariation"]
        assert parts == pytest.approx(gini)


def test_density_and_moran_per_year(results):
    dens = figures(results["DensityResult"], "year")
    moran = figures(results["MoranResult"], "year")
    w = RING.to_numpy() / RING.to_numpy().sum(axis=1, keepdims=True)
    for year in YEARS:
        y = PANEL.loc[PANEL["year"] == year, "y"].to_numpy()
        assert dens[year, "n"] == N and dens[year, "mean"] == pytest.approx(y.mean())
        z = y - y.mean()
        assert moran[year, "I"] == pytest.approx(N / w.sum() * (z @ w @ z) / (z @ z))
        assert moran[year, "expected"] == pytest.approx(-1 / (N - 1))
    assert "variance_norm" not in set(results["MoranResult"].summary()["statistic"])


def test_summary_of_a_cross_section_has_no_key_column():
    table = bm.theil(CROSS, "y", group="region", period=None).summary()
    assert list(table.columns) == ["statistic", "value"]


def test_key_columns_keep_their_dtype():
    text_years = PANEL.assign(year=PANEL["year"].astype(str))
    table = bm.dagum_gini(text_years, "y", group="region").summary()
    assert table["year"].tolist()[0] == "2020"
    assert table["year"].dtype == text_years["year"].dtype


# ---------------------------------------------------------------- invariance
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.permutations(range(N)))
def test_summary_does_not_depend_on_row_order(order):
    shuffled = CROSS.iloc[list(order)].reset_index(drop=True)
    a = bm.dea(CROSS, ["x1", "x2"], "y", rts="vrs").summary()
    b = bm.dea(shuffled, ["x1", "x2"], "y", rts="vrs").summary()
    np.testing.assert_allclose(a["value"].astype(float), b["value"].astype(float), rtol=1e-9)
    t_a = bm.theil(CROSS, "y", group="region", period=None).summary()
    t_b = bm.theil(shuffled, "y", group="region", period=None).summary()
    assert t_a["statistic"].tolist() == t_b["statistic"].tolist()
    np.testing.assert_allclose(t_a["value"].astype(float), t_b["value"].astype(float), rtol=1e-9)
