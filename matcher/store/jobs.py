"""Background jobs in the database: any worker submits, reads, cancels, claims and runs them.

Why in the database: a service runs several workers (processes, perhaps on several
hosts) behind one address; a job queued through one must be readable, cancellable
and runnable through any other, and must outlive the worker that queued it. The
row says where the job stands (queued → running → done, failed or cancelled);
``cancel_requested`` asks the worker computing it to stop at its next progress step.

Leases: a worker claims a queued job (on PostgreSQL ``SELECT … FOR UPDATE SKIP
LOCKED``, so workers claiming at once take different jobs without waiting on each
other; on SQLite the claim runs under the database's one write lock) and holds it
until ``lease_until``, renewing the lease while it computes. A worker that dies
renews nothing: once its lease has expired, whoever looks next (another worker's
loop, or a reader of the job) marks the job failed with the problem it is given
(``job.worker_lost``: retryable), and the dead worker's result could not be stored
anyway, since storing checks the lease under the row's lock (:meth:`JobsTx.lock_job`).

These methods touch only job rows; the workers' own (submit, claim, renew, end,
reap) run in :meth:`Store.jobs` transactions, which take row locks rather than the
store-wide write lock, so a heartbeat never queues behind a long import. A person's
cancel or retry is a decision like any other write: it runs in an ordinary write
transaction and is audited (``job.cancel``, ``job.retry``). Storing a job's result
runs in an ordinary write transaction with the proposal it stores.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.engine import Row

from matcher.store import schema as t
from matcher.store.audit import audited
from matcher.store.core import Actor, TxBase, now_iso
from matcher.store.errors import ConflictError
from matcher.store.rows import JobRow

__all__ = ["FINISHED", "JOB_STATUSES", "RETRYABLE", "JobsTx"]

JOB_STATUSES = ("queued", "running", "done", "failed", "cancelled")
FINISHED: frozenset[str] = frozenset({"done", "failed", "cancelled"})
RETRYABLE: frozenset[str] = frozenset({"failed", "cancelled"})
"""Ends that stored nothing: the job may run again (a retry, or its Idempotency-Key)."""


def _job_out(r: Row[Any]) -> JobRow:
    return JobRow(
        id=r.id,
        district=r.district_id,
        kind=r.kind,
        owner=Actor(r.owner, r.owner_label),
        request=json.loads(r.request),
        idem_key=r.idem_key,
        idem_fingerprint=r.idem_fingerprint,
        status=r.status,
        phase=r.phase,
        fraction=r.fraction,
        cancel_requested=bool(r.cancel_requested),
        lease_holder=r.lease_holder,
        lease_until=r.lease_until,
        attempts=int(r.attempts),
        proposal_id=r.proposal_id,
        result=None if r.result is None else json.loads(r.result),
        error=None if r.error is None else json.loads(r.error),
        created_at=r.created_at,
        started_at=r.started_at,
        finished_at=r.finished_at,
    )


class JobsTx(TxBase):
    """Job rows: submit, read, cancel, retry; claim, renew, end, reap (module docstring)."""

    # ---------------------------------------------------------------- asking
    def add_job(
        self,
        job_id: str,
        district: str,
        kind: str,
        request: dict[str, Any],
        owner: Actor,
        key: tuple[str, str] | None = None,
    ) -> JobRow:
        """Queue a new job; ``key`` is the request's (Idempotency-Key, fingerprint)."""
        self._district_row(district)
        self.conn.execute(
            insert(t.jobs).values(
                id=job_id,
                district_id=district,
                kind=kind,
                owner=owner.token,
                owner_label=owner.label,
                request=json.dumps(request, ensure_ascii=False),
                idem_key=None if key is None else key[0],
                idem_fingerprint=None if key is None else key[1],
                status="queued",
                cancel_requested=0,
                attempts=0,
                created_at=now_iso(),
            )
        )
        return self._job(job_id)

    def job(self, district: str, job_id: str) -> JobRow:
        """The district's job; another district's is as unknown as a missing one."""
        c = t.jobs.c
        return _job_out(self._one(t.jobs, "job", job_id, c.id == job_id, c.district_id == district))

    def _job(self, job_id: str) -> JobRow:
        return _job_out(self._one(t.jobs, "job", job_id, t.jobs.c.id == job_id))

    def list_jobs(self, district: str, limit: int = 200) -> list[JobRow]:
        """The district's jobs, newest first."""
        c = t.jobs.c
        q = (
            select(t.jobs)
            .where(c.district_id == district)
            .order_by(c.created_at.desc(), c.id.desc())
            .limit(limit)
        )
        return [_job_out(r) for r in self.conn.execute(q)]

    def keyed_job(self, token: int, key: str) -> JobRow | None:
        """The newest job token ``token`` queued with Idempotency-Key ``key`` that has not
        ended storing nothing (queued, running or done), if any."""
        c = t.jobs.c
        q = (
            select(t.jobs)
            .where(c.owner == token, c.idem_key == key, c.status.not_in(sorted(RETRYABLE)))
            .order_by(c.created_at.desc())
            .limit(1)
        )
        r = self.conn.execute(q).first()
        return None if r is None else _job_out(r)

    def count_unfinished_jobs(self) -> int:
        """Jobs queued or running, in every district."""
        q = select(func.count()).select_from(t.jobs).where(t.jobs.c.status.not_in(sorted(FINISHED)))
        return int(self.conn.execute(q).scalar_one())

    @audited("job.cancel", "job_id")
    def cancel_job(self, district: str, job_id: str) -> JobRow:
        """Ask the job to stop: a queued job ends now, a running one at its next progress step.

        A person's decision, so it is audited: it runs in a write transaction, not a
        :meth:`Store.jobs` one (a revocation's cancels, :meth:`cancel_jobs_of`, are
        part of the revocation).

        Raises ConflictError when it already finished.
        """
        row = self._locked(district, job_id)
        if row.status in FINISHED:
            raise ConflictError(f"job {job_id!r} already {row.status}; nothing to cancel")
        self._stop([row])
        return self._job(job_id)

    def cancel_jobs_of(self, owner: int) -> list[JobRow]:
        """Stop every unfinished job of token ``owner`` (being revoked); returns them."""
        c = t.jobs.c
        rows = [
            _job_out(r)
            for r in self.conn.execute(
                select(t.jobs)
                .where(c.owner == owner, c.status.not_in(sorted(FINISHED)))
                .order_by(c.created_at)
                .with_for_update()
            )
        ]
        self._stop(rows)
        return [self._job(r.id) for r in rows]

    def _stop(self, rows: Sequence[JobRow]) -> None:
        c = t.jobs.c
        for row in rows:
            values: dict[str, Any] = {"cancel_requested": 1}
            if row.status == "queued":
                values |= {"status": "cancelled", "finished_at": now_iso()}
            self.conn.execute(update(t.jobs).where(c.id == row.id).values(**values))

    @audited("job.retry", "job_id", lambda args: {})
    def retry_job(self, district: str, job_id: str, owner: Actor) -> JobRow:
        """Queue a job that ended storing nothing (failed or cancelled) again, as ``owner``'s.

        It keeps its id (its URL stays valid) and counts its attempts; its Idempotency-Key
        stays with it only when ``owner`` is the token that asked first (a key is a
        token's). Raises ConflictError for a job queued, running or done.
        """
        row = self._locked(district, job_id)
        if row.status not in RETRYABLE:
            raise ConflictError(
                f"job {job_id!r} is {row.status}; only a failed or cancelled job can be retried",
                code="conflict.job_not_retryable",
                params={"id": job_id, "status": row.status},
            )
        same = owner.token == row.owner.token
        self.conn.execute(
            update(t.jobs)
            .where(t.jobs.c.id == job_id)
            .values(
                owner=owner.token,
                owner_label=owner.label,
                idem_key=row.idem_key if same else None,
                idem_fingerprint=row.idem_fingerprint if same else None,
                status="queued",
                phase=None,
                fraction=None,
                cancel_requested=0,
                lease_holder=None,
                lease_until=None,
                error=None,
                started_at=None,
                finished_at=None,
            )
        )
        return self._job(job_id)

    def _locked(self, district: str, job_id: str) -> JobRow:
        c = t.jobs.c
        q = select(t.jobs).where(c.id == job_id, c.district_id == district).with_for_update()
        r = self.conn.execute(q).first()
        if r is None:
            self.job(district, job_id)  # raises NotFoundError
        assert r is not None
        return _job_out(r)

    # ---------------------------------------------------------------- running
    def queued_jobs(self) -> int:
        """How many jobs wait for a worker (a cheap look before claiming one)."""
        q = select(func.count()).select_from(t.jobs).where(t.jobs.c.status == "queued")
        return int(self.conn.execute(q).scalar_one())

    def claim_job(self, holder: str, until: float) -> JobRow | None:
        """Take the oldest queued job for worker ``holder``, leased until ``until``.

        On PostgreSQL a job another worker is claiming at this moment is skipped
        (``SKIP LOCKED``), not waited for; on SQLite the caller holds the write lock.
        """
        c = t.jobs.c
        q = (
            select(c.id)
            .where(c.status == "queued")
            .order_by(c.created_at, c.id)
            .limit(1)
            .with_for_update(skip_locked=True)
        )
        job_id = self.conn.execute(q).scalar()
        if job_id is None:
            return None
        taken = self.conn.execute(
            update(t.jobs)
            .where(c.id == job_id, c.status == "queued")  # the row lock makes it so; checked
            .values(
                status="running",
                lease_holder=holder,
                lease_until=until,
                attempts=c.attempts + 1,
                started_at=now_iso(),
            )
        )
        return self._job(job_id) if taken.rowcount else None

    def renew_job(
        self,
        job_id: str,
        holder: str,
        until: float,
        progress: tuple[str | None, float | None] | None = None,
    ) -> bool | None:
        """Renew ``holder``'s lease (and record ``progress``: phase, fraction); returns
        whether a cancel was asked, or None when the job is no longer this worker's
        (its lease expired and it was failed, or it ended)."""
        c = t.jobs.c
        values: dict[str, Any] = {"lease_until": until}
        if progress is not None:
            values |= {"phase": progress[0], "fraction": progress[1]}
        mine = (c.id == job_id, c.lease_holder == holder, c.status == "running")
        if self.conn.execute(update(t.jobs).where(*mine).values(**values)).rowcount == 0:
            return None
        return bool(self.conn.execute(select(c.cancel_requested).where(c.id == job_id)).scalar())

    def lock_job(self, job_id: str) -> JobRow:
        """The job's row, locked until the transaction ends: storing its result and a
        cancel, a reap or a renewal of it then happen one after the other."""
        r = self.conn.execute(select(t.jobs).where(t.jobs.c.id == job_id).with_for_update()).first()
        if r is None:
            self._job(job_id)  # raises NotFoundError
        assert r is not None
        return _job_out(r)

    def end_job(
        self,
        job_id: str,
        holder: str,
        status: str,
        *,
        phase: str | None,
        fraction: float | None,
        proposal_id: int | None = None,
        result: dict[str, Any] | None = None,
        error: dict[str, Any] | None = None,
    ) -> JobRow | None:
        """Finish ``holder``'s running job (done with ``proposal_id`` or its ``result``,
        failed with ``error``, or cancelled); None when it is no longer ``holder``'s
        (nothing changes)."""
        assert status in FINISHED, status
        c = t.jobs.c
        done = self.conn.execute(
            update(t.jobs)
            .where(c.id == job_id, c.lease_holder == holder, c.status == "running")
            .values(
                status=status,
                phase=phase,
                fraction=fraction,
                proposal_id=proposal_id,
                result=None if result is None else json.dumps(result, ensure_ascii=False),
                error=None if error is None else json.dumps(error, ensure_ascii=False),
                lease_until=None,
                finished_at=now_iso(),
            )
        )
        return None if done.rowcount == 0 else self._job(job_id)

    def release_job(self, job_id: str, holder: str) -> bool:
        """Put ``holder``'s running job back in the queue (its worker is stopping), unless a
        cancel was asked meanwhile; True when it was put back."""
        c = t.jobs.c
        back = self.conn.execute(
            update(t.jobs)
            .where(
                c.id == job_id,
                c.lease_holder == holder,
                c.status == "running",
                c.cancel_requested == 0,
            )
            .values(
                status="queued",
                phase=None,
                fraction=None,
                lease_holder=None,
                lease_until=None,
                started_at=None,
            )
        )
        return back.rowcount > 0

    def expired_jobs(self, now: float, job_id: str | None = None) -> int:
        """How many running jobs (or whether ``job_id``) hold a lease expired before ``now``."""
        c = t.jobs.c
        where = [c.status == "running", c.lease_until < now]
        if job_id is not None:
            where.append(c.id == job_id)
        return int(
            self.conn.execute(select(func.count()).select_from(t.jobs).where(*where)).scalar_one()
        )

    def reap_jobs(self, now: float, error: dict[str, Any], job_id: str | None = None) -> list[str]:
        """Fail the running jobs whose lease expired before ``now`` (their worker is gone)
        with ``error``; only ``job_id`` when given. Returns the ids failed."""
        c = t.jobs.c
        where = [c.status == "running", c.lease_until < now]
        if job_id is not None:
            where.append(c.id == job_id)
        ids = [
            r.id
            for r in self.conn.execute(select(c.id).where(*where).with_for_update(skip_locked=True))
        ]
        if ids:
            self.conn.execute(
                update(t.jobs)
                .where(c.id.in_(ids))
                .values(
                    status="failed",
                    error=json.dumps(error, ensure_ascii=False),
                    lease_until=None,
                    finished_at=now_iso(),
                )
            )
        return ids

    def forget_jobs(self, before: str, keep: int) -> int:
        """Delete finished jobs that finished before ``before`` (a stored time stamp), and
        all but the ``keep`` newest finished ones; returns how many went."""
        c = t.jobs.c
        finished = c.status.in_(sorted(FINISHED))
        kept = select(c.id).where(finished).order_by(c.finished_at.desc(), c.id.desc()).limit(keep)
        gone = self.conn.execute(
            delete(t.jobs).where(finished, (c.finished_at < before) | c.id.not_in(kept))
        )
        return int(gone.rowcount)
