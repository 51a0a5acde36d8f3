"""A proposal computed as a job (202, docs/api.md "Jobs") in the console: the status line
follows it, the propose button waits for it (a double click starts one job), the dispatcher
may stop it, and the proposal shows when it is done; a stopped or failed job is said in words.

On the sample district the request is made a job by adding ``Prefer: respond-async`` on its
way (the console never asks for one: a district with dated orders is one by its size); on
the sample week (420 dated orders, a minute-long plan) it is a job by itself and is stopped."""

from __future__ import annotations

import re
from itertools import pairwise
from pathlib import Path
from typing import Any

import httpx

from tests.console.pages import expect_text
from tests.console.server import Server
from tests.text import latin_words

#: how long a running job may take to stop (ms): until its engine's next progress step
STOP = 180_000


def _jobs(server: Server) -> list[dict[str, Any]]:
    auth = {"Authorization": f"Bearer {server.dispatcher}"}
    r = httpx.get(server.base + "/v1/districts/gulou/jobs", headers=auth)
    return list(r.json()["data"])


def _as_job(p: Any, posts: list[str]) -> None:
    """Every proposal request of the page is sent with ``Prefer: respond-async``."""

    def route(r: Any) -> None:
        if r.request.method != "POST":
            r.continue_()
            return
        posts.append(r.request.url)
        r.continue_(headers={**r.request.headers, "prefer": "respond-async"})

    p.route("**/v1/districts/gulou/proposals", route)


def test_a_proposal_job_is_followed_to_its_proposal(
    page_factory: Any, fresh_server: Server, shots: Path
) -> None:
    pg = page_factory()
    p = pg.sign_in(fresh_server.base, fresh_server.dispatcher)
    posts: list[str] = []
    _as_job(p, posts)
    seen: list[str] = []
    p.on("response", lambda r: seen.append(r.url) if "/jobs/" in r.url else None)
    p.get_by_role("button", name="派遣方案").click()
    expect_text(p, "#pinfo", "还没有方案")
    p.locator("#propose").dblclick()
    expect_text(p, "#pinfo", "方案 #1")
    expect_text(p, "#status", "方案 #1 已生成")
    assert p.locator("#abody tr").count() == 364
    assert not p.locator("#job-cancel").is_visible()
    assert p.locator("#propose").is_enabled()
    pg.shot(shots, "job-done")
    assert len(posts) == 1, posts  # the double click sent one request
    jobs = _jobs(fresh_server)
    assert [j["status"] for j in jobs] == ["done"]
    assert seen, "the page never read its job"
    assert pg.banners() == [] and pg.errors == []

    # a failed job: its problem in the banner, the status line says it failed
    def failed(r: Any) -> None:
        r.fulfill(
            status=200,
            content_type="application/json",
            body=(
                '{"id":"x1","status":"failed","phase":null,"fraction":null,'
                '"created":"2026-12-06T10:00:00+00:00","started":null,"finished":null,'
                '"proposal":null,"error":{"type":"about:blank","title":"Service Unavailable",'
                '"status":503,"detail":"worker lost","code":"job.worker_lost"}}'
            ),
        )

    p.route("**/v1/districts/gulou/jobs/*", failed)
    p.get_by_role("button", name="生成方案").click()
    expect_text(p, "#error", "方案计算失败")
    expect_text(p, "#error", "503")
    expect_text(p, "#pinfo", "方案 #1")
    assert p.locator("#propose").is_enabled()
    pg.shot(shots, "job-failed")


