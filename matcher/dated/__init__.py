"""Time: dated windows, weekly availability, absences (the domain of dated work orders).

Pure functions over plain values, no numpy: :mod:`matcher.dated.window` (a dated
window in the district's zone, its hours and ISO weeks), :mod:`~matcher.dated.weekly`
(a weekly availability pattern and whether it covers a window) and
:mod:`~matcher.dated.away` (days away). The engine reads them through the case's
cadres and demands (``docs/case-format.md`` has the file syntax).
"""

from matcher.dated.away import Away, is_away, parse_away
from matcher.dated.weekly import DAY_NAMES, Weekly, covers, parse_weekly
from matcher.dated.window import (
    DEFAULT_ZONE,
    YEARS,
    Window,
    check_year,
    district_zone,
    format_local,
    hours_by_week,
    iso_weeks,
    most_at_once,
    parse_local,
    service_hours,
    zone_problem,
)

__all__ = [
    "DAY_NAMES",
    "DEFAULT_ZONE",
    "YEARS",
    "Away",
    "Weekly",
    "Window",
    "check_year",
    "covers",
    "district_zone",
    "format_local",
    "hours_by_week",
    "is_away",
    "iso_weeks",
    "most_at_once",
    "parse_away",
    "parse_local",
    "parse_weekly",
    "service_hours",
    "zone_problem",
]
