"""The gap-analysis report: sections, figures, escaping, self-containment, numbers against hand
computations and scipy, Excel export, left-out parts and bad input."""

import base64
import copy
import io
import re
import warnings

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("matplotlib")

import benchmark  # noqa: E402
from benchmark import BenchmarkError, ColumnError, UnknownEntityError  # noqa: E402
from benchmark.reporting import Report, report  # noqa: E402

SECTION_IDS = ["summary", "self", "peers", "cost", "field", "notes"]
FAST = {"n_boot": 100, "n_draws": 40, "n_tier_boot": 5}
FOCUS = "芷浔职业技术学院"  # the bundled panel's demo unit (first B-tier school unit)
EVIL = "<script>alert(1)</script>"  # the synthetic focus: every test runs with a hostile name
PEER = 'O"Brien <img src=x onerror=alert(2)>'
LEADERS = ["Zeta College", "Eta College", "Theta College", "Iota College"]


# ---------------------------------------------------------------- helpers
def _sections(html):
    """Section id -> its HTML."""
    parts = re.split(r'(?=<section class="part" id=")', html)
    out = {}
    for part in parts[1:]:
        ident = re.match(r'<section class="part" id="([^"]+)"', part).group(1)
        out[ident] = part
    return out


def _images(html):
    return re.findall(r'<img alt="[^"]*" src="data:image/png;base64,([A-Za-z0-9+/=]+)"', html)


def _png_ok(b64):
    from PIL import Image

    img = Image.open(io.BytesIO(base64.b64decode(b64)))
    arr = np.asarray(img.convert("L"), dtype=float)
    return img.size[0] > 100 and img.size[1] > 100 and arr.std() > 5


def _synthetic(focus=EVIL, peer=PEER):
    rng = np.random.default_rng(7)
    names = [focus, peer, "Gamma College", "Delta College", "Epsilon College", "Zeta College",
             "Eta College", "Theta College", "Iota College", "Kappa College", "Lambda College", "Mu College"]
    years = [2019, 2020, 2021, 2022]
    rows = []
    for i, name in enumerate(names):
        size = 1 + i % 4
        for t, year in enumerate(years):
            rows.append({
                "institution": name, "year": year, "tier": "A" if i < 4 else "B",
                "score": 60 + 3 * i + 2 * t + rng.normal(0, 1) + (15 if name == peer else 0),  # best of tier A
                "ratio": 18 - 0.3 * i + rng.normal(0, 0.3),
                "income": 100 * size * (1 + 0.1 * t) + rng.normal(0, 5),
                "trained": 50 * size + 10 * t + rng.normal(0, 3),
                "spend": 1000 * size + rng.normal(0, 20),
            })
    panel = pd.DataFrame(rows)
    meta = pd.DataFrame({
        "indicator": ["score", "ratio", "income", "trained", "spend"],
        "direction": ["higher", "lower", "higher", "higher", "higher"],
        "label": ["Score", "Student <b>ratio</b>", "Income & fees", "Trained", "Spending"],
        "unit": ["points", "students", "k$", "people", "k$"],
        "role": ["output", "output", "output", "output", "cost"],
        "weight": [0.4, 0.2, 0.2, 0.2, 0.0],
    })
    targets = pd.DataFrame({
        "institution": [focus, focus, focus, peer],
        "indicator": ["score", "ratio", "income", "score"],
        "baseline_year": [2019, 2019, 2019, 2019],
        "baseline": [np.nan, np.nan, np.nan, np.nan],
        "target_2021": [70.0, 17.0, 110.0, 70.0],
        "target_2022": [200.0, 16.0, 115.0, 75.0],
    })
    return panel, meta, targets


def _full_report(tmp_path, panel, meta, targets, focus=EVIL, **kw):
    args = dict(targets=targets, metadata=meta, cohort="tier", leaders=LEADERS, official="tier",
                inputs=["spend"], outputs=["income", "trained"], path=tmp_path / "r.html", **FAST)
    args.update(kw)
    return report(panel, focus, **args)


@pytest.fixture(scope="module")
def synthetic():
    return _synthetic()


