"""Counterfactuals for empty slots: the smallest single relaxation that fills one, priced exactly.

For each demand with empty slots, three kinds of single relaxation, each a
one-pair exception a dispatcher can grant:

- ``travel``: let a cadre who fails only the travel limit go anyway (by how many km);
- ``level``: accept a cadre one level below a required level on one tag;
- ``free``: take a qualified cadre who is at capacity off a lower-value assignment.

The price of each is exact without a re-solve: the best plan that adds cadre
*k* to demand *j* (keeping *j*'s current cadres) scores the optimum plus
``score[k, j] − dist(j ⇝ k)`` in the plan's residual graph (the same cheapest
cycle that prices alternates, see ``docs/scoring.md``). ``verify=True`` also
re-solves each option exactly with the pair pinned and checks the number.

Example:
    >>> from matcher import load_case
    >>> from matcher.whatif import unfilled_counterfactuals
    >>> rows = unfilled_counterfactuals(load_case("tests/whatif/cases/tiny"), verify=True)
    >>> all(o.verified for r in rows for o in r.options)
    True
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from matcher.errors import Param
from matcher.messages import SEPARATORS, Labels, Lang, Message, labels_for, msg, render
from matcher.model import Case
from matcher.proposal import Proposal
from matcher.solver import forced_losses
from matcher.tags import encode_levels
from matcher.whatif.engine import PlanState, plan_state, relaxed_scores

__all__ = ["Relaxation", "SlotCounterfactual", "format_counterfactuals", "unfilled_counterfactuals"]

Pair = tuple[str, str]


class Relaxation(BaseModel):
    """One single relaxation that puts ``cadre`` on the demand, with its exact price."""

    model_config = ConfigDict(frozen=True)

    kind: Literal["travel", "level", "free"]
    cadre: str
    text: str = Field(description="English; render(why, 'en')")
    why: Message = Field(description="the relaxation as a code and params (fix.*)")
    score: float
    objective_delta: float
    extra_km: float | None = None
    tag: str | None = None
    accept_level: int | None = None
    leaves: list[str] = []
    verified: bool = False


class SlotCounterfactual(BaseModel):
    model_config = ConfigDict(frozen=True)

    demand: str
    slots: int
    options: list[Relaxation]

    @property
    def best(self) -> Relaxation | None:
        return max(self.options, key=lambda o: o.objective_delta, default=None)


def unfilled_counterfactuals(
    case: Case,
    proposal: Proposal | None = None,
    *,
    verify: bool = False,
    pinned: Iterable[Pair] = (),
    excluded: Iterable[Pair] = (),
    used_capacity: Mapping[str, int] | None = None,
    filled_slots: Mapping[str, int] | None = None,
) -> list[SlotCounterfactual]:
    """Per demand with empty slots, the smallest relaxation of each kind and its exact price.

    Pass the ``proposal`` already computed for the case (and the same constraints)
    to explain that very plan without solving again.
    """
    st = plan_state(
        case,
        proposal,
        pinned=pinned,
        excluded=excluded,
        used_capacity=used_capacity,
        filled_slots=filled_slots,
    )
    return _explain(st, verify)


def _explain(st: PlanState, verify: bool) -> list[SlotCounterfactual]:
    sm, case = st.sm, st.case
    n, m = sm.scores.shape
    chosen = st.chosen
    filled = chosen.sum(axis=0)
    load = chosen.sum(axis=1)
    empty = np.flatnonzero(filled < st.headcount)
    if empty.size == 0 or n == 0:
        return []
    raw = relaxed_scores(case)
    labels = labels_for(case)
    fails = sm.fails
    n_fail = np.stack([fails[r] for r in fails]).sum(axis=0)
    travel_only = fails["travel"] & (n_fail == 1)
    own = encode_levels([c.skills for c in case.cadres], case.taxonomy)
    req = encode_levels([d.requires for d in case.demands], case.taxonomy)
    tags = case.taxonomy.tag_slugs
    gap = np.zeros((n, m), np.int64)  # tags short by exactly one level, when that is all
    short_tag = np.full((n, m), -1, np.int64)
    req_only = fails["requires"] & (n_fail == 1)
    for j in np.flatnonzero(req_only.any(axis=0)).tolist():
        d = req[j][None, :] - own  # n × tags
        short = d > 0
        ok = req_only[:, j] & (short.sum(axis=1) == 1) & (d.max(axis=1) == 1)
        gap[ok, j] = 1
        short_tag[ok, j] = np.argmax(short[ok], axis=1)
    cand = np.zeros((n, m), bool)
    cand[:, empty] = (travel_only | (gap == 1))[:, empty] & (raw[:, empty] != 0)
    cand &= ~st.pinned
    free = st.feasible & ~chosen & (load >= st.capacity)[:, None] & ~st.pinned
    # price everything with zero-score stand-ins for the new pairs: a 0-score pair never
    # improves a plan, so the residual graph stays free of negative cycles, and the cycle
    # through a stand-in costs exactly dist(j ⇝ k)
    scores0 = np.where(cand, 0.0, sm.scores)
    feas0 = st.feasible | cand
    dist: dict[int, np.ndarray] = {}
    unfilled_alone = [j for j in empty.tolist() if filled[j] == 0]
    groups: list[list[int]] = [unfilled_alone] if unfilled_alone else []
    groups += [[j] for j in empty.tolist() if filled[j] > 0]
    for group in groups:
        pin = st.pinned.copy()
        for j in group:
            pin[:, j] |= chosen[:, j]  # keep the demand's current cadres: the slot really fills
        cols = np.array(group, np.intp)
        losses = forced_losses(scores0, feas0, st.capacity, st.headcount, st.plan, cols, pinned=pin)
        for c, j in enumerate(group):
            dist[j] = losses[:, c]
    out = []
    for j in empty.tolist():
        d = case.demands[j]
        options: list[Relaxation] = []
        loss = dist[j]
        ks = np.flatnonzero(cand[:, j] & travel_only[:, j] & np.isfinite(loss))
        if ks.size:
            extra = sm.distance_km[ks, j] - np.array(
                [case.cadres[k].max_travel_km for k in ks.tolist()]
            )
            delta = raw[ks, j] - loss[ks]
            k = int(ks[np.lexsort((ks, -np.round(delta, 6), np.round(extra, 3)))[0]])
            x = float(sm.distance_km[k, j] - case.cadres[k].max_travel_km)
            why = msg(
                "fix.travel",
                name=case.cadres[k].name,
                cadre=sm.cadre_ids[k],
                km=float(sm.distance_km[k, j]),
                over=x,
                limit=float(case.cadres[k].max_travel_km),
            )
            options.append(
                _relaxation(
                    "travel",
                    sm.cadre_ids[k],
                    why,
                    labels,
                    float(raw[k, j]),
                    float(raw[k, j] - loss[k]),
                    extra_km=round(x, 3),
                )
            )
        for t in sorted({int(x) for x in short_tag[cand[:, j] & (gap[:, j] == 1), j]}):
            ks = np.flatnonzero(
                cand[:, j] & (gap[:, j] == 1) & (short_tag[:, j] == t) & np.isfinite(loss)
            )
            if not ks.size:
                continue
            delta = raw[ks, j] - loss[ks]
            k = int(ks[np.lexsort((ks, -np.round(delta, 6)))[0]])
            lvl = int(req[j, t]) - 1
            why = msg(
                "fix.level" if lvl else "fix.level_without",
                name=case.cadres[k].name,
                cadre=sm.cadre_ids[k],
                tag=tags[t],
                level=lvl,
                instead=lvl + 1,
            )
            options.append(
                _relaxation(
                    "level",
                    sm.cadre_ids[k],
                    why,
                    labels,
                    float(raw[k, j]),
                    float(raw[k, j] - loss[k]),
                    tag=tags[t],
                    accept_level=lvl,
                )
            )
        ks = np.flatnonzero(free[:, j] & np.isfinite(loss))
        if ks.size:
            # a real pair's loss already counts its score: the best plan with it scores −loss
            k = int(ks[np.lexsort((ks, np.round(loss[ks], 6)))[0]])
            now = [sm.demand_ids[x] for x in np.flatnonzero(chosen[k])]
            cost = -float(loss[k])
            why = msg(
                "fix.free", name=case.cadres[k].name, cadre=sm.cadre_ids[k], demands=now, cost=-cost
            )
            options.append(
                _relaxation(
                    "free", sm.cadre_ids[k], why, labels, float(sm.scores[k, j]), cost, leaves=now
                )
            )
        if verify:
            options = [_verify(st, raw, j, o) for o in options]
        out.append(
            SlotCounterfactual(demand=d.id, slots=int(st.headcount[j] - filled[j]), options=options)
        )
    return out


def _relaxation(
    kind: Literal["travel", "level", "free"],
    cadre: str,
    why: Message,
    labels: Labels,
    score: float,
    delta: float,
    **detail: Any,
) -> Relaxation:
    """One option: its English text rendered from its code, its price on the 1e-6 grid."""
    return Relaxation(
        kind=kind,
        cadre=cadre,
        text=render(why, "en", labels),
        why=why,
        score=score,
        objective_delta=round(delta, 6),
        **detail,
    )


def _verify(st: PlanState, raw: np.ndarray, j: int, o: Relaxation) -> Relaxation:
    """Re-solve exactly with the relaxation granted and the pair pinned; check the price."""
    k = st.sm.cadre_ids.index(o.cadre)
    scores = st.sm.scores.copy()
    feas = st.feasible.copy()
    scores[k, j] = raw[k, j]
    feas[k, j] = True
    pin = st.pinned | (st.chosen & (np.arange(st.sm.scores.shape[1]) == j)[None, :])
    pin[k, j] = True
    a = st.solve(scores, feas, pin)
    filled_before = int(st.chosen[:, j].sum())
    ok = (
        abs((a.objective - st.plan.objective) - o.objective_delta) < 1e-6
        and int((a.cols == j).sum()) == filled_before + 1
    )
    return o.model_copy(update={"verified": ok})


def format_counterfactuals(
    rows: list[SlotCounterfactual], lang: Lang = "en", labels: Labels | None = None
) -> str:
    """Plain-text lines, one block per demand with empty slots (for the CLI), in ``lang``."""

    def say(code: str, **params: Param) -> str:
        return render(msg(code, **params), lang, labels)

    out = [say("cli.fix_header")]
    for r in rows:
        out.append("  " + say("cli.fix_demand", demand=r.demand, slots=r.slots))
        if not r.options:
            out.append("    " + say("cli.fix_none"))
        for o in r.options:
            kind = say(f"fix_kind.{o.kind}")
            text = o.text if lang == "en" else render(o.why, lang, labels)
            delta = say("cli.fix_objective", delta=o.objective_delta)
            out.append(f"    {kind:<6} {text}{SEPARATORS[lang]['clause']}{delta}")
    return "\n".join(out) + "\n"
