"""The compiled scan keeps exactly what the numpy formula says it should.

The reference is :meth:`Scorer.grid` plus plain numpy selection: every test
draws duals, floors, masks, bounds and bans, and checks the kernel's pairs,
lists and left-out bounds against it, bit for bit.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from matcher import load_case
from matcher.generate import generate_case
from matcher.scoring import Scorer
from matcher.solver import SCALE, quantise
from matcher.stream.packed import Packed
from matcher.stream.reserve import ColumnReserve
from tests.strategies import cases


def category_fit_bound(sc: Scorer, r, c):  # type: ignore[no-untyped-def]
    """Per pair, the fit if every needed tag of a category met the cadre's best
    effective level in it (capped by the need): the kernel's bound, in numpy."""
    cat = sc.case.taxonomy.category_index()
    cov = np.zeros((r.size, c.size))
    for g in np.unique(cat):
        best = sc.eff[np.ix_(r, cat == g)].max(axis=1, initial=0.0)[:, None]
        need = sc.need[np.ix_(c, cat == g)]
        n_g, s_g, m_g = (need > 0).sum(axis=1), need.sum(axis=1), need.max(axis=1, initial=0.0)
        cov += np.where(n_g > 0, np.minimum(s_g, n_g * np.minimum(best, m_g)), 0.0)
    tot = sc.total_need[c][None, :]
    return np.where(tot > 0, cov / np.where(tot > 0, tot, 1.0), 1.0)


def reference(sc: Scorer, r, c, u, v, floor, known, only, banned, formula=True):  # type: ignore[no-untyped-def]
    scores, feasible = sc.grid(r, c)
    q = quantise(scores)
    read = np.ones(q.shape, bool)
    if only is not None:
        read &= only[0][r][:, None] | only[1][c][None, :]
    scored = read
    if known is not None and floor < np.inf:
        ub = np.minimum(known[0][r][:, None], known[1][c][None, :])
        uv = u[r][:, None] + v[c][None, :]
        ub_read = ub_score = ub
        if formula:
            # the formula's own bounds, each term's rounding allowed for: a perfect
            # skill fit decides which cells are read, and a fit no better than each
            # category's best level which of those are scored
            km = sc.km_comm[np.ix_(sc.home[r], sc.where[c])]
            status = sc.cadre_term[r][:, None] * SCALE
            perfect = (sc.fill[c][None, :] + sc.w_skill + 3e-4) * SCALE + status
            by_cat = (
                sc.fill[c][None, :] + sc.w_skill * category_fit_bound(sc, r, c) + 3e-4
            ) * SCALE
            ub_read = np.minimum(ub, perfect - sc.w_travel * SCALE * km)
            ub_score = np.minimum(ub, by_cat + status - sc.w_travel * SCALE * km)
        read = read & (ub_read - uv > floor)
        scored = read & (ub_score - uv > floor)
    usable = scored & feasible & (q > 0)
    for i, j in banned:
        usable[(r == i)[:, None] & (c == j)[None, :]] = False
    rc = np.where(usable, q - u[r][:, None] - v[c][None, :], -np.inf)
    return rc, q, int((read & feasible).sum())


