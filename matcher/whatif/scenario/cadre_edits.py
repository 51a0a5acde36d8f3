"""Edits of the cadre pool: add, remove, status, capacity, travel limit, training."""

from __future__ import annotations

import math
import random
from dataclasses import replace
from typing import Any

from matcher.model import Cadre, Case, Status
from matcher.whatif.scenario.base import Checker, Edit
from matcher.whatif.scenario.checks import (
    CADRE_SELECT,
    STATUSES,
    certs,
    levels,
    needs_selector,
    number,
    select,
)
from matcher.whatif.scenario.edit import (
    EditKind,
    Note,
    cadre_filter,
    fresh_ids,
    homes,
    update_cadres,
)

__all__ = ["AddCadres", "RemoveCadres", "SetCapacity", "SetStatus", "Train", "TravelLimit"]


class AddCadres(EditKind):
    name = "add_cadres"
    keys = (
        "count",
        "id_prefix",
        "name",
        "home",
        "street",
        "skills",
        "certs",
        "capacity",
        "status",
        "max_travel_km",
    )

    def check(self, ctx: Checker, k: int, p: dict[str, Any]) -> None:
        number(ctx, k, "count", p.get("count", 1), 1, 2000, integer=True)
        if ("home" in p) == ("street" in p):
            ctx.bad(k, None, "add_cadres needs exactly one of home (community id) or street")
        select(ctx, k, {x: p[x] for x in ("street",) if x in p}, ())
        if "home" in p:
            select(ctx, k, {"community": p["home"]}, ())
            if ctx.problems and ctx.problems[-1].column == "community":
                last = ctx.problems.pop()
                ctx.problems.append(replace(last, column="home", row=ctx.line(k, "home")))
        p["skills"] = levels(ctx, k, "skills", p.get("skills", {}))
        certs(ctx, k, p)
        number(ctx, k, "capacity", p.get("capacity", 1), 0, 1000, integer=True)
        if p.get("status", "green") not in STATUSES:
            ctx.bad(k, "status", "status must be green, yellow or red", p.get("status"))
        if "max_travel_km" in p:
            number(ctx, k, "max_travel_km", p["max_travel_km"], 0)

    def apply(self, case: Case, e: Edit, note: Note) -> Case:
        p = e.params
        count = p.get("count", 1)
        ids = fresh_ids(p.get("id_prefix", "N"), count, {c.id for c in case.cadres})
        added = [
            Cadre(
                id=cid,
                name=f"{p.get('name', '新增干部')}{cid}",
                home=home,
                skills=dict(p["skills"]),
                certs=tuple(p["certs"]),
                capacity=p.get("capacity", 1),
                status=Status(p.get("status", "green")),
                max_travel_km=float(p.get("max_travel_km", math.inf)),
            )
            for cid, home in zip(ids, homes(case, p, count, "home"), strict=True)
        ]
        note(ids)
        return replace(case, cadres=(*case.cadres, *added))


class RemoveCadres(EditKind):
    name = "remove_cadres"
    keys = (*CADRE_SELECT, "count", "seed")

    def check(self, ctx: Checker, k: int, p: dict[str, Any]) -> None:
        needs_selector(ctx, k, p, self.name)
        if "count" in p:
            number(ctx, k, "count", p["count"], 0, integer=True)
        if "seed" in p:
            number(ctx, k, "seed", p["seed"], 0, integer=True)

    def apply(self, case: Case, e: Edit, note: Note) -> Case:
        p = e.params
        hit = [c.id for c in case.cadres if cadre_filter(case, p)(c)]
        if "count" in p and p["count"] < len(hit):
            hit = sorted(random.Random(p.get("seed", 0)).sample(sorted(hit), p["count"]))
        gone = set(hit)
        note(hit)
        return replace(case, cadres=tuple(c for c in case.cadres if c.id not in gone))


