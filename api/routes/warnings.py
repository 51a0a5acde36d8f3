"""Three-colour warnings (三色预警): list, evaluate the rules, confirm or dismiss a suggestion."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from api.crud import Reading, Writing
from api.deps import mask_note
from api.errors import PROBLEM_RESPONSES
from api.params import IdFilter, Limit, Offset, RowId
from api.schemas import WarningDecide, WarningPublic, WarningsPublic
from matcher.store import Tx, WarningRow

__all__ = ["router"]

router = APIRouter(
    prefix="/v1/districts/{district}/warnings", tags=["warnings"], responses=PROBLEM_RESPONSES
)
EndDispatches = Annotated[
    Literal["cancel"] | None,
    Query(
        description="when confirming red (withdrawn) while the cadre holds active dispatches:"
        " 'cancel' cancels them in the same transaction (else 409 listing them)"
    ),
]


@router.get("", response_model=WarningsPublic)
def list_warnings(
    r: Reading,
    state: Literal["pending", "confirmed", "dismissed"] | None = None,
    cadre: IdFilter = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> JSONResponse:
    """The district's warnings, newest first."""
    return r.page(
        WarningsPublic,
        lambda tx: tx.list_warnings(
            r.district, state=state, cadre=cadre, limit=limit, offset=offset
        ),
        mask_note,
    )


@router.post("/evaluate", response_model=WarningsPublic)
def evaluate_warnings(w: Writing, cadre: IdFilter = None) -> JSONResponse:
    """Run the warning rules on every cadre's record (or one cadre's) as of today.

    Answers the suggestions stored now, as pending; one already pending for the
    same cadre and rule is not made again.
    """

    def work(tx: Tx) -> dict[str, list[WarningRow] | int]:
        rows = tx.evaluate_warnings(w.district, cadre)
        return {"data": rows, "count": len(rows)}

    return w.run(None, WarningsPublic, work)


@router.post("/{warning}/confirm", response_model=WarningPublic)
def confirm_warning(
    w: Writing, warning: RowId, body: WarningDecide, end_dispatches: EndDispatches = None
) -> JSONResponse:
    """The cadre takes the suggested status, kept in their status history with this warning.

    Red while they hold active dispatches answers 409 listing them, unless
    ``?end_dispatches=cancel``. A decided warning cannot be decided again (409).
    """
    actor = w.a.principal.actor
    return w.run(
        body,
        WarningPublic,
        lambda tx: tx.decide_warning(
            w.district, warning, "confirm", body.note, actor, end_dispatches
        ),
    )


@router.post("/{warning}/dismiss", response_model=WarningPublic)
def dismiss_warning(w: Writing, warning: RowId, body: WarningDecide) -> JSONResponse:
    """The suggestion is set aside; the status stays. A decided warning cannot be decided again."""
    actor = w.a.principal.actor
    return w.run(
        body,
        WarningPublic,
        lambda tx: tx.decide_warning(w.district, warning, "dismiss", body.note, actor),
    )
