"""Independent references for tests: brute force and a MILP, the scoring formula by hand,
the hard rules checked on a proposal.

None shares code with matcher.solver or matcher.scoring, so agreement means something.
"""

from __future__ import annotations

import itertools
from collections import Counter

import numpy as np
import pytest
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import lil_matrix

from matcher import Case, Status
from matcher.geo import haversine_km


def brute_force(scores, feasible, capacity, headcount) -> float:  # type: ignore[no-untyped-def]
    """Best total over every subset of feasible pairs (tiny cases only)."""
    n, m = scores.shape
    pairs = [(i, j) for i in range(n) for j in range(m) if feasible[i, j]]
    best = 0.0
    for r in range(len(pairs) + 1):
        for sub in itertools.combinations(pairs, r):
            rows = np.bincount([i for i, _ in sub], minlength=n)
            cols = np.bincount([j for _, j in sub], minlength=m)
            if (rows <= capacity).all() and (cols <= headcount).all():
                best = max(best, float(sum(scores[i, j] for i, j in sub)))
    return best


def milp_optimum(scores, feasible, capacity, headcount) -> float:  # type: ignore[no-untyped-def]
    """Optimum of the b-matching as an explicit integer program (HiGHS branch and bound)."""
    n, m = scores.shape
    er, ec = np.nonzero(feasible)
    if er.size == 0:
        return 0.0
    a = lil_matrix((n + m, er.size))
    for k, (i, j) in enumerate(zip(er, ec, strict=True)):
        a[i, k] = 1
        a[n + j, k] = 1
    res = milp(
        -scores[er, ec],
        integrality=np.ones(er.size),
        bounds=Bounds(0, 1),
        constraints=LinearConstraint(a.tocsr(), -np.inf, np.concatenate([capacity, headcount])),
        options={"mip_rel_gap": 0.0},
    )
    assert res.status == 0, res.message
    return float(-res.fun)


def by_hand(case: Case, i: int, j: int) -> tuple[bool, float]:
    """The docs/scoring.md formula, written out with no arrays."""
    c, d, pol, tax = case.cadres[i], case.demands[j], case.policy, case.taxonomy
    home, there = case.community(c.home), case.community(d.community)
    km = haversine_km(home.lat, home.lon, there.lat, there.lon)
    feasible = (
        c.status is not Status.RED
        and c.capacity > 0
        and all(c.skills.get(t, 0) >= lvl for t, lvl in d.requires.items())
        and all(x in c.certs for x in d.certs)
        and km <= c.max_travel_km
    )
    if not feasible:
        return False, 0.0

    def eff(t: str) -> float:
        sib = [c.skills.get(s, 0) for s in tax.siblings(t)]
        return max(c.skills.get(t, 0), pol.related_credit * max(sib, default=0))

    total = sum(d.needs.values())
    fit = sum(min(eff(t), lvl) for t, lvl in d.needs.items()) / total if total else 1.0
    w = pol.weights
    terms = [
        w.fill * d.priority,
        w.skill * fit,
        -w.travel_per_km * km,
        -w.yellow if c.status is Status.YELLOW else 0.0,
    ]
    return True, sum(round(x, 4) for x in terms)


def check_rules(case: Case, p) -> None:  # type: ignore[no-untyped-def]
    ci = {c.id: k for k, c in enumerate(case.cadres)}
    dj = {d.id: k for k, d in enumerate(case.demands)}
    pairs = [(a.cadre, a.demand) for a in p.assignments]
    assert len(set(pairs)) == len(pairs)
    for a in p.assignments:
        ok, score = by_hand(case, ci[a.cadre], dj[a.demand])
        assert ok, f"{a.cadre} → {a.demand} breaks a hard rule"
        assert a.score == pytest.approx(score, abs=1e-9)
        assert sum(a.breakdown.values()) == pytest.approx(a.score, abs=1e-9)
    load = Counter(c for c, _ in pairs)
    filled = Counter(d for _, d in pairs)
    assert all(load[c.id] <= c.capacity for c in case.cadres)
    assert all(filled[d.id] <= d.headcount for d in case.demands)


