"""Malmquist productivity index between consecutive periods.

Productivity change of a unit from period t to t+1 is measured against both
periods' DEA frontiers and split into efficiency change (catching up with the
frontier) and technical change (the frontier moving), following Färe,
Grosskopf, Lindgren & Roos (1992) and Färe, Grosskopf, Norris & Zhang (1994).
"""

from __future__ import annotations

import dataclasses
import itertools
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from benchmark._results import Result, headline
from benchmark._validation import (
    BenchmarkError,
    as_list,
    check_panel,
    options,
    sorted_periods,
    validate_params,
)
from benchmark.frontier._common import (
    check_n_jobs,
    check_semipositive,
    norm_orientation,
    norm_rts,
    resolve_engine,
)

__all__ = ["MalmquistResult", "malmquist"]


_COMPONENTS = ["malmquist", "efficiency_change", "technical_change", "pure_efficiency_change",
               "scale_efficiency_change"]


@dataclasses.dataclass(frozen=True, repr=False)
class MalmquistResult(Result):
    """Result of :func:`malmquist`.

    Attributes
    ----------
    index : DataFrame
        One row per unit and pair of consecutive periods: ``malmquist``
        (DEAP's tfpch), ``efficiency_change`` (effch), ``technical_change``
        (techch) and, with ``rts="vrs"``, ``pure_efficiency_change`` (pech)
        and ``scale_efficiency_change`` (sech), so that ``malmquist =
        efficiency_change * technical_change`` and ``efficiency_change =
        pure_efficiency_change * scale_efficiency_change``. The distances
        they are made of: ``eff_from`` (period-t data on the t frontier),
        ``eff_to`` (t+1 on t+1), ``eff_to_on_from`` (t+1 data on the t
        frontier), ``eff_from_on_to`` (t data on the t+1 frontier), all under
        CRS, and with ``rts="vrs"`` the same four under VRS (``vrs_from``,
        ``vrs_to``, ``vrs_to_on_from``, ``vrs_from_on_to``; the cross-period
        ones are ``inf`` where the program is infeasible). ``reason`` says
        why an index is missing. Values above 1 mean improvement.
    coverage : DataFrame
        Per pair of periods, how many units each period has and how many are
        in both (only those get an index).
    rts, orientation, entity, period : str
        The model and the columns.

    See Also
    --------
    benchmark.malmquist : the analysis that returns this result.
    benchmark.plot_malmquist : the components over time.

    """

    index: pd.DataFrame
    coverage: pd.DataFrame
    rts: str
    orientation: str
    entity: str
    period: str

    def _components(self) -> list[str]:
        return [c for c in _COMPONENTS if c in self.index.columns]

    def period_means(self) -> pd.DataFrame:
        """Geometric means over units for each pair of periods (DEAP's "annual means").

        ``units`` says how many units each mean covers (those with an index
        in both periods).
        """
        cols = self._components()
        idx = self.index.dropna(subset=["malmquist"])
        logs = np.log(idx[cols].astype(float))
        keys = [idx["period_from"], idx["period_to"]]
        out = logs.groupby(keys, sort=True).mean().apply(np.exp)
        out.insert(0, "units", idx.groupby(keys, sort=True).size())
        out = out.reset_index()
        pairs = self.coverage[["period_from", "period_to"]]
        out = pairs.merge(out, on=["period_from", "period_to"], how="left")
        out["units"] = out["units"].fillna(0).astype(int)
        return out

    def unit_means(self) -> pd.DataFrame:
        """Geometric means over pairs of periods for each unit (DEAP's "firm means").

        ``pairs`` says how many period pairs each unit's mean covers.
        """
        cols = self._components()
        idx = self.index.dropna(subset=["malmquist"])
        logs = np.log(idx[cols].astype(float))
        out = logs.groupby(idx[self.entity], sort=False).mean().apply(np.exp)
        out.insert(0, "pairs", idx.groupby(self.entity, sort=False).size())
        return out.reset_index()

    def overall(self) -> pd.DataFrame:
        """Geometric means over every unit-pair index of the whole span (one row).

        ``period_from``/``period_to`` are the first and last periods, ``units``
        the distinct units and ``pairs`` the unit-pair indices averaged. For a
        balanced panel this is also the mean of the annual means and of the
        unit means, the "mean" row DEAP prints.
        """
        cols = self._components()
        idx = self.index.dropna(subset=["malmquist"])
        row = {"period_from": self.coverage["period_from"].iloc[0],
               "period_to": self.coverage["period_to"].iloc[-1],
               "units": int(idx[self.entity].nunique()), "pairs": len(idx)}
        row.update(np.exp(np.log(idx[cols].astype(float)).mean()).to_dict())
        return pd.DataFrame([row])

    def summary(self) -> pd.DataFrame:
        """Headline figures (``statistic, value``): the geometric means over all units and periods.

        First and last period, distinct ``units``, unit-period ``pairs``
        averaged, then the geometric mean of every component (``malmquist``,
        ``efficiency_change``, ``technical_change``...) as in :meth:`overall`.
        :meth:`period_means` gives DEAP's annual means and
        :meth:`unit_means` the means per unit.
        """
        return headline(self.overall().to_dict("records")[0].items())

    def plot(self, **kwargs: Any) -> Any:
        """The components over time (:func:`benchmark.plot_malmquist`)."""
        from benchmark.plotting import plot_malmquist

        return plot_malmquist(self, **kwargs)


