"""Several ``matcher serve`` workers over one PostgreSQL database.

Real processes (tests/api/worker_server.py: the real CLI, with a job that waits for
a file and an accept that can be held open): worker A (``--workers 2``: two uvicorn
processes) and worker B are started once for the module; the kill tests start their
own victims. A and B look for jobs queued through others only every hour
(``MATCHER_JOB_POLL``), so a job runs where it was submitted or retried and the
tests know which process to kill. Nothing waits for time to pass as an assertion:
every wait polls for a state, with a generous deadline.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from matcher.store import Store
from tests.dispatching import tiny_store
from tests.pg import PgServer
from tests.serving import ROOT, free_port, source_env

LEASE = 4.0
"""Seconds a worker's lease on its job lasts (renewed every third of it)."""
DEADLINE = 90.0
"""Seconds any wait for a state may take before the test fails."""
ASYNC = {"Prefer": "respond-async"}
SERVER = Path(__file__).with_name("worker_server.py")


@dataclass
class Worker:
    proc: subprocess.Popen[bytes]
    client: httpx.Client


@dataclass
class Cluster:
    db: str
    hooks: Path
    a: httpx.Client
    b: httpx.Client
    h: dict[str, str]
    start: Callable[..., Any]


def _until(what: str, check: Callable[[], Any]) -> Any:
    """Poll ``check`` until it returns something truthy (bounded by DEADLINE)."""
    end = time.monotonic() + DEADLINE
    while time.monotonic() < end:
        got = check()
        if got:
            return got
        time.sleep(0.1)
    raise AssertionError(f"still waiting for {what} after {DEADLINE:.0f} s")


