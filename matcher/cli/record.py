"""``matcher record``, ``matcher warnings`` and ``matcher trainings import``: the growth record.

Why in the CLI: district offices batch-enter training logs and review the
three-colour warnings (三色预警) where they keep their files; every figure comes
from the store (:mod:`matcher.store`), which computes it from the history.
Tables are for people (``--lang``), ``--json`` for tools (codes, not prose).
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from matcher.cli.common import (
    NUMBERS_AS_ARGS,
    LangOpt,
    LangOption,
    console,
    fail,
    parse_day,
    resolve,
    say,
    user_errors,
    whole_above_zero,
)
from matcher.cli.service import DEFAULT_DB, DbOpt, open_store
from matcher.messages import Lang, Message, render

__all__ = ["register"]

DistrictOpt = Annotated[str, typer.Option("--district", help="district id")]
JsonOpt = Annotated[bool, typer.Option("--json", help="JSON on stdout (codes, not prose)")]
NoteOpt = Annotated[str | None, typer.Option("--note", help="why it was decided so")]


def _print_json(data: Any) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2))


def _as_of(text: str | None, lang: Lang) -> date | None:
    return parse_day("--as-of", text, lang)


def _colour(value: str | None, lang: Lang) -> str:
    return "—" if value is None else say(lang, f"colour.{value}")


def _reasons(reasons: list[dict[str, Any]], lang: Lang) -> str:
    return "; ".join(render(Message(code=r["code"], params=r["params"]), lang) for r in reasons)


def _warnings_table(rows: list[dict[str, Any]], lang: Lang, title: str) -> Table:
    t = Table(title=title, title_justify="left")
    for code in ("cli.warnings_col_id", "cli.col_cadre", "cli.warnings_col_change"):
        t.add_column(say(lang, code))
    t.add_column(say(lang, "cli.col_reason"))
    t.add_column(say(lang, "cli.warnings_col_state"))
    for w in rows:
        t.add_row(
            str(w["id"]),
            escape(w["cadre"]),
            f"{_colour(w['from_status'], lang)} → {_colour(w['to_status'], lang)}",
            escape(_reasons(w["reasons"], lang)),
            say(lang, f"warning_state.{w['state']}"),
        )
    return t


def record_cmd(
    cadre: Annotated[str, typer.Argument(help="the cadre's id")],
    district: DistrictOpt,
    db: DbOpt = DEFAULT_DB,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="the record's day (YYYY-MM-DD); default today")
    ] = None,
    as_json: JsonOpt = False,
    lang: LangOpt = None,
) -> None:
    """A cadre's growth record (成长档案), computed from their history, and pending warnings."""
    ln = resolve(lang)
    day = _as_of(as_of, ln)
    store = open_store(db, writable=False)
    with user_errors(ln):
        try:
            with store.read() as tx:
                data = tx.record_row(district, cadre, day).to_json()
        finally:
            store.close()
    if as_json:
        _print_json(data)
        return
    days = data["recent_days"]
    t = Table(
        title=say(ln, "cli.record_title", cadre=cadre, name=data["name"], as_of=data["as_of"]),
        title_justify="left",
    )
    t.add_column(say(ln, "cli.record_col_indicator"))
    t.add_column(say(ln, "cli.record_col_value"))
    rating = "—" if data["rating"] is None else f"{data['rating']:.2f}"
    own = "—" if data["rating_unshrunk"] is None else f"{data['rating_unshrunk']:.2f}"
    certs = ", ".join(f"{c['cert']} ({c['day']})" for c in data["certs"]) or "—"
    d = data
    year = f"{d['hours_year']:g} / {d['hours_target_to_date']:.1f}"
    training = f"{d['training_hours']:g} / {', '.join(d['courses']) or '—'}"
    status = f"{_colour(d['current'], ln)} / {_colour(d['status'], ln)}"
    rows = [
        ("cli.record_joined", f"{data['joined']} ({data['months_in_pool']})", {}),
        ("cli.record_dispatches", f"{data['completed']} / {sum(data['cancelled'].values())}", {}),
        ("cli.record_exempted", str(data["exempted"]), {}),
        ("cli.record_no_shows", f"{data['no_shows']} / {data['no_shows_recent']}", {"days": days}),
        ("cli.record_hours", f"{data['hours_total']:g} / {data['hours_recent']:g}", {"days": days}),
        (
            "cli.record_hours_year",
            year,
            {},
        ),
        ("cli.record_rating", f"{rating} / {own} / {data['ratings']}", {}),
        (
            "cli.record_training",
            training,
            {},
        ),
        ("cli.record_certs", certs, {}),
        ("cli.record_communities", ", ".join(data["communities"]) or "—", {}),
        (
            "cli.record_status",
            status,
            {},
        ),
    ]
    for code, value, params in rows:
        t.add_row(say(ln, code, **params), escape(value))
    console().print(t)
    if data["warnings"]:
        console().print(_warnings_table(data["warnings"], ln, say(ln, "cli.record_warnings_title")))


