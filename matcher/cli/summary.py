"""``matcher summary``: supply against demand by community and service category.

Why in the CLI: a street office looks at where demand outruns the people who could
serve it, from a case folder or the store (``--db``), the same figures the service
answers (``GET …/summary``); ``--format csv`` is for spreadsheets, ``--png`` draws
the map (matplotlib): each community at its place, sized by open slots, coloured by
the balance.
"""

from __future__ import annotations

import csv
import importlib.util
import io
import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from matcher import Case, Catalogue, SupplyCell, SupplySummary, load_case, summary_groups
from matcher import supply_demand as summarise
from matcher.cli.common import LangOpt, console, fail, resolve, say, user_errors
from matcher.cli.service import open_store
from matcher.io import case_catalogue, escape_cell
from matcher.messages import Lang, msg

__all__ = ["register"]

COLUMNS = ("community", "category", "demands", "slots", "weight", "supply", "active", "balance")


class SummaryFmt(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


def _cells(s: SupplySummary) -> list[dict[str, object]]:
    def row(c: SupplyCell) -> dict[str, object]:
        return dict(zip(COLUMNS, (c.community, c.category, c.demands, c.slots, c.weight,
                                  c.supply, c.active, c.balance), strict=True))  # fmt: skip

    return [row(c) for c in s.cells] + [row(s.total) | {"community": "total"}]


def _csv(s: SupplySummary) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(COLUMNS)
    for r in _cells(s):
        w.writerow(
            "" if v is None else escape_cell(v) if isinstance(v, str) else v for v in r.values()
        )
    return buf.getvalue()


def _category(cat: Catalogue, slug: str | None, lang: Lang) -> str:
    if slug is None:
        return ""
    if not slug:
        return say(lang, "cli.summary_uncategorised")
    c = cat.category(slug)
    return f"{c.zh if lang == 'zh' else c.en} ({slug})"


def _table(s: SupplySummary, case: Case, cat: Catalogue, where: str, lang: Lang) -> Table:
    t = Table(title=escape(say(lang, "cli.summary_title", where=where)), title_justify="left")
    shown = [c for c in COLUMNS if c in s.by or c not in ("community", "category")]
    for col in shown:
        t.add_column(
            say(lang, f"cli.summary_col_{col}"), justify="left" if col in s.by else "right"
        )
    names = {c.id: c.name for c in case.communities}
    for c in (*s.cells, s.total):
        total = c is s.total
        cells = {
            "community": say(lang, "cli.summary_total") if total else
            f"{c.community} {names.get(c.community or '', '')}".strip(),
            "category": "" if total else _category(cat, c.category, lang),
            "demands": str(c.demands), "slots": str(c.slots), "weight": str(c.weight),
            "supply": str(c.supply), "active": str(c.active), "balance": f"{c.balance:+d}",
        }  # fmt: skip
        if total and "community" not in s.by:
            cells["category"] = say(lang, "cli.summary_total")
        t.add_row(*(escape(cells[k]) for k in shown), style="bold" if total else None)
    return t


def _map(case: Case, s: SupplySummary, path: Path, where: str) -> None:
    """Each community at its place: size the open slots, colour the balance (by community)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.colors import TwoSlopeNorm

    at = {c.id: c for c in case.communities}
    cells = [c for c in s.cells if c.community in at]
    fig, ax = plt.subplots(figsize=(7.5, 6.5))
    if cells:
        bal = [c.balance for c in cells]
        lim = max(1, max(abs(b) for b in bal))
        sc = ax.scatter(
            [at[c.community or ""].lon for c in cells],
            [at[c.community or ""].lat for c in cells],
            s=[30 + 25 * c.slots for c in cells],
            c=bal,
            cmap="RdYlGn",
            norm=TwoSlopeNorm(0, -lim, lim),
            edgecolors="#333",
            linewidths=0.5,
        )
        fig.colorbar(sc, ax=ax, label="balance = qualified free supply - open slots")
        for c in sorted(cells, key=lambda c: c.balance)[:8]:
            place = at[c.community or ""]
            ax.annotate(place.id, (place.lon, place.lat), fontsize=7)
    ax.ticklabel_format(useOffset=False)
    ax.set_xlabel("longitude")
    ax.set_ylabel("latitude")
    ax.set_title(f"Supply against demand by community: {where} (size: open slots)")
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def summary_cmd(
    case_dir: Annotated[
        Path | None, typer.Argument(help="case folder (or --db with --district)")
    ] = None,
    db: Annotated[
        str | None,
        typer.Option("--db", help="SQLite database file or postgresql:// URL"),
    ] = None,
    district: Annotated[str | None, typer.Option("--district", help="district id")] = None,
    by: Annotated[
        str, typer.Option("--by", help="community, category or both (comma-separated)")
    ] = "community,category",
    fmt: Annotated[SummaryFmt, typer.Option("--format", "-f")] = SummaryFmt.table,
    png: Annotated[
        Path | None, typer.Option("--png", help="also draw the map by community (matplotlib)")
    ] = None,
    lang: LangOpt = None,
) -> None:
    """Open demand (slots, priority weight), qualified free supply within reach, active
    dispatches and the balance, per community and service category."""
    ln = resolve(lang)
    if (case_dir is None) == (db is None) or (db is not None and district is None):
        raise fail(msg("cli.summary_source"), ln)
    if png is not None:
        if png.is_dir():
            raise fail(msg("cli.not_a_file", path=str(png), flag="--png"), ln)
        if importlib.util.find_spec("matplotlib") is None:
            raise fail(msg("cli.needs_matplotlib"), ln)
    with user_errors(ln):
        groups = summary_groups(by)
        if case_dir is not None:
            case = load_case(case_dir)
            catalogue = case_catalogue(case_dir, case.taxonomy, strict=False)
            s = summarise(case, catalogue, groups)
            by_comm = summarise(case, catalogue, ("community",)) if png else s
            where = str(case_dir)
        else:
            store = open_store(db or "", writable=False)
            try:
                with store.read() as tx:
                    s = tx.supply_summary(district or "", groups)
                    by_comm = tx.supply_summary(district or "", ("community",)) if png else s
                    case, catalogue = tx.case(district or ""), tx.catalogue(district or "")
            finally:
                store.close()
            where = district or ""
    if png is not None:
        _map(case, by_comm, png, where)
    if fmt is SummaryFmt.json:
        typer.echo(json.dumps(_cells(s), ensure_ascii=False, indent=1))
    elif fmt is SummaryFmt.csv:
        typer.echo(_csv(s), nl=False)
    else:
        console().print(_table(s, case, catalogue, where, ln))
    if png is not None and fmt is SummaryFmt.table:
        console().print(escape(say(ln, "cli.wrote", path=str(png))))


def register(app: typer.Typer) -> None:
    """Add this module's command to ``app``."""
    app.command("summary")(summary_cmd)
