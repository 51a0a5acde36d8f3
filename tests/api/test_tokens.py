"""tokens router: admin only; secrets shown once and stored hashed."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from typer.testing import CliRunner

from matcher.cli import app
from matcher.store import Store, hash_token
from tests.api.tokens import Tokens


def test_create_list_revoke(client: TestClient, tokens: Tokens, store: Store) -> None:
    h = tokens.h("admin")
    r = client.post(
        "/v1/tokens", json={"role": "analyst", "districts": ["d2"], "label": "bi"}, headers=h
    )
    assert r.status_code == 201
    secret = r.json()["token"]
    assert secret.startswith("mt_")
    new = {"Authorization": f"Bearer {secret}"}
    assert [d["id"] for d in client.get("/v1/districts", headers=new).json()["data"]] == ["d2"]
    listed = client.get("/v1/tokens", headers=h).json()
    assert listed["count"] == 7  # the six of the fixture (tests/api/conftest.py) and this one
    assert all("token" not in t for t in listed["data"])
    with store.engine.connect() as conn:
        stored = [row[0] for row in conn.execute(text("SELECT hash FROM tokens"))]
    assert hash_token(secret) in stored
    assert secret not in stored
    tid = r.json()["id"]
    assert client.delete(f"/v1/tokens/{tid}", headers=h).json()["revoked_at"] is not None
    assert client.get("/v1/me", headers=new).status_code == 401


def test_token_rules(client: TestClient, tokens: Tokens) -> None:
    h = tokens.h("admin")
    assert client.post("/v1/tokens", json={"role": "planner"}, headers=h).status_code == 422
    r = client.post("/v1/tokens", json={"role": "planner", "districts": ["zz"]}, headers=h)
    assert r.status_code == 404
    assert client.post("/v1/tokens", json={"role": "root"}, headers=h).status_code == 422
    for role in ("dispatcher", "planner", "analyst"):
        assert client.get("/v1/tokens", headers=tokens.h(role)).status_code == 403


def test_idempotent_token_creation_never_stores_the_secret(
    client: TestClient, tokens: Tokens, store: Store
) -> None:
    h = tokens.h("admin") | {"Idempotency-Key": "t-1"}
    first = client.post("/v1/tokens", json={"role": "admin"}, headers=h).json()
    again = client.post("/v1/tokens", json={"role": "admin"}, headers=h).json()
    assert again["id"] == first["id"]
    assert again["token"] == ""
    with store.engine.connect() as conn:
        bodies = [row[0] for row in conn.execute(text("SELECT body FROM idempotency"))]
    assert all(first["token"] not in b for b in bodies)


def test_an_admin_token_names_no_district(
    client: TestClient, tokens: Tokens, store: Store, tmp_path: Path
) -> None:
    """An admin reaches every district (docs/api.md, "Security"): a token saying "admin
    for d1" would promise less than it can do, so the API and the CLI refuse the list
    (422 / exit 2, nothing written), and /v1/me names every district for an admin."""
    h = tokens.h("admin")
    before = client.get("/v1/tokens", headers=h).json()["count"]
    r = client.post("/v1/tokens", json={"role": "admin", "districts": ["d1"]}, headers=h)
    assert r.status_code == 422, r.text
    assert r.json()["errors"][0]["code"] == "problem.admin_districts"
    assert client.get("/v1/tokens", headers=h).json()["count"] == before
    me = client.get("/v1/me", headers=h).json()
    with store.read() as tx:
        every = [d.id for d in tx.list_districts()]
    assert me["districts"] == every and len(every) > 1 and me["all_districts"] is True
    mine = client.get("/v1/me", headers=tokens.h("dispatcher")).json()
    assert mine["all_districts"] is False and mine["districts"] == ["d1"]

    db = str(tmp_path / "t.db")
    made = Store.open(db)
    with made.write() as tx:
        tx.create_district("gulou", "鼓楼区")
    made.close()
    out = CliRunner().invoke(
        app, ["token", "create", "--role", "admin", "--district", "gulou", "--db", db]
    )
    assert out.exit_code == 2, out.output
    assert "admin token covers every district" in out.output
    assert not out.stdout.startswith("mt_")
    zh = CliRunner().invoke(
        app,
        ["token", "create", "--role", "admin", "--district", "gulou", "--db", db, "--lang", "zh"],
    )
    assert zh.exit_code == 2 and "管理员令牌覆盖所有区" in zh.output, zh.output
    again = Store.open(db)
    with again.read() as tx:
        assert tx.list_tokens() == []
    again.close()
    ok = CliRunner().invoke(app, ["token", "create", "--role", "admin", "--db", db])
    assert ok.exit_code == 0 and "admin for all districts" in ok.output, ok.output
    one = ["token", "create", "--role", "dispatcher", "--district", "gulou", "--db", db]
    zh = CliRunner().invoke(app, [*one, "--lang", "zh"])
    assert zh.exit_code == 0 and "dispatcher，适用于 gulou（仅显示这一次" in zh.output, zh.output
    assert CliRunner().invoke(app, one).output.count("dispatcher for gulou (shown once") == 1


def test_me_of_an_admin_lists_ids_without_reading_each_district(
    client: TestClient, tokens: Tokens, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """/v1/me of an admin names every district by the ids alone (district_ids): it no
    longer calls list_districts, which counts each district's rows and parses its policy."""
    from matcher.store.districts import DistrictsTx

    with store.read() as tx:
        every = [d.id for d in tx.list_districts()]
        assert tx.district_ids() == every and len(every) > 1
    calls: list[object] = []
    heavy = DistrictsTx.list_districts

    def spy(self: DistrictsTx, only: object = None) -> object:
        calls.append(only)
        return heavy(self, only)  # type: ignore[arg-type]

    monkeypatch.setattr(DistrictsTx, "list_districts", spy)
    me = client.get("/v1/me", headers=tokens.h("admin"))
    assert me.status_code == 200, me.text
    assert (me.json()["districts"], me.json()["all_districts"]) == (every, True)
    assert calls == []
    # the spy sees the heavy call where it is still made (the districts list)
    assert client.get("/v1/districts", headers=tokens.h("admin")).status_code == 200
    assert calls == [None]
