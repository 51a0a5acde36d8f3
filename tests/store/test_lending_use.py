"""What the store counts against the lending rules: lent dispatches of the period by
status and local day, cadres away on lent work now, cadres marked unavailable."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlalchemy import text

from matcher import LendingUse
from matcher.store import Store
from matcher.store.core import today
from tests.clock import SHANGHAI
from tests.store.history import add_outcome, tiny_store

# the tiny case: homes P1 C1, P2 C2, P4 C3, P5 C2, P6 C3; demands D1 C1, D2 C2, D3 C2, D4 C3


def _active(store: Store, cadre: str, demand: str, stamp: str) -> None:
    with store.write() as tx:
        tx.conn.execute(
            text(
                "INSERT INTO dispatches (district_id, cadre, demand, score, status, created_at,"
                " exempt) VALUES ('x', :c, :d, 1.0, 'active', :t, 0)"
            ),
            {"c": cadre, "d": demand, "t": stamp},
        )


def test_by_hand(tmp_path: Path) -> None:
    store = tiny_store(tmp_path)
    day = today(SHANGHAI)
    add_outcome(store, "P1", "D2", day)  # C1 → C2, completed today: lent
    add_outcome(store, "P1", "D4", day - timedelta(days=6))  # C1 → C3, 7th day back: lent
    add_outcome(store, "P1", "D4", day - timedelta(days=7))  # 8th day back: outside 7 days
    add_outcome(store, "P1", "D1", day)  # C1 at home: not lent
    add_outcome(store, "P6", "D3", day, "cancelled", cancel_reason="other")  # lent nobody
    add_outcome(store, "P4", "D1", day, "no_show")  # lent nobody
    # an active lent dispatch made long ago: away now, outside the period's count
    _active(store, "P6", "D1", "2020-01-01T04:00:00.000+00:00")
    # made at 00:30 Beijing time on the period's first day (16:30 UTC the day before): in
    first = day - timedelta(days=6)
    _active(store, "P5", "D4", f"{(first - timedelta(days=1)).isoformat()}T16:30:00.000+00:00")
    # and 23:30 Beijing the day before it: out
    _active(store, "P2", "D4", f"{(first - timedelta(days=1)).isoformat()}T15:30:00.000+00:00")
    with store.write() as tx:
        tx.set_unavailable("x", "P4")
    with store.read() as tx:
        got = tx.lending_use("x", 7)
    assert got == LendingUse(
        lent={"C1": 2, "C2": 1},
        away=frozenset({"P6", "P5", "P2"}),
        unavailable=frozenset({"P4"}),
    )
    with store.read() as tx:
        assert tx.lending_use("x", 1).lent == {"C1": 1}
