"""The store's shared parts: row converters, value helpers, Actor, Basis, Snapshot, and TxBase.

:class:`TxBase` holds the connection and the row lookups several concerns share.
The concerns are mixins, each in its module, that inherit only from modules below
them (``districts`` < ``dispatches`` < ``pool`` < ``cadres``/``demands``;
``proposals`` < ``decisions``; ``auth`` on the base), so every call between them
is checked by mypy and the imports form no cycle; :mod:`matcher.store.store`
combines them into ``Tx``.
"""

from __future__ import annotations

import hashlib
import json
import math
import tomllib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, Table, func, select, update
from sqlalchemy.engine import Row

from matcher import (
    Cadre,
    Case,
    Community,
    Demand,
    InputError,
    LendingUse,
    Policy,
    Status,
    Taxonomy,
    TaxonomyError,
    default_taxonomy,
    parse_policy,
    parse_taxonomy,
)
from matcher.dated import district_zone, format_local, parse_away, parse_local, parse_weekly
from matcher.store import schema as t
from matcher.store.errors import NotFoundError

ROLES = ("admin", "dispatcher", "planner", "analyst", "supervisor")
WITHDRAWN_NOTE = "cancelled: the cadre was withdrawn (status set to red)"
Pair = tuple[str, str]
SUPERSEDED = "a newer proposal supersedes this one; accept from the newest proposal"


def now_iso() -> str:
    """The current instant as a stored stamp (UTC, ISO, milliseconds), read from
    :func:`now_utc`."""
    return now_utc().isoformat(timespec="milliseconds")


def now_utc() -> datetime:
    """The current instant (aware, UTC): the store's one clock.

    Stamps (:func:`now_iso`), a district's today (:func:`today`) and the start of a
    dated order are all read from it, and their callers look it up here when called
    (``core.now_utc``), so a test that sets ``matcher.store.core.now_utc`` sets every
    clock of the store at once.
    """
    return datetime.now(UTC)


def local_day(stamp: str, zone: ZoneInfo) -> date:
    """The calendar day in ``zone`` (a district's, :meth:`TxBase.zone`) of a stored UTC
    stamp (``created_at``, ``closed_at``): the day a person there saw it happen.

    A stamp without an offset is already a local day's time: its own date.
    """
    moment = datetime.fromisoformat(stamp)
    return moment.astimezone(zone).date() if moment.tzinfo is not None else moment.date()


def today(zone: ZoneInfo) -> date:
    """Today in ``zone`` (a district's, :meth:`TxBase.zone`): the day a person there
    calls today, so an unavailability ``until`` today still holds, and a service
    completed tonight is booked today, whatever the day in another district."""
    return now_utc().astimezone(zone).date()


def day_stamp(day: date, zone: ZoneInfo) -> str:
    """A past day as a stored stamp: noon of ``day`` in ``zone`` (a district's), so
    :func:`local_day` reads that day back in the same zone."""
    noon = datetime.combine(day, time(12), zone).astimezone(UTC)
    return noon.isoformat(timespec="milliseconds")


@dataclass(frozen=True)
class Actor:
    """Who acted (the token's id and label), recorded on proposals, declines and dispatches."""

    token: int | None = None
    label: str | None = None


NOBODY = Actor()
#: the note on dispatches ended because their demand was closed
CLOSED_NOTE = "ended with its demand"


def active_change(dispatch: Any) -> dict[str, Any]:
    """A 409 change naming one active dispatch (who, where) that stands in the way."""
    return {
        "kind": "active_dispatch",
        "dispatch": dispatch.id,
        "cadre": dispatch.cadre,
        "demand": dispatch.demand,
    }


