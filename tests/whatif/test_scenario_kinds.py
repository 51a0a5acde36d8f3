"""The edit kinds live in one table, each kind checking and applying itself."""

from __future__ import annotations

from matcher import Case
from matcher.whatif import EDIT_KINDS, apply_scenario, parse_scenario
from matcher.whatif.scenario.edit import EditKind
from matcher.whatif.scenario.kinds import EDITS
from tests.paths import ROOT


def test_the_table_is_the_one_list_of_kinds() -> None:
    assert list(EDIT_KINDS) == list(EDITS)
    for name, kind in EDITS.items():
        assert isinstance(kind, EditKind) and kind.name == name
        assert EDIT_KINDS[name] == kind.keys
        assert type(kind).check is not EditKind.check, name
        assert type(kind).apply is not EditKind.apply, name


def test_tag_levels_in_text_are_read_with_the_case_files_syntax(tiny: Case) -> None:
    tag = tiny.taxonomy.tags[0].slug
    sc = parse_scenario(
        {"edits": [{"kind": "add_cadres", "home": tiny.communities[0].id, "skills": f"{tag}:3;"}]},
        tiny,
    )
    new, touched = apply_scenario(tiny, sc)
    added = [c for c in new.cadres if c.id in touched]
    assert [c.skills for c in added] == [{tag: 3}]


def test_tag_level_text_is_split_only_in_io() -> None:
    for path in (ROOT / "matcher" / "whatif").rglob("*.py"):
        assert '.partition(":")' not in path.read_text(encoding="utf-8"), path
