"""The lending ledger in the console (社区互助账本): the sample district with its generated
past; the table shows the server's figures per community, the flow picture shades the most
active communities' flows, a period can be chosen (a reversed one is refused, said in
Chinese), an analyst reads it, and the view speaks Chinese, then English."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import httpx

from tests.console.pages import PHONE, expect_count, expect_text
from tests.console.server import Server
from tests.text import latin_words


def _hours(v: float) -> str:
    """The console's number: grouped, at most one decimal, no trailing zero."""
    return f"{v:,.1f}".removesuffix(".0")


def test_ledger_view(page_factory: Any, history_server: Server, shots: Path) -> None:
    auth = {"Authorization": f"Bearer {history_server.analyst}"}
    led = httpx.get(history_server.base + "/v1/districts/gulou/ledger", headers=auth).json()
    assert led["dispatches"] > 0
    pg = page_factory()
    p = pg.sign_in(history_server.base, history_server.analyst)
    p.get_by_role("button", name="互助账本").click()
    expect_text(p, "#lg-h", "社区互助账本")
    expect_text(
        p, "#lg-period", f"{led['start']} 至 {led['end']}：已完成派遣 {led['dispatches']} 次"
    )
    expect_count(p.locator("#ledger-table tbody tr"), len(led["communities"]))

    # the community that lent most: its row holds the server's figures and top partners
    top = max(led["communities"], key=lambda c: c["lent"])
    cells = p.locator(f'#ledger-table tr[data-id="{top["id"]}"] td').all_inner_texts()
    assert cells[0] == f"{top['id']} {top['name']}"
    assert cells[1:5] == [
        _hours(top["lent"]),
        _hours(top["received"]),
        ("+" if top["balance"] > 0 else "") + _hours(top["balance"]),
        _hours(top["home"]),
    ]
    names = {c["id"]: c["name"] for c in led["communities"]}
    first = top["lent_to"][0]
    assert cells[5].splitlines()[0] == f"{names[first['community']]} {_hours(first['hours'])}"

    # the flow picture: 12 × 12 cells, the darkest one the largest flow among them
    expect_count(p.locator("#ledger-flows rect"), 144)
    rects = p.locator("#ledger-flows rect")
    shown = [
        (float(r.get_attribute("data-hours") or 0), r.get_attribute("fill")) for r in rects.all()
    ]
    assert max(shown)[1] == "#164f8a"
    a, b = rects.first.get_attribute("data-from"), rects.first.get_attribute("data-to")
    assert a == b and rects.first.get_attribute("fill") == "#d5dbe1"  # the diagonal: at home
    pg.shot(shots, "ledger")

    # no Latin words in Chinese, and a phone's screen holds it
    # (the district's name, typed by an admin, is not the console's words)
    assert latin_words(" ".join(pg.visible_text()), {"gulou", "sample"}) == []
    p.set_viewport_size(PHONE)
    p.wait_for_timeout(50)
    assert pg.phone_layout_problems() == []
    pg.shot(shots, "ledger-phone", full=True)
    p.set_viewport_size({"width": 1280, "height": 800})

    # the days read year-month-day: Chromium draws its own date input in the browser's
    # locale (mm/dd/yyyy here, whatever the page's lang), so these are text fields
    for field in ("#lg-from", "#lg-to"):
        box = p.locator(field)
        assert box.evaluate("e => e.type") == "text"
        assert re.fullmatch(r"\d{4}-\d\d-\d\d", box.input_value())
        assert box.get_attribute("placeholder") == "年-月-日"
    # a day that does not exist is said beside the field and in the banner, and the table stays
    p.locator("#lg-from").fill("2026-02-30")
    p.get_by_role("button", name="查询").click()
    expect_text(p, "#error", "“2026-02-30”不是日期")
    expect_text(p, "#lg-from-err", "“2026-02-30”不是日期")
    expect_text(p, "#lg-period", f"{led['start']} 至 {led['end']}")
    # the spellings the demand form reads, full-width digits too: 2026/9/1, 2026年9月1日
    # (the browser refused them in its own words, with no request)
    y, m, d = (int(x) for x in led["end"].split("-"))
    p.locator("#lg-from").fill(f"{y}/{m}/{d}")
    assert p.locator("#lg-from-err").inner_text() == ""  # right once typed
    p.locator("#lg-to").fill(
        f"{y}年{m}月{d}日".translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    )
    p.get_by_role("button", name="查询").click()
    expect_text(p, "#lg-period", f"{led['end']} 至 {led['end']}")
    p.locator("#lg-from").fill(led["start"])
    p.locator("#lg-to").fill(led["end"])
    p.get_by_role("button", name="查询").click()
    expect_text(p, "#lg-period", f"{led['start']} 至 {led['end']}")

    # a chosen period; then a reversed one is refused, in Chinese, and the table stays
    p.locator("#lg-from").fill(led["end"])
    p.locator("#lg-to").fill(led["end"])
    p.get_by_role("button", name="查询").click()
    expect_text(p, "#lg-period", f"{led['end']} 至 {led['end']}")
    p.locator("#lg-from").fill("2026-12-31")
    p.locator("#lg-to").fill("2026-01-01")
    p.get_by_role("button", name="查询").click()
    expect_text(p, "#error", "晚于结束日")
    expect_text(p, "#lg-period", f"{led['end']} 至 {led['end']}")

    # English: the banner says the same problem again in English (it was cleared)
    p.get_by_role("button", name="Switch to English").click()
    expect_text(p, "#error", "the period starts on 2026-12-31, after it ends on 2026-01-01")
    expect_text(p, "#lg-h", "Lending ledger")
    expect_text(p, "#ledger-table thead", "Hours lent")
    expect_text(p, "#lg-period", f"{led['end']} – {led['end']}")
    assert [e for e in pg.errors if "status of 422" not in e] == []
