"""Test helper: a store district with accepted dispatches, made as the service makes them.

Shared by the store and CLI tests of dispatch outcomes (never imported from a test module
of another folder's conftest).
"""

from __future__ import annotations

from pathlib import Path

from matcher import load_case, propose
from matcher.store import DispatchRow, Store
from tests.api.casefile import write_tiny


def tiny_store(db: Path | str, district: str = "d1") -> Store:
    """A store holding the tiny case (tests/api/casefile.py) as ``district``."""
    store = Store.open(db)
    case = load_case(write_tiny(Path(str(db) + ".case")))
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
    """Every row of the database, as SQL (to check that nothing was written)."""
    with store.engine.connect() as conn:
        raw = conn.connection.dbapi_connection
        assert raw is not None
        return list(raw.iterdump())  # type: ignore[attr-defined]
