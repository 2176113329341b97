"""The evaluation-paper toolkit on the shapes real users bring.

Each public function of the toolkit (AHP and combined weights, grey relational
analysis, obstacle degrees, preprocessing, coupling coordination, Theil, Gini,
Dagum, kernel densities, Moran's I) is called on a clean school panel and on
reshaped copies of it - rows shuffled, any index, integer or categorical ids,
nullable dtypes, text/academic/date periods, values rescaled by 1e+-300 where
the method is scale-invariant - and must give the same answer. The second half
feeds each of them the bad shapes (missing keys, lists where one name is
meant, wrongly typed parameters, empty data, single groups, constant or
non-positive values, duplicated keys) and asserts a BenchmarkError naming the
culprit.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_metamorphic import BASE, INDICATORS, NAMES, Shape, assert_same, normalise, reshape

import benchmark as bm
from benchmark import BenchmarkError

# the shipped panel leaves two ratios blank (a realistic gap); the shape tests need a complete one
FULL = BASE.fillna({"double_qualified_ratio": 65.0})
# the usual three-belt split of Chinese provinces (east / central / west)
_EAST = {"北京", "天津", "河北", "辽宁", "上海", "江苏", "浙江", "福建", "山东", "广东", "海南"}
_CENTRAL = {"山西", "吉林", "黑龙江", "安徽", "江西", "河南", "湖北", "湖南"}
FULL = FULL.assign(region=FULL["province"].map(
    lambda p: "east" if p in _EAST else "central" if p in _CENTRAL else "west"))
CROSS = FULL[FULL["year"] == 2021].drop(columns="year").reset_index(drop=True)
DIRECTION = {c: "higher" for c in INDICATORS}
AHP_W = pd.Series({"tech_service_income": 0.4, "training_income": 0.3, "skill_prizes": 0.2,
                   "double_qualified_ratio": 0.1})


def _holes(frame: pd.DataFrame) -> pd.DataFrame:
    """The panel with a few values missing (fixed positions, each year keeps observed values)."""
    out = frame.copy()
    for k, (row, col) in enumerate([(3, "skill_prizes"), (17, "training_income"), (40, "skill_prizes"),
                                    (101, "tech_service_income"), (222, "double_qualified_ratio")]):
        out.iloc[row, out.columns.get_loc(col)] = np.nan
    return out


HOLES = _holes(FULL)


def _province_weights(shape: Shape) -> pd.DataFrame:
    """Schools are neighbours when their provinces share a border or they share a province."""
    first = BASE.drop_duplicates("institution").set_index("institution")["province"]
    prov = first.reindex(NAMES)
    contig = bm.contiguity_weights(sorted(prov.unique()))
    a = contig.loc[prov.to_numpy(), prov.to_numpy()].to_numpy() + (prov.to_numpy()[:, None] == prov.to_numpy())
    np.fill_diagonal(a, 0.0)
    ids = [shape.id_of(n) for n in NAMES]
    return pd.DataFrame((a > 0).astype(float), index=ids, columns=ids)


def _coupling(s: Shape) -> pd.DataFrame:
    data = s.data
    norm = bm.normalise(data, ["training_income", "skill_prizes", "double_qualified_ratio"], method="minmax")
    out = bm.coupling_coordination(norm, "training_income", "skill_prizes", "double_qualified_ratio")
    return out[["institution", "year", "coupling", "development", "coordination", "grade", "lagging"]]


class Call:
    def __init__(self, name: str, run: Callable[[Shape], Any], *, frame: pd.DataFrame = FULL,
                 scaled: tuple[str, ...] = (), units: tuple[str, ...] = (), per_unit: tuple[str, ...] = ()) -> None:
        # units: result columns in the data's units, divided back by the scale before comparing;
        # per_unit: columns per data unit (densities), multiplied by it
        self.name, self.run, self.frame, self.scaled = name, run, frame, scaled
        self.units, self.per_unit = units, per_unit

    def __call__(self, shape: Shape) -> pd.DataFrame:
        out = self.run(shape)
        out = out if isinstance(out, pd.DataFrame) else out.summary()
        if shape.scale != 1.0:
            out = out.assign(**{c: out[c].astype(float) / shape.scale for c in self.units},
                             **{c: out[c].astype(float) * shape.scale for c in self.per_unit})
        return out


VALUE = "tech_service_income"

CALLS = [
    Call("grey_relational", lambda s: bm.grey_relational(s.data, INDICATORS), scaled=tuple(INDICATORS)),
    Call("grey_relational_ref", lambda s: bm.grey_relational(
        s.data, INDICATORS, reference={c: BASE[c].median() * s.scale for c in INDICATORS}),
        scaled=tuple(INDICATORS)),
    Call("weights_combined", lambda s: bm.weights(s.data, INDICATORS, method="entropy", subjective=AHP_W,
                                                  combination="game").rename("w").reset_index(),
         frame=CROSS, scaled=tuple(INDICATORS)),
    Call("obstacle_degree", lambda s: bm.obstacle_degree(s.data, INDICATORS, weights="entropy").indicators,
         scaled=tuple(INDICATORS)),
    Call("obstacle_pillars", lambda s: bm.obstacle_degree(
        s.data, INDICATORS, weights=AHP_W,
        pillars={"tech_service_income": "money", "training_income": "money", "skill_prizes": "people",
                 "double_qualified_ratio": "people"}).pillars, scaled=tuple(INDICATORS)),
    Call("impute_median", lambda s: bm.impute(s.data, INDICATORS, method="median").changes, frame=HOLES),
    Call("impute_trend", lambda s: bm.impute(s.data, INDICATORS, method="trend").changes, frame=HOLES),
    Call("impute_knn", lambda s: bm.impute(s.data, INDICATORS, method="knn", k=3).changes, frame=HOLES,
         scaled=tuple(INDICATORS), units=("before", "after")),
    Call("treat", lambda s: bm.treat(s.data, INDICATORS, method="winsorise").changes),
    Call("treat_auto", lambda s: bm.treat(s.data, INDICATORS, method="auto").changes, scaled=tuple(INDICATORS),
         units=("before", "after")),
    Call("treat_auto_table", lambda s: bm.treat(s.data, INDICATORS, method="auto").indicators,
         scaled=tuple(INDICATORS)),
    Call("reliability", lambda s: bm.reliability(s.data, INDICATORS).summary(), scaled=tuple(INDICATORS)),
    Call("coupling_coordination", _coupling, scaled=("training_income", "skill_prizes",
                                                     "double_qualified_ratio")),
    Call("gini", lambda s: bm.gini(s.data, VALUE, group="tier"), scaled=(VALUE,), units=("mean",)),
    Call("gini_weighted", lambda s: bm.gini(s.data, VALUE, weight="fulltime_teachers"), scaled=(VALUE,),
         units=("mean",)),
    Call("theil_T", lambda s: bm.theil(s.data, VALUE, group="tier").groups, scaled=(VALUE,), units=("mean",)),
    Call("theil_L_nested", lambda s: bm.theil(s.data, VALUE, group="region", subgroup="province",
                                              measure="L").summary(), scaled=(VALUE,)),
    Call("dagum_gini", lambda s: bm.dagum_gini(s.data, VALUE, group="tier").between, scaled=(VALUE,)),
    Call("dagum_overall", lambda s: bm.dagum_gini(s.data, VALUE, group="tier").overall, scaled=(VALUE,)),
    Call("kernel_density", lambda s: bm.kernel_density(s.data, "double_qualified_ratio", n_grid=32).stats,
         scaled=("double_qualified_ratio",), units=("mean", "sd", "bandwidth", "peak_x", "width"),
         per_unit=("peak_density",)),
    Call("kernel_density_curve", lambda s: bm.kernel_density(s.data, "skill_prizes", kernel="epanechnikov",
                                                             bandwidth="scott", n_grid=16).density,
         scaled=("skill_prizes",), units=("x",), per_unit=("density",)),
    Call("morans_i", lambda s: bm.morans_i(s.data, VALUE, weights=_province_weights(s), permutations=49,
                                           random_state=0).local, scaled=(VALUE,), units=("value",)),
    Call("morans_i_global", lambda s: bm.morans_i(s.data, VALUE, weights=_province_weights(s),
                                                  permutations=49, random_state=0).overall, scaled=(VALUE,)),
]
CALL_IDS = [c.name for c in CALLS]


def _quiet(func: Callable[[], Any]) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        warnings.simplefilter("error", RuntimeWarning)
        return func()


_clean_cache: dict[str, pd.DataFrame] = {}


def _clean(call: Call) -> pd.DataFrame:
    if call.name not in _clean_cache:
        shape = Shape(call.frame.copy())
        _clean_cache[call.name] = normalise(_quiet(lambda: call(shape)), shape)
    return _clean_cache[call.name]


shapes = st.fixed_dictionaries({
    "seed": st.integers(0, 2**16),
    "index": st.sampled_from(["range", "labels", "duplicated", "multi"]),
    "ids": st.sampled_from(["str", "int", "category"]),
    "periods": st.sampled_from(["int", "text", "academic", "date"]),
    "dtypes": st.sampled_from(["float", "nullable", "int-nullable"]),
    "scale": st.sampled_from([1.0, 1e300, 1e-300]),
})


@pytest.mark.parametrize("call", CALLS, ids=CALL_IDS)
@settings(max_examples=6, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(spec=shapes)
def test_reshaped_input_gives_the_same_answer(call: Call, spec: dict) -> None:
    if not call.scaled:
        spec = {**spec, "scale": 1.0}
    if spec["scale"] != 1.0 and spec["dtypes"] == "int-nullable":
        spec = {**spec, "dtypes": "float"}
    shape = reshape(call.frame, scaled=call.scaled, **spec)
    before = shape.data.copy(deep=True)
    got = normalise(_quiet(lambda: call(shape)), shape)
    pd.testing.assert_frame_equal(shape.data, before)
    assert_same(_clean(call), got)


@pytest.mark.parametrize("call", CALLS, ids=CALL_IDS)
@pytest.mark.parametrize("spec", [
    {"seed": 1, "index": "multi", "ids": "int", "periods": "academic", "dtypes": "nullable", "scale": 1e300},
    {"seed": 2, "index": "duplicated", "ids": "category", "periods": "date", "dtypes": "float",
     "scale": 1e-300},
    {"seed": 3, "index": "labels", "ids": "str", "periods": "text", "dtypes": "int-nullable", "scale": 1.0},
], ids=["multi-int-academic-1e300", "dup-category-date-1e-300", "labels-text-Int64"])
def test_hard_shapes(call: Call, spec: dict) -> None:
    test_reshaped_input_gives_the_same_answer.hypothesis.inner_test(call, spec)
