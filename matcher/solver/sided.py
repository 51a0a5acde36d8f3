"""Exact b-matching with side rows, by HiGHS branch-and-bound to a zero gap.

Why a MILP here when the rest of the solver is network flow: a side row that
caps a *group* of pairs — every pair lending a community's cadres to other
communities — crosses each of its cadres' rows (neither nested in one nor
disjoint from it), so the rows no longer form two laminar families and the
constraint matrix is no longer totally unimodular: the LP may stop at a
fractional vertex. A "row group" (at most ``k`` of these cadres take any
flagged pair) needs a 0/1 indicator per cadre, which no flow expresses. So
these problems are solved as what they are, an integer program, to a proven
optimum: the plan comes with HiGHS's dual bound, and it is certified when the
bound leaves no room for a better plan on the score grid.

Dated orders (:mod:`matcher.timed`) bring *timed* edges: a row holds them only
for a while, so its capacity bounds its untimed edges at all times and, on each
segment of the row's time line, the timed edges held then — a flow along the time
line (continuous free-capacity variables, two entries per edge and per segment),
which no single b-matching row can say.

Weights are integers (the score grid), so an objective ``z`` and a bound
``b < z + 1`` prove that no plan scores more than ``z``.

A large problem is solved in a child process (:mod:`matcher.solver.child`: its LPs
and MILPs, all three steps) that this one watches, telling the caller's progress
callback where the solve is (coarsely: which step runs) every
:data:`~matcher.solver.child.POLL` seconds: HiGHS calls
back nothing while it presolves and solves the root LP (measured on the sample
week: 45 s before its first MIP callback with HiGHS 1.12, scipy's; and highspy's
1.16 ran that MILP 4x slower, with 500 s between two callbacks), so no callback
in process could stop it promptly. When the progress callback raises (a
cancel), the child is killed at once; it makes the very same
``scipy.optimize.milp`` call, so the plan is the one solved in process.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from matcher.solver import child
from matcher.solver.child import Step
from matcher.solver.siderows import SideRows, edge_mask, holds

if TYPE_CHECKING:
    from scipy.sparse import csr_matrix

__all__ = ["Sided", "solve_sided"]

IntArray = npt.NDArray[np.int64]
IndexArray = npt.NDArray[np.intp]
BoolArray = npt.NDArray[np.bool_]
FloatArray = npt.NDArray[np.float64]
#: ``(cost, integrality, lo, hi, a, ub, options)`` to the values and the dual bound
MilpSolver = Callable[..., tuple[FloatArray | None, float | None]]


#: each row's and column's heaviest edges the LP starts from
START_K = 8
#: edges within this share of the median weight of tight join the first MILP
NEAR = 0.02
#: a reduced cost above this share of the largest weight makes an edge enter
PRICE_TOL = 1e-9


def _quiet(phase: str, share: float) -> None:
    """The default ``step``: says nothing."""


@dataclass(frozen=True)
class Sided:
    """A solved problem: the edges taken, the objective and HiGHS's bound (grid units)."""

    take: BoolArray
    objective: int
    bound: float
    #: the plan keeps every row (checked here in integers): never use one that does not
    holds: bool
    #: solved to optimality, it holds, and the bound proves it
    certified: bool


@dataclass(frozen=True)
class _Model:
    """``max -cost·x`` over ``a x ≤ ub``, ``lo ≤ x ≤ hi``, ``integral`` marking the
    integer variables; the first ``ne`` variables are the edges."""

    a: csr_matrix
    ub: FloatArray
    cost: FloatArray
    lo: FloatArray
    hi: FloatArray
    integral: FloatArray
    ne: int


