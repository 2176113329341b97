"""The linear programs behind :func:`benchmark.sbm`.

Every unit's slacks-based measure is one small LP after the Charnes-Cooper
transformation (Tone 2001). With ``t`` the transformation variable, ``L`` the
scaled intensities and ``S`` the scaled slacks, the ordinary program is::

    min  t - sum_i wx_i S_i / x_io
    s.t. X L + Sx - x_o t = 0          (inputs)
         Yg L - Sg - yg_o t = 0         (desirable outputs)
         Yb L + Sb - yb_o t = 0         (undesirable outputs: the slack reduces them)
         t + sum_r wy_r Sy_r / y_ro = 1 (normalisation)
         sum L - t = 0                  (VRS only)

and super-efficiency (Tone 2002) flips the slacks' signs (the projection may
use more input and produce less output than the unit), turns the data rows
into inequalities and leaves the unit out of the reference set. The weights
``wx`` and ``wy`` sum to 1 each. Oriented models fix ``t = 1`` and free the
normalisation row.

Speed comes from the same ideas as the radial engine. The reference set is a
small frame of columns grown by pricing, and the programs of a block of units
are solved together by a primal simplex written as numpy array operations
(:func:`_simplex`): the programs share the frame columns and differ only in
the unit's own columns, and a degenerate feasible start is known (``t = 1``,
the unit's own column at 1, no slack). Dantzig's rule runs first and Bland's
rule after it, which cannot cycle; every answer is certified (primal
feasible, no negative reduced cost) and the rest go to one HiGHS model per
worker that is built once and reused (per unit only the unit's own numbers
change and the previous basis is the warm start). After each solve every reference unit's
reduced cost is computed from the row duals; units pricing out negatively
join the frame and the program is re-solved, so each answer is the optimum
over all units (column generation). A dedicated "own" column holding the
unit's data keeps every ordinary program feasible on the frame.

Everything here trusts its arguments; :func:`benchmark.frontier.sbm` checks them.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np

INF = float("inf")
LP_TOL = 1e-10
#: Most negative reduced cost accepted as optimal when pricing reference units.
PRICE_TOL = 1e-9
#: How many violating columns join the frame per pricing round.
ADD_PER_ROUND = 25
#: Scaled intensities below this are reported as zero.
LAMBDA_TOL = 1e-9


@dataclasses.dataclass
class Program:
    """Scaled data and the model: ``kind`` is "sbm" or "super"."""

    X: np.ndarray  # (n, m) inputs, each column divided by its mean
    YG: np.ndarray  # (n, s1) desirable outputs
    YB: np.ndarray  # (n, s2) undesirable outputs
    wx: np.ndarray  # input weights, sum 1
    wg: np.ndarray  # desirable-output weights
    wb: np.ndarray  # undesirable-output weights; wg and wb sum to 1 together
    rts: str  # crs or vrs
    orientation: str  # none, input, output
    kind: str  # sbm or super

    @property
    def m(self) -> int:
        return self.X.shape[1]

    @property
    def s1(self) -> int:
        return self.YG.shape[1]

    @property
    def s2(self) -> int:
        return self.YB.shape[1]

    @property
    def ndata(self) -> int:
        return self.m + self.s1 + self.s2

    @property
    def nrow(self) -> int:
        # data rows, normalisation, VRS row, then (super, non-oriented) y_bar >= 0 rows
        extra = self.s1 if (self.kind == "super" and self.orientation == "none") else 0
        return self.ndata + 1 + (self.rts == "vrs") + extra

    def data_columns(self, idx: np.ndarray) -> np.ndarray:
        """Rows of the reference columns ``(x_j, yg_j, yb_j[, 1])``."""
        parts = [self.X[idx], self.YG[idx], self.YB[idx]]
        if self.rts == "vrs":
            parts.append(np.ones((len(idx), 1)))
        return np.hstack(parts)

    def slack_signs(self) -> np.ndarray:
        """Coefficient of each slack in its data row."""
        sign = np.concatenate([np.ones(self.m), -np.ones(self.s1), np.ones(self.s2)])
        return sign if self.kind == "sbm" else -sign

    def data_row_bounds(self) -> tuple[np.ndarray, np.ndarray]:
        if self.kind == "sbm":
            return np.zeros(self.ndata), np.zeros(self.ndata)
        lo = np.concatenate([np.full(self.m, -INF), np.zeros(self.s1), np.full(self.s2, -INF)])
        hi = np.concatenate([np.zeros(self.m), np.full(self.s1, INF), np.zeros(self.s2)])
        return lo, hi

    def unit_terms(self, o: int) -> dict[str, np.ndarray]:
        """The numbers of unit ``o`` that enter its program."""
        data = np.concatenate([self.X[o], self.YG[o], self.YB[o]])
        sign = 1.0 if self.kind == "sbm" else -1.0
        inputs = self.wx / self.X[o]
        outputs = np.concatenate([self.wg / self.YG[o], self.wb / self.YB[o]])
        cost_t = 0.0 if self.orientation == "output" else 1.0
        if self.orientation == "output":
            cost_slack = np.concatenate([np.zeros(self.m), -sign * outputs])
        else:
            cost_slack = np.concatenate([-sign * inputs, np.zeros(self.s1 + self.s2)])
        norm = np.concatenate([np.zeros(self.m), sign * outputs])
        # slacks that cannot move: the other side in oriented super-efficiency
        fixed = np.zeros(self.ndata, dtype=bool)
        if self.kind == "super" and self.orientation == "input":
            fixed[self.m:] = True
        if self.kind == "super" and self.orientation == "output":
            fixed[:self.m] = True
        upper = np.full(self.ndata, INF)
        upper[fixed] = 0.0
        if self.kind == "super" and self.orientation == "output":
            upper[self.m:self.m + self.s1] = self.YG[o]  # y_bar >= 0 with t = 1
        return {"data": data, "cost_t": np.array(cost_t), "cost_slack": cost_slack, "norm": norm,
                "upper": upper}

    def score(self, objective: float) -> float:
        if self.orientation == "output":
            return 1.0 / (1.0 - objective) if objective < 1.0 else INF
        return objective


@dataclasses.dataclass
class UnitSolution:
    feasible: bool
    score: float
    t: float
    slack: np.ndarray  # slacks in scaled data units, divided by t
    lam_ref: np.ndarray  # reference rows with positive lambda
    lam_value: np.ndarray


def highs_available() -> bool:
    try:
        import highspy  # noqa: F401
    except ImportError:
        return False
    return True


# ----------------------------------------------------------------- HiGHS model
class HighsProgram:
    """A reusable model: column 0 is ``t``, then the slacks, the own column, the frame."""

    def __init__(self, prog: Program, frame: np.ndarray):
        import highspy

        try:
            from highspy._core import (
                _Highs as Solver,  # no Python logging callback per run
            )
        except ImportError:  # pragma: no cover - other highspy layouts
            Solver = highspy.Highs
        self.prog = prog
        self._status = highspy.HighsModelStatus
        h = self.h = Solver()
        for key, value in {"output_flag": False, "presolve": "off", "threads": 1,
                           "primal_feasibility_tolerance": LP_TOL,
                           "dual_feasibility_tolerance": LP_TOL}.items():
            h.setOptionValue(key, value)
        p = prog
        nd, nrow = p.ndata, p.nrow
        lo, hi = np.full(nrow, -INF), np.full(nrow, INF)
        lo[:nd], hi[:nd] = p.data_row_bounds()
        lo[nd], hi[nd] = (1.0, 1.0) if p.orientation == "none" else (-INF, INF)
        if p.rts == "vrs":
            lo[nd + 1], hi[nd + 1] = 0.0, 0.0
        if nrow > nd + 1 + (p.rts == "vrs"):
            hi[nd + 1 + (p.rts == "vrs"):] = 0.0
        h.addRows(nrow, lo, hi, 0, np.zeros(nrow, dtype=np.int32), np.zeros(0, dtype=np.int32), np.zeros(0))
        self.vrs_row = nd + 1 if p.rts == "vrs" else -1
        self.ybar_row0 = nd + 1 + (p.rts == "vrs")
        # t: data rows and normalisation get the unit's numbers in set_unit
        t_lo, t_hi = (0.0, INF) if p.orientation == "none" else (1.0, 1.0)
        rows = [nd] + ([self.vrs_row] if p.rts == "vrs" else [])
        vals = [1.0] + ([-1.0] if p.rts == "vrs" else [])
        h.addCols(1, np.array([1.0]), np.array([t_lo]), np.array([t_hi]), len(rows),
                  np.zeros(1, dtype=np.int32), np.asarray(rows, dtype=np.int32), np.asarray(vals))
        # slacks: one column each, coefficient +-1 in its data row (and the y_bar row for super)
        sign = p.slack_signs()
        for k in range(nd):
            r = [k]
            v = [sign[k]]
            if self.ybar_row0 < nrow and p.m <= k < p.m + p.s1:
                r.append(self.ybar_row0 + k - p.m)
                v.append(1.0)
            h.addCols(1, np.zeros(1), np.zeros(1), np.array([INF]), len(r), np.zeros(1, dtype=np.int32),
                      np.asarray(r, dtype=np.int32), np.asarray(v, dtype=float))
        self.own = 1 + nd
        self._add_columns(p.data_columns(np.array([0])))
        self.frame: list[int] = []
        self.pos: dict[int, int] = {}
        self.add(frame)

    def _add_columns(self, a: np.ndarray) -> None:
        k = a.shape[0]
        rows = np.tile(np.arange(a.shape[1], dtype=np.int32), k)
        rows[rows == self.prog.ndata] = self.vrs_row  # the ones column sits in the VRS row
        starts = np.arange(k, dtype=np.int32) * a.shape[1]
        self.h.addCols(k, np.zeros(k), np.zeros(k), np.full(k, INF), a.size, starts, rows, a.ravel())

    def add(self, idx: Any) -> None:
        idx = np.asarray([j for j in dict.fromkeys(int(i) for i in idx) if j not in self.pos], dtype=np.int64)
        if len(idx) == 0:
            return
        self._add_columns(self.prog.data_columns(idx))
        for j in idx:
            self.pos[int(j)] = self.own + 1 + len(self.frame)
            self.frame.append(int(j))

    def set_unit(self, o: int) -> None:
        p, h = self.prog, self.h
        terms = p.unit_terms(o)
        nd = p.ndata
        for k in range(nd):
            h.changeCoeff(k, 0, -float(terms["data"][k]))
        for k in range(p.s1):
            if self.ybar_row0 < p.nrow:
                h.changeCoeff(self.ybar_row0 + k, 0, -float(p.YG[o, k]))
        h.changeColCost(0, float(terms["cost_t"]))
        idx = np.arange(1, 1 + nd, dtype=np.int32)
        h.changeColsCost(nd, idx, terms["cost_slack"])
        h.changeColsBounds(nd, idx, np.zeros(nd), terms["upper"])
        for k in range(p.m, nd):
            h.changeCoeff(nd, 1 + k, float(terms["norm"][k]))
        # the own column: the unit's data (useless, and fixed at zero, in super-efficiency)
        own = p.data_columns(np.array([o]))[0]
        for k in range(nd):
            h.changeCoeff(k, self.own, float(own[k]))
        if p.rts == "vrs":
            h.changeCoeff(self.vrs_row, self.own, 1.0)
        h.changeColBounds(self.own, 0.0, 0.0 if p.kind == "super" else INF)

    def exclude(self, j: int, excluded: bool) -> None:
        if j in self.pos:
            self.h.changeColBounds(self.pos[j], 0.0, 0.0 if excluded else INF)

    def run(self) -> str:
        self.h.run()
        status = self.h.getModelStatus()
        if status != self._status.kOptimal:
            self.h.clearSolver()  # a stale factorisation can stall a warm start
            self.h.run()
            status = self.h.getModelStatus()
        if status == self._status.kOptimal:
            return "optimal"
        if status in (self._status.kInfeasible, self._status.kUnboundedOrInfeasible):
            return "infeasible"
        return "failed"

    def solution(self) -> tuple[float, np.ndarray, np.ndarray]:
        sol = self.h.getSolution()
        return self.h.getObjectiveValue(), np.asarray(sol.col_value), np.asarray(sol.row_dual)


def _solve_highs(model: HighsProgram, o: int, A_all: np.ndarray) -> UnitSolution | None:
    """Column generation for unit ``o``; ``None`` when the restricted program fails."""
    p = model.prog
    model.set_unit(o)
    excluded = p.kind == "super"
    if excluded:
        model.exclude(o, True)
    try:
        while True:
            status = model.run()
            if status != "optimal":
                return None  # infeasible on the frame is not proof of infeasibility: settle in full
            obj, values, duals = model.solution()
            # reduced cost of reference column j (cost 0): -(duals . a_j)
            d = duals[:p.ndata] if p.rts == "crs" else np.append(duals[:p.ndata], duals[model.vrs_row])
            rc = -(A_all @ d)
            if excluded:
                rc[o] = INF
            if model.frame:
                rc[np.asarray(model.frame)] = INF
            bad = np.flatnonzero(rc < -PRICE_TOL)
            if len(bad) == 0:
                break
            if len(bad) > ADD_PER_ROUND:
                bad = bad[np.argpartition(rc[bad], ADD_PER_ROUND)[:ADD_PER_ROUND]]
            model.add(bad)
    finally:
        if excluded:
            model.exclude(o, False)
    t = float(values[0])
    slack = values[1:1 + p.ndata] / t
    lam_cols = np.concatenate([[o], np.asarray(model.frame, dtype=np.int64)])
    lam = values[model.own:model.own + len(lam_cols)] / t
    keep = lam > LAMBDA_TOL
    ref, val = lam_cols[keep], lam[keep]
    if len(ref) and (ref == o).sum() > 1:  # own column and o's frame column: merge
        total = val[ref == o].sum()
        val = np.concatenate([[total], val[ref != o]])
        ref = np.concatenate([[o], ref[ref != o]])
    return UnitSolution(True, p.score(obj), t, slack, ref, val)


# ----------------------------------------------------------------- scipy fallback
def solve_scipy(prog: Program, o: int) -> UnitSolution:
    """The full program over every reference unit with ``scipy.optimize.linprog``."""
    from scipy.optimize import linprog

    p = prog
    n, nd = p.X.shape[0], p.ndata
    terms = p.unit_terms(o)
    D = np.hstack([p.X, p.YG, p.YB]).T  # nd x n
    t_col = -terms["data"][:, None]
    slack = np.diag(p.slack_signs())
    A_data = np.hstack([t_col, slack, D])
    norm = np.concatenate([[1.0], terms["norm"], np.zeros(n)])[None, :]
    c = np.concatenate([[float(terms["cost_t"])], terms["cost_slack"], np.zeros(n)])
    lo_d, hi_d = p.data_row_bounds()
    eq_rows, eq_b, ub_rows, ub_b = [], [], [], []
    for k in range(nd):
        if lo_d[k] == hi_d[k]:
            eq_rows.append(A_data[k])
            eq_b.append(0.0)
        elif np.isinf(lo_d[k]):
            ub_rows.append(A_data[k])
            ub_b.append(0.0)
        else:
            ub_rows.append(-A_data[k])
            ub_b.append(0.0)
    if p.orientation == "none":
        eq_rows.append(norm[0])
        eq_b.append(1.0)
    if p.rts == "vrs":
        eq_rows.append(np.concatenate([[-1.0], np.zeros(nd), np.ones(n)]))
        eq_b.append(0.0)
    if p.kind == "super" and p.orientation == "none":
        for r in range(p.s1):
            row = np.zeros(1 + nd + n)
            row[0] = -p.YG[o, r]
            row[1 + p.m + r] = 1.0
            ub_rows.append(row)
            ub_b.append(0.0)
    bounds = [(0.0, None) if p.orientation == "none" else (1.0, 1.0)]
    bounds += [(0.0, None if np.isinf(u) else float(u)) for u in terms["upper"]]
    bounds += [(0.0, None)] * n
    if p.kind == "super":
        bounds[1 + nd + o] = (0.0, 0.0)
    res = linprog(c, A_ub=np.asarray(ub_rows) if ub_rows else None, b_ub=ub_b or None,
                  A_eq=np.asarray(eq_rows) if eq_rows else None, b_eq=eq_b or None, bounds=bounds, method="highs")
    if res.status == 2:
        return UnitSolution(False, np.nan, np.nan, np.full(nd, np.nan), np.zeros(0, dtype=np.int64), np.zeros(0))
    if res.status != 0:
        raise RuntimeError(f"scipy.optimize.linprog could not solve an SBM program: {res.message}")
    t = float(res.x[0])
    lam = res.x[1 + nd:] / t
    ref = np.flatnonzero(lam > LAMBDA_TOL)
    return UnitSolution(True, p.score(float(res.fun)), t, res.x[1:1 + nd] / t, ref, lam[ref])


# ----------------------------------------------------------------- driver
def _block(prog: Program, units: np.ndarray, frame: np.ndarray, engine: str) -> list[UnitSolution]:
    if engine == "scipy":
        return [solve_scipy(prog, int(o)) for o in units]
    if engine == "batched" and prog.kind == "sbm":
        return _batched(prog, units, frame)
    if not highs_available():
        return [solve_scipy(prog, int(o)) for o in units]
    A_all = prog.data_columns(np.arange(prog.X.shape[0]))
    model = HighsProgram(prog, frame)
    out = []
    for o in units:
        sol = _solve_highs(model, int(o), A_all)
        out.append(sol if sol is not None else solve_scipy(prog, int(o)))
    return out


def solve_all(prog: Program, units: np.ndarray, *, frame: np.ndarray | None = None, n_jobs: int = 1,
              engine: str = "batched") -> list[UnitSolution]:
    """Solve the program of every unit in ``units`` (in that order).

    ``engine``: "batched" (numpy simplex on blocks of units, HiGHS for the
    rest; super-efficiency always uses HiGHS), "highs" (the reused HiGHS
    model for every unit) or "scipy" (one full linprog per unit).
    """
    frame = np.zeros(0, dtype=np.int64) if frame is None else np.asarray(frame, dtype=np.int64)
    units = np.asarray(units, dtype=np.int64)
    if len(units) == 0:
        return []
    head_size = BATCH if engine == "batched" else 100
    n_blocks = 1 if n_jobs == 1 or len(units) < 2 * head_size else min(n_jobs * 2, len(units) // head_size)
    if n_blocks <= 1:
        return _block(prog, units, frame, engine)
    from joblib import Parallel, delayed

    # Seed every worker's frame with the reference units a first block needed.
    head = _block(prog, units[:head_size], frame, engine)
    seed = np.unique(np.concatenate([frame] + [s.lam_ref for s in head])).astype(np.int64)
    rest = np.array_split(units[head_size:], n_blocks)
    parts = Parallel(n_jobs=n_jobs)(delayed(_block)(prog, blk, seed, engine) for blk in rest if len(blk))
    return head + [s for part in parts for s in part]


# ----------------------------------------------------------------- batched simplex (ordinary SBM)
#: Units solved together by the batched simplex.
BATCH = 256
#: Dantzig pricing for this many iterations, then Bland's rule (which cannot cycle).
DANTZIG_ITERATIONS = 60
MAX_ITERATIONS = 600
PIVOT_TOL = 1e-11
REFACTOR_EVERY = 20


@dataclasses.dataclass
class _Layout:
    """Columns ``[t?] + slacks + own + frame`` and rows ``data + [norm] + [vrs]`` of the batched programs."""

    nd: int
    none: bool
    vrs: bool

    @property
    def k0(self) -> int:  # first slack column
        return 1 if self.none else 0

    @property
    def own(self) -> int:
        return self.k0 + self.nd

    @property
    def r(self) -> int:
        return self.nd + self.none + self.vrs

    @property
    def vrs_row(self) -> int:
        return self.nd + self.none

    def start_basis(self) -> np.ndarray:
        """A feasible (degenerate) basis: t = 1, own column = 1, slacks 0."""
        slacks = np.arange(self.k0, self.k0 + self.nd)
        if not self.vrs:
            slacks = slacks[1:]  # one row fewer: drop the first slack (nonsingular for positive data)
        lead = [0, self.own] if self.none else [self.own]
        return np.concatenate([lead, slacks]).astype(np.int64)


def _batch_matrices(prog: Program, lay: _Layout, units: np.ndarray
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Unit columns ``[t?] + slacks + own`` (B, r, own+1), their costs (B, own+1) and right-hand sides (B, r).

    The frame columns are shared by every unit (and cost 0), see :func:`_frame_block`.
    """
    p, B, nd = prog, len(units), lay.nd
    D = np.hstack([p.X[units], p.YG[units], p.YB[units]])
    ncol = lay.own + 1
    M = np.zeros((B, lay.r, ncol))
    c = np.zeros((B, ncol))
    b = np.zeros((B, lay.r))
    rows = np.arange(nd)
    M[:, rows, lay.k0 + rows] = p.slack_signs()
    terms_norm = np.hstack([np.zeros((B, p.m)), p.wg / p.YG[units], p.wb / p.YB[units]])
    if p.orientation == "output":
        c[:, lay.k0 + p.m:lay.k0 + nd] = -terms_norm[:, p.m:]
    else:
        c[:, lay.k0:lay.k0 + p.m] = -p.wx / p.X[units]
    M[:, :nd, lay.own] = D
    if lay.none:
        M[:, :nd, 0] = -D
        M[:, nd, 0] = 1.0
        M[:, nd, lay.k0:lay.k0 + nd] = terms_norm
        c[:, 0] = 1.0
        b[:, nd] = 1.0
    else:
        b[:, :nd] = D
    if lay.vrs:
        M[:, lay.vrs_row, lay.own] = 1.0
        if lay.none:
            M[:, lay.vrs_row, 0] = -1.0
        else:
            b[:, lay.vrs_row] = 1.0
    return M, c, b


