"""The store: schema versioning, import/export round-trip, accept/reject rules, tokens."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import text

from matcher import SAMPLE_DISTRICT, load_case, propose
from matcher.store import (
    SCHEMA_VERSION,
    ConflictError,
    NotFoundError,
    Store,
    StoreError,
    hash_token,
)
from tests.api.casefile import write_tiny
from tests.pg import NewDb, PgServer, run_script
from tests.store.versions import back_to

# the tests taking ``new_db`` run on SQLite and on PostgreSQL (tests/conftest.py)


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    return write_tiny(tmp_path / "tiny")


def _same_case(a_dir: Path, b_dir: Path) -> None:
    a, b = load_case(a_dir), load_case(b_dir)
    assert a.communities == b.communities
    assert a.cadres == b.cadres
    assert a.demands == b.demands
    assert a.policy == b.policy
    assert (a.taxonomy.tags, a.taxonomy.certs) == (b.taxonomy.tags, b.taxonomy.certs)


def test_schema_is_versioned_and_reopens(new_db: NewDb) -> None:
    db = new_db()
    Store.open(db).close()
    store = Store.open(db)
    with store.engine.connect() as conn:
        if store.sqlite:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        version = conn.execute(text("SELECT value FROM meta WHERE key='schema_version'")).scalar()
    assert int(str(version)) == SCHEMA_VERSION
    with store.write() as tx:
        tx.conn.execute(text("UPDATE meta SET value='999' WHERE key='schema_version'"))
    store.close()
    with pytest.raises(StoreError, match="newer"):
        Store.open(db)


def test_round_trip_tiny(tmp_path: Path, new_db: NewDb, tiny: Path) -> None:
    store = Store.open(new_db())
    with store.write() as tx:
        assert tx.import_case("x", load_case(tiny))["cadres_created"] == 6
        assert tx.import_case("x", load_case(tiny)) == {}
    with store.read() as tx:
        tx.export_case("x", tmp_path / "out")
    _same_case(tiny, tmp_path / "out")


@pytest.mark.skipif(not SAMPLE_DISTRICT.is_dir(), reason="sample district not generated")
def test_round_trip_sample(tmp_path: Path, new_db: NewDb) -> None:
    store = Store.open(new_db())
    with store.write() as tx:
        tx.import_case("gulou", load_case(SAMPLE_DISTRICT))
    with store.read() as tx:
        tx.export_case("gulou", tmp_path / "out")
    _same_case(SAMPLE_DISTRICT, tmp_path / "out")


def test_accept_is_all_or_nothing(new_db: NewDb, tiny: Path) -> None:
    store = Store.open(new_db())
    with store.write() as tx:
        tx.import_case("x", load_case(tiny))
    with store.read() as tx:
        snap = tx.snapshot("x")
    p = propose(snap.case)
    pairs = [(a.cadre, a.demand) for a in p.assignments]
    with store.write() as tx:
        first = tx.add_proposal("x", {}, p.model_dump(mode="json"), snap.basis(pairs), pairs)
        tx.accept("x", first, [("P6", "D3")])
        # a proposal computed from the same (now stale) snapshot, stored afterwards
        second = tx.add_proposal("x", {}, p.model_dump(mode="json"), snap.basis(pairs), pairs)
    with pytest.raises(ConflictError) as exc, store.write() as tx:
        tx.accept("x", second)
    assert {
        "cadre": "P6",
        "kind": "capacity_used",
        "capacity": 1,
        "active_dispatches": 1,
        "requested": 1,
    } in exc.value.changes
    with store.read() as tx:
        assert tx.list_dispatches("x")[1] == 1
        assert tx.check_consistency() == []
        snap2 = tx.snapshot("x")
    assert snap2.used_capacity == {"P6": 1}
    assert snap2.filled_slots == {"D3": 1}


def test_migrates_a_version_7_database_keeping_its_proposals(new_db: NewDb, tiny: Path) -> None:
    """Version 8 adds drafts: every older proposal was a dispatcher's, and stays one (its
    pending pairs are superseded by the next proposal, not by a draft)."""
    db = new_db()
    store = Store.open(db)
    with store.write() as tx:
        tx.import_case("x", load_case(tiny))
    with store.read() as tx:
        snap = tx.snapshot("x")
    p = propose(snap.case)
    pairs = [(a.cadre, a.demand) for a in p.assignments]
    with store.write() as tx:
        old = tx.add_proposal("x", {}, p.model_dump(mode="json"), snap.basis(pairs), pairs)
    store.close()
    run_script(db, ";".join(back_to(7)))
    store = Store.open(db)
    with store.read() as tx:
        assert tx.conn.exec_driver_sql("SELECT value FROM meta").scalar() == str(SCHEMA_VERSION)
        before = tx.proposal("x", old)
    assert (before.status, before.draft, before.pending) == ("pending", False, len(pairs))
    result = p.model_dump(mode="json")
    with store.write() as tx:
        draft = tx.add_proposal("x", {}, result, snap.basis(pairs), pairs, draft=True)
    with store.read() as tx:
        assert tx.proposal("x", old).status == "pending"
        assert [r.id for r in tx.list_proposals("x", drafts=False)[0]] == [old]
    with store.write() as tx:
        tx.add_proposal("x", {}, result, snap.basis(pairs), pairs)
    with store.read() as tx:
        assert tx.proposal("x", old).status == "superseded"
        assert tx.proposal("x", draft).status == "draft"
    with pytest.raises(ConflictError) as exc, store.write() as tx:
        tx.accept("x", draft)
    assert exc.value.code == "conflict.draft"
    store.close()


def test_unknown_things_are_not_found(new_db: NewDb) -> None:
    store = Store.open(new_db())
    with store.read() as tx:
        for call in (
            lambda: tx.district("nope"),
            lambda: tx.proposal("nope", 1),
            lambda: tx.list_cadres("nope"),
        ):
            with pytest.raises(NotFoundError):
                call()


def test_tokens_are_stored_hashed(new_db: NewDb) -> None:
    store = Store.open(new_db())
    with store.write() as tx:
        secret, row = tx.create_token("admin", label="ops")
    with store.read() as tx:
        assert tx.token_by_secret(secret) == row
        assert tx.token_by_secret(secret + "x") is None
    with store.engine.connect() as conn:
        dump = "\n".join(str(r) for r in conn.execute(text("SELECT * FROM tokens")))
    assert secret not in dump
    assert hash_token(secret) in dump


def test_migrates_a_version_1_database(new_db: NewDb) -> None:
    """A store made before the lifecycle opens at the current version: closed demands
    become done (completed work) or cancelled (none), the new columns exist, a cadre
    joined on their first dispatch's day (or the migration's), the record's tables are empty.

    The same steps run on PostgreSQL (the version 1 tables are portable SQL)."""
    path = new_db(empty=True)
    run_script(
        path,
        (Path(__file__).parent / "schema_v1.sql").read_text(encoding="utf-8")
        + """
            INSERT INTO districts VALUES ('x', 'X', NULL, NULL, '2026-01-01');
            INSERT INTO communities VALUES ('x', 'C1', '社区', '街道', 32.0, 118.7, 0);
            INSERT INTO cadres VALUES
                ('x', 'P1', '张三', 'C1', '{}', '[]', 1, 'green', NULL, 0, 1, 0),
                ('x', 'P2', '李四', 'C1', '{}', '[]', 1, 'green', NULL, 1, 1, 0);
            INSERT INTO demands VALUES
                ('x', 'D1', 'C1', 'a', '{}', '{}', '[]', 1, 3, 'closed', 0, 1, 0),
                ('x', 'D2', 'C1', 'b', '{}', '{}', '[]', 1, 3, 'closed', 1, 1, 0),
                ('x', 'D3', 'C1', 'c', '{}', '{}', '[]', 1, 3, 'open', 2, 1, 0),
                ('x', 'D4', 'C1', 'd', '{}', '{}', '[]', 1, 3, 'open', 3, 1, 0);
            INSERT INTO dispatches VALUES
                (1, 'x', NULL, 'P1', 'D1', 1.0, 'completed', '2026-01-01', '2026-01-02', NULL),
                (2, 'x', NULL, 'P1', 'D4', 1.0, 'completed', '2026-01-01', '2026-01-02', NULL),
                (3, 'x', NULL, 'P1', 'D4', 1.0, 'active', '2026-01-03', NULL, NULL);
            """,
    )
    store = Store.open(path)
    with store.read() as tx:
        status = {d.id: d.status for d in tx.list_demands("x")[0]}
        assert status == {"D1": "done", "D2": "cancelled", "D3": "open", "D4": "open"}
        # D4 was run as ongoing work (served twice by P1): recurring, not over-filled
        d4 = tx.demand("x", "D4")
        assert (d4.recurring, d4.filled, d4.completed) == (True, 1, 1)
        assert tx.check_consistency("x") == []
        assert tx.dispatch("x", 1).created_by is None
        assert tx.demand("x", "D1").filled == 1  # completed work keeps its slot
        assert tx.conn.exec_driver_sql("SELECT value FROM meta").scalar() == str(SCHEMA_VERSION)
        joined = dict(tx.conn.exec_driver_sql("SELECT id, joined_on FROM cadres").all())
        assert joined["P1"] == "2026-01-01" and joined["P2"] == date.today().isoformat()
        assert tx.conn.exec_driver_sql("SELECT hours, exempt FROM dispatches").first() == (
            None,
            0,
        )
        for table in ("trainings", "warnings", "status_changes", "points"):
            assert tx.conn.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar() == 0
    store.close()


def test_lists_page_in_order_and_count_every_match(tiny: Path, new_db: NewDb) -> None:
    """limit and offset cut one page out of the ordered rows; the count is of them all."""
    store = Store.open(new_db())
    case = load_case(tiny)
    with store.write() as tx:
        tx.import_case("x", case)
    ids = [c.id for c in case.cadres]  # the file's order
    with store.read() as tx:
        rows, total = tx.list_cadres("x", limit=2, offset=1)
        assert ([r.id for r in rows], total) == (ids[1:3], len(ids))
        rows, total = tx.list_cadres("x", limit=5, offset=len(ids))
        assert (rows, total) == ([], len(ids))
        rows, total = tx.list_demands("x", status="done")
        assert (rows, total) == ([], 0)
        with pytest.raises(NotFoundError):
            tx.cadre("x", "nobody")


def test_text_orders_by_code_point_whatever_the_database_collation(new_db: NewDb) -> None:
    """Ids list in code-point order (Python's, SQLite's) on PostgreSQL too, although the
    test server's databases collate as en-US (case and punctuation ignored at first)."""
    ids = ["b", "B", "a-2", "a1", "x.y", "Z", "a_1", "A", "xy"]
    store = Store.open(new_db())
    with store.write() as tx:
        for i in ids:
            tx.create_district(i, i)
    with store.read() as tx:
        assert [d.id for d in tx.list_districts()] == sorted(ids)


def test_the_pool_state_digest_is_the_same_on_both_engines(
    tmp_path: Path, tiny: Path, pg_server: PgServer
) -> None:
    """The same pool, edited the same way, digests alike on SQLite and PostgreSQL (a sum
    of versions is a Decimal there; the digest must not show it)."""
    digests = []
    for target in (str(tmp_path / "s.db"), pg_server.new_url()):
        store = Store.open(target)
        try:
            with store.write() as tx:
                tx.import_case("x", load_case(tiny))
                tx.conn.execute(text("UPDATE cadres SET version = version + 2 WHERE id = 'P1'"))
                digests.append(tx.pool_state("x"))
        finally:
            store.close()
    assert digests[0] == digests[1]


def test_other_database_urls_are_refused_without_connecting() -> None:
    with pytest.raises(StoreError, match=r"mysql://u:\*\*\*@nohost/x: only SQLite files and"):
        Store.open("mysql://u:secret@nohost/x")
