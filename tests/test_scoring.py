"""Scores recomputed by hand from the case data, and hard rules checked independently."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from matcher import score_matrix
from tests.reference import by_hand
from tests.strategies import cases


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


@given(
    case=st.booleans().flatmap(lambda dated: cases(max_cadres=6, max_demands=8, dated=dated)),
    keep=st.integers(0, 8),
)
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
        assert np.array_equal(got.grid(rows, cols)[1], want.grid(rows, cols)[1])
