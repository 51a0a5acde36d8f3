"""The service's warm plans: one per district, lent to one computation at a time,
at most ``keep`` of them (the one used longest ago goes first); dropped when another
worker wrote to the district since."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api import Settings, create_app
from api.warm import WarmPlans
from matcher import EngineParams, propose
from matcher.store import Store
from tests.api.tokens import Tokens


def test_at_most_keep_districts_hold_a_plan_the_least_recent_goes() -> None:
    plans = WarmPlans(keep=2)
    for district in ("d1", "d2", "d3"):
        with plans.take(district) as planner:
            assert planner is not None
    assert plans.planner("d1") is None  # taken longest ago: let go
    assert plans.planner("d2") is not None and plans.planner("d3") is not None
    kept = plans.planner("d2")
    with plans.take("d2"):  # d2 is now the most recent: d3 goes next
        pass
    with plans.take("d4"):
        pass
    assert plans.planner("d3") is None
    assert plans.planner("d2") is kept  # the same plan, still warm


def test_a_plan_in_use_is_not_lent_twice_and_none_when_disabled() -> None:
    plans = WarmPlans()
    with plans.take("d1") as first, plans.take("d1") as second:
        assert first is not None and second is None  # busy: the caller solves cold
    with plans.take("d1") as again:
        assert again is first
    with WarmPlans(enabled=False).take("d1") as off:
        assert off is None


def test_a_write_by_another_worker_invalidates_this_workers_plan(
    store: Store, tokens: Tokens, tmp_path: Path
) -> None:
    """Two app instances (two workers, each with its own store) over one database: a
    plan is followed warm past this worker's own writes, and dropped after another
    worker's. Each answer equals the cold one on the pool as it stands."""
    other = Store.open(store.engine.url.render_as_string(hide_password=False))
    h = tokens.h("dispatcher")
    with _app(store, tmp_path) as a, _app(other, tmp_path) as b:
        first = _propose(a, store, h)
        plan = a.app.state.warm.planner("d1")  # type: ignore[attr-defined]
        assert plan is not None and not plan.was_warm
        _reject_one(a, first, h)  # a's own write: followed warm
        second = _propose(a, store, h)
        assert a.app.state.warm.planner("d1") is plan and plan.was_warm  # type: ignore[attr-defined]
        _reject_one(b, second, h)  # b's write: a's plan no longer stands
        third = _propose(a, store, h)
        fresh = a.app.state.warm.planner("d1")  # type: ignore[attr-defined]
        assert fresh is not plan and fresh is not None and not fresh.was_warm
        _reject_one(a, third, h)  # a's own again: the new plan is followed warm
        _propose(a, store, h)
        assert a.app.state.warm.planner("d1") is fresh and fresh.was_warm  # type: ignore[attr-defined]
    other.close()


@contextmanager
def _app(store: Store, tmp_path: Path) -> Iterator[TestClient]:
    app = create_app(Settings(db=str(tmp_path / "unused.db")), store=store)
    app.state.warm = WarmPlans(params=EngineParams(stream_above=0), store=store)  # all big
    with TestClient(app) as client:
        yield client


def _propose(client: TestClient, store: Store, h: dict[str, str]) -> dict[str, Any]:
    """A proposal, checked against a cold dense solve of the pool as it stands."""
    r = client.post("/v1/districts/d1/proposals", json={}, headers=h)
    assert r.status_code == 201, r.text
    got: dict[str, Any] = r.json()
    with store.read() as tx:
        snap = tx.snapshot("d1")
    cold = propose(
        snap.case,
        excluded=snap.excluded,
        used_capacity=snap.used_capacity,
        filled_slots=snap.filled_slots,
        engine="dense",
    )
    assert got["result"]["objective"] == pytest.approx(cold.objective, abs=1e-6)
    return got


def _reject_one(client: TestClient, proposal: dict[str, Any], h: dict[str, str]) -> None:
    pair = proposal["result"]["assignments"][0]
    body = {"assignments": [{"cadre": pair["cadre"], "demand": pair["demand"]}]}
    r = client.post(f"/v1/districts/d1/proposals/{proposal['id']}/reject", json=body, headers=h)
    assert r.status_code == 200, r.text
