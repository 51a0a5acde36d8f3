"""Jobs: large proposals answer 202 + Location; poll, list, cancel; failures report a problem.

Nothing here waits for time to pass as an assertion: a job is polled to a final
status in a bounded loop, and cancellation is made deterministic with a stand-in
``propose`` that blocks on an Event while reporting progress. Jobs live in the
database, so every test runs on SQLite and PostgreSQL (the ``store`` fixture);
several workers over one database: tests/api/test_workers.py.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api import Settings, create_app
from api.jobloop import Finish
from api.jobs import JobManager
from api.routes import proposals
from matcher import SAMPLE_DISTRICT, Case, Policy, Progress, Proposal, load_case, propose
from matcher.solver import child, sided
from matcher.store import Actor, Basis, JobRow, Store, Tx
from tests.api.polling import ASYNC, FINAL, POLLS, wait_job
from tests.api.tokens import Tokens
from tests.clock import fixed_dates_ahead

P = "/v1/districts/d1/proposals"
J = "/v1/districts/d1/jobs"


def _count(client: TestClient, h: dict[str, str], url: str = P) -> int:
    count: int = client.get(url, headers=h).json()["count"]
    return count


@dataclass
class Blocker:
    """A stand-in ``propose`` for jobs that stops mid-"solving" until ``release`` is set."""

    entered: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)


@pytest.fixture
def blocker(monkeypatch: pytest.MonkeyPatch) -> Blocker:
    b = Blocker()

    def blocking(case: Case, policy: Policy | None = None, **kw: Any) -> Proposal:
        progress: Progress | None = kw.get("progress")
        if progress is None:  # a synchronous request: not blocked
            return propose(case, policy, **kw)
        progress("scoring pairs")
        progress("solving", 0.5)
        b.entered.set()
        for _ in range(POLLS):  # reports progress meanwhile: a cancel stops it right there
            if b.release.wait(0.02):
                return propose(case, policy, **kw)
            progress("solving", 0.5)
        raise AssertionError("the test never released the job")

    monkeypatch.setattr(proposals, "propose", blocking)
    return b


@pytest.fixture
def gulou(store: Store) -> dict[str, str]:
    """The bundled sample district (800 cadres x 300 demands) and a dispatcher's headers."""
    with store.write() as tx:
        tx.import_case("gulou", load_case(SAMPLE_DISTRICT), name="sample")
        token = tx.create_token("dispatcher", ["gulou"])[0]
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def make_app(store: Store, tmp_path: Path) -> Callable[..., FastAPI]:
    def make(**settings: Any) -> FastAPI:
        return create_app(Settings(db=str(tmp_path / "unused.db"), **settings), store=store)

    return make


def test_sample_job_stores_what_the_sync_route_would(
    client: TestClient, gulou: dict[str, str]
) -> None:
    url = "/v1/districts/gulou/proposals"
    sync = client.post(url, json={}, headers=gulou)
    assert sync.status_code == 201
    r = client.post(url, json={}, headers=gulou | ASYNC)
    assert r.status_code == 202, r.text
    job = r.json()
    assert r.headers["location"] == f"/v1/districts/gulou/jobs/{job['id']}"
    assert r.headers["preference-applied"] == "respond-async"
    assert job["status"] in {"queued", "running"}
    assert job["created"] and job["proposal"] is None and job["error"] is None
    done = wait_job(client, r.headers["location"], gulou)
    assert done["status"] == "done", done
    assert done["phase"] == "explaining" and done["fraction"] == 1.0
    assert done["created"] <= done["started"] <= done["finished"]
    got = client.get(done["proposal"], headers=gulou)
    assert got.status_code == 200
    stored = got.json()
    assert stored["id"] != sync.json()["id"]
    assert stored["request"] == sync.json()["request"]
    assert stored["result"] == sync.json()["result"]  # same objective, assignments, KPIs
    listed = client.get("/v1/districts/gulou/jobs", headers=gulou).json()
    assert listed["count"] == 1 and listed["data"][0] == done
    accepted = client.post(f"{done['proposal']}/accept", json={}, headers=gulou)
    assert accepted.status_code == 201
    assert len(accepted.json()["dispatches"]) == stored["pending"] > 0


