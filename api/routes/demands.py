"""Demands of a district: CRUD, close, bulk import of ``demands.csv``."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from fastapi.responses import JSONResponse

from api.deps import Access, IdemKeyDep, StoreDep, access, respond, run_write
from api.errors import PROBLEM_RESPONSES
from api.imports import run_import
from api.patch import PatchBody, check_replace, patched
from api.schemas import (
    CsvImport,
    DemandClose,
    DemandCreate,
    DemandPublic,
    DemandReplace,
    DemandsPublic,
    DemandUpdate,
    ImportResult,
)
from matcher import ID_MAX_LENGTH, ID_PATTERN, Demand
from matcher.store import Tx

__all__ = ["router"]

router = APIRouter(
    prefix="/v1/districts/{district}/demands", tags=["demands"], responses=PROBLEM_RESPONSES
)
Reader = Annotated[Access, Depends(access("read"))]
Writer = Annotated[Access, Depends(access("write"))]
DemandId = Annotated[str, Path(min_length=1, max_length=ID_MAX_LENGTH, pattern=ID_PATTERN)]


def _demand(did: str, body: DemandUpdate) -> Demand:
    return Demand(
        id=did,
        community=body.community,
        title=body.title,
        needs=dict(body.needs),
        requires=dict(body.requires),
        certs=tuple(dict.fromkeys(body.certs)),
        headcount=body.headcount,
        priority=body.priority,
    )


@router.get("", response_model=DemandsPublic)
def list_demands(
    a: Reader,
    store: StoreDep,
    status: Literal["open", "done", "cancelled"] | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=10**9)] = 0,
) -> JSONResponse:
    with store.read() as tx:
        rows, total = tx.list_demands(a.district, status=status, limit=limit, offset=offset)
    return respond(DemandsPublic, {"data": rows, "count": total})


@router.get("/{demand}", response_model=DemandPublic)
def get_demand(a: Reader, demand: DemandId, store: StoreDep) -> JSONResponse:
    with store.read() as tx:
        return respond(DemandPublic, tx.demand(a.district, demand))


@router.post("", response_model=DemandPublic, status_code=201)
def create_demand(
    a: Writer, body: DemandCreate, store: StoreDep, request: Request, key: IdemKeyDep = None
) -> JSONResponse:
    d = _demand(body.id, body)
    return run_write(
        store,
        a.principal,
        key,
        request,
        body,
        DemandPublic,
        lambda tx: tx.create_demand(a.district, d, recurring=bool(body.recurring)),
        status=201,
    )


def _replace(tx: Tx, district: str, did: str, body: DemandReplace) -> dict[str, Any]:
    """The one write path of PUT and PATCH: id and version checks, then the store's guards."""
    check_replace("demand", did, body.id, body.version, tx.demand(district, did))
    return tx.update_demand(district, _demand(did, body), recurring=body.recurring)


@router.put("/{demand}", response_model=DemandPublic)
def update_demand(
    a: Writer, demand: DemandId, body: DemandReplace, store: StoreDep
) -> JSONResponse:
    """Replace a demand (its version goes up: proposals relying on it become stale).

    The body may be the demand as GET returned it: ``id`` must match the path,
    ``version`` (if sent) must be current (409 otherwise), read-only fields
    (``status``, ``filled`` …) are ignored.
    """
    with store.write() as tx:
        return respond(DemandPublic, _replace(tx, a.district, demand, body))


@router.patch("/{demand}", response_model=DemandPublic)
def patch_demand(a: Writer, demand: DemandId, body: PatchBody, store: StoreDep) -> JSONResponse:
    """Change only the given fields (JSON merge patch; ``null`` resets a field to its default).

    The patch is merged into the demand as GET shows it and written as a PUT of the result.
    """
    with store.write() as tx:
        merged = patched(DemandReplace, tx.demand(a.district, demand), body)
        return respond(DemandPublic, _replace(tx, a.district, demand, merged))


@router.delete("/{demand}", status_code=204)
def delete_demand(a: Writer, demand: DemandId, store: StoreDep) -> Response:
    with store.write() as tx:
        tx.delete_demand(a.district, demand)
    return Response(status_code=204)


@router.post("/{demand}/close", response_model=DemandPublic)
def close_demand(
    a: Writer,
    demand: DemandId,
    store: StoreDep,
    request: Request,
    body: DemandClose | None = None,
    key: IdemKeyDep = None,
) -> JSONResponse:
    """Close an open demand as done or cancelled: it is no longer proposed (active
    dispatches on it stay). 409 when it is not open."""
    outcome = None if body is None else body.outcome
    end = None if body is None else body.end_dispatches
    return run_write(
        store,
        a.principal,
        key,
        request,
        body,
        DemandPublic,
        lambda tx: tx.close_demand(a.district, demand, outcome, end, a.principal.actor),
    )


@router.post("/{demand}/reopen", response_model=DemandPublic)
def reopen_demand(
    a: Writer, demand: DemandId, store: StoreDep, request: Request, key: IdemKeyDep = None
) -> JSONResponse:
    """Propose a done or cancelled demand again (its dispatches still count). 409 when open."""
    return run_write(
        store,
        a.principal,
        key,
        request,
        None,
        DemandPublic,
        lambda tx: tx.reopen_demand(a.district, demand),
    )


@router.post("/import", response_model=ImportResult)
def import_demands(
    a: Writer, body: CsvImport, store: StoreDep, request: Request, key: IdemKeyDep = None
) -> JSONResponse:
    """Add or update demands from a ``demands.csv`` text, validated like a case folder.

    Checked outside the write lock; nothing is written unless every row is good.
    """
    return run_import(store, a, key, request, body, "demands.csv")
