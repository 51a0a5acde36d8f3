"""The dispatches view (派遣记录) ending a dispatch: the row changes as soon as the write
answers, its buttons off while the write is out, and the pool is read again after, without
holding the list back (the sample week, a few of Monday's orders dispatched)."""

from __future__ import annotations

import re
from typing import Any

import httpx

from tests.console.pages import expect_count, expect_text
from tests.console.server import Server

# the requests of the pool's reload (api.js reloadPool): demands, cadres, the summary
POOL = re.compile(r".*/v1/districts/gulou/(demands|cadres|summary)\?")


def test_an_ended_dispatch_leaves_the_list_before_the_pool_reloads(
    page_factory: Any, week_server: Server
) -> None:
    from playwright.sync_api import expect

    pg = page_factory()
    p = pg.sign_in(week_server.base, week_server.dispatcher)
    p.get_by_role("button", name="派遣记录").click()
    rows = p.locator("#dispatches tbody tr")
    rows.first.wait_for()
    n = rows.count()
    assert n >= 3, n
    # the first one's demand, as 需求管理 shows it before
    demand = rows.first.locator('td[data-label="需求"]').inner_text().split()[0]
    p.get_by_role("button", name="需求管理").click()
    p.get_by_label("搜索（编号、事项、社区）").fill(demand)
    filled = p.locator(f'#demands-admin tr[data-id="{demand}"] td[data-label="已派/需要"]')
    before = filled.inner_text()
    p.get_by_role("button", name="派遣记录").click()
    rows.first.wait_for()

    held: list[Any] = []

    def hold(route: Any) -> None:
        held.append(route)

    p.route(POOL, hold)

    # cancel the first (Monday's orders may not have started: no completing them yet): it
    # leaves 进行中 while the pool's reload is still held
    first = rows.first.get_attribute("data-id")
    rows.first.get_by_role("button", name="取消派遣").click()
    dialog = p.locator("#outcome")
    dialog.get_by_label("取消原因").select_option("cadre_unavailable")
    dialog.get_by_role("button", name="确定取消派遣").click()
    expect_text(p, "#status", f"派遣 #{first} 已取消")
    expect_count(p.locator(f'#dispatches tr[data-id="{first}"]'), 0)
    expect_count(rows, n - 1)
    while not held:  # the reload was started, after the list was drawn
        p.wait_for_timeout(20)

    # while the write is out, the row's buttons are off and the status line says so
    writes: list[Any] = []

    def hold_write(route: Any) -> None:
        writes.append(route)

    p.route(re.compile(r".*/dispatches/\d+/cancel$"), hold_write)
    second = rows.first.get_attribute("data-id")
    row = p.locator(f'#dispatches tr[data-id="{second}"]')
    row.get_by_role("button", name="取消派遣").click()
    dialog.get_by_label("取消原因").select_option("duplicate")
    dialog.get_by_role("button", name="确定取消派遣").click()
    while not writes:
        p.wait_for_timeout(20)
    expect_text(p, "#status", f"正在保存派遣 #{second}")
    for name in ("完成", "未到岗", "取消派遣"):
        assert row.get_by_role("button", name=name).is_disabled(), name
    writes[0].continue_()
    expect_text(p, "#status", f"派遣 #{second} 已取消")
    expect_count(row, 0)
    expect_count(rows, n - 2)

    # under 全部 both show how they ended (the pool's reload still held)
    p.locator("#dfilter").select_option("all")
    expect_text(p, f'#dispatches tr[data-id="{first}"]', "干部无法到岗")
    expect_text(p, f'#dispatches tr[data-id="{second}"]', "重复派遣")
    # a view opened while the pool is read again waits for it: it never shows the old counts
    p.get_by_role("button", name="需求管理").click()
    p.unroute(POOL, hold)
    for r in held:
        r.continue_()
    auth = {"Authorization": f"Bearer {week_server.dispatcher}"}
    d = httpx.get(f"{week_server.base}/v1/districts/gulou/demands/{demand}", headers=auth).json()
    after = f"{d['filled']}/{d['headcount']}"
    assert after != before, (before, after)
    expect(filled).to_have_text(after)
    p.evaluate("() => new Promise((done) => setTimeout(done, 200))")
    assert pg.banners() == [] and pg.errors == []
