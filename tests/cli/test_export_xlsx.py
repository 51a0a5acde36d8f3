"""``matcher import`` reads a case workbook and ``matcher export --format xlsx`` writes one
it reads back: workbook → store → workbook → store gives the same district."""

from __future__ import annotations

import shutil
from pathlib import Path

from openpyxl import Workbook, load_workbook
from typer.testing import CliRunner

from matcher import load_case
from matcher.cli import app
from tests.casefiles import COMMUNITIES, write_case
from tests.paths import ROOT

runner = CliRunner()


def run(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args))


def _book(folder: Path, out: Path) -> Path:
    """The small case as a workbook typed by hand: text cells, a policy sheet."""
    wb = Workbook()
    wb.remove(wb.active)
    for name in ("communities", "cadres", "demands"):
        ws = wb.create_sheet(name)
        for line in (folder / f"{name}.csv").read_text(encoding="utf-8").splitlines():
            ws.append(line.split(","))
    ws = wb.create_sheet("policy")
    ws.append(["key", "value"])
    ws.append(["weights.skill", 30])
    ws.append(["related_credit", "0.25"])
    wb.save(out)
    return out


def test_workbook_import_export_import_round_trip(tmp_path: Path) -> None:
    db = str(tmp_path / "m.db")
    book = _book(write_case(tmp_path / "case"), tmp_path / "in.xlsx")
    first = run("import", str(book), "--district", "a", "--db", db)
    assert first.exit_code == 0, first.output
    out = tmp_path / "out.xlsx"
    done = run("export", str(out), "--district", "a", "--db", db, "--format", "xlsx")
    assert done.exit_code == 0, done.output
    again = run("import", str(out), "--district", "b", "--db", db)
    assert again.exit_code == 0, again.output
    for d in ("a", "b"):
        assert run("export", str(tmp_path / d), "--district", d, "--db", db).exit_code == 0
    original, exported = load_case(book), load_case(out)
    assert exported.communities == original.communities
    assert exported.cadres == original.cadres and exported.demands == original.demands
    assert exported.policy == original.policy and exported.policy.weights.skill == 30
    for name in ("communities.csv", "cadres.csv", "demands.csv", "policy.toml"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    assert "skill = 30" in (tmp_path / "b" / "policy.toml").read_text(encoding="utf-8")
    # the exported workbook is printable too: frozen header, text cells escaped
    ws = load_workbook(out)["communities"]
    assert ws.freeze_panes == "A2"
    assert [c.value for c in ws[1]] == COMMUNITIES.splitlines()[0].split(",")


def test_export_escapes_formula_cells(tmp_path: Path) -> None:
    db = str(tmp_path / "m.db")
    case = write_case(
        tmp_path / "case", communities=COMMUNITIES.replace("颐和路社区", "=cmd|' /C calc'!A0")
    )
    assert run("import", str(case), "--district", "a", "--db", db).exit_code == 0
    out = tmp_path / "out.xlsx"
    assert run("export", str(out), "--district", "a", "--db", db, "-f", "xlsx").exit_code == 0
    cell = load_workbook(out)["communities"]["B2"]
    assert cell.data_type == "s" and cell.value == "'=cmd|' /C calc'!A0"
    assert load_case(out).communities[0].name == "=cmd|' /C calc'!A0"


def test_export_xlsx_refuses_what_a_workbook_cannot_carry(tmp_path: Path) -> None:
    db = str(tmp_path / "m.db")
    case = write_case(tmp_path / "case")
    shutil.copy(ROOT / "data" / "catalogue" / "community-services.toml", case / "catalogue.toml")
    assert run("import", str(case), "--district", "a", "--db", db).exit_code == 0
    out = tmp_path / "out.xlsx"
    res = run("export", str(out), "--district", "a", "--db", db, "-f", "xlsx", "--lang", "en")
    assert res.exit_code == 2 and "catalogue.toml" in res.stderr and not out.exists()
    bad = run("export", str(tmp_path / "o.csv"), "--district", "a", "--db", db, "-f", "xlsx")
    assert bad.exit_code == 2 and not (tmp_path / "o.csv").exists()


def test_a_bad_workbook_import_names_sheet_and_row_and_writes_nothing(tmp_path: Path) -> None:
    db = str(tmp_path / "m.db")
    book = _book(write_case(tmp_path / "case"), tmp_path / "in.xlsx")
    wb = load_workbook(book)
    wb["cadres"]["G3"] = "blue"  # status
    wb.save(book)
    res = run("import", str(book), "--district", "a", "--db", db)
    assert res.exit_code == 2
    assert "[in.xlsx]cadres, row 3, column 'status'" in res.stderr
    assert run("export", str(tmp_path / "x"), "--district", "a", "--db", db).exit_code == 2
