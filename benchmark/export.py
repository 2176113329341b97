"""Paper-ready tables: LaTeX (booktabs three-line), Word (.docx three-line) and labelled Excel.

A result table (any DataFrame the library returns) becomes a *paper table*
first (:func:`paper_table`): indicator codes are replaced by the labels of the
indicator metadata, the library's column names by readable headers in Chinese
or English, numbers are rounded, significant estimates get stars, and a note
explains the stars and names the source. The three writers then lay that
table out:

- :func:`export_latex` - a ``table`` float with a booktabs ``tabular``
  (``\\toprule``, ``\\midrule``, ``\\bottomrule``: the three lines, 三线表)
  and the note under it. Chinese text needs XeLaTeX with ``ctex``.
- :func:`export_docx` - a Word table with only the three horizontal rules
  (python-docx, the optional extra ``word``).
- :func:`export_excel` - one sheet per table with the headers, the rows and
  the note (openpyxl).

Stars follow the usual convention: ``***`` p < 0.01, ``**`` p < 0.05,
``*`` p < 0.1 for a p-value column; for a ``significant`` column (a bootstrap
interval that excludes zero) one ``*`` with the interval named in the note.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from benchmark._i18n import resolve_lang
from benchmark._i18n import t as _t
from benchmark._i18n import using as _using
from benchmark._validation import BenchmarkError, check_frame, validate_params

__all__ = ["COLUMN_HEADERS", "export_docx", "export_excel", "export_latex", "paper_table"]

#: Readable English headers of the columns the analysis functions return; the
#: Chinese headers come from the message table.
COLUMN_HEADERS: dict[str, str] = {
    "institution": "Institution", "indicator": "Indicator", "label": "Indicator",
    "pareto_efficient": "Pareto efficient", "value": "Value", "direction": "Better",
    "cohort_median": "Peers' median", "cohort_q1": "Peers' Q1", "cohort_q3": "Peers' Q3",
    "cohort_best": "Peers' best", "best_entity": "Best peer", "cohort_n": "Peers",
    "gap_median": "Gap", "gap_median_pct": "Gap %", "gap_best": "Gap to best", "gap_best_pct": "Gap to best %",
    "percentile_rank": "Percentile", "robust_z": "Robust z", "efficiency": "Efficiency",
    "efficient": "Efficient", "super_efficiency": "Super-efficiency", "farrell_output": "Farrell output",
    "rank": "Rank", "nominal_rank": "Rank", "median_rank": "Median rank", "score": "Score", "tier": "Tier", "probability": "Probability",
    "completion_ratio": "Completion", "status": "Status", "baseline": "Baseline", "target": "Target",
    "actual": "Actual", "pct_change": "Change", "cagr": "Per year (CAGR)", "slope": "Trend slope",
    "verdict": "Trend", "cost_per_outcome": "Cost per unit", "relative_cost": "Index (peers = 100)",
    "quadrant": "Cost-outcome quadrant", "coef": "Coefficient", "estimate": "Estimate",
    "std_err": "Standard error", "se": "Standard error", "p_value": "p", "ci_low": "Lower bound",
    "ci_high": "Upper bound", "bias_corrected": "Bias-corrected", "n": "n", "weight": "Weight",
    "lambda": "Lambda", "peer": "Peer", "slack_sum": "Slack sum", "reason": "Note",
}

_P_COLUMNS = ("p_value", "pvalue", "p")
_MARK_CANDIDATES = ("gap_median_pct", "gap_median", "estimate", "coef", "value_added", "efficiency")


def _labels(metadata: Any, label_column: str = "label") -> dict[Any, str]:
    if metadata is None:
        return {}
    if isinstance(metadata, Mapping):
        return {k: str(v) for k, v in metadata.items()}
    meta = check_frame(metadata, name="metadata")
    if "indicator" not in meta.columns or label_column not in meta.columns:
        raise BenchmarkError(f"`metadata` needs the columns 'indicator' and {label_column!r} (the display labels); "
                             f"it has {', '.join(map(str, meta.columns))}.")
    rows = meta.dropna(subset=[label_column])
    return dict(zip(rows["indicator"], rows[label_column].astype(str), strict=True))


def _stars(p: float) -> str:
    if not np.isfinite(p):
        return ""
    return "***" if p < 0.01 else "**" if p < 0.05 else "*" if p < 0.1 else ""


def _format(value: Any, digits: int) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return ""
    if isinstance(value, bool | np.bool_):
        return _t("yes") if value else _t("no")
    if isinstance(value, int | np.integer):
        return f"{int(value):,}" if abs(int(value)) >= 10_000 else str(int(value))
    if isinstance(value, float | np.floating):
        if np.isinf(value):
            return "\u221e" if value > 0 else "-\u221e"
        if float(value).is_integer() and abs(value) >= 1000:
            return f"{value:,.0f}"
        return f"{value:,.{digits}f}"
    return _t(str(value))


@validate_params()
def paper_table(
    table: pd.DataFrame,
    *,
    metadata: pd.DataFrame | Mapping[Any, str] | None = None,
    lang: str | None = None,
    digits: int = 3,
    columns: Sequence[str] | None = None,
    significance: str | None = None,
    mark: str | None = None,
    note: str | None = None,
    label_column: str = "label",
) -> tuple[pd.DataFrame, str]:
    """A result table as text cells with readable headers, and its note.

    Parameters
    ----------
    table : DataFrame
        A table returned by the library (or any tidy table).
    metadata : indicator-metadata DataFrame or mapping, optional
        Labels that replace indicator codes, both in an ``indicator`` column
        and in column names.
    lang : {"zh", "en"}, optional
        Language of headers and words (default: Chinese when the labels are).
    digits : int
        Decimals of non-integer numbers (default 3).
    columns : list of str, optional
        Columns to keep, in order (default: all but those used for marks).
    significance : str, optional
        Column with p-values (stars ``*`` / ``**`` / ``***`` at 0.1 / 0.05 /
        0.01) or booleans (``*`` when true). Default: ``p_value`` or
        ``significant`` when present.
    mark : str, optional
        Column whose cells get the stars (default: the gap or estimate column).
    note : str, optional
        Text put before the automatic notes (stars, source).
    label_column : str
        Column of ``metadata`` with the labels (default ``"label"``; e.g.
        ``"label_en"``).

    Returns
    -------
    (DataFrame of str, str)
        The cells (headers as column names) and the note. Columns without
        any value are left out unless named in ``columns``.

    See Also
    --------
    export_latex : the table as booktabs LaTeX.
    export_docx : the table in a Word document.
    export_excel : the tables as Excel sheets.

    Examples
    --------
    >>> gaps = pd.DataFrame({"indicator": ["placement_rate"], "gap_median_pct": [4.2], "significant": [True]})
    >>> cells, note = paper_table(gaps, metadata={"placement_rate": "Graduate placement rate"}, lang="en")
    >>> cells.to_dict("records")
    [{'Indicator': 'Graduate placement rate', 'Gap %': '4.200*'}]
    >>> note.split(". ")[0]
    '* the interval excludes zero'
    """
    frame = check_frame(table, name="table")
    labels = _labels(metadata, label_column)
    if not labels and {"indicator", "label"} <= set(frame.columns):  # tables of the report carry their labels
        labels = dict(zip(frame["indicator"], frame["label"].astype(str), strict=False))
    lang = resolve_lang(lang, labels.values())
    with _using(lang):
        return _paper_table(frame, labels, digits, columns, significance, mark, note)


def _paper_table(frame: pd.DataFrame, labels: dict[Any, str], digits: int, columns: Sequence[str] | None,
                 significance: str | None, mark: str | None, note: str | None) -> tuple[pd.DataFrame, str]:
    from benchmark import __version__

    if significance is None:
        significance = next((c for c in (*_P_COLUMNS, "significant") if c in frame.columns), None)
    elif significance not in frame.columns:
        raise BenchmarkError(f"`significance` column {significance!r} is not in the table; it has "
                             f"{', '.join(map(str, frame.columns))}.")
    if mark is None and significance is not None:
        mark = next((c for c in _MARK_CANDIDATES if c in frame.columns), None)
    if mark is not None and mark not in frame.columns:
        raise BenchmarkError(f"`mark` column {mark!r} is not in the table.")
    keep = list(columns) if columns is not None else [
        c for c in frame.columns if c != significance and not (c == "label" and "indicator" in frame.columns)
        and not frame[c].isna().all()]
    missing = [c for c in keep if c not in frame.columns]
    if missing:
        raise BenchmarkError(f"`columns` names {', '.join(map(str, missing))}, not in the table.")
    shown = frame.reset_index(drop=isinstance(frame.index, pd.RangeIndex))
    cells = pd.DataFrame(index=range(len(shown)))
    for c in keep:
        values = shown[c]
        if c == "indicator":
            text = [labels.get(v, str(v)) for v in values]
        else:
            text = [_format(v, digits) for v in values]
        cells[c] = text
    notes = [note] if note else []
    if significance is not None and mark is not None and mark in keep:
        sig = shown[significance]
        if significance in _P_COLUMNS:
            stars = [_stars(float(p)) if pd.notna(p) else "" for p in sig]
            notes.append(_t("*** p < 0.01, ** p < 0.05, * p < 0.1"))
        else:
            stars = ["*" if (pd.notna(s) and bool(s)) else "" for s in sig]
            notes.append(_t("* the interval excludes zero"))
        cells[mark] = [f"{v}{s}" if v else v for v, s in zip(cells[mark], stars, strict=True)]
    notes.append(_t("Source: computed with benchmark {version}.", version=__version__))
    cells.columns = [_header(c, labels) for c in keep]
    return cells, _t(". ").join(n.rstrip(".。") for n in notes) + _t(".")


def _header(column: Any, labels: dict[Any, str]) -> str:
    if column in labels:
        return labels[column]
    english = COLUMN_HEADERS.get(column)
    return _t(english) if english else str(column)


# ------------------------------------------------------------------ LaTeX
_LATEX_SPECIAL = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
                  "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}


def _tex(text: Any) -> str:
    return "".join(_LATEX_SPECIAL.get(ch, ch) for ch in str(text))


def _numeric_cell(text: str) -> bool:
    core = text.replace(",", "").rstrip("*").replace("\u2212", "-")
    try:
        float(core)
    except ValueError:
        return core in ("", "\u221e", "-\u221e")
    return True


def export_latex(table: pd.DataFrame, path: str | Path | None = None, *, caption: str | None = None,
                 label: str | None = None, **options: Any) -> str:
    r"""A booktabs three-line LaTeX table (三线表) of ``table``; written to ``path`` when given.

    Numeric columns are right-aligned, text columns left-aligned; the note
    (stars, source) goes under the table in small type. Needs
    ``\usepackage{booktabs}``; Chinese text needs XeLaTeX with ``ctex``.
    ``options`` are those of :func:`paper_table`.

    See Also
    --------
    paper_table : the cells, headers and note behind the table.
    export_docx : the same table in Word.
    export_excel : the same table in Excel.

    Examples
    --------
    >>> t = pd.DataFrame({"indicator": ["x_1"], "value": [0.5]})
    >>> print(export_latex(t, lang="en", caption="Example"))  # doctest: +NORMALIZE_WHITESPACE
    \begin{table}[htbp]
    \centering
    \caption{Example}
    \begin{tabular}{lr}
    \toprule
    Indicator & Value \\
    \midrule
    x\_1 & 0.500 \\
    \bottomrule
    \end{tabular}
    \par\smallskip\footnotesize Source: computed with benchmark ...
    \end{table}
    """
    cells, note = paper_table(table, **options)
    align = "".join("r" if len(cells) and all(_numeric_cell(v) for v in cells[c]) else "l" for c in cells.columns)
    lines = [r"\begin{table}[htbp]", r"\centering"]
    if caption:
        lines.append(rf"\caption{{{_tex(caption)}}}")
    if label:
        lines.append(rf"\label{{{label}}}")
    lines += [rf"\begin{{tabular}}{{{align}}}", r"\toprule",
              " & ".join(_tex(c) for c in cells.columns) + r" \\", r"\midrule"]
    lines += [" & ".join(_tex(v) for v in row) + r" \\" for row in cells.itertuples(index=False)]
    lines += [r"\bottomrule", r"\end{tabular}", rf"\par\smallskip\footnotesize {_tex(note)}", r"\end{table}"]
    text = "\n".join(lines) + "\n"
    if path is not None:
        Path(path).write_text(text, encoding="utf-8")
    return text


# ------------------------------------------------------------------ Word
def _border(cell: Any, edge: str, size: int) -> None:
    """Set one border of a Word table cell (size in eighths of a point; 0 removes it)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    props = cell._tc.get_or_add_tcPr()
    borders = props.find(qn("w:tcBorders"))
    if borders is None:
        borders = OxmlElement("w:tcBorders")
        props.append(borders)
    element = OxmlElement(f"w:{edge}")
    element.set(qn("w:val"), "single" if size else "nil")
    if size:
        element.set(qn("w:sz"), str(size))
        element.set(qn("w:space"), "0")
        element.set(qn("w:color"), "000000")
    borders.append(element)


