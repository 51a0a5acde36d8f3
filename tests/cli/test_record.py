"""``matcher record``, ``matcher warnings`` and ``matcher trainings import`` on a store file."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from sqlalchemy import text
from typer.testing import CliRunner

from matcher import Cadre, Status
from matcher.cli import app
from matcher.store import Store
from matcher.store.core import today
from tests.clock import SHANGHAI
from tests.store.history import add_outcome, tiny_store

runner = CliRunner()
WIDE = {"COLUMNS": "300", "LC_ALL": "", "LC_MESSAGES": "", "LANG": "C.UTF-8"}
TRAININGS = "cadre,course,tags,hours,date,cert\nP4,养老护理,livelihood.elderly_care,6,2026-03-01,"


def _db(tmp_path: Path) -> list[str]:
    store = tiny_store(tmp_path, today(SHANGHAI) - timedelta(days=30))
    for days, demand in ((3, "D1"), (20, "D4")):
        add_outcome(store, "P4", demand, today(SHANGHAI) - timedelta(days=days), "no_show")
    add_outcome(store, "P4", "D1", today(SHANGHAI) - timedelta(days=1), hours=4, rating=5)
    store.close()
    return ["--db", str(tmp_path / "s.db"), "--district", "x"]


def test_trainings_import_then_record(tmp_path: Path) -> None:
    opts = _db(tmp_path)
    csv = tmp_path / "trainings.csv"
    csv.write_text(TRAININGS + "elderly_care_worker\n", encoding="utf-8")
    res = runner.invoke(app, ["trainings", "import", str(csv), *opts, "--lang", "en"], env=WIDE)
    assert res.exit_code == 0, res.output
    assert "1 training imported" in res.output
    res = runner.invoke(app, ["record", "P4", *opts, "--json"], env=WIDE)
    assert res.exit_code == 0, res.output
    rec = json.loads(res.stdout)
    assert (rec["completed"], rec["hours_total"], rec["no_shows_recent"]) == (1, 4, 2)
    assert rec["certs"] == [{"cert": "elderly_care_worker", "day": "2026-03-01"}]
    zh = runner.invoke(app, ["record", "P4", *opts, "--lang", "zh"], env=WIDE)
    assert zh.exit_code == 0 and "成长档案" in zh.stdout and "养老护理" in zh.stdout


def test_a_bad_trainings_file_writes_nothing(tmp_path: Path) -> None:
    opts = _db(tmp_path)
    csv = tmp_path / "trainings.csv"
    csv.write_text(TRAININGS + "\nP9,x,livelihood.elderly_care,0,2026-03-01,\n", encoding="utf-8")
    res = runner.invoke(app, ["trainings", "import", str(csv), *opts, "--lang", "en"], env=WIDE)
    assert res.exit_code == 2 and "row 3" in res.output, res.output
    rec = json.loads(runner.invoke(app, ["record", "P4", *opts, "--json"], env=WIDE).stdout)
    assert rec["training_hours"] == 0


def test_warnings_evaluate_confirm_and_decide_twice(tmp_path: Path) -> None:
    opts = _db(tmp_path)
    res = runner.invoke(app, ["warnings", *opts, "--evaluate", "--json"], env=WIDE)
    assert res.exit_code == 0, res.output
    (w,) = json.loads(res.stdout)["new"]
    assert (w["cadre"], w["rule"]) == ("P4", "no_shows")
    table = runner.invoke(app, ["warnings", *opts, "--lang", "en"], env=WIDE).stdout
    assert "2 no-shows in the last 90 days" in table and "pending" in table
    ok = runner.invoke(app, ["warnings", "confirm", str(w["id"]), *opts, "--note", "两次未到岗"])
    assert ok.exit_code == 0, ok.output
    rec = json.loads(runner.invoke(app, ["record", "P4", *opts, "--json"], env=WIDE).stdout)
    assert (rec["current"], rec["status"]) == ("yellow", "yellow")
    again = runner.invoke(app, ["warnings", "dismiss", str(w["id"]), *opts, "--lang", "en"])
    assert again.exit_code == 2 and "warning" in again.output and "confirmed" in again.output


def test_unknown_cadre_and_bad_day_are_user_errors(tmp_path: Path) -> None:
    opts = _db(tmp_path)
    res = runner.invoke(app, ["record", "P9", *opts], env=WIDE)
    assert res.exit_code == 2 and "P9" in res.output
    res = runner.invoke(app, ["record", "P4", *opts, "--as-of", "June"], env=WIDE)
    assert res.exit_code == 2 and "--as-of" in res.output


def test_warnings_limit_lists_the_newest(tmp_path: Path) -> None:
    opts = _db(tmp_path)
    store = Store.open(tmp_path / "s.db")
    for days in (2, 5):  # a second green cadre with two recent no-shows: two warnings in all
        add_outcome(store, "P5", "D1", today(SHANGHAI) - timedelta(days=days), "no_show")
    store.close()
    made = runner.invoke(app, ["warnings", *opts, "--evaluate", "--json"], env=WIDE)
    assert made.exit_code == 0, made.output
    assert sorted(w["cadre"] for w in json.loads(made.stdout)["new"]) == ["P4", "P5"]
    res = runner.invoke(app, ["warnings", *opts, "--limit", "1", "--json"], env=WIDE)
    assert res.exit_code == 0, res.output
    (newest,) = json.loads(res.stdout)["data"]
    assert newest["id"] == max(w["id"] for w in json.loads(made.stdout)["new"])
    bad = runner.invoke(app, ["warnings", *opts, "--limit", "0"], env=WIDE)
    assert bad.exit_code == 2


def test_confirming_red_with_active_dispatches_needs_cancel_dispatches(tmp_path: Path) -> None:
    opts = _db(tmp_path)
    store = Store.open(tmp_path / "s.db")
    with store.write() as tx:
        c = tx.cadre("x", "P4")
        tx.update_cadre(
            "x", Cadre("P4", c.name, c.home, c.skills, tuple(c.certs), c.capacity, Status.YELLOW)
        )
        long_ago = (today(SHANGHAI) - timedelta(days=200)).isoformat()
        tx.conn.execute(text("UPDATE status_changes SET day = :d"), {"d": long_ago})
        tx.conn.execute(
            text(
                "INSERT INTO dispatches (district_id, cadre, demand, score, status,"
                " created_at, exempt) VALUES ('x', 'P4', 'D1', 1.0, 'active', :t, 0)"
            ),
            {"t": f"{today(SHANGHAI).isoformat()}T04:00:00.000+00:00"},
        )
    store.close()
    res = runner.invoke(app, ["warnings", *opts, "--evaluate", "--json"], env=WIDE)
    (w,) = json.loads(res.stdout)["new"]
    assert (w["rule"], w["to_status"]) == ("stuck_yellow", "red")
    confirm = ["warnings", "confirm", str(w["id"]), *opts, "--lang", "en"]
    res = runner.invoke(app, confirm, env=WIDE)
    assert res.exit_code == 2 and "active dispatch" in res.output, res.output
    res = runner.invoke(app, [*confirm, "--cancel-dispatches"], env=WIDE)
    assert res.exit_code == 0, res.output
    rec = json.loads(runner.invoke(app, ["record", "P4", *opts, "--json"], env=WIDE).stdout)
    assert rec["current"] == "red" and sum(rec["cancelled"].values()) == 3  # 2 no-shows + 1


def test_a_bad_trainings_file_is_named_as_given_with_a_file_heading(tmp_path: Path) -> None:
    opts = _db(tmp_path)
    csv = tmp_path / "三月培训.csv"
    csv.write_text(TRAININGS + "\nP9,x,livelihood.elderly_care,6,2026-03-01,\n", encoding="utf-8")
    zh = runner.invoke(app, ["trainings", "import", str(csv), *opts, "--lang", "zh"], env=WIDE)
    assert zh.exit_code == 2, zh.output
    assert f"文件 {csv} 有 1 处问题" in zh.output and "案例文件夹" not in zh.output
    assert f"{csv}，第 3 行" in zh.output
    latin1 = tmp_path / "latin1.csv"
    latin1.write_bytes(
        "cadre,course,tags,hours,date,cert\nP4,caf\xe9,x,1,2026-03-01,\n".encode("latin-1")
    )
    res = runner.invoke(app, ["trainings", "import", str(latin1), *opts, "--lang", "en"], env=WIDE)
    assert res.exit_code == 2 and str(latin1) in res.output and "UTF-8" in res.output, res.output
    missing = tmp_path / "nope.csv"
    gone = runner.invoke(
        app, ["trainings", "import", str(missing), *opts, "--lang", "zh"], env=WIDE
    )
    assert gone.exit_code == 2 and f"无法读取 {missing}" in gone.output


def test_a_warning_id_that_is_not_a_whole_number_above_zero(tmp_path: Path) -> None:
    opts = _db(tmp_path)
    for action in ("confirm", "dismiss"):
        for bad in ("-3", "0", "x"):
            en = runner.invoke(app, ["warnings", action, bad, *opts, "--lang", "en"], env=WIDE)
            assert en.exit_code == 2 and "No such option" not in en.output
            assert f"a warning's id is a whole number above 0 (got {bad})" in en.output
            zh = runner.invoke(app, ["warnings", action, bad, *opts, "--lang", "zh"], env=WIDE)
            assert zh.exit_code == 2 and f"预警编号须为大于 0 的整数（收到 {bad}）" in zh.output


def test_bad_options_of_record_and_warnings_are_said_in_the_readers_language(
    tmp_path: Path,
) -> None:
    opts = _db(tmp_path)
    cases = [
        (["record", "P4", *opts, "--as-of", "2026-13-01"], "--as-of '2026-13-01': not a date"),
        (["warnings", "--db", opts[1]], "--district is required"),
        (["warnings", *opts, "--state", "open"], "--state 'open': pending, confirmed or"),
    ]
    zh = ["不是日期", "请用 --district 指定区", "--state 'open' 无效"]
    for (args, en), want in zip(cases, zh, strict=True):
        res = runner.invoke(app, [*args, "--lang", "en"], env=WIDE)
        assert res.exit_code == 2 and en in res.output, res.output
        res = runner.invoke(app, [*args, "--lang", "zh"], env=WIDE)
        assert res.exit_code == 2 and want in res.output, res.output
