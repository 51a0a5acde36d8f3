"""Demands of a district: CRUD, close, bulk import of ``demands.csv``."""

from __future__ import annotations

from dataclasses import replace
from typing import Literal
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse

from api.crud import Reading, Writing
from api.dated import window_fields
from api.deps import StoreDep, respond
from api.errors import PROBLEM_RESPONSES
from api.imports import import_route, run_import
from api.params import ItemId, Limit, Offset, Writer
from api.patch import PatchBody, check_replace, patched
from api.schemas import (
    CsvImport,
    DemandClose,
    DemandCreate,
    DemandPublic,
    DemandReplace,
    DemandsPublic,
    DemandUpdate,
)
from matcher import Demand, InputError, Problem, demand_from_item
from matcher.store import DemandRow, Tx

__all__ = ["router"]

router = APIRouter(
    prefix="/v1/districts/{district}/demands", tags=["demands"], responses=PROBLEM_RESPONSES
)
DemandId = ItemId


def _demand(did: str, body: DemandUpdate, zone: ZoneInfo) -> Demand:
    start, end = window_fields(body.start, body.end, body.hours, zone)
    return Demand(
        id=did,
        community=body.community,
        title=body.title,
        needs=dict(body.needs),
        requires=dict(body.requires),
        certs=tuple(dict.fromkeys(body.certs)),
        headcount=body.headcount,
        priority=body.priority,
        start=start,
        end=end,
        hours=body.hours,
        item=body.item,
    )


_FROM_ITEM = ("title", "needs", "requires", "certs", "headcount", "priority")


def _created(tx: Tx, district: str, body: DemandCreate) -> Demand:
    """The new demand: as sent, or made from its service item with the fields sent
    overriding the item's defaults."""
    if body.item is None:
        if body.title is None:
            raise InputError(
                "a demand needs a title (or an item to take it from)",
                [Problem("body", "required", column="title", code="field.missing", params={})],
            )
        return _demand(body.id, body.model_copy(update={"title": body.title}), tx.zone(district))
    item = tx.service_item(district, body.item)
    given = {k: getattr(body, k) for k in _FROM_ITEM if k in body.model_fields_set}
    made = demand_from_item(item, body.id, body.community, given)
    # a dated order from an item: its window as sent, its hours as sent or the item's
    # (the item's hours give a start its length; with an end, the window says it all)
    from_item = made.hours if body.start and not body.end else None
    hours = body.hours if body.hours is not None else from_item
    start, end = window_fields(body.start, body.end, hours, tx.zone(district))
    return replace(made, start=start, end=end, hours=hours if start or body.hours else made.hours)


@router.get("", response_model=DemandsPublic)
def list_demands(
    r: Reading,
    status: Literal["open", "done", "cancelled"] | None = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> JSONResponse:
    return r.page(
        DemandsPublic,
        lambda tx: tx.list_demands(r.district, status=status, limit=limit, offset=offset),
    )


@router.get("/{demand}", response_model=DemandPublic)
def get_demand(r: Reading, demand: DemandId) -> JSONResponse:
    return r.one(DemandPublic, lambda tx: tx.demand(r.district, demand))


@router.post("", response_model=DemandPublic, status_code=201)
def create_demand(w: Writing, body: DemandCreate) -> JSONResponse:
    """A new open demand. With ``item``, the fields left out take the item's defaults
    from the district's catalogue (``GET …/catalogue``); an unknown item is a 422
    naming the nearest ones."""
    recurring = bool(body.recurring)
    return w.run(
        body,
        DemandPublic,
        lambda tx: tx.create_demand(
            w.district, _created(tx, w.district, body), recurring=recurring
        ),
        201,
    )


def _replace(tx: Tx, district: str, did: str, body: DemandReplace) -> DemandRow:
    """The one write path of PUT and PATCH: id and version checks, then the store's guards."""
    check_replace("demand", did, body.id, body.version, tx.demand(district, did).version)
    demand = _demand(did, body, tx.zone(district))
    return tx.update_demand(district, demand, recurring=body.recurring)


@router.put("/{demand}", response_model=DemandPublic)
def update_demand(
    a: Writer, demand: DemandId, body: DemandReplace, store: StoreDep
) -> JSONResponse:
    """Replace a demand (its version goes up: proposals relying on it become stale).

    The body may be the demand as GET returned it: ``id`` must match the path,
    ``version`` (if sent) must be current (409 otherwise), read-only fields
    (``status``, ``filled`` …) are ignored.
    """
    with store.write(a.principal.actor) as tx:
        return respond(DemandPublic, _replace(tx, a.district, demand, body))


@router.patch("/{demand}", response_model=DemandPublic)
def patch_demand(a: Writer, demand: DemandId, body: PatchBody, store: StoreDep) -> JSONResponse:
    """Change only the given fields (JSON merge patch; ``null`` resets a field to its default).

    The patch is merged into the demand as GET shows it and written as a PUT of the result.
    """
    with store.write(a.principal.actor) as tx:
        merged = patched(DemandReplace, tx.demand(a.district, demand).to_json(), body)
        return respond(DemandPublic, _replace(tx, a.district, demand, merged))


@router.delete("/{demand}", status_code=204)
def delete_demand(a: Writer, demand: DemandId, store: StoreDep) -> Response:
    with store.write(a.principal.actor) as tx:
        tx.delete_demand(a.district, demand)
    return Response(status_code=204)


@router.post("/{demand}/close", response_model=DemandPublic)
def close_demand(demand: DemandId, w: Writing, body: DemandClose | None = None) -> JSONResponse:
    """Close an open demand as done or cancelled: it is no longer proposed (active
    dispatches on it stay). 409 when it is not open. With ``end_dispatches=complete``,
    ``hours`` (optional) are recorded on each completion."""
    outcome = None if body is None else body.outcome
    end = None if body is None else body.end_dispatches
    hours = None if body is None else body.hours
    actor = w.a.principal.actor
    return w.run(
        body,
        DemandPublic,
        lambda tx: tx.close_demand(w.district, demand, outcome, end, actor, hours),
    )


@router.post("/{demand}/reopen", response_model=DemandPublic)
def reopen_demand(demand: DemandId, w: Writing) -> JSONResponse:
    """Propose a done or cancelled demand again (its dispatches still count). 409 when open."""
    return w.run(None, DemandPublic, lambda tx: tx.reopen_demand(w.district, demand))


@import_route(router)
def import_demands(w: Writing, body: CsvImport) -> JSONResponse:
    """Add or update demands from a ``demands.csv`` text, validated like a case folder.

    Checked outside the write lock; nothing is written unless every row is good. The
    body may also be the ``.xlsx`` workbook itself (its ``demands`` sheet, or its only one).
    """
    return run_import(w, body, "demands.csv")
