"""Baselines keep the hard rules; the manual rule loses where it is known to; DA is stable."""

from __future__ import annotations

import numpy as np
import pytest

from benchmarks.baselines import (
    BASELINES,
    blocking_pairs,
    greedy,
    manual_rule,
    random_feasible,
    stable_matching,
)
from benchmarks.metrics import evaluate, gap, violations
from benchmarks.peers import run_solver
from benchmarks.problem import Problem
from tests.benchmarks.problems import random_problem


def trap() -> Problem:
    """Cadre A suits both demands, B only the urgent one, and A fits the urgent one better.

    The manual rule gives the urgent demand its best-fitting cadre (A) and
    leaves the other demand empty; the optimum sends B to the urgent demand
    and A to the other.
    """
    scores = np.array([[70.0, 48.0], [68.0, 0.0]])  # rows A, B; columns urgent, routine
    feasible = np.array([[True, True], [True, False]])
    fit = np.array([[1.0, 0.9], [0.9, 0.0]])
    return Problem.from_dense(
        scores, feasible, np.array([1, 1]), np.array([1, 1]), fit=fit, priority=np.array([5.0, 3.0])
    )


def test_manual_rule_is_suboptimal_on_the_trap_and_matcher_beats_it_by_the_gap() -> None:
    p = trap()
    manual = manual_rule(p)
    assert list(zip(manual.rows.tolist(), manual.cols.tolist(), strict=True)) == [(0, 0)]
    best = run_solver("matcher", p)
    assert sorted(zip(p.rows[best.edges].tolist(), p.cols[best.edges].tolist(), strict=True)) == [
        (0, 1),
        (1, 0),
    ]
    optimum = float(p.score[best.edges].sum())
    assert optimum == 116.0
    m = evaluate(p, manual.edges, optimum)
    assert m["objective"] == 70.0
    assert m["gap"] == pytest.approx((116 - 70) / 116)
    assert m["gap"] == pytest.approx(gap(optimum, 70.0))
    assert m["slots_filled"] == 1


@pytest.mark.parametrize("seed", range(8))
def test_every_baseline_keeps_the_hard_rules_and_none_beats_the_optimum(seed: int) -> None:
    p = random_problem(seed)
    opt = float(p.score[run_solver("matcher", p).edges].sum())
    for name, fn in BASELINES.items():
        pairs = fn(p)
        assert violations(p, pairs.edges) == {
            "duplicate_pairs": 0,
            "over_capacity": 0,
            "over_headcount": 0,
        }, name
        assert float(p.score[pairs.edges].sum()) <= opt + 1e-9, name


def test_stable_matching_is_stable_on_a_small_case() -> None:
    # two demands want the same strong cadre; the weaker demand must be rejected and move on
    s = np.array([[9.0, 8.0], [5.0, 1.0], [0.0, 4.0]])
    p = Problem.from_dense(s, s > 0, np.array([1, 1, 1]), np.array([1, 1]))
    st = stable_matching(p)
    assert sorted(zip(st.rows.tolist(), st.cols.tolist(), strict=True)) == [(0, 0), (2, 1)]
    assert blocking_pairs(p, st).size == 0
    # the optimum (0→1, 1→0: 13) is not stable: cadre 0 and demand 0 both prefer each other
    opt = run_solver("matcher", p)
    assert blocking_pairs(p, type(st)(p.rows[opt.edges], p.cols[opt.edges], opt.edges)).size


@pytest.mark.parametrize("seed", range(6))
def test_stable_matching_has_no_blocking_pair_and_equals_greedy(seed: int) -> None:
    p = random_problem(seed, n=40, m=15)
    st = stable_matching(p)
    assert blocking_pairs(p, st).size == 0
    assert st.edges.tolist() == greedy(p).edges.tolist()


def test_random_baseline_is_seeded() -> None:
    p = random_problem(3)
    assert random_feasible(p, 7).edges.tolist() == random_feasible(p, 7).edges.tolist()
