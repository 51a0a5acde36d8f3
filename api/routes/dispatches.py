"""Dispatches: list and filter; complete, cancel or no-show (each frees the cadre's capacity)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import JSONResponse

from api.deps import Access, IdemKeyDep, StoreDep, access, mask_note, respond, run_write
from api.errors import PROBLEM_RESPONSES
from api.schemas import ID_PATTERN, DispatchClose, DispatchesPublic, DispatchPublic

__all__ = ["router"]

router = APIRouter(
    prefix="/v1/districts/{district}/dispatches", tags=["dispatches"], responses=PROBLEM_RESPONSES
)
Reader = Annotated[Access, Depends(access("read"))]
Writer = Annotated[Access, Depends(access("write"))]
DispatchId = Annotated[int, Path(ge=1, le=2**62)]
IdFilter = Annotated[str | None, Query(min_length=1, max_length=128, pattern=ID_PATTERN)]


@router.get("", response_model=DispatchesPublic)
def list_dispatches(
    a: Reader,
    store: StoreDep,
    status: Literal["active", "completed", "cancelled", "no_show"] | None = None,
    cadre: IdFilter = None,
    demand: IdFilter = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=10**9)] = 0,
) -> JSONResponse:
    with store.read() as tx:
        rows, total = tx.list_dispatches(
            a.district, status=status, cadre=cadre, demand=demand, limit=limit, offset=offset
        )
    return respond(
        DispatchesPublic, {"data": [mask_note(r, a.masked) for r in rows], "count": total}
    )


@router.get("/{dispatch}", response_model=DispatchPublic)
def get_dispatch(a: Reader, dispatch: DispatchId, store: StoreDep) -> JSONResponse:
    with store.read() as tx:
        return respond(DispatchPublic, mask_note(tx.dispatch(a.district, dispatch), a.masked))


def _close(
    a: Access,
    dispatch: int,
    body: DispatchClose,
    store: StoreDep,
    request: Request,
    key: str | None,
    action: str,
) -> JSONResponse:
    return run_write(
        store,
        a.principal,
        key,
        request,
        body,
        DispatchPublic,
        lambda tx: tx.close_dispatch(a.district, dispatch, action, body.note, a.principal.actor),
    )


@router.post("/{dispatch}/complete", response_model=DispatchPublic)
def complete(
    a: Writer,
    dispatch: DispatchId,
    body: DispatchClose,
    store: StoreDep,
    request: Request,
    key: IdemKeyDep = None,
) -> JSONResponse:
    """The work is done: the cadre's capacity is free again; on a one-off demand the
    slot stays filled, and the demand is done once every slot is completed."""
    return _close(a, dispatch, body, store, request, key, "complete")


@router.post("/{dispatch}/cancel", response_model=DispatchPublic)
def cancel(
    a: Writer,
    dispatch: DispatchId,
    body: DispatchClose,
    store: StoreDep,
    request: Request,
    key: IdemKeyDep = None,
) -> JSONResponse:
    """Called off: the cadre's capacity and the demand's slot are free again."""
    return _close(a, dispatch, body, store, request, key, "cancel")


@router.post("/{dispatch}/no-show", response_model=DispatchPublic)
def no_show(
    a: Writer,
    dispatch: DispatchId,
    body: DispatchClose,
    store: StoreDep,
    request: Request,
    key: IdemKeyDep = None,
) -> JSONResponse:
    """The cadre did not come: capacity and slot are free, and this pair is not proposed again."""
    return _close(a, dispatch, body, store, request, key, "no_show")
