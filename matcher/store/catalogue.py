"""The district's service catalogue (服务清单), and the picture it groups: supply against
demand by community and service category (:func:`matcher.supply_demand` on the live pool)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from sqlalchemy import select, update

from matcher import (
    Catalogue,
    InputError,
    Problem,
    ServiceItem,
    SupplySummary,
    catalogue_from_text,
    fitting_catalogue,
    supply_demand,
)
from matcher.store import schema as t
from matcher.store.audit import audited, text_digest
from matcher.store.core import Snapshot, taxonomy_from_text
from matcher.store.districts import DistrictsTx


def _catalogue_payload(args: dict[str, Any]) -> dict[str, Any]:
    """A catalogue's entry: the SHA-256 of its text (None: back to the bundled one)."""
    text = args["catalogue_toml"]
    return {"catalogue_sha256": text_digest(text) if text else None}


class CatalogueTx(DistrictsTx):
    """The catalogue a district's demands are made from, and the summary it groups."""

    def district_catalogue_toml(self, district: str) -> str | None:
        """The district's stored service catalogue text (None: the bundled one)."""
        text: str | None = self._district_row(district).catalogue_toml
        return text

    def catalogue(self, district: str) -> Catalogue:
        """The district's service catalogue: its own, else the bundled one when it fits the
        district's taxonomy, else none (:func:`matcher.fitting_catalogue`)."""
        row = self._district_row(district)
        tax = taxonomy_from_text(row.taxonomy_toml)
        if row.catalogue_toml is None:
            return fitting_catalogue(tax)
        return catalogue_from_text(row.catalogue_toml, tax)

    def service_item(self, district: str, item_id: str) -> ServiceItem:
        """The item ``item_id`` of the district's catalogue.

        Raises:
            InputError: no such item, with the nearest ids as a hint.
        """
        catalogue = self.catalogue(district)
        if catalogue.has(item_id):
            return catalogue.item(item_id)
        raise InputError(
            f"unknown service item {item_id!r}",
            [
                Problem(
                    "body",
                    f"unknown service item '{item_id}'",
                    column="item",
                    value=item_id,
                    hint=catalogue.suggest(item_id),
                    code="problem.unknown_item",
                    params={"item": item_id},
                )
            ],
        )

    @audited("catalogue.update", "district", _catalogue_payload)
    def set_catalogue(self, district: str, catalogue_toml: str | None) -> Catalogue:
        """Store the district's catalogue text, checked against its taxonomy first
        (None: back to the bundled one). Demands keep the item they name: an item the
        new catalogue drops stays on its demands, whose fields are their own."""
        row = self._district_row(district)
        tax = taxonomy_from_text(row.taxonomy_toml)
        checked = (
            fitting_catalogue(tax)
            if catalogue_toml is None
            else catalogue_from_text(catalogue_toml, tax)
        )
        self.conn.execute(
            update(t.districts)
            .where(t.districts.c.id == district)
            .values(catalogue_toml=catalogue_toml)
        )
        return checked

    def demand_places(self, district: str) -> dict[str, tuple[str, str, str | None]]:
        """Every demand ever stored (closed, deleted and archived ones too): its community,
        category (:meth:`matcher.catalogue.Catalogue.demand_category`: its item's, else
        its skill category) and creation time (None: unknown), which a report over past
        dispatches groups them by and times them from."""
        self._district_row(district)
        catalogue, taxonomy = self.catalogue(district), self.taxonomy(district)
        d = t.demands.c
        rows = self.conn.execute(
            select(d.id, d.community, d.item, d.needs, d.created_at).where(
                d.district_id == district
            )
        )
        return {
            r.id: (
                r.community,
                catalogue.demand_category(r.item, json.loads(r.needs or "{}"), taxonomy),
                r.created_at,
            )
            for r in rows
        }

    # ---------------------------------------------------------------- the summary
    def supply_summary(
        self,
        district: str,
        by: Iterable[str] = ("community", "category"),
        *,
        snap: Snapshot | None = None,
        by_skill: bool = False,
    ) -> SupplySummary:
        """Supply against demand on the live pool: open demands and their open slots,
        the cadres with capacity left (one marked unavailable has none) who pass every
        hard rule for one of them, and the active dispatches, grouped ``by``. ``snap``:
        the district's snapshot when the caller read it in this transaction already (the
        report reads it for its shortages too), else it is read here."""
        if snap is None:
            snap = self.snapshot(district)
        active = {d: counts[1] for d, counts in self._demand_counts(district).items()}
        return supply_demand(
            snap.case,
            self.catalogue(district),
            by,
            filled=snap.filled_slots,
            used=snap.used_capacity,
            active=active,
            by_skill=by_skill,
        )
