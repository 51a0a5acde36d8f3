"""Exact proposals for pools too big to score at once (city and metro scale), kept warm.

Why: :func:`matcher.propose` on a district scores every pair into dense
matrices. A city (20,000 × 8,000) would need gigabytes for each of them, so
here the pairs are streamed block by block (:mod:`matcher.stream.blocks`), the
pruned LP is widened by pricing scans until certified
(:mod:`matcher.stream.pricing`), alternates are priced from the near-tight band
(:mod:`matcher.stream.certified`), and unfilled demands are explained one block
of demands at a time. This module holds the plan kept alive between edits.

Memory grows with the pairs kept, not with cadres × demands.
"""

from __future__ import annotations

import numpy as np

from matcher.errors import SolverError
from matcher.params import DEFAULT, EngineParams
from matcher.scoring import Scorer
from matcher.solver.assign import quantise
from matcher.solver.keys import pair_keys
from matcher.solver.lp import Pruned
from matcher.stream.certified import CertifiedPlan, Streamed
from matcher.stream.edges import Edges
from matcher.stream.pricing import IndexArray, IntArray, Step

__all__ = ["LivePlan", "Streamed", "solve_streamed"]


class LivePlan(CertifiedPlan):
    """A solved pool kept warm, so one change re-solves without starting over.

    Holds the LP (with its basis), the certifying duals, the pairs within
    the alternates' band of tight, and the first scan's score bounds. After an edit
    (:meth:`add_demand`, :meth:`close_demand`, :meth:`withdraw_cadre`) only the
    pairs of rows and columns whose dual *fell* can have turned improving
    (reduced cost ``q - u - v`` grows only when ``u`` or ``v`` shrinks), so the
    re-certifying scans touch those rows and columns alone. The optimum is the
    one a cold solve finds.
    """

    def add_demand(self, scorer: Scorer, head: int, *, resolve: bool = True) -> Pruned:
        """``scorer`` has one more demand (the last column); add it with ``head`` slots.
        With ``resolve=False`` the plan is re-solved only by a later :meth:`resolve`
        (several edits, one solve)."""
        j = self.lp.add_demand(head)
        if j != scorer.m - 1:
            raise SolverError(f"the new scorer has {scorer.m} demands; expected {j + 1}")
        self.scorer = scorer
        # every usable pair of the new demand joins the LP, so no scan ever needs it
        self._hold(np.flatnonzero(self.lp.cap > 0), np.array([j]))
        if self.base is not None:
            self.base = (self.base[0], np.append(self.base[1], 0.0))
        if self.flags is not None:
            self.flags = (self.flags[0], np.append(self.flags[1], False))
        if self.near_at is not None:
            self.near_at = (self.near_at[0], np.append(self.near_at[1], 0.0))
        return self.resolve() if resolve else self.result

    def _hold(self, rows: IndexArray, cols: IndexArray) -> None:
        """Every usable pair of ``rows`` × ``cols`` joins the LP (pairs no scan reads:
        new demands, and cadres or demands that reopen)."""
        per = max(1, self.params.explain_cells // max(cols.size, 1))  # a block of rows at a time
        for s in range(0, rows.size if cols.size else 0, per):
            part = rows[s : s + per]
            scores, feasible = self.scorer.grid(part, cols)
            q = quantise(scores)
            ii, jj = np.nonzero(feasible & (q > 0))
            r, c, q = part[ii], cols[jj], q[ii, jj]
            ok = ~np.isin(pair_keys(r, c), self.stream.banned)
            self.lp.add(r[ok], c[ok], q[ok])

    def ban(self, keys: IntArray, *, resolve: bool = True) -> Pruned:
        """These :func:`pair_keys` may no longer be chosen (declined, or pinned
        elsewhere). Pairs dropped from the plan leave nodes short; their repair may
        lower duals, so the re-solve's scans read the rows and columns whose dual
        fell, as after any edit."""
        keys = np.unique(np.asarray(keys, np.int64))
        self.lp.remove(keys)
        self.stream.ban(keys)

        def keep(e: Edges) -> Edges:
            ok = ~np.isin(pair_keys(e.rows, e.cols), keys)
            return Edges(e.rows[ok], e.cols[ok], e.q[ok])

        self.cache, self.near = keep(self.cache), keep(self.near)
        self.reserve.ban(keys)
        if self.priced is not None:
            self.priced = (keep(self.priced[0]), *self.priced[1:])
        return self.resolve() if resolve else self.result

    def set_bounds(self, cap: IntArray, head: IntArray, *, resolve: bool = True) -> Pruned:
        """New capacities and headcounts for every cadre and demand (dispatches
        made or finished elsewhere, leave, a changed work order). One that drops
        to 0 is no longer read; one that reopens from 0 has all its usable pairs
        put into the LP, since the scans' block plan and bounds never covered it."""
        cap, head = np.asarray(cap, np.int64), np.asarray(head, np.int64)
        if cap.shape != self.lp.cap.shape or head.shape != self.lp.head.shape:
            raise SolverError("set_bounds needs a capacity per cadre and a headcount per demand")
        rows = np.flatnonzero(cap != self.lp.cap)
        cols = np.flatnonzero(head != self.lp.head)
        open_r = rows[(self.lp.cap[rows] == 0) & (cap[rows] > 0)]
        open_c = cols[(self.lp.head[cols] == 0) & (head[cols] > 0)]
        self.lp.set_capacity(rows, cap[rows])
        self.lp.set_headcount(cols, head[cols])
        self.stream.row_ok[rows[cap[rows] == 0]] = False
        m0 = self.stream.m
        shut = cols[(head[cols] == 0) & (cols < m0)]
        self.stream.col_ok[shut] = False
        # a reopened cadre or demand is never streamed again: all its pairs are held
        self.stream.row_ok[open_r] = False
        self.stream.col_ok[open_c[open_c < m0]] = False
        self._hold(open_r, np.flatnonzero(self.lp.head > 0))
        self._hold(np.flatnonzero(self.lp.cap > 0), open_c)
        return self.resolve() if resolve else self.result

    def close_demand(self, j: int) -> Pruned:
        """No more slots for demand ``j`` (filled elsewhere or withdrawn)."""
        head = self.lp.head.copy()
        head[j] = 0
        return self.set_bounds(self.lp.cap.copy(), head)

    def withdraw_cadre(self, i: int) -> Pruned:
        """Cadre ``i`` leaves the pool (red status, leave): capacity 0."""
        cap = self.lp.cap.copy()
        cap[i] = 0
        return self.set_bounds(cap, self.lp.head.copy())


def solve_streamed(
    scorer: Scorer,
    cap: IntArray,
    head: IntArray,
    banned: IntArray,
    alternatives: int,
    step: Step,
    pinned_cols: IndexArray | None = None,
    params: EngineParams = DEFAULT,
    held: Edges | None = None,
) -> Streamed:
    """Optimal free pairs for capacities ``cap`` and headcounts ``head`` (pins
    already taken off), never using the ``banned`` :func:`pair_keys`; alternates
    also for the demands in ``pinned_cols``. ``head`` may list columns past the
    scorer's demands, whose every pair is in ``held`` (never scanned)."""
    plan = LivePlan(scorer, cap, head, banned, step, params, held)
    return plan.streamed(alternatives, pinned_cols)
