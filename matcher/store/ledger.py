"""The lending ledger (社区互助账本) read from SQL: completed dispatches in a period, with homes.

Why here and not stored: the ledger is a function of the history
(:func:`matcher.record.lending_ledger`), so the store reads only the completed
dispatches whose closing day falls in the period, with their hours, their
demand's community and their cadre's home, and calls it. A cadre's home is the
one on the cadre's row now (the store keeps no history of homes): a cadre who
moved counts all their past service from their current home (``docs/ledger.md``).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, select

from matcher.record import Ending, Ledger, Outcome, ledger_period, lending_ledger
from matcher.store import schema as t
from matcher.store.core import TxBase, local_day, today
from matcher.store.report_rows import LedgerRow

__all__ = ["LedgerTx", "utc_bound"]


def utc_bound(day: date, zone: ZoneInfo) -> str:
    """The stored (UTC, ISO) stamp of the midnight in ``zone`` (a district's) starting ``day``:
    stamps share one format, so "closed on a local day in the period" is a text range.
    At the calendar's ends (year 1, year 9999) the bound is below or above every stamp."""
    try:
        moment = datetime.combine(day, time(), zone).astimezone(UTC)
    except OverflowError:
        return "" if day.year == 1 else "\uffff"
    return moment.isoformat(timespec="milliseconds")


class LedgerTx(TxBase):
    """The district's lending ledger over a period, computed from its dispatches."""

    def ledger(self, district: str, start: date, end: date) -> Ledger:
        """Hours lent and received per community over ``[start, end]`` (the district's
        local days, both included, by the day each dispatch was completed)."""
        zone = self.zone(district)
        d, m, c = t.dispatches, t.demands, t.cadres
        rows = self.conn.execute(
            select(d.c.id, d.c.cadre, d.c.demand, d.c.hours, d.c.created_at, d.c.closed_at)
            .add_columns(m.c.community, c.c.home)
            .join(m, and_(m.c.district_id == d.c.district_id, m.c.id == d.c.demand))
            .join(c, and_(c.c.district_id == d.c.district_id, c.c.id == d.c.cadre))
            .where(
                d.c.district_id == district,
                d.c.status == Ending.COMPLETED.value,
                d.c.hours.is_not(None),
                d.c.closed_at >= utc_bound(start, zone),
                d.c.closed_at
                < ("\uffff" if end == date.max else utc_bound(end + timedelta(days=1), zone)),
            )
            .order_by(d.c.id)
        ).all()
        outcomes = [
            Outcome(
                r.id,
                r.cadre,
                r.demand,
                r.community,
                local_day(r.created_at, zone),
                local_day(r.closed_at, zone),
                Ending.COMPLETED,
                hours=r.hours,
            )
            for r in rows
        ]
        order = self.conn.execute(
            select(t.communities.c.id)
            .where(t.communities.c.district_id == district)
            .order_by(t.communities.c.pos, t.communities.c.id)
        ).scalars()
        return lending_ledger(outcomes, {r.cadre: r.home for r in rows}, start, end, order)

    def ledger_row(
        self, district: str, start: date | None = None, end: date | None = None
    ) -> LedgerRow:
        """:meth:`ledger` as the service sends it, with each community's name; a day not
        given defaults by :func:`matcher.record.ledger_period` (the last 90 days).

        Raises:
            InputError: ``ledger.period_reversed`` when ``start`` is after ``end``.
        """
        first, last = ledger_period(start, end, today(self.zone(district)))
        rows = self.conn.execute(
            select(t.communities.c.id, t.communities.c.name).where(
                t.communities.c.district_id == district
            )
        )
        names = {r.id: r.name for r in rows}
        return LedgerRow.of(self.ledger(district, first, last), names)
