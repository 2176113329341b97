"""Metamorphic tests: legitimate reshapes of the same data give the same answer.

Every public analysis function is called on a clean school panel and on a
reshaped copy of it: rows shuffled, the index relabelled (labels, duplicated
labels, a MultiIndex), ids recoded (integers, categorical), indicators stored
as nullable or categorical dtypes, periods given as text years, academic years
or dates, and indicators rescaled by 1e+-300 where the method is
scale-invariant. The results, mapped back to the clean ids and periods, must
be identical. The second half asserts that the bad shapes real users bring
(missing keys, lists where one name is meant, wrongly typed arguments) raise
a BenchmarkError naming the culprit.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import benchmark as bm
from benchmark import BenchmarkError, datasets

INDICATORS = ["tech_service_income", "training_income", "skill_prizes", "double_qualified_ratio"]
DIRECTION = {"tech_service_income": "higher", "training_income": "higher", "skill_prizes": "higher",
             "double_qualified_ratio": "higher"}


def _base() -> pd.DataFrame:
    panel = datasets.load("shuanggao")
    keep = ["institution", "year", "tier", "province", "total_funding", "fulltime_teachers", *INDICATORS]
    schools = panel.loc[panel["unit_type"] == "school", keep].reset_index(drop=True)
    return schools.astype({c: float for c in keep[4:]})


BASE = _base()
NAMES = sorted(BASE["institution"].unique())
FOCUS = NAMES[3]


# ---------------------------------------------------------------- reshaping
@dataclass
class Shape:
    """A reshaped copy of a frame, with the maps back to the clean ids and periods."""

    data: pd.DataFrame
    ids: dict[Any, Any] = field(default_factory=dict)  # new id -> clean id
    periods: dict[Any, Any] = field(default_factory=dict)  # new period -> clean period
    scale: float = 1.0

    def id_of(self, name: Any) -> Any:
        return {v: k for k, v in self.ids.items()}.get(name, name)

    def id_of_period(self, year: Any) -> Any:
        return {v: k for k, v in self.periods.items()}.get(year, year)

    def period_of(self, year: Any) -> Any:
        return {v: k for k, v in self.periods.items()}.get(year, year)


def reshape(frame: pd.DataFrame, *, seed: int, index: str, ids: str, periods: str, dtypes: str,
            scale: float = 1.0, scaled: tuple[str, ...] = ()) -> Shape:
    rng = np.random.default_rng(seed)
    out = frame.iloc[rng.permutation(len(frame))].copy()
    shape = Shape(out)
    if ids == "int":
        codes = {name: 1000 + k for k, name in enumerate(NAMES)}
        out["institution"] = out["institution"].map(codes).astype("int64")
        shape.ids = {v: k for k, v in codes.items()}
    elif ids == "category":
        out["institution"] = pd.Categorical(out["institution"])
    if "year" in out.columns:
        years = sorted(frame["year"].unique())
        if periods == "text":
            new = {y: str(y) for y in years}
        elif periods == "academic":
            new = {y: f"{y}-{(y + 1) % 100:02d}" for y in years}
        elif periods == "date":
            new = {y: pd.Timestamp(f"{y}-09-01") for y in years}
        else:
            new = {}
        if new:
            out["year"] = out["year"].map(new)
            if periods == "date":
                out["year"] = pd.to_datetime(out["year"])
            shape.periods = {v: k for k, v in new.items()}
    for c in scaled:
        out[c] = out[c] * scale
    shape.scale = scale
    if dtypes == "nullable":
        for c in INDICATORS:
            out[c] = out[c].astype("Float64")
    elif dtypes == "int-nullable":
        out["skill_prizes"] = out["skill_prizes"].round().astype("Int64")
    if index == "labels":
        out.index = [f"r{i}" for i in range(len(out))]
    elif index == "duplicated":
        out.index = [i % 7 for i in range(len(out))]
    elif index == "multi":
        out.index = pd.MultiIndex.from_arrays([np.arange(len(out)) % 3, np.arange(len(out))])
    shape.data = out
    return shape


def normalise(result: Any, shape: Shape, scaled_cols: tuple[str, ...] = ()) -> pd.DataFrame:
    """A result table mapped back to clean ids and periods, in a canonical row order."""
    table = result if isinstance(result, pd.DataFrame) else result.summary()
    table = table.copy()
    for col in table.columns:
        values = table[col]
        if isinstance(values.dtype, pd.CategoricalDtype) and col in ("institution",):
            table[col] = values.astype(object)
        if shape.ids and col in ("institution", "peer", "focus"):
            table[col] = table[col].map(lambda v: shape.ids.get(v, v))
        if col in ("year", "from_period", "to_period", "period_from", "period_to") or str(col).endswith("_year"):
            back = table[col].astype(object).map(lambda v: shape.periods.get(v, v) if pd.notna(v) else None)
            table[col] = back.map(lambda v: None if v is None else str(int(v))).astype(object)
    for col in table.columns:
        if isinstance(table[col].dtype, pd.CategoricalDtype) and col in ("institution", "peer", "focus"):
            table[col] = table[col].astype(object)
        elif pd.api.types.is_extension_array_dtype(table[col]) and pd.api.types.is_numeric_dtype(table[col]):
            table[col] = table[col].astype("float64")
    keys = [c for c in table.columns if not pd.api.types.is_float_dtype(table[c])]
    sortable = [c for c in keys if table[c].map(lambda v: isinstance(v, str | int | float | np.integer | bool)
                                                 or pd.isna(v)).all()]
    if sortable:
        table = table.sort_values(sortable, kind="stable", key=lambda s: s.astype(str))
    return table.reset_index(drop=True)


def assert_same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    assert list(a.columns) == list(b.columns)
    assert len(a) == len(b)
    for col in a.columns:
        x, y = a[col], b[col]
        if pd.api.types.is_float_dtype(x) and pd.api.types.is_float_dtype(y):
            np.testing.assert_allclose(x.to_numpy(float), y.to_numpy(float), rtol=1e-7, atol=1e-9,
                                       equal_nan=True, err_msg=col)
        else:
            xs = x.astype(object).where(x.notna(), None).astype(str).tolist()
            ys = y.astype(object).where(y.notna(), None).astype(str).tolist()
            assert xs == ys, col


# ---------------------------------------------------------------- the calls
@dataclass
class Call:
    name: str
    run: Callable[[Shape], Any]
    panel: bool = True  # False: called on one year only
    scale_invariant: tuple[str, ...] = ()  # columns that may be rescaled without changing the result


def _cross(shape: Shape) -> pd.DataFrame:
    return shape.data


CALLS = [
    Call("change", lambda s: bm.change(s.data, INDICATORS, direction=DIRECTION)
         .drop(columns=["abs_change"])),
    Call("growth", lambda s: bm.growth(s.data, INDICATORS, kind="yoy")),
    Call("trend", lambda s: bm.trend(s.data, INDICATORS)[["institution", "indicator", "n_periods",
                                                          "verdict", "reason"]]),
    Call("trend_slope", lambda s: bm.trend(s.data, ["skill_prizes"])[["institution", "slope", "ci_low"]]),
    Call("self_compare", lambda s: bm.self_compare(s.data, s.id_of(FOCUS), INDICATORS)),
    Call("percentile_rank", lambda s: bm.percentile_rank(s.data, INDICATORS, by="tier"),
         panel=False, scale_invariant=tuple(INDICATORS)),
    Call("cohort_stats", lambda s: bm.cohort_stats(s.data, ["skill_prizes"], by="tier"), panel=False),
    Call("performance_groups", lambda s: bm.performance_groups(s.data, INDICATORS, by="tier")
         [["institution", "indicator", "distance", "group", "reason"]],
         panel=False, scale_invariant=tuple(INDICATORS)),
    Call("peer_gap", lambda s: bm.peer_gap(s.data, s.id_of(FOCUS), INDICATORS, cohort="tier", ci=0.9,
                                           n_boot=200, random_state=1)
         [["institution", "indicator", "gap_median_pct", "significant"]],
         panel=False, scale_invariant=tuple(INDICATORS)),
    Call("nearest_peers", lambda s: bm.nearest_peers(s.data, s.id_of(FOCUS), INDICATORS, k=5)
         [["institution", "focus", "rank", "distance", "zdiff_skill_prizes"]], panel=False,
         scale_invariant=tuple(INDICATORS)),
    Call("value_added", lambda s: bm.value_added(s.data, "skill_prizes", ["total_funding", "fulltime_teachers"])
         .estimates[["institution", "value_added", "ci_low", "ci_high", "significant"]], panel=False),
    Call("relative_cost", lambda s: bm.relative_cost(s.data, "total_funding", by="tier")
         [["institution", "indicator", "cohort_size", "relative_cost", "reason"]], panel=False,
         scale_invariant=("total_funding",)),
    Call("cost_per_outcome", lambda s: bm.cost_per_outcome(s.data, "total_funding", ["skill_prizes"])),
    Call("dea", lambda s: bm.dea(s.data, ["total_funding", "fulltime_teachers"],
                                 ["tech_service_income", "training_income"]).efficiency, panel=False,
         scale_invariant=("total_funding", "tech_service_income")),
    Call("topsis", lambda s: bm.topsis(s.data, INDICATORS), panel=False,
         scale_invariant=tuple(INDICATORS)),
    Call("composite", lambda s: bm.composite(s.data, INDICATORS, weights="entropy"), panel=False,
         scale_invariant=tuple(INDICATORS)),
    Call("tiers", lambda s: bm.tiers(s.data, INDICATORS, k=3, random_state=0).assignments, panel=False,
         scale_invariant=tuple(INDICATORS)),
    Call("tier_transitions", lambda s: bm.tier_transitions(s.data, "tier").transitions),
    Call("super_efficiency", lambda s: bm.super_efficiency(s.data, ["total_funding", "fulltime_teachers"],
                                                           ["tech_service_income"]), panel=False,
         scale_invariant=("total_funding", "tech_service_income")),
    Call("malmquist", lambda s: bm.malmquist(s.data, ["total_funding", "fulltime_teachers"],
                                             ["tech_service_income", "training_income"]).index,
         scale_invariant=("total_funding", "training_income")),
    Call("normalise", lambda s: bm.normalise(s.data, INDICATORS, method="minmax")
         [["institution", *INDICATORS]], panel=False, scale_invariant=tuple(INDICATORS)),
    Call("weights", lambda s: bm.weights(s.data, INDICATORS, method="critic").rename("w").reset_index(),
         panel=False, scale_invariant=tuple(INDICATORS)),
    Call("rank_uncertainty", lambda s: bm.rank_uncertainty(s.data, INDICATORS, n_draws=64, random_state=0).ranks,
         panel=False, scale_invariant=tuple(INDICATORS)),
    Call("allocate_costs", lambda s: bm.allocate_costs(s.data, ["total_funding"], ["fulltime_teachers"])),
    Call("cost_outcome_quadrant", lambda s: bm.cost_outcome_quadrant(s.data, "total_funding", "skill_prizes")
         [["institution", "cohort_size", "quadrant", "reason"]], panel=False,
         scale_invariant=("total_funding", "skill_prizes")),
    Call("completion", lambda s: bm.completion(s.data, _targets(s), at=s.id_of_period(2021), end=s.id_of_period(2023))
         [["institution", "indicator", "completion_ratio", "projected_final", "status"]]),
]
CALL_IDS = [c.name for c in CALLS]


def _targets(shape: Shape) -> pd.DataFrame:
    """Targets for two indicators of every unit, written with the shape's ids and periods."""
    first = BASE[BASE["year"] == 2019].set_index("institution")
    rows = []
    for name in NAMES:
        for ind in ("skill_prizes", "training_income"):
            base = first.loc[name, ind]
            rows.append({"institution": shape.id_of(name), "indicator": ind,
                         "baseline_year": shape.id_of_period(2019), "baseline": base,
                         f"target_{shape.id_of_period(2021)}": base * 1.1,
                         f"target_{shape.id_of_period(2023)}": base * 1.3})
    return pd.DataFrame(rows)


