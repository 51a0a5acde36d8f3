"""The pool in the console: close, reopen and add demands; withdraw cadres (refused while they
hold active dispatches, with the server's message shown); mark one unavailable, from the
cadres view and from a reject; a cadre's history and the declines so far."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import httpx

from tests.console.pages import expect_count, expect_text
from tests.console.server import Server
from tests.text import latin_words


def _unexpected(errors: list[str]) -> list[str]:
    """Browser errors but the one 409 the test provoked (Chromium logs every failed request)."""
    conflicts = [e for e in errors if "status of 409" in e]
    assert len(conflicts) == 1, errors
    return [e for e in errors if e not in conflicts]


def _demand_row(p: Any, did: str) -> Any:
    return p.locator(f'#demands-admin tr[data-id="{did}"]')


def _cadre_row(p: Any, cid: str) -> Any:
    return p.locator(f'#cadres-admin tr[data-id="{cid}"]')


def _find_cadre(p: Any, cid: str) -> Any:
    p.get_by_label("搜索（编号、姓名、社区）").fill(cid)
    expect_count(_cadre_row(p, cid), 1)
    return _cadre_row(p, cid)


def test_demands_close_reopen_and_add(page_factory: Any, fresh_server: Server, shots: Path) -> None:
    pg = page_factory()
    p = pg.sign_in(fresh_server.base, fresh_server.dispatcher)
    p.get_by_role("button", name="需求管理").click()
    expect_text(p, "#dm-count", "显示 200 / 300")

    # done: asks first; it leaves the open list (the filter stays), shows under 全部 with reopen
    _demand_row(p, "D0001").get_by_role("button", name="结项").click()
    expect_text(p, "#confirm-msg", "确定结项需求 D0001")
    p.locator("#confirm").get_by_role("button", name="确定结项").click()
    expect_text(p, "#status", "需求 D0001 已结项")
    expect_count(_demand_row(p, "D0001"), 0)
    assert p.locator("#dm-filter").input_value() == "open"
    p.locator("#dm-filter").select_option("done")
    expect_text(p, '#demands-admin tr[data-id="D0001"]', "已完成")

    # cancelled: asks first; stepping back keeps it open
    p.locator("#dm-filter").select_option("open")
    _demand_row(p, "D0005").get_by_role("button", name="撤销").click()
    expect_text(p, "#confirm-msg", "确定撤销需求 D0005")
    p.locator("#confirm").get_by_role("button", name="返回").click()
    expect_text(p, '#demands-admin tr[data-id="D0005"]', "待派")
    _demand_row(p, "D0005").get_by_role("button", name="撤销").click()
    p.locator("#confirm").get_by_role("button", name="确定撤销").click()
    expect_text(p, "#status", "需求 D0005 已撤销")
    p.locator("#dm-filter").select_option("all")
    p.get_by_label("搜索（编号、事项、社区）").fill("D0005")
    expect_text(p, '#demands-admin tr[data-id="D0005"]', "已取消")
    _demand_row(p, "D0005").get_by_role("button", name="重新开放").click()
    expect_text(p, "#status", "需求 D0005 已重新开放")
    expect_text(p, '#demands-admin tr[data-id="D0005"]', "待派")

    # a recurring demand with a required skill and a certificate
    p.get_by_role("button", name="新增需求").click()
    form = p.locator("#dm-form")
    form.get_by_label("编号").fill("D9100")
    form.get_by_label("事项").fill("社区食堂助餐值守")
    form.get_by_label("长期需求（完成的派遣释放名额）").check()
    form.locator("#dm-tag").select_option("livelihood.social_assistance")
    form.locator("#dm-req").check()
    form.get_by_role("button", name="添加技能").click()
    form.get_by_label("社会工作者职业资格").check()
    pg.shot(shots, "demand-form")
    form.get_by_role("button", name="保存需求").click()
    expect_text(p, "#status", "需求 D9100 已新增")
    row = _demand_row(p, "D9100")
    expect_text(p, '#demands-admin tr[data-id="D9100"]', "长期")
    assert "0/1" in row.inner_text()
    # a second save of the same id is refused by the server, and the banner says so
    p.get_by_role("button", name="新增需求").click()
    p.locator("#dm-form").get_by_label("编号").fill("D9100")
    p.locator("#dm-form").get_by_label("事项").fill("重复")
    p.locator("#dm-form").get_by_role("button", name="保存需求").click()
    expect_text(p, "#error", "409")
    assert "{" not in p.locator("#error").inner_text()  # never raw JSON
    assert latin_words(p.locator("#error").inner_text()) == []
    assert _unexpected(pg.errors) == []

    # a dated order typed as a Chinese office writes it: 2030年1月8日 09:00 and ２．５ hours
    # (full-width, as case files are read): sent as 2030-01-08T09:00 and 2.5
    form.get_by_label("编号").fill("D9101")
    form.get_by_label("开始时间").fill("2030年1月8日 09:00")
    form.get_by_label("服务时长（小时）").fill("２．５")
    form.get_by_role("button", name="保存需求").click()
    expect_text(p, "#status", "需求 D9101 已新增")
    d = httpx.get(
        fresh_server.base + "/v1/districts/gulou/demands/D9101",
        headers={"Authorization": f"Bearer {fresh_server.dispatcher}"},
    ).json()
    assert (d["start"], d["hours"]) == ("2030-01-08T09:00", 2.5), d


def test_cadres_withdraw_unavailable_history(
    page_factory: Any, fresh_server: Server, shots: Path
) -> None:
    pg = page_factory()
    p = pg.sign_in(fresh_server.base, fresh_server.dispatcher)

    # dispatch one pair, reject one pair with a reason, and park one person from the proposal
    p.get_by_role("button", name="派遣方案").click()
    p.get_by_role("button", name="生成方案").click()
    expect_text(p, "#pinfo", "方案 #1")
    keys: list[str] = p.eval_on_selector_all("#abody tr", "rs => rs.map((r) => r.dataset.k)")
    pairs = [k.split("|") for k in keys]  # [cadre, demand]
    busy = keys[0]
    # the pair declined is one of two picks of its demand (its twin stays pending); the person
    # parked has no pick on that demand
    declined = next(
        k
        for k, (c, d) in zip(keys[1:], pairs[1:], strict=True)
        if sum(x[1] == d for x in pairs) == 2 and d != pairs[0][1] and c != pairs[0][0]
    )
    cadre, demand = declined.split("|")
    twin = next(k for k in keys if k != declined and k.endswith(f"|{demand}"))
    parked = next(
        k
        for k, (c, d) in zip(keys, pairs, strict=True)
        if k not in (busy, declined, twin)
        and c not in (pairs[0][0], cadre, twin.split("|")[0])
        and not any(x == [c, demand] for x in pairs)
    )
    p.locator(f'#abody input.pick[data-k="{busy}"]').check()
    p.get_by_role("button", name="接受所选").click()
    expect_text(p, "#status", "已接受 1 项")
    p.locator(f'#abody input.pick[data-k="{declined}"]').check()
    p.get_by_label("拒绝原因").fill("本人休假")
    p.get_by_role("button", name="拒绝所选").click()
    expect_text(p, "#status", "已拒绝 1 项")
    # the twin is the proposal's own pick, not a replacement: no 替补 label on any row
    expect_count(p.locator(f'#abody tr[data-k="{twin}"] .state.pending'), 1)
    expect_count(p.locator("#abody .tag.alt"), 0)
    p.locator("#declines summary").click()
    decline = p.locator("#declines-table tbody tr")
    expect_count(decline, 1)
    assert "本人休假" in decline.inner_text() and "令牌 #" in decline.inner_text()
    p.locator(f'#abody input.pick[data-k="{parked}"]').check()
    p.get_by_label("本人暂不可派").check()
    # 2031年12月31日 is read whole, as the demand form reads days (maxlength 10 cut it)
    p.get_by_label("暂不可派至（可选）").fill("2031年12月31日")
    p.get_by_role("button", name="拒绝所选").click()
    parked_cadre = parked.split("|")[0]
    expect_text(p, "#status", f"{parked_cadre}")
    expect_text(p, "#status", "已标记为暂不可派")
    # 拒绝记录 counts every reject of the proposal, as the API does: the pair and the person
    rejected = httpx.get(
        fresh_server.base + "/v1/districts/gulou/proposals/1",
        headers={"Authorization": f"Bearer {fresh_server.dispatcher}"},
    ).json()["rejected"]
    assert rejected == 2
    expect_text(p, "#declines summary", "拒绝记录（2）")
    expect_count(decline, 2)
    expect_text(p, "#declines-table", "暂不可派（至 2031-12-31）")
    pg.shot(shots, "declines")

    # proposed again: the pick that replaced the declined cadre reads 替补, its twin does not
    p.get_by_role("button", name="生成方案").click()
    expect_text(p, "#pinfo", "方案 #2")
    alt = p.locator("#abody tr:has(.tag.alt)")
    expect_count(alt, 1)
    replacement = alt.get_attribute("data-k") or ""
    assert replacement.endswith(f"|{demand}") and replacement not in (declined, twin), replacement
    expect_text(p, f'#abody tr[data-k="{replacement}"]', f"替补（{cadre} 已被拒绝）")

    p.get_by_role("button", name="干部管理").click()
    expect_text(p, "#cd-h", "干部管理")
    row = _find_cadre(p, parked_cadre)
    expect_text(p, f'#cadres-admin tr[data-id="{parked_cadre}"]', "暂不可派（至 2031-12-31）")

    # withdrawing a cadre on an active dispatch is refused; the server's reason is shown
    busy_cadre = busy.split("|")[0]
    row = _find_cadre(p, busy_cadre)
    row.get_by_role("button", name="退出人才池").click()
    expect_text(p, "#confirm-msg", f"确定让 {busy_cadre}")
    p.locator("#confirm").get_by_role("button", name="确定退出").click()
    expect_text(p, "#error", "409")
    expect_text(p, "#error", busy_cadre)
    assert "{" not in p.locator("#error").inner_text()
    assert latin_words(p.locator("#error").inner_text()) == []  # said in Chinese
    expect_count(_cadre_row(p, busy_cadre), 1)
    pg.shot(shots, "withdraw-refused")

    # its history: the active dispatch, with who made it
    row.get_by_role("button", name="履历").click()
    expect_text(p, "#cd-history", busy.split("|")[1])
    expect_text(p, "#cd-history", "进行中")
    expect_text(p, "#cd-history", "令牌 #")

    # mark the declined cadre unavailable (no end date), then available again
    declined_cadre = declined.split("|")[0]
    row = _find_cadre(p, declined_cadre)
    row.get_by_role("button", name="履历").click()
    expect_text(p, "#cd-declines", "本人休假")
    p.get_by_label("原因（可选）").fill("住院")
    p.get_by_role("button", name="标记暂不可派").click()
    expect_text(p, "#status", f"{declined_cadre}")
    expect_text(p, "#cd-avail", "暂不可派（未定期限）")
    expect_text(p, f'#cadres-admin tr[data-id="{declined_cadre}"]', "暂不可派")
    pg.shot(shots, "cadre")
    p.get_by_role("button", name="恢复可派").click()
    expect_text(p, "#cd-avail", "可派")
    expect_text(p, "#status", "已恢复可派")

    # a free cadre leaves the pool
    row.get_by_role("button", name="退出人才池").click()
    p.locator("#confirm").get_by_role("button", name="确定退出").click()
    expect_text(p, "#status", f"{declined_cadre}")
    expect_text(p, "#status", "已退出人才池")
    expect_count(_cadre_row(p, declined_cadre), 0)
    assert p.locator("#cd-panel").is_hidden()

    # the parked cadre is not proposed again
    p.get_by_role("button", name="派遣方案").click()
    p.get_by_role("button", name="生成方案").click()
    expect_text(p, "#pinfo", "方案 #2")
    assert p.locator(f'#abody tr[data-k^="{parked_cadre}|"]').count() == 0
    assert p.locator(f'#abody tr[data-k^="{declined_cadre}|"]').count() == 0
    assert _unexpected(pg.errors) == []


STATIC = Path(__file__).resolve().parents[2] / "api" / "console" / "static"


def test_the_forms_most_hours_are_the_servers() -> None:
    """The demand form refuses what a demands.csv cell and the API's body refuse: its one
    limit is matcher.MAX_DEMAND_HOURS, written once in pool.js, no other limit beside."""
    import matcher

    js = (STATIC / "pool.js").read_text(encoding="utf-8")
    (limit,) = re.findall(r"export const MAX_DEMAND_HOURS = (\d+);", js)
    assert int(limit) == matcher.MAX_DEMAND_HOURS == 8784
    (years,) = re.findall(r"export const YEARS = \[(\d+), (\d+)\];", js)
    from matcher.dated import YEARS

    assert tuple(map(int, years)) == YEARS
    # the input has no min/max of its own (the browser would refuse in its words, not these)
    check = js[js.index("function hoursProblem") :]
    check = check[: check.index("\n}\n")]
    assert "problem.hours_between" in check and "max: MAX_DEMAND_HOURS" in check
    assert "readHours(h, MAX_DEMAND_HOURS)" in js
    assert "10000" not in js + (STATIC / "i18n.js").read_text(encoding="utf-8")


def test_a_dated_demand_from_the_form(page_factory: Any, fresh_server: Server, shots: Path) -> None:
    """The demand form's start, end and hours: local date-times typed yyyy-mm-dd HH:MM are
    sent as the API's 2030-12-08T18:00, hours as a number; what cannot be sent is said
    beside its field (and in the banner) before anything is sent, and so is a field the
    server refuses."""
    import httpx

    pg = page_factory()
    p = pg.sign_in(fresh_server.base, fresh_server.dispatcher)
    posts: list[str] = []
    p.on(
        "request",
        lambda r: (
            posts.append(r.post_data or "")
            if r.method == "POST" and r.url.endswith("/demands")
            else None
        ),
    )
    p.get_by_role("button", name="需求管理").click()
    p.get_by_role("button", name="新增需求").click()
    form = p.locator("#dm-form")
    form.get_by_label("编号").fill("D9200")
    form.get_by_label("事项").fill("周二晚间巡查")
    save = form.get_by_role("button", name="保存需求")
    form.get_by_label("开始时间").fill("2030-12-08 18:00")
    form.get_by_label("结束时间").fill("明晚")
    save.click()
    expect_text(p, "#dm-end-err", "“明晚”不是时间")
    expect_text(p, "#error", "“明晚”不是时间")
    form.get_by_label("结束时间").fill("9999-12-08 17:00")
    save.click()
    expect_text(p, "#dm-end-err", "“9999-12-08 17:00”不在 1900–2200 年之间")
    form.get_by_label("结束时间").fill("2030-12-08 17:00")
    save.click()
    expect_text(p, "#dm-end-err", "结束须在开始之后")
    form.get_by_label("结束时间").fill("")
    save.click()
    expect_text(p, "#dm-start-err", "须有结束时间或服务时长")
    assert p.locator("#dm-end-err").inner_text() == ""
    pg.shot(shots, "demand-dated-errors")
    assert posts == []

    # hours past the limit are said with the code a demands.csv cell gets, before sending
    form.get_by_label("服务时长（小时）").fill("8785")
    save.click()
    expect_text(p, "#dm-hours-err", "服务时长须在 0 到 8784 小时之间")
    form.get_by_label("服务时长（小时）").fill("0")
    save.click()
    expect_text(p, "#dm-hours-err", "服务时长须大于 0")
    # letters typed (as keys, the way a person does), a negative and an absurd number: each
    # said beside the field, nothing sent (a number input kept "2" of "2h" and sent that,
    # and sent no hours at all for "1e")
    hours = form.get_by_label("服务时长（小时）")
    for typed, said in (
        ("2h", "服务时长须为小时数"),
        ("1e", "服务时长须为小时数"),
        ("三小时", "服务时长须为小时数"),
        ("-2", "服务时长须在 0 到 8784 小时之间"),
        ("1e9", "服务时长须为小时数"),
        ("99999999", "服务时长须在 0 到 8784 小时之间"),
    ):
        hours.fill("")
        hours.press_sequentially(typed)
        save.click()
        expect_text(p, "#dm-hours-err", said)
        assert hours.input_value() == typed and hours.get_attribute("aria-invalid") == "true"
        assert p.locator("#dm-start-err").inner_text() == ""
    assert posts == []

    # a field the server refuses is said beside it too
    def refuse(r: Any) -> None:
        r.fulfill(
            status=422,
            content_type="application/problem+json",
            body=(
                '{"type":"about:blank","title":"Invalid input","status":422,"detail":"x",'
                '"code":"input.invalid","params":{},"errors":[{"pointer":"/body/hours",'
                '"message":"invalid value","code":"problem.invalid","params":{}}]}'
            ),
        )

    p.route("**/v1/districts/gulou/demands", refuse)
    form.get_by_label("服务时长（小时）").fill("3")
    save.click()
    expect_text(p, "#dm-hours-err", "值无效")
    expect_text(p, "#error", "422")
    p.unroute("**/v1/districts/gulou/demands")

    save.click()
    expect_text(p, "#status", "需求 D9200 已新增")
    auth = {"Authorization": f"Bearer {fresh_server.dispatcher}"}
    d = httpx.get(fresh_server.base + "/v1/districts/gulou/demands/D9200", headers=auth).json()
    assert (d["start"], d["end"], d["hours"]) == ("2030-12-08T18:00", None, 3.0)

    # with an end, in another spelling of the day
    p.get_by_role("button", name="新增需求").click()
    form.get_by_label("编号").fill("D9201")
    form.get_by_label("事项").fill("周三上午走访")
    form.get_by_label("开始时间").fill("2030-12-9 09:00")
    form.get_by_label("结束时间").fill("2030-12-09T11:30")
    save.click()
    expect_text(p, "#status", "需求 D9201 已新增")
    d = httpx.get(fresh_server.base + "/v1/districts/gulou/demands/D9201", headers=auth).json()
    assert (d["start"], d["end"], d["hours"]) == ("2030-12-09T09:00", "2030-12-09T11:30", None)
    assert '"start": "2030-12-09T09:00"' in posts[-1] or '"start":"2030-12-09T09:00"' in posts[-1]
    assert [e for e in pg.errors if "status of 422" not in e] == []  # the routed refusal


def test_the_forms_id_and_headcount_rules_are_the_servers() -> None:
    """The demand form checks an id and a headcount by the server's rules (written once in
    pool.js, said in the console's words): the id's pattern and length, the headcount's bounds."""
    from api.schemas import DemandCreate
    from matcher.model import ID_MAX_LENGTH, ID_PATTERN

    js = (STATIC / "pool.js").read_text(encoding="utf-8")
    (rule,) = re.findall(r"export const ID_RULE = /(.*)/;", js)
    assert rule.replace("\\-", "-") == ID_PATTERN.replace("\\-", "-")
    (most,) = re.findall(r"export const ID_MAX = (\d+);", js)
    assert int(most) == ID_MAX_LENGTH
    (lo, hi) = re.findall(r"export const HEADCOUNT = \[(\d+), (\d+)\];", js)[0]
    head = DemandCreate.model_json_schema()["properties"]["headcount"]
    assert (int(lo), int(hi)) == (head["minimum"], head["maximum"])


