"""``/health``: answers without a token and without touching the solver.

It says whether the store can be written, not only that the process is up: a
read-only database file reads fine, so without the probe a service on one
would look healthy while every write fails.
"""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from api.schemas import Health
from matcher.store import SCHEMA_VERSION, Store

__all__ = ["router"]

router = APIRouter(tags=["health"])


@router.get(
    "/health",
    response_model=Health,
    responses={503: {"model": Health, "description": "degraded: the store cannot be written"}},
)
async def health(request: Request) -> JSONResponse:
    """Liveness and a write probe of the store (``matcher.store.probe``: writes nothing).

    The probe runs in a thread of its own and never waits for the write lock, so
    this answers at once while proposals are computed or imports are written.
    """
    store: Store = request.app.state.store
    state = await asyncio.to_thread(store.write_state)
    ok = state == "ok"
    body = Health(status="ok" if ok else "degraded", schema_version=SCHEMA_VERSION, store=state)
    return JSONResponse(body.model_dump(mode="json"), status_code=200 if ok else 503)
