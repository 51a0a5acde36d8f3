"""Dated work's body fields (a weekly pattern, days away, a window) read into the model.

Why apart: cadre and demand routes read them the same way, and a bad value must be a
located 422 from the moment it arrives, never a window that fails when it is solved.
Texts are the case files' (``mon-fri 18:00-21:30``, ``2026-12-10..2026-12-14``,
``2026-12-08T18:00``): the store keeps them as written, local to the district.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TypeVar

from matcher import InputError, Problem
from matcher.dated import Away, Weekly, Window, district_zone, parse_away, parse_local, parse_weekly

__all__ = ["away_field", "weekly_field", "window_fields"]

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


def window_fields(
    start: str | None, end: str | None, hours: float | None
) -> tuple[dt.datetime | None, dt.datetime | None]:
    """A dated order's ``start`` and ``end`` (local wall-clock times; the store reads
    them in the district's zone), checked as a window: an end after its start, or
    ``hours`` for its length."""
    zone = district_zone()
    s = _parsed("start", start, lambda x: parse_local(x, zone))
    e = _parsed("end", end, lambda x: parse_local(x, zone))
    if s is None:
        if e is not None:
            raise InputError(
                "end is not valid",
                [Problem("body", "an end without a start", column="end", value=end,
                         hint="give start as well, or leave end out")],
            )  # fmt: skip
        return None, None
    if e is None and hours is None:
        raise InputError(
            "start is not valid",
            [Problem("body", "a dated order needs an end or its hours", column="start",
                     value=start, hint="give end (e.g. 2026-12-08T22:00) or hours (e.g. 4)")],
        )  # fmt: skip
    if e is not None:
        w = _parsed("end", end, lambda _: Window(s, e))
        if w is not None and hours is not None and hours > w.hours + 1e-9:
            raise InputError(
                "hours is not valid",
                [Problem("body", f"hours ({hours:g}) exceed the window from start to end"
                         f" ({w.hours:g} h)", column="hours", value=str(hours),
                         hint="lower hours, or widen the window")],
            )  # fmt: skip
    return s, e
