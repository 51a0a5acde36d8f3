"""Races: threads accepting conflicting proposals at once → exactly one wins, the rest 409."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from fastapi.testclient import TestClient

from matcher.store import Store
from tests.api.tokens import Tokens

THREADS = 16
P = "/v1/districts/d1/proposals"


def _race(client: TestClient, calls: list[tuple[str, dict[str, str]]]) -> list[int]:
    barrier = threading.Barrier(len(calls))

    def go(call: tuple[str, dict[str, str]]) -> int:
        url, headers = call
        barrier.wait()
        return client.post(url, json={}, headers=headers).status_code

    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(go, calls))


def test_conflicting_proposals_one_wins(client: TestClient, tokens: Tokens, store: Store) -> None:
    h = tokens.h("dispatcher")
    ids = [client.post(P, json={}, headers=h).json()["id"] for _ in range(THREADS)]
    codes = _race(client, [(f"{P}/{pid}/accept", h) for pid in ids])
    assert sorted(codes) == [201] + [409] * (THREADS - 1)
    assert client.get("/v1/districts/d1/dispatches", headers=h).json()["count"] == 5
    with store.read() as tx:
        assert tx.check_consistency() == []


def test_same_proposal_accepted_by_many_one_wins(
    client: TestClient, tokens: Tokens, store: Store
) -> None:
    h = tokens.h("dispatcher")
    pid = client.post(P, json={}, headers=h).json()["id"]
    calls = [(f"{P}/{pid}/accept", h | {"Idempotency-Key": f"k{i}"}) for i in range(THREADS)]
    codes = _race(client, calls)
    assert sorted(codes) == [201] + [409] * (THREADS - 1)
    with store.read() as tx:
        assert tx.check_consistency() == []


def test_same_idempotency_key_never_dispatches_twice(
    client: TestClient, tokens: Tokens, store: Store
) -> None:
    h = tokens.h("dispatcher") | {"Idempotency-Key": "retry-me"}
    pid = client.post(P, json={}, headers=tokens.h("dispatcher")).json()["id"]
    codes = _race(client, [(f"{P}/{pid}/accept", h)] * THREADS)
    assert codes == [201] * THREADS
    assert client.get("/v1/districts/d1/dispatches", headers=h).json()["count"] == 5
