"""Scope on every district route: another district's dispatcher gets 404, analysts see no
personal field."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from tests.api.casefile import CADRES
from tests.api.tokens import Tokens

PARAMS = {
    "district": "d1",
    "cadre": "P1",
    "demand": "D1",
    "community": "C1",
    "proposal": "1",
    "dispatch": "1",
    "warning": "1",
}
NAMES = [line.split(",")[1] for line in CADRES.strip().splitlines()[1:]]
SECRET_NOTE = "私人备注 13800000000"


def _district_routes(client: TestClient) -> list[tuple[str, str]]:
    """Every documented (method, path) under a district, with its parameters filled in."""
    out: list[tuple[str, str]] = []
    for template, ops in client.get("/openapi.json").json()["paths"].items():
        if "{district}" in template:
            path = re.sub(r"\{(\w+)\}", lambda m: PARAMS[m.group(1)], template)
            out.extend((method.upper(), path) for method in sorted(ops))
    return out


def _day(client: TestClient, tokens: Tokens) -> None:
    """Proposal 1 with one rejection (with reason) and dispatch 1 completed (with note)."""
    h = tokens.h("dispatcher")
    assert client.post("/v1/districts/d1/proposals", json={}, headers=h).status_code == 201
    rej = {"assignments": [{"cadre": "P2", "demand": "D2"}], "reason": SECRET_NOTE}
    assert (
        client.post("/v1/districts/d1/proposals/1/reject", json=rej, headers=h).status_code == 200
    )
    assert client.post("/v1/districts/d1/proposals/1/accept", json={}, headers=h).status_code == 201
    r = client.post(
        "/v1/districts/d1/dispatches/1/complete", json={"hours": 2, "note": SECRET_NOTE}, headers=h
    )
    assert r.status_code == 200


def test_every_district_route_is_404_for_another_district(
    client: TestClient, tokens: Tokens
) -> None:
    _day(client, tokens)
    routes = _district_routes(client)
    assert len(routes) >= 25
    for method, path in routes:
        r = client.request(method, path, json={}, headers=tokens.h("other"))
        assert r.status_code == 404, (method, path, r.status_code)
        assert r.headers["content-type"] == "application/problem+json"
        assert "d1" in r.json()["detail"]
        # indistinguishable from a district that does not exist
        ghost = client.request(
            method, path.replace("/d1", "/d9", 1), json={}, headers=tokens.h("other")
        )
        assert ghost.status_code == 404
        assert ghost.json()["title"] == r.json()["title"]


def test_analyst_sees_no_personal_field(client: TestClient, tokens: Tokens) -> None:
    _day(client, tokens)
    seen_dispatcher = client.get("/v1/districts/d1/cadres", headers=tokens.h("dispatcher")).text
    assert all(name in seen_dispatcher for name in NAMES)
    gets = [p for m, p in _district_routes(client) if m == "GET"]
    assert len(gets) >= 12
    for path in gets:
        r = client.get(path, headers=tokens.h("analyst"))
        if path.endswith("/audit"):  # the audit trail is for admins and supervisors
            assert r.status_code == 403, (path, r.text)
            continue
        assert r.status_code == 200, (path, r.text)
        for secret in [*NAMES, SECRET_NOTE]:
            assert secret not in r.text, (path, secret)
    cadre = client.get("/v1/districts/d1/cadres/P1", headers=tokens.h("analyst")).json()
    assert cadre["name"] == "***"


def test_analyst_cannot_write_anywhere(client: TestClient, tokens: Tokens) -> None:
    _day(client, tokens)
    for method, path in _district_routes(client):
        if method == "GET":
            continue
        r = client.request(method, path, json={}, headers=tokens.h("analyst"))
        assert r.status_code == 403, (method, path)