def _model(
    r: IndexArray,
    c: IndexArray,
    w: IntArray,
    cap: IntArray,
    head: IntArray,
    fixed: BoolArray,
    side: SideRows,
) -> _Model:
    """The MILP of :func:`solve_sided` over all edges: the edges are its first
    ``ne`` variables, the indicators, untimed counts and free capacities after."""
    # imported on use: only plans with side rows solve a MILP (a plain import stays light)
    from scipy.sparse import coo_matrix, csr_matrix

    ne = r.size
    flags = _flags(side, ne)
    # a row of capacity 1 takes at most one edge, so "used" is the sum of its
    # flagged edges: no indicator needed, and the LP is tighter than with one
    timed = edge_mask(side.timed, ne)
    # … unless it has timed flagged edges: those it may hold several of, at other times
    timed_flags = np.bincount(r[flags & timed], minlength=cap.size)
    single = (cap <= 1) & (timed_flags == 0)
    rows_used = (
        np.unique(np.concatenate(side.row_sets)).astype(np.intp)
        if side.row_sets
        else np.zeros(0, np.intp)
    )
    rows_used = rows_used[~single[rows_used]]
    ny = rows_used.size
    y_of = np.full(cap.size, -1, np.intp)
    y_of[rows_used] = ne + np.arange(ny)
    blocks: list[tuple[IndexArray, IndexArray, FloatArray, FloatArray]] = []
    at = 0

    def add(row: IndexArray, col: IndexArray, val: FloatArray, ub: FloatArray) -> None:
        nonlocal at
        blocks.append((row + at, col, val, ub))
        at += ub.size

    e = np.arange(ne, dtype=np.intp)
    ones = np.ones(ne)
    # a row's capacity bounds its untimed edges at every instant; its timed edges
    # count only in the cliques of the instants they are held
    plain = ~timed
    add(r[plain].astype(np.intp), e[plain], ones[plain], cap.astype(np.float64))
    add(c.astype(np.intp), e, ones, head.astype(np.float64))
    for g, members in enumerate(side.groups):
        add(
            np.zeros(members.size, np.intp), members, np.ones(members.size), _one(side.group_rhs[g])
        )
    if ny:
        # Σ flagged x_e of the row ≤ cap × y_row: one row per indicator (the pair-by-pair
        # form x_e ≤ y_row has a tighter LP but many more rows)
        # the most flagged edges a row can hold: untimed up to its capacity, timed all
        untimed_flags = np.bincount(r[flags & ~timed], minlength=cap.size)
        most = np.minimum(untimed_flags, cap) + timed_flags
        linked = np.flatnonzero(flags & (y_of[r] >= 0))
        rows_l = np.searchsorted(rows_used, r[linked])
        add(
            np.concatenate([rows_l, np.arange(ny)]),
            np.concatenate([linked, ne + np.arange(ny)]),
            np.concatenate([np.ones(linked.size), -most[rows_used].astype(float)]),
            np.zeros(ny),
        )
    for h, members in enumerate(side.row_sets):
        inset = np.zeros(cap.size, bool)
        inset[members] = True
        direct = np.flatnonzero(flags & inset[r] & single[r])
        ys = y_of[members[~single[members]]]
        cols_h = np.concatenate([direct, ys]).astype(np.intp)
        add(np.zeros(cols_h.size, np.intp), cols_h, np.ones(cols_h.size), _one(side.row_rhs[h]))
    # z_row ≥ the row's untimed edges taken: each time line reads it in one entry
    lines = [int(r[t.edges[0]]) for t in side.timelines]
    line_rows = np.array(lines, np.intp)
    z_rows = np.unique(line_rows[np.bincount(r[plain], minlength=cap.size)[line_rows] > 0])
    nz = z_rows.size
    z_of = np.full(cap.size, -1, np.intp)
    z_of[z_rows] = ne + ny + np.arange(nz)
    if nz:
        steady = np.flatnonzero(plain & (z_of[r] >= 0))
        rows_z = np.searchsorted(z_rows, r[steady])
        add(
            np.concatenate([rows_z, np.arange(nz)]),
            np.concatenate([steady, z_of[z_rows]]),
            np.concatenate([np.ones(steady.size), -np.ones(nz)]),
            np.zeros(nz),
        )
    # each time line as a flow: f_k, the capacity left free on segment k, starts at
    # cap - z less what starts at point 0, and moves by what ends and starts at each
    # point: f_k ≥ 0 is "held on segment k ≤ cap - z" with two entries per edge and
    # two per segment (a row per maximal clique would repeat every held edge)
    nf = 0
    f_ub: list[FloatArray] = []
    for t, i in zip(side.timelines, lines, strict=True):
        segs = t.points - 1
        f0 = ne + ny + nz + nf
        k = np.arange(segs, dtype=np.intp)
        ends = t.last < segs
        z = z_of[i]
        rows_t = [t.first, t.last[ends], k, k[1:]]
        cols_t = [t.edges, t.edges[ends], f0 + k, f0 + k[:-1]]
        vals_t = [
            np.ones(t.edges.size),
            -np.ones(int(ends.sum())),
            np.ones(segs),
            -np.ones(segs - 1),
        ]
        if z >= 0:
            rows_t.append(np.zeros(1, np.intp))
            cols_t.append(np.array([z], np.intp))
            vals_t.append(np.ones(1))
        # what is held already moves the line's free capacity as starts and ends do
        load = t.load if t.load.size == segs else np.zeros(segs, np.int64)
        ub_t = -np.diff(load, prepend=0).astype(np.float64)
        ub_t[0] += float(t.capacity)
        add(np.concatenate(rows_t), np.concatenate(cols_t), np.concatenate(vals_t), ub_t)
        f_ub.append(np.full(segs, float(t.capacity)))
        nf += segs
    for members, weight, bound in side.weighted:
        add(np.zeros(members.size, np.intp), members, weight.astype(np.float64),
            np.array([float(bound)]))  # fmt: skip
    nv = ne + ny + nz + nf
    a = csr_matrix(
        coo_matrix(
            (
                np.concatenate([b[2] for b in blocks]),
                (np.concatenate([b[0] for b in blocks]), np.concatenate([b[1] for b in blocks])),
            ),
            shape=(at, nv),
        )
    )
    ub = np.concatenate([b[3] for b in blocks])
    cost = np.concatenate([-w.astype(np.float64), np.zeros(ny + nz + nf)])
    lo = np.concatenate([fixed.astype(np.float64), np.zeros(ny + nz + nf)])
    hi = np.concatenate([np.ones(ne + ny), cap[z_rows].astype(np.float64), *f_ub])
    # the free capacities are continuous: the edges' integrality fixes them
    integral = np.concatenate([np.ones(ne + ny + nz), np.zeros(nf)])
    return _Model(a, ub, cost, lo, hi, integral, ne)


