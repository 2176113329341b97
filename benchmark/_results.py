"""Base class for analyses that return several tables.

A result is a frozen dataclass whose DataFrame fields are its tables. It knows
how to list them (:meth:`Result.to_frames`), export them (:meth:`to_excel`,
:meth:`to_csv`), summarise itself (:meth:`summary`) and show itself in a
notebook (``_repr_html_``). Subclasses add their own accessors (``peers()``,
``targets()``, ``compare()``...) and their ``plot()``, which imports
:mod:`benchmark.plotting` lazily so analysis code never loads matplotlib.
"""

from __future__ import annotations

import dataclasses
import html
from pathlib import Path
from typing import Any

import pandas as pd

__all__ = ["Result"]


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
        """A one-table overview; subclasses override with something more useful."""
        rows = [{"table": k, "rows": len(v), "columns": ", ".join(map(str, v.columns))}
                for k, v in self.to_frames().items()]
        return pd.DataFrame(rows)

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

    def to_excel(self, path: str | Path) -> Path:
        """Write every table to one sheet of an Excel workbook (needs ``openpyxl``)."""
        path = Path(path)
        with pd.ExcelWriter(path) as writer:
            for name, frame in self.to_frames().items():
                frame.to_excel(writer, sheet_name=name[:31],
                               index=not isinstance(frame.index, pd.RangeIndex))
        return path

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
