"""Slacks-based measure of efficiency (SBM), super-efficiency SBM and undesirable outputs.

Radial DEA shrinks all inputs (or expands all outputs) in proportion and
leaves the remaining slacks aside. Tone's (2001) SBM scores a unit by its
slacks directly: the mean proportional input saving against the mean
proportional output gain. It is non-radial, unit-invariant and monotone in
every slack, and 1 means Pareto efficient. Super-efficiency SBM (Tone 2002)
ranks the efficient units, and undesirable outputs (Tone 2004; Cooper,
Seiford & Tone 2007, ch. 13) are reduced rather than expanded.

The programs are solved by :mod:`benchmark.frontier._sbm_lp`; this module
checks the input once and turns the solutions into tidy tables.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from benchmark._numeric import mean_std
from benchmark._results import Result, headline
from benchmark._validation import (
    BenchmarkError,
    ColumnError,
    NonPositiveError,
    as_list,
    format_list,
    instance,
    options,
    row_labels,
    validate_params,
)
from benchmark.frontier._common import (
    EFFICIENT_TOL,
    check_model_columns,
    check_n_jobs,
    entity_labels,
    peer_table,
    resolve_engine,
)

__all__ = ["SBMResult", "sbm"]

_RTS = {"crs": "crs", "vrs": "vrs", "ccr": "crs", "bcc": "vrs"}
_ORIENTATION = {"none": "none", "non-oriented": "none", "input": "input", "in": "input",
                "output": "output", "out": "output"}


# ----------------------------------------------------------------- result
@dataclasses.dataclass(frozen=True, repr=False)
class SBMResult(Result):
    """Result of :func:`sbm`.

    Attributes
    ----------
    efficiency : DataFrame
        One row per unit: ``efficiency`` (the SBM score rho in (0, 1]; with
        ``super_efficiency=True`` the combined score: rho for inefficient
        units, Tone's super-efficiency delta >= 1 for efficient ones),
        ``sbm_efficiency`` and ``super_efficiency`` (delta; 1 for inefficient
        units) when super-efficiency was asked for, ``efficient`` (rho = 1
        within 1e-6, which for SBM means Pareto efficient) and ``reason``
        (why a score is missing).
    lambdas : DataFrame
        Long table ``entity, peer, lambda`` of the positive intensities of the
        ordinary SBM projection.
    slacks : DataFrame
        One row per unit: the slack of every input and output in data units
        (undesirable outputs: the possible reduction) and ``slack_sum``.
    projections : DataFrame
        The targets: see :meth:`targets`.
    rts, orientation : str
        The model that was solved.
    inputs, outputs, undesirable : tuple of str
        Input, desirable-output and undesirable-output columns.
    entity : str
        Entity column.
    super_efficiency : bool
        Whether efficient units were ranked by super-efficiency.

    See Also
    --------
    benchmark.sbm : the analysis that returns this result.
    benchmark.DEAResult : the radial counterpart.

    """

    efficiency: pd.DataFrame
    lambdas: pd.DataFrame
    slacks: pd.DataFrame
    projections: pd.DataFrame
    rts: str
    orientation: str
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]
    undesirable: tuple[str, ...]
    entity: str
    super_efficiency: bool

    def peers(self, *, wide: bool = False) -> pd.DataFrame:
        """Each unit's reference units and weights (as :meth:`DEAResult.peers`)."""
        return peer_table(self.lambdas, self.efficiency[self.entity], self.entity, wide=wide)

    def targets(self) -> pd.DataFrame:
        """Projected inputs and outputs of the ordinary SBM program.

        Long table ``entity, indicator, role, actual, target, gap, gap_pct``
        with ``target = x - s`` for inputs, ``y + s`` for desirable and
        ``y - s`` for undesirable outputs (role ``"undesirable"``).
        """
        return self.projections.copy()

    def to_frames(self) -> dict[str, pd.DataFrame]:
        return {"efficiency": self.efficiency, "lambdas": self.lambdas, "slacks": self.slacks,
                "targets": self.projections}

    def summary(self) -> pd.DataFrame:
        """Counts of efficient units and the distribution of the scores."""
        eff = self.efficiency["efficiency"]
        finite = eff[np.isfinite(eff)]
        rows = [("units", len(eff)), ("efficient", int(self.efficiency["efficient"].sum())),
                ("share_efficient", float(self.efficiency["efficient"].mean())),
                ("mean", finite.mean()), ("min", finite.min()), ("q25", finite.quantile(0.25)),
                ("median", finite.median()), ("q75", finite.quantile(0.75)), ("max", finite.max()),
                ("missing", int(eff.isna().sum())), ("distinct_peers", self.lambdas["peer"].nunique())]
        return headline(rows)

    def plot(self, **kwargs: Any) -> Any:
        """The frontier picture with the unit's SBM target (:func:`benchmark.plotting.plot_frontier`)."""
        from benchmark.plotting import plot_frontier

        if self.undesirable:
            raise BenchmarkError("the frontier picture has no axis for undesirable outputs; plot the "
                                 "`efficiency` table instead (e.g. a histogram of res.efficiency['efficiency']).")
        kwargs.setdefault("orientation", "input" if self.orientation == "none" else self.orientation)
        return plot_frontier(self, **kwargs)


# ----------------------------------------------------------------- checks
def _weights(weights: Mapping[str, float] | None, columns: list[str], group: str) -> np.ndarray:
    w = np.ones(len(columns))
    if weights is not None:
        for k, c in enumerate(columns):
            if c in weights:
                w[k] = weights[c]
    if not np.isfinite(w).all() or (w < 0).any() or w.sum() <= 0:
        bad = [c for c, v in zip(columns, w) if not np.isfinite(v) or v < 0]
        raise BenchmarkError(
            f"`weights` for the {group} {format_list(bad or columns)} must be finite and non-negative "
            "with a positive total; give e.g. {'column': 2.0}.")
    return w / w.sum()


def _check_weights(weights: Any, columns: list[str]) -> None:
    if weights is None:
        return
    if not isinstance(weights, Mapping):
        raise BenchmarkError(f"`weights` must be a mapping {{column: weight}}; got {type(weights).__name__}.")
    unknown = [k for k in weights if k not in columns]
    if unknown:
        raise BenchmarkError(f"`weights` names {format_list(unknown)}, which are not among the inputs and "
                             f"outputs ({format_list(columns, 12)}).")
    for k, v in weights.items():
        if isinstance(v, bool) or not isinstance(v, int | float | np.integer | np.floating):
            raise BenchmarkError(f"`weights[{k!r}]` must be a number; got {v!r}.")


def _check_undesirable(undesirable: Any, outs: list[str]) -> tuple[list[str], list[str]]:
    bad = as_list(undesirable, name="undesirable", allow_empty=True)
    absent = [c for c in bad if c not in outs]
    if absent:
        raise ColumnError(
            f"undesirable output(s) {format_list(absent)} are not among `outputs` ({format_list(outs, 12)}); "
            "list every undesirable output in `outputs` too and name it in `undesirable`.")
    good = [c for c in outs if c not in bad]
    if not good:
        raise BenchmarkError("every output is undesirable; SBM needs at least one desirable output.")
    return good, bad


def _check_positive(frame: pd.DataFrame, columns: list[str], entity: str) -> None:
    """SBM divides every slack by the unit's own value: zeros have no proportional slack."""
    parts = []
    for c in columns:
        mask = frame[c].to_numpy(dtype=float) <= 0
        if mask.any():
            parts.append(f"{c!r} in {int(mask.sum())} row(s) ({format_list(row_labels(frame, mask, [entity]))})")
    if parts:
        raise NonPositiveError(
            f"`data` has zero values: {'; '.join(parts)}. SBM measures each slack relative to the unit's own "
            "value and needs strictly positive inputs and outputs; replace zeros by a small positive number "
            "(Tone 2001 suggests this for outputs) or drop the indicator.")


# ----------------------------------------------------------------- tables
def _slack_table(labels: Any, entity: str, columns: list[str], slack: np.ndarray) -> pd.DataFrame:
    out = pd.DataFrame(slack, columns=columns)
    out.insert(0, entity, labels)
    with np.errstate(over="ignore"):  # a total beyond the largest float is inf, as it should be
        out["slack_sum"] = slack.sum(axis=1)
    return out


def _targets_table(labels: Any, entity: str, columns: list[str], roles: list[str], data: np.ndarray,
                   slack: np.ndarray) -> pd.DataFrame:
    sign = np.array([-1.0 if r in ("input", "undesirable") else 1.0 for r in roles])
    target = data + sign * slack
    n, k = data.shape
    out = pd.DataFrame({
        entity: labels.take(np.repeat(np.arange(n), k)),
        "indicator": np.tile(np.asarray(columns, dtype=object), n),
        "role": np.tile(np.asarray(roles, dtype=object), n),
        "actual": data.ravel(),
        "target": target.ravel(),
    })
    out["gap"] = out["target"] - out["actual"]
    out["gap_pct"] = 100.0 * out["gap"] / out["actual"]
    return out


def _lambda_table(labels: Any, entity: str, sols: list[Any]) -> pd.DataFrame:
    unit = np.concatenate([np.full(len(s.lam_ref), k) for k, s in enumerate(sols)]).astype(np.int64)
    ref = np.concatenate([s.lam_ref for s in sols]).astype(np.int64)
    val = np.concatenate([s.lam_value for s in sols])
    order = np.lexsort((ref, unit))
    return pd.DataFrame({entity: labels.take(unit[order]), "peer": labels.take(ref[order]),
                         "lambda": val[order]})


_INFEASIBLE = {
    "input": ("infeasible: without the unit, no combination of the other units (rts=vrs) produces at least "
              "its outputs; input-oriented super-efficiency is undefined (Tone 2002). Use orientation='none', "
              "which is always feasible, or rts='crs'."),
    "output": ("infeasible: without the unit, every combination of the other units (rts=vrs) uses more of "
               "some input than it does; output-oriented super-efficiency is undefined (Tone 2002). Use "
               "orientation='none', which is always feasible, or rts='crs'."),
}


# ----------------------------------------------------------------- public API
@validate_params(
    "entity", "n_jobs",
    rts=options(*_RTS), orientation=options(*_ORIENTATION), super_efficiency=instance(bool),
    engine=options("auto", "highs", "scipy"), weights=instance(Mapping, none=True, what="a mapping {column: weight}"),
)
def sbm(
    data: pd.DataFrame,
    inputs: str | Sequence[str],
    outputs: str | Sequence[str],
    *,
    undesirable: str | Sequence[str] | None = None,
    orientation: str = "none",
    rts: str = "crs",
    super_efficiency: bool = False,
    weights: Mapping[str, float] | None = None,
    entity: str = "institution",
    n_jobs: int = 1,
    engine: str = "auto",
) -> SBMResult:
    """Slacks-based measure of efficiency (Tone 2001), with super-efficiency and undesirable outputs.

    For unit ``o`` with inputs ``x_o`` (m), desirable outputs ``y_o`` (s1)
    and undesirable outputs ``b_o`` (s2), the non-oriented score is

    ``rho = (1 - sum_i w_i s_i^- / x_io) / (1 + sum_r v_r s_r^g / y_ro + sum_k v_k s_k^b / b_ko)``

    minimised over ``x_o = X lambda + s^-``, ``y_o = Y lambda - s^g``,
    ``b_o = B lambda + s^b`` and ``lambda, s >= 0`` (``sum(lambda) = 1`` under
    VRS), with input weights ``w`` summing to 1 and output weights ``v``
    (desirable and undesirable together) summing to 1; equal weights give
    Tone's ``1/m`` and ``1/(s1 + s2)``. The fractional program is solved as a
    linear one through the Charnes-Cooper transformation. ``"input"`` keeps
    only the numerator (``rho = 1 - sum w s^-/x``), ``"output"`` only the
    denominator (``rho = 1/(1 + ...)``).

    With ``super_efficiency=True`` each SBM-efficient unit is also scored by
    Tone's (2002) super-efficiency: the unit is left out of the reference
    set and ``delta = (1 + sum w phi^-/x) / (1 - sum v phi^+/y)`` (bad
    outputs: ``+ ... phi^b/b`` in the denominator's subtracted sum) is
    minimised over the points ``(x + phi^-, y - phi^+, b + phi^b)`` of the
    remaining technology, with ``y - phi^+ >= 0``. ``efficiency`` then holds
    the combined score used in papers and by MaxDEA: rho below 1, delta
    (>= 1) for efficient units. Oriented VRS super-efficiency programs can
    be infeasible; the score is then NaN with a ``reason`` (never a number
    from another model).

    Parameters
    ----------
    data : DataFrame
        One row per unit (a cross-section).
    inputs, outputs : str or list of str
        Input and output columns, strictly positive (SBM divides each slack
        by the unit's own value). ``outputs`` includes the undesirable ones.
    undesirable : str or list of str, optional
        Outputs to reduce (emissions, dropouts, complaints); each must be
        among ``outputs``. Their slacks reduce them and enter the output term
        with their own weights.
    orientation : {"none", "input", "output"}
        Non-oriented (both slacks) or one side only.
    rts : {"crs", "vrs"}
        Constant or variable returns to scale.
    super_efficiency : bool
        Rank the efficient units by Tone's super-efficiency SBM.
    weights : mapping, optional
        ``{column: weight}`` for inputs and outputs (default 1 each); input
        weights are normalised to sum to 1, and output weights (desirable and
        undesirable together) likewise.
    entity : str
        Column naming the units.
    n_jobs : int
        Parallel workers (joblib); ``-1`` uses all cores.
    engine : {"auto", "highs", "scipy"}
        ``"auto"``: a batched simplex in numpy on blocks of units, every
        answer certified optimal over all units by pricing, HiGHS for any
        program it cannot certify and for super-efficiency; ``"highs"``: a
        reused HiGHS model (``highspy``) per unit with column generation;
        ``"scipy"``: a full ``scipy.optimize.linprog`` program per unit.

    Returns
    -------
    SBMResult
        ``efficiency``, ``slacks``, ``lambdas``; ``peers()``, ``targets()``,
        ``summary()``, ``plot()``.

    See Also
    --------
    dea : radial efficiency (CCR/BCC).
    super_efficiency : radial super-efficiency (Andersen & Petersen 1993).
    scale_efficiency : CRS/VRS scores and returns to scale.

    References
    ----------
    Tone (2001), EJOR 130, 498-509; Tone (2002), EJOR 143, 32-41; Tone
    (2004), "Dealing with undesirable outputs in DEA: a slacks-based measure
    (SBM) approach", NAPW III, Toronto; Cooper, Seiford & Tone (2007), *Data
    Envelopment Analysis*, 2nd ed., ch. 4 and 13.

    Examples
    --------
    Tone's (2001) numerical example (unit A: rho = 0.798, input-2 slack
    0.357, output-1 slack 0.714):

    >>> import warnings
    >>> import pandas as pd
    >>> df = pd.DataFrame({"institution": list("ABCDE"),
    ...                    "x1": [4.0, 6, 8, 8, 2], "x2": [3.0, 3, 1, 1, 4],
    ...                    "y1": [2.0, 2, 6, 6, 1], "y2": [3.0, 3, 2, 1, 4]})
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")  # 5 units are few for 4 indicators
    ...     res = sbm(df, ["x1", "x2"], ["y1", "y2"], super_efficiency=True)
    >>> res.efficiency[["institution", "efficiency", "sbm_efficiency"]].round(3)
      institution  efficiency  sbm_efficiency
    0           A       0.798           0.798
    1           B       0.568           0.568
    2           C       1.333           1.000
    3           D       0.667           0.667
    4           E       1.455           1.000
    >>> res.slacks.loc[0, ["x2", "y1"]].round(3).tolist()
    [0.357, 0.714]
    """
    frame, ins, outs = check_model_columns(data, inputs, outputs, entity)
    good, bad = _check_undesirable(undesirable, outs)
    _check_weights(weights, ins + outs)
    _check_positive(frame, ins + outs, entity)
    rts, orientation = _RTS[rts], _ORIENTATION[orientation]
    n_jobs = check_n_jobs(n_jobs)
    engine = "batched" if engine == "auto" else resolve_engine(engine)
    from benchmark.frontier._sbm_lp import Program, solve_all

    X, YG, YB = (frame[c].to_numpy(dtype=float) for c in (ins, good, bad))
    # column means that cannot overflow near the largest float (a plain sum of 1e+308 values does)
    scale = [mean_std(A, ddof=0)[0] if A.shape[1] else np.ones(0) for A in (X, YG, YB)]
    wy = _weights(weights, good + bad, "outputs")
    prog = Program(X / scale[0], YG / scale[1], YB / scale[2], _weights(weights, ins, "inputs"),
                   wy[:len(good)], wy[len(good):], rts, orientation, "sbm")
    n = len(frame)
    sols = solve_all(prog, np.arange(n), n_jobs=n_jobs, engine=engine)
    rho = np.array([s.score for s in sols])
    labels = entity_labels(frame, entity)
    columns = ins + good + bad
    slack = np.vstack([s.slack for s in sols]) * np.concatenate(scale)
    slack[np.abs(slack) < 1e-12 * np.abs(np.hstack([X, YG, YB]))] = 0.0
    efficient = rho >= 1 - EFFICIENT_TOL
    eff = pd.DataFrame({entity: labels, "efficiency": rho})
    reason = pd.Series([None] * n, dtype=object)
    if super_efficiency:
        delta = np.ones(n)
        units = np.flatnonzero(efficient)
        sup = solve_all(dataclasses.replace(prog, kind="super"), units, frame=units, n_jobs=n_jobs,
                        engine="highs" if engine == "batched" else engine)
        for k, s in zip(units, sup):
            delta[k] = max(s.score, 1.0) if s.feasible else np.nan
            if not s.feasible:
                reason[k] = _INFEASIBLE[orientation]
        eff["efficiency"] = np.where(efficient, delta, rho)
        eff["sbm_efficiency"] = rho
        eff["super_efficiency"] = delta
    eff["efficient"] = efficient
    eff["reason"] = reason
    roles = ["input"] * len(ins) + ["output"] * len(good) + ["undesirable"] * len(bad)
    return SBMResult(
        efficiency=eff,
        lambdas=_lambda_table(labels, entity, sols),
        slacks=_slack_table(labels, entity, columns, slack),
        projections=_targets_table(labels, entity, columns, roles, np.hstack([X, YG, YB]), slack),
        rts=rts, orientation=orientation, inputs=tuple(ins), outputs=tuple(good), undesirable=tuple(bad),
        entity=entity, super_efficiency=super_efficiency,
    )
