"""Tests of benchmark.frontier.malmquist."""

from __future__ import annotations

import copy
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from benchmark import BenchmarkError, ColumnError, DuplicateRowError, malmquist

pytestmark = [pytest.mark.filterwarnings("ignore:DEA with:UserWarning"),
              pytest.mark.filterwarnings("ignore:.*infeasible VRS cross-period:UserWarning")]


@pytest.fixture
def panel() -> pd.DataFrame:
    """Twelve colleges with fixed inputs and fixed efficiency whose outputs all grow 10 % a year."""
    rng = np.random.default_rng(0)
    x = rng.uniform(1, 10, (12, 2))
    eff = rng.uniform(0.5, 1, 12)
    rows = []
    for year in (2019, 2020, 2021):
        for i in range(12):
            rows.append({"institution": f"c{i}", "year": year, "staff": x[i, 0], "budget": x[i, 1],
                         "graduates": x[i].mean() * eff[i] * 1.1 ** (year - 2019)})
    return pd.DataFrame(rows)


def test_one_input_one_output_crs_by_hand():
    """With one input and one output under CRS, E_s(t) = (y/x)_t / F_s with F_s the best ratio
    of period s, so the index is the unit's own productivity growth, EC the change of its
    distance to the best, and TC the growth of the best ratio."""
    df = pd.DataFrame({"institution": list("ABCABC"), "year": [1] * 3 + [2] * 3,
                       "x": [2.0, 4, 5, 2, 3, 5], "y": [2.0, 2, 4, 3, 3, 2]})
    res = malmquist(df, "x", "y").index.set_index("institution")
    p0 = pd.Series([1.0, 0.5, 0.8], index=list("ABC"))
    p1 = pd.Series([1.5, 1.0, 0.4], index=list("ABC"))
    np.testing.assert_allclose(res["malmquist"], p1 / p0)
    np.testing.assert_allclose(res["efficiency_change"], (p1 / 1.5) / (p0 / 1.0))
    np.testing.assert_allclose(res["technical_change"], 1.5 / 1.0)
    np.testing.assert_allclose(res["eff_to_on_from"], p1 / 1.0)  # period-2 data, period-1 frontier


def test_decomposition_and_orientation(panel):
    a = malmquist(panel, ["staff", "budget"], "graduates")
    idx = a.index.dropna(subset=["malmquist"])
    np.testing.assert_allclose(idx["malmquist"], idx["efficiency_change"] * idx["technical_change"])
    b = malmquist(panel, ["staff", "budget"], "graduates", orientation="output")
    np.testing.assert_allclose(a.index["malmquist"], b.index["malmquist"])  # CRS: orientation-free
    assert a.index.groupby(["period_from", "period_to"]).size().tolist() == [12, 12]
    summ = a.period_means()
    assert list(summ["period_from"]) == [2019, 2020]
    assert list(summ["units"]) == [12, 12]
    # every unit's productivity grows 10 % a year at unchanged distance to the frontier
    np.testing.assert_allclose(idx["malmquist"], 1.1)
    np.testing.assert_allclose(idx["efficiency_change"], 1.0)
    np.testing.assert_allclose(summ["technical_change"], 1.1)


def test_unbalanced_panel_is_reported(panel):
    gappy = panel.drop(panel.index[(panel["institution"] == "c3") & (panel["year"] == 2020)])
    res = malmquist(gappy, ["staff", "budget"], "graduates")
    rows = res.index[res.index["institution"] == "c3"]
    assert rows["malmquist"].isna().all() and len(rows) == 2
    assert set(rows["reason"]) == {"not observed in 2020"}
    cov = res.coverage.set_index("period_from")
    assert cov.loc[2019, "units_both"] == 11 and cov.loc[2019, "only_from"] == 1
    assert cov.loc[2020, "only_to"] == 1


def test_vrs_infeasible_cross_period_warns_and_keeps_deap_components():
    """B's 2nd-year output exceeds anything period 1 can make under VRS: the VRS cross-period program is
    infeasible. As in DEAP the index stays on CRS distances (by hand: best y/x is 1 in year 1 and 3 in
    year 2) and the VRS distances only enter pech through the same-period scores."""
    df = pd.DataFrame({"institution": list("ABAB"), "year": [1, 1, 2, 2],
                       "x": [1.0, 2, 1, 2], "y": [1.0, 2, 3, 5]})
    with pytest.warns(UserWarning, match=r"2 of 2 unit-pairs have an infeasible VRS") as rec:
        res = malmquist(df, "x", "y", rts="vrs")
    assert len([w for w in rec if "infeasible" in str(w.message)]) == 1
    idx = res.index.set_index("institution")
    np.testing.assert_allclose(idx["malmquist"], [3.0, 2.5])  # own productivity growth y/x
    np.testing.assert_allclose(idx["technical_change"], [3.0, 3.0])
    np.testing.assert_allclose(idx["efficiency_change"], [1.0, 2.5 / 3])
    np.testing.assert_allclose(idx["pure_efficiency_change"], [1.0, 1.0])  # both VRS-efficient each year
    np.testing.assert_allclose(idx["scale_efficiency_change"], idx["efficiency_change"])
    assert np.isinf(idx["vrs_to_on_from"]).all()
    assert idx["reason"].isna().all()


