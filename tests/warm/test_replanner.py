"""Warm re-proposals reach the optimum a cold solve of the changed case finds."""

from __future__ import annotations

import math
import tempfile
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import matcher.stream.live as streamed
from matcher import Cancelled, CaseError, Demand, EngineParams, load_case, propose
from matcher.generate import generate_case
from matcher.scoring import Scorer
from matcher.solver.keys import pair_keys, unpair_keys
from matcher.stream import PairStream
from matcher.warm.replanner import Replanner
from tests.reference import check_rules

#: small blocks, and two pairs per demand kept from the first scan so pricing must scan
SMALL = EngineParams(block_cells=3_000, min_rows=1, reserve_max_depth=2)


def order(k: int, community: str, tag: str, level: int, head: int) -> Demand:
    return Demand(f"DX{k}", community, f"新工单{k}", {tag: level}, headcount=head, priority=4)


TAGS = ("urban.elevator_retrofit", "livelihood.elderly_care", "governance.neighbourhood_mediation")


@settings(
    max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(seed=st.integers(0, 10_000), edits=st.lists(st.integers(0, 2), min_size=1, max_size=4))
def test_every_edit_lands_on_the_cold_optimum(seed, edits) -> None:  # type: ignore[no-untyped-def]
    with tempfile.TemporaryDirectory() as tmp:
        case = load_case(generate_case(Path(tmp) / "c", n_cadres=150, n_demands=60, seed=seed))
    plan = Replanner(case, params=SMALL)
    assert plan.objective == propose(case, engine="dense").objective
    for k, kind in enumerate(edits):
        if kind == 0:
            comm = case.communities[(seed + k) % len(case.communities)].id
            plan.add_demand(order(k, comm, TAGS[k % 3], 2 + k % 3, 1 + k % 2))
        elif kind == 1:
            plan.close_demand(plan.pairs()[k % len(plan.pairs())][1])
        else:
            plan.withdraw_cadre(plan.pairs()[(3 * k) % len(plan.pairs())][0])
        cold = propose(plan.case, engine="dense")
        assert plan.certified
        assert plan.objective == pytest.approx(cold.objective, abs=1e-6)
    warm = plan.proposal()
    check_rules(plan.case, warm)
    assert warm.certified and warm.objective == pytest.approx(cold.objective, abs=1e-6)


def test_the_sample_takes_a_new_work_order_warm() -> None:
    case = load_case("data/sample-district")
    plan = Replanner(case)
    plan.add_demand(order(1, "C001", "urban.elevator_retrofit", 3, 2))
    cold = propose(plan.case)
    assert plan.objective == pytest.approx(cold.objective, abs=1e-6)
    assert any(d == "DX1" for _, d in plan.pairs())


def test_an_edit_re_prices_only_the_pairs_whose_duals_fell(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # the LP starts from every pair of the deep lists, so the cold solve's own
    # pricing is one scan: what follows is the edits' alone
    plan = Replanner(load_case("data/sample-district"), params=EngineParams(start_k=10_000))
    assert plan.certified
    reads: list[bool] = []
    scan = PairStream.scan

    def spy(self, *args, **kw):  # type: ignore[no-untyped-def]
        reads.append(kw.get("only") is None)
        return scan(self, *args, **kw)

    monkeypatch.setattr(PairStream, "scan", spy)
    for k, tag in enumerate(TAGS):
        plan.add_demand(order(k, "C001", tag, 3, 2))
        plan.withdraw_cadre(plan.pairs()[k][0])
    assert reads, "the edits were priced by scans"
    assert not any(reads), "no edit reads every pair again"
    assert plan.objective == pytest.approx(propose(plan.case).objective, abs=1e-6)


def test_a_cancelled_edit_is_re_solved_cold_on_next_use() -> None:
    case = load_case("data/sample-district")
    stop = [True]

    def watch(phase: str, fraction: float | None = None) -> None:
        if stop[0] and phase == "solving":
            raise Cancelled("stop")

    plan = Replanner(case)
    plan.step = watch
    gone = plan.pairs()[3][0]
    with pytest.raises(Cancelled):
        plan.withdraw_cadre(gone)
    stop[0] = False
    assert gone not in {c for c, _ in plan.pairs()}
    assert plan.certified
    assert plan.objective == propose(plan.case, engine="dense").objective


def test_a_bad_demand_changes_nothing() -> None:
    plan = Replanner(load_case("data/sample-district"))
    before = (plan.objective, len(plan.case.demands))
    for bad, why in [
        (Demand("DX1", "C001", "x", {"urban.no_such_tag": 3}), "unknown tag"),
        (Demand("DX1", "C001", "x", {TAGS[0]: 9}), "outside 1-5"),
        (Demand("DX1", "C001", "x", {TAGS[0]: 2}, headcount=0), "headcount"),
        (Demand("DX1", "C001", "x", {TAGS[0]: 2}, priority=7), "priority"),
    ]:
        with pytest.raises(CaseError, match=why):
            plan.add_demand(bad)
    assert (plan.objective, len(plan.case.demands)) == before
    plan.add_demand(order(1, "C001", TAGS[0], 3, 1))
    assert plan.objective == propose(plan.case, engine="dense").objective


def test_bad_edits_name_what_is_wrong() -> None:
    plan = Replanner(load_case("data/sample-district"))
    with pytest.raises(CaseError, match="unknown id"):
        plan.close_demand("D-nope")
    with pytest.raises(CaseError, match="unknown id"):
        plan.withdraw_cadre("P-nope")
    with pytest.raises(CaseError, match="already in the case"):
        plan.add_demand(order(1, "C001", TAGS[0], 2, 1).__class__("D0001", "C001", "x", {}))
    with pytest.raises(CaseError, match="unknown community"):
        plan.add_demand(order(2, "C-nowhere", TAGS[0], 2, 1))


@settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    seed=st.integers(0, 10_000),
    edits=st.lists(st.tuples(st.integers(0, 2), st.integers(0, 2**16)), min_size=2, max_size=5),
    deep=st.booleans(),
)
def test_bans_and_new_bounds_land_on_the_cold_optimum(seed, edits, deep) -> None:  # type: ignore[no-untyped-def]
    # what a dispatcher's loop does to a solved pool: declines (bans), dispatches
    # made or finished (capacities and headcounts down or back up, to 0 and back)
    params = replace(SMALL, explain_cells=200)  # reopened rows held a few at a time
    if deep:  # the LP starts from each demand's headcount; the rest wait in deep lists
        params = replace(params, reserve_max_depth=24, start_k=0)
    with tempfile.TemporaryDirectory() as tmp:
        case = load_case(generate_case(Path(tmp) / "c", n_cadres=120, n_demands=50, seed=seed))
    sc = Scorer(case)
    full_cap = np.where(sc.red, 0, sc.capacity)
    cap, head = full_cap.copy(), sc.headcount.copy()
    # some start shut (on leave, a paused work order): their pairs were never read
    cap[np.arange(seed % 7, sc.n, 9)] = 0
    head[np.arange(seed % 5, sc.m, 8)] = 0
    banned = np.zeros(0, np.int64)
    live = streamed.LivePlan(sc, cap, head, banned, lambda *_: None, params)
    for kind, pick in edits:
        rng = np.random.default_rng(pick)
        res = live.result
        if kind == 0 and res.rows.size:  # decline some chosen pairs and a few others
            k = rng.choice(res.rows.size, min(2, res.rows.size), replace=False)
            extra = pair_keys(rng.integers(0, sc.n, 3), rng.integers(0, sc.m, 3))
            new = np.union1d(pair_keys(res.rows[k], res.cols[k]), extra)
            banned = np.union1d(banned, new)
            live.ban(new)
        else:
            rows = rng.choice(sc.n, 6, replace=False)
            cols = rng.choice(sc.m, 4, replace=False)
            if kind == 2:  # some that were shut come back (or any, if none was)
                rows = np.union1d(np.flatnonzero((cap == 0) & (full_cap > 0))[:3], rows[:3])
                cols = np.union1d(np.flatnonzero((head == 0) & (sc.headcount > 0))[:2], cols[:2])
                cap[rows], head[cols] = full_cap[rows], sc.headcount[cols]
            else:  # some shut, some down
                cap[rows] = rng.integers(0, full_cap[rows] + 1)
                head[cols] = rng.integers(0, sc.headcount[cols] + 1)
                cap[rows[:2]], head[cols[:1]] = 0, 0
            live.set_bounds(cap, head)
        res = live.result
        assert res.u is not None, "the warm plan is certified"
        assert not np.isin(pair_keys(res.rows, res.cols), banned).any()
        assert (np.bincount(res.rows, minlength=sc.n) <= cap).all()
        assert (np.bincount(res.cols, minlength=sc.m) <= head).all()
        cold = propose(
            case,
            engine="dense",
            excluded=[
                (sc.cadre_ids[i], sc.demand_ids[j])
                for i, j in zip(*(x.tolist() for x in unpair_keys(banned)), strict=True)
            ],
            used_capacity=dict(zip(sc.cadre_ids, (sc.capacity - cap).tolist(), strict=True)),
            filled_slots=dict(zip(sc.demand_ids, (sc.headcount - head).tolist(), strict=True)),
        )
        warm = round(math.fsum(sc.pairs(res.rows, res.cols).scores.tolist()), 6)
        assert warm == pytest.approx(cold.objective, abs=1e-6)
