"""Every write route of the API once, in an order that works on the tiny case's d1, each
checked to leave exactly one audit entry: what tests/api/test_audit.py walks, and what
tests/console/test_audit.py reads the audit trail's summaries of."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import text

from matcher.catalogue import DEFAULT_CATALOGUE_PATH
from matcher.store import Store
from tests.api.casefile import CADRES, COMMUNITIES, DEMANDS

__all__ = ["CADRE", "OUT_HEADER", "D", "audit_entries", "write_everything"]

D = "/v1/districts/d1"
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
_Step = tuple[str, str, Callable[[], tuple[str, Any]]]


def audit_entries(store: Store) -> int:
    """How many audit entries the store holds, every chain."""
    with store.read() as tx:
        return int(tx.conn.execute(text("SELECT count(*) FROM audit")).scalar_one())


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


def write_everything(client: TestClient, store: Store, h: dict[str, str]) -> set[tuple[str, str]]:
    """Make every write of the list once as the admin (``h``: its headers) on d1, each
    checked to add exactly one audit entry; answers the routes (method, path template)."""
    made: dict[str, Any] = {}

    def active() -> list[dict[str, Any]]:
        r = client.get(f"{D}/dispatches", params={"status": "active"}, headers=h)
        return list(r.json()["data"])

    def cadre_back(cid: str, **change: Any) -> dict[str, Any]:
        return dict(client.get(f"{D}/cadres/{cid}", headers=h).json()) | change

    def demand_back(did: str, **change: Any) -> dict[str, Any]:
        return dict(client.get(f"{D}/demands/{did}", headers=h).json()) | change

    def completed_cadre() -> str:
        cadre = str(made["completed"]["cadre"])
        balance = client.get(f"{D}/cadres/{cadre}/points", headers=h).json()["balance"]
        assert balance > 0
        return cadre

    d = "/v1/districts/{district}"
    steps: list[_Step] = [
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
    for method, template, request in steps:
        if template.endswith("/confirm"):
            made["warnings"] = _pending_warnings(store)
        path, body = request()
        before = audit_entries(store)
        r = client.request(method.upper(), path, json=body, headers=h)
        assert r.is_success, (method, path, r.status_code, r.text)
        assert audit_entries(store) == before + 1, (method, template)
        if template == "/v1/tokens":
            made["token"] = r.json()["id"]
        if template.endswith("/complete"):
            made["completed"] = r.json()
    return {(m, t) for m, t, _ in steps}
