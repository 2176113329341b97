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

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from test_metamorphic import (
    BASE,
    INDICATORS,
    NAMES,
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
HOLES_2019 = HOLES[HOLES["year"] == 2019].drop(columns="year").reset_index(drop=True)


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
    Call("composite_pipeline", lambda s: bm.composite(s.data, INDICATORS, weights="entropy", impute="median",
                                                      treat="winsorise"), frame=HOLES_2019, scaled=tuple(INDICATORS)),
    Call("topsis_pipeline", lambda s: bm.topsis(s.data, INDICATORS, impute={"method": "knn", "k": 3},
                                                treat="auto"), frame=HOLES_2019, scaled=tuple(INDICATORS)),
    Call("reliability", lambda s: bm.reliability(s.data, INDICATORS).alpha, scaled=tuple(INDICATORS)),
    Call("coupling_coordination", _coupling, scaled=("training_income", "skill_prizes",
                                                     "double_qualified_ratio")),
    Call("gini", lambda s: bm.gini(s.data, VALUE, group="tier"), scaled=(VALUE,), units=("mean",)),
    Call("gini_weighted", lambda s: bm.gini(s.data, VALUE, weight="fulltime_teachers"), scaled=(VALUE,),
         units=("mean",)),
    Call("theil_T", lambda s: bm.theil(s.data, VALUE, group="tier").groups, scaled=(VALUE,), units=("mean",)),
    Call("theil_L_nested", lambda s: bm.theil(s.data, VALUE, group="region", subgroup="province",
                                              measure="L").overall, scaled=(VALUE,)),
    Call("dagum_gini", lambda s: bm.dagum_gini(s.data, VALUE, group="tier").between, scaled=(VALUE,)),
    Call("dagum_overall", lambda s: bm.dagum_gini(s.data, VALUE, group="tier").overall, scaled=(VALUE,)),
    Call("kernel_density", lambda s: bm.kernel_density(s.data, "double_qualified_ratio", n_grid=32).stats,
         scaled=("double_qualified_ratio",), units=("mean", "sd", "bandwidth", "peak_x", "width"),
         per_unit=("peak_density",)),
    Call("kernel_density_curve", lambda s: bm.kernel_density(s.data, "skill_prizes", kernel="epanechnikov",
                                                             bandwidth="scott", n_grid=16).density,
         scaled=("skill_prizes",), units=("x",), per_unit=("density",)),
    Call("morans_i", lambda s: bm.morans_i(s.data, VALUE, spatial_weights=_province_weights(s), permutations=49,
                                           random_state=0).local, scaled=(VALUE,), units=("value",)),
    Call("morans_i_global", lambda s: bm.morans_i(s.data, VALUE, spatial_weights=_province_weights(s),
                                                  permutations=49, random_state=0).overall, scaled=(VALUE,)),
]
CALL_IDS = [c.name for c in CALLS]


_quiet = quiet


_clean_cache: dict[str, pd.DataFrame] = {}


def _clean(call: Call) -> pd.DataFrame:
    if call.name not in _clean_cache:
        shape = Shape(call.frame.copy())
        _clean_cache[call.name] = normalise(_quiet(lambda: call(shape)), shape)
    return _clean_cache[call.name]




