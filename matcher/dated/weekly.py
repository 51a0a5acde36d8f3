"""Weekly availability: when a cadre with a day job is free, and whether a window fits.

A pattern is text such as ``mon-fri 18:00-21:30; sat,sun 08:00-18:00``: clauses
split by ``;``, each some days (``mon``, ``mon-fri``, ``sat,sun``, ``daily``,
``weekdays``, ``weekends``; English names or 周一…周日 / 星期一…星期日, 工作日,
周末, 每天) and one or more wall-clock windows ``HH:MM-HH:MM`` split by ``,``
(``24:00`` may end one). A window stays inside its day: a night free from
22:00 to 02:00 is ``mon 22:00-24:00; tue 00:00-02:00``, and the two join.
Windows of one day may touch but not overlap. Blank means always available.

:func:`covers` asks whether *every* wall-clock instant of a
:class:`~matcher.dated.window.Window` lies in the pattern: a window may cross
midnight or run for days, and it fits only if the pattern holds it throughout
(windows of consecutive days that touch, including Sunday 24:00 to Monday
00:00, hold it as one). A window of a week or longer fits only a pattern free
all week.

Example:
    >>> p = parse_weekly("mon-fri 18:00-21:30; sat,sun 08:00-18:00")
    >>> str(p)
    'mon-fri 18:00-21:30; sat,sun 08:00-18:00'
    >>> from matcher.dated.window import Window, district_zone, parse_local
    >>> z = district_zone()
    >>> tue = Window(parse_local("2026-12-08T18:00", z), parse_local("2026-12-08T21:00", z))
    >>> covers(p, tue), covers(p, Window(tue.start, parse_local("2026-12-08T22:00", z)))
    (True, False)
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass
from itertools import pairwise

from matcher.dated.window import Window

__all__ = ["DAY_NAMES", "Weekly", "covers", "parse_weekly"]

#: the canonical weekday names, Monday first (``date.weekday()`` order)
DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_MINUTE = 60_000_000  # microseconds
_DAY_US = 1440 * _MINUTE
WEEK_US = 7 * _DAY_US
_ZH = "一二三四五六日"
_ALIASES: dict[str, int] = {
    **{d: k for k, d in enumerate(DAY_NAMES)},
    **{d: k for k, d in enumerate(("monday", "tuesday", "wednesday", "thursday", "friday"))},
    "saturday": 5,
    "sunday": 6,
    **{f"周{c}": k for k, c in enumerate(_ZH)},
    **{f"星期{c}": k for k, c in enumerate(_ZH)},
    "周天": 6,
    "星期天": 6,
}
_GROUPS: dict[str, tuple[int, ...]] = {
    "daily": tuple(range(7)),
    "每天": tuple(range(7)),
    "weekdays": tuple(range(5)),
    "工作日": tuple(range(5)),
    "weekends": (5, 6),
    "周末": (5, 6),
}
_FULLWIDTH = str.maketrans(
    {"；": ";", "，": ",", "、": ",", "：": ":", "～": "-", "~": "-", "–": "-"}
)
_TIME = re.compile(r"(\d{1,2}):(\d{2})")
_DAYS_HINT = (
    "use mon tue wed thu fri sat sun (or 周一…周日), ranges like mon-fri, lists like sat,sun"
)


@dataclass(frozen=True, slots=True)
class Weekly:
    """A weekly pattern: per weekday its wall-clock windows in minutes ``(start, end)``.

    ``spans`` are the same as one sorted list over the week in microseconds from
    Monday 00:00, windows that touch joined (what :func:`covers` reads).
    """

    days: tuple[tuple[tuple[int, int], ...], ...]
    spans: tuple[tuple[int, int], ...]

    def __str__(self) -> str:
        """The pattern in canonical form (days with the same windows grouped)."""
        clauses: list[str] = []
        k = 0
        while k < 7:
            last = k
            while last + 1 < 7 and self.days[last + 1] == self.days[k]:
                last += 1
            if self.days[k]:
                names = (
                    DAY_NAMES[k]
                    if last == k
                    else f"{DAY_NAMES[k]},{DAY_NAMES[last]}"
                    if last == k + 1
                    else f"{DAY_NAMES[k]}-{DAY_NAMES[last]}"
                )
                times = ",".join(f"{_hhmm(a)}-{_hhmm(b)}" for a, b in self.days[k])
                clauses.append(f"{names} {times}")
            k = last + 1
        return "; ".join(clauses)


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def parse_weekly(text: str) -> Weekly | None:
    """Read a weekly pattern; None for blank text (always available).

    Raises:
        ValueError: what is wrong (an unknown weekday, a range or window that runs
            backwards, overlapping windows, no window at all) and how to write it.

    >>> str(parse_weekly("周一-周五 18:00-21:30；周末 9:00-12:00,14:00-18:00"))
    'mon-fri 18:00-21:30; sat,sun 09:00-12:00,14:00-18:00'
    >>> try:
    ...     parse_weekly("mon-fry 18:00-21:00")
    ... except ValueError as exc:
    ...     print(exc.args[0].split(";")[0])
    unknown weekday 'fry' (did you mean fri?)
    """
    raw = text.translate(_FULLWIDTH).strip()
    if not raw:
        return None
    per_day: list[list[tuple[int, int]]] = [[] for _ in range(7)]
    for clause in (c.strip() for c in raw.split(";")):
        if not clause:
            continue
        digit = re.search(r"\d", clause)
        day_text = clause[: digit.start()] if digit else clause
        time_text = clause[digit.start() :] if digit else ""
        days = _days(day_text.strip(), clause)
        if not time_text.strip():
            raise ValueError(
                f"'{clause}' has no time window; write e.g. {day_text.strip() or 'mon-fri'}"
                " 18:00-21:30"
            )
        for item in (t.strip() for t in time_text.split(",")):
            if not item:
                continue
            window = _window(item)
            for d in days:
                per_day[d].append(window)
    if not any(per_day):
        raise ValueError(
            f"'{text}' has no time window, so it never matches; write e.g. mon-fri 18:00-21:30"
            " (leave the cell blank for always available)"
        )
    for d, windows in enumerate(per_day):
        windows.sort()
        for (a0, a1), (b0, b1) in pairwise(windows):
            if b0 < a1:
                raise ValueError(
                    f"on {DAY_NAMES[d]}, {_hhmm(b0)}-{_hhmm(b1)} overlaps {_hhmm(a0)}-{_hhmm(a1)};"
                    " merge them into one window"
                )
    days_t = tuple(tuple(w) for w in per_day)
    return Weekly(days_t, _spans(days_t))


def _days(text: str, clause: str) -> tuple[int, ...]:
    if not text:
        raise ValueError(f"'{clause}' names no weekday; {_DAYS_HINT}")
    out: list[int] = []
    for part in (p.strip().lower() for p in text.split(",")):
        if not part:
            continue
        if part in _GROUPS:
            out.extend(_GROUPS[part])
            continue
        ends = [e.strip() for e in re.split(r"-|至|到", part)]
        if len(ends) > 2:
            raise ValueError(f"'{part}' is not a weekday range; {_DAYS_HINT}")
        first, last = (_day(e) for e in (ends[0], ends[-1]))
        if last < first:
            raise ValueError(
                f"the range '{part}' runs backwards; a range goes from mon towards sun"
                f" (for one across the week's end, list the days: e.g. fri,sat,sun,mon)"
            )
        out.extend(range(first, last + 1))
    if len(set(out)) != len(out):
        twice = sorted({DAY_NAMES[d] for d in out if out.count(d) > 1})
        raise ValueError(f"'{text}' names {', '.join(twice)} twice; name each day once")
    if not out:
        raise ValueError(f"'{clause}' names no weekday; {_DAYS_HINT}")
    return tuple(out)


def _day(name: str) -> int:
    if name in _ALIASES:
        return _ALIASES[name]
    close = difflib.get_close_matches(name, DAY_NAMES, n=1, cutoff=0.5)
    hint = f" (did you mean {close[0]}?)" if close else ""
    raise ValueError(f"unknown weekday '{name}'{hint}; {_DAYS_HINT}")


def _window(item: str) -> tuple[int, int]:
    ends = [e.strip() for e in item.split("-")]
    if len(ends) != 2:
        raise ValueError(f"'{item}' is not a time window; write HH:MM-HH:MM, e.g. 18:00-21:30")
    start, end = (_minute(e, item) for e in ends)
    if start == 24 * 60:
        raise ValueError(f"'{item}' starts at 24:00; a window starts by 23:59")
    if end <= start:
        raise ValueError(
            f"'{item}' ends before or when it starts; a window stays within one day:"
            f" for a night write {ends[0]}-24:00 on one day and 00:00-{ends[1]} on the next"
        )
    return start, end


def _minute(text: str, item: str) -> int:
    m = _TIME.fullmatch(text)
    if m is None:
        raise ValueError(f"'{text}' in '{item}' is not a time; write HH:MM, e.g. 18:00")
    hours, minutes = int(m.group(1)), int(m.group(2))
    if minutes > 59 or hours > 24 or (hours == 24 and minutes):
        raise ValueError(f"'{text}' in '{item}' is not a time of day (00:00 to 24:00)")
    return hours * 60 + minutes


def _spans(days: tuple[tuple[tuple[int, int], ...], ...]) -> tuple[tuple[int, int], ...]:
    out: list[tuple[int, int]] = []
    for d, windows in enumerate(days):
        for a, b in windows:
            s, e = d * _DAY_US + a * _MINUTE, d * _DAY_US + b * _MINUTE
            if out and out[-1][1] == s:
                out[-1] = (out[-1][0], e)
            else:
                out.append((s, e))
    return tuple(out)


def covers(pattern: Weekly | None, window: Window) -> bool:
    """Whether ``pattern`` holds every wall-clock instant of ``window`` (None: always)."""
    if pattern is None:
        return True
    start, end = window.wall()
    length = (end - start) // dt.timedelta(microseconds=1)
    if length >= WEEK_US:
        return pattern.spans == ((0, WEEK_US),)
    monday = dt.datetime.combine(start.date() - dt.timedelta(days=start.weekday()), dt.time())
    a = (start - monday) // dt.timedelta(microseconds=1)
    b = a + length
    pieces = [(a, b)] if b <= WEEK_US else [(a, WEEK_US), (0, b - WEEK_US)]
    return all(any(s <= lo and hi <= e for s, e in pattern.spans) for lo, hi in pieces)
