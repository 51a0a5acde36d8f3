"""Stream a big case's pairs in blocks and keep only the ones that can matter.

Why: a city pool (20,000 cadres × 8,000 demands) has 160 million pairs; holding
their scores costs gigabytes, yet an optimal plan only ever uses a few good
pairs per cadre and per demand. So cadres are ordered along the map and cut
into blocks; each block is read by the compiled scan (:mod:`matcher.stream.packed`,
the :meth:`Scorer.grid` formula) only against the demands within reach of its
members' travel limits, and a scan keeps

* every pair whose reduced cost ``q - u - v`` exceeds a floor (pricing for the
  LP's widening, see :mod:`matcher.solver.lp`; the near-tight pairs for
  alternates), up to a budget if asked,
* the best few pairs of each row and of each column by reduced cost (the first
  candidates, with ``u = v = 0``; later the pricing lists),

so memory grows with the pairs kept, not with cadres × demands. Scores are on
the solver's integer grid (``quantise``), so every comparison is exact.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from matcher.params import DEFAULT, EngineParams
from matcher.scoring import Scorer
from matcher.solver.keys import unpair_keys
from matcher.stream.edges import Edges
from matcher.stream.packed import BlockScan, Packed, by_column, merge_lists
from matcher.stream.reserve import ColumnReserve

__all__ = ["PairStream", "Scan"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
IndexArray = npt.NDArray[np.intp]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class Scan:
    """What one pass over the blocks kept.

    ``above``: pairs with reduced cost > the floor; ``tops``: each row's and
    column's best pairs by reduced cost; ``row_rest`` / ``col_rest``: the best
    reduced cost of a usable pair left out of that row's / column's list
    (``-inf`` if none; ``+inf`` when the scan kept no such lists), so every
    pair missing from ``tops`` is at most ``min(row_rest[i], col_rest[j])``.
    """

    above: Edges
    tops: Edges
    row_rest: FloatArray
    col_rest: FloatArray
    #: feasible pairs among the cells read (every other pair breaks a hard
    #: rule); cells a bound skipped are not read, so not counted
    n_feasible: int = 0
    #: ``above`` holds every usable pair with reduced cost above this
    above_floor: float = np.inf


class _ColumnTop:
    """Running best-``k`` pairs per column across blocks (by reduced cost), each
    column's list sorted best first."""

    def __init__(self, m: int, k: int) -> None:
        self.k = k
        self.val = np.full((m, k), -np.inf)
        self.row = np.zeros((m, k), np.int64)
        self.q = np.zeros((m, k))
        self.dropped = np.full(m, -np.inf)

    def merge(self, b: BlockScan, cols: IndexArray) -> None:
        """Fold in one block's column lists (``b.col_*``, columns ``cols``)."""
        merge_lists(
            self.val, self.row, self.q, self.dropped,
            np.asarray(cols, np.int64), b.col_val, b.col_row, b.col_q, b.col_rest,
        )  # fmt: skip

    def edges(self) -> Edges:
        jj, kk = np.nonzero(np.isfinite(self.val))
        return Edges(self.row[jj, kk], jj.astype(np.intp), self.q[jj, kk])


class _Above:
    """Pairs above a floor, at most ``cap`` of them (``cap < 0``: no limit).

    Past the cap the floor rises to drop the lowest pairs (to 3/4 of the cap,
    so the work stays linear); pairs kept are then all those above the floor.
    """

    def __init__(self, floor: float, cap: int, u: FloatArray, v: FloatArray) -> None:
        self.floor, self.cap, self.u, self.v = floor, cap, u, v
        self.parts: list[Edges] = []
        self.kept = 0

    def _rc(self, e: Edges) -> FloatArray:
        return e.q - self.u[e.rows] - self.v[e.cols]

    def add(self, e: Edges) -> None:
        if self.cap < 0:
            self.parts.append(e)
            return
        keep = self._rc(e) > self.floor  # blocks read before the floor last rose
        self.parts.append(Edges(e.rows[keep], e.cols[keep], e.q[keep]))
        self.kept += int(keep.sum())
        if self.kept > self.cap:
            whole = Edges.concat(self.parts)
            rc = self._rc(whole)
            target = (3 * self.cap) // 4
            self.floor = float(np.partition(rc, rc.size - target - 1)[rc.size - target - 1])
            keep = rc > self.floor
            self.parts = [Edges(whole.rows[keep], whole.cols[keep], whole.q[keep])]
            self.kept = int(keep.sum())

    def edges(self) -> Edges:
        return Edges.concat(self.parts)


