"""The audit trail over HTTP: every write route leaves exactly one entry (walked from the
OpenAPI), a supervisor writes nothing and sees only its districts, the audit route pages
and filters."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import text

from matcher.store import Store
from tests.api.everywrite import CADRE, D, audit_entries, write_everything
from tests.api.tokens import Tokens

WRITES = ("post", "put", "patch", "delete")
#: POST routes that compute and answer but write nothing to the store
NOT_WRITES = {("post", "/v1/districts/{district}/scenarios")}


def _write_routes(client: TestClient) -> set[tuple[str, str]]:
    paths = client.app.openapi()["paths"]  # type: ignore[attr-defined]
    return {(m, p) for p, ops in paths.items() for m in ops if m in WRITES}


def test_every_write_route_leaves_exactly_one_audit_entry(
    client: TestClient, tokens: Tokens, store: Store
) -> None:
    h = tokens.h("admin")
    done = write_everything(client, store, h)
    assert done | NOT_WRITES == _write_routes(client)
    with store.read() as tx:
        assert tx.verify_audit() is None
        actions = [e.action for c in tx.audit_chains() for e in tx.audit_entries(c)]
        secrets = tx.conn.execute(text("SELECT payload, actor_label FROM audit")).all()
    assert "proposal.reject" in actions and "import" in actions
    # the actor is the token's id, never its secret
    assert all(tokens.admin not in str(row) for row in secrets)
    before = audit_entries(store)
    assert client.post(f"{D}/scenarios", json={}, headers=h).status_code < 500
    assert audit_entries(store) == before


def test_a_supervisor_writes_nothing_and_sees_only_its_districts(
    client: TestClient, tokens: Tokens, store: Store
) -> None:
    h = tokens.h("supervisor")
    admin = tokens.h("admin")
    assert client.post(f"{D}/proposals", json={}, headers=admin).status_code == 201
    before = audit_entries(store)
    for method, template in sorted(_write_routes(client)):
        for district in ("d1", "d2"):
            path = template.format(
                district=district,
                cadre="P1",
                demand="D1",
                proposal=1,
                dispatch=1,
                warning=1,
                token_id=1,
            )
            r = client.request(method.upper(), path, json={}, headers=h)
            # its own district: not allowed; another one (or none): not there
            want = 404 if district == "d2" and "{district}" in template else 403
            assert r.status_code == want, (method, path, r.status_code)
    assert audit_entries(store) == before
    for what in ("audit", "proposals", "proposals/1", "dispatches", "declines", ""):
        assert client.get(f"{D}/{what}".rstrip("/"), headers=h).status_code == 200, what
        assert client.get(f"/v1/districts/d2/{what}".rstrip("/"), headers=h).status_code == 404
    for what in ("cadres", "demands", "communities"):
        assert client.get(f"{D}/{what}", headers=h).status_code == 403
    listed = client.get("/v1/districts", headers=h).json()["data"]
    assert [x["id"] for x in listed] == ["d1"]


def test_the_audit_route_pages_and_filters(
    client: TestClient, tokens: Tokens, store: Store
) -> None:
    admin, dispatcher = tokens.h("admin"), tokens.h("dispatcher")
    assert client.post(f"{D}/proposals", json={}, headers=dispatcher).status_code == 201
    body = {"assignments": [{"cadre": "P2", "demand": "D2"}], "reason": "时间冲突"}
    assert client.post(f"{D}/proposals/1/reject", json=body, headers=dispatcher).is_success
    assert client.post(f"{D}/proposals/1/accept", json={}, headers=admin).is_success
    everything = client.get(f"{D}/audit", headers=admin).json()
    # the fixture's import of d1, then the three writes above
    assert [e["action"] for e in everything["data"]] == [
        "case.import",
        "proposal.create",
        "proposal.reject",
        "proposal.accept",
    ]
    assert [e["seq"] for e in everything["data"]] == [1, 2, 3, 4]
    reject = everything["data"][2]
    assert reject["payload"]["reason"] == "时间冲突" and reject["subject"] == "1"
    assert reject["actor"]["token"] == 2  # the d1 dispatcher (tests/api/conftest.py)
    assert reject["prev_hash"] == everything["data"][1]["hash"]
    page = client.get(f"{D}/audit", params={"limit": 2, "offset": 1}, headers=admin).json()
    assert page["count"] == 4 and [e["seq"] for e in page["data"]] == [2, 3]
    mine = client.get(f"{D}/audit", params={"actor": 2}, headers=admin).json()
    assert [e["action"] for e in mine["data"]] == ["proposal.create", "proposal.reject"]
    accepts = client.get(f"{D}/audit", params={"action": "proposal.accept"}, headers=admin).json()
    assert accepts["count"] == 1
    at = reject["at"]
    window = client.get(f"{D}/audit", params={"from": at, "to": at}, headers=admin).json()
    assert [e["seq"] for e in window["data"]] == [3]
    assert client.get(f"{D}/audit", headers=dispatcher).status_code == 403
    assert client.get("/v1/districts/d2/audit", headers=tokens.h("supervisor")).status_code == 404


def test_a_supervisor_reads_unmasked_an_analyst_masked(client: TestClient, tokens: Tokens) -> None:
    """The documented rule (docs/api.md, roles): oversight reads what was decided as it
    was written (a decline's reason, a dispatch's note, the audit trail's payloads, whose
    hashes cover them); an analyst reads personal fields as ***."""
    h = tokens.h("dispatcher")
    assert client.post(f"{D}/cadres", json=CADRE, headers=h).status_code == 201
    pid = client.post(f"{D}/proposals", json={}, headers=h).json()["id"]
    body = {"assignments": [{"cadre": "P2", "demand": "D2"}], "reason": "本人住院"}
    assert client.post(f"{D}/proposals/{pid}/reject", json=body, headers=h).is_success
    disp = client.post(f"{D}/proposals/{pid}/accept", json={}, headers=h).json()["dispatches"]
    note = {"hours": 2, "note": "张三电话13800000000"}
    assert client.post(f"{D}/dispatches/{disp[0]['id']}/complete", json=note, headers=h).is_success
    seen = {}
    for role in ("supervisor", "analyst"):
        r = tokens.h(role)
        seen[role] = (
            client.get(f"{D}/declines", headers=r).json()["data"][0]["reason"],
            client.get(f"{D}/dispatches/{disp[0]['id']}", headers=r).json()["note"],
        )
    assert seen == {
        "supervisor": ("本人住院", "张三电话13800000000"),
        "analyst": ("***", "***"),
    }
    trail = client.get(f"{D}/audit", headers=tokens.h("supervisor")).json()["data"]
    made = next(e for e in trail if e["action"] == "cadre.create")
    assert "周九" in str(made["payload"])
    assert client.get(f"{D}/audit", headers=tokens.h("analyst")).status_code == 403
