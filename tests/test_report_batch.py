"""Every unit's report in one run: files and index, failures that do not stop the others, --force, unknown
names, parallel workers giving the same pages, and the pages in headless Chromium."""

import re
import urllib.parse
import warnings

import numpy as np
import pytest

pytest.importorskip("matplotlib")

from test_report import FAST, LEADERS, _synthetic

from benchmark import BenchmarkError, UnknownEntityError
from benchmark.__main__ import main
from benchmark.reporting import BatchReport, report, report_batch

UNITS = ["Alpha College", "Gamma College", "Epsilon College"]
SETTINGS = dict(cohort="tier", leaders=LEADERS, inputs=["spend"], outputs=["income", "trained"], official="tier",
                **FAST)


@pytest.fixture(scope="module")
def synthetic():
    panel, meta, targets = _synthetic(focus="Alpha College", peer="Beta College")
    return panel, meta, targets


def _batch(panel, meta, targets, folder, units=UNITS, **kw):
    args = dict(SETTINGS, metadata=meta, targets=targets, path=folder, overview=False)
    args.update(kw)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return report_batch(panel, units, **args)


@pytest.fixture(scope="module")
def three(tmp_path_factory, synthetic):
    panel, meta, targets = synthetic
    folder = tmp_path_factory.mktemp("batch") / "out"
    return _batch(panel, meta, targets, folder, overview=True)


def _links(html):
    return re.findall(r'<a href="([^"#]+)"', html)


def test_three_units_three_reports_and_an_index(three):
    assert isinstance(three, BatchReport)
    assert three.units["institution"].tolist() == UNITS
    assert three.units["status"].tolist() == ["ok"] * 3
    pages = sorted(p.name for p in three.path.glob("0*.html"))
    assert pages == sorted(three.units["file"])
    for page in pages:
        html = (three.path / page).read_text(encoding="utf-8")
        assert html.count('<section class="part"') == 6
    assert three.summary().set_index("statistic").at["written", "value"] == 3


def test_index_links_resolve_to_the_files(three):
    html = three.index.read_text(encoding="utf-8")
    links = _links(html)
    assert len(links) == 4  # three reports and the overview
    for link in links:
        assert (three.path / urllib.parse.unquote(link)).is_file(), link
    for unit in UNITS:
        assert unit in html
    # the group column shows each unit's cohort value (tier A or B)
    groups = dict(zip(three.units["institution"], three.units["group"], strict=True))
    assert groups == {"Alpha College": "A", "Gamma College": "A", "Epsilon College": "B"}


def test_overview_is_written_and_linked(three):
    if three.overview is None:
        pytest.skip(f"no overview in this installation: {three.notes}")
    assert three.overview.is_file() and (three.path / "overview.xlsx").is_file()
    assert 'href="overview.html"' in three.index.read_text(encoding="utf-8")


def test_batch_page_is_the_single_report(three, synthetic, tmp_path):
    """The batch reuses the shared models; the page of a unit is the one report() writes for it with the same
    settings (the batch draws SVG figures by default)."""
    panel, meta, targets = synthetic
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        single = report(panel, "Gamma College", metadata=meta, targets=targets, path=tmp_path / "one.html",
                        figures="svg", **SETTINGS)
    name = three.units.set_index("institution").at["Gamma College", "file"]
    assert (three.path / name).read_text(encoding="utf-8") == single.path.read_text(encoding="utf-8")


def test_batch_with_png_figures_is_the_default_single_report(synthetic, tmp_path):
    """figures="png" gives the batch the matplotlib figures report() draws by default: the same page."""
    panel, meta, targets = synthetic
    batch = _batch(panel, meta, targets, tmp_path / "png", units=["Gamma College"], figures="png")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        single = report(panel, "Gamma College", metadata=meta, targets=targets, path=tmp_path / "one.html",
                        **SETTINGS)
    page = (batch.path / batch.units.at[0, "file"]).read_text(encoding="utf-8")
    assert "<svg" not in page
    assert page == single.path.read_text(encoding="utf-8")


