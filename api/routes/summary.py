"""Supply against demand by community and service category (computed on the server)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from api.crud import Reading
from api.errors import PROBLEM_RESPONSES
from api.schemas import SummaryPublic
from matcher import SupplyCell, SupplySummary, summary_groups

__all__ = ["router"]

router = APIRouter(prefix="/v1/districts/{district}", tags=["summary"], responses=PROBLEM_RESPONSES)


def _cell(c: SupplyCell) -> dict[str, object]:
    return {
        "community": c.community,
        "category": c.category,
        "demands": c.demands,
        "slots": c.slots,
        "weight": c.weight,
        "supply": c.supply,
        "active": c.active,
        "balance": c.balance,
    }


def _public(s: SupplySummary) -> dict[str, object]:
    return {"by": list(s.by), "cells": [_cell(c) for c in s.cells], "total": _cell(s.total)}


@router.get("/summary", response_model=SummaryPublic)
def get_summary(
    r: Reading,
    by: Annotated[str, Query(max_length=64, description="community, category or both")] = (
        "community,category"
    ),
) -> JSONResponse:
    """Open demand (slots, priority weight), qualified free supply within reach, active
    dispatches and the balance, per community and service category (``?by=``). Every role
    that reads the district reads it, analysts included: it names no cadre."""
    groups = summary_groups(by)
    return r.one(SummaryPublic, lambda tx: _public(tx.supply_summary(r.district, groups)))
