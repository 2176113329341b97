"""The command line reads the files users bring: encodings (Latin-1 / Windows-1252, GB18030, UTF-8 with a
byte-order mark, UTF-16), numbers with thousands separators, text and academic-year periods, and numeric
entity ids - with the right values, or a one-line error naming the column, never a column silently lost.

Expected values are written by hand from the file contents below (no output of the code under test).
"""

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_cli import GOOD

from benchmark import _userfiles as uf
from benchmark.__main__ import build_parser, main

PANEL = GOOD  # the small panel of test_cli.py: five colleges, two years
# Western names whose accented letters are followed by ASCII letters: read as GB18030 these bytes
# decode without error into rare characters ("Universität" -> "Universit鋞").
WESTERN = {"Alpha College": "Universität Wien", "Beta College": "École Polytechnique",
           "Gamma College": "Universidad de Córdoba"}
CHINESE = {"Alpha College": "深圳职业技术学院", "Beta College": "北京工业职业技术学院",
           "Gamma College": "浙江金融职业学院"}
FAST = ["--tier-boot", "0", "--draws", "40", "--n-boot", "100"]


def _rename(text, names):
    for old, new in names.items():
        text = text.replace(old, new)
    return text


def _write_bytes(folder, name, data):
    path = folder / name
    path.write_bytes(data)
    return path


def _inputs(path, *options):
    """What the command line hands to report(): the typed panel, the focus and the notes."""
    from benchmark._cli_report import _file_inputs

    args = build_parser().parse_args(["report", "--data", str(path), *options])
    return _file_inputs(args)


# ---------------------------------------------------------------- encodings
@pytest.mark.parametrize("name", list(WESTERN.values()) + ["Café Crème", "Sœur Thérèse"])
def test_latin1_is_not_mistaken_for_gb18030(name):
    raw = name.encode("cp1252")
    assert uf.detect_encoding(raw) == "cp1252"
    assert raw.decode(uf.detect_encoding(raw)) == name


def test_the_trap_is_real():
    # the bytes of "Universität" are valid GB18030: trying GB18030 first cannot tell them apart
    raw = "Universität".encode("latin-1")
    assert raw.decode("gb18030") == "Universit鋞"
    assert uf.detect_encoding(raw) == "cp1252"


@pytest.mark.parametrize("text", ["深圳职业技术学院,2021", "示范学院，本部（一）", "浙江金融职业学院 2019-20 学年"])
def test_chinese_gb18030_detected(text):
    assert uf.detect_encoding(text.encode("gb18030")) == "gb18030"


def test_other_encodings_detected():
    assert uf.detect_encoding("Alpha,1\n".encode("ascii")) == "utf-8-sig"
    assert uf.detect_encoding("Universität".encode("utf-8-sig")) == "utf-8-sig"
    assert uf.detect_encoding("深圳职业技术学院".encode()) == "utf-8-sig"
    assert uf.detect_encoding("Universität".encode("utf-16")) == "utf-16"
    # 0x81 is unassigned in Windows-1252: Latin-1 then
    assert uf.detect_encoding(b"Caf\xe9 \x81") == "latin-1"


@pytest.mark.parametrize(("encoding", "names", "label"), [
    ("latin-1", WESTERN, "Windows-1252"), ("cp1252", WESTERN, "Windows-1252"),
    ("gb18030", CHINESE, "GB18030"), ("utf-8-sig", CHINESE, "UTF-8"), ("utf-8-sig", WESTERN, "UTF-8"),
    ("utf-16", WESTERN, "UTF-16"),
])
def test_read_csv_gets_the_names_right(tmp_path, encoding, names, label):
    path = _write_bytes(tmp_path, "panel.csv", _rename(PANEL, names).encode(encoding))
    frame = uf.read_csv(path)
    assert list(frame.columns) == ["institution", "year", "tier", "score", "ratio", "income", "spend"]
    assert frame["institution"].iloc[[0, 2, 4]].tolist() == [names["Alpha College"], names["Beta College"],
                                                             names["Gamma College"]]
    assert frame.attrs["encoding"] == label


def test_workbook_and_binary_files_are_refused(tmp_path):
    xlsx = _write_bytes(tmp_path, "panel.csv", b"PK\x03\x04" + b"\x00" * 40)
    with pytest.raises(uf.InputFileError, match=r"panel.csv: this is a spreadsheet workbook.*CSV UTF-8"):
        uf.read_csv(xlsx)
    binary = _write_bytes(tmp_path, "blob.csv", b"a,b\n\x00\x01,\x02\n")
    with pytest.raises(uf.InputFileError, match=r"blob.csv: not a text file"):
        uf.read_csv(binary)


