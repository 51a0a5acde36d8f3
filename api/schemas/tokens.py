"""Bearer tokens: created for a role and districts, shown once, listed by their hash's id."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from api.schemas.base import DistrictId, RequestBody, Text

__all__ = ["TokenCreate", "TokenCreated", "TokenPublic", "TokensPublic"]


class TokenCreate(RequestBody):
    role: Literal["admin", "dispatcher", "planner", "analyst", "supervisor"]
    districts: list[DistrictId] = Field([], max_length=100)
    label: Text | None = None


class TokenPublic(BaseModel):
    id: int
    role: str
    districts: list[str]
    label: str | None
    created_at: str
    revoked_at: str | None


class TokenCreated(TokenPublic):
    token: str = Field(description="shown once; only its hash is stored")


class TokensPublic(BaseModel):
    data: list[TokenPublic]
    count: int
