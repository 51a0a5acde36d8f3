"""``matcher propose -f xlsx`` (a printable plan) and ``-f csv`` (the same readable columns
and the unfilled rows), read back with openpyxl and the csv module."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from openpyxl import load_workbook
from typer.testing import CliRunner

from matcher.cli import app
from tests.casefiles import CADRES, DEMANDS, write_case

runner = CliRunner()

#: a demand no cadre can serve (an unknown-to-everyone cert), so the plan has an unfilled row
UNFILLABLE = DEMANDS.rstrip("\n") + "\nD9,C1,=HYPERLINK(1),party.mass_work:1,,social_worker,1,5\n"


def run(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args))


def test_plan_xlsx_has_frozen_bilingual_headers_unfilled_reasons_and_kpis(tmp_path: Path) -> None:
    case = write_case(tmp_path / "case", demands=UNFILLABLE)
    out = tmp_path / "plan.xlsx"
    res = run("propose", str(case), "-f", "xlsx", "-o", str(out), "--lang", "zh")
    assert res.exit_code == 0, res.output
    wb = load_workbook(out)
    assigned, unfilled, kpis = wb.worksheets
    assert [ws.title for ws in wb.worksheets] == [
        "派遣 Assignments",
        "未满足 Unfilled",
        "指标 KPIs",
    ]
    for ws in wb.worksheets:
        assert ws.freeze_panes == "A2"
        assert ws.column_dimensions["A"].width >= 6
    header = [c.value for c in assigned[1]]
    assert (
        "干部 Cadre" in header and "社区 Community" in header and "需求名称 Demand title" in header
    )
    assert (
        any(h.endswith(" Fill") for h in header)
        and "备选人选（−损失） Alternates (−loss)" in header
    )
    rows = [
        dict(zip(header, r, strict=True)) for r in assigned.iter_rows(min_row=2, values_only=True)
    ]
    assert rows and all(r["干部 Cadre"] and r["社区 Community"] for r in rows)
    assert "张三" in {r["干部 Cadre"] for r in rows}
    score = next(h for h in header if h.endswith(" Score"))
    assert all(isinstance(r[score], float | int) for r in rows)
    uh = [c.value for c in unfilled[1]]
    urows = [dict(zip(uh, r, strict=True)) for r in unfilled.iter_rows(min_row=2, values_only=True)]
    d9 = next(r for r in urows if r["需求编号 Demand"] == "D9")
    assert "证书" in d9["原因 Reasons"]  # the reason, in --lang zh
    # the title that looks like a formula is text, escaped like every CSV cell
    cell = unfilled.cell(row=urows.index(d9) + 2, column=uh.index("需求名称 Demand title") + 1)
    assert cell.data_type == "s" and cell.value == "'=HYPERLINK(1)"
    kpi = {r[0]: r[1] for r in kpis.iter_rows(min_row=2, values_only=True)}
    assert kpi["空缺总数 slots_total"] == sum(
        int(line.split(",")[6]) for line in UNFILLABLE.splitlines()[1:]
    )
    # the solver in the reader's words, as the CLI line names it
    solver = next(v for k, v in kpi.items() if str(k).endswith(" Solver"))
    assert solver in {"线性指派", "线性规划", "线性规划（流式）", "整数规划"}, solver


def test_plan_xlsx_in_english_and_its_refusals(tmp_path: Path) -> None:
    case = write_case(tmp_path / "case", demands=UNFILLABLE)
    out = tmp_path / "plan.xlsx"
    res = run("propose", str(case), "-f", "xlsx", "-o", str(out), "--lang", "en")
    assert res.exit_code == 0
    ws = load_workbook(out).worksheets[1]
    assert any("cert" in str(r[5]) for r in ws.iter_rows(min_row=2, values_only=True))
    no_out = run("propose", str(case), "-f", "xlsx", "--lang", "en")
    assert no_out.exit_code == 2 and "--out plan.xlsx" in no_out.stderr
    bad = run("propose", str(case), "-f", "xlsx", "-o", str(tmp_path / "p.csv"), "--lang", "en")
    assert bad.exit_code == 2 and ".xlsx" in bad.stderr and not (tmp_path / "p.csv").exists()


def test_plan_csv_keeps_its_columns_and_adds_readable_ones_and_unfilled_rows(
    tmp_path: Path,
) -> None:
    case = write_case(tmp_path / "case", demands=UNFILLABLE)
    res = run("propose", str(case), "-f", "csv", "--lang", "zh", "--explain-unfilled")
    assert res.exit_code == 0, res.output
    rows = list(csv.DictReader(io.StringIO(res.stdout)))
    first = list(rows[0])
    assert first[:3] == ["demand", "cadre", "score"]
    assert {"fill", "skill", "distance_km", "skill_fit", "alternatives"} <= set(first)
    assert {"title", "community", "cadre_name", "home", "alternates"} <= set(first)
    assigned = [r for r in rows if r["cadre"]]
    assert assigned and all(r["cadre_name"] and r["title"] for r in assigned)
    names = {line.split(",")[1] for line in CADRES.splitlines()[1:]}
    assert {r["cadre_name"] for r in assigned} <= names
    d9 = next(r for r in rows if r["demand"] == "D9")
    assert d9["cadre"] == "" and d9["unfilled_slots"] == "1" and "证书" in d9["reasons"]
    assert d9["fixes"]  # priced with --explain-unfilled, in the same row
    assert d9["title"] == "'=HYPERLINK(1)"


def test_validate_and_propose_take_a_workbook_and_name_its_sheets_in_chinese(
    tmp_path: Path,
) -> None:
    from openpyxl import Workbook

    folder = write_case(tmp_path / "case")
    wb = Workbook()
    wb.remove(wb.active)
    for name in ("communities", "cadres", "demands"):
        ws = wb.create_sheet(name)
        for line in (folder / f"{name}.csv").read_text(encoding="utf-8").splitlines():
            ws.append(line.split(","))
    book = tmp_path / "case.xlsx"
    wb.save(book)
    ok = run("validate", str(book), "--lang", "en")
    assert ok.exit_code == 0 and "4 cadres" in ok.stderr
    plan = run("propose", str(book), "-f", "csv")
    assert plan.exit_code == 0 and plan.stdout == run("propose", str(folder), "-f", "csv").stdout
    wb["cadres"]["G3"] = "blue"
    del wb["demands"]
    wb.save(book)
    bad = run("validate", str(book), "--lang", "zh")
    assert bad.exit_code == 2
    assert "[case.xlsx]cadres，第 3 行，“status”列" in bad.stderr
    assert "[case.xlsx]demands：缺少该工作表" in bad.stderr


def test_plan_xlsx_of_a_plan_that_assigns_nobody_has_no_mean_fit(tmp_path: Path) -> None:
    """No pair, no mean skill fit: the KPIs sheet says "—" (was 0), and still counts the slots."""
    red = [line for line in CADRES.splitlines() if ",red," in line]  # on no one's list
    cadres = "\n".join([CADRES.splitlines()[0], *red]) + "\n"
    case = write_case(tmp_path / "case", cadres=cadres)
    out = tmp_path / "plan.xlsx"
    res = run("propose", str(case), "-f", "xlsx", "-o", str(out), "--lang", "zh")
    assert res.exit_code == 0, res.output
    kpi = {
        r[0]: r[1] for r in load_workbook(out).worksheets[2].iter_rows(min_row=2, values_only=True)
    }
    fit = next(k for k in kpi if k.endswith(" mean_skill_fit"))
    assert kpi[fit] == "—" and kpi["空缺总数 slots_total"] > 0
    for name in ("mean_travel_km", "max_travel_km"):  # no travel either (was 0)
        assert kpi[next(k for k in kpi if k.endswith(" " + name))] == "—", name
