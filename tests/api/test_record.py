"""The growth record over HTTP: a cadre's record, trainings, warnings and their decisions."""

from __future__ import annotations

from datetime import date, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import text

from matcher.store import Store
from matcher.store.core import today
from tests.api.tokens import Tokens
from tests.clock import SHANGHAI
from tests.store.history import add_outcome

D = "/v1/districts/d1"
AS_OF = date(2026, 6, 30)


def _joined(store: Store, day: date) -> None:
    with store.write() as tx:
        tx.conn.execute(text("UPDATE cadres SET joined_on = :d"), {"d": day.isoformat()})


def test_record_equals_one_recomputed_by_hand(
    client: TestClient, tokens: Tokens, store: Store
) -> None:
    h = tokens.h("dispatcher")
    _joined(store, date(2026, 1, 15))
    add_outcome(store, "P1", "D1", AS_OF - timedelta(days=90), hours=3, rating=4, district="d1")
    add_outcome(store, "P1", "D4", AS_OF - timedelta(days=10), hours=5, rating=2, district="d1")
    add_outcome(store, "P1", "D4", AS_OF - timedelta(days=2), "cancelled",
                cancel_reason="cadre_unavailable", district="d1")  # fmt: skip
    add_outcome(store, "P4", "D1", AS_OF - timedelta(days=1), hours=2, rating=5, district="d1")
    add_outcome(store, "P1", "D1", AS_OF - timedelta(days=1), hours=2, rating=5, district="d2")
    body = {"course": "调解实务", "tags": ["governance.property_dispute_mediation"], "hours": 8,
            "day": "2026-04-10", "cert": "people_mediator"}  # fmt: skip
    r = client.post(f"{D}/cadres/P1/trainings", json=body, headers=h)
    assert r.status_code == 201, r.text
    assert "people_mediator" in client.get(f"{D}/cadres/P1", headers=h).json()["certs"]
    r = client.get(f"{D}/cadres/P1/record", params={"as_of": AS_OF.isoformat()}, headers=h)
    assert r.status_code == 200, r.text
    rec = r.json()
    # by hand: weights 0.5 ** (age / 180); district d1's mean (4 + 2 + 5) / 3; 3 pseudo-ratings
    w1, w2, mu = 0.5 ** (90 / 180), 0.5 ** (10 / 180), 11 / 3
    assert abs(rec["rating"] - (4 * w1 + 2 * w2 + 3 * mu) / (w1 + w2 + 3)) < 1e-9
    assert abs(rec["rating_unshrunk"] - (4 * w1 + 2 * w2) / (w1 + w2)) < 1e-9
    assert (rec["completed"], rec["ratings"], rec["hours_total"], rec["hours_recent"]) == (
        2, 2, 8, 5
    )  # fmt: skip
    assert rec["cancelled"]["cadre_unavailable"] == 1 and rec["no_shows"] == 0
    assert rec["hours_year"] == 8 and rec["year_days"] == 167  # 15 Jan … 30 Jun
    assert abs(rec["hours_target_to_date"] - 200 * 167 / 365) < 1e-9
    assert (rec["training_hours"], rec["courses"]) == (8, ["调解实务"])
    assert rec["certs"] == [{"cert": "people_mediator", "day": "2026-04-10"}]
    assert (rec["communities"], rec["months_in_pool"], rec["name"]) == (["C1", "C3"], 5, "张三")
    assert (rec["current"], rec["status"], rec["warnings"]) == ("green", None, [])