class SetStatus(EditKind):
    name = "set_status"
    keys = (*CADRE_SELECT, "to")

    def check(self, ctx: Checker, k: int, p: dict[str, Any]) -> None:
        needs_selector(ctx, k, p, self.name)
        if p.get("to") not in STATUSES:
            ctx.bad(k, "to", "to must be green, yellow or red", p.get("to"))

    def apply(self, case: Case, e: Edit, note: Note) -> Case:
        p = e.params

        def change(c: Cadre) -> Cadre:
            return replace(c, status=Status(p["to"]))

        return replace(case, cadres=update_cadres(case, cadre_filter(case, p), change, note))


class SetCapacity(EditKind):
    name = "set_capacity"
    keys = (*CADRE_SELECT, "capacity", "delta")

    def check(self, ctx: Checker, k: int, p: dict[str, Any]) -> None:
        needs_selector(ctx, k, p, self.name)
        if ("capacity" in p) == ("delta" in p):
            ctx.bad(k, None, "give exactly one of capacity (new value) or delta (change)")
        if "capacity" in p:
            number(ctx, k, "capacity", p["capacity"], 0, 1000, integer=True)
        if "delta" in p:
            number(ctx, k, "delta", p["delta"], -1000, 1000, integer=True)

    def apply(self, case: Case, e: Edit, note: Note) -> Case:
        p = e.params

        def change(c: Cadre) -> Cadre:
            cap = p["capacity"] if "capacity" in p else c.capacity + p["delta"]
            return replace(c, capacity=max(0, cap))

        return replace(case, cadres=update_cadres(case, cadre_filter(case, p), change, note))


class TravelLimit(EditKind):
    name = "travel_limit"
    keys = (*CADRE_SELECT, "max_km", "add_km")

    def check(self, ctx: Checker, k: int, p: dict[str, Any]) -> None:
        needs_selector(ctx, k, p, self.name)
        if ("max_km" in p) == ("add_km" in p):
            ctx.bad(k, None, "give exactly one of max_km (new limit) or add_km (widen by)")
        if "max_km" in p:
            number(ctx, k, "max_km", p["max_km"], 0)
        if "add_km" in p:
            number(ctx, k, "add_km", p["add_km"], -1000, 1000)

    def apply(self, case: Case, e: Edit, note: Note) -> Case:
        p = e.params

        def change(c: Cadre) -> Cadre:
            if "max_km" in p:
                return replace(c, max_travel_km=float(p["max_km"]))
            return replace(c, max_travel_km=max(0.0, c.max_travel_km + p["add_km"]))

        return replace(case, cadres=update_cadres(case, cadre_filter(case, p), change, note))


class Train(EditKind):
    name = "train"
    keys = ("ids", "best", "tag", "levels")

    def check(self, ctx: Checker, k: int, p: dict[str, Any]) -> None:
        tax = ctx.case.taxonomy
        if ("ids" in p) == ("best" in p):
            ctx.bad(k, None, "train needs exactly one of ids (list) or best (how many cadres)")
        select(ctx, k, {x: p[x] for x in ("ids",) if x in p}, CADRE_SELECT)
        if "best" in p:
            number(ctx, k, "best", p["best"], 1, 10000, integer=True)
        if not tax.has_tag(str(p.get("tag"))):
            ctx.bad(
                k,
                "tag",
                f"unknown tag '{p.get('tag')}'",
                p.get("tag"),
                tax.suggest_tag(str(p.get("tag"))),
            )
        number(ctx, k, "levels", p.get("levels", 1), 1, 4, integer=True)

    def apply(self, case: Case, e: Edit, note: Note) -> Case:
        p = e.params
        tag, up = p["tag"], p.get("levels", 1)
        if "ids" in p:
            chosen = set(p["ids"])
        else:
            # "best k": the active cadres closest to mastery on the tag (highest own level
            # below 5), ties by id: a deterministic rule, documented in docs/whatif.md
            pool = [
                c
                for c in case.cadres
                if c.status is not Status.RED and c.capacity > 0 and c.skills.get(tag, 0) < 5
            ]
            pool.sort(key=lambda c: (-c.skills.get(tag, 0), c.id))
            chosen = {c.id for c in pool[: p["best"]]}

        def change(c: Cadre) -> Cadre:
            return replace(c, skills={**c.skills, tag: min(5, c.skills.get(tag, 0) + up)})

        return replace(case, cadres=update_cadres(case, lambda c: c.id in chosen, change, note))
