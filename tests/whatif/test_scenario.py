"""Scenario files: validation (file, line, suggestion) and every edit kind."""

from __future__ import annotations

from pathlib import Path

import pytest

from matcher import Case, Status
from matcher.whatif import ScenarioError, apply_scenario, load_scenario, parse_scenario


def _write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "sc.toml"
    p.write_text(text, encoding="utf-8")
    return p


BAD = """name = "typos"

[[edits]]
kind = "scale_demnd"
factor = 2.0

[[edits]]
kind = "train"
ids = ["E"]
tag = "urban.property_managment"

[[edits]]
kind = "add_cadres"
home = "C9"
skills = { "party.mass_work" = 3 }

[[edits]]
kind = "remove_cadres"
street = "东街"
colour = "red"
"""


def test_every_problem_named_with_file_line_and_suggestion(tmp_path: Path, tiny: Case) -> None:
    path = _write(tmp_path, BAD)
    with pytest.raises(ScenarioError) as info:
        load_scenario(path, tiny)
    probs = {(p.row, p.column): p for p in info.value.problems}
    assert set(probs) == {(4, "kind"), (10, "tag"), (14, "home"), (19, "street"), (20, "colour")}
    assert all(p.file == str(path) for p in probs.values())
    assert "'scale_demand'" in (probs[4, "kind"].hint or "")
    assert "'urban.property_management'" in (probs[10, "tag"].hint or "")
    assert "'C1'" in (probs[14, "home"].hint or "") or "'C2'" in (probs[14, "home"].hint or "")
    assert "'东街道'" in (probs[19, "street"].hint or "")
    text = str(info.value)
    assert f"{path}:10: tag: edit 2: unknown tag 'urban.property_managment'" in text


def test_body_problems_locate_the_edit_by_index(tiny: Case) -> None:
    with pytest.raises(ScenarioError) as info:
        parse_scenario(
            {"edits": [{"kind": "train", "ids": ["E"], "tag": "x.y"}]}, tiny, source="body"
        )
    (p,) = info.value.problems
    assert (p.file, p.column, p.row) == ("body.edits.0", "tag", None)


def test_unknown_top_level_key(tmp_path: Path, tiny: Case) -> None:
    path = _write(tmp_path, 'nmae = "x"\n')
    with pytest.raises(ScenarioError) as info:
        load_scenario(path, tiny)
    assert info.value.problems[0].row == 1
    assert "'name'" in (info.value.problems[0].hint or "")


def _apply(case: Case, *edits: dict[str, object]) -> tuple[Case, dict[str, list[str]]]:
    return apply_scenario(case, parse_scenario({"edits": list(edits)}, case))


def test_edits_apply_in_order(tiny: Case) -> None:
    new, touched = _apply(
        tiny,
        {"kind": "add_cadres", "count": 2, "street": "东街道", "skills": "party.mass_work:3"},
        {"kind": "remove_cadres", "ids": ["B"]},
        {"kind": "set_status", "community": "C1", "to": "yellow"},
        {"kind": "set_capacity", "ids": ["G"], "delta": 1},
        {"kind": "travel_limit", "all": True, "add_km": 1.5},
        {"kind": "add_demands", "community": "C3", "needs": {"party.mass_work": 2}},
        {"kind": "scale_demand", "category": "emergency", "factor": 1.5},
        {"kind": "policy", "weights": {"travel_per_km": 1.0}},
        {"kind": "train", "best": 1, "tag": "urban.property_management", "levels": 1},
    )
    cad = {c.id: c for c in new.cadres}
    assert [c for c in cad if c.startswith("N")] == ["N0001", "N0002"]
    assert {cad["N0001"].home, cad["N0002"].home} == {"C1", "C2"}  # round-robin over the street
    assert "B" not in cad
    assert cad["A"].status is Status.YELLOW and cad["E"].status is Status.GREEN
    assert cad["G"].capacity == 3
    assert cad["N0001"].max_travel_km == float("inf")
    assert cad["E"].skills["urban.property_management"] == 3  # best 1: highest level below 5
    dem = {d.id: d for d in new.demands}
    assert dem["D5"].headcount == 3 and dem["ND0001"].community == "C3"
    assert new.policy.weights.travel_per_km == 1.0
    assert touched["B"] == ["edit 2 (remove_cadres)"]
    assert touched["E"] == ["edit 5 (travel_limit)", "edit 9 (train)"]


def test_remove_count_is_a_seeded_sample(tiny: Case) -> None:
    a, _ = _apply(tiny, {"kind": "remove_cadres", "all": True, "count": 2, "seed": 3})
    b, _ = _apply(tiny, {"kind": "remove_cadres", "all": True, "count": 2, "seed": 3})
    assert [c.id for c in a.cadres] == [c.id for c in b.cadres]
    assert len(a.cadres) == len(tiny.cadres) - 2


def test_scale_to_zero_drops_the_demand(tiny: Case) -> None:
    new, _ = _apply(tiny, {"kind": "scale_demand", "ids": ["D5"], "factor": 0})
    assert "D5" not in {d.id for d in new.demands}


@pytest.mark.parametrize(
    "edit, column",
    [
        ({"kind": "set_capacity", "all": True}, None),
        ({"kind": "set_status", "all": True, "to": "blue"}, "to"),
        ({"kind": "policy", "weights": {"fil": 1.0}}, "weights"),
        ({"kind": "scale_demand", "tag": "party.mass_work", "factor": -1}, "factor"),
        ({"kind": "add_demands", "street": "东街道", "priority": 9}, "priority"),
        ({"kind": "remove_cadres", "ids": "A"}, "ids"),
        ({"kind": "add_cadres", "home": ["C1"]}, "home"),
    ],
)
def test_bad_values(tiny: Case, edit: dict[str, object], column: str | None) -> None:
    with pytest.raises(ScenarioError) as info:
        parse_scenario({"edits": [edit]}, tiny)
    assert info.value.problems[0].column == column


@pytest.mark.parametrize(
    "edit, column, hint",
    [
        ({"kind": "set_status", "community": "C4", "to": "red"}, "community", "'C1'"),
        ({"kind": "scale_demand", "category": "emergncy", "factor": 2}, "category", "emergency"),
    ],
)
def test_unknown_names_are_refused_with_the_nearest(
    tiny: Case, edit: dict[str, object], column: str, hint: str
) -> None:
    with pytest.raises(ScenarioError) as info:
        parse_scenario({"edits": [edit]}, tiny)
    (p,) = info.value.problems
    assert (p.column, p.message) == (column, f"edit 1: unknown {column} '{edit[column]}'")
    assert hint in (p.hint or "")
