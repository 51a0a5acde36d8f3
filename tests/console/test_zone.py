"""The console in each district's own time zone (its policy's ``timezone``).

Two districts of the tiny case, ``la`` (America/Los_Angeles) and ``sh`` (the default,
Asia/Shanghai), written to at 05:00 UTC on 2026-12-10: 21:00 on the 9th in Los Angeles,
13:00 on the 10th in Shanghai. The browser's clock says 05:00 UTC on Monday 2026-12-14:
still Sunday the 13th in Los Angeles, Monday in Shanghai. Each district has a dated order
on that Sunday and one on that Monday (its own local times), so "this week" is the week
of 12-07 in ``la`` and of 12-14 in ``sh``. The page must show a dispatch's and an audit
entry's time, filter the audit trail by day and open the week view in the district's
clock, and name that clock. Then the browser's day bounds are checked against the
server's (``utc_bound``) on every day of 2026 in zones with summer time, one that skips
midnight (Santiago) and one with a half-hour shift (Lord Howe).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from matcher import load_case, propose
from matcher.store import Store
from matcher.store.ledger import utc_bound
from tests.api.casefile import write_tiny
from tests.clock import LOS_ANGELES, SHANGHAI, set_clock
from tests.console.pages import expect_count, expect_text
from tests.console.server import ADMIN_LABEL
from tests.serving import running_server
from tests.text import latin_words

#: when every write was made: 21:00 on the 9th in Los Angeles, 13:00 on the 10th in Shanghai
WRITTEN = dt.datetime(2026, 12, 10, 5, 0, tzinfo=dt.UTC)
#: the browser's now: 21:00 on Sunday the 13th in Los Angeles, 13:00 on Monday the 14th in Shanghai
NOW = dt.datetime(2026, 12, 14, 5, 0, tzinfo=dt.UTC)
#: two dated orders, local wall-clock times: that Sunday's and that Monday's
DATED = """D5,C2,周日助老,livelihood.elderly_care:3,,,1,3,2026-12-13T10:00,2026-12-13T12:00,
D6,C2,周一助老,livelihood.elderly_care:3,,,1,3,2026-12-14T10:00,2026-12-14T12:00,
"""


def _case(tmp: Path) -> Path:
    """The tiny case with the two dated orders."""
    root = write_tiny(tmp / "tiny")
    demands = (root / "demands.csv").read_text(encoding="utf-8").splitlines()
    rows = [demands[0] + ",start,end,hours", *(r + ",,," for r in demands[1:])]
    (root / "demands.csv").write_text("\n".join(rows) + "\n" + DATED, encoding="utf-8")
    return root


def _dispatch(store: Store, district: str) -> None:
    """Propose and accept the whole plan (every write at the store's clock, WRITTEN)."""
    with store.read() as tx:
        snap = tx.snapshot(district)
    plan = propose(snap.case)
    pairs = [(a.cadre, a.demand) for a in plan.assignments]
    assert pairs
    with store.write() as tx:
        pid = tx.add_proposal(district, {}, plan.model_dump(mode="json"), snap.basis(pairs), pairs)
        tx.accept(district, pid)


@pytest.fixture
def zoned(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, str]]:
    """A served store with ``la`` and ``sh`` written to at WRITTEN: (base URL, admin token)."""
    set_clock(monkeypatch, WRITTEN)
    case = load_case(_case(tmp_path))
    db = tmp_path / "zone.db"
    store = Store.open(db)
    try:
        with store.write() as tx:
            policy = f'timezone = "{LOS_ANGELES.key}"\n'
            tx.import_case("la", case, name="洛杉矶区", policy_toml=policy)
            tx.import_case("sh", case, name="上海区")
            admin = tx.create_token("admin", label=ADMIN_LABEL)[0]
        for district in ("la", "sh"):
            _dispatch(store, district)
    finally:
        store.close()
    monkeypatch.undo()  # the server below runs on the real clock; the page on its own
    with running_server(db, tmp_path) as base:
        yield base, admin


def _stamp(at: str, zone: ZoneInfo, seconds: bool = False) -> str:
    return (
        dt.datetime.fromisoformat(at)
        .astimezone(zone)
        .strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")
    )


def _filter_days(p: Any, first: str, last: str) -> None:
    p.locator("#au-from").fill(first)
    p.locator("#au-to").fill(last)
    p.get_by_role("button", name="查询").click()


