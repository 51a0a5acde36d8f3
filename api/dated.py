"""Dated work at the edge: body fields read into the model, ranges of days, a cadre's calendar.

Why apart: cadre and demand routes read a weekly pattern, days away and a window the
same way, and a bad value must be a located 422 from the moment it arrives, never a
window that fails when it is solved. Texts are the case files' (``mon-fri
18:00-21:30``, ``2026-12-10..2026-12-14``, ``2026-12-08T18:00``): the store keeps
them as written, local to the district. The calendar routes share one reading of a
``?from=&to=`` range of local days.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from matcher import MAX_DEMAND_HOURS, MAX_HORIZON_DAYS, Demand, InputError, Problem
from matcher.dated import (
    DAY_NAMES,
    YEARS,
    Away,
    Weekly,
    Window,
    format_local,
    hours_by_week,
    parse_away,
    parse_local,
    parse_weekly,
    service_hours,
)
from matcher.store import CadreRow, DispatchRow, local_day

__all__ = [
    "MAX_RANGE_DAYS",
    "away_field",
    "cadre_calendar",
    "day_range",
    "hours_field",
    "reversed_range",
    "weekly_field",
    "window_fields",
]

#: the most local days one calendar answers: a proposal's horizon's limit (two months)
MAX_RANGE_DAYS = MAX_HORIZON_DAYS

T = TypeVar("T")


def _parsed(field: str, text: str | None, parse: Callable[[str], T]) -> T | None:
    if text is None:
        return None
    try:
        return parse(text)
    except ValueError as exc:
        raise InputError(
            f"{field} is not valid", [Problem("body", str(exc), column=field, value=text[:80])]
        ) from None


def weekly_field(text: str | None) -> Weekly | None:
    """``available`` as a weekly pattern (None: always available)."""
    return _parsed("available", text, parse_weekly)


def away_field(text: str | None) -> Away | None:
    """``away`` as days away (None: never away)."""
    return _parsed("away", text, parse_away)


def _number(x: float) -> str:
    """A body's number as a cell would hold it (``5``, ``2.5``, not ``5.0``)."""
    return f"{x:.15g}"


def hours_field(hours: float | None) -> None:
    """Refuse ``hours`` a ``demands.csv`` cell may not hold, with the cell's problem
    codes: ``problem.hours_positive`` for 0, ``problem.hours_between`` outside 0 …
    :data:`matcher.MAX_DEMAND_HOURS` (one limit for files, bodies and the console)."""
    if hours is None:
        return
    if hours == 0:
        problem = Problem("body", "hours must be above 0 (blank = the whole window, or"
                          " unknown)", column="hours", value="0", code="problem.hours_positive",
                          params={})  # fmt: skip
    elif not (math.isfinite(hours) and 0 < hours <= MAX_DEMAND_HOURS):
        problem = Problem(
            "body",
            f"hours must be between 0 and {MAX_DEMAND_HOURS} hours (blank = the whole"
            " window, or unknown)",
            column="hours",
            value=_number(hours),
            code="problem.hours_between",
            params={"field": "hours", "max": MAX_DEMAND_HOURS},
        )
    else:
        return
    raise InputError("hours is not valid", [problem])


def window_fields(
    start: str | None, end: str | None, hours: float | None, zone: ZoneInfo
) -> tuple[dt.datetime | None, dt.datetime | None]:
    """A dated order's ``start`` and ``end`` (local wall-clock times), checked as a
    window in ``zone``, the district's (its policy's ``timezone``): the store keeps the
    text and reads it back in that zone, so a time the district's clocks skip, or
    ``hours`` longer than the window across a daylight-saving change, is refused here,
    as the case files refuse it. An end after its start, or ``hours`` for its length
    (:func:`hours_field`: above 0, at most :data:`matcher.MAX_DEMAND_HOURS`)."""
    hours_field(hours)
    s = _parsed("start", start, lambda x: parse_local(x, zone))
    e = _parsed("end", end, lambda x: parse_local(x, zone))
    if s is None:
        if e is not None:
            raise InputError(
                "end is not valid",
                [Problem("body", "an end without a start", column="end", value=end)],
            )  # fmt: skip
        return None, None
    if e is None and hours is None:
        raise InputError(
            "start is not valid",
            [Problem("body", "a dated order needs an end or its hours", column="start",
                     value=start)],
        )  # fmt: skip
    if e is not None:
        w = _parsed("end", end, lambda _: Window(s, e))
        if w is not None and hours is not None and hours > w.hours + 1e-9:
            raise InputError(
                "hours is not valid",
                [Problem("body", f"hours ({hours:g}) exceed the window from start to end"
                         f" ({w.hours:g} h)", column="hours", value=_number(hours))],
            )  # fmt: skip
    return s, e


