"""Compare a baseline plan with a scenario's: KPI deltas, unfilled slots, churn with reasons.

Churn is counted per cadre: a pair in both plans is *kept*; a cadre on
different demands in the two plans has *moved*; a cadre only in the scenario
plan was *added*, only in the baseline *dropped*. Each change carries the
reason: the edit that removed, added or changed the cadre or demand, the hard
rule that now binds or no longer binds, a changed score or headcount, or
"re-optimised" (the exact optimum re-arranged around other changes).

A demand counts under every tag of its ``needs`` and ``requires``, and under
one category: that of its most-needed tag (``primary_category``).

Example:
    >>> from matcher import load_case
    >>> from matcher.whatif import compare, parse_scenario
    >>> case = load_case("tests/whatif/cases/tiny")
    >>> sc = parse_scenario({"edits": [{"kind": "remove_cadres", "ids": ["A"]}]}, case)
    >>> cmp = compare(case, sc)
    >>> [(c.kind, c.cadre, c.reason) for c in cmp.churn.changes]
    [('dropped', 'A', 'cadre removed by edit 1 (remove_cadres)')]
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from matcher.constraints import HeldWindow
from matcher.errors import Param
from matcher.lending import LendingUse
from matcher.messages import Message, msg, render
from matcher.model import Case, Demand
from matcher.progress import Progress, as_progress
from matcher.proposal import Kpis, Proposal
from matcher.propose import propose
from matcher.rules import RULES
from matcher.scoring import score_matrix
from matcher.tags import Taxonomy
from matcher.whatif.engine import fast_policy
from matcher.whatif.scenario import Scenario, apply_scenario

__all__ = [
    "Change",
    "Churn",
    "Comparison",
    "CountDelta",
    "KpiDelta",
    "compare",
    "compare_plans",
    "primary_category",
]

Pair = tuple[str, str]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class KpiDelta(_Frozen):
    """One KPI of both plans; a mean that a plan has not (no pair assigned) is None, and so
    is its delta."""

    kpi: str
    base: float | None
    scenario: float | None
    delta: float | None


class CountDelta(_Frozen):
    key: str
    base: int
    scenario: int
    delta: int


class Change(_Frozen):
    """One cadre's change between the plans and why.

    ``why`` holds one :class:`~matcher.messages.Message` per clause of ``reason``
    (``churn.*`` codes); ``reason`` is their English renderings joined by ``"; "``.
    """

    kind: Literal["moved", "added", "dropped"]
    cadre: str
    before: list[str]
    after: list[str]
    reason: str
    why: list[Message] = Field([], description="the reason's clauses as codes and params")


class Churn(_Frozen):
    kept: int
    moved: int
    added: int
    dropped: int
    changes: list[Change]


class Comparison(_Frozen):
    scenario: str
    kpis: list[KpiDelta]
    unfilled_by_category: list[CountDelta]
    unfilled_by_tag: list[CountDelta]
    churn: Churn
    base: Proposal
    result: Proposal


def primary_category(d: Demand, tax: Taxonomy) -> str:
    """The category of the demand's most-needed tag (first listed on ties)."""
    levels = d.needs or d.requires
    if not levels:
        return "-"
    best = max(levels, key=lambda t: levels[t])  # max keeps the first of equal levels
    return tax.category_of(best)


def _unfilled(p: Proposal, case: Case) -> tuple[Counter[str], Counter[str]]:
    demands = {d.id: d for d in case.demands}
    by_cat: Counter[str] = Counter()
    by_tag: Counter[str] = Counter()
    for u in p.unfilled:
        d = demands[u.demand]
        by_cat[primary_category(d, case.taxonomy)] += u.slots
        for t in dict.fromkeys([*d.needs, *d.requires]):
            by_tag[t] += u.slots
    return by_cat, by_tag


def _deltas(a: Counter[str], b: Counter[str]) -> list[CountDelta]:
    keys = sorted(set(a) | set(b), key=lambda k: (-abs(b[k] - a[k]), k))
    return [CountDelta(key=k, base=a[k], scenario=b[k], delta=b[k] - a[k]) for k in keys]


