"""Counterfactuals for empty slots, each confirmed by an exact re-solve here."""

from __future__ import annotations

import numpy as np

from matcher import Case, propose, solve
from matcher.whatif import Relaxation, plan_state, unfilled_counterfactuals
from matcher.whatif.engine import relaxed_scores


def _resolve(case: Case, demand: str, o: Relaxation) -> tuple[float, int, float, int]:
    """Exact re-solve with the relaxation granted and the pair pinned (plus the demand's cadres).

    Returns (new objective, slots filled on the demand, old objective, old slots)."""
    st = plan_state(case)
    i = st.sm.cadre_ids.index(o.cadre)
    j = st.sm.demand_ids.index(demand)
    raw = relaxed_scores(case)
    scores, feas = st.sm.scores.copy(), st.feasible.copy()
    if o.kind in ("travel", "level"):
        assert not feas[i, j]
        rules = [r for r in st.sm.fails if st.sm.fails[r][i, j]]
        assert rules == (["travel"] if o.kind == "travel" else ["requires"])
        scores[i, j], feas[i, j] = raw[i, j], True
    else:
        assert feas[i, j] and not st.chosen[i, j]
    pin = np.zeros_like(feas)
    pin[:, j] = st.chosen[:, j]
    pin[i, j] = True
    a = solve(scores, feas, st.capacity, st.headcount, pinned=pin)
    return a.objective, int((a.cols == j).sum()), st.plan.objective, int(st.chosen[:, j].sum())


def _check_all(case: Case) -> int:
    rows = unfilled_counterfactuals(case, verify=True)
    n = 0
    for r in rows:
        for o in r.options:
            new, filled, old, before = _resolve(case, r.demand, o)
            assert abs((new - old) - o.objective_delta) < 1e-6, (r.demand, o)
            assert filled == before + 1
            assert o.verified
            n += 1
    return n


def test_tiny_has_each_kind(tiny: Case) -> None:
    rows = {r.demand: r for r in unfilled_counterfactuals(tiny)}
    assert set(rows) == {"D2", "D3", "D4"}
    kinds = {(d, o.kind, o.cadre) for d, r in rows.items() for o in r.options}
    assert kinds == {
        ("D2", "level", "G"),
        ("D2", "free", "A"),
        ("D3", "travel", "B"),
        ("D4", "level", "E"),
    }
    t = rows["D3"].options[0]
    assert t.extra_km is not None and abs(t.extra_km - 3.559) < 0.01
    assert rows["D2"].best is not None and rows["D2"].best.kind == "level"
    assert _check_all(tiny) == 4


def test_generated_district_every_option_confirmed(small: Case) -> None:
    assert _check_all(small) >= 3


def test_explains_the_given_proposal_without_solving(small: Case) -> None:
    p = propose(small)
    assert unfilled_counterfactuals(small, p) == unfilled_counterfactuals(small)
    assert {r.demand for r in unfilled_counterfactuals(small, p)} == {u.demand for u in p.unfilled}
