"""GET /v1/messages, and codes on every problem, change, unfilled reason, fix and churn row."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from matcher import load_case
from matcher.messages import CATALOGUE, Message, render, required
from matcher.store import Store
from tests.api.tokens import Tokens
from tests.text import allowed_words, latin_words

P = "/v1/districts/d1/proposals"


def _zh(code: str, params: dict[str, Any], allowed: set[str]) -> str:
    """The Chinese of a code as the console renders it; fails on gaps or English."""
    assert code in CATALOGUE, code
    assert required(CATALOGUE[code]["zh"]) <= set(params), (code, params)
    text = render(Message(code=code, params=params), "zh")
    assert not latin_words(text, allowed), (code, text)
    return text


def _problem(r: Any, allowed: set[str]) -> dict[str, Any]:
    body: dict[str, Any] = r.json()
    assert r.headers["content-type"] == "application/problem+json"
    assert "{" not in body["detail"], body["detail"]  # no JSON or dict repr in a detail
    _zh(body["code"], body["params"], allowed)
    for e in body.get("errors") or []:
        _zh(e["code"], e["params"], allowed)
        if e.get("hint_code"):
            _zh(e["hint_code"], e["hint_params"], allowed)
    for c in body.get("changes") or []:
        if "kind" in c:
            _zh("change." + c["kind"], {k: v for k, v in c.items() if k != "kind"}, allowed)
    return body


def test_catalogue_is_served_without_a_token_and_cached(client: TestClient) -> None:
    r = client.get("/v1/messages", params={"lang": "zh"})
    assert r.status_code == 200
    body = r.json()
    assert body["lang"] == "zh" and body["separators"] == {"list": "、", "clause": "；"}
    assert body["messages"] == {c: t["zh"] for c, t in sorted(CATALOGUE.items())}
    assert body["params"]["certs"] == "taxonomy" and body["params"]["rules"] == "rule."
    assert "public" in r.headers["cache-control"]
    again = client.get("/v1/messages?lang=zh", headers={"If-None-Match": r.headers["etag"]})
    assert again.status_code == 304
    en = client.get("/v1/messages?lang=en")
    assert en.json()["messages"]["unfilled.no_qualified"] == "no cadre passes every hard rule"
    assert en.headers["etag"] != r.headers["etag"]
    bad = client.get("/v1/messages?lang=fr")
    assert bad.status_code == 422 and bad.json()["code"] == "input.validation"


def test_problems_carry_codes_that_render_in_chinese(
    client: TestClient, tokens: Tokens, store: Store, tiny_case_dir: Any
) -> None:
    allowed = allowed_words(load_case(tiny_case_dir)) | {"C99", "x"}
    h = tokens.h("dispatcher")
    r = client.get("/v1/districts/d1/cadres/P99", headers=h)
    assert r.status_code == 404
    body = _problem(r, allowed)
    assert (body["code"], body["params"]) == ("not_found.cadre", {"kind": "cadre", "id": "P99"})
    assert _problem(client.get("/v1/districts/d1/cadres"), allowed)["code"] == "auth.unauthorized"
    r = client.post("/v1/districts/d1/cadres", json={}, headers=tokens.h("planner"))
    assert _problem(r, allowed)["code"] == "auth.forbidden"
    assert _problem(client.get("/v1/nowhere", headers=h), allowed)["code"] == "http.not_found"
    # 422: request fields, and CSV rows with fixed messages and hints
    r = client.post(P, json={"pinned": "x", "extra": 1}, headers=h)
    body = _problem(r, allowed)
    assert body["code"] == "input.validation" and body["params"] == {"count": 2}
    assert {e["code"] for e in body["errors"]} == {"field.list_type", "field.extra_forbidden"}
    r = client.get("/v1/districts/d1/cadres", params={"limit": -1}, headers=h)
    assert set(_problem(r, allowed)["errors"][0]["params"]) == {"ge"}
    bad = (
        "id,name,home,skills,certs,capacity,status,max_travel_km\n"
        "P1,张三,C1,urban.elevator_retrofit:5,constructor,x,purple,\n"
        "Q1,新人,C99,livelihood.elderly_care:2,,1,green,3\n"
    )
    r = client.post("/v1/districts/d1/cadres/import", json={"csv": bad}, headers=h)
    body = _problem(r, allowed)
    codes = {e["code"] for e in body["errors"]}
    assert {"problem.unknown_community", "problem.capacity_int", "problem.status_value"} <= codes
    # 409: the stale proposal, the superseded one, and each change as a code
    first = client.post(P, json={}, headers=h).json()
    gone = first["result"]["assignments"][0]["demand"]
    assert client.post(f"/v1/districts/d1/demands/{gone}/close", headers=h).status_code == 200
    r = client.post(f"{P}/{first['id']}/accept", json={}, headers=h)
    body = _problem(r, allowed)
    assert body["code"] == "conflict.stale_proposal"
    assert {c["kind"] for c in body["changes"]} == {"demand_closed"}
    r = client.post(f"/v1/districts/d1/demands/{gone}/close", headers=h)
    body = _problem(r, allowed)
    assert body["code"] == "state.illegal_transition"
    assert {c["kind"] for c in body["changes"]} == {"illegal_transition"}
    second = client.post(P, json={}, headers=h).json()["id"]
    r = client.post(f"{P}/{first['id']}/accept", json={}, headers=h)
    body = _problem(r, allowed)
    assert (body["code"], body["changes"][0]["kind"]) == ("conflict.superseded", "superseded")
    assert client.post(f"{P}/{second}/accept", json={}, headers=h).status_code == 201
    dispatch = client.get("/v1/districts/d1/dispatches", headers=h).json()["data"][0]["id"]
    client.post(f"/v1/districts/d1/dispatches/{dispatch}/complete", json={"hours": 2}, headers=h)
    r = client.post(
        f"/v1/districts/d1/dispatches/{dispatch}/cancel", json={"reason": "other"}, headers=h
    )
    assert r.status_code == 409
    assert _problem(r, allowed)["code"] in CATALOGUE


def test_results_carry_codes_beside_their_english(
    client: TestClient, tokens: Tokens, tiny_case_dir: Any
) -> None:
    h = tokens.h("dispatcher")
    hard = {"id": "D9", "community": "C3", "title": "急救", "certs": ["constructor"],
            "needs": {"emergency.first_aid": 5}, "headcount": 3, "priority": 5}  # fmt: skip
    assert client.post("/v1/districts/d1/demands", json=hard, headers=h).status_code == 201
    result = client.post(P, json={}, headers=h).json()["result"]
    assert result["unfilled"]
    allowed = allowed_words(load_case(tiny_case_dir))
    for u in result["unfilled"]:
        assert len(u["why"]) == len(u["reasons"]) and u["why"]
        for w, text in zip(u["why"], u["reasons"], strict=True):
            m = Message.model_validate(w)
            assert m.code.startswith("unfilled.")
            # without labels slugs show as they are; the English keeps its shape
            assert render(m, "en").split(" ")[:2] == text.split(" ")[:2]
            _zh(m.code, m.params, allowed)
    body = {"name": "P1 leaves", "edits": [{"kind": "remove_cadres", "ids": ["P1"]}]}
    h = tokens.h("planner")
    r = client.post(
        "/v1/districts/d1/scenarios", json={**body, "explain_unfilled": True}, headers=h
    )
    out = r.json()
    dropped = next(c for c in out["churn"]["changes"] if c["cadre"] == "P1")
    assert dropped["why"] == [
        {"code": "churn.cadre_removed", "params": {"edits": ["1:remove_cadres"]}}
    ]
    options = [o for row in out["counterfactuals"] for o in row["options"]]
    assert all(o["why"]["code"].startswith("fix.") for o in options)
