"""Propose a staffing plan: score, solve exactly, certify, explain.

Example:
    >>> from matcher import load_case, propose
    >>> p = propose(load_case("data/sample-district"))
    >>> p.certified and p.kpis.slots_filled == len(p.assignments)
    True
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable, Iterable, Mapping
from typing import Protocol, cast

import numpy as np
import numpy.typing as npt
from pydantic import TypeAdapter

from matcher.errors import InputError, Problem, SolverError
from matcher.explain import explain_unfilled
from matcher.gcpause import without_gc
from matcher.model import Case, Status
from matcher.policy import Policy
from matcher.proposal import DistrictPosition, Kpis, Proposal, ProposedAssignment, Unfilled
from matcher.request import Engine, Pair, Request, prepare
from matcher.scoring import TERMS, PairScores, ScoreMatrix, Scorer
from matcher.solver import forced_losses, is_optimal, solve
from matcher.solver.warm import pair_keys
from matcher.streamed import explain_streamed, solve_streamed

__all__ = ["Progress", "assemble", "finish_dense", "finish_streamed", "propose"]

#: (row, loss) of each demand's exact alternates, by demand column
Alternates = dict[int, list[tuple[int, float]]]


class Progress(Protocol):
    """Told the phase of a long proposal and, when known, the fraction done (0–1)."""

    def __call__(self, phase: str, fraction: float | None = None, /) -> None: ...


def _quiet(phase: str, fraction: float | None = None, /) -> None:
    """The default progress sink: says nothing."""


def _progress(callback: Progress | Callable[[str], object] | None) -> Progress:
    """The caller's progress callback as a two-argument one: a callback written
    for phases alone (``phases.append``) keeps working on big pools too."""
    if callback is None:
        return _quiet
    try:
        params = inspect.signature(callback).parameters.values()
    except (TypeError, ValueError):  # builtins without a signature: assume two
        return cast(Progress, callback)
    positional = [p for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    if len(positional) >= 2 or any(p.kind is p.VAR_POSITIONAL for p in params):
        return cast(Progress, callback)
    one = callback
    last: list[str] = []

    def phase_only(phase: str, fraction: float | None = None, /) -> None:
        if last != [phase]:  # each phase once, as it starts
            last[:] = [phase]
            one(phase)

    return phase_only


@without_gc
def propose(
    case: Case,
    policy: Policy | None = None,
    *,
    pinned: Iterable[Pair] = (),
    excluded: Iterable[Pair] = (),
    used_capacity: Mapping[str, int] | None = None,
    filled_slots: Mapping[str, int] | None = None,
    progress: Progress | Callable[[str], object] | None = None,
    engine: Engine = "auto",
) -> Proposal:
    """The best plan under the case's hard rules, with explanations and KPIs.

    ``pinned`` (cadre, demand) pairs are kept, ``excluded`` pairs are never
    proposed (declined earlier), ``used_capacity`` / ``filled_slots`` count
    what active dispatches already take from a cadre or a demand.
    ``progress(phase, fraction)`` is told each phase as it starts and, in long
    phases, how far along they are (``fraction`` in 0–1, else ``None``); it may
    raise :class:`~matcher.errors.Cancelled` to stop the work.
    ``engine`` picks dense matrices (``"dense"``), block streaming for big pools
    (``"streamed"``) or, by default, whichever suits the pool's size; both give
    the same optimum, alternates and explanations.
    """
    if engine not in ("auto", "dense", "streamed"):
        raise InputError(
            "cannot propose with these constraints",
            [
                Problem(
                    "engine", "unknown engine", value=str(engine), hint="auto, dense or streamed"
                )
            ],
        )
    step = _progress(progress)
    if policy is not None:
        case = case.with_policy(policy)
    step("scoring pairs")
    req = prepare(case, pinned, excluded, used_capacity, filled_slots)
    if req.streams(engine):
        got = solve_streamed(
            req.sc,
            req.free_cap,
            req.free_head,
            req.blocked,
            case.policy.alternatives,
            step,
            np.unique(req.pc),
        )
        return finish_streamed(
            req, got.rows, got.cols, got.certified, got.alternates, got.alternates_below, step
        )
    return finish_dense(req, step)


def finish_dense(req: Request, step: Progress) -> Proposal:
    """The whole score matrix in memory: solved, certified, explained, assembled."""
    rows, cols, certified, alts, method, unfilled = _dense(
        req.sc, req.cap, req.head, req.pr, req.pc, req.ban_keys, step
    )
    return assemble(req.sc, req.head, rows, cols, req.pin_keys, alts, unfilled, method, certified)


def finish_streamed(
    req: Request,
    rows: npt.NDArray[np.intp],
    cols: npt.NDArray[np.intp],
    certified: bool,
    alts: Alternates,
    below: float | None,
    step: Progress,
) -> Proposal:
    """A streamed solve's free pairs, with the pins, explained and assembled."""
    rows = np.concatenate([rows, req.pr]).astype(np.intp)
    cols = np.concatenate([cols, req.pc]).astype(np.intp)
    step("explaining")
    unfilled = explain_streamed(req.sc, req.cap, req.head, req.ban_keys, rows, cols, step)
    return assemble(
        req.sc, req.head, rows, cols, req.pin_keys, alts, unfilled, "lp-streamed", certified,
        below,
    )  # fmt: skip


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
) -> Proposal:
    """The :class:`Proposal` of a solved plan: breakdowns, alternates and KPIs."""
    order = np.lexsort((cols, rows))
    rows, cols = rows[order], cols[order]
    chosen = sc.pairs(rows, cols)
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
        district=_position(sc, head, chosen),
    )


