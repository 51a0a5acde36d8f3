"""Proposals: storing, reading and listing them, and declines."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from sqlalchemy import and_, insert, select, update
from sqlalchemy.engine import Row

from matcher import InputError, Problem
from matcher.store import schema as t
from matcher.store.audit import audited
from matcher.store.core import NOBODY, Actor, Basis, Pair, now_iso
from matcher.store.districts import DistrictsTx
from matcher.store.errors import PoolChanged
from matcher.store.rows import DeclineRow, ProposalRow, ProposalSummaryRow, actor_of


def _proposal_payload(args: dict[str, Any]) -> dict[str, Any]:
    """A proposal's entry: the request and the objective, not every assignment."""
    result = args["result"]
    keep = ("objective", "certified", "solver", "filled", "slots_total")
    return {
        "request": args["request"],
        "result": {k: result[k] for k in keep if k in result},
        "pairs": args["pairs"],
        **({"draft": True} if args.get("draft") else {}),
    }


def _planned_for(request: Mapping[str, Any], first: date | None, last: date | None) -> bool:
    """Whether a proposal was made for a horizon (its request's ``from``/``to``, an end
    left out being open) that shares a day with ``first … last`` (None: open)."""
    a, b = request.get("from"), request.get("to")
    if a is None and b is None:
        return False
    return (b is None or first is None or b >= first.isoformat()) and (
        a is None or last is None or a <= last.isoformat()
    )


