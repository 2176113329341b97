"""Who counts as a peer: the one place that turns ``cohort=`` into entities.

``cohort=`` is accepted by every function that compares against peers:

- ``None``: every entity in the data;
- a column name (e.g. ``"tier"``): the entities that share the focus's value
  in that column (for all-entity functions: each entity's own group);
- a mapping ``{column: value}`` (e.g. ``{"tier": "A"}``): the entities with
  that value in every named column (a fixed reference group such as the
  leading tier);
- a list (or other non-string iterable) of entity names;
- a DataFrame returned by :func:`benchmark.nearest_peers`: its entity column
  lists the peers.

The focus itself is never part of its own cohort.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from benchmark._validation import (
    BenchmarkError,
    EmptyDataError,
    UnknownEntityError,
    format_list,
    check_columns,
)

__all__ = ["cohort_members", "cohort_labels", "describe_cohort", "listed_entities"]


def describe_cohort(cohort: Any) -> str:
    """A short human description of a ``cohort=`` argument (for tables and reports)."""
    if cohort is None:
        return "all entities"
    if isinstance(cohort, str):
        return f"same {cohort}"
    if isinstance(cohort, dict):
        return ", ".join(f"{k} = {v}" for k, v in cohort.items())
    if isinstance(cohort, pd.DataFrame):
        return "nearest peers"
    return "listed peers"


def _focus_value(data: pd.DataFrame, focus: Any, column: str, entity: str) -> Any:
    values = data.loc[data[entity] == focus, column].dropna().unique()
    if len(values) == 0:
        raise BenchmarkError(f"{entity} {focus!r} has no value in cohort column {column!r}.")
    if len(values) > 1:
        raise BenchmarkError(
            f"{entity} {focus!r} has several values in cohort column {column!r} "
            f"({format_list(list(values))}); select one period first (period=...)."
        )
    return values[0]


def _mapping_mask(data: pd.DataFrame, cohort: dict[Any, Any]) -> pd.Series:
    """Rows whose columns hold the values named in a ``{column: value}`` cohort."""
    if not cohort:
        raise BenchmarkError("`cohort` is an empty mapping; name at least one {column: value} pair.")
    check_columns(data, list(cohort), name="data", what="cohort column")
    mask = pd.Series(True, index=data.index)
    for column, value in cohort.items():
        mask &= data[column] == value
    return mask


def listed_entities(cohort: Any, entity: str) -> list[Any] | None:
    """The entities named by a list-like or :func:`nearest_peers` cohort, in order; ``None`` for other forms."""
    if isinstance(cohort, pd.DataFrame):
        check_columns(cohort, [entity], name="cohort", what="entity column")
        return list(pd.unique(cohort[entity]))
    if isinstance(cohort, pd.Series | pd.Index | np.ndarray | list | tuple | set):
        return list(pd.unique(pd.Series(list(cohort), dtype=object)))
    return None


def cohort_members(
    data: pd.DataFrame, focus: Any, cohort: Any, *, entity: str = "institution", min_size: int = 1
) -> list[Any]:
    """The entities of ``focus``'s cohort, the focus excluded, in data order.

    Raises :class:`EmptyDataError` when fewer than ``min_size`` peers remain.

    >>> df = pd.DataFrame({"institution": list("abcd"), "tier": ["A", "A", "B", "A"]})
    >>> cohort_members(df, "a", "tier")
    ['b', 'd']
    >>> cohort_members(df, "a", ["c", "d"])
    ['c', 'd']
    >>> cohort_members(df, "c", {"tier": "A"})
    ['a', 'b', 'd']
    """
    present = pd.unique(data[entity])
    if cohort is None:
        members = [e for e in present if e != focus]
    elif isinstance(cohort, str):
        check_columns(data, [cohort], name="data", what="cohort column")
        value = _focus_value(data, focus, cohort, entity)
        members = [e for e in pd.unique(data.loc[data[cohort] == value, entity]) if e != focus]
    elif isinstance(cohort, dict):
        members = [e for e in pd.unique(data.loc[_mapping_mask(data, cohort), entity]) if e != focus]
    else:
        listed = listed_entities(cohort, entity)
        if listed is None:
            raise BenchmarkError(
                "`cohort` must be None, a column name, a {column: value} mapping, a list of entities "
                f"or the result of nearest_peers(); got {type(cohort).__name__}."
            )
        known = set(present.tolist())
        unknown = [e for e in listed if e not in known]
        if unknown:
            raise UnknownEntityError(
                f"cohort lists {entity} {format_list(unknown)}, not found in the data (for this period)."
            )
        members = [e for e in listed if e != focus]
    if len(members) < min_size:
        raise EmptyDataError(
            f"the cohort of {focus!r} ({describe_cohort(cohort)}) has {len(members)} member(s) "
            f"besides the focus; at least {min_size} needed. Widen the cohort."
        )
    return members


def cohort_labels(data: pd.DataFrame, cohort: Any, *, entity: str = "institution") -> pd.Series:
    """A cohort label per row of ``data`` for functions that treat every entity.

    ``None`` puts every row in one cohort (``"all"``); a column name uses that
    column; a ``{column: value}`` mapping, a list or a :func:`nearest_peers`
    table marks the rows inside ``"cohort"`` and the others ``"other"``.
    """
    if cohort is None:
        return pd.Series("all", index=data.index, name="cohort")
    if isinstance(cohort, str):
        check_columns(data, [cohort], name="data", what="cohort column")
        return data[cohort].rename("cohort")
    if isinstance(cohort, dict):
        inside = _mapping_mask(data, cohort).to_numpy()
        return pd.Series(np.where(inside, "cohort", "other"), index=data.index, name="cohort")
    listed = set(listed_entities(cohort, entity) or [])
    unknown = listed - set(data[entity])
    if unknown:
        raise UnknownEntityError(f"cohort lists {entity} {format_list(sorted(map(str, unknown)))}, "
                                 "not found in the data.")
    inside = data[entity].isin(listed)
    return pd.Series(np.where(inside, "cohort", "other"), index=data.index, name="cohort")
