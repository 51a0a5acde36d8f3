"""Communities of a district (the places demands are in and cadres live in)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from api.crud import Reading, Writing, page
from api.errors import PROBLEM_RESPONSES
from api.imports import import_route, run_import
from api.params import ItemId
from api.schemas import (
    CommunitiesPublic,
    CommunityCreate,
    CommunityPublic,
    CsvImport,
)
from matcher import Community

__all__ = ["router"]

router = APIRouter(
    prefix="/v1/districts/{district}/communities", tags=["communities"], responses=PROBLEM_RESPONSES
)


def _out(c: Community) -> dict[str, Any]:
    """A community as JSON (the store returns the domain's Community: it has no more)."""
    return {"id": c.id, "name": c.name, "street": c.street, "lat": c.lat, "lon": c.lon}


@router.get("", response_model=CommunitiesPublic)
def list_communities(r: Reading) -> JSONResponse:
    with r.store.read() as tx:
        rows = [_out(c) for c in tx.list_communities(r.district)]
    return page(CommunitiesPublic, rows)


@router.get("/{community}", response_model=CommunityPublic)
def get_community(r: Reading, community: ItemId) -> JSONResponse:
    return r.one(CommunityPublic, lambda tx: _out(tx.community(r.district, community)))


@router.post("", response_model=CommunityPublic, status_code=201)
def create_community(w: Writing, body: CommunityCreate) -> JSONResponse:
    c = Community(body.id, body.name, body.street, body.lat, body.lon)
    return w.run(body, CommunityPublic, lambda tx: _out(tx.create_community(w.district, c)), 201)


@import_route(router)
def import_communities(w: Writing, body: CsvImport) -> JSONResponse:
    """Add or update communities from a ``communities.csv`` text, validated like a case folder.

    Checked outside the write lock; nothing is written unless every row is good. The
    body may also be the ``.xlsx`` workbook itself (its ``communities`` sheet, or its only one).
    """
    return run_import(w, body, "communities.csv")