def test_bad_trainings_are_problems(client: TestClient, tokens: Tokens) -> None:
    h = tokens.h("dispatcher")
    future = (today(SHANGHAI) + timedelta(days=3)).isoformat()
    body = {"course": "x", "tags": ["no.such"], "hours": 30, "day": future}
    r = client.post(f"{D}/cadres/P1/trainings", json=body, headers=h)
    assert r.status_code == 422 and r.headers["content-type"].startswith("application/problem")
    csv = "cadre,course,tags,hours,date,cert\nP1,急救,livelihood.elderly_care,2,2026-03-01,\n"
    bad = csv + "P9,急救,livelihood.elderly_care,2,2026-03-01,\n"
    assert client.post(f"{D}/trainings/import", json={"csv": bad}, headers=h).status_code == 422
    assert client.get(f"{D}/cadres/P1/trainings", headers=h).json()["count"] == 0
    r = client.post(f"{D}/trainings/import", json={"csv": csv}, headers=h)
    assert r.status_code == 200 and r.json() == {"trainings_created": 1}
    assert client.get(f"{D}/cadres/P1/trainings", headers=h).json()["count"] == 1
    analyst = tokens.h("analyst")
    assert client.post(f"{D}/trainings/import", json={"csv": csv}, headers=analyst).status_code == (
        403
    )


def _stuck_yellow(client: TestClient, tokens: Tokens, store: Store, cadre: str) -> None:
    """``cadre`` made yellow 200 days ago by a person, with two no-shows since."""
    h = tokens.h("dispatcher")
    _joined(store, today(SHANGHAI) - timedelta(days=30))
    r = client.patch(f"{D}/cadres/{cadre}", json={"status": "yellow"}, headers=h)
    assert r.status_code == 200, r.text
    with store.write() as tx:
        (change,) = tx.list_status_changes("d1", cadre)
        assert (change.from_status, change.to_status) == ("green", "yellow")
        tx.conn.execute(
            text("UPDATE status_changes SET day = :d"),
            {"d": (today(SHANGHAI) - timedelta(days=200)).isoformat()},
        )
    for days, demand in ((3, "D1"), (20, "D4")):
        add_outcome(
            store, cadre, demand, today(SHANGHAI) - timedelta(days=days), "no_show", district="d1"
        )


def test_a_confirmed_red_makes_the_solver_refuse_the_cadre(
    client: TestClient, tokens: Tokens, store: Store
) -> None:
    h = tokens.h("dispatcher")
    _stuck_yellow(client, tokens, store, "P6")
    before = client.post(f"{D}/proposals", json={}, headers=h).json()
    assert ["P6", "D3"] in [[a["cadre"], a["demand"]] for a in before["result"]["assignments"]]
    r = client.post(f"{D}/warnings/evaluate", headers=h)
    assert r.status_code == 200, r.text
    (w,) = [x for x in r.json()["data"] if x["cadre"] == "P6"]
    assert (w["rule"], w["from_status"], w["to_status"]) == ("stuck_yellow", "yellow", "red")
    assert w["reasons"][0]["code"] == "warning.stuck_yellow"
    assert "no_shows" in w["reasons"][0]["params"]["warnings"]
    assert client.post(f"{D}/warnings/evaluate", headers=h).json()["count"] == 0
    r = client.post(f"{D}/warnings/{w['id']}/confirm", json={"note": "六个月未改善"}, headers=h)
    assert r.status_code == 200, r.text
    assert (r.json()["state"], r.json()["decided_by"]["token"]) == ("confirmed", 2)
    assert client.get(f"{D}/cadres/P6", headers=h).json()["status"] == "red"
    after = client.post(f"{D}/proposals", json={}, headers=h).json()["result"]
    assert "P6" not in {a["cadre"] for a in after["assignments"]}
    (d3,) = [u for u in after["unfilled"] if u["demand"] == "D3"]
    # P3 was red already; P6 now too, and P6 fails only this rule
    assert {"code": "unfilled.withdrawn", "params": {"count": 2, "only": 1}} in d3["why"]
    rec = client.get(f"{D}/cadres/P6/record", headers=h).json()
    assert (rec["status"], rec["current"], rec["warnings"]) == ("red", "red", [])
    for action in ("confirm", "dismiss"):
        again = client.post(f"{D}/warnings/{w['id']}/{action}", json={}, headers=h)
        assert again.status_code == 409 and again.json()["code"] == "state.illegal_transition"


