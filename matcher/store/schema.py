"""The store's tables (SQLAlchemy Core, portable SQL); migrations.py brings old databases here.

Every table is keyed by district first, so a district is a unit of scoping and
export. Levels, certificates and documents are JSON text (portable to any SQL
database); an unlimited travel radius is NULL.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    Float,
    ForeignKeyConstraint,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

__all__ = ["metadata"]

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
    # the service catalogue's TOML (None: the bundled one); schema version 5
    Column("catalogue_toml", Text),
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
    # the day the cadre entered the pool (for months in the pool); set when the row is made
    Column("joined_on", String(10)),
    # dated work (version 6): the weekly pattern and days away as the case files write
    # them (None: always available, never away), most dated hours a week (None: no limit)
    Column("available", Text),
    Column("away", Text),
    Column("hours_per_week", Float),
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
    # the catalogue's service item it was made from (None: typed in); schema version 5
    Column("item", String(128)),
    # when it was created (None: before version 5, or an archived past order); version 5
    Column("created_at", String(40)),
    # a dated order (version 6): its window in the district's local time, as the case
    # files write it (None: ongoing work), and its expected hours
    Column("starts_at", String(40)),
    Column("ends_at", String(40)),
    Column("hours", Float),
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
    Column("pool_state", String(64)),  # Tx.pool_state when it was computed
    # a planner's draft (schema version 8): supersedes nothing, is never decided
    Column("draft", Integer, nullable=False, default=0, server_default="0"),
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
    # the outcome (issue #18): hours and rating on completion, the reason of a cancel
    Column("hours", Float),
    Column("rating", Integer),
    Column("exempt", Integer, nullable=False, default=0),
    Column("exempt_reason", Text),
    Column("cancel_reason", String(32)),
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


# background jobs (schema version 7; matcher.store.jobs): any worker reads, cancels or
# runs them. ``request`` is what the work needs (JSON), ``owner`` the token that asked;
# a running job's worker holds a lease (``lease_holder`` until ``lease_until``, seconds
# since the epoch) it renews while it computes; ``proposal_id`` is the result once done
# (a proposal's job), ``result`` the answer itself (JSON, version 9: a job that stores
# nothing in the pool, a scenario's), ``error`` the problem (JSON) once failed
jobs = Table(
    "jobs",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("district_id", String(64), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("owner", Integer),
    Column("owner_label", Text),
    Column("request", Text, nullable=False),
    Column("idem_key", String(255)),
    Column("idem_fingerprint", String(64)),
    Column("status", String(16), nullable=False),
    Column("phase", Text),
    Column("fraction", Float),
    Column("cancel_requested", Integer, nullable=False),
    Column("lease_holder", String(128)),
    Column("lease_until", Float),
    Column("attempts", Integer, nullable=False),
    Column("proposal_id", Integer),
    Column("result", Text),
    Column("error", Text),
    Column("created_at", String(40), nullable=False),
    Column("started_at", String(40)),
    Column("finished_at", String(40)),
    ForeignKeyConstraint(["district_id"], ["districts.id"], ondelete="CASCADE"),
)
Index("ix_jobs_status", jobs.c.status, jobs.c.created_at)
Index("ix_jobs_district", jobs.c.district_id, jobs.c.created_at)
Index("ix_jobs_key", jobs.c.owner, jobs.c.idem_key)


def _by(prefix: str) -> tuple[Column[int], Column[str]]:
    """Who acted: the token's id and its label at the time (tokens may be revoked later)."""
    return Column(prefix, Integer), Column(f"{prefix}_label", Text)


trainings = Table(
    "trainings",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("district_id", String(64), nullable=False),
    Column("cadre", String(128), nullable=False),
    Column("course", Text, nullable=False),
    Column("tags", Text, nullable=False),  # JSON list of tag slugs
    Column("hours", Float, nullable=False),
    Column("day", String(10), nullable=False),
    Column("cert", String(128)),
    Column("created_at", String(40), nullable=False),
    *_by("created_by"),
    ForeignKeyConstraint(["district_id"], ["districts.id"], ondelete="CASCADE"),
)
Index("ix_trainings_cadre", trainings.c.district_id, trainings.c.cadre)

