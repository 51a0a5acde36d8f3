"""A streamed plan with its certificate and exact alternates, from the near-tight band.

Why a module of its own: pricing alternates needs every pair within the policy's
``alternatives_within`` of tight at the final duals. The band the first solve kept
(:mod:`matcher.stream.pricing`) is reused; only rows and columns whose dual fell
since are read again, and :mod:`matcher.solver.alternates` prices them exactly.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from matcher.errors import SolverError
from matcher.solver.alternates import edge_alternates
from matcher.solver.assign import SCALE
from matcher.solver.keys import pair_keys
from matcher.stream.edges import Edges
from matcher.stream.pricing import FloatArray, IndexArray, PricedPlan

__all__ = ["CertifiedPlan", "Streamed"]


@dataclass(frozen=True)
class Streamed:
    """A plan's free pairs, whether the duals certified it, and exact alternates
    per column (``(row, loss)``, loss in score units)."""

    rows: IndexArray
    cols: IndexArray
    certified: bool
    alternates: dict[int, list[tuple[int, float]]]
    #: alternates are complete below this loss (score units)
    alternates_below: float | None = None


def _same(a: tuple[FloatArray, FloatArray], b: tuple[FloatArray, FloatArray]) -> bool:
    return bool(np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1]))


class CertifiedPlan(PricedPlan):
    """A priced plan that answers with its certificate and exact alternates."""

    def streamed(self, alternatives: int, also: IndexArray | None = None) -> Streamed:
        """The current plan with its certificate and alternates (those of the
        demands ``also`` too); duals that fail the check certify nothing."""
        res = self.result
        if res.u is None or res.v is None:
            return Streamed(res.rows, res.cols, False, {})
        self.step("certifying and pricing alternates", None)
        try:
            alts = self.alternates(alternatives, also)
        except SolverError:
            return Streamed(res.rows, res.cols, False, {})
        return Streamed(res.rows, res.cols, True, alts, self.alternates_below)

    @property
    def alternates_below(self) -> float:
        """Alternates are listed completely below this loss (score points)."""
        # a budget spent on improving pairs (early duals) would put the floor above 0
        return max(-self.near_floor / SCALE, 0.0) + 0.0

    def alternates(
        self, alternatives: int, also: IndexArray | None = None
    ) -> dict[int, list[tuple[int, float]]]:
        """Exact alternates for every demand the plan fills and the demands
        ``also`` (filled by pins): those losing less than ``-near_floor`` (at most
        the band). Raises :class:`SolverError` when the duals do not certify
        the plan."""
        res = self.result
        if res.u is None or res.v is None:
            raise SolverError("the plan is not certified")
        columns = np.union1d(res.cols, np.zeros(0, np.intp) if also is None else also)
        if alternatives <= 0 or not columns.size:
            return {int(j): [] for j in columns}
        # a pair within the band of tight now either was so at ``near_at`` or has a
        # row or column whose dual fell since: only those need reading again
        p = self.priced
        if self.near_at is None and p is not None and p[3] <= -self.band / 2:
            # the near set one pricing scan kept: rows and columns whose dual fell
            # since are read again below. If its budget bit hard (early duals with
            # many improving pairs), a fresh scan at the final duals does better.
            self.near, self.near_floor, self.near_at = p[0], p[3], (p[1], p[2])
        if self.near_at is None or not _same(self.near_at, (res.u, res.v)):
            # the scan re-reads every pair of the rows and columns whose dual fell;
            # the earlier set's other pairs join it under the same budget (no pair
            # twice), bar those of withdrawn cadres and closed demands
            kept = self._unread(self.near, self._fell(res.u, res.v, self.near_at))
            # the old set goes before the scan, so two never peak together
            self.near, self.priced, p = Edges.empty(), None, None
            try:
                found = self._scan(
                    res.u,
                    res.v,
                    -self.band,
                    self.near_at,
                    "pricing alternates",
                    above_cap=self.budget,
                    seed=kept,
                )
            except BaseException:
                self.near_at = None  # cancelled: the next call scans from scratch
                raise
            del kept
            floor = found.above_floor
            self.near_floor = floor if self.near_at is None else max(self.near_floor, floor)
            self.near = self._with_reserve(found.above, res.u, res.v, floor)
        self.priced = None
        self.near_at = (res.u, res.v)
        # a usable pair outside this graph is neither an LP candidate nor within the
        # band of tight (the near set holds the deep lists' pairs in the band too); a
        # free pair whose slack is past the bound lies on no path that cheap, so it
        # is left out too
        near, floor = self.near, self.near_floor
        close = near.q - res.u[near.rows] - res.v[near.cols] > floor
        close &= ~self.lp.holds(pair_keys(near.rows, near.cols))
        chosen_lp = np.isin(
            pair_keys(res.er, res.ec), pair_keys(res.rows, res.cols), assume_unique=True
        )
        use = chosen_lp | (res.q - res.u[res.er] - res.v[res.ec] > floor)
        rows = np.concatenate([res.er[use], near.rows[close]])
        cols = np.concatenate([res.ec[use], near.cols[close]])
        q = np.concatenate([res.q[use], near.q[close]])
        chosen = np.concatenate([chosen_lp[use], np.zeros(int(close.sum()), bool)])
        live = (self.lp.cap[rows] > 0) & (self.lp.head[cols] > 0)
        if not live.all():
            rows, cols, q, chosen = rows[live], cols[live], q[live], chosen[live]
        return edge_alternates(
            rows,
            cols,
            q,
            chosen,
            res.u,
            res.v,
            self.lp.cap,
            self.lp.head,
            columns.astype(np.intp),
            alternatives,
            -self.near_floor,
            self.params.workers,
        )
