"""Per-column lists of the ``k`` best scores, as compiled steps on plain arrays.

Why a module of its own: :class:`matcher.stream.reserve.ColumnReserve` owns these
lists, and the scan kernel (:mod:`matcher.stream.packed`) fills them in place as it
scores, so that a column's bar rises within a block, not only between blocks.
Both sides use the same steps, and neither imports the other.

A column's list is row ``j`` of ``q`` (scores) and ``row`` (cadre rows), of
width ``k + spare``: new entries are appended until the buffer is full, then a
selection cuts it back to the ``k`` best and ``floor[j]`` becomes the lowest of
them. Nothing at or below the floor can ever get in again.

numba caches each compiled kernel on disk by its own source file: the scan
kernel inlines :func:`offer`, so after editing this module, clear
``matcher/__pycache__`` (a fresh install compiles everything anyway).
"""

from __future__ import annotations

from matcher.solver.kernels import kernel

__all__ = ["cut", "offer", "select"]


@kernel
def select(q, row, j, size, k):  # type: ignore[no-untyped-def]
    """Move column ``j``'s ``k`` best of its first ``size`` entries to the front
    (three-way partitions, so runs of tied scores cost no extra passes)."""
    lo, hi, want = 0, size, k
    while hi - lo > 1 and want > 0 and want < hi - lo:
        a, b, c = q[j, lo], q[j, (lo + hi) // 2], q[j, hi - 1]
        pivot = max(min(a, b), min(max(a, b), c))
        # [lo, gt) > pivot, [gt, eq) == pivot, [lt, hi) < pivot
        gt, eq, lt = lo, lo, hi
        while eq < lt:
            x = q[j, eq]
            if x > pivot:
                q[j, eq], q[j, gt] = q[j, gt], x
                row[j, eq], row[j, gt] = row[j, gt], row[j, eq]
                gt += 1
                eq += 1
            elif x < pivot:
                lt -= 1
                q[j, eq], q[j, lt] = q[j, lt], x
                row[j, eq], row[j, lt] = row[j, lt], row[j, eq]
            else:
                eq += 1
        if gt - lo >= want:
            hi = gt
        elif lt - lo >= want:
            return
        else:
            want -= lt - lo
            lo = lt


@kernel
def cut(q, row, size, floor, k, j):  # type: ignore[no-untyped-def]
    """Cut column ``j`` back to its ``k`` best; its floor becomes the lowest kept."""
    select(q, row, j, size[j], k)
    size[j] = k
    low = q[j, 0]
    for p in range(1, k):
        low = min(low, q[j, p])
    floor[j] = low


@kernel(inline=True)
def offer(q, row, size, floor, k, j, i, x):  # type: ignore[no-untyped-def]
    """Offer pair ``(i, j)`` scoring ``x`` to column ``j``'s list."""
    if x > floor[j]:
        at = size[j]
        q[j, at], row[j, at] = x, i
        size[j] = at + 1
        if at + 1 == q.shape[1]:
            cut(q, row, size, floor, k, j)
