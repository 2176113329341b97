"""Stochastic frontier analysis by maximum likelihood.

The frontier ``y = x'beta + v - s*u`` (``s = 1`` for a production frontier,
``s = -1`` for a cost frontier) separates symmetric noise ``v ~ N(0, sigma_v^2)``
from one-sided inefficiency ``u >= 0``, half-normal (Aigner, Lovell & Schmidt
1977) or truncated normal ``N+(mu, sigma_u^2)`` (Stevenson 1980). The
log-likelihood and its analytic gradient are written in
``(beta, ln sigma_u, ln sigma_v, mu)`` so that the optimiser moves freely;
estimates and standard errors are reported in the ``(sigma^2, gamma)``
parameterisation of Battese & Corra (1977) and FRONTIER 4.1 / R ``frontier``.
"""

from __future__ import annotations

import dataclasses
import math
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from benchmark._results import Result, headline
from benchmark._validation import (
    BenchmarkError,
    as_list,
    check_finite,
    check_panel,
    check_positive,
    interval,
    options,
    validate_params,
)
from benchmark.frontier._common import entity_labels

__all__ = ["SFAResult", "sfa"]

FORMS = ("cobb-douglas", "translog", "linear")
INEFFICIENCY = ("half-normal", "truncated-normal")
_LOG_2PI = math.log(2 * math.pi)


# ----------------------------------------------------------------- result
@dataclasses.dataclass(frozen=True, repr=False)
class SFAResult(Result):
    """Result of :func:`sfa`.

    Attributes
    ----------
    coefficients : DataFrame
        One row per parameter: ``term, estimate, se, z, p, ci_low, ci_high``.
        The frontier terms are followed by ``sigma_sq`` (sigma_u^2 +
        sigma_v^2), ``gamma`` (sigma_u^2 / sigma_sq) and, for the truncated
        normal, ``mu``; standard errors come from the inverse of the observed
        information (numerical Hessian of the analytic gradient).
    efficiency : DataFrame
        One row per unit: ``residual`` (``e = y - x'beta``), ``u_jlms``
        (E[u | e], Jondrow et al. 1982) and, for the log forms,
        ``efficiency_jlms = exp(-E[u | e])`` and ``efficiency_bc`` =
        E[exp(-u) | e] (Battese & Coelli 1988).
    loglik, loglik_ols : float
        Log-likelihood at the estimate and of the OLS fit (no inefficiency).
    sigma_u, sigma_v, lambda_, gamma, sigma_sq, mu : float
        Variance parameters; ``lambda_ = sigma_u / sigma_v``; ``mu`` is 0 for
        the half-normal model.
    lr_statistic, lr_df, lr_critical, lr_pvalue : float
        One-sided likelihood-ratio test of no inefficiency: LR = 2 (loglik -
        loglik_ols) against the mixed chi-square of Kodde & Palm (1986)
        (``lr_critical`` is its 5 % critical value).
    converged : bool
        The optimiser's convergence flag; ``message`` is its message.
    wrong_skew : bool
        The OLS residuals are skewed the wrong way: the ML estimate is OLS with
        sigma_u = 0 (Waldman 1982) and every efficiency is 1.

    See Also
    --------
    benchmark.sfa : the analysis that returns this result.
    benchmark.ThreeStageResult : uses one stochastic frontier per input slack.

    """

    coefficients: pd.DataFrame
    efficiency: pd.DataFrame
    loglik: float
    loglik_ols: float
    sigma_u: float
    sigma_v: float
    lambda_: float
    gamma: float
    sigma_sq: float
    mu: float
    lr_statistic: float
    lr_df: int
    lr_critical: float
    lr_pvalue: float
    converged: bool
    message: str
    wrong_skew: bool
    n_iter: int
    form: str
    inefficiency: str
    cost: bool
    output: str
    inputs: tuple[str, ...]
    entity: str

    def summary(self) -> pd.DataFrame:
        """Headline figures (``statistic, value``).

        Variance parameters, log-likelihoods, the LR test of no
        inefficiency, the mean efficiency (``mean_efficiency_bc``, or
        ``mean_u_jlms`` for the linear form) and the number of units. The
        frontier coefficients are in :attr:`coefficients`.
        """
        col = "efficiency_bc" if "efficiency_bc" in self.efficiency else "u_jlms"
        return headline([
            ("sigma_u", self.sigma_u), ("sigma_v", self.sigma_v), ("lambda", self.lambda_),
            ("gamma", self.gamma), ("sigma_sq", self.sigma_sq), ("mu", self.mu),
            ("loglik", self.loglik), ("loglik_ols", self.loglik_ols),
            ("lr_statistic", self.lr_statistic), ("lr_critical_5pct", self.lr_critical),
            ("lr_pvalue", self.lr_pvalue), (f"mean_{col}", float(self.efficiency[col].mean())),
            ("n", len(self.efficiency)),
        ])


