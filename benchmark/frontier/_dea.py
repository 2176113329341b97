"""Data Envelopment Analysis: efficiency scores, peers, slacks and targets.

The envelopment programs (Charnes, Cooper & Rhodes 1978; Banker, Charnes &
Cooper 1984) are solved by :mod:`benchmark.frontier._lp`; this module checks
the input once and turns the engine's arrays into tidy tables.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from benchmark._results import Result, headline
from benchmark._validation import validate_params
from benchmark.frontier._common import (
    EFFICIENT_TOL,
    check_model_columns,
    check_n_jobs,
    entity_labels,
    norm_orientation,
    norm_rts,
    peer_table,
    reference_set,
    resolve_engine,
)

__all__ = ["dea", "super_efficiency", "DEAResult"]


# ----------------------------------------------------------------- result
@dataclasses.dataclass(frozen=True, repr=False)
class DEAResult(Result):
    """Result of :func:`dea`.

    Attributes
    ----------
    efficiency : DataFrame
        One row per unit: ``efficiency`` (Farrell input efficiency for input
        orientation; for output orientation the reciprocal of the Farrell
        output measure, i.e. the Shephard output distance, so 1 is efficient
        and lower is worse either way), ``farrell_output`` (output orientation
        only: the Farrell output measure phi >= 1 as Benchmarking reports it),
        ``efficient`` (score 1 within 1e-6), ``pareto_efficient`` (score 1 and
        no slack; only when slacks were computed) and ``reason`` (why a score
        is infinite or missing).
    lambdas : DataFrame
        Long table ``entity, peer, lambda`` of the positive intensity weights.
    slacks : DataFrame or None
        One row per unit with the slack of every input and output in data
        units and their ``slack_sum``; ``None`` when ``slacks=False``.
    projections : DataFrame
        The targets: see :meth:`targets`.
    rts, orientation : str
        The model that was solved.
    inputs, outputs : tuple of str
        Input and output columns.
    entity : str
        Entity column.

    See Also
    --------
    benchmark.dea : the analysis that returns this result.
    benchmark.plot_frontier : the frontier with a unit's projection.

    """

    efficiency: pd.DataFrame
    lambdas: pd.DataFrame
    slacks: pd.DataFrame | None
    projections: pd.DataFrame
    rts: str
    orientation: str
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]
    entity: str

    def peers(self, *, wide: bool = False) -> pd.DataFrame:
        """Each unit's reference units (peers) and their weights.

        Long form: ``entity, peer, lambda, weight`` where ``weight`` is the
        peer's share of the unit's lambdas. ``wide=True`` gives one row per
        unit with columns ``peer_1, peer_2, ...`` in data order, like
        ``Benchmarking::peers``.
        """
        return peer_table(self.lambdas, self.efficiency[self.entity], self.entity, wide=wide)

    def targets(self) -> pd.DataFrame:
        """Projected inputs and outputs: the concrete gap to the frontier.

        Long table ``entity, indicator, role, actual, target, gap, gap_pct``.
        The target is the radial projection corrected by the slacks
        (input orientation: ``theta * x - s_x`` and ``y + s_y``; output
        orientation: ``x - s_x`` and ``phi * y + s_y``). ``gap = target -
        actual`` (negative for inputs that can be saved); ``gap_pct`` is the gap
        in percent of the actual value.
        """
        return self.projections.copy()

    def to_frames(self) -> dict[str, pd.DataFrame]:
        out = {"efficiency": self.efficiency, "lambdas": self.lambdas, "targets": self.projections}
        if self.slacks is not None:
            out["slacks"] = self.slacks
        return out

    def summary(self) -> pd.DataFrame:
        """Counts of efficient units and the distribution of the scores."""
        eff = self.efficiency["efficiency"]
        finite = eff[np.isfinite(eff)]
        rows = [("units", len(eff)), ("efficient", int(self.efficiency["efficient"].sum())),
                ("share_efficient", float(self.efficiency["efficient"].mean()))]
        if "pareto_efficient" in self.efficiency:
            rows.append(("pareto_efficient", int(self.efficiency["pareto_efficient"].sum())))
        rows += [("mean", finite.mean()), ("min", finite.min()), ("q25", finite.quantile(0.25)),
                 ("median", finite.median()), ("q75", finite.quantile(0.75)), ("max", finite.max()),
                 ("infinite", int((~np.isfinite(eff)).sum())),
                 ("distinct_peers", self.lambdas["peer"].nunique())]
        return headline(rows)

    def plot(self, **kwargs: Any) -> Any:
        """Plot the result with :func:`benchmark.plotting.plot_frontier` (needs matplotlib)."""
        from benchmark.plotting import plot_frontier

        return plot_frontier(self, **kwargs)


# ----------------------------------------------------------------- tables
def _reason(feasible: np.ndarray, orientation: str, rts: str, super_eff: bool) -> list[str | None]:
    if orientation == "input":
        why = ("infeasible: no combination of the reference units (under rts={rts}) produces "
               "this unit's outputs{whose}")
    else:
        why = ("infeasible: every combination of the reference units (under rts={rts}) needs more "
               "of some input than this unit uses{whose}")
    whose = ", once the unit itself is left out; reported as Benchmarking does" if super_eff else ""
    text = why.format(rts=rts, whose=whose)
    return [None if ok else text for ok in feasible]


def _efficiency_table(labels: Any, entity: str, score: np.ndarray, feasible: np.ndarray,
                      orientation: str, rts: str, slack_sum: np.ndarray | None,
                      super_eff: bool = False, column: str = "efficiency") -> pd.DataFrame:
    if orientation == "input":
        table = {entity: labels, column: score}
    else:
        with np.errstate(divide="ignore"):
            recip = np.where(feasible, 1.0 / score, np.inf)
        table = {entity: labels, column: recip, "farrell_output": score}
    out = pd.DataFrame(table)
    if not super_eff:
        out["efficient"] = np.abs(out[column].to_numpy() - 1.0) <= EFFICIENT_TOL
        if slack_sum is not None:
            out["pareto_efficient"] = out["efficient"].to_numpy() & (np.nan_to_num(slack_sum) <= 0)
    out["reason"] = pd.Series(_reason(feasible, orientation, rts, super_eff), dtype=object)
    return out


def _slack_table(labels: Any, entity: str, ins: list[str], outs: list[str],
                 sx: np.ndarray, sy: np.ndarray) -> pd.DataFrame:
    out = pd.DataFrame(np.column_stack([sx, sy]), columns=ins + outs)
    out.insert(0, entity, labels)
    out["slack_sum"] = np.nansum(np.column_stack([sx, sy]), axis=1)
    out.loc[np.isnan(sx).any(axis=1), "slack_sum"] = np.nan
    return out


def _targets_table(labels: Any, entity: str, ins: list[str], outs: list[str], X: np.ndarray,
                   Y: np.ndarray, score: np.ndarray, feasible: np.ndarray, orientation: str,
                   sx: np.ndarray | None, sy: np.ndarray | None) -> pd.DataFrame:
    t = np.where(feasible, score, np.nan)[:, None]
    radial_x = t * X if orientation == "input" else X.copy()
    radial_y = Y.copy() if orientation == "input" else t * Y
    radial_x[~feasible], radial_y[~feasible] = np.nan, np.nan
    tx = radial_x - (0.0 if sx is None else sx)
    ty = radial_y + (0.0 if sy is None else sy)
    n, m, s = len(labels), len(ins), len(outs)
    actual = np.column_stack([X, Y])
    target = np.column_stack([tx, ty])
    out = pd.DataFrame({
        entity: labels.take(np.repeat(np.arange(n), m + s)),
        "indicator": np.tile(np.asarray(ins + outs, dtype=object), n),
        "role": np.tile(np.asarray(["input"] * m + ["output"] * s, dtype=object), n),
        "actual": actual.ravel(),
        "target": target.ravel(),
    })
    out["gap"] = out["target"] - out["actual"]
    with np.errstate(divide="ignore", invalid="ignore"):
        out["gap_pct"] = 100.0 * out["gap"] / out["actual"].where(out["actual"] != 0)
    return out


def _lambda_table(labels: Any, ref_labels: Any, entity: str, res: Any) -> pd.DataFrame:
    order = np.lexsort((res.lam_ref, res.lam_unit))
    return pd.DataFrame({
        entity: labels.take(res.lam_unit[order]),
        "peer": ref_labels.take(res.lam_ref[order]),
        "lambda": res.lam_value[order],
    })


# ----------------------------------------------------------------- public API
@validate_params("entity", "n_jobs")
def dea(
    data: pd.DataFrame,
    inputs: str | Sequence[str],
    outputs: str | Sequence[str],
    *,
    rts: str = "crs",
    orientation: str = "input",
    slacks: bool = True,
    reference: pd.DataFrame | Iterable[Any] | None = None,
    entity: str = "institution",
    n_jobs: int = 1,
    engine: str = "auto",
) -> DEAResult:
    """Data Envelopment Analysis: radial efficiency against the best-practice frontier.

    Each unit's score is the optimum of the envelopment program (input
    orientation: ``min theta`` such that a combination ``lambda`` of the
    reference units uses at most ``theta * x`` and produces at least ``y``;
    output orientation: ``max phi`` with at most ``x`` and at least
    ``phi * y``). ``rts`` restricts ``sum(lambda)``; a second phase maximises
    the slacks at the optimal score (as ``Benchmarking::slack`` does).

    Parameters
    ----------
    data : DataFrame
        One row per unit (a cross-section).
    inputs, outputs : str or list of str
        Input and output columns: non-negative, each unit with at least one
        positive input and one positive output.
    rts : {"crs", "vrs", "nirs", "ndrs", "fdh"}
        Returns to scale: constant (CCR), variable (BCC), non-increasing
        (``sum(lambda) <= 1``, alias ``"drs"``), non-decreasing
        (``sum(lambda) >= 1``, alias ``"irs"``) or the free disposal hull.
    orientation : {"input", "output"}
        Contract inputs or expand outputs.
    slacks : bool
        Run the second-phase slack maximisation (sum of slacks, each in units
        of its column's mean, at the phase-one score).
    reference : DataFrame, boolean mask or list of entities, optional
        Evaluate against another set: a DataFrame of reference units with the
        same input/output columns (e.g. last year's units), or a mask / list of
        entities of ``data`` (e.g. only A-tier units). Scores can then exceed 1
        or be infeasible (reported as ``inf`` with a ``reason``).
    entity : str
        Column naming the units.
    n_jobs : int
        Parallel workers (joblib); ``-1`` uses all cores.
    engine : {"auto", "highs", "scipy"}
        LP backend: a reused HiGHS model through ``highspy``, or
        ``scipy.optimize.linprog`` (slower; the fallback without highspy).

    Returns
    -------
    DEAResult
        ``efficiency``, ``lambdas``, ``slacks``; ``peers()``, ``targets()``,
        ``summary()``, ``plot()``, ``to_frames()``.

    See Also
    --------
    super_efficiency : rank the efficient units by leaving each one out.
    benchmark.sbm : the slacks-based measure, non-radial.
    benchmark.scale_efficiency : CRS against VRS: the scale part of inefficiency.
    benchmark.dea_bootstrap : bias-corrected scores with confidence intervals.
    benchmark.malmquist : productivity change between periods.
    benchmark.second_stage : explain the scores by context variables.
    benchmark.plot_frontier : the frontier with a unit's projection.

    References
    ----------
    Charnes, Cooper & Rhodes (1978), EJOR 2(6); Banker, Charnes & Cooper (1984),
    Management Science 30(9); Bogetoft & Otto (2011), *Benchmarking with DEA,
    SFA, and R*, Springer.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"institution": list("ABCDEF"),
    ...                    "staff": [2.0, 4, 3, 5, 6, 4], "graduates": [3.0, 4, 2, 3, 6, 2]})
    >>> res = dea(df, "staff", "graduates", rts="crs")
    >>> res.efficiency[["institution", "efficiency", "efficient"]].round(3)
      institution  efficiency  efficient
    0           A       1.000       True
    1           B       0.667      False
    2           C       0.444      False
    3           D       0.400      False
    4           E       0.667      False
    5           F       0.333      False
    >>> res.peers()[["institution", "peer", "lambda"]].head(2)
      institution peer  lambda
    0           A    A   1.000
    1           B    A   1.333
    """
    frame, ins, outs = check_model_columns(data, inputs, outputs, entity)
    rts, orientation = norm_rts(rts), norm_orientation(orientation)
    n_jobs, engine = check_n_jobs(n_jobs), resolve_engine(engine)
    ref = reference_set(reference, frame, ins, outs, entity)
    X, Y = frame[ins].to_numpy(dtype=float), frame[outs].to_numpy(dtype=float)
    from benchmark.frontier._lp import envelopment

    res = envelopment(X, Y, ref.X, ref.Y, rts=rts, orientation=orientation, own=ref.own,
                      slacks=bool(slacks), n_jobs=n_jobs, engine=engine)
    labels = entity_labels(frame, entity)
    slack_table = None
    slack_sum = None
    if slacks:
        slack_table = _slack_table(labels, entity, ins, outs, res.slack_x, res.slack_y)
        slack_sum = slack_table["slack_sum"].to_numpy()
    return DEAResult(
        efficiency=_efficiency_table(labels, entity, res.score, res.feasible, orientation, rts, slack_sum),
        lambdas=_lambda_table(labels, ref.labels, entity, res),
        slacks=slack_table,
        projections=_targets_table(labels, entity, ins, outs, X, Y, res.score, res.feasible, orientation,
                                   res.slack_x, res.slack_y),
        rts=rts, orientation=orientation, inputs=tuple(ins), outputs=tuple(outs), entity=entity,
    )


@validate_params("entity", "n_jobs")
def super_efficiency(
    data: pd.DataFrame,
    inputs: str | Sequence[str],
    outputs: str | Sequence[str],
    *,
    rts: str = "crs",
    orientation: str = "input",
    reference: pd.DataFrame | Iterable[Any] | None = None,
    entity: str = "institution",
    n_jobs: int = 1,
    engine: str = "auto",
) -> pd.DataFrame:
    """Andersen-Petersen super-efficiency: each unit scored without itself.

    Efficient units can then score above 1 (input orientation: ``theta > 1``
    is how much the unit could raise its inputs and stay efficient), which
    ranks the efficient units; inefficient units keep their ordinary score.
    Without the unit, the program can be infeasible (under VRS, NIRS and NDRS
    a unit with the largest output or smallest input): the score is then
    ``inf`` as Benchmarking's ``sdea`` reports it (``farrell_output`` is
    ``-inf`` for output orientation, again as Benchmarking), with a
    ``reason``.

    Parameters are those of :func:`dea`.

    Returns
    -------
    DataFrame
        ``entity, super_efficiency`` (input: Farrell theta; output: 1/phi),
        ``farrell_output`` (output orientation only), ``reason``.

    See Also
    --------
    dea : the ordinary radial scores.
    benchmark.sbm : Tone's slacks-based super-efficiency.

    References
    ----------
    Andersen & Petersen (1993), Management Science 39(10), 1261-1264.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"institution": list("ABCDEF"),
    ...                    "staff": [2.0, 4, 3, 5, 6, 4], "graduates": [3.0, 4, 2, 3, 6, 2]})
    >>> super_efficiency(df, "staff", "graduates")[["institution", "super_efficiency"]].round(3)
      institution  super_efficiency
    0           A             1.500
    1           B             0.667
    2           C             0.444
    3           D             0.400
    4           E             0.667
    5           F             0.333
    """
    frame, ins, outs = check_model_columns(data, inputs, outputs, entity)
    rts, orientation = norm_rts(rts), norm_orientation(orientation)
    n_jobs, engine = check_n_jobs(n_jobs), resolve_engine(engine)
    ref = reference_set(reference, frame, ins, outs, entity)
    X, Y = frame[ins].to_numpy(dtype=float), frame[outs].to_numpy(dtype=float)
    from benchmark.frontier._lp import envelopment

    res = envelopment(X, Y, ref.X, ref.Y, rts=rts, orientation=orientation, own=ref.own,
                      exclude_self=True, n_jobs=n_jobs, engine=engine)
    return _efficiency_table(entity_labels(frame, entity), entity, res.score, res.feasible, orientation, rts,
                             None, super_eff=True, column="super_efficiency")