def _scores(X: np.ndarray, Y: np.ndarray, XR: np.ndarray | None, YR: np.ndarray | None, rts: str,
            orientation: str, n_jobs: int, engine: str) -> np.ndarray:
    """Efficiency on the <= 1 scale (theta, or 1/phi); inf where infeasible."""
    from benchmark.frontier._lp import envelopment

    res = envelopment(X, Y, XR, YR, rts=rts, orientation=orientation, n_jobs=n_jobs, engine=engine)
    if orientation == "input":
        return res.score
    with np.errstate(divide="ignore"):
        return np.where(res.feasible, 1.0 / res.score, np.inf)


def _distances(Xa: np.ndarray, Ya: np.ndarray, Xb: np.ndarray, Yb: np.ndarray, ia: np.ndarray,
               ib: np.ndarray, rts: str, orientation: str, n_jobs: int, engine: str) -> tuple[np.ndarray, ...]:
    """E_t(t), E_{t+1}(t+1), E_t(t+1) and E_{t+1}(t) of the units in both periods."""
    e_aa = _scores(Xa, Ya, None, None, rts, orientation, n_jobs, engine)[ia]
    e_bb = _scores(Xb, Yb, None, None, rts, orientation, n_jobs, engine)[ib]
    e_ab = _scores(Xb[ib], Yb[ib], Xa, Ya, rts, orientation, n_jobs, engine)  # t+1 data, t frontier
    e_ba = _scores(Xa[ia], Ya[ia], Xb, Yb, rts, orientation, n_jobs, engine)  # t data, t+1 frontier
    return e_aa, e_bb, e_ab, e_ba


