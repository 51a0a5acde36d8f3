"""The rules an outcome of a dispatch must meet, stated once (issue #18).

Why one place: the API's complete/cancel bodies, a demand closed with its
dispatches and the rows of ``outcomes.csv`` must refuse the same values with
the same message codes (the ``problem.*`` codes :mod:`matcher.io` uses for the
file), so a dispatcher sees one vocabulary whichever way a result came in.
"""

from __future__ import annotations

import math
from datetime import date, datetime

from matcher import Param, Problem
from matcher.dated import format_local
from matcher.record import CancelReason

__all__ = ["ended_problems", "outcome_problems", "started_problems"]


def outcome_problems(
    action: str,
    *,
    hours: float | None,
    rating: int | None,
    exempt: bool,
    exempt_reason: str | None,
    cancel_reason: str | None,
    max_hours: float,
    file: str = "body",
    row: int | None = None,
) -> list[Problem]:
    """Every rule an outcome breaks, each on the field to fix (empty: it may be recorded).

    ``hours`` may be None on a completion (not recorded: a demand closed with
    its dispatches); the API requires it in the body.
    """
    out: list[Problem] = []

    def bad(column: str, value: object, code: str, message: str, **params: Param) -> None:
        shown = None if value is None else str(value)
        out.append(Problem(file, message, row, column, shown, code=code, params=params or None))

    done = action == "complete"
    if hours is not None:
        if not done:
            bad(
                "hours",
                hours,
                "problem.hours_not_completed",
                "hours are recorded only for a completed dispatch",
            )
        elif not (math.isfinite(hours) and 0 < hours <= max_hours):
            bad(
                "hours",
                hours,
                "problem.hours_range",
                f"hours must be more than 0 and at most {max_hours:g}",
                max=max_hours,
            )
    if rating is not None:
        if isinstance(rating, bool) or rating not in (1, 2, 3, 4, 5):
            bad(
                "rating",
                rating,
                "problem.rating_value",
                "rating must be a whole number 1-5, or empty",
            )
        elif not done:
            bad(
                "rating",
                rating,
                "problem.rating_not_completed",
                "only a completed dispatch is rated",
            )
    if exempt and not done:
        bad(
            "exempt",
            exempt,
            "problem.exempt_not_completed",
            "only a completed dispatch can be exempted",
        )
    reason = (exempt_reason or "").strip()
    if exempt and done and not reason:
        bad(
            "exempt_reason",
            exempt_reason,
            "problem.exempt_reason_missing",
            "an exemption needs its reason",
        )
    if not exempt and reason:
        bad(
            "exempt_reason",
            exempt_reason,
            "problem.exempt_reason_alone",
            "a reason without an exemption",
        )
    if cancel_reason is not None:
        if cancel_reason not in {r.value for r in CancelReason}:
            bad(
                "cancel_reason",
                cancel_reason,
                "problem.cancel_reason_value",
                "unknown cancel reason",
            )
        elif action != "cancel":
            bad(
                "cancel_reason",
                cancel_reason,
                "problem.cancel_reason_not_cancelled",
                "a cancel reason is given only for a cancelled dispatch",
            )
    return out


def ended_problems(
    ended: date | None,
    started: date,
    today: date,
    *,
    file: str = "body",
    row: int | None = None,
) -> list[Problem]:
    """An outcome's day must fall between its dispatch's first day and today.

    Why: a day in the future would keep a no-show out of the record (and out of
    the rules) until that day while its points counted now; a day before the
    dispatch existed has no meaning. None (today) always fits.
    """
    if ended is None:
        return []
    if ended > today:
        return [
            Problem(
                file,
                "date in the future",
                row,
                "ended",
                ended.isoformat(),
                code="problem.date_future",
            )
        ]
    if ended < started:
        return [
            Problem(
                file,
                f"the dispatch began on {started.isoformat()}; it cannot end before",
                row,
                "ended",
                ended.isoformat(),
                code="problem.ended_before_start",
                params={"started": started.isoformat()},
            )
        ]
    return []


def started_problems(
    action: str,
    start: datetime | None,
    now: datetime,
    ended: date | None = None,
    *,
    file: str = "body",
    row: int | None = None,
    column: str | None = None,
) -> list[Problem]:
    """A completion or a no-show of a dated order's dispatch waits for the order's start.

    Why: completed work earns points and a no-show counts against the cadre, both
    for work that has not begun (an order tomorrow evening completed today). The
    order must have started by ``now`` (aware: the same instant in every zone), and
    an ``ended`` day may not fall before its local start day. ``action`` is
    ``complete``, ``no_show`` or ``cancel`` (a cancel is allowed any time); ongoing
    work (``start`` None) has no start to wait for.
    """
    if start is None or action not in ("complete", "no_show"):
        return []
    if now < start or (ended is not None and ended < start.date()):
        shown = format_local(start)
        return [
            Problem(
                file,
                f"the work order starts at {shown}; its dispatch cannot be completed or"
                " marked no-show before",
                row,
                column,
                shown,
                code="problem.not_started",
                params={"start": shown},
            )
        ]
    return []
