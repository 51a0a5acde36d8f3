"""Pruned LP with a dual certificate: widening finds what pruning missed."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matcher.solver import SolverParams, forced_losses, is_optimal, lp, quantise, solve
from matcher.solver.groupbest import best_per_group
from matcher.solver.warm import WarmLP
from tests.reference import milp_optimum
from tests.strategies import bmatching

#: the pruned LP path even on tiny problems, with the smallest candidate sets
PRUNE = SolverParams(prune_above=0, lsa_max_cells=0, top_k=0)


def test_certificate_widens_a_pruning_that_misses_the_optimum() -> None:  # type: ignore[no-untyped-def]
    scores = np.array([[5.0, 0.0, 9.0], [0.0, 5.0, 8.0], [9.0, 9.0, 3.0]])
    usable = scores > 0
    one = np.ones(3, np.int64)
    gain = quantise(scores)
    first = lp._top_k(gain, usable, one, axis=1) | lp._top_k(gain, usable, one, axis=0)
    assert not first[1, 1], "the optimum needs (1, 1), which no first-round list holds"
    er, ec = np.nonzero(first)
    warm = WarmLP(one, one)
    warm.add(er, ec, gain[er, ec])
    picked, _, _ = warm.solve()
    assert gain[er[picked], ec[picked]].sum() / 1e6 == pytest.approx(18.0)
    a = solve(scores, usable, one, one, params=PRUNE)
    assert a.method == "lp" and solve(scores, usable, one, one).method == "lsa"
    assert a.objective == pytest.approx(23.0)
    assert (1, 1) in a.pairs() and a.row_dual is not None
    assert is_optimal(scores, usable, one, one, a)


# the fixture only patches constants, so sharing it across examples is intended
shared_fixture = settings(suppress_health_check=[HealthCheck.function_scoped_fixture])


@shared_fixture
@given(case=bmatching(max_n=12, max_m=10, max_cap=3))
def test_pruned_path_is_exact_and_certified(case) -> None:  # type: ignore[no-untyped-def]
    scores, feasible, capacity, headcount = case
    a = solve(scores, feasible, capacity, headcount, params=PRUNE)
    assert a.objective == pytest.approx(
        milp_optimum(scores, feasible, capacity, headcount), abs=1e-6
    )
    assert is_optimal(scores, feasible, capacity, headcount, a)
    assert a.method in ("lp", "empty")


@shared_fixture
@given(case=bmatching(max_n=6, max_m=5))
def test_dual_potentials_price_alternates_exactly(case) -> None:  # type: ignore[no-untyped-def]
    scores, feasible, capacity, headcount = case
    a = solve(scores, feasible, capacity, headcount, params=PRUNE)
    loss = forced_losses(scores, feasible, capacity, headcount, a, np.arange(scores.shape[1]))
    for k, j in zip(*np.nonzero(np.isfinite(loss)), strict=True):
        pin = np.zeros(scores.shape, bool)
        pin[k, j] = True
        again = solve(scores, feasible, capacity, headcount, pinned=pin, params=PRUNE)
        assert loss[k, j] == pytest.approx(a.objective - again.objective, abs=1e-9)


@shared_fixture
@given(case=bmatching(max_n=12, max_m=8, max_cap=2, density=0.9))
def test_best_k_pricing_returns_the_same_smallest_losses(case) -> None:  # type: ignore[no-untyped-def]
    scores, feasible, capacity, headcount = case
    a = solve(scores, feasible, capacity, headcount, params=PRUNE)
    cols = np.arange(scores.shape[1])
    full = forced_losses(scores, feasible, capacity, headcount, a, cols)
    for best in (1, 3):
        quick = forced_losses(scores, feasible, capacity, headcount, a, cols, best=best)
        for c in cols:
            want = np.sort(full[:, c])[:best]
            got = np.sort(quick[:, c])[:best]
            assert np.allclose(got, want, atol=1e-9, equal_nan=False) or np.array_equal(got, want)


@pytest.mark.parametrize("pick", [lp.best_in_groups, best_per_group], ids=["numpy", "compiled"])
@given(
    groups=st.lists(st.integers(0, 6), min_size=1, max_size=60),
    data=st.data(),
    k=st.integers(1, 5),
)
def test_best_per_group_keeps_each_groups_k_best_earliest_first_on_ties(
    pick, groups, data, k
) -> None:  # type: ignore[no-untyped-def]
    group = np.array(groups)
    value = np.array(
        data.draw(
            st.lists(
                st.sampled_from([-np.inf, -1.0, 0.0, 2.0, 5.0]),
                min_size=group.size,
                max_size=group.size,
            )
        )
    )
    got = pick(group, value, k)
    # the reference: a stable sort by group, then by value, best first
    order = np.lexsort((-value, group))
    g = group[order]
    first = np.r_[0, np.flatnonzero(g[1:] != g[:-1]) + 1]
    rank = np.arange(g.size) - np.repeat(first, np.diff(np.r_[first, g.size]))
    want = np.zeros(group.size, bool)
    want[order[rank < k]] = True
    assert np.array_equal(got, want)


def test_a_big_round_takes_the_compiled_pass_and_picks_the_same() -> None:
    """Past ``COMPILED_ABOVE`` entries the compiled pass answers, with the same picks."""
    rng = np.random.default_rng(7)
    n = lp.COMPILED_ABOVE + 1
    group = rng.integers(0, 500, n)
    value = rng.integers(0, 20, n).astype(np.float64)  # many ties
    got = lp.best_in_groups(group, value, 4)
    order = np.lexsort((-value, group))
    g = group[order]
    first = np.r_[0, np.flatnonzero(g[1:] != g[:-1]) + 1]
    rank = np.arange(g.size) - np.repeat(first, np.diff(np.r_[first, g.size]))
    want = np.zeros(n, bool)
    want[order[rank < 4]] = True
    assert np.array_equal(got, want)
