"""Base class for analyses that return several tables.

A result is a frozen dataclass whose DataFrame fields are its tables. It knows
how to list them (:meth:`Result.to_frames`), export them (:meth:`to_excel`,
:meth:`to_csv`), turn them into paper tables (:meth:`to_latex` booktabs
three-line table, :meth:`to_docx` Word three-line table, :meth:`to_excel`
with ``metadata=``/``lang=``: labels as headers, significance stars, a note),
state its method with references (:meth:`methods`), summarise itself
(:meth:`summary`) and show itself in a notebook (``_repr_html_``). Subclasses add their own accessors (``peers()``,
``targets()``, ``compare()``...) and their ``plot()``, which imports
:mod:`benchmark.plotting` lazily so analysis code never loads matplotlib.

``summary()`` means one thing on every result: the headline figures of the
analysis as a tidy long table with the columns ``statistic`` and ``value``
(a number or a short text, in an object column so that counts stay
integers), one row per figure. Where a result has one set
of headline figures per period or group, the key columns come first
(``year, statistic, value``). Per-unit and per-indicator tables are never
the summary; they stay in the result's attributes and :meth:`to_frames`.
:func:`headline` and :func:`headline_by` build such tables.
"""

from __future__ import annotations

import dataclasses
import html
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

__all__ = ["Result", "headline", "headline_by"]


def _scalar(value: Any) -> Any:
    """A numpy scalar as the Python number it holds (text and None pass through)."""
    return value.item() if hasattr(value, "item") and getattr(value, "ndim", 1) == 0 else value


def headline(rows: Iterable[tuple[str, Any]]) -> pd.DataFrame:
    """The ``statistic, value`` table of :meth:`Result.summary` from ``(statistic, value)`` pairs."""
    pairs = [(str(name), _scalar(value)) for name, value in rows]
    # object values: counts stay integers next to means and short texts
    return pd.DataFrame({"statistic": [p[0] for p in pairs], "value": pd.Series([p[1] for p in pairs], dtype=object)})


def headline_by(table: pd.DataFrame, keys: Sequence[str], statistics: Sequence[str] | None = None) -> pd.DataFrame:
    """A wide table with one row per key (period, group...) as ``keys..., statistic, value``.

    ``statistics`` picks and orders the columns that become rows (default:
    every column that is not a key); rows keep the order of ``table``, the
    figures of one key together.
    """
    keys = list(keys)
    stats = [c for c in (statistics if statistics is not None else table.columns) if c not in keys]
    stats = [c for c in stats if c in table.columns]
    n = len(table)
    out = pd.DataFrame({k: table[k].to_numpy().repeat(len(stats)) for k in keys})
    for k in keys:  # repeat() turns categoricals and nullable ids into plain arrays: keep the dtype
        out[k] = out[k].astype(table[k].dtype)
    out["statistic"] = stats * n
    values = [_scalar(v) for row in table[stats].itertuples(index=False, name=None) for v in row]
    out["value"] = pd.Series(values, dtype=object)
    return out


