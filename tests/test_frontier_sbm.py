"""Tests of benchmark.frontier.sbm against deaR 1.5.3 (tests/data/r_models, see its README)."""

from __future__ import annotations

import copy
import dataclasses
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from benchmark import BenchmarkError, ColumnError, NonPositiveError, sbm

pytestmark = pytest.mark.filterwarnings("ignore:DEA with:UserWarning")

DATA = Path(__file__).parent / "data" / "r_models"
ORI = {"none": "no", "input": "io", "output": "oo"}
SETS = {
    "Tone2001": ("DMU", ["Input1", "Input2"], ["Output1", "Output2"]),
    "Power_plants": ("DMU", ["X1", "X2", "X3", "X4"], ["Y1", "Y2"]),
    "charnes1981": ("firm", ["x1", "x2", "x3", "x4", "x5"], ["y1", "y2", "y3"]),
}
UNDESIRABLE = {
    "Tone2003": ("DMU", ["x"], ["yg", "yb"], ["yb"]),
    "Hua_Bian_2007": ("DMUS", ["D-Input1", "D-Input2"], ["D-Output1", "D-Output2", "UD-Output1"], ["UD-Output1"]),
}
MODELS = [(rts, ori) for rts in ("crs", "vrs") for ori in ("none", "input", "output")]


def _reference(name: str) -> pd.DataFrame:
    return pd.read_csv(DATA / f"{name}.csv", keep_default_na=False, na_values=["nan"], dtype={"unit": str})


def _data(name: str, idc: str) -> pd.DataFrame:
    return pd.read_csv(DATA / f"{name}.csv", dtype={idc: str})


def _rows(ref: pd.DataFrame, dataset: str, rts: str, ori: str, quantity: str, units: pd.Series) -> np.ndarray:
    sel = ref[(ref["dataset"] == dataset) & (ref["rts"] == rts) & (ref["orientation"] == ORI[ori])
              & (ref["quantity"] == quantity)]
    return sel.set_index("unit")["value"].reindex(units.to_numpy()).to_numpy(dtype=float)


@pytest.fixture(scope="module")
def refs() -> dict[str, pd.DataFrame]:
    return {k: _reference(k) for k in ("sbm", "sbm_super", "sbm_undesirable")}


# ----------------------------------------------------------------- deaR parity
@pytest.mark.parametrize("dataset", list(SETS))
@pytest.mark.parametrize(("rts", "ori"), MODELS)
def test_efficiency_matches_dear(refs, dataset, rts, ori):
    idc, ins, outs = SETS[dataset]
    df = _data(dataset, idc)
    res = sbm(df, ins, outs, rts=rts, orientation=ori, entity=idc)
    expected = _rows(refs["sbm"], dataset, rts, ori, "efficiency", df[idc])
    np.testing.assert_allclose(res.efficiency["efficiency"], expected, rtol=0, atol=1e-6)
    assert (res.efficiency["efficient"] == (expected > 1 - 1e-6)).all()


@pytest.mark.parametrize(("dataset", "rts"), [("Tone2001", "crs"), ("Tone2001", "vrs"), ("Power_plants", "crs"),
                                              ("Power_plants", "vrs"), ("charnes1981", "vrs")])
def test_nonoriented_slacks_match_dear(refs, dataset, rts):
    idc, ins, outs = SETS[dataset]
    df = _data(dataset, idc)
    slacks = sbm(df, ins, outs, rts=rts, entity=idc).slacks
    for c in ins + outs:
        q = ("slack_in_" if c in ins else "slack_out_") + c
        np.testing.assert_allclose(slacks[c], _rows(refs["sbm"], dataset, rts, "none", q, df[idc]), atol=1e-6)


