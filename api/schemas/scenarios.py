"""Scenarios (what-ifs): the request and the comparison, answered by ``POST …/scenarios``
or, computed as a job, kept on the job (``JobPublic.result``)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from matcher.messages import Message
from matcher.whatif import Churn, CountDelta, KpiDelta, SlotCounterfactual

__all__ = ["ScenarioPublic", "ScenarioRequest"]


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