def check(sc: Scorer, r, c, rng, banned_pairs, use_known, use_only) -> None:  # type: ignore[no-untyped-def]
    u = np.floor(rng.random(sc.n) * 3) * 1e6 * rng.integers(0, 2)
    v = np.floor(rng.random(sc.m) * 3) * 1e6 * rng.integers(0, 2)
    # a floor among the scores makes the formula's own bound skip cells
    q = quantise(sc.grid(r, c)[0])
    among = float(np.quantile(q[q > 0], 0.7)) if (q > 0).any() else 0.0
    floor = float(rng.choice([-np.inf, -5e6, 0.0, 1e7, among]))
    known = (rng.random(sc.n) * 8e7, rng.random(sc.m) * 8e7) if use_known else None
    only = (rng.random(sc.n) < 0.5, rng.random(sc.m) < 0.5) if use_only else None
    # without lists, a scan may also skip cells by the tighter per-category bound
    lists = rng.random() < 0.7
    row_k = rng.integers(0, 4, r.size) if lists else None
    col_k = int(rng.integers(0, 4)) if lists else 0
    keys = np.array([(i << 32) | j for i, j in banned_pairs], np.int64)
    ptr = np.zeros(sc.m + 1, np.int64)
    rows = np.zeros(0, np.int64)
    if keys.size:
        cols = keys & 0xFFFFFFFF
        order = np.argsort(cols, kind="stable")
        np.cumsum(np.bincount(cols, minlength=sc.m), out=ptr[1:])
        rows = (keys >> 32)[order]
    got = Packed(sc).scan(
        r, c, u, v, floor=floor, row_k=row_k, col_k=col_k, known=known, only=only,
        banned=(ptr, rows) if keys.size else None,
    )  # fmt: skip
    rc, q, feasible = reference(sc, r, c, u, v, floor, known, only, banned_pairs)
    assert got.feasible == feasible
    # pairs above the floor: the same set, with the same grid scores
    if floor < np.inf:
        ii, jj = np.nonzero(rc > floor)
        want = sorted(zip(r[ii].tolist(), c[jj].tolist(), q[ii, jj].tolist(), strict=True))
        have = sorted(
            zip(got.above_rows.tolist(), got.above_cols.tolist(), got.above_q.tolist(), strict=True)
        )
        assert have == want
        # and the formula's bound is sound: without it, the same pairs clear the floor
        rc_all = reference(sc, r, c, u, v, floor, known, only, banned_pairs, formula=False)[0]
        assert np.array_equal(rc_all > floor, rc > floor)
    if not lists:
        assert (
            got.row_rest.tolist() == [np.inf] * r.size
            and got.col_rest.tolist() == [np.inf] * c.size
        )
        return
    assert row_k is not None
    # each row's list: its k best reduced costs, best first, then the best left out
    ordered = -np.sort(-rc, axis=1)
    for a in range(r.size):
        k = int(row_k[a])
        finite = ordered[a][np.isfinite(ordered[a])]
        assert got.row_val[a][: min(k, finite.size)].tolist() == finite[:k].tolist()
        assert got.row_rest[a] == (finite[k] if finite.size > k else -np.inf)
        for b in range(min(k, finite.size)):  # a listed pair carries its own score
            col = int(np.flatnonzero(c == got.row_col[a, b])[0])
            assert rc[a, col] == got.row_val[a, b] and q[a, col] == got.row_q[a, b]
    by_col = -np.sort(-rc, axis=0)
    for b in range(c.size):
        finite = by_col[:, b][np.isfinite(by_col[:, b])]
        kk = min(col_k, finite.size)
        assert got.col_val[b][:kk].tolist() == finite[:kk].tolist()
        assert got.col_rest[b] == (finite[col_k] if finite.size > col_k else -np.inf)


@settings(max_examples=60)
@given(
    case=cases(max_cadres=9, max_demands=6),
    seed=st.integers(0, 2**32 - 1),
    flags=st.integers(0, 7),
)
def test_scan_matches_the_numpy_formula_on_random_cases(case, seed, flags) -> None:  # type: ignore[no-untyped-def]
    sc = Scorer(case)
    rng = np.random.default_rng(seed)
    r = rng.permutation(sc.n)[: int(rng.integers(0, sc.n + 1))]
    c = rng.permutation(sc.m)[: int(rng.integers(0, sc.m + 1))]
    banned = []
    if flags & 4 and r.size and c.size:
        banned = [(int(rng.choice(r)), int(rng.choice(c))) for _ in range(3)]
    check(sc, r, c, rng, banned, bool(flags & 1), bool(flags & 2))


@settings(max_examples=60)
@given(
    case=cases(max_cadres=9, max_demands=6),
    seed=st.integers(0, 2**32 - 1),
    k=st.integers(1, 4),
    spare=st.integers(1, 3),
)
def test_a_scan_fills_demand_lists_in_place_with_their_best(case, seed, k, spare) -> None:  # type: ignore[no-untyped-def]
    sc = Scorer(case)
    rng = np.random.default_rng(seed)
    r = rng.permutation(sc.n)[: int(rng.integers(0, sc.n + 1))]
    c = rng.permutation(sc.m)[: int(rng.integers(0, sc.m + 1))]
    check_lists(sc, r, c, rng, k, spare)


