"""The home-first bonus: w × [home = demand's community], a pair term, off by default,
alike in both engines (dense matrices and the compiled streamed scan)."""

from __future__ import annotations

import numpy as np
import pytest

from matcher import Case, EngineParams, Policy, propose, score_matrix
from matcher.scoring import active_terms
from matcher.solver import SolverParams

TINY = EngineParams(
    reserve_max_depth=2, block_cells=7, min_rows=1, start_k=0, explain_cells=5,
    solver=SolverParams(add_k=1),
)  # fmt: skip
HOME = Policy.model_validate({"weights": {"home_first": 6.0}})


def test_each_pair_by_hand(sample_case: Case) -> None:
    plain = score_matrix(sample_case)
    home = score_matrix(sample_case.with_policy(HOME))
    same = np.array(
        [[c.home == d.community for d in sample_case.demands] for c in sample_case.cadres]
    )
    assert same.any() and (~same).any()
    want = np.where(plain.feasible & same, 6.0, 0.0)
    assert np.array_equal(home.parts["home_first"], want)
    assert np.allclose(home.scores, plain.scores + want, atol=1e-9)
    assert "home_first" in active_terms(HOME) and "home_first" not in active_terms(Policy())
    assert "home_first" not in plain.parts


def test_both_engines_score_it_alike(sample_case: Case) -> None:
    case = sample_case.with_policy(HOME)
    plain = propose(sample_case, engine="dense")
    dense = propose(case, engine="dense")
    big = propose(case, engine="streamed", params=TINY)
    assert dense.certified and big.certified and big.objective == dense.objective
    homes = {c.id: c.home for c in case.cadres}
    where = {d.id: d.community for d in case.demands}

    def at_home(p: object) -> int:
        return sum(homes[a.cadre] == where[a.demand] for a in p.assignments)  # type: ignore[attr-defined]

    # the bonus can only keep or raise the number of home dispatches
    assert at_home(dense) >= at_home(plain)
    for a in dense.assignments:
        assert a.breakdown["home_first"] == (6.0 if homes[a.cadre] == where[a.demand] else 0.0)
        assert a.score == pytest.approx(sum(a.breakdown.values()), abs=1e-9)
    # the streamed plan's own breakdowns carry the same bonus
    for a in big.assignments:
        assert a.breakdown["home_first"] == (6.0 if homes[a.cadre] == where[a.demand] else 0.0)
