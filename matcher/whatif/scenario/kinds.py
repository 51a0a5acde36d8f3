"""The one table of edit kinds: name → the class that checks and applies it."""

from __future__ import annotations

from matcher.whatif.scenario.cadre_edits import (
    AddCadres,
    RemoveCadres,
    SetCapacity,
    SetStatus,
    Train,
    TravelLimit,
)
from matcher.whatif.scenario.demand_edits import AddDemands, ScaleDemand
from matcher.whatif.scenario.edit import EditKind
from matcher.whatif.scenario.policy_edit import PolicyEdit

__all__ = ["EDITS", "EDIT_KINDS"]

#: every edit kind, in the order docs/whatif.md lists them (and suggestions name them)
EDITS: dict[str, EditKind] = {
    kind.name: kind
    for kind in (
        AddCadres(),
        RemoveCadres(),
        SetStatus(),
        SetCapacity(),
        AddDemands(),
        ScaleDemand(),
        PolicyEdit(),
        Train(),
        TravelLimit(),
    )
}
#: edit kind → allowed keys (besides ``kind``)
EDIT_KINDS: dict[str, tuple[str, ...]] = {name: kind.keys for name, kind in EDITS.items()}
