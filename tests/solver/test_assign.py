"""Solver invariants: validity, exact optimality, permutation invariance, pins, edge cases."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from matcher.errors import SolverError
from matcher.solver import Assignment, solve
from tests.reference import brute_force, milp_optimum
from tests.strategies import bmatching


def assert_valid(a: Assignment, scores, feasible, capacity, headcount) -> None:  # type: ignore[no-untyped-def]
    pairs = a.pairs()
    assert len(set(pairs)) == len(pairs), "a pair chosen twice"
    assert all(feasible[i, j] for i, j in pairs), "an infeasible pair was chosen"
    n, m = scores.shape
    assert (np.bincount(a.rows, minlength=n) <= capacity).all()
    assert (np.bincount(a.cols, minlength=m) <= headcount).all()
    assert a.objective == pytest.approx(sum(scores[i, j] for i, j in pairs), abs=1e-9)


@given(bmatching(max_n=4, max_m=4, max_cap=2, density=0.5))
def test_matches_brute_force_on_tiny_cases(case) -> None:  # type: ignore[no-untyped-def]
    scores, feasible, capacity, headcount = case
    if feasible.sum() > 10:
        feasible = feasible & (np.arange(feasible.size).reshape(feasible.shape) % 2 == 0)
    a = solve(scores, feasible, capacity, headcount)
    assert_valid(a, scores, feasible, capacity, headcount)
    assert a.objective == pytest.approx(
        brute_force(scores, feasible, capacity, headcount), abs=1e-9
    )


@given(bmatching(max_n=14, max_m=12, max_cap=3))
def test_matches_independent_milp(case) -> None:  # type: ignore[no-untyped-def]
    scores, feasible, capacity, headcount = case
    a = solve(scores, feasible, capacity, headcount)
    assert_valid(a, scores, feasible, capacity, headcount)
    assert a.objective == pytest.approx(
        milp_optimum(scores, feasible, capacity, headcount), abs=1e-6
    )


@given(bmatching(max_n=10, max_m=10), st.randoms(use_true_random=False))
def test_invariant_under_reordering(case, rnd) -> None:  # type: ignore[no-untyped-def]
    scores, feasible, capacity, headcount = case
    n, m = scores.shape
    pr, pc = list(range(n)), list(range(m))
    rnd.shuffle(pr)
    rnd.shuffle(pc)
    a = solve(scores, feasible, capacity, headcount)
    b = solve(scores[np.ix_(pr, pc)], feasible[np.ix_(pr, pc)], capacity[pr], headcount[pc])
    assert b.objective == pytest.approx(a.objective, abs=1e-9)


@given(bmatching(max_n=8, max_m=8), st.integers(0, 2**16))
def test_pins_are_kept_and_rest_is_optimal(case, seed) -> None:  # type: ignore[no-untyped-def]
    scores, feasible, capacity, headcount = case
    rng = np.random.default_rng(seed)
    pin = np.zeros(scores.shape, bool)
    for i, j in zip(*np.nonzero(feasible), strict=True):
        if rng.random() < 0.3 and pin[i].sum() < capacity[i] and pin[:, j].sum() < headcount[j]:
            pin[i, j] = True
    a = solve(scores, feasible, capacity, headcount, pinned=pin)
    assert_valid(a, scores, feasible, capacity, headcount)
    chosen = set(a.pairs())
    assert all((int(i), int(j)) in chosen for i, j in zip(*np.nonzero(pin), strict=True))
    rest = solve(scores, feasible & ~pin, capacity - pin.sum(1), headcount - pin.sum(0))
    assert a.objective == pytest.approx(rest.objective + scores[pin].sum(), abs=1e-9)


def test_capacity_and_headcount_above_one_use_the_lp_and_stay_exact() -> None:
    scores = np.array([[5.0, 4.0, 1.0], [4.0, 4.0, 0.5], [1.0, 1.0, 1.0]])
    a = solve(scores, np.ones((3, 3), bool), np.array([2, 2, 1]), np.array([2, 2, 1]))
    assert a.method == "lp"
    assert a.objective == pytest.approx(
        milp_optimum(scores, np.ones((3, 3), bool), np.array([2, 2, 1]), np.array([2, 2, 1]))
    )
    # each cadre at most once per demand even though both have room for two
    assert len(set(a.pairs())) == len(a.pairs())


@pytest.mark.parametrize("shape", [(0, 0), (0, 4), (4, 0), (3, 7), (7, 3)])
def test_empty_and_rectangular_never_raise(shape) -> None:  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(0)
    scores = rng.random(shape)
    a = solve(scores, np.ones(shape, bool), np.ones(shape[0], int), np.ones(shape[1], int))
    assert len(a) == min(shape)


def test_all_infeasible_or_nonpositive_gives_empty_plan() -> None:
    scores = np.array([[-1.0, 0.0], [5.0, 2.0]])
    feasible = np.array([[True, True], [False, False]])
    a = solve(scores, feasible, np.array([1, 1]), np.array([1, 1]))
    assert len(a) == 0 and a.objective == 0.0


def test_bad_shapes_and_values_raise_solver_error() -> None:
    with pytest.raises(SolverError, match="shape"):
        solve(np.zeros((2, 2)), np.ones((2, 3), bool), np.ones(2, int), np.ones(2, int))
    with pytest.raises(SolverError, match="finite"):
        solve(np.array([[np.nan]]), np.ones((1, 1), bool), np.ones(1, int), np.ones(1, int))
    with pytest.raises(SolverError, match=">= 0"):
        solve(np.zeros((1, 1)), np.ones((1, 1), bool), np.array([-1]), np.ones(1, int))
    with pytest.raises(SolverError, match="pinned"):
        solve(
            np.ones((1, 2)),
            np.ones((1, 2), bool),
            np.array([1]),
            np.ones(2, int),
            pinned=np.ones((1, 2), bool),
        )
