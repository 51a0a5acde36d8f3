"""Compiled scan of pair blocks for the streamed engine (city and metro pools).

Why: :meth:`matcher.scoring.Scorer.grid` scores a block in numpy, a pass over
every cell per tag, per rule and per term, each with a temporary array, and a
city scan reads every cell several times per proposal. Here each cell
is read once, in one compiled loop (:mod:`matcher.stream.kernel`) that touches
only the tags its demand needs and requires, skips cells a bound rules out
before scoring them, and keeps only what the scan asks for: the pairs above a
floor, small sorted lists of each row's and column's best, or (the first scan)
each demand's deep list, filled in place. No block-sized array is ever made.

The arithmetic is the numpy formula's, operation for operation, so every grid
score equals :meth:`Scorer.grid`'s bit for bit (``tests/stream/test_packed.py``).

Example:
    >>> import numpy as np
    >>> from matcher import load_case
    >>> sc = Scorer(load_case("data/sample-district"))
    >>> r, c = np.arange(20), np.arange(10)
    >>> out = Packed(sc).scan(r, c, np.zeros(sc.n), np.zeros(sc.m), floor=-np.inf)
    >>> scores, feasible = sc.grid(r, c)
    >>> q = np.rint(scores * 1e6)
    >>> bool(np.array_equal(np.sort(out.above_q), np.sort(q[feasible & (q > 0)])))
    True
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from matcher.rules import no_capacity, withdrawn
from matcher.scoring import Scorer
from matcher.solver.kernels import kernel
from matcher.solver.keys import unpair_keys
from matcher.stream.edges import Lists
from matcher.stream.kernel import scan_block

__all__ = ["BlockScan", "Packed", "merge_lists"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
IndexArray = npt.NDArray[np.intp]
BoolArray = npt.NDArray[np.bool_]
#: per cadre its best level in each category; per demand (CSR) each category
#: it needs: how many tags, their levels summed, the highest
ByCategory = tuple[FloatArray, IntArray, IntArray, FloatArray, FloatArray, FloatArray]


def _csr(levels: FloatArray) -> tuple[IntArray, IntArray, FloatArray]:
    """Each row's nonzero tags in ascending order (the order numpy adds them in)."""
    rows, tags = np.nonzero(levels > 0)
    ptr = np.zeros(levels.shape[0] + 1, np.int64)
    np.cumsum(np.bincount(rows, minlength=levels.shape[0]), out=ptr[1:])
    return ptr, tags.astype(np.int64), levels[rows, tags]


def _by_category(sc: Scorer) -> ByCategory:
    """Each cadre's best effective level per category, and each demand's needs
    per category (CSR: category, tags needed, levels summed, highest level)."""
    cat = sc.case.taxonomy.category_index()
    n_cat = int(cat.max(initial=-1)) + 1
    top = np.zeros((sc.n, max(n_cat, 1)))
    for g in range(n_cat):
        top[:, g] = sc.eff[:, cat == g].max(axis=1, initial=0.0)
    by = np.zeros((sc.m, max(n_cat, 1), 3))
    for g in range(n_cat):
        part = sc.need[:, cat == g]
        by[:, g] = np.stack(
            [(part > 0).sum(axis=1), part.sum(axis=1), part.max(axis=1, initial=0.0)], 1
        )
    rows, gs = np.nonzero(by[:, :, 0] > 0)
    ptr = np.zeros(sc.m + 1, np.int64)
    np.cumsum(np.bincount(rows, minlength=sc.m), out=ptr[1:])
    got = by[rows, gs]
    return top, ptr, gs.astype(np.int64), got[:, 0].copy(), got[:, 1].copy(), got[:, 2].copy()


