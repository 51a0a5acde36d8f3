"""Cadres: CRUD and unavailability."""

from __future__ import annotations

import math
from datetime import date
from typing import Any

from sqlalchemy import and_, delete, insert, select, update
from sqlalchemy.engine import Row

from matcher import Cadre, InputError, Problem, Status
from matcher.store import schema as t
from matcher.store.audit import audited
from matcher.store.core import (
    NOBODY,
    WITHDRAWN_NOTE,
    Actor,
    active_change,
    cadre_from_row,
    now_iso,
    today,
)
from matcher.store.errors import ConflictError
from matcher.store.pool import PoolTx
from matcher.store.rows import CadreRow, UnavailableRow, actor_of


class CadresTx(PoolTx):
    """Cadres, one at a time, and their unavailability."""

    def _unavailable_out(self, district: str, cid: str, day: str) -> UnavailableRow | None:
        """The cadre's unavailability while it holds on ``day`` (the district's today)."""
        u = t.unavailability
        r = self.conn.execute(
            select(u).where(u.c.district_id == district, u.c.cadre == cid)
        ).first()
        if r is None or (r.until is not None and r.until < day):
            return None
        return UnavailableRow(
            r.until, r.reason, r.created_at, actor_of(r.created_by, r.created_by_label)
        )

    @audited("cadre.unavailable", "cid")
    def set_unavailable(
        self,
        district: str,
        cid: str,
        until: date | None = None,
        reason: str | None = None,
        actor: Actor = NOBODY,
    ) -> CadreRow:
        """Keep a cadre out of proposals until ``until`` (the district's local day,
        inclusive; None: until lifted).

        Active dispatches stay: ending them is a separate, deliberate step.
        """
        self._cadre_row(district, cid)
        if until is not None and until < today(self.zone(district)):
            raise InputError(
                "the last day of unavailability is in the past",
                [
                    Problem(
                        "body",
                        "date in the past",
                        column="until",
                        value=until.isoformat(),
                        code="problem.date_past",
                    )
                ],
            )
        u = t.unavailability
        values = {
            "until": None if until is None else until.isoformat(),
            "reason": reason,
            "created_at": now_iso(),
            "created_by": actor.token,
            "created_by_label": actor.label,
        }
        where = (u.c.district_id == district, u.c.cadre == cid)
        if not self.conn.execute(update(u).where(*where).values(**values)).rowcount:
            self.conn.execute(insert(u).values(district_id=district, cadre=cid, **values))
        return self.cadre(district, cid)

    @audited("cadre.available", "cid")
    def clear_unavailable(self, district: str, cid: str) -> CadreRow:
        """The cadre may be proposed again: the one deletion in the store, explicit and
        audited (the entry records what was lifted)."""
        self._cadre_row(district, cid)
        u = t.unavailability
        self.conn.execute(delete(u).where(u.c.district_id == district, u.c.cadre == cid))
        return self.cadre(district, cid)

    def _away_rows(self, district: str) -> dict[str, UnavailableRow | None]:
        u = t.unavailability
        day = today(self.zone(district)).isoformat()
        return {
            r.cadre: self._unavailable_out(district, r.cadre, day)
            for r in self.conn.execute(select(u.c.cadre).where(u.c.district_id == district))
        }

    @staticmethod
    def _cadre_out(r: Row[Any], used: int, away: UnavailableRow | None = None) -> CadreRow:
        c = cadre_from_row(r)
        return CadreRow(
            id=c.id,
            name=c.name,
            home=c.home,
            skills=c.skills,
            certs=list(c.certs),
            capacity=c.capacity,
            status=c.status.value,
            max_travel_km=None if math.isinf(c.max_travel_km) else c.max_travel_km,
            version=r.version,
            active_dispatches=used,
            unavailable=away,
            available=None if c.available is None else str(c.available),
            away=None if c.away is None else str(c.away),
            hours_per_week=None if math.isinf(c.hours_per_week) else c.hours_per_week,
        )

    def list_cadres(
        self, district: str, *, limit: int = 100, offset: int = 0
    ) -> tuple[list[CadreRow], int]:
        self._district_row(district)
        c = t.cadres.c
        where = and_(c.district_id == district, c.deleted == 0)
        rows, total = self._page(t.cadres, where, (c.pos, c.id), limit, offset)
        used = self._used(district)
        away = self._away_rows(district)
        return [self._cadre_out(r, used.get(r.id, 0), away.get(r.id)) for r in rows], total

    def cadre(self, district: str, cid: str) -> CadreRow:
        r = self._cadre_row(district, cid)
        day = today(self.zone(district)).isoformat()
        return self._cadre_out(
            r, self._used(district).get(cid, 0), self._unavailable_out(district, cid, day)
        )

    @audited("cadre.create", "c")
    def create_cadre(self, district: str, c: Cadre) -> CadreRow:
        self._district_row(district)
        if self._exists(t.cadres, district, c.id, live=True):
            raise ConflictError(f"cadre {c.id!r} already exists")
        self.check_cadre(district, c)
        self.upsert_cadres(district, [c])
        return self.cadre(district, c.id)

    @audited("cadre.update", "c")
    def update_cadre(
        self,
        district: str,
        c: Cadre,
        *,
        end_dispatches: str | None = None,
        actor: Actor = NOBODY,
        warning: int | None = None,
        note: str | None = None,
    ) -> CadreRow:
        """Replace a cadre. Withdrawing one (status red) that holds active dispatches
        raises ConflictError listing them, unless ``end_dispatches="cancel"``: then
        they are cancelled here, in the same transaction, with a note saying why.

        A change of status is kept as a ``status_changes`` row (who, when, and the
        ``warning`` it confirms, if any), so the record's status history is whole.
        """
        old = self._cadre_row(district, c.id)
        self.check_cadre(district, c)
        if c.status is Status.RED and old.status != Status.RED.value:
            active = self.list_dispatches(district, status="active", cadre=c.id, limit=2**31)[0]
            if active and end_dispatches != "cancel":
                raise ConflictError(
                    f"cadre {c.id!r} holds {len(active)} active dispatch(es): complete or "
                    "cancel them before setting status red (withdrawn), or cancel them "
                    "with the update (end_dispatches=cancel)",
                    [active_change(d) for d in active],
                    code="conflict.red_with_active",
                    params={"id": c.id, "count": len(active)},
                )
            for d in active:  # withdrawn: no warning rule is asked about a red cadre
                self.close_dispatch(
                    district,
                    d.id,
                    "cancel",
                    WITHDRAWN_NOTE,
                    actor,
                    cancel_reason="cadre_unavailable",
                    evaluate=False,
                )
        self.check_counts(district, [c])
        if cadre_from_row(old) != c:
            self.upsert_cadres(district, [c])
        if c.status.value != old.status:
            self.conn.execute(
                insert(t.status_changes).values(
                    district_id=district,
                    cadre=c.id,
                    day=today(self.zone(district)).isoformat(),
                    from_status=old.status,
                    to_status=c.status.value,
                    warning_id=warning,
                    created_at=now_iso(),
                    created_by=actor.token,
                    created_by_label=actor.label,
                    note=note,
                )
            )
        return self.cadre(district, c.id)

    @audited("cadre.delete", "cid")
    def delete_cadre(self, district: str, cid: str) -> None:
        self._retire(t.cadres, "cadre", self._cadre_row(district, cid))
