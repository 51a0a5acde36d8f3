"""Optimality certificate and exact "what would forcing this pair cost".

The b-matching is a min-cost circulation on ``s → cadre → demand → t → s``
(pair edges cost ``-score``). A solution is optimal exactly when its residual
graph has no negative cycle, and the cheapest solution that *must* use pair
``(k, j)`` costs the optimum plus the cheapest cycle through that edge:
``-score[k, j] + dist(j ⇝ k)`` in the residual graph. One shortest-path run per
demand therefore prices every alternate cadre for it exactly — no re-solve.

Example:
    >>> import numpy as np
    >>> from matcher.solver.assign import solve
    >>> s = np.array([[3.0, 2.0], [2.0, 0.5]])
    >>> f = np.ones((2, 2), bool)
    >>> cap = head = np.array([1, 1])
    >>> a = solve(s, f, cap, head)
    >>> loss = forced_losses(s, f, cap, head, a, np.array([0]))
    >>> float(loss[0, 0])  # put row 0 on column 0: best plan then scores 3.5, not 4
    0.5
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import NegativeCycleError, shortest_path

from matcher.errors import SolverError
from matcher.solver.assign import SCALE, Assignment, quantise

__all__ = ["forced_losses", "is_optimal"]

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]


def _residual(
    scores: FloatArray,
    feasible: BoolArray,
    capacity: IntArray,
    headcount: IntArray,
    assignment: Assignment,
    pinned: BoolArray | None,
) -> tuple[csr_matrix, int, int]:
    n, m = scores.shape
    pin = np.zeros((n, m), bool) if pinned is None else np.asarray(pinned, bool)
    cap = np.asarray(capacity, np.int64) - pin.sum(axis=1)
    head = np.asarray(headcount, np.int64) - pin.sum(axis=0)
    chosen = np.zeros((n, m), bool)
    chosen[assignment.rows, assignment.cols] = True
    chosen &= ~pin
    free = np.asarray(feasible, bool) & ~pin & ~chosen & (cap[:, None] > 0) & (head[None, :] > 0)
    q = quantise(np.where(feasible, scores, 0.0))
    s_node, t_node = 0, n + m + 1
    cad = np.arange(n) + 1
    dem = np.arange(m) + 1 + n
    used_r = chosen.sum(axis=1)
    used_c = chosen.sum(axis=0)
    src: list[npt.NDArray[np.int64]] = []
    dst: list[npt.NDArray[np.int64]] = []
    w: list[FloatArray] = []

    def add(a: npt.ArrayLike, b: npt.ArrayLike, cost: npt.ArrayLike) -> None:
        a_arr = np.atleast_1d(np.asarray(a, np.int64))
        b_arr = np.atleast_1d(np.asarray(b, np.int64))
        src.append(a_arr)
        dst.append(b_arr)
        w.append(np.broadcast_to(np.asarray(cost, np.float64), a_arr.shape).copy())

    fr, fc = np.nonzero(free)
    add(cad[fr], dem[fc], -q[fr, fc])
    cr, cc = np.nonzero(chosen)
    add(dem[cc], cad[cr], q[cr, cc])
    add(np.full(int((used_r < cap).sum()), s_node), cad[used_r < cap], 0.0)
    add(cad[used_r > 0], np.full(int((used_r > 0).sum()), s_node), 0.0)
    add(dem[used_c < head], np.full(int((used_c < head).sum()), t_node), 0.0)
    add(np.full(int((used_c > 0).sum()), t_node), dem[used_c > 0], 0.0)
    add(t_node, s_node, 0.0)
    if chosen.any():
        add(s_node, t_node, 0.0)
    size = n + m + 2
    graph = csr_matrix(
        (np.concatenate(w), (np.concatenate(src), np.concatenate(dst))), shape=(size, size)
    )
    return graph, n, m


def is_optimal(
    scores: FloatArray,
    feasible: BoolArray,
    capacity: IntArray,
    headcount: IntArray,
    assignment: Assignment,
    *,
    pinned: BoolArray | None = None,
) -> bool:
    """True when no improving exchange exists (the residual graph has no negative cycle)."""
    graph, _, _ = _residual(scores, feasible, capacity, headcount, assignment, pinned)
    try:
        shortest_path(graph, method="BF", directed=True, indices=[0])
    except NegativeCycleError:
        return False
    # Bellman-Ford from s reaches the whole graph through t → s → cadres; a node
    # that s cannot reach (an unassigned, full demand) has no cycle through it.
    return True


def forced_losses(
    scores: FloatArray,
    feasible: BoolArray,
    capacity: IntArray,
    headcount: IntArray,
    assignment: Assignment,
    columns: npt.NDArray[np.intp],
    *,
    pinned: BoolArray | None = None,
) -> FloatArray:
    """``loss[k, c]``: how much the optimum drops if row ``k`` must take ``columns[c]``.

    ``inf`` where that is impossible (infeasible, pinned, already chosen, or no
    room without removing a pin). Exact on the ``1/SCALE`` score grid.
    """
    n, m = scores.shape
    columns = np.asarray(columns, dtype=np.intp)
    out = np.full((n, columns.size), np.inf)
    if columns.size == 0 or n == 0:
        return out
    graph, _, _ = _residual(scores, feasible, capacity, headcount, assignment, pinned)
    try:
        dist = shortest_path(graph, method="J", directed=True, indices=columns + 1 + n)
    except NegativeCycleError as exc:
        raise SolverError(
            "assignment is not optimal: its residual graph has a negative cycle"
        ) from exc
    pin = np.zeros((n, m), bool) if pinned is None else np.asarray(pinned, bool)
    chosen = np.zeros((n, m), bool)
    chosen[assignment.rows, assignment.cols] = True
    ok = (np.asarray(feasible, bool) & ~pin & ~chosen)[:, columns]
    q = quantise(np.where(feasible, scores, 0.0))[:, columns]
    loss = (-q + dist[:, 1 : n + 1].T) / SCALE
    out[ok] = loss[ok]
    return out