def test_cancel_running_then_queued(
    client: TestClient, tokens: Tokens, store: Store, blocker: Blocker
) -> None:
    h = tokens.h("planner")
    first = client.post(P, json={}, headers=h | ASYNC)
    assert first.status_code == 202
    assert blocker.entered.wait(30)
    running = client.get(first.headers["location"], headers=h).json()
    assert (running["status"], running["phase"], running["fraction"]) == ("running", "solving", 0.5)
    assert running["started"] is not None
    # one job computes at a time: the second waits its turn
    second = client.post(P, json={}, headers=h | ASYNC)
    assert second.json()["status"] == "queued"
    r = client.delete(second.headers["location"], headers=h)
    assert r.status_code == 202
    assert r.json()["status"] == "cancelled"  # a queued job ends at once
    r = client.delete(first.headers["location"], headers=h)
    assert r.status_code == 202
    assert r.headers["location"] == first.headers["location"]
    ended = wait_job(client, first.headers["location"], h)
    assert ended["status"] == "cancelled"
    assert ended["phase"] == "solving" and ended["proposal"] is None and ended["finished"]
    assert _count(client, h) == 0
    with store.read() as tx:
        assert tx.list_proposals("d1")[1] == 0
    again = client.delete(first.headers["location"], headers=h)
    assert again.status_code == 409
    assert again.headers["content-type"] == "application/problem+json"
    assert "cancelled" in again.json()["detail"]
    statuses = [j["status"] for j in client.get(J, headers=h).json()["data"]]
    assert statuses == ["cancelled", "cancelled"]
    # each cancel is a decision on the audit trail, by whoever made it; the refused one is not
    with store.read() as tx:
        cancels = tx.list_audit("d1", action="job.cancel")[0]
        assert tx.verify_audit("d1") is None
    ids = [second.json()["id"], first.json()["id"]]
    assert [e.subject for e in cancels] == ids
    assert len({e.actor.token for e in cancels} - {None}) == 1  # the planner's token


def _never_solves(*args: object) -> None:
    """A MILP that never ends, run in the solver's child (which imports it by name)."""
    time.sleep(600)


def _dated_shifts(client: TestClient, tokens: Tokens) -> None:
    """Two evening shifts in d1: its proposals are MILPs (matcher.sideplan)."""
    shift = {"community": "C1", "title": "防汛值守", "needs": {"urban.elevator_retrofit": 2}}
    for k, (start, end) in enumerate((("2026-12-08T18:00", "2026-12-08T22:00"),
                                      ("2026-12-08T22:00", "2026-12-09T02:00"))):  # fmt: skip
        body = {**shift, "id": f"S{k}", "start": start, "end": end, "priority": 5}
        with fixed_dates_ahead():
            assert client.post("/v1/districts/d1/demands", json=body,
                               headers=tokens.h("admin")).status_code == 201  # fmt: skip


def _in_its_milp(client: TestClient, url: str, h: dict[str, str]) -> None:
    """Poll until the job says it is in its first MILP (a third of solving done)."""
    job: dict[str, Any] = {}
    for _ in range(POLLS):
        job = client.get(url, headers=h).json()
        if job["phase"] == "solving" and job["fraction"] == pytest.approx(child.SHARES[1]):
            return
        assert job["status"] in {"queued", "running"}, job
        time.sleep(0.02)
    raise AssertionError(f"the job never reached its MILP: {job}")