def test_a_failing_unit_is_listed_and_the_others_are_written(synthetic, tmp_path, monkeypatch):
    """Also: a folder that is not empty is written into only with force=True, and its other files stay."""
    panel, meta, targets = synthetic
    import benchmark.reporting._batch as batch_module

    real = batch_module.write_unit

    def flaky(models, unit, **kw):
        if unit == "Gamma College":
            raise RuntimeError("disk full")
        return real(models, unit, **kw)

    monkeypatch.setattr(batch_module, "write_unit", flaky)
    # Epsilon has no unit type: it belongs to no `within` group, so no report can be made for it.
    odd = panel.assign(kind="college")
    odd.loc[odd["institution"] == "Epsilon College", "kind"] = np.nan
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "old.txt").write_text("keep", encoding="utf-8")
    with pytest.raises(BenchmarkError, match=r"out.*not empty.*force=True"):
        _batch(odd, meta, targets, folder, within="kind")
    with pytest.raises(BenchmarkError, match="`force`"):
        _batch(odd, meta, targets, tmp_path / "other", force="yes")
    res = _batch(odd, meta, targets, folder, within="kind", force=True)
    status = res.units.set_index("institution")
    assert status.at["Alpha College", "status"] == "ok"
    assert status.at["Gamma College", "status"] == "failed"
    assert status.at["Gamma College", "error"] == "RuntimeError: disk full"
    assert status.at["Epsilon College", "status"] == "failed"
    assert "within" in status.at["Epsilon College", "error"]
    assert (res.path / status.at["Alpha College", "file"]).is_file()
    assert not (res.path / status.at["Gamma College", "file"]).exists()
    assert (folder / "old.txt").read_text(encoding="utf-8") == "keep"
    index = res.index.read_text(encoding="utf-8")
    assert "disk full" in index and len(_links(index)) == 1
    assert res.failed()["institution"].tolist() == ["Gamma College", "Epsilon College"]


def test_without_openpyxl_the_overview_page_is_still_written(synthetic, tmp_path, monkeypatch):
    """openpyxl is optional: without it the batch writes overview.html, no workbook, and says why."""
    panel, meta, targets = synthetic
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "openpyxl" else real(name, *a))
    res = _batch(panel, meta, targets, tmp_path / "out", units=UNITS[:1], overview=True)
    assert res.overview is not None and res.overview.is_file()
    assert not (res.path / "overview.xlsx").exists()
    assert res.notes == ("overview.xlsx was not written: Excel files need openpyxl (pip install openpyxl).",)
    # asked for by name, a workbook without openpyxl is refused before any work
    with pytest.raises(BenchmarkError, match="`excel` asks for an Excel workbook, which needs openpyxl"):
        report(panel, "Alpha College", path=tmp_path / "r.html", excel=tmp_path / "r.xlsx", metadata=meta)
    assert not (tmp_path / "r.html").exists()


def test_unknown_unit_gets_the_close_match_error(synthetic, tmp_path):
    panel, meta, targets = synthetic
    with pytest.raises(UnknownEntityError, match=r"'Gama College'.*Did you mean 'Gamma College'"):
        _batch(panel, meta, targets, tmp_path / "out", units=["Delta College", "Gama College"])
    assert not (tmp_path / "out").exists()  # nothing is written before the names are checked


@pytest.mark.parametrize(("lang", "said"), [("en", "listed more than once"), ("zh", "重复列出")])
def test_a_unit_listed_twice_is_written_once_and_said(synthetic, tmp_path, lang, said):
    panel, meta, targets = synthetic
    res = _batch(panel, meta, targets, tmp_path / "out", units=["Gamma College", "Alpha College", "Gamma College"],
                 lang=lang)
    assert res.units["institution"].tolist() == ["Gamma College", "Alpha College"]
    assert res.notes == ("Gamma College listed more than once; one report each.",)
    index = res.index.read_text(encoding="utf-8")
    assert said in index and "Gamma College" in index


def test_bad_settings_are_named(synthetic, tmp_path):
    panel, meta, targets = synthetic
    with pytest.raises(BenchmarkError, match="n_jobs"):
        _batch(panel, meta, targets, tmp_path / "a", n_jobs=0)
    with pytest.raises(BenchmarkError, match=r"'n_bot'.*did you mean 'n_boot'"):
        _batch(panel, meta, targets, tmp_path / "b", n_bot=100)


