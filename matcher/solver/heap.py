"""A binary min-heap on two flat arrays, for the compiled Dijkstra searches.

Why: numba has no priority queue that releases the GIL and keeps float keys
next to int node ids; ``heapq`` on tuples would box every entry. Entries are
never decreased in place: a search pushes a node again and skips stale pops.
"""

from __future__ import annotations

import numpy as np

from matcher.solver.kernels import kernel

__all__ = ["pop", "push"]


@kernel
def push(hd, hn, size, d, node):  # type: ignore[no-untyped-def]
    """Add ``(d, node)``; returns the arrays (grown when full) and the new size."""
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


@kernel
def pop(hd, hn, size):  # type: ignore[no-untyped-def]
    """Take the smallest ``(d, node)``; returns it and the new size."""
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
