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

import numpy as np
import numpy.typing as npt

from matcher.errors import SolverError
from matcher.solver.assign import SCALE
from matcher.solver.heap import pop as _pop
from matcher.solver.heap import push as _push
from matcher.solver.kernels import kernel
from matcher.solver.params import WORKERS

__all__ = ["edge_alternates"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
IndexArray = npt.NDArray[np.intp]
BoolArray = npt.NDArray[np.bool_]
#: shares of the columns per thread, taken in turn as threads come free
SHARES = 16
#: nodes a column's search settles before it probes backwards from its rows
PAUSE = 128
#: nodes one backward probe may settle (a column's probes: 16 times that in all);
#: both grow eightfold for each further round of probes a long search makes
PROBE = 128


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
    workers: int = WORKERS,
    pause: int = PAUSE,
    probe: int = PROBE,
) -> dict[int, list[tuple[int, float]]]:
    """Each column's ``best`` cheapest forced rows (and any tied with the last of
    them at 6 decimals), ``(row, loss)`` in score units, cheapest first.

    ``(er, ec, q)`` are the known usable pairs (grid scores), ``chosen`` marks
    the plan's free (unpinned) pairs among them, ``u``/``v`` are certifying duals
    and ``cap``/``head`` what the free plan may use. Only losses below
    ``exact_below`` (grid units) are returned; a column gets at least ``best``
    of them unless fewer exist below that bound. ``pause`` and ``probe`` tune
    how the searches go (see :func:`_search`), never what they find.
    """
    n, m = cap.size, head.size
    columns = np.unique(columns)  # each column's losses belong to one search thread
    out: dict[int, list[tuple[int, float]]] = {int(j): [] for j in columns}
    if not columns.size or best <= 0:
        return out
    slack = u[er] + v[ec] - q
    free = ~chosen & (cap[er] > 0) & (head[ec] > 0)
    used_r = np.bincount(er[chosen], minlength=n)
    used_c = np.bincount(ec[chosen], minlength=m)
    room_r, room_c = used_r < cap, used_c < head
    busy_r, busy_c = used_r > 0, used_c > 0
    # with the duals as potentials every residual arc must cost >= 0 (see residual_arcs)
    if (
        (slack[free] < 0).any()
        or (slack[chosen] > 0).any()
        or (u[room_r] > 0).any()
        or (v[room_c] > 0).any()
        or (u[busy_r] < 0).any()
        or (v[busy_c] < 0).any()
    ):
        raise SolverError("the duals do not certify this plan: a residual arc has negative cost")
    # s and t reach every cadre with room and every open demand at no cost, so a
    # search through them floods the graph. Search with them as dead ends and
    # join the paths through them from searches out of and into s and t instead.
    arcs = _arcs(n, m, np.asarray(er, np.int64), np.asarray(ec, np.int64), slack, free, chosen)
    limit = float(exact_below)
    any_chosen = bool(chosen.any())
    # each node's forward arcs cheapest first (the searches stop at the first
    # arc past their radius): node ranges of about equal arc counts per thread
    ptr, f_idx, f_w = arcs[0]
    cuts = np.searchsorted(ptr, np.linspace(0, ptr[-1], workers + 1)).clip(0, ptr.size - 1)
    cuts[0], cuts[-1] = 0, ptr.size - 1
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for job in [
            pool.submit(_sort_runs, ptr, f_idx, f_w, int(a), int(b)) for a, b in pairwise(cuts)
        ]:
            job.result()

    def hub_dist(graph: tuple[IntArray, IntArray, FloatArray], hub: int, back: bool) -> FloatArray:
        ptr, idx, w = graph
        return _hub_dist(  # type: ignore[no-any-return]
            ptr, idx, w, room_r, busy_r, room_c, busy_c, u, v, any_chosen, hub, back, limit
        )

    with ThreadPoolExecutor(max_workers=workers) as pool:
        hubs = [pool.submit(hub_dist, arcs[back], h, back == 1) for back in (0, 1) for h in (0, 1)]
        from_hub = np.stack([hubs[0].result(), hubs[1].result()])
        to_hub = np.stack([hubs[2].result(), hubs[3].result()])
    indptr, a_dst, a_w = arcs[0]
    del slack
    # the pairs each asked column could be forced onto are its free arcs in, the
    # reversed graph's run for that column (cadre node, slack)
    back_ptr, back_src, back_w = arcs[1]
    f_row, f_slack = back_src - 1, back_w
    starts, ends = back_ptr[columns + 1 + n], back_ptr[columns + 2 + n]
    loss = np.full(f_row.size, np.inf)
    # the searches release the GIL; their costs vary a lot from column to
    # column, so the threads take small shares in turn rather than a half each
    shares = np.array_split(np.arange(columns.size), workers * SHARES)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        jobs = [
            pool.submit(
                _search,
                indptr,
                a_dst,
                a_w,
                back_ptr,
                back_src,
                (columns[h] + 1 + n).astype(np.int64),
                starts[h].astype(np.int64),
                ends[h].astype(np.int64),
                f_row,
                f_slack,
                to_hub[:, columns[h] + 1 + n].T.copy(),
                from_hub[0],
                from_hub[1],
                to_hub[0],
                to_hub[1],
                best,
                limit,
                loss,
                pause,
                probe,
            )
            for h in shares
            if h.size
        ]
        for job in jobs:
            job.result()
    # each column's finite losses, cheapest first: the best, and whatever ties
    # the last of them at 6 decimals (all columns at once)
    runs = ends - starts
    owner = np.repeat(np.arange(columns.size), runs)
    at = np.arange(owner.size) + np.repeat(starts - (np.cumsum(runs) - runs), runs)
    ok = np.isfinite(loss[at])
    owner, at = owner[ok], at[ok]
    if not at.size:
        return out
    rows, vals = f_row[at], loss[at] / SCALE
    order = np.lexsort((rows, vals, owner))
    owner, rows, vals = owner[order], rows[order], vals[order]
    first = np.searchsorted(owner, np.arange(columns.size))
    count = np.searchsorted(owner, np.arange(columns.size), side="right") - first
    vals_6 = np.round(vals, 6)
    last = vals_6[np.maximum(first + np.minimum(count, best) - 1, 0)]  # unused where count == 0
    keep = vals_6 <= last[owner]
    owner, rows, vals = owner[keep], rows[keep].tolist(), vals[keep].tolist()
    bounds = np.searchsorted(owner, np.arange(columns.size + 1)).tolist()
    for c, j in enumerate(columns.tolist()):
        a, e = bounds[c], bounds[c + 1]
        if a < e:
            out[j] = list(zip(rows[a:e], vals[a:e], strict=True))
    return out