warnings_app = typer.Typer(
    help="Three-colour warnings (三色预警): list, evaluate, confirm or dismiss.",
    invoke_without_command=True,
)


@warnings_app.callback()
def warnings_cmd(
    ctx: typer.Context,
    district: Annotated[str | None, typer.Option("--district", help="district id")] = None,
    db: DbOpt = DEFAULT_DB,
    evaluate: Annotated[
        bool, typer.Option("--evaluate", help="run the rules first (stores new suggestions)")
    ] = False,
    state: Annotated[
        str | None, typer.Option("--state", help="pending, confirmed or dismissed")
    ] = None,
    limit: Annotated[
        int, typer.Option("--limit", min=1, max=1000, help="list at most this many, newest first")
    ] = 1000,
    as_json: JsonOpt = False,
    lang: LangOpt = None,
) -> None:
    """List the district's warnings (newest first); ``--evaluate`` runs the rules first."""
    if ctx.invoked_subcommand is not None:
        return
    ln = resolve(lang)
    if district is None:
        raise fail(say(ln, "cli.district_required"), ln)
    if state not in (None, "pending", "confirmed", "dismissed"):
        raise fail(say(ln, "cli.warning_state", value=state), ln)
    store = open_store(db, writable=evaluate)
    with user_errors(ln):
        try:
            new = []
            if evaluate:
                with store.write() as tx:
                    new = [w.to_json() for w in tx.evaluate_warnings(district)]
            with store.read() as tx:
                rows = [
                    w.to_json() for w in tx.list_warnings(district, state=state, limit=limit)[0]
                ]
        finally:
            store.close()
    if as_json:
        _print_json({"new": new, "data": rows} if evaluate else {"data": rows})
        return
    if evaluate:
        console().print(say(ln, "cli.warnings_new", count=len(new)))
    if rows:
        console().print(_warnings_table(rows, ln, say(ln, "cli.warnings_title")))
    else:
        console().print(say(ln, "cli.warnings_none"))


WarningArg = Annotated[str, typer.Argument(metavar="WARNING", help="the warning's id")]


def _decide(
    action: str, warning_text: str, district: str, db: str, note: str | None, end: str | None,
    as_json: bool, lang: LangOption | None,
) -> None:  # fmt: skip
    ln = resolve(lang)
    warning = whole_above_zero(warning_text, ln, "cli.warning_id")
    store = open_store(db)
    with user_errors(ln):
        try:
            with store.write() as tx:
                row = tx.decide_warning(district, warning, action, note, end_dispatches=end)
                data = row.to_json()
        finally:
            store.close()
    if as_json:
        _print_json(data)
        return
    state = say(ln, f"warning_state.{data['state']}")
    console().print(say(ln, "cli.warnings_decided", id=warning, state=state))


@warnings_app.command("confirm", context_settings=NUMBERS_AS_ARGS)
def warnings_confirm(
    warning: WarningArg,
    district: DistrictOpt,
    db: DbOpt = DEFAULT_DB,
    note: NoteOpt = None,
    cancel_dispatches: Annotated[
        bool,
        typer.Option(
            "--cancel-dispatches", help="confirming red: cancel the cadre's active dispatches too"
        ),
    ] = False,
    as_json: JsonOpt = False,
    lang: LangOpt = None,
) -> None:
    """Confirm a warning: the cadre takes the suggested status (red while they hold
    active dispatches is refused unless --cancel-dispatches)."""
    end = "cancel" if cancel_dispatches else None
    _decide("confirm", warning, district, db, note, end, as_json, lang)


@warnings_app.command("dismiss", context_settings=NUMBERS_AS_ARGS)
def warnings_dismiss(
    warning: WarningArg,
    district: DistrictOpt,
    db: DbOpt = DEFAULT_DB,
    note: NoteOpt = None,
    as_json: JsonOpt = False,
    lang: LangOpt = None,
) -> None:
    """Dismiss a warning: the status stays."""
    _decide("dismiss", warning, district, db, note, None, as_json, lang)


trainings_app = typer.Typer(help="The training log.", no_args_is_help=True)


@trainings_app.command("import")
def trainings_import(
    file: Annotated[Path, typer.Argument(help="trainings.csv: cadre,course,tags,hours,date,cert")],
    district: DistrictOpt,
    db: DbOpt = DEFAULT_DB,
    lang: LangOpt = None,
) -> None:
    """Log training sessions from a CSV file; nothing is written unless every row is good."""
    ln = resolve(lang)
    try:
        data = file.read_bytes()  # decoded by the loader: text that is not UTF-8 is a problem
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise fail(say(ln, "cli.cannot_read", path=str(file), reason=reason), ln) from None
    store = open_store(db)
    with user_errors(ln):
        try:
            with store.read() as tx:
                plan = tx.plan_trainings(district, data, file=str(file))
            with store.write() as tx:
                count = tx.import_trainings(district, plan)
        finally:
            store.close()
    console().print(say(ln, "cli.trainings_imported", count=count))


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""
    app.command("record")(record_cmd)
    app.add_typer(warnings_app, name="warnings")
    app.add_typer(trainings_app, name="trainings")
