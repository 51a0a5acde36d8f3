"""Counterfactuals for the empty slots of ongoing orders in a case with dated ones.

Why apart: residual pricing (:mod:`matcher.whatif.counterfactual`) is a b-matching's,
and a case's dated orders make its plan a MILP (:mod:`matcher.timed`), so pricing
refuses such a case (``problem.dated_not_priced``). But with the plan's dated
dispatches kept as proposed, its ongoing orders are a b-matching again: an ongoing
dispatch holds one of its cadre's places at every instant, so a cadre has
``capacity`` less the most of its dated dispatches held at one instant for ongoing
work, and no other dated rule (weekly availability, days away, weekly hours) asks
anything of an ongoing order. The plan's ongoing part is optimal for that
b-matching (a better one, beside the same dated dispatches, would be a better
plan), so each relaxation of an ongoing order's empty slot (travel, one level,
free a cadre) is priced exactly as in a case without dated orders, on that
smaller problem, and is true under the dated rules: granted, the plan it prices
keeps every cadre within capacity at every instant.

Dated orders the pool's dispatches hold already (a service's live state: ``held``
windows, with ``used_capacity`` counting ongoing work alone) take a cadre's places
in time the same way, beside the plan's own dated dispatches, as the plan's MILP
counts them (:mod:`matcher.timed`).

What is not exact: a re-solve may also move dated dispatches to make room, and
then gain more than the price says. :data:`KEEPS_DATED` says so beside the
options (the CLI prints it; JSON carries it as ``counterfactuals_note``).

:func:`slot_fixes` is what both faces call for "explain the empty slots": the
relaxations of a case without dated orders, or these with the note; a dated
order's empty slots get no relaxation (their reasons stand, and the CLI's time
shifts, :mod:`matcher.whatif.timeshift`), which :data:`DATED_UNPRICED` says.

Example (no dated order: every cadre keeps its whole capacity for ongoing work):
    >>> from matcher import load_case, propose
    >>> case = load_case("tests/whatif/cases/tiny")
    >>> dated_load(case, propose(case))
    {}
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from matcher.constraints import HeldWindow
from matcher.dated import most_at_once
from matcher.errors import InputError, Problem
from matcher.messages import Message, msg
from matcher.model import Case
from matcher.proposal import Proposal
from matcher.timed import is_dated
from matcher.whatif.counterfactual import SlotCounterfactual, unfilled_counterfactuals

__all__ = [
    "DATED_UNPRICED",
    "KEEPS_DATED",
    "SlotFixes",
    "dated_load",
    "ongoing_counterfactuals",
    "slot_fixes",
]

Pair = tuple[str, str]

#: the note beside ongoing orders' counterfactuals in a case with dated orders
KEEPS_DATED: Message = msg("fix.keeps_dated")
#: the code naming the short dated orders left without counterfactuals (``count``, the
#: first :data:`NAMED` ids as ``demands``, ``more``: how many besides)
DATED_UNPRICED = "fix.dated_unpriced"
NAMED = 10


def dated_load(case: Case, proposal: Proposal) -> dict[str, int]:
    """Per cadre, the most of their dated dispatches in ``proposal`` held at one
    instant (half-open windows: one ending as another starts does not overlap it);
    cadres without dated dispatches are left out."""
    windows = {d.id: d.window for d in case.demands if d.window is not None}
    spans: dict[str, list[tuple[float, float]]] = {}
    for a in proposal.assignments:
        w = windows.get(a.demand)
        if w is not None:
            spans.setdefault(a.cadre, []).append((w.start.timestamp(), w.end.timestamp()))
    return {c: most_at_once(s) for c, s in spans.items()}


def _kept_for_dated(
    case: Case,
    proposal: Proposal,
    used_capacity: Mapping[str, int] | None,
    held: Mapping[str, Sequence[HeldWindow]] | None,
) -> dict[str, int]:
    """``used_capacity`` plus, per cadre, the places its dated work takes from ongoing
    work: at the busiest instant, the dated orders it holds (no more than the capacity
    left, as the MILP's time line clips them when a capacity was lowered since) and its
    dated dispatches in ``proposal``. What is left is then exactly the room the plan's
    time rows leave ongoing work (:func:`matcher.timed.time_rows`)."""
    used = {k: max(0, int(v)) for k, v in (used_capacity or {}).items()}
    windows = {d.id: d.window for d in case.demands if d.window is not None}
    events: dict[str, list[tuple[float, int, int]]] = {}  # (time, +1/-1, 0 held / 1 planned)
    for who, spans in (held or {}).items():
        for x in spans:
            a, b = x[0].timestamp(), x[1].timestamp()
            events.setdefault(who, []).extend([(a, 1, 0), (b, -1, 0)])
    for p in proposal.assignments:
        w = windows.get(p.demand)
        if w is not None:
            a, b = w.start.timestamp(), w.end.timestamp()
            events.setdefault(p.cadre, []).extend([(a, 1, 1), (b, -1, 1)])
    out = dict(used)
    for c in case.cadres:
        if c.id not in events:
            continue
        full = max(c.capacity - used.get(c.id, 0), 0)
        now, busy = [0, 0], 0
        for _, step, kind in sorted(events[c.id]):  # an end sorts before a start: half-open
            now[kind] += step
            busy = max(busy, min(now[0], full) + now[1])
        out[c.id] = used.get(c.id, 0) + min(busy, full)
    return out


def ongoing_counterfactuals(
    case: Case,
    proposal: Proposal,
    *,
    verify: bool = False,
    excluded: Iterable[Pair] = (),
    used_capacity: Mapping[str, int] | None = None,
    filled_slots: Mapping[str, int] | None = None,
    held: Mapping[str, Sequence[HeldWindow]] | None = None,
) -> list[SlotCounterfactual]:
    """Per ongoing order ``proposal`` leaves short, the smallest relaxation of each kind
    and its exact price with the plan's dated dispatches kept (module docstring): the
    ongoing orders alone, each cadre's capacity less :func:`dated_load` (and, when the
    pool's dispatches hold work already, less what they hold: ``excluded``,
    ``used_capacity``, ``filled_slots`` and ``held`` as :func:`matcher.propose` takes
    them). ``verify`` re-solves that problem with each option granted, as
    :func:`~matcher.whatif.unfilled_counterfactuals` does.

    Raises:
        InputError: what pricing refuses in any case (a load cost, lending limits),
            and a plan whose MILP was not proven optimal (``problem.unproven_not_priced``:
            the prices rest on the ongoing part being optimal; a stopped search may leave
            a better exchange open, and a price would then be wrong, or not found).
    """
    ongoing = replace(case, demands=tuple(d for d in case.demands if d.window is None))
    if not ongoing.demands:
        return []
    ids = {d.id for d in ongoing.demands}
    short = any(u.demand in ids for u in proposal.unfilled)
    if short and proposal.solver == "milp" and not proposal.certified:
        raise InputError(
            "cannot price this what-if",
            [
                Problem(
                    "proposal",
                    "what-if pricing needs a plan proven optimal: this plan's MILP was not",
                    code="problem.unproven_not_priced",
                )
            ],
        )
    return unfilled_counterfactuals(
        ongoing,
        proposal,
        verify=verify,
        excluded=excluded,
        used_capacity=_kept_for_dated(case, proposal, used_capacity, held),
        filled_slots=filled_slots,
    )


class SlotFixes(BaseModel):
    """What "explain the empty slots" answers: the relaxations, and what to say beside them."""

    model_config = ConfigDict(frozen=True)

    counterfactuals: list[SlotCounterfactual]
    note: Message | None = Field(
        None, description="fix.keeps_dated when ongoing orders' fixes keep the dated dispatches"
    )
    unpriced: Message | None = Field(
        None, description="fix.dated_unpriced: the short dated orders given no relaxation"
    )

    def answer_fields(self) -> dict[str, Any]:
        """The fields a scenario's answer carries for these fixes (the service's
        scenarios and ``matcher whatif -f json`` alike): ``counterfactuals`` and the
        notes beside them as codes, ``counterfactuals_note`` and ``_unpriced``."""
        dump = self.model_dump(mode="json")
        return {
            "counterfactuals": dump["counterfactuals"],
            "counterfactuals_note": dump["note"],
            "counterfactuals_unpriced": dump["unpriced"],
        }


def slot_fixes(
    case: Case,
    proposal: Proposal,
    *,
    verify: bool = False,
    excluded: Iterable[Pair] = (),
    used_capacity: Mapping[str, int] | None = None,
    filled_slots: Mapping[str, int] | None = None,
    held: Mapping[str, Sequence[HeldWindow]] | None = None,
) -> SlotFixes:
    """The relaxations for ``proposal``'s empty slots, and the notes they need.

    Why one function: the CLI (``propose --explain-unfilled``) and the service
    (``POST …/scenarios``) must price a dated case alike. Without dated orders:
    :func:`~matcher.whatif.unfilled_counterfactuals`. With them: the ongoing orders'
    (:func:`ongoing_counterfactuals`), :data:`KEEPS_DATED` when there are any, and
    ``fix.dated_unpriced`` naming the short dated orders, which get none.

    Raises:
        InputError: what pricing refuses in any case (a load cost, lending limits).
    """
    excluded = list(excluded)
    if not is_dated(case):
        fixes = unfilled_counterfactuals(
            case,
            proposal,
            verify=verify,
            excluded=excluded,
            used_capacity=used_capacity,
            filled_slots=filled_slots,
        )
        return SlotFixes(counterfactuals=fixes)
    fixes = ongoing_counterfactuals(
        case,
        proposal,
        verify=verify,
        excluded=excluded,
        used_capacity=used_capacity,
        filled_slots=filled_slots,
        held=held,
    )
    dated = {d.id for d in case.demands if d.window is not None}
    short = [u.demand for u in proposal.unfilled if u.demand in dated]
    return SlotFixes(
        counterfactuals=fixes,
        note=KEEPS_DATED if fixes else None,
        unpriced=None if not short else _unpriced(short),
    )


def _unpriced(short: list[str]) -> Message:
    """:data:`DATED_UNPRICED` for ``short``: a week's plan may leave dozens of dated
    orders short, and a sentence naming them all would bury the rest of the answer."""
    more = len(short) - NAMED if len(short) > NAMED else None
    return msg(DATED_UNPRICED, count=len(short), demands=short[:NAMED], more=more)
