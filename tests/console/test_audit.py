"""The audit trail in the console (审计) and the supervisor's console.

An admin proposes and accepts in the page, then reads those writes in the audit view, in
Chinese and English: newest first, the district's clock (the sample's: Beijing time), the
actor's label, the action in words; filtered by action, a page at a time, one entry opened
in full with its hashes; a refused filter is said in the banner. A supervisor (read-only
oversight) sees proposals, dispatches and the audit trail, and no control that could only
answer 403; a dispatcher sees no audit tab.
"""

from __future__ import annotations

import ast
import json
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import httpx

from tests.console.pages import PHONE, expect_count, expect_text
from tests.console.server import ADMIN_LABEL, Server
from tests.paths import ROOT
from tests.text import latin_words

BEIJING = timezone(timedelta(hours=8))
#: every control that writes, by its id or class in the page
WRITE_CONTROLS = (
    "#propose, #accept-sel, #accept-all, #reject-sel, #reason, input.pick, button.complete, "
    "button.cancel, button.no-show, #dm-show, button.dm-done, button.dm-cancel, button.dm-reopen, "
    "button.cd-withdraw, #cd-restore, #wa-evaluate, button.wa-confirm, button.wa-dismiss, #wi-run, "
    "#wa-confirm-sel, #wa-dismiss-sel, input.wa-pick"
)


