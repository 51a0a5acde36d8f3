"""``matcher report``: the district's governance report (治理报告) over a period, as one HTML file.

Why one self-contained file: a street office mails it, archives it and opens it
offline; charts are inline PNG (matplotlib), styles inline, nothing fetched. Its
figures are :func:`matcher.store.report_figures`, which ``GET …/report`` answers as
JSON; inside them the lending ledger is ``GET …/ledger?from=&to=`` and supply against
demand ``GET …/summary`` (as of the moment the report is made). The report names no
cadre (an analyst's may be passed on). ``--pdf`` (or an ``--out`` ending in ``.pdf``)
prints it with headless Chromium when one is installed (:mod:`matcher.cli.report_pdf`).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Annotated

import typer

from matcher.cli.common import LangOpt, fail, parse_day, resolve, say, user_errors
from matcher.cli.report_html import render_report
from matcher.cli.report_pdf import CONVERTERS, PdfError, find_converter, print_pdf
from matcher.cli.service import DEFAULT_DB, DbOpt, open_store
from matcher.messages import msg

__all__ = ["register"]


def report_cmd(
    district: Annotated[str, typer.Option("--district", help="district id")],
    start: Annotated[str, typer.Option("--from", help="the period's first day (YYYY-MM-DD)")],
    end: Annotated[str, typer.Option("--to", help="the period's last day (YYYY-MM-DD)")],
    out_path: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            help="the HTML file to write (a .pdf name: the PDF); default report.html,"
            " none when --pdf alone is given",
        ),
    ] = None,
    pdf: Annotated[
        Path | None,
        typer.Option("--pdf", help="also print the report to this PDF (needs headless Chromium)"),
    ] = None,
    db: DbOpt = DEFAULT_DB,
    lang: LangOpt = None,
) -> None:
    """Write the district's governance report over a period as one self-contained HTML
    file: dispatches by service category and community, the weekly trend, the manual
    rule replayed on the same days, supply against demand, shortages and training picks,
    the lending ledger (Chinese tables with English headers, inline charts); and as PDF
    where headless Chromium is installed (nothing is fetched)."""
    ln = resolve(lang)
    html_out: Path | None = out_path
    if out_path is None:  # --pdf alone writes only the PDF
        html_out = None if pdf is not None else Path("report.html")
    elif out_path.suffix.lower() == ".pdf":
        html_out, pdf = None, out_path
    converter = find_converter() if pdf is not None else None
    if pdf is not None and converter is None:
        raise fail(msg("cli.no_pdf_converter", names=list(CONVERTERS)), ln)
    for path, flag in ((html_out, "--out"), (pdf, "--pdf" if html_out else "--out")):
        if path is not None and path.is_dir():
            raise fail(msg("cli.not_a_file", path=str(path), flag=flag), ln)
    first, last = parse_day("--from", start, ln), parse_day("--to", end, ln)
    assert first is not None and last is not None  # both options are required
    if importlib.util.find_spec("matplotlib") is None:
        raise fail(msg("cli.needs_matplotlib"), ln)
    from matcher.store import report_figures  # on use: `matcher propose` never loads the store

    with user_errors(ln):
        store = open_store(db, writable=False)
        try:
            with store.read() as tx:
                figures = report_figures(tx, district, first, last).to_json()
        finally:
            store.close()
    page = render_report(figures)
    if pdf is not None and converter is not None:
        try:
            print_pdf(converter, page, pdf)
        except PdfError as e:
            raise fail(msg("cli.pdf_failed", converter=converter, path=str(pdf),
                           reason=e.reason), ln) from None  # fmt: skip
        except OSError:
            raise fail(msg("cli.not_a_file", path=str(pdf), flag="--pdf"), ln) from None
    if html_out is not None:
        try:
            html_out.write_text(page, encoding="utf-8")
        except OSError:
            raise fail(msg("cli.not_a_file", path=str(html_out), flag="--out"), ln) from None
        typer.echo(say(ln, "cli.wrote", path=str(html_out)))
    if pdf is not None:
        typer.echo(say(ln, "cli.wrote", path=str(pdf)))


def register(app: typer.Typer) -> None:
    """Add this module's command to ``app``."""
    app.command("report")(report_cmd)
