"""Three-stage DEA (Fried, Lovell, Schmidt & Yaisawarng 2002).

Stage 1 scores the units by input-oriented DEA. Stage 2 regresses each
input's total slack (radial plus non-radial) on the environment variables by
a cost-type stochastic frontier, which splits the slack into an environment
effect ``z'beta``, statistical noise ``v`` and managerial inefficiency ``u``.
The inputs are then adjusted to put every unit in the least favourable
environment and the unluckiest draw of noise,

    x_adj = x + [max(z'beta) - z'beta] + [max(v) - v],

and stage 3 re-scores the units on the adjusted inputs.
"""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from benchmark._results import Result, headline_by
from benchmark._validation import (
    COMMON,
    BenchmarkError,
    ColumnError,
    as_float_columns,
    as_list,
    check_columns,
    check_finite,
    check_missing,
    check_numeric,
    options,
    validate_params,
)
from benchmark.frontier._common import (
    check_model_columns,
    entity_labels,
    norm_orientation,
    norm_rts,
)

__all__ = ["ThreeStageResult", "three_stage_dea"]


@dataclasses.dataclass(frozen=True, repr=False)
class ThreeStageResult(Result):
    """Result of :func:`three_stage_dea`: every stage's tables.

    Attributes
    ----------
    efficiency : DataFrame
        One row per unit: ``stage1`` and ``stage3`` scores (the chosen
        ``rts``) and their ``change``; for ``rts="vrs"`` also the CRS scores
        ``stage1_crs``, ``stage3_crs`` and scale efficiencies ``stage1_scale``,
        ``stage3_scale`` (CRS / VRS), the TE = PTE x SE table of the
        three-stage literature.
    slacks : DataFrame
        Total input slack of every unit (``(1 - theta) x + s``), the stage-2
        responses.
    stage2 : DataFrame
        Long coefficient table of the slack frontiers: ``input, term, estimate,
        se, z, p, ci_low, ci_high``.
    stage2_fit : DataFrame
        One row per input: ``sigma_u, sigma_v, gamma, sigma_sq, loglik,
        lr_statistic, lr_critical, lr_pvalue, wrong_skew, converged``.
    decomposition : DataFrame
        Per unit and input: ``slack``, ``environment`` (``z'beta``),
        ``inefficiency`` (E[u | e]), ``noise`` (e - E[u | e]) and the two
        adjustments ``environment_adjustment``, ``noise_adjustment``.
    adjusted : DataFrame
        The stage-3 data: the adjusted inputs and the original outputs.
    stage1, stage3 : DEAResult
        The DEA results of stages 1 and 3.
    sfa_models : dict
        The :class:`SFAResult` of each input's slack frontier.

    See Also
    --------
    benchmark.three_stage_dea : the analysis that returns this result.
    benchmark.SFAResult : the stage-2 slack frontiers.
    benchmark.DEAResult : the stage-1 and stage-3 models.

    """

    efficiency: pd.DataFrame
    slacks: pd.DataFrame
    stage2: pd.DataFrame
    stage2_fit: pd.DataFrame
    decomposition: pd.DataFrame
    adjusted: pd.DataFrame
    stage1: Any
    stage3: Any
    sfa_models: dict
    rts: str
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]
    environment: tuple[str, ...]
    entity: str

    def _params(self) -> dict[str, Any]:
        return {"rts": self.rts, "inputs": self.inputs, "outputs": self.outputs,
                "environment": self.environment}

    def summary(self) -> pd.DataFrame:
        """Headline figures per score (``score, statistic, value``).

        For the stage-1 and stage-3 scores (and with ``rts="vrs"`` their CRS
        and scale-efficiency versions): mean, minimum, median and the number
        of units at 1 (within 1e-6). Per-unit scores are in :attr:`efficiency`.
        """
        rows = []
        cols = [c for c in ("stage1", "stage3", "stage1_crs", "stage3_crs", "stage1_scale", "stage3_scale")
                if c in self.efficiency]
        for c in cols:
            s = self.efficiency[c]
            rows.append({"score": c, "mean": s.mean(), "min": s.min(), "median": s.median(),
                         "efficient": int((s >= 1 - 1e-6).sum())})
        return headline_by(pd.DataFrame(rows), ["score"])

    def plot(self, *, ax: Any = None, lang: str | None = None) -> Any:
        """Efficiency distributions before (stage 1) and after (stage 3) the adjustment.

        Box plots of the two score distributions with every unit drawn as a
        point and joined by a line, so that both the shift of the distribution
        and each unit's move are visible. ``lang=None`` writes Chinese when the
        units' names are Chinese. Returns the Axes.
        """
        from benchmark._i18n import resolve_lang

        lang = resolve_lang(lang, self.efficiency.index.astype(str).tolist()[:50])
        import matplotlib.pyplot as plt
        from matplotlib.axes import Axes

        from benchmark._fonts import apply_cjk_font

        if ax is not None and not isinstance(ax, Axes):
            raise BenchmarkError(f"`ax` must be a matplotlib Axes (or None for a new figure); got "
                                 f"{type(ax).__name__}.")
        own = ax is None
        if own:
            fig, ax = plt.subplots(figsize=(5.5, 4.5))
        try:
            before = self.efficiency["stage1"].to_numpy(dtype=float)
            after = self.efficiency["stage3"].to_numpy(dtype=float)
            text = {"zh": ("第一阶段\n(调整前)", "第三阶段\n(调整后)", "效率值", "三阶段DEA：调整前后的效率分布"),
                    "en": ("Stage 1\n(before)", "Stage 3\n(after)", "Efficiency",
                           "Three-stage DEA: efficiency before and after adjustment")}[lang]
            ax.boxplot([before, after], positions=[0, 1], widths=0.35, showfliers=False)
            jitter = np.random.default_rng(0).uniform(-0.08, 0.08, len(before))
            for a, b, j in zip(before, after, jitter):
                ax.plot([0 + j, 1 + j], [a, b], color="0.75", lw=0.6, zorder=1)
            ax.scatter(jitter, before, s=12, color="tab:blue", zorder=2)
            ax.scatter(1 + jitter, after, s=12, color="tab:orange", zorder=2)
            ax.set_xticks([0, 1], text[:2])
            ax.set_ylabel(text[2])
            ax.set_title(text[3])
            apply_cjk_font(ax.figure, text)
        except Exception:
            if own:
                plt.close(fig)
            raise
        return ax


