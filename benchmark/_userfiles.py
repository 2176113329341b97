"""Reading the user's CSV files for the command line, with one-line errors.

Every problem is reported as an :class:`InputFileError` whose message starts
with the file name and names the row and column at fault: a missing column, a
file written with another separator, a row with too many fields, a value that
is not a number, a duplicated key, an unknown institution (with close
matches). Row numbers count as a spreadsheet does: the header is row 1, the
first data row is row 2.

Files are read as text (UTF-8, with or without a byte-order mark; GB18030 as
used by Chinese spreadsheet exports when the file is not UTF-8), never
executed or unpickled.
"""

from __future__ import annotations

import csv
import difflib
import io
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from benchmark._validation import BenchmarkError, format_list

__all__ = ["InputFileError", "read_csv", "require_columns", "to_numeric", "check_keys", "check_known_entity",
           "read_targets", "read_indicators"]

_OTHER_SEPARATORS = {";": "';' (semicolon)", "\t": "a tab", "|": "'|'"}
_DIRECTIONS = {"higher", "lower", "max", "min", "+", "-", "1", "-1"}


class InputFileError(BenchmarkError):
    """A problem in a file given on the command line (one line, naming file, row and column)."""


def _row(i: int) -> int:
    """Spreadsheet row number of the i-th data row (0-based)."""
    return int(i) + 2


def _decode(path: Path) -> str:
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InputFileError(f"{path}: not a text file in UTF-8 (or GB18030); save it as CSV UTF-8.")


def read_csv(path: str | Path, *, sep: str = ",") -> pd.DataFrame:
    """Read a CSV file as text columns (missing cells as NaN), checking its shape."""
    p = Path(path)
    if not p.is_file():
        raise InputFileError(f"{p}: no such file.")
    text = _decode(p)
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


def to_numeric(frame: pd.DataFrame, columns: Iterable[str], *, path: str | Path) -> pd.DataFrame:
    """Convert ``columns`` to numbers; the first cell that is not a number is an error naming row and column."""
    out = frame.copy()
    for col in columns:
        text = frame[col]
        values = pd.to_numeric(text, errors="coerce")
        bad = text.notna() & values.isna()
        if bad.any():
            i = int(bad.to_numpy().nonzero()[0][0])
            raise InputFileError(f"{path}: row {_row(i)}, column {col!r}: {text.iloc[i]!r} is not a number"
                                 f"{_number_hint(str(text.iloc[i]))}.")
        out[col] = values.astype(float) if values.dtype == object else values
    return out


def _number_hint(value: str) -> str:
    if re.fullmatch(r"-?\d+,\d+", value):
        return " (use a point as decimal separator: 12.5, not 12,5)"
    if re.fullmatch(r"-?\d{1,3}(,\d{3})+(\.\d+)?", value):
        return " (remove the thousands separators)"
    if value.endswith("%"):
        return " (drop the % sign; give the number only)"
    return " (leave the cell empty for a missing value)"


def numeric_columns(frame: pd.DataFrame, exclude: Iterable[str]) -> list[str]:
    """Columns that look numeric: at least 80 % of their non-empty cells are numbers."""
    skip = set(exclude)
    cols = []
    for col in frame.columns:
        if col in skip:
            continue
        text = frame[col].dropna()
        if text.empty:
            continue
        share = pd.to_numeric(text, errors="coerce").notna().mean()
        if share >= 0.8:
            cols.append(col)
    return cols


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