@contextmanager
def _worker(db: str, hooks: Path, *args: str, **env: str) -> Iterator[Worker]:
    port = free_port()
    cmd = [sys.executable, str(SERVER), str(hooks), "serve", "--db", db, "--port", str(port)]
    full_env = source_env() | {"MATCHER_JOB_LEASE": str(LEASE)} | env
    proc = subprocess.Popen(
        [*cmd, *args, "--log-level", "warning"],
        env=full_env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"

    def up() -> bool:
        assert proc.poll() is None, proc.communicate()[1].decode(errors="replace")
        try:
            return httpx.get(base + "/health", timeout=2).status_code == 200
        except httpx.TransportError:
            return False

    try:
        _until("the server to start", up)
        with httpx.Client(base_url=base, timeout=60) as client:
            yield Worker(proc, client)
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
        try:
            proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()


@pytest.fixture(scope="module")
def cluster(pg_server: PgServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    """One database with districts d1–d3 (the tiny case), workers A (2 processes) and B."""
    db = pg_server.new_url()
    store = tiny_store(db)
    with store.write() as tx:
        case = tx.snapshot("d1").case
        for district in ("d2", "d3"):
            tx.import_case(district, case)
        token = tx.create_token("dispatcher", ["d1", "d2", "d3"])[0]
    store.close()
    hooks = tmp_path_factory.mktemp("hooks")
    quiet = {"MATCHER_JOB_POLL": "3600"}

    def start(*args: str, **env: str) -> Any:
        return _worker(db, hooks, *args, **(quiet | env))

    with start("--workers", "2") as a, start() as b:
        yield Cluster(db, hooks, a.client, b.client, {"Authorization": f"Bearer {token}"}, start)


def _job(client: httpx.Client, url: str, h: dict[str, str], until: set[str]) -> dict[str, Any]:
    def look() -> dict[str, Any] | None:
        r = client.get(url, headers=h)
        assert r.status_code == 200, r.text
        job: dict[str, Any] = r.json()
        return job if job["status"] in until else None

    found: dict[str, Any] = _until(f"{url} to be {'/'.join(sorted(until))}", look)
    return found


def _whole(db: str) -> None:
    store = Store.open(db)
    try:
        with store.read() as tx:
            assert tx.check_consistency() == []
            assert tx.verify_audit() is None
    finally:
        store.close()


def test_a_job_made_through_one_worker_is_read_and_cancelled_through_another(
    cluster: Cluster,
) -> None:
    a, b, h = cluster.a, cluster.b, cluster.h
    made = a.post("/v1/districts/d1/proposals", json={}, headers=h | ASYNC)
    assert made.status_code == 202, made.text
    url = made.headers["location"]
    running = _job(b, url, h, {"running"})
    assert (running["phase"], running["fraction"]) == ("solving", 0.5)
    listed = b.get("/v1/districts/d1/jobs", headers=h).json()
    assert [j["id"] for j in listed["data"]] == [made.json()["id"]]
    stop = b.delete(url, headers=h)
    assert stop.status_code == 202 and stop.headers["location"] == url
    ended = _job(a, url, h, {"cancelled", "done", "failed"})
    assert (ended["status"], ended["proposal"]) == ("cancelled", None)
    assert b.get(url, headers=h).json() == ended
    assert a.get("/v1/districts/d1/proposals", headers=h).json()["count"] == 0
    assert b.delete(url, headers=h).status_code == 409


def test_conflicting_accepts_through_two_workers_one_wins(cluster: Cluster) -> None:
    """The race of tests/api/test_race.py across processes: every other accept goes to
    the other worker; the write lock holds between them."""
    clients, h, n = (cluster.a, cluster.b), cluster.h, 16
    url = "/v1/districts/d1/proposals"
    ids = [clients[k % 2].post(url, json={}, headers=h).json()["id"] for k in range(n)]
    barrier = threading.Barrier(n)

    def accept(k: int) -> int:
        barrier.wait()
        return clients[k % 2].post(f"{url}/{ids[k]}/accept", json={}, headers=h).status_code

    with ThreadPoolExecutor(n) as pool:
        codes = list(pool.map(accept, range(n)))
    assert sorted(codes) == [201] + [409] * (n - 1)
    assert cluster.a.get("/v1/districts/d1/dispatches", headers=h).json()["count"] == 5
    _whole(cluster.db)


def test_a_worker_killed_mid_accept_leaves_the_state_whole(cluster: Cluster) -> None:
    """kill -9 while an accept's transaction holds the write lock with its dispatches
    written: the server rolls it back and frees the lock; another worker accepts."""
    h, hooks = cluster.h, cluster.hooks
    url = "/v1/districts/d2/proposals"
    pid = cluster.a.post(url, json={}, headers=h).json()["id"]
    with cluster.start() as victim:
        (hooks / "hold-accept").touch()
        try:
            caller = threading.Thread(
                target=lambda: _ignore(victim.client.post, f"{url}/{pid}/accept", h)
            )
            caller.start()
            held = hooks / f"holding-{victim.proc.pid}"
            _until("the accept to be held mid-transaction", held.exists)
            os.kill(victim.proc.pid, signal.SIGKILL)
            victim.proc.wait(30)
            caller.join(60)
        finally:
            (hooks / "hold-accept").unlink()
    assert cluster.b.get("/v1/districts/d2/dispatches", headers=h).json()["count"] == 0
    _whole(cluster.db)
    again = cluster.b.post(f"{url}/{pid}/accept", json={}, headers=h)
    assert again.status_code == 201, again.text
    assert len(again.json()["dispatches"]) == 5
    _whole(cluster.db)


def _ignore(post: Callable[..., httpx.Response], url: str, h: dict[str, str]) -> None:
    with contextlib.suppress(httpx.TransportError):  # its worker was killed
        post(url, json={}, headers=h)


def test_a_worker_killed_mid_job_leaves_it_failed_and_a_retry_completes_it(
    cluster: Cluster,
) -> None:
    h, hooks, b = cluster.h, cluster.hooks, cluster.b
    with cluster.start() as victim:
        made = victim.client.post("/v1/districts/d3/proposals", json={}, headers=h | ASYNC)
        assert made.status_code == 202, made.text
        url = made.headers["location"]
        _until("the job to run in the victim", (hooks / f"entered-{victim.proc.pid}").exists)
        os.kill(victim.proc.pid, signal.SIGKILL)
        victim.proc.wait(30)
    # B looks once the victim's lease has expired: failed, retryable, nothing stored
    lost = _job(b, url, h, {"failed", "done", "cancelled"})
    assert lost["status"] == "failed" and lost["proposal"] is None
    assert (lost["error"]["code"], lost["error"]["status"]) == ("job.worker_lost", 503)
    assert b.get("/v1/districts/d3/proposals", headers=h).json()["count"] == 0
    (hooks / "release").touch()
    retried = b.post(f"{url}/retry", json={}, headers=h)
    assert retried.status_code == 202, retried.text
    assert retried.json()["status"] in {"queued", "running"} and retried.json()["error"] is None
    done = _job(cluster.a, url, h, {"done", "failed", "cancelled"})
    assert done["status"] == "done", done
    assert b.get(done["proposal"], headers=h).status_code == 200
    assert b.get("/v1/districts/d3/proposals", headers=h).json()["count"] == 1
    assert b.post(f"{url}/retry", json={}, headers=h).status_code == 409
    _whole(cluster.db)
