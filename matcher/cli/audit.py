"""``matcher audit verify`` and ``matcher audit export``: the audit trail from a terminal.

Why: an oversight committee, or anyone handed the database, checks that no entry
of the trail was changed, removed or inserted (``verify`` names the first that
was, exit 1), and gives a third party the chain as JSON lines (``export``), which
ten lines of Python verify (docs/audit.md).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.text import Text

from matcher.cli.common import LangOpt, err, fail, resolve, say, user_errors, write_atomic
from matcher.cli.service import DEFAULT_DB, DbOpt, is_url, open_store
from matcher.messages import Lang

__all__ = ["register"]

DistrictOpt = Annotated[
    str | None, typer.Option("--district", help="only this district's chain (default: all)")
]

audit_app = typer.Typer(
    help="The audit trail: verify its hash chain, export it.", no_args_is_help=True
)


def _existing(db: str, lang: Lang) -> None:
    """Verify and export read a database that is there; they never create one (a
    database server's URL names one the server has, or the opening fails)."""
    if not is_url(db) and not Path(db).is_file():
        raise fail(say(lang, "cli.cannot_read", path=str(db), reason="no such file"), lang)


def _chain_name(district: str | None, lang: Lang) -> str:
    return district if district else say(lang, "cli.audit_tokens_chain")


@audit_app.command("verify")
def verify(db: DbOpt = DEFAULT_DB, district: DistrictOpt = None, lang: LangOpt = None) -> None:
    """Walk the chain; exit 1 naming the first entry changed, removed or inserted."""
    lg = resolve(lang)
    _existing(db, lg)
    store = open_store(db, writable=False)
    with user_errors(lg):
        try:
            with store.read() as tx:
                if district is not None:
                    tx.district(district)  # an unknown district is an error, not an empty chain
                chains = [district] if district is not None else tx.audit_chains()
                found = tx.verify_audit(district)
                count = sum(len(tx.audit_entries(c)) for c in chains)
        finally:
            store.close()
    if found is not None:
        code = f"cli.audit_{found.kind}"
        where = _chain_name(found.district, lg)
        err.print(Text(say(lg, code, seq=found.seq, chain=where), style="bold red"))
        raise typer.Exit(code=1)
    err.print(Text(say(lg, "cli.audit_ok", count=count, chains=len(chains))))


@audit_app.command("export")
def export(
    out: Annotated[Path, typer.Argument(help="the JSON lines file to write")],
    db: DbOpt = DEFAULT_DB,
    district: DistrictOpt = None,
    lang: LangOpt = None,
) -> None:
    """Write the chain as JSON lines (one entry a line, each chain in order)."""
    lg = resolve(lang)
    _existing(db, lg)
    store = open_store(db, writable=False)
    with user_errors(lg):
        try:
            with store.read() as tx:
                if district is not None:
                    tx.district(district)
                chains = [district] if district is not None else tx.audit_chains()
                rows = [r for c in chains for r in tx.audit_entries(c)]
        finally:
            store.close()
        lines = [json.dumps(r.to_json(), ensure_ascii=False, sort_keys=True) for r in rows]
        write_atomic(out, "".join(line + "\n" for line in lines))
    err.print(Text(say(lg, "cli.audit_exported", count=len(rows), path=str(out))))


def register(app: typer.Typer) -> None:
    app.add_typer(audit_app, name="audit")
