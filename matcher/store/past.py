"""A generated past loaded in bulk: dispatches with their outcomes, trainings, points, decisions.

Why: the growth record, its warnings and its points are functions of a history; a
demo or a test district starts with none. :meth:`PastTx.load_history` writes a
history (:class:`matcher.generate.History`, or any object with the same fields) as
if it had happened: each past dispatch with its dates and outcome, the points each
completion earned, the trainings attended, the confirmed status changes, and when
each cadre joined.

Past work orders must not fill today's demands (a completed dispatch keeps a
one-off demand's slot, :func:`matcher.store.lifecycle.takes_slot`), so each
past dispatch hangs on an archived copy of its demand, one per demand and month
(``D0080@2026-03``): done, recurring and archived (``deleted``), so it holds no
slot, is never proposed or listed, and keeps the community and priority the
record and the points read.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any, Protocol

from sqlalchemy import Connection, Table, bindparam, func, insert, select, update

from matcher.record import Ending, Outcome, StatusChange, Training, earnings
from matcher.store import bulk
from matcher.store import schema as t
from matcher.store.audit import audited
from matcher.store.core import day_stamp, now_iso
from matcher.store.dispatches import DispatchesTx
from matcher.store.errors import ConflictError

__all__ = ["PastHistory", "PastTx"]

#: the label recorded as who acted on a loaded past
LOADED = "history"


class PastHistory(Protocol):
    """What :meth:`PastTx.load_history` reads (the fields of ``matcher.generate.History``)."""

    @property
    def outcomes(self) -> Sequence[Outcome]: ...
    @property
    def trainings(self) -> Sequence[Training]: ...
    @property
    def status_changes(self) -> Sequence[StatusChange]: ...
    @property
    def joined(self) -> Mapping[str, date]: ...


def _insert(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    if rows:
        bulk.insert_many(conn, insert(table), rows)


def _ids_taken(conn: Connection, table: Table) -> None:
    """After rows were written with ids of our own: the next id generated is above them.

    SQLite's ids follow the largest in the table by themselves; PostgreSQL's come from
    a sequence that explicit ids do not move, so it is moved here (under the write lock,
    so no other insert can take an id in between).
    """
    if conn.dialect.name == "postgresql":
        conn.execute(
            select(
                func.setval(
                    func.pg_get_serial_sequence(table.name, "id"),
                    select(func.coalesce(func.max(table.c.id), 0) + 1).scalar_subquery(),
                    False,
                )
            )
        )


class PastTx(DispatchesTx):
    """Loading a district's past in bulk."""

    @audited("history.load")
    def load_history(self, district: str, history: PastHistory) -> dict[str, int]:
        """Write ``history`` into ``district`` (its cadres and demands must exist).

        Returns how many rows of each kind were written.

        Raises:
            NotFoundError: no such district, or a cadre or demand the history names.
            ConflictError: the district already holds a loaded history.
        """
        self._district_row(district)
        d = t.dispatches.c
        loaded = self.conn.execute(
            select(d.id).where(d.district_id == district, d.created_by_label == LOADED).limit(1)
        ).first()
        if loaded is not None:
            raise ConflictError(
                f"district {district!r} already holds a loaded history",
                code="conflict.history_loaded",
                params={"id": district},
            )
        policy = self.policy(district).record
        zone = self.zone(district)
        now = now_iso()
        demands = {
            r.id: r
            for r in self.conn.execute(select(t.demands).where(t.demands.c.district_id == district))
        }
        for o in history.outcomes:
            if o.demand not in demands:
                self._demand_row(district, o.demand)  # raises NotFoundError
        archived: dict[str, str] = {}
        pos = int(
            self.conn.execute(
                select(func.coalesce(func.max(t.demands.c.pos), -1)).where(
                    t.demands.c.district_id == district
                )
            ).scalar_one()
        )
        demand_rows = []
        for o in history.outcomes:
            key = f"{o.demand}@{o.started:%Y-%m}"
            if key in archived or key in demands:  # loaded before: the same archive
                continue
            src = demands[o.demand]
            archived[key] = key
            pos += 1
            demand_rows.append(
                {
                    **{c.name: getattr(src, c.name) for c in t.demands.c},
                    "id": key,
                    "title": f"{src.title}（{o.started:%Y-%m}）",
                    "status": "done",
                    "recurring": 1,
                    "pos": pos,
                    "version": 1,
                    "deleted": 1,
                    "created_at": None,  # a generated past order's arrival is not known
                }
            )
        _insert(self.conn, t.demands, demand_rows)
        base = int(
            self.conn.execute(select(func.coalesce(func.max(t.dispatches.c.id), 0))).scalar_one()
        )
        _insert(
            self.conn,
            t.dispatches,
            [
                {
                    "id": base + o.dispatch,
                    "district_id": district,
                    "proposal_id": None,
                    "cadre": o.cadre,
                    "demand": f"{o.demand}@{o.started:%Y-%m}",
                    "score": 0.0,
                    "status": o.ending.value,
                    "created_at": day_stamp(o.started, zone),
                    "closed_at": day_stamp(o.ended, zone),
                    "note": None,
                    "created_by": None,
                    "created_by_label": LOADED,
                    "closed_by": None,
                    "closed_by_label": LOADED,
                    "hours": o.hours if o.ending == Ending.COMPLETED else None,
                    "rating": o.rating if o.ending == Ending.COMPLETED else None,
                    "exempt": int(o.exempt),
                    "exempt_reason": o.exempt_reason,
                    "cancel_reason": None if o.cancel_reason is None else o.cancel_reason.value,
                }
                for o in history.outcomes
            ],
        )
        _ids_taken(self.conn, t.dispatches)
        earned = earnings(history.outcomes, policy)
        _insert(
            self.conn,
            t.points,
            [
                {
                    "district_id": district,
                    "cadre": e.cadre,
                    "kind": e.kind.value,
                    "amount": e.signed,
                    "dispatch_id": None if e.dispatch is None else base + e.dispatch,
                    "reason": e.reason,
                    "day": e.day.isoformat(),
                    "created_at": now,
                    "created_by": None,
                    "created_by_label": LOADED,
                }
                for e in earned
            ],
        )
        _insert(
            self.conn,
            t.trainings,
            [
                {
                    "district_id": district,
                    "cadre": x.cadre,
                    "course": x.course,
                    "tags": json.dumps(list(x.tags), ensure_ascii=False),
                    "hours": x.hours,
                    "day": x.day.isoformat(),
                    "cert": x.cert,
                    "created_at": now,
                    "created_by": None,
                    "created_by_label": LOADED,
                }
                for x in history.trainings
            ],
        )
        last: dict[str, str] = {}
        changes = []
        for s in sorted(history.status_changes, key=lambda s: (s.day, s.cadre)):
            changes.append(
                {
                    "district_id": district,
                    "cadre": s.cadre,
                    "day": s.day.isoformat(),
                    "from_status": last.get(s.cadre, "green"),
                    "to_status": s.status,
                    "warning_id": None,
                    "created_at": now,
                    "created_by": None,
                    "created_by_label": LOADED,
                    "note": s.rule,
                }
            )
            last[s.cadre] = s.status
        _insert(self.conn, t.status_changes, changes)
        joined = [{"k": cid, "day": day.isoformat()} for cid, day in history.joined.items()]
        if joined:
            c = t.cadres.c
            self.conn.execute(
                update(t.cadres)
                .where(c.district_id == district, c.id == bindparam("k"))
                .values(joined_on=bindparam("day")),
                joined,
            )
        return {
            "demands_archived": len(demand_rows),
            "dispatches": len(history.outcomes),
            "points": len(earned),
            "trainings": len(history.trainings),
            "status_changes": len(changes),
        }
