"""Supply against demand by community and category: what ``GET …/summary`` answers."""

from __future__ import annotations

from pydantic import BaseModel, Field

__all__ = ["SummaryCellPublic", "SummaryPublic"]


class SummaryCellPublic(BaseModel):
    community: str | None = Field(description="the community (null: not grouped by it)")
    category: str | None = Field(
        description="the service category of the catalogue ('': demands without an item;"
        " null: not grouped by it)"
    )
    demands: int = Field(description="open demands with a slot left")
    slots: int = Field(description="their open slots (headcount less the slots filled)")
    weight: int = Field(description="open slots weighted by priority: Σ priority × open slots")
    supply: int = Field(
        description="cadres with capacity left passing every hard rule for one of the"
        " cell's open demands (within reach)"
    )
    active: int = Field(description="active dispatches on the cell's demands")
    balance: int = Field(description="supply − slots")


class SummaryPublic(BaseModel):
    by: list[str]
    cells: list[SummaryCellPublic]
    total: SummaryCellPublic = Field(
        description="the district: its supply counts each qualified cadre once"
    )
