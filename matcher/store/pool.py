"""A district's pool as a whole: import/export, upserts, communities and checks.

The checks (counts against capacity and headcount, a cadre's or demand's fields
against the taxonomy) sit here, below cadres and demands, which both run them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import Table, and_, select, update

from matcher import Cadre, Case, Community, Demand, InputError, Problem, write_case
from matcher.dated import district_zone, format_local
from matcher.io import load_table
from matcher.store import bulk, core
from matcher.store import schema as t
from matcher.store.audit import audited, text_digest
from matcher.store.catalogue import CatalogueTx
from matcher.store.core import (
    TO_ROW,
    Item,
    active_change,
    cadre_from_row,
    community_from_row,
    demand_from_row,
    policy_from_text,
    reader,
)
from matcher.store.dispatches import DispatchesTx
from matcher.store.errors import ConflictError, NotFoundError
from matcher.store.held import overbooked


def _case_payload(args: dict[str, Any]) -> dict[str, Any]:
    """A whole case's entry: how many of each, the texts' SHA-256 (the rows fold into it)."""
    case = args["case"]
    return {
        "name": args["name"],
        "communities": len(case.communities),
        "cadres": len(case.cadres),
        "demands": len(case.demands),
        "taxonomy_sha256": text_digest(args["taxonomy_toml"]) if args["taxonomy_toml"] else None,
        "policy_sha256": text_digest(args["policy_toml"]) if args["policy_toml"] else None,
    }


class PoolTx(DispatchesTx, CatalogueTx):
    """A district's pool as a whole: import/export, upserts, communities, and the checks."""

    @audited("case.import", None, _case_payload)
    def import_case(
        self,
        district: str,
        case: Case,
        *,
        name: str | None = None,
        taxonomy_toml: str | None = None,
        policy_toml: str | None = None,
    ) -> dict[str, int]:
        """Create the district if needed, then add or update every row of ``case``.

        Rows already stored but absent from ``case`` are kept. Returns counts of
        rows inserted and updated.
        """
        row = self.conn.execute(select(t.districts).where(t.districts.c.id == district)).first()
        if row is None:
            self.create_district(district, name or district, taxonomy_toml, policy_toml)
        else:
            if (taxonomy_toml or None) != (row.taxonomy_toml or None):
                raise ConflictError(
                    f"district {district!r} uses another taxonomy; import into a new district",
                    [{"field": "taxonomy", "message": "taxonomy differs from the stored one"}],
                )
            if policy_toml is not None and policy_toml != row.policy_toml:
                policy_from_text(policy_toml)
                self.conn.execute(
                    update(t.districts)
                    .where(t.districts.c.id == district)
                    .values(policy_toml=policy_toml)
                )
        self.check_counts(district, case.cadres)
        self.check_counts(district, case.demands)
        stats = Counter[str]()
        self.upsert_communities(district, case.communities, stats)
        self.upsert_cadres(district, case.cadres, stats)
        self.upsert_demands(district, case.demands, stats)
        return dict(stats)

    def export_files(self, district: str) -> dict[str, str | None]:
        row = self._district_row(district)
        return {
            "taxonomy.toml": row.taxonomy_toml,
            "policy.toml": row.policy_toml,
            "catalogue.toml": row.catalogue_toml,
        }

    def export_case(self, district: str, out: Path) -> Path:
        """Write the district as a case folder that imports back to the same case."""
        write_case(self.case(district), out)
        for fname, text in self.export_files(district).items():
            if text is not None:
                (out / fname).write_text(text, encoding="utf-8")
        return out

    def validate_csv(self, district: str, file: str, text: str) -> Case:
        """Validate one case CSV against the district (its taxonomy and communities).

        The rules of a case folder (:func:`matcher.io.load_table`), from the text
        itself: no temporary files, no path in any message. Raises
        :class:`~matcher.CaseError` with the first problems and their total. (The
        HTTP import validates outside any transaction: :mod:`matcher.store.imports`.)
        """
        current = self.case(district)
        rows = load_table(
            file,
            text,
            taxonomy=current.taxonomy,
            communities={c.id for c in current.communities},
            zone=district_zone(current.policy.timezone),
            catalogue=lambda: self.catalogue(district),
        )
        items = [item for _, item in rows]
        return Case(
            current.taxonomy,
            tuple(i for i in items if isinstance(i, Community)),
            tuple(i for i in items if isinstance(i, Cadre)),
            tuple(i for i in items if isinstance(i, Demand)),
            current.policy,
        )

    @audited("communities.upsert")
    def upsert_communities(
        self, district: str, items: Iterable[Community], stats: Counter[str] | None = None
    ) -> None:
        self._upsert(t.communities, district, list(items), stats)

    @audited("cadres.upsert")
    def upsert_cadres(
        self, district: str, items: Iterable[Cadre], stats: Counter[str] | None = None
    ) -> None:
        self._upsert(t.cadres, district, list(items), stats)

    @audited("demands.upsert")
    def upsert_demands(
        self, district: str, items: Iterable[Demand], stats: Counter[str] | None = None
    ) -> None:
        self._upsert(t.demands, district, list(items), stats)

    def _upsert(
        self, table: Table, district: str, items: Sequence[Item], stats: Counter[str] | None
    ) -> None:
        """Add new rows and update changed ones (bulk); rows already equal are left alone."""
        rows = bulk.stored(self.conn, table, district, [i.id for i in items])
        zone = self.zone(district)
        todo = bulk.differing(items, rows, reader(table.name, zone))
        values = TO_ROW[table.name]
        bulk.write(
            self.conn,
            table,
            district,
            [(i.id, values(i)) for i in todo],
            bulk.versions_of(table, {k: bulk.state_of(table, r) for k, r in rows.items()}),
            stats if stats is not None else Counter(),
            zone,
        )

    # ---------------------------------------------------------------- communities
    def list_communities(self, district: str) -> list[Community]:
        return list(self.case(district).communities)

    def community(self, district: str, cid: str) -> Community:
        r = self.conn.execute(
            select(t.communities).where(
                t.communities.c.district_id == district, t.communities.c.id == cid
            )
        ).first()
        if r is None:
            raise NotFoundError("community", cid)
        return community_from_row(r)

    @audited("community.create", "c")
    def create_community(self, district: str, c: Community) -> Community:
        self._district_row(district)
        if self._exists(t.communities, district, c.id):
            raise ConflictError(f"community {c.id!r} already exists")
        self.upsert_communities(district, [c])
        return c

    def _retire(self, table: Table, kind: str, old: Any) -> None:
        """Remove a cadre or demand from the pool (kept as history, ``deleted``); refused
        with 409 naming each active dispatch while it still holds any."""
        active = self.list_dispatches(
            old.district_id, status="active", limit=2**31, **{kind: old.id}
        )[0]
        if active:
            raise ConflictError(
                f"{kind} {old.id!r} has active dispatches; complete or cancel them first",
                [active_change(x) for x in active],
                code="conflict.has_active",
                params={"kind": kind, "id": old.id},
            )
        self.conn.execute(
            update(table)
            .where(table.c.district_id == old.district_id, table.c.id == old.id)
            .values(deleted=1, version=old.version + 1)
        )

    def check_counts(
        self,
        district: str,
        items: Sequence[Cadre] | Sequence[Demand],
        lines: Mapping[str, int] | None = None,
    ) -> None:
        """Refuse a capacity or headcount lowered below what dispatches hold (409).

        The one guard for ``PUT`` and for imports (``lines``: each id's row in the
        file, named in the answer); nothing is written when it refuses.
        """
        if not items:
            return
        self._check_below(district, items, lines)
        self.check_held(district, items, lines)

    def _check_below(
        self,
        district: str,
        items: Sequence[Cadre] | Sequence[Demand],
        lines: Mapping[str, int] | None,
    ) -> None:
        cadres = isinstance(items[0], Cadre)
        kind, field, held = (
            ("cadre", "capacity", "active_dispatches")
            if cadres
            else ("demand", "headcount", "filled")
        )
        counts = self._held_at_peak(district) if cadres else self._filled(district)
        table = t.cadres if cadres else t.demands
        column = table.c.capacity if cadres else table.c.headcount
        stored = {
            r.id: r.value
            for r in self.conn.execute(
                select(table.c.id, column.label("value")).where(
                    table.c.district_id == district, table.c.deleted == 0
                )
            )
        }
        below = []
        for item in items:
            n = counts.get(item.id, 0)
            value = item.capacity if isinstance(item, Cadre) else item.headcount
            # only a lower value is refused: a row already over (from before the
            # lifecycle) may still be edited otherwise
            if value < n and value < stored.get(item.id, n):
                row = {} if lines is None else {"row": lines.get(item.id)}
                below.append({kind: item.id, "field": field, "value": value, held: n, **row})
        if not below:
            return
        first = below[0]
        where = "" if lines is None else f" (row {first['row']})"
        what = "active dispatch(es)" if cadres else "filled slot(s)"
        if len(below) == 1:
            message = (
                f"{kind} {first[kind]!r}{where} has {first[held]} {what}; "
                f"{field} cannot go below that"
            )
        else:
            message = (
                f"{len(below)} {kind}s would get a {field} below their {what}"
                f", first {first[kind]!r}{where}; {field} cannot go below that"
            )
        raise ConflictError(message, below)

    def check_held(
        self,
        district: str,
        items: Sequence[Cadre] | Sequence[Demand],
        lines: Mapping[str, int] | None = None,
    ) -> None:
        """Refuse (409) an edit that over-books a cadre holding active dispatches: a
        dated order moved (or made ongoing) so a cadre serving it holds more at one
        instant than its capacity, or more hours in an ISO week than its
        ``hours_per_week``; or a cadre's ``hours_per_week`` lowered below the dated
        hours it holds in a week (:func:`matcher.store.held.overbooked`). Run by
        :meth:`check_counts` and by a demand's update; nothing is written when it refuses.
        """
        if not items:
            return
        zone = self.zone(district)
        d, m = t.dispatches, t.demands
        held: dict[str, list[tuple[int, Demand]]] = {}
        for r in self.conn.execute(
            select(d.c.id.label("dispatch"), d.c.cadre, m)
            .join(m, and_(m.c.district_id == d.c.district_id, m.c.id == d.c.demand))
            .where(d.c.district_id == district, d.c.status == "active")
            .order_by(d.c.id)
        ):
            held.setdefault(r.cadre, []).append((r.dispatch, demand_from_row(r, zone)))
        moved = {i.id: i for i in items if isinstance(i, Demand)}
        people = {i.id: i for i in items if isinstance(i, Cadre)}
        touched = set(people) | {c for c, hs in held.items() if any(x.id in moved for _, x in hs)}
        stored = bulk.stored(self.conn, t.cadres, district, sorted(touched & set(held)))
        for cid in sorted(stored):
            old = cadre_from_row(stored[cid])
            new = people.get(cid, old)
            before = held[cid]
            after = [(k, moved.get(x.id, x)) for k, x in before]
            over = overbooked(
                before,
                after,
                (old.capacity, old.hours_per_week),
                (new.capacity, new.hours_per_week),
            )
            if over is None:
                continue
            why = next((x.id for k, x in before if x.id in moved and k in over.dispatches), cid)
            row = {} if lines is None else {"row": lines.get(why)}
            changes = [
                {"kind": "active_dispatch", "dispatch": k, "cadre": cid, "demand": x.id}
                for k, x in after
                if k in over.dispatches
            ]
            if over.week is None:
                raise ConflictError(
                    f"cadre {cid!r} would hold {over.value:g} dispatch(es) at one time,"
                    f" above its capacity {over.limit:g}",
                    changes,
                    code="conflict.held_at_once",
                    params={
                        "cadre": cid,
                        "count": int(over.value),
                        "capacity": int(over.limit),
                        **row,
                    },
                )
            raise ConflictError(
                f"cadre {cid!r} would hold {over.value:g} hours of dated orders in week"
                f" {over.week}, above its {over.limit:g} hours a week",
                changes,
                code="conflict.week_hours",
                params={
                    "cadre": cid,
                    "week": over.week,
                    "hours": over.value,
                    "limit": over.limit,
                    **row,
                },
            )

    def _misfits(
        self,
        district: str,
        levels: dict[str, dict[str, int]],
        certs: tuple[str, ...],
        place: tuple[str, str],
    ) -> list[Problem]:
        """What of a body does not fit the district: tags and certificates the taxonomy
        lacks (its ``has_*`` / ``suggest_*`` are the rule, as for case files), and a
        community the district lacks. ``levels`` maps a body field to its tag levels;
        ``place`` is the community field and its value."""
        tax = self.taxonomy(district)
        problems = [
            Problem("body", f"unknown tag; {tax.suggest_tag(tag)}", None, field, tag)
            for field, tags in levels.items()
            for tag in tags
            if not tax.has_tag(tag)
        ]
        problems += [
            Problem("body", f"unknown cert; {tax.suggest_cert(cert)}", None, "certs", cert)
            for cert in certs
            if tax.certs and not tax.has_cert(cert)
        ]
        field, community = place
        if not self._exists(t.communities, district, community):
            problems.append(Problem("body", "unknown community", None, field, community))
        return problems

    def check_cadre(self, district: str, c: Cadre) -> None:
        """Raise InputError when ``c`` names unknown tags, certificates or home community."""
        problems = self._misfits(district, {"skills": c.skills}, c.certs, ("home", c.home))
        if problems:
            raise InputError("the cadre does not fit this district", problems)

    def check_not_begun(
        self,
        district: str,
        demands: Sequence[Demand],
        lines: Mapping[str, int] | None = None,
        file: str = "body",
        *,
        reopening: bool = False,
    ) -> None:
        """Refuse (422 ``problem.start_past``) a dated order written with a start before
        the district's now (:func:`matcher.store.core.now_utc`, read in its zone): a
        shift already begun cannot be staffed by a proposal, so a past date is a slip of
        the keyboard, not work to plan. The one check for creating, replacing, patching
        and importing (``lines``: each id's row in ``file``) a live demand, and for
        reopening one (``reopening``: its stored start counts as new, since reopening
        asks for it to be staffed again).

        Only a start that is new is checked: a new demand's, or one moved from what is
        stored. A demand whose shift has begun may still be edited otherwise (its title,
        or its headcount as the record of the day), and an import that sends it back
        unchanged still passes; a case folder loaded whole (``matcher db import``, the
        sample) is taken as it is.
        """
        dated = [d for d in demands if d.start is not None]
        if not dated:
            return
        zone = self.zone(district)
        now = core.now_utc()
        stored = bulk.stored(self.conn, t.demands, district, [d.id for d in dated])
        problems: list[Problem] = []
        for d in dated:
            assert d.start is not None
            start = format_local(d.start)
            old = stored.get(d.id)
            kept = not reopening and old is not None and not old.deleted and old.starts_at == start
            if d.start >= now or kept:
                continue
            local_now = format_local(now.astimezone(zone).replace(second=0, microsecond=0))
            problems.append(
                Problem(
                    file,
                    f"the order starts at {start}, before the district's now ({local_now}):"
                    " a shift already begun cannot be staffed",
                    row=None if lines is None else lines.get(d.id),
                    column="start",
                    value=start,
                    code="problem.start_past",
                    params={"start": start, "now": local_now},
                )
            )
        if problems:
            raise InputError("a dated order starts in the past", problems)

    def check_demand(self, district: str, d: Demand) -> None:
        """Raise InputError when ``d`` names unknown tags, certificates or community."""
        problems = self._misfits(
            district,
            {"needs": d.needs, "requires": d.requires},
            d.certs,
            ("community", d.community),
        )
        if d.item is not None:
            try:
                self.service_item(district, d.item)
            except InputError as exc:
                problems += exc.problems
        if problems:
            raise InputError("the demand does not fit this district", problems)
