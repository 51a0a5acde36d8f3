"""The arrays behind a proposal, rebuilt for what-if work (re-solves, residual pricing).

:func:`plan_state` mirrors how :func:`matcher.propose` turns a case and its
constraints (pins, exclusions, capacity and slots already used) into solver
arrays, and either solves or takes the plan of an existing proposal, so an
analysis and the proposal it explains always agree.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt

from matcher.errors import InputError, Problem
from matcher.loadcost import load_is_on
from matcher.model import Case
from matcher.policy import Policy
from matcher.proposal import Proposal
from matcher.scoring import ScoreMatrix, score_matrix
from matcher.solver import Assignment, solve

__all__ = [
    "PlanState",
    "bare",
    "fast_policy",
    "plan_state",
    "relaxed_scores",
    "weighted_fill",
]

Pair = tuple[str, str]
BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]


def bare(plan: Assignment) -> Assignment:
    """The plan's pairs only. What-if pricing runs on modified arrays (stand-in rows and
    pairs, extra pins), for which a solver's certificate data need not hold."""
    return Assignment(plan.rows, plan.cols, plan.objective, plan.method)


def fast_policy(case: Case) -> Policy:
    """The case policy without alternates (what-if runs never show them; saves a pricing pass)."""
    return case.policy.model_copy(update={"alternatives": 0})


@dataclass(frozen=True)
class PlanState:
    case: Case
    sm: ScoreMatrix
    feasible: BoolArray
    capacity: IntArray
    headcount: IntArray
    pinned: BoolArray
    plan: Assignment

    @property
    def chosen(self) -> BoolArray:
        out = np.zeros(self.sm.scores.shape, bool)
        out[self.plan.rows, self.plan.cols] = True
        return out

    @property
    def priority(self) -> npt.NDArray[np.float64]:
        return np.array([d.priority for d in self.case.demands], dtype=np.float64)

    def solve(
        self,
        scores: npt.NDArray[np.float64] | None = None,
        feasible: BoolArray | None = None,
        pinned: BoolArray | None = None,
    ) -> Assignment:
        """Exact re-solve with some arrays replaced."""
        return solve(
            self.sm.scores if scores is None else scores,
            self.feasible if feasible is None else feasible,
            self.capacity,
            self.headcount,
            pinned=self.pinned if pinned is None else pinned,
        )


def _mask(pairs: Iterable[Pair], sm: ScoreMatrix) -> BoolArray:
    rows = {c: i for i, c in enumerate(sm.cadre_ids)}
    cols = {d: j for j, d in enumerate(sm.demand_ids)}
    out = np.zeros(sm.scores.shape, bool)
    for c, d in pairs:
        if c in rows and d in cols:
            out[rows[c], cols[d]] = True
    return out


def _used(values: Mapping[str, int] | None, ids: tuple[str, ...]) -> IntArray:
    values = values or {}
    return np.array([max(0, int(values.get(x, 0))) for x in ids], dtype=np.int64)


def plan_state(
    case: Case,
    proposal: Proposal | None = None,
    *,
    pinned: Iterable[Pair] = (),
    excluded: Iterable[Pair] = (),
    used_capacity: Mapping[str, int] | None = None,
    filled_slots: Mapping[str, int] | None = None,
) -> PlanState:
    """Arrays as :func:`matcher.propose` builds them, with ``proposal``'s plan (or a new solve).

    A policy with a load cost or lending limits is refused: these prices are a
    linear b-matching's, and without its rest slots or side rows they would
    price a different problem."""
    if load_is_on(case.policy):
        raise InputError(
            "cannot price this what-if",
            [
                Problem(
                    "policy",
                    "what-if pricing does not model a load cost: set fairness.load_step to 0",
                    column="fairness",
                    code="problem.load_not_priced",
                )
            ],
        )
    if any(d.start is not None for d in case.demands):
        raise InputError(
            "cannot price this what-if",
            [
                Problem(
                    "demands",
                    "what-if pricing does not model dated orders yet",
                    column="start",
                    code="problem.dated_not_priced",
                )
            ],
        )
    if case.policy.lending.is_on:
        raise InputError(
            "cannot price this what-if",
            [
                Problem(
                    "policy",
                    "what-if pricing does not model lending limits: remove [lending] limits",
                    column="lending",
                    code="problem.lending_not_priced",
                )
            ],
        )
    sm = score_matrix(case)
    pin = _mask(pinned, sm)
    ban = _mask(excluded, sm)
    cap = np.maximum(sm.capacity - _used(used_capacity, sm.cadre_ids), 0)
    head = np.maximum(sm.headcount - _used(filled_slots, sm.demand_ids), 0)
    feasible = sm.feasible & ~(ban & ~pin)
    if proposal is None:
        plan = solve(sm.scores, feasible, cap, head, pinned=pin)
    else:
        chosen = _mask(((a.cadre, a.demand) for a in proposal.assignments), sm)
        rows, cols = np.nonzero(chosen)
        obj = math.fsum(float(sm.scores[i, j]) for i, j in zip(rows, cols, strict=True))
        plan = Assignment(rows.astype(np.intp), cols.astype(np.intp), obj, proposal.solver)
    return PlanState(case, sm, feasible, cap, head, pin, bare(plan))


def relaxed_scores(case: Case) -> npt.NDArray[np.float64]:
    """Scores every pair would have if travel limits, required levels and certs were waived.

    The score never depends on those rules, so this is the exact score a pair gets
    once a relaxation makes it feasible (red or on-leave cadres stay at 0).
    """
    cadres = tuple(replace(c, max_travel_km=math.inf) for c in case.cadres)
    demands = tuple(replace(d, requires={}, certs=()) for d in case.demands)
    relaxed = replace(case, cadres=cadres, demands=demands)
    return score_matrix(relaxed).scores


def weighted_fill(state: PlanState, plan: Assignment) -> float:
    """Priority-weighted filled slots of a plan (Σ priority over chosen pairs)."""
    return float(state.priority[plan.cols].sum())
