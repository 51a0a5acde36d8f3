"""GET …/summary: supply against demand, recomputed by hand on the API's tiny case.

Distances: C1–C2 1.1 km, C1–C3 3.0 km, C2–C3 3.6 km. Who passes every hard rule:
D1 (C1, elevator ≥ 2): P1, P4 · D2 (C2, people_mediator): P2, P5 · D3 (C2,
elderly_care_worker): P6 (3.6 km, limit 12.5) · D4 (C3, no requirement): P1, P2 (3.6 km,
limit 5), P4, P5, P6 · P3 is red.
"""

from __future__ import annotations

from fastapi.testclient import TestClient

from matcher.store import Store
from tests.api.tokens import Tokens

D = "/v1/districts/d1"


def _row(c: dict[str, object]) -> tuple[object, ...]:
    keys = ("community", "category", "demands", "slots", "weight", "supply", "active", "balance")
    return tuple(c[k] for k in keys)


def test_by_community_by_hand(client: TestClient, tokens: Tokens) -> None:
    r = client.get(f"{D}/summary", params={"by": "community"}, headers=tokens.h("analyst"))
    assert r.status_code == 200, r.text
    s = r.json()
    assert s["by"] == ["community"]
    assert [_row(c) for c in s["cells"]] == [
        ("C1", None, 1, 2, 10, 2, 0, 0),
        ("C2", None, 2, 2, 7, 3, 0, 1),
        ("C3", None, 1, 1, 2, 5, 0, 4),
    ]
    assert _row(s["total"]) == (None, None, 4, 5, 19, 5, 0, 0)


def test_an_item_demand_a_dispatch_and_an_unavailable_cadre(
    client: TestClient, tokens: Tokens, store: Store
) -> None:
    h = tokens.h("dispatcher")
    body = {"id": "D9", "community": "C1", "item": "flood_watch"}  # safety: nobody fits
    assert client.post(f"{D}/demands", json=body, headers=h).status_code == 201
    with store.write() as tx:
        tx.set_unavailable("d1", "P6")
    p = client.post(f"{D}/proposals", json={"pinned": [{"cadre": "P2", "demand": "D2"}]}, headers=h)
    assert p.status_code in (200, 201), p.text
    acc = client.post(
        f"{D}/proposals/{p.json()['id']}/accept",
        json={"assignments": [{"cadre": "P2", "demand": "D2"}]},
        headers=h,
    )
    assert acc.status_code == 201, acc.text
    s = client.get(f"{D}/summary", headers=h).json()
    assert s["by"] == ["community", "category"]
    # D2 is staffed (P2 active, now full); P6 is unavailable: D3 has nobody, D4 keeps P1, P4, P5
    assert [_row(c) for c in s["cells"]] == [
        ("C1", "safety", 1, 3, 15, 0, 0, -3),
        ("C1", "", 1, 2, 10, 2, 0, 0),
        ("C2", "", 1, 1, 3, 0, 1, -1),
        ("C3", "", 1, 1, 2, 3, 0, 2),
    ]
    assert _row(s["total"]) == (None, None, 4, 7, 30, 3, 1, -4)


def test_a_bad_grouping_is_422(client: TestClient, tokens: Tokens) -> None:
    r = client.get(f"{D}/summary", params={"by": "street"}, headers=tokens.h("dispatcher"))
    assert r.status_code == 422, r.text
    assert r.json()["errors"][0]["code"] == "problem.summary_by"
    r = client.get(f"{D}/summary", headers=tokens.h("other"))
    assert r.status_code == 404


def test_supervisors_read_it_too(client: TestClient, tokens: Tokens) -> None:
    r = client.get("/v1/districts/d1/summary", headers=tokens.h("supervisor"))
    assert r.status_code == 200, r.text
