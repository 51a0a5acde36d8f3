"""The governance report opens in Chromium without a console error; its screenshot is saved."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from matcher.cli import app
from tests.cli.report_case import MARCH, report_store


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
