"""The column-wise reading of case files gives what one pydantic record per row gives.

``load_case`` reads a file without problems column by column (each distinct cell
parsed once) and leaves a file with problems to the records; ``by_record=True``
reads every file through the records, the reference here. On valid cases the two
must give the same objects, field by field and type by type (``Status.GREEN ==
"green"``, so equality alone would not see a lost enum); on broken ones the same
error, message for message.
"""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path
from typing import Any

import pytest

from matcher import CaseError, load_case
from matcher.generate import generate_case
from matcher.io import load_table, write_workbook
from matcher.tags import default_taxonomy
from tests.casefiles import BAD, CADRES, COMMUNITIES, DEMANDS
from tests.casefiles import write_case as write_files
from tests.paths import ROOT

SAMPLES = ("sample-district", "sample-week")

DEMAND_HEADER = "id,community,title,needs,requires,certs,headcount,priority"
DATED_HEADER = DEMAND_HEADER + ",start,end,hours,item\n"


def _same(a: Any, b: Any, where: str) -> None:
    """``a`` and ``b`` equal, and of the same types all the way down."""
    assert type(a) is type(b), f"{where}: {type(a).__name__} vs {type(b).__name__}"
    if dataclasses.is_dataclass(a) and not isinstance(a, type):
        for f in dataclasses.fields(a):
            _same(getattr(a, f.name), getattr(b, f.name), f"{where}.{f.name}")
    elif isinstance(a, dict):
        assert list(a) == list(b), where  # the order a profile was written in
        for k in a:
            _same(a[k], b[k], f"{where}[{k}]")
    elif isinstance(a, tuple | list):
        assert len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            _same(x, y, f"{where}[{i}]")
    else:
        assert a == b or (a != a and b != b), f"{where}: {a!r} vs {b!r}"


def _both(path: Path) -> None:
    fast, slow = load_case(path), load_case(path, by_record=True)
    for kind in ("communities", "cadres", "demands"):
        mine, theirs = getattr(fast, kind), getattr(slow, kind)
        assert len(mine) == len(theirs) > 0
        for x, y in zip(mine, theirs, strict=True):
            _same(x, y, f"{kind}:{y.id}")
    assert fast == slow


def _same_error(path: Path) -> CaseError:
    with pytest.raises(CaseError) as fast:
        load_case(path)
    with pytest.raises(CaseError) as slow:
        load_case(path, by_record=True)
    assert str(fast.value) == str(slow.value)
    assert fast.value.problems == slow.value.problems
    assert fast.value.total == slow.value.total
    return fast.value


@pytest.mark.parametrize("name", SAMPLES)
def test_the_samples_read_the_same_both_ways(name: str) -> None:
    _both(ROOT / "data" / name)


def test_a_generated_case_reads_the_same_both_ways(tmp_path: Path) -> None:
    generate_case(tmp_path / "g", n_cadres=600, n_demands=250, seed=3)
    _both(tmp_path / "g")


def test_a_workbook_reads_the_same_both_ways(tmp_path: Path) -> None:
    path = write_workbook(load_case(ROOT / "data" / "sample-week"), tmp_path / "case.xlsx")
    _both(path)


#: cells the records accept that the column-wise reading must read alike: full-width
#: separators and digits, Chinese statuses, blanks with a meaning, escaped text, empty
#: list items, an item's defaults (with hours the file's header lacks), dated rows
ODD_BUT_VALID = {
    "cadres": CADRES.replace("P1,张三,C1,", "P1,'=张三,C1,")
    .replace(
        "urban.elevator_retrofit:4;urban.old_housing_renovation:2",
        "urban.elevator_retrofit：４；urban.old_housing_renovation:2;",
    )
    .replace(",2,green,", ",２,绿,")
    .replace(",1,yellow,5", ",,黄色,５.5")
    .replace("livelihood.elderly_care:3,,1,red,", " ;livelihood.elderly_care:3;;,, 1 ,RED, 0"),
    "demands": (
        DEMAND_HEADER
        + ",item\n"
        + "".join(line + ",\n" for line in DEMANDS.splitlines()[1:])
        + "D4,C3,,,,,,,flood_watch\n"
    ),
}


def test_odd_but_valid_cells_read_the_same_both_ways(tmp_path: Path) -> None:
    _both(write_files(tmp_path, **ODD_BUT_VALID))


def test_dated_rows_read_the_same_both_ways(tmp_path: Path) -> None:
    rows = [
        "D1,C1,夜班,emergency.flood_control:2,,,1,3,2026-12-08T18:00,2026-12-08T22:00,,",
        "D2,C2,值守,emergency.flood_control:2,,,2,4,2026-12-09 09:00,,3.5,",
        "D3,C2,巡查,,,,,,2026-12-10T08:00,,,flood_watch",
        "D4,C3,养老服务,livelihood.elderly_care:3,,,1,3,,,,",
    ]
    _both(write_files(tmp_path, demands=DATED_HEADER + "\n".join(rows) + "\n"))


