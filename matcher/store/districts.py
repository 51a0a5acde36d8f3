"""Districts: creating and listing them, their case, snapshot and pool state.

What dispatches hold (used capacity, filled slots, held pairs) lives here, under
everything else, because the snapshot, the consistency check, the pool's count
checks and accepting a proposal all read it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, insert, or_, select
from sqlalchemy.engine import Row

from matcher import Case, InputError, LendingUse, Policy, Problem, Taxonomy
from matcher.dated import district_zone, most_at_once
from matcher.model import DISTRICT_ID_MAX_LENGTH, id_problem
from matcher.store import schema as t
from matcher.store.audit import audited, text_digest
from matcher.store.core import (
    Pair,
    Snapshot,
    TxBase,
    cadre_from_row,
    community_from_row,
    demand_from_row,
    now_iso,
    policy_from_text,
    taxonomy_from_text,
    today,
)
from matcher.store.errors import ConflictError
from matcher.store.ledger import utc_bound
from matcher.store.lifecycle import LENDING, blocks_pair, takes_slot
from matcher.store.rows import DistrictRow


def _district_payload(args: dict[str, Any]) -> dict[str, Any]:
    """A district's entry: its name, and the SHA-256 of its taxonomy and policy texts."""
    return {
        "name": args["name"],
        "taxonomy_sha256": text_digest(args["taxonomy_toml"]) if args["taxonomy_toml"] else None,
        "policy_sha256": text_digest(args["policy_toml"]) if args["policy_toml"] else None,
    }


