"""Background jobs: large proposals computed after their request is answered.

Why: a city-sized pool takes minutes to propose. Holding the request open that
long runs into proxy and client timeouts, and gives the caller neither progress
nor a way to stop. A job answers at once (202 and its URL), records the engine's
progress callbacks (phase, fraction) for pollers, and stops at the next callback
once cancelled.

One worker thread runs the jobs in order, each holding a slot of the app's solve
gate while it computes, so jobs and synchronous proposals share one bound.

Jobs live in this process's memory only: a restart forgets them. Nothing
half-done survives either, because a job stores its proposal in one transaction
at the very end. Finished jobs stay readable for a bounded time and number.

Each job knows the token that asked for it (``owner``): revoking that token
cancels its jobs (:meth:`JobManager.revoke`), since work a revoked token queued
must not land in the store after the revocation.
"""

from __future__ import annotations

import logging
import math
import queue
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from api.errors import Unavailable, problem_body
from matcher import Cancelled, Progress
from matcher.store import ConflictError, IdempotencyError, NotFoundError

__all__ = ["FINISHED", "Commit", "IdemKey", "Job", "JobManager", "JobStatus", "Work"]

log = logging.getLogger("matcher.api")

JobStatus = Literal["queued", "running", "done", "failed", "cancelled"]
FINISHED: frozenset[str] = frozenset({"done", "failed", "cancelled"})
RETRYABLE: frozenset[str] = frozenset({"failed", "cancelled"})
"""Ends that stored nothing: a retry with the job's Idempotency-Key starts afresh."""
SHUTDOWN_WAIT = 10.0
"""Seconds a shutdown waits for a running job to reach its next progress callback."""
GATE_POLL = 0.05
"""Seconds between looks at the cancel flag while a queued job waits for a solve slot."""

IdemKey = tuple[int, str, str]
"""(token id, Idempotency-Key, request fingerprint) of the request that made a job."""


def _now() -> str:
    """Timestamps as the store writes them, so jobs and proposals compare as text."""
    return datetime.now(UTC).isoformat(timespec="milliseconds")


@dataclass(eq=False)
class Job:
    """One background proposal and what a poller may know about it.

    ``lock`` guards every change of state. The commit step runs under it, so a
    cancel lands either before the proposal is stored (and nothing is) or after
    the job is done (and is refused).
    """

    id: str
    district: str
    work: Work | None = field(repr=False)
    key: IdemKey | None = field(default=None, repr=False)
    owner: int | None = field(default=None, repr=False)
    """Id of the bearer token that submitted the job (None: not submitted over HTTP)."""
    clock: Callable[[], float] = field(default=time.monotonic, repr=False)
    status: JobStatus = "queued"
    phase: str | None = None
    fraction: float | None = None
    created: str = field(default_factory=_now)
    started: str | None = None
    finished: str | None = None
    proposal: str | None = None
    error: dict[str, Any] | None = None
    ended: float | None = field(default=None, repr=False)
    cancel: threading.Event = field(default_factory=threading.Event, repr=False)
    lock: threading.RLock = field(default_factory=threading.RLock, repr=False)

    def view(self) -> dict[str, Any]:
        """The job as the API shows it, taken at one consistent moment."""
        with self.lock:
            return {
                "id": self.id,
                "status": self.status,
                "phase": self.phase,
                "fraction": self.fraction,
                "created": self.created,
                "started": self.started,
                "finished": self.finished,
                "proposal": self.proposal,
                "error": self.error,
            }

    def report(self, phase: str, fraction: float | None = None, /) -> None:
        """The engine's progress callback: record it, or stop the work if cancelled."""
        if self.cancel.is_set():
            raise Cancelled(f"job {self.id} was cancelled")
        if fraction is not None:
            # the engine is trusted, but a poller must never see a fraction outside 0–1
            fraction = None if math.isnan(fraction) else min(max(float(fraction), 0.0), 1.0)
        with self.lock:
            self.phase = phase
            self.fraction = fraction

    def done(self, proposal: str) -> dict[str, Any]:
        """Mark the job done with its stored proposal's URL; returns the final view.

        Called by the commit step (the lock is held), which stores that view with
        the proposal so that an Idempotency-Key retry replays it after the job is
        forgotten.
        """
        with self.lock:
            self.end("done")
            self.proposal = proposal
            self.fraction = 1.0
            return self.view()

    def end(self, status: JobStatus, error: dict[str, Any] | None = None) -> None:
        """Finish the job (and let go of its inputs, which may be large)."""
        with self.lock:
            self.status = status
            self.error = error
            self.proposal = None
            self.finished = _now()
            self.ended = self.clock()
            self.work = None


Commit = Callable[[Job], None]
"""Stores a computed proposal and calls ``job.done(url)``; runs with the job locked."""
Work = Callable[[Progress], Commit]
"""Computes, telling ``progress`` (which raises Cancelled once cancelled); returns the commit."""


