"""The store's tables (SQLAlchemy Core, portable SQL) and its versioned migrations.

Every table is keyed by district first, so a district is a unit of scoping and
export. Levels, certificates and documents are JSON text (portable to any SQL
database); an unlimited travel radius is NULL.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import (
    Column,
    Connection,
    Float,
    ForeignKeyConstraint,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    insert,
    select,
    update,
)

__all__ = ["SCHEMA_VERSION", "metadata", "migrate"]

metadata = MetaData()

meta = Table(
    "meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

districts = Table(
    "districts",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("name", Text, nullable=False),
    Column("taxonomy_toml", Text),
    Column("policy_toml", Text),
    Column("created_at", String(40), nullable=False),
)

communities = Table(
    "communities",
    metadata,
    Column("district_id", String(64), primary_key=True),
    Column("id", String(128), primary_key=True),
    Column("name", Text, nullable=False),
    Column("street", Text, nullable=False),
    Column("lat", Float, nullable=False),
    Column("lon", Float, nullable=False),
    Column("pos", Integer, nullable=False),
    ForeignKeyConstraint(["district_id"], ["districts.id"], ondelete="CASCADE"),
)

cadres = Table(
    "cadres",
    metadata,
    Column("district_id", String(64), primary_key=True),
    Column("id", String(128), primary_key=True),
    Column("name", Text, nullable=False),
    Column("home", String(128), nullable=False),
    Column("skills", Text, nullable=False),
    Column("certs", Text, nullable=False),
    Column("capacity", Integer, nullable=False),
    Column("status", String(16), nullable=False),
    Column("max_travel_km", Float),
    Column("pos", Integer, nullable=False),
    Column("version", Integer, nullable=False),
    Column("deleted", Integer, nullable=False, default=0),
    ForeignKeyConstraint(["district_id"], ["districts.id"], ondelete="CASCADE"),
    ForeignKeyConstraint(["district_id", "home"], ["communities.district_id", "communities.id"]),
)

demands = Table(
    "demands",
    metadata,
    Column("district_id", String(64), primary_key=True),
    Column("id", String(128), primary_key=True),
    Column("community", String(128), nullable=False),
    Column("title", Text, nullable=False),
    Column("needs", Text, nullable=False),
    Column("requires", Text, nullable=False),
    Column("certs", Text, nullable=False),
    Column("headcount", Integer, nullable=False),
    Column("priority", Integer, nullable=False),
    Column("status", String(16), nullable=False),  # open | done | cancelled (lifecycle.py)
    Column("pos", Integer, nullable=False),
    Column("version", Integer, nullable=False),
    Column("deleted", Integer, nullable=False, default=0),
    Column("recurring", Integer, nullable=False, default=0, server_default="0"),
    ForeignKeyConstraint(["district_id"], ["districts.id"], ondelete="CASCADE"),
    ForeignKeyConstraint(
        ["district_id", "community"], ["communities.district_id", "communities.id"]
    ),
)

proposals = Table(
    "proposals",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("district_id", String(64), nullable=False),
    Column("created_at", String(40), nullable=False),
    Column("request", Text, nullable=False),
    Column("result", Text, nullable=False),
    Column("basis", Text, nullable=False),
    Column("created_by", Integer),
    Column("created_by_label", Text),
    ForeignKeyConstraint(["district_id"], ["districts.id"], ondelete="CASCADE"),
)

proposal_items = Table(
    "proposal_items",
    metadata,
    Column("proposal_id", Integer, primary_key=True),
    Column("cadre", String(128), primary_key=True),
    Column("demand", String(128), primary_key=True),
    Column("state", String(16), nullable=False),
    ForeignKeyConstraint(["proposal_id"], ["proposals.id"], ondelete="CASCADE"),
)

declines = Table(
    "declines",
    metadata,
    Column("district_id", String(64), primary_key=True),
    Column("cadre", String(128), primary_key=True),
    Column("demand", String(128), primary_key=True),
    Column("proposal_id", Integer),
    Column("reason", Text),
    Column("created_at", String(40), nullable=False),
    Column("created_by", Integer),
    Column("created_by_label", Text),
    ForeignKeyConstraint(["district_id"], ["districts.id"], ondelete="CASCADE"),
)

# a cadre who is not to be proposed until a date (inclusive; NULL: until lifted)
unavailability = Table(
    "unavailability",
    metadata,
    Column("district_id", String(64), primary_key=True),
    Column("cadre", String(128), primary_key=True),
    Column("until", String(10)),
    Column("reason", Text),
    Column("created_at", String(40), nullable=False),
    Column("created_by", Integer),
    Column("created_by_label", Text),
    ForeignKeyConstraint(["district_id"], ["districts.id"], ondelete="CASCADE"),
)

dispatches = Table(
    "dispatches",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("district_id", String(64), nullable=False),
    Column("proposal_id", Integer),
    Column("cadre", String(128), nullable=False),
    Column("demand", String(128), nullable=False),
    Column("score", Float, nullable=False),
    Column("status", String(16), nullable=False),  # active | completed | cancelled | no_show
    Column("created_at", String(40), nullable=False),
    Column("closed_at", String(40)),
    Column("note", Text),
    Column("created_by", Integer),
    Column("created_by_label", Text),
    Column("closed_by", Integer),
    Column("closed_by_label", Text),
    ForeignKeyConstraint(["district_id"], ["districts.id"], ondelete="CASCADE"),
    ForeignKeyConstraint(["proposal_id"], ["proposals.id"]),
    ForeignKeyConstraint(["district_id", "cadre"], ["cadres.district_id", "cadres.id"]),
    ForeignKeyConstraint(["district_id", "demand"], ["demands.district_id", "demands.id"]),
)
Index("ix_dispatches_district_status", dispatches.c.district_id, dispatches.c.status)
Index("ix_dispatches_cadre", dispatches.c.district_id, dispatches.c.cadre)

tokens = Table(
    "tokens",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("hash", String(64), nullable=False),
    Column("role", String(16), nullable=False),
    Column("districts", Text, nullable=False),
    Column("label", Text),
    Column("created_at", String(40), nullable=False),
    Column("revoked_at", String(40)),
    UniqueConstraint("hash", name="uq_tokens_hash"),
)

idempotency = Table(
    "idempotency",
    metadata,
    Column("token_id", Integer, primary_key=True),
    Column("key", String(255), primary_key=True),
    Column("fingerprint", String(64), nullable=False),
    Column("status", Integer, nullable=False),
    Column("body", Text, nullable=False),
    Column("created_at", String(40), nullable=False),
)

SCHEMA_VERSION = 2


def _v2(conn: Connection) -> None:
    """The lifecycle: who acted, recurring demands, unavailability; closed → done/cancelled."""
    for table, column, kind in (
        ("demands", "recurring", "INTEGER NOT NULL DEFAULT 0"),
        ("proposals", "created_by", "INTEGER"),
        ("proposals", "created_by_label", "TEXT"),
        ("declines", "created_by", "INTEGER"),
        ("declines", "created_by_label", "TEXT"),
        ("dispatches", "created_by", "INTEGER"),
        ("dispatches", "created_by_label", "TEXT"),
        ("dispatches", "closed_by", "INTEGER"),
        ("dispatches", "closed_by_label", "TEXT"),
    ):
        conn.exec_driver_sql(f"ALTER TABLE {table} ADD COLUMN {column} {kind}")
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


# version -> step taking the schema from version-1 to version (run inside one transaction);
# a new database gets the current tables at once and skips them
MIGRATIONS: dict[int, Callable[[Connection], None]] = {
    1: lambda conn: None,  # the first tables: what create_all made before version 2
    2: _v2,
}


def migrate(conn: Connection) -> int:
    """Bring the schema to :data:`SCHEMA_VERSION`; returns the version found before."""
    meta.create(conn, checkfirst=True)
    row = conn.execute(select(meta.c.value).where(meta.c.key == "schema_version")).first()
    found = int(row[0]) if row else 0
    if found > SCHEMA_VERSION:
        from matcher.store.errors import StoreError

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
