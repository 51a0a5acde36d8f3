"""Why demands stay unfilled, counted over every cadre a machine word at a time.

Why: a city leaves hundreds (a sparse one thousands) of demands short, and each
explanation counts, over all 20,000 cadres, who fails which hard rule, who fails
that rule alone, and why the qualified ones went elsewhere. Each rule's verdict
on a demand is a union of bit sets made once per key
(:mod:`matcher.explain.verdicts`; ``travel`` per demand, each cadre judged by
its definition), so a demand's counts are word-wide unions and population
counts, and only the cadres passing every rule are read one by one to score
them. The counts are exactly those :func:`matcher.explain.explain_columns`
takes from a :class:`~matcher.scoring.ScoreMatrix` (tested).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from matcher.explain.reasons import Counts
from matcher.explain.verdicts import Verdicts, lowest_bit, popcount, verdicts
from matcher.rules import Rule, compiled
from matcher.solver.kernels import kernel
from matcher.stream.kernel import ROUND
from matcher.stream.packed import Packed, by_column

__all__ = ["explain_counts", "per_demand"]

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
#: the travel rule's definition, compiled (numba reads these globals as constants)
_too_far = compiled()[Rule.TRAVEL]
#: each rule's column in the counts
STATUS, CAPACITY, REQUIRES, CERTS, TRAVEL, AVAILABILITY, AWAY = (int(r) for r in Rule)
N_RULES = len(Rule)


def per_demand(keys: IntArray, m: int) -> tuple[IntArray, IntArray]:
    """:func:`~matcher.solver.keys.pair_keys` as per-demand cadre lists, built once
    for every block of demands a proposal explains."""
    return by_column(np.asarray(keys, np.int64), m)


def explain_counts(
    packed: Packed,
    cols: IntArray,
    capacity: IntArray,
    load: IntArray,
    top_prio: FloatArray,
    prio: FloatArray,
    chosen: tuple[IntArray, IntArray],
    banned: tuple[IntArray, IntArray],
    judged: Verdicts | None = None,
) -> Counts:
    """:class:`~matcher.explain.reasons.Counts` for demands ``cols`` against every cadre.

    ``capacity``/``load``/``top_prio`` are per cadre (what it may take, what the
    plan gives it, the highest priority it serves); ``prio`` per demand;
    ``chosen`` and ``banned`` are the plan's pairs and the pairs that may not be
    used, as per-demand cadre lists (:func:`per_demand`). ``judged``: verdicts
    made for a set of demands holding ``cols`` (made here if not given), so
    blocks of one proposal's demands share them.
    """
    cols = np.asarray(cols, np.int64)
    v = verdicts(packed, cols) if judged is None else judged
    (c_ptr, c_row), (b_ptr, b_row) = chosen, banned
    out = _counts(
        cols,
        np.asarray(capacity, np.int64),
        np.asarray(load, np.int64),
        np.asarray(top_prio, np.float64),
        np.asarray(prio, np.float64),
        c_ptr,
        c_row,
        b_ptr,
        b_row,
        packed.data,
        (v.order, v.home, v.limit, v.valid, v.status, v.capacity),
        (v.req_row, v.requires, v.certs, v.window_row, v.availability, v.span_row, v.away),
    )
    return Counts(*out)


@kernel
def _counts(  # type: ignore[no-untyped-def]
    c, cap, load, top, prio, c_ptr, c_row, b_ptr, b_row, data, cadres, keyed,
):  # fmt: skip
    (
        eff, own, need_ptr, need_tag, need_lvl, req_ptr, _req_tag, _req_lvl,
        _missing, wanted, _dead, home, where, _limit, cadre, fill, total, km_t,
        w_skill, w_travel, w_home, t_pattern, _t_absence, t_window, t_span, t_outside, _t_away,
    ) = data  # fmt: skip
    order, home_o, limit_o, valid, status, no_cap = cadres
    req_row, requires, certs, window_row, avail, span_row, away = keyed
    n, k, size = own.shape[0], c.size, valid.size
    excluded = np.zeros((k, N_RULES), np.int64)
    only = np.zeros((k, N_RULES), np.int64)
    qualified = np.zeros(k, np.int64)
    here = np.zeros(k, np.int64)
    busy = np.zeros(k, np.int64)
    higher = np.zeros(k, np.int64)
    weak = np.zeros(k, np.int64)
    free = np.zeros(k, np.int64)
    by_free = np.zeros(t_outside.shape[0], np.int64)  # who fails availability alone
    mark = np.zeros(n, np.int8)  # 1: on this demand, 2: may not be used here
    short = np.zeros(size, np.uint64)
    lacks = np.zeros(size, np.uint64)
    far = np.zeros(size, np.uint64)
    never = np.zeros(size, np.uint64)  # an ongoing demand passes the time rules
    fw = np.zeros(N_RULES, np.uint64)
    zero = np.uint64(0)
    last = -1
    # by community: demands in one community share their travel verdict
    for jj in np.argsort(where[c], kind="mergesort"):
        j = c[jj]
        for p in range(c_ptr[j], c_ptr[j + 1]):
            mark[c_row[p]] = 1
        for p in range(b_ptr[j], b_ptr[j + 1]):
            mark[b_row[p]] = 2
        short[:] = 0
        for p in range(req_ptr[j], req_ptr[j + 1]):
            short |= requires[req_row[p]]
        lacks[:] = 0
        for word in range(wanted.shape[1]):
            x = wanted[j, word]
            while x != zero:
                lacks |= certs[64 * word + lowest_bit(x)]
                x &= x - np.uint64(1)
        if where[j] != last:
            last = where[j]
            row_km = km_t[last]
            for w in range(size):  # each word made in a register, not bit by bit in memory
                x, base = zero, 64 * w
                for b in range(min(64, n - base)):
                    if _too_far(row_km[home_o[base + b]], limit_o[base + b]):
                        x |= np.uint64(1) << np.uint64(b)
                far[w] = x
        wj, sj = t_window[j], t_span[j]
        dated = wj != 0 or sj != 0
        unfree = avail[window_row[wj]] if dated else never
        gone = away[span_row[sj]] if dated else never
        fj, tot = fill[j], total[j]
        for w in range(size):
            fw[STATUS], fw[CAPACITY], fw[REQUIRES] = status[w], no_cap[w], short[w]
            fw[CERTS], fw[TRAVEL], fw[AVAILABILITY], fw[AWAY] = lacks[w], far[w], unfree[w], gone[w]
            ones = twos = zero
            for r in range(N_RULES):
                twos |= ones & fw[r]
                ones |= fw[r]
            alone = ones & ~twos
            for r in range(N_RULES):
                excluded[jj, r] += popcount(fw[r])
                only[jj, r] += popcount(fw[r] & alone)
            x = fw[AVAILABILITY] & alone
            while x != zero:
                by_free[t_pattern[order[64 * w + lowest_bit(x)]]] += 1
                x &= x - np.uint64(1)
            x = valid[w] & ~ones
            while x != zero:
                i = order[64 * w + lowest_bit(x)]
                x &= x - np.uint64(1)
                if mark[i] == 2:
                    continue
                qualified[jj] += 1
                if mark[i] == 1:
                    here[jj] += 1
                elif load[i] >= cap[i]:
                    busy[jj] += 1
                    if top[i] >= prio[j]:
                        higher[jj] += 1
                else:
                    # the Scorer.block formula, operation for operation
                    km = km_t[where[j], home[i]]
                    covered = 0.0
                    for p in range(need_ptr[j], need_ptr[j + 1]):
                        covered += min(eff[i, need_tag[p]], need_lvl[p])
                    fit = covered / tot if tot > 0 else 1.0
                    score = np.rint(w_skill * fit * ROUND) / ROUND + 0.0
                    score += fj
                    score += np.rint(-w_travel * km * ROUND) / ROUND + 0.0
                    if w_home > 0.0 and home[i] == where[j]:
                        score += w_home
                    score += cadre[i]
                    if score <= 0.0:
                        weak[jj] += 1
        for p in range(by_free.size):
            if by_free[p] > by_free[free[jj]]:
                free[jj] = p
        by_free[:] = 0
        for p in range(c_ptr[j], c_ptr[j + 1]):
            mark[c_row[p]] = 0
        for p in range(b_ptr[j], b_ptr[j + 1]):
            mark[b_row[p]] = 0
    return excluded, only, qualified, here, busy, higher, weak, free
