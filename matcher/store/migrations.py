"""Versioned migrations: an older database is brought to :data:`SCHEMA_VERSION` at once."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import Connection, func, insert, inspect, select, update

from matcher.store.errors import StoreError
from matcher.store.schema import (
    audit,
    audit_heads,
    cadres,
    demands,
    dispatches,
    jobs,
    meta,
    metadata,
    points,
    status_changes,
    trainings,
    unavailability,
    warnings,
)

__all__ = ["SCHEMA_VERSION", "migrate"]

SCHEMA_VERSION = 9


def _add_columns(conn: Connection, columns: tuple[tuple[str, str, str], ...]) -> None:
    """``ALTER TABLE … ADD COLUMN`` for each ``(table, column, SQL type)``: portable SQL."""
    for table, column, kind in columns:
        conn.exec_driver_sql(f"ALTER TABLE {table} ADD COLUMN {column} {kind}")


def _v2(conn: Connection) -> None:
    """The lifecycle: who acted, recurring demands, unavailability; closed → done/cancelled."""
    _add_columns(
        conn,
        (
            ("demands", "recurring", "INTEGER NOT NULL DEFAULT 0"),
            ("proposals", "created_by", "INTEGER"),
            ("proposals", "created_by_label", "TEXT"),
            ("proposals", "pool_state", "VARCHAR(64)"),
            ("declines", "created_by", "INTEGER"),
            ("declines", "created_by_label", "TEXT"),
            ("dispatches", "created_by", "INTEGER"),
            ("dispatches", "created_by_label", "TEXT"),
            ("dispatches", "closed_by", "INTEGER"),
            ("dispatches", "closed_by_label", "TEXT"),
        ),
    )
    unavailability.create(conn)
    # a closed demand with completed work was done; one without was cancelled
    done = select(dispatches.c.demand).where(
        dispatches.c.district_id == demands.c.district_id,
        dispatches.c.demand == demands.c.id,
        dispatches.c.status == "completed",
    )
    conn.execute(
        update(demands).where(demands.c.status == "closed", done.exists()).values(status="done")
    )
    conn.execute(update(demands).where(demands.c.status == "closed").values(status="cancelled"))
    # before version 2 completed work freed its slot: an open demand whose completed and
    # active work exceeds its headcount, or that one cadre served twice, was run as
    # ongoing work, and stays so (recurring) rather than reading as over-filled
    held: dict[tuple[str, str], list[str]] = {}
    for r in conn.execute(
        select(dispatches.c.district_id, dispatches.c.demand, dispatches.c.cadre).where(
            dispatches.c.status.in_(("active", "completed"))
        )
    ):
        held.setdefault((r.district_id, r.demand), []).append(r.cadre)
    for r in conn.execute(
        select(demands.c.district_id, demands.c.id, demands.c.headcount).where(
            demands.c.status == "open"
        )
    ):
        cadres = held.get((r.district_id, r.id), [])
        if len(cadres) > r.headcount or len(set(cadres)) < len(cadres):
            conn.execute(
                update(demands)
                .where(demands.c.district_id == r.district_id, demands.c.id == r.id)
                .values(recurring=1)
            )


def _v3(conn: Connection) -> None:
    """The growth record: outcomes on dispatches, the day a cadre joined, trainings,
    warnings, status changes and the points ledger."""
    _add_columns(
        conn,
        (
            ("cadres", "joined_on", "VARCHAR(10)"),
            ("dispatches", "hours", "FLOAT"),
            ("dispatches", "rating", "INTEGER"),
            ("dispatches", "exempt", "INTEGER NOT NULL DEFAULT 0"),
            ("dispatches", "exempt_reason", "TEXT"),
            ("dispatches", "cancel_reason", "VARCHAR(32)"),
        ),
    )
    for new in (trainings, warnings, status_changes, points):
        new.create(conn)
    # a cadre joined no later than their first dispatch; without one, the migration's day
    first = (
        select(func.min(func.substr(dispatches.c.created_at, 1, 10)))
        .where(
            dispatches.c.district_id == cadres.c.district_id,
            dispatches.c.cadre == cadres.c.id,
        )
        .scalar_subquery()
    )
    # the day as text from Python: SQL's CURRENT_DATE is a date on PostgreSQL, not text
    day = datetime.now(UTC).date().isoformat()
    conn.execute(update(cadres).values(joined_on=func.coalesce(first, day)))


def _v4(conn: Connection) -> None:
    """The audit trail: its table and chain heads (a chain starts with the next write)."""
    audit.create(conn)
    audit_heads.create(conn)


def _v5(conn: Connection) -> None:
    """The service catalogue and the governance report: a district's catalogue text, a
    demand's item and creation time (all nullable: unknown for older rows)."""
    _add_columns(
        conn,
        (
            ("districts", "catalogue_toml", "TEXT"),
            ("demands", "item", "VARCHAR(128)"),
            ("demands", "created_at", "VARCHAR(40)"),
        ),
    )


