"""outcomes.csv and trainings.csv: written files read back unchanged; every bad cell
reported with its row, column and code, and nothing returned from a bad file."""

from __future__ import annotations

import io
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from matcher import CaseError
from matcher.io import (
    OUTCOME_COLUMNS,
    TRAINING_COLUMNS,
    load_outcomes,
    load_trainings,
    save_history,
    write_outcomes,
    write_trainings,
)
from matcher.record import CancelReason, Ending, Outcome, Training

HEADER = ",".join(OUTCOME_COLUMNS)
THEADER = ",".join(TRAINING_COLUMNS)
GOOD = "7,completed,3.5,4,no,,,all fine,2026-03-02"
TGOOD = "P0001,急救培训,emergency.first_aid,4,2026-03-02,"

# free text as people type it: any printable text, formula characters and quotes
# included, but no surrounding whitespace (a CSV value's spaces are not kept)
text = st.text(
    st.characters(blacklist_categories=("Cs", "Cc"), whitelist_characters="=+-@'\"\t,;"),
    min_size=1,
    max_size=20,
).filter(lambda s: s == s.strip() and s != "")
days = st.dates(date(2020, 1, 1), date(2030, 12, 31))
hours = st.floats(min_value=0.0, max_value=24.0, exclude_min=True)


@st.composite
def outcomes(draw: st.DrawFn) -> Outcome:
    ending = draw(st.sampled_from(list(Ending)))
    started = draw(days)
    base = Outcome(
        dispatch=draw(st.integers(1, 10**9)),
        cadre="P1",
        demand="D1",
        community="C1",
        started=started,
        ended=started + timedelta(days=draw(st.integers(0, 30))),
        ending=ending,
    )
    if ending is Ending.CANCELLED:
        return Outcome(
            **{**_fields(base), "cancel_reason": draw(st.sampled_from(list(CancelReason)))}
        )
    if ending is Ending.NO_SHOW:
        return base
    exempt = draw(st.booleans())
    return Outcome(
        **{
            **_fields(base),
            "hours": draw(hours),
            "rating": draw(st.none() | st.integers(1, 5)),
            "exempt": exempt,
            "exempt_reason": draw(text) if exempt else None,
        }
    )


def _fields(o: Outcome) -> dict[str, object]:
    return {name: getattr(o, name) for name in Outcome.__slots__}  # type: ignore[attr-defined]


trainings = st.builds(
    Training,
    cadre=st.from_regex(r"P[0-9]{1,5}", fullmatch=True),
    course=text,
    day=days,
    hours=hours,
    tags=st.lists(text.filter(lambda s: ";" not in s), min_size=1, max_size=3, unique=True).map(
        tuple
    ),
    cert=st.none() | st.from_regex(r"[a-z][a-z0-9_]{0,10}", fullmatch=True),
)


@given(st.lists(outcomes(), max_size=8, unique_by=lambda o: o.dispatch), st.data())
def test_outcomes_round_trip(items: list[Outcome], data: st.DataObject) -> None:
    notes = {o.dispatch: data.draw(text) for o in items[::2]}
    fh = io.StringIO()
    write_outcomes(fh, items, notes)
    back = load_outcomes(fh.getvalue())
    assert [line for line, _ in back] == list(range(2, 2 + len(items)))
    for (_, rec), o in zip(back, items, strict=True):
        assert (rec.dispatch, rec.ending, rec.ended) == (o.dispatch, o.ending, o.ended)
        assert (rec.hours, rec.rating, rec.exempt) == (o.hours, o.rating, o.exempt)
        assert (rec.exempt_reason, rec.cancel_reason) == (o.exempt_reason, o.cancel_reason)
        assert rec.note == notes.get(o.dispatch, "")


@given(st.lists(trainings, max_size=8))
def test_trainings_round_trip(items: list[Training]) -> None:
    fh = io.StringIO()
    write_trainings(fh, items)
    assert [t for _, t in load_trainings(fh.getvalue())] == items


def test_save_history_writes_both_files(tmp_path: Path) -> None:
    o = Outcome(1, "P1", "D1", "C1", date(2026, 1, 2), date(2026, 1, 2), Ending.NO_SHOW)
    t = Training("P1", "=cmd|' /C calc'!A0", date(2026, 1, 3), 2.0, ("a.b",))
    folder = save_history(tmp_path / "h", [o], [t])
    assert sorted(p.name for p in folder.iterdir()) == ["outcomes.csv", "trainings.csv"]
    raw = (folder / "trainings.csv").read_text(encoding="utf-8")
    assert "\n=" not in raw and ",=" not in raw  # the formula is escaped on disk
    assert [x for _, x in load_trainings((folder / "trainings.csv").read_bytes())] == [t]
    assert load_outcomes((folder / "outcomes.csv").read_bytes())[0][1].ending is Ending.NO_SHOW