def _pair(frame: pd.DataFrame, entity: str, period: str, t0: Any, t1: Any, ins: list[str],
          outs: list[str], rts: str, orientation: str, n_jobs: int, engine: str) -> pd.DataFrame:
    a = frame[frame[period] == t0].set_index(entity)
    b = frame[frame[period] == t1].set_index(entity)
    both = a.index.intersection(b.index, sort=False)
    Xa, Ya = a[ins].to_numpy(dtype=float), a[outs].to_numpy(dtype=float)
    Xb, Yb = b[ins].to_numpy(dtype=float), b[outs].to_numpy(dtype=float)
    ia, ib = a.index.get_indexer(both), b.index.get_indexer(both)
    e_aa, e_bb, e_ab, e_ba = _distances(Xa, Ya, Xb, Yb, ia, ib, "crs", orientation, n_jobs, engine)
    with np.errstate(divide="ignore", invalid="ignore"):
        ec = e_bb / e_aa
        tc = np.sqrt((e_ab / e_bb) * (e_aa / e_ba))
        mi = np.sqrt((e_ab / e_aa) * (e_bb / e_ba))
    cross_ok = np.isfinite(e_ab) & np.isfinite(e_ba)
    reason = np.where(cross_ok, None, "a cross-period program is infeasible even under constant returns: the "
                      "unit produces an output that no unit of the other period produces, so the index is "
                      "undefined")
    out = pd.DataFrame({
        entity: both.array, "period_from": t0, "period_to": t1,
        "malmquist": np.where(cross_ok, mi, np.nan),
        "efficiency_change": ec,
        "technical_change": np.where(cross_ok, tc, np.nan),
    })
    if rts == "vrs":
        v_aa, v_bb, v_ab, v_ba = _distances(Xa, Ya, Xb, Yb, ia, ib, "vrs", orientation, n_jobs, engine)
        out["pure_efficiency_change"] = v_bb / v_aa
        out["scale_efficiency_change"] = (e_bb / v_bb) / (e_aa / v_aa)
    out["eff_from"], out["eff_to"], out["eff_to_on_from"], out["eff_from_on_to"] = e_aa, e_bb, e_ab, e_ba
    if rts == "vrs":
        out["vrs_from"], out["vrs_to"], out["vrs_to_on_from"], out["vrs_from_on_to"] = v_aa, v_bb, v_ab, v_ba
    out["reason"] = pd.Series(reason, dtype=object)
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


