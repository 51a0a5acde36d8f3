"""``matcher report``: the governance report's figures by hand, and equal to the API's."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.main import create_app
from api.settings import Settings
from matcher import Demand
from matcher.cli import app
from matcher.store import Store
from tests.cli.report_case import MARCH, figures_json, report_store

runner = CliRunner()
WIDE = {"COLUMNS": "300", "LC_ALL": "", "LC_MESSAGES": "", "LANG": "C.UTF-8"}


def _report(tmp_path: Path) -> tuple[Path, dict]:
    db = report_store(tmp_path)
    out = tmp_path / "report.html"
    res = runner.invoke(
        app, ["report", "--db", str(db), "--district", "x", *MARCH, "-o", str(out)], env=WIDE
    )
    assert res.exit_code == 0, res.output
    return db, json.loads(figures_json(out.read_text(encoding="utf-8")))


def test_the_figures_by_hand(tmp_path: Path) -> None:
    _, f = _report(tmp_path)
    assert (f["start"], f["end"]) == ("2026-03-01", "2026-03-31")
    assert f["by_category"] == {
        "housing": {"accepted": 4, "completed": 3, "cancelled": 0, "no_show": 1, "hours": 7.5},
        "elderly": {"accepted": 1, "completed": 1, "cancelled": 0, "no_show": 0, "hours": 0},
        # D4, typed in without an item, counts in its skill category (urban.* needs)
        "urban": {"accepted": 1, "completed": 0, "cancelled": 1, "no_show": 0, "hours": 0},
    }
    assert f["weeks"] == {
        "2026-03-02": {"accepted": 2, "completed": 2},
        "2026-03-09": {"accepted": 2, "completed": 2},
        "2026-03-16": {"accepted": 1},
        "2026-03-30": {"accepted": 1},
    }
    assert f["ledger"]["dispatches"] == 3
    # D1 created Mar 1 04:00 UTC, dispatched Mar 2 and 3 (24 h, 48 h); D2 created Mar 10
    # 00:00 UTC, dispatched Mar 10 and 31 (4 h, 508 h); D3, D4: unknown
    assert f["time_to_fill"] == {
        "housing": {"count": 4, "median_hours": 36},
        "*": {"count": 4, "median_hours": 36},
    }
    assert f["by_community"]["C1"]["accepted"] == 2 and f["by_community"]["C1"]["hours"] == 5.5


def test_the_manual_rule_replayed_on_the_days_by_hand(tmp_path: Path) -> None:
    _, f = _report(tmp_path)
    b = f["baseline"]
    # days with a dispatch accepted: Mar 2, 3, 10, 12, 20, 31. Open at the start of each:
    # Mar 2: D1 (created Mar 1, 2 slots, priority 5) and D3 (creation unknown, 1 slot,
    #   priority 3); D2 not created yet; D4 full (completed one-off dispatch of Feb 28)
    # Mar 3: D1 1 slot (P1's of Mar 2 completed, one-off) and D3
    # Mar 10: D2 (created that day, priority 4) and D3; Mar 12: D3; Mar 20, 31: nothing
    days = {d["day"]: d for d in b["days"]}
    assert list(days) == ["2026-03-02", "2026-03-03", "2026-03-10", "2026-03-12",
                          "2026-03-20", "2026-03-31"]  # fmt: skip
    assert [d["slots"] for d in days.values()] == [3, 2, 2, 1, 0, 0]
    assert [d["weight"] for d in days.values()] == [13, 8, 7, 3, 0, 0]
    # matcher: the one dispatch accepted each day (beyond the open slots: not counted)
    assert [d["matcher"]["slots"] for d in days.values()] == [1, 1, 1, 1, 0, 0]
    # the rule: D1 to P1 (capacity 2) and P4 (elevator 3); D2 to P2 or P5 (mediators);
    # D3 to P6 (the one elderly-care worker, 3.6 km away within 12.5): every slot
    assert [d["manual"]["slots"] for d in days.values()] == [3, 2, 2, 1, 0, 0]
    assert b["total"]["slots"] == 8 and b["total"]["weight"] == 31
    assert b["rates"]["matcher"]["fill_rate"] == 0.5 and b["rates"]["manual"]["fill_rate"] == 1
    assert b["rates"]["matcher"]["weighted_fill"] == round(17 / 31, 4)
    assert b["gain"]["fill_rate"] == -0.5
    # nothing open now (every one-off demand filled): no shortage, nothing to train for
    assert f["shortfall"]["open"] == 0 and f["shortfall"]["cells"] == []


def test_the_figures_equal_the_apis_for_the_same_window(tmp_path: Path) -> None:
    db, f = _report(tmp_path)
    store = Store.open(db)
    try:
        with store.write() as tx:
            token = tx.create_token("analyst", ["x"])[0]
            supervisor = tx.create_token("supervisor", ["x"])[0]
        h = {"Authorization": f"Bearer {token}"}
        with TestClient(create_app(Settings(db=str(tmp_path / "u.db")), store=store)) as c:
            window = {"from": "2026-03-01", "to": "2026-03-31"}
            ledger = c.get("/v1/districts/x/ledger", params=window, headers=h)
            summary = c.get("/v1/districts/x/summary", params={"by": "category"}, headers=h)
            report = c.get("/v1/districts/x/report", params=window,
                           headers={"Authorization": f"Bearer {supervisor}"})  # fmt: skip
            reversed_ = c.get("/v1/districts/x/report", params={"from": "2026-04-01",
                              "to": "2026-03-01"}, headers=h)  # fmt: skip
    finally:
        store.close()
    assert ledger.status_code == 200 and summary.status_code == 200
    assert f["ledger"] == ledger.json()
    # the report's picture is GET …/summary's, but for the demands without an item,
    # counted in their skill category there (""/uncategorised in the summary)
    api = summary.json()
    assert f["summary"]["total"] == api["total"]
    service = {c["category"]: c for c in api["cells"] if c["category"]}
    assert {c["category"]: c for c in f["summary"]["cells"] if c["category"] in service} == service
    assert report.status_code == 200, report.text
    assert report.json() == f  # the HTML's figures are GET …/report's
    assert reversed_.status_code == 422
    assert reversed_.json()["code"] == "ledger.period_reversed"


def test_no_cadre_is_named_and_bad_input_is_refused(tmp_path: Path) -> None:
    db = report_store(tmp_path)
    out = tmp_path / "r.html"
    args = ["report", "--db", str(db), "--district", "x", *MARCH, "-o", str(out)]
    assert runner.invoke(app, args, env=WIDE).exit_code == 0
    page = out.read_text(encoding="utf-8")
    for name in NAMES:  # the tiny case's cadres
        assert name not in page
    assert "<script src" not in page and "http://" not in page and "https://" not in page
    bad = ["report", "--db", str(db), "--district", "x", "--from", "2026-04-01", "--to",
           "2026-03-01", "-o", str(out)]  # fmt: skip
    res = runner.invoke(app, bad, env=WIDE)
    assert res.exit_code == 2 and "Traceback" not in res.output
    res = runner.invoke(app, [*args[:4], "--from", "March", "--to", "2026-03-31"], env=WIDE)
    assert res.exit_code == 2


#: the tiny case's cadres: their names and ids
NAMES = ("张三", "李四", "王五", "赵六", "钱七", "孙八")
CADRE_IDS = {f"P{k}" for k in range(1, 7)}
MEDIATION = "governance.property_dispute_mediation"


def _short(db: Path) -> None:
    """One open demand only one cadre qualifies for: P2 (mediation 5) takes one slot,
    the other stays empty (P5 has the cert but level 3): a shortage, and a training
    pick (P5's mediation 3 → 5)."""
    store = Store.open(db)
    try:
        with store.write() as tx:
            tx.create_demand("x", Demand("D9", "C2", "疑难纠纷调解", {MEDIATION: 5},
                                         requires={MEDIATION: 5}, certs=("people_mediator",),
                                         headcount=2, priority=5))  # fmt: skip
    finally:
        store.close()


def _strings(x: Any) -> set[str]:
    if isinstance(x, dict):
        return set(x) | {s for v in x.values() for s in _strings(v)}
    if isinstance(x, list):
        return {s for v in x for s in _strings(v)}
    return {x} if isinstance(x, str) else set()


def test_shortages_and_training_picks_name_no_cadre(tmp_path: Path) -> None:
    db = report_store(tmp_path)
    _short(db)
    out = tmp_path / "r.html"
    args = ["report", "--db", str(db), "--district", "x", *MARCH, "-o", str(out)]
    assert runner.invoke(app, args, env=WIDE).exit_code == 0
    page = out.read_text(encoding="utf-8")
    f = json.loads(figures_json(page))
    s = f["shortfall"]
    assert (s["open"], s["empty"]) == (2, 1)
    assert [(c["community"], c["category"], c["slots"]) for c in s["cells"]] == [
        ("C2", "governance", 1)
    ]
    assert s["cells"][0]["reason"]["code"] == "unfilled.level_short"
    assert [(t["tag"], t["from_level"], t["to_level"], t["slots"]) for t in s["training"]] == [
        (MEDIATION, 3, 5, 1)
    ]
    sections = [("与人工规则对照", "Against the manual rule"), ("短缺与培训建议", "Shortages and"),
                ("培训技能", "Skill to train"), ("主要原因", "Binding reason")]  # fmt: skip
    for zh, en in sections:
        assert zh in page and en in page
    assert "名干部未达到所需技能等级" in page  # the reason, rendered in Chinese
    # an analyst reads the same figures over HTTP: no name, no cadre id anywhere in them
    store = Store.open(db)
    try:
        with store.write() as tx:
            token = tx.create_token("analyst", ["x"])[0]
        with TestClient(create_app(Settings(db=str(tmp_path / "u.db")), store=store)) as c:
            r = c.get("/v1/districts/x/report", params={"from": "2026-03-01", "to": "2026-03-31"},
                      headers={"Authorization": f"Bearer {token}"})  # fmt: skip
    finally:
        store.close()
    assert r.status_code == 200 and r.json() == f
    words = _strings(r.json())
    assert not words & CADRE_IDS and not any(n in w for n in NAMES for w in words)
    assert not any(n in page for n in NAMES)


def _chromium_or_skip() -> None:
    if shutil.which("chromium") or shutil.which("google-chrome"):
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail("CI=true: the PDF test needs headless Chromium (apt-get install chromium)")
    pytest.skip("no headless Chromium on the PATH")


def test_the_report_prints_to_pdf(tmp_path: Path) -> None:
    _chromium_or_skip()
    db = report_store(tmp_path)
    base = ["report", "--db", str(db), "--district", "x", *MARCH]
    res = runner.invoke(app, [*base, "-o", str(tmp_path / "r.html"), "--pdf",
                              str(tmp_path / "r.pdf")], env=WIDE)  # fmt: skip
    assert res.exit_code == 0, res.output
    pdf = (tmp_path / "r.pdf").read_bytes()
    assert pdf.startswith(b"%PDF-") and len(pdf) > 10_000
    assert (tmp_path / "r.html").read_text(encoding="utf-8").startswith("<!doctype html>")
    # -o with a .pdf name: the PDF alone
    res = runner.invoke(app, [*base, "-o", str(tmp_path / "only.pdf")], env=WIDE)
    assert res.exit_code == 0, res.output
    assert (tmp_path / "only.pdf").read_bytes().startswith(b"%PDF-")
    assert sorted(p.name for p in tmp_path.glob("*.pdf")) == ["only.pdf", "r.pdf"]
    assert not list(tmp_path.glob(".*.part"))
    # --pdf alone: the PDF, and no report.html written beside it unasked
    import os

    here = os.getcwd()
    os.chdir(tmp_path)
    try:
        res = runner.invoke(app, [*base, "--pdf", "alone.pdf"], env=WIDE)
    finally:
        os.chdir(here)
    assert res.exit_code == 0, res.output
    assert (tmp_path / "alone.pdf").exists() and not (tmp_path / "report.html").exists()


def test_no_converter_is_said_and_nothing_is_written(tmp_path: Path) -> None:
    db = report_store(tmp_path)
    empty = tmp_path / "bin"
    empty.mkdir()
    args = ["report", "--db", str(db), "--district", "x", *MARCH, "-o", str(tmp_path / "r.html"),
            "--pdf", str(tmp_path / "r.pdf")]  # fmt: skip
    res = runner.invoke(app, args, env={**WIDE, "PATH": str(empty)})
    assert res.exit_code == 2 and "Traceback" not in res.output
    assert "headless Chromium" in res.output and "chromium" in res.output
    assert not (tmp_path / "r.html").exists() and not (tmp_path / "r.pdf").exists()
    res = runner.invoke(app, args, env={**WIDE, "PATH": str(empty), "LANG": "zh_CN.UTF-8"})
    assert res.exit_code == 2 and "无界面 Chromium" in res.output


def test_a_mistyped_database_is_refused_not_created(tmp_path: Path) -> None:
    typo = tmp_path / "typo.db"
    res = runner.invoke(app, ["report", "--db", str(typo), "--district", "x", *MARCH], env=WIDE)
    assert res.exit_code == 2
    assert "no such database file" in res.output
    assert not typo.exists()
