"""The result types of a staffing proposal (pydantic: they leave the process as JSON).

The JSON shape is a contract with dispatchers' tools and the HTTP API::

    {"objective": float,
     "assignments": [{"demand", "cadre", "score", "breakdown": {term: value},
                      "alternatives": [...]}],
     "unfilled": [{"demand", "slots", "reasons": [...], "why": [{"code", "params"}]}],
     "kpis": {...}}

``reasons`` are English sentences for people and old tools; ``why`` holds the same
reasons as data (:class:`~matcher.messages.Message`: a stable ``code`` and its
``params``), in the same order, ``reasons[i] == render(why[i], "en", labels)``, so a
reader renders them in Chinese (``GET /v1/messages``, ``matcher … --lang zh``).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from matcher.messages import Message

__all__ = [
    "Alternative",
    "DistrictPosition",
    "Kpis",
    "Proposal",
    "ProposedAssignment",
    "RuleCount",
    "Unfilled",
]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class Alternative(_Frozen):
    """Another cadre for the same demand, priced exactly."""

    cadre: str
    score: float = Field(description="this cadre's score on the demand")
    loss: float = Field(description="drop in total score of the best plan that includes this pair")


class ProposedAssignment(_Frozen):
    demand: str
    cadre: str
    score: float
    breakdown: dict[str, float] = Field(description="term → value; sums to score")
    distance_km: float
    skill_fit: float
    pinned: bool = False
    alternatives: list[Alternative] = []


class RuleCount(_Frozen):
    """How many cadres a hard rule excludes for one demand."""

    rule: str
    excluded: int = Field(description="cadres failing this rule")
    only: int = Field(description="cadres failing this rule and no other (it alone binds them)")


class Unfilled(_Frozen):
    """A demand left with empty ``slots``, and why (binding reason first)."""

    demand: str
    slots: int
    reasons: list[str] = Field(description="English sentences, one per reason")
    why: list[Message] = Field(
        [], description="the reasons as codes and params, same order as reasons"
    )
    rules: list[RuleCount] = []
    qualified: int = Field(0, description="cadres passing every hard rule")


class Kpis(_Frozen):
    slots_total: int
    slots_filled: int
    fill_rate: float
    priority_weighted_fill: float
    mean_skill_fit: float | None = Field(
        description="mean skill fit of the assigned pairs; null when none is assigned (no mean)"
    )
    mean_travel_km: float | None = Field(
        description="mean travel (km) of the assigned pairs; null when none is assigned"
    )
    max_travel_km: float | None = Field(
        description="longest travel (km) of the assigned pairs; null when none is assigned"
    )
    cadres_used: int
    cadres_available: int
    objective: float


class DistrictPosition(_Frozen):
    """Where the district stands once this proposal is accepted: what dispatches
    already fill, plus what the proposal adds, of every open demand's slots.

    ``Kpis`` speak of the proposal alone (the slots still open when it was made);
    a dispatcher asks how staffed the district is, so both are reported.
    """

    slots_total: int = Field(description="headcount of every open demand")
    staffed_before: int = Field(description="slots already filled by dispatches")
    proposed: int = Field(description="slots this proposal fills")
    staffed_after: int
    fill_rate_before: float
    fill_rate_after: float
    priority_weighted_fill_after: float


class Proposal(_Frozen):
    objective: float
    assignments: list[ProposedAssignment]
    unfilled: list[Unfilled]
    kpis: Kpis
    solver: str = Field(
        description=(
            "'lsa' (linear_sum_assignment), 'lp' (HiGHS), 'lp-streamed', 'empty',"
            " or 'milp' (HiGHS branch-and-bound to a zero gap, under lending rules)"
        )
    )
    certified: bool = Field(
        description=(
            "optimality proven: no improving exchange, or (milp) the dual bound"
            " leaves no better plan on the score grid"
        )
    )
    bound: float | None = Field(
        None,
        description="milp only: HiGHS's dual bound on the objective (no plan scores above it)",
    )
    alternatives_below: float | None = Field(
        None,
        description=(
            "every alternative losing less than this many points is listed (up to the"
            " policy's count); null when dearer ones are listed too (dense engine);"
            " 0 when none are priced (milp: dated orders or lending rules)"
        ),
    )
    district: DistrictPosition | None = Field(
        None, description="the district's staffing after accepting this proposal"
    )