def _frame_for(call: Call) -> pd.DataFrame:
    return BASE if call.panel else BASE[BASE["year"] == 2021].drop(columns="year").reset_index(drop=True)


def quiet(func: Callable[[], Any]) -> Any:
    """Run ``func`` with UserWarnings silenced and any numpy RuntimeWarning turned into an error."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        warnings.simplefilter("error", RuntimeWarning)
        return func()


_quiet = quiet


_clean_cache: dict[str, pd.DataFrame] = {}


def _clean(call: Call) -> pd.DataFrame:
    if call.name not in _clean_cache:
        shape = Shape(_frame_for(call).copy())
        _clean_cache[call.name] = normalise(_quiet(lambda: call.run(shape)), shape)
    return _clean_cache[call.name]


#: The reshapes drawn by every shape suite (also imported by test_frontier_shapes/test_evaluation_shapes).
SHAPES = st.fixed_dictionaries({
    "seed": st.integers(0, 2**16),
    "index": st.sampled_from(["range", "labels", "duplicated", "multi"]),
    "ids": st.sampled_from(["str", "int", "category"]),
    "periods": st.sampled_from(["int", "text", "academic", "date"]),
    "dtypes": st.sampled_from(["float", "nullable", "int-nullable"]),
    "scale": st.sampled_from([1.0, 1e300, 1e-300, 1e6]),
})
shapes = SHAPES


def usable_spec(spec: dict, scaled: tuple[str, ...]) -> dict:
    """``spec`` without rescaling for calls that are not scale-invariant, and with float columns when
    rescaled (rounded integers would not survive a 1e-300 factor)."""
    if not scaled:
        spec = {**spec, "scale": 1.0}
    if spec["scale"] != 1.0 and spec["dtypes"] == "int-nullable":
        spec = {**spec, "dtypes": "float"}
    return spec


@pytest.mark.parametrize("call", CALLS, ids=CALL_IDS)
@settings(max_examples=4, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(spec=shapes)
def test_reshaped_input_gives_the_same_answer(call: Call, spec: dict) -> None:
    spec = usable_spec(spec, call.scale_invariant)
    frame = _frame_for(call)
    shape = reshape(frame, scaled=call.scale_invariant, **spec)
    before = shape.data.copy(deep=True)
    got = normalise(_quiet(lambda: call.run(shape)), shape)
    pd.testing.assert_frame_equal(shape.data, before)  # the input is never modified
    assert_same(_clean(call), got)


# ---------------------------------------------------------------- bad shapes
def _with_missing_key(column: str) -> pd.DataFrame:
    frame = BASE[BASE["year"] == 2021].copy()
    frame[column] = frame[column].astype(object)
    frame.iloc[4, frame.columns.get_loc(column)] = None
    return frame


BAD_KEY_CALLS = {
    "percentile_rank": lambda d: bm.percentile_rank(d, INDICATORS, by="tier"),
    "cohort_stats": lambda d: bm.cohort_stats(d, INDICATORS, by="tier"),
    "performance_groups": lambda d: bm.performance_groups(d, INDICATORS, by="tier"),
    "relative_cost": lambda d: bm.relative_cost(d, "total_funding", by="tier"),
    "cost_per_outcome": lambda d: bm.cost_per_outcome(d, "total_funding", ["skill_prizes"]),
    "composite": lambda d: bm.composite(d, INDICATORS),
    "topsis": lambda d: bm.topsis(d, INDICATORS),
    "tiers": lambda d: bm.tiers(d, INDICATORS, k=3, random_state=0),
    "dea": lambda d: bm.dea(d, ["total_funding"], ["tech_service_income"]),
    "value_added": lambda d: bm.value_added(d, "skill_prizes", ["total_funding"]),
    "change": lambda d: bm.change(d, INDICATORS),
    "trend": lambda d: bm.trend(d, INDICATORS),
}


# dea and tiers take a cross-section and have no period argument: a year column is just an attribute there
KEY_CASES = [(name, column) for name in sorted(BAD_KEY_CALLS) for column in ("institution", "year")
             if not (column == "year" and name in ("dea", "tiers"))]


@pytest.mark.parametrize("name,column", KEY_CASES)
def test_missing_entity_or_period_is_named(name: str, column: str) -> None:
    frame = _with_missing_key(column)
    with pytest.raises(BenchmarkError, match=column):
        _quiet(lambda: BAD_KEY_CALLS[name](frame))


CROSS = BASE[BASE["year"] == 2021].reset_index(drop=True)


@pytest.mark.parametrize("call", [
    lambda: bm.change(BASE, INDICATORS, entity=["institution"]),
    lambda: bm.trend(BASE, INDICATORS, period=["year"]),
    lambda: bm.percentile_rank(CROSS, INDICATORS, entity=["institution"]),
    lambda: bm.dea(CROSS, ["total_funding"], ["skill_prizes"], entity=["institution"]),
    lambda: bm.peer_gap(CROSS, [FOCUS], INDICATORS, cohort="tier"),
    lambda: bm.nearest_peers(CROSS, [FOCUS], INDICATORS),
    lambda: bm.self_compare(BASE, [FOCUS], INDICATORS),
], ids=["change-entity", "trend-period", "percentile-entity", "dea-entity", "gap-focus", "nearest-focus",
        "self-focus"])
def test_a_list_where_one_name_is_meant(call: Callable[[], Any]) -> None:
    with pytest.raises(BenchmarkError, match="one"):
        _quiet(call)


@pytest.mark.parametrize("kwargs,culprit", [
    ({"random_state": "x"}, "random_state"),
    ({"random_state": -3}, "random_state"),
    ({"random_state": 2.5}, "random_state"),
    ({"n_boot": 0}, "n_boot"),
    ({"n_boot": 2.5}, "n_boot"),
    ({"ci": 1.5}, "ci"),
    ({"ci": "0.9"}, "ci"),
])
def test_wrongly_typed_arguments_are_named(kwargs: dict, culprit: str) -> None:
    with pytest.raises(BenchmarkError, match=culprit):
        bm.peer_gap(CROSS, FOCUS, INDICATORS, cohort="tier", **{"ci": 0.9, **kwargs})


@pytest.mark.parametrize("n_jobs", [2.5, -7, 0, True, "2"])
@pytest.mark.parametrize("func", [
    lambda n: bm.dea(CROSS, ["total_funding"], ["skill_prizes"], n_jobs=n),
    lambda n: bm.dea_bootstrap(CROSS, ["total_funding"], ["skill_prizes"], n_boot=10, n_jobs=n),
    lambda n: bm.rank_uncertainty(CROSS, INDICATORS, n_draws=20, n_jobs=n),
], ids=["dea", "dea_bootstrap", "rank_uncertainty"])
def test_bad_n_jobs_is_named(func: Callable[[Any], Any], n_jobs: Any) -> None:
    with pytest.raises(BenchmarkError, match="n_jobs"):
        _quiet(lambda: func(n_jobs))


def test_periods_without_known_spacing_are_rejected() -> None:
    frame = BASE.copy()
    frame["year"] = frame["year"].map({2019: "wave A", 2020: "wave B", 2021: "wave C", 2022: "wave D",
                                       2023: "wave E"})
    with pytest.raises(BenchmarkError, match="spacing"):
        bm.trend(frame, INDICATORS)


def test_a_missing_year_changes_no_rate_when_years_are_text() -> None:
    gap = BASE[BASE["year"] != 2021]
    text = gap.assign(year=gap["year"].astype(str))
    a = bm.change(gap, ["skill_prizes"])
    b = bm.change(text, ["skill_prizes"])
    np.testing.assert_allclose(a["cagr"], b["cagr"], equal_nan=True)
    assert (b["elapsed"].dropna() == 4).all()  # 2019 -> 2023, not 3 steps


# ---------------------------------------------------------------- degenerate statistics
_DEGENERATE = pd.DataFrame({
    "institution": list("ABCDEFGH") * 2, "year": [2020] * 8 + [2021] * 8,
    "flat": [5.0] * 16, "zero": [0.0] * 8 + [1.0] * 8, "x": np.r_[np.arange(8.0), np.arange(8.0) + 1],
    "tier": list("AABBCCDD") * 2})
_DEG_CROSS = _DEGENERATE[_DEGENERATE["year"] == 2021].drop(columns="year")

DEGENERATE_CALLS = {
    "value_added_constant_outcome": lambda: bm.value_added(_DEG_CROSS, "flat", ["x"]).fit,
    "value_added_exact_fit": lambda: bm.value_added(_DEG_CROSS.assign(flat=2 * _DEG_CROSS["x"] + 1),
                                                    "flat", ["x"]).estimates,
    "trend_constant": lambda: bm.trend(_DEGENERATE, ["flat"]),
    "change_zero_baseline": lambda: bm.change(_DEGENERATE, ["zero"]),
    "growth_zero_previous": lambda: bm.growth(_DEGENERATE, ["zero"]),
    "growth_log_zero": lambda: bm.growth(_DEGENERATE, ["zero"], kind="log"),
    "percentile_rank_constant": lambda: bm.percentile_rank(_DEG_CROSS, ["flat"], by="tier"),
    "cohort_stats_pairs": lambda: bm.cohort_stats(_DEG_CROSS, ["flat", "x"], by="tier"),
    "performance_groups_constant": lambda: bm.performance_groups(_DEG_CROSS, ["flat"], by="tier", min_size=1),
    "relative_cost_constant": lambda: bm.relative_cost(_DEG_CROSS, "flat", by="tier"),
    "cost_per_zero_outcome": lambda: bm.cost_per_outcome(_DEG_CROSS.assign(x=0.0), "flat", ["x"]),
    "topsis_constant_column": lambda: bm.topsis(_DEG_CROSS, ["flat", "x"]),
    "dea_identical_units": lambda: bm.dea(_DEG_CROSS.assign(x=1.0), ["x"], ["flat"]).efficiency,
    "self_compare_flat": lambda: bm.self_compare(_DEGENERATE, "A", ["flat", "zero"]),
}


@pytest.mark.parametrize("name", sorted(DEGENERATE_CALLS))
def test_degenerate_statistics_are_nan_with_a_reason_not_inf(name: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)  # no numpy warning escapes
        warnings.simplefilter("ignore", UserWarning)
        try:
            table = DEGENERATE_CALLS[name]()
        except BenchmarkError:
            return  # a clear refusal is also acceptable
    numbers = table.select_dtypes("number").to_numpy(dtype=float)
    assert not np.isinf(numbers).any()
    nan_rows = np.isnan(numbers).any(axis=1)
    if nan_rows.any() and "reason" in table.columns:
        assert table.loc[nan_rows, "reason"].notna().all()
