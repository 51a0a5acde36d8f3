"""An Idempotency-Key names one attempt: a refused first attempt keeps its answer too.

Without that, a retry of a request refused with 409 could succeed later and do
something the caller never saw. 4xx answers are replayed; 5xx are not recorded,
so a retry after a server failure runs again.
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from matcher import SolverError
from matcher.store import Store, Tx
from tests.api.tokens import Tokens

V = "/v1/districts/d1"


def _propose(client: TestClient, h: dict[str, str]) -> int:
    r = client.post(f"{V}/proposals", json={}, headers=h)
    assert r.status_code == 201, r.text
    pid: int = r.json()["id"]
    return pid


def _records(store: Store) -> list[tuple[str, int]]:
    with store.engine.connect() as conn:
        rows = conn.execute(text("SELECT key, status FROM idempotency ORDER BY key"))
        return [(str(k), int(s)) for k, s in rows]


def test_a_refused_accept_is_replayed_not_retried(
    client: TestClient, tokens: Tokens, store: Store
) -> None:
    h = tokens.h("dispatcher")
    first = _propose(client, h)
    # the pool changes under the proposal: one of its cadres is away for now
    cadre = client.get(f"{V}/proposals/{first}", headers=h).json()["result"]["assignments"][0]
    away = client.put(f"{V}/cadres/{cadre['cadre']}/unavailable", json={}, headers=h)
    assert away.status_code == 200
    k = h | {"Idempotency-Key": "accept-first"}
    refused = client.post(f"{V}/proposals/{first}/accept", json={}, headers=k)
    assert refused.status_code == 409
    # the pool is as it was again: a fresh attempt would now succeed
    assert client.delete(f"{V}/cadres/{cadre['cadre']}/unavailable", headers=h).is_success
    again = client.post(f"{V}/proposals/{first}/accept", json={}, headers=k)
    assert again.status_code == 409
    assert again.headers["idempotent-replay"] == "true"
    assert again.headers["content-type"] == "application/problem+json"
    assert again.json() == refused.json()
    assert client.get(f"{V}/dispatches", params={"status": "active"}, headers=h).json() == {
        "data": [],
        "count": 0,
    }
    # the same key for another request is still refused; a new key tries afresh
    second = _propose(client, h)
    other = client.post(f"{V}/proposals/{second}/accept", json={}, headers=k)
    assert other.status_code == 422 and other.json()["type"].endswith("idempotency-key-reused")
    fresh = h | {"Idempotency-Key": "accept-second"}
    assert client.post(f"{V}/proposals/{second}/accept", json={}, headers=fresh).status_code == 201
    assert ("accept-first", 409) in _records(store)


@pytest.mark.parametrize(
    ("path", "body", "status"),
    [
        (f"{V}/proposals/999/accept", {}, 404),
        (f"{V}/proposals/1/accept", {"assignments": [{"cadre": "P6", "demand": "D2"}]}, 422),
        (f"{V}/demands", {"id": "D1", "community": "C1", "title": "重复"}, 409),
        ("/v1/tokens", {"role": "planner", "districts": ["nowhere"]}, 404),
    ],
)
def test_every_refusal_from_the_store_is_kept(
    client: TestClient, tokens: Tokens, store: Store, path: str, body: dict[str, Any], status: int
) -> None:
    _propose(client, tokens.h("admin"))
    h = tokens.h("admin") | {"Idempotency-Key": "once"}
    first = client.post(path, json=body, headers=h)
    assert first.status_code == status, first.text
    assert "idempotent-replay" not in first.headers
    again = client.post(path, json=body, headers=h)
    assert (again.status_code, again.json()) == (status, first.json())
    assert again.headers["idempotent-replay"] == "true"
    assert _records(store) == [("once", status)]


def test_a_refused_proposal_keeps_its_key(client: TestClient, tokens: Tokens) -> None:
    """P3 is red: pinning it is a 422; once P3 is green the same key still says 422."""
    h = tokens.h("dispatcher")
    k = h | {"Idempotency-Key": "pin-p3"}
    body = {"pinned": [{"cadre": "P3", "demand": "D3"}]}
    refused = client.post(f"{V}/proposals", json=body, headers=k)
    assert refused.status_code == 422
    assert client.patch(f"{V}/cadres/P3", json={"status": "green"}, headers=h).status_code == 200
    again = client.post(f"{V}/proposals", json=body, headers=k)
    assert (again.status_code, again.json()) == (422, refused.json())
    assert again.headers["idempotent-replay"] == "true"
    assert client.get(f"{V}/proposals", headers=h).json()["count"] == 0


@pytest.mark.parametrize("error", [SolverError("solver gave up"), RuntimeError("bug")])
def test_server_failures_are_not_recorded(
    client: TestClient,
    tokens: Tokens,
    store: Store,
    monkeypatch: pytest.MonkeyPatch,
    error: Exception,
) -> None:
    h = tokens.h("dispatcher")
    pid = _propose(client, h)
    real = Tx.accept
    calls = []

    def failing_once(self: Tx, *args: Any, **kw: Any) -> Any:
        calls.append(1)
        if len(calls) == 1:
            raise error
        return real(self, *args, **kw)

    monkeypatch.setattr(Tx, "accept", failing_once)
    k = h | {"Idempotency-Key": "flaky"}
    url = f"{V}/proposals/{pid}/accept"
    lenient = TestClient(client.app, raise_server_exceptions=False)  # no second lifespan
    assert lenient.post(url, json={}, headers=k).status_code == 500
    assert _records(store) == []
    retry = client.post(url, json={}, headers=k)
    assert retry.status_code == 201, retry.text
    assert "idempotent-replay" not in retry.headers
