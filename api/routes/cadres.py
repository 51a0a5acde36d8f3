"""Cadres of a district: CRUD, bulk import of ``cadres.csv``, dispatch history, calendar."""

from __future__ import annotations

import datetime as dt
import math
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Response
from fastapi.responses import JSONResponse

from api.crud import Reading, Writing
from api.dated import away_field, cadre_calendar, day_range, weekly_field
from api.deps import Access, StoreDep, mask_cadre, mask_dispatch, respond
from api.errors import PROBLEM_RESPONSES
from api.imports import import_route, run_import
from api.params import ItemId, Limit, Offset, Writer
from api.patch import PatchBody, check_replace, patched
from api.schemas import (
    CadreCreate,
    CadrePublic,
    CadreReplace,
    CadresPublic,
    CadreUpdate,
    CalendarPublic,
    CsvImport,
    DispatchesPublic,
    UnavailableRequest,
)
from matcher import Cadre, Status
from matcher.store import CadreRow, DispatchRow, Tx, today

__all__ = ["router"]

router = APIRouter(
    prefix="/v1/districts/{district}/cadres", tags=["cadres"], responses=PROBLEM_RESPONSES
)
CadreId = ItemId
EndDispatches = Annotated[
    Literal["cancel"] | None,
    Query(
        description="when the update sets status red (withdrawn) while the cadre holds active"
        " dispatches: 'cancel' cancels them in the same transaction (else 409 listing them)"
    ),
]
From = Annotated[
    dt.date | None,
    Query(alias="from", description="the first local day (YYYY-MM-DD). Default: see `to`"),
]
To = Annotated[
    dt.date | None,
    Query(
        alias="to",
        description="the last local day, included (YYYY-MM-DD). Default: six days after"
        " `from`; without both, this ISO week (Monday to Sunday)",
    ),
]


def _cadre(cid: str, body: CadreUpdate) -> Cadre:
    return Cadre(
        id=cid,
        name=body.name,
        home=body.home,
        skills=dict(body.skills),
        certs=tuple(dict.fromkeys(body.certs)),
        capacity=body.capacity,
        status=Status(body.status),
        max_travel_km=math.inf if body.max_travel_km is None else body.max_travel_km,
        available=weekly_field(body.available),
        away=away_field(body.away),
        hours_per_week=math.inf if body.hours_per_week is None else body.hours_per_week,
    )


@router.get("", response_model=CadresPublic)
def list_cadres(r: Reading, limit: Limit = 100, offset: Offset = 0) -> JSONResponse:
    return r.page(
        CadresPublic, lambda tx: tx.list_cadres(r.district, limit=limit, offset=offset), mask_cadre
    )


@router.get("/{cadre}", response_model=CadrePublic)
def get_cadre(r: Reading, cadre: CadreId) -> JSONResponse:
    return r.one(CadrePublic, lambda tx: tx.cadre(r.district, cadre), mask_cadre)


@router.get("/{cadre}/dispatches", response_model=DispatchesPublic)
def cadre_history(
    r: Reading, cadre: CadreId, limit: Limit = 100, offset: Offset = 0
) -> JSONResponse:
    """Every dispatch of one cadre, oldest first."""

    def read(tx: Tx) -> tuple[list[DispatchRow], int]:
        tx.cadre(r.district, cadre)
        return tx.list_dispatches(r.district, cadre=cadre, limit=limit, offset=offset)

    return r.page(DispatchesPublic, read, mask_dispatch)


@router.get("/{cadre}/calendar", response_model=CalendarPublic)
def cadre_calendar_route(
    r: Reading, cadre: CadreId, start: From = None, end: To = None
) -> JSONResponse:
    """The cadre's days from ``from`` to ``to`` (local to the district, at most 62): their
    active and completed dispatches in the range (dated ones with their window, ongoing
    ones as ongoing), when their weekly pattern leaves them free, their away days, and
    each ISO week's hours of dated work against ``hours_per_week``."""

    def read(tx: Tx) -> dict[str, Any]:
        row = mask_cadre(tx.cadre(r.district, cadre), r.a.masked)
        zone = tx.zone(r.district)
        now = today(zone)
        first, last = day_range(start, end, now)
        work = tx.cadre_work(r.district, cadre)
        return cadre_calendar(row, work, zone, first, last, now)

    return r.one(CalendarPublic, read)


