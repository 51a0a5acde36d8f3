"""The pool's rows: communities, cadres (and their unavailability) and demands."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from api.schemas.base import MASK, ActorPublic, Id, Level, ReplaceBody, RequestBody, Slug, Text
from matcher import MAX_DEMAND_HOURS, MAX_PLACES

__all__ = [
    "CadreCreate",
    "CadrePublic",
    "CadreReplace",
    "CadreUpdate",
    "CadresPublic",
    "CommunitiesPublic",
    "CommunityCreate",
    "CommunityPublic",
    "DemandClose",
    "DemandCreate",
    "DemandPublic",
    "DemandReplace",
    "DemandUpdate",
    "DemandsPublic",
    "Unavailability",
    "UnavailableRequest",
]


class CommunityCreate(RequestBody):
    id: Id
    name: Text
    street: Text
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)


class CommunityPublic(BaseModel):
    id: str
    name: str
    street: str
    lat: float
    lon: float


class CommunitiesPublic(BaseModel):
    data: list[CommunityPublic]
    count: int


class Unavailability(BaseModel):
    until: str | None = Field(description="last day (YYYY-MM-DD, inclusive); null = until lifted")
    reason: str | None
    created_at: str
    created_by: ActorPublic | None


#: dated work's text fields (a pattern, days away, a local date-time), parsed by matcher.dated
DatedText = Annotated[str, Field(min_length=1, max_length=500)]


class UnavailableRequest(RequestBody):
    until: date | None = Field(
        None, strict=False, description="last day, inclusive (YYYY-MM-DD); null = until lifted"
    )
    reason: Text | None = None


class CadreUpdate(RequestBody):
    name: Text
    home: Id
    skills: dict[Slug, Level] = Field({})
    certs: list[Slug] = Field([], max_length=64)
    capacity: int = Field(1, ge=0, le=MAX_PLACES)
    status: Literal["green", "yellow", "red"] = "green"
    max_travel_km: float | None = Field(None, ge=0, le=1_000_000, description="null = no limit")
    available: DatedText | None = Field(
        None, description="weekly availability, e.g. 'mon-fri 18:00-21:30' (null: always)"
    )
    away: DatedText | None = Field(
        None, description="days away, e.g. '2026-12-10..2026-12-14;2027-01-20' (null: never)"
    )
    hours_per_week: float | None = Field(
        None, ge=0, le=168, description="most hours of dated orders a week (null: no limit)"
    )


class CadreCreate(CadreUpdate):
    id: Id


class CadrePublic(BaseModel):
    id: str
    name: str = Field(description=f"personal: '{MASK}' for analysts")
    home: str
    skills: dict[str, int]
    certs: list[str]
    capacity: int
    status: str
    max_travel_km: float | None
    version: int
    active_dispatches: int
    unavailable: Unavailability | None = Field(
        None, description="set while the cadre is not to be proposed (暂不可派)"
    )
    available: str | None = Field(None, description="weekly availability (null: always)")
    away: str | None = Field(None, description="days away (null: never)")
    hours_per_week: float | None = Field(None, description="null: no weekly limit")


class CadresPublic(BaseModel):
    data: list[CadrePublic]
    count: int


class CadreReplace(ReplaceBody, CadreUpdate):
    """``PUT``/``PATCH`` body of a cadre: the writable fields, or its GET representation."""

    public = CadrePublic


#: a service item's id as a body field: free text, so an unknown one gets a "did you mean"
ItemName = Annotated[str, Field(min_length=1, max_length=128)]


class DemandUpdate(RequestBody):
    community: Id
    title: Text
    needs: dict[Slug, Level] = Field({})
    requires: dict[Slug, Level] = Field({})
    certs: list[Slug] = Field([], max_length=64)
    headcount: int = Field(1, ge=1, le=MAX_PLACES)
    priority: int = Field(3, ge=1, le=5)
    recurring: bool | None = Field(
        None,
        description="ongoing work: a completed dispatch frees its slot again"
        " (null or left out: as it is; a new demand is one-off)",
    )
    item: ItemName | None = Field(
        None, description="the service item of the district's catalogue it was made from"
    )
    start: DatedText | None = Field(
        None, description="a dated order's start, local time (2026-12-08T18:00); null: ongoing"
    )
    end: DatedText | None = Field(None, description="its end (or give hours)")
    hours: float | None = Field(
        None,
        description="expected service hours: above 0, at most matcher.MAX_DEMAND_HOURS (a"
        " leap year's); more, or 0, is a 422 with the code a demands.csv cell gets"
        " (problem.hours_between, problem.hours_positive)",
        json_schema_extra={"exclusiveMinimum": 0, "maximum": MAX_DEMAND_HOURS},
    )


class DemandCreate(DemandUpdate):
    """A new demand; with ``item``, every field left out is the item's default
    (``title``: its Chinese name), and a field given overrides it."""

    id: Id
    title: Text | None = None  # type: ignore[assignment]


class DemandPublic(BaseModel):
    id: str
    community: str
    title: str
    needs: dict[str, int]
    requires: dict[str, int]
    certs: list[str]
    headcount: int
    priority: int
    status: Literal["open", "done", "cancelled"]
    recurring: bool
    stage: Literal["open", "partly_staffed", "staffed", "done", "cancelled"]
    version: int
    filled: int = Field(
        description="slots filled: active dispatches, and completed ones unless recurring"
    )
    active: int = Field(description="active dispatches on this demand")
    completed: int = Field(description="completed dispatches on this demand")
    item: str | None = Field(None, description="the service item it was made from, if any")
    created_at: str | None = Field(
        None, description="when it was created (null: before the store kept it)"
    )
    start: str | None = Field(None, description="a dated order's start, local (null: ongoing)")
    end: str | None = Field(None, description="its end, local")
    hours: float | None = Field(None, description="expected service hours")


class DemandClose(RequestBody):
    outcome: Literal["done", "cancelled"] | None = Field(
        None, description="default: done when some work was completed, else cancelled"
    )
    end_dispatches: Literal["complete", "cancel"] | None = Field(
        None,
        description="how to end the demand's active dispatches with it; without it a demand"
        " that still has active dispatches is not closed (409 listing them)",
    )
    hours: float | None = Field(
        None,
        description="with end_dispatches=complete: the service hours recorded on each"
        " completion (default: not recorded)",
    )


class DemandsPublic(BaseModel):
    data: list[DemandPublic]
    count: int


class DemandReplace(ReplaceBody, DemandUpdate):
    """``PUT``/``PATCH`` body of a demand: the writable fields, or its GET representation."""

    public = DemandPublic
