"""The hand-worked dated case of ``tests/whatif/test_ongoing.py`` (its docstring tells
the plan), shared with the CLI's what-if tests."""

from __future__ import annotations

import datetime as dt

from matcher import Cadre, Case, Community, Demand, Policy, default_taxonomy
from matcher.dated import district_zone, parse_weekly
from tests.strategies import TAGS

ZONE = district_zone()
TUE = dt.datetime(2026, 12, 8, tzinfo=ZONE)
TAG, OTHER, NONE = TAGS[0], TAGS[1], TAGS[2]  # NONE: a skill no cadre has


def dated_case() -> Case:
    comms = (
        Community("C0", "东社区", "东街道", 32.0, 118.7),
        Community("C1", "西社区", "西街道", 32.0, 118.7 + 10 / 94.4),  # ~10 km east
    )

    def cadre(cid: str, capacity: int, **kw: object) -> Cadre:
        skills = {TAG: 5, OTHER: 5} if cid == "P4" else {TAG: 5}
        return Cadre(id=cid, name=f"干部{cid}", home=kw.pop("home", "C0"), skills=skills,  # type: ignore[arg-type]
                     capacity=capacity, **kw)  # type: ignore[arg-type]  # fmt: skip

    def shift(did: str, start: int, end: int) -> Demand:
        at = TUE + dt.timedelta(hours=start)
        return Demand(id=did, community="C0", title="值守", needs={TAG: 3}, priority=5,
                      start=at, end=at + dt.timedelta(hours=end - start))  # fmt: skip

    cadres = (
        cadre("P1", 1),
        cadre("P2", 1, home="C1", max_travel_km=1.0, available=parse_weekly("mon-fri 08:00-12:00")),
        cadre("P3", 2),
        cadre("P4", 2),
    )
    demands = (
        shift("S1", 18, 22),
        shift("S2", 18, 22),
        shift("S3", 19, 23),
        shift("S4", 18, 22),
        Demand(id="O1", community="C0", title="走访", needs={TAG: 3}, priority=1),
        Demand(
            id="O2", community="C0", title="宣讲", needs={OTHER: 3}, requires={OTHER: 3}, priority=3
        ),
    )
    return Case(default_taxonomy(), comms, cadres, demands, Policy(alternatives=0))
