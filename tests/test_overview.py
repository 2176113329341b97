"""The evaluator's overview: every table against the public functions computed independently, the
page (sections, escaping, languages, sortable table, phone layout), the workbook and bad input."""

import copy
import html as htmllib
import importlib.util
import re
import subprocess
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

pytest.importorskip("matplotlib")
pytest.importorskip("openpyxl")

import benchmark
from benchmark import BenchmarkError
from benchmark.reporting import Overview, ReportOptions, field_models, overview

ROOT = Path(__file__).resolve().parents[1]
EVIL = "<script>alert(1)</script>"
QUOTED = 'O"Brien <img src=x onerror=alert(2)>'
FAST = {"n_boot": 100, "n_draws": 30, "n_tier_boot": 0}
SECTION_IDS = ["units", "grades", "tiers", "ranks", "gaps", "transitions", "notes"]
YEARS = [2020, 2021, 2022]


# ---------------------------------------------------------------- data
def _field(names=None):
    """18 units in three well separated official tiers (two of them placed against their data), two provinces,
    three years, targets for every unit."""
    rng = np.random.default_rng(11)
    names = names or [EVIL, QUOTED] + [f"Unit {i:02d}" for i in range(2, 18)]
    level = {"A": 2.0, "B": 1.0, "C": 0.0}
    rows, targets = [], []
    for i, name in enumerate(names):
        tier = "ABC"[i // 6]
        data_level = level[tier]
        if i == 1:
            data_level = 0.0  # officially A, looks like C
        if i == 17:
            data_level = 2.0  # officially C, looks like A
        for t, year in enumerate(YEARS):
            drift = 0.1 * t * (1 if i % 3 else -1)
            rows.append({
                "institution": name, "year": year, "tier": tier, "province": "North" if i % 2 else "South",
                "quality": 50 + 15 * data_level + drift * 5 + rng.normal(0, 1),
                "ratio": 20 - 3 * data_level - drift + rng.normal(0, 0.3),
                "income": 100 + 40 * data_level + 10 * t + rng.normal(0, 3),
                "spend": 1000 + 100 * (i % 4) + rng.normal(0, 10),
            })
        for ind, base, goal in (("quality", 50 + 15 * data_level, 55 + 15 * data_level + (i % 4) * 2),
                                ("ratio", 20 - 3 * data_level, 19.5 - 3 * data_level),
                                ("income", 100 + 40 * data_level, 118 + 40 * data_level + (i % 3) * 5)):
            targets.append({"institution": name, "indicator": ind, "baseline_year": 2020, "baseline": base,
                            "target_2022": goal})
    panel = pd.DataFrame(rows)
    meta = pd.DataFrame({"indicator": ["quality", "ratio", "income", "spend"],
                         "direction": ["higher", "lower", "higher", "higher"],
                         "label": ["Score <b>", "Student ratio", "Income & fees", "Spending"],
                         "role": ["output", "output", "output", "input"], "weight": [0.4, 0.3, 0.3, 0.0]})
    return panel, meta, pd.DataFrame(targets)


SETTINGS = {"cohort": "tier", "official": "tier", "inputs": ["spend"], "outputs": ["income"], **FAST}


def _run(tmp_path, panel, meta, targets, name="ov", **kw):
    args = {"targets": targets, "metadata": meta, **SETTINGS, "path": tmp_path / f"{name}.html"}
    args.update(kw)
    return overview(panel, **args)


@pytest.fixture(scope="module")
def field():
    return _field()


@pytest.fixture(scope="module")
def english(tmp_path_factory, field):
    panel, meta, targets = field
    before = [copy.deepcopy(x) for x in field]
    tmp = tmp_path_factory.mktemp("overview")
    ov = _run(tmp, panel, meta, targets, lang="en", top=100, excel=tmp / "ov.xlsx")
    for a, b in zip(before, field, strict=True):  # inputs are not modified
        pd.testing.assert_frame_equal(a, b)
    return ov, ov.path.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def chinese(tmp_path_factory, field):
    panel, meta, targets = field
    tmp = tmp_path_factory.mktemp("overview_zh")
    ov = _run(tmp, panel, meta, targets, lang="zh", excel=tmp / "ov.xlsx")
    return ov, ov.path.read_text(encoding="utf-8")


def _independent_grades(panel, meta, targets, lang="en"):
    """completion -> completion_summary -> grade of the rate in percent, straight from the public functions."""
    table = benchmark.completion(panel, targets, at=2022, metadata=meta[meta["indicator"] != "spend"])
    summary = benchmark.completion_summary(table)
    scores = pd.DataFrame({"institution": summary["institution"], "score": 100 * summary["completion_rate"]})
    return summary, benchmark.grade(scores, lang=lang)


def _sections(page):
    parts = re.split(r'(?=<section class="part" id=")', page)
    return {re.match(r'<section class="part" id="([^"]+)"', p).group(1): p for p in parts[1:]}


def _headers(page):
    return [htmllib.unescape(h) for h in re.findall(r"<th[^>]*>([^<]*)</th>", page)]


# ---------------------------------------------------------------- structure
def test_result_and_sections(english):
    ov, page = english
    assert isinstance(ov, Overview)
    assert list(_sections(page)) == SECTION_IDS
    assert len(ov.units) == 18 and ov.at == 2022
    assert set(ov.to_frames()) == {"units", "grade_distribution", "disagreements", "ranks", "largest_gaps",
                                   "transitions", "tier_flows"}
    for fig in ("fig-grades-tier", "fig-grades-province", "fig-ranks", "fig-transitions"):
        assert f'id="{fig}"' in page
    assert len(re.findall(r'src="data:image/png;base64,', page)) == 4
    assert "left out.</strong>" not in page
    summary = ov.summary()
    assert summary.loc[summary["statistic"] == "units", "value"].iloc[0] == 18
    assert "Overview" in ov._repr_html_()


def test_self_contained_without_network(english):
    _, page = english
    assert not re.search(r'(src|href)="(https?:)?//', page)
    assert "<link" not in page and "@import" not in page
    scripts = re.findall(r"<script>(.*?)</script>", page, flags=re.DOTALL)
    assert len(scripts) == 1 and "fetch" not in scripts[0] and "XMLHttpRequest" not in scripts[0]


# ---------------------------------------------------------------- numbers against the public functions
def test_grades_and_completion_equal_the_public_functions(english, field):
    ov, _ = english
    summary, graded = _independent_grades(*field)
    units = ov.units.set_index("institution")
    expected = summary.set_index("institution")
    assert units["n_completed"].to_dict() == expected["n_completed"].to_dict()
    np.testing.assert_allclose(units.loc[expected.index, "completion_rate"], expected["completion_rate"])
    assert units["grade"].astype(str).to_dict() == graded.set_index("institution")["grade"].astype(str).to_dict()


@pytest.mark.parametrize("column", ["tier", "province"])
def test_grade_counts_equal_a_crosstab_of_grade(english, field, column):
    ov, _ = english
    panel, meta, targets = field
    _, graded = _independent_grades(panel, meta, targets)
    groups = panel[panel["year"] == 2022][["institution", column]]
    crosstab = pd.crosstab(graded.merge(groups, on="institution")[column], graded["grade"].to_numpy())
    table = ov.grade_distribution[ov.grade_distribution["by"] == column].set_index("group")
    for grade in ["excellent", "good", "pass", "fail"]:
        expected = crosstab[grade] if grade in crosstab.columns else pd.Series(0, index=crosstab.index)
        assert table[grade].to_dict() == expected.to_dict(), (column, grade)
    assert table["n"].sum() == 18


def test_disagreements_equal_a_direct_comparison(english, field):
    ov, _ = english
    panel = field[0]
    cs = panel[panel["year"] == 2022]
    tiers = benchmark.tiers(cs, ["quality", "ratio", "income"], k=3, labels=["A", "B", "C"], n_boot=0,
                            direction={"ratio": "lower"}, random_state=1)
    data_tier = tiers.assignments.set_index("institution")["label"]
    official = cs.set_index("institution")["tier"]
    differ = sorted(official.index[official != data_tier.reindex(official.index)])
    assert sorted(ov.disagreements["institution"]) == differ
    assert {QUOTED, "Unit 17"} <= set(differ)  # the two units planted against their data
    rank = {"A": 1, "B": 2, "C": 3}
    for _, row in ov.disagreements.iterrows():
        assert row["official"] == official[row["institution"]]
        assert row["data_tier"] == data_tier[row["institution"]]
        assert row["shift"] == rank[row["official"]] - rank[row["data_tier"]]
        assert row["placement"] == ("data tier higher" if row["shift"] > 0 else "data tier lower")


def test_ranks_and_efficiency_equal_the_public_functions(english, field):
    ov, _ = english
    panel, _, _ = field
    cs = panel[panel["year"] == 2022]
    weights = {"quality": 0.4, "ratio": 0.3, "income": 0.3}
    comp = benchmark.composite(cs, list(weights), weights=weights, direction={"ratio": "lower"})
    comp = comp.set_index("institution")
    ranks = ov.ranks.set_index("institution")
    np.testing.assert_allclose(ranks.loc[comp.index, "score"], comp["score"], rtol=1e-12)
    expected_rank = comp["score"].rank(ascending=False, method="min")
    np.testing.assert_array_equal(ranks.loc[comp.index, "nominal_rank"], expected_rank)
    assert (ranks["ci_low"] <= ranks["median_rank"]).all() and (ranks["median_rank"] <= ranks["ci_high"]).all()
    eff = benchmark.dea(cs, ["spend"], ["income"]).efficiency.set_index("institution")["efficiency"]
    np.testing.assert_allclose(ranks.loc[eff.index, "efficiency"], eff, rtol=1e-9)
    # one input and one output under constant returns: efficiency is the output/input ratio over the best one
    ratio = (cs["income"] / cs["spend"]).to_numpy()
    np.testing.assert_allclose(eff.to_numpy(), ratio / ratio.max(), rtol=1e-7)


def test_largest_gaps_are_peer_gaps_that_are_significant_and_behind(english, field):
    ov, _ = english
    panel, _, _ = field
    gaps = ov.largest_gaps
    assert len(gaps) and gaps["significant"].all()
    assert (gaps["gap_median"] < 0).all() and (gaps["ci_high"] < 0).all()
    assert gaps["gap_median_pct"].is_monotonic_increasing
    for _, row in gaps.head(5).iterrows():
        direct = benchmark.peer_gap(panel, row["institution"], row["indicator"], cohort="tier", at=2022,
                                    direction={row["indicator"]: row["direction"]})
        for column in ("value", "cohort_median", "gap_median", "gap_median_pct"):
            assert direct[column].iloc[0] == pytest.approx(row[column])
    # with top=100 the table holds every significant gap behind: the per-unit counts agree
    counts = gaps.groupby("institution").size()
    assert ov.units.set_index("institution")["gaps_behind"].to_dict() == {
        u: int(counts.get(u, 0)) for u in ov.units["institution"]}


def test_significance_is_the_unit_reports(english, field, tmp_path):
    """The gaps of the overview are those of the unit report: same settings, same seed, same verdicts."""
    ov, _ = english
    panel, meta, targets = field
    unit = ov.largest_gaps["institution"].iloc[0]
    rep = benchmark.report(panel, unit, targets=targets, metadata=meta, **SETTINGS, path=tmp_path / "r.html")
    gaps = rep.tables["peer_gaps"]
    behind = gaps[gaps["significant"].astype(bool) & (gaps["gap_median"] < 0)]
    ahead = gaps[gaps["significant"].astype(bool) & (gaps["gap_median"] > 0)]
    row = ov.units.set_index("institution").loc[unit]
    assert (row["gaps_behind"], row["gaps_ahead"]) == (len(behind), len(ahead))
    mine = ov.largest_gaps[ov.largest_gaps["institution"] == unit].set_index("indicator")
    theirs = behind.set_index("indicator").loc[mine.index]
    np.testing.assert_allclose(mine[["ci_low", "ci_high"]], theirs[["ci_low", "ci_high"]])


def test_transitions_count_every_unit_in_consecutive_periods(english, field):
    ov, _ = english
    counts = ov.transitions.set_index("from_tier")
    flows = ov.tier_flows
    assert len(flows) == 2 and (flows["n"] == 18).all()
    assert counts.to_numpy().sum() == flows["n"].sum() + flows["entered"].sum() + flows["exited"].sum()
    assert flows["stayed"].sum() == np.trace(counts.loc[["A", "B", "C"], ["A", "B", "C"]].to_numpy())


# ---------------------------------------------------------------- page
def test_everything_is_escaped(english):
    _, page = english
    assert EVIL not in page and "<img src=x" not in page and "<b>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "O&quot;Brien &lt;img src=x onerror=alert(2)&gt;" in page
    assert len(re.findall(r"<script", page)) == 1  # only the sorting script


def test_sortable_table_readable_without_script(english):
    ov, page = english
    table = re.search(r'<table class="data sortable" id="table-units">.*?</table>', page, flags=re.DOTALL).group(0)
    assert table.count("<tr>") == len(ov.units) + 1  # every unit is in the markup, not built by script
    rate = re.findall(r'<td class="num" data-v="([^"]*)">(\d+) %</td>', table)
    assert rate and all(abs(100 * float(v) - int(text)) <= 0.5 for v, text in rate if v)


def test_english_and_chinese_headers(english, chinese):
    _, en = english
    _, zh = chinese
    assert {"Unit", "Completion rate", "Grade", "Official tier", "Composite rank"} <= set(_headers(en))
    assert {"单位", "完成率", "等级", "官方层级", "综合排名"} <= set(_headers(zh))
    data_values = {"A", "B", "C", "out", "优", "良", "中", "差"}
    english_words = {h for h in _headers(en) if re.search(r"[a-z]{3}", h)}
    assert not (english_words & set(_headers(zh))) - data_values
    assert '<html lang="zh-CN">' in zh
    for heading in re.findall(r"<h[23]>([^<]*)</h[23]>", zh):
        assert re.search(r"[\u4e00-\u9fff]", heading), heading


def test_workbook_has_a_sheet_per_table_with_translated_headers(english, chinese):
    from openpyxl import load_workbook

    for (ov, _), expected in ((english, {"All units": ["Unit", "Official tier", "Province", "Targets"],
                                         "Grades by group": ["Grouped by", "Group", "Excellent", "Good"]}),
                              (chinese, {"全部单位": ["单位", "官方层级", "省份", "目标数"],
                                         "分组等级分布": ["分组依据", "组", "优", "良"]})):
        book = load_workbook(ov.excel, read_only=True)
        shown = {name for name, frame in ov.to_frames().items() if len(frame)}
        assert len(book.sheetnames) == len(shown) + 1 == 8  # a sheet per table, then the figures
        for sheet, headers in expected.items():
            first = [c.value for c in next(book[sheet].iter_rows(max_row=1))]
            assert first[:len(headers)] == headers, (sheet, first)
        units = book[book.sheetnames[0]]
        assert units.max_row >= len(ov.units) + 1
    book = load_workbook(chinese[0].excel, read_only=True)
    gaps = [c.value for c in next(book["最大差距"].iter_rows(max_row=1))]
    assert gaps[:6] == ["单位", "指标", "方向", "数值", "同类中位数", "差距"], gaps  # the library's own headers
    book = load_workbook(english[0].excel, read_only=True)
    rows = list(book["Grades by group"].iter_rows(min_row=2, values_only=True))
    assert sum(r[-1] for r in rows if r[0] == "tier") == 18  # numbers stay numbers


def test_workbook_holds_every_figure_of_the_page_under_its_caption(english, chinese):
    import base64

    from openpyxl import load_workbook

    for (ov, _), sheet_name in ((english, "Figures"), (chinese, "图表")):
        page = ov.path.read_text(encoding="utf-8")
        embedded = re.findall(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', page)
        captions = [htmllib.unescape(c) for c in re.findall(r"<figcaption>(.*?)</figcaption>", page, re.S)]
        assert embedded and len(captions) == len(embedded)
        book = load_workbook(ov.excel)
        assert book.sheetnames[-1] == sheet_name
        sheet = book[sheet_name]
        images = sheet._images
        assert len(images) == len(embedded)
        assert [img._data() for img in images] == [base64.b64decode(d) for d in embedded]  # the page's own PNGs
        written = [sheet.cell(row=r, column=1).value for r in range(1, sheet.max_row + 1)]
        assert [w for w in written if w] == captions
        if sheet_name == "图表":
            assert all("：" in c or ":" not in c for c in captions)  # Chinese lead-ins take the Chinese colon
    ov = english[0]
    again = load_workbook(ov.to_excel(Path(tempfile.mkdtemp()) / "again.xlsx"))
    n_figures = ov.path.read_text(encoding="utf-8").count('<figure class="fig"')
    assert again.sheetnames[-1] == "Figures" and len(again["Figures"]._images) == n_figures
    other = load_workbook(ov.to_excel(Path(tempfile.mkdtemp()) / "zh.xlsx", lang="zh"))
    assert "图表" not in other.sheetnames and "Figures" not in other.sheetnames  # figures only in the page's language


def test_page_without_targets_official_or_inputs_leaves_parts_out(tmp_path, field):
    panel, meta, _ = field
    ov = overview(panel, metadata=meta, cohort="tier", path=tmp_path / "bare.html", lang="en", **FAST)
    page = ov.path.read_text(encoding="utf-8")
    sections = _sections(page)
    assert "pass targets=" in sections["units"] and "grade" not in ov.units.columns
    assert "pass official=" in sections["tiers"] and ov.disagreements.empty
    assert "pass inputs= and outputs=" in sections["ranks"] and "efficiency" not in ov.ranks.columns
    assert ov.grade_distribution.empty and not ov.ranks.empty
    assert ov.to_excel(tmp_path / "bare.xlsx").exists()


def test_cross_section_leaves_the_transitions_out(tmp_path, field):
    panel, meta, _ = field
    cs = panel[panel["year"] == 2022].drop(columns="year")
    ov = overview(cs, metadata=meta, cohort="tier", official="tier", period=None, path=tmp_path / "cs.html",
                  lang="en", **FAST)
    assert ov.transitions.empty and ov.tier_flows.empty
    assert "two or more periods" in _sections(ov.path.read_text(encoding="utf-8"))["transitions"]
    # asked for a cross-section: no note that a period column is missing
    assert not any("no period column" in note for note in ov.notes)


def test_precomputed_models_are_reused_and_workers_change_nothing(tmp_path, english, field, monkeypatch):
    panel, meta, targets = field
    models = field_models(panel, ReportOptions(targets=targets, metadata=meta, **SETTINGS))

    def refuse(*args, **kwargs):
        raise AssertionError("field_models was called again")

    monkeypatch.setattr("benchmark.reporting._models.field_models", refuse)
    reused = overview(panel, models=models, top=100, path=tmp_path / "b.html", lang="en", n_jobs=2)
    for name, frame in english[0].to_frames().items():
        pd.testing.assert_frame_equal(frame, reused.to_frames()[name], obj=name)


def test_within_groups_rank_each_group_apart_and_ids_keep_their_dtype(tmp_path):
    panel, meta, targets = _field(names=list(range(100, 118)))
    ov = _run(tmp_path, panel, meta, targets, within=["province"], by="tier", lang="en")
    assert set(ov.ranks["province"]) == {"North", "South"}
    for _, part in ov.ranks.groupby("province"):
        assert sorted(part["nominal_rank"]) == list(range(1, len(part) + 1))
    page = ov.path.read_text(encoding="utf-8")
    assert 'id="fig-ranks-north"' in page and 'id="fig-ranks-south"' in page
    for name in ("units", "ranks", "disagreements", "largest_gaps"):
        frame = getattr(ov, name)
        if len(frame):
            assert frame["institution"].dtype == panel["institution"].dtype, name


def test_bundled_panel(tmp_path):
    panel = benchmark.datasets.load("shuanggao")
    schools = panel[panel["unit_type"] == "school"]
    ov = overview(schools, targets=benchmark.datasets.load("shuanggao_targets"),
                  metadata=benchmark.datasets.load("shuanggao_indicators"), cohort="tier", official="tier",
                  inputs=["total_funding"], outputs=["tech_service_income"], path=tmp_path / "sg.html",
                  n_boot=100, n_draws=20, n_tier_boot=0)
    assert ov.lang == "zh" and len(ov.units) == 56
    dist = ov.grade_distribution
    graded = ov.units["grade"].notna().sum()
    assert dist.loc[dist["by"] == "tier", "n"].sum() == graded == dist.loc[dist["by"] == "province", "n"].sum()
    assert ov.units["grade"].isin(["优", "良", "中", "差"]).all()


# ---------------------------------------------------------------- bad input
@pytest.mark.parametrize(("kwargs", "culprit"), [
    ({"top": 0}, "`top`"),
    ({"by": "region"}, "region"),
    ({"k": 1}, "`k`"),
    ({"n_boot": 10}, "n_boot"),
    ({"shoe_size": 3}, "shoe_size"),
    ({"options": ReportOptions()}, "options"),
    ({"models": "field"}, "`models`"),
    ({"lang": "fr"}, "lang"),
])
def test_bad_input_names_the_culprit(tmp_path, field, kwargs, culprit):
    panel, meta, targets = field
    with pytest.raises(BenchmarkError, match=re.escape(culprit)):
        _run(tmp_path, panel, meta, targets, **kwargs)


def test_bad_paths_fail_before_the_work(tmp_path, field):
    panel, meta, targets = field
    with pytest.raises(BenchmarkError, match="is a folder"):
        _run(tmp_path, panel, meta, targets, path=tmp_path)
    with pytest.raises(BenchmarkError, match="does not exist"):
        _run(tmp_path, panel, meta, targets, excel=tmp_path / "missing" / "x.xlsx")


def test_models_and_settings_together_are_refused(tmp_path, field):
    panel, meta, _ = field
    models = field_models(panel, ReportOptions(metadata=meta, **FAST))
    with pytest.raises(BenchmarkError, match="official"):
        overview(panel, models=models, official="tier", path=tmp_path / "x.html")


# ---------------------------------------------------------------- escaping, for any name
@settings(max_examples=60, deadline=None)
@given(names=st.lists(st.text(min_size=1, max_size=12), min_size=1, max_size=4, unique=True),
       values=st.lists(st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=True)), min_size=4,
                       max_size=4))
