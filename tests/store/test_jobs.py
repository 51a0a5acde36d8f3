"""Job rows (matcher.store.jobs): claimed once, leases renewed or reaped, cancel, retry,
forgetting, a job's result; the version 7 and 9 migrations. On SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from matcher.store import SCHEMA_VERSION, Actor, ConflictError, NotFoundError, Store
from tests.pg import NewDb, run_script
from tests.store.versions import back_to

LOST = {"code": "job.worker_lost", "status": 503}


@pytest.fixture
def store(new_db: NewDb) -> Iterator[Store]:
    s = Store.open(new_db())
    with s.write() as tx:
        tx.create_district("d1", "One")
        tx.create_district("d2", "Two")
    yield s
    s.close()


def _add(store: Store, job_id: str, district: str = "d1", owner: int | None = None) -> None:
    with store.jobs() as tx:
        tx.add_job(job_id, district, "proposal", {"pinned": []}, Actor(owner, "who"))


def test_each_queued_job_is_claimed_once_oldest_first(store: Store) -> None:
    for n in range(6):
        _add(store, f"j{n}")
    claimed: list[str] = []
    lock = threading.Lock()
    barrier = threading.Barrier(3)

    def worker(name: str) -> None:
        barrier.wait()
        while True:
            with store.jobs() as tx:
                row = tx.claim_job(name, 1e12)
            if row is None:
                return
            assert (row.status, row.lease_holder, row.attempts) == ("running", name, 1)
            with lock:
                claimed.append(row.id)

    threads = [threading.Thread(target=worker, args=(f"w{k}",)) for k in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(claimed) == [f"j{n}" for n in range(6)]  # each once, none lost
    with store.read() as tx:
        assert tx.queued_jobs() == 0 and tx.count_unfinished_jobs() == 6


def test_a_lease_renewed_holds_an_expired_one_is_reaped(store: Store) -> None:
    _add(store, "a")
    _add(store, "b")
    with store.jobs() as tx:
        assert tx.claim_job("w1", 100.0) is not None
        assert tx.claim_job("w2", 100.0) is not None
        assert tx.renew_job("a", "w1", 200.0, ("solving", 0.5)) is False
        assert tx.renew_job("a", "w2", 300.0) is None  # not w2's
    with store.read() as tx:
        assert tx.expired_jobs(150.0) == 1 and tx.expired_jobs(150.0, "a") == 0
    with store.jobs() as tx:
        assert tx.reap_jobs(150.0, LOST) == ["b"]
        assert tx.reap_jobs(150.0, LOST) == []
        # the dead worker comes back: its job is no longer its own
        assert tx.renew_job("b", "w2", 400.0) is None
        assert tx.end_job("b", "w2", "done", phase=None, fraction=1.0, proposal_id=None) is None
        b = tx.job("d1", "b")
        assert (b.status, b.error, b.lease_until) == ("failed", LOST, None)
        a = tx.job("d1", "a")
        assert (a.phase, a.fraction, a.lease_until) == ("solving", 0.5, 200.0)


def test_cancel_retry_and_scope(store: Store) -> None:
    _add(store, "q", owner=7)
    _add(store, "r", owner=7)
    with store.jobs() as tx:
        tx.claim_job("w1", 1e12)  # q, the oldest
        with pytest.raises(NotFoundError):
            tx.job("d2", "q")  # another district's job is unknown
    with store.write() as tx:  # a person's cancel or retry is an audited write
        with pytest.raises(NotFoundError):
            tx.cancel_job("d2", "q")
        running = tx.cancel_job("d1", "q")
        assert (running.status, running.cancel_requested) == ("running", True)
    with store.jobs() as tx:
        assert tx.renew_job("q", "w1", 1e12) is True  # the worker hears it
    with store.write() as tx:
        queued = tx.cancel_job("d1", "r")
        assert (queued.status, queued.finished_at is not None) == ("cancelled", True)
        with pytest.raises(ConflictError) as e:
            tx.cancel_job("d1", "r")
        assert e.value.code == "conflict.job_finished"
        with pytest.raises(ConflictError) as e:
            tx.retry_job("d1", "q", Actor(7))
        assert e.value.code == "conflict.job_not_retryable"
        again = tx.retry_job("d1", "r", Actor(8, "another"))
        assert (again.status, again.owner, again.cancel_requested) == (
            "queued",
            Actor(8, "another"),
            False,
        )
        assert again.finished_at is None and again.id == "r"
    with store.read() as tx:
        entries = tx.list_audit("d1")[0][-2:]
    assert [(e.action, e.subject) for e in entries] == [("job.cancel", "q"), ("job.cancel", "r")]
    # the refused cancel and retry left nothing; the retry after them is listed in the entry
    assert entries[1].payload["then"] == [{"action": "job.retry", "subject": "r"}]


def test_a_stopping_worker_puts_its_job_back_unless_cancelled(store: Store) -> None:
    _add(store, "a")
    _add(store, "b")
    with store.jobs() as tx:
        tx.claim_job("w1", 1e12)
        tx.claim_job("w1", 1e12)
    with store.write() as tx:
        tx.cancel_job("d1", "b")
    with store.jobs() as tx:
        assert tx.release_job("a", "w1") is True
        assert tx.release_job("b", "w1") is False
        a = tx.job("d1", "a")
        assert (a.status, a.lease_holder, a.attempts) == ("queued", None, 1)
        assert tx.claim_job("w2", 1e12) is not None
        assert tx.job("d1", "a").attempts == 2


def test_idempotency_keys_and_revocation(store: Store) -> None:
    with store.jobs() as tx:
        tx.add_job("k1", "d1", "proposal", {}, Actor(1), ("key", "fp"))
        tx.add_job("k2", "d1", "proposal", {}, Actor(2), ("key", "fp"))
        found = tx.keyed_job(1, "key")
        assert found is not None and found.id == "k1"
        assert [r.id for r in tx.cancel_jobs_of(1)] == ["k1"]
        assert tx.keyed_job(1, "key") is None  # cancelled: the key may start a new job
        assert tx.job("d1", "k2").status == "queued"


def test_finished_jobs_are_forgotten_by_age_and_number(store: Store) -> None:
    for n in range(4):
        _add(store, f"j{n}")
    with store.jobs() as tx:
        for n in range(3):
            tx.claim_job("w", 1e12)
            tx.end_job(f"j{n}", "w", "done", phase=None, fraction=1.0)
        assert tx.forget_jobs("2000-01-01", keep=2) == 1  # the oldest finished one
        assert {r.id for r in tx.list_jobs("d1")} == {"j1", "j2", "j3"}
        assert tx.forget_jobs("9999-01-01", keep=10) == 2  # all finished ones are old
        assert [r.id for r in tx.list_jobs("d1")] == ["j3"]  # queued: never forgotten


def test_migrates_a_version_6_database(new_db: NewDb) -> None:
    db = new_db()
    Store.open(db).close()
    run_script(db, ";".join(back_to(6)))
    store = Store.open(db)
    try:
        with store.read() as tx:
            assert tx.conn.exec_driver_sql("SELECT value FROM meta").scalar() == str(SCHEMA_VERSION)
        with store.write() as tx:
            tx.create_district("d1", "One")
        _add(store, "j")
        with store.read() as tx:
            assert tx.job("d1", "j").status == "queued"
    finally:
        store.close()


def test_a_done_job_keeps_its_result_and_a_retry_has_none(store: Store) -> None:
    answer = {"scenario": "s", "kpis": [{"kpi": "fill_rate", "base": 0.5}], "note": "中文"}
    _add(store, "r")
    with store.jobs() as tx:
        assert tx.job("d1", "r").result is None
        tx.claim_job("w", 1e12)
        done = tx.end_job("r", "w", "done", phase="scenario", fraction=1.0, result=answer)
    assert done is not None and (done.result, done.proposal_id) == (answer, None)
    with store.read() as tx:
        assert tx.job("d1", "r").result == answer


def test_migrates_a_version_8_database_keeping_its_jobs(new_db: NewDb) -> None:
    """Version 9 adds a job's result: older jobs (all proposals') have none."""
    db = new_db()
    store = Store.open(db)
    with store.write() as tx:
        tx.create_district("d1", "One")
    _add(store, "old")
    store.close()
    run_script(db, ";".join(back_to(8)))
    store = Store.open(db)
    try:
        with store.read() as tx:
            assert tx.conn.exec_driver_sql("SELECT value FROM meta").scalar() == str(SCHEMA_VERSION)
            old = tx.job("d1", "old")
        assert (old.status, old.result, old.request) == ("queued", None, {"pinned": []})
        with store.jobs() as tx:
            tx.claim_job("w", 1e12)
            tx.end_job("old", "w", "done", phase=None, fraction=1.0, result={"a": 1})
        with store.read() as tx:
            assert tx.job("d1", "old").result == {"a": 1}
    finally:
        store.close()
