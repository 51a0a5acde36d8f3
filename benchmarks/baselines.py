"""Baselines: how posts get filled without an optimiser, under the same hard rules.

Every baseline picks from the same usable pairs as the solver (feasible,
scoring above 0) and respects the same capacities, headcounts and
one-slot-per-cadre-per-demand rule, so only the quality of the choice differs.

- :func:`manual_rule` — the dispatcher's rule: most urgent demand first, each
  slot takes the best available qualified cadre (highest skill fit, then
  nearest, then roster order). The rule is :func:`matcher.manual_rule`, the one
  the governance report replays; this runs it on the harness's problems.
- :func:`greedy` — take pairs in order of score, highest first.
- :func:`random_feasible` — take pairs in a seeded random order.
- :func:`stable_matching` — demand-proposing deferred acceptance; both sides
  rank by the same score (ties by roster order).

With one score ranking both sides, the stable matching is unique and equals
:func:`greedy` (a pair that is best for both of its ends is in every stable
matching; remove it and repeat). The harness runs both to show it.

Example:
    >>> import numpy as np
    >>> from benchmarks.problem import Problem
    >>> p = Problem.from_dense(np.array([[5.0, 4.0], [4.0, 0.5]]), np.ones((2, 2), bool),
    ...                        np.ones(2, np.int64), np.ones(2, np.int64))
    >>> greedy(p).rows.tolist(), greedy(p).cols.tolist()
    ([0, 1], [0, 1])
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from benchmarks.problem import Problem
from matcher import manual_rule as manual_choice
from matcher import take_in_order

__all__ = [
    "BASELINES",
    "Pairs",
    "blocking_pairs",
    "greedy",
    "manual_rule",
    "random_feasible",
    "stable_matching",
]


@dataclass(frozen=True)
class Pairs:
    """Chosen pairs as row/column index arrays and the edge ids they came from."""

    rows: npt.NDArray[np.int64]
    cols: npt.NDArray[np.int64]
    edges: npt.NDArray[np.int64]


def _take(p: Problem, order: npt.NDArray[np.int64]) -> Pairs:
    """Walk edges in ``order``; keep each whose cadre and demand still have room."""
    return _pairs(p, take_in_order(p.rows, p.cols, p.capacity, p.headcount, order))


def _pairs(p: Problem, edges: npt.NDArray[np.int64]) -> Pairs:
    edges = np.sort(edges)  # edges are stored sorted by (row, col)
    return Pairs(p.rows[edges], p.cols[edges], edges)


def manual_rule(p: Problem) -> Pairs:
    """Most urgent demand first; each slot takes the best available qualified cadre
    (:func:`matcher.manual_rule` on the problem's usable pairs)."""
    edges = manual_choice(p.rows, p.cols, p.priority, p.fit, p.km, p.capacity, p.headcount)
    return _pairs(p, edges)


def greedy(p: Problem) -> Pairs:
    """Highest score first (ties: lower row, then lower column)."""
    return _take(p, np.lexsort((p.cols, p.rows, -p.int_score())))


def random_feasible(p: Problem, seed: int = 0) -> Pairs:
    """A random maximal choice: usable pairs in a seeded random order."""
    return _take(p, np.random.default_rng(seed).permutation(p.n_edges))


def stable_matching(p: Problem) -> Pairs:
    """Demand-proposing deferred acceptance (many-to-many with quotas, one slot per pair).

    A demand with free slots proposes to the next cadre on its list (score
    high to low, ties by row); a cadre holds its best ``capacity`` offers
    (score high to low, ties by column) and releases the worst when a better
    one arrives.
    """
    s = p.int_score().tolist()
    rows, cols = p.rows.tolist(), p.cols.tolist()
    by_demand = np.lexsort((p.rows, -p.int_score(), p.cols))
    starts = np.searchsorted(p.cols[by_demand], np.arange(p.n_cols + 1)).tolist()
    lists = by_demand.tolist()
    nxt = starts[:-1]
    free = p.headcount.tolist()
    cap = p.capacity.tolist()
    held: list[list[tuple[int, int, int]]] = [[] for _ in range(p.n_rows)]
    queue = [j for j in range(p.n_cols) if free[j] > 0 and starts[j] < starts[j + 1]]
    while queue:
        j = queue.pop()
        end = starts[j + 1]
        while free[j] > 0 and nxt[j] < end:
            e = lists[nxt[j]]
            nxt[j] += 1
            i = rows[e]
            offer = (s[e], -j, e)  # the cadre's ranking: higher score, then lower column
            h = held[i]
            if len(h) < cap[i]:
                heapq.heappush(h, offer)
                free[j] -= 1
            elif h and offer > h[0]:
                worst = heapq.heapreplace(h, offer)
                free[j] -= 1
                loser = cols[worst[2]]
                free[loser] += 1
                if free[loser] == 1:
                    queue.append(loser)
    edges = np.array([e for h in held for (_, _, e) in h], dtype=np.int64)
    return _pairs(p, edges)


def blocking_pairs(p: Problem, pairs: Pairs) -> npt.NDArray[np.int64]:
    """Edge ids that block ``pairs`` under the score rankings of :func:`stable_matching`.

    An unchosen usable pair blocks when its demand has a free slot or ranks
    the cadre above its worst assigned one, and its cadre has spare capacity
    or ranks the demand above its worst assigned one.
    """
    s = p.int_score()
    key_d = s * (p.n_rows + 1) + (p.n_rows - p.rows)  # demand's view: higher is better
    key_c = s * (p.n_cols + 1) + (p.n_cols - p.cols)  # cadre's view
    chosen = np.zeros(p.n_edges, dtype=bool)
    chosen[pairs.edges] = True
    worst_d = np.full(p.n_cols, np.iinfo(np.int64).max)
    worst_c = np.full(p.n_rows, np.iinfo(np.int64).max)
    np.minimum.at(worst_d, p.cols[chosen], key_d[chosen])
    np.minimum.at(worst_c, p.rows[chosen], key_c[chosen])
    worst_d[np.bincount(p.cols[chosen], minlength=p.n_cols) < p.headcount] = -1
    worst_c[np.bincount(p.rows[chosen], minlength=p.n_rows) < p.capacity] = -1
    block = ~chosen & (key_d > worst_d[p.cols]) & (key_c > worst_c[p.rows])
    return np.flatnonzero(block).astype(np.int64)


BASELINES = {
    "manual-rule": manual_rule,
    "greedy": greedy,
    "random": random_feasible,
    "stable": stable_matching,
}
