"""Background jobs: large proposals and what-ifs computed after their request is answered.

Why: a city-sized pool takes minutes to propose (a what-if, two proposals and perhaps
its slots' fixes, longer). One rule says when a request becomes a job
(:func:`runs_long`, or the client's ``Prefer: respond-async``: :func:`prefers_async`).
Holding the request open that long runs into proxy and client timeouts, and gives
the caller neither progress nor a way to stop. A job answers at once (202 and its
URL), records the engine's progress (phase, fraction) for pollers, and stops at the
next progress step once cancelled.

Jobs live in the database (:mod:`matcher.store.jobs`), so several workers serve
them as one: any worker answers ``GET``/``DELETE …/jobs/{id}``, any worker may run
a queued job (:mod:`api.jobloop`: claimed under a lease the worker renews while
it computes), and a restart forgets nothing.

A worker that dies mid-job stops renewing its lease. Once the lease has expired,
the next worker that looks (its loop, or anyone reading the job) marks it failed
with ``job.worker_lost`` (503: retryable); ``POST …/jobs/{id}/retry`` queues it
again. Why not again automatically: the worker may have died *of* the job (a
city's plan takes hundreds of MiB; the kernel's OOM killer sends SIGKILL), and a
job that kills its worker would then kill one worker after another; a person who
retries has seen the failure. Nothing half-done survives either way: a job
stores its result (a proposal; a what-if's comparison, kept on the job's row) in one
transaction at the very end.

Each job knows the token that asked for it (``owner``): revoking that token
cancels its jobs (:meth:`JobManager.revoke`), and the storing transaction checks
the token again, since work a revoked token queued must not land in the store.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable
from typing import Any

from api.errors import Unavailable
from api.jobloop import JobLoop, Work
from api.settings import Settings
from matcher import Case, Policy
from matcher.store import Actor, IdempotencyError, JobRow, Store, Tx

__all__ = ["IdemKey", "JobManager", "prefers_async", "runs_long"]

SHUTDOWN_WAIT = 10.0
"""Seconds a shutdown waits for a running job to reach its next progress callback."""

IdemKey = tuple[int, str, str]
"""(token id, Idempotency-Key, request fingerprint) of the request that made a job."""


def prefers_async(prefer: str | None) -> bool:
    """RFC 7240: ``Prefer`` is a list of preferences, each possibly with parameters."""
    return any(
        p.split(";")[0].split("=")[0].strip().lower() == "respond-async"
        for p in (prefer or "").split(",")
    )


def runs_long(settings: Settings, case: Case, policy: Policy) -> bool:
    """Whether proposing for ``case`` under ``policy`` is a job whatever the client prefers.

    Over ``job_threshold`` (cadre × demand) pairs; lending rules and dated orders make a
    proposal a MILP (seconds to minutes on a district): a job from a twentieth of that
    size, so that no request waits on one. Proposals and what-ifs share the rule.
    """
    milp = policy.lending.is_on or any(d.start is not None for d in case.demands)
    threshold = settings.job_threshold // (20 if milp else 1)
    return len(case.cadres) * len(case.demands) > threshold


class JobManager:
    """This worker's side of the jobs: submits, reads, cancels, retries; runs queued ones."""

    def __init__(
        self,
        store: Store,
        gate: threading.Semaphore,
        runners: dict[str, Work],
        *,
        limit: int,
        keep: int,
        ttl: float,
        lease: float = 30.0,
        poll: float = 1.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._store = store
        self._limit = limit
        self._clock = clock
        self._loop = JobLoop(
            store, gate, runners, keep=keep, ttl=ttl, lease=lease, poll=poll, clock=clock
        )
        #: this worker's name in the leases it holds
        self.holder = self._loop.holder

    def start(self) -> None:
        """Start running queued jobs (those queued through other workers too); idempotent."""
        self._loop.start()

    def submit(
        self,
        district: str,
        kind: str,
        request: dict[str, Any],
        owner: Actor,
        key: IdemKey | None = None,
    ) -> tuple[JobRow, bool]:
        """Queue a job for ``owner``; or, when ``key`` is held by a live job, that job.

        The flag says whether the job was replayed. Raises Unavailable when
        ``limit`` jobs are unfinished or this worker is shutting down.
        """
        if self._loop.closed.is_set():
            raise Unavailable("the service is shutting down; retry shortly")
        # one write transaction: two workers given the same key make one job
        with self._store.write() as tx:
            held = None if key is None else self._held(tx, key)
            if held is not None:
                return held, True
            unfinished = tx.count_unfinished_jobs()
            if unfinished >= self._limit:
                raise Unavailable(
                    f"{unfinished} jobs are queued or running; retry when one has finished"
                )
            row = tx.add_job(
                uuid.uuid4().hex,
                district,
                kind,
                request,
                owner,
                None if key is None else (key[1], key[2]),
            )
        self._loop.wake()
        return row, False

    def held(self, key: IdemKey) -> JobRow | None:
        """The job a retry with this Idempotency-Key should replay, if any.

        Raises IdempotencyError when the key was used for a different request.
        """
        with self._store.read() as tx:
            return self._held(tx, key)

    @staticmethod
    def _held(tx: Tx, key: IdemKey) -> JobRow | None:
        row = tx.keyed_job(key[0], key[1])
        if row is not None and row.idem_fingerprint != key[2]:
            raise IdempotencyError(
                f"Idempotency-Key {key[1]!r} was already used for a different request"
            )
        return row

    def get(self, district: str, job_id: str) -> JobRow:
        """The district's job (failed first when its worker's lease has expired)."""
        with self._store.read() as tx:
            row = tx.job(district, job_id)
        if row.status == "running" and (row.lease_until or 0.0) < self._clock():
            self.reap(job_id)
            with self._store.read() as tx:
                row = tx.job(district, job_id)
        return row

    def of_district(self, district: str) -> list[JobRow]:
        """The district's jobs, newest first."""
        self.reap()
        with self._store.read() as tx:
            return tx.list_jobs(district)

    def cancel(self, district: str, job_id: str, actor: Actor) -> JobRow:
        """Ask the job to stop: a queued job ends now, a running one at its next
        progress step (at once when this worker computes it). Audited as ``actor``'s.

        Raises ConflictError for a job that already finished.
        """
        self.get(district, job_id)  # a job whose worker is gone is failed, not cancelled
        with self._store.write(actor) as tx:
            row = tx.cancel_job(district, job_id)
        self._loop.halt({job_id}, "cancel")
        return row

    def retry(self, district: str, job_id: str, owner: Actor) -> JobRow:
        """Queue a failed or cancelled job again (ConflictError otherwise), audited."""
        self.get(district, job_id)
        with self._store.write(owner) as tx:
            row = tx.retry_job(district, job_id, owner)
        self._loop.wake()
        return row

    def revoke(self, owner: int) -> list[JobRow]:
        """Cancel every unfinished job of token ``owner`` (being revoked); returns them.

        Queued jobs end now, a running one at its next progress step; none stores
        anything. A job submitted while the revocation was under way is caught by
        its commit, which re-checks the token in the storing transaction.
        """
        with self._store.jobs() as tx:
            rows = tx.cancel_jobs_of(owner)
        self._loop.halt({r.id for r in rows}, "cancel")
        return rows

    def reap(self, job_id: str | None = None) -> list[str]:
        """Fail the running jobs (or only ``job_id``) whose worker's lease has expired."""
        return self._loop.reap(job_id)

    def shutdown(self, wait: float = SHUTDOWN_WAIT) -> None:
        """Refuse new jobs, stop the one this worker computes (it goes back to the queue,
        for another worker or the next start) and wait (bounded) for the threads.

        A job still computing after ``wait`` is abandoned: it stores nothing, since it
        is no longer this worker's once its lease expires.
        """
        self._loop.stop(wait)
