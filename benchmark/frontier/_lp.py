"""The linear-programming engine behind :func:`benchmark.dea`.

Every DEA score is the optimum of a small envelopment LP, one per evaluated
unit. The engine keeps them exact while avoiding n programs of n columns:

* **Column scaling.** Inputs and outputs are divided by their reference means
  so that values in the billions next to values below one give the same LPs.
* **A reduced reference set that is provably enough** (:func:`_frame_batch`,
  BuildHull-style). Units are solved against a frame ``F`` plus their own
  column; a unit that needs its own column joins ``F``; a unit whose dual
  prices a later-added column negatively is re-solved. When every reference
  unit lies in the technology ``T(F)`` and every unit's dual prices every
  ``F`` column non-negatively, each restricted optimum is the full optimum: a
  unit inside ``T(F)`` is dominated by a combination of ``F`` columns, and the
  fixed signs of the row duals make its reduced cost a non-negative
  combination of theirs (see docs/frontier.md).
* **Many programs in lockstep** (:func:`_simplex_shared`, :func:`_simplex`).
  Programs over the same frame differ only in two columns and the right-hand
  side, and the unit's own column gives a feasible start, so the primal
  simplex runs on blocks of programs as numpy array operations. Every answer
  is certified (primal feasible basis, no negative reduced cost); the others
  fall back to HiGHS.
* **Outside units in lockstep too** (:func:`_phase1_outside`,
  :func:`subsample_scores`). A unit that is not a reference unit (another
  period's frontier, a bootstrap subset) has no feasible start of its own, so
  its own column is added at cost ``BIG_M``: an optimum that no longer uses it
  is the optimum without it; programs that keep it (infeasible ones, mostly)
  go to HiGHS. On moderate reference sets such units skip the frame search.
* **A reused HiGHS model** (:class:`_HighsModel`) for the rest: evaluation
  against an outside reference, super-efficiency (with column generation) and
  fallbacks. It is built once per worker; for each unit only the unit's own
  numbers change and the previous optimal basis is the warm start.
* **Parallel blocks** of units through joblib (``n_jobs``).

``scipy.optimize.linprog(method="highs")`` replaces the reusable model when
``highspy`` is not importable (``engine="scipy"`` forces it).

The public functions validate their input; everything here trusts it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

import numpy as np

INF = float("inf")
#: Primal/dual feasibility tolerance handed to HiGHS (data are scaled to O(1)).
LP_TOL = 1e-9
#: A unit whose score is beyond 1 by more than this lies outside the hull of the retained columns.
MEMBER_TOL = 1e-9
#: Most negative reduced cost accepted as "non-negative" when pricing columns.
PRICE_TOL = 1e-8
#: Reference sets up to this size are used whole: reducing them does not pay.
SMALL_REFERENCE = 120
#: Values of lambda (a pure number) below this are reported as zero.
LAMBDA_TOL = 1e-9
_MAX_ROUNDS = 100

_RTS_ROW = {"vrs": (1.0, 1.0), "nirs": (-INF, 1.0), "ndrs": (1.0, INF)}
_HIGHS_OPTIONS = {
    "output_flag": False,
    "presolve": "off",  # presolve would rebuild the model and discard the warm start
    "threads": 1,  # parallelism comes from joblib; HiGHS threads only add start-up cost here
    "primal_feasibility_tolerance": LP_TOL,
    "dual_feasibility_tolerance": LP_TOL,
}


# ----------------------------------------------------------------- problem data
@dataclasses.dataclass
class Technology:
    """Scaled reference data and the model it defines."""

    XR: np.ndarray  # (n_ref, m) scaled inputs of the reference units
    YR: np.ndarray  # (n_ref, s) scaled outputs
    rts: str  # crs, vrs, nirs, ndrs
    orientation: str  # input, output
    cost2: np.ndarray  # slack-phase cost of each reference column (minimised)

    @property
    def m(self) -> int:
        return self.XR.shape[1]

    @property
    def s(self) -> int:
        return self.YR.shape[1]

    @property
    def nrow(self) -> int:
        return self.m + self.s + (self.rts != "crs")

    def columns(self, idx: np.ndarray) -> np.ndarray:
        """Dense constraint columns ``(x_j, y_j[, 1])`` of reference units ``idx``, one per row."""
        parts = [self.XR[idx], self.YR[idx]]
        if self.rts != "crs":
            parts.append(np.ones((len(idx), 1)))
        return np.hstack(parts)

    def outside(self, feasible: bool, t: float) -> bool:
        """Whether a unit with this own-score lies outside the technology solved against."""
        if not feasible:
            return True
        return t > 1 + MEMBER_TOL if self.orientation == "input" else t < 1 - MEMBER_TOL


@dataclasses.dataclass
class EngineResult:
    """Raw engine output for the evaluated units (scores are Farrell theta or phi)."""

    score: np.ndarray
    feasible: np.ndarray
    lam_unit: np.ndarray
    lam_ref: np.ndarray
    lam_value: np.ndarray
    slack_x: np.ndarray | None
    slack_y: np.ndarray | None
    frame: np.ndarray
    stats: dict[str, Any]


@dataclasses.dataclass
class _Solved:
    """Phase-1 (or phase-2) results of a block of units."""

    units: np.ndarray
    feasible: np.ndarray
    t: np.ndarray
    duals: np.ndarray
    lam: list[tuple[np.ndarray, np.ndarray]]
    added: list[int]
    solves: int = 0
    basis: np.ndarray | None = None  # final simplex basis per program (batched path), -1 if none
    columns: np.ndarray | None = None  # the frame those bases index (before pruning)


# ----------------------------------------------------------------- LP models
def highs_available() -> bool:
    try:
        import highspy  # noqa: F401
    except ImportError:
        return False
    return True


def _new_highs() -> Any:
    try:
        # The bare solver class: no Python logging callback on every run.
        from highspy._core import _Highs as Solver
    except ImportError:  # pragma: no cover - layout of other highspy versions
        from highspy import Highs as Solver
    h = Solver()
    for key, value in _HIGHS_OPTIONS.items():
        h.setOptionValue(key, value)
    return h


class _HighsModel:
    """A reusable envelopment LP over a set of reference columns.

    Phase 1 has the score column ``t`` first; phase 2 (slacks) has only the
    lambda columns, the score being fixed in the row bounds.
    """

    def __init__(self, tech: Technology, cols: Sequence[int], phase: int):
        import highspy

        self.tech, self.phase = tech, phase
        self._status = highspy.HighsModelStatus
        self.h = _new_highs()
        self.cols: list[int] = []
        self.pos: dict[int, int] = {}
        self._excluded: set[int] = set()
        m, s, nrow = tech.m, tech.s, tech.nrow
        lower = np.full(nrow, -INF)
        upper = np.full(nrow, INF)
        upper[:m] = 0.0
        lower[m:m + s] = 0.0
        if tech.rts != "crs":
            lower[-1], upper[-1] = _RTS_ROW[tech.rts]
        self.h.addRows(nrow, lower, upper, 0, np.zeros(nrow, dtype=np.int32),
                       np.zeros(0, dtype=np.int32), np.zeros(0))
        self.offset = 0
        if phase == 1:
            cost = 1.0 if tech.orientation == "input" else -1.0
            self.h.addCols(1, np.array([cost]), np.zeros(1), np.array([INF]), 0,
                           np.zeros(1, dtype=np.int32), np.zeros(0, dtype=np.int32), np.zeros(0))
            self.offset = 1
        self.add(cols)

    def __contains__(self, j: int) -> bool:
        return j in self.pos

    def add(self, idx: Sequence[int]) -> None:
        idx = np.asarray([j for j in dict.fromkeys(int(i) for i in idx) if j not in self.pos], dtype=np.int64)
        if len(idx) == 0:
            return
        a = self.tech.columns(idx)
        nz = a != 0
        rows = np.nonzero(nz)[1].astype(np.int32)
        starts = np.concatenate([[0], np.cumsum(nz.sum(axis=1))[:-1]]).astype(np.int32)
        cost = np.zeros(len(idx)) if self.phase == 1 else self.tech.cost2[idx]
        self.h.addCols(len(idx), cost, np.zeros(len(idx)), np.full(len(idx), INF), int(nz.sum()),
                       starts, rows, a[nz])
        for j in idx:
            self.pos[int(j)] = self.offset + len(self.cols)
            self.cols.append(int(j))

    def set_unit(self, x: np.ndarray, y: np.ndarray, t: float | None = None) -> None:
        """Put the evaluated unit's numbers into the model (``t`` fixes the score in phase 2)."""
        self._unit = (x, y, t)
        tech, h = self.tech, self.h
        m, s = tech.m, tech.s
        if self.phase == 1:
            if tech.orientation == "input":
                for i in range(m):
                    h.changeCoeff(i, 0, -float(x[i]))
                h.changeRowsBounds(s, np.arange(m, m + s, dtype=np.int32), y, np.full(s, INF))
            else:
                for r in range(s):
                    h.changeCoeff(m + r, 0, -float(y[r]))
                h.changeRowsBounds(m, np.arange(m, dtype=np.int32), np.full(m, -INF), x)
        else:
            xb, yb = (t * x, y) if tech.orientation == "input" else (x, t * y)
            h.changeRowsBounds(m + s, np.arange(m + s, dtype=np.int32),
                               np.concatenate([np.full(m, -INF), yb]),
                               np.concatenate([xb, np.full(s, INF)]))

    def exclude(self, j: int, excluded: bool) -> None:
        (self._excluded.add if excluded else self._excluded.discard)(j)
        if j in self.pos:
            self.h.changeColBounds(self.pos[j], 0.0, 0.0 if excluded else INF)

    def solve(self) -> tuple[bool, float, np.ndarray, np.ndarray]:
        """Run and return (feasible, score, lambdas in model order, row duals)."""
        self.h.run()
        status = self.h.getModelStatus()
        if status != self._status.kOptimal:
            # A stale factorisation can stall a warm start: retry once from scratch.
            self.h.clearSolver()
            self.h.run()
            status = self.h.getModelStatus()
        if status in (self._status.kInfeasible, self._status.kUnboundedOrInfeasible):
            return False, np.nan, np.zeros(len(self.cols)), np.zeros(self.tech.nrow)
        if status != self._status.kOptimal:
            # Numerical trouble in the reused model: settle this program with an independent solver.
            other = _ScipyModel(self.tech, self.cols, self.phase)
            other.set_unit(*self._unit)
            for j in self._excluded:
                other.exclude(j, True)
            return other.solve()
        sol = self.h.getSolution()
        values = np.asarray(sol.col_value)
        t = float(values[0]) if self.phase == 1 else np.nan
        return True, t, values[self.offset:], np.asarray(sol.row_dual)


