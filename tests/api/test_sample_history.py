"""``--load-sample`` loads the sample district with 12 months of generated history."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from api import Settings, create_app
from matcher.store import Store


def test_the_sample_starts_with_a_past(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "s.db")
    with store.write() as tx:
        token = tx.create_token("admin")[0]
    settings = Settings(db=str(tmp_path / "unused.db"), load_sample=True)
    with TestClient(create_app(settings, store=store)) as client:
        h = {"Authorization": f"Bearer {token}"}
        g = "/v1/districts/gulou"
        # the live pool is the sample's: 300 open demands, nothing active
        assert (
            client.get(f"{g}/demands", params={"status": "open"}, headers=h).json()["count"] == 300
        )
        assert (
            client.get(f"{g}/dispatches", params={"status": "active"}, headers=h).json()["count"]
            == 0
        )
        done = client.get(f"{g}/dispatches", params={"status": "completed", "limit": 5}, headers=h)
        assert done.json()["count"] > 1000
        first = done.json()["data"][0]
        assert first["hours"] > 0 and first["closed_at"] >= first["created_at"]
        ledger = client.get(f"{g}/cadres/{first['cadre']}/points", headers=h).json()
        assert ledger["balance"] > 0 and ledger["balance"] == sum(
            e["amount"] for e in ledger["data"]
        )
        # a proposal still fills the sample's demands (the past holds no slot)
        prop = client.post(f"{g}/proposals", json={}, headers=h).json()
        assert len(prop["result"]["assignments"]) > 100
    store.close()