def export_docx(table: pd.DataFrame, path: str | Path, *, caption: str | None = None,
                document: Any = None, **options: Any) -> Path:
    """A Word document with ``table`` as a three-line table (三线表) and its note.

    Only three rules are drawn: a thick one above the header, a thin one
    under it and a thick one under the last row. Numeric cells are
    right-aligned. ``document`` appends to an open ``docx.Document`` (then
    saved to ``path``). Needs python-docx (``pip install "benchmark[word]"``).
    ``options`` are those of :func:`paper_table`.

    See Also
    --------
    paper_table : the cells, headers and note behind the table.
    export_latex : the same table in LaTeX.
    export_excel : the same table in Excel.

    """
    try:
        import docx
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.oxml.ns import qn
        from docx.shared import Pt
    except ImportError:
        raise BenchmarkError("Word export needs python-docx: pip install python-docx "
                             '(or pip install "benchmark[word]").') from None
    cells, note = paper_table(table, **options)
    doc = document if document is not None else docx.Document()
    if caption:
        doc.add_paragraph(caption).alignment = WD_ALIGN_PARAGRAPH.CENTER
    grid = doc.add_table(rows=len(cells) + 1, cols=len(cells.columns))
    numeric = [len(cells) > 0 and all(_numeric_cell(v) for v in cells[c]) for c in cells.columns]
    rows = [list(cells.columns), *cells.itertuples(index=False)]
    for i, values in enumerate(rows):
        for j, value in enumerate(values):
            cell = grid.cell(i, j)
            cell.text = str(value)
            paragraph = cell.paragraphs[0]
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT if numeric[j] else WD_ALIGN_PARAGRAPH.LEFT
            for run in paragraph.runs:
                run.font.size = Pt(10)
                run.font.bold = i == 0
                run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "SimSun")
            for edge in ("left", "right", "insideV", "insideH"):
                _border(cell, edge, 0)
            _border(cell, "top", 12 if i == 0 else 0)
            _border(cell, "bottom", 6 if i == 0 else (12 if i == len(rows) - 1 else 0))
    paragraph = doc.add_paragraph(note)
    for run in paragraph.runs:
        run.font.size = Pt(9)
    target = Path(path)
    doc.save(str(target))
    return target


