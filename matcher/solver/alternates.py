"""Alternates for a plan known only on a subset of its pairs (edge lists).

Why: big proposals never hold every pair, only the candidates the LP saw and
the cheapest left-out pairs a last scan found. With the LP duals as node
potentials every residual arc costs >= 0, and forcing pair ``(k, j)`` costs
its slack ``u_k + v_j - q_kj`` plus the reweighted distance from demand ``j``
back to cadre ``k`` (see :mod:`matcher.solver.residual`). A path through a pair
missing from the edge list costs at least that pair's slack, so every loss
below ``exact_below`` (the smallest slack of any missing pair) is exact.

Example:
    >>> import numpy as np
    >>> er, ec = np.array([0, 0, 1, 1]), np.array([0, 1, 0, 1])
    >>> q = np.array([3.0, 2.0, 2.0, 0.5]) * SCALE
    >>> one = np.array([1, 1])
    >>> chosen = np.array([False, True, True, False])
    >>> u, v = np.array([1.5, 0.0]) * SCALE, np.array([2.0, 0.5]) * SCALE
    >>> alt = edge_alternates(er, ec, q, chosen, u, v, one, one, np.array([0]), 2, np.inf)
    >>> alt[0]  # row 0 forced onto column 0: the plan drops by 0.5
    [(0, 0.5)]
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

from matcher.errors import SolverError
from matcher.solver.assign import SCALE
from matcher.solver.residual import residual_arcs

__all__ = ["edge_alternates"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
IndexArray = npt.NDArray[np.intp]
BoolArray = npt.NDArray[np.bool_]
#: Dijkstra sources per batch (each batch holds a sources × nodes distance block)
BATCH = 256


def edge_alternates(
    er: IndexArray,
    ec: IndexArray,
    q: FloatArray,
    chosen: BoolArray,
    u: FloatArray,
    v: FloatArray,
    cap: IntArray,
    head: IntArray,
    columns: IndexArray,
    best: int,
    exact_below: float,
) -> dict[int, list[tuple[int, float]]]:
    """Each column's ``best`` cheapest forced rows (and any tied with the last of
    them at 6 decimals), ``(row, loss)`` in score units, cheapest first.

    ``(er, ec, q)`` are the known usable pairs (grid scores), ``chosen`` marks
    the plan's free (unpinned) pairs among them, ``u``/``v`` are certifying duals
    and ``cap``/``head`` what the free plan may use. Only losses below
    ``exact_below`` (grid units) are returned; a column gets at least ``best``
    of them unless fewer exist below that bound.
    """
    n, m = cap.size, head.size
    out: dict[int, list[tuple[int, float]]] = {int(j): [] for j in columns}
    if not columns.size or best <= 0:
        return out
    slack = u[er] + v[ec] - q
    free = ~chosen & (cap[er] > 0) & (head[ec] > 0)
    src, dst, w = residual_arcs(
        n, m, er[free], ec[free], -q[free], er[chosen], ec[chosen], q[chosen], cap, head
    )
    pot = np.concatenate([[0.0], u, -v, [0.0]])
    reduced = w + pot[src] - pot[dst]
    if reduced.min(initial=0.0) < 0:
        raise SolverError("the duals do not certify this plan: a residual arc has negative cost")
    size = n + m + 2
    graph = csr_matrix((reduced, (src, dst)), shape=(size, size))
    # s and t reach every cadre with room and every open demand at no cost, so a
    # search through them floods the graph. Search with them as dead ends and
    # join the paths through them from two searches out of s and t instead.
    hubs = np.array([0, size - 1])
    from_hub = dijkstra(graph, indices=hubs)
    leaves = ~np.isin(src, hubs)
    cut = csr_matrix((reduced[leaves], (src[leaves], dst[leaves])), shape=(size, size))
    # the forced pairs of each asked column, sorted by column
    want = np.zeros(m, bool)
    want[columns] = True
    pick = np.flatnonzero(~chosen & want[ec])
    pick = pick[np.argsort(ec[pick], kind="stable")]
    f_col, f_row, f_slack = ec[pick], er[pick], slack[pick]
    starts = np.searchsorted(f_col, columns)
    ends = np.searchsorted(f_col, columns, side="right")
    need = np.minimum(best, ends - starts)
    # each column starts from twice its own best-th slack (a loss is at least the
    # slack), and columns with like limits share a batch: cheap columns stay cheap
    tau = np.array(
        [
            2.0 * float(np.partition(f_slack[a:b], k - 1)[k - 1]) if k else 0.0
            for a, b, k in zip(starts, ends, need, strict=True)
        ]
    )
    tau = np.maximum(tau, float(SCALE) / 100)
    todo = np.arange(columns.size)
    coo = cut.tocoo()
    while todo.size:
        todo = todo[np.argsort(tau[todo], kind="stable")]
        done = np.zeros(todo.size, bool)
        for s in range(0, todo.size, BATCH):
            batch = todo[s : s + BATCH]
            limit = min(float(tau[batch].max()), exact_below)
            # arcs dearer than the limit can never lie on a path short enough to count
            cheap = coo.data < limit
            sub = csr_matrix(
                (coo.data[cheap], (coo.row[cheap], coo.col[cheap])), shape=(size, size)
            )
            dist = dijkstra(sub, indices=columns[batch] + 1 + n, limit=limit)
            for b, c in enumerate(batch.tolist()):
                a, e = starts[c], ends[c]
                k = f_row[a:e] + 1
                via = np.minimum(dist[b, 0] + from_hub[0, k], dist[b, -1] + from_hub[1, k])
                loss = f_slack[a:e] + np.minimum(dist[b, k], via)
                ok = loss < limit
                if ok.sum() >= need[c] or limit >= exact_below:
                    done[s + b] = True
                    rows, vals = f_row[a:e][ok], loss[ok] / SCALE
                    order = np.lexsort((rows, vals))
                    rows, vals = rows[order], vals[order]
                    if vals.size > best:  # the best, and whatever ties the last of them
                        vals_6 = np.round(vals, 6)
                        cut = int(np.searchsorted(vals_6, vals_6[best - 1], side="right"))
                        rows, vals = rows[:cut], vals[:cut]
                    out[int(columns[c])] = [
                        (int(r), float(x)) for r, x in zip(rows, vals, strict=True)
                    ]
                else:
                    tau[c] = 3.0 * limit
        todo = todo[~done]
    return out