class PairStream:
    """A case's usable pairs, scanned block by block.

    ``capacity`` / ``headcount`` are what is left to fill (rows or columns at 0
    are skipped; :attr:`row_ok` / :attr:`col_ok` can switch more off later);
    ``banned`` holds :func:`~matcher.solver.keys.pair_keys` of pairs that may
    not be chosen (declined or pinned).
    """

    def __init__(
        self,
        scorer: Scorer,
        capacity: IntArray,
        headcount: IntArray,
        banned: IntArray | None = None,
        params: EngineParams = DEFAULT,
    ) -> None:
        self.scorer = scorer
        self.n, self.m = scorer.n, scorer.m
        self.banned = np.unique(np.asarray(banned if banned is not None else [], np.int64))
        self.packed = Packed(scorer)
        self._banned_csr = by_column(self.banned, self.m) if self.banned.size else None
        self.row_ok = (capacity > 0) & ~scorer.red & (scorer.capacity > 0)
        self.col_ok = headcount > 0
        self.params = params
        self.workers = params.workers
        cells = params.block_cells
        self._cols = np.flatnonzero(self.col_ok)
        self._plan = self._blocks(np.flatnonzero(self.row_ok), self._cols, cells)
        self.cells = sum(r.size * int(k) for r, _, k in self._plan)

    def ban(self, keys: IntArray) -> None:
        """These pairs may no longer be chosen: scans skip them from now on."""
        self.banned = np.union1d(self.banned, np.asarray(keys, np.int64))
        # demands added after the stream was made are never scanned
        ours = self.banned[unpair_keys(self.banned)[1] < self.m]
        self._banned_csr = by_column(ours, self.m) if ours.size else None

    @property
    def blocks(self) -> Iterator[tuple[IndexArray, IndexArray]]:
        """The blocks in scan order, ``(rows, columns)``."""
        for r, mask, _ in self._plan:
            yield r, self._cols[np.unpackbits(mask, count=self._cols.size).view(bool)]

    def _blocks(
        self, rows: IndexArray, cols: IndexArray, block_cells: int
    ) -> list[tuple[IndexArray, npt.NDArray[np.uint8], int]]:
        """Cadres in map order (a snake over ~5 km cells), cut into blocks; each
        block meets only the demands within reach of one of its homes (kept as a
        bit mask over ``cols``: a metro has thousands of blocks)."""
        sc = self.scorer
        if not rows.size or not cols.size:
            return []
        comm_lat = np.array([c.lat for c in sc.case.communities])
        comm_lon = np.array([c.lon for c in sc.case.communities])
        cell = 0.045  # degrees, about 5 km
        gy = np.floor(comm_lat / cell).astype(np.int64)
        gx = np.floor(comm_lon / cell).astype(np.int64)
        gx = np.where(gy % 2 == 1, -gx, gx)
        home = sc.home[rows]
        lim = sc.limit[rows]
        # unlimited travellers first (they reach everyone), then by limit and place
        order = np.lexsort((home, gx[home], gy[home], lim, np.isfinite(lim)))
        rows = rows[order]
        home = home[order]
        per = max(self.params.min_rows, block_cells // max(cols.size, 1))
        out = []
        where = sc.where[cols]
        lims = sc.limit[rows]
        for s in range(0, rows.size, per):
            r = rows[s : s + per]
            if np.isinf(lims[s : s + per]).any():  # someone here travels anywhere
                reach = np.ones(cols.size, bool)
            else:
                h, at = np.unique(home[s : s + per], return_inverse=True)
                far = np.zeros(h.size)
                np.maximum.at(far, at, lims[s : s + per])
                # communities within reach of a home here, then the demands in them
                near = np.asarray((sc.km_comm[h] <= far[:, None]).any(axis=0), bool)
                reach = near[where]
            if reach.any():  # rows by home: the scan skips a far home's run whole
                r = r[np.argsort(sc.home[r], kind="stable")]
                out.append((r, np.packbits(reach), int(reach.sum())))
        return out

    def _cells(
        self,
        b_r: IndexArray,
        b_c: IndexArray,
        u: FloatArray,
        v: FloatArray,
        floor: float,
        known: tuple[FloatArray, FloatArray] | None,
        only: tuple[BoolArray, BoolArray] | None,
    ) -> tuple[IndexArray, IndexArray]:
        """The rows and columns of a block worth reading (the kernel checks each cell)."""
        r0, c0 = b_r[self.row_ok[b_r]], b_c[self.col_ok[b_c]]
        if only is not None:
            if not only[1][c0].any():
                r0 = r0[only[0][r0]]
            elif not only[0][r0].any():
                c0 = c0[only[1][c0]]
        if known is not None and floor < np.inf:
            # a pair's bound is below both its row's and its column's (duals >= 0)
            r0 = r0[known[0][r0] - u[r0] > floor]
            c0 = c0[known[1][c0] - v[c0] > floor]
        return r0, c0

    def scan(
        self,
        u: FloatArray | None = None,
        v: FloatArray | None = None,
        *,
        floor: float = np.inf,
        row_k: IntArray | None = None,
        col_k: int = 0,
        known: tuple[FloatArray, FloatArray] | None = None,
        only: tuple[BoolArray, BoolArray] | None = None,
        keep_above: bool = True,
        above_floor: float | None = None,
        above_cap: int = -1,
        seed: Edges | None = None,
        reserve: ColumnReserve | None = None,
        progress: Callable[[float], None] | None = None,
    ) -> Scan:
        """One pass: pairs with ``q - u - v > floor``, each row's ``row_k[i]`` and
        each column's ``col_k`` best pairs by that reduced cost.

        ``known = (row_bound, col_bound)`` bounds the score of every pair the
        caller does not hold (a first scan's left-out bests, or each demand's deep
        list's bar): cells that cannot clear the floor under that bound are not
        scored at all, so the caller must price the pairs it holds itself (the
        LP's, the deep lists' at the same duals). ``only = (rows, cols)`` masks
        limit the scan to pairs touching a marked row or a marked column.
        ``keep_above=False`` uses ``floor`` only to skip cells (``above`` stays
        empty): the row and column lists then hold the best pairs in a bounded
        memory, however many clear the floor. ``above_floor`` keeps ``above``
        pairs at another floor than the lists' (cells are read down to the lower
        one). With ``above_cap >= 0``, ``above`` keeps at most that many pairs:
        the floor rises as needed, and the scan's ``above_floor`` says where it
        ended (``above`` holds every usable pair above it). ``seed`` joins
        ``above`` under the same floor and cap: pairs an earlier scan found in
        the rows and columns this one does not read. With a ``reserve``, the
        pairs above the floor go to it instead (each column keeps its best by
        score, so the duals must be zero), and ``above`` stays empty.
        """
        u = np.zeros(self.n) if u is None else u
        v = np.zeros(self.m) if v is None else v
        if reserve is not None and (u.any() or v.any()):
            # lists ranked by score stand for every pair left out only if every
            # pair was offered: a scan with duals filters by reduced cost
            raise ValueError("a reserve is filled at zero duals only")
        workers = self.workers
        cols_top = _ColumnTop(self.m, col_k)
        # without row lists nothing is known of a row's left-out pairs
        row_rest = np.full(self.n, -np.inf if row_k is not None else np.inf)
        n_feasible = 0
        above = _Above(floor if above_floor is None else above_floor, above_cap, u, v)
        if seed is not None:
            above.add(seed)
        tops: list[Edges] = []

        def plan() -> Iterator[tuple[float, int, IndexArray, IndexArray]]:
            done = 0
            for b_r, b_c in self.blocks:
                done += b_r.size * b_c.size
                skip = min(floor, above.floor) if keep_above else floor
                r, c = self._cells(b_r, b_c, u, v, skip, known, only)
                for lane in range(workers):
                    yield done / max(self.cells, 1), lane, r, c[c % workers == lane]

        def read(r: IndexArray, c: IndexArray) -> BlockScan:
            return self.packed.scan(
                r,
                c,
                u,
                v,
                floor=floor,
                keep_above=keep_above,
                above_floor=above.floor,
                row_k=None if row_k is None else row_k[r],
                col_k=col_k,
                known=known,
                only=only,
                banned=self._banned_csr,
                into=None if reserve is None else reserve.lists,  # this lane's columns alone
            )

        # The compiled scan lets go of the GIL. Columns are dealt to `workers` lanes
        # by index, each lane a thread reading its share of every block in block
        # order, while this thread merges the results in the same order: so the
        # answer never depends on timing, and a lane alone touches its columns.
        with ExitStack() as stack:
            lanes = [stack.enter_context(ThreadPoolExecutor(max_workers=1)) for _ in range(workers)]
            pending: deque[tuple[float, IndexArray, IndexArray, Future[BlockScan] | None]] = deque()
            work = plan()
            try:
                while True:
                    while len(pending) < 2 * workers:
                        item = next(work, None)
                        if item is None:
                            break
                        frac, lane, r, c = item
                        job = lanes[lane].submit(read, r, c) if r.size and c.size else None
                        pending.append((frac, r, c, job))
                    if not pending:
                        break
                    frac, r, c, fut = pending.popleft()
                    if fut is not None:
                        b = fut.result()
                        n_feasible += b.feasible
                        if reserve is None and b.above_rows.size:
                            above.add(Edges(b.above_rows, b.above_cols, b.above_q))
                        if row_k is not None:
                            ii, kk = np.nonzero(np.isfinite(b.row_val))
                            tops.append(Edges(r[ii], b.row_col[ii, kk], b.row_q[ii, kk]))
                            row_rest[r] = np.maximum(row_rest[r], b.row_rest)
                        cols_top.merge(b, c)
                    if progress is not None:
                        progress(frac)
            finally:
                for *_, fut in pending:
                    if fut is not None:
                        fut.cancel()
        tops.append(cols_top.edges())
        return Scan(
            above.edges(),
            Edges.concat(tops),
            row_rest,
            cols_top.dropped,
            n_feasible,
            above.floor,
        )
