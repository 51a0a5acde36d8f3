"""The persistent pool: districts, their case data, proposals, declines and dispatches.

A :class:`Store` owns a SQLAlchemy engine; every unit of work is one transaction
opened with :meth:`Store.write` (serialised: ``BEGIN IMMEDIATE`` on SQLite) or
:meth:`Store.read`, and handed out as a :class:`Tx` whose methods are the only
SQL in the project. SQLite runs in WAL mode with foreign keys on; the SQL itself
is portable (SQLAlchemy Core), so a PostgreSQL URL works with the same code.

Example:
    >>> store = Store.open(":memory:")
    >>> with store.write() as tx:
    ...     tx.create_district("gulou", "鼓楼区")["id"]
    'gulou'
"""

from __future__ import annotations

import hashlib
import json
import math
import secrets
import tomllib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    Connection,
    Engine,
    Table,
    and_,
    create_engine,
    delete,
    event,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.engine import Row
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import StaticPool

from matcher import (
    Cadre,
    Case,
    Community,
    Demand,
    InputError,
    Policy,
    Problem,
    Status,
    Taxonomy,
    TaxonomyError,
    default_taxonomy,
    parse_policy,
    parse_taxonomy,
    write_case,
)
from matcher.io import load_table
from matcher.model import DISTRICT_ID_MAX_LENGTH, id_problem
from matcher.store import bulk
from matcher.store import schema as t
from matcher.store.errors import (
    ConflictError,
    IdempotencyError,
    NotFoundError,
    PoolChanged,
    StoreError,
)
from matcher.store.lifecycle import blocks_pair, demand_stage, move, takes_slot
from matcher.store.probe import (
    WriteState,
    open_failure,
    probe_engine,
    read_only_message,
    write_state,
)

__all__ = ["ROLES", "Actor", "Basis", "Snapshot", "Store", "Tx", "hash_token"]

ROLES = ("admin", "dispatcher", "planner", "analyst")
WITHDRAWN_NOTE = "cancelled: the cadre was withdrawn (status set to red)"
Pair = tuple[str, str]
_SUPERSEDED = "a newer proposal supersedes this one; accept from the newest proposal"
#: the districts' clock for dates a person types (an unavailability's last day)
LOCAL = ZoneInfo("Asia/Shanghai")


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def today() -> date:
    """Today in the districts' time zone: an unavailability ``until`` a date includes it."""
    return datetime.now(LOCAL).date()


@dataclass(frozen=True)
class Actor:
    """Who acted (the token's id and label), recorded on proposals, declines and dispatches."""

    token: int | None = None
    label: str | None = None

    def out(self) -> dict[str, Any] | None:
        return None if self.token is None else {"token": self.token, "label": self.label}


NOBODY = Actor()
#: the note on dispatches ended because their demand was closed
CLOSED_NOTE = "ended with its demand"


def _active_change(dispatch: Mapping[str, Any]) -> dict[str, Any]:
    """A 409 change naming one active dispatch (who, where) that stands in the way."""
    return {
        "kind": "active_dispatch",
        "dispatch": dispatch["id"],
        "cadre": dispatch["cadre"],
        "demand": dispatch["demand"],
    }


def _by(token: int | None, label: str | None) -> dict[str, Any] | None:
    return Actor(token, label).out()


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


def _community(r: Row[Any]) -> Community:
    return Community(r.id, r.name, r.street, r.lat, r.lon)


def _cadre(r: Row[Any]) -> Cadre:
    return Cadre(
        id=r.id,
        name=r.name,
        home=r.home,
        skills=_levels(r.skills),
        certs=tuple(json.loads(r.certs)),
        capacity=r.capacity,
        status=Status(r.status),
        max_travel_km=math.inf if r.max_travel_km is None else r.max_travel_km,
    )


def _demand(r: Row[Any]) -> Demand:
    return Demand(
        id=r.id,
        community=r.community,
        title=r.title,
        needs=_levels(r.needs),
        requires=_levels(r.requires),
        certs=tuple(json.loads(r.certs)),
        headcount=r.headcount,
        priority=r.priority,
    )


def _cadre_values(c: Cadre) -> dict[str, Any]:
    return {
        "name": c.name,
        "home": c.home,
        "skills": json.dumps(c.skills, ensure_ascii=False),
        "certs": json.dumps(list(c.certs), ensure_ascii=False),
        "capacity": c.capacity,
        "status": c.status.value,
        "max_travel_km": None if math.isinf(c.max_travel_km) else c.max_travel_km,
    }


def _demand_values(d: Demand) -> dict[str, Any]:
    return {
        "community": d.community,
        "title": d.title,
        "needs": json.dumps(d.needs, ensure_ascii=False),
        "requires": json.dumps(d.requires, ensure_ascii=False),
        "certs": json.dumps(list(d.certs), ensure_ascii=False),
        "headcount": d.headcount,
        "priority": d.priority,
    }


def _community_values(c: Community) -> dict[str, Any]:
    return {"name": c.name, "street": c.street, "lat": c.lat, "lon": c.lon}


