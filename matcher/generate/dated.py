"""Dated work for generated cases: when orders run, when cadres are free, who is away.

Why: dispatch is dated (a flood-control shift Tuesday 18:00–22:00, an elderly-care
visit Saturday morning), and reserve cadres hold day jobs, so tests and
benchmarks of the time rules need a week that looks like one: more orders on
weekdays than at weekends, by day and in the evening (when cadres with day jobs
are free), mostly a few hours long, some a full day, a few over several days;
cadres free on evenings and weekends, in office hours, or any time; a few away.
Every draw comes from the ``numpy.random.Generator`` passed in, in a fixed
order, so a seed gives the same week every time; the generator draws these from
a stream of its own, so a case without dated work is the same as ever.

Example:
    >>> import datetime as dt
    >>> rng = np.random.default_rng(1)
    >>> start, end, hours = order_windows(rng, 3, dt.date(2026, 12, 7))
    >>> len(start) == len(end) == len(hours) == 3
    True
"""

from __future__ import annotations

import datetime as dt

import numpy as np

__all__ = ["PATTERNS", "cadre_calendars", "order_windows"]

#: weekly availability patterns of reserve cadres, with their shares
PATTERNS: tuple[tuple[str, float], ...] = (
    ("", 0.22),  # free any time (retired, full-time community workers)
    ("mon-fri 18:00-21:30; sat,sun 08:00-18:00", 0.26),  # a day job: evenings and weekends
    ("sat,sun 08:00-18:00", 0.10),
    ("mon-fri 08:30-17:30", 0.14),  # office hours (street and community staff)
    ("mon-fri 18:30-21:00; sat 09:00-17:00", 0.10),
    ("daily 08:00-20:00", 0.12),
    ("mon,wed,fri 19:00-21:00; sun 09:00-12:00,14:00-17:00", 0.06),
)
#: weekday weights of an order's start (Monday first)
DAY_WEIGHT = np.array([1.0, 1.0, 1.0, 1.0, 1.0, 0.55, 0.45])
#: kinds of order: (share, first start hour, last start hour, hours choices)
KINDS: tuple[tuple[float, int, int, tuple[float, ...]], ...] = (
    (0.50, 8, 16, (1.0, 1.5, 2.0, 2.0, 3.0, 4.0)),  # daytime visits and sessions
    (0.30, 18, 20, (1.0, 1.5, 2.0, 2.5, 3.0)),  # evening shifts and meetings
    (0.10, 7, 9, (8.0, 9.0)),  # a full day (a campaign, a clean-up)
    (0.07, 20, 22, (4.0, 6.0, 8.0)),  # night watch (flood control), past midnight
    (0.03, 8, 9, (32.0, 56.0)),  # over several days
)
HOURS_PER_WEEK = ("", "", "", "4", "6", "8", "10", "12", "16", "20")


def order_windows(
    rng: np.random.Generator, n: int, week: dt.date, days: int = 7
) -> tuple[list[str], list[str], list[str]]:
    """``start``, ``end`` and ``hours`` cells of ``n`` dated orders starting in the
    ``days`` from ``week``: about one in five gives its hours instead of an end."""
    weights = np.resize(np.roll(DAY_WEIGHT, -week.weekday()), days)
    day = rng.choice(days, size=n, p=weights / weights.sum())
    shares = np.array([k[0] for k in KINDS])
    kind = rng.choice(len(KINDS), size=n, p=shares / shares.sum())
    u = rng.random(n)
    pick = rng.random(n)
    by_hours = rng.random(n) < 0.2
    start_cells, end_cells, hour_cells = [], [], []
    for k in range(n):
        _, first, last, lengths = KINDS[int(kind[k])]
        half_hours = int(u[k] * ((last - first) * 2 + 1))
        start = dt.datetime.combine(week + dt.timedelta(days=int(day[k])), dt.time(first))
        start += dt.timedelta(minutes=30 * half_hours)
        hours = lengths[int(pick[k] * len(lengths))]
        start_cells.append(start.isoformat(timespec="minutes"))
        if by_hours[k]:
            end_cells.append("")
            hour_cells.append(f"{hours:g}")
        else:
            end_cells.append((start + dt.timedelta(hours=hours)).isoformat(timespec="minutes"))
            hour_cells.append("")
    return start_cells, end_cells, hour_cells


def cadre_calendars(
    rng: np.random.Generator, n: int, week: dt.date
) -> tuple[list[str], list[str], list[str]]:
    """``available``, ``away`` and ``hours_per_week`` cells of ``n`` cadres: about one
    in eight is away a few days around ``week``; half have a weekly limit."""
    shares = np.array([p[1] for p in PATTERNS])
    pattern = rng.choice(len(PATTERNS), size=n, p=shares / shares.sum())
    away = rng.random(n) < 0.12
    first = rng.integers(-3, 10, size=n)
    length = rng.integers(1, 6, size=n)
    limit = rng.integers(0, len(HOURS_PER_WEEK), size=n)
    away_cells = []
    for k in range(n):
        if not away[k]:
            away_cells.append("")
            continue
        a = week + dt.timedelta(days=int(first[k]))
        b = a + dt.timedelta(days=int(length[k]) - 1)
        away_cells.append(a.isoformat() if a == b else f"{a.isoformat()}..{b.isoformat()}")
    return (
        [PATTERNS[int(p)][0] for p in pattern],
        away_cells,
        [HOURS_PER_WEEK[int(h)] for h in limit],
    )
