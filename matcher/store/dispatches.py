"""Dispatches: listing them, ending one, and the store's consistency check.

Below the pool: editing a cadre or closing a demand ends dispatches.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

from sqlalchemy import and_, func, select, update
from sqlalchemy.engine import Row

from matcher import InputError
from matcher.model import Demand
from matcher.record import Ending, Outcome, points_for
from matcher.store import core
from matcher.store import schema as t
from matcher.store.audit import audited
from matcher.store.core import NOBODY, Actor, day_stamp, demand_from_row, local_day, now_iso, today
from matcher.store.lifecycle import move, takes_slot
from matcher.store.outcome_rules import ended_problems, outcome_problems, started_problems
from matcher.store.points import PointsTx
from matcher.store.rows import DispatchRow, actor_of


class DispatchesTx(PointsTx):
    """Dispatches: reading them, ending one, and checking the counts agree."""

    # ---------------------------------------------------------------- dispatches
    @staticmethod
    def _dispatch_out(r: Row[Any]) -> DispatchRow:
        return DispatchRow(
            id=r.id,
            district=r.district_id,
            proposal=r.proposal_id,
            cadre=r.cadre,
            demand=r.demand,
            score=r.score,
            status=r.status,
            created_at=r.created_at,
            created_by=actor_of(r.created_by, r.created_by_label),
            closed_at=r.closed_at,
            closed_by=actor_of(r.closed_by, r.closed_by_label),
            note=r.note,
            hours=r.hours,
            rating=r.rating,
            exempt=bool(r.exempt),
            exempt_reason=r.exempt_reason,
            cancel_reason=r.cancel_reason,
        )

    def cadre_work(self, district: str, cadre: str) -> list[tuple[DispatchRow, Demand]]:
        """The cadre's active and completed dispatches, oldest first, each with its demand
        (a dated one's window read in the district's zone): what a calendar of the cadre
        shows. Cancelled work and no-shows held nobody's time, so they are left out."""
        d, m = t.dispatches, t.demands
        rows = self.conn.execute(
            select(d)
            .where(
                d.c.district_id == district,
                d.c.cadre == cadre,
                d.c.status.in_(("active", "completed")),
            )
            .order_by(d.c.id)
        ).all()
        ids = sorted({r.demand for r in rows})
        zone = self.zone(district)
        demands = {
            r.id: demand_from_row(r, zone)
            for r in self.conn.execute(
                select(m).where(m.c.district_id == district, m.c.id.in_(ids))
            )
        }
        return [(self._dispatch_out(r), demands[r.demand]) for r in rows if r.demand in demands]

    def dispatch(self, district: str, did: int) -> DispatchRow:
        c = t.dispatches.c
        return self._dispatch_out(
            self._one(t.dispatches, "dispatch", did, c.id == did, c.district_id == district)
        )

    def list_dispatches(
        self,
        district: str,
        *,
        status: str | None = None,
        cadre: str | None = None,
        demand: str | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> tuple[list[DispatchRow], int]:
        self._district_row(district)
        where = t.dispatches.c.district_id == district
        for col, value in (
            (t.dispatches.c.status, status),
            (t.dispatches.c.cadre, cadre),
            (t.dispatches.c.demand, demand),
        ):
            if value is not None:
                where = and_(where, col == value)
        rows, total = self._page(t.dispatches, where, (t.dispatches.c.id,), limit, offset)
        return [self._dispatch_out(r) for r in rows], total

    @audited("dispatch.close", "did")
    def close_dispatch(
        self,
        district: str,
        did: int,
        action: str,
        note: str | None = None,
        actor: Actor = NOBODY,
        *,
        hours: float | None = None,
        rating: int | None = None,
        exempt: bool = False,
        exempt_reason: str | None = None,
        cancel_reason: str | None = None,
        ended: date | None = None,
        evaluate: bool = True,
        withdraw: bool = True,
    ) -> DispatchRow:
        """End an active dispatch: ``complete``, ``cancel`` or ``no_show``, with its outcome.

        Each frees the cadre's capacity. Completed work keeps its slot filled on a
        one-off demand; when every slot of such a demand is completed, the demand
        is done. A cancel or a no-show frees the slot (a no-show keeps the pair
        out of later proposals); a cancel for the reason ``no_show`` is a no-show.
        A cancel for the reason ``community_withdrew`` means the community no longer
        wants the work: its demand is withdrawn with it (:meth:`withdraw_demand`),
        else the next proposal would fill the slot again (``withdraw=False``: the
        caller withdraws once after a batch).

        The outcome (issue #18): ``hours`` (> 0, at most the policy's
        ``record.max_hours``; None: not recorded), ``rating`` 1–5 and a 容错
        exemption (with its reason) on a completion, ``cancel_reason`` on a cancel;
        ``ended`` is the day it ended (default: today; days are the district's, in
        the time zone its policy names). A dated order's dispatch is
        completed or marked no-show only once the order has started
        (:func:`~matcher.store.outcome_rules.started_problems`). A completion writes the
        points it earned (:func:`matcher.record.points_for`, the demand's
        priority) in this transaction; then the cadre's warning rules are
        evaluated, when the store has them (``evaluate=False``: the caller
        evaluates once after a batch).

        Raises:
            InputError: the outcome's problems, each on its field (nothing written).
        """
        current = self.dispatch(district, did)
        policy = self.policy(district).record
        zone = self.zone(district)
        began, now = local_day(current.created_at, zone), today(zone)
        problems = outcome_problems(
            action,
            hours=hours,
            rating=rating,
            exempt=exempt,
            exempt_reason=exempt_reason,
            cancel_reason=cancel_reason,
            max_hours=policy.max_hours,
        ) + ended_problems(ended, began, now)
        effective = "no_show" if action == "cancel" and cancel_reason == "no_show" else action
        if effective != "cancel":
            order = demand_from_row(self._demand_row(district, current.demand), zone)
            problems += started_problems(effective, order.start, core.now_utc(), ended)
        if problems:
            raise InputError(
                f"the outcome of dispatch {did} is not valid",
                problems,
                code="outcome.invalid",
                params={"dispatch": did},
            )
        if action == "cancel" and cancel_reason == "no_show":
            action = "no_show"
        status = move("dispatch", did, current.status, action)
        day = ended or now
        self.conn.execute(
            update(t.dispatches)
            .where(t.dispatches.c.id == did)
            .values(
                status=status,
                closed_at=now_iso() if ended is None else day_stamp(ended, zone),
                note=note,
                closed_by=actor.token,
                closed_by_label=actor.label,
                hours=hours,
                rating=rating,
                exempt=int(exempt),
                exempt_reason=(exempt_reason or "").strip() or None,
                cancel_reason=cancel_reason,
            )
        )
        if status == "completed":
            demand = self._demand_row(district, current.demand)
            done = self._demand_counts(district).get(demand.id, (0, 0, 0))
            if demand.status == "open" and not demand.recurring and done[2] >= demand.headcount:
                self._set_demand_status(demand, "done")
            outcome = Outcome(
                did,
                current.cadre,
                current.demand,
                demand.community,
                began,
                day,
                Ending.COMPLETED,
                priority=demand.priority,
                hours=hours,
                rating=rating,
                exempt=exempt,
            )
            self.earn_points(district, current.cadre, points_for(outcome, policy), did, day, actor)
        if status == "cancelled" and cancel_reason == "community_withdrew" and withdraw:
            self.withdraw_demand(district, current.demand, actor)
        if evaluate:
            self.evaluate_after(district, [current.cadre])
        return self.dispatch(district, did)

    def withdraw_demand(self, district: str, demand: str, actor: Actor = NOBODY) -> None:
        """The community withdrew ``demand``: close it and end its other active work.

        Closing a demand lives in a mixin above this one; it overrides this hook, so
        a cancel for ``community_withdrew`` always reaches it.
        """

    def evaluate_after(self, district: str, cadres: list[str]) -> None:
        """Run the warning rules for ``cadres`` after their outcomes.

        The rules live in a mixin above this one (they read the whole record);
        it overrides this hook, so an outcome written here always reaches them.
        """

    def check_consistency(self, district: str | None = None) -> list[str]:
        """Invariants a crash must never break: no capacity or headcount overrun,
        no cadre twice on one demand, every accepted pair a dispatch."""
        problems = []
        q = select(t.districts.c.id)
        if district is not None:
            q = q.where(t.districts.c.id == district)
        for (d,) in self.conn.execute(q.order_by(t.districts.c.id)).all():
            used = self._used(d)
            cq = select(t.cadres).where(t.cadres.c.district_id == d).order_by(t.cadres.c.id)
            for r in self.conn.execute(cq):
                if used.get(r.id, 0) > r.capacity:
                    problems.append(f"{d}: cadre {r.id} over capacity")
            filled = self._filled(d)
            dq = select(t.demands).where(t.demands.c.district_id == d).order_by(t.demands.c.id)
            for r in self.conn.execute(dq):
                if filled.get(r.id, 0) > r.headcount:
                    problems.append(f"{d}: demand {r.id} over headcount")
            pairs = Counter(
                (r.cadre, r.demand)
                for r in self._dispatch_rows(d)
                if takes_slot(r.status, bool(r.recurring))
            )
            problems += [f"{d}: {c} twice on {m}" for (c, m), k in pairs.items() if k > 1]
            for (pid,) in self.conn.execute(
                select(t.proposal_items.c.proposal_id)
                .join(t.proposals, t.proposals.c.id == t.proposal_items.c.proposal_id)
                .where(t.proposals.c.district_id == d, t.proposal_items.c.state == "accepted")
                .distinct()
            ):
                n_items = self.conn.execute(
                    select(func.count())
                    .select_from(t.proposal_items)
                    .where(
                        t.proposal_items.c.proposal_id == pid,
                        t.proposal_items.c.state == "accepted",
                    )
                ).scalar_one()
                n_disp = self.conn.execute(
                    select(func.count())
                    .select_from(t.dispatches)
                    .where(t.dispatches.c.proposal_id == pid)
                ).scalar_one()
                if n_items != n_disp:
                    problems.append(
                        f"{d}: proposal {pid} accepted {n_items} but {n_disp} dispatches"
                    )
        return problems
