"""Second-stage regressions of efficiency scores on context variables.

Three estimators with one coefficient-table shape, so that they can be set
side by side (:func:`compare_second_stage`):

- ``"simar_wilson"``: the truncated regression with parametric bootstrap of
  Simar & Wilson (2007), algorithm 1 (bootstrap of the regression only) or
  algorithm 2 (bias-corrected scores from a first bootstrap of the DEA
  frontier, then the regression bootstrap). Following the paper and rDEA,
  the response is the Farrell distance ``delta = 1 / score >= 1`` (for an
  input score theta, ``delta = 1/theta``; for an output score, the Farrell
  output measure phi), left-truncated at 1: a positive coefficient means
  *more* inefficiency.
- ``"tobit"``: a two-limit Tobit of the score itself (``0 < score <= 1``)
  censored at the efficient bound 1 (and at 0), the usual DEA-Tobit; a
  positive coefficient means *higher* efficiency.
- ``"ols"``: least squares of the score on the covariates.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from benchmark._numeric import column_scale
from benchmark._results import Result, headline
from benchmark._validation import (
    COMMON,
    BenchmarkError,
    ColumnError,
    as_float_columns,
    as_list,
    check_columns,
    check_frame,
    check_missing,
    check_numeric,
    check_random_state,
    check_unique_keys,
    interval,
    options,
    validate_params,
)
from benchmark.frontier._common import EFFICIENT_TOL, entity_labels

__all__ = ["SecondStageResult", "compare_second_stage", "second_stage"]

_LOG_2PI = math.log(2 * math.pi)


# ----------------------------------------------------------------- result
@dataclasses.dataclass(frozen=True, repr=False)
class SecondStageResult(Result):
    """Result of :func:`second_stage`.

    Attributes
    ----------
    coefficients : DataFrame
        ``term, estimate, se, z, p, ci_low, ci_high``; the last row is
        ``sigma``, the regression's error scale. Simar-Wilson: ``se`` is the
        bootstrap standard deviation, ``ci_low``/``ci_high`` the bootstrap
        interval of the paper (``[2 b - q_hi, 2 b - q_lo]`` of the replicates
        ``b*``) and ``p`` the normal approximation ``2 Phi(-|b / se|)``;
        Tobit: observed-information (Wald) standard errors; OLS: classical
        standard errors with t intervals.
    scores : DataFrame
        One row per unit: ``score``, the regression ``response``, ``used``
        (entered the regression) and ``censored`` (Tobit); algorithm 2 adds
        ``delta_bc`` (bias-corrected distance) and ``bias``.
    replicates : DataFrame or None
        The bootstrap estimates (one row per replicate) for Simar-Wilson.
    method, response : str
        The estimator and what it regressed (``"1/score"`` or ``"score"``).
    algorithm : int or None
        Simar-Wilson algorithm (1 or 2).
    n, n_used, n_censored : int
        Units, units in the regression, censored units (Tobit).
    loglik : float
        Log-likelihood of the point estimate (NaN for OLS).

    See Also
    --------
    benchmark.second_stage : the analysis that returns this result.
    benchmark.compare_second_stage : several results side by side.

    """

    coefficients: pd.DataFrame
    scores: pd.DataFrame
    replicates: pd.DataFrame | None
    method: str
    response: str
    algorithm: int | None
    n: int
    n_used: int
    n_censored: int
    loglik: float
    n_boot: int | None
    ci: float
    covariates: tuple[str, ...]
    entity: str

    def summary(self) -> pd.DataFrame:
        """Headline figures (``statistic, value``).

        The estimator and response, units (all, in the regression,
        censored), the log-likelihood, bootstrap replicates, interval level
        and ``significant``: the covariates whose interval excludes zero
        ("none" if there is none). The estimates are in :attr:`coefficients`.
        """
        c = self.coefficients
        slopes = c[~c["term"].isin(["(Intercept)", "sigma"])]
        hits = slopes.loc[(slopes["ci_low"] > 0) | (slopes["ci_high"] < 0), "term"].tolist()
        return headline([
            ("method", _label(self)), ("response", self.response), ("units", self.n),
            ("used", self.n_used), ("censored", self.n_censored), ("loglik", self.loglik),
            ("n_boot", self.n_boot if self.n_boot is not None else np.nan), ("ci", self.ci),
            ("significant", ", ".join(map(str, hits)) if hits else "none"),
        ])


def _label(res: SecondStageResult) -> str:
    return f"simar_wilson_{res.algorithm}" if res.method == "simar_wilson" else res.method


# ----------------------------------------------------------------- likelihoods
def _mills(z: np.ndarray) -> np.ndarray:
    from scipy.special import log_ndtr

    return np.exp(-0.5 * z * z - 0.5 * _LOG_2PI - log_ndtr(z))


def _truncreg_ll(p: np.ndarray, y: np.ndarray, Z: np.ndarray, point: float) -> tuple[float, np.ndarray]:
    """Log-likelihood and gradient of y = Z b + e, e ~ N(0, s^2) truncated to y > point; p = (b, ln s)."""
    from scipy.special import log_ndtr

    b, s = p[:-1], math.exp(p[-1])
    m = Z @ b
    r = (y - m) / s
    a = (m - point) / s
    ll = -0.5 * _LOG_2PI - p[-1] - 0.5 * r * r - log_ndtr(a)
    M = _mills(a)
    g_b = Z.T @ ((r - M) / s)
    g_s = np.sum(-1 + r * r + M * a)
    return float(ll.sum()), np.append(g_b, g_s)


def _tobit_ll(p: np.ndarray, y: np.ndarray, Z: np.ndarray, low: np.ndarray, high: np.ndarray
              ) -> tuple[float, np.ndarray]:
    """Two-limit Tobit: ``low``/``high`` mark observations censored at 0 and at 1."""
    from scipy.special import log_ndtr

    b, s = p[:-1], math.exp(p[-1])
    m = Z @ b
    mid = ~(low | high)
    r = (y - m) / s
    a_hi = (m - 1.0) / s       # P(y* >= 1) = Phi(a_hi)
    a_lo = (0.0 - m) / s       # P(y* <= 0) = Phi(a_lo)
    ll = np.where(mid, -0.5 * _LOG_2PI - p[-1] - 0.5 * r * r, 0.0)
    ll = ll + np.where(high, log_ndtr(a_hi), 0.0) + np.where(low, log_ndtr(a_lo), 0.0)
    M_hi, M_lo = _mills(a_hi), _mills(a_lo)
    d_m = np.where(mid, r / s, 0.0) + np.where(high, M_hi / s, 0.0) - np.where(low, M_lo / s, 0.0)
    d_s = np.where(mid, -1 + r * r, 0.0) - np.where(high, M_hi * a_hi, 0.0) - np.where(low, M_lo * a_lo, 0.0)
    return float(ll.sum()), np.append(Z.T @ d_m, d_s.sum())


def _ml(fun: Any, start: np.ndarray, what: str) -> tuple[np.ndarray, float]:
    from scipy.optimize import minimize

    def f(p: np.ndarray) -> tuple[float, np.ndarray]:
        with np.errstate(all="ignore"):
            ll, g = fun(p)
        if not np.isfinite(ll):
            return 1e300, np.zeros_like(p)
        return -ll, -g

    res = minimize(f, start, jac=True, method="BFGS", options={"gtol": 1e-8, "maxiter": 1000})
    grad = np.abs(f(res.x)[1]).max()
    if not np.isfinite(res.fun) or res.fun >= 1e299 or grad > 1e-3 * max(1.0, abs(res.fun)):
        raise BenchmarkError(f"the {what} did not converge ({res.message}); the covariates may separate the "
                             "scores perfectly or be badly scaled (rescale them).")
    return res.x, -float(res.fun)


def _wald(fun: Any, p: np.ndarray) -> np.ndarray:
    """Covariance of (b, s) from the numerical Hessian of the analytic gradient, in (b, s) scale."""
    k = len(p)
    q = p.copy()
    q[-1] = math.exp(p[-1])

    def grad_q(q: np.ndarray) -> np.ndarray:
        pp = q.copy()
        pp[-1] = math.log(q[-1])
        g = fun(pp)[1]
        g[-1] = g[-1] / q[-1]
        return g

    H = np.empty((k, k))
    for j in range(k):
        h = 1e-5 * max(1.0, abs(q[j]))
        up, dn = q.copy(), q.copy()
        up[j] += h
        dn[j] -= h
        H[:, j] = (grad_q(up) - grad_q(dn)) / (2 * h)
    H = 0.5 * (H + H.T)
    try:
        return np.linalg.inv(-H)
    except np.linalg.LinAlgError:
        return np.full((k, k), np.nan)


def _ols_start(y: np.ndarray, Z: np.ndarray) -> np.ndarray:
    b, *_ = np.linalg.lstsq(Z, y, rcond=None)
    s = float(np.std(y - Z @ b))
    return np.append(b, math.log(max(s, 1e-8)))


def _fit_truncreg(y: np.ndarray, Z: np.ndarray, start: np.ndarray | None = None) -> tuple[np.ndarray, float]:
    start = _ols_start(y, Z) if start is None else start
    return _ml(lambda p: _truncreg_ll(p, y, Z, 1.0), start, "truncated regression")


# ----------------------------------------------------------------- inputs
def _design(data: pd.DataFrame, covariates: list[str], entity: str) -> tuple[np.ndarray, list[str]]:
    frame = data[covariates]
    keys = [entity] if entity in data.columns else []
    check_missing(data, covariates, keys=keys, name="data",
                  hint="a second-stage regression cannot use units with missing covariates; fill or drop them")
    parts, names = [], []
    for c in covariates:
        col = frame[c]
        if pd.api.types.is_bool_dtype(col) or pd.api.types.is_numeric_dtype(col):
            values = col.to_numpy(dtype=float)
            if not np.isfinite(values).all():
                raise BenchmarkError(f"covariate {c!r} has infinite values; replace them with finite numbers.")
            parts.append(values[:, None])
            names.append(str(c))
        else:  # categories: one dummy per level but the first (the reference level)
            if col.nunique() < 2:
                raise BenchmarkError(f"covariate(s) [{c!r}] are constant across units (one level, "
                                     f"{col.iloc[0]!r}) and cannot explain the scores; drop them.")
            dummies = pd.get_dummies(col.astype("category").cat.remove_unused_categories(), prefix=str(c), prefix_sep="=", drop_first=True,
                                     dtype=float)
            parts.append(dummies.to_numpy())
            names.extend(dummies.columns)
    Z = np.column_stack([np.ones(len(frame)), *parts])
    const = [n for j, n in enumerate(names) if np.ptp(Z[:, j + 1]) == 0]
    if const:
        raise BenchmarkError(f"covariate(s) {const} are constant across units and cannot explain the scores; "
                             "drop them.")
    if np.linalg.matrix_rank(Z / column_scale(Z)) < Z.shape[1]:
        raise BenchmarkError(f"the covariates {names} are collinear (one is a combination of the others); "
                             "drop one of them.")
    return Z, ["(Intercept)", *names]


def _unscale(result: SecondStageResult, scale: np.ndarray) -> SecondStageResult:
    """Coefficients of covariates divided by ``scale`` back in the covariates' own units.

    The regressions run on covariates divided by their largest absolute value, so that funding in
    yuan (1e+7) or data near 1e+-300 leave the likelihood as well conditioned as data near 1. The map
    is diagonal: estimates, standard errors, interval ends and bootstrap replicates of a covariate's
    coefficient are divided by its scale; z and p are unchanged.
    """
    factor = np.ones(len(result.coefficients))
    factor[:len(scale)] = scale  # the intercept column is ones: its scale is 1
    coef = result.coefficients.copy()
    for col in ("estimate", "se", "ci_low", "ci_high"):
        coef[col] = coef[col].to_numpy() / factor
    reps = None
    if result.replicates is not None:
        reps = result.replicates / factor
    return dataclasses.replace(result, coefficients=coef, replicates=reps)


def _scores(scores: Any, frame: pd.DataFrame, entity: str) -> tuple[np.ndarray, Any]:
    from benchmark.frontier._dea import DEAResult

    if isinstance(scores, DEAResult):
        table = scores.efficiency
        if scores.entity in frame.columns and scores.entity in table.columns:
            s = table.set_index(scores.entity)["efficiency"]
            missing = ~frame[scores.entity].isin(s.index)
            if missing.any():
                raise BenchmarkError(
                    f"`scores` has no score for {entity} {frame.loc[missing, scores.entity].tolist()[:5]}; "
                    "score the same units as `data`.")
            values = s.reindex(frame[scores.entity]).to_numpy(dtype=float)
        else:
            values = table["efficiency"].to_numpy(dtype=float)
    elif isinstance(scores, str):
        check_columns(frame, [scores], name="data", what="score column")
        check_numeric(frame, [scores], name="data")
        values = as_float_columns(frame, [scores])[scores].to_numpy(dtype=float)
    elif isinstance(scores, pd.Series):
        values = _aligned(scores, frame, entity)
    else:
        try:
            values = np.asarray(pd.array(scores, dtype="Float64") if isinstance(scores, list)
                                else scores, dtype=float).ravel()
        except (TypeError, ValueError):
            raise BenchmarkError(
                f"`scores` must be a dea(...) result, a score column name or one number per unit; got "
                f"{type(scores).__name__}.") from None
    if len(values) != len(frame):
        raise BenchmarkError(f"`scores` has {len(values)} values for {len(frame)} rows of `data`; "
                             "give one score per unit.")
    labels = entity_labels(frame, entity)
    bad = ~np.isfinite(values)
    if bad.any():
        raise BenchmarkError(f"`scores` is missing or infinite for {entity} "
                             f"{list(np.asarray(labels, dtype=object)[bad][:5])}; drop those units first.")
    bad = (values <= 0) | (values > 1 + EFFICIENT_TOL)
    if bad.any():
        raise BenchmarkError(
            f"`scores` must lie in (0, 1] (efficiency with 1 = efficient); {entity} "
            f"{list(np.asarray(labels, dtype=object)[bad][:5])} have {values[bad][:5].round(6).tolist()}. "
            "Super-efficiency scores or Farrell output measures (>= 1) must be converted first.")
    values = np.where(np.abs(values - 1) < EFFICIENT_TOL, 1.0, values)
    return values, labels


def _aligned(scores: pd.Series, frame: pd.DataFrame, entity: str) -> np.ndarray:
    """A score Series lined up with the rows of ``frame``: by the row index, or by entity id when the
    Series is indexed by the entity; never silently by position when the labels disagree."""
    column = scores.to_frame("scores")
    check_numeric(column, ["scores"], name="scores")
    values = as_float_columns(column, ["scores"])["scores"]
    if values.index.equals(frame.index):
        return values.to_numpy()
    if values.index.is_unique:
        if entity in frame.columns and frame[entity].isin(values.index).all():
            return values.reindex(frame[entity]).to_numpy()
        if frame.index.is_unique and frame.index.isin(values.index).all():
            return values.reindex(frame.index).to_numpy()
    raise BenchmarkError(
        f"`scores` is a Series whose index matches neither the rows of `data` nor its {entity!r} ids, so "
        "its values cannot be lined up with the units. Index it by the entity (e.g. "
        "res.efficiency.set_index(entity)['efficiency']) or pass .to_numpy() to use its order.")


def _table(names: list[str], est: np.ndarray, se: np.ndarray, low: np.ndarray, high: np.ndarray,
           p: np.ndarray | None = None) -> pd.DataFrame:
    from scipy.stats import norm

    with np.errstate(divide="ignore", invalid="ignore"):
        z = est / se
    if p is None:
        p = 2 * norm.sf(np.abs(z))
    return pd.DataFrame({"term": names, "estimate": est, "se": se, "z": z, "p": p, "ci_low": low, "ci_high": high})


# ----------------------------------------------------------------- estimators
def _fit_ols(y: np.ndarray, Z: np.ndarray, names: list[str], ci: float) -> tuple[pd.DataFrame, float]:
    from scipy.stats import t as student

    n, k = Z.shape
    if n <= k:
        raise BenchmarkError(f"OLS needs more units ({n}) than coefficients ({k}).")
    b, *_ = np.linalg.lstsq(Z, y, rcond=None)
    resid = y - Z @ b
    s2 = float(resid @ resid) / (n - k)
    _check_fit(s2, y)
    se = np.sqrt(np.diag(s2 * np.linalg.inv(Z.T @ Z)))
    tcrit = float(student.ppf(0.5 + ci / 2, n - k))
    tv = b / se
    p = 2 * student.sf(np.abs(tv), n - k)
    est = np.append(b, math.sqrt(s2))
    se_all = np.append(se, np.nan)
    table = _table(names + ["sigma"], est, se_all, est - tcrit * se_all, est + tcrit * se_all,
                   np.append(p, np.nan))
    return table, float("nan")


def _check_fit(s2: float, y: np.ndarray) -> None:
    if s2 <= 1e-12 * max(float(np.var(y)), 1e-300):
        raise BenchmarkError("the covariates explain the scores perfectly (zero residual variance); a "
                             "second-stage regression is not defined. Check for a covariate derived from the scores.")


def _fit_tobit(y: np.ndarray, Z: np.ndarray, names: list[str], ci: float
               ) -> tuple[pd.DataFrame, float, np.ndarray]:
    from scipy.stats import norm

    high = y >= 1.0
    low = y <= 0.0
    if (~(high | low)).sum() <= Z.shape[1]:
        raise BenchmarkError(f"the Tobit needs more uncensored units than coefficients; only "
                             f"{int((~(high | low)).sum())} of {len(y)} scores are below 1.")
    b0 = _ols_start(y, Z)
    _check_fit(math.exp(2 * b0[-1]), y)

    def fun(p: np.ndarray) -> tuple[float, np.ndarray]:
        return _tobit_ll(p, y, Z, low, high)

    p, ll = _ml(fun, b0, "Tobit")
    cov = _wald(fun, p)
    se = np.sqrt(np.diag(cov))
    est = np.append(p[:-1], math.exp(p[-1]))
    q = float(norm.ppf(0.5 + ci / 2))
    return _table(names + ["sigma"], est, se, est - q * se, est + q * se), ll, high | low


def _boot_truncreg(Zb: np.ndarray, mean: np.ndarray, sigma: float, start: np.ndarray, n_boot: int,
                   rng: np.random.Generator, progress: bool) -> np.ndarray:
    """Algorithm 1 step 3 / algorithm 2 step 6: regress delta** = Z b + e, e left-truncated at 1 - Z b."""
    from scipy.stats import truncnorm

    lower = (1.0 - mean) / sigma
    draws = mean + sigma * truncnorm.rvs(lower[None, :], np.inf, size=(n_boot, len(mean)), random_state=rng)
    if progress:
        from tqdm.auto import tqdm

        with tqdm(total=n_boot, desc="truncated-regression bootstrap") as bar:
            out = _batched_truncreg(draws, Zb, start)
            bar.update(n_boot)
    else:
        out = _batched_truncreg(draws, Zb, start)
    return out


def _batched_truncreg(Y: np.ndarray, Z: np.ndarray, start: np.ndarray, tol: float = 1e-9) -> np.ndarray:
    """Truncated regressions (at 1) of every row of ``Y`` on ``Z`` at once: Newton steps with the
    analytic Hessian in (b, ln s) and step halving, on the replicates still moving; BFGS for any
    replicate that does not settle."""
    from scipy.special import log_ndtr

    B, k = Y.shape[0], Z.shape[1]
    P = np.tile(start, (B, 1))

    def loglik(P: np.ndarray, Y: np.ndarray) -> tuple[np.ndarray, ...]:
        s = np.exp(P[:, -1])[:, None]
        m = P[:, :-1] @ Z.T
        r = (Y - m) / s
        a = (m - 1.0) / s
        return s, r, a, (-P[:, -1][:, None] - 0.5 * r * r - log_ndtr(a)).sum(axis=1)

    active = np.arange(B)
    failed = np.zeros(B, dtype=bool)
    with np.errstate(all="ignore"):
        for _ in range(200):
            if len(active) == 0:
                break
            Pa, Ya = P[active], Y[active]
            s, r, a, ll = loglik(Pa, Ya)
            M = _mills(a)
            dM = -M * (a + M)
            g = np.concatenate([((r - M) / s) @ Z, (-1 + r * r + M * a).sum(axis=1, keepdims=True)], axis=1)
            done = np.abs(g).max(axis=1) < tol * np.maximum(1.0, np.abs(ll))
            H = np.empty((len(active), k + 1, k + 1))
            H[:, :k, :k] = -np.einsum("bi,ij,il->bjl", (1 + dM) / s ** 2, Z, Z, optimize=True)
            H[:, :k, k] = ((-2 * r + dM * a + M) / s) @ Z
            H[:, k, :k] = H[:, :k, k]
            H[:, k, k] = (-2 * r * r - dM * a * a - M * a).sum(axis=1)
            ok = np.isfinite(H).all(axis=(1, 2)) & (np.abs(np.linalg.det(H)) > 0)
            step = np.zeros_like(Pa)
            step[ok] = np.linalg.solve(H[ok], g[ok][:, :, None])[:, :, 0]
            # away from the optimum H need not be negative definite: take a scaled gradient step there
            uphill = ok & ((g * -step).sum(axis=1) > 0)
            scale = np.abs(H[:, np.arange(k + 1), np.arange(k + 1)]).max(axis=1)
            plain = ~uphill & ~done
            step[plain] = -g[plain] / np.maximum(scale[plain, None], 1e-12)
            ok |= plain & np.isfinite(step).all(axis=1)
            t = np.ones(len(active))
            trial = Pa - step
            moving = ~done & ok
            for _ in range(40):
                ll_new = loglik(trial, Ya)[3]
                worse = moving & ~(ll_new >= ll - 1e-10 * np.abs(ll))
                if not worse.any():
                    break
                t = np.where(worse, t / 2, t)
                trial = Pa - t[:, None] * step
            else:
                moving &= ~worse
                failed[active[worse]] = True
            P[active[moving]] = trial[moving]
            failed[active[~ok & ~done]] = True
            active = active[moving]
        failed[active] = True
    for i in np.flatnonzero(failed | ~np.isfinite(P).all(axis=1)):
        P[i], _ = _fit_truncreg(Y[i], Z, start)
    return np.concatenate([P[:, :-1], np.exp(P[:, -1:])], axis=1)


def _bias_correct(dea_result: Any, data: pd.DataFrame, delta: np.ndarray, mean: np.ndarray, sigma: float,
                  n_boot: int, rng: np.random.Generator, n_jobs: int, progress: bool) -> np.ndarray:
    """Algorithm 2 steps 3-4: bootstrap the DEA frontier on pseudo-data with the fitted inefficiency."""
    from scipy.stats import truncnorm

    from benchmark.frontier._dea import dea

    ins, outs = list(dea_result.inputs), list(dea_result.outputs)
    check_columns(data, ins + outs, name="data", what="input/output column of the first-stage DEA")
    entity = dea_result.entity
    evaluated = data[[c for c in dict.fromkeys([entity, *ins, *outs]) if c in data.columns]]
    lower = (1.0 - mean) / sigma
    boot = np.empty((n_boot, len(delta)))
    loop = range(n_boot)
    if progress:
        from tqdm.auto import tqdm

        loop = tqdm(loop, desc="DEA bootstrap (bias correction)")
    for b in loop:
        star = mean + sigma * truncnorm.rvs(lower, np.inf, size=len(mean), random_state=rng)
        pseudo = evaluated.copy()
        if dea_result.orientation == "input":  # x* = x delta* / delta-hat: the unit moved to distance delta*
            pseudo[ins] = evaluated[ins].to_numpy(dtype=float) * (star / delta)[:, None]
        else:  # y* = y delta-hat / delta*
            pseudo[outs] = evaluated[outs].to_numpy(dtype=float) * (delta / star)[:, None]
        res = dea(evaluated, ins, outs, rts=dea_result.rts, orientation=dea_result.orientation,
                  reference=pseudo, slacks=False, entity=entity, n_jobs=n_jobs)
        boot[b] = 1.0 / res.efficiency["efficiency"].to_numpy(dtype=float)
    return boot


def _basic_interval(est: np.ndarray, reps: np.ndarray, ci: float) -> tuple[np.ndarray, np.ndarray]:
    """Simar & Wilson (2007), eq. (15)-(16): Pr(-b <= b* - b^ <= -a) = 1 - alpha gives [b^ + a, b^ + b]."""
    alpha = 1 - ci
    q_lo = np.quantile(reps, alpha / 2, axis=0)
    q_hi = np.quantile(reps, 1 - alpha / 2, axis=0)
    return 2 * est - q_hi, 2 * est - q_lo


# ----------------------------------------------------------------- public API
@validate_params(
    "entity", "random_state", "n_jobs", "progress",
    ci=interval(0, 1, closed="neither"),  # a level is needed: intervals are always reported
    method=options("simar_wilson", "tobit", "ols"), algorithm=options(1, 2),
    n_boot=interval(20, integer=True), n_boot_bias=interval(10, integer=True),
    covariates=COMMON["indicators"],
)
def second_stage(
    scores: Any,
    data: pd.DataFrame,
    covariates: str | Sequence[str],
    *,
    method: str = "simar_wilson",
    algorithm: int = 1,
    n_boot: int = 2000,
    n_boot_bias: int = 100,
    ci: float = 0.95,
    random_state: Any = None,
    entity: str = "institution",
    n_jobs: int = 1,
    progress: bool = False,
) -> SecondStageResult:
    """Explain efficiency scores by context variables (the second stage of a DEA study).

    Parameters
    ----------
    scores : DEAResult, str, Series or array-like
        Efficiency scores in (0, 1], 1 = efficient: a :func:`dea` result
        (matched to ``data`` by the entity column), the name of a score column
        of ``data``, a Series (lined up with ``data`` by its row index, or by
        entity id when indexed by the entity; any other index is an error) or
        one value per row in row order. Scores within 1e-6 of 1 count as
        exactly 1 (LP round-off would otherwise turn efficient units into
        uncensored observations). Algorithm 2 needs the DEA result, whose
        inputs and outputs must be columns of ``data``.
    data : DataFrame
        One row per unit with the covariates; a missing or duplicated entity
        id raises. Results do not depend on the row order: the rows are put in
        entity order before any random draw, so a seeded bootstrap gives the
        same numbers however ``data`` is sorted.
    covariates : str or list of str
        Context columns. Numeric columns enter as they are; text or
        categorical columns (province, tier) enter as dummies for every level
        but the first. Missing values, constant columns (one level) and
        collinear sets raise.
    method : {"simar_wilson", "tobit", "ols"}
        See the module description. Simar-Wilson regresses the distance
        ``1/score`` (>= 1, left-truncated at 1), so its signs are the opposite
        of Tobit's and OLS's, which regress the score.
    algorithm : {1, 2}
        Simar-Wilson algorithm: 1 bootstraps the truncated regression of the
        units with ``score < 1``; 2 first bias-corrects the scores by
        ``n_boot_bias`` DEA bootstraps on pseudo-data, then bootstraps the
        regression of the bias-corrected distances (the units with
        ``delta_bc > 1``, as rDEA).
    n_boot : int
        Replicates of the regression bootstrap (L in algorithm 1, L2 in
        algorithm 2; Simar & Wilson use 2000).
    n_boot_bias : int
        DEA bootstrap replicates for the bias correction (L1 of algorithm 2; 100).
    ci : float
        Interval level.
    random_state : int, Generator or None
        Seed of the bootstrap.
    entity : str
        Column naming the units.
    n_jobs : int
        Workers for the DEA programs of algorithm 2.
    progress : bool
        Show a progress bar for the bootstrap loops (needs tqdm).

    Returns
    -------
    SecondStageResult
        ``coefficients`` (``term, estimate, se, z, p, ci_low, ci_high``),
        ``scores``, ``replicates``; ``summary()``.

    See Also
    --------
    compare_second_stage : set several second stages side by side.
    dea : the first stage.
    three_stage_dea : removes the environment's effect from the inputs instead.

    References
    ----------
    Simar & Wilson (2007), "Estimation and inference in two-stage,
    semi-parametric models of production processes", J. Econometrics 136,
    31-64; Tobin (1958), Econometrica 26, 24-36; Simm & Besstremyannaya,
    rDEA (CRAN) for algorithm 2 on input distances.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"institution": list("ABCDEFGH"),
    ...                    "score": [1.0, 0.8, 0.6, 0.9, 1.0, 0.7, 0.5, 0.75],
    ...                    "urban": [1, 1, 0, 1, 1, 0, 0, 0]})
    >>> res = second_stage("score", df, "urban", method="tobit")
    >>> res.coefficients[["term", "estimate"]].round(3)
              term  estimate
    0  (Intercept)     0.637
    1        urban     0.326
    2        sigma     0.113
    """
    frame = check_frame(data, name="data")
    covs = as_list(covariates, name="covariates")
    check_columns(frame, covs, name="data", what="covariate column")
    if entity in covs:
        raise ColumnError(f"{entity!r} is the entity column and cannot be a covariate.")
    if entity in frame.columns:
        check_missing(frame, [entity], keys=[entity], name="data", hint="every row needs its entity")
        check_unique_keys(frame, [entity], name="data")
    values, labels = _scores(scores, frame, entity)
    Z, names = _design(frame, covs, entity)
    scale = column_scale(Z)
    Z = Z / scale
    # one canonical row order (by entity) so that a seeded bootstrap does not depend on how rows are sorted
    order = _canonical_order(labels)
    if order is not None:
        back = np.argsort(order)
        result = _second_stage(scores, frame.iloc[order], values[order], labels.take(order), Z[order], names,
                               method, algorithm, n_boot, n_boot_bias, ci, random_state, entity, n_jobs,
                               progress)
        table = result.scores.iloc[back].reset_index(drop=True)
        return _unscale(dataclasses.replace(result, scores=table), scale)
    return _unscale(_second_stage(scores, frame, values, labels, Z, names, method, algorithm, n_boot, n_boot_bias,
                                  ci, random_state, entity, n_jobs, progress), scale)


def _canonical_order(labels: Any) -> np.ndarray | None:
    """Row positions sorted by entity id (None when the ids cannot be ordered or are already in order)."""
    try:
        # by the ids themselves (not category codes), so a categorical copy of text ids sorts the same
        order = np.argsort(pd.Series(np.asarray(labels, dtype=object)).rank(method="first").to_numpy(), kind="stable")
    except TypeError:
        return None
    return None if (order == np.arange(len(order))).all() else order


def _second_stage(scores: Any, frame: pd.DataFrame, values: np.ndarray, labels: Any, Z: np.ndarray,
                  names: list[str], method: str, algorithm: int, n_boot: int, n_boot_bias: int, ci: float,
                  random_state: Any, entity: str, n_jobs: int, progress: bool) -> SecondStageResult:
    n = len(values)
    table = pd.DataFrame({entity: labels, "score": values})
    if method == "ols":
        coef, ll = _fit_ols(values, Z, names, ci)
        table["response"] = values
        table["used"] = True
        return SecondStageResult(coef, table, None, "ols", "score", None, n, n, 0, ll, None, float(ci),
                                 tuple(names[1:]), entity)
    if method == "tobit":
        coef, ll, censored = _fit_tobit(values, Z, names, ci)
        table["response"] = values
        table["used"] = True
        table["censored"] = censored
        return SecondStageResult(coef, table, None, "tobit", "score", None, n, n, int(censored.sum()), ll, None,
                                 float(ci), tuple(names[1:]), entity)
    return _simar_wilson(scores, frame, values, Z, names, table, algorithm, n_boot, n_boot_bias, ci,
                         random_state, entity, n_jobs, progress)


def _simar_wilson(scores: Any, frame: pd.DataFrame, values: np.ndarray, Z: np.ndarray, names: list[str],
                  table: pd.DataFrame, algorithm: int, n_boot: int, n_boot_bias: int, ci: float,
                  random_state: Any, entity: str, n_jobs: int, progress: bool) -> SecondStageResult:
    from benchmark.frontier._dea import DEAResult

    if algorithm == 2 and not isinstance(scores, DEAResult):
        raise BenchmarkError("Simar-Wilson algorithm 2 re-runs the DEA on bootstrap pseudo-data: pass the "
                             "`dea(...)` result as `scores` (not a column or array), or use algorithm=1.")
    rng = check_random_state(random_state)
    delta = 1.0 / values
    inefficient = delta > 1.0
    m = int(inefficient.sum())
    if m <= Z.shape[1] + 1:
        raise BenchmarkError(
            f"the truncated regression uses the units with score < 1 and needs more of them than "
            f"parameters: {m} inefficient unit(s) for {Z.shape[1] + 1} parameters. Use fewer covariates.")
    p_hat, ll = _fit_truncreg(delta[inefficient], Z[inefficient])
    _check_fit(math.exp(2 * p_hat[-1]), delta[inefficient])
    table["response"] = delta
    if algorithm == 1:
        est = np.append(p_hat[:-1], math.exp(p_hat[-1]))
        used = inefficient
        reps = _boot_truncreg(Z[used], Z[used] @ p_hat[:-1], math.exp(p_hat[-1]), p_hat, n_boot, rng, progress)
    else:
        boot = _bias_correct(scores, frame, delta, Z @ p_hat[:-1], math.exp(p_hat[-1]), n_boot_bias, rng,
                             n_jobs, progress)
        bias = boot.mean(axis=0) - delta
        delta_bc = delta - bias
        used = delta_bc > 1.0
        if used.sum() <= Z.shape[1] + 1:
            raise BenchmarkError(f"only {int(used.sum())} bias-corrected distances exceed 1; too few for the "
                                 "truncated regression. Use algorithm=1.")
        p_bc, ll = _fit_truncreg(delta_bc[used], Z[used], p_hat)
        est = np.append(p_bc[:-1], math.exp(p_bc[-1]))
        table["delta_bc"] = delta_bc
        table["bias"] = bias
        reps = _boot_truncreg(Z, Z @ p_bc[:-1], math.exp(p_bc[-1]), p_bc, n_boot, rng, progress)
    table["used"] = used
    low, high = _basic_interval(est, reps, ci)
    se = reps.std(axis=0, ddof=1)
    coef = _table(names + ["sigma"], est, se, low, high)
    coef.loc[coef["term"] == "sigma", "p"] = np.nan
    replicates = pd.DataFrame(reps, columns=names + ["sigma"])
    return SecondStageResult(coef, table, replicates, "simar_wilson", "1/score", algorithm, len(values),
                             int(used.sum()), 0, ll, n_boot, float(ci), tuple(names[1:]), entity)


@validate_params()
def compare_second_stage(*results: SecondStageResult, stats: Sequence[str] = ("estimate", "se", "p")
                         ) -> pd.DataFrame:
    """Set second-stage results side by side: one row per term, ``<method>_<stat>`` columns.

    Parameters
    ----------
    *results : SecondStageResult
        Results of :func:`second_stage` (e.g. Simar-Wilson, Tobit, OLS).
    stats : str or sequence of str
        Column(s) of the coefficient tables to show.

    Returns
    -------
    DataFrame
        Indexed by term. Simar-Wilson regresses ``1/score``: its signs are
        opposite to those of Tobit and OLS for the same effect.

    See Also
    --------
    second_stage : the regressions being compared.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"institution": list("ABCDEFGH"),
    ...                    "score": [1.0, 0.8, 0.6, 0.9, 1.0, 0.7, 0.5, 0.75],
    ...                    "urban": [1, 1, 0, 1, 1, 0, 0, 0]})
    >>> wide = compare_second_stage(second_stage("score", df, "urban", method="tobit"),
    ...                             second_stage("score", df, "urban", method="ols"))
    >>> wide[["tobit_estimate", "ols_estimate"]].round(3)
                 tobit_estimate  ols_estimate
    term
    (Intercept)           0.637         0.638
    urban                 0.326         0.288
    sigma                 0.113         0.104
    """
    if not results:
        raise BenchmarkError("compare_second_stage needs at least one second_stage(...) result.")
    stats = [stats] if isinstance(stats, str) else list(stats)
    if not stats:
        raise BenchmarkError("`stats` is empty; name at least one coefficient-table column, e.g. ('estimate', 'se').")
    parts = []
    seen: dict[str, int] = {}
    for res in results:
        if not isinstance(res, SecondStageResult):
            raise BenchmarkError(f"compare_second_stage takes second_stage results; got {type(res).__name__}.")
        label = _label(res)
        seen[label] = seen.get(label, 0) + 1
        if seen[label] > 1:
            label = f"{label}_{seen[label]}"
        missing = [s for s in stats if s not in res.coefficients.columns]
        if missing:
            raise BenchmarkError(f"`stats` {missing} are not coefficient-table columns; choose from "
                                 f"{list(res.coefficients.columns[1:])}.")
        part = res.coefficients.set_index("term")[list(stats)]
        part.columns = [f"{label}_{s}" for s in stats]
        parts.append(part)
    return pd.concat(parts, axis=1, sort=False)
