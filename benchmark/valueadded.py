"""Value added: how an institution's outcome compares with what its context predicts.

The expected outcome comes from a regression of the outcome on context the
institution does not control (intake, spending, size, sector...). Each
institution's expectation is predicted from a model fitted *without* it
(leave-one-out, or cross-fitting by folds), so its own outcome cannot pull its
expectation towards itself. Value added is actual minus expected (signed so
that positive is better), with a prediction interval and a significance flag.

See ``docs/peers.md`` for the formulas and their sources.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from benchmark._numeric import column_scale
from benchmark._results import Result, headline
from benchmark._validation import (
    COMMON,
    BenchmarkError,
    ColumnError,
    EmptyDataError,
    as_list,
    check_choice,
    check_missing,
    check_panel,
    check_probability,
    format_list,
    missing_options,
    resolve_direction,
    validate_params,
)

__all__ = ["value_added", "ValueAdded"]

#: Huber tuning constant giving 95% efficiency under normal errors.
HUBER_C = 1.345
_MAD_SCALE = 1.482602218505602  # 1 / Phi^{-1}(3/4)


@dataclasses.dataclass(frozen=True, repr=False)
class ValueAdded(Result):
    """Result of :func:`value_added`.

    Attributes
    ----------
    estimates : DataFrame
        One row per input row: actual, expected, value added, interval,
        significance.
    coefficients : DataFrame
        The model fitted on every usable row: term, estimate, standard error,
        t, p-value and confidence interval.
    fit : DataFrame
        One row of fit statistics.
    outcome, method : str
    ci : float

    See Also
    --------
    value_added : the analysis that returns this result.

    """

    estimates: pd.DataFrame
    coefficients: pd.DataFrame
    fit: pd.DataFrame
    outcome: str
    method: str
    ci: float

    def summary(self) -> pd.DataFrame:
        """Headline figures (``statistic, value``).

        Method, ``n``, ``p``, ``r2``, ``adj_r2``, ``rmse``,
        ``r2_out_of_sample`` (of the held-out predictions) and the number of
        rows significantly above and below expectation. All fit statistics
        are in :attr:`fit`, the per-row estimates in :attr:`estimates`.
        """
        fit = self.fit.iloc[0]
        est = self.estimates
        significant = est["significant"].fillna(False).astype(bool)
        rows: list[tuple[str, Any]] = [("method", self.method)]
        rows += [(c, fit[c]) for c in ("n", "p", "r2", "adj_r2", "rmse", "r2_out_of_sample")]
        rows += [("significant_above", int((significant & (est["value_added"] > 0)).sum())),
                 ("significant_below", int((significant & (est["value_added"] < 0)).sum()))]
        return headline(rows)


# ---------------------------------------------------------------- design matrix
def _is_categorical(s: pd.Series) -> bool:
    return not (pd.api.types.is_numeric_dtype(s) or pd.api.types.is_bool_dtype(s))


def _design(frame: pd.DataFrame, context: list[str], categorical: set[str]) -> tuple[np.ndarray, list[str]]:
    """Intercept, numeric columns and one-hot categories (first sorted level is the reference)."""
    blocks, names = [np.ones((len(frame), 1))], ["intercept"]
    for col in context:
        s = frame[col]
        if col in categorical or _is_categorical(s):
            levels = sorted(pd.unique(s).tolist(), key=str)
            if len(levels) < 2:
                raise ColumnError(f"context column {col!r} takes the single value {levels[0]!r}; "
                                  "it cannot explain differences - drop it.")
            blocks.append(np.column_stack([(s == lv).to_numpy(dtype=float) for lv in levels[1:]]))
            names += [f"{col}[{lv}]" for lv in levels[1:]]
        else:
            x = s.to_numpy(dtype=float)
            if np.ptp(x) == 0:
                raise ColumnError(f"context column {col!r} is constant ({x[0]!r} for every row); drop it.")
            blocks.append(x[:, None])
            names.append(col)
    return np.hstack(blocks), names


def _check_rank(X: np.ndarray, names: list[str]) -> None:
    n, p = X.shape
    if n < p + 2:
        raise EmptyDataError(f"only {n} usable rows for {p} model parameters ({format_list(names, 8)}); "
                             f"leave-one-out needs at least {p + 2}. Use fewer context columns.")
    scaled = X / np.linalg.norm(X, axis=0)
    _, sv, vt = np.linalg.svd(scaled, full_matrices=False)
    if sv[-1] > 1e-8 * sv[0]:
        return
    culprits = [t for t, load in zip(names, np.abs(vt[-1]), strict=True) if load > 0.1]
    raise BenchmarkError(f"context terms {format_list(culprits, 10)} are collinear (one is a combination of the "
                         "others); drop one of them.")


# ---------------------------------------------------------------- estimators
@dataclasses.dataclass(frozen=True)
class _Fit:
    beta: np.ndarray
    cov: np.ndarray  # covariance of beta
    scale: float  # residual scale used for prediction intervals
    df: int  # degrees of freedom of the t quantile
    weights: np.ndarray


def _ols(X: np.ndarray, y: np.ndarray, start: np.ndarray | None = None) -> _Fit:
    beta, *_ = np.linalg.lstsq(X, y, rcond=None)
    n, p = X.shape
    resid = y - X @ beta
    s2 = resid @ resid / (n - p)
    xtx_inv = np.linalg.inv(X.T @ X)
    return _Fit(beta, s2 * xtx_inv, float(np.sqrt(s2)), n - p, np.ones(n))


def _huber(X: np.ndarray, y: np.ndarray, start: np.ndarray | None = None,
           c: float = HUBER_C, tol: float = 1e-10, max_iter: int = 200) -> _Fit:
    """Huber M-estimate by iteratively reweighted least squares, MAD scale updated each step."""
    beta = np.linalg.lstsq(X, y, rcond=None)[0] if start is None else start
    for _ in range(max_iter):
        resid = y - X @ beta
        scale = _MAD_SCALE * np.median(np.abs(resid - np.median(resid)))
        if scale <= 0:
            raise BenchmarkError("the robust residual scale is 0 (more than half of the rows are fitted "
                                 "exactly); use method='ols'.")
        w = np.minimum(1.0, c / np.maximum(np.abs(resid / scale), 1e-300))
        sw = np.sqrt(w)
        new = np.linalg.lstsq(X * sw[:, None], y * sw, rcond=None)[0]
        done = np.max(np.abs(new - beta)) <= tol * (1.0 + np.max(np.abs(beta)))
        beta = new
        if done:
            break
    return _huber_fit(X, y, beta, scale, c)


def _huber_fit(X: np.ndarray, y: np.ndarray, beta: np.ndarray, scale: float, c: float) -> _Fit:
    """Huber's (1981) covariance of an M-estimate (the "H1" form)."""
    n, p = X.shape
    u = (y - X @ beta) / scale
    psi = np.clip(u, -c, c)
    dpsi = (np.abs(u) <= c).astype(float)
    m = dpsi.mean()
    k = 1.0 + p / n * dpsi.var() / m**2
    factor = k**2 * (psi @ psi / (n - p)) / m**2
    cov = factor * scale**2 * np.linalg.inv(X.T @ X)
    w = np.minimum(1.0, c / np.maximum(np.abs(u), 1e-300))
    return _Fit(beta, cov, float(scale), n - p, w)


