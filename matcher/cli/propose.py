"""``matcher propose`` and ``matcher validate``: a case folder or workbook in, a proposal
(table, JSON, CSV or a printable .xlsx plan) or a check out."""

from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from matcher import (
    Case,
    InputError,
    Proposal,
    calendar,
    check_horizon,
    horizon,
    load_case,
    load_policy,
    propose,
)
from matcher.cli.common import (
    Format,
    LangOpt,
    check_out_path,
    emit,
    err_console,
    fail,
    native_stdout_to_stderr,
    note,
    parse_day,
    phase_text,
    resolve,
    say,
    status_line,
    user_errors,
)
from matcher.cli.plan import plan_csv, plan_xlsx
from matcher.cli.render import to_json, to_table
from matcher.io import escape_cell
from matcher.messages import Lang, Message, labels_for, msg, render
from matcher.problemcodes import problem_message

if TYPE_CHECKING:
    import datetime as dt

    from matcher.whatif import SlotCounterfactual, TimeShift

__all__ = ["register"]

CaseArg = Annotated[
    Path,
    typer.Argument(
        help="case folder (communities.csv, cadres.csv, demands.csv) or workbook (.xlsx)"
    ),
]
EncodingOpt = Annotated[
    str | None,
    typer.Option(
        "--encoding",
        help="the CSV files' encoding, e.g. gbk (default: UTF-8, else GB18030 if it reads)",
    ),
]


def propose_cmd(
    case: CaseArg,
    fmt: Annotated[
        Format,
        typer.Option(
            "--format",
            "-f",
            help="output format; json is data, the same whatever --lang says: English"
            " 'reasons' beside their 'why' codes, which say them in any language",
        ),
    ] = Format.table,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="write here instead of stdout")
    ] = None,
    policy: Annotated[
        Path | None, typer.Option("--policy", help="policy.toml overriding the case's")
    ] = None,
    all_rows: Annotated[bool, typer.Option("--all", help="table: show every row")] = False,
    explain: Annotated[
        bool,
        typer.Option(
            "--explain-unfilled",
            help="price the smallest fix for each empty slot; with any dated order, a short"
            " dated order gets instead the earliest start the same day that fills it more"
            " (JSON: time_shifts), and ongoing orders their fixes with the dated"
            " dispatches kept (JSON: counterfactuals_note says so)",
        ),
    ] = False,
    first: Annotated[
        str | None,
        typer.Option(
            "--from",
            help="plan the dated orders from this day (YYYY-MM-DD; with --to, at most"
            " 62 days: matcher.MAX_HORIZON_DAYS)",
        ),
    ] = None,
    last: Annotated[
        str | None, typer.Option("--to", help="… to this day, included (YYYY-MM-DD)")
    ] = None,
    calendar_out: Annotated[
        Path | None,
        typer.Option("--calendar", help="also write each cadre's calendar (.csv or .json)"),
    ] = None,
    encoding: EncodingOpt = None,
    lang_opt: LangOpt = None,
) -> None:
    """Propose who goes where, exactly optimal under the hard rules, with reasons."""
    lang = resolve(lang_opt)
    day_from, day_to = parse_day("--from", first, lang), parse_day("--to", last, lang)
    with user_errors(lang):
        check_horizon(day_from, day_to)
    if out is not None:
        check_out_path(out, "--out", lang)
    if calendar_out is not None:
        _check_calendar_path(calendar_out, lang)
        if out is not None and out.resolve() == calendar_out.resolve():
            # the calendar would silently replace the plan just written
            raise fail(msg("cli.same_output", path=str(out), flags="--out, --calendar"), lang)
    if fmt is Format.xlsx and out is None:
        raise fail(say(lang, "cli.xlsx_needs_out"), lang)
    if fmt is Format.xlsx and out is not None and out.suffix.lower() != ".xlsx":
        raise fail(say(lang, "cli.xlsx_suffix", path=str(out)), lang)
    with user_errors(lang):
        pol = load_policy(policy) if policy is not None else None
        whole = _not_empty(load_case(case, policy=pol, encoding=encoding), lang)
        c = horizon(whole, day_from, day_to)
        with status_line(say(lang, "cli.loading")) as status:

            def show(phase: str, fraction: float | None = None) -> None:
                done = "" if fraction is None else f" {fraction:.0%}"
                status.update(f"{phase_text(phase, lang)}{done} …")

            with native_stdout_to_stderr():
                result = propose(c, progress=show)
        fixes, shifts, why, notes, keeps = (
            _counterfactuals(c, result, lang, (day_from, day_to))
            if explain
            else ([], None, "", "", None)
        )
    if calendar_out is not None:
        _write_calendar(calendar_out, calendar(c, result), lang)
    if fmt is Format.table and out is None:
        from rich.console import Console

        to_table(result, c, Console(), limit=None if all_rows else 40, lang=lang)
        sys.stdout.write(why + notes)
        return
    if notes and fmt is not Format.table:  # JSON, CSV, a workbook: the note beside, on stderr
        from rich.text import Text

        err_console().print(Text(notes.rstrip("\n")), soft_wrap=True)
    text: str | bytes
    if fmt is Format.json:
        extra: dict[str, Any] | None = None
        if explain:  # with dated orders: ongoing orders' fixes, moves, and the note
            extra = {"counterfactuals": [f.model_dump(mode="json") for f in fixes]}
            if any(d.start is not None for d in c.demands):
                extra["time_shifts"] = [s.model_dump(mode="json") for s in shifts or ()]
                extra["counterfactuals_note"] = (
                    None if keeps is None else keeps.model_dump(mode="json")
                )
        text = to_json(result, extra)
    elif fmt is Format.csv:
        text = plan_csv(result, c, lang, fixes, shifts)
    elif fmt is Format.xlsx:
        text = plan_xlsx(result, c, lang, fixes, shifts)
    else:
        from rich.console import Console

        buf = Console(record=True, width=160, file=io.StringIO())
        to_table(result, c, buf, limit=None, lang=lang)
        text = buf.export_text() + why + notes
    emit(out, text, lang, assignments=len(result.assignments))


