"""The growth record in the console: a dispatcher completes a dispatch with hours and a
rating and sees the cadre's record change; marks two no-shows of one cadre, sees the
warning the record's rule suggests with its reasons in Chinese, confirms it with a note and
sees the cadre's colour change; a red suggestion for a cadre on an active dispatch is
confirmed only after the page asks, and ends that dispatch; an analyst sees the warnings but
cannot decide them, and records with the name masked."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from matcher import Cadre, Status
from matcher.store import Store
from tests.console.pages import Page, expect_count, expect_text
from tests.console.server import Server
from tests.serving import running_server
from tests.text import latin_words

COLOURS = {"green": "绿", "yellow": "黄", "red": "红"}


def _get(server: Server, path: str, token: str | None = None) -> Any:
    auth = {"Authorization": f"Bearer {token or server.dispatcher}"}
    r = httpx.get(f"{server.base}/v1/districts/gulou{path}", headers=auth, timeout=30)
    assert r.status_code == 200, r.text
    return r.json()


def _accept_all(p: Any) -> None:
    p.get_by_role("button", name="派遣方案").click()
    p.get_by_role("button", name="生成方案").click()
    expect_text(p, "#status", "已生成")
    p.get_by_role("button", name="全部接受").click()
    expect_text(p, "#status", "已接受")


def _open_record(p: Any, cadre: str) -> Any:
    p.get_by_role("button", name="干部管理").click()
    p.get_by_label("搜索（编号、姓名、社区）").fill(cadre)
    row = p.locator(f'#cadres-admin tr[data-id="{cadre}"]')
    expect_count(row, 1)
    button = row.get_by_role("button", name="成长档案")
    if button.get_attribute("aria-expanded") != "true":  # open already: read again with the tab
        button.click()
    expect_text(p, "#cd-panel-h", f"{cadre}")
    expect_text(p, "#cd-panel-h", "成长档案")
    return p.locator("#cd-panel")


def _exactly(p: Any, selector: str, text: str) -> None:
    from playwright.sync_api import expect

    expect(p.locator(selector)).to_have_text(text)


def _chinese(pg: Page, where: str) -> list[str]:
    return latin_words(pg.page.locator(where).inner_text())


def test_outcome_changes_the_record(page_factory: Any, history_server: Server, shots: Path) -> None:
    pg = page_factory()
    p = pg.sign_in(history_server.base, history_server.dispatcher)
    _accept_all(p)
    active = _get(history_server, "/dispatches?status=active&limit=1")["data"][0]
    cadre, did = active["cadre"], active["id"]
    before = _get(history_server, f"/cadres/{cadre}/record")

    # the record as it stands, before the outcome
    panel = _open_record(p, cadre)
    _exactly(p, "#r-completed dd", str(before["completed"]))
    assert _chinese(pg, "#cd-panel") == []

    # complete it: hours are required (the form refuses none), a rating, a note
    posts: list[str] = []
    p.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    p.get_by_role("button", name="派遣记录").click()
    row = p.locator(f'#dispatches tr[data-id="{did}"]')
    row.get_by_role("button", name="完成").click()
    dialog = p.locator("#outcome")
    yes = dialog.get_by_role("button", name="确认完成")
    yes.click()
    expect_text(p, "#oc-hours-err", "已完成的派遣须填写服务时长")
    assert dialog.is_visible()  # hours missing: nothing sent
    # letters typed (as keys, the way a person does), none, a negative, past the day's most:
    # each said beside the field in the server's words, the dialog kept, nothing sent (a
    # number input kept the 2 of "2h" and sent 2 hours, and no hours at all for "1e")
    hours = dialog.get_by_label("服务时长（小时）")
    for typed, said in (
        ("2h", "时长须为数字"),
        ("1e", "时长须为数字"),
        ("三小时", "时长须为数字"),
        ("0", "时长须大于 0 且不超过 24"),
        ("-2", "时长须大于 0 且不超过 24"),
        ("25", "时长须大于 0 且不超过 24"),
    ):
        hours.fill("")
        hours.press_sequentially(typed)
        yes.click()
        expect_text(p, "#oc-hours-err", said)
        assert dialog.is_visible() and hours.input_value() == typed
        assert hours.get_attribute("aria-invalid") == "true"
    assert posts == []
    hours.fill("５")  # full-width, as a Chinese input method types it: 5, as in a case file
    assert p.locator("#oc-hours-err").inner_text() == ""
    assert hours.get_attribute("aria-invalid") == "false"
    # an exemption without its reason: said beside it in the page's words (the browser's own
    # bubble spoke its locale's), the dialog kept, nothing sent; no exemption, no error
    dialog.locator("#oc-exempt").check()
    yes.click()
    expect_text(p, "#oc-exempt-reason-err", "容错免责须写明理由")
    assert dialog.is_visible() and posts == []
    dialog.locator("#oc-exempt").uncheck()
    assert p.locator("#oc-exempt-reason-err").inner_text() == ""
    dialog.get_by_label("社区评价（可选）").select_option("4")
    dialog.get_by_label("备注（可选）").fill("入户走访完成")
    pg.shot(shots, "record-complete")
    dialog.get_by_role("button", name="确认完成").click()
    expect_text(p, "#status", f"派遣 #{did} 已完成")
    p.locator("#dfilter").select_option("completed")
    expect_text(p, f'#dispatches tr[data-id="{did}"] td[data-label="结果"]', "5 小时 · 评价 4 分")

    # a cancel with no reason chosen: said beside the list in the page's words, nothing sent
    p.locator("#dfilter").select_option("active")
    other = p.locator("#dispatches tbody tr").first
    other.get_by_role("button", name="取消派遣").click()
    dialog.get_by_role("button", name="确定取消派遣").click()
    expect_text(p, "#oc-reason-err", "取消的派遣须填写取消原因")
    assert dialog.is_visible() and [u.rsplit("/", 1)[-1] for u in posts] == ["complete"]
    dialog.locator("#oc-reason").select_option("duplicate")
    assert p.locator("#oc-reason-err").inner_text() == ""
    dialog.get_by_role("button", name="返回").click()
    assert not dialog.is_visible()

    # the record after it: one more completion, one more rating, five more hours
    after = _get(history_server, f"/cadres/{cadre}/record")
    assert after["completed"] == before["completed"] + 1
    assert after["ratings"] == before["ratings"] + 1
    assert abs(after["hours_total"] - before["hours_total"] - 5) < 1e-9
    panel = _open_record(p, cadre)
    _exactly(p, "#r-completed dd", str(before["completed"] + 1))
    expect_text(p, "#r-rating dd", f"{before['ratings'] + 1} 次评价")
    expect_text(p, "#r-communities dd", "社区")
    if p.locator("#r-points").count():  # the ledger holds the points this dispatch earned
        expect_text(p, "#r-points", f"派遣 #{did}")
    pg.shot(shots, "record-panel", full=True)
    assert _chinese(pg, "#cd-panel") == []
    assert panel.is_visible()
    assert pg.banners() == [] and pg.errors == []


def _two_active(server: Server) -> tuple[str, list[int]]:
    """A green cadre holding two active dispatches (the sample has cadres of capacity 2) and
    no recent no-show in their history, so two more make exactly two."""
    active = _get(server, "/dispatches?status=active&limit=1000")["data"]
    held = Counter(d["cadre"] for d in active)
    for cadre, n in sorted(held.items()):
        if n < 2 or _get(server, f"/cadres/{cadre}")["status"] != "green":
            continue
        if _get(server, f"/cadres/{cadre}/record")["no_shows_recent"] == 0:
            return cadre, [d["id"] for d in active if d["cadre"] == cadre][:2]
    raise AssertionError("no green cadre without recent no-shows holds two active dispatches")


def test_no_shows_warn_and_confirming_changes_the_colour(
    page_factory: Any, history_server: Server, shots: Path
) -> None:
    pg = page_factory()
    p = pg.sign_in(history_server.base, history_server.dispatcher)
    _accept_all(p)
    cadre, ids = _two_active(history_server)

    # two no-shows within 90 days: the rule suggests yellow (after each outcome, evaluated)
    p.get_by_role("button", name="派遣记录").click()
    for did in ids:
        p.locator(f'#dispatches tr[data-id="{did}"]').get_by_role("button", name="未到岗").click()
        p.locator("#outcome").get_by_role("button", name="确定").click()
        expect_text(p, "#status", f"派遣 #{did} 已记为未到岗")

    p.get_by_role("button", name="三色预警").click()
    p.get_by_role("button", name="重新评估").click()  # idempotent: never a second pending one
    expect_text(p, "#status", "评估完成")
    row = p.locator(f'#warnings tr[data-cadre="{cadre}"]', has_text="多次未到岗")
    expect_count(row, 1)
    expect_text(p, f'#warnings tr[data-cadre="{cadre}"] .reasons', "未到岗 2 次")
    assert latin_words(row.inner_text()) == []
    pg.shot(shots, "warnings", full=True)

    # the record shows it too, with its reasons
    _open_record(p, cadre)
    expect_text(p, "#r-no-shows dd", "近 90 天 2 次")
    expect_text(p, "#r-training dd", "门课程")
    expect_text(p, "#r-warnings", "多次未到岗")

    # confirm with a note: the colour changes where the dispatcher looks
    p.get_by_role("button", name="三色预警").click()
    p.get_by_label("处理说明（可选）").fill("已与本人谈话")
    wid = row.get_attribute("data-id")
    row.get_by_role("button", name="确认").click()
    expect_text(p, "#status", f"预警 #{wid} 已确认")
    p.locator("#wa-filter").select_option("confirmed")
    done = p.locator(f'#warnings tr[data-id="{wid}"]')
    expect_text(p, f'#warnings tr[data-id="{wid}"]', "已确认")
    expect_text(p, f'#warnings tr[data-id="{wid}"]', "已与本人谈话")
    expect_count(done.locator(".now .tri.yellow"), 1)
    assert _get(history_server, f"/cadres/{cadre}")["status"] == "yellow"
    p.get_by_role("button", name="干部管理").click()
    p.get_by_label("搜索（编号、姓名、社区）").fill(cadre)
    expect_text(p, f'#cadres-admin tr[data-id="{cadre}"]', COLOURS["yellow"])
    expect_count(p.locator(f'#cadres-admin tr[data-id="{cadre}"] .tri.yellow'), 1)
    assert pg.banners() == [] and pg.errors == []


def test_analyst_reads_warnings_without_deciding(page_factory: Any, server: Server) -> None:
    pg = page_factory()
    p = pg.sign_in(server.base, server.analyst)
    p.get_by_role("button", name="三色预警").click()
    p.locator("#wa-h").wait_for()
    assert p.get_by_role("button", name="确认").count() == 0
    assert p.get_by_role("button", name="重新评估").count() == 0
    assert _chinese(pg, "#view-warnings") == []
    _open_record(p, "P0001")  # the record of a masked name: still ***
    expect_text(p, "#cd-panel-h", "P0001 ***")
    assert pg.errors == []


@pytest.fixture
def stuck_server(tmp_path: Path, history_db: Path) -> Iterator[tuple[Server, str]]:
    """The sample with its history, where one cadre with recent no-shows has been yellow
    for 200 days (a person's decision on record) and holds an active dispatch: the rules
    suggest red, and confirming it has to end that dispatch."""
    db = history_db
    store = Store.open(db)
    try:
        with store.write() as tx:
            cadre = next(
                c
                for c in tx.list_cadres("gulou", limit=1000)[0]
                if c.status == "green" and tx.record("gulou", c.id).no_shows_recent >= 2
            )
            c = tx.cadre("gulou", cadre.id)
            tx.update_cadre(
                "gulou",
                Cadre(c.id, c.name, c.home, c.skills, tuple(c.certs), c.capacity, Status.YELLOW),
            )
            long_ago = (date.today() - timedelta(days=200)).isoformat()
            tx.conn.execute(
                text("UPDATE status_changes SET day = :d WHERE cadre = :c"),
                {"d": long_ago, "c": c.id},
            )
            tx.conn.execute(
                text(
                    "INSERT INTO dispatches (district_id, cadre, demand, score, status,"
                    " created_at, exempt) VALUES ('gulou', :c, 'D0001', 1.0, 'active', :t, 0)"
                ),
                {"c": c.id, "t": f"{date.today().isoformat()}T04:00:00.000+00:00"},
            )
            token = tx.create_token("dispatcher", ["gulou"])[0]
    finally:
        store.close()
    with running_server(db, tmp_path) as base:
        yield Server(base, token, token, token), c.id


def test_confirming_red_over_active_dispatches_asks_then_cancels_them(
    page_factory: Any, stuck_server: tuple[Server, str]
) -> None:
    server, cadre = stuck_server
    pg = page_factory()
    p = pg.sign_in(server.base, server.dispatcher)
    p.get_by_role("button", name="三色预警").click()
    p.get_by_role("button", name="重新评估").click()
    expect_text(p, "#status", "评估完成")
    row = p.locator(f'#warnings tr[data-cadre="{cadre}"]', has_text="黄色预警未改善")
    expect_count(row, 1)
    expect_text(p, f'#warnings tr[data-cadre="{cadre}"] .reasons', "仍存在")
    wid = row.get_attribute("data-id")
    row.get_by_role("button", name="确认").click()
    expect_text(p, "#confirm-msg", "仍有 1 项进行中的派遣")
    p.locator("#confirm").get_by_role("button", name="确认并取消派遣").click()
    expect_text(p, "#status", f"预警 #{wid} 已确认")
    assert _get(server, f"/cadres/{cadre}")["status"] == "red"
    assert _get(server, f"/dispatches?cadre={cadre}&status=active")["count"] == 0
    # the refusal the page answered was the server's 409 (Chromium logs the failed request)
    assert [e for e in pg.errors if "status of 409" not in e] == []
    assert pg.banners() == []
