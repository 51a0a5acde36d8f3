"""The dispatcher console in headless Chromium: a whole dispatch loop, then role scope.

Screenshots of every view go to ``test-artifacts/console/`` (git-ignored). With
``MATCHER_CONSOLE_DOCS=1`` the overview and the open explanation are also written to
``docs/img/`` (the README's pictures).
"""

from __future__ import annotations

import math
import os
import re
import shutil
from pathlib import Path
from typing import Any

from tests.console.pages import expect_count, expect_text
from tests.console.server import Server
from tests.paths import ROOT
from tests.text import latin_words

DOCS_IMG = ROOT / "docs" / "img"
STATIC = ROOT / "api" / "console" / "static"
FLOOD = ROOT / "data" / "scenarios" / "flood-season.toml"


def _docs(path: Path) -> None:
    if os.environ.get("MATCHER_CONSOLE_DOCS") == "1":
        DOCS_IMG.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, DOCS_IMG / path.name)


def _row(p: Any, cadre: str, demand: str) -> Any:
    return p.locator(f'#abody tr[data-k="{cadre}|{demand}"]')


def test_dispatch_loop(page_factory: Any, server: Server, shots: Path) -> None:
    pg = page_factory()
    p = pg.sign_in(server.base, server.dispatcher)
    expect_text(p, "#role-badge", "调度员")

    # overview: 120 communities placed by coordinates, coloured; a community's numbers on click
    assert p.locator("#map circle.dot").count() == 120
    assert "gulou" in p.locator("#district").inner_text()
    p.get_by_label("技能类别").select_option("emergency")
    hot = p.locator('#map circle.dot:not([fill="#e4eaef"])')
    assert 0 < hot.count() < 120
    hot.first.click()
    info = p.locator("#cinfo")
    assert int(info.locator('dd[data-k="open"]').inner_text()) >= 1
    assert p.locator("#demands-table tbody tr").count() >= 1
    # keyboard: focus another community and press Enter
    p.locator("#map circle.dot").nth(5).focus()
    p.keyboard.press("Enter")
    assert info.locator("h3").inner_text().strip() != ""
    p.get_by_role("button", name="取消选中").click()
    p.get_by_label("技能类别").select_option("all")
    assert p.locator("#cadres-table tbody tr").count() == 40
    p.locator('#map circle.dot[fill="#8f1426"]').first.click()  # the hottest community
    assert int(info.locator('dd[data-k="weighted"]').inner_text()) > 0
    _docs(pg.shot(shots, "overview"))

    # propose: progress, then the assignments table
    p.get_by_role("button", name="派遣方案").click()
    expect_text(p, "#pinfo", "还没有方案")
    p.get_by_role("button", name="生成方案").click()
    assert p.locator("#progress").is_visible()
    expect_text(p, "#pinfo", "方案 #1")
    assert not p.locator("#progress").is_visible()
    assert p.locator("#abody tr").count() == 364
    assert p.locator("#kpis").inner_text().count("364/416") == 1
    expect_text(p, "#kpi-district", "已派 0 + 本次 364 = 364/总 416")

    # sort by demand, filter, then clear
    p.get_by_role("button", name="按需求排序").click()
    first = p.locator("#abody tr").first.get_attribute("data-k")
    assert first is not None and first.endswith("|D0002")
    p.get_by_label("筛选（编号、事项、社区、姓名）").fill("江苏路")
    assert 1 <= p.locator("#abody tr").count() < 364
    p.get_by_label("筛选（编号、事项、社区、姓名）").fill("")

    # explanation: score breakdown bars and ranked alternates
    _row(p, "P0687", "D0002").get_by_role("button", name="D0002").press("Enter")  # keyboard
    ex = p.locator("#explain")
    expect_text(p, "#explain h3", "P0687")
    assert ex.locator(".bars li").count() == 4
    assert ex.locator(".bar.pos").count() >= 2
    alternates = [
        re.match(r"P\d+", t).group(0)  # type: ignore[union-attr]
        for t in ex.locator(".alts li .cname").all_inner_texts()
    ]
    assert alternates[:1] == ["P0184"]
    # an alternate's loss is what the plan would give up: a positive number, no minus
    assert re.search(r"损失 \d", ex.locator(".alts li").first.inner_text())
    _docs(pg.shot(shots, "proposal"))
    unlabelled = p.evaluate(
        """[...document.querySelectorAll('input, select, button')].filter(
             (e) => !(e.labels?.length || e.getAttribute('aria-label') || e.textContent.trim())
           ).length"""
    )
    assert unlabelled == 0

    # accept two assignments
    rows = p.locator("#abody tr")
    keys = [rows.nth(i).get_attribute("data-k") for i in (1, 2)]
    for k in keys:
        p.locator(f'#abody input.pick[data-k="{k}"]').check()
    p.get_by_role("button", name="接受所选").click()
    expect_text(p, "#status", "已接受 2 项")
    for k in keys:
        assert "已接受" in p.locator(f'#abody tr[data-k="{k}"]').inner_text()

    # reject one with a reason
    _row(p, "P0687", "D0002").locator("input.pick").check()
    p.get_by_label("拒绝原因").fill("本人休假")
    p.get_by_role("button", name="拒绝所选").click()
    expect_text(p, "#status", "已拒绝 1 项")
    assert "已拒绝" in _row(p, "P0687", "D0002").inner_text()
    pg.shot(shots, "decided")

    # re-propose: the declined pair is gone, an alternate is offered for its demand
    p.get_by_role("button", name="生成方案").click()
    expect_text(p, "#pinfo", "方案 #2")
    assert _row(p, "P0687", "D0002").count() == 0
    offered = p.locator('#abody tr[data-k$="|D0002"]')
    assert offered.count() == 1
    assert "P0687 已被拒绝" in offered.inner_text()
    cadre = (offered.get_attribute("data-k") or "").split("|")[0]
    assert cadre in alternates
    for k in keys:  # accepted pairs hold their demand's headcount now
        assert p.locator(f'#abody tr[data-k="{k}"]').count() == 0
    pg.shot(shots, "reproposed")

    # dispatches: two active; complete one, the list still shows the active ones
    p.get_by_role("button", name="派遣记录").click()
    table = p.locator("#dispatches tbody tr")
    expect_count(table, 2)
    table.first.get_by_role("button", name="完成").click()
    dialog = p.locator("#outcome")
    dialog.get_by_label("服务时长（小时）").fill("3.5")
    dialog.get_by_label("备注（可选）").fill("已完成走访")
    dialog.get_by_role("button", name="确认完成").click()
    expect_text(p, "#status", "已完成")
    expect_count(table, 1)
    assert p.locator("#dfilter").input_value() == "active"
    p.locator("#dfilter").select_option("completed")
    done = p.locator("#dispatches tbody tr", has_text="已完成走访")
    expect_count(done, 1)
    assert "已完成" in done.inner_text()
    assert "3.5 小时" in done.locator('td[data-label="结果"]').inner_text()
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", done.locator("td.when").nth(1).inner_text())
    pg.shot(shots, "dispatches")

    # cancelling asks first, with a reason; confirmed, the dispatch leaves the active list
    p.locator("#dfilter").select_option("active")
    expect_count(table, 1)
    table.first.get_by_role("button", name="取消派遣").click()
    expect_text(p, "#outcome", "确定取消派遣")
    pg.shot(shots, "confirm-cancel")
    # the reason that withdraws the demand says so before it is chosen
    withdrew = dialog.locator('#oc-reason option[value="community_withdrew"]')
    assert withdrew.inner_text() == "社区撤回需求（该需求随之关闭）"
    warn = dialog.locator("#oc-withdrew")
    assert not warn.is_visible()
    dialog.get_by_label("取消原因").select_option("community_withdrew")
    # chosen, it says the demand closes and its other active dispatches are cancelled
    expect_text(p, "#oc-withdrew", "将随之关闭，它其余进行中的派遣也将一并取消")
    assert warn.is_visible()
    pg.shot(shots, "confirm-withdrew")
    dialog.get_by_role("button", name="确定取消派遣").click()
    expect_text(p, "#status", "已取消")
    expect_text(p, "#view-dispatches", "没有派遣记录")
    p.locator("#dfilter").select_option("cancelled")
    expect_count(table, 1)
    assert "已取消" in table.first.inner_text()
    assert "社区撤回需求" in table.first.inner_text()

    # English toggle, kept across views
    assert "已取消" in p.locator("#status").inner_text()
    p.get_by_role("button", name="Switch to English").click()
    assert p.locator("html").get_attribute("lang") == "en"
    # the status line is said again in English, not left in Chinese
    said = p.locator("#status").inner_text()
    assert said and not re.search(r"[\u4e00-\u9fff]", said), said
    expect_text(p, "#di-h", "Dispatches")
    p.get_by_role("button", name="Proposal").click()
    expect_text(p, "#pr-h", "Proposal")
    assert p.get_by_role("button", name="Accept selected").count() == 1
    pg.shot(shots, "proposal-en")
    assert pg.errors == []


