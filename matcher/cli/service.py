"""``matcher`` commands for the service.

``serve``, ``import``, ``export`` and ``token create``; :func:`open_store` opens
``--db`` for every command that works on the store. The service packages
(``pip install 'matcher[service]'``) are imported lazily inside the commands, so
the core CLI works without them; ``serve`` hands uvicorn an import string
(``api.main:app_from_env``), so nothing in ``matcher/`` imports ``api``.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from matcher.cli.common import LangOpt, err, fail, resolve, say, user_errors, write_atomic
from matcher.messages import Lang, msg

if TYPE_CHECKING:
    from matcher.store import Store

__all__ = ["DEFAULT_DB", "DbOpt", "ExportFormat", "is_url", "open_store", "register"]

DbOpt = Annotated[
    str,
    typer.Option(
        "--db",
        help="SQLite database file, or a postgresql://user@host/db URL"
        " (created or migrated if needed)",
    ),
]
DEFAULT_DB = "matcher.db"


def _missing(exc: ImportError) -> typer.Exit:
    return fail(
        f"{exc.name or exc} is not installed; install the service: pip install 'matcher[service]'"
    )


def is_url(db: str) -> bool:
    """Whether ``--db`` names a database server (``postgresql://…``) rather than a file."""
    return re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://", db) is not None


def open_store(db: str, *, writable: bool = True) -> Store:
    """Open ``--db`` (a SQLite file or a PostgreSQL URL); ``writable``: refuse a
    database that cannot be written (exit 2)."""
    try:
        from matcher.store import Store
    except ImportError as exc:
        raise _missing(exc) from None
    from sqlalchemy import make_url
    from sqlalchemy.exc import ArgumentError, SQLAlchemyError

    shown = db
    if is_url(db):
        try:
            url = make_url(db)
        except ArgumentError:
            raise fail(f"--db {db}: not a database URL") from None
        shown = url.render_as_string(hide_password=True)
        if url.get_backend_name() not in ("postgresql", "postgres", "sqlite"):
            raise fail(f"--db {shown}: only SQLite files and postgresql:// URLs are supported")
    elif Path(db).is_dir():
        raise fail(f"--db {db}: is a folder; give a database file path")
    elif not writable and not Path(db).exists():
        # a command that only reads would otherwise create an empty store at a mistyped path
        raise fail(msg("cli.no_database", path=db))
    try:
        with user_errors():
            return Store.open(db, writable=writable)
    except ImportError as exc:  # a postgresql:// URL without its driver
        raise fail(
            f"--db {shown}: {exc.name or exc} is not installed;"
            " install the service: pip install 'matcher[service]'"
        ) from None
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        raise fail(f"--db {shown}: cannot open the database ({reason})") from None


def serve(
    db: DbOpt = DEFAULT_DB,
    host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port")] = 8000,
    load_sample: Annotated[
        bool, typer.Option("--load-sample", help="load the sample district as 'gulou' if empty")
    ] = False,
    max_body: Annotated[int, typer.Option(help="largest accepted body, bytes")] = 10 * 1024 * 1024,
    log_level: Annotated[str, typer.Option(help="uvicorn log level")] = "info",
    workers: Annotated[
        int,
        typer.Option(
            "--workers",
            min=1,
            help="worker processes serving one port over one database (jobs and warm"
            " plans are shared through it); with SQLite only on one machine",
        ),
    ] = 1,
) -> None:
    """Run the dispatcher HTTP API (docs at /docs, schema at /openapi.json).

    Several workers: each a process with its own connections, threads and warm
    plans; what one knows the others read from the database (jobs, leases, the
    district's version). A SQLite file serves several workers on one machine: every
    write takes the file's lock (``BEGIN IMMEDIATE``), jobs are claimed under it,
    and its WAL lets readers read meanwhile; writes still go one at a time, so more
    workers add reading and computing, not writing. ``:memory:`` is refused: each
    worker would hold a database of its own.
    """
    try:
        import uvicorn
    except ImportError as exc:
        raise _missing(exc) from None
    if workers > 1 and (":memory:" in db or db.strip() in ("sqlite://", "sqlite+pysqlite://")):
        raise fail(msg("cli.workers_in_memory", workers=workers))
    open_store(db).close()  # create and migrate before serving, failing early and readably
    os.environ["MATCHER_DB"] = db
    os.environ["MATCHER_LOAD_SAMPLE"] = "true" if load_sample else "false"
    os.environ["MATCHER_MAX_BODY_BYTES"] = str(max_body)
    uvicorn.run(
        "api.main:app_from_env",  # an import string: each worker process makes its own app
        factory=True,
        host=host,
        port=port,
        log_level=log_level,
        workers=workers,
    )


def import_cmd(
    case: Annotated[Path, typer.Argument(help="case folder or workbook (.xlsx) to load")],
    district: Annotated[str, typer.Option("--district", help="district id to load it as")],
    db: DbOpt = DEFAULT_DB,
    name: Annotated[str | None, typer.Option(help="district display name")] = None,
    history: Annotated[
        bool,
        typer.Option(
            "--history",
            help="also load 12 months of generated history ending yesterday (seed 1):"
            " past dispatches with outcomes, points, trainings",
        ),
    ] = False,
) -> None:
    """Load a case folder into a district (rows are added or updated, never dropped)."""
    store = open_store(db)
    from matcher.store import import_folder

    with user_errors():
        try:
            stats = import_folder(store, district, case, name=name, history=history) or {}
        finally:
            store.close()
    summary = (
        ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in sorted(stats.items())) or "no change"
    )
    err.print(f"[green]ok[/]: {district}: {summary}")


