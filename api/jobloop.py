"""A worker's job loop: claims queued jobs from the database, runs them, keeps their leases.

Why its own module: :mod:`api.jobs` answers for jobs (submit, read, cancel, retry);
this is the worker side, one per app. One thread claims queued jobs (one at a
time, each holding a slot of the app's solve gate while it computes, so jobs and
synchronous proposals share one bound) and one renews the lease of the job it
computes every third of ``lease`` seconds. Progress is written at a bounded rate
(a phase change at once, the same phase at most every :data:`PROGRESS_EVERY`
seconds); each write reads the row's cancel flag, and a cancel asked through this
worker stops the job at its very next progress step.

A job stores its result (a proposal, or a what-if's comparison on its own row) in one
transaction at the very end, after checking
under the job row's lock that the job is still this worker's and not cancelled,
and that the token that asked for it was not revoked meanwhile: nothing half-done
survives, and nothing of a job whose lease went to another worker's reaper.
A worker that shuts down puts the job it was computing back in the queue.
"""

from __future__ import annotations

import logging
import math
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from api.errors import Unavailable, problem_body
from api.schemas import JobPublic
from matcher import Cancelled, Progress
from matcher.store import JobRow, Store, Tx

__all__ = ["Finish", "JobLoop", "Work", "job_view", "proposal_url", "worker_lost"]

log = logging.getLogger("matcher.api")

GATE_POLL = 0.05
"""Seconds between looks at the stop flag while the worker waits for a solve slot."""
PROGRESS_EVERY = 0.5
"""Seconds between two progress writes of the same phase (a new phase is written at once)."""
FORGET_EVERY = 60.0
"""Seconds between two looks for finished jobs to forget, besides one after each job."""


Finish = Callable[[Tx], int | dict[str, Any]]
"""Stores a computed result inside the given write transaction; returns the proposal id,
or the answer itself for a job that stores nothing in the pool (a scenario's: it is kept
on the job row, ``result``)."""
Work = Callable[[JobRow, Progress], Finish]
"""Computes a job's result from its row, telling ``progress`` (which raises Cancelled
once cancelled); returns how to store it."""


def proposal_url(district: str, pid: int) -> str:
    return f"/v1/districts/{district}/proposals/{pid}"


def job_view(row: JobRow) -> dict[str, Any]:
    """The job as the API shows it (:class:`api.schemas.JobPublic`)."""
    return {
        "id": row.id,
        "kind": row.kind,
        "status": row.status,
        "phase": row.phase,
        "fraction": row.fraction,
        "created": row.created_at,
        "started": row.started_at,
        "finished": row.finished_at,
        "proposal": None
        if row.proposal_id is None
        else proposal_url(row.district, row.proposal_id),
        "result": row.result,
        "error": row.error,
    }


def worker_lost() -> dict[str, Any]:
    """The problem a job gets when the worker computing it stopped renewing its lease."""
    return problem_body(
        Unavailable(
            "the worker computing this job stopped before it finished; nothing was stored:"
            " retry the job",
            code="job.worker_lost",
        )
    )


class _Running:
    """The job this worker computes: its progress and why it must stop, if it must."""

    def __init__(self, loop: JobLoop, row: JobRow) -> None:
        self.loop = loop
        self.row = row
        self.phase: str | None = None
        self.fraction: float | None = None
        self.written = -math.inf
        self.stop = threading.Event()
        #: "cancel" (asked), "lost" (the lease went to the reaper), "shutdown"
        self.why = "cancel"

    def halt(self, why: str) -> None:
        if not self.stop.is_set():
            self.why = why
            self.stop.set()

    def report(self, phase: str, fraction: float | None = None, /) -> None:
        """The engine's progress callback: record it (bounded rate), or stop the work."""
        if self.stop.is_set():
            raise Cancelled(f"job {self.row.id} was {self.why}")
        if fraction is not None:
            # the engine is trusted, but a poller must never see a fraction outside 0–1
            fraction = None if math.isnan(fraction) else min(max(float(fraction), 0.0), 1.0)
        changed = phase != self.phase
        self.phase, self.fraction = phase, fraction
        now = time.monotonic()
        if changed or now - self.written >= PROGRESS_EVERY:
            self.written = now
            self.loop.renew(self, (phase, fraction))
        if self.stop.is_set():
            raise Cancelled(f"job {self.row.id} was {self.why}")


