"""Why demands stay unfilled, counted in one compiled pass over every cadre.

Why: a city leaves hundreds of demands short, and each explanation counts, over
all 20,000 cadres, who fails which hard rule and why the qualified ones went
elsewhere. Scoring those blocks with the full breakdown in numpy built a dozen
cadres × demands arrays per block; here each cell is read once and only the
counts are kept. The counts are exactly those :func:`matcher.explain.
explain_columns` takes from a :class:`~matcher.scoring.ScoreMatrix` (tested).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from matcher.explain.reasons import Counts
from matcher.rules import Rule, compiled
from matcher.solver.jit import numba
from matcher.stream.kernel import ROUND
from matcher.stream.packed import Packed, by_column

__all__ = ["explain_counts", "per_demand"]

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
#: the hard rules' definitions, compiled (numba reads these globals as constants)
_withdrawn = compiled()[Rule.STATUS]
_no_capacity = compiled()[Rule.CAPACITY]
_short_of = compiled()[Rule.REQUIRES]
_lacks_cert = compiled()[Rule.CERTS]
_too_far = compiled()[Rule.TRAVEL]
_unavailable = compiled()[Rule.AVAILABILITY]
_away_then = compiled()[Rule.AWAY]
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
) -> Counts:
    """:class:`~matcher.explain.reasons.Counts` for demands ``cols`` against every cadre.

    ``capacity``/``load``/``top_prio`` are per cadre (what it may take, what the
    plan gives it, the highest priority it serves); ``prio`` per demand;
    ``chosen`` and ``banned`` are the plan's pairs and the pairs that may not be
    used, as per-demand cadre lists (:func:`per_demand`).
    """
    (c_ptr, c_row), (b_ptr, b_row) = chosen, banned
    out = _counts(
        np.asarray(cols, np.int64),
        np.asarray(capacity, np.int64),
        np.asarray(load, np.int64),
        np.asarray(top_prio, np.float64),
        np.asarray(prio, np.float64),
        c_ptr,
        c_row,
        b_ptr,
        b_row,
        packed.capacity,
        packed.red,
        packed.data,
    )
    return Counts(*out)


@numba.njit(cache=True, nogil=True)
def _counts(  # type: ignore[no-untyped-def]
    c, cap, load, top, prio, c_ptr, c_row, b_ptr, b_row, case_cap, red, data,
):  # fmt: skip
    (
        eff, own, need_ptr, need_tag, need_lvl, req_ptr, req_tag, req_lvl,
        missing, wanted, _dead, home, where, limit, cadre, fill, total, km_t,
        w_skill, w_travel, w_home, t_pattern, t_absence, t_window, t_span, t_outside, t_away,
    ) = data  # fmt: skip
    n, k = own.shape[0], c.size
    words = wanted.shape[1]
    excluded = np.zeros((k, N_RULES), np.int64)
    only = np.zeros((k, N_RULES), np.int64)
    qualified = np.zeros(k, np.int64)
    here = np.zeros(k, np.int64)
    busy = np.zeros(k, np.int64)
    higher = np.zeros(k, np.int64)
    weak = np.zeros(k, np.int64)
    by_free = np.zeros((k, t_outside.shape[0]), np.int64)  # who fails availability alone
    mark = np.zeros(n, np.int8)  # 1: on this demand, 2: may not be used here
    fails = np.zeros(N_RULES, np.bool_)
    for jj in range(k):
        j = c[jj]
        for p in range(c_ptr[j], c_ptr[j + 1]):
            mark[c_row[p]] = 1
        for p in range(b_ptr[j], b_ptr[j + 1]):
            mark[b_row[p]] = 2
        row_km = km_t[where[j]]
        fj, tot = fill[j], total[j]
        wj, sj = t_window[j], t_span[j]
        dated = wj != 0 or sj != 0  # an ongoing demand passes the time rules
        for i in range(n):
            km = row_km[home[i]]
            fails[STATUS] = _withdrawn(red[i])
            fails[CAPACITY] = _no_capacity(case_cap[i])
            short = False
            for p in range(req_ptr[j], req_ptr[j + 1]):
                if _short_of(own[i, req_tag[p]], req_lvl[p]):
                    short = True
            fails[REQUIRES] = short
            lacks = False
            for w in range(words):
                if _lacks_cert(missing[i, w], wanted[j, w]):
                    lacks = True
            fails[CERTS] = lacks
            fails[TRAVEL] = _too_far(km, limit[i])
            fails[AVAILABILITY] = dated and _unavailable(t_outside, t_pattern[i], wj)
            fails[AWAY] = dated and _away_then(t_away, t_absence[i], sj)
            n_fail = 0
            for r in range(N_RULES):
                if fails[r]:
                    n_fail += 1
                    excluded[jj, r] += 1
            if n_fail == 1:
                for r in range(N_RULES):
                    if fails[r]:
                        only[jj, r] += 1
                if fails[AVAILABILITY]:
                    by_free[jj, t_pattern[i]] += 1
            if n_fail or mark[i] == 2:
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
        for p in range(c_ptr[j], c_ptr[j + 1]):
            mark[c_row[p]] = 0
        for p in range(b_ptr[j], b_ptr[j + 1]):
            mark[b_row[p]] = 0
    free = np.zeros(k, np.int64)
    for jj in range(k):
        for p in range(by_free.shape[1]):
            if by_free[jj, p] > by_free[jj, free[jj]]:
                free[jj] = p
    return excluded, only, qualified, here, busy, higher, weak, free
