"""The optional columns of dated work: parsed with file, row, column and a fix; blank
or absent they change nothing, and a case writes them only when some row fills one."""

from __future__ import annotations

import datetime as dt
import filecmp
import math

import pytest
from typer.testing import CliRunner

from matcher import CaseError, load_case, write_case
from matcher.cli.app import app
from matcher.io import COLUMNS
from tests.casefiles import CADRES, DEMANDS
from tests.casefiles import write_case as write_files
from tests.paths import SAMPLE

DATED_DEMANDS = (
    DEMANDS.replace("priority\n", "priority,start,end,hours\n", 1)
    .replace(",2,5\n", ",2,5,2026-12-08T18:00,2026-12-08T22:00,\n")
    .replace(",1,4\n", ",1,4,2026-12-12 09:00,,3\n")
    .replace(",1,3\n", ",1,3,,,\n")
)
DATED_CADRES = (
    CADRES.replace("max_travel_km\n", "max_travel_km,available,away,hours_per_week\n", 1)
    .replace(
        "green,\n", "green,,mon-fri 18:00-21:30; sat 08:00-18:00,2026-12-10..2026-12-14,6\n", 1
    )
    .replace(",5\n", ",5,周末 09:00-17:00,,\n", 1)
    .replace("red,\n", "red,,,,\n", 1)
    .replace(",3\n", ",3,,2027-01-20,\n", 1)
)


def test_dated_columns_are_read(tmp_path) -> None:  # type: ignore[no-untyped-def]
    case = load_case(write_files(tmp_path, demands=DATED_DEMANDS, cadres=DATED_CADRES))
    d1, d2, d3 = case.demands
    zone = d1.start.tzinfo if d1.start else None
    assert d1.start == dt.datetime(2026, 12, 8, 18, tzinfo=zone) and d1.window
    assert d1.window.hours == 4.0 and d1.hours is None
    assert d2.end is None and d2.window and d2.window.hours == 3.0
    assert d2.window.end == dt.datetime(2026, 12, 12, 12, tzinfo=zone)
    assert d3.window is None and d3.start is None
    p1, p2, p3, p4 = case.cadres
    assert str(p1.available) == "mon-fri 18:00-21:30; sat 08:00-18:00"
    assert str(p1.away) == "2026-12-10..2026-12-14" and p1.hours_per_week == 6.0
    assert str(p2.available) == "sat,sun 09:00-17:00" and p2.away is None
    assert p3.available is None and math.isinf(p3.hours_per_week)
    assert str(p4.away) == "2027-01-20"


def test_dated_case_round_trips(tmp_path) -> None:  # type: ignore[no-untyped-def]
    case = load_case(write_files(tmp_path / "a", demands=DATED_DEMANDS, cadres=DATED_CADRES))
    again = load_case(write_case(case, tmp_path / "b"))
    assert again.cadres == case.cadres and again.demands == case.demands


def test_a_case_without_dated_work_writes_the_same_files(tmp_path) -> None:  # type: ignore[no-untyped-def]
    first = write_case(load_case(SAMPLE), tmp_path / "a")
    second = write_case(load_case(first), tmp_path / "b")
    for name in ("communities.csv", "cadres.csv", "demands.csv"):
        assert filecmp.cmp(first / name, second / name, shallow=False), name
        header = (first / name).read_text(encoding="utf-8").splitlines()[0]
        assert header.split(",") == list(COLUMNS[name]), name


def test_the_policy_zone_applies(tmp_path) -> None:  # type: ignore[no-untyped-def]
    root = write_files(tmp_path, demands=DATED_DEMANDS)
    (root / "policy.toml").write_text('timezone = "Europe/Berlin"\n', encoding="utf-8")
    d1 = load_case(root).demands[0]
    assert d1.start is not None and d1.start.utcoffset() == dt.timedelta(hours=1)


def test_an_unknown_zone_is_a_policy_problem(tmp_path) -> None:  # type: ignore[no-untyped-def]
    root = write_files(tmp_path)
    (root / "policy.toml").write_text('timezone = "Asia/Shanghia"\n', encoding="utf-8")
    with pytest.raises(CaseError, match="unknown time zone 'Asia/Shanghia'"):
        load_case(root)


BAD_DEMANDS = {
    "end before start": (",2,5\n", ",2,5,2026-12-08T22:00,2026-12-08T18:00,\n", "end", "before"),
    "end without start": (",2,5\n", ",2,5,,2026-12-08T18:00,\n", "end", "needs a start"),
    "neither end nor hours": (",2,5\n", ",2,5,2026-12-08T18:00,,\n", "hours", "end or its hours"),
    "hours over the window": (
        ",2,5\n",
        ",2,5,2026-12-08T18:00,2026-12-08T20:00,3\n",
        "hours",
        "exceed the window",
    ),
    "no time of day": (",2,5\n", ",2,5,2026-12-08,,4\n", "start", "no time of day"),
    "an offset": (",2,5\n", ",2,5,2026-12-08T18:00+08:00,,4\n", "start", "offset"),
    "hours not a number": (",2,5\n", ",2,5,2026-12-08T18:00,,four\n", "hours", "number of hours"),
}


