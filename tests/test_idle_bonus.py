"""The idle bonus: w × [days_idle ≥ idle_days], per cadre, off by default, alike in both engines."""

from __future__ import annotations

from dataclasses import replace

import pytest

from matcher import Case, EngineParams, Policy, propose
from matcher.record import Standing
from matcher.scoring import active_terms, cadre_terms
from matcher.solver import SolverParams

TINY = EngineParams(
    reserve_max_depth=2, block_cells=7, min_rows=1, start_k=0, explain_cells=5,
    solver=SolverParams(add_k=1),
)  # fmt: skip
IDLE = Policy.model_validate({"weights": {"idle_bonus": 4.0}, "fairness": {"idle_days": 30}})


def test_each_cadre_by_hand(sample_case: Case) -> None:
    ids = [c.id for c in sample_case.cadres[:4]]
    standing = {ids[0]: Standing(days_idle=30), ids[1]: Standing(days_idle=29), ids[2]: Standing()}
    got = cadre_terms(replace(sample_case, policy=IDLE, standing=standing))["idle_bonus"]
    # 30 ≥ 30 earns it; 29 does not; unknown days and no record earn nothing
    assert got[:4].tolist() == [4.0, 0.0, 0.0, 0.0]
    assert active_terms(IDLE)[-1] == "idle_bonus" and "idle_bonus" not in active_terms(Policy())


def test_both_engines_score_it_alike(sample_case: Case) -> None:
    standing = {c.id: Standing(days_idle=k % 60) for k, c in enumerate(sample_case.cadres)}
    case = replace(sample_case, policy=IDLE, standing=standing)
    plain = propose(replace(case, policy=Policy()), engine="dense")
    dense = propose(case, engine="dense")
    big = propose(case, engine="streamed", params=TINY)
    assert dense.certified and big.certified and big.objective == dense.objective
    assert dense.objective > plain.objective  # a bonus can only raise the optimum
    idle = {c for c, s in standing.items() if (s.days_idle or 0) >= 30}
    for a in dense.assignments:
        assert a.breakdown["idle_bonus"] == (4.0 if a.cadre in idle else 0.0)
        assert a.score == pytest.approx(sum(a.breakdown.values()), abs=1e-9)
