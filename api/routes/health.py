"""``/health``: answers without a token and without touching the solver."""

from __future__ import annotations

from fastapi import APIRouter

from api.schemas import Health
from matcher.store import SCHEMA_VERSION

__all__ = ["router"]

router = APIRouter(tags=["health"])


@router.get("/health", response_model=Health)
async def health() -> Health:
    """Liveness: runs on the event loop, so it stays fast while proposals are computed."""
    return Health(status="ok", schema_version=SCHEMA_VERSION)
