"""Tests of benchmark.frontier.malmquist."""

from __future__ import annotations

import copy

import numpy as np
import pandas as pd
import pytest

from benchmark import BenchmarkError, ColumnError, DuplicateRowError, malmquist

pytestmark = pytest.mark.filterwarnings("ignore:DEA with:UserWarning")


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