def _v6(conn: Connection) -> None:
    """Dated work orders: a cadre's weekly pattern, days away and weekly hours; a
    demand's window and hours (all nullable: older rows are ongoing, always free)."""
    _add_columns(
        conn,
        (
            ("cadres", "available", "TEXT"),
            ("cadres", "away", "TEXT"),
            ("cadres", "hours_per_week", "FLOAT"),
            ("demands", "starts_at", "VARCHAR(40)"),
            ("demands", "ends_at", "VARCHAR(40)"),
            ("demands", "hours", "FLOAT"),
        ),
    )


def _v7(conn: Connection) -> None:
    """Background jobs in the database, so that any worker can serve them."""
    jobs.create(conn)


def _v8(conn: Connection) -> None:
    """Drafts: a planner's proposal supersedes nothing. Every older proposal was made
    as a dispatcher's is (it superseded the pending pairs before it): none is a draft."""
    _add_columns(conn, (("proposals", "draft", "INTEGER NOT NULL DEFAULT 0"),))


def _v9(conn: Connection) -> None:
    """A job's answer kept on its row (JSON): a scenario's job stores nothing in the pool,
    so its comparison has nowhere else to be read from. Older jobs were all proposals'
    (they point at their proposal): null. A database older than version 7 has the column
    already: step 7 makes the jobs table as it is now."""
    if "result" not in {c["name"] for c in inspect(conn).get_columns("jobs")}:
        _add_columns(conn, (("jobs", "result", "TEXT"),))


# version -> step taking the schema from version-1 to version (run inside one transaction);
# a new database gets the current tables at once and skips them
MIGRATIONS: dict[int, Callable[[Connection], None]] = {
    1: lambda conn: None,  # the first tables: what create_all made before version 2
    2: _v2,
    3: _v3,
    4: _v4,
    5: _v5,
    6: _v6,
    7: _v7,
    8: _v8,
    9: _v9,
}


def migrate(conn: Connection) -> int:
    """Bring the schema to :data:`SCHEMA_VERSION`; returns the version found before."""
    meta.create(conn, checkfirst=True)
    row = conn.execute(select(meta.c.value).where(meta.c.key == "schema_version")).first()
    found = int(row[0]) if row else 0
    if found > SCHEMA_VERSION:
        raise StoreError(
            f"database schema version {found} is newer than this matcher ({SCHEMA_VERSION}); "
            "upgrade matcher"
        )
    if found == 0:
        metadata.create_all(conn)
    else:
        for version in range(found + 1, SCHEMA_VERSION + 1):
            MIGRATIONS[version](conn)
    if row is None:
        conn.execute(insert(meta).values(key="schema_version", value=str(SCHEMA_VERSION)))
    elif found != SCHEMA_VERSION:
        conn.execute(
            update(meta).where(meta.c.key == "schema_version").values(value=str(SCHEMA_VERSION))
        )
    return found
