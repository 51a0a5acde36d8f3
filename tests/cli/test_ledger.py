"""``matcher points`` and ``matcher outcomes import``: located errors, exit 2, nothing written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from matcher.cli import app
from matcher.store import Store
from tests.api.casefile import CADRES
from tests.dispatching import dispatch_all, dump, tiny_store

runner = CliRunner()
WIDE = {"COLUMNS": "200", "LC_ALL": "", "LC_MESSAGES": "", "LANG": "C.UTF-8"}
OUT = "dispatch,ending,hours,rating,exempt,exempt_reason,cancel_reason,note,ended\n"


def _run(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args), env=WIDE)


def _setup(tmp_path: Path) -> tuple[Path, list[int], str]:
    db = tmp_path / "m.db"
    store = tiny_store(db)
    disp = dispatch_all(store)
    store.close()
    d1 = next(d for d in disp if d.demand == "D1")
    return db, [d.id for d in disp], d1.cadre


def _dump(db: Path) -> list[str]:
    store = Store.open(db)
    try:
        return dump(store)
    finally:
        store.close()


def test_outcomes_import_then_points(tmp_path: Path) -> None:
    db, ids, _ = _setup(tmp_path)
    bad = tmp_path / "bad.csv"
    bad.write_text(OUT + f"{ids[0]},completed,4,5,,,,,\n{ids[1]},completed,99,,,,,,\n", "utf-8")
    before = _dump(db)
    res = _run("outcomes", "import", str(bad), "--db", str(db), "--district", "d1")
    assert res.exit_code == 2, res.output
    assert f"{bad}, row 3, column 'hours'" in res.stderr and "Traceback" not in res.output
    assert "outcomes.csv" not in res.stderr  # the file given, not the usual name
    zh = _run("outcomes", "import", str(bad), "--db", str(db), "--district", "d1", "--lang", "zh")
    assert zh.exit_code == 2 and "第 3 行" in zh.stderr
    assert f"文件 {bad} 有 1 处问题" in zh.stderr and "案例文件夹" not in zh.stderr
    missing = _run(
        "outcomes", "import", str(tmp_path / "nope.csv"), "--db", str(db), "--district", "d1"
    )
    assert missing.exit_code == 2 and "cannot read" in missing.stderr
    unknown = _run("outcomes", "import", str(bad), "--db", str(db), "--district", "zz")
    assert unknown.exit_code == 2 and "district 'zz' not found" in unknown.stderr
    assert _dump(db) == before  # nothing written by any of them
    good = tmp_path / "good.csv"
    store = Store.open(db)
    with store.read() as tx:
        d1 = next(d for d in tx.list_dispatches("d1", limit=100)[0] if d.demand == "D1")
    store.close()
    good.write_text(OUT + f"{d1.id},completed,4,5,,,,,\n", "utf-8")
    res = _run("outcomes", "import", str(good), "--db", str(db), "--district", "d1")
    assert res.exit_code == 0, res.output
    assert "1 completed" in res.stderr
    # 4 h rated 5 on a priority-5 demand: 90 points
    shown = _run("points", d1.cadre, "--db", str(db), "--district", "d1", "--json")
    assert shown.exit_code == 0, shown.output
    ledger = json.loads(shown.stdout)
    assert (ledger["balance"], ledger["count"], ledger["data"][0]["dispatch"]) == (90, 1, d1.id)


def test_outcomes_import_says_what_its_withdrawals_cancelled(tmp_path: Path) -> None:
    """A row withdrawing D1 (two slots, two dispatches): the command says the demand was
    withdrawn and its other dispatch cancelled with it, in English and in Chinese."""
    db, _, _ = _setup(tmp_path)
    store = Store.open(db)
    with store.read() as tx:
        first, second = (d for d in tx.list_dispatches("d1", limit=100)[0] if d.demand == "D1")
    store.close()
    f = tmp_path / "withdrew.csv"
    f.write_text(OUT + f"{first.id},cancelled,,,,,community_withdrew,,\n", "utf-8")
    res = _run("outcomes", "import", str(f), "--db", str(db), "--district", "d1", "--lang", "zh")
    assert res.exit_code == 0, res.output
    assert "取消 1 项" in res.stderr
    assert "社区撤回需求 1 项（D1），其余 1 项派遣随之取消" in res.stderr, res.stderr
    store = Store.open(db)
    with store.read() as tx:
        assert tx.dispatch("d1", second.id).status == "cancelled"
    store.close()


def test_points_redeem(tmp_path: Path) -> None:
    db, _, cadre = _setup(tmp_path)
    store = Store.open(db)
    with store.write() as tx:
        d1 = next(d for d in tx.list_dispatches("d1", cadre=cadre)[0] if d.demand == "D1")
        tx.close_dispatch("d1", d1.id, "complete", hours=4.0, rating=5)
    store.close()
    base = ("--db", str(db), "--district", "d1")
    res = _run("points", "redeem", cadre, "60", "--reason", "社工培训", *base)
    assert res.exit_code == 0, res.output
    assert "the balance is 30" in res.stderr
    before = _dump(db)
    over = _run("points", "redeem", cadre, "31", "--reason", "表彰", *base, "--lang", "zh")
    assert over.exit_code == 2
    assert "无法兑换 31 积分：当前余额为 30" in over.stderr
    zero = _run("points", "redeem", cadre, "0", "--reason", "表彰", *base)
    assert zero.exit_code == 2 and "above 0" in zero.stderr
    nobody = _run("points", "P404", *base)
    assert nobody.exit_code == 2 and "cadre 'P404' not found" in nobody.stderr
    assert _dump(db) == before
    table = _run("points", cadre, *base, "--lang", "zh")
    assert table.exit_code == 0 and "余额 30" in table.stdout and "-60" in table.stdout


def test_import_with_history(tmp_path: Path) -> None:
    from tests.paths import SAMPLE

    db = tmp_path / "h.db"
    res = _run("import", str(SAMPLE), "--district", "gulou", "--db", str(db), "--history")
    assert res.exit_code == 0, res.output
    assert "dispatches" in res.stderr and "trainings" in res.stderr
    again = _run("import", str(SAMPLE), "--district", "gulou", "--db", str(db), "--history")
    assert again.exit_code == 2 and "already holds a loaded history" in again.stderr


def _completed_and_redeemed(tmp_path: Path) -> tuple[tuple[str, ...], str]:
    """A cadre who earned 90 points (4 h rated 5, priority 5) and then redeemed 60."""
    db, _, cadre = _setup(tmp_path)
    store = Store.open(db)
    with store.write() as tx:
        d1 = next(d for d in tx.list_dispatches("d1", cadre=cadre)[0] if d.demand == "D1")
        tx.close_dispatch("d1", d1.id, "complete", hours=4.0, rating=5)
    with store.write() as tx:
        tx.redeem_points("d1", cadre, 60, "社工培训")
    store.close()
    return ("--db", str(db), "--district", "d1"), cadre


def test_points_show_lists_newest_first_under_name_and_balance(tmp_path: Path) -> None:
    base, cadre = _completed_and_redeemed(tmp_path)
    name = next(line.split(",")[1] for line in CADRES.splitlines() if line.startswith(cadre + ","))
    en = _run("points", cadre, *base)
    assert en.exit_code == 0, en.output
    assert f"Points of {cadre} {name}: balance 30" in en.stdout
    assert en.stdout.index("-60") < en.stdout.index("+90")  # the redemption came last
    zh = _run("points", cadre, *base, "--lang", "zh")
    assert f"{cadre} {name} 的服务积分：余额 30" in zh.stdout
    assert zh.stdout.index("兑换") < zh.stdout.index("获得")
    # --json stays what GET …/points returns: oldest first
    data = json.loads(_run("points", cadre, *base, "--json").stdout)["data"]
    assert [e["amount"] for e in data] == [90, -60]


@pytest.mark.parametrize("amount", ["-5", "0", "-0", "1.5", "abc", "+0"])
def test_redeem_refuses_amounts_that_are_not_whole_and_above_zero(
    tmp_path: Path, amount: str
) -> None:
    base, cadre = _completed_and_redeemed(tmp_path)
    before = _dump(Path(base[1]))
    en = _run("points", "redeem", cadre, amount, "--reason", "表彰", *base)
    assert en.exit_code == 2, en.output
    assert f"points to redeem must be a whole number above 0 (got {amount})" in en.stderr
    assert "No such option" not in en.output
    zh = _run("points", "redeem", cadre, amount, "--reason", "表彰", *base, "--lang", "zh")
    assert zh.exit_code == 2 and f"兑换积分须为大于 0 的整数（收到 {amount}）" in zh.stderr
    assert _dump(Path(base[1])) == before
    # refused before the store is opened: a database that does not exist is not created
    none = tmp_path / "none.db"
    res = _run(
        "points", "redeem", cadre, amount, "--reason", "x", "--db", str(none), "--district", "d1"
    )
    assert res.exit_code == 2 and not none.exists()


def test_redeem_still_takes_a_plus_sign_and_options_after_the_amount(tmp_path: Path) -> None:
    base, cadre = _completed_and_redeemed(tmp_path)
    res = _run("points", "redeem", cadre, "+10", *base, "--reason", "表彰")
    assert res.exit_code == 0, res.output
    assert "the balance is 20" in res.stderr


def test_outcomes_in_chinese_words_and_the_columns_in_help(tmp_path: Path) -> None:
    db, ids, _ = _setup(tmp_path)
    rows = [
        f"{ids[0]},完成,4,5,否,,,,",
        f"{ids[1]},已取消,,,,,社区撤回,,",
        f"{ids[2]},未到岗,,,,,,,",
    ]
    good = tmp_path / "结果.csv"
    good.write_text(OUT + "\n".join(rows) + "\n", "utf-8")
    res = _run("outcomes", "import", str(good), "--db", str(db), "--district", "d1")
    assert res.exit_code == 0, res.output
    assert "1 completed, 1 cancelled, 1 no-shows recorded" in res.stderr
    store = Store.open(db)
    with store.read() as tx:
        got = {d.id: d for d in tx.list_dispatches("d1", limit=100)[0]}
    store.close()
    assert got[ids[1]].cancel_reason == "community_withdrew"
    assert [got[i].status for i in ids[:3]] == ["completed", "cancelled", "no_show"]
    helped = _run("outcomes", "import", "--help")
    assert helped.exit_code == 0
    for column in OUT.strip().split(","):
        assert column in helped.stdout
    assert "未到岗" in helped.stdout and "community_withdrew" in helped.stdout
