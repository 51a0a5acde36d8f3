"""The three CSV import routes' one body: validate without the write lock, then write.

``matcher.store.imports`` does the work; this adds HTTP's part: an
Idempotency-Key already answered is replayed before any validation, and the
write and its stored answer commit together (:func:`api.deps.run_write`).
"""

from __future__ import annotations

from fastapi.responses import JSONResponse

from api.crud import Writes
from api.deps import replay
from api.schemas import CsvImport, ImportResult
from matcher.store import apply_import, plan_import

__all__ = ["run_import"]


def run_import(w: Writes, body: CsvImport, file: str) -> JSONResponse:
    """Import ``body.csv`` as the district's ``file``: 200 with counts, 422 with the
    first problems and their total, 409 when a capacity or headcount would go below
    active dispatches; nothing is written unless the whole file is good."""
    found = replay(w.store, w.a.principal, w.key, w.request, body)
    if found is not None:
        return found
    plan = plan_import(w.store, w.district, file, body.csv)
    return w.run(body, ImportResult, lambda tx: apply_import(tx, plan))
