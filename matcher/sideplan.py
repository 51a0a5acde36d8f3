"""Plans with side rows: the lending rules and dated orders, as a MILP to a zero gap.

:mod:`matcher.lending` and :mod:`matcher.timed` state their rules as side rows
of the b-matching (:class:`~matcher.solver.sided.SideRows`); here the plan is
solved with them by HiGHS branch-and-bound with a zero gap, the model stated over
every pair that can help (a pair scoring ≤ 0 never can: dropping it keeps every
row) and solved over the pairs its LP prices in, the rest ruled out by reduced
cost (:func:`~matcher.solver.sided.solve_sided`), then explained and assembled
like any other. The proposal says ``solver="milp"``,
gives HiGHS's dual ``bound`` and is ``certified`` when the plan keeps every row
(checked in integers) and the bound leaves no better plan on the score grid.
Alternates are not listed: the exact price of forcing a pair would be one more
MILP per pair. Pools whose rows cannot bind (no dated order, no rule tight
enough) go to the usual engines instead.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from matcher.assemble import assemble
from matcher.constraints import Request
from matcher.errors import InputError, Problem, SolverError
from matcher.explain.streamed import explain_streamed
from matcher.lending import LendingUse, check_lending, lending_rows
from matcher.loadcost import load_is_on, rest_slots
from matcher.params import DEFAULT, EngineParams
from matcher.progress import Progress
from matcher.proposal import Proposal
from matcher.solver.keys import pair_keys
from matcher.solver.sided import solve_sided
from matcher.solver.siderows import SideRows, merge_rows
from matcher.terms import DECIMALS
from matcher.timed import explain_time, is_dated, time_rows

__all__ = ["finish_sided", "helping_pairs", "needs_side_rows"]

IndexArray = npt.NDArray[np.intp]
#: the score grid of the MILP's integer weights (scores have 4 decimals)
GRID = 10**DECIMALS
#: rows of cadres scored at once while collecting the pairs that can help
BLOCK_ROWS = 256
#: the MILP takes at most this many times ``EngineParams.stream_above`` pairs
MILP_PAIRS = 8


def needs_side_rows(req: Request) -> bool:
    """Whether the plan may need side rows: lending rules on, or a dated order."""
    return req.sc.case.policy.lending.is_on or is_dated(req.sc.case)


def helping_pairs(
    req: Request, step: Progress
) -> tuple[IndexArray, IndexArray, npt.NDArray[np.int64]]:
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


def finish_sided(
    req: Request, use: LendingUse | None, step: Progress, params: EngineParams = DEFAULT
) -> Proposal | None:
    """The best plan under the lending rules and the dated orders' time rows,
    solved to a zero MILP gap, explained and assembled (see the module
    docstring); ``None`` when no such row can bind this plan, so that the usual
    engines solve it, with alternates."""
    policy = req.sc.case.policy
    lending, dated = policy.lending.is_on, is_dated(req.sc.case)
    if lending:
        check_lending(req)
    if dated and load_is_on(policy):
        raise InputError(
            "cannot propose with these constraints",
            [
                Problem(
                    "policy",
                    "a load cost with dated orders is not modelled yet",
                    column="fairness",
                    hint="set fairness.load_step to 0 (and load_costs to []) for dated orders",
                    code="problem.load_with_dated",
                )
            ],
        )
    sc = req.sc
    m = sc.m
    r, c, w = helping_pairs(req, step)
    if r.size > params.stream_above * MILP_PAIRS:
        raise InputError(
            "cannot propose with these constraints",
            [
                Problem(
                    "policy" if lending else "demands",
                    "lending limits and dated orders are solved as a MILP over every pair"
                    " that can help; this pool has too many",
                    column="lending" if lending else "start",
                    value=f"{r.size} pairs",
                    hint="propose for fewer days (--from/--to)"
                    + (" or drop [lending] limits" if lending else ""),
                    code="problem.milp_too_big",
                    params={"pairs": int(r.size), "most": params.stream_above * MILP_PAIRS},
                )
            ],
        )
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
    side = time_rows(req, r, c) if dated else SideRows()
    if lending:
        timed = side.timed if dated else None
        lend = lending_rows(req, use or LendingUse(), r, c, fixed, timed)
        side = merge_rows(lend, side, r.size)
    if side.empty:
        return None
    step("solving")
    got = solve_sided(r, c, w, req.cap, head, fixed, side, params.milp_seconds, step=step)
    if not got.holds:
        # never a plan that breaks a hard rule, whatever the solver's tolerances did;
        # with pins, the likely cause is theirs (weekly hours they pass already)
        if fixed.any():
            raise InputError(
                "cannot propose with these constraints",
                [
                    Problem(
                        "pinned",
                        "the pinned pairs leave no plan within every rule",
                        hint="unpin some (a cadre's weekly hours, or a community's lending)",
                        code="problem.pins_break_rules",
                    )
                ],
            )
        raise SolverError("the MILP gave no plan that keeps every rule")
    take = got.take & (c < m)
    rows, cols = r[take], c[take]
    step("explaining")
    unfilled = explain_streamed(sc, req.cap, req.head, req.ban_keys, rows, cols, step, params)
    if dated:
        unfilled = explain_time(req, unfilled, rows, cols)
    # alternates are not priced on a MILP (each would be a re-solve with a pin): say
    # so, rather than leave ``alternatives_below`` null, which claims every one listed
    return assemble(
        sc, req.head, rows, cols, req.pin_keys, {}, unfilled, "milp", got.certified,
        alternatives_below=0.0 if policy.alternatives > 0 else None,
        bound=(got.bound - rest) / GRID if np.isfinite(got.bound) else None,
    )  # fmt: skip