@pytest.mark.parametrize("call", CALLS, ids=CALL_IDS)
@settings(max_examples=6, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(spec=SHAPES)
def test_reshaped_input_gives_the_same_answer(call: Call, spec: dict) -> None:
    spec = usable_spec(spec, call.scaled)
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


# ---------------------------------------------------------------- numbers at extreme scales
def test_gini_near_1e300_matches_the_mean_absolute_difference() -> None:
    y = CROSS["tech_service_income"].to_numpy()
    hand = np.abs(y[:, None] - y[None, :]).sum() / (2 * len(y) ** 2 * y.mean())  # definition, O(n^2)
    for scale in (1.0, 1e300, 1e-300):
        got = bm.gini(CROSS.assign(v=y * scale), "v")
        assert got["gini"].iloc[0] == pytest.approx(hand, rel=1e-12)
        assert got["mean"].iloc[0] == pytest.approx(y.mean() * scale, rel=1e-12)


def test_kernel_density_matches_scipy_and_rescales() -> None:
    from scipy.stats import gaussian_kde

    y = CROSS["double_qualified_ratio"].to_numpy()
    res = bm.kernel_density(CROSS, "double_qualified_ratio", n_grid=40)
    h = res.stats["bandwidth"].iloc[0]
    scipy_kde = gaussian_kde(y, bw_method=h / y.std(ddof=1))  # scipy's factor is relative to the sd
    np.testing.assert_allclose(res.density["density"], scipy_kde(res.density["x"].to_numpy()), rtol=1e-10)
    for scale in (1e300, 1e-300):
        big = _quiet(lambda scale=scale: bm.kernel_density(CROSS.assign(double_qualified_ratio=y * scale),
                                               "double_qualified_ratio", n_grid=40))
        np.testing.assert_allclose(big.density["x"] / scale, res.density["x"], rtol=1e-12)
        np.testing.assert_allclose(big.density["density"] * scale, res.density["density"], rtol=1e-10)


def test_morans_i_near_1e300_matches_the_formula() -> None:
    shape = Shape(CROSS)
    w = _province_weights(shape).loc[CROSS["institution"], CROSS["institution"]].to_numpy()
    w = w / w.sum(axis=1, keepdims=True)
    y = CROSS[VALUE].to_numpy()
    z = y - y.mean()
    hand = len(y) / w.sum() * (z @ w @ z) / (z @ z)
    for scale in (1.0, 1e300, 1e-300):
        res = _quiet(lambda scale=scale: bm.morans_i(CROSS.assign(**{VALUE: y * scale}), VALUE, spatial_weights=_province_weights(shape),
                                         permutations=0))
        assert res.overall["I"].iloc[0] == pytest.approx(hand, rel=1e-10)


def test_treat_auto_decides_alike_at_any_scale() -> None:
    clean = bm.treat(FULL, INDICATORS, method="auto").indicators
    for scale in (1e300, 1e-300):
        big = _quiet(lambda scale=scale: bm.treat(FULL.assign(**{c: FULL[c] * scale for c in INDICATORS}), INDICATORS,
                                      method="auto").indicators)
        assert big["treatment"].tolist() == clean["treatment"].tolist()
        assert big["changed"].tolist() == clean["changed"].tolist()
    assert (clean["treatment"] != "none").any()  # the check has something to compare


def test_dagum_pair_table_of_a_cross_section() -> None:
    res = bm.dagum_gini(CROSS, VALUE, group="region")
    table = res.pair_table()
    assert sorted(table.index) == ["central", "east", "west"]
    parts = res.overall[["within", "between", "transvariation"]].sum(axis=1).iloc[0]
    assert parts == pytest.approx(res.overall["gini"].iloc[0], rel=1e-12)
    assert table.loc["east", "east"] == pytest.approx(
        res.within.set_index("region").loc["east", "gini"], rel=1e-12)


# ---------------------------------------------------------------- bad shapes
def _missing(column: str, frame: pd.DataFrame = FULL) -> pd.DataFrame:
    out = frame.copy()
    out[column] = out[column].astype(object)
    out.iloc[4, out.columns.get_loc(column)] = None
    return out


PANEL_CALLS = {
    "grey_relational": lambda d, **k: bm.grey_relational(d, INDICATORS, **k),
    "obstacle_degree": lambda d, **k: bm.obstacle_degree(d, INDICATORS, **k),
    "impute": lambda d, **k: bm.impute(d, INDICATORS, **k),
    "treat": lambda d, **k: bm.treat(d, INDICATORS, **k),
    "reliability": lambda d, **k: bm.reliability(d, INDICATORS, **k),
    "weights": lambda d, **k: bm.weights(d, INDICATORS, method="entropy", subjective=AHP_W, **k),
    "gini": lambda d, **k: bm.gini(d, VALUE, group="tier", **k),
    "theil": lambda d, **k: bm.theil(d, VALUE, group="tier", **k),
    "dagum_gini": lambda d, **k: bm.dagum_gini(d, VALUE, group="tier", **k),
    "kernel_density": lambda d, **k: bm.kernel_density(d, VALUE, **k),
    "morans_i": lambda d, **k: bm.morans_i(d, VALUE, spatial_weights=_province_weights(Shape(d)), permutations=0, **k),
}


@pytest.mark.parametrize("column", ["institution", "year"])
@pytest.mark.parametrize("name", sorted(PANEL_CALLS))
def test_missing_entity_or_period_is_named(name: str, column: str) -> None:
    with pytest.raises(BenchmarkError, match=column):
        _quiet(lambda: PANEL_CALLS[name](_missing(column)))


@pytest.mark.parametrize("name", sorted(PANEL_CALLS))
def test_duplicated_keys_and_empty_data_are_named(name: str) -> None:
    with pytest.raises(BenchmarkError, match="duplicated"):
        _quiet(lambda: PANEL_CALLS[name](pd.concat([FULL, FULL.iloc[[7]]])))
    with pytest.raises(BenchmarkError, match="no rows"):
        _quiet(lambda: PANEL_CALLS[name](FULL.iloc[:0]))


@pytest.mark.parametrize("param", ["entity", "period"])
@pytest.mark.parametrize("name", sorted(PANEL_CALLS))
def test_a_list_where_one_column_is_meant(name: str, param: str) -> None:
    with pytest.raises(BenchmarkError, match=f"`{param}` must be one column"):
        _quiet(lambda: PANEL_CALLS[name](FULL, **{param: [{"entity": "institution"}.get(param, "year")]}))


M3 = [[1, 3, 5], [1 / 3, 1, 2], [1 / 5, 1 / 2, 1]]
ONE_ROW = FULL.iloc[[0]]
CONSTANT = FULL.assign(skill_prizes=3.0, **{VALUE: 5.0})


@pytest.mark.parametrize("call,culprit", [
    # AHP and combined weights
    (lambda: bm.ahp([[1, 3], [3, 1]]), "not reciprocal"),
    (lambda: bm.ahp([[1, -2], [-0.5, 1]]), "positive"),
    (lambda: bm.ahp([[1]]), "at least 2 items"),
    (lambda: bm.ahp(M3, items=["a", "a", "b"]), "`items` names 'a' more than once"),
    (lambda: bm.ahp(M3, items="abc"), "`items` must be a list"),
    (lambda: bm.ahp([M3, M3], expert_weights="x"), "expert_weights"),
    (lambda: bm.ahp({}), "empty mapping"),
    (lambda: bm.ahp(pd.DataFrame({"expert": ["x", None, "x"], "row": ["a", "a", "b"], "col": ["b", "c", "c"],
                                  "value": [3, 5, 2]})), "'expert'"),
    (lambda: bm.ahp(M3, method="eig"), "method"),
    (lambda: bm.combine_weights(AHP_W, AHP_W.iloc[:2]), "same indicators"),
    (lambda: bm.combine_weights(AHP_W, AHP_W, share="0.5"), "share"),
    (lambda: bm.weights(CROSS, INDICATORS, method="entropy", subjective=AHP_W, combination="sum"), "combination"),
    # grey relational analysis and obstacle degrees
    (lambda: bm.grey_relational(ONE_ROW, INDICATORS), "single row"),
    (lambda: bm.grey_relational(CONSTANT, INDICATORS), "'tech_service_income' is constant in year 2019"),
    (lambda: bm.grey_relational(CROSS, INDICATORS, rho=0), "rho"),
    (lambda: bm.grey_relational(CROSS, INDICATORS, reference={"skill_prizes": 3}), "reference"),
    (lambda: bm.obstacle_degree(CONSTANT, INDICATORS), "tech_service_income"),
    (lambda: bm.obstacle_degree(CROSS, INDICATORS, normalisation="zscore"), "normalisation"),
    # preprocessing
    (lambda: bm.impute(HOLES, INDICATORS, method="knn", k=0), "`k`"),
    (lambda: bm.impute(HOLES.assign(skill_prizes=np.nan), INDICATORS), "skill_prizes"),
    (lambda: bm.treat(FULL, INDICATORS, method="winsorise", limits=(0.9, 0.1)), "limits"),
    (lambda: bm.reliability(CONSTANT, INDICATORS), "constant"),
    (lambda: bm.reliability(FULL, ["skill_prizes"]), "at least 2 indicators"),
    # coupling coordination
    (lambda: bm.coupling_coordination(FULL, "skill_prizes", "training_income"), "exceed 1"),
    (lambda: bm.coupling_coordination(pd.DataFrame({"a": [0.1, -0.2], "b": [0.3, 0.4]}), "a", "b"), "'a'"),
    (lambda: bm.coupling_coordination(pd.DataFrame({"a": [0.1], "b": [0.3]}), "a", "b", shares={"a": 1.0}),
     "missing 'b'"),
    # inequality
    (lambda: bm.gini(ONE_ROW, VALUE), "single unit"),
    (lambda: bm.gini(FULL.assign(**{VALUE: -FULL[VALUE]}), VALUE), "negative"),
    (lambda: bm.gini(FULL, [VALUE]), "`value` must be one column"),
    (lambda: bm.theil(FULL.assign(tier="A"), VALUE, group="tier"), "single group"),
    (lambda: bm.theil(FULL.assign(**{VALUE: 0.0 * FULL[VALUE] + np.arange(len(FULL)) % 2}), VALUE, measure="L"),
     "Theil's L"),
    (lambda: bm.theil(FULL, VALUE, group="tier", subgroup="province"), "nested"),
    (lambda: bm.dagum_gini(FULL.assign(tier=pd.Categorical(FULL["tier"], categories=["A", "B", "C", "D"])),
                           VALUE, group="tier"), "empty group"),
    (lambda: bm.kernel_density(CONSTANT, VALUE), "constant"),
    (lambda: bm.kernel_density(FULL, VALUE, grid="abc"), "grid"),
    (lambda: bm.kernel_density(FULL, VALUE, bandwidth=-1), "bandwidth"),
    (lambda: bm.plot_kernel_density(bm.kernel_density(CROSS, VALUE, n_grid=8), overlap="x"), "overlap"),
    (lambda: bm.contiguity_weights("广东"), "`entities` must be a list"),
    (lambda: bm.contiguity_weights([]), "`entities` is empty"),
    (lambda: bm.combine_weights(pd.Series([0.5, 0.5], index=["a", "a"]), pd.Series({"a": 0.2, "b": 0.8})),
     "`subjective` weighs 'a' more than once"),
    (lambda: bm.contiguity_weights(["广东", "Atlantis"]), "Atlantis"),
    (lambda: bm.morans_i(CROSS, VALUE, spatial_weights=np.ones((3, 3))), "does not match"),
    (lambda: bm.morans_i(CONSTANT[CONSTANT["year"] == 2021], VALUE, spatial_weights=_province_weights(Shape(CROSS))),
     "constant"),
    (lambda: bm.morans_i(CROSS.iloc[:2], VALUE, spatial_weights=np.array([[0.0, 1.0], [1.0, 0.0]])), "at least 3"),
], ids=lambda v: v if isinstance(v, str) else "")
def test_bad_input_is_named(call: Callable[[], Any], culprit: str) -> None:
    with pytest.raises(BenchmarkError, match=culprit):
        _quiet(call)


def test_three_mutually_adjacent_units_give_no_warning() -> None:
    prov = pd.DataFrame({"province": ["北京", "天津", "河北"], "score": [9.0, 8.0, 6.0]})
    res = _quiet(lambda: bm.morans_i(prov, "score", entity="province", permutations=19, random_state=0))
    assert res.overall["I"].iloc[0] == pytest.approx(-0.5)  # every arrangement gives I = -1/(n-1)
    assert np.isnan(res.overall["z_norm"].iloc[0])


def test_pipeline_steps_count_changes_when_index_labels_repeat() -> None:
    bare = HOLES_2019.drop(columns="institution")
    bare.index = [i % 5 for i in range(len(bare))]
    got = bm.composite(bare, INDICATORS, impute="median", entity=None)
    clean = bm.composite(HOLES_2019, INDICATORS, impute="median")
    assert got["imputed"].tolist() == clean["imputed"].tolist()
    assert got["imputed"].sum() == HOLES_2019[INDICATORS].isna().to_numpy().sum()
    np.testing.assert_allclose(got["score"], clean["score"])


def test_theil_t_with_a_group_of_zeros() -> None:
    data = CROSS.assign(**{VALUE: CROSS[VALUE].where(CROSS["tier"] != "C", 0.0)})
    res = _quiet(lambda: bm.theil(data, VALUE, group="tier"))
    y = data[VALUE].to_numpy()
    pos = y > 0
    hand = np.sum(y[pos] / y.sum() * np.log(y[pos] / y.mean()))  # zeros add nothing: s ln s -> 0
    assert res.overall["theil"].iloc[0] == pytest.approx(hand, rel=1e-12)
    zero = res.groups.set_index("tier").loc["C"]
    assert np.isnan(zero["theil"]) and zero["contribution"] == 0.0
    west_zero = CROSS.assign(**{VALUE: CROSS[VALUE].where(CROSS["region"] != "west", 0.0)})
    nested = _quiet(lambda: bm.theil(west_zero, VALUE, group="region", subgroup="province").overall.iloc[0])
    assert nested["between_subgroups"] + nested["within_subgroups"] == pytest.approx(nested["within"], rel=1e-12)


def _long_judgements() -> pd.DataFrame:
    """Two experts' judgements of three items (Saaty-scale values), one row per pair."""
    mats = {"x": [[1, 3, 5], [1 / 3, 1, 2], [1 / 5, 1 / 2, 1]], "y": [[1, 2, 4], [1 / 2, 1, 3], [1 / 4, 1 / 3, 1]]}
    rows = [(e, "abc"[i], "abc"[j], m[i][j]) for e, m in mats.items() for i in range(3) for j in range(i + 1, 3)]
    return pd.DataFrame(rows, columns=["expert", "row", "col", "value"]).astype({"value": float})


def test_ahp_long_table_shapes_give_the_same_priorities() -> None:
    table = _long_judgements()
    clean = bm.ahp(table).priorities.set_index("item")["weight"]
    shuffled = table.sample(frac=1, random_state=1)
    shuffled.index = [0] * len(shuffled)
    recoded = shuffled.assign(row=pd.Categorical(shuffled["row"]), col=pd.Categorical(shuffled["col"]),
                              expert=shuffled["expert"].map({"x": 1, "y": 2}),
                              value=shuffled["value"].astype("Float64"))
    flipped = table.copy()
    flipped.loc[0, ["row", "col", "value"]] = ["b", "a", 1 / 3]  # the same judgement stated the other way round
    for variant in (shuffled, recoded, flipped):
        got = bm.ahp(variant).priorities.set_index("item")["weight"]
        pd.testing.assert_series_equal(got.sort_index(), clean.sort_index(), rtol=1e-12)
    assert bm.ahp(recoded).consistency["expert"].tolist()[:2] == [1, 2]  # expert ids keep their type
