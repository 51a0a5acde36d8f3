"""One case CSV from text (uploads): same rules as a folder, bounded problems, no paths."""

from __future__ import annotations

import random
import tempfile

import pytest
from hypothesis import given
from hypothesis import strategies as st

from matcher import CaseError, Problem, default_taxonomy, load_case
from matcher.io import MAX_PROBLEMS, ProblemLog, load_table
from matcher.model import ID_MAX_LENGTH, id_problem
from tests.casefiles import CADRES, COMMUNITIES
from tests.casefiles import write_case as write_files

HEADER = CADRES.splitlines()[0]
GOOD = "Q{},名字,C1,urban.elevator_retrofit:3,,1,green,"
BAD = "Q{},名字,C1,urban.elevator_retrofit:3,,many,green,"  # one problem: capacity


def _cadres(n: int, bad_every: int) -> str:
    rows = [(BAD if k % bad_every == 0 else GOOD).format(k) for k in range(n)]
    return "\n".join([HEADER, *rows]) + "\n"


def test_load_table_matches_load_case(tmp_path) -> None:  # type: ignore[no-untyped-def]
    case = load_case(write_files(tmp_path))
    rows = load_table("cadres.csv", CADRES, taxonomy=case.taxonomy, communities={"C1", "C2", "C3"})
    assert tuple(item for _, item in rows) == case.cadres
    assert [line for line, _ in rows] == [2, 3, 4, 5]


def test_problems_are_capped_with_their_total() -> None:
    n = 1000
    with pytest.raises(CaseError) as info:
        load_table("cadres.csv", _cadres(n, 2), taxonomy=default_taxonomy(), communities={"C1"})
    exc = info.value
    assert exc.total == n // 2
    assert len(exc.problems) == MAX_PROBLEMS
    assert [p.row for p in exc.problems] == [2 + 2 * k for k in range(MAX_PROBLEMS)]
    assert f"the first {MAX_PROBLEMS} of {n // 2}" in exc.args[0]
    assert f"and {n // 2 - MAX_PROBLEMS} more" in str(exc)


def test_the_cap_keeps_the_first_rows_across_checks(tmp_path) -> None:  # type: ignore[no-untyped-def]
    # unknown communities are found after every row was validated, yet rank by row
    rows = [GOOD.format(k).replace(",C1,", ",C9,") if k < 5 else BAD.format(k) for k in range(300)]
    write_files(tmp_path, cadres="\n".join([HEADER, *rows]) + "\n")
    with pytest.raises(CaseError) as info:
        load_case(tmp_path)
    exc = info.value
    assert exc.total == 300
    assert [p.row for p in exc.problems] == list(range(2, 2 + MAX_PROBLEMS))
    assert [p.message for p in exc.problems[:5]] == ["unknown community"] * 5


@given(st.lists(st.tuples(st.sampled_from("abc"), st.integers(0, 50)), max_size=300))
def test_problem_log_keeps_the_first_in_order(found: list[tuple[str, int]]) -> None:
    log = ProblemLog(("a", "b", "c"), limit=10)
    problems = [Problem(f, f"#{k}", row=r) for k, (f, r) in enumerate(found)]
    for p in problems:
        log.add(p)
    expected = sorted(problems, key=lambda p: ("abc".index(p.file), p.row))[:10]  # stable
    assert log.problems() == expected
    assert log.total == len(found)


def test_problem_log_memory_is_bounded() -> None:
    log = ProblemLog(("a",), limit=3)
    rng = random.Random(7)
    for k in range(10_000):
        log.add(Problem("a", str(k), row=rng.randrange(10**6)))
    assert len(log._heap) == 3 and log.total == 10_000


def test_an_unreadable_line_is_a_problem_not_a_crash() -> None:
    text = HEADER + "\n" + GOOD.format(1).replace("名字", '"' + "x" * 200_000 + '"') + "\n"
    with pytest.raises(CaseError) as info:
        load_table("cadres.csv", text, taxonomy=default_taxonomy(), communities={"C1"})
    assert info.value.problems[0].row == 2
    assert "cannot be read as CSV" in info.value.problems[0].message


def test_messages_name_no_path() -> None:
    bad = COMMUNITIES.replace("32.0600", "north")
    with pytest.raises(CaseError) as info:
        load_table("communities.csv", bad, taxonomy=default_taxonomy())
    text = str(info.value) + repr(info.value.problems)
    assert tempfile.gettempdir() not in text and "/" not in text
    assert info.value.args[0] == "communities.csv: 1 problem(s)"


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("P1", True),
        ("a" * ID_MAX_LENGTH, True),
        ("a.b-c_d", True),
        ("a" * (ID_MAX_LENGTH + 1), False),
        ("", False),
        ("-P1", False),
        (".P1", False),
        ("P 1", False),
        ("P1\n", False),
        ("张三", False),
        ("a/b", False),
        ("a%2Fb", False),
        ("ａ1", False),  # fullwidth letter
    ],
)
def test_id_rule(value: str, ok: bool) -> None:
    assert (id_problem(value) is None) is ok


def test_a_long_id_is_a_located_problem() -> None:
    text = HEADER + "\n" + GOOD.format("x" * 10_000) + "\n"
    with pytest.raises(CaseError) as info:
        load_table("cadres.csv", text, taxonomy=default_taxonomy(), communities={"C1"})
    (p,) = info.value.problems
    assert (p.file, p.row, p.column) == ("cadres.csv", 2, "id")
    assert f"at most {ID_MAX_LENGTH}" in p.message


def test_a_nul_character_is_a_located_problem(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A NUL in a case file (a UTF-16 or binary file saved as .csv) is refused where it is,
    not stored (PostgreSQL's text cannot hold it)."""
    lines = CADRES.splitlines()
    lines[2] = lines[2].replace(",", "\x00,", 1)
    folder = write_files(tmp_path)
    (folder / "cadres.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(CaseError) as err:
        load_case(folder)
    (p,) = err.value.problems
    assert (p.file, p.row) == ("cadres.csv", 3) and "NUL" in p.message
