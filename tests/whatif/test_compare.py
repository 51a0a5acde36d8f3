"""Comparisons on hand-made cases: KPI deltas, unfilled by category/tag, churn and reasons."""

from __future__ import annotations

import pytest

from matcher import Cancelled, Case, propose
from matcher.messages import CATALOGUE
from matcher.whatif import compare, parse_scenario


def _cmp(case: Case, *edits: dict[str, object]):  # type: ignore[no-untyped-def]
    return compare(case, parse_scenario({"edits": list(edits)}, case))


def test_remove_and_train(tiny: Case) -> None:
    cmp = _cmp(
        tiny,
        {"kind": "remove_cadres", "ids": ["A"]},
        {"kind": "train", "ids": ["E"], "tag": "urban.property_management"},
    )
    ch = cmp.churn
    assert (ch.kept, ch.moved, ch.added, ch.dropped) == (2, 0, 1, 1)
    got = {(c.kind, c.cadre, tuple(c.before), tuple(c.after), c.reason) for c in ch.changes}
    assert got == {
        ("dropped", "A", ("D1",), (), "cadre removed by edit 1 (remove_cadres)"),
        ("added", "E", (), ("D4",), "E now passes requires for D4 by edit 2 (train)"),
    }
    k = {x.kpi: x for x in cmp.kpis}
    assert (k["slots_filled"].base, k["slots_filled"].scenario) == (3, 3)
    assert k["cadres_available"].delta == -1
    assert abs(k["objective"].delta - (cmp.result.objective - cmp.base.objective)) < 1e-9
    cat = {r.key: (r.base, r.scenario, r.delta) for r in cmp.unfilled_by_category}
    assert cat == {"party": (1, 2, 1), "urban": (1, 0, -1), "governance": (1, 1, 0)}
    tag = {r.key: r.delta for r in cmp.unfilled_by_tag}
    assert tag["urban.property_management"] == -1 and tag["party.mass_work"] == 1


def test_headcount_cut_and_move(tiny: Case) -> None:
    # D1 gone: A moves to D2 (the only other demand A qualifies for)
    cmp = _cmp(tiny, {"kind": "scale_demand", "ids": ["D1"], "factor": 0})
    (c,) = cmp.churn.changes
    assert (c.kind, c.cadre, c.before, c.after) == ("moved", "A", ["D1"], ["D2"])
    assert c.reason.startswith("left D1: demand D1 removed by edit 1 (scale_demand); took D2:")


def test_new_demand_and_cadre(tiny: Case) -> None:
    cmp = _cmp(
        tiny,
        {"kind": "add_demands", "community": "C3", "needs": {"emergency.first_aid": 1}},
        {"kind": "add_cadres", "home": "C3", "skills": {"emergency.first_aid": 4}},
    )
    added = {c.cadre: c.reason for c in cmp.churn.changes if c.kind == "added"}
    assert added["N0001"] == "new cadre by edit 2 (add_cadres)"
    assert cmp.result.kpis.slots_total == cmp.base.kpis.slots_total + 1


def test_travel_penalty_reason(tiny: Case) -> None:
    cmp = _cmp(tiny, {"kind": "policy", "weights": {"travel_per_km": 50.0}})
    reasons = [c.reason for c in cmp.churn.changes]
    assert reasons and all("score on" in r or "re-optimised" in r for r in reasons)


def test_deterministic_and_consistent_with_propose(small: Case) -> None:
    edits = [
        {"kind": "remove_cadres", "all": True, "count": 10, "seed": 1},
        {"kind": "scale_demand", "category": "emergency", "factor": 2.0},
    ]
    a = _cmp(small, *edits)
    b = _cmp(small, *edits)
    assert a.model_dump() == b.model_dump()
    assert a.base.objective == propose(small).objective
    n = a.churn
    base_pairs = len(a.base.assignments)
    assert n.kept + sum(len(c.before) for c in n.changes) == base_pairs
    assert n.kept + sum(len(c.after) for c in n.changes) == len(a.result.assignments)


def test_a_headcount_cut_and_a_rival_are_reasons_to_leave(tiny: Case) -> None:
    cut = _cmp(tiny, {"kind": "scale_demand", "ids": ["D5"], "factor": 0.5})
    got = [(c.kind, c.cadre, c.reason) for c in cut.churn.changes]
    assert got == [("dropped", "F", "headcount of D5 cut 2 → 1 by edit 1 (scale_demand)")]
    rival = _cmp(tiny, {"kind": "add_cadres", "home": "C1", "skills": {"emergency.first_aid": 4}})
    got = [(c.kind, c.cadre, c.reason) for c in rival.churn.changes]
    assert ("dropped", "F", "re-optimised: D5 now takes N0001") in got


def test_progress_names_the_plan_solved_and_a_cancel_stops_the_next(tiny: Case) -> None:
    """A job's callback hears which plan is solved (codes phase.baseline, phase.scenario)
    and stops the what-if by raising: before the scenario's solve, nothing of it runs."""
    sc = parse_scenario({"edits": [{"kind": "remove_cadres", "ids": ["A"]}]}, tiny)
    seen: list[tuple[str, float | None]] = []
    compare(tiny, sc, progress=lambda phase, fraction=None: seen.append((phase, fraction)))
    phases = [p for p, _ in seen]
    assert phases[0] == "baseline" and phases[-1] == "scenario"
    assert phases.index("scenario") > 1  # the baseline's steps were heard in between
    assert set(phases) == {"baseline", "scenario"} and {f for _, f in seen} == {None}
    assert all(f"phase.{p}" in CATALOGUE for p in phases)

    def stop_at_scenario(phase: str, fraction: float | None = None) -> None:
        if phase == "scenario":
            raise Cancelled("stop")

    with pytest.raises(Cancelled):
        compare(tiny, sc, progress=stop_at_scenario)
    plain = compare(tiny, sc)
    assert compare(tiny, sc, progress=lambda *_: None).model_dump() == plain.model_dump()
