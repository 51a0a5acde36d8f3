"""Case workbooks (.xlsx): the same case and proposal as the CSV folder, every problem
located by sheet, row and column, formula cells escaped on the way out.

The workbooks here are made with openpyxl and the csv module directly (not with
matcher's writer), so the loader is checked against an independent conversion.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import replace
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from matcher import CaseError, load_case, propose
from matcher.io import write_case, write_workbook
from tests.casefiles import COMMUNITIES
from tests.casefiles import write_case as write_small
from tests.paths import ROOT

SAMPLE = ROOT / "data" / "sample-district"
NUMBER = {"lat", "lon", "capacity", "max_travel_km", "headcount", "priority", "hours"}


def folder_to_workbook(folder: Path, out: Path, *, as_numbers: bool = True) -> Path:
    """Each CSV file of ``folder`` as a sheet of its name, numbers typed as Excel numbers."""
    wb = Workbook()
    wb.remove(wb.active)
    for name in ("communities", "cadres", "demands"):
        with (folder / f"{name}.csv").open(encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.reader(fh))
        ws = wb.create_sheet(name)
        ws.append(rows[0])
        for row in rows[1:]:
            cells: list[object] = []
            for col, v in zip(rows[0], row, strict=True):
                if as_numbers and col in NUMBER and v:
                    cells.append(float(v) if "." in v else int(v))
                else:
                    cells.append(v)
            ws.append(cells)
        for _ in range(3):  # empty rows at the end are ignored
            ws.append([None] * len(rows[0]))
    wb.save(out)
    return out


def test_the_sample_as_a_workbook_gives_the_same_proposal(tmp_path: Path) -> None:
    book = folder_to_workbook(SAMPLE, tmp_path / "sample.xlsx")
    from_csv, from_xlsx = load_case(SAMPLE), load_case(book)
    assert from_xlsx.communities == from_csv.communities
    assert from_xlsx.cadres == from_csv.cadres
    assert from_xlsx.demands == from_csv.demands
    a, b = propose(from_csv), propose(from_xlsx)
    assert b.objective == a.objective
    assert b.assignments == a.assignments and b.unfilled == a.unfilled


def test_write_workbook_reads_back_equal_with_its_policy(tmp_path: Path) -> None:
    case = load_case(SAMPLE)
    tuned = case.policy.model_validate(
        {
            "weights": {"skill": 30},
            "fairness": {"load_costs": [1, 2, 4]},
            "lending": {"limits": {"C001": 2}},
        }
    )
    case = replace(case, policy=tuned)
    back = load_case(write_workbook(case, tmp_path / "case.xlsx"))
    assert (back.communities, back.cadres, back.demands) == (
        case.communities,
        case.cadres,
        case.demands,
    )
    assert back.policy == tuned
    policy = {r[0]: r[1] for r in load_workbook(tmp_path / "case.xlsx")["policy"].values}
    assert policy["weights.skill"] == 30 and policy["lending.limits.C001"] == 2


def _small_book(tmp_path: Path) -> Path:
    return folder_to_workbook(write_small(tmp_path / "small"), tmp_path / "small.xlsx")


def test_problems_name_the_sheet_row_and_column(tmp_path: Path) -> None:
    path = _small_book(tmp_path)
    wb = load_workbook(path)
    cadres = wb["cadres"]
    header = [c.value for c in cadres[1]]
    cadres.cell(row=3, column=header.index("status") + 1, value="blue")
    cadres.cell(row=4, column=header.index("capacity") + 1, value="many")
    demands = wb["demands"]
    dh = [c.value for c in demands[1]]
    demands.cell(row=2, column=dh.index("community") + 1, value="C9")
    wb.save(path)
    with pytest.raises(CaseError) as exc:
        load_case(path)
    found = {(p.file, p.row, p.column) for p in exc.value.problems}
    assert ("[small.xlsx]cadres", 3, "status") in found
    assert ("[small.xlsx]cadres", 4, "capacity") in found
    assert ("[small.xlsx]demands", 2, "community") in found
    assert "[small.xlsx]cadres, row 3, column 'status'" in str(exc.value)
    assert "add it to the communities sheet" in str(exc.value)


def test_a_missing_sheet_and_a_file_that_is_no_workbook(tmp_path: Path) -> None:
    path = _small_book(tmp_path)
    wb = load_workbook(path)
    del wb["demands"]
    wb.save(path)
    with pytest.raises(CaseError) as exc:
        load_case(path)
    [p] = exc.value.problems
    assert p.file == "[small.xlsx]demands" and p.to_dict()["code"] == "problem.sheet_missing"
    junk = tmp_path / "junk.xlsx"
    junk.write_text("id,name\n", encoding="utf-8")
    with pytest.raises(CaseError) as exc:
        load_case(junk)
    assert exc.value.problems[0].to_dict()["code"] == "problem.not_xlsx"
    assert exc.value.problems[0].to_dict()["hint_code"] == "hint.save_xlsx"


def test_a_missing_column_is_reported_on_row_1_of_its_sheet(tmp_path: Path) -> None:
    path = _small_book(tmp_path)
    wb = load_workbook(path)
    wb["communities"].delete_cols(2)  # name
    wb.save(path)
    with pytest.raises(CaseError) as exc:
        load_case(path)
    want = ("[small.xlsx]communities", 1, "name", "missing column")
    assert any((p.file, p.row, p.column, p.message) == want for p in exc.value.problems)


def test_chinese_sheet_names_dates_and_text_numbers(tmp_path: Path) -> None:
    """Sheets named 社区/干部/需求; cells typed as text or numbers or dates all read."""
    folder = write_small(tmp_path / "small")
    path = folder_to_workbook(folder, tmp_path / "zh.xlsx", as_numbers=False)
    wb = load_workbook(path)
    for en, zh in (("communities", "社区"), ("cadres", "干部"), ("demands", "需求")):
        wb[en].title = zh
    ws = wb["需求"]
    header = [c.value for c in ws[1]]
    ws.cell(row=1, column=len(header) + 1, value="start")
    ws.cell(row=1, column=len(header) + 2, value="hours")
    ws.cell(row=2, column=len(header) + 1, value=dt.datetime(2026, 12, 8, 18, 0))
    ws.cell(row=2, column=len(header) + 2, value=3)
    wb.save(path)
    case = load_case(path)
    d = case.demands[0]
    assert d.start is not None and d.start.replace(tzinfo=None) == dt.datetime(2026, 12, 8, 18)
    assert d.hours == 3
    assert case.cadres == load_case(folder).cadres


def test_policy_sheet_problems_name_row_and_suggest(tmp_path: Path) -> None:
    path = _small_book(tmp_path)
    wb = load_workbook(path)
    ws = wb.create_sheet("policy")
    ws.append(["key", "value"])
    ws.append(["weights.skill", "30"])
    ws.append(["weights.yelow", 3])
    ws.append(["weights.skill", 40])
    wb.save(path)
    with pytest.raises(CaseError) as exc:
        load_case(path)
    by_row = {p.row: p for p in exc.value.problems}
    assert by_row[3].file == "[small.xlsx]policy" and by_row[3].column == "weights.yelow"
    assert by_row[3].hint == "did you mean yellow?"
    assert by_row[4].to_dict()["code"] == "problem.key_twice"
    del wb["policy"]
    ws = wb.create_sheet("策略")
    ws.append(["key", "value"])
    ws.append(["weights.skill", "30"])
    ws.append(["timezone", "Asia/Shanghai"])
    wb.save(path)
    assert load_case(path).policy.weights.skill == 30


def test_workbook_text_cells_are_formula_escaped_and_read_back(tmp_path: Path) -> None:
    folder = write_small(tmp_path / "small")
    case = load_case(folder)
    evil = ["=1+1", "+cmd", "-2", "@SUM(A1)", "\tx", "\rx", "'=kept"]
    demands = tuple(replace(d, title=evil[i % len(evil)]) for i, d in enumerate(case.demands))
    case = replace(case, demands=demands)
    path = write_workbook(case, tmp_path / "evil.xlsx")
    ws = load_workbook(path)["demands"]
    header = [c.value for c in ws[1]]
    col = header.index("title") + 1
    for i, d in enumerate(case.demands):
        cell = ws.cell(row=i + 2, column=col)
        assert cell.data_type == "s" and cell.value == "'" + d.title
    # numbers stay numbers, never escaped
    assert isinstance(ws.cell(row=2, column=header.index("priority") + 1).value, int)
    assert load_case(path).demands == case.demands
    # the same rule as the CSV files matcher writes
    write_case(case, tmp_path / "again")
    assert load_case(tmp_path / "again").demands == case.demands


def test_communities_text_is_the_fixture(tmp_path: Path) -> None:
    """The small case's communities survive as they are typed (a guard on the fixture)."""
    case = load_case(_small_book(tmp_path))
    assert [c.id for c in case.communities] == [
        line.split(",")[0] for line in COMMUNITIES.splitlines()[1:]
    ]


