"""What the store's reads and writes return: one frozen dataclass per kind of row.

Why typed rows: a misspelt field is then a mypy error, not a ``KeyError`` at
run time, and each row states once what the service sends for it. Each has one
way to become JSON, :meth:`StoreRow.to_json` (nested rows, such as who acted or
a cadre's unavailability, become nested objects). Free-form blobs (a proposal's
request and result) stay plain JSON values held in a field.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from matcher.store.core import Actor

__all__ = [
    "AwayRow",
    "CadreRow",
    "DeclineRow",
    "DemandRow",
    "DispatchRow",
    "DistrictRow",
    "PointsRow",
    "ProposalHead",
    "ProposalRow",
    "ProposalSummaryRow",
    "StoreRow",
    "TokenRow",
    "UnavailableRow",
]


@dataclass(frozen=True)
class StoreRow:
    """The base of every row: its fields, in JSON."""

    def to_json(self) -> dict[str, Any]:
        """The row as the JSON object the service sends (``None`` stays ``null``).

        Shallow on purpose: a proposal's result may hold a city's assignments, and
        its dicts and lists are handed over as they are, not copied.
        """
        return {f.name: _json(getattr(self, f.name)) for f in dataclasses.fields(self)}


def _json(value: Any) -> Any:
    if isinstance(value, StoreRow):
        return value.to_json()
    if isinstance(value, Actor):
        return {"token": value.token, "label": value.label}
    return value


def actor_of(token: int | None, label: str | None) -> Actor | None:
    """Who acted, as rows hold it: None when no token acted (the CLI, an import)."""
    return None if token is None else Actor(token, label)


@dataclass(frozen=True)
class DistrictRow(StoreRow):
    id: str
    name: str
    taxonomy: str
    created_at: str
    communities: int
    cadres: int
    demands: int


@dataclass(frozen=True)
class UnavailableRow(StoreRow):
    """A cadre kept out of proposals (暂不可派) until a day, inclusive (None: until lifted)."""

    until: str | None
    reason: str | None
    created_at: str
    created_by: Actor | None

    def naming(self, cadre: str) -> AwayRow:
        """The same unavailability with the cadre it keeps out (a reply to rejecting people)."""
        return AwayRow(self.until, self.reason, self.created_at, self.created_by, cadre)


@dataclass(frozen=True)
class AwayRow(UnavailableRow):
    """An unavailability set by rejecting the person: it names the cadre."""

    cadre: str


@dataclass(frozen=True)
class CadreRow(StoreRow):
    id: str
    name: str
    home: str
    skills: dict[str, int]
    certs: list[str]
    capacity: int
    status: str
    max_travel_km: float | None
    version: int
    active_dispatches: int
    unavailable: UnavailableRow | None


@dataclass(frozen=True)
class DemandRow(StoreRow):
    id: str
    community: str
    title: str
    needs: dict[str, int]
    requires: dict[str, int]
    certs: list[str]
    headcount: int
    priority: int
    status: str
    recurring: bool
    stage: str
    version: int
    filled: int
    active: int
    completed: int


@dataclass(frozen=True)
class DispatchRow(StoreRow):
    id: int
    district: str
    proposal: int | None
    cadre: str
    demand: str
    score: float
    status: str
    created_at: str
    created_by: Actor | None
    closed_at: str | None
    closed_by: Actor | None
    note: str | None
    hours: float | None = None
    rating: int | None = None
    exempt: bool = False
    exempt_reason: str | None = None
    cancel_reason: str | None = None


@dataclass(frozen=True)
class DeclineRow(StoreRow):
    cadre: str
    demand: str
    proposal: int | None
    reason: str | None
    created_at: str
    created_by: Actor | None


@dataclass(frozen=True)
class ProposalHead(StoreRow):
    """What a stored proposal shows however it is read: its state and counts."""

    id: int
    district: str
    created_at: str
    created_by: Actor | None
    request: dict[str, Any]
    status: str
    stale: bool
    pending: int
    accepted: int
    rejected: int
    superseded: int


@dataclass(frozen=True)
class ProposalSummaryRow(ProposalHead):
    """A stored proposal as listed: its KPIs and the district's position after it."""

    kpis: dict[str, Any]
    position: dict[str, Any] | None


@dataclass(frozen=True)
class ProposalRow(ProposalHead):
    """A stored proposal in full: ``result`` is the proposal's JSON, each pair with its state."""

    result: dict[str, Any]


@dataclass(frozen=True)
class TokenRow(StoreRow):
    id: int
    role: str
    districts: list[str]
    label: str | None
    created_at: str
    revoked_at: str | None


@dataclass(frozen=True)
class PointsRow(StoreRow):
    """One line of a cadre's points ledger (服务积分): ``amount`` is signed (redeemed < 0)."""

    id: int
    cadre: str
    kind: str
    amount: int
    dispatch: int | None
    reason: str | None
    day: str
    created_at: str
    created_by: Actor | None