def milp_convex_load_optimum(  # type: ignore[no-untyped-def]
    scores, feasible, capacity, headcount, slot_cost, pinned=()
) -> float:
    """Optimum under a convex per-cadre load cost, as an explicit integer program.

    Variables: ``x`` per feasible pair and, per cadre ``i``, one binary slot
    variable ``y[i, k]`` for each of its ``capacity[i]`` slots costing
    ``slot_cost[k]`` (rising). ``Σ_j x[i, j] = Σ_k y[i, k]``: the cheapest slots
    are the ones a maximiser switches on, so the objective pays the convex cost
    of the cadre's load. ``pinned`` pairs are fixed to 1.
    """
    n, m = scores.shape
    er, ec = np.nonzero(feasible)
    sr = [i for i in range(n) for _ in range(int(capacity[i]))]
    sk = [k for i in range(n) for k in range(int(capacity[i]))]
    nx, ny = er.size, len(sr)
    if nx == 0:
        return 0.0
    a = lil_matrix((2 * n + m, nx + ny))
    for v, (i, j) in enumerate(zip(er, ec, strict=True)):
        a[i, v] = 1  # load of i ...
        a[n + j, v] = 1  # headcount of j
        a[n + m + i, v] = 1  # capacity of i
    for v, i in enumerate(sr):
        a[i, nx + v] = -1  # ... equals the slots switched on
    lo = np.concatenate([np.zeros(n), np.full(m, -np.inf), np.full(n, -np.inf)])
    hi = np.concatenate([np.zeros(n), headcount, capacity])
    c = np.concatenate([-scores[er, ec], [slot_cost[k] for k in sk]])
    lb = np.zeros(nx + ny)
    pins = set(pinned)
    for v, (i, j) in enumerate(zip(er, ec, strict=True)):
        if (int(i), int(j)) in pins:
            lb[v] = 1
    res = milp(
        c,
        integrality=np.ones(nx + ny),
        bounds=Bounds(lb, 1),
        constraints=LinearConstraint(a.tocsr(), lo, hi),
        options={"mip_rel_gap": 0.0},
    )
    assert res.status == 0, res.message
    return float(-res.fun)


def milp_lending_optimum(  # type: ignore[no-untyped-def]
    scores, feasible, capacity, headcount, lends, home, limit_left, lenders_left
) -> float:
    """Optimum under hard lending rules, as an explicit integer program.

    ``lends[i, j]``: pair (i, j) lends cadre i to another community; ``home[i]``
    the cadre's community; ``limit_left[c]`` lent pairs community c may still add
    (absent: no limit); ``lenders_left[c]`` how many of its cadres (those listed in
    ``lenders_left[c][1]``) may take any lent pair. One binary ``z[i]`` per listed
    cadre, linked pair by pair: ``x[i, j] ≤ z[i]`` for each lent pair (matcher uses
    no indicator for a cadre of capacity 1 and one aggregated row for the others):
    another formulation of the same problem.
    """
    n, m = scores.shape
    er, ec = np.nonzero(feasible)
    nx = er.size
    listed = sorted({i for _, rows in lenders_left.values() for i in rows})
    z = {i: nx + k for k, i in enumerate(listed)}
    nv = nx + len(listed)
    if nv == 0:
        return 0.0
    rows_a: list[dict[int, float]] = []
    hi: list[float] = []
    for i in range(n):
        rows_a.append({v: 1.0 for v in range(nx) if er[v] == i})
        hi.append(float(capacity[i]))
    for j in range(m):
        rows_a.append({v: 1.0 for v in range(nx) if ec[v] == j})
        hi.append(float(headcount[j]))
    for c, left in limit_left.items():
        rows_a.append({v: 1.0 for v in range(nx) if lends[er[v], ec[v]] and home[er[v]] == c})
        hi.append(float(left))
    for i in listed:
        for v in range(nx):
            if er[v] == i and lends[er[v], ec[v]]:
                rows_a.append({v: 1.0, z[i]: -1.0})
                hi.append(0.0)
    for most, rows in lenders_left.values():
        rows_a.append({z[i]: 1.0 for i in rows})
        hi.append(float(most))
    a = lil_matrix((len(rows_a), nv))
    for k, row in enumerate(rows_a):
        for v, x in row.items():
            a[k, v] = x
    res = milp(
        np.concatenate([-scores[er, ec], np.zeros(len(listed))]),
        integrality=np.ones(nv),
        bounds=Bounds(0, 1),
        constraints=LinearConstraint(a.tocsr(), -np.inf, np.array(hi)),
        options={"mip_rel_gap": 0.0},
    )
    assert res.status == 0, res.message
    return float(-res.fun)