@pytest.fixture(scope="module")
def synthetic_report(tmp_path_factory, synthetic):
    panel, meta, targets = synthetic
    before = [copy.deepcopy(x) for x in synthetic]
    tmp = tmp_path_factory.mktemp("synthetic")
    rep = _full_report(tmp, panel, meta, targets, excel=tmp / "r.xlsx")
    for a, b in zip(before, synthetic, strict=True):  # the inputs are not modified
        pd.testing.assert_frame_equal(a, b)
    return rep, rep.path.read_text(encoding="utf-8")


# ---------------------------------------------------------------- structure
def test_public_name_is_the_function():
    assert benchmark.report is report
    assert "report" in benchmark.__all__ and "Report" in benchmark.__all__


def test_every_section_with_its_figures(synthetic_report):
    rep, html = synthetic_report
    assert isinstance(rep, Report)
    assert rep.sections == ("self", "peers", "cost", "field")
    sections = _sections(html)
    assert list(sections) == SECTION_IDS
    expected = {"summary": ["fig-profile"], "self": ["fig-completion", "fig-trajectories"],
                "peers": ["fig-gaps", "fig-leaders"], "cost": ["fig-cost-outcome", "fig-frontier"],
                "field": ["fig-ranks", "fig-tiers", "fig-transitions"]}
    for ident, figs in expected.items():
        for fig in figs:
            assert f'id="{fig}"' in sections[ident], (ident, fig)
        assert len(_images(sections[ident])) == len(figs)
    assert all(_png_ok(b) for b in _images(html))
    assert "left out.</strong>" not in html and "Nothing was left out." in html


def test_self_contained_no_script_no_network(synthetic_report):
    _, html = synthetic_report
    assert "<script" not in html.lower()
    assert "<link" not in html.lower()
    assert all(src.startswith("data:image/png;base64,") for src in re.findall(r'src="([^"]*)"', html))
    assert all(href.startswith("#") for href in re.findall(r'href="([^"]*)"', html))
    assert "http://" not in html and "https://" not in html
    assert html.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in html


def test_tables_equal_the_public_functions(synthetic_report, synthetic):
    """The report's tables are those of the analysis functions called directly (a second path)."""
    rep, _ = synthetic_report
    panel, meta, _ = synthetic
    inds = ["score", "ratio", "income", "trained"]
    gaps = benchmark.peer_gap(panel, EVIL, inds, cohort="tier", at=2022, direction=meta,
                              ci=0.95, n_boot=100, random_state=rep_seed("gaps"))
    got = rep.tables["peer_gaps"].drop(columns="label")
    pd.testing.assert_frame_equal(got.reset_index(drop=True), gaps.reset_index(drop=True))
    sc = benchmark.self_compare(panel, EVIL, inds, direction=meta)
    pd.testing.assert_frame_equal(rep.tables["self_comparison"].drop(columns="label"), sc)


def rep_seed(name):
    """The child seed the report derives for one of its resampling steps from random_state=0."""
    seeds = np.random.default_rng(0).integers(0, 2**31 - 1, size=5)
    return int(dict(zip(("gaps", "leaders", "ranks", "tiers", "history"), seeds))[name])


def test_gap_numbers_by_hand(synthetic_report, synthetic):
    rep, html = synthetic_report
    panel, _, _ = synthetic
    last = panel[panel["year"] == 2022]
    peers = last[(last["tier"] == "A") & (last["institution"] != EVIL)]
    own = last[last["institution"] == EVIL].iloc[0]
    gaps = rep.tables["peer_gaps"].set_index("indicator")
    for ind, sign in (("score", 1), ("ratio", -1), ("income", 1)):
        median = float(np.median(peers[ind]))
        assert gaps.at[ind, "cohort_median"] == pytest.approx(median)
        assert gaps.at[ind, "gap_median"] == pytest.approx(sign * (own[ind] - median))
        # The percentile rank: share of the 3 peers the focus does at least as well as.
        better = (sign * own[ind] >= sign * peers[ind]).mean() * 100
        assert gaps.at[ind, "percentile_rank"] == pytest.approx(better)
    assert f"{gaps.at['score', 'cohort_median']:,.1f}" in _sections(html)["peers"]


