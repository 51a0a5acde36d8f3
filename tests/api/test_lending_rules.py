"""Hard lending rules over HTTP: what the district's dispatches already lent counts
against a community's limit, over the policy's period; the plan says it is a MILP."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import text

from matcher.store import Store
from matcher.store.core import today
from tests.api.tokens import Tokens
from tests.clock import SHANGHAI
from tests.store.history import add_outcome

P = "/v1/districts/d1/proposals"
HOME = {"P1": "C1", "P2": "C2", "P3": "C1", "P4": "C3", "P5": "C2", "P6": "C3"}
WHERE = {"D1": "C1", "D2": "C2", "D3": "C2", "D4": "C3"}


def lent_by(plan: dict, community: str) -> list[tuple[str, str]]:  # type: ignore[type-arg]
    pairs = [(a["cadre"], a["demand"]) for a in plan["assignments"]]
    return [(c, d) for c, d in pairs if HOME[c] == community and WHERE[d] != community]


def propose(client: TestClient, tokens: Tokens, lending: dict) -> dict:  # type: ignore[type-arg]
    r = client.post(P, json={"policy": {"lending": lending}}, headers=tokens.h("dispatcher"))
    assert r.status_code == 201, r.text
    return r.json()["result"]  # type: ignore[no-any-return]


def test_past_lending_counts_against_the_limit(
    client: TestClient, tokens: Tokens, store: Store
) -> None:
    free = client.post(P, json={}, headers=tokens.h("dispatcher")).json()["result"]
    assert len(lent_by(free, "C3")) >= 2  # C3's cadres are lent twice without rules
    one = propose(client, tokens, {"limits": {"C3": 1}})
    assert len(lent_by(one, "C3")) == 1 and one["solver"] == "milp" and one["certified"]
    assert one["bound"] == one["objective"]
    # C3 lent P6 to D3 (C2) yesterday: its one dispatch of the period is used up
    add_outcome(store, "P6", "D3", today(SHANGHAI) - timedelta(days=1), hours=2, district="d1")
    none = propose(client, tokens, {"limits": {"C3": 1}})
    assert lent_by(none, "C3") == []
    # over a one-day period yesterday's dispatch no longer counts
    again = propose(client, tokens, {"limits": {"C3": 1}, "period_days": 1})
    assert len(lent_by(again, "C3")) == 1


def test_the_districts_own_policy_counts_the_same(
    client: TestClient, tokens: Tokens, store: Store
) -> None:
    add_outcome(store, "P6", "D3", today(SHANGHAI), hours=2, district="d1")
    with store.write() as tx:  # the district's policy as an import would set it
        tx.conn.execute(
            text("UPDATE districts SET policy_toml = :p WHERE id = 'd1'"),
            {"p": "[lending]\nlimits = {C3 = 1}\n"},
        )
    plan = client.post(P, json={}, headers=tokens.h("dispatcher")).json()["result"]
    assert lent_by(plan, "C3") == [] and plan["solver"] == "milp"


def test_a_bad_rule_is_a_422(client: TestClient, tokens: Tokens) -> None:
    r = client.post(
        P, json={"policy": {"lending": {"max_lent": -1}}}, headers=tokens.h("dispatcher")
    )
    assert r.status_code == 422, r.text
    r = client.post(
        P, json={"policy": {"lending": {"limits": {"C1": "x"}}}}, headers=tokens.h("dispatcher")
    )
    assert r.status_code == 422, r.text
