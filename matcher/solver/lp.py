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

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import numpy.typing as npt

from matcher.solver.keys import pair_keys
from matcher.solver.params import SOLVER_DEFAULT, SolverParams
from matcher.solver.warm import WarmLP

__all__ = [
    "COMPILED_ABOVE",
    "PairLP",
    "Pricer",
    "Pruned",
    "best_in_groups",
    "solve_lp",
    "solve_pruned",
]


FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
IndexArray = npt.NDArray[np.intp]


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
    er: IndexArray,
    ec: IndexArray,
    picked: BoolArray,
    u: FloatArray,
    v: FloatArray,
    cap: IntArray,
    head: IntArray,
) -> bool:
    """Exact LP optimality on the candidate edges (reduced costs ``rc``): dual
    feasibility and complementary slackness."""
    if (u < 0).any() or (v < 0).any():
        return False
    if (rc[~picked] > 0).any() or (rc[picked] < 0).any():
        return False
    full_r = np.bincount(er[picked], minlength=cap.size) == cap
    full_c = np.bincount(ec[picked], minlength=head.size) == head
    return not ((u > 0) & ~full_r).any() and not ((v > 0) & ~full_c).any()


class PairLP(Protocol):
    """An LP over candidate pairs that :func:`solve_pruned` can widen: HiGHS
    (:class:`matcher.solver.warm.WarmLP`) or compiled augmenting paths
    (:class:`matcher.solver.sap.SapLP`)."""

    cap: IntArray
    head: IntArray
    er: IndexArray
    ec: IndexArray
    q: FloatArray

    def __init__(self, cap: IntArray, head: IntArray) -> None: ...
    def add(self, er: IndexArray, ec: IndexArray, q: FloatArray) -> int: ...
    def holds(self, keys: npt.NDArray[np.int64]) -> BoolArray: ...
    def solve(self) -> tuple[BoolArray, FloatArray, FloatArray]: ...


#: ``price(u, v, floor, lp)``: usable pairs whose reduced cost ``q - u - v``
#: exceeds ``floor``, as ``rows, cols, q``; pairs ``lp`` already holds may come back
Pricer = Callable[
    [FloatArray, FloatArray, float, PairLP],
    tuple[IndexArray, IndexArray, FloatArray],
]


@dataclass(frozen=True)
class Pruned:
    """A certified (or not) plan and the candidate edges its last LP saw."""

    rows: IndexArray
    cols: IndexArray
    u: FloatArray | None
    v: FloatArray | None
    er: IndexArray
    ec: IndexArray
    q: FloatArray


def solve_pruned(
    lp: PairLP,
    price: Pricer,
    everything: Callable[[], tuple[IndexArray, IndexArray, FloatArray]] | None = None,
    add_k: int = SOLVER_DEFAULT.add_k,
) -> Pruned:
    """The b-matching LP on its candidate edges, widened by pricing until certified.

    Solves ``lp``; asks ``price`` for the usable pairs the duals say could still
    improve the plan; adds the best of them and re-solves (warm) until there are
    none. ``u``/``v`` are ``None`` when the rounded duals failed to certify even
    on ``everything`` (if given). ``lp`` is left solved, ready for later edits.
    """
    tried_all = False
    while True:
        picked, u, v = lp.solve()
        er, ec, q = lp.er, lp.ec, lp.q
        rc = q - u[er] - v[ec]
        if not _certified(rc, er, ec, picked, u, v, lp.cap, lp.head):
            if everything is None or tried_all:
                return Pruned(er[picked], ec[picked], None, None, er, ec, q)
            fresh = type(lp)(lp.cap, lp.head)
            fresh.add(*everything())
            lp, tried_all = fresh, True
            continue
        nr, nc, nq = price(u, v, 0.0, lp)
        fresh_pairs = ~lp.holds(pair_keys(nr, nc))
        nr, nc, nq = nr[fresh_pairs], nc[fresh_pairs], nq[fresh_pairs]
        if not nr.size:
            return Pruned(er[picked], ec[picked], u, v, er, ec, q)
        # column generation: each row and column brings its most improving pairs,
        # so the LP stays small even when early duals leave millions improving
        gain = nq - u[nr] - v[nc]
        take = best_in_groups(nr, gain, add_k) | best_in_groups(nc, gain, add_k)
        lp.add(nr[take], nc[take], nq[take])


#: entries past which a widening round picks its pairs by the compiled pass
COMPILED_ABOVE = 100_000


def best_in_groups(group: IndexArray, value: FloatArray, k: int) -> BoolArray:
    """Mask of the ``k`` largest ``value`` within each ``group`` (earlier wins ties).

    A district's rounds offer a few thousand pairs: one stable numpy sort, so a dense
    proposal never loads numba. A city's first rounds offer hundreds of thousands:
    one compiled pass (:mod:`matcher.solver.groupbest`) instead. Both pick the same.
    """
    if group.size > COMPILED_ABOVE:
        from matcher.solver.groupbest import best_per_group

        return best_per_group(group, value, k)
    out = np.zeros(group.size, bool)
    if group.size == 0 or k <= 0:
        return out
    order = np.lexsort((-np.asarray(value, np.float64), group))
    g = np.asarray(group)[order]
    first = np.flatnonzero(np.concatenate([[True], g[1:] != g[:-1]]))
    rank = np.arange(g.size) - np.repeat(first, np.diff(np.append(first, g.size)))
    out[order[rank < k]] = True
    return out


def solve_lp(
    gain: FloatArray,
    usable: BoolArray,
    cap: IntArray,
    head: IntArray,
    params: SolverParams = SOLVER_DEFAULT,
) -> tuple[IndexArray, IndexArray, FloatArray | None, FloatArray | None]:
    """Optimal pairs of a dense b-matching, with certifying duals when they check out.

    ``gain`` holds integer grid scores (``quantise``); only ``usable`` pairs may
    be chosen. Big problems start from each row's and column's top pairs and are
    widened by :func:`solve_pruned`.
    """
    if usable.sum() > params.prune_above:
        cand = _top_k(gain, usable, np.minimum(cap, 10**6) + params.top_k, axis=1)
        cand |= _top_k(gain, usable, np.minimum(head, 10**6) + params.top_k, axis=0)
    else:
        cand = usable
    er, ec = np.nonzero(cand)

    def price(
        u: FloatArray, v: FloatArray, floor: float, held: PairLP
    ) -> tuple[IndexArray, IndexArray, FloatArray]:
        pr, pc = np.nonzero(usable & (gain - u[:, None] - v[None, :] > floor))
        return pr, pc, gain[pr, pc]

    def everything() -> tuple[IndexArray, IndexArray, FloatArray]:
        pr, pc = np.nonzero(usable)
        return pr, pc, gain[pr, pc]

    warm = WarmLP(cap, head)
    warm.add(er, ec, gain[er, ec])
    out = solve_pruned(warm, price, everything, params.add_k)
    return out.rows, out.cols, out.u, out.v
