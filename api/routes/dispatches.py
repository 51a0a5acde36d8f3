"""Dispatches: list and filter; complete, cancel or no-show (each frees the cadre's capacity)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from api.crud import Reading, Writing
from api.deps import mask_note
from api.errors import PROBLEM_RESPONSES
from api.params import IdFilter, Limit, Offset, RowId
from api.schemas import DispatchClose, DispatchesPublic, DispatchPublic

__all__ = ["router"]

router = APIRouter(
    prefix="/v1/districts/{district}/dispatches", tags=["dispatches"], responses=PROBLEM_RESPONSES
)
DispatchId = RowId


@router.get("", response_model=DispatchesPublic)
def list_dispatches(
    r: Reading,
    status: Literal["active", "completed", "cancelled", "no_show"] | None = None,
    cadre: IdFilter = None,
    demand: IdFilter = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> JSONResponse:
    return r.page(
        DispatchesPublic,
        lambda tx: tx.list_dispatches(
            r.district, status=status, cadre=cadre, demand=demand, limit=limit, offset=offset
        ),
        mask_note,
    )


@router.get("/{dispatch}", response_model=DispatchPublic)
def get_dispatch(r: Reading, dispatch: DispatchId) -> JSONResponse:
    return r.one(
        DispatchPublic, lambda tx: mask_note(tx.dispatch(r.district, dispatch), r.a.masked)
    )


def _ender(action: str, doc: str) -> Callable[..., JSONResponse]:
    """The route that ends a dispatch by ``action`` (the store checks the move is legal)."""

    def end(dispatch: DispatchId, w: Writing, body: DispatchClose) -> JSONResponse:
        actor = w.a.principal.actor
        return w.run(
            body,
            DispatchPublic,
            lambda tx: tx.close_dispatch(w.district, dispatch, action, body.note, actor),
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