OUTCOME_BAD = [
    ("dispatch", "0", "problem.dispatch_number"),
    ("dispatch", "x7", "problem.dispatch_number"),
    ("ending", "done", "problem.ending_value"),
    ("hours", "lots", "problem.hours_number"),
    ("hours", "0", "problem.hours_range"),
    ("hours", "24.5", "problem.hours_range"),
    ("hours", "nan", "problem.hours_range"),
    ("hours", "", "problem.hours_missing"),
    ("rating", "6", "problem.rating_value"),
    ("rating", "4.5", "problem.rating_value"),
    ("exempt", "maybe", "problem.exempt_value"),
    ("exempt", "yes", "problem.exempt_reason_missing"),
    ("exempt_reason", "tried a new way", "problem.exempt_reason_alone"),
    ("cancel_reason", "bored", "problem.cancel_reason_value"),
    ("cancel_reason", "duplicate", "problem.cancel_reason_not_cancelled"),
    ("ended", "2026-02-30", "problem.date_value"),
]


def _row(good: str, columns: tuple[str, ...], column: str, value: str) -> str:
    cells = good.split(",")
    cells[columns.index(column)] = value
    return ",".join(cells)


@pytest.mark.parametrize(("column", "value", "code"), OUTCOME_BAD)
def test_each_bad_outcome_cell_is_located(column: str, value: str, code: str) -> None:
    bad = _row(GOOD, OUTCOME_COLUMNS, column, value)
    with pytest.raises(CaseError) as err:
        load_outcomes(f"{HEADER}\n{GOOD}\n{bad}\n".replace("7,", "8,", 1))
    codes = {(p.row, p.column, p.value, p.code) for p in err.value.problems}
    where = column if code != "problem.exempt_reason_missing" else "exempt_reason"
    shown = value if where == column else ""
    assert (3, where, shown, code) in codes, codes


@pytest.mark.parametrize(
    ("row", "column", "code"),
    [
        ("9,cancelled,2,,no,,community_withdrew,,", "hours", "problem.hours_not_completed"),
        ("9,no_show,,3,no,,,,", "rating", "problem.rating_not_completed"),
        ("9,cancelled,,,yes,tried,other,,", "exempt", "problem.exempt_not_completed"),
        ("9,cancelled,,,no,,,,", "cancel_reason", "problem.cancel_reason_missing"),
        ("9,no_show,,,no,,other,,", "cancel_reason", "problem.cancel_reason_not_cancelled"),
    ],
)
def test_rules_across_columns_name_the_cell_to_change(row: str, column: str, code: str) -> None:
    with pytest.raises(CaseError) as err:
        load_outcomes(f"{HEADER}\n{row}\n")
    assert [(p.row, p.column, p.code) for p in err.value.problems] == [(2, column, code)]


def test_every_bad_cell_is_reported_and_nothing_returned() -> None:
    rows = [GOOD, "x,done,99,9,perhaps,,,,1 May", GOOD.replace("7,", "8,", 1), GOOD]
    with pytest.raises(CaseError) as err:
        load_outcomes(f"{HEADER}\n" + "\n".join(rows) + "\n", max_hours=12)
    got = [(p.row, p.column, p.code) for p in err.value.problems]
    assert got == [
        (3, "dispatch", "problem.dispatch_number"),
        (3, "ending", "problem.ending_value"),
        (3, "hours", "problem.hours_range"),
        (3, "rating", "problem.rating_value"),
        (3, "exempt", "problem.exempt_value"),
        (3, "ended", "problem.date_value"),
        (5, "dispatch", "problem.dispatch_twice"),
    ]
    assert err.value.problems[2].params == {"max": 12.0}
    assert err.value.problems[-1].hint == "first used on row 2; ids must be unique"


def test_policy_maximum_and_known_dispatches() -> None:
    body = f"{HEADER}\n{GOOD}\n"
    assert load_outcomes(body, max_hours=3.5)[0][1].hours == 3.5
    with pytest.raises(CaseError, match="at most 3"):
        load_outcomes(body, max_hours=3)
    with pytest.raises(CaseError) as err:
        load_outcomes(body, dispatches={1, 2})
    assert [(p.row, p.column, p.value) for p in err.value.problems] == [(2, "dispatch", "7")]


def test_header_and_encoding_problems() -> None:
    with pytest.raises(CaseError) as err:
        load_outcomes("dispatch,ending\n1,completed\n")
    assert {p.column for p in err.value.problems} >= {"hours", "rating", "note"}
    with pytest.raises(CaseError, match="neither UTF-8 nor GB18030"):
        load_trainings(f"{THEADER}\n".encode() + "P1,培训".encode() + b"\xff,a.b,2,,\n")


TRAINING_BAD = [
    ("cadre", "", "problem.empty"),
    ("cadre", "P 1", "problem.id_chars"),
    ("course", " ", "problem.empty"),
    ("tags", "", "problem.training_tags"),
    ("tags", "emergency.first_ad", "problem.unknown_tag"),
    ("tags", "emergency.first_aid;emergency.first_aid", "problem.tag_twice"),
    ("hours", "", "problem.hours_missing_training"),
    ("hours", "30", "problem.hours_range"),
    ("date", "", "problem.date_value"),
    ("date", "yesterday", "problem.date_value"),
    ("cert", "first_ad", "problem.unknown_cert"),
    ("cert", "people_mediator;social_worker", "problem.cert_one"),
]


