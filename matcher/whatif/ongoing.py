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

What is not exact: a re-solve may also move dated dispatches to make room, and
then gain more than the price says. :data:`KEEPS_DATED` says so beside the
options (the CLI prints it; JSON carries it as ``counterfactuals_note``).

Example (no dated order: every cadre keeps its whole capacity for ongoing work):
    >>> from matcher import load_case, propose
    >>> case = load_case("tests/whatif/cases/tiny")
    >>> dated_load(case, propose(case))
    {}
"""

from __future__ import annotations

from dataclasses import replace

from matcher.dated import most_at_once
from matcher.messages import Message, msg
from matcher.model import Case
from matcher.proposal import Proposal
from matcher.whatif.counterfactual import SlotCounterfactual, unfilled_counterfactuals

__all__ = ["KEEPS_DATED", "dated_load", "ongoing_counterfactuals"]

#: the note beside ongoing orders' counterfactuals in a case with dated orders
KEEPS_DATED: Message = msg("fix.keeps_dated")


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


def ongoing_counterfactuals(
    case: Case, proposal: Proposal, *, verify: bool = False
) -> list[SlotCounterfactual]:
    """Per ongoing order ``proposal`` leaves short, the smallest relaxation of each kind
    and its exact price with the plan's dated dispatches kept (module docstring): the
    ongoing orders alone, each cadre's capacity less :func:`dated_load`. ``verify``
    re-solves that problem with each option granted, as
    :func:`~matcher.whatif.unfilled_counterfactuals` does.

    Raises:
        InputError: what pricing refuses in any case (a load cost, lending limits).
    """
    ongoing = replace(case, demands=tuple(d for d in case.demands if d.window is None))
    if not ongoing.demands:
        return []
    return unfilled_counterfactuals(
        ongoing, proposal, verify=verify, used_capacity=dated_load(case, proposal)
    )
