"""A solve in a child process that this one watches, and kills on a cancel.

Why apart from :mod:`matcher.solver.sided`, its one user: the MILP with side rows
is one thing, the process around it another. HiGHS calls back nothing while it
presolves and solves the root LP (on the sample week: 45 s before its first MIP
callback), so no callback in process could stop it promptly. :func:`in_child` runs
``fn(*args, tell=...)`` in a fresh interpreter (:func:`_child`), tells the caller's
progress callback the last step the child told every :data:`POLL` seconds, and
kills the child as soon as that callback raises (a cancel). The child makes the
very same calls, so its answer is the one solved in process.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from matcher.errors import SolverError

__all__ = ["CHILD_ABOVE", "POLL", "SHARES", "Step", "in_child"]

#: told the phase ("solving") and the share done; may raise to stop the solve
#: (a :class:`matcher.progress.Progress`, which this package does not import)
Step = Callable[[str, float], object]

#: a model with more matrix entries than this is solved in a child process, which a
#: cancel kills; a smaller one's solve ends about as soon as a child would have
#: started and read it (~0.6 s) (read at call time: tests set it)
CHILD_ABOVE = 50_000
#: seconds between two calls of the progress callback while a child solves
POLL = 0.2
#: the share of "solving" done when each step starts: pricing, the first MILP, the second
SHARES = (0.0, 1 / 3, 2 / 3)

#: the child's program: :func:`_child` on the files :func:`in_child` names
_CHILD = "import sys; from matcher.solver.child import _child; _child(*sys.argv[1:])"


def in_child(fn: Callable[..., Any], args: tuple[Any, ...], step: Step) -> Any:
    """``fn(*args, tell=...)`` in a child process; every :data:`POLL` seconds until it
    ends, ``step("solving", SHARES[k])`` with the last ``k`` it told. When ``step``
    raises, or on any other way out, the child is killed first (nothing it did is kept).

    A fresh interpreter rather than :mod:`multiprocessing`: forking a threaded
    server copies its locks mid-use, and spawn and forkserver run the caller's
    ``__main__`` again in the child (a script calling :func:`matcher.propose`
    without an ``if __name__ == "__main__"`` guard would propose again). One child
    for all three steps: each start costs about 0.6 s (Python, scipy, the model).
    The arrays go through files, so that neither side blocks on a full pipe."""
    with tempfile.TemporaryDirectory(prefix="matcher-milp-") as tmp:
        given, answer, told = (str(Path(tmp, n)) for n in ("given", "answer", "step"))
        with open(given, "wb") as f:
            pickle.dump((fn, args), f, protocol=pickle.HIGHEST_PROTOCOL)
        # the child imports what this process imports (a test's solve, a source tree)
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(p or os.curdir for p in sys.path))
        try:
            child = subprocess.Popen(
                # -P: the working directory is not put first on the child's path, so it
                # runs the modules this process runs, never a stray matcher/ or scipy.py
                [sys.executable, "-P", "-c", _CHILD, given, answer, told],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,  # a caller's stdout may be its JSON plan
                env=env,
                start_new_session=True,  # a Ctrl-C reaches the parent, which kills the child
            )
        except OSError as exc:  # no process to be had (EAGAIN, no interpreter)
            raise SolverError(
                f"the MILP's process could not start: {exc}", code="solver.child_unstarted"
            ) from exc
        try:
            while True:
                try:
                    child.wait(POLL)
                    break
                except subprocess.TimeoutExpired:
                    step("solving", SHARES[_told(told)])
        finally:
            if child.poll() is None:
                child.kill()
                child.wait()
        # an answer is written whole or not at all (renamed into place): one that is
        # there is the child's, however it ended after writing it
        if not os.path.exists(answer):
            raise SolverError(
                f"the MILP's process ended without an answer (exit code {child.returncode})",
                code="solver.child_lost",
                params={"exit": int(child.returncode)},
            )
        with open(answer, "rb") as f:
            kind, value = pickle.load(f)  # written just now by our own child
    if kind == "error":
        raise SolverError(f"the MILP failed: {value}", code="solver.child_failed")
    return value


def _told(path: str) -> int:
    """The last step the child told (0 before it tells any)."""
    try:
        with open(path, encoding="ascii") as f:
            return int(f.read() or 0)
    except (OSError, ValueError):
        return 0


def _child(given: str, answer: str, told: str) -> None:
    """The child's side of :func:`in_child`: run what ``given`` holds, telling its
    steps in ``told``, and write the answer (or the error, as text) to ``answer``;
    each file whole or not at all (written aside, then renamed)."""
    parent = os.getppid()

    def orphaned() -> None:  # a parent killed outright cannot kill us: end with it
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(1)

    def put(path: str, data: bytes) -> None:
        with open(path + ".part", "wb") as dst:
            dst.write(data)
        os.replace(path + ".part", path)

    threading.Thread(target=orphaned, daemon=True).start()
    with open(given, "rb") as src:
        fn, args = pickle.load(src)  # written by our own parent
    try:
        out: tuple[str, Any] = ("ok", fn(*args, tell=lambda k: put(told, str(k).encode())))
    except Exception as exc:  # the parent raises it as its own; the trace goes to the log
        traceback.print_exc()
        out = ("error", repr(exc))
    put(answer, pickle.dumps(out, protocol=pickle.HIGHEST_PROTOCOL))