@pytest.mark.parametrize(("column", "value", "code"), TRAINING_BAD)
def test_each_bad_training_cell_is_located(sample_case, column: str, value: str, code: str) -> None:  # type: ignore[no-untyped-def]
    from matcher.problemcodes import problem_message

    bad = _row(TGOOD, TRAINING_COLUMNS, column, f'"{value}"')
    with pytest.raises(CaseError) as err:
        load_trainings(f"{THEADER}\n{TGOOD}\n{bad}\n", taxonomy=sample_case.taxonomy)
    found = [(p.row, p.column, p.value, problem_message(p).code) for p in err.value.problems]
    assert found == [(3, column, value.strip() if column != "course" else "", code)]


def test_trainings_check_known_cadres_and_gained_certs(sample_case) -> None:  # type: ignore[no-untyped-def]
    body = f"{THEADER}\n{TGOOD}people_mediator\n"
    [(line, t)] = load_trainings(body, taxonomy=sample_case.taxonomy, cadres={"P0001"})
    assert (line, t.cert, t.tags, t.hours, t.day) == (
        2,
        "people_mediator",
        ("emergency.first_aid",),
        4.0,
        date(2026, 3, 2),
    )
    with pytest.raises(CaseError) as err:
        load_trainings(body, cadres={"P0002"})
    assert [(p.row, p.column, p.message) for p in err.value.problems] == [
        (2, "cadre", "unknown id")
    ]


@given(st.lists(st.none() | st.sampled_from(OUTCOME_BAD), min_size=1, max_size=30))
def test_every_bad_cell_of_any_file_is_reported_at_its_place(plan: list) -> None:  # type: ignore[type-arg]
    lines, expected = [], set()
    for k, bad in enumerate(plan):
        good = GOOD.replace("7,", f"{k + 1},", 1)
        if bad is None or bad[2] == "problem.exempt_reason_missing":
            lines.append(good)
            continue
        column, value, code = bad
        lines.append(_row(good, OUTCOME_COLUMNS, column, value))
        expected.add((k + 2, column, code))
    body = f"{HEADER}\n" + "\n".join(lines) + "\n"
    if not expected:
        assert len(load_outcomes(body)) == len(plan)
        return
    with pytest.raises(CaseError) as err:
        load_outcomes(body)
    assert {(p.row, p.column, p.code) for p in err.value.problems} == expected
    assert err.value.total == len(expected)


@pytest.mark.parametrize(
    ("ending", "reason", "want_ending", "want_reason"),
    [
        ("完成", "", Ending.COMPLETED, None),
        ("已完成", "", Ending.COMPLETED, None),
        ("未到岗", "", Ending.NO_SHOW, None),
        ("取消", "干部无法到岗", Ending.CANCELLED, CancelReason.CADRE_UNAVAILABLE),
        ("已取消", "无法到岗", Ending.CANCELLED, CancelReason.CADRE_UNAVAILABLE),
        ("取消", "未到岗", Ending.CANCELLED, CancelReason.NO_SHOW),
        ("取消", "社区撤回需求", Ending.CANCELLED, CancelReason.COMMUNITY_WITHDREW),
        ("取消", "社区撤回", Ending.CANCELLED, CancelReason.COMMUNITY_WITHDREW),
        ("取消", "重复派遣", Ending.CANCELLED, CancelReason.DUPLICATE),
        ("取消", "重复", Ending.CANCELLED, CancelReason.DUPLICATE),
        ("cancelled", "其他", Ending.CANCELLED, CancelReason.OTHER),
    ],
)
def test_endings_and_cancel_reasons_in_chinese(
    ending: str, reason: str, want_ending: Ending, want_reason: CancelReason | None
) -> None:
    hours = "3" if want_ending is Ending.COMPLETED else ""
    [(_, rec)] = load_outcomes(f"{HEADER}\n7,{ending},{hours},,,,{reason},,\n")
    assert (rec.ending, rec.cancel_reason) == (want_ending, want_reason)


def test_problems_name_the_file_given_under_a_file_heading() -> None:
    with pytest.raises(CaseError) as err:
        load_outcomes(f"{HEADER}\n7,完工,3,,,,,,\n", file="三月结果.csv")
    exc = err.value
    assert (exc.code, exc.params) == ("input.file", {"file": "三月结果.csv", "count": 1})
    [p] = exc.problems
    assert (p.file, p.row, p.column, p.code) == (
        "三月结果.csv",
        2,
        "ending",
        "problem.ending_value",
    )
    with pytest.raises(CaseError) as err:
        load_trainings(f"{THEADER}\nP1,x,y,0,2026-03-01,\n", file="t.csv")
    assert err.value.code == "input.file" and {p.file for p in err.value.problems} == {"t.csv"}
