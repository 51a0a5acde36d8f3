"""The convex per-cadre load cost: exact in both engines, its own term, invisible when off.

The oracle is scipy's MILP with per-cadre slot variables (:mod:`tests.reference`):
it models the rising slot costs itself, written out from ``docs/scoring.md``, and
shares no code with matcher's rest slots or solver.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matcher import Case, EngineParams, Policy, load_case, propose, score_matrix
from matcher.errors import InputError, PolicyError
from matcher.policy import parse_policy
from matcher.scoring import active_terms
from matcher.solver import SolverParams
from matcher.warm import Replanner, WarmProposals
from tests.reference import milp_convex_load_optimum
from tests.strategies import cases

TINY = EngineParams(
    reserve_max_depth=2,
    block_cells=7,
    min_rows=1,
    start_k=0,
    explain_cells=5,
    solver=SolverParams(add_k=1),
)


def slot_cost(fairness: dict[str, object], k: int) -> float:
    """docs/scoring.md: slot k (from 1) costs (k − 1) × step, or the list's value."""
    costs = fairness.get("load_costs")
    if costs:
        assert isinstance(costs, list)
        return 0.0 if k == 1 else round(float(costs[min(k - 2, len(costs) - 1)]), 4)
    step = fairness.get("load_step", 0.0)
    assert isinstance(step, float)
    return round((k - 1) * step, 4)


@st.composite
def with_load(draw, max_cadres: int = 8, max_demands: int = 6):  # type: ignore[no-untyped-def]
    """A random case whose cadres take up to 3 slots, under a random load cost."""
    case = draw(cases(max_cadres=max_cadres, max_demands=max_demands))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    cadres = tuple(
        replace(c, capacity=int(rng.integers(0, 4))) for c in case.cadres
    )  # more slots than the usual cases, so the load cost bites
    demands = tuple(replace(d, headcount=int(rng.integers(1, 4))) for d in case.demands)
    if draw(st.booleans()):
        fair: dict[str, object] = {"load_step": float(np.round(rng.uniform(0.5, 30.0), 3))}
    else:
        first = float(np.round(rng.uniform(0.0, 20.0), 2))
        fair = {"load_costs": [first, first + float(np.round(rng.uniform(0, 20.0), 2))]}
    policy = Policy.model_validate({"fairness": fair, "alternatives": 2})
    return replace(case, cadres=cadres, demands=demands, policy=policy), fair


shared = settings(suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)


def oracle(case: Case, fair: dict[str, object], pinned: tuple[tuple[int, int], ...] = ()) -> float:
    sm = score_matrix(replace(case, policy=Policy()))  # the pair scores without the load
    cost = [slot_cost(fair, k) for k in range(1, int(sm.capacity.max(initial=0)) + 1)]
    return milp_convex_load_optimum(sm.scores, sm.feasible, sm.capacity, sm.headcount, cost, pinned)


@shared
@given(drawn=with_load())
def test_optimum_equals_an_independent_milp(drawn: tuple[Case, dict[str, object]]) -> None:
    case, fair = drawn
    want = oracle(case, fair)
    got = propose(case, engine="dense")
    assert got.certified
    assert got.objective == pytest.approx(want, abs=1e-6)


@shared
@given(drawn=with_load(), data=st.data())
def test_pins_take_the_first_slots_in_both_engines(
    drawn: tuple[Case, dict[str, object]], data: st.DataObject
) -> None:
    case, fair = drawn
    sm = score_matrix(case)
    ii, jj = np.nonzero(sm.feasible)
    if not ii.size:
        return
    k = data.draw(st.integers(0, ii.size - 1))
    pin = ((int(ii[k]), int(jj[k])),)
    want = oracle(case, fair, pin)
    ids = [(case.cadres[i].id, case.demands[j].id) for i, j in pin]
    dense = propose(case, pinned=ids, engine="dense")
    big = propose(case, pinned=ids, engine="streamed", params=TINY)
    assert dense.certified and big.certified
    assert dense.objective == pytest.approx(want, abs=1e-6)
    assert big.objective == dense.objective


