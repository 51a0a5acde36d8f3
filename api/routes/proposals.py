"""Proposals: compute from the live pool, then accept (→ dispatches) or reject (→ declines).

Computing runs in a worker thread (this is a sync route), bounded by the app's
solve gate, so the event loop keeps answering ``/health`` and reads meanwhile.
Large pools, or a ``Prefer: respond-async`` header, make the request a job
instead (202 + its URL; :mod:`api.jobs`), so no request waits minutes.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from api.crud import Reviewing, Writing, page
from api.dated import reversed_range
from api.deps import (
    IdemKeyDep,
    JobsDep,
    StoreDep,
    drafts,
    fingerprint,
    mask_note,
    recorded_failures,
    replay,
    run_write,
)
from api.errors import PROBLEM_RESPONSES, ProblemModel
from api.jobloop import Finish, Work
from api.jobs import prefers_async, runs_long
from api.params import Offset, PreferDep, Proposer, RowId
from api.routes.jobs import job_response, job_url
from api.schemas import (
    AcceptRequest,
    AcceptResult,
    DeclinesPublic,
    JobPublic,
    ProposalPublic,
    ProposalRequest,
    ProposalsPublic,
    RejectRequest,
    RejectResult,
)
from api.settings import Settings
from api.warm import WarmPlans
from matcher import (
    Case,
    InputError,
    Policy,
    Problem,
    Progress,
    Proposal,
    check_horizon,
    check_pins,
    horizon,
    parse_policy,
    propose,
    streams,
    unknown_limits,
)
from matcher.store import Actor, JobRow, PoolChanged, ProposalRow, Snapshot, Store, Tx

__all__ = ["job_work", "router"]

router = APIRouter(
    prefix="/v1/districts/{district}", tags=["proposals"], responses=PROBLEM_RESPONSES
)
ProposalId = RowId


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for k, v in over.items():
        out[k] = _merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out


def _policy(district_policy: Policy, override: dict[str, Any] | None) -> Policy | None:
    if override is None:
        return None
    return parse_policy(_merge(district_policy.model_dump(), override), "body.policy")


def _planned(snap: Snapshot, body: ProposalRequest) -> Snapshot:
    """``snap`` narrowed to the body's horizon (``from``/``to``): the dated orders whose
    window touches one of its days and the ongoing work (:func:`matcher.horizon`, as
    ``matcher propose --from --to``); what fills the other demands' slots is left out."""
    if body.start is None and body.end is None:
        return snap
    case = horizon(snap.case, body.start, body.end)
    ids = {d.id for d in case.demands}
    return replace(
        snap,
        case=case,
        filled_slots={k: v for k, v in snap.filled_slots.items() if k in ids},
        excluded=[p for p in snap.excluded if p[1] in ids],
    )


def _pins_in_horizon(
    pins: list[tuple[str, str]], case: Case, planned: Case, body: ProposalRequest
) -> None:
    """Refuse a pin on a demand of the district that the body's horizon leaves out
    (it would otherwise read as an unknown demand)."""
    known = {d.id for d in case.demands}
    kept = {d.id for d in planned.demands}
    out = sorted({d for _, d in pins if d in known and d not in kept})
    if out:
        first = "" if body.start is None else body.start.isoformat()
        last = "" if body.end is None else body.end.isoformat()
        raise InputError(
            "cannot propose with these pins",
            [
                Problem(
                    "pinned",
                    f"demand {d} is outside the horizon {first}..{last}",
                    value=d,
                    code="problem.pin_outside_horizon",
                    params={"demand": d, "first": first, "last": last},
                )
                for d in out
            ],
        )


def _compute(
    warm: WarmPlans,
    district: str,
    snap: Snapshot,
    version: int,
    policy: Policy | None,
    body: ProposalRequest,
    progress: Progress | None = None,
) -> Proposal:
    """The proposal for this snapshot (read at the district's ``version``, within the
    body's horizon): from the district's last plan when it can be re-solved warm (big
    pools), else from scratch; the same answer either way."""
    snap = _planned(snap, body)
    kw: dict[str, Any] = {
        "pinned": [(p.cadre, p.demand) for p in body.pinned],
        "progress": progress,
        **snap.holding(),
    }
    if streams(len(snap.case.cadres), len(snap.case.demands), params=warm.params):
        with warm.take(district, version) as planner:
            if planner is not None:
                return planner.propose(snap.case, policy, **kw)
    else:
        warm.forget(district)  # small pools keep nothing (a pool that shrank lets go)
    return propose(snap.case, policy, params=warm.params, **kw)


