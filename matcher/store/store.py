"""The persistent pool: districts, their case data, proposals, declines and dispatches.

A :class:`Store` owns a SQLAlchemy engine; every unit of work is one transaction
opened with :meth:`Store.write` (serialised) or :meth:`Store.read` (a snapshot),
and handed out as a :class:`Tx` whose methods are the only SQL in the project.
The SQL is portable (SQLAlchemy Core); two engines are supported:

* SQLite (a file path, ``:memory:``), the embedded default: WAL mode, foreign
  keys on; writers are serialised by ``BEGIN IMMEDIATE`` (the database's one
  write lock), readers see the snapshot WAL gives them.
* PostgreSQL (a ``postgresql://`` URL, driven by psycopg 3): every write
  transaction first takes one transaction-level advisory lock
  (``pg_advisory_xact_lock``, released by the commit or rollback) under READ
  COMMITTED, so writers are serialised exactly as on SQLite, and each statement
  after the lock sees everything committed before it. Why not SERIALIZABLE with
  retries: a write transaction here runs Python between its statements (an
  accept validates a proposal, the audit entry is chained at the end), so a
  retry would have to replay that whole unit of work, and every caller would
  have to be safe to re-run; one lock gives the audit chain, the points balance
  and stale-proposal checks the same single-writer reasoning on both engines,
  at the cost of writes (not reads) queueing, which they do on SQLite anyway.
  Reads run REPEATABLE READ, READ ONLY: one consistent snapshot, as on SQLite.

Background jobs' rows (:mod:`matcher.store.jobs`) are claimed, renewed and cancelled
in :meth:`Store.jobs` transactions: row locks on PostgreSQL (no store-wide lock, so a
heartbeat never waits for a long import), the write lock on SQLite.

Each store remembers the district versions its own writes made
(:meth:`Store.wrote_all`): a worker's cached warm plans then tell the writes they
saw made from those another worker made.

Example:
    >>> store = Store.open(":memory:")
    >>> with store.write() as tx:
    ...     tx.create_district("gulou", "鼓楼区").id
    'gulou'
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, func, make_url, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import StaticPool

from matcher.store.audit import AuditTx
from matcher.store.auth import AuthTx
from matcher.store.cadres import CadresTx
from matcher.store.catalogue import CatalogueTx
from matcher.store.core import (
    CLOSED_NOTE,
    NOBODY,
    ROLES,
    WITHDRAWN_NOTE,
    Actor,
    Basis,
    Item,
    Pair,
    Snapshot,
    hash_token,
    local_day,
    policy_from_text,
    taxonomy_from_text,
    today,
)
from matcher.store.decisions import DecisionsTx
from matcher.store.demands import DemandsTx
from matcher.store.dispatches import DispatchesTx
from matcher.store.districts import DistrictsTx
from matcher.store.errors import StoreError
from matcher.store.jobs import JobsTx
from matcher.store.ledger import LedgerTx
from matcher.store.migrations import migrate
from matcher.store.past import PastTx
from matcher.store.pool import PoolTx
from matcher.store.probe import (
    WriteState,
    open_failure,
    probe_engine,
    read_only_message,
    write_state,
)
from matcher.store.proposals import ProposalsTx
from matcher.store.trainings import TrainingsTx
from matcher.store.warnings import WarningsTx

__all__ = [
    "CLOSED_NOTE",
    "NOBODY",
    "ROLES",
    "WITHDRAWN_NOTE",
    "Actor",
    "Basis",
    "Item",
    "Pair",
    "Snapshot",
    "Store",
    "Tx",
    "hash_token",
    "local_day",
    "policy_from_text",
    "taxonomy_from_text",
    "today",
]

#: the advisory lock every PostgreSQL write transaction takes first (any constant
#: works as long as it is the same in every process: the bytes of "matcher!")
WRITE_LOCK = 0x6D61746368657221
#: the versions of its own writes a store remembers per district (older ones: unknown)
OWN_WRITES = 1024


class Store:
    """A database holding any number of districts."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.sqlite = engine.dialect.name == "sqlite"
        in_memory = self.sqlite and engine.url.database in (None, "", ":memory:")
        self._probe = None if in_memory else probe_engine(engine)
        #: set by :meth:`close` (a background loop over this store then stops)
        self.closed = False
        self._own_lock = threading.Lock()
        self._own: dict[str, deque[int]] = {}
        #: an in-memory database is one connection that every thread shares (StaticPool):
        #: its transactions take turns, or one thread's BEGIN would land inside another's
        self._turns: AbstractContextManager[Any] = threading.RLock() if in_memory else nullcontext()

    @classmethod
    def open(cls, target: str | Path, *, writable: bool = True) -> Store:
        """Open (creating and migrating) a store: a SQLite file path, ``:memory:``, or a
        database URL (``sqlite:///…``, ``postgresql://user@host/db``; the database itself
        must exist on the server).

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
        else:
            parsed = make_url(url)
            text = parsed.render_as_string(hide_password=True)
            if parsed.get_backend_name() not in ("postgresql", "postgres"):
                raise StoreError(f"{text}: only SQLite files and postgresql:// URLs are supported")
            engine = create_engine(_with_driver(url), pool_pre_ping=True)
        store = cls(engine)
        try:
            with store.write() as tx:
                migrate(tx.conn)
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
        self.closed = True
        self.engine.dispose()
        if self._probe is not None:
            self._probe.dispose()

    @contextmanager
    def write(self, actor: Actor = NOBODY) -> Iterator[Tx]:
        """One serialised read-write transaction; committed on success, rolled back on error.

        What it wrote is appended to the audit trail as one entry by ``actor`` (the
        CLI writes as :data:`NOBODY`: local access to the database file) just before
        the commit, inside the write lock (:mod:`matcher.store.audit`).
        """
        with self._turns, self.engine.connect() as conn:
            if self.sqlite:
                conn.execution_options(immediate=True)
            else:
                conn.execution_options(isolation_level="READ COMMITTED")
            with conn.begin():
                if not self.sqlite:  # the write lock: held until this transaction ends
                    conn.execute(select(func.pg_advisory_xact_lock(WRITE_LOCK)))
                tx = Tx(conn, actor)
                yield tx
                tx.flush_audit()
            if tx.audit_written is not None:  # committed
                chain, seq = tx.audit_written
                with self._own_lock:
                    self._own.setdefault(chain, deque(maxlen=OWN_WRITES)).append(seq)

    def wrote_all(self, district: str, after: int, upto: int) -> bool:
        """Whether this store made every write that took ``district`` from version
        ``after`` to ``upto`` (:meth:`Tx.district_version`), none by another process."""
        if upto == after:
            return True
        with self._own_lock:
            own = set(self._own.get(district, ()))
        return upto > after and all(v in own for v in range(after + 1, upto + 1))

    @contextmanager
    def jobs(self) -> Iterator[Tx]:
        """A read-write transaction for job rows only (:mod:`matcher.store.jobs`).

        On PostgreSQL it takes no store-wide write lock: job rows are guarded by their
        row locks (``FOR UPDATE``, ``SKIP LOCKED``); on SQLite it is ``BEGIN IMMEDIATE``.
        Nothing written here is audited (a job's proposal is, when it is stored).
        """
        with self._turns, self.engine.connect() as conn:
            if self.sqlite:
                conn.execution_options(immediate=True)
            else:
                conn.execution_options(isolation_level="READ COMMITTED")
            with conn.begin():
                tx = Tx(conn)
                yield tx
                assert tx.audit_entry is None, "an audited write in a jobs transaction"

    @contextmanager
    def read(self) -> Iterator[Tx]:
        """A consistent read-only view (one transaction, rolled back)."""
        with self._turns, self.engine.connect() as conn:
            if not self.sqlite:
                conn.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
            with conn.begin() as txn:
                yield Tx(conn)
                txn.rollback()

    def integrity_check(self) -> str:
        if not self.sqlite:  # pragma: no cover
            return "ok"
        with self._turns, self.engine.connect() as conn:
            return str(conn.exec_driver_sql("PRAGMA integrity_check").scalar())


def _with_driver(url: str) -> str:
    """``postgresql://…`` names psycopg 3 (SQLAlchemy would otherwise look for psycopg2)."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


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


class Tx(
    JobsTx,
    PastTx,
    LedgerTx,
    WarningsTx,
    TrainingsTx,
    DecisionsTx,
    ProposalsTx,
    DemandsTx,
    CadresTx,
    PoolTx,
    DispatchesTx,
    CatalogueTx,
    DistrictsTx,
    AuthTx,
    AuditTx,
):
    """Operations inside one transaction. Ids are strings; unknown ones raise NotFoundError.

    The methods live by concern in the mixins this module imports (see
    :mod:`matcher.store.core`); ``Tx`` only combines them.
    """
