"""The hard rules: one table, and every place that tests a rule agrees with it."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from matcher.dated import covers, is_away
from matcher.explain.reasons import RULE_CODES
from matcher.rules import (
    RULES,
    Rule,
    away_then,
    compiled,
    lacks_cert,
    no_capacity,
    short_of,
    too_far,
    unavailable,
    withdrawn,
)
from matcher.scoring import Scorer
from matcher.solver.kernels import numba_form
from tests.strategies import cases

DEFINITIONS = {
    Rule.STATUS: withdrawn,
    Rule.CAPACITY: no_capacity,
    Rule.REQUIRES: short_of,
    Rule.CERTS: lacks_cert,
    Rule.TRAVEL: too_far,
    Rule.AVAILABILITY: unavailable,
    Rule.AWAY: away_then,
}


def test_one_table_names_the_rules_in_report_order() -> None:
    """The names, the numbers, the reasons' codes and the compiled helpers all
    come from one table: a new rule missing anywhere fails here."""
    assert RULES == (
        "status", "capacity", "requires", "certs", "travel", "availability", "away"
    )  # fmt: skip
    assert [int(r) for r in Rule] == list(range(len(RULES)))
    assert set(RULE_CODES) == set(RULES)
    assert set(compiled()) == set(Rule) == set(DEFINITIONS)


levels = st.floats(0.0, 5.0, allow_nan=False) | st.integers(0, 5).map(float)
km = st.floats(0.0, 500.0, allow_nan=False) | st.just(np.inf)


@settings(max_examples=200)
@given(
    red=st.booleans(),
    capacity=st.integers(0, 4),
    own=levels,
    required=levels,
    missing=st.integers(0, 2**64 - 1),
    wanted=st.integers(0, 2**64 - 1),
    dist=km,
    limit=km,
    table=st.integers(0, 2**12 - 1),
    row=st.integers(0, 2),
    col=st.integers(0, 3),
)
def test_compiled_helpers_agree_with_the_definitions_on_scalars(  # type: ignore[no-untyped-def]
    red, capacity, own, required, missing, wanted, dist, limit, table, row, col
) -> None:
    """What the kernels call (compiled) is what the dense scorer calls (numpy)."""
    m, w = np.uint64(missing), np.uint64(wanted)
    bits = ((table >> np.arange(12)) & 1).astype(np.bool_).reshape(3, 4)
    args = {
        Rule.STATUS: (np.bool_(red),),
        Rule.CAPACITY: (np.int64(capacity),),
        Rule.REQUIRES: (np.float64(own), np.float64(required)),
        Rule.CERTS: (m, w),
        Rule.TRAVEL: (np.float64(dist), np.float64(limit)),
        Rule.AVAILABILITY: (bits, np.int64(row), np.int64(col)),
        Rule.AWAY: (bits, np.int64(row), np.int64(col)),
    }
    for rule, a in args.items():
        assert bool(numba_form(compiled()[rule])(*a)) == bool(DEFINITIONS[rule](*a)), rule.label


@given(seed=st.integers(0, 2**32 - 1), size=st.integers(0, 40))
def test_compiled_helpers_agree_with_the_definitions_on_arrays(seed, size) -> None:  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(seed)
    args = {
        Rule.STATUS: (rng.random(size) < 0.3,),
        Rule.CAPACITY: (rng.integers(0, 3, size),),
        Rule.REQUIRES: (rng.integers(0, 5, size).astype(float), rng.integers(0, 5, size) * 1.0),
        Rule.CERTS: (
            rng.integers(0, 2**63, size, dtype=np.uint64),
            rng.integers(0, 2**63, size, dtype=np.uint64) & np.uint64(0xF0F0),
        ),
        Rule.TRAVEL: (rng.random(size) * 30, rng.random(size) * 30),
        Rule.AVAILABILITY: (
            rng.random((3, 5)) < 0.5,
            rng.integers(0, 3, size),
            rng.integers(0, 5, size),
        ),
        Rule.AWAY: (rng.random((4, 2)) < 0.5, rng.integers(0, 4, size), rng.integers(0, 2, size)),
    }
    for rule, a in args.items():
        assert np.array_equal(numba_form(compiled()[rule])(*a), DEFINITIONS[rule](*a)), rule.label


@settings(deadline=None)
@given(case=cases(max_cadres=8, max_demands=6, dated=True))
def test_the_dense_scorer_flags_exactly_what_the_definitions_say(case) -> None:  # type: ignore[no-untyped-def]
    """``Scorer.block``'s ``fails`` (certs by a product of flags) are the rules
    applied pair by pair, and ``feasible`` is no rule failing."""
    sc = Scorer(case)
    sm = sc.block()
    assert tuple(sm.fails) == RULES
    km = sc.km_comm[np.ix_(sc.home, sc.where)]
    missing, wanted = sc.missing_certs > 0, sc.wanted_certs > 0
    for i in range(sc.n):
        cadre = case.cadres[i]
        for j in range(sc.m):
            window = case.demands[j].window
            want = {
                "status": withdrawn(bool(sc.red[i])),
                "capacity": no_capacity(int(sc.capacity[i])),
                "requires": bool(short_of(sc.own[i], sc.req[j]).any()),
                "certs": bool(lacks_cert(missing[i], wanted[j]).any()),
                "travel": too_far(float(km[i, j]), float(sc.limit[i])),
                # the time rules from the case's own cadres and demands, not the tables
                "availability": window is not None and not covers(cadre.available, window),
                "away": window is not None and is_away(cadre.away, window),
            }
            assert {r: bool(sm.fails[r][i, j]) for r in RULES} == want
            assert bool(sm.feasible[i, j]) == (not any(want.values()))


def test_each_rule_has_a_word_in_the_catalogue() -> None:
    from matcher.messages import catalogue

    assert {f"rule.{r}" for r in RULES} <= set(catalogue("zh"))