def hash_token(token: str) -> str:
    """Tokens are stored as SHA-256 hex: they are long random secrets, never passwords."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@lru_cache(maxsize=32)
def taxonomy_from_text(text: str | None) -> Taxonomy:
    """A district's taxonomy from its stored TOML (the bundled one when None).

    Parsed from the text itself: a message about it names ``taxonomy.toml``,
    never a server path.
    """
    if text is None:
        return default_taxonomy()
    try:
        data = tomllib.loads(text.removeprefix("\ufeff"))
    except tomllib.TOMLDecodeError as exc:
        raise TaxonomyError(f"taxonomy.toml: not valid TOML: {exc}") from None
    return parse_taxonomy(data, "taxonomy.toml")


@lru_cache(maxsize=32)
def policy_from_text(text: str | None) -> Policy:
    if text is None:
        return Policy()
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"policy.toml is not valid TOML: {exc}") from None
    return parse_policy(data, "policy.toml")


def _levels(text: str) -> dict[str, int]:
    return {str(k): int(v) for k, v in json.loads(text).items()}


def community_from_row(r: Row[Any]) -> Community:
    return Community(r.id, r.name, r.street, r.lat, r.lon)


def cadre_from_row(r: Row[Any]) -> Cadre:
    return Cadre(
        id=r.id,
        name=r.name,
        home=r.home,
        skills=_levels(r.skills),
        certs=tuple(json.loads(r.certs)),
        capacity=r.capacity,
        status=Status(r.status),
        max_travel_km=math.inf if r.max_travel_km is None else r.max_travel_km,
        available=parse_weekly(r.available) if r.available else None,
        away=parse_away(r.away, bounded=False) if r.away else None,
        hours_per_week=math.inf if r.hours_per_week is None else r.hours_per_week,
    )


def demand_from_row(r: Row[Any], zone: ZoneInfo) -> Demand:
    """A stored demand; a dated one's window read in ``zone`` (the district's time zone,
    its policy's ``timezone``: :meth:`TxBase.zone`)."""
    return Demand(
        id=r.id,
        community=r.community,
        title=r.title,
        needs=_levels(r.needs),
        requires=_levels(r.requires),
        certs=tuple(json.loads(r.certs)),
        headcount=r.headcount,
        priority=r.priority,
        item=r.item,
        start=parse_local(r.starts_at, zone, bounded=False) if r.starts_at else None,
        end=parse_local(r.ends_at, zone, bounded=False) if r.ends_at else None,
        hours=r.hours,
    )


def cadre_values(c: Cadre) -> dict[str, Any]:
    return {
        "name": c.name,
        "home": c.home,
        "skills": json.dumps(c.skills, ensure_ascii=False),
        "certs": json.dumps(list(c.certs), ensure_ascii=False),
        "capacity": c.capacity,
        "status": c.status.value,
        "max_travel_km": None if math.isinf(c.max_travel_km) else c.max_travel_km,
        "available": None if c.available is None else str(c.available),
        "away": None if c.away is None else str(c.away),
        "hours_per_week": None if math.isinf(c.hours_per_week) else c.hours_per_week,
    }


def demand_values(d: Demand) -> dict[str, Any]:
    return {
        "community": d.community,
        "title": d.title,
        "needs": json.dumps(d.needs, ensure_ascii=False),
        "requires": json.dumps(d.requires, ensure_ascii=False),
        "certs": json.dumps(list(d.certs), ensure_ascii=False),
        "headcount": d.headcount,
        "priority": d.priority,
        "item": d.item,
        "starts_at": None if d.start is None else format_local(d.start),
        "ends_at": None if d.end is None else format_local(d.end),
        "hours": d.hours,
    }


def community_values(c: Community) -> dict[str, Any]:
    return {"name": c.name, "street": c.street, "lat": c.lat, "lon": c.lon}


Item = Community | Cadre | Demand
#: how a stored row of a table without dated fields reads back (demands: :func:`reader`)
FROM_ROW: dict[str, Callable[[Row[Any]], Item]] = {
    "communities": community_from_row,
    "cadres": cadre_from_row,
}


def reader(table: str, zone: ZoneInfo) -> Callable[[Row[Any]], Item]:
    """How a stored row of ``table`` reads back, dated demands in ``zone`` (the
    district's): what an import compares its rows with, so a row written as stored
    is not rewritten (and its version not raised) for the zone alone."""
    if table == "demands":
        return lambda r: demand_from_row(r, zone)
    return FROM_ROW[table]


TO_ROW: dict[str, Callable[[Any], dict[str, Any]]] = {
    "communities": community_values,
    "cadres": cadre_values,
    "demands": demand_values,
}


@dataclass(frozen=True)
class Basis:
    """What a proposal was computed from: the versions it relied on."""

    cadres: dict[str, int]
    demands: dict[str, int]

    def to_json(self) -> str:
        return json.dumps({"cadres": self.cadres, "demands": self.demands})

    @classmethod
    def from_json(cls, text: str) -> Basis:
        data = json.loads(text)
        return cls(dict(data["cadres"]), dict(data["demands"]))


