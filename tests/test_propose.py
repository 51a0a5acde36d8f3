"""Proposals: hard rules, exact optimum, explanations that hold up under re-solving."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matcher import Case, InputError, Policy, check_pins, propose, score_matrix
from tests.reference import check_rules, milp_optimum
from tests.strategies import cases


@given(cases())
def test_rules_hold_and_objective_is_the_exact_optimum(case) -> None:  # type: ignore[no-untyped-def]
    p = propose(case)
    check_rules(case, p)
    sm = score_matrix(case)
    assert p.certified
    assert p.objective == pytest.approx(sum(a.score for a in p.assignments), abs=1e-9)
    assert p.objective == pytest.approx(
        milp_optimum(sm.scores, sm.feasible, sm.capacity, sm.headcount), abs=1e-6
    )
    assert p.kpis.slots_filled == len(p.assignments)
    assert p.kpis.slots_total - p.kpis.slots_filled == sum(u.slots for u in p.unfilled)


@given(cases(), st.randoms(use_true_random=False))
def test_invariant_under_reordering_cadres_and_demands(case, rnd) -> None:  # type: ignore[no-untyped-def]
    cadres, demands = list(case.cadres), list(case.demands)
    rnd.shuffle(cadres)
    rnd.shuffle(demands)
    shuffled = Case(case.taxonomy, case.communities, tuple(cadres), tuple(demands), case.policy)
    a, b = propose(case), propose(shuffled)
    assert b.objective == pytest.approx(a.objective, abs=1e-9)
    assert {u.demand: u.slots for u in a.unfilled} == {u.demand: u.slots for u in b.unfilled}


@given(cases(max_cadres=6, max_demands=4))
def test_alternative_losses_are_confirmed_by_pinned_resolve(case) -> None:  # type: ignore[no-untyped-def]
    p = propose(case)
    for a in p.assignments:
        for alt in a.alternatives:
            again = propose(case, pinned=[(alt.cadre, a.demand)])
            assert p.objective - again.objective == pytest.approx(alt.loss, abs=1e-6)
        losses = [x.loss for x in a.alternatives]
        assert losses == sorted(losses) and all(x >= -1e-9 for x in losses)


def test_unfilled_reasons_name_the_binding_rule(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from matcher import load_case
    from tests.casefiles import write_case

    p = propose(load_case(write_case(tmp_path)))
    d3 = next(u for u in p.unfilled if u.demand == "D1")
    assert d3.slots == 1
    assert d3.rules[0].rule == "requires"
    assert "加装电梯协调 (urban.elevator_retrofit) ≥ 2" in d3.reasons[0]


def test_pins_exclusions_and_used_capacity(sample_case, sample_proposal) -> None:  # type: ignore[no-untyped-def]
    first = sample_proposal.assignments[0]
    alt = first.alternatives[0]
    declined = propose(sample_case, excluded=[(first.cadre, first.demand)])
    assert (first.cadre, first.demand) not in {(a.cadre, a.demand) for a in declined.assignments}
    assert declined.objective <= sample_proposal.objective + 1e-9
    pinned = propose(sample_case, pinned=[(alt.cadre, first.demand)])
    assert (alt.cadre, first.demand) in {(a.cadre, a.demand) for a in pinned.assignments}
    assert sample_proposal.objective - pinned.objective == pytest.approx(alt.loss, abs=1e-6)
    busy = propose(sample_case, used_capacity={first.cadre: 99})
    assert first.cadre not in {a.cadre for a in busy.assignments}
    full = propose(sample_case, filled_slots={first.demand: 99})
    assert first.demand not in {a.demand for a in full.assignments}


def test_bad_constraints_are_input_errors(sample_case) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InputError, match="unknown"):
        propose(sample_case, pinned=[("nobody", "D0001")])
    sm = score_matrix(sample_case)
    i, j = np.argwhere(~sm.feasible)[0]
    with pytest.raises(InputError, match="hard rule"):
        propose(sample_case, pinned=[(sm.cadre_ids[i], sm.demand_ids[j])])


def test_policy_override_changes_scores(sample_case, sample_proposal) -> None:  # type: ignore[no-untyped-def]
    p = propose(sample_case, Policy.model_validate({"weights": {"travel_per_km": 5.0}}))
    assert p.kpis.mean_travel_km <= sample_proposal.kpis.mean_travel_km
    assert all(
        math.isclose(sum(a.breakdown.values()), a.score, abs_tol=1e-9) for a in p.assignments
    )


def test_sample_district_is_certified_and_consistent(sample_case, sample_proposal) -> None:  # type: ignore[no-untyped-def]
    check_rules(sample_case, sample_proposal)
    assert sample_proposal.certified
    sm = score_matrix(sample_case)
    assert sample_proposal.objective == pytest.approx(
        milp_optimum(sm.scores, sm.feasible, sm.capacity, sm.headcount), abs=1e-6
    )


def test_empty_case_proposes_nothing(sample_case) -> None:  # type: ignore[no-untyped-def]
    empty = Case(sample_case.taxonomy, sample_case.communities, (), ())
    p = propose(empty)
    assert p.assignments == [] and p.unfilled == [] and p.objective == 0.0
    assert p.kpis.mean_skill_fit is None  # no pair, no mean
    assert (p.kpis.mean_travel_km, p.kpis.max_travel_km) == (None, None)  # nor travel (was 0)
    # demands but no cadre: nothing assigned, nothing averaged
    alone = propose(Case(sample_case.taxonomy, sample_case.communities, (), sample_case.demands))
    assert alone.assignments == [] and alone.kpis.slots_total > 0
    assert alone.kpis.mean_skill_fit is None and alone.kpis.fill_rate == 0.0
    assert alone.kpis.mean_travel_km is None and alone.kpis.max_travel_km is None


@given(cases())
def test_certified_with_and_without_alternates(case) -> None:  # type: ignore[no-untyped-def]
    quiet = propose(case, Policy(alternatives=0))
    full = propose(case)
    assert quiet.certified and full.certified
    assert all(a.alternatives == [] for a in quiet.assignments)
    assert quiet.objective == pytest.approx(full.objective, abs=1e-9)


def test_certs_are_hard_even_when_the_taxonomy_lists_none(sample_case) -> None:  # type: ignore[no-untyped-def]
    bare = Case(
        type(sample_case.taxonomy)(
            sample_case.taxonomy.name,
            sample_case.taxonomy.categories,
            sample_case.taxonomy.tags,
            (),
        ),
        sample_case.communities,
        sample_case.cadres,
        sample_case.demands,
    )
    p = propose(bare)
    cadres = {c.id: c for c in bare.cadres}
    demands = {d.id: d for d in bare.demands}
    assert any(d.certs for d in bare.demands)
    for a in p.assignments:
        assert set(demands[a.demand].certs) <= set(cadres[a.cadre].certs)


def test_progress_names_each_phase_in_order(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from matcher import load_case
    from tests.casefiles import write_case

    phases: list[str] = []

    def seen(phase: str, fraction: float | None = None) -> None:
        assert fraction is None or 0.0 <= fraction <= 1.0
        if not phases or phases[-1] != phase:
            phases.append(phase)

    propose(load_case(write_case(tmp_path)), progress=seen)
    assert phases == ["scoring pairs", "solving", "certifying and pricing alternates", "explaining"]


def test_a_progress_callback_can_cancel_the_work(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from matcher import Cancelled, load_case
    from tests.casefiles import write_case

    def stop(phase: str, fraction: float | None = None) -> None:
        if phase == "solving":
            raise Cancelled("stopped by the caller")

    with pytest.raises(Cancelled):
        propose(load_case(write_case(tmp_path)), progress=stop)


@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_check_pins_refuses_what_propose_refuses(sample_case, data) -> None:  # type: ignore[no-untyped-def]
    """``check_pins`` reads only the pinned cadres and demands, and refuses exactly the
    pins a proposal over the whole case refuses, with the same problems."""
    cadres = [c.id for c in sample_case.cadres[:40]] + ["PX"]
    demands = [d.id for d in sample_case.demands[:30]] + ["DX"]
    pins = data.draw(
        st.lists(st.tuples(st.sampled_from(cadres), st.sampled_from(demands)), max_size=4)
    )
    excluded = data.draw(st.lists(st.sampled_from(pins), max_size=1)) if pins else []
    used = {c: 1 for c in data.draw(st.lists(st.sampled_from(cadres[:-1]), max_size=3))}
    try:
        propose(sample_case, pinned=pins, excluded=excluded, used_capacity=used)
        whole = None
    except InputError as e:
        whole = [(p.column, p.message, p.value) for p in e.problems]
    try:
        check_pins(sample_case, pins, excluded, used)
        small = None
    except InputError as e:
        small = [(p.column, p.message, p.value) for p in e.problems]
    assert small == whole