@kernel
def _arcs(n, m, er, ec, slack, free, chosen):  # type: ignore[no-untyped-def]
    """The residual graph between cadres and demands (hubs left out) as CSR,
    forward and reversed (:func:`_sort_runs` then puts each node's forward
    arcs cheapest first).

    Free pairs run cadre → demand at their slack; chosen pairs run back demand
    → cadre at ``-slack`` (0 when the duals certify the plan).
    """
    size = n + m + 2
    deg = np.zeros(size + 1, np.int64)
    back = np.zeros(size + 1, np.int64)
    for k in range(er.size):
        if free[k]:
            deg[1 + er[k] + 1] += 1
            back[1 + n + ec[k] + 1] += 1
        elif chosen[k]:
            deg[1 + n + ec[k] + 1] += 1
            back[1 + er[k] + 1] += 1
    deg = np.cumsum(deg)
    back = np.cumsum(back)
    fill_f, fill_b = deg[:-1].copy(), back[:-1].copy()
    f_idx, f_w = np.empty(deg[-1], np.int64), np.empty(deg[-1])
    b_idx, b_w = np.empty(back[-1], np.int64), np.empty(back[-1])
    for k in range(er.size):
        if free[k]:
            a, b, w = 1 + er[k], 1 + n + ec[k], slack[k]
        elif chosen[k]:
            a, b, w = 1 + n + ec[k], 1 + er[k], -slack[k]
        else:
            continue
        f_idx[fill_f[a]], f_w[fill_f[a]] = b, w
        fill_f[a] += 1
        b_idx[fill_b[b]], b_w[fill_b[b]] = a, w
        fill_b[b] += 1
    return (deg, f_idx, f_w), (back, b_idx, b_w)


