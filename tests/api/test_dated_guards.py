"""Dated dispatches held to their cadre's limits when the orders or the limits change:
a moved window, a lowered weekly limit, by PUT, PATCH and CSV import alike."""

from __future__ import annotations

import datetime as dt

from fastapi.testclient import TestClient

from matcher.store import today
from tests.api.tokens import Tokens
from tests.clock import SHANGHAI

D = "/v1/districts/d1"
NEED = {"community": "C3", "title": "防汛值守", "needs": {"emergency.flood_control": 3},
        "requires": {"emergency.flood_control": 2}, "priority": 5}  # fmt: skip
CSV = "id,community,title,needs,requires,certs,headcount,priority,start,end\n"
ROW = "{},C3,防汛值守,emergency.flood_control:3,emergency.flood_control:2,,1,5,{},{}\n"


def _day() -> str:
    """A Tuesday ahead of today, so both orders fall in one ISO week."""
    d = today(SHANGHAI) + dt.timedelta(days=7)
    return (d + dt.timedelta(days=(1 - d.weekday()) % 7)).isoformat()


def _held(client: TestClient, tokens: Tokens) -> str:
    """P4 (capacity 1, the only one qualified) holds A (09:30–11:00) and B (12:00–16:00)."""
    h = tokens.h("admin")
    r = client.get(f"{D}/cadres/P4", headers=h).json()
    body = {k: r[k] for k in ("name", "home", "certs", "status")}
    body |= {"skills": {"emergency.flood_control": 4}, "capacity": 1, "version": r["version"]}
    assert client.put(f"{D}/cadres/P4", json=body, headers=h).status_code == 200
    day = _day()
    for did, s, e in (("A", "09:30", "11:00"), ("B", "12:00", "16:00")):
        body = {**NEED, "id": did, "start": f"{day}T{s}", "end": f"{day}T{e}"}
        assert client.post(f"{D}/demands", json=body, headers=h).status_code == 201
    d = tokens.h("dispatcher")
    prop = client.post(f"{D}/proposals", json={}, headers=d).json()
    pairs = [{"cadre": "P4", "demand": x} for x in ("A", "B")]
    r = client.post(f"{D}/proposals/{prop['id']}/accept", json={"assignments": pairs}, headers=d)
    assert r.status_code == 201, r.text
    return day


def test_moving_a_held_window_onto_another_is_409_and_writes_nothing(
    client: TestClient, tokens: Tokens
) -> None:
    day = _held(client, tokens)
    h = tokens.h("admin")
    before = client.get(f"{D}/demands/A", headers=h).json()
    moved = {"start": f"{day}T10:30", "end": f"{day}T12:30"}
    r = client.patch(f"{D}/demands/A", json=moved, headers=h)
    assert r.status_code == 409, r.text
    p = r.json()
    assert p["code"] == "conflict.held_at_once"
    assert p["params"] == {"cadre": "P4", "count": 2, "capacity": 1}
    assert {(c["kind"], c["cadre"], c["demand"]) for c in p["changes"]} == {
        ("active_dispatch", "P4", "A"), ("active_dispatch", "P4", "B")}  # fmt: skip
    assert client.get(f"{D}/demands/A", headers=h).json() == before
    # PUT the same: the same answer
    put = {k: v for k, v in before.items() if k not in ("status", "filled", "recurring")}
    r = client.put(f"{D}/demands/A", json={**put, **moved}, headers=h)
    assert r.status_code == 409 and r.json()["code"] == "conflict.held_at_once", r.text
    # the CSV import of demands, the same rule, the row named
    text = CSV + ROW.format("A", f"{day}T10:30", f"{day}T12:30")
    r = client.post(f"{D}/demands/import", json={"csv": text}, headers=h)
    assert r.status_code == 409, r.text
    assert r.json()["params"] == {"cadre": "P4", "count": 2, "capacity": 1, "row": 2}
    assert client.get(f"{D}/demands/A", headers=h).json()["version"] == before["version"]
    # a move that keeps P4 within capacity stays 200
    r = client.patch(
        f"{D}/demands/A", json={"start": f"{day}T09:00", "end": f"{day}T12:00"}, headers=h
    )
    assert r.status_code == 200, r.text


def test_weekly_hours_below_what_is_held_are_409(client: TestClient, tokens: Tokens) -> None:
    day = _held(client, tokens)  # 1.5 + 4 = 5.5 hours in one week
    h = tokens.h("admin")
    week = dt.date.fromisoformat(day).isocalendar()
    name = f"{week.year}-W{week.week:02d}"
    r = client.patch(f"{D}/cadres/P4", json={"hours_per_week": 5}, headers=h)
    assert r.status_code == 409, r.text
    p = r.json()
    assert p["code"] == "conflict.week_hours"
    assert p["params"] == {"cadre": "P4", "week": name, "hours": 5.5, "limit": 5}
    assert sorted(c["demand"] for c in p["changes"]) == ["A", "B"]
    assert client.get(f"{D}/cadres/P4", headers=h).json()["hours_per_week"] is None
    r = client.patch(f"{D}/cadres/P4", json={"hours_per_week": 6}, headers=h)
    assert r.status_code == 200, r.text
    # a window made longer past the weekly limit: the same code, from the demand's side
    r = client.patch(
        f"{D}/demands/B", json={"start": f"{day}T12:00", "end": f"{day}T17:00"}, headers=h
    )
    assert r.status_code == 409 and r.json()["code"] == "conflict.week_hours", r.text
    assert r.json()["params"]["hours"] == 6.5
    # the cadres import, the same rule
    r = client.get(f"{D}/cadres/P4", headers=h).json()
    head = "id,name,home,skills,certs,capacity,status,max_travel_km,hours_per_week\n"
    line = f"P4,{r['name']},{r['home']},emergency.flood_control:4,,1,{r['status']},,4\n"
    r = client.post(f"{D}/cadres/import", json={"csv": head + line}, headers=h)
    assert r.status_code == 409, r.text
    assert r.json()["code"] == "conflict.week_hours" and r.json()["params"]["row"] == 2
    assert client.get(f"{D}/cadres/P4", headers=h).json()["hours_per_week"] == 6
