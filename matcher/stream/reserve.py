"""Each demand's best-scoring pairs, kept from the first scan of a big pool.

Why: after the first LP solve, pricing must show that no pair outside the LP
could improve the plan. A pair the first scan did not keep is bounded by the
best score its demand left out, so the deeper each demand's kept list, the
lower that bound, and the fewer cells a pricing scan has to score again
(docs/scale.md: how deep is deep enough at city size). Each column's list takes new pairs into a
buffer and cuts back to its best ``k`` when the buffer fills (a selection, not
a sort). The scan kernel fills the lists in place as it scores, so a
demand's bar rises as its list fills and cells under it are not even scored.

Example:
    >>> import numpy as np
    >>> res = ColumnReserve(2, 2, spare=1)
    >>> res.push(np.array([0, 1, 2, 3]), np.array([0, 0, 0, 1]), np.array([5.0, 7.0, 6.0, 1.0]))
    >>> res.bound().tolist(), res.start(np.array([1, 1])).q.tolist()
    ([6.0, -inf], [7.0, 1.0])
    >>> res.over(np.zeros(4), np.zeros(2), 0.0).q.tolist()
    [6.0]
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from matcher.params import DEFAULT
from matcher.solver.kernels import kernel
from matcher.stream.bestk import cut, offer, select
from matcher.stream.edges import Edges, Lists

__all__ = ["ColumnReserve"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
IndexArray = npt.NDArray[np.intp]


class ColumnReserve:
    """The ``k`` best pairs of each of ``m`` columns by score (``q``), fed in any order.

    :attr:`floor` is each column's current bar (``-inf`` until its list first
    overflowed): a pair at or below it can never get in, whatever comes later.
    Which of several pairs tied at the bar stay is fixed by the order they came in.
    Once fed, :meth:`start` hands out each column's best few; the others stay
    here, read in place by :meth:`over` (no copy of every list's pairs).
    """

    def __init__(self, m: int, k: int, spare: int = DEFAULT.reserve_spare) -> None:
        if k < 1 or spare < 1:  # the compiled pushes write past k before they cut
            raise ValueError(f"a reserve needs k >= 1 and spare >= 1, not {k} and {spare}")
        self.k = int(k)
        self.q = np.empty((m, self.k + spare))
        self.row = np.empty((m, self.k + spare), np.int32)
        self.size = np.zeros(m, np.int64)
        self.floor = np.full(m, -np.inf)
        #: per column, how many entries (at the front) :meth:`start` handed out
        self.taken = np.zeros(m, np.int64)
        #: per column, a score no entry left after :meth:`start` exceeds: a
        #: column whose best cannot clear a floor is passed over by :meth:`over`
        self.top = np.full(m, np.inf)

    @property
    def lists(self) -> Lists:
        """``(q, row, size, floor, k)``: the arrays a scan fills in place
        (see :mod:`matcher.stream.bestk`); a column's lists must be filled by one thread."""
        return self.q, self.row, self.size, self.floor, self.k

    def push(self, rows: IntArray, cols: IntArray, q: FloatArray) -> None:
        """Offer pairs; each column keeps its ``k`` best."""
        if rows.size:
            _push(self.q, self.row, self.size, self.floor, self.k, rows, cols, q)
            np.maximum.at(self.top, cols, q)

    def bound(self) -> FloatArray:
        """Per column, a score no pair left out exceeds (``-inf``: none was)."""
        _cut_all(self.q, self.row, self.size, self.floor, self.k)
        return self.floor.copy()

    def start(self, first: IntArray) -> Edges:
        """Each column's ``first[j]`` best pairs; the rest stay for :meth:`over`."""
        _cut_all(self.q, self.row, self.size, self.floor, self.k)
        self.taken = np.minimum(first, self.size)
        out = Edges(*_start(self.q, self.row, self.size, self.taken))
        self.top = _top(self.q, self.size, self.taken)
        return out

    def __len__(self) -> int:
        return int((self.size - self.taken).sum())

    def over(self, u: FloatArray, v: FloatArray, floor: float) -> Edges:
        """The pairs left (bar banned ones) with ``q - u - v > floor``."""
        top = self.top - (float(u.min()) if u.size else 0.0)
        return Edges(*_over(self.q, self.row, self.size, self.taken, top, u, v, float(floor)))

    def ban(self, keys: IntArray) -> None:
        """Drop these pairs (sorted ``row << 32 | col`` keys) for good."""
        if keys.size:
            _ban(self.q, self.row, self.size, self.taken, np.sort(keys))


@kernel
def _push(q, row, size, floor, k, rows, cols, qs):  # type: ignore[no-untyped-def]
    for p in range(rows.size):
        offer(q, row, size, floor, k, cols[p], rows[p], qs[p])


@kernel
def _cut_all(q, row, size, floor, k):  # type: ignore[no-untyped-def]
    for j in range(size.size):
        if size[j] > k:
            cut(q, row, size, floor, k, j)


@kernel
def _start(q, row, size, take):  # type: ignore[no-untyped-def]
    """Move each column's ``take`` best to its front and hand them out."""
    total = 0
    for j in range(size.size):
        select(q, row, j, size[j], take[j])
        total += take[j]
    rows, cols, qs = np.empty(total, np.intp), np.empty(total, np.intp), np.empty(total)
    at = 0
    for j in range(size.size):
        for p in range(take[j]):
            rows[at], cols[at], qs[at] = row[j, p], j, q[j, p]
            at += 1
    return rows, cols, qs


@kernel
def _top(q, size, taken):  # type: ignore[no-untyped-def]
    top = np.full(size.size, -np.inf)
    for j in range(size.size):
        for p in range(taken[j], size[j]):
            top[j] = max(top[j], q[j, p])
    return top


@kernel
def _over(q, row, size, taken, top, u, v, floor):  # type: ignore[no-untyped-def]
    """``top[j]`` bounds ``q - u`` over column ``j``'s entries: a column it
    rules out is not read (most of them, once the duals near their optimum)."""
    count = 0
    for j in range(size.size):
        if top[j] - v[j] <= floor:
            continue
        for p in range(taken[j], size[j]):
            if q[j, p] - u[row[j, p]] - v[j] > floor:
                count += 1
    rows, cols, qs = np.empty(count, np.intp), np.empty(count, np.intp), np.empty(count)
    at = 0
    for j in range(size.size):
        if top[j] - v[j] <= floor:
            continue
        for p in range(taken[j], size[j]):
            if q[j, p] - u[row[j, p]] - v[j] > floor:
                rows[at], cols[at], qs[at] = row[j, p], j, q[j, p]
                at += 1
    return rows, cols, qs


@kernel
def _ban(q, row, size, taken, keys):  # type: ignore[no-untyped-def]
    for j in range(size.size):
        for p in range(taken[j], size[j]):
            key = (np.int64(row[j, p]) << 32) | j
            at = np.searchsorted(keys, key)
            if at < keys.size and keys[at] == key:
                q[j, p] = -np.inf