class JobManager:
    """Queues, runs, cancels and forgets jobs (one worker thread, started on first use)."""

    def __init__(
        self,
        gate: threading.Semaphore,
        *,
        limit: int,
        keep: int,
        ttl: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._gate = gate
        self._limit = limit
        self._keep = keep
        self._ttl = ttl
        self._clock = clock
        self._lock = threading.Lock()
        self._jobs: dict[str, Job] = {}  # in creation order
        self._keys: dict[tuple[int, str], Job] = {}
        self._queue: queue.SimpleQueue[Job | None] = queue.SimpleQueue()
        self._worker: threading.Thread | None = None
        self._closed = False

    def submit(
        self, district: str, work: Work, key: IdemKey | None = None, owner: int | None = None
    ) -> tuple[Job, bool]:
        """Queue ``work`` for token ``owner``; or, when ``key`` is held by a live job, that job.

        The flag says whether the job was replayed. Raises Unavailable when
        ``limit`` jobs are unfinished or the service is shutting down.
        """
        with self._lock:
            if self._closed:
                raise Unavailable("the service is shutting down; retry shortly")
            self._expire()
            held = self._held(key)
            if held is not None:
                return held, True
            unfinished = sum(j.status not in FINISHED for j in self._jobs.values())
            if unfinished >= self._limit:
                raise Unavailable(
                    f"{unfinished} jobs are queued or running; retry when one has finished"
                )
            job = Job(uuid.uuid4().hex, district, work, key, owner, clock=self._clock)
            self._jobs[job.id] = job
            if key is not None:
                self._keys[key[0], key[1]] = job
            if self._worker is None:
                self._worker = threading.Thread(target=self._run, name="matcher-jobs", daemon=True)
                self._worker.start()
            self._queue.put(job)
        return job, False

    def held(self, key: IdemKey) -> Job | None:
        """The job a retry with this Idempotency-Key should replay, if any.

        Raises IdempotencyError when the key was used for a different request.
        """
        with self._lock:
            return self._held(key)

    def get(self, district: str, job_id: str) -> Job:
        """The district's job; another district's job is as unknown as a missing one."""
        with self._lock:
            self._expire()
            job = self._jobs.get(job_id)
        if job is None or job.district != district:
            raise NotFoundError("job", job_id)
        return job

    def of_district(self, district: str) -> list[Job]:
        """The district's jobs, newest first."""
        with self._lock:
            self._expire()
            return [j for j in reversed(self._jobs.values()) if j.district == district]

    def cancel(self, district: str, job_id: str) -> Job:
        """Ask the job to stop: a queued job ends now, a running one at its next callback.

        Raises ConflictError for a job that already finished.
        """
        job = self.get(district, job_id)
        with job.lock:
            if job.status in FINISHED:
                raise ConflictError(f"job {job_id!r} already {job.status}; nothing to cancel")
            self._stop(job)
        return job

    def revoke(self, owner: int) -> list[Job]:
        """Cancel every unfinished job of token ``owner`` (being revoked); returns them.

        Queued jobs end now, a running one at its next progress step; none stores
        anything. A job submitted while the revocation was under way is caught by
        its commit, which re-checks the token in the storing transaction.
        """
        with self._lock:
            live = [j for j in self._jobs.values() if j.owner == owner and j.status not in FINISHED]
        for job in live:
            with job.lock:
                if job.status not in FINISHED:
                    self._stop(job)
        return live

    def shutdown(self, wait: float = SHUTDOWN_WAIT) -> None:
        """Refuse new jobs, cancel the others, and wait (bounded) for the worker to stop.

        A job still computing after ``wait`` is abandoned: its cancel flag is set,
        so it stores nothing even if it finishes later.
        """
        with self._lock:
            self._closed = True
            live = [j for j in self._jobs.values() if j.status not in FINISHED]
            worker = self._worker
        for job in live:
            with job.lock:
                if job.status not in FINISHED:
                    self._stop(job)
        if worker is not None:
            self._queue.put(None)
            worker.join(wait)
            if worker.is_alive():
                log.warning("a job did not stop within %.0f s; abandoned, nothing stored", wait)

    # ---------------------------------------------------------------- inside
    @staticmethod
    def _stop(job: Job) -> None:
        job.cancel.set()
        if job.status == "queued":
            job.end("cancelled")

    def _held(self, key: IdemKey | None) -> Job | None:
        if key is None:
            return None
        job = self._keys.get((key[0], key[1]))
        if job is None or job.status in RETRYABLE:
            return None
        if job.key is not None and job.key[2] != key[2]:
            raise IdempotencyError(
                f"Idempotency-Key {key[1]!r} was already used for a different request"
            )
        return job

    def _expire(self) -> None:
        """Forget finished jobs past ``ttl``, then the oldest beyond ``keep`` (lock held)."""
        now = self._clock()
        ended = sorted(
            (j for j in self._jobs.values() if j.ended is not None),
            key=lambda j: j.ended or 0.0,
        )
        old = [j for j in ended if now - (j.ended or 0.0) > self._ttl]
        young = ended[len(old) :]
        for job in old + young[: max(0, len(young) - self._keep)]:
            del self._jobs[job.id]
            if job.key is not None and self._keys.get((job.key[0], job.key[1])) is job:
                del self._keys[job.key[0], job.key[1]]

    def _run(self) -> None:
        while (job := self._queue.get()) is not None:
            try:
                self._run_one(job)
            except Exception:  # a bug here must not stop the jobs queued behind
                log.exception("job %s: unexpected error in the job manager", job.id)
                job.end("failed", problem_body(RuntimeError("job manager")))
            with self._lock:
                self._expire()

    def _run_one(self, job: Job) -> None:
        if not self._take_slot(job):
            return  # cancelled while waiting; cancel() has ended it
        try:
            with job.lock:
                work = job.work
                if job.status != "queued" or work is None:
                    return
                job.status = "running"
                job.started = _now()
            try:
                commit = work(job.report)
                with job.lock:
                    if job.cancel.is_set():
                        raise Cancelled(f"job {job.id} was cancelled")
                    commit(job)
                    if job.proposal is None:
                        raise RuntimeError(f"job {job.id}: the commit did not mark it done")
            except Cancelled:
                job.end("cancelled")
            except Exception as exc:
                job.end("failed", problem_body(exc))
        finally:
            self._gate.release()

    def _take_slot(self, job: Job) -> bool:
        """Wait for a solve slot while the job stays queued; False when it was cancelled."""
        while not self._gate.acquire(timeout=GATE_POLL):
            if job.cancel.is_set():
                return False
        return True
