"""A planner's proposal is a draft: read like any, it supersedes nothing and is never decided.

Why: a planner proposes to see what the engine would propose now; before drafts that
run superseded the dispatcher's pending proposal, whose next accept answered 409.
On SQLite and PostgreSQL (the ``store`` fixture).
"""

from __future__ import annotations

import time
from typing import Any

from fastapi.testclient import TestClient

from matcher.messages import msg, render
from tests.api.tokens import Tokens

P = "/v1/districts/d1/proposals"
ASYNC = {"Prefer": "respond-async"}


def _propose(client: TestClient, h: dict[str, str], **extra: str) -> dict[str, Any]:
    r = client.post(P, json={}, headers=h | extra)
    assert r.status_code == 201, r.text
    body: dict[str, Any] = r.json()
    return body


def _ids(client: TestClient, h: dict[str, str], **params: str) -> list[int]:
    r = client.get(P, headers=h, params=params)
    assert r.status_code == 200, r.text
    return [p["id"] for p in r.json()["data"]]


def test_a_planners_draft_leaves_the_dispatchers_proposal_pending(
    client: TestClient, tokens: Tokens
) -> None:
    disp, plan = tokens.h("dispatcher"), tokens.h("planner")
    first = _propose(client, disp)
    assert (first["status"], first["draft"]) == ("pending", False)
    draft = _propose(client, plan)
    assert (draft["status"], draft["draft"], draft["pending"]) == ("draft", True, 0)
    assert {a["state"] for a in draft["result"]["assignments"]} == {"draft"}
    # the dispatcher's proposal was not superseded: still pending, still in front of them
    again = client.get(f"{P}/{first['id']}", headers=disp).json()
    assert (again["status"], again["pending"], again["superseded"]) == ("pending", 5, 0)
    assert _ids(client, disp, limit="1") == [first["id"]]
    assert _ids(client, disp, drafts="true") == [draft["id"], first["id"]]
    # a planner sees drafts (theirs first); without them, only what a dispatcher decides
    assert _ids(client, plan) == [draft["id"], first["id"]]
    assert _ids(client, plan, drafts="false") == [first["id"]]
    # the draft reads like any proposal, for any reviewer
    got = client.get(f"{P}/{draft['id']}", headers=tokens.h("supervisor"))
    assert got.status_code == 200 and got.json()["draft"] is True
    r = client.post(f"{P}/{first['id']}/accept", json={}, headers=disp)
    assert r.status_code == 201, r.text  # 409 superseded before drafts
    assert len(r.json()["dispatches"]) == 5


def test_a_draft_is_never_accepted_or_rejected(client: TestClient, tokens: Tokens) -> None:
    disp = tokens.h("dispatcher")
    first = _propose(client, disp)
    draft = _propose(client, tokens.h("planner"))
    pair = {"cadre": "P2", "demand": "D2"}
    for who in ("dispatcher", "admin"):
        for verb, body in (
            ("accept", {}),
            ("accept", {"assignments": [pair]}),
            ("reject", {"assignments": [pair], "reason": "no"}),
            ("reject", {"assignments": [pair], "unavailable": True}),
        ):
            r = client.post(f"{P}/{draft['id']}/{verb}", json=body, headers=tokens.h(who))
            assert r.status_code == 409, (who, verb, r.text)
            problem = r.json()
            assert problem["code"] == "conflict.draft"
            assert problem["params"] == {"id": draft["id"]}
            assert problem["changes"] == [{"kind": "draft", "proposal": draft["id"]}]
    # nothing was written: no dispatch, no decline, the draft and the proposal as they were
    assert client.get("/v1/districts/d1/dispatches", headers=disp).json()["count"] == 0
    assert client.get("/v1/districts/d1/declines", headers=disp).json()["count"] == 0
    assert client.get(f"{P}/{draft['id']}", headers=disp).json() == draft
    assert client.get(f"{P}/{first['id']}", headers=disp).json()["status"] == "pending"
    # the detail is the English of the code; the console shows its Chinese
    said = msg("conflict.draft", id=draft["id"])
    assert render(said, "en") == problem["detail"]
    assert render(said, "zh").startswith(f"方案 {draft['id']} 是草案")


def test_a_newer_dispatchers_proposal_still_supersedes(client: TestClient, tokens: Tokens) -> None:
    disp, plan = tokens.h("dispatcher"), tokens.h("planner")
    first = _propose(client, disp)
    draft = _propose(client, plan)
    second = _propose(client, tokens.h("admin"))  # an admin proposes as a dispatcher does
    assert second["draft"] is False
    old = client.get(f"{P}/{first['id']}", headers=disp).json()
    assert (old["status"], old["pending"], old["superseded"]) == ("superseded", 0, 5)
    r = client.post(f"{P}/{first['id']}/accept", json={}, headers=disp)
    assert r.status_code == 409 and r.json()["code"] == "conflict.superseded"
    # the draft stays a draft: nothing supersedes it either
    assert client.get(f"{P}/{draft['id']}", headers=disp).json() == draft
    assert _ids(client, disp) == [second["id"], first["id"]]
    third = _propose(client, disp)
    assert client.get(f"{P}/{second['id']}", headers=disp).json()["status"] == "superseded"
    r = client.post(f"{P}/{third['id']}/accept", json={}, headers=disp)
    assert r.status_code == 201, r.text


def test_a_planners_job_stores_a_draft(client: TestClient, tokens: Tokens) -> None:
    disp, plan = tokens.h("dispatcher"), tokens.h("planner")
    first = _propose(client, disp)
    urls = []
    for h in (plan, disp):  # a planner's job, then a dispatcher's
        r = client.post(P, json={}, headers=h | ASYNC)
        assert r.status_code == 202, r.text
        for _ in range(1500):  # bounded: 30 s
            job = client.get(r.headers["location"], headers=h).json()
            if job["status"] in {"done", "failed", "cancelled"}:
                break
            time.sleep(0.02)
        assert job["status"] == "done", job
        urls.append(job["proposal"])
        if h is plan:
            drafted = client.get(job["proposal"], headers=disp).json()
            assert (drafted["status"], drafted["draft"]) == ("draft", True)
            mine = client.get(f"{P}/{first['id']}", headers=disp).json()
            assert mine["status"] == "pending"  # a planner's job superseded nothing
    made = client.get(urls[1], headers=disp).json()
    assert (made["status"], made["draft"]) == ("pending", False)
    assert client.get(f"{P}/{first['id']}", headers=disp).json()["status"] == "superseded"
    r = client.post(f"{urls[0]}/accept", json={}, headers=disp)
    assert r.status_code == 409 and r.json()["code"] == "conflict.draft"
