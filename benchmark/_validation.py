"""The one gate for inputs, and the exception family.

Every public function checks its arguments here, once, at its entry; inner
functions trust what they are given. Each helper raises a
:class:`BenchmarkError` (or a subclass) whose message names the column,
entity, period or indicator at fault and says how to fix it. No helper
modifies its input.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "BenchmarkError",
    "ColumnError",
    "DuplicateRowError",
    "EmptyDataError",
    "MissingValueError",
    "UnknownEntityError",
    "NonPositiveError",
    "as_list",
    "format_list",
    "row_labels",
    "check_frame",
    "check_columns",
    "check_numeric",
    "check_unique_keys",
    "check_missing",
    "check_finite",
    "check_positive",
    "check_panel",
    "check_entity",
    "check_periods",
    "check_choice",
    "check_count",
    "check_probability",
    "check_random_state",
    "resolve_direction",
    "resolve_indicator_property",
    "direction_sign",
]

#: Direction words accepted in ``direction=``.
DIRECTIONS = ("higher", "lower")

_MAX_LISTED = 5  # how many offending rows a message names before "and N more"


class BenchmarkError(ValueError):
    """Base class of every error raised by ``benchmark`` for bad input."""


class ColumnError(BenchmarkError):
    """A required column is absent, duplicated or of the wrong type."""


class DuplicateRowError(BenchmarkError):
    """Several rows share one (entity, period) key."""


class EmptyDataError(BenchmarkError):
    """The input (or a cohort built from it) has no rows to work with."""


class MissingValueError(BenchmarkError):
    """Missing (NaN/None) or non-finite values where a number is required."""


class UnknownEntityError(BenchmarkError):
    """An entity (institution) that does not occur in the data."""


class NonPositiveError(BenchmarkError):
    """Zero or negative values where a method needs strictly positive ones."""


# ---------------------------------------------------------------- formatting
def format_list(items: Sequence[Any], limit: int = _MAX_LISTED) -> str:
    items = list(items)
    shown = ", ".join(repr(i) if isinstance(i, str) else str(i) for i in items[:limit])
    if len(items) > limit:
        shown += f" and {len(items) - limit} more"
    return shown


def row_labels(data: pd.DataFrame, mask: np.ndarray, keys: Sequence[str]) -> list[str]:
    """Human-readable names of the rows selected by ``mask``."""
    keys = [k for k in keys if k is not None and k in data.columns]
    rows = data.loc[mask]
    if not keys:
        return [f"row {i}" for i in rows.index]
    parts = rows[keys].astype(str)
    labels = parts[keys[0]]
    for k in keys[1:]:
        labels = labels + "/" + parts[k]
    return labels.tolist()


# ---------------------------------------------------------------- basic gates
def as_list(
    value: str | Iterable[str] | None, *, name: str = "indicators", allow_empty: bool = False
) -> list[str]:
    """Return ``value`` as a list of distinct column names.

    A single string becomes a one-element list. ``None`` gives an empty list
    when ``allow_empty`` is true and an error otherwise.

    >>> as_list("score")
    ['score']
    >>> as_list(["a", "b"])
    ['a', 'b']
    """
    if value is None:
        if allow_empty:
            return []
        raise BenchmarkError(f"`{name}` is required: give a column name or a list of column names.")
    if isinstance(value, str) or not isinstance(value, Iterable):
        value = [value]  # type: ignore[list-item]
    out = list(value)
    if not out and not allow_empty:
        raise BenchmarkError(f"`{name}` is empty: give at least one column name.")
    dupes = sorted({str(v) for v in out if out.count(v) > 1})
    if dupes:
        raise ColumnError(f"`{name}` names {format_list(dupes)} more than once; list each column once.")
    return out


def check_frame(data: Any, *, name: str = "data", allow_empty: bool = False) -> pd.DataFrame:
    """Check that ``data`` is a non-empty DataFrame with unique column names."""
    if not isinstance(data, pd.DataFrame):
        raise BenchmarkError(
            f"`{name}` must be a pandas DataFrame, got {type(data).__name__}; "
            "build one with pandas.DataFrame(...) or pandas.read_csv(...)."
        )
    if data.columns.duplicated().any():
        dupes = data.columns[data.columns.duplicated()].unique().tolist()
        raise ColumnError(f"`{name}` has duplicated column names {format_list(dupes)}; rename them.")
    if not allow_empty and len(data) == 0:
        raise EmptyDataError(f"`{name}` has no rows.")
    return data


def check_columns(
    data: pd.DataFrame, columns: Iterable[Hashable], *, name: str = "data", what: str = "column"
) -> None:
    """Raise :class:`ColumnError` naming every column of ``columns`` absent from ``data``."""
    missing = [c for c in columns if c is not None and c not in data.columns]
    if missing:
        hints = []
        for c in missing:
            close = difflib.get_close_matches(str(c), [str(x) for x in data.columns], n=3)
            if close:
                hints.append(f"{c!r} (did you mean {format_list(close)}?)")
            else:
                hints.append(repr(c))
        raise ColumnError(
            f"`{name}` has no {what} {', '.join(hints)}. "
            f"Available columns: {format_list(list(data.columns), 12)}."
        )


def check_numeric(data: pd.DataFrame, columns: Iterable[str], *, name: str = "data") -> None:
    """Raise :class:`ColumnError` for columns that are not numeric (booleans count as numeric)."""
    bad = []
    for c in columns:
        s = data[c]
        if not (pd.api.types.is_numeric_dtype(s) or pd.api.types.is_bool_dtype(s)):
            sample = s.dropna()
            first = pd.to_numeric(sample, errors="coerce")
            offending = sample[first.isna()].head(1).tolist()
            bad.append(f"{c!r} (dtype {s.dtype}" + (f", e.g. {offending[0]!r})" if offending else ")"))
    if bad:
        raise ColumnError(
            f"`{name}` column(s) {', '.join(bad)} must be numeric; "
            "convert them with pandas.to_numeric(...) or drop them from the indicator list."
        )


def check_unique_keys(data: pd.DataFrame, keys: Sequence[str | None], *, name: str = "data") -> None:
    """Raise :class:`DuplicateRowError` when several rows share the same key."""
    keys = [k for k in keys if k is not None]
    if not keys:
        return
    dup = data.duplicated(subset=keys, keep=False).to_numpy()
    if dup.any():
        labels = sorted(set(row_labels(data, dup, keys)))
        n = int(data.loc[dup, keys].drop_duplicates().shape[0])
        raise DuplicateRowError(
            f"`{name}` has {n} duplicated {'/'.join(keys)} key(s): {format_list(labels)}. "
            "Keep one row per key (aggregate or drop the duplicates)."
        )


def check_missing(
    data: pd.DataFrame, columns: Iterable[str], *, keys: Sequence[str | None] = (), name: str = "data",
    hint: str = "fill or drop them first",
) -> None:
    """Raise :class:`MissingValueError` naming the rows and columns with missing values."""
    columns = list(columns)
    if not columns:
        return
    na = data[columns].isna()
    if not na.to_numpy().any():
        return
    parts = []
    for c in columns:
        mask = na[c].to_numpy()
        if mask.any():
            labels = row_labels(data, mask, keys)
            parts.append(f"{c!r} in {int(mask.sum())} row(s) ({format_list(labels)})")
    raise MissingValueError(f"`{name}` has missing values: {'; '.join(parts)}; {hint}.")


def check_finite(
    data: pd.DataFrame, columns: Iterable[str], *, keys: Sequence[str | None] = (), name: str = "data"
) -> None:
    """Raise :class:`MissingValueError` for +/-inf values (NaN is left to :func:`check_missing`)."""
    columns = list(columns)
    parts = []
    for c in columns:
        values = pd.to_numeric(data[c], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        mask = np.isinf(values)
        if mask.any():
            parts.append(f"{c!r} in {int(mask.sum())} row(s) ({format_list(row_labels(data, mask, keys))})")
    if parts:
        raise MissingValueError(
            f"`{name}` has infinite values: {'; '.join(parts)}; replace them with finite numbers or NaN."
        )


def check_positive(
    data: pd.DataFrame, columns: Iterable[str], *, keys: Sequence[str | None] = (), name: str = "data",
    strict: bool = True, why: str = "this method",
) -> None:
    """Raise :class:`NonPositiveError` for values <= 0 (``strict``) or < 0."""
    parts = []
    for c in columns:
        values = data[c].to_numpy(dtype=float, na_value=np.nan)
        mask = values <= 0 if strict else values < 0
        if mask.any():
            parts.append(f"{c!r} in {int(mask.sum())} row(s) ({format_list(row_labels(data, mask, keys))})")
    if parts:
        kind = "zero or negative" if strict else "negative"
        need = "strictly positive" if strict else "non-negative"
        raise NonPositiveError(f"`{name}` has {kind} values: {'; '.join(parts)}; {why} needs {need} values.")


def check_panel(
    data: Any,
    indicators: str | Iterable[str] | None = None,
    *,
    entity: str | None = "institution",
    period: str | None = "year",
    attributes: Iterable[str] = (),
    require_period: bool = True,
    missing: str = "raise",
    positive: bool = False,
    name: str = "data",
) -> tuple[pd.DataFrame, list[str]]:
    """The common gate for panel and cross-section inputs.

    Checks, in this order: a non-empty DataFrame; the entity, period (when
    ``require_period``), attribute and indicator columns are present;
    indicators are numeric; no duplicated (entity, period) rows; no infinite
    values; missing values (``missing="raise"`` raises naming the rows,
    ``"allow"`` lets them through for functions that handle NaN); and, with
    ``positive``, strictly positive indicators.

    Returns the frame (not a copy) and the indicator list.

    >>> df = pd.DataFrame({"institution": ["a", "b"], "year": [2020, 2020], "x": [1.0, 2.0]})
    >>> frame, inds = check_panel(df, "x")
    >>> inds
    ['x']
    """
    frame = check_frame(data, name=name)
    inds = as_list(indicators, allow_empty=True) if indicators is not None else []
    if period is not None and not require_period and period not in frame.columns:
        period = None
    check_columns(frame, [entity] if entity is not None else [], name=name, what="entity column")
    if period is not None:
        check_columns(frame, [period], name=name, what="period column")
    check_columns(frame, list(attributes), name=name)
    check_columns(frame, inds, name=name, what="indicator column")
    clash = [c for c in inds if c in (entity, period)]
    if clash:
        raise ColumnError(f"{format_list(clash)} is the entity/period column and cannot also be an indicator.")
    check_numeric(frame, inds, name=name)
    keys = [k for k in (entity, period) if k is not None]
    check_unique_keys(frame, keys, name=name)
    check_finite(frame, inds, keys=keys, name=name)
    check_choice(missing, ("raise", "allow"), name="missing")
    if missing == "raise":
        check_missing(frame, [entity] if entity else [], keys=keys, name=name)
        check_missing(frame, inds, keys=keys, name=name)
    if positive:
        check_positive(frame, inds, keys=keys, name=name)
    return frame, inds


def check_entity(
    data: pd.DataFrame, focus: Any, *, entity: str = "institution", name: str = "data"
) -> None:
    """Raise :class:`UnknownEntityError` when ``focus`` is not an entity of ``data``,
    suggesting close matches."""
    values = pd.unique(data[entity].dropna())
    if focus in set(values.tolist()):
        return
    close = difflib.get_close_matches(str(focus), [str(v) for v in values], n=3, cutoff=0.5)
    hint = f" Did you mean {format_list(close)}?" if close else ""
    raise UnknownEntityError(f"{entity} {focus!r} does not occur in `{name}` (column {entity!r}).{hint}")


def check_periods(
    data: pd.DataFrame, periods: Iterable[Any], *, period: str = "year", name: str = "data"
) -> None:
    """Raise :class:`BenchmarkError` for periods that do not occur in ``data[period]``."""
    present = set(pd.unique(data[period]).tolist())
    absent = [p for p in periods if p is not None and p not in present]
    if absent:
        span = sorted(present)
        raise BenchmarkError(
            f"{period} {format_list(absent)} not found in `{name}`; "
            f"the data cover {span[0]}..{span[-1]} ({len(span)} distinct values)."
        )


def check_choice(value: Any, options: Sequence[Any], *, name: str) -> Any:
    """Raise :class:`BenchmarkError` unless ``value`` is one of ``options``."""
    if value not in options:
        raise BenchmarkError(f"`{name}` must be one of {format_list(list(options), 20)}; got {value!r}.")
    return value


def check_probability(value: Any, *, name: str = "ci", open_interval: bool = True) -> float:
    """Check a level such as ``ci=0.95`` (strictly between 0 and 1)."""
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise BenchmarkError(f"`{name}` must be a number between 0 and 1; got {value!r}.") from None
    ok = 0 < v < 1 if open_interval else 0 <= v <= 1
    if not ok:
        raise BenchmarkError(f"`{name}` must be between 0 and 1 (e.g. 0.95); got {value!r}.")
    return v


def check_count(value: Any, *, name: str, minimum: int = 1) -> int:
    """Check a count such as ``k=`` or ``n_boot=``: an integer (not a bool) >= ``minimum``.

    >>> check_count(5, name="k")
    5
    """
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < minimum:
        raise BenchmarkError(f"`{name}` must be an integer >= {minimum}; got {value!r}.")
    return int(value)


def check_n_jobs(n_jobs: Any) -> int:
    """Check ``n_jobs=``: a positive integer, or ``-1`` for all cores; returns the worker count.

    >>> check_n_jobs(2)
    2
    """
    if isinstance(n_jobs, bool) or not isinstance(n_jobs, int | np.integer) or n_jobs == 0 or n_jobs < -1:
        raise BenchmarkError(f"`n_jobs` must be a positive integer or -1 (all cores); got {n_jobs!r}.")
    if n_jobs == -1:
        import os

        return os.cpu_count() or 1
    return int(n_jobs)


def check_random_state(random_state: Any) -> np.random.Generator:
    """Turn ``None``, an int, a SeedSequence or a Generator into a Generator."""
    if isinstance(random_state, np.random.Generator):
        return random_state
    if isinstance(random_state, np.random.RandomState):
        return np.random.default_rng(random_state.randint(0, 2**31 - 1))
    try:
        return np.random.default_rng(random_state)
    except (TypeError, ValueError):
        raise BenchmarkError(
            f"`random_state` must be None, an integer seed or a numpy Generator; got {random_state!r}."
        ) from None


# ---------------------------------------------------------------- directions
def _direction_word(value: Any, indicator: str) -> str:
    word = str(value).strip().lower() if value is not None else ""
    aliases = {"higher": "higher", "lower": "lower", "max": "higher", "min": "lower",
               "+": "higher", "-": "lower", "1": "higher", "-1": "lower"}
    if word not in aliases:
        raise BenchmarkError(
            f"direction of {indicator!r} is {value!r}; use 'higher' (higher is better) or 'lower'."
        )
    return aliases[word]


def resolve_indicator_property(
    value: Mapping[str, Any] | pd.DataFrame | str | None,
    indicators: Iterable[str],
    *,
    column: str,
    default: str,
    word: Callable[[Any, str], str],
    choices: str,
) -> dict[str, str]:
    """Turn a per-indicator setting into a validated ``{indicator: word}`` mapping.

    The shared engine behind ``direction=`` and similar settings (an
    indicator's ``kind``): ``value`` may be ``None`` (``default`` for all), one
    word for all indicators, a mapping (indicators it leaves out get
    ``default``; keys that are not among ``indicators`` are an error), or an
    indicator-metadata DataFrame with columns ``indicator`` and ``column``
    (extra rows describing other indicators are fine; every requested
    indicator needs a row). ``word(raw, indicator)`` validates and normalises
    one entry; ``choices`` describes the accepted words in messages.
    """
    inds = list(indicators)
    if value is None:
        return dict.fromkeys(inds, default)
    if isinstance(value, str):
        return dict.fromkeys(inds, word(value, "every indicator"))
    if isinstance(value, pd.DataFrame):
        check_columns(value, ["indicator", column], name=f"{column} (indicator metadata)")
        meta = value.drop_duplicates("indicator", keep="last").set_index("indicator")[column]
        absent = [i for i in inds if i not in meta.index]
        if absent:
            raise BenchmarkError(
                f"indicator metadata has no row for {format_list(absent)}; add rows with their "
                f"{column} ({choices})."
            )
        return {i: word(meta[i], i) for i in inds}
    if isinstance(value, Mapping):
        unknown = [k for k in value if k not in inds]
        if unknown:
            raise BenchmarkError(
                f"`{column}` names {format_list(unknown)}, which are not among the indicators "
                f"analysed ({format_list(inds, 10)})."
            )
        return {i: word(value.get(i, default), i) for i in inds}
    raise BenchmarkError(
        f"`{column}` must be None, {choices}, a mapping {{indicator: {column}}} "
        f"or an indicator-metadata DataFrame; got {type(value).__name__}."
    )


def resolve_direction(
    direction: Mapping[str, str] | pd.DataFrame | str | None, indicators: Iterable[str]
) -> dict[str, str]:
    """Turn ``direction=`` into a validated ``{indicator: "higher"|"lower"}`` mapping.

    ``direction`` may be ``None`` (every indicator "higher"), a single word
    applied to all indicators, a mapping (indicators it leaves out default to
    "higher"; keys that are not among ``indicators`` are an error), or an
    indicator-metadata DataFrame with columns ``indicator`` and ``direction``
    (extra rows describing other indicators are fine; every requested
    indicator must have a row).

    >>> resolve_direction({"ratio": "lower"}, ["score", "ratio"])
    {'score': 'higher', 'ratio': 'lower'}
    """
    return resolve_indicator_property(
        direction, indicators, column="direction", default="higher", word=_direction_word,
        choices="'higher' or 'lower'",
    )


def direction_sign(direction: Mapping[str, str], indicators: Iterable[str]) -> np.ndarray:
    """+1 for "higher is better", -1 for "lower is better", in the order of ``indicators``.

    >>> direction_sign({"a": "higher", "b": "lower"}, ["a", "b"])
    array([ 1., -1.])
    """
    return np.array([1.0 if direction[i] == "higher" else -1.0 for i in indicators])
