"""Malmquist productivity index between consecutive periods.

Productivity change of a unit from period t to t+1 is measured against both
periods' DEA frontiers and split into efficiency change (catching up with the
frontier) and technical change (the frontier moving), following Färe,
Grosskopf, Lindgren & Roos (1992) and Färe, Grosskopf, Norris & Zhang (1994).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from benchmark._results import Result
from benchmark._validation import BenchmarkError, as_list, check_panel
from benchmark.frontier._common import (
    check_n_jobs,
    check_semipositive,
    norm_orientation,
    norm_rts,
    resolve_engine,
)

__all__ = ["malmquist", "MalmquistResult"]


@dataclasses.dataclass(frozen=True, repr=False)
class MalmquistResult(Result):
    """Result of :func:`malmquist`.

    ``index``: one row per unit and pair of consecutive periods with
    ``malmquist``, ``efficiency_change``, ``technical_change`` and the four
    efficiencies they are made of: ``eff_from`` (period-t data on the t
    frontier), ``eff_to`` (t+1 on t+1), ``eff_to_on_from`` (t+1 data on the
    t frontier), ``eff_from_on_to`` (t data on the t+1 frontier), plus
    ``reason`` when the index is missing. Values above 1 mean improvement.

    ``coverage``: per pair of periods, how many units each period has and
    how many are in both (only those get an index).
    """

    index: pd.DataFrame
    coverage: pd.DataFrame
    rts: str
    orientation: str
    entity: str
    period: str

    def summary(self) -> pd.DataFrame:
        """Geometric means of the index and its components per pair of periods."""
        idx = self.index.dropna(subset=["malmquist"])
        cols = ["malmquist", "efficiency_change", "technical_change"]
        logs = np.log(idx[cols])
        logs[["period_from", "period_to"]] = idx[["period_from", "period_to"]]
        out = logs.groupby(["period_from", "period_to"], sort=True)[cols].mean().apply(np.exp)
        out["units"] = idx.groupby(["period_from", "period_to"], sort=True).size()
        return out.reset_index()


def _scores(X: np.ndarray, Y: np.ndarray, XR: np.ndarray | None, YR: np.ndarray | None, rts: str,
            orientation: str, n_jobs: int, engine: str) -> np.ndarray:
    """Efficiency on the <= 1 scale (theta, or 1/phi); inf where infeasible."""
    from benchmark.frontier._lp import envelopment

    res = envelopment(X, Y, XR, YR, rts=rts, orientation=orientation, n_jobs=n_jobs, engine=engine)
    if orientation == "input":
        return res.score
    with np.errstate(divide="ignore"):
        return np.where(res.feasible, 1.0 / res.score, np.inf)


def _pair(frame: pd.DataFrame, entity: str, period: str, t0: Any, t1: Any, ins: list[str],
          outs: list[str], rts: str, orientation: str, n_jobs: int, engine: str) -> pd.DataFrame:
    a = frame[frame[period] == t0].set_index(entity)
    b = frame[frame[period] == t1].set_index(entity)
    both = a.index.intersection(b.index, sort=False)
    Xa, Ya = a[ins].to_numpy(dtype=float), a[outs].to_numpy(dtype=float)
    Xb, Yb = b[ins].to_numpy(dtype=float), b[outs].to_numpy(dtype=float)
    ia, ib = a.index.get_indexer(both), b.index.get_indexer(both)
    e_aa = _scores(Xa, Ya, None, None, rts, orientation, n_jobs, engine)[ia]
    e_bb = _scores(Xb, Yb, None, None, rts, orientation, n_jobs, engine)[ib]
    e_ab = _scores(Xb[ib], Yb[ib], Xa, Ya, rts, orientation, n_jobs, engine)  # t+1 data, t frontier
    e_ba = _scores(Xa[ia], Ya[ia], Xb, Yb, rts, orientation, n_jobs, engine)  # t data, t+1 frontier
    with np.errstate(divide="ignore", invalid="ignore"):
        ec = e_bb / e_aa
        tc = np.sqrt((e_ab / e_bb) * (e_aa / e_ba))
        mi = np.sqrt((e_ab / e_aa) * (e_bb / e_ba))
    cross_ok = np.isfinite(e_ab) & np.isfinite(e_ba)
    reason = np.where(cross_ok, None, f"a cross-period program is infeasible under rts={rts}: the unit lies "
                      "outside the other period's technology, so the index is undefined")
    out = pd.DataFrame({
        entity: list(both), "period_from": t0, "period_to": t1,
        "malmquist": np.where(cross_ok, mi, np.nan),
        "efficiency_change": ec,
        "technical_change": np.where(cross_ok, tc, np.nan),
        "eff_from": e_aa, "eff_to": e_bb, "eff_to_on_from": e_ab, "eff_from_on_to": e_ba,
        "reason": pd.Series(reason, dtype=object),
    })
    return pd.concat([out, _absent(a, b, entity, t0, t1)], ignore_index=True)


def _absent(a: pd.DataFrame, b: pd.DataFrame, entity: str, t0: Any, t1: Any) -> pd.DataFrame:
    """Rows (with a reason) for units observed in only one of the two periods."""
    only_a = [e for e in a.index if e not in b.index]
    only_b = [e for e in b.index if e not in a.index]
    if not only_a and not only_b:
        return pd.DataFrame()
    return pd.DataFrame({
        entity: only_a + only_b, "period_from": t0, "period_to": t1,
        "reason": pd.Series([f"not observed in {t1}"] * len(only_a) + [f"not observed in {t0}"] * len(only_b),
                            dtype=object),
    })


def malmquist(
    data: pd.DataFrame,
    inputs: str | Sequence[str],
    outputs: str | Sequence[str],
    *,
    entity: str = "institution",
    period: str = "year",
    rts: str = "crs",
    orientation: str = "input",
    n_jobs: int = 1,
    engine: str = "auto",
) -> MalmquistResult:
    """Malmquist productivity index with its efficiency/technical change split.

    For a unit observed in periods t and t+1, with ``E_s(t)`` its DEA
    efficiency (Farrell input efficiency, or 1/phi for output orientation)
    of period-t data against the period-s frontier:

    * ``malmquist = sqrt(E_t(t+1)/E_t(t) * E_{t+1}(t+1)/E_{t+1}(t))``
    * ``efficiency_change = E_{t+1}(t+1) / E_t(t)`` (catch-up)
    * ``technical_change = sqrt(E_t(t+1)/E_{t+1}(t+1) * E_t(t)/E_{t+1}(t))``
      (frontier shift), so that ``malmquist = efficiency_change *
      technical_change``; values above 1 are improvements.

    Each period's frontier is built from every unit observed in it, so
    unbalanced panels are fine: units seen in only one of two consecutive
    periods get a row with a ``reason`` instead of an index, and
    ``coverage`` counts them. Under VRS a cross-period program can be
    infeasible; the index is then missing with a reason.

    Parameters
    ----------
    data : DataFrame
        Panel, one row per (entity, period).
    inputs, outputs, rts, orientation, n_jobs, engine
        As in :func:`dea`.
    entity, period : str
        Unit and period columns; periods are compared in sorted order.

    Returns
    -------
    MalmquistResult

    References
    ----------
    Färe, Grosskopf, Norris & Zhang (1994), American Economic Review 84(1),
    66-83; Caves, Christensen & Diewert (1982), Econometrica 50(6).

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"institution": list("ABCABC"), "year": [1] * 3 + [2] * 3,
    ...                    "x": [1.0, 2, 4, 1, 2, 4], "y": [1.0, 1, 2, 2, 1, 2]})
    >>> res = malmquist(df, "x", "y")
    >>> res.index[["institution", "malmquist", "efficiency_change", "technical_change"]]
      institution  malmquist  efficiency_change  technical_change
    0           A        2.0               1.00               2.0
    1           B        1.0               0.50               2.0
    2           C        1.0               0.50               2.0
    """
    ins, outs = as_list(inputs, name="inputs"), as_list(outputs, name="outputs")
    both = [c for c in ins if c in outs]
    if both:
        raise BenchmarkError(f"{both} named both as input and as output; a column can only be one of them.")
    frame, _ = check_panel(data, ins + outs, entity=entity, period=period)
    check_semipositive(frame, ins, outs, entity, "data")
    rts, orientation = norm_rts(rts), norm_orientation(orientation)
    if rts == "fdh":
        raise BenchmarkError("the Malmquist index here uses convex DEA frontiers; choose rts='crs' or 'vrs'.")
    n_jobs, engine = check_n_jobs(n_jobs), resolve_engine(engine)
    periods = sorted(pd.unique(frame[period]).tolist())
    if len(periods) < 2:
        raise BenchmarkError(f"the Malmquist index compares periods; `data` has only {period} {periods}.")
    counts = frame.groupby(period).size()
    small = counts[counts < 2]
    if len(small):
        raise BenchmarkError(f"{period} {small.index.tolist()} has fewer than 2 units; a frontier needs at least 2.")
    parts, cover = [], []
    for t0, t1 in zip(periods[:-1], periods[1:]):
        parts.append(_pair(frame, entity, period, t0, t1, ins, outs, rts, orientation, n_jobs, engine))
        ea = set(frame.loc[frame[period] == t0, entity])
        eb = set(frame.loc[frame[period] == t1, entity])
        cover.append({"period_from": t0, "period_to": t1, "units_from": len(ea), "units_to": len(eb),
                      "units_both": len(ea & eb), "only_from": len(ea - eb), "only_to": len(eb - ea)})
    index = pd.concat([p for p in parts if len(p)], ignore_index=True)
    return MalmquistResult(index=index, coverage=pd.DataFrame(cover), rts=rts, orientation=orientation,
                           entity=entity, period=period)
