"""Loading case folders: every bad input is reported with file, row, column and a fix."""

from __future__ import annotations

import math

import pytest

from matcher import CaseError, Status, load_case, write_case
from tests.casefiles import BAD, CADRES, COMMUNITIES, DEMANDS
from tests.casefiles import write_case as write_files


@pytest.mark.parametrize("kind", sorted(BAD))
def test_each_bad_input_names_file_row_column(tmp_path, kind) -> None:  # type: ignore[no-untyped-def]
    which, text, file, row, column = BAD[kind]
    write_files(tmp_path, **{which: text})
    with pytest.raises(CaseError) as info:
        load_case(tmp_path)
    probs = info.value.problems
    assert len(probs) == 1, str(info.value)
    p = probs[0]
    assert (p.file, p.column) == (file, column)
    if row is not None:
        assert p.row == row
    assert file in str(info.value)


def test_empty_and_missing_files(tmp_path) -> None:  # type: ignore[no-untyped-def]
    write_files(tmp_path, demands="")
    (tmp_path / "cadres.csv").unlink()
    with pytest.raises(CaseError) as info:
        load_case(tmp_path)
    text = str(info.value)
    assert "demands.csv: file is empty" in text and "cadres.csv: file is missing" in text


def test_all_problems_reported_at_once(tmp_path) -> None:  # type: ignore[no-untyped-def]
    bad = CADRES.replace("yellow", "blue").replace(",2,green", ",x,green")
    write_files(tmp_path, cadres=bad, demands=DEMANDS.replace(",2,5", ",2,9"))
    with pytest.raises(CaseError) as info:
        load_case(tmp_path)
    cols = {(p.file, p.column) for p in info.value.problems}
    assert cols == {
        ("cadres.csv", "status"),
        ("cadres.csv", "capacity"),
        ("demands.csv", "priority"),
    }


def test_unknown_tag_suggests_the_closest_slug(tmp_path) -> None:  # type: ignore[no-untyped-def]
    write_files(
        tmp_path, cadres=CADRES.replace("urban.elevator_retrofit:4", "urban.elevator_retrofitt:4")
    )
    with pytest.raises(CaseError, match=r"did you mean 'urban\.elevator_retrofit'"):
        load_case(tmp_path)


def test_bom_blank_values_and_chinese_text(tmp_path) -> None:  # type: ignore[no-untyped-def]
    write_files(tmp_path)
    path = tmp_path / "cadres.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    case = load_case(tmp_path)
    p1 = case.cadres[0]
    assert p1.name == "张三" and p1.capacity == 2 and math.isinf(p1.max_travel_km)
    assert case.cadres[1].status is Status.YELLOW and case.cadres[1].max_travel_km == 5


def test_not_utf8_names_the_line(tmp_path) -> None:  # type: ignore[no-untyped-def]
    write_files(tmp_path)
    # a byte neither UTF-8 nor GB18030 takes (GBK itself is read: tests/io/test_office.py)
    lines = DEMANDS.encode("utf-8").split(b"\n")
    lines[1] = lines[1] + b"\xff"
    (tmp_path / "demands.csv").write_bytes(b"\n".join(lines))
    with pytest.raises(CaseError) as info:
        load_case(tmp_path)
    assert info.value.problems[0].row == 2 and "UTF-8" in str(info.value)


def test_write_then_load_round_trips(tmp_path) -> None:  # type: ignore[no-untyped-def]
    case = load_case(write_files(tmp_path / "a"))
    again = load_case(write_case(case, tmp_path / "b"))
    assert (again.communities, again.cadres, again.demands) == (
        case.communities,
        case.cadres,
        case.demands,
    )


def test_not_a_folder(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(CaseError, match="not a case folder"):
        load_case(tmp_path / "missing")


def test_duplicated_header_column_is_named(tmp_path) -> None:  # type: ignore[no-untyped-def]
    write_files(tmp_path, communities=COMMUNITIES.replace("id,name,street", "id,name,name"))
    with pytest.raises(CaseError) as info:
        load_case(tmp_path)
    assert [(p.column, p.message) for p in info.value.problems if p.file == "communities.csv"] == [
        ("name", "column appears twice in the header"),
        ("street", "missing column"),
    ]


def test_header_only_communities_is_one_problem(tmp_path) -> None:  # type: ignore[no-untyped-def]
    write_files(tmp_path, communities="id,name,street,lat,lon\n")
    with pytest.raises(CaseError) as info:
        load_case(tmp_path)
    assert len(info.value.problems) == 1 and "no communities" in str(info.value)
