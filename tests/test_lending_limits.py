"""Hard lending rules ([lending]): a limit per community and a home floor, solved
as a MILP to a zero gap; checked against an independent MILP and recounted by hand."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matcher import (
    Cadre,
    Case,
    Demand,
    InputError,
    LendingUse,
    Policy,
    Replanner,
    Status,
    WarmProposals,
    default_taxonomy,
    propose,
    score_matrix,
)
from matcher.solver.sided import solve_sided
from matcher.solver.siderows import SideRows
from matcher.whatif import shortage
from tests.reference import milp_lending_optimum
from tests.strategies import TAGS, communities

shared = settings(suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)


@st.composite
def with_lending(draw):  # type: ignore[no-untyped-def]
    """A small case where most pairs are feasible and many lend (2–3 communities),
    with up to 3 slots per cadre, lending rules and past use."""
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    n_comm = int(rng.integers(2, 4))
    comms = communities(rng, n_comm)
    tags = TAGS[:3]
    cadres = tuple(
        Cadre(
            id=f"P{k}",
            name=f"干部{k}",
            home=f"C{rng.integers(n_comm)}",
            skills={t: int(rng.integers(1, 6)) for t in tags if rng.random() < 0.7},
            capacity=int(rng.choice([0, 1, 1, 2, 3])),
            status=Status(str(rng.choice(["green", "green", "yellow", "red"]))),
        )
        for k in range(draw(st.integers(2, 8)))
    )
    demands = tuple(
        Demand(
            id=f"D{k}",
            community=f"C{rng.integers(n_comm)}",
            title=f"需求{k}",
            needs={str(rng.choice(tags)): int(rng.integers(1, 6))},
            headcount=int(rng.integers(1, 4)),
            priority=int(rng.integers(1, 6)),
        )
        for k in range(draw(st.integers(1, 6)))
    )
    rules: dict[str, object] = {}
    if draw(st.booleans()):
        rules["max_lent"] = int(rng.integers(0, 4))
    if draw(st.booleans()):
        rules["limits"] = {comms[0].id: int(rng.integers(0, 3))}
    if draw(st.booleans()) or not rules:
        rules["home_floor"] = int(rng.integers(1, 4))
    weights = {"home_first": float(rng.choice([0.0, 0.0, 4.0]))}
    policy = Policy.model_validate({"lending": rules, "alternatives": 2, "weights": weights})
    lent = {c.id: int(rng.integers(0, 3)) for c in comms if rng.random() < 0.5}
    away = frozenset(c.id for c in cadres if rng.random() < 0.2)
    # 暂不可派 cadres: the store gives them no capacity left and no place in a floor
    off = frozenset(c.id for c in cadres if rng.random() < 0.15)
    used = {c.id: int(rng.integers(0, c.capacity + 1)) for c in cadres if rng.random() < 0.3}
    used |= {c.id: c.capacity for c in cadres if c.id in off}
    case = Case(default_taxonomy(), comms, cadres, demands, policy)
    return case, LendingUse(lent=lent, away=away, unavailable=off), used


def lent_pairs(case: Case, pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    home = {c.id: c.home for c in case.cadres}
    where = {d.id: d.community for d in case.demands}
    return [(c, d) for c, d in pairs if home[c] != where[d]]


def oracle(case: Case, use: LendingUse, used: dict[str, int]) -> float:
    """The rules of docs/scoring.md, read off the case directly."""
    sm = score_matrix(case)
    left = np.array([c.capacity - used.get(c.id, 0) for c in case.cadres], np.int64)
    rules = case.policy.lending
    home = [c.home for c in case.cadres]
    lends = np.array([[c.home != d.community for d in case.demands] for c in case.cadres])
    lends = lends.reshape(len(case.cadres), len(case.demands))
    limit_left, lenders_left = {}, {}
    for comm in case.communities:
        limit = rules.limits.get(comm.id, rules.max_lent)
        if limit is not None:
            limit_left[comm.id] = max(limit - use.lent.get(comm.id, 0), 0)
        if rules.home_floor:
            able = [
                i for i, c in enumerate(case.cadres)
                if c.home == comm.id and c.capacity > 0 and c.status.value != "red"
                and c.id not in use.unavailable
            ]  # fmt: skip
            gone = [i for i in able if case.cadres[i].id in use.away]
            free = [i for i in able if i not in gone]
            lenders_left[comm.id] = (max(len(able) - rules.home_floor - len(gone), 0), free)
    # cadres already away lend at no further cost to the floor; the rest not listed
    # (withdrawn or without capacity) have no feasible pair
    return milp_lending_optimum(
        sm.scores, sm.feasible, left, sm.headcount, lends, home, limit_left, lenders_left
    )


@shared
@given(drawn=with_lending())
def test_optimum_equals_an_independent_milp_and_no_rule_is_broken(
    drawn: tuple[Case, LendingUse, dict[str, int]],
) -> None:
    case, use, used = drawn
    got = propose(case, lending=use, used_capacity=used)
    assert got.certified
    assert got.objective == pytest.approx(oracle(case, use, used), abs=1e-6)
    if got.solver == "milp":
        assert got.bound is not None and got.bound >= got.objective - 1e-6
    rules = case.policy.lending
    out = lent_pairs(case, [(a.cadre, a.demand) for a in got.assignments])
    home = {c.id: c.home for c in case.cadres}
    by_comm = Counter(home[c] for c, _ in out)
    for comm in case.communities:
        limit = rules.limits.get(comm.id, rules.max_lent)
        if limit is not None:
            assert by_comm[comm.id] <= max(limit - use.lent.get(comm.id, 0), 0)
        if rules.home_floor:
            able = [c for c in case.cadres if c.home == comm.id and c.capacity > 0]
            able = [c for c in able if c.status.value != "red" and c.id not in use.unavailable]
            lenders = {c for c, _ in out} | (use.away & {c.id for c in able})
            lenders &= {c.id for c in able}
            assert len(lenders) <= max(len(able) - rules.home_floor, len(use.away & lenders))


def test_the_sample_under_a_limit(sample_case: Case) -> None:
    free = propose(sample_case)
    pol = Policy.model_validate({"lending": {"max_lent": 2}})
    got = propose(sample_case, pol, lending=LendingUse(lent={"C062": 1}))
    assert got.solver == "milp" and got.certified and got.bound == pytest.approx(got.objective)
    assert got.objective < free.objective
    home = {c.id: c.home for c in sample_case.cadres}
    by_comm = Counter(
        home[c] for c, _ in lent_pairs(sample_case, [(a.cadre, a.demand) for a in got.assignments])
    )
    assert max(by_comm.values()) <= 2 and by_comm["C062"] <= 1
    assert all(a.alternatives == [] for a in got.assignments)  # not priced under the rules
    held = [m for u in got.unfilled for m in u.why if m.code == "unfilled.lending"]
    assert held  # the slot the limit leaves empty says so


def test_a_limit_for_an_unknown_community_is_refused(sample_case: Case) -> None:
    with pytest.raises(InputError) as e:
        propose(sample_case, Policy.model_validate({"lending": {"limits": {"c062": 0}}}))
    assert [p.code for p in e.value.problems] == ["problem.lending_unknown_community"]
    assert e.value.problems[0].value == "c062"


def test_an_infeasible_side_row_is_never_a_plan() -> None:
    # a fixed edge past its group's right-hand side: the caller broke the contract,
    # and the solver says so rather than hand back a plan that breaks a row
    r, c = np.array([0, 1]), np.array([0, 0])
    side = SideRows([np.array([0])], [0])
    got = solve_sided(r, c, np.array([5, 3]), np.array([1, 1]), np.array([2]),
                      np.array([True, False]), side)  # fmt: skip
    assert not got.holds and not got.certified
    ok = solve_sided(r, c, np.array([5, 3]), np.array([1, 1]), np.array([2]),
                     np.array([False, False]), side)  # fmt: skip
    assert ok.holds and ok.certified and ok.take.tolist() == [False, True] and ok.objective == 3


def test_a_limit_that_cannot_bind_keeps_the_usual_engine(sample_case: Case) -> None:
    got = propose(sample_case, Policy.model_validate({"lending": {"max_lent": 1000}}))
    assert got.solver != "milp" and got.objective == propose(sample_case).objective


def test_pinned_lent_pairs_stay_even_past_the_limit(sample_case: Case) -> None:
    free = propose(sample_case)
    out = lent_pairs(sample_case, [(a.cadre, a.demand) for a in free.assignments])[:3]
    home = {c.id: c.home for c in sample_case.cadres}
    comm = home[out[0][0]]
    pins = [p for p in out if home[p[0]] == comm][:1]
    pol = Policy.model_validate({"lending": {"limits": {comm: 0}}})
    got = propose(sample_case, pol, pinned=pins)
    mine = [
        p
        for p in lent_pairs(sample_case, [(a.cadre, a.demand) for a in got.assignments])
        if home[p[0]] == comm
    ]
    assert mine == pins and got.certified


def test_what_if_pricing_and_warm_plans_refuse_them(sample_case: Case) -> None:
    case = sample_case.with_policy(Policy.model_validate({"lending": {"limits": {"C062": 0}}}))
    with pytest.raises(InputError) as e:
        shortage(case)
    assert e.value.problems[0].code == "problem.lending_not_priced"
    with pytest.raises(InputError) as e:
        Replanner(case)
    assert e.value.problems[0].code == "problem.lending_not_warm"
    warm = WarmProposals()
    assert warm.propose(case).objective == propose(case).objective


def test_a_scenario_counts_the_pools_past_lending(sample_case: Case) -> None:
    from matcher.whatif import compare, parse_scenario

    case = sample_case.with_policy(Policy.model_validate({"lending": {"limits": {"C062": 2}}}))
    sc = parse_scenario({"name": "n", "edits": [{"kind": "remove_cadres", "ids": ["P0001"]}]}, case)
    home = {c.id: c.home for c in case.cadres}

    def c062(p: object) -> int:
        pairs = [(a.cadre, a.demand) for a in p.assignments]  # type: ignore[attr-defined]
        return sum(home[c] == "C062" for c, _ in lent_pairs(case, pairs))

    fresh = compare(case, sc)
    used_up = compare(case, sc, lending=LendingUse(lent={"C062": 2}))
    assert c062(fresh.base) == 2 and c062(fresh.result) == 2
    assert c062(used_up.base) == 0 and c062(used_up.result) == 0
