"""Peers agree with the solver core where their model is exact; a missing one is skipped."""

from __future__ import annotations

import numpy as np
import pytest

from benchmarks import peers
from benchmarks.peers import SOLVERS, Skipped, run_solver
from benchmarks.problem import Problem
from tests.benchmarks.problems import random_problem


def unit_problem(seed: int) -> Problem:
    rng = np.random.default_rng(seed)
    s = rng.integers(1, 50, size=(12, 9)).astype(float)
    return Problem.from_dense(
        s, rng.random((12, 9)) < 0.5, np.ones(12, np.int64), np.ones(9, np.int64)
    )


@pytest.mark.parametrize("seed", range(4))
def test_exact_models_reach_the_same_optimum(seed: int) -> None:
    p = random_problem(seed)
    objs = {}
    for name in ("matcher", "ortools-mcf"):
        try:
            objs[name] = round(float(p.score[run_solver(name, p).edges].sum()), 6)
        except Skipped:
            continue
    assert len(set(objs.values())) == 1


@pytest.mark.parametrize("seed", range(3))
def test_assignment_peers_are_exact_when_capacities_are_one(seed: int) -> None:
    p = unit_problem(seed)
    want = float(p.score[run_solver("matcher", p).edges].sum())
    for name in SOLVERS:
        try:
            got = run_solver(name, p)
        except Skipped:
            continue
        assert float(p.score[got.edges].sum()) == pytest.approx(want), name


def test_slot_expansion_reports_duplicates() -> None:
    # cadre 0 (capacity 2) and demand 0 (headcount 2) both get two copies; the
    # expansion's best is both copies of cadre 0 on both slots of demand 0 (10),
    # which breaks the one-slot-per-pair rule; the true optimum is 5 + 1 + 1 = 7
    s = np.array([[5.0, 1.0], [1.0, 0.0]])
    p = Problem.from_dense(s, s > 0, np.array([2, 1]), np.array([2, 1]))
    out = run_solver("scipy-lsa", p)
    assert out.info["duplicates"] == 1 and out.info["raw_objective"] == 10.0
    assert out.edges.tolist() == [0]  # after dropping the duplicate: 5, below the optimum
    assert float(p.score[run_solver("matcher", p).edges].sum()) == 7.0


def test_missing_peer_is_skipped_with_a_note(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(peers, "available", lambda module: False)
    with pytest.raises(Skipped, match="not installed"):
        run_solver("lap-lapjv", unit_problem(0))


def test_oversized_dense_input_is_skipped() -> None:
    with pytest.raises(Skipped, match="GiB"):
        run_solver("scipy-lsa", unit_problem(0), max_bytes=8)
