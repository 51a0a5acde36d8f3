"""The compiled explanation counts match the ones taken from a full score matrix.

The compiled counts judge cadres as bit sets, 64 to a word, from verdicts made
once per demand key: pools of more than 64 cadres (words full and partial) and
sparse pools (most cadres failing several rules, many demands short) are where
a slip would show.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from matcher import load_case
from matcher.explain.counts import explain_counts, per_demand
from matcher.explain.reasons import explain_columns, unfilled_from_counts
from matcher.generate import Shape, generate_case
from matcher.model import Case
from matcher.scoring import Scorer
from matcher.solver.keys import pair_keys
from matcher.stream.packed import Packed
from tests.strategies import cases


def compare(case: Case, seed: int) -> int:
    """A random plan and bans; every demand's reasons, counted both ways."""
    rng = np.random.default_rng(seed)
    sc = Scorer(case)
    n, m = sc.n, sc.m
    sm = sc.block()
    ok_r, ok_c = np.nonzero(sm.feasible)
    pick = rng.random(ok_r.size) < 0.3
    rows, cols = ok_r[pick], ok_c[pick]
    ban = ~pick & (rng.random(ok_r.size) < 0.2)
    cap = np.maximum(sc.capacity - rng.integers(0, 2, n), 0)
    head = sc.headcount + rng.integers(0, 2, m)  # some demands short of their plan
    filled = np.bincount(cols, minlength=m)
    load = np.bincount(rows, minlength=n)
    prio = np.array([d.priority for d in case.demands], dtype=np.float64)
    top = np.full(n, -np.inf)
    np.maximum.at(top, rows, prio[cols])
    chosen = np.zeros((n, m), bool)
    chosen[rows, cols] = True
    feasible = sm.feasible.copy()
    feasible[ok_r[ban], ok_c[ban]] = False
    view = type(sm)(**{**sm.__dict__, "feasible": feasible, "capacity": cap, "headcount": head})
    want = explain_columns(case, view, np.arange(m), filled, load, chosen, top)
    short = np.flatnonzero(filled < head)
    counts = explain_counts(
        Packed(sc), short, cap, load, top, prio, per_demand(pair_keys(rows, cols), m),
        per_demand(pair_keys(ok_r[ban], ok_c[ban]), m),
    )  # fmt: skip
    got = unfilled_from_counts(case, short, (head - filled)[short], counts)
    assert [u.model_dump() for u in got] == [u.model_dump() for u in want]
    return len(want)


@given(case=cases(max_cadres=12, max_demands=6), seed=st.integers(0, 2**32 - 1))
def test_counts_match_the_score_matrix_on_random_cases(case, seed) -> None:  # type: ignore[no-untyped-def]
    compare(case, seed)


def test_counts_match_the_score_matrix_on_a_generated_district() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        case = load_case(generate_case(Path(tmp) / "c", n_cadres=150, n_demands=60, seed=3))
    explained = [compare(case, seed) for seed in range(3)]
    assert min(explained) > 10, "the drawn plans leave demands short"


@given(case=cases(max_cadres=12, max_demands=6, dated=True), seed=st.integers(0, 2**32 - 1))
def test_counts_match_the_score_matrix_with_dated_orders(case, seed) -> None:  # type: ignore[no-untyped-def]
    compare(case, seed)


@given(case=cases(max_cadres=200, max_demands=8, dated=True), seed=st.integers(0, 2**32 - 1))
def test_counts_match_across_words_of_cadres(case, seed) -> None:  # type: ignore[no-untyped-def]
    compare(case, seed)


#: sparse: most needs carry a required level, certificates asked often and held rarely
SPARSE = Shape(required=(0.0, 0.3, 0.7), demand_certs=3.0, cadre_certs=0.5)


@settings(max_examples=20)
@given(
    seed=st.integers(0, 2**32 - 1),
    n_cadres=st.integers(60, 260),
    n_demands=st.integers(5, 60),
    dated=st.booleans(),
    no_limit=st.sampled_from([0.0, 0.1, 0.7]),
)
def test_counts_match_on_sparse_pools(  # type: ignore[no-untyped-def]
    seed, n_cadres, n_demands, dated, no_limit
) -> None:
    shape = Shape(**{**SPARSE.__dict__, "no_limit": no_limit})
    with tempfile.TemporaryDirectory() as tmp:
        folder = generate_case(
            Path(tmp) / "c", n_cadres=n_cadres, n_demands=n_demands, seed=seed % 10_000,
            n_dated=n_demands // 3 if dated else 0, shape=shape,
        )  # fmt: skip
        case = load_case(folder)
    compare(case, seed)
