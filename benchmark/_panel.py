"""Panel helpers shared by the self-comparison and target modules.

A :class:`Grid` holds a panel as an (entity x period x indicator) array so that
changes, growth, trends and target completion are array operations over
entities instead of Python loops; :class:`Reasons` collects the per-cell notes
that explain a NaN in a result. Everything here trusts its arguments: the
public functions check their inputs first.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from benchmark._validation import (
    BenchmarkError,
    check_missing,
    check_panel,
    sorted_periods,
)


@dataclass(frozen=True)
class Grid:
    """A panel laid out as an (entity, period, indicator) array; NaN = not observed."""

    entities: pd.Index
    periods: pd.Index
    x: np.ndarray  # numeric position of each period
    values: np.ndarray  # shape (E, P, I)
    indicators: list[str]
    row_entity: np.ndarray  # entity code of every input row
    row_period: np.ndarray  # period code of every input row

def checked_panel(
    data: Any, indicators: Any, entity: str, period: str, name: str = "data"
) -> tuple[pd.DataFrame, list[str]]:
    frame, inds = check_panel(data, indicators, entity=entity, period=period,
                              missing="allow", name=name)
    if not inds:
        raise BenchmarkError("`indicators` is empty: give at least one indicator column.")
    check_missing(frame, [entity, period], keys=[entity, period], name=name,
                  hint="every row needs an entity and a period")
    return frame, inds

def panel_grid(frame: pd.DataFrame, inds: list[str], entity: str, period: str) -> Grid:
    e_code, entities = pd.factorize(frame[entity], sort=False)
    p_code, periods, x = sorted_periods(frame[period], column=period)
    values = np.full((len(entities), len(periods), len(inds)), np.nan)
    values[e_code, p_code, :] = frame[inds].to_numpy(dtype=float, na_value=np.nan)
    return Grid(pd.Index(entities), periods, x, values, inds, e_code, p_code)

def take_periods(periods: pd.Index, idx: np.ndarray) -> pd.Series:
    """Period labels at codes ``idx`` (-1 gives a missing value), keeping integers integer."""
    s = pd.Series(periods)
    if pd.api.types.is_integer_dtype(s):
        s = s.astype("Int64")
    idx = np.asarray(idx).ravel()
    out = s.take(np.where(idx < 0, 0, idx)).reset_index(drop=True)
    return out.where(pd.Series(idx >= 0))

def first_last(observed: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Index of the first and last True along axis 1 (-1 where there is none)."""
    any_obs = observed.any(axis=1)
    first = np.where(any_obs, observed.argmax(axis=1), -1)
    n = observed.shape[1]
    last = np.where(any_obs, n - 1 - observed[:, ::-1].argmax(axis=1), -1)
    return first, last

def take(values: np.ndarray, idx: np.ndarray) -> np.ndarray:
    """values[e, idx[e, i], i] for an (E, P, I) array, NaN where idx is -1."""
    out = np.take_along_axis(values, np.where(idx < 0, 0, idx)[:, None, :], axis=1)[:, 0, :]
    return np.where(idx < 0, np.nan, out)

class Reasons:
    """Accumulates "; "-joined explanations row by row, vectorised over rows."""

    def __init__(self, n: int) -> None:
        self._text = np.full(n, "", dtype=object)

    def add(self, mask: np.ndarray, message: str | np.ndarray | pd.Series) -> None:
        mask = np.asarray(mask, dtype=bool).ravel()
        if not mask.any():
            return
        if isinstance(message, str):
            msg: Any = message
        else:
            msg = np.asarray(message, dtype=object).ravel()[mask]
        current = self._text[mask]
        self._text[mask] = np.where(current == "", msg, current + "; " + msg)

    def then(self, other: Reasons) -> Reasons:
        """These reasons followed by ``other``'s, row by row."""
        out = Reasons(len(self._text))
        out._text = self._text.copy()
        out.add(other._text != "", other._text)
        return out

    def series(self) -> pd.Series:
        text = pd.Series(self._text, dtype=object)
        return text.where(text != "").astype("str")

# ----------------------------------------------------------- closed-form OLS
def ols_by_group(group: np.ndarray, x: np.ndarray, y: np.ndarray, n_groups: int) -> dict[str, np.ndarray]:
    """Least-squares line per group from centred sums (two passes, stable for years ~2000).

    Returns n, slope, intercept, the slope's standard error (NaN for n < 3)
    and the mean of y. Groups with fewer than two distinct x get NaN slopes.
    """
    n = np.bincount(group, minlength=n_groups).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        xbar = np.bincount(group, weights=x, minlength=n_groups) / n
        ybar = np.bincount(group, weights=y, minlength=n_groups) / n
        dx = x - xbar[group]
        dy = y - ybar[group]
        sxx = np.bincount(group, weights=dx * dx, minlength=n_groups)
        sxy = np.bincount(group, weights=dx * dy, minlength=n_groups)
        syy = np.bincount(group, weights=dy * dy, minlength=n_groups)
        slope = np.where(sxx > 0, sxy / sxx, np.nan)
        intercept = ybar - slope * xbar
        ssr = np.clip(syy - slope * sxy, 0.0, None)
        stderr = np.where(n > 2, np.sqrt(ssr / (n - 2) / sxx), np.nan)
    return {"n": n, "slope": slope, "intercept": intercept, "stderr": stderr, "ybar": ybar}
