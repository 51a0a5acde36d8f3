"""The growth record's optional terms: per-cadre, exact, and invisible at weight 0.

The oracle scores each term by hand from ``docs/scoring.md``'s formulas (plain
Python, none of matcher's scoring code) and adds it to the base scores of a
policy without the terms; the optimum of that matrix comes from scipy's MILP
(:mod:`tests.reference`), which shares no code with matcher's solver.
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matcher import Case, EngineParams, Policy, Weights, load_case, propose, score_matrix
from matcher.record import Standing
from matcher.scoring import Scorer, active_terms, cadre_terms
from matcher.solver import SolverParams
from matcher.whatif import compare, parse_scenario
from tests.reference import milp_optimum
from tests.strategies import cases

#: tiny blocks and lists, so tiny cases exercise the streamed engine's scans
TINY = EngineParams(
    reserve_max_depth=2,
    block_cells=7,
    min_rows=1,
    start_k=0,
    explain_cells=5,
    solver=SolverParams(add_k=1),
)
RECORD = ("reliability", "hours_behind", "recent_load")


def by_hand(s: Standing | None, w: Weights) -> dict[str, float]:
    """docs/scoring.md's record terms, written out."""
    s = s or Standing()
    rel = 0.0 if s.rating is None else w.reliability * (min(max(s.rating, 1.0), 5.0) - 3.0) / 2.0
    out = {
        "reliability": rel,
        "hours_behind": w.hours_behind * min(max(s.hours_behind, 0.0), 100.0) / 100.0,
        "recent_load": -w.recent_load * min(max(s.hours_recent, 0.0), 1000.0) / 100.0,
    }
    return {k: round(v, 4) + 0.0 for k, v in out.items() if getattr(w, k) > 0}


@st.composite
def with_record(draw, max_cadres: int = 9, max_demands: int = 6):  # type: ignore[no-untyped-def]
    """A random case with random standings (some cadres without one) and weights."""
    case = draw(cases(max_cadres=max_cadres, max_demands=max_demands))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    standing = {
        c.id: Standing(
            rating=None if rng.random() < 0.2 else float(rng.uniform(1.0, 5.0)),
            hours_recent=float(rng.uniform(0, 300)),
            hours_behind=float(rng.uniform(0, 150)),
        )
        for c in case.cadres
        if rng.random() < 0.85
    }
    on = draw(st.lists(st.booleans(), min_size=3, max_size=3).filter(any))
    w = {k: float(rng.uniform(0.5, 15.0)) if o else 0.0 for k, o in zip(RECORD, on, strict=True)}
    policy = Policy(weights=Weights(**w), alternatives=2)
    return replace(case, policy=policy, standing=standing)


def expected_scores(case: Case) -> tuple[np.ndarray, np.ndarray]:
    """The base scores (record weights at 0) plus each cadre's terms by hand."""
    base = score_matrix(replace(case, policy=Policy(alternatives=case.policy.alternatives)))
    extra = np.array(
        [sum(by_hand(case.standing.get(c.id), case.policy.weights).values()) for c in case.cadres]
    )
    scores = base.scores + np.where(base.feasible, extra[:, None] if extra.size else 0.0, 0.0)
    return scores, base.feasible


shared = settings(suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)


@shared
@given(case=with_record())
def test_optimum_equals_an_independent_milp(case: Case) -> None:
    scores, feasible = expected_scores(case)
    sm = score_matrix(case)
    assert np.allclose(sm.scores, scores, atol=1e-9)
    want = milp_optimum(scores, feasible, sm.capacity, sm.headcount)
    got = propose(case, engine="dense")
    assert got.certified
    assert got.objective == pytest.approx(want, abs=1e-6)


@shared
@given(case=with_record(max_cadres=10, max_demands=7))
def test_dense_and_streamed_agree_term_by_term(case: Case) -> None:
    dense = propose(case, engine="dense")
    big = propose(case, engine="streamed", params=TINY)
    assert big.certified and big.solver == "lp-streamed"
    assert big.objective == dense.objective
    terms = active_terms(case.policy)
    on_dense = {(a.demand, a.cadre): a.breakdown for a in dense.assignments}
    for a in big.assignments:
        assert tuple(a.breakdown) == terms
        if (a.demand, a.cadre) in on_dense:
            assert a.breakdown == on_dense[a.demand, a.cadre]
    if {(a.demand, a.cadre) for a in big.assignments} == set(on_dense):
        # the same plan: the same reasons (the streamed ones count in the compiled loop)
        assert big.unfilled == dense.unfilled
        within = case.policy.alternatives_within
        for a, b in zip(big.assignments, dense.assignments, strict=True):
            assert [(x.cadre, x.loss, x.score) for x in a.alternatives] == [
                (x.cadre, x.loss, x.score) for x in b.alternatives if x.loss < within
            ]


