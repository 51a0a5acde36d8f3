"""The audit trail of a district: every write, who made it, hash-chained (docs/audit.md).

For admins and supervisors (the oversight committee), who see only their districts.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from api.crud import Reads
from api.deps import StoreDep
from api.errors import PROBLEM_RESPONSES
from api.params import Auditor, Limit, Offset
from api.schemas import AuditPublic

__all__ = ["router"]

router = APIRouter(
    prefix="/v1/districts/{district}/audit", tags=["audit"], responses=PROBLEM_RESPONSES
)

#: a point in time, ISO 8601 (with its offset; UTC when none)
Moment = Annotated[datetime | None, Query(description="ISO 8601 date-time; UTC when no offset")]


def _utc(moment: datetime | None) -> str | None:
    """``moment`` as the trail stores times (UTC ISO text, milliseconds), to compare as text."""
    if moment is None:
        return None
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return aware.astimezone(UTC).isoformat(timespec="milliseconds")


@router.get("", response_model=AuditPublic)
def list_audit(
    a: Auditor,
    store: StoreDep,
    action: Annotated[
        str | None, Query(min_length=1, max_length=64, pattern=r"^[a-z][a-z0-9_.]*$")
    ] = None,
    actor: Annotated[int | None, Query(ge=1, le=2**62, description="a token's id")] = None,
    since: Annotated[Moment, Query(alias="from")] = None,
    until: Annotated[Moment, Query(alias="to")] = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> JSONResponse:
    """The district's entries, oldest first: filtered by action, actor (token id) and a
    time range (``from``/``to`` inclusive), a page at a time."""
    return Reads(a, store).page(
        AuditPublic,
        lambda tx: tx.list_audit(
            a.district,
            action=action,
            actor=actor,
            since=_utc(since),
            until=_utc(until),
            limit=limit,
            offset=offset,
        ),
    )