def check_lists(sc: Scorer, r, c, rng, k: int, spare: int) -> None:  # type: ignore[no-untyped-def]
    u = np.floor(rng.random(sc.n) * 3) * 1e6 * rng.integers(0, 2)
    v = np.floor(rng.random(sc.m) * 3) * 1e6 * rng.integers(0, 2)
    q = quantise(sc.grid(r, c)[0])
    among = float(np.quantile(q[q > 0], 0.6)) if (q > 0).any() else 0.0
    floor = float(rng.choice([-np.inf, 0.0, among]))
    # some lists already hold pairs from earlier blocks: their bars turn cells away
    res = ColumnReserve(sc.m, k, spare)
    held: dict[int, list[float]] = {j: [] for j in range(sc.m)}
    for j in range(sc.m):
        # bars at the column's own scores: a bound a hair too eager would show
        mine = q[:, c == j].ravel() if (c == j).any() else np.zeros(0)
        pool = np.concatenate([[0.0, among, 2 * among + 1e6], mine[mine > 0]])
        for _ in range(int(rng.integers(0, k + spare + 2))):
            x = float(rng.choice(pool))
            res.push(np.array([-1]), np.array([j]), np.array([x]))
            held[j].append(x)
    got = Packed(sc).scan(r, c, u, v, floor=floor, above_floor=floor, into=res.lists)
    assert got.above_rows.size == 0
    rc, q, _ = reference(sc, r, c, u, v, floor, None, None, [])
    res.bound()
    for j in range(sc.m):
        offered = list(held[j])
        if j in set(c.tolist()):
            b = int(np.flatnonzero(c == j)[0])
            offered += q[:, b][rc[:, b] > floor].tolist()
        want = sorted(offered, reverse=True)[:k]
        have = sorted(res.q[j, : res.size[j]].tolist(), reverse=True)
        assert have == want
        for p in range(int(res.size[j])):  # a cadre's pair carries its own score
            i = int(res.row[j, p])
            if i >= 0:
                a, b = int(np.flatnonzero(r == i)[0]), int(np.flatnonzero(c == j)[0])
                assert res.q[j, p] == q[a, b] and rc[a, b] > floor


def test_scan_matches_the_numpy_formula_on_a_generated_district() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        case = load_case(generate_case(Path(tmp) / "c", n_cadres=300, n_demands=120, seed=5))
    sc = Scorer(case)
    rng = np.random.default_rng(5)
    for k in range(4):
        r = np.sort(rng.choice(sc.n, 80, replace=False))
        c = rng.choice(sc.m, 50, replace=False)
        check(sc, r, c, rng, [(int(r[0]), int(c[0]))], k % 2 == 0, k >= 2)
        check_lists(sc, r, c, rng, 1 + 3 * k, 1 + k)


def test_the_formula_bound_skips_only_cells_that_cannot_clear_the_floor() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        case = load_case(generate_case(Path(tmp) / "c", n_cadres=300, n_demands=120, seed=7))
    sc = Scorer(case)
    r, c = np.arange(sc.n), np.arange(sc.m)
    u, v = np.zeros(sc.n), np.zeros(sc.m)
    q = quantise(sc.grid(r, c)[0])
    floor = float(np.quantile(q[q > 0], 0.8))
    unknown = (np.full(sc.n, np.inf), np.full(sc.m, np.inf))  # only the formula bounds
    got = Packed(sc).scan(r, c, u, v, floor=floor, known=unknown)
    everything = Packed(sc).scan(r, c, u, v, floor=floor)
    _, _, read = reference(sc, r, c, u, v, floor, unknown, None, [])
    assert got.feasible == read < everything.feasible, "the bound skipped cells"
    assert sorted(got.above_q.tolist()) == sorted(everything.above_q.tolist())
    assert got.above_q.size == int((q > floor).sum())


def test_a_scan_keeping_no_lists_claims_no_bound() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        case = load_case(generate_case(Path(tmp) / "c", n_cadres=60, n_demands=20, seed=2))
    sc = Scorer(case)
    r, c = np.arange(sc.n), np.arange(sc.m)
    got = Packed(sc).scan(r, c, np.zeros(sc.n), np.zeros(sc.m), floor=-np.inf)
    assert got.above_q.size > 0  # it did read and keep pairs
    # without row or column lists nothing is known of what they would leave out
    assert np.isposinf(got.row_rest).all() and np.isposinf(got.col_rest).all()
    listed = Packed(sc).scan(r, c, np.zeros(sc.n), np.zeros(sc.m), floor=-np.inf, col_k=1)
    assert not np.isposinf(listed.col_rest).all()


@settings(max_examples=60)
@given(
    case=cases(max_cadres=9, max_demands=6, dated=True),
    seed=st.integers(0, 2**32 - 1),
    flags=st.integers(0, 7),
)
def test_scan_keeps_the_time_rules_of_dated_orders(case, seed, flags) -> None:  # type: ignore[no-untyped-def]
    sc = Scorer(case)
    rng = np.random.default_rng(seed)
    r = rng.permutation(sc.n)[: int(rng.integers(0, sc.n + 1))]
    c = rng.permutation(sc.m)[: int(rng.integers(0, sc.m + 1))]
    check(sc, r, c, rng, [], bool(flags & 1), bool(flags & 2))
