"""The points ledger over HTTP: read by anyone in the district, redeemed by admins only."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.api.tokens import Tokens

V = "/v1/districts/d1"


def _earn(client: TestClient, tokens: Tokens) -> tuple[str, int]:
    """Complete D1's first dispatch with 4 h rated 5 (priority 5): 90 points."""
    h = tokens.h("dispatcher")
    pid = client.post(f"{V}/proposals", json={}, headers=h).json()["id"]
    disp = client.post(f"{V}/proposals/{pid}/accept", json={}, headers=h).json()["dispatches"]
    d1 = next(d for d in disp if d["demand"] == "D1")
    client.post(f"{V}/dispatches/{d1['id']}/complete", json={"hours": 4, "rating": 5}, headers=h)
    return d1["cadre"], 90


def test_redeem_never_overdraws(client: TestClient, tokens: Tokens) -> None:
    cadre, earned = _earn(client, tokens)
    url = f"{V}/cadres/{cadre}/points"
    admin = tokens.h("admin")
    r = client.post(f"{url}/redeem", json={"amount": 60, "reason": "社工培训课程"}, headers=admin)
    assert r.status_code == 200, r.text
    assert (r.json()["balance"], r.json()["count"]) == (earned - 60, 2)
    assert r.json()["data"][-1]["amount"] == -60
    r = client.post(f"{url}/redeem", json={"amount": 31, "reason": "表彰"}, headers=admin)
    assert r.status_code == 409
    assert r.headers["content-type"] == "application/problem+json"
    assert (r.json()["code"], r.json()["params"]) == (
        "points.overdraw",
        {"amount": 31, "balance": 30},
    )
    ledger = client.get(url, headers=tokens.h("analyst")).json()
    assert ledger["balance"] == 30 == sum(e["amount"] for e in ledger["data"])
    assert (
        client.post(f"{url}/redeem", json={"amount": 30, "reason": "表彰"}, headers=admin).json()[
            "balance"
        ]
        == 0
    )


def test_redeem_is_for_admins_and_checks_its_body(client: TestClient, tokens: Tokens) -> None:
    cadre, _ = _earn(client, tokens)
    url = f"{V}/cadres/{cadre}/points/redeem"
    body = {"amount": 1, "reason": "课程"}
    assert client.post(url, json=body, headers=tokens.h("dispatcher")).status_code == 403
    for bad, pointer in (
        ({"amount": 0, "reason": "x"}, "/body/amount"),
        ({"amount": 1.5, "reason": "x"}, "/body/amount"),
        ({"amount": 1, "reason": ""}, "/body/reason"),
        ({"amount": 1}, "/body/reason"),
    ):
        r = client.post(url, json=bad, headers=tokens.h("admin"))
        assert r.status_code == 422, bad
        assert pointer in {e["pointer"] for e in r.json()["errors"]}
    assert client.get(f"{V}/cadres/P404/points", headers=tokens.h("admin")).status_code == 404
    assert (
        client.get(f"{V}/cadres/{cadre}/points", headers=tokens.h("admin")).json()["balance"] == 90
    )


def test_a_replayed_redemption_redeems_once(client: TestClient, tokens: Tokens) -> None:
    cadre, _ = _earn(client, tokens)
    url = f"{V}/cadres/{cadre}/points"
    h = tokens.h("admin") | {"Idempotency-Key": "k1"}
    first = client.post(f"{url}/redeem", json={"amount": 10, "reason": "课程"}, headers=h)
    again = client.post(f"{url}/redeem", json={"amount": 10, "reason": "课程"}, headers=h)
    assert again.headers.get("Idempotent-Replay") == "true"
    assert first.json() == again.json()
    assert client.get(url, headers=tokens.h("admin")).json()["balance"] == 80
