"""Test helper: a store district with accepted dispatches, made as the service makes them.

Shared by the store and CLI tests of dispatch outcomes (never imported from a test module
of another folder's conftest).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from matcher import load_case, propose
from matcher.store import DispatchRow, Store
from tests.api.casefile import write_tiny


def tiny_store(db: Path | str, district: str = "d1") -> Store:
    """A store holding the tiny case (tests/api/casefile.py) as ``district``; ``db`` is a
    SQLite file or a PostgreSQL URL."""
    store = Store.open(db)
    where = Path(tempfile.mkdtemp()) if "://" in str(db) else Path(str(db) + ".case")
    case = load_case(write_tiny(where))
    with store.write() as tx:
        tx.import_case(district, case)
    return store


def dispatch_all(store: Store, district: str = "d1") -> list[DispatchRow]:
    """Propose on the live pool and accept every pair; the active dispatches."""
    with store.read() as tx:
        snap = tx.snapshot(district)
    p = propose(
        snap.case,
        excluded=snap.excluded,
        used_capacity=snap.used_capacity,
        filled_slots=snap.filled_slots,
    )
    pairs = [(a.cadre, a.demand) for a in p.assignments]
    with store.write() as tx:
        pid = tx.add_proposal(district, {}, p.model_dump(mode="json"), snap.basis(pairs), pairs)
        tx.accept(district, pid)
        return tx.list_dispatches(district, status="active", limit=1000)[0]


def dump(store: Store) -> list[str]:
    """Every row of every table, sorted (to check that nothing was written); the tables
    are the database's own, not the store's idea of them."""
    from sqlalchemy import inspect

    with store.engine.connect() as conn:
        out = []
        for name in sorted(inspect(conn).get_table_names()):
            rows = conn.exec_driver_sql(f'SELECT * FROM "{name}"')
            out += sorted(f"{name}: {tuple(r)}" for r in rows)
        return out
