"""Bias-corrected DEA scores and confidence intervals by the smoothed bootstrap.

DEA scores are estimates: the frontier spanned by a sample lies inside the
true frontier, so every score is biased towards efficiency. Simar & Wilson
(1998) resample the scores from a kernel estimate of their density
(reflected at 1 so that no mass leaks past the boundary), rebuild pseudo data
on the estimated frontier, re-estimate, and read bias and intervals off the
bootstrap distribution.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from benchmark._results import Result
from benchmark._validation import BenchmarkError, check_probability, check_random_state
from benchmark.frontier._common import (
    check_model_columns,
    check_n_jobs,
    entity_labels,
    norm_orientation,
    norm_rts,
    resolve_engine,
)

__all__ = ["dea_bootstrap", "BootstrapResult", "bandwidth_rule"]

_BOUNDARY_TOL = 1e-6  # distances within this of 1 are frontier units, left out of the bandwidth
_BATCH_UNITS = 600  # up to this many units, replicates run through the batched simplex
_BATCH_CELLS = 4_000_000  # size of the batched constraint tensor (floats) per call


@dataclasses.dataclass(frozen=True, repr=False)
class BootstrapResult(Result):
    """Result of :func:`dea_bootstrap`.

    ``efficiency`` has one row per unit: the DEA ``efficiency`` (as in
    :func:`dea`: Farrell input efficiency, or 1/phi for output orientation),
    ``bias_corrected``, ``bias`` (efficiency minus bias-corrected),
    ``std_error`` (of the bootstrap scores), the ``lower`` and ``upper``
    confidence limits, and ``bias_correction_advised`` (the bias exceeds
    ``1/sqrt(3)`` bootstrap standard deviations; below that the correction
    adds more noise than it removes, Simar & Wilson 2000).
    """

    efficiency: pd.DataFrame
    rts: str
    orientation: str
    n_boot: int
    alpha: float
    bandwidth: float
    entity: str

    def summary(self) -> pd.DataFrame:
        eff = self.efficiency
        rows = [("units", len(eff)), ("n_boot", self.n_boot), ("bandwidth", self.bandwidth),
                ("mean_efficiency", eff["efficiency"].mean()),
                ("mean_bias_corrected", eff["bias_corrected"].mean()),
                ("mean_interval_width", (eff["upper"] - eff["lower"]).mean()),
                ("bias_correction_advised", int(eff["bias_correction_advised"].sum()))]
        return pd.DataFrame(rows, columns=["statistic", "value"])


def bandwidth_rule(distance: np.ndarray) -> float:
    """Bandwidth for the reflected kernel density of Farrell distances (>= 1).

    Silverman's (1986, eq. 3.31) robust normal reference rule on the ``2m``
    reflected values ``{d, 2 - d}`` of the ``m`` distances away from the
    frontier (values at 1 are an artefact of DEA and would shrink the
    bandwidth), then rescaled to the full sample as in Daraio & Simar (2007,
    p. 61, eq. 3.26): ``h = h_2m * 2**(1/5) * (m/n)**(1/5) * s_n / s_2m``.
    """
    d = np.asarray(distance, dtype=float)
    inner = d[d > 1 + _BOUNDARY_TOL]
    m, n = len(inner), len(d)
    if m < 2:
        raise BenchmarkError(
            f"the bootstrap needs at least 2 units off the frontier to choose a bandwidth; {m} of {n} "
            "are inefficient. Give `bandwidth=` explicitly or use more units.")
    refl = np.concatenate([inner, 2 - inner])
    iqr = np.subtract(*np.percentile(refl, [75, 25]))
    spread = min(refl.std(ddof=1), iqr / 1.34) if iqr > 0 else refl.std(ddof=1)
    h_2m = 0.9 * spread * len(refl) ** (-0.2)
    return float(h_2m * 2 ** 0.2 * (m / n) ** 0.2 * d.std(ddof=1) / refl.std(ddof=1))


def _draw(distance: np.ndarray, h: float, rng: np.random.Generator) -> np.ndarray:
    """One smoothed, reflected, variance-corrected resample of the distances (SW 1998, sec. 4)."""
    refl = np.concatenate([distance, 2 - distance])
    beta = rng.choice(refl, size=len(distance), replace=True)
    eps = rng.standard_normal(len(distance))
    shrink = 1.0 / np.sqrt(1.0 + h ** 2 / refl.var())
    tilde = beta.mean() + shrink * (beta + h * eps - beta.mean())
    return np.where(tilde < 1, 2 - tilde, tilde)


def _replicates(X: np.ndarray, Y: np.ndarray, distance: np.ndarray, h: float, seeds: np.ndarray,
                rts: str, orientation: str, engine: str) -> np.ndarray:
    """Bootstrap distances of the original units, one column per seed."""
    from benchmark.frontier._lp import batch_scores, envelopment

    n = len(X)
    factors = np.stack([star / distance for star in
                        (_draw(distance, h, np.random.default_rng(seed)) for seed in seeds)])[:, :, None]
    # Pseudo data: each unit's frontier projection pushed back by its drawn inefficiency.
    if orientation == "input":
        XRs, YRs = X[None] * factors, np.broadcast_to(Y, (len(seeds),) + Y.shape)
    else:
        XRs, YRs = np.broadcast_to(X, (len(seeds),) + X.shape), Y[None] / factors
    out = np.empty((n, len(seeds)))
    if n <= _BATCH_UNITS:
        # Many small programs: the lockstep simplex beats one solver call per program.
        per = max(1, _BATCH_CELLS // (n * (n + X.shape[1] + Y.shape[1] + 3) * (X.shape[1] + Y.shape[1] + 1)))
        for a in range(0, len(seeds), per):
            score = batch_scores(X, Y, XRs[a:a + per], YRs[a:a + per], rts, orientation, engine)
            out[:, a:a + per] = (1.0 / score if orientation == "input" else score).T
        return out
    for b in range(len(seeds)):
        score = envelopment(X, Y, XRs[b], YRs[b], rts=rts, orientation=orientation, engine=engine).score
        out[:, b] = 1.0 / score if orientation == "input" else score
    return out


def _run_chunks(args: tuple, seeds: np.ndarray, n_jobs: int, progress: bool) -> np.ndarray:
    chunks = [c for c in np.array_split(seeds, max(1, min(len(seeds), 8 * n_jobs, len(seeds) // 10 or 1)))
              if len(c)]
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=len(seeds), desc="DEA bootstrap")
    if n_jobs == 1:
        parts = []
        for c in chunks:
            parts.append(_replicates(*args[:4], c, *args[4:]))
            if bar is not None:
                bar.update(len(c))
    else:
        from joblib import Parallel, delayed

        gen = Parallel(n_jobs=n_jobs, return_as="generator")(
            delayed(_replicates)(*args[:4], c, *args[4:]) for c in chunks)
        parts = []
        for c, part in zip(chunks, gen):
            parts.append(part)
            if bar is not None:
                bar.update(len(c))
    if bar is not None:
        bar.close()
    return np.hstack(parts)


def dea_bootstrap(
    data: pd.DataFrame,
    inputs: str | Sequence[str],
    outputs: str | Sequence[str],
    *,
    rts: str = "crs",
    orientation: str = "input",
    n_boot: int = 2000,
    alpha: float = 0.05,
    bandwidth: float | None = None,
    random_state: Any = None,
    entity: str = "institution",
    n_jobs: int = 1,
    progress: bool = False,
    engine: str = "auto",
) -> BootstrapResult:
    """Simar-Wilson (1998) smoothed bootstrap of DEA efficiency scores.

    Each replicate draws Farrell distances ``d* >= 1`` from the kernel
    density of the DEA distances reflected at 1 (with the variance
    correction of the smoothed bootstrap), builds pseudo data on the
    estimated frontier (input orientation: ``x* = x * d*/d``; output:
    ``y* = y * d/d*``) and re-scores the original units against it. With
    ``D`` the distances (``1/theta`` or ``phi``) and ``D*`` their replicates:
    bias ``mean(D*) - D``, bias-corrected ``2D - mean(D*)``, and the basic
    bootstrap interval ``[2D - q(1-alpha/2), 2D - q(alpha/2)]`` of ``D*``;
    all are reported on the efficiency scale of :func:`dea` (reciprocals).

    Parameters
    ----------
    data, inputs, outputs, rts, orientation, entity, n_jobs, engine
        As in :func:`dea` (``rts="fdh"`` is not supported).
    n_boot : int
        Bootstrap replicates (Simar & Wilson recommend 2000 for intervals).
    alpha : float
        One minus the confidence level.
    bandwidth : float, optional
        Kernel bandwidth; default :func:`bandwidth_rule`.
    random_state : None, int or numpy Generator
        Seed; results do not depend on ``n_jobs``.
    progress : bool
        Show a tqdm progress bar.

    Returns
    -------
    BootstrapResult

    References
    ----------
    Simar & Wilson (1998), Management Science 44(1), 49-61; Simar & Wilson
    (2000), Journal of Applied Statistics 27(6), 779-802; Daraio & Simar
    (2007), *Advanced Robust and Nonparametric Methods in Efficiency
    Analysis*, Springer.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> x = rng.uniform(1, 10, 30)
    >>> df = pd.DataFrame({"institution": range(30), "x": x, "y": x * rng.uniform(0.5, 1, 30)})
    >>> res = dea_bootstrap(df, "x", "y", n_boot=50, random_state=1)
    >>> bool((res.efficiency["bias_corrected"] <= res.efficiency["efficiency"]).all())
    True
    """
    frame, ins, outs = check_model_columns(data, inputs, outputs, entity)
    rts, orientation = norm_rts(rts), norm_orientation(orientation)
    if rts == "fdh":
        raise BenchmarkError("the Simar-Wilson bootstrap needs a convex technology; use rts='crs', 'vrs', "
                             "'nirs' or 'ndrs' (FDH needs subsampling instead).")
    if isinstance(n_boot, bool) or not isinstance(n_boot, (int, np.integer)) or n_boot < 2:
        raise BenchmarkError(f"`n_boot` must be an integer >= 2 (2000 is usual); got {n_boot!r}.")
    alpha = check_probability(alpha, name="alpha")
    n_jobs, engine = check_n_jobs(n_jobs), resolve_engine(engine)
    rng = check_random_state(random_state)
    X, Y = frame[ins].to_numpy(dtype=float), frame[outs].to_numpy(dtype=float)
    from benchmark.frontier._lp import envelopment

    score = envelopment(X, Y, rts=rts, orientation=orientation, n_jobs=n_jobs, engine=engine).score
    distance = 1.0 / score if orientation == "input" else score
    if bandwidth is None:
        h = bandwidth_rule(distance)
    else:
        h = float(bandwidth)
        if not np.isfinite(h) or h <= 0:
            raise BenchmarkError(f"`bandwidth` must be a positive number; got {bandwidth!r}.")
    seeds = rng.integers(0, 2**63 - 1, size=int(n_boot))
    boot = _run_chunks((X, Y, distance, h, rts, orientation, engine), seeds, n_jobs, progress)
    return BootstrapResult(
        efficiency=_table(entity_labels(frame, entity), entity, distance, boot, alpha),
        rts=rts, orientation=orientation, n_boot=int(n_boot), alpha=alpha, bandwidth=h, entity=entity,
    )


def _table(labels: list[str], entity: str, distance: np.ndarray, boot: np.ndarray,
           alpha: float) -> pd.DataFrame:
    mean = boot.mean(axis=1)
    bias = mean - distance
    corrected = distance - bias
    lo_q, hi_q = np.quantile(boot, [alpha / 2, 1 - alpha / 2], axis=1)
    d_lower, d_upper = 2 * distance - hi_q, 2 * distance - lo_q
    sd = boot.std(axis=1, ddof=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        advised = np.abs(bias) > sd / np.sqrt(3.0)
    eff = 1.0 / distance
    out = pd.DataFrame({
        entity: labels,
        "efficiency": eff,
        "bias_corrected": 1.0 / corrected,
        "bias": eff - 1.0 / corrected,
        "std_error": (1.0 / boot).std(axis=1, ddof=1),
        "lower": 1.0 / d_upper,
        "upper": 1.0 / d_lower,
        "bias_correction_advised": advised,
    })
    return out
