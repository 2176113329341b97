"""Tests of benchmark.frontier.scale_efficiency against deaR 1.5.3 (tests/data/r_models) and by hand."""

from __future__ import annotations

import copy
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from benchmark import BenchmarkError, ColumnError, dea, scale_efficiency

pytestmark = pytest.mark.filterwarnings("ignore:DEA with:UserWarning")

DATA = Path(__file__).parent / "data" / "r_models"
SETS = {"charnes1981": ("firm", ["x1", "x2", "x3", "x4", "x5"], ["y1", "y2", "y3"]),
        "Coll_Blasco_2006": ("Authorized_dealer", ["Employees", "Capital"], ["Vehicles", "Orders"])}
CLASS = {1: "irs", 0: "crs", -1: "drs"}


@pytest.fixture(scope="module")
def dear() -> pd.DataFrame:
    return pd.read_csv(DATA / "scale_rts.csv", keep_default_na=False, na_values=["nan"], dtype={"unit": str})


@pytest.mark.parametrize("dataset", list(SETS))
@pytest.mark.parametrize("orientation", ["input", "output"])
def test_matches_dear_and_deap_rule(dear, dataset, orientation):
    idc, ins, outs = SETS[dataset]
    df = pd.read_csv(DATA / f"{dataset}.csv", dtype={idc: str})
    res = scale_efficiency(df, ins, outs, orientation=orientation, entity=idc).set_index(idc)
    ref = dear[(dear["dataset"] == dataset) & (dear["orientation"] == {"input": "io", "output": "oo"}[orientation])]

    def rows(rts: str, quantity: str) -> pd.Series:
        sel = ref[(ref["rts"] == rts) & (ref["quantity"] == quantity)]
        return sel.set_index("unit")["value"].reindex(res.index)

    for rts in ("crs", "vrs", "nirs"):
        expected = rows(rts, "efficiency")
        if orientation == "output":
            expected = 1 / expected  # deaR reports Farrell phi >= 1; the table holds 1/phi
        np.testing.assert_allclose(res[f"te_{rts}"], expected, atol=1e-6)
    np.testing.assert_allclose(res["scale_efficiency"], rows("", "scale_efficiency"), atol=1e-6)
    assert (res["returns_to_scale"] == rows("", "rts_class_nirs").astype(int).map(CLASS)).all()


def test_by_hand_one_input_one_output():
    """Units (1,1), (2,3), (4,4), (4,2): CRS best ratio 1.5 (B); VRS frontier A-B-C."""
    df = pd.DataFrame({"institution": list("ABCDEF"), "x": [1.0, 2, 4, 4, 2, 3], "y": [1.0, 3, 4, 2, 1.5, 3]})
    res = scale_efficiency(df, "x", "y").set_index("institution")
    np.testing.assert_allclose(res["te_crs"], [2 / 3, 1, 2 / 3, 1 / 3, 0.5, 2 / 3])
    # D: output 2 on segment A-B needs x = 1.5; F: output 3 is B's, x = 2
    np.testing.assert_allclose(res["te_vrs"], [1, 1, 1, 1.5 / 4, 1.25 / 2, 2 / 3])
    assert res["returns_to_scale"].tolist() == ["irs", "crs", "drs", "irs", "irs", "crs"]
    out = scale_efficiency(df, "x", "y", orientation="output").set_index("institution")
    np.testing.assert_allclose(out.loc["D", "te_vrs"], 0.5)  # at x = 4 the VRS frontier gives y = 4
    assert out.loc["D", "returns_to_scale"] == "drs"


def test_decomposition_identity_and_dea_agreement():
    rng = np.random.default_rng(5)
    df = pd.DataFrame(rng.uniform(1, 10, (40, 3)), columns=["a", "b", "y"])
    df.insert(0, "institution", np.arange(40, dtype=np.int32))
    res = scale_efficiency(df, ["a", "b"], "y")
    np.testing.assert_allclose(res["te_crs"], res["te_vrs"] * res["scale_efficiency"])
    np.testing.assert_allclose(res["te_vrs"], dea(df, ["a", "b"], "y", rts="vrs").efficiency["efficiency"])
    assert (res["scale_efficiency"] <= 1 + 1e-12).all()
    assert res["institution"].dtype == np.int32


@settings(max_examples=10, deadline=None)
@given(st.floats(0.01, 100), st.floats(0.01, 100))
def test_classes_do_not_depend_on_units_of_measurement(kx, ky):
    rng = np.random.default_rng(9)
    df = pd.DataFrame(rng.uniform(1, 10, (15, 2)), columns=["x", "y"])
    df["y"] = df["x"] ** 0.7 * rng.uniform(0.6, 1, 15)
    df.insert(0, "institution", list("abcdefghijklmno"))
    base = scale_efficiency(df, "x", "y")
    scaled = scale_efficiency(df.assign(x=df["x"] * kx, y=df["y"] * ky), "x", "y")
    np.testing.assert_allclose(scaled["scale_efficiency"], base["scale_efficiency"], rtol=1e-7)
    assert (scaled["returns_to_scale"] == base["returns_to_scale"]).all()


def test_bad_input():
    df = pd.DataFrame({"institution": list("ABCDEF"), "x": [1.0, 2, 4, 4, 2, 3], "y": [1.0, 3, 4, 2, 1.5, 3]})
    with pytest.raises(BenchmarkError, match="`orientation`"):
        scale_efficiency(df, "x", "y", orientation="none")
    with pytest.raises(BenchmarkError, match="`tol`"):
        scale_efficiency(df, "x", "y", tol=-1)
    with pytest.raises(ColumnError, match="'z'"):
        scale_efficiency(df, "x", "z")
    with pytest.raises(BenchmarkError, match="negative.*'x'|'x'.*negative"):
        scale_efficiency(df.assign(x=-df["x"]), "x", "y")
    with pytest.raises(BenchmarkError, match="'x'.*'C'"):
        scale_efficiency(df.assign(x=df["x"].where(df["institution"] != "C")), "x", "y")
    before = copy.deepcopy(df)
    scale_efficiency(df, "x", "y")
    pd.testing.assert_frame_equal(df, before)