@router.post("", response_model=CadrePublic, status_code=201)
def create_cadre(w: Writing, body: CadreCreate) -> JSONResponse:
    c = _cadre(body.id, body)
    return w.run(body, CadrePublic, lambda tx: tx.create_cadre(w.district, c), status=201)


def _replace(tx: Tx, a: Access, cid: str, body: CadreReplace, end: str | None) -> CadreRow:
    """The one write path of PUT and PATCH: id and version checks, then the store's guards."""
    check_replace("cadre", cid, body.id, body.version, tx.cadre(a.district, cid).version)
    return tx.update_cadre(
        a.district, _cadre(cid, body), end_dispatches=end, actor=a.principal.actor
    )


@router.put("/{cadre}", response_model=CadrePublic)
def update_cadre(
    a: Writer,
    cadre: CadreId,
    body: CadreReplace,
    store: StoreDep,
    end_dispatches: EndDispatches = None,
) -> JSONResponse:
    """Replace a cadre's record (its version goes up: proposals relying on it become stale).

    The body may be the cadre as GET returned it: ``id`` must match the path,
    ``version`` (if sent) must be current (409 otherwise), read-only fields are
    ignored. Setting status red while the cadre holds active dispatches answers
    409 listing them, unless ``?end_dispatches=cancel``.
    """
    with store.write(a.principal.actor) as tx:
        return respond(CadrePublic, _replace(tx, a, cadre, body, end_dispatches))


@router.patch("/{cadre}", response_model=CadrePublic)
def patch_cadre(
    a: Writer,
    cadre: CadreId,
    body: PatchBody,
    store: StoreDep,
    end_dispatches: EndDispatches = None,
) -> JSONResponse:
    """Change only the given fields (JSON merge patch; ``null`` resets a field to its default).

    The patch is merged into the cadre as GET shows it and written as a PUT of the result.
    """
    with store.write(a.principal.actor) as tx:
        merged = patched(CadreReplace, tx.cadre(a.district, cadre).to_json(), body)
        return respond(CadrePublic, _replace(tx, a, cadre, merged, end_dispatches))


@router.delete("/{cadre}", status_code=204)
def delete_cadre(a: Writer, cadre: CadreId, store: StoreDep) -> Response:
    """Remove a cadre from the pool (refused while they hold active dispatches)."""
    with store.write(a.principal.actor) as tx:
        tx.delete_cadre(a.district, cadre)
    return Response(status_code=204)


@router.put("/{cadre}/unavailable", response_model=CadrePublic)
def set_unavailable(cadre: CadreId, w: Writing, body: UnavailableRequest) -> JSONResponse:
    """Keep a cadre out of proposals until a date (inclusive) or until lifted (暂不可派).

    Their active dispatches stay; end them one by one if needed.
    """
    actor = w.a.principal.actor
    return w.run(
        body,
        CadrePublic,
        lambda tx: tx.set_unavailable(w.district, cadre, body.until, body.reason, actor),
    )


@router.delete("/{cadre}/unavailable", response_model=CadrePublic)
def clear_unavailable(a: Writer, cadre: CadreId, store: StoreDep) -> JSONResponse:
    """The cadre may be proposed again."""
    with store.write(a.principal.actor) as tx:
        return respond(CadrePublic, tx.clear_unavailable(a.district, cadre))


@import_route(router)
def import_cadres(w: Writing, body: CsvImport) -> JSONResponse:
    """Add or update cadres from a ``cadres.csv`` text, validated like a case folder.

    Checked outside the write lock; nothing is written unless every row is good. The
    body may also be the ``.xlsx`` workbook itself (its ``cadres`` sheet, or its only one).
    """
    return run_import(w, body, "cadres.csv")
