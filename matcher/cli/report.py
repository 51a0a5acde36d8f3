"""``matcher report``: the district's governance report (治理报告) over a period, as one HTML file.

Why one self-contained file: a street office mails it, archives it and opens it
offline; charts are inline PNG (matplotlib), styles inline, nothing fetched. Its
figures are the service's for the same window: the lending ledger is
``GET …/ledger?from=&to=``, supply against demand ``GET …/summary`` (as of the
moment the report is made); dispatch outcomes are counted by the local day they were
accepted or ended. The report names no cadre (an analyst's may be passed on).
"""

from __future__ import annotations

import importlib.util
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Annotated, Any

import typer

from matcher.cli.common import LangOpt, fail, resolve, say, user_errors
from matcher.cli.report_html import render_report
from matcher.cli.service import DEFAULT_DB, DbOpt, open_store
from matcher.messages import msg
from matcher.store import Tx, local_day, today

__all__ = ["Figures", "gather", "register"]

#: how a dispatch ended, as the report counts it
ENDINGS = ("completed", "cancelled", "no_show")


@dataclass
class Figures:
    """Everything the report shows, as plain data (also embedded in the HTML as JSON)."""

    district: str
    name: str
    start: str
    end: str
    made: str
    #: per category slug ("" uncategorised): accepted, completed, cancelled, no_show, hours
    by_category: dict[str, dict[str, float]] = field(default_factory=dict)
    by_community: dict[str, dict[str, float]] = field(default_factory=dict)
    #: ISO week's Monday → accepted, completed
    weeks: dict[str, dict[str, int]] = field(default_factory=dict)
    ledger: dict[str, Any] = field(default_factory=dict)
    summary: dict[str, Any] = field(default_factory=dict)
    categories: dict[str, tuple[str, str]] = field(default_factory=dict)
    communities: dict[str, str] = field(default_factory=dict)


def _blank() -> dict[str, float]:
    return {"accepted": 0, "completed": 0, "cancelled": 0, "no_show": 0, "hours": 0.0}


def gather(tx: Tx, district: str, start: date, end: date) -> Figures:
    """The report's figures for ``[start, end]`` (local days, both included)."""
    row = tx.district(district)
    catalogue = tx.catalogue(district)
    case = tx.case(district, include_closed=True)
    places = tx.demand_places(district)
    item_of = {k: item for k, (_, item) in places.items()}
    where = {k: community for k, (community, _) in places.items()}
    ledger = tx.ledger_row(district, start, end).to_json()
    s = tx.supply_summary(district, ("category",))
    f = Figures(
        district=district,
        name=row.name,
        start=ledger["start"],
        end=ledger["end"],
        made=today().isoformat(),
        ledger=ledger,
        summary={
            "by": list(s.by),
            "cells": [_cell(c) for c in s.cells],
            "total": _cell(s.total),
        },
        categories={c.slug: (c.zh, c.en) for c in catalogue.categories},
        communities={c.id: c.name for c in case.communities},
    )
    by_cat: dict[str, dict[str, float]] = defaultdict(_blank)
    by_comm: dict[str, dict[str, float]] = defaultdict(_blank)
    weeks: dict[str, Counter[str]] = defaultdict(Counter)
    first, last = date.fromisoformat(f.start), date.fromisoformat(f.end)
    rows, _ = tx.list_dispatches(district, limit=2**31)
    for x in rows:
        cells = (by_cat[catalogue.category_of(item_of.get(x.demand)) or ""],
                 by_comm[where.get(x.demand, "")])  # fmt: skip
        made = local_day(x.created_at)
        if first <= made <= last:
            for c in cells:
                c["accepted"] += 1
            weeks[_monday(made)]["accepted"] += 1
        if x.closed_at is None or x.status not in ENDINGS:
            continue
        ended = local_day(x.closed_at)
        if not first <= ended <= last:
            continue
        for c in cells:
            c[x.status] += 1
            if x.status == "completed" and x.hours is not None:
                c["hours"] += x.hours
        if x.status == "completed":
            weeks[_monday(ended)]["completed"] += 1
    f.by_category = {k: v for k, v in by_cat.items() if any(v.values())}
    f.by_community = {k: v for k, v in by_comm.items() if any(v.values())}
    f.weeks = {k: dict(weeks[k]) for k in sorted(weeks)}
    return f


def _monday(day: date) -> str:
    return (day - timedelta(days=day.weekday())).isoformat()


def _cell(c: Any) -> dict[str, Any]:
    return {
        "category": c.category,
        "demands": c.demands,
        "slots": c.slots,
        "weight": c.weight,
        "supply": c.supply,
        "active": c.active,
        "balance": c.balance,
    }


def report_cmd(
    district: Annotated[str, typer.Option("--district", help="district id")],
    start: Annotated[str, typer.Option("--from", help="the period's first day (YYYY-MM-DD)")],
    end: Annotated[str, typer.Option("--to", help="the period's last day (YYYY-MM-DD)")],
    out_path: Annotated[Path, typer.Option("--out", "-o", help="the HTML file to write")] = Path(
        "report.html"
    ),
    db: DbOpt = DEFAULT_DB,
    lang: LangOpt = None,
) -> None:
    """Write the district's governance report over a period as one self-contained HTML
    file: dispatches by service category and community, the weekly trend, supply against
    demand, the lending ledger (Chinese tables with English headers, inline charts)."""
    ln = resolve(lang)
    days = []
    for option, text in (("--from", start), ("--to", end)):
        try:
            days.append(date.fromisoformat(text))
        except ValueError:
            raise fail(f"{option} {text!r}: not a date; write it as 2026-06-30", ln) from None
    if importlib.util.find_spec("matplotlib") is None:
        raise fail(msg("cli.needs_matplotlib"), ln)
    if out_path.is_dir():
        raise fail(msg("cli.not_a_file", path=str(out_path), flag="--out"), ln)
    with user_errors(ln):
        store = open_store(db, writable=False)
        try:
            with store.read() as tx:
                figures = gather(tx, district, days[0], days[1])
        finally:
            store.close()
    try:
        out_path.write_text(render_report(figures), encoding="utf-8")
    except OSError:
        raise fail(msg("cli.not_a_file", path=str(out_path), flag="--out"), ln) from None
    typer.echo(say(ln, "cli.wrote", path=str(out_path)))


def register(app: typer.Typer) -> None:
    """Add this module's command to ``app``."""
    app.command("report")(report_cmd)