def test_crs_infeasible_cross_period_is_missing_with_a_reason():
    """No period-1 unit produces y2, so period-2 units with y2 > 0 cannot be projected on that frontier."""
    df = pd.DataFrame({"institution": list("ABAB"), "year": [1, 1, 2, 2], "x": [1.0, 2, 1, 2],
                       "y1": [1.0, 2, 1, 2], "y2": [0.0, 0, 1, 0]})
    with pytest.warns(UserWarning, match="1 unit-pair.*constant returns"):
        idx = malmquist(df, "x", ["y1", "y2"]).index.set_index("institution")
    assert np.isnan(idx.loc["A", "malmquist"]) and "infeasible" in idx.loc["A", "reason"]
    assert np.isfinite(idx.loc["B", "malmquist"])


def test_bad_input(panel):
    with pytest.raises(BenchmarkError, match="only year"):
        malmquist(panel[panel["year"] == 2019], "staff", "graduates")
    with pytest.raises(ColumnError, match="'quarter'"):
        malmquist(panel, "staff", "graduates", period="quarter")
    with pytest.raises(DuplicateRowError, match="c0"):
        malmquist(pd.concat([panel, panel.head(1)]), "staff", "graduates")
    with pytest.raises(BenchmarkError, match="2021.*fewer than 2"):
        malmquist(panel[(panel["year"] < 2021) | (panel["institution"] == "c0")], "staff", "graduates")
    with pytest.raises(BenchmarkError, match="both"):
        malmquist(panel, "staff", ["graduates", "staff"])
    with pytest.raises(BenchmarkError, match="rts"):
        malmquist(panel, "staff", "graduates", rts="fdh")
    before = copy.deepcopy(panel)
    malmquist(panel, "staff", "graduates")
    pd.testing.assert_frame_equal(panel, before)


# ----------------------------------------------------------------- deaR parity (tests/data/r_models)
DATA = Path(__file__).parent / "data" / "r_models"
PANELS = {"EconomyLong": ("DMUs", "Period", ["Capital", "Labor"], ["GIOV"]),
          "Grifell_Lovell_1999": ("DMU", "Year", ["X"], ["Y"])}
QUANTITY = {"mi": "malmquist", "ec": "efficiency_change", "tc": "technical_change",
            "pech": "pure_efficiency_change", "sech": "scale_efficiency_change",
            "eff_later_data_earlier_frontier": "eff_to_on_from",
            "eff_earlier_data_later_frontier": "eff_from_on_to"}


@pytest.fixture(scope="module")
def dear() -> pd.DataFrame:
    return pd.read_csv(DATA / "malmquist.csv", keep_default_na=False, na_values=["nan"],
                       dtype={"unit": str, "period": str})


@pytest.mark.parametrize("dataset", list(PANELS))
@pytest.mark.parametrize("rts", ["crs", "vrs"])
@pytest.mark.parametrize("orientation", ["input", "output"])
def test_deap_decomposition_matches_dear(dear, dataset, rts, orientation):
    idc, per, ins, outs = PANELS[dataset]
    df = pd.read_csv(DATA / f"{dataset}.csv")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # EconomyLong has infeasible VRS cross-period programs
        res = malmquist(df, ins, outs, entity=idc, period=per, rts=rts, orientation=orientation)
    ref = dear[(dear["dataset"] == dataset) & (dear["rts"] == rts)
               & (dear["orientation"] == {"input": "io", "output": "oo"}[orientation])]
    idx = res.index.assign(unit=res.index[idc].astype(str),
                           pair=res.index["period_from"].astype(str) + "-" + res.index["period_to"].astype(str))
    idx = idx.set_index(["unit", "pair"])
    per_unit = ref[ref["model"] == "malmquist_fgnz"]
    checked = 0
    for quantity, column in QUANTITY.items():
        rows = per_unit[per_unit["quantity"] == quantity].set_index(["unit", "period"])["value"]
        if len(rows):
            np.testing.assert_allclose(idx[column].reindex(rows.index), rows, rtol=0, atol=1e-6)
            checked += 1
    assert checked == (5 if rts == "crs" else 4)
    # same-period distances: CRS in the crs run, VRS in the vrs run
    same = per_unit[per_unit["quantity"] == "eff_same_period"].set_index(["unit", "period"])["value"]
    cols = ("eff_from", "eff_to") if rts == "crs" else ("vrs_from", "vrs_to")
    got = pd.concat([idx[cols[0]].rename_axis(["unit", "p"]).reset_index().assign(
                         period=lambda d: d["p"].str.split("-").str[0]),
                     idx[cols[1]].rename_axis(["unit", "p"]).reset_index().assign(
                         period=lambda d: d["p"].str.split("-").str[1])])
    got["value"] = got[cols[0]].fillna(got[cols[1]])
    got = got.drop_duplicates(["unit", "period"]).set_index(["unit", "period"])["value"]
    np.testing.assert_allclose(got.reindex(same.index), same, atol=1e-6)
    # DEAP's annual (per period pair) and firm (per unit) geometric means
    means = ref[ref["model"] == "malmquist_fgnz_geomean"]
    annual = res.period_means().assign(pair=lambda d: d["period_from"].astype(str) + "-" + d["period_to"].astype(str))
    firm = res.unit_means().assign(unit=lambda d: d[idc].astype(str))
    for quantity in means["quantity"].unique():
        a = means[(means["quantity"] == quantity) & (means["unit"] == "")].set_index("period")["value"]
        np.testing.assert_allclose(annual.set_index("pair")[QUANTITY[quantity]].reindex(a.index), a, atol=1e-6)
        u = means[(means["quantity"] == quantity) & (means["period"] == "")].set_index("unit")["value"]
        np.testing.assert_allclose(firm.set_index("unit")[QUANTITY[quantity]].reindex(u.index), u, atol=1e-6)


