"""Counterfactuals for the ongoing orders of a case with dated ones, worked by hand.

Tuesday 2026-12-08 (Asia/Shanghai). Evening shifts (priority 5) beat the ongoing O1
(priority 1), which the plan leaves empty:

- P1 (capacity 1) takes shift S1 18:00–22:00: held all evening, no place for O1;
- P2 (capacity 1) lives 10 km away with a 1 km limit and is free mornings only: it
  fails only the travel limit for O1 (the travel fix), and takes no shift;
- P3 (capacity 2) takes S2 18:00–22:00 and S3 19:00–23:00: both at 19:00–22:00;
- P4 (capacity 2) takes S4 18:00–22:00 and the ongoing O2 (priority 3, only P4 has
  its skill): one place for ongoing work, O2 in it (the free fix: from O2 to O1).

So the ongoing orders see P1 and P3 with no place, P4 with one, P2 with one: the
undated case written here by hand. Two oracles: that case's counterfactuals, and
each option granted in the whole dated case, re-solved exactly (the MILP of
:func:`matcher.propose`) with the plan's dated dispatches pinned.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from dataclasses import replace

import pytest
from typer.testing import CliRunner

from matcher import (
    Demand,
    InputError,
    propose,
    write_case,
)
from matcher.cli import app
from matcher.messages import msg
from matcher.whatif import (
    KEEPS_DATED,
    dated_load,
    ongoing_counterfactuals,
    slot_fixes,
    unfilled_counterfactuals,
)
from tests.whatif.dated_case import NONE, TUE, dated_case

_case = dated_case


def test_the_hand_case_plans_as_described() -> None:
    case = _case()
    plan = propose(case)
    pairs = {(a.cadre, a.demand) for a in plan.assignments}
    assert {(c, d) for c, d in pairs if d.startswith("O")} == {("P4", "O2")}
    assert sorted(c for c, d in pairs if d.startswith("S")) == ["P1", "P3", "P3", "P4"]
    assert [u.demand for u in plan.unfilled] == ["O1"]
    # P3's two shifts overlap (any two of them do, at 19:00–22:00)
    assert dated_load(case, plan) == {"P1": 1, "P3": 2, "P4": 1}


def test_dated_load_is_the_most_at_one_instant() -> None:
    """Overlapping windows are two at once; back to back (one ends as the next starts)
    one at a time."""
    case = _case()
    plan = propose(case)
    mine = [a.model_copy(update={"cadre": "P1"}) for a in plan.assignments
            if a.demand in ("S1", "S3")]  # fmt: skip
    assert len(mine) == 2
    both = plan.model_copy(update={"assignments": mine})
    assert dated_load(case, both) == {"P1": 2}  # 18–22 and 19–23
    s1 = case.demands[0]
    back = {"start": s1.end, "end": s1.end + dt.timedelta(hours=2)}
    moved = replace(case, demands=tuple(replace(d, **back) if d.id == "S3" else d
                                        for d in case.demands))  # fmt: skip
    assert dated_load(moved, both) == {"P1": 1}  # 18–22 and 22–24


def test_ongoing_orders_get_the_fixes_of_the_undated_case_written_by_hand() -> None:
    case = _case()
    plan = propose(case)
    got = ongoing_counterfactuals(case, plan, verify=True)
    # the undated case by hand: no shifts; P1 and P3 have no place left, P4 one
    room = {"P1": 0, "P2": 1, "P3": 0, "P4": 1}
    undated = replace(
        case,
        cadres=tuple(replace(c, capacity=room[c.id]) for c in case.cadres),
        demands=tuple(d for d in case.demands if d.start is None),
    )
    want = unfilled_counterfactuals(undated, verify=True)
    assert [r.demand for r in got] == ["O1"]
    assert got == want
    kinds = {o.kind: o for o in got[0].options}
    assert set(kinds) == {"travel", "free"}  # P1 and P3 are not offered: their shifts stay
    assert kinds["travel"].cadre == "P2" and kinds["free"].cadre == "P4"
    assert kinds["free"].leaves == ["O2"]
    assert all(o.verified for o in got[0].options)


def test_each_fix_is_true_under_the_dated_rules_and_priced_exactly() -> None:
    """Granted in the whole dated case and re-solved exactly (MILP) with the plan's
    dated dispatches pinned, each option's plan scores its price more."""
    case = _case()
    plan = propose(case)
    dated = [(a.cadre, a.demand) for a in plan.assignments if a.demand.startswith("S")]
    (row,) = ongoing_counterfactuals(case, plan)
    for o in row.options:
        granted = case
        if o.kind == "travel":
            granted = replace(case, cadres=tuple(
                replace(c, max_travel_km=math.inf) if c.id == o.cadre else c
                for c in case.cadres))  # fmt: skip
        again = propose(granted, pinned=[*dated, (o.cadre, "O1")])
        assert again.certified and (o.cadre, "O1") in {
            (a.cadre, a.demand) for a in again.assignments
        }
        assert again.objective - plan.objective == pytest.approx(o.objective_delta, abs=1e-6)
        # every cadre within capacity at every instant: ongoing + shifts held at 19:30
        for c in granted.cadres:
            mine = [a.demand for a in again.assignments if a.cadre == c.id]
            at = TUE + dt.timedelta(hours=19, minutes=30)
            held = [d for d in granted.demands if d.id in mine
                    and (d.start is None or d.start <= at < (d.end or at))]  # fmt: skip
            assert len(held) <= c.capacity, (o.kind, c.id, mine)


