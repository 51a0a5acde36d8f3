"""``matcher points`` and ``matcher outcomes import``: the growth record's ledger from a terminal.

Why: district offices batch-enter the results of dispatches from spreadsheets, and
an admin redeems a cadre's points (服务积分) for a course or a recognition. Both
work on the store (``--db``) like ``import``; every error is located and readable
in the reader's language (``--lang``), and nothing is written on any error.

``matcher points CADRE`` shows the ledger; ``matcher points redeem CADRE AMOUNT
--reason …`` redeems (a first word that is not a subcommand is the cadre).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text
from typer.core import TyperGroup

from matcher.cli.common import (
    NUMBERS_AS_ARGS,
    LangOpt,
    err,
    fail,
    resolve,
    say,
    user_errors,
    whole_above_zero,
)
from matcher.cli.service import DEFAULT_DB, DbOpt, open_store
from matcher.messages import Lang

if TYPE_CHECKING:
    from matcher.store import PointsRow

__all__ = ["register"]

DistrictOpt = Annotated[str, typer.Option("--district", help="district id")]
CadreArg = Annotated[str, typer.Argument(help="cadre id")]


class _ShowByDefault(TyperGroup):
    """``matcher points CADRE`` is ``matcher points show CADRE``."""

    # typer.Context is the Context of typer's own click (its supertype is not public)
    def parse_args(self, ctx: typer.Context, args: list[str]) -> list[str]:  # type: ignore[override]
        if args and not args[0].startswith("-") and args[0] not in self.commands:
            args = ["show", *args]
        return super().parse_args(ctx, args)


points_app = typer.Typer(
    cls=_ShowByDefault,
    help="A cadre's points (服务积分): the ledger, or redeem some (admins).",
    no_args_is_help=True,
)
outcomes_app = typer.Typer(help="Outcomes of dispatches (how each ended).", no_args_is_help=True)


def _ledger_json(balance: int, entries: list[PointsRow]) -> str:
    data = [e.to_json() for e in entries]
    return json.dumps({"balance": balance, "data": data, "count": len(data)}, ensure_ascii=False)


def _print_ledger(
    cadre: str, name: str, balance: int, entries: list[PointsRow], lang: Lang
) -> None:
    """The ledger newest first: what a reader checks is the last redemption or earning."""
    title = say(lang, "cli.points_title", cadre=cadre, name=name, balance=balance)
    table = Table(title=Text(title), title_justify="left")
    for code in ("cli.col_day", "cli.col_points", "cli.col_kind", "cli.col_reason"):
        table.add_column(say(lang, code))
    for e in reversed(entries):  # the store lists them oldest first, by day then entry
        why = say(lang, "cli.points_dispatch", dispatch=e.dispatch) if e.dispatch else e.reason
        table.add_row(e.day, f"{e.amount:+d}", say(lang, f"points_kind.{e.kind}"), Text(why or ""))
    Console(soft_wrap=True).print(table)


@points_app.command("show")
def show(
    cadre: CadreArg,
    district: DistrictOpt,
    db: DbOpt = DEFAULT_DB,
    as_json: Annotated[bool, typer.Option("--json", help="the ledger as JSON")] = False,
    lang: LangOpt = None,
) -> None:
    """A cadre's ledger, newest entry first, under its name and balance (the ledger's sum).

    ``--json`` prints what ``GET …/cadres/{id}/points`` returns: entries oldest first.
    """
    lg = resolve(lang)
    store = open_store(db, writable=False)
    with user_errors(lg):
        try:
            with store.read() as tx:
                balance, entries = tx.points(district, cadre)
                name = tx.cadre(district, cadre).name
        finally:
            store.close()
    if as_json:
        typer.echo(_ledger_json(balance, entries))
    else:
        _print_ledger(cadre, name, balance, entries, lg)


@points_app.command("redeem", context_settings=NUMBERS_AS_ARGS)
def redeem(
    cadre: CadreArg,
    amount_text: Annotated[
        str,
        typer.Argument(
            metavar="AMOUNT", help="whole points to redeem, above 0 (at most the balance)"
        ),
    ],
    reason: Annotated[str, typer.Option("--reason", help="what for: a course, a recognition")],
    district: DistrictOpt,
    db: DbOpt = DEFAULT_DB,
    lang: LangOpt = None,
) -> None:
    """Redeem points; refused (exit 2, nothing written) beyond the balance or not above 0."""
    lg = resolve(lang)
    amount = whole_above_zero(amount_text, lg, "points.amount_positive", "amount")
    store = open_store(db)
    with user_errors(lg):
        try:
            with store.write() as tx:
                balance, _ = tx.redeem_points(district, cadre, amount, reason.strip() or "-")
        finally:
            store.close()
    err.print(Text(say(lg, "cli.points_redeemed", cadre=cadre, amount=amount, balance=balance)))


@outcomes_app.command("import")
def import_outcomes(
    file: Annotated[Path, typer.Argument(help="a CSV file, UTF-8, with the columns listed above")],
    district: DistrictOpt,
    db: DbOpt = DEFAULT_DB,
    lang: LangOpt = None,
) -> None:
    """End active dispatches from a CSV file: every row good, or nothing is written.

    \b
    A header row names all nine columns, in any order (optional cells may be empty):
      dispatch       the dispatch's id
      ending         completed, cancelled, no_show (完成, 取消, 未到岗)
      hours          above 0; with completed, and only then
      rating         1-5 from the community, optional; only with completed
      exempt         yes or no (是, 否), empty = no: a 容错 exemption
      exempt_reason  required with an exemption
      cancel_reason  with cancelled: cadre_unavailable, no_show,
                     community_withdrew, duplicate, other
                     (干部无法到岗, 未到岗, 社区撤回, 重复, 其他);
                     community_withdrew closes the demand too
      note           free text, optional
      ended          YYYY-MM-DD, optional (default: today)
    """
    from matcher.store import apply_outcomes, plan_outcomes

    lg = resolve(lang)
    try:
        data = file.read_bytes()
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise fail(say(lg, "cli.cannot_read", path=str(file), reason=reason), lg) from None
    store = open_store(db)
    with user_errors(lg):
        try:
            plan = plan_outcomes(store, district, data, file=str(file))
            with store.write() as tx:
                counts = apply_outcomes(tx, plan)
        finally:
            store.close()
    err.print(
        Text(
            say(
                lg,
                "cli.outcomes_imported",
                district=district,
                completed=counts.get("completed", 0),
                cancelled=counts.get("cancelled", 0),
                no_show=counts.get("no_show", 0),
            )
        )
    )
    withdrawn, more = counts["withdrawn"], counts["cancelled_with_demands"]
    if withdrawn:  # what the rows set off, which the counts above leave out
        ids = ", ".join(withdrawn)
        line = say(
            lg,
            "cli.outcomes_withdrew",
            district=district,
            demands=len(withdrawn),
            ids=ids,
            dispatches=len(more),
        )
        err.print(Text(line))
    if counts["warnings"]:
        err.print(
            Text(say(lg, "cli.outcomes_warnings", district=district, count=counts["warnings"]))
        )


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""
    app.add_typer(points_app, name="points")
    app.add_typer(outcomes_app, name="outcomes")
