"""The growth record (成长档案) read from the store: a district's history, a cadre's record.

Why here and not stored: every figure is a function of the history
(:mod:`matcher.record`), so the store only turns its rows — ended dispatches,
trainings, confirmed status changes — into that package's history types and
calls it. Nothing computed is written, so a record can never disagree with the
rows it came from.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from sqlalchemy import and_, func, select

from matcher import RECORD_TERMS, Case, active_terms
from matcher.record import (
    CadreRecord,
    CancelReason,
    Ending,
    Outcome,
    StatusChange,
    Training,
    cadre_record,
    district_mean_rating,
    standing,
)
from matcher.store import schema as t
from matcher.store.cadres import CadresTx
from matcher.store.core import local_day, today
from matcher.store.ledger import utc_bound

__all__ = ["History", "RecordTx"]

#: a district's (or one cadre's) history: ended dispatches, trainings, status decisions
History = tuple[list[Outcome], list[Training], list[StatusChange]]


class RecordTx(CadresTx):
    """History as :mod:`matcher.record` types, and the record computed from it."""

    def _outcomes(self, district: str, cadre: str | None) -> list[Outcome]:
        d, m = t.dispatches, t.demands
        q = (
            select(d, m.c.community, m.c.priority)
            .join(m, and_(m.c.district_id == d.c.district_id, m.c.id == d.c.demand))
            .where(d.c.district_id == district, d.c.status != "active")
            .order_by(d.c.id)
        )
        if cadre is not None:
            q = q.where(d.c.cadre == cadre)
        zone = self.zone(district)
        return [
            Outcome(
                dispatch=r.id,
                cadre=r.cadre,
                demand=r.demand,
                community=r.community,
                started=local_day(r.created_at, zone),
                ended=local_day(r.closed_at or r.created_at, zone),
                ending=Ending(r.status),
                priority=r.priority,
                hours=r.hours,
                rating=r.rating,
                exempt=bool(r.exempt),
                exempt_reason=r.exempt_reason,
                cancel_reason=None if r.cancel_reason is None else CancelReason(r.cancel_reason),
            )
            for r in self.conn.execute(q)
        ]

    def _trainings(self, district: str, cadre: str | None) -> list[Training]:
        tr = t.trainings
        q = select(tr).where(tr.c.district_id == district).order_by(tr.c.day, tr.c.id)
        if cadre is not None:
            q = q.where(tr.c.cadre == cadre)
        return [
            Training(
                r.cadre,
                r.course,
                date.fromisoformat(r.day),
                r.hours,
                tuple(json.loads(r.tags)),
                r.cert,
            )
            for r in self.conn.execute(q)
        ]

    def _status_changes(self, district: str, cadre: str | None) -> list[StatusChange]:
        s, w = t.status_changes, t.warnings
        q = (
            select(s, w.c.rule)
            .outerjoin(w, w.c.id == s.c.warning_id)
            .where(s.c.district_id == district)
            .order_by(s.c.id)
        )
        if cadre is not None:
            q = q.where(s.c.cadre == cadre)
        return [
            StatusChange(r.cadre, date.fromisoformat(r.day), r.to_status, r.rule)
            for r in self.conn.execute(q)
        ]

    def history(self, district: str, cadre: str | None = None) -> History:
        """The district's history (or one cadre's), oldest first, as :mod:`matcher.record` types.

        An outcome's ``started`` is its dispatch's creation day, ``ended`` its
        closing day (in the district's time zone); community and priority are
        its demand's.
        """
        self._district_row(district)
        return (
            self._outcomes(district, cadre),
            self._trainings(district, cadre),
            self._status_changes(district, cadre),
        )

    @staticmethod
    def _joined(r: Any, now: date) -> date:
        """The day the cadre joined (a row without one joined ``now``, the district's today)."""
        return now if r.joined_on is None else date.fromisoformat(r.joined_on)

    def _mean_rating(self, district: str, day: date) -> float | None:
        """:func:`matcher.record.district_mean_rating` as one SQL aggregate: a cadre's
        record after each outcome must not read the district's whole history. Stored
        stamps are UTC ISO text of one format, so "ended on or before ``day``" (a
        local day of the district) is a text comparison with the next local midnight in UTC."""
        d = t.dispatches.c
        bound = utc_bound(day + timedelta(days=1), self.zone(district))
        total, count = self.conn.execute(
            select(func.sum(d.rating), func.count(d.rating)).where(
                d.district_id == district,
                d.status != "active",
                d.exempt == 0,
                d.rating.is_not(None),
                func.coalesce(d.closed_at, d.created_at) < bound,
            )
        ).one()
        return None if not count else float(total) / int(count)

    def record(self, district: str, cadre: str, as_of: date | None = None) -> CadreRecord:
        """A cadre's record as of ``as_of`` (the district's today by default), its rating
        shrunk toward the district's mean rating on that day."""
        row = self._cadre_row(district, cadre)
        now = today(self.zone(district))
        day = now if as_of is None else as_of
        return cadre_record(
            cadre,
            self._joined(row, now),
            self._outcomes(district, cadre),
            self._trainings(district, cadre),
            self._status_changes(district, cadre),
            self._mean_rating(district, day),
            self.policy(district).record,
            day,
        )

    def case(self, district: str, *, include_closed: bool = False) -> Case:
        """The district as a :class:`Case`, with each cadre's ``standing`` from their record
        when a record term of the policy weighs anything (else none: the default costs
        nothing). The snapshot reads the case through here, so proposals see it too."""
        case = super().case(district, include_closed=include_closed)
        if not set(active_terms(case.policy)) & set(RECORD_TERMS):
            return case
        records = self.records(district)
        return replace(case, standing={cid: standing(r) for cid, r in records.items()})

    def records(self, district: str, as_of: date | None = None) -> dict[str, CadreRecord]:
        """Every cadre's record in the pool (one read of the history for all)."""
        now = today(self.zone(district))
        day = now if as_of is None else as_of
        outcomes, trainings, changes = self.history(district)
        mean = district_mean_rating(outcomes, day)
        policy = self.policy(district).record
        by: dict[str, History] = {}
        for items, i in ((outcomes, 0), (trainings, 1), (changes, 2)):
            for x in items:
                by.setdefault(x.cadre, ([], [], []))[i].append(x)  # type: ignore[arg-type]
        rows = self.conn.execute(
            select(t.cadres)
            .where(t.cadres.c.district_id == district, t.cadres.c.deleted == 0)
            .order_by(t.cadres.c.pos, t.cadres.c.id)  # the file's order, on every engine
        )
        return {
            r.id: cadre_record(
                r.id, self._joined(r, now), *by.get(r.id, ([], [], [])), mean, policy, day
            )
            for r in rows
        }
