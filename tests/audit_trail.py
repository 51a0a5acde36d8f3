"""Test helper: a store with an audit trail of several kinds of write, and hand edits of its
``audit`` table in SQLite (as someone with the database file would make them).

Shared by the store and CLI tests of the audit trail.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from matcher.store import Actor
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


def trail(db: Path) -> None:
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


def tamper(db: Path, how: str, seq: int, chain: str = "d1") -> None:
    """Edit, delete or insert one row of the ``audit`` table by hand."""
    with sqlite3.connect(db) as conn:
        if how == "changed":
            conn.execute(
                "UPDATE audit SET actor_label = 'someone else' WHERE chain = ? AND seq = ?",
                (chain, seq),
            )
        elif how == "removed":
            conn.execute("DELETE FROM audit WHERE chain = ? AND seq = ?", (chain, seq))
        elif how == "inserted":
            # a copy of the entry, saying something else, right after it
            conn.execute(
                "INSERT INTO audit (chain, seq, district, at, actor_token, actor_label, action,"
                " subject, payload, prev_hash, hash) SELECT chain, seq, district, at,"
                " actor_token, actor_label, action, subject, '{\"forged\":true}', prev_hash,"
                " hash FROM audit WHERE chain = ? AND seq = ?",
                (chain, seq),
            )
        else:
            raise ValueError(how)
