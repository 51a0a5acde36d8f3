"""Dated windows: when a work order runs, in the district's time zone.

A :class:`Window` is the half-open span ``[start, end)`` between two aware
datetimes of one zone (the policy's ``timezone``, Asia/Shanghai by default).
It may cross midnight and span days or weeks. Two clocks meet here, and each
question uses the one a person means:

- **elapsed time** (:meth:`Window.hours`, :func:`hours_by_week`): real hours,
  computed in UTC, so a window across a daylight-saving change counts the hour
  the clocks skipped or repeated correctly;
- **wall-clock time** (the days and ISO weeks a window touches, and in
  :mod:`matcher.dated.weekly` availability): what the clocks on the wall show, so
  "Tuesday 18:00" means 18:00 on the local clock whatever the offset.

A window *touches* a local day when some instant of it falls on that day:
``[Tue 22:00, Wed 00:00)`` touches Tuesday only, ``[Tue 22:00, Wed 00:01)`` both.

Example:
    >>> zone = district_zone("Asia/Shanghai")
    >>> w = Window(parse_local("2026-12-08T18:00", zone), parse_local("2026-12-08T22:00", zone))
    >>> w.hours, w.days()
    (4.0, (datetime.date(2026, 12, 8),))
    >>> night = Window(parse_local("2026-12-13 20:00", zone), parse_local("2026-12-14 08:00", zone))
    >>> iso_weeks(night)
    ((2026, 50), (2026, 51))
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

__all__ = [
    "DEFAULT_ZONE",
    "YEARS",
    "Window",
    "check_year",
    "district_zone",
    "format_local",
    "hours_by_week",
    "iso_weeks",
    "most_at_once",
    "parse_local",
    "service_hours",
    "zone_problem",
]

#: the district time zone when a policy names none
DEFAULT_ZONE = "Asia/Shanghai"
#: the years a date may fall in (work orders, absences, calendars): a week's
#: arithmetic past either end must stay inside what ``datetime`` can hold
YEARS = (1900, 2200)
_UTC = dt.UTC
_DAY = dt.timedelta(days=1)


def zone_problem(name: str) -> str | None:
    """Why ``name`` is not a usable IANA time zone, or None when it is.

    >>> zone_problem("Asia/Shanghai") is None, zone_problem("Mars/Olympus")
    (True, "unknown time zone 'Mars/Olympus' (write an IANA name such as Asia/Shanghai)")
    """
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return f"unknown time zone {name!r} (write an IANA name such as {DEFAULT_ZONE})"
    return None


def district_zone(name: str = DEFAULT_ZONE) -> ZoneInfo:
    """The zone named ``name`` (check it first with :func:`zone_problem`)."""
    return ZoneInfo(name)


def parse_local(text: str, zone: ZoneInfo, *, bounded: bool = True) -> dt.datetime:
    """An ISO 8601 local date-time (``2026-12-08T18:00`` or ``2026-12-08 18:00``) in ``zone``.

    Local means without an offset: the district's zone applies. A time the
    clocks skip (a daylight-saving gap) does not exist and is refused; in a
    repeated hour the first occurrence is meant. ``bounded``: refuse a day outside
    :data:`YEARS` (off for rows stored before that rule, so that reading them never fails).

    Raises:
        ValueError: what is wrong and how to write it instead.

    >>> parse_local("2026-12-08 18:00", district_zone()).isoformat()
    '2026-12-08T18:00:00+08:00'
    """
    raw = text.strip()
    example = "write e.g. 2026-12-08T18:00 (local time, no offset)"
    if "T" not in raw.upper() and " " not in raw:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw):  # a date alone: the time is missing
            raise ValueError(f"'{raw}' has no time of day; {example}")
        raise ValueError(f"'{raw}' is not an ISO 8601 date-time; {example}")
    try:
        naive = dt.datetime.fromisoformat(raw)
    except ValueError:
        raise ValueError(f"'{raw}' is not an ISO 8601 date-time; {example}") from None
    if naive.tzinfo is not None:
        raise ValueError(
            f"'{raw}' carries an offset; {example}: the policy's timezone ({zone.key}) applies"
        )
    if bounded:
        check_year(naive.date(), raw)
    local = naive.replace(tzinfo=zone, fold=0)
    if local.astimezone(_UTC).astimezone(zone).replace(tzinfo=None) != naive:
        raise ValueError(
            f"{raw} does not exist in {zone.key} (the clocks skip it); pick a later time"
        )
    return local


def check_year(day: dt.date, text: str) -> None:
    """Refuse a day outside :data:`YEARS` (``text``: as the user wrote it).

    Why: a work order in year 9999 passes every other check, then the ISO weeks
    its hours are counted in run past the last date Python can hold.

    Raises:
        ValueError: what is wrong (``problem.year_range``).
    """
    if not YEARS[0] <= day.year <= YEARS[1]:
        raise ValueError(f"'{text}' is outside the years {YEARS[0]}–{YEARS[1]}")


def format_local(moment: dt.datetime) -> str:
    """``moment`` as the case files write it: local, minutes (seconds when any), no offset.

    >>> format_local(parse_local("2026-12-08T18:00", district_zone()))
    '2026-12-08T18:00'
    """
    spec = "minutes" if moment.second == 0 and moment.microsecond == 0 else "auto"
    return moment.replace(tzinfo=None).isoformat(timespec=spec)


@dataclass(frozen=True, slots=True)
class Window:
    """``[start, end)`` in one zone: aware datetimes, ``start < end`` (elapsed time)."""

    start: dt.datetime
    end: dt.datetime

    def __post_init__(self) -> None:
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise ValueError("a window's start and end must be aware datetimes")
        if self.end.astimezone(_UTC) <= self.start.astimezone(_UTC):
            raise ValueError(
                f"the window ends ({format_local(self.end)}) before or when it starts"
                f" ({format_local(self.start)}); the end must come after the start"
            )

    @property
    def hours(self) -> float:
        """Elapsed hours (real time, UTC arithmetic: a daylight-saving change counts)."""
        return (self.end.astimezone(_UTC) - self.start.astimezone(_UTC)).total_seconds() / 3600

    def __str__(self) -> str:
        """``2026-12-08 18:00–22:00``, or with the end's day when it differs.

        >>> z = district_zone()
        >>> str(Window(parse_local("2026-12-08T22:00", z), parse_local("2026-12-09T02:00", z)))
        '2026-12-08 22:00–2026-12-09 02:00'
        """
        s, e = (format_local(t).replace("T", " ") for t in (self.start, self.end))
        return f"{s}–{e[11:] if e[:10] == s[:10] else e}"

    def wall(self) -> tuple[dt.datetime, dt.datetime]:
        """Start and end as naive wall-clock datetimes of their zone."""
        return self.start.replace(tzinfo=None), self.end.replace(tzinfo=None)

    def days(self) -> tuple[dt.date, ...]:
        """The local days the window touches, in order (see the module's note)."""
        s, e = self.wall()
        last = (e - dt.timedelta(microseconds=1)).date() if e > s else s.date()
        first = s.date()
        return tuple(first + dt.timedelta(days=k) for k in range((last - first).days + 1))


def iso_weeks(window: Window) -> tuple[tuple[int, int], ...]:
    """The ISO weeks ``(year, week)`` the window touches (wall clock), in order."""
    weeks: dict[tuple[int, int], None] = {}
    for day in window.days():
        iso = day.isocalendar()
        weeks[(iso.year, iso.week)] = None
    return tuple(weeks)


def service_hours(window: Window, hours: float | None = None) -> float:
    """A dated order's service hours, the one rule every count uses (the plan's weekly
    rows, what a cadre holds already, calendars, benchmarks): its ``hours`` when given,
    else its window's elapsed length (``hours`` never exceed the window: the loaders
    refuse more, and more counts as the window).

    >>> z = district_zone()
    >>> w = Window(parse_local("2026-12-08T18:00", z), parse_local("2026-12-08T22:00", z))
    >>> service_hours(w), service_hours(w, 1.5)
    (4.0, 1.5)
    """
    return window.hours if hours is None else min(hours, window.hours)


def hours_by_week(window: Window, hours: float | None = None) -> dict[tuple[int, int], float]:
    """Elapsed hours of ``window`` in each ISO week it touches, cut at local Monday 00:00.

    What a weekly-hours limit counts: a Sunday-night shift into Monday counts
    its hours before midnight in one week and the rest in the next. An order's
    ``hours`` fewer than its window's are spread evenly over the window (the week
    holding two thirds of the window counts two thirds of them).

    >>> z = district_zone()
    >>> late = Window(parse_local("2026-12-13T20:00", z), parse_local("2026-12-14T02:00", z))
    >>> hours_by_week(late), hours_by_week(late, 3)
    ({(2026, 50): 4.0, (2026, 51): 2.0}, {(2026, 50): 2.0, (2026, 51): 1.0})
    """
    zone = window.start.tzinfo
    out: dict[tuple[int, int], float] = {}
    e = window.wall()[1]
    cursor = window.start
    while True:
        wall = cursor.replace(tzinfo=None)
        monday = dt.datetime.combine(wall.date() - dt.timedelta(days=wall.weekday()), dt.time())
        cut = min(monday + 7 * _DAY, e)
        nxt = cut.replace(tzinfo=zone)
        iso = wall.date().isocalendar()
        seconds = (nxt.astimezone(_UTC) - cursor.astimezone(_UTC)).total_seconds()
        if seconds > 0:
            out[(iso.year, iso.week)] = seconds / 3600
        if cut >= e:
            break
        cursor = nxt
    served = service_hours(window, hours)
    if served < window.hours:
        scale = served / window.hours
        return {k: v * scale for k, v in out.items()}
    return out


def most_at_once(spans: Iterable[tuple[Any, ...]]) -> int:
    """The most of ``spans`` (half-open ``[start, end)``, any comparable times, first
    in each tuple) held at one instant: one ending as another starts does not overlap it.

    >>> most_at_once([(1, 3), (2, 4), (3, 5)])
    2
    >>> most_at_once([])
    0
    """
    now = most = 0
    spans = list(spans)
    for _, step in sorted([(s[0], 1) for s in spans] + [(s[1], -1) for s in spans]):
        now += step
        most = max(most, now)
    return most