def test_a_dated_job_stops_during_its_milp(
    client: TestClient, tokens: Tokens, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The real engine on dated orders, its MILP in a child that never ends: the job
    shows the MILP's share of solving meanwhile, and a cancel ends it as cancelled,
    nothing stored (the child is killed: the job could not end otherwise)."""
    monkeypatch.setattr(child, "CHILD_ABOVE", -1)  # every LP and MILP in a child
    monkeypatch.setattr(sided, "_SOLVE", _never_solves)
    _dated_shifts(client, tokens)
    h = tokens.h("planner")
    r = client.post(P, json={}, headers=h | ASYNC)
    assert r.status_code == 202, r.text
    url = r.headers["location"]
    _in_its_milp(client, url, h)
    assert client.delete(url, headers=h).status_code == 202
    ended = wait_job(client, url, h)
    assert ended["status"] == "cancelled", ended
    assert ended["proposal"] is None and ended["error"] is None
    assert _count(client, h) == 0


def test_a_stopping_worker_puts_back_a_job_in_its_milp(
    make_app: Callable[..., FastAPI], tokens: Tokens, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker shutting down during a dated job's MILP stops it (the MILP's child
    reports progress, so the job hears it) and queues it again, not lost to its
    lease; the next start solves it."""
    monkeypatch.setattr(child, "CHILD_ABOVE", -1)
    monkeypatch.setattr(sided, "_SOLVE", _never_solves)
    h = tokens.h("planner")
    with TestClient(make_app()) as c:
        _dated_shifts(c, tokens)
        url = c.post(P, json={}, headers=h | ASYNC).headers["location"]
        _in_its_milp(c, url, h)
    with store.read() as tx:
        assert tx.job("d1", url.rsplit("/", 1)[1]).status == "queued"
        assert tx.list_proposals("d1")[1] == 0
    monkeypatch.setattr(sided, "_SOLVE", sided._solve_milp)
    with TestClient(make_app()) as c:
        done = wait_job(c, url, h)
    assert done["status"] == "done" and done["proposal"]


def test_scope(client: TestClient, tokens: Tokens, blocker: Blocker) -> None:
    blocker.release.set()
    r = client.post(P, json={}, headers=tokens.h("dispatcher") | ASYNC)
    url = r.headers["location"]
    # readers read, proposers cancel
    assert client.get(url, headers=tokens.h("analyst")).status_code == 200
    assert client.get(J, headers=tokens.h("analyst")).json()["count"] == 1
    assert client.delete(url, headers=tokens.h("analyst")).status_code == 403
    assert client.post(P, json={}, headers=tokens.h("analyst") | ASYNC).status_code == 403
    # another district's dispatcher: as if it did not exist
    for method in ("GET", "DELETE"):
        other = client.request(method, url, headers=tokens.h("other"))
        assert other.status_code == 404
        assert other.headers["content-type"] == "application/problem+json"
    assert client.get(J, headers=tokens.h("other")).status_code == 404
    # a job of d2 under d1's path is unknown even to an admin
    d2 = client.post("/v1/districts/d2/proposals", json={}, headers=tokens.h("other") | ASYNC)
    d2_id = d2.json()["id"]
    assert client.get(f"{J}/{d2_id}", headers=tokens.h("admin")).status_code == 404
    assert client.get(f"{J}/{'f' * 32}", headers=tokens.h("admin")).status_code == 404
    assert d2_id not in {j["id"] for j in client.get(J, headers=tokens.h("admin")).json()["data"]}
    assert wait_job(client, d2.headers["location"], tokens.h("other"))["status"] == "done"


def test_threshold_makes_a_job_without_the_header(
    make_app: Callable[..., FastAPI], tokens: Tokens
) -> None:
    h = tokens.h("dispatcher")  # the tiny case: 6 cadres x 4 open demands = 24 pairs
    with TestClient(make_app(job_threshold=23)) as c:
        r = c.post(P, json={}, headers=h)
        assert r.status_code == 202
        assert "preference-applied" not in r.headers
        assert wait_job(c, r.headers["location"], h)["status"] == "done"
    with TestClient(make_app(job_threshold=24)) as c:
        assert c.post(P, json={}, headers=h).status_code == 201


def test_failing_job_reports_the_sync_problem(client: TestClient, tokens: Tokens) -> None:
    h, admin = tokens.h("dispatcher"), tokens.h("admin")
    bad = {"pinned": [{"cadre": "P3", "demand": "D3"}]}  # P3 is red: breaks a hard rule
    sync = client.post(P, json=bad, headers=h)
    assert sync.status_code == 422
    # judged before any job is queued
    assert client.post(P, json=bad, headers=h | ASYNC).json() == sync.json()
    # what only the solve finds fails the job with the sync problem: a pin past the
    # cadre's weekly hours (a 4-hour shift, 1 hour a week)
    r = client.get("/v1/districts/d1/cadres/P4", headers=admin).json()
    body = {k: r[k] for k in ("name", "home", "certs", "status")}
    body |= {"skills": {"emergency.flood_control": 4}, "capacity": 1, "hours_per_week": 1}
    r = client.put("/v1/districts/d1/cadres/P4", json={**body, "version": r["version"]},
                   headers=admin)  # fmt: skip
    assert r.status_code == 200, r.text
    shift = {"id": "F0", "community": "C3", "title": "防汛值守", "priority": 5,
             "needs": {"emergency.flood_control": 3},
             "start": "2026-12-08T18:00", "end": "2026-12-08T22:00"}  # fmt: skip
    with fixed_dates_ahead():
        r = client.post("/v1/districts/d1/demands", json=shift, headers=admin)
    assert r.status_code == 201
    bad = {"pinned": [{"cadre": "P4", "demand": "F0"}]}
    sync = client.post(P, json=bad, headers=h)
    assert (
        sync.status_code == 422 and sync.json()["errors"][0]["code"] == "problem.pins_break_rules"
    )
    r = client.post(P, json=bad, headers=h | ASYNC)
    assert r.status_code == 202
    job = wait_job(client, r.headers["location"], h)
    assert job["status"] == "failed"
    assert job["error"] == sync.json()
    assert job["proposal"] is None
    assert _count(client, h) == 0
    assert client.delete(r.headers["location"], headers=h).status_code == 409


def test_unexpected_error_is_a_problem_not_a_traceback(
    client: TestClient, tokens: Tokens, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_: Any, **__: Any) -> Proposal:
        raise RuntimeError("secret internals")

    monkeypatch.setattr(proposals, "propose", broken)
    h = tokens.h("dispatcher")
    r = client.post(P, json={}, headers=h | ASYNC)
    job = wait_job(client, r.headers["location"], h)
    assert job["status"] == "failed"
    assert job["error"]["status"] == 500
    assert job["error"]["type"].endswith("/internal")
    assert "secret" not in str(job) and "Traceback" not in str(job)


def test_idempotency_key_replays_the_job(
    client: TestClient, tokens: Tokens, blocker: Blocker
) -> None:
    h = tokens.h("dispatcher") | {"Idempotency-Key": "big-1"}
    first = client.post(P, json={}, headers=h | ASYNC)
    assert first.status_code == 202
    job_id = first.json()["id"]
    assert blocker.entered.wait(30)
    for headers in (h | ASYNC, h):  # without Prefer too: the key is held by the job
        again = client.post(P, json={}, headers=headers)
        assert again.status_code == 202
        assert again.json()["id"] == job_id
        assert again.headers["idempotent-replay"] == "true"
        assert again.headers["location"] == first.headers["location"]
    other = client.post(P, json={"pinned": [{"cadre": "P5", "demand": "D2"}]}, headers=h)
    assert other.status_code == 422
    assert other.json()["type"].endswith("idempotency-key-reused")
    blocker.release.set()
    done = wait_job(client, first.headers["location"], h)
    assert done["status"] == "done"
    replayed = client.post(P, json={}, headers=h | ASYNC)
    assert replayed.status_code == 202
    assert replayed.json() == done
    assert replayed.headers["location"] == first.headers["location"]
    assert replayed.headers["idempotent-replay"] == "true"
    assert _count(client, h) == 1


def test_idempotency_key_after_restart_replays_the_stored_job(
    make_app: Callable[..., FastAPI], tokens: Tokens
) -> None:
    """Jobs live in the database: after a restart the job is still there, and a done
    job's answer is stored with its proposal."""
    h = tokens.h("dispatcher") | {"Idempotency-Key": "big-2"}
    with TestClient(make_app()) as c:
        r = c.post(P, json={}, headers=h | ASYNC)
        done = wait_job(c, r.headers["location"], h)
    with TestClient(make_app()) as c:
        assert c.get(r.headers["location"], headers=h).json() == done
        again = c.post(P, json={}, headers=h | ASYNC)
        assert again.status_code == 202
        assert again.json() == done
        assert c.get(done["proposal"], headers=h).status_code == 200
        assert _count(c, h) == 1


def test_a_retry_is_audited(
    client: TestClient, tokens: Tokens, store: Store, blocker: Blocker
) -> None:
    """Retrying a cancelled job is a decision on the audit trail, like its cancel."""
    h = tokens.h("dispatcher")
    first = client.post(P, json={}, headers=h | ASYNC)
    assert blocker.entered.wait(30)
    client.delete(first.headers["location"], headers=h)
    assert wait_job(client, first.headers["location"], h)["status"] == "cancelled"
    blocker.release.set()
    r = client.post(f"{first.headers['location']}/retry", json={}, headers=h)
    assert r.status_code == 202, r.text
    assert wait_job(client, first.headers["location"], h)["status"] == "done"
    with store.read() as tx:
        entries = tx.list_audit("d1", limit=1000)[0]
    jid = first.json()["id"]
    steps = [(e.action, e.subject) for e in entries if e.action.startswith("job.")]
    assert steps == [("job.cancel", jid), ("job.retry", jid)]


def test_cancelled_key_may_be_retried(client: TestClient, tokens: Tokens, blocker: Blocker) -> None:
    """A cancelled job stored nothing, so a retry with its key computes afresh."""
    h = tokens.h("dispatcher") | {"Idempotency-Key": "big-3"}
    first = client.post(P, json={}, headers=h | ASYNC)
    assert blocker.entered.wait(30)
    client.delete(first.headers["location"], headers=h)
    assert wait_job(client, first.headers["location"], h)["status"] == "cancelled"
    blocker.release.set()
    second = client.post(P, json={}, headers=h | ASYNC)
    assert second.json()["id"] != first.json()["id"]
    assert "idempotent-replay" not in second.headers
    assert wait_job(client, second.headers["location"], h)["status"] == "done"


def test_queue_limit_answers_503(
    make_app: Callable[..., FastAPI], tokens: Tokens, blocker: Blocker
) -> None:
    h = tokens.h("dispatcher")
    with TestClient(make_app(job_queue=1)) as c:
        assert c.post(P, json={}, headers=h | ASYNC).status_code == 202
        r = c.post(P, json={}, headers=h | ASYNC)
        assert r.status_code == 503
        assert r.headers["content-type"] == "application/problem+json"
        assert c.post(P, json={}, headers=h).status_code == 201  # small requests still run
        blocker.release.set()


def test_shutdown_puts_the_running_job_back_for_the_next_start(
    make_app: Callable[..., FastAPI], tokens: Tokens, store: Store, blocker: Blocker
) -> None:
    """A stopping worker stores nothing of the job it computes and puts it back in the
    queue; the next worker (here: the next start) runs it to the end."""
    h = tokens.h("dispatcher")
    with TestClient(make_app()) as c:
        url = c.post(P, json={}, headers=h | ASYNC).headers["location"]
        assert blocker.entered.wait(30)
    with store.read() as tx:
        assert tx.job("d1", url.rsplit("/", 1)[1]).status == "queued"
        assert tx.list_proposals("d1")[1] == 0
    blocker.release.set()
    with TestClient(make_app()) as c:
        done = wait_job(c, url, h)
    assert done["status"] == "done" and done["proposal"]
    with store.read() as tx:
        assert tx.list_proposals("d1")[1] == 1


def test_finished_jobs_are_kept_bounded(make_app: Callable[..., FastAPI], tokens: Tokens) -> None:
    h = tokens.h("dispatcher")
    with TestClient(make_app(job_keep=1)) as c:
        first = c.post(P, json={}, headers=h | ASYNC).headers["location"]
        wait_job(c, first, h)
        second = c.post(P, json={}, headers=h | ASYNC).headers["location"]
        wait_job(c, second, h)
        assert c.get(first, headers=h).status_code == 404
        assert [j["id"] for j in c.get(J, headers=h).json()["data"]] == [second.split("/")[-1]]


@dataclass
class Gate:
    """A stand-in job kind: reports the given progress, then waits to be let through."""

    steps: list[tuple[str, float | None]]
    entered: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)

    def work(self, job: JobRow, progress: Progress) -> Finish:
        for phase, fraction in self.steps:
            progress(phase, fraction)
        self.entered.set()
        for _ in range(POLLS):
            if self.release.wait(0.02):
                break
            progress(*self.steps[-1])

        def finish(tx: Tx) -> int:
            return tx.add_proposal(job.district, {}, {}, Basis({}, {}), [], job.owner)

        return finish


