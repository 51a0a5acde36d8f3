"""The dense engine: every pair's score in memory, for pools small enough to hold.

Why: a district's matrices fit in memory, and with them the exact solve, its
certificate, the exact alternates and the reasons are a few numpy calls each.
Pools past :attr:`~matcher.params.EngineParams.stream_above` pairs go to the
streamed engine (:mod:`matcher.stream`) instead; both give the same answer.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from matcher.assemble import Alternates, assemble
from matcher.constraints import Request
from matcher.errors import SolverError
from matcher.explain.reasons import explain_unfilled
from matcher.loadcost import with_rest_slots
from matcher.params import DEFAULT, EngineParams
from matcher.progress import Progress
from matcher.proposal import Proposal, Unfilled
from matcher.scoring import ScoreMatrix, Scorer
from matcher.solver import SolverParams, forced_losses, is_optimal, solve
from matcher.solver.keys import unpair_keys
from matcher.solver.params import SOLVER_DEFAULT

__all__ = ["finish_dense", "solve_dense"]


def finish_dense(req: Request, step: Progress, params: EngineParams = DEFAULT) -> Proposal:
    """The whole score matrix in memory: solved, certified, explained, assembled."""
    rows, cols, certified, alts, method, unfilled = solve_dense(
        req.sc, req.cap, req.head, req.pr, req.pc, req.ban_keys, step, params.solver
    )
    return assemble(req.sc, req.head, rows, cols, req.pin_keys, alts, unfilled, method, certified)


def solve_dense(
    sc: Scorer,
    cap: npt.NDArray[np.int64],
    head: npt.NDArray[np.int64],
    pr: npt.NDArray[np.intp],
    pc: npt.NDArray[np.intp],
    ban_keys: npt.NDArray[np.int64],
    step: Progress,
    params: SolverParams = SOLVER_DEFAULT,
) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp], bool, Alternates, str, list[Unfilled]]:
    """The whole score matrix in memory: exact solve, certificate, alternates, reasons."""
    sm = sc.block()
    n, m = sm.scores.shape
    ban = np.zeros((n, m), bool)
    ban[unpair_keys(ban_keys)] = True
    feasible = sm.feasible & ~ban
    # a convex load cost widens the problem by rest columns (matcher.loadcost);
    # off, these are the case's own arrays
    scores, ok, heads = with_rest_slots(sc.case.policy, sm.scores, feasible, cap, head)
    pin = np.zeros(scores.shape, bool)
    pin[pr, pc] = True
    step("solving")
    a = solve(scores, ok, cap, heads, pinned=pin, params=params)
    cols = np.unique(a.cols[a.cols < m])
    k_alt = sc.case.policy.alternatives
    step("certifying and pricing alternates")
    alts: Alternates = {}
    if k_alt and cols.size:
        # Johnson's reweighting finds any negative cycle: pricing alternates certifies too
        try:
            losses = forced_losses(scores, ok, cap, heads, a, cols, pinned=pin, best=k_alt)
            certified = True
        except SolverError:
            losses = np.full((n, cols.size), np.inf)
            certified = False
        for c, j in enumerate(cols.tolist()):
            cand = np.flatnonzero(np.isfinite(losses[:, c]))
            alts[j] = [(int(i), float(losses[i, c])) for i in cand]
    else:
        certified = is_optimal(scores, ok, cap, heads, a, pinned=pin)
    real = a.cols < m
    rows, cols = a.rows[real], a.cols[real]
    step("explaining")
    chosen = np.zeros(sm.scores.shape, bool)
    chosen[rows, cols] = True
    filled = chosen.sum(axis=0).astype(np.int64)
    load = chosen.sum(axis=1).astype(np.int64)
    view = ScoreMatrix(**{**sm.__dict__, "feasible": feasible, "capacity": cap, "headcount": head})
    unfilled = explain_unfilled(sc.case, view, filled, load, chosen)
    return rows, cols, certified, alts, a.method, unfilled