warnings = Table(
    "warnings",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("district_id", String(64), nullable=False),
    Column("cadre", String(128), nullable=False),
    Column("rule", String(64), nullable=False),
    Column("from_status", String(16), nullable=False),
    Column("to_status", String(16), nullable=False),
    Column("reasons", Text, nullable=False),  # JSON [{code, params}]
    Column("created_at", String(40), nullable=False),
    Column("state", String(16), nullable=False),  # pending | confirmed | dismissed
    Column("decided_at", String(40)),
    *_by("decided_by"),
    Column("note", Text),
    ForeignKeyConstraint(["district_id"], ["districts.id"], ondelete="CASCADE"),
)
Index("ix_warnings_district_state", warnings.c.district_id, warnings.c.state)

status_changes = Table(
    "status_changes",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("district_id", String(64), nullable=False),
    Column("cadre", String(128), nullable=False),
    Column("day", String(10), nullable=False),
    Column("from_status", String(16), nullable=False),
    Column("to_status", String(16), nullable=False),
    Column("warning_id", Integer),
    Column("created_at", String(40), nullable=False),
    *_by("created_by"),
    Column("note", Text),
    ForeignKeyConstraint(["district_id"], ["districts.id"], ondelete="CASCADE"),
    ForeignKeyConstraint(["warning_id"], ["warnings.id"]),
)
Index("ix_status_changes_cadre", status_changes.c.district_id, status_changes.c.cadre)

points = Table(
    "points",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("district_id", String(64), nullable=False),
    Column("cadre", String(128), nullable=False),
    Column("kind", String(16), nullable=False),  # earned | redeemed
    Column("amount", Integer, nullable=False),  # redeemed entries are negative
    Column("dispatch_id", Integer),
    Column("reason", Text),
    Column("day", String(10), nullable=False),
    Column("created_at", String(40), nullable=False),
    *_by("created_by"),
    ForeignKeyConstraint(["district_id"], ["districts.id"], ondelete="CASCADE"),
    ForeignKeyConstraint(["dispatch_id"], ["dispatches.id"]),
)
Index("ix_points_cadre", points.c.district_id, points.c.cadre)


# the audit trail (matcher.store.audit): append-only, one hash chain per district
# ("" chains the district-less entries: tokens); no foreign key, so it outlives what it names
audit = Table(
    "audit",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("chain", String(64), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("district", String(64)),
    Column("at", String(40), nullable=False),
    Column("actor_token", Integer),
    Column("actor_label", Text),
    Column("action", String(64), nullable=False),
    Column("subject", Text),
    Column("payload", Text, nullable=False),  # canonical JSON
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
)
Index("ix_audit_chain", audit.c.chain, audit.c.seq)

# each chain's newest entry: a removed last entry shows against it
audit_heads = Table(
    "audit_heads",
    metadata,
    Column("chain", String(64), primary_key=True),
    Column("seq", Integer, nullable=False),
    Column("hash", String(64), nullable=False),
)


def _as_on_sqlite(table: Table) -> None:
    """On PostgreSQL, ``table``'s columns hold and compare what SQLite's do.

    Integers are 64-bit (SQLite's are; PostgreSQL's INTEGER is 32-bit, and the ids
    the API accepts go up to 2**62), and every text column compares in code-point
    order.

    Why: ids, ISO days and stamps are compared and sorted in SQL (``ORDER BY id``,
    ``day >= …``) and the results must be the ones SQLite (whose text compares as
    bytes) and Python give; a PostgreSQL database's default collation is usually a
    language's (``en_US``, ``zh_CN``: case and punctuation ignored at first), so the
    columns say ``COLLATE "C"`` (UTF-8 bytes: code-point order) themselves.
    """
    for column in table.columns:
        kind = column.type
        if type(kind) is Integer:
            column.type = kind.with_variant(BigInteger(), "postgresql")
        elif isinstance(kind, String) and kind.collation is None:
            column.type = kind.with_variant(
                type(kind)(length=kind.length, collation="C"), "postgresql"
            )


for _table in metadata.tables.values():
    _as_on_sqlite(_table)
