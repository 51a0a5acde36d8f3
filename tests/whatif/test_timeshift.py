"""Time counterfactuals, worked by hand on a tiny case.

Tuesday 2026-12-08 (Asia/Shanghai). D1 (14:00–16:00, 2 h, headcount 3) and D0
(17:00–19:00, only P2 can take it). The plan sends P2 to both, so D1 is 1 of 3.
Moving D1 through the day (06:00 … 22:00, 2 h kept), the cadres who could take it:

- P1 is free mon-fri 18:00–22:00 only: from 18:00 to 20:00 starts;
- P2 holds D0 17:00–19:00 in the plan: any start but 16:00–18:00 (half-open: 19:00 is fine);
- P3 may serve 1 h a week: never a 2-hour order;
- P4 is away on the 8th; P5's capacity is held by ongoing work accepted earlier;
- P6 holds an order accepted earlier 06:00–19:30: from 19:30 on (20:00).

So 06:00–15:00 give P2 alone (1, as now), 16:00–17:00 nobody, 18:00 P1 alone, and
19:00 P1 and P2: the earliest start filling more is 19:00, 2 of 3 (20:00 would give
3, but it is later). Leaving out any one rule makes an earlier hour look better.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from matcher import (
    Cadre,
    Case,
    Demand,
    InputError,
    Policy,
    default_taxonomy,
    propose,
    write_case,
)
from matcher.cli import app
from matcher.dated import district_zone, parse_away, parse_weekly
from matcher.messages import render
from matcher.policy import Lending
from matcher.whatif import format_time_shifts, time_shifts
from tests.strategies import TAGS, communities

ZONE = district_zone()
TUE = dt.datetime(2026, 12, 8, tzinfo=ZONE)
HELD = {"P6": [(TUE + dt.timedelta(hours=6), TUE + dt.timedelta(hours=19, minutes=30), None)]}


def _case() -> Case:
    tag = TAGS[0]
    comms = communities(np.random.default_rng(0), 1)

    def cadre(cid: str, **kw: object) -> Cadre:
        return Cadre(id=cid, name=f"干部{cid}", home="C0", skills={tag: 5}, capacity=1, **kw)  # type: ignore[arg-type]

    cadres = (
        cadre("P1", available=parse_weekly("mon-fri 18:00-22:00")),
        cadre("P2"),
        cadre("P3", hours_per_week=1.0),
        cadre("P4", away=parse_away("2026-12-08")),
        cadre("P5"),
        cadre("P6"),
    )
    d1 = Demand(id="D1", community="C0", title="探访", needs={tag: 3}, headcount=3, priority=3,
                start=TUE + dt.timedelta(hours=14), end=TUE + dt.timedelta(hours=16))  # fmt: skip
    d0 = Demand(id="D0", community="C0", title="值守", needs={tag: 3}, priority=5,
                start=TUE + dt.timedelta(hours=17), end=TUE + dt.timedelta(hours=19))  # fmt: skip
    return Case(default_taxonomy(), comms, cadres, (d0, d1), Policy(alternatives=0))


def test_the_earliest_start_that_fills_more_by_hand() -> None:
    case = _case()
    plan = propose(case, used_capacity={"P5": 1}, held=HELD)
    assert sorted((a.cadre, a.demand) for a in plan.assignments) == [("P2", "D0"), ("P2", "D1")]
    (s,) = time_shifts(case, plan, used_capacity={"P5": 1}, held=HELD)
    assert (s.demand, s.start, s.end) == ("D1", "2026-12-08T19:00", "2026-12-08T21:00")
    assert (s.headcount, s.filled, s.fill, s.free) == (3, 1, 2, 2)
    assert s.why.code == "fix.move_to"
    assert s.text == (
        "move D1 to start at 19:00 (2026-12-08 19:00–21:00): 2 qualified cadres free then,"
        " 2 of its 3 slots filled (now 1)"
    )
    assert render(s.why, "zh") == (
        "将 D1 改为 19:00 开始（2026-12-08 19:00–21:00）：届时有 2 名合格干部有空，"
        "3 个名额可填满 2 个（现为 1 个）"
    )
    # the claim holds: with D1 moved and the rest of the plan pinned, it fills 2
    at19 = replace(case.demands[1], start=TUE + dt.timedelta(hours=19),
                   end=TUE + dt.timedelta(hours=21))  # fmt: skip
    moved = replace(case, demands=(case.demands[0], at19))
    again = propose(moved, pinned=[("P2", "D0")], used_capacity={"P5": 1}, held=HELD)
    assert sum(a.demand == "D1" for a in again.assignments) == 2


def test_a_move_stays_within_the_days_planned() -> None:
    """Planning only Wednesday, an overnight Tue 23:00–Wed 01:00 order (P2 and P6
    can take it: 2 of 3) is not moved wholly onto Tuesday (a day not planned), where
    20:00 would fill 3 (P1, P2, P6); planning both days, that move is offered."""
    case = _case()
    night = replace(case.demands[1], start=TUE + dt.timedelta(hours=23),
                    end=TUE + dt.timedelta(hours=25))  # fmt: skip
    case = replace(case, demands=(case.demands[0], night))
    plan = propose(case, used_capacity={"P5": 1}, held=HELD)
    wed = dt.date(2026, 12, 9)
    both = time_shifts(case, plan, used_capacity={"P5": 1}, held=HELD)
    assert [(s.start, s.fill) for s in both] == [("2026-12-08T20:00", 3)]
    only_wed = time_shifts(case, plan, used_capacity={"P5": 1}, held=HELD, days=(wed, wed))
    assert only_wed == []
    tue_too = time_shifts(case, plan, used_capacity={"P5": 1}, held=HELD,
                          days=(wed - dt.timedelta(days=1), wed))  # fmt: skip
    assert tue_too == both


def test_each_rule_counts() -> None:
    """Without P5's ongoing work, or P6's held order, or with P3's hours and P4's
    absence lifted, an earlier start fills more: every rule is in the count."""
    case = _case()
    plan = propose(case, used_capacity={"P5": 1}, held=HELD)
    assert time_shifts(case, plan, held=HELD)[0].start == "2026-12-08T06:00"  # P5 free
    assert time_shifts(case, plan, used_capacity={"P5": 1})[0].start == "2026-12-08T06:00"
    lifted = replace(case, cadres=tuple(
        replace(c, hours_per_week=np.inf) if c.id == "P3" else c for c in case.cadres))  # fmt: skip
    assert time_shifts(lifted, plan, used_capacity={"P5": 1}, held=HELD)[0].start.endswith("06:00")
    back = replace(case, cadres=tuple(replace(c, away=None) if c.id == "P4" else c
                                      for c in case.cadres))  # fmt: skip
    assert time_shifts(back, plan, used_capacity={"P5": 1}, held=HELD)[0].start.endswith("06:00")
    # a declined pair does not count
    got = time_shifts(case, plan, used_capacity={"P5": 1}, held=HELD, excluded=[("P1", "D1")])
    assert got[0].start == "2026-12-08T20:00" and got[0].fill == 2  # P2 and P6


def test_a_filled_plan_or_no_better_hour_says_nothing() -> None:
    case = _case()
    one = replace(case, demands=(case.demands[0], replace(case.demands[1], headcount=1)))
    assert time_shifts(one) == []
    assert format_time_shifts([]) == ""


def test_the_cli_explains_a_dated_case_with_moves(tmp_path: Path) -> None:
    case = _case()  # no held work in case files: P5 and P6 left out
    case = replace(case, cadres=tuple(c for c in case.cadres if c.id not in ("P5", "P6")))
    folder = write_case(case, tmp_path / "case")
    res = CliRunner().invoke(app, ["propose", str(folder), "--explain-unfilled", "-f", "json"])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    (s,) = doc["time_shifts"]
    assert (s["demand"], s["start"], s["filled"], s["fill"]) == ("D1", "2026-12-08T19:00", 1, 2)
    assert doc["counterfactuals"] == []  # no undated order is short
    res = CliRunner().invoke(app, ["propose", str(folder), "--explain-unfilled", "--lang", "zh"])
    assert res.exit_code == 0, res.output
    assert "同日改期" in res.stdout and "将 D1 改为 19:00 开始" in res.stdout


def test_csv_and_the_workbook_carry_the_moves_as_fixes(tmp_path: Path) -> None:
    """A mixed case: D1 (dated) gets its move in the fixes column, D8 (dated, nobody
    qualified) that no hour helps, D9 (undated, nobody qualified) what it would get
    without dated orders: no single relaxation fills it (matcher.whatif.ongoing)."""
    case = _case()
    case = replace(case, cadres=tuple(c for c in case.cadres if c.id not in ("P5", "P6")))
    nobody = {"needs": {TAGS[0]: 3}, "requires": {TAGS[1]: 3}}
    d8 = replace(case.demands[1], id="D8", headcount=1, **nobody)  # type: ignore[arg-type]
    d9 = Demand(id="D9", community="C0", title="培训", priority=2, **nobody)  # type: ignore[arg-type]
    case = replace(case, demands=(*case.demands, d8, d9))
    folder = write_case(case, tmp_path / "case")
    args = ["propose", str(folder), "--explain-unfilled"]
    res = CliRunner().invoke(app, [*args, "-f", "csv"])
    assert res.exit_code == 0, res.output
    rows = {r["demand"]: r for r in csv.DictReader(io.StringIO(res.stdout)) if r["unfilled_slots"]}
    assert rows["D1"]["fixes"] == (
        "move: move D1 to start at 19:00 (2026-12-08 19:00–21:00): 2 qualified cadres free"
        " then, 2 of its 3 slots filled (now 1)"
    )
    assert rows["D8"]["fixes"] == "no other full hour the same day (06:00–22:00) fills more"
    assert rows["D9"]["fixes"] == "no single relaxation (travel, one level, free a cadre) fills it"
    res = CliRunner().invoke(app, [*args, "-f", "json"])
    doc = json.loads(res.stdout)
    assert doc["counterfactuals"] == [{"demand": "D9", "slots": 1, "options": []}]
    assert [s["demand"] for s in doc["time_shifts"]] == ["D1"]
    assert doc["counterfactuals_note"] == {"code": "fix.keeps_dated", "params": {}}
    out = tmp_path / "plan.xlsx"
    res = CliRunner().invoke(app, [*args, "-f", "xlsx", "-o", str(out), "--lang", "zh"])
    assert res.exit_code == 0, res.output
    sheet = load_workbook(out).worksheets[1]
    fixes = {r[0]: r[-1] for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert str(fixes["D1"]).startswith("改期：将 D1 改为 19:00 开始")
    assert fixes["D8"] == "同日其他整点（06:00–22:00）开始均不能多填"
    assert fixes["D9"] == "没有单项放宽（距离、降一级、调出干部）能填补"


def test_held_work_counts_in_the_districts_weeks_whatever_its_zone() -> None:
    """Work held Sunday 22:00 to Monday 02:00 (Shanghai) puts 2 hours in Monday's week
    however its datetimes are written: given in UTC (Sunday 14:00–18:00 there) it still
    leaves P1 (4 h a week) no room for 3 more hours on Monday, as the solver finds."""
    tag = TAGS[0]
    mon = dt.datetime(2026, 12, 14, tzinfo=ZONE)
    p1 = Cadre(id="P1", name="甲", home="C0", skills={tag: 5}, capacity=1, hours_per_week=4.0)
    d = Demand(id="D1", community="C0", title="探访", needs={tag: 3}, priority=3,
               start=mon + dt.timedelta(hours=1), end=mon + dt.timedelta(hours=4))  # fmt: skip
    case = Case(default_taxonomy(), communities(np.random.default_rng(0), 1), (p1,), (d,),
                Policy(alternatives=0))  # fmt: skip
    s, e = mon - dt.timedelta(hours=2), mon + dt.timedelta(hours=2)
    for held in (
        {"P1": [(s, e, None)]},
        {"P1": [(s.astimezone(dt.UTC), e.astimezone(dt.UTC), None)]},
    ):
        plan = propose(case, held=held)
        assert plan.assignments == []
        assert time_shifts(case, plan, held=held) == []
        at6 = replace(d, start=mon + dt.timedelta(hours=6), end=mon + dt.timedelta(hours=9))
        assert propose(replace(case, demands=(at6,)), held=held).assignments == []


def test_lending_rules_are_refused_and_the_cli_says_why(tmp_path: Path) -> None:
    """Three cadres of C0 may not be lent (max_lent 0) to D1 in C1: no hour fills it,
    so a move that ignored the rule would claim 2 of 2. time_shifts refuses the
    policy; the CLI still shows the plan and its reasons, and a coded note."""
    tag = TAGS[0]
    comms = communities(np.random.default_rng(0), 2)
    cadres = tuple(Cadre(id=f"P{i}", name=f"干部{i}", home=comms[0].id, skills={tag: 5},
                         capacity=1) for i in range(3))  # fmt: skip
    d = Demand(id="D1", community=comms[1].id, title="探访", needs={tag: 3}, headcount=2,
               priority=3, start=TUE + dt.timedelta(hours=14),
               end=TUE + dt.timedelta(hours=16))  # fmt: skip
    case = Case(default_taxonomy(), comms, cadres, (d,),
                Policy(alternatives=0, lending=Lending(max_lent=0)))  # fmt: skip
    plan = propose(case)
    assert plan.assignments == []
    at6 = replace(d, start=TUE + dt.timedelta(hours=6), end=TUE + dt.timedelta(hours=8))
    assert propose(replace(case, demands=(at6,))).assignments == []
    with pytest.raises(InputError) as e:
        time_shifts(case, plan)
    assert e.value.problems[0].code == "problem.lending_not_moved"
    folder = write_case(case, tmp_path / "case")
    (folder / "policy.toml").write_text("alternatives = 0\n[lending]\nmax_lent = 0\n")
    res = CliRunner().invoke(app, ["propose", str(folder), "--explain-unfilled"])
    assert res.exit_code == 0, res.output
    assert "D1" in res.stdout and "move D1" not in res.stdout and "0/2" in res.stdout
    assert "No time shifts shown: time shifts do not model the lending rules" in res.stdout
    res = CliRunner().invoke(app, ["propose", str(folder), "--explain-unfilled", "--lang", "zh"])
    assert res.exit_code == 0 and "未给出改期建议：改期推演尚不支持借调规则" in res.stdout
    res = CliRunner().invoke(app, ["propose", str(folder), "--explain-unfilled", "-f", "json"])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert doc["time_shifts"] == [] and doc["unfilled"][0]["demand"] == "D1"
    assert "No time shifts shown" in res.stderr
