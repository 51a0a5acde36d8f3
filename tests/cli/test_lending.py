"""``matcher ledger``: the lending ledger of a store's district, as a table and as JSON."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from typer.testing import CliRunner

from matcher.cli import app
from tests.store.history import add_outcome, tiny_store

runner = CliRunner()
WIDE = {"COLUMNS": "300", "LC_ALL": "", "LC_MESSAGES": "", "LANG": "C.UTF-8"}
MARCH = ["--from", "2026-03-01", "--to", "2026-03-31"]


def _db(tmp_path: Path) -> list[str]:
    store = tiny_store(tmp_path)
    add_outcome(store, "P1", "D4", date(2026, 3, 2), hours=4)  # C1 → C3
    add_outcome(store, "P4", "D1", date(2026, 3, 3), hours=1.5)  # C3 → C1
    add_outcome(store, "P4", "D4", date(2026, 3, 4), hours=2)  # C3 at home
    add_outcome(store, "P4", "D2", date(2026, 4, 4), hours=7)  # after the period
    store.close()
    return ["--db", str(tmp_path / "s.db"), "--district", "x"]


def test_ledger_json_and_tables(tmp_path: Path) -> None:
    opts = _db(tmp_path)
    res = runner.invoke(app, ["ledger", *opts, *MARCH, "--json"], env=WIDE)
    assert res.exit_code == 0, res.output
    led = json.loads(res.stdout)
    rows = {c["id"]: c for c in led["communities"]}
    assert (rows["C1"]["lent"], rows["C1"]["received"], rows["C1"]["balance"]) == (4, 1.5, -2.5)
    assert (rows["C3"]["lent"], rows["C3"]["received"], rows["C3"]["home"]) == (1.5, 4, 2)
    assert led["dispatches"] == 3
    en = runner.invoke(app, ["ledger", *opts, *MARCH, "--lang", "en"], env=WIDE)
    assert en.exit_code == 0 and "Lending ledger of x" in en.stdout and "hours lent" in en.stdout
    assert "+2.5" in en.stdout and "-2.5" in en.stdout
    zh = runner.invoke(app, ["ledger", *opts, *MARCH, "--lang", "zh"], env=WIDE)
    assert zh.exit_code == 0 and "社区互助账本" in zh.stdout and "借出工时" in zh.stdout


def test_bad_periods_are_readable_errors(tmp_path: Path) -> None:
    opts = _db(tmp_path)
    res = runner.invoke(app, ["ledger", *opts, "--from", "2026-3-x", "--lang", "en"], env=WIDE)
    assert res.exit_code == 2 and "--from '2026-3-x': not a date" in res.output, res.output
    res = runner.invoke(
        app,
        ["ledger", *opts, "--from", "2026-04-01", "--to", "2026-03-01", "--lang", "zh"],
        env=WIDE,
    )
    assert res.exit_code == 2 and "晚于结束日" in res.output, res.output
    res = runner.invoke(app, ["ledger", "--db", opts[1], "--district", "nope"], env=WIDE)
    assert res.exit_code == 2 and "Traceback" not in res.output, res.output
