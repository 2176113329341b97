"""Plots: each function drawn on the bundled data (or on analysis outputs), its artists checked,
an image saved; Chinese labels rendered with a CJK font."""

import copy
import logging
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.collections import LineCollection, PathCollection  # noqa: E402
from matplotlib.patches import Rectangle  # noqa: E402

import benchmark  # noqa: E402
from benchmark import (  # noqa: E402
    BenchmarkError,
    ColumnError,
    UnknownEntityError,
    plotting,
)
from benchmark import _fonts  # noqa: E402
from benchmark.costs import cost_outcome_quadrant  # noqa: E402
from benchmark.peers import peer_gap  # noqa: E402
from benchmark.indices import rank_uncertainty  # noqa: E402
from benchmark.targets import completion  # noqa: E402
from benchmark.tiering import tier_transitions, tiers  # noqa: E402

PLOTS = ["plot_profile", "plot_gaps", "plot_trajectory", "plot_completion", "plot_cost_outcome",
         "plot_frontier", "plot_malmquist", "plot_rank_intervals", "plot_tiers", "plot_transitions",
         "plot_kernel_density"]
FEATURES = ["tech_service_income", "placement_rate", "double_qualified_ratio", "skill_prizes"]


# ---------------------------------------------------------------- fixtures
@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _load(name):
    return benchmark.datasets.load(name)


@pytest.fixture(scope="module")
def panel():
    return _load("shuanggao")


@pytest.fixture(scope="module")
def meta():
    return _load("shuanggao_indicators")


@pytest.fixture(scope="module")
def targets():
    return _load("shuanggao_targets")


@pytest.fixture(scope="module")
def schools(panel):
    """The 2023 cross-section of school units with complete tiering features."""
    rows = panel[(panel["year"] == 2023) & (panel["unit_type"] == "school")]
    return rows.dropna(subset=FEATURES).reset_index(drop=True)


def _save(ax_or_fig, tmp_path, name):
    fig = getattr(ax_or_fig, "figure", ax_or_fig)
    path = tmp_path / f"{name}.png"
    fig.savefig(path, dpi=60)
    assert path.stat().st_size > 1000
    return path


def _ticks(labels):
    return [t.get_text() for t in labels]


def _legend_texts(ax):
    return [t.get_text() for legend in _legends(ax) for t in legend.get_texts()]


def _legends(ax):
    from matplotlib.legend import Legend

    found = [a for a in ax.get_children() if isinstance(a, Legend)]
    return found


def _scatter_offsets(ax):
    return [c.get_offsets() for c in ax.collections if isinstance(c, PathCollection)]


def test_public_names_exported():
    for name in PLOTS:
        assert name in benchmark.__all__
        assert getattr(benchmark, name) is getattr(plotting, name)


# ---------------------------------------------------------------- CJK fonts
def test_has_cjk():
    assert _fonts.has_cjk(["tier", "示范学院"])
    assert _fonts.has_cjk(["ｶﾀｶﾅ"]) and _fonts.has_cjk(["한국"])
    assert not _fonts.has_cjk(["placement rate", "Zürich", 2023, None])


def test_plain_matplotlib_misses_glyphs_for_chinese(tmp_path):
    """The control: without the CJK fallback the default font warns about missing glyphs."""
    fig, ax = plt.subplots()
    ax.set_title("示范职业技术学院")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig.savefig(tmp_path / "plain.png")
    assert any("missing from font" in str(w.message) for w in caught)


def test_chinese_labels_render_without_missing_glyphs(panel, meta, tmp_path):
    font = _fonts.find_cjk_font()
    if font is None:
        pytest.skip("no CJK font installed (apt-get install fonts-noto-cjk)")
    focus = panel["institution"].iloc[0]
    gaps = peer_gap(panel, focus, FEATURES, cohort="tier", at=2023)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ax = plotting.plot_gaps(gaps, metadata=meta)
        _save(ax, tmp_path, "cjk")
    bad = [str(w.message) for w in caught if "missing from font" in str(w.message) or "Glyph" in str(w.message)]
    assert bad == []
    assert any("\u4e00" <= ch <= "\u9fff" for ch in ax.get_title())
    assert font in ax.title.get_fontfamily()
    assert all(font in t.get_fontfamily() for t in ax.get_yticklabels())
    # Latin text keeps the default font first: only missing glyphs fall back to the CJK font.
    assert ax.xaxis.label.get_fontfamily()[0] != font


def test_latin_only_figure_keeps_default_font():
    ax = plotting.plot_gaps(pd.DataFrame({"institution": "a", "indicator": ["x", "y"],
                                          "gap_median_pct": [1.0, -2.0]}))
    assert ax.title.get_fontfamily() == list(matplotlib.rcParams["font.family"])


def test_missing_cjk_font_warns_once_with_the_fix(monkeypatch):
    monkeypatch.setattr(_fonts, "find_cjk_font", lambda: None)
    monkeypatch.setattr(_fonts, "_warned", False)
    table = pd.DataFrame({"institution": "示范学院", "indicator": ["x", "y"], "gap_median_pct": [1.0, -2.0]})
    with pytest.warns(plotting.CJKFontWarning, match="apt-get install fonts-noto-cjk") as record:
        plotting.plot_gaps(table)
        plotting.plot_gaps(table)
    assert sum(issubclass(w.category, plotting.CJKFontWarning) for w in record) == 1
    assert issubclass(plotting.CJKFontWarning, UserWarning)


def test_find_cjk_font_prefers_simplified_chinese():
    from matplotlib import font_manager

    names = {f.name for f in font_manager.fontManager.ttflist}
    if "Noto Sans CJK SC" not in names:
        pytest.skip("Noto Sans CJK SC not installed (apt-get install fonts-noto-cjk)")
    assert _fonts.find_cjk_font() == "Noto Sans CJK SC"


# ---------------------------------------------------------------- plot_transitions
@pytest.fixture
def tier_panel():
    # year 1 -> 2: a A->B, b B->A, c B->B, d C->C ; year 2 -> 3: a B->B, b A->A, c B->C, d C->B
    return pd.DataFrame({
        "institution": list("abcd") * 3,
        "year": [1] * 4 + [2] * 4 + [3] * 4,
        "tier": ["A", "B", "B", "C", "B", "A", "B", "C", "B", "A", "C", "B"],
    })


def _cell_texts(ax):
    return [t.get_text() for t in ax.texts]


def test_plot_transitions_counts_by_hand(tier_panel, tmp_path):
    before = copy.deepcopy(tier_panel)
    result = tier_transitions(tier_panel, "tier")
    ax = plotting.plot_transitions(result)
    # pooled counts by hand: A->A 1, A->B 1, B->A 1, B->B 2, B->C 1, C->B 1, C->C 1
    expected = np.array([[1, 1, 0], [1, 2, 1], [0, 1, 1]])
    shares = expected / expected.sum(axis=1, keepdims=True)
    texts = _cell_texts(ax)
    assert len(texts) == 9
    for text, count, share in zip(texts, expected.ravel(), shares.ravel(), strict=True):
        assert text == f"{count}\n{share:.0%}"
    assert _ticks(ax.get_xticklabels()) == ["A", "B", "C"]
    assert _ticks(ax.get_yticklabels()) == ["A", "B", "C"]
    assert sum(isinstance(p, Rectangle) and not p.get_fill() for p in ax.patches) == 3  # the diagonal
    np.testing.assert_allclose(ax.images[0].get_array(), shares)
    assert "pooled" in ax.get_title()
    pd.testing.assert_frame_equal(tier_panel, before)
    _save(ax, tmp_path, "transitions")