def test_the_demand_form_checks_itself_in_the_pages_words(
    browser: Any, fresh_server: Server, shots: Path
) -> None:
    """In a browser whose own language is English, the Chinese page's demand form says what
    is wrong beside each field in Chinese (novalidate: no browser bubble), naming the rule;
    an error clears as its field is corrected; a date-time typed with slashes is sent in the
    ISO form, and one that is none is still refused. Then in English."""
    import httpx

    from tests.console.pages import _WATCH_BANNER

    ctx = browser.new_context(viewport={"width": 1280, "height": 800}, locale="en-US")
    try:
        ctx.add_init_script(_WATCH_BANNER)
        p = ctx.new_page()
        errors: list[str] = []
        p.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        posts: list[str] = []
        p.on(
            "request",
            lambda r: (
                posts.append(r.post_data or "")
                if r.method == "POST" and r.url.endswith("/demands")
                else None
            ),
        )
        p.goto(fresh_server.base + "/")
        p.get_by_label("访问令牌").fill(fresh_server.dispatcher)
        p.get_by_role("button", name="登录").click()
        p.locator("#map circle.dot").first.wait_for()
        p.get_by_role("button", name="需求管理").click()
        p.get_by_role("button", name="新增需求").click()
        form = p.locator("#dm-form")
        assert form.get_attribute("novalidate") is not None
        save = form.get_by_role("button", name="保存需求")

        # nothing filled in: each field says what it needs, in the page's language
        form.get_by_label("需要人数").fill("")
        save.click()
        expect_text(p, "#dm-id-err", "请填写编号")
        expect_text(p, "#dm-title-err", "请填写事项")
        expect_text(p, "#dm-head-err", "需要人数须为 1 到 1000 之间的整数")
        expect_text(p, "#error", "请填写编号")
        assert p.evaluate("document.activeElement.id") == "dm-id"
        assert form.get_by_label("编号").get_attribute("aria-invalid") == "true"

        # an id with a space names the rule (the server's: letters, digits, . - _)
        form.get_by_label("编号").fill("X 001")
        form.get_by_label("事项").fill("周二晚间巡查")
        form.get_by_label("需要人数").fill("0")
        form.get_by_label("开始时间").fill("2030-12-08 25:00")
        form.get_by_label("服务时长（小时）").fill("2")
        save.click()
        expect_text(p, "#dm-id-err", "编号只能包含字母、数字、.、- 和 _，并以字母或数字开头")
        assert p.locator("#dm-title-err").inner_text() == ""
        expect_text(p, "#dm-head-err", "需要人数须为 1 到 1000 之间的整数")
        expect_text(p, "#dm-start-err", "“2030-12-08 25:00”不是时间")
        pg_text = p.locator("main").inner_text()
        for english in ("Please", "fill out", "match the requested"):
            assert english not in pg_text, english

        # corrected, each error goes as it is typed, before the next save
        form.get_by_label("编号").fill("X-001")
        assert p.locator("#dm-id-err").inner_text() == ""
        assert form.get_by_label("编号").get_attribute("aria-invalid") == "false"
        form.get_by_label("需要人数").fill("2")
        assert p.locator("#dm-head-err").inner_text() == ""
        # slashes mixed with a dash are still no date-time: the error stays, updated
        form.get_by_label("开始时间").fill("2030/12-08 18:00")
        expect_text(p, "#dm-start-err", "“2030/12-08 18:00”不是时间")
        save.click()
        expect_text(p, "#dm-start-err", "“2030/12-08 18:00”不是时间")
        form.get_by_label("开始时间").fill("2030/12/08 18:00")
        assert p.locator("#dm-start-err").inner_text() == ""
        pg_shot = shots / "console-demand-form-own-checks.png"
        p.screenshot(path=str(pg_shot))
        assert posts == []
        save.click()
        expect_text(p, "#status", "需求 X-001 已新增")
        assert len(posts) == 1 and '"start":"2030-12-08T18:00"' in posts[0].replace(" ", "")
        auth = {"Authorization": f"Bearer {fresh_server.dispatcher}"}
        d = httpx.get(fresh_server.base + "/v1/districts/gulou/demands/X-001", headers=auth).json()
        assert (d["start"], d["hours"], d["headcount"]) == ("2030-12-08T18:00", 2.0, 2)

        # in English, the same rules in English words
        p.get_by_role("button", name="Switch to English").click()
        p.get_by_role("button", name="Add a demand").click()
        form.get_by_label("ID", exact=True).fill(".X")
        save = form.get_by_role("button", name="Save demand")
        save.click()
        expect_text(p, "#dm-id-err", "letters, digits, ., - and _ only, starting with a letter")
        expect_text(p, "#dm-title-err", "Fill in the title")
        assert len(posts) == 1
        banners = p.evaluate("window.__banners")
        assert all("Please" not in b for b in banners), banners
        assert errors == []
    finally:
        ctx.close()
