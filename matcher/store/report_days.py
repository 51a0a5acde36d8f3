"""A report's days as they were, for the manual rule's replay (:func:`matcher.replay_days`).

Why here: only the store knows the past, and it keeps dispatches with their dates
but not every earlier version of the pool. A day's inputs are rebuilt from what it
does keep, at the start of the day (the district's local time):

- a demand is open that day when it exists (created that day or before; an unknown
  creation time counts as before), and is open now or had a dispatch accepted that
  day or later (the store keeps no closing time, so a closed demand counts open up
  to its last dispatch); its open slots are its headcount less its dispatches
  accepted earlier that still take a slot (active at the start of the day, or
  completed before it on a one-off demand: :func:`~matcher.store.lifecycle.takes_slot`);
- a cadre on today's roster is free by their capacity less their dispatches
  accepted earlier and still active at the start of the day;
- a pair is excluded when declined before the day, or dispatched before it in a way
  that keeps it out of proposals (:func:`~matcher.store.lifecycle.blocks_pair`);
- the days replayed are those with a dispatch accepted on a stored demand (a
  generated past hangs on archived demands and is not replayed).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from matcher import Case, DayInputs
from matcher.store.core import local_day
from matcher.store.lifecycle import blocks_pair, takes_slot
from matcher.store.rows import DeclineRow, DemandRow, DispatchRow

if TYPE_CHECKING:
    from matcher.store.store import Tx

__all__ = ["replay_inputs"]


def replay_inputs(
    tx: Tx, district: str, first: date, last: date, dispatches: list[DispatchRow]
) -> tuple[Case, list[DayInputs]]:
    """Every demand and cadre of the district (closed demands too), and the inputs of
    each day of ``[first, last]`` on which a dispatch was accepted on one of them."""
    case = tx.case(district, include_closed=True)
    demands = {d.id: d for d in tx.list_demands(district, limit=2**31)[0]}
    zone = tx.zone(district)
    made = {x.id: local_day(x.created_at, zone) for x in dispatches}
    ended = {x.id: local_day(x.closed_at, zone) for x in dispatches if x.closed_at is not None}
    on = [x for x in dispatches if x.demand in demands]
    days = sorted({made[x.id] for x in on if first <= made[x.id] <= last})
    last_made: dict[str, date] = {}
    for x in on:
        last_made[x.demand] = max(made[x.id], last_made.get(x.demand, made[x.id]))
    capacity = {c.id: c.capacity for c in case.cadres}
    # a past dispatch on an archived demand ended before the period holds nothing in it
    held = [
        x for x in dispatches if x.demand in demands or x.id not in ended or ended[x.id] >= first
    ]
    declines = tx.list_declines(district)
    return case, [
        _inputs(day, demands, held, made, ended, last_made, capacity, declines, zone)
        for day in days
    ]


def _inputs(
    day: date,
    demands: dict[str, DemandRow],
    held: list[DispatchRow],
    made: dict[int, date],
    ended: dict[int, date],
    last_made: dict[str, date],
    capacity: dict[str, int],
    declines: list[DeclineRow],
    zone: ZoneInfo,
) -> DayInputs:
    taken: dict[str, int] = defaultdict(int)
    busy: dict[str, int] = defaultdict(int)
    accepted: list[tuple[str, str]] = []
    excluded = {(r.cadre, r.demand) for r in declines if local_day(r.created_at, zone) < day}
    for x in held:
        mine = demands.get(x.demand)
        if made[x.id] == day and mine is not None:
            accepted.append((x.cadre, x.demand))
        if made[x.id] >= day:
            continue
        still = x.id not in ended or ended[x.id] >= day
        busy[x.cadre] += still
        if mine is not None:
            taken[x.demand] += still or takes_slot(x.status, mine.recurring)
            if still or blocks_pair(x.status, mine.recurring):
                excluded.add((x.cadre, x.demand))
    open_: dict[str, int] = {}
    for d in demands.values():
        if d.created_at is not None and local_day(d.created_at, zone) > day:
            continue
        if d.status != "open" and last_made.get(d.id, date.min) < day:
            continue
        left = d.headcount - taken[d.id]
        if left > 0:
            open_[d.id] = left
    free = {c: n - busy[c] for c, n in capacity.items() if n - busy[c] > 0}
    return DayInputs(day, open_, free, sorted(accepted), sorted(excluded))
