"""The efficiency-paper pipeline on the shapes real users bring.

``scale_efficiency``, ``sbm``, ``malmquist`` (DEAP columns), ``sfa``,
``second_stage``/``compare_second_stage`` and ``three_stage_dea`` are called on
the school cross-section (or panel) and on reshaped copies of it: shuffled
rows, any index, integer or categorical ids, nullable dtypes, text, academic
or date periods, and data rescaled by 1e+-300 where the method is
scale-invariant. The answers must match the clean call. The second half
checks that bad input raises a BenchmarkError naming the culprit, and a few
regressions found by trying the functions as a new user would.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from test_metamorphic import (
    BASE,
    SHAPES,
    Shape,
    assert_same,
    normalise,
    quiet,
    reshape,
    usable_spec,
)

import benchmark as bm
from benchmark import BenchmarkError

IN = ["total_funding", "fulltime_teachers"]
OUT = ["tech_service_income", "training_income"]
ENV = ["skill_prizes", "double_qualified_ratio"]
CROSS = BASE[BASE["year"] == 2021].drop(columns="year").reset_index(drop=True)
CROSS = CROSS.assign(score=CROSS["double_qualified_ratio"] / 100)  # a score column in (0, 1]
PANEL = BASE[BASE["year"] <= 2021].reset_index(drop=True)  # three periods keep the test fast


_quiet = quiet


# ---------------------------------------------------------------- reshaped input, same answer
@dataclass
class Call:
    name: str
    run: Callable[[pd.DataFrame], Any]
    panel: bool = False
    scale_invariant: tuple[str, ...] = ()


def _dea_vrs(d: pd.DataFrame) -> Any:
    return bm.dea(d, IN, OUT, rts="vrs")


CALLS = [
    Call("scale_efficiency", lambda d: bm.scale_efficiency(d, IN, OUT),
         scale_invariant=("total_funding", "tech_service_income")),
    Call("scale_efficiency_output", lambda d: bm.scale_efficiency(d, IN, OUT, orientation="output"),
         scale_invariant=("fulltime_teachers", "training_income")),
    Call("sbm", lambda d: bm.sbm(d, IN, OUT, rts="vrs").summary().astype({"value": float}),
         scale_invariant=("total_funding", "tech_service_income")),
    Call("sbm_slacks", lambda d: bm.sbm(d, IN, OUT).slacks),
    Call("sbm_super", lambda d: bm.sbm(d, IN, OUT, super_efficiency=True).efficiency,
         scale_invariant=("total_funding", "training_income")),
    Call("sbm_super_input_vrs", lambda d: bm.sbm(d, IN, OUT, super_efficiency=True, rts="vrs",
                                                 orientation="input").efficiency),
    Call("sbm_undesirable", lambda d: bm.sbm(d, IN, OUT, undesirable="training_income").efficiency,
         scale_invariant=("fulltime_teachers", "training_income")),
    Call("malmquist_deap", lambda d: _malmquist_table(d), panel=True,
         scale_invariant=("total_funding", "training_income")),
    Call("sfa", lambda d: bm.sfa(d, "tech_service_income", IN).efficiency,
         scale_invariant=("tech_service_income", "total_funding", "fulltime_teachers")),
    Call("sfa_coefficients", lambda d: bm.sfa(d, "tech_service_income", IN).coefficients),
    Call("second_stage_tobit", lambda d: bm.second_stage(_dea_vrs(d), d, ["skill_prizes", "tier"],
                                                         method="tobit").coefficients),
    Call("second_stage_ols", lambda d: bm.second_stage(_dea_vrs(d), d, "double_qualified_ratio",
                                                       method="ols").coefficients),
    Call("second_stage_simar_wilson", lambda d: bm.second_stage(_dea_vrs(d), d, ["skill_prizes"], n_boot=40,
                                                                random_state=3).coefficients),
    Call("second_stage_scores", lambda d: bm.second_stage(_dea_vrs(d), d, ["skill_prizes"], algorithm=2,
                                                          n_boot=20, n_boot_bias=10,
                                                          random_state=3).scores),
    Call("three_stage_dea", lambda d: bm.three_stage_dea(d, IN, OUT, ENV).efficiency,
         scale_invariant=("total_funding", "tech_service_income")),
]
CALL_IDS = [c.name for c in CALLS]


def _malmquist_table(d: pd.DataFrame) -> pd.DataFrame:
    return bm.malmquist(d, IN, OUT, rts="vrs").index[
        ["institution", "period_from", "period_to", "malmquist", "efficiency_change", "technical_change",
         "pure_efficiency_change", "scale_efficiency_change"]]


def _frame(call: Call) -> pd.DataFrame:
    return PANEL if call.panel else CROSS


_clean_cache: dict[str, pd.DataFrame] = {}


def _clean(call: Call) -> pd.DataFrame:
    if call.name not in _clean_cache:
        frame = _frame(call)
        _clean_cache[call.name] = normalise(_quiet(lambda: call.run(frame.copy())), Shape(frame.copy()))
    return _clean_cache[call.name]




@pytest.mark.parametrize("call", CALLS, ids=CALL_IDS)
@settings(max_examples=3, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(spec=SHAPES)
def test_reshaped_input_gives_the_same_answer(call: Call, spec: dict) -> None:
    spec = usable_spec(spec, call.scale_invariant)
    shape = reshape(_frame(call), scaled=call.scale_invariant, **spec)
    before = shape.data.copy(deep=True)
    result = _quiet(lambda: call.run(shape.data))
    pd.testing.assert_frame_equal(shape.data, before)  # the input is never modified
    if isinstance(result, pd.DataFrame) and "institution" in result.columns:
        assert result["institution"].dtype == shape.data["institution"].dtype  # ids keep their dtype
    assert_same(_clean(call), normalise(result, shape))


@pytest.mark.parametrize("scale", [1e-300, 1e-6, 1e6, 1e300])
def test_linear_sfa_is_equivariant_in_the_units_of_the_data(scale: float) -> None:
    # y = a + b x + v + u in other units: slopes unchanged, intercept, sigmas and u scale, and the
    # log-likelihood shifts by -n log(scale) (the density of c*y is that of y divided by c)
    rng = np.random.default_rng(7)
    x = rng.uniform(10, 50, 80)
    cost = 20 + 3 * x + rng.normal(0, 2, 80) + np.abs(rng.normal(0, 6, 80))
    frame = pd.DataFrame({"institution": np.arange(80), "cost": cost, "x": x})
    scaled = frame.assign(cost=frame["cost"] * scale, x=frame["x"] * scale)
    a = _quiet(lambda: bm.sfa(frame, "cost", "x", form="linear", cost=True))
    b = _quiet(lambda: bm.sfa(scaled, "cost", "x", form="linear", cost=True))
    assert 0.5 < a.gamma < 0.99  # an interior maximum, where every parameter is identified
    est_a, est_b = a.coefficients.set_index("term"), b.coefficients.set_index("term")
    np.testing.assert_allclose(est_b.loc[["x", "gamma"], ["estimate", "se"]],
                               est_a.loc[["x", "gamma"], ["estimate", "se"]], rtol=1e-6)
    np.testing.assert_allclose(est_b.loc["(Intercept)", "estimate"] / scale,
                               est_a.loc["(Intercept)", "estimate"], rtol=1e-6)
    np.testing.assert_allclose([b.sigma_u / scale, b.sigma_v / scale, b.gamma],
                               [a.sigma_u, a.sigma_v, a.gamma], rtol=1e-6)
    np.testing.assert_allclose(b.loglik + len(frame) * math.log(scale), a.loglik, rtol=1e-9, atol=1e-6)
    np.testing.assert_allclose(b.efficiency["u_jlms"] / scale, a.efficiency["u_jlms"], rtol=1e-6,
                               atol=1e-9 * a.efficiency["u_jlms"].max())


def test_three_stage_dea_does_not_depend_on_row_order() -> None:
    # the stage-2 frontiers used to stop at slightly different points (and once overflowed in a line
    # search) depending on how the rows were sorted
    shuffled = CROSS.sample(frac=1, random_state=3).reset_index(drop=True)
    a = _quiet(lambda: bm.three_stage_dea(CROSS, IN, OUT, ENV)).efficiency.set_index("institution")
    b = _quiet(lambda: bm.three_stage_dea(shuffled, IN, OUT, ENV)).efficiency.set_index("institution")
    pd.testing.assert_frame_equal(a.sort_index(), b.sort_index(), rtol=1e-9, atol=1e-12)


def test_malmquist_orders_text_periods_in_time() -> None:
    # "10" sorts before "9" as text; the periods are years 8, 9, 10
    numbers = PANEL.assign(year=PANEL["year"] - 2011)
    text = numbers.assign(year=numbers["year"].astype(str))
    a = _quiet(lambda: bm.malmquist(numbers, IN, OUT)).index
    b = _quiet(lambda: bm.malmquist(text, IN, OUT)).index
    assert b[["period_from", "period_to"]].drop_duplicates().values.tolist() == [["8", "9"], ["9", "10"]]
    np.testing.assert_allclose(b["malmquist"].to_numpy(), a["malmquist"].to_numpy(), rtol=1e-12)


@pytest.mark.parametrize("kind", ["category", "Float64"])
def test_categorical_and_nullable_indicators(kind: str) -> None:
    typed = CROSS.astype({c: kind for c in IN + OUT + ENV})
    a = _quiet(lambda: bm.three_stage_dea(CROSS, IN, OUT, ENV)).efficiency
    b = _quiet(lambda: bm.three_stage_dea(typed, IN, OUT, ENV)).efficiency
    pd.testing.assert_frame_equal(a, b)
    c = _quiet(lambda: bm.sbm(typed, IN, OUT, undesirable="training_income")).efficiency
    d = _quiet(lambda: bm.sbm(CROSS, IN, OUT, undesirable="training_income")).efficiency
    pd.testing.assert_frame_equal(c, d)


# ---------------------------------------------------------------- bad input names the culprit
def _missing(frame: pd.DataFrame, column: str, row: int = 4) -> pd.DataFrame:
    out = frame.copy()
    out[column] = out[column].astype(object)
    out.iloc[row, out.columns.get_loc(column)] = None
    return out


ZERO_OUTPUT = CROSS.assign(training_income=CROSS["training_income"].where(CROSS.index != 2, 0.0))
NEGATIVE = CROSS.assign(total_funding=CROSS["total_funding"].where(CROSS.index != 2, -1.0))
CONSTANT = CROSS.assign(flat=7.0)
ONE = CROSS.iloc[:1]

FUNCTIONS: dict[str, Callable[..., Any]] = {
    "scale_efficiency": lambda d, **kw: bm.scale_efficiency(d, IN, OUT, **kw),
    "sbm": lambda d, **kw: bm.sbm(d, IN, OUT, **kw),
    "malmquist": lambda d, **kw: bm.malmquist(d, IN, OUT, **kw),
    "sfa": lambda d, **kw: bm.sfa(d, "tech_service_income", IN, **kw),
    "second_stage": lambda d, **kw: bm.second_stage("score", d, "skill_prizes",
                                                    method="ols", **kw),
    "three_stage_dea": lambda d, **kw: bm.three_stage_dea(d, IN, OUT, ENV, **kw),
}


def _data_for(name: str) -> pd.DataFrame:
    return PANEL if name == "malmquist" else CROSS


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_missing_entity_is_named(name: str) -> None:
    with pytest.raises(BenchmarkError, match="institution"):
        _quiet(lambda: FUNCTIONS[name](_missing(_data_for(name), "institution")))


def test_missing_period_is_named() -> None:
    with pytest.raises(BenchmarkError, match="year"):
        _quiet(lambda: bm.malmquist(_missing(PANEL, "year"), IN, OUT))


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_duplicated_units_are_named(name: str) -> None:
    data = pd.concat([_data_for(name), _data_for(name).iloc[[2]]], ignore_index=True)
    with pytest.raises(BenchmarkError, match=str(data["institution"].iloc[2])):
        _quiet(lambda: FUNCTIONS[name](data))


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_a_list_where_one_entity_column_is_meant(name: str) -> None:
    with pytest.raises(BenchmarkError, match="entity"):
        _quiet(lambda: FUNCTIONS[name](_data_for(name), entity=["institution"]))


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_empty_data(name: str) -> None:
    with pytest.raises(BenchmarkError, match="no rows"):
        _quiet(lambda: FUNCTIONS[name](_data_for(name).iloc[:0]))


@pytest.mark.parametrize("name,culprit", [
    ("scale_efficiency", "at least 2"), ("sbm", "at least 2"), ("three_stage_dea", "at least 2"),
    ("sfa", "more units than parameters"), ("second_stage", "constant"),
])
def test_a_single_unit(name: str, culprit: str) -> None:
    with pytest.raises(BenchmarkError, match=culprit):
        _quiet(lambda: FUNCTIONS[name](ONE))


@pytest.mark.parametrize("call,culprit", [
    (lambda: bm.sbm(CROSS, IN, OUT, orientation="both"), "orientation"),
    (lambda: bm.sbm(CROSS, IN, OUT, rts=1), "rts"),
    (lambda: bm.sbm(CROSS, IN, OUT, super_efficiency="yes"), "super_efficiency"),
    (lambda: bm.sbm(CROSS, IN, OUT, weights={"total_funding": -1.0}), "weights"),
    (lambda: bm.sbm(CROSS, IN, OUT, n_jobs=0), "n_jobs"),
    (lambda: bm.scale_efficiency(CROSS, IN, OUT, tol=0.5), "tol"),
    (lambda: bm.scale_efficiency(CROSS, IN, OUT, orientation=None), "orientation"),
    (lambda: bm.malmquist(PANEL, IN, OUT, rts="nirs"), "rts"),
    (lambda: bm.malmquist(PANEL, IN, OUT, period=["year"]), "period"),
    (lambda: bm.sfa(CROSS, ["tech_service_income"], IN), "tech_service_income"),
    (lambda: bm.sfa(CROSS, "tech_service_income", IN, form="quadratic"), "form"),
    (lambda: bm.sfa(CROSS, "tech_service_income", IN, maxiter=0), "maxiter"),
    (lambda: bm.sfa(CROSS, "tech_service_income", IN, ci=1.5), "ci"),
    (lambda: bm.sfa(CROSS, "tech_service_income", IN, cost="yes"), "cost"),
    (lambda: bm.sfa(CROSS, "tech_service_income", IN, ci=None), "ci"),
    (lambda: bm.second_stage("score", CROSS, "skill_prizes", method="tobit", ci=None), "ci"),
    (lambda: bm.second_stage("score", CROSS, "skill_prizes", ci=None), "ci"),
    (lambda: bm.second_stage("score", CROSS, "skill_prizes", method="probit"), "method"),
    (lambda: bm.second_stage("score", CROSS, "skill_prizes", n_boot=5), "n_boot"),
    (lambda: bm.second_stage("score", CROSS, "skill_prizes", algorithm=3), "algorithm"),
    (lambda: bm.second_stage("score", CROSS, "skill_prizes", random_state=-1),
     "random_state"),
    (lambda: bm.second_stage("score", CROSS, [["skill_prizes"]]), "covariates"),
    (lambda: bm.second_stage({"a": 1}, CROSS, "skill_prizes", method="ols"), "scores"),
    (lambda: bm.second_stage("tier", CROSS, "skill_prizes", method="ols"), "tier"),
    (lambda: bm.three_stage_dea(CROSS, IN, OUT, [["skill_prizes"]]), "environment"),
    (lambda: bm.three_stage_dea(CROSS, IN, OUT, ENV, inefficiency="exponential"), "inefficiency"),
    (lambda: bm.three_stage_dea(CROSS, IN, OUT, ENV, orientation="output"), "orientation"),
    (lambda: bm.compare_second_stage(), "at least one"),
    (lambda: bm.compare_second_stage(bm.second_stage("score", CROSS, "skill_prizes",
                                                     method="ols"), stats=[]), "stats"),
], ids=lambda v: v if isinstance(v, str) else "")
def test_wrongly_typed_or_out_of_range_parameters(call: Callable[[], Any], culprit: str) -> None:
    with pytest.raises(BenchmarkError, match=culprit):
        _quiet(call)


@pytest.mark.parametrize("call,culprit", [
    (lambda: bm.sbm(ZERO_OUTPUT, IN, OUT), "training_income"),
    (lambda: bm.sbm(ZERO_OUTPUT, IN, OUT, undesirable="training_income"), "training_income"),
    (lambda: bm.sbm(CROSS, IN, OUT, undesirable="skill_prizes"), "skill_prizes"),
    (lambda: bm.sbm(NEGATIVE, IN, OUT), "total_funding"),
    (lambda: bm.scale_efficiency(NEGATIVE, IN, OUT), "total_funding"),
    (lambda: bm.sfa(NEGATIVE, "tech_service_income", IN), "total_funding"),
    (lambda: bm.sfa(CONSTANT, "flat", IN), "flat"),
    (lambda: bm.sfa(CONSTANT, "tech_service_income", ["flat"]), "flat"),
    (lambda: bm.second_stage("score", CONSTANT, "flat", method="tobit"), "flat"),
    (lambda: bm.second_stage("score", _missing(CROSS, "skill_prizes"), "skill_prizes",
                             method="ols"), "skill_prizes"),
    (lambda: bm.second_stage("score", CROSS.assign(fit=CROSS["double_qualified_ratio"] * 2),
                             "fit", method="ols"), "perfectly"),
    (lambda: bm.three_stage_dea(CONSTANT, IN, OUT, "flat"), "flat"),
    (lambda: bm.three_stage_dea(CROSS.assign(e=[np.inf] + [1.0] * (len(CROSS) - 1)), IN, OUT, "e"), "'e'"),
    (lambda: bm.malmquist(PANEL.assign(year=PANEL["year"].map(lambda y: f"wave {y}")), IN, OUT), "spacing"),
    (lambda: bm.malmquist(PANEL[PANEL["year"] == 2021], IN, OUT), "periods"),
    (lambda: bm.malmquist(PANEL, IN, OUT, period="institution"), "period"),
    (lambda: bm.second_stage("score", CROSS.assign(t=pd.Timestamp("2020-09-01")), "t", method="ols"), "'t'"),
    (lambda: bm.second_stage("score", CROSS.assign(region="east"), ["skill_prizes", "region"], method="ols"),
     "region"),
    (lambda: bm.second_stage(pd.Series(CROSS["score"].to_numpy(), index=np.arange(len(CROSS)) + 500), CROSS,
                             "skill_prizes", method="ols"), "index"),
], ids=lambda v: v if isinstance(v, str) else "")
def test_bad_data_is_named(call: Callable[[], Any], culprit: str) -> None:
    with pytest.raises(BenchmarkError, match=culprit):
        _quiet(call)


def test_compare_second_stage_takes_one_statistic_by_name() -> None:
    ols = bm.second_stage("score", CROSS, "skill_prizes", method="ols")
    wide = bm.compare_second_stage(ols, stats="se")
    assert list(wide.columns) == ["ols_se"]
    np.testing.assert_allclose(wide["ols_se"].to_numpy(), ols.coefficients["se"].to_numpy(), equal_nan=True)


@pytest.mark.parametrize("order", ["reversed", "by entity"])
def test_a_score_series_is_lined_up_with_the_units(order: str) -> None:
    # a Series used to be taken in row order whatever its index said
    plain = bm.second_stage(CROSS["score"].to_numpy(), CROSS, "skill_prizes", method="ols").coefficients
    series = CROSS["score"].iloc[::-1] if order == "reversed" else \
        CROSS.set_index("institution")["score"].sort_index()
    got = bm.second_stage(series, CROSS, "skill_prizes", method="ols").coefficients
    pd.testing.assert_frame_equal(got, plain)


@pytest.mark.parametrize("method", ["ols", "tobit", "simar_wilson"])
@pytest.mark.parametrize("scale", [1e-300, 1e6, 1e300])
def test_second_stage_is_equivariant_in_the_units_of_a_covariate(method: str, scale: float) -> None:
    # funding in yuan instead of 10,000 yuan used to stop the Tobit and truncated-regression optimisers;
    # a covariate's coefficient, se and interval scale by 1/scale, everything else is unchanged
    first = _quiet(lambda: _dea_vrs(CROSS))
    covs = ["skill_prizes", "double_qualified_ratio"]
    kw = {"n_boot": 30, "random_state": 4} if method == "simar_wilson" else {}
    a = bm.second_stage(first, CROSS, covs, method=method, **kw).coefficients.set_index("term")
    scaled = CROSS.assign(skill_prizes=CROSS["skill_prizes"] * scale)
    b = bm.second_stage(first, scaled, covs, method=method, **kw).coefficients.set_index("term")
    cols = ["estimate", "se", "ci_low", "ci_high"]
    np.testing.assert_allclose(b.loc["skill_prizes", cols].to_numpy(float) * scale,
                               a.loc["skill_prizes", cols].to_numpy(float), rtol=1e-6)
    others = [t for t in a.index if t != "skill_prizes"]
    np.testing.assert_allclose(b.loc[others, cols].to_numpy(float), a.loc[others, cols].to_numpy(float),
                               rtol=1e-6, equal_nan=True)
    np.testing.assert_allclose(b["p"].to_numpy(float), a["p"].to_numpy(float), rtol=1e-5, atol=1e-12,
                               equal_nan=True)


@pytest.mark.parametrize("plot", [
    lambda: _quiet(lambda: bm.three_stage_dea(CROSS, IN, OUT, ENV)).plot(ax="left"),
    lambda: bm.plot_malmquist(_quiet(lambda: bm.malmquist(PANEL, IN, OUT)), ax="left"),
], ids=["three_stage_dea", "malmquist"])
def test_plots_name_a_wrong_ax(plot: Callable[[], Any]) -> None:
    import matplotlib.pyplot as plt

    open_before = len(plt.get_fignums())
    with pytest.raises(BenchmarkError, match="ax"):
        plot()
    assert len(plt.get_fignums()) == open_before  # no figure left behind


@pytest.mark.parametrize("top", [1e308, 3e-308])
def test_sbm_near_the_ends_of_the_float_range(top: float) -> None:
    # SBM divides each column by its mean before solving; a plain sum of values near 1e+308 overflowed
    unit = CROSS.assign(**{c: CROSS[c] / CROSS[c].max() for c in IN + OUT})
    extreme = CROSS.assign(**{c: CROSS[c] / CROSS[c].max() * top for c in IN + OUT})
    for kw in ({}, {"super_efficiency": True, "rts": "vrs"}, {"undesirable": "training_income"}):
        a = _quiet(lambda kw=kw: bm.sbm(unit, IN, OUT, **kw)).efficiency
        b = _quiet(lambda kw=kw: bm.sbm(extreme, IN, OUT, **kw)).efficiency
        pd.testing.assert_frame_equal(a, b, rtol=1e-9)


def test_unused_categories_of_a_covariate_are_not_dummies() -> None:
    # a category level no unit has (left over after filtering rows) is not a constant covariate
    first = _quiet(lambda: bm.dea(CROSS, IN, OUT))
    a = bm.second_stage(first, CROSS, "tier", method="ols").coefficients
    levels = [*sorted(CROSS["tier"].unique()), "not observed"]
    b = bm.second_stage(first, CROSS.assign(tier=pd.Categorical(CROSS["tier"], categories=levels)), "tier",
                        method="ols").coefficients
    pd.testing.assert_frame_equal(a, b)


def test_bootstrap_order_follows_the_ids_not_the_category_codes() -> None:
    # text ids and an ordered categorical copy whose categories run backwards draw the same bootstrap
    first = _quiet(lambda: bm.dea(CROSS, IN, OUT))
    a = bm.second_stage(first, CROSS, "skill_prizes", n_boot=30, random_state=0).coefficients
    backwards = CROSS.assign(institution=pd.Categorical(
        CROSS["institution"], categories=sorted(CROSS["institution"].unique(), reverse=True), ordered=True))
    first_b = _quiet(lambda: bm.dea(backwards, IN, OUT))
    b = bm.second_stage(first_b, backwards, "skill_prizes", n_boot=30, random_state=0).coefficients
    pd.testing.assert_frame_equal(a, b)
