"""Paper tables: LaTeX booktabs, Word three-line tables, labelled Excel, significance stars, methods text.

The expected cells are written out by hand from the input tables; the Word and
Excel files are read back with python-docx and openpyxl (independent readers),
the LaTeX is compiled when a TeX engine is installed.
"""

import copy
import shutil
import subprocess

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import benchmark
from benchmark import BenchmarkError
from benchmark.export import (
    COLUMN_HEADERS,
    export_docx,
    export_excel,
    export_latex,
    paper_table,
)
from benchmark._i18n import ZH

META = pd.DataFrame({"indicator": ["placement_rate", "tech_income"],
                     "label": ["毕业生就业去向落实率", "技术服务到款额"],
                     "label_en": ["Graduate placement rate", "Technical-service income"]})


@pytest.fixture
def gaps():
    return pd.DataFrame({
        "indicator": ["placement_rate", "tech_income"], "value": [94.3, 3244.0],
        "cohort_median": [92.7, 2078.5], "gap_median_pct": [1.73, 56.07], "significant": [True, False],
        "reason": [None, None],
    })


@pytest.fixture
def coefficients():
    return pd.DataFrame({"term": ["intake", "size", "urban", "share_50%"],
                         "coef": [0.5, -0.25, 1.0, 2.0], "p_value": [0.001, 0.03, 0.07, 0.5]})


@pytest.fixture(scope="module")
def dea_result():
    units = pd.DataFrame({"institution": list("ABCDEFG"), "x": [2.0, 4.0, 3.0, 5.0, 6.0, 7.0, 4.5],
                          "y": [1.0, 3.0, 3.0, 2.0, 3.0, 4.0, 2.5]})
    return benchmark.dea(units, "x", "y", rts="vrs")


# ---------------------------------------------------------------- paper_table
def test_paper_table_labels_headers_stars_and_note(gaps):
    before = copy.deepcopy(gaps)
    cells, note = paper_table(gaps, metadata=META, lang="en", label_column="label_en", digits=2)
    assert list(cells.columns) == ["Indicator", "Value", "Peers' median", "Gap %"]  # empty 'reason' dropped
    assert cells.to_dict("list") == {
        "Indicator": ["Graduate placement rate", "Technical-service income"],
        "Value": ["94.30", "3,244"], "Peers' median": ["92.70", "2,078.50"], "Gap %": ["1.73*", "56.07"]}
    assert note == "* the interval excludes zero. Source: computed with benchmark " + benchmark.__version__ + "."
    pd.testing.assert_frame_equal(gaps, before)


def test_paper_table_in_chinese_by_default_with_chinese_labels(gaps):
    cells, note = paper_table(gaps, metadata=META)
    assert list(cells.columns) == ["指标", "数值", "同类中位数", "差距 %"]
    assert cells["指标"].tolist() == ["毕业生就业去向落实率", "技术服务到款额"]
    assert note.startswith("* 区间不含零。资料来源") and note.endswith("。")


def test_p_value_stars_by_hand(coefficients):
    cells, note = paper_table(coefficients, lang="en", digits=2)
    assert cells["Coefficient"].tolist() == ["0.50***", "-0.25**", "1.00*", "2.00"]
    assert "*** p < 0.01, ** p < 0.05, * p < 0.1" in note
    assert "p" not in cells.columns  # the p-values became stars


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(0, 1), min_size=1, max_size=12))
def test_stars_never_increase_with_p(ps):
    table = pd.DataFrame({"coef": np.ones(len(ps)), "p_value": ps})
    cells, _ = paper_table(table, lang="en")
    stars = [len(c) - len(c.rstrip("*")) for c in cells["Coefficient"]]
    expected = [3 if p < 0.01 else 2 if p < 0.05 else 1 if p < 0.1 else 0 for p in ps]
    assert stars == expected
    order = np.argsort(ps, kind="stable")
    assert all(np.diff(np.array(stars)[order]) <= 0)


