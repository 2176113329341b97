"""Scale-safe numerics shared by the analysis modules.

Sums of squares of raw data overflow near 1e+154 and underflow near 1e-154,
so a standard deviation of values around 1e+300 is ``inf`` and one of values
around 1e-300 is 0. Every variance, distance or norm is therefore computed on
data first divided by a per-column scale (the largest absolute value), and the
scale multiplied back where a result is in data units.
"""

from __future__ import annotations

import numpy as np

__all__ = ["column_scale", "mean_std"]


def column_scale(x: np.ndarray, key: np.ndarray | None = None) -> np.ndarray:
    """The largest absolute finite value of each column, or of each column within each group of
    ``key`` (one code per row; the result then has ``x``'s shape). 1 where there is none or it is 0.

    >>> column_scale(np.array([[1e300, -2.0], [3e300, 1.0]])).tolist()
    [3e+300, 2.0]
    >>> column_scale(np.array([[1.0], [4.0], [-2.0]]), key=np.array([0, 0, 1])).ravel().tolist()
    [4.0, 4.0, 2.0]
    """
    a = np.abs(np.asarray(x, dtype=float))
    a = np.where(np.isfinite(a), a, 0.0)
    if key is not None:
        import pandas as pd

        s = pd.DataFrame(a).groupby(np.asarray(key)).transform("max").to_numpy()
    else:
        s = a.max(axis=0) if a.size else np.ones(a.shape[1:] if a.ndim > 1 else ())
    return np.where(s > 0, s, 1.0)


def mean_std(x: np.ndarray, *, ddof: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Column means and standard deviations that neither overflow nor underflow.

    >>> m, s = mean_std(np.array([[1e300], [3e300]]))
    >>> float(m[0]), float(s[0] / 1e300)
    (2e+300, 1.414213562373095...)
    """
    c = column_scale(x)
    y = np.asarray(x, dtype=float) / c
    with np.errstate(invalid="ignore", divide="ignore"):
        n = y.shape[0]
        mean = y.mean(axis=0) if n else np.full(y.shape[1:], np.nan)
        sd = y.std(axis=0, ddof=ddof) if n > ddof else np.full(y.shape[1:], np.nan)
    return mean * c, sd * c