def test_sortable_cells_round_trip_any_text_and_number(names, values):
    from benchmark import _report_html as H
    from benchmark.reporting._overview import _sortable

    frame = pd.DataFrame({"name": names, "value": values[:len(names)]})
    frame.loc[0, "value"] = 1.5  # a column without any value is not shown
    markup = _sortable(frame, [H.Column("name", "Name"), H.Column("value", "Value", H.number, True)],
                       table_id="t")
    cells = re.findall(r"<td[^>]*>(.*?)</td>", markup, flags=re.DOTALL)
    assert [htmllib.unescape(c) for c in cells[::2]] == names
    assert "<script" not in markup.lower().replace("&lt;script", "")
    keys = re.findall(r'data-v="([^"]*)"', markup)
    for key, value in zip(keys, frame["value"], strict=True):
        if value is None or not np.isfinite(value):
            assert key == ""
        else:
            assert float(key) == value


# ---------------------------------------------------------------- in a browser
def _screenshot_module():
    spec = importlib.util.spec_from_file_location("report_screenshot", ROOT / "perf" / "report_screenshot.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_in_headless_chromium_sorting_works_and_phone_width_fits(english):
    shots = _screenshot_module()
    browser = shots.find_chromium()
    if browser is None:
        pytest.skip("chromium is not installed")
    ov, page = english
    # A page that loads the overview in a frame, clicks the completion-rate header twice and records the order.
    doc = htmllib.escape(page, quote=True)
    probe = ('<!DOCTYPE html><html><body><iframe id="o" srcdoc="' + doc + '" style="width:1280px;height:900px">'
             "</iframe><script>"
             'const f = document.getElementById("o"); f.onload = () => { const d = f.contentDocument;'
             'const t = d.getElementById("table-units"); const ths = Array.from(t.tHead.rows[0].cells);'
             'const th = ths.find(h => h.textContent.startsWith("Completion rate")); const i = ths.indexOf(th);'
             'const read = () => Array.from(t.tBodies[0].rows).map(r => r.cells[i].getAttribute("data-v")).join(",");'
             'th.click(); const up = read(); th.click(); const down = read();'
             'document.body.setAttribute("data-up", up); document.body.setAttribute("data-down", down); };'
             "</script></body></html>")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "probe.html"
        path.write_text(probe, encoding="utf-8")
        done = subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", f"--user-data-dir={tmp}/p",
                               "--enable-logging=stderr", "--virtual-time-budget=5000", "--dump-dom",
                               path.as_uri()], capture_output=True, text=True, timeout=120, check=False)
    up = [float(v) for v in re.search(r'data-up="([^"]*)"', done.stdout).group(1).split(",") if v]
    down = [float(v) for v in re.search(r'data-down="([^"]*)"', done.stdout).group(1).split(",") if v]
    assert up == sorted(ov.units["completion_rate"].dropna()) and down == up[::-1]
    assert "Uncaught" not in done.stderr
    for width in (390, 1280):
        wide, view = shots.view_at(ov.path, width, height=900)
        assert view == width and wide <= view, (width, wide, view)
