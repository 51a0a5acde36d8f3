"""The demand form started from a service item of the district's catalogue: the item's
defaults fill the form, what is changed overrides them, and the demand keeps its item."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx

from tests.console.pages import expect_count, expect_text
from tests.console.server import Server
from tests.text import latin_words


def test_a_demand_from_a_catalogue_item(
    page_factory: Any, fresh_server: Server, shots: Path
) -> None:
    pg = page_factory()
    p = pg.sign_in(fresh_server.base, fresh_server.dispatcher)
    p.get_by_role("button", name="需求管理").click()
    p.get_by_role("button", name="新增需求").click()
    form = p.locator("#dm-form")
    form.get_by_label("从服务清单开始").select_option(label="防汛值守")
    assert form.get_by_label("事项").input_value() == "防汛值守"
    assert form.get_by_label("需要人数").input_value() == "3"
    assert form.locator("#dm-prio").input_value() == "5"
    chips = form.locator("#dm-needs li")
    expect_count(chips, 3)
    expect_text(p, "#dm-needs", "必须具备（至少 2 级）")
    # an override: two people instead of the item's three
    form.get_by_label("编号").fill("D9200")
    form.get_by_label("需要人数").fill("2")
    pg.shot(shots, "demand-from-item")
    assert latin_words(form.inner_text()) == []
    form.get_by_role("button", name="保存需求").click()
    expect_text(p, "#status", "需求 D9200 已新增")
    d = httpx.get(
        f"{fresh_server.base}/v1/districts/gulou/demands/D9200",
        headers={"Authorization": f"Bearer {fresh_server.dispatcher}"},
    ).json()
    assert (d["item"], d["title"], d["headcount"], d["priority"]) == (
        "flood_watch",
        "防汛值守",
        2,
        5,
    )
    assert d["needs"] == {
        "emergency.flood_control": 4,
        "emergency.emergency_drills": 2,
        "governance.grid_management": 2,
    }
    assert d["requires"] == {"emergency.flood_control": 2}
    # back to a blank form: no item
    p.get_by_role("button", name="新增需求").click()
    assert p.locator("#dm-item").input_value() == ""
    assert pg.errors == []
