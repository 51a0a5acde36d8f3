"""The audit trail in the store: one entry per write transaction, hash-chained; any row
edited, deleted or inserted by hand is found at that entry; the migration to version 4."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path

import pytest

from matcher.store import SCHEMA_VERSION, Store
from tests.audit_trail import ACTIONS, seq_of, tamper, trail


def _check(db: Path) -> tuple[str | None, int, str] | None:
    store = Store.open(db)
    try:
        with store.read() as tx:
            found = tx.verify_audit()
    finally:
        store.close()
    return None if found is None else (found.district, found.seq, found.kind)


def test_each_write_transaction_leaves_one_chained_entry(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    trail(db)
    with sqlite3.connect(db) as conn:
        rows = conn.execute(
            "SELECT seq, at, actor_token, actor_label, action, subject, payload, prev_hash, hash"
            " FROM audit WHERE chain = 'd1' ORDER BY seq"
        ).fetchall()
        tokens = conn.execute("SELECT action, payload FROM audit WHERE chain = ''").fetchall()
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
def test_a_hand_edit_fails_verification_at_that_entry(tmp_path: Path, how: str, where: str) -> None:
    db = tmp_path / "a.db"
    trail(db)
    seq = seq_of(where)
    tamper(db, how, seq)
    assert _check(db) == ("d1", seq, how)


@pytest.mark.parametrize("how", ["changed", "removed", "inserted"])
def test_the_tokens_chain_is_verified_too(tmp_path: Path, how: str) -> None:
    db = tmp_path / "a.db"
    trail(db)
    tamper(db, how, 1, chain="")
    assert _check(db) == (None, 1, how)


def test_an_appended_entry_that_chains_correctly_still_shows(tmp_path: Path) -> None:
    """Only the chain's head, kept beside it, tells a well-forged last entry."""
    db = tmp_path / "a.db"
    trail(db)
    n = len(ACTIONS)
    with sqlite3.connect(db) as conn:
        (prev,) = conn.execute("SELECT hash FROM audit WHERE chain='d1' AND seq=?", (n,)).fetchone()
        entry = {
            "seq": n + 1,
            "district": "d1",
            "at": "2026-01-01T00:00:00.000+00:00",
            "actor": {"token": None, "label": None},
            "action": "cadre.delete",
            "subject": "P1",
            "payload": {},
        }
        text = json.dumps(entry, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        digest = hashlib.sha256((prev + text).encode("utf-8")).hexdigest()
        conn.execute(
            "INSERT INTO audit (chain, seq, district, at, action, subject, payload, prev_hash,"
            " hash) VALUES ('d1', ?, 'd1', ?, 'cadre.delete', 'P1', '{}', ?, ?)",
            (n + 1, entry["at"], prev, digest),
        )
    assert _check(db) == ("d1", n + 1, "inserted")


def test_a_failed_write_leaves_no_entry(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
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


def test_migrates_a_version_3_database(tmp_path: Path) -> None:
    """A store made before the audit trail opens at version 4; its chain starts with the
    next write."""
    db = tmp_path / "v3.db"
    trail(db)
    with sqlite3.connect(db) as conn:
        conn.executescript(
            "DROP TABLE audit; DROP TABLE audit_heads;"
            " ALTER TABLE districts DROP COLUMN catalogue_toml;"  # version 5's
            " ALTER TABLE demands DROP COLUMN item;"
            " ALTER TABLE demands DROP COLUMN created_at;"
            " UPDATE meta SET value = '3' WHERE key = 'schema_version';"
        )
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