# dots as (x, y, r) and street names as boxes, in the SVG's own units
MAP_SHAPES = """() => ({
  dots: [...document.querySelectorAll('#map circle.dot')].map((c) =>
    [c.dataset.c, +c.getAttribute('cx'), +c.getAttribute('cy'), +c.getAttribute('r')]),
  names: [...document.querySelectorAll('#map text.street-name')].map((t) => {
    const b = t.getBBox(); return [t.textContent, b.x, b.y, b.width, b.height]; }),
})"""


def _overlaps(shapes: dict[str, list[list[Any]]]) -> list[str]:
    bad = []
    dots = shapes["dots"]
    for i, (a, ax, ay, ar) in enumerate(dots):
        for b, bx, by, br in dots[i + 1 :]:
            if math.hypot(ax - bx, ay - by) < ar + br:
                bad.append(f"{a} and {b}")
        for name, x, y, w, h in shapes["names"]:
            cx, cy = min(max(ax, x), x + w), min(max(ay, y), y + h)
            if math.hypot(ax - cx, ay - cy) < ar:
                bad.append(f"{a} under {name}")
    return bad


def test_map_keeps_communities_apart(page_factory: Any, server: Server) -> None:
    pg = page_factory()
    p = pg.sign_in(server.base, server.planner)
    first = p.evaluate(MAP_SHAPES)
    assert len(first["dots"]) == 120
    assert len(first["names"]) == 13  # the sample's streets, each outlined and named
    assert {n for n, *_ in first["names"]} >= {"宁海路街道", "湖南路街道", "挹江门街道"}
    assert p.locator("#map path.street").count() == 13
    for cat in ["all", *p.locator("#cat option").evaluate_all("(os) => os.map((o) => o.value)")]:
        p.get_by_label("技能类别").select_option(cat)
        assert _overlaps(p.evaluate(MAP_SHAPES)) == [], cat
    # the same data draws the same picture
    p.get_by_role("button", name="派遣记录").click()
    p.get_by_role("button", name="需求热力图").click()
    p.get_by_label("技能类别").select_option("all")
    assert p.evaluate(MAP_SHAPES) == first
    assert pg.errors == []


