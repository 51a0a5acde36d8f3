"""The streamed engine (big pools) gives what the dense one gives, without the matrices.

Every test shrinks the blocks and the first-round candidate lists, so tiny
cases exercise many blocks, the bounded pricing scans and the widening.
"""

from __future__ import annotations

import itertools
import tempfile
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import matcher.stream.certified as certified
import matcher.stream.live as streamed
from matcher import Cancelled, Case, Demand, EngineParams, Policy, load_case, propose
from matcher.generate import generate_case
from matcher.scoring import Scorer
from matcher.solver import SolverParams
from matcher.stream import PairStream
from tests.reference import check_rules
from tests.strategies import cases

#: two pairs per demand kept from the first scan, so pricing must scan
SHALLOW = EngineParams(reserve_max_depth=2)
#: tiny blocks and first-round lists: tiny cases exercise many blocks, the
#: bounded pricing scans and the widening
TINY = replace(
    SHALLOW, block_cells=7, min_rows=1, start_k=0, explain_cells=5, solver=SolverParams(add_k=1)
)


shared = settings(suppress_health_check=[HealthCheck.function_scoped_fixture])


def same_answers(case: Case, params: EngineParams = TINY) -> None:
    dense = propose(case, engine="dense")
    big = propose(case, engine="streamed", params=params)
    check_rules(case, big)
    assert big.certified and big.solver == "lp-streamed"
    assert big.objective == dense.objective
    assert big.kpis.slots_filled == dense.kpis.slots_filled
    on = {
        a.demand: {b.cadre for b in big.assignments if b.demand == a.demand}
        for a in big.assignments
    }
    on_dense = {
        a.demand: {b.cadre for b in dense.assignments if b.demand == a.demand}
        for a in dense.assignments
    }
    alts = {a.demand: a.alternatives for a in big.assignments}
    alts_dense = {a.demand: a.alternatives for a in dense.assignments}
    for d, mine in alts.items():
        if on.get(d) != on_dense.get(d):
            continue  # a tie: another optimal plan, with other cadres to replace
        # alternates inside the policy's band are always found, and agree to the digit
        assert [(x.cadre, x.loss) for x in mine] == [
            (x.cadre, x.loss) for x in alts_dense[d] if x.loss < case.policy.alternatives_within
        ]
    if on == on_dense:
        assert big.unfilled == dense.unfilled


@shared
@given(case=cases(max_cadres=10, max_demands=7))
def test_streamed_equals_dense_on_random_cases(case) -> None:  # type: ignore[no-untyped-def]
    same_answers(case)


