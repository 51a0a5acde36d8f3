"""The day/week view (日程) on the sample week: one bar per dated order of the week (and of a
day, when a day is picked), coloured by how far it is staffed; a bar opens its order and the
cadres dispatched to it; a cadre's week shows their dispatch over their free windows and
away days; in Chinese, then in English. The expected orders come from the case file, read
here with the csv module."""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import shutil
from pathlib import Path
from typing import Any

import httpx

from tests.console.pages import expect_count, expect_text
from tests.console.server import Server
from tests.console.weekdata import MONDAY
from tests.paths import ROOT
from tests.text import latin_words


def _touching(first: dt.datetime, last: dt.datetime) -> list[str]:
    """The sample week's dated orders whose window overlaps [first, last)."""
    with (ROOT / "data" / "sample-week" / "demands.csv").open(encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f) if r["start"]]
    out = []
    for r in rows:
        start = dt.datetime.fromisoformat(r["start"])
        end = (
            dt.datetime.fromisoformat(r["end"])
            if r["end"]
            else start + dt.timedelta(hours=float(r["hours"]))
        )
        if start < last and end > first:
            out.append(r["id"])
    return out


def _bars(p: Any) -> list[str]:
    bars = p.locator("#week-svg rect.wk-bar")
    return list(bars.evaluate_all("els => els.map(e => e.dataset.id)"))


def test_week_view(page_factory: Any, week_server: Server, shots: Path) -> None:
    auth = {"Authorization": f"Bearer {week_server.dispatcher}"}
    active = httpx.get(
        week_server.base + "/v1/districts/gulou/dispatches",
        params={"status": "active"},
        headers=auth,
    ).json()["data"]
    assert active
    cadre, demand = active[0]["cadre"], active[0]["demand"]
    monday = dt.datetime.combine(MONDAY, dt.time())
    week = _touching(monday, monday + dt.timedelta(days=7))
    assert len(week) == 420

    pg = page_factory()
    p = pg.sign_in(week_server.base, week_server.dispatcher)
    p.get_by_role("button", name="日程").click()
    p.locator("#wk-date").fill(MONDAY.isoformat())
    expect_text(p, "#wk-line", "12-07 至 12-13（本区时间 Asia/Shanghai）：定时工单 420 项")
    expect_count(p.locator("#week-svg rect.wk-bar"), len(week))
    assert sorted(_bars(p)) == sorted(week)
    dispatched = {d["demand"] for d in active}
    states = dict(
        p.locator("#week-svg rect.wk-bar").evaluate_all(
            "els => els.map(e => [e.dataset.id, e.dataset.state])"
        )
    )
    assert {states[d] for d in dispatched} <= {"filled", "partly"}
    assert {s for d, s in states.items() if d not in dispatched} == {"open"}
    pg.shot(shots, "week")

    # a day: the orders touching Tuesday
    p.get_by_role("button", name="周二 12-08").click()
    tuesday = monday + dt.timedelta(days=1)
    expect_text(p, "#wk-line", "12-08（本区时间 Asia/Shanghai）")
    on_tuesday = _touching(tuesday, tuesday + dt.timedelta(days=1))
    expect_count(p.locator("#week-svg rect.wk-bar"), len(on_tuesday))
    pg.shot(shots, "week-day")
    p.get_by_role("button", name="整周").click()
    expect_count(p.locator("#week-svg rect.wk-bar"), len(week))

    # the dispatched order, then its cadre's week
    p.locator(f'#week-svg rect.wk-bar[data-id="{demand}"]').click()
    expect_text(p, "#wk-order-h", demand)
    p.locator(f'#wk-people button[data-cadre="{cadre}"]').click()
    expect_text(p, "#wk-cadre-h", f"{cadre} ")
    expect_text(p, "#wk-cadre-h", "的一周")
    assert p.locator(f'#cadre-week-svg rect.entry[data-demand="{demand}"]').count() >= 1
    expect_count(p.locator("#cadre-week-svg text", has_text="周日 12-13"), 1)
    expect_text(p, "#wk-cadre", "2026年第50周：定时工单")  # the ISO week in words
    cal = httpx.get(
        week_server.base + f"/v1/districts/gulou/cadres/{cadre}/calendar",
        params={"from": "2026-12-07", "to": "2026-12-13"},
        headers=auth,
    ).json()
    away = [d["day"] for d in cal["days"] if d["away"]]
    expect_count(p.locator("#cadre-week-svg rect.away"), len(away))
    free = sum(len(d["free"]) for d in cal["days"] if not d["away"])
    expect_count(p.locator("#cadre-week-svg rect.free"), free)
    p.locator("#wk-cadre").scroll_into_view_if_needed()
    shot = pg.shot(shots, "week-cadre", full=True)
    if os.environ.get("MATCHER_CONSOLE_DOCS") == "1":  # the picture docs/console.md shows
        shutil.copyfile(shot, ROOT / "docs" / "img" / "console-week.png")
    text = " ".join(pg.visible_text())
    assert latin_words(text, {"gulou"}) == [], latin_words(text, {"gulou"})
    assert pg.banners() == [] and pg.errors == []

    # English: the same bars and the cadre's week, in English words
    p.get_by_role("button", name="Switch to English").click()
    expect_text(p, "#wk-h", "Dated work orders")
    expect_text(p, "#wk-line", "12-07 – 12-13 (district time, Asia/Shanghai): 420 dated orders")
    expect_count(p.locator("#week-svg rect.wk-bar"), len(week))
    expect_text(p, "#wk-cadre-h", f"{cadre} ")
    expect_text(p, "#wk-cadre-h", "the week")
    expect_count(p.locator("#cadre-week-svg text", has_text="Sun 12-13"), 1)
    expect_text(p, "#wk-cadre", "Week 50 of 2026: ")
    pg.shot(shots, "week-en")