@validate_params("entity", "n_jobs", inefficiency=options("half-normal", "truncated-normal"),
                 environment=COMMON["indicators"])
def three_stage_dea(
    data: pd.DataFrame,
    inputs: str | Sequence[str],
    outputs: str | Sequence[str],
    environment: str | Sequence[str],
    *,
    rts: str = "vrs",
    orientation: str = "input",
    inefficiency: str = "half-normal",
    entity: str = "institution",
    n_jobs: int = 1,
) -> ThreeStageResult:
    """Three-stage DEA: remove the environment's and luck's share of the slacks, then re-score.

    Stage 1: input-oriented :func:`dea`. Stage 2: for every input, a linear
    cost-type stochastic frontier (:func:`sfa`) of its total slack
    ``S = (1 - theta) x + s`` on the environment variables, ``S = z'beta + v +
    u``; managerial inefficiency is the Jondrow et al. (1982) conditional mean
    ``E[u | e]`` and noise ``E[v | e] = e - E[u | e]``. For the half-normal
    model this conditional mean is the formula
    ``sigma* [phi(lambda e / sigma) / Phi(lambda e / sigma) + lambda e / sigma]``
    with ``sigma* = sigma_u sigma_v / sigma`` used in the Chinese literature
    after Luo Dengyue (2012); both give the same numbers. Inputs are adjusted
    by ``x + [max(z'beta) - z'beta] + [max(v) - v]`` (Fried et al. 2002,
    eq. 6) and stage 3 runs the same DEA on the adjusted inputs.

    Parameters
    ----------
    data : DataFrame
        One row per unit (a cross-section).
    inputs, outputs : str or list of str
        DEA inputs and outputs, as for :func:`dea`.
    environment : str or list of str
        Numeric environment (context) columns: conditions the units do not
        control (funding model, region dummies, size of the city). Encode
        categories as 0/1 columns first.
    rts : {"vrs", "crs"}
        Returns to scale of stages 1 and 3; with ``"vrs"`` the CRS scores and
        scale efficiencies of both stages are reported too.
    orientation : {"input"}
        Only the input orientation of Fried et al. (2002) is defined here.
    inefficiency : {"half-normal", "truncated-normal"}
        Distribution of ``u`` in the slack frontiers.
    entity : str
        Column naming the units.
    n_jobs : int
        Workers for the DEA programs.

    Returns
    -------
    ThreeStageResult
        ``efficiency`` (stage 1 against stage 3), ``slacks``, ``stage2``,
        ``stage2_fit``, ``decomposition``, ``adjusted``, ``stage1``,
        ``stage3``; ``summary()`` and ``plot()``.

    Warns
    -----
    UserWarning
        When a slack's residuals have the wrong skew: that frontier finds no
        inefficiency, and the whole residual is treated as noise.

    See Also
    --------
    benchmark.dea : the stage-1 and stage-3 efficiency scores.
    benchmark.sfa : the stochastic frontier fitted to each input slack.
    benchmark.second_stage : explain scores by context instead of adjusting the inputs.

    References
    ----------
    Fried, Lovell, Schmidt & Yaisawarng (2002), "Accounting for environmental
    effects and statistical noise in data envelopment analysis", J.
    Productivity Analysis 17, 157-174; Jondrow, Lovell, Materov & Schmidt
    (1982), J. Econometrics 19, 233-238; 罗登跃 (Luo Dengyue, 2012),
    "三阶段DEA模型管理无效率估计注记", 统计研究 29(4), 104-107.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(4)
    >>> n = 40
    >>> remote, graduates = rng.uniform(0, 1, n), rng.uniform(5, 10, n)
    >>> def inefficient_input(effect):
    ...     return graduates + effect * remote + rng.normal(0, 1, n) + rng.exponential(1, n) + 3
    >>> df = pd.DataFrame({"institution": range(n), "staff": inefficient_input(4).round(2),
    ...                    "budget": inefficient_input(2).round(2), "graduates": graduates.round(2),
    ...                    "remote": remote.round(2)})
    >>> res = three_stage_dea(df, ["staff", "budget"], "graduates", "remote")
    >>> res.stage2.query("term == 'remote'")[["input", "estimate", "se"]].round(3)
        input  estimate     se
    1   staff     2.852  0.576
    5  budget     2.390  0.536
    >>> res.summary().query("statistic == 'efficient'")[["score", "value"]].head(2)
        score value
    3  stage1     7
    7  stage3    10
    >>> bool((res.adjusted["staff"] >= df["staff"]).all())
    True
    """
    from benchmark.frontier._dea import dea
    from benchmark.frontier._sfa import sfa

    rts = norm_rts(rts)
    if rts not in ("vrs", "crs"):
        raise BenchmarkError(f"three_stage_dea uses rts='vrs' or 'crs'; got {rts!r}.")
    if norm_orientation(orientation) != "input":
        raise BenchmarkError("three_stage_dea adjusts inputs (Fried et al. 2002) and needs orientation='input'; "
                             "output-oriented adjustment is not defined here.")
    env = as_list(environment, name="environment")
    frame, ins, outs = check_model_columns(data, inputs, outputs, entity)
    check_columns(frame, env, name="data", what="environment column")
    clash = [c for c in env if c in ins or c in outs or c == entity]
    if clash:
        raise ColumnError(f"environment column(s) {clash} are also inputs, outputs or the entity column.")
    check_numeric(frame, env, name="data")
    check_missing(frame, env, keys=[entity], name="data")
    check_finite(frame, env, keys=[entity], name="data")
    frame = as_float_columns(frame, env)  # nullable or categorical numbers: plain floats for the SFA
    const = [c for c in env if frame[c].nunique() <= 1]
    if const:
        raise BenchmarkError(f"environment column(s) {const} are constant and cannot explain the slacks; drop them.")

    stage1 = dea(frame, ins, outs, rts=rts, orientation="input", entity=entity, n_jobs=n_jobs)
    theta = stage1.efficiency["efficiency"].to_numpy(dtype=float)
    X = frame[ins].to_numpy(dtype=float)
    total = (1 - theta)[:, None] * X + stage1.slacks[ins].to_numpy(dtype=float)
    # solver round-off relative to the input itself, so that data in any unit (even 1e-300) agree
    total = np.where(np.abs(total) < 1e-9 * X, 0.0, total)
    labels = entity_labels(frame, entity)

    models, coefs, fits, decomp, adjusted = {}, [], [], [], frame[[entity, *ins, *outs]].copy()
    for j, col in enumerate(ins):
        reg = pd.DataFrame({entity: labels, "slack": total[:, j]})
        for c in env:
            reg[c] = frame[c].to_numpy(dtype=float)
        if np.ptp(total[:, j]) == 0:
            raise BenchmarkError(
                f"the total slack of input {col!r} is the same for every unit ({total[0, j]:g}), so stage 2 has "
                "nothing to explain; drop the input or check the data.")
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            fit = sfa(reg, "slack", env, form="linear", cost=True, inefficiency=inefficiency, entity=entity)
        for w in caught:
            warnings.warn(f"stage 2, input {col!r}: {w.message}", UserWarning, stacklevel=3)
        models[col] = fit
        part = fit.coefficients.copy()
        part.insert(0, "input", col)
        coefs.append(part)
        fits.append({"input": col, "sigma_u": fit.sigma_u, "sigma_v": fit.sigma_v, "gamma": fit.gamma,
                     "sigma_sq": fit.sigma_sq, "loglik": fit.loglik, "lr_statistic": fit.lr_statistic,
                     "lr_critical": fit.lr_critical, "lr_pvalue": fit.lr_pvalue, "wrong_skew": fit.wrong_skew,
                     "converged": fit.converged})
        beta = fit.coefficients["estimate"].to_numpy()[: 1 + len(env)]
        zb = reg[env].to_numpy(dtype=float) @ beta[1:]
        u = fit.efficiency["u_jlms"].to_numpy(dtype=float)
        v = fit.efficiency["residual"].to_numpy(dtype=float) - u
        env_adj, noise_adj = zb.max() - zb, v.max() - v
        adjusted[col] = X[:, j] + env_adj + noise_adj
        decomp.append(pd.DataFrame({entity: labels, "input": col, "slack": total[:, j], "environment": zb,
                                    "inefficiency": u, "noise": v, "environment_adjustment": env_adj,
                                    "noise_adjustment": noise_adj}))
    stage3 = dea(adjusted, ins, outs, rts=rts, orientation="input", entity=entity, n_jobs=n_jobs)
    eff = pd.DataFrame({entity: labels, "stage1": theta,
                        "stage3": stage3.efficiency["efficiency"].to_numpy(dtype=float)})
    eff["change"] = eff["stage3"] - eff["stage1"]
    if rts == "vrs":
        for name, source in (("stage1", frame), ("stage3", adjusted)):
            crs = dea(source, ins, outs, rts="crs", orientation="input", slacks=False, entity=entity,
                      n_jobs=n_jobs).efficiency["efficiency"].to_numpy(dtype=float)
            eff[f"{name}_crs"] = crs
            eff[f"{name}_scale"] = crs / eff[name].to_numpy()
    slack_table = pd.DataFrame(total, columns=ins)
    slack_table.insert(0, entity, labels)
    return ThreeStageResult(
        efficiency=eff, slacks=slack_table, stage2=pd.concat(coefs, ignore_index=True),
        stage2_fit=pd.DataFrame(fits), decomposition=pd.concat(decomp, ignore_index=True), adjusted=adjusted,
        stage1=stage1, stage3=stage3, sfa_models=models, rts=rts, inputs=tuple(ins), outputs=tuple(outs),
        environment=tuple(env), entity=entity,
    )