def test_plot_transitions_one_pair_and_plain_tables(tier_panel):
    result = tier_transitions(tier_panel, "tier")
    ax = plotting.plot_transitions(result, at=2)
    assert "2 \u2192 3" in ax.get_title()
    # pair 2 -> 3 by hand: A->A 1, B->B 1, B->C 1, C->B 1
    assert [t.split("\n")[0] for t in _cell_texts(ax)] == ["1", "0", "0", "0", "1", "1", "0", "1", "0"]
    ax2 = plotting.plot_transitions(result.transitions, at=2)
    assert _cell_texts(ax2) == _cell_texts(ax)
    matrix = pd.DataFrame([[3, 1], [0, 4]], index=["A", "B"], columns=["A", "B"])
    ax3 = plotting.plot_transitions(matrix)
    assert _cell_texts(ax3) == ["3\n75%", "1\n25%", "0\n0%", "4\n100%"]


def test_plot_transitions_on_bundled_official_tiers(panel, tmp_path):
    ax = plotting.plot_transitions(tier_transitions(panel, "tier"))
    # official tiers do not change during the plan: everyone stays, four yearly pairs each
    per_tier = panel.drop_duplicates("institution")["tier"].value_counts().sort_index() * 4
    counts = [int(t.split("\n")[0]) for t in _cell_texts(ax)]
    assert counts == [per_tier["A"], 0, 0, 0, per_tier["B"], 0, 0, 0, per_tier["C"]]
    _save(ax, tmp_path, "transitions_official")


def test_plot_transitions_bad_input(tier_panel):
    with pytest.raises(BenchmarkError, match="square"):
        plotting.plot_transitions(pd.DataFrame([[1, 2, 3]], index=["A"], columns=["A", "B", "C"]))
    with pytest.raises(BenchmarkError, match="at=7"):
        plotting.plot_transitions(tier_transitions(tier_panel, "tier").transitions, at=7)
    with pytest.raises(BenchmarkError, match="must be a pandas DataFrame"):
        plotting.plot_transitions([[1, 0], [0, 1]])


# ---------------------------------------------------------------- plot_rank_intervals
@pytest.fixture(scope="module")
def rank_result(schools):
    return rank_uncertainty(schools, FEATURES, n_draws=200, random_state=1)


def test_plot_rank_intervals_on_bundled_data(rank_result, tmp_path):
    ranks = rank_result.ranks
    focus = ranks["institution"].iloc[-1]
    ax = plotting.plot_rank_intervals(rank_result, focus=focus)
    expected = ranks.sort_values("nominal_rank", kind="stable")["institution"].astype(str).tolist()
    assert _ticks(ax.get_yticklabels()) == expected  # best at the top (ticks are listed bottom-up)[::-1]
    segments = next(c for c in ax.collections if isinstance(c, LineCollection)).get_segments()
    assert len(segments) == len(ranks)
    lows = sorted((s[0][0], s[1][0]) for s in segments)
    assert lows == sorted(zip(ranks["ci_low"].astype(float), ranks["ci_high"].astype(float), strict=True))
    assert _legend_texts(ax) == ["90% interval", "nominal rank", "median rank"]
    focus_tick = next(t for t in ax.get_yticklabels() if t.get_text() == str(focus))
    assert matplotlib.colors.same_color(focus_tick.get_color(), plotting.FOCUS_COLOR)
    _save(ax, tmp_path, "ranks")


def test_plot_rank_intervals_top_keeps_focus(rank_result):
    ranks = rank_result.ranks.sort_values("nominal_rank")
    focus = ranks["institution"].iloc[-1]
    ax = plotting.plot_rank_intervals(rank_result.ranks, top=10, focus=focus)
    shown = _ticks(ax.get_yticklabels())
    assert len(shown) == 11 and shown[-1] == str(focus)
    assert any("not shown" in t.get_text() for t in ax.texts)


def test_plot_rank_intervals_bad_input(rank_result):
    with pytest.raises(UnknownEntityError, match="nowhere"):
        plotting.plot_rank_intervals(rank_result, focus="nowhere")
    with pytest.raises(ColumnError, match="rank_99"):
        plotting.plot_rank_intervals(rank_result, upper="rank_99")
    with pytest.raises(BenchmarkError, match="`top`"):
        plotting.plot_rank_intervals(rank_result, top=0)
    with pytest.raises(BenchmarkError, match="ranks"):
        plotting.plot_rank_intervals(object())


# ---------------------------------------------------------------- plot_completion
@pytest.fixture(scope="module")
def completion_table(panel, targets, meta):
    return completion(panel, targets, at=2021, metadata=meta)


def test_plot_completion_one_institution(completion_table, meta, tmp_path):
    focus = completion_table["institution"].iloc[0]
    own = completion_table[completion_table["institution"] == focus]
    before = copy.deepcopy(completion_table)
    ax = plotting.plot_completion(completion_table, focus=focus, metadata=meta, clip=2.0, lang="en")
    pd.testing.assert_frame_equal(completion_table, before)
    bars = [p for p in ax.patches if isinstance(p, Rectangle)]
    assert len(bars) == len(own)
    label = dict(zip(meta["indicator"], meta["label_en"], strict=True))  # English figures take label_en
    ratio = own["completion_ratio"].to_numpy() * 100
    order = np.argsort(np.nan_to_num(ratio, nan=-np.inf), kind="stable")
    assert _ticks(ax.get_yticklabels()) == [label[i] for i in own["indicator"].to_numpy()[order]]
    widths = np.array([b.get_width() for b in bars])
    np.testing.assert_allclose(widths, np.clip(np.nan_to_num(ratio[order]), 0, 200))
    for bar, state in zip(bars, own["status"].to_numpy()[order], strict=True):
        assert matplotlib.colors.same_color(bar.get_facecolor(), plotting.STATUS_COLORS[state])
    assert set(_legend_texts(ax)) == set(own["status"])
    assert any(line.get_xdata()[0] == 100 for line in ax.lines)
    assert str(focus) in ax.get_title() and "2021" in ax.get_title()
    _save(ax, tmp_path, "completion_one")


def test_plot_completion_short_of_the_target_never_reads_100():
    table = pd.DataFrame({"institution": "a", "indicator": ["x", "y", "z", "w"],
                          "completion_ratio": [0.996, 1.0, 0.994, 1.004],
                          "status": ["unattainable", "completed", "attainable", "completed"]})
    ax = plotting.plot_completion(table, focus="a", lang="en")
    shown = {t.get_text() for t in ax.texts}
    assert {"99.6%", "100%", "99%"} <= shown  # 99.6 % is not rounded up to the target; 100.4 % is
    assert "99.4%" not in shown


def test_chinese_titles_use_chinese_punctuation():
    table = pd.DataFrame({"institution": "甲校", "year": 2023, "indicator": ["x", "y"],
                          "completion_ratio": [0.5, 1.2], "status": ["attainable", "completed"]})
    zh = plotting.plot_completion(table, focus="甲校", lang="zh").get_title()
    en = plotting.plot_completion(table, focus="甲校", lang="en").get_title()
    assert zh == "目标完成情况：甲校，2023"
    assert en == "Target completion: 甲校, 2023"


