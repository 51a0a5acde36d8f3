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

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    from scipy.sparse import csr_matrix

from matcher.errors import SolverError
from matcher.solver.assign import SCALE, Assignment, quantise

__all__ = ["forced_losses", "is_optimal"]

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class _Residual:
    """The residual graph of a plan, with the arrays it was built from (reused by callers)."""

    graph: csr_matrix
    potential: FloatArray | None
    q: FloatArray
    pin: BoolArray
    chosen: BoolArray


def _residual(
    scores: FloatArray,
    feasible: BoolArray,
    capacity: IntArray,
    headcount: IntArray,
    assignment: Assignment,
    pinned: BoolArray | None,
) -> _Residual:
    # scipy.sparse is imported on use here: see assign._solve_lsa
    from scipy.sparse import csr_matrix

    n, m = scores.shape
    pin = np.zeros((n, m), bool) if pinned is None else np.asarray(pinned, bool)
    cap = np.asarray(capacity, np.int64) - pin.sum(axis=1)
    head = np.asarray(headcount, np.int64) - pin.sum(axis=0)
    chosen = np.zeros((n, m), bool)
    chosen[assignment.rows, assignment.cols] = True
    chosen &= ~pin
    free = np.asarray(feasible, bool) & ~pin & ~chosen & (cap[:, None] > 0) & (head[None, :] > 0)
    q = quantise(np.where(feasible, scores, 0.0))
    fr, fc = np.nonzero(free)
    cr, cc = np.nonzero(chosen)
    a_src, a_dst, a_w = residual_arcs(n, m, fr, fc, -q[fr, fc], cr, cc, q[cr, cc], cap, head)
    size = n + m + 2
    potential = _potential(assignment, n, m)
    if potential is not None:
        reduced = a_w + potential[a_src] - potential[a_dst]
        if reduced.min(initial=0.0) >= 0:
            # LP duals are node potentials: every residual edge is non-negative after
            # reweighting, which proves there is no negative cycle (the plan is optimal)
            graph = csr_matrix((reduced, (a_src, a_dst)), shape=(size, size))
            return _Residual(graph, potential, q, pin, chosen)
    return _Residual(csr_matrix((a_w, (a_src, a_dst)), shape=(size, size)), None, q, pin, chosen)


def residual_arcs(
    n: int,
    m: int,
    fr: npt.NDArray[np.intp],
    fc: npt.NDArray[np.intp],
    f_cost: FloatArray,
    cr: npt.NDArray[np.intp],
    cc: npt.NDArray[np.intp],
    c_cost: FloatArray,
    cap: IntArray,
    head: IntArray,
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], FloatArray]:
    """Arcs ``(src, dst, cost)`` of a plan's residual graph on ``s, cadres, demands, t``.

    Free pairs ``(fr, fc)`` run cadre → demand at ``f_cost``; chosen pairs
    ``(cr, cc)`` run back demand → cadre at ``c_cost``; spare capacity and
    headcount connect to ``s`` and ``t``. Node ids: s = 0, cadre i = 1 + i,
    demand j = 1 + n + j, t = n + m + 1.
    """
    s_node, t_node = 0, n + m + 1
    cad = np.arange(n) + 1
    dem = np.arange(m) + 1 + n
    used_r = np.bincount(cr, minlength=n)
    used_c = np.bincount(cc, minlength=m)
    src: list[npt.NDArray[np.int64]] = []
    dst: list[npt.NDArray[np.int64]] = []
    w: list[FloatArray] = []

    def add(a: npt.ArrayLike, b: npt.ArrayLike, cost: npt.ArrayLike) -> None:
        a_arr = np.atleast_1d(np.asarray(a, np.int64))
        b_arr = np.atleast_1d(np.asarray(b, np.int64))
        src.append(a_arr)
        dst.append(b_arr)
        w.append(np.broadcast_to(np.asarray(cost, np.float64), a_arr.shape).copy())

    add(cad[fr], dem[fc], f_cost)
    add(dem[cc], cad[cr], c_cost)
    add(np.full(int((used_r < cap).sum()), s_node), cad[used_r < cap], 0.0)
    add(cad[used_r > 0], np.full(int((used_r > 0).sum()), s_node), 0.0)
    add(dem[used_c < head], np.full(int((used_c < head).sum()), t_node), 0.0)
    add(np.full(int((used_c > 0).sum()), t_node), dem[used_c > 0], 0.0)
    add(t_node, s_node, 0.0)
    if cr.size:
        add(s_node, t_node, 0.0)
    return np.concatenate(src), np.concatenate(dst), np.concatenate(w)


