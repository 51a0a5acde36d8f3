"""Absences: the days a cadre is away (leave, a business trip, training elsewhere).

Text such as ``2026-12-10..2026-12-14;2027-01-20``: items split by ``;``, each
one day or an inclusive range ``first..last`` of local days. A cadre is away
during a :class:`~matcher.dated.window.Window` when the window touches any of
those days (wall clock; a window ending at midnight does not touch the next day).

Example:
    >>> a = parse_away("2026-12-10..2026-12-14; 2027-01-20")
    >>> str(a)
    '2026-12-10..2026-12-14;2027-01-20'
    >>> from matcher.dated.window import Window, district_zone, parse_local
    >>> z = district_zone()
    >>> night = Window(parse_local("2026-12-09T20:00", z), parse_local("2026-12-10T00:00", z))
    >>> is_away(a, night), is_away(a, Window(night.start, parse_local("2026-12-10T01:00", z)))
    (False, True)
"""

from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import dataclass
from itertools import pairwise

from matcher.dated.window import Window, check_year

__all__ = ["Away", "is_away", "parse_away"]

_HINT = "write days as 2026-12-10, ranges as 2026-12-10..2026-12-14, split by ;"


@dataclass(frozen=True, slots=True)
class Away:
    """Inclusive ``(first, last)`` day ranges, sorted, none overlapping."""

    ranges: tuple[tuple[dt.date, dt.date], ...]

    def __str__(self) -> str:
        return ";".join(
            a.isoformat() if a == b else f"{a.isoformat()}..{b.isoformat()}" for a, b in self.ranges
        )


def parse_away(text: str, *, bounded: bool = True) -> Away | None:
    """Read absences; None for blank text (never away). ``bounded``: refuse a day
    outside :data:`~matcher.dated.window.YEARS` (off for stored rows).

    Raises:
        ValueError: an item that is not a day or a range, a range whose last day
            comes before its first, or two items that overlap; with the fix.

    >>> try:
    ...     parse_away("2026-12-14..2026-12-10")
    ... except ValueError as exc:
    ...     print(exc)
    the range 2026-12-14..2026-12-10 ends before it starts; write 2026-12-10..2026-12-14
    """
    items = [i.strip() for i in text.replace("；", ";").split(";") if i.strip()]
    if not items:
        return None
    ranges = sorted(_item(i, bounded) for i in items)
    for (a0, a1), (b0, b1) in pairwise(ranges):
        if b0 <= a1:
            raise ValueError(
                f"{_show(b0, b1)} overlaps {_show(a0, a1)}; list each away day once"
                " (merge the two into one range)"
            )
    return Away(tuple(ranges))


def _show(a: dt.date, b: dt.date) -> str:
    return a.isoformat() if a == b else f"{a.isoformat()}..{b.isoformat()}"


def _item(item: str, bounded: bool) -> tuple[dt.date, dt.date]:
    parts = [p.strip() for p in item.split("..")]
    if len(parts) > 2:
        raise ValueError(f"'{item}' is not a day or a range; {_HINT}")
    first, last = (_date(p, item, bounded) for p in (parts[0], parts[-1]))
    if last < first:
        raise ValueError(
            f"the range {item} ends before it starts; write {last.isoformat()}..{first.isoformat()}"
        )
    return first, last


def _date(text: str, item: str, bounded: bool) -> dt.date:
    try:
        if len(text) != 10:
            raise ValueError
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"'{text}' in '{item}' is not a date; {_HINT}") from None
    if bounded:
        check_year(day, text)
    return day


def is_away(away: Away | None, window: Window) -> bool:
    """Whether any day ``window`` touches is an away day (None: never away)."""
    if away is None:
        return False
    days = window.days()
    first, last = days[0], days[-1]
    # the first range ending on or after the window's first day decides
    k = bisect.bisect_left([b for _, b in away.ranges], first)
    return k < len(away.ranges) and away.ranges[k][0] <= last
