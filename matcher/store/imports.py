"""CSV imports that never hold the write lock while they validate.

A big upload takes seconds to check; SQLite has one write lock for every
district. So an import runs in two steps:

1. :func:`plan_import`, outside any write: a short read transaction for what the
   rows are judged against (the district's taxonomy and community ids), the
   validation with no transaction open at all, then a second short read for the
   stored rows, to work out which rows are new or changed (and to refuse early a
   capacity or headcount below active dispatches).
2. :func:`apply_import`, inside one write transaction: re-check only what
   another writer could have changed meanwhile (the district and its taxonomy,
   the communities the rows name, the versions of the rows planned on, the
   dispatch counts), re-diff the few rows that moved, and write with one bulk
   insert and one bulk update.

A bad file therefore costs its district nothing but CPU: other districts' writes
go on while it is checked, and its error list is bounded (:mod:`matcher.io.problems`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table, select

from matcher import catalogue_from_text, fitting_catalogue
from matcher.dated import DEFAULT_ZONE, district_zone
from matcher.io import load_table
from matcher.model import Cadre, Demand
from matcher.store import bulk
from matcher.store import schema as t
from matcher.store.audit import text_digest
from matcher.store.core import TO_ROW, Item, reader, taxonomy_from_text
from matcher.store.errors import ConflictError
from matcher.store.store import Store, Tx

__all__ = ["ImportPlan", "apply_import", "plan_import"]

_TABLES: dict[str, Table] = {
    "communities.csv": t.communities,
    "cadres.csv": t.cadres,
    "demands.csv": t.demands,
}


@dataclass(frozen=True)
class ImportPlan:
    """A validated upload and what it would change, as seen before the write."""

    district: str
    file: str
    taxonomy_toml: str | None
    rows: tuple[tuple[int, Item], ...]
    """``(line, item)`` in file order."""
    refs: frozenset[str]
    """Community ids the rows name (cadres' ``home``, demands' ``community``)."""
    seen: Mapping[str, Any]
    """Each stored row's state when planned (:func:`bulk.state_of`); absent = new."""
    values: Mapping[str, dict[str, Any]]
    """Column values of the rows that were new or different when planned."""
    sha256: str = ""
    """The file's SHA-256, for the audit trail."""
    timezone: str = DEFAULT_ZONE
    """The district's time zone the rows' dated windows were read in."""


def plan_import(store: Store, district: str, file: str, text: str) -> ImportPlan:
    """Validate ``text`` as the district's ``file`` and plan its write, without a write lock.

    Raises:
        NotFoundError: no such district.
        CaseError: the file's problems (the first ones and their total).
        ConflictError: a capacity or headcount below active dispatches.
    """
    table = _TABLES[file]
    with store.read() as tx:
        taxonomy_toml = tx.district_taxonomy_toml(district)
        catalogue_toml = tx.district_catalogue_toml(district)
        timezone = tx.policy(district).timezone
        communities = frozenset() if table is t.communities else _community_ids(tx, district)
    # no transaction is open while the text is checked
    taxonomy = taxonomy_from_text(taxonomy_toml)
    rows = tuple(
        load_table(
            file,
            text,
            taxonomy=taxonomy,
            communities=communities,
            zone=district_zone(timezone),
            catalogue=lambda: (
                fitting_catalogue(taxonomy)
                if catalogue_toml is None
                else catalogue_from_text(catalogue_toml, taxonomy)
            ),
        )
    )
    items = [item for _, item in rows]
    with store.read() as tx:
        stored = bulk.stored(tx.conn, table, district, [i.id for i in items])
        todo = bulk.differing(items, stored, reader(table.name, district_zone(timezone)))
        _guard(tx, district, rows, {i.id for i in todo})
    seen = {k: bulk.state_of(table, r) for k, r in stored.items()}
    to_row = TO_ROW[table.name]
    values = {i.id: to_row(i) for i in todo}
    refs = frozenset(
        i.home if isinstance(i, Cadre) else i.community
        for i in items
        if isinstance(i, Cadre | Demand)
    )
    return ImportPlan(
        district, file, taxonomy_toml, rows, refs, seen, values, text_digest(text), timezone
    )