@settings(max_examples=25, deadline=None)
@given(st.permutations(range(4)))
def test_row_order_is_kept(order):
    table = pd.DataFrame({"indicator": list("abcd"), "value": [1.5, 2.5, 3.5, 4.5]}).iloc[list(order)]
    cells, _ = paper_table(table, lang="en", digits=1)
    assert cells["Indicator"].tolist() == [list("abcd")[i] for i in order]
    assert cells["Value"].tolist() == [f"{1.5 + i:.1f}" for i in order]


def test_every_english_header_has_a_chinese_one():
    missing = [h for h in set(COLUMN_HEADERS.values()) if h not in ZH]
    assert missing == [], missing


def test_paper_table_bad_input(gaps):
    with pytest.raises(BenchmarkError, match="`table`"):
        paper_table([1, 2, 3])
    with pytest.raises(BenchmarkError, match="'label_fr'"):
        paper_table(gaps, metadata=META, label_column="label_fr")
    with pytest.raises(BenchmarkError, match="`significance` column 'p'"):
        paper_table(gaps, significance="p")
    with pytest.raises(BenchmarkError, match="`mark` column 'gap'"):
        paper_table(gaps, mark="gap")
    with pytest.raises(BenchmarkError, match="`columns` names nope"):
        paper_table(gaps, columns=["indicator", "nope"])
    with pytest.raises(BenchmarkError, match="`lang`"):
        paper_table(gaps, lang="de")


# ---------------------------------------------------------------- LaTeX
def test_latex_is_a_booktabs_three_line_table(coefficients):
    tex = export_latex(coefficients, lang="en", caption="Value added: 50% & more", label="tab:va", digits=2)
    lines = tex.splitlines()
    assert [ln for ln in lines if ln in (r"\toprule", r"\midrule", r"\bottomrule")] == [
        r"\toprule", r"\midrule", r"\bottomrule"]
    assert r"\hline" not in tex and "|" not in tex  # no vertical or extra rules
    assert r"\begin{tabular}{lr}" in tex  # text left, numbers right
    assert r"\caption{Value added: 50\% \& more}" in tex and r"\label{tab:va}" in tex
    body = lines[lines.index(r"\midrule") + 1:lines.index(r"\bottomrule")]
    assert body == [r"intake & 0.50*** \\", r"size & -0.25** \\", r"urban & 1.00* \\", r"share\_50\% & 2.00 \\"]
    assert lines[lines.index(r"\toprule") + 1] == r"term & Coefficient \\"