def _potential(assignment: Assignment, n: int, m: int) -> FloatArray | None:
    """Node potentials from the LP duals: s, t at 0, cadre i at u_i, demand j at -v_j."""
    u, v = assignment.row_dual, assignment.col_dual
    if u is None or v is None or u.shape != (n,) or v.shape != (m,):
        return None
    return np.concatenate([[0.0], u, -v, [0.0]])


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
    from scipy.sparse.csgraph import NegativeCycleError, shortest_path

    res = _residual(scores, feasible, capacity, headcount, assignment, pinned)
    if res.potential is not None:
        return True
    try:
        shortest_path(res.graph, method="BF", directed=True, indices=[0])
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
    best: int | None = None,
) -> FloatArray:
    """``loss[k, c]``: how much the optimum drops if row ``k`` must take ``columns[c]``.

    ``inf`` where that is impossible (infeasible, pinned, already chosen, or no
    room without removing a pin). Exact on the ``1/SCALE`` score grid.

    With ``best=k`` only each column's ``k`` smallest losses are guaranteed
    (others may read ``inf``): when the plan carries LP duals, shortest paths
    then run on the cheap part of the graph first, which is much faster on big
    problems and still exact for what is returned.
    """
    from scipy.sparse.csgraph import NegativeCycleError, shortest_path

    n = scores.shape[0]
    columns = np.asarray(columns, dtype=np.intp)
    out = np.full((n, columns.size), np.inf)
    if columns.size == 0 or n == 0:
        return out
    res = _residual(scores, feasible, capacity, headcount, assignment, pinned)
    ok = (np.asarray(feasible, bool) & ~res.pin & ~res.chosen)[:, columns]
    q = res.q[:, columns]
    sources = columns + 1 + n
    if res.potential is None:
        try:
            dist = shortest_path(res.graph, method="J", directed=True, indices=sources)
        except NegativeCycleError as exc:
            raise SolverError(
                "assignment is not optimal: its residual graph has a negative cycle"
            ) from exc
        loss = (-q + dist[:, 1 : n + 1].T) / SCALE
        out[ok] = loss[ok]
        return out
    _priced(res.graph, res.potential, q, ok, sources, n, best, out)
    return out


def _priced(
    graph: csr_matrix,
    potential: FloatArray,
    q: FloatArray,
    ok: BoolArray,
    sources: npt.NDArray[np.intp],
    n: int,
    best: int | None,
    out: FloatArray,
) -> None:
    """Fill ``out`` with losses from non-negative (reweighted) shortest paths.

    A forced pair's loss is its reduced cost plus the reweighted distance back,
    and every edge costs >= 0, so a loss below ``tau`` found on the edges
    cheaper than ``tau`` is exact: any path using a dearer edge costs more.
    Columns short of ``best`` exact losses are retried with a larger ``tau``.
    """
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import shortest_path

    forced = np.where(ok, -q + potential[1 : n + 1][:, None] - potential[sources][None, :], np.inf)
    top = graph.data.max(initial=0.0)
    if best is None:
        tau = np.inf
    else:
        kth = np.sort(forced, axis=0)[min(best, forced.shape[0] - 1)]
        finite = kth[np.isfinite(kth)]
        tau = 2.0 * max(float(np.median(finite)) if finite.size else 1.0, 1.0)
    # a column with fewer candidates than ``best`` needs all of them exact
    need = np.minimum(best or 0, ok.sum(axis=0))
    coo = graph.tocoo()
    todo = np.arange(sources.size)
    while todo.size:
        full = not tau <= top
        if full:
            sub = graph
        else:
            keep = coo.data < tau
            sub = csr_matrix((coo.data[keep], (coo.row[keep], coo.col[keep])), shape=graph.shape)
        d = shortest_path(sub, method="D", directed=True, indices=sources[todo])
        loss = forced[:, todo] + d[:, 1 : n + 1].T
        exact = np.isfinite(loss) if full else loss < tau
        done = full | (exact.sum(axis=0) >= need[todo])
        cols = todo[done]
        out[:, cols] = np.where(exact[:, done], loss[:, done] / SCALE, np.inf)
        todo = todo[~done]
        tau *= 3.0