def solve_sided(
    r: IndexArray,
    c: IndexArray,
    w: IntArray,
    cap: IntArray,
    head: IntArray,
    fixed: BoolArray,
    side: SideRows,
    time_limit: float | None = None,
    start_k: int | None = None,
    step: Step = _quiet,
) -> Sided:
    """The heaviest set of edges ``(r[e], c[e])`` (weights ``w``, integers) with at
    most ``cap[i]`` per row, ``head[j]`` per column, every ``fixed`` edge taken,
    and the side rows held. The caller keeps the problem feasible (fixed edges
    within every right-hand side).

    Solved over few edges, and proven over all (``start_k``: each row's and
    column's heaviest edges to start from, :data:`START_K` by default):

    1. *Pricing.* The LP relaxation is solved over a pruned set ``S`` (the
       ``start_k`` heaviest edges of each row and column, the fixed ones, and all
       other variables); every edge left out is priced at the LP's duals ``y``
       (reduced cost ``rc = w - Aᵀy``) and those with ``rc > 0`` enter, until none
       does: ``y`` is then optimal for the LP over all edges.
    2. *A plan.* The MILP is solved over ``S`` widened by the edges within
       :data:`NEAR` of tight, to a zero gap: objective ``z``.
    3. *The proof* (reduced-cost fixing). For any ``y ≥ 0`` and any plan ``x``
       over all edges, ``wᵀx = yᵀAx + rcᵀx ≤ yᵀb + rcᵀx``; bounding each term
       ``rc_v x_v`` by its largest value over ``x_v``'s bounds gives ``D`` (the
       LP's bound, computed here, not read from the solver), and a plan taking a
       left-out edge ``e`` (``rc_e ≤ 0`` once pricing is done) scores at most
       ``D + rc_e``. Weights are integers, so when ``D + rc_e < z + 1`` no plan
       with ``e`` beats ``z``. The edges not ruled out so (``K``) join ``S`` and
       the MILP is solved again; its optimum over ``S ∪ K`` is the optimum over
       all edges, and its bound (or ``z``, if larger) bounds every plan.

    ``step("solving", share)`` is told the share of these steps done (coarse: a
    third per step) as each starts or, when the model has more than
    :data:`~matcher.solver.child.CHILD_ABOVE` entries and so is solved in a child
    process, every :data:`~matcher.solver.child.POLL` seconds; when it raises
    (:class:`~matcher.errors.Cancelled`), the solve stops there (its child killed)
    and the error goes up.
    """
    mo = _model(r, c, w, cap, head, fixed, side)
    ne = mo.ne
    keep = _start(r, c, w, fixed, START_K if start_k is None else start_k)
    # read here, at call time: tests set them, and a child would not see that
    near = NEAR * float(np.median(w)) if ne else 0.0
    args = (mo, keep, near, PRICE_TOL, time_limit, _SOLVE)
    step("solving", child.SHARES[0])
    if mo.a.nnz > child.CHILD_ABOVE:
        x, bound, proven = child.in_child(_steps, args, step)
    else:
        x, bound, proven = _steps(*args, tell=lambda k: step("solving", child.SHARES[k]))
    if x is None:
        return Sided(np.zeros(ne, bool), 0, float("inf"), False, False)
    take = x[:ne] > 0.5
    objective = int(w[take].sum())
    held = holds(r, c, cap, head, fixed, side, take)
    return Sided(take, objective, bound, held, bool(proven and held and bound < objective + 1))


