"""POST /v1/districts/{d}/scenarios: planners and admins, never changes live data."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.api.tokens import Tokens

S = "/v1/districts/d1/scenarios"
BODY = {"name": "P1 leaves", "edits": [{"kind": "remove_cadres", "ids": ["P1"]}]}


def test_planner_runs_a_scenario_and_nothing_changes(client: TestClient, tokens: Tokens) -> None:
    h = tokens.h("planner")
    before = client.get("/v1/districts/d1/cadres", headers=h).json()
    r = client.post(S, json={**BODY, "explain_unfilled": True}, headers=h)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["scenario"] == "P1 leaves"
    dropped = [c for c in body["churn"]["changes"] if c["cadre"] == "P1"]
    assert dropped and dropped[0]["kind"] == "dropped"
    assert dropped[0]["reason"] == "cadre removed by edit 1 (remove_cadres)"
    k = {x["kpi"]: x for x in body["kpis"]}
    assert k["cadres_available"]["delta"] == -1
    assert isinstance(body["counterfactuals"], list)
    assert client.get("/v1/districts/d1/cadres", headers=h).json() == before
    assert client.get("/v1/districts/d1/proposals", headers=h).json()["count"] == 0


def test_admin_yes_dispatcher_and_analyst_no(client: TestClient, tokens: Tokens) -> None:
    assert client.post(S, json=BODY, headers=tokens.h("admin")).status_code == 200
    assert client.post(S, json=BODY, headers=tokens.h("dispatcher")).status_code == 403
    assert client.post(S, json=BODY, headers=tokens.h("analyst")).status_code == 403
    assert client.post(S, json=BODY, headers=tokens.h("other")).status_code == 404


def test_bad_edit_is_a_located_problem(client: TestClient, tokens: Tokens) -> None:
    body = {"edits": [{"kind": "train", "ids": ["P2"], "tag": "governance.property_dispute"}]}
    r = client.post(S, json=body, headers=tokens.h("planner"))
    assert r.status_code == 422
    assert r.headers["content-type"].startswith("application/problem+json")
    (e,) = r.json()["errors"]
    assert e["pointer"] == "/body/edits/0/tag"
    assert "governance.property_dispute_mediation" in e["hint"]
