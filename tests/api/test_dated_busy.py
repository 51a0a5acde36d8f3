"""Why a dated order is unfilled, over HTTP: the orders a busy cadre holds then are named."""

from __future__ import annotations

import datetime as dt

from fastapi.testclient import TestClient

from matcher.store import today
from tests.api.tokens import Tokens
from tests.clock import SHANGHAI

D = "/v1/districts/d1"
NEED = {"community": "C3", "title": "防汛值守", "needs": {"emergency.flood_control": 3},
        "requires": {"emergency.flood_control": 2}, "priority": 5}  # fmt: skip


def test_busy_then_names_the_order_a_dispatch_holds_at_that_time(
    client: TestClient, tokens: Tokens
) -> None:
    h, d = tokens.h("admin"), tokens.h("dispatcher")
    r = client.get(f"{D}/cadres/P4", headers=h).json()
    body = {k: r[k] for k in ("name", "home", "certs", "status")}
    body |= {"skills": {"emergency.flood_control": 4}, "capacity": 1, "version": r["version"]}
    assert client.put(f"{D}/cadres/P4", json=body, headers=h).status_code == 200
    day = (today(SHANGHAI) + dt.timedelta(days=3)).isoformat()
    held = {**NEED, "id": "H1", "start": f"{day}T18:00", "end": f"{day}T22:00"}
    assert client.post(f"{D}/demands", json=held, headers=h).status_code == 201
    prop = client.post(f"{D}/proposals", json={}, headers=d).json()
    pair = [{"cadre": "P4", "demand": "H1"}]
    r = client.post(f"{D}/proposals/{prop['id']}/accept", json={"assignments": pair}, headers=d)
    assert r.status_code == 201, r.text
    # P4, the only one qualified, holds H1 (accepted, not in this plan) during H2
    late = {**NEED, "id": "H2", "start": f"{day}T19:00", "end": f"{day}T21:00"}
    assert client.post(f"{D}/demands", json=late, headers=h).status_code == 201
    plan = client.post(f"{D}/proposals", json={}, headers=d).json()["result"]
    (u,) = [u for u in plan["unfilled"] if u["demand"] == "H2"]
    (why,) = [m for m in u["why"] if m["code"] == "unfilled.busy_then"]
    assert why["params"]["count"] == 1
    assert why["params"]["demands"] == ["H1"], why
    assert any("on H1" in x for x in u["reasons"]), u["reasons"]