def test_latex_compiles_when_a_tex_engine_is_installed(coefficients, tmp_path):
    engine = shutil.which("pdflatex")
    if engine is None:
        pytest.skip("no pdflatex on this machine")
    doc = ("\\documentclass{article}\\usepackage{booktabs}\\begin{document}\n"
           + export_latex(coefficients, lang="en") + "\\end{document}\n")
    (tmp_path / "t.tex").write_text(doc, encoding="utf-8")
    done = subprocess.run([engine, "-interaction=nonstopmode", "t.tex"], cwd=tmp_path, capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stdout[-2000:]


def test_result_to_latex_writes_the_file(dea_result, tmp_path):
    path = tmp_path / "eff.tex"
    text = dea_result.to_latex(path, lang="en", columns=["institution", "efficiency"], digits=3)
    assert path.read_text(encoding="utf-8") == text
    eff = dea_result.efficiency["efficiency"].to_numpy()
    rows = [ln for ln in text.splitlines() if ln.endswith(r"\\")][1:]
    assert [float(r.split(" & ")[1].removesuffix(r" \\")) for r in rows] == [round(v, 3) for v in eff]
    with pytest.raises(BenchmarkError, match="`table` must be one of 'efficiency'"):
        dea_result.to_latex(table="nope")


# ---------------------------------------------------------------- Word
def _borders(cell):
    from docx.oxml.ns import qn

    found = {}
    borders = cell._tc.tcPr.find(qn("w:tcBorders"))
    for element in borders:
        edge = element.tag.split("}")[1]
        found[edge] = (element.get(qn("w:val")), element.get(qn("w:sz")))
    return found


def test_docx_is_a_three_line_table(gaps, tmp_path):
    docx = pytest.importorskip("docx")
    path = export_docx(gaps, tmp_path / "gaps.docx", metadata=META, lang="zh", caption="表 1 与同类的差距")
    doc = docx.Document(str(path))
    (table,) = doc.tables
    cells, note = paper_table(gaps, metadata=META, lang="zh")
    got = [[c.text for c in row.cells] for row in table.rows]
    assert got == [list(cells.columns), *cells.values.tolist()]
    header, last = table.rows[0].cells, table.rows[-1].cells
    for cell in header:
        b = _borders(cell)
        assert b["top"] == ("single", "12") and b["bottom"] == ("single", "6")
        assert b["left"] == b["right"] == ("nil", None)
    for cell in last:
        assert _borders(cell)["bottom"] == ("single", "12") and _borders(cell)["top"] == ("nil", None)
    middle = table.rows[1].cells if len(table.rows) > 2 else []
    for cell in middle:
        assert _borders(cell)["bottom"] == ("nil", None)
    texts = [p.text for p in doc.paragraphs]
    assert texts[0] == "表 1 与同类的差距" and texts[-1] == note


def test_result_to_docx(dea_result, tmp_path):
    docx = pytest.importorskip("docx")
    path = dea_result.to_docx(tmp_path / "eff.docx", lang="en", columns=["institution", "efficiency"])
    (table,) = docx.Document(str(path)).tables
    assert [c.text for c in table.rows[0].cells] == ["Institution", "Efficiency"]
    assert len(table.rows) == 1 + len(dea_result.efficiency)


# ---------------------------------------------------------------- Excel
def test_excel_has_labels_numbers_and_a_note(gaps, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    path = export_excel({"gaps": gaps}, tmp_path / "gaps.xlsx", metadata=META, lang="zh")
    sheet = openpyxl.load_workbook(path)["gaps"]
    rows = list(sheet.values)
    assert rows[0] == ("指标", "数值", "同类中位数", "差距 %")
    assert rows[1] == ("毕业生就业去向落实率", 94.3, 92.7, "1.730*")  # a starred cell stays text
    assert rows[2][1] == 3244 and rows[2][3] == 56.07
    assert rows[4][0].startswith("* 区间不含零")


def test_result_to_excel_keeps_the_plain_export(dea_result, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    plain = openpyxl.load_workbook(dea_result.to_excel(tmp_path / "plain.xlsx"))
    assert next(plain["efficiency"].values)[:2] == ("institution", "efficiency")
    paper = openpyxl.load_workbook(dea_result.to_excel(tmp_path / "paper.xlsx", lang="en"))
    assert next(paper["efficiency"].values)[:2] == ("Institution", "Efficiency")


# ---------------------------------------------------------------- methods
def test_methods_paragraph_names_the_model_and_cites(dea_result):
    en = dea_result.methods()
    assert "variable returns to scale, input orientation" in en
    assert "Banker, R. D., Charnes, A. and Cooper, W. W. (1984)" in en and "References:" in en
    zh = dea_result.methods("zh", references=False)
    assert "规模报酬为可变" in zh and "投入导向" in zh and "参考文献" not in zh
    with pytest.raises(BenchmarkError, match="`lang`"):
        dea_result.methods("fr")


def test_methods_of_a_result_without_its_own_text():
    from benchmark import Report

    rep = Report(path="r.html", focus="x", tables={}, sections=(), notes=())
    assert rep.methods().startswith("Computed with the Python package benchmark")
    with pytest.raises(BenchmarkError, match="holds no table"):
        rep.to_latex()


def test_methods_of_tiers_follow_the_settings():
    panel = benchmark.datasets.load("shuanggao")
    schools = panel[(panel["year"] == 2023) & (panel["unit_type"] == "school")]
    features = ["tech_service_income", "placement_rate", "skill_prizes"]
    schools = schools.dropna(subset=features)
    plain = benchmark.tiers(schools, features, k=3, n_boot=0, random_state=0)
    assert "3 ordered tiers by k-means on 3 standardised" in plain.methods()
    assert "bootstrap" not in plain.methods(references=False)
    boot = benchmark.tiers(schools, features, k=3, n_boot=10, random_state=0)
    assert "以 10 次 bootstrap 重抽样" in boot.methods("zh")
