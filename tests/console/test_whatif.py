"""The what-if view in a district with dated orders: the fixes of the ongoing orders, the
note that they keep the dated dispatches (fix.keeps_dated) and the short dated orders
without fixes (fix.dated_unpriced), in the page's language.

The answer is the service's shape (tests/api/test_scenarios.py computes a real one), set on
the route here: a scenario on the sample week runs two minute-long MILPs, too slow for a
browser test."""

from __future__ import annotations

import json
from typing import Any

from tests.console.pages import expect_count, expect_text
from tests.console.server import Server
from tests.text import latin_words

#: a scenario answer with explain_unfilled in a dated district, as POST …/scenarios gives it
ANSWER: dict[str, Any] = {
    "scenario": "console",
    "kpis": [{"kpi": "slots_filled", "base": 5, "scenario": 4, "delta": -1}],
    "unfilled_by_category": [],
    "unfilled_by_tag": [],
    "churn": {"kept": 4, "moved": 0, "added": 0, "dropped": 1, "changes": []},
    "counterfactuals": [
        {
            "demand": "D4",
            "slots": 1,
            "options": [
                {
                    "kind": "travel",
                    "cadre": "P7",
                    "text": "let 周七 (P7) travel 3.1 km (2.1 km over their 1 km limit)",
                    "why": {
                        "code": "fix.travel",
                        "params": {
                            "name": "周七",
                            "cadre": "P7",
                            "km": 3.1,
                            "over": 2.1,
                            "limit": 1.0,
                        },
                    },
                    "score": 40.0,
                    "objective_delta": 12.5,
                }
            ],
        }
    ],
    "counterfactuals_note": {"code": "fix.keeps_dated", "params": {}},
    "counterfactuals_unpriced": {
        "code": "fix.dated_unpriced",
        "params": {"count": 12, "demands": [f"S{k}" for k in range(10)], "more": 2},
    },
}


def test_the_notes_beside_the_fixes_show_in_both_languages(
    page_factory: Any, server: Server
) -> None:
    pg = page_factory()
    p = pg.sign_in(server.base, server.planner)
    sent: list[dict[str, Any]] = []

    def answer(r: Any) -> None:
        sent.append(json.loads(r.request.post_data or "{}"))
        r.fulfill(status=200, content_type="application/json", body=json.dumps(ANSWER))

    p.route("**/v1/districts/gulou/scenarios", answer)
    p.get_by_role("button", name="推演").click()
    p.locator("#wi-form").wait_for()
    p.get_by_label("为空缺计算最小调整（较慢）").check()
    p.get_by_role("button", name="运行推演").click()
    expect_text(p, "#wi-fix-note", "长期任务的补救办法保持定时工单的派遣不变")
    expect_text(p, "#wi-fix-unpriced", "12 个有空缺的定时工单（S0、S1")
    assert "等另 2 个" in p.locator("#wi-fix-unpriced").inner_text()
    assert sent and sent[0]["explain_unfilled"] is True
    for sel in ("#wi-fixes", "#wi-fix-note", "#wi-fix-unpriced"):
        assert latin_words(p.locator(sel).inner_text()) == [], sel
    p.get_by_role("button", name="Switch to English").click()
    expect_text(p, "#wi-fix-note", "fixes for ongoing orders keep the dated orders' dispatches")
    expect_text(p, "#wi-fix-unpriced", "12 short dated orders (S0, S1")
    assert "and 2 more" in p.locator("#wi-fix-unpriced").inner_text()
    # an answer without dated orders says neither
    plain = {**ANSWER, "counterfactuals_note": None, "counterfactuals_unpriced": None}
    p.unroute("**/v1/districts/gulou/scenarios")
    p.route(
        "**/v1/districts/gulou/scenarios",
        lambda r: r.fulfill(status=200, content_type="application/json", body=json.dumps(plain)),
    )
    p.get_by_role("button", name="Run scenario").click()
    expect_text(p, "#wi-fixes", "P7")  # shown by the first answer too: wait for the notes
    expect_count(p.locator("#wi-fix-note, #wi-fix-unpriced"), 0)
    assert pg.errors == []