@kernel
def _sort_runs(ptr, idx, w, first, last):  # type: ignore[no-untyped-def]
    """Nodes ``first..last-1``: their arcs (runs of ``ptr``) by cost, ties in order."""
    for x in range(first, last):
        lo, hi = ptr[x], ptr[x + 1]
        if hi - lo > 1:
            order = np.argsort(w[lo:hi], kind="mergesort")
            idx[lo:hi] = idx[lo:hi][order]
            w[lo:hi] = w[lo:hi][order]


@kernel
def _hub_dist(  # type: ignore[no-untyped-def]
    indptr, idx, w, room_r, used_r, room_c, used_c, u, v, any_chosen, hub, reverse, limit
):
    """Distances from hub ``hub`` (0: s, 1: t), or to it when ``reverse`` (on the
    reversed arcs), over the whole residual graph; the hub arcs are implicit:
    s → cadre with room (``-u``), cadre in use → s (``u``), demand with room →
    t (``-v``), t → demand in use (``v``), t → s, and s → t when anything is chosen."""
    n, m = u.size, v.size
    size = n + m + 2
    t_node = size - 1
    dist = np.full(size, np.inf)
    done = np.zeros(size, np.bool_)
    hd, hn = np.empty(1024), np.empty(1024, np.int64)
    src = 0 if hub == 0 else t_node
    dist[src] = 0.0
    hd, hn, size_h = _push(hd, hn, 0, 0.0, src)
    while size_h > 0:
        d, x, size_h = _pop(hd, hn, size_h)
        if done[x] or d > dist[x]:
            continue
        done[x] = True
        for k in range(indptr[x], indptr[x + 1]):
            hd, hn, size_h = _relax(dist, hd, hn, size_h, idx[k], d + w[k], limit)
        # the implicit hub arcs out of x (on the reversed graph when ``reverse``)
        if x == 0:
            if reverse or any_chosen:
                hd, hn, size_h = _relax(dist, hd, hn, size_h, t_node, d, limit)
            for i in range(n):
                if used_r[i] if reverse else room_r[i]:
                    nd = d + (u[i] if reverse else -u[i])
                    hd, hn, size_h = _relax(dist, hd, hn, size_h, 1 + i, nd, limit)
        elif x == t_node:
            if any_chosen or not reverse:
                hd, hn, size_h = _relax(dist, hd, hn, size_h, 0, d, limit)
            for j in range(m):
                if room_c[j] if reverse else used_c[j]:
                    nd = d + (-v[j] if reverse else v[j])
                    hd, hn, size_h = _relax(dist, hd, hn, size_h, 1 + n + j, nd, limit)
        elif x <= n:
            if room_r[x - 1] if reverse else used_r[x - 1]:
                nd = d + (-u[x - 1] if reverse else u[x - 1])
                hd, hn, size_h = _relax(dist, hd, hn, size_h, 0, nd, limit)
        elif used_c[x - 1 - n] if reverse else room_c[x - 1 - n]:
            nd = d + (v[x - 1 - n] if reverse else -v[x - 1 - n])
            hd, hn, size_h = _relax(dist, hd, hn, size_h, t_node, nd, limit)
    return dist


@kernel
def _relax(dist, hd, hn, size, y, nd, limit):  # type: ignore[no-untyped-def]
    if nd < dist[y] and nd < limit:
        dist[y] = nd
        return _push(hd, hn, size, nd, y)
    return hd, hn, size


