"""What every ``matcher`` command shares, defined once: options, language, errors, output.

Why: every command that prints for a person says it in the reader's language from the
one catalogue (:mod:`matcher.messages`), and every user error (bad files, bad options)
exits with code 2 and a readable message on stderr, never a traceback; output files
are written only after everything succeeded, so nothing is half-written. Machine
output (JSON, CSV) stays as it is and carries the codes.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from datetime import date
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Protocol

import typer

from matcher import InputError, MatcherError, OutputError, Param, Problem
from matcher import write_atomic as write_whole
from matcher.messages import Labels, Lang, Message, lang_from_env, msg, render
from matcher.problemcodes import hint_message, problem_message, says_value

if TYPE_CHECKING:
    from rich.console import Console

__all__ = [
    "NUMBERS_AS_ARGS",
    "CaseArg",
    "Fmt",
    "FmtOpt",
    "Format",
    "LangOpt",
    "LangOption",
    "OutOpt",
    "check_out_path",
    "console",
    "emit",
    "err",  # noqa: F822 (made on first use: the module's __getattr__)
    "err_console",
    "error_text",
    "fail",
    "note",
    "phase_text",
    "resolve",
    "say",
    "status_line",
    "user_errors",
    "whole_above_zero",
    "write_atomic",
]


@cache
def err_console() -> Console:
    """Where progress, notes and errors go (stdout carries only the command's output):
    rich's console on stderr, made (and rich imported) when first needed."""
    from rich.console import Console

    return Console(stderr=True)


def __getattr__(name: str) -> Console:
    """``err``, the stderr console (:func:`err_console`), made when a module imports
    it: a one-shot ``matcher propose`` writing to a file draws nothing rich would
    style, so it imports no rich at all (:func:`note`)."""
    if name == "err":
        return err_console()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _plain_width() -> int | None:
    """The width rich would wrap stderr's notes at, when it would write them there as
    plain text (no terminal, no notebook, nothing set that could say otherwise: rich's
    own tests, in the order it makes them, all end in "not a terminal"); else None,
    and rich decides. Why: importing rich is a share of a one-shot proposal's start-up
    worth saving, for a note it would write as it is."""
    if sys.platform == "win32" or "IPython" in sys.modules:
        return None
    if not {"TTY_COMPATIBLE", "FORCE_COLOR", "COLUMNS"}.isdisjoint(os.environ):
        return None
    stream = sys.stderr
    if stream is not None:  # (None: rich writes nowhere, as note does)
        if hasattr(stream, "rich_proxied_file"):
            return None
        try:
            if stream.isatty():
                return None
        except (AttributeError, ValueError):  # rich: no terminal then either
            pass
    for fd in (0, 1, 2):  # rich's width: the first standard stream that is a terminal's
        try:
            return os.get_terminal_size(fd).columns or 80
        except (AttributeError, ValueError, OSError):
            continue
    return 80


def note(text: str) -> None:
    """``text`` on stderr as ``err.print(Text(text))`` writes it: a line that rich
    would write as it is (printable ASCII that fits, off a terminal) without rich,
    anything else through it (wrapped, styled for a terminal, wide characters)."""
    width = _plain_width()
    if width is not None and text.isascii() and text.isprintable() and len(text) <= width:
        if sys.stderr is not None:
            sys.stderr.write(text + "\n")
            sys.stderr.flush()
        return
    from rich.text import Text

    err_console().print(Text(text))


class StatusLine(Protocol):
    """What a command tells while it works (rich's ``Status``, or nothing)."""

    def update(self, status: str) -> object: ...


class _Unseen:
    def update(self, status: str) -> None:
        """Nothing to show it on."""


def status_line(text: str) -> AbstractContextManager[StatusLine]:
    """A spinner with ``text`` on stderr, updated as the work goes, where rich shows one:
    a terminal (or a notebook). Elsewhere (stderr a pipe or a file: a script, a job)
    rich's transient status draws nothing, so none is made: no live display, no
    refresh thread, and none of its modules imported by a one-shot ``matcher propose``."""
    if _plain_width() is None:
        err = err_console()
        if err.is_terminal or err.is_jupyter:
            return err.status(text, spinner="dots")
    return nullcontext(_Unseen())


def console() -> Console:
    """stdout for a command's tables, made when it prints: ``COLUMNS`` is read then, not
    at import. A pipe or a file gets 200 columns rather than rich's 80, so a table
    saved with ``> out.txt`` is not cut to fit a terminal that is not there."""
    from rich.console import Console

    con = Console()
    if not con.is_terminal and "COLUMNS" not in os.environ:
        con = Console(width=200)
    return con


class LangOption(StrEnum):
    zh = "zh"
    en = "en"


LangOpt = Annotated[
    LangOption | None,
    typer.Option(
        "--lang", help="language of the output: zh or en (default: zh when LANG/LC_ALL is zh_*)"
    ),
]


class Format(StrEnum):
    """A proposal's output formats."""

    table = "table"
    json = "json"
    csv = "csv"
    xlsx = "xlsx"


class Fmt(StrEnum):
    """A report's output formats (what-if reports have no CSV form)."""

    table = "table"
    json = "json"


CaseArg = Annotated[Path, typer.Argument(help="case folder")]
#: a report's format and output file (the proposal's own, with help texts, are in propose.py)
FmtOpt = Annotated[Fmt, typer.Option("--format", "-f")]
OutOpt = Annotated[Path | None, typer.Option("--out", "-o")]


def resolve(lang: LangOption | None) -> Lang:
    """The option's language, else the locale's."""
    return "zh" if lang is LangOption.zh else "en" if lang is LangOption.en else lang_from_env()


def say(lang: Lang, code: str, labels: Labels | None = None, **params: Param) -> str:
    """The catalogue text ``code`` in ``lang`` with ``params``."""
    return render(msg(code, **params), lang, labels)


def phase_text(phase: str, lang: Lang) -> str:
    """A proposal phase (``scoring pairs`` …) in ``lang``; unknown phases as they are."""
    text = render(msg("phase." + phase.replace(" ", "_")), lang)
    return phase if text.startswith("phase") else text


def _problem_text(p: Problem, lang: Lang) -> str:
    where = p.file
    if p.row is not None:
        where += "，" + say(lang, "cli.line" if p.in_toml else "cli.row", row=p.row)
    if p.column:
        where += "，" + say(lang, "cli.key" if p.in_toml else "cli.column", column=p.column)
    said = render(problem_message(p), lang)
    text = f"{where}：{said}"
    if p.value is not None and not says_value(p, said):  # not the column's name in where
        text += "（" + say(lang, "cli.got", value=repr(p.value)) + "）"
    hint = hint_message(p)
    if hint is not None:
        text += "；" + render(hint, lang)
    return text


def error_text(exc: MatcherError | Message | str, lang: Lang) -> str:
    """An error for a person: English as raised, other languages from its code and problems."""
    if isinstance(exc, Message):
        return render(exc, lang)
    if lang == "en" or isinstance(exc, str):
        return str(exc)
    lines = [render(Message(code=exc.code, params=exc.params), lang)]
    if isinstance(exc, InputError):
        lines += [f"  - {_problem_text(p, lang)}" for p in exc.problems]
    return "\n".join(lines)


def fail(exc: MatcherError | Message | str, lang: Lang = "en") -> typer.Exit:
    """Print a user error in ``lang`` (data shown verbatim, never as markup); exit 2.

    Returned rather than raised so call sites read ``raise fail(...) from None``.
    """
    from rich.text import Text

    text = Text(say(lang, "cli.error"), style="bold red") + Text(error_text(exc, lang))
    err_console().print(text, soft_wrap=True)
    return typer.Exit(code=2)


#: a command's context settings under which a negative number (``-5``) reaches it as an
#: argument, to be refused in the reader's language, rather than as an unknown option
NUMBERS_AS_ARGS = {"ignore_unknown_options": True}


def whole_above_zero(text: str, lang: Lang, code: str, param: str = "value") -> int:
    """``text`` as a whole number above 0, or exit 2 with the message ``code`` (its
    ``param`` is the text given). Parsed here, not by typer, so that ``0``, ``-5`` or
    ``1.5`` get a coded message in the reader's language, before anything is opened."""
    digits = text.strip().removeprefix("+")
    if not (digits.isascii() and digits.isdigit()) or int(digits) <= 0:
        raise fail(say(lang, code, None, **{param: text}), lang)
    return int(digits)


def parse_day(option: str, text: str | None, lang: Lang) -> date | None:
    """A ``YYYY-MM-DD`` option's day (``None`` when not given); else exit 2, said in ``lang``."""
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise fail(say(lang, "cli.bad_date", option=option, value=text), lang) from None


@contextmanager
def user_errors(lang: Lang = "en") -> Iterator[None]:
    """Turn a :class:`MatcherError` raised inside into the readable message and exit 2."""
    try:
        yield
    except MatcherError as exc:
        raise fail(exc, lang) from None


@contextmanager
def native_stdout_to_stderr() -> Iterator[None]:
    """The process's stdout (file descriptor 1) pointed at stderr while the engine
    runs: a native solver may print a stray line with printf (HiGHS's MIP solver
    does, whatever its display option), and a command's JSON or CSV answer on
    stdout must stay clean. Commands only: a server's threads keep their stdout."""
    try:
        sys.stdout.flush()
        saved = os.dup(1)
    except (AttributeError, OSError, ValueError):  # no usable stdout: nothing to protect
        yield
        return
    try:
        os.dup2(2, 1)
        yield
    finally:
        sys.stdout.flush()
        os.dup2(saved, 1)
        os.close(saved)


def write_atomic(path: Path, text: str | bytes) -> None:
    """Write via a temp file and rename, so a reader never sees half a file
    (``text`` as UTF-8, or ``bytes`` as they are: a workbook).

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
        write_whole(path, text)
    except OSError as exc:
        raise _unwritable(path, exc) from None


def check_out_path(path: Path, flag: str, lang: Lang) -> None:
    """Refuse an output path before any work runs (exit 2, nothing written): anything
    but a regular file at ``path`` (a folder, a device, or a link, which would put the
    output elsewhere; the writer refuses them only after the work), or a folder on the
    way that is a file (or a link to nowhere). Folders that do not exist yet are fine:
    :func:`write_atomic` creates them, as for every output."""
    if path.is_symlink() or (path.exists() and not path.is_file()):
        raise fail(msg("cli.not_a_file", path=str(path), flag=flag), lang)
    for folder in path.parents:  # the nearest that exists decides
        if os.path.lexists(folder):
            if not folder.is_dir():
                raise fail(
                    msg("cli.parent_not_folder", path=str(path), folder=str(folder), flag=flag),
                    lang,
                )
            return


def _unwritable(path: Path, exc: OSError) -> OutputError:
    return OutputError(
        f"{path}: cannot write here ({exc.strerror})",
        code="output.cannot_write",
        params={"path": str(path)},
    )


def emit(out: Path | None, text: str | bytes, lang: Lang, **params: Param) -> None:
    """``text`` to stdout, or atomically to ``--out`` with a note on stderr (bytes, a
    workbook, only to ``--out``).

    ``params`` add to the note (``assignments=…``).
    """
    if out is None:
        typer.echo(text, nl=False)
        return
    with user_errors(lang):
        write_atomic(out, text)
    note(render(msg("cli.wrote", path=str(out), **params), lang))
