"""The b-matching LP kept alive in HiGHS, so widening rounds re-solve warm.

Why: the dense engine's pruned LP grows a few times before its duals certify
it; HiGHS keeps its basis when columns are added, so those re-solves are
cheap. Big pools use :class:`matcher.solver.sap.SapLP` instead (same
interface): its augmenting paths beat simplex by an order of magnitude at city
size, but they are compiled (numba), and pools below the streaming threshold
never compile anything.

The model: one column per candidate pair ``x_e`` in ``[0, 1]``, cost
``-q_e`` (in score units, so HiGHS's tolerances mean something), one row per
cadre (``<= capacity``) and one per demand (``<= headcount``). The constraint
matrix is totally unimodular, so simplex ends on an integral vertex and the
row duals, on the ``1 / SCALE`` grid, are integers after rounding.

Example:
    >>> import numpy as np
    >>> lp = WarmLP(np.array([1, 1]), np.array([1, 1]))
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
from matcher.solver.keys import pair_keys

__all__ = ["WarmLP"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
IndexArray = npt.NDArray[np.intp]
BoolArray = npt.NDArray[np.bool_]
#: grid units (1 / SCALE) to score units for HiGHS
UNIT = 1e-6


class WarmLP:
    """The LP over candidate edges; :meth:`add` edges, change bounds, :meth:`solve`."""

    def __init__(self, cap: IntArray, head: IntArray) -> None:
        self.n, self.m = int(cap.size), int(head.size)
        self.cap = np.asarray(cap, np.int64).copy()
        self.head = np.asarray(head, np.int64).copy()
        #: sorted keys of the pairs held (see :func:`pair_keys`)
        self.keys = np.zeros(0, np.int64)
        # the bare solver (no banner on stdout), imported on use: see assign._solve_lsa
        from highspy._core import _Highs

        self.h = _Highs()
        self.h.setOptionValue("output_flag", False)
        self.h.setOptionValue("solver", "simplex")
        inf = self.h.getInfinity()
        bounds = np.concatenate([cap, head]).astype(np.float64)
        none = np.zeros(0, np.int32)
        self.h.addRows(
            self.n + self.m, np.full(bounds.size, -inf), bounds, 0, none, none, np.zeros(0)
        )
        self.er = np.zeros(0, np.intp)
        self.ec = np.zeros(0, np.intp)
        self.q = np.zeros(0)

    def add(self, er: IndexArray, ec: IndexArray, q: FloatArray) -> int:
        """New candidate pairs (rows, columns, grid scores); they start unchosen.

        Pairs already held (or repeated) are skipped; returns how many were added.
        """
        keys = pair_keys(er, ec)
        keys, first = np.unique(keys, return_index=True)
        fresh = ~self.holds(keys)
        first = first[fresh]
        er, ec, q = np.asarray(er)[first], np.asarray(ec)[first], np.asarray(q)[first]
        new = keys[fresh]
        self.keys = np.insert(self.keys, np.searchsorted(self.keys, new), new)
        k = int(er.size)
        if k == 0:
            return 0
        idx = np.empty(2 * k, np.int32)
        idx[0::2] = er
        idx[1::2] = self.n + ec
        starts = (2 * np.arange(k)).astype(np.int32)
        self.h.addCols(k, -q * UNIT, np.zeros(k), np.ones(k), 2 * k, starts, idx, np.ones(2 * k))
        self.er = np.concatenate([self.er, er])
        self.ec = np.concatenate([self.ec, ec])
        self.q = np.concatenate([self.q, q])
        return k

    def holds(self, keys: npt.NDArray[np.int64]) -> BoolArray:
        """Which of these :func:`pair_keys` are already in the LP."""
        if not self.keys.size:
            return np.zeros(np.shape(keys), bool)
        at = np.minimum(np.searchsorted(self.keys, keys), self.keys.size - 1)
        return np.asarray(self.keys[at] == keys, dtype=bool)

    def set_capacity(self, rows: IndexArray, cap: IntArray) -> None:
        """New capacities of some cadres (0 takes a cadre out)."""
        self.cap[rows] = cap
        self._bounds(np.asarray(rows, np.int32), cap)

    def set_headcount(self, cols: IndexArray, head: IntArray) -> None:
        """New headcounts of some demands (0 closes a demand)."""
        self.head[cols] = head
        self._bounds((self.n + np.asarray(cols)).astype(np.int32), head)

    def add_demand(self, headcount: int) -> int:
        """A new demand row (no pairs yet); returns its column index."""
        none = np.zeros(0, np.int32)
        inf = self.h.getInfinity()
        self.h.addRows(
            1, np.array([-inf]), np.array([float(headcount)]), 0, none, none, np.zeros(0)
        )
        self.head = np.append(self.head, headcount)
        self.m += 1
        return self.m - 1

    def _bounds(self, idx: npt.NDArray[np.int32], ub: IntArray) -> None:
        if idx.size:
            lo = np.full(idx.size, -self.h.getInfinity())
            self.h.changeRowsBounds(idx.size, idx, lo, np.asarray(ub, np.float64))  # type: ignore[attr-defined]

    def solve(self) -> tuple[BoolArray, FloatArray, FloatArray]:
        """Chosen edges and the cadre/demand duals (grid units, rounded to integers)."""
        if self.er.size == 0:
            return np.zeros(0, bool), np.zeros(self.n), np.zeros(self.m)
        from highspy._core import HighsModelStatus

        self.h.run()
        status = self.h.getModelStatus()
        if status != HighsModelStatus.kOptimal:  # pragma: no cover - bounded, feasible LP
            raise SolverError(f"HiGHS could not solve the b-matching LP: {status}")
        sol = self.h.getSolution()
        x = np.asarray(sol.col_value)
        chosen = x > 0.5
        if np.abs(x - chosen).max(initial=0.0) > 1e-6:  # pragma: no cover - TU: a vertex
            raise SolverError("the b-matching LP returned a fractional vertex")
        y = -np.rint(np.asarray(sol.row_dual) / UNIT) + 0.0
        return chosen, y[: self.n], y[self.n :]
