"""A dated order's dispatch is completed or marked no-show only once the order has
started (by the endpoints and by outcomes.csv alike); a cancel is allowed any time."""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient

from matcher.store import today
from tests.api.tokens import Tokens
from tests.clock import SHANGHAI, set_clock

D = "/v1/districts/d1"
NEED = {"community": "C3", "title": "防汛值守", "needs": {"emergency.flood_control": 3},
        "requires": {"emergency.flood_control": 2}, "priority": 5}  # fmt: skip
OUT = "dispatch,ending,hours,rating,exempt,exempt_reason,cancel_reason,note,ended\n"


def _dispatched(client: TestClient, tokens: Tokens, day: str) -> dict[str, int]:
    """P4 (the only one qualified, capacity 2) holds T1 and T2, both on ``day`` 19:30."""
    h, d = tokens.h("admin"), tokens.h("dispatcher")
    r = client.get(f"{D}/cadres/P4", headers=h).json()
    body = {k: r[k] for k in ("name", "home", "certs", "status")}
    body |= {"skills": {"emergency.flood_control": 4}, "capacity": 2, "version": r["version"]}
    assert client.put(f"{D}/cadres/P4", json=body, headers=h).status_code == 200
    for did in ("T1", "T2"):
        order = {**NEED, "id": did, "start": f"{day}T19:30", "end": f"{day}T21:30"}
        assert client.post(f"{D}/demands", json=order, headers=h).status_code == 201
    prop = client.post(f"{D}/proposals", json={}, headers=d).json()
    pairs = [{"cadre": "P4", "demand": x} for x in ("T1", "T2")]
    r = client.post(f"{D}/proposals/{prop['id']}/accept", json={"assignments": pairs}, headers=d)
    assert r.status_code == 201, r.text
    return {x["demand"]: x["id"] for x in r.json()["dispatches"]}


def test_an_order_not_started_is_neither_completed_nor_a_no_show(
    client: TestClient, tokens: Tokens
) -> None:
    day = (today(SHANGHAI) + dt.timedelta(days=1)).isoformat()  # tomorrow evening, local
    ids = _dispatched(client, tokens, day)
    d = tokens.h("dispatcher")
    start = f"{day}T19:30"
    points = client.get(f"{D}/cadres/P4/points", headers=d).json()["balance"]
    for path, body in (("complete", {"hours": 2}), ("no-show", {}),
                       ("cancel", {"reason": "no_show"})):  # fmt: skip
        r = client.post(f"/v1/districts/d1/dispatches/{ids['T1']}/{path}", json=body, headers=d)
        assert r.status_code == 422, (path, r.text)
        (e,) = r.json()["errors"]
        assert (e["code"], e["params"]) == ("problem.not_started", {"start": start}), e
    r = client.get(f"/v1/districts/d1/dispatches/{ids['T1']}", headers=d).json()
    assert r["status"] == "active"
    assert client.get(f"{D}/cadres/P4/points", headers=d).json()["balance"] == points
    # outcomes.csv: the same rule, on the row
    text = OUT + f"{ids['T1']},completed,2,,,,,,\n{ids['T2']},no_show,,,,,,,\n"
    r = client.post(f"{D}/outcomes/import", json={"csv": text}, headers=d)
    assert r.status_code == 422, r.text
    got = [(e["row"], e["column"], e["code"]) for e in r.json()["errors"]]
    assert got == [(2, "ending", "problem.not_started"), (3, "ending", "problem.not_started")]
    # a cancel is allowed any time
    text = OUT + f"{ids['T2']},cancelled,,,,,duplicate,,\n"
    r = client.post(f"{D}/outcomes/import", json={"csv": text}, headers=d)
    assert r.status_code == 200, r.text


def test_an_order_that_has_started_is_completed(
    client: TestClient, tokens: Tokens, monkeypatch: pytest.MonkeyPatch
) -> None:
    day = (today(SHANGHAI) + dt.timedelta(days=1)).isoformat()
    ids = _dispatched(client, tokens, day)
    h, d = tokens.h("admin"), tokens.h("dispatcher")
    # moving it into the past is refused (problem.start_past): a start is not backdated
    y = (today(SHANGHAI) - dt.timedelta(days=1)).isoformat()
    moved = {"start": f"{y}T19:30", "end": f"{y}T21:30"}
    r = client.patch(f"{D}/demands/T1", json=moved, headers=h)
    assert r.status_code == 422 and r.json()["errors"][0]["code"] == "problem.start_past"
    # the evening comes (it was worked then): now it may end
    evening = dt.datetime.fromisoformat(f"{day}T21:45").replace(tzinfo=SHANGHAI)
    set_clock(monkeypatch, evening)
    r = client.post(f"/v1/districts/d1/dispatches/{ids['T1']}/complete", json={"hours": 2},
                    headers=d)  # fmt: skip
    assert r.status_code == 200, r.text
    text = OUT + f"{ids['T2']},no_show,,,,,,,\n"
    r = client.post(f"{D}/outcomes/import", json={"csv": text}, headers=d)
    assert r.status_code == 200, r.text
