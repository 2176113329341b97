"""Reading the user's CSV files for the command line, with one-line errors.

Every problem is reported as an :class:`InputFileError` whose message starts
with the file name and names the row and column at fault: a missing column, a
file written with another separator, a row with too many fields, a value that
is not a number, a duplicated key, an unknown institution (with close
matches). Row numbers count as a spreadsheet does: the header is row 1, the
first data row is row 2.

Files are read as text, never executed or unpickled. The encoding is decided
on evidence (:func:`detect_encoding`): UTF-8 (with or without a byte-order
mark) or UTF-16 with a byte-order mark when the bytes decode as such; else
GB18030 (Chinese spreadsheet exports) when the decoded non-ASCII characters
are mostly common Chinese characters; else Windows-1252 / Latin-1 (Western
European exports). Numbers may carry thousands separators ("22,859.6",
"1,234"); a column whose cells cannot all be read as numbers is an error or a
note, never silently left out.
"""

from __future__ import annotations

import codecs
import csv
import difflib
import io
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from benchmark._validation import BenchmarkError, format_list

__all__ = [
    "InputFileError",
    "check_keys",
    "check_known_entity",
    "detect_encoding",
    "numeric_columns",
    "parse_numbers",
    "read_csv",
    "read_indicators",
    "read_targets",
    "require_columns",
    "to_numeric",
    "unread_number_columns",
]

_OTHER_SEPARATORS = {";": "';' (semicolon)", "\t": "a tab", "|": "'|'"}
_DIRECTIONS = {"higher", "lower", "max", "min", "+", "-", "1", "-1"}
#: GB18030 is chosen when at least this share of the decoded non-ASCII characters is in
#: GB2312 (the 6,763 common characters and the punctuation of Chinese text). Western
#: text misread as GB18030 pairs an accented letter with the next ASCII byte into
#: rare extension characters, so its share is close to 0.
_GB2312_SHARE = 0.5
_GROUPED = re.compile(r"[+-]?[1-9]\d{0,2}(,\d{3})+(\.\d*)?")  # 1,234 / 22,859.6 / -1,234,567
_COMMA = re.compile(r"[+-]?\d+,\d+")


class InputFileError(BenchmarkError):
    """A problem in a file given on the command line (one line, naming file, row and column)."""


def _row(i: int) -> int:
    """Spreadsheet row number of the i-th data row (0-based)."""
    return int(i) + 2


def detect_encoding(raw: bytes) -> str:
    """The encoding of a CSV file's bytes: "utf-16", "utf-8-sig", "gb18030", "cp1252" or "latin-1".

    >>> detect_encoding("Universität".encode("latin-1"))
    'cp1252'
    >>> detect_encoding("深圳职业技术学院".encode("gb18030"))
    'gb18030'
    """
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if _decodes(raw, "utf-8-sig") is not None:
        return "utf-8-sig"
    text = _decodes(raw, "gb18030")
    if text is not None and _mostly_common_chinese(text):
        return "gb18030"
    return "cp1252" if _decodes(raw, "cp1252") is not None else "latin-1"


def _decodes(raw: bytes, encoding: str) -> str | None:
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError:
        return None


def _mostly_common_chinese(text: str) -> bool:
    wide = [ch for ch in text if ord(ch) > 127]
    if not wide:
        return True  # pure ASCII: any reading gives the same text
    common = 0
    for ch in wide:
        try:
            ch.encode("gb2312")
        except UnicodeEncodeError:
            continue
        common += 1
    return common / len(wide) >= _GB2312_SHARE


_ENCODING_NAMES = {"utf-8-sig": "UTF-8", "utf-16": "UTF-16", "gb18030": "GB18030", "cp1252": "Windows-1252",
                   "latin-1": "Latin-1"}


def _decode(path: Path) -> tuple[str, str]:
    raw = path.read_bytes()
    if raw.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):  # xlsx (zip) or xls
        raise InputFileError(f"{path}: this is a spreadsheet workbook, not a CSV file; save it as "
                             "CSV UTF-8 (File > Save As) and pass that file.")
    encoding = detect_encoding(raw)
    text = raw.decode(encoding)
    if "\x00" in text:
        raise InputFileError(f"{path}: not a text file (it contains NUL bytes); save it as CSV UTF-8.")
    return text, encoding