@pytest.mark.parametrize("kind", sorted(BAD_DEMANDS))
def test_bad_dated_demand_names_file_row_column(tmp_path, kind) -> None:  # type: ignore[no-untyped-def]
    old, new, column, says = BAD_DEMANDS[kind]
    text = DATED_DEMANDS.replace(",2,5,2026-12-08T18:00,2026-12-08T22:00,\n", old).replace(
        old, new, 1
    )
    write_files(tmp_path, demands=text)
    with pytest.raises(CaseError) as info:
        load_case(tmp_path)
    (p,) = info.value.problems
    assert (p.file, p.row, p.column) == ("demands.csv", 2, column)
    assert says in p.message


BAD_CADRES = {
    "unknown weekday": ("mon-fry 18:00-21:00", "available", "unknown weekday"),
    "backwards window": ("mon 21:00-18:00", "available", "ends before"),
    "no window": ("mon-fri", "available", "no time window"),
    "overlap": ("mon 08:00-12:00;mon 11:00-13:00", "available", "overlaps"),
}


@pytest.mark.parametrize("kind", sorted(BAD_CADRES))
def test_bad_availability_names_file_row_column(tmp_path, kind) -> None:  # type: ignore[no-untyped-def]
    value, column, says = BAD_CADRES[kind]
    text = DATED_CADRES.replace("mon-fri 18:00-21:30; sat 08:00-18:00", value)
    write_files(tmp_path, cadres=text)
    with pytest.raises(CaseError) as info:
        load_case(tmp_path)
    (p,) = info.value.problems
    assert (p.file, p.row, p.column, p.value) == ("cadres.csv", 2, column, value)
    assert says in p.message


@pytest.mark.parametrize(
    ("old", "new", "column"),
    [
        ("2026-12-10..2026-12-14", "2026-12-14..2026-12-10", "away"),
        (",6\n", ",200\n", "hours_per_week"),
        (",6\n", ",-1\n", "hours_per_week"),
    ],
)
def test_bad_away_and_hours_name_their_column(tmp_path, old, new, column) -> None:  # type: ignore[no-untyped-def]
    write_files(tmp_path, cadres=DATED_CADRES.replace(old, new, 1))
    with pytest.raises(CaseError) as info:
        load_case(tmp_path)
    assert [(p.row, p.column) for p in info.value.problems] == [(2, column)]


def test_validate_exits_2_on_a_bad_pattern(tmp_path) -> None:  # type: ignore[no-untyped-def]
    write_files(tmp_path, cadres=DATED_CADRES.replace("mon-fri", "mon-fry"))
    out = CliRunner().invoke(app, ["validate", str(tmp_path)])
    assert out.exit_code == 2
    assert "unknown weekday 'fry'" in out.output and "available" in out.output


@pytest.mark.parametrize(
    ("cadres", "demands", "code"),
    [
        ({"mon-fri 18:00-21:30": "mon-fry 18:00-21:30"}, {}, "problem.unknown_weekday"),
        ({"mon-fri 18:00-21:30": "fri-mon 18:00-21:30"}, {}, "problem.weekday_range_backwards"),
        ({"mon-fri 18:00-21:30": "mon-fri 21:30-18:00"}, {}, "problem.window_backwards"),
        ({"sat 08:00-18:00": "mon 08:00-19:00"}, {}, "problem.windows_overlap"),
        ({"mon-fri 18:00-21:30": "mon-fri"}, {}, "problem.no_time_window"),
        ({"2026-12-10..2026-12-14": "2026-12-14..2026-12-10"}, {}, "problem.away_backwards"),
        (
            {"2026-12-10..2026-12-14": "2026-12-10..2026-12-14;2026-12-12"},
            {},
            "problem.away_overlap",
        ),
        ({"2026-12-10..2026-12-14": "2026-12-32"}, {}, "problem.not_a_date"),
        ({}, {"2026-12-08T18:00,2026": "2026-12-08,2026"}, "problem.not_local_time"),
        ({}, {"2026-12-08T18:00,2026": ",2026"}, "problem.end_without_start"),
        ({}, {"T22:00,\n": "T17:00,\n"}, "problem.end_before_start"),
        ({}, {",2026-12-08T22:00,\n": ",,\n"}, "problem.needs_end_or_hours"),
    ],
)
def test_dated_problems_have_codes_that_render_in_chinese(tmp_path, cadres, demands, code) -> None:  # type: ignore[no-untyped-def]
    from matcher.messages import render
    from matcher.problemcodes import problem_message

    c, d = DATED_CADRES, DATED_DEMANDS
    for old, new in cadres.items():
        c = c.replace(old, new, 1)
    for old, new in demands.items():
        d = d.replace(old, new, 1)
    write_files(tmp_path, cadres=c, demands=d)
    with pytest.raises(CaseError) as info:
        load_case(tmp_path)
    (p,) = info.value.problems
    m = problem_message(p)
    assert m.code == code, p.message
    assert render(m, "zh") != render(m, "en")
    if code == "problem.unknown_weekday":
        assert m.params == {"day": "fry", "suggestion": "fri"}


