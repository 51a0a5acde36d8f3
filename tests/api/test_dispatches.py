"""dispatches router: list and filter, complete, cancel (both free capacity)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.api.tokens import Tokens

D = "/v1/districts/d1/dispatches"


def _accept_all(client: TestClient, tokens: Tokens) -> None:
    h = tokens.h("dispatcher")
    pid = client.post("/v1/districts/d1/proposals", json={}, headers=h).json()["id"]
    assert (
        client.post(f"/v1/districts/d1/proposals/{pid}/accept", json={}, headers=h).status_code
        == 201
    )


def test_filter_complete_cancel(client: TestClient, tokens: Tokens) -> None:
    _accept_all(client, tokens)
    h = tokens.h("dispatcher")
    assert client.get(D, headers=h).json()["count"] == 5
    p1 = client.get(D, params={"cadre": "P1"}, headers=h).json()["data"]
    assert {d["demand"] for d in p1} == {"D1", "D4"}
    assert (
        client.get(D, params={"demand": "D1", "status": "active"}, headers=h).json()["count"] == 2
    )
    one = p1[0]["id"]
    assert client.get(f"{D}/{one}", headers=h).json()["cadre"] == "P1"
    r = client.post(f"{D}/{one}/complete", json={"hours": 2, "note": "done"}, headers=h)
    assert r.status_code == 200
    assert (r.json()["status"], r.json()["note"]) == ("completed", "done")
    assert client.post(f"{D}/{one}/cancel", json={"reason": "other"}, headers=h).status_code == 409
    two = client.get(D, params={"cadre": "P6"}, headers=h).json()["data"][0]["id"]
    assert (
        client.post(f"{D}/{two}/cancel", json={"reason": "other"}, headers=h).json()["status"]
        == "cancelled"
    )
    assert client.get(D, params={"status": "active"}, headers=h).json()["count"] == 3
    # capacity is free again: a new proposal uses P1 and P6 again
    new = client.post("/v1/districts/d1/proposals", json={}, headers=h).json()
    cadres = {a["cadre"] for a in new["result"]["assignments"]}
    assert "P6" in cadres
    assert client.get(f"{D}/999", headers=h).status_code == 404


def test_analyst_sees_masked_notes(client: TestClient, tokens: Tokens) -> None:
    _accept_all(client, tokens)
    h = tokens.h("dispatcher")
    one = client.get(D, headers=h).json()["data"][0]["id"]
    client.post(
        f"{D}/{one}/complete", json={"hours": 2, "note": "张三 phone 13800000000"}, headers=h
    )
    seen = client.get(f"{D}/{one}", headers=tokens.h("analyst")).json()
    assert seen["note"] == "***"
    assert (
        client.post(
            f"{D}/{one}/cancel", json={"reason": "other"}, headers=tokens.h("analyst")
        ).status_code
        == 403
    )
