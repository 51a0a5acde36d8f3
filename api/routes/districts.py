"""Districts: each a separate pool; tokens are scoped to districts."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from api.crud import Reviewing, page
from api.deps import AdminDep, IdemKeyDep, PrincipalDep, StoreDep, run_write
from api.errors import PROBLEM_RESPONSES
from api.schemas import DistrictCreate, DistrictPublic, DistrictsPublic

__all__ = ["router"]

router = APIRouter(prefix="/v1/districts", tags=["districts"], responses=PROBLEM_RESPONSES)


@router.get("", response_model=DistrictsPublic)
def list_districts(p: PrincipalDep, store: StoreDep) -> JSONResponse:
    """The districts the caller's token covers (all of them for admins)."""
    with store.read() as tx:
        rows = tx.list_districts(None if p.role == "admin" else p.districts)
    return page(DistrictsPublic, rows)


@router.post("", response_model=DistrictPublic, status_code=201)
def create_district(
    body: DistrictCreate, p: AdminDep, store: StoreDep, request: Request, key: IdemKeyDep = None
) -> JSONResponse:
    """Create an empty district (admins only); fill it with the import routes."""
    return run_write(
        store,
        p,
        key,
        request,
        body,
        DistrictPublic,
        lambda tx: tx.create_district(body.id, body.name, body.taxonomy_toml, body.policy_toml),
        status=201,
    )


@router.get("/{district}", response_model=DistrictPublic)
def get_district(r: Reviewing) -> JSONResponse:
    return r.one(DistrictPublic, lambda tx: tx.district(r.district))
