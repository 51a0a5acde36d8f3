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

from matcher.record import CadreRecord
from matcher.store.core import Actor

__all__ = [
    "AwayRow",
    "CadreRow",
    "DeclineRow",
    "DemandRow",
    "DispatchRow",
    "DistrictRow",
    "JobRow",
    "PointsRow",
    "ProposalHead",
    "ProposalRow",
    "ProposalSummaryRow",
    "RecordRow",
    "StatusChangeRow",
    "StoreRow",
    "TokenRow",
    "TrainingRow",
    "UnavailableRow",
    "WarningRow",
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
    if isinstance(value, list) and value and isinstance(value[0], StoreRow):
        return [v.to_json() for v in value]
    if isinstance(value, Actor):
        return {"token": value.token, "label": value.label}
    return value


def actor_of(token: int | None, label: str | None) -> Actor | None:
    """Who acted, as rows hold it: None when no token acted (the CLI, an import)."""
    return None if token is None else Actor(token, label)


@dataclass(frozen=True)
class DistrictRow(StoreRow):
    """A district as it is listed: its ``timezone`` (its policy's, an IANA name) is the
    clock its calendar days and dated orders follow, so a client shows times in it."""

    id: str
    name: str
    taxonomy: str
    timezone: str
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
    #: dated work: weekly availability and days away as written (None: always, never)
    available: str | None = None
    away: str | None = None
    #: most hours of dated orders a week (None: no limit)
    hours_per_week: float | None = None


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
    #: the catalogue's service item it was made from (None: typed in)
    item: str | None = None
    #: when it was created (None: unknown, made before the store kept it)
    created_at: str | None = None
    #: a dated order's window, local time as written (None: ongoing), and its hours
    start: str | None = None
    end: str | None = None
    hours: float | None = None


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
    draft: bool
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
class JobRow(StoreRow):
    """A background job as stored (:mod:`matcher.store.jobs`): what it is, where it stands.

    ``request`` is what its work needs (a proposal's or a scenario's request body);
    ``owner`` the token that asked (the job's actor); ``lease_holder``/``lease_until`` the
    worker computing it and until when (seconds since the epoch) its lease holds unless
    renewed. Once done, a proposal's job points at its proposal (``proposal_id``); a job
    that stores nothing in the pool (a scenario's) keeps its answer (``result``).
    """

    id: str
    district: str
    kind: str
    owner: Actor
    request: dict[str, Any]
    idem_key: str | None
    idem_fingerprint: str | None
    status: str
    phase: str | None
    fraction: float | None
    cancel_requested: bool
    lease_holder: str | None
    lease_until: float | None
    attempts: int
    proposal_id: int | None
    result: dict[str, Any] | None
    error: dict[str, Any] | None
    created_at: str
    started_at: str | None
    finished_at: str | None


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


@dataclass(frozen=True)
class TrainingRow(StoreRow):
    """A training session a cadre attended (``cert``: the certification it gained, if any)."""

    id: int
    cadre: str
    course: str
    tags: list[str]
    hours: float
    day: str
    cert: str | None
    created_at: str
    created_by: Actor | None


@dataclass(frozen=True)
class WarningRow(StoreRow):
    """A suggested status change (三色预警) with its reasons, and how it was decided.

    ``reasons`` are catalogue messages ``[{code, params}]``; ``state`` is
    ``pending`` until a person confirms or dismisses it.
    """

    id: int
    cadre: str
    rule: str
    from_status: str
    to_status: str
    reasons: list[dict[str, Any]]
    created_at: str
    state: str
    decided_at: str | None
    decided_by: Actor | None
    note: str | None


@dataclass(frozen=True)
class StatusChangeRow(StoreRow):
    """A cadre's colour changed by a person: by confirming a warning, or by editing the cadre."""

    id: int
    cadre: str
    day: str
    from_status: str
    to_status: str
    warning: int | None
    created_at: str
    created_by: Actor | None
    note: str | None


@dataclass(frozen=True)
class RecordRow(StoreRow):
    """A cadre's record (成长档案) as of a day, as JSON values (``matcher.record.CadreRecord``).

    ``name`` and ``current`` (the status in force now) come from the cadre's row,
    ``warnings`` are the cadre's pending ones, ``points`` the points balance;
    every other figure is the record's, computed from history (``docs/record.md``).
    """

    cadre: str
    name: str
    current: str
    as_of: str
    joined: str
    months_in_pool: int
    completed: int
    cancelled: dict[str, int]
    exempted: int
    no_shows: int
    no_shows_recent: int
    hours_total: float
    hours_recent: float
    hours_year: float
    hours_target_to_date: float
    hours_behind: float
    year_days: int
    ratings: int
    rating: float | None
    rating_unshrunk: float | None
    training_hours: float
    courses: list[str]
    certs: list[dict[str, str]]
    communities: list[str]
    status: str | None
    #: the policy's recent window (days) the ``_recent`` figures count
    recent_days: int
    warnings: list[WarningRow]
    points: int | None

    @classmethod
    def of(
        cls,
        r: CadreRecord,
        name: str,
        current: str,
        recent_days: int,
        warnings: list[WarningRow],
        points: int | None = None,
    ) -> RecordRow:
        """The record ``r`` of the cadre called ``name``, of status ``current`` today."""
        return cls(
            cadre=r.cadre,
            name=name,
            current=current,
            as_of=r.as_of.isoformat(),
            joined=r.joined.isoformat(),
            months_in_pool=r.months_in_pool,
            completed=r.completed,
            cancelled={str(k): v for k, v in r.cancelled.items()},
            exempted=r.exempted,
            no_shows=r.no_shows,
            no_shows_recent=r.no_shows_recent,
            hours_total=r.hours_total,
            hours_recent=r.hours_recent,
            hours_year=r.hours_year,
            hours_target_to_date=r.hours_target_to_date,
            hours_behind=r.hours_behind,
            year_days=r.year_days,
            ratings=r.ratings,
            rating=r.rating,
            rating_unshrunk=r.rating_unshrunk,
            training_hours=r.training_hours,
            courses=list(r.courses),
            certs=[{"cert": c, "day": d.isoformat()} for c, d in r.certs],
            communities=list(r.communities),
            status=r.status,
            recent_days=recent_days,
            warnings=warnings,
            points=points,
        )
