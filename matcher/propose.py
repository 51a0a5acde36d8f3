"""Propose a staffing plan: score, solve exactly, certify, explain.

Example:
    >>> from matcher import load_case, propose
    >>> p = propose(load_case("data/sample-district"))
    >>> p.certified and p.kpis.slots_filled == len(p.assignments)
    True
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Protocol

import numpy as np
import numpy.typing as npt

from matcher.errors import InputError, Problem, SolverError
from matcher.explain import explain_unfilled
from matcher.model import Case, Status
from matcher.policy import Policy
from matcher.proposal import Alternative, Kpis, Proposal, ProposedAssignment
from matcher.scoring import TERMS, ScoreMatrix, score_matrix
from matcher.solver import Assignment, forced_losses, is_optimal, solve

__all__ = ["Progress", "propose"]

Pair = tuple[str, str]


class Progress(Protocol):
    """Told the phase of a long proposal and, when known, the fraction done (0–1)."""

    def __call__(self, phase: str, fraction: float | None = None, /) -> None: ...


def _quiet(phase: str, fraction: float | None = None, /) -> None:
    """The default progress sink: says nothing."""


def _pair_mask(
    pairs: Iterable[Pair], sm: ScoreMatrix, what: str, problems: list[Problem]
) -> npt.NDArray[np.bool_]:
    rows = {c: i for i, c in enumerate(sm.cadre_ids)}
    cols = {d: j for j, d in enumerate(sm.demand_ids)}
    mask = np.zeros(sm.scores.shape, bool)
    for cadre, demand in pairs:
        if cadre not in rows or demand not in cols:
            problems.append(Problem(what, "unknown cadre or demand", value=f"{cadre} → {demand}"))
            continue
        mask[rows[cadre], cols[demand]] = True
    return mask


def _counts(
    values: Mapping[str, int] | None, ids: tuple[str, ...], what: str, problems: list[Problem]
) -> npt.NDArray[np.int64]:
    out = np.zeros(len(ids), np.int64)
    index = {k: i for i, k in enumerate(ids)}
    for key, v in (values or {}).items():
        if key not in index:
            problems.append(Problem(what, "unknown id", value=key))
        elif v < 0:
            problems.append(Problem(what, "must be >= 0", value=f"{key}={v}"))
        else:
            out[index[key]] = v
    return out


def propose(
    case: Case,
    policy: Policy | None = None,
    *,
    pinned: Iterable[Pair] = (),
    excluded: Iterable[Pair] = (),
    used_capacity: Mapping[str, int] | None = None,
    filled_slots: Mapping[str, int] | None = None,
    progress: Progress | None = None,
) -> Proposal:
    """The best plan under the case's hard rules, with explanations and KPIs.

    ``pinned`` (cadre, demand) pairs are kept, ``excluded`` pairs are never
    proposed (declined earlier), ``used_capacity`` / ``filled_slots`` count
    what active dispatches already take from a cadre or a demand.
    ``progress(phase, fraction)`` is told each phase as it starts and, in long
    phases, how far along they are (``fraction`` in 0–1, else ``None``); it may
    raise :class:`~matcher.errors.Cancelled` to stop the work.
    """
    step: Progress = progress or _quiet
    if policy is not None:
        case = case.with_policy(policy)
    step("scoring pairs")
    sm = score_matrix(case)
    problems: list[Problem] = []
    pin = _pair_mask(pinned, sm, "pinned", problems)
    ban = _pair_mask(excluded, sm, "excluded", problems)
    cap = np.maximum(
        sm.capacity - _counts(used_capacity, sm.cadre_ids, "used_capacity", problems), 0
    )
    head = np.maximum(
        sm.headcount - _counts(filled_slots, sm.demand_ids, "filled_slots", problems), 0
    )
    for i, j in zip(*np.nonzero(pin & ~sm.feasible), strict=True):
        problems.append(
            Problem(
                "pinned",
                "pair breaks a hard rule",
                value=f"{sm.cadre_ids[i]} → {sm.demand_ids[j]}",
                hint="unpin it or fix the case",
            )
        )
    if (pin.sum(axis=1) > cap).any() or (pin.sum(axis=0) > head).any():
        problems.append(Problem("pinned", "pins exceed a cadre's capacity or a demand's headcount"))
    if problems:
        raise InputError("cannot propose with these constraints", problems)
    feasible = sm.feasible & ~(ban & ~pin)
    step("solving")
    a = solve(sm.scores, feasible, cap, head, pinned=pin)
    cols = np.unique(a.cols)
    losses = np.full((len(sm.cadre_ids), cols.size), np.inf)
    step("certifying and pricing alternates")
    if case.policy.alternatives and cols.size:
        # Johnson's reweighting finds any negative cycle: pricing alternates certifies too
        try:
            losses = forced_losses(
                sm.scores, feasible, cap, head, a, cols, pinned=pin, best=case.policy.alternatives
            )
            certified = True
        except SolverError:
            certified = False
    else:
        certified = is_optimal(sm.scores, feasible, cap, head, a, pinned=pin)
    step("explaining")
    assignments = _assignments(case, sm, a, pin, cols, losses)
    chosen = np.zeros(sm.scores.shape, bool)
    chosen[a.rows, a.cols] = True
    filled = chosen.sum(axis=0).astype(np.int64)
    load = chosen.sum(axis=1).astype(np.int64)
    view = ScoreMatrix(**{**sm.__dict__, "feasible": feasible, "capacity": cap, "headcount": head})
    unfilled = explain_unfilled(case, view, filled, load, chosen)
    # fsum: the objective is exactly the sum of the listed scores, to the last digit shown
    objective = round(math.fsum(x.score for x in assignments), 6)
    return Proposal(
        objective=objective,
        assignments=assignments,
        unfilled=unfilled,
        kpis=_kpis(case, sm, head, a, filled, objective),
        solver=a.method,
        certified=certified,
    )


def _assignments(
    case: Case,
    sm: ScoreMatrix,
    a: Assignment,
    pin: npt.NDArray[np.bool_],
    cols: npt.NDArray[np.intp],
    losses: npt.NDArray[np.float64],
) -> list[ProposedAssignment]:
    k_alt = case.policy.alternatives
    col_pos = {int(j): c for c, j in enumerate(cols)}
    alts: dict[int, list[Alternative]] = {}
    for j, c in col_pos.items():
        loss = losses[:, c]
        cand = np.flatnonzero(np.isfinite(loss))
        # ties broken by higher score, then case order: stable for the dispatcher
        order = np.lexsort((cand, -sm.scores[cand, j], np.round(loss[cand], 6)))[:k_alt]
        alts[j] = [
            Alternative(
                cadre=sm.cadre_ids[i], score=float(sm.scores[i, j]), loss=float(round(loss[i], 6))
            )
            for i in cand[order]
        ]
    out = []
    for i, j in sorted(
        zip(a.rows.tolist(), a.cols.tolist(), strict=True), key=lambda p: (p[1], p[0])
    ):
        out.append(
            ProposedAssignment(
                demand=sm.demand_ids[j],
                cadre=sm.cadre_ids[i],
                score=float(sm.scores[i, j]),
                breakdown={t: float(sm.parts[t][i, j]) for t in TERMS},
                distance_km=round(float(sm.distance_km[i, j]), 3),
                skill_fit=round(float(sm.fit[i, j]), 4),
                pinned=bool(pin[i, j]),
                alternatives=alts.get(j, []),
            )
        )
    return out


def _kpis(
    case: Case,
    sm: ScoreMatrix,
    head: npt.NDArray[np.int64],
    a: Assignment,
    filled: npt.NDArray[np.int64],
    objective: float,
) -> Kpis:
    prio = np.array([d.priority for d in case.demands], dtype=np.float64)
    total = int(head.sum())
    km = sm.distance_km[a.rows, a.cols]
    fit = sm.fit[a.rows, a.cols]
    weight = float((prio * head).sum())
    available = sum(1 for c in case.cadres if c.status is not Status.RED and c.capacity > 0)
    return Kpis(
        slots_total=total,
        slots_filled=int(filled.sum()),
        fill_rate=round(float(filled.sum()) / total, 6) if total else 1.0,
        priority_weighted_fill=round(float((prio * filled).sum()) / weight, 6) if weight else 1.0,
        mean_skill_fit=round(float(fit.mean()), 6) if fit.size else 0.0,
        mean_travel_km=round(float(km.mean()), 3) if km.size else 0.0,
        max_travel_km=round(float(km.max()), 3) if km.size else 0.0,
        cadres_used=int(np.unique(a.rows).size),
        cadres_available=available,
        objective=objective,
    )