_FITTERS: dict[str, Callable[..., _Fit]] = {"ols": _ols, "huber": _huber}


# ---------------------------------------------------------------- out-of-sample predictions
def _loo_ols(X: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """Exact leave-one-out predictions and their standard errors from the hat matrix.

    With ``h`` the leverage and ``e`` the residual of the full fit,
    ``y - yhat_(-i) = e / (1 - h)``, ``s_(-i)^2 = ((n-p) s^2 - e^2/(1-h)) / (n-p-1)``
    and the prediction variance is ``s_(-i)^2 / (1 - h)`` (Sherman-Morrison).
    """
    n, p = X.shape
    q, _ = np.linalg.qr(X)
    h = np.einsum("ij,ij->i", q, q)
    beta = np.linalg.lstsq(X, y, rcond=None)[0]
    e = y - X @ beta
    with np.errstate(divide="ignore", invalid="ignore"):
        one_minus = np.where(h < 1 - 1e-10, 1.0 - h, np.nan)
        press = e / one_minus
        s2_i = (e @ e - e * press) / (n - p - 1)
        se = np.sqrt(np.maximum(s2_i, 0.0) / one_minus)
    return y - press, se, h, n - p - 1


def _loo_huber(X: np.ndarray, y: np.ndarray, fit: _Fit, c: float = HUBER_C
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """Approximate leave-one-out predictions of a Huber fit: one Newton step from the full fit.

    Dropping row ``i`` leaves the score ``x_i psi(u_i)`` unbalanced; one Newton
    step with the scale held fixed moves the prediction at ``x_i`` by
    ``s psi(u_i) k_i / (1 - psi'(u_i) k_i)`` with ``k_i = x_i' (X' D X)^-1 x_i``
    and ``D = diag(psi'(u))`` (Sherman-Morrison). For OLS this is the exact
    hat-matrix formula; for Huber it is exact as long as removing ``i`` moves
    no other row across the tuning constant.
    """
    n, p = X.shape
    u = (y - X @ fit.beta) / fit.scale
    psi, dpsi = np.clip(u, -c, c), (np.abs(u) <= c).astype(float)
    a_inv = np.linalg.pinv(X.T @ (X * dpsi[:, None]))
    k = np.einsum("ij,jk,ik->i", X, a_inv, X)
    lev = dpsi * k
    with np.errstate(divide="ignore", invalid="ignore"):
        shift = np.where(lev < 1 - 1e-10, fit.scale * psi * k / (1.0 - lev), np.nan)
    expected = X @ fit.beta - shift
    se = np.sqrt(fit.scale**2 + np.einsum("ij,jk,ik->i", X, fit.cov, X))
    return expected, np.where(np.isnan(expected), np.nan, se), lev, n - p - 1


def _crossfit(
    X: np.ndarray, y: np.ndarray, folds: np.ndarray, fitter: Callable[..., _Fit], start: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Predict each fold from a model fitted on the others; also the prediction s.e. and df."""
    expected, se, df = np.full(len(y), np.nan), np.full(len(y), np.nan), np.zeros(len(y))
    for f in np.unique(folds):
        test = folds == f
        if np.linalg.matrix_rank(X[~test]) < X.shape[1]:
            continue  # a term (e.g. a category) is absent outside the fold: no expectation
        fit = fitter(X[~test], y[~test], start)
        xt = X[test]
        expected[test] = xt @ fit.beta
        se[test] = np.sqrt(fit.scale**2 + np.einsum("ij,jk,ik->i", xt, fit.cov, xt))
        df[test] = fit.df
    return expected, se, df


def _fold_ids(entities: pd.Series, folds: int | None) -> np.ndarray:
    """Leave-one-out (one fold per row) or ``folds`` groups of whole entities."""
    if folds is None:
        return np.arange(len(entities))
    names = entities.astype(str)
    order = {name: i % folds for i, name in enumerate(sorted(pd.unique(names)))}
    return names.map(order).to_numpy()


# ---------------------------------------------------------------- tables
def _coefficients(fit: _Fit, names: list[str], level: float) -> pd.DataFrame:
    from scipy import stats

    se = np.sqrt(np.maximum(np.diag(fit.cov), 0.0))
    exact = ~(se > 0)  # a perfect fit (or no residual degrees of freedom): no sampling error to measure
    with np.errstate(divide="ignore", invalid="ignore"):
        t = np.where(exact, np.nan, fit.beta / np.where(exact, 1.0, se))
    q = stats.t.ppf((1 + level) / 2, fit.df) if fit.df > 0 else np.nan
    reason = np.where(exact, "standard error is zero (the model fits exactly): no t statistic", None)
    return pd.DataFrame({"term": names, "estimate": fit.beta, "se": se, "t": t,
                         "p_value": 2 * stats.t.sf(np.abs(t), fit.df),
                         "ci_low": fit.beta - q * se, "ci_high": fit.beta + q * se,
                         "reason": pd.Series(reason, dtype=object)})


def _fit_stats(X: np.ndarray, y: np.ndarray, fit: _Fit, expected: np.ndarray, method: str,
               scheme: str) -> pd.DataFrame:
    n, p = X.shape
    # sums of squares on the outcome divided by its scale: no overflow at 1e+-300
    c = float(column_scale(y[:, None])[0])
    resid = (y - X @ fit.beta) / c
    centred = (y - y.mean()) / c
    sst, sse = float(centred @ centred), float(resid @ resid)
    ok = ~np.isnan(expected)
    sst_oos = float(np.sum(((y[ok] - y[ok].mean()) / c) ** 2))
    sse_oos = float(np.sum(((y[ok] - expected[ok]) / c) ** 2))
    constant = not sst > 0
    r2 = np.nan if constant else 1 - sse / sst
    r2_oos = np.nan if not sst_oos > 0 else 1 - sse_oos / sst_oos
    return pd.DataFrame([{
        "method": method, "predictions": scheme, "n": n, "p": p, "df_resid": n - p,
        "r2": r2, "adj_r2": np.nan if constant or n <= p else 1 - (1 - r2) * (n - 1) / (n - p),
        "rmse": c * float(np.sqrt(sse / n)),
        "sigma": c * float(np.sqrt(sse / (n - p))) if n > p else np.nan, "scale": fit.scale,
        "r2_out_of_sample": r2_oos,
        "reason": "outcome is constant: R-squared undefined" if constant else None,
    }])


def _prepare(frame: pd.DataFrame, outcome: str, ctx: list[str], missing: str, entity: str,
             keys: list[str]) -> pd.Series:
    """Rows usable for the fit (outcome and context present)."""
    cols = [outcome, *ctx]
    if missing == "raise":
        check_missing(frame, cols, keys=keys, name="data",
                      hint="fill them, or pass missing='drop' to leave those rows out of the model")
    return frame[cols].notna().all(axis=1)


@validate_params("entity", "ci", period=COMMON["period"], missing=missing_options("raise", "drop"))
def value_added(
    data: pd.DataFrame,
    outcome: str,
    context: str | Sequence[str],
    *,
    method: str = "ols",
    ci: float = 0.95,
    direction: Mapping[str, str] | pd.DataFrame | str | None = None,
    categorical: str | Sequence[str] | None = None,
    folds: int | None = None,
    missing: str = "raise",
    entity: str = "institution",
    period: str | None = "year",
) -> ValueAdded:
    """Actual minus expected outcome given context, with out-of-sample expectations.

    Parameters
    ----------
    data : DataFrame
        One row per entity (a cross-section, or one period of a panel). A
        pooled panel with repeated entities needs ``folds`` so that all rows
        of an entity are held out together.
    outcome : str
        Numeric outcome (graduation rate, earnings...).
    context : str or list of str
        Columns the institution does not control. Numeric columns enter
        linearly; text/categorical columns (and those named in
        ``categorical``) are one-hot encoded with the first level (sorted) as
        reference.
    method : {"ols", "huber"}
        Ordinary least squares, or Huber's M-estimator (tuning constant
        1.345, MAD scale, IRLS), which limits the pull of outlying entities.
    ci : float
        Level of the prediction interval (default 0.95).
    direction : None, str, mapping or indicator-metadata DataFrame
        Whether a higher outcome is better; for "lower", value added is
        expected minus actual, so positive is always better.
    categorical : str or list of str, optional
        Numeric context columns to treat as categories (e.g. a sector code).
    folds : int, optional
        ``None`` (default): leave-one-out in closed form - exact for OLS
        (hat matrix), a one-step approximation for Huber. An integer *K*:
        cross-fitting with *K* folds of whole entities (entities sorted by
        name, dealt in turn), each fold predicted from a model refitted
        without it; ``folds`` equal to the number of entities gives exact
        leave-one-out refits.
    missing : {"raise", "drop"}
        Rows with a missing outcome or context: raise, or leave them out of
        the model (they stay in ``estimates`` with a ``reason``).
    entity, period : str
        Names of the entity and period columns.

    Returns
    -------
    ValueAdded
        ``estimates`` (same rows and index as ``data``): ``actual``,
        ``expected``, ``value_added``, ``se`` (standard error of prediction),
        ``ci_low``/``ci_high`` (prediction interval for the outcome at level ``ci``),
        ``t_stat``, ``significant`` (actual outside the interval),
        ``leverage`` (leave-one-out only), ``weight`` (Huber), ``reason``;
        ``coefficients``; ``fit`` (``n``, ``p``, ``r2``, ``adj_r2``,
        ``rmse``, ``sigma``, ``scale``, ``r2_out_of_sample``).

    See Also
    --------
    benchmark.peer_gap : raw gaps to the peers, without the context adjustment.
    benchmark.second_stage : the effect of context on efficiency scores.
    benchmark.percentile_rank : ranks of the value added within cohorts.

    Examples
    --------
    >>> df = pd.DataFrame({"institution": list("abcdefgh"),
    ...                    "intake": [1.0, 2, 3, 4, 5, 6, 7, 8],
    ...                    "grad": [2.1, 3.9, 6.2, 8.1, 9.8, 12.2, 13.9, 16.0]})
    >>> va = value_added(df, "grad", "intake")
    >>> va.estimates[["institution", "expected", "value_added", "significant"]].round(2).head(3)
      institution  expected  value_added  significant
    0           a      2.04         0.06        False
    1           b      4.11        -0.21        False
    2           c      6.01         0.19        False
    """
    ctx = as_list(context, name="context")
    cats = set(as_list(categorical, name="categorical", allow_empty=True))
    frame, _ = check_panel(data, [outcome], entity=entity, period=period, require_period=False,
                           missing="allow", attributes=[*ctx, *cats])
    if outcome in ctx:
        raise ColumnError(f"{outcome!r} is the outcome and cannot also be context.")
    check_choice(method, tuple(_FITTERS), name="method")
    level = check_probability(ci, name="ci")
    sign = 1.0 if resolve_direction(direction, [outcome])[outcome] == "higher" else -1.0
    keys = [k for k in (entity, period) if k is not None and k in frame.columns]
    usable = _prepare(frame, outcome, ctx, missing, entity, keys)
    rows = frame.loc[usable]
    folds = _check_folds(folds, rows, entity)
    X, names = _design(rows, ctx, cats)
    _check_rank(X, names)
    y = rows[outcome].to_numpy(dtype=float)
    fit = _FITTERS[method](X, y)
    if folds is None:
        expected, se, lev, df = _loo_ols(X, y) if method == "ols" else _loo_huber(X, y, fit)
        df = np.full(len(y), float(df))
    else:
        expected, se, df = _crossfit(X, y, _fold_ids(rows[entity], folds), _FITTERS[method], fit.beta)
        lev = None
    scheme = "leave-one-out" if folds is None else f"{folds}-fold cross-fitting"
    extra = {"leverage": lev} if lev is not None else {}
    if method == "huber":
        extra["weight"] = fit.weights
    est = _estimates(frame, usable, outcome, y, expected, se, df, sign, level, extra, keys)
    return ValueAdded(estimates=est, coefficients=_coefficients(fit, names, level),
                      fit=_fit_stats(X, y, fit, expected, method, scheme), outcome=outcome, method=method,
                      ci=level)


def _check_folds(folds: Any, rows: pd.DataFrame, entity: str) -> int | None:
    n_entities = rows[entity].nunique()
    if folds is None:
        if n_entities < len(rows):
            dup = rows.loc[rows[entity].duplicated(), entity].unique().tolist()
            raise BenchmarkError(
                f"{entity} {format_list(dup)} occur(s) in several rows, so leaving one row out would still let "
                "an entity's other rows shape its expectation. Select one period, or pass folds=K to hold "
                "out all rows of an entity together."
            )
        return None
    if isinstance(folds, bool) or not isinstance(folds, int | np.integer) or not 2 <= folds <= n_entities:
        raise BenchmarkError(f"`folds` must be an integer between 2 and the number of {entity}s "
                             f"({n_entities}); got {folds!r}.")
    return int(folds)


def _estimates(
    frame: pd.DataFrame, usable: pd.Series, outcome: str, y: np.ndarray, expected: np.ndarray,
    se: np.ndarray, df: np.ndarray, sign: float, level: float, extra: dict[str, np.ndarray], keys: list[str],
) -> pd.DataFrame:
    from scipy import stats

    half = stats.t.ppf((1 + level) / 2, np.maximum(df, 1)) * se
    va = sign * (y - expected)
    cols = {"expected": expected, "value_added": va, "se": se, "ci_low": expected - half,
            "ci_high": expected + half, "t_stat": va / se, **extra}
    at = np.flatnonzero(usable.to_numpy())
    out = frame[keys].copy()
    out["actual"] = frame[outcome].astype(float)
    for name, values in cols.items():
        full = np.full(len(frame), np.nan)
        full[at] = values
        out[name] = full
    defined = ~np.isnan(out["expected"].to_numpy())
    significant = np.zeros(len(frame), dtype=bool)
    significant[at] = np.abs(y - expected) > half
    out["significant"] = pd.array(np.where(defined, significant, False), dtype="boolean")
    out.loc[~defined, "significant"] = pd.NA
    reason = np.full(len(frame), None, dtype=object)
    reason[~usable.to_numpy()] = "missing outcome or context: left out of the model"
    reason[usable.to_numpy() & ~defined] = ("no out-of-sample expectation: the model fitted without it "
                                            "cannot estimate all its terms (e.g. only member of a category)")
    out["reason"] = reason
    return out