class _ScipyModel:
    """The same interface over ``scipy.optimize.linprog`` (no warm start)."""

    def __init__(self, tech: Technology, cols: Sequence[int], phase: int):
        self.tech, self.phase = tech, phase
        self.cols: list[int] = []
        self.pos: dict[int, int] = {}
        self.excluded: set[int] = set()
        self.add(cols)

    def __contains__(self, j: int) -> bool:
        return j in self.pos

    def add(self, idx: Sequence[int]) -> None:
        for j in idx:
            if int(j) not in self.pos:
                self.pos[int(j)] = len(self.cols)
                self.cols.append(int(j))

    def set_unit(self, x: np.ndarray, y: np.ndarray, t: float | None = None) -> None:
        self.x, self.y, self.t = x, y, t

    def exclude(self, j: int, excluded: bool) -> None:
        (self.excluded.add if excluded else self.excluded.discard)(j)

    def solve(self) -> tuple[bool, float, np.ndarray, np.ndarray]:
        from scipy.optimize import linprog

        tech = self.tech
        m, s = tech.m, tech.s
        idx = np.asarray(self.cols, dtype=np.int64)
        A = tech.columns(idx).T  # nrow x ncols
        X, Y = A[:m], A[m:m + s]
        inp = tech.orientation == "input"
        if self.phase == 1:
            tcol_x = -self.x if inp else np.zeros(m)
            tcol_y = np.zeros(s) if inp else -self.y
            X = np.column_stack([tcol_x, X])
            Y = np.column_stack([tcol_y, Y])
            c = np.concatenate([[1.0 if inp else -1.0], np.zeros(len(idx))])
            bx, by = (np.zeros(m), self.y) if inp else (self.x, np.zeros(s))
            lead = 1
        else:
            c = tech.cost2[idx]
            bx, by = (self.t * self.x, self.y) if inp else (self.x, self.t * self.y)
            lead = 0
        A_ub, b_ub = np.vstack([X, -Y]), np.concatenate([bx, -by])
        A_eq = b_eq = None
        ones = np.concatenate([np.zeros(lead), np.ones(len(idx))])
        if tech.rts == "vrs":
            A_eq, b_eq = ones[None, :], np.array([1.0])
        elif tech.rts == "nirs":
            A_ub, b_ub = np.vstack([A_ub, ones]), np.concatenate([b_ub, [1.0]])
        elif tech.rts == "ndrs":
            A_ub, b_ub = np.vstack([A_ub, -ones]), np.concatenate([b_ub, [-1.0]])
        bounds = [(0, None)] * len(c)
        for j in self.excluded:
            if j in self.pos:
                bounds[lead + self.pos[j]] = (0, 0)
        res = linprog(c, A_ub=A_ub, b_ub=b_ub, A_eq=A_eq, b_eq=b_eq, bounds=bounds, method="highs")
        if res.status not in (0, 2):
            # HiGHS's simplex can end "unknown" on an infeasible program: ask its interior-point method.
            res = linprog(c, A_ub=A_ub, b_ub=b_ub, A_eq=A_eq, b_eq=b_eq, bounds=bounds, method="highs-ipm")
        if res.status == 2:
            return False, np.nan, np.zeros(len(idx)), np.zeros(tech.nrow)
        if res.status != 0:
            raise RuntimeError(f"scipy.optimize.linprog could not solve a DEA program: {res.message}")
        marg = res.ineqlin.marginals
        duals = np.concatenate([marg[:m], -marg[m:m + s]])
        if tech.rts == "vrs":
            duals = np.append(duals, res.eqlin.marginals[0])
        elif tech.rts == "nirs":
            duals = np.append(duals, marg[m + s])
        elif tech.rts == "ndrs":
            duals = np.append(duals, -marg[m + s])
        t = float(res.x[0]) if self.phase == 1 else np.nan
        return True, t, res.x[lead:], duals


def _model(engine: str, tech: Technology, cols: Sequence[int], phase: int) -> Any:
    cls = _HighsModel if engine == "highs" else _ScipyModel
    return cls(tech, cols, phase)


