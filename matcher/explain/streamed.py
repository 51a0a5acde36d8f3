"""Why demands stay unfilled in a big pool: counted one block of demands at a time.

Why: a streamed proposal never holds a score matrix, so its reasons are counted
by the compiled pass of :mod:`matcher.explain.counts` over every cadre, for a
block of unfilled demands at a time, two blocks in parallel.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import numpy.typing as npt

from matcher.explain.reasons import Wording, unfilled_from_counts
from matcher.messages import labels_for
from matcher.params import DEFAULT, EngineParams
from matcher.proposal import Unfilled
from matcher.scoring import Scorer
from matcher.solver.keys import pair_keys

__all__ = ["explain_streamed"]

IntArray = npt.NDArray[np.int64]
IndexArray = npt.NDArray[np.intp]
Step = Callable[[str, float | None], None]


def explain_streamed(
    scorer: Scorer,
    cap: IntArray,
    head: IntArray,
    banned: IntArray,
    rows: IndexArray,
    cols: IndexArray,
    step: Step,
    params: EngineParams = DEFAULT,
) -> list[Unfilled]:
    """Why each demand keeps empty slots, counted over all cadres one block of
    unfilled demands at a time. ``rows``/``cols`` is the whole plan, pins included."""
    # the compiled pass loads on use: a dense proposal counts its reasons in numpy
    from matcher.explain.counts import explain_counts, per_demand
    from matcher.explain.verdicts import verdicts
    from matcher.stream.packed import Packed

    case = scorer.case
    n, m = scorer.n, scorer.m
    filled = np.bincount(cols, minlength=m)
    load = np.bincount(rows, minlength=n)
    prio = np.array([d.priority for d in case.demands], dtype=np.float64)
    top = np.full(n, -np.inf)
    np.maximum.at(top, rows, prio[cols])
    open_cols = np.flatnonzero(filled < head)
    packed = Packed(scorer)
    chosen = per_demand(pair_keys(rows, cols), m)
    bans = per_demand(banned, m)
    per = max(1, params.explain_cells // max(n, 1))
    parts = [open_cols[s : s + per] for s in range(0, open_cols.size, per)]
    judged = verdicts(packed, open_cols)  # the keys' verdicts, shared by every block
    out: list[Unfilled] = []
    wording = Wording(labels_for(case))
    # the counting loop lets go of the GIL: two blocks of demands at a time
    with ThreadPoolExecutor(max_workers=params.workers) as pool:
        jobs = [
            pool.submit(explain_counts, packed, c, cap, load, top, prio, chosen, bans, judged)
            for c in parts
        ]
        try:
            for k, (c, job) in enumerate(zip(parts, jobs, strict=True)):
                step("explaining", k / len(parts))
                out.extend(unfilled_from_counts(case, c, (head - filled)[c], job.result(), wording))
        except BaseException:
            pool.shutdown(cancel_futures=True)  # a cancel stops after the blocks under way
            raise
    return out
