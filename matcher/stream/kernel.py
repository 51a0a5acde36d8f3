"""The compiled loop of :class:`matcher.stream.packed.Packed.scan`: one block of cells.

Kept apart from the packing and the results (:mod:`matcher.stream.packed`), which
say what a scan reads and keeps; this is how it does so in one pass per cell.
The arithmetic is :meth:`matcher.scoring.Scorer.grid`'s, operation for
operation, so every grid score it computes equals the numpy formula's, and the
hard rules are :mod:`matcher.rules`' definitions, compiled and inlined (the
cadre-only ones, ``status`` and ``capacity``, come packed as ``dead``; the time
rules run only on the columns of dated orders).
"""

from __future__ import annotations

import numpy as np

from matcher.rules import Rule, compiled
from matcher.solver import SCALE
from matcher.solver.kernels import kernel
from matcher.stream.bestk import offer
from matcher.terms import DECIMALS

__all__ = ["ROUND", "scan_block"]

#: the grid of each score term (``DECIMALS`` places), as a factor
ROUND = 10.0**DECIMALS
#: the per-pair hard rules, compiled (numba reads these globals as constants)
_short_of = compiled()[Rule.REQUIRES]
_lacks_cert = compiled()[Rule.CERTS]
_too_far = compiled()[Rule.TRAVEL]
_unavailable = compiled()[Rule.AVAILABILITY]
_away_then = compiled()[Rule.AWAY]


@kernel(inline=True)
def _insert(val, idx, qs, row, width, x, k, q):  # type: ignore[no-untyped-def]
    """Put ``x`` into the sorted (best first) list ``val[row, :width]``."""
    p = width - 1
    while p > 0 and val[row, p - 1] < x:
        val[row, p], idx[row, p], qs[row, p] = val[row, p - 1], idx[row, p - 1], qs[row, p - 1]
        p -= 1
    val[row, p], idx[row, p], qs[row, p] = x, k, q


@kernel(inline=True)
def _bound(row_ub, col_ub, top_j, cadre_i, w_travel_grid, km):  # type: ignore[no-untyped-def]
    """The most a cell can score (grid units): the bounds the caller knows, and
    the formula's own with a perfect skill fit (``cadre_i``: the cadre's own
    terms, status and the record's, summed)."""
    return min(row_ub, col_ub, top_j + cadre_i - w_travel_grid * km)


@kernel
def scan_block(  # type: ignore[no-untyped-def]
    r, c, u, v, floor, keep_above, above_floor, k_rows, width, col_k, bounded,
    kr, kc, on_r, on_c, b_ptr, b_row, into, res_q, res_row, res_size, res_floor, res_k,
    lists, data, by_cat,
):  # fmt: skip
    (
        eff, own, need_ptr, need_tag, need_lvl, req_ptr, req_tag, req_lvl,
        missing, wanted, dead, home, where, limit, cadre, fill, total, km_t,
        w_skill, w_travel, w_home, t_pattern, t_absence, t_window, t_span, t_outside, t_away,
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
    st_raw = cadre[r]
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
        # no pair of this column scores above fill + w_skill + home + cadre terms - travel
        # (fit <= 1; grid units, with room for the rounding of each term)
        top_j = (fj + w_skill + w_home + 3e-4) * SCALE
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
                    and not _too_far(km, lim_b[ii])
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
            # below repeats the one above on purpose, written out rather than
            # a helper taking its parts: a call evaluates every argument, where
            # ``and`` skips the bound for a cell out of reach (docs/scale.md)
            for g in range(n_runs):
                km = row_km[run_home[g]]
                if _too_far(km, run_lim[g]):
                    continue
                for ii in range(run_start[g], run_start[g + 1]):
                    if (
                        open_b[ii]
                        and not _too_far(km, lim_b[ii])
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
                if not _short_of(own_b[t, ii], lvl):
                    live[kept] = ii
                    kept += 1
            nl = kept
        for w in range(words):
            want = wanted[j, w]
            if want:
                kept = 0
                for x in range(nl):
                    ii = live[x]
                    if not _lacks_cert(miss_b[w, ii], want):
                        live[kept] = ii
                        kept += 1
                nl = kept
        wj, sj = t_window[j], t_span[j]
        if wj or sj:  # a dated order: the time rules
            kept = 0
            for x in range(nl):
                i = r[live[x]]
                if not _unavailable(t_outside, t_pattern[i], wj) and not _away_then(
                    t_away, t_absence[i], sj
                ):
                    live[kept] = live[x]
                    kept += 1
            nl = kept
        feasible += nl
        if bound_j and tot > 0:
            # a tighter bound on the skill fit before scoring: within each of the
            # demand's categories, no tag fits better than the cadre's best level
            # there (nor better than the category's needs; a cadre without the
            # category fits nothing in it, and many reachable cells lack it).
            # Like the perfect-fit bound, it skips only cells that cannot
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
                if w_home > 0.0 and home_b[ii] == where[j]:
                    b += w_home * SCALE
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
            score = np.rint(w_skill * cov[x] * ROUND) / ROUND + 0.0
            score += fj
            score += np.rint(-w_travel * row_km[home_b[ii]] * ROUND) / ROUND + 0.0
            if w_home > 0.0 and home_b[ii] == where[j]:
                score += w_home
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
