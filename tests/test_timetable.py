"""The time rules end to end: dated orders go only to cadres free for their whole
window and not away, reasons name the window, and without dated orders nothing changes."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given, settings

from matcher import Case, load_case, propose
from matcher.dated import covers, is_away, parse_away, parse_weekly
from matcher.timetable import time_tables
from tests.casefiles import write_case
from tests.strategies import cases


def test_patterns_and_absences_without_dated_orders_change_no_byte(sample_case: Case) -> None:
    free = parse_weekly("mon-fri 18:00-21:30; sat,sun 08:00-18:00")
    away = parse_away("2026-12-10..2026-12-14")
    cadres = tuple(
        replace(c, available=free, away=away, hours_per_week=4.0) if k % 3 == 0 else c
        for k, c in enumerate(sample_case.cadres)
    )
    dated = replace(sample_case, cadres=cadres)
    assert not time_tables(dated).dated
    assert propose(dated).model_dump_json() == propose(sample_case).model_dump_json()


@settings(deadline=None, max_examples=40)
@given(case=cases(max_cadres=8, max_demands=6, dated=True))
def test_every_dispatch_keeps_the_time_rules(case: Case) -> None:
    p = propose(case)
    cadres = {c.id: c for c in case.cadres}
    demands = {d.id: d for d in case.demands}
    for a in p.assignments:
        window = demands[a.demand].window
        if window is not None:
            assert covers(cadres[a.cadre].available, window)
            assert not is_away(cadres[a.cadre].away, window)


def test_an_unfilled_dated_order_names_its_window(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from tests.casefiles import CADRES, DEMANDS

    # every cadre free on weekday evenings only: a Saturday-morning order finds no one
    head, *rows = CADRES.splitlines()
    cadres = "\n".join([head + ",available,away", *(r + ",mon-fri 18:00-21:30," for r in rows)])
    demands = DEMANDS.replace("priority\n", "priority,start,end,hours\n", 1).replace(
        ",1,3\n", ",1,3,2026-12-12T09:00,2026-12-12T12:00,\n"
    )
    demands = demands.replace(",2,5\n", ",2,5,,,\n").replace(",1,4\n", ",1,4,,,\n")
    case = load_case(write_case(tmp_path, cadres=cadres, demands=demands))
    p = propose(case)
    u = next(x for x in p.unfilled if x.demand == "D3")
    assert u.rules[0].rule == "availability"
    why = next(r for r in u.reasons if "not free" in r)
    assert "not free for the whole of 2026-12-12 09:00–12:00" in why
    assert "most often free mon-fri 18:00-21:30 only" in why, why
    assert all(a.demand != "D3" for a in p.assignments)
