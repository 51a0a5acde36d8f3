"""Three-colour warnings (三色预警) kept in the store: evaluated, listed, decided by a person.

Why stored as suggestions: a colour decides whether a cadre is dispatched, so
the rules (:mod:`matcher.record.warnings`) only propose; the store keeps each
proposal with its reasons until a dispatcher or admin confirms it (the status
changes, as if they had edited the cadre, with the warning named in the status
history) or dismisses it. A pending suggestion is never stored twice for the
same cadre and rule, so evaluating again is harmless.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from typing import Any

from sqlalchemy import and_, func, insert, select, update
from sqlalchemy.engine import Row

from matcher import InputError, Problem, Status
from matcher.record import Suggestion, evaluate
from matcher.store import schema as t
from matcher.store.audit import audited
from matcher.store.core import NOBODY, Actor, cadre_from_row, now_iso, today
from matcher.store.errors import ConflictError
from matcher.store.lifecycle import move
from matcher.store.record import RecordTx
from matcher.store.rows import RecordRow, StatusChangeRow, WarningRow, actor_of

__all__ = ["WarningsTx"]


class WarningsTx(RecordTx):
    """Warnings: evaluate the rules, list the suggestions, confirm or dismiss one."""

    @staticmethod
    def _warning_out(r: Row[Any]) -> WarningRow:
        return WarningRow(
            id=r.id,
            cadre=r.cadre,
            rule=r.rule,
            from_status=r.from_status,
            to_status=r.to_status,
            reasons=list(json.loads(r.reasons)),
            created_at=r.created_at,
            state=r.state,
            decided_at=r.decided_at,
            decided_by=actor_of(r.decided_by, r.decided_by_label),
            note=r.note,
        )

    def warning(self, district: str, wid: int) -> WarningRow:
        c = t.warnings.c
        return self._warning_out(
            self._one(t.warnings, "warning", wid, c.id == wid, c.district_id == district)
        )

    def list_warnings(
        self,
        district: str,
        *,
        state: str | None = None,
        cadre: str | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> tuple[list[WarningRow], int]:
        """The district's warnings, newest first, filtered by state and cadre."""
        self._district_row(district)
        c = t.warnings.c
        where = c.district_id == district
        if state is not None:
            where = and_(where, c.state == state)
        if cadre is not None:
            where = and_(where, c.cadre == cadre)
        rows, total = self._page(t.warnings, where, (c.id.desc(),), limit, offset)
        return [self._warning_out(r) for r in rows], total

    def evaluate_after(self, district: str, cadres: list[str]) -> None:
        for cadre in dict.fromkeys(cadres):
            self.evaluate_warnings(district, cadre)

    @audited("warnings.evaluate", "cadre")
    def evaluate_warnings(
        self, district: str, cadre: str | None = None, as_of: date | None = None
    ) -> list[WarningRow]:
        """Run the warning rules on every cadre's record (or one cadre's) and store the NEW
        suggestions as pending; a rule already pending for a cadre is not stored again,
        and a rule a person dismissed for a cadre is not suggested again until that
        cadre has an outcome ended after the dismissal (a dismissal answers the facts
        it saw; a new outcome brings new facts).

        Returns the warnings stored now (often none).
        """
        day = today(self.zone(district)) if as_of is None else as_of
        if cadre is not None:
            records = {cadre: self.record(district, cadre, day)}
        else:
            records = self.records(district, day)
        _outcomes, _trainings, changes = self.history(district, cadre)
        status = {
            r.id: r.status
            for r in self.conn.execute(
                select(t.cadres.c.id, t.cadres.c.status).where(
                    t.cadres.c.district_id == district, t.cadres.c.deleted == 0
                )
            )
        }
        w = t.warnings.c
        pending = {
            (r.cadre, r.rule)
            for r in self.conn.execute(
                select(w.cadre, w.rule).where(w.district_id == district, w.state == "pending")
            )
        }
        dismissed: dict[tuple[str, str], str] = {
            (r.cadre, r.rule): r.at
            for r in self.conn.execute(
                select(w.cadre, w.rule, func.max(w.decided_at).label("at"))
                .where(w.district_id == district, w.state == "dismissed")
                .group_by(w.cadre, w.rule)
            )
        }
        d = t.dispatches.c
        last_outcome: dict[str, str] = {
            r.cadre: r.at
            for r in self.conn.execute(
                select(d.cadre, func.max(d.closed_at).label("at"))
                .where(d.district_id == district, d.status != "active")
                .group_by(d.cadre)
            )
        }
        policy = self.policy(district).record
        stored = []
        for cid, rec in records.items():
            for s in evaluate(rec, status[cid], changes, policy):
                if (cid, s.rule) in pending:
                    continue
                held = dismissed.get((cid, s.rule))
                if held is not None and (last_outcome.get(cid) or "") <= held:
                    continue
                stored.append(self._store_suggestion(district, s))
        return stored

    def _store_suggestion(self, district: str, s: Suggestion) -> WarningRow:
        reason = s.reason
        result = self.conn.execute(
            insert(t.warnings).values(
                district_id=district,
                cadre=s.cadre,
                rule=s.rule,
                from_status=s.from_status,
                to_status=s.to_status,
                reasons=json.dumps(
                    [{"code": reason.code, "params": dict(reason.params)}], ensure_ascii=False
                ),
                created_at=now_iso(),
                state="pending",
            )
        )
        pk = result.inserted_primary_key
        assert pk is not None
        return self.warning(district, int(pk[0]))

    @audited("warning.decide", "wid")
    def decide_warning(
        self,
        district: str,
        wid: int,
        action: str,
        note: str | None = None,
        actor: Actor = NOBODY,
        end_dispatches: str | None = None,
    ) -> WarningRow:
        """``confirm`` (the cadre takes the suggested status) or ``dismiss`` a pending warning.

        Confirming acts like editing the cadre's status: red while they hold active
        dispatches is refused (409 listing them) unless ``end_dispatches="cancel"``.
        A warning whose cadre's status has changed since it was made (its ``from``
        no longer holds) cannot be confirmed (409); it can still be dismissed. A
        decided warning cannot be decided again (409 ``state.illegal_transition``).
        """
        current = self.warning(district, wid)
        state = move("warning", wid, current.state, action)
        if state == "confirmed":
            old = cadre_from_row(self._cadre_row(district, current.cadre))
            if old.status.value != current.from_status:
                raise ConflictError(
                    f"warning {wid} suggests {current.from_status} → {current.to_status}, "
                    f"but cadre {current.cadre!r} is {old.status.value} now; dismiss it",
                    [{"kind": "warning_stale", "warning": wid, "cadre": current.cadre}],
                    code="conflict.warning_stale",
                    params={
                        "id": wid,
                        "cadre": current.cadre,
                        "status": old.status.value,
                        "from": current.from_status,
                    },
                )
            self.update_cadre(
                district,
                replace(old, status=Status(current.to_status)),
                end_dispatches=end_dispatches,
                actor=actor,
                warning=wid,
                note=note,
            )
        self.conn.execute(
            update(t.warnings)
            .where(t.warnings.c.id == wid)
            .values(
                state=state,
                decided_at=now_iso(),
                decided_by=actor.token,
                decided_by_label=actor.label,
                note=note,
            )
        )
        return self.warning(district, wid)

    def record_row(self, district: str, cadre: str, as_of: date | None = None) -> RecordRow:
        """The cadre's record as of ``as_of`` with their name, status now and pending warnings.

        Raises:
            InputError: ``as_of`` is after today (a record of days not lived yet).
        """
        if as_of is not None and as_of > today(self.zone(district)):
            raise InputError(
                "a record is as of today or an earlier day",
                [
                    Problem(
                        "query",
                        "date in the future",
                        column="as_of",
                        value=as_of.isoformat(),
                        code="problem.date_future",
                    )
                ],
            )
        row = self.cadre(district, cadre)
        rec = self.record(district, cadre, as_of)
        pending = self.list_warnings(district, state="pending", cadre=cadre, limit=2**31)[0]
        recent = self.policy(district).record.recent_days
        balance = int(self.points(district, cadre)[0])
        return RecordRow.of(rec, row.name, row.status, recent, pending, balance)

    def list_status_changes(self, district: str, cadre: str) -> list[StatusChangeRow]:
        """A cadre's status changes made by people, oldest first."""
        self._cadre_row(district, cadre)
        s = t.status_changes
        q = select(s).where(s.c.district_id == district, s.c.cadre == cadre).order_by(s.c.id)
        return [
            StatusChangeRow(
                id=r.id,
                cadre=r.cadre,
                day=r.day,
                from_status=r.from_status,
                to_status=r.to_status,
                warning=r.warning_id,
                created_at=r.created_at,
                created_by=actor_of(r.created_by, r.created_by_label),
                note=r.note,
            )
            for r in self.conn.execute(q)
        ]