# ----------------------------------------------------------------- likelihood
def _mills(z: np.ndarray) -> np.ndarray:
    """phi(z) / Phi(z), stable far into the left tail."""
    from scipy.special import log_ndtr

    return np.exp(-0.5 * z * z - 0.5 * _LOG_2PI - log_ndtr(z))


@dataclasses.dataclass
class _Model:
    y: np.ndarray
    X: np.ndarray
    sign: int  # +1 production, -1 cost
    truncated: bool

    def split(self, p: np.ndarray) -> tuple[np.ndarray, float, float, float]:
        k = self.X.shape[1]
        mu = p[k + 2] if self.truncated else 0.0
        return p[:k], p[k], p[k + 1], mu

    def loglik(self, p: np.ndarray) -> float:
        from scipy.special import log_ndtr

        beta, a, b, mu = self.split(p)
        su, sv = math.exp(a), math.exp(b)
        s2 = su * su + sv * sv
        s = math.sqrt(s2)
        e = self.y - self.X @ beta
        r = e + self.sign * mu
        z = (sv * sv * mu - self.sign * e * su * su) / (s * su * sv)
        ll = -0.5 * _LOG_2PI - math.log(s) - r * r / (2 * s2) + log_ndtr(z) - log_ndtr(np.array(mu / su))
        return float(ll.sum())

    def gradient(self, p: np.ndarray) -> np.ndarray:
        beta, a, b, mu = self.split(p)
        su, sv = math.exp(a), math.exp(b)
        su2, sv2 = su * su, sv * sv
        s2 = su2 + sv2
        s = math.sqrt(s2)
        e = self.y - self.X @ beta
        r = e + self.sign * mu
        D = s * su * sv
        z = (sv2 * mu - self.sign * e * su2) / D
        m = _mills(z)
        w = mu / su
        mw = float(_mills(np.array(w)))
        d_e = -r / s2 + m * (-self.sign * su / (s * sv))
        g_beta = -(self.X.T @ d_e)
        dz_da = (-2 * self.sign * e * su2) / D - z * (su2 / s2 + 1)
        dz_db = (2 * sv2 * mu) / D - z * (sv2 / s2 + 1)
        g_a = np.sum(-su2 / s2 + r * r * su2 / (s2 * s2) + m * dz_da) + len(e) * mw * w
        g_b = np.sum(-sv2 / s2 + r * r * sv2 / (s2 * s2) + m * dz_db)
        out = [g_beta, [g_a, g_b]]
        if self.truncated:
            g_mu = np.sum(-r * self.sign / s2 + m / (su / sv * s)) - len(e) * mw / su
            out.append([g_mu])
        return np.concatenate(out)

    # the reported parameterisation q = (beta, sigma_sq, gamma, mu)
    def to_internal(self, q: np.ndarray) -> np.ndarray:
        k = self.X.shape[1]
        s2, g = q[k], q[k + 1]
        out = [q[:k], [0.5 * math.log(g * s2), 0.5 * math.log((1 - g) * s2)]]
        if self.truncated:
            out.append([q[k + 2]])
        return np.concatenate(out)

    def gradient_q(self, q: np.ndarray) -> np.ndarray:
        k = self.X.shape[1]
        s2, g = q[k], q[k + 1]
        gp = self.gradient(self.to_internal(q))
        out = gp.copy()
        out[k] = (gp[k] + gp[k + 1]) / (2 * s2)
        out[k + 1] = gp[k] / (2 * g) - gp[k + 1] / (2 * (1 - g))
        return out