def test_parallel_workers_write_the_same_pages(three, synthetic, tmp_path):
    panel, meta, targets = synthetic
    two = _batch(panel, meta, targets, tmp_path / "two", units=UNITS[1:], n_jobs=2)
    assert two.units["status"].tolist() == ["ok", "ok"]
    before = three.units.set_index("institution")["file"]
    for unit, name in zip(two.units["institution"], two.units["file"], strict=True):
        assert (two.path / name).read_text(encoding="utf-8") == (three.path / before[unit]).read_text(encoding="utf-8")


# ---------------------------------------------------------------- command line
@pytest.fixture
def csv_files(tmp_path, synthetic):
    panel, meta, _ = synthetic
    paths = {"data": tmp_path / "panel.csv", "indicators": tmp_path / "indicators.csv", "folder": tmp_path}
    panel.to_csv(paths["data"], index=False)
    meta.to_csv(paths["indicators"], index=False)
    return paths


def _cli(files, *extra):
    return ["report", "--data", str(files["data"]), "--indicators", str(files["indicators"]), "--cohort", "tier",
            "--n-boot", "100", "--draws", "40", "--tier-boot", "0", *extra]


def test_cli_institutions_from_a_file(csv_files, capsys):
    names = csv_files["folder"] / "names.txt"
    names.write_text("Gamma College\n\n", encoding="utf-8")
    out = csv_files["folder"] / "reports"
    rc = main(_cli(csv_files, "--institutions", f"@{names}", "--out", str(out)))
    captured = capsys.readouterr()
    assert rc == 0, captured.err
    lines = captured.out.splitlines()
    assert lines[0].startswith(f"Writing 1 report into {out} with 1 worker(s)")  # said before the wait
    assert "1 of 1 reports written" in captured.out
    assert [p.name for p in out.glob("0*.html")] == ["001-Gamma_College.html"] and (out / "index.html").is_file()
    # the same folder again: refused without --force, written with it
    rc = main(_cli(csv_files, "--institutions", "Gamma College", "--out", str(out)))
    err = capsys.readouterr().err
    assert rc == 2 and "--force" in err and str(out) in err
    rc = main(_cli(csv_files, "--institutions", "Gamma College", "--out", str(out), "--force"))
    assert rc == 0, capsys.readouterr().err


def test_cli_unknown_institution_is_one_line_with_a_suggestion(csv_files, capsys):
    rc = main(_cli(csv_files, "--institutions", "Gamma College,Deltta College", "--out",
                   str(csv_files["folder"] / "r")))
    err = capsys.readouterr().err
    assert rc == 2
    assert err.startswith("error: ") and "'Deltta College'" in err and "Did you mean 'Delta College'" in err
    assert len(err.strip().splitlines()) == 1


def test_cli_batch_options_need_a_batch(csv_files, capsys):
    rc = main(_cli(csv_files, "--institution", "Gamma College", "--all"))
    assert rc == 2 and "not both" in capsys.readouterr().err
    rc = main(_cli(csv_files, "--force"))
    assert rc == 2 and "--all or --institutions" in capsys.readouterr().err


# ---------------------------------------------------------------- in a browser
def test_index_and_a_unit_page_in_headless_chromium(three, tmp_path):
    from test_cli import _screenshot_module

    shots = _screenshot_module()
    browser = shots.find_chromium()
    if browser is None:
        pytest.skip("chromium is not installed")
    index = shots._chromium(browser, three.index, ["--dump-dom"], tmp_path / "p1")
    assert index.returncode == 0, index.stderr[-500:]
    assert index.stdout.count("<tr>") == 1 + len(UNITS)
    assert all(unit in index.stdout for unit in UNITS)
    page = three.path / three.units["file"].iloc[0]
    result = shots.check_in_browser(page, browser=browser, png=tmp_path / "unit.png", scale=0.5)
    assert result["problems"] == [], result["problems"]
