"""Deciding a proposal in the console when the page is not the only actor: another tab made a
newer proposal meanwhile, a double click, and the district's load finishing after a
proposal was made in 派遣方案.

`test_a_stale_tab_shows_the_newer_proposal`: a tab shows proposal #1 while #2 and then #3
are proposed elsewhere; its 接受所选 and 全部接受 answer 409 (superseded), and the tab shows
the newest proposal, saying so in the status line, with no banner.
`test_a_double_click_accepts_once`: a double click on 全部接受 sends one request.
`test_the_districts_load_leaves_the_proposal_alone`: the district's load (its last request
held in the page) ends after a proposal was made in 派遣方案: the status line and the view
stay the proposal's.
"""

from __future__ import annotations

import re
from typing import Any

import httpx

from tests.console.pages import expect_count, expect_text
from tests.console.server import Server


def _propose(s: Server, key: str) -> int:
    """A proposal made elsewhere (another tab, the API): answers its id."""
    r = httpx.post(
        s.base + "/v1/districts/gulou/proposals",
        json={},
        headers={"Authorization": f"Bearer {s.dispatcher}", "Idempotency-Key": key},
        timeout=120,
    )
    assert r.status_code == 201, r.text
    made: int = r.json()["id"]
    return made


def _bugs(errors: list[str]) -> list[str]:
    """The page's errors less the browser's own line for each 409 answer (expected here)."""
    return [e for e in errors if "status of 409" not in e]


def _open_proposal(p: Any, n: int) -> None:
    p.get_by_role("button", name="派遣方案").click()
    p.get_by_role("button", name="生成方案").click()
    expect_text(p, "#pinfo", f"方案 #{n}")
    expect_text(p, "#status", f"方案 #{n} 已生成")


def test_a_stale_tab_shows_the_newer_proposal(page_factory: Any, fresh_server: Server) -> None:
    s = fresh_server
    pg = page_factory()
    p = pg.sign_in(s.base, s.dispatcher)
    _open_proposal(p, 1)

    # another tab proposes #2: this tab's choice from #1 is answered 409, and #2 is shown
    assert _propose(s, "other-tab-2") == 2
    p.locator("#abody input.pick").first.check()
    with p.expect_response(lambda r: r.url.endswith("/proposals/1/accept")) as sent:
        p.get_by_role("button", name="接受所选").click()
    assert sent.value.status == 409
    expect_text(p, "#pinfo", "方案 #2")
    expect_text(p, "#status", "方案已更新为 #2，请重新选择")
    expect_count(p.locator("#abody .state.superseded"), 0)
    assert p.locator("#abody input.pick:checked").count() == 0
    assert p.locator("#accept-all").is_enabled()

    # again with 全部接受, then the status line in English
    assert _propose(s, "other-tab-3") == 3
    with p.expect_response(lambda r: r.url.endswith("/proposals/2/accept")) as sent:
        p.get_by_role("button", name="全部接受").click()
    assert sent.value.status == 409
    expect_text(p, "#pinfo", "方案 #3")
    expect_text(p, "#status", "方案已更新为 #3，请重新选择")
    p.get_by_role("button", name="Switch to English").click()
    expect_text(p, "#status", "Proposal #3 replaced it; choose again")
    assert pg.banners() == [] and _bugs(pg.errors) == []

    # nothing was written: #3 is decided from here as any proposal is
    p.get_by_role("button", name="Accept all").click()
    expect_text(p, "#status", "Accepted 364")
    assert pg.banners() == [] and _bugs(pg.errors) == []


def test_a_double_click_accepts_once(page_factory: Any, fresh_server: Server) -> None:
    s = fresh_server
    pg = page_factory()
    p = pg.sign_in(s.base, s.dispatcher)
    _open_proposal(p, 1)
    sent: list[str] = []
    p.on("request", lambda r: sent.append(r.url) if r.url.endswith("/accept") else None)
    p.get_by_role("button", name="全部接受").dblclick()
    expect_text(p, "#status", "已接受 364 项")
    expect_count(p.locator("#abody .state.pending"), 0)
    # the buttons are free again once the decision is answered (none is left to decide here)
    p.evaluate("() => new Promise((done) => setTimeout(done, 100))")
    assert len(sent) == 1
    assert pg.banners() == [] and pg.errors == []
    r = httpx.get(
        s.base + "/v1/districts/gulou/dispatches",
        params={"limit": 1000},
        headers={"Authorization": f"Bearer {s.dispatcher}"},
    )
    assert r.json()["count"] == 364


def test_the_districts_load_leaves_the_proposal_alone(
    page_factory: Any, fresh_server: Server
) -> None:
    s = fresh_server
    pg = page_factory()
    p = pg.page
    held: list[Any] = []

    def hold(route: Any) -> None:  # the first one only
        if held:
            route.continue_()
        else:
            held.append(route)

    summary = re.compile(r".*/summary\?by=community")
    p.route(summary, hold)
    p.goto(s.base + "/")
    p.get_by_label("访问令牌").fill(s.dispatcher)
    p.get_by_role("button", name="登录").click()
    while not held:  # the district's load waits for its last answer
        p.wait_for_timeout(20)
    _open_proposal(p, 1)
    with p.expect_response(summary):
        held[0].continue_()
    p.evaluate("() => new Promise((done) => setTimeout(done, 100))")
    expect_text(p, "#status", "方案 #1 已生成")
    assert p.locator("#view-proposal").is_visible()
    assert not p.locator("#view-overview").is_visible()
    expect_count(p.locator("#abody tr"), 364)
    assert pg.banners() == [] and pg.errors == []
    # the overview, opened now, has its map
    p.get_by_role("button", name="需求热力图").click()
    expect_count(p.locator("#map circle.dot"), 120)


def test_pairs_decided_in_another_tab_show_as_decided(
    page_factory: Any, fresh_server: Server
) -> None:
    """Another tab accepted the whole proposal: this tab's 全部接受 is answered 409, and the
    view shows the pairs as they are now (accepted, nothing left to tick), the banner why."""
    s = fresh_server
    pg = page_factory()
    p = pg.sign_in(s.base, s.dispatcher)
    _open_proposal(p, 1)
    r = httpx.post(
        s.base + "/v1/districts/gulou/proposals/1/accept",
        json={},
        headers={"Authorization": f"Bearer {s.dispatcher}", "Idempotency-Key": "other-tab"},
        timeout=120,
    )
    assert r.status_code == 201, r.text
    with p.expect_response(lambda r: r.url.endswith("/proposals/1/accept")) as sent:
        p.get_by_role("button", name="全部接受").click()
    assert sent.value.status == 409
    expect_count(p.locator("#abody .state.pending"), 0)
    assert p.locator("#abody .state.accepted").count() > 300
    assert p.locator("#abody input.pick").count() == 0
    assert len(pg.banners()) == 1
