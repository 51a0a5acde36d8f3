"""Supply against demand by community and category (``GET …/summary``), and the
governance report's figures (``GET …/report``)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from api.schemas.ledger import LedgerPublic

__all__ = ["ReportPublic", "SummaryCellPublic", "SummaryPublic"]


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


class ReportPublic(BaseModel):
    """The governance report's figures (``matcher report`` writes them as HTML)."""

    district: str
    name: str
    start: str = Field(description="the period's first day (included)")
    end: str = Field(description="the period's last day (included)")
    made: str = Field(description="the day the figures were read")
    by_category: dict[str, dict[str, float]] = Field(
        description="per service category ('' uncategorised): dispatches accepted in the"
        " period, completed / cancelled / no_show in it, and the completed ones' hours"
    )
    by_community: dict[str, dict[str, float]] = Field(description="the same per community")
    weeks: dict[str, dict[str, int]] = Field(
        description="each ISO week's Monday: dispatches accepted and completed"
    )
    time_to_fill: dict[str, dict[str, float]] = Field(
        description="per category ('*': all): dispatches accepted in the period whose demand's"
        " creation time is known (count) and the median hours from creation to dispatch"
    )
    ledger: LedgerPublic = Field(description="GET …/ledger for the same period")
    summary: dict[str, Any] = Field(description="GET …/summary?by=category, as of now")
    baseline: dict[str, Any] = Field(
        description="the manual rule (most urgent demand first, each slot to the best"
        " qualified cadre: fit, then km) replayed on each day of the period with a dispatch"
        " accepted, against the dispatches accepted: per day and in total, the open slots,"
        " each side's filled slots, priority weight, score and km, their rates and matcher's"
        " relative gain (docs/api.md#the-governance-report)"
    )
    shortfall: dict[str, Any] = Field(
        description="as of now: the slots the best plan leaves empty, by community and"
        " category with their binding reasons (codes), and training picks (no cadre named)"
    )
    categories: dict[str, dict[str, str]] = Field(description="category slug → zh, en names")
    communities: dict[str, str] = Field(description="community id → name")
