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

from matcher import cli_bench, cli_lang, cli_service, cli_whatif
from matcher.cli_lang import LangOpt, phase_text, resolve, say
from matcher.errors import MatcherError, OutputError
from matcher.io import load_case
from matcher.messages import Lang, Message, labels_for
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


def fail(exc: MatcherError | Message | str, lang: Lang = "en") -> typer.Exit:
    """Print a user error in ``lang`` (data shown verbatim, never as markup) and exit 2."""
    return cli_lang.fail(exc, lang, err)


def write_atomic(path: Path, text: str) -> None:
    """Write via a temp file and rename, so a reader never sees half a file.

    Only regular files are written: a folder, a device or a symlink at ``path``
    is refused rather than replaced.
    """
    if path.is_symlink() or (path.exists() and not path.is_file()):
        raise OutputError(
            f"{path}: not a regular file; choose a file path for --out",
            code="output.not_a_file",
            params={"path": str(path)},
        )
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise _unwritable(path, exc) from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise _unwritable(path, exc) from None


def _unwritable(path: Path, exc: OSError) -> OutputError:
    return OutputError(
        f"{path}: cannot write here ({exc.strerror})",
        code="output.cannot_write",
        params={"path": str(path)},
    )


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
    lang_opt: LangOpt = None,
) -> None:
    """Propose who goes where, exactly optimal under the hard rules, with reasons."""
    lang = resolve(lang_opt)
    try:
        pol = load_policy(policy) if policy is not None else None
        c = load_case(case, policy=pol)
        with err.status(say(lang, "cli.loading"), spinner="dots") as status:

            def show(phase: str, fraction: float | None = None) -> None:
                done = "" if fraction is None else f" {fraction:.0%}"
                status.update(f"{phase_text(phase, lang)}{done} …")

            result = propose(c, progress=show)
        fixes = explain_unfilled(c, result) if explain else []
        why = format_counterfactuals(fixes, lang, labels_for(c)) if explain else ""
    except MatcherError as exc:
        raise fail(exc, lang) from None
    if fmt is Format.table and out is None:
        to_table(result, c, Console(), limit=None if all_rows else 40, lang=lang)
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
        to_table(result, c, buf, limit=None, lang=lang)
        text = buf.export_text() + why
    if out is None:
        sys.stdout.write(text)
    else:
        try:
            write_atomic(out, text)
        except OutputError as exc:
            raise fail(exc, lang) from None
        err.print(Text(say(lang, "cli.wrote", path=str(out), assignments=len(result.assignments))))


@app.command("validate")
def validate_cmd(case: CaseArg, lang_opt: LangOpt = None) -> None:
    """Check a case folder and report every problem at once."""
    lang = resolve(lang_opt)
    try:
        c = load_case(case)
    except MatcherError as exc:
        raise fail(exc, lang) from None
    text = say(
        lang,
        "cli.validate_ok",
        communities=len(c.communities),
        cadres=len(c.cadres),
        demands=len(c.demands),
        taxonomy=c.taxonomy.name,
        tags=len(c.taxonomy.tags),
    )
    err.print(Text(text))


# Command families kept in their own modules add themselves here.
cli_service.register(app)
cli_bench.register(app)
cli_whatif.register(app)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