def _frame_block(prog: Program, lay: _Layout, F: np.ndarray) -> np.ndarray:
    blk = np.zeros((lay.r, len(F)))
    if len(F):
        blk[:lay.nd] = np.hstack([prog.X[F], prog.YG[F], prog.YB[F]]).T
        if lay.vrs:
            blk[lay.vrs_row] = 1.0
    return blk


def _simplex(M: np.ndarray, G: np.ndarray, c: np.ndarray, b: np.ndarray, basis: np.ndarray
             ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Batched primal simplex from a feasible basis; returns (basis, xB, duals, certified).

    Columns are the unit's own ``M`` (B, r, k) followed by the shared frame ``G`` (r, f) of cost 0.
    """
    B, _, k = M.shape
    ar = np.arange(B)
    scale = np.maximum(1.0, np.abs(c).max(axis=1))

    def columns(rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        """Columns ``cols`` (len(rows), j) of programs ``rows`` as (len(rows), r, j)."""
        own = np.minimum(cols, k - 1)
        out = M[rows[:, None], :, own].transpose(0, 2, 1)
        shared = cols >= k
        if shared.any():
            out = np.where(shared[:, None, :], G[:, np.where(shared, cols - k, 0)].transpose(1, 0, 2), out)
        return out

    def cost(rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        return np.where(cols < k, np.take_along_axis(c[rows], np.minimum(cols, k - 1), axis=1), 0.0)

    def factor(basis: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        Bm = columns(ar, basis)
        with np.errstate(all="ignore"):
            try:
                Binv = np.linalg.inv(Bm)
            except np.linalg.LinAlgError:
                Binv = np.linalg.pinv(Bm)
        return Binv, np.einsum("bij,bj->bi", Binv, b)

    def reduced(rows: np.ndarray, y: np.ndarray) -> np.ndarray:
        rc = np.empty((len(rows), k + G.shape[1]))
        rc[:, :k] = c[rows] - np.einsum("bj,bjk->bk", y, M[rows])
        rc[:, k:] = -(y @ G)
        np.put_along_axis(rc, basis[rows], 0.0, axis=1)
        return rc

    Binv, xB = factor(basis)
    active = np.ones(B, dtype=bool)
    for it in range(MAX_ITERATIONS):
        if it and it % REFACTOR_EVERY == 0:
            Binv, xB = factor(basis)
        idx = np.flatnonzero(active)
        if len(idx) == 0:
            break
        y = np.einsum("bi,bij->bj", cost(idx, basis[idx]), Binv[idx])
        rc = reduced(idx, y)
        neg = rc < -PRICE_TOL * scale[idx, None]
        done = ~neg.any(axis=1)
        active[idx[done]] = False
        keep = ~done
        idx, rc, neg = idx[keep], rc[keep], neg[keep]
        if len(idx) == 0:
            break
        q = np.argmin(rc, axis=1) if it < DANTZIG_ITERATIONS else np.argmax(neg, axis=1)
        d = np.einsum("bij,bj->bi", Binv[idx], columns(idx, q[:, None])[:, :, 0])
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(d > PIVOT_TOL, xB[idx] / d, np.inf)
        ratio = np.maximum(ratio, 0.0)
        if it >= DANTZIG_ITERATIONS:  # Bland: among ties, the smallest basic variable leaves
            best = ratio.min(axis=1, keepdims=True)
            tie = ratio <= best + 1e-14
            p = np.argmin(np.where(tie, basis[idx], np.iinfo(np.int64).max), axis=1)
        else:
            p = np.argmin(ratio, axis=1)
        unbounded = ~np.isfinite(ratio[np.arange(len(idx)), p])
        if unbounded.any():
            active[idx[unbounded]] = False  # cannot happen for SBM; left uncertified
            basis[idx[unbounded], 0] = -1
            ok = ~unbounded
            idx, q, d, p = idx[ok], q[ok], d[ok], p[ok]
        j = np.arange(len(idx))
        theta = xB[idx, p] / d[j, p]
        xB[idx] -= theta[:, None] * d
        xB[idx, p] = theta
        piv = Binv[idx, p, :] / d[j, p][:, None]
        Binv[idx] -= d[:, :, None] * piv[:, None, :]
        Binv[idx, p, :] = piv
        basis[idx, p] = q
    bad = basis[:, 0] < 0
    basis[bad, 0] = 0
    Binv, xB = factor(basis)
    y = np.einsum("bi,bij->bj", cost(ar, basis), Binv)
    rc = reduced(ar, y)
    certified = (~bad & ~active & (xB >= -1e-9).all(axis=1) & (rc >= -10 * PRICE_TOL * scale[:, None]).all(axis=1)
                 & np.isfinite(xB).all(axis=1))
    return basis, xB, y, certified


def _batch_block(prog: Program, units: np.ndarray, F: np.ndarray, A_all: np.ndarray
                 ) -> tuple[list[UnitSolution | None], np.ndarray]:
    """Solve ``units`` with the batched simplex and column generation; ``None`` where uncertified."""
    p = prog
    lay = _Layout(p.ndata, p.orientation == "none", p.rts == "vrs")
    out: list[UnitSolution | None] = [None] * len(units)
    basis = np.tile(lay.start_basis(), (len(units), 1))
    todo = np.arange(len(units))
    for _ in range(50):
        if len(todo) == 0:
            break
        M, c, b = _batch_matrices(p, lay, units[todo])
        bas, xB, y, cert = _simplex(M, _frame_block(p, lay, F), c, b, basis[todo])
        basis[todo] = bas
        # price every reference unit: reduced cost -(y . a_j)
        yv = y[:, :lay.nd] if not lay.vrs else np.hstack([y[:, :lay.nd], y[:, lay.vrs_row:lay.vrs_row + 1]])
        rc = -(yv @ A_all.T)
        if len(F):
            rc[:, F] = INF
        viol = (rc < -PRICE_TOL) & cert[:, None]
        again = viol.any(axis=1)
        for k in np.flatnonzero(cert & ~again):
            out[todo[k]] = _unpack(p, lay, int(units[todo[k]]), F, bas[k], xB[k], np.concatenate([c[k], np.zeros(len(F))]))
        if again.any():
            worst = np.unique(np.argpartition(rc[again], min(ADD_PER_ROUND, rc.shape[1] - 1),
                                              axis=1)[:, :ADD_PER_ROUND])
            worst = worst[(rc[again][:, worst] < -PRICE_TOL).any(axis=0)]
            F = np.concatenate([F, worst])
        todo = todo[again]
    return out, F


def _unpack(prog: Program, lay: _Layout, o: int, F: np.ndarray, basis: np.ndarray, xB: np.ndarray,
            c: np.ndarray) -> UnitSolution:
    x = np.zeros(lay.own + 1 + len(F))
    x[basis] = np.maximum(xB, 0.0)
    obj = float(c @ x) + (1.0 if prog.orientation == "input" else 0.0)
    t = float(x[0]) if lay.none else 1.0
    slack = x[lay.k0:lay.k0 + lay.nd] / t
    lam = x[lay.own:] / t
    ref = np.concatenate([[o], F])
    keep = lam > LAMBDA_TOL
    ref, val = ref[keep], lam[keep]
    if (ref == o).sum() > 1:
        total = val[ref == o].sum()
        val = np.concatenate([[total], val[ref != o]])
        ref = np.concatenate([[o], ref[ref != o]])
    return UnitSolution(True, prog.score(obj), t, slack, ref.astype(np.int64), val)


def _one_blas_thread() -> Any:
    """Small, many matrix products: a second BLAS thread costs more than it gains (``n_jobs`` parallelises)."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - threadpoolctl ships with scikit-learn
        import contextlib

        return contextlib.nullcontext()
    return threadpool_limits(1, user_api="blas")


def _batched(prog: Program, units: np.ndarray, frame: np.ndarray) -> list[UnitSolution]:
    with _one_blas_thread():
        return _batched_run(prog, units, frame)


def _batched_run(prog: Program, units: np.ndarray, frame: np.ndarray) -> list[UnitSolution]:
    A_all = prog.data_columns(np.arange(prog.X.shape[0]))
    F = np.asarray(frame, dtype=np.int64)
    sols: list[UnitSolution] = []
    model = None
    for start in range(0, len(units), BATCH):
        blk = units[start:start + BATCH]
        got, F = _batch_block(prog, blk, F, A_all)
        for o, s in zip(blk, got):
            if s is None:  # not certified: settle this unit on HiGHS (or scipy)
                if model is None and highs_available():
                    model = HighsProgram(prog, F)
                s = _solve_highs(model, int(o), A_all) if model is not None else None
                s = s if s is not None else solve_scipy(prog, int(o))
            sols.append(s)
    return sols
