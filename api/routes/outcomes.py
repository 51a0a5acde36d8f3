"""Outcomes of dispatches imported from an ``outcomes.csv`` text, all or nothing."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from api.crud import Writing
from api.deps import replay
from api.errors import PROBLEM_RESPONSES
from api.schemas import CsvImport, OutcomesImported
from matcher.store import apply_outcomes, plan_outcomes

__all__ = ["router"]

router = APIRouter(
    prefix="/v1/districts/{district}/outcomes", tags=["dispatches"], responses=PROBLEM_RESPONSES
)


@router.post("/import", response_model=OutcomesImported)
def import_outcomes(w: Writing, body: CsvImport) -> JSONResponse:
    """End active dispatches from an ``outcomes.csv`` text (columns ``dispatch, ending,
    hours, rating, exempt, exempt_reason, cancel_reason, note, ended``).

    Checked outside the write lock; 422 lists every problem by row and column (a
    dispatch of another district, or one already ended, is a problem of its row), and
    nothing is written unless every row is good. Answers how many ended each way.
    """
    found = replay(w.store, w.a.principal, w.key, w.request, body)
    if found is not None:
        return found
    plan = plan_outcomes(w.store, w.district, body.csv)
    actor = w.a.principal.actor
    return w.run(body, OutcomesImported, lambda tx: apply_outcomes(tx, plan, actor))
