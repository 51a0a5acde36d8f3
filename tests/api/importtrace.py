"""Instrumentation for the import tests: when an upload is validated, when writes lock
and commit, in one ordered trace (in this process, or a server's via a file).

``install`` wraps :func:`matcher.store.imports.load_table` and :meth:`Store.write`.
A validation that runs inside a write transaction is traced as
``validate-inside-write``. Validation of a big upload also *waits* until
``pause_for`` write transactions of other threads have committed after it
started (or ``timeout`` passed, traced as ``validate-timeout``): with validation
outside the write lock those writes go through; were it inside, they could not,
and the trace would show the timeout. That makes "other writes proceed while an
import is checked" a fact of the trace, not of timing.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from matcher.store import Store, Tx
from matcher.store import imports as store_imports

__all__ = ["BIG", "Trace"]

BIG = 100_000
"""Uploads of more characters than this are traced (and paused)."""


class Trace:
    def __init__(
        self, path: Path | None = None, *, pause_for: int = 3, timeout: float = 60
    ) -> None:
        self.path = path
        self.pause_for = pause_for
        self.timeout = timeout
        self.events: list[tuple[str, int]] = []
        self._cond = threading.Condition()
        self._commits = 0
        self._local = threading.local()  # write transactions this thread is inside

    def event(self, name: str) -> None:
        with self._cond:
            me = threading.get_ident()
            self.events.append((name, me))
            if name == "write-commit":
                self._commits += 1
            if self.path is not None:
                with self.path.open("a", encoding="utf-8") as fh:
                    fh.write(f"{name} {me}\n")
            self._cond.notify_all()

    def install(self, patch: Callable[[Any, str, Any], None] = setattr) -> None:
        """Wrap the store; ``patch`` is ``setattr`` or pytest's ``monkeypatch.setattr``."""
        trace = self
        original_write = Store.write
        original_load = store_imports.load_table

        @contextmanager
        def write(store: Store, *args: Any, **kw: Any) -> Iterator[Tx]:
            with original_write(store, *args, **kw) as tx:
                trace.event("write-locked")
                trace._local.depth = getattr(trace._local, "depth", 0) + 1
                try:
                    yield tx
                except BaseException:
                    trace.event("write-rollback")
                    raise
                finally:
                    trace._local.depth -= 1
            trace.event("write-commit")

        def load_table(file: str, text: str, **kw: Any) -> Any:
            if len(text) <= BIG:
                return original_load(file, text, **kw)
            trace.event("validate-start")
            if getattr(trace._local, "depth", 0):
                trace.event("validate-inside-write")
            with trace._cond:
                goal = trace._commits + trace.pause_for
                if not trace._cond.wait_for(lambda: trace._commits >= goal, trace.timeout):
                    trace.event("validate-timeout")
            try:
                return original_load(file, text, **kw)
            finally:
                trace.event("validate-end")

        patch(Store, "write", write)
        patch(store_imports, "load_table", load_table)

    @staticmethod
    def read(path: Path) -> list[tuple[str, int]]:
        return [
            (name, int(ident))
            for name, ident in (line.split() for line in path.read_text().splitlines())
        ]


def between(events: list[tuple[str, int]], start: str, end: str) -> list[tuple[str, int]]:
    """The events of other threads after ``start`` and before ``end`` (each traced once)."""
    names = [n for n, _ in events]
    i, j = names.index(start), names.index(end)
    me = events[i][1]
    return [e for e in events[i + 1 : j] if e[1] != me]