def _column(text: str, name: str, cells: dict[int, str]) -> str:
    """``text`` with a column ``name`` added: blank, but ``cells[k]`` on data row ``k``."""
    head, *rows = text.splitlines()
    body = [f"{row},{cells.get(k, '')}" for k, row in enumerate(rows, start=1)]
    return "\n".join([f"{head},{name}", *body]) + "\n"


#: problems the column-wise reading must leave to the records (one per case)
MORE_BAD = {
    "tag listed twice": (
        "cadres",
        CADRES.replace(":4;urban.old", ":4;urban.elevator_retrofit:2;urban.old"),
    ),
    "full-width tag twice": (
        "cadres",
        CADRES.replace(":4;urban.old_housing_renovation:2", "：4；urban.elevator_retrofit：2"),
    ),
    "level not a number": ("demands", DEMANDS.replace("elderly_care:3,,,", "elderly_care:x,,,")),
    "bad id": ("cadres", CADRES.replace("P3,王五", "P 3,王五")),
    "travel not finite": ("cadres", CADRES.replace("yellow,5", "yellow,nan")),
    "negative travel": ("cadres", CADRES.replace("yellow,5", "yellow,-5")),
    "latitude outside": ("communities", COMMUNITIES.replace("32.1200", "91")),
    "hours per week": ("cadres", _column(CADRES, "hours_per_week", {3: "200"})),
    "unknown item": (
        "demands",
        DEMAND_HEADER
        + ",item\n"
        + "".join(line + ",\n" for line in DEMANDS.splitlines()[1:])
        + "D4,C3,,,,,,,flood_wach\n",
    ),
    "end before start": (
        "demands",
        DATED_HEADER
        + "D1,C1,夜班,emergency.flood_control:2,,,1,3,2026-12-08T22:00,2026-12-08T18:00,,\n",
    ),
    "weekly pattern": ("cadres", _column(CADRES, "available", {2: "mon-fry 18:00-21:00"})),
}


@pytest.mark.parametrize("case", sorted(BAD) + sorted(MORE_BAD))
def test_a_broken_file_fails_the_same_both_ways(tmp_path: Path, case: str) -> None:
    stem, text = (BAD[case][:2]) if case in BAD else MORE_BAD[case]
    error = _same_error(write_files(tmp_path, **{stem: text}))
    assert error.problems


def test_many_problems_are_counted_and_listed_the_same_both_ways(tmp_path: Path) -> None:
    body = "".join(
        f"P{k},某,C1,urban.elevator_retrofit:{k % 7},,{k % 3 - 1},green,\n" for k in range(400)
    )
    error = _same_error(write_files(tmp_path, cadres=CADRES.splitlines()[0] + "\n" + body))
    assert error.total > len(error.problems)


def test_a_valid_file_given_as_text_reads_the_same_both_ways(tmp_path: Path) -> None:
    tax = default_taxonomy()
    text = (ROOT / "data" / "sample-week" / "cadres.csv").read_text(encoding="utf-8")
    homes = {c.id for c in load_case(ROOT / "data" / "sample-week").communities}
    fast = load_table("cadres.csv", text, taxonomy=tax, communities=homes)
    slow = load_table("cadres.csv", text, taxonomy=tax, communities=homes, by_record=True)
    _same(fast, slow, "cadres.csv")


def test_a_copied_sample_with_one_broken_cell_fails_the_same_both_ways(tmp_path: Path) -> None:
    root = tmp_path / "s"
    shutil.copytree(ROOT / "data" / "sample-district", root)
    path = root / "cadres.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[-1] = lines[-1].replace(",green,", ",purple,").replace(",yellow,", ",purple,")
    path.write_text("".join(lines), encoding="utf-8")
    error = _same_error(root)
    assert [p.column for p in error.problems] == ["status"]


def test_a_valid_case_is_read_column_by_column(monkeypatch: pytest.MonkeyPatch) -> None:
    """The comparisons above see the column-wise reading, not the records twice."""
    from matcher.io.columns import read_columns as real

    taken: list[tuple[str, bool]] = []

    def spy(file: str, *args: Any) -> Any:
        got = real(file, *args)
        taken.append((file, got is not None))
        return got

    monkeypatch.setattr("matcher.io.tables.read_columns", spy)
    load_case(ROOT / "data" / "sample-week")
    assert taken == [(name, True) for name in ("communities.csv", "cadres.csv", "demands.csv")]
