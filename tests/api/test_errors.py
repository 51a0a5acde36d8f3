"""Errors are RFC 9457 problems; bad input is never a 500; the body limit answers 413."""

from __future__ import annotations

from collections.abc import Iterator

from fastapi.testclient import TestClient

from tests.api.tokens import Tokens


def test_malformed_json_is_422_problem(client: TestClient, tokens: Tokens) -> None:
    h = tokens.h("dispatcher") | {"Content-Type": "application/json"}
    r = client.post("/v1/districts/d1/proposals", content=b"{not json", headers=h)
    assert r.status_code == 422
    body = r.json()
    assert r.headers["content-type"] == "application/problem+json"
    assert set(body) >= {"type", "title", "status", "detail", "errors"}


def test_wrong_types_and_extra_fields(client: TestClient, tokens: Tokens) -> None:
    h = tokens.h("dispatcher")
    r = client.post("/v1/districts/d1/proposals", json={"pinned": "x", "extra": 1}, headers=h)
    assert r.status_code == 422
    assert {e["pointer"] for e in r.json()["errors"]} == {"/body/pinned", "/body/extra"}
    r = client.get("/v1/districts/d1/cadres", params={"limit": "lots"}, headers=h)
    assert r.status_code == 422
    assert r.json()["errors"][0]["pointer"] == "/query/limit"
    r = client.get("/v1/districts/d1/proposals/-3", headers=h)
    assert r.status_code == 422
    # a number where a day belongs has its own code (it fell back to field.invalid with
    # pydantic's English words)
    r = client.post("/v1/districts/d1/proposals", json={"from": 20261207}, headers=h)
    assert r.status_code == 422
    assert r.json()["errors"][0]["code"] == "field.date_from_datetime_inexact"


def test_odd_text_is_rejected_not_500(client: TestClient, tokens: Tokens) -> None:
    h = tokens.h("dispatcher") | {"Content-Type": "application/json"}
    body = b'{"id": "C8", "name": "\\ud800", "street": "s", "lat": 1, "lon": 1}'
    r = client.post("/v1/districts/d1/communities", content=body, headers=h)
    assert r.status_code == 422
    r = client.post(
        "/v1/districts/d1/cadres/import", json={"csv": "\x00\x01garbage,,,\n"}, headers=h
    )
    assert r.status_code == 422


def test_what_postgresql_cannot_hold_is_refused_or_not_found(
    client: TestClient, tokens: Tokens
) -> None:
    """A NUL in text and ids past 32 bits: SQLite takes them, PostgreSQL's text and
    INTEGER would not; on both engines they are a 422 or a 404, never a 500."""
    h = tokens.h("admin")
    big = 2**62
    for url, status in [
        ("/v1/districts/d1/audit?action=%00", 422),
        (f"/v1/districts/d1/audit?actor={big}", 200),
        (f"/v1/districts/d1/dispatches/{big}", 404),
        (f"/v1/districts/d1/proposals/{big}", 404),
        (f"/v1/districts/d1/warnings/{big}", 404),
    ]:
        r = client.get(url, headers=h)
        assert r.status_code == status, (url, r.text)
    r = client.post(f"/v1/districts/d1/proposals/{big}/accept", json={}, headers=h)
    assert r.status_code == 404, r.text
    assert client.delete(f"/v1/tokens/{big}", headers=h).status_code == 404


def test_body_limit_413(client: TestClient, tokens: Tokens) -> None:
    h = tokens.h("dispatcher")
    big = {"csv": "x" * (65 * 1024)}
    r = client.post("/v1/districts/d1/cadres/import", json=big, headers=h)
    assert r.status_code == 413
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["status"] == 413


def test_body_limit_without_content_length(client: TestClient, tokens: Tokens) -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(20):
            yield b"x" * 8192

    h = tokens.h("dispatcher") | {"Content-Type": "application/json"}
    r = client.post("/v1/districts/d1/proposals", content=chunks(), headers=h)
    assert r.status_code == 413
