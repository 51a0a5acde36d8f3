"""A cadre's points (服务积分): the ledger and its balance; redemption by an admin."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from api.crud import Reading, Writes
from api.deps import IdemKeyDep, StoreDep
from api.errors import PROBLEM_RESPONSES
from api.params import Admin, ItemId
from api.schemas import PointsPublic, PointsRedeem
from matcher.store import PointsRow

__all__ = ["router"]

router = APIRouter(
    prefix="/v1/districts/{district}/cadres/{cadre}/points",
    tags=["points"],
    responses=PROBLEM_RESPONSES,
)


def _ledger(found: tuple[int, list[PointsRow]]) -> dict[str, object]:
    balance, entries = found
    return {"balance": balance, "data": entries, "count": len(entries)}


@router.get("", response_model=PointsPublic)
def get_points(r: Reading, cadre: ItemId) -> JSONResponse:
    """The cadre's ledger, oldest entry first, and its balance (the sum of the ledger)."""
    return r.one(PointsPublic, lambda tx: _ledger(tx.points(r.district, cadre)))


@router.post("/redeem", response_model=PointsPublic)
def redeem_points(
    a: Admin,
    cadre: ItemId,
    body: PointsRedeem,
    store: StoreDep,
    request: Request,
    key: IdemKeyDep = None,
) -> JSONResponse:
    """Redeem points for a course or a recognition (admins only): the balance is read and
    the entry written in one transaction, so it never goes below 0 (409 ``points.overdraw``
    with the balance). Answers the ledger after it."""
    w = Writes(a, store, request, key)
    actor = a.principal.actor
    return w.run(
        body,
        PointsPublic,
        lambda tx: _ledger(tx.redeem_points(a.district, cadre, body.amount, body.reason, actor)),
    )