Item = Community | Cadre | Demand
_FROM_ROW: dict[str, Callable[[Row[Any]], Item]] = {
    "communities": _community,
    "cadres": _cadre,
    "demands": _demand,
}
_TO_ROW: dict[str, Callable[[Any], dict[str, Any]]] = {
    "communities": _community_values,
    "cadres": _cadre_values,
    "demands": _demand_values,
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

    def basis(self, pairs: Iterable[Pair]) -> Basis:
        pairs = list(pairs)
        return Basis(
            {c: self.cadre_versions[c] for c, _ in pairs},
            {d: self.demand_versions[d] for _, d in pairs},
        )


class Store:
    """A database holding any number of districts."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.sqlite = engine.dialect.name == "sqlite"
        on_file = self.sqlite and engine.url.database not in (None, "", ":memory:")
        self._probe = probe_engine(engine) if on_file else None

    @classmethod
    def open(cls, target: str | Path, *, writable: bool = True) -> Store:
        """Open (creating and migrating) a store: a file path, ``:memory:`` or a database URL.

        With ``writable`` (the default) a store that cannot be written (a read-only
        file, or a folder SQLite cannot create its journal in) raises StoreError now,
        rather than open fine and fail every write later.
        """
        text = str(target)
        if "://" in text:
            url = text
        elif text == ":memory:":
            url = "sqlite://"
        else:
            Path(text).expanduser().parent.mkdir(parents=True, exist_ok=True)
            url = f"sqlite:///{Path(text).expanduser()}"
        if url.startswith("sqlite"):
            kwargs: dict[str, Any] = {"connect_args": {"check_same_thread": False, "timeout": 30}}
            if url in ("sqlite://", "sqlite:///:memory:"):
                kwargs["poolclass"] = StaticPool
            engine = create_engine(url, **kwargs)
            _sqlite_setup(engine, memory="poolclass" in kwargs)
        else:  # pragma: no cover - exercised with a PostgreSQL URL only
            engine = create_engine(url, pool_pre_ping=True)
        store = cls(engine)
        try:
            with store.write() as tx:
                t.migrate(tx.conn)
            if writable and store.write_state() == "read-only":
                raise StoreError(read_only_message(text))
        except OperationalError as exc:  # before the probe: no file, or WAL/migration refused
            store.close()
            reason = open_failure(text, exc)
            if reason is None:
                raise
            raise StoreError(reason) from None
        except StoreError:
            store.close()
            raise
        return store

    def write_state(self) -> WriteState:
        """Whether a write could be made now; writes nothing (:mod:`matcher.store.probe`)."""
        return "ok" if self._probe is None else write_state(self._probe)

    def close(self) -> None:
        self.engine.dispose()
        if self._probe is not None:
            self._probe.dispose()

    @contextmanager
    def write(self) -> Iterator[Tx]:
        """One serialised read-write transaction; committed on success, rolled back on error."""
        with self.engine.connect() as conn:
            conn.execution_options(immediate=True)
            with conn.begin():
                yield Tx(conn)

    @contextmanager
    def read(self) -> Iterator[Tx]:
        """A consistent read-only view (one transaction, rolled back)."""
        with self.engine.connect() as conn, conn.begin() as txn:
            yield Tx(conn)
            txn.rollback()

    def integrity_check(self) -> str:
        if not self.sqlite:  # pragma: no cover
            return "ok"
        with self.engine.connect() as conn:
            return str(conn.exec_driver_sql("PRAGMA integrity_check").scalar())


def _sqlite_setup(engine: Engine, *, memory: bool) -> None:
    @event.listens_for(engine, "connect")
    def _connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
        cur = dbapi_conn.cursor()
        if not memory:
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        immediate = conn.get_execution_options().get("immediate", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


class Tx:
    """Operations inside one transaction. Ids are strings; unknown ones raise NotFoundError."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    # ---------------------------------------------------------------- districts
    def list_districts(self, only: Sequence[str] | None = None) -> list[dict[str, Any]]:
        q = select(t.districts).order_by(t.districts.c.id)
        if only is not None:
            q = q.where(t.districts.c.id.in_(list(only)))
        return [self._district_out(r) for r in self.conn.execute(q)]

    def _district_out(self, r: Row[Any]) -> dict[str, Any]:
        counts = {}
        for name, table in (
            ("communities", t.communities),
            ("cadres", t.cadres),
            ("demands", t.demands),
        ):
            q = select(func.count()).select_from(table).where(table.c.district_id == r.id)
            if name != "communities":
                q = q.where(table.c.deleted == 0)
            counts[name] = int(self.conn.execute(q).scalar_one())
        return {
            "id": r.id,
            "name": r.name,
            "taxonomy": taxonomy_from_text(r.taxonomy_toml).name,
            "created_at": r.created_at,
            **counts,
        }

    def _district_row(self, district: str) -> Row[Any]:
        row = self.conn.execute(select(t.districts).where(t.districts.c.id == district)).first()
        if row is None:
            raise NotFoundError("district", district)
        return row

    def district(self, district: str) -> dict[str, Any]:
        return self._district_out(self._district_row(district))

    def create_district(
        self,
        district: str,
        name: str,
        taxonomy_toml: str | None = None,
        policy_toml: str | None = None,
    ) -> dict[str, Any]:
        problem = id_problem(district, DISTRICT_ID_MAX_LENGTH)
        if problem is not None:
            raise InputError(
                f"district id {district!r} is not valid",
                [Problem("district", problem, column="id", value=district)],
            )
        if taxonomy_toml is not None:
            taxonomy_from_text(taxonomy_toml)  # validate before storing
        if policy_toml is not None:
            policy_from_text(policy_toml)
        exists = select(t.districts.c.id).where(t.districts.c.id == district)
        if self.conn.execute(exists).first() is not None:
            raise ConflictError(f"district {district!r} already exists")
        self.conn.execute(
            insert(t.districts).values(
                id=district,
                name=name,
                taxonomy_toml=taxonomy_toml,
                policy_toml=policy_toml,
                created_at=_now(),
            )
        )
        return self.district(district)

    def district_taxonomy_toml(self, district: str) -> str | None:
        """The district's stored taxonomy text (None: the bundled one)."""
        text: str | None = self._district_row(district).taxonomy_toml
        return text

    def taxonomy(self, district: str) -> Taxonomy:
        return taxonomy_from_text(self._district_row(district).taxonomy_toml)

    def policy(self, district: str) -> Policy:
        return policy_from_text(self._district_row(district).policy_toml)

    # ---------------------------------------------------------------- the case
    def case(self, district: str, *, include_closed: bool = False) -> Case:
        """The district as a :class:`Case` (open demands only unless ``include_closed``)."""
        row = self._district_row(district)
        comms = self.conn.execute(
            select(t.communities)
            .where(t.communities.c.district_id == district)
            .order_by(t.communities.c.pos, t.communities.c.id)
        )
        cadres = self.conn.execute(
            select(t.cadres)
            .where(t.cadres.c.district_id == district, t.cadres.c.deleted == 0)
            .order_by(t.cadres.c.pos, t.cadres.c.id)
        )
        dq = select(t.demands).where(t.demands.c.district_id == district, t.demands.c.deleted == 0)
        if not include_closed:
            dq = dq.where(t.demands.c.status == "open")
        demands = self.conn.execute(dq.order_by(t.demands.c.pos, t.demands.c.id))
        return Case(
            taxonomy=taxonomy_from_text(row.taxonomy_toml),
            communities=tuple(_community(r) for r in comms),
            cadres=tuple(_cadre(r) for r in cadres),
            demands=tuple(_demand(r) for r in demands),
            policy=policy_from_text(row.policy_toml),
        )

    def snapshot(self, district: str) -> Snapshot:
        case = self.case(district)
        cadre_ids = {c.id for c in case.cadres}
        demand_ids = {d.id for d in case.demands}
        used = self._used(district)
        filled = self._filled(district)
        excluded = {
            (r.cadre, r.demand)
            for r in self.conn.execute(
                select(t.declines.c.cadre, t.declines.c.demand).where(
                    t.declines.c.district_id == district
                )
            )
        }
        excluded |= self._held_pairs(district)
        away = self.unavailable(district)
        for c in case.cadres:
            if c.id in away:  # takes nothing new: as if every slot of theirs were in use
                used[c.id] = max(used.get(c.id, 0), c.capacity)
        cv = {
            r.id: r.version
            for r in self.conn.execute(
                select(t.cadres.c.id, t.cadres.c.version).where(t.cadres.c.district_id == district)
            )
        }
        dv = {
            r.id: r.version
            for r in self.conn.execute(
                select(t.demands.c.id, t.demands.c.version).where(
                    t.demands.c.district_id == district
                )
            )
        }
        return Snapshot(
            case,
            {k: v for k, v in used.items() if k in cadre_ids},
            {k: v for k, v in filled.items() if k in demand_ids},
            sorted(p for p in excluded if p[0] in cadre_ids and p[1] in demand_ids),
            cv,
            dv,
            {k: v for k, v in away.items() if k in cadre_ids},
            self.pool_state(district),
        )

    def pool_state(self, district: str) -> str:
        """A digest of everything a proposal depends on, cheap to read again.

        Why: a proposal is computed outside any transaction (it may take minutes);
        storing one computed from a state that has since moved would supersede the
        fresh ones with a proposal that cannot be accepted. Counts and version sums
        change with every write that matters (an edit bumps a version; dispatches,
        declines and unavailability change counts or latest times), and today's
        date, because an unavailability ends by itself.
        """
        d, u, x = t.dispatches, t.unavailability, t.declines
        parts: list[Any] = [today().isoformat()]
        row = self._district_row(district)
        parts += [row.taxonomy_toml, row.policy_toml]
        for table in (t.cadres, t.demands):
            parts.append(
                tuple(
                    self.conn.execute(
                        select(func.count(), func.coalesce(func.sum(table.c.version), 0)).where(
                            table.c.district_id == district
                        )
                    ).one()
                )
            )
        parts.append(
            sorted(
                (str(s), int(n))
                for s, n in self.conn.execute(
                    select(d.c.status, func.count())
                    .where(d.c.district_id == district)
                    .group_by(d.c.status)
                )
            )
        )
        for table in (x, u):
            parts.append(
                tuple(
                    self.conn.execute(
                        select(func.count(), func.max(table.c.created_at)).where(
                            table.c.district_id == district
                        )
                    ).one()
                )
            )
        parts.append(
            [
                tuple(r)
                for r in self.conn.execute(
                    select(t.communities.c.id, t.communities.c.lat, t.communities.c.lon)
                    .where(t.communities.c.district_id == district)
                    .order_by(t.communities.c.id)
                )
            ]
        )
        return hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()

    # ---------------------------------------------------------------- what dispatches hold
    def _dispatch_rows(self, district: str) -> Iterator[Any]:
        """Every dispatch's cadre, demand and status, with its demand's recurring flag."""
        d, m = t.dispatches, t.demands
        q = (
            select(d.c.cadre, d.c.demand, d.c.status, m.c.recurring)
            .join(m, and_(m.c.district_id == d.c.district_id, m.c.id == d.c.demand))
            .where(d.c.district_id == district, d.c.status != "cancelled")
        )
        yield from self.conn.execute(q)

    def _used(self, district: str) -> dict[str, int]:
        """Each cadre's active dispatches (capacity counts work at the same time)."""
        return self._active_counts(district, t.dispatches.c.cadre)

    def _filled(self, district: str) -> dict[str, int]:
        """Each demand's filled slots: active dispatches, and completed ones unless recurring."""
        out: Counter[str] = Counter()
        for r in self._dispatch_rows(district):
            if takes_slot(r.status, bool(r.recurring)):
                out[r.demand] += 1
        return dict(out)

    def _held_pairs(self, district: str) -> set[Pair]:
        """Pairs a dispatch keeps out of new proposals (see ``lifecycle.blocks_pair``)."""
        return {
            (r.cadre, r.demand)
            for r in self._dispatch_rows(district)
            if blocks_pair(r.status, bool(r.recurring))
        }

    # ---------------------------------------------------------------- unavailability
    def unavailable(self, district: str) -> dict[str, str | None]:
        """Cadres not to be proposed today: cadre → last day (None: until lifted)."""
        day = today().isoformat()
        u = t.unavailability
        return {
            r.cadre: r.until
            for r in self.conn.execute(
                select(u.c.cadre, u.c.until).where(
                    u.c.district_id == district, (u.c.until.is_(None)) | (u.c.until >= day)
                )
            )
        }

    def _unavailable_out(self, district: str, cid: str) -> dict[str, Any] | None:
        u = t.unavailability
        r = self.conn.execute(
            select(u).where(u.c.district_id == district, u.c.cadre == cid)
        ).first()
        if r is None or (r.until is not None and r.until < today().isoformat()):
            return None
        return {
            "until": r.until,
            "reason": r.reason,
            "created_at": r.created_at,
            "created_by": _by(r.created_by, r.created_by_label),
        }

    def set_unavailable(
        self,
        district: str,
        cid: str,
        until: date | None = None,
        reason: str | None = None,
        actor: Actor = NOBODY,
    ) -> dict[str, Any]:
        """Keep a cadre out of proposals until ``until`` (inclusive; None: until lifted).

        Active dispatches stay: ending them is a separate, deliberate step.
        """
        self._cadre_row(district, cid)
        if until is not None and until < today():
            raise InputError(
                "the last day of unavailability is in the past",
                [
                    Problem(
                        "body",
                        "date in the past",
                        column="until",
                        value=until.isoformat(),
                        code="problem.date_past",
                    )
                ],
            )
        u = t.unavailability
        self.conn.execute(delete(u).where(u.c.district_id == district, u.c.cadre == cid))
        self.conn.execute(
            insert(u).values(
                district_id=district,
                cadre=cid,
                until=None if until is None else until.isoformat(),
                reason=reason,
                created_at=_now(),
                created_by=actor.token,
                created_by_label=actor.label,
            )
        )
        return self.cadre(district, cid)

    def clear_unavailable(self, district: str, cid: str) -> dict[str, Any]:
        self._cadre_row(district, cid)
        u = t.unavailability
        self.conn.execute(delete(u).where(u.c.district_id == district, u.c.cadre == cid))
        return self.cadre(district, cid)

    def import_case(
        self,
        district: str,
        case: Case,
        *,
        name: str | None = None,
        taxonomy_toml: str | None = None,
        policy_toml: str | None = None,
    ) -> dict[str, int]:
        """Create the district if needed, then add or update every row of ``case``.

        Rows already stored but absent from ``case`` are kept. Returns counts of
        rows inserted and updated.
        """
        row = self.conn.execute(select(t.districts).where(t.districts.c.id == district)).first()
        if row is None:
            self.create_district(district, name or district, taxonomy_toml, policy_toml)
        else:
            if (taxonomy_toml or None) != (row.taxonomy_toml or None):
                raise ConflictError(
                    f"district {district!r} uses another taxonomy; import into a new district",
                    [{"field": "taxonomy", "message": "taxonomy differs from the stored one"}],
                )
            if policy_toml is not None and policy_toml != row.policy_toml:
                policy_from_text(policy_toml)
                self.conn.execute(
                    update(t.districts)
                    .where(t.districts.c.id == district)
                    .values(policy_toml=policy_toml)
                )
        self.check_counts(district, case.cadres)
        self.check_counts(district, case.demands)
        stats = Counter[str]()
        self.upsert_communities(district, case.communities, stats)
        self.upsert_cadres(district, case.cadres, stats)
        self.upsert_demands(district, case.demands, stats)
        return dict(stats)

    def export_files(self, district: str) -> dict[str, str | None]:
        row = self._district_row(district)
        return {"taxonomy.toml": row.taxonomy_toml, "policy.toml": row.policy_toml}

    def export_case(self, district: str, out: Path) -> Path:
        """Write the district as a case folder that imports back to the same case."""
        write_case(self.case(district), out)
        for fname, text in self.export_files(district).items():
            if text is not None:
                (out / fname).write_text(text, encoding="utf-8")
        return out

    def validate_csv(self, district: str, file: str, text: str) -> Case:
        """Validate one case CSV against the district (its taxonomy and communities).

        The rules of a case folder (:func:`matcher.io.load_table`), from the text
        itself: no temporary files, no path in any message. Raises
        :class:`~matcher.CaseError` with the first problems and their total. (The
        HTTP import validates outside any transaction: :mod:`matcher.store.imports`.)
        """
        current = self.case(district)
        rows = load_table(
            file,
            text,
            taxonomy=current.taxonomy,
            communities={c.id for c in current.communities},
        )
        items = [item for _, item in rows]
        return Case(
            current.taxonomy,
            tuple(i for i in items if isinstance(i, Community)),
            tuple(i for i in items if isinstance(i, Cadre)),
            tuple(i for i in items if isinstance(i, Demand)),
            current.policy,
        )

    def upsert_communities(
        self, district: str, items: Iterable[Community], stats: Counter[str] | None = None
    ) -> None:
        self._upsert(t.communities, district, list(items), stats)

    def upsert_cadres(
        self, district: str, items: Iterable[Cadre], stats: Counter[str] | None = None
    ) -> None:
        self._upsert(t.cadres, district, list(items), stats)

    def upsert_demands(
        self, district: str, items: Iterable[Demand], stats: Counter[str] | None = None
    ) -> None:
        self._upsert(t.demands, district, list(items), stats)

    def _upsert(
        self, table: Table, district: str, items: Sequence[Item], stats: Counter[str] | None
    ) -> None:
        """Add new rows and update changed ones (bulk); rows already equal are left alone."""
        rows = bulk.stored(self.conn, table, district, [i.id for i in items])
        todo = bulk.differing(items, rows, _FROM_ROW[table.name])
        values = _TO_ROW[table.name]
        bulk.write(
            self.conn,
            table,
            district,
            [(i.id, values(i)) for i in todo],
            bulk.versions_of(table, {k: bulk.state_of(table, r) for k, r in rows.items()}),
            stats if stats is not None else Counter(),
        )

    # ---------------------------------------------------------------- communities
    def list_communities(self, district: str) -> list[Community]:
        return list(self.case(district).communities)

    def community(self, district: str, cid: str) -> Community:
        r = self.conn.execute(
            select(t.communities).where(
                t.communities.c.district_id == district, t.communities.c.id == cid
            )
        ).first()
        if r is None:
            raise NotFoundError("community", cid)
        return _community(r)

    def create_community(self, district: str, c: Community) -> Community:
        self._district_row(district)
        if self._exists(t.communities, district, c.id):
            raise ConflictError(f"community {c.id!r} already exists")
        self.upsert_communities(district, [c])
        return c

    def _exists(self, table: Any, district: str, key: str, *, live: bool = False) -> bool:
        q = select(table.c.id).where(table.c.district_id == district, table.c.id == key)
        if live:
            q = q.where(table.c.deleted == 0)
        return self.conn.execute(q).first() is not None

    # ---------------------------------------------------------------- cadres
    def _cadre_row(self, district: str, cid: str) -> Row[Any]:
        r = self.conn.execute(
            select(t.cadres).where(
                t.cadres.c.district_id == district, t.cadres.c.id == cid, t.cadres.c.deleted == 0
            )
        ).first()
        if r is None:
            raise NotFoundError("cadre", cid)
        return r

    def _active_counts(self, district: str, col: Any) -> dict[str, int]:
        q = (
            select(col, func.count())
            .where(t.dispatches.c.district_id == district, t.dispatches.c.status == "active")
            .group_by(col)
        )
        return {str(k): int(n) for k, n in self.conn.execute(q)}

    def check_counts(
        self,
        district: str,
        items: Sequence[Cadre] | Sequence[Demand],
        lines: Mapping[str, int] | None = None,
    ) -> None:
        """Refuse a capacity or headcount lowered below what dispatches hold (409).

        The one guard for ``PUT`` and for imports (``lines``: each id's row in the
        file, named in the answer); nothing is written when it refuses.
        """
        if not items:
            return
        cadres = isinstance(items[0], Cadre)
        kind, field, held = (
            ("cadre", "capacity", "active_dispatches")
            if cadres
            else ("demand", "headcount", "filled")
        )
        counts = self._used(district) if cadres else self._filled(district)
        table = t.cadres if cadres else t.demands
        column = table.c.capacity if cadres else table.c.headcount
        stored = {
            r.id: r.value
            for r in self.conn.execute(
                select(table.c.id, column.label("value")).where(
                    table.c.district_id == district, table.c.deleted == 0
                )
            )
        }
        below = []
        for item in items:
            n = counts.get(item.id, 0)
            value = item.capacity if isinstance(item, Cadre) else item.headcount
            # only a lower value is refused: a row already over (from before the
            # lifecycle) may still be edited otherwise
            if value < n and value < stored.get(item.id, n):
                row = {} if lines is None else {"row": lines.get(item.id)}
                below.append({kind: item.id, "field": field, "value": value, held: n, **row})
        if not below:
            return
        first = below[0]
        where = "" if lines is None else f" (row {first['row']})"
        what = "active dispatch(es)" if cadres else "filled slot(s)"
        if len(below) == 1:
            message = (
                f"{kind} {first[kind]!r}{where} has {first[held]} {what}; "
                f"{field} cannot go below that"
            )
        else:
            message = (
                f"{len(below)} {kind}s would get a {field} below their {what}"
                f", first {first[kind]!r}{where}; {field} cannot go below that"
            )
        raise ConflictError(message, below)

    def _away_rows(self, district: str) -> dict[str, dict[str, Any] | None]:
        u = t.unavailability
        return {
            r.cadre: self._unavailable_out(district, r.cadre)
            for r in self.conn.execute(select(u.c.cadre).where(u.c.district_id == district))
        }

    def _cadre_out(
        self, r: Row[Any], used: int, away: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        c = _cadre(r)
        return {
            "id": c.id,
            "name": c.name,
            "home": c.home,
            "skills": c.skills,
            "certs": list(c.certs),
            "capacity": c.capacity,
            "status": c.status.value,
            "max_travel_km": None if math.isinf(c.max_travel_km) else c.max_travel_km,
            "version": r.version,
            "active_dispatches": used,
            "unavailable": away,
        }

    def list_cadres(
        self, district: str, *, limit: int = 100, offset: int = 0
    ) -> tuple[list[dict[str, Any]], int]:
        self._district_row(district)
        where = and_(t.cadres.c.district_id == district, t.cadres.c.deleted == 0)
        total = int(
            self.conn.execute(select(func.count()).select_from(t.cadres).where(where)).scalar_one()
        )
        used = self._used(district)
        away = self._away_rows(district)
        rows = self.conn.execute(
            select(t.cadres)
            .where(where)
            .order_by(t.cadres.c.pos, t.cadres.c.id)
            .limit(limit)
            .offset(offset)
        )
        return [self._cadre_out(r, used.get(r.id, 0), away.get(r.id)) for r in rows], total

    def cadre(self, district: str, cid: str) -> dict[str, Any]:
        r = self._cadre_row(district, cid)
        return self._cadre_out(
            r, self._used(district).get(cid, 0), self._unavailable_out(district, cid)
        )

    def check_cadre(self, district: str, c: Cadre) -> None:
        """Raise InputError when ``c`` names unknown tags, certificates or home community."""
        tax = self.taxonomy(district)
        problems: list[Problem] = []
        for tag in c.skills:
            if not tax.has_tag(tag):
                problems.append(
                    Problem("body", f"unknown tag; {tax.suggest_tag(tag)}", None, "skills", tag)
                )
        for cert in c.certs:
            if tax.certs and not tax.has_cert(cert):
                problems.append(
                    Problem("body", f"unknown cert; {tax.suggest_cert(cert)}", None, "certs", cert)
                )
        if not self._exists(t.communities, district, c.home):
            problems.append(Problem("body", "unknown community", None, "home", c.home))
        if problems:
            raise InputError("the cadre does not fit this district", problems)

    def check_demand(self, district: str, d: Demand) -> None:
        tax = self.taxonomy(district)
        problems: list[Problem] = []
        for what, levels in (("needs", d.needs), ("requires", d.requires)):
            for tag in levels:
                if not tax.has_tag(tag):
                    problems.append(
                        Problem("body", f"unknown tag; {tax.suggest_tag(tag)}", None, what, tag)
                    )
        for cert in d.certs:
            if tax.certs and not tax.has_cert(cert):
                problems.append(
                    Problem("body", f"unknown cert; {tax.suggest_cert(cert)}", None, "certs", cert)
                )
        if not self._exists(t.communities, district, d.community):
            problems.append(Problem("body", "unknown community", None, "community", d.community))
        if problems:
            raise InputError("the demand does not fit this district", problems)

    def create_cadre(self, district: str, c: Cadre) -> dict[str, Any]:
        self._district_row(district)
        if self._exists(t.cadres, district, c.id, live=True):
            raise ConflictError(f"cadre {c.id!r} already exists")
        self.check_cadre(district, c)
        self.upsert_cadres(district, [c])
        return self.cadre(district, c.id)

    def update_cadre(
        self,
        district: str,
        c: Cadre,
        *,
        end_dispatches: str | None = None,
        actor: Actor = NOBODY,
    ) -> dict[str, Any]:
        """Replace a cadre. Withdrawing one (status red) that holds active dispatches
        raises ConflictError listing them, unless ``end_dispatches="cancel"``: then
        they are cancelled here, in the same transaction, with a note saying why."""
        old = self._cadre_row(district, c.id)
        self.check_cadre(district, c)
        if c.status is Status.RED and old.status != Status.RED.value:
            active = self.list_dispatches(district, status="active", cadre=c.id, limit=2**31)[0]
            if active and end_dispatches != "cancel":
                raise ConflictError(
                    f"cadre {c.id!r} holds {len(active)} active dispatch(es): complete or "
                    "cancel them before setting status red (withdrawn), or cancel them "
                    "with the update (end_dispatches=cancel)",
                    [_active_change(d) for d in active],
                    code="conflict.red_with_active",
                    params={"id": c.id, "count": len(active)},
                )
            for d in active:
                self.close_dispatch(district, d["id"], "cancel", WITHDRAWN_NOTE, actor)
        self.check_counts(district, [c])
        if _cadre(old) != c:
            self.upsert_cadres(district, [c])
        return self.cadre(district, c.id)

    def delete_cadre(self, district: str, cid: str) -> None:
        old = self._cadre_row(district, cid)
        active = self.list_dispatches(district, status="active", cadre=cid, limit=2**31)[0]
        if active:
            raise ConflictError(
                f"cadre {cid!r} has active dispatches; complete or cancel them first",
                [_active_change(x) for x in active],
                code="conflict.has_active",
                params={"kind": "cadre", "id": cid},
            )
        self.conn.execute(
            update(t.cadres)
            .where(t.cadres.c.district_id == district, t.cadres.c.id == cid)
            .values(deleted=1, version=old.version + 1)
        )

    # ---------------------------------------------------------------- demands
    def _demand_row(self, district: str, did: str) -> Row[Any]:
        r = self.conn.execute(
            select(t.demands).where(
                t.demands.c.district_id == district,
                t.demands.c.id == did,
                t.demands.c.deleted == 0,
            )
        ).first()
        if r is None:
            raise NotFoundError("demand", did)
        return r

    def _demand_out(self, r: Row[Any], filled: int, active: int, completed: int) -> dict[str, Any]:
        d = _demand(r)
        return {
            "id": d.id,
            "community": d.community,
            "title": d.title,
            "needs": d.needs,
            "requires": d.requires,
            "certs": list(d.certs),
            "headcount": d.headcount,
            "priority": d.priority,
            "status": r.status,
            "recurring": bool(r.recurring),
            "stage": demand_stage(r.status, d.headcount, filled),
            "version": r.version,
            "filled": filled,
            "active": active,
            "completed": completed,
        }

    def _demand_counts(self, district: str) -> dict[str, tuple[int, int, int]]:
        """Each demand's (filled, active, completed) dispatches."""
        out: dict[str, list[int]] = {}
        for r in self._dispatch_rows(district):
            got = out.setdefault(r.demand, [0, 0, 0])
            got[0] += takes_slot(r.status, bool(r.recurring))
            got[1] += r.status == "active"
            got[2] += r.status == "completed"
        return {k: (v[0], v[1], v[2]) for k, v in out.items()}

    def list_demands(
        self, district: str, *, status: str | None = None, limit: int = 100, offset: int = 0
    ) -> tuple[list[dict[str, Any]], int]:
        self._district_row(district)
        where = and_(t.demands.c.district_id == district, t.demands.c.deleted == 0)
        if status is not None:
            where = and_(where, t.demands.c.status == status)
        total = int(
            self.conn.execute(select(func.count()).select_from(t.demands).where(where)).scalar_one()
        )
        counts = self._demand_counts(district)
        rows = self.conn.execute(
            select(t.demands)
            .where(where)
            .order_by(t.demands.c.pos, t.demands.c.id)
            .limit(limit)
            .offset(offset)
        )
        return [self._demand_out(r, *counts.get(r.id, (0, 0, 0))) for r in rows], total

    def demand(self, district: str, did: str) -> dict[str, Any]:
        r = self._demand_row(district, did)
        return self._demand_out(r, *self._demand_counts(district).get(did, (0, 0, 0)))

    def create_demand(self, district: str, d: Demand, *, recurring: bool = False) -> dict[str, Any]:
        """A new open demand. The id of a deleted demand may be used again only when
        nothing was ever dispatched or declined on it: its history would fill the new
        demand's slots and block its pairs."""
        self._district_row(district)
        if self._exists(t.demands, district, d.id, live=True):
            raise ConflictError(f"demand {d.id!r} already exists")
        if self._exists(t.demands, district, d.id) and self._has_history(district, d.id):
            raise ConflictError(
                f"demand id {d.id!r} was used by a deleted demand with dispatches or declines; "
                "choose a new id",
                [{"demand": d.id, "kind": "id_used"}],
                code="conflict.id_used",
                params={"id": d.id},
            )
        self.check_demand(district, d)
        self.upsert_demands(district, [d])
        # a re-created demand starts open
        self.conn.execute(
            update(t.demands)
            .where(t.demands.c.district_id == district, t.demands.c.id == d.id)
            .values(status="open", recurring=int(recurring))
        )
        return self.demand(district, d.id)

    def _has_history(self, district: str, did: str) -> bool:
        for table in (t.dispatches, t.declines):
            q = select(table.c.demand).where(table.c.district_id == district, table.c.demand == did)
            if self.conn.execute(q.limit(1)).first() is not None:
                return True
        return False

    def update_demand(
        self, district: str, d: Demand, *, recurring: bool | None = None
    ) -> dict[str, Any]:
        """Replace a demand; ``recurring`` None keeps the flag as it is.

        Refused (409) when the edit would leave more slots filled than the headcount:
        a lower headcount, or a recurring demand made one-off, whose completed work
        would then fill slots again. A demand already over-filled may still be edited
        otherwise (or made recurring, which is how it is mended).
        """
        old = self._demand_row(district, d.id)
        self.check_demand(district, d)
        was = bool(old.recurring)
        now = was if recurring is None else recurring
        active, completed = self._demand_counts(district).get(d.id, (0, 0, 0))[1:]
        filled = active + (0 if now else completed)
        if was and not now:
            cadres = [r.cadre for r in self._dispatch_rows(district) if r.demand == d.id]
            if len(set(cadres)) < len(cadres):
                raise ConflictError(
                    f"demand {d.id!r} was served more than once by one cadre; it stays recurring",
                    [{"demand": d.id, "kind": "served_twice"}],
                    code="conflict.served_twice",
                    params={"id": d.id},
                )
        tighter = d.headcount < old.headcount or (was and not now)
        if tighter and d.headcount < filled:
            raise ConflictError(
                f"demand {d.id!r} has {filled} filled slot(s) (active or completed dispatches); "
                "headcount cannot go below that",
                [{"demand": d.id, "field": "headcount", "filled": filled}],
                code="conflict.filled_below",
                params={"id": d.id, "count": filled},
            )
        if _demand(old) != d or now != was:  # one new version for the whole edit
            self.conn.execute(
                update(t.demands)
                .where(t.demands.c.district_id == district, t.demands.c.id == d.id)
                .values(**_demand_values(d), recurring=int(now), version=old.version + 1)
            )
        return self.demand(district, d.id)

    def close_demand(
        self,
        district: str,
        did: str,
        outcome: str | None = None,
        end_dispatches: str | None = None,
        actor: Actor = NOBODY,
    ) -> dict[str, Any]:
        """Close an open demand as ``done`` or ``cancelled``: no longer proposed.

        Without ``outcome``, a demand with completed work is done, one without is
        cancelled. A demand with active dispatches is closed only with
        ``end_dispatches`` (``complete`` or ``cancel``: each of them is ended so, in
        the same transaction); otherwise 409 lists them, as withdrawing a busy
        cadre does: nobody stays dispatched on work that is closed.
        """
        old = self._demand_row(district, did)
        if outcome is None:
            outcome = (
                "done" if self._demand_counts(district).get(did, (0, 0, 0))[2] else "cancelled"
            )
        status = move("demand", did, old.status, outcome)
        active = self.list_dispatches(district, status="active", demand=did, limit=2**31)[0]
        if active and end_dispatches not in ("complete", "cancel"):
            raise ConflictError(
                f"demand {did!r} holds {len(active)} active dispatch(es): complete or cancel "
                "them, or end them with the close (end_dispatches=complete or cancel)",
                [_active_change(x) for x in active],
                code="conflict.demand_has_active",
                params={"id": did, "count": len(active)},
            )
        self._set_demand_status(old, status)
        for x in active:  # the demand is closed first: no completion makes it done again
            self.close_dispatch(district, x["id"], str(end_dispatches), CLOSED_NOTE, actor)
        return self.demand(district, did)

    def reopen_demand(self, district: str, did: str) -> dict[str, Any]:
        """A done or cancelled demand is proposed again (its dispatches still count)."""
        old = self._demand_row(district, did)
        self._set_demand_status(old, move("demand", did, old.status, "reopen"))
        return self.demand(district, did)

    def _set_demand_status(self, old: Row[Any], status: str) -> None:
        self.conn.execute(
            update(t.demands)
            .where(t.demands.c.district_id == old.district_id, t.demands.c.id == old.id)
            .values(status=status, version=old.version + 1)
        )

    def delete_demand(self, district: str, did: str) -> None:
        old = self._demand_row(district, did)
        active = self.list_dispatches(district, status="active", demand=did, limit=2**31)[0]
        if active:
            raise ConflictError(
                f"demand {did!r} has active dispatches; complete or cancel them first",
                [_active_change(x) for x in active],
                code="conflict.has_active",
                params={"kind": "demand", "id": did},
            )
        self.conn.execute(
            update(t.demands)
            .where(t.demands.c.district_id == district, t.demands.c.id == did)
            .values(deleted=1, version=old.version + 1)
        )

    # ---------------------------------------------------------------- proposals
    def add_proposal(
        self,
        district: str,
        request: Mapping[str, Any],
        result: Mapping[str, Any],
        basis: Basis,
        pairs: Sequence[Pair],
        actor: Actor = NOBODY,
        state: str | None = None,
    ) -> int:
        """Store a proposal; the district's older pending pairs are superseded by it.

        ``state`` is the snapshot's :meth:`pool_state`: when the pool has moved since,
        :class:`PoolChanged` is raised and nothing is written (propose again).
        """
        self._district_row(district)
        current = self.pool_state(district)
        if state is not None and state != current:
            raise PoolChanged()
        older = select(t.proposals.c.id).where(t.proposals.c.district_id == district)
        self.conn.execute(
            update(t.proposal_items)
            .where(t.proposal_items.c.proposal_id.in_(older), t.proposal_items.c.state == "pending")
            .values(state="superseded")
        )
        pid = self.conn.execute(
            insert(t.proposals).values(
                district_id=district,
                created_at=_now(),
                request=json.dumps(request, ensure_ascii=False),
                result=json.dumps(result, ensure_ascii=False),
                basis=basis.to_json(),
                created_by=actor.token,
                created_by_label=actor.label,
                pool_state=current,
            )
        ).inserted_primary_key[0]  # type: ignore[index]
        if pairs:
            self.conn.execute(
                insert(t.proposal_items),
                [
                    {"proposal_id": pid, "cadre": c, "demand": d, "state": "pending"}
                    for c, d in pairs
                ],
            )
        return int(pid)

    def _proposal_row(self, district: str, pid: int) -> Row[Any]:
        r = self.conn.execute(
            select(t.proposals).where(
                t.proposals.c.id == pid, t.proposals.c.district_id == district
            )
        ).first()
        if r is None:
            raise NotFoundError("proposal", str(pid))
        return r

    def _proposal_out(
        self, r: Row[Any], *, full: bool = True, state: str | None = None
    ) -> dict[str, Any]:
        """``state`` is the district's :meth:`pool_state` now (read when None)."""
        states = {
            (i.cadre, i.demand): i.state
            for i in self.conn.execute(
                select(t.proposal_items).where(t.proposal_items.c.proposal_id == r.id)
            )
        }
        result = json.loads(r.result)
        for a in result["assignments"]:
            a["state"] = states.get((a["cadre"], a["demand"]), "pending")
        counts = Counter(states.values())
        if not states:
            status = "empty"
        elif counts.get("pending", 0):
            status = "pending"
        elif counts.get("superseded", 0):
            status = "superseded"
        else:
            status = "decided"
        out: dict[str, Any] = {
            "id": r.id,
            "district": r.district_id,
            "created_at": r.created_at,
            "created_by": _by(r.created_by, r.created_by_label),
            "request": json.loads(r.request),
            "status": status,
            "stale": status == "pending"
            and r.pool_state != (state or self.pool_state(r.district_id)),
            "pending": counts.get("pending", 0),
            "accepted": counts.get("accepted", 0),
            "rejected": counts.get("rejected", 0),
            "superseded": counts.get("superseded", 0),
        }
        if full:
            out["result"] = result
        else:
            out["kpis"] = result["kpis"]
            out["position"] = result.get("district")
        return out

    def proposal(self, district: str, pid: int) -> dict[str, Any]:
        return self._proposal_out(self._proposal_row(district, pid))

    def list_proposals(
        self, district: str, *, limit: int = 50, offset: int = 0
    ) -> tuple[list[dict[str, Any]], int]:
        self._district_row(district)
        where = t.proposals.c.district_id == district
        total = int(
            self.conn.execute(
                select(func.count()).select_from(t.proposals).where(where)
            ).scalar_one()
        )
        rows = self.conn.execute(
            select(t.proposals)
            .where(where)
            .order_by(t.proposals.c.id.desc())
            .limit(limit)
            .offset(offset)
        )
        state = self.pool_state(district)
        return [self._proposal_out(r, full=False, state=state) for r in rows], total

    def _items(self, pid: int, chosen: Sequence[Pair] | None) -> list[Row[Any]]:
        """The chosen items of a proposal (None: every pending one)."""
        items = list(
            self.conn.execute(
                select(t.proposal_items)
                .where(t.proposal_items.c.proposal_id == pid)
                .order_by(t.proposal_items.c.demand, t.proposal_items.c.cadre)
            )
        )
        if chosen is None:
            return [i for i in items if i.state == "pending"]
        index = {(i.cadre, i.demand): i for i in items}
        missing = [p for p in chosen if p not in index]
        if missing:
            raise InputError(
                "the proposal holds no such assignment",
                [
                    Problem("assignments", "not in this proposal", value=f"{c} → {d}")
                    for c, d in missing
                ],
            )
        return [index[p] for p in dict.fromkeys(chosen)]

    def accept(
        self,
        district: str,
        pid: int,
        chosen: Sequence[Pair] | None = None,
        actor: Actor = NOBODY,
    ) -> list[dict[str, Any]]:
        """Turn chosen (default: all pending) assignments into dispatches, all or nothing.

        Raises ConflictError listing every change since the proposal was computed
        (superseded by a newer proposal, edited or removed cadre/demand, closed
        demand, cadre marked unavailable, capacity or headcount used meanwhile,
        pair declined, dispatched or already decided) and writes nothing then.
        Each change's ``kind`` is a stable code.
        """
        prop = self._proposal_row(district, pid)
        basis = Basis.from_json(prop.basis)
        items = self._items(pid, chosen)
        if not items:
            superseded = select(t.proposal_items.c.cadre).where(
                t.proposal_items.c.proposal_id == pid, t.proposal_items.c.state == "superseded"
            )
            if self.conn.execute(superseded).first() is not None:
                raise ConflictError(
                    _SUPERSEDED,
                    [{"kind": "superseded", "proposal": pid}],
                    code="conflict.superseded",
                )
            raise ConflictError(
                "nothing to accept: every assignment is already decided",
                [{"kind": "nothing_pending", "proposal": pid}],
                code="conflict.nothing_to_accept",
            )
        changes: list[dict[str, Any]] = []
        for i in items:
            if i.state == "superseded":
                changes.append(
                    {"cadre": i.cadre, "demand": i.demand, "kind": "superseded", "proposal": pid}
                )
            elif i.state != "pending":
                changes.append({"cadre": i.cadre, "demand": i.demand, "kind": f"already_{i.state}"})
        want_c = Counter(i.cadre for i in items)
        want_d = Counter(i.demand for i in items)
        used = self._used(district)
        filled = self._filled(district)
        away = self.unavailable(district)
        for cid, n in sorted(want_c.items()):
            r = self.conn.execute(
                select(t.cadres).where(t.cadres.c.district_id == district, t.cadres.c.id == cid)
            ).first()
            if r is None or r.deleted:
                changes.append({"cadre": cid, "kind": "cadre_removed"})
            elif r.version != basis.cadres.get(cid):
                changes.append({"cadre": cid, "kind": "cadre_changed"})
            elif cid in away:
                changes.append({"cadre": cid, "kind": "cadre_unavailable", "until": away[cid]})
            elif used.get(cid, 0) + n > r.capacity:
                changes.append(
                    {
                        "cadre": cid,
                        "kind": "capacity_used",
                        "capacity": r.capacity,
                        "active_dispatches": used.get(cid, 0),
                        "requested": n,
                    }
                )
        for did, n in sorted(want_d.items()):
            r = self.conn.execute(
                select(t.demands).where(t.demands.c.district_id == district, t.demands.c.id == did)
            ).first()
            if r is None or r.deleted:
                changes.append({"demand": did, "kind": "demand_removed"})
            elif r.status != "open":
                changes.append({"demand": did, "kind": "demand_closed", "status": r.status})
            elif r.version != basis.demands.get(did):
                changes.append({"demand": did, "kind": "demand_changed"})
            elif filled.get(did, 0) + n > r.headcount:
                changes.append(
                    {
                        "demand": did,
                        "kind": "headcount_filled",
                        "headcount": r.headcount,
                        "filled": filled.get(did, 0),
                        "requested": n,
                    }
                )
        declined = {
            (r.cadre, r.demand)
            for r in self.conn.execute(
                select(t.declines.c.cadre, t.declines.c.demand).where(
                    t.declines.c.district_id == district
                )
            )
        }
        held = self._held_pairs(district)
        for i in items:
            if (i.cadre, i.demand) in declined:
                changes.append({"cadre": i.cadre, "demand": i.demand, "kind": "pair_declined"})
            if (i.cadre, i.demand) in held:
                changes.append({"cadre": i.cadre, "demand": i.demand, "kind": "already_dispatched"})
        if changes:
            newer = any(c["kind"] == "superseded" for c in changes)
            if newer:
                raise ConflictError(_SUPERSEDED, changes, code="conflict.superseded")
            raise ConflictError(
                "the proposal is stale: the pool changed since it was computed; propose again",
                changes,
                code="conflict.stale_proposal",
            )
        scores = {
            (a["cadre"], a["demand"]): a["score"] for a in json.loads(prop.result)["assignments"]
        }
        now = _now()
        ids = []
        for i in items:
            ids.append(
                self.conn.execute(
                    insert(t.dispatches).values(
                        district_id=district,
                        proposal_id=pid,
                        cadre=i.cadre,
                        demand=i.demand,
                        score=scores.get((i.cadre, i.demand), 0.0),
                        status="active",
                        created_at=now,
                        created_by=actor.token,
                        created_by_label=actor.label,
                    )
                ).inserted_primary_key[0]  # type: ignore[index]
            )
            self._set_item(pid, i.cadre, i.demand, "accepted")
        return [self.dispatch(district, int(x)) for x in ids]

    def _set_item(self, pid: int, cadre: str, demand: str, state: str) -> None:
        self.conn.execute(
            update(t.proposal_items)
            .where(
                t.proposal_items.c.proposal_id == pid,
                t.proposal_items.c.cadre == cadre,
                t.proposal_items.c.demand == demand,
            )
            .values(state=state)
        )

    def reject(
        self,
        district: str,
        pid: int,
        chosen: Sequence[Pair],
        reason: str | None = None,
        actor: Actor = NOBODY,
        *,
        unavailable: bool = False,
        until: date | None = None,
    ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """Decline chosen assignments, or (``unavailable``) the people in them.

        A declined pair is never proposed again. A cadre marked unavailable is
        not proposed at all until ``until`` (inclusive; None: until lifted), and
        every pending pair of theirs in this proposal is rejected with the one
        reason, while no pair decline is recorded: once back, they may be
        proposed for the same demands. Returns (declines, cadres made unavailable).
        """
        self._proposal_row(district, pid)
        items = self._items(pid, chosen)
        decided = [i for i in items if i.state != "pending"]
        if decided:
            raise ConflictError(
                "some assignments are already decided",
                [
                    {"cadre": i.cadre, "demand": i.demand, "kind": f"already_{i.state}"}
                    for i in decided
                ],
            )
        if unavailable:
            people = list(dict.fromkeys(i.cadre for i in items))
            gone = [c for c in people if not self._exists(t.cadres, district, c, live=True)]
            if gone:
                raise ConflictError(
                    "a cadre named has left the pool; nothing to mark unavailable",
                    [{"cadre": c, "kind": "cadre_removed"} for c in gone],
                    code="conflict.cadre_left",
                )
            away = [self.set_unavailable(district, c, until, reason, actor) for c in people]
            for i in self._items(pid, None):
                if i.cadre in people:
                    self._set_item(pid, i.cadre, i.demand, "rejected")
            return [], [{"cadre": c["id"], **c["unavailable"]} for c in away]
        if until is not None:
            raise InputError(
                "'until' goes with 'unavailable': a declined pair is declined for good",
                [
                    Problem(
                        "body",
                        "until without unavailable",
                        column="until",
                        code="problem.until_without_unavailable",
                    )
                ],
            )
        now = _now()
        out = []
        for i in items:
            self.conn.execute(
                delete(t.declines).where(
                    t.declines.c.district_id == district,
                    t.declines.c.cadre == i.cadre,
                    t.declines.c.demand == i.demand,
                )
            )
            self.conn.execute(
                insert(t.declines).values(
                    district_id=district,
                    cadre=i.cadre,
                    demand=i.demand,
                    proposal_id=pid,
                    reason=reason,
                    created_at=now,
                    created_by=actor.token,
                    created_by_label=actor.label,
                )
            )
            self._set_item(pid, i.cadre, i.demand, "rejected")
            out.append(
                {
                    "cadre": i.cadre,
                    "demand": i.demand,
                    "proposal": pid,
                    "reason": reason,
                    "created_at": now,
                    "created_by": actor.out(),
                }
            )
        return out, []

    def list_declines(self, district: str) -> list[dict[str, Any]]:
        self._district_row(district)
        rows = self.conn.execute(
            select(t.declines)
            .where(t.declines.c.district_id == district)
            .order_by(t.declines.c.created_at, t.declines.c.cadre, t.declines.c.demand)
        )
        return [
            {
                "cadre": r.cadre,
                "demand": r.demand,
                "proposal": r.proposal_id,
                "reason": r.reason,
                "created_at": r.created_at,
                "created_by": _by(r.created_by, r.created_by_label),
            }
            for r in rows
        ]

    # ---------------------------------------------------------------- dispatches
    @staticmethod
    def _dispatch_out(r: Row[Any]) -> dict[str, Any]:
        return {
            "id": r.id,
            "district": r.district_id,
            "proposal": r.proposal_id,
            "cadre": r.cadre,
            "demand": r.demand,
            "score": r.score,
            "status": r.status,
            "created_at": r.created_at,
            "created_by": _by(r.created_by, r.created_by_label),
            "closed_at": r.closed_at,
            "closed_by": _by(r.closed_by, r.closed_by_label),
            "note": r.note,
        }

    def dispatch(self, district: str, did: int) -> dict[str, Any]:
        r = self.conn.execute(
            select(t.dispatches).where(
                t.dispatches.c.id == did, t.dispatches.c.district_id == district
            )
        ).first()
        if r is None:
            raise NotFoundError("dispatch", str(did))
        return self._dispatch_out(r)

    def list_dispatches(
        self,
        district: str,
        *,
        status: str | None = None,
        cadre: str | None = None,
        demand: str | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> tuple[list[dict[str, Any]], int]:
        self._district_row(district)
        where = t.dispatches.c.district_id == district
        for col, value in (
            (t.dispatches.c.status, status),
            (t.dispatches.c.cadre, cadre),
            (t.dispatches.c.demand, demand),
        ):
            if value is not None:
                where = and_(where, col == value)
        total = int(
            self.conn.execute(
                select(func.count()).select_from(t.dispatches).where(where)
            ).scalar_one()
        )
        rows = self.conn.execute(
            select(t.dispatches)
            .where(where)
            .order_by(t.dispatches.c.id)
            .limit(limit)
            .offset(offset)
        )
        return [self._dispatch_out(r) for r in rows], total

    def close_dispatch(
        self,
        district: str,
        did: int,
        action: str,
        note: str | None = None,
        actor: Actor = NOBODY,
    ) -> dict[str, Any]:
        """End an active dispatch: ``complete``, ``cancel`` or ``no_show``.

        Each frees the cadre's capacity. Completed work keeps its slot filled on a
        one-off demand; when every slot of such a demand is completed, the demand
        is done. A cancel or a no-show frees the slot (a no-show keeps the pair
        out of later proposals).
        """
        current = self.dispatch(district, did)
        status = move("dispatch", did, current["status"], action)
        self.conn.execute(
            update(t.dispatches)
            .where(t.dispatches.c.id == did)
            .values(
                status=status,
                closed_at=_now(),
                note=note,
                closed_by=actor.token,
                closed_by_label=actor.label,
            )
        )
        if status == "completed":
            demand = self._demand_row(district, current["demand"])
            done = self._demand_counts(district).get(demand.id, (0, 0, 0))
            if demand.status == "open" and not demand.recurring and done[2] >= demand.headcount:
                self._set_demand_status(demand, "done")
        return self.dispatch(district, did)

    def check_consistency(self, district: str | None = None) -> list[str]:
        """Invariants a crash must never break: no capacity or headcount overrun,
        no cadre twice on one demand, every accepted pair a dispatch."""
        problems = []
        q = select(t.districts.c.id)
        if district is not None:
            q = q.where(t.districts.c.id == district)
        for (d,) in self.conn.execute(q).all():
            used = self._used(d)
            for r in self.conn.execute(select(t.cadres).where(t.cadres.c.district_id == d)):
                if used.get(r.id, 0) > r.capacity:
                    problems.append(f"{d}: cadre {r.id} over capacity")
            filled = self._filled(d)
            for r in self.conn.execute(select(t.demands).where(t.demands.c.district_id == d)):
                if filled.get(r.id, 0) > r.headcount:
                    problems.append(f"{d}: demand {r.id} over headcount")
            pairs = Counter(
                (r.cadre, r.demand)
                for r in self._dispatch_rows(d)
                if takes_slot(r.status, bool(r.recurring))
            )
            problems += [f"{d}: {c} twice on {m}" for (c, m), k in pairs.items() if k > 1]
            for (pid,) in self.conn.execute(
                select(t.proposal_items.c.proposal_id)
                .join(t.proposals, t.proposals.c.id == t.proposal_items.c.proposal_id)
                .where(t.proposals.c.district_id == d, t.proposal_items.c.state == "accepted")
                .distinct()
            ):
                n_items = self.conn.execute(
                    select(func.count())
                    .select_from(t.proposal_items)
                    .where(
                        t.proposal_items.c.proposal_id == pid,
                        t.proposal_items.c.state == "accepted",
                    )
                ).scalar_one()
                n_disp = self.conn.execute(
                    select(func.count())
                    .select_from(t.dispatches)
                    .where(t.dispatches.c.proposal_id == pid)
                ).scalar_one()
                if n_items != n_disp:
                    problems.append(
                        f"{d}: proposal {pid} accepted {n_items} but {n_disp} dispatches"
                    )
        return problems

    # ---------------------------------------------------------------- tokens
    def create_token(
        self, role: str, districts: Sequence[str] = (), label: str | None = None
    ) -> tuple[str, dict[str, Any]]:
        """A new bearer token: returned once in clear, stored only as its hash."""
        if role not in ROLES:
            raise InputError(
                f"unknown role {role!r}",
                [Problem("role", "unknown role", value=role, hint="one of " + ", ".join(ROLES))],
            )
        if role != "admin" and not districts:
            raise InputError(
                f"a {role} token needs at least one district",
                [Problem("districts", "empty", hint="pass --district ID (repeatable)")],
            )
        for d in districts:
            self._district_row(d)
        token = "mt_" + secrets.token_urlsafe(32)
        tid = self.conn.execute(
            insert(t.tokens).values(
                hash=hash_token(token),
                role=role,
                districts=json.dumps(sorted(set(districts))),
                label=label,
                created_at=_now(),
            )
        ).inserted_primary_key[0]  # type: ignore[index]
        return token, self.token(int(tid))

    @staticmethod
    def _token_out(r: Row[Any]) -> dict[str, Any]:
        return {
            "id": r.id,
            "role": r.role,
            "districts": json.loads(r.districts),
            "label": r.label,
            "created_at": r.created_at,
            "revoked_at": r.revoked_at,
        }

    def token(self, tid: int) -> dict[str, Any]:
        r = self.conn.execute(select(t.tokens).where(t.tokens.c.id == tid)).first()
        if r is None:
            raise NotFoundError("token", str(tid))
        return self._token_out(r)

    def list_tokens(self) -> list[dict[str, Any]]:
        return [
            self._token_out(r) for r in self.conn.execute(select(t.tokens).order_by(t.tokens.c.id))
        ]

    def revoke_token(self, tid: int) -> dict[str, Any]:
        self.token(tid)
        self.conn.execute(
            update(t.tokens)
            .where(t.tokens.c.id == tid, t.tokens.c.revoked_at.is_(None))
            .values(revoked_at=_now())
        )
        return self.token(tid)

    def token_by_secret(self, token: str) -> dict[str, Any] | None:
        r = self.conn.execute(
            select(t.tokens).where(
                t.tokens.c.hash == hash_token(token), t.tokens.c.revoked_at.is_(None)
            )
        ).first()
        return None if r is None else self._token_out(r)

    # ---------------------------------------------------------------- idempotency
    def idempotent_get(self, token_id: int, key: str, fingerprint: str) -> tuple[int, Any] | None:
        r = self.conn.execute(
            select(t.idempotency).where(
                t.idempotency.c.token_id == token_id, t.idempotency.c.key == key
            )
        ).first()
        if r is None:
            return None
        if r.fingerprint != fingerprint:
            raise IdempotencyError(
                f"Idempotency-Key {key!r} was already used for a different request"
            )
        return int(r.status), json.loads(r.body)

    def idempotent_put(
        self, token_id: int, key: str, fingerprint: str, status: int, body: Any
    ) -> None:
        self.conn.execute(
            insert(t.idempotency).values(
                token_id=token_id,
                key=key,
                fingerprint=fingerprint,
                status=status,
                body=json.dumps(body, ensure_ascii=False),
                created_at=_now(),
            )
        )
