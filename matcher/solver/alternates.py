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

from concurrent.futures import ThreadPoolExecutor
from itertools import pairwise

import numba
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
#: threads searching at once (the compiled searches release the GIL)
WORKERS = 2


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
    to_hub = dijkstra(graph.T.tocsr(), indices=hubs)
    leaves = ~np.isin(src, hubs) & ~np.isin(dst, hubs)
    # each node's arcs cheapest first, so a search stops reading them at its radius
    a_src, a_dst, a_w = src[leaves], dst[leaves], reduced[leaves]
    order = np.lexsort((a_w, a_src))
    indptr = np.zeros(size + 1, np.int64)
    np.cumsum(np.bincount(a_src, minlength=size), out=indptr[1:])
    a_dst, a_w = a_dst[order].astype(np.int64), a_w[order]
    # the forced pairs of each asked column, sorted by column
    want = np.zeros(m, bool)
    want[columns] = True
    pick = np.flatnonzero(~chosen & want[ec])
    pick = pick[np.lexsort((er[pick], ec[pick]))]
    f_col, f_row, f_slack = ec[pick], er[pick], slack[pick]
    starts = np.searchsorted(f_col, columns)
    ends = np.searchsorted(f_col, columns, side="right")
    loss = np.full(f_row.size, np.inf)
    halves = np.array_split(np.arange(columns.size), WORKERS)
    # the searches release the GIL: each thread takes its share of the columns
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        jobs = [
            pool.submit(
                _search,
                indptr,
                a_dst,
                a_w,
                (columns[h] + 1 + n).astype(np.int64),
                starts[h].astype(np.int64),
                ends[h].astype(np.int64),
                f_row.astype(np.int64),
                f_slack,
                to_hub[:, columns[h] + 1 + n].T.copy(),
                from_hub[0],
                from_hub[1],
                best,
                float(exact_below),
                loss,
            )
            for h in halves
            if h.size
        ]
        for job in jobs:
            job.result()
    ok = np.isfinite(loss)
    col, row, val = f_col[ok], f_row[ok], loss[ok] / SCALE
    order = np.lexsort((row, val, col))
    col, row, val = col[order], row[order], val[order]
    bounds = np.flatnonzero(np.diff(col, prepend=-1, append=-1) != 0)
    for a, e in pairwise(bounds):
        rows, vals = row[a:e], val[a:e]
        if vals.size > best:  # the best, and whatever ties the last of them
            vals_6 = np.round(vals, 6)
            cut_at = int(np.searchsorted(vals_6, vals_6[best - 1], side="right"))
            rows, vals = rows[:cut_at], vals[:cut_at]
        out[int(col[a])] = [(int(r), float(x)) for r, x in zip(rows, vals, strict=True)]
    return out


@numba.njit(cache=True, nogil=True)
def _push(hd, hn, size, d, node):  # type: ignore[no-untyped-def]
    if size == hd.size:
        hd2, hn2 = np.empty(2 * size), np.empty(2 * size, np.int64)
        hd2[:size], hn2[:size] = hd, hn
        hd, hn = hd2, hn2
    k = size
    while k > 0:
        parent = (k - 1) >> 1
        if hd[parent] <= d:
            break
        hd[k], hn[k] = hd[parent], hn[parent]
        k = parent
    hd[k], hn[k] = d, node
    return hd, hn, size + 1


@numba.njit(cache=True, nogil=True)
def _pop(hd, hn, size):  # type: ignore[no-untyped-def]
    d, node = hd[0], hn[0]
    size -= 1
    last_d, last_n = hd[size], hn[size]
    k = 0
    while True:
        child = 2 * k + 1
        if child >= size:
            break
        if child + 1 < size and hd[child + 1] < hd[child]:
            child += 1
        if hd[child] >= last_d:
            break
        hd[k], hn[k] = hd[child], hn[child]
        k = child
    if size > 0:
        hd[k], hn[k] = last_d, last_n
    return d, node, size


@numba.njit(cache=True, nogil=True)
def _search(  # type: ignore[no-untyped-def]
    indptr,
    indices,
    weights,
    sources,
    starts,
    ends,
    f_row,
    f_slack,
    to_hub,
    hub_s,
    hub_t,
    best,
    limit,
    loss,
):
    """Forced losses of each column's rows: ``slack + distance`` back to the row.

    Paths through ``s`` or ``t`` are priced first from the hub distances
    (``to_hub`` per source, ``hub_s``/``hub_t`` from the hubs), so the search
    itself runs on the arcs between cadres and demands only, and stops as soon
    as the ``best`` cheapest rows (with every tie of the last) are settled: a
    row not yet reached at radius ``D`` loses at least ``slack + D``. All values
    are integers on the score grid, hence the ``0.5`` for "strictly above".
    """
    size_n = indptr.size - 1
    dist = np.full(size_n, np.inf)
    done = np.zeros(size_n, np.bool_)
    slot = np.full(size_n, -1, np.int64)
    touched = np.empty(size_n, np.int64)
    hd, hn = np.empty(1024), np.empty(1024, np.int64)
    for c in range(sources.size):
        a, e = starts[c], ends[c]
        if a == e:
            continue
        want = min(best, e - a)
        for p in range(a, e):
            slot[f_row[p] + 1] = p
            k = f_row[p] + 1
            via = f_slack[p] + min(to_hub[c, 0] + hub_s[k], to_hub[c, 1] + hub_t[k])
            if via < limit:
                loss[p] = via
        n_touched = 0
        size = 0
        dist[sources[c]] = 0.0
        touched[n_touched] = sources[c]
        n_touched += 1
        hd, hn, size = _push(hd, hn, size, 0.0, sources[c])
        dirty = True
        stop_at = np.inf
        while size > 0:
            d, x, size = _pop(hd, hn, size)
            if done[x] or d > dist[x]:
                continue
            if dirty:
                dirty = False
                ranked = np.sort(loss[a:e])
                cut = ranked[want - 1] if ranked[want - 1] < limit else limit
                stop_at = 0.0
                for p in range(a, e):
                    need = min(cut - f_slack[p] + 0.5, loss[p] - f_slack[p])
                    if need > stop_at:
                        stop_at = need
            if d >= stop_at:
                break
            done[x] = True
            reach = min(stop_at, limit)
            for k in range(indptr[x], indptr[x + 1]):
                nd = d + weights[k]
                if nd >= reach:
                    break  # arcs are sorted by cost: the rest lead farther still
                y = indices[k]
                if nd < dist[y]:
                    if dist[y] == np.inf:
                        touched[n_touched] = y
                        n_touched += 1
                    dist[y] = nd
                    p = slot[y]
                    if p >= 0 and f_slack[p] + nd < min(loss[p], limit):
                        loss[p] = f_slack[p] + nd
                        dirty = True
                    hd, hn, size = _push(hd, hn, size, nd, y)
        for k in range(n_touched):
            dist[touched[k]] = np.inf
            done[touched[k]] = False
        for p in range(a, e):
            slot[f_row[p] + 1] = -1
    return 0
