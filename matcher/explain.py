"""Explanations in a dispatcher's words: why a slot stays empty.

For each demand with empty slots we count, over all cadres, how many each hard
rule excludes and how many it *alone* excludes (relax that rule and they would
qualify): the rule with most of the latter binds and is named first. Qualified
cadres that still were not sent are accounted for too (busy on other demands,
or too far to score above zero).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from matcher.model import Case
from matcher.proposal import RuleCount, Unfilled
from matcher.scoring import RULES, ScoreMatrix

__all__ = ["explain_columns", "explain_unfilled"]


def _n(k: int, noun: str = "cadre") -> str:
    return f"{k} {noun}" if k == 1 else f"{k} {noun}s"


def _rule_text(rule: str, k: int, case: Case, j: int) -> str:
    d = case.demands[j]
    tax = case.taxonomy
    if rule == "status":
        return f"{_n(k)} withdrawn (red status)"
    if rule == "capacity":
        return f"{_n(k)} with capacity 0 (on leave)"
    if rule == "requires":
        need = ", ".join(f"{tax.label(t)} ≥ {lvl}" for t, lvl in d.requires.items())
        return f"{_n(k)} short of the required {need}"
    if rule == "certs":
        certs = ", ".join(tax.label(c) for c in d.certs)
        return f"{_n(k)} without the required cert {certs}"
    return f"{_n(k)} beyond their travel limit from {case.community(d.community).name}"


def explain_unfilled(
    case: Case,
    sm: ScoreMatrix,
    filled: npt.NDArray[np.int64],
    load: npt.NDArray[np.int64],
    chosen: npt.NDArray[np.bool_],
) -> list[Unfilled]:
    """One :class:`Unfilled` per demand with empty slots, binding reason first."""
    prio = np.array([d.priority for d in case.demands], dtype=np.float64)
    top = np.where(chosen, prio[None, :], -np.inf).max(axis=1, initial=-np.inf)
    return explain_columns(case, sm, np.arange(len(case.demands)), filled, load, chosen, top)


def explain_columns(
    case: Case,
    sm: ScoreMatrix,
    cols: npt.NDArray[np.intp],
    filled: npt.NDArray[np.int64],
    load: npt.NDArray[np.int64],
    chosen: npt.NDArray[np.bool_],
    top_prio: npt.NDArray[np.float64],
) -> list[Unfilled]:
    """:func:`explain_unfilled` for a block of demands: ``sm`` scores every cadre
    against the case demands ``cols``; ``filled``/``chosen`` cover those demands,
    ``load``/``top_prio`` (highest priority each cadre serves) cover all cadres.
    Big proposals call it one block of unfilled demands at a time."""
    out: list[Unfilled] = []
    missing = sm.headcount - filled
    fails = np.stack([sm.fails[r][:, missing > 0] for r in RULES])  # rules × n × k
    n_fail = fails.sum(axis=0)
    for col, jj in enumerate(np.flatnonzero(missing > 0).tolist()):
        j = int(cols[jj])
        counts = [
            RuleCount(
                rule=r,
                excluded=int(fails[k, :, col].sum()),
                only=int((fails[k, :, col] & (n_fail[:, col] == 1)).sum()),
            )
            for k, r in enumerate(RULES)
        ]
        counts = sorted((c for c in counts if c.excluded), key=lambda c: (-c.only, -c.excluded))
        qual = sm.feasible[:, jj]
        reasons: list[str] = []
        if not qual.any():
            reasons.append("no cadre passes every hard rule")
        for c in counts:
            text = _rule_text(c.rule, c.excluded, case, j)
            if c.only:
                text += f" ({c.only} fail only this rule)"
            reasons.append(text)
        here = qual & chosen[:, jj]
        busy = qual & ~chosen[:, jj] & (load >= sm.capacity)
        weak = qual & ~chosen[:, jj] & ~busy & (sm.scores[:, jj] <= 0)
        if here.any():
            reasons.append(f"{_n(int(here.sum()), 'qualified cadre')} already on this demand")
        if busy.any():
            higher = int((busy & (top_prio >= case.demands[j].priority)).sum())
            reasons.append(
                f"{_n(int(busy.sum()), 'qualified cadre')} at capacity on other demands "
                f"({higher} of them on demands of equal or higher priority)"
            )
        if weak.any():
            reasons.append(
                f"{_n(int(weak.sum()), 'qualified cadre')} would score ≤ 0 here "
                "(travel outweighs fit)"
            )
        out.append(
            Unfilled(
                demand=case.demands[j].id,
                slots=int(missing[jj]),
                reasons=reasons,
                rules=counts,
                qualified=int(qual.sum()),
            )
        )
    return out