def reversed_range(first: dt.date | None, last: dt.date | None) -> None:
    """Refuse a horizon or calendar range whose first day comes after its last (422
    ``horizon.reversed``, as the CLI's ``--from``/``--to``; the ledger's periods answer
    ``ledger.period_reversed``)."""
    if first is not None and last is not None and first > last:
        raise InputError(
            f"the horizon starts on {first}, after it ends on {last}: give the first day first",
            code="horizon.reversed",
            params={"first": first.isoformat(), "last": last.isoformat()},
        )


#: the years a calendar may show: those a date may fall in at all
CALENDAR_YEARS = YEARS


def day_range(
    first: dt.date | None, last: dt.date | None, today: dt.date
) -> tuple[dt.date, dt.date]:
    """The local days a calendar shows: both given, or a week from ``first`` or up to
    ``last``, or the ISO week of ``today``; at most :data:`MAX_RANGE_DAYS` days.

    Raises:
        InputError: ``horizon.reversed``, ``calendar.range_too_long`` or
            ``calendar.year_range`` (422).
    """
    for day in (first, last):
        if day is not None and not CALENDAR_YEARS[0] <= day.year <= CALENDAR_YEARS[1]:
            raise InputError(
                f"{day} is outside the years {CALENDAR_YEARS[0]}–{CALENDAR_YEARS[1]}",
                code="calendar.year_range",
                params={"day": day.isoformat(), "first": CALENDAR_YEARS[0],
                        "last": CALENDAR_YEARS[1]},
            )  # fmt: skip
    if first is None and last is None:
        first = today - dt.timedelta(days=today.weekday())
    if first is None:
        assert last is not None
        first = last - dt.timedelta(days=6)
    if last is None:
        last = first + dt.timedelta(days=6)
    reversed_range(first, last)
    days = (last - first).days + 1
    if days > MAX_RANGE_DAYS:
        raise InputError(
            f"the range spans {days} days; ask for at most {MAX_RANGE_DAYS} days at once",
            code="calendar.range_too_long",
            params={"days": days, "max": MAX_RANGE_DAYS},
        )
    return first, last


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _entry(d: DispatchRow, demand: Demand) -> dict[str, Any]:
    w = demand.window
    return {
        "dispatch": d.id,
        "demand": demand.id,
        "title": demand.title,
        "community": demand.community,
        "status": d.status,
        "ongoing": w is None,
        "start": None if w is None else format_local(w.start),
        "end": None if w is None else format_local(w.end),
        "hours": None if w is None else service_hours(w, demand.hours),
        "created_at": d.created_at,
        "closed_at": d.closed_at,
    }


def _in_range(
    d: DispatchRow, w: Window | None, first: dt.date, last: dt.date, zone: ZoneInfo
) -> bool:
    """A dated order whose window touches a day of the range; ongoing work held during it
    (dispatched by its last day, and still active or completed on or after its first;
    days in ``zone``, the district's)."""
    if w is not None:
        days = w.days()
        return days[0] <= last and days[-1] >= first
    if local_day(d.created_at, zone) > last:
        return False
    return d.closed_at is None or local_day(d.closed_at, zone) >= first


