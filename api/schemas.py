"""Request and response bodies (``XCreate`` / ``XUpdate`` / ``XPublic`` / ``XsPublic``)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, ClassVar, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from matcher import (
    DISTRICT_ID_MAX_LENGTH,
    ID_MAX_LENGTH,
    ID_PATTERN,
    Proposal,
    ProposedAssignment,
)

__all__ = [
    "ID_PATTERN",
    "AcceptRequest",
    "AcceptResult",
    "CadreCreate",
    "CadrePublic",
    "CadreReplace",
    "CadreUpdate",
    "CadresPublic",
    "CommunitiesPublic",
    "CommunityCreate",
    "CommunityPublic",
    "CsvImport",
    "DeclinePublic",
    "DeclinesPublic",
    "DemandCreate",
    "DemandPublic",
    "DemandReplace",
    "DemandUpdate",
    "DemandsPublic",
    "DispatchClose",
    "DispatchPublic",
    "DispatchesPublic",
    "DistrictCreate",
    "DistrictPublic",
    "DistrictsPublic",
    "Health",
    "ImportResult",
    "JobPublic",
    "JobsPublic",
    "Pair",
    "Principal",
    "ProposalPublic",
    "ProposalRequest",
    "ProposalSummary",
    "ProposalsPublic",
    "RejectRequest",
    "RejectResult",
    "TaxonomyPublic",
    "TokenCreate",
    "TokenCreated",
    "TokenPublic",
    "TokensPublic",
]

MASK = "***"


def _no_surrogates(v: str) -> str:
    try:
        v.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("text must be valid Unicode (no lone surrogates)") from None
    if "\x00" in v:
        raise ValueError("text must not contain NUL characters")
    return v


Text = Annotated[str, AfterValidator(_no_surrogates), Field(max_length=500)]
LongText = Annotated[str, AfterValidator(_no_surrogates), Field(max_length=10 * 1024 * 1024)]
# one id rule for JSON bodies, URL paths and CSV files (matcher.model.id_problem)
Id = Annotated[str, Field(min_length=1, max_length=ID_MAX_LENGTH, pattern=ID_PATTERN)]
DistrictId = Annotated[
    str, Field(min_length=1, max_length=DISTRICT_ID_MAX_LENGTH, pattern=ID_PATTERN)
]
Slug = Annotated[str, Field(min_length=1, max_length=128, pattern=r"^[a-z][a-z0-9_.]*$")]
Level = Annotated[int, Field(ge=1, le=5)]


class _In(BaseModel):
    """Base of request bodies: unknown fields and loose types are refused (422).

    ``strict``: JSON types are taken at their word, so ``true`` or ``"3"`` is not
    an integer and ``"1.5"`` not a number (an integer is still a number); lax
    coercion would store what the caller did not mean.
    """

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, strict=True)


class Health(BaseModel):
    status: Literal["ok", "degraded"] = Field(description="degraded (HTTP 503): see store")
    schema_version: int
    store: Literal["ok", "read-only", "unavailable"] = Field(
        description="whether a write could be made now (probed without writing)"
    )


class Principal(BaseModel):
    token_id: int
    role: Literal["admin", "dispatcher", "planner", "analyst"]
    districts: list[str]


# ---------------------------------------------------------------- taxonomy
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


# ---------------------------------------------------------------- districts
class DistrictCreate(_In):
    id: DistrictId
    name: Text
    taxonomy_toml: LongText | None = Field(None, description="taxonomy.toml text (default: Gulou)")
    policy_toml: LongText | None = Field(None, description="policy.toml text (default policy)")


class DistrictPublic(BaseModel):
    id: str
    name: str
    taxonomy: str
    created_at: str
    communities: int
    cadres: int
    demands: int


class DistrictsPublic(BaseModel):
    data: list[DistrictPublic]
    count: int


class CsvImport(_In):
    csv: LongText = Field(description="the file's text, header line first (as in a case folder)")


class ImportResult(BaseModel):
    communities_created: int = 0
    communities_updated: int = 0
    cadres_created: int = 0
    cadres_updated: int = 0
    demands_created: int = 0
    demands_updated: int = 0


# ---------------------------------------------------------------- communities
class CommunityCreate(_In):
    id: Id
    name: Text
    street: Text
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)


class CommunityPublic(BaseModel):
    id: str
    name: str
    street: str
    lat: float
    lon: float


class CommunitiesPublic(BaseModel):
    data: list[CommunityPublic]
    count: int


# ---------------------------------------------------------------- who acted
class ActorPublic(BaseModel):
    """The token that made a proposal, a decline or a dispatch, or ended one."""

    token: int
    label: str | None


# ---------------------------------------------------------------- cadres
class Unavailability(BaseModel):
    until: str | None = Field(description="last day (YYYY-MM-DD, inclusive); null = until lifted")
    reason: str | None
    created_at: str
    created_by: ActorPublic | None


class UnavailableRequest(_In):
    until: date | None = Field(
        None, strict=False, description="last day, inclusive (YYYY-MM-DD); null = until lifted"
    )
    reason: Text | None = None


class CadreUpdate(_In):
    name: Text
    home: Id
    skills: dict[Slug, Level] = {}
    certs: list[Slug] = Field([], max_length=64)
    capacity: int = Field(1, ge=0, le=1000)
    status: Literal["green", "yellow", "red"] = "green"
    max_travel_km: float | None = Field(None, ge=0, le=1_000_000, description="null = no limit")


class CadreCreate(CadreUpdate):
    id: Id


class CadrePublic(BaseModel):
    id: str
    name: str = Field(description=f"personal: '{MASK}' for analysts")
    home: str
    skills: dict[str, int]
    certs: list[str]
    capacity: int
    status: str
    max_travel_km: float | None
    version: int
    active_dispatches: int
    unavailable: Unavailability | None = Field(
        None, description="set while the cadre is not to be proposed (暂不可派)"
    )


class CadresPublic(BaseModel):
    data: list[CadrePublic]
    count: int


class _Replace(_In):
    """A PUT body that is also the resource as GET returns it.

    Why: a client edits what it fetched and sends it back. ``id`` must then
    name the resource of the path and ``version``, when sent, must still be the
    current one; the other fields GET shows but a write cannot set
    (``active_dispatches``, ``filled``, ``status`` of a demand …: every field of
    ``public`` this model does not declare) are dropped before validation.
    Anything else unknown is still refused.
    """

    public: ClassVar[type[BaseModel]]
    id: Id | None = Field(None, description="when sent: must equal the id in the path (else 422)")
    version: int | None = Field(
        None, ge=1, description="when sent: 409 unless it is still the current version"
    )

    @model_validator(mode="before")
    @classmethod
    def _drop_read_only(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        read_only = set(cls.public.model_fields) - set(cls.model_fields)
        return {k: v for k, v in data.items() if k not in read_only}


class CadreReplace(_Replace, CadreUpdate):
    """``PUT``/``PATCH`` body of a cadre: the writable fields, or its GET representation."""

    public = CadrePublic


# ---------------------------------------------------------------- demands
class DemandUpdate(_In):
    community: Id
    title: Text
    needs: dict[Slug, Level] = {}
    requires: dict[Slug, Level] = {}
    certs: list[Slug] = Field([], max_length=64)
    headcount: int = Field(1, ge=1, le=1000)
    priority: int = Field(3, ge=1, le=5)
    recurring: bool | None = Field(
        None,
        description="ongoing work: a completed dispatch frees its slot again"
        " (null or left out: as it is; a new demand is one-off)",
    )


class DemandCreate(DemandUpdate):
    id: Id


class DemandPublic(BaseModel):
    id: str
    community: str
    title: str
    needs: dict[str, int]
    requires: dict[str, int]
    certs: list[str]
    headcount: int
    priority: int
    status: Literal["open", "done", "cancelled"]
    recurring: bool
    stage: Literal["open", "partly_staffed", "staffed", "done", "cancelled"]
    version: int
    filled: int = Field(
        description="slots filled: active dispatches, and completed ones unless recurring"
    )
    active: int = Field(description="active dispatches on this demand")
    completed: int = Field(description="completed dispatches on this demand")


class DemandClose(_In):
    outcome: Literal["done", "cancelled"] | None = Field(
        None, description="default: done when some work was completed, else cancelled"
    )
    end_dispatches: Literal["complete", "cancel"] | None = Field(
        None,
        description="how to end the demand's active dispatches with it; without it a demand"
        " that still has active dispatches is not closed (409 listing them)",
    )


class DemandsPublic(BaseModel):
    data: list[DemandPublic]
    count: int


class DemandReplace(_Replace, DemandUpdate):
    """``PUT``/``PATCH`` body of a demand: the writable fields, or its GET representation."""

    public = DemandPublic


# ---------------------------------------------------------------- proposals
class Pair(_In):
    cadre: Id
    demand: Id


class ProposalRequest(_In):
    policy: dict[str, Any] | None = Field(
        None, description="policy override, merged over the district's policy"
    )
    pinned: list[Pair] = Field([], max_length=10_000, description="pairs the plan must keep")


ItemState = Literal["pending", "accepted", "rejected", "superseded"]
ProposalStatus = Literal["pending", "decided", "superseded", "empty"]


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
        " took its undecided pairs; empty when it proposed nobody; else decided"
    )
    stale: bool = Field(
        description="pending, but the pool changed since it was computed: accepting may"
        " answer 409; propose again for a current plan"
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


class JobPublic(BaseModel):
    """A proposal computed in the background (see docs/api.md, "Jobs")."""

    id: str
    status: Literal["queued", "running", "done", "failed", "cancelled"]
    phase: str | None = Field(description="the engine's current phase; the last one reached")
    fraction: float | None = Field(ge=0, le=1, description="share of the phase done, if known")
    created: str
    started: str | None
    finished: str | None
    proposal: str | None = Field(description="URL of the stored proposal once done")
    error: dict[str, Any] | None = Field(
        description="when failed: the RFC 9457 problem the synchronous request would have answered"
    )


class JobsPublic(BaseModel):
    data: list[JobPublic]
    count: int


class AcceptRequest(_In):
    assignments: list[Pair] | None = Field(
        None, max_length=10_000, description="pairs to accept; null = every pending one"
    )


class RejectRequest(_In):
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


class DispatchClose(_In):
    note: Text | None = None


# ---------------------------------------------------------------- tokens
class TokenCreate(_In):
    role: Literal["admin", "dispatcher", "planner", "analyst"]
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
