"""Wall time and memory of a phase.

Memory is the process's resident set size (RSS), read from ``/proc/self/statm``
by a sampling thread every few milliseconds while the phase runs (so it sees
allocations made in C/C++ by HiGHS, OR-Tools or lap, which ``tracemalloc``
cannot). Short spikes between samples can be missed, and a library that holds
the GIL blocks the sampler; for that reason the harness also reports the
worker process's lifetime peak (``VmHWM`` in ``/proc/self/status``), which is
exact, and isolated runs (one process per solver) make that figure per solver.

Not ``getrusage``'s ``ru_maxrss``: Linux carries it across ``fork`` + ``exec``,
so a worker started by a 1 GiB harness reports at least 1 GiB whatever it
uses. Where ``/proc`` is missing, ``ru_maxrss`` is all there is.

The peak counts the worker's children too: matcher solves a large LP or MILP in a
child process (``matcher.solver.sided``), whose memory is not the worker's. The
largest child's peak (``RUSAGE_CHILDREN``, once it has ended) is taken beside the
worker's own, the larger of the two: the most one process held (not their sum, what
the worker kept while its child ran is not added). The carry-over above inflates
nothing here: what a child carries is its parent's peak at its start, no more than
the parent's own.

Example:
    >>> with Phase() as ph:
    ...     _ = sum(range(1000))
    >>> ph.seconds >= 0 and ph.peak_rss_mb > 0
    True
"""

from __future__ import annotations

import os
import resource
import sys
import threading
import time
from types import TracebackType

__all__ = ["Phase", "max_rss_mb", "rss_mb"]

_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
_STATM = "/proc/self/statm"
_STATUS = "/proc/self/status"


def _maxrss_mb(who: int) -> float:
    kb = resource.getrusage(who).ru_maxrss
    return kb / 1024 / (1024 if sys.platform == "darwin" else 1)


def _own_max_rss_mb() -> float:
    """Peak RSS of this process image so far (MiB): since its ``exec``, not its parent's."""
    try:
        with open(_STATUS, encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        pass
    return _maxrss_mb(resource.RUSAGE_SELF)


def max_rss_mb() -> float:
    """Peak RSS so far (MiB) of this process image or of the largest child it has waited
    for, whichever is larger: a solver that runs in a child process is measured too."""
    return max(_own_max_rss_mb(), _maxrss_mb(resource.RUSAGE_CHILDREN))


def rss_mb() -> float:
    """Current RSS (MiB); the lifetime peak where ``/proc`` is missing."""
    try:
        with open(_STATM, "rb") as fh:
            return int(fh.read().split()[1]) * _PAGE / 2**20
    except OSError:
        return max_rss_mb()


class Phase:
    """Context manager: ``seconds``, ``start_rss_mb`` and sampled ``peak_rss_mb``."""

    def __init__(self, interval: float = 0.005) -> None:
        self.interval = interval
        self.seconds = 0.0
        self.start_rss_mb = 0.0
        self.peak_rss_mb = 0.0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def _sample(self) -> None:
        while not self._stop.wait(self.interval):
            self.peak_rss_mb = max(self.peak_rss_mb, rss_mb())

    def __enter__(self) -> Phase:
        self.start_rss_mb = self.peak_rss_mb = rss_mb()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        self._t0 = time.perf_counter()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.seconds = time.perf_counter() - self._t0
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        self.peak_rss_mb = max(self.peak_rss_mb, rss_mb())

    def record(self) -> dict[str, float]:
        return {
            "seconds": round(self.seconds, 4),
            "start_rss_mb": round(self.start_rss_mb, 1),
            "peak_rss_mb": round(self.peak_rss_mb, 1),
        }
