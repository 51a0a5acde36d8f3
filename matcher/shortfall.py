"""Open demand the pool cannot fill now, by community and service category, and the
training picks that would fill some of it: the governance report's shortages.

Why a plan and not the summary's balance: a cell can show more qualified cadres
than open slots and still stay short, because the same cadres are wanted
elsewhere. The slots counted here are those the best plan on the live pool
(:func:`matcher.propose`, with active dispatches, declines, lending and dated work
as a proposal has them) leaves empty, each with the binding reason of its demand
(:mod:`matcher.explain`, as codes). Training picks are :mod:`matcher.whatif`'s
(one upgrade of one cadre's level, confirmed by an exact re-solve), reported
without the cadre: what to train, by how much, and what it fills.

Example:
    >>> from matcher import default_catalogue, load_case
    >>> s = shortfall(load_case("tests/whatif/cases/tiny"), default_catalogue(), training=1)
    >>> s.empty == sum(c.slots for c in s.cells) and len(s.training) <= 1
    True
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from matcher.catalogue import Catalogue
from matcher.constraints import HeldWindow, Pair
from matcher.errors import InputError
from matcher.lending import LendingUse
from matcher.messages import msg
from matcher.model import Case
from matcher.problemcodes import problem_message
from matcher.proposal import Proposal
from matcher.propose import propose

__all__ = ["TRAINING_MOST_PAIRS", "ShortCell", "Shortfall", "TrainingPick", "shortfall"]

#: the most pairs (cadres × demands) training picks are priced on: whatif scores them all
#: at once, as the dense engine does
TRAINING_MOST_PAIRS = 2_000_000
#: the headline reason of a demand nobody qualifies for (its rules follow it)
NOBODY = "unfilled.no_qualified"


@dataclass(frozen=True, slots=True)
class ShortCell:
    """Empty ``slots`` on ``demands`` open demands of one community and category
    (``""``: no item); ``reason``: the binding reason (code, params) of the cell's
    demand with most empty slots, and ``reasons``: empty slots per binding code."""

    community: str
    category: str
    demands: int
    slots: int
    reason: dict[str, object]
    reasons: dict[str, int]

    def to_json(self) -> dict[str, object]:
        return {
            "community": self.community,
            "category": self.category,
            "demands": self.demands,
            "slots": self.slots,
            "reason": self.reason,
            "reasons": self.reasons,
        }


@dataclass(frozen=True, slots=True)
class TrainingPick:
    """Raise one cadre's ``tag`` from ``from_level`` to ``to_level``: it opens
    ``demands`` demands and fills ``slots`` more slots (priority-weighted fill
    ``weighted_fill`` higher, the objective ``objective`` higher). No cadre is named."""

    tag: str
    from_level: int
    to_level: int
    demands: int
    slots: int
    weighted_fill: float
    objective: float

    def to_json(self) -> dict[str, object]:
        return {
            "tag": self.tag,
            "from_level": self.from_level,
            "to_level": self.to_level,
            "demands": self.demands,
            "slots": self.slots,
            "weighted_fill": self.weighted_fill,
            "objective": self.objective,
        }


@dataclass(frozen=True, slots=True)
class Shortfall:
    """``open`` slots, ``empty`` ones after the best plan, the short ``cells`` (most
    empty slots first), the ``training`` picks, or ``training_note``: why there are
    none to price (a message: code and params), and ``labels``: each tag named here → its label."""

    open: int
    empty: int
    cells: tuple[ShortCell, ...]
    training: tuple[TrainingPick, ...] = ()
    training_note: dict[str, Any] | None = None
    labels: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, object]:
        return {
            "open": self.open,
            "empty": self.empty,
            "cells": [c.to_json() for c in self.cells],
            "training": [t.to_json() for t in self.training],
            "training_note": self.training_note,
            "labels": self.labels,
        }


def shortfall(
    case: Case,
    catalogue: Catalogue,
    *,
    used_capacity: Mapping[str, int] | None = None,
    filled_slots: Mapping[str, int] | None = None,
    excluded: Iterable[Pair] = (),
    lending: LendingUse | None = None,
    held: Mapping[str, Sequence[HeldWindow]] | None = None,
    training: int = 3,
    by_skill: bool = False,
) -> Shortfall:
    """The slots the best plan leaves empty, by community and category, and the top
    ``training`` picks (0: none)."""
    excluded = list(excluded)
    plan = propose(
        case,
        excluded=excluded,
        used_capacity=used_capacity,
        filled_slots=filled_slots,
        lending=lending,
        held=held,
    )
    demands = {d.id: d for d in case.demands}
    groups: dict[tuple[str, str], list[tuple[int, str, dict[str, object]]]] = {}
    for u in plan.unfilled:
        d = demands[u.demand]
        key = (
            d.community,
            catalogue.demand_category(d.item, d.needs, case.taxonomy)
            if by_skill
            else catalogue.category_of(d.item) or "",
        )
        # "no cadre passes every hard rule" heads the list when nobody is qualified:
        # the rule that excludes most is the one to act on
        why = next((w for w in u.why if w.code != NOBODY), u.why[0] if u.why else None)
        reason: dict[str, object] = (
            {"code": why.code, "params": dict(why.params)} if why else {"code": "", "params": {}}
        )
        groups.setdefault(key, []).append((u.slots, u.demand, reason))
    cells = sorted(
        (
            ShortCell(
                community=k[0],
                category=k[1],
                demands=len(v),
                slots=sum(n for n, _, _ in v),
                reason=min(v, key=lambda x: (-x[0], x[1]))[2],
                reasons=_per_code(v),
            )
            for k, v in groups.items()
        ),
        key=lambda c: (-c.slots, c.community, c.category),
    )
    picks, note = (
        _training(case, plan, excluded, used_capacity, filled_slots, training)
        if training
        else ((), None)
    )
    tags = {str(p) for c in cells for p in _slugs(c.reason)} | {t.tag for t in picks}
    return Shortfall(
        open=plan.kpis.slots_total,
        empty=plan.kpis.slots_total - plan.kpis.slots_filled,
        cells=tuple(cells),
        training=picks,
        training_note=note,
        labels={t: case.taxonomy.label(t) for t in sorted(tags)},
    )


def _per_code(v: list[tuple[int, str, dict[str, object]]]) -> dict[str, int]:
    out: dict[str, int] = {}
    for n, _, reason in v:
        code = str(reason["code"])
        out[code] = out.get(code, 0) + n
    return dict(sorted(out.items(), key=lambda kv: (-kv[1], kv[0])))


def _slugs(reason: dict[str, object]) -> list[str]:
    """The tag and cert slugs a reason's params name (``tag:level`` requirements too)."""
    params = reason.get("params")
    out: list[str] = []
    if isinstance(params, dict):
        for name, v in params.items():
            for x in v if isinstance(v, list) else [v]:
                if isinstance(x, str) and ("." in x or name == "certs"):
                    out.append(x.rpartition(":")[0] if ":" in x else x)
    return out


def _training(
    case: Case,
    plan: Proposal,
    excluded: list[Pair],
    used: Mapping[str, int] | None,
    filled: Mapping[str, int] | None,
    k: int,
) -> tuple[tuple[TrainingPick, ...], dict[str, Any] | None]:
    """whatif's picks on the proposal's own plan, or why they cannot be priced."""
    from matcher.whatif import plan_state, recommend_training

    pairs = len(case.cadres) * len(case.demands)
    if pairs > TRAINING_MOST_PAIRS:
        note = msg("problem.training_too_big", pairs=pairs, most=TRAINING_MOST_PAIRS)
        return (), note.model_dump()
    try:
        st = plan_state(case, plan, excluded=excluded, used_capacity=used, filled_slots=filled)
    except InputError as e:
        if not e.problems:
            raise
        return (), problem_message(e.problems[0]).model_dump()
    recs = recommend_training(case, k=k, confirm=k, state=st)
    return tuple(
        TrainingPick(
            tag=r.tag,
            from_level=r.from_level,
            to_level=r.to_level,
            demands=len(r.enables),
            slots=r.slots_gain,
            weighted_fill=round(r.weighted_fill_gain, 4),
            objective=round(r.objective_gain, 4),
        )
        for r in recs
    ), None
