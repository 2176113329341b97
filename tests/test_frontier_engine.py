"""Tests of the DEA engine's batched path for units outside the reference set.

The batched simplex starts each outside unit from its own column priced at a
large cost; the answers are compared with independent per-unit
``scipy.optimize.linprog`` programs (HiGHS), including programs that are
infeasible without the unit's own column.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from benchmark.frontier import _lp


def _linprog_score(x, y, XR, YR, rts, orientation):
    from scipy.optimize import linprog

    n, m, s = len(XR), len(x), len(y)
    if orientation == "input":
        c = np.r_[1.0, np.zeros(n)]
        A = np.vstack([np.column_stack([-x, XR.T]), np.column_stack([np.zeros(s), -YR.T])])
        b = np.r_[np.zeros(m), -y]
    else:
        c = np.r_[-1.0, np.zeros(n)]
        A = np.vstack([np.column_stack([np.zeros(m), XR.T]), np.column_stack([y, -YR.T])])
        b = np.r_[x, np.zeros(s)]
    ones = np.r_[0.0, np.ones(n)][None]
    A_eq = b_eq = None
    if rts == "vrs":
        A_eq, b_eq = ones, [1.0]
    elif rts == "nirs":
        A, b = np.vstack([A, ones]), np.r_[b, 1.0]
    elif rts == "ndrs":
        A, b = np.vstack([A, -ones]), np.r_[b, -1.0]
    res = linprog(c, A_ub=A, b_ub=b, A_eq=A_eq, b_eq=b_eq, bounds=(0, None), method="highs")
    if res.status == 2:
        return np.inf if orientation == "input" else -np.inf
    return res.x[0]


@pytest.mark.parametrize("rts", ["crs", "vrs", "nirs", "ndrs"])
@pytest.mark.parametrize("orientation", ["input", "output"])
def test_outside_units_match_linprog(rts, orientation):
    """Evaluation against another reference set (Malmquist's cross-period programs), a reference set
    large enough for the frame search (> 120 units), with some programs infeasible."""
    rng = np.random.default_rng(hash((rts, orientation)) % 2**32)
    XR, YR = rng.uniform(1, 10, (130, 3)), rng.uniform(1, 10, (130, 2))
    X, Y = rng.uniform(0.5, 12, (40, 3)), rng.uniform(0.5, 12, (40, 2))
    got = _lp.envelopment(X, Y, XR, YR, rts=rts, orientation=orientation)
    want = np.array([_linprog_score(X[k], Y[k], XR, YR, rts, orientation) for k in range(len(X))])
    np.testing.assert_array_equal(np.isfinite(got.score), np.isfinite(want))
    ok = np.isfinite(want)
    np.testing.assert_allclose(got.score[ok], want[ok], atol=1e-9)
    # the lambdas reproduce the projection: inputs within theta x, outputs at least y (phi y)
    for k in np.flatnonzero(ok)[:10]:
        sel = got.lam_unit == k
        ref, lam = got.lam_ref[sel], got.lam_value[sel]
        tx = got.score[k] if orientation == "input" else 1.0
        ty = 1.0 if orientation == "input" else got.score[k]
        assert np.all(lam @ XR[ref] <= tx * X[k] * (1 + 1e-7))
        assert np.all(lam @ YR[ref] >= ty * Y[k] * (1 - 1e-7))


def test_outside_batch_equals_reused_model():
    """The batched outside path and the reused HiGHS model give the same scores on the same frame."""
    rng = np.random.default_rng(3)
    XR, YR = rng.uniform(1, 10, (300, 2)), rng.uniform(1, 10, (300, 2))
    X, Y = rng.uniform(1, 10, (200, 2)), rng.uniform(1, 10, (200, 2))
    tech = _lp.Technology(XR / 5, YR / 5, "vrs", "input", np.zeros(300))
    F = np.arange(300)
    units = np.arange(200)
    batch = _lp._phase1_outside(tech, F, X / 5, Y / 5, units, "highs")
    single = _lp._phase1_block(tech, F, X / 5, Y / 5, units, np.full(200, -1), "highs")
    np.testing.assert_array_equal(batch.feasible, single.feasible)
    np.testing.assert_allclose(batch.t[batch.feasible], single.t[single.feasible], atol=1e-9)


@settings(max_examples=8, deadline=None)
@given(seed=st.integers(0, 10_000), scale=st.floats(1e-3, 1e3))
def test_subsample_scores_ignore_units_and_order(seed, scale):
    """Rescaling an input and listing each subset in another order leave the scores unchanged."""
    rng = np.random.default_rng(seed)
    X, Y = rng.uniform(1, 10, (20, 2)), rng.uniform(1, 10, (20, 1))
    subsets = np.stack([rng.choice(20, 8, replace=False) for _ in range(3)])
    a = _lp.subsample_scores(X, Y, subsets, "vrs", "input")
    X2 = X.copy()
    X2[:, 0] *= scale
    b = _lp.subsample_scores(X2, Y, subsets[:, ::-1], "vrs", "input")
    np.testing.assert_array_equal(np.isfinite(a), np.isfinite(b))
    np.testing.assert_allclose(a[np.isfinite(a)], b[np.isfinite(b)], rtol=1e-8)