def test_times_today_and_days_follow_the_districts_zone(
    page_factory: Any, zoned: tuple[str, str]
) -> None:
    base, admin = zoned
    h = {"Authorization": f"Bearer {admin}"}
    listed = httpx.get(base + "/v1/districts", headers=h).json()["data"]
    assert {d["id"]: d["timezone"] for d in listed} == {
        "la": "America/Los_Angeles",
        "sh": "Asia/Shanghai",
    }
    trail = httpx.get(base + "/v1/districts/la/audit", headers=h).json()
    n = trail["count"]
    assert n >= 2 and {e["at"] for e in trail["data"]} == {"2026-12-10T05:00:00.000+00:00"}
    dispatch = httpx.get(base + "/v1/districts/la/dispatches?limit=1", headers=h).json()["data"][0]
    la_when, sh_when = (
        _stamp(dispatch["created_at"], LOS_ANGELES),
        _stamp(dispatch["created_at"], SHANGHAI),
    )
    assert (la_when, sh_when) == ("2026-12-09 21:00", "2026-12-10 13:00")  # the premise

    pg = page_factory()
    pg.page.clock.set_fixed_time(NOW)
    p = pg.sign_in(base, admin)
    assert p.locator("#district").input_value() == "la"

    # a dispatch's time: Los Angeles's
    p.get_by_role("button", name="派遣记录").click()
    row = p.locator(f'#dispatches tr[data-id="{dispatch["id"]}"]')
    assert row.locator("td.when").first.inner_text() == la_when

    # the audit trail: its times, its clock named, its days Los Angeles's
    p.get_by_role("button", name="审计").click()
    expect_text(p, "#audit thead", "时间（本区时间 America/Los_Angeles）")
    expect_count(p.locator("#audit tbody tr"), n)
    top = p.locator("#audit tbody tr").first.locator("td").all_inner_texts()
    assert top[1] == "2026-12-09 21:00:00"
    _filter_days(p, "2026-12-10", "2026-12-10")  # Shanghai's day of the writes, not LA's
    expect_text(p, "#au-count", "没有符合条件的审计记录。")
    _filter_days(p, "2026-12-09", "2026-12-09")
    expect_text(p, "#au-count", f"第 1–{n} 条，共 {n} 条")

    # the week first shown is Los Angeles's this week (Sunday the 13th), not Beijing's
    p.get_by_role("button", name="日程").click()
    expect_text(p, "#wk-line", "12-07 至 12-13（本区时间 America/Los_Angeles）：定时工单 1 项")
    assert p.locator("#wk-date").input_value() == "2026-12-07"
    assert latin_words(" ".join(pg.visible_text()), {"la", "sh"}) == []

    p.get_by_role("button", name="Switch to English").click()
    expect_text(p, "#wk-line", "12-07 – 12-13 (district time, America/Los_Angeles): 1 dated orders")

    # Shanghai beside it: the same instants in its clock, its week the next
    p.locator("#district").select_option("sh")
    p.get_by_role("button", name="Week", exact=True).click()
    expect_text(p, "#wk-line", "12-14 – 12-20 (district time, Asia/Shanghai): 1 dated orders")
    p.get_by_role("button", name="Dispatches", exact=True).click()
    sh_dispatch = httpx.get(base + "/v1/districts/sh/dispatches?limit=1", headers=h).json()
    sh_row = p.locator(f'#dispatches tr[data-id="{sh_dispatch["data"][0]["id"]}"]')
    assert sh_row.locator("td.when").first.inner_text() == sh_when
    p.get_by_role("button", name="Audit", exact=True).click()
    expect_text(p, "#audit thead", "Time (district time, Asia/Shanghai)")
    sh_n = httpx.get(base + "/v1/districts/sh/audit?limit=1", headers=h).json()["count"]
    for day, said in (("2026-12-09", "No audit entry matches."), ("2026-12-10", f"of {sh_n}")):
        p.locator("#au-from").fill(day)
        p.locator("#au-to").fill(day)
        p.get_by_role("button", name="Show", exact=True).click()
        expect_text(p, "#au-count", said)
    assert pg.banners() == [] and pg.errors == []


#: zones whose days the browser must bound as the server does: summer time both ways,
#: midnight skipped (Santiago, in September), a half-hour shift, none at all
ZONES = (
    "America/Los_Angeles",
    "Europe/London",
    "America/Santiago",
    "Australia/Lord_Howe",
    "Asia/Shanghai",
)
BOUNDS = """async (zones) => {
  const { dayStart, dayEnd, utcText } = await import('/console/core.js');
  const out = {};
  for (const z of zones) {
    out[z] = [];
    const end = Date.parse('2027-01-01T00:00:00Z');
    for (let ms = Date.parse('2026-01-01T00:00:00Z'); ms < end; ms += 86400000) {
      const day = new Date(ms).toISOString().slice(0, 10);
      out[z].push([day, utcText(dayStart(day, z)), utcText(dayEnd(day, z))]);
    }
  }
  return out;
}"""


def _z(ms_text: str) -> str:
    """The server's stamp (``…+00:00``, milliseconds) as the browser's ``toISOString``."""
    return ms_text.replace("+00:00", "Z")


def test_the_browsers_days_are_the_servers(page_factory: Any, zoned: tuple[str, str]) -> None:
    base, _ = zoned
    pg = page_factory()
    pg.page.goto(base + "/")
    got = pg.page.evaluate(BOUNDS, list(ZONES))
    for z in ZONES:
        zone = ZoneInfo(z)
        want = []
        for k in range(365):
            day = dt.date(2026, 1, 1) + dt.timedelta(days=k)
            end = dt.datetime.fromisoformat(utc_bound(day + dt.timedelta(days=1), zone))
            last = (end - dt.timedelta(milliseconds=1)).isoformat(timespec="milliseconds")
            want.append([day.isoformat(), _z(utc_bound(day, zone)), _z(last)])
        assert got[z] == want, z
    # the premise: these zones change their offset in 2026, Santiago at a midnight
    assert _z(utc_bound(dt.date(2026, 9, 6), ZoneInfo("America/Santiago"))) == (
        "2026-09-06T04:00:00.000Z"
    )