def test_plot_completion_many_institutions(completion_table, meta, tmp_path):
    ax = plotting.plot_completion(completion_table, metadata=meta, lang="en")
    counts = pd.crosstab(completion_table["indicator"], completion_table["status"])
    bars = [p for p in ax.patches if isinstance(p, Rectangle)]
    assert len(bars) == counts.size
    ticks = _ticks(ax.get_yticklabels())
    assert len(ticks) == counts.shape[0]
    totals = {}
    for bar in bars:
        y = round(bar.get_y() + bar.get_height() / 2)
        totals[y] = totals.get(y, 0) + bar.get_width()
    n = completion_table["institution"].nunique()
    assert all(v == n for v in totals.values())  # each task list covers every institution once
    assert _legend_texts(ax) == [s.replace("_", " ") for s in plotting.STATUS_COLORS if s in counts.columns]
    some = completion_table[completion_table["institution"].isin(completion_table["institution"].unique()[:8])]
    ax2 = plotting.plot_completion(some, by="entity")
    assert len(ax2.get_yticks()) == 8
    _save(ax, tmp_path, "completion_many")


def test_plot_completion_bad_input(completion_table):
    with pytest.raises(ColumnError, match="state"):
        plotting.plot_completion(completion_table, status="state")
    with pytest.raises(UnknownEntityError, match="nowhere"):
        plotting.plot_completion(completion_table, focus="nowhere")
    with pytest.raises(BenchmarkError, match="`by`"):
        plotting.plot_completion(completion_table, by="province")


# ---------------------------------------------------------------- plot_trajectory
def test_plot_trajectory_series_band_and_targets(panel, targets, completion_table, tmp_path):
    focus = panel.loc[panel["tier"] == "A", "institution"].iloc[0]
    before = copy.deepcopy(panel)
    ax = plotting.plot_trajectory(panel, "placement_rate", focus=focus, targets=targets, cohort="tier",
                                  completion=completion_table, metadata={"placement_rate": "毕业生就业去向落实率"},
                                  lang="en")
    lines = {line.get_label(): line for line in ax.lines}
    own = panel[panel["institution"] == focus].sort_values("year")
    np.testing.assert_allclose(lines[str(focus)].get_ydata(), own["placement_rate"].to_numpy(dtype=float))
    # the cohort median by hand: same-tier peers, focus left out, per year
    peers = panel[(panel["tier"] == "A") & (panel["institution"] != focus)]
    median = peers.groupby("year")["placement_rate"].median()
    np.testing.assert_allclose(lines["cohort median"].get_ydata(), median.to_numpy())
    row = targets[(targets["institution"] == focus) & (targets["indicator"] == "placement_rate")].iloc[0]
    assert lines["interim target 2021"].get_ydata()[0] == row["target_2021"]
    assert lines["final target 2023"].get_ydata()[0] == row["target_2023"]
    assert lines["baseline"].get_ydata()[0] == row["baseline"]
    task = completion_table[(completion_table["institution"] == focus)
                            & (completion_table["indicator"] == "placement_rate")].iloc[0]
    projection = next(v for k, v in lines.items() if k.startswith("projection"))
    assert projection.get_ydata()[1] == pytest.approx(task["projected_final"])
    assert any("inter-quartile" in t for t in _legend_texts(ax))
    pd.testing.assert_frame_equal(panel, before)
    _save(ax, tmp_path, "trajectory")


def test_plot_trajectory_without_band(panel):
    focus = panel["institution"].iloc[0]
    ax = plotting.plot_trajectory(panel, "enrolment", focus=focus, band=False)
    assert [line.get_label() for line in ax.lines] == [str(focus)]
    assert ax.get_xlabel() == "year"


def test_plot_trajectory_skips_projection_of_accumulated_totals():
    small = pd.DataFrame({"institution": ["a", "a", "a", "b", "b", "b"], "year": [2019, 2020, 2021] * 2,
                          "income": [10.0, 12.0, 14.0, 9.0, 9.5, 11.0]})
    task = {"institution": "a", "indicator": "income", "year": 2021, "actual": 26.0, "final_year": 2023,
            "projected_final": 52.0, "status": "attainable"}
    done = pd.DataFrame([{**task, "kind": "accumulated"}, {**task, "institution": "b", "kind": "flow"}])
    ax = plotting.plot_trajectory(small, "income", focus="a", completion=done)
    assert not any(line.get_label().startswith("projection") for line in ax.lines)
    ax = plotting.plot_trajectory(small, "income", focus="b", completion=done)
    projection = next(line for line in ax.lines if line.get_label() == "projection (attainable)")
    assert list(projection.get_xdata()) == [2021, 2023] and list(projection.get_ydata()) == [26.0, 52.0]


def test_plot_trajectory_bad_input(panel, targets):
    focus = panel["institution"].iloc[0]
    with pytest.raises(UnknownEntityError, match="nowhere"):
        plotting.plot_trajectory(panel, "enrolment", focus="nowhere")
    with pytest.raises(ColumnError, match="enrollment"):
        plotting.plot_trajectory(panel, "enrollment", focus=focus)
    with pytest.raises(BenchmarkError, match="no target .*'enrolment'"):
        plotting.plot_trajectory(panel, "enrolment", focus=focus, targets=targets)


# ---------------------------------------------------------------- plot_gaps / plot_profile
def _small_gaps():
    return pd.DataFrame({
        "institution": "a", "indicator": ["x", "y", "z"], "direction": ["higher", "lower", "higher"],
        "value": [12.0, 15.0, 3.0], "cohort_median": [10.0, 20.0, 4.0], "cohort_q1": [8.0, 16.0, 2.0],
        "cohort_q3": [11.0, 30.0, 6.0], "cohort_best": [14.0, 10.0, 9.0],
        "percentile_rank": [75.0, 80.0, 30.0], "gap_median_pct": [20.0, 25.0, -25.0],
    })


@pytest.fixture(scope="module")
def gaps(panel, meta):
    focus = panel.loc[panel["unit_type"] == "school", "institution"].iloc[7]
    inds = [*FEATURES, "student_teacher_ratio", "training_income"]
    return peer_gap(panel, focus, inds, cohort="tier", at=2023, direction=meta, ci=0.9,
                              n_boot=200, random_state=0)


def test_plot_gaps_bars_and_intervals(gaps, meta, tmp_path):
    before = copy.deepcopy(gaps)
    ax = plotting.plot_gaps(gaps, metadata=meta)
    pd.testing.assert_frame_equal(gaps, before)
    bars = [p for p in ax.patches if isinstance(p, Rectangle)]
    expected = gaps.sort_values("gap_median_pct", kind="stable")
    np.testing.assert_allclose([b.get_width() for b in bars], expected["gap_median_pct"])
    label = dict(zip(meta["indicator"], meta["label"], strict=True))
    assert _ticks(ax.get_yticklabels()) == [label[i] for i in expected["indicator"]]
    for bar, value, sig in zip(bars, expected["gap_median_pct"], expected["significant"], strict=True):
        colour = plotting.AHEAD_COLOR if value >= 0 else plotting.BEHIND_COLOR
        assert matplotlib.colors.same_color(bar.get_facecolor()[:3], colour)
        assert bar.get_alpha() == (1.0 if sig else 0.45)
    # error bars: the bootstrap interval of the gap in percent of |median|, by hand
    segments = next(c for c in ax.collections if isinstance(c, LineCollection)).get_segments()
    scale = 100 / expected["cohort_median"].abs().to_numpy()
    np.testing.assert_allclose([s[0][0] for s in segments], expected["ci_low"] * scale)
    np.testing.assert_allclose([s[1][0] for s in segments], expected["ci_high"] * scale)
    assert "2023" in ax.get_title()
    _save(ax, tmp_path, "gaps")