def test_scope_in_the_page(page_factory: Any, server: Server, shots: Path) -> None:
    # a refused token is said in the page's language, and nothing else shows
    pg = page_factory()
    p = pg.page
    p.goto(server.base + "/")
    p.get_by_label("访问令牌").fill("mt_not_a_token")
    p.get_by_role("button", name="登录").click()
    expect_text(p, "#error", "401")
    assert latin_words(p.locator("#error").inner_text()) == []
    assert p.locator("#tabs").is_hidden() and p.locator("#signin").is_visible()

    # analyst: masked names everywhere, no propose, no accept
    pg = page_factory()
    p = pg.sign_in(server.base, server.analyst)
    expect_text(p, "#role-badge", "分析员")
    names = set(p.locator("#cadres-table .cname").all_inner_texts())
    assert names == {"***"}
    p.get_by_role("button", name="派遣记录").click()
    p.get_by_role("button", name="派遣方案").click()
    expect_text(p, "#view-proposal .head", "当前角色只能查看方案")
    assert p.locator("#propose").count() == 0
    assert p.locator("#accept-sel, #reject-sel, input.pick").count() == 0
    assert p.locator("#tabs [data-view=whatif]").is_hidden()
    if p.locator("#abody tr").count():
        assert all(t.endswith("***") for t in p.locator("#abody td.cname").all_inner_texts())
    pg.shot(shots, "analyst")
    assert pg.errors == []

    # planner, on a phone: may propose, has no accept button; what-if is theirs
    pg = page_factory(390, 844)
    p = pg.sign_in(server.base, server.planner)
    expect_text(p, "#role-badge", "规划员")
    assert p.evaluate("document.documentElement.scrollWidth") <= 390
    pg.shot(shots, "phone-overview")
    p.get_by_role("button", name="派遣方案").click()
    expect_count(p.get_by_role("button", name="生成方案"), 1)
    assert p.locator("#accept-sel, #accept-all, #reject-sel, input.pick").count() == 0
    assert p.evaluate("document.documentElement.scrollWidth") <= 390
    pg.shot(shots, "phone-proposal")
    p.get_by_role("button", name="推演").click()
    whatif = p.locator("#view-whatif")
    whatif.locator("h2").wait_for()
    if p.locator("#wi-na").count():
        assert "此服务器不支持推演" in whatif.inner_text()
    else:  # a scenario file from data/scenarios, read in the browser, run on the server
        p.get_by_label("场景文件（TOML）").set_input_files(str(FLOOD))
        p.get_by_role("button", name="运行推演").click()
        expect_text(p, "#wi-kpis", "填补率")
        expect_text(p, "#status", "flood season")
        assert "应急与安全" in p.locator("#wi-kpis").inner_text()
        # shares read as percentages, their change in percentage points
        fill = p.locator("#wi-kpis tbody tr", has_text="填补率").first.locator("td")
        assert all(c.endswith("%") for c in fill.all_inner_texts()[:2])
        assert fill.nth(2).inner_text().endswith("个百分点")
        assert p.locator("#wi-out .churn li").count() >= 1
    pg.shot(shots, "phone-whatif", full=True)
    assert pg.errors == []


