"""districts and taxonomy routers."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.api.tokens import Tokens


def test_list_shows_only_own_districts(client: TestClient, tokens: Tokens) -> None:
    def ids(role: str) -> list[str]:
        rows = client.get("/v1/districts", headers=tokens.h(role)).json()["data"]
        return [d["id"] for d in rows]

    assert ids("admin") == ["d1", "d2"]
    assert ids("dispatcher") == ["d1"]
    assert ids("other") == ["d2"]


def test_get_district_counts(client: TestClient, tokens: Tokens) -> None:
    r = client.get("/v1/districts/d1", headers=tokens.h("dispatcher"))
    assert r.status_code == 200
    body = r.json()
    assert (body["communities"], body["cadres"], body["demands"]) == (3, 6, 4)
    assert body["taxonomy"] == "gulou-6x32"


def test_create_district_admin_only(client: TestClient, tokens: Tokens) -> None:
    body = {"id": "d3", "name": "Three"}
    assert (
        client.post("/v1/districts", json=body, headers=tokens.h("dispatcher")).status_code == 403
    )
    r = client.post("/v1/districts", json=body, headers=tokens.h("admin"))
    assert r.status_code == 201
    assert r.json()["cadres"] == 0
    r = client.post("/v1/districts", json=body, headers=tokens.h("admin"))
    assert r.status_code == 409


def test_a_district_names_its_time_zone(client: TestClient, tokens: Tokens) -> None:
    """The zone its policy names (the default's when none): what a client shows times in."""
    assert client.get("/v1/districts/d1", headers=tokens.h("dispatcher")).json()["timezone"] == (
        "Asia/Shanghai"
    )
    body = {"id": "la", "name": "LA", "policy_toml": 'timezone = "America/Los_Angeles"\n'}
    made = client.post("/v1/districts", json=body, headers=tokens.h("admin"))
    assert made.status_code == 201, made.text
    assert made.json()["timezone"] == "America/Los_Angeles"
    listed = client.get("/v1/districts", headers=tokens.h("admin")).json()["data"]
    assert {d["id"]: d["timezone"] for d in listed} == {
        "d1": "Asia/Shanghai",
        "d2": "Asia/Shanghai",
        "la": "America/Los_Angeles",
    }
    one = client.get("/v1/districts/la", headers=tokens.h("admin")).json()
    assert one["timezone"] == "America/Los_Angeles"


def test_create_district_with_bad_taxonomy_is_422(client: TestClient, tokens: Tokens) -> None:
    body = {"id": "d4", "name": "x", "taxonomy_toml": "not [valid toml"}
    r = client.post("/v1/districts", json=body, headers=tokens.h("admin"))
    assert r.status_code == 422
    assert r.headers["content-type"] == "application/problem+json"


def test_taxonomy(client: TestClient, tokens: Tokens) -> None:
    r = client.get("/v1/taxonomy", headers=tokens.h("analyst"))
    assert r.status_code == 200
    body = r.json()
    assert len(body["categories"]) == 6
    assert sum(len(c["tags"]) for c in body["categories"]) == 32
    assert client.get("/v1/districts/d1/taxonomy", headers=tokens.h("analyst")).json() == body
