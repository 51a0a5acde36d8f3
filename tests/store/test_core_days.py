"""A district's days (``matcher.store.core``): a stamp's day and today are the days a
wall clock in the district's zone shows, and a day stamped is read back as that day.

The expected days are worked out by hand from each zone's offset at the instant.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from matcher.store.core import day_stamp, local_day, today
from tests.clock import set_clock

#: from 11 hours behind UTC to 14 ahead, with daylight saving (north and south) and without
NAMES = (
    "Asia/Shanghai",
    "America/Los_Angeles",
    "Europe/Berlin",
    "Pacific/Kiritimati",
    "Pacific/Pago_Pago",
    "Australia/Adelaide",
)
DAYS = st.dates(min_value=dt.date(1971, 1, 1), max_value=dt.date(2099, 12, 31))


@given(day=DAYS, name=st.sampled_from(NAMES))
def test_a_day_stamped_in_a_zone_reads_back_as_that_day(day: dt.date, name: str) -> None:
    zone = ZoneInfo(name)
    stamp = day_stamp(day, zone)
    assert stamp.endswith("+00:00")  # stored stamps stay UTC
    assert local_day(stamp, zone) == day


@pytest.mark.parametrize(
    ("stamp", "name", "day"),
    [
        # 05:00 UTC on the 10th: 13:00 in Shanghai (+8), 21:00 on the 9th in LA (-8)
        ("2026-12-10T05:00:00.000+00:00", "Asia/Shanghai", 10),
        ("2026-12-10T05:00:00.000+00:00", "America/Los_Angeles", 9),
        ("2026-12-10T05:00:00.000+00:00", "Pacific/Pago_Pago", 9),  # 18:00 (-11)
        ("2026-12-10T05:00:00.000+00:00", "Pacific/Kiritimati", 10),  # 19:00 (+14)
        ("2026-12-10T10:00:00.000+00:00", "Pacific/Kiritimati", 11),  # 00:00 (+14)
        ("2026-12-10T15:59:59.999+00:00", "Asia/Shanghai", 10),  # 23:59:59.999
        ("2026-12-10T16:00:00.000+00:00", "Asia/Shanghai", 11),  # midnight
        # summer time: 22:30 UTC is 00:30 the next day in Berlin (+2), 23:30 in winter (+1)
        ("2026-07-10T22:30:00.000+00:00", "Europe/Berlin", 11),
        ("2026-12-10T22:30:00.000+00:00", "Europe/Berlin", 10),
        # 06:30 UTC in July: 23:30 on the 9th in LA (-7); in December 22:30 (-8)
        ("2026-07-10T06:30:00.000+00:00", "America/Los_Angeles", 9),
        # Adelaide is +10:30 in its summer (December): 13:45 UTC is 00:15 the next day
        ("2026-12-10T13:45:00.000+00:00", "Australia/Adelaide", 11),
        ("2026-07-10T13:45:00.000+00:00", "Australia/Adelaide", 10),  # +9:30: 23:15
    ],
)
def test_a_stamps_day_is_the_zones_wall_clock_day(stamp: str, name: str, day: int) -> None:
    assert local_day(stamp, ZoneInfo(name)).day == day


def test_today_is_each_zones_day_at_the_one_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """At 05:00 UTC on 2026-12-10 it is the 9th in Los Angeles and Pago Pago, the 10th
    elsewhere; at 10:00 UTC Kiritimati (UTC+14) is already on the 11th."""
    set_clock(monkeypatch, dt.datetime(2026, 12, 10, 5, 0, tzinfo=dt.UTC))
    got = {n: today(ZoneInfo(n)).day for n in NAMES}
    assert got == {
        "Asia/Shanghai": 10,
        "America/Los_Angeles": 9,
        "Europe/Berlin": 10,
        "Pacific/Kiritimati": 10,
        "Pacific/Pago_Pago": 9,
        "Australia/Adelaide": 10,
    }
    set_clock(monkeypatch, dt.datetime(2026, 12, 10, 10, 0, tzinfo=dt.UTC))
    assert today(ZoneInfo("Pacific/Kiritimati")) == dt.date(2026, 12, 11)