def test_a_planners_draft_is_marked_and_leaves_the_dispatchers_proposal(
    page_factory: Any, fresh_server: Server, shots: Path
) -> None:
    """A planner's proposal is a draft (草案): marked, with no accept or reject, and the
    dispatcher's own pending proposal stays in front of them and is accepted."""
    s = fresh_server
    d = page_factory().sign_in(s.base, s.dispatcher)
    d.get_by_role("button", name="派遣方案").click()
    d.get_by_role("button", name="生成方案").click()
    expect_text(d, "#status", "方案 #1 已生成")
    pg = page_factory()
    p = pg.sign_in(s.base, s.planner)
    p.get_by_role("button", name="派遣方案").click()
    expect_text(p, "#pinfo", "方案 #1")
    p.get_by_role("button", name="生成方案").click()
    expect_text(p, "#status", "方案 #2 已生成")
    expect_text(p, "#pinfo .state.draft", "草案")
    expect_text(p, "#pnote", "规划员的草案")
    assert p.locator("#abody .state.draft").count() > 0
    assert p.locator("#abody .state.pending").count() == 0
    assert p.locator("#accept-sel, #accept-all, #reject-sel, input.pick").count() == 0
    pg.shot(shots, "planner-draft")
    p.get_by_role("button", name="Switch to English").click()
    expect_text(p, "#pinfo .state.draft", "draft")
    expect_text(p, "#pnote", "planner's draft")
    assert pg.errors == []
    # the dispatcher's newest is still their own, pending, and accepted whole
    dp = page_factory()
    d = dp.sign_in(s.base, s.dispatcher)
    d.get_by_role("button", name="派遣方案").click()
    expect_text(d, "#pinfo", "方案 #1")
    expect_text(d, "#pinfo .state.pending", "待决定")
    pending = d.locator("#abody .state.pending").count()
    assert pending > 0
    d.get_by_role("button", name="全部接受").click()
    expect_text(d, "#status", f"已接受 {pending} 项")
    # everything fillable is dispatched: the next proposal assigns nobody, and its mean
    # skill fit, which it has not, is "—" (was 0, as if every pair fitted nothing)
    kpis = d.locator("#kpis")
    assert re.search(r"平均技能匹配\s*\d", kpis.inner_text())
    d.get_by_role("button", name="生成方案").click()
    expect_text(d, "#status", "方案 #3 已生成")
    expect_text(d, "#kpis", "0/")
    assert re.search(r"平均技能匹配\s*—", kpis.inner_text()), kpis.inner_text()
    assert re.search(r"平均路程\s*—\s*使用干部", kpis.inner_text()), kpis.inner_text()  # was 0 公里
    assert dp.errors == []