# ------------------------------------------------------------------ Excel
def export_excel(tables: Mapping[str, pd.DataFrame] | pd.DataFrame, path: str | Path, **options: Any) -> Path:
    """Tables as Excel sheets with readable headers, the rows and the note under them (needs openpyxl).

    ``tables`` maps sheet names to tables (a single DataFrame goes to the
    sheet ``table``). ``options`` are those of :func:`paper_table`; cells
    that hold numbers are written as numbers (stars make a cell text).

    See Also
    --------
    paper_table : the cells, headers and note behind each sheet.
    export_latex : one table in LaTeX.
    export_docx : one table in Word.

    """
    try:
        import openpyxl  # noqa: F401
    except ImportError:
        raise BenchmarkError("Excel export needs openpyxl: pip install openpyxl.") from None
    if isinstance(tables, pd.DataFrame):
        tables = {"table": tables}
    target = Path(path)
    with pd.ExcelWriter(target, engine="openpyxl") as writer:
        for name, frame in tables.items():
            cells, note = paper_table(frame, **options)
            out = cells.map(_excel_value)
            out.to_excel(writer, sheet_name=str(name)[:31], index=False)
            sheet = writer.sheets[str(name)[:31]]
            sheet.cell(row=len(out) + 3, column=1, value=note)
    return target


def _excel_value(text: str) -> Any:
    if text and _numeric_cell(text) and not text.endswith("*") and "\u221e" not in text:
        number = float(text.replace(",", ""))
        return int(number) if number.is_integer() and "." not in text else number
    return text

