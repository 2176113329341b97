"""The report's parts: ReportOptions checked once, the shared field models equal to the public functions
called directly, and section builders that share nothing (any order gives the same HTML)."""

import dataclasses
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

pytest.importorskip("matplotlib")

from test_report import FAST, LEADERS, _synthetic

import benchmark
from benchmark import BenchmarkError, ReportOptions
from benchmark.reporting import FieldModels, field_models, within_groups
from benchmark.reporting._report import build_sections, prepare

FOCUS = "Alpha College"


@pytest.fixture(scope="module")
def synthetic():
    return _synthetic(focus=FOCUS, peer="Beta College")


@pytest.fixture(scope="module")
def options(synthetic):
    _, meta, targets = synthetic
    return ReportOptions(metadata=meta, targets=targets, cohort="tier", leaders=LEADERS, official="tier",
                         inputs=["spend"], outputs=["income", "trained"], **FAST)


@pytest.fixture(scope="module")
def models(synthetic, options):
    panel, _, _ = synthetic
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return prepare(panel, FOCUS, options)[0]


# ---------------------------------------------------------------- options
def test_options_are_frozen_and_normalised():
    opts = ReportOptions(indicators=["a", "b"], inputs="x", within="kind", official_order=["A", "B"],
                         official="tier")
    assert opts.indicators == ("a", "b") and opts.inputs == ("x",) and opts.within == ("kind",)
    assert opts.official_order == ("A", "B")
    with pytest.raises(dataclasses.FrozenInstanceError):
        opts.n_boot = 10
    assert "indicators=('a', 'b')" in repr(opts)


@pytest.mark.parametrize(("settings", "culprit"), [
    ({"n_boot": 10}, "`n_boot` must be an integer >= 100"),
    ({"n_draws": 5}, "`n_draws`"),
    ({"n_tier_boot": -1}, "`n_tier_boot`"),
    ({"ci": 1.5}, "`ci`"),
    ({"k": 1}, "`k` must be an integer >= 2"),
    ({"rts": "xrs"}, "`rts`"),
    ({"orientation": "sideways"}, "`orientation`"),
    ({"lang": "fr"}, "`lang`"),
    ({"random_state": -3}, "`random_state`"),
    ({"entity": ["institution"]}, "`entity` must be one column name"),
    ({"official_order": ["A"]}, "`official_order` was given without `official`"),
    ({"indicators": ["a", "a"]}, "`indicators` names 'a' more than once"),
    ({"indicators": pd.DataFrame({"indicator": ["a"]})}, "pass the indicator table as metadata="),
    ({"metadata": pd.DataFrame({"name": ["a"]})}, "`metadata (indicator table)` has no column 'indicator'"),
    ({"metadata": pd.DataFrame({"indicator": ["a", "a"]})}, "describes indicator 'a' more than once"),
    ({"targets": pd.DataFrame({"unit": ["x"], "indicator": ["a"]})}, "`targets` has no column 'institution'"),
    ({"title": 3}, "`title` must be text"),
])
def test_bad_options_name_the_culprit(settings, culprit):
    with pytest.raises(BenchmarkError) as info:
        ReportOptions(**settings)
    assert culprit in str(info.value)


def test_replace_checks_again():
    with pytest.raises(BenchmarkError, match="n_boot"):
        dataclasses.replace(ReportOptions(), n_boot=1)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.text(alphabet="abcxyz_", min_size=1, max_size=6), min_size=1, max_size=6, unique=True))
def test_list_tuple_and_single_name_spellings_are_one_option(names):
    """However the columns are spelled (list, tuple, one name), the options are the same."""
    assert ReportOptions(indicators=names).indicators == ReportOptions(indicators=tuple(names)).indicators
    assert ReportOptions(inputs=names[0]).inputs == ReportOptions(inputs=[names[0]]).inputs == (names[0],)


def test_report_names_an_unknown_setting(synthetic, tmp_path):
    panel, _, _ = synthetic
    with pytest.raises(BenchmarkError, match=r"'leader'.*did you mean 'leaders'"):
        benchmark.report(panel, FOCUS, leader=LEADERS, path=tmp_path / "r.html")
    with pytest.raises(BenchmarkError, match="`options` must be a ReportOptions"):
        benchmark.report(panel, FOCUS, options={"n_boot": 100}, path=tmp_path / "r.html")


