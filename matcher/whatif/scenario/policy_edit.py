"""The ``policy`` edit: new score weights or related-tag credit, checked as a policy."""

from __future__ import annotations

from typing import Any

from matcher.errors import PolicyError, Problem
from matcher.model import Case
from matcher.policy import parse_policy
from matcher.whatif.scenario.base import Checker, Edit
from matcher.whatif.scenario.edit import EditKind, Note

__all__ = ["PolicyEdit"]


class PolicyEdit(EditKind):
    name = "policy"
    keys = ("weights", "related_credit")

    def check(self, ctx: Checker, k: int, p: dict[str, Any]) -> None:
        try:
            merged = ctx.case.policy.model_dump()
            if "weights" in p:
                if not isinstance(p["weights"], dict):
                    raise PolicyError("weights must be a table", [])
                merged["weights"] = {**merged["weights"], **p["weights"]}
            if "related_credit" in p:
                merged["related_credit"] = p["related_credit"]
            parse_policy(merged, ctx.file)
        except PolicyError as exc:
            for prob in exc.problems or [Problem(ctx.file, str(exc))]:
                key = (prob.column or "weights").split(".")[0]
                ctx.bad(k, key, f"{prob.column}: {prob.message}", prob.value, prob.hint or "")

    def apply(self, case: Case, e: Edit, note: Note) -> Case:
        p = e.params
        merged = case.policy.model_dump()
        merged["weights"] = {**merged["weights"], **p.get("weights", {})}
        if "related_credit" in p:
            merged["related_credit"] = p["related_credit"]
        return case.with_policy(parse_policy(merged, e.label))
