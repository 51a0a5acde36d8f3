"""Dated work kept by the store: the sample week in and out, windows and calendars equal."""

from __future__ import annotations

from matcher import load_case
from matcher.store import Store
from tests.paths import ROOT
from tests.pg import NewDb


def test_the_sample_week_round_trips(new_db: NewDb) -> None:
    case = load_case(ROOT / "data" / "sample-week")
    store = Store.open(new_db())
    try:
        with store.write() as tx:
            tx.import_case("w", case)
        with store.read() as tx:
            back = tx.case("w")
    finally:
        store.close()
    assert len(back.demands) == len(case.demands) and any(d.start for d in back.demands)
    for a, b in zip(case.demands, back.demands, strict=True):
        assert (a.id, a.hours) == (b.id, b.hours)
        assert (a.window is None) == (b.window is None)
        if a.window is not None and b.window is not None:
            assert (a.window.start, a.window.end) == (b.window.start, b.window.end)
    for a, b in zip(case.cadres, back.cadres, strict=True):
        assert (a.available, a.away, a.hours_per_week) == (b.available, b.away, b.hours_per_week)
