"""The sample week as the console's week view tests see it: the district loaded from
``data/sample-week`` and a few of Monday's dated orders dispatched, so that a cadre's
week has something to show (a whole day of the sample is a minute-long MILP: a few orders
of it are planned here, by the engine, and accepted through the store)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from matcher import propose
from matcher.store import Store

__all__ = ["MONDAY", "dispatch_a_few"]

#: the sample week's Monday
MONDAY = dt.date(2026, 12, 7)


def dispatch_a_few(store: Store, district: str, n: int = 8) -> list[tuple[str, str]]:
    """Plan ``n`` of Monday's dated orders alone, store the plan as a proposal and accept
    it; answers the (cadre, demand) pairs dispatched."""
    with store.read() as tx:
        snap = tx.snapshot(district)
    monday = [d for d in snap.case.demands if d.window is not None and d.window.days()[0] == MONDAY]
    plan = propose(replace(snap.case, demands=tuple(monday[:n])))
    pairs = [(a.cadre, a.demand) for a in plan.assignments]
    with store.write() as tx:
        pid = tx.add_proposal(district, {}, plan.model_dump(mode="json"), snap.basis(pairs), pairs)
        tx.accept(district, pid)
    return pairs
