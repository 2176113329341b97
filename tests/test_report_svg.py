"""The report's SVG figures (figures="svg"): well-formed, escaped, the same figures as the PNG report, and the
numbers drawn where the tables put them (bar lengths and point counts checked against the tables)."""

import re
import warnings
import xml.etree.ElementTree as ET

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("matplotlib")

from test_report import EVIL, FAST, LEADERS, _synthetic

from benchmark import BenchmarkError, ReportOptions
from benchmark.reporting import report
from benchmark.reporting._svg import nice_ticks, text_width, tick_text

SVG = ""  # inline SVG in HTML needs no namespace (and the page names no URL)
SETTINGS = dict(cohort="tier", leaders=LEADERS, inputs=["spend"], outputs=["income", "trained"], official="tier",
                **FAST)


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    panel, meta, targets = _synthetic()
    folder = tmp_path_factory.mktemp("svg")
    out = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for kind in ("png", "svg"):
            rep = report(panel, EVIL, metadata=meta, targets=targets, path=folder / f"{kind}.html", figures=kind,
                         **SETTINGS)
            out[kind] = (rep, rep.path.read_text(encoding="utf-8"))
    return out


def _figures(html):
    return dict(re.findall(r'<figure class="fig" id="([^"]+)">(.*?)</figure>', html, re.DOTALL))


def _drawing(block):
    svg = re.search(r"<svg .*?</svg>", block, re.DOTALL).group(0)
    return ET.fromstring(svg)  # raises on markup that is not well-formed (e.g. an unescaped name)


def test_same_figures_and_tables_in_both_formats(pages):
    (png, png_html), (svg, svg_html) = pages["png"], pages["svg"]
    assert list(_figures(png_html)) == list(_figures(svg_html))
    assert len(_figures(svg_html)) >= 8
    assert png.tables.keys() == svg.tables.keys()
    for name in png.tables:
        pd.testing.assert_frame_equal(png.tables[name], svg.tables[name])
    # every figure but the one shared by the whole field (tier transitions, drawn once) is SVG
    kinds = {ident: ("svg" if "<svg" in block else "png") for ident, block in _figures(svg_html).items()}
    assert {i for i, k in kinds.items() if k == "png"} <= {"fig-transitions"}


def test_drawings_are_well_formed_and_escape_names(pages):
    _, html = pages["svg"]
    assert EVIL not in html  # the name holds markup; it must only appear escaped
    assert "http" not in "".join(re.findall(r"<svg .*?</svg>", html, re.DOTALL))
    for ident, block in _figures(html).items():
        if "<svg" not in block:
            continue
        root = _drawing(block)
        assert root.get("role") == "img", ident
        texts = "".join(t.text or "" for t in root.iter(f"{SVG}text"))
        assert texts.strip(), ident
    completion = _drawing(_figures(html)["fig-completion"])
    assert any(EVIL in (t.text or "") for t in completion.iter(f"{SVG}text"))  # the title names the focus


def test_completion_bars_have_the_table_lengths(pages):
    rep, html = pages["svg"]
    table = rep.tables["completion"]
    root = _drawing(_figures(html)["fig-completion"])
    bars = [r for r in root.iter(f"{SVG}rect") if r.get("fill") in {"#0072B2", "#E69F00", "#D55E00", "#dddddd"}
            and float(r.get("height")) > 12]
    assert len(bars) == len(table)
    widths = np.sort([float(b.get("width")) for b in bars])
    ratios = np.sort(np.clip(np.nan_to_num(table["completion_ratio"].to_numpy(dtype=float)), 0, 2.0))
    positive = ratios > 0
    # pixels per unit of ratio are the same for every bar (one linear axis)
    scale = widths[positive] / ratios[positive]
    np.testing.assert_allclose(scale, scale[0], rtol=0.02, atol=0.06 / ratios[positive].min())


def test_frontier_draws_every_unit_once(pages):
    rep, html = pages["svg"]
    root = _drawing(_figures(html)["fig-frontier"])
    points = [c for c in root.iter(f"{SVG}circle") if c.get("fill") in {"#0072B2", "#000"}]
    legend_keys = 2  # the legend's "inefficient" and "efficient" swatches
    assert len(points) - legend_keys == len(rep.tables["dea_efficiency"])


def test_nice_ticks_and_labels():
    assert nice_ticks(0, 0.63).tolist() == [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6]
    assert nice_ticks(-2.6, 6.2).tolist() == [-2.0, 0.0, 2.0, 4.0, 6.0]
    assert nice_ticks(0, 41000).tolist() == [0.0, 10000.0, 20000.0, 30000.0, 40000.0]
    assert [tick_text(v, 2.5) for v in (-2.5, 0.0, 5.0)] == ["-2.5", "0.0", "5.0"]
    assert tick_text(2021.0, 1.0, separators=False) == "2021"
    assert tick_text(12000.0, 2000.0) == "12,000"
    assert text_width("综合") == pytest.approx(2 * text_width("综"))
    assert text_width("综合") > text_width("ab")


def test_figures_option_is_checked():
    with pytest.raises(BenchmarkError, match="figures"):
        ReportOptions(figures="pdf")
    assert ReportOptions(figures="svg").figures == "svg"


def test_text_periods_are_drawn_in_their_order(tmp_path):
    """Academic years such as "2019-20" are periods too: each panel's series has a point per period."""
    panel, meta, targets = _synthetic()
    names = {2019: "2019-20", 2020: "2020-21", 2021: "2021-22", 2022: "2022-23"}
    text = panel.assign(year=panel["year"].map(names))
    wide = targets.rename(columns={f"target_{k}": f"target_{v}" for k, v in names.items()})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        rep = report(text, EVIL, metadata=meta, targets=wide, path=tmp_path / "t.html", figures="svg", **SETTINGS)
    root = _drawing(_figures(rep.path.read_text(encoding="utf-8"))["fig-trajectories"])
    labels = [t.text for t in root.iter(f"{SVG}text")]
    assert all(v in labels for v in names.values())
    panels = sum(1 for t in root.iter(f"{SVG}text") if t.get("font-size") == "13")
    own = text[text["institution"] == EVIL]
    dots = [c for c in root.iter(f"{SVG}circle") if c.get("fill") == "#D55E00" and c.get("r") == "3.5"]
    assert panels >= 2
    assert len(dots) == panels * own["year"].nunique() + 1  # one per period and panel, one in the legend


def test_integer_ticks():
    assert nice_ticks(0.5, 12.5, integer=True).tolist() == [2.0, 4.0, 6.0, 8.0, 10.0, 12.0]
    assert nice_ticks(2018.8, 2023.2, integer=True).tolist() == [2019.0, 2020.0, 2021.0, 2022.0, 2023.0]
    assert nice_ticks(0.5, 3.5, integer=True).tolist() == [1.0, 2.0, 3.0]
