"""Helpers for record tests: a tiny district and ended dispatches written straight in SQL.

Why SQL: the record is read from the rows a dispatch's outcome leaves behind; writing
those rows by hand (not through the code under test) keeps the oracle independent.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import text

from matcher import load_case
from matcher.store import Store
from tests.api.casefile import write_tiny

__all__ = ["add_outcome", "tiny_store"]


def tiny_store(tmp_path: Path, joined: date = date(2026, 1, 1), db: str | None = None) -> Store:
    """A store with the tiny case as district ``x``, every cadre joined on ``joined``
    (in ``db``, a SQLite file or PostgreSQL URL; by default a file in ``tmp_path``)."""
    store = Store.open(db or tmp_path / "s.db")
    with store.write() as tx:
        tx.import_case("x", load_case(write_tiny(tmp_path / "tiny")))
        tx.conn.execute(text("UPDATE cadres SET joined_on = :d"), {"d": joined.isoformat()})
    return store


def add_outcome(
    store: Store,
    cadre: str,
    demand: str,
    ended: date,
    status: str = "completed",
    *,
    hours: float | None = None,
    rating: int | None = None,
    exempt: bool = False,
    cancel_reason: str | None = None,
    district: str = "x",
) -> int:
    """One ended dispatch of ``cadre`` on ``demand`` (created and closed at noon, Beijing time)."""
    stamp = f"{ended.isoformat()}T04:00:00.000+00:00"
    with store.write() as tx:
        r = tx.conn.execute(
            text(
                "INSERT INTO dispatches (district_id, cadre, demand, score, status, created_at,"
                " closed_at, hours, rating, exempt, exempt_reason, cancel_reason)"
                " VALUES (:district, :c, :d, 1.0, :s, :t, :t, :h, :r, :e, :er, :cr) RETURNING id"
            ),
            {
                "district": district,
                "c": cadre,
                "d": demand,
                "s": status,
                "t": stamp,
                "h": hours,
                "r": rating,
                "e": int(exempt),
                "er": "tried something new" if exempt else None,
                "cr": cancel_reason,
            },
        )
        return int(r.scalar_one())