def test_plot_gaps_raw_gap_to_best(gaps):
    ax = plotting.plot_gaps(gaps, gap="gap_best", percent=False)
    widths = sorted(b.get_width() for b in ax.patches if isinstance(b, Rectangle))
    np.testing.assert_allclose(widths, np.sort(gaps["gap_best"].to_numpy()))
    assert "best" in ax.get_xlabel()


def test_plot_gaps_bad_input(gaps):
    with pytest.raises(ColumnError, match="gap_top_pct"):
        plotting.plot_gaps(gaps, gap="gap_top")
    with pytest.raises(BenchmarkError, match="year 1999"):
        plotting.plot_gaps(gaps, at=1999)


def test_plot_profile_dot_percentiles(gaps, meta, tmp_path):
    ax = plotting.plot_profile(gaps, metadata=meta, lang="en")
    focus_line = next(line for line in ax.lines if line.get_label() == str(gaps["institution"].iloc[0]))
    np.testing.assert_allclose(focus_line.get_xdata(), gaps["percentile_rank"])
    label = dict(zip(meta["indicator"], meta["label_en"], strict=True))
    assert _ticks(ax.get_yticklabels()) == [label[i] for i in gaps["indicator"]]
    assert ax.get_yticks()[0] == len(gaps) - 1  # the first indicator on top
    band = next(c for c in ax.collections if isinstance(c, LineCollection)).get_segments()
    assert all(s[0][0] == 25 and s[1][0] == 75 for s in band)
    assert _legend_texts(ax)[:2] == ["cohort inter-quartile range", "cohort median"]
    _save(ax, tmp_path, "profile_dot")


def test_plot_profile_median_scale_by_hand():
    ax = plotting.plot_profile(_small_gaps(), scale="median")
    focus = next(line for line in ax.lines if line.get_label() == "a")
    # x: 100 + (12-10)/10*100 = 120; y (lower is better): 100 - (15-20)/20*100 = 125; z: 100 - 25 = 75
    np.testing.assert_allclose(focus.get_xdata(), [120.0, 125.0, 75.0])
    best = next(line for line in ax.lines if line.get_label() == "cohort best")
    np.testing.assert_allclose(best.get_xdata(), [140.0, 150.0, 225.0])
    band = next(c for c in ax.collections if isinstance(c, LineCollection)).get_segments()
    # y: quartiles 16 and 30 -> 120 and 50 (the better quartile is the lower one)
    assert [(s[0][0], s[1][0]) for s in band] == [(80.0, 110.0), (50.0, 120.0), (50.0, 150.0)]


def test_plot_profile_radar(gaps, tmp_path):
    ax = plotting.plot_profile(gaps, kind="radar")
    assert ax.name == "polar"
    assert len(ax.get_xticks()) == len(gaps)
    focus = next(line for line in ax.lines if line.get_label() == str(gaps["institution"].iloc[0]))
    np.testing.assert_allclose(focus.get_ydata()[:-1], gaps["percentile_rank"])
    assert focus.get_ydata()[-1] == focus.get_ydata()[0]  # closed polygon
    _save(ax, tmp_path, "profile_radar")


def test_plot_profile_bad_input(gaps):
    two = pd.concat([gaps, gaps.assign(institution="other")])
    with pytest.raises(BenchmarkError, match="several institution"):
        plotting.plot_profile(two)
    with pytest.raises(BenchmarkError, match="at least 3"):
        plotting.plot_profile(gaps.head(2), kind="radar")
    _, flat = plt.subplots()
    with pytest.raises(BenchmarkError, match="polar"):
        plotting.plot_profile(gaps, kind="radar", ax=flat)
    with pytest.raises(ColumnError, match="cohort_q3"):
        plotting.plot_profile(gaps.drop(columns="cohort_q3"), scale="median")
    with pytest.raises(BenchmarkError, match="`scale`"):
        plotting.plot_profile(gaps, scale="z")


# ---------------------------------------------------------------- plot_cost_outcome
@pytest.fixture(scope="module")
def quadrants(panel):
    schools = panel[panel["unit_type"] == "school"]
    return cost_outcome_quadrant(schools, "total_funding", "tech_service_income", cohort="tier")


def test_plot_cost_outcome_quadrants(quadrants, tmp_path):
    latest = quadrants[quadrants["year"] == 2023]
    focus = latest["institution"].iloc[3]
    peers = latest["institution"].iloc[4:7].tolist()
    before = copy.deepcopy(quadrants)
    ax = plotting.plot_cost_outcome(quadrants, focus=focus, peers=peers, metadata={"cost": "建设资金合计"}, lang="en")
    pd.testing.assert_frame_equal(quadrants, before)
    frow = latest[latest["institution"] == focus].iloc[0]
    cohort = latest[latest["cohort"] == frow["cohort"]]
    texts = _legend_texts(ax)
    for name in plotting.QUADRANT_COLORS:
        n = int((cohort["quadrant"] == name).sum())
        if n:
            assert name in texts
            coll = next(c for c in ax.collections if c.get_label() == name)
            assert len(coll.get_offsets()) == n
    outside = next(c for c in ax.collections if c.get_label() == "outside the cohort")
    assert len(outside.get_offsets()) == len(latest) - len(cohort)
    vertical = [line for line in ax.lines if line.get_xdata()[0] == line.get_xdata()[1]]
    assert vertical[0].get_xdata()[0] == pytest.approx(frow["cost_median"])
    named = {t.get_text() for t in ax.texts}
    assert set(map(str, peers)) <= named and str(focus) in named
    assert str(focus) in texts and "2023" in ax.get_title()
    assert ax.get_xlabel() == "建设资金合计"
    _save(ax, tmp_path, "cost_outcome")


def test_plot_cost_outcome_without_focus(quadrants):
    ax = plotting.plot_cost_outcome(quadrants, at=2021, logx=True)
    assert ax.get_xscale() == "log"
    total = sum(len(c.get_offsets()) for c in ax.collections)
    assert total == int((quadrants["year"] == 2021).sum())


def test_plot_cost_outcome_bad_input(quadrants):
    with pytest.raises(UnknownEntityError, match="nowhere"):
        plotting.plot_cost_outcome(quadrants, focus="nowhere")
    with pytest.raises(UnknownEntityError, match="ghost"):
        plotting.plot_cost_outcome(quadrants, peers=["ghost"])
    with pytest.raises(ColumnError, match="spend"):
        plotting.plot_cost_outcome(quadrants, cost="spend")
    with pytest.warns(UserWarning, match="'staff'.*key the labels by those"):
        ax = plotting.plot_cost_outcome(quadrants, metadata={"staff": "teachers"})
    assert ax.get_xlabel() == "cost (lower is better)"


def test_plot_cost_outcome_names_axes_by_the_indicators(quadrants):
    """Labels keyed by the indicators given to cost_outcome_quadrant name the axes (mapping or table)."""
    assert quadrants.attrs == {"cost_indicator": "total_funding", "outcome_indicator": "tech_service_income"}
    ax = plotting.plot_cost_outcome(quadrants, metadata={"total_funding": "funding", "tech_service_income": "income"},
                                    lang="en")
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("funding", "income")
    table = pd.DataFrame({"indicator": ["tech_service_income", "total_funding"], "label": ["收入", "资金"]})
    ax = plotting.plot_cost_outcome(quadrants[quadrants["year"] == 2023], metadata=table, lang="zh")
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("资金", "收入")
    # a label keyed by the drawn column wins over one keyed by its indicator
    ax = plotting.plot_cost_outcome(quadrants, metadata={"total_funding": "funding", "cost": "spending"})
    assert ax.get_xlabel() == "spending"


