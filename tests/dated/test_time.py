"""Dated windows, weekly patterns and absences against a minute-by-minute oracle.

The oracle shares no code with :mod:`matcher.dated`: patterns are drawn as a grid
of free half-hours and written out as text for the parser; windows are walked
one minute at a time on the wall clock (availability, days away, ISO weeks) or
in UTC (elapsed hours).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from matcher import Problem
from matcher.dated import (
    YEARS,
    Window,
    covers,
    hours_by_week,
    is_away,
    iso_weeks,
    parse_away,
    parse_local,
    parse_weekly,
)
from matcher.problemcodes import problem_message

SHANGHAI = ZoneInfo("Asia/Shanghai")
BERLIN = ZoneInfo("Europe/Berlin")  # daylight saving: 2027-03-28 02:00 → 03:00
NAMES = (
    ("mon", "tue", "wed", "thu", "fri", "sat", "sun"),
    ("周一", "周二", "周三", "周四", "周五", "周六", "周日"),
    ("Monday", "TUESDAY", "wednesday", "thursday", "friday", "saturday", "sunday"),
)
BASE = dt.datetime(2026, 12, 7)  # a Monday
MINUTE = dt.timedelta(minutes=1)


def _hhmm(slot: int) -> str:
    return f"{slot * 30 // 60:02d}:{slot * 30 % 60:02d}"


def _text(grid: list[list[bool]], names: tuple[str, ...], order: list[int]) -> str:
    """The grid as pattern text: one clause per day with free slots, runs as windows."""
    clauses = []
    for d in order:
        runs, k = [], 0
        while k < 48:
            if grid[d][k]:
                s = k
                while k < 48 and grid[d][k]:
                    k += 1
                runs.append(f"{_hhmm(s)}-{_hhmm(k)}")
            k += 1
        if runs:
            clauses.append(f"{names[d]} {','.join(runs)}")
    return "; ".join(clauses)


@st.composite
def patterns(draw):  # type: ignore[no-untyped-def]
    p = draw(st.sampled_from([0.0, 0.3, 0.7, 0.95, 1.0]))
    seed = draw(st.integers(0, 2**31))
    import random

    rng = random.Random(seed)
    grid = [[rng.random() < p for _ in range(48)] for _ in range(7)]
    if not any(any(row) for row in grid):
        grid[rng.randrange(7)][rng.randrange(48)] = True
    names = draw(st.sampled_from(NAMES))
    order = draw(st.permutations(range(7)))
    return grid, _text(grid, names, list(order))


@st.composite
def windows(draw, zone: ZoneInfo = SHANGHAI):  # type: ignore[no-untyped-def]
    start = BASE + dt.timedelta(minutes=draw(st.integers(0, 21 * 1440)))
    length = draw(
        st.one_of(
            st.integers(1, 600), st.integers(1, 4 * 1440), st.integers(7 * 1440 - 5, 8 * 1440)
        )
    )
    end = start + dt.timedelta(minutes=length)
    return start, end


def _wall_minutes(start: dt.datetime, end: dt.datetime) -> list[dt.datetime]:
    out, t = [], start
    while t < end:
        out.append(t)
        t += MINUTE
    return out


def _aware(naive: dt.datetime, zone: ZoneInfo) -> dt.datetime:
    return parse_local(naive.isoformat(timespec="minutes"), zone)


@given(patterns(), windows())
def test_covers_agrees_with_walking_every_minute(pattern, window) -> None:  # type: ignore[no-untyped-def]
    grid, text = pattern
    start, end = window
    expected = all(
        grid[t.weekday()][(t.hour * 60 + t.minute) // 30] for t in _wall_minutes(start, end)
    )
    w = Window(_aware(start, SHANGHAI), _aware(end, SHANGHAI))
    assert covers(parse_weekly(text), w) is expected


@given(patterns())
def test_a_pattern_reads_back_from_its_canonical_text(pattern) -> None:  # type: ignore[no-untyped-def]
    p = parse_weekly(pattern[1])
    assert parse_weekly(str(p)) == p


@given(
    st.sets(st.integers(0, 40), max_size=12),
    windows(),
    st.randoms(use_true_random=False),
)
def test_away_agrees_with_walking_every_minute(days, window, rnd) -> None:  # type: ignore[no-untyped-def]
    away_days = {BASE.date() + dt.timedelta(days=k) for k in days}
    ranges, ks = [], sorted(days)
    while ks:
        first = last = ks.pop(0)
        while ks and ks[0] == last + 1:
            last = ks.pop(0)
        a, b = (BASE.date() + dt.timedelta(days=x) for x in (first, last))
        ranges.append(a.isoformat() if a == b else f"{a}..{b}")
    rnd.shuffle(ranges)
    start, end = window
    expected = any(t.date() in away_days for t in _wall_minutes(start, end))
    w = Window(_aware(start, SHANGHAI), _aware(end, SHANGHAI))
    assert is_away(parse_away(" ; ".join(ranges)), w) is expected


@given(windows(BERLIN), st.sampled_from([SHANGHAI, BERLIN]))
def test_hours_and_weeks_agree_with_walking_every_minute(window, zone) -> None:  # type: ignore[no-untyped-def]
    start, end = window
    start += dt.timedelta(days=100)  # across the spring change (2027-03-28) in Berlin
    end += dt.timedelta(days=100)
    try:
        w = Window(_aware(start, zone), _aware(end, zone))
    except ValueError:  # a time the clocks skip: not a window
        return
    utc = dt.UTC
    t, stop = w.start.astimezone(utc), w.end.astimezone(utc)
    per_week: dict[tuple[int, int], int] = {}
    while t < stop:
        iso = t.astimezone(zone).date().isocalendar()
        per_week[(iso.year, iso.week)] = per_week.get((iso.year, iso.week), 0) + 1
        t += MINUTE
    assert w.hours == pytest.approx(sum(per_week.values()) / 60)
    assert hours_by_week(w) == pytest.approx({k: v / 60 for k, v in per_week.items()})
    touched = {
        (d.isocalendar().year, d.isocalendar().week)
        for d in (m.date() for m in _wall_minutes(start, end))
    }
    assert set(iso_weeks(w)) == touched


def test_a_window_across_the_spring_change_counts_real_hours() -> None:
    w = Window(parse_local("2027-03-28T00:00", BERLIN), parse_local("2027-03-28T06:00", BERLIN))
    assert w.hours == 5.0
    assert (
        Window(
            parse_local("2027-03-28T00:00", SHANGHAI), parse_local("2027-03-28T06:00", SHANGHAI)
        ).hours
        == 6.0
    )


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("mon-fry 18:00-21:00", "unknown weekday 'fry' (did you mean fri?)"),
        ("fri-mon 18:00-21:00", "runs backwards"),
        ("mon 21:00-18:00", "ends before or when it starts"),
        ("mon 18:00-18:00", "ends before or when it starts"),
        ("mon 08:00-12:00; mon 11:00-14:00", "overlaps"),
        ("mon,mon 08:00-12:00", "names mon twice"),
        ("mon-fri", "has no time window"),
        (";;", "never matches"),
        ("18:00-21:00", "names no weekday"),
        ("mon 25:00-26:00", "not a time of day"),
        ("mon 8h-9h", "not a time"),
        ("mon 24:00-24:00", "starts at 24:00"),
    ],
)
def test_a_bad_pattern_says_what_is_wrong(text: str, says: str) -> None:
    with pytest.raises(ValueError, match=None) as err:
        parse_weekly(text)
    assert says in str(err.value)


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("2026-12-14..2026-12-10", "write 2026-12-10..2026-12-14"),
        ("2026-12-10..2026-12-14;2026-12-12", "overlaps"),
        ("2026-13-01", "is not a date"),
        ("12/10/2026", "is not a date"),
        ("2026-12-10..2026-12-11..2026-12-12", "is not a day or a range"),
    ],
)
def test_a_bad_away_list_says_what_is_wrong(text: str, says: str) -> None:
    with pytest.raises(ValueError) as err:
        parse_away(text)
    assert says in str(err.value)


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("2026-12-08", "has no time of day"),
        ("2026-12-08T18:00+08:00", "carries an offset"),
        ("tuesday 18:00", "is not an ISO 8601 date-time"),
    ],
)
def test_a_bad_date_time_says_what_is_wrong(text: str, says: str) -> None:
    with pytest.raises(ValueError) as err:
        parse_local(text, SHANGHAI)
    assert says in str(err.value)


def test_a_time_the_clocks_skip_is_refused() -> None:
    with pytest.raises(ValueError, match="does not exist in Europe/Berlin"):
        parse_local("2027-03-28T02:30", BERLIN)


def test_a_window_must_end_after_it_starts() -> None:
    t = parse_local("2026-12-08T18:00", SHANGHAI)
    with pytest.raises(ValueError, match="the end must come after the start"):
        Window(t, t)


def test_blank_means_always_free_and_never_away() -> None:
    w = Window(parse_local("2026-12-08T18:00", SHANGHAI), parse_local("2026-12-20T18:00", SHANGHAI))
    assert parse_weekly("  ") is None and covers(None, w)
    assert parse_away("") is None and not is_away(None, w)


def test_windows_that_touch_across_midnight_and_the_week_cover_a_night() -> None:
    p = parse_weekly("sun 22:00-24:00; mon 00:00-06:00")
    night = Window(
        parse_local("2026-12-13T22:00", SHANGHAI), parse_local("2026-12-14T06:00", SHANGHAI)
    )
    assert covers(p, night)
    assert not covers(p, Window(night.start, parse_local("2026-12-14T06:01", SHANGHAI)))
    assert covers(
        parse_weekly("daily 00:00-24:00"), Window(night.start, night.start + dt.timedelta(days=30))
    )


def test_a_window_ending_at_midnight_does_not_touch_the_next_day() -> None:
    w = Window(parse_local("2026-12-09T20:00", SHANGHAI), parse_local("2026-12-10T00:00", SHANGHAI))
    assert w.days() == (dt.date(2026, 12, 9),)
    assert not is_away(parse_away("2026-12-10"), w)
    assert iso_weeks(w) == ((2026, 50),)


@pytest.mark.parametrize(
    "parse",
    [
        lambda t: parse_local(f"{t}T09:00", SHANGHAI),
        lambda t: parse_away(t),
        lambda t: parse_away(f"2026-12-10..{t}"),
    ],
)
@pytest.mark.parametrize("day", ["9999-12-31", "1899-12-31", "2201-01-01"])
def test_days_outside_the_years_are_refused_with_their_code(
    parse: Callable[[str], object], day: str
) -> None:
    with pytest.raises(ValueError) as e:
        parse(day)
    got = problem_message(Problem("start", str(e.value), value=day))
    assert got.code == "problem.year_range" and got.params["first"] == YEARS[0], got


@pytest.mark.parametrize("day", ["1900-01-01", "2200-12-31"])
def test_the_years_ends_are_allowed(day: str) -> None:
    assert parse_local(f"{day}T09:00", SHANGHAI).year == int(day[:4])
    assert parse_away(day) is not None
