"""Scores recomputed by hand from the case data, and hard rules checked independently."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from matcher import Case, Status, score_matrix
from matcher.geo import haversine_km
from tests.strategies import cases


def by_hand(case: Case, i: int, j: int) -> tuple[bool, float]:
    """The docs/scoring.md formula, written out with no arrays."""
    c, d, pol, tax = case.cadres[i], case.demands[j], case.policy, case.taxonomy
    home, there = case.community(c.home), case.community(d.community)
    km = haversine_km(home.lat, home.lon, there.lat, there.lon)
    feasible = (
        c.status is not Status.RED
        and c.capacity > 0
        and all(c.skills.get(t, 0) >= lvl for t, lvl in d.requires.items())
        and all(x in c.certs for x in d.certs)
        and km <= c.max_travel_km
    )
    if not feasible:
        return False, 0.0

    def eff(t: str) -> float:
        sib = [c.skills.get(s, 0) for s in tax.siblings(t)]
        return max(c.skills.get(t, 0), pol.related_credit * max(sib, default=0))

    total = sum(d.needs.values())
    fit = sum(min(eff(t), lvl) for t, lvl in d.needs.items()) / total if total else 1.0
    w = pol.weights
    terms = [
        w.fill * d.priority,
        w.skill * fit,
        -w.travel_per_km * km,
        -w.yellow if c.status is Status.YELLOW else 0.0,
    ]
    return True, sum(round(x, 4) for x in terms)


@given(cases())
def test_matrix_matches_the_formula_by_hand(case) -> None:  # type: ignore[no-untyped-def]
    sm = score_matrix(case)
    for i in range(len(case.cadres)):
        for j in range(len(case.demands)):
            ok, score = by_hand(case, i, j)
            assert sm.feasible[i, j] == ok
            assert sm.scores[i, j] == pytest.approx(score, abs=1e-9)


@given(cases())
def test_breakdown_terms_sum_exactly_to_scores(case) -> None:  # type: ignore[no-untyped-def]
    sm = score_matrix(case)
    total = sum(sm.parts[t] for t in ("fill", "skill", "travel", "status"))
    assert np.array_equal(total, sm.scores)
    assert (sm.scores[~sm.feasible] == 0).all()


@given(st.data())
def test_sample_scores_recompute_by_hand(sample_case, data) -> None:  # type: ignore[no-untyped-def]
    sm = score_matrix(sample_case)
    i = data.draw(st.integers(0, len(sm.cadre_ids) - 1))
    j = data.draw(st.integers(0, len(sm.demand_ids) - 1))
    ok, score = by_hand(sample_case, i, j)
    assert sm.feasible[i, j] == ok and math.isclose(sm.scores[i, j], score, abs_tol=1e-9)


def test_ids_follow_case_order(sample_case) -> None:  # type: ignore[no-untyped-def]
    sm = score_matrix(sample_case)
    assert sm.cadre_ids == tuple(c.id for c in sample_case.cadres)
    assert sm.demand_ids == tuple(d.id for d in sample_case.demands)


@given(case=cases(max_cadres=6, max_demands=8), keep=st.integers(0, 8))
def test_a_scorer_for_edited_demands_equals_a_fresh_one(case, keep) -> None:  # type: ignore[no-untyped-def]
    from dataclasses import replace

    from matcher.scoring import Scorer

    keep = min(keep, len(case.demands))
    before = replace(case, demands=case.demands[:keep])
    # one demand closed in place (a new object, the others the same ones)
    at = keep // 2
    closed = tuple(replace(d, headcount=0) if k == at else d for k, d in enumerate(case.demands))
    for base, now in (
        (before, case),
        (before, replace(case, demands=case.demands[:keep][::-1])),
        (case, replace(case, demands=closed)),
    ):
        got, want = Scorer(base).with_demands(now), Scorer(now)
        assert got.m == want.m and got.demand_ids == want.demand_ids
        for name in ("need", "req", "wanted_certs", "where", "headcount", "fill", "total_need"):
            a, b = getattr(got, name), getattr(want, name)
            assert a.dtype == b.dtype and np.array_equal(a, b), name
        rows, cols = np.arange(got.n), np.arange(got.m)
        assert np.array_equal(got.grid(rows, cols)[0], want.grid(rows, cols)[0])
