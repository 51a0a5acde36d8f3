"""Bulk reads and writes of a district's communities, cadres or demands.

An import of a hundred thousand rows must hold the write lock briefly, so rows
are compared once (outside the lock where possible) and written with one
``executemany`` per statement, never a statement per row. The column values are
computed by the caller (outside the lock) and handed in ready to bind.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, Insert, Table, Update, bindparam, func, insert, select, update
from sqlalchemy.engine import Row

from matcher.store import schema as t
from matcher.store.core import now_iso, today

__all__ = [
    "CHUNK",
    "differing",
    "insert_many",
    "state_of",
    "states",
    "stored",
    "versions_of",
    "write",
]

CHUNK = 500
"""Ids per ``IN`` list; more are read with one scan of the district."""

T = TypeVar("T")


def stored(
    conn: Connection, table: Table, district: str, ids: Collection[str] | None = None
) -> dict[str, Row[Any]]:
    """Stored rows of ``table`` by id: those of ``ids``, or all of the district."""
    q = select(table).where(table.c.district_id == district)
    if ids is None or len(ids) > CHUNK:  # one scan beats many IN lists
        wanted = None if ids is None else set(ids)
        return {r.id: r for r in conn.execute(q) if wanted is None or r.id in wanted}
    if not ids:
        return {}
    return {r.id: r for r in conn.execute(q.where(table.c.id.in_(list(ids))))}


def state_of(table: Table, row: Any) -> Any:
    """What shows that a stored row changed: its version (cadres, demands: every
    change bumps it), or its values (communities carry no version)."""
    if "version" in table.c:
        return row.version
    return (row.name, row.street, row.lat, row.lon)


def states(conn: Connection, table: Table, district: str) -> dict[str, Any]:
    """:func:`state_of` every row of the district, read cheaply (a few columns)."""
    versioned = "version" in table.c
    cols = (
        [table.c.id, table.c.version]
        if versioned
        else [table.c.id, table.c.name, table.c.street, table.c.lat, table.c.lon]
    )
    q = select(*cols).where(table.c.district_id == district)
    return {r[0]: (r[1] if versioned else tuple(r[1:])) for r in conn.execute(q)}


def versions_of(table: Table, found: Mapping[str, Any]) -> dict[str, int | None]:
    """Each id's version from :func:`states` (None for communities), as :func:`write`
    wants them."""
    versioned = "version" in table.c
    return {k: (int(v) if versioned else None) for k, v in found.items()}


def differing(
    items: Iterable[T], rows: Mapping[str, Row[Any]], convert: Callable[[Row[Any]], Any]
) -> list[T]:
    """The items that are new, differ from their stored row, or would undelete it."""
    out = []
    for item in items:
        old = rows.get(item.id)  # type: ignore[attr-defined]
        if old is None or getattr(old, "deleted", False) or convert(old) != item:
            out.append(item)
    return out


def write(
    conn: Connection,
    table: Table,
    district: str,
    rows: Sequence[tuple[str, dict[str, Any]]],
    versions: Mapping[str, int | None],
    stats: Counter[str],
    zone: ZoneInfo,
) -> None:
    """Insert the ``(id, column values)`` absent from ``versions``, update the others
    (version + 1, undeleted): one bulk statement each. Counts go to ``stats``; a new
    cadre joined today in ``zone`` (the district's)."""
    versioned = "version" in table.c
    new = [(k, v) for k, v in rows if k not in versions]
    old = [(k, v) for k, v in rows if k in versions]
    if new:
        q = select(func.coalesce(func.max(table.c.pos), -1)).where(table.c.district_id == district)
        pos = int(conn.execute(q).scalar_one()) + 1
        extra: dict[str, Any] = {"version": 1, "deleted": 0} if versioned else {}
        if table is t.demands:
            extra |= {"status": "open", "recurring": 0, "created_at": now_iso()}
        if table is t.cadres:
            extra["joined_on"] = today(zone).isoformat()
        insert_many(
            conn,
            insert(table),
            [
                {"district_id": district, "id": k, "pos": pos + n, **extra, **v}
                for n, (k, v) in enumerate(new)
            ],
        )
        stats[f"{table.name}_created"] += len(new)
    if old:
        where = (table.c.district_id == bindparam("w_district")) & (table.c.id == bindparam("w_id"))
        insert_many(
            conn,
            update(table).where(where),
            [
                {
                    **v,
                    **({"version": (versions[k] or 0) + 1, "deleted": 0} if versioned else {}),
                    "w_district": district,
                    "w_id": k,
                }
                for k, v in old
            ],
        )
        stats[f"{table.name}_updated"] += len(old)


def insert_many(conn: Connection, stmt: Insert | Update, params: list[dict[str, Any]]) -> None:
    """``stmt`` once per parameter set, straight through the driver's ``executemany``.

    SQLAlchemy's per-row parameter processing costs several times the database's
    own work here; the statement is compiled once by SQLAlchemy (portable SQL, the
    dialect's parameter style) and the columns bound need no type conversion
    (text, integers, floats, NULL).
    """
    compiled = stmt.compile(dialect=conn.dialect, column_keys=list(params[0]))
    if compiled.positional:
        order = compiled.positiontup or []
        args: list[Any] = [tuple(p[k] for k in order) for p in params]
    else:
        args = params
    conn.exec_driver_sql(str(compiled), args)
