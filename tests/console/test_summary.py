"""The overview map shows unmet demand, qualified free supply or the gap, the latter two
from the server's summary (GET …/summary?by=community), not computed in the browser."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx

from tests.console.pages import expect_text
from tests.console.server import Server
from tests.text import latin_words


def test_the_map_shows_supply_and_the_gap(page_factory: Any, server: Server, shots: Path) -> None:
    cells = httpx.get(
        f"{server.base}/v1/districts/gulou/summary",
        params={"by": "community"},
        headers={"Authorization": f"Bearer {server.dispatcher}"},
    ).json()["cells"]
    short = min(cells, key=lambda c: (c["balance"], c["community"]))
    pg = page_factory()
    p = pg.sign_in(server.base, server.dispatcher)
    assert p.locator("#cat").is_enabled()
    p.get_by_label("地图显示").select_option("gap")
    assert p.locator("#cat").is_disabled()  # the skill filter is the demand view's
    expect_text(p, "#legend", "缺口")
    assert "1–0" not in p.locator("#legend").inner_text()  # no empty step
    dot = p.locator(f'#map circle.dot[data-c="{short["community"]}"]')
    label = dot.get_attribute("aria-label") or ""
    assert f"可派合格干部 {short['supply']}" in label
    assert f"缺口（名额多于可派干部） {max(0, -short['balance'])}" in label
    dot.click()
    expect_text(p, '#cinfo dd[data-k="supply"]', str(short["supply"]))
    expect_text(p, '#cinfo dd[data-k="gap"]', str(max(0, -short["balance"])))
    pg.shot(shots, "map-gap")
    p.get_by_label("地图显示").select_option("supply")
    expect_text(p, "#legend", "可派合格干部")
    assert latin_words(p.locator("#view-overview .head").inner_text()) == []
    p.get_by_label("地图显示").select_option("demand")
    assert p.locator("#cat").is_enabled()
    expect_text(p, "#legend", "未满足需求")
    assert pg.errors == []