# ---------------------------------------------------------------- plot_frontier
@pytest.fixture
def units():
    # one input, one output; CRS efficiency by hand = (y/x) / max(y/x), max ratio 2 (unit c)
    return pd.DataFrame({"institution": list("abcdef"), "x": [2.0, 4.0, 3.0, 6.0, 5.0, 8.0],
                         "y": [2.0, 5.0, 6.0, 6.0, 4.0, 7.0], "y2": [5.0, 1.0, 3.0, 4.0, 2.0, 2.0]})


def _linprog_vrs(x, y):
    """Input-oriented VRS efficiencies (envelopment form) with scipy, one LP per unit."""
    from scipy.optimize import linprog

    n = len(x)
    out = []
    for o in range(n):
        c = np.r_[1.0, np.zeros(n)]
        a_ub = [np.r_[-x[o], x], np.r_[0.0, -y]]
        res = linprog(c, A_ub=a_ub, b_ub=[0.0, -y[o]], A_eq=[np.r_[0.0, np.ones(n)]], b_eq=[1.0],
                      bounds=[(None, None)] + [(0, None)] * n)
        out.append(res.x[0])
    return np.array(out)


def test_plot_frontier_crs_by_hand(units, tmp_path):
    eff = (units["y"] / units["x"]) / 2.0
    result = pd.DataFrame({"institution": units["institution"], "efficiency": eff})
    ax = plotting.plot_frontier(result, data=units, inputs="x", outputs="y", focus="d")
    frontier = next(line for line in ax.lines if line.get_label().startswith("frontier"))
    (x0, x1), (y0, y1) = frontier.get_xdata(), frontier.get_ydata()
    assert (x0, y0) == (0.0, 0.0) and (y1 - y0) / (x1 - x0) == pytest.approx(2.0)
    # projection of d (6, 6): input-oriented CRS target x = 0.5 * 6 = 3
    projection = next(c for c in ax.collections if c.get_label() == "projection (target)")
    np.testing.assert_allclose(projection.get_offsets()[0], [3.0, 6.0])
    efficient = next(c for c in ax.collections if c.get_label() == "efficient units")
    np.testing.assert_allclose(efficient.get_offsets(), [[3.0, 6.0]])
    assert "d (efficiency 0.500)" in _legend_texts(ax)
    _save(ax, tmp_path, "frontier_crs")


def test_plot_frontier_vrs_passes_through_efficient_units(units):
    eff = _linprog_vrs(units["x"].to_numpy(), units["y"].to_numpy())
    result = pd.DataFrame({"institution": units["institution"], "efficiency": eff})
    ax = plotting.plot_frontier(result, data=units, inputs="x", outputs="y", rts="vrs", focus="e")
    frontier = next(line for line in ax.lines if line.get_label().startswith("frontier"))
    vertices = set(zip(frontier.get_xdata(), frontier.get_ydata(), strict=True))
    on = units.loc[np.isclose(eff, 1.0), ["x", "y"]].itertuples(index=False)
    # a, c, f span the VRS frontier; (2, 0) starts it and it runs flat to the right of f
    assert {(2.0, 2.0), (3.0, 6.0), (8.0, 7.0)} <= vertices
    assert set(map(tuple, on)) <= vertices | {(4.0, 5.0)}
    e_proj = next(c for c in ax.collections if c.get_label() == "projection (target)").get_offsets()[0]
    assert e_proj[0] == pytest.approx(5.0 * eff[4])


def test_plot_frontier_two_outputs_and_two_inputs(units, tmp_path):
    units = units.assign(one=1.0)
    result = pd.DataFrame({"institution": units["institution"], "efficiency": [1, 0.5, 0.8, 1, 0.4, 1.0]})
    ax = plotting.plot_frontier(result, data=units, inputs="one", outputs=["y", "y2"])
    assert ax.get_xlabel() == "y per one" and ax.get_ylabel() == "y2 per one"
    frontier = next(line for line in ax.lines if line.get_label().startswith("frontier"))
    xs, ys = frontier.get_xdata(), frontier.get_ydata()
    # hull of the efficient a (2, 5), d (6, 4), f (7, 2): flat to the y2 axis, down to the y axis
    np.testing.assert_allclose(np.column_stack([xs, ys]), [[0, 5], [2, 5], [6, 4], [7, 2], [7, 0]])
    ax2 = plotting.plot_frontier(result, data=units.assign(out=1.0), inputs=["x", "y"], outputs="out")
    assert ax2.get_xlabel() == "x per out"
    isoquant = next(line for line in ax2.lines if line.get_label().startswith("frontier"))
    # efficient a (2, 2), d (6, 6), f (8, 7): d and f lie above the segment from a, so the isoquant
    # is a alone with its vertical and horizontal extensions
    np.testing.assert_allclose(isoquant.get_xydata()[1], [2.0, 2.0])
    assert isoquant.get_xydata()[0][0] == 2.0 and isoquant.get_xydata()[-1][1] == 2.0
    _save(ax, tmp_path, "frontier_outputs")


@pytest.mark.parametrize("rts", ["crs", "vrs", "fdh"])
def test_plot_frontier_on_a_dea_result(rts, tmp_path):
    from benchmark.frontier import dea

    pft = benchmark.datasets.load("pft1981")
    result = dea(pft, "teacher", "reading", rts=rts, entity="school")
    ax = result.plot(focus="S05")  # the observed values come from the result's targets
    eff = result.efficiency
    efficient = next(c for c in ax.collections if c.get_label() == "efficient units").get_offsets()
    expected = pft.loc[eff["efficient"].to_numpy(), ["teacher", "reading"]].to_numpy()
    assert sorted(map(tuple, np.asarray(efficient))) == sorted(map(tuple, expected))
    frontier = next(line for line in ax.lines if line.get_label().startswith("frontier"))
    # every efficient unit lies on the drawn boundary (interpolated at its input level)
    xs, ys = frontier.get_xdata(), frontier.get_ydata()
    if rts == "crs":
        slope = (ys[1] - ys[0]) / (xs[1] - xs[0])
        np.testing.assert_allclose(expected[:, 1], slope * expected[:, 0])
    else:
        for x, y in expected:
            at_x = ys[np.isclose(xs, x)]
            assert at_x.size and at_x.min() - 1e-9 <= y <= at_x.max() + 1e-9
    target = result.targets().query("school == 'S05'").set_index("indicator")["target"]
    projection = next(c for c in ax.collections if c.get_label() == "projection (target)").get_offsets()[0]
    np.testing.assert_allclose(projection, target[["teacher", "reading"]].to_numpy())
    assert rts.upper() in ax.get_title()
    _save(ax, tmp_path, f"frontier_{rts}")