@dataclasses.dataclass(frozen=True, repr=False)
class Result:
    """Frozen container of result tables."""

    def to_frames(self) -> dict[str, pd.DataFrame]:
        """Every table of the result as a plain DataFrame, keyed by name."""
        out: dict[str, pd.DataFrame] = {}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if isinstance(value, pd.DataFrame):
                out[f.name] = value
            elif isinstance(value, pd.Series):
                out[f.name] = value.to_frame()
        return out

    def summary(self) -> pd.DataFrame:
        """The headline figures of the analysis: a tidy table with columns ``statistic`` and ``value``.

        One row per headline figure (a number or a short text); results with
        one set of figures per period or group put the key columns first.
        Subclasses choose their figures; this default lists the number of
        rows of each table.
        """
        return headline((f"rows_{name}", len(frame)) for name, frame in self.to_frames().items())

    def to_csv(self, folder: str | Path) -> list[Path]:
        """Write every table to ``folder/<name>.csv`` and return the paths."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        paths = []
        for name, frame in self.to_frames().items():
            p = folder / f"{name}.csv"
            frame.to_csv(p, index=not isinstance(frame.index, pd.RangeIndex))
            paths.append(p)
        return paths

    def to_excel(self, path: str | Path, *, metadata: Any = None, lang: str | None = None,
                 **options: Any) -> Path:
        """Write every table to one sheet of an Excel workbook (needs ``openpyxl``).

        Without ``metadata``, ``lang`` or other options the tables are written
        as they are. With any of them each sheet is a paper table: indicator
        labels and readable headers, rounded numbers, significance stars and a
        note row (see :func:`benchmark.export.export_excel`).
        """
        if metadata is not None or lang is not None or options:
            from benchmark.export import export_excel

            return export_excel(self.to_frames(), path, metadata=metadata, lang=lang, **options)
        path = Path(path)
        with pd.ExcelWriter(path) as writer:
            for name, frame in self.to_frames().items():
                frame.to_excel(writer, sheet_name=name[:31],
                               index=not isinstance(frame.index, pd.RangeIndex))
        return path

    def _table(self, table: str | None) -> pd.DataFrame:
        from benchmark._validation import BenchmarkError

        frames = self.to_frames()
        if not frames:
            raise BenchmarkError(f"{type(self).__name__} holds no table to export.")
        if table is None:
            return next(iter(frames.values()))
        if table not in frames:
            raise BenchmarkError(f"`table` must be one of {', '.join(map(repr, frames))}; got {table!r}.")
        return frames[table]

    def to_latex(self, path: str | Path | None = None, *, table: str | None = None, **options: Any) -> str:
        r"""One table (default the first) as a booktabs three-line LaTeX table; written to ``path`` when given.

        ``options``: ``metadata`` (labels), ``lang``, ``digits``, ``columns``,
        ``significance``, ``mark``, ``note``, ``caption``, ``label`` (see
        :func:`benchmark.export.export_latex`). Needs ``\usepackage{booktabs}`` (and
        XeLaTeX with ``ctex`` for Chinese).
        """
        from benchmark.export import export_latex

        return export_latex(self._table(table), path, **options)

    def to_docx(self, path: str | Path, *, table: str | None = None, **options: Any) -> Path:
        """One table (default the first) as a Word three-line table with its note (needs python-docx).

        ``options`` as for :meth:`to_latex`; ``document=`` appends to an open
        ``docx.Document``.
        """
        from benchmark.export import export_docx

        return export_docx(self._table(table), path, **options)

    def methods(self, lang: str = "en", *, references: bool = True) -> str:
        """A methods paragraph for a paper, with its references, in ``lang`` ("en" or "zh").

        The paragraph names the method, its settings and its sources; with
        ``references`` the full references follow, one per line.
        """
        from benchmark._methods import methods_text
        from benchmark._validation import check_choice

        check_choice(lang, ("en", "zh"), name="lang")
        text, refs = methods_text(type(self).__name__, self._params(), lang)
        if references and refs:
            heading = "References" if lang == "en" else "参考文献"
            text += "\n\n" + heading + ":\n" + "\n".join(refs)
        return text

    def _params(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)
                if not isinstance(getattr(self, f.name), (pd.DataFrame, pd.Series))}

    def __repr__(self) -> str:
        tables = ", ".join(f"{k}[{len(v)}]" for k, v in self.to_frames().items())
        params = ", ".join(f"{k}={v!r}" for k, v in self._params().items())
        return f"{type(self).__name__}({params}; tables: {tables})"

    def _repr_html_(self) -> str:
        title = html.escape(type(self).__name__)
        params = html.escape(", ".join(f"{k}={v!r}" for k, v in self._params().items()))
        summary = self.summary()
        body = summary.to_html(max_rows=20, escape=True) if isinstance(summary, pd.DataFrame) else ""
        tables = html.escape(", ".join(f"{k} ({len(v)} rows)" for k, v in self.to_frames().items()))
        return (f"<div><strong>{title}</strong> <code>{params}</code>{body}"
                f"<p>Tables: {tables}. Use <code>.to_frames()</code> to export.</p></div>")
