"""Concurrent redemptions against two real ``matcher serve`` processes sharing one
database: the balance never goes below 0.

Why a real process: the guard is the store's write transaction (SQLite's
``BEGIN IMMEDIATE``, PostgreSQL's advisory write lock), and only a server with its own
threads and connections shows that a balance read and an entry written are never
interleaved with another's; two of them, that the lock holds across processes (as
several workers behind a load balancer would run). Runs on both engines.
"""

from __future__ import annotations

import random
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from tests.dispatching import dispatch_all, tiny_store
from tests.pg import NewDb
from tests.serving import running_server

THREADS = 24


def test_concurrent_redemptions_never_overdraw(tmp_path: Path, new_db: NewDb) -> None:
    db = new_db()
    store = tiny_store(db)
    d1 = next(d for d in dispatch_all(store) if d.demand == "D1")
    with store.write() as tx:
        tx.close_dispatch("d1", d1.id, "complete", hours=4.0, rating=5)  # 90 points
        admin = tx.create_token("admin", label="积分管理员")[0]
    store.close()
    rng = random.Random(7)
    amounts = [rng.randint(1, 15) for _ in range(THREADS)]
    url = f"/v1/districts/d1/cadres/{d1.cadre}/points"
    h = {"Authorization": f"Bearer {admin}"}
    with (
        running_server(db, tmp_path) as one,
        running_server(db, tmp_path) as two,
        httpx.Client(base_url=one, timeout=60) as c1,
        httpx.Client(base_url=two, timeout=60) as c2,
    ):
        barrier = threading.Barrier(THREADS)

        def redeem(k: int) -> httpx.Response:
            c = (c1, c2)[k % 2]  # every other request to the other process
            barrier.wait()
            return c.post(f"{url}/redeem", json={"amount": amounts[k], "reason": "课程"}, headers=h)

        with ThreadPoolExecutor(THREADS) as pool:
            answers = list(pool.map(redeem, range(THREADS)))
        ledger = c2.get(url, headers=h).json()
        assert c1.get(url, headers=h).json() == ledger
    ok = [a for a, r in zip(amounts, answers, strict=True) if r.status_code == 200]
    refused = [a for a, r in zip(amounts, answers, strict=True) if r.status_code == 409]
    assert len(ok) + len(refused) == THREADS, [r.text for r in answers]
    assert all(r.json()["code"] == "points.overdraw" for r in answers if r.status_code == 409)
    assert ok and refused  # the amounts sum past 90: some win, some are refused
    balance = ledger["balance"]
    assert balance == 90 - sum(ok) >= 0
    assert balance == sum(e["amount"] for e in ledger["data"])
    assert sorted(-e["amount"] for e in ledger["data"] if e["kind"] == "redeemed") == sorted(ok)
    # balances only fall, so each refusal asked for more than is left even now
    assert all(a > balance for a in refused)
    # every answer saw a balance of at least 0
    assert all(r.json()["balance"] >= 0 for r in answers if r.status_code == 200)
