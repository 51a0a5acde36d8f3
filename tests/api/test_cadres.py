"""cadres router: CRUD, CSV import, history."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.api.tokens import Tokens

NEW: dict[str, Any] = {
    "id": "P9",
    "name": "周九",
    "home": "C2",
    "skills": {"urban.elevator_retrofit": 5},
    "certs": ["constructor"],
    "capacity": 1,
    "status": "green",
    "max_travel_km": None,
}


def test_list_and_get(client: TestClient, tokens: Tokens) -> None:
    h = tokens.h("dispatcher")
    r = client.get("/v1/districts/d1/cadres", params={"limit": 2, "offset": 1}, headers=h)
    assert r.status_code == 200
    assert r.json()["count"] == 6
    assert [c["id"] for c in r.json()["data"]] == ["P2", "P3"]
    one = client.get("/v1/districts/d1/cadres/P6", headers=h).json()
    assert one["max_travel_km"] == 12.5
    assert one["name"] == "孙八"
    assert client.get("/v1/districts/d1/cadres/PX", headers=h).status_code == 404


def test_create_update_delete(client: TestClient, tokens: Tokens) -> None:
    h = tokens.h("dispatcher")
    r = client.post("/v1/districts/d1/cadres", json=NEW, headers=h)
    assert r.status_code == 201, r.text
    assert r.json()["version"] == 1
    assert client.post("/v1/districts/d1/cadres", json=NEW, headers=h).status_code == 409
    upd = {k: v for k, v in NEW.items() if k != "id"} | {"capacity": 3}
    r = client.put("/v1/districts/d1/cadres/P9", json=upd, headers=h)
    assert r.status_code == 200
    assert (r.json()["capacity"], r.json()["version"]) == (3, 2)
    assert client.delete("/v1/districts/d1/cadres/P9", headers=h).status_code == 204
    assert client.get("/v1/districts/d1/cadres/P9", headers=h).status_code == 404
    # the other district's P9 never existed
    assert client.get("/v1/districts/d2/cadres/P9", headers=tokens.h("admin")).status_code == 404


def test_bad_cadre_is_422_with_pointers(client: TestClient, tokens: Tokens) -> None:
    h = tokens.h("dispatcher")
    bad = NEW | {"skills": {"urban.elevator_retrofit": 9}, "capacity": -1}
    r = client.post("/v1/districts/d1/cadres", json=bad, headers=h)
    assert r.status_code == 422
    pointers = {e["pointer"] for e in r.json()["errors"]}
    assert "/body/capacity" in pointers
    assert any(p.startswith("/body/skills") for p in pointers)
    r = client.post(
        "/v1/districts/d1/cadres",
        json=NEW | {"skills": {"urban.elevatr": 3}, "home": "CX"},
        headers=h,
    )
    assert r.status_code == 422
    errs = r.json()["errors"]
    assert {e["pointer"] for e in errs} == {"/body/skills", "/body/home"}
    assert "did you mean" in errs[0]["message"] or "elevator" in errs[0]["message"]


def test_import_csv_reports_every_problem(client: TestClient, tokens: Tokens) -> None:
    h = tokens.h("dispatcher")
    csv = (
        "id,name,home,skills,certs,capacity,status,max_travel_km\n"
        "P1,张三,C1,urban.elevator_retrofit:5,constructor,2,green,\n"
        "Q1,新人,C3,livelihood.elderly_care:2,,1,green,3\n"
    )
    r = client.post("/v1/districts/d1/cadres/import", json={"csv": csv}, headers=h)
    assert r.status_code == 200
    assert (r.json()["cadres_created"], r.json()["cadres_updated"]) == (1, 1)
    bad = csv.replace("C3", "C99").replace(",2,green", ",x,green")
    r = client.post("/v1/districts/d1/cadres/import", json={"csv": bad}, headers=h)
    assert r.status_code == 422
    rows = {(e["row"], e["column"]) for e in r.json()["errors"]}
    assert rows == {(2, "capacity"), (3, "home")}


def test_planner_and_analyst_cannot_write(client: TestClient, tokens: Tokens) -> None:
    for role in ("planner", "analyst"):
        r = client.post("/v1/districts/d1/cadres", json=NEW, headers=tokens.h(role))
        assert r.status_code == 403
        assert r.json()["type"].endswith("forbidden")


def test_history(client: TestClient, tokens: Tokens) -> None:
    h = tokens.h("dispatcher")
    client.post("/v1/districts/d1/proposals", json={}, headers=h)
    client.post("/v1/districts/d1/proposals/1/accept", json={}, headers=h)
    r = client.get("/v1/districts/d1/cadres/P1/dispatches", headers=h)
    assert r.status_code == 200
    assert {d["demand"] for d in r.json()["data"]} == {"D1", "D4"}
    assert client.get("/v1/districts/d1/cadres/P1", headers=h).json()["active_dispatches"] == 2
    assert client.delete("/v1/districts/d1/cadres/P1", headers=h).status_code == 409
    upd = {"name": "张三", "home": "C1", "skills": {}, "capacity": 1}
    r = client.put("/v1/districts/d1/cadres/P1", json=upd, headers=h)
    assert r.status_code == 409


def test_withdrawing_a_dispatched_cadre_asks_what_to_do(client: TestClient, tokens: Tokens) -> None:
    """Red (withdrawn) with active dispatches: 409 listing them, or cancel them on request."""
    h = tokens.h("dispatcher")
    client.post("/v1/districts/d1/proposals", json={}, headers=h)
    client.post("/v1/districts/d1/proposals/1/accept", json={}, headers=h)
    url = "/v1/districts/d1/cadres/P1"
    before = client.get(url, headers=h).json()
    active = client.get(f"{url}/dispatches", headers=h).json()["data"]
    assert {d["demand"] for d in active} == {"D1", "D4"}
    listed = [{"dispatch": d["id"], "demand": d["demand"]} for d in active]
    for r in (
        client.patch(url, json={"status": "red"}, headers=h),
        client.put(url, json=before | {"status": "red"}, headers=h),
    ):
        assert r.status_code == 409, r.text
        assert "end_dispatches=cancel" in r.json()["detail"]
        changes = r.json()["changes"]
        assert [{k: c[k] for k in ("dispatch", "demand")} for c in changes] == listed
        assert {c["kind"] for c in changes} == {"active_dispatch"}
    assert client.get(url, headers=h).json() == before  # nothing written
    assert client.patch(url, params={"end_dispatches": "drop"}, json={}, headers=h).status_code == (
        422
    )
    r = client.patch(url, params={"end_dispatches": "cancel"}, json={"status": "red"}, headers=h)
    assert r.status_code == 200, r.text
    assert (r.json()["status"], r.json()["active_dispatches"]) == ("red", 0)
    for d in client.get(f"{url}/dispatches", headers=h).json()["data"]:
        assert d["status"] == "cancelled" and d["closed_at"] is not None
        assert "withdrawn" in d["note"]
    assert client.get("/v1/districts/d1/demands/D4", headers=h).json()["filled"] == 0
    # already red: further edits need no choice; a cadre without dispatches goes red at once
    assert client.patch(url, json={"name": "张三丰"}, headers=h).status_code == 200
    idle = [
        c["id"]
        for c in client.get("/v1/districts/d1/cadres", headers=h).json()["data"]
        if c["status"] != "red" and c["active_dispatches"] == 0
    ]
    r = client.patch(f"/v1/districts/d1/cadres/{idle[0]}", json={"status": "red"}, headers=h)
    assert (r.status_code, r.json()["status"]) == (200, "red")