def test_a_proposal_job_can_be_stopped(page_factory: Any, week_server: Server, shots: Path) -> None:
    from playwright.sync_api import expect

    pg = page_factory()
    p = pg.sign_in(week_server.base, week_server.dispatcher)
    p.get_by_role("button", name="派遣方案").click()
    expect_text(p, "#pinfo", "方案 #1")  # the few orders tests/console/weekdata.py dispatched
    p.get_by_role("button", name="生成方案").click()
    p.locator("#job-cancel").wait_for()
    expect_text(p, "#status", "后台计算方案")
    assert p.locator("#propose").is_disabled()
    text = " ".join(pg.visible_text())
    assert latin_words(text, {"gulou"}) == [], latin_words(text, {"gulou"})
    pg.shot(shots, "job-running")
    p.get_by_role("button", name="停止计算").click()
    expect_text(p, "#status", "正在停止计算")
    assert p.locator("#job-cancel").is_disabled()
    pg.shot(shots, "job-stopping")
    # in English meanwhile: the same state in English words (or, on a busy machine, the
    # job may have reached its next step and stopped by the time the switch is read)
    p.get_by_role("button", name="Switch to English").click()
    stopped = "Computing was stopped: no new proposal"
    either = re.compile(re.escape("Stopping (at the end of the current step)") + "|" + stopped)
    expect(p.locator("#status")).to_have_text(either, timeout=STOP)
    # a running job stops at its engine's next progress step
    expect(p.locator("#status")).to_contain_text(stopped, timeout=STOP)
    assert not p.locator("#job-cancel").is_visible()
    assert p.locator("#propose").is_enabled()
    expect_text(p, "#pinfo", "Proposal #1")
    assert [j["status"] for j in _jobs(week_server)] == ["cancelled"]
    pg.shot(shots, "job-stopped")
    assert pg.banners() == [] and pg.errors == []


def test_a_proposal_horizon(page_factory: Any, week_server: Server, fresh_server: Server) -> None:
    """On a district with dated orders, 自/至 are sent as the request's ``from``/``to``; a
    horizon over 62 days is refused in the banner in the page's language, a day that is none
    before anything is sent. Without dated orders there are no such fields."""
    import json

    pg = page_factory()
    p = pg.sign_in(week_server.base, week_server.dispatcher)
    bodies: list[dict[str, Any]] = []
    p.on(
        "request",
        lambda r: (
            bodies.append(json.loads(r.post_data or "{}"))
            if r.method == "POST" and r.url.endswith("/proposals")
            else None
        ),
    )
    p.get_by_role("button", name="派遣方案").click()
    p.get_by_label("自").fill("2026-13-01")
    p.get_by_role("button", name="生成方案").click()
    expect_text(p, "#error", "2026-13-01")
    assert bodies == []
    p.get_by_label("自").fill("2026-12-01")
    p.get_by_label("至").fill("2027-3-1")
    p.get_by_role("button", name="生成方案").click()
    expect_text(p, "#error", "天")
    assert bodies == [{"from": "2026-12-01", "to": "2027-03-01"}]
    banner = p.locator("#error").inner_text()
    assert latin_words(banner, {"gulou"}) == [], banner
    assert p.locator("#propose").is_enabled()
    p.get_by_role("button", name="Switch to English").click()
    p.get_by_role("button", name="Propose").click()
    expect_text(p, "#error", "plan at most 62 days")
    assert p.get_by_label("From").input_value() == "2026-12-01"

    other = page_factory()
    q = other.sign_in(fresh_server.base, fresh_server.dispatcher)
    q.get_by_role("button", name="派遣方案").click()
    expect_text(q, "#pinfo", "还没有方案")
    assert q.locator("#p-from").count() == 0


def _gate(held: str) -> str:
    """A page script: the requests ``held(method, url)`` names wait at a gate the test opens
    (``window.__open()``); ``__held`` counts the requests waiting, ``__passed`` those answered."""
    return """
  const f0 = window.fetch;
  let open = null;
  const gate = new Promise((r) => { open = r; });
  const held = (m, u) => HELD;
  Object.assign(window, { __held: 0, __passed: 0, __open: () => open() });
  window.fetch = async (u, o) => {
    if (!held((o && o.method) || 'GET', String(u))) return f0(u, o);
    window.__held += 1;
    await gate;
    const r = await f0(u, o);
    window.__passed += 1;
    return r;
  };""".replace("HELD", held)


