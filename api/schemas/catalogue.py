"""The service catalogue (服务清单): what ``GET …/catalogue`` answers and ``PUT`` takes."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from api.schemas.base import LongText, RequestBody

__all__ = [
    "CatalogueCategoryPublic",
    "CatalogueItemPublic",
    "CataloguePublic",
    "CatalogueReplace",
]


class CatalogueItemPublic(BaseModel):
    id: str
    zh: str
    en: str
    needs: dict[str, int] = Field(description="default skills wanted, tag → level 1-5")
    requires: dict[str, int] = Field(description="default hard minimum levels")
    certs: list[str] = Field(description="default certificates every cadre must hold")
    headcount: int
    priority: int
    hours: float | None = Field(description="expected service hours of one dispatch")


class CatalogueCategoryPublic(BaseModel):
    slug: str
    zh: str
    en: str
    items: list[CatalogueItemPublic]


class CataloguePublic(BaseModel):
    name: str
    zh: str
    en: str
    source: Literal["bundled", "district", "none"] = Field(
        description="bundled: the default 8×32 catalogue; district: the district's own;"
        " none: the district has its own taxonomy, which the bundled catalogue does not fit"
    )
    categories: list[CatalogueCategoryPublic]
    toml: str = Field(description="the catalogue's TOML text, as PUT takes it")


class CatalogueReplace(RequestBody):
    toml: LongText | None = Field(
        description="the catalogue as TOML (docs/catalogue.md), checked against the district's"
        " taxonomy; null: back to the bundled catalogue"
    )
