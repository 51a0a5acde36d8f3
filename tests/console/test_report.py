"""The governance report opens in Chromium without a console error; its screenshot is saved."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from matcher.cli import app
from tests.cli.report_case import FORTNIGHT, MARCH, figures_json, fortnight_store, report_store


def test_the_report_opens_cleanly(browser: Any, tmp_path: Path, shots: Path) -> None:
    out = tmp_path / "report.html"
    args = ["report", "--db", str(report_store(tmp_path)), "--district", "x", *MARCH]
    res = CliRunner().invoke(app, [*args, "-o", str(out)])
    assert res.exit_code == 0, res.output
    # a bare page: the console's Page watches the console's own error banner
    ctx = browser.new_context(viewport={"width": 1100, "height": 900}, locale="zh-CN")
    page = ctx.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(f"uncaught: {e}"))
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(out.as_uri())
    page.locator("h1").wait_for()
    assert "社区治理报告" in page.locator("h1").inner_text()
    assert page.locator("img").count() >= 2
    assert all(
        page.evaluate("(i) => document.images[i].naturalWidth", i) > 0
        for i in range(page.locator("img").count())
    )
    page.screenshot(path=str(shots / "governance-report.png"), full_page=True)
    assert errors == []
    assert [u for u in requests if not u.startswith(("file:", "data:"))] == []
    ctx.close()


def test_a_fortnights_report_its_baseline_and_shortages(
    browser: Any, tmp_path: Path, shots: Path
) -> None:
    """The README's pages: a generated district run for two weeks, its proposals
    accepted whole. Then each day matcher's accepted plan scores at least the manual
    rule's on the same inputs (matcher's plan is optimal on them): the days are
    rebuilt as the proposals saw them."""
    out = tmp_path / "fortnight.html"
    first, last = FORTNIGHT
    args = ["report", "--db", str(fortnight_store(tmp_path)), "--district", "x",
            "--from", first.isoformat(), "--to", last.isoformat(), "-o", str(out)]  # fmt: skip
    res = CliRunner().invoke(app, args)
    assert res.exit_code == 0, res.output
    page_text = out.read_text(encoding="utf-8")
    b = json.loads(figures_json(page_text))["baseline"]
    assert len(b["days"]) == 14 and b["total"]["matcher"]["slots"] > 0
    for d in b["days"]:
        assert d["matcher"]["score"] >= d["manual"]["score"] - 1e-6, d
    ctx = browser.new_context(viewport={"width": 1000, "height": 900}, locale="zh-CN")
    page = ctx.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(out.as_uri())
    page.locator("h1").wait_for()
    page.screenshot(path=str(shots / "governance-report-first-page.png"))
    for title, shot in (("与人工规则对照", "governance-report-baseline.png"),
                        ("短缺与培训建议", "governance-report-shortages.png")):  # fmt: skip
        h2 = page.locator("h2", has_text=title)
        assert h2.count() == 1
        box = page.evaluate(
            """(t) => {
               const h = [...document.querySelectorAll('h2')].find(x => x.textContent.includes(t));
               let end = h.nextElementSibling;
               while (end && end.nextElementSibling && end.nextElementSibling.tagName !== 'H2')
                 end = end.nextElementSibling;
               const a = h.getBoundingClientRect(), b = end.getBoundingClientRect();
               return {x: 0, y: a.top + window.scrollY - 8, width: 1000,
                       height: b.bottom - a.top + 16}; }""",
            title,
        )
        page.screenshot(path=str(shots / shot), clip=box, full_page=True)
    assert errors == []
    ctx.close()
