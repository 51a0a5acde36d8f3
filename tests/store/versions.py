"""An older schema made by hand: the columns and tables each version added, dropped again.

Why by hand: a migration test needs a database as an older release left it; the
statements here are written from the migrations' documentation, not their code.
"""

from __future__ import annotations

__all__ = ["back_to"]

#: the columns each schema version added (version 4 added tables: the audit trail)
ADDED = {
    5: (("districts", "catalogue_toml"), ("demands", "item"), ("demands", "created_at")),
    6: (
        ("cadres", "available"),
        ("cadres", "away"),
        ("cadres", "hours_per_week"),
        ("demands", "starts_at"),
        ("demands", "ends_at"),
        ("demands", "hours"),
    ),
    8: (("proposals", "draft"),),
    9: (("jobs", "result"),),
}

#: the tables each schema version from 7 on added (dropped by :func:`back_to`)
TABLES = {7: ("jobs",)}


def back_to(version: int) -> list[str]:
    """SQL statements taking a current database back to ``version``'s tables, columns
    and number (the audit tables of version 4 are the caller's to drop)."""
    dropped = [
        table for v, added in sorted(TABLES.items(), reverse=True) if v > version for table in added
    ]
    out = [f"DROP TABLE {table}" for table in dropped]
    out += [  # a dropped table's later columns went with it
        f"ALTER TABLE {table} DROP COLUMN {column}"
        for v, added in sorted(ADDED.items(), reverse=True)
        if v > version
        for table, column in added
        if table not in dropped
    ]
    return [*out, f"UPDATE meta SET value = '{version}' WHERE key = 'schema_version'"]