class JobLoop:
    """Claims and runs queued jobs for one worker; renews the lease of the one it runs."""

    def __init__(
        self,
        store: Store,
        gate: threading.Semaphore,
        runners: dict[str, Work],
        *,
        keep: int,
        ttl: float,
        lease: float,
        poll: float,
        clock: Callable[[], float],
    ) -> None:
        self._store = store
        self._gate = gate
        self._runners = runners
        self._keep = keep
        self._ttl = ttl
        self._lease = lease
        self._poll = poll
        self._clock = clock
        #: this worker's name in the leases it holds
        self.holder = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self._lock = threading.Lock()
        self._wake = threading.Event()
        #: set once the worker stops: no job is claimed or begun after it
        self.closed = threading.Event()
        self._running: _Running | None = None
        self._threads: list[threading.Thread] = []

    def start(self) -> None:
        """Start claiming queued jobs (and renewing leases); idempotent."""
        with self._lock:
            if self._threads or self.closed.is_set():
                return
            self._threads = [
                threading.Thread(target=self._run, name="matcher-jobs", daemon=True),
                threading.Thread(target=self._beat, name="matcher-leases", daemon=True),
            ]
            for thread in self._threads:
                thread.start()

    def wake(self) -> None:
        """Look for queued jobs now (one was just queued or retried through this worker)."""
        self.start()
        self._wake.set()

    def halt(self, ids: set[str], why: str) -> None:
        """Stop the job this worker computes if it is one of ``ids``."""
        with self._lock:
            running = self._running
        if running is not None and running.row.id in ids:
            running.halt(why)

    def stop(self, wait: float) -> None:
        """Claim nothing more, stop the job computed (back to the queue), join the threads."""
        self.closed.set()
        self._wake.set()
        with self._lock:
            running, threads = self._running, list(self._threads)
        if running is not None:
            running.halt("shutdown")
        deadline = time.monotonic() + wait
        for thread in threads:
            thread.join(max(0.0, deadline - time.monotonic()))
            if thread.is_alive():
                log.warning("a job did not stop within %.0f s; abandoned, nothing stored", wait)

    def reap(self, job_id: str | None = None) -> list[str]:
        """Fail the running jobs (or only ``job_id``) whose worker's lease has expired."""
        now = self._clock()
        with self._store.read() as tx:  # a look first: writing takes SQLite's one lock
            if not tx.expired_jobs(now, job_id):
                return []
        with self._store.jobs() as tx:
            gone = tx.reap_jobs(now, worker_lost(), job_id)
        for lost in gone:
            log.warning("job %s: its worker stopped renewing its lease; failed (retryable)", lost)
        return gone

    def renew(self, run: _Running, progress: tuple[str | None, float | None] | None) -> None:
        """Renew ``run``'s lease (recording ``progress``); halt it when cancelled or lost."""
        try:
            with self._store.jobs() as tx:
                asked = tx.renew_job(run.row.id, self.holder, self._until(), progress)
        except Exception:  # the database is away for a moment: the lease has slack
            log.exception("job %s: renewing its lease failed", run.row.id)
            return
        if asked is None:
            run.halt("lost")
        elif asked:
            run.halt("cancel")

    def _until(self) -> float:
        return self._clock() + self._lease

    def _beat(self) -> None:
        while not self.closed.wait(self._lease / 3) and not self._store.closed:
            with self._lock:
                running = self._running
            if running is not None:
                self.renew(running, None)

    def _run(self) -> None:
        forgot = -math.inf
        # an app never shut down (no lifespan) stops here once its store is closed
        while not self.closed.is_set() and not self._store.closed:
            self._wake.wait(self._poll)
            self._wake.clear()
            try:
                self.reap()
                if time.monotonic() - forgot >= FORGET_EVERY:
                    forgot = time.monotonic()
                    self._forget()
                while not self.closed.is_set() and self._run_one():
                    pass
            except Exception:  # a bug or a lost database must not stop the loop
                log.exception("the job loop failed; trying again")

    def _forget(self, tx: Tx | None = None) -> None:
        """Forget finished jobs past ``ttl`` or beyond ``keep`` (in ``tx``, if given: the
        transaction that ends a job, so that no reader sees one job more than kept)."""
        cutoff = (datetime.now(UTC) - timedelta(seconds=self._ttl)).isoformat(
            timespec="milliseconds"
        )
        if tx is not None:
            tx.forget_jobs(cutoff, self._keep)
            return
        with self._store.jobs() as own:
            own.forget_jobs(cutoff, self._keep)

    def _run_one(self) -> bool:
        """Claim and run one queued job; False when there was none (or stopping)."""
        with self._store.read() as tx:
            if not tx.queued_jobs():
                return False
        while not self._gate.acquire(timeout=GATE_POLL):
            if self.closed.is_set():
                return False
        try:
            with self._store.jobs() as tx:
                row = tx.claim_job(self.holder, self._until())
            if row is None:
                return False
            run = _Running(self, row)
            with self._lock:
                self._running = run
            try:
                self._execute(run)
            finally:
                with self._lock:
                    self._running = None
            return True
        finally:
            self._gate.release()

    def _execute(self, run: _Running) -> None:
        row = run.row
        try:
            if self.closed.is_set():
                raise Cancelled(f"job {row.id}: this worker is stopping")
            finish = self._runners[row.kind](row, run.report)
            self._commit(run, finish)
        except Cancelled:
            if self.closed.is_set():
                run.halt("shutdown")
            self._stopped(run)
        except Exception as exc:
            self._end(run, "failed", problem_body(exc))

    def _commit(self, run: _Running, finish: Finish) -> None:
        """Store the result, unless the job is no longer this worker's or was cancelled."""
        row = run.row
        with self._store.write(row.owner) as tx:
            now = tx.lock_job(row.id)
            if now.status != "running" or now.lease_holder != self.holder:
                run.halt("lost")
                raise Cancelled(f"job {row.id} is no longer this worker's")
            if now.cancel_requested:
                run.halt("cancel")
                raise Cancelled(f"job {row.id} was cancelled")
            token = row.owner.token
            if token is not None and tx.token(token).revoked_at is not None:
                raise Cancelled(f"job {row.id}: its token was revoked")  # stores nothing
            key = None if row.idem_key is None else (token or 0, row.idem_key)
            found = None
            if key is not None and row.idem_fingerprint is not None:
                found = tx.idempotent_get(*key, row.idem_fingerprint)
            if found is not None and found[0] not in (201, 202):
                # the key answered a refusal since (a retried job): this result is new
                found, key = None, None
            pid: int | None
            result: dict[str, Any] | None = None
            if found is not None:  # the same request finished meanwhile: point at it
                status, data = found
                pid = int(data["id"] if status == 201 else data["proposal"].rsplit("/", 1)[1])
            else:
                out = finish(tx)
                pid, result = (out, None) if isinstance(out, int) else (None, out)
            done = tx.end_job(
                row.id,
                self.holder,
                "done",
                phase=run.phase,
                fraction=1.0,
                proposal_id=pid,
                result=result,
            )
            assert done is not None  # the row is locked and was this worker's
            if key is not None and found is None:  # the replay answers what GET shows
                stored = JobPublic.model_validate(job_view(done)).model_dump(mode="json")
                tx.idempotent_put(*key, row.idem_fingerprint or "", 202, stored)
            self._forget(tx)

    def _stopped(self, run: _Running) -> None:
        if run.why == "lost":
            log.warning("job %s: lost its lease while computing; stored nothing", run.row.id)
        elif run.why == "shutdown":
            with self._store.jobs() as tx:
                back = tx.release_job(run.row.id, self.holder)
            if not back:  # a cancel was asked meanwhile
                self._end(run, "cancelled")
        else:
            self._end(run, "cancelled")

    def _end(self, run: _Running, status: str, error: dict[str, Any] | None = None) -> None:
        with self._store.jobs() as tx:
            tx.end_job(
                run.row.id, self.holder, status, phase=run.phase, fraction=run.fraction, error=error
            )
            self._forget(tx)