def test_cost_per_outcome_by_hand(synthetic_report, synthetic):
    rep, _ = synthetic_report
    panel, _, _ = synthetic
    last = panel[panel["year"] == 2022].set_index("institution")
    ratio = last["spend"] / last["income"]
    peers = [n for n in last.index if last.at[n, "tier"] == "A" and n != EVIL]
    table = rep.tables["cost_per_outcome"].set_index("outcome")
    assert table.at["income", "value"] == pytest.approx(ratio[EVIL])
    assert table.at["income", "cohort_median"] == pytest.approx(np.median(ratio[peers]))
    assert table.at["income", "relative_cost"] == pytest.approx(100 * ratio[EVIL] / np.median(ratio[peers]))


def test_dea_efficiency_against_scipy_linprog(synthetic_report, synthetic):
    """CRS input-oriented efficiency of every unit equals the envelopment LP solved by scipy."""
    from scipy.optimize import linprog

    rep, _ = synthetic_report
    panel, _, _ = synthetic
    last = panel[panel["year"] == 2022].reset_index(drop=True)
    X = last[["spend"]].to_numpy().T
    Y = last[["income", "trained"]].to_numpy().T
    n = X.shape[1]
    expected = []
    for o in range(n):
        c = np.r_[1.0, np.zeros(n)]  # minimise theta over (theta, lambda)
        a_in = np.c_[-X[:, [o]], X]  # sum lambda x <= theta x_o
        a_out = np.c_[np.zeros((Y.shape[0], 1)), -Y]  # sum lambda y >= y_o
        res = linprog(c, A_ub=np.r_[a_in, a_out], b_ub=np.r_[np.zeros(X.shape[0]), -Y[:, o]],
                      bounds=[(None, None)] + [(0, None)] * n, method="highs")
        expected.append(res.fun)
    got = rep.tables["dea_efficiency"].set_index("institution").loc[last["institution"], "efficiency"]
    np.testing.assert_allclose(got.to_numpy(), expected, atol=1e-7)
    score = got[EVIL]
    goals = rep.tables["dea_targets"].set_index("indicator")
    assert goals.at["spend", "target"] <= score * last.loc[0, "spend"] + 1e-6  # radial saving, then slack


def test_composite_rank_by_hand(synthetic_report, synthetic):
    """Min-max normalisation, direction flip and metadata weights, computed by hand."""
    rep, _ = synthetic_report
    panel, meta, _ = synthetic
    last = panel[panel["year"] == 2022].reset_index(drop=True)
    w = meta.set_index("indicator")["weight"]
    score = np.zeros(len(last))
    for ind, sign in (("score", 1), ("ratio", -1), ("income", 1), ("trained", 1)):
        x = last[ind].to_numpy()
        y = (x - x.min()) / (x.max() - x.min())
        score += w[ind] * (y if sign > 0 else 1 - y)
    rank = pd.Series(score).rank(ascending=False, method="min").astype(int)
    ranks = rep.tables["ranks"].set_index("institution").loc[last["institution"]]
    np.testing.assert_array_equal(ranks["nominal_rank"].to_numpy(), rank.to_numpy())
    np.testing.assert_allclose(ranks["score"].to_numpy(), score / w[["score", "ratio", "income", "trained"]].sum())


def test_completion_by_hand(synthetic_report, synthetic):
    rep, html = synthetic_report
    panel, _, targets = synthetic
    own = panel[(panel["institution"] == EVIL) & (panel["year"] == 2022)].iloc[0]
    final = targets[targets["institution"] == EVIL].set_index("indicator")["target_2022"]
    completed = sum([own["score"] >= final["score"], own["ratio"] <= final["ratio"],
                     own["income"] >= final["income"]])
    table = rep.tables["completion"].set_index("indicator")
    assert int((table["status"] == "completed").sum()) == completed
    assert f"{completed} of 3 targets completed" in html