def cadre_calendar(
    cadre: CadreRow,
    work: Sequence[tuple[DispatchRow, Demand]],
    zone: ZoneInfo,
    first: dt.date,
    last: dt.date,
    today: dt.date | None = None,
) -> dict[str, Any]:
    """``cadre``'s calendar (``CalendarPublic``) over the days ``first … last`` local
    to ``zone`` (the district's):
    their active and completed ``work`` in the range, the windows each day leaves free
    for a dated order and their away days, and each ISO week's hours of dated work
    (all of the week's, in the range or not) against ``hours_per_week``, counted as the
    planner counts them (:func:`matcher.dated.hours_by_week`).

    Free is what the planner would use: the weekly pattern's windows, none on a day
    their active ongoing work (dispatched by that day) holds all ``capacity`` places,
    since ongoing work holds a place at every instant (:mod:`matcher.timed`). The
    calendar says so (``held`` per day, ``fully_held`` for the range), so a reader need
    not count it again. Marked unavailable (暂不可派), the days from ``today`` (the
    district's) to its ``until`` are ``unavailable``, none of them free: nothing is
    proposed to the cadre then."""
    pattern = parse_weekly(cadre.available or "")
    leave = cadre.unavailable
    until = None if leave is None or leave.until is None else dt.date.fromisoformat(leave.until)

    def on_leave(day: dt.date) -> bool:
        if leave is None or today is None or day < today:
            return False
        return until is None or day <= until

    away = parse_away(cadre.away or "", bounded=False)
    days = [first + dt.timedelta(days=k) for k in range((last - first).days + 1)]
    since = [local_day(d.created_at, zone) for d, demand in work
             if demand.window is None and d.status == "active"]  # fmt: skip
    ongoing = {day: sum(1 for s in since if s <= day) for day in days}
    held = {day: n > 0 and n >= cadre.capacity for day, n in ongoing.items()}
    entries = [
        (demand.window, _entry(d, demand))
        for d, demand in work
        if _in_range(d, demand.window, first, last, zone)
    ]
    entries.sort(key=lambda x: (x[1]["start"] or "", x[1]["dispatch"]))
    weeks: dict[tuple[int, int], float] = {}
    for day in days:
        iso = day.isocalendar()
        weeks.setdefault((iso.year, iso.week), 0.0)
    for _, demand in work:
        w = demand.window
        if w is not None:
            for wk, h in hours_by_week(w, demand.hours).items():
                if wk in weeks:
                    weeks[wk] += h
    limit = cadre.hours_per_week
    return {
        "cadre": cadre.id,
        "name": cadre.name,
        "start": first.isoformat(),
        "end": last.isoformat(),
        "timezone": zone.key,
        "capacity": cadre.capacity,
        "available": None if pattern is None else str(pattern),
        "away": cadre.away,
        "hours_per_week": limit,
        "ongoing": max(ongoing.values(), default=0),
        "unavailable_until": None if leave is None else leave.until,
        "until_lifted": leave is not None and leave.until is None,
        "fully_held": all(held.values()),
        "entries": [e for _, e in entries],
        "days": [
            {
                "day": day.isoformat(),
                "weekday": DAY_NAMES[day.weekday()],
                "away": away is not None and any(a <= day <= b for a, b in away.ranges),
                "ongoing": ongoing[day],
                "held": held[day],
                "unavailable": on_leave(day),
                "free": []
                if held[day] or on_leave(day)
                else [["00:00", "24:00"]]
                if pattern is None
                else [[_hhmm(a), _hhmm(b)] for a, b in pattern.days[day.weekday()]],
            }
            for day in days
        ],
        "weeks": [
            {
                "week": f"{y}-W{n:02d}",
                "first": dt.date.fromisocalendar(y, n, 1).isoformat(),
                "last": dt.date.fromisocalendar(y, n, 7).isoformat(),
                "hours": round(h, 4),
                "limit": limit,
                "left": None if limit is None else round(limit - h, 4),
            }
            for (y, n), h in weeks.items()
        ],
    }
