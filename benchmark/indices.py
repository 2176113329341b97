"""Composite indices: normalise, weight, aggregate, decompose, and measure how
much the ranks depend on those choices.

The pipeline follows the OECD/JRC *Handbook on Constructing Composite
Indicators* (2008): indicators are made comparable (:func:`normalise`), given
weights (:func:`weights`), and aggregated into one score per entity
(:func:`composite`), optionally through pillars. :func:`contributions`
splits a change in score between two periods into exact per-indicator parts,
:func:`topsis` ranks by closeness to the ideal (Hwang & Yoon 1981), and
:func:`rank_uncertainty` runs a Monte Carlo over the analyst's choices with
variance-based sensitivity indices (Saltelli et al. 2010; Jansen 1999).
Formulas and citations are in ``docs/composite.md``.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
import pandas as pd

from benchmark._numeric import column_scale
from benchmark._results import Result, headline, headline_by
from benchmark._validation import (
    BenchmarkError,
    ColumnError,
    NonPositiveError,
    as_list,
    check_choice,
    check_columns,
    check_count,
    check_entity,
    check_frame,
    check_missing,
    check_n_jobs,
    check_numeric,
    check_panel,
    check_periods,
    check_probability,
    check_random_state,
    direction_sign,
    format_list,
    interval,
    missing_options,
    options,
    period_ordinals,
    resolve_direction,
    row_labels,
    validate_params,
)

__all__ = [
    "AGGREGATIONS",
    "ALONSO_LAMATA_RI",
    "COMBINATIONS",
    "IMPUTATIONS",
    "NORMALISATIONS",
    "SAATY_RI",
    "TREATMENTS",
    "WEIGHT_METHODS",
    "AHPResult",
    "ObstacleDegree",
    "Preprocessed",
    "RankUncertainty",
    "Reliability",
    "ahp",
    "combine_weights",
    "composite",
    "contributions",
    "grey_relational",
    "impute",
    "normalise",
    "obstacle_degree",
    "rank_uncertainty",
    "reliability",
    "topsis",
    "treat",
    "weights",
]

#: Normalisation methods accepted by :func:`normalise` and ``normalisation=``.
NORMALISATIONS = ("minmax", "zscore", "robust", "rank", "percentile", "goalposts", "target", "reference")
#: Aggregation rules accepted by ``aggregation=``.
AGGREGATIONS = ("arithmetic", "geometric", "harmonic")
#: Weighting methods accepted by :func:`weights`.
WEIGHT_METHODS = ("equal", "entropy", "critic", "pca", "user")

# Normalisations whose output lies in a known interval; under geometric or
# harmonic aggregation their worst value (0) is lifted by the floor rule.
_BOUNDED = {"minmax": (0.0, 1.0), "goalposts": (0.0, 1.0), "percentile": (0.0, 100.0)}
# Methods that need no extra argument: the ones a Monte Carlo can switch between.
_FREE_METHODS = ("minmax", "zscore", "robust", "rank", "percentile")
# 1 / Phi^-1(3/4): scales the median absolute deviation to the normal sd.
_MAD_SCALE = 1.482602218505602


# ====================================================================== gate
def _gate(
    data: Any, indicators: Any, *, entity: str | None, period: str | None,
    need_entity: bool = True, missing: str = "raise",
) -> tuple[pd.DataFrame, list[str], str | None, str | None]:
    """Check the input once; return frame, indicators and the entity/period
    columns actually present (``None`` when absent and optional)."""
    frame = check_frame(data)
    inds = as_list(indicators)
    ent = entity
    if not need_entity and (entity is None or entity not in frame.columns):
        ent = None
    frame = _decategorised(frame, inds)
    present = [k for k in (ent, period) if k is not None and k in frame.columns]
    check_missing(frame, present, name="data",
                  hint="every row needs an entity and a period; fill them or drop those rows")
    frame, inds = check_panel(frame, inds, entity=ent, period=period, require_period=False,
                              missing=missing)
    per = period if period is not None and period in frame.columns else None
    return frame, inds, ent, per


def _decategorised(frame: pd.DataFrame, inds: list[str]) -> pd.DataFrame:
    """Indicators stored as categoricals of numbers become plain floats (a copy)."""
    cats = [c for c in inds if c in frame.columns and isinstance(frame[c].dtype, pd.CategoricalDtype)
            and pd.api.types.is_numeric_dtype(frame[c].cat.categories)]
    if not cats:
        return frame
    out = frame.copy()
    for c in cats:
        out[c] = out[c].astype(float)
    return out


def _floats(frame: pd.DataFrame, cols: list[str]) -> np.ndarray:
    """Columns as a float matrix; nullable NA becomes NaN."""
    return frame[cols].to_numpy(dtype=float, na_value=np.nan)


def _keys(ent: str | None, per: str | None) -> list[str]:
    return [k for k in (ent, per) if k is not None]


def _groups(frame: pd.DataFrame, by: Any) -> tuple[list[str], np.ndarray]:
    """Integer group code per row for ``by=`` (all zeros when ``by`` is None)."""
    cols = as_list(by, name="by", allow_empty=True)
    if not cols:
        return [], np.zeros(len(frame), dtype=np.int64)
    check_columns(frame, cols, name="data", what="`by` column")
    check_missing(frame, cols, name="data", hint="give every row a group in the `by` column(s)")
    return cols, frame.groupby(cols, sort=False, observed=True).ngroup().to_numpy()


def _group_name(frame: pd.DataFrame, cols: list[str], key: np.ndarray, code: int) -> str:
    if not cols:
        return ""
    row = frame.loc[key == code, cols].iloc[0]
    values = [row[c].item() if isinstance(row[c], np.generic) else row[c] for c in cols]
    return " in group " + ", ".join(f"{c}={v!r}" for c, v in zip(cols, values))


# ============================================================= normalisation
def _by_group(x: np.ndarray, key: np.ndarray) -> Any:
    return pd.DataFrame(x).groupby(key)


def _check_spread(
    spread: np.ndarray, x: np.ndarray, key: np.ndarray, *, inds: list[str], frame: pd.DataFrame,
    cols: list[str], method: str, what: str,
) -> None:
    """Raise when an indicator has no spread (constant, or a single row) in a group."""
    bad = ~(spread > 0) & ~np.isnan(x)
    if not bad.any():
        return
    j = int(np.flatnonzero(bad.any(axis=0))[0])
    code = int(key[np.flatnonzero(bad[:, j])[0]])
    raise BenchmarkError(
        f"indicator {inds[j]!r} has zero {what}{_group_name(frame, cols, key, code)}, so "
        f"{method!r} normalisation would divide by zero; drop the indicator, use more rows, "
        "or choose normalisation='rank'."
    )


def _minmax(x, key, **ctx):
    g = _by_group(x, key)
    lo, hi = g.transform("min").to_numpy(), g.transform("max").to_numpy()
    _check_spread(hi - lo, x, key, what="range", **ctx)
    return (x - lo) / (hi - lo)


def _zscore(x, key, **ctx):
    x = x / column_scale(x, key)  # z-scores are scale-free; this keeps squares finite
    g = _by_group(x, key)
    mean, sd = g.transform("mean").to_numpy(), g.transform("std").to_numpy()
    _check_spread(sd, x, key, what="standard deviation", **ctx)
    return (x - mean) / sd


def _robust(x, key, **ctx):
    med = _by_group(x, key).transform("median").to_numpy()
    mad = _by_group(np.abs(x - med), key).transform("median").to_numpy()
    _check_spread(mad, x, key, what="median absolute deviation", **ctx)
    return (x - med) / (_MAD_SCALE * mad)


def _rank(x, key, **ctx):
    return _by_group(x, key).rank(method="average").to_numpy()


def _percentile(x, key, **ctx):
    g = _by_group(x, key)
    r = g.rank(method="average").to_numpy()
    n = g.transform("count").to_numpy().astype(float)
    _check_spread(n - 1, x, key, what="spread (a single row)", **ctx)
    return 100.0 * (r - 1) / (n - 1)


def _per_indicator(spec: Any, inds: list[str], *, name: str) -> dict[str, Any]:
    if not isinstance(spec, Mapping):
        raise BenchmarkError(f"`{name}` must be a mapping {{indicator: value}}; got {type(spec).__name__}.")
    unknown = [k for k in spec if k not in inds]
    if unknown:
        raise BenchmarkError(f"`{name}` names {format_list(unknown)}, which are not among the indicators "
                             f"({format_list(inds, 10)}).")
    absent = [i for i in inds if i not in spec]
    if absent:
        raise BenchmarkError(f"`{name}` has no entry for {format_list(absent)}; give one for every indicator.")
    return dict(spec)


def _goalposts_bounds(bounds: Any, inds: list[str]) -> tuple[np.ndarray, np.ndarray]:
    spec = _per_indicator(bounds, inds, name="bounds")
    lo, hi = [], []
    for i in inds:
        try:
            a, b = (float(v) for v in spec[i])
        except (TypeError, ValueError):
            raise BenchmarkError(f"`bounds` for {i!r} must be a pair (low, high); got {spec[i]!r}.") from None
        if not (np.isfinite(a) and np.isfinite(b) and a < b):
            raise BenchmarkError(f"`bounds` for {i!r} must be finite with low < high; got {spec[i]!r}.")
        lo.append(a)
        hi.append(b)
    return np.array(lo), np.array(hi)


def _reference_values(
    frame: pd.DataFrame, x: np.ndarray, key: np.ndarray, cols: list[str], reference: Any, entity: str | None,
) -> np.ndarray:
    """Each row's reference value: the reference entity's raw value in the same group."""
    if entity is None:
        raise BenchmarkError("normalisation='reference' needs the entity column; pass entity=<column name>.")
    check_entity(frame, reference, entity=entity)
    is_ref = (frame[entity] == reference).to_numpy()
    ref_keys = key[is_ref]
    if len(np.unique(ref_keys)) < len(ref_keys):
        raise BenchmarkError(
            f"reference {entity} {reference!r} has several rows in one group; normalise within "
            "periods with by=<period column> so that each group holds one reference row."
        )
    missing = np.setdiff1d(np.unique(key), ref_keys)
    if missing.size:
        raise BenchmarkError(f"reference {entity} {reference!r} has no row{_group_name(frame, cols, key, int(missing[0]))}.")
    table = np.full((int(key.max()) + 1, x.shape[1]), np.nan)
    table[ref_keys] = x[is_ref]
    return table[key]


def _distance(x: np.ndarray, ref: np.ndarray, signs: np.ndarray, inds: list[str], what: str) -> np.ndarray:
    bad = ref == 0
    if bad.any():
        j = int(np.flatnonzero(bad.any(axis=0))[0])
        raise BenchmarkError(f"the {what} for {inds[j]!r} is 0, so the relative distance to it is undefined; "
                             "choose another normalisation.")
    return 1.0 + signs * (x - ref) / np.abs(ref)


def _normalised(
    frame: pd.DataFrame, inds: list[str], method: str, signs: np.ndarray, *, by: Any = None,
    bounds: Any = None, target: Any = None, reference: Any = None, entity: str | None = None,
) -> np.ndarray:
    """The normalised indicator matrix (rows of ``frame`` x ``inds``), higher = better."""
    x = _floats(frame, inds)
    cols, key = _groups(frame, by)
    ctx = {"inds": inds, "frame": frame, "cols": cols, "method": method}
    if method in ("minmax", "zscore", "robust"):
        y = {"minmax": _minmax, "zscore": _zscore, "robust": _robust}[method](x, key, **ctx)
        return np.where(signs > 0, y, 1.0 - y) if method == "minmax" else y * signs
    if method in ("rank", "percentile"):
        return (_rank if method == "rank" else _percentile)(x * signs, key, **ctx)
    if method == "goalposts":
        if bounds is None:
            raise BenchmarkError("normalisation='goalposts' needs bounds={indicator: (low, high)}.")
        lo, hi = _goalposts_bounds(bounds, inds)
        y = np.clip((x - lo) / (hi - lo), 0.0, 1.0)
        return np.where(signs > 0, y, 1.0 - y)
    if method == "target":
        if target is None:
            raise BenchmarkError("normalisation='target' needs target={indicator: value}.")
        spec = _per_indicator(target, inds, name="target")
        ref = pd.to_numeric(pd.Series([spec[i] for i in inds]), errors="coerce").to_numpy(dtype=float)
        if not np.isfinite(ref).all():
            bad = [i for i, v in zip(inds, ref) if not np.isfinite(v)]
            raise BenchmarkError(f"`target` for {format_list(bad)} must be a finite number.")
        return _distance(x, np.broadcast_to(ref, x.shape), signs, inds, "target")
    if reference is None:
        raise BenchmarkError("normalisation='reference' needs reference=<entity>, the entity to compare with.")
    ref = _reference_values(frame, x, key, cols, reference, entity)
    return _distance(x, ref, signs, inds, f"reference value of {reference!r}")


@validate_params("entity", "period", "indicators", missing=missing_options("raise", "allow"))
def normalise(
    data: pd.DataFrame,
    indicators: str | Sequence[str],
    *,
    method: str = "minmax",
    direction: Mapping[str, str] | pd.DataFrame | str | None = None,
    by: str | Sequence[str] | None = None,
    bounds: Mapping[str, tuple[float, float]] | None = None,
    target: Mapping[str, float] | None = None,
    reference: Any = None,
    entity: str = "institution",
    period: str = "year",
    missing: str = "raise",
) -> pd.DataFrame:
    """Put indicators on a common scale on which higher is always better.

    Parameters
    ----------
    data : DataFrame
        One row per entity (and period).
    indicators : str or list of str
        Numeric columns to normalise.
    method : str
        ``"minmax"`` (x - min) / (max - min), in [0, 1];
        ``"zscore"`` (x - mean) / sd (sample sd, ddof=1);
        ``"robust"`` (x - median) / (1.4826 MAD);
        ``"rank"`` average ranks 1..n (the best gets n);
        ``"percentile"`` 100 (rank - 1) / (n - 1), in [0, 100];
        ``"goalposts"`` (x - low) / (high - low) clipped to [0, 1], with
        ``bounds``; ``"target"`` 1 + (x - t) / abs(t) with ``target`` t (1 =
        on target); ``"reference"`` the same with t the value of the
        ``reference`` entity in the same group.
    direction : None, str, mapping or indicator-metadata DataFrame
        Which way is better; "lower" indicators are mirrored (min-max and
        goalposts: 1 - y; the others change sign or rank in reverse) so that
        higher is better after normalising.
    by : str or list of str, optional
        Normalise within groups (e.g. ``by="year"``). Default: all rows pooled,
        which keeps scores comparable across periods.
    bounds, target, reference
        Arguments of ``"goalposts"``, ``"target"`` and ``"reference"``.
    entity, period : str
        Entity and period columns (used in messages and by ``"reference"``;
        optional here).
    missing : {"raise", "allow"}
        ``"allow"`` lets NaN through: they stay NaN and are ignored by the
        group statistics.

    Returns
    -------
    DataFrame
        A copy of ``data`` with the same rows, index and columns; the
        indicator columns hold the normalised values, every other column is
        kept unchanged.

    Raises
    ------
    BenchmarkError
        Constant indicators (zero range, sd or MAD in a group), unknown
        methods, missing ``bounds``/``target``/``reference``.

    See Also
    --------
    composite : normalise, weight and aggregate in one call.
    treat : outlier treatment before normalising.
    impute : fill missing values before normalising.

    Examples
    --------
    >>> df = pd.DataFrame({"institution": list("abc"), "x": [1.0, 2.0, 4.0], "cost": [3.0, 1.0, 2.0]})
    >>> normalise(df, ["x", "cost"], direction={"cost": "lower"})
      institution         x  cost
    0           a  0.000000   0.0
    1           b  0.333333   1.0
    2           c  1.000000   0.5
    """
    frame, inds, ent, _ = _gate(data, indicators, entity=entity, period=period, need_entity=False,
                                missing=missing)
    check_choice(method, NORMALISATIONS, name="method")
    signs = direction_sign(resolve_direction(direction, inds), inds)
    y = _normalised(frame, inds, method, signs, by=by, bounds=bounds, target=target,
                    reference=reference, entity=ent)
    out = frame.copy()
    for j, c in enumerate(inds):
        out[c] = y[:, j]
    return out


# ================================================================== weights
def _user_weights(spec: Any, inds: list[str]) -> np.ndarray:
    """Validate expert weights: known indicators, all present, numeric, >= 0, sum > 0."""
    if isinstance(spec, pd.DataFrame):
        check_columns(spec, ["indicator", "weight"], name="weights (indicator metadata)")
        spec = spec.drop_duplicates("indicator", keep="last").set_index("indicator")["weight"]
        spec = spec[spec.index.isin(inds)]
    elif isinstance(spec, pd.Series):
        spec = spec.to_dict()
    if not isinstance(spec, Mapping | pd.Series):
        raise BenchmarkError("`weights` must be None, a method name, a mapping {indicator: weight}, a Series "
                             f"or an indicator-metadata DataFrame with a 'weight' column; got {type(spec).__name__}.")
    unknown = [k for k in spec.keys() if k not in inds]  # noqa: SIM118 (a Series iterates values)
    if unknown:
        raise BenchmarkError(f"`weights` names {format_list(unknown)}, which are not among the indicators "
                             f"({format_list(inds, 10)}); remove them or add them to the indicators.")
    absent = [i for i in inds if i not in spec.keys()]  # noqa: SIM118
    if absent:
        raise BenchmarkError(f"`weights` has no weight for {format_list(absent)}; give every indicator a weight "
                             "(0 leaves it out).")
    w = pd.to_numeric(pd.Series([spec[i] for i in inds], index=inds), errors="coerce").to_numpy(dtype=float)
    bad = [i for i, v in zip(inds, w) if not np.isfinite(v) or v < 0]
    if bad:
        raise BenchmarkError(f"`weights` for {format_list(bad)} must be finite non-negative numbers; "
                             f"got {format_list([spec[i] for i in bad])}.")
    if w.sum() <= 0:
        raise BenchmarkError("`weights` are all zero; give at least one indicator a positive weight.")
    return w / w.sum()


def _entropy_weights(y: np.ndarray, inds: list[str]) -> np.ndarray:
    if (y < 0).any():
        j = int(np.flatnonzero((y < 0).any(axis=0))[0])
        raise NonPositiveError(f"indicator {inds[j]!r} has negative values; the entropy method needs "
                               "non-negative ones (use normalisation='minmax').")
    y = y / column_scale(y)  # p = y / sum(y) is scale-free; this keeps the sum finite
    total = y.sum(axis=0)
    if (total <= 0).any():
        j = int(np.flatnonzero(total <= 0)[0])
        raise BenchmarkError(f"indicator {inds[j]!r} is zero for every row, so its entropy is undefined; drop it.")
    p = y / total
    with np.errstate(divide="ignore", invalid="ignore"):
        plogp = np.where(p > 0, p * np.log(p), 0.0)
    divergence = 1.0 + plogp.sum(axis=0) / np.log(len(y))
    if divergence.sum() <= 0:
        raise BenchmarkError("every indicator has maximal entropy (identical values), so entropy weights "
                             "are undefined; use method='equal'.")
    return divergence / divergence.sum()


def _critic_weights(y: np.ndarray, inds: list[str]) -> np.ndarray:
    flat = np.ptp(y, axis=0) == 0
    y = y / np.max(column_scale(y))  # one common factor: the weights' ratios are unchanged
    sd = y.std(axis=0, ddof=1)
    if flat.any() or (sd <= 0).any():
        j = int(np.flatnonzero(flat | (sd <= 0))[0])
        raise BenchmarkError(f"indicator {inds[j]!r} is constant, so its correlation with the others is "
                             "undefined; drop it before computing CRITIC weights.")
    info = sd * (1.0 - np.corrcoef(y, rowvar=False)).sum(axis=0)
    return info / info.sum()


def _varimax(loadings: np.ndarray, *, tol: float = 1e-10, max_iter: int = 1000) -> np.ndarray:
    """Kaiser's (1958) varimax rotation of a loadings matrix (indicators x factors)."""
    p, k = loadings.shape
    rotation = np.eye(k)
    criterion = 0.0
    for _ in range(max_iter):
        rotated = loadings @ rotation
        target = rotated**3 - rotated * ((rotated**2).sum(axis=0) / p)
        u, s, vt = np.linalg.svd(loadings.T @ target)
        rotation = u @ vt
        if criterion and s.sum() < criterion * (1 + tol):
            break
        criterion = s.sum()
    return loadings @ rotation