def _poll(manager: JobManager, job_id: str, until: set[str] = FINAL) -> JobRow:
    for _ in range(POLLS):
        row = manager.get("d1", job_id)
        if row.status in until:
            return row
        time.sleep(0.02)
    raise AssertionError(f"job {job_id} still {row.status}")


def _manager(store: Store, gate: Gate) -> JobManager:
    return JobManager(
        store, threading.BoundedSemaphore(1), {"test": gate.work}, limit=8, keep=10, ttl=60
    )


def test_progress_is_recorded_in_range(store: Store) -> None:
    gate = Gate([("scoring pairs", float("nan")), ("solving", 2.0)])
    manager = _manager(store, gate)
    row, _ = manager.submit("d1", "test", {}, Actor())
    assert gate.entered.wait(30)
    running = manager.get("d1", row.id)
    assert (running.status, running.phase, running.fraction) == ("running", "solving", 1.0)
    assert running.attempts == 1 and running.lease_holder == manager.holder
    gate.release.set()
    done = _poll(manager, row.id)
    assert (done.status, done.fraction, done.lease_until) == ("done", 1.0, None)
    manager.shutdown()


def test_revoke_leaves_other_owners_alone(store: Store) -> None:
    with store.write() as tx:
        one, two = (tx.create_token("planner", ["d1"])[1].id for _ in range(2))
    gate = Gate([("solving", 0.5)])
    manager = _manager(store, gate)
    mine, _ = manager.submit("d1", "test", {}, Actor(one))
    assert gate.entered.wait(30)
    theirs, _ = manager.submit("d1", "test", {}, Actor(two))
    unowned, _ = manager.submit("d1", "test", {}, Actor())
    assert [r.id for r in manager.revoke(one)] == [mine.id]
    assert manager.revoke(two + 1) == []
    assert _poll(manager, mine.id).status == "cancelled"
    gate.release.set()
    assert _poll(manager, theirs.id).status == "done"
    assert _poll(manager, unowned.id).status == "done"
    manager.shutdown()


