"""Fairness indices and the gap, on vectors whose values are known by hand."""

from __future__ import annotations

import numpy as np
import pytest

from benchmarks.metrics import evaluate, gap, gini, jain
from benchmarks.problem import Problem


def test_jain_of_known_vectors() -> None:
    assert jain([1, 2, 3, 4]) == pytest.approx(100 / 120)  # (Σx)² / (n Σx²) = 10² / (4·30)
    assert jain([2, 2, 2]) == 1.0
    assert jain([5, 0, 0, 0, 0]) == pytest.approx(1 / 5)
    assert jain([]) == 1.0 and jain([0, 0]) == 1.0


def test_gini_of_known_vectors() -> None:
    assert gini([1, 2, 3, 4]) == pytest.approx(0.25)  # Σ(2k-n-1)x / (n Σx) = 10 / 40
    assert gini([3, 3, 3]) == 0.0
    assert gini([0, 0, 0, 0, 10]) == pytest.approx(0.8)  # (n-1)/n
    assert gini([4, 1, 3, 2]) == gini([1, 2, 3, 4])


def test_gap() -> None:
    assert gap(116.0, 70.0) == pytest.approx(46 / 116)
    assert gap(50.0, 50.0) == 0.0
    assert gap(0.0, 0.0) == 0.0


def test_evaluate_counts_fill_travel_and_categories() -> None:
    s = np.array([[10.0, 5.0], [8.0, 0.0]])
    p = Problem.from_dense(
        s,
        s > 0,
        np.array([1, 1]),
        np.array([2, 1]),
        km=np.array([[1.0, 3.0], [2.0, 0.0]]),
        fit=np.array([[1.0, 0.5], [0.8, 0.0]]),
        priority=np.array([5.0, 1.0]),
        category=("emergency", "party"),
    )
    edges = np.array([0, 2])  # (0,0) and (1,0): demand 0 full, demand 1 empty
    m = evaluate(p, edges, optimum=18.0)
    assert m["objective"] == 18.0 and m["gap"] == 0.0
    assert (m["slots_filled"], m["slots_total"]) == (2, 3)
    assert m["priority_weighted_fill"] == pytest.approx(10 / 11)
    assert m["mean_skill_fit"] == pytest.approx(0.9)
    assert m["travel_mean_km"] == pytest.approx(1.5)
    assert m["unfilled_by_category"] == {"party": 1}
    assert m["load_jain"] == 1.0 and m["load_gini"] == 0.0
    assert m["violations"] == {"duplicate_pairs": 0, "over_capacity": 0, "over_headcount": 0}
