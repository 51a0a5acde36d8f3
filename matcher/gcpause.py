"""Hold the cyclic garbage collector off while a proposal runs.

Why: a city case is some 35,000 pydantic models, and a proposal builds tens
of thousands more (assignments, alternates, breakdowns). Each burst of new
objects sets off a collection, and the older generations' collections walk
every model of the case again (docs/scale.md has the measurement). A proposal
makes no reference cycles of its own worth reclaiming early (its arrays and
lists are freed by reference counting), so the collector is paused for its
length and resumed after.

Nested and concurrent proposals share one pause: the collector comes back
when the last of them ends, and only if it was on when the first began (a
caller that switches it off during a pause finds it back on after). So that
overlapping proposals on a busy service cannot keep it off for good, a
proposal that ends while others still run collects in full if the shared
pause has lasted :data:`MAX_PAUSE` seconds, and starts the clock again.

Example:
    >>> import gc
    >>> @without_gc
    ... def work() -> bool:
    ...     return gc.isenabled()
    >>> work(), gc.isenabled()
    (False, True)
"""

from __future__ import annotations

import functools
import gc
import threading
import time
from collections.abc import Callable
from typing import ParamSpec, TypeVar

__all__ = ["MAX_PAUSE", "without_gc"]

P = ParamSpec("P")
R = TypeVar("R")

#: seconds a shared pause may run before a proposal ending inside it collects
MAX_PAUSE = 30.0

_lock = threading.Lock()
_depth = 0
_resume = False
_since = 0.0


def _enter() -> None:
    global _depth, _resume, _since
    with _lock:
        if _depth == 0:
            _resume = gc.isenabled()
            _since = time.monotonic()
            gc.disable()
        _depth += 1


def _leave() -> None:
    global _depth, _since
    with _lock:
        _depth -= 1
        if _depth == 0:
            if _resume:
                gc.enable()
            return
        overdue = time.monotonic() - _since >= MAX_PAUSE
        if overdue:
            _since = time.monotonic()
    if overdue:
        gc.collect()


def without_gc(fn: Callable[P, R]) -> Callable[P, R]:
    """``fn`` run with the cyclic collector paused (see the module's docstring)."""

    @functools.wraps(fn)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        _enter()
        try:
            return fn(*args, **kwargs)
        finally:
            _leave()

    return run