def read_csv(path: str | Path, *, sep: str = ",") -> pd.DataFrame:
    """Read a CSV file as text columns (missing cells as NaN), checking its shape.

    The encoding found (see :func:`detect_encoding`) is kept in ``frame.attrs["encoding"]``.
    """
    p = Path(path)
    if not p.is_file():
        raise InputFileError(f"{p}: no such file.")
    text, encoding = _decode(p)
    if not text.strip():
        raise InputFileError(f"{p}: the file is empty; it needs a header row and one row per record.")
    header = next(csv.reader(io.StringIO(text), delimiter=sep), [])
    _check_header(p, header, sep)
    try:
        frame = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, skipinitialspace=True)
    except pd.errors.ParserError as exc:
        raise InputFileError(_parser_message(p, str(exc), sep, len(header))) from None
    if frame.empty:
        raise InputFileError(f"{p}: the file has a header but no data rows.")
    frame.columns = [str(c).strip() for c in frame.columns]
    for col in frame.columns:
        frame[col] = frame[col].str.strip()
    frame.attrs["encoding"] = _ENCODING_NAMES[encoding]
    frame.attrs["sep"] = sep
    return frame


def _check_header(path: Path, header: list[str], sep: str) -> None:
    if len(header) == 1:
        for other, name in _OTHER_SEPARATORS.items():
            if other != sep and other in header[0]:
                hint = "--sep ';'" if other == ";" else ("--sep tab" if other == "\t" else f"--sep '{other}'")
                raise InputFileError(
                    f"{path}: row 1 is one single column ({header[0][:50]!r}): the file seems to be separated "
                    f"by {name}, not {_sep_name(sep)}; save it comma-separated or pass {hint}.")
    names = [h.strip() for h in header]
    empty = [i + 1 for i, h in enumerate(names) if not h]
    if empty:
        raise InputFileError(f"{path}: row 1 has an empty column name in column {empty[0]}; "
                             "give every column a name.")
    dupes = sorted({h for h in names if names.count(h) > 1})
    if dupes:
        raise InputFileError(f"{path}: row 1 names column {format_list(dupes)} more than once; rename one of them.")


def _sep_name(sep: str) -> str:
    return {",": "',' (comma)", **_OTHER_SEPARATORS}.get(sep, repr(sep))


def _parser_message(path: Path, message: str, sep: str, n_header: int) -> str:
    found = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", message)
    if found:
        expected, line, saw = (int(g) for g in found.groups())
        return (f"{path}: row {line} has {saw} fields but the header has {expected}; a value probably contains "
                f"the separator {_sep_name(sep)} - put that value in double quotes or remove the extra "
                "separator.")
    if "EOF inside string" in message or "EOF" in message:
        line = re.search(r"line (\d+)", message)
        where = f"row {line.group(1)}" if line else "a row"
        return f"{path}: {where} opens a double quote that is never closed; close or remove it."
    return f"{path}: cannot be read as CSV ({message.strip().splitlines()[-1]})."


def require_columns(frame: pd.DataFrame, columns: Iterable[str | None], *, path: str | Path, what: str = "",
                    option: str = "") -> None:
    """Error naming the first absent column, with close matches and the columns present."""
    for col in columns:
        if col is None or col in frame.columns:
            continue
        close = difflib.get_close_matches(str(col), [str(c) for c in frame.columns], n=3, cutoff=0.6)
        hint = f" Did you mean {format_list(close)}?" if close else ""
        role = f" ({what})" if what else ""
        opt = f" or name the right column with {option}" if option else ""
        raise InputFileError(f"{path}: no column {col!r}{role}.{hint} Columns are: "
                             f"{format_list(list(frame.columns), 12)}; add it{opt}.")


def parse_numbers(text: pd.Series, *, sep: str = ",") -> tuple[pd.Series, str | None]:
    """Numbers from one text column, thousands separators included; and why they are ambiguous, if so.

    A comma is read as a thousands separator when the column shows it is one:
    a value with two groups ("1,234,567") or a decimal point ("22,859.6"), a
    decimal point elsewhere in the column, or a comma-separated file (where a
    spreadsheet quotes such values). In a file separated by something else a
    lone "1,234" could mean 1.234 and is reported as ambiguous. Cells that are
    not numbers become NaN (the caller reports them).

    >>> parse_numbers(pd.Series(["22,859.6", "1,234", "7"]))[0].tolist()
    [22859.6, 1234.0, 7.0]
    """
    cells = text.astype("str").str.strip()
    grouped = cells.str.fullmatch(_GROUPED.pattern).fillna(False).to_numpy(dtype=bool)
    commas = cells.str.fullmatch(_COMMA.pattern).fillna(False).to_numpy(dtype=bool)
    problem = None
    if grouped.any():
        decimal_comma = commas & ~grouped  # "66,5", "0,25": the comma is a decimal separator
        evidence = (sep == "," or cells[grouped].str.contains(r"\.|,\d{3},", regex=True).any()
                    or cells[~grouped].str.contains(".", regex=False).fillna(False).any())
        if decimal_comma.any():
            grouped = np.zeros_like(grouped)  # leave them unparsed: the caller names the decimal commas
        elif evidence:
            cells = cells.where(~grouped, cells.str.replace(",", "", regex=False))
        else:
            example = str(cells[grouped].iloc[0])
            problem = (f"{example!r} could be {example.replace(',', '')} (thousands separator) or "
                       f"{example.replace(',', '.')} (decimal comma)")
            grouped = np.zeros_like(grouped)
    values = pd.to_numeric(cells.where(~(commas & ~grouped)), errors="coerce")
    if pd.api.types.is_integer_dtype(values) and values.notna().all():
        return values.astype("int64"), problem  # whole numbers such as years stay integers
    return values.astype("float64"), problem