def test_plot_frontier_output_orientation_two_outputs():
    from benchmark.frontier import dea

    pft = benchmark.datasets.load("pft1981")
    result = dea(pft, "teacher", ["reading", "mathematics"], orientation="output", entity="school")
    ax = plotting.plot_frontier(result, data=pft, focus="S05")
    target = result.targets().query("school == 'S05'").set_index("indicator")["target"]
    projection = next(c for c in ax.collections if c.get_label() == "projection (target)").get_offsets()[0]
    np.testing.assert_allclose(projection, target[["reading", "mathematics"]].to_numpy() / target["teacher"])
    score = result.efficiency.set_index("school").loc["S05", "efficiency"]
    assert f"S05 (efficiency {score:.3f})" in _legend_texts(ax)
    assert "output orientation" in ax.get_title()


def test_plot_frontier_bad_input(units):
    result = pd.DataFrame({"institution": units["institution"], "efficiency": 0.5})
    with pytest.raises(BenchmarkError, match="no unit has efficiency = 1"):
        plotting.plot_frontier(result, data=units, inputs="x", outputs="y")
    with pytest.raises(BenchmarkError, match="2 input"):
        plotting.plot_frontier(result.assign(efficiency=1.0), data=units, inputs=["x", "y"], outputs=["y2", "x"])
    with pytest.raises(BenchmarkError, match="`rts`"):
        plotting.plot_frontier(result.assign(efficiency=1.0), data=units, inputs="x", outputs="y", rts="irs")
    with pytest.raises(BenchmarkError, match="data="):
        plotting.plot_frontier(result, inputs="x", outputs="y")
    with pytest.raises(UnknownEntityError, match="zz"):
        plotting.plot_frontier(result.assign(efficiency=1.0), data=units, inputs="x", outputs="y", focus="zz")


# ---------------------------------------------------------------- plot_tiers
@pytest.fixture(scope="module")
def tier_result(schools):
    return tiers(schools, FEATURES, k=3, labels=["A", "B", "C"], n_boot=0, n_init=3, random_state=0)


def test_plot_tiers_pca_against_sklearn(tier_result, schools, tmp_path):
    from sklearn.decomposition import PCA

    focus = schools["institution"].iloc[0]
    ax = plotting.plot_tiers(tier_result, data=schools, official="tier", focus=focus)
    points = np.vstack([o for o in _scatter_offsets(ax)[:-1]])  # the last collection circles the focus
    assert len(points) == len(schools)
    z = schools[FEATURES].to_numpy(dtype=float)
    z = (z - z.mean(axis=0)) / z.std(axis=0)
    reference = np.abs(PCA(n_components=2).fit_transform(z))
    got = np.abs(points)
    # same point set (up to the sign of each component)
    assert np.allclose(np.sort(got[:, 0]), np.sort(reference[:, 0]))
    assert np.allclose(np.sort(got[:, 1]), np.sort(reference[:, 1]))
    (legend,) = _legends(ax)  # one legend: derived tiers, then the official tiers under their own heading
    assert [t.get_text() for t in legend.get_texts()] == ["A", "B", "C", "official tier", "A", "B", "C"]
    assert legend.get_title().get_text() == "derived tier"
    assert "variance" in ax.get_xlabel()
    _save(ax, tmp_path, "tiers_pca")


def test_plot_tiers_score_vs_rank(tier_result):
    ax = plotting.plot_tiers(tier_result.assignments, kind="score", annotate=True)
    points = np.vstack(_scatter_offsets(ax))
    assert sorted(points[:, 0]) == list(range(1, len(points) + 1))
    # rank 1 has the highest score
    assert points[np.argmin(points[:, 0]), 1] == tier_result.assignments["score"].max()
    assert len(ax.texts) == len(points)


def test_plot_tiers_bad_input(tier_result, schools):
    with pytest.raises(BenchmarkError, match="kind='pca' needs"):
        plotting.plot_tiers(tier_result, kind="pca")
    with pytest.raises(BenchmarkError, match="no tier for"):
        plotting.plot_tiers(tier_result, official={schools["institution"].iloc[0]: "A"})
    with pytest.raises(BenchmarkError, match="several rows per institution"):
        plotting.plot_tiers(tier_result, data=pd.concat([schools, schools.assign(tier="B")]), official="tier")
    with pytest.raises(UnknownEntityError, match="nowhere"):
        plotting.plot_tiers(tier_result, focus="nowhere")


# ---------------------------------------------------------------- every plot: lang, failures, palette, fonts
@pytest.fixture(scope="module")
def productivity():
    """Malmquist indices of four units over three years (one input, one output)."""
    frame = pd.DataFrame({"institution": list("abcd") * 3, "year": [1] * 4 + [2] * 4 + [3] * 4,
                          "x": [1.0, 2.0, 4.0, 3.0] * 3,
                          "y": [1.0, 1.0, 2.0, 2.0, 2.0, 1.0, 2.0, 3.0, 2.0, 2.0, 3.0, 3.0]})
    return benchmark.malmquist(frame, "x", "y")


@pytest.fixture(scope="module")
def placement(panel):
    """The school units' placement rates (complete rows) and their kernel densities per year."""
    rows = panel.loc[panel["unit_type"] == "school", ["institution", "year", "placement_rate"]].dropna()
    return rows, benchmark.kernel_density(rows, "placement_rate", n_grid=60)


@pytest.fixture
def every_plot(panel, meta, gaps, completion_table, quadrants, units, rank_result, tier_result, schools,
               tier_panel, productivity, placement):
    """A call of each plot function on valid data, keyed by name; each draws a focus where it can."""
    focus = completion_table["institution"].iloc[0]
    frontier = pd.DataFrame({"institution": units["institution"], "efficiency": [0.5, 0.625, 1, 0.5, 0.4, 0.4375]})
    rows, density = placement
    return {
        "plot_malmquist": lambda **kw: plotting.plot_malmquist(productivity, **kw),
        "plot_kernel_density": lambda **kw: plotting.plot_kernel_density(
            density, data=rows, metadata=meta, **{"focus": rows["institution"].iloc[0], **kw}),
        "plot_profile": lambda **kw: plotting.plot_profile(gaps, metadata=meta, **kw),
        "plot_gaps": lambda **kw: plotting.plot_gaps(gaps, metadata=meta, **kw),
        "plot_trajectory": lambda **kw: plotting.plot_trajectory(
            panel, "placement_rate", cohort="tier", metadata={"placement_rate": "毕业生就业去向落实率"},
            **{"focus": focus, **kw}),
        "plot_completion": lambda **kw: plotting.plot_completion(completion_table, metadata=meta,
                                                                 **{"focus": focus, **kw}),
        "plot_cost_outcome": lambda **kw: plotting.plot_cost_outcome(
            quadrants, metadata={"cost": "建设资金合计"}, **{"focus": quadrants["institution"].iloc[0], **kw}),
        "plot_frontier": lambda **kw: plotting.plot_frontier(
            frontier, data=units, inputs="x", outputs="y", metadata={"x": "经费", "y": "产出"}, **{"focus": "d", **kw}),
        "plot_rank_intervals": lambda **kw: plotting.plot_rank_intervals(
            rank_result, **{"focus": rank_result.ranks["institution"].iloc[0], **kw}),
        "plot_tiers": lambda **kw: plotting.plot_tiers(tier_result, data=schools,
                                                       **{"focus": schools["institution"].iloc[1], **kw}),
        "plot_transitions": lambda **kw: plotting.plot_transitions(tier_transitions(tier_panel, "tier"),
                                                                   **{"focus": "a", **kw}),
    }


def _all_text(ax):
    from matplotlib.text import Text

    return " ".join(t.get_text() for t in ax.figure.findobj(Text))