def _bits(flags: FloatArray) -> npt.NDArray[np.uint64]:
    """Rows of 0/1 flags as 64-bit words (at least one word, so no axis is empty)."""
    out = np.zeros((flags.shape[0], max(1, -(-flags.shape[1] // 64))), np.uint64)
    for k in np.flatnonzero(flags.any(axis=0)):
        out[flags[:, k] > 0, k // 64] |= np.uint64(1) << np.uint64(k % 64)
    return out


def by_column(keys: IntArray, m: int) -> tuple[IntArray, IntArray]:
    """Pair keys (``row << 32 | col``) as per-column row lists: CSR over ``m`` columns."""
    rows, cols = unpair_keys(keys)
    order = np.argsort(cols, kind="stable")
    ptr = np.zeros(m + 1, np.int64)
    np.cumsum(np.bincount(cols, minlength=m)[:m], out=ptr[1:])
    return ptr, rows[order].astype(np.int64)


@dataclass(frozen=True)
class BlockScan:
    """What one block kept (see :meth:`Packed.scan`).

    ``above_*``: pairs with reduced cost above the floor. ``row_*``: each row's
    best pairs, ``(r.size, K)`` sorted best first, ``-inf`` values past the
    row's ``k``, and ``row_rest`` the best one left out. ``col_*``: the same per
    column of ``c`` for ``col_k`` pairs, ``col_rest`` the best one left out of
    this block. ``feasible``: cells read that pass every hard rule (a cell a
    bound skipped unread is not counted).
    """

    above_rows: IntArray
    above_cols: IntArray
    above_q: FloatArray
    row_val: FloatArray
    row_col: IntArray
    row_q: FloatArray
    row_rest: FloatArray
    col_val: FloatArray
    col_row: IntArray
    col_q: FloatArray
    col_rest: FloatArray
    feasible: int


class Packed:
    """A :class:`Scorer`'s case in the flat arrays the compiled scan reads."""

    def __init__(self, scorer: Scorer) -> None:
        sc = scorer
        need_ptr, need_tag, need_lvl = _csr(sc.need)
        req_ptr, req_tag, req_lvl = _csr(sc.req)
        km_t = sc.km_comm if sc.km_comm.size else np.zeros((1, 1))  # symmetric
        self.data = (
            np.ascontiguousarray(sc.eff),
            np.ascontiguousarray(sc.own),
            need_ptr,
            need_tag,
            need_lvl,
            req_ptr,
            req_tag,
            req_lvl,
            _bits(sc.missing_certs),
            _bits(sc.wanted_certs),
            withdrawn(sc.red) | no_capacity(sc.capacity),  # the cadre-only rules
            sc.home.astype(np.int64),
            sc.where.astype(np.int64),
            sc.limit.astype(np.float64),
            sc.cadre_term.astype(np.float64),  # status and the record terms
            sc.fill.astype(np.float64),
            sc.total_need.astype(np.float64),
            np.ascontiguousarray(km_t),
            float(sc.w_skill),
            float(sc.w_travel),
            float(sc.w_home),  # the home-first bonus (0: off)
            # the time rules: class per cadre and per demand, and their tables
            sc.time.pattern,
            sc.time.absence,
            sc.time.window,
            sc.time.span,
            sc.time.outside,
            sc.time.away,
        )
        self._scorer = sc
        #: the case's capacities and red flags, for explanations
        self.capacity = sc.capacity.astype(np.int64)
        self.red = sc.red.copy()
        # what a scan without bounds, masks or bans passes in their place
        self._unbounded = (np.full(sc.n, np.inf), np.full(sc.m, np.inf))
        self._everywhere = (np.ones(sc.n, np.bool_), np.zeros(sc.m, np.bool_))
        self._no_bans = (np.zeros(sc.m + 1, np.int64), np.zeros(0, np.int64))
        self._no_lists: Lists = (
            np.zeros((1, 1)), np.zeros((1, 1), np.int32), np.zeros(1, np.int64), np.zeros(1), 1
        )  # fmt: skip

    @functools.cached_property
    def by_category(self) -> ByCategory:
        """The per-category fit bound's inputs (scans only: explanations never need them)."""
        return _by_category(self._scorer)

    def scan(
        self,
        r: IndexArray,
        c: IndexArray,
        u: FloatArray,
        v: FloatArray,
        *,
        floor: float = np.inf,
        keep_above: bool = True,
        above_floor: float | None = None,
        row_k: IntArray | None = None,
        col_k: int = 0,
        known: tuple[FloatArray, FloatArray] | None = None,
        only: tuple[BoolArray, BoolArray] | None = None,
        banned: tuple[IntArray, IntArray] | None = None,
        into: Lists | None = None,
    ) -> BlockScan:
        """Read the cells ``r`` × ``c`` once, keeping what a scan asks for.

        A cell is *usable* when it is feasible, scores above 0 and is not
        ``banned`` (``(ptr, rows)``: per column of the case, the rows it may not
        take); its reduced cost is ``q - u - v``. ``known = (row_ub, col_ub)``
        bounds every cell's ``q`` by ``min(row_ub[i], col_ub[j])``: cells whose
        bound (or the formula's own: with a perfect skill fit, then with each
        needed category fitted at the cadre's best level in it) cannot clear
        ``floor`` are not scored. ``only = (rows, cols)``
        masks keep the cells on a marked row or a marked column.
        ``above_floor`` (default ``floor``) is the floor of the ``above`` pairs;
        cells are skipped below the lower of the two. Without ``row_k`` and
        ``col_k`` no lists are kept, and the ``*_rest`` bounds are ``+inf``
        (nothing known). ``into`` is a reserve's lists
        (:attr:`matcher.stream.reserve.ColumnReserve.lists`): the pairs above the
        floor are offered to their demand's list in place (by score ``q``)
        instead of being returned in ``above``, and with no lists of its own
        to fill, the scan skips cells whose bound cannot beat their demand's
        bar. Only one thread at a time may fill a given column.
        """
        keep = floor if above_floor is None else above_floor
        skip = min(floor, keep)
        k_rows = np.zeros(r.size, np.int64) if row_k is None else row_k.astype(np.int64)
        width = int(k_rows.max(initial=0)) + 1
        kr, kc = known if known is not None else self._unbounded
        on_r, on_c = only if only is not None else self._everywhere
        b_ptr, b_row = banned if banned is not None else self._no_bans
        res_q, res_row, res_size, res_floor, res_k = into if into is not None else self._no_lists
        out = scan_block(
            r.astype(np.int64),
            c.astype(np.int64),
            u,
            v,
            float(skip),
            keep_above and keep < np.inf,
            float(keep),
            k_rows,
            width,
            int(col_k),
            known is not None and skip < np.inf,
            kr,
            kc,
            on_r,
            on_c,
            b_ptr,
            b_row,
            into is not None,
            res_q,
            res_row,
            res_size,
            res_floor,
            int(res_k),
            row_k is not None or col_k > 0,
            self.data,
            self.by_category,
        )
        a_r, a_c, a_q, r_val, r_col, r_q, r_rest, c_val, c_row, c_q, c_rest, feas = out
        return BlockScan(
            a_r, a_c, a_q, r_val, r_col, r_q, r_rest, c_val, c_row, c_q, c_rest, int(feas)
        )


@kernel
def merge_lists(val, idx, qs, dropped, at, b_val, b_idx, b_q, b_rest):  # type: ignore[no-untyped-def]
    """Merge sorted best-first lists ``b_*`` into rows ``at`` of ``val``/``idx``/``qs``
    (same length ``k``, sorted best first); ``dropped[at]`` keeps the best value
    that fell out of either, or that ``b_rest`` says the block left out."""
    k = val.shape[1]
    m_val, m_idx, m_q = np.empty(k), np.empty(k, np.int64), np.empty(k)
    for a in range(at.size):
        j = at[a]
        dropped[j] = max(dropped[j], b_rest[a])
        if k == 0 or b_val[a, 0] <= val[j, k - 1]:
            if k:  # nothing of the block's gets in: its best is only left out
                dropped[j] = max(dropped[j], b_val[a, 0])
            continue
        x = y = 0
        for p in range(k):
            if y >= k or (x < k and val[j, x] >= b_val[a, y]):
                m_val[p], m_idx[p], m_q[p] = val[j, x], idx[j, x], qs[j, x]
                x += 1
            else:
                m_val[p], m_idx[p], m_q[p] = b_val[a, y], b_idx[a, y], b_q[a, y]
                y += 1
        if x < k:
            dropped[j] = max(dropped[j], val[j, x])
        if y < k:
            dropped[j] = max(dropped[j], b_val[a, y])
        val[j], idx[j], qs[j] = m_val, m_idx, m_q
