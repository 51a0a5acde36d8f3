"""Exact proposals for pools too big to score at once (city and metro scale).

Why: :func:`matcher.propose` on a district scores every pair into dense
matrices. A city (20,000 × 8,000) would need gigabytes for each of them, so
here the pairs are streamed block by block (:mod:`matcher.stream.blocks`):

1. one scan keeps each demand's best pairs (:mod:`matcher.stream.reserve`), whose
   bar bounds every pair left out;
2. the b-matching LP is solved on the best few of each and widened, by the
   rest of those lists and by scans of what their bars cannot rule out, until
   no pair can improve the plan at its duals
   (:func:`matcher.solver.lp.solve_pruned`), which certifies the optimum;
3. once the duals settle, the pricing scans also keep every pair within the
   policy's ``alternatives_within`` of tight (up to ``near_budget``), so the
   certifying one leaves enough to price alternates exactly
   (:mod:`matcher.solver.alternates`);
4. unfilled demands are explained one block of demands at a time.

Memory grows with the pairs kept, not with cadres × demands.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from matcher.errors import SolverError
from matcher.params import DEFAULT, EngineParams
from matcher.scoring import Scorer
from matcher.solver.alternates import edge_alternates
from matcher.solver.assign import SCALE, quantise
from matcher.solver.keys import pair_keys
from matcher.solver.lp import PairLP, Pruned, solve_pruned
from matcher.solver.sap import SapLP
from matcher.stream.blocks import PairStream, Scan
from matcher.stream.edges import Edges
from matcher.stream.reserve import ColumnReserve

__all__ = ["LivePlan", "Streamed", "solve_streamed"]

IntArray = npt.NDArray[np.int64]
IndexArray = npt.NDArray[np.intp]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
Step = Callable[[str, float | None], None]


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


def _unique(e: Edges) -> Edges:
    _, first = np.unique(pair_keys(e.rows, e.cols), return_index=True)
    return Edges(e.rows[first], e.cols[first], e.q[first])


def _open_new(e: Edges, u: FloatArray, v: FloatArray, floor: float, lp: PairLP) -> Edges:
    """Pairs of ``e`` between an open cadre and an open demand, with reduced cost
    above ``floor``, that the LP does not hold."""
    hit = (lp.cap[e.rows] > 0) & (lp.head[e.cols] > 0)
    hit &= e.q - u[e.rows] - v[e.cols] > floor
    at = np.flatnonzero(hit)
    at = at[~lp.holds(pair_keys(e.rows[at], e.cols[at]))]
    return Edges(e.rows[at], e.cols[at], e.q[at])


class LivePlan:
    """A solved pool kept warm, so one change re-solves without starting over.

    Holds the LP (with its basis), the certifying duals, the pairs within
    the alternates' band of tight, and the first scan's score bounds. After an edit
    (:meth:`add_demand`, :meth:`close_demand`, :meth:`withdraw_cadre`) only the
    pairs of rows and columns whose dual *fell* can have turned improving
    (reduced cost ``q - u - v`` grows only when ``u`` or ``v`` shrinks), so the
    re-certifying scans touch those rows and columns alone. The optimum is the
    one a cold solve finds.
    """

    def __init__(
        self,
        scorer: Scorer,
        cap: IntArray,
        head: IntArray,
        banned: IntArray,
        step: Step,
        params: EngineParams = DEFAULT,
    ) -> None:
        self.scorer = scorer
        self.step = step
        self.params = params
        self.stream = PairStream(scorer, cap, head, banned, params)
        # The first scan keeps each demand's best pairs (a deep list): a pair left
        # out scores no more than its demand's list's last, which bounds every later
        # scan. Cadres get no lists: their bound would be loose (a cadre reaches
        # thousands of demands) and their pairs would only swell the first LP.
        depth = params.reserve_depth(self.stream.n, self.stream.m)
        deep = ColumnReserve(self.stream.m, depth, params.reserve_spare)
        self.stream.scan(above_floor=0.0, reserve=deep, progress=lambda f: step("scoring pairs", f))
        #: every pair neither the LP nor the reserve holds scores at most these
        self.known = (np.full(self.stream.n, np.inf), deep.bound())
        self.lp = SapLP(cap, head)
        # each demand's best few start the LP; one big demand must not widen every
        # list: its other pairs wait in the reserve
        start = deep.start(np.minimum(head[: self.stream.m], 8) + params.start_k)
        self.lp.add(start.rows, start.cols, start.q)
        #: the demands' deep lists beyond the LP: priced in full by every round
        self.reserve = deep
        self.cache = Edges.empty()
        #: alternates losing up to this much are found (grid units): the band of
        #: near-tight pairs the scans keep. Each pair costs memory and search time,
        #: so it is the policy's choice (a few points by default, not every alternate)
        self.band = float(round(scorer.case.policy.alternatives_within * SCALE))
        #: every pair with reduced cost above ``near_floor`` (>= -band; higher
        #: when the near budget ran out) at the duals ``near_at``, for alternates
        self.near = Edges.empty()
        self.near_floor = -self.band
        self.near_at: tuple[FloatArray, FloatArray] | None = None
        #: duals of the last pricing scan: at them every pair the LP and the cache
        #: lack scored at most ``u + v`` (bar pairs between ``flags``)
        self.base: tuple[FloatArray, FloatArray] | None = None
        #: the last pricing scan's near-tight pairs, its duals and their floor
        self.priced: tuple[Edges, FloatArray, FloatArray, float] | None = None
        self.budget = int(params.near_budget * (self.stream.n + self.stream.m))
        #: in the first solve (a later edit's pricing never reads every pair)
        self.cold = True
        #: rows and columns whose last scanned list came back full of improving
        #: pairs: pairs between them are unknown, so the next scan reads them again
        self.flags: tuple[BoolArray, BoolArray] | None = None
        self.result = self._solve()
        self.cold = False

    def _price(
        self, u: FloatArray, v: FloatArray, floor: float, lp: PairLP
    ) -> tuple[IndexArray, IndexArray, FloatArray]:
        # The improving pairs of the last scan are cached: while some of them still
        # improve the plan they widen the LP without a new scan; only a scan certifies.
        # So are the demands' deep lists from the first scan, for good.
        hit = _open_new(self.cache, u, v, floor, lp)
        if not len(hit):
            hit = _open_new(self.reserve.over(u, v, floor), u, v, floor, lp)
        if len(hit):
            return hit.rows, hit.cols, hit.q
        # Each row and column keeps its cache_k best pairs by reduced cost: if any
        # pair improves the plan, its row's best does, so nothing is missed, and
        # memory stays bounded even when early duals leave most pairs improving.
        # The near-improving ones are cached: as the LP grows they turn improving.
        # A row's list also has room for every pair the plan gives it (those may
        # improve too, being chosen), so a full list always means a fresh improving pair.
        k = self.params.cache_k + np.asarray(self.lp.load_r, np.int64)
        # The first pricing scan reads every pair. In the first solve, the next also
        # keeps the pairs within the band of tight (up to a budget) for the alternates:
        # by then the duals have nearly settled. Later scans read only the rows and
        # columns whose dual fell since the last scan, or whose list came back full.
        # A policy asking for no alternates (sweeps, what-if) skips that set.
        whole = self.cold and self.base is not None and self.priced is None
        whole = whole and self.scorer.case.policy.alternatives > 0
        scan = self._scan(
            u,
            v,
            floor - float(self.params.cache_slack),
            None if whole else self.base,
            "pricing",
            row_k=k,
            col_k=self.params.cache_k,
            above_floor=-self.band if whole else None,
            above_cap=self.budget,
        )
        if whole:
            band = self._with_reserve(scan.above, u, v, scan.above_floor)
            self.priced = (band, u.copy(), v.copy(), scan.above_floor)
        self.base = (u.copy(), v.copy())
        self.flags = (scan.row_rest > 0, scan.col_rest > 0)
        b = _unique(scan.tops)
        near = b.q - u[b.rows] - v[b.cols] > floor - float(self.params.cache_slack)
        self.cache = Edges(b.rows[near], b.cols[near], b.q[near])
        self.step("solving", None)
        keep = b.q - u[b.rows] - v[b.cols] > floor
        return b.rows[keep], b.cols[keep], b.q[keep]

    def _scan(
        self,
        u: FloatArray,
        v: FloatArray,
        floor: float,
        since: tuple[FloatArray, FloatArray] | None,
        phase: str,
        row_k: IntArray | None = None,
        col_k: int = 0,
        above_floor: float | None = None,
        above_cap: int = -1,
        seed: Edges | None = None,
    ) -> Scan:
        """Pairs above ``floor`` (or, given ``row_k``/``col_k``, each row's and
        column's best ones); with ``since`` (duals at which every pair was known
        to stay below it) only rows and columns whose dual fell are read."""
        return self.stream.scan(
            u,
            v,
            floor=floor,
            known=self.known,
            only=self._fell(u, v, since),
            row_k=row_k,
            col_k=col_k,
            keep_above=row_k is None or above_floor is not None,
            above_floor=above_floor,
            above_cap=above_cap,
            seed=seed,
            progress=lambda f: self.step(phase, f),
        )

    def _with_reserve(self, found: Edges, u: FloatArray, v: FloatArray, floor: float) -> Edges:
        """A scan's pairs above ``floor`` and the reserve's: the scan's bounds do
        not cover the reserve (it may have read some of it, or none)."""
        near = self.reserve.over(u, v, floor)
        return _unique(Edges.concat([found, near])) if len(near) else found

    def _fell(
        self, u: FloatArray, v: FloatArray, since: tuple[FloatArray, FloatArray] | None
    ) -> tuple[BoolArray, BoolArray] | None:
        """The scanned rows and columns whose dual fell since ``since`` (with the
        ``flags``), or ``None`` for all of them; columns past the stream's are never
        scanned (a new demand's pairs all join the LP)."""
        if since is None:
            return None
        m0 = self.stream.m
        rows, cols = u < since[0], v[:m0] < since[1][:m0]
        if self.flags is not None:
            rows, cols = rows | self.flags[0], cols | self.flags[1][:m0]
        return rows, cols

    def _solve(self) -> Pruned:
        self.step("solving", None)
        return solve_pruned(self.lp, self._price, add_k=self.params.solver.add_k)

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

    def resolve(self) -> Pruned:
        """Re-solve after edits made with ``resolve=False``."""
        self.result = self._solve()
        return self.result

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
            read = self._fell(res.u, res.v, self.near_at)
            kept = None
            if len(self.near) and read is not None:
                a = self.near
                cols = np.zeros(self.lp.head.size, bool)
                cols[: read[1].size] = read[1]
                keep = ~(read[0][a.rows] | cols[a.cols])
                keep &= (self.lp.cap[a.rows] > 0) & (self.lp.head[a.cols] > 0)
                kept = Edges(a.rows[keep], a.cols[keep], a.q[keep])
                del a, keep
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


def solve_streamed(
    scorer: Scorer,
    cap: IntArray,
    head: IntArray,
    banned: IntArray,
    alternatives: int,
    step: Step,
    pinned_cols: IndexArray | None = None,
    params: EngineParams = DEFAULT,
) -> Streamed:
    """Optimal free pairs for capacities ``cap`` and headcounts ``head`` (pins
    already taken off), never using the ``banned`` :func:`pair_keys`; alternates
    also for the demands in ``pinned_cols``."""
    return LivePlan(scorer, cap, head, banned, step, params).streamed(alternatives, pinned_cols)