#: how often a proposal is computed again when the pool moved while it was computed
ATTEMPTS = 3


def _fresh(
    store: Store,
    warm: WarmPlans,
    district: str,
    body: ProposalRequest,
    progress: Progress | None = None,
    snap: Snapshot | None = None,
) -> tuple[Snapshot, Proposal]:
    """A proposal and the snapshot it was computed from, still current when computed.

    Why: computing takes from milliseconds to minutes outside any transaction (a job
    may also wait in the queue); a proposal of a state that moved meanwhile would be
    stored as the newest and could not be accepted. ``snap`` is used while it is
    current. Raises :class:`PoolChanged` after :data:`ATTEMPTS` tries.
    """
    for _ in range(ATTEMPTS):
        with store.read() as tx:
            if snap is None or tx.pool_state(district) != snap.state:
                snap = tx.snapshot(district)
            version = tx.district_version(district)
            policy = _policy(snap.case.policy, body.policy)
            rules = (policy or snap.case.policy).lending
            if policy is not None and rules.is_on:
                # an override's lending rules count over the override's own period
                snap = replace(snap, lending=tx.lending_use(district, rules.period_days))
        result = _compute(warm, district, snap, version, policy, body, progress)
        with store.read() as tx:
            if tx.pool_state(district) == snap.state:
                return snap, result
    raise PoolChanged()


def _add(
    tx: Tx,
    district: str,
    body: ProposalRequest,
    snap: Snapshot,
    result: Proposal,
    actor: Actor,
    draft: bool,
) -> int:
    """Store a computed proposal (the sync route and jobs store it the same way); raises
    :class:`PoolChanged` when the pool moved since ``snap``. A ``draft`` (a planner's:
    :func:`api.deps.drafts`) supersedes nothing."""
    pairs = [(x.cadre, x.demand) for x in result.assignments]
    return tx.add_proposal(
        district,
        body.model_dump(mode="json", by_alias=True),
        result.model_dump(mode="json"),
        snap.basis(pairs),
        pairs,
        actor,
        snap.state,
        draft=draft,
    )


def job_work(store: Store, warm: Callable[[], WarmPlans]) -> Work:
    """How a worker computes a proposal job from its row (the request body it stored),
    and stores the result: the same way as the synchronous route (``warm``: the app's
    warm plans when the job runs)."""

    def work(job: JobRow, progress: Progress) -> Finish:
        body = ProposalRequest.model_validate(job.request)
        snap, result = _fresh(store, warm(), job.district, body, progress)

        def finish(tx: Tx) -> int:
            # the owner's role, read where the result is stored (a token's role never
            # changes): a planner's job stores a draft, as the synchronous route does
            token = job.owner.token
            draft = token is not None and drafts(tx.token(token).role)
            return _add(tx, job.district, body, snap, result, job.owner, draft)

        return finish

    return work


@router.post(
    "/proposals",
    response_model=ProposalPublic,
    status_code=201,
    responses={
        202: {"model": JobPublic, "description": "computing as a job: poll its Location"},
        503: {"model": ProblemModel, "description": "too many jobs queued, or shutting down"},
    },
)
def create_proposal(
    a: Proposer,
    body: ProposalRequest,
    store: StoreDep,
    jobs: JobsDep,
    request: Request,
    key: IdemKeyDep = None,
    prefer: PreferDep = None,
) -> JSONResponse:
    """Best plan for the current pool: active dispatches use up capacity and headcount,
    pinned pairs are kept, declined pairs are never offered again.

    Large pools (or ``Prefer: respond-async``) answer 202 with a job to poll instead.
    """
    found = replay(store, a.principal, key, request, body)
    if found is not None:
        if found.status_code == 202:  # a job's final state, stored with its proposal
            found.headers["Location"] = job_url(a.district, json.loads(bytes(found.body))["id"])
        return found
    idem = None if key is None else (a.principal.token_id, key, fingerprint(request, body))
    held = None if idem is None else jobs.held(idem)
    if held is not None:
        return job_response(held, 202, replayed=True)
    with store.read() as tx:
        snap = tx.snapshot(a.district)
    with recorded_failures(store, a.principal, key, request, body):  # a 422 keeps its key
        # a bad override is refused before any work, a limit for no community included
        reversed_range(body.start, body.end)
        check_horizon(body.start, body.end)
        policy = _policy(snap.case.policy, body.policy) or snap.case.policy
        unknown_limits(policy, snap.case)
        # pins are judged now, not minutes later inside a failed job
        planned_snap = _planned(snap, body)
        pins = [(p.cadre, p.demand) for p in body.pinned]
        _pins_in_horizon(pins, snap.case, planned_snap.case, body)
        check_pins(
            replace(planned_snap.case, policy=policy),
            pins,
            planned_snap.excluded,
            planned_snap.used_capacity,
            planned_snap.filled_slots,
            planned_snap.held,
        )
    asked = prefers_async(prefer)
    settings: Settings = request.app.state.settings
    if asked or runs_long(settings, planned_snap.case, policy):
        job, replayed = jobs.submit(
            a.district,
            "proposal",
            body.model_dump(mode="json", by_alias=True),
            a.principal.actor,
            idem,
        )
        return job_response(job, 202, replayed=replayed, applied=asked and not replayed)
    with (
        recorded_failures(store, a.principal, key, request, body),  # after the slot is freed
        request.app.state.solve_gate.sem,
    ):
        snap, result = _fresh(store, request.app.state.warm, a.district, body, None, snap)

    def work(tx: Tx) -> ProposalRow:
        pid = _add(tx, a.district, body, snap, result, a.principal.actor, a.principal.drafts)
        return tx.proposal(a.district, pid)

    return run_write(store, a.principal, key, request, body, ProposalPublic, work, status=201)


