"""One number or status cell's text to its value: the rules every case-file reader shares.

The pydantic records (:mod:`matcher.io.records`) call these from their validators,
and the column-wise loader (:mod:`matcher.io.columns`) calls them once per distinct
cell text, so both readers accept and refuse exactly the same cells. Each raises
``ValueError`` with the message a person reads (what is allowed), unchanged.
"""

from __future__ import annotations

import math
from typing import Any

from matcher.model import MAX_PLACES, Status

__all__ = [
    "MAX_COUNT",
    "STATUS_ZH",
    "WEEK_HOURS",
    "blank",
    "hours_in",
    "number_text",
    "parse_capacity",
    "parse_coord",
    "parse_headcount",
    "parse_priority",
    "parse_status",
    "parse_travel",
    "parse_week_hours",
]

#: most places in a headcount or capacity cell (:data:`matcher.model.MAX_PLACES`)
MAX_COUNT = MAX_PLACES
#: most hours in a week (a demand's expected service: :data:`matcher.model.MAX_DEMAND_HOURS`)
WEEK_HOURS = 168.0

#: … in a number cell: full-width digits, point and signs (a Chinese input method's), as ASCII
_NUMBER_WIDTH = str.maketrans(
    {"．": ".", "－": "-", "＋": "+", **{chr(0xFF10 + d): str(d) for d in range(10)}}
)
#: the three-colour statuses as a district office writes them (三色预警: 绿/黄/红)
STATUS_ZH: dict[str, Status] = {
    "绿": Status.GREEN,
    "绿色": Status.GREEN,
    "黄": Status.YELLOW,
    "黄色": Status.YELLOW,
    "红": Status.RED,
    "红色": Status.RED,
}
_STATUSES = frozenset(s.value for s in Status)


def blank(v: Any) -> str:
    """A cell's text, trimmed ("" for None)."""
    return "" if v is None else str(v).strip()


def number_text(v: Any) -> str:
    """A number cell's text, trimmed, with full-width digits and signs as ASCII."""
    return blank(v).translate(_NUMBER_WIDTH)


def hours_in(text: str, what: str, most: float, blank_means: str) -> float:
    """``text`` as hours between 0 and ``most`` (``what`` names the column in the message)."""
    try:
        h = float(text)
    except ValueError:
        raise ValueError(
            f"{what} must be a number of hours, e.g. 4 or 2.5 (blank = {blank_means})"
        ) from None
    if not math.isfinite(h) or not 0 <= h <= most:
        raise ValueError(f"{what} must be between 0 and {most:g} hours (blank = {blank_means})")
    return h


def parse_coord(v: Any, field: str) -> float:
    """A ``lat`` or ``lon`` (``field``) cell in decimal degrees."""
    try:
        x = float(number_text(v))
    except (TypeError, ValueError):
        raise ValueError(f"{field} must be a number in decimal degrees") from None
    limit = 90 if field == "lat" else 180
    if not math.isfinite(x) or abs(x) > limit:
        raise ValueError(f"{field} must be between -{limit} and {limit}")
    return x


def parse_week_hours(v: Any) -> float:
    """A cadre's ``hours_per_week`` (blank: no limit, ``inf``)."""
    text = "" if isinstance(v, float) and math.isinf(v) else number_text(v)
    if not text:
        return math.inf
    return hours_in(text, "hours_per_week", WEEK_HOURS, "no limit")


def parse_capacity(v: Any) -> int:
    """A cadre's ``capacity`` (blank: 1; 0: on leave)."""
    text = number_text(v)
    if not text:
        return 1
    try:
        cap = int(text)
    except ValueError:
        raise ValueError("capacity must be a whole number >= 0 (blank means 1)") from None
    if not 0 <= cap <= MAX_COUNT:
        raise ValueError(f"capacity must be 0-{MAX_COUNT} (0 = on leave; blank means 1)")
    return cap


def parse_status(v: Any) -> str:
    """A cadre's ``status`` as its English value (the Chinese colour names read too)."""
    text = str(v or "").strip().lower()
    text = STATUS_ZH[text].value if text in STATUS_ZH else text
    if text not in _STATUSES:
        raise ValueError("status must be green, yellow or red (or 绿, 黄, 红)")
    return text


def parse_travel(v: Any) -> float:
    """A cadre's ``max_travel_km`` (blank: no limit, ``inf``)."""
    text = number_text(v)
    if not text:
        return math.inf
    try:
        km = float(text)
    except ValueError:
        raise ValueError("max_travel_km must be a number of km (blank = no limit)") from None
    if not math.isfinite(km) or km < 0:
        raise ValueError("max_travel_km must be >= 0 (blank = no limit)")
    return km


def parse_headcount(v: Any) -> int:
    """A demand's ``headcount``, 1 to :data:`MAX_COUNT`."""
    try:
        n = int(number_text(v))
    except ValueError:
        raise ValueError("headcount must be a whole number >= 1") from None
    if not 1 <= n <= MAX_COUNT:
        raise ValueError(f"headcount must be 1-{MAX_COUNT}")
    return n


def parse_priority(v: Any) -> int:
    """A demand's ``priority``, 1 to 5 (5 = most urgent)."""
    try:
        p = int(number_text(v))
    except ValueError:
        raise ValueError("priority must be a whole number 1-5 (5 = most urgent)") from None
    if not 1 <= p <= 5:
        raise ValueError("priority must be 1-5 (5 = most urgent)")
    return p
