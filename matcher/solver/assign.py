"""Exact maximum-score b-matching: arrays in, pairs out.

The problem: choose pairs ``(i, j)`` maximising the sum of ``scores[i, j]``
with every chosen pair feasible, at most ``capacity[i]`` pairs per row (cadre),
at most ``headcount[j]`` per column (demand) and each pair at most once. A slot
may stay empty (worth 0), so pairs scoring ``<= 0`` are never chosen.

Why two methods: scipy's ``linear_sum_assignment`` (LSA) is exact when rows and
columns can be expanded into copies without letting one row take two copies of
the same column — true unless some usable pair has capacity > 1 *and*
headcount > 1. Then the b-matching LP, whose constraint matrix is totally
unimodular, is solved by HiGHS dual simplex, which ends on an integral vertex.

Scores are compared on a grid of ``1 / SCALE`` (integers internally), so ties
are exact and the optimality certificate in :mod:`matcher.solver.residual` is
free of rounding noise.

Example:
    >>> import numpy as np
    >>> s = np.array([[3.0, 2.0], [2.0, 0.5]])
    >>> a = solve(s, np.ones((2, 2), bool), np.array([1, 1]), np.array([1, 1]))
    >>> a.pairs(), a.objective
    ([(0, 1), (1, 0)], 4.0)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from matcher.errors import SolverError
from matcher.solver.params import SOLVER_DEFAULT, SolverParams

__all__ = ["SCALE", "Assignment", "quantise", "solve"]

SCALE = 1_000_000
FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class Assignment:
    """Chosen pairs (row/column index arrays, sorted by row then column)."""

    rows: npt.NDArray[np.intp]
    cols: npt.NDArray[np.intp]
    objective: float
    method: str
    #: LP duals on the ``1/SCALE`` grid (rows, columns) when they certify the plan
    row_dual: FloatArray | None = None
    col_dual: FloatArray | None = None

    def pairs(self) -> list[tuple[int, int]]:
        return [(int(i), int(j)) for i, j in zip(self.rows, self.cols, strict=True)]

    def __len__(self) -> int:
        return int(self.rows.size)


def quantise(scores: FloatArray) -> FloatArray:
    """Scores as integer multiples of ``1/SCALE``, held in float64 (exact sums)."""
    return np.rint(scores * SCALE)


def _check(
    scores: FloatArray, feasible: BoolArray, capacity: IntArray, headcount: IntArray
) -> tuple[FloatArray, BoolArray, IntArray, IntArray]:
    s = np.asarray(scores, dtype=np.float64)
    f = np.asarray(feasible, dtype=np.bool_)
    cap = np.asarray(capacity, dtype=np.int64).ravel()
    head = np.asarray(headcount, dtype=np.int64).ravel()
    if s.ndim != 2:
        raise SolverError(f"scores must be 2-D (cadres × demands), got shape {s.shape}")
    if f.shape != s.shape:
        raise SolverError(f"feasible has shape {f.shape}, scores has {s.shape}")
    if cap.size != s.shape[0] or head.size != s.shape[1]:
        raise SolverError(
            f"capacity has {cap.size} entries and headcount {head.size}; "
            f"scores is {s.shape[0]} × {s.shape[1]}"
        )
    if (cap < 0).any() or (head < 0).any():
        raise SolverError("capacity and headcount must be >= 0")
    if not np.isfinite(s[f]).all():
        raise SolverError("scores of feasible pairs must be finite numbers")
    return s, f, cap, head


def solve(
    scores: FloatArray,
    feasible: BoolArray,
    capacity: IntArray,
    headcount: IntArray,
    *,
    pinned: BoolArray | None = None,
    params: SolverParams = SOLVER_DEFAULT,
) -> Assignment:
    """Maximum-score b-matching; ``pinned`` pairs are kept whatever they score.
    ``params`` pick the method and the pruning (never the optimum).

    Pins use up capacity and headcount first; the rest is optimised around them.
    Never raises on empty, rectangular or all-infeasible input.
    """
    s, f, cap, head = _check(scores, feasible, capacity, headcount)
    pin = np.zeros_like(f) if pinned is None else np.asarray(pinned, dtype=np.bool_)
    if pin.shape != s.shape:
        raise SolverError(f"pinned has shape {pin.shape}, scores has {s.shape}")
    if pin.any():
        cap = cap - pin.sum(axis=1)
        head = head - pin.sum(axis=0)
        if (cap < 0).any() or (head < 0).any():
            raise SolverError("pinned pairs exceed a capacity or a headcount")
    q = np.where(f, quantise(np.where(f, s, 0.0)), 0.0)
    usable = f & ~pin & (q > 0) & (cap[:, None] > 0) & (head[None, :] > 0)
    rows, cols, method, duals = _solve_free(q, usable, cap, head, params)
    pr, pc = np.nonzero(pin)
    rows = np.concatenate([rows, pr]).astype(np.intp)
    cols = np.concatenate([cols, pc]).astype(np.intp)
    order = np.lexsort((cols, rows))
    rows, cols = rows[order], cols[order]
    objective = float(s[rows, cols].sum()) if rows.size else 0.0
    return Assignment(rows, cols, objective, method, *duals)


def _solve_free(
    q: FloatArray, usable: BoolArray, cap: IntArray, head: IntArray, params: SolverParams
) -> tuple[
    npt.NDArray[np.intp], npt.NDArray[np.intp], str, tuple[FloatArray | None, FloatArray | None]
]:
    empty = np.zeros(0, dtype=np.intp)
    n, m = q.shape
    if not usable.any():
        return empty, empty, "empty", (np.zeros(n), np.zeros(m))
    act_r = np.flatnonzero(usable.any(axis=1))
    act_c = np.flatnonzero(usable.any(axis=0))
    sub = usable[np.ix_(act_r, act_c)]
    gain = q[np.ix_(act_r, act_c)]
    # a row never needs more copies than it has usable pairs (same for columns)
    c_eff = np.minimum(cap[act_r], sub.sum(axis=1))
    h_eff = np.minimum(head[act_c], sub.sum(axis=0))
    both = sub & (c_eff[:, None] > 1) & (h_eff[None, :] > 1)
    # LSA is exact here and fast on unit problems (OR-Library: 5,000² in seconds) as
    # long as the slot-expanded matrix stays modest; beyond that the pruned LP wins
    if not both.any() and float(c_eff.sum()) * float(h_eff.sum()) <= params.lsa_max_cells:
        r, c = _solve_lsa(gain, sub, c_eff, h_eff)
        return act_r[r], act_c[c], "lsa", (None, None)
    from matcher.solver.lp import solve_lp  # compiled (numba): loaded when an LP runs

    r, c, u_sub, v_sub = solve_lp(gain, sub, cap[act_r], head[act_c], params)
    if u_sub is None or v_sub is None:
        return act_r[r], act_c[c], "lp", (None, None)
    u, v = np.zeros(n), np.zeros(m)
    u[act_r], v[act_c] = u_sub, v_sub
    return act_r[r], act_c[c], "lp", (u, v)


def _solve_lsa(
    q: FloatArray, usable: BoolArray, cap: IntArray, head: IntArray
) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]:
    row_of = np.repeat(np.arange(q.shape[0]), cap)
    col_of = np.repeat(np.arange(q.shape[1]), head)
    # imported on use, like HiGHS and scipy.sparse: a streamed (city) proposal never
    # needs them, and together they are ~45 MiB of its peak memory
    from scipy.optimize import linear_sum_assignment

    gain = np.where(usable, q, 0.0)[np.ix_(row_of, col_of)]
    r, c = linear_sum_assignment(gain, maximize=True)
    r, c = row_of[r], col_of[c]
    keep = usable[r, c]
    return r[keep], c[keep]
