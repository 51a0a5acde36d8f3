"""The ``k`` best values within each group, by one compiled pass.

Why compiled: a city's first widening rounds offer hundreds of thousands of
pairs, and one pass keeping each group's best few beats sorting them all.
Small rounds sort with numpy instead (:func:`matcher.solver.lp.best_in_groups`),
so a dense proposal never loads numba.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from matcher.solver.kernels import kernel

__all__ = ["best_per_group"]

BoolArray = npt.NDArray[np.bool_]


def best_per_group(
    group: npt.NDArray[np.intp], value: npt.NDArray[np.float64], k: int
) -> BoolArray:
    """Mask of the ``k`` largest ``value`` within each ``group`` (earlier wins ties)."""
    out = np.zeros(group.size, bool)
    if group.size and k > 0:
        _mark_best(np.asarray(group, np.int64), value, int(k), int(group.max()) + 1, out)
    return out


@kernel
def _mark_best(group, value, k, groups, out):  # type: ignore[no-untyped-def]
    # each group's k best so far, best first: one pass, no sort of the whole
    val = np.full((groups, k), -np.inf)
    at = np.full((groups, k), -1, np.int64)
    for a in range(group.size):
        g, x = group[a], value[a]
        if x <= val[g, k - 1] and at[g, k - 1] >= 0:
            continue
        p = k - 1
        while p > 0 and (at[g, p - 1] < 0 or val[g, p - 1] < x):
            val[g, p], at[g, p] = val[g, p - 1], at[g, p - 1]
            p -= 1
        val[g, p], at[g, p] = x, a
    for g in range(groups):
        for p in range(k):
            if at[g, p] >= 0:
                out[at[g, p]] = True
