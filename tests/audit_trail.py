"""Test helper: a store with an audit trail of several kinds of write, and hand edits of its
``audit`` table in SQLite (as someone with the database file would make them).

Shared by the store and CLI tests of the audit trail. ``db`` is a SQLite file or a
PostgreSQL URL; the hand edits are made on a connection of their own, in plain SQL.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from matcher.store import Actor, Store
from tests.dispatching import dispatch_all, tiny_store

#: the d1 chain :func:`trail` writes, in order
ACTIONS = [
    "case.import",
    "proposal.create",
    "dispatch.close",
    "points.redeem",
    "cadre.unavailable",
    "demand.close",
]


def trail(db: Path | str) -> None:
    """A store at ``db`` whose d1 chain holds :data:`ACTIONS` (and a token in the tokens' chain)."""
    store = tiny_store(db)
    try:
        first, *_ = dispatch_all(store)  # a proposal accepted in one write: one entry
        clerk = Actor(7, "调度员")
        with store.write(clerk) as tx:
            tx.close_dispatch("d1", first.id, "complete", "按时完成", hours=2.0)
        with store.write(clerk) as tx:
            tx.redeem_points("d1", first.cadre, 1, "培训课程")
        with store.write(clerk) as tx:
            tx.set_unavailable("d1", "P4", None, "病假")
        with store.write(clerk) as tx:
            tx.close_demand("d1", "D4", "cancelled", "cancel")
            tx.reopen_demand("d1", "D4")  # a second call folds into the entry
        with store.write() as tx:
            tx.create_token("admin", label="主任")
    finally:
        store.close()


def seq_of(where: str) -> int:
    """An entry of the d1 chain by position (first, middle, last) or by action."""
    if where == "first":
        return 1
    if where == "middle":
        return len(ACTIONS) // 2
    if where == "last":
        return len(ACTIONS)
    return ACTIONS.index(where) + 1


def by_hand(db: Path | str, sql: str, **params: object) -> None:
    """One SQL statement on the database at ``db``, committed: as someone with access to
    the database (not the store's code) would make it."""
    store = Store.open(db)
    try:
        with store.engine.begin() as conn:
            conn.execute(text(sql), params)
    finally:
        store.close()


def tamper(db: Path | str, how: str, seq: int, chain: str = "d1") -> None:
    """Edit, delete or insert one row of the ``audit`` table by hand."""
    where = "chain = :chain AND seq = :seq"
    if how == "changed":
        by_hand(
            db, f"UPDATE audit SET actor_label = 'someone else' WHERE {where}", chain=chain, seq=seq
        )
    elif how == "removed":
        by_hand(db, f"DELETE FROM audit WHERE {where}", chain=chain, seq=seq)
    elif how == "inserted":
        # a copy of the entry, saying something else, right after it
        by_hand(
            db,
            "INSERT INTO audit (chain, seq, district, at, actor_token, actor_label, action,"
            " subject, payload, prev_hash, hash) SELECT chain, seq, district, at,"
            " actor_token, actor_label, action, subject, :forged, prev_hash,"
            f" hash FROM audit WHERE {where}",
            chain=chain,
            seq=seq,
            forged='{"forged":true}',
        )
    else:
        raise ValueError(how)