@router.get("/proposals", response_model=ProposalsPublic)
def list_proposals(
    r: Reviewing,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Offset = 0,
    start: Annotated[
        date | None,
        Query(
            alias="from",
            description="only proposals made for a horizon (`from`/`to` in their request)"
            " sharing a day with `from` … `to` (YYYY-MM-DD; either may be left out)",
        ),
    ] = None,
    end: Annotated[date | None, Query(alias="to", description="see `from`")] = None,
    with_drafts: Annotated[
        bool | None,
        Query(
            alias="drafts",
            description="include planners' drafts (default: only for a planner, whose"
            " proposals are drafts; a dispatcher's newest listed is one they may decide)",
        ),
    ] = None,
) -> JSONResponse:
    """Proposals of the district, newest first (KPIs only; GET one for the details)."""
    reversed_range(start, end)
    span = None if start is None and end is None else (start, end)
    keep = r.a.principal.drafts if with_drafts is None else with_drafts
    return r.page(
        ProposalsPublic,
        lambda tx: tx.list_proposals(
            r.district, limit=limit, offset=offset, horizon=span, drafts=keep
        ),
    )


@router.get("/proposals/{proposal}", response_model=ProposalPublic)
def get_proposal(r: Reviewing, proposal: ProposalId) -> JSONResponse:
    """The proposal with breakdowns, alternates, unfilled reasons, KPIs and each pair's state."""
    return r.one(ProposalPublic, lambda tx: tx.proposal(r.district, proposal))


@router.post("/proposals/{proposal}/accept", response_model=AcceptResult, status_code=201)
def accept(
    proposal: ProposalId,
    w: Writing,
    body: AcceptRequest = AcceptRequest(),  # noqa: B008
) -> JSONResponse:
    """Dispatch all pending (or the chosen) assignments, all or nothing.

    409 with ``changes`` when the pool changed since the proposal was computed.
    """
    chosen = None if body.assignments is None else [(p.cadre, p.demand) for p in body.assignments]
    actor = w.a.principal.actor
    return w.run(
        body,
        AcceptResult,
        lambda tx: {"dispatches": tx.accept(w.district, proposal, chosen, actor)},
        status=201,
    )


@router.post("/proposals/{proposal}/reject", response_model=RejectResult)
def reject(proposal: ProposalId, w: Writing, body: RejectRequest) -> JSONResponse:
    """Decline chosen assignments; re-proposing then offers the next best alternate.

    With ``unavailable``, the people are declined instead of the pairs: each cadre
    named is not proposed until ``until`` (inclusive; null until lifted).
    """
    chosen = [(p.cadre, p.demand) for p in body.assignments]

    def work(tx: Tx) -> dict[str, Any]:
        declines, away = tx.reject(
            w.district,
            proposal,
            chosen,
            body.reason,
            w.a.principal.actor,
            unavailable=body.unavailable,
            until=body.until,
        )
        return {"declines": declines, "unavailable": away}

    return w.run(body, RejectResult, work)


@router.get("/declines", response_model=DeclinesPublic)
def list_declines(r: Reviewing) -> JSONResponse:
    """Declined pairs (never proposed again)."""
    with r.store.read() as tx:
        rows = [mask_note(d, r.a.masked, "reason") for d in tx.list_declines(r.district)]
    return page(DeclinesPublic, rows)