def test_slacks_reproduce_the_score_and_lie_in_the_technology(refs):
    """charnes1981 CRS has alternative optimal slacks: check they give deaR's rho and a feasible target."""
    idc, ins, outs = SETS["charnes1981"]
    df = _data("charnes1981", idc)
    res = sbm(df, ins, outs, entity=idc)
    X, Y = df[ins].to_numpy(float), df[outs].to_numpy(float)
    sx, sy = res.slacks[ins].to_numpy(), res.slacks[outs].to_numpy()
    rho = (1 - (sx / X).mean(axis=1)) / (1 + (sy / Y).mean(axis=1))
    np.testing.assert_allclose(rho, _rows(refs["sbm"], "charnes1981", "crs", "none", "efficiency", df[idc]),
                               atol=1e-6)
    lam = res.lambdas.pivot(index=idc, columns="peer", values="lambda").reindex(
        index=df[idc], columns=df[idc]).fillna(0).to_numpy()
    np.testing.assert_allclose(lam @ X, X - sx, atol=1e-6)  # X lambda = x - s^-
    np.testing.assert_allclose(lam @ Y, Y + sy, atol=1e-6)  # Y lambda = y + s^+


def test_tone_2001_worked_example():
    """Tone (2001), sec. 5: DMU A has rho = 0.798, s2- = 0.357, s1+ = 0.714, peers C and E."""
    df = _data("Tone2001", "DMU")
    res = sbm(df, ["Input1", "Input2"], ["Output1", "Output2"], entity="DMU")
    a = res.slacks.set_index("DMU").loc["DMU_A"]
    assert res.efficiency["efficiency"].iloc[0] == pytest.approx(0.798, abs=5e-4)
    assert (a["Input1"], a["Input2"], a["Output1"], a["Output2"]) == pytest.approx((0, 5 / 14, 10 / 14, 0))
    assert set(res.peers().query("DMU == 'DMU_A'")["peer"]) == {"DMU_C", "DMU_E"}
    tgt = res.targets().query("DMU == 'DMU_A'").set_index("indicator")["target"]
    np.testing.assert_allclose(tgt.to_numpy(), [4, 3 - 5 / 14, 2 + 10 / 14, 3])


@pytest.mark.parametrize("dataset", list(SETS))
@pytest.mark.parametrize(("rts", "ori"), MODELS)
def test_super_sbm_matches_dear(refs, dataset, rts, ori):
    idc, ins, outs = SETS[dataset]
    df = _data(dataset, idc)
    eff = sbm(df, ins, outs, rts=rts, orientation=ori, super_efficiency=True, entity=idc).efficiency
    delta = _rows(refs["sbm_super"], dataset, rts, ori, "delta", df[idc])
    combined = _rows(refs["sbm_super"], dataset, rts, ori, "super_sbm_combined", df[idc])
    # infeasible oriented VRS programs: NaN with a reason, exactly where deaR has NA
    assert (eff["super_efficiency"].isna().to_numpy() == np.isnan(delta)).all()
    assert eff.loc[eff["super_efficiency"].isna(), "reason"].str.contains("infeasible").all()
    np.testing.assert_allclose(eff["super_efficiency"], delta, atol=1e-6)
    np.testing.assert_allclose(eff["efficiency"], combined, atol=1e-6)
    np.testing.assert_allclose(eff["sbm_efficiency"], _rows(refs["sbm_super"], dataset, rts, ori,
                                                            "sbm_efficiency", df[idc]), atol=1e-6)


@pytest.mark.parametrize("dataset", list(UNDESIRABLE))
@pytest.mark.parametrize(("rts", "ori"), MODELS)
def test_undesirable_outputs_match_dear(refs, dataset, rts, ori):
    idc, ins, outs, bad = UNDESIRABLE[dataset]
    df = _data(dataset, idc)
    res = sbm(df, ins, outs, undesirable=bad, rts=rts, orientation=ori, entity=idc)
    ref = refs["sbm_undesirable"]
    np.testing.assert_allclose(res.efficiency["efficiency"], _rows(ref, dataset, rts, ori, "efficiency", df[idc]),
                               atol=1e-6)
    if ori == "none":
        for c in ins + outs:
            q = ("slack_in_" if c in ins else "slack_bad_" if c in bad else "slack_out_") + c
            np.testing.assert_allclose(res.slacks[c], _rows(ref, dataset, rts, ori, q, df[idc]), atol=1e-6)


