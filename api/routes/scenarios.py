"""Scenarios: run a what-if against the district's live state and return the comparison.

Nothing is written: the scenario's edits apply to a copy of the snapshot, and
both plans (baseline and scenario) are solved exactly without alternates, with
active dispatches using up capacity and headcount and declined pairs excluded,
exactly as ``POST /proposals`` does. Planners and admins only.

``explain_unfilled`` prices the scenario plan's empty slots with
:func:`matcher.whatif.slot_fixes`, as ``matcher propose --explain-unfilled`` does:
in a district with dated orders, the ongoing orders' relaxations with the plan's
dated dispatches (and those the district holds) kept, said by
``counterfactuals_note``, and the short dated orders named in
``counterfactuals_unpriced`` (they keep their reasons, without relaxations).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from api.deps import StoreDep, respond
from api.errors import PROBLEM_RESPONSES, Forbidden
from api.params import Proposer
from matcher.messages import Message
from matcher.whatif import (
    Churn,
    CountDelta,
    KpiDelta,
    SlotCounterfactual,
    apply_scenario,
    compare,
    parse_scenario,
    slot_fixes,
)

__all__ = ["router"]

router = APIRouter(
    prefix="/v1/districts/{district}", tags=["scenarios"], responses=PROBLEM_RESPONSES
)


class ScenarioRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid", strict=True
    )  # as api.schemas.base.RequestBody: no "true" for a bool

    name: str = Field("scenario", max_length=200)
    description: str = Field("", max_length=2000)
    edits: list[dict[str, Any]] = Field(
        default_factory=list, max_length=200, description="edits as in a scenario TOML file"
    )
    explain_unfilled: bool = Field(False, description="add counterfactuals for empty slots")


class ScenarioPublic(BaseModel):
    scenario: str
    kpis: list[KpiDelta]
    unfilled_by_category: list[CountDelta]
    unfilled_by_tag: list[CountDelta]
    churn: Churn
    counterfactuals: list[SlotCounterfactual] | None = None
    counterfactuals_note: Message | None = Field(
        None,
        description="fix.keeps_dated: with dated orders, the ongoing orders' "
        "counterfactuals keep the plan's dated dispatches as proposed",
    )
    counterfactuals_unpriced: Message | None = Field(
        None,
        description="fix.dated_unpriced: the short dated orders, which get no "
        "counterfactuals (their unfilled reasons stand)",
    )


@router.post("/scenarios", response_model=ScenarioPublic)
def run_scenario(
    a: Proposer, body: ScenarioRequest, store: StoreDep, request: Request
) -> JSONResponse:
    """Baseline against the scenario on the live pool; live data is never changed."""
    if a.principal.role not in ("planner", "admin"):
        raise Forbidden(f"role {a.principal.role!r} cannot run scenarios (planner or admin)")
    with store.read() as tx:
        snap = tx.snapshot(a.district)
    data = body.model_dump(exclude={"explain_unfilled"})
    sc = parse_scenario(data, snap.case, source="body")
    with request.app.state.solve_gate.sem:
        cmp = compare(snap.case, sc, **snap.holding())
        fixes = None
        if body.explain_unfilled:
            new_case, _ = apply_scenario(snap.case, sc)
            ids_c = {c.id for c in new_case.cadres}
            ids_d = {d.id for d in new_case.demands}
            fixes = slot_fixes(
                new_case,
                cmp.result,
                excluded=[(c, d) for c, d in snap.excluded if c in ids_c and d in ids_d],
                used_capacity={k: v for k, v in snap.used_capacity.items() if k in ids_c},
                filled_slots={k: v for k, v in snap.filled_slots.items() if k in ids_d},
                held={k: v for k, v in snap.held.items() if k in ids_c},
            )
    out = cmp.model_dump(mode="json", exclude={"base", "result"})
    if fixes is not None:
        out.update(fixes.answer_fields())
    return respond(ScenarioPublic, out)