def test_revoking_a_token_cancels_its_jobs(
    client: TestClient, tokens: Tokens, store: Store, blocker: Blocker
) -> None:
    """Its queued job ends at once, its running one at the next progress step; nothing stored."""
    admin, reader = tokens.h("admin"), tokens.h("dispatcher")
    made = client.post("/v1/tokens", json={"role": "planner", "districts": ["d1"]}, headers=admin)
    h = {"Authorization": f"Bearer {made.json()['token']}"}
    running = client.post(P, json={}, headers=h | ASYNC).headers["location"]
    assert blocker.entered.wait(30)
    queued = client.post(P, json={}, headers=h | ASYNC).headers["location"]
    kept = client.post(P, json={}, headers=reader | ASYNC).headers["location"]  # another token's
    assert client.delete(f"/v1/tokens/{made.json()['id']}", headers=admin).status_code == 200
    assert client.get(queued, headers=reader).json()["status"] == "cancelled"
    blocker.release.set()  # were it still computing, it would now finish and store
    stopped = wait_job(client, running, reader)
    assert (stopped["status"], stopped["proposal"]) == ("cancelled", None)
    done = wait_job(client, kept, reader)
    assert done["status"] == "done"
    with store.read() as tx:
        rows, total = tx.list_proposals("d1")
    assert total == 1 and done["proposal"].endswith(f"/{rows[0].id}")


def test_a_job_whose_token_is_revoked_meanwhile_stores_nothing(
    client: TestClient, tokens: Tokens, store: Store, blocker: Blocker
) -> None:
    """The revocation races the job (here: revoked in the store, the job manager never told):
    the job's commit re-checks its token in the storing transaction."""
    with store.write() as tx:
        secret, row = tx.create_token("dispatcher", ["d1"])
    h = {"Authorization": f"Bearer {secret}"}
    url = client.post(P, json={}, headers=h | ASYNC).headers["location"]
    assert blocker.entered.wait(30)
    with store.write() as tx:
        tx.revoke_token(row.id)
    blocker.release.set()
    job = wait_job(client, url, tokens.h("dispatcher"))
    assert (job["status"], job["proposal"]) == ("cancelled", None)
    assert _count(client, tokens.h("dispatcher")) == 0
