"""communities router."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.api.tokens import Tokens


def test_list_get_create(client: TestClient, tokens: Tokens) -> None:
    h = tokens.h("dispatcher")
    r = client.get("/v1/districts/d1/communities", headers=h)
    assert r.json()["count"] == 3
    assert client.get("/v1/districts/d1/communities/C2", headers=h).json()["name"] == "山西路社区"
    assert client.get("/v1/districts/d1/communities/C9", headers=h).status_code == 404
    new = {"id": "C4", "name": "新社区", "street": "某街道", "lat": 32.0, "lon": 118.8}
    r = client.post("/v1/districts/d1/communities", json=new, headers=h)
    assert r.status_code == 201
    assert client.post("/v1/districts/d1/communities", json=new, headers=h).status_code == 409
    bad = {**new, "id": "C5", "lat": 91}
    r = client.post("/v1/districts/d1/communities", json=bad, headers=h)
    assert r.status_code == 422
    assert r.json()["errors"][0]["pointer"] == "/body/lat"


def test_import_csv(client: TestClient, tokens: Tokens) -> None:
    h = tokens.h("dispatcher")
    csv = "id,name,street,lat,lon\nC1,颐和路社区(新),宁海路街道,32.06,118.77\nC7,七,街,32.1,118.7\n"
    r = client.post("/v1/districts/d1/communities/import", json={"csv": csv}, headers=h)
    assert r.status_code == 200
    assert r.json()["communities_created"] == 1
    assert r.json()["communities_updated"] == 1
    r = client.post(
        "/v1/districts/d1/communities/import", json={"csv": "id,name\nX,y\n"}, headers=h
    )
    assert r.status_code == 422
    assert r.json()["errors"][0]["pointer"] == "/body/csv"
