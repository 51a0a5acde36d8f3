"""demands.csv's optional ``item`` column: a demand made from a catalogue item."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from matcher import CaseError, load_case, propose, write_case
from matcher.io import load_table
from matcher.tags import default_taxonomy
from tests.casefiles import DEMANDS
from tests.casefiles import write_case as write_files
from tests.paths import SAMPLE

HEADER = "id,community,title,needs,requires,certs,headcount,priority,start,end,hours,item\n"


def _with_items(*rows: str) -> str:
    body = "".join(line + ",,,,\n" for line in DEMANDS.splitlines()[1:])
    return HEADER + body + "".join(r + "\n" for r in rows)


def test_blank_cells_take_the_item_defaults(tmp_path: Path) -> None:
    case = load_case(write_files(tmp_path, demands=_with_items("D4,C3,,,,,,,,,,flood_watch")))
    d = {x.id: x for x in case.demands}["D4"]
    assert d.item == "flood_watch"
    assert d.title == "防汛值守"
    assert d.needs == {
        "emergency.flood_control": 4,
        "emergency.emergency_drills": 2,
        "governance.grid_management": 2,
    }
    assert d.requires == {"emergency.flood_control": 2}
    assert (d.certs, d.headcount, d.priority, d.hours) == ((), 3, 5, 12.0)


def test_filled_cells_override_the_item(tmp_path: Path) -> None:
    row = "D4,C3,汛期夜班,emergency.flood_control:2,,red_cross_first_aider,1,2,,,6,flood_watch"
    d = {x.id: x for x in load_case(write_files(tmp_path, demands=_with_items(row))).demands}["D4"]
    assert d.title == "汛期夜班"
    assert d.needs == {"emergency.flood_control": 2}  # replaced whole, not merged
    assert d.requires == {"emergency.flood_control": 2}  # blank: the item's
    assert (d.certs, d.headcount, d.priority, d.hours) == (("red_cross_first_aider",), 1, 2, 6.0)


def test_a_dated_order_with_an_end_is_as_long_as_its_window(tmp_path: Path) -> None:
    row = "D4,C3,,,,,,,2026-12-08T18:00,2026-12-08T22:00,,flood_watch"
    d = {x.id: x for x in load_case(write_files(tmp_path, demands=_with_items(row))).demands}["D4"]
    assert d.hours is None and d.window is not None and d.window.hours == 4


def test_an_unknown_item_is_located_with_the_nearest_ids(tmp_path: Path) -> None:
    rows = ("D4,C3,,,,,,,,,,flood_wach", "D5,C3,,,,,,,,,,elderly_care")
    with pytest.raises(CaseError) as err:
        load_case(write_files(tmp_path, demands=_with_items(*rows)))
    (p,) = err.value.problems  # no second problem for the row's blank cells
    assert (p.file, p.row, p.column, p.value) == ("demands.csv", 5, "item", "flood_wach")
    assert p.code == "problem.unknown_item"
    assert p.hint is not None and "'flood_watch'" in p.hint


def test_a_case_catalogue_replaces_the_bundled_one(tmp_path: Path) -> None:
    root = write_files(tmp_path, demands=_with_items("D4,C3,,,,,,,,,,night_watch"))
    (root / "catalogue.toml").write_text(
        """[[categories]]
slug = "safety"
zh = "安全"
en = "Safety"
  [[categories.items]]
  id = "night_watch"
  zh = "夜间巡逻"
  en = "Night watch"
  needs = { "governance.grid_management" = 3 }
""",
        encoding="utf-8",
    )
    d = {x.id: x for x in load_case(root).demands}["D4"]
    assert (d.title, d.needs, d.headcount, d.priority) == (
        "夜间巡逻",
        {"governance.grid_management": 3},
        1,
        3,
    )
    (root / "catalogue.toml").write_text("[[categories]]\nslug = 1\n", encoding="utf-8")
    with pytest.raises(CaseError) as err:
        load_case(root)
    assert err.value.problems[0].file == "catalogue.toml"


def test_an_item_round_trips_through_write_case(tmp_path: Path) -> None:
    case = load_case(write_files(tmp_path / "a", demands=_with_items("D4,C3,,,,,,,,,,flood_watch")))
    again = load_case(write_case(case, tmp_path / "b"))
    assert again.demands == case.demands
    header = (tmp_path / "b" / "demands.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header.endswith(",hours,item")  # the item gave hours, written as a cell


def test_a_blank_item_column_changes_nothing_byte_for_byte(tmp_path: Path) -> None:
    """The sample with an all-blank item column: the same case, the same proposal, and
    written back without the column."""
    copy = tmp_path / "sample"
    shutil.copytree(SAMPLE, copy)
    lines = (SAMPLE / "demands.csv").read_text(encoding="utf-8").splitlines()
    (copy / "demands.csv").write_text(
        "\n".join([lines[0] + ",item"] + [x + "," for x in lines[1:]]) + "\n", encoding="utf-8"
    )
    base, blank = load_case(SAMPLE), load_case(copy)
    assert blank.demands == base.demands
    assert propose(blank).model_dump_json() == propose(base).model_dump_json()
    write_case(blank, tmp_path / "out")
    assert (tmp_path / "out" / "demands.csv").read_bytes() == (SAMPLE / "demands.csv").read_bytes()


def test_an_upload_names_items_too() -> None:
    text = (
        "id,community,title,needs,requires,certs,headcount,priority,item\nD9,C1,,,,,,,grid_patrol\n"
    )
    ((line, d),) = load_table("demands.csv", text, taxonomy=default_taxonomy(), communities={"C1"})
    assert line == 2 and d.item == "grid_patrol" and d.headcount == 2
