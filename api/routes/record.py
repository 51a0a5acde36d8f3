"""A cadre's growth record (成长档案) and training log; importing ``trainings.csv``."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from api.crud import Reading, Writing
from api.deps import mask_note, replay
from api.errors import PROBLEM_RESPONSES
from api.params import ItemId, Limit, Offset
from api.schemas import (
    MASK,
    CsvImport,
    RecordPublic,
    TrainingCreate,
    TrainingPublic,
    TrainingsImported,
    TrainingsPublic,
)
from matcher.store import RecordRow, Tx

__all__ = ["router"]

router = APIRouter(prefix="/v1/districts/{district}", tags=["record"], responses=PROBLEM_RESPONSES)
AsOf = Annotated[
    date | None,
    Query(
        description="the day of the record (YYYY-MM-DD); later history is ignored. Default: today"
    ),
]


@router.get("/cadres/{cadre}/record", response_model=RecordPublic)
def get_record(r: Reading, cadre: ItemId, as_of: AsOf = None) -> JSONResponse:
    """The cadre's record as of a day, computed from their history (``docs/record.md``),
    with their pending warnings. Analysts see the name and notes masked."""

    def read(tx: Tx) -> RecordRow:
        row = tx.record_row(r.district, cadre, as_of)
        if not r.a.masked:
            return row
        return replace(row, name=MASK, warnings=[mask_note(w, True) for w in row.warnings])

    return r.one(RecordPublic, read)


@router.get("/cadres/{cadre}/trainings", response_model=TrainingsPublic)
def list_trainings(
    r: Reading, cadre: ItemId, limit: Limit = 100, offset: Offset = 0
) -> JSONResponse:
    """The training sessions the cadre attended, by day."""
    return r.page(
        TrainingsPublic,
        lambda tx: tx.list_trainings(r.district, cadre, limit=limit, offset=offset),
    )


@router.post("/cadres/{cadre}/trainings", response_model=TrainingPublic, status_code=201)
def add_training(w: Writing, cadre: ItemId, body: TrainingCreate) -> JSONResponse:
    """Log a session attended; a certification it gained joins the cadre's certs (their
    version goes up, so proposals relying on the old certs become stale)."""
    actor = w.a.principal.actor
    return w.run(
        body,
        TrainingPublic,
        lambda tx: tx.add_training(
            w.district, cadre, body.course, body.hours, body.day, body.tags, body.cert, actor
        ),
        status=201,
    )


@router.post("/trainings/import", response_model=TrainingsImported)
def import_trainings(w: Writing, body: CsvImport) -> JSONResponse:
    """Log sessions from a ``trainings.csv`` text (cadre, course, tags, hours, date, cert).

    Checked outside the write lock; nothing is written unless every row is good.
    """
    found = replay(w.store, w.a.principal, w.key, w.request, body)
    if found is not None:
        return found
    with w.store.read() as tx:
        plan = tx.plan_trainings(w.district, body.csv)
    actor = w.a.principal.actor
    return w.run(
        body,
        TrainingsImported,
        lambda tx: {"trainings_created": tx.import_trainings(w.district, plan, actor)},
    )