def _dense(
    sc: Scorer,
    cap: npt.NDArray[np.int64],
    head: npt.NDArray[np.int64],
    pr: npt.NDArray[np.intp],
    pc: npt.NDArray[np.intp],
    ban_keys: npt.NDArray[np.int64],
    step: Progress,
) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp], bool, Alternates, str, list[Unfilled]]:
    """The whole score matrix in memory: exact solve, certificate, alternates, reasons."""
    sm = sc.block()
    n, m = sm.scores.shape
    pin = np.zeros((n, m), bool)
    pin[pr, pc] = True
    ban = np.zeros((n, m), bool)
    ban[ban_keys >> 32, ban_keys & 0xFFFFFFFF] = True
    feasible = sm.feasible & ~ban
    step("solving")
    a = solve(sm.scores, feasible, cap, head, pinned=pin)
    cols = np.unique(a.cols)
    k_alt = sc.case.policy.alternatives
    step("certifying and pricing alternates")
    alts: Alternates = {}
    if k_alt and cols.size:
        # Johnson's reweighting finds any negative cycle: pricing alternates certifies too
        try:
            losses = forced_losses(sm.scores, feasible, cap, head, a, cols, pinned=pin, best=k_alt)
            certified = True
        except SolverError:
            losses = np.full((n, cols.size), np.inf)
            certified = False
        for c, j in enumerate(cols.tolist()):
            cand = np.flatnonzero(np.isfinite(losses[:, c]))
            alts[j] = [(int(i), float(losses[i, c])) for i in cand]
    else:
        certified = is_optimal(sm.scores, feasible, cap, head, a, pinned=pin)
    step("explaining")
    chosen = np.zeros(sm.scores.shape, bool)
    chosen[a.rows, a.cols] = True
    filled = chosen.sum(axis=0).astype(np.int64)
    load = chosen.sum(axis=1).astype(np.int64)
    view = ScoreMatrix(**{**sm.__dict__, "feasible": feasible, "capacity": cap, "headcount": head})
    unfilled = explain_unfilled(sc.case, view, filled, load, chosen)
    return a.rows, a.cols, certified, alts, a.method, unfilled


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
            if len(listed[j]) < k_alt:
                listed[j].append({"cadre": ids[r], "score": x, "loss": y})
    is_pin = np.isin(pair_keys(chosen.rows, chosen.cols), pin_keys)
    order = np.lexsort((chosen.rows, chosen.cols))
    parts = [chosen.parts[t][order].tolist() for t in TERMS]
    rows = []
    for i, j, score, km, fit, pin, *terms in zip(
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
                "breakdown": dict(zip(TERMS, terms, strict=True)),
                "distance_km": round(km, 3),
                "skill_fit": round(fit, 4),
                "pinned": pin,
                "alternatives": listed.get(j, []),
            }
        )
    return _ASSIGNMENTS.validate_python(rows)


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
        mean_skill_fit=round(float(fit.mean()), 6) if fit.size else 0.0,
        mean_travel_km=round(float(km.mean()), 3) if km.size else 0.0,
        max_travel_km=round(float(km.max()), 3) if km.size else 0.0,
        cadres_used=int(np.unique(chosen.rows).size),
        cadres_available=available,
        objective=objective,
    )
