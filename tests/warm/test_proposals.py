"""A dispatcher's loop on a big pool, proposed warm, lands where cold proposals do."""

from __future__ import annotations

import tempfile
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matcher import Cancelled, Demand, EngineParams, InputError, Policy, load_case, propose
from matcher.generate import generate_case
from matcher.warm.proposals import WarmProposals
from tests.reference import check_rules

#: small blocks, and two pairs per demand kept from the first scan so pricing must scan
SMALL = EngineParams(block_cells=3_000, min_rows=1, reserve_max_depth=2)


@settings(max_examples=6, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    edits=st.lists(st.integers(0, 4), min_size=2, max_size=6),
    deep=st.booleans(),
)
def test_a_dispatchers_loop_stays_warm_and_optimal(  # type: ignore[no-untyped-def]
    seed, edits, deep
) -> None:
    # deep: declines and pins must also leave the first scan's deep lists
    params = replace(SMALL, reserve_max_depth=24) if deep else SMALL
    with tempfile.TemporaryDirectory() as tmp:
        case = load_case(generate_case(Path(tmp) / "c", n_cadres=150, n_demands=60, seed=seed))
    warm = WarmProposals(engine="streamed", params=params)
    used: Counter[str] = Counter()
    filled: Counter[str] = Counter()
    declined: set[tuple[str, str]] = set()
    pins: list[tuple[str, str]] = []
    last = warm.propose(case)
    assert not warm.was_warm
    for k, kind in enumerate(edits):
        free = [a for a in last.assignments if not a.pinned]
        if kind == 0 and free:  # accept a few: they become active dispatches
            for a in free[k % 3 :: 7][:3]:
                used[a.cadre] += 1
                filled[a.demand] += 1
                declined.add((a.cadre, a.demand))  # never proposed twice
        elif kind == 1 and free:  # reject a couple
            declined.update((a.cadre, a.demand) for a in free[k % 5 :: 11][:2])
        elif kind == 2:  # a new work order
            comm = case.communities[(seed + k) % len(case.communities)].id
            tag = ("urban.elevator_retrofit", "livelihood.elderly_care")[k % 2]
            order = Demand(f"DX{k}", comm, f"新工单{k}", {tag: 3}, headcount=2, priority=5)
            case = replace(case, demands=(*case.demands, order))
        elif kind == 3 and len(case.demands) > 1:  # a work order closes
            gone = case.demands[(seed + 3 * k) % len(case.demands)].id
            case = replace(case, demands=tuple(d for d in case.demands if d.id != gone))
            filled.pop(gone, None)
            declined = {p for p in declined if p[1] != gone}
            pins = [p for p in pins if p[1] != gone]
        elif kind == 4:  # pin someone's first alternate
            pick = next((a for a in free if a.alternatives), None)
            if pick is not None and (pick.alternatives[0].cadre, pick.demand) not in declined:
                pins.append((pick.alternatives[0].cadre, pick.demand))
        ids = {d.id for d in case.demands}
        kw = {
            "pinned": pins,
            "excluded": sorted(declined),
            "used_capacity": dict(used),
            "filled_slots": {d: n for d, n in filled.items() if d in ids},
        }
        try:
            cold = propose(case, engine="dense", **kw)  # type: ignore[arg-type]
        except InputError:  # a pin the changes made impossible: drop it
            kw["pinned"] = pins = []
            cold = propose(case, engine="dense", **kw)  # type: ignore[arg-type]
        last = warm.propose(case, **kw)  # type: ignore[arg-type]
        assert warm.was_warm, f"edit {kind} re-solved cold"
        assert last.certified and last.solver == "lp-streamed"
        assert last.objective == pytest.approx(cold.objective, abs=1e-6)
        assert {(a.cadre, a.demand) for a in last.assignments if a.pinned} == set(pins)
        assert not {(a.cadre, a.demand) for a in last.assignments} & (declined - set(pins))
        check_rules(case, last)


def test_a_change_it_cannot_apply_starts_cold_and_is_still_right() -> None:
    case = load_case("data/sample-district")
    warm = WarmProposals(engine="streamed")
    first = warm.propose(case)
    other = Policy(weights={"fill": 12.0})  # type: ignore[arg-type]
    again = warm.propose(case, other)
    assert not warm.was_warm
    assert again.objective == propose(case, other, engine="dense").objective != first.objective
    # and it is warm again from there
    warm.propose(case, other, excluded=[(again.assignments[0].cadre, again.assignments[0].demand)])
    assert warm.was_warm


def test_lifting_a_decline_starts_cold() -> None:
    case = load_case("data/sample-district")
    warm = WarmProposals(engine="streamed")
    first = warm.propose(case)
    pair = (first.assignments[0].cadre, first.assignments[0].demand)
    warm.propose(case, excluded=[pair])
    assert warm.was_warm
    back = warm.propose(case)
    assert not warm.was_warm and back.objective == first.objective


def test_a_warm_call_reports_to_its_own_callback_and_can_be_cancelled() -> None:
    case = load_case("data/sample-district")
    warm = WarmProposals(engine="streamed")
    first_calls: list[str] = []
    first = warm.propose(case, progress=first_calls.append)
    n_first = len(first_calls)
    pair = (first.assignments[0].cadre, first.assignments[0].demand)
    mine: list[str] = []
    warm.propose(case, excluded=[pair], progress=mine.append)
    assert warm.was_warm and "solving" in mine and len(first_calls) == n_first

    def stop(phase: str, fraction: float | None = None) -> None:
        if phase == "solving":
            raise Cancelled()

    with pytest.raises(Cancelled):
        warm.propose(case, excluded=[pair, (first.assignments[1].cadre, "D0001")], progress=stop)
    warm.propose(case, excluded=[pair])
    assert not warm.was_warm, "a cancelled call forgets the plan"


def test_closing_a_demand_with_declines_stays_warm() -> None:
    case = load_case("data/sample-district")
    warm = WarmProposals(engine="streamed")
    first = warm.propose(case)
    a = first.assignments[3]
    warm.propose(case, excluded=[(a.cadre, a.demand)])
    # the store drops a closed demand's declines along with the demand
    closed = replace(case, demands=tuple(d for d in case.demands if d.id != a.demand))
    got = warm.propose(closed)
    assert warm.was_warm
    assert got.objective == pytest.approx(propose(closed, engine="dense").objective, abs=1e-6)


def test_the_same_pool_is_not_encoded_again() -> None:
    case = load_case("data/sample-district")
    warm = WarmProposals(engine="streamed")
    first = warm.propose(case)
    encoded = warm._last.request_scorer if warm._last else None
    a = first.assignments[0]
    warm.propose(case, used_capacity={a.cadre: 1}, filled_slots={a.demand: 1})
    assert warm.was_warm and warm._last is not None
    assert warm._last.request_scorer is encoded is not None
    other = replace(case, demands=case.demands[:-1])  # another pool: encoded afresh
    warm.propose(other)
    assert warm._last is not None and warm._last.request_scorer is not encoded