def to_numeric(frame: pd.DataFrame, columns: Iterable[str], *, path: str | Path) -> pd.DataFrame:
    """Convert ``columns`` to numbers; the first cell that is not a number is an error naming row and column."""
    out = frame.copy()
    sep = frame.attrs.get("sep", ",")
    for col in columns:
        text = frame[col]
        values, problem = parse_numbers(text, sep=sep)
        if problem is not None:
            raise InputFileError(f"{path}: column {col!r}: {problem}; write numbers without thousands "
                                 "separators, or with a decimal point somewhere in the column.")
        bad = text.notna() & values.isna()
        if bad.any():
            i = int(bad.to_numpy().nonzero()[0][0])
            raise InputFileError(f"{path}: row {_row(i)}, column {col!r}: {text.iloc[i]!r} is not a number"
                                 f"{_number_hint(str(text.iloc[i]))}.")
        out[col] = values
    return out


def _number_hint(value: str) -> str:
    if re.fullmatch(r"-?\d+,\d+", value):
        return " (use a point as decimal separator: 12.5, not 12,5)"
    if value.endswith("%"):
        return " (drop the % sign; give the number only)"
    return " (leave the cell empty for a missing value)"


def numeric_columns(frame: pd.DataFrame, exclude: Iterable[str]) -> list[str]:
    """Columns that look numeric: at least 80 % of their non-empty cells are numbers."""
    skip = set(exclude)
    sep = frame.attrs.get("sep", ",")
    cols = []
    for col in frame.columns:
        if col in skip:
            continue
        text = frame[col].dropna()
        if text.empty:
            continue
        share = parse_numbers(text, sep=sep)[0].notna().mean()
        if share >= 0.8:
            cols.append(col)
    return cols


def unread_number_columns(frame: pd.DataFrame, exclude: Iterable[str]) -> list[str]:
    """Notes on text columns that look like numbers (most cells hold digits) but cannot be read as such.

    They are kept as text attributes, so they are not analysed; the note says
    why, with the first cell at fault.
    """
    skip = set(exclude)
    sep = frame.attrs.get("sep", ",")
    notes = []
    for col in frame.columns:
        text = frame[col]
        filled = text.dropna()
        if col in skip or filled.empty or not filled.str.contains(r"\d", regex=True).mean() >= 0.5:
            continue
        values, problem = parse_numbers(text, sep=sep)
        bad = (text.notna() & values.isna()).to_numpy().nonzero()[0]
        if problem is None and not len(bad):
            continue
        why = problem or (f"row {_row(bad[0])} holds {text.iloc[bad[0]]!r}"
                          f"{_number_hint(str(text.iloc[bad[0]]))}")
        notes.append(f"column {col!r} is read as text, not analysed: {why}; fix the cells or list the column "
                     "in --indicators-list to see every problem.")
    return notes


def check_keys(frame: pd.DataFrame, keys: Sequence[str], *, path: str | Path) -> None:
    """Every row has its key cells, and no two rows share a key."""
    for key in keys:
        empty = frame[key].isna().to_numpy().nonzero()[0]
        if len(empty):
            raise InputFileError(f"{path}: row {_row(empty[0])}, column {key!r} is empty; every row needs it.")
    dup = frame.duplicated(subset=list(keys), keep=False).to_numpy().nonzero()[0]
    if len(dup):
        first = frame.iloc[dup[0]]
        same = [i for i in dup if (frame.iloc[i][list(keys)] == first[list(keys)]).all()]
        what = ", ".join(f"{k} {_plain(first[k])!r}" for k in keys)
        raise InputFileError(f"{path}: rows {_row(same[0])} and {_row(same[1])} both hold {what}; keep one row "
                             f"per {' and '.join(keys)}.")