def _steps(
    mo: _Model,
    keep: BoolArray,
    near: float,
    price_tol: float,
    time_limit: float | None,
    solve: MilpSolver,
    tell: Callable[[int], object],
) -> tuple[FloatArray | None, float, bool]:
    """The three steps of :func:`solve_sided` (``tell(k)`` as step ``k`` starts): the
    plan as values of all variables (``None`` without one), the bound, and whether
    it is proven."""
    ne = mo.ne
    clock = _Clock(time_limit)
    y, keep = _priced_duals(mo, keep, price_tol)
    if y is None:
        return None, float("inf"), False
    rc = -mo.cost - np.asarray(mo.a.T @ y).ravel()
    # D: weak duality over every variable at its bounds (edges left out: [0, 1])
    bound_lp = float(y @ mo.ub + np.maximum(rc * mo.lo, rc * mo.hi).sum())
    slack = 1e-7 * max(1.0, abs(bound_lp))
    keep |= rc[:ne] >= -near
    tell(1)
    x, z, bound = _milp_over(mo, keep, clock.left(), solve)
    if x is None:
        return None, float("inf"), False
    # the edges whose best plan could still beat z
    open_ = ~keep & (bound_lp + np.minimum(rc[:ne], 0.0) >= z + 1 - slack)
    proven = bound < z + 1
    if open_.any():
        tell(2)
        x2, z2, bound2 = _milp_over(mo, keep | open_, clock.left(), solve)
        if x2 is not None and z2 > z:
            x, z = x2, z2
        bound = max(bound2, float(z))
        proven = bound < z + 1
    else:
        bound = max(bound, float(z))
    return x, min(bound, bound_lp), proven


class _Clock:
    """What is left of a time limit (``None``: no limit)."""

    def __init__(self, limit: float | None) -> None:
        self.limit = limit
        self.t0 = time.perf_counter()

    def left(self) -> float | None:
        if self.limit is None:
            return None
        return max(1.0, self.limit - (time.perf_counter() - self.t0))


def _start(r: IndexArray, c: IndexArray, w: IntArray, fixed: BoolArray, k: int) -> BoolArray:
    """The ``k`` heaviest edges of every row and of every column, and the fixed ones."""
    keep = fixed.copy()
    for side in (r, c):
        order = np.lexsort((-w, side))
        s = side[order]
        first = np.searchsorted(s, s, side="left")
        rank = np.arange(s.size) - first
        keep[order[rank < k]] = True
    return keep


