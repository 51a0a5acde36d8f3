"""The points ledger (服务积分): entries earned by completed dispatches and redeemed by an admin.

Why a ledger and no balance column: the balance is the sum of the entries, so it
can always be explained line by line and never drifts from them. A redemption
reads the balance and writes its entry in one write transaction (SQLite's
``BEGIN IMMEDIATE`` serialises writers), so concurrent redemptions can never
take a balance below 0; the rule itself is :func:`matcher.record.check_redemption`.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.engine import Row

from matcher import InputError
from matcher.record import EntryKind, check_redemption
from matcher.store import schema as t
from matcher.store.audit import audited
from matcher.store.core import NOBODY, Actor, now_iso, today
from matcher.store.districts import DistrictsTx
from matcher.store.errors import ConflictError
from matcher.store.rows import PointsRow, actor_of

__all__ = ["PointsTx"]


class PointsTx(DistrictsTx):
    """A cadre's points: the ledger, its balance, earning and redeeming."""

    @staticmethod
    def _points_out(r: Row[Any]) -> PointsRow:
        return PointsRow(
            id=r.id,
            cadre=r.cadre,
            kind=r.kind,
            amount=r.amount,
            dispatch=r.dispatch_id,
            reason=r.reason,
            day=r.day,
            created_at=r.created_at,
            created_by=actor_of(r.created_by, r.created_by_label),
        )

    def _balance(self, district: str, cadre: str) -> int:
        c = t.points.c
        q = select(func.coalesce(func.sum(c.amount), 0)).where(
            c.district_id == district, c.cadre == cadre
        )
        return int(self.conn.execute(q).scalar_one())

    def points(self, district: str, cadre: str) -> tuple[int, list[PointsRow]]:
        """A cadre's balance and ledger (oldest first); the balance is the ledger's sum."""
        self._cadre_row(district, cadre)
        c = t.points.c
        rows = self.conn.execute(
            select(t.points)
            .where(c.district_id == district, c.cadre == cadre)
            .order_by(c.day, c.id)
        ).all()
        entries = [self._points_out(r) for r in rows]
        return sum(e.amount for e in entries), entries

    @audited("points.earn", "cadre")
    def earn_points(
        self,
        district: str,
        cadre: str,
        amount: int,
        dispatch: int,
        day: date | None = None,
        actor: Actor = NOBODY,
    ) -> None:
        """Write the entry a completed dispatch earned on ``day`` (default: the
        district's today; nothing for 0 points)."""
        if amount <= 0:
            return
        self.conn.execute(
            insert(t.points).values(
                district_id=district,
                cadre=cadre,
                kind=EntryKind.EARNED.value,
                amount=amount,
                dispatch_id=dispatch,
                reason="dispatch",
                day=(day or today(self.zone(district))).isoformat(),
                created_at=now_iso(),
                created_by=actor.token,
                created_by_label=actor.label,
            )
        )

    @audited("points.redeem", "cadre")
    def redeem_points(
        self,
        district: str,
        cadre: str,
        amount: int,
        reason: str,
        actor: Actor = NOBODY,
    ) -> tuple[int, list[PointsRow]]:
        """Redeem ``amount`` points for ``reason`` (a course, a recognition).

        The balance is read and the entry written in this write transaction.

        Raises:
            InputError: ``points.amount_positive`` (not a whole number above 0).
            ConflictError: ``points.overdraw`` (more than the balance; nothing written).
        """
        self._cadre_row(district, cadre)
        try:
            check_redemption(self._balance(district, cadre), amount)
        except InputError as exc:
            if exc.code != "points.overdraw":
                raise
            raise ConflictError(str(exc), code=exc.code, params=exc.params) from None
        self.conn.execute(
            insert(t.points).values(
                district_id=district,
                cadre=cadre,
                kind=EntryKind.REDEEMED.value,
                amount=-amount,
                reason=reason,
                day=today(self.zone(district)).isoformat(),
                created_at=now_iso(),
                created_by=actor.token,
                created_by_label=actor.label,
            )
        )
        return self.points(district, cadre)