def test_an_unknown_cadre_is_said_in_the_banner(page_factory: Any, week_server: Server) -> None:
    pg = page_factory()
    p = pg.sign_in(week_server.base, week_server.planner)
    p.get_by_role("button", name="日程").click()
    p.locator("#wk-cadre-id").fill("P9999")
    p.get_by_role("button", name="查看").click()
    expect_text(p, "#error", "P9999")
    expect_count(p.locator("#week-svg rect.wk-bar"), 420)


def test_a_corrected_day_clears_the_banner(page_factory: Any, week_server: Server) -> None:
    """A bad day is said in the banner; emptying the field or typing a good day clears it,
    and so does opening another view, which clears the status line too."""
    from playwright.sync_api import expect

    pg = page_factory()
    p = pg.sign_in(week_server.base, week_server.planner)
    expect_text(p, "#status", "已加载")
    p.get_by_role("button", name="日程").click()
    expect_text(p, "#wk-line", "定时工单")
    expect(p.locator("#status")).not_to_contain_text("已加载")  # the overview's line
    day = p.locator("#wk-date")
    day.fill("abc")
    day.press("Enter")
    expect_text(p, "#error", "abc")
    day.fill("")
    day.press("Enter")
    expect(p.locator("#error")).to_be_hidden()
    day.fill("abc")
    day.press("Enter")
    expect_text(p, "#error", "abc")
    day.fill("2026-12-08")
    day.press("Enter")
    expect(p.locator("#error")).to_be_hidden()
    expect_text(p, "#wk-line", "12-07 至 12-13")
    day.fill("abc")
    day.press("Enter")
    expect_text(p, "#error", "abc")
    p.get_by_role("button", name="派遣方案").click()
    expect(p.locator("#error")).to_be_hidden()
    assert pg.errors == []


