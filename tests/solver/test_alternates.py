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
#: (pause, probe): probes from the first settled node, with tiny to ample
#: budgets, and later ones that meet a search already some way out (its radius
#: counts towards the probe's: a probe trusting too much of it stops short)
TUNINGS = [(1, 1), (1, 2), (2, 5), (1, 10_000), (3, 10_000), (6, 2), (20, 10_000), (10**9, 1)]


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


def _backward_csr(n: int, src: np.ndarray, dst: np.ndarray, w: np.ndarray):  # type: ignore[no-untyped-def]
    """The reversed arcs as CSR: per node, the nodes with an arc into it."""
    order = np.argsort(dst, kind="stable")
    ptr = np.zeros(n + 1, np.int64)
    np.cumsum(np.bincount(dst, minlength=n), out=ptr[1:])
    return ptr, src[order].astype(np.int64), w[order].astype(np.float64)


@pytest.mark.parametrize("seed", range(12))
def test_a_probe_meeting_the_search_never_claims_more_than_the_true_distance(seed: int) -> None:
    """The probe's contract, checked against a plain Dijkstra: its ``mu`` is a
    real path, ``min(mu, low)`` a lower bound, and a row it calls decided is
    exact or past the radius, for forward searches stopped at any radius."""
    from matcher.solver.alternates import _probe

    rng = np.random.default_rng(seed)
    for _ in range(60):
        n = int(rng.integers(3, 60))
        n_arcs = int(rng.integers(n, 3 * n))
        src, dst = rng.integers(0, n, n_arcs), rng.integers(0, n, n_arcs)
        keep = src != dst
        src, dst = src[keep], dst[keep]
        w = rng.choice([0, 1, 2, 3, 5, 8], src.size).astype(float)
        dense = np.full((n, n), np.inf)
        np.minimum.at(dense, (src, dst), w)
        j, k = 0, int(rng.integers(1, n))
        true = _dijkstra(dense, j)
        f_rad = float(rng.choice(np.append(true[np.isfinite(true)], 0.0)))
        # the forward search from j stopped at f_rad: exact inside (j itself
        # always), the arcs out of the inside relaxed, some paths longer still
        inside = true < f_rad
        inside[j] = True
        frontier = np.where(inside[:, None], true[:, None] + dense, np.inf).min(axis=0)
        f_dist = np.where(inside, true, frontier + rng.choice([0.0, 0.0, 2.0], n))
        radius = float(rng.integers(1, 40)) + 0.5
        budget = int(rng.choice([1, 2, 4, 1000]))
        ptr, back_src, back_w = _backward_csr(n, src, dst, w)
        dist, done = np.full(n, np.inf), np.zeros(n, np.bool_)
        touched = np.empty(n, np.int64)
        mu, low, used, _, _ = _probe(
            ptr, back_src, back_w, k, radius, dist, done, touched,
            np.empty(4), np.empty(4, np.int64), budget, f_dist, f_rad,
        )  # fmt: skip
        assert used <= budget
        assert np.isinf(dist).all() and not done.any()  # scratch left clean
        assert mu >= true[k]  # a real path
        assert min(mu, low) <= true[k]
        if low >= min(mu, radius):
            assert mu == true[k] or true[k] >= radius


def _dijkstra(dense: np.ndarray, j: int) -> np.ndarray:
    """Distances from ``j`` on a dense weight matrix (``inf``: no arc)."""
    n = dense.shape[0]
    dist, done = np.full(n, np.inf), np.zeros(n, bool)
    dist[j] = 0.0
    for _ in range(n):
        x = int(np.argmin(np.where(done, np.inf, dist)))
        if done[x] or np.isinf(dist[x]):
            break
        done[x] = True
        dist = np.minimum(dist, dist[x] + dense[x])
    return dist


def test_a_probe_counts_only_the_radius_the_search_has_covered() -> None:
    """j → a → b → c → k costs 4, the direct arc j → k 5; the search has
    settled j and a (radius 2). The probe from k must meet the chain at b,
    not stop at c believing the direct arc is shortest."""
    from matcher.solver.alternates import _probe

    src, dst = np.array([0, 1, 2, 3, 0]), np.array([1, 2, 3, 4, 4])
    ptr, back_src, back_w = _backward_csr(5, src, dst, np.array([1.0, 1, 1, 1, 5]))
    f_dist = np.array([0.0, 1.0, 2.0, np.inf, 5.0])
    dist, done = np.full(5, np.inf), np.zeros(5, np.bool_)
    mu, low, _, _, _ = _probe(
        ptr, back_src, back_w, 4, 10.5, dist, done, np.empty(5, np.int64),
        np.empty(4), np.empty(4, np.int64), 1000, f_dist, 2.0,
    )  # fmt: skip
    assert mu == 4.0 and low >= mu
