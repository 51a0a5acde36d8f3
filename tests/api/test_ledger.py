"""The lending ledger over HTTP: figures recomputed by hand, the period's rules, who reads it."""

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
MARCH = {"from": "2026-03-01", "to": "2026-03-31"}


def _history(store: Store) -> None:
    # homes: P1 C1, P2 C2, P4 C3, P6 C3; demands: D1 C1, D2 C2, D3 C2, D4 C3
    add_outcome(store, "P1", "D2", date(2026, 3, 1), hours=3, district="d1")  # C1 → C2
    add_outcome(store, "P1", "D4", date(2026, 3, 6), hours=4, district="d1")  # C1 → C3
    add_outcome(store, "P4", "D1", date(2026, 3, 7), hours=2.5, district="d1")  # C3 → C1
    add_outcome(store, "P2", "D2", date(2026, 3, 31), hours=1, district="d1")  # C2 at home
    add_outcome(store, "P6", "D3", date(2026, 2, 28), hours=9, district="d1")  # before
    add_outcome(store, "P6", "D3", date(2026, 4, 1), hours=9, district="d1")  # after
    add_outcome(store, "P1", "D2", date(2026, 3, 5), "cancelled",
                cancel_reason="other", district="d1")  # fmt: skip
    add_outcome(store, "P1", "D2", date(2026, 3, 5), hours=10, district="d2")  # other district


def test_ledger_equals_one_by_hand(client: TestClient, tokens: Tokens, store: Store) -> None:
    _history(store)
    r = client.get(f"{D}/ledger", params=MARCH, headers=tokens.h("dispatcher"))
    assert r.status_code == 200, r.text
    led = r.json()
    assert (led["start"], led["end"], led["dispatches"]) == ("2026-03-01", "2026-03-31", 4)
    rows = {c["id"]: c for c in led["communities"]}
    assert [c["id"] for c in led["communities"]] == ["C1", "C2", "C3"]
    c1, c2, c3 = rows["C1"], rows["C2"], rows["C3"]
    assert c1["name"] == "颐和路社区"
    assert (c1["lent"], c1["received"], c1["balance"], c1["home"]) == (7, 2.5, -4.5, 0)
    assert (c2["lent"], c2["received"], c2["balance"], c2["home"]) == (0, 3, 3, 1)
    assert (c3["lent"], c3["received"], c3["balance"], c3["home"]) == (2.5, 4, 1.5, 0)
    assert c1["lent_to"] == [{"community": "C3", "hours": 4}, {"community": "C2", "hours": 3}]
    assert c1["received_from"] == [{"community": "C3", "hours": 2.5}]
    assert c2["lent_to"] == [] and c2["received_from"] == [{"community": "C1", "hours": 3}]
    assert led["flows"] == [[0, 3, 4], [0, 1, 0], [2.5, 0, 0]]


def test_the_default_period_is_the_last_90_days(
    client: TestClient, tokens: Tokens, store: Store
) -> None:
    add_outcome(store, "P1", "D2", today(SHANGHAI) - timedelta(days=89), hours=3, district="d1")
    add_outcome(store, "P1", "D2", today(SHANGHAI) - timedelta(days=90), hours=5, district="d1")
    led = client.get(f"{D}/ledger", headers=tokens.h("dispatcher")).json()
    assert (led["start"], led["end"]) == (
        (today(SHANGHAI) - timedelta(days=89)).isoformat(),
        today(SHANGHAI).isoformat(),
    )
    assert led["dispatches"] == 1 and led["communities"][0]["lent"] == 3


def test_bad_periods_are_problems(client: TestClient, tokens: Tokens) -> None:
    h = tokens.h("dispatcher")
    r = client.get(f"{D}/ledger", params={"from": "2026-13-01"}, headers=h)
    assert r.status_code == 422 and r.headers["content-type"].startswith("application/problem")
    assert r.json()["errors"][0]["pointer"] == "/query/from"
    r = client.get(f"{D}/ledger", params={"from": "2026-04-01", "to": "2026-03-01"}, headers=h)
    assert r.status_code == 422 and r.headers["content-type"].startswith("application/problem")
    assert r.json()["code"] == "ledger.period_reversed"
    assert r.json()["params"] == {"start": "2026-04-01", "end": "2026-03-01"}


def test_analysts_read_it_and_nothing_personal_is_in_it(
    client: TestClient, tokens: Tokens, store: Store
) -> None:
    _history(store)
    r = client.get(f"{D}/ledger", params=MARCH, headers=tokens.h("analyst"))
    assert r.status_code == 200, r.text
    assert r.json() == client.get(f"{D}/ledger", params=MARCH, headers=tokens.h("admin")).json()
    assert "P1" not in r.text and "张三" not in r.text
    # the oversight committee reads it as well
    r = client.get(f"{D}/ledger", params=MARCH, headers=tokens.h("supervisor"))
    assert r.status_code == 200 and r.json()["dispatches"] == 4
    r = client.get("/v1/districts/d9/ledger", headers=tokens.h("admin"))
    assert r.status_code in (403, 404)


def _closed_at(store: Store, stamp: str, hours: float) -> None:
    """A completed dispatch of P1 (home C1) on D2 (C2) closed at a given UTC stamp."""
    with store.write() as tx:
        tx.conn.execute(
            text(
                "INSERT INTO dispatches (district_id, cadre, demand, score, status, created_at,"
                " closed_at, hours, exempt)"
                " VALUES ('d1', 'P1', 'D2', 1.0, 'completed', :t, :t, :h, 0)"
            ),
            {"t": stamp, "h": hours},
        )


def test_a_period_is_of_local_days(client: TestClient, tokens: Tokens, store: Store) -> None:
    # Beijing is UTC+8: 15:59 UTC on 31 March is still March there, 16:00 UTC is 1 April
    _closed_at(store, "2026-03-31T15:59:59.999+00:00", 1)
    _closed_at(store, "2026-03-31T16:00:00.000+00:00", 10)
    _closed_at(store, "2026-02-28T16:00:00.000+00:00", 100)  # 1 March, 00:00 in Beijing
    _closed_at(store, "2026-02-28T15:59:59.999+00:00", 1000)  # still February there
    led = client.get(f"{D}/ledger", params=MARCH, headers=tokens.h("planner")).json()
    assert led["dispatches"] == 2 and led["communities"][0]["lent"] == 101


def test_the_calendar_ends_are_periods_too(client: TestClient, tokens: Tokens) -> None:
    h = tokens.h("dispatcher")
    for params in ({"from": "0001-01-01", "to": "9999-12-31"}, {"to": "0001-01-02"}):
        r = client.get(f"{D}/ledger", params=params, headers=h)
        assert r.status_code == 200, r.text
