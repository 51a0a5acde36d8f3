"""The one exception family of matcher.

Every error a user can cause is a :class:`MatcherError`, so the CLI and the HTTP
layer can turn it into a readable message (exit code 2, or an RFC 9457 problem)
instead of a traceback. Messages say what was wrong, where, and how to fix it.

Hierarchy::

    MatcherError
    ├── InputError            bad input files or values
    │   ├── CaseError         one or more problems in a case folder (carries them all)
    │   ├── TaxonomyError     a taxonomy file that is not a valid tree
    │   └── PolicyError       a policy file or override with bad weights
    ├── OutputError           a result that cannot be written where asked
    ├── SolverError           the numeric core was handed inconsistent arrays
    └── Cancelled             long work stopped because its caller asked
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import ClassVar

__all__ = [
    "Cancelled",
    "CaseError",
    "CatalogueError",
    "InputError",
    "MatcherError",
    "OutputError",
    "Param",
    "PolicyError",
    "Problem",
    "SolverError",
    "TaxonomyError",
]


#: a message parameter: an id, slug or number, or a list of ids/slugs (never a sentence);
#: see :mod:`matcher.messages`
Param = str | int | float | list[str] | None


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with an input, located as precisely as we can.

    ``row`` is the 1-based line number in the file (the header is line 1), so an
    editor's "go to line" lands on it. ``message`` and ``hint`` are English; ``code``
    and ``params`` name the message in :data:`matcher.messages.CATALOGUE` so it can
    be shown in another language. Problems raised before codes existed leave them
    unset and :func:`matcher.problemcodes.problem_message` derives them from the
    message (the common fixed messages are known there).
    """

    file: str
    message: str
    row: int | None = None
    column: str | None = None
    value: str | None = None
    hint: str | None = None
    code: str | None = None
    params: Mapping[str, Param] | None = field(default=None, hash=False, compare=False)

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", line {self.row}" if self.in_toml else f", row {self.row}"
        if self.column:
            where += f", key '{self.column}'" if self.in_toml else f", column '{self.column}'"
        text = f"{where}: {self.message}"
        from matcher.problemcodes import says_value  # codes need the catalogue

        if self.value is not None and not says_value(self, self.message):
            text += f" (got {self.value!r})"
        if self.hint:
            text += f"; {self.hint}"
        return text

    def quotes_value(self, text: str) -> bool:
        """Whether ``text`` already names the value in quotes (``'x'`` or ``“x”``), so a
        reader is not told it twice."""
        v = (self.value or "").strip()
        return bool(v) and (f"'{v}'" in text or f"“{v}”" in text)

    @property
    def in_toml(self) -> bool:
        """Whether the file is TOML (policy, scenario): its places are a line and a key."""
        return self.file.endswith(".toml")

    def to_dict(self) -> dict[str, object]:
        """Location, English texts, and the codes of message and hint (for other languages)."""
        from matcher.problemcodes import hint_message, problem_message  # codes need the catalogue

        msg, hint = problem_message(self), hint_message(self)
        return {
            "file": self.file,
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "message": self.message,
            "hint": self.hint,
            "code": msg.code,
            "params": dict(msg.params),
            "hint_code": hint.code if hint else None,
            "hint_params": dict(hint.params) if hint else None,
        }


class MatcherError(Exception):
    """Base of every error matcher raises on purpose.

    ``code`` and ``params`` name the error in :data:`matcher.messages.CATALOGUE`, so
    the CLI and the console can say it in the reader's language; the exception's
    text stays the English detail. Raise sites may pass them; otherwise the class's
    ``default_code`` applies (a generic message for that kind of error).
    """

    default_code: ClassVar[str] = "error"

    def __init__(
        self, *args: object, code: str | None = None, params: Mapping[str, Param] | None = None
    ) -> None:
        super().__init__(*args)
        self.code: str = code or type(self).default_code
        self.params: dict[str, Param] = dict(params or {})


class InputError(MatcherError):
    """Input that cannot be used as given; the message says how to fix it."""

    default_code = "input.invalid"

    def __init__(
        self,
        message: str,
        problems: list[Problem] | None = None,
        total: int | None = None,
        *,
        code: str | None = None,
        params: Mapping[str, Param] | None = None,
    ) -> None:
        self.problems: list[Problem] = list(problems or [])
        #: how many problems there were; ``problems`` may list only the first ones
        self.total: int = len(self.problems) if total is None else total
        super().__init__(message, code=code, params=params)

    def __str__(self) -> str:
        head = super().__str__()
        if not self.problems:
            return head
        more = self.total - len(self.problems)
        tail = f"\n  … and {more} more" if more > 0 else ""
        return head + "\n" + "\n".join(f"  - {p}" for p in self.problems) + tail


class CaseError(InputError):
    """A case folder with problems; ``problems`` lists every one found."""

    default_code = "input.case"


class TaxonomyError(InputError):
    """A taxonomy file that is not a valid root → category → tag tree."""

    default_code = "input.taxonomy"


class CatalogueError(InputError):
    """A service catalogue that is malformed or names what its taxonomy lacks."""

    default_code = "input.catalogue"


class PolicyError(InputError):
    """Policy weights or factors that are missing, unknown or out of range."""

    default_code = "input.policy"


class OutputError(MatcherError):
    """An output path that is not a writable regular file."""

    default_code = "output.unwritable"


class SolverError(MatcherError):
    """Arrays handed to the solver do not fit together (shapes, signs, NaNs)."""

    default_code = "solver.failed"


class Cancelled(MatcherError):
    """Long work stopped on request: a progress callback raised it between steps.

    Nothing is written when a proposal is cancelled; the caller may simply retry.
    """

    default_code = "cancelled"
