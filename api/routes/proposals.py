"""Proposals: compute from the live pool, then accept (→ dispatches) or reject (→ declines).

Computing runs in a worker thread (this is a sync route), bounded by the app's
solve gate, so the event loop keeps answering ``/health`` and reads meanwhile.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import JSONResponse

from api.deps import Access, IdemKeyDep, StoreDep, access, mask_note, replay, respond, run_write
from api.errors import PROBLEM_RESPONSES
from api.schemas import (
    AcceptRequest,
    AcceptResult,
    DeclinesPublic,
    ProposalPublic,
    ProposalRequest,
    ProposalsPublic,
    RejectRequest,
    RejectResult,
)
from matcher import Policy, parse_policy, propose
from matcher.store import Tx

__all__ = ["router"]

router = APIRouter(
    prefix="/v1/districts/{district}", tags=["proposals"], responses=PROBLEM_RESPONSES
)
Reader = Annotated[Access, Depends(access("read"))]
Proposer = Annotated[Access, Depends(access("propose"))]
Writer = Annotated[Access, Depends(access("write"))]
ProposalId = Annotated[int, Path(ge=1, le=2**62)]


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for k, v in over.items():
        out[k] = _merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out


def _policy(district_policy: Policy, override: dict[str, Any] | None) -> Policy | None:
    if override is None:
        return None
    return parse_policy(_merge(district_policy.model_dump(), override), "body.policy")


@router.post("/proposals", response_model=ProposalPublic, status_code=201)
def create_proposal(
    a: Proposer, body: ProposalRequest, store: StoreDep, request: Request, key: IdemKeyDep = None
) -> JSONResponse:
    """Best plan for the current pool: active dispatches use up capacity and headcount,
    pinned pairs are kept, declined pairs are never offered again."""
    found = replay(store, a.principal, key, request, body)
    if found is not None:
        return found
    with store.read() as tx:
        snap = tx.snapshot(a.district)
    policy = _policy(snap.case.policy, body.policy)
    pinned = [(p.cadre, p.demand) for p in body.pinned]
    with request.app.state.solve_gate.sem:
        result = propose(
            snap.case,
            policy,
            pinned=pinned,
            excluded=snap.declined,
            used_capacity=snap.used_capacity,
            filled_slots=snap.filled_slots,
        )
    pairs = [(x.cadre, x.demand) for x in result.assignments]
    req = body.model_dump(mode="json")

    def work(tx: Tx) -> dict[str, Any]:
        pid = tx.add_proposal(
            a.district, req, result.model_dump(mode="json"), snap.basis(pairs), pairs
        )
        return tx.proposal(a.district, pid)

    return run_write(store, a.principal, key, request, body, ProposalPublic, work, status=201)


@router.get("/proposals", response_model=ProposalsPublic)
def list_proposals(
    a: Reader,
    store: StoreDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=10**9)] = 0,
) -> JSONResponse:
    """Proposals of the district, newest first (KPIs only; GET one for the details)."""
    with store.read() as tx:
        rows, total = tx.list_proposals(a.district, limit=limit, offset=offset)
    return respond(ProposalsPublic, {"data": rows, "count": total})


@router.get("/proposals/{proposal}", response_model=ProposalPublic)
def get_proposal(a: Reader, proposal: ProposalId, store: StoreDep) -> JSONResponse:
    """The proposal with breakdowns, alternates, unfilled reasons, KPIs and each pair's state."""
    with store.read() as tx:
        return respond(ProposalPublic, tx.proposal(a.district, proposal))


@router.post("/proposals/{proposal}/accept", response_model=AcceptResult, status_code=201)
def accept(
    a: Writer,
    proposal: ProposalId,
    body: AcceptRequest,
    store: StoreDep,
    request: Request,
    key: IdemKeyDep = None,
) -> JSONResponse:
    """Dispatch all pending (or the chosen) assignments, all or nothing.

    409 with ``changes`` when the pool changed since the proposal was computed.
    """
    chosen = None if body.assignments is None else [(p.cadre, p.demand) for p in body.assignments]
    return run_write(
        store,
        a.principal,
        key,
        request,
        body,
        AcceptResult,
        lambda tx: {"dispatches": tx.accept(a.district, proposal, chosen)},
        status=201,
    )


@router.post("/proposals/{proposal}/reject", response_model=RejectResult)
def reject(
    a: Writer,
    proposal: ProposalId,
    body: RejectRequest,
    store: StoreDep,
    request: Request,
    key: IdemKeyDep = None,
) -> JSONResponse:
    """Decline chosen assignments; re-proposing then offers the next best alternate."""
    chosen = [(p.cadre, p.demand) for p in body.assignments]
    return run_write(
        store,
        a.principal,
        key,
        request,
        body,
        RejectResult,
        lambda tx: {"declines": tx.reject(a.district, proposal, chosen, body.reason)},
    )


@router.get("/declines", response_model=DeclinesPublic)
def list_declines(a: Reader, store: StoreDep) -> JSONResponse:
    """Declined pairs (never proposed again)."""
    with store.read() as tx:
        rows = [mask_note(r, a.masked, "reason") for r in tx.list_declines(a.district)]
    return respond(DeclinesPublic, {"data": rows, "count": len(rows)})
