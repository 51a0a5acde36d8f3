"""A dispatcher's day in the Chinese console, on a fresh sample district.

Propose and accept all; add a demand; propose and accept all again; complete a dispatch
(the list keeps its filter); open the confirmation before a cancel and step back; propose a
third time; look at the demands, a cadre's history and the declines, their growth record and
the warnings. One test asserts that no
error banner appeared at any step; the other reads every view of the day at 1280×800 and on a
390-px phone and fails on Latin words outside ids, slugs and units (or on 街区 for a
district), or on a phone layout that scrolls sideways, saving a screenshot of each view at
both sizes. The two read one run of the day (the ``day`` fixture): the steps are the
same, only what each asserts of them differs.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.console.pages import DESKTOP, PHONE, Page, expect_count, expect_text
from tests.console.server import Server
from tests.text import latin_words

NEW_DEMAND = "D9001"
UNFOLD = """() => [...document.querySelectorAll('details')].map((d, i) => {
  const was = d.open; d.open = true; return was ? -1 : i; }).filter((i) => i >= 0)"""
REFOLD = """(ix) => {
  const ds = document.querySelectorAll('details'); for (const i of ix) ds[i].open = false; }"""


def _propose(p: Any, n: int) -> None:
    p.get_by_role("button", name="生成方案").click()
    expect_text(p, "#pinfo", f"方案 #{n}")
    expect_text(p, "#status", f"方案 #{n} 已生成")


def _accept_all(p: Any) -> int:
    """Accept the whole proposal; answers how many pairs were pending."""
    pending = p.locator("#abody .state.pending").count()
    p.get_by_role("button", name="全部接受").click()
    expect_text(p, "#status", f"已接受 {pending} 项" if pending else "没有待定的派遣")
    expect_count(p.locator("#abody .state.pending"), 0)
    return pending


def _explain_first(p: Any) -> None:
    first = p.locator("#abody button.explain-btn").first
    if first.count():
        first.click()
        expect_text(p, "#explain h3", "→")


def run_day(pg: Page, server: Server, look: Callable[[str], None]) -> None:
    p = pg.page
    p.goto(server.base + "/")
    look("signin")
    p.get_by_label("访问令牌").fill(server.dispatcher)
    p.get_by_role("button", name="登录").click()
    p.locator("#map circle.dot").first.wait_for()
    look("overview")

    # round one: propose, accept all
    p.get_by_role("button", name="派遣方案").click()
    expect_text(p, "#pinfo", "还没有方案")
    _propose(p, 1)
    expect_text(p, "#kpi-district", "已派 0 + 本次")
    _explain_first(p)
    look("proposal-1")
    expect_text(p, "#kpi-district dt", "全区进度")
    assert _accept_all(p) > 300
    # decided: the position shown is the one it was proposed on, and says so
    expect_text(p, "#kpi-district dt", "全区进度（生成方案时）")
    look("accepted-1")

    # a new work order arrives
    p.get_by_role("button", name="需求管理").click()
    p.get_by_role("button", name="新增需求").click()
    form = p.locator("#dm-form")
    form.get_by_label("编号").fill(NEW_DEMAND)
    form.get_by_label("事项").fill("楼道堆物清理动员")
    form.get_by_label("需要人数").fill("2")
    form.get_by_label("优先级").select_option("5")
    form.locator("#dm-tag").select_option("party.mass_work")
    form.locator("#dm-level").select_option("2")
    form.get_by_role("button", name="添加技能").click()
    expect_count(form.locator("#dm-needs li"), 1)
    look("demand-form")
    form.get_by_role("button", name="保存需求").click()
    expect_text(p, "#status", f"需求 {NEW_DEMAND} 已新增")
    expect_count(p.locator(f'#demands-admin tr[data-id="{NEW_DEMAND}"]'), 1)
    look("demands")

    # round two: the new demand is offered; accept all again
    p.get_by_role("button", name="派遣方案").click()
    _propose(p, 2)
    offered = p.locator(f'#abody tr[data-k$="|{NEW_DEMAND}"]')
    assert offered.count() >= 1
    _explain_first(p)
    look("proposal-2")
    assert _accept_all(p) >= offered.count()
    look("accepted-2")

    # complete the new demand's first dispatch with hours and a rating; the list keeps its filter
    p.get_by_role("button", name="派遣记录").click()
    row = p.locator("#dispatches tbody tr", has_text=NEW_DEMAND).first
    row.wait_for()
    done_id = row.get_attribute("data-id")
    done_cadre = re.match(r"P\d+", row.locator(".cname").inner_text())
    assert done_cadre is not None
    look("dispatches")
    row.get_by_role("button", name="完成").click()
    dialog = p.locator("#outcome")
    dialog.get_by_label("服务时长（小时）").fill("4")
    dialog.get_by_label("社区评价（可选）").select_option("5")
    dialog.get_by_label("备注（可选）").fill("已完成动员")
    look("complete")
    dialog.get_by_role("button", name="确认完成").click()
    expect_text(p, "#status", f"派遣 #{done_id} 已完成")
    assert p.locator("#dfilter").input_value() == "active"
    expect_count(p.locator(f'#dispatches tr[data-id="{done_id}"]'), 0)

    # a cancel asks first; stepping back changes nothing
    other = p.locator("#dispatches tbody tr").first
    other_id = other.get_attribute("data-id")
    other.get_by_role("button", name="取消派遣").click()
    expect_text(p, "#outcome", f"确定取消派遣 #{other_id}")
    look("confirm-cancel")
    dialog.get_by_role("button", name="返回").click()
    assert not dialog.is_visible()
    expect_text(p, f'#dispatches tr[data-id="{other_id}"]', "进行中")

    # the finished dispatch shows its end time under 全部
    p.locator("#dfilter").select_option("all")
    done = p.locator(f'#dispatches tr[data-id="{done_id}"]')
    expect_text(p, f'#dispatches tr[data-id="{done_id}"]', "已完成")
    ended = done.locator('td[data-label="结束时间"]').inner_text()
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", ended)
    look("dispatches-all")

    # round three: work that is done stays done
    p.get_by_role("button", name="派遣方案").click()
    _propose(p, 3)
    assert p.locator(f'#abody tr[data-k="{done_cadre.group(0)}|{NEW_DEMAND}"]').count() == 0
    p.locator("#declines summary").click()
    look("proposal-3")

    # the cadre whose dispatch was completed: history with its end time
    p.get_by_role("button", name="干部管理").click()
    p.get_by_label("搜索（编号、姓名、社区）").fill(done_cadre.group(0))
    row = p.locator(f'#cadres-admin tr[data-id="{done_cadre.group(0)}"]')
    row.get_by_role("button", name="履历").click()
    expect_text(p, "#cd-panel", "已完成")
    expect_text(p, "#cd-history", NEW_DEMAND)
    look("cadre")

    # their growth record: the completed dispatch counts; then the warnings, evaluated now
    row.get_by_role("button", name="成长档案").click()
    expect_text(p, "#cd-panel-h", "成长档案")
    p.locator("#r-completed").wait_for()
    look("record")
    p.get_by_role("button", name="三色预警").click()
    p.get_by_role("button", name="重新评估").click()
    expect_text(p, "#status", "评估完成")
    look("warnings")


@dataclass
class Day:
    """What one run of the day showed, read by both tests below."""

    steps: list[str] = field(default_factory=list)
    #: a step at which an error banner or a browser error had shown: (step, banners, errors)
    errors_by_step: list[tuple[str, list[str], list[str]]] = field(default_factory=list)
    english: dict[str, list[str]] = field(default_factory=dict)
    cramped: dict[str, list[str]] = field(default_factory=dict)
    error_hidden_at_end: bool = False
    errors_at_end: list[str] = field(default_factory=list)
    failed: BaseException | None = None


@pytest.fixture(scope="module")
def day(browser: Any, history_module_server: Server, shots: Path) -> Iterator[Day]:
    """The day, run once (it takes a minute) for the two tests: at each step it notes any
    error banner or browser error, then reads the view at 1280×800 and on a 390-px phone
    (saving a screenshot of each) before the next step."""
    server = history_module_server
    pg = Page(browser)
    out = Day()
    # data typed by an admin is not the console's words: district ids and names may be Latin
    auth = {"Authorization": f"Bearer {server.dispatcher}"}
    districts = httpx.get(server.base + "/v1/districts", headers=auth).json()["data"]
    allowed = {d["id"] for d in districts}
    allowed |= {w for d in districts for w in re.findall(r"[A-Za-z]+", d["name"])}

    def look(step: str) -> None:
        out.steps.append(step)
        if pg.banners() or pg.errors:
            out.errors_by_step.append((step, pg.banners(), list(pg.errors)))
        p = pg.page
        for size, name in ((DESKTOP, "desktop"), (PHONE, "phone")):
            p.set_viewport_size(size)
            p.wait_for_timeout(50)  # one frame for the layout to follow the media queries
            pg.shot(shots, f"day-{step}-{name}", full=size is PHONE)
            if size is PHONE and (bad := pg.phone_layout_problems()):
                out.cramped[step] = bad
            # what is folded away is read too
            folded = p.evaluate(UNFOLD)
            text = " ".join(pg.visible_text())
            words = latin_words(text, allowed)
            if "街区" in text:  # a district is 区; 街道 is a street
                words.append("街区")
            p.evaluate(REFOLD, folded)
            if words:
                out.english[f"{step}@{name}"] = sorted(set(words))
        p.set_viewport_size(DESKTOP)

    try:
        run_day(pg, server, look)
        out.error_hidden_at_end = pg.page.locator("#error").is_hidden()
    except Exception as exc:  # each test says it, after what it reads of the steps done
        out.failed = exc
    out.errors_at_end = list(pg.errors)
    yield out
    pg.ctx.close()


def test_two_round_day_shows_no_error(day: Day) -> None:
    if day.errors_by_step:
        step, banners, errors = day.errors_by_step[0]
        assert banners == [], f"error banner by step {step}: {banners}"
        assert errors == [], f"browser errors by step {step}: {errors}"
    if day.failed is not None:
        raise day.failed
    assert day.steps[-1] == "warnings"
    assert day.error_hidden_at_end


def test_day_speaks_chinese_at_both_sizes(day: Day) -> None:
    if day.failed is not None:
        raise day.failed
    assert day.cramped == {}, f"phone layout: {day.cramped}"
    assert day.english == {}, f"Latin words in Chinese mode: {day.english}"
    assert day.errors_at_end == []