def _plain(value: Any) -> Any:
    """A numpy scalar as the Python number it holds (for messages)."""
    return value.item() if hasattr(value, "item") else value


def check_known_entity(value: Any, known: Iterable[Any], *, path: str | Path, column: str,
                       where: str = "") -> None:
    """Error for a name absent from ``known``, suggesting close matches."""
    names = [str(k) for k in dict.fromkeys(known)]
    if str(value) in names:
        return
    close = difflib.get_close_matches(str(value), names, n=3, cutoff=0.5)
    hint = f" Did you mean {format_list(close)}?" if close else ""
    raise InputFileError(f"{path}: {where}{column} {value!r} does not occur in column {column!r}.{hint}")


def read_targets(path: str | Path, *, entity: str, period: str | None, data: pd.DataFrame, data_path: str | Path,
                 sep: str = ",") -> pd.DataFrame:
    """The targets file: entity and indicator columns, numeric targets, known entities and indicators."""
    frame = read_csv(path, sep=sep)
    require_columns(frame, [entity, "indicator"], path=path, what="targets need an entity and an indicator")
    wide = [c for c in frame.columns if re.fullmatch(r"target_.+", c)]
    long = "target" in frame.columns and period is not None and period in frame.columns
    if not wide and not long:
        raise InputFileError(f"{path}: no target columns; give 'target_<{period or 'period'}>' columns (e.g. "
                             f"target_2023) or a 'target' column with a {period or 'period'!r} column.")
    numeric = [c for c in ["baseline", *wide, "target"] if c in frame.columns]
    if period is not None:
        numeric += [c for c in (f"baseline_{period}", *([period] if long else [])) if c in frame.columns]
    frame = to_numeric(frame, numeric, path=path)
    check_keys(frame, [entity, "indicator"] + ([period] if long else []), path=path)
    known = set(data[entity].astype(str))
    for i, name in enumerate(frame[entity].astype(str)):
        if name not in known:
            check_known_entity(name, data[entity].astype(str), path=path, column=entity, where=f"row {_row(i)}: ")
    for i, ind in enumerate(frame["indicator"].astype(str)):
        if ind not in data.columns:
            close = difflib.get_close_matches(ind, [str(c) for c in data.columns], n=3, cutoff=0.6)
            hint = f" Did you mean {format_list(close)}?" if close else ""
            raise InputFileError(f"{path}: row {_row(i)}, column 'indicator': {ind!r} is not a column of "
                                 f"{data_path}.{hint}")
    return frame


def read_indicators(path: str | Path, *, data: pd.DataFrame, data_path: str | Path,
                    sep: str = ",") -> tuple[pd.DataFrame, list[str]]:
    """The indicator-metadata file; returns the table and notes about rows that describe absent columns."""
    frame = read_csv(path, sep=sep)
    require_columns(frame, ["indicator"], path=path, what="one row per indicator")
    check_keys(frame, ["indicator"], path=path)
    if "direction" in frame.columns:
        for i, value in enumerate(frame["direction"]):
            if pd.notna(value) and str(value).strip().lower() not in _DIRECTIONS:
                raise InputFileError(f"{path}: row {_row(i)}, column 'direction': {value!r} is not 'higher' or "
                                     "'lower' (which way is better).")
        frame["direction"] = frame["direction"].fillna("higher")
    if "weight" in frame.columns:
        frame = to_numeric(frame, ["weight"], path=path)
    if "role" in frame.columns:
        roles = {"input", "output", "cost", "context"}
        for i, value in enumerate(frame["role"]):
            if pd.notna(value) and str(value).strip().lower() not in roles:
                raise InputFileError(f"{path}: row {_row(i)}, column 'role': {value!r} is not one of "
                                     "input, output, cost, context.")
    notes = []
    absent = []
    columns = [str(c) for c in data.columns]
    for i, ind in enumerate(frame["indicator"].astype(str)):
        if ind in columns:
            continue
        close = difflib.get_close_matches(ind, columns, n=3, cutoff=0.8)
        if close:
            raise InputFileError(f"{path}: row {_row(i)}, column 'indicator': {ind!r} is not a column of "
                                 f"{data_path}. Did you mean {format_list(close)}?")
        absent.append(ind)
    if absent:
        notes.append(f"{path}: {format_list(absent)} described but not in {data_path}; ignored.")
    return frame, notes