def _priced_duals(
    mo: _Model, keep: BoolArray, price_tol: float = PRICE_TOL
) -> tuple[FloatArray | None, BoolArray]:
    """The LP's duals (``y ≥ 0``, one per row) over all edges, by pricing: solved over
    ``keep`` (widened) until no edge left out has a positive reduced cost; ``None``
    when the LP has no solution (fixed edges that break a row). With the edges kept."""
    from scipy.optimize import linprog

    keep = keep.copy()
    ne = mo.ne
    extra = np.arange(ne, mo.a.shape[1])
    a_t = mo.a.T.tocsr()
    while True:
        cols = np.concatenate([np.flatnonzero(keep), extra])
        if cols.size == 0:  # nothing to solve over: every row's dual is 0
            gain = -mo.cost[:ne] > 0
            if not gain.any():  # and no edge would enter at those duals
                return np.zeros(mo.a.shape[0]), keep
            keep |= gain
            continue
        res = linprog(
            mo.cost[cols],
            A_ub=mo.a[:, cols],
            b_ub=mo.ub,
            bounds=np.column_stack([mo.lo[cols], mo.hi[cols]]),
            method="highs",
        )
        if res.status != 0:
            return None, keep
        y: FloatArray = np.maximum(-np.asarray(res.ineqlin.marginals), 0.0)
        rc = -mo.cost[:ne] - np.asarray(a_t[:ne] @ y).ravel()
        enter = ~keep & (rc > price_tol * max(1.0, float(np.abs(mo.cost).max(initial=0))))
        if not enter.any():
            return y, keep
        keep |= enter


def _milp_over(
    mo: _Model, keep: BoolArray, time_limit: float | None, solve: MilpSolver
) -> tuple[FloatArray | None, int, float]:
    """The MILP over the edges ``keep`` (and every other variable) by ``solve``: a plan
    as values of all variables (left-out edges 0), its objective and HiGHS's bound."""
    ne = mo.ne
    cols = np.concatenate([np.flatnonzero(keep), np.arange(ne, mo.a.shape[1])])
    if cols.size == 0:  # no variable: the empty plan, and nothing scores more
        return np.zeros(mo.a.shape[1]), 0, 0.0
    options: dict[str, float | bool] = {"mip_rel_gap": 0.0, "disp": False}
    if time_limit is not None:
        options["time_limit"] = time_limit
    a = mo.a[:, cols]
    args = (mo.cost[cols], mo.integral[cols], mo.lo[cols], mo.hi[cols], a, mo.ub, options)
    xs, dual = solve(*args)
    if xs is None:
        return None, 0, float("inf")
    x = np.zeros(mo.a.shape[1])
    x[cols] = xs
    z = round(-float(mo.cost[:ne] @ (x[:ne] > 0.5)))
    bound = -dual if dual is not None else float("inf")
    return x, z, bound


def _solve_milp(
    cost: FloatArray,
    integral: FloatArray,
    lo: FloatArray,
    hi: FloatArray,
    a: csr_matrix,
    ub: FloatArray,
    options: dict[str, float | bool],
) -> tuple[FloatArray | None, float | None]:
    """``min cost·x`` over ``a x ≤ ub``, ``lo ≤ x ≤ hi``, by ``scipy.optimize.milp``:
    the values (``None`` without a plan) and HiGHS's dual bound (``None`` unknown)."""
    # imported on use: only plans with side rows solve a MILP (a plain import stays light)
    from scipy.optimize import Bounds, LinearConstraint, milp

    res = milp(
        cost,
        integrality=integral,
        bounds=Bounds(lo, hi),
        constraints=LinearConstraint(a, -np.inf, ub),
        options=options,
    )
    dual = None if res.mip_dual_bound is None else float(res.mip_dual_bound)
    return (None if res.x is None else np.asarray(res.x, np.float64)), dual


#: what solves one MILP, handed to the child by name (tests put a slow one here)
_SOLVE: MilpSolver = _solve_milp


def _one(rhs: int) -> FloatArray:
    return np.array([float(rhs)])


def _flags(side: SideRows, ne: int) -> BoolArray:
    """The flagged edges as a mask over all ``ne`` edges (none flagged: all False)."""
    return edge_mask(side.flagged, ne)