def milp_timed_optimum(  # type: ignore[no-untyped-def]
    scores,
    feasible,
    capacity,
    headcount,
    start,
    end,
    week_hours,
    per_week,
    lending=None,
    held=None,
) -> float:
    """Optimum with dated orders, as a time-indexed integer program.

    ``start[j]``/``end[j]``: demand j's window in seconds (NaN: ongoing);
    ``week_hours[j]``: its hours per week key; ``per_week[i]``: cadre i's weekly
    limit (inf: none). For each cadre, time is cut at every start and end of its
    feasible dated demands; on each piece, its ongoing pairs plus the dated pairs
    covering the piece stay within capacity (no cliques, no auxiliary variables:
    matcher builds neither this way). ``held[i]`` lists windows ``(s, e)`` cadre i
    holds already: each piece's capacity drops by those covering it, the ongoing
    pairs' by the most at once. ``lending``, if given, is ``(lends, home,
    limit_left, lenders_left)`` as for :func:`milp_lending_optimum`, with one binary
    per listed cadre linked pair by pair.
    """
    n, m = scores.shape
    er, ec = np.nonzero(feasible)
    nx = er.size
    if nx == 0:
        return 0.0
    rows_a: list[dict[int, float]] = []
    hi: list[float] = []
    nz = 0
    if lending is not None:
        lends, home, limit_left, lenders_left = lending
        for c, left in limit_left.items():
            rows_a.append({v: 1.0 for v in range(nx) if lends[er[v], ec[v]] and home[er[v]] == c})
            hi.append(float(left))
        listed = sorted({i for _, rows in lenders_left.values() for i in rows})
        z = {i: nx + k for k, i in enumerate(listed)}
        nz = len(listed)
        for i in listed:
            for v in range(nx):
                if er[v] == i and lends[er[v], ec[v]]:
                    rows_a.append({v: 1.0, z[i]: -1.0})
                    hi.append(0.0)
        for most, rows in lenders_left.values():
            rows_a.append({z[i]: 1.0 for i in rows})
            hi.append(float(most))
    for j in range(m):
        rows_a.append({v: 1.0 for v in range(nx) if ec[v] == j})
        hi.append(float(headcount[j]))
    for i in range(n):
        mine = [v for v in range(nx) if er[v] == i]
        ongoing = [v for v in mine if np.isnan(start[ec[v]])]
        dated = [v for v in mine if not np.isnan(start[ec[v]])]
        mine_held = (held or {}).get(i, [])
        points = sorted({p for w in mine_held for p in w})
        busiest = max((sum(1 for s0, e0 in mine_held if s0 <= p < e0) for p in points), default=0)
        rows_a.append({v: 1.0 for v in ongoing})
        hi.append(float(max(capacity[i] - busiest, 0)))
        cuts = sorted(
            {float(start[ec[v]]) for v in dated} | {float(end[ec[v]]) for v in dated} | set(points)
        )
        for a, b in itertools.pairwise(cuts):
            mid = (a + b) / 2
            on = [v for v in dated if start[ec[v]] <= mid < end[ec[v]]]
            before = sum(1 for s0, e0 in mine_held if s0 <= mid < e0)
            if on:
                rows_a.append({v: 1.0 for v in ongoing + on})
                hi.append(float(max(capacity[i] - before, 0)))
        if np.isfinite(per_week[i]):
            weeks = {wk for v in dated for wk in week_hours[ec[v]]}
            for wk in weeks:
                rows_a.append({v: week_hours[ec[v]].get(wk, 0.0) for v in dated})
                hi.append(float(per_week[i]))
    a = lil_matrix((len(rows_a), nx + nz))
    for k, row in enumerate(rows_a):
        for v, x in row.items():
            if x:
                a[k, v] = x
    res = milp(
        np.concatenate([-scores[er, ec], np.zeros(nz)]),
        integrality=np.ones(nx + nz),
        bounds=Bounds(0, 1),
        constraints=LinearConstraint(a.tocsr(), -np.inf, np.array(hi)),
        options={"mip_rel_gap": 0.0},
    )
    assert res.status == 0, res.message
    return float(-res.fun)
