"""``matcher ledger``: the lending ledger (社区互助账本) of a district from a terminal.

Why in the CLI: a street office reviewing which communities lent their cadres
and which were helped reads the same figures the service and console show,
from the store (``--db``), in the reader's language (``--lang``); ``--json``
is for tools (the service's body).
"""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from matcher.cli.common import LangOpt, console, parse_day, resolve, say, user_errors
from matcher.cli.service import DEFAULT_DB, DbOpt, open_store
from matcher.messages import Lang

__all__ = ["register"]


def _day(option: str, text: str | None, lang: Lang) -> date | None:
    return parse_day(option, text, lang)


def _partners(partners: list[dict[str, Any]], names: dict[str, str]) -> str:
    return ", ".join(f"{names[p['community']]} {p['hours']:g}" for p in partners) or "—"


def _table(data: dict[str, Any], district: str, lang: Lang) -> Table:
    title = say(
        lang,
        "cli.ledger_title",
        district=district,
        start=data["start"],
        end=data["end"],
        dispatches=data["dispatches"],
    )
    t = Table(title=escape(title), title_justify="left")
    t.add_column(say(lang, "cli.ledger_col_community"))
    for code in ("lent", "received", "balance", "home"):
        t.add_column(say(lang, f"cli.ledger_col_{code}"), justify="right")
    t.add_column(say(lang, "cli.ledger_col_lent_to"))
    t.add_column(say(lang, "cli.ledger_col_received_from"))
    names = {c["id"]: c["name"] for c in data["communities"]}
    for c in data["communities"]:
        t.add_row(
            escape(f"{c['id']} {c['name']}"),
            f"{c['lent']:g}",
            f"{c['received']:g}",
            f"{c['balance']:+g}",
            f"{c['home']:g}",
            escape(_partners(c["lent_to"], names)),
            escape(_partners(c["received_from"], names)),
        )
    return t


def ledger_cmd(
    district: Annotated[str, typer.Option("--district", help="district id")],
    db: DbOpt = DEFAULT_DB,
    start: Annotated[
        str | None,
        typer.Option(
            "--from", help="the period's first day (YYYY-MM-DD); default 89 days before --to"
        ),
    ] = None,
    end: Annotated[
        str | None, typer.Option("--to", help="the period's last day (YYYY-MM-DD); default today")
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="JSON on stdout (the service's body)")
    ] = False,
    lang: LangOpt = None,
) -> None:
    """Hours each community's cadres lent to others and received from them over a period
    (default: the last 90 days), computed from the completed dispatches."""
    ln = resolve(lang)
    first, last = _day("--from", start, ln), _day("--to", end, ln)
    with user_errors(ln):
        store = open_store(db, writable=False)
        try:
            with store.read() as tx:
                data = tx.ledger_row(district, first, last).to_json()
        finally:
            store.close()
    if as_json:
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    console().print(_table(data, district, ln))


def register(app: typer.Typer) -> None:
    """Add this module's command to ``app``."""
    app.command("ledger")(ledger_cmd)
