"""demands router: CRUD, close, CSV import."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.api.tokens import Tokens

NEW = {
    "id": "D9",
    "community": "C3",
    "title": "社区议事",
    "needs": {"governance.resident_consultation": 2},
    "headcount": 1,
    "priority": 4,
}


def test_crud_and_close(client: TestClient, tokens: Tokens) -> None:
    h = tokens.h("dispatcher")
    assert client.get("/v1/districts/d1/demands", headers=h).json()["count"] == 4
    r = client.post("/v1/districts/d1/demands", json=NEW, headers=h)
    assert r.status_code == 201, r.text
    assert r.json()["status"] == "open"
    upd = {k: v for k, v in NEW.items() if k != "id"} | {"headcount": 2}
    r = client.put("/v1/districts/d1/demands/D9", json=upd, headers=h)
    assert (r.json()["headcount"], r.json()["version"]) == (2, 2)
    r = client.post("/v1/districts/d1/demands/D9/close", headers=h)
    assert r.status_code == 200
    assert (r.json()["status"], r.json()["stage"]) == ("cancelled", "cancelled")  # no work done
    closed = {"status": "cancelled"}
    assert client.get("/v1/districts/d1/demands", params=closed, headers=h).json()["count"] == 1
    again = client.post("/v1/districts/d1/demands/D9/close", headers=h)
    assert again.status_code == 409
    assert again.json()["changes"][0] | {} == {
        "kind": "illegal_transition",
        "demand": "D9",
        "current": "cancelled",
        "action": "cancelled",
    }
    r = client.post("/v1/districts/d1/demands/D9/reopen", headers=h)
    assert (r.status_code, r.json()["status"]) == (200, "open")
    assert client.post("/v1/districts/d1/demands/D9/reopen", headers=h).status_code == 409
    r = client.post("/v1/districts/d1/demands/D9/close", json={"outcome": "done"}, headers=h)
    assert r.json()["status"] == "done"
    assert client.delete("/v1/districts/d1/demands/D9", headers=h).status_code == 204
    assert client.get("/v1/districts/d1/demands/D9", headers=h).status_code == 404


def test_closed_demand_is_not_proposed(client: TestClient, tokens: Tokens) -> None:
    h = tokens.h("dispatcher")
    client.post("/v1/districts/d1/demands/D3/close", headers=h)
    r = client.post("/v1/districts/d1/proposals", json={}, headers=h)
    assert "D3" not in {a["demand"] for a in r.json()["result"]["assignments"]}


def test_bad_demand(client: TestClient, tokens: Tokens) -> None:
    h = tokens.h("dispatcher")
    r = client.post("/v1/districts/d1/demands", json=NEW | {"priority": 7}, headers=h)
    assert r.status_code == 422
    assert r.json()["errors"][0]["pointer"] == "/body/priority"
    r = client.post("/v1/districts/d1/demands", json=NEW | {"certs": ["no_such"]}, headers=h)
    assert r.status_code == 422
    assert r.json()["errors"][0]["pointer"] == "/body/certs"


def test_import_csv(client: TestClient, tokens: Tokens) -> None:
    h = tokens.h("dispatcher")
    csv = (
        "id,community,title,needs,requires,certs,headcount,priority\n"
        "D5,C1,新需求,livelihood.elderly_care:2,,,1,3\n"
    )
    r = client.post("/v1/districts/d1/demands/import", json={"csv": csv}, headers=h)
    assert r.status_code == 200
    assert r.json()["demands_created"] == 1
    assert client.get("/v1/districts/d1/demands/D5", headers=h).json()["title"] == "新需求"