class _Why:
    """Reasons a pair left or joined the plan, from both cases and the edit log.

    Each reason is a :class:`~matcher.messages.Message` (``churn.*``); ``left`` or
    ``took`` name the demand when the cadre moved, ``edits`` the edits that caused it.
    """

    def __init__(self, base: Case, new: Case, touched: Mapping[str, list[str]]) -> None:
        self.base, self.new, self.touched = base, new, touched
        self.sm = {"base": score_matrix(base), "new": score_matrix(new)}
        self.row = {k: {c: i for i, c in enumerate(v.cadre_ids)} for k, v in self.sm.items()}
        self.col = {k: {d: j for j, d in enumerate(v.demand_ids)} for k, v in self.sm.items()}
        self.head = {
            "base": {d.id: d.headcount for d in base.demands},
            "new": {d.id: d.headcount for d in new.demands},
        }

    def _by(self, *ids: str) -> list[str] | None:
        """The edits that touched the first of ``ids`` any edit touched (``"n:kind"``)."""
        for x in ids:
            refs = self.touched.get(x)
            if refs:
                return [_edit_ref(r) for r in refs]
        return None

    @staticmethod
    def text(m: Message) -> str:
        """The English of a reason (churn reasons name ids and edits only: no labels)."""
        return render(m, "en")

    def _fails(self, which: str, c: str, d: str) -> list[str]:
        sm = self.sm[which]
        i, j = self.row[which][c], self.col[which][d]
        return [r for r in RULES if sm.fails[r][i, j]]

    def _score(self, which: str, c: str, d: str) -> float:
        return float(self.sm[which].scores[self.row[which][c], self.col[which][d]])

    def _changed(self, way: _Way, c: str, d: str, moved: bool) -> Message | None:
        """Why the pair changed sides because the case changed: the cadre or demand is
        new or gone, a hard rule now fails or passes, the score or headcount moved;
        ``None`` when the case did not change for this pair."""
        at: dict[str, Param] = {way.key: d if moved else None}
        if c not in self.row[way.lacks]:
            return msg(way.cadre, **at, edits=self._by(c))
        if d not in self.col[way.lacks]:
            return msg(way.demand, **at, demand=d, edits=self._by(d))
        rules = self._fails(way.lacks, c, d)
        if rules:
            return msg(way.rules, **at, cadre=c, rules=rules, demand=d, edits=self._by(c, d))
        s0, s1 = self._score("base", c, d), self._score("new", c, d)
        if round(s0, 6) != round(s1, 6):
            return msg(
                "churn.score_changed", **at, demand=d, before=s0, after=s1, edits=self._by(c, d)
            )
        h0, h1 = self.head["base"][d], self.head["new"][d]
        if (h1 - h0) * way.sign > 0:
            return msg(way.headcount, **at, demand=d, before=h0, after=h1, edits=self._by(d))
        return None

    def out(self, c: str, d: str, taken_by: Iterable[str], moved: bool = False) -> Message:
        changed = self._changed(_OUT, c, d, moved)
        if changed is not None:
            return changed
        left = d if moved else None
        others = sorted(taken_by)
        if others:
            return msg("churn.taken_by", left=left, demand=d, cadres=others)
        return msg("churn.worth_elsewhere", left=left, cadre=c)

    def into(self, c: str, d: str, replaces: Iterable[str] = (), moved: bool = False) -> Message:
        changed = self._changed(_INTO, c, d, moved)
        if changed is not None:
            return changed
        took = d if moved else None
        others = sorted(replaces)
        if others:
            return msg("churn.replaces", took=took, cadres=others, demand=d)
        return msg("churn.freed", took=took, cadre=c, demand=d)


@dataclass(frozen=True)
class _Way:
    """Which way a pair changed sides: the codes for leaving the plan or joining it."""

    #: the param naming the demand the cadre moved from (``left``) or to (``took``)
    key: str
    #: the case the pair is missing from, or fails a rule in
    lacks: Literal["base", "new"]
    cadre: str
    demand: str
    rules: str
    headcount: str
    #: the sign of the headcount change that explains it (a cut drops, a raise adds)
    sign: int


_OUT = _Way(
    "left",
    "new",
    "churn.cadre_removed",
    "churn.demand_removed",
    "churn.now_fails",
    "churn.headcount_cut",
    -1,
)
_INTO = _Way(
    "took",
    "base",
    "churn.new_cadre",
    "churn.new_demand",
    "churn.now_passes",
    "churn.headcount_raised",
    1,
)


def _edit_ref(label: str) -> str:
    """``"n:kind"`` from an edit's ref (or its older label ``edit n (kind)``)."""
    m = re.fullmatch(r"edit (\d+) \((\w+)\)", label)
    return f"{m.group(1)}:{m.group(2)}" if m else label


