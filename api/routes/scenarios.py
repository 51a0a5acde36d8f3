"""Scenarios: run a what-if against the district's live state and return the comparison.

Nothing is written: the scenario's edits apply to a copy of the snapshot, and
both plans (baseline and scenario) are solved exactly without alternates, with
active dispatches using up capacity and headcount and declined pairs excluded,
exactly as ``POST /proposals`` does. Planners and admins only.

``explain_unfilled`` prices the scenario plan's empty slots with
:func:`matcher.whatif.slot_fixes`, as ``matcher propose --explain-unfilled`` does:
in a district with dated orders, the ongoing orders' relaxations with the plan's
dated dispatches (and those the district holds) kept, said by
``counterfactuals_note``, and the short dated orders named in
``counterfactuals_unpriced`` (they keep their reasons, without relaxations).

Two full solves (and the fixes) take minutes on a big dated district: under the
rule proposals follow (:func:`api.jobs.runs_long`, or ``Prefer: respond-async``)
the request becomes a job (202 + its URL, :mod:`api.jobs`) whose ``result``, once
done, is the very comparison this route answers otherwise. The scenario is parsed
first either way: a bad edit is a 4xx at once, never a failed job.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from api.deps import JobsDep, StoreDep
from api.errors import PROBLEM_RESPONSES, Forbidden, ProblemModel
from api.jobloop import Finish, Work
from api.jobs import prefers_async, runs_long
from api.params import PreferDep, Proposer
from api.routes.jobs import job_response
from api.schemas import JobPublic, ScenarioPublic, ScenarioRequest
from api.settings import Settings
from matcher import Progress
from matcher.store import JobRow, Snapshot, Store
from matcher.whatif import Scenario, apply_scenario, compare, parse_scenario, slot_fixes

__all__ = ["job_work", "router"]

router = APIRouter(
    prefix="/v1/districts/{district}", tags=["scenarios"], responses=PROBLEM_RESPONSES
)


def _scenario(snap: Snapshot, body: ScenarioRequest) -> Scenario:
    """The body's scenario on ``snap``'s case (InputError, a 422, when an edit is bad)."""
    return parse_scenario(body.model_dump(exclude={"explain_unfilled"}), snap.case, source="body")


def _answer(
    snap: Snapshot, body: ScenarioRequest, sc: Scenario, progress: Progress | None = None
) -> dict[str, Any]:
    """The comparison as :class:`ScenarioPublic` answers it: the route and a job compute it
    alike. ``progress`` (a job's) is told the solves' phases and ``counterfactuals``."""
    cmp = compare(snap.case, sc, progress=progress, **snap.holding())
    out = cmp.model_dump(mode="json", exclude={"base", "result"})
    if body.explain_unfilled:
        if progress is not None:
            progress("counterfactuals")
        new_case, _ = apply_scenario(snap.case, sc)
        ids_c = {c.id for c in new_case.cadres}
        ids_d = {d.id for d in new_case.demands}
        fixes = slot_fixes(
            new_case,
            cmp.result,
            excluded=[(c, d) for c, d in snap.excluded if c in ids_c and d in ids_d],
            used_capacity={k: v for k, v in snap.used_capacity.items() if k in ids_c},
            filled_slots={k: v for k, v in snap.filled_slots.items() if k in ids_d},
            held={k: v for k, v in snap.held.items() if k in ids_c},
        )
        out.update(fixes.answer_fields())
    return ScenarioPublic.model_validate(out).model_dump(mode="json")


def job_work(store: Store) -> Work:
    """How a worker computes a scenario job from its row (the request body it stored), on
    the district's state when it runs: the answer is kept on the job, nothing in the pool."""

    def work(job: JobRow, progress: Progress) -> Finish:
        body = ScenarioRequest.model_validate(job.request)
        with store.read() as tx:
            snap = tx.snapshot(job.district)
        answer = _answer(snap, body, _scenario(snap, body), progress)
        return lambda tx: answer

    return work


@router.post(
    "/scenarios",
    response_model=ScenarioPublic,
    responses={
        202: {"model": JobPublic, "description": "computing as a job: poll its Location"},
        503: {"model": ProblemModel, "description": "too many jobs queued, or shutting down"},
    },
)
def run_scenario(
    a: Proposer,
    body: ScenarioRequest,
    store: StoreDep,
    jobs: JobsDep,
    request: Request,
    prefer: PreferDep = None,
) -> JSONResponse:
    """Baseline against the scenario on the live pool; live data is never changed.

    Large pools (or ``Prefer: respond-async``) answer 202 with a job to poll instead;
    the done job's ``result`` is this route's answer.
    """
    if a.principal.role not in ("planner", "admin"):
        raise Forbidden(f"role {a.principal.role!r} cannot run scenarios (planner or admin)")
    with store.read() as tx:
        snap = tx.snapshot(a.district)
    sc = _scenario(snap, body)  # a bad edit is refused before any work
    asked = prefers_async(prefer)
    settings: Settings = request.app.state.settings
    if asked or runs_long(settings, snap.case, snap.case.policy):
        request_body = body.model_dump(mode="json")
        job, _ = jobs.submit(a.district, "scenario", request_body, a.principal.actor)
        return job_response(job, 202, applied=asked)
    with request.app.state.solve_gate.sem:
        out = _answer(snap, body, sc)
    return JSONResponse(out)  # validated as ScenarioPublic by _answer, as a job's is