def test_console_is_served_without_token(server: Server) -> None:
    import httpx

    r = httpx.get(server.base + "/")
    assert r.status_code == 200 and "text/html" in r.headers["content-type"]
    assert '<script type="module" src="/console/console.js">' in r.text
    assert (
        httpx.get(server.base + "/console/nope.js")
        .headers["content-type"]
        .startswith("application/problem+json")
    )
    # the entry module and every module it imports, transitively, are served
    seen: dict[str, str] = {}
    todo = ["console.js"]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        got = httpx.get(f"{server.base}/console/{name}")
        assert got.status_code == 200, name
        assert "javascript" in got.headers["content-type"], name
        seen[name] = got.text
        todo += re.findall(r"""^import .* from '\./([\w-]+\.js)';$""", got.text, re.M)
    assert set(seen) == {p.name for p in STATIC.glob("*.js")}  # no module left unused
    # everything the page shows comes from /v1 (and /openapi.json: which routes exist);
    # the API client alone calls fetch
    js = "\n".join(seen.values())
    assert sorted(re.findall(r"fetch\(([^,)]*)", js)) == ["'/openapi.json'", "path"]
    assert re.findall(r"fetch\(", seen["api.js"]) == ["fetch(", "fetch("]
    literal = re.findall(r"\bapi\(['`](/[^'`]*)", js)
    assert literal and all(u.startswith("/v1/") for u in literal)


#: a problem said in the banner, read in both languages from the page's own modules
BANNER = """async ([call, problem]) => {
  const { S } = await import('/console/core.js');
  const { api, ApiError } = await import('/console/api.js');
  const { loadMessages, problemText } = await import('/console/i18n.js');
  let err = problem ? new ApiError(problem.status, problem) : null;
  if (!err) {
    const idem = 'banner-' + Math.random();
    try { await api(call.path, { method: call.method, body: call.body, idem }); }
    catch (e) { err = e; }
  }
  const out = {};
  for (const lang of ['zh', 'en']) {
    await loadMessages(lang);
    S.lang = lang;
    out[lang] = problemText(err);
  }
  S.lang = 'zh';
  return out;
}"""


