"""A solved plan as a :class:`~matcher.proposal.Proposal`: breakdowns, alternates, KPIs.

Why a module of its own: the dense engine, the streamed one and the warm
re-proposals all end here, so a proposal reads the same whichever engine made it.
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import numpy.typing as npt
from pydantic import TypeAdapter

from matcher.loadcost import load_is_on, load_terms
from matcher.model import Case, Status
from matcher.proposal import DistrictPosition, Kpis, Proposal, ProposedAssignment, Unfilled
from matcher.scoring import PairScores, Scorer
from matcher.solver.keys import pair_keys

__all__ = ["Alternates", "assemble"]

#: (row, loss) of each demand's exact alternates, by demand column
Alternates = dict[int, list[tuple[int, float]]]


def assemble(
    sc: Scorer,
    head: npt.NDArray[np.int64],
    rows: npt.NDArray[np.intp],
    cols: npt.NDArray[np.intp],
    pin_keys: npt.NDArray[np.int64],
    alts: Alternates,
    unfilled: list[Unfilled],
    method: str,
    certified: bool,
    alternatives_below: float | None = None,
    bound: float | None = None,
) -> Proposal:
    """The :class:`Proposal` of a solved plan: breakdowns, alternates and KPIs."""
    order = np.lexsort((cols, rows))
    rows, cols = rows[order], cols[order]
    chosen = _with_load(sc, sc.pairs(rows, cols))
    assignments = _assignments(sc.case, sc, chosen, pin_keys, alts)
    # fsum: the objective is exactly the sum of the listed scores, to the last digit shown
    objective = round(math.fsum(x.score for x in assignments), 6)
    return Proposal(
        objective=objective,
        assignments=assignments,
        unfilled=unfilled,
        kpis=_kpis(sc.case, head, chosen, objective),
        solver=method,
        certified=certified,
        alternatives_below=round(alternatives_below, 6) if alternatives_below is not None else None,
        bound=round(bound, 6) if bound is not None else None,
        district=_position(sc, head, chosen),
    )


#: validates a whole list in one call: per-model construction dominates at city size
_ASSIGNMENTS: TypeAdapter[list[ProposedAssignment]] = TypeAdapter(list[ProposedAssignment])


def _assignments(
    case: Case,
    sc: Scorer,
    chosen: PairScores,
    pin_keys: npt.NDArray[np.int64],
    alts: Alternates,
) -> list[ProposedAssignment]:
    k_alt = case.policy.alternatives
    listed: dict[int, list[dict[str, object]]] = {j: [] for j in alts}
    flat = [(j, r, x) for j, found in alts.items() for r, x in found] if k_alt else []
    if flat:
        col = np.array([f[0] for f in flat], dtype=np.intp)
        row = np.array([f[1] for f in flat], dtype=np.intp)
        loss = np.array([f[2] for f in flat])
        score = sc.pairs(row, col).scores
        # ties broken by higher score, then case order: stable for the dispatcher
        loss = np.round(loss, 6)
        order = np.lexsort((row, -score, loss, col))
        ids = sc.cadre_ids
        for j, r, x, y in zip(
            col[order].tolist(),
            row[order].tolist(),
            score[order].tolist(),
            loss[order].tolist(),
            strict=True,
        ):
            # a pair scoring ≤ 0 is never proposed (its slot is better empty), so it is
            # no alternate either: both engines list the same (the streamed never sees it)
            if len(listed[j]) < k_alt and x > 0:
                listed[j].append({"cadre": ids[r], "score": x, "loss": y})
    is_pin = np.isin(pair_keys(chosen.rows, chosen.cols), pin_keys)
    order = np.lexsort((chosen.rows, chosen.cols))
    terms = tuple(chosen.parts)
    parts = [chosen.parts[t][order].tolist() for t in terms]
    rows = []
    for i, j, score, km, fit, pin, *values in zip(
        chosen.rows[order].tolist(),
        chosen.cols[order].tolist(),
        chosen.scores[order].tolist(),
        chosen.distance_km[order].tolist(),
        chosen.fit[order].tolist(),
        is_pin[order].tolist(),
        *parts,
        strict=True,
    ):
        rows.append(
            {
                "demand": sc.demand_ids[j],
                "cadre": sc.cadre_ids[i],
                "score": score,
                "breakdown": dict(zip(terms, values, strict=True)),
                "distance_km": round(km, 3),
                "skill_fit": round(fit, 4),
                "pinned": pin,
                "alternatives": listed.get(j, []),
            }
        )
    return _ASSIGNMENTS.validate_python(rows)


def _with_load(sc: Scorer, chosen: PairScores) -> PairScores:
    """The plan's dispatches with the ``load`` term (the k-th slot's marginal
    cost, :func:`~matcher.loadcost.load_terms`) added when the policy prices slots."""
    if not load_is_on(sc.case.policy):
        return chosen
    load = load_terms(sc.case.policy, chosen.rows, chosen.cols)
    return replace(chosen, scores=chosen.scores + load, parts={**chosen.parts, "load": load})


def _position(sc: Scorer, head: npt.NDArray[np.int64], chosen: PairScores) -> DistrictPosition:
    """The district's staffing before and after this proposal, over all open slots."""
    total = sc.headcount.astype(np.int64)
    before = total - head  # what dispatches fill (head is what they left open)
    after = before + np.bincount(chosen.cols, minlength=total.size)
    prio = np.array([d.priority for d in sc.case.demands], dtype=np.float64)
    n, weight = int(total.sum()), float((prio * total).sum())
    return DistrictPosition(
        slots_total=n,
        staffed_before=int(before.sum()),
        proposed=int(chosen.cols.size),
        staffed_after=int(after.sum()),
        fill_rate_before=round(float(before.sum()) / n, 6) if n else 1.0,
        fill_rate_after=round(float(after.sum()) / n, 6) if n else 1.0,
        priority_weighted_fill_after=round(float((prio * after).sum()) / weight, 6)
        if weight
        else 1.0,
    )


def _kpis(
    case: Case,
    head: npt.NDArray[np.int64],
    chosen: PairScores,
    objective: float,
) -> Kpis:
    prio = np.array([d.priority for d in case.demands], dtype=np.float64)
    filled = np.bincount(chosen.cols, minlength=len(case.demands))
    total = int(head.sum())
    km = chosen.distance_km
    fit = chosen.fit
    weight = float((prio * head).sum())
    available = sum(1 for c in case.cadres if c.status is not Status.RED and c.capacity > 0)
    return Kpis(
        slots_total=total,
        slots_filled=int(filled.sum()),
        fill_rate=round(float(filled.sum()) / total, 6) if total else 1.0,
        priority_weighted_fill=round(float((prio * filled).sum()) / weight, 6) if weight else 1.0,
        mean_skill_fit=round(float(fit.mean()), 6) if fit.size else None,  # no pair, no mean
        mean_travel_km=round(float(km.mean()), 3) if km.size else None,  # nor a travel figure
        max_travel_km=round(float(km.max()), 3) if km.size else None,
        cadres_used=int(np.unique(chosen.rows).size),
        cadres_available=available,
        objective=objective,
    )