def test_an_unknown_zone_has_its_code(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from matcher.problemcodes import problem_message

    root = write_files(tmp_path)
    (root / "policy.toml").write_text('timezone = "Asia/Shanghia"\n', encoding="utf-8")
    with pytest.raises(CaseError) as info:
        load_case(root)
    (p,) = info.value.problems
    assert problem_message(p).code == "problem.unknown_zone" and p.column == "timezone"


@pytest.mark.parametrize(
    ("cadres", "demands", "code", "params", "zh"),
    [
        ({}, {"T18:00,2026": "T25:30,2026"}, "problem.not_local_time",
         {"value": "2026-12-08T25:30"}, "“2026-12-08T25:30”不是本地日期时间"),
        ({}, {"T22:00,\n": "T17:00,\n"}, "problem.end_before_start",
         {"start": "2026-12-08T18:00", "end": "2026-12-08T17:00"}, "结束时间“2026-12-08T17:00”"),
        ({",6\n": ",x\n"}, {}, "problem.week_hours_value", {}, "每周时长上限须为小时数"),
        ({",6\n": ",200\n"}, {}, "problem.week_hours_between", {"max": 168}, "（留空表示不限）"),
        ({}, {",,3\n": ",,x\n"}, "problem.hours_value", {"field": "hours"}, "服务时长须为小时数"),
        ({}, {",,3\n": ",,0\n"}, "problem.hours_positive", {}, "服务时长须大于 0"),
        ({"green,,mon": "blue,,mon"}, {}, "problem.status_value", {}, "状态须为绿、黄或红"),
    ],
)  # fmt: skip
def test_cell_problems_say_their_value_once_and_in_chinese(  # type: ignore[no-untyped-def]
    tmp_path, cadres, demands, code, params, zh
) -> None:
    from matcher.cli.common import error_text
    from matcher.messages import render
    from matcher.problemcodes import problem_message
    from tests.text import latin_words

    c, d = DATED_CADRES, DATED_DEMANDS
    for old, new in cadres.items():
        c = c.replace(old, new, 1)
    for old, new in demands.items():
        d = d.replace(old, new, 1)
    write_files(tmp_path, cadres=c, demands=d)
    with pytest.raises(CaseError) as info:
        load_case(tmp_path)
    (p,) = info.value.problems
    m = problem_message(p)
    assert (m.code, m.params) == (code, params), p.message
    assert zh in render(m, "zh")
    assert not latin_words(render(m, "zh"), {"T25", "T17", "T18"}), render(m, "zh")
    assert p.value is not None
    v = p.value
    for text in (str(p), error_text(info.value, "zh")):
        assert text.count(f"'{v}'") + text.count(f"“{v}”") == 1, text  # quoted once


def test_a_skipped_local_time_has_its_code() -> None:
    from zoneinfo import ZoneInfo

    from matcher import Problem
    from matcher.dated import parse_local
    from matcher.problemcodes import problem_message

    with pytest.raises(ValueError) as info:
        parse_local("2026-03-08T02:30", ZoneInfo("America/New_York"))
    m = problem_message(Problem("demands.csv", str(info.value), 2, "start", "2026-03-08T02:30"))
    assert m.code == "problem.time_skipped"
    assert m.params == {"value": "2026-03-08T02:30", "zone": "America/New_York"}


def test_a_value_named_like_its_column_is_still_said() -> None:
    """The column's name in the place (“priority”列) is not the value said: a cell
    holding ``priority`` in the priority column is still quoted after the message."""
    from matcher.cli.common import error_text
    from matcher.errors import Problem

    p = Problem("demands.csv", "priority must be an integer 1-5 (5 most urgent)", row=6,
                column="priority", value="priority")  # fmt: skip
    text = error_text(CaseError("1 problem", [p], 1), "zh")
    assert "'priority'）" in text, text