# ---------------------------------------------------------------- thousands separators
def test_thousands_separators_parsed():
    values, problem = uf.parse_numbers(pd.Series(["22,859.6", "1,234", "7", "-1,234,567", None], dtype=str))
    assert problem is None
    np.testing.assert_array_equal(values.to_numpy(), [22859.6, 1234.0, 7.0, -1234567.0, np.nan])


@pytest.mark.parametrize(("cells", "sep", "expected"), [
    (["1,234", "5"], ",", [1234, 5]),  # a comma-separated file quotes "1,234": a thousands separator
    (["1,234", "5.5"], ";", [1234.0, 5.5]),  # a decimal point in the column settles it
    (["1,234,567", "5"], ";", [1234567, 5]),  # two groups settle it
])
def test_thousands_separator_evidence(cells, sep, expected):
    values, problem = uf.parse_numbers(pd.Series(cells, dtype=str), sep=sep)
    assert problem is None
    assert values.tolist() == expected


def test_ambiguous_comma_reported():
    values, problem = uf.parse_numbers(pd.Series(["1,234", "5"], dtype=str), sep=";")
    assert "'1,234' could be 1234" in problem and "1.234" in problem
    assert values.isna().iloc[0]


@settings(max_examples=50, deadline=None)
@given(st.integers(-10**9, 10**9), st.integers(0, 99))
def test_grouped_numbers_round_trip(whole, cents):
    # property: any number written with thousands separators reads back as the number
    text = f"{whole:,}.{cents:02d}"
    values, problem = uf.parse_numbers(pd.Series([text, "0.5"], dtype=str), sep=";")
    assert problem is None
    sign = -1 if whole < 0 else 1
    assert values.iloc[0] == pytest.approx(whole + sign * cents / 100, rel=1e-15, abs=1e-9)


def test_thousands_column_is_kept_in_the_report_inputs(tmp_path):
    text = (PANEL.replace(",1000\n", ',"1,000"\n').replace(",1010\n", ',"1,010.5"\n')
            .replace(",900\n", ',"22,859.6"\n'))
    path = _write_bytes(tmp_path, "thousands.csv", text.encode("utf-8"))
    inputs = _inputs(path, "--cost", "spend", "--outcomes", "income")
    spend = inputs["data"].set_index(["institution", "year"])["spend"]
    assert spend.dtype == float
    assert spend[("Alpha College", 2021)] == 1000.0
    assert spend[("Alpha College", 2022)] == 1010.5
    assert spend[("Beta College", 2021)] == 22859.6
    # by look too: without naming the column, it is still numeric (it used to drop out silently)
    inputs = _inputs(path)
    assert pd.api.types.is_float_dtype(inputs["data"]["spend"])
    assert inputs["notes"] == []


def test_unreadable_number_column_is_reported_not_dropped(tmp_path):
    # half the cells carry a currency sign: not numeric by look, so it is kept as text - with a note
    lines = PANEL.splitlines()
    rows = [line.split(",") for line in lines[1:]]
    for row in rows[:5]:
        row[5] = "$" + row[5]  # income
    text = "\n".join([lines[0], *(",".join(row) for row in rows)]) + "\n"
    path = _write_bytes(tmp_path, "money.csv", text.encode("utf-8"))
    inputs = _inputs(path)
    assert "income" in inputs["data"].columns
    notes = [n for n in inputs["notes"] if "'income'" in n]
    assert len(notes) == 1 and "read as text" in notes[0] and "'$120'" in notes[0] and "row 2" in notes[0]
    # named as an indicator, the same column is an error naming row and column
    rc = main(["report", "--data", str(path), "--indicators-list", "score,income", "--out",
               str(tmp_path / "r.html")])
    assert rc == 2


def test_ambiguous_thousands_in_semicolon_file_is_an_error(tmp_path, capsys):
    text = PANEL.replace(",", ";").replace(";1000\n", ";1,000\n")
    path = _write_bytes(tmp_path, "semi.csv", text.encode("utf-8"))
    rc = main(["report", "--data", str(path), "--sep", ";", "--cost", "spend", "--outcomes", "income",
               "--out", str(tmp_path / "r.html")])
    err = capsys.readouterr().err
    assert rc == 2
    assert "semi.csv" in err and "column 'spend'" in err and "'1,000' could be 1000" in err


# ---------------------------------------------------------------- periods and ids
@pytest.mark.parametrize(("years", "at"), [
    ({"2021": "2021-22", "2022": "2022-23"}, "2022-23"),
    ({"2021": "2021/2022", "2022": "2022/2023"}, "2022/2023"),
])
def test_academic_years_reach_report_as_text(tmp_path, years, at):
    text = PANEL
    for old, new in years.items():
        text = text.replace(f",{old},", f",{new},")
    path = _write_bytes(tmp_path, "academic.csv", text.encode("utf-8"))
    inputs = _inputs(path, "--year", at)
    assert inputs["data"]["year"].tolist()[:2] == list(years.values())
    assert inputs["options"].at == at