@dataclass(frozen=True)
class Snapshot:
    """A district's state for proposing: the case plus what its dispatches already hold.

    ``used_capacity`` counts active dispatches (and the whole capacity of a cadre
    marked unavailable), ``filled_slots`` every dispatch that fills a slot (active,
    and completed on one-off demands), ``excluded`` the pairs never to propose:
    declined, or already dispatched (see :mod:`matcher.store.lifecycle`).
    """

    case: Case
    used_capacity: dict[str, int]
    filled_slots: dict[str, int]
    excluded: list[Pair]
    cadre_versions: dict[str, int] = field(default_factory=dict)
    demand_versions: dict[str, int] = field(default_factory=dict)
    unavailable: dict[str, str | None] = field(default_factory=dict)
    #: :meth:`Tx.pool_state` when the snapshot was read
    state: str = ""
    #: what dispatches already take from the policy's lending rules (read only when on)
    lending: LendingUse = field(default_factory=LendingUse)
    #: the windows of the dated orders each cadre holds now (active dispatches): they
    #: take its capacity only then, so ``used_capacity`` counts ongoing work alone
    held: dict[str, list[tuple[datetime, datetime, float | None, str]]] = field(
        default_factory=dict
    )

    def holding(self) -> dict[str, Any]:
        """What the pool's dispatches already hold, as :func:`matcher.propose` and the
        calls built on it (compare, shortfall) take it: one list for every caller, so a
        what-if or a report sees the same held capacity, slots, pairs, lending and dated
        windows as a proposal does."""
        return {
            "used_capacity": self.used_capacity,
            "filled_slots": self.filled_slots,
            "excluded": self.excluded,
            "lending": self.lending,
            "held": self.held,
        }

    def basis(self, pairs: Iterable[Pair]) -> Basis:
        pairs = list(pairs)
        return Basis(
            {c: self.cadre_versions[c] for c, _ in pairs},
            {d: self.demand_versions[d] for _, d in pairs},
        )


class TxBase:
    """What every part of a transaction needs: its connection and the row lookups they share."""

    def __init__(self, conn: Connection, actor: Actor = NOBODY) -> None:
        self.conn = conn
        #: who acts in this transaction (the audit trail records it)
        self.actor = actor
        #: the audit entry this transaction will append (matcher.store.audit), and how
        #: deep inside audited calls it is (nested calls fold into the outer one)
        self.audit_entry: dict[str, Any] | None = None
        self.audit_depth = 0
        #: what an audited call did on the way (a cascade it set off), noted before the
        #: call itself is: listed under the entry's ``then``
        self.audit_then: list[dict[str, Any]] = []
        #: the (chain, seq) of the audit entry this transaction appended, once it has
        self.audit_written: tuple[str, int] | None = None

    def note(
        self,
        action: str,
        district: str | None,
        subject: Any,
        payload: dict[str, Any],
        actor: Any = None,
    ) -> None:
        """Record what this transaction did in its audit entry: the audit mixin
        (:class:`matcher.store.audit.AuditTx`) overrides this, so a mixin below it can
        note a cascade it set off."""

    # ---------------------------------------------------------------- one row, one page
    def _one(self, table: Table, kind: str, key: object, *where: Any) -> Row[Any]:
        """The one row of ``table`` matching ``where``; else NotFoundError(kind, key)."""
        r = self.conn.execute(select(table).where(*where)).first()
        if r is None:
            raise NotFoundError(kind, str(key))
        return r

    def _page(
        self, table: Table, where: Any, order: Sequence[Any], limit: int, offset: int
    ) -> tuple[list[Row[Any]], int]:
        """One page of ``table``'s rows matching ``where`` in ``order``, and how many match."""
        count = select(func.count()).select_from(table).where(where)
        total = int(self.conn.execute(count).scalar_one())
        q = select(table).where(where).order_by(*order).limit(limit).offset(offset)
        return list(self.conn.execute(q)), total

    def _district_row(self, district: str) -> Row[Any]:
        return self._one(t.districts, "district", district, t.districts.c.id == district)

    def zone(self, district: str) -> ZoneInfo:
        """The time zone ``district``'s policy names (Asia/Shanghai by default): its
        calendar days (:func:`today`, :func:`local_day`) and its dated orders' times.

        Raises:
            NotFoundError: no such district.
        """
        return district_zone(policy_from_text(self._district_row(district).policy_toml).timezone)

    def _exists(self, table: Any, district: str, key: str, *, live: bool = False) -> bool:
        q = select(table.c.id).where(table.c.district_id == district, table.c.id == key)
        if live:
            q = q.where(table.c.deleted == 0)
        return self.conn.execute(q).first() is not None

    def _live_row(self, table: Table, kind: str, district: str, key: str) -> Row[Any]:
        """A cadre's or demand's row while it is in the pool (not deleted)."""
        c = table.c
        return self._one(table, kind, key, c.district_id == district, c.id == key, c.deleted == 0)

    def _cadre_row(self, district: str, cid: str) -> Row[Any]:
        return self._live_row(t.cadres, "cadre", district, cid)

    def _demand_row(self, district: str, did: str) -> Row[Any]:
        return self._live_row(t.demands, "demand", district, did)

    def _set_demand_status(self, old: Row[Any], status: str) -> None:
        self.conn.execute(
            update(t.demands)
            .where(t.demands.c.district_id == old.district_id, t.demands.c.id == old.id)
            .values(status=status, version=old.version + 1)
        )
