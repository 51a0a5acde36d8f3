"""The union of two pair sets without a sort: which offered pairs are new.

Why: a pricing scan's near-tight pairs and the demands' deep lists over the same
floor overlap wherever the scan read a deep list's cells, and at metro size both
hold millions of pairs. Sorting their keys to drop the repeats (``np.unique``)
is ``n log n`` on one thread; bucketing both sets by column and marking each
column's rows finds the same repeats in linear time.

Example:
    >>> import numpy as np
    >>> from matcher.stream.edges import Edges
    >>> held = Edges(np.array([0, 1]), np.array([0, 0]), np.array([5.0, 4.0]))
    >>> offered = Edges(np.array([1, 2, 2]), np.array([0, 0, 0]), np.array([4.0, 3.0, 3.0]))
    >>> union(held, offered, 3, 1).rows.tolist()
    [0, 1, 2]
"""

from __future__ import annotations

import numpy as np

from matcher.solver.kernels import kernel
from matcher.stream.edges import Edges

__all__ = ["union"]


def union(held: Edges, offered: Edges, n: int, m: int) -> Edges:
    """``held`` (no pair twice) and the pairs of ``offered`` it lacks, each once;
    rows are below ``n``, columns below ``m``. ``held`` keeps its order, the new
    pairs follow in theirs."""
    if not len(offered):
        return held
    for e in (held, offered):  # the compiled loops index by row and column unchecked
        if len(e) and not (
            e.rows.min() >= 0 and e.rows.max() < n and e.cols.min() >= 0 and e.cols.max() < m
        ):
            raise ValueError(f"pairs past {n} rows or {m} columns")
    fresh = _fresh(
        np.asarray(held.rows, np.int64),
        np.asarray(held.cols, np.int64),
        np.asarray(offered.rows, np.int64),
        np.asarray(offered.cols, np.int64),
        n,
        m,
    )
    if fresh.all():
        return Edges.concat([held, offered])
    return Edges.concat([held, Edges(offered.rows[fresh], offered.cols[fresh], offered.q[fresh])])


@kernel
def _by_column(cols, m):  # type: ignore[no-untyped-def]
    """Positions of ``cols`` grouped by column (CSR: ``ptr``, ``at``), each group in order."""
    ptr = np.zeros(m + 1, np.int64)
    for k in range(cols.size):
        ptr[cols[k] + 1] += 1
    for j in range(m):
        ptr[j + 1] += ptr[j]
    fill = ptr[:-1].copy()
    at = np.empty(cols.size, np.int64)
    for k in range(cols.size):
        at[fill[cols[k]]] = k
        fill[cols[k]] += 1
    return ptr, at


@kernel
def _fresh(h_rows, h_cols, o_rows, o_cols, n, m):  # type: ignore[no-untyped-def]
    """Which offered pairs are neither held nor offered earlier."""
    h_ptr, h_at = _by_column(h_cols, m)
    o_ptr, o_at = _by_column(o_cols, m)
    mark = np.full(n, -1, np.int64)  # the column a row was last seen in
    out = np.zeros(o_rows.size, np.bool_)
    for j in range(m):
        if o_ptr[j] == o_ptr[j + 1]:
            continue
        for p in range(h_ptr[j], h_ptr[j + 1]):
            mark[h_rows[h_at[p]]] = j
        for p in range(o_ptr[j], o_ptr[j + 1]):
            k = o_at[p]
            if mark[o_rows[k]] != j:
                mark[o_rows[k]] = j
                out[k] = True
    return out
