"""Dated orders in the plan: capacity at each instant and hours per week, exact
against an independent time-indexed MILP, and recounted on the plan."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matcher import (
    Cadre,
    Case,
    Demand,
    InputError,
    Policy,
    Replanner,
    Status,
    default_taxonomy,
    propose,
    score_matrix,
)
from matcher.dated import district_zone
from matcher.solver import sided
from matcher.whatif import shortage
from tests.reference import milp_timed_optimum
from tests.strategies import TAGS, communities

shared = settings(suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
ZONE = district_zone()
#: Saturday 2026-12-12 00:00 Beijing: windows fall over Sat–Mon, across an ISO week's end
T0 = dt.datetime(2026, 12, 12, tzinfo=ZONE)
MONDAY = dt.datetime(2026, 12, 14, tzinfo=ZONE)


def weeks_by_hand(start: dt.datetime, end: dt.datetime) -> dict[tuple[int, int], float]:
    """Hours before and after Monday 2026-12-14 00:00 (the only week end in reach)."""
    out: dict[tuple[int, int], float] = {}
    before = (min(end, MONDAY) - start).total_seconds() / 3600
    after = (end - max(start, MONDAY)).total_seconds() / 3600
    if before > 0:
        out[(2026, 50)] = before
    if after > 0:
        out[(2026, 51)] = after
    return out


@st.composite
def timed_cases(draw, cadres_most: int = 5, demands_most: int = 7):  # type: ignore[no-untyped-def]
    """Cadres of capacity 0–3 (some with a weekly limit), demands half dated within
    Sat–Mon (1–8 h, on the hour), most pairs feasible."""
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    comms = communities(rng, 2)
    tags = TAGS[:2]
    cadres = tuple(
        Cadre(
            id=f"P{k}",
            name=f"干部{k}",
            home=f"C{rng.integers(2)}",
            skills={t: int(rng.integers(1, 6)) for t in tags},
            capacity=int(rng.choice([0, 1, 1, 2, 3])),
            status=Status.GREEN,
            hours_per_week=float(rng.choice([np.inf, np.inf, 4.0, 8.0])),
        )
        for k in range(draw(st.integers(1, cadres_most)))
    )
    demands = []
    for k in range(draw(st.integers(1, demands_most))):
        d = Demand(
            id=f"D{k}",
            community=f"C{rng.integers(2)}",
            title=f"需求{k}",
            needs={str(rng.choice(tags)): int(rng.integers(1, 6))},
            headcount=int(rng.integers(1, 3)),
            priority=int(rng.integers(1, 6)),
        )
        if rng.random() < 0.7:
            start = T0 + dt.timedelta(hours=int(rng.integers(0, 60)))
            d = replace(d, start=start, end=start + dt.timedelta(hours=int(rng.integers(1, 9))))
        demands.append(d)
    return Case(default_taxonomy(), comms, cadres, tuple(demands), Policy(alternatives=0))


def oracle(case: Case, lending: object = None) -> float:
    sm = score_matrix(case)
    start = np.array([np.nan if d.start is None else d.start.timestamp() for d in case.demands])
    end = np.array([np.nan if d.end is None else d.end.timestamp() for d in case.demands])
    hours = [{} if d.start is None else weeks_by_hand(d.start, d.end) for d in case.demands]  # type: ignore[arg-type]
    limit = np.array([c.hours_per_week for c in case.cadres])
    return milp_timed_optimum(
        sm.scores, sm.feasible, sm.capacity, sm.headcount, start, end, hours, limit, lending
    )


def broken_rules(case: Case, pairs: list[tuple[str, str]]) -> list[str]:
    """Every instant and week of every cadre, recounted from the plan's pairs."""
    cadres = {c.id: c for c in case.cadres}
    demands = {d.id: d for d in case.demands}
    out = []
    for cid, c in cadres.items():
        mine = [demands[d] for x, d in pairs if x == cid]
        ongoing = [d for d in mine if d.start is None]
        dated = [d for d in mine if d.start is not None]
        if len(ongoing) > c.capacity:
            out.append(f"{cid} ongoing")
        for d in dated:  # the instants that matter are the starts
            held = [e for e in dated if e.start <= d.start < e.end]  # type: ignore[operator]
            if len(ongoing) + len(held) > c.capacity:
                out.append(f"{cid} at {d.start}")
        per: dict[tuple[int, int], float] = {}
        for d in dated:
            for wk, h in weeks_by_hand(d.start, d.end).items():  # type: ignore[arg-type]
                per[wk] = per.get(wk, 0.0) + h
        if any(h > c.hours_per_week + 1e-9 for h in per.values()):
            out.append(f"{cid} hours {per}")
    return out


