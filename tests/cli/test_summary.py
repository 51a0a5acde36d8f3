"""``matcher summary``: a case folder or a store's district, as a table, CSV, JSON and a PNG map.

The folder is tests/test_summary.py's case with nothing used or filled: P1, P2, P4 qualify.
D1 (C1, housing): P1 · D2 (C2, housing): P2 · D3 (C2, elderly): nobody · D4 (C3, elderly,
2 slots): P4 · D5 (C1, no item): P1, P2.
"""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from matcher import load_case
from matcher.cli import app
from matcher.store import Store
from tests.casefiles import write_case

runner = CliRunner()
WIDE = {"COLUMNS": "300", "LC_ALL": "", "LC_MESSAGES": "", "LANG": "C.UTF-8"}
DEMANDS = """id,community,title,needs,requires,certs,headcount,priority,item
D1,C1,,,,,,,elevator_coordination
D2,C2,,,,,,,property_dispute
D3,C2,,,,,,,elderly_care
D4,C3,,,,,2,,elderly_care
D5,C1,助餐,livelihood.elderly_care:3,,,1,2,
"""
CSV = """community,category,demands,slots,weight,supply,active,balance
C1,housing,1,1,4,1,0,0
C1,,1,1,2,2,0,1
C2,elderly,1,1,3,0,0,-1
C2,housing,1,1,4,1,0,0
C3,elderly,1,2,6,1,0,-1
total,,5,6,19,3,0,-3
"""


def test_a_case_folder_as_csv_json_and_table(tmp_path: Path) -> None:
    root = write_case(tmp_path / "case", demands=DEMANDS)
    res = runner.invoke(app, ["summary", str(root), "-f", "csv"], env=WIDE)
    assert res.exit_code == 0, res.output
    assert res.stdout == CSV
    res = runner.invoke(app, ["summary", str(root), "--by", "category", "-f", "json"], env=WIDE)
    rows = json.loads(res.stdout)
    assert [(r["category"], r["slots"], r["supply"]) for r in rows] == [
        ("elderly", 3, 1),
        ("housing", 2, 2),
        ("", 1, 2),
        (None, 6, 3),
    ]
    zh = runner.invoke(app, ["summary", str(root), "--lang", "zh"], env=WIDE)
    assert zh.exit_code == 0, zh.output
    for text in ("供需对照", "可派合格干部", "为老服务 (elderly)", "未归类", "合计", "-1"):
        assert text in zh.stdout, text


def test_a_store_district_and_the_map(tmp_path: Path) -> None:
    root = write_case(tmp_path / "case", demands=DEMANDS)
    store = Store.open(tmp_path / "s.db")
    with store.write() as tx:
        tx.import_case("x", load_case(root))
    store.close()
    png = tmp_path / "map.png"
    opts = ["--db", str(tmp_path / "s.db"), "--district", "x"]
    res = runner.invoke(app, ["summary", *opts, "-f", "csv", "--png", str(png)], env=WIDE)
    assert res.exit_code == 0, res.output
    assert res.stdout == CSV
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_source_is_needed_and_a_bad_grouping_is_refused(tmp_path: Path) -> None:
    res = runner.invoke(app, ["summary"], env=WIDE)
    assert res.exit_code == 2 and "--db with --district" in res.output
    res = runner.invoke(app, ["summary", "--db", str(tmp_path / "s.db")], env=WIDE)
    assert res.exit_code == 2
    root = write_case(tmp_path / "case", demands=DEMANDS)
    res = runner.invoke(app, ["summary", str(root), "--by", "street"], env=WIDE)
    assert res.exit_code == 2 and "Traceback" not in res.output