def _pca_weights(z: np.ndarray, n_components: int | None, rotate: bool) -> np.ndarray:
    """OECD/JRC (2008, sec. 6.1) factor-analysis weights on the correlation matrix."""
    m = z.shape[1]
    if m == 1:
        return np.ones(1)
    eigval, eigvec = np.linalg.eigh(np.corrcoef(z, rowvar=False))
    order = np.argsort(eigval)[::-1]
    eigval, eigvec = eigval[order], eigvec[:, order]
    k = n_components if n_components is not None else max(1, int((eigval > 1).sum()))
    loadings = eigvec[:, :k] * np.sqrt(np.clip(eigval[:k], 0, None))
    if rotate and k > 1:
        loadings = _varimax(loadings)
    squared = loadings**2
    explained = squared.sum(axis=0)
    scaled = squared / explained
    factor = scaled.argmax(axis=1)
    w = scaled[np.arange(m), factor] * explained[factor] / explained.sum()
    return w / w.sum()


def _data_weights(
    frame: pd.DataFrame, inds: list[str], method: str, signs: np.ndarray, *,
    normalisation: str | None, n_components: int | None, rotate: bool,
) -> np.ndarray:
    m = len(inds)
    if method == "equal" or m == 1:
        return np.full(m, 1.0 / m)
    if len(frame) < 3:
        raise BenchmarkError(f"method={method!r} estimates weights from the data and needs at least 3 rows; "
                             f"got {len(frame)}.")
    if method == "pca":
        if n_components is not None and not (isinstance(n_components, int | np.integer) and 1 <= n_components <= m):
            raise BenchmarkError(f"`n_components` must be an integer between 1 and {m}; got {n_components!r}.")
        return _pca_weights(_normalised(frame, inds, "zscore", signs), n_components, rotate)
    if normalisation is None:
        if (signs < 0).any():
            lower = [i for i, s in zip(inds, signs) if s < 0]
            raise BenchmarkError(f"{format_list(lower)} are 'lower is better', which raw values cannot express; "
                                 "use normalisation='minmax'.")
        y = _floats(frame, inds)
    else:
        y = _normalised(frame, inds, check_choice(normalisation, _FREE_METHODS, name="normalisation"), signs)
    return _entropy_weights(y, inds) if method == "entropy" else _critic_weights(y, inds)


@validate_params("entity", "period", "indicators", combination=options("linear", "multiplicative", "game"),
                 share=interval(0, 1))
def weights(
    data: pd.DataFrame,
    indicators: str | Sequence[str],
    *,
    method: str = "equal",
    direction: Mapping[str, str] | pd.DataFrame | str | None = None,
    values: Mapping[str, float] | pd.Series | pd.DataFrame | None = None,
    normalisation: str | None = "minmax",
    n_components: int | None = None,
    rotate: bool = True,
    subjective: Mapping[str, float] | pd.Series | AHPResult | None = None,
    combination: str = "linear",
    share: float = 0.5,
    entity: str = "institution",
    period: str = "year",
) -> pd.Series:
    """Indicator weights that sum to 1.

    Parameters
    ----------
    data : DataFrame
        The rows the data-driven methods learn from (all rows are pooled;
        pass one period's rows to weigh on that period only).
    indicators : str or list of str
    method : {"equal", "entropy", "critic", "pca", "user"}
        ``"equal"`` 1/m. ``"entropy"`` Shannon-entropy weights (Zeleny 1982):
        ``p = y / sum(y)``, ``e = -sum(p ln p) / ln n``, ``w ~ 1 - e``.
        ``"critic"`` (Diakoulaki, Mavrotas & Papayannakis 1995):
        ``w ~ sd(y) * sum_k (1 - r_jk)``. ``"pca"`` (OECD/JRC 2008, sec.
        6.1): principal components of the correlation matrix with
        eigenvalue > 1 (or ``n_components``), varimax-rotated, squared
        loadings scaled to unit sum per factor, each indicator weighted by
        its largest scaled squared loading times its factor's share of the
        explained variance. ``"user"`` validates ``values``.
    direction : None, str, mapping or indicator-metadata DataFrame
    values : mapping, Series or DataFrame with ``indicator``/``weight`` columns
        Expert weights for ``method="user"``: non-negative, one per
        indicator, rescaled to sum to 1. A mapping may also be passed as
        ``method`` directly.
    normalisation : str or None
        How ``"entropy"`` and ``"critic"`` first make indicators comparable
        and direction-aware (default min-max); ``None`` uses raw values
        (all indicators must then be "higher is better").
    n_components : int, optional
        Number of factors kept by ``"pca"`` (default: Kaiser's rule).
    rotate : bool
        Varimax-rotate the ``"pca"`` factors.
    subjective : Series, mapping or AHPResult, optional
        Expert weights (e.g. from :func:`ahp`) to combine with the weights
        of ``method`` (组合赋权); see :func:`combine_weights`.
    combination : {"linear", "multiplicative", "game"}
        How ``subjective`` is combined with the weights of ``method``.
    share : float
        Share of ``subjective`` under ``combination="linear"``.
    entity, period : str
        Entity and period columns (optional here; used in messages).

    Returns
    -------
    Series
        Weight per indicator (index named ``indicator``), summing to 1.

    See Also
    --------
    ahp : Subjective weights from pairwise comparisons.
    combine_weights : Combine subjective and objective weights.

    Examples
    --------
    >>> df = pd.DataFrame({"x": [1.0, 1.0, 2.0], "y": [1.0, 2.0, 3.0]})
    >>> weights(df, ["x", "y"], method="entropy", normalisation=None).round(4)
    indicator
    x    0.4031
    y    0.5969
    Name: weight, dtype: float64
    """
    if isinstance(method, Mapping | pd.Series | pd.DataFrame):
        method, values = "user", method
    check_choice(method, WEIGHT_METHODS, name="method")
    frame, inds, _, _ = _gate(data, indicators, entity=entity, period=period, need_entity=False)
    if method == "user":
        if values is None:
            raise BenchmarkError("method='user' needs values={indicator: weight}.")
        w = _user_weights(values, inds)
    else:
        signs = direction_sign(resolve_direction(direction, inds), inds)
        w = _data_weights(frame, inds, method, signs, normalisation=normalisation,
                          n_components=n_components, rotate=rotate)
    out = pd.Series(w, index=pd.Index(inds, name="indicator"), name="weight")
    if subjective is not None:
        check_choice(combination, COMBINATIONS, name="combination")
        out = combine_weights(subjective, out, method=combination, share=share).reindex(out.index)
    return out


def _resolve_weights(spec: Any, frame: pd.DataFrame, inds: list[str], signs: np.ndarray) -> np.ndarray:
    """``weights=`` of composite/topsis: None, a method name, or expert weights."""
    if spec is None:
        return np.full(len(inds), 1.0 / len(inds))
    if isinstance(spec, AHPResult):
        spec = spec.weights
    if isinstance(spec, str):
        check_choice(spec, tuple(m for m in WEIGHT_METHODS if m != "user"), name="weights")
        return _data_weights(frame, inds, spec, signs, normalisation="minmax", n_components=None, rotate=True)
    return _user_weights(spec, inds)


# ================================================================== pillars
def _resolve_pillars(pillars: Any, inds: list[str]) -> list[str] | None:
    """The pillar of each indicator, from {indicator: pillar}, {pillar: [indicators]}
    or indicator metadata with a ``pillar`` column."""
    if pillars is None:
        return None
    if isinstance(pillars, pd.DataFrame):
        check_columns(pillars, ["indicator", "pillar"], name="pillars (indicator metadata)")
        meta = pillars.drop_duplicates("indicator", keep="last").set_index("indicator")["pillar"]
        absent = [i for i in inds if i not in meta.index or pd.isna(meta[i])]
        if absent:
            raise BenchmarkError(f"indicator metadata gives no pillar for {format_list(absent)}; fill the 'pillar' column.")
        return [str(meta[i]) for i in inds]
    if not isinstance(pillars, Mapping):
        raise BenchmarkError("`pillars` must be a mapping {indicator: pillar}, {pillar: [indicators]} or "
                             f"indicator metadata with a 'pillar' column; got {type(pillars).__name__}.")
    values = list(pillars.values())
    if values and all(isinstance(v, list | tuple | set) for v in values):
        flat = {}
        for p, members in pillars.items():
            for i in members:
                if i in flat:
                    raise BenchmarkError(f"indicator {i!r} is in pillars {flat[i]!r} and {p!r}; put it in one.")
                flat[i] = p
        pillars = flat
    unknown = [k for k in pillars if k not in inds]
    if unknown:
        raise BenchmarkError(f"`pillars` names {format_list(unknown)}, which are not among the indicators.")
    absent = [i for i in inds if i not in pillars]
    if absent:
        raise BenchmarkError(f"`pillars` gives no pillar for {format_list(absent)}; assign every indicator.")
    return [str(pillars[i]) for i in inds]


def _structure(
    w: np.ndarray, pillar_of: list[str] | None, pillar_weights: Any,
) -> tuple[np.ndarray, list[str], np.ndarray, np.ndarray]:
    """Effective weights, pillar names, within-pillar weights and pillar weights.

    With the same quasi-arithmetic mean at both levels, the two-level index
    equals a one-level index with weights W_p * w_i|p, which is what makes
    the contribution columns exact.
    """
    if pillar_of is None:
        return w, [], w, np.ones(0)
    names = list(dict.fromkeys(pillar_of))
    member = np.array([[p == q for q in names] for p in pillar_of], dtype=float)  # m x P
    totals = w @ member
    if (totals <= 0).any():
        empty = [n for n, t in zip(names, totals) if t <= 0]
        raise BenchmarkError(f"pillar(s) {format_list(empty)} have zero total weight; give one of their "
                             "indicators a positive weight or drop the pillar.")
    within = w / (member @ totals)
    if pillar_weights is None:
        pw = np.full(len(names), 1.0 / len(names))
    elif isinstance(pillar_weights, str):
        check_choice(pillar_weights, ("equal", "sum"), name="pillar_weights")
        pw = np.full(len(names), 1.0 / len(names)) if pillar_weights == "equal" else totals / totals.sum()
    else:
        pw = _user_weights(pillar_weights, names)
    return within * (member @ pw), names, within, pw


# ============================================================== aggregation
def _lift(y: np.ndarray, method: str | None, floor: float | None) -> np.ndarray:
    """The zero rule: bounded normalisations are mapped from [lo, hi] onto
    [lo + floor (hi - lo), hi] so that their worst value is positive."""
    if floor is None or method not in _BOUNDED:
        return y
    lo, hi = _BOUNDED[method]
    return lo + floor * (hi - lo) + (1.0 - floor) * (y - lo)


def _check_positive_matrix(
    y: np.ndarray, frame: pd.DataFrame, inds: list[str], keys: list[str], aggregation: str, method: str | None,
) -> None:
    bad = ~(y > 0)
    if not bad.any():
        return
    parts = []
    for j in np.flatnonzero(bad.any(axis=0)):
        labels = row_labels(frame, bad[:, j], keys)
        parts.append(f"{inds[j]!r} ({format_list(labels)})")
    how = ("the raw values" if method is None else f"{method!r} normalisation")
    hint = ("use normalisation='minmax' (whose zeros are lifted by `floor`) or aggregation='arithmetic'"
            if method in ("zscore", "robust", "target", "reference", None)
            else "pass floor=0.01 to lift zeros or use aggregation='arithmetic'")
    raise NonPositiveError(f"{aggregation} aggregation needs strictly positive values, but {how} gives zero or "
                           f"negative values for {'; '.join(parts)}; {hint}.")


def _aggregate(y: np.ndarray, w: np.ndarray, aggregation: str) -> tuple[np.ndarray, np.ndarray]:
    """Score and additive terms: arithmetic w*y (sum = score), geometric
    w*ln(y) (sum = ln score), harmonic w/y (sum = 1/score)."""
    if aggregation == "arithmetic":
        terms = y * w
        return terms.sum(axis=1), terms
    if aggregation == "geometric":
        terms = np.log(y) * w
        return np.exp(terms.sum(axis=1)), terms
    terms = w / y
    return 1.0 / terms.sum(axis=1), terms


def _descending_rank(score: np.ndarray, groups: pd.Series | None) -> np.ndarray:
    s = pd.Series(score)
    r = s.rank(ascending=False, method="min") if groups is None else \
        s.groupby(groups.to_numpy()).rank(ascending=False, method="min")
    return r.to_numpy().astype(np.int64)


@dataclasses.dataclass
class _Prepared:
    """Everything a composite needs once the input has been checked."""

    frame: pd.DataFrame
    inds: list[str]
    ent: str
    per: str | None
    y: np.ndarray          # normalised (and lifted) indicators, rows x m
    weights: np.ndarray    # effective weights, sum 1
    pillar_names: list[str]
    within: np.ndarray
    pillar_weights: np.ndarray
    pillar_of: list[str] | None


def _prepare(
    data: Any, indicators: Any, *, weights: Any, normalisation: str | None, aggregation: str, direction: Any,
    pillars: Any, pillar_weights: Any, by: Any, bounds: Any, target: Any, reference: Any, floor: float | None,
    entity: str, period: str, rows: Any = None,
) -> _Prepared:
    frame, inds, ent, per = _gate(data, indicators, entity=entity, period=period)
    if rows is not None:
        frame = frame.loc[rows(frame, per)]
    check_choice(aggregation, AGGREGATIONS, name="aggregation")
    if normalisation is not None:
        check_choice(normalisation, NORMALISATIONS, name="normalisation")
    if floor is not None:
        floor = check_probability(floor, name="floor")
    signs = direction_sign(resolve_direction(direction, inds), inds)
    w = _resolve_weights(weights, frame, inds, signs)
    pillar_of = _resolve_pillars(pillars, inds)
    eff, names, within, pw = _structure(w, pillar_of, pillar_weights)
    if normalisation is None:
        if (signs < 0).any():
            lower = [i for i, s in zip(inds, signs) if s < 0]
            raise BenchmarkError(f"{format_list(lower)} are 'lower is better' but normalisation=None keeps raw "
                                 "values; choose a normalisation.")
        y = _floats(frame, inds)
    else:
        y = _normalised(frame, inds, normalisation, signs, by=by, bounds=bounds, target=target,
                        reference=reference, entity=ent)
    if aggregation != "arithmetic":
        y = _lift(y, normalisation, floor)
        _check_positive_matrix(y, frame, inds, _keys(ent, per), aggregation, normalisation)
    return _Prepared(frame, inds, ent, per, y, eff, names, within, pw, pillar_of)