@shared
@given(case=timed_cases())
def test_optimum_equals_a_time_indexed_milp_and_no_rule_is_broken(case: Case) -> None:
    got = propose(case)
    assert got.certified
    assert got.objective == pytest.approx(oracle(case), abs=1e-6)
    assert broken_rules(case, [(a.cadre, a.demand) for a in got.assignments]) == []
    dated = [d.id for d in case.demands if d.start is not None]
    if any(a.demand in dated for a in got.assignments):
        assert got.solver == "milp"


@shared
@given(case=timed_cases(cadres_most=12, demands_most=16))
def test_pricing_from_each_rows_best_edge_keeps_the_optimum(
    case: Case, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The MILP starts from one edge per cadre and demand and nothing near tight:
    the edges the optimum needs come in by pricing or by the fixing test."""
    monkeypatch.setattr(sided, "START_K", 1)
    monkeypatch.setattr(sided, "NEAR", 0.0)
    got = propose(case)
    assert got.certified
    assert got.objective == pytest.approx(oracle(case), abs=1e-6)
    assert got.bound is None or got.bound >= got.objective - 1e-9
    assert broken_rules(case, [(a.cadre, a.demand) for a in got.assignments]) == []


def test_one_cadre_takes_evening_shifts_that_do_not_overlap() -> None:
    comms = communities(np.random.default_rng(0), 1)
    tag = TAGS[0]
    p = Cadre(id="P1", name="甲", home="C0", skills={tag: 5}, capacity=1)
    shifts = [
        Demand(id=f"D{k}", community="C0", title="值守", needs={tag: 3},
               start=T0 + dt.timedelta(hours=h), end=T0 + dt.timedelta(hours=h + 4))
        for k, h in enumerate((18, 20, 22, 42))
    ]  # fmt: skip
    ongoing = Demand(id="D9", community="C0", title="长期", needs={tag: 3}, priority=1)
    case = Case(default_taxonomy(), comms, (p,), (*shifts, ongoing), Policy(alternatives=0))
    got = propose(case)
    took = sorted(a.demand for a in got.assignments)
    # 18–22 and 22–02 touch but do not overlap; 20–24 overlaps both; 42 is the next evening:
    # three shifts beat the one ongoing order a capacity-1 cadre could hold instead
    assert took == ["D0", "D2", "D3"] and got.solver == "milp" and got.certified
    assert broken_rules(case, [(a.cadre, a.demand) for a in got.assignments]) == []
    # no alternates asked: nothing to say about them
    assert got.alternatives_below is None
    # asked, a MILP prices none and says so (null would claim every one listed)
    asked = propose(case.with_policy(Policy(alternatives=3)))
    assert asked.solver == "milp" and asked.alternatives_below == 0.0
    assert all(a.alternatives == [] for a in asked.assignments)


def test_a_weekly_limit_binds() -> None:
    comms = communities(np.random.default_rng(0), 1)
    tag = TAGS[0]
    p = Cadre(id="P1", name="甲", home="C0", skills={tag: 5}, capacity=1, hours_per_week=6.0)
    shifts = [
        Demand(id=f"D{k}", community="C0", title="值守", needs={tag: 3},
               start=T0 + dt.timedelta(hours=h), end=T0 + dt.timedelta(hours=h + 4))
        for k, h in enumerate((0, 10, 20))
    ]  # fmt: skip
    case = Case(default_taxonomy(), comms, (p,), tuple(shifts), Policy(alternatives=0))
    got = propose(case)
    assert len(got.assignments) == 1  # 4 h + 4 h would pass the 6 h of the week
    later = replace(case, cadres=(replace(p, hours_per_week=8.0),))
    assert len(propose(later).assignments) == 2


def test_what_if_pricing_and_the_replanner_refuse_dated_orders(sample_case: Case) -> None:
    d = sample_case.demands[0]
    dated = replace(d, start=T0, end=T0 + dt.timedelta(hours=3))
    case = replace(sample_case, demands=(dated, *sample_case.demands[1:]))
    with pytest.raises(InputError) as e:
        shortage(case)
    assert e.value.problems[0].code == "problem.dated_not_priced"
    with pytest.raises(InputError) as e:
        Replanner(case)
    assert e.value.problems[0].code == "problem.dated_not_warm"
    with pytest.raises(InputError) as e:
        propose(case, Policy.model_validate({"fairness": {"load_step": 2.0}}))
    assert e.value.problems[0].code == "problem.load_with_dated"


def test_an_unfilled_order_names_the_time_conflict() -> None:
    comms = communities(np.random.default_rng(0), 1)
    tag = TAGS[0]
    p = Cadre(id="P1", name="甲", home="C0", skills={tag: 5}, capacity=1)
    first = Demand(id="D0", community="C0", title="防汛值守", needs={tag: 3}, priority=5,
                   start=T0 + dt.timedelta(hours=18), end=T0 + dt.timedelta(hours=22))  # fmt: skip
    second = Demand(id="D1", community="C0", title="探访", needs={tag: 3}, priority=1,
                    start=T0 + dt.timedelta(hours=19), end=T0 + dt.timedelta(hours=21))  # fmt: skip
    case = Case(default_taxonomy(), comms, (p,), (first, second), Policy(alternatives=0))
    got = propose(case)
    assert [a.demand for a in got.assignments] == ["D0"]
    (u,) = got.unfilled
    said = [m for m in u.why if m.code == "unfilled.busy_then"]
    assert said and said[0].params["count"] == 1 and said[0].params["demands"] == ["D0"]
    assert "busy during 2026-12-12 19:00–21:00 on D0" in u.reasons[-1]
    assert not any(m.code == "unfilled.busy" for m in u.why)  # counted in time instead
    assert "ongoing" not in said[0].params  # only dated work in the way


def test_an_unfilled_order_says_when_ongoing_work_ties_the_cadres_up() -> None:
    """Ongoing work holds a cadre all the time: the reason says so, whether the plan
    gives it now (pinned here) or it was accepted earlier (used capacity)."""
    comms = communities(np.random.default_rng(0), 1)
    tag = TAGS[0]
    p1 = Cadre(id="P1", name="甲", home="C0", skills={tag: 5}, capacity=1)
    p2 = Cadre(id="P2", name="乙", home="C0", skills={tag: 5}, capacity=1)
    shift = Demand(id="D0", community="C0", title="防汛值守", needs={tag: 3}, priority=1,
                   start=T0 + dt.timedelta(hours=18), end=T0 + dt.timedelta(hours=22))  # fmt: skip
    steady = Demand(id="D9", community="C0", title="长期", needs={tag: 3}, priority=5)
    case = Case(default_taxonomy(), comms, (p1, p2), (shift, steady), Policy(alternatives=0))
    got = propose(case, pinned=[("P1", "D9")], used_capacity={"P2": 1})
    assert got.assignments[0].cadre == "P1" and len(got.assignments) == 1
    (u,) = got.unfilled
    (said,) = [m for m in u.why if m.code == "unfilled.busy_then"]
    assert said.params["count"] == 2 and said.params["ongoing"] == 2
    assert not said.params.get("demands")  # nothing dated in the way
    assert u.reasons[-1] == (
        "2 qualified cadres busy during 2026-12-12 18:00–22:00 (2 of them tied up by"
        " ongoing work, which holds them all the time)"
    )


def test_ongoing_work_counts_only_where_it_alone_fills_the_cadre() -> None:
    """P1's ongoing work fills their capacity; P3 (capacity 2) holds ongoing work and a
    dated order at the same time: busy, but not tied up all the time by ongoing work."""
    comms = communities(np.random.default_rng(0), 1)
    tag = TAGS[0]
    p1 = Cadre(id="P1", name="甲", home="C0", skills={tag: 5}, capacity=1)
    p3 = Cadre(id="P3", name="丙", home="C0", skills={tag: 5}, capacity=2)
    window = {"start": T0 + dt.timedelta(hours=18), "end": T0 + dt.timedelta(hours=22)}
    shift = Demand(id="D0", community="C0", title="防汛值守", needs={tag: 3}, priority=1,
                   **window)  # type: ignore[arg-type]  # fmt: skip
    other = Demand(id="D7", community="C0", title="巡查", needs={tag: 3}, priority=1,
                   **window)  # type: ignore[arg-type]  # fmt: skip
    steady = tuple(Demand(id=f"D{k}", community="C0", title="长期", needs={tag: 3}, priority=5)
                   for k in (8, 9))  # fmt: skip
    case = Case(default_taxonomy(), comms, (p1, p3), (shift, other, *steady),
                Policy(alternatives=0))  # fmt: skip
    got = propose(case, pinned=[("P1", "D9"), ("P3", "D8"), ("P3", "D7")])
    assert len(got.assignments) == 3
    (u,) = got.unfilled
    (said,) = [m for m in u.why if m.code == "unfilled.busy_then"]
    assert said.params["count"] == 2 and said.params["ongoing"] == 1
    assert said.params["demands"] == ["D7"]


def _week_case() -> Case:
    comms = communities(np.random.default_rng(0), 1)
    tag = TAGS[0]
    cadres = (
        Cadre(id="P1", name="甲", home="C0", skills={tag: 5}, capacity=1),
        Cadre(id="P2", name="乙", home="C0", skills={tag: 4}, capacity=1),
    )
    demands = (
        Demand(id="D0", community="C0", title="周六值守", needs={tag: 3},
               start=T0 + dt.timedelta(hours=18), end=T0 + dt.timedelta(hours=22)),
        Demand(id="D1", community="C0", title="周一探访", needs={tag: 3},
               start=MONDAY + dt.timedelta(hours=9), hours=2.0),
        Demand(id="D2", community="C0", title="长期", needs={tag: 3}, priority=1),
    )  # fmt: skip
    return Case(default_taxonomy(), comms, cadres, demands, Policy(alternatives=0))


def test_a_horizon_keeps_ongoing_work_and_the_orders_it_touches() -> None:
    from matcher import horizon

    case = _week_case()
    ids = lambda c: [d.id for d in c.demands]  # noqa: E731
    assert ids(horizon(case, None, None)) == ["D0", "D1", "D2"]
    assert ids(horizon(case, dt.date(2026, 12, 12), dt.date(2026, 12, 13))) == ["D0", "D2"]
    assert ids(horizon(case, dt.date(2026, 12, 14), None)) == ["D1", "D2"]
    assert ids(horizon(case, None, dt.date(2026, 12, 11))) == ["D2"]


def test_the_calendar_lists_each_cadres_work_in_local_time() -> None:
    from matcher import calendar

    case = _week_case()
    rows = calendar(case, propose(case))
    assert [(r["cadre"], r["demand"], r["start"], r["end"], r["hours"]) for r in rows] == [
        ("P1", "D0", "2026-12-12T18:00", "2026-12-12T22:00", "4"),
        ("P1", "D1", "2026-12-14T09:00", "2026-12-14T11:00", "2"),
        ("P2", "D2", "", "", ""),
    ]


@shared
@given(case=timed_cases(), limit=st.integers(0, 3), floor=st.integers(0, 2))
def test_lending_rules_with_dated_orders(case: Case, limit: int, floor: int) -> None:
    """A capacity-1 cadre may lend several dated orders at different times: the limit
    counts each, and the floor asks only that some cadres lend nothing."""
    rules: dict[str, object] = {"limits": {"C0": limit}}
    if floor:
        rules["home_floor"] = floor
    case = case.with_policy(Policy.model_validate({"alternatives": 0, "lending": rules}))
    got = propose(case)
    homes = [c.home for c in case.cadres]
    lends = np.array([[c.home != d.community for d in case.demands] for c in case.cadres])
    lenders_left = {}
    if floor:
        for comm in ("C0", "C1"):
            able = [i for i, c in enumerate(case.cadres) if c.home == comm and c.capacity > 0]
            lenders_left[comm] = (max(len(able) - floor, 0), able)
    want = oracle(case, (lends, homes, {"C0": limit}, lenders_left))
    assert got.certified and got.objective == pytest.approx(want, abs=1e-6)
    lent = [a for a in got.assignments if homes[int(a.cadre[1:])] != next(
        d.community for d in case.demands if d.id == a.demand)]  # fmt: skip
    assert sum(1 for a in lent if homes[int(a.cadre[1:])] == "C0") <= limit


def test_a_capacity_one_cadre_lends_several_shifts_and_each_counts() -> None:
    comms = communities(np.random.default_rng(0), 2)
    tag = TAGS[0]
    p = Cadre(id="P1", name="甲", home="C0", skills={tag: 5}, capacity=1)
    q = Cadre(id="P2", name="乙", home="C0", skills={tag: 5}, capacity=1)
    shifts = tuple(
        Demand(id=f"D{k}", community="C1", title="值守", needs={tag: 3},
               start=T0 + dt.timedelta(hours=h), end=T0 + dt.timedelta(hours=h + 2))
        for k, h in enumerate((0, 10, 20))
    )  # fmt: skip
    limit = Policy.model_validate({"alternatives": 0, "lending": {"limits": {"C0": 1}}})
    got = propose(Case(default_taxonomy(), comms, (p,), shifts, limit))
    assert len(got.assignments) == 1 and got.certified  # the limit counts every lent shift
    floor = Policy.model_validate({"alternatives": 0, "lending": {"home_floor": 1}})
    got = propose(Case(default_taxonomy(), comms, (p, q), shifts, floor))
    # one of the two may lend, and one capacity-1 cadre can take all three shifts
    assert len(got.assignments) == 3 and len({a.cadre for a in got.assignments}) == 1
    assert got.certified


def test_pins_count_per_instant() -> None:
    case = _week_case()
    # P1 holds both dated orders at different times: a plan's own output pins back
    again = propose(case, pinned=[("P1", "D0"), ("P1", "D1")])
    assert {(a.cadre, a.demand) for a in again.assignments if a.pinned} == {
        ("P1", "D0"),
        ("P1", "D1"),
    }
    with pytest.raises(InputError):  # an ongoing order and a shift at once: over capacity
        propose(case, pinned=[("P1", "D0"), ("P1", "D2")])
    limited = replace(case, cadres=(replace(case.cadres[0], hours_per_week=3.0), case.cadres[1]))
    with pytest.raises(InputError) as e:  # a 4 h shift pinned on a 3 h week
        propose(limited, pinned=[("P1", "D0")])
    assert e.value.problems[0].code == "problem.pins_break_rules"


def test_a_full_week_is_named_not_a_full_capacity() -> None:
    comms = communities(np.random.default_rng(0), 1)
    tag = TAGS[0]
    p = Cadre(id="P1", name="甲", home="C0", skills={tag: 5}, capacity=1, hours_per_week=3.0)
    orders = tuple(
        Demand(id=f"D{k}", community="C0", title="探访", needs={tag: 3}, priority=5 - k,
               start=T0 + dt.timedelta(hours=h), end=T0 + dt.timedelta(hours=h + 2))
        for k, h in enumerate((9, 14))
    )  # fmt: skip
    got = propose(Case(default_taxonomy(), comms, (p,), orders, Policy(alternatives=0)))
    assert [a.demand for a in got.assignments] == ["D0"]
    (u,) = got.unfilled
    assert [m.code for m in u.why if m.code.startswith("unfilled.")] == ["unfilled.week_full"]
    assert (
        u.reasons[-1]
        == "1 qualified cadre would pass their weekly hours with 2026-12-12 14:00–16:00"
    )


@shared
@given(case=timed_cases(), data=st.data())
def test_windows_held_already_take_capacity_only_then(case: Case, data: st.DataObject) -> None:
    """Dated work a cadre holds already (accepted earlier) takes its capacity during
    its window: the time-indexed oracle cuts time at those windows too."""
    case = replace(case, cadres=tuple(replace(c, hours_per_week=np.inf) for c in case.cadres))
    held: dict[str, list[tuple[dt.datetime, dt.datetime, float | None]]] = {}
    for c in case.cadres:
        for _ in range(data.draw(st.integers(0, 2))):
            s = T0 + dt.timedelta(hours=data.draw(st.integers(0, 60)))
            held.setdefault(c.id, []).append(
                (s, s + dt.timedelta(hours=data.draw(st.integers(1, 8))), None)
            )
    got = propose(case, held=held)
    sm = score_matrix(case)
    start = np.array([np.nan if d.start is None else d.start.timestamp() for d in case.demands])
    end = np.array([np.nan if d.end is None else d.end.timestamp() for d in case.demands])
    hours = [{} for _ in case.demands]
    limit = np.full(len(case.cadres), np.inf)
    by_row = {
        i: [(a.timestamp(), b.timestamp()) for a, b, _ in held.get(c.id, [])]
        for i, c in enumerate(case.cadres)
    }
    cap = np.array([c.capacity for c in case.cadres])
    want = milp_timed_optimum(
        sm.scores, sm.feasible, cap, sm.headcount, start, end, hours, limit, held=by_row
    )
    assert got.certified and got.objective == pytest.approx(want, abs=1e-6)


def test_a_held_shift_blocks_its_own_evening_and_ongoing_work() -> None:
    case = _week_case()
    busy = {"P1": [(T0 + dt.timedelta(hours=17), T0 + dt.timedelta(hours=23), None)]}
    got = propose(case, held=busy)
    p1 = sorted(a.demand for a in got.assignments if a.cadre == "P1")
    # Saturday evening is taken, and ongoing work would overlap it; Monday is free
    assert "D0" not in p1 and "D2" not in p1 and "D1" in p1


def test_a_held_order_counts_its_own_hours_against_the_weekly_limit() -> None:
    """One rule for a dated order's hours (its ``hours``, else its window's length),
    for held orders as for new ones: P1 (6 h a week) holds Saturday's 18:00–22:00
    order of 1 hour, so Sunday's 4-hour order fits (1 + 4 ≤ 6); counting the held
    window's 4 hours would leave it unfilled."""
    comms = communities(np.random.default_rng(0), 1)
    tag = TAGS[0]
    sunday, noon = T0 + dt.timedelta(days=1, hours=9), T0 + dt.timedelta(days=1, hours=13)
    p1 = Cadre(id="P1", name="甲", home="C0", skills={tag: 5}, capacity=1, hours_per_week=6.0)
    d1 = Demand(id="D1", community="C0", title="周日探访", needs={tag: 3}, start=sunday, end=noon)
    case = Case(default_taxonomy(), comms, (p1,), (d1,), Policy(alternatives=0))
    saturday = (T0 + dt.timedelta(hours=18), T0 + dt.timedelta(hours=22))
    got = propose(case, held={"P1": [(*saturday, 1.0)]})
    assert [(a.cadre, a.demand) for a in got.assignments] == [("P1", "D1")]
    # the whole held window (no hours): 4 + 4 > 6, and the reason says so
    got = propose(case, held={"P1": [(*saturday, None)]})
    assert got.assignments == []
    assert [m.code for m in got.unfilled[0].why if m.code.startswith("unfilled.")] == [
        "unfilled.week_full"
    ]
    # the same rule in the calendar and the benchmark's model
    from benchmarks.dated import model_arrays

    half = replace(case.demands[0], hours=1.5)
    case2 = replace(case, demands=(half,))
    assert model_arrays(case2)["hours"] == [{(2026, 50): 1.5}]
    from matcher import calendar

    assert calendar(case2, propose(case2))[0]["hours"] == "1.5"
