"""Load the compiled kernels before the first big proposal needs them.

Why: the streamed engine's loops are compiled. From the module built ahead of
time (:mod:`matcher.warm.build`) they load in milliseconds; without it numba
loads them from its disk cache on first use (most of it numba's own start-up),
or compiles them when the cache is missing (a fresh install; docs/scale.md has
the times). A long-lived service pays that once at start-up instead of in
its first dispatcher's request, and the benchmark harness pays it before the
clock starts, as the peers import their compiled libraries before theirs.

Example:
    >>> seconds = load_kernels()  # once per process; later calls return 0.0
    >>> load_kernels()
    0.0
"""

from __future__ import annotations

import threading
import time

import numpy as np

from matcher.paths import SAMPLE_DISTRICT

__all__ = ["load_kernels"]

_lock = threading.Lock()
_loaded = False


def load_kernels() -> float:
    """Run small streamed proposals on the bundled sample district, a cold one
    and a warm one after a decline and a dispatch, so every kernel a proposal or
    a warm re-proposal uses is loaded; returns the seconds it took (0.0 once
    done, or when the sample is not installed)."""
    global _loaded
    with _lock:
        if _loaded or not (SAMPLE_DISTRICT / "demands.csv").is_file():
            return 0.0
        from matcher.io import load_case
        from matcher.solver.groupbest import best_per_group
        from matcher.warm.proposals import WarmProposals

        start = time.perf_counter()
        case = load_case(SAMPLE_DISTRICT)
        warm = WarmProposals(engine="streamed")
        # with the collector on, unlike a proposal (matcher.gcpause): numba's
        # compiler makes many reference cycles, and a first compile with it
        # paused peaks far higher (docs/scale.md)
        propose = WarmProposals.propose.__wrapped__  # type: ignore[attr-defined]
        first = propose(warm, case).assignments
        if len(first) > 1:
            declined, dispatched = first[0], first[-1]
            propose(
                warm,
                case,
                excluded=[(declined.cadre, declined.demand)],
                used_capacity={dispatched.cadre: 1},
            )
        # a city's first widening rounds pick their pairs by a compiled pass the
        # sample's small rounds never need (matcher.solver.lp.best_in_groups)
        best_per_group(np.zeros(1, np.intp), np.zeros(1), 1)
        _loaded = True
        return time.perf_counter() - start