def _churn(base: Proposal, new: Proposal, why: _Why) -> Churn:
    before: dict[str, set[str]] = {}
    after: dict[str, set[str]] = {}
    for x in base.assignments:
        before.setdefault(x.cadre, set()).add(x.demand)
    for x in new.assignments:
        after.setdefault(x.cadre, set()).add(x.demand)
    new_on: dict[str, set[str]] = {}
    for c, ds in after.items():
        for d in ds - before.get(c, set()):
            new_on.setdefault(d, set()).add(c)
    left_from: dict[str, set[str]] = {}
    for c, ds in before.items():
        for d in ds - after.get(c, set()):
            left_from.setdefault(d, set()).add(c)
    kept = moved = added = dropped = 0
    changes: list[Change] = []
    for c in sorted(set(before) | set(after)):
        b, a = before.get(c, set()), after.get(c, set())
        kept += len(a & b)
        gone, came = sorted(b - a), sorted(a - b)
        if not gone and not came:
            continue
        both = bool(gone and came)
        outs = [why.out(c, d, new_on.get(d, set()) - {c}, both) for d in gone]
        ins = [why.into(c, d, left_from.get(d, set()) - {c}, both) for d in came]
        kind: Literal["moved", "added", "dropped"]
        if both:
            kind = "moved"
            moved += 1
            reasons = outs + ins
        elif came:
            kind = "added"
            added += 1
            reasons = ins
        else:
            kind = "dropped"
            dropped += 1
            reasons = outs
        texts = {why.text(m): m for m in reasons}  # a reason said twice is said once
        changes.append(
            Change(
                kind=kind,
                cadre=c,
                before=gone,
                after=came,
                reason="; ".join(texts),
                why=list(texts.values()),
            )
        )
    return Churn(kept=kept, moved=moved, added=added, dropped=dropped, changes=changes)


#: every KPI of a proposal, in the order the model states them
_KPIS = tuple(Kpis.model_fields)


def compare_plans(
    base_case: Case,
    base: Proposal,
    new_case: Case,
    new: Proposal,
    touched: Mapping[str, list[str]] | None = None,
    name: str = "scenario",
) -> Comparison:
    """The comparison of two already computed proposals."""
    kb, kn = base.kpis.model_dump(), new.kpis.model_dump()
    kpis = [
        KpiDelta(
            kpi=k,
            base=kb[k],
            scenario=kn[k],
            delta=None if kb[k] is None or kn[k] is None else round(kn[k] - kb[k], 6),
        )
        for k in _KPIS
    ]
    cat0, tag0 = _unfilled(base, base_case)
    cat1, tag1 = _unfilled(new, new_case)
    return Comparison(
        scenario=name,
        kpis=kpis,
        unfilled_by_category=_deltas(cat0, cat1),
        unfilled_by_tag=_deltas(tag0, tag1),
        churn=_churn(base, new, _Why(base_case, new_case, touched or {})),
        base=base,
        result=new,
    )


def compare(
    case: Case,
    scenario: Scenario,
    *,
    base: Proposal | None = None,
    used_capacity: Mapping[str, int] | None = None,
    filled_slots: Mapping[str, int] | None = None,
    excluded: Iterable[Pair] = (),
    lending: LendingUse | None = None,
    held: Mapping[str, Sequence[HeldWindow]] | None = None,
    progress: Progress | None = None,
) -> Comparison:
    """Baseline against the scenario (both exact, solved without alternates);
    ``lending`` is what the pool's dispatches already lent (the lending rules count it),
    ``held`` the dated windows cadres hold now (both plans keep clear of them).

    ``progress`` is told which plan is being solved (``baseline``, then ``scenario``)
    at each of the engine's steps: a caller computing a what-if as a job shows where it
    is, and may cancel it (the callback raises :class:`matcher.Cancelled`).
    """
    excluded = list(excluded)
    if base is None:
        base = propose(
            case,
            fast_policy(case),
            excluded=excluded,
            used_capacity=used_capacity,
            filled_slots=filled_slots,
            lending=lending,
            held=held,
            progress=_named(progress, "baseline"),
        )
    new_case, touched = apply_scenario(case, scenario)
    ids_c = {c.id for c in new_case.cadres}
    ids_d = {d.id for d in new_case.demands}
    new = propose(
        new_case,
        fast_policy(new_case),
        excluded=[(c, d) for c, d in excluded if c in ids_c and d in ids_d],
        used_capacity={k: v for k, v in (used_capacity or {}).items() if k in ids_c},
        filled_slots={k: v for k, v in (filled_slots or {}).items() if k in ids_d},
        lending=lending,
        held={k: v for k, v in (held or {}).items() if k in ids_c},
        progress=_named(progress, "scenario"),
    )
    return compare_plans(case, base, new_case, new, touched, scenario.name)


def _named(progress: Progress | None, plan: str) -> Progress | None:
    """``progress`` told ``plan`` (``baseline``, ``scenario``: codes ``phase.<plan>``) at
    each of the engine's steps in that plan's solve, without the step's fraction (a share
    of one step, not of the plan). Why every step: the callback is where a job hears a
    cancel, so a what-if stops as often as a proposal does; told ``plan`` once before the
    solve too, a cancel asked meanwhile stops before that solve begins."""
    if progress is None:
        return None
    step = as_progress(progress)
    step(plan)

    def named(phase: str, fraction: float | None = None, /) -> None:
        step(plan)

    return named