def apply_import(tx: Tx, plan: ImportPlan) -> dict[str, int]:
    """Write ``plan`` in ``tx`` (a write transaction), re-checking what may have moved.

    Returns counts of rows created and updated.

    Raises:
        NotFoundError: the district is gone.
        ConflictError: its taxonomy changed or a named community went away (import
            again), or a capacity or headcount would go below active dispatches.
    """
    table = _TABLES[plan.file]
    if tx.district_taxonomy_toml(plan.district) != plan.taxonomy_toml:
        raise ConflictError(
            f"the taxonomy of district {plan.district!r} changed while {plan.file} was"
            " checked; import it again",
            [{"field": "taxonomy", "message": "changed during the import"}],
            code="conflict.import_taxonomy_changed",
            params={"district": plan.district, "file": plan.file},
        )
    if tx.policy(plan.district).timezone != plan.timezone:
        raise ConflictError(
            f"the time zone of district {plan.district!r} changed while {plan.file} was"
            " checked; import it again",
            [{"field": "timezone", "message": "changed during the import"}],
            code="conflict.import_timezone_changed",
            params={"district": plan.district, "file": plan.file},
        )
    gone = sorted(plan.refs - _community_ids(tx, plan.district)) if plan.refs else []
    if gone:
        raise ConflictError(
            f"{len(gone)} {'community' if len(gone) == 1 else 'communities'} named in"
            f" {plan.file} {'was' if len(gone) == 1 else 'were'} removed while it was"
            " checked; import it again",
            [{"community": c, "message": "removed during the import"} for c in gone[:100]],
            code="conflict.import_communities_gone",
            params={"district": plan.district, "file": plan.file, "count": len(gone)},
        )
    now = bulk.states(tx.conn, table, plan.district)
    # rows another writer changed since the plan are compared again, now
    moved = [item for _, item in plan.rows if now.get(item.id) != plan.seen.get(item.id)]
    values = dict(plan.values)
    if moved:
        fresh = bulk.stored(tx.conn, table, plan.district, [m.id for m in moved])
        read = reader(table.name, district_zone(plan.timezone))
        redo = {i.id for i in bulk.differing(moved, fresh, read)}
        to_row = TO_ROW[table.name]
        for m in moved:
            if m.id in redo:
                values[m.id] = values.get(m.id) or to_row(m)
            else:
                values.pop(m.id, None)
    _guard(tx, plan.district, plan.rows, values)
    stats: Counter[str] = Counter()
    bulk.write(
        tx.conn,
        table,
        plan.district,
        [(item.id, values[item.id]) for _, item in plan.rows if item.id in values],
        bulk.versions_of(table, now),
        stats,
        district_zone(plan.timezone),
    )
    entry = {"file": plan.file, "sha256": plan.sha256, "rows": len(plan.rows), **stats}
    tx.note("import", plan.district, plan.file, entry)
    return dict(stats)


def _community_ids(tx: Tx, district: str) -> frozenset[str]:
    q = select(t.communities.c.id).where(t.communities.c.district_id == district)
    return frozenset(tx.conn.execute(q).scalars())


def _guard(
    tx: Tx, district: str, rows: tuple[tuple[int, Item], ...], writes: Collection[str]
) -> None:
    """The store's capacity/headcount guard, over the rows the import changes."""
    changed = [item for _, item in rows if item.id in writes]
    lines = {item.id: line for line, item in rows if item.id in writes}
    tx.check_counts(district, [i for i in changed if isinstance(i, Cadre)], lines)
    demands = [i for i in changed if isinstance(i, Demand)]
    tx.check_not_begun(district, demands, lines, "demands.csv")
    tx.check_counts(district, demands, lines)
