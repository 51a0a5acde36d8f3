"""Time in tests: the zones the test districts name, and the store's one clock set.

The default district's zone is written out here, not read from the store's default,
so a test's "today" is what a person in Shanghai calls today whatever the store does.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from zoneinfo import ZoneInfo

import pytest

#: the zone of a district whose policy names none (every test district bar a few)
SHANGHAI = ZoneInfo("Asia/Shanghai")
#: a zone far from Shanghai: 15 or 16 hours behind it, so the two dates differ each day
LOS_ANGELES = ZoneInfo("America/Los_Angeles")


def set_clock(monkeypatch: pytest.MonkeyPatch, instant: dt.datetime) -> None:
    """Set the store's one clock (``matcher.store.core.now_utc``) to ``instant`` (aware):
    its stamps, every district's today and a dated order's start all read it."""
    assert instant.tzinfo is not None
    moment = instant.astimezone(dt.UTC)
    monkeypatch.setattr("matcher.store.core.now_utc", lambda: moment)


#: a now before the fixed dates some tests write (2026-12-08 …, the sample week's):
#: set while they store such orders, a dated order's start is ahead of the district's
#: now (a past one is refused) whatever the day the tests run
BEFORE_FIXED_DATES = dt.datetime(2026, 12, 1, 9, 0, tzinfo=SHANGHAI)


@contextmanager
def fixed_dates_ahead() -> Iterator[None]:
    """The store's clock at :data:`BEFORE_FIXED_DATES` inside the block (as it was after)."""
    with pytest.MonkeyPatch.context() as m:
        set_clock(m, BEFORE_FIXED_DATES)
        yield
