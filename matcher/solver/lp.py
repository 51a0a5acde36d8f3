"""The b-matching LP on a pruned set of pairs, widened until its duals prove it exact.

Why: a district has hundreds of thousands of feasible pairs, but only the few
best per cadre and per demand can matter. We solve the LP (totally unimodular,
so HiGHS dual simplex ends on an integral vertex) on the top-``k`` pairs of
every row and column, then use its duals as a certificate: a left-out pair can
only improve the plan if its reduced cost ``score - u_row - v_col`` is positive.
Any such pair is added and the LP re-solved; when none is left, the pruned
optimum is the optimum of the whole problem. All of this runs on the integer
score grid (``1 / SCALE``), so the check is exact.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from scipy.optimize import linprog
from scipy.sparse import coo_matrix, vstack

from matcher.errors import SolverError

__all__ = ["PRUNE_ABOVE", "TOP_K", "solve_lp"]

#: prune when a problem has more usable pairs than this
PRUNE_ABOVE = 20_000
#: pairs kept per row and per column in the first round (on top of their capacity)
TOP_K = 8
#: pairs within this many grid units of improving join when the LP is widened
MARGIN = 2_000_000

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
IndexArray = npt.NDArray[np.intp]


def _lp(
    gain: FloatArray, er: IndexArray, ec: IndexArray, cap: IntArray, head: IntArray
) -> tuple[BoolArray, FloatArray, FloatArray]:
    """Chosen edges and the row/column duals (grid units, rounded to integers)."""
    n, m = cap.size, head.size
    idx = np.arange(er.size)
    ones = np.ones(er.size)
    a = vstack(
        [
            coo_matrix((ones, (er, idx)), shape=(n, er.size)),
            coo_matrix((ones, (ec, idx)), shape=(m, er.size)),
        ]
    ).tocsr()
    # costs in score units keep HiGHS's tolerances meaningful; duals come back scaled
    scale = 1e-6
    res = linprog(
        -gain * scale,
        A_ub=a,
        b_ub=np.concatenate([cap, head]).astype(np.float64),
        bounds=(0.0, 1.0),
        method="highs-ds",
    )
    if res.status != 0 or res.x is None:  # pragma: no cover - HiGHS failing on a bounded LP
        raise SolverError(f"HiGHS could not solve the b-matching LP: {res.message}")
    x = np.asarray(res.x)
    chosen = x > 0.5
    if np.abs(x - chosen).max(initial=0.0) > 1e-6:  # pragma: no cover - TU guarantees a vertex
        raise SolverError("the b-matching LP returned a fractional vertex")
    y = -np.rint(np.asarray(res.ineqlin.marginals) / scale)
    return chosen, y[:n], y[n:]


def _top_k(gain: FloatArray, usable: BoolArray, k: IntArray, axis: int) -> BoolArray:
    """Mask of each row's (axis=1) or column's (axis=0) ``k`` best usable pairs."""
    masked = np.where(usable, gain, -np.inf)
    size = masked.shape[axis]
    kk = int(min(size, k.max(initial=0)))
    out = np.zeros_like(usable)
    if kk == 0:
        return out
    part = np.argpartition(-masked, kk - 1, axis=axis)
    top = np.take(part, np.arange(kk), axis=axis)
    if axis == 1:
        out[np.arange(masked.shape[0])[:, None], top] = True
    else:
        out[top, np.arange(masked.shape[1])[None, :]] = True
    return out & usable


def _certified(
    rc: FloatArray,
    cand: BoolArray,
    chosen: BoolArray,
    u: FloatArray,
    v: FloatArray,
    cap: IntArray,
    head: IntArray,
) -> bool:
    """Exact LP optimality of the pruned solution (reduced costs ``rc``): dual
    feasibility and complementary slackness."""
    if (u < 0).any() or (v < 0).any():
        return False
    if (rc[cand & ~chosen] > 0).any() or (rc[chosen] < 0).any():
        return False
    full_r = chosen.sum(axis=1) == cap
    full_c = chosen.sum(axis=0) == head
    return not ((u > 0) & ~full_r).any() and not ((v > 0) & ~full_c).any()


def solve_lp(
    gain: FloatArray, usable: BoolArray, cap: IntArray, head: IntArray
) -> tuple[IndexArray, IndexArray, FloatArray | None, FloatArray | None]:
    """Optimal pairs of the b-matching, with certifying duals when they check out.

    ``gain`` holds integer grid scores (``quantise``); only ``usable`` pairs may
    be chosen. Returns ``rows, cols, u, v``; ``u``/``v`` are ``None`` when the
    rounded duals do not certify (the solution is then from the unpruned LP).
    """
    if usable.sum() > PRUNE_ABOVE:
        cand = _top_k(gain, usable, np.minimum(cap, 10**6) + TOP_K, axis=1)
        cand |= _top_k(gain, usable, np.minimum(head, 10**6) + TOP_K, axis=0)
    else:
        cand = usable.copy()
    while True:
        er, ec = np.nonzero(cand)
        picked, u, v = _lp(gain[er, ec], er, ec, cap, head)
        chosen = np.zeros_like(usable)
        chosen[er[picked], ec[picked]] = True
        rc = gain - u[:, None] - v[None, :]
        if not _certified(rc, cand, chosen, u, v, cap, head):
            if cand.sum() == usable.sum():
                return er[picked], ec[picked], None, None
            cand = usable.copy()
            continue
        left_out = usable & ~cand
        if not (left_out & (rc > 0)).any():
            return er[picked], ec[picked], u, v
        # also take the nearly-improving pairs: duals move when the LP grows, and
        # each extra round costs a full re-solve
        cand |= left_out & (rc > -MARGIN)
