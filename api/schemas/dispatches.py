"""Dispatches: a cadre sent to a demand, and how one ends."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from api.schemas.base import MASK, ActorPublic, RequestBody, Text

__all__ = ["DispatchClose", "DispatchPublic", "DispatchesPublic"]


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


class DispatchesPublic(BaseModel):
    data: list[DispatchPublic]
    count: int


class DispatchClose(RequestBody):
    note: Text | None = None