@validate_params("entity", "period", "indicators")
def composite(
    data: pd.DataFrame,
    indicators: str | Sequence[str],
    *,
    weights: str | Mapping[str, float] | pd.Series | pd.DataFrame | None = None,
    normalisation: str | None = "minmax",
    aggregation: str = "arithmetic",
    direction: Mapping[str, str] | pd.DataFrame | str | None = None,
    pillars: Mapping[str, Any] | pd.DataFrame | None = None,
    pillar_weights: str | Mapping[str, float] | None = None,
    by: str | Sequence[str] | None = None,
    bounds: Mapping[str, tuple[float, float]] | None = None,
    target: Mapping[str, float] | None = None,
    reference: Any = None,
    floor: float | None = 0.01,
    impute: str | Mapping[str, Any] | None = None,
    treat: str | Mapping[str, Any] | None = None,
    entity: str = "institution",
    period: str = "year",
) -> pd.DataFrame:
    """Composite score and rank per entity (and period), with each indicator's contribution.

    Parameters
    ----------
    data : DataFrame
        One row per entity, or per (entity, period) when the ``period``
        column is present.
    indicators : str or list of str
    weights : None, method name, mapping, Series or indicator metadata
        ``None`` = equal; ``"entropy"``, ``"critic"``, ``"pca"`` = estimated
        by :func:`weights` on all rows; a mapping / Series / metadata
        DataFrame with a ``weight`` column = expert weights (validated,
        rescaled to sum to 1). With pillars they are rescaled within each
        pillar.
    normalisation : str or None
        A method of :func:`normalise`, or ``None`` for data already on a
        common, higher-is-better scale. Normalisation pools all rows (all
        periods) unless ``by`` is given, so scores are comparable over time.
    aggregation : {"arithmetic", "geometric", "harmonic"}
        Weighted arithmetic ``sum w y``, geometric ``prod y^w`` or harmonic
        ``1 / sum(w / y)`` mean, used at both levels when there are pillars.
    direction : None, str, mapping or indicator-metadata DataFrame
    pillars : mapping or indicator-metadata DataFrame, optional
        ``{indicator: pillar}``, ``{pillar: [indicators]}`` or metadata with a
        ``pillar`` column: indicators are aggregated into pillar scores and
        pillars into the index.
    pillar_weights : None, "equal", "sum" or mapping
        Weights of the pillars: equal (default), the sum of their indicators'
        weights (``"sum"`` keeps expert weights as global weights), or
        explicit.
    by, bounds, target, reference
        Passed to the normalisation (see :func:`normalise`).
    floor : float or None
        The zero rule for geometric and harmonic aggregation, which need
        positive values: bounded normalisations (min-max, goalposts,
        percentile) are mapped linearly from [lo, hi] onto
        [lo + floor (hi - lo), hi], so the worst value becomes ``floor`` on
        the [0, 1] scale instead of 0. ``None`` disables the rule. Other
        zero or negative values raise :class:`NonPositiveError`.
    impute, treat : None, method name or mapping of arguments
        Preprocessing run first: :func:`impute` (e.g. ``impute="median"``
        or ``impute={"method": "trend"}``) and then :func:`treat` (e.g.
        ``treat="auto"``). Call them directly to see every value changed.
    entity, period : str

    Returns
    -------
    DataFrame
        One row per input row, in input order: the entity (and period)
        columns, ``score``, ``rank`` (1 = best, within period; ties share
        the best rank), one score column per pillar, and one contribution
        column per indicator; with ``impute``/``treat``, also ``imputed``
        and/or ``treated``, the number of the row's values each step changed. Contributions are the additive terms of the
        aggregation: arithmetic ``w_i y_i`` (they sum to ``score``);
        geometric ``w_i ln y_i`` (they sum to ``ln score``; the most
        negative is the biggest drag); harmonic ``w_i / y_i`` (they sum to
        ``1 / score``; the largest is the biggest drag). ``w_i`` is the
        effective weight (pillar weight times within-pillar weight).

    See Also
    --------
    normalise : the normalisation step on its own.
    weights : equal, entropy, CRITIC, PCA or AHP weights.
    rank_uncertainty : how far the ranks depend on these choices.
    topsis : closeness to the ideal solution instead of a weighted sum.
    contributions : which indicators moved the score between two periods.
    benchmark.tiers : ordered tiers from the scores.

    Examples
    --------
    >>> df = pd.DataFrame({"institution": list("abc"), "x": [1.0, 2.0, 4.0], "y": [3.0, 1.0, 2.0]})
    >>> composite(df, ["x", "y"])
      institution     score  rank         x     y
    0           a  0.500000     2  0.000000  0.50
    1           b  0.166667     3  0.166667  0.00
    2           c  0.750000     1  0.500000  0.25
    """
    data, counts = _run_steps(data, indicators, impute, treat, entity, period)
    p = _prepare(data, indicators, weights=weights, normalisation=normalisation, aggregation=aggregation,
                 direction=direction, pillars=pillars, pillar_weights=pillar_weights, by=by, bounds=bounds,
                 target=target, reference=reference, floor=floor, entity=entity, period=period)
    score, terms = _aggregate(p.y, p.weights, aggregation)
    out = p.frame[_keys(p.ent, p.per)].reset_index(drop=True)
    out["score"] = score
    out["rank"] = _descending_rank(score, out[p.per] if p.per else None)
    reserved = set(out.columns) | set(p.inds)
    for k, name in enumerate(p.pillar_names):
        if name in reserved:
            raise ColumnError(f"pillar {name!r} has the name of an indicator or output column; rename the pillar.")
        cols = [j for j, q in enumerate(p.pillar_of) if q == name]
        out[name] = _aggregate(p.y[:, cols], p.within[cols], aggregation)[0]
    for j, c in enumerate(p.inds):
        out[c] = terms[:, j]
    for name, n in counts.items():
        out[name] = n
    return out


# ============================================================ contributions
def _log_mean(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Logarithmic mean (a - b) / (ln a - ln b), equal to a when a == b."""
    with np.errstate(divide="ignore", invalid="ignore"):
        out = (a - b) / (np.log(a) - np.log(b))
    return np.where(np.isclose(a, b, rtol=1e-12, atol=0), a, out)


def _decompose(y0: np.ndarray, y1: np.ndarray, w: np.ndarray, s0: np.ndarray, s1: np.ndarray,
               aggregation: str) -> np.ndarray:
    """Per-indicator parts of s1 - s0 that add up to it exactly."""
    if aggregation == "arithmetic":
        return (y1 - y0) * w
    if aggregation == "geometric":
        # LMDI: ln s1 - ln s0 = sum w ln(y1/y0), scaled to levels by the log mean.
        return _log_mean(s1, s0)[:, None] * w * np.log(y1 / y0)
    # 1/s = sum w/y, and s1 - s0 = -s0 s1 (1/s1 - 1/s0).
    return (s0 * s1)[:, None] * w * (1.0 / y0 - 1.0 / y1)


@validate_params("entity", "period", "indicators")
def contributions(
    data: pd.DataFrame,
    indicators: str | Sequence[str],
    *,
    start: Any = None,
    end: Any = None,
    weights: str | Mapping[str, float] | pd.Series | pd.DataFrame | None = None,
    normalisation: str | None = "minmax",
    aggregation: str = "arithmetic",
    direction: Mapping[str, str] | pd.DataFrame | str | None = None,
    pillars: Mapping[str, Any] | pd.DataFrame | None = None,
    pillar_weights: str | Mapping[str, float] | None = None,
    bounds: Mapping[str, tuple[float, float]] | None = None,
    target: Mapping[str, float] | None = None,
    floor: float | None = 0.01,
    entity: str = "institution",
    period: str = "year",
) -> pd.DataFrame:
    """Split each entity's change in composite score between two periods into
    per-indicator contributions that add up exactly to the change.

    The two periods are normalised together (one set of minima, maxima,
    means...), so an entity's normalised value moves only when its own raw
    value moves relative to that common scale, and data-driven weights are
    estimated on the same pooled rows. Scores therefore equal
    ``composite(data[data[period].isin([start, end])], ...)``.

    Contributions: arithmetic ``w_i (y_i,end - y_i,start)``; geometric the
    logarithmic-mean Divisia split (Ang 2004)
    ``L(S_end, S_start) w_i ln(y_i,end / y_i,start)`` with
    ``L(a, b) = (a - b) / (ln a - ln b)``; harmonic
    ``S_start S_end w_i (1 / y_i,start - 1 / y_i,end)``. Each sums to
    ``S_end - S_start`` exactly.

    Parameters
    ----------
    data : DataFrame
        A panel with entity and period columns.
    indicators : str or list of str
    start, end : period values
        Default: the first and last period in the data.
    weights, normalisation, aggregation, direction, pillars, pillar_weights, bounds, target, floor
        As in :func:`composite` (``"reference"`` normalisation is not
        offered: its scale moves with the reference entity).
    entity, period : str

    Returns
    -------
    DataFrame
        One row per entity: entity, ``start``, ``end``, ``score_start``,
        ``score_end``, ``change``, one contribution column per indicator and
        ``reason`` (why a row is NaN: the entity is absent in one period).

    See Also
    --------
    composite : the scores being split.
    obstacle_degree : which indicators hold the score back.

    Examples
    --------
    >>> df = pd.DataFrame({"institution": list("aabb"), "year": [2020, 2021] * 2,
    ...                    "x": [1.0, 3.0, 2.0, 2.0], "y": [0.0, 1.0, 2.0, 1.0]})
    >>> contributions(df, ["x", "y"])[["institution", "change", "x", "y"]]
      institution  change    x     y
    0           a    0.75  0.5  0.25
    1           b   -0.25  0.0 -0.25
    """
    frame = check_frame(data)
    if normalisation == "reference":
        raise BenchmarkError("normalisation='reference' is not available here because the reference entity "
                             "moves between periods; use 'minmax' or 'target'.")
    check_columns(frame, [period], name="data", what="period column")
    periods = sorted(pd.unique(frame[period].dropna()).tolist())
    start = periods[0] if start is None else start
    end = periods[-1] if end is None else end
    check_periods(frame, [start, end], period=period)
    if start == end:
        raise BenchmarkError(f"`start` and `end` are both {start!r}; give two different periods.")

    def rows(f: pd.DataFrame, per: str | None) -> np.ndarray:
        return f[per].isin([start, end]).to_numpy()

    p = _prepare(frame, indicators, weights=weights, normalisation=normalisation, aggregation=aggregation,
                 direction=direction, pillars=pillars, pillar_weights=pillar_weights, by=None, bounds=bounds,
                 target=target, reference=None, floor=floor, entity=entity, period=period, rows=rows)
    score, _ = _aggregate(p.y, p.weights, aggregation)
    ents = pd.Index(pd.unique(p.frame[p.ent]), name=p.ent)
    pos = pd.Series(np.arange(len(p.frame)), index=pd.MultiIndex.from_arrays([p.frame[p.ent], p.frame[p.per]]))
    i0 = pos.reindex(pd.MultiIndex.from_arrays([ents, [start] * len(ents)])).to_numpy()
    i1 = pos.reindex(pd.MultiIndex.from_arrays([ents, [end] * len(ents)])).to_numpy()
    ok = ~(np.isnan(i0) | np.isnan(i1))
    a, b = i0[ok].astype(int), i1[ok].astype(int)
    parts = np.full((len(ents), len(p.inds)), np.nan)
    parts[ok] = _decompose(p.y[a], p.y[b], p.weights, score[a], score[b], aggregation)
    s0, s1 = np.full(len(ents), np.nan), np.full(len(ents), np.nan)
    s0[~np.isnan(i0)] = score[i0[~np.isnan(i0)].astype(int)]
    s1[~np.isnan(i1)] = score[i1[~np.isnan(i1)].astype(int)]
    out = pd.DataFrame({p.ent: ents, "start": start, "end": end, "score_start": s0, "score_end": s1,
                        "change": s1 - s0})
    for j, c in enumerate(p.inds):
        out[c] = parts[:, j]
    reason = np.where(np.isnan(i0), f"no row in {period} {start}",
                      np.where(np.isnan(i1), f"no row in {period} {end}", ""))
    out["reason"] = pd.Series(reason, dtype="str").replace("", None)
    return out


# =================================================================== TOPSIS
@validate_params("entity", "period", "indicators")
def topsis(
    data: pd.DataFrame,
    indicators: str | Sequence[str],
    *,
    weights: str | Mapping[str, float] | pd.Series | pd.DataFrame | None = None,
    direction: Mapping[str, str] | pd.DataFrame | str | None = None,
    impute: str | Mapping[str, Any] | None = None,
    treat: str | Mapping[str, Any] | None = None,
    entity: str = "institution",
    period: str = "year",
) -> pd.DataFrame:
    """TOPSIS closeness to the ideal solution (Hwang & Yoon 1981), per period.

    Each indicator is vector-normalised ``r = x / sqrt(sum x^2)`` and
    weighted, ``v = w r``; the ideal takes each indicator's best ``v`` (max
    for "higher", min for "lower"), the anti-ideal its worst; with Euclidean
    distances ``d+`` and ``d-`` to them, the closeness is
    ``C = d- / (d+ + d-)`` in [0, 1]. Computed within each period when the
    period column is present.

    Parameters
    ----------
    data : DataFrame
    indicators : str or list of str
    weights : None, method name, mapping, Series or indicator metadata
        As in :func:`composite`.
    direction : None, str, mapping or indicator-metadata DataFrame
    impute, treat : None, method name or mapping of arguments
        Preprocessing steps run first, as in :func:`composite`.
    entity, period : str

    Returns
    -------
    DataFrame
        Entity (and period), ``d_best``, ``d_worst``, ``closeness`` and
        ``rank`` (1 = closest to the ideal, within period); with
        ``impute``/``treat`` also ``imputed``/``treated`` counts per row.

    See Also
    --------
    composite : a weighted sum of normalised indicators.
    grey_relational : the grey relational grade with a reference series.
    weights : the indicator weights.

    Examples
    --------
    >>> df = pd.DataFrame({"institution": list("ab"), "x": [1.0, 0.0], "y": [0.0, 5.0], "z": [3.0, 6.0]})
    >>> topsis(df, ["x", "y", "z"])[["institution", "closeness", "rank"]]
      institution  closeness  rank
    0           a   0.477226     2
    1           b   0.522774     1
    """
    data, counts = _run_steps(data, indicators, impute, treat, entity, period)
    frame, inds, ent, per = _gate(data, indicators, entity=entity, period=period)
    signs = direction_sign(resolve_direction(direction, inds), inds)
    w = _resolve_weights(weights, frame, inds, signs)
    x = _floats(frame, inds)
    key = frame.groupby(per, sort=False, observed=True).ngroup().to_numpy() if per else \
        np.zeros(len(frame), dtype=np.int64)
    x = x / column_scale(x, key)  # vector normalisation is scale-free; this keeps x**2 finite
    norm = np.sqrt(_by_group(x**2, key).transform("sum").to_numpy())
    if (norm == 0).any():
        j = int(np.flatnonzero((norm == 0).any(axis=0))[0])
        raise BenchmarkError(f"indicator {inds[j]!r} is zero for every row{' of a period' if per else ''}, "
                             "so TOPSIS cannot normalise it; drop it.")
    v = x / norm * w * signs  # sign flip turns "lower" into "higher", leaving distances unchanged
    g = _by_group(v, key)
    d_best = np.sqrt(((g.transform("max").to_numpy() - v) ** 2).sum(axis=1))
    d_worst = np.sqrt(((v - g.transform("min").to_numpy()) ** 2).sum(axis=1))
    if ((d_best + d_worst) == 0).any():
        raise BenchmarkError("every entity has identical values (or a period has a single entity), so the "
                             "ideal and anti-ideal coincide and TOPSIS is undefined.")
    closeness = d_worst / (d_best + d_worst)
    out = frame[_keys(ent, per)].reset_index(drop=True)
    out["d_best"], out["d_worst"], out["closeness"] = d_best, d_worst, closeness
    out["rank"] = _descending_rank(closeness, out[per] if per else None)
    for name, n in counts.items():
        out[name] = n
    return out


# ========================================================= rank uncertainty
def _sobol_terms(f_a: np.ndarray, f_b: np.ndarray, f_ab: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Numerators of the first-order (Saltelli et al. 2010) and total (Jansen
    1999) indices for one factor; ``f_ab`` is the output on A with that
    factor's column taken from B. Averages over axis 0.

    The outputs are centred on their A-and-B mean first: that leaves the
    expectation of the first-order estimator unchanged (E[f_ab - f_a] = 0)
    and removes its large variance when the mean is far from zero.
    """
    exact = np.int64 if np.issubdtype(np.result_type(f_a, f_b, f_ab), np.integer) else np.float64
    diff = np.subtract(f_ab, f_a, dtype=exact)  # integer ranks stay exact
    centre = 0.5 * (f_a.mean(axis=0) + f_b.mean(axis=0))
    first = np.mean(f_b * diff, axis=0) - centre * np.mean(diff, axis=0)
    total = 0.5 * np.mean(diff * diff, axis=0)
    return first, total


