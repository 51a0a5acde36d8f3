"""Accepting and rejecting a proposal's pairs.

Above proposals and cadres: accepting creates dispatches, and rejecting may mark
a cadre unavailable.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import insert, select, update

from matcher import InputError, Problem
from matcher.dated import district_zone, most_at_once
from matcher.store import schema as t
from matcher.store.audit import audited
from matcher.store.bulk import stored
from matcher.store.cadres import CadresTx
from matcher.store.core import NOBODY, SUPERSEDED, Actor, Basis, Pair, demand_from_row, now_iso
from matcher.store.errors import ConflictError
from matcher.store.proposals import ProposalsTx
from matcher.store.rows import AwayRow, DeclineRow, DispatchRow, actor_of
from matcher.terms import DECIMALS


def _not_a_draft(draft: int, pid: int) -> None:
    """A draft is never decided (:mod:`matcher.store.lifecycle`): 409 before anything
    else is looked at, so the answer does not depend on which pairs were chosen."""
    if draft:
        raise ConflictError(
            f"proposal {pid} is a draft (a planner's): it cannot be accepted or rejected;"
            " a dispatcher proposes to decide",
            [{"kind": "draft", "proposal": pid}],
            code="conflict.draft",
            params={"id": pid},
        )


class DecisionsTx(ProposalsTx, CadresTx):
    """Accepting and rejecting a proposal's pairs."""

    @audited("proposal.accept", "pid")
    def accept(
        self,
        district: str,
        pid: int,
        chosen: Sequence[Pair] | None = None,
        actor: Actor = NOBODY,
    ) -> list[DispatchRow]:
        """Turn chosen (default: all pending) assignments into dispatches, all or nothing.

        Raises ConflictError listing every change since the proposal was computed
        (superseded by a newer proposal, edited or removed cadre/demand, closed
        demand, cadre marked unavailable, capacity or headcount used meanwhile,
        pair declined, dispatched or already decided) and writes nothing then.
        Each change's ``kind`` is a stable code.
        """
        prop = self._proposal_row(district, pid)
        _not_a_draft(prop.draft, pid)
        basis = Basis.from_json(prop.basis)
        items = self._items(pid, chosen)
        if not items:
            if not self._has_items(pid):
                # A proposal that assigned nobody (the pool had nothing fillable) is
                # accepted as it stands: a dispatcher's "accept all" on it is a no-op,
                # not a conflict; only a proposal whose pairs are all decided is 409.
                return []
            superseded = select(t.proposal_items.c.cadre).where(
                t.proposal_items.c.proposal_id == pid, t.proposal_items.c.state == "superseded"
            )
            if self.conn.execute(superseded).first() is not None:
                raise ConflictError(
                    SUPERSEDED,
                    [{"kind": "superseded", "proposal": pid}],
                    code="conflict.superseded",
                )
            raise ConflictError(
                "nothing to accept: every assignment is already decided",
                [{"kind": "nothing_pending", "proposal": pid}],
                code="conflict.nothing_to_accept",
            )
        changes: list[dict[str, Any]] = []
        for i in items:
            if i.state == "superseded":
                changes.append(
                    {"cadre": i.cadre, "demand": i.demand, "kind": "superseded", "proposal": pid}
                )
            elif i.state != "pending":
                changes.append({"cadre": i.cadre, "demand": i.demand, "kind": f"already_{i.state}"})
        want_c = Counter(i.cadre for i in items)
        want_d = Counter(i.demand for i in items)
        used = self._used(district)
        filled = self._filled(district)
        away = self.unavailable(district)
        cadres = stored(self.conn, t.cadres, district, want_c)
        demands = stored(self.conn, t.demands, district, want_d)
        peak = self._peaks(district, items, used, demands)
        for cid, n in sorted(want_c.items()):
            r = cadres.get(cid)
            if r is None or r.deleted:
                changes.append({"cadre": cid, "kind": "cadre_removed"})
            elif r.version != basis.cadres.get(cid):
                changes.append({"cadre": cid, "kind": "cadre_changed"})
            elif cid in away:
                changes.append({"cadre": cid, "kind": "cadre_unavailable", "until": away[cid]})
            elif peak[cid] > r.capacity:
                changes.append(
                    {
                        "cadre": cid,
                        "kind": "capacity_used",
                        "capacity": r.capacity,
                        "active_dispatches": used.get(cid, 0),
                        "requested": n,
                    }
                )
        for did, n in sorted(want_d.items()):
            r = demands.get(did)
            if r is None or r.deleted:
                changes.append({"demand": did, "kind": "demand_removed"})
            elif r.status != "open":
                changes.append({"demand": did, "kind": "demand_closed", "status": r.status})
            elif r.version != basis.demands.get(did):
                changes.append({"demand": did, "kind": "demand_changed"})
            elif filled.get(did, 0) + n > r.headcount:
                changes.append(
                    {
                        "demand": did,
                        "kind": "headcount_filled",
                        "headcount": r.headcount,
                        "filled": filled.get(did, 0),
                        "requested": n,
                    }
                )
        declined = {
            (r.cadre, r.demand)
            for r in self.conn.execute(
                select(t.declines.c.cadre, t.declines.c.demand).where(
                    t.declines.c.district_id == district
                )
            )
        }
        held = self._held_pairs(district)
        for i in items:
            if (i.cadre, i.demand) in declined:
                changes.append({"cadre": i.cadre, "demand": i.demand, "kind": "pair_declined"})
            if (i.cadre, i.demand) in held:
                changes.append({"cadre": i.cadre, "demand": i.demand, "kind": "already_dispatched"})
        if changes:
            newer = any(c["kind"] == "superseded" for c in changes)
            if newer:
                raise ConflictError(SUPERSEDED, changes, code="conflict.superseded")
            if all(i.state in ("accepted", "rejected") for i in items):
                # the dispatcher chose pairs decided already (their capacity and slots
                # taken by that very decision): nothing to re-propose
                raise ConflictError(
                    "some assignments are already decided", changes, code="conflict.already_decided"
                )
            raise ConflictError(
                "the proposal is stale: the pool changed since it was computed; propose again",
                changes,
                code="conflict.stale_proposal",
            )
        scores = {
            (a["cadre"], a["demand"]): a["score"] for a in json.loads(prop.result)["assignments"]
        }
        now = now_iso()
        ids = []
        for i in items:
            ids.append(
                self.conn.execute(
                    insert(t.dispatches).values(
                        district_id=district,
                        proposal_id=pid,
                        cadre=i.cadre,
                        demand=i.demand,
                        score=round(scores.get((i.cadre, i.demand), 0.0), DECIMALS),
                        status="active",
                        created_at=now,
                        created_by=actor.token,
                        created_by_label=actor.label,
                    )
                ).inserted_primary_key[0]  # type: ignore[index]
            )
            self._set_item(pid, i.cadre, i.demand, "accepted")
        return [self.dispatch(district, int(x)) for x in ids]

    @audited("proposal.reject", "pid")
    def reject(
        self,
        district: str,
        pid: int,
        chosen: Sequence[Pair],
        reason: str | None = None,
        actor: Actor = NOBODY,
        *,
        unavailable: bool = False,
        until: date | None = None,
    ) -> tuple[list[DeclineRow], list[AwayRow]]:
        """Decline chosen assignments, or (``unavailable``) the people in them.

        A declined pair is never proposed again. A cadre marked unavailable is
        not proposed at all until ``until`` (inclusive; None: until lifted), and
        every pending pair of theirs in this proposal is rejected with the one
        reason, while no pair decline is recorded: once back, they may be
        proposed for the same demands. Returns (declines, cadres made unavailable).
        """
        _not_a_draft(self._proposal_row(district, pid).draft, pid)
        items = self._items(pid, chosen)
        decided = [i for i in items if i.state != "pending"]
        if decided:
            raise ConflictError(
                "some assignments are already decided",
                [
                    {"cadre": i.cadre, "demand": i.demand, "kind": f"already_{i.state}"}
                    for i in decided
                ],
            )
        if unavailable:
            people = list(dict.fromkeys(i.cadre for i in items))
            gone = [c for c in people if not self._exists(t.cadres, district, c, live=True)]
            if gone:
                raise ConflictError(
                    "a cadre named has left the pool; nothing to mark unavailable",
                    [{"cadre": c, "kind": "cadre_removed"} for c in gone],
                    code="conflict.cadre_left",
                )
            away = [self.set_unavailable(district, c, until, reason, actor) for c in people]
            for i in self._items(pid, None):
                if i.cadre in people:
                    self._set_item(pid, i.cadre, i.demand, "rejected")
            return [], [c.unavailable.naming(c.id) for c in away if c.unavailable]
        if until is not None:
            raise InputError(
                "'until' goes with 'unavailable': a declined pair is declined for good",
                [
                    Problem(
                        "body",
                        "until without unavailable",
                        column="until",
                        code="problem.until_without_unavailable",
                    )
                ],
            )
        now = now_iso()
        out = []
        for i in items:
            # a pair declined again is updated in place: nothing is deleted (the audit
            # trail keeps the earlier decline)
            values = {
                "proposal_id": pid,
                "reason": reason,
                "created_at": now,
                "created_by": actor.token,
                "created_by_label": actor.label,
            }
            c = t.declines.c
            done = self.conn.execute(
                update(t.declines)
                .where(c.district_id == district, c.cadre == i.cadre, c.demand == i.demand)
                .values(**values)
            )
            if not done.rowcount:
                self.conn.execute(
                    insert(t.declines).values(
                        district_id=district, cadre=i.cadre, demand=i.demand, **values
                    )
                )
            self._set_item(pid, i.cadre, i.demand, "rejected")
            out.append(
                DeclineRow(i.cadre, i.demand, pid, reason, now, actor_of(actor.token, actor.label))
            )
        return out, []

    def _peaks(
        self, district: str, items: Sequence[Any], used: dict[str, int], demands: dict[str, Any]
    ) -> dict[str, int]:
        """What each cadre of ``items`` would hold at its busiest instant once they are
        accepted: its ongoing work all the time, dated orders (held and wanted) in
        their windows — so a cadre of capacity 1 may accept two evening shifts.
        ``demands`` are the items' demand rows by id."""
        timezone = self.policy(district).timezone
        zone = district_zone(timezone)
        held = self._held_windows(district, timezone)
        wanted: dict[str, list[tuple[datetime, datetime, float | None, str]]] = {}
        steady: Counter[str] = Counter()
        for i in items:
            r = demands.get(i.demand)
            d = demand_from_row(r, zone) if r is not None else None
            w = None if d is None else d.window
            if d is None or w is None:
                steady[i.cadre] += 1
            else:
                wanted.setdefault(i.cadre, []).append((w.start, w.end, d.hours, d.id))
        out = {}
        for cid in {i.cadre for i in items}:
            spans = held.get(cid, []) + wanted.get(cid, [])
            ongoing = used.get(cid, 0) - len(held.get(cid, []))
            out[cid] = ongoing + steady[cid] + most_at_once(spans)
        return out
