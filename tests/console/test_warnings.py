"""The three-colour warnings view's rule filter and decisions together (三色预警): over the
sample's history, a dispatcher narrows the list to one rule, ticks three warnings and
confirms them, one of which someone else has decided meanwhile: two are confirmed (their
cadres turn yellow) and the third is listed with the server's refusal; then every warning
shown is dismissed at once. In Chinese, then English."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import httpx

from tests.console.pages import PHONE, expect_count, expect_text
from tests.console.server import Server
from tests.text import latin_words

RULE = "low_rating"
RULE_ZH = "评分偏低"


def _get(s: Server, path: str) -> Any:
    r = httpx.get(
        s.base + "/v1/districts/gulou" + path,
        headers={"Authorization": f"Bearer {s.dispatcher}"},
    )
    assert r.status_code == 200, r.text
    return r.json()


def _pending(s: Server, rule: str) -> list[dict[str, Any]]:
    rows = _get(s, "/warnings?state=pending&limit=1000")["data"]
    return [w for w in rows if w["rule"] == rule]


def test_rule_filter_and_decisions_together(
    page_factory: Any, history_server: Server, shots: Path
) -> None:
    s = history_server
    pg = page_factory()
    p = pg.sign_in(s.base, s.dispatcher)
    p.get_by_role("button", name="三色预警").click()
    p.get_by_role("button", name="重新评估").click()
    expect_text(p, "#status", "评估完成")
    everyone = _get(s, "/warnings?state=pending&limit=1000")["count"]
    mine = _pending(s, RULE)
    assert len(mine) >= 5 and len(mine) < everyone

    # one rule: only its warnings, the server's, in its order
    p.locator("#wa-rule").select_option(label=RULE_ZH)
    rows = p.locator("#warnings tbody tr")
    expect_text(p, "#wa-count", f"显示 {len(mine)} / {everyone}")
    expect_count(rows, len(mine))
    assert [int(r.get_attribute("data-id") or 0) for r in rows.all()] == [w["id"] for w in mine]
    assert set(rows.locator("td:nth-child(4)").all_inner_texts()) == {RULE_ZH}
    words = " ".join(p.locator("#view-warnings .head, #wa-bulk").all_inner_texts())
    assert latin_words(words) == []

    # three ticked; the second is dismissed elsewhere before the page decides
    picked = [w["id"] for w in mine[:3]]
    for wid in picked:
        p.get_by_label(f"选择预警 #{wid}").check()
    r = httpx.post(
        f"{s.base}/v1/districts/gulou/warnings/{picked[1]}/dismiss",
        json={"note": "已另行处理"},
        headers={"Authorization": f"Bearer {s.dispatcher}", "Idempotency-Key": "elsewhere"},
    )
    assert r.status_code == 200, r.text
    p.get_by_label("处理说明（可选）").fill("月度复核")
    p.locator("#wa-bulk").get_by_role("button", name="确认所选").click()
    expect_text(p, "#confirm-msg", "确认所选 3 条预警？")
    p.locator("#confirm").get_by_role("button", name="确认所选").click()
    expect_text(p, "#status", "已确认 2 条预警；1 条未能处理")
    failures = p.locator("#wa-failures li")
    expect_count(failures, 1)
    assert failures.first.get_attribute("data-id") == str(picked[1])
    expect_text(p, "#wa-failures", "出错了（409）")
    pg.shot(shots, "warnings-bulk")
    p.set_viewport_size(PHONE)  # a phone's screen holds the ticks and the list
    p.wait_for_timeout(50)
    assert pg.phone_layout_problems() == []
    pg.shot(shots, "warnings-bulk-phone")
    p.set_viewport_size({"width": 1280, "height": 800})

    by_id = {w["id"]: w for w in _get(s, "/warnings?limit=1000")["data"]}
    for wid in (picked[0], picked[2]):
        assert by_id[wid]["state"] == "confirmed" and by_id[wid]["note"] == "月度复核"
        assert _get(s, f"/cadres/{by_id[wid]['cadre']}")["status"] == "yellow"
    assert by_id[picked[1]]["state"] == "dismissed"
    assert by_id[picked[1]]["note"] == "已另行处理"
    expect_count(rows, len(mine) - 3)

    # every pending one shown, dismissed at once
    p.get_by_label("全选所显示的待处理预警").check()
    p.locator("#wa-bulk").get_by_role("button", name="驳回所选").click()
    p.locator("#confirm").get_by_role("button", name="驳回所选").click()
    expect_text(p, "#status", f"已驳回 {len(mine) - 3} 条预警")
    expect_count(p.locator("#wa-none"), 1)
    assert _pending(s, RULE) == []
    assert _get(s, "/warnings?state=pending&limit=1")["count"] == everyone - len(mine)

    # English: the filter and the buttons in its words
    p.get_by_role("button", name="Switch to English").click()
    p.locator("#wa-rule").select_option("all")
    expect_text(p, "#wa-bulk", "Confirm selected")
    expect_text(p, "#wa-rule", "All rules")
    assert [e for e in pg.errors if "status of 409" not in e] == []


def test_loaded_past_work_shows_no_score_and_its_days(
    page_factory: Any, history_server: Server
) -> None:
    """A dispatch of the loaded past (on an archived demand copy, ``D0004@2026-03``) has no
    score and only its days are known: a dash and dates, not a 0 and a made-up 12:00."""
    pg = page_factory()
    p = pg.sign_in(history_server.base, history_server.dispatcher)
    p.get_by_role("button", name="派遣记录").click()
    p.locator("#dfilter").select_option("completed")
    row = p.locator("#dispatches tbody tr", has_text="@").first
    row.wait_for()
    cells = row.locator("td").all_inner_texts()
    assert "—" in cells and "0" not in cells
    days = [c for c in cells if re.fullmatch(r"\d{4}-\d{2}-\d{2}", c.strip())]
    assert len(days) == 2, cells
    assert not any(re.search(r"\d{2}:\d{2}", c) for c in cells)
