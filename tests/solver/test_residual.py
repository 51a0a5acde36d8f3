"""The certificate and the exact price of forcing a pair, checked by re-solving."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given

from matcher.solver import Assignment, forced_losses, is_optimal, solve
from tests.strategies import bmatching


@given(bmatching(max_n=7, max_m=7))
def test_solutions_are_certified(case) -> None:  # type: ignore[no-untyped-def]
    assert is_optimal(*case, solve(*case))


def test_a_suboptimal_plan_fails_the_certificate() -> None:
    scores = np.array([[3.0, 2.0], [2.0, 0.5]])
    f = np.ones((2, 2), bool)
    one = np.array([1, 1])
    worse = Assignment(np.array([0, 1]), np.array([0, 1]), 3.5, "hand")
    assert not is_optimal(scores, f, one, one, worse)
    empty = Assignment(np.array([], np.intp), np.array([], np.intp), 0.0, "hand")
    assert not is_optimal(scores, f, one, one, empty)


@given(bmatching(max_n=6, max_m=5))
def test_forced_loss_equals_a_pinned_resolve(case) -> None:  # type: ignore[no-untyped-def]
    scores, feasible, capacity, headcount = case
    a = solve(*case)
    m = scores.shape[1]
    loss = forced_losses(scores, feasible, capacity, headcount, a, np.arange(m))
    chosen = set(a.pairs())
    for k in range(scores.shape[0]):
        for j in range(m):
            pin = np.zeros(scores.shape, bool)
            pin[k, j] = True
            possible = feasible[k, j] and (k, j) not in chosen and capacity[k] and headcount[j]
            if not possible:
                assert np.isinf(loss[k, j])
                continue
            again = solve(scores, feasible, capacity, headcount, pinned=pin)
            assert loss[k, j] == pytest.approx(a.objective - again.objective, abs=1e-9)