@shared
@given(drawn=with_load(max_cadres=9, max_demands=7))
def test_dense_and_streamed_agree_and_each_load_is_its_slot(
    drawn: tuple[Case, dict[str, object]],
) -> None:
    case, fair = drawn
    dense = propose(case, engine="dense")
    big = propose(case, engine="streamed", params=TINY)
    assert big.certified and big.solver == "lp-streamed"
    assert big.objective == dense.objective
    for p in (dense, big):
        slots: dict[str, list[tuple[str, float]]] = defaultdict(list)
        for a in p.assignments:
            assert tuple(a.breakdown) == active_terms(case.policy)
            assert a.breakdown["load"] <= 0
            assert math.isclose(a.score, math.fsum(a.breakdown.values()), abs_tol=1e-9)
            slots[a.cadre].append((a.demand, a.breakdown["load"]))
        col = {d.id: j for j, d in enumerate(case.demands)}
        for got in slots.values():  # the k-th dispatch in demand order pays slot k
            order = sorted((d for d, _ in got), key=col.__getitem__)
            by_demand = dict(got)
            for k, d in enumerate(order, start=1):
                assert by_demand[d] == -slot_cost(fair, k)


def test_off_by_default_and_at_zero(sample_case: Case, sample_proposal) -> None:  # type: ignore[no-untyped-def]
    assert "load" not in active_terms(Policy())
    zero = Policy.model_validate({"fairness": {"load_step": 0.0, "load_costs": [0.0]}})
    again = propose(sample_case, zero)
    assert again.model_dump() == sample_proposal.model_dump()


def test_the_worked_example_of_docs_scoring() -> None:
    """docs/scoring.md: the sample district under ``load_step = 2``."""
    case = load_case("data/sample-district")
    pol = Policy.model_validate({"fairness": {"load_step": 2.0}})
    p = propose(case, pol)
    assert p.certified and p.objective == pytest.approx(15962.4154, abs=1e-9)
    assert p.kpis.cadres_used == 332
    mine = [(a.demand, a.breakdown["load"]) for a in p.assignments if a.cadre == "P0404"]
    assert mine == [("D0006", 0.0), ("D0060", -2.0)]
    per_cadre: dict[str, int] = defaultdict(int)
    for a in p.assignments:
        per_cadre[a.cadre] += 1
    assert sorted(per_cadre.values()).count(2) == 28 and max(per_cadre.values()) == 3
    assert math.fsum(a.breakdown["load"] for a in p.assignments) == -68.0


def test_a_falling_list_is_refused() -> None:
    with pytest.raises(PolicyError) as e:
        parse_policy({"fairness": {"load_costs": [3.0, 1.0]}})
    assert "fairness.load_costs" in str(e.value)


def test_warm_proposals_solve_it_cold_and_the_replanner_says_no(sample_case: Case) -> None:
    pol = Policy.model_validate({"fairness": {"load_step": 1.5}})
    cold = propose(sample_case, pol, engine="streamed")
    warm = WarmProposals(engine="streamed")
    assert warm.propose(sample_case, pol).objective == cold.objective
    assert warm.propose(sample_case, pol).objective == cold.objective
    with pytest.raises(InputError):
        Replanner(sample_case, pol)


def test_what_if_pricing_refuses_a_load_cost(sample_case: Case) -> None:
    from matcher.whatif import shortage, unfilled_counterfactuals

    case = sample_case.with_policy(Policy.model_validate({"fairness": {"load_step": 1.0}}))
    with pytest.raises(InputError):
        shortage(case)
    with pytest.raises(InputError):
        unfilled_counterfactuals(case, propose(case))


def test_active_dispatches_do_not_take_slots_of_the_plan(sample_case: Case) -> None:
    """``used_capacity`` only shrinks what is left: the plan's first slot is free again."""
    pol = Policy.model_validate({"fairness": {"load_step": 2.0}})
    busy = {c.id: 1 for c in sample_case.cadres if c.capacity >= 2}
    less = replace(
        sample_case,
        cadres=tuple(
            replace(c, capacity=c.capacity - busy.get(c.id, 0)) for c in sample_case.cadres
        ),
    )
    for engine in ("dense", "streamed"):
        got = propose(sample_case, pol, used_capacity=busy, engine=engine)  # type: ignore[arg-type]
        want = propose(less, pol, engine=engine)  # type: ignore[arg-type]
        assert got.certified and got.objective == want.objective


def test_unfilled_reasons_name_the_load_cost_in_both_engines(sample_case: Case) -> None:
    pol = Policy.model_validate({"fairness": {"load_step": 60.0}})
    dense = propose(sample_case, pol, engine="dense")
    big = propose(sample_case, pol, engine="streamed")
    assert big.unfilled == dense.unfilled
    named = [u for u in dense.unfilled if any(m.code == "unfilled.load_cost" for m in u.why)]
    assert len(named) == 6
    # off, no demand is ever explained by it
    assert not any(
        m.code == "unfilled.load_cost" for u in propose(sample_case).unfilled for m in u.why
    )
