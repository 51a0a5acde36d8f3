"""The audit trail in the store: one entry per write transaction, hash-chained; any row
edited, deleted or inserted by hand is found at that entry; the migration to version 4."""

from __future__ import annotations

import hashlib
import json

import pytest
from sqlalchemy import text

from matcher.store import SCHEMA_VERSION, Store
from tests.audit_trail import ACTIONS, by_hand, seq_of, tamper, trail

# every test runs on SQLite and on PostgreSQL (tests/conftest.py: new_db)
from tests.pg import NewDb
from tests.store.versions import back_to


def _rows(db: str, sql: str, **params: object) -> list[tuple[object, ...]]:
    store = Store.open(db)
    try:
        with store.engine.connect() as conn:
            return [tuple(r) for r in conn.execute(text(sql), params)]
    finally:
        store.close()


def _check(db: str) -> tuple[str | None, int, str] | None:
    store = Store.open(db)
    try:
        with store.read() as tx:
            found = tx.verify_audit()
    finally:
        store.close()
    return None if found is None else (found.district, found.seq, found.kind)


def test_each_write_transaction_leaves_one_chained_entry(new_db: NewDb) -> None:
    db = new_db()
    trail(db)
    rows = _rows(
        db,
        "SELECT seq, at, actor_token, actor_label, action, subject, payload, prev_hash, hash"
        " FROM audit WHERE chain = 'd1' ORDER BY seq",
    )
    tokens = _rows(db, "SELECT action, payload FROM audit WHERE chain = ''")
    assert [r[4] for r in rows] == ACTIONS
    # the oracle: SHA-256(prev_hash ‖ canonical entry), recomputed here from the columns
    prev = "0" * 64
    for seq, at, token, label, action, subject, payload, prev_hash, digest in rows:
        entry = {
            "seq": seq,
            "district": "d1",
            "at": at,
            "actor": {"token": token, "label": label},
            "action": action,
            "subject": subject,
            "payload": json.loads(payload),
        }
        canonical = json.dumps(entry, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        assert prev_hash == prev
        assert digest == hashlib.sha256((prev + canonical).encode("utf-8")).hexdigest()
        assert payload == json.dumps(
            json.loads(payload), sort_keys=True, separators=(",", ":"), ensure_ascii=False
        )
        prev = digest
    closed = rows[ACTIONS.index("dispatch.close")]
    assert (closed[2], closed[3]) == (7, "调度员")
    assert json.loads(closed[6])["hours"] == 2.0  # the outcome
    reopened = json.loads(rows[ACTIONS.index("demand.close")][6])
    assert reopened["then"] == [{"action": "demand.reopen", "subject": "D4"}]
    # a token's entry names its role and label, never its secret
    ((action, payload),) = tokens
    assert action == "token.create" and json.loads(payload) == {
        "districts": [],
        "label": "主任",
        "role": "admin",
    }
    assert _check(db) is None


@pytest.mark.parametrize("how", ["changed", "removed", "inserted"])
@pytest.mark.parametrize("where", ["first", "middle", "last", "dispatch.close", "points.redeem"])
def test_a_hand_edit_fails_verification_at_that_entry(new_db: NewDb, how: str, where: str) -> None:
    db = new_db()
    trail(db)
    seq = seq_of(where)
    tamper(db, how, seq)
    assert _check(db) == ("d1", seq, how)


@pytest.mark.parametrize("how", ["changed", "removed", "inserted"])
def test_the_tokens_chain_is_verified_too(new_db: NewDb, how: str) -> None:
    db = new_db()
    trail(db)
    tamper(db, how, 1, chain="")
    assert _check(db) == (None, 1, how)


def test_an_appended_entry_that_chains_correctly_still_shows(new_db: NewDb) -> None:
    """Only the chain's head, kept beside it, tells a well-forged last entry."""
    db = new_db()
    trail(db)
    n = len(ACTIONS)
    ((prev,),) = _rows(db, "SELECT hash FROM audit WHERE chain='d1' AND seq=:n", n=n)
    assert isinstance(prev, str)
    entry = {
        "seq": n + 1,
        "district": "d1",
        "at": "2026-01-01T00:00:00.000+00:00",
        "actor": {"token": None, "label": None},
        "action": "cadre.delete",
        "subject": "P1",
        "payload": {},
    }
    canonical = json.dumps(entry, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    digest = hashlib.sha256((prev + canonical).encode("utf-8")).hexdigest()
    by_hand(
        db,
        "INSERT INTO audit (chain, seq, district, at, action, subject, payload, prev_hash,"
        " hash) VALUES ('d1', :seq, 'd1', :at, 'cadre.delete', 'P1', '{}', :prev, :digest)",
        seq=n + 1,
        at=entry["at"],
        prev=prev,
        digest=digest,
    )
    assert _check(db) == ("d1", n + 1, "inserted")


def test_a_failed_write_leaves_no_entry(new_db: NewDb) -> None:
    db = new_db()
    trail(db)
    store = Store.open(db)
    try:
        with store.read() as tx:
            before = len(tx.audit_entries("d1"))
        with pytest.raises(Exception, match="exists"), store.write() as tx:
            tx.create_district("d1", "again")
        with store.read() as tx:
            assert len(tx.audit_entries("d1")) == before
    finally:
        store.close()


def test_migrates_a_version_3_database(new_db: NewDb) -> None:
    """A store made before the audit trail opens at version 4; its chain starts with the
    next write."""
    db = new_db()
    trail(db)
    by_hand(db, "DROP TABLE audit")
    by_hand(db, "DROP TABLE audit_heads")
    for sql in back_to(3):
        by_hand(db, sql)
    store = Store.open(db)
    try:
        with store.read() as tx:
            version = tx.conn.exec_driver_sql("SELECT value FROM meta").scalar()
            assert version == str(SCHEMA_VERSION)
            assert tx.audit_chains() == []
        with store.write() as tx:
            tx.set_unavailable("d1", "P5")
        with store.read() as tx:
            (entry,) = tx.audit_entries("d1")
            assert (entry.seq, entry.action, entry.prev_hash) == (1, "cadre.unavailable", "0" * 64)
            assert tx.verify_audit() is None
    finally:
        store.close()
