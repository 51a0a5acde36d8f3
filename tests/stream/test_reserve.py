"""Each demand's deep list keeps exactly its best pairs, however they arrive.

The reference is a plain sort of everything offered, per column; and, through
a whole scan in lanes, of every usable pair the numpy formula scores.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from matcher import EngineParams, load_case
from matcher.generate import generate_case
from matcher.scoring import Scorer
from matcher.solver import quantise
from matcher.solver.keys import pair_keys
from matcher.stream.blocks import PairStream
from matcher.stream.reserve import ColumnReserve


@given(
    seed=st.integers(0, 2**32 - 1),
    k=st.integers(1, 6),
    spare=st.integers(1, 5),
    batches=st.integers(1, 6),
)
def test_each_column_keeps_its_k_best_and_bounds_the_rest(seed, k, spare, batches) -> None:  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(seed)
    m, n = 4, 30
    res = ColumnReserve(m, k, spare=spare)
    offered: list[tuple[int, int, float]] = []
    for _ in range(batches):
        size = int(rng.integers(0, 25))
        rows = rng.integers(0, n, size)
        cols = rng.integers(0, m, size)
        q = rng.integers(1, 6, size).astype(float) * 1e6  # few values: many ties
        res.push(rows, cols, q)
        offered += zip(rows.tolist(), cols.tolist(), q.tolist(), strict=True)
    bound = res.bound()
    first = rng.integers(0, k + 2, m)
    top = res.start(first)
    u, v = np.zeros(n), np.zeros(m)
    rest = res.over(u, v, -np.inf)
    assert len(rest) == len(res)
    for j in range(m):
        mine = sorted((q for _, c, q in offered if c == j), reverse=True)
        kept_top = top.q[top.cols == j]
        kept_rest = rest.q[rest.cols == j]
        # the k best scores (ties at the bar broken either way), the best first[j] first
        assert sorted([*kept_top, *kept_rest], reverse=True) == mine[:k]
        assert sorted(kept_top, reverse=True) == mine[: min(first[j], k)]
        assert bound[j] == (mine[k - 1] if len(mine) > k else -np.inf)
        assert all(q <= bound[j] for q in mine[k:])
        # every pair handed back is one that was offered for that column
        for part in (top, rest):
            rows, qs = part.rows[part.cols == j], part.q[part.cols == j]
            for i, q in zip(rows.tolist(), qs.tolist(), strict=True):
                assert (i, j, q) in offered


@given(seed=st.integers(0, 2**32 - 1))
def test_over_prices_the_rest_and_bans_stick(seed) -> None:  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(seed)
    n, m = 12, 3
    res = ColumnReserve(m, 5, spare=2)
    pairs = rng.permutation(n * m)  # each pair once, in a random order
    rows, cols = pairs // m, pairs % m
    q = rng.integers(1, 9, n * m).astype(float) * 1e6
    res.push(rows, cols, q)
    res.bound()
    res.start(np.ones(m, np.int64))
    everything = res.over(np.zeros(n), np.zeros(m), -np.inf)
    u = rng.integers(0, 4, n) * 1e6
    v = rng.integers(0, 4, m) * 1e6
    floor = float(rng.integers(-2, 3)) * 1e6
    got = res.over(u, v, floor)
    want = everything.q - u[everything.rows] - v[everything.cols] > floor
    assert sorted(pair_keys(got.rows, got.cols).tolist()) == sorted(
        pair_keys(everything.rows[want], everything.cols[want]).tolist()
    )
    gone = pair_keys(everything.rows[::2], everything.cols[::2])
    res.ban(gone)
    left = res.over(np.zeros(n), np.zeros(m), -np.inf)
    assert not np.isin(pair_keys(left.rows, left.cols), gone).any()
    assert len(left) == len(everything) - gone.size


def test_a_reserve_refuses_sizes_its_compiled_pushes_cannot_take() -> None:
    with pytest.raises(ValueError, match="spare >= 1"):
        ColumnReserve(3, 2, spare=0)


def test_depth_follows_the_pool_and_stays_within_bounds() -> None:
    reserve_depth = EngineParams().reserve_depth
    assert reserve_depth(20_000, 8_000) == 224
    assert reserve_depth(100, 10_000) == 64  # many demands, few cadres: reserve_per_node each
    assert reserve_depth(10**6, 10) == 256  # few demands: the cap
    assert reserve_depth(0, 0) == 1  # an empty pool still gets a list it can hold
    assert reserve_depth(100_000, 40_000) == 448  # a wide pool (metro): twice as deep


@pytest.mark.parametrize("workers", [1, 2])
def test_a_scan_fills_each_demands_list_with_its_best_usable_pairs(workers) -> None:  # type: ignore[no-untyped-def]
    # tiny blocks and a one-slot buffer: lists overflow and are cut all through the
    # scan, and the floors they hand back to the kernel skip pairs in later blocks
    params = EngineParams(block_cells=300, min_rows=1, workers=workers)
    with tempfile.TemporaryDirectory() as tmp:
        case = load_case(generate_case(Path(tmp) / "c", n_cadres=140, n_demands=40, seed=3))
    sc = Scorer(case)
    stream = PairStream(sc, np.where(sc.red, 0, sc.capacity), sc.headcount, params=params)
    k = 5
    deep = ColumnReserve(sc.m, k, spare=1)
    stream.scan(above_floor=0.0, reserve=deep)
    bound = deep.bound()
    kept = deep.over(np.zeros(sc.n), np.zeros(sc.m), -np.inf)
    scores, feasible = sc.grid(np.arange(sc.n), np.arange(sc.m))
    q = quantise(scores)
    usable = feasible & (q > 0) & stream.row_ok[:, None] & stream.col_ok[None, :]
    for j in range(sc.m):
        mine = np.sort(q[usable[:, j], j])[::-1]
        got = kept.q[kept.cols == j]
        assert sorted(got.tolist(), reverse=True) == mine[:k].tolist()
        assert bound[j] == (mine[k - 1] if mine.size > k else -np.inf)
        rows = kept.rows[kept.cols == j]
        assert usable[rows, j].all() and np.array_equal(q[rows, j], got)
