"""Time counterfactuals: the earliest start the same day at which a short dated order fills more.

"9 qualified cadres, all busy Tuesday 18:00–22:00" invites the question a
dispatcher asks next: *would it fill at another time?* For each dated order
the plan leaves short, this tries its window at each full hour of the same
local day (06:00 to 22:00, duration kept: elapsed time, so a window across a
daylight-saving change keeps its real length) and reports the earliest start
at which more of its headcount would be filled, with everyone else's plan
unchanged.

Exact for that question, by recounting the hard rules, no solver involved: at
a start ``t`` a cadre can take the order when the pair passes every rule of
:mod:`matcher.rules` for the moved window (skills, certs, travel, status, the
weekly pattern covering it, not away) and scores above 0 (a pair the planner
would take), is not declined, and, with the rest of the plan and the work held
already kept, still has room: ongoing work plus the dated orders overlapping
the moved window stay below ``capacity`` at every instant, and every ISO week's
hours (:func:`matcher.dated.hours_by_week`, the order's ``hours`` rule) stay
within ``hours_per_week``. Cadres are independent once the rest of the plan is
fixed, so the order then fills ``min(headcount, cadres who can)``, its own
current cadres included only if they can take it at the new time.

Not with lending rules (``[lending]``): whether a cadre may be lent to the
order's community depends on everyone else lent, which no per-cadre count sees;
:func:`time_shifts` refuses such a policy, as what-if pricing does.

Cost: one scoring of the moved copies (at most 17 per short order, in blocks
of columns) and a count over their feasible cadres, each cadre's other
commitments gathered once per order; never a re-solve. A worked case by hand:
``tests/whatif/test_timeshift.py``.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from matcher.constraints import HeldWindow
from matcher.dated import Window, district_zone, format_local, hours_by_week
from matcher.errors import InputError, Problem
from matcher.messages import Labels, Lang, Message, labels_for, msg, render
from matcher.model import Case, Demand
from matcher.proposal import Proposal
from matcher.propose import propose
from matcher.scoring import Scorer

__all__ = ["FIRST_HOUR", "LAST_HOUR", "TimeShift", "format_time_shifts", "time_shifts"]

#: the first and last full hours a short order's start is tried at (local, same day)
FIRST_HOUR, LAST_HOUR = 6, 22
#: moved copies scored at once (columns of one Scorer block)
_BLOCK = 512

Week = tuple[int, int]


class TimeShift(BaseModel):
    """A short dated order moved to another start the same day, and what it would fill."""

    model_config = ConfigDict(frozen=True)

    demand: str
    start: str = Field(description="the moved start, local (2026-12-08T19:00)")
    end: str = Field(description="the moved end, local")
    headcount: int
    filled: int = Field(description="slots the plan fills now")
    fill: int = Field(description="slots it would fill at the moved time, the rest unchanged")
    free: int = Field(description="qualified cadres who could take it then")
    text: str = Field(description="English; render(why, 'en')")
    why: Message = Field(description="fix.move_to with its params")


class _Busy:
    """One cadre's commitments besides the order being moved: what the plan gives
    them and what they hold already (accepted earlier). Windows are taken in the
    district's ``zone``, whose local Mondays cut the weeks (as the solver cuts them),
    whatever zone their datetimes were written in."""

    def __init__(self, zone: dt.tzinfo) -> None:
        self.zone = zone
        self.ongoing = 0
        self.spans: list[tuple[float, float]] = []
        self.weeks: dict[Week, float] = {}

    def add(self, window: Window, hours: float | None) -> None:
        window = Window(window.start.astimezone(self.zone), window.end.astimezone(self.zone))
        self.spans.append((window.start.timestamp(), window.end.timestamp()))
        for wk, h in hours_by_week(window, hours).items():
            self.weeks[wk] = self.weeks.get(wk, 0.0) + h

    def room(self, w: Window, weeks: Mapping[Week, float], capacity: int, limit: float) -> bool:
        """Whether the cadre can also hold ``w`` (its hours per week ``weeks``)."""
        s, e = w.start.timestamp(), w.end.timestamp()
        over = [(a, b) for a, b in self.spans if a < e and s < b]
        points = [s, *(a for a, _ in over if a > s)]
        most = max((sum(1 for a, b in over if a <= p < b) for p in points), default=0)
        if self.ongoing + most + 1 > capacity:
            return False
        return not math.isfinite(limit) or all(
            self.weeks.get(wk, 0.0) + h <= limit + 1e-9 for wk, h in weeks.items()
        )


def _moved(d: Demand, zone: dt.tzinfo) -> list[Demand]:
    """``d`` started at each full hour of its local start day but its own, its
    elapsed length kept (a start the clocks skip is left out)."""
    w = d.window
    assert w is not None
    length = w.end - w.start if d.end is not None else None
    day = w.wall()[0].date()
    out = []
    for hour in range(FIRST_HOUR, LAST_HOUR + 1):
        wall = dt.datetime.combine(day, dt.time(hour))
        start = wall.replace(tzinfo=zone)
        if start.astimezone(dt.UTC).astimezone(zone).replace(tzinfo=None) != wall:
            continue  # in a daylight-saving gap
        if start == w.start:
            continue
        end = None
        if length is not None:
            end = (start.astimezone(dt.UTC) + (w.end.astimezone(dt.UTC) - w.start)).astimezone(zone)
        out.append(replace(d, start=start, end=end))
    return out


def time_shifts(
    case: Case,
    proposal: Proposal | None = None,
    *,
    excluded: Iterable[tuple[str, str]] = (),
    used_capacity: Mapping[str, int] | None = None,
    filled_slots: Mapping[str, int] | None = None,
    held: Mapping[str, Sequence[HeldWindow]] | None = None,
    days: tuple[dt.date | None, dt.date | None] = (None, None),
) -> list[TimeShift]:
    """For each dated order ``proposal`` leaves short, the earliest start the same
    day (each full hour, 06:00–22:00) at which it would fill more of its headcount,
    the rest of the plan unchanged (module docstring); orders no hour helps are
    left out. Pass the constraints the proposal was made with (as for
    :func:`matcher.propose`); without ``proposal`` the case is proposed first.
    ``days`` (first, last; local, ``None`` open) is the horizon planned: a move
    whose window touches none of those days is not offered (an overnight order
    planned for its second day is not moved wholly onto the first).

    A policy with lending rules (``[lending]`` max_lent, limits, home_floor) is
    refused (``problem.lending_not_moved``): the count above knows nothing of them,
    so it would claim fills the solver will not make."""
    if case.policy.lending.is_on:
        raise InputError(
            "cannot move dated orders",
            [
                Problem(
                    "policy",
                    "time shifts do not model the lending rules (max_lent, limits, home_floor):"
                    " they could claim fills the solver will not make",
                    column="lending",
                    code="problem.lending_not_moved",
                )
            ],
        )
    if proposal is None:
        proposal = propose(
            case,
            excluded=excluded,
            used_capacity=used_capacity,
            filled_slots=filled_slots,
            held=held,
        )
    zone = district_zone(case.policy.timezone)
    demands = {d.id: d for d in case.demands}
    short = [demands[u.demand] for u in proposal.unfilled if demands[u.demand].window]
    if not short:
        return []
    cadres = {c.id: c for c in case.cadres}
    busy: dict[str, dict[str, _Busy]] = {d.id: {} for d in short}
    on: dict[str, set[str]] = {d.id: set() for d in short}
    for a in proposal.assignments:
        if a.demand in on:
            on[a.demand].add(a.cadre)
    used = dict(used_capacity or {})
    held_of = {c: list(spans) for c, spans in (held or {}).items()}
    banned = set(excluded)

    def commitments(cadre: str, moving: str) -> _Busy:
        b = _Busy(zone)
        b.ongoing = used.get(cadre, 0)  # ongoing work accepted earlier (as propose reads it)
        for x in held_of.get(cadre, ()):
            b.add(Window(x[0], x[1]), x[2])
        for a in mine.get(cadre, ()):
            if a == moving:
                continue
            d = demands[a]
            w = d.window
            if w is None:
                b.ongoing += 1
            else:
                b.add(w, d.hours)
        return b

    mine: dict[str, list[str]] = {}
    for a in proposal.assignments:
        mine.setdefault(a.cadre, []).append(a.demand)
    first, last = days

    def within(m: Demand) -> bool:
        w = m.window
        assert w is not None
        span = w.days()
        return (first is None or span[-1] >= first) and (last is None or span[0] <= last)

    copies = [(d, m) for d in short for m in _moved(d, zone) if within(m)]
    scorer = Scorer(replace(case, demands=tuple(m for _, m in copies)))
    best: dict[str, TimeShift] = {}
    for lo in range(0, len(copies), _BLOCK):
        block = scorer.block(slice(None), slice(lo, lo + _BLOCK))
        ok = block.feasible & (block.scores > 0)
        for c, (d, m) in enumerate(copies[lo : lo + _BLOCK]):
            if d.id in best:  # the copies run in hour order: the first found is the earliest
                continue
            w = m.window
            assert w is not None
            weeks = hours_by_week(w, m.hours)
            free = 0
            for i in np.flatnonzero(ok[:, c]).tolist():
                cid = scorer.cadre_ids[i]
                if (cid, d.id) in banned:
                    continue
                b = busy[d.id].get(cid)
                if b is None:
                    b = busy[d.id][cid] = commitments(cid, d.id)
                cadre = cadres[cid]
                if b.room(w, weeks, cadre.capacity, cadre.hours_per_week):
                    free += 1
            head = d.headcount - (filled_slots or {}).get(d.id, 0)
            fill, filled = min(head, free), len(on[d.id])
            if fill > filled:
                best[d.id] = _shift(d, w, head, filled, fill, free, case)
    return [best[d.id] for d in short if d.id in best]


def _shift(
    d: Demand, w: Window, head: int, filled: int, fill: int, free: int, case: Case
) -> TimeShift:
    why = msg(
        "fix.move_to",
        demand=d.id,
        time=format_local(w.start)[11:16],
        window=str(w),
        fill=fill,
        slots=head,
        filled=filled,
        count=free,
    )
    return TimeShift(
        demand=d.id,
        start=format_local(w.start),
        end=format_local(w.end),
        headcount=head,
        filled=filled,
        fill=fill,
        free=free,
        text=render(why, "en", labels_for(case)),
        why=why,
    )


def format_time_shifts(
    rows: list[TimeShift], lang: Lang = "en", labels: Labels | None = None
) -> str:
    """Plain-text lines for the CLI, in ``lang``: a header, then one line per order a
    move fills (nothing when no move helps any)."""
    if not rows:
        return ""
    out = [
        render(
            msg("cli.move_header", first=f"{FIRST_HOUR:02d}:00", last=f"{LAST_HOUR:02d}:00"), lang
        )
    ]
    out += ["  " + (r.text if lang == "en" else render(r.why, lang, labels)) for r in rows]
    return "\n".join(out) + "\n"