def test_tone_2003_documented_example():
    """deaR's documentation of Tone2003 (VRS, non-oriented): A 0.667, B-E 1, F 0.909, G 0.706, H 0.8, I 0.6."""
    df = _data("Tone2003", "DMU")
    res = sbm(df, "x", ["yg", "yb"], undesirable="yb", rts="vrs", entity="DMU")
    np.testing.assert_allclose(res.efficiency["efficiency"], [2 / 3, 1, 1, 1, 1, 10 / 11, 12 / 17, 0.8, 0.6],
                               atol=1e-3)
    roles = res.targets().set_index(["DMU", "indicator"])["role"]
    assert roles.loc[("A", "yb")] == "undesirable"


# ----------------------------------------------------------------- engines and properties
@pytest.fixture(scope="module")
def random_units() -> pd.DataFrame:
    rng = np.random.default_rng(7)
    n = 60
    x = rng.uniform(1, 10, (n, 3))
    y = x.mean(axis=1, keepdims=True) ** 0.8 * rng.uniform(0.3, 1, (n, 2))
    return pd.DataFrame({"institution": np.arange(100, 100 + n), "a": x[:, 0], "b": x[:, 1], "c": x[:, 2],
                         "p": y[:, 0], "q": y[:, 1]})


@pytest.mark.parametrize("rts", ["crs", "vrs"])
@pytest.mark.parametrize("ori", ["none", "input", "output"])
def test_highs_and_scipy_and_parallel_agree(random_units, rts, ori):
    kw = {"rts": rts, "orientation": ori, "super_efficiency": True}
    a = sbm(random_units, ["a", "b", "c"], ["p", "q"], engine="highs", **kw)
    b = sbm(random_units, ["a", "b", "c"], ["p", "q"], engine="scipy", **kw).efficiency
    c = sbm(random_units, ["a", "b", "c"], ["p", "q"], engine="auto", **kw)
    np.testing.assert_allclose(a.efficiency["efficiency"], b["efficiency"], atol=1e-8)
    np.testing.assert_allclose(c.efficiency["efficiency"], b["efficiency"], atol=1e-8)
    if ori == "none":  # the batched simplex's slacks and lambdas satisfy the constraints too
        lam = c.lambdas.pivot(index="institution", columns="peer", values="lambda").reindex(
            index=random_units["institution"], columns=random_units["institution"]).fillna(0).to_numpy()
        X = random_units[["a", "b", "c"]].to_numpy()
        np.testing.assert_allclose(lam @ X, X - c.slacks[["a", "b", "c"]].to_numpy(), atol=1e-7)
    a = a.efficiency
    assert a["institution"].dtype == random_units["institution"].dtype  # ids keep their dtype


def test_parallel_blocks_agree():
    rng = np.random.default_rng(3)
    x = rng.uniform(1, 10, (700, 2))
    y = rng.uniform(0.5, 1, (700, 1)) * x.sum(axis=1, keepdims=True)
    df = pd.DataFrame({"institution": [f"u{i}" for i in range(700)], "a": x[:, 0], "b": x[:, 1], "y": y[:, 0]})
    one = sbm(df, ["a", "b"], "y", rts="vrs", n_jobs=1).efficiency["efficiency"]
    two = sbm(df, ["a", "b"], "y", rts="vrs", n_jobs=2).efficiency["efficiency"]
    np.testing.assert_allclose(one, two, atol=1e-9)


@settings(max_examples=15, deadline=None)
@given(st.lists(st.floats(0.01, 100), min_size=5, max_size=5), st.permutations(range(12)))
def test_units_invariance_and_row_order(scale, order):
    """SBM is unit-invariant (Tone 2001, property P2): rescaling a column leaves every score unchanged,
    and so does reordering the rows."""
    rng = np.random.default_rng(11)
    base = pd.DataFrame(rng.uniform(1, 5, (12, 5)), columns=["x1", "x2", "y1", "y2", "b"])
    base.insert(0, "institution", list("abcdefghijkl"))
    kw = {"undesirable": "b", "super_efficiency": True}
    ref = sbm(base, ["x1", "x2"], ["y1", "y2", "b"], **kw).efficiency.set_index("institution")["efficiency"]
    scaled = base.copy()
    scaled[["x1", "x2", "y1", "y2", "b"]] *= scale
    scaled = scaled.iloc[list(order)]
    got = sbm(scaled, ["x1", "x2"], ["y1", "y2", "b"], **kw).efficiency.set_index("institution")["efficiency"]
    np.testing.assert_allclose(got.reindex(ref.index), ref, rtol=1e-7)


