"""The governance report's figures (治理报告) over a period, read in one transaction.

Why in the store: the CLI writes them as HTML (``matcher report``) and the service
answers them as JSON (``GET …/report``); both read the same figures, and the ledger
and summary inside are the very rows ``GET …/ledger`` and ``GET …/summary`` answer.
Dispatches count by the local day (the district's, in the zone its policy names)
they were created (accepted) or ended. The
manual rule's replay (:func:`matcher.replay_days`) runs on the period's days as the
store rebuilds them (:mod:`matcher.store.report_days`); the shortages and training
picks (:func:`matcher.shortfall`) on the live pool, as a proposal sees it.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from matcher import replay_days, shortfall
from matcher.store.core import local_day, today
from matcher.store.report_days import replay_inputs
from matcher.store.report_rows import ReportRow

if TYPE_CHECKING:
    from matcher.catalogue import Catalogue
    from matcher.store.store import Tx
    from matcher.tags import Taxonomy

__all__ = ["ENDINGS", "report_figures"]

#: how a dispatch ended, as the report counts it
ENDINGS = ("completed", "cancelled", "no_show")


def _blank() -> dict[str, float]:
    return {"accepted": 0, "completed": 0, "cancelled": 0, "no_show": 0, "hours": 0.0}


def _monday(day: date) -> str:
    return (day - timedelta(days=day.weekday())).isoformat()


def _hours_between(start: str, end: str) -> float:
    """Hours from one stored stamp to a later one (0 when the later is not later)."""
    seconds = (datetime.fromisoformat(end) - datetime.fromisoformat(start)).total_seconds()
    return max(0.0, seconds / 3600)


def _categories(catalogue: Catalogue, taxonomy: Taxonomy) -> dict[str, dict[str, str]]:
    """The names of the categories the report counts in, in its order: the service
    categories, then the taxonomy's skill categories a demand without an item falls
    back to (a slug both use keeps the catalogue's name)."""
    out = {c.slug: {"zh": c.zh, "en": c.en} for c in catalogue.categories}
    for c in taxonomy.categories:
        out.setdefault(c.slug, {"zh": c.zh, "en": c.en})
    return out


def report_figures(
    tx: Tx, district: str, start: date | None = None, end: date | None = None, *, training: int = 3
) -> ReportRow:
    """The report's figures for ``[start, end]`` (the district's days, both included; a day not
    given defaults as the lending ledger's: the last 90 days), with the top
    ``training`` picks.

    Raises:
        NotFoundError: no such district.
        InputError: ``ledger.period_reversed`` when ``start`` is after ``end``.
    """
    row = tx.district(district)
    zone = tx.zone(district)
    ledger = tx.ledger_row(district, start, end).to_json()
    catalogue = tx.catalogue(district)
    places = tx.demand_places(district)
    snap = tx.snapshot(district)  # the summary's and the shortages' live pool, read once
    s = tx.supply_summary(district, ("category",), snap=snap, by_skill=True)
    by_cat: dict[str, dict[str, float]] = defaultdict(_blank)
    by_comm: dict[str, dict[str, float]] = defaultdict(_blank)
    weeks: dict[str, Counter[str]] = defaultdict(Counter)
    first, last = date.fromisoformat(ledger["start"]), date.fromisoformat(ledger["end"])
    waits: dict[str, list[float]] = defaultdict(list)
    dispatches = tx.list_dispatches(district, limit=2**31)[0]
    for x in dispatches:
        community, category, created = places.get(x.demand, ("", "", None))
        cells = (by_cat[category], by_comm[community])
        made = local_day(x.created_at, zone)
        if first <= made <= last:
            for c in cells:
                c["accepted"] += 1
            weeks[_monday(made)]["accepted"] += 1
            if created is not None:
                wait = _hours_between(created, x.created_at)
                waits[category].append(wait)
                waits["*"].append(wait)
        if x.closed_at is None or x.status not in ENDINGS:
            continue
        ended = local_day(x.closed_at, zone)
        if not first <= ended <= last:
            continue
        for c in cells:
            c[x.status] += 1
            if x.status == "completed" and x.hours is not None:
                c["hours"] = round(c["hours"] + x.hours, 6)
        if x.status == "completed":
            weeks[_monday(ended)]["completed"] += 1
    short = shortfall(snap.case, catalogue, training=training, by_skill=True, **snap.holding())
    return ReportRow(
        district=district,
        name=row.name,
        start=ledger["start"],
        end=ledger["end"],
        made=today(zone).isoformat(),
        by_category={k: v for k, v in by_cat.items() if any(v.values())},
        by_community={k: v for k, v in by_comm.items() if any(v.values())},
        weeks={k: dict(weeks[k]) for k in sorted(weeks)},
        time_to_fill={
            k: {"count": len(v), "median_hours": round(statistics.median(v), 2)}
            for k, v in waits.items()
        },
        ledger=ledger,
        summary=s.to_json(),
        baseline=replay_days(*replay_inputs(tx, district, first, last, dispatches)).to_json(),
        shortfall=short.to_json(),
        categories=_categories(catalogue, snap.case.taxonomy),
        communities={c.id: c.name for c in tx.list_communities(district)},
    )