def _wait_done(server: Server, p: Any) -> None:
    """Until gulou's one job is done (on the server)."""
    for _ in range(600):
        if [j["status"] for j in _jobs(server)] == ["done"]:
            return
        p.wait_for_timeout(100)
    assert [j["status"] for j in _jobs(server)] == ["done"]


def test_a_job_of_the_district_left_stays_there(
    page_factory: Any, two_server: Server, shots: Path
) -> None:
    """A district chosen while the other's job is being read: the job's end (its proposal)
    shows in neither the new district's proposal view nor its status line or banner, and
    生成方案 is free there; back on the first district its proposal is there."""
    from playwright.sync_api import expect

    pg = page_factory()
    pg.page.add_init_script(_gate("m === 'GET' && u.includes('/jobs/')"))
    p = pg.sign_in(two_server.base, two_server.dispatcher)
    # the badge lists the districts as the page's language does (、 in Chinese)
    expect_text(p, "#role-badge", "可见区 gulou、week")
    _as_job(p, [])
    p.get_by_role("button", name="派遣方案").click()
    expect_text(p, "#pinfo", "还没有方案")
    p.get_by_role("button", name="生成方案").click()
    p.wait_for_function("window.__held > 0")  # the job's first read is under way
    p.select_option("#district", "week")
    p.locator("#map circle.dot").first.wait_for()  # the new district's first view
    p.get_by_role("button", name="派遣方案").click()
    expect_text(p, "#pinfo", "还没有方案")
    expect(p.locator("#propose")).to_be_enabled()  # once the view is drawn anew
    expect(p.locator("#job-cancel")).to_be_hidden()
    # the gulou job ends, then its read is answered
    _wait_done(two_server, p)
    p.evaluate("window.__open()")
    p.wait_for_function("window.__passed > 0")
    p.wait_for_timeout(1500)  # what a late answer would draw, drawn by now
    assert p.locator("#district").input_value() == "week"
    expect_text(p, "#pinfo", "还没有方案")
    assert p.locator("#abody tr").count() == 0
    assert "已生成" not in p.locator("#status").inner_text()
    assert p.locator("#propose").is_enabled()
    assert pg.banners() == [] and pg.errors == []
    pg.shot(shots, "job-other-district")
    p.select_option("#district", "gulou")
    p.get_by_role("button", name="派遣方案").click()
    expect_text(p, "#pinfo", "方案 #1")
    assert pg.banners() == [] and pg.errors == []


def test_a_district_chosen_while_a_proposal_is_asked_for(
    page_factory: Any, two_server: Server
) -> None:
    """A district chosen while the request for a proposal is on its way: the job it starts
    is not looked for in the new district (no banner); a job ending while another view of
    its district is shown says nothing there, and its proposal is in the proposal view."""
    from playwright.sync_api import expect

    pg = page_factory()
    pg.page.add_init_script(_gate("m === 'POST' && u.endsWith('/proposals')"))
    p = pg.sign_in(two_server.base, two_server.dispatcher)
    _as_job(p, [])
    p.get_by_role("button", name="派遣方案").click()
    p.get_by_role("button", name="生成方案").click()
    p.wait_for_function("window.__held > 0")  # the request waits
    p.select_option("#district", "week")
    p.locator("#map circle.dot").first.wait_for()
    p.get_by_role("button", name="派遣方案").click()
    expect_text(p, "#pinfo", "还没有方案")
    p.evaluate("window.__open()")
    p.wait_for_function("window.__passed > 0")
    _wait_done(two_server, p)
    p.wait_for_timeout(1500)  # what a late answer would draw, drawn by now
    expect_text(p, "#pinfo", "还没有方案")
    assert pg.banners() == [] and pg.errors == []

    # back on gulou: a job that ends while the overview is shown says nothing there
    p.select_option("#district", "gulou")
    p.locator("#map circle.dot").first.wait_for()
    p.get_by_role("button", name="派遣方案").click()
    expect_text(p, "#pinfo", "方案 #1")
    p.get_by_role("button", name="生成方案").click()
    p.locator("#job-cancel").wait_for()
    p.get_by_role("button", name="需求热力图").click()
    idle = "!document.querySelector('#view-proposal').hasAttribute('aria-busy')"
    p.wait_for_function(idle, timeout=STOP)  # the page has followed its job to its end
    assert "已生成" not in p.locator("#status").inner_text()
    assert pg.banners() == [] and pg.errors == []
    p.get_by_role("button", name="派遣方案").click()
    expect_text(p, "#pinfo", "方案 #2")
    expect(p.locator("#propose")).to_be_enabled()


