"""The ``matcher`` command line.

Every user error (bad files, bad options) exits with code 2 and a readable
message on stderr, never a traceback; output files are written only after
everything succeeded, so nothing is half-written.
"""

from __future__ import annotations

import io
import os
import sys
import tempfile
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.text import Text

from matcher import cli_bench, cli_service, cli_whatif
from matcher.errors import MatcherError, OutputError
from matcher.io import load_case
from matcher.policy import load_policy
from matcher.propose import propose
from matcher.render import to_csv, to_json, to_table
from matcher.whatif import explain_unfilled, format_counterfactuals

__all__ = ["app", "main"]

app = typer.Typer(
    name="matcher",
    help="Exact, explained staffing proposals for reserve-cadre pools.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
err = Console(stderr=True)


class Format(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


def fail(exc: MatcherError | str) -> typer.Exit:
    """Print a user error (data shown verbatim, never as markup) and exit 2."""
    err.print(Text("error: ", style="bold red") + Text(str(exc)), soft_wrap=True)
    return typer.Exit(code=2)


def write_atomic(path: Path, text: str) -> None:
    """Write via a temp file and rename, so a reader never sees half a file.

    Only regular files are written: a folder, a device or a symlink at ``path``
    is refused rather than replaced.
    """
    if path.is_symlink() or (path.exists() and not path.is_file()):
        raise OutputError(f"{path}: not a regular file; choose a file path for --out")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise OutputError(f"{path}: cannot write here ({exc.strerror})") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise OutputError(f"{path}: cannot write here ({exc.strerror})") from None


CaseArg = Annotated[
    Path, typer.Argument(help="case folder (communities.csv, cadres.csv, demands.csv)")
]


@app.command("propose")
def propose_cmd(
    case: CaseArg,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="output format")] = Format.table,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="write here instead of stdout")
    ] = None,
    policy: Annotated[
        Path | None, typer.Option("--policy", help="policy.toml overriding the case's")
    ] = None,
    all_rows: Annotated[bool, typer.Option("--all", help="table: show every row")] = False,
    explain: Annotated[
        bool,
        typer.Option("--explain-unfilled", help="price the smallest fix for each empty slot"),
    ] = False,
) -> None:
    """Propose who goes where, exactly optimal under the hard rules, with reasons."""
    try:
        pol = load_policy(policy) if policy is not None else None
        c = load_case(case, policy=pol)
        with err.status("loading", spinner="dots") as status:

            def show(phase: str, fraction: float | None = None) -> None:
                done = "" if fraction is None else f" {fraction:.0%}"
                status.update(f"{phase}{done} …")

            result = propose(c, progress=show)
        fixes = explain_unfilled(c, result) if explain else []
        why = format_counterfactuals(fixes) if explain else ""
    except MatcherError as exc:
        raise fail(exc) from None
    if fmt is Format.table and out is None:
        to_table(result, c, Console(), limit=None if all_rows else 40)
        sys.stdout.write(why)
        return
    if fmt is Format.json:
        extra = {"counterfactuals": [f.model_dump(mode="json") for f in fixes]} if explain else None
        text = to_json(result, extra)
    elif fmt is Format.csv:
        text = to_csv(result)
        # CSV holds the assignments only: the fixes go to stderr
        err.print(Text(why), end="")
    else:
        buf = Console(record=True, width=160, file=io.StringIO())
        to_table(result, c, buf, limit=None)
        text = buf.export_text() + why
    if out is None:
        sys.stdout.write(text)
    else:
        try:
            write_atomic(out, text)
        except OutputError as exc:
            raise fail(exc) from None
        err.print(Text(f"wrote {out} ({len(result.assignments)} assignments)"))


@app.command("validate")
def validate_cmd(case: CaseArg) -> None:
    """Check a case folder and report every problem at once."""
    try:
        c = load_case(case)
    except MatcherError as exc:
        raise fail(exc) from None
    err.print(
        f"ok: {len(c.communities)} communities, {len(c.cadres)} cadres, "
        f"{len(c.demands)} demands, taxonomy {c.taxonomy.name} ({len(c.taxonomy.tags)} tags)"
    )


# Command families kept in their own modules add themselves here.
cli_service.register(app)
cli_bench.register(app)
cli_whatif.register(app)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