def test_each_cell_is_read_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A sheet's cells are turned into text once each, whether the case loader reads the
    workbook or an upload is turned into CSV text; what they read is unchanged."""
    from matcher.io import sheet_csv
    from matcher.io import workbook as wbmod

    book = folder_to_workbook(SAMPLE, tmp_path / "case.xlsx")
    sizes = {}  # the cells a reader meets, per sheet: the header row, then the header's width
    plain = load_workbook(book, read_only=True)
    for ws in plain:
        header = next(ws.iter_rows(values_only=True))
        width = max(k + 1 for k, v in enumerate(header) if v is not None)
        body = ws.iter_rows(min_row=2, max_col=width, values_only=True)
        sizes[ws.title] = len(header) + sum(len(row) for row in body)
    plain.close()  # a read-only workbook keeps its file open until closed
    cells = sum(sizes.values())
    expected = load_case(book)  # read before counting: what the reads below must equal
    upload_text = sheet_csv(book.read_bytes(), "cadres.csv")
    calls = 0
    real = wbmod.cell_text

    def counting(value: object, column: str = "") -> str:
        nonlocal calls
        calls += 1
        return real(value, column)

    monkeypatch.setattr(wbmod, "cell_text", counting)
    assert load_case(book) == expected
    assert calls == cells
    calls = 0
    assert sheet_csv(book.read_bytes(), "cadres.csv") == upload_text
    assert calls == sizes["cadres"]