def _kept(p: Any) -> str | None:
    """The job URL the tab keeps for gulou (sessionStorage), if any."""
    kept: str | None = p.evaluate("sessionStorage.getItem('matcher.job.gulou')")
    return kept


def test_a_reload_follows_the_job_again(
    page_factory: Any, fresh_server: Server, shots: Path
) -> None:
    """The page is reloaded while its job is being read: the reloaded page reads the job
    again (生成方案 waits, the progress shows) and shows its proposal when it is done; the
    tab then forgets it. A kept job the server no longer has (404) is forgotten quietly."""
    from playwright.sync_api import expect

    pg = page_factory()
    pg.page.add_init_script(_gate("m === 'GET' && u.includes('/jobs/')"))  # on every load
    p = pg.sign_in(fresh_server.base, fresh_server.dispatcher)
    _as_job(p, [])
    p.get_by_role("button", name="派遣方案").click()
    p.get_by_role("button", name="生成方案").click()
    p.wait_for_function("window.__held > 0")  # the job's first read is under way
    (job,) = _jobs(fresh_server)
    assert _kept(p) == f"/v1/districts/gulou/jobs/{job['id']}"
    p.reload()
    p.wait_for_function("window.__held > 0")  # the reloaded page reads the job again
    expect(p.locator("#view-proposal")).to_be_visible()  # opened where the job shows
    expect(p.locator("#propose")).to_be_disabled()
    expect(p.locator("#progress")).to_be_visible()
    expect_text(p, "#status", "正在计算最优方案")
    pg.shot(shots, "job-reloaded")
    _wait_done(fresh_server, p)
    p.evaluate("window.__open()")
    expect_text(p, "#status", "方案 #1 已生成")
    expect_text(p, "#pinfo", "方案 #1")
    expect(p.locator("#propose")).to_be_enabled()
    assert _kept(p) is None  # done: forgotten
    assert pg.banners() == [] and pg.errors == []

    # a job the server does not have (expired): forgotten without a word
    p.evaluate("sessionStorage.setItem('matcher.job.gulou', '/v1/districts/gulou/jobs/gone')")
    p.reload()
    p.evaluate("window.__open()")
    p.wait_for_function("sessionStorage.getItem('matcher.job.gulou') === null")
    p.get_by_role("button", name="派遣方案").click()
    expect_text(p, "#pinfo", "方案 #1")
    expect(p.locator("#propose")).to_be_enabled()
    assert pg.banners() == []
    # the browser logs the 404 read itself; nothing else went wrong
    assert [e for e in pg.errors if "404" not in e] == [], pg.errors


#: a job that stays running, as the server would answer it (the POST's 202 and every read)
_RUNNING = (
    '{"id":"j1","status":"running","phase":"solving","fraction":0.25,'
    '"created":"2026-12-06T10:00:00+00:00","started":"2026-12-06T10:00:00+00:00",'
    '"finished":null,"proposal":null,"error":null}'
)