def test_sbm_never_exceeds_radial_score(random_units):
    """rho_SBM <= theta_CCR (Tone 2001, Theorem 2)."""
    from benchmark import dea

    r = sbm(random_units, ["a", "b", "c"], ["p", "q"]).efficiency["efficiency"]
    d = dea(random_units, ["a", "b", "c"], ["p", "q"]).efficiency["efficiency"]
    assert (r.to_numpy() <= d.to_numpy() + 1e-9).all()


def test_weights_change_the_score_as_defined():
    df = _data("Tone2001", "DMU")
    res = sbm(df, ["Input1", "Input2"], ["Output1", "Output2"], entity="DMU", orientation="input",
              weights={"Input1": 1.0, "Input2": 3.0})
    s = res.slacks.set_index("DMU")
    x = df.set_index("DMU")
    by_hand = 1 - (0.25 * s["Input1"] / x["Input1"] + 0.75 * s["Input2"] / x["Input2"])
    np.testing.assert_allclose(res.efficiency.set_index("DMU")["efficiency"], by_hand, atol=1e-9)


def test_result_object(random_units):
    res = sbm(random_units, ["a", "b", "c"], ["p", "q"], super_efficiency=True)
    summ = res.summary()
    assert summ.set_index("statistic").loc["units", "value"] == 60
    assert set(res.to_frames()) == {"efficiency", "lambdas", "slacks", "targets"}
    assert "SBMResult" in res._repr_html_()
    wide = res.peers(wide=True)
    assert len(wide) == 60 and "peer_1" in wide
    with pytest.raises(dataclasses.FrozenInstanceError):
        res.rts = "vrs"


def test_plot_two_inputs_one_output():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    df = _data("Tone2001", "DMU")[["DMU", "Input1", "Input2", "Output1"]]
    res = sbm(df, ["Input1", "Input2"], "Output1", entity="DMU")
    ax = res.plot(focus="DMU_A")
    assert ax.get_title()
    plt.close("all")


# ----------------------------------------------------------------- bad input
def test_bad_input():
    df = _data("Tone2003", "DMU")
    with pytest.raises(ColumnError, match="'yz'.*not among `outputs`"):
        sbm(df, "x", ["yg", "yb"], undesirable="yz", entity="DMU")
    with pytest.raises(BenchmarkError, match="every output is undesirable"):
        sbm(df, "x", "yb", undesirable="yb", entity="DMU")
    zero = df.assign(yb=df["yb"].where(df["DMU"] != "C", 0.0))
    with pytest.raises(NonPositiveError, match=r"'yb'.*'C'"):
        sbm(zero, "x", ["yg", "yb"], undesirable="yb", entity="DMU")
    with pytest.raises(BenchmarkError, match="`orientation`"):
        sbm(df, "x", "yg", orientation="sideways", entity="DMU")
    with pytest.raises(BenchmarkError, match="`rts`"):
        sbm(df, "x", "yg", rts="nirs", entity="DMU")
    with pytest.raises(BenchmarkError, match="`super_efficiency`"):
        sbm(df, "x", "yg", super_efficiency="yes", entity="DMU")
    with pytest.raises(BenchmarkError, match="'zz'"):
        sbm(df, "x", "yg", weights={"zz": 1.0}, entity="DMU")
    with pytest.raises(BenchmarkError, match="weights.*'x'"):
        sbm(df, "x", "yg", weights={"x": -1.0}, entity="DMU")
    with pytest.raises(ColumnError, match="both"):
        sbm(df, "x", ["yg", "x"], entity="DMU")
    with pytest.raises(BenchmarkError, match="n_jobs"):
        sbm(df, "x", "yg", entity="DMU", n_jobs=0)
    missing = df.assign(x=df["x"].where(df["DMU"] != "B"))
    with pytest.raises(BenchmarkError, match="'x'.*B"):
        sbm(missing, "x", "yg", entity="DMU")
    before = copy.deepcopy(df)
    sbm(df, "x", ["yg", "yb"], undesirable="yb", entity="DMU", super_efficiency=True)
    pd.testing.assert_frame_equal(df, before)
