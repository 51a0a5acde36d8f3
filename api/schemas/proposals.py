"""Proposals: the request, the stored proposal with each pair's state, and the
decisions on it (accept into dispatches, reject into declines or unavailability)."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, Field

from api.schemas.base import ActorPublic, Id, RequestBody, Text
from api.schemas.dispatches import DispatchPublic
from api.schemas.pool import Unavailability
from matcher import Proposal, ProposedAssignment

__all__ = [
    "AcceptRequest",
    "AcceptResult",
    "AssignmentPublic",
    "DeclinePublic",
    "DeclinesPublic",
    "ItemState",
    "Pair",
    "ProposalPublic",
    "ProposalRequest",
    "ProposalResult",
    "ProposalStatus",
    "ProposalSummary",
    "ProposalsPublic",
    "RejectRequest",
    "RejectResult",
    "UnavailablePublic",
]


class Pair(RequestBody):
    cadre: Id
    demand: Id


class ProposalRequest(RequestBody):
    policy: dict[str, Any] | None = Field(
        None, description="policy override, merged over the district's policy"
    )
    pinned: list[Pair] = Field([], max_length=10_000, description="pairs the plan must keep")
    start: date | None = Field(
        None,
        alias="from",
        strict=False,  # an ISO date string in JSON
        description="a horizon's first local day (YYYY-MM-DD): plan the dated orders whose"
        " window touches a day from here to `to`, and the ongoing work (`matcher propose"
        " --from`); null: open",
    )
    end: date | None = Field(
        None,
        alias="to",
        strict=False,
        description="the horizon's last local day, included; null: open",
    )


ItemState = Literal["pending", "accepted", "rejected", "superseded", "draft"]


ProposalStatus = Literal["pending", "decided", "superseded", "empty", "draft"]


class AssignmentPublic(ProposedAssignment):
    state: ItemState


class ProposalResult(Proposal):
    assignments: list[AssignmentPublic]  # type: ignore[assignment]


class _ProposalHead(BaseModel):
    id: int
    district: str
    created_at: str
    created_by: ActorPublic | None
    request: dict[str, Any]
    status: ProposalStatus = Field(
        description="pending while a pair awaits a decision; superseded once a newer proposal"
        " took its undecided pairs; empty when it proposed nobody; draft when a planner made"
        " it; else decided"
    )
    draft: bool = Field(
        description="a planner's draft: read like any proposal, but it superseded nothing and"
        " is never accepted or rejected (409 conflict.draft); its pairs' state is draft"
    )
    stale: bool = Field(
        description="pending (or a draft), but the pool changed since it was computed:"
        " accepting may answer 409 (a draft's always does); propose again for a current plan"
    )
    pending: int
    accepted: int
    rejected: int
    superseded: int


class ProposalPublic(_ProposalHead):
    result: ProposalResult


class ProposalSummary(_ProposalHead):
    kpis: dict[str, Any]
    position: dict[str, Any] | None = Field(
        description="the district's position after accepting it (result.district)"
    )


class ProposalsPublic(BaseModel):
    data: list[ProposalSummary]
    count: int


class AcceptRequest(RequestBody):
    assignments: list[Pair] | None = Field(
        None, max_length=10_000, description="pairs to accept; null = every pending one"
    )


class RejectRequest(RequestBody):
    assignments: list[Pair] = Field(min_length=1, max_length=10_000)
    reason: Text | None = None
    unavailable: bool = Field(
        False,
        description="the people, not the pairs: each cadre named is not proposed until"
        " 'until' (every pending pair of theirs here is rejected; no pair decline is kept)",
    )
    until: date | None = Field(
        None,
        strict=False,  # an ISO date string in JSON
        description="with unavailable: last day, inclusive; null = until lifted",
    )


class AcceptResult(BaseModel):
    dispatches: list[DispatchPublic]


class DeclinePublic(BaseModel):
    cadre: str
    demand: str
    proposal: int | None
    reason: str | None
    created_at: str
    created_by: ActorPublic | None


class DeclinesPublic(BaseModel):
    data: list[DeclinePublic]
    count: int


class UnavailablePublic(Unavailability):
    cadre: str


class RejectResult(BaseModel):
    declines: list[DeclinePublic]
    unavailable: list[UnavailablePublic] = []