# ----------------------------------------------------------------- block solvers
def _nonzero_lambdas(model: Any, lam: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    keep = lam > LAMBDA_TOL
    return np.asarray(model.cols, dtype=np.int64)[keep], lam[keep]


def _phase1_block(tech: Technology, F: Sequence[int], X: np.ndarray, Y: np.ndarray,
                  units: np.ndarray, own: np.ndarray, engine: str) -> _Solved:
    """Solve units against ``F``; a reference unit found outside ``T(F)`` joins ``F``."""
    model = _model(engine, tech, F, 1)
    n = len(units)
    out = _Solved(units, np.zeros(n, bool), np.full(n, np.nan), np.zeros((n, tech.nrow)), [None] * n, [])
    for i, k in enumerate(units):
        model.set_unit(X[k], Y[k])
        feasible, t, lam, duals = model.solve()
        out.solves += 1
        j = int(own[k])
        if j >= 0 and j not in model and tech.outside(feasible, t):
            model.add([j])
            out.added.append(j)
            feasible, t, lam, duals = model.solve()
            out.solves += 1
        out.feasible[i], out.t[i], out.duals[i] = feasible, t, duals
        out.lam[i] = _nonzero_lambdas(model, lam) if feasible else (np.zeros(0, np.int64), np.zeros(0))
    return out


def _phase2_block(tech: Technology, F: Sequence[int], X: np.ndarray, Y: np.ndarray,
                  units: np.ndarray, t: np.ndarray, engine: str) -> _Solved:
    """Maximise the weighted slack sum at fixed scores ``t`` (one per unit)."""
    model = _model(engine, tech, F, 2)
    n = len(units)
    out = _Solved(units, np.zeros(n, bool), t.copy(), np.zeros((n, tech.nrow)), [None] * n, [])
    for i, k in enumerate(units):
        model.set_unit(X[k], Y[k], float(t[i]))
        feasible, _, lam, duals = model.solve()
        out.solves += 1
        out.feasible[i], out.duals[i] = feasible, duals
        out.lam[i] = _nonzero_lambdas(model, lam) if feasible else (np.zeros(0, np.int64), np.zeros(0))
    return out


def _super_block(tech: Technology, F: Sequence[int], X: np.ndarray, Y: np.ndarray,
                 units: np.ndarray, own: np.ndarray, engine: str) -> _Solved:
    """Solve units with their own reference column removed, by column generation.

    Removing a frame unit can uncover reference units that ``F`` does not
    hold, so here every restricted optimum is priced against all reference
    columns; an infeasible restricted program is settled on the full set.
    """
    model = _model(engine, tech, F, 1)
    full = None
    A_all = tech.columns(np.arange(len(tech.XR)))
    n = len(units)
    out = _Solved(units, np.zeros(n, bool), np.full(n, np.nan), np.zeros((n, tech.nrow)), [None] * n, [])
    for i, k in enumerate(units):
        j = int(own[k])
        model.set_unit(X[k], Y[k])
        model.exclude(j, True)
        for _ in range(_MAX_ROUNDS):
            feasible, t, lam, duals = model.solve()
            out.solves += 1
            if not feasible:
                break
            reduced = -(A_all @ duals)
            reduced[j] = 0.0
            enter = [c for c in np.argsort(reduced)[:10] if reduced[c] < -PRICE_TOL and c not in model]
            if not enter:
                break
            model.add(enter)
        model.exclude(j, False)
        if not feasible:
            if full is None:
                full = _model(engine, tech, np.arange(len(tech.XR)), 1)
            full.set_unit(X[k], Y[k])
            full.exclude(j, True)
            feasible, t, lam, duals = full.solve()
            full.exclude(j, False)
            out.solves += 1
            src = full
        else:
            src = model
        out.feasible[i], out.t[i], out.duals[i] = feasible, t, duals
        out.lam[i] = _nonzero_lambdas(src, lam) if feasible else (np.zeros(0, np.int64), np.zeros(0))
    return out


# ----------------------------------------------------------------- orchestration
def _run(func: Any, jobs: list[tuple], n_jobs: int) -> list[_Solved]:
    if n_jobs == 1 or len(jobs) <= 1:
        return [func(*args) for args in jobs]
    from joblib import Parallel, delayed

    return Parallel(n_jobs=n_jobs)(delayed(func)(*args) for args in jobs)


def _blocks(units: np.ndarray, n_blocks: int, interleave: bool = False) -> list[np.ndarray]:
    n_blocks = max(1, min(n_blocks, len(units)))
    if interleave:
        return [units[b::n_blocks] for b in range(n_blocks)]
    return [b for b in np.array_split(units, n_blocks) if len(b)]


def _seed(tech: Technology, n_dirs: int = 48) -> np.ndarray:
    """Reference units that maximise random linear (or ratio) criteria: frame points."""
    rng = np.random.default_rng(12345)
    XR, YR = tech.XR, tech.YR
    u = rng.dirichlet(np.ones(tech.s), n_dirs).T
    v = rng.dirichlet(np.ones(tech.m), n_dirs).T
    picks = [np.argmax(YR, axis=0), np.argmin(XR, axis=0)]
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = (YR @ u) / (XR @ v)
    picks.append(np.nanargmax(np.where(np.isfinite(ratio), ratio, -INF), axis=0))
    if tech.rts != "crs":
        picks.append(np.argmax(YR @ u - XR @ v, axis=0))
    return np.unique(np.concatenate(picks))


def _priority(tech: Technology, n_dirs: int = 48) -> np.ndarray:
    """Order units so that likely frame units come first (BuildHull-style pre-sorting)."""
    rng = np.random.default_rng(54321)
    u = rng.dirichlet(np.ones(tech.s), n_dirs).T
    v = rng.dirichlet(np.ones(tech.m), n_dirs).T
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = (tech.YR @ u) / (tech.XR @ v)
    ratio = np.where(np.isfinite(ratio), ratio, 0.0)
    score = (ratio / np.maximum(ratio.max(axis=0), 1e-300)).max(axis=1)
    return np.argsort(-score, kind="stable")


def _similarity_order(X: np.ndarray, Y: np.ndarray, units: np.ndarray, bins: int = 8) -> np.ndarray:
    """Order units so that neighbours have similar input/output mixes and productivity.

    Consecutive units then tend to share their optimal facet, so the previous
    optimal basis is a good warm start (about a third of the simplex
    iterations of an arbitrary order). The order is a boustrophedon walk over
    a grid on the first three principal components of the log mix.
    """
    if len(units) < 3 * bins:
        return units
    lx, ly = np.log(np.maximum(X[units], 1e-6)), np.log(np.maximum(Y[units], 1e-6))
    Z = np.column_stack([lx - lx.mean(axis=1, keepdims=True), ly - ly.mean(axis=1, keepdims=True),
                         ly.mean(axis=1) - lx.mean(axis=1)])
    Z = Z - Z.mean(axis=0)
    P = Z @ np.linalg.svd(Z, full_matrices=False)[2].T
    dims = min(3, P.shape[1])
    cells = [np.searchsorted(np.quantile(P[:, i], np.linspace(0, 1, bins + 1)[1:-1]), P[:, i])
             for i in range(dims - 1)]
    keys = [cells[0]]
    snake = np.zeros(len(units), dtype=np.int64)
    for i in range(1, dims - 1):
        snake = snake * bins + keys[-1]
        keys.append(np.where(snake % 2 == 0, cells[i], bins - 1 - cells[i]))
    snake = snake * bins + keys[-1]
    last = np.where(snake % 2 == 0, P[:, dims - 1], -P[:, dims - 1])
    return units[np.lexsort((last, *reversed(keys)))]


def _violations(tech: Technology, F: np.ndarray, duals: np.ndarray, phase: int = 1) -> np.ndarray:
    """Most negative reduced cost of any ``F`` column in each unit's LP (dual feasibility check)."""
    A = tech.columns(F)  # |F| x nrow
    cost = np.zeros(len(F)) if phase == 1 else tech.cost2[F]
    worst = np.zeros(len(duals))
    step = max(1, 4_000_000 // max(len(F), 1))
    for a in range(0, len(duals), step):
        reduced = cost[None, :] - duals[a:a + step] @ A.T
        worst[a:a + step] = reduced.min(axis=1)
    return worst


def _frame(tech: Technology, n_jobs: int, engine: str, stats: dict[str, Any]) -> tuple[np.ndarray, _Solved]:
    """Phase 1 for every reference unit, growing the frame ``F`` until certified.

    Returns ``F`` and the phase-1 results of each reference unit against the
    final ``F``, which are exact for the full reference set.
    """
    n = len(tech.XR)
    own = np.arange(n)
    if n <= SMALL_REFERENCE:
        F = np.arange(n)
        res = _merge(_run(_phase1_block, [(tech, F, tech.XR, tech.YR, b, own, engine)
                                          for b in _blocks(own, n_jobs)], n_jobs), n, tech.nrow)
        stats.update(frame_size=n, rounds=1, solves=res.solves)
        return F, res
    F = list(_seed(tech))
    res = _Solved(own, np.zeros(n, bool), np.full(n, np.nan), np.zeros((n, tech.nrow)), [None] * n, [])
    # Likely frame units first (they build F without detours), then the rest in warm-start order.
    priority = _priority(tech)
    top = priority[:max(SMALL_REFERENCE, n // 10)]
    rest = _similarity_order(tech.XR, tech.YR, np.sort(priority[len(top):]))
    nb = max(1, n_jobs)
    jobs = [np.concatenate([top[b::nb], part]) for b, part in enumerate(np.array_split(rest, nb))]
    rounds = 0
    while len(jobs):
        rounds += 1
        if rounds > _MAX_ROUNDS:
            raise RuntimeError("DEA frame search did not converge; please report this data set.")
        todo = np.concatenate(jobs)
        part = _merge(_run(_phase1_block, [(tech, np.asarray(F), tech.XR, tech.YR, b, own, engine)
                                           for b in jobs if len(b)], n_jobs), n, tech.nrow)
        res.solves += part.solves
        res.feasible[todo], res.t[todo], res.duals[todo] = part.feasible[todo], part.t[todo], part.duals[todo]
        for k in todo:
            res.lam[k] = part.lam[k]
        F = list(dict.fromkeys(F + part.added))
        # Every unit found outside T(F) joined F and was re-solved, so all units now lie in
        # T(F); what remains is dual feasibility of each unit's solution for columns added later.
        worst = _violations(tech, np.asarray(F), res.duals)
        todo = np.flatnonzero(worst < -PRICE_TOL)
        jobs = _blocks(_similarity_order(tech.XR, tech.YR, todo), n_jobs) if len(todo) else []
    stats.update(frame_size=len(F), rounds=rounds, solves=res.solves)
    return np.asarray(F), res


def _merge(parts: list[_Solved], n: int, nrow: int) -> _Solved:
    res = _Solved(np.arange(n), np.zeros(n, bool), np.full(n, np.nan), np.zeros((n, nrow)), [None] * n, [])
    for part in parts:
        res.solves += part.solves
        res.feasible[part.units] = part.feasible
        res.t[part.units] = part.t
        res.duals[part.units] = part.duals
        for u, lam in zip(part.units, part.lam):
            res.lam[u] = lam
        res.added.extend(part.added)
    return res


def _scales(XR: np.ndarray, YR: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    sx, sy = XR.mean(axis=0), YR.mean(axis=0)
    return np.where(sx > 0, sx, 1.0), np.where(sy > 0, sy, 1.0)


def _one_blas_thread() -> Any:
    """Keep numpy's BLAS on one thread: the engine's products are small and many, where a
    second BLAS thread costs more than it gains (parallelism comes from ``n_jobs``)."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - threadpoolctl ships with scikit-learn
        import contextlib

        return contextlib.nullcontext()
    return threadpool_limits(1, user_api="blas")


def envelopment(*args: Any, **kwargs: Any) -> EngineResult:
    """Envelopment DEA scores; see :func:`_envelopment` (runs with one BLAS thread)."""
    with _one_blas_thread():
        return _envelopment(*args, **kwargs)


def _envelopment(
    X: np.ndarray,
    Y: np.ndarray,
    XR: np.ndarray | None = None,
    YR: np.ndarray | None = None,
    *,
    rts: str = "crs",
    orientation: str = "input",
    own: np.ndarray | None = None,
    exclude_self: bool = False,
    slacks: bool = False,
    n_jobs: int = 1,
    engine: str = "highs",
) -> EngineResult:
    """Envelopment DEA scores of units ``(X, Y)`` against the reference ``(XR, YR)``.

    Parameters
    ----------
    X, Y : arrays (n, m) and (n, s) of the evaluated units, in data units.
    XR, YR : the reference units; ``None`` means the evaluated units themselves.
    own : for each evaluated unit, its row in the reference set or -1.
    exclude_self : leave each unit's own row out of its reference set
        (Andersen-Petersen super-efficiency).
    slacks : run the second-phase slack maximisation at the phase-1 score.

    Returns scores as Farrell measures: theta (input) or phi (output);
    infeasible programs give ``inf`` (input) or ``-inf`` (output).
    """
    same = XR is None
    if same:
        XR, YR = X, Y
        own = np.arange(len(X))
    own = np.full(len(X), -1) if own is None else np.asarray(own)
    if rts == "fdh":
        return _fdh(X, Y, XR, YR, orientation, own, exclude_self, slacks)
    sx, sy = _scales(XR, YR)
    Xs, Ys = X / sx, Y / sy
    # Slack phase objective: the sum of slacks, each in units of its column's mean, so that the
    # projection does not depend on the units of measurement (Benchmarking scales likewise).
    cost2 = (XR / sx).sum(axis=1) - (YR / sy).sum(axis=1)
    tech = Technology(XR / sx, YR / sy, rts, orientation, cost2)
    stats: dict[str, Any] = {"engine": engine, "reference_units": len(XR)}
    n = len(X)

    res = _Solved(np.arange(n), np.zeros(n, bool), np.full(n, np.nan), np.zeros((n, tech.nrow)), [None] * n, [])
    if engine == "highs" and not (own >= 0).any() and not slacks and len(XR) <= _OUTSIDE_WHOLE:
        # Only outside units (a cross-period program) on a moderate reference set: the batched
        # outside solve over every reference column is exact and cheaper than finding the frame.
        F = np.arange(len(XR))
        stats.update(frame_size=len(F), rounds=0, solves=0)
        inside = np.zeros(n, bool)
    elif engine == "highs":
        F, ref_res = _frame_batch(tech, np.arange(len(XR)), _priority(tech), n_jobs, engine, stats)
        stats.setdefault("solves", 0)
        inside = own >= 0
    elif len(XR) <= SMALL_REFERENCE:
        # Small reference sets are used whole; the reference units need no solve of their own.
        F = np.arange(len(XR))
        stats.update(frame_size=len(F), rounds=0, solves=0)
        inside = np.zeros(n, bool)
    else:
        F, ref_res = _frame(tech, n_jobs, engine, stats)
        inside = own >= 0
    for k in np.flatnonzero(inside):
        j = own[k]
        res.feasible[k], res.t[k], res.lam[k] = ref_res.feasible[j], ref_res.t[j], ref_res.lam[j]
    rest = _similarity_order(Xs, Ys, np.flatnonzero(~inside))
    if len(rest):
        if engine == "highs":
            # Units outside the reference set (Malmquist's cross-period programs): the batched
            # simplex over the certified frame, HiGHS only for what it cannot certify.
            jobs = [(tech, F, Xs, Ys, b, engine) for b in _blocks(rest, n_jobs)]
            part = _merge(_run(_phase1_outside, jobs, n_jobs), n, tech.nrow)
        else:
            part = _merge(_run(_phase1_block, [(tech, F, Xs, Ys, b, np.full(n, -1), engine)
                                               for b in _blocks(rest, n_jobs)], n_jobs), n, tech.nrow)
        stats["solves"] += part.solves
        for k in rest:
            res.feasible[k], res.t[k], res.lam[k] = part.feasible[k], part.t[k], part.lam[k]
    if exclude_self:
        # A unit outside the frame leaves T(F) unchanged when removed: its score stands.
        units = np.flatnonzero((own >= 0) & np.isin(own, F))
        if len(units):
            part = _merge(_run(_super_block, [(tech, F, Xs, Ys, b, own, engine)
                                              for b in _blocks(units, n_jobs)], n_jobs), n, tech.nrow)
            stats["solves"] += part.solves
            for k in units:
                res.feasible[k], res.t[k], res.lam[k] = part.feasible[k], part.t[k], part.lam[k]
    slack_x = slack_y = None
    if slacks:
        ok = np.flatnonzero(res.feasible)
        lam2: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        others = ok
        if engine == "highs":
            # Reference units run through the batched simplex; the others (external reference) one by one.
            mine, others = ok[own[ok] >= 0], ok[own[ok] < 0]
            blocks = _blocks(mine, n_jobs)
            cols, bases = ref_res.columns, ref_res.basis
            jobs = [(tech, cols, own[b], engine, bases[own[b]]) for b in blocks]
            for blk, part in zip(blocks, _run(_phase2_batch, jobs, n_jobs)):
                stats["solves"] += part.solves
                lam2.update((int(k), lam) for k, feas, lam in zip(blk, part.feasible, part.lam) if feas)
        others = _similarity_order(Xs, Ys, others)
        if len(others):
            part = _merge(_run(_phase2_block, [(tech, F, Xs, Ys, b, res.t[b], engine)
                                               for b in _blocks(others, n_jobs)], n_jobs), n, tech.nrow)
            stats["solves"] += part.solves
            lam2.update((int(k), part.lam[k]) for k in others if part.feasible[k])
        slack_x, slack_y = np.full((n, tech.m), np.nan), np.full((n, tech.s), np.nan)
        for k in ok:
            lam_k = lam2.get(int(k), res.lam[k])
            res.lam[k] = lam_k
            sxk, syk = _slacks(tech, Xs[k], Ys[k], res.t[k], lam_k)
            slack_x[k], slack_y[k] = sxk * sx, syk * sy
    return _finish(res, tech, F, slack_x, slack_y, stats)


def _slacks(tech: Technology, x: np.ndarray, y: np.ndarray, t: float,
            lam: tuple[np.ndarray, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    idx, val = lam
    px, py = val @ tech.XR[idx], val @ tech.YR[idx]
    if tech.orientation == "input":
        sx, sy = t * x - px, py - y
    else:
        sx, sy = x - px, py - t * y
    # Residuals at the LP tolerance are not slacks.
    sx = np.where(sx > 1e-7 * np.maximum(1.0, x), sx, 0.0)
    sy = np.where(sy > 1e-7 * np.maximum(1.0, y), sy, 0.0)
    return sx, sy


def _finish(res: _Solved, tech: Technology, F: np.ndarray, slack_x: np.ndarray | None,
            slack_y: np.ndarray | None, stats: dict[str, Any]) -> EngineResult:
    score = res.t.copy()
    score[~res.feasible] = INF if tech.orientation == "input" else -INF
    units = [np.full(len(lam[0]), k) for k, lam in enumerate(res.lam) if lam is not None]
    lam_unit = np.concatenate(units) if units else np.zeros(0, np.int64)
    lam_ref = np.concatenate([lam[0] for lam in res.lam if lam is not None]) if units else np.zeros(0, np.int64)
    lam_val = np.concatenate([lam[1] for lam in res.lam if lam is not None]) if units else np.zeros(0)
    return EngineResult(score, res.feasible.copy(), lam_unit.astype(np.int64), lam_ref.astype(np.int64),
                        lam_val, slack_x, slack_y, np.asarray(F), stats)


# ----------------------------------------------------------------- FDH
def _fdh(X: np.ndarray, Y: np.ndarray, XR: np.ndarray, YR: np.ndarray, orientation: str,
         own: np.ndarray, exclude_self: bool, slacks: bool) -> EngineResult:
    """Free disposal hull scores by enumeration (Deprins, Simar & Tulkens 1984).

    The FDH program picks a single reference unit, so the score is a min/max
    over units of componentwise ratios; no LP is needed.
    """
    n = len(X)
    score = np.full(n, np.nan)
    peer = np.full(n, -1)
    sx_all, sy_all = _scales(XR, YR)
    w = np.concatenate([sx_all, sy_all]) / max(sx_all.max(), sy_all.max())
    step = max(1, 2_000_000 // max(len(XR), 1))
    for a in range(0, n, step):
        blk = np.arange(a, min(n, a + step))
        t, feas = _fdh_scores(X[blk], Y[blk], XR, YR, orientation)
        if exclude_self:
            mine = own[blk] >= 0
            feas[np.flatnonzero(mine), own[blk][mine]] = False
        t = np.where(feas, t, INF if orientation == "input" else -INF)
        best = t.min(axis=1) if orientation == "input" else t.max(axis=1)
        score[blk] = best
        if slacks:
            cand = feas & np.isclose(t, best[:, None], rtol=1e-12, atol=1e-12)
            tx = best[:, None] if orientation == "input" else 1.0
            ty = 1.0 if orientation == "input" else best[:, None]
            with np.errstate(invalid="ignore"):
                gain = ((tx * X[blk])[:, None, :] - XR[None]) / sx_all @ w[:X.shape[1]] \
                    + (YR[None] - (ty * Y[blk])[:, None, :]) / sy_all @ w[X.shape[1]:]
            gain = np.where(cand, gain, -INF)
            choice = gain.argmax(axis=1)
        else:
            choice = t.argmin(axis=1) if orientation == "input" else t.argmax(axis=1)
        finite = np.isfinite(best)
        peer[blk[finite]] = choice[finite]
    feasible = np.isfinite(score)
    ok = np.flatnonzero(feasible)
    slack_x = slack_y = None
    if slacks:
        slack_x, slack_y = np.full(X.shape, np.nan), np.full(Y.shape, np.nan)
        tx = np.where(orientation == "input", score[ok], 1.0)[:, None]
        ty = np.where(orientation == "input", 1.0, score[ok])[:, None]
        slack_x[ok] = np.maximum(tx * X[ok] - XR[peer[ok]], 0.0)
        slack_y[ok] = np.maximum(YR[peer[ok]] - ty * Y[ok], 0.0)
        slack_x[ok] = np.where(slack_x[ok] > 1e-9 * np.maximum(1, X[ok]), slack_x[ok], 0.0)
        slack_y[ok] = np.where(slack_y[ok] > 1e-9 * np.maximum(1, Y[ok]), slack_y[ok], 0.0)
    return EngineResult(score, feasible, ok.astype(np.int64), peer[ok].astype(np.int64), np.ones(len(ok)),
                        slack_x, slack_y, np.unique(peer[ok]), {"engine": "enumeration"})


def _fdh_scores(X: np.ndarray, Y: np.ndarray, XR: np.ndarray, YR: np.ndarray,
                orientation: str) -> tuple[np.ndarray, np.ndarray]:
    """Score of each evaluated unit (rows) against each single reference unit (columns)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        if orientation == "input":
            covers = (YR[None] >= Y[:, None, :]).all(axis=2)
            ratio = XR[None] / X[:, None, :]
            ratio = np.where(XR[None] == 0, 0.0, ratio)  # 0/0 and 0/x need no contraction
            t = ratio.max(axis=2)
            return t, covers & np.isfinite(t)
        fits = (XR[None] <= X[:, None, :]).all(axis=2)
        ratio = YR[None] / Y[:, None, :]
        ratio = np.where(Y[:, None, :] == 0, INF, ratio)  # a zero output never binds
        t = ratio.min(axis=2)
        return t, fits & np.isfinite(t)


# ----------------------------------------------------------------- batched simplex
def batch_scores(X: np.ndarray, Y: np.ndarray, XRs: np.ndarray, YRs: np.ndarray, rts: str,
                 orientation: str, engine: str = "highs") -> np.ndarray:
    """Scores of units ``(X, Y)`` against many reference sets at once (the bootstrap's job).

    ``XRs[b]``, ``YRs[b]`` is reference set ``b``; its row ``k`` must be a
    rescaled copy of unit ``k`` (inputs scaled for input orientation, outputs
    for output orientation), which gives every program a feasible starting
    basis (lambda_k = 1). All programs then run the primal simplex in
    lockstep as numpy array operations. Each result is certified (primal
    feasible basic solution, no negative reduced cost); the rare program that
    is not (degenerate cycling, iteration limit) is re-solved by
    :func:`envelopment`. Returns theta (input) or phi (output), shape (B, n).
    """
    with _one_blas_thread():
        return _batch_scores(X, Y, XRs, YRs, rts, orientation, engine)


def _batch_scores(X: np.ndarray, Y: np.ndarray, XRs: np.ndarray, YRs: np.ndarray, rts: str,
                  orientation: str, engine: str) -> np.ndarray:
    R, n = XRs.shape[0], X.shape[0]
    sx, sy = _scales(X, Y)
    X, Y, XRs, YRs = X / sx, Y / sy, XRs / sx, YRs / sy
    M, b, c, basis = _batch_program(X, Y, XRs, YRs, rts, orientation)
    ok, basis = _simplex(M, b, c, basis)
    B = np.take_along_axis(M, basis[:, None, :], axis=2)
    xB = np.linalg.solve(B[ok], b[ok][:, :, None])[:, :, 0]
    t = np.full(len(M), np.nan)
    in_basis = basis[ok] == 0
    t_ok = np.where(in_basis.any(axis=1), np.where(in_basis, xB, 0.0).sum(axis=1), 0.0)
    t[np.flatnonzero(ok)] = t_ok
    bad = np.flatnonzero(~ok | ~np.isfinite(t))
    for lp in bad:  # settle the leftovers with the general engine
        rep, k = divmod(int(lp), n)
        t[lp] = envelopment(X[k:k + 1], Y[k:k + 1], XRs[rep], YRs[rep], rts=rts,
                            orientation=orientation, engine=engine).score[0]
    return t.reshape(R, n)


def _batch_program(X: np.ndarray, Y: np.ndarray, XRs: np.ndarray, YRs: np.ndarray, rts: str,
                   orientation: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Equality-form envelopment programs, one per (reference set, unit), and their start bases.

    Columns: score t, lambda_1..n, input slacks, output surpluses, [returns-to-scale slack].
    """
    R, n = XRs.shape[0], X.shape[0]
    m, s = X.shape[1], Y.shape[1]
    extra = rts in ("nirs", "ndrs")
    r = m + s + (rts != "crs")
    ncols = 1 + n + m + s + extra
    L = R * n
    inp = orientation == "input"
    M = np.zeros((L, r, ncols))
    A = np.zeros((R, r, n))
    A[:, :m], A[:, m:m + s] = XRs.transpose(0, 2, 1), YRs.transpose(0, 2, 1)
    if rts != "crs":
        A[:, -1] = 1.0
    M[:, :, 1:1 + n] = np.repeat(A, n, axis=0)
    Xk, Yk = np.tile(X, (R, 1)), np.tile(Y, (R, 1))
    if inp:
        M[:, :m, 0] = -Xk
    else:
        M[:, m:m + s, 0] = -Yk
    M[:, np.arange(m), 1 + n + np.arange(m)] = 1.0
    M[:, m + np.arange(s), 1 + n + m + np.arange(s)] = -1.0
    if extra:
        M[:, -1, -1] = 1.0 if rts == "nirs" else -1.0
    b = np.zeros((L, r))
    if inp:
        b[:, m:m + s] = Yk
    else:
        b[:, :m] = Xk
    if rts != "crs":
        b[:, -1] = 1.0
    c = np.zeros((L, ncols))
    c[:, 0] = 1.0 if inp else -1.0
    # Start: lambda_k = 1 on the unit's own rescaled copy. Rows of the score column ("t rows")
    # keep all slacks basic but one (whose row fixes t); the other rows keep all their slacks
    # basic under VRS (the convexity row fixes lambda) and all but one otherwise.
    k = np.tile(np.arange(n), R)
    t_rows = np.arange(m) if inp else m + np.arange(s)
    o_rows = m + np.arange(s) if inp else np.arange(m)
    own_t = (Xk if inp else Yk)
    own_o = (Yk if inp else Xk)
    a_star = np.argmax(own_t > 0, axis=1)
    b_star = np.argmax(own_o > 0, axis=1)
    slack_col = 1 + n + np.arange(m + s)  # slack of row i sits in column 1+n+i
    basis = np.zeros((L, r), dtype=np.int64)
    basis[:, 0], basis[:, 1] = 1 + k, 0
    t_slacks = np.array([[slack_col[t_rows[j]] for j in range(len(t_rows)) if j != a] for a in range(len(t_rows))])
    o_slacks = np.array([[slack_col[o_rows[j]] for j in range(len(o_rows)) if j != a] for a in range(len(o_rows))])
    parts = [basis[:, :2], t_slacks[a_star]]
    if rts == "vrs":
        parts.append(np.broadcast_to(slack_col[o_rows], (L, len(o_rows))))
    else:
        parts.append(o_slacks[b_star])
        if extra:
            parts.append(np.full((L, 1), ncols - 1))
    basis = np.concatenate([p.reshape(L, -1) for p in parts], axis=1).astype(np.int64)
    return M, b, c, basis


def _leaving(ratio: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Leaving row of each program: minimum ratio, ties (degenerate rows) to the largest pivot."""
    rmin = ratio.min(axis=1, keepdims=True)
    return np.argmax(np.where(ratio <= rmin + 1e-11, w, -INF), axis=1)


def _simplex(M: np.ndarray, b: np.ndarray, c: np.ndarray, basis: np.ndarray,
             max_iter: int = 400, bland_after: int = 60) -> tuple[np.ndarray, np.ndarray]:
    """Primal simplex on many small programs in lockstep; returns (certified optimal, basis).

    Dantzig pricing, switching to Bland's rule after ``bland_after`` iterations
    so that degenerate programs cannot cycle for ever. Finished programs are
    dropped from the working arrays once they are half of them.
    """
    L = len(M)
    final = basis.copy()
    optimal = np.zeros(L, bool)
    where = np.arange(L)  # working row -> program
    M, b, c, basis = M, b, c, basis.copy()
    live = np.ones(L, bool)
    for it in range(max_iter):
        if live.sum() * 2 < len(where):
            keep = np.flatnonzero(live)
            where, M, b, c, basis, live = where[keep], M[keep], b[keep], c[keep], basis[keep], live[keep]
        if not live.any():
            break
        rows = np.arange(len(where))
        B = np.take_along_axis(M, basis[:, None, :], axis=2)
        try:
            Binv = np.linalg.inv(B)
        except np.linalg.LinAlgError:
            Binv = np.linalg.pinv(B)
        xB = np.einsum("lij,lj->li", Binv, b)
        pi = np.einsum("li,lij->lj", np.take_along_axis(c, basis, axis=1), Binv)
        d = c - np.einsum("li,lic->lc", pi, M)
        q = np.argmin(d, axis=1) if it < bland_after else np.argmax(d < -PRICE_TOL, axis=1)
        done = live & (d[rows, q] >= -PRICE_TOL)
        optimal[where[done]] = (xB[done] >= -1e-9).all(axis=1)
        final[where[done]] = basis[done]
        live &= ~done
        go = np.flatnonzero(live)
        if len(go) == 0:
            break
        w = np.einsum("lij,lj->li", Binv[go], M[go, :, q[go]])
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(w > 1e-9, np.maximum(xB[go], 0.0) / w, INF)
        p = _leaving(ratio, w) if it < bland_after else np.argmin(ratio, axis=1)
        stuck = ~np.isfinite(ratio[np.arange(len(go)), p])
        live[go[stuck]] = False  # unbounded: impossible for DEA data; left to the fallback
        move = go[~stuck]
        basis[move, p[~stuck]] = q[move]
    return optimal, final


# ----------------------------------------------------------------- batched phase 1 over a frame
_BATCH_CHUNK = 1024  # programs per lockstep batch
_SLACK_CODE = 1 << 40  # stored bases code slack columns from here, independent of the frame size
_BATCH_DIRECT = 600  # reference sets up to this size are solved whole in the batch path
_SUBSAMPLE_CELLS = 3_000_000  # floats of the constraint tensor per lockstep call of subsample_scores
#: Cost of the own column that gives outside units a feasible start (data are scaled to O(1)).
BIG_M = 1e4
#: Outside units are solved against the whole reference set up to this size (no frame search).
_OUTSIDE_WHOLE = 2000


def _gather(G: np.ndarray, A: np.ndarray, idx: np.ndarray) -> np.ndarray:
    """Columns ``idx`` (l, k) of programs whose columns are ``[G[l] | A]``; returns (l, r, k)."""
    E, N = G.shape[2], A.shape[1]
    own = idx < E
    g = np.take_along_axis(G, np.clip(idx, 0, E - 1)[:, None, :], axis=2)
    a = A[:, np.clip(idx - E, 0, N - 1)].transpose(1, 0, 2)
    return np.where(own[:, None, :], g, a)


def _column_costs(cols: np.ndarray, cG: np.ndarray, cA: np.ndarray) -> np.ndarray:
    """Costs of columns ``cols`` (l, k) of programs whose columns are ``[G[l] | A]`` (see :func:`_gather`)."""
    E = cG.shape[1]
    own = np.take_along_axis(cG, np.clip(cols, 0, E - 1), axis=1)
    return np.where(cols < E, own, cA[np.clip(cols - E, 0, len(cA) - 1)])


def _simplex_shared(G: np.ndarray, cG: np.ndarray, A: np.ndarray, cA: np.ndarray, b: np.ndarray,
                    basis: np.ndarray, max_iter: int = 200,
                    bland_after: int = 100) -> tuple[np.ndarray, np.ndarray]:
    """Lockstep primal simplex for programs sharing most of their columns.

    Program ``l`` has columns ``[G[l] | A]`` (own columns first), costs
    ``[cG[l] | cA]`` and right-hand side ``b[l]``; ``basis`` must be primal
    feasible. Returns (certified optimal, final basis).

    ``max_iter`` is low on purpose: with many indicators a few degenerate
    programs need hundreds of pivots, and the lockstep iterations spent on
    that tail cost more than solving those programs in the reused HiGHS model
    (at 5 + 5 indicators, n = 5,000: 28 s with 200, 55 s with 600).
    """
    if A.shape[1] > _PARTIAL_FROM and A.shape[0] >= _PARTIAL_ROWS:
        return _simplex_partial(G, cG, A, cA, b, basis)
    L = len(G)
    E = G.shape[2]
    final = basis.copy()
    optimal = np.zeros(L, bool)
    where = np.arange(L)
    basis = basis.copy()
    live = np.ones(L, bool)
    for it in range(max_iter):
        if live.sum() * 2 < len(where):
            keep = np.flatnonzero(live)
            where, G, cG, b, basis, live = where[keep], G[keep], cG[keep], b[keep], basis[keep], live[keep]
        if not live.any():
            break
        rows = np.arange(len(where))
        B = _gather(G, A, basis)
        try:
            Binv = np.linalg.inv(B)
        except np.linalg.LinAlgError:
            Binv = np.linalg.pinv(B)
        xB = np.einsum("lij,lj->li", Binv, b)
        cB = _column_costs(basis, cG, cA)
        pi = np.einsum("li,lij->lj", cB, Binv)
        dG = cG - np.einsum("li,lic->lc", pi, G)
        dA = pi @ A  # reduced cost of shared column j is cA[j] - dA[:, j]
        if cA.any():
            np.subtract(cA[None, :], dA, out=dA)
        else:
            np.negative(dA, out=dA)
        if it < bland_after:
            qG, qA = np.argmin(dG, axis=1), np.argmin(dA, axis=1)
            vG, vA = dG[rows, qG], dA[rows, qA]
            q = np.where(vG <= vA, qG, E + qA)
            dq = np.minimum(vG, vA)
        else:
            negG = dG < -PRICE_TOL
            anyG = negG.any(axis=1)
            qA = np.argmax(dA < -PRICE_TOL, axis=1)
            q = np.where(anyG, np.argmax(negG, axis=1), E + qA)
            dq = np.where(anyG, dG[rows, np.argmax(negG, axis=1)], dA[rows, qA])
        done = live & (dq >= -PRICE_TOL)
        optimal[where[done]] = (xB[done] >= -1e-9).all(axis=1)
        final[where[done]] = basis[done]
        live &= ~done
        go = np.flatnonzero(live)
        if len(go) == 0:
            break
        col = _gather(G[go], A, q[go][:, None])[:, :, 0]
        w = np.einsum("lij,lj->li", Binv[go], col)
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(w > 1e-9, np.maximum(xB[go], 0.0) / w, INF)
        p = _leaving(ratio, w) if it < bland_after else np.argmin(ratio, axis=1)
        stuck = ~np.isfinite(ratio[np.arange(len(go)), p])
        live[go[stuck]] = False
        move = go[~stuck]
        basis[move, p[~stuck]] = q[move]
    return optimal, final


#: Shared column sets wider than this are priced partially (:func:`_simplex_partial`) when the programs
#: also have at least ``_PARTIAL_ROWS`` rows: with few indicators the full pricing is cheaper (Malmquist,
#: 3 + 2 indicators, 500 units per period: 0.23 s fully priced, 0.33 s partially).
_PARTIAL_FROM = 300
_PARTIAL_ROWS = 8


def _simplex_partial(G: np.ndarray, cG: np.ndarray, A: np.ndarray, cA: np.ndarray, b: np.ndarray,
                     basis: np.ndarray, max_iter: int = 3000, width: int = 64, refactor: int = 40,
                     patience: int = 8) -> tuple[np.ndarray, np.ndarray]:
    """:func:`_simplex_shared` for wide shared column sets: partial pricing, updated inverses.

    Each program pivots within a working set: its own columns, its basic
    columns and the ``width`` shared columns of most negative reduced cost.
    Only when none of those can enter are all shared columns priced (one
    matrix product for every such program at once): the program is then
    either optimal, certified over every column with a freshly factorised
    basis, or its working set is refilled. Between factorisations the basis
    inverses are updated by the pivot (product form), refactorised every
    ``refactor`` pivots.

    The ratio test breaks ties between degenerate rows by the largest pivot
    element (:func:`_leaving`): with many indicators most programs sit on
    degenerate vertices, and this choice halves the pivots they need.
    The lockstep loop stops once its stragglers are few against the
    iterations spent (``live * patience < iteration``): they are left
    uncertified, for the caller's HiGHS fallback.
    """
    L, r, E = G.shape
    N = A.shape[1]
    width = min(width, N)
    K = E + r + width
    AT = np.ascontiguousarray(A.T)
    final = basis.copy()
    optimal = np.zeros(L, bool)
    where = np.arange(L)  # working row -> program
    gb = basis.copy()  # basis as columns of [G | A]
    W = np.empty((L, K), np.int64)  # working set as columns of [G | A]
    M = np.empty((L, r, K))
    c = np.empty((L, K))
    W[:, :E], M[:, :, :E], c[:, :E] = np.arange(E), G, cG
    lb = np.empty((L, r), np.int64)  # basis as positions in the working set

    def refill(R: np.ndarray, Bcols: np.ndarray, dR: np.ndarray) -> None:
        cand = np.argpartition(dR, width - 1, axis=1)[:, :width]
        W[R, E:E + r] = gb[R]
        W[R, E + r:] = E + cand
        M[R, :, E:E + r] = Bcols
        M[R, :, E + r:] = AT[cand].transpose(0, 2, 1)
        c[R, E:] = _column_costs(W[R, E:], cG[R], cA)
        lb[R] = E + np.arange(r)

    B = _gather(G, A, gb)
    Binv = np.linalg.inv(B)
    xB = np.einsum("lij,lj->li", Binv, b)
    pi = np.einsum("li,lij->lj", _column_costs(gb, cG, cA), Binv)
    refill(np.arange(L), B, cA[None, :] - pi @ A)
    live = np.ones(L, bool)
    for it in range(max_iter):
        if live.sum() * 2 < len(where):
            keep = np.flatnonzero(live)
            where, G, cG, b = where[keep], G[keep], cG[keep], b[keep]
            W, lb, gb, M, c, Binv, xB, live = (W[keep], lb[keep], gb[keep], M[keep], c[keep], Binv[keep],
                                               xB[keep], live[keep])
        n_live = live.sum()
        if n_live == 0 or (it >= 50 and n_live * patience < it):
            break
        rows = np.arange(len(where))
        if it % refactor == refactor - 1:
            Binv = np.linalg.inv(np.take_along_axis(M, lb[:, None, :], axis=2))
            xB = np.einsum("lij,lj->li", Binv, b)
        cB = np.take_along_axis(c, lb, axis=1)
        pi = np.einsum("li,lij->lj", cB, Binv)
        d = c - np.einsum("li,lic->lc", pi, M)
        q = np.argmin(d, axis=1)
        P = np.flatnonzero(live & (d[rows, q] >= -PRICE_TOL))
        if len(P):
            # Nothing in the working set can enter: price every shared column.
            dP = cA[None, :] - pi[P] @ A
            fin = dP.min(axis=1) >= -PRICE_TOL
            C = P[fin]
            if len(C):
                # Certify with a fresh factorisation, over the working set and every shared column.
                Bi = np.linalg.inv(np.take_along_axis(M[C], lb[C][:, None, :], axis=2))
                xC = np.einsum("lij,lj->li", Bi, b[C])
                pC = np.einsum("li,lij->lj", cB[C], Bi)
                cert = ((c[C] - np.einsum("li,lic->lc", pC, M[C])).min(axis=1) >= -PRICE_TOL) & (
                    (cA[None, :] - pC @ A).min(axis=1) >= -PRICE_TOL)
                done = C[cert]
                optimal[where[done]] = (xC[cert] >= -1e-9).all(axis=1)
                final[where[done]] = gb[done]
                live[done] = False
                Binv[C], xB[C] = Bi, xC
                fin[np.flatnonzero(fin)[~cert]] = False
            R = P[~fin]
            if len(R):
                refill(R, np.take_along_axis(M[R], lb[R][:, None, :], axis=2), dP[~fin])
                piR = np.einsum("li,lij->lj", np.take_along_axis(c[R], lb[R], axis=1), Binv[R])
                q[R] = np.argmin(c[R] - np.einsum("li,lic->lc", piR, M[R]), axis=1)
        go = np.flatnonzero(live)
        if len(go) == 0:
            break
        Bg, xg = Binv[go], xB[go]
        w = np.einsum("lij,lj->li", Bg, M[go, :, q[go]])
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(w > 1e-9, np.maximum(xg, 0.0) / w, INF)
        stuck = ~np.isfinite(ratio.min(axis=1))
        if stuck.any():
            live[go[stuck]] = False  # unbounded: impossible for DEA data; left to the fallback
            keep = ~stuck
            go, Bg, xg, w, ratio = go[keep], Bg[keep], xg[keep], w[keep], ratio[keep]
        p = _leaving(ratio, w)
        gr = np.arange(len(go))
        wp = w[gr, p]
        step = xg[gr, p] / wp
        xg -= step[:, None] * w
        xg[gr, p] = step
        rowp = Bg[gr, p, :] / wp[:, None]
        Bg -= w[:, :, None] * rowp[:, None, :]
        Bg[gr, p, :] = rowp
        xB[go], Binv[go] = xg, Bg
        lb[go, p] = q[go]
        gb[go, p] = W[go, q[go]]
    return optimal, final


def _start_basis(tech: Technology, Xk: np.ndarray, Yk: np.ndarray, self_col: int, t_col: int,
                 slack0: int) -> np.ndarray:
    """Feasible start lambda_self = 1, t = 1 (see :func:`_batch_program`) in a given column layout."""
    m, s = tech.m, tech.s
    L = len(Xk)
    inp = tech.orientation == "input"
    t_rows = np.arange(m) if inp else m + np.arange(s)
    o_rows = m + np.arange(s) if inp else np.arange(m)
    a_star = np.argmax((Xk if inp else Yk) > 0, axis=1)
    b_star = np.argmax((Yk if inp else Xk) > 0, axis=1)
    slack = slack0 + np.arange(m + s)
    t_sl = np.array([[slack[t_rows[j]] for j in range(len(t_rows)) if j != a] for a in range(len(t_rows))])
    o_sl = np.array([[slack[o_rows[j]] for j in range(len(o_rows)) if j != a] for a in range(len(o_rows))])
    parts = [np.full((L, 1), self_col), np.full((L, 1), t_col), t_sl[a_star].reshape(L, -1)]
    if tech.rts == "vrs":
        parts.append(np.broadcast_to(slack[o_rows], (L, len(o_rows))))
    else:
        parts.append(o_sl[b_star].reshape(L, -1))
        if tech.rts in ("nirs", "ndrs"):
            parts.append(np.full((L, 1), slack0 + m + s))
    return np.concatenate(parts, axis=1).astype(np.int64)


def _slack_block(tech: Technology) -> np.ndarray:
    m, s, r = tech.m, tech.s, tech.nrow
    S = np.zeros((r, m + s + (tech.rts in ("nirs", "ndrs"))))
    S[np.arange(m), np.arange(m)] = 1.0
    S[m + np.arange(s), m + np.arange(s)] = -1.0
    if tech.rts in ("nirs", "ndrs"):
        S[-1, -1] = 1.0 if tech.rts == "nirs" else -1.0
    return S


def _batch_program_for(tech: Technology, F: np.ndarray, blk: np.ndarray
                       ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Phase-1 programs of reference units ``blk``: own columns [t, self], right-hand sides, start."""
    return _own_program(tech, tech.XR[blk], tech.YR[blk], len(F))


def _own_program(tech: Technology, Xk: np.ndarray, Yk: np.ndarray, n_shared: int
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Phase-1 programs of units ``(Xk, Yk)`` (scaled) with own columns [t, self] before ``n_shared``
    shared columns and the slacks; the start is lambda_self = 1, t = 1."""
    L, r, m, s = len(Xk), tech.nrow, tech.m, tech.s
    inp = tech.orientation == "input"
    G = np.zeros((L, r, 2))
    if inp:
        G[:, :m, 0] = -Xk
    else:
        G[:, m:m + s, 0] = -Yk
    G[:, :m, 1], G[:, m:m + s, 1] = Xk, Yk
    if tech.rts != "crs":
        G[:, -1, 1] = 1.0
    cG = np.zeros((L, 2))
    cG[:, 0] = 1.0 if inp else -1.0
    b = np.zeros((L, r))
    if inp:
        b[:, m:m + s] = Yk
    else:
        b[:, :m] = Xk
    if tech.rts != "crs":
        b[:, -1] = 1.0
    basis = _start_basis(tech, Xk, Yk, self_col=1, t_col=0, slack0=2 + n_shared)
    return G, cG, b, basis


def _phase1_outside(tech: Technology, F: np.ndarray, Xs: np.ndarray, Ys: np.ndarray,
                    units: np.ndarray, engine: str) -> _Solved:
    """Phase 1 of units that are not reference units, against the certified frame ``F``.

    The batched simplex needs a feasible start; the unit's own column gives
    one, priced at ``BIG_M`` so that it leaves the basis. An optimum that
    no longer uses it is feasible for the program without it and has the
    same objective, hence is its optimum; a program that still uses it is
    infeasible without it (or was stopped early) and goes to HiGHS.
    """
    F = np.asarray(F, dtype=np.int64)
    n = len(units)
    out = _Solved(units, np.zeros(n, bool), np.full(n, np.nan), np.zeros((n, tech.nrow)), [None] * n, [])
    A = np.hstack([tech.columns(F).T, _slack_block(tech)])
    cA = np.zeros(A.shape[1])
    unsettled = []
    for a in range(0, n, _BATCH_CHUNK):
        blk = units[a:a + _BATCH_CHUNK]
        G, cG, b, basis = _own_program(tech, Xs[blk], Ys[blk], len(F))
        cG[:, 1] = BIG_M
        ok, basis = _simplex_shared(G, cG, A, cA, b, basis)
        B = _gather(G, A, basis)
        with np.errstate(all="ignore"):
            xB = np.linalg.solve(B, b[:, :, None])[:, :, 0]
        own_used = ((basis == 1) & (xB > LAMBDA_TOL)).any(axis=1)
        good = ok & np.isfinite(xB).all(axis=1) & (xB >= -1e-9).all(axis=1) & ~own_used
        unsettled.extend((a + np.flatnonzero(~good)).tolist())
        gi = np.flatnonzero(good)
        out.feasible[a + gi] = True
        out.t[a + gi] = np.where(basis[gi] == 0, xB[gi], 0.0).sum(axis=1)
        lams, _ = _lambdas_from_basis(basis[gi], xB[gi], np.zeros(len(gi), np.int64), F, len(tech.XR))
        for i, lam in zip(gi, lams):
            out.lam[a + i] = lam
    if unsettled:
        idx = np.asarray(unsettled)
        part = _phase1_block(tech, F, Xs, Ys, units[idx], np.full(len(Xs), -1), engine)
        for j, pos in enumerate(idx):
            out.feasible[pos], out.t[pos], out.lam[pos] = part.feasible[j], part.t[j], part.lam[j]
        out.solves += part.solves
    out.solves += n
    return out


def subsample_scores(X: np.ndarray, Y: np.ndarray, subsets: np.ndarray, rts: str, orientation: str,
                     engine: str = "highs") -> np.ndarray:
    """Scores of all units ``(X, Y)`` against many reference subsets of them at once.

    ``subsets[b]`` holds the rows of reference set ``b`` (the subsampling
    bootstrap's job). Each (subset, unit) program runs in the lockstep
    simplex from the unit's own column priced at ``BIG_M`` (see
    :func:`_phase1_outside`); programs not certified that way, including the
    infeasible ones, are settled by :func:`envelopment`. Returns theta (input)
    or phi (output), shape (B, n); ``inf`` (input) or ``-inf`` (output) where
    the program is infeasible.
    """
    with _one_blas_thread():
        return _subsample_scores(X, Y, np.asarray(subsets, dtype=np.int64), rts, orientation, engine)


def _plainly_infeasible(tech: Technology, subsets: np.ndarray) -> np.ndarray:
    """(B, n): unit beyond what subset ``b`` spans in some coordinate the program cannot stretch.

    With a convexity row capping the lambdas (VRS, NIRS) an input-oriented
    program cannot produce more of an output than the subset's largest; with
    one flooring them (VRS, NDRS) an output-oriented one cannot use less of
    an input than the subset's smallest. Either makes the program infeasible.
    """
    B, n = len(subsets), len(tech.XR)
    if tech.orientation == "input" and tech.rts in ("vrs", "nirs"):
        top = tech.YR[subsets].max(axis=1)  # (B, s)
        return (tech.YR[None] > top[:, None, :] * (1 + 1e-12)).any(axis=2)
    if tech.orientation == "output" and tech.rts in ("vrs", "ndrs"):
        low = tech.XR[subsets].min(axis=1)
        return (tech.XR[None] < low[:, None, :] * (1 - 1e-12)).any(axis=2)
    return np.zeros((B, n), bool)


def _subsample_scores(X: np.ndarray, Y: np.ndarray, subsets: np.ndarray, rts: str, orientation: str,
                      engine: str) -> np.ndarray:
    n = len(X)
    R, size = subsets.shape
    sx, sy = _scales(X, Y)
    tech = Technology(X / sx, Y / sy, rts, orientation, np.zeros(n))
    S = _slack_block(tech)
    r, ncols = tech.nrow, 2 + size + S.shape[1]
    per = max(1, _SUBSAMPLE_CELLS // (n * r * ncols))
    out = np.empty((R, n))
    for a in range(0, R, per):
        sub = subsets[a:a + per]
        L = len(sub) * n
        G, cG, b, basis = _own_program(tech, np.tile(tech.XR, (len(sub), 1)), np.tile(tech.YR, (len(sub), 1)),
                                       size)
        M = np.empty((L, r, ncols))
        M[:, :, :2] = G
        cols = tech.columns(sub.ravel()).reshape(len(sub), size, r).transpose(0, 2, 1)
        M[:, :, 2:2 + size] = np.repeat(cols, n, axis=0)
        M[:, :, 2 + size:] = S
        c = np.zeros((L, ncols))
        c[:, 0] = cG[:, 0]
        c[:, 1] = BIG_M
        ok, basis = _simplex(M, b, c, basis)
        t = np.full(L, np.nan)
        sel = np.flatnonzero(ok)
        Bm = np.take_along_axis(M[sel], basis[sel][:, None, :], axis=2)
        with np.errstate(all="ignore"):
            xB = np.linalg.solve(Bm, b[sel][:, :, None])[:, :, 0]
        own_used = ((basis[sel] == 1) & (xB > LAMBDA_TOL)).any(axis=1)
        good = np.isfinite(xB).all(axis=1) & (xB >= -1e-9).all(axis=1) & ~own_used
        t[sel[good]] = np.where(basis[sel[good]] == 0, xB[good], 0.0).sum(axis=1)
        t = t.reshape(len(sub), n)
        t[np.isnan(t) & _plainly_infeasible(tech, sub)] = INF if orientation == "input" else -INF
        for rep in np.flatnonzero(np.isnan(t).any(axis=1)):
            # one reused model per subset for its leftovers (mostly infeasible programs)
            ref = sub[rep]
            part_tech = Technology(tech.XR[ref], tech.YR[ref], rts, orientation, np.zeros(size))
            units = np.flatnonzero(np.isnan(t[rep]))
            part = _phase1_block(part_tech, np.arange(size), tech.XR, tech.YR, units, np.full(n, -1), engine)
            infeasible = INF if orientation == "input" else -INF
            t[rep, units] = np.where(part.feasible, part.t, infeasible)
        out[a:a + len(sub)] = t
    return out


def _lambdas_from_basis(basis: np.ndarray, xB: np.ndarray, blk: np.ndarray, F: np.ndarray,
                        n_ref: int) -> tuple[list[tuple[np.ndarray, np.ndarray]], np.ndarray]:
    """Positive lambdas (own column 1 or frame columns 2..) per program; also the units using their own."""
    is_lam = ((basis == 1) | ((basis >= 2) & (basis < 2 + len(F)))) & (xB > LAMBDA_TOL)
    rows, cols = np.nonzero(is_lam)
    ref = np.where(basis[rows, cols] == 1, blk[rows], F[np.clip(basis[rows, cols] - 2, 0, len(F) - 1)])
    key = rows.astype(np.int64) * n_ref + ref  # an own column equal to a frame column merges
    ukey, inv = np.unique(key, return_inverse=True)
    values = np.bincount(inv, weights=xB[rows, cols])
    lam_row, lam_ref = ukey // n_ref, ukey % n_ref
    own_used = np.unique(lam_row[lam_ref == blk[lam_row]])
    cuts = np.searchsorted(lam_row, np.arange(1, len(blk)))
    return list(zip(np.split(lam_ref, cuts), np.split(values, cuts))), own_used


def _phase1_batch(tech: Technology, F: np.ndarray, units: np.ndarray, engine: str,
                  start: np.ndarray | None = None) -> _Solved:
    """Phase 1 for reference units (rows of ``tech``) against ``F`` plus each unit's own column.

    A unit whose optimum puts weight on its own column lies outside ``T(F)``
    (or on its boundary) and is reported in ``added``. ``start`` holds
    earlier optimal bases (rows of -1 where there is none): after columns are
    appended to ``F`` they are still primal feasible, so the simplex resumes
    from them.
    """
    F = np.asarray(F, dtype=np.int64)
    n, n_ref = len(units), len(tech.XR)
    out = _Solved(units, np.zeros(n, bool), np.full(n, np.nan), np.zeros((n, tech.nrow)), [None] * n, [],
                  basis=np.full((n, tech.nrow), -1, dtype=np.int64))
    A = np.hstack([tech.columns(F).T, _slack_block(tech)])
    cA = np.zeros(A.shape[1])
    in_F = np.zeros(n_ref, bool)
    in_F[F] = True
    at = np.full(n_ref, -1, dtype=np.int64)
    at[F] = np.arange(len(F))
    facet = np.full((n_ref, tech.nrow), -1, dtype=np.int64)  # an optimal basis found for a frame unit
    unsettled = []
    # A small first chunk: its optimal bases give many frame units of the later chunks their start.
    pilot = _BATCH_CHUNK // 4 if len(F) > _PARTIAL_FROM and n > _BATCH_CHUNK // 2 else _BATCH_CHUNK
    for a, e in _chunk_bounds(n, pilot):
        blk = units[a:e]
        G, cG, b, basis = _batch_program_for(tech, F, blk)
        if start is not None:
            prior = start[a:e]
            # earlier slack columns sat right after the frame of that time: shift them
            usable = (prior >= 0).all(axis=1)
            basis[usable] = _shift_slacks(prior[usable], len(F), tech)
        _facet_start(G, A, b, basis, facet[blk])
        ok, basis = _simplex_shared(G, cG, A, cA, b, basis)
        out.basis[a:a + len(blk)] = np.where(basis >= 2 + len(F), _SLACK_CODE + basis - 2 - len(F), basis)
        B = _gather(G, A, basis)
        xB = np.linalg.solve(B, b[:, :, None])[:, :, 0]
        cB = np.where(basis < 2, np.take_along_axis(cG, np.clip(basis, 0, 1), axis=1), 0.0)
        duals = np.linalg.solve(B.transpose(0, 2, 1), cB[:, :, None])[:, :, 0]
        good = ok & (xB >= -1e-9).all(axis=1)
        unsettled.extend((a + np.flatnonzero(~good)).tolist())
        out.basis[a + np.flatnonzero(~good)] = -1
        gi = np.flatnonzero(good)
        out.feasible[a + gi] = True
        out.t[a + gi] = np.where(basis[gi] == 0, xB[gi], 0.0).sum(axis=1)
        out.duals[a + gi] = duals[gi]
        lams, own_used = _lambdas_from_basis(basis[gi], xB[gi], blk[gi], F, n_ref)
        out.added.extend(k for k in blk[gi][own_used].tolist() if not in_F[k])
        for i, lam in zip(gi, lams):
            out.lam[a + i] = lam
        _share_facets(facet, basis[gi], at[blk[gi]], F)
    if unsettled:
        idx = np.asarray(unsettled)
        part = _phase1_block(tech, F, tech.XR, tech.YR, units[idx], np.arange(n_ref), engine)
        for j, pos in enumerate(idx):
            out.feasible[pos], out.t[pos], out.duals[pos], out.lam[pos] = (
                part.feasible[j], part.t[j], part.duals[j], part.lam[j])
        out.added.extend(part.added)
        out.solves += part.solves
    out.solves += n
    return out


def _chunk_bounds(n: int, first: int) -> list[tuple[int, int]]:
    """(start, end) of lockstep chunks: one of ``first`` programs, then ``_BATCH_CHUNK`` each."""
    starts = [0] + list(range(min(first, n), n, _BATCH_CHUNK)) if n else []
    return list(zip(starts, starts[1:] + [n]))


def _share_facets(facet: np.ndarray, basis: np.ndarray, own_at: np.ndarray, F: np.ndarray) -> None:
    """Record optimal bases as starts for the frame units they hold (phase 1, reference units).

    An optimal basis of one unit's program is an optimal basis for every
    frame unit ``j`` basic in it, once the score column is rebuilt from
    ``x_j``: the basic solution is ``lambda_j = 1``, ``t = 1``, and the dual,
    the facet's normal rescaled by ``1 / (v . x_j) > 0``, keeps every reduced
    cost's sign. A basis holding the unit's own column qualifies only if
    that unit is itself in the frame (its column then has a frame position).
    ``own_at`` is each program's unit's position in ``F`` or -1.
    """
    own = basis == 1
    usable = ~(own.any(axis=1) & (own_at < 0))
    shared = np.where(own, 2 + own_at[:, None], basis)[usable]
    rows, cols = np.nonzero((shared >= 2) & (shared < 2 + len(F)))
    facet[F[shared[rows, cols] - 2]] = shared[rows]


def _facet_start(G: np.ndarray, A: np.ndarray, b: np.ndarray, basis: np.ndarray, facet: np.ndarray) -> None:
    """Replace start bases by recorded facet bases where these are primal feasible (in place)."""
    has = np.flatnonzero((facet >= 0).all(axis=1))
    if not len(has):
        return
    B = _gather(G[has], A, facet[has])
    with np.errstate(all="ignore"):
        fine = np.abs(np.linalg.det(B)) > 1e-12
        x = np.linalg.solve(np.where(fine[:, None, None], B, np.eye(B.shape[1])), b[has][:, :, None])[:, :, 0]
    fine &= np.isfinite(x).all(axis=1) & (x >= -1e-9).all(axis=1)
    basis[has[fine]] = facet[has[fine]]


def _shift_slacks(basis: np.ndarray, n_frame: int, tech: Technology) -> np.ndarray:
    """Re-index bases stored as (kind, id) codes into the current column layout."""
    out = basis.copy()
    is_slack = basis >= _SLACK_CODE
    out[is_slack] = 2 + n_frame + (basis[is_slack] - _SLACK_CODE)
    return out


def _phase2_batch(tech: Technology, F: np.ndarray, units: np.ndarray, engine: str,
                  start: np.ndarray | None = None) -> _Solved:
    """Slack maximisation at the phase-1 score for reference units, against ``F`` plus own column.

    Phase 1 is re-run to get each optimal basis; the score column, now a
    constant, leaves the basis on its tableau row (any column with a non-zero
    entry there keeps the basis non-singular and the solution unchanged),
    and the simplex continues with the slack objective.
    """
    F = np.asarray(F, dtype=np.int64)
    n, n_ref, r = len(units), len(tech.XR), tech.nrow
    out = _Solved(units, np.zeros(n, bool), np.full(n, np.nan), np.zeros((n, r)), [None] * n, [])
    S = _slack_block(tech)
    A = np.hstack([tech.columns(F).T, S])
    cA1, cA2 = np.zeros(A.shape[1]), np.concatenate([tech.cost2[F], np.zeros(S.shape[1])])
    unsettled = []
    for a in range(0, n, _BATCH_CHUNK):
        blk = units[a:a + _BATCH_CHUNK]
        L = len(blk)
        G, cG, b, basis = _batch_program_for(tech, F, blk)
        if start is not None:  # optimal phase-1 bases from the frame search: phase 1 ends at once
            prior = start[a:a + _BATCH_CHUNK]
            usable = (prior >= 0).all(axis=1)
            basis[usable] = _shift_slacks(prior[usable], len(F), tech)
        ok, basis = _simplex_shared(G, cG, A, cA1, b, basis)
        B = _gather(G, A, basis)
        Binv = np.linalg.inv(B)
        xB = np.einsum("lij,lj->li", Binv, b)
        has_t = (basis == 0).any(axis=1)
        pos_t = np.argmax(basis == 0, axis=1)
        t = np.where(has_t, xB[np.arange(L), pos_t], np.nan)
        rho = Binv[np.arange(L), pos_t]  # row of the score variable in the tableau
        cand = np.concatenate([G[:, :, 1:2], np.broadcast_to(S, (L,) + S.shape)], axis=2)
        cand_idx = np.concatenate([[1], 2 + len(F) + np.arange(S.shape[1])])
        pivot = np.abs(np.einsum("lr,lrc->lc", rho, cand))
        in_basis = (basis[:, :, None] == cand_idx[None, None, :]).any(axis=1)
        pivot[in_basis] = 0.0
        best = np.argmax(pivot, axis=1)
        ok &= has_t & (pivot[np.arange(L), best] > 1e-9)
        basis[np.arange(L), pos_t] = cand_idx[best]
        b2 = b - t[:, None] * G[:, :, 0]
        G2 = G.copy()
        G2[:, :, 0] = 0.0
        cG2 = np.zeros((L, 2))
        cG2[:, 1] = tech.cost2[blk]
        sel = np.flatnonzero(ok)
        good = np.zeros(L, bool)
        if len(sel):
            ok2, basis2 = _simplex_shared(G2[sel], cG2[sel], A, cA2, np.nan_to_num(b2[sel]), basis[sel])
            B2 = _gather(G2[sel], A, basis2)
            xB2 = np.linalg.solve(B2, np.nan_to_num(b2[sel])[:, :, None])[:, :, 0]
            fine = ok2 & (xB2 >= -1e-9).all(axis=1)
            good[sel[fine]] = True
            lams, _ = _lambdas_from_basis(basis2[fine], xB2[fine], blk[sel[fine]], F, n_ref)
            for i, lam in zip(sel[fine], lams):
                out.lam[a + i] = lam
        out.feasible[a + np.flatnonzero(good)] = True
        out.t[a + np.arange(L)] = t
        unsettled.extend((a + np.flatnonzero(~good)).tolist())
    if unsettled:
        idx = np.asarray(unsettled)
        p1 = _phase1_block(tech, F, tech.XR, tech.YR, units[idx], np.full(n_ref, -1), engine)
        p2 = _phase2_block(tech, F, tech.XR, tech.YR, units[idx], p1.t, engine)
        for j, pos in enumerate(idx):
            out.feasible[pos], out.t[pos], out.lam[pos] = p2.feasible[j], p1.t[j], p2.lam[j]
        out.solves += p1.solves + p2.solves
    out.solves += 2 * n
    return out


def _frame_batch(tech: Technology, units: np.ndarray, priority: np.ndarray, n_jobs: int, engine: str,
                 stats: dict[str, Any]) -> tuple[np.ndarray, _Solved]:
    """Frame of the reference units ``units`` and their exact phase-1 results (batched path).

    Recursive BuildHull: the frame of the most promising quarter of the
    units seeds ``F``; every unit is solved against ``F`` plus its own
    column; units that need their own column join ``F``; units whose dual
    prices a later-added column negatively are re-solved. At the end ``F``
    is pruned to the columns that carry weight in some solution, which keeps
    every certificate: each unit's solution uses only those columns (so the
    unit lies in their technology) and its dual prices them non-negatively.
    """
    n = len(tech.XR)
    res = _Solved(np.arange(n), np.zeros(n, bool), np.full(n, np.nan), np.zeros((n, tech.nrow)), [None] * n, [])
    if len(units) <= _BATCH_DIRECT:
        F = np.asarray(units)
    else:
        ranked = priority[np.isin(priority, units)]
        F, _ = _frame_batch(tech, np.sort(ranked[:max(_BATCH_DIRECT, len(units) // 4)]), priority,
                            n_jobs, engine, stats)
    todo = np.asarray(units)
    bases = np.full((n, tech.nrow), -1, dtype=np.int64)
    for _ in range(_MAX_ROUNDS):
        blocks = _blocks(todo, n_jobs)
        parts = _run(_phase1_batch, [(tech, F, blk, engine, bases[blk]) for blk in blocks], n_jobs)
        added = []
        for part in parts:
            bases[part.units] = part.basis
            res.feasible[part.units], res.t[part.units], res.duals[part.units] = part.feasible, part.t, part.duals
            for u, lam in zip(part.units, part.lam):
                res.lam[u] = lam
            added += part.added
            res.solves += part.solves
        F = np.asarray(list(dict.fromkeys(F.tolist() + added)), dtype=np.int64)
        worst = _violations(tech, F, res.duals[units])
        todo = np.asarray(units)[worst < -PRICE_TOL]
        if len(todo) == 0:
            break
    else:
        raise RuntimeError("DEA frame search did not converge; please report this data set.")
    used = np.unique(np.concatenate([res.lam[u][0] for u in units if res.lam[u] is not None]))
    res.basis, res.columns = bases, F
    stats["solves"] = stats.get("solves", 0) + res.solves
    stats["frame_size"] = len(used)
    return used, res