@settings(
    max_examples=4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(seed=st.integers(0, 10_000), deep=st.booleans())
def test_streamed_equals_dense_on_generated_districts(seed, deep) -> None:  # type: ignore[no-untyped-def]
    params = replace(TINY, block_cells=4_000, explain_cells=2_000)
    if deep:  # a deep reserve, as by default: most pairs that matter are kept by the first scan
        params = replace(params, reserve_max_depth=24)
    with tempfile.TemporaryDirectory() as tmp:
        folder = generate_case(Path(tmp) / "c", n_cadres=160, n_demands=70, seed=seed)
        same_answers(load_case(folder), params)


def test_one_pair_lists_flag_rows_and_columns_and_still_reach_the_optimum(
    monkeypatch,
) -> None:  # type: ignore[no-untyped-def]
    # lists of one pair overflow all the time: the re-reads of flagged rows and
    # columns, not the lists, must then carry the certificate
    params = replace(TINY, cache_k=1, cache_slack=0)
    flagged: list[int] = []
    price = streamed.LivePlan._price

    def spy(self, *args):  # type: ignore[no-untyped-def]
        out = price(self, *args)
        if self.flags is not None:  # a scan ran (not only the cache or reserve)
            flagged.append(int(self.flags[0].sum() + self.flags[1].sum()))
        return out

    monkeypatch.setattr(streamed.LivePlan, "_price", spy)
    with tempfile.TemporaryDirectory() as tmp:
        case = load_case(generate_case(Path(tmp) / "c", n_cadres=120, n_demands=50, seed=4))
    same_answers(case, params)
    assert max(flagged) > 0, "some list came back full"


@pytest.mark.parametrize("band", [0.5, 2.0, 40.0])
def test_the_policy_band_bounds_the_alternates_and_keeps_them_exact(band) -> None:  # type: ignore[no-untyped-def]
    with tempfile.TemporaryDirectory() as tmp:
        case = load_case(generate_case(Path(tmp) / "c", n_cadres=90, n_demands=35, seed=6))
    case = case.with_policy(case.policy.model_copy(update={"alternatives_within": band}))
    got = propose(case, engine="streamed", params=TINY)
    assert got.alternatives_below == band
    assert all(x.loss < band for a in got.assignments for x in a.alternatives)
    same_answers(case)


def test_streamed_alternates_match_a_re_solve() -> None:  # type: ignore[no-untyped-def]
    with tempfile.TemporaryDirectory() as tmp:
        case = load_case(generate_case(Path(tmp) / "c", n_cadres=60, n_demands=25, seed=5))
    p = propose(case, engine="streamed", params=TINY)
    checked = 0
    for a in p.assignments:
        for alt in a.alternatives:
            again = propose(case, engine="dense", pinned=[(alt.cadre, a.demand)])
            assert alt.loss == pytest.approx(p.objective - again.objective, abs=1e-6)
            checked += 1
    assert checked > 10


def test_the_sample_streams_to_the_dense_optimum_with_pins_and_declines() -> None:
    case = load_case("data/sample-district")
    dense = propose(case, engine="dense")
    first = dense.assignments[0]
    swap = next(a for a in dense.assignments[5:] if a.alternatives)
    kw = {
        "pinned": [(swap.alternatives[0].cadre, swap.demand)],
        "excluded": [(first.cadre, first.demand)],
        "used_capacity": {dense.assignments[9].cadre: 1},
        "filled_slots": {dense.assignments[11].demand: 1},
    }
    a = propose(case, engine="dense", **kw)  # type: ignore[arg-type]
    b = propose(case, engine="streamed", **kw)  # type: ignore[arg-type]
    assert b.certified and a.objective == b.objective
    assert (first.cadre, first.demand) not in {(x.cadre, x.demand) for x in b.assignments}
    pins = [x for x in b.assignments if x.pinned]
    assert [(x.cadre, x.demand) for x in pins] == kw["pinned"]


def test_blocks_cover_every_usable_pair_exactly_once() -> None:
    sc = Scorer(load_case("data/sample-district"))
    params = EngineParams(block_cells=5_000, min_rows=1)
    stream = PairStream(sc, sc.capacity, sc.headcount, params=params)
    seen = np.zeros((sc.n, sc.m), int)
    for r, c in stream.blocks:
        seen[np.ix_(r, c)] += 1
    assert seen.max() == 1
    sm = sc.block()
    usable = sm.feasible & (sm.scores > 0)
    assert (seen[usable] == 1).all(), "a usable pair lies outside every block"
    assert len(list(stream.blocks)) > 5 and seen.sum() < sc.n * sc.m


def test_grid_and_pairs_agree_with_the_block_bit_for_bit() -> None:
    sc = Scorer(load_case("data/sample-district"))
    rows, cols = np.arange(40, 90), np.arange(sc.m)[::-3]
    block = sc.block(rows, cols)
    scores, feasible = sc.grid(rows, cols)
    assert (scores == block.scores).all() and (feasible == block.feasible).all()
    r, c = np.meshgrid(rows, cols, indexing="ij")
    pairs = sc.pairs(r.ravel(), c.ravel())
    assert (pairs.scores == block.scores.ravel()).all()
    assert (pairs.fit == block.fit.ravel()).all()
    assert all((pairs.parts[t] == block.parts[t].ravel()).all() for t in block.parts)


def test_a_streamed_proposal_reports_progress_and_can_be_cancelled() -> None:  # type: ignore[no-untyped-def]
    case = load_case("data/sample-district")
    seen: list[tuple[str, float | None]] = []

    def watch(phase: str, fraction: float | None = None) -> None:
        seen.append((phase, fraction))
        if phase == "pricing":
            raise Cancelled("stop")

    with pytest.raises(Cancelled):
        propose(case, engine="streamed", params=TINY, progress=watch)
    fractions = [f for p, f in seen if p == "scoring pairs" and f is not None]
    assert fractions and fractions == sorted(fractions) and fractions[-1] == pytest.approx(1.0)


def test_demands_filled_only_by_pins_get_alternates_too() -> None:
    from matcher import Cadre, Community, default_taxonomy

    tax = default_taxonomy()
    t, w = tax.tag_slugs[0], tax.tag_slugs[5]
    case = Case(
        tax,
        (Community("C0", "c", "s", 32.05, 118.75),),
        (
            Cadre("P0", "a", "C0", {t: 5}),
            Cadre("P1", "b", "C0", {t: 4}),
            Cadre("P2", "c", "C0", {t: 3}),
        ),
        (
            Demand("D0", "C0", "x", {t: 5, w: 1}, headcount=2, priority=5),
            Demand("D1", "C0", "y", {t: 5}, priority=5),
            Demand("D2", "C0", "z", {t: 5}, priority=5),
        ),
    )
    # D0's second slot stays empty: its only solver-chosen cadre is the pin. Its
    # alternates cost a whole skill level: the band must reach that far
    case = case.with_policy(Policy(alternatives_within=100.0))
    d = propose(case, engine="dense", pinned=[("P2", "D0")])
    b = propose(case, engine="streamed", pinned=[("P2", "D0")])
    alts = {x.demand: [(y.cadre, y.loss) for y in x.alternatives] for x in b.assignments}
    assert alts["D0"], "the pinned demand lists who else could go"
    dense = {x.demand: [(y.cadre, y.loss) for y in x.alternatives] for x in d.assignments}
    assert alts["D0"] == dense["D0"]  # D1 and D2 tie: either plan may hold P0 or P1


def test_progress_is_monotonic_and_old_one_argument_callbacks_still_work() -> None:  # type: ignore[no-untyped-def]
    case = load_case("data/sample-district")
    seen: list[tuple[str, float | None]] = []
    propose(case, engine="streamed", params=TINY, progress=lambda p, f=None: seen.append((p, f)))
    # within one scan (a run of the same phase) the fraction never goes back
    for phase, run in itertools.groupby(seen, key=lambda e: e[0]):
        got = [f for _, f in run if f is not None]
        assert got == sorted(got), phase
    phases: list[str] = []
    propose(case, engine="streamed", params=TINY, progress=phases.append)
    assert phases[0] == "scoring pairs" and "explaining" in phases
    assert all(a != b for a, b in itertools.pairwise(phases)), "each phase once as it starts"


def test_an_unknown_engine_is_an_input_error() -> None:
    from matcher import InputError

    with pytest.raises(InputError, match="unknown engine"):
        propose(load_case("data/sample-district"), engine="stream")  # type: ignore[arg-type]


def test_the_certifying_scan_serves_the_alternates_and_matches_a_scan_of_their_own(
    monkeypatch,
) -> None:  # type: ignore[no-untyped-def]
    with tempfile.TemporaryDirectory() as tmp:
        case = load_case(generate_case(Path(tmp) / "c", n_cadres=90, n_demands=40, seed=11))
    phases: list[str] = []

    def run() -> dict[str, list[tuple[str, float]]]:
        phases.clear()
        p = propose(
            case, engine="streamed", params=TINY, progress=lambda ph, f=None: phases.append(ph)
        )
        return {a.demand: [(x.cadre, x.loss) for x in a.alternatives] for a in p.assignments}

    shared_scan = run()
    monkeypatch.setattr(certified, "_same", lambda a, b: False)  # as if the duals moved
    re_read = run()  # the near set is brought up to date by re-reading what fell
    assert "pricing alternates" in phases
    # no near set kept by pricing at all: the alternates scan every pair themselves
    forget = property(lambda self: None, lambda self, value: None)
    monkeypatch.setattr(streamed.LivePlan, "priced", forget, raising=False)
    own_scan = run()
    assert "pricing alternates" in phases
    assert shared_scan == re_read == own_scan and any(shared_scan.values())


def test_a_near_tight_budget_shortens_alternates_but_keeps_them_exact(
    monkeypatch,
) -> None:  # type: ignore[no-untyped-def]
    with tempfile.TemporaryDirectory() as tmp:
        case = load_case(generate_case(Path(tmp) / "c", n_cadres=60, n_demands=25, seed=5))
    full = propose(case, engine="streamed", params=TINY)
    # a few pairs per cadre and demand
    short = propose(case, engine="streamed", params=replace(TINY, near_budget=0.05))
    assert short.objective == full.objective and short.certified
    whole = {a.demand: [(x.cadre, x.loss) for x in a.alternatives] for a in full.assignments}
    cut = {a.demand: [(x.cadre, x.loss) for x in a.alternatives] for a in short.assignments}
    assert sum(map(len, cut.values())) < sum(map(len, whole.values()))
    band = case.policy.alternatives_within
    assert full.alternatives_below == band
    assert short.alternatives_below is not None and short.alternatives_below < band
    assert all(x.loss < short.alternatives_below for a in short.assignments for x in a.alternatives)
    assert propose(case, engine="dense").alternatives_below is None
    for d, alts in cut.items():  # the cheapest ones, still exact: a prefix of the full list
        assert alts == whole[d][: len(alts)]


@pytest.mark.parametrize("seed", [2, 3])
def test_a_band_kept_through_partial_scans_on_a_tight_budget_stays_exact(seed) -> None:  # type: ignore[no-untyped-def]
    """The first solve's later pricing scans keep the band current on what they
    read; when the budget raises the floor in one of them, the band is complete
    only above the highest floor any used, and the alternates must say so."""
    with tempfile.TemporaryDirectory() as tmp:
        case = load_case(generate_case(Path(tmp) / "c", n_cadres=90, n_demands=60, seed=seed))
    case = case.with_policy(case.policy.model_copy(update={"alternatives_within": 10.0}))
    tight = replace(
        TINY, block_cells=4_000, explain_cells=2_000, near_budget=3.0, cache_k=2, cache_slack=0
    )
    dense = propose(case, engine="dense")
    big = propose(case, engine="streamed", params=tight)
    assert big.certified and big.objective == dense.objective
    below = big.alternatives_below
    assert below is not None and below < 10.0  # the budget did bite
    on, on_dense = {}, {}
    for plan, into in ((big, on), (dense, on_dense)):
        for a in plan.assignments:
            into.setdefault(a.demand, set()).add(a.cadre)
    alts_dense = {a.demand: a.alternatives for a in dense.assignments}
    for a in big.assignments:
        if on[a.demand] == on_dense.get(a.demand):  # else a tie: another optimal plan
            assert [(x.cadre, x.loss) for x in a.alternatives] == [
                (x.cadre, x.loss) for x in alts_dense[a.demand] if x.loss < below
            ]


@shared
@given(case=cases(max_cadres=10, max_demands=7, dated=True))
def test_streamed_equals_dense_with_dated_orders(case) -> None:  # type: ignore[no-untyped-def]
    # dated orders take the MILP path whichever engine is asked for (matcher.sideplan);
    # its reasons come from the compiled counts, which read the time rules as the
    # dense rule table does
    dense = propose(case, engine="dense")
    big = propose(case, engine="streamed", params=TINY)
    assert big.certified and dense.certified and big.objective == dense.objective
    dated = {d.id for d in case.demands if d.start is not None}
    if any(a.demand in dated for a in big.assignments):
        assert big.solver == dense.solver == "milp"
    if big.assignments == dense.assignments:
        assert big.unfilled == dense.unfilled
