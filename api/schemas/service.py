"""The service itself: its health, the caller it sees, the taxonomy it serves."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

__all__ = ["CategoryPublic", "Health", "Principal", "TagPublic", "TaxonomyPublic"]


class Health(BaseModel):
    status: Literal["ok", "degraded"] = Field(description="degraded (HTTP 503): see store")
    schema_version: int
    store: Literal["ok", "read-only", "unavailable"] = Field(
        description="whether a write could be made now (probed without writing)"
    )


class Principal(BaseModel):
    token_id: int
    role: Literal["admin", "dispatcher", "planner", "analyst", "supervisor"]
    districts: list[str]
    all_districts: bool = Field(False, description="an admin: every district, those made later too")


class TagPublic(BaseModel):
    slug: str
    zh: str
    en: str


class CategoryPublic(BaseModel):
    slug: str
    zh: str
    en: str
    tags: list[TagPublic]


class TaxonomyPublic(BaseModel):
    name: str
    categories: list[CategoryPublic]
    certs: list[TagPublic]
