"""PUT takes back what GET returned (same id, current version); PATCH merges (RFC 7396)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.tokens import Tokens

C = "/v1/districts/d1/cadres"
D = "/v1/districts/d1/demands"
MERGE = {"Content-Type": "application/merge-patch+json"}


def _accept_all(client: TestClient, h: dict[str, str]) -> None:
    """P1 then holds D1 and D4 (capacity 2); D1 (headcount 2) is filled by P1 and P4."""
    pid = client.post("/v1/districts/d1/proposals", json={}, headers=h).json()["id"]
    assert client.post(f"/v1/districts/d1/proposals/{pid}/accept", json={}, headers=h).is_success


@pytest.mark.parametrize(("url", "key"), [(C + "/P6", "cadre"), (D + "/D1", "demand")])
def test_put_accepts_what_get_returned(
    client: TestClient, tokens: Tokens, url: str, key: str
) -> None:
    h = tokens.h("dispatcher")
    got = client.get(url, headers=h).json()
    r = client.put(url, json=got, headers=h)
    assert r.status_code == 200, r.text
    assert r.json() == got  # nothing changed, so the version stays
    edited = got | {"title" if key == "demand" else "name": "改过"}
    r = client.put(url, json=edited, headers=h)
    assert r.status_code == 200, r.text
    assert r.json()["version"] == got["version"] + 1
    # the representation read before that write is stale now: its version says so
    stale = client.put(url, json=got, headers=h)
    assert stale.status_code == 409
    assert stale.headers["content-type"] == "application/problem+json"
    assert stale.json()["changes"] == [
        {key: got["id"], "kind": f"{key}_changed", "version": got["version"] + 1}
    ]
    # without a version there is no check (a plain replace, as before)
    plain = {k: v for k, v in got.items() if k != "version"}
    assert client.put(url, json=plain, headers=h).status_code == 200


@pytest.mark.parametrize(("url", "other"), [(C + "/P6", "P5"), (D + "/D1", "D2")])
def test_put_refuses_another_id_and_unknown_fields(
    client: TestClient, tokens: Tokens, url: str, other: str
) -> None:
    h = tokens.h("dispatcher")
    got = client.get(url, headers=h).json()
    r = client.put(url, json=got | {"id": other}, headers=h)
    assert r.status_code == 422
    assert [e["pointer"] for e in r.json()["errors"]] == ["/body/id"]
    r = client.put(url, json=got | {"colour": "blue"}, headers=h)
    assert r.status_code == 422
    assert [e["pointer"] for e in r.json()["errors"]] == ["/body/colour"]
    assert client.get(url, headers=h).json() == got


def test_put_ignores_read_only_fields(client: TestClient, tokens: Tokens) -> None:
    h = tokens.h("dispatcher")
    got = client.get(D + "/D2", headers=h).json()
    r = client.put(D + "/D2", json=got | {"status": "closed", "filled": 7}, headers=h)
    assert r.status_code == 200
    assert (r.json()["status"], r.json()["filled"]) == ("open", 0)
    got = client.get(C + "/P5", headers=h).json()
    r = client.put(C + "/P5", json=got | {"active_dispatches": 9}, headers=h)
    assert (r.status_code, r.json()["active_dispatches"]) == (200, 0)


def test_patch_cadre_changes_only_what_it_names(client: TestClient, tokens: Tokens) -> None:
    h = tokens.h("dispatcher")
    before = client.get(C + "/P6", headers=h).json()
    assert before["max_travel_km"] == 12.5
    r = client.patch(C + "/P6", json={"capacity": 3}, headers=h)
    assert r.status_code == 200, r.text
    assert r.json() == before | {"capacity": 3, "version": before["version"] + 1}
    # null resets to the default: no travel limit
    r = client.patch(C + "/P6", content=b'{"max_travel_km": null}', headers=h | MERGE)
    assert r.status_code == 200, r.text
    assert r.json()["max_travel_km"] is None
    # objects merge member by member: one skill removed, one added, the rest kept
    p1 = client.get(C + "/P1", headers=h).json()
    patch = {"skills": {"urban.elevator_retrofit": None, "governance.resident_consultation": 2}}
    r = client.patch(C + "/P1", json=patch, headers=h)
    assert r.json()["skills"] == {
        "urban.old_housing_renovation": 2,
        "governance.resident_consultation": 2,
    }
    assert {k: v for k, v in r.json().items() if k not in ("skills", "version")} == {
        k: v for k, v in p1.items() if k not in ("skills", "version")
    }


@pytest.mark.parametrize(
    ("patch", "status", "pointer"),
    [
        ({"name": None}, 422, "/body/name"),  # required: no default to reset to
        ({"capacity": -1}, 422, "/body/capacity"),
        ({"capacity": True}, 422, "/body/capacity"),
        ({"skills": {"no.such_tag": 2}}, 422, "/body/skills"),
        ({"home": "C99"}, 422, "/body/home"),
        ({"id": "P2"}, 422, "/body/id"),
        ({"colour": "blue"}, 422, "/body/colour"),
        ({"version": 99}, 409, None),
    ],
)
def test_patch_cadre_is_validated_like_put(
    client: TestClient, tokens: Tokens, patch: dict[str, Any], status: int, pointer: str | None
) -> None:
    h = tokens.h("dispatcher")
    before = client.get(C + "/P6", headers=h).json()
    r = client.patch(C + "/P6", json=patch, headers=h)
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == "application/problem+json"
    if pointer is not None:
        assert pointer in {e["pointer"] for e in r.json()["errors"]}
    assert client.get(C + "/P6", headers=h).json() == before


def test_patch_keeps_the_active_dispatch_guards(client: TestClient, tokens: Tokens) -> None:
    h = tokens.h("dispatcher")
    _accept_all(client, h)
    r = client.patch(C + "/P1", json={"capacity": 1}, headers=h)
    assert r.status_code == 409
    assert r.json()["changes"][0]["field"] == "capacity"
    r = client.patch(D + "/D1", json={"headcount": 1}, headers=h)
    assert r.status_code == 409
    assert r.json()["changes"][0]["field"] == "headcount"
    assert client.patch(D + "/D1", json={"headcount": 3}, headers=h).json()["headcount"] == 3


def test_patch_demand(client: TestClient, tokens: Tokens) -> None:
    h = tokens.h("dispatcher")
    before = client.get(D + "/D2", headers=h).json()
    r = client.patch(D + "/D2", json={"priority": 1, "certs": None, "status": "closed"}, headers=h)
    assert r.status_code == 200, r.text
    # certs reset to none; status is read-only here (closing is POST …/close)
    assert r.json() == before | {"priority": 1, "certs": [], "version": before["version"] + 1}
    assert client.patch(D + "/D2", json={"title": None}, headers=h).status_code == 422
    assert client.patch(D + "/DX", json={"priority": 1}, headers=h).status_code == 404


@pytest.mark.parametrize("body", [b"[1, 2]", b'"x"', b"null", b"{nope"])
def test_patch_needs_an_object(client: TestClient, tokens: Tokens, body: bytes) -> None:
    h = tokens.h("dispatcher") | MERGE
    r = client.patch(C + "/P6", content=body, headers=h)
    assert r.status_code == 422
    assert r.headers["content-type"] == "application/problem+json"


def test_patch_needs_write_and_scope(client: TestClient, tokens: Tokens) -> None:
    for role, status in (("planner", 403), ("analyst", 403), ("other", 404)):
        r = client.patch(C + "/P6", json={"capacity": 2}, headers=tokens.h(role))
        assert r.status_code == status, role
