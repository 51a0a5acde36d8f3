"""Proposals under hard lending rules: a limit per community and a home floor.

A dispatch is *lent* when the cadre's home community is not the demand's
(the lending ledger, :mod:`matcher.record.ledger`, counts the same way).
``[lending]`` in the policy can hold two hard rules:

* ``max_lent`` / ``limits``: a community lends at most so many dispatches per
  period (``period_days``, ending today), counting what it already lent
  (:class:`LendingUse`, from the store) and what this plan lends;
* ``home_floor``: at least ``k`` of a community's able cadres (not withdrawn,
  capacity above 0) hold no lent dispatch, so they stay free for home demands.

Neither keeps the problem a network flow (:mod:`matcher.solver.sided` says
why), so a proposal under them is solved as a MILP by HiGHS to a zero gap over
every pair that can help (a pair scoring ≤ 0 never can: dropping it keeps every
row), and reports ``solver="milp"``, the dual ``bound`` and ``certified`` when
the bound proves the plan optimal. Alternates are not listed under these rules:
the exact price of forcing a pair would be one more MILP per pair.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from matcher.assemble import assemble
from matcher.constraints import Request
from matcher.errors import InputError, Problem, SolverError
from matcher.explain.streamed import explain_streamed
from matcher.loadcost import load_is_on, rest_slots
from matcher.params import DEFAULT, EngineParams
from matcher.progress import Progress
from matcher.proposal import Proposal
from matcher.solver.keys import pair_keys
from matcher.solver.sided import SideRows, solve_sided
from matcher.terms import DECIMALS

__all__ = ["LendingUse", "finish_lending", "lending_rows"]

IndexArray = npt.NDArray[np.intp]
#: the score grid of the MILP's integer weights (scores have 4 decimals)
GRID = 10**DECIMALS
#: rows of cadres scored at once while collecting the pairs that can help
BLOCK_ROWS = 256


@dataclass(frozen=True)
class LendingUse:
    """What a district's dispatches already take from the lending rules.

    ``lent``: community id → dispatches it lent in the period; ``away``: cadres
    holding an active lent dispatch now (they already count against the floor);
    ``unavailable``: cadres marked 暂不可派 now (at home but not free for home
    demands, so they do not count toward a community's floor).
    """

    lent: Mapping[str, int] = field(default_factory=dict)
    away: frozenset[str] = frozenset()
    unavailable: frozenset[str] = frozenset()


def _edges(req: Request, step: Progress) -> tuple[IndexArray, IndexArray, npt.NDArray[np.int64]]:
    """Every pair that can help (feasible, not excluded, scoring above 0, or
    pinned), one block of cadres at a time, with its weight on the score grid."""
    sc = req.sc
    rs, cs, ws = [np.zeros(0, np.intp)], [np.zeros(0, np.intp)], [np.zeros(0, np.int64)]
    for start in range(0, sc.n, BLOCK_ROWS):
        rows = np.arange(start, min(start + BLOCK_ROWS, sc.n))
        sm = sc.block(rows)
        i, j = np.nonzero(sm.feasible)
        score = sm.scores[i, j]
        keys = pair_keys(rows[i], j)
        keep = ((score > 0) | np.isin(keys, req.pin_keys)) & ~np.isin(keys, req.ban_keys)
        rs.append(rows[i][keep].astype(np.intp))
        cs.append(j[keep].astype(np.intp))
        ws.append(np.rint(score[keep] * GRID).astype(np.int64))
        step("scoring pairs", min(1.0, (start + rows.size) / max(sc.n, 1)))
    return np.concatenate(rs), np.concatenate(cs), np.concatenate(ws)


def _lent(req: Request, r: IndexArray, c: IndexArray) -> npt.NDArray[np.bool_]:
    """Which edges lend a cadre to another community (rest slots never do)."""
    sc, m = req.sc, req.sc.m
    out = np.zeros(r.size, bool)
    real = np.flatnonzero(c < m)
    out[real] = sc.home[r[real]] != sc.where[c[real]]
    return out


def lending_rows(
    req: Request,
    use: LendingUse,
    r: IndexArray,
    c: IndexArray,
    fixed: npt.NDArray[np.bool_],
) -> SideRows:
    """The side rows of the policy's lending rules over edges ``(r, c)`` (columns
    past the demands are rest slots, never lent). A right-hand side never falls
    below what the pinned pairs already take, so the problem stays feasible."""
    sc = req.sc
    case = sc.case
    rules = case.policy.lending
    lent = _lent(req, r, c)
    groups, group_rhs = [], []
    for k, comm in enumerate(case.communities):
        limit = rules.limit_of(comm.id)
        if limit is None:
            continue
        members = np.flatnonzero(lent & (sc.home[r] == k))
        rhs = max(limit - int(use.lent.get(comm.id, 0)), int(fixed[members].sum()))
        # the most this community could lend: each cadre's lent pairs, up to its capacity
        most = int(np.minimum(np.bincount(r[members], minlength=sc.n), req.cap).sum())
        if rhs < most:
            groups.append(members)
            group_rhs.append(rhs)
    if rules.home_floor <= 0:
        return SideRows(groups, group_rhs)
    away = np.array([x in use.away for x in sc.cadre_ids], bool)
    off = np.array([x in use.unavailable for x in sc.cadre_ids], bool)
    able = ~sc.red & (sc.capacity > 0) & ~off
    # a cadre already away counts against the floor and may lend more at no further cost
    flagged = lent & ~away[r]
    pinned_out = np.zeros(sc.n, bool)
    pinned_out[r[flagged & fixed]] = True
    could = np.zeros(sc.n, bool)
    could[r[flagged]] = True
    row_sets, row_rhs = [], []
    for k in range(len(case.communities)):
        own = (sc.home == k) & able
        free = np.flatnonzero(own & ~away)
        rhs = max(int(own.sum()) - rules.home_floor - int((own & away).sum()), 0)
        rhs = max(rhs, int(pinned_out[free].sum()))
        if rhs < int((could[free] & (req.cap[free] > 0)).sum()):
            row_sets.append(free.astype(np.intp))
            row_rhs.append(rhs)
    return SideRows(groups, group_rhs, flagged, row_sets, row_rhs)


def _check(req: Request) -> None:
    """Every community a limit names is one of the case's: a misspelt id would
    silently drop a hard rule."""
    sc = req.sc
    known = {c.id for c in sc.case.communities}
    bad = sorted(set(sc.case.policy.lending.limits) - known)
    if bad:
        raise InputError(
            "cannot propose with these constraints",
            [
                Problem(
                    "policy",
                    "lending limit for an unknown community",
                    column="lending.limits",
                    value=x,
                    hint="use a community id of this district",
                    code="problem.lending_unknown_community",
                    params={"community": x},
                )
                for x in bad
            ],
        )


def finish_lending(
    req: Request, use: LendingUse, step: Progress, params: EngineParams = DEFAULT
) -> Proposal | None:
    """The best plan under the lending rules, solved to a zero MILP gap,
    explained and assembled (see the module docstring); ``None`` when no rule
    can bind this plan, so that the usual engines solve it, with alternates."""
    _check(req)
    sc = req.sc
    n, m = sc.n, sc.m
    if n * m > params.stream_above * 8:
        raise InputError(
            "cannot propose with these constraints",
            [
                Problem(
                    "policy",
                    "lending limits are solved as a MILP over every pair; this pool is too big",
                    column="lending",
                    value=f"{n} × {m}",
                    hint="drop [lending] limits for this pool, or propose for a smaller one",
                    code="problem.lending_too_big",
                    params={"cadres": n, "demands": m},
                )
            ],
        )
    r, c, w = _edges(req, step)
    head, rest = req.head, 0
    if load_is_on(sc.case.policy):
        # the convex load cost's rest slots (matcher.loadcost) are edges like any other;
        # a plan earns them all less its load cost, so the bound drops by their sum
        rr, v = rest_slots(sc.case.policy, req.cap)
        rv = np.rint(v * GRID).astype(np.int64)
        r = np.concatenate([r, rr]).astype(np.intp)
        c = np.concatenate([c, np.arange(m, m + rr.size)]).astype(np.intp)
        w = np.concatenate([w, rv])
        head = np.concatenate([head, np.ones(rr.size, np.int64)])
        rest = int(rv.sum())
    fixed = np.zeros(r.size, bool)
    real = np.flatnonzero(c < m)
    fixed[real] = np.isin(pair_keys(r[real], c[real]), req.pin_keys)
    side = lending_rows(req, use, r, c, fixed)
    if not side.groups and not side.row_sets:
        return None
    step("solving")
    got = solve_sided(r, c, w, req.cap, head, fixed, side, params.milp_seconds)
    if not got.holds:
        # never a plan that breaks a hard rule, whatever the solver's tolerances did
        raise SolverError("the lending MILP gave no plan that keeps every rule")
    take = got.take & (c < m)
    rows, cols = r[take], c[take]
    step("explaining")
    unfilled = explain_streamed(sc, req.cap, req.head, req.ban_keys, rows, cols, step, params)
    return assemble(
        sc, req.head, rows, cols, req.pin_keys, {}, unfilled, "milp", got.certified,
        bound=(got.bound - rest) / GRID if np.isfinite(got.bound) else None,
    )  # fmt: skip