def test_every_plot_is_covered(every_plot):
    assert sorted(every_plot) == sorted(PLOTS)


@pytest.mark.parametrize("name", PLOTS)
def test_plot_writes_chinese_or_english(every_plot, name):
    """lang="zh" writes titles, axes and legends in Chinese; lang="en" in English."""
    ax_zh, ax_en = every_plot[name](lang="zh"), every_plot[name](lang="en")
    assert _all_text(ax_zh) != _all_text(ax_en)
    if name != "plot_trajectory":  # its title is the indicator's label and the focus, no fixed words
        assert _fonts.has_cjk([ax_zh.get_title()])
        assert not _fonts.has_cjk([ax_en.get_title().split(":")[0]])


def test_chinese_is_the_default_with_chinese_labels(gaps, meta, units):
    assert plotting.plot_gaps(gaps, metadata=meta).get_title().startswith("与同类的差距")
    assert plotting.plot_gaps(_small_gaps()).get_title().startswith("Gaps to peers")
    frontier = pd.DataFrame({"institution": units["institution"], "efficiency": [0.5, 0.625, 1, 0.5, 0.4, 0.4375]})
    ax = plotting.plot_frontier(frontier, data=units, inputs="x", outputs="y2", metadata={"x": "经费", "y2": "产出"})
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("经费", "产出")
    ax = plotting.plot_frontier(frontier, data=units.assign(x2=units["x"] * 2), inputs=["x", "x2"], outputs="y",
                                metadata={"x": "经费", "x2": "教师", "y": "产出"}, lang="en")
    assert ax.get_xlabel() == "经费 per 产出" and ax.get_title().startswith("DEA frontier")


def test_bad_lang_names_the_parameter(gaps):
    with pytest.raises(BenchmarkError, match="`lang`.*'fr'"):
        plotting.plot_gaps(gaps, lang="fr")
    assert plt.get_fignums() == []


