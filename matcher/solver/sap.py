"""The b-matching LP solved by compiled shortest augmenting paths, kept warm.

Why: the pruned problem of a city has a few hundred thousand candidate pairs,
and HiGHS's simplex spent most of a proposal on it (3-5 s per solve, and as
long again for a warm re-solve after widening). The LP is a bipartite
b-matching, so a primal-dual method on its own graph is exact and much
cheaper: keep duals ``u`` (cadres) and ``v`` (demands) that every candidate
pair respects, and repair one *deficient* node at a time (a demand with an
empty slot but ``v > 0``, or a cadre with spare capacity but ``u > 0``) by a
Dijkstra search in the residual graph, with the duals as potentials (the
Hungarian method with capacities; Jonker-Volgenant style early exit).

The invariants, kept after every search and every edit:

* a free pair costs no less than its score: ``q <= u + v``;
* a chosen pair costs no more: ``q >= u + v``;
* ``u >= 0`` and ``v >= 0``; a cadre with room has ``u = 0`` once repaired,
  likewise a demand.

When no node is deficient these are the LP's optimality conditions, so the
plan is optimal and ``(u, v)`` certifies it; everything runs on the integer
score grid (``1 / SCALE``), held exactly in float64. Edits (new pairs, new
demands, capacities and headcounts) each restore the invariants locally and
leave some nodes deficient, so a re-solve repairs only those: that is what
makes widening rounds and a dispatcher's next change cheap.

Example:
    >>> import numpy as np
    >>> lp = SapLP(np.array([1, 1]), np.array([1, 1]))
    >>> lp.add(np.array([0, 0, 1]), np.array([0, 1, 0]), np.array([3e6, 2e6, 2e6]))
    3
    >>> picked, u, v = lp.solve()
    >>> picked.tolist(), float(u.sum() + v.sum())
    ([False, True, True], 4000000.0)
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from matcher.errors import SolverError
from matcher.solver.heap import pop, push
from matcher.solver.kernels import kernel
from matcher.solver.keys import pair_keys

__all__ = ["SapLP"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
IndexArray = npt.NDArray[np.intp]
BoolArray = npt.NDArray[np.bool_]


class SapLP:
    """The LP over candidate pairs: :meth:`add` pairs, change bounds, :meth:`solve`.

    Same interface as :class:`matcher.solver.warm.WarmLP`; the state between
    calls is the plan itself (``x``) and its duals, not a simplex basis.
    """

    def __init__(self, cap: IntArray, head: IntArray) -> None:
        self.n, self.m = int(cap.size), int(head.size)
        self.cap = np.asarray(cap, np.int64).copy()
        self.head = np.asarray(head, np.int64).copy()
        #: sorted keys of the pairs held (see :func:`pair_keys`)
        self.keys = np.zeros(0, np.int64)
        self.er = np.zeros(0, np.intp)
        self.ec = np.zeros(0, np.intp)
        self.q = np.zeros(0)
        #: which held pairs the plan uses
        self.x = np.zeros(0, bool)
        self.u = np.zeros(self.n)
        self.v = np.zeros(self.m)
        self.load_r = np.zeros(self.n, np.int64)
        self.load_c = np.zeros(self.m, np.int64)
        self._graph: tuple[IntArray, IntArray] | None = None
        #: searches the last :meth:`solve` ran
        self.searches = 0

    def add(self, er: IndexArray, ec: IndexArray, q: FloatArray) -> int:
        """New candidate pairs (rows, columns, grid scores); they start unchosen.

        Pairs already held (or repeated) are skipped; returns how many were added.
        A new pair scoring above ``u + v`` raises its cadre's ``u`` to cover it when
        the cadre has nothing chosen, else its demand's ``v``; chosen pairs of that
        demand that then cost more than they score are let go, and the nodes left
        short are repaired by the next :meth:`solve`.
        """
        q = np.asarray(q, np.float64)
        if not np.array_equal(q, np.rint(q)):
            raise SolverError("SapLP scores must be integers on the score grid (quantise them)")
        keys = pair_keys(er, ec)
        keys, first = np.unique(keys, return_index=True)
        fresh = ~self.holds(keys)
        first = first[fresh]
        er = np.asarray(er, np.intp)[first]
        ec = np.asarray(ec, np.intp)[first]
        q = np.asarray(q, np.float64)[first]
        new = keys[fresh]
        self.keys = np.insert(self.keys, np.searchsorted(self.keys, new), new)
        k = int(er.size)
        if k == 0:
            return 0
        self.er = np.concatenate([self.er, er])
        self.ec = np.concatenate([self.ec, ec])
        self.q = np.concatenate([self.q, q])
        self.x = np.concatenate([self.x, np.zeros(k, bool)])
        self._graph = None
        over = q - self.u[er] - self.v[ec]
        hit = over > 0
        # once a plan exists, a cadre with nothing chosen can simply price itself
        # up: it releases nothing, and its own search then places it (a cold start
        # prices the demands instead: fewer of them to repair)
        idle = hit & (self.load_r[er] == 0) & bool(self.load_r.any())
        if idle.any():
            rise_r = np.zeros(self.n)
            np.maximum.at(rise_r, er[idle], over[idle])
            self.u += rise_r
            over = q - self.u[er] - self.v[ec]
            hit = over > 0
        if hit.any():
            rise = np.zeros(self.m)
            np.maximum.at(rise, ec[hit], over[hit])
            self.v += rise
            raised = rise > 0
            self._release((self.x & raised[self.ec]) & (self.q < self.u[self.er] + self.v[self.ec]))
        return k

    def holds(self, keys: npt.NDArray[np.int64]) -> BoolArray:
        """Which of these :func:`pair_keys` are already held."""
        keys = np.asarray(keys, np.int64)
        if not self.keys.size or not keys.size:
            return np.zeros(keys.shape, bool)
        # the held keys are sorted by cadre, then demand: a lookup reads one cadre's run
        starts = np.searchsorted(self.keys, np.arange(self.n + 1, dtype=np.int64) << 32)
        return np.asarray(_member(self.keys, starts, keys.ravel()), bool).reshape(keys.shape)

    def remove(self, keys: npt.NDArray[np.int64]) -> int:
        """Drop the held pairs among these :func:`pair_keys` (declined or banned);
        returns how many. A chosen one is let go first: its cadre and demand are
        then left short, and the next :meth:`solve` repairs them."""
        gone = np.isin(pair_keys(self.er, self.ec), np.asarray(keys, np.int64))
        k = int(gone.sum())
        if k:
            self._release(self.x & gone)
            keep = ~gone
            self.er, self.ec, self.q, self.x = (
                self.er[keep], self.ec[keep], self.q[keep], self.x[keep]
            )  # fmt: skip
            self.keys = np.sort(pair_keys(self.er, self.ec))
            self._graph = None
        return k

    def set_capacity(self, rows: IndexArray, cap: IntArray) -> None:
        """New capacities of some cadres (0 takes a cadre out)."""
        rows = np.asarray(rows, np.intp)
        self.cap[rows] = cap
        shrunk = np.zeros(self.n, bool)
        shrunk[rows[self.load_r[rows] > self.cap[rows]]] = True
        self._over(shrunk, self.er, self.ec, self.u, self.v)

    def set_headcount(self, cols: IndexArray, head: IntArray) -> None:
        """New headcounts of some demands (0 closes a demand)."""
        cols = np.asarray(cols, np.intp)
        self.head[cols] = head
        shrunk = np.zeros(self.m, bool)
        shrunk[cols[self.load_c[cols] > self.head[cols]]] = True
        self._over(shrunk, self.ec, self.er, self.v, self.u)

    def _over(
        self, shrunk: BoolArray, mine: IndexArray, theirs: IndexArray, dual: FloatArray,
        other: FloatArray,
    ) -> None:  # fmt: skip
        """Nodes ``shrunk`` (cadres or demands, ``mine`` their end of each pair) are
        over their new bound: each lets all its pairs go and prices itself just
        high enough (``dual``, in place) that none of its pairs is underpriced."""
        if shrunk.any():
            self._release(self.x & shrunk[mine])
            dual[shrunk] = 0.0
            on = shrunk[mine]
            np.maximum.at(dual, mine[on], self.q[on] - other[theirs[on]])

    def add_demand(self, headcount: int) -> int:
        """A new demand (no pairs yet); returns its column index."""
        self.head = np.append(self.head, headcount)
        self.v = np.append(self.v, 0.0)
        self.load_c = np.append(self.load_c, 0)
        self.m += 1
        self._graph = None
        return self.m - 1

    def _release(self, drop: BoolArray) -> None:
        """Un-choose the pairs ``drop``, keeping the loads in step."""
        if drop.any():
            self.x &= ~drop
            self.load_r -= np.bincount(self.er[drop], minlength=self.n)
            self.load_c -= np.bincount(self.ec[drop], minlength=self.m)

    def solve(self) -> tuple[BoolArray, FloatArray, FloatArray]:
        """Chosen pairs and the cadre/demand duals (grid units, integers)."""
        if self._graph is None:
            self._graph = _adjacency(
                np.asarray(self.er, np.int64), np.asarray(self.ec, np.int64), self.n, self.m
            )
        pot = np.concatenate([self.u, self.v])
        cap = np.concatenate([self.cap, self.head])
        load = np.concatenate([self.load_r, self.load_c])
        roots = np.flatnonzero((load < cap) & (pot > 0)).astype(np.int64)
        ptr, adj = self._graph
        self.searches = int(
            _settle(
                ptr,
                adj,
                np.asarray(self.er, np.int64),
                np.asarray(self.ec, np.int64),
                self.q,
                self.x,
                pot,
                cap,
                load,
                roots,
                self.n,
            )
        )
        self.u, self.v = pot[: self.n] + 0.0, pot[self.n :] + 0.0
        self.load_r, self.load_c = load[: self.n], load[self.n :]
        return self.x.copy(), self.u.copy(), self.v.copy()


@kernel
def _adjacency(er, ec, n, m):  # type: ignore[no-untyped-def]
    """Each node's pairs (indexes, ascending) as CSR: cadres ``0..n-1``, then demands."""
    ptr = np.zeros(n + m + 1, np.int64)
    for k in range(er.size):
        ptr[er[k] + 1] += 1
        ptr[n + ec[k] + 1] += 1
    for x in range(n + m):
        ptr[x + 1] += ptr[x]
    fill = ptr[:-1].copy()
    adj = np.empty(2 * er.size, np.int64)
    for k in range(er.size):
        adj[fill[er[k]]] = k
        fill[er[k]] += 1
        adj[fill[n + ec[k]]] = k
        fill[n + ec[k]] += 1
    return ptr, adj


