"""Districts: each a separate pool, created with its taxonomy and policy."""

from __future__ import annotations

from pydantic import BaseModel, Field

from api.schemas.base import DistrictId, LongText, RequestBody, Text

__all__ = ["DistrictCreate", "DistrictPublic", "DistrictsPublic"]


class DistrictCreate(RequestBody):
    id: DistrictId
    name: Text
    taxonomy_toml: LongText | None = Field(None, description="taxonomy.toml text (default: Gulou)")
    policy_toml: LongText | None = Field(None, description="policy.toml text (default policy)")


class DistrictPublic(BaseModel):
    id: str
    name: str
    taxonomy: str
    timezone: str = Field(
        description="the district's time zone (IANA name, its policy's `timezone`; "
        "Asia/Shanghai by default): its calendar days and its dated orders' local times"
    )
    created_at: str
    communities: int
    cadres: int
    demands: int


class DistrictsPublic(BaseModel):
    data: list[DistrictPublic]
    count: int