@kernel
def _search(  # type: ignore[no-untyped-def]
    indptr,
    indices,
    weights,
    back_ptr,
    back_src,
    sources,
    starts,
    ends,
    f_row,
    f_slack,
    to_hub,
    hub_s,
    hub_t,
    to_s,
    to_t,
    best,
    limit,
    loss,
    pause,
    probe,
):
    """Forced losses of each column's rows: ``slack + distance`` back to the row.

    Paths through ``s`` or ``t`` are priced first from the hub distances
    (``to_hub`` per source, ``hub_s``/``hub_t`` from the hubs, ``to_s``/``to_t``
    to them, for every node), so the search itself runs on the arcs between
    cadres and demands only, and stops as soon as the ``best`` cheapest rows
    (with every tie of the last) are settled: a row not yet reached at radius
    ``D`` loses at least ``slack + D``. The hubs also serve as landmarks: by the
    triangle inequality the distance from the column to a row is at least,
    say, ``d(column, t) - d(row, t)``, so a row whose slack plus that bound
    already exceeds the cut needs no searching for (about 10 % of the nodes at
    metro size). Hub distances past ``limit`` are unknown, so such a bound uses
    ``limit`` for them. All values are integers on the score grid, hence the
    ``0.5`` for "strictly above".

    On flat graphs a few columns' searches flood thousands of nodes only to
    show that some row lies far away, while searching backwards from that row
    (on the reversed arcs ``back_ptr``/``back_src``, weights ``f_slack``) often
    runs dry within a handful of nodes. So once a search has settled
    ``pause`` nodes, it probes backwards from each row that still keeps it
    going (:func:`_probe`) until the probe meets the search: two balls of
    half the radius each are far smaller than one of the whole radius on
    these graphs. A probe that closes the gap gives the row's distance
    exactly or proves the row past the cut; one out of budget still raises
    the row's lower bound to the search's radius plus its own. A search that
    goes on probes again, eight times as far, each time it has settled eight
    times as many nodes. Decided rows no longer
    hold the search open; nothing changes in what it returns.
    """
    size_n = indptr.size - 1
    dist = np.full(size_n, np.inf)
    done = np.zeros(size_n, np.bool_)
    slot = np.full(size_n, -1, np.int64)
    touched = np.empty(size_n, np.int64)
    hd, hn = np.empty(1024), np.empty(1024, np.int64)
    longest = 0
    for c in range(sources.size):
        longest = max(longest, ends[c] - starts[c])
    bound = np.zeros(longest)  # this share's landmark bounds, one column at a time
    decided = np.zeros(longest, np.bool_)  # rows whose loss a probe settled
    b_dist = np.full(size_n, np.inf)  # the backward probes' state
    b_done = np.zeros(size_n, np.bool_)
    b_touched = np.empty(size_n, np.int64)
    bd, bn = np.empty(1024), np.empty(1024, np.int64)
    for c in range(sources.size):
        a, e = starts[c], ends[c]
        if a == e:
            continue
        want = min(best, e - a)
        j = sources[c]
        for p in range(a, e):  # landmark bounds on the distance from j to each row
            k = f_row[p] + 1
            b = 0.0
            if to_t[k] < np.inf:
                b = max(b, min(to_t[j], limit) - to_t[k])
            if to_s[k] < np.inf:
                b = max(b, min(to_s[j], limit) - to_s[k])
            if hub_s[j] < np.inf:
                b = max(b, min(hub_s[k], limit) - hub_s[j])
            if hub_t[j] < np.inf:
                b = max(b, min(hub_t[k], limit) - hub_t[j])
            bound[p - a] = b
            decided[p - a] = False
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
        priced_at = -1.0
        settled = 0
        next_pause, budget = pause, probe
        while size > 0:
            d, x, size = _pop(hd, hn, size)
            if done[x] or d > dist[x]:
                continue
            settled += 1
            if settled == next_pause:
                # a long search: probe backwards from the rows that keep it open
                # (again, eight times as far, each time it has settled eight
                # times as many nodes)
                cut = np.partition(loss[a:e], want - 1)[want - 1]
                cut = cut if cut < limit else limit
                spent = 0
                for p in range(a, e):
                    k = f_row[p] + 1
                    if spent >= 16 * budget or decided[p - a] or done[k]:
                        continue
                    if f_slack[p] + bound[p - a] > cut + 0.5:
                        continue
                    radius = min(cut - f_slack[p] + 0.5, limit - f_slack[p])
                    if radius <= d:
                        continue  # settled by the search so far
                    found, low, used, bd, bn = _probe(
                        back_ptr,
                        back_src,
                        f_slack,
                        k,
                        radius,
                        b_dist,
                        b_done,
                        b_touched,
                        bd,
                        bn,
                        budget,
                        dist,
                        d,
                    )
                    spent += used
                    if f_slack[p] + found < min(loss[p], limit):
                        loss[p] = f_slack[p] + found
                    if low >= min(found, radius):
                        decided[p - a] = True  # exact, or no path this short
                    elif low > bound[p - a]:
                        bound[p - a] = low
                dirty = True
                priced_at = -1.0
                next_pause, budget = 8 * next_pause, 8 * budget
            # the stop radius only shrinks as losses fall, so a stale one merely
            # searches a little further: re-price it once per new radius, not per
            # improvement (a demand with thousands of tied rows would go quadratic)
            if dirty and d > priced_at:
                dirty = False
                priced_at = d
                cut = np.partition(loss[a:e], want - 1)[want - 1]
                cut = cut if cut < limit else limit
                stop_at = 0.0
                for p in range(a, e):
                    if decided[p - a] or f_slack[p] + bound[p - a] > cut + 0.5:
                        continue  # this row loses more than the cut, wherever it is
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
        # only the best and their ties are settled: anything dearer is dropped
        ranked = np.sort(loss[a:e])
        cut = ranked[want - 1]
        for p in range(a, e):
            slot[f_row[p] + 1] = -1
            if loss[p] > cut:
                loss[p] = np.inf
    return 0