class ExportFormat(StrEnum):
    """What ``matcher export`` writes: a case folder of CSV files, or one workbook."""

    csv = "csv"
    xlsx = "xlsx"


def export_cmd(
    out: Annotated[Path, typer.Argument(help="case folder (or .xlsx workbook) to write")],
    district: Annotated[str, typer.Option("--district", help="district id to export")],
    db: DbOpt = DEFAULT_DB,
    fmt: Annotated[
        ExportFormat,
        typer.Option("--format", "-f", help="csv: a case folder; xlsx: one case workbook"),
    ] = ExportFormat.csv,
    lang_opt: LangOpt = None,
) -> None:
    """Write a district back as a case folder or workbook (open demands); it imports to
    the same case."""
    lang = resolve(lang_opt)
    if fmt is ExportFormat.xlsx:
        if out.suffix.lower() != ".xlsx":
            raise fail(msg("cli.xlsx_suffix", path=str(out)), lang)
        _export_workbook(out, district, db, lang)
        return
    store = open_store(db, writable=False)  # exporting only reads: a read-only copy will do
    tmp = Path(
        tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent if out.parent.exists() else None)
    )
    with user_errors():
        try:
            with store.read() as tx:
                tx.export_case(district, tmp)
            out.mkdir(parents=True, exist_ok=True)
            for f in tmp.iterdir():
                os.replace(f, out / f.name)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
            store.close()
    err.print(f"[green]ok[/]: wrote {out}")


def _export_workbook(out: Path, district: str, db: str, lang: Lang) -> None:
    """The district as one case workbook (written whole or not at all). A workbook holds
    the three tables and the policy only: a district with its own taxonomy or catalogue
    is refused (its folder export carries them)."""
    from matcher.io import workbook_of

    store = open_store(db, writable=False)
    with user_errors(lang):
        try:
            with store.read() as tx:
                case = tx.case(district)
                own = [
                    name
                    for name, text in tx.export_files(district).items()
                    if text is not None and name != "policy.toml"
                ]
        finally:
            store.close()
        if own:
            raise fail(msg("cli.export_xlsx_custom", district=district, files=own), lang)
        write_atomic(out, workbook_of(case))
    err.print(f"[green]ok[/]: wrote {out}")


token_app = typer.Typer(help="Bearer tokens for the HTTP API.", no_args_is_help=True)


@token_app.command("create")
def token_create(
    role: Annotated[
        str, typer.Option("--role", help="admin, dispatcher, planner, analyst or supervisor")
    ],
    district: Annotated[
        list[str] | None,
        typer.Option(
            "--district", help="district the token covers (repeatable; none for an admin)"
        ),
    ] = None,
    db: DbOpt = DEFAULT_DB,
    label: Annotated[str | None, typer.Option(help="who or what the token is for")] = None,
    lang_opt: LangOpt = None,
) -> None:
    """Create a token and print it once on stdout; only its hash is stored. An admin
    covers every district, so ``--role admin`` with ``--district`` is refused (exit 2)."""
    lang = resolve(lang_opt)
    store = open_store(db)
    with user_errors(lang):
        try:
            with store.write() as tx:
                token, row = tx.create_token(role, district or [], label)
        finally:
            store.close()
    typer.echo(token)
    # plain text: a label or district id in brackets is not rich markup
    if row.districts:
        where = list(row.districts)
        said = say(lang, "cli.token_created", id=row.id, role=row.role, districts=where)
    else:
        said = say(lang, "cli.token_created_all", id=row.id, role=row.role)
    err.print(said, markup=False)


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""
    app.command("serve")(serve)
    app.command("import")(import_cmd)
    app.command("export")(export_cmd)
    app.add_typer(token_app, name="token")
