"""tokens router: admin only; secrets shown once and stored hashed."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import text

from matcher.store import Store, hash_token
from tests.api.tokens import Tokens


def test_create_list_revoke(client: TestClient, tokens: Tokens, store: Store) -> None:
    h = tokens.h("admin")
    r = client.post(
        "/v1/tokens", json={"role": "analyst", "districts": ["d2"], "label": "bi"}, headers=h
    )
    assert r.status_code == 201
    secret = r.json()["token"]
    assert secret.startswith("mt_")
    new = {"Authorization": f"Bearer {secret}"}
    assert [d["id"] for d in client.get("/v1/districts", headers=new).json()["data"]] == ["d2"]
    listed = client.get("/v1/tokens", headers=h).json()
    assert listed["count"] == 7  # the six of the fixture (tests/api/conftest.py) and this one
    assert all("token" not in t for t in listed["data"])
    with store.engine.connect() as conn:
        stored = [row[0] for row in conn.execute(text("SELECT hash FROM tokens"))]
    assert hash_token(secret) in stored
    assert secret not in stored
    tid = r.json()["id"]
    assert client.delete(f"/v1/tokens/{tid}", headers=h).json()["revoked_at"] is not None
    assert client.get("/v1/me", headers=new).status_code == 401


def test_token_rules(client: TestClient, tokens: Tokens) -> None:
    h = tokens.h("admin")
    assert client.post("/v1/tokens", json={"role": "planner"}, headers=h).status_code == 422
    r = client.post("/v1/tokens", json={"role": "planner", "districts": ["zz"]}, headers=h)
    assert r.status_code == 404
    assert client.post("/v1/tokens", json={"role": "root"}, headers=h).status_code == 422
    for role in ("dispatcher", "planner", "analyst"):
        assert client.get("/v1/tokens", headers=tokens.h(role)).status_code == 403


def test_idempotent_token_creation_never_stores_the_secret(
    client: TestClient, tokens: Tokens, store: Store
) -> None:
    h = tokens.h("admin") | {"Idempotency-Key": "t-1"}
    first = client.post("/v1/tokens", json={"role": "admin"}, headers=h).json()
    again = client.post("/v1/tokens", json={"role": "admin"}, headers=h).json()
    assert again["id"] == first["id"]
    assert again["token"] == ""
    with store.engine.connect() as conn:
        bodies = [row[0] for row in conn.execute(text("SELECT body FROM idempotency"))]
    assert all(first["token"] not in b for b in bodies)
