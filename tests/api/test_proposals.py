"""proposals router: compute, get, accept (all / chosen / stale), reject and re-propose."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.warm import WarmPlans
from matcher import EngineParams, propose
from tests.api.tokens import Tokens
from tests.clock import fixed_dates_ahead

P = "/v1/districts/d1/proposals"


def _pairs(body: dict[str, Any]) -> set[tuple[str, str]]:
    return {(a["cadre"], a["demand"]) for a in body["result"]["assignments"]}


def test_propose_and_get(client: TestClient, tokens: Tokens) -> None:
    h = tokens.h("planner")
    r = client.post(P, json={}, headers=h)
    assert r.status_code == 201
    body = r.json()
    assert _pairs(body) == {("P1", "D1"), ("P4", "D1"), ("P2", "D2"), ("P6", "D3"), ("P1", "D4")}
    a = body["result"]["assignments"][0]
    assert abs(sum(a["breakdown"].values()) - a["score"]) < 1e-6
    assert body["result"]["certified"] is True
    # a planner's proposal is a draft: read like any, its pairs never pending
    assert (body["status"], body["draft"], body["pending"]) == ("draft", True, 0)
    assert {a["state"] for a in body["result"]["assignments"]} == {"draft"}
    assert client.get(f"{P}/{body['id']}", headers=h).json() == body
    listed = client.get(P, headers=h).json()
    assert listed["count"] == 1
    assert listed["data"][0]["kpis"]["slots_filled"] == 5
    assert client.get(f"{P}/999", headers=h).status_code == 404


def test_planner_cannot_accept_or_reject(client: TestClient, tokens: Tokens) -> None:
    pid = client.post(P, json={}, headers=tokens.h("planner")).json()["id"]
    assert client.post(f"{P}/{pid}/accept", json={}, headers=tokens.h("planner")).status_code == 403
    rej = {"assignments": [{"cadre": "P2", "demand": "D2"}]}
    assert (
        client.post(f"{P}/{pid}/reject", json=rej, headers=tokens.h("planner")).status_code == 403
    )
    assert client.post(P, json={}, headers=tokens.h("analyst")).status_code == 403


def test_policy_override(client: TestClient, tokens: Tokens) -> None:
    h = tokens.h("dispatcher")
    r = client.post(
        P, json={"policy": {"weights": {"travel_per_km": 0}, "alternatives": 0}}, headers=h
    )
    assert r.status_code == 201
    assert all(a["alternatives"] == [] for a in r.json()["result"]["assignments"])
    r = client.post(P, json={"policy": {"weights": {"skill": -1}}}, headers=h)
    assert r.status_code == 422
    assert r.json()["errors"][0]["pointer"] == "/body/policy/weights/skill"
    r = client.post(P, json={"policy": {"bogus": 1}}, headers=h)
    assert r.status_code == 422


def test_pins(client: TestClient, tokens: Tokens) -> None:
    h = tokens.h("dispatcher")
    r = client.post(P, json={"pinned": [{"cadre": "P5", "demand": "D2"}]}, headers=h)
    assert ("P5", "D2") in _pairs(r.json())
    r = client.post(P, json={"pinned": [{"cadre": "P3", "demand": "D3"}]}, headers=h)
    assert r.status_code == 422  # P3 is red: the pin breaks a hard rule
    r = client.post(P, json={"pinned": [{"cadre": "PX", "demand": "D3"}]}, headers=h)
    assert r.status_code == 422


def test_accept_chosen_then_rest(client: TestClient, tokens: Tokens) -> None:
    h = tokens.h("dispatcher")
    pid = client.post(P, json={}, headers=h).json()["id"]
    r = client.post(
        f"{P}/{pid}/accept", json={"assignments": [{"cadre": "P6", "demand": "D3"}]}, headers=h
    )
    assert r.status_code == 201
    assert [(d["cadre"], d["demand"]) for d in r.json()["dispatches"]] == [("P6", "D3")]
    # choosing a pair accepted already: decided, not a pool that moved
    r = client.post(
        f"{P}/{pid}/accept", json={"assignments": [{"cadre": "P6", "demand": "D3"}]}, headers=h
    )
    assert (r.status_code, r.json()["code"]) == (409, "conflict.already_decided")
    assert "already_accepted" in {c["kind"] for c in r.json()["changes"]}
    r = client.post(f"{P}/{pid}/accept", json={}, headers=h)
    assert r.status_code == 201
    assert len(r.json()["dispatches"]) == 4
    # dispatches keep the proposal's scores on its 4-decimal grid
    assert all(round(d["score"], 4) == d["score"] for d in r.json()["dispatches"])
    got = client.get(f"{P}/{pid}", headers=h).json()
    assert (got["accepted"], got["pending"]) == (5, 0)
    # everything is used: a new proposal fills nothing more
    again = client.post(P, json={}, headers=h).json()
    assert again["result"]["assignments"] == []
    # no pair, no mean skill fit and no travel (null, not 0); the other KPIs are numbers as ever
    kpis = again["result"]["kpis"]
    assert kpis["mean_skill_fit"] is None and kpis["slots_filled"] == 0
    assert kpis["mean_travel_km"] is None and kpis["max_travel_km"] is None
    # accepting it is a no-op, not a conflict: the dispatcher's day goes on
    r = client.post(f"{P}/{again['id']}/accept", json={}, headers=h)
    assert (r.status_code, r.json()["dispatches"]) == (201, [])
    assert client.get("/v1/districts/d1/dispatches", headers=h).json()["count"] == 5
    # while a proposal whose pairs are all decided still says so
    r = client.post(f"{P}/{pid}/accept", json={}, headers=h)
    assert (r.status_code, r.json()["code"]) == (409, "conflict.nothing_to_accept")
    r = client.post(
        f"{P}/{pid}/accept", json={"assignments": [{"cadre": "P5", "demand": "D1"}]}, headers=h
    )
    assert r.status_code == 422  # not in this proposal


def test_accept_and_no_show_need_no_body(client: TestClient, tokens: Tokens) -> None:
    """The docs say omit the body to accept everything: no body at all works like {}."""
    h = tokens.h("dispatcher")
    pid = client.post(P, json={}, headers=h).json()["id"]
    r = client.post(f"{P}/{pid}/accept", headers=h)
    assert r.status_code == 201, r.text
    first = r.json()["dispatches"][0]["id"]
    r = client.post(f"/v1/districts/d1/dispatches/{first}/no-show", headers=h)
    assert r.status_code == 200, r.text


def test_superseded_accept_is_409_and_writes_nothing(client: TestClient, tokens: Tokens) -> None:
    h = tokens.h("dispatcher")
    first = client.post(P, json={}, headers=h).json()["id"]
    second = client.post(P, json={}, headers=h).json()["id"]
    old = client.get(f"{P}/{first}", headers=h).json()
    assert (old["status"], old["pending"], old["superseded"]) == ("superseded", 0, 5)
    assert client.post(f"{P}/{second}/accept", json={}, headers=h).status_code == 201
    r = client.post(f"{P}/{first}/accept", json={}, headers=h)
    assert r.status_code == 409
    assert {c["kind"] for c in r.json()["changes"]} == {"superseded"}
    assert client.get("/v1/districts/d1/dispatches", headers=h).json()["count"] == 5
    third = client.post(P, json={"pinned": []}, headers=h)
    assert third.json()["result"]["assignments"] == []


def test_edit_makes_proposal_stale(client: TestClient, tokens: Tokens) -> None:
    h = tokens.h("dispatcher")
    pid = client.post(P, json={}, headers=h).json()["id"]
    client.post("/v1/districts/d1/demands/D2/close", headers=h)
    upd = {
        "name": "孙八",
        "home": "C3",
        "skills": {"livelihood.elderly_care": 5},
        "certs": ["elderly_care_worker"],
        "capacity": 1,
    }
    client.put("/v1/districts/d1/cadres/P6", json=upd, headers=h)
    r = client.post(f"{P}/{pid}/accept", json={}, headers=h)
    assert r.status_code == 409
    changes = r.json()["changes"]
    assert {"demand": "D2", "kind": "demand_closed", "status": "cancelled"} in changes
    assert {"cadre": "P6", "kind": "cadre_changed"} in changes
    assert client.get("/v1/districts/d1/dispatches", headers=h).json()["count"] == 0


def test_reject_then_repropose_offers_alternate(client: TestClient, tokens: Tokens) -> None:
    h = tokens.h("dispatcher")
    pid = client.post(P, json={}, headers=h).json()["id"]
    rej = {"assignments": [{"cadre": "P2", "demand": "D2"}], "reason": "on leave"}
    r = client.post(f"{P}/{pid}/reject", json=rej, headers=h)
    assert r.status_code == 200
    assert r.json()["declines"][0]["reason"] == "on leave"
    assert client.post(f"{P}/{pid}/reject", json=rej, headers=h).status_code == 409
    new = client.post(P, json={}, headers=h).json()
    assert ("P5", "D2") in _pairs(new)
    assert ("P2", "D2") not in _pairs(new)
    declines = client.get("/v1/districts/d1/declines", headers=h).json()
    assert declines["count"] == 1
    # the new proposal supersedes the old one's undecided pairs: accept from the new one
    assert client.post(f"{P}/{pid}/accept", json={}, headers=h).status_code == 409
    r = client.post(f"{P}/{new['id']}/accept", json={}, headers=h)
    assert r.status_code == 201
    assert ("P2", "D2") not in {(d["cadre"], d["demand"]) for d in r.json()["dispatches"]}


def test_idempotent_accept(client: TestClient, tokens: Tokens) -> None:
    h = tokens.h("dispatcher") | {"Idempotency-Key": "accept-1"}
    pid = client.post(P, json={}, headers=tokens.h("dispatcher")).json()["id"]
    first = client.post(f"{P}/{pid}/accept", json={}, headers=h)
    again = client.post(f"{P}/{pid}/accept", json={}, headers=h)
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert again.headers["idempotent-replay"] == "true"
    dispatches = client.get("/v1/districts/d1/dispatches", headers=tokens.h("dispatcher")).json()
    assert dispatches["count"] == 5
    other = client.post(f"{P}/{pid}/accept", json={"assignments": []}, headers=h)
    assert other.status_code == 422
    assert other.json()["type"].endswith("idempotency-key-reused")


def test_idempotent_propose(client: TestClient, tokens: Tokens) -> None:
    h = tokens.h("dispatcher") | {"Idempotency-Key": "p-1"}
    a = client.post(P, json={}, headers=h).json()
    b = client.post(P, json={}, headers=h).json()
    assert a == b
    assert client.get(P, headers=h).json()["count"] == 1


def test_big_pools_re_propose_warm_after_a_reject(client: TestClient, tokens: Tokens) -> None:
    # every pool counts as big here
    client.app.state.warm = WarmPlans(params=EngineParams(stream_above=0))  # type: ignore[attr-defined]
    h = tokens.h("dispatcher")
    first = client.post(P, json={}, headers=h).json()
    warm = client.app.state.warm.planner("d1")  # type: ignore[attr-defined]
    assert warm is not None and not warm.was_warm
    gone = first["result"]["assignments"][0]
    rej = {"assignments": [{"cadre": gone["cadre"], "demand": gone["demand"]}]}
    assert client.post(f"{P}/{first['id']}/reject", json=rej, headers=h).status_code == 200
    again = client.post(P, json={}, headers=h).json()
    assert warm.was_warm
    assert (gone["cadre"], gone["demand"]) not in _pairs(again)
    _same_as_cold(client, again)
    # accepted pairs use up capacity and slots: the next proposal is warm too
    assert client.post(f"{P}/{again['id']}/accept", json={}, headers=h).status_code == 201
    third = client.post(P, json={}, headers=h).json()
    assert warm.was_warm
    _same_as_cold(client, third)


def _same_as_cold(client: TestClient, got: dict[str, Any]) -> None:
    with client.app.state.store.read() as tx:  # type: ignore[attr-defined]
        snap = tx.snapshot("d1")
    cold = propose(
        snap.case,
        excluded=snap.excluded,
        used_capacity=snap.used_capacity,
        filled_slots=snap.filled_slots,
        engine="dense",
    )
    assert got["result"]["objective"] == pytest.approx(cold.objective, abs=1e-6)
    assert got["result"]["certified"] is True


def test_pins_are_judged_before_a_job_is_queued(client: TestClient, tokens: Tokens) -> None:
    """A pin breaking a hard rule, or on a demand the horizon leaves out, is a 422 at
    once, never a 202 whose job fails later."""
    h = {**tokens.h("dispatcher"), "Prefer": "respond-async"}
    r = client.post(P, json={"pinned": [{"cadre": "P3", "demand": "D3"}]}, headers=h)
    assert r.status_code == 422, r.text  # P3 is red
    admin = tokens.h("admin")
    shift = {"id": "S1", "community": "C1", "title": "值守",
             "needs": {"urban.elevator_retrofit": 1},
             "start": "2026-12-08T18:00", "end": "2026-12-08T22:00"}  # fmt: skip
    with fixed_dates_ahead():
        r = client.post("/v1/districts/d1/demands", json=shift, headers=admin)
    assert r.status_code == 201
    body = {"from": "2026-12-10", "to": "2026-12-10", "pinned": [{"cadre": "P1", "demand": "S1"}]}
    r = client.post(P, json=body, headers=h)
    assert r.status_code == 422, r.text
    (e,) = r.json()["errors"]
    assert e["code"] == "problem.pin_outside_horizon"
    assert e["params"] == {"demand": "S1", "first": "2026-12-10", "last": "2026-12-10"}
    # a good pin still queues its job
    r = client.post(P, json={"pinned": [{"cadre": "P5", "demand": "D2"}]}, headers=h)
    assert r.status_code == 202, r.text
