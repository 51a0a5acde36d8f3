"""The points ledger (服务积分) and the outcomes import: what they answer and take."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field

from api.schemas.base import ActorPublic, RequestBody, Text

__all__ = ["OutcomesImported", "PointsEntryPublic", "PointsPublic", "PointsRedeem"]


class PointsEntryPublic(BaseModel):
    id: int
    cadre: str
    kind: Literal["earned", "redeemed"]
    amount: int = Field(description="signed: earned entries above 0, redeemed below")
    dispatch: int | None = Field(description="the completed dispatch that earned them")
    reason: str | None
    day: str
    created_at: str
    created_by: ActorPublic | None


class PointsPublic(BaseModel):
    balance: int = Field(description="the sum of the ledger (never stored alone)")
    data: list[PointsEntryPublic]
    count: int


class PointsRedeem(RequestBody):
    amount: int = Field(gt=0, le=10**9, description="whole points to redeem (at most the balance)")
    reason: Annotated[Text, Field(min_length=1)] = Field(
        description="what they are redeemed for: a training course, a recognition"
    )


class OutcomesImported(BaseModel):
    """How many dispatches of ``outcomes.csv`` ended each way, and what that set off."""

    completed: int = 0
    cancelled: int = 0
    no_show: int = 0
    withdrawn: list[str] = Field(
        default=[], description="the demands the file's community_withdrew rows withdrew"
    )
    cancelled_with_demands: list[int] = Field(
        default=[],
        description="the other active dispatches of those demands, cancelled with them"
        " (community_withdrew); not counted in `cancelled`, which counts the file's rows",
    )
    warnings: int = Field(
        default=0, description="warnings the rules suggested for the file's cadres (pending)"
    )
