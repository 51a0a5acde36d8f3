"""The audit trail over HTTP: every write route leaves exactly one entry (walked from the
OpenAPI), a supervisor writes nothing and sees only its districts, the audit route pages
and filters."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import text

from matcher.catalogue import DEFAULT_CATALOGUE_PATH
from matcher.store import Store
from tests.api.casefile import CADRES, COMMUNITIES, DEMANDS
from tests.api.tokens import Tokens

D = "/v1/districts/d1"
WRITES = ("post", "put", "patch", "delete")
#: POST routes that compute and answer but write nothing to the store
NOT_WRITES = {("post", "/v1/districts/{district}/scenarios")}
OUT_HEADER = "dispatch,ending,hours,rating,exempt,exempt_reason,cancel_reason,note,ended\n"
TRAININGS = "cadre,course,tags,hours,date,cert\nP1,急救,livelihood.elderly_care,2,2026-03-01,\n"
CADRE = {
    "id": "P9",
    "name": "周九",
    "home": "C2",
    "skills": {"urban.elevator_retrofit": 5},
    "certs": ["constructor"],
    "capacity": 1,
    "status": "green",
    "max_travel_km": None,
}
DEMAND = {
    "id": "D9",
    "community": "C3",
    "title": "社区议事",
    "needs": {"governance.resident_consultation": 2},
    "headcount": 1,
    "priority": 4,
}
Step = tuple[str, str, Callable[[], tuple[str, Any]]]


def _entries(store: Store) -> int:
    with store.read() as tx:
        return int(tx.conn.execute(text("SELECT count(*) FROM audit")).scalar_one())


def _write_routes(client: TestClient) -> set[tuple[str, str]]:
    paths = client.app.openapi()["paths"]  # type: ignore[attr-defined]
    return {(m, p) for p, ops in paths.items() for m in ops if m in WRITES}


def _pending_warnings(store: Store) -> list[int]:
    """Two pending warnings written by hand (their rules need months of history)."""
    with store.write() as tx:
        for cadre in ("P4", "P5"):
            tx.conn.execute(
                text(
                    "INSERT INTO warnings (district_id, cadre, rule, from_status, to_status,"
                    " reasons, created_at, state) VALUES ('d1', :c, 'stuck_yellow', 'green',"
                    " 'yellow', '[]', '2026-01-01T00:00:00.000+00:00', 'pending')"
                ),
                {"c": cadre},
            )
        ids = tx.conn.execute(text("SELECT id FROM warnings ORDER BY id")).scalars()
        return [int(i) for i in ids]


def test_every_write_route_leaves_exactly_one_audit_entry(
    client: TestClient, tokens: Tokens, store: Store
) -> None:
    h = tokens.h("admin")
    made: dict[str, Any] = {}

    def active() -> list[dict[str, Any]]:
        r = client.get(f"{D}/dispatches", params={"status": "active"}, headers=h)
        return list(r.json()["data"])

    def cadre_back(cid: str, **change: Any) -> dict[str, Any]:
        return client.get(f"{D}/cadres/{cid}", headers=h).json() | change

    def demand_back(did: str, **change: Any) -> dict[str, Any]:
        return client.get(f"{D}/demands/{did}", headers=h).json() | change

    def completed_cadre() -> str:
        cadre = str(made["completed"]["cadre"])
        balance = client.get(f"{D}/cadres/{cadre}/points", headers=h).json()["balance"]
        assert balance > 0
        return cadre

    d = "/v1/districts/{district}"
    steps: list[Step] = [
        ("post", "/v1/districts", lambda: ("/v1/districts", {"id": "d3", "name": "三区"})),
        ("post", "/v1/tokens", lambda: ("/v1/tokens", {"role": "supervisor", "districts": ["d1"]})),
        ("delete", "/v1/tokens/{token_id}", lambda: (f"/v1/tokens/{made['token']}", None)),
        (
            "post",
            d + "/communities",
            lambda: (
                f"{D}/communities",
                {"id": "C9", "name": "新社区", "street": "街道", "lat": 32.0, "lon": 118.7},
            ),
        ),
        (
            "post",
            d + "/communities/import",
            lambda: (f"{D}/communities/import", {"csv": COMMUNITIES}),
        ),
        (
            "put",
            d + "/catalogue",
            lambda: (f"{D}/catalogue", {"toml": DEFAULT_CATALOGUE_PATH.read_text("utf-8")}),
        ),
        ("post", d + "/cadres", lambda: (f"{D}/cadres", CADRE)),
        ("put", d + "/cadres/{cadre}", lambda: (f"{D}/cadres/P9", cadre_back("P9", capacity=2))),
        ("patch", d + "/cadres/{cadre}", lambda: (f"{D}/cadres/P9", {"capacity": 3})),
        (
            "put",
            d + "/cadres/{cadre}/unavailable",
            lambda: (f"{D}/cadres/P9/unavailable", {"reason": "病假"}),
        ),
        ("delete", d + "/cadres/{cadre}/unavailable", lambda: (f"{D}/cadres/P9/unavailable", None)),
        ("delete", d + "/cadres/{cadre}", lambda: (f"{D}/cadres/P9", None)),
        ("post", d + "/cadres/import", lambda: (f"{D}/cadres/import", {"csv": CADRES})),
        ("post", d + "/demands", lambda: (f"{D}/demands", DEMAND)),
        (
            "put",
            d + "/demands/{demand}",
            lambda: (f"{D}/demands/D9", demand_back("D9", priority=5)),
        ),
        ("patch", d + "/demands/{demand}", lambda: (f"{D}/demands/D9", {"priority": 2})),
        (
            "post",
            d + "/demands/{demand}/close",
            lambda: (f"{D}/demands/D9/close", {"outcome": "cancelled"}),
        ),
        ("post", d + "/demands/{demand}/reopen", lambda: (f"{D}/demands/D9/reopen", None)),
        ("delete", d + "/demands/{demand}", lambda: (f"{D}/demands/D9", None)),
        ("post", d + "/demands/import", lambda: (f"{D}/demands/import", {"csv": DEMANDS})),
        ("post", d + "/proposals", lambda: (f"{D}/proposals", {})),
        (
            "post",
            d + "/proposals/{proposal}/reject",
            lambda: (
                f"{D}/proposals/1/reject",
                {"assignments": [{"cadre": "P2", "demand": "D2"}], "reason": "时间冲突"},
            ),
        ),
        ("post", d + "/proposals/{proposal}/accept", lambda: (f"{D}/proposals/1/accept", {})),
        (
            "post",
            d + "/dispatches/{dispatch}/complete",
            lambda: (f"{D}/dispatches/{active()[0]['id']}/complete", {"hours": 2}),
        ),
        (
            "post",
            d + "/dispatches/{dispatch}/cancel",
            lambda: (f"{D}/dispatches/{active()[0]['id']}/cancel", {"reason": "other"}),
        ),
        (
            "post",
            d + "/dispatches/{dispatch}/no-show",
            lambda: (f"{D}/dispatches/{active()[0]['id']}/no-show", {}),
        ),
        (
            "post",
            d + "/outcomes/import",
            lambda: (
                f"{D}/outcomes/import",
                {"csv": OUT_HEADER + f"{active()[0]['id']},completed,2,,,,,,\n"},
            ),
        ),
        (
            "post",
            d + "/cadres/{cadre}/points/redeem",
            lambda: (
                f"{D}/cadres/{completed_cadre()}/points/redeem",
                {"amount": 1, "reason": "培训课程"},
            ),
        ),
        (
            "post",
            d + "/cadres/{cadre}/trainings",
            lambda: (
                f"{D}/cadres/P1/trainings",
                {
                    "course": "急救",
                    "tags": ["livelihood.elderly_care"],
                    "hours": 2,
                    "day": "2026-03-01",
                },
            ),
        ),
        ("post", d + "/trainings/import", lambda: (f"{D}/trainings/import", {"csv": TRAININGS})),
        ("post", d + "/warnings/evaluate", lambda: (f"{D}/warnings/evaluate", None)),
        (
            "post",
            d + "/warnings/{warning}/confirm",
            lambda: (f"{D}/warnings/{made['warnings'][0]}/confirm", {}),
        ),
        (
            "post",
            d + "/warnings/{warning}/dismiss",
            lambda: (f"{D}/warnings/{made['warnings'][1]}/dismiss", {}),
        ),
    ]
    assert {(m, t) for m, t, _ in steps} | NOT_WRITES == _write_routes(client)
    for method, template, request in steps:
        if template.endswith("/confirm"):
            made["warnings"] = _pending_warnings(store)
        path, body = request()
        before = _entries(store)
        r = client.request(method.upper(), path, json=body, headers=h)
        assert r.is_success, (method, path, r.status_code, r.text)
        assert _entries(store) == before + 1, (method, template)
        if template == "/v1/tokens":
            made["token"] = r.json()["id"]
        if template.endswith("/complete"):
            made["completed"] = r.json()
    with store.read() as tx:
        assert tx.verify_audit() is None
        actions = [e.action for c in tx.audit_chains() for e in tx.audit_entries(c)]
        secrets = tx.conn.execute(text("SELECT payload, actor_label FROM audit")).all()
    assert "proposal.reject" in actions and "import" in actions
    # the actor is the token's id, never its secret
    assert all(tokens.admin not in str(row) for row in secrets)
    before = _entries(store)
    assert client.post(f"{D}/scenarios", json={}, headers=h).status_code < 500
    assert _entries(store) == before


def test_a_supervisor_writes_nothing_and_sees_only_its_districts(
    client: TestClient, tokens: Tokens, store: Store
) -> None:
    h = tokens.h("supervisor")
    admin = tokens.h("admin")
    assert client.post(f"{D}/proposals", json={}, headers=admin).status_code == 201
    before = _entries(store)
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
    assert _entries(store) == before
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