@kernel
def _probe(  # type: ignore[no-untyped-def]
    back_ptr, back_src, back_w, k, radius, dist, done, touched, hd, hn, budget, f_dist, f_rad
):
    """Distances *to* row node ``k`` (on the reversed arcs), meeting the
    forward search: ``f_dist`` holds its path lengths from the column, exact
    below ``f_rad`` (every node closer than that is settled).

    Any path from the column to ``k`` leaves the forward ball over an arc
    ``x → y`` with ``x`` inside it; once the probe has settled every node
    closer to ``k`` than ``R``, a path shorter than ``f_rad + R`` has its
    ``y`` settled here and so was priced as ``f_dist[x] + w + d(y, k)`` when
    ``y``'s arcs were read. So the probe stops when ``f_rad + R`` reaches the
    best such sum ``mu`` (the distance, exactly) or ``radius`` (nothing that
    short), or after ``budget`` settled nodes. Returns ``(mu, low, nodes
    settled, heap)``: the distance is at least ``min(mu, low)``, so the row
    is decided when ``low >= min(mu, radius)``. (The forward search drops
    arcs past its stop radius; a path missed that way is no shorter than
    the loss the row already has, which therefore stands.)
    """
    mu = f_dist[k]
    size = 0
    dist[k] = 0.0
    touched[0] = k
    n_touched = 1
    hd, hn, size = _push(hd, hn, size, 0.0, k)
    low = f_rad + radius
    used = 0
    while size > 0:
        d, x, size = _pop(hd, hn, size)
        if done[x] or d > dist[x]:
            continue
        if d + f_rad >= min(mu, radius):
            low = d + f_rad
            break
        if used == budget:
            low = d + f_rad
            break
        done[x] = True
        used += 1
        for q in range(back_ptr[x], back_ptr[x + 1]):
            nd = d + back_w[q]
            y = back_src[q]
            if f_dist[y] + nd < mu:
                mu = f_dist[y] + nd
            if nd < dist[y] and nd < radius:
                if dist[y] == np.inf:
                    touched[n_touched] = y
                    n_touched += 1
                dist[y] = nd
                hd, hn, size = _push(hd, hn, size, nd, y)
    for q in range(n_touched):
        dist[touched[q]] = np.inf
        done[touched[q]] = False
    return mu, low, used, hd, hn
