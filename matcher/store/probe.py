"""Can the store be written? A probe that writes nothing.

Why a probe at all: SQLite opens a file it may not write (read-only file, or
a read-only folder it cannot create the ``-wal``/``-shm`` files in) without a
word, and even ``BEGIN IMMEDIATE`` succeeds there; only the first change fails
("attempt to write a readonly database"). A service that starts on such a file
reads fine and answers 500 to every write. So the probe makes a change (a row
in ``meta``) and rolls it back: the write path is exercised up to the journal,
and the database does not grow, since nothing is committed.

It never waits for the write lock: a lock held by another writer shows that
the store is being written, which is all the probe wants to know.

On PostgreSQL the server decides: a standby (or a database set
``default_transaction_read_only``) says so in ``transaction_read_only``, and a
server that cannot be reached within a few seconds is ``unavailable``; nothing
is written and the write lock is never asked for.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Literal

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.pool import NullPool

__all__ = [
    "READ_ONLY_CODES",
    "WriteState",
    "open_failure",
    "probe_engine",
    "read_only_message",
    "sqlite_code",
    "write_state",
]

WriteState = Literal["ok", "read-only", "unavailable"]
PROBE_KEY = "write_probe"
READ_ONLY_CODES = frozenset({3, 8})  # SQLITE_PERM, SQLITE_READONLY
CANTOPEN = 14
BUSY_CODES = frozenset({5, 6})  # SQLITE_BUSY, SQLITE_LOCKED: another writer holds the lock


def sqlite_code(exc: BaseException) -> int | None:
    """The primary SQLite result code behind ``exc`` (a DB-API or SQLAlchemy error), if any."""
    orig = getattr(exc, "orig", None) or exc
    code = getattr(orig, "sqlite_errorcode", None)
    return None if code is None else int(code) & 0xFF


def _on_server(where: str) -> bool:
    """Whether ``where`` names a database server (a URL other than ``sqlite://``)."""
    return "://" in where and not where.startswith("sqlite")


def read_only_message(where: str) -> str:
    """What a person must know when the store at ``where`` cannot be written."""
    if _on_server(where):
        return (
            f"cannot write the database {where}: the server accepts only reads (a standby,"
            " or default_transaction_read_only is on); give the primary server's URL"
        )
    return (
        f"cannot write the database {where}: the file is read-only, or its folder is"
        " (SQLite creates its -wal and -shm files beside it); fix the permissions"
        " or use another database file"
    )


def open_failure(where: str, exc: BaseException) -> str | None:
    """A readable reason why the store at ``where`` could not be opened: what SQLite says,
    or the database server's (or its driver's) first line."""
    if _on_server(where):
        said = str(getattr(exc, "orig", None) or exc).strip().splitlines()
        return f"cannot open the database {where}: {said[0] if said else 'no answer'}"
    code = sqlite_code(exc)
    if code in READ_ONLY_CODES:
        return read_only_message(where)
    if code == CANTOPEN:
        return f"cannot open or create the database {where}: its folder is missing or read-only"
    return None


def probe_engine(engine: Engine) -> Engine:
    """An engine for probing ``engine``'s database: its own connection each time, no
    waiting on locks or on the service's pool (it may be busy with long writes)."""
    if engine.dialect.name != "sqlite":
        return create_engine(engine.url, poolclass=NullPool, connect_args={"connect_timeout": 5})
    probe = create_engine(
        engine.url, poolclass=NullPool, connect_args={"check_same_thread": False, "timeout": 0}
    )

    @event.listens_for(probe, "connect")
    def _connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # BEGIN/ROLLBACK issued below, nothing implicit

    return probe


def write_state(engine: Engine) -> WriteState:
    """``ok`` when a write could be made now, ``read-only`` when the database refuses to
    write, ``unavailable`` when it cannot be reached at all."""
    if engine.dialect.name != "sqlite":
        return _server_write_state(engine)
    try:
        conn = engine.raw_connection()
    except Exception as exc:
        return "read-only" if sqlite_code(exc) in READ_ONLY_CODES else "unavailable"
    try:
        cur = conn.cursor()
        try:
            cur.execute("BEGIN")
            cur.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?)",
                (PROBE_KEY, datetime.now(UTC).isoformat()),
            )
        finally:
            conn.rollback()  # nothing is ever committed (a no-op when no transaction is open)
        return "ok"
    except Exception as exc:
        code = sqlite_code(exc)
        if code in BUSY_CODES:
            return "ok"
        return "read-only" if code in READ_ONLY_CODES else "unavailable"
    finally:
        conn.close()


def _server_write_state(engine: Engine) -> WriteState:
    """A database server's own word on whether this session could write."""
    try:
        with engine.connect() as conn:
            read_only = conn.exec_driver_sql("SHOW transaction_read_only").scalar()
    except Exception:
        return "unavailable"
    return "read-only" if read_only == "on" else "ok"