# ---------------------------------------------------------------- shared models
def test_models_equal_the_public_functions(synthetic, models):
    """A second path: the models' tables are those of the analysis functions called directly."""
    panel, meta, targets = synthetic
    last = panel[panel["year"] == 2022].reset_index(drop=True)
    assert models.at == 2022 and models.cross_section[models.entity].nunique() == 12
    dea = benchmark.dea(last[["institution", "spend", "income", "trained"]], ["spend"], ["income", "trained"])
    pd.testing.assert_frame_equal(models.dea.efficiency, dea.efficiency)
    inds = list(models.composite_indicators)
    assert inds == ["score", "ratio", "income", "trained"]  # spend is the cost column, weight 0
    weights = dict(zip(meta["indicator"], meta["weight"], strict=True))
    ranks = benchmark.rank_uncertainty(last, inds, n_draws=FAST["n_draws"], weights={i: weights[i] for i in inds},
                                       direction=meta, random_state=models.seeds["ranks"])
    pd.testing.assert_frame_equal(models.ranks.ranks, ranks.ranks)
    done = benchmark.completion(panel, targets, at=2022, metadata=meta[meta["indicator"].isin(
        ["score", "ratio", "income"])][["indicator", "direction"]])
    pd.testing.assert_frame_equal(models.completion.reset_index(drop=True), done.reset_index(drop=True))
    assert models.grades["grade"].notna().all()


def test_models_do_not_depend_on_the_focus(synthetic, options, models):
    panel, _, _ = synthetic
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        other = prepare(panel, "Kappa College", options)[0]
    for name in ("completion", "completion_summary", "cohort_stats", "composite_data", "tier_history"):
        pd.testing.assert_frame_equal(getattr(models, name), getattr(other, name))
    pd.testing.assert_frame_equal(models.tiers.assignments, other.tiers.assignments)
    assert models.seeds == other.seeds


def test_within_groups_and_one_group_per_model(synthetic, options):
    panel, _, _ = synthetic
    opts = dataclasses.replace(options, within=("tier",), leaders=None, official=None, k=2)
    groups = list(within_groups(panel, opts))
    assert [key for key, _ in groups] == [{"tier": "A"}, {"tier": "B"}]
    assert sum(len(rows) for _, rows in groups) == len(panel)
    with pytest.raises(BenchmarkError, match=r"2 groups of the `within` columns \('tier'\)"):
        field_models(panel, opts)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        one = field_models(groups[0][1], opts)
    assert isinstance(one, FieldModels) and set(one.units()) == set(groups[0][1]["institution"])


def test_a_model_the_data_do_not_allow_is_an_error_of_that_model(synthetic, options):
    panel, _, _ = synthetic
    broken = panel.assign(spend=np.where(panel["year"] == 2022, np.nan, panel["spend"]))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        models = field_models(broken, dataclasses.replace(options, outputs=("income",), inputs=("spend",)))
    assert models.dea is None and "dea" in models.errors
    assert models.ranks is not None  # the other models are there


# ---------------------------------------------------------------- sections
@pytest.fixture(scope="module")
def built(models):
    return build_sections(models, FOCUS, order=("self", "peers", "cost", "field"))


def test_sections_in_any_order_give_the_same_html(models, built):
    forward = built
    backward = build_sections(models, FOCUS, order=("field", "cost", "peers", "self"))
    assert list(forward) == list(backward) or set(forward) == set(backward)
    for name in forward:
        assert forward[name].html == backward[name].html, name
        assert forward[name].facts.keys() == backward[name].facts.keys()
    assert forward["peers"].figures.keys() == {"fig-gaps", "fig-leaders"}
    assert all(html.startswith('<figure class="fig"') for html in forward["field"].figures.values())


def test_summary_reads_only_the_sections_it_is_given(models, built):
    from benchmark.reporting import _summary

    alone = _summary.build(models.options, models.data, models, FOCUS, {"peers": built["peers"]})
    assert "Median percentile" in alone.html
    assert "Composite rank" not in alone.html and "Composite rank" in built["summary"].html
    assert alone.tables["summary"]["item"].tolist() == ["Median percentile"]