def test_excel_holds_the_same_tables(synthetic_report):
    openpyxl = pytest.importorskip("openpyxl")
    rep, _ = synthetic_report
    book = openpyxl.load_workbook(rep.excel)
    figures = "Figures" if rep.lang == "en" else "图表"
    assert book.sheetnames == [*(name[:31] for name in rep.tables), figures]
    back = pd.read_excel(rep.excel, sheet_name="peer_gaps")
    assert back["value"].tolist() == pytest.approx(rep.tables["peer_gaps"]["value"].tolist(), nan_ok=True)
    # the last sheet: the page's own figures (the same PNG bytes), one under each caption
    page = rep.path.read_text(encoding="utf-8")
    embedded = [base64.b64decode(d) for d in re.findall(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', page)]
    assert embedded and [img._data() for img in book[figures]._images] == embedded


# ---------------------------------------------------------------- escaping
def test_names_from_the_data_are_escaped(synthetic_report):
    """The focus is called <script>alert(1)</script>, a peer O"Brien <img ...>, labels hold <b> and &."""
    _, html = synthetic_report
    assert EVIL not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img src=x" not in html and "onerror=alert(2)>" not in html
    assert "O&quot;Brien &lt;img src=x onerror=alert(2)&gt;" in html
    assert "Student &lt;b&gt;ratio&lt;/b&gt;" in html and "Income &amp; fees" in html
    assert "<script" not in html.lower() and "<b>" not in html
    # Every img tag is one of ours: alt text escaped (quotes too), source an embedded PNG.
    for tag in re.findall(r"<img[^>]*>", html):
        assert re.fullmatch(r'<img alt="[^"<>]*" src="data:image/png;base64,[A-Za-z0-9+/=]+">', tag), tag[:120]


# ---------------------------------------------------------------- parts left out
def test_missing_inputs_and_failing_parts_leave_notes(tmp_path, synthetic):
    """No targets or DEA inputs: those parts are left out saying what to pass; a cost column with a
    negative value makes the cost part fail with its message while the rest is written; leaders that
    are the focus's own cohort are not compared twice."""
    panel, _, _ = synthetic
    bad = panel.assign(spend=np.where(panel["institution"] == PEER, -1.0, panel["spend"]))
    rep = report(bad, EVIL, indicators=["score", "income"], cost="spend", outcomes="income", cohort="tier",
                 leaders={"tier": "A"}, path=tmp_path / "r.html", **FAST)
    html = rep.path.read_text(encoding="utf-8")
    assert rep.sections == ("self", "peers", "field")
    notes = " ".join(rep.notes)
    for hint in ("targets=", "inputs="):
        assert hint in notes
    assert "belongs to the leading group (tier = A)" in _sections(html)["peers"]
    assert "leader_gaps" not in rep.tables
    assert any(n.startswith("Cost per outcome:") and "negative" in n for n in rep.notes)
    cost = _sections(html)["cost"]
    assert "Cost per outcome left out.</strong>" in cost and "Efficiency frontier (DEA) left out.</strong>" in cost
    assert len(_images(cost)) == 0
    assert "targets=" in _sections(html)["notes"]
    assert len(_images(_sections(html)["field"])) >= 2


def test_cross_section_leaves_out_the_self_comparison(tmp_path, synthetic):
    panel, meta, _ = synthetic
    cross = panel[panel["year"] == 2022].drop(columns="year")
    rep = report(cross, EVIL, metadata=meta, cohort="tier", inputs="spend", outputs="income",
                 path=tmp_path / "r.html", **FAST)
    assert "self" not in rep.sections and {"peers", "cost", "field"} <= set(rep.sections)
    assert any("panel" in n for n in rep.notes)
    html = rep.path.read_text(encoding="utf-8")
    assert 'id="fig-frontier"' in html  # one input and one output: the frontier is drawn


# ---------------------------------------------------------------- bad input
@pytest.mark.parametrize(("kwargs", "error", "match"), [
    ({"within": "sector"}, ColumnError, "sector"),
    ({"ci": 1.5}, BenchmarkError, "ci"),
    ({"n_boot": 10}, BenchmarkError, "n_boot"),
    ({"n_draws": 5}, BenchmarkError, "n_draws"),
    ({"k": 1}, BenchmarkError, "`k`"),
    ({"rts": "irs"}, BenchmarkError, "rts"),
    ({"orientation": "both"}, BenchmarkError, "orientation"),
    ({"at": 2030}, BenchmarkError, "2030"),
    ({"official": "tierx"}, ColumnError, "tierx"),
    ({"official_order": ["A"]}, BenchmarkError, "official_order"),
    ({"indicators": ["score", "nope"]}, ColumnError, "nope"),
    ({"cohort": ["Nobody College"]}, UnknownEntityError, "Nobody College"),
    ({"direction": {"score": "up"}}, BenchmarkError, "score"),
    ({"metadata": pd.DataFrame({"indicator": ["score", "score"]}), "indicators": ["score"]},
     BenchmarkError, "more than once"),
    ({"path": "no/such/folder/r.html"}, BenchmarkError, "does not exist"),
    ({"excel": "no/such/folder/r.xlsx"}, BenchmarkError, "does not exist"),
])
def test_bad_arguments(tmp_path, synthetic, kwargs, error, match):
    panel, _, _ = synthetic
    args = {"path": tmp_path / "r.html", **kwargs}
    with pytest.raises(error, match=match):
        report(panel, EVIL, **args)
    assert not (tmp_path / "r.html").exists()


def test_unknown_focus_suggests_close_matches(tmp_path, synthetic):
    panel, _, _ = synthetic
    with pytest.raises(UnknownEntityError, match=re.escape(f"Did you mean {EVIL!r}")):
        report(panel, "<script>alert(2)</script>", path=tmp_path / "r.html")


def test_not_a_dataframe(tmp_path):
    with pytest.raises(BenchmarkError, match="DataFrame"):
        report([1, 2, 3], "a", path=tmp_path / "r.html")


def test_official_tier_must_be_constant(tmp_path, synthetic):
    panel, _, _ = synthetic
    moving = panel.assign(tier=np.where(panel["year"] == 2022, "B", panel["tier"]))
    with pytest.raises(BenchmarkError, match="changes over time"):
        report(moving, EVIL, official="tier", path=tmp_path / "r.html")


# ---------------------------------------------------------------- the bundled panel
@pytest.fixture(scope="module")
def bundled(tmp_path_factory):
    load = benchmark.datasets.load
    panel, meta, targets = load("shuanggao"), load("shuanggao_indicators"), load("shuanggao_targets")
    path = tmp_path_factory.mktemp("bundled") / "report.html"
    with warnings.catch_warnings():
        warnings.simplefilter("error", category=UserWarning)  # e.g. a missing CJK font would fail here
        rep = report(panel, FOCUS, targets=targets, metadata=meta, within="unit_type", cohort="tier",
                     leaders={"tier": "A"}, official="tier", inputs=["total_funding"],
                     outputs=["tech_service_income", "training_income"], path=path)
    return rep, path.read_text(encoding="utf-8"), panel, meta, targets


def test_bundled_report_has_every_section_and_figure(bundled):
    rep, html, *_ = bundled
    assert rep.sections == ("self", "peers", "cost", "field")
    assert list(_sections(html)) == SECTION_IDS
    ids = set(re.findall(r'<figure class="fig" id="([^"]+)"', html))
    assert ids == {"fig-profile", "fig-completion", "fig-trajectories", "fig-gaps", "fig-leaders",
                   "fig-cost-outcome", "fig-frontier", "fig-ranks", "fig-tiers", "fig-transitions"}
    assert all(_png_ok(b) for b in _images(html))
    assert FOCUS in html and "技术服务到款额" in html  # Chinese names and labels as text
    assert not any("left out" in n and "DEA" in n for n in rep.notes)


def test_bundled_numbers_by_hand(bundled):
    rep, html, panel, meta, targets = bundled
    schools = panel[(panel["unit_type"] == "school") & (panel["year"] == 2023)]
    own = schools[schools["institution"] == FOCUS].iloc[0]
    peers = schools[(schools["tier"] == own["tier"]) & (schools["institution"] != FOCUS)]
    # Gap to the tier median (placement rate, higher is better; student-teacher ratio, lower is better).
    gaps = rep.tables["peer_gaps"].set_index("indicator")
    for ind, sign in (("placement_rate", 1), ("student_teacher_ratio", -1)):
        median = float(np.median(peers[ind].dropna()))
        assert gaps.at[ind, "gap_median"] == pytest.approx(sign * (own[ind] - median))
    # Cost per unit of technical-service income against the tier peers' median.
    ratio = schools.set_index("institution")["total_funding"] / schools.set_index("institution")["tech_service_income"]
    cost = rep.tables["cost_per_outcome"].set_index("outcome").loc["tech_service_income"]
    assert cost["relative_cost"] == pytest.approx(100 * ratio[FOCUS] / np.median(ratio[peers["institution"]]))
    # Final-evaluation completion: completed when the 2023 value reaches the target (direction-aware).
    dirs = meta.set_index("indicator")["direction"]
    mine = targets[targets["institution"] == FOCUS]
    done = sum((own[r.indicator] >= r.target_2023) if dirs[r.indicator] == "higher" else
               (own[r.indicator] <= r.target_2023) for r in mine.itertuples() if pd.notna(own[r.indicator]))
    assert f"已完成 {len(mine)} 项目标中的 {done} 项" in html  # Chinese labels: the report is Chinese


def test_bundled_report_is_chinese_by_default(bundled):
    rep, html, *_ = bundled
    assert rep.lang == "zh" and '<html lang="zh-CN">' in html
    sections = _sections(html)
    assert "<h2>摘要</h2>" in sections["summary"] and "<h2>说明与方法</h2>" in sections["notes"]
    assert "<th>指标</th>" in html and "<th>Indicator</th>" not in html
    for english in ("Against peers", "Strengths", "None stands out", "Peers' median", "Methods", "year 2023",
                    "（year）"):
        assert english not in html, english
    assert "2023 年已完成" in html and "基期（年份）" in html
    missed = re.search(r"<li>(未完成的目标|按当前进度难以完成的目标)(.)[^<]*</li>", html)
    assert missed is None or (missed.group(2) == "：" and ", " not in missed.group(0))  # Chinese punctuation
    assert "-0.0 %" not in html and ">-0<" not in html  # no negative zero


def test_language_can_be_chosen(tmp_path, synthetic, synthetic_report):
    panel, meta, targets = synthetic
    en, html_en = synthetic_report
    zh = _full_report(tmp_path, panel, meta, targets, path=tmp_path / "zh.html", lang="zh")
    assert (en.lang, zh.lang) == ("en", "zh")  # English labels: English unless asked
    html_zh = zh.path.read_text(encoding="utf-8")
    assert "<h2>2. Against peers</h2>" in html_en and "<h2>二、与同类比</h2>" in html_zh
    assert "Gaps to the peers&#x27; median" in html_en and "与同类中位数的差距" in html_zh
    # the numbers are the same whatever the language
    pd.testing.assert_frame_equal(en.tables["peer_gaps"], zh.tables["peer_gaps"])
    with pytest.raises(BenchmarkError, match="`lang`.*'fr'"):
        report(panel, EVIL, lang="fr", path=tmp_path / "fr.html")


def test_tied_best_peers_are_collapsed_with_a_count():
    from benchmark.reporting._section import tied as _tied

    assert _tied("A, B") == "A, B"
    assert _tied("A, B, C") == "A, B, C"
    assert _tied(", ".join(f"campus {i}" for i in range(38))) == "campus 0, campus 1 and 36 more (38 tied)"
    assert _tied(None) is None


def test_layout_for_phone_desktop_and_print(bundled):
    _, html, *_ = bundled
    css = html[html.index("<style>"):html.index("</style>")]
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    assert "@media (max-width: 640px)" in css and "@media print" in css
    assert "div.table-wrap { max-width:100%; overflow-x:auto;" in css  # tables scroll inside their box
    assert "break-after:avoid" in css  # headings stay with their content when printed
    assert html.count('<div class="table-wrap"><table class="data"') == html.count('<table class="data"')
