"""Bearer tokens (admins only) and ``/v1/me``."""

from __future__ import annotations

import logging

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from api.crud import page
from api.deps import AdminDep, IdemKeyDep, JobsDep, PrincipalDep, StoreDep, respond, run_write
from api.errors import PROBLEM_RESPONSES
from api.params import RowId
from api.schemas import Principal, TokenCreate, TokenCreated, TokenPublic, TokensPublic
from matcher.store import Tx

__all__ = ["router"]

router = APIRouter(prefix="/v1", tags=["tokens"], responses=PROBLEM_RESPONSES)
log = logging.getLogger("matcher.api")


@router.get("/me", response_model=Principal)
def me(p: PrincipalDep, store: StoreDep) -> JSONResponse:
    """Who the token is: role and the districts it reaches.

    An admin reaches every district, whatever an older token row lists, so its
    ``districts`` are all of them (``all_districts``): a client reads what the token
    can do, not how it was created.
    """
    districts = list(p.districts)
    if p.role == "admin":
        with store.read() as tx:
            districts = tx.district_ids()
    return respond(
        Principal,
        {
            "token_id": p.token_id,
            "role": p.role,
            "districts": districts,
            "all_districts": p.role == "admin",
        },
    )


@router.get("/tokens", response_model=TokensPublic)
def list_tokens(_: AdminDep, store: StoreDep) -> JSONResponse:
    with store.read() as tx:
        rows = tx.list_tokens()
    return page(TokensPublic, rows)


@router.post("/tokens", response_model=TokenCreated, status_code=201)
def create_token(
    body: TokenCreate, p: AdminDep, store: StoreDep, request: Request, key: IdemKeyDep = None
) -> JSONResponse:
    """A new token, shown once in the response; only its SHA-256 is stored.

    A retry with the same Idempotency-Key returns the token's record with an
    empty ``token``: the secret is never stored, so it cannot be shown twice.
    """

    def work(tx: Tx) -> dict[str, object]:
        token, row = tx.create_token(body.role, body.districts, body.label)
        return {**row.to_json(), "token": token}

    return run_write(
        store,
        p,
        key,
        request,
        body,
        TokenCreated,
        work,
        status=201,
        redact=lambda d: {**d, "token": ""},
    )


@router.delete("/tokens/{token_id}", response_model=TokenPublic)
def revoke_token(p: AdminDep, token_id: RowId, store: StoreDep, jobs: JobsDep) -> JSONResponse:
    """Revoke a token: it stops working at once, and so do the jobs it queued.

    Its queued jobs are cancelled, a running one stops at its next progress
    step; none of them stores a proposal.
    """
    with store.write(p.actor) as tx:
        row = tx.revoke_token(token_id)
    stopped = jobs.revoke(token_id)
    if stopped:
        log.info("token %d revoked: cancelled %d job(s)", token_id, len(stopped))
    return respond(TokenPublic, row)
