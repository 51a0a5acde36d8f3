"""Test helper: a store whose district ``x`` has a month of dispatches to report on.

Shared by the report's CLI test and its browser test. The tiny store (tests/store/history.py)
with demands made from catalogue items: D1 elevator (housing), D2 property (housing),
D3 elderly care (elderly), D4 typed in.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from sqlalchemy import text

from matcher.store import Store
from tests.store.history import add_outcome, tiny_store

ITEMS = {"D1": "elevator_coordination", "D2": "property_dispute", "D3": "elderly_care"}
#: when the demands were created (D3, D4: unknown); dispatches are created at 04:00 UTC
CREATED = {"D1": "2026-03-01T04:00:00.000+00:00", "D2": "2026-03-10T00:00:00.000+00:00"}
MARCH = ["--from", "2026-03-01", "--to", "2026-03-31"]


def report_store(tmp_path: Path) -> Path:
    """The store file: in March 4 completed (3 with hours), 1 cancelled, 1 no-show; 2 outside."""
    store: Store = tiny_store(tmp_path)
    with store.write() as tx:
        for did, item in ITEMS.items():
            tx.conn.execute(
                text("UPDATE demands SET item = :i WHERE district_id = 'x' AND id = :d"),
                {"i": item, "d": did},
            )
        tx.conn.execute(text("UPDATE demands SET created_at = NULL WHERE district_id = 'x'"))
        for did, stamp in CREATED.items():
            tx.conn.execute(
                text("UPDATE demands SET created_at = :s WHERE district_id = 'x' AND id = :d"),
                {"s": stamp, "d": did},
            )
    add_outcome(store, "P1", "D1", date(2026, 3, 2), hours=4)
    add_outcome(store, "P4", "D1", date(2026, 3, 3), hours=1.5)
    add_outcome(store, "P2", "D2", date(2026, 3, 10), hours=2)
    add_outcome(store, "P6", "D3", date(2026, 3, 12))  # no hours: not in the ledger
    add_outcome(store, "P4", "D4", date(2026, 3, 20), "cancelled", cancel_reason="other")
    add_outcome(store, "P5", "D2", date(2026, 3, 31), "no_show")
    add_outcome(store, "P1", "D4", date(2026, 4, 1), hours=9)  # after the period
    add_outcome(store, "P1", "D4", date(2026, 2, 28), hours=9)  # before
    store.close()
    return tmp_path / "s.db"


def figures_json(page: str) -> str:
    """The JSON the report embeds (its figures, for tools)."""
    found = re.search(r'<script type="application/json" id="figures">(.*?)</script>', page, re.S)
    assert found is not None
    return found.group(1).replace("<\\/", "</")