def _trail(s: Server, token: str, **params: Any) -> dict[str, Any]:
    r = httpx.get(
        s.base + "/v1/districts/gulou/audit",
        params={"limit": 1000, **params},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


def _beijing(at: str) -> str:
    return datetime.fromisoformat(at).astimezone(BEIJING).strftime("%Y-%m-%d %H:%M:%S")


def _write(s: Server, method: str, path: str, key: str, body: Any = None) -> Any:
    r = httpx.request(
        method,
        s.base + "/v1/districts/gulou" + path,
        json=body,
        headers={"Authorization": f"Bearer {s.admin}", "Idempotency-Key": key},
        timeout=120,
    )
    assert r.status_code < 300, r.text
    return r.json() if r.content else None


def test_audit_view(page_factory: Any, fresh_server: Server, shots: Path) -> None:
    s = fresh_server
    pg = page_factory()
    p = pg.sign_in(s.base, s.admin)
    expect_text(p, "#role-badge", "管理员")

    # writes made in the page: a proposal, then two of its pairs accepted
    p.get_by_role("button", name="派遣方案").click()
    p.get_by_role("button", name="生成方案").click()
    expect_text(p, "#status", "已生成")
    for box in p.locator("#abody input.pick").all()[:2]:
        box.check()
    p.get_by_role("button", name="接受所选").click()
    expect_text(p, "#status", "已接受 2 项")

    trail = _trail(s, s.admin)
    newest = trail["data"][::-1]
    assert [e["action"] for e in newest[:2]] == ["proposal.accept", "proposal.create"]
    assert newest[0]["actor"]["label"] == ADMIN_LABEL

    p.get_by_role("button", name="审计").click()
    expect_text(p, "#au-h", "审计记录")
    n = trail["count"]
    expect_text(p, "#au-count", f"第 1–{n} 条，共 {n} 条（最新在前）")
    rows = p.locator("#audit tbody tr")
    expect_count(rows, n)
    # newest first, each row the server's entry: Beijing time, actor, action, hash cut short
    for row, e in zip(rows.all(), newest, strict=True):
        cells = row.locator("td").all_inner_texts()
        assert cells[0] == str(e["seq"])
        assert cells[1] == _beijing(e["at"])
        assert cells[3].splitlines()[-1] == e["action"]
        assert cells[6] == e["hash"][:10] + "…"
    top = rows.first.locator("td").all_inner_texts()
    assert top[2] == ADMIN_LABEL
    assert top[3].splitlines()[0] == "接受派遣"
    assert top[4] == newest[0]["subject"]
    chosen = "、".join(f"{c}/{d}" for c, d in newest[0]["payload"]["chosen"])
    assert f"选中：{chosen}" in top[5], top[5]  # the two pairs accepted, by their ids
    assert f"方案：{newest[0]['payload']['pid']}" in top[5], top[5]
    # the sample's import was made by the CLI's loader (no token)
    assert rows.last.locator("td").nth(2).inner_text() == "命令行（本机）"
    # no Latin words in Chinese (codes, payloads and hashes are shown as code)
    assert latin_words(" ".join(pg.visible_text()), {"gulou", "sample", "JSON"}) == []

    # filter by action: only the proposal
    p.locator("#au-action").select_option(label="生成方案")
    p.get_by_role("button", name="查询").click()
    expect_text(p, "#au-count", "第 1–1 条，共 1 条")
    created = _trail(s, s.admin, action="proposal.create")["data"]
    assert len(created) == 1
    expect_count(rows, 1)
    assert rows.first.locator("td").first.inner_text() == str(created[0]["seq"])

    # open it: the whole payload (keys sorted) and both hashes
    rows.first.click()
    expect_text(p, "#au-entry-h", f"审计条目 #{created[0]['seq']}")
    assert json.loads(p.locator("#au-payload").inner_text()) == created[0]["payload"]
    assert p.locator("#au-this-hash").inner_text() == created[0]["hash"]
    assert p.locator("#au-prev-hash").inner_text() == created[0]["prev_hash"]
    assert rows.first.get_attribute("class") == "open"
    pg.shot(shots, "audit")

    # a phone's screen holds it
    p.set_viewport_size(PHONE)
    p.wait_for_timeout(50)
    assert pg.phone_layout_problems() == []
    p.set_viewport_size({"width": 1280, "height": 800})

    # a filter the server refuses is said in the banner; the table stays
    p.locator("#au-actor").fill("99999999999999999999")
    p.get_by_role("button", name="查询").click()
    expect_text(p, "#error", "出错了（422）")
    expect_text(p, "#au-count", "第 1–1 条，共 1 条")
    p.get_by_role("button", name="清除条件").click()
    expect_text(p, "#au-count", f"共 {n} 条")

    # from an entry: only its actor's entries (the page's own two writes), then only its action
    rows.first.click()
    p.get_by_role("button", name="只看此操作人").click()
    expect_text(p, "#au-count", "第 1–2 条，共 2 条")
    me = httpx.get(s.base + "/v1/me", headers={"Authorization": f"Bearer {s.admin}"}).json()
    assert p.locator("#au-actor").input_value() == str(me["token_id"])
    rows.last.click()
    p.get_by_role("button", name="只看此类操作").click()
    expect_text(p, "#au-count", "第 1–1 条，共 1 条")
    assert p.locator("#au-action").input_value() == "proposal.create"
    p.get_by_role("button", name="清除条件").click()
    expect_text(p, "#au-count", f"共 {n} 条")

    # English: the same trail in its words; an entry opened again
    p.get_by_role("button", name="Switch to English").click()
    expect_text(p, "#au-h", "Audit trail")
    expect_text(p, "#au-count", f"Entries 1–{n} of {n} (newest first)")
    expect_text(p, "#audit thead", "Time (district time, Asia/Shanghai)")
    assert rows.first.locator("td").nth(3).inner_text().splitlines()[0] == "pairs accepted"
    p.locator("#au-action").select_option(label="pairs accepted")
    p.get_by_role("button", name="Show").click()
    expect_count(rows, 1)
    rows.first.click()
    accepted = _trail(s, s.admin, action="proposal.accept")["data"][0]
    expect_text(p, "#au-entry-h", f"Audit entry #{accepted['seq']}")
    assert json.loads(p.locator("#au-payload").inner_text()) == accepted["payload"]
    assert [e for e in pg.errors if "status of 422" not in e] == []


def test_audit_pages(page_factory: Any, fresh_server: Server) -> None:
    s = fresh_server
    for i in range(30):  # 60 writes: a cadre away and back
        _write(s, "PUT", "/cadres/P0001/unavailable", f"away-{i}", {"reason": f"r{i}"})
        _write(s, "DELETE", "/cadres/P0001/unavailable", f"back-{i}")
    trail = _trail(s, s.supervisor)
    n = trail["count"]
    assert n > 50
    newest = [e["seq"] for e in trail["data"][::-1]]

    pg = page_factory()
    p = pg.sign_in(s.base, s.admin)
    p.get_by_role("button", name="审计").click()
    rows = p.locator("#audit tbody tr")
    expect_text(p, "#au-count", f"第 1–50 条，共 {n} 条")
    assert p.locator("#au-prev").is_disabled()
    seqs = [int(x) for x in rows.locator("td:first-child").all_inner_texts()]
    assert seqs == newest[:50]
    p.get_by_role("button", name="下一页").click()
    expect_text(p, "#au-count", f"第 51–{n} 条，共 {n} 条")
    seqs = [int(x) for x in rows.locator("td:first-child").all_inner_texts()]
    assert seqs == newest[50:]
    assert p.locator("#au-next").is_disabled()
    p.get_by_role("button", name="上一页").click()
    expect_text(p, "#au-count", "第 1–50 条")
    # a day range in Beijing days: a day long past holds none, the trail's own days every entry
    p.locator("#au-from").fill("2020-01-01")
    p.locator("#au-to").fill("2020-01-02")
    p.get_by_role("button", name="查询").click()
    expect_text(p, "#au-count", "没有符合条件的审计记录。")
    days = sorted(_beijing(e["at"])[:10] for e in trail["data"])
    p.locator("#au-from").fill(days[0])
    p.locator("#au-to").fill(days[-1])
    p.get_by_role("button", name="查询").click()
    expect_text(p, "#au-count", f"第 1–50 条，共 {n} 条")
    assert pg.banners() == [] and pg.errors == []

    # a slow answer to an older filter arrives after the newer one's: the newer stays shown
    held: list[Any] = []
    holding = [True]

    def hold(route: Any) -> None:
        if holding[0]:
            held.append(route)
        else:
            route.continue_()

    p.route(re.compile(r".*/audit\?"), hold)
    p.locator("#au-from").fill("2020-01-01")
    p.locator("#au-to").fill("2020-01-02")
    p.get_by_role("button", name="查询").click()
    for _ in range(500):  # the request is made at once; wait for the route to see it
        if held:
            break
        p.wait_for_timeout(20)
    assert len(held) == 1
    holding[0] = False
    p.locator("#au-from").fill(days[0])
    p.locator("#au-to").fill(days[-1])
    p.get_by_role("button", name="查询").click()
    expect_text(p, "#au-count", f"第 1–50 条，共 {n} 条")
    old = held[0].request.url
    with p.expect_response(lambda r: r.url == old) as late:
        held[0].continue_()
    late.value.finished()  # its body is read: the page's handler runs next
    p.evaluate("() => new Promise((done) => setTimeout(done, 300))")
    p.unroute(re.compile(r".*/audit\?"), hold)
    expect_text(p, "#au-count", f"第 1–50 条，共 {n} 条")
    assert p.locator("#au-from").input_value() == days[0]
    assert pg.banners() == [] and pg.errors == []


def test_supervisor_reads_and_cannot_write(
    page_factory: Any, fresh_server: Server, shots: Path
) -> None:
    s = fresh_server
    made = _write(s, "POST", "/proposals", "p1", {})
    pairs = [{"cadre": a["cadre"], "demand": a["demand"]} for a in made["result"]["assignments"]]
    _write(s, "POST", f"/proposals/{made['id']}/accept", "a1", {"assignments": pairs[:3]})
    again = _write(s, "POST", "/proposals", "p2", {})  # a pending proposal to look at

    pg = page_factory()
    refused: list[str] = []
    pg.page.on("response", lambda r: refused.append(r.url) if r.status >= 400 else None)
    p = pg.sign_in(s.base, s.supervisor, ready="#pr-h")
    expect_text(p, "#role-badge", "监督员")
    expect_text(p, "#status", "鼓楼区")
    # what it may read, said as the tabs it has
    expect_text(p, "#status", "监督员只查看方案、派遣记录、互助账本和审计记录")
    tabs = p.locator("#tabs button:visible").all_inner_texts()
    assert tabs == ["派遣方案", "派遣记录", "互助账本", "审计"]

    # the proposal, its pairs and declines: to read, nothing to press
    expect_text(p, "#pinfo", f"方案 #{again['id']}")
    expect_count(p.locator("#abody tr"), len(again["result"]["assignments"]))
    expect_text(p, "#view-proposal", "当前角色只能查看方案。")
    expect_count(p.locator(WRITE_CONTROLS), 0)
    # it cannot read the pool, so it does not know a demand's community: no empty column
    heads = p.locator("#ahead th").all_inner_texts()
    assert not any("社区" in h for h in heads), heads
    assert p.locator('#abody td[data-label="社区"]').count() == 0
    pg.shot(shots, "supervisor")

    p.get_by_role("button", name="派遣记录").click()
    expect_count(p.locator("#dispatches tbody tr"), 3)
    assert "社区" not in p.locator("#dispatches thead").inner_text()
    # times in the districts' clock, Beijing time, as the audit trail's
    oldest = httpx.get(
        s.base + "/v1/districts/gulou/dispatches?limit=1",
        headers={"Authorization": f"Bearer {s.supervisor}"},
    ).json()["data"][0]
    row = p.locator(f'#dispatches tr[data-id="{oldest["id"]}"]')
    assert row.locator("td.when").first.inner_text() == _beijing(oldest["created_at"])[:16]
    expect_count(p.locator(WRITE_CONTROLS), 0)

    p.get_by_role("button", name="互助账本").click()
    expect_text(p, "#lg-h", "社区互助账本")
    expect_count(p.locator(WRITE_CONTROLS), 0)

    p.get_by_role("button", name="审计").click()
    n = _trail(s, s.supervisor)["count"]
    expect_text(p, "#au-count", f"共 {n} 条")
    p.locator("#audit tbody tr").first.click()
    expect_text(p, "#au-entry-h", f"审计条目 #{n}")
    expect_count(p.locator(WRITE_CONTROLS), 0)
    assert latin_words(" ".join(pg.visible_text()), {"gulou", "sample", "JSON"}) == []

    p.get_by_role("button", name="Switch to English").click()
    expect_text(p, "#role-badge", "supervisor")
    expect_text(p, "#au-h", "Audit trail")
    assert refused == [] and pg.banners() == [] and pg.errors == []


def test_no_audit_tab_for_a_dispatcher(page_factory: Any, server: Server) -> None:
    pg = page_factory()
    p = pg.sign_in(server.base, server.dispatcher)
    expect_text(p, "#role-badge", "调度员")
    # every tab but 推演 (planners) and 审计 (auditors)
    assert p.locator("#tabs button:visible").count() == 8
    expect_count(p.get_by_role("button", name="审计"), 0)
    assert "审计" not in p.locator("#tabs").inner_text()


def _store_actions() -> set[str]:
    """Every action name the store writes: ``@audited("…")``, ``tx.note("…")`` and
    ``tx.auditing("…")`` in matcher/store."""
    found = set()
    for path in (ROOT / "matcher" / "store").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            name = getattr(node, "func", None)
            name = getattr(name, "id", getattr(name, "attr", None))
            if isinstance(node, ast.Call) and name in ("audited", "note", "auditing"):
                first = node.args[0] if node.args else None
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    found.add(first.value)
    return found


def test_the_console_names_every_action() -> None:
    """The action filter lists every action a district's chain can hold (a token's is in
    the district-less chain), and each has a name in Chinese and in English."""
    actions = _store_actions()
    assert {"proposal.accept", "import", "outcomes.import", "token.create"} <= actions
    js = (ROOT / "api" / "console" / "static" / "audit.js").read_text(encoding="utf-8")
    listed = re.search(r"export const ACTIONS = \[(.*?)\];", js, re.S)
    assert listed is not None
    assert set(re.findall(r"'([\w.]+)'", listed.group(1))) == {
        a for a in actions if not a.startswith("token.")
    }
    zh, en = js.split("Object.assign(I18N.en", 1)
    for words in (zh.split("au_actions", 1)[1], en.split("au_actions", 1)[1]):
        named = set(re.findall(r"'?([\w.]+)'?: '", words))
        assert actions <= named, actions - named


#: a summary that shows a value raw: braces or brackets left in it, a JS object or nothing;
#: or a cut item with a second ellipsis after its own
RAW = re.compile(r"[{}\[\]]|\[object |undefined|NaN|null|……")


def _every_action(tmp: Path) -> tuple[Path, str]:
    """A store where every write the API can make was made once on the tiny case's d1
    (tests/api/everywrite.py), beside what only the store or the CLI makes: the bulk
    upserts, a job cancelled and retried, points earned alone, a community's withdrawal
    (a cancel that closes its demand), a person made unavailable by a reject, and a
    generated past loaded into d2. Answers the database and the admin's token."""
    from datetime import date

    from fastapi.testclient import TestClient

    from api import Settings, create_app
    from matcher import load_case
    from matcher.generate import generate_history
    from matcher.store import Actor, Store, today
    from tests.api.casefile import write_tiny
    from tests.api.everywrite import D, write_everything
    from tests.clock import SHANGHAI

    db = tmp / "every.db"
    store = Store.open(db)
    case = load_case(write_tiny(tmp / "tiny"))
    with store.write() as tx:
        tx.import_case("d1", case, name="District One")
        tx.import_case("d2", case, name="District Two")
        admin = tx.create_token("admin", label=ADMIN_LABEL)[0]
    h = {"Authorization": f"Bearer {admin}"}
    app = create_app(Settings(db=str(tmp / "unused.db"), max_body_bytes=64 * 1024), store=store)
    with TestClient(app) as c:
        write_everything(c, store, h)
        pid = c.post(f"{D}/proposals", json={}, headers=h).json()["id"]
        pairs = c.get(f"{D}/proposals/{pid}", headers=h).json()["result"]["assignments"]
        away = {"cadre": pairs[0]["cadre"], "demand": pairs[0]["demand"]}
        body = {"assignments": [away], "unavailable": True, "until": today(SHANGHAI).isoformat()}
        assert c.post(f"{D}/proposals/{pid}/reject", json=body, headers=h).status_code == 200
        chosen = [
            {"cadre": a["cadre"], "demand": a["demand"]}
            for a in pairs
            if a["cadre"] != away["cadre"]
        ][:2]
        r = c.post(f"{D}/proposals/{pid}/accept", json={"assignments": chosen}, headers=h)
        assert r.status_code == 201, r.text
        done = r.json()["dispatches"]
        gone = {"reason": "community_withdrew", "note": "社区不再需要"}
        r = c.post(f"{D}/dispatches/{done[0]['id']}/cancel", json=gone, headers=h)
        assert r.status_code == 200, r.text
    with store.write() as tx:
        tx.upsert_communities("d1", tx.list_communities("d1")[:2])
    with store.write() as tx:
        tx.upsert_cadres("d1", tx.case("d1").cadres[:2])
    with store.write() as tx:
        tx.upsert_demands("d1", tx.case("d1").demands[:2])
    with store.write() as tx:
        tx.earn_points("d1", done[0]["cadre"], 7, done[0]["id"], today(SHANGHAI))
    with store.jobs() as tx:
        tx.add_job("j-audit", "d1", "proposal", {"from": None, "to": None}, Actor())
    for step in ("cancel", "retry", "cancel"):  # cancelled again: no server runs it
        with store.write() as tx:
            if step == "cancel":
                tx.cancel_job("d1", "j-audit")
            else:
                tx.retry_job("d1", "j-audit", Actor())
    past = generate_history(case, seed=3, months=1, as_of=date.today())
    with store.write() as tx:
        tx.load_history("d2", past)
    store.close()
    return db, admin


def test_every_audit_summary_reads_as_words(page_factory: Any, tmp_path: Path) -> None:
    """The one-line summary of every entry of every action the store can write, in Chinese
    and in English: no value is shown raw (no brace or bracket, no JS object), a list reads
    by its items or how many, in the page's language, and a record by its members."""
    from tests.serving import running_server

    db, admin = _every_action(tmp_path)
    with running_server(db, tmp_path) as base:
        entries = []
        for d in ("d1", "d2", "d3"):
            r = httpx.get(
                f"{base}/v1/districts/{d}/audit",
                params={"limit": 1000},
                headers={"Authorization": f"Bearer {admin}"},
            )
            assert r.status_code == 200, r.text
            entries += r.json()["data"]
        pg = page_factory()
        p = pg.sign_in(base, admin)
        said = p.evaluate(
            """async (entries) => {
              const { S } = await import('/console/core.js');
              const { summary } = await import('/console/audit.js');
              const out = {};
              for (const lang of ['zh', 'en']) {
                S.lang = lang;
                out[lang] = entries.map((e) => summary(e.payload, e.action));
              }
              S.lang = 'zh';
              return out;
            }""",
            entries,
        )
    actions = {e["action"] for e in entries}
    # every action a district's chain holds (demand.withdraw is only ever under `then`)
    wanted = {a for a in _store_actions() if not a.startswith("token.")}
    assert wanted - actions == {"demand.withdraw"}, wanted - actions
    for lang in ("zh", "en"):
        for e, s in zip(entries, said[lang], strict=True):
            assert not RAW.search(s), (lang, e["action"], s, e["payload"])
            assert len(s) <= 90, (lang, s)
    by = {e["action"]: i for i, e in enumerate(entries)}
    zh, en = said["zh"], said["en"]
    # a record by its members, lists by their items or how many, in the page's language
    made = by["proposal.create"]
    assert "目标值：" in zh[made] and "request" not in zh[made], zh[made]
    assert "objective=" in en[made], en[made]
    # the common keys in words and flags as yes/no in Chinese; unknown keys as written
    assert "已证明最优：是" in zh[made] or "已证明最优：否" in zh[made], zh[made]
    assert re.search(r"certified=(yes|no)", en[made]), en[made]
    for lang, said_ in (("zh", zh), ("en", en)):
        for line in said_:
            assert not re.search(r"\b(true|false)\b", line), (lang, line)
            keys = ("pid", "result.objective", "result.certified")
            keys += ("chosen", "cadre", "demand", "reason") if lang == "zh" else ()
            for key in keys:
                assert not re.search(rf"(^| ){re.escape(key)}=", line), (lang, key, line)
    rejected = next(
        i
        for i, e in enumerate(entries)
        if e["action"] == "proposal.reject" and e["payload"].get("unavailable")
    )
    assert "本人暂不可派：是" in zh[rejected], zh[rejected]
    assert f"方案：{entries[rejected]['payload']['pid']}" in zh[rejected], zh[rejected]
    assert f"proposal={entries[rejected]['payload']['pid']}" in en[rejected], en[rejected]
    closed = next(
        i
        for i, e in enumerate(entries)
        if e["action"] == "dispatch.close" and "then" in e["payload"]
    )
    assert zh[closed].startswith("随后：社区撤回需求 D"), zh[closed]  # what it set off first
    assert en[closed].startswith("then=demand.withdraw D"), en[closed]
    upsert = by["cadres.upsert"]
    assert "条目：P1、P2" in zh[upsert] and "items=P1, P2" in en[upsert], (zh[upsert], en[upsert])
    accepted = next(
        i
        for i, e in enumerate(entries)
        if e["action"] == "proposal.accept" and e["payload"]["chosen"]
    )
    pair = entries[accepted]["payload"]["chosen"][0]
    assert f"{pair[0]}/{pair[1]}" in zh[accepted], zh[accepted]
    many = next(i for i, e in enumerate(entries) if len(e["payload"].get("pairs") or []) > 3)
    n = len(entries[many]["payload"]["pairs"])
    # (、 is one character where ", " is two: a list that fits in Chinese is said whole)
    whole = "、".join("/".join(x) for x in entries[many]["payload"]["pairs"])
    assert f"({n} 项)" in zh[many] or whole in zh[many], zh[many]
    assert f"({n} items)" in en[many], en[many]
    assert zh[by["job.retry"]] == "—"  # a payload with nothing in it


#: the internal switches of dispatch.close (evaluate, withdraw) and raw codes a
#: supervisor must not read in a Chinese summary
RAW_CODES = re.compile(
    r"撤回：|评估：|\b(no_show|community_withdrew|complete|cancel|milp|lp|lsa|d\.\w+|did)\b"
)


def test_audit_summaries_in_words_and_room(page_factory: Any, server: Server, shots: Path) -> None:
    """A supervisor's Chinese audit page after a dated demand was added and three dispatches
    ended (completed, cancelled as the community withdrew, no-show): every summary in
    words (the actions, the reasons, the solver, the entry's field names), no internal
    withdraw/evaluate flags; at 1280 px the summary column has the room, each member on
    one line (a line breaks between members, never inside); at 390 px each row a card
    whose labels do not run into their values."""
    s = server
    start = (datetime.now(BEIJING) + timedelta(days=40)).strftime("%Y-%m-%dT09:00")
    demand = {
        "id": "D9001",
        "community": "C103",
        "title": "楼道清理",
        "headcount": 2,
        "priority": 3,
        "start": start,
        "end": start.replace("T09:00", "T12:00"),
    }
    made = _write(s, "POST", "/proposals", "au-p", {})  # (before a dated order: no job)
    pairs, seen = [], set()
    for a in made["result"]["assignments"]:  # three demands, none the dated one
        if a["demand"] not in seen and a["demand"] != "D9001":
            seen.add(a["demand"])
            pairs.append({"cadre": a["cadre"], "demand": a["demand"]})
    got = _write(s, "POST", f"/proposals/{made['id']}/accept", "au-a", {"assignments": pairs[:3]})
    done, gone, absent = (d["id"] for d in got["dispatches"][:3])
    _write(s, "POST", f"/dispatches/{done}/complete", "au-c", {"hours": 3.5})
    _write(s, "POST", f"/dispatches/{gone}/cancel", "au-x", {"reason": "community_withdrew"})
    _write(s, "POST", f"/dispatches/{absent}/no-show", "au-n", {})
    _write(s, "POST", "/demands", "au-d9001", demand)

    pg = page_factory()
    p = pg.sign_in(s.base, s.supervisor, ready="#pr-h")
    p.get_by_role("button", name="审计").click()
    rows = p.locator("#audit tbody tr")
    rows.first.wait_for()
    said = {
        int(r.get_attribute("data-seq") or 0): r.locator("td.sum").inner_text() for r in rows.all()
    }
    trail = {e["seq"]: e for e in _trail(s, s.supervisor)["data"]}
    for seq, text in said.items():
        assert not RAW_CODES.search(text), (trail[seq]["action"], text)
    of = {
        e["payload"].get("did"): seq for seq, e in trail.items() if e["action"] == "dispatch.close"
    }
    assert "操作：完成" in said[of[done]] and "服务时长：3.5" in said[of[done]], said[of[done]]
    assert f"派遣：{done}" in said[of[done]], said[of[done]]
    assert "取消理由：社区撤回需求" in said[of[gone]], said[of[gone]]
    assert said[of[gone]].startswith("随后：社区撤回需求 D"), said[of[gone]]  # the withdrawal made
    assert "操作：未到岗" in said[of[absent]], said[of[absent]]
    added = next(seq for seq, e in trail.items() if e["action"] == "demand.create")
    for part in ("社区：C103", "需求人数：2", f"开始：{start.replace('T', ' ')}", "标题：楼道清理"):
        assert part in said[added], (part, said[added])
    proposed = next(seq for seq, e in trail.items() if e["subject"] == str(made["id"]))
    solver = {"lp": "线性规划", "lsa": "线性指派", "milp": "整数规划", "empty": "无需求解"}
    solver["lp-streamed"] = "线性规划（流式）"
    assert f"求解器：{solver[made['result']['solver']]}" in said[proposed], said[proposed]

    # the summary column has the room; a member never breaks inside; no row is tall
    width = p.locator("#audit thead th", has_text="内容摘要").evaluate("(th) => th.offsetWidth")
    assert width >= 250, width
    broken = p.evaluate(
        """() => [...document.querySelectorAll('#audit td.sum .m')]
             .filter((m) => m.getClientRects().length > 1).map((m) => m.textContent)"""
    )
    assert broken == []
    tall = [h for h in rows.evaluate_all("(rs) => rs.map((r) => r.offsetHeight)") if h > 140]
    assert tall == [], tall
    # each head cell is the table's (not the top bar's .who, which boxed the actor's head)
    heads = p.locator("#audit thead th").evaluate_all(
        "(ths) => ths.map((th) => getComputedStyle(th).display)"
    )
    assert set(heads) == {"table-cell"}, heads
    # an entry opened: its values get the panel's room beside labels at most 8em wide
    rows.first.click()
    labels = p.locator("#au-entry .nums dt").evaluate_all("(ds) => ds.map((d) => d.offsetWidth)")
    size = p.locator("#au-entry").evaluate("(e) => parseFloat(getComputedStyle(e).fontSize)")
    assert max(labels) <= 9 * size, (labels, size)  # (a word longer than 8em: its width)
    rows.first.click()
    pg.shot(shots, "audit-summaries")

    # a phone: cards within the screen, the time's label short enough not to run into it
    p.set_viewport_size(PHONE)
    p.wait_for_timeout(50)
    assert pg.phone_layout_problems() == []
    assert p.locator("#audit td.at").first.get_attribute("data-label") == "时间"
    # a member that fits on the card's line is not broken (开/始)
    lines = p.evaluate(
        """() => [...document.querySelectorAll('#audit td.sum .m')].map((m) => {
             const probe = m.cloneNode(true);
             probe.style.whiteSpace = 'nowrap';
             m.after(probe);
             const one = probe.getBoundingClientRect();
             probe.remove();
             const td = m.closest('td');
             const cs = getComputedStyle(td);
             const room = td.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
             const tall = m.getBoundingClientRect().height > one.height * 1.5;
             return [m.textContent, one.width <= room, tall];
           })"""
    )
    assert [m for m, fits, broken in lines if fits and broken] == []
    pg.shot(shots, "audit-summaries-phone")
    p.set_viewport_size({"width": 1280, "height": 800})

    # English: the same codes as words
    p.get_by_role("button", name="Switch to English").click()
    expect_text(p, "#au-h", "Audit trail")
    row = p.locator(f'#audit tr[data-seq="{of[gone]}"] td.sum')
    expect_text(p, f'#audit tr[data-seq="{of[gone]}"] td.sum', "reason=community withdrew")
    assert "withdraw=" not in row.inner_text() and "evaluate=" not in row.inner_text()
    assert pg.banners() == [] and pg.errors == []
