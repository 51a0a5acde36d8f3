"""Background jobs: a big proposal or what-if computed after the request is answered."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from api.schemas.scenarios import ScenarioPublic

__all__ = ["JobPublic", "JobsPublic"]


class JobPublic(BaseModel):
    """A proposal or a what-if computed in the background (see docs/api.md, "Jobs")."""

    id: str
    kind: Literal["proposal", "scenario"] = Field(
        description="what it computes: POST …/proposals or POST …/scenarios"
    )
    status: Literal["queued", "running", "done", "failed", "cancelled"]
    phase: str | None = Field(description="the engine's current phase; the last one reached")
    fraction: float | None = Field(ge=0, le=1, description="share of the phase done, if known")
    created: str
    started: str | None
    finished: str | None
    proposal: str | None = Field(description="URL of the stored proposal once done")
    result: ScenarioPublic | None = Field(
        description="a scenario's job, once done: the comparison POST …/scenarios answers"
        " (a what-if stores nothing in the pool)"
    )
    error: dict[str, Any] | None = Field(
        description="when failed: the RFC 9457 problem the synchronous request would have answered"
    )


class JobsPublic(BaseModel):
    data: list[JobPublic]
    count: int
