"""``matcher serve`` with two test hooks, for tests/api/test_workers.py.

Run as ``python tests/api/worker_server.py DIR serve --db ... --port ...``: the real
CLI and server (and its uvicorn workers), where

* a proposal computed as a job reports progress and waits, touching
  ``DIR/entered-<pid>``, until ``DIR/release`` exists: a job stays running as long
  as a test needs, in a real process;
* with ``DIR/hold-accept`` present, an accept writes its dispatches and then, inside
  its transaction (the write lock held, nothing committed), touches
  ``DIR/holding-<pid>`` and waits forever: a kill -9 lands mid-accept.

The hooks are installed in every worker process (uvicorn imports this module's
app factory through ``MATCHER_TEST_HOOKS``), never in the library itself.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Any

HOOKS = "MATCHER_TEST_HOOKS"
WAIT = 120.0
"""Seconds a hook waits at most (a test that forgets to release fails, never hangs)."""


def install(where: Path) -> None:
    """Patch the proposal route's ``propose`` and the store's ``accept`` (see above)."""
    from api.routes import proposals
    from matcher import Proposal, propose
    from matcher.store import Tx

    def blocking(case: Any, policy: Any = None, **kw: Any) -> Proposal:
        progress = kw.get("progress")
        if progress is None:  # a synchronous request: not held
            return propose(case, policy, **kw)
        progress("solving", 0.5)
        (where / f"entered-{os.getpid()}").touch()
        deadline = time.monotonic() + WAIT
        while not (where / "release").exists() and time.monotonic() < deadline:
            progress("solving", 0.5)
            time.sleep(0.05)
        return propose(case, policy, **kw)

    accept = Tx.accept

    def holding(self: Tx, *args: Any, **kw: Any) -> Any:
        out = accept(self, *args, **kw)
        if (where / "hold-accept").exists():
            (where / f"holding-{os.getpid()}").touch()
            time.sleep(WAIT)
        return out

    proposals.propose = blocking  # type: ignore[assignment]
    Tx.accept = holding  # type: ignore[method-assign]


def app_from_env() -> Any:
    """The service's app factory, with the hooks installed first."""
    install(Path(os.environ[HOOKS]))
    from api.main import app_from_env as real

    return real()


if __name__ == "__main__":
    import uvicorn

    os.environ[HOOKS] = sys.argv[1]
    real_run = uvicorn.run

    def run(app: Any, **kw: Any) -> None:  # serve's app, with the hooks installed
        real_run("tests.api.worker_server:app_from_env", **kw)

    uvicorn.run = run  # type: ignore[assignment]
    from matcher.cli import main

    sys.argv = ["matcher", *sys.argv[2:]]
    main()
