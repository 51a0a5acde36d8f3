"""Compiled scan of pair blocks for the streamed engine (city and metro pools).

Why: :meth:`matcher.scoring.Scorer.grid` scores a block in numpy, about fifty
passes over every cell (one per tag, per rule, per term) with a temporary array
each, and the scan then sorted whole blocks to find each row's and column's
best pairs. A city scan reads 160 million cells, several times per proposal,
so those passes were most of a big proposal's time and memory. Here each cell
is read once, in one compiled loop that touches only the tags its demand needs
and requires, skips cells a bound rules out before scoring them, and keeps
only what the scan asks for: the pairs above a floor and small sorted lists of
each row's and column's best. No block-sized array is ever made.

The arithmetic is the numpy formula's, operation for operation, so every grid
score equals :meth:`Scorer.grid`'s bit for bit (``tests/test_fastscore.py``).

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

from dataclasses import dataclass

import numba
import numpy as np
import numpy.typing as npt

from matcher.bestk import offer
from matcher.scoring import DECIMALS, Scorer
from matcher.solver import SCALE

__all__ = ["BlockScan", "Packed", "merge_lists"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
IndexArray = npt.NDArray[np.intp]
BoolArray = npt.NDArray[np.bool_]
#: a :class:`~matcher.reserve.ColumnReserve`'s lists: ``(q, row, size, floor, k)``
Lists = tuple[FloatArray, npt.NDArray[np.int32], IntArray, FloatArray, int]
_ROUND = 10.0**DECIMALS


def _csr(levels: FloatArray) -> tuple[IntArray, IntArray, FloatArray]:
    """Each row's nonzero tags in ascending order (the order numpy adds them in)."""
    rows, tags = np.nonzero(levels > 0)
    ptr = np.zeros(levels.shape[0] + 1, np.int64)
    np.cumsum(np.bincount(rows, minlength=levels.shape[0]), out=ptr[1:])
    return ptr, tags.astype(np.int64), levels[rows, tags]


