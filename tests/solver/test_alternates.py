"""Edge-list alternates: the backward probes change how the searches go, never what they find.

The oracle re-solves with each pair pinned (the definition of a forced loss)
and shares no code with :mod:`matcher.solver.alternates`.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from matcher.solver import SolverParams, quantise, solve
from matcher.solver.alternates import edge_alternates
from matcher.solver.assign import SCALE
from tests.strategies import bmatching

PRUNE = SolverParams(prune_above=0, lsa_max_cells=0, top_k=0)
#: (pause, probe): probes from the first settled node, with tiny to ample budgets
TUNINGS = [(1, 1), (1, 2), (2, 5), (1, 10_000), (10**9, 1)]


def _plan(scores: np.ndarray, usable: np.ndarray, cap: np.ndarray, head: np.ndarray):  # type: ignore[no-untyped-def]
    a = solve(scores, usable, cap, head, params=PRUNE)
    assert a.row_dual is not None and a.col_dual is not None
    er, ec = np.nonzero(usable)
    chosen = np.zeros(er.size, bool)
    picked = set(a.pairs())
    pairs = zip(er.tolist(), ec.tolist(), strict=True)
    chosen[[i for i, p in enumerate(pairs) if p in picked]] = True
    return a, er, ec, chosen


def _alternates(scores, usable, cap, head, best, below, pause, probe):  # type: ignore[no-untyped-def]
    a, er, ec, chosen = _plan(scores, usable, cap, head)
    cols = np.unique(a.cols)
    return edge_alternates(
        er,
        ec,
        quantise(scores)[er, ec],
        chosen,
        a.row_dual,
        a.col_dual,
        cap,
        head,
        cols,
        best,
        below * SCALE,
        1,
        pause=pause,
        probe=probe,
    )


def _oracle(scores, usable, cap, head, best, below):  # type: ignore[no-untyped-def]
    """Each filled column's ``best`` smallest forced losses (and ties), by re-solving."""
    a = solve(scores, usable, cap, head, params=PRUNE)
    out: dict[int, list[tuple[int, float]]] = {}
    picked = set(a.pairs())
    for j in np.unique(a.cols).tolist():
        found = []
        for k in np.flatnonzero(usable[:, j]).tolist():
            if (k, j) in picked:
                continue
            pin = np.zeros(usable.shape, bool)
            pin[k, j] = True
            try:
                again = solve(scores, usable, cap, head, pinned=pin, params=PRUNE)
            except Exception:  # no plan holds this pair: no alternate
                continue
            if (k, j) not in set(again.pairs()):
                continue
            loss = round(a.objective - again.objective, 6)
            if loss < below:
                found.append((loss, k))
        found.sort()
        if found:
            last = found[min(best, len(found)) - 1][0]
            found = [f for f in found if f[0] <= last]
        out[j] = [(k, loss) for loss, k in found]
    return out


Alternates = dict[int, list[tuple[int, float]]]


def _same(got: Alternates, want: Alternates) -> None:
    assert set(got) == set(want)
    for j, alts in want.items():
        assert [k for k, _ in got[j]] == [k for k, _ in alts], j
        assert [x for _, x in got[j]] == pytest.approx([x for _, x in alts], abs=1e-9), j


@given(
    case=bmatching(max_n=9, max_m=7, max_cap=2, density=0.8),
    best=st.sampled_from([1, 2, 3]),
    below=st.sampled_from([np.inf, 3.0, 0.5]),
    tuning=st.sampled_from(TUNINGS),
)
def test_probed_searches_find_exactly_the_forced_losses(case, best, below, tuning) -> None:  # type: ignore[no-untyped-def]
    scores, feasible, cap, head = case
    usable = feasible & (scores > 0)
    if not usable.any():
        return
    got = _alternates(scores, usable, cap, head, best, below, *tuning)
    _same(got, _oracle(scores, usable, cap, head, best, below))


@pytest.mark.parametrize("seed", range(6))
def test_probes_give_what_the_plain_search_gives_on_bigger_tie_heavy_pools(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n, m = 70, 45
    scores = rng.integers(1, 5, (n, m)).astype(float) + rng.choice([0.0, 0.25], (n, m))
    usable = rng.random((n, m)) < 0.3
    cap = rng.integers(0, 4, n)
    head = rng.integers(1, 3, m)
    plain = _alternates(scores, usable, cap, head, 3, 3.0, 10**9, 1)
    assert any(len(v) >= 3 for v in plain.values())
    for pause, probe in TUNINGS[:-1]:
        assert _alternates(scores, usable, cap, head, 3, 3.0, pause, probe) == plain
