"""The growth record (成长档案): a cadre's record, trainings, warnings (三色预警), decisions."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, Field

from api.schemas.base import MASK, ActorPublic, RequestBody, Slug, Text

__all__ = [
    "CertGained",
    "RecordPublic",
    "TrainingCreate",
    "TrainingPublic",
    "TrainingsImported",
    "TrainingsPublic",
    "WarningDecide",
    "WarningPublic",
    "WarningsPublic",
]

Colour = Literal["green", "yellow", "red"]
WarningState = Literal["pending", "confirmed", "dismissed"]


class ReasonPublic(BaseModel):
    """Why a rule fired: a catalogue message (``GET /v1/messages``) and its parameters."""

    code: str = Field(description="catalogue code, e.g. warning.no_shows")
    params: dict[str, Any]


class WarningPublic(BaseModel):
    """A suggested status change with its reasons, and its decision once made."""

    id: int
    cadre: str
    rule: Literal["no_shows", "low_rating", "hours_behind", "stuck_yellow"]
    from_status: Colour
    to_status: Colour
    reasons: list[ReasonPublic]
    created_at: str
    state: WarningState
    decided_at: str | None
    decided_by: ActorPublic | None
    note: str | None = Field(description=f"why it was decided so: '{MASK}' for analysts")


class WarningsPublic(BaseModel):
    data: list[WarningPublic]
    count: int


class WarningDecide(RequestBody):
    note: Text | None = None


class CertGained(BaseModel):
    cert: str
    day: str = Field(description="the day it was first gained (YYYY-MM-DD)")


class RecordPublic(BaseModel):
    """A cadre's record as of a day: every figure computed from history (docs/record.md)."""

    cadre: str
    name: str = Field(description=f"'{MASK}' for analysts")
    current: Colour = Field(description="the cadre's status now")
    as_of: str
    joined: str
    months_in_pool: int
    completed: int
    cancelled: dict[str, int] = Field(description="dispatches ended otherwise, by reason")
    exempted: int
    no_shows: int
    no_shows_recent: int
    hours_total: float
    hours_recent: float
    hours_year: float
    hours_target_to_date: float
    hours_behind: float
    year_days: int
    ratings: int
    rating: float | None = Field(description="recency-weighted, shrunk toward the district mean")
    rating_unshrunk: float | None
    training_hours: float
    courses: list[str]
    certs: list[CertGained]
    communities: list[str]
    status: Colour | None = Field(description="the status of the last decision on or before as_of")
    recent_days: int = Field(description="the policy's recent window the _recent figures count")
    warnings: list[WarningPublic] = Field(description="the cadre's pending warnings")
    points: int | None = Field(None, description="the points balance (服务积分)")


class TrainingCreate(RequestBody):
    course: Text = Field(min_length=1)
    tags: list[Slug] = Field(min_length=1, max_length=64, description="the tags it trained")
    hours: float = Field(gt=0, description="hours attended (at most the policy's max_hours)")
    day: date = Field(strict=False, description="the day attended (YYYY-MM-DD), not in the future")
    cert: Slug | None = Field(None, description="a certification gained: joins the cadre's certs")


class TrainingPublic(BaseModel):
    id: int
    cadre: str
    course: str
    tags: list[str]
    hours: float
    day: str
    cert: str | None
    created_at: str
    created_by: ActorPublic | None


class TrainingsPublic(BaseModel):
    data: list[TrainingPublic]
    count: int


class TrainingsImported(BaseModel):
    trainings_created: int
