"""Communities of a district (the places demands are in and cadres live in)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import JSONResponse

from api.deps import Access, IdemKeyDep, StoreDep, access, respond, run_write
from api.errors import PROBLEM_RESPONSES
from api.imports import run_import
from api.schemas import (
    CommunitiesPublic,
    CommunityCreate,
    CommunityPublic,
    CsvImport,
    ImportResult,
)
from matcher import ID_MAX_LENGTH, ID_PATTERN, Community

__all__ = ["router"]

router = APIRouter(
    prefix="/v1/districts/{district}/communities", tags=["communities"], responses=PROBLEM_RESPONSES
)
Reader = Annotated[Access, Depends(access("read"))]
Writer = Annotated[Access, Depends(access("write"))]
CommunityId = Annotated[str, Path(min_length=1, max_length=ID_MAX_LENGTH, pattern=ID_PATTERN)]


def _out(c: Community) -> dict[str, Any]:
    return {"id": c.id, "name": c.name, "street": c.street, "lat": c.lat, "lon": c.lon}


@router.get("", response_model=CommunitiesPublic)
def list_communities(a: Reader, store: StoreDep) -> JSONResponse:
    with store.read() as tx:
        rows = [_out(c) for c in tx.list_communities(a.district)]
    return respond(CommunitiesPublic, {"data": rows, "count": len(rows)})


@router.get("/{community}", response_model=CommunityPublic)
def get_community(a: Reader, community: CommunityId, store: StoreDep) -> JSONResponse:
    with store.read() as tx:
        return respond(CommunityPublic, _out(tx.community(a.district, community)))


@router.post("", response_model=CommunityPublic, status_code=201)
def create_community(
    a: Writer, body: CommunityCreate, store: StoreDep, request: Request, key: IdemKeyDep = None
) -> JSONResponse:
    c = Community(body.id, body.name, body.street, body.lat, body.lon)
    return run_write(
        store,
        a.principal,
        key,
        request,
        body,
        CommunityPublic,
        lambda tx: _out(tx.create_community(a.district, c)),
        status=201,
    )


@router.post("/import", response_model=ImportResult)
def import_communities(
    a: Writer, body: CsvImport, store: StoreDep, request: Request, key: IdemKeyDep = None
) -> JSONResponse:
    """Add or update communities from a ``communities.csv`` text, validated like a case folder.

    Checked outside the write lock; nothing is written unless every row is good.
    """
    return run_import(store, a, key, request, body, "communities.csv")
