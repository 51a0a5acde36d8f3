"""Dispatches: list and filter; complete, cancel or no-show (each frees the cadre's capacity)."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from api.crud import Reviewing, Writing
from api.deps import mask_dispatch
from api.errors import PROBLEM_RESPONSES
from api.params import IdFilter, Limit, Offset, RowId
from api.schemas import (
    DispatchCancel,
    DispatchClose,
    DispatchComplete,
    DispatchesPublic,
    DispatchPublic,
)

__all__ = ["router"]

router = APIRouter(
    prefix="/v1/districts/{district}/dispatches", tags=["dispatches"], responses=PROBLEM_RESPONSES
)
DispatchId = RowId


@router.get("", response_model=DispatchesPublic)
def list_dispatches(
    r: Reviewing,
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
        mask_dispatch,
    )


@router.get("/{dispatch}", response_model=DispatchPublic)
def get_dispatch(r: Reviewing, dispatch: DispatchId) -> JSONResponse:
    return r.one(
        DispatchPublic, lambda tx: mask_dispatch(tx.dispatch(r.district, dispatch), r.a.masked)
    )


@router.post("/{dispatch}/complete", response_model=DispatchPublic)
def complete(dispatch: DispatchId, w: Writing, body: DispatchComplete) -> JSONResponse:
    """The work is done, with its outcome: service hours (required, above 0 and at most the
    policy's ``record.max_hours``), the community's rating 1-5 and a 容错 exemption with
    its reason (optional). The cadre's capacity is free again; on a one-off demand the
    slot stays filled, and the demand is done once every slot is completed. The points it
    earned are written with it (422 problem+json, each problem on its field, on a bad value).
    """
    actor = w.a.principal.actor
    return w.run(
        body,
        DispatchPublic,
        lambda tx: tx.close_dispatch(
            w.district,
            dispatch,
            "complete",
            body.note,
            actor,
            hours=body.hours,
            rating=body.rating,
            exempt=body.exempt,
            exempt_reason=body.exempt_reason,
        ),
    )


@router.post("/{dispatch}/cancel", response_model=DispatchPublic)
def cancel(dispatch: DispatchId, w: Writing, body: DispatchCancel) -> JSONResponse:
    """Called off, with its reason: the cadre's capacity and the demand's slot are free
    again. The reason ``no_show`` records a no-show (as ``no-show`` does); the reason
    ``community_withdrew`` withdraws the demand too: it is closed, and its other active
    dispatches are cancelled for the same reason (docs/lifecycle.md)."""
    actor = w.a.principal.actor
    return w.run(
        body,
        DispatchPublic,
        lambda tx: tx.close_dispatch(
            w.district, dispatch, "cancel", body.note, actor, cancel_reason=body.reason
        ),
    )


@router.post("/{dispatch}/no-show", response_model=DispatchPublic)
def no_show(
    dispatch: DispatchId,
    w: Writing,
    body: DispatchClose = DispatchClose(),  # noqa: B008
) -> JSONResponse:
    """The cadre did not come: capacity and slot are free, and this pair is not proposed again."""
    actor = w.a.principal.actor
    return w.run(
        body,
        DispatchPublic,
        lambda tx: tx.close_dispatch(w.district, dispatch, "no_show", body.note, actor),
    )