#: a page script: the page's reads of a job, each stamped with the page's clock
_STAMP_READS = """
  const f0 = window.fetch;
  Object.assign(window, { __reads: [], __open_reads: 0 });
  window.fetch = async (u, o) => {
    const read = ((o && o.method) || 'GET') === 'GET' && String(u).includes('/jobs/');
    if (!read) return f0(u, o);
    window.__reads.push(Date.now());
    window.__open_reads += 1;
    try { const r = await f0(u, o); await r.clone().text(); return r; }
    finally { window.__open_reads -= 1; }
  };"""


def test_a_long_job_is_read_less_and_less_often(page_factory: Any, fresh_server: Server) -> None:
    """A job that runs long is read after 400 ms, then each time later, at most every 3 s
    (the page's clock is Playwright's, moved by the test 100 ms at a time)."""
    pg = page_factory()
    pg.page.add_init_script(_STAMP_READS)
    pg.page.clock.install()
    p = pg.sign_in(fresh_server.base, fresh_server.dispatcher)

    def answer(r: Any) -> None:
        status = 202 if r.request.method == "POST" else 200
        r.fulfill(status=status, content_type="application/json", body=_RUNNING)

    p.route("**/v1/districts/gulou/proposals", answer)
    p.route("**/v1/districts/gulou/jobs/j1", answer)
    p.get_by_role("button", name="派遣方案").click()
    p.clock.pause_at(p.evaluate("Date.now()") + 60_000)
    p.get_by_role("button", name="生成方案").click()
    p.locator("#job-cancel").wait_for()
    start = p.evaluate("Date.now()")
    for _ in range(300):  # 30 s of the page's time
        p.clock.run_for(100)
        for _ in range(200):  # the read the step set off is answered before the next step
            if p.evaluate("window.__open_reads") == 0:
                break
            p.wait_for_timeout(10)
        p.wait_for_timeout(5)
    reads = [start, *p.evaluate("window.__reads")]
    gaps = [b - a for a, b in pairwise(reads)]
    assert gaps[0] <= 500, gaps  # the first read soon
    # then each later than the last (to the 100 ms the clock is moved by)
    assert all(b >= a - 100 for a, b in pairwise(gaps)), gaps
    assert 2000 <= max(gaps) <= 3100, gaps  # up to about 3 s, no more
    assert len(reads) - 1 <= 16, gaps  # about a dozen reads in 30 s (75 at 400 ms)
    expect_text(p, "#status", "已完成 25%")
    assert pg.banners() == [] and pg.errors == []


def test_a_reload_keeps_the_district_shown(page_factory: Any, two_server: Server) -> None:
    """A reload comes back on the district the tab showed (the second one here), not on
    the first of the list; a job kept for a district would take the page there."""
    pg = page_factory()
    p = pg.sign_in(two_server.base, two_server.dispatcher)
    p.select_option("#district", "week")
    p.locator("#map circle.dot").first.wait_for()
    p.reload()
    p.locator("#map circle.dot").first.wait_for()
    assert p.locator("#district").input_value() == "week"
    p.evaluate("sessionStorage.setItem('matcher.job.gulou', '/v1/districts/gulou/jobs/gone')")
    p.reload()
    p.wait_for_function("sessionStorage.getItem('matcher.job.gulou') === null")  # 404: dropped
    assert p.locator("#district").input_value() == "gulou"
    assert pg.banners() == []
    # signing out forgets what the tab followed: the next to sign in starts afresh
    p.select_option("#district", "week")
    p.locator("#map circle.dot").first.wait_for()
    p.evaluate("sessionStorage.setItem('matcher.job.week', '/v1/districts/week/jobs/x')")
    p.get_by_role("button", name="退出登录").click()
    p.locator("#signin").wait_for()
    kept = p.evaluate("Object.keys(sessionStorage).filter((k) => k.startsWith('matcher.'))")
    assert kept == [], kept
