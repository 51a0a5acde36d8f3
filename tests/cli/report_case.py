"""Test helper: a store whose district ``x`` has a month of dispatches to report on.

Shared by the report's CLI test and its browser test. The tiny store (tests/store/history.py)
with demands made from catalogue items: D1 elevator (housing), D2 property (housing),
D3 elderly care (elderly), D4 typed in.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from sqlalchemy import text

from matcher.store import Store
from tests.store.history import add_outcome, tiny_store

ITEMS = {"D1": "elevator_coordination", "D2": "property_dispute", "D3": "elderly_care"}
#: when the demands were created (D3, D4: unknown); dispatches are created at 04:00 UTC
CREATED = {"D1": "2026-03-01T04:00:00.000+00:00", "D2": "2026-03-10T00:00:00.000+00:00"}
MARCH = ["--from", "2026-03-01", "--to", "2026-03-31"]


def report_store(tmp_path: Path) -> Path:
    """The store file: in March 4 completed (3 with hours), 1 cancelled, 1 no-show; 2 outside."""
    store: Store = tiny_store(tmp_path)
    with store.write() as tx:
        for did, item in ITEMS.items():
            tx.conn.execute(
                text("UPDATE demands SET item = :i WHERE district_id = 'x' AND id = :d"),
                {"i": item, "d": did},
            )
        tx.conn.execute(text("UPDATE demands SET created_at = NULL WHERE district_id = 'x'"))
        for did, stamp in CREATED.items():
            tx.conn.execute(
                text("UPDATE demands SET created_at = :s WHERE district_id = 'x' AND id = :d"),
                {"s": stamp, "d": did},
            )
    add_outcome(store, "P1", "D1", date(2026, 3, 2), hours=4)
    add_outcome(store, "P4", "D1", date(2026, 3, 3), hours=1.5)
    add_outcome(store, "P2", "D2", date(2026, 3, 10), hours=2)
    add_outcome(store, "P6", "D3", date(2026, 3, 12))  # no hours: not in the ledger
    add_outcome(store, "P4", "D4", date(2026, 3, 20), "cancelled", cancel_reason="other")
    add_outcome(store, "P5", "D2", date(2026, 3, 31), "no_show")
    add_outcome(store, "P1", "D4", date(2026, 4, 1), hours=9)  # after the period
    add_outcome(store, "P1", "D4", date(2026, 2, 28), hours=9)  # before
    store.close()
    return tmp_path / "s.db"


def figures_json(page: str) -> str:
    """The JSON the report embeds (its figures, for tools)."""
    found = re.search(r'<script type="application/json" id="figures">(.*?)</script>', page, re.S)
    assert found is not None
    return found.group(1).replace("<\\/", "</")


#: the fortnight's first and last day (the README's report)
FORTNIGHT = (date(2026, 11, 16), date(2026, 11, 29))


def fortnight_store(tmp_path: Path, seed: int = 5) -> Path:
    """A generated district (16 communities, 160 cadres, 24 standing demands) run for two
    weeks as a dispatcher would: each morning offices post 5 demands from catalogue items,
    matcher proposes on the live pool, the dispatcher accepts the proposal whole, and
    work accepted two days before is completed. Dates are written back in
    SQL (the store stamps its own rows with the time now), so the report's days are
    the fortnight's."""
    import random
    from datetime import timedelta

    from matcher import default_catalogue, demand_from_item, load_case, propose
    from matcher.generate import generate_case

    rng = random.Random(seed)
    case = load_case(generate_case(tmp_path / "case", n_cadres=160, n_demands=24,
                                   n_communities=16, seed=seed))  # fmt: skip
    items = default_catalogue().items
    communities = [c.id for c in case.communities]
    store = Store.open(tmp_path / "fortnight.db")
    first, last = FORTNIGHT
    with store.write() as tx:
        tx.import_case("x", case)
        tx.conn.execute(text("UPDATE districts SET name = '示例区' WHERE id = 'x'"))
        tx.conn.execute(text("UPDATE demands SET created_at = :s"),
                        {"s": f"{first - timedelta(days=3)}T01:00:00.000+00:00"})  # fmt: skip
    day = first
    while day <= last:
        with store.write() as tx:
            for k in range(5):
                did = f"N{day:%m%d}{k}"
                made = demand_from_item(rng.choice(items), did, rng.choice(communities), {})
                tx.create_demand("x", made)
                tx.conn.execute(text("UPDATE demands SET created_at = :s WHERE id = :d"),
                                {"s": f"{day}T00:{10 + k}:00.000+00:00", "d": did})  # fmt: skip
        with store.read() as tx:
            snap = tx.snapshot("x")
        plan = propose(snap.case, excluded=snap.excluded, used_capacity=snap.used_capacity,
                       filled_slots=snap.filled_slots)  # fmt: skip
        pairs = [(a.cadre, a.demand) for a in plan.assignments]
        with store.write() as tx:
            pid = tx.add_proposal("x", {}, plan.model_dump(mode="json"), snap.basis(pairs), pairs)
            made_now = tx.accept("x", pid, pairs) if pairs else []
            for x in made_now:
                tx.conn.execute(text("UPDATE dispatches SET created_at = :s WHERE id = :i"),
                                {"s": f"{day}T02:00:00.000+00:00", "i": x.id})  # fmt: skip
            for x in tx.list_dispatches("x", status="active", limit=10_000)[0]:
                if x.created_at[:10] <= str(day - timedelta(days=2)):
                    tx.close_dispatch("x", x.id, "complete", hours=rng.choice([2, 3, 4]))
                    tx.conn.execute(text("UPDATE dispatches SET closed_at = :s WHERE id = :i"),
                                    {"s": f"{day}T09:00:00.000+00:00", "i": x.id})  # fmt: skip
        day += timedelta(days=1)
    store.close()
    return tmp_path / "fortnight.db"