@validate_params("entity", "period", "n_jobs", rts=options("crs", "vrs", "ccr", "bcc"),
                 orientation=options("input", "output", "in", "out"), engine=options("auto", "highs", "scipy"))
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
    """Malmquist productivity index with DEAP's decomposition (Färe et al. 1994).

    For a unit observed in periods t and t+1, with ``E_s(t)`` its CRS
    efficiency (Farrell input efficiency, or 1/phi for output orientation)
    of period-t data against the period-s frontier:

    * ``malmquist = sqrt(E_t(t+1)/E_t(t) * E_{t+1}(t+1)/E_{t+1}(t))``
      (DEAP's tfpch);
    * ``efficiency_change = E_{t+1}(t+1) / E_t(t)`` (effch, catch-up);
    * ``technical_change = sqrt(E_t(t+1)/E_{t+1}(t+1) * E_t(t)/E_{t+1}(t))``
      (techch, frontier shift), so ``malmquist = efficiency_change *
      technical_change``.

    With ``rts="vrs"``, efficiency change is further split with the VRS
    distances ``V_s(t)`` of the same periods, exactly as DEAP 2.1 and deaR
    do: ``pure_efficiency_change = V_{t+1}(t+1) / V_t(t)`` (pech) and
    ``scale_efficiency_change = (E_{t+1}(t+1)/V_{t+1}(t+1)) /
    (E_t(t)/V_t(t))`` (sech), so ``efficiency_change =
    pure_efficiency_change * scale_efficiency_change``. The index and
    technical change stay on CRS distances under both settings: the CRS
    cross-period programs are feasible for positive data, while VRS ones are
    often not (a unit larger than every unit of the other period). The VRS
    cross-period distances are still computed and reported
    (``vrs_to_on_from``, ``vrs_from_on_to``; ``inf`` where infeasible) for
    readers who want them, and a ``UserWarning`` says how many unit-pairs
    have an infeasible VRS cross-period program; no reported component uses
    them. Values above 1 mean improvement, in both orientations.

    Each period's frontier is built from every unit observed in it, so
    unbalanced panels are fine: units seen in only one of two consecutive
    periods get a row with a ``reason`` instead of an index, and
    ``coverage`` counts them. ``summary()`` gives the geometric means over
    the whole span (as ``overall()``), ``period_means()`` those per pair of
    periods with the number of units each covers, and ``unit_means()``
    those per unit.

    Parameters
    ----------
    data : DataFrame
        Panel, one row per (entity, period).
    inputs, outputs, orientation, n_jobs, engine
        As in :func:`dea`.
    rts : {"crs", "vrs"}
        ``"vrs"`` adds the pure/scale split of efficiency change.
    entity, period : str
        Unit and period columns; periods are compared in sorted order.

    Returns
    -------
    MalmquistResult

    See Also
    --------
    dea : the distances the index is made of.
    scale_efficiency : the same-period CRS/VRS split.
    plot_malmquist : the components over time.

    References
    ----------
    Färe, Grosskopf, Norris & Zhang (1994), American Economic Review 84(1),
    66-83; Caves, Christensen & Diewert (1982), Econometrica 50(6); Coelli
    (1996), *A Guide to DEAP Version 2.1*, CEPA Working Paper 96/08; Coelli,
    Rao, O'Donnell & Battese (2005), *An Introduction to Efficiency and
    Productivity Analysis*, 2nd ed., ch. 11.

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
    >>> res.period_means()[["period_from", "period_to", "units", "malmquist"]].round(3)
       period_from  period_to  units  malmquist
    0            1          2      3       1.26
    """
    ins, outs = as_list(inputs, name="inputs"), as_list(outputs, name="outputs")
    both = [c for c in ins if c in outs]
    if both:
        raise BenchmarkError(f"{both} named both as input and as output; a column can only be one of them.")
    if period == entity:
        raise BenchmarkError(f"`period` and `entity` both name {period!r}; the period is another column "
                             "(e.g. period='year').")
    frame, _ = check_panel(data, ins + outs, entity=entity, period=period)
    check_semipositive(frame, ins, outs, entity, "data")
    rts, orientation = norm_rts(rts), norm_orientation(orientation)
    n_jobs, engine = check_n_jobs(n_jobs), resolve_engine(engine)
    # time order, not text order: '10' follows '9', '2019-20' precedes '2020-21'; labels raise
    periods = list(sorted_periods(frame[period], column=period)[1])
    if len(periods) < 2:
        raise BenchmarkError(f"the Malmquist index compares periods; `data` has only {period} {periods}.")
    counts = frame.groupby(period).size()
    small = counts[counts < 2]
    if len(small):
        raise BenchmarkError(f"{period} {small.index.tolist()} has fewer than 2 units; a frontier needs at least 2.")
    parts, cover = [], []
    for t0, t1 in itertools.pairwise(periods):
        parts.append(_pair(frame, entity, period, t0, t1, ins, outs, rts, orientation, n_jobs, engine))
        ea = set(frame.loc[frame[period] == t0, entity])
        eb = set(frame.loc[frame[period] == t1, entity])
        cover.append({"period_from": t0, "period_to": t1, "units_from": len(ea), "units_to": len(eb),
                      "units_both": len(ea & eb), "only_from": len(ea - eb), "only_to": len(eb - ea)})
    index = pd.concat([p for p in parts if len(p)], ignore_index=True)
    index[entity] = index[entity].astype(frame[entity].dtype)
    _warn_infeasible(index, rts)
    return MalmquistResult(index=index, coverage=pd.DataFrame(cover), rts=rts, orientation=orientation,
                           entity=entity, period=period)


def _warn_infeasible(index: pd.DataFrame, rts: str) -> None:
    """One warning counting the unit-pairs whose cross-period programs are infeasible."""
    crs = int((~np.isfinite(index["eff_to_on_from"]) | ~np.isfinite(index["eff_from_on_to"]))
              [index["eff_from"].notna()].sum())
    if crs:
        warnings.warn(
            f"{crs} unit-pair(s) have an infeasible cross-period program under constant returns; their "
            "malmquist and technical_change are NaN (see the `reason` column).", UserWarning, stacklevel=4)
    if rts == "vrs":
        vrs = int((~np.isfinite(index["vrs_to_on_from"]) | ~np.isfinite(index["vrs_from_on_to"]))
                  [index["vrs_from"].notna()].sum())
        if vrs:
            warnings.warn(
                f"{vrs} of {int(index['vrs_from'].notna().sum())} unit-pairs have an infeasible VRS "
                "cross-period program (vrs_to_on_from / vrs_from_on_to are inf). As in DEAP, the index and "
                "technical change use CRS distances and the pure/scale split uses same-period VRS "
                "distances only, so no reported component is affected.", UserWarning, stacklevel=4)