def _by_category(
    sc: Scorer,
) -> tuple[FloatArray, IntArray, IntArray, FloatArray, FloatArray, FloatArray]:
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
    rows, cols = keys >> 32, keys & 0xFFFFFFFF
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
    this block. ``feasible``: cells read that pass every hard rule.
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
            sc.red | (sc.capacity == 0),
            sc.home.astype(np.int64),
            sc.where.astype(np.int64),
            sc.limit.astype(np.float64),
            sc.status_term.astype(np.float64),
            sc.fill.astype(np.float64),
            sc.total_need.astype(np.float64),
            np.ascontiguousarray(km_t),
            float(sc.w_skill),
            float(sc.w_travel),
        )
        self.by_category = _by_category(sc)
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
        (:attr:`matcher.reserve.ColumnReserve.lists`): the pairs above the
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
        out = _scan(
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


@numba.njit(cache=True, nogil=True, inline="always")
def _insert(val, idx, qs, row, width, x, k, q):  # type: ignore[no-untyped-def]
    """Put ``x`` into the sorted (best first) list ``val[row, :width]``."""
    p = width - 1
    while p > 0 and val[row, p - 1] < x:
        val[row, p], idx[row, p], qs[row, p] = val[row, p - 1], idx[row, p - 1], qs[row, p - 1]
        p -= 1
    val[row, p], idx[row, p], qs[row, p] = x, k, q


@numba.njit(cache=True, nogil=True, inline="always")
def _bound(row_ub, col_ub, top_j, status_i, w_travel_grid, km):  # type: ignore[no-untyped-def]
    """The most a cell can score (grid units): the bounds the caller knows, and
    the formula's own with a perfect skill fit."""
    return min(row_ub, col_ub, top_j + status_i - w_travel_grid * km)


@numba.njit(cache=True, nogil=True)
def _scan(  # type: ignore[no-untyped-def]
    r, c, u, v, floor, keep_above, above_floor, k_rows, width, col_k, bounded,
    kr, kc, on_r, on_c, b_ptr, b_row, into, res_q, res_row, res_size, res_floor, res_k,
    lists, data, by_cat,
):  # fmt: skip
    (
        eff, own, need_ptr, need_tag, need_lvl, req_ptr, req_tag, req_lvl,
        missing, wanted, dead, home, where, limit, status, fill, total, km_t,
        w_skill, w_travel,
    ) = data  # fmt: skip
    cat_top, dc_ptr, dc_cat, dc_n, dc_sum, dc_max = by_cat
    nr, nc = r.size, c.size
    tags, words = eff.shape[1], wanted.shape[1]
    # the block's rows gathered tag-major, so each requires filter reads one tag's run
    eff_b, own_b = np.empty((tags, nr)), np.empty((tags, nr))
    miss_b = np.empty((words, nr), np.uint64)
    cats = cat_top.shape[1]
    top_b = np.empty((cats, nr))
    for ii in range(nr):
        for t in range(tags):
            eff_b[t, ii] = eff[r[ii], t]
            own_b[t, ii] = own[r[ii], t]
        for w in range(words):
            miss_b[w, ii] = missing[r[ii], w]
        for g in range(cats):
            top_b[g, ii] = cat_top[r[ii], g]
    home_b, lim_b, u_b, kr_b = home[r], limit[r], u[r], kr[r]
    st_raw = status[r]
    st_b = st_raw * SCALE
    wt_s = w_travel * SCALE
    open_b = ~dead[r]
    on_b = on_r[r]
    # a partial scan (edits, re-pricing) marks few rows: a column left unmarked
    # walks only those instead of every row of the block
    marked = np.empty(nr, np.int64)
    n_marked = 0
    for ii in range(nr):
        if on_b[ii]:
            marked[n_marked] = ii
            n_marked += 1
    # each column's candidate rows: the cheap rules run over the whole block, the
    # dearer ones only over the rows still in play
    live = np.empty(nr, np.int64)
    cov = np.empty(nr)
    # runs of consecutive rows sharing a home (blocks are sorted by home), each
    # with its farthest traveller: a column out of a run's reach skips it whole
    run_start = np.empty(nr + 1, np.int64)
    run_home = np.empty(nr, np.int64)
    run_lim = np.empty(nr)
    n_runs = 0
    for ii in range(nr):
        if ii == 0 or home_b[ii] != home_b[ii - 1]:
            run_start[n_runs], run_home[n_runs], run_lim[n_runs] = ii, home_b[ii], lim_b[ii]
            n_runs += 1
        else:
            run_lim[n_runs - 1] = max(run_lim[n_runs - 1], lim_b[ii])
    run_start[n_runs] = nr
    # each tag's holders among the block's rows, in row order: a column that
    # requires tags starts from the holders of its rarest one
    tag_ptr = np.zeros(tags + 1, np.int64)
    for t in range(tags):
        held = 0
        for ii in range(nr):
            if own_b[t, ii] > 0:
                held += 1
        tag_ptr[t + 1] = tag_ptr[t] + held
    tag_rows = np.empty(tag_ptr[tags], np.int64)
    for t in range(tags):
        at = tag_ptr[t]
        for ii in range(nr):
            if own_b[t, ii] > 0:
                tag_rows[at] = ii
                at += 1
    row_val = np.full((nr, width), -np.inf)
    row_col = np.zeros((nr, width), np.int64)
    row_q = np.zeros((nr, width))
    col_val = np.full((nc, col_k + 1), -np.inf)
    col_row = np.zeros((nc, col_k + 1), np.int64)
    col_q = np.zeros((nc, col_k + 1))
    cap = 1024
    a_r, a_c, a_q = np.empty(cap, np.int64), np.empty(cap, np.int64), np.empty(cap)
    n_above = 0
    feasible = 0
    for jj in range(nc):
        j = c[jj]
        vj, fj, tot, kc_j, on_j = v[j], fill[j], total[j], kc[j], on_c[j]
        # filling a demand's list (and no lists of the scan's own), a cell whose
        # bound cannot beat the list's bar is of no use: skip it unscored
        bar_j = res_floor[j] if into and not lists else -np.inf
        bound_j = bounded or bar_j > -np.inf
        fl = floor if bounded else -np.inf
        row_km = km_t[where[j]]
        # no pair of this column scores above fill + w_skill + status - travel
        # (fit <= 1; grid units, with room for the rounding of each term)
        top_j = (fj + w_skill + 3e-4) * SCALE
        first, span = -1, nr
        for p in range(req_ptr[j], req_ptr[j + 1]):
            t = req_tag[p]
            if req_lvl[p] > 0 and tag_ptr[t + 1] - tag_ptr[t] < span:
                first, span = t, tag_ptr[t + 1] - tag_ptr[t]
        nl = 0
        by_mark = not on_j and n_marked < span
        if by_mark or first >= 0:
            for x in range(n_marked if by_mark else span):
                ii = marked[x] if by_mark else tag_rows[tag_ptr[first] + x]
                km = row_km[home_b[ii]]
                if (
                    open_b[ii]
                    and km <= lim_b[ii]
                    and (on_j or on_b[ii])
                    and (
                        not bound_j
                        or _bound(kr_b[ii], kc_j, top_j, st_b[ii], wt_s, km)
                        > max(u_b[ii] + vj + fl, bar_j)
                    )
                ):
                    live[nl] = ii
                    nl += 1
        else:
            # a home out of reach skips its whole run of rows at once. The test
            # below repeats the one above on purpose: an inlined helper for it
            # doubled the scan's time (measured; the compiler lost the loop)
            for g in range(n_runs):
                km = row_km[run_home[g]]
                if km > run_lim[g]:
                    continue
                for ii in range(run_start[g], run_start[g + 1]):
                    if (
                        open_b[ii]
                        and km <= lim_b[ii]
                        and (on_j or on_b[ii])
                        and (
                            not bound_j
                            or _bound(kr_b[ii], kc_j, top_j, st_b[ii], wt_s, km)
                            > max(u_b[ii] + vj + fl, bar_j)
                        )
                    ):
                        live[nl] = ii
                        nl += 1
        for p in range(req_ptr[j], req_ptr[j + 1]):
            t, lvl = req_tag[p], req_lvl[p]
            kept = 0
            for x in range(nl):
                ii = live[x]
                if own_b[t, ii] >= lvl:
                    live[kept] = ii
                    kept += 1
            nl = kept
        for w in range(words):
            want = wanted[j, w]
            if want:
                kept = 0
                for x in range(nl):
                    ii = live[x]
                    if (miss_b[w, ii] & want) == 0:
                        live[kept] = ii
                        kept += 1
                nl = kept
        feasible += nl
        if bound_j and tot > 0:
            # a tighter bound on the skill fit before scoring: within each of the
            # demand's categories, no tag fits better than the cadre's best level
            # there (nor better than the category's needs; a cadre without the
            # category fits nothing in it: four reachable cells in ten at city
            # size). Like the perfect-fit bound, it skips only cells that cannot
            # clear the floor, so lists keep every pair above it.
            for x in range(nl):
                cov[x] = 0.0
            for p in range(dc_ptr[j], dc_ptr[j + 1]):
                tg, cn, cs, cm = top_b[dc_cat[p]], dc_n[p], dc_sum[p], dc_max[p]
                for x in range(nl):
                    cov[x] += min(cs, cn * min(tg[live[x]], cm))
            scale = w_skill / tot
            base = (fj + 3e-4) * SCALE
            for x in range(nl):
                ii = live[x]
                b = base + scale * cov[x] * SCALE + st_b[ii] - wt_s * row_km[home_b[ii]]
                cov[x] = min(b, kr_b[ii]) - max(u_b[ii] + vj + fl, bar_j)
            kept = 0
            for x in range(nl):
                if cov[x] > 0.0 and kc_j > max(u_b[live[x]] + vj + fl, bar_j):
                    live[kept] = live[x]
                    kept += 1
            nl = kept
        # the Scorer.grid formula, operation for operation
        for x in range(nl):
            cov[x] = 0.0
        for p in range(need_ptr[j], need_ptr[j + 1]):
            et = eff_b[need_tag[p]]
            lv = need_lvl[p]
            for x in range(nl):
                cov[x] += min(et[live[x]], lv)
        # scores first, in a loop free of branches and stores the compiler can
        # vectorise; the selection below is the branchy part, per scored cell
        if tot > 0:
            for x in range(nl):
                cov[x] = cov[x] / tot
        else:
            for x in range(nl):
                cov[x] = 1.0
        for x in range(nl):
            ii = live[x]
            score = np.rint(w_skill * cov[x] * _ROUND) / _ROUND + 0.0
            score += fj
            score += np.rint(-w_travel * row_km[home_b[ii]] * _ROUND) / _ROUND + 0.0
            score += st_raw[ii]
            cov[x] = np.rint(score * SCALE)
        for x in range(nl):
            q = cov[x]
            if q <= 0.0:
                continue
            ii = live[x]
            i = r[ii]
            hit = False
            for p in range(b_ptr[j], b_ptr[j + 1]):
                if b_row[p] == i:
                    hit = True
            if hit:
                continue
            gain = q - u_b[ii] - vj
            if into:
                if keep_above and gain > above_floor:
                    offer(res_q, res_row, res_size, res_floor, res_k, j, i, q)
            elif keep_above and gain > above_floor:
                if n_above == cap:
                    cap *= 2
                    a_r2, a_c2, a_q2 = (
                        np.empty(cap, np.int64),
                        np.empty(cap, np.int64),
                        np.empty(cap),
                    )
                    a_r2[:n_above], a_c2[:n_above], a_q2[:n_above] = a_r, a_c, a_q
                    a_r, a_c, a_q = a_r2, a_c2, a_q2
                a_r[n_above], a_c[n_above], a_q[n_above] = i, j, q
                n_above += 1
            if not lists:
                continue
            w = k_rows[ii] + 1
            if gain > row_val[ii, w - 1]:
                _insert(row_val, row_col, row_q, ii, w, gain, j, q)
            if gain > col_val[jj, col_k]:
                _insert(col_val, col_row, col_q, jj, col_k + 1, gain, i, q)
    row_rest = np.full(nr, np.inf if not lists else -np.inf)
    for ii in range(nr):
        if lists:
            row_rest[ii] = row_val[ii, k_rows[ii]]
        row_val[ii, k_rows[ii] :] = -np.inf
    col_rest = col_val[:, col_k].copy() if lists else np.full(nc, np.inf)
    return (
        a_r[:n_above].copy(),
        a_c[:n_above].copy(),
        a_q[:n_above].copy(),
        row_val,
        row_col,
        row_q,
        row_rest,
        col_val[:, :col_k].copy(),
        col_row[:, :col_k].copy(),
        col_q[:, :col_k].copy(),
        col_rest,
        feasible,
    )


@numba.njit(cache=True, nogil=True)
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
