"""Supply against demand by community and service category (computed on the server), and
the governance report's figures over a period."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from api.crud import Reviewing
from api.errors import PROBLEM_RESPONSES
from api.schemas import ReportPublic, SummaryPublic
from matcher import summary_groups
from matcher.store import report_figures

__all__ = ["router"]

router = APIRouter(prefix="/v1/districts/{district}", tags=["summary"], responses=PROBLEM_RESPONSES)


@router.get("/summary", response_model=SummaryPublic)
def get_summary(
    r: Reviewing,
    by: Annotated[str, Query(max_length=64, description="community, category or both")] = (
        "community,category"
    ),
) -> JSONResponse:
    """Open demand (slots, priority weight), qualified free supply within reach, active
    dispatches and the balance, per community and service category (``?by=``). Every role
    that reads the district reads it, analysts and supervisors included: it names no cadre."""
    groups = summary_groups(by)
    return r.one(SummaryPublic, lambda tx: tx.supply_summary(r.district, groups).to_json())


@router.get("/report", response_model=ReportPublic)
def get_report(
    r: Reviewing,
    start: Annotated[
        date | None,
        Query(alias="from", description="the period's first day. Default: 89 days before `to`"),
    ] = None,
    end: Annotated[
        date | None,
        Query(alias="to", description="the period's last day, included. Default: today"),
    ] = None,
) -> JSONResponse:
    """The governance report's figures over the period (``matcher report`` writes the
    same as HTML): dispatches by service category, community and week, the lending
    ledger, supply against demand now. No cadre is named: admins, analysts and
    supervisors read it alike. The period defaults as the ledger's (the last 90 days);
    ``from`` after ``to`` answers 422 ``ledger.period_reversed``."""
    return r.one(ReportPublic, lambda tx: report_figures(tx, r.district, start, end))