@dataclasses.dataclass
class _Scaling:
    """The affine map between the data and the standardised problem the optimiser sees.

    ``y' = (y - my) / sy`` and every regressor but the intercept ``x_j' = (x_j - m_j) / s_j``, so
    that the likelihood surface has the same shape for data in yuan or in billions (and at 1e+-300,
    where sums of squares of the raw values overflow). The frontier coefficients, sigmas and ``mu``
    map back linearly, so the covariance maps back exactly with the Jacobian.
    """

    my: float
    sy: float
    m: np.ndarray
    s: np.ndarray

    @classmethod
    def of(cls, y: np.ndarray, X: np.ndarray) -> _Scaling:
        from benchmark._numeric import mean_std

        my, sy = mean_std(y[:, None], ddof=0)
        m, sd = mean_std(X[:, 1:], ddof=0)
        sy_, sd = float(sy[0]), np.where(sd > 0, sd, 1.0)
        return cls(float(my[0]), sy_ if sy_ > 0 else 1.0, m, sd)

    def apply(self, y: np.ndarray, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        Xs = X.copy()
        Xs[:, 1:] = (X[:, 1:] - self.m) / self.s
        return (y - self.my) / self.sy, Xs

    def beta_map(self) -> tuple[np.ndarray, np.ndarray]:
        """``A, c`` with ``beta = A beta' + c``."""
        k = len(self.m) + 1
        A = np.zeros((k, k))
        A[0, 0] = self.sy
        A[0, 1:] = -(self.m / self.s) * self.sy  # in this order: m * sy over- or underflows at 1e+-300
        A[np.arange(1, k), np.arange(1, k)] = self.sy / self.s
        c = np.zeros(k)
        c[0] = self.my
        return A, c

    def standard_errors(self, cov: np.ndarray) -> np.ndarray:
        """Standard errors of ``q = (beta, sigma_sq, gamma[, mu])`` from the covariance of ``q'``.

        The map is linear, so ``cov(q) = J cov(q') J'``. Each row of ``J`` is a moderate vector times
        one factor (``sy``, ``sy / s_j``, ``sy^2``); the factor is applied after the square root so that
        data near 1e+-300 neither overflow nor underflow on the way.
        """
        k = len(self.m) + 1
        W = np.eye(k)
        W[0, 1:] = -self.m / self.s
        factor = np.concatenate([[self.sy], self.sy / self.s])
        with np.errstate(invalid="ignore"):
            var_beta = np.diag(W @ cov[:k, :k] @ W.T)
            var = np.diag(cov)
            se_beta = factor * np.sqrt(np.where(var_beta > 0, var_beta, np.nan))
            se = np.sqrt(np.where(var > 0, var, np.nan))
        scale = [self.sy * self.sy, 1.0] + [self.sy] * (len(se) - k - 2)
        return np.concatenate([se_beta, se[k:] * np.array(scale)])


def _ols(y: np.ndarray, X: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    beta, *_ = np.linalg.lstsq(X, y, rcond=None)
    resid = y - X @ beta
    n = len(y)
    s2 = float(resid @ resid) / n
    loglik = -0.5 * n * (_LOG_2PI + math.log(s2) + 1)
    return beta, resid, loglik


def _cols_start(model: _Model, beta: np.ndarray, resid: np.ndarray) -> np.ndarray | None:
    """Corrected OLS (method of moments) start; None when the residuals have the wrong skew."""
    m2 = float(np.mean(resid ** 2))
    m3 = float(np.mean(resid ** 3))
    c = math.sqrt(2 / math.pi) * (1 - 4 / math.pi)  # third moment of -u per sigma_u^3 (< 0)
    su3 = model.sign * m3 / c
    if su3 <= 0:
        return None
    su = su3 ** (1 / 3)
    sv2 = m2 - (1 - 2 / math.pi) * su * su
    if sv2 <= 0.05 * m2:
        sv2 = 0.05 * m2
        su = math.sqrt(max(m2 - sv2, 1e-12) / (1 - 2 / math.pi))
    start = beta.copy()
    start[0] += model.sign * su * math.sqrt(2 / math.pi)
    parts = [start, [math.log(su), 0.5 * math.log(sv2)]]
    if model.truncated:
        parts.append([0.0])
    return np.concatenate(parts)


def _maximise(model: _Model, start: np.ndarray, maxiter: int) -> Any:
    from scipy.optimize import minimize

    def f(p: np.ndarray) -> float:
        try:  # a line search may try sigma = exp(800): a bad step, not an error
            with np.errstate(all="ignore"):
                value = -model.loglik(p)
        except (OverflowError, ZeroDivisionError, ValueError):
            return 1e300
        return value if np.isfinite(value) else 1e300

    def g(p: np.ndarray) -> np.ndarray:
        try:
            with np.errstate(all="ignore"):
                grad = -model.gradient(p)
        except (OverflowError, ZeroDivisionError, ValueError):
            return np.zeros_like(p)
        return np.where(np.isfinite(grad), grad, 0.0)

    res = minimize(f, start, jac=g, method="BFGS", options={"gtol": 1e-9, "maxiter": maxiter})
    if not res.success:
        # BFGS often stops on precision loss at the optimum; a second, quasi-Newton polish decides.
        res2 = minimize(f, res.x, jac=g, method="L-BFGS-B",
                        options={"maxiter": maxiter, "gtol": 1e-9, "ftol": 1e-15})
        if res2.fun <= res.fun + 1e-12:
            res2.nit += res.nit
            res = res2
        grad = g(res.x)
        worst = float(np.max(np.abs(grad)))
        if worst < 1e-4 * max(1.0, abs(res.fun)):
            res.success = True
            res.message = f"converged (largest gradient element {worst:.1e}; optimiser said: {res.message})"
    return res


def _hessian(func: Any, q: np.ndarray, room: np.ndarray | None = None) -> np.ndarray:
    """Central differences of the gradient; ``room`` caps each step (distance to a parameter bound)."""
    k = len(q)
    H = np.empty((k, k))
    for j in range(k):
        h = 1e-5 * max(1.0, abs(q[j]))
        if room is not None:
            h = min(h, 0.5 * room[j])
        up, down = q.copy(), q.copy()
        up[j] += h
        down[j] -= h
        H[:, j] = (func(up) - func(down)) / (2 * h)
    return 0.5 * (H + H.T)


def _conditional(model: _Model, e: np.ndarray, su: float, sv: float, mu: float) -> tuple[np.ndarray, ...]:
    """mu*, sigma* of u | e (Jondrow et al. 1982; Kumbhakar & Lovell 2000, ch. 3)."""
    s2 = su * su + sv * sv
    mu_star = (sv * sv * mu - model.sign * e * su * su) / s2
    sig_star = su * sv / math.sqrt(s2)
    return mu_star, sig_star


def _efficiencies(model: _Model, e: np.ndarray, su: float, sv: float, mu: float,
                  logs: bool, unit: float = 1.0) -> dict[str, np.ndarray]:
    """JLMS and Battese-Coelli efficiencies from standardised ``e, su, sv, mu``; ``unit`` is the scale
    of the dependent variable, by which ``u`` is multiplied back."""
    from scipy.special import log_ndtr

    if su == 0:
        out = {"u_jlms": np.zeros_like(e)}
        if logs:
            out.update(efficiency_jlms=np.ones_like(e), efficiency_bc=np.ones_like(e))
        return out
    mu_std, sig_std = _conditional(model, e, su, sv, mu)
    if sig_std == 0:  # sigma_v underflowed to 0: u | e is the point max(mu*, 0), no spread
        u = unit * np.maximum(mu_std, 0.0)
        out = {"u_jlms": u}
        if logs:
            out.update(efficiency_jlms=np.exp(-u), efficiency_bc=np.exp(-u))
        return out
    r = mu_std / sig_std
    u = unit * (mu_std + sig_std * _mills(r))
    mu_star, sig = unit * mu_std, unit * sig_std
    out = {"u_jlms": u}
    if logs:
        bc = np.exp(-mu_star + 0.5 * sig * sig + log_ndtr(r - sig) - log_ndtr(r))
        out.update(efficiency_jlms=np.exp(-u), efficiency_bc=bc)
    return out


def _mixed_chi2(df: int) -> tuple[float, Any]:
    """The 50:50 mixture of chi2(df-1) and chi2(df) (Kodde & Palm 1986, one boundary parameter)."""
    from scipy.optimize import brentq
    from scipy.stats import chi2

    def sf(x: float) -> float:
        low = (1.0 if x <= 0 else 0.0) if df == 1 else float(chi2.sf(x, df - 1))
        return 0.5 * low + 0.5 * float(chi2.sf(x, df))

    critical = brentq(lambda x: sf(x) - 0.05, 1e-9, 100.0)
    return critical, sf


# ----------------------------------------------------------------- design
def _design(frame: pd.DataFrame, output: str, inputs: list[str], form: str) -> tuple[np.ndarray, np.ndarray, list[str]]:
    y = frame[output].to_numpy(dtype=float)
    Z = frame[inputs].to_numpy(dtype=float)
    if form == "linear":
        return y, np.column_stack([np.ones(len(y)), Z]), ["(Intercept)", *inputs]
    y, L = np.log(y), np.log(Z)
    cols, names = [np.ones(len(y))], ["(Intercept)"]
    for j, c in enumerate(inputs):
        cols.append(L[:, j])
        names.append(f"log({c})")
    if form == "translog":
        for j, cj in enumerate(inputs):
            for k in range(j, len(inputs)):
                if j == k:
                    cols.append(0.5 * L[:, j] ** 2)
                    names.append(f"0.5*log({cj})^2")
                else:
                    cols.append(L[:, j] * L[:, k])
                    names.append(f"log({cj})*log({inputs[k]})")
    return y, np.column_stack(cols), names


def _coef_table(names: list[str], est: np.ndarray, se: np.ndarray, ci: float) -> pd.DataFrame:
    from scipy.stats import norm

    q = float(norm.ppf(0.5 + ci / 2))
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):  # sigma_sq may overflow at 1e+300
        z = est / se
        low, high = est - q * se, est + q * se
    return pd.DataFrame({
        "term": names, "estimate": est, "se": se, "z": z,
        "p": 2 * norm.sf(np.abs(z)), "ci_low": low, "ci_high": high,
    })


# ----------------------------------------------------------------- public API
@validate_params(
    "entity", ci=interval(0, 1, closed="neither"),  # a level is needed: intervals are always reported
    form=options(*FORMS), inefficiency=options(*INEFFICIENCY), cost=options(True, False),
    maxiter=interval(1, integer=True),
)
def sfa(
    data: pd.DataFrame,
    output: str,
    inputs: str | Sequence[str],
    *,
    form: str = "cobb-douglas",
    inefficiency: str = "half-normal",
    cost: bool = False,
    entity: str = "institution",
    ci: float = 0.95,
    maxiter: int = 2000,
) -> SFAResult:
    """Stochastic frontier analysis: a production or cost frontier by maximum likelihood.

    Fits ``ln y = f(ln x; beta) + v - u`` (production) or ``+ v + u``
    (cost) with normal noise ``v`` and one-sided inefficiency ``u``. The
    optimiser (BFGS with the analytic gradient) starts from corrected OLS;
    when the OLS residuals are skewed the wrong way the maximum is OLS itself
    (sigma_u = 0), which is reported with a warning, ``wrong_skew=True`` and
    every efficiency 1 rather than as an error.

    Parameters
    ----------
    data : DataFrame
        One row per unit.
    output : str
        The dependent column (output, or cost when ``cost=True``); positive
        for the log forms.
    inputs : str or list of str
        Regressor columns (inputs, or output quantities and prices for a cost
        frontier); positive for the log forms.
    form : {"cobb-douglas", "translog", "linear"}
        ``"cobb-douglas"``: ``ln y`` on ``ln x``; ``"translog"`` adds
        ``0.5 (ln x_j)^2`` and ``ln x_j ln x_k``; ``"linear"``: ``y`` on ``x``
        in levels (as in the slack regressions of three-stage DEA).
    inefficiency : {"half-normal", "truncated-normal"}
        Distribution of ``u``: ``N+(0, sigma_u^2)`` or ``N+(mu, sigma_u^2)``
        with ``mu`` estimated (Stevenson 1980; unbounded, unlike R
        ``frontier``'s default bound ``|mu| <= 2 sigma_u``).
    cost : bool
        Cost frontier: inefficiency raises ``y``.
    entity : str
        Column naming the units.
    ci : float
        Level of the Wald intervals in the coefficient table.
    maxiter : int
        Iteration limit of the optimiser. If it stops without converging the
        result is returned with ``converged=False``, the optimiser's message
        and a warning.

    Returns
    -------
    SFAResult
        ``coefficients``, ``efficiency``, variance parameters, log-likelihoods,
        the one-sided LR test; ``summary()``.

    See Also
    --------
    three_stage_dea : uses a linear cost-type SFA per input slack.
    dea : the non-parametric frontier.

    References
    ----------
    Aigner, Lovell & Schmidt (1977), J. Econometrics 6, 21-37; Stevenson
    (1980), J. Econometrics 13, 57-66; Jondrow, Lovell, Materov & Schmidt
    (1982), J. Econometrics 19, 233-238; Battese & Coelli (1988), J.
    Econometrics 38, 387-399; Kodde & Palm (1986), Econometrica 54,
    1243-1248; Waldman (1982), J. Econometrics 18, 275-279; Coelli, Rao,
    O'Donnell & Battese (2005), *An Introduction to Efficiency and
    Productivity Analysis*, 2nd ed., ch. 9.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(1)
    >>> x = rng.uniform(1, 10, 200)
    >>> y = np.exp(0.5 + 0.6 * np.log(x) + rng.normal(0, 0.1, 200) - np.abs(rng.normal(0, 0.3, 200)))
    >>> res = sfa(pd.DataFrame({"institution": range(200), "y": y, "x": x}), "y", "x")
    >>> res.coefficients[["term", "estimate"]].round(2)
              term  estimate
    0  (Intercept)      0.41
    1       log(x)      0.67
    2     sigma_sq      0.11
    3        gamma      0.96
    >>> bool(res.lr_statistic > res.lr_critical)
    True
    """
    ins = as_list(inputs, name="inputs")
    if output in ins:
        raise BenchmarkError(f"`output` {output!r} is also among `inputs`; a column can only be one of them.")
    frame, _ = check_panel(data, [output, *ins], entity=entity, period=None, require_period=False)
    keys = [entity] if entity in frame.columns else []
    check_finite(frame, [output, *ins], keys=keys, name="data")
    if form != "linear":
        check_positive(frame, [output, *ins], keys=keys, name="data",
                       why=f"the {form} frontier takes logarithms and")
    y, X, names = _design(frame, output, ins, form)
    n_par = X.shape[1] + 2 + (inefficiency == "truncated-normal")
    if len(y) <= n_par:
        raise BenchmarkError(
            f"sfa needs more units than parameters: {len(y)} unit(s) for {n_par} parameters "
            f"({form}, {inefficiency}); use more units or fewer inputs.")
    if frame[output].nunique() <= 1:
        raise BenchmarkError(f"sfa: `output` {output!r} is the same for every unit, so there is no frontier "
                             "to fit; choose a column that varies.")
    scaling = _Scaling.of(y, X)
    y, X = scaling.apply(y, X)
    const = [c for c in ins if frame[c].nunique() <= 1]
    if const or np.linalg.matrix_rank(X) < X.shape[1]:
        why = f"column(s) {const} are constant" if const else "some regressors are collinear"
        raise BenchmarkError(f"sfa cannot separate the frontier terms {names[1:]}: {why}; drop them.")
    model = _Model(y, X, 1 if not cost else -1, inefficiency == "truncated-normal")
    return _fit(model, scaling, names, frame, output, ins, form, inefficiency, cost, entity, ci, maxiter)


def _fit(model: _Model, scaling: _Scaling, names: list[str], frame: pd.DataFrame, output: str, ins: list[str],
         form: str, inefficiency: str, cost: bool, entity: str, ci: float, maxiter: int) -> SFAResult:
    beta_ols, resid, ll_ols = _ols(model.y, model.X)
    if not np.isfinite(ll_ols) or np.var(resid) < 1e-24:
        raise BenchmarkError(
            f"sfa: {output!r} is fitted exactly by {names[1:]} (no residual variation), so noise and "
            "inefficiency cannot be separated; check the columns.")
    df = 1 if not model.truncated else 2
    critical, sf = _mixed_chi2(df)
    labels = entity_labels(frame, entity)
    start = _cols_start(model, beta_ols, resid)
    logs = form != "linear"
    if start is None:
        return _wrong_skew(model, scaling, names, beta_ols, resid, ll_ols, labels, output, ins, form,
                           inefficiency, cost, entity, ci, critical, sf, df)
    with np.errstate(all="ignore"):
        ll0 = model.loglik(start)
    if not np.isfinite(ll0):
        raise BenchmarkError(
            "sfa: the log-likelihood is not finite at the corrected-OLS start; the data are badly "
            "scaled (rescale the columns) or degenerate.")
    res = _maximise(model, start, maxiter)
    beta, a, b, mu = model.split(res.x)
    su, sv = math.exp(a), math.exp(b)
    loglik = -float(res.fun)
    if loglik < ll_ols - 1e-8:
        # the likelihood fell back below OLS: the inefficiency term is not identified here
        return _wrong_skew(model, scaling, names, beta_ols, resid, ll_ols, labels, output, ins, form,
                           inefficiency, cost, entity, ci, critical, sf, df)
    s2 = su * su + sv * sv
    gamma = su * su / s2
    q = np.concatenate([beta, [s2, gamma]] + ([[mu]] if model.truncated else []))
    with np.errstate(all="ignore"):
        k = model.X.shape[1]
        room = np.full(len(q), np.inf)
        room[k], room[k + 1] = s2, min(gamma, 1 - gamma)
        cov = np.full((len(q), len(q)), np.nan)
        if room[k + 1] > 1e-9:  # at gamma = 0 or 1 the estimate is on the boundary: no Wald errors
            H = _hessian(model.gradient_q, q, room)
            try:
                cov = np.linalg.inv(-H)
            except np.linalg.LinAlgError:
                pass
        se = scaling.standard_errors(cov)
    term_names = [*names, "sigma_sq", "gamma"] + (["mu"] if model.truncated else [])
    A, c = scaling.beta_map()
    sy = scaling.sy
    q_data = np.concatenate([A @ beta + c, [sy * sy * s2, gamma]] + ([[sy * mu]] if model.truncated else []))
    coef = _coef_table(term_names, q_data, se, ci)
    e = model.y - model.X @ beta
    eff = _efficiencies(model, e, su, sv, mu, logs, sy)
    table = pd.DataFrame({entity: labels, "residual": sy * e, **eff})
    lr = max(2 * (loglik - ll_ols), 0.0)
    converged = bool(res.success)
    message = str(res.message)
    if sv < 1e-6 * su:
        # the likelihood rises towards sigma_v = 0 (a deterministic frontier): a boundary maximum
        converged = True
        message = "gamma at its bound 1 (sigma_v -> 0): the deviations are all inefficiency"
        warnings.warn(f"sfa: {message}; the frontier passes through the extreme units and no noise is "
                      "identified (standard errors of the variance parameters are not defined).",
                      UserWarning, stacklevel=4)
    if not converged:
        warnings.warn(f"sfa did not converge ({message}); the estimates are the last iterate. "
                      "Try another form, rescale the data or raise maxiter.", UserWarning, stacklevel=4)
    shift = len(e) * math.log(sy)  # the density of y is that of y' divided by sy
    return SFAResult(
        coefficients=coef, efficiency=table, loglik=loglik - shift, loglik_ols=ll_ols - shift,
        sigma_u=sy * su, sigma_v=sy * sv, lambda_=su / sv if sv > 0 else math.inf, gamma=gamma, sigma_sq=sy * sy * s2,
        mu=float(sy * mu), lr_statistic=lr, lr_df=df,
        lr_critical=critical, lr_pvalue=sf(lr), converged=converged, message=message, wrong_skew=False,
        n_iter=int(res.nit), form=form, inefficiency=inefficiency, cost=bool(cost), output=output,
        inputs=tuple(ins), entity=entity,
    )


def _wrong_skew(model: _Model, scaling: _Scaling, names: list[str], beta: np.ndarray, resid: np.ndarray,
                ll_ols: float, labels: Any, output: str, ins: list[str], form: str, inefficiency: str,
                cost: bool, entity: str, ci: float, critical: float, sf: Any, df: int) -> SFAResult:
    side = "left (negative)" if model.sign == 1 else "right (positive)"
    warnings.warn(
        f"sfa: the OLS residuals of {output!r} are not skewed to the {side} as a "
        f"{'cost' if model.sign == -1 else 'production'} frontier needs, so the maximum-likelihood "
        "estimate has sigma_u = 0 (Waldman 1982): no inefficiency is detected and every efficiency is 1. "
        "Check the sign convention (`cost=`) or the specification.", UserWarning, stacklevel=5)
    n = model.X.shape[0]
    s2 = float(resid @ resid) / n
    from numpy.linalg import pinv

    A, c = scaling.beta_map()
    sy = scaling.sy
    k = len(beta)
    cov = np.full((k + 2 + model.truncated, k + 2 + model.truncated), np.nan)
    cov[:k, :k] = s2 * pinv(model.X.T @ model.X)
    se = scaling.standard_errors(cov)
    est = np.concatenate([A @ beta + c, [sy * sy * s2, 0.0]] + ([[0.0]] if model.truncated else []))
    term_names = [*names, "sigma_sq", "gamma"] + (["mu"] if model.truncated else [])
    eff = _efficiencies(model, resid, 0.0, math.sqrt(s2), 0.0, form != "linear")
    ll = ll_ols - n * math.log(sy)
    return SFAResult(
        coefficients=_coef_table(term_names, est, se, ci),
        efficiency=pd.DataFrame({entity: labels, "residual": sy * resid, **eff}),
        loglik=ll, loglik_ols=ll, sigma_u=0.0, sigma_v=sy * math.sqrt(s2), lambda_=0.0, gamma=0.0,
        sigma_sq=sy * sy * s2, mu=0.0, lr_statistic=0.0, lr_df=df, lr_critical=critical, lr_pvalue=sf(0.0),
        converged=True, message="wrong skew: OLS is the maximum-likelihood estimate", wrong_skew=True,
        n_iter=0, form=form, inefficiency=inefficiency, cost=bool(cost), output=output, inputs=tuple(ins),
        entity=entity,
    )
