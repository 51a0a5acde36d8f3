"""The command line's language: ``--lang zh|en`` (default from the locale) and texts in it.

Why: every command that prints for a person (``propose``, ``validate``, ``whatif``,
``shortage``, ``sweep`` and their errors) says it in the reader's language from the
one catalogue (:mod:`matcher.messages`); machine output (JSON, CSV) stays as it is
and carries the codes.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer
from rich.console import Console
from rich.text import Text

from matcher.errors import InputError, MatcherError, Param, Problem
from matcher.messages import Labels, Lang, Message, lang_from_env, msg, render
from matcher.problemcodes import hint_message, problem_message

__all__ = ["LangOpt", "LangOption", "error_text", "fail", "phase_text", "resolve", "say"]


class LangOption(StrEnum):
    zh = "zh"
    en = "en"


LangOpt = Annotated[
    LangOption | None,
    typer.Option(
        "--lang", help="language of the output: zh or en (default: zh when LANG/LC_ALL is zh_*)"
    ),
]


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
        where += "，" + say(lang, "cli.row", row=p.row)
    if p.column:
        where += "，" + say(lang, "cli.column", column=p.column)
    text = f"{where}：{render(problem_message(p), lang)}"
    if p.value is not None:
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


def fail(exc: MatcherError | Message | str, lang: Lang, console: Console) -> typer.Exit:
    """Print a user error (data shown verbatim, never as markup) and exit 2."""
    text = Text(say(lang, "cli.error"), style="bold red") + Text(error_text(exc, lang))
    console.print(text, soft_wrap=True)
    return typer.Exit(code=2)