def test_summary_states_coverage(panel):
    gappy = panel.drop(panel.index[(panel["institution"] == "c3") & (panel["year"] == 2020)])
    res = malmquist(gappy, ["staff", "budget"], "graduates", rts="vrs")
    summ = pd.concat([res.period_means(), res.overall()], ignore_index=True)
    assert list(summ["units"]) == [11, 11, 11]  # c3 (missing in 2020) is in neither pair
    assert res.overall()["pairs"].tolist() == [22]
    assert summ["period_from"].iloc[-1] == 2019 and summ["period_to"].iloc[-1] == 2021
    # balanced here: the span mean is the mean of the annual means
    np.testing.assert_allclose(res.overall()["malmquist"],
                               np.exp(np.log(res.period_means()["malmquist"]).mean()))
    headline = res.summary().set_index("statistic")["value"]
    assert headline["units"] == 11 and headline["pairs"] == 22
    assert headline["malmquist"] == pytest.approx(res.overall()["malmquist"].iloc[0])
    np.testing.assert_allclose(summ["malmquist"], summ["efficiency_change"] * summ["technical_change"])
    np.testing.assert_allclose(summ["efficiency_change"],
                               summ["pure_efficiency_change"] * summ["scale_efficiency_change"])


def test_ids_keep_their_dtype():
    df = pd.DataFrame({"institution": [10, 20, 30] * 2, "year": [1] * 3 + [2] * 3,
                       "x": [1.0, 2, 4, 1, 2, 4], "y": [1.0, 1, 2, 2, 1, 2]})
    res = malmquist(df, "x", "y")
    assert res.index["institution"].dtype == df["institution"].dtype
    assert res.unit_means()["institution"].dtype == df["institution"].dtype


def test_plot_components_over_time(panel):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from benchmark import plot_malmquist

    res = malmquist(panel, ["staff", "budget"], "graduates", rts="vrs")
    ax = res.plot(lang="zh")
    assert len(ax.get_lines()) == 6  # five components and the line at 1
    assert "Malmquist" in ax.get_title()
    ax = plot_malmquist(res, focus="c1", components=["malmquist"])
    np.testing.assert_allclose(ax.get_lines()[0].get_ydata(), res.index.query("institution == 'c1'")["malmquist"])
    n_figs = len(plt.get_fignums())
    with pytest.raises(BenchmarkError, match="pure_efficiency_change"):
        plot_malmquist(malmquist(panel, "staff", "graduates"), components=["pure_efficiency_change"])
    with pytest.raises(BenchmarkError, match="lang"):
        plot_malmquist(res, lang="fr")
    with pytest.raises(BenchmarkError, match="'c99'"):
        plot_malmquist(res, focus="c99")
    assert len(plt.get_fignums()) == n_figs  # failed calls leave no figure open
    plt.close("all")


@settings(max_examples=5, deadline=None)
@given(st.floats(0.01, 100), st.floats(0.01, 100), st.sampled_from(["input", "output"]))
def test_indices_do_not_depend_on_units_of_measurement(kx, ky, orientation):
    """Rescaling an input or output column (the same factor in every period) changes no index."""
    rng = np.random.default_rng(4)
    df = pd.DataFrame({"institution": [f"u{i}" for i in range(8)] * 3, "year": np.repeat([1, 2, 3], 8),
                       "x1": rng.uniform(1, 5, 24), "x2": rng.uniform(1, 5, 24), "y": rng.uniform(1, 5, 24)})
    cols = ["malmquist", "efficiency_change", "technical_change", "pure_efficiency_change",
            "scale_efficiency_change"]
    base = malmquist(df, ["x1", "x2"], "y", rts="vrs", orientation=orientation).index[cols]
    scaled = malmquist(df.assign(x1=df["x1"] * kx, y=df["y"] * ky), ["x1", "x2"], "y", rts="vrs",
                       orientation=orientation).index[cols]
    np.testing.assert_allclose(scaled, base, rtol=1e-7)
