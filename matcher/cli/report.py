"""``matcher report``: the district's governance report (治理报告) over a period, as one HTML file.

Why one self-contained file: a street office mails it, archives it and opens it
offline; charts are inline PNG (matplotlib), styles inline, nothing fetched. Its
figures are :func:`matcher.store.report_figures`, which ``GET …/report`` answers as
JSON; inside them the lending ledger is ``GET …/ledger?from=&to=`` and supply against
demand ``GET …/summary`` (as of the moment the report is made). The report names no
cadre (an analyst's may be passed on).
"""

from __future__ import annotations

import importlib.util
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from matcher.cli.common import LangOpt, fail, resolve, say, user_errors
from matcher.cli.report_html import render_report
from matcher.cli.service import DEFAULT_DB, DbOpt, open_store
from matcher.messages import msg

__all__ = ["register"]


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
    from matcher.store import report_figures  # on use: `matcher propose` never loads the store

    with user_errors(ln):
        store = open_store(db, writable=False)
        try:
            with store.read() as tx:
                figures = report_figures(tx, district, days[0], days[1]).to_json()
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