def test_text_years_become_numbers(tmp_path):
    path = _write_bytes(tmp_path, "years.csv", PANEL.replace(",2021,", ',"2021",').encode("utf-8"))
    inputs = _inputs(path, "--year", "2021")
    assert inputs["data"]["year"].tolist()[:2] == [2021, 2022]
    assert inputs["options"].at == 2021


def test_latin1_thousands_academic_years_report(tmp_path, capsys):
    text = _rename(PANEL, WESTERN).replace(",2021,", ",2021-22,").replace(",2022,", ",2022-23,")
    text = text.replace(",1000\n", ',"1,000"\n').replace(",1010\n", ',"1,010"\n')
    path = _write_bytes(tmp_path, "western.csv", text.encode("latin-1"))
    out = tmp_path / "western.html"
    rc = main(["report", "--data", str(path), "--institution", "Universität Wien", "--cohort", "tier",
               "--cost", "spend", "--outcomes", "income", *FAST, "--out", str(out)])
    captured = capsys.readouterr()
    assert rc == 0, captured.err
    assert "Report on Universität Wien, year 2022-23 written to" in captured.out
    assert "read as Windows-1252" in captured.out
    html = out.read_text(encoding="utf-8")
    assert "Universität Wien" in html and "鋞" not in html
    assert "2021-22" in html


def test_gb18030_file_report(tmp_path, capsys):
    text = _rename(PANEL, CHINESE).replace(",2021,", ",2021/2022,").replace(",2022,", ",2022/2023,")
    path = _write_bytes(tmp_path, "chinese.csv", text.encode("gb18030"))
    out = tmp_path / "chinese.html"
    rc = main(["report", "--data", str(path), "--institution", "深圳职业技术学院", "--indicators-list",
               "score,ratio", *FAST, "--out", str(out)])
    captured = capsys.readouterr()
    assert rc == 0, captured.err
    assert "深圳职业技术学院" in captured.out and "read as GB18030" in captured.out
    assert "北京工业职业技术学院" in out.read_text(encoding="utf-8")


def test_numeric_ids_in_the_command_line(tmp_path):
    ids = {"Alpha College": "101", "Beta College": "102", "Gamma College": "103", "Delta College": "104",
           "Eps College": "105"}
    path = _write_bytes(tmp_path, "ids.csv", _rename(PANEL, ids).encode("utf-8"))
    inputs = _inputs(path, "--institution", "102")
    # ids stay text as written (no 101.0), and the focus matches them
    assert inputs["data"]["institution"].tolist()[:3] == ["101", "101", "102"]
    assert inputs["focus"] == "102"


def test_integer_ids_in_report(tmp_path):
    from benchmark.reporting import report

    frame = pd.read_csv(__import__("io").StringIO(PANEL))
    ids = {name: 100 + i for i, name in enumerate(frame["institution"].unique())}
    data = frame.assign(institution=frame["institution"].map(ids))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        rep = report(data, 101, path=tmp_path / "ids.html", cohort="tier", inputs=["spend"],
                     outputs=["income", "score"], n_boot=100, n_draws=20, n_tier_boot=0)
    assert rep.focus == 101
    assert "peers" in rep.sections
    html = (tmp_path / "ids.html").read_text(encoding="utf-8")
    assert "101" in html
    assert not [n for n in rep.notes if "left out" in n.lower() and "Efficiency" in n]


def test_periods_without_a_time_order_are_one_line_errors(tmp_path, capsys):
    text = PANEL.replace(",2021,", ",spring,").replace(",2022,", ",autumn,")
    path = _write_bytes(tmp_path, "seasons.csv", text.encode("utf-8"))
    rc = main(["report", "--data", str(path), "--out", str(tmp_path / "r.html")])
    err = capsys.readouterr().err
    assert rc == 2
    assert len(err.splitlines()) == 1
    assert "seasons.csv" in err and "period column 'year'" in err and "'spring'" in err


def test_one_period_in_two_spellings_is_a_one_line_error(tmp_path, capsys):
    text = PANEL.replace("Alpha College,2021,", "Alpha College,2021-22,")
    path = _write_bytes(tmp_path, "spellings.csv", text.encode("utf-8"))
    rc = main(["report", "--data", str(path), "--out", str(tmp_path / "r.html")])
    err = capsys.readouterr().err
    assert rc == 2
    assert "spellings.csv" in err and "'2021-22'" in err and "several ways" in err
