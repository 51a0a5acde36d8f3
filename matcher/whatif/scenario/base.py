"""What every phase of a scenario shares: the scenario and its edits, the error, the checker.

Why one module: parsing, the edit kinds and the application all speak of the same
:class:`Edit` and report problems through the same :class:`Checker`, which knows the
file's text and so the line of each offending key.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from matcher.errors import InputError, Problem
from matcher.model import Case
from matcher.problemcodes import says_value

__all__ = ["Checker", "Edit", "Scenario", "ScenarioError", "suggest"]


class ScenarioError(InputError):
    """A scenario file or body with problems; each names file, line, key and a fix."""

    default_code = "input.scenario"

    def __str__(self) -> str:
        head = self.args[0] if self.args else "invalid scenario"
        lines = []
        for p in self.problems:
            where = p.file + (f":{p.row}" if p.row is not None else "")
            text = f"{where}: {p.column + ': ' if p.column else ''}{p.message}"
            if p.value is not None and not says_value(p, p.message):
                text += f" (got {p.value!r})"
            if p.hint:
                text += f"; {p.hint}"
            lines.append(f"  - {text}")
        return "\n".join([head, *lines])


@dataclass(frozen=True)
class Edit:
    """One edit: its kind, its validated parameters, and where it was written."""

    kind: str
    params: Mapping[str, Any]
    index: int
    line: int | None = None

    @property
    def label(self) -> str:
        return f"edit {self.index + 1} ({self.kind})"


@dataclass(frozen=True)
class Scenario:
    name: str
    edits: tuple[Edit, ...] = ()
    description: str = ""
    source: str = "<memory>"


@dataclass
class Checker:
    """Collects a scenario's problems, each located at the line of the key it is about.

    ``lines`` holds the 1-based line of each ``[[edits]]`` header, ``text_lines`` the
    file's text; both are empty for an HTTP body, whose edits are located by index.
    """

    case: Case
    file: str
    lines: list[int | None]
    text_lines: list[str]
    problems: list[Problem] = field(default_factory=list)

    def line(self, k: int, key: str | None = None) -> int | None:
        start = self.lines[k] if k < len(self.lines) else None
        if start is None or key is None:
            return start
        pat = re.compile(rf"^\s*(?:{re.escape(key)}\s*=|\[\s*edits\.{re.escape(key)}\s*\])")
        for n in range(start, len(self.text_lines)):  # the lines after the [[edits]] header
            line = self.text_lines[n]
            if re.match(r"^\s*\[\[", line):
                break
            if pat.match(line):
                return n + 1
        return start

    def bad(self, k: int, key: str | None, message: str, value: Any = None, hint: str = "") -> None:
        # without the file's text (an HTTP body) the edit is located by its index instead
        where = self.file if self.text_lines or k < 0 else f"{self.file}.edits.{k}"
        self.problems.append(
            Problem(
                where,
                f"edit {k + 1}: {message}" if k >= 0 else message,
                row=self.line(k, key) if k >= 0 else None,
                column=key,
                value=None if value is None else str(value)[:80],
                hint=hint or None,
            )
        )


def suggest(word: str, vocab: Iterable[str], what: str) -> str:
    """The close matches of ``word`` in ``vocab``, else the first few valid ``what``."""
    pool = list(vocab)
    close = difflib.get_close_matches(str(word), pool, n=3, cutoff=0.5)
    if close:
        return "did you mean " + " or ".join(f"'{c}'" for c in close) + "?"
    return f"valid {what}: " + ", ".join(pool[:8]) + (", …" if len(pool) > 8 else "")