def test_ongoing_work_that_fills_a_cadre_is_busy_all_week(
    page_factory: Any, full_server: Server, shots: Path
) -> None:
    """Ongoing work holds a place all the time: a cadre of capacity 1 on ongoing work has no
    free window in their week, whatever their weekly pattern says; the console draws what
    the calendar says (its held days), counting nothing itself."""
    auth = {"Authorization": f"Bearer {full_server.dispatcher}"}
    active = httpx.get(
        full_server.base + "/v1/districts/gulou/dispatches",
        params={"status": "active"},
        headers=auth,
    ).json()["data"]
    assert len({d["cadre"] for d in active}) == 1
    cadre = active[0]["cadre"]
    cal = httpx.get(
        full_server.base + f"/v1/districts/gulou/cadres/{cadre}/calendar",
        params={"from": "2026-12-07", "to": "2026-12-13"},
        headers=auth,
    ).json()
    assert cal["capacity"] == 1 and [e["ongoing"] for e in cal["entries"]] == [True]
    # the server says it: no free window, each day held, the range fully held
    assert cal["fully_held"] and cal["ongoing"] == 1
    assert all(d["held"] and d["free"] == [] for d in cal["days"])
    at_home = [d["day"] for d in cal["days"] if not d["away"]]

    pg = page_factory()
    p = pg.sign_in(full_server.base, full_server.dispatcher)
    p.get_by_role("button", name="日程").click()
    p.locator("#wk-date").fill(MONDAY.isoformat())
    expect_text(p, "#wk-line", "12-07 至 12-13")
    p.locator("#wk-cadre-id").fill(cadre)
    p.get_by_role("button", name="查看").click()
    expect_text(p, "#wk-cadre-h", f"{cadre} ")
    expect_count(p.locator("#cadre-week-svg rect.busy"), len(at_home))
    expect_count(p.locator("#cadre-week-svg rect.free"), 0)
    expect_text(p, "#wk-full", "占满全部 1 个名额")
    p.locator("#wk-cadre").scroll_into_view_if_needed()
    pg.shot(shots, "week-cadre-full", full=True)
    p.get_by_role("button", name="Switch to English").click()
    expect_text(p, "#wk-full", "holds all 1 of their places")
    # the console draws the server's answer, counting nothing itself: a calendar that says
    # one day is not held (free 18:00–20:00) shows that day free, and no notice
    told = {**cal, "fully_held": False, "days": [dict(d) for d in cal["days"]]}
    told["days"][_first_at_home(cal)] |= {"held": False, "free": [["18:00", "20:00"]]}
    p.route(
        "**/cadres/*/calendar*",
        lambda r: r.fulfill(status=200, content_type="application/json", body=json.dumps(told)),
    )
    p.get_by_role("button", name="Show").click()
    expect_count(p.locator("#cadre-week-svg rect.free"), 1)
    expect_count(p.locator("#cadre-week-svg rect.busy"), len(at_home) - 1)
    expect_count(p.locator("#wk-full"), 0)
    p.unroute("**/cadres/*/calendar*")
    # marked unavailable (暂不可派) until a day: those days are drawn as such, with a note
    told = {**cal, "unavailable_until": "2026-12-08", "days": [dict(d) for d in cal["days"]]}
    k = _first_at_home(cal)
    told["days"][k] |= {"unavailable": True, "held": False, "free": []}
    p.route(
        "**/cadres/*/calendar*",
        lambda r: r.fulfill(status=200, content_type="application/json", body=json.dumps(told)),
    )
    p.get_by_role("button", name="Show").click()
    expect_count(p.locator("#cadre-week-svg rect.leave"), 1)
    expect_text(p, "#wk-leave", "Marked unavailable until 2026-12-08")
    p.get_by_role("button", name="切换到中文").click()
    expect_text(p, "#wk-leave", "已标记为暂不可派，至 2026-12-08（含）")
    p.unroute("**/cadres/*/calendar*")
    assert pg.banners() == [] and pg.errors == []


def _first_at_home(cal: dict[str, Any]) -> int:
    """The first day of ``cal`` the cadre is not away."""
    return next(k for k, d in enumerate(cal["days"]) if not d["away"])


def test_a_phones_week_keeps_the_community_names_in_sight(
    page_factory: Any, week_server: Server, shots: Path
) -> None:
    """At 390×844 the week's timeline scrolls sideways under a column of community names that
    stays put: scrolled to its end, the first name is still on the screen, on top, level with
    its row's bars; names and day heads are drawn at 11 px or more."""
    pg = page_factory(390, 844)
    p = pg.sign_in(week_server.base, week_server.dispatcher)
    p.get_by_role("button", name="日程").click()
    p.locator("#wk-date").fill(MONDAY.isoformat())
    expect_text(p, "#wk-line", "12-07 至 12-13")
    expect_count(p.locator("#week-svg rect.wk-bar"), 420)
    box = p.locator("#wk-scroll")
    box.scroll_into_view_if_needed()
    width, client = box.evaluate("b => [b.scrollWidth, b.clientWidth]")
    assert width > client, (width, client)  # the timeline is wider than the screen
    assert p.evaluate("document.documentElement.scrollWidth") <= 390  # not the page
    box.evaluate("b => { b.scrollLeft = b.scrollWidth; }")
    assert box.evaluate("b => b.scrollLeft") > 0
    label = p.locator("#wk-names text.wk-name").first
    r = label.bounding_box()
    assert r is not None and r["x"] >= 0 and r["x"] + r["width"] <= 390, r
    on_top = p.evaluate(
        "([x, y]) => Boolean(document.elementFromPoint(x, y)?.closest('#wk-names'))",
        [r["x"] + r["width"] / 2, r["y"] + r["height"] / 2],
    )
    assert on_top
    bar = p.locator('#week-svg rect.wk-bar[y="36"]').first.bounding_box()
    assert bar is not None and abs(bar["y"] - r["y"]) < 15, (bar, r)
    drawn = "e => e.getScreenCTM().a * parseFloat(getComputedStyle(e).fontSize)"
    assert label.evaluate(drawn) >= 11
    assert p.locator("#week-svg text", has_text="周一").first.evaluate(drawn) >= 11
    pg.shot(shots, "week-phone")
    assert pg.banners() == [] and pg.errors == []