def _sobol_indices(f_a: np.ndarray, f_b: np.ndarray, f_ab: Sequence[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """First-order and total Sobol indices of each factor (rows of the result)."""
    variance = np.var(np.concatenate([f_a, f_b]), axis=0, ddof=1)
    terms = np.array([_sobol_terms(f_a, f_b, f) for f in f_ab])  # factors x 2 x ...
    return _share(terms[:, 0], variance), _share(terms[:, 1], variance)


def _share(part: np.ndarray, variance: Any) -> np.ndarray:
    """part / variance, and 0 where the output never varies (nothing to attribute)."""
    variance = np.broadcast_to(variance, np.shape(part))
    return np.divide(part, variance, out=np.zeros(np.shape(part)), where=variance > 0)


def _row_ranks(scores: np.ndarray) -> np.ndarray:
    """Rank 1 = highest score along each row (exact ties broken arbitrarily)."""
    order = np.argsort(scores, axis=1)
    ranks = np.empty(order.shape, dtype=np.int32)
    np.put_along_axis(ranks, order, np.arange(scores.shape[1], 0, -1, dtype=np.int32)[None, :], axis=1)
    return ranks


def _mc_matrices(
    frame: pd.DataFrame, inds: list[str], signs: np.ndarray, methods: Sequence[str],
    aggregations: Sequence[str], floor: float,
) -> dict[tuple[int, int], tuple[np.ndarray, float]]:
    """For each (normalisation, aggregation) pair, a matrix T (returned
    transposed) and a sign such that sign * (T @ w) orders entities like the
    composite score."""
    out = {}
    for k, method in enumerate(methods):
        y = _normalised(frame, inds, method, signs)
        for a, agg in enumerate(aggregations):
            if agg == "arithmetic":
                out[k, a] = (y, 1.0)
                continue
            if method in _BOUNDED:
                pos = _lift(y, method, floor)
            elif method == "rank":
                pos = y
            else:  # unbounded scores: their min-max positions, lifted
                lo, hi = y.min(axis=0), y.max(axis=0)
                pos = floor + (1.0 - floor) * (y - lo) / (hi - lo)
            # geometric: exp is monotone; harmonic: 1/x reverses the order
            out[k, a] = (np.log(pos), 1.0) if agg == "geometric" else (1.0 / pos, -1.0)
    # transposed float32 copies: the draws' products need no more precision than ranks do
    return {key: (np.ascontiguousarray(t.T, dtype=np.float32), sign) for key, (t, sign) in out.items()}


def _concentration(weight_noise: float, m: int) -> float:
    """Dirichlet concentration giving coefficient of variation ``weight_noise``
    to a weight of size 1/m: CV^2 = (m - 1) / (c + 1)."""
    c = (m - 1) / weight_noise**2 - 1.0
    if c <= 0:
        raise BenchmarkError(f"`weight_noise`={weight_noise} is too large for {m} indicators (the largest "
                             f"possible is {np.sqrt(m - 1):.3g}); use a smaller value or 'uniform'.")
    return c


@dataclasses.dataclass
class _Design:
    weights: np.ndarray        # N x m
    normalisation: np.ndarray  # N
    aggregation: np.ndarray    # N
    drop: np.ndarray           # N (0 = none, j + 1 = indicator j dropped)

    def swap(self, other: _Design, factor: str) -> _Design:
        return dataclasses.replace(self, **{factor: getattr(other, factor)})


def _draw(rng: np.random.Generator, size: int, w0: np.ndarray, noise: Any, n_norm: int, n_agg: int,
          drop_one: bool) -> _Design:
    m = len(w0)
    w = np.tile(w0, (size, 1))
    live = w0 > 0
    if noise is not None and live.sum() > 1:
        alpha = np.ones(live.sum()) if noise == "uniform" else _concentration(noise, int(live.sum())) * w0[live]
        w[:, live] = rng.dirichlet(alpha, size=size)
    return _Design(
        weights=w,
        normalisation=rng.integers(n_norm, size=size),
        aggregation=rng.integers(n_agg, size=size),
        drop=rng.integers(m + 1, size=size) if drop_one else np.zeros(size, dtype=np.int64),
    )


def _effective(design: _Design, sl: slice, member: np.ndarray) -> np.ndarray:
    """Draw weights after dropping an indicator: its weight goes to the other
    indicators of its pillar (or to all indicators when it was alone). The
    only indicator with a positive weight is never dropped."""
    w = design.weights[sl]
    drop = design.drop[sl]
    if drop.any():
        keep = np.ones_like(w)
        hit = np.flatnonzero(drop > 0)
        keep[hit, drop[hit] - 1] = 0.0
        before, after = w @ member, (w * keep) @ member
        with np.errstate(divide="ignore", invalid="ignore"):
            scale = np.where(after > 0, before / after, 1.0)
        dropped = w * keep * (scale @ member.T)
        w = np.where(dropped.sum(axis=1, keepdims=True) > 0, dropped, w)
    return w / w.sum(axis=1, keepdims=True)


def _block_ranks(design: _Design, sl: slice, mats: dict, member: np.ndarray) -> np.ndarray:
    """Ranks (draws x entities) of the draws in ``sl``: one matrix product per
    (normalisation, aggregation) pair, on the draws sorted by that pair."""
    w = _effective(design, sl, member).astype(np.float32)
    combo = design.normalisation[sl] * 64 + design.aggregation[sl]
    order = np.argsort(combo, kind="stable")
    combo = combo[order]
    cuts = np.flatnonzero(np.diff(combo)) + 1
    n_ent = next(iter(mats.values()))[0].shape[1]
    scores = np.empty((len(w), n_ent), dtype=np.float32)
    for a, b in zip(np.r_[0, cuts], np.r_[cuts, len(combo)]):
        tt, sign = mats[int(combo[a]) // 64, int(combo[a]) % 64]
        np.matmul(w[order[a:b]], tt, out=scores[a:b])
        if sign < 0:
            np.negative(scores[a:b], out=scores[a:b])
    ranks = np.empty_like(scores, dtype=np.int32)
    ranks[order] = _row_ranks(scores)
    return ranks


def _all_ranks(design: _Design, mats: dict, member: np.ndarray, block: int, pool: Any, bar: Any) -> np.ndarray:
    """Ranks of every draw of ``design``; blocks are sorted in parallel threads
    (numpy releases the GIL while sorting and multiplying)."""
    size = len(design.drop)
    slices = [slice(a, min(a + block, size)) for a in range(0, size, block)]
    parts = []
    for r in pool.map(lambda sl: _block_ranks(design, sl, mats, member), slices):
        parts.append(r)
        bar.update(1)
    return np.concatenate(parts)


@dataclasses.dataclass(frozen=True, repr=False)
class RankUncertainty(Result):
    """Monte Carlo rank distribution and variance-based sensitivity of a composite.

    Attributes
    ----------
    ranks : DataFrame
        Per entity: nominal ``score`` and ``nominal_rank``, ``median_rank``,
        ``mean_rank``, ``ci_low`` and ``ci_high`` (the central interval of
        the simulated ranks at level ``ci``, by default 5-95 %), sorted by
        nominal rank.
    sensitivity : DataFrame
        Per uncertain factor and output: ``first_order`` (Saltelli et al.
        2010) and ``total`` (Jansen 1999) Sobol indices. Output
        ``"mean_rank_shift"`` is the mean absolute difference between
        simulated and nominal ranks over entities; output ``"rank"`` pools
        the entities' rank variances (sum of partial variances over sum of
        variances). Indices are 0 when the output never varies.
    factors : DataFrame
        The uncertain factors and how they were drawn.
    n_draws : int
        Number of draws behind the rank distribution (A and B samples).
    ci : float
        Level of the rank interval.
    evaluations : int
        Number of composite evaluations, (factors + 2) n / 2.

    See Also
    --------
    rank_uncertainty : the analysis that returns this result.
    benchmark.plot_rank_intervals : the rank intervals per entity.

    """

    ranks: pd.DataFrame
    sensitivity: pd.DataFrame
    factors: pd.DataFrame
    n_draws: int
    evaluations: int
    entity: str
    ci: float = 0.90

    def summary(self) -> pd.DataFrame:
        """Headline figures (``statistic, value``).

        Entities, draws, composite evaluations, interval level, the mean
        width of the rank intervals (``ci_high - ci_low``), and the uncertain
        factor with the largest total Sobol index on the pooled ranks
        (``most_influential``, with that index as ``most_influential_total``).
        Per-entity ranks are in :attr:`ranks`, all indices in
        :attr:`sensitivity`.
        """
        sens = self.sensitivity
        if len(sens) and "rank" in set(sens["output"]):
            sens = sens[sens["output"] == "rank"]
        top = sens.loc[sens["total"].idxmax()] if len(sens) and sens["total"].notna().any() else None
        return headline([
            ("entities", len(self.ranks)), ("n_draws", self.n_draws), ("evaluations", self.evaluations),
            ("ci", self.ci), ("mean_interval_width", (self.ranks["ci_high"] - self.ranks["ci_low"]).mean()),
            ("most_influential", "none" if top is None else str(top["factor"])),
            ("most_influential_total", np.nan if top is None else top["total"]),
        ])

    def plot(self, **kwargs: Any) -> Any:
        """Rank intervals per entity (needs matplotlib; see :mod:`benchmark.plotting`)."""
        from benchmark.plotting import plot_rank_intervals

        return plot_rank_intervals(self, **kwargs)


def _mc_factors(
    weight_noise: Any, methods: Sequence[str], aggregations: Sequence[str], drop_one: bool, inds: list[str],
) -> pd.DataFrame:
    rows = []
    if weight_noise is not None:
        how = ("Dirichlet(1, ..., 1): uniform on the simplex" if weight_noise == "uniform" else
               f"Dirichlet around the nominal weights, CV {weight_noise:g} for a weight of 1/m")
        rows.append(("weights", how))
    if len(methods) > 1:
        rows.append(("normalisation", "uniform over " + ", ".join(methods)))
    if len(aggregations) > 1:
        rows.append(("aggregation", "uniform over " + ", ".join(aggregations)))
    if drop_one:
        rows.append(("dropped indicator", f"uniform over none and each of the {len(inds)} indicators"))
    return pd.DataFrame(rows, columns=["factor", "distribution"])


def _check_mc_args(n: Any, weight_noise: Any, methods: Any, aggregations: Any) -> tuple:
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 20:
        raise BenchmarkError(f"`n_draws` must be an integer >= 20 (the number of Monte Carlo draws); got {n!r}.")
    if weight_noise is not None and weight_noise != "uniform":
        try:
            weight_noise = float(weight_noise)
        except (TypeError, ValueError):
            raise BenchmarkError(f"`weight_noise` must be a positive number, 'uniform' or None; got {weight_noise!r}.") from None
        if weight_noise < 0 or not np.isfinite(weight_noise):
            raise BenchmarkError(f"`weight_noise` must be a positive number, 'uniform' or None; got {weight_noise!r}.")
        weight_noise = weight_noise or None
    methods = as_list(methods, name="normalisations")
    for mth in methods:
        check_choice(mth, _FREE_METHODS, name="normalisations")
    aggregations = as_list(aggregations, name="aggregations")
    for agg in aggregations:
        check_choice(agg, AGGREGATIONS, name="aggregations")
    return int(n), weight_noise, methods, aggregations


@validate_params("entity", "period", "indicators", "random_state", "n_jobs", "progress", "n_draws", "ci")
def rank_uncertainty(
    data: pd.DataFrame,
    indicators: str | Sequence[str],
    *,
    n_draws: int = 1000,
    ci: float = 0.90,
    weights: str | Mapping[str, float] | pd.Series | pd.DataFrame | None = None,
    normalisation: str = "minmax",
    aggregation: str = "arithmetic",
    direction: Mapping[str, str] | pd.DataFrame | str | None = None,
    pillars: Mapping[str, Any] | pd.DataFrame | None = None,
    pillar_weights: str | Mapping[str, float] | None = None,
    weight_noise: float | str | None = 0.25,
    normalisations: Sequence[str] = ("minmax", "zscore", "rank"),
    aggregations: Sequence[str] = ("arithmetic", "geometric"),
    drop_one: bool = False,
    floor: float = 0.01,
    entity: str = "institution",
    period: str = "year",
    random_state: int | np.random.Generator | None = None,
    progress: bool = False,
    n_jobs: int = 1,
    impute: str | Mapping[str, Any] | None = None,
    treat: str | Mapping[str, Any] | None = None,
) -> RankUncertainty:
    """How much do the ranks depend on the weights, normalisation and aggregation?

    A Monte Carlo over the analyst's choices on a cross-section: each draw
    perturbs the weights, picks a normalisation and an aggregation rule and,
    with ``drop_one``, leaves out one indicator (or none); the composite is
    recomputed and the entities ranked. The draws follow Saltelli's design
    (two independent samples A and B of ``n/2`` draws, plus one matrix per
    factor with that factor taken from B), from which first-order (Saltelli
    et al. 2010) and total (Jansen 1999) Sobol indices are estimated.

    Parameters
    ----------
    data : DataFrame
        One row per entity (a single period).
    indicators : str or list of str
    n_draws : int
        Draws behind the rank distribution (rounded up to even); the
        sensitivity analysis costs (factors + 2) n_draws / 2 composite
        evaluations.
    ci : float
        Level of the rank interval (default 0.90: the 5-95 % interval).
    weights, normalisation, aggregation, direction, pillars, pillar_weights
        The nominal composite (see :func:`composite`), which gives the
        nominal ranks; draws perturb its effective weights.
    weight_noise : float, "uniform" or None
        Weights are drawn from a Dirichlet distribution centred on the
        nominal weights whose concentration gives a weight of 1/m a
        coefficient of variation of ``weight_noise``; ``"uniform"`` draws
        them uniformly on the simplex; ``None`` keeps them fixed.
    normalisations, aggregations : sequences of str
        The alternatives drawn uniformly (one entry = not uncertain).
        Normalisations must be among minmax, zscore, robust, rank,
        percentile. Geometric and harmonic draws need positive values: bounded
        normalisations get the ``floor`` rule of :func:`composite`, z-scores
        and robust z-scores are first mapped onto [floor, 1] by min-max.
    drop_one : bool
        Also draw an indicator to leave out (or none); its weight goes to the
        other indicators of its pillar.
    floor : float
        The zero rule (see :func:`composite`).
    entity, period : str
    random_state : None, int or Generator
    progress : bool
        Show a tqdm progress bar.
    n_jobs : int
        Threads that score and rank blocks of draws (default 1; -1 = all
        cores). Results do not depend on it.
    impute, treat : None, method name or mapping of arguments
        Preprocessing steps run first, as in :func:`composite`.

    Returns
    -------
    RankUncertainty
        ``ranks``, ``sensitivity`` and ``factors`` tables.

    See Also
    --------
    composite : the nominal scores and ranks.
    benchmark.plot_rank_intervals : the rank intervals per entity.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> df = pd.DataFrame(rng.uniform(size=(5, 3)), columns=["x", "y", "z"])
    >>> df.insert(0, "institution", list("abcde"))
    >>> res = rank_uncertainty(df, ["x", "y", "z"], n_draws=200, random_state=1)
    >>> list(res.ranks.columns)
    ['institution', 'score', 'nominal_rank', 'median_rank', 'mean_rank', 'ci_low', 'ci_high']
    >>> res.sensitivity["factor"].unique().tolist()
    ['weights', 'normalisation', 'aggregation']
    """
    n, weight_noise, methods, aggs = _check_mc_args(n_draws, weight_noise, normalisations, aggregations)
    if ci is None:
        raise BenchmarkError("`ci` must be a level between 0 and 1 (e.g. 0.90 for the 5-95 % rank interval).")
    n_jobs = check_n_jobs(n_jobs)
    data, _ = _run_steps(data, indicators, impute, treat, entity, period)
    nominal = _prepare(data, indicators, weights=weights, normalisation=normalisation, aggregation=aggregation,
                       direction=direction, pillars=pillars, pillar_weights=pillar_weights, by=None, bounds=None,
                       target=None, reference=None, floor=floor, entity=entity, period=period)
    frame, inds, ent, per = nominal.frame, nominal.inds, nominal.ent, nominal.per
    if per is not None and frame[per].nunique() > 1:
        raise BenchmarkError(f"rank_uncertainty works on one period, but `data` has {frame[per].nunique()} "
                             f"values of {per!r}; select one, e.g. data[data[{per!r}] == 2023].")
    if len(frame) < 3:
        raise BenchmarkError(f"rank_uncertainty needs at least 3 entities; got {len(frame)}.")
    factors = _mc_factors(weight_noise, methods, aggs, drop_one, inds)
    if factors.empty:
        raise BenchmarkError("nothing is uncertain: set weight_noise, give several normalisations or "
                             "aggregations, or drop_one=True.")
    signs = direction_sign(resolve_direction(direction, inds), inds)
    score, _ = _aggregate(nominal.y, nominal.weights, aggregation)
    nominal_rank = _descending_rank(score, None)
    member = (np.ones((len(inds), 1)) if nominal.pillar_of is None else
              np.array([[p == q for q in nominal.pillar_names] for p in nominal.pillar_of], dtype=float))
    half = (n + 1) // 2
    rng = check_random_state(random_state)
    draws = [_draw(rng, half, nominal.weights, weight_noise, len(methods), len(aggs), drop_one) for _ in "AB"]
    designs = draws + [draws[0].swap(draws[1], _FACTOR_FIELD[f]) for f in factors["factor"]]
    simulate = _Simulation(_mc_matrices(frame, inds, signs, methods, aggs, floor), member,
                           nominal_rank.astype(np.int32), n_jobs)
    ranks, sensitivity = simulate.run(designs, list(factors["factor"]), progress)
    table = _rank_table(frame[ent], score, nominal_rank, ranks, ci)
    return RankUncertainty(ranks=table, sensitivity=sensitivity, factors=factors, n_draws=2 * half, ci=ci,
                           evaluations=len(designs) * half, entity=ent)


_FACTOR_FIELD = {"weights": "weights", "normalisation": "normalisation", "aggregation": "aggregation",
                 "dropped indicator": "drop"}


@dataclasses.dataclass
class _Simulation:
    """Scores and ranks the draws of Saltelli's design and estimates the indices."""

    mats: dict
    member: np.ndarray
    nominal_rank: np.ndarray
    n_jobs: int

    def run(self, designs: list[_Design], names: list[str], progress: bool) -> tuple[np.ndarray, pd.DataFrame]:
        n_ent = len(self.nominal_rank)
        size = len(designs[0].drop)
        block = max(1, 1_000_000 // n_ent)
        bar = _progress(progress, len(designs) * -(-size // block))
        with _single_threaded_blas(), ThreadPoolExecutor(max_workers=self.n_jobs) as pool:
            rank = lambda d: _all_ranks(d, self.mats, self.member, block, pool, bar)
            rank_a, rank_b = rank(designs[0]), rank(designs[1])
            shift_a, shift_b = self.shift(rank_a), self.shift(rank_b)
            pooled_var = np.var(np.concatenate([rank_a, rank_b]), axis=0, ddof=1).sum()
            rows = []
            for name, design in zip(names, designs[2:]):
                r_ab = rank(design)
                s1, st = _sobol_indices(shift_a, shift_b, [self.shift(r_ab)])
                first, total = _sobol_terms(rank_a, rank_b, r_ab)
                rows.append((name, "mean_rank_shift", float(s1[0]), float(st[0])))
                rows.append((name, "rank", float(_share(first.sum(), pooled_var)),
                             float(_share(total.sum(), pooled_var))))
        bar.close()
        table = pd.DataFrame(rows, columns=["factor", "output", "first_order", "total"])
        table = table.sort_values("output", kind="stable").reset_index(drop=True)
        return np.concatenate([rank_a, rank_b]), table

    def shift(self, ranks: np.ndarray) -> np.ndarray:
        """Mean absolute rank shift from the nominal ranks, per draw."""
        return np.abs(ranks - self.nominal_rank).sum(axis=1, dtype=np.int64) / ranks.shape[1]


def _single_threaded_blas() -> Any:
    """The products are small (draws x indicators x entities): a multi-threaded
    BLAS inside our own threads only adds contention."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - installed with scikit-learn
        return contextlib.nullcontext()
    return threadpool_limits(limits=1, user_api="blas")


def _rank_table(names: pd.Series, score: np.ndarray, nominal_rank: np.ndarray, ranks: np.ndarray,
                ci: float) -> pd.DataFrame:
    tail = (1.0 - ci) / 2.0
    q = np.quantile(ranks, [tail, 0.5, 1.0 - tail], axis=0, method="inverted_cdf")
    out = pd.DataFrame({names.name: names.to_numpy(), "score": score, "nominal_rank": nominal_rank,
                        "median_rank": q[1].astype(np.int64), "mean_rank": ranks.mean(axis=0),
                        "ci_low": q[0].astype(np.int64), "ci_high": q[2].astype(np.int64)})
    return out.sort_values("nominal_rank", kind="stable").reset_index(drop=True)


class _NoBar:
    def update(self, k: int) -> None:
        pass

    def close(self) -> None:
        pass


def _progress(show: bool, total: int) -> Any:
    if not show:
        return _NoBar()
    from tqdm.auto import tqdm

    return tqdm(total=total, desc="rank_uncertainty")


# ======================================================================= AHP
#: Saaty's random consistency index RI(n) for n = 1..15: the mean consistency
#: index of random reciprocal matrices on the 1/9..9 scale (Saaty 1980 for
#: n <= 10; n = 11..15 as usually reproduced from Saaty's later tables).
SAATY_RI = (0.0, 0.0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49, 1.51, 1.48, 1.56, 1.57, 1.59)
#: Alonso & Lamata (2006, table 3): RI from 100 000 random matrices per n.
ALONSO_LAMATA_RI = (0.0, 0.0, 0.5245, 0.8815, 1.1086, 1.2479, 1.3417, 1.4056, 1.4499, 1.4854, 1.5141,
                    1.5365, 1.5551, 1.5713, 1.5838)
_RI_TABLES = {"saaty": SAATY_RI, "alonso-lamata": ALONSO_LAMATA_RI}
#: Ways of combining subjective and objective weights (:func:`combine_weights`).
COMBINATIONS = ("linear", "multiplicative", "game")


@dataclasses.dataclass(frozen=True, repr=False)
class AHPResult(Result):
    """Priorities and consistency of one or several pairwise-comparison matrices.

    Attributes
    ----------
    priorities : DataFrame
        One row per item: ``item``, ``eigenvector`` (Saaty's principal right
        eigenvector), ``geometric_mean`` (normalised row geometric means),
        ``weight`` (the one chosen by ``method``) and ``rank``.
    consistency : DataFrame
        One row per matrix (``expert``; ``"group"`` for the aggregated
        matrix): ``n``, ``lambda_max``, ``ci`` = (lambda_max - n) / (n - 1),
        ``ri``, ``cr`` = CI / RI and ``consistent`` (CR < 0.1).
    judgements : DataFrame
        Every judgement a_ij (i before j) with the value the priorities imply,
        w_i / w_j, and ``deviation`` = max(e, 1/e) with e = a_ij w_j / w_i,
        sorted from the most inconsistent.
    matrix : DataFrame
        The (aggregated) judgement matrix the priorities come from.
    lambda_max, ci, cr : float
        Of ``matrix`` (NaN under ``aggregation="aip"``, which has none).
    consistent : bool
        CR < 0.1 for the group matrix, or for every expert under AIP.
    verdict : str
        One sentence on consistency naming the worst judgements.

    See Also
    --------
    ahp : the analysis that returns this result.
    combine_weights : combine these priorities with objective weights.

    """

    priorities: pd.DataFrame
    consistency: pd.DataFrame
    judgements: pd.DataFrame
    matrix: pd.DataFrame
    lambda_max: float
    ci: float
    cr: float
    consistent: bool
    verdict: str
    method: str
    random_index: str
    aggregation: str | None

    @property
    def weights(self) -> pd.Series:
        """The priorities as indicator weights (index ``indicator``, name ``weight``)."""
        return pd.Series(self.priorities["weight"].to_numpy(),
                         index=pd.Index(self.priorities["item"].tolist(), name="indicator"), name="weight")

    def summary(self) -> pd.DataFrame:
        """Headline figures (``statistic, value``).

        Number of items, the weighting method, lambda_max, the consistency
        index ``ci``, the consistency ratio ``cr``, whether the judgements are
        ``consistent`` and the ``verdict``. The weights are in
        :attr:`priorities`.
        """
        return headline([("items", len(self.priorities)), ("method", self.method),
                         ("lambda_max", self.lambda_max), ("ci", self.ci), ("cr", self.cr),
                         ("consistent", bool(self.consistent)), ("verdict", self.verdict)])


def _ahp_error(expert: Any, text: str) -> BenchmarkError:
    who = "" if expert is None else f" of expert {expert!r}"
    return BenchmarkError(f"pairwise-comparison matrix{who}: {text}")


def _square(matrix: Any, items: Sequence[Any] | None, expert: Any) -> tuple[np.ndarray, list[Any]]:
    """A checked reciprocal matrix and its item names."""
    if isinstance(matrix, pd.DataFrame):
        names = list(matrix.columns)
        if list(matrix.index) != names and not isinstance(matrix.index, pd.RangeIndex):
            raise _ahp_error(expert, "the row labels must equal the column labels in the same order.")
        values = matrix.apply(pd.to_numeric, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    else:
        try:
            values = np.asarray(matrix, dtype=float)
        except (TypeError, ValueError):
            raise _ahp_error(expert, "entries must be numbers.") from None
        names = None
    if values.ndim != 2 or values.shape[0] != values.shape[1] or values.shape[0] < 2:
        raise _ahp_error(expert, f"must be square with at least 2 items; got shape {values.shape}.")
    n = values.shape[0]
    if items is not None:
        names = _item_names(items)
        if len(names) != n:
            raise _ahp_error(expert, f"`items` names {len(names)} items but the matrix has {n}.")
    names = names if names is not None else [f"c{i + 1}" for i in range(n)]
    bad = ~(np.isfinite(values) & (values > 0))
    if bad.any():
        i, j = np.argwhere(bad)[0]
        raise _ahp_error(expert, f"entry (row {names[i]!r}, column {names[j]!r}) is {values[i, j]:g}; "
                                 "judgements must be positive finite numbers (1/9 ... 9).")
    if not np.allclose(np.diag(values), 1.0):
        i = int(np.flatnonzero(~np.isclose(np.diag(values), 1.0))[0])
        raise _ahp_error(expert, f"diagonal entry for {names[i]!r} is {values[i, i]:g}; it must be 1.")
    off = ~np.isclose(values * values.T, 1.0, rtol=0.02)
    if off.any():
        i, j = np.argwhere(np.triu(off))[0]
        raise _ahp_error(expert, f"not reciprocal: a[{names[i]!r}, {names[j]!r}] = {values[i, j]:g} but "
                                 f"a[{names[j]!r}, {names[i]!r}] = {values[j, i]:g}; the second must be "
                                 f"1/{values[i, j]:g}.")
    # rounded reciprocals (0.33 for 1/3) are replaced by exact ones
    upper = np.triu(values, 1)
    return np.triu(values) + np.tril(1.0 / np.where(upper.T > 0, upper.T, 1.0), -1), names


def _item_names(items: Any) -> list[Any]:
    """``items`` as a list of distinct names (a bare string is one name, not a list of letters)."""
    if isinstance(items, str) or not isinstance(items, Iterable):
        raise BenchmarkError(f"`items` must be a list of item names, one per row of the matrix; got {items!r}.")
    names = list(items)
    dupes = [v for v in dict.fromkeys(names) if names.count(v) > 1]
    if dupes:
        raise BenchmarkError(f"`items` names {format_list(dupes)} more than once; every item needs its own name.")
    return names


def _from_upper(values: Sequence[Any], items: Sequence[Any] | None) -> np.ndarray:
    flat = np.asarray(values, dtype=float)
    n = round((1 + np.sqrt(1 + 8 * len(flat))) / 2)
    if n * (n - 1) // 2 != len(flat) or n < 2:
        raise BenchmarkError(f"an upper-triangle list must hold n(n-1)/2 judgements (1, 3, 6, 10, ...); "
                             f"got {len(flat)}.")
    out = np.ones((n, n))
    out[np.triu_indices(n, 1)] = flat
    low = np.divide(1.0, out.T, out=np.full((n, n), np.nan), where=out.T != 0)
    return np.triu(out) + np.tril(low, -1)


def _from_long(table: pd.DataFrame, row: str, col: str, value: str, expert: str,
               items: Sequence[Any] | None) -> dict[Any, pd.DataFrame]:
    check_columns(table, [row, col, value], name="judgements", what="column")
    check_missing(table, [row, col, value, *([expert] if expert in table.columns else [])], name="judgements",
                  hint="every judgement needs its pair, its value and (in a group table) its expert")
    check_numeric(table, [value], name="judgements")
    has_expert = expert in table.columns
    names = _item_names(items) if items is not None else \
        list(dict.fromkeys(v for pair in zip(table[row], table[col]) for v in pair))
    out = {}
    for who, part in (table.groupby(expert, sort=False) if has_expert else [(None, table)]):
        pos = {name: k for k, name in enumerate(names)}
        m = np.full((len(names), len(names)), np.nan)
        np.fill_diagonal(m, 1.0)
        for r, c, v in zip(part[row], part[col], part[value].astype(float)):
            if r not in pos or c not in pos:
                raise _ahp_error(who, f"item {r if r not in pos else c!r} is not among `items`.")
            if not v > 0:
                raise _ahp_error(who, f"the judgement for ({r!r}, {c!r}) is {v:g}; judgements must be "
                                      "positive (1/9 ... 9).")
            for (a, b, x) in ((r, c, v), (c, r, 1.0 / v)):
                old = m[pos[a], pos[b]]
                if not np.isnan(old) and not np.isclose(old, x, rtol=0.02):
                    raise _ahp_error(who, f"the pair ({a!r}, {b!r}) is judged twice, inconsistently "
                                          f"({old:g} and {x:g}).")
                m[pos[a], pos[b]] = x
        gaps = np.argwhere(np.isnan(m))
        if len(gaps):
            i, j = gaps[0]
            raise _ahp_error(who, f"no judgement for the pair ({names[i]!r}, {names[j]!r}); every pair "
                                  "needs one.")
        out[who] = pd.DataFrame(m, index=names, columns=names)
    return out if has_expert else {None: out[None]}


def _looks_square(values: Any) -> bool:
    """A nested list that is a square matrix with a unit diagonal (not a list
    of upper triangles, one per expert)."""
    try:
        a = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        return False
    return a.ndim == 2 and a.shape[0] == a.shape[1] and bool(np.allclose(np.diag(a), 1.0))


def _ahp_inputs(judgements: Any, items: Any, row: str, col: str, value: str,
                expert: str) -> tuple[dict[Any, np.ndarray], list[Any]]:
    """Every input shape as {expert: checked matrix} (key None for a single matrix)."""
    if isinstance(judgements, pd.DataFrame) and {row, col, value} <= set(judgements.columns):
        raw = _from_long(judgements, row, col, value, expert, items)
    elif isinstance(judgements, Mapping):
        raw = dict(judgements)
        if not raw:
            raise BenchmarkError("`judgements` is an empty mapping; give {expert: matrix} for at least one expert.")
    elif isinstance(judgements, pd.DataFrame) or (isinstance(judgements, np.ndarray) and judgements.ndim == 2):
        raw = {None: judgements}
    elif isinstance(judgements, pd.Series) or (isinstance(judgements, np.ndarray) and judgements.ndim == 1):
        raw = {None: _from_upper(np.asarray(judgements, dtype=float), items)}
    elif isinstance(judgements, np.ndarray) and judgements.ndim == 3:
        raw = {k + 1: m for k, m in enumerate(judgements)}
    elif isinstance(judgements, Sequence) and not isinstance(judgements, str) and len(judgements) > 0:
        first = judgements[0]
        if _looks_square(judgements):
            raw = {None: judgements}
        elif isinstance(first, pd.DataFrame) or np.ndim(first) == 2:
            raw = {k + 1: m for k, m in enumerate(judgements)}
        elif np.ndim(first) == 0:
            try:
                raw = {None: _from_upper(judgements, items)}
            except (TypeError, ValueError) as exc:
                if isinstance(exc, BenchmarkError):
                    raise
                raise BenchmarkError("an upper-triangle list must hold numbers.") from None
        else:
            raw = {k + 1: _from_upper(m, items) for k, m in enumerate(judgements)}
    else:
        raise BenchmarkError("`judgements` must be a square matrix (ndarray or DataFrame), an upper-triangle "
                             "list, a list or dict of matrices (one per expert), or a long table with columns "
                             f"{row!r}, {col!r}, {value!r} (and {expert!r}); got {type(judgements).__name__}.")
    mats, names = {}, None
    for who, m in raw.items():
        arr, these = _square(m, items, who)
        if names is not None and (len(these) != len(names) or these != names):
            raise _ahp_error(who, f"its items {format_list(these)} differ from the first expert's "
                                  f"({format_list(names)}); compare the same items in the same order.")
        mats[who], names = arr, these
    return mats, names


def _eigen_priorities(a: np.ndarray) -> tuple[np.ndarray, float]:
    """Perron eigenvector (sum 1) and eigenvalue of a positive matrix."""
    values, vectors = np.linalg.eig(a)
    k = int(np.argmax(values.real))
    v = np.abs(vectors[:, k].real)
    return v / v.sum(), float(values[k].real)


def _geometric_priorities(a: np.ndarray) -> np.ndarray:
    g = np.exp(np.log(a).mean(axis=1))
    return g / g.sum()


def _random_index(n: int, table: str) -> float:
    ri = _RI_TABLES[table]
    return ri[n - 1] if n <= len(ri) else np.nan


def _consistency_row(expert: Any, a: np.ndarray, table: str) -> dict[str, Any]:
    n = len(a)
    _, lam = _eigen_priorities(a)
    ci = (lam - n) / (n - 1) if n > 2 else 0.0
    ri = _random_index(n, table)
    cr = ci / ri if ri > 0 else (0.0 if n <= 2 else np.nan)
    return {"expert": expert, "n": n, "lambda_max": lam, "ci": max(ci, 0.0), "ri": ri, "cr": max(cr, 0.0),
            "consistent": bool(cr < 0.1) if np.isfinite(cr) else False}


def _judgement_table(expert: Any, a: np.ndarray, w: np.ndarray, names: list[Any]) -> pd.DataFrame:
    i, j = np.triu_indices(len(a), 1)
    implied = w[i] / w[j]
    e = a[i, j] / implied
    return pd.DataFrame({"expert": expert, "row": [names[k] for k in i], "col": [names[k] for k in j],
                         "judgement": a[i, j], "implied": implied, "deviation": np.maximum(e, 1.0 / e)})


def _expert_weights(spec: Any, experts: list[Any]) -> np.ndarray:
    if spec is None:
        return np.full(len(experts), 1.0 / len(experts))
    if isinstance(spec, Mapping):
        return _user_weights(spec, experts)
    try:
        w = np.asarray(spec, dtype=float)
    except (TypeError, ValueError):
        w = np.full(0, np.nan)
    if w.shape != (len(experts),) or not (np.isfinite(w).all() and (w >= 0).all() and w.sum() > 0):
        raise BenchmarkError(f"`expert_weights` must be {len(experts)} non-negative numbers, one per expert; "
                             f"got {spec!r}.")
    return w / w.sum()


@validate_params(method=options("eigenvector", "geometric"), aggregation=options("aij", "aip"),
                 random_index=options("saaty", "alonso-lamata"))
def ahp(
    judgements: Any,
    *,
    items: Sequence[Any] | None = None,
    method: str = "eigenvector",
    aggregation: str = "aij",
    expert_weights: Sequence[float] | Mapping[Any, float] | None = None,
    random_index: str = "saaty",
    row: str = "row",
    col: str = "col",
    value: str = "value",
    expert: str = "expert",
) -> AHPResult:
    """Priorities and consistency of pairwise comparisons (Saaty's AHP).

    Each judgement a_ij says how many times more important item i is than
    item j (Saaty's 1-9 scale), with a_ji = 1 / a_ij. Priorities are the
    principal right eigenvector of the matrix A (Saaty 1977, 1980) or the
    normalised geometric means of its rows (Crawford & Williams 1985). The
    consistency index is CI = (lambda_max - n) / (n - 1) and the consistency
    ratio CR = CI / RI(n), with Saaty's random index RI (default; n <= 15)
    or Alonso & Lamata's (2006). CR < 0.1 is Saaty's threshold for
    acceptable judgements; above it the judgements furthest from the ratios
    the priorities imply are named so that the expert can revise them.

    Parameters
    ----------
    judgements : matrix, list, dict or DataFrame
        One expert: a square ndarray or DataFrame (labels = items), or the
        upper triangle row by row (a_12, a_13, ..., a_23, ...). Several
        experts: a list or dict {expert: matrix or upper-triangle list}, or
        a 3-d array. Or a long table with columns ``row``, ``col``,
        ``value`` (and ``expert``), one row per judged pair.
    items : sequence, optional
        Item (indicator) names, in matrix order.
    method : {"eigenvector", "geometric"}
        Which priorities become ``weight``; both are always reported.
    aggregation : {"aij", "aip"}
        Several experts: ``"aij"`` aggregates individual judgements (the
        weighted geometric mean of the matrices, which stays reciprocal) and
        analyses the group matrix; ``"aip"`` aggregates individual
        priorities (their weighted geometric mean, normalised) (Forman &
        Peniwati 1998).
    expert_weights : sequence or mapping, optional
        Weights of the experts (default equal).
    random_index : {"saaty", "alonso-lamata"}
        The RI table (:data:`SAATY_RI`, :data:`ALONSO_LAMATA_RI`).
    row, col, value, expert : str
        Column names of a long table of judgements.

    Returns
    -------
    AHPResult
        ``priorities``, ``consistency``, ``judgements``, ``matrix``; ``weights``
        gives a Series for :func:`composite` or :func:`combine_weights`.

    Raises
    ------
    BenchmarkError
        Non-square, non-positive, non-reciprocal matrices (naming the cell),
        missing pairs, experts comparing different items.

    See Also
    --------
    combine_weights : Combine these subjective weights with entropy or CRITIC weights.
    weights : Objective (data-driven) weights.

    Examples
    --------
    >>> res = ahp([[1, 3, 5], [1/3, 1, 2], [1/5, 1/2, 1]], items=["teaching", "research", "service"])
    >>> res.priorities.round(3)
           item  eigenvector  geometric_mean  weight  rank
    0  teaching        0.648           0.648   0.648     1
    1  research        0.230           0.230   0.230     2
    2   service        0.122           0.122   0.122     3
    >>> round(res.cr, 4), res.consistent
    (0.0032, True)
    """
    check_choice(method, ("eigenvector", "geometric"), name="method")
    check_choice(aggregation, ("aij", "aip"), name="aggregation")
    check_choice(random_index, tuple(_RI_TABLES), name="random_index")
    mats, names = _ahp_inputs(judgements, items, row, col, value, expert)
    experts = list(mats)
    group = len(mats) > 1
    ew = _expert_weights(expert_weights, experts)
    stack = np.array([mats[k] for k in experts])
    rows = [_consistency_row(k, mats[k], random_index) for k in experts] if group else []
    tables = []
    if aggregation == "aij" or not group:
        a = np.exp(np.tensordot(ew, np.log(stack), axes=1))
        eig, _ = _eigen_priorities(a)
        geo = _geometric_priorities(a)
        head = _consistency_row("group" if group else None, a, random_index)
        rows.append(head)
        lam, ci, cr, consistent = head["lambda_max"], head["ci"], head["cr"], head["consistent"]
        tables.append(_judgement_table("group" if group else None, a, eig, names))
    else:
        a = np.full(stack.shape[1:], np.nan)
        eigs = np.array([_eigen_priorities(m)[0] for m in stack])
        geos = np.array([_geometric_priorities(m) for m in stack])
        eig = np.exp(ew @ np.log(eigs))
        eig = eig / eig.sum()
        geo = np.exp(ew @ np.log(geos))
        geo = geo / geo.sum()
        lam = ci = cr = np.nan
        consistent = all(r["consistent"] for r in rows)
    if group:
        for k in experts:
            tables.append(_judgement_table(k, mats[k], _eigen_priorities(mats[k])[0], names))
    consistency = pd.DataFrame(rows)
    if not group:
        consistency = consistency.drop(columns="expert")
    judged = pd.concat(tables, ignore_index=True).sort_values("deviation", ascending=False, kind="stable")
    judged = judged.reset_index(drop=True)
    if not group:
        judged = judged.drop(columns="expert")
    w = eig if method == "eigenvector" else geo
    prio = pd.DataFrame({"item": names, "eigenvector": eig, "geometric_mean": geo, "weight": w})
    prio["rank"] = _descending_rank(w, None)
    verdict = _ahp_verdict(consistency, judged, group, aggregation)
    return AHPResult(priorities=prio, consistency=consistency, judgements=judged,
                     matrix=pd.DataFrame(a, index=names, columns=names), lambda_max=float(lam), ci=float(ci),
                     cr=float(cr), consistent=bool(consistent), verdict=verdict, method=method,
                     random_index=random_index, aggregation=aggregation if group else None)


def _ahp_verdict(consistency: pd.DataFrame, judged: pd.DataFrame, group: bool, aggregation: str) -> str:
    bad = consistency[~consistency["consistent"]]
    if bad.empty:
        return "consistent: every consistency ratio is below 0.1."
    parts = []
    for _, r in bad.iterrows():
        who = r["expert"] if group else None
        if not np.isfinite(r["cr"]):
            parts.append(f"{'the matrix' if who is None else repr(who)} has no consistency ratio: the random "
                         f"index table stops at n = {len(SAATY_RI)}, and it has n = {r['n']}")
            continue
        mine = judged if who is None else judged[judged["expert"] == who]
        worst = ", ".join(f"a[{x.row!r}, {x.col!r}] = {x.judgement:.3g} (consistent value {x.implied:.3g})"
                          for x in mine.head(3).itertuples())
        label = "the matrix" if who is None else ("the group matrix" if who == "group" else f"expert {who!r}")
        parts.append(f"{label} has CR = {r['cr']:.3f} >= 0.1; revise first {worst}")
    prefix = "inconsistent: " if np.isfinite(bad["cr"].to_numpy(dtype=float)).any() else "consistency unknown: "
    return prefix + "; ".join(parts) + "."


# ======================================================= combined weights
def _weight_vector(spec: Any, name: str) -> pd.Series:
    if isinstance(spec, AHPResult):
        spec = spec.weights
    if isinstance(spec, Mapping):
        spec = pd.Series(dict(spec), dtype=float)
    if not isinstance(spec, pd.Series):
        raise BenchmarkError(f"`{name}` must be a Series or mapping {{indicator: weight}} or an AHPResult; "
                             f"got {type(spec).__name__}.")
    if not spec.index.is_unique:
        raise BenchmarkError(f"`{name}` weighs {format_list(spec.index[spec.index.duplicated()].unique().tolist())} "
                             "more than once; give one weight per indicator.")
    s = pd.to_numeric(spec, errors="coerce").astype(float)
    bad = s.index[~(np.isfinite(s.to_numpy()) & (s.to_numpy() >= 0))].tolist()
    if bad:
        raise BenchmarkError(f"`{name}` weights for {format_list(bad)} must be finite non-negative numbers.")
    if s.sum() <= 0:
        raise BenchmarkError(f"`{name}` weights are all zero.")
    return s / s.sum()


@validate_params(method=options(*COMBINATIONS), share=interval(0, 1))
def combine_weights(
    subjective: pd.Series | Mapping[str, float] | AHPResult,
    objective: pd.Series | Mapping[str, float],
    *,
    method: str = "linear",
    share: float = 0.5,
) -> pd.Series:
    """Combine subjective (e.g. AHP) and objective (e.g. entropy) weights.

    With s and o each rescaled to sum 1:

    - ``"linear"``: w = share * s + (1 - share) * o, the additive synthesis
      (Guo 2007, ch. 2);
    - ``"multiplicative"``: w = s o / sum(s o), the multiplicative synthesis
      (Guo 2007), which favours indicators both methods rate highly;
    - ``"game"``: the game-theory combination (Lai et al. 2015): the
      coefficients (a1, a2) solving
      ``[[s.s, s.o], [o.s, o.o]] a = [s.s, o.o]`` minimise the deviation of
      w = a1 s + a2 o from both inputs; they are made non-negative and
      rescaled to sum 1 (absolute values divided by their sum).

    Parameters
    ----------
    subjective, objective : Series, mapping or AHPResult
        Weights per indicator, over the same indicators.
    method : {"linear", "multiplicative", "game"}
    share : float
        Share of the subjective weights under ``"linear"`` (0..1).

    Returns
    -------
    Series
        Combined weight per indicator (index ``indicator``, name ``weight``),
        summing to 1, in the order of ``subjective``; ``attrs["coefficients"]``
        holds (subjective, objective) coefficients under ``"game"``.

    See Also
    --------
    ahp : Subjective weights from pairwise comparisons.
    weights : Objective weights; its ``subjective=`` argument calls this function.

    Examples
    --------
    >>> s = pd.Series({"x": 0.6, "y": 0.3, "z": 0.1})
    >>> o = pd.Series({"x": 0.2, "y": 0.3, "z": 0.5})
    >>> combine_weights(s, o, method="multiplicative").round(4).tolist()
    [0.4615, 0.3462, 0.1923]
    >>> combine_weights(s, o, method="linear", share=0.5).round(2).tolist()
    [0.4, 0.3, 0.3]
    """
    check_choice(method, COMBINATIONS, name="method")
    s, o = _weight_vector(subjective, "subjective"), _weight_vector(objective, "objective")
    only_s = [i for i in s.index if i not in o.index]
    only_o = [i for i in o.index if i not in s.index]
    if only_s or only_o:
        raise BenchmarkError("`subjective` and `objective` must weigh the same indicators; "
                             + "; ".join(f"only in `{n}`: {format_list(v)}" for n, v in
                                         (("subjective", only_s), ("objective", only_o)) if v) + ".")
    o = o.reindex(s.index)
    sv, ov = s.to_numpy(), o.to_numpy()
    coef = None
    if method == "linear":
        share = check_probability(share, name="share", open_interval=False)
        w = share * sv + (1.0 - share) * ov
    elif method == "multiplicative":
        w = sv * ov
        if w.sum() <= 0:
            raise BenchmarkError("no indicator has a positive weight in both inputs, so their product is zero; "
                                 "use method='linear'.")
    else:
        u = np.vstack([sv, ov])
        gram = u @ u.T
        a = np.linalg.lstsq(gram, np.diag(gram), rcond=None)[0]
        a = np.abs(a) / np.abs(a).sum()
        coef = (float(a[0]), float(a[1]))
        w = a @ u
    out = pd.Series(w / w.sum(), index=pd.Index(s.index.tolist(), name="indicator"), name="weight")
    if coef is not None:
        out.attrs["coefficients"] = coef
    return out


# ===================================================== grey relational analysis
def _reference_row(reference: Any, frame: pd.DataFrame, inds: list[str]) -> np.ndarray:
    spec = reference.to_dict() if isinstance(reference, pd.Series) else reference
    if not isinstance(spec, Mapping):
        raise BenchmarkError("`reference` must be 'ideal' or a mapping / Series {indicator: value}; "
                             f"got {reference!r}.")
    spec = _per_indicator(spec, inds, name="reference")
    ref = pd.to_numeric(pd.Series([spec[i] for i in inds]), errors="coerce").to_numpy(dtype=float)
    if not np.isfinite(ref).all():
        bad = [i for i, v in zip(inds, ref) if not np.isfinite(v)]
        raise BenchmarkError(f"`reference` for {format_list(bad)} must be a finite number.")
    return ref


def _check_grey_spread(frame: pd.DataFrame, inds: list[str], per: str | None, key: np.ndarray,
                       spread: np.ndarray) -> None:
    """Min-max scaling within a period needs two rows and a non-constant indicator there."""
    flat = ~spread
    if not flat.any():
        return
    def where(i: int) -> str:
        if not per:
            return ""
        v = frame[per].iloc[i]
        return f" in {per} {v.item() if isinstance(v, np.generic) else v!r}"

    sizes = np.bincount(key)
    single = np.flatnonzero(sizes[key] < 2)
    if single.size:
        raise BenchmarkError(f"grey relational analysis compares entities with each other, but there is a single "
                             f"row{where(int(single[0]))}; give at least two entities per period.")
    i, j = (int(v) for v in np.argwhere(flat)[0])
    raise BenchmarkError(f"indicator {inds[j]!r} is constant{where(i)}, so its min-max scale (and every grey "
                         "relational coefficient on it) is undefined; drop the indicator.")


@validate_params("entity", "period", "indicators", rho=interval(0, 1, closed="right"))
def grey_relational(
    data: pd.DataFrame,
    indicators: str | Sequence[str],
    *,
    reference: str | Mapping[str, float] | pd.Series = "ideal",
    rho: float = 0.5,
    direction: Mapping[str, str] | pd.DataFrame | str | None = None,
    weights: str | Mapping[str, float] | pd.Series | pd.DataFrame | None = None,
    entity: str = "institution",
    period: str = "year",
) -> pd.DataFrame:
    """Deng's grey relational grade of each entity with a reference series.

    Within each period, indicators are min-max normalised (direction-aware,
    1 = best), ``y``; the reference series ``y0`` is the ideal (1 on every
    indicator) or a given raw series normalised with the same minima and
    maxima. With deviations ``d = |y0_k - y_ik|`` and their smallest and
    largest values over all entities and indicators of the period, the grey
    relational coefficient is (Deng 1982, 1989)

    ``xi_ik = (d_min + rho d_max) / (d_ik + rho d_max)``

    and the grade is the weighted mean of the coefficients over indicators.
    A higher grade means a closer resemblance to the reference.

    Parameters
    ----------
    data : DataFrame
        One row per entity, or per (entity, period).
    indicators : str or list of str
    reference : "ideal", mapping or Series
        ``"ideal"`` (the best value of each indicator in the period) or raw
        indicator values {indicator: value} to compare with (e.g. a target
        or a leading institution's values).
    rho : float
        Distinguishing coefficient in (0, 1]; 0.5 is Deng's usual choice.
    direction : None, str, mapping or indicator-metadata DataFrame
    weights : None, method name, mapping, Series or indicator metadata
        Indicator weights of the grade (as in :func:`composite`; default
        equal, the mean of the coefficients).
    entity, period : str

    Returns
    -------
    DataFrame
        One row per input row: entity (and period), ``grade``, ``rank`` (1 =
        closest, within period) and one coefficient column per indicator.

    Raises
    ------
    BenchmarkError
        A period with a single row, or an indicator with one value throughout
        a period (min-max normalisation needs a spread), naming them.

    See Also
    --------
    topsis : Closeness to the ideal by Euclidean distances.

    Examples
    --------
    >>> df = pd.DataFrame({"institution": list("abc"), "x": [1.0, 2.0, 3.0], "cost": [2.0, 1.0, 3.0]})
    >>> grey_relational(df, ["x", "cost"], direction={"cost": "lower"}).round(4)
      institution   grade  rank       x    cost
    0           a  0.4167     3  0.3333  0.5000
    1           b  0.7500     1  0.5000  1.0000
    2           c  0.6667     2  1.0000  0.3333
    """
    frame, inds, ent, per = _gate(data, indicators, entity=entity, period=period)
    try:
        rho_value = float(rho)
    except (TypeError, ValueError):
        rho_value = np.nan
    if not 0 < rho_value <= 1:
        raise BenchmarkError(f"`rho` (the distinguishing coefficient) must be in (0, 1]; got {rho!r}.")
    signs = direction_sign(resolve_direction(direction, inds), inds)
    w = _resolve_weights(weights, frame, inds, signs)
    x = _floats(frame, inds)
    key = frame.groupby(per, sort=False, observed=True).ngroup().to_numpy() if per else \
        np.zeros(len(frame), dtype=np.int64)
    g = _by_group(x, key)
    lo, hi = g.transform("min").to_numpy(), g.transform("max").to_numpy()
    _check_grey_spread(frame, inds, per, key, hi > lo)
    span = hi - lo
    y = (x - lo) / span
    y = np.where(signs > 0, y, 1.0 - y)
    if isinstance(reference, str):
        check_choice(reference, ("ideal",), name="reference")
        y0 = np.ones_like(y)
    else:
        r = _reference_row(reference, frame, inds)
        y0 = (r - lo) / span
        y0 = np.where(signs > 0, y0, 1.0 - y0)
    d = np.abs(y0 - y)
    row_min, row_max = d.min(axis=1), d.max(axis=1)
    d_min = pd.Series(row_min).groupby(key).transform("min").to_numpy()[:, None]
    d_max = pd.Series(row_max).groupby(key).transform("max").to_numpy()[:, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        xi = np.where(d_max > 0, (d_min + rho_value * d_max) / (d + rho_value * d_max), 1.0)
    grade = xi @ w
    out = frame[_keys(ent, per)].reset_index(drop=True)
    out["grade"] = grade
    out["rank"] = _descending_rank(grade, out[per] if per else None)
    for j, c in enumerate(inds):
        out[c] = xi[:, j]
    return out


# ============================================================ obstacle degree
@dataclasses.dataclass(frozen=True, repr=False)
class ObstacleDegree(Result):
    """Obstacle degrees of indicators (and pillars) per entity and period.

    Attributes
    ----------
    indicators : DataFrame
        Long table: entity (and period), ``indicator``, ``pillar`` (with
        pillars), ``weight`` F_j, ``deviation`` I_ij = 1 - y_ij,
        ``obstacle`` O_ij in percent (summing to 100 per entity and period)
        and ``rank`` (1 = largest obstacle).
    pillars : DataFrame
        The same per pillar (sums of its indicators' obstacles); empty
        without pillars.

    See Also
    --------
    obstacle_degree : the analysis that returns this result.

    """

    indicators: pd.DataFrame
    pillars: pd.DataFrame
    entity: str
    period: str | None

    def top(self, k: int = 3) -> pd.DataFrame:
        """The ``k`` largest obstacles of each entity (and period)."""
        k = check_count(k, name="k")
        return self.indicators[self.indicators["rank"] <= k].reset_index(drop=True)

    def summary(self) -> pd.DataFrame:
        """The three largest obstacles over all entities (``[period,] statistic, value``).

        Indicators ranked by their mean obstacle degree over the entities
        (per period when there is one): ``statistic`` is "obstacle 1",
        "obstacle 2", "obstacle 3" and ``value`` the indicator with its mean
        degree in percent, e.g. "teachers (31.2)". Each entity's own largest
        obstacles are given by :meth:`top`.
        """
        ind = self.indicators
        keys = [self.period] if self.period is not None and self.period in ind.columns else []
        means = ind.groupby([*keys, "indicator"], sort=False, observed=True)["obstacle"].mean().reset_index()
        means = means.sort_values([*keys, "obstacle"], ascending=[True] * len(keys) + [False], kind="stable")
        means = means.groupby(keys, sort=False).head(3) if keys else means.head(3)
        order = means.groupby(keys, sort=False).cumcount() + 1 if keys else range(1, len(means) + 1)
        means["statistic"] = [f"obstacle {k}" for k in order]
        means["value"] = [f"{name} ({value:.1f})" for name, value in zip(means["indicator"], means["obstacle"])]
        return means[[*keys, "statistic", "value"]].astype({"value": object}).reset_index(drop=True)


@validate_params("entity", "period", "indicators")
def obstacle_degree(
    data: pd.DataFrame,
    indicators: str | Sequence[str],
    *,
    weights: str | Mapping[str, float] | pd.Series | pd.DataFrame | AHPResult | None = None,
    normalisation: str | None = "minmax",
    direction: Mapping[str, str] | pd.DataFrame | str | None = None,
    pillars: Mapping[str, Any] | pd.DataFrame | None = None,
    pillar_weights: str | Mapping[str, float] | None = None,
    by: str | Sequence[str] | None = None,
    bounds: Mapping[str, tuple[float, float]] | None = None,
    entity: str = "institution",
    period: str = "year",
) -> ObstacleDegree:
    """Which indicators hold each entity's composite score back (obstacle-degree model).

    With the composite's effective weight F_j of indicator j (its "factor
    contribution") and the deviation I_ij = 1 - y_ij of entity i's
    normalised value y_ij in [0, 1] from the best value, the obstacle degree
    is

    ``O_ij = 100 F_j I_ij / sum_j F_j I_ij``  (percent),

    summing to 100 over the indicators of each row; a pillar's obstacle is
    the sum over its indicators. This is the obstacle-degree model (障碍度
    模型) that evaluation papers run after an entropy-weighted or TOPSIS
    index. Rows at the best value of every indicator have no obstacle and
    get NaN.

    Parameters
    ----------
    data : DataFrame
    indicators : str or list of str
    weights, direction, pillars, pillar_weights, by, bounds
        The composite's choices, as in :func:`composite` (an
        :class:`AHPResult` or :func:`combine_weights` output is accepted as
        weights).
    normalisation : {"minmax", "goalposts"} or None
        A normalisation onto [0, 1]; ``None`` for data already on [0, 1]
        with 1 = best.
    entity, period : str

    Returns
    -------
    ObstacleDegree
        ``indicators`` and ``pillars`` tables; ``top(k)``.

    See Also
    --------
    composite : The index whose weights and normalisation this decomposes.
    contributions : What moved a score between two periods.

    Examples
    --------
    >>> df = pd.DataFrame({"institution": list("abc"), "x": [0.0, 0.5, 1.0], "y": [1.0, 0.0, 0.5]})
    >>> res = obstacle_degree(df, ["x", "y"], weights={"x": 0.75, "y": 0.25})
    >>> res.indicators.round(2)
      institution indicator  weight  deviation  obstacle  rank
    0           a         x    0.75        1.0    100.00     1
    1           a         y    0.25        0.0      0.00     2
    2           b         x    0.75        0.5     60.00     1
    3           b         y    0.25        1.0     40.00     2
    4           c         y    0.25        0.5    100.00     1
    5           c         x    0.75        0.0      0.00     2
    """
    if normalisation not in (None, "minmax", "goalposts"):
        raise BenchmarkError(f"obstacle degrees need indicators on [0, 1]; normalisation={normalisation!r} is "
                             "not bounded, use 'minmax' or 'goalposts'.")
    if isinstance(weights, AHPResult):
        weights = weights.weights
    p = _prepare(data, indicators, weights=weights, normalisation=normalisation, aggregation="arithmetic",
                 direction=direction, pillars=pillars, pillar_weights=pillar_weights, by=by, bounds=bounds,
                 target=None, reference=None, floor=None, entity=entity, period=period)
    y = p.y
    if normalisation is None:
        bad = (y < 0) | (y > 1)
        if bad.any():
            j = int(np.flatnonzero(bad.any(axis=0))[0])
            raise BenchmarkError(f"indicator {p.inds[j]!r} has values outside [0, 1] "
                                 f"({format_list(row_labels(p.frame, bad[:, j], _keys(p.ent, p.per)))}); "
                                 "with normalisation=None the data must be normalised already.")
    keys = _keys(p.ent, p.per)
    deviation = 1.0 - y
    load = deviation * p.weights
    total = load.sum(axis=1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        obstacle = np.where(total > 0, 100.0 * load / total, np.nan)
    ind_table = _long_obstacles(p.frame[keys], p.inds, obstacle, {"weight": np.broadcast_to(p.weights, y.shape),
                                                                   "deviation": deviation},
                                "indicator", p.pillar_of)
    pil_table = pd.DataFrame(columns=keys + ["pillar", "obstacle", "rank"])
    if p.pillar_of is not None:
        member = np.array([[q == name for name in p.pillar_names] for q in p.pillar_of], dtype=float)
        pil_table = _long_obstacles(p.frame[keys], p.pillar_names, obstacle @ member, {}, "pillar", None)
    return ObstacleDegree(indicators=ind_table, pillars=pil_table, entity=p.ent, period=p.per)


def _long_obstacles(keys: pd.DataFrame, names: list[str], obstacle: np.ndarray, extra: dict[str, np.ndarray],
                    what: str, pillar_of: list[str] | None) -> pd.DataFrame:
    """Rows x names arrays as a long table ranked within each row."""
    n, m = obstacle.shape
    out = keys.iloc[np.repeat(np.arange(n), m)].reset_index(drop=True)
    out[what] = np.tile(np.asarray(names, dtype=object), n)
    if pillar_of is not None:
        out["pillar"] = np.tile(np.asarray(pillar_of, dtype=object), n)
    for name, values in extra.items():
        out[name] = np.asarray(values).reshape(-1)
    out["obstacle"] = obstacle.reshape(-1)
    order = np.argsort(-np.nan_to_num(obstacle, nan=-1.0), axis=1, kind="stable")
    rank = np.empty((n, m), dtype=np.int64)
    np.put_along_axis(rank, order, np.arange(1, m + 1)[None, :], axis=1)
    out["rank"] = rank.reshape(-1)
    sort = (np.repeat(np.arange(n), m) * m + out["rank"].to_numpy() - 1)
    return out.iloc[np.argsort(sort, kind="stable")].reset_index(drop=True)


# ============================================================ preprocessing
#: Imputation methods of :func:`impute`.
IMPUTATIONS = ("median", "mean", "trend", "knn")
#: Outlier treatments of :func:`treat`.
TREATMENTS = ("auto", "winsorise", "log")


@dataclasses.dataclass(frozen=True, repr=False)
class Preprocessed(Result):
    """A treated copy of the data and a record of every value changed.

    Attributes
    ----------
    data : DataFrame
        The input with the indicator values imputed or treated (same rows,
        index and columns).
    changes : DataFrame
        One row per changed value: entity (and period), ``indicator``,
        ``before``, ``after`` and ``how``.
    indicators : DataFrame
        One row per indicator: how many values changed and, for
        :func:`treat`, skewness and kurtosis before and after.

    See Also
    --------
    impute : fills missing values.
    treat : treats outliers.

    """

    data: pd.DataFrame
    changes: pd.DataFrame
    indicators: pd.DataFrame
    step: str

    def summary(self) -> pd.DataFrame:
        """Headline figures (``statistic, value``): the step, rows, indicators, values changed and indicators touched.

        The per-indicator counts are in :attr:`indicators`, every changed
        value in :attr:`changes`.
        """
        inds = self.indicators
        return headline([("step", self.step), ("rows", len(self.data)), ("indicators", len(inds)),
                         ("values_changed", len(self.changes)),
                         ("indicators_changed", int(self.changes["indicator"].nunique()))])


def _change_table(frame: pd.DataFrame, keys: list[str], inds: list[str], before: np.ndarray,
                  after: np.ndarray, how: np.ndarray) -> pd.DataFrame:
    changed = ~((before == after) | (np.isnan(before) & np.isnan(after)))
    r, c = np.nonzero(changed)
    out = frame[keys].iloc[r].reset_index(drop=True)
    if not keys:
        out["row"] = frame.index[r]
    out["indicator"] = np.asarray(inds, dtype=object)[c]
    out["before"], out["after"], out["how"] = before[r, c], after[r, c], how[r, c]
    return out


def _with_values(frame: pd.DataFrame, inds: list[str], values: np.ndarray) -> pd.DataFrame:
    out = frame.copy()
    for j, c in enumerate(inds):
        out[c] = values[:, j]
    return out


def _impute_trend(x: np.ndarray, t: np.ndarray, ents: np.ndarray, frame: pd.DataFrame, entity: str,
                  inds: list[str]) -> np.ndarray:
    """Each entity's own series: linear interpolation between its observed
    periods, its least-squares line outside them. Works on an entity x
    period grid per indicator, all entities at once."""
    periods, col = np.unique(t, return_inverse=True)
    out = x.copy()
    for j in np.flatnonzero(np.isnan(x).any(axis=0)):
        grid = np.full((int(ents.max()) + 1, len(periods)), np.nan)
        grid[ents, col] = x[:, j]
        seen = ~np.isnan(grid)
        count = seen.sum(axis=1)
        short = (count < 2) & (~seen).any(axis=1) & np.isin(np.arange(len(grid)), ents)
        if short.any():
            name = frame[entity].iloc[int(np.flatnonzero(ents == np.flatnonzero(short)[0])[0])]
            name = name.item() if isinstance(name, np.generic) else name
            raise BenchmarkError(f"{entity} {name!r} has fewer than two observed values of {inds[j]!r}, "
                                 "so its own trend is undefined; use method='median' or 'knn'.")
        tt = np.broadcast_to(periods, grid.shape)
        safe = np.maximum(count, 1)
        centre = np.where(seen, tt, 0.0).sum(axis=1) / safe  # centred periods keep the line exact
        mean = np.where(seen, grid, 0.0).sum(axis=1) / safe
        dt = np.where(seen, tt - centre[:, None], 0.0)
        dv = np.where(seen, grid - mean[:, None], 0.0)
        sxx = (dt * dt).sum(axis=1)
        slope = np.divide((dt * dv).sum(axis=1), sxx, out=np.zeros(len(grid)), where=sxx > 0)
        line = mean[:, None] + slope[:, None] * (tt - centre[:, None])
        # neighbours: last observed period before and first after each cell
        before_t = pd.DataFrame(np.where(seen, tt, np.nan)).ffill(axis=1).to_numpy()
        before_v = pd.DataFrame(grid).ffill(axis=1).to_numpy()
        after_t = pd.DataFrame(np.where(seen, tt, np.nan)).bfill(axis=1).to_numpy()
        after_v = pd.DataFrame(grid).bfill(axis=1).to_numpy()
        inside = ~np.isnan(before_t) & ~np.isnan(after_t)
        span = np.where(inside & (after_t > before_t), after_t - before_t, 1.0)
        between = before_v + (after_v - before_v) * (tt - np.nan_to_num(before_t)) / span
        fill = np.where(inside, between, line)
        gap = np.isnan(x[:, j])
        out[gap, j] = fill[ents[gap], col[gap]]
    return out


def _impute_knn(x: np.ndarray, key: np.ndarray, k: int) -> np.ndarray:
    """k-nearest-neighbour imputation within each group on z-scored indicators
    (distances over the indicators both rows have, scikit-learn's
    nan-Euclidean), mapped back to the original units."""
    from sklearn.impute import KNNImputer

    out = x.copy()
    for code in np.unique(key[np.isnan(x).any(axis=1)]):
        rows = np.flatnonzero(key == code)
        part = x[rows] / column_scale(x[rows])
        mean, sd = np.nanmean(part, axis=0), np.nanstd(part, axis=0)
        sd = np.where(sd > 0, sd, 1.0)
        z = KNNImputer(n_neighbors=min(k, len(rows) - 1)).fit_transform((part - mean) / sd)
        if z.shape[1] != x.shape[1]:
            raise BenchmarkError("an indicator is missing in every row of a group; k-NN has no donor for it.")
        out[rows] = np.where(np.isnan(x[rows]), (z * sd + mean) * column_scale(x[rows]), x[rows])
    return out


@validate_params("entity", "period", "indicators", method=options(*IMPUTATIONS), k=interval(1, integer=True))
def impute(
    data: pd.DataFrame,
    indicators: str | Sequence[str],
    *,
    method: str = "median",
    by: str | Sequence[str] | None = None,
    k: int = 5,
    entity: str = "institution",
    period: str = "year",
) -> Preprocessed:
    """Fill missing indicator values and record each one filled.

    Parameters
    ----------
    data : DataFrame
    indicators : str or list of str
    method : {"median", "mean", "trend", "knn"}
        ``"median"`` / ``"mean"``: the median or mean of the indicator in
        the row's group (``by``); ``"trend"``: the entity's own series, by
        linear interpolation between its observed periods and its
        least-squares line before the first or after the last (needs two
        observed values); ``"knn"``: the mean of the ``k`` nearest rows of
        the same group, by Euclidean distance over z-scored indicators both
        rows have (Troyanskaya et al. 2001; scikit-learn's ``KNNImputer``);
        a row missing every indicator has no distance to anyone and gets the
        group mean, marked ``"mean"`` in ``changes["how"]``.
    by : str or list of str, optional
        Groups for ``"median"``, ``"mean"`` and ``"knn"``; default the
        period column when present (a value is filled from the same year),
        else all rows.
    k : int
        Neighbours for ``"knn"``.
    entity, period : str

    Returns
    -------
    Preprocessed
        ``data`` (the filled copy), ``changes`` (one row per filled value,
        ``before`` NaN) and ``indicators`` (values filled per indicator).

    Raises
    ------
    BenchmarkError
        A group with no observed value of an indicator; an entity with fewer
        than two observed values under ``"trend"``.

    See Also
    --------
    treat : Outlier treatment.
    composite : Takes ``impute=`` to run this step first.

    Examples
    --------
    >>> df = pd.DataFrame({"institution": list("aabb"), "year": [2020, 2021] * 2, "x": [1.0, None, 3.0, 5.0]})
    >>> res = impute(df, "x", method="mean")
    >>> res.data["x"].tolist()
    [1.0, 5.0, 3.0, 5.0]
    >>> res.changes
      institution  year indicator  before  after  how
    0           a  2021         x     NaN    5.0  mean
    """
    check_choice(method, IMPUTATIONS, name="method")
    frame, inds, ent, per = _gate(data, indicators, entity=entity, period=period, missing="allow")
    k = check_count(k, name="k")
    x = _floats(frame, inds)
    keys = _keys(ent, per)
    if method == "trend":
        if per is None:
            raise BenchmarkError(f"method='trend' needs the period column {period!r}.")
        ents = frame.groupby(ent, sort=False, observed=True).ngroup().to_numpy()
        y = _impute_trend(x, period_ordinals(frame[per], column=per), ents, frame, ent, inds)
    else:
        cols, key = _groups(frame, by if by is not None else per)
        fill = _by_group(x, key).transform("median").to_numpy()
        empty = np.isnan(fill) & np.isnan(x)
        if method == "knn" and not empty.any():
            y = _impute_knn(x, key, k)
        else:
            if method != "knn":
                fill = _by_group(x, key).transform(method).to_numpy()
            if empty.any():
                j = int(np.flatnonzero(empty.any(axis=0))[0])
                code = int(key[np.flatnonzero(empty[:, j])[0]])
                raise BenchmarkError(f"indicator {inds[j]!r} has no observed value{_group_name(frame, cols, key, code)}, "
                                     "so there is nothing to fill from; use wider groups (by=) or drop it.")
            y = np.where(np.isnan(x), fill, x)
    how = np.full(x.shape, method, dtype=object)
    if method == "knn":
        # a row missing every indicator has no distance to anyone: k-NN fills it with the group mean
        how[np.isnan(x).all(axis=1)] = "mean"
    changes = _change_table(frame, keys, inds, x, y, how)
    counts = pd.DataFrame({"indicator": inds, "imputed": np.isnan(x).sum(axis=0), "method": method})
    return Preprocessed(data=_with_values(frame, inds, y), changes=changes, indicators=counts, step="impute")


def _skew_kurt(v: np.ndarray) -> tuple[float, float]:
    obs = v[~np.isnan(v)]
    top = np.abs(obs).max() if obs.size else 0.0
    # both are scale-free; cubes and fourth powers of raw values overflow (or vanish) far from 1
    s = pd.Series(obs / top if top > 0 else obs)
    return float(s.skew()), float(s.kurt())


def _needs_treatment(v: np.ndarray, skew: float, kurt: float) -> bool:
    sk, ku = _skew_kurt(v)
    return bool(abs(sk) > skew and ku > kurt)


def _winsorise_auto(v: np.ndarray, limit: int, skew: float, kurt: float) -> tuple[np.ndarray, int]:
    """COINr's rule: replace the most extreme value on the skewed side by the
    next one, one at a time, until skewness and kurtosis are acceptable;
    -1 when ``limit`` values do not suffice."""
    out = v.copy()
    for n in range(1, limit + 1):
        obs = out[~np.isnan(out)]
        if _skew_kurt(out)[0] >= 0:
            top = obs.max()
            out[out == top] = obs[obs < top].max() if (obs < top).any() else top
        else:
            bottom = obs.min()
            out[out == bottom] = obs[obs > bottom].min() if (obs > bottom).any() else bottom
        if not _needs_treatment(out, skew, kurt):
            return out, n
    return v, -1


def _log_transform(v: np.ndarray) -> np.ndarray:
    """ln(x) for positive data, else ln(x - min + 1) (COINr's shifted log)."""
    lo = np.nanmin(v)
    return np.log(v) if lo > 0 else np.log(v - lo + 1.0)


@validate_params("entity", "period", "indicators", method=options(*TREATMENTS),
                 max_winsorised=interval(1, integer=True), skew=interval(0), kurtosis=interval(None))
def treat(
    data: pd.DataFrame,
    indicators: str | Sequence[str],
    *,
    method: str = "auto",
    limits: tuple[float, float] = (0.05, 0.95),
    max_winsorised: int = 5,
    skew: float = 2.0,
    kurtosis: float = 3.5,
    entity: str = "institution",
    period: str = "year",
) -> Preprocessed:
    """Treat outliers before normalising: winsorise or log-transform.

    Parameters
    ----------
    data : DataFrame
    indicators : str or list of str
    method : {"auto", "winsorise", "log"}
        ``"auto"`` follows COINr's default (Becker et al. 2022), itself the
        JRC practice: an indicator with absolute skewness > ``skew`` and
        (excess) kurtosis > ``kurtosis`` has its most extreme value
        replaced by the next one, one at a time, up to ``max_winsorised``
        values, until both are within bounds; if that does not suffice the
        indicator is log-transformed instead. ``"winsorise"`` clips every
        indicator to its ``limits`` quantiles; ``"log"`` takes ln(x), or
        ln(x - min + 1) when some values are <= 0.
    limits : (float, float)
        Lower and upper quantiles for ``"winsorise"``.
    max_winsorised : int
        The most values ``"auto"`` may winsorise per indicator.
    skew, kurtosis : float
        Thresholds of ``"auto"`` (sample skewness and excess kurtosis, as
        pandas computes them).
    entity, period : str

    Returns
    -------
    Preprocessed
        ``data`` (the treated copy), ``changes`` (one row per changed value)
        and ``indicators``: ``treatment`` (none, winsorised, log),
        ``changed``, ``skew_before``, ``kurtosis_before``, ``skew_after``,
        ``kurtosis_after``.

    See Also
    --------
    impute : Fill missing values.
    reliability : Correlations and Cronbach's alpha.

    Examples
    --------
    >>> df = pd.DataFrame({"institution": list("abcdefghij"),
    ...                    "x": [1.0, 2, 2, 3, 3, 3, 4, 4, 5, 60]})
    >>> res = treat(df, "x")
    >>> res.changes[["institution", "before", "after", "how"]]
      institution  before  after         how
    0           j    60.0    5.0  winsorised
    """
    check_choice(method, TREATMENTS, name="method")
    frame, inds, ent, per = _gate(data, indicators, entity=entity, period=period, missing="allow")
    max_winsorised = check_count(max_winsorised, name="max_winsorised")
    x = _floats(frame, inds)
    y = x.copy()
    how = np.full(x.shape, "", dtype=object)
    rows = []
    for j, c in enumerate(inds):
        v = x[:, j]
        sk0, ku0 = _skew_kurt(v)
        kind = "none"
        if method == "winsorise":
            lo_q, hi_q = _check_limits(limits)
            lo, hi = np.nanquantile(v, [lo_q, hi_q])
            y[:, j] = np.clip(v, lo, hi)
            kind = "winsorised"
        elif method == "log" or (method == "auto" and _needs_treatment(v, skew, kurtosis)):
            done, n = _winsorise_auto(v, max_winsorised, skew, kurtosis) if method == "auto" else (v, -1)
            if n > 0:
                y[:, j], kind = done, "winsorised"
            else:
                y[:, j], kind = _log_transform(v), "log"
        how[:, j] = kind
        sk1, ku1 = _skew_kurt(y[:, j])
        changed = int(((v != y[:, j]) & ~np.isnan(v)).sum())  # exact, as in `changes`: isclose misses 1e-300 data
        rows.append((c, kind if changed else "none", changed, sk0, ku0, sk1, ku1))
    table = pd.DataFrame(rows, columns=["indicator", "treatment", "changed", "skew_before", "kurtosis_before",
                                        "skew_after", "kurtosis_after"])
    changes = _change_table(frame, _keys(ent, per), inds, x, y, how)
    return Preprocessed(data=_with_values(frame, inds, y), changes=changes, indicators=table, step="treat")


def _check_limits(limits: Any) -> tuple[float, float]:
    try:
        lo, hi = (float(v) for v in limits)
    except (TypeError, ValueError):
        raise BenchmarkError(f"`limits` must be two quantiles (low, high); got {limits!r}.") from None
    if not 0 <= lo < hi <= 1:
        raise BenchmarkError(f"`limits` must satisfy 0 <= low < high <= 1; got {limits!r}.")
    return lo, hi


@dataclasses.dataclass(frozen=True, repr=False)
class Reliability(Result):
    """Correlations and internal consistency of a set of indicators.

    Attributes
    ----------
    correlations : DataFrame
        Pearson correlation matrix of the direction-aligned indicators.
    alpha : DataFrame
        Per pillar (and ``"all"``): ``n_indicators``, ``alpha`` (Cronbach
        1951, on the aligned raw values), ``alpha_standardised``
        (k r / (1 + (k - 1) r) with r the mean inter-indicator correlation)
        and ``mean_correlation``.
    items : DataFrame
        Per indicator: ``pillar``, ``item_rest_correlation`` (with the sum of
        the other indicators of its set) and ``alpha_if_dropped``.

    See Also
    --------
    reliability : the analysis that returns this result.

    """

    correlations: pd.DataFrame
    alpha: pd.DataFrame
    items: pd.DataFrame

    def summary(self) -> pd.DataFrame:
        """Cronbach's alpha per pillar (``pillar, statistic, value``): the :attr:`alpha` table in long form."""
        return headline_by(self.alpha, ["pillar"])


def _cronbach(x: np.ndarray) -> tuple[float, float, float]:
    k = x.shape[1]
    if k < 2:
        return np.nan, np.nan, np.nan
    item_var = x.var(axis=0, ddof=1).sum()
    total_var = x.sum(axis=1).var(ddof=1)
    alpha = k / (k - 1) * (1.0 - item_var / total_var) if total_var > 0 else np.nan
    r = np.corrcoef(x, rowvar=False)[np.triu_indices(k, 1)].mean()
    return alpha, k * r / (1.0 + (k - 1) * r), r


@validate_params("entity", "period", "indicators")
def reliability(
    data: pd.DataFrame,
    indicators: str | Sequence[str],
    *,
    direction: Mapping[str, str] | pd.DataFrame | str | None = None,
    pillars: Mapping[str, Any] | pd.DataFrame | None = None,
    entity: str = "institution",
    period: str = "year",
) -> Reliability:
    """Correlation matrix and Cronbach's alpha of the indicators (and of each pillar).

    "Lower is better" indicators change sign first, so that a positive
    correlation always means "good together". Cronbach's alpha (1951) is
    ``k / (k - 1) (1 - sum var_j / var(sum_j x_j))``; because it depends on
    the units, the standardised alpha, which is the alpha of z-scores, is
    reported too. Values of 0.7 or more are the usual sign that the
    indicators measure one underlying dimension (OECD/JRC 2008, sec. 5).

    Parameters
    ----------
    data : DataFrame
    indicators : str or list of str
    direction : None, str, mapping or indicator-metadata DataFrame
    pillars : mapping or indicator-metadata DataFrame, optional
        Also report alpha per pillar.
    entity, period : str

    Returns
    -------
    Reliability
        ``correlations``, ``alpha`` and ``items`` tables.

    See Also
    --------
    treat : outlier treatment, another preprocessing step.
    impute : filling missing values, another preprocessing step.

    Examples
    --------
    >>> df = pd.DataFrame({"x": [1.0, 2, 3, 4], "y": [2.0, 3, 3, 5], "z": [1.0, 3, 2, 4]})
    >>> reliability(df, ["x", "y", "z"]).alpha.round(3)
      pillar  n_indicators  alpha  alpha_standardised  mean_correlation
    0    all             3  0.957               0.957               0.882
    """
    frame, inds, _, _ = _gate(data, indicators, entity=entity, period=period, need_entity=False)
    if len(inds) < 2 or len(frame) < 3:
        raise BenchmarkError(f"reliability needs at least 2 indicators and 3 rows; got {len(inds)} and {len(frame)}.")
    signs = direction_sign(resolve_direction(direction, inds), inds)
    x = _floats(frame, inds) * signs
    x = x / column_scale(x)
    flat = [c for c, v in zip(inds, np.ptp(x, axis=0)) if v == 0]
    if flat:
        raise BenchmarkError(f"indicator(s) {format_list(flat)} are constant, so their correlations are "
                             "undefined; drop them.")
    raw = _floats(frame, inds) * signs
    # alpha is unchanged by one common scale; raw variances overflow (or vanish) at 1e+-300
    raw = raw / float(np.nanmax(np.abs(raw))) if np.nanmax(np.abs(raw)) > 0 else raw
    pillar_of = _resolve_pillars(pillars, inds)
    sets = {"all": list(range(len(inds)))}
    if pillar_of is not None:
        for name in dict.fromkeys(pillar_of):
            sets[name] = [j for j, q in enumerate(pillar_of) if q == name]
    alpha_rows, item_rows = [], []
    for name, cols in sets.items():
        a, a_std, r = _cronbach(raw[:, cols])
        alpha_rows.append((name, len(cols), a, a_std, r))
    own = sets if pillar_of is None else {q: sets[q] for q in dict.fromkeys(pillar_of)}
    for j, c in enumerate(inds):
        name = "all" if pillar_of is None else pillar_of[j]
        others = [i for i in own[name] if i != j]
        rest = raw[:, others].sum(axis=1) if others else np.full(len(raw), np.nan)
        irc = float(np.corrcoef(raw[:, j], rest)[0, 1]) if others and np.ptp(rest) > 0 else np.nan
        item_rows.append((c, name, irc, _cronbach(raw[:, others])[0] if len(others) >= 2 else np.nan))
    corr = pd.DataFrame(np.corrcoef(x, rowvar=False), index=inds, columns=inds)
    return Reliability(
        correlations=corr,
        alpha=pd.DataFrame(alpha_rows, columns=["pillar", "n_indicators", "alpha", "alpha_standardised",
                                                "mean_correlation"]),
        items=pd.DataFrame(item_rows, columns=["indicator", "pillar", "item_rest_correlation", "alpha_if_dropped"]),
    )


def _run_steps(data: Any, indicators: Any, impute_spec: Any, treat_spec: Any, entity: str,
               period: str) -> tuple[Any, dict[str, np.ndarray]]:
    """Apply the ``impute=`` and ``treat=`` steps of a pipeline call; return the
    data and, per step, the number of values it changed in each row."""
    counts: dict[str, np.ndarray] = {}
    for name, spec, fn in (("imputed", impute_spec, impute), ("treated", treat_spec, treat)):
        if spec is None or spec is False:
            continue
        if isinstance(spec, str):
            kwargs: dict[str, Any] = {"method": spec}
        elif spec is True:
            kwargs = {}
        elif isinstance(spec, Mapping):
            kwargs = dict(spec)
        else:
            raise BenchmarkError(f"`{name[:-1] if name == 'imputed' else 'treat'}` must be None, a method name or a "
                                 f"mapping of arguments; got {type(spec).__name__}.")
        kwargs.setdefault("entity", entity)
        kwargs.setdefault("period", period)
        res = fn(data, indicators, **kwargs)
        frame = res.data
        # the steps keep the rows in place, so values compare position by position (index labels may repeat)
        cols = as_list(indicators)
        before, after = _floats(_decategorised(data, cols), cols), _floats(frame, cols)
        changed = ~((before == after) | (np.isnan(before) & np.isnan(after)))
        counts[name] = changed.sum(axis=1).astype(np.int64)
        data = frame
    return data, counts
