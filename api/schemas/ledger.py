"""The lending ledger (社区互助账本): what ``GET …/ledger`` answers (no personal fields)."""

from __future__ import annotations

from pydantic import BaseModel, Field

__all__ = ["LedgerCommunityPublic", "LedgerPartnerPublic", "LedgerPublic"]


class LedgerPartnerPublic(BaseModel):
    community: str
    hours: float


class LedgerCommunityPublic(BaseModel):
    id: str
    name: str
    lent: float = Field(description="hours its cadres served in other communities")
    received: float = Field(description="hours other communities' cadres served here")
    balance: float = Field(description="received − lent")
    home: float = Field(description="hours its own cadres served here")
    lent_to: list[LedgerPartnerPublic] = Field(description="the top partners it lent to")
    received_from: list[LedgerPartnerPublic] = Field(description="the top partners it got from")


class LedgerPublic(BaseModel):
    start: str = Field(description="the period's first day (included)")
    end: str = Field(description="the period's last day (included)")
    dispatches: int = Field(description="completed dispatches with hours in the period")
    communities: list[LedgerCommunityPublic]
    flows: list[list[float]] = Field(
        description="flows[i][j]: hours cadres of communities[i] served in communities[j]"
    )
