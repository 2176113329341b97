"""The command line: the README's report command (also checked in headless Chromium), the user's own
files, one-line errors naming file, row and column, --help, and the demo and datasets commands."""

import importlib.util
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import benchmark
from benchmark import BenchmarkError
from benchmark import _userfiles as uf
from benchmark.__main__ import build_parser, main

ROOT = Path(__file__).resolve().parents[1]

GOOD = """institution,year,tier,score,ratio,income,spend
Alpha College,2021,A,70,15.5,120,1000
Alpha College,2022,A,72,15.1,130,1010
Beta College,2021,A,65,16.0,100,900
Beta College,2022,A,66,16.2,104,905
Gamma College,2021,A,61,16.4,97,880
Gamma College,2022,A,63,16.6,99,890
Delta College,2021,B,58,18.0,80,700
Delta College,2022,B,59,17.5,82,710
Eps College,2021,B,55,18.5,70,650
Eps College,2022,B,57,18.1,75,660
"""
TARGETS = """institution,indicator,baseline_year,baseline,target_2022
Alpha College,score,2021,70,75
Alpha College,ratio,2021,15.5,15
"""
INDICATORS = """indicator,label,direction,role,weight
score,Score,higher,output,0.5
ratio,Student-teacher ratio,lower,output,0.5
income,Income,higher,output,0
spend,Spending,higher,cost,0
"""


def _write(folder, name, text, encoding="utf-8"):
    path = folder / name
    path.write_text(text, encoding=encoding)
    return path


