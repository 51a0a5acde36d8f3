"""Dispatches: a cadre sent to a demand, and how one ends."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from api.schemas.base import MASK, ActorPublic, RequestBody, Text

__all__ = [
    "CancelReasonName",
    "DispatchCancel",
    "DispatchClose",
    "DispatchComplete",
    "DispatchPublic",
    "DispatchesPublic",
]

#: why a dispatch was cancelled (``no_show`` records a no-show)
CancelReasonName = Literal[
    "cadre_unavailable", "no_show", "community_withdrew", "duplicate", "other"
]


class DispatchPublic(BaseModel):
    id: int
    district: str
    proposal: int | None
    cadre: str
    demand: str
    score: float
    status: Literal["active", "completed", "cancelled", "no_show"]
    created_at: str
    created_by: ActorPublic | None
    closed_at: str | None
    closed_by: ActorPublic | None
    note: str | None = Field(description=f"free text: '{MASK}' for analysts")
    hours: float | None = Field(None, description="service hours recorded on completion")
    rating: int | None = Field(None, description="the community's rating 1-5, if given")
    exempt: bool = Field(False, description="容错: recorded, but never counted against the cadre")
    exempt_reason: str | None = Field(
        None, description=f"why the exemption was granted: '{MASK}' for analysts"
    )
    cancel_reason: CancelReasonName | None = Field(None, description="why it was cancelled")


class DispatchesPublic(BaseModel):
    data: list[DispatchPublic]
    count: int


class DispatchClose(RequestBody):
    """Ending a dispatch with a note only (a no-show)."""

    note: Text | None = None


class DispatchComplete(RequestBody):
    """The outcome of completed work (the store checks the values against the policy)."""

    hours: float = Field(
        description="service hours: above 0 and at most the policy's record.max_hours (24)"
    )
    rating: int | None = Field(None, description="the requesting community's rating, 1-5")
    exempt: bool = Field(
        False,
        description="容错 exemption: a non-principled mistake made while trying something new;"
        " recorded, never counted against the cadre",
    )
    exempt_reason: Text | None = Field(None, description="required when exempt")
    note: Text | None = None


class DispatchCancel(RequestBody):
    """Why the dispatch was called off (``no_show`` records a no-show)."""

    reason: CancelReasonName
    note: Text | None = None
