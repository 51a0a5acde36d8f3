"""The pruned LP over a pair stream, widened by pricing scans until its duals certify it.

Why a module of its own: this is the streamed engine's solve (the first one and every
re-solve after an edit); :mod:`matcher.stream.certified` adds the alternates on top and
:mod:`matcher.stream.live` the edits that keep a plan warm. How a solve goes:

1. one scan keeps each demand's best pairs (:mod:`matcher.stream.reserve`), whose
   bar bounds every pair left out;
2. the b-matching LP is solved on the best few of each and widened, by the
   rest of those lists and by scans of what their bars cannot rule out, until
   no pair can improve the plan at its duals
   (:func:`matcher.solver.lp.solve_pruned`), which certifies the optimum;
3. once the duals settle, the pricing scans also keep every pair within the
   policy's ``alternatives_within`` of tight (up to ``near_budget``), so the
   certifying one leaves enough to price alternates exactly.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import numpy.typing as npt

from matcher.params import DEFAULT, EngineParams
from matcher.scoring import Scorer
from matcher.solver.assign import SCALE
from matcher.solver.keys import pair_keys
from matcher.solver.lp import PairLP, Pruned, solve_pruned
from matcher.solver.sap import SapLP
from matcher.stream.blocks import PairStream, Scan
from matcher.stream.edges import Edges
from matcher.stream.reserve import ColumnReserve
from matcher.stream.union import union

__all__ = ["BoolArray", "FloatArray", "IndexArray", "IntArray", "PricedPlan", "Step"]

IntArray = npt.NDArray[np.int64]
IndexArray = npt.NDArray[np.intp]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
Step = Callable[[str, float | None], None]


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


class PricedPlan:
    """The pruned LP of a pool, solved by pricing scans until certified.

    Holds the pair stream, the demands' deep lists from the first scan, the LP
    (with its basis), the last pricing scan's duals and flags, and the near-tight
    pairs the first solve kept for the alternates.
    """

    def __init__(
        self,
        scorer: Scorer,
        cap: IntArray,
        head: IntArray,
        banned: IntArray,
        step: Step,
        params: EngineParams = DEFAULT,
        held: Edges | None = None,
    ) -> None:
        self.scorer = scorer
        self.step = step
        self.params = params
        # ``head`` may go past the scorer's demands: columns no scan reads, whose
        # pairs (``held``) all sit in the LP from the start (a load cost's rest slots)
        self.stream = PairStream(scorer, cap, head[: scorer.m], banned, params)
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
        if held is not None:
            self.lp.add(held.rows, held.cols, held.q)
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
        # columns whose dual fell since the last scan, or whose list came back full;
        # in the first solve they bring the band up to date on what they read, so the
        # certifying scan leaves it at the final duals and the alternates read nothing
        # again. A policy asking for no alternates (sweeps, what-if) skips that set.
        whole = self.cold and self.base is not None and self.priced is None
        whole = whole and self.scorer.case.policy.alternatives > 0
        # (a band whose budget already raised its floor past half the band is
        # dropped by the alternates for a scan of their own: no use keeping it)
        band_too = self.cold and self.priced is not None and self.priced[3] <= -self.band / 2
        seed, was = None, -np.inf
        if self.priced is not None and band_too:
            # the old set goes before the scan, so two never peak together
            seed, was = self._unread(self.priced[0], self._fell(u, v, self.base)), self.priced[3]
            self.priced = None
        scan = self._scan(
            u,
            v,
            floor - float(self.params.cache_slack),
            None if whole else self.base,
            "pricing",
            row_k=k,
            col_k=self.params.cache_k,
            above_floor=-self.band if whole or band_too else None,
            above_cap=self.budget,
            seed=seed,
        )
        del seed
        if whole or band_too:
            band = self._with_reserve(scan.above, u, v, scan.above_floor)
            self.priced = (band, u.copy(), v.copy(), max(was, scan.above_floor))
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

    def _unread(self, band: Edges, read: tuple[BoolArray, BoolArray] | None) -> Edges | None:
        """The pairs of ``band`` a scan reading ``read`` (rows, columns) leaves
        alone, bar those of withdrawn cadres and closed demands: they join its
        pairs as they are (``None`` when it reads everything)."""
        if read is None:
            return None
        cols = np.zeros(self.lp.head.size, bool)
        cols[: read[1].size] = read[1]
        keep = ~(read[0][band.rows] | cols[band.cols])
        keep &= (self.lp.cap[band.rows] > 0) & (self.lp.head[band.cols] > 0)
        return Edges(band.rows[keep], band.cols[keep], band.q[keep])

    def _with_reserve(self, found: Edges, u: FloatArray, v: FloatArray, floor: float) -> Edges:
        """A scan's pairs above ``floor`` and the reserve's: the scan's bounds do
        not cover the reserve (it may have read some of it, or none)."""
        return union(found, self.reserve.over(u, v, floor), self.stream.n, self.lp.head.size)

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
        add_k = self.params.add_k(self.stream.n, self.stream.m)
        return solve_pruned(self.lp, self._price, add_k=add_k)

    def resolve(self) -> Pruned:
        """Re-solve after edits made with ``resolve=False``."""
        self.result = self._solve()
        return self.result
