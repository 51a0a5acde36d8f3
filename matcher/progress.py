"""How a long proposal tells its caller where it is, and lets it cancel.

Example:
    >>> seen = []
    >>> step = as_progress(seen.append)  # a callback for phases alone
    >>> step("scoring pairs", 0.5); step("scoring pairs", 0.9); step("solving")
    >>> seen
    ['scoring pairs', 'solving']
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Protocol, cast

__all__ = ["Progress", "as_progress", "quiet"]


class Progress(Protocol):
    """Told the phase of a long proposal and, when known, the fraction done (0–1)."""

    def __call__(self, phase: str, fraction: float | None = None, /) -> None: ...


def quiet(phase: str, fraction: float | None = None, /) -> None:
    """The default progress sink: says nothing."""


def as_progress(callback: Progress | Callable[[str], object] | None) -> Progress:
    """The caller's progress callback as a two-argument one: a callback written
    for phases alone (``phases.append``) keeps working on big pools too."""
    if callback is None:
        return quiet
    try:
        params = inspect.signature(callback).parameters.values()
    except (TypeError, ValueError):  # builtins without a signature: assume two
        return cast(Progress, callback)
    positional = [p for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    if len(positional) >= 2 or any(p.kind is p.VAR_POSITIONAL for p in params):
        return cast(Progress, callback)
    one = callback
    last: list[str] = []

    def phase_only(phase: str, fraction: float | None = None, /) -> None:
        if last != [phase]:  # each phase once, as it starts
            last[:] = [phase]
            one(phase)

    return phase_only
