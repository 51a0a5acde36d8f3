"""The compiled shortest-augmenting-path LP: exact, certified, and warm after edits."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from matcher.solver import quantise
from matcher.solver.keys import pair_keys
from matcher.solver.lp import _certified
from matcher.solver.sap import SapLP
from tests.reference import milp_optimum
from tests.strategies import bmatching


def _check(lp: SapLP) -> float:
    """The plan respects every bound, its duals certify it; returns its objective."""
    picked, u, v = lp.solve()
    rc = lp.q - u[lp.er] - v[lp.ec]
    assert _certified(rc, lp.er, lp.ec, picked, u, v, lp.cap, lp.head)
    assert (np.bincount(lp.er[picked], minlength=lp.n) <= lp.cap).all()
    assert (np.bincount(lp.ec[picked], minlength=lp.m) <= lp.head).all()
    assert np.array_equal(u, np.rint(u)) and np.array_equal(v, np.rint(v))
    return float(lp.q[picked].sum())


def _dense(lp: SapLP) -> tuple[np.ndarray, np.ndarray]:
    scores = np.zeros((lp.n, lp.m))
    usable = np.zeros((lp.n, lp.m), bool)
    scores[lp.er, lp.ec] = lp.q
    usable[lp.er, lp.ec] = True
    return scores, usable


@given(case=bmatching(max_n=10, max_m=8, max_cap=3), rounds=st.integers(1, 3))
def test_optimum_equals_an_integer_program(case, rounds) -> None:  # type: ignore[no-untyped-def]
    scores, feasible, capacity, headcount = case
    gain = quantise(scores)
    er, ec = np.nonzero(feasible)
    lp = SapLP(capacity, headcount)
    # pairs arriving over several rounds, as widening brings them, end where all at once would
    for part in np.array_split(np.random.default_rng(len(er)).permutation(er.size), rounds):
        lp.add(er[part], ec[part], gain[er[part], ec[part]])
        got = _check(lp)
    if not er.size:
        got = _check(lp)
    want = milp_optimum(gain, feasible, capacity, headcount)
    assert got == pytest.approx(want, abs=0.5)


@given(case=bmatching(max_n=9, max_m=7, max_cap=2), seed=st.integers(0, 2**32 - 1))
def test_edits_re_solve_to_the_cold_optimum(case, seed) -> None:  # type: ignore[no-untyped-def]
    scores, feasible, capacity, headcount = case
    rng = np.random.default_rng(seed)
    gain = quantise(scores)
    er, ec = np.nonzero(feasible)
    lp = SapLP(capacity, headcount)
    lp.add(er, ec, gain[er, ec])
    _check(lp)
    for _ in range(4):
        kind = int(rng.integers(3))
        if kind == 0 and lp.n:
            lp.set_capacity(np.array([rng.integers(lp.n)]), np.array([rng.integers(0, 3)]))
        elif kind == 1 and lp.m:
            lp.set_headcount(np.array([rng.integers(lp.m)]), np.array([rng.integers(0, 3)]))
        else:
            j = lp.add_demand(int(rng.integers(1, 3)))
            rows = np.flatnonzero(rng.random(lp.n) < 0.6)
            lp.add(rows, np.full(rows.size, j), rng.integers(-2, 9, rows.size) * 1e6)
        warm = _check(lp)
        cold = SapLP(lp.cap, lp.head)
        cold.add(lp.er, lp.ec, lp.q)
        assert warm == _check(cold)
        s, usable = _dense(lp)
        assert warm == pytest.approx(milp_optimum(s, usable, lp.cap, lp.head), abs=0.5)


def test_a_tie_heavy_square_fills_every_slot() -> None:
    # every cadre scores every demand alike: degenerate, as skill levels make real pools
    n = 60
    lp = SapLP(np.ones(n, np.int64), np.ones(n, np.int64))
    er, ec = np.divmod(np.arange(n * n), n)
    lp.add(er, ec, np.full(n * n, 5e6))
    assert _check(lp) == 5e6 * n
    assert lp.searches <= 2 * n, "ties must not send the searches around the graph"


@given(seed=st.integers(0, 2**32 - 1))
def test_holds_knows_exactly_the_pairs_added(seed) -> None:  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(seed)
    n, m = int(rng.integers(1, 30)), int(rng.integers(1, 30))
    er, ec = rng.integers(0, n, 40), rng.integers(0, m, 40)
    lp = SapLP(np.ones(n, np.int64), np.ones(m, np.int64))
    lp.add(er[:25], ec[:25], np.ones(25))  # repeats among them are held once
    assert lp.er.size == len(set(zip(er[:25].tolist(), ec[:25].tolist(), strict=True)))
    held = set(zip(er[:25].tolist(), ec[:25].tolist(), strict=True))
    want = [(int(r), int(c)) in held for r, c in zip(er, ec, strict=True)]
    assert lp.holds(pair_keys(er, ec)).tolist() == want