@shared
@given(case=with_record())
def test_each_term_is_its_hand_value(case: Case) -> None:
    p = propose(case)
    w = case.policy.weights
    base = Scorer(replace(case, policy=Policy()))
    cadre_row = {c.id: k for k, c in enumerate(case.cadres)}
    demand_col = {d.id: k for k, d in enumerate(case.demands)}
    for a in p.assignments:
        hand = by_hand(case.standing.get(a.cadre), w)
        assert {k: a.breakdown[k] for k in a.breakdown if k in RECORD} == hand
        assert math.isclose(a.score, math.fsum(a.breakdown.values()), abs_tol=1e-9)
        for alt in a.alternatives:  # alternates score the terms too
            i, j = cadre_row[alt.cadre], demand_col[a.demand]
            plain = float(base.pairs(np.array([i]), np.array([j])).scores[0])
            extra = sum(by_hand(case.standing.get(alt.cadre), w).values())
            assert alt.score == pytest.approx(plain + extra, abs=1e-9)


def test_weight_zero_changes_nothing(sample_case: Case, sample_proposal) -> None:  # type: ignore[no-untyped-def]
    standing = {
        c.id: Standing(rating=1.0, hours_recent=500.0, hours_behind=90.0)
        for c in sample_case.cadres
    }
    again = propose(replace(sample_case, standing=standing))
    assert again.model_dump() == sample_proposal.model_dump()
    assert set(again.assignments[0].breakdown) == {"fill", "skill", "travel", "status"}
    assert list(cadre_terms(replace(sample_case, standing=standing))) == ["status"]


def test_missing_or_odd_figures_are_neutral_or_clipped() -> None:
    case = load_case("data/sample-district")
    w = Weights(reliability=4.0, hours_behind=2.0, recent_load=1.0)
    ids = [c.id for c in case.cadres[:4]]
    odd = {
        ids[0]: Standing(rating=None),
        ids[1]: Standing(rating=float("nan"), hours_recent=float("inf")),
        ids[2]: Standing(rating=9.0, hours_recent=5000.0, hours_behind=400.0),
    }
    got = cadre_terms(replace(case, policy=Policy(weights=w), standing=odd))
    for k, (rel, hb, rl) in enumerate([(0, 0, 0), (0, 0, 0), (4, 2, -10), (0, 0, 0)]):
        assert (got["reliability"][k], got["hours_behind"][k], got["recent_load"][k]) == (
            rel,
            hb,
            rl,
        )


def test_the_worked_example_of_docs_scoring() -> None:
    """docs/scoring.md: P0044 on D0047 with a record (rating 4.2, 30 recent hours, 45 behind)."""
    case = load_case("data/sample-district")
    w = Weights(reliability=5.0, hours_behind=2.0, recent_load=1.0)
    case = replace(
        case,
        policy=Policy(weights=w),
        standing={"P0044": Standing(rating=4.2, hours_recent=30.0, hours_behind=45.0)},
    )
    sc = Scorer(case)
    i = sc.cadre_ids.index("P0044")
    j = sc.demand_ids.index("D0047")
    got = sc.pairs(np.array([i]), np.array([j]))
    terms = {t: float(v[0]) for t, v in got.parts.items()}
    assert terms == {
        "fill": 30.0,
        "skill": 17.8571,
        "travel": -2.8852,
        "status": -3.0,
        "reliability": 3.0,
        "hours_behind": 0.9,
        "recent_load": -0.3,
    }
    assert float(got.scores[0]) == pytest.approx(45.5719, abs=1e-9)


def test_what_if_and_explanations_run_with_the_terms(sample_case: Case) -> None:
    w = Weights(reliability=5.0, hours_behind=2.0, recent_load=1.0)
    rng = np.random.default_rng(7)
    standing = {
        c.id: Standing(
            float(rng.uniform(1, 5)), float(rng.uniform(0, 200)), float(rng.uniform(0, 100))
        )
        for c in sample_case.cadres
    }
    case = replace(
        sample_case, policy=sample_case.policy.model_copy(update={"weights": w}), standing=standing
    )
    p = propose(case)
    assert p.certified and p.unfilled
    edit = {"edits": [{"kind": "policy", "weights": {"recent_load": 0.0}}]}
    cmp = compare(case, parse_scenario(edit, case))
    assert cmp.base.objective == p.objective
    assert cmp.result.objective > p.objective  # dropping a penalty can only raise the optimum
    assert "recent_load" not in cmp.result.assignments[0].breakdown


def test_the_documented_policy_toml_is_the_default() -> None:
    import tomllib
    from pathlib import Path

    from matcher import parse_policy

    doc = (Path(__file__).parent.parent / "docs" / "scoring.md").read_text(encoding="utf-8")
    block = doc.split("A full `policy.toml` with the defaults")[1].split("```toml\n")[1]
    data = tomllib.loads(block.split("```")[0])
    assert set(data["weights"]) == set(Weights.model_fields)  # every weight shown
    assert parse_policy(data) == Policy()


def test_a_changed_record_is_not_proposed_warm_from_the_old_one(sample_case: Case) -> None:
    from matcher.warm.proposals import WarmProposals

    w = Weights(reliability=5.0, hours_behind=2.0, recent_load=1.0)
    case = replace(sample_case, policy=Policy(weights=w))
    busy = {c.id: Standing(rating=1.5, hours_recent=400.0) for c in case.cadres[::2]}
    warm = WarmProposals(engine="streamed")
    first = warm.propose(case)
    again = warm.propose(replace(case, standing=busy))
    assert not warm.was_warm
    want = propose(replace(case, standing=busy), engine="dense")
    assert again.objective == want.objective != first.objective
