"""Dispatches: list and filter; complete, cancel or no-show (each frees the cadre's capacity)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import JSONResponse

from api.deps import Access, IdemKeyDep, StoreDep, access, mask_note, respond, run_write
from api.errors import PROBLEM_RESPONSES
from api.schemas import ID_PATTERN, DispatchClose, DispatchesPublic, DispatchPublic
from matcher import ID_MAX_LENGTH

__all__ = ["router"]

router = APIRouter(
    prefix="/v1/districts/{district}/dispatches", tags=["dispatches"], responses=PROBLEM_RESPONSES
)
Reader = Annotated[Access, Depends(access("read"))]
Writer = Annotated[Access, Depends(access("write"))]
DispatchId = Annotated[int, Path(ge=1, le=2**62)]
IdFilter = Annotated[str | None, Query(min_length=1, max_length=ID_MAX_LENGTH, pattern=ID_PATTERN)]


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


def _ender(action: str, doc: str) -> Callable[..., JSONResponse]:
    """The route that ends a dispatch by ``action`` (the store checks the move is legal)."""

    def end(
        a: Writer,
        dispatch: DispatchId,
        body: DispatchClose,
        store: StoreDep,
        request: Request,
        key: IdemKeyDep = None,
    ) -> JSONResponse:
        return run_write(
            store,
            a.principal,
            key,
            request,
            body,
            DispatchPublic,
            lambda tx: tx.close_dispatch(
                a.district, dispatch, action, body.note, a.principal.actor
            ),
        )

    end.__name__ = action
    end.__doc__ = doc
    return end


for _path, _action, _doc in (
    (
        "complete",
        "complete",
        "The work is done: the cadre's capacity is free again; on a one-off demand the\n"
        "slot stays filled, and the demand is done once every slot is completed.",
    ),
    ("cancel", "cancel", "Called off: the cadre's capacity and the demand's slot are free again."),
    (
        "no-show",
        "no_show",
        "The cadre did not come: capacity and slot are free, and this pair is not proposed again.",
    ),
):
    router.post(f"/{{dispatch}}/{_path}", response_model=DispatchPublic)(_ender(_action, _doc))