def test_the_banner_names_fields_in_words_and_says_a_change_once(
    page_factory: Any, server: Server
) -> None:
    """A 422 names the field it refuses as the page does (暂不可派至, 推演调整 1 · 编号), not
    by the API's pointer (/body/until); a what-if's unknown id is told the valid ones in
    Chinese too; a 409 whose pairs carry the same change says it once, with 方案 as the
    console calls a proposal. Nothing here writes (every call is refused)."""
    pg = page_factory()
    p = pg.sign_in(server.base, server.admin)
    d = "/v1/districts/gulou"
    past = {
        "path": f"{d}/cadres/P0001/unavailable",
        "method": "PUT",
        "body": {"until": "2020-01-01", "reason": "x"},
    }
    said = p.evaluate(BANNER, [past, None])
    assert said["zh"] == "出错了（422）：输入有误 · 暂不可派至：日期已过", said["zh"]
    assert "unavailable until: date in the past" in said["en"], said["en"]
    assert "/body" not in said["zh"] + said["en"]

    scene = {"name": "x", "edits": [{"kind": "remove_cadres", "ids": ["P0799x", "ZZZZ"]}]}
    said = p.evaluate(BANNER, [{"path": f"{d}/scenarios", "method": "POST", "body": scene}, None])
    assert "推演调整 1 · 编号：" in said["zh"] and "/body" not in said["zh"], said["zh"]
    assert "是否想写" in said["zh"] and "有效的编号：" in said["zh"], said["zh"]
    # the ids typed are named as typed (ZZZZ is the user's, not an English word)
    assert "P0799x" in said["zh"] and "ZZZZ" in said["zh"], said["zh"]
    assert [w for w in latin_words(said["zh"]) if w != "ZZZZ"] == [], said["zh"]
    assert "edit 1 · ids: " in said["en"] and "valid ids: " in said["en"], said["en"]

    # a hint the server could not code is English: left out of the Chinese banner
    odd = {
        "status": 422,
        "code": "input.invalid",
        "detail": "invalid input",
        "errors": [
            {
                "pointer": "/body/edits/0/odd_key",
                "code": "problem.invalid",
                "params": {},
                "message": "bad",
                "hint": "try something else",
            }
        ],
    }
    said = p.evaluate(BANNER, [None, odd])
    assert "try something else" not in said["zh"] and "odd_key" in said["zh"], said["zh"]
    assert "try something else" in said["en"], said["en"]

    superseded = {
        "status": 409,
        "code": "conflict.superseded",
        "detail": "superseded",
        "changes": [
            {"kind": "superseded", "proposal": 9, "cadre": "P1", "demand": "D1"},
            {"kind": "superseded", "proposal": 9, "cadre": "P2", "demand": "D2"},
        ],
    }
    said = p.evaluate(BANNER, [None, superseded])
    assert (
        said["zh"]
        == "出错了（409）：本方案已被新方案取代，请在最新的方案中接受 · 方案 9 已被新方案取代"
    ), said["zh"]
    assert said["en"].count("proposal 9 was superseded") == 1, said["en"]
    assert "派遣建议" not in said["zh"]
    assert [e for e in pg.errors if "status of 422" not in e] == []


def test_the_console_names_every_solver_the_cli_names() -> None:
    """Each solver a proposal can name (the catalogue's cli.solver.*, the CLI's summary line)
    has a word in the console, in both languages, and Chinese says the same as the CLI:
    none is shown as the JSON's English id (lp-streamed, a large district's, was)."""
    from matcher.messages import CATALOGUE

    named = {  # a code's parts have "_" for the JSON's "-" (lp_streamed: lp-streamed)
        c.removeprefix("cli.solver.").replace("_", "-"): t
        for c, t in CATALOGUE.items()
        if c.startswith("cli.solver.")
    }
    assert set(named) == {"empty", "lsa", "lp", "lp-streamed", "milp"}
    js = (STATIC / "i18n.js").read_text(encoding="utf-8")
    zh, en = re.findall(r"^    solver: \{(.*)\},$", js, re.M)
    for words, lang in ((zh, "zh"), (en, "en")):
        said = dict(re.findall(r"'?([\w-]+)'?: '([^']*)'", words))
        assert set(said) == set(named), lang
        if lang == "zh":
            assert said == {k: t["zh"] for k, t in named.items()}
