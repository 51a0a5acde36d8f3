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

Weights are integers (the score grid), so an objective ``z`` and a bound
``b < z + 1`` prove that no plan scores more than ``z``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_matrix, csr_matrix

__all__ = ["SideRows", "Sided", "solve_sided"]

IntArray = npt.NDArray[np.int64]
IndexArray = npt.NDArray[np.intp]
BoolArray = npt.NDArray[np.bool_]
FloatArray = npt.NDArray[np.float64]


def _empty() -> IndexArray:
    return np.zeros(0, np.intp)


@dataclass(frozen=True)
class SideRows:
    """The rows a b-matching gets beyond its cadre and demand rows.

    ``groups[g]`` lists edge indices whose sum stays at most ``group_rhs[g]``.
    ``flagged`` marks the edges that make their row *used*; ``row_sets[h]``
    lists rows of which at most ``row_rhs[h]`` may be used.
    """

    groups: list[IndexArray] = field(default_factory=list)
    group_rhs: list[int] = field(default_factory=list)
    flagged: BoolArray = field(default_factory=lambda: np.zeros(0, bool))
    row_sets: list[IndexArray] = field(default_factory=list)
    row_rhs: list[int] = field(default_factory=list)


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


def solve_sided(
    r: IndexArray,
    c: IndexArray,
    w: IntArray,
    cap: IntArray,
    head: IntArray,
    fixed: BoolArray,
    side: SideRows,
    time_limit: float | None = None,
) -> Sided:
    """The heaviest set of edges ``(r[e], c[e])`` (weights ``w``, integers) with at
    most ``cap[i]`` per row, ``head[j]`` per column, every ``fixed`` edge taken,
    and the side rows held. The caller keeps the problem feasible (fixed edges
    within every right-hand side)."""
    ne = r.size
    flags = _flags(side, ne)
    # a row of capacity 1 takes at most one edge, so "used" is the sum of its
    # flagged edges: no indicator needed, and the LP is tighter than with one
    single = cap <= 1
    rows_used = (
        np.unique(np.concatenate(side.row_sets)).astype(np.intp) if side.row_sets else _empty()
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
    add(r.astype(np.intp), e, ones, cap.astype(np.float64))
    add(c.astype(np.intp), e, ones, head.astype(np.float64))
    for g, members in enumerate(side.groups):
        add(
            np.zeros(members.size, np.intp), members, np.ones(members.size), _one(side.group_rhs[g])
        )
    if ny:
        # Σ flagged x_e of the row ≤ cap × y_row: one row per indicator (the pair-by-pair
        # form x_e ≤ y_row has a tighter LP but many more rows)
        linked = np.flatnonzero(flags & (y_of[r] >= 0))
        rows_l = np.searchsorted(rows_used, r[linked])
        add(
            np.concatenate([rows_l, np.arange(ny)]),
            np.concatenate([linked, ne + np.arange(ny)]),
            np.concatenate([np.ones(linked.size), -cap[rows_used].astype(float)]),
            np.zeros(ny),
        )
    for h, members in enumerate(side.row_sets):
        inset = np.zeros(cap.size, bool)
        inset[members] = True
        direct = np.flatnonzero(flags & inset[r] & single[r])
        ys = y_of[members[~single[members]]]
        cols_h = np.concatenate([direct, ys]).astype(np.intp)
        add(np.zeros(cols_h.size, np.intp), cols_h, np.ones(cols_h.size), _one(side.row_rhs[h]))
    nv = ne + ny
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
    cost = np.concatenate([-w.astype(np.float64), np.zeros(ny)])
    lo = np.concatenate([fixed.astype(np.float64), np.zeros(ny)])
    options: dict[str, float | bool] = {"mip_rel_gap": 0.0, "disp": False}
    if time_limit is not None:
        options["time_limit"] = time_limit
    res = milp(
        cost,
        integrality=np.ones(nv),
        bounds=Bounds(lo, np.ones(nv)),
        constraints=LinearConstraint(a, -np.inf, ub),
        options=options,
    )
    if res.x is None:
        return Sided(np.zeros(ne, bool), 0, float("inf"), False, False)
    take = res.x[:ne] > 0.5
    objective = int(w[take].sum())
    bound = -float(res.mip_dual_bound) if res.mip_dual_bound is not None else float("inf")
    held = _holds(r, c, cap, head, fixed, side, take)
    return Sided(
        take, objective, bound, held, bool(res.status == 0 and held and bound < objective + 1)
    )


def _one(rhs: int) -> FloatArray:
    return np.array([float(rhs)])


def _flags(side: SideRows, ne: int) -> BoolArray:
    """The flagged edges as a mask over all ``ne`` edges (none flagged: all False)."""
    return side.flagged if side.flagged.size == ne else np.zeros(ne, bool)


def _holds(
    r: IndexArray,
    c: IndexArray,
    cap: IntArray,
    head: IntArray,
    fixed: BoolArray,
    side: SideRows,
    take: BoolArray,
) -> bool:
    """Whether ``take`` keeps every row, column, fixed edge and side row: checked
    here in integers, not trusted from the solver's tolerances."""
    if (np.bincount(r[take], minlength=cap.size) > cap).any():
        return False
    if (np.bincount(c[take], minlength=head.size) > head).any():
        return False
    if (fixed & ~take).any():
        return False
    if any(int(take[g].sum()) > rhs for g, rhs in zip(side.groups, side.group_rhs, strict=True)):
        return False
    used = np.zeros(cap.size, bool)
    used[r[take & _flags(side, r.size)]] = True
    return all(
        int(used[s].sum()) <= rhs for s, rhs in zip(side.row_sets, side.row_rhs, strict=True)
    )
