"""The sample week as the console's week view tests see it: the district loaded from
``data/sample-week`` and a few of Monday's dated orders dispatched, so that a cadre's
week has something to show (a whole day of the sample is a minute-long MILP: a few orders
of it are planned here, by the engine, and accepted through the store)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from matcher import propose
from matcher.store import Store

__all__ = ["MONDAY", "dispatch_a_few", "fill_with_ongoing"]

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


def fill_with_ongoing(store: Store, district: str) -> str:
    """Dispatch ongoing work (no window) to a cadre of capacity one, planned by the engine
    one ongoing order at a time until its cadre has that capacity, and accept it: answers
    the cadre, whose one place is then held all the time."""
    with store.read() as tx:
        snap = tx.snapshot(district)
    capacity = {c.id: c.capacity for c in snap.case.cadres}
    for d in [d for d in snap.case.demands if d.window is None][:40]:
        plan = propose(replace(snap.case, demands=(d,)))
        pairs = [(a.cadre, a.demand) for a in plan.assignments if capacity[a.cadre] == 1][:1]
        if pairs:
            with store.write() as tx:
                pid = tx.add_proposal(
                    district, {}, plan.model_dump(mode="json"), snap.basis(pairs), pairs
                )
                tx.accept(district, pid)
            return pairs[0][0]
    raise AssertionError("no ongoing order of the sample week goes to a cadre of capacity 1")
