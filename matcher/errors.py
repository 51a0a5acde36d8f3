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

from dataclasses import dataclass

__all__ = [
    "Cancelled",
    "CaseError",
    "InputError",
    "MatcherError",
    "OutputError",
    "PolicyError",
    "Problem",
    "SolverError",
    "TaxonomyError",
]


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with an input, located as precisely as we can.

    ``row`` is the 1-based line number in the file (the header is line 1), so an
    editor's "go to line" lands on it.
    """

    file: str
    message: str
    row: int | None = None
    column: str | None = None
    value: str | None = None
    hint: str | None = None

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.column:
            where += f", column '{self.column}'"
        text = f"{where}: {self.message}"
        if self.value is not None:
            text += f" (got {self.value!r})"
        if self.hint:
            text += f"; {self.hint}"
        return text

    def to_dict(self) -> dict[str, object]:
        return {
            "file": self.file,
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "message": self.message,
            "hint": self.hint,
        }


class MatcherError(Exception):
    """Base of every error matcher raises on purpose."""


class InputError(MatcherError):
    """Input that cannot be used as given; the message says how to fix it."""

    def __init__(
        self, message: str, problems: list[Problem] | None = None, total: int | None = None
    ) -> None:
        self.problems: list[Problem] = list(problems or [])
        #: how many problems there were; ``problems`` may list only the first ones
        self.total: int = len(self.problems) if total is None else total
        super().__init__(message)

    def __str__(self) -> str:
        head = super().__str__()
        if not self.problems:
            return head
        more = self.total - len(self.problems)
        tail = f"\n  … and {more} more" if more > 0 else ""
        return head + "\n" + "\n".join(f"  - {p}" for p in self.problems) + tail


class CaseError(InputError):
    """A case folder with problems; ``problems`` lists every one found."""


class TaxonomyError(InputError):
    """A taxonomy file that is not a valid root → category → tag tree."""


class PolicyError(InputError):
    """Policy weights or factors that are missing, unknown or out of range."""


class OutputError(MatcherError):
    """An output path that is not a writable regular file."""


class SolverError(MatcherError):
    """Arrays handed to the solver do not fit together (shapes, signs, NaNs)."""


class Cancelled(MatcherError):
    """Long work stopped on request: a progress callback raised it between steps.

    Nothing is written when a proposal is cancelled; the caller may simply retry.
    """
