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
    "check_column_name",
    "check_hashable",
    "check_n_jobs",
    "as_float_columns",
    "period_ordinals",
    "sorted_periods",
    "validate_params",
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
        if isinstance(s.dtype, pd.CategoricalDtype):
            s = pd.Series(s.cat.categories)
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

    Returns the frame and the indicator list. The frame is ``data`` itself
    unless an indicator has a nullable, boolean or categorical dtype; then it
    is a shallow copy with those columns as float64 (pd.NA -> NaN), see
    :func:`as_float_columns`. Rows missing their entity or period are always
    an error, whatever ``missing`` says.

    >>> df = pd.DataFrame({"institution": ["a", "b"], "year": [2020, 2020], "x": [1.0, 2.0]})
    >>> frame, inds = check_panel(df, "x")
    >>> inds
    ['x']
    """
    frame = check_frame(data, name=name)
    check_column_name(entity, name="entity")
    check_column_name(period, name="period")
    inds = as_list(indicators, allow_empty=True) if indicators is not None else []
    _columns(inds, "indicators")
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
    # a row without its entity or period would form a group of its own: never allowed
    check_missing(frame, keys, keys=keys, name=name, hint="every row needs its entity and period")
    if missing == "raise":
        check_missing(frame, inds, keys=keys, name=name)
    frame = as_float_columns(frame, inds)
    if positive:
        check_positive(frame, inds, keys=keys, name=name)
    return frame, inds


def check_entity(
    data: pd.DataFrame, focus: Any, *, entity: str = "institution", name: str = "data"
) -> None:
    """Raise :class:`UnknownEntityError` when ``focus`` is not an entity of ``data``,
    suggesting close matches."""
    check_hashable(focus, name="focus", what="one entity")
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
    """Check a level such as ``ci=0.95`` (strictly between 0 and 1); text and booleans are rejected."""
    if isinstance(value, str | bool | np.bool_) or value is None:
        raise BenchmarkError(f"`{name}` must be a number between 0 and 1; got {value!r}.")
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
    _random_state(random_state, "random_state")
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


# ---------------------------------------------------------------- column names
def check_column_name(value: Any, *, name: str) -> None:
    """Raise :class:`BenchmarkError` unless ``value`` can name one column (a string or other scalar).

    ``entity=["institution"]`` is a common slip: a list names several columns,
    and these parameters take one.

    >>> check_column_name("year", name="period")
    >>> check_column_name(["year"], name="period")
    Traceback (most recent call last):
    ...
    benchmark._validation.BenchmarkError: `period` must be one column name (a string); got a list ['year']. ...
    """
    if value is None or isinstance(value, str | int | np.integer):
        return
    if isinstance(value, list | tuple | set | dict | pd.Series | pd.Index | np.ndarray | pd.DataFrame):
        shown = list(value)[:3] if not isinstance(value, pd.DataFrame) else list(value.columns)[:3]
        raise BenchmarkError(
            f"`{name}` must be one column name (a string); got a {type(value).__name__} {shown!r}. "
            f"Pass the name itself, e.g. {name}={shown[0]!r}." if shown else
            f"`{name}` must be one column name (a string); got an empty {type(value).__name__}.")
    try:
        hash(value)
    except TypeError:
        raise BenchmarkError(
            f"`{name}` must be one column name (a string); got {type(value).__name__}.") from None


def check_hashable(value: Any, *, name: str, what: str = "an entity") -> None:
    """Raise :class:`BenchmarkError` when ``value`` cannot be one id (e.g. a list where one name is meant)."""
    if isinstance(value, list | tuple | set | dict | np.ndarray | pd.Series | pd.Index | pd.DataFrame):
        shown = list(value)[:3] if not isinstance(value, pd.DataFrame) else []
        hint = f" Pass {shown[0]!r} itself." if len(shown) == 1 else ""
        raise BenchmarkError(f"`{name}` must be {what} (one value); got a {type(value).__name__} {shown!r}.{hint}")
    try:
        hash(value)
    except TypeError:
        raise BenchmarkError(f"`{name}` must be {what} (one value); got {type(value).__name__}.") from None


# ---------------------------------------------------------------- numeric columns
def _needs_float(series: pd.Series) -> bool:
    dtype = series.dtype
    return not (isinstance(dtype, np.dtype) and dtype.kind in "fiu")


def as_float_columns(data: pd.DataFrame, columns: Iterable[str]) -> pd.DataFrame:
    """``data`` with ``columns`` as plain float64 (pd.NA -> NaN), copying only when needed.

    Nullable ``Float64``/``Int64``, ``boolean`` and numeric ``category``
    columns are legitimate input; numpy code downstream sees float64 with NaN,
    so every module computes on the same values. Other columns and the index
    are untouched (a shallow copy shares them); ``data`` itself is never
    modified.

    >>> df = pd.DataFrame({"x": pd.array([1, None], dtype="Int64")})
    >>> as_float_columns(df, ["x"])["x"].tolist()
    [1.0, nan]
    """
    cols = [c for c in columns if _needs_float(data[c])]
    if not cols:
        return data
    out = data.copy(deep=False)
    for c in cols:
        s = data[c]
        if isinstance(s.dtype, pd.CategoricalDtype):
            s = s.astype(s.cat.categories.dtype if s.cat.categories.dtype.kind in "fiub" else object)
        out[c] = pd.to_numeric(s, errors="coerce").astype("float64") if s.dtype == object else \
            s.astype("Float64").to_numpy(dtype="float64", na_value=np.nan)
    return out


# ---------------------------------------------------------------- periods
_YEAR = r"\s*(\d{4})\s*"
_ACADEMIC_SEPARATORS = "-/–—_"


def _parse_period_text(text: str) -> float | None:
    """A year ("2021") or an academic year ("2019-20", "2019/2020", "2019-2020") as its first year."""
    import re

    t = text.strip()
    if re.fullmatch(r"[+-]?\d+(\.\d+)?", t):
        return float(t)
    m = re.fullmatch(r"(\d{4})\s*[" + _ACADEMIC_SEPARATORS + r"]\s*(\d{2}|\d{4})", t)
    if m:
        start, end = int(m.group(1)), m.group(2)
        follows = (start + 1) % 100 == int(end) if len(end) == 2 else int(end) == start + 1
        if follows:
            return float(start)
    return None


def _datetime_ordinals(ts: pd.DatetimeIndex) -> np.ndarray:
    """Dates in the unit their spacing shows: years when all fall on one day of the year, months
    when all fall on one day of the month, otherwise days."""
    if (ts.month == ts.month[0]).all() and (ts.day == ts.day[0]).all():
        return ts.year.to_numpy(dtype=float)
    if (ts.day == ts.day[0]).all():
        return (ts.year.to_numpy() * 12 + ts.month.to_numpy() - 1).astype(float)
    return (ts.normalize() - pd.Timestamp("1970-01-01")).days.to_numpy(dtype=float)


def period_ordinals(values: Any, *, column: str = "year") -> np.ndarray:
    """Positions of period values in period units, so that elapsed time is a difference.

    The rule, applied to the distinct values of a period column:

    - numbers are used as they are (years, or any evenly meant scale);
    - text holding a number ("2021") is that number; an academic year
      ("2019-20", "2019/2020", "2019-2020") is its first calendar year;
    - dates (``datetime64``, ``pd.Period``, ISO text such as "2021-09-01")
      count in years when every date falls on the same day of the year, in
      months when every date falls on the same day of the month, otherwise in
      days;
    - anything else (labels such as "spring" or "wave 2") has no known spacing
      and raises :class:`BenchmarkError`: give numbers or dates instead.

    Booleans are rejected. Missing values are the caller's concern (the gate
    rejects rows without a period before this is called).

    >>> period_ordinals(pd.Series(["2019-20", "2020-21", "2022-23"])).tolist()
    [2019.0, 2020.0, 2022.0]
    >>> period_ordinals(pd.to_datetime(pd.Series(["2020-09-01", "2021-09-01"]))).tolist()
    [2020.0, 2021.0]
    """
    s = pd.Series(values) if not isinstance(values, pd.Series) else values
    if isinstance(s.dtype, pd.CategoricalDtype):
        s = s.astype(s.cat.categories.dtype if s.cat.categories.dtype.kind in "fiuM" else object)
    if pd.api.types.is_bool_dtype(s):
        raise BenchmarkError(f"period column {column!r} holds booleans; periods must be numbers, years or dates.")
    if pd.api.types.is_numeric_dtype(s):
        return s.astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    if isinstance(s.dtype, pd.PeriodDtype):
        return _datetime_ordinals(pd.DatetimeIndex(s.dt.start_time))
    if pd.api.types.is_datetime64_any_dtype(s):
        return _datetime_ordinals(pd.DatetimeIndex(s))
    uniques = pd.unique(s)
    parsed: dict[Any, float] = {}
    bad: list[Any] = []
    for v in uniques:
        if isinstance(v, bool | np.bool_):
            bad.append(v)
        elif isinstance(v, int | float | np.integer | np.floating):
            parsed[v] = float(v)
        elif isinstance(v, str):
            number = _parse_period_text(v)
            if number is None:
                bad.append(v)
            else:
                parsed[v] = number
        elif isinstance(v, pd.Timestamp | pd.Period):
            bad.append(v)
        else:
            bad.append(v)
    if bad:
        dates = _maybe_dates(s)
        if dates is not None:
            return dates
        raise BenchmarkError(
            f"period column {column!r} has values whose spacing cannot be known: {format_list(bad)}. "
            "Periods must be numbers (2021), text years ('2021'), academic years ('2019-20', "
            "'2019/2020') or dates; recode the column, e.g. with a mapping to years.")
    return s.map(parsed).to_numpy(dtype=float)


def _maybe_dates(s: pd.Series) -> np.ndarray | None:
    """ISO dates or pandas Timestamps/Periods in an object column, else None."""
    try:
        if all(isinstance(v, pd.Period) for v in s):
            return _datetime_ordinals(pd.DatetimeIndex([v.start_time for v in s]))
        ts = pd.to_datetime(s, format="ISO8601")
    except (ValueError, TypeError):
        return None
    return _datetime_ordinals(pd.DatetimeIndex(ts))


def sorted_periods(values: Any, *, column: str = "year") -> tuple[np.ndarray, pd.Index, np.ndarray]:
    """Factorise a period column in time order.

    Returns ``(codes, periods, positions)``: each row's code into ``periods``
    (distinct values ordered by :func:`period_ordinals`) and each distinct
    period's position in period units. Two spellings of one period ("2021"
    and 2021) are an error.
    """
    s = pd.Series(values) if not isinstance(values, pd.Series) else values
    codes, uniques = pd.factorize(s, sort=False)
    uniq = pd.Series(uniques) if not isinstance(uniques, pd.Categorical) else pd.Series(uniques)
    pos = period_ordinals(uniq, column=column)
    if len(np.unique(pos)) < len(pos):
        dup = pd.Series(pos).duplicated(keep=False).to_numpy()
        raise BenchmarkError(
            f"period column {column!r} spells one period in several ways: {format_list(list(uniq[dup]))}; "
            "use one spelling per period.")
    order = np.argsort(pos, kind="stable")
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    periods = pd.Index(uniq.to_numpy()[order] if not isinstance(uniq.dtype, pd.CategoricalDtype)
                       else uniq.iloc[order].array, name=None)
    return rank[codes], periods, pos[order]


# ---------------------------------------------------------------- declared parameter constraints
Check = Callable[[Any, str], None]


def options(*values: Any, none: bool = False) -> Check:
    """Constraint: one of ``values`` (or None when ``none``)."""
    def check(value: Any, name: str) -> None:
        if value is None and none:
            return
        try:
            ok = value in values
        except TypeError:
            ok = False
        if not ok or isinstance(value, bool) != any(isinstance(v, bool) for v in values if v == value):
            raise BenchmarkError(f"`{name}` must be one of {format_list(list(values), 20)}; got {value!r}.")
    return check


def interval(low: float | None = None, high: float | None = None, *, closed: str = "both",
             integer: bool = False, none: bool = False) -> Check:
    """Constraint: a real (or ``integer``) number within ``[low, high]`` (``closed`` says which ends count)."""
    lo_ok = closed in ("both", "left")
    hi_ok = closed in ("both", "right")

    def check(value: Any, name: str) -> None:
        if value is None and none:
            return
        kinds = (int, np.integer) if integer else (int, float, np.integer, np.floating)
        number = isinstance(value, kinds) and not isinstance(value, bool)
        inside = number and np.isfinite(value) and (
            low is None or (value >= low if lo_ok else value > low)) and (
            high is None or (value <= high if hi_ok else value < high))
        if not inside:
            what = "an integer" if integer else "a number"
            span = f"{'[' if lo_ok else '('}{'-inf' if low is None else low}, " \
                   f"{'inf' if high is None else high}{']' if hi_ok else ')'}"
            raise BenchmarkError(f"`{name}` must be {what} in {span}; got {value!r}.")
    return check


def instance(*types: type, none: bool = False, what: str | None = None) -> Check:
    """Constraint: an instance of ``types`` (booleans are not integers here)."""
    def check(value: Any, name: str) -> None:
        if value is None and none:
            return
        if isinstance(value, bool) and bool not in types:
            ok = False
        else:
            ok = isinstance(value, types)
        if not ok:
            wanted = what or " or ".join(t.__name__ for t in types)
            raise BenchmarkError(f"`{name}` must be {wanted}; got {type(value).__name__} {value!r}.")
    return check


#: The one option set of ``missing=``: stop at missing values, leave their rows out
#: and report them, or keep them for a method that handles them itself.
MISSING = ("raise", "drop", "allow")


def missing_options(*supported: str) -> Check:
    """Constraint for ``missing=``: one of :data:`MISSING` that this function supports."""
    unknown = [s for s in supported if s not in MISSING]
    if unknown:
        raise TypeError(f"missing= options must come from {MISSING}; got {unknown}")

    def check(value: Any, name: str) -> None:
        if not isinstance(value, str) or value not in MISSING:
            raise BenchmarkError(f"`{name}` must be one of 'raise', 'drop', 'allow'; got {value!r}.")
        if value not in supported:
            raise BenchmarkError(
                f"`{name}={value!r}` is not available here; this function supports "
                f"{format_list(list(supported))} ('raise' stops at missing values, 'drop' leaves their "
                "rows out and reports them, 'allow' keeps them for a method that handles them).")

    check.supported = supported  # type: ignore[attr-defined]
    return check


def _column(value: Any, name: str) -> None:
    check_column_name(value, name=name)


def _columns(value: Any, name: str) -> None:
    if value is None:
        return
    if isinstance(value, str):
        return
    if isinstance(value, Mapping) or not isinstance(value, Iterable):
        check_column_name(value, name=name)
        return
    for v in value:
        if not isinstance(v, str | int | np.integer):
            raise BenchmarkError(f"`{name}` must be column names (strings); got {v!r} of type {type(v).__name__}.")


def _random_state(value: Any, name: str) -> None:
    if value is None or isinstance(value, np.random.Generator | np.random.RandomState | np.random.SeedSequence):
        return
    if isinstance(value, int | np.integer) and not isinstance(value, bool) and value >= 0:
        return
    raise BenchmarkError(
        f"`{name}` must be None, a non-negative integer seed or a numpy Generator; got {value!r}.")


def _n_jobs(value: Any, name: str) -> None:
    check_n_jobs(value)


def _flag(value: Any, name: str) -> None:
    if not isinstance(value, bool | np.bool_):
        raise BenchmarkError(f"`{name}` must be True or False; got {value!r}.")


def _period_value(value: Any, name: str) -> None:
    if value is not None:
        check_hashable(value, name=name, what="a period value")


#: Named constraints shared by many functions: one meaning per parameter name.
COMMON: dict[str, Check] = {
    "entity": _column,
    "period": _column,
    "indicators": _columns,
    "random_state": _random_state,
    "n_jobs": _n_jobs,
    "ci": lambda value, name: None if value is None else check_probability(value, name=name),
    "n_boot": interval(1, integer=True),
    "n_draws": interval(1, integer=True),
    "progress": _flag,
}

#: One period value: checked wherever a public function has one of these parameters, declared or not.
PERIOD_VALUES = ("at", "start", "end")
COMMON.update(dict.fromkeys(PERIOD_VALUES, _period_value))

#: Names an argument used to have, and the one that took its place (for the message of a call that uses one).
RENAMED = {"period_column": "period", "baseline": "start", "latest": "end", "base": "at", "base_period": "at",
           "from_period": "at", "final": "end", "alpha": "ci (the interval level, 1 - alpha)",
           "n": "n_draws or n_boot"}


class ArgumentError(BenchmarkError, TypeError):
    """A call with a keyword the function does not have (a :class:`BenchmarkError` and a ``TypeError``)."""


def _unknown_keyword(func: Callable[..., Any], sig: Any, keywords: Iterable[str]) -> None:
    """Raise :class:`ArgumentError` for a keyword ``func`` does not have, naming its new name or a close one."""
    import difflib

    stray = [k for k in keywords if k not in sig.parameters]
    if not stray or any(v.kind is v.VAR_KEYWORD for v in sig.parameters.values()):
        return
    key = stray[0]
    own = [p for p, v in sig.parameters.items() if v.kind not in (v.VAR_KEYWORD, v.VAR_POSITIONAL)]
    if key in RENAMED:
        hint = f" It is now called {RENAMED[key]}."
    else:
        close = difflib.get_close_matches(key, own, n=2, cutoff=0.75)
        hint = f" Did you mean {format_list(close)}?" if close else ""
    raise ArgumentError(f"{func.__name__}() has no argument {key!r}.{hint} Its arguments are "
                        f"{', '.join(own)}.") from None


def validate_params(*common: str, **constraints: Check) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Declare a public function's parameter constraints once, checked at every call.

    ``common`` names parameters whose meaning is shared library-wide (see
    :data:`COMMON`: ``entity``, ``period``, ``random_state``, ``n_jobs``,
    ``ci``, ...); ``constraints`` maps other parameters to checks built with
    :func:`options`, :func:`interval` or :func:`instance` (or any callable
    ``check(value, name)`` that raises :class:`BenchmarkError`). Only
    arguments the caller passed are checked; defaults are trusted. The
    declared constraints are kept on the function as
    ``__benchmark_constraints__`` so tests can audit them.

    >>> @validate_params("n_jobs", k=interval(1, integer=True))
    ... def f(data, *, k=2, n_jobs=1):
    ...     return k
    >>> f(None, k=3)
    3
    >>> f(None, k=0)
    Traceback (most recent call last):
    ...
    benchmark._validation.BenchmarkError: `k` must be an integer in [1, inf]; got 0.
    """
    import functools
    import inspect

    declared: dict[str, Check] = {name: COMMON[name] for name in common}
    declared.update(constraints)

    def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
        sig = inspect.signature(func)
        unknown = [n for n in declared if n not in sig.parameters]
        if unknown:
            raise TypeError(f"{func.__qualname__} has no parameter(s) {unknown} to constrain")
        checks = {**{n: COMMON[n] for n in PERIOD_VALUES if n in sig.parameters}, **declared}

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            try:
                bound = sig.bind(*args, **kwargs)
            except TypeError:
                _unknown_keyword(func, sig, kwargs)
                return func(*args, **kwargs)  # Python's own message about the call itself
            for name, value in bound.arguments.items():
                check = checks.get(name)
                if check is not None:
                    check(value, name)
            return func(*args, **kwargs)

        wrapper.__benchmark_constraints__ = dict(checks)  # type: ignore[attr-defined]
        return wrapper

    return decorate