def test_propose_explains_ongoing_slots_in_a_dated_case(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The CLI's --explain-unfilled: the ongoing order's fixes beside the shifts' moves,
    and the note that they keep the dated dispatches, in JSON and both languages."""
    folder = write_case(_case(), tmp_path / "case")
    runner = CliRunner()
    res = runner.invoke(app, ["propose", str(folder), "--explain-unfilled", "-f", "json"])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    (row,) = doc["counterfactuals"]
    assert row["demand"] == "O1" and {o["kind"] for o in row["options"]} == {"travel", "free"}
    assert doc["counterfactuals_note"] == {"code": "fix.keeps_dated", "params": {}}
    assert "time_shifts" in doc
    for lang, note, fix in [
        ("en", "fixes for ongoing orders keep the dated orders' dispatches as proposed",
         "let 干部P2 (P2) travel"),
        ("zh", "长期任务的补救办法保持定时工单的派遣不变", "允许 干部P2（P2）出行"),
    ]:  # fmt: skip
        res = runner.invoke(app, ["propose", str(folder), "--explain-unfilled", "--lang", lang])
        assert res.exit_code == 0, res.output
        assert note in res.stdout and fix in res.stdout, res.stdout
    # a policy pricing refuses (lending rules): the plan stands, no fixes, the reason said
    policy = tmp_path / "policy.toml"
    policy.write_text("alternatives = 0\n[lending]\nmax_lent = 100\n", encoding="utf-8")
    args = ["propose", str(folder), "--explain-unfilled", "-f", "json", "--policy", str(policy)]
    res = runner.invoke(app, args)
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert doc["counterfactuals"] == [] and doc["counterfactuals_note"] is None
    assert "No fixes shown for ongoing orders: what-if pricing does not model lending" in res.stderr
    assert [u["demand"] for u in doc["unfilled"]] == ["O1"]


def test_slot_fixes_is_what_both_faces_say() -> None:
    """One function for the CLI and the service: the ongoing fixes and the note in a
    dated case; the plain relaxations, no note, in a case without dated orders."""
    case = _case()
    plan = propose(case)
    got = slot_fixes(case, plan)
    assert got.counterfactuals == ongoing_counterfactuals(case, plan)
    assert got.note == KEEPS_DATED and got.unpriced is None  # every shift is filled
    # a shift nobody can take: named, without fixes
    odd = Demand(id="S9", community="C0", title="值守", needs={NONE: 3}, requires={NONE: 1},
                 start=TUE, end=TUE + dt.timedelta(hours=2))  # fmt: skip
    more = replace(case, demands=(*case.demands, odd))
    got = slot_fixes(more, propose(more))
    assert [r.demand for r in got.counterfactuals] == ["O1"]
    assert got.unpriced == msg("fix.dated_unpriced", count=1, demands=["S9"])
    undated = replace(case, demands=tuple(d for d in case.demands if d.start is None))
    got = slot_fixes(undated, propose(undated))
    assert got.counterfactuals == unfilled_counterfactuals(undated)
    assert got.note is None and got.unpriced is None


def test_a_plan_not_proven_optimal_is_not_priced() -> None:
    """The prices rest on the plan's ongoing part being optimal: a MILP stopped
    before its proof is refused with its own code (the CLI says so, the service 422)."""
    case = _case()
    plan = propose(case)
    assert plan.solver == "milp" and plan.certified
    with pytest.raises(InputError) as e:
        ongoing_counterfactuals(case, plan.model_copy(update={"certified": False}))
    assert e.value.problems[0].code == "problem.unproven_not_priced"