def test_confirming_red_with_active_dispatches_asks_what_to_do(
    client: TestClient, tokens: Tokens, store: Store
) -> None:
    h = tokens.h("dispatcher")
    _stuck_yellow(client, tokens, store, "P6")
    client.post(f"{D}/proposals", json={}, headers=h)
    client.post(f"{D}/proposals/1/accept", json={}, headers=h)
    (w,) = client.post(f"{D}/warnings/evaluate", params={"cadre": "P6"}, headers=h).json()["data"]
    r = client.post(f"{D}/warnings/{w['id']}/confirm", json={}, headers=h)
    assert r.status_code == 409 and r.json()["code"] == "conflict.red_with_active"
    assert [c["demand"] for c in r.json()["changes"]] == ["D3"]
    listed = client.get(f"{D}/warnings", params={"state": "pending"}, headers=h).json()
    assert [x["id"] for x in listed["data"]] == [w["id"]]  # nothing written
    r = client.post(
        f"{D}/warnings/{w['id']}/confirm",
        params={"end_dispatches": "cancel"},
        json={},
        headers=h,
    )
    assert r.status_code == 200, r.text
    assert client.get(f"{D}/cadres/P6", headers=h).json()["active_dispatches"] == 0


def test_analysts_see_records_and_warnings_masked(
    client: TestClient, tokens: Tokens, store: Store
) -> None:
    h = tokens.h("dispatcher")
    _stuck_yellow(client, tokens, store, "P6")
    (w,) = client.post(f"{D}/warnings/evaluate", params={"cadre": "P6"}, headers=h).json()["data"]
    client.post(f"{D}/warnings/{w['id']}/dismiss", json={"note": "家中有事"}, headers=h)
    a = tokens.h("analyst")
    assert client.get(f"{D}/warnings", headers=h).json()["data"][0]["note"] == "家中有事"
    assert client.get(f"{D}/warnings", headers=a).json()["data"][0]["note"] == "***"
    assert client.get(f"{D}/cadres/P6/record", headers=a).json()["name"] == "***"
    assert client.get(f"{D}/cadres/P6/record", headers=h).json()["name"] == "孙八"
    # a record of days not lived yet is refused on its field, the calendar's last day too
    for day in ((today(SHANGHAI) + timedelta(days=1)).isoformat(), "9999-12-31"):
        r = client.get(f"{D}/cadres/P6/record", params={"as_of": day}, headers=h)
        assert r.status_code == 422 and r.json()["errors"][0]["code"] == "problem.date_future"
    assert client.post(f"{D}/warnings/evaluate", headers=a).status_code == 403
    assert client.post(f"{D}/warnings/{w['id']}/confirm", json={}, headers=a).status_code == 403


def test_a_record_term_scores_the_record_in_proposals(
    client: TestClient, tokens: Tokens, store: Store
) -> None:
    h = tokens.h("dispatcher")
    add_outcome(
        store, "P6", "D4", today(SHANGHAI) - timedelta(days=1), hours=3, rating=5, district="d1"
    )
    plain = client.post(f"{D}/proposals", json={}, headers=h).json()["result"]["assignments"]
    assert all("reliability" not in a["breakdown"] for a in plain)  # off by default
    with store.write() as tx:
        tx.conn.execute(
            text("UPDATE districts SET policy_toml = :p WHERE id = 'd1'"),
            {"p": "[weights]\nreliability = 4.0\n"},
        )
    got = client.post(f"{D}/proposals", json={}, headers=h).json()["result"]["assignments"]
    (p6,) = [a for a in got if a["cadre"] == "P6"]
    # the only rating in the district is P6's 5: shrunk toward a mean of 5, it stays 5;
    # the term is weight × (rating − 3) / 2 (docs/scoring.md)
    assert p6["breakdown"]["reliability"] == 4.0
