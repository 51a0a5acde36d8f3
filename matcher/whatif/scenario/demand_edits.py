"""Edits of the demands: add work orders, scale headcounts."""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any

from matcher.model import Case, Demand
from matcher.whatif.scenario.base import Checker, Edit
from matcher.whatif.scenario.checks import DEMAND_SELECT, certs, levels, number, select
from matcher.whatif.scenario.edit import EditKind, Note, demand_filter, fresh_ids, homes

__all__ = ["AddDemands", "ScaleDemand"]


class AddDemands(EditKind):
    name = "add_demands"
    keys = (
        "count",
        "id_prefix",
        "title",
        "community",
        "street",
        "needs",
        "requires",
        "certs",
        "headcount",
        "priority",
    )

    def check(self, ctx: Checker, k: int, p: dict[str, Any]) -> None:
        number(ctx, k, "count", p.get("count", 1), 1, 2000, integer=True)
        if ("community" in p) == ("street" in p):
            ctx.bad(k, None, "add_demands needs exactly one of community or street")
        select(ctx, k, {x: p[x] for x in ("community", "street") if x in p}, ())
        p["needs"] = levels(ctx, k, "needs", p.get("needs", {}))
        p["requires"] = levels(ctx, k, "requires", p.get("requires", {}))
        certs(ctx, k, p)
        number(ctx, k, "headcount", p.get("headcount", 1), 1, 1000, integer=True)
        number(ctx, k, "priority", p.get("priority", 3), 1, 5, integer=True)

    def apply(self, case: Case, e: Edit, note: Note) -> Case:
        p = e.params
        count = p.get("count", 1)
        ids = fresh_ids(p.get("id_prefix", "ND"), count, {d.id for d in case.demands})
        added = [
            Demand(
                id=did,
                community=com,
                title=str(p.get("title", "新增需求")),
                needs=dict(p["needs"]),
                requires=dict(p["requires"]),
                certs=tuple(p["certs"]),
                headcount=p.get("headcount", 1),
                priority=p.get("priority", 3),
            )
            for did, com in zip(ids, homes(case, p, count, "community"), strict=True)
        ]
        note(ids)
        return replace(case, demands=(*case.demands, *added))


class ScaleDemand(EditKind):
    name = "scale_demand"
    keys = (*DEMAND_SELECT, "factor")

    def check(self, ctx: Checker, k: int, p: dict[str, Any]) -> None:
        if not any(s in p for s in DEMAND_SELECT):
            ctx.bad(k, None, f"scale_demand needs a selector: one of {', '.join(DEMAND_SELECT)}")
        select(ctx, k, p, DEMAND_SELECT)
        number(ctx, k, "factor", p.get("factor"), 0, 100)

    def apply(self, case: Case, e: Edit, note: Note) -> Case:
        p = e.params
        pick = demand_filter(case, p)
        out = []
        for d in case.demands:
            if pick(d):
                note([d.id])
                head = math.floor(d.headcount * p["factor"] + 0.5)
                if head == 0:
                    continue  # scaled to nothing: the demand is dropped
                d = replace(d, headcount=head)
            out.append(d)
        return replace(case, demands=tuple(out))