class ProposalsTx(DistrictsTx):
    """Proposals: storing, reading and listing them, and the declines they left."""

    # ---------------------------------------------------------------- proposals
    @audited("proposal.create", lambda out: out, _proposal_payload)
    def add_proposal(
        self,
        district: str,
        request: Mapping[str, Any],
        result: Mapping[str, Any],
        basis: Basis,
        pairs: Sequence[Pair],
        actor: Actor = NOBODY,
        state: str | None = None,
        draft: bool = False,
    ) -> int:
        """Store a proposal; the district's older pending pairs are superseded by it.

        ``state`` is the snapshot's :meth:`pool_state`: when the pool has moved since,
        :class:`PoolChanged` is raised and nothing is written (propose again).

        A ``draft`` (a planner's look at what the engine would propose now) supersedes
        nothing and its pairs stay ``draft``, never decided: a planner's run must not
        take a dispatcher's pending pairs away (:mod:`matcher.store.lifecycle`). A draft's
        pairs are never pending, so a later proposal leaves them as they are.
        """
        self._district_row(district)
        current = self.pool_state(district)
        if state is not None and state != current:
            raise PoolChanged()
        if not draft:
            older = select(t.proposals.c.id).where(t.proposals.c.district_id == district)
            self.conn.execute(
                update(t.proposal_items)
                .where(
                    t.proposal_items.c.proposal_id.in_(older),
                    t.proposal_items.c.state == "pending",
                )
                .values(state="superseded")
            )
        pid = self.conn.execute(
            insert(t.proposals).values(
                district_id=district,
                created_at=now_iso(),
                request=json.dumps(request, ensure_ascii=False),
                result=json.dumps(result, ensure_ascii=False),
                basis=basis.to_json(),
                created_by=actor.token,
                created_by_label=actor.label,
                pool_state=current,
                draft=int(draft),
            )
        ).inserted_primary_key[0]  # type: ignore[index]
        first = "draft" if draft else "pending"
        if pairs:
            self.conn.execute(
                insert(t.proposal_items),
                [{"proposal_id": pid, "cadre": c, "demand": d, "state": first} for c, d in pairs],
            )
        return int(pid)

    def _proposal_row(self, district: str, pid: int) -> Row[Any]:
        c = t.proposals.c
        return self._one(t.proposals, "proposal", pid, c.id == pid, c.district_id == district)

    def _proposal_head(
        self, r: Row[Any], state: str | None = None
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """The fields every read of a proposal shows, and its result with each pair's state.

        ``state`` is the district's :meth:`pool_state` now (read when None).
        """
        states = {
            (i.cadre, i.demand): i.state
            for i in self.conn.execute(
                select(t.proposal_items).where(t.proposal_items.c.proposal_id == r.id)
            )
        }
        result = json.loads(r.result)
        for a in result["assignments"]:
            a["state"] = states.get((a["cadre"], a["demand"]), "pending")
        counts = Counter(states.values())
        if r.draft:
            status = "draft"
        elif not states:
            status = "empty"
        elif counts.get("pending", 0):
            status = "pending"
        elif counts.get("superseded", 0):
            status = "superseded"
        else:
            status = "decided"
        head: dict[str, Any] = {
            "id": r.id,
            "district": r.district_id,
            "created_at": r.created_at,
            "created_by": actor_of(r.created_by, r.created_by_label),
            "request": json.loads(r.request),
            "status": status,
            "draft": bool(r.draft),
            "stale": status in ("pending", "draft")
            and r.pool_state != (state or self.pool_state(r.district_id)),
            "pending": counts.get("pending", 0),
            "accepted": counts.get("accepted", 0),
            "rejected": counts.get("rejected", 0),
            "superseded": counts.get("superseded", 0),
        }
        return head, result

    def proposal(self, district: str, pid: int) -> ProposalRow:
        head, result = self._proposal_head(self._proposal_row(district, pid))
        return ProposalRow(**head, result=result)

    def _summary(self, r: Row[Any], state: str) -> ProposalSummaryRow:
        head, result = self._proposal_head(r, state)
        return ProposalSummaryRow(**head, kpis=result["kpis"], position=result.get("district"))

    def list_proposals(
        self,
        district: str,
        *,
        limit: int = 50,
        offset: int = 0,
        horizon: tuple[date | None, date | None] | None = None,
        drafts: bool = True,
    ) -> tuple[list[ProposalSummaryRow], int]:
        """A page of the district's proposals, newest first; with ``horizon`` (first and
        last local day, None: open) only those made for a horizon sharing a day with it;
        without ``drafts``, planners' drafts are left out (a dispatcher's newest proposal
        is the newest one they may decide)."""
        self._district_row(district)
        c = t.proposals.c
        where = c.district_id == district
        if not drafts:
            where = and_(where, c.draft == 0)
        if horizon is None:
            rows, total = self._page(t.proposals, where, (c.id.desc(),), limit, offset)
        else:  # the horizon lives in the stored request: read, kept or not, newest first
            newest = select(c.id, c.request).where(where).order_by(c.id.desc())
            ids = [
                r.id
                for r in self.conn.execute(newest)
                if _planned_for(json.loads(r.request), *horizon)
            ]
            total, chosen = len(ids), ids[offset : offset + limit]
            rows = (
                list(
                    self.conn.execute(
                        select(t.proposals).where(c.id.in_(chosen)).order_by(c.id.desc())
                    )
                )
                if chosen
                else []
            )
        state = self.pool_state(district)
        return [self._summary(r, state) for r in rows], total

    def _items(self, pid: int, chosen: Sequence[Pair] | None) -> list[Row[Any]]:
        """The chosen items of a proposal (None: every pending one)."""
        items = list(
            self.conn.execute(
                select(t.proposal_items)
                .where(t.proposal_items.c.proposal_id == pid)
                .order_by(t.proposal_items.c.demand, t.proposal_items.c.cadre)
            )
        )
        if chosen is None:
            return [i for i in items if i.state == "pending"]
        index = {(i.cadre, i.demand): i for i in items}
        missing = [p for p in chosen if p not in index]
        if missing:
            raise InputError(
                "the proposal holds no such assignment",
                [
                    Problem("assignments", "not in this proposal", value=f"{c} → {d}")
                    for c, d in missing
                ],
            )
        return [index[p] for p in dict.fromkeys(chosen)]

    def _has_items(self, pid: int) -> bool:
        """Whether the proposal assigned anybody at all."""
        first = select(t.proposal_items.c.cadre).where(t.proposal_items.c.proposal_id == pid)
        return self.conn.execute(first.limit(1)).first() is not None

    def _set_item(self, pid: int, cadre: str, demand: str, state: str) -> None:
        self.conn.execute(
            update(t.proposal_items)
            .where(
                t.proposal_items.c.proposal_id == pid,
                t.proposal_items.c.cadre == cadre,
                t.proposal_items.c.demand == demand,
            )
            .values(state=state)
        )

    def list_declines(self, district: str) -> list[DeclineRow]:
        self._district_row(district)
        rows = self.conn.execute(
            select(t.declines)
            .where(t.declines.c.district_id == district)
            .order_by(t.declines.c.created_at, t.declines.c.cadre, t.declines.c.demand)
        )
        return [
            DeclineRow(
                cadre=r.cadre,
                demand=r.demand,
                proposal=r.proposal_id,
                reason=r.reason,
                created_at=r.created_at,
                created_by=actor_of(r.created_by, r.created_by_label),
            )
            for r in rows
        ]