def _counterfactuals(
    c: Case, result: Proposal, lang: Lang, days: tuple[dt.date | None, dt.date | None]
) -> tuple[list[SlotCounterfactual], list[TimeShift] | None, str, str, Message | None]:
    """Each empty slot's smallest fix and its text (the what-if engine loads only here).
    With dated orders: the earliest start the same day at which each short dated order
    fills more (``time_shifts``, None without), and the ongoing orders' fixes priced
    with the plan's dated dispatches kept, said in a note (``fix.keeps_dated``, also
    returned as a message for JSON): :func:`matcher.whatif.slot_fixes`, as the
    service's scenarios price them. Last, a note when moves or fixes are refused
    (lending rules, a load cost): the plan and its unfilled reasons still stand,
    only those are not shown."""
    from matcher.whatif import format_counterfactuals, format_time_shifts, slot_fixes, time_shifts

    labels = labels_for(c)
    fixes: list[SlotCounterfactual] = []
    if not any(d.start is not None for d in c.demands):
        fixes = slot_fixes(c, result).counterfactuals
        return fixes, None, format_counterfactuals(fixes, lang, labels), "", None
    why, note = "", ""
    try:
        shifts: list[TimeShift] | None = time_shifts(c, result, days=days)
        why += format_time_shifts(shifts or [], lang, labels)
    except InputError as exc:
        shifts = None
        said = render(problem_message(exc.problems[0]), lang, labels)
        note += say(lang, "cli.no_moves", why=said) + "\n"
    keeps: Message | None = None
    try:
        got = slot_fixes(c, result)  # the short dated orders' own "fixes" are the moves above
    except InputError as exc:
        said = render(problem_message(exc.problems[0]), lang, labels)
        note += say(lang, "cli.no_fixes", why=said) + "\n"
    else:
        fixes, keeps = got.counterfactuals, got.note
    if fixes:
        why += format_counterfactuals(fixes, lang, labels)
    if keeps is not None:
        note += render(keeps, lang, labels) + "\n"
    return fixes, shifts, why, note, keeps


def _not_empty(c: Case, lang: Lang) -> Case:
    """``c``, or exit 2 when it has no cadres or no demands: a case with nothing to match
    is a mistake (an empty file, the wrong folder), not a plan that fills 0 of 0 slots."""
    files = {"cadres.csv": c.cadres, "demands.csv": c.demands}
    empty = [name for name, rows in files.items() if not rows]
    if empty:
        raise fail(msg("cli.empty_case", files=empty), lang)
    return c


def _check_calendar_path(path: Path, lang: Lang) -> None:
    """Refuse a ``--calendar`` path before anything runs (exit 2, nothing written): a
    suffix other than .csv/.json, or a path :func:`check_out_path` refuses (missing
    folders are created, as for ``--out``)."""
    if path.suffix.lower() not in (".csv", ".json"):
        raise fail(say(lang, "cli.calendar_suffix", path=str(path)), lang)
    check_out_path(path, "--calendar", lang)


def _write_calendar(path: Path, rows: list[dict[str, str]], lang: Lang) -> None:
    """Each cadre's calendar as JSON (by the suffix) or CSV (spreadsheet-safe cells)."""
    if path.suffix.lower() == ".json":
        typed = [{**r, "hours": float(r["hours"]) if r["hours"] else None} for r in rows]
        text = json.dumps(typed, ensure_ascii=False, indent=2) + "\n"
    else:
        buf = io.StringIO()
        w = csv.DictWriter(buf, fieldnames=list(CALENDAR_COLUMNS), lineterminator="\n")
        w.writeheader()
        w.writerows({k: escape_cell(v) for k, v in row.items()} for row in rows)
        text = buf.getvalue()
    emit(path, text, lang, assignments=len(rows))


#: the calendar's columns (matcher.calendar's keys, in order)
CALENDAR_COLUMNS = ("cadre", "name", "demand", "title", "community", "start", "end", "hours")


def validate_cmd(case: CaseArg, encoding: EncodingOpt = None, lang_opt: LangOpt = None) -> None:
    """Check a case folder and report every problem at once."""
    lang = resolve(lang_opt)
    with user_errors(lang):
        c = _not_empty(load_case(case, encoding=encoding), lang)
    text = say(
        lang,
        "cli.validate_ok",
        communities=len(c.communities),
        cadres=len(c.cadres),
        demands=len(c.demands),
        taxonomy=c.taxonomy.name,
        tags=len(c.taxonomy.tags),
    )
    note(text)


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""
    app.command("propose")(propose_cmd)
    app.command("validate")(validate_cmd)