@kernel
def _member(held, starts, keys):  # type: ignore[no-untyped-def]
    """Which ``keys`` are in the sorted ``held``, whose cadre ``i`` runs from
    ``starts[i]`` to ``starts[i + 1]``."""
    out = np.zeros(keys.size, np.bool_)
    for a in range(keys.size):
        key = keys[a]
        i = key >> 32
        if i < 0 or i >= starts.size - 1:
            continue
        for p in range(starts[i], starts[i + 1]):
            if held[p] >= key:
                out[a] = held[p] == key
                break
    return out


@kernel
def _settle(ptr, adj, er, ec, q, x, pot, cap, load, roots, n):  # type: ignore[no-untyped-def]
    """Repair every deficient root in place; returns the number of searches.

    Nodes are cadres ``0..n-1`` then demands. A search from a root on side A
    walks free pairs to side B at reduced cost ``pot_a + pot_b - q`` and chosen
    pairs back to side A at ``q - pot_a - pot_b``, both >= 0. It ends at the
    cheapest of: a B node with room (cost: its distance), or an A node that
    gives up one pair (its distance plus its dual; the root itself means "lower
    the root's dual to 0"). The duals of settled nodes then move by ``T - d``.
    """
    size_n = pot.size
    inf = np.inf
    dist = np.full(size_n, inf)
    pred = np.full(size_n, -1, np.int64)
    popped = np.zeros(size_n, np.bool_)
    seen = np.empty(size_n, np.int64)
    settled = np.empty(size_n, np.int64)
    hd, hn = np.empty(1024), np.empty(1024, np.int64)
    searches = 0
    for root in roots:
        side_a = root < n
        while load[root] < cap[root] and pot[root] > 0:
            searches += 1
            dist[root] = 0.0
            seen[0] = root
            n_seen, n_set, size = 1, 0, 0
            hd, hn, size = push(hd, hn, size, 0.0, root)
            best, term = pot[root], root
            while size > 0:
                d, k, size = pop(hd, hn, size)
                if d >= best:
                    break
                if popped[k] or d > dist[k]:
                    continue
                popped[k] = True
                settled[n_set] = k
                n_set += 1
                if (k < n) == side_a:
                    if k != root and d + pot[k] < best:
                        best, term = d + pot[k], k
                    for p in range(ptr[k], ptr[k + 1]):
                        e = adj[p]
                        if x[e]:
                            continue
                        b = n + ec[e] if side_a else er[e]
                        nd = d + pot[k] + pot[b] - q[e]
                        if nd < dist[b] and nd < best:
                            if dist[b] == inf:
                                seen[n_seen] = b
                                n_seen += 1
                            dist[b] = nd
                            pred[b] = e
                            if load[b] < cap[b]:
                                best, term = nd, b
                            else:
                                hd, hn, size = push(hd, hn, size, nd, b)
                else:
                    for p in range(ptr[k], ptr[k + 1]):
                        e = adj[p]
                        if not x[e]:
                            continue
                        a = er[e] if side_a else n + ec[e]
                        nd = d + q[e] - pot[k] - pot[a]
                        if nd < dist[a] and nd < best:
                            if dist[a] == inf:
                                seen[n_seen] = a
                                n_seen += 1
                            dist[a] = nd
                            pred[a] = e
                            hd, hn, size = push(hd, hn, size, nd, a)
            for s in range(n_set):
                k = settled[s]
                delta = best - dist[k]
                if (k < n) == side_a:
                    pot[k] -= delta
                else:
                    pot[k] += delta
            if term != root:
                k = term
                while k != root:
                    e = pred[k]
                    x[e] = not x[e]
                    k = n + ec[e] if k < n else er[e]
                load[root] += 1
                if (term < n) == side_a:
                    load[term] -= 1
                else:
                    load[term] += 1
            for s in range(n_seen):
                k = seen[s]
                dist[k] = inf
                popped[k] = False
    return searches