class DistrictsTx(TxBase):
    """Districts, their taxonomy and policy, their case and snapshot, and what dispatches hold."""

    # ---------------------------------------------------------------- districts
    def list_districts(self, only: Sequence[str] | None = None) -> list[DistrictRow]:
        q = select(t.districts).order_by(t.districts.c.id)
        if only is not None:
            q = q.where(t.districts.c.id.in_(list(only)))
        return [self._district_out(r) for r in self.conn.execute(q)]

    def district_ids(self) -> list[str]:
        """Every district's id, in order: one query of one column, where
        ``list_districts`` counts each district's rows and parses its policy (``/v1/me``
        of an admin needs the ids alone)."""
        q = select(t.districts.c.id).order_by(t.districts.c.id)
        return [d for (d,) in self.conn.execute(q)]

    def _district_out(self, r: Row[Any]) -> DistrictRow:
        counts = {}
        for name, table in (
            ("communities", t.communities),
            ("cadres", t.cadres),
            ("demands", t.demands),
        ):
            q = select(func.count()).select_from(table).where(table.c.district_id == r.id)
            if name != "communities":
                q = q.where(table.c.deleted == 0)
            counts[name] = int(self.conn.execute(q).scalar_one())
        return DistrictRow(
            id=r.id,
            name=r.name,
            taxonomy=taxonomy_from_text(r.taxonomy_toml).name,
            timezone=policy_from_text(r.policy_toml).timezone,
            created_at=r.created_at,
            **counts,
        )

    def district(self, district: str) -> DistrictRow:
        return self._district_out(self._district_row(district))

    @audited("district.create", "district", _district_payload)
    def create_district(
        self,
        district: str,
        name: str,
        taxonomy_toml: str | None = None,
        policy_toml: str | None = None,
    ) -> DistrictRow:
        problem = id_problem(district, DISTRICT_ID_MAX_LENGTH)
        if problem is not None:
            raise InputError(
                f"district id {district!r} is not valid",
                [Problem("district", problem, column="id", value=district)],
            )
        if taxonomy_toml is not None:
            taxonomy_from_text(taxonomy_toml)  # validate before storing
        if policy_toml is not None:
            policy_from_text(policy_toml)
        exists = select(t.districts.c.id).where(t.districts.c.id == district)
        if self.conn.execute(exists).first() is not None:
            raise ConflictError(f"district {district!r} already exists")
        self.conn.execute(
            insert(t.districts).values(
                id=district,
                name=name,
                taxonomy_toml=taxonomy_toml,
                policy_toml=policy_toml,
                created_at=now_iso(),
            )
        )
        return self.district(district)

    def district_taxonomy_toml(self, district: str) -> str | None:
        """The district's stored taxonomy text (None: the bundled one)."""
        text: str | None = self._district_row(district).taxonomy_toml
        return text

    def taxonomy(self, district: str) -> Taxonomy:
        return taxonomy_from_text(self._district_row(district).taxonomy_toml)

    def policy(self, district: str) -> Policy:
        return policy_from_text(self._district_row(district).policy_toml)

    # ---------------------------------------------------------------- the case
    def case(self, district: str, *, include_closed: bool = False) -> Case:
        """The district as a :class:`Case` (open demands only unless ``include_closed``)."""
        row = self._district_row(district)
        comms = self.conn.execute(
            select(t.communities)
            .where(t.communities.c.district_id == district)
            .order_by(t.communities.c.pos, t.communities.c.id)
        )
        cadres = self.conn.execute(
            select(t.cadres)
            .where(t.cadres.c.district_id == district, t.cadres.c.deleted == 0)
            .order_by(t.cadres.c.pos, t.cadres.c.id)
        )
        dq = select(t.demands).where(t.demands.c.district_id == district, t.demands.c.deleted == 0)
        if not include_closed:
            dq = dq.where(t.demands.c.status == "open")
        demands = self.conn.execute(dq.order_by(t.demands.c.pos, t.demands.c.id))
        policy = policy_from_text(row.policy_toml)
        zone = district_zone(policy.timezone)
        return Case(
            taxonomy=taxonomy_from_text(row.taxonomy_toml),
            communities=tuple(community_from_row(r) for r in comms),
            cadres=tuple(cadre_from_row(r) for r in cadres),
            demands=tuple(demand_from_row(r, zone) for r in demands),
            policy=policy,
        )

    def snapshot(self, district: str) -> Snapshot:
        case = self.case(district)
        cadre_ids = {c.id for c in case.cadres}
        demand_ids = {d.id for d in case.demands}
        used = self._used(district)
        held = self._held_windows(district, case.policy.timezone)
        for cadre, spans in held.items():  # dated work holds its cadre only in its window
            used[cadre] = used.get(cadre, 0) - len(spans)
        filled = self._filled(district)
        excluded = {
            (r.cadre, r.demand)
            for r in self.conn.execute(
                select(t.declines.c.cadre, t.declines.c.demand).where(
                    t.declines.c.district_id == district
                )
            )
        }
        excluded |= self._held_pairs(district)
        away = self.unavailable(district)
        for c in case.cadres:
            if c.id in away:  # takes nothing new: as if every slot of theirs were in use
                used[c.id] = max(used.get(c.id, 0), c.capacity)
        cv = {
            r.id: r.version
            for r in self.conn.execute(
                select(t.cadres.c.id, t.cadres.c.version).where(t.cadres.c.district_id == district)
            )
        }
        dv = {
            r.id: r.version
            for r in self.conn.execute(
                select(t.demands.c.id, t.demands.c.version).where(
                    t.demands.c.district_id == district
                )
            )
        }
        return Snapshot(
            case,
            {k: v for k, v in used.items() if k in cadre_ids},
            {k: v for k, v in filled.items() if k in demand_ids},
            sorted(p for p in excluded if p[0] in cadre_ids and p[1] in demand_ids),
            cv,
            dv,
            {k: v for k, v in away.items() if k in cadre_ids},
            self.pool_state(district),
            self.lending_use(district, case.policy.lending.period_days)
            if case.policy.lending.is_on
            else LendingUse(),
            {k: v for k, v in held.items() if k in cadre_ids},
        )

    def lending_use(self, district: str, period_days: int) -> LendingUse:
        """What the district's dispatches already take from its lending rules: per
        home community, the lent dispatches made in the last ``period_days`` of the
        district's local days (active or completed: a cancel or a no-show lent nobody), the
        cadres holding an active lent dispatch now, and those marked unavailable.
        A dispatch is lent when its cadre's home now is not its demand's community
        (the ledger's rule: the store keeps no history of homes)."""
        d, m, c = t.dispatches, t.demands, t.cadres
        zone = self.zone(district)
        bound = utc_bound(today(zone) - timedelta(days=period_days - 1), zone)
        rows = self.conn.execute(
            select(d.c.cadre, d.c.status, d.c.created_at, c.c.home)
            .join(m, and_(m.c.district_id == d.c.district_id, m.c.id == d.c.demand))
            .join(c, and_(c.c.district_id == d.c.district_id, c.c.id == d.c.cadre))
            .where(
                d.c.district_id == district,
                d.c.status.in_(LENDING),
                m.c.community != c.c.home,
                or_(d.c.created_at >= bound, d.c.status == "active"),
            )
        ).all()
        lent: dict[str, int] = {}
        for r in rows:
            if r.created_at >= bound:
                lent[r.home] = lent.get(r.home, 0) + 1
        away = frozenset(r.cadre for r in rows if r.status == "active")
        return LendingUse(lent, away, frozenset(self.unavailable(district)))

    def pool_state(self, district: str) -> str:
        """A digest of everything a proposal depends on, cheap to read again.

        Why: a proposal is computed outside any transaction (it may take minutes);
        storing one computed from a state that has since moved would supersede the
        fresh ones with a proposal that cannot be accepted. Counts and version sums
        change with every write that matters (an edit bumps a version; dispatches,
        declines and unavailability change counts or latest times), and the
        district's today, because an unavailability ends by itself.
        """
        d, u, x = t.dispatches, t.unavailability, t.declines
        parts: list[Any] = [today(self.zone(district)).isoformat()]
        row = self._district_row(district)
        parts += [row.taxonomy_toml, row.policy_toml]
        for table in (t.cadres, t.demands):
            parts.append(
                tuple(
                    int(v)  # PostgreSQL sums BIGINT as NUMERIC (a Decimal): the same digest
                    for v in self.conn.execute(
                        select(func.count(), func.coalesce(func.sum(table.c.version), 0)).where(
                            table.c.district_id == district
                        )
                    ).one()
                )
            )
        parts.append(
            sorted(
                (str(s), int(n))
                for s, n in self.conn.execute(
                    select(d.c.status, func.count())
                    .where(d.c.district_id == district)
                    .group_by(d.c.status)
                )
            )
        )
        for table in (x, u):
            parts.append(
                tuple(
                    self.conn.execute(
                        select(func.count(), func.max(table.c.created_at)).where(
                            table.c.district_id == district
                        )
                    ).one()
                )
            )
        parts.append(
            [
                tuple(r)
                for r in self.conn.execute(
                    select(t.communities.c.id, t.communities.c.lat, t.communities.c.lon)
                    .where(t.communities.c.district_id == district)
                    .order_by(t.communities.c.id)
                )
            ]
        )
        return hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()

    # ---------------------------------------------------------------- what dispatches hold
    def _dispatch_rows(self, district: str) -> Iterator[Any]:
        """Every dispatch's cadre, demand and status, with its demand's recurring flag."""
        d, m = t.dispatches, t.demands
        q = (
            select(d.c.cadre, d.c.demand, d.c.status, m.c.recurring)
            .join(m, and_(m.c.district_id == d.c.district_id, m.c.id == d.c.demand))
            .where(d.c.district_id == district, d.c.status != "cancelled")
        )
        yield from self.conn.execute(q)

    def _used(self, district: str) -> dict[str, int]:
        """Each cadre's active dispatches (capacity counts work at the same time)."""
        return self._active_counts(district, t.dispatches.c.cadre)

    def _held_windows(
        self, district: str, timezone: str
    ) -> dict[str, list[tuple[datetime, datetime, float | None, str]]]:
        """Each cadre's active dispatches on dated orders, as the orders' windows, their
        ``hours`` (what a weekly limit counts, :func:`matcher.dated.service_hours`) and
        ids (what an explanation names)."""
        d, m = t.dispatches, t.demands
        rows = self.conn.execute(
            select(d.c.cadre, m)
            .join(m, and_(m.c.district_id == d.c.district_id, m.c.id == d.c.demand))
            .where(d.c.district_id == district, d.c.status == "active", m.c.starts_at.is_not(None))
            .order_by(d.c.id)
        ).all()
        zone = district_zone(timezone)
        out: dict[str, list[tuple[datetime, datetime, float | None, str]]] = {}
        for r in rows:
            demand = demand_from_row(r, zone)
            w = demand.window
            if w is not None:
                out.setdefault(r.cadre, []).append((w.start, w.end, demand.hours, demand.id))
        return out

    def _held_at_peak(self, district: str) -> dict[str, int]:
        """Each cadre's active dispatches at its busiest instant: ongoing work all the
        time, dated orders in their windows (what a capacity may not go below)."""
        used = self._used(district)
        held = self._held_windows(district, self.policy(district).timezone)
        for cadre, spans in held.items():
            used[cadre] = used.get(cadre, 0) - len(spans) + most_at_once(spans)
        return used

    def _filled(self, district: str) -> dict[str, int]:
        """Each demand's filled slots: active dispatches, and completed ones unless recurring."""
        return {k: n for k, (n, _, _) in self._demand_counts(district).items() if n}

    def _held_pairs(self, district: str) -> set[Pair]:
        """Pairs a dispatch keeps out of new proposals (see ``lifecycle.blocks_pair``)."""
        return {
            (r.cadre, r.demand)
            for r in self._dispatch_rows(district)
            if blocks_pair(r.status, bool(r.recurring))
        }

    # ---------------------------------------------------------------- unavailability
    def unavailable(self, district: str) -> dict[str, str | None]:
        """Cadres not to be proposed today (the district's): cadre → last day (None:
        until lifted)."""
        day = today(self.zone(district)).isoformat()
        u = t.unavailability
        return {
            r.cadre: r.until
            for r in self.conn.execute(
                select(u.c.cadre, u.c.until).where(
                    u.c.district_id == district, (u.c.until.is_(None)) | (u.c.until >= day)
                )
            )
        }

    def _active_counts(self, district: str, col: Any) -> dict[str, int]:
        q = (
            select(col, func.count())
            .where(t.dispatches.c.district_id == district, t.dispatches.c.status == "active")
            .group_by(col)
        )
        return {str(k): int(n) for k, n in self.conn.execute(q)}

    def _demand_counts(self, district: str) -> dict[str, tuple[int, int, int]]:
        """Each demand's (filled, active, completed) dispatches."""
        out: dict[str, list[int]] = {}
        for r in self._dispatch_rows(district):
            got = out.setdefault(r.demand, [0, 0, 0])
            got[0] += takes_slot(r.status, bool(r.recurring))
            got[1] += r.status == "active"
            got[2] += r.status == "completed"
        return {k: (v[0], v[1], v[2]) for k, v in out.items()}