@pytest.mark.parametrize("name", PLOTS)
def test_a_failing_plot_closes_its_figure(every_plot, name, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("drawing failed")

    plt.close("all")
    monkeypatch.setattr(matplotlib.axes.Axes, "set_title", broken)
    with pytest.raises(RuntimeError, match="drawing failed"):
        every_plot[name]()
    assert plt.get_fignums() == []


def test_a_failing_plot_leaves_the_callers_axes_open(units):
    fig, ax = plt.subplots()
    with pytest.raises(UnknownEntityError, match="zz"):
        plotting.plot_frontier(pd.DataFrame({"institution": units["institution"], "efficiency": 1.0}),
                               data=units, inputs="x", outputs="y", focus="zz", ax=ax)
    assert plt.get_fignums() == [fig.number]


def _luma(colour):
    r, g, b = matplotlib.colors.to_rgb(colour)
    return 0.299 * r + 0.587 * g + 0.114 * b


def test_palette_pairs_differ_in_grey():
    """Colours that carry meaning stay apart in a greyscale print (Rec. 601 luma differs by >= 0.12)."""
    assert abs(_luma(plotting.AHEAD_COLOR) - _luma(plotting.BEHIND_COLOR)) >= 0.12
    greys = sorted(_luma(c) for c in plotting.STATUS_COLORS.values())
    assert min(np.diff(greys)) >= 0.12
    assert abs(_luma(plotting.FOCUS_COLOR) - _luma(plotting.OTHER_COLOR)) >= 0.3
    okabe_ito = {"#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7"}
    assert {plotting.AHEAD_COLOR, plotting.BEHIND_COLOR, plotting.FOCUS_COLOR} <= okabe_ito


def test_pdf_embeds_outline_fonts_not_type3(gaps, meta, tmp_path):
    """Journals reject Type 3 fonts: the PDF carries TrueType/CID font programs (pdf.fonttype 42)."""
    with matplotlib.rc_context({"pdf.fonttype": 3}):  # the default, e.g. after rcdefaults() elsewhere
        ax = plotting.plot_gaps(gaps, metadata=meta)
        assert matplotlib.rcParams["pdf.fonttype"] == 42
        path = tmp_path / "gaps.pdf"
        ax.figure.savefig(path)
    raw = path.read_bytes()
    assert b"/Subtype /Type3" not in raw
    assert b"/FontFile2" in raw or b"/FontFile3" in raw


def test_bundled_cjk_font_is_registered_when_the_system_has_none(monkeypatch, caplog):
    """With no CJK font in matplotlib's list, the noto-cjk-sans-otc collection is added and used; bold
    CJK text falls back to its regular weight without a log line."""
    from matplotlib import font_manager

    pytest.importorskip("noto_cjk_sans_otc")
    manager = copy.copy(font_manager.fontManager)
    manager.ttflist = [f for f in font_manager.fontManager.ttflist if "CJK" not in f.name.upper()]
    monkeypatch.setattr(font_manager, "fontManager", manager)
    monkeypatch.setattr(_fonts, "_new_system_cjk_files", list)
    _fonts.find_cjk_font.cache_clear()
    try:
        assert _fonts.find_cjk_font() == "Noto Sans CJK SC"
        assert any(str(_fonts._bundled_font_file()) == f.fname for f in manager.ttflist)
        fig, ax = plt.subplots()
        ax.set_title("示范学院", fontweight="bold", fontfamily=["DejaVu Sans", "Noto Sans CJK SC"])
        with caplog.at_level(logging.INFO, logger="matplotlib.font_manager"):
            fig.canvas.draw()
        assert [r.getMessage() for r in caplog.records if "Failed to find font weight" in r.getMessage()] == []
    finally:
        _fonts.find_cjk_font.cache_clear()


def test_missing_font_gives_one_warning_and_no_glyph_flood(monkeypatch, tmp_path):
    monkeypatch.setattr(_fonts, "find_cjk_font", lambda: None)
    monkeypatch.setattr(_fonts, "_warned", False)
    table = pd.DataFrame({"institution": "示范学院", "indicator": ["甲", "乙"], "gap_median_pct": [1.0, -2.0]})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ax = plotting.plot_gaps(table)
        ax.figure.savefig(tmp_path / "boxes.png")
    texts = [str(w.message) for w in caught]
    assert sum("CJK" in m for m in texts) == 1
    assert not any(m.startswith("Glyph") for m in texts), texts


# ---------------------------------------------------------------- every plot: one signature shape
@pytest.mark.parametrize("name", PLOTS)
def test_signature_shape(name):
    """Data first (plus at most the one thing to draw), then keyword-only focus, options, ax, lang, **kwargs."""
    import inspect

    params = list(inspect.signature(getattr(plotting, name)).parameters.values())
    positional = [p for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    assert 1 <= len(positional) <= 2 and positional[0].default is inspect.Parameter.empty
    keyword = [p for p in params if p.kind is p.KEYWORD_ONLY]
    assert keyword[0].name == "focus"
    assert [p.name for p in keyword[-2:]] == ["ax", "lang"]
    assert keyword[-2].default is None and keyword[-1].default is None
    assert params[-1].kind is inspect.Parameter.VAR_KEYWORD
    names = {p.name for p in params}
    assert not {"labels", "label", "cost_label", "outcome_label", "from_period"} & names
    if name in ("plot_profile", "plot_cost_outcome"):  # their column-name parameters clashed with the vocabulary
        assert not {"direction", "cohort"} & names


def _own_axes(name):
    """A figure with one axes of the kind the plot draws on, and the keywords that ask for that kind."""
    projection = "3d" if name == "plot_kernel_density" else None
    fig = plt.figure()
    return fig, fig.add_subplot(projection=projection), ({"kind": "3d"} if projection else {})


@pytest.mark.parametrize("name", PLOTS)
def test_plot_draws_on_the_given_axes_and_forwards_kwargs(every_plot, name):
    """ax= is drawn on and returned; an extra keyword reaches the main matplotlib artist (gid marks it)."""
    fig, ax, kw = _own_axes(name)
    out = every_plot[name](ax=ax, gid="main-artist", **kw)
    assert out is ax
    assert plt.get_fignums() == [fig.number]
    assert fig.findobj(lambda artist: artist.get_gid() == "main-artist")


@pytest.mark.parametrize("name", PLOTS)
def test_a_keyword_neither_the_plot_nor_matplotlib_takes_is_named(every_plot, name):
    """A misspelt or misplaced keyword is forwarded to matplotlib; its refusal becomes a BenchmarkError."""
    fig, ax, kw = _own_axes(name)
    with pytest.raises(BenchmarkError, match=rf"{name}\(\) has no argument 'langg' \(did you mean 'lang'\?\)"):
        every_plot[name](ax=ax, langg="en", **kw)
    with pytest.raises(BenchmarkError, match=r"no argument 'colour_scheme', and matplotlib does not take it"):
        every_plot[name](colour_scheme="dark", **kw)
    assert plt.get_fignums() == [fig.number]  # the figure it opened itself is closed


@pytest.mark.parametrize("name", PLOTS)
def test_chinese_figures_render_without_missing_glyphs(every_plot, name, tmp_path):
    import io

    if _fonts.find_cjk_font() is None:
        pytest.skip("no CJK font installed (apt-get install fonts-noto-cjk)")
    ax = every_plot[name](lang="zh")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ax.figure.savefig(io.BytesIO(), format="png", dpi=50)
    assert [str(w.message) for w in caught if "Glyph" in str(w.message) or "missing from font" in str(w.message)] == []
    assert _fonts.has_cjk([t for t in _all_text(ax).split()])


@pytest.mark.parametrize("name", [p for p in PLOTS if p != "plot_transitions"])
def test_focus_not_in_the_data_is_named(every_plot, name):
    with pytest.raises(BenchmarkError, match="nowhere"):
        every_plot[name](focus="nowhere")
    assert plt.get_fignums() == []


def test_transitions_focus_needs_the_movers(tier_panel):
    """movers lists only entities that changed tier: an unlisted focus is reported in the note, not an error."""
    result = tier_transitions(tier_panel, "tier")
    ax = plotting.plot_transitions(result, focus="d")  # d: C->C, then C->B in 2 -> 3
    focus_cells = [p for p in ax.patches if isinstance(p, Rectangle)
                   and matplotlib.colors.same_color(p.get_edgecolor(), plotting.FOCUS_COLOR)]
    assert len(focus_cells) == 1 and focus_cells[0].get_xy() == pytest.approx((1 - 0.5 + 0.08, 2 - 0.5 + 0.08))
    assert "C\u2192B (2\u21923)" in ax.get_xlabel()
    ax = plotting.plot_transitions(result, focus="nobody")
    assert "no change of tier recorded" in ax.get_xlabel()
    with pytest.raises(BenchmarkError, match="focus= needs the TierTransitions"):
        plotting.plot_transitions(result.counts, focus="a")


@pytest.mark.parametrize(("name", "bad", "culprit"), [
    ("plot_profile", {"indicator": "kpi"}, "kpi"),
    ("plot_gaps", {"significant": "sig", "indicator": "kpi"}, "kpi"),
    ("plot_completion", {"status": "state"}, "state"),
    ("plot_cost_outcome", {"outcome": "result"}, "result"),
    ("plot_frontier", {"efficiency": "score"}, "score"),
    ("plot_rank_intervals", {"median": "middle"}, "middle"),
    ("plot_tiers", {"entity": "school"}, "school"),
    ("plot_malmquist", {"components": ["tfp"]}, "tfp"),
    ("plot_kernel_density", {"entity": "school"}, "school"),
])
def test_unknown_column_is_named(every_plot, name, bad, culprit):
    with pytest.raises(BenchmarkError, match=culprit):
        every_plot[name](**bad)
    assert plt.get_fignums() == []


def test_trajectory_needs_a_focus_when_the_data_hold_several(panel):
    with pytest.raises(BenchmarkError, match="focus="):
        plotting.plot_trajectory(panel, "enrolment")
    one = panel[panel["institution"] == panel["institution"].iloc[0]]
    ax = plotting.plot_trajectory(one, "enrolment", band=False)  # one entity: it is the focus
    np.testing.assert_allclose(ax.lines[0].get_ydata(), one.sort_values("year")["enrolment"].to_numpy(dtype=float))


def test_metadata_must_be_a_table_or_mapping(gaps):
    with pytest.raises(BenchmarkError, match="`metadata`"):
        plotting.plot_gaps(gaps, metadata=["x"])
    with pytest.raises(ColumnError, match="label"):
        plotting.plot_gaps(gaps, metadata=pd.DataFrame({"indicator": ["x"]}))


def test_profile_reads_the_direction_from_the_metadata():
    """Without a direction column in the table, "lower is better" comes from the metadata's direction."""
    table = _small_gaps().drop(columns="direction")
    meta = pd.DataFrame({"indicator": ["x", "y", "z"], "label": ["x", "y", "z"],
                         "direction": ["higher", "lower", "higher"]})
    ax = plotting.plot_profile(table, scale="median", metadata=meta)
    focus = next(line for line in ax.lines if line.get_label() == "a")
    np.testing.assert_allclose(focus.get_xdata(), [120.0, 125.0, 75.0])  # as with the direction column


def test_kernel_density_marks_the_focus_values(placement):
    rows, density = placement
    focus = rows["institution"].iloc[0]
    ax = plotting.plot_kernel_density(density, focus=focus, data=rows, kind="lines", lang="en")
    marks = [line for line in ax.lines if line.get_marker() == "o"]
    own = rows[rows["institution"] == focus].set_index("year")["placement_rate"]
    assert [m.get_xdata()[0] for m in marks] == pytest.approx(own.reindex(density.stats["year"]).dropna().tolist())
    with pytest.raises(BenchmarkError, match="data="):
        plotting.plot_kernel_density(density, focus=focus)


@settings(max_examples=15, deadline=None)
@given(scale=st.floats(min_value=1e-3, max_value=1e4), seed=st.integers(0, 2**16))
def test_profile_median_index_ignores_units_and_row_order(scale, seed):
    """The index to the cohort median is unit-free: rescaling every value and permuting the rows
    leaves each indicator's position unchanged."""
    base = _small_gaps()
    columns = ["value", "cohort_median", "cohort_q1", "cohort_q3", "cohort_best"]
    moved = base.assign(**{c: base[c] * scale for c in columns}).sample(frac=1.0, random_state=seed)
    positions = {}
    for name, table in (("base", base), ("moved", moved)):
        ax = plotting.plot_profile(table, scale="median")
        focus = next(line for line in ax.lines if line.get_label() == "a")
        ticks = [t.get_text() for t in ax.get_yticklabels()]
        positions[name] = dict(zip(ticks, focus.get_xdata(), strict=True))
        plt.close(ax.figure)
    for indicator, x in positions["base"].items():
        assert positions["moved"][indicator] == pytest.approx(x, rel=1e-9)
