"""Fairness indices and the gap, on vectors whose values are known by hand."""

from __future__ import annotations

from pathlib import Path

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


def _two_demands(hours: list[float] | None) -> Problem:
    # cadre 2 scores 0 everywhere: it has no usable pair, so it could not serve
    s = np.array([[10.0, 5.0], [8.0, 4.0], [0.0, 0.0]])
    return Problem.from_dense(
        s,
        np.ones(s.shape, bool),
        np.array([2, 1, 1]),
        np.array([2, 1]),
        hours=None if hours is None else np.array(hours),
    )


def test_share_used_counts_only_cadres_who_could_serve() -> None:
    p = _two_demands(None)  # edges by row: (0,0)=0 (0,1)=1 (1,0)=2 (1,1)=3
    one = evaluate(p, np.array([0]))
    assert (one["cadres_used"], one["cadres_able"], one["used_share"]) == (1, 2, 0.5)
    both = evaluate(p, np.array([0, 3]))
    assert (both["cadres_used"], both["cadres_able"], both["used_share"]) == (2, 2, 1.0)
    assert "hours_jain" not in both and "hours_gini" not in both  # the instance gives none


def test_hours_spread_weighs_each_slot_by_its_demand_hours() -> None:
    p = _two_demands([3.0, 1.0])
    m = evaluate(p, np.array([0, 3]))  # cadre 0 takes demand 0 (3 h), cadre 1 demand 1 (1 h)
    assert m["load_jain"] == 1.0 and m["load_gini"] == 0.0  # one slot each
    assert m["hours_total"] == 4.0
    assert m["hours_jain"] == pytest.approx(0.8)  # (3+1)² / (2·(9+1))
    assert m["hours_gini"] == pytest.approx(0.25)  # (−1·1 + 1·3) / (2·4)
    m = evaluate(p, np.array([0, 1]))  # cadre 0 takes both: 4 h; cadre 1 none
    assert m["hours_jain"] == pytest.approx(0.5) and m["hours_gini"] == pytest.approx(0.5)
    assert m["used_share"] == 0.5


def test_hours_survive_a_save_and_an_older_file_loads_without_them(tmp_path: Path) -> None:
    p = _two_demands([3.0, 1.0])
    p.save(tmp_path / "p.npz")
    assert Problem.load(tmp_path / "p.npz").hours.tolist() == [3.0, 1.0]
    with np.load(tmp_path / "p.npz") as z:
        old = {k: z[k] for k in z.files if k != "hours"}
    np.savez(tmp_path / "old.npz", **old)
    assert Problem.load(tmp_path / "old.npz").hours.size == 0