def _screenshot_module():
    spec = importlib.util.spec_from_file_location("report_screenshot", ROOT / "perf" / "report_screenshot.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# ---------------------------------------------------------------- the README command
@pytest.fixture(scope="module")
def readme_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("readme")
    out = folder / "report.html"
    done = subprocess.run([sys.executable, "-m", "benchmark", "report", "--dataset", "shuanggao", "--out", str(out)],
                          capture_output=True, text=True, cwd=folder, timeout=300)
    return done, out


def test_readme_command_writes_the_report(readme_run):
    done, out = readme_run
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    first = done.stdout.splitlines()[0]
    assert first.startswith("Report on 芷浔职业技术学院, year 2023 written to ")
    assert str(out.resolve()) in first
    assert "Sections with content: self, peers, cost, field" in done.stdout
    html = out.read_text(encoding="utf-8")
    assert html.count('<section class="part"') == 6
    assert "合成数据" in html  # the bundled panel is labelled as invented (in Chinese, as its labels are)


def test_readme_report_in_headless_chromium(readme_run, tmp_path):
    shots = _screenshot_module()
    if shots.find_chromium() is None:
        pytest.skip("chromium is not installed")
    done, out = readme_run
    assert done.returncode == 0
    result = shots.check_in_browser(out, png=tmp_path / "report.png", scale=0.5)
    assert result["problems"] == []
    dom = result["dom"]
    for ident in ("summary", "self", "peers", "cost", "field", "notes"):
        assert f'id="{ident}"' in dom
    assert dom.count('src="data:image/png;base64,') == 10
    assert "芷浔职业技术学院" in dom


def test_readme_report_fits_a_phone_a_desktop_and_paper(readme_run, tmp_path):
    """At 390 and 1280 CSS pixels the page never scrolls sideways (tables and figures scroll in their box);
    printed, it gives an A4 PDF."""
    shots = _screenshot_module()
    if shots.find_chromium() is None:
        pytest.skip("chromium is not installed")
    _, out = readme_run
    for width in (390, 1280):
        wide, view = shots.view_at(out, width, height=900)
        assert view == width and wide <= view, (width, wide, view)
    pdf = shots.print_pdf(out, tmp_path / "report.pdf")
    assert pdf.read_bytes()[:5] == b"%PDF-" and pdf.stat().st_size > 200_000
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
        assert re.search(r"Page size:\s+59[45](\.\d+)? x 84[12]", info), info  # A4
        assert int(re.search(r"Pages:\s+(\d+)", info).group(1)) >= 5


# ---------------------------------------------------------------- the user's files
@pytest.fixture
def files(tmp_path):
    return {"data": _write(tmp_path, "panel.csv", GOOD), "targets": _write(tmp_path, "targets.csv", TARGETS),
            "indicators": _write(tmp_path, "indicators.csv", INDICATORS), "folder": tmp_path}


def test_user_files_give_a_report(files, capsys):
    out = files["folder"] / "mine.html"
    rc = main(["report", "--data", str(files["data"]), "--targets", str(files["targets"]),
               "--indicators", str(files["indicators"]), "--institution", "Alpha College", "--cohort", "tier",
               "--inputs", "spend", "--outputs", "income,score", "--tier-boot", "0", "--draws", "40",
               "--n-boot", "100", "--out", str(out), "--excel", str(files["folder"] / "mine.xlsx")])
    captured = capsys.readouterr()
    assert rc == 0, captured.err
    assert captured.err == ""
    assert "Report on Alpha College, year 2022 written to" in captured.out
    assert "--leaders" in captured.out  # notes speak the language of the command line
    html = out.read_text(encoding="utf-8")
    assert "Student-teacher ratio" in html and 'id="fig-gaps"' in html
    assert (files["folder"] / "mine.xlsx").stat().st_size > 0


def _error(argv, capsys):
    rc = main(argv)
    captured = capsys.readouterr()
    assert rc == 2
    assert captured.out == ""
    lines = captured.err.splitlines()
    assert len(lines) == 1, captured.err
    assert lines[0].startswith("error: ")
    assert "Traceback" not in captured.err
    return lines[0]


@pytest.mark.parametrize(("name", "text", "expected"), [
    ("semicolons.csv", GOOD.replace(",", ";"), ["semicolons.csv", "row 1", "';' (semicolon)", "--sep ';'"]),
    ("tabs.csv", GOOD.replace(",", "\t"), ["tabs.csv", "a tab", "--sep tab"]),
    ("text.csv", GOOD.replace("Beta College,2022,A,66,", "Beta College,2022,A,n.a,"),
     ["text.csv", "row 5", "column 'score'", "'n.a' is not a number"]),
    ("decimal.csv", GOOD.replace("Beta College,2022,A,66,", 'Beta College,2022,A,"66,5",'),
     ["decimal.csv", "row 5", "column 'score'", "decimal separator"]),
    ("percent.csv", GOOD.replace("Delta College,2021,B,58,", "Delta College,2021,B,58%,"),
     ["percent.csv", "row 8", "column 'score'", "% sign"]),
    ("ragged.csv", GOOD.replace("Gamma College,2021,A,61,", "Gamma College,2021,A,61,1,"),
     ["ragged.csv", "row 6 has 8 fields", "header has 7"]),
    ("noyear.csv", "\n".join(",".join(r.split(",")[:1] + r.split(",")[2:]) for r in GOOD.splitlines()),
     ["noyear.csv", "no column 'year'", "--period"]),
    ("dupes.csv", GOOD + "Beta College,2022,A,1,1,1,1\n", ["dupes.csv", "rows 5 and 12", "'Beta College'", "2022"]),
    ("empty.csv", "", ["empty.csv", "empty"]),
    ("emptyname.csv", GOOD.replace("Eps College,2022", ",2022"), ["emptyname.csv", "row 11", "'institution'"]),
])
def test_bad_data_file_one_line(tmp_path, capsys, name, text, expected):
    path = _write(tmp_path, name, text)
    line = _error(["report", "--data", str(path), "--out", str(tmp_path / "r.html")], capsys)
    for part in expected:
        assert part in line, line
    assert not (tmp_path / "r.html").exists()


def test_unknown_institution_suggests_close_matches(files, capsys):
    line = _error(["report", "--data", str(files["data"]), "--institution", "Alpha Colege"], capsys)
    assert "panel.csv" in line and "'Alpha Colege'" in line and "Did you mean 'Alpha College'" in line


def test_unknown_institution_in_bundled_data(capsys):
    line = _error(["report", "--dataset", "shuanggao", "--institution", "芷浔职业学院"], capsys)
    assert "Did you mean '芷浔职业技术学院'" in line


@pytest.mark.parametrize(("kind", "text", "expected"), [
    ("targets", TARGETS.replace("ratio,", "ratoi,"),
     ["row 3", "column 'indicator'", "'ratoi'", "Did you mean 'ratio'"]),
    ("targets", TARGETS.replace(",75\n", ",seventy\n"), ["row 2", "column 'target_2022'", "'seventy'"]),
    ("targets", TARGETS.replace("Alpha College,ratio", "Alpha Colleg,ratio"),
     ["row 3", "'Alpha Colleg'", "Did you mean 'Alpha College'"]),
    ("targets", "institution,indicator,baseline\nAlpha College,score,70\n", ["no target columns", "target_"]),
    ("targets", TARGETS.replace("indicator,", "measure,"), ["no column 'indicator'"]),
    ("indicators", INDICATORS.replace("ratio,Student-teacher ratio,lower", "ratio,Student-teacher ratio,smaller"),
     ["row 3", "column 'direction'", "'smaller'"]),
    ("indicators", INDICATORS.replace(",0.5\n", ",half\n", 1), ["row 2", "column 'weight'", "'half'"]),
    ("indicators", INDICATORS.replace("score,Score", "scroe,Score"), ["row 2", "'scroe'", "Did you mean 'score'"]),
    ("indicators", INDICATORS.replace("cost,0", "money,0"), ["row 5", "column 'role'", "'money'"]),
])
def test_bad_targets_and_indicator_files(files, capsys, kind, text, expected):
    path = _write(files["folder"], f"bad_{kind}.csv", text)
    line = _error(["report", "--data", str(files["data"]), f"--{kind}", str(path)], capsys)
    assert f"bad_{kind}.csv" in line
    for part in expected:
        assert part in line, line


@pytest.mark.parametrize(("options", "expected"), [
    (["--cohort", "tierr"], ["no column 'tierr'", "Did you mean 'tier'", "--cohort"]),
    (["--cohort", "tier=C"], ["--cohort 'tier=C'", "values are: A, B"]),
    (["--year", "2030"], ["--year 2030", "2021, 2022"]),
    (["--year", "last"], ["--year 'last' is not a number"]),
    (["--indicators-list", "score,quality"], ["no column 'quality'"]),
    (["--within", "sector"], ["sector"]),
    (["--dataset", "shuanggao"], ["either --dataset", "or --data"]),
    (["--ci", "2"], ["ci"]),
])
def test_bad_options_one_line(files, capsys, options, expected):
    line = _error(["report", "--data", str(files["data"]), *options, "--out", str(files["folder"] / "r.html")],
                  capsys)
    for part in expected:
        assert part in line, line


def test_missing_file_and_unknown_dataset(tmp_path, capsys):
    assert "no such file" in _error(["report", "--data", str(tmp_path / "nope.csv")], capsys)
    assert "Did you mean 'shuanggao'" in _error(["report", "--dataset", "shuangao"], capsys)


def test_unwritable_output_is_one_line(files, capsys):
    line = _error(["report", "--data", str(files["data"]), "--indicators-list", "score,ratio",
                   "--tier-boot", "0", "--draws", "40", "--n-boot", "100",
                   "--out", str(files["folder"] / "no" / "such" / "dir" / "r.html")], capsys)
    assert "r.html" in line


def test_traceback_on_request_and_unexpected_errors(files, capsys, monkeypatch):
    with pytest.raises(BenchmarkError):
        main(["report", "--data", str(files["data"]), "--institution", "Nobody", "--traceback"])
    report_module = sys.modules["benchmark.reporting._report"]

    def broken(*args, **kwargs):
        raise RuntimeError("boom\nsecond line")

    monkeypatch.setattr(report_module, "report", broken)
    rc = main(["report", "--data", str(files["data"])])
    err = capsys.readouterr().err
    assert rc == 3
    assert err.splitlines() == ["error: unexpected RuntimeError: boom second line (run again with --traceback "
                                "and report it)"]


def test_reader_understands_gb18030_and_quotes(tmp_path):
    text = 'institution,year,score\n"示范学院, 本部",2021,1.5\n示范学院,2021,2\n'
    frame = uf.read_csv(_write(tmp_path, "gbk.csv", text, encoding="gb18030"))
    assert frame["institution"].tolist() == ["示范学院, 本部", "示范学院"]
    frame = uf.read_csv(_write(tmp_path, "bom.csv", text, encoding="utf-8-sig"))
    assert list(frame.columns) == ["institution", "year", "score"]


def test_cohort_spellings(files):
    import pandas as pd

    from benchmark._cli_report import _spec

    data = pd.read_csv(files["data"])
    assert _spec("tier", data, "panel.csv", "--cohort") == "tier"
    assert _spec("tier=A", data, "panel.csv", "--cohort") == {"tier": "A"}
    assert _spec("year=2021", data, "panel.csv", "--cohort") == {"year": 2021}
    assert _spec("Beta College; Gamma College", data, "panel.csv", "--cohort") == ["Beta College", "Gamma College"]


# ---------------------------------------------------------------- help and the other commands
def test_help_explains_every_option(capsys):
    parser = build_parser()
    sub = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    report = sub.choices["report"]
    for action in report._actions:
        assert action.help and len(action.help) > 10, action.option_strings
    with pytest.raises(SystemExit) as stop:
        main(["report", "--help"])
    assert stop.value.code == 0
    text = capsys.readouterr().out
    for action in report._actions:
        for flag in action.option_strings:
            assert flag in text
    for word in ("--dataset shuanggao", "target_<year>", "direction", "SPEC", "Exit status"):
        assert word in text


def test_top_level_help_names_the_report(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    text = capsys.readouterr().out
    assert "report" in text and "python -m benchmark report --dataset shuanggao" in text


def test_datasets_and_demo_still_work(capsys):
    assert main(["datasets"]) == 0
    assert "shuanggao" in capsys.readouterr().out
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    assert "python -m benchmark report --dataset shuanggao --out report.html" in out


def test_version_and_entry_point():
    assert re.fullmatch(r"\d+\.\d+\.\d+", benchmark.__version__)


# ---------------------------------------------------------------- languages and the US data set
def test_lang_option_picks_the_language_and_the_label_column(files, capsys):
    bilingual = _write(files["folder"], "bilingual.csv", "indicator,label,label_en,direction\n"
                       "score,得分,Score,higher\nratio,生师比,Student-teacher ratio,lower\n")
    common = ["report", "--data", str(files["data"]), "--indicators", str(bilingual), "--cohort", "tier",
              "--tier-boot", "0", "--draws", "40", "--n-boot", "100"]
    pages = {}
    for lang in (None, "en"):
        out = files["folder"] / f"{lang}.html"
        rc = main([*common, "--out", str(out), *(["--lang", lang] if lang else [])])
        assert rc == 0, capsys.readouterr().err
        pages[lang] = out.read_text(encoding="utf-8")
    assert '<html lang="zh-CN">' in pages[None] and "<h2>二、与同类比</h2>" in pages[None]  # Chinese labels
    assert '<html lang="en">' in pages["en"] and "<h2>2. Against peers</h2>" in pages["en"]
    assert "Student-teacher ratio" in pages["en"] and "生师比" not in pages["en"]  # label_en from the metadata
    assert "生师比" in pages[None] and "<th>指标</th>" in pages[None]


def test_scorecard_report_uses_its_indicator_table_and_like_peers(tmp_path, capsys):
    """The US data: directions from scorecard_indicators, the latest year with earnings, peers of the same
    degree level and state."""
    out = tmp_path / "us.html"
    rc = main(["report", "--dataset", "scorecard", "--n-boot", "100", "--draws", "40", "--tier-boot", "0",
               "--out", str(out), "--excel", str(tmp_path / "us.xlsx")])
    captured = capsys.readouterr()
    assert rc == 0, captured.err
    assert "year 2014 written" in captured.out  # 2015 and 2016 have no earnings
    html = out.read_text(encoding="utf-8")
    assert "same predominant degree level in the same state" in html and "peers: same state" in html
    assert "Former students not working" in html and "Median earnings ten years after entry" in html
    import openpyxl

    sheet = openpyxl.load_workbook(tmp_path / "us.xlsx")["peer_gaps"]
    rows = list(sheet.values)
    header, body = rows[0], rows[1:]
    direction = {r[header.index("indicator")]: r[header.index("direction")] for r in body}
    assert direction["count_not_working"] == "lower" and direction["earnings_med"] == "higher"
    # peers share the focus's degree level and state: checked against the data by hand
    sc = benchmark.datasets.load("scorecard")
    focus = sc[(sc["institution"] == "Alabama A & M University") & (sc["year"] == 2014)].iloc[0]
    peers = sc[(sc["year"] == 2014) & (sc["state"] == focus["state"])
               & (sc["degree_level"] == focus["degree_level"]) & (sc["institution"] != focus["institution"])]
    gap_row = body[[r[header.index("indicator")] for r in body].index("earnings_med")]
    assert gap_row[header.index("cohort_median")] == pytest.approx(peers["earnings_med"].median())
