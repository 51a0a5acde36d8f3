"""The what-if view in a district with dated orders: the fixes of the ongoing orders, the
note that they keep the dated dispatches (fix.keeps_dated) and the short dated orders
without fixes (fix.dated_unpriced), in the page's language; and a what-if answered by a
job (202, docs/api.md "Jobs"), followed to its result.

The answer is the service's shape (tests/api/test_scenarios.py computes a real one), set on
the route here: a scenario on the sample week runs two minute-long MILPs, too slow for a
browser test. The job is a real one on the sample district, made a job by adding
``Prefer: respond-async`` on its way (as tests/console/test_jobs.py does for proposals)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import httpx

from tests.console.pages import expect_count, expect_text
from tests.console.server import Server
from tests.text import latin_words

#: a scenario answer with explain_unfilled in a dated district, as POST …/scenarios gives it
ANSWER: dict[str, Any] = {
    "scenario": "console",
    "kpis": [{"kpi": "slots_filled", "base": 5, "scenario": 4, "delta": -1}],
    "unfilled_by_category": [],
    "unfilled_by_tag": [],
    "churn": {"kept": 4, "moved": 0, "added": 0, "dropped": 1, "changes": []},
    "counterfactuals": [
        {
            "demand": "D4",
            "slots": 1,
            "options": [
                {
                    "kind": "travel",
                    "cadre": "P7",
                    "text": "let 周七 (P7) travel 3.1 km (2.1 km over their 1 km limit)",
                    "why": {
                        "code": "fix.travel",
                        "params": {
                            "name": "周七",
                            "cadre": "P7",
                            "km": 3.1,
                            "over": 2.1,
                            "limit": 1.0,
                        },
                    },
                    "score": 40.0,
                    "objective_delta": 12.5,
                }
            ],
        }
    ],
    "counterfactuals_note": {"code": "fix.keeps_dated", "params": {}},
    "counterfactuals_unpriced": {
        "code": "fix.dated_unpriced",
        "params": {"count": 12, "demands": [f"S{k}" for k in range(10)], "more": 2},
    },
}


def test_the_notes_beside_the_fixes_show_in_both_languages(
    page_factory: Any, server: Server
) -> None:
    pg = page_factory()
    p = pg.sign_in(server.base, server.planner)
    sent: list[dict[str, Any]] = []

    def answer(r: Any) -> None:
        sent.append(json.loads(r.request.post_data or "{}"))
        r.fulfill(status=200, content_type="application/json", body=json.dumps(ANSWER))

    p.route("**/v1/districts/gulou/scenarios", answer)
    p.get_by_role("button", name="推演").click()
    p.locator("#wi-form").wait_for()
    p.get_by_label("为空缺计算最小调整（较慢）").check()
    p.get_by_role("button", name="运行推演").click()
    expect_text(p, "#wi-fix-note", "长期任务的补救办法保持定时工单的派遣不变")
    expect_text(p, "#wi-fix-unpriced", "12 个有空缺的定时工单（S0、S1")
    assert "等另 2 个" in p.locator("#wi-fix-unpriced").inner_text()
    assert sent and sent[0]["explain_unfilled"] is True
    for sel in ("#wi-fixes", "#wi-fix-note", "#wi-fix-unpriced"):
        assert latin_words(p.locator(sel).inner_text()) == [], sel
    p.get_by_role("button", name="Switch to English").click()
    expect_text(p, "#wi-fix-note", "fixes for ongoing orders keep the dated orders' dispatches")
    expect_text(p, "#wi-fix-unpriced", "12 short dated orders (S0, S1")
    assert "and 2 more" in p.locator("#wi-fix-unpriced").inner_text()
    # an answer without dated orders says neither
    plain = {**ANSWER, "counterfactuals_note": None, "counterfactuals_unpriced": None}
    p.unroute("**/v1/districts/gulou/scenarios")
    p.route(
        "**/v1/districts/gulou/scenarios",
        lambda r: r.fulfill(status=200, content_type="application/json", body=json.dumps(plain)),
    )
    p.get_by_role("button", name="Run scenario").click()
    # the first answer shows P7 too: wait for the second one (its notes gone), not a count
    expect_count(p.locator("#wi-fix-note, #wi-fix-unpriced"), 0)
    expect_text(p, "#wi-fixes", "P7")
    assert pg.errors == []


def test_a_whatif_answered_by_a_job_shows_its_result(
    page_factory: Any, server: Server, shots: Path
) -> None:
    pg = page_factory()
    p = pg.sign_in(server.base, server.planner)
    answered: list[int] = []
    reads: list[str] = []

    def as_job(r: Any) -> None:
        r.continue_(headers={**r.request.headers, "prefer": "respond-async"})

    p.route("**/v1/districts/gulou/scenarios", as_job)
    p.on("response", lambda r: answered.append(r.status) if r.url.endswith("/scenarios") else None)
    p.on("response", lambda r: reads.append(r.url) if "/jobs/" in r.url else None)
    p.get_by_role("button", name="推演").click()
    p.locator("#wi-form").wait_for()
    p.get_by_label("路程上限（公里）").fill("2")
    p.get_by_role("button", name="运行推演").click()
    expect_text(p, "#wi-kpis", "填补率")
    expect_text(p, "#status", "推演完成：表单中的调整")
    assert answered == [202] and reads, (answered, reads)
    assert p.locator("#wi-cancel").is_hidden()
    assert p.locator("#wi-form button[type=submit]").is_enabled()
    # the table is the job's result: the comparison POST …/scenarios answers
    auth = {"Authorization": f"Bearer {server.planner}"}
    jobs = httpx.get(server.base + "/v1/districts/gulou/jobs", headers=auth).json()["data"]
    done = [j for j in jobs if j["kind"] == "scenario"]
    assert done and done[0]["status"] == "done"
    filled = next(k for k in done[0]["result"]["kpis"] if k["kpi"] == "slots_filled")
    row = p.locator("#wi-kpis tbody tr", has_text="已填补").first.locator("td")
    shown = [float(x.replace(",", "")) for x in row.all_inner_texts()[:2]]
    assert shown == [filled["base"], filled["scenario"]]
    # distances in km, one decimal, as the proposal's KPIs show them
    far = p.locator("#wi-kpis tbody tr", has_text="最远路程").first.locator("td")
    kms = far.all_inner_texts()
    assert all(re.fullmatch(r"[+-]?\d+(\.\d)? 公里", x) for x in kms), kms
    pg.shot(shots, "whatif-job")
    assert pg.errors == []


def test_a_whatif_job_can_be_stopped(page_factory: Any, server: Server) -> None:
    """The job routed (it runs until stopped): the status line says which plan is solved,
    停止计算 sends its DELETE, and the stopped job is said in words, nothing drawn."""
    pg = page_factory()
    p = pg.sign_in(server.base, server.planner)
    url = "/v1/districts/gulou/jobs/j1"
    job = {"id": "j1", "kind": "scenario", "status": "running", "phase": "baseline",
           "fraction": None, "created": "2026-12-07T00:00:00+00:00", "started": None,
           "finished": None, "proposal": None, "result": None, "error": None}  # fmt: skip
    deleted: list[str] = []

    def scenarios(r: Any) -> None:
        r.fulfill(status=202, content_type="application/json", body=json.dumps(job),
                  headers={"Location": url})  # fmt: skip

    def read(r: Any) -> None:
        if r.request.method == "DELETE":
            deleted.append(r.request.url)
            job["status"] = "cancelled"
        r.fulfill(status=200 if r.request.method == "GET" else 202,
                  content_type="application/json", body=json.dumps(job))  # fmt: skip

    p.route("**/v1/districts/gulou/scenarios", scenarios)
    p.route(f"**{url}", read)
    p.get_by_role("button", name="推演").click()
    p.locator("#wi-form").wait_for()
    p.get_by_role("button", name="运行推演").click()
    expect_text(p, "#status", "正在后台推演（基线）")
    assert p.locator("#wi-form button[type=submit]").is_disabled()
    p.get_by_role("button", name="停止计算").click()
    expect_text(p, "#status", "推演已停止，没有结果")
    assert len(deleted) == 1
    assert p.locator("#wi-cancel").is_hidden()
    assert p.locator("#wi-form button[type=submit]").is_enabled()
    assert p.locator("#wi-kpis").count() == 0
    assert latin_words(p.locator("#status").inner_text()) == []
    assert pg.errors == []


def test_a_scenario_file_that_cannot_be_read(
    page_factory: Any, server: Server, shots: Path
) -> None:
    """A broken scenario file on a phone: the banner says where (line and column) and the
    rule broken in the page's words, nothing is sent, no uncaught exception, the earlier
    run's results are gone, and the banner is in view; a file not in UTF-8 (GBK) is said
    as such; a run the server refuses clears the results too."""
    pg = page_factory(390, 640)  # a small phone: the form's foot a screen below the banner
    p = pg.sign_in(server.base, server.planner)
    sent: list[str] = []
    refuse = [False]

    def answer(r: Any) -> None:
        sent.append(r.request.post_data or "")
        if refuse[0]:
            problem = {"title": "Unprocessable", "detail": "no", "code": "scenario.invalid"}
            r.fulfill(status=422, content_type="application/problem+json", body=json.dumps(problem))
        else:
            r.fulfill(status=200, content_type="application/json", body=json.dumps(ANSWER))

    p.route("**/v1/districts/gulou/scenarios", answer)
    p.locator("#tabs").get_by_role("button", name="推演").click()
    p.locator("#wi-form").wait_for()
    run = p.get_by_role("button", name="运行推演")
    run.click()
    expect_count(p.locator("#wi-kpis"), 1)
    assert len(sent) == 1

    broken = 'name = "水灾"\n[[edits]\nkind = "scale_demand"\n'
    files = p.locator('#wi-form input[type="file"]')
    files.set_input_files(
        {"name": "bad2.toml", "mimeType": "text/plain", "buffer": broken.encode("utf-8")}
    )
    p.evaluate("() => window.scrollTo(0, document.body.scrollHeight)")  # at the form's foot
    run.click()
    expect_text(p, "#error", "场景文件读不懂：bad2.toml 第 2 行第 8 列“[[edits]”——表头写作")
    said = p.locator("#error").inner_text()
    assert latin_words(said, {"bad2.toml", "edits"}) == [], said
    assert ": " not in said, said  # Chinese colons
    expect_count(p.locator("#wi-out > *"), 0)  # the earlier results are gone
    assert len(sent) == 1  # nothing sent
    box = p.locator("#error").bounding_box()
    assert box is not None and box["y"] >= -1 and box["y"] + box["height"] <= 641, box
    pg.shot(shots, "whatif-unreadable-phone")

    # a value that is none, then a file in GBK
    p.evaluate("() => window.scrollTo(0, document.body.scrollHeight)")
    files.set_input_files({"name": "v.toml", "mimeType": "text/plain", "buffer": b"name = flood\n"})
    run.click()
    expect_text(p, "#error", "v.toml 第 1 行第 8 列“flood”——值写作")
    files.set_input_files(
        {"name": "gbk.toml", "mimeType": "text/plain", "buffer": 'name = "水灾"\n'.encode("gbk")}
    )
    run.click()
    expect_text(p, "#error", "gbk.toml 不是 UTF-8 编码")
    assert len(sent) == 1

    # a run the server refuses leaves no earlier results under its error either
    files.set_input_files([])
    run.click()
    expect_count(p.locator("#wi-kpis"), 1)
    refuse[0] = True
    run.click()
    expect_text(p, "#error", "出错了（422）")
    expect_count(p.locator("#wi-out > *"), 0)

    # in English: the same place, in its words
    p.get_by_role("button", name="Switch to English").click()
    p.get_by_role("button", name="Run scenario").wait_for()  # the form drawn again
    files.set_input_files(
        {"name": "bad2.toml", "mimeType": "text/plain", "buffer": broken.encode("utf-8")}
    )
    p.get_by_role("button", name="Run scenario").click()
    expect_text(p, "#error", 'bad2.toml: line 2, column 8, "[[edits]": a table header is')
    assert pg.errors == [e for e in pg.errors if "status of 422" in e], pg.errors
