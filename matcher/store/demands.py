"""Demands: CRUD, closing and reopening."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, select, update
from sqlalchemy.engine import Row

from matcher import Demand
from matcher.dated import format_local
from matcher.store import schema as t
from matcher.store.audit import audited
from matcher.store.core import (
    CLOSED_NOTE,
    NOBODY,
    Actor,
    active_change,
    demand_from_row,
    demand_values,
    now_iso,
)
from matcher.store.errors import ConflictError
from matcher.store.lifecycle import demand_stage, move
from matcher.store.pool import PoolTx
from matcher.store.rows import DemandRow


class DemandsTx(PoolTx):
    """Demands, one at a time, and their open/closed status."""

    @staticmethod
    def _demand_out(
        r: Row[Any], zone: ZoneInfo, filled: int, active: int, completed: int
    ) -> DemandRow:
        d = demand_from_row(r, zone)
        return DemandRow(
            id=d.id,
            community=d.community,
            title=d.title,
            needs=d.needs,
            requires=d.requires,
            certs=list(d.certs),
            headcount=d.headcount,
            priority=d.priority,
            status=r.status,
            recurring=bool(r.recurring),
            stage=demand_stage(r.status, d.headcount, filled),
            version=r.version,
            filled=filled,
            active=active,
            completed=completed,
            start=None if d.start is None else format_local(d.start),
            end=None if d.end is None else format_local(d.end),
            hours=d.hours,
            item=d.item,
            created_at=r.created_at,
        )

    def list_demands(
        self, district: str, *, status: str | None = None, limit: int = 100, offset: int = 0
    ) -> tuple[list[DemandRow], int]:
        self._district_row(district)
        c = t.demands.c
        where = and_(c.district_id == district, c.deleted == 0)
        if status is not None:
            where = and_(where, c.status == status)
        rows, total = self._page(t.demands, where, (c.pos, c.id), limit, offset)
        counts, zone = self._demand_counts(district), self.zone(district)
        return [self._demand_out(r, zone, *counts.get(r.id, (0, 0, 0))) for r in rows], total

    def demand(self, district: str, did: str) -> DemandRow:
        r = self._demand_row(district, did)
        counts = self._demand_counts(district).get(did, (0, 0, 0))
        return self._demand_out(r, self.zone(district), *counts)

    @audited("demand.create", "d")
    def create_demand(self, district: str, d: Demand, *, recurring: bool = False) -> DemandRow:
        """A new open demand. The id of a deleted demand may be used again only when
        nothing was ever dispatched or declined on it: its history would fill the new
        demand's slots and block its pairs."""
        self._district_row(district)
        if self._exists(t.demands, district, d.id, live=True):
            raise ConflictError(f"demand {d.id!r} already exists")
        if self._exists(t.demands, district, d.id) and self._has_history(district, d.id):
            raise ConflictError(
                f"demand id {d.id!r} was used by a deleted demand with dispatches or declines; "
                "choose a new id",
                [{"demand": d.id, "kind": "id_used"}],
                code="conflict.id_used",
                params={"id": d.id},
            )
        self.check_demand(district, d)
        self.check_not_begun(district, [d])
        self.upsert_demands(district, [d])
        # a re-created demand starts open
        self.conn.execute(
            update(t.demands)
            .where(t.demands.c.district_id == district, t.demands.c.id == d.id)
            .values(status="open", recurring=int(recurring), created_at=now_iso())
        )
        return self.demand(district, d.id)

    def _has_history(self, district: str, did: str) -> bool:
        for table in (t.dispatches, t.declines):
            q = select(table.c.demand).where(table.c.district_id == district, table.c.demand == did)
            if self.conn.execute(q.limit(1)).first() is not None:
                return True
        return False

    @audited("demand.update", "d")
    def update_demand(
        self, district: str, d: Demand, *, recurring: bool | None = None
    ) -> DemandRow:
        """Replace a demand; ``recurring`` None keeps the flag as it is.

        Refused (409) when the edit would leave more slots filled than the headcount:
        a lower headcount, or a recurring demand made one-off, whose completed work
        would then fill slots again. A demand already over-filled may still be edited
        otherwise (or made recurring, which is how it is mended). Refused too when a new
        window over-books a cadre holding it (:meth:`check_held`).
        """
        old = self._demand_row(district, d.id)
        self.check_demand(district, d)
        self.check_not_begun(district, [d])
        was = bool(old.recurring)
        now = was if recurring is None else recurring
        active, completed = self._demand_counts(district).get(d.id, (0, 0, 0))[1:]
        filled = active + (0 if now else completed)
        if was and not now:
            cadres = [r.cadre for r in self._dispatch_rows(district) if r.demand == d.id]
            if len(set(cadres)) < len(cadres):
                raise ConflictError(
                    f"demand {d.id!r} was served more than once by one cadre; it stays recurring",
                    [{"demand": d.id, "kind": "served_twice"}],
                    code="conflict.served_twice",
                    params={"id": d.id},
                )
        tighter = d.headcount < old.headcount or (was and not now)
        if tighter and d.headcount < filled:
            raise ConflictError(
                f"demand {d.id!r} has {filled} filled slot(s) (active or completed dispatches); "
                "headcount cannot go below that",
                [{"demand": d.id, "field": "headcount", "filled": filled}],
                code="conflict.filled_below",
                params={"id": d.id, "count": filled},
            )
        self.check_held(district, [d])
        if (
            demand_from_row(old, self.zone(district)) != d or now != was
        ):  # one new version for the whole edit
            self.conn.execute(
                update(t.demands)
                .where(t.demands.c.district_id == district, t.demands.c.id == d.id)
                .values(**demand_values(d), recurring=int(now), version=old.version + 1)
            )
        return self.demand(district, d.id)

    @audited("demand.close", "did")
    def close_demand(
        self,
        district: str,
        did: str,
        outcome: str | None = None,
        end_dispatches: str | None = None,
        actor: Actor = NOBODY,
        hours: float | None = None,
    ) -> DemandRow:
        """Close an open demand as ``done`` or ``cancelled``: no longer proposed.

        Without ``outcome``, a demand with completed work is done, one without is
        cancelled. A demand with active dispatches is closed only with
        ``end_dispatches`` (``complete`` or ``cancel``: each of them is ended so, in
        the same transaction); otherwise 409 lists them, as withdrawing a busy
        cadre does: nobody stays dispatched on work that is closed. ``hours`` are
        the service hours recorded on each completion (None: not recorded); they
        are refused with ``end_dispatches="cancel"``.
        """
        old = self._demand_row(district, did)
        if outcome is None:
            outcome = (
                "done" if self._demand_counts(district).get(did, (0, 0, 0))[2] else "cancelled"
            )
        status = move("demand", did, old.status, outcome)
        active = self.list_dispatches(district, status="active", demand=did, limit=2**31)[0]
        if active and end_dispatches not in ("complete", "cancel"):
            raise ConflictError(
                f"demand {did!r} holds {len(active)} active dispatch(es): complete or cancel "
                "them, or end them with the close (end_dispatches=complete or cancel)",
                [active_change(x) for x in active],
                code="conflict.demand_has_active",
                params={"id": did, "count": len(active)},
            )
        self._set_demand_status(old, status)
        for x in active:  # the demand is closed first: no completion makes it done again
            self.close_dispatch(
                district,
                x.id,
                str(end_dispatches),
                CLOSED_NOTE,
                actor,
                hours=hours,
                cancel_reason="community_withdrew" if end_dispatches == "cancel" else None,
            )
        return self.demand(district, did)

    def withdraw_demand(self, district: str, demand: str, actor: Actor = NOBODY) -> None:
        """The community withdrew ``demand`` (a dispatch of it was cancelled for
        ``community_withdrew``): close it as :meth:`close_demand` does without an
        outcome (done when some of its work was completed, else cancelled) and cancel
        its other active dispatches for the same reason. Nothing to do once it is
        closed (the dispatches the close cancels come back here). Always called inside
        the write that cancelled: the audit entry of that write lists it under
        ``then`` as ``demand.withdraw``.
        """
        if self._demand_row(district, demand).status != "open":
            return
        self.close_demand(district, demand, None, "cancel", actor)
        self.note("demand.withdraw", district, demand, {}, actor)

    @audited("demand.reopen", "did")
    def reopen_demand(self, district: str, did: str) -> DemandRow:
        """A done or cancelled demand is proposed again (its dispatches still count); a
        dated order whose shift has begun is not (422 ``problem.start_past``)."""
        old = self._demand_row(district, did)
        step = move("demand", did, old.status, "reopen")  # an open one: 409 first
        if old.starts_at:
            self.check_not_begun(
                district, [demand_from_row(old, self.zone(district))], reopening=True
            )
        self._set_demand_status(old, step)
        return self.demand(district, did)

    @audited("demand.delete", "did")
    def delete_demand(self, district: str, did: str) -> None:
        self._retire(t.demands, "demand", self._demand_row(district, did))
