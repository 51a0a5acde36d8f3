"""The lending ledger (社区互助账本): which communities lent their cadres' hours to which."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from api.crud import Reviewing
from api.errors import PROBLEM_RESPONSES
from api.schemas import LedgerPublic

__all__ = ["router"]

router = APIRouter(prefix="/v1/districts/{district}", tags=["record"], responses=PROBLEM_RESPONSES)
From = Annotated[
    date | None,
    Query(
        alias="from",
        description="the period's first day (YYYY-MM-DD). Default: 89 days before `to`",
    ),
]
To = Annotated[
    date | None,
    Query(alias="to", description="the period's last day (YYYY-MM-DD), included. Default: today"),
]


@router.get("/ledger", response_model=LedgerPublic)
def get_ledger(r: Reviewing, start: From = None, end: To = None) -> JSONResponse:
    """Hours lent and received per community over the period, the top partners and the
    community × community flows, computed from the completed dispatches
    (``docs/ledger.md``). No cadre is named, so analysts read it as it is, and the
    supervisors (oversight of lending between communities) read it too."""
    return r.one(LedgerPublic, lambda tx: tx.ledger_row(r.district, start, end))
