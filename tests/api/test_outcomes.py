"""Outcomes of dispatches over HTTP: complete/cancel bodies, points earned, outcomes.csv import."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from matcher.store import Store, today
from tests.api.tokens import Tokens
from tests.clock import SHANGHAI

V = "/v1/districts/d1"
D = f"{V}/dispatches"


def _accept_all(client: TestClient, tokens: Tokens) -> list[dict[str, Any]]:
    h = tokens.h("dispatcher")
    pid = client.post(f"{V}/proposals", json={}, headers=h).json()["id"]
    r = client.post(f"{V}/proposals/{pid}/accept", json={}, headers=h)
    assert r.status_code == 201
    return list(r.json()["dispatches"])


def _on(dispatches: list[dict[str, Any]], demand: str) -> dict[str, Any]:
    return next(d for d in dispatches if d["demand"] == demand)


def _db(store: Store) -> list[Any]:
    """Everything an outcome may write: the dispatches, demands and the ledger."""
    with store.read() as tx:
        return [
            [d.to_json() for d in tx.list_dispatches("d1", limit=1000)[0]],
            [d.to_json() for d in tx.list_demands("d1", limit=1000)[0]],
            [tx.points("d1", c.id) for c in tx.list_cadres("d1", limit=1000)[0]],
        ]


def test_completion_records_its_outcome_and_earns_points(
    client: TestClient, tokens: Tokens
) -> None:
    disp = _accept_all(client, tokens)
    h = tokens.h("dispatcher")
    d1 = _on(disp, "D1")  # priority 5
    body = {"hours": 4, "rating": 5, "note": "好"}
    r = client.post(f"{D}/{d1['id']}/complete", json=body, headers=h)
    assert r.status_code == 200, r.text
    got = r.json()
    assert (got["hours"], got["rating"], got["exempt"], got["cancel_reason"]) == (4, 5, False, None)
    # 10 points an hour × 4 h × 1.5 (rated 5) × 1.5 (priority 5), by hand
    pts = client.get(f"{V}/cadres/{d1['cadre']}/points", headers=h).json()
    assert pts["balance"] == 90 and pts["count"] == 1
    assert (pts["data"][0]["kind"], pts["data"][0]["amount"], pts["data"][0]["dispatch"]) == (
        "earned",
        90,
        d1["id"],
    )
    # unrated, priority 2, exempt: 10 × 2.5 × 1 × 0.75 = 18.75 → 19 (exempt work still earns)
    d4 = _on(disp, "D4")
    body = {"hours": 2.5, "exempt": True, "exempt_reason": "试用新的议事流程"}
    r = client.post(f"{D}/{d4['id']}/complete", json=body, headers=h)
    assert (r.json()["exempt"], r.json()["exempt_reason"]) == (True, "试用新的议事流程")
    mine = client.get(f"{V}/cadres/{d4['cadre']}/points", headers=h).json()
    assert 19 in [e["amount"] for e in mine["data"]]
    # analysts see the exemption's reason masked, like notes
    seen = client.get(f"{D}/{d4['id']}", headers=tokens.h("analyst")).json()
    assert seen["exempt_reason"] == "***"
    # … in every list that shows dispatches, the cadre's own history included
    history = f"{V}/cadres/{d4['cadre']}/dispatches"
    for path, params in ((D, {"status": "completed"}), (history, {})):
        rows = client.get(path, params=params, headers=tokens.h("analyst")).json()["data"]
        assert {x["exempt_reason"] for x in rows if x["exempt"]} == {"***"}


@pytest.mark.parametrize(
    ("how", "body", "pointer", "code"),
    [
        ("complete", {}, "/body/hours", "field.missing"),
        ("complete", {"hours": 0}, "/body/hours", "problem.hours_range"),
        ("complete", {"hours": 24.01}, "/body/hours", "problem.hours_range"),
        ("complete", {"hours": 2, "rating": 0}, "/body/rating", "problem.rating_value"),
        ("complete", {"hours": 2, "rating": 6}, "/body/rating", "problem.rating_value"),
        (
            "complete",
            {"hours": 2, "exempt": True},
            "/body/exempt_reason",
            "problem.exempt_reason_missing",
        ),
        (
            "complete",
            {"hours": 2, "exempt_reason": "x"},
            "/body/exempt_reason",
            "problem.exempt_reason_alone",
        ),
        ("complete", {"hours": 2, "reason": "other"}, "/body/reason", "field.extra_forbidden"),
        ("cancel", {}, "/body/reason", "field.missing"),
        ("cancel", {"reason": "bored"}, "/body/reason", "field.literal_error"),
        ("cancel", {"reason": "other", "hours": 2}, "/body/hours", "field.extra_forbidden"),
    ],
)
def test_bad_outcomes_are_422_on_their_field_and_write_nothing(
    client: TestClient,
    tokens: Tokens,
    store: Store,
    how: str,
    body: dict[str, Any],
    pointer: str,
    code: str,
) -> None:
    disp = _accept_all(client, tokens)
    before = _db(store)
    r = client.post(f"{D}/{disp[0]['id']}/{how}", json=body, headers=tokens.h("dispatcher"))
    assert r.status_code == 422, r.text
    assert r.headers["content-type"] == "application/problem+json"
    errors = {e["pointer"]: e["code"] for e in r.json()["errors"]}
    assert errors.get(pointer) == code, errors
    assert _db(store) == before


def test_a_policy_lowers_the_most_hours(client: TestClient, tokens: Tokens, store: Store) -> None:
    with store.write() as tx:
        tx.conn.exec_driver_sql(
            "UPDATE districts SET policy_toml = '[record]\nmax_hours = 3\n' WHERE id = 'd1'"
        )
    disp = _accept_all(client, tokens)
    h = tokens.h("dispatcher")
    r = client.post(f"{D}/{disp[0]['id']}/complete", json={"hours": 3.5}, headers=h)
    assert r.status_code == 422
    assert r.json()["errors"][0]["params"] == {"max": 3.0}
    assert (
        client.post(f"{D}/{disp[0]['id']}/complete", json={"hours": 3}, headers=h).status_code
        == 200
    )


def test_cancel_reasons(client: TestClient, tokens: Tokens, store: Store) -> None:
    disp = _accept_all(client, tokens)
    h = tokens.h("dispatcher")
    one, two = _on(disp, "D2"), _on(disp, "D3")  # two demands: a withdrawal ends its own
    r = client.post(f"{D}/{one['id']}/cancel", json={"reason": "community_withdrew"}, headers=h)
    assert (r.json()["status"], r.json()["cancel_reason"]) == ("cancelled", "community_withdrew")
    r = client.post(f"{D}/{two['id']}/cancel", json={"reason": "no_show"}, headers=h)
    assert (r.json()["status"], r.json()["cancel_reason"]) == ("no_show", "no_show")
    with store.read() as tx:  # nothing earned by a cancel
        assert all(tx.points("d1", d["cadre"])[0] == 0 for d in (one, two))


OUT_HEADER = "dispatch,ending,hours,rating,exempt,exempt_reason,cancel_reason,note,ended\n"
#: an outcome ends between its dispatch's first day (today here) and today
DAY = today(SHANGHAI).isoformat()


def test_outcomes_import_all_or_nothing(client: TestClient, tokens: Tokens, store: Store) -> None:
    disp = _accept_all(client, tokens)
    h = tokens.h("dispatcher")
    a, b, c = disp[0]["id"], disp[1]["id"], disp[2]["id"]
    # one row good, one ending already ended, one unknown dispatch, one bad cell
    client.post(f"{D}/{c}/cancel", json={"reason": "other"}, headers=h)
    before = _db(store)
    bad = OUT_HEADER + (
        f"{a},completed,2,4,,,,好,{DAY}\n"
        f"{c},completed,2,,,,,,\n"
        "999,cancelled,,,,,other,,\n"
        f"{b},completed,30,,,,,,\n"
    )
    r = client.post(f"{V}/outcomes/import", json={"csv": bad}, headers=h)
    assert r.status_code == 422, r.text
    rows = {(e["row"], e["column"]) for e in r.json()["errors"]}
    assert {(4, "dispatch"), (5, "hours")} <= rows, rows
    assert _db(store) == before  # nothing written
    # an ended dispatch is a problem of its row, with the status it has
    only_ended = OUT_HEADER + f"{c},completed,2,,,,,,\n"
    r = client.post(f"{V}/outcomes/import", json={"csv": only_ended}, headers=h)
    err = r.json()["errors"][0]
    assert (r.status_code, err["row"], err["code"], err["params"]) == (
        422,
        2,
        "problem.dispatch_ended",
        {"status": "cancelled"},
    )
    assert _db(store) == before
    # another district's dispatch is unknown here
    other = _accept_all_d2(client, tokens)
    r = client.post(
        f"{V}/outcomes/import", json={"csv": OUT_HEADER + f"{other},no_show,,,,,,,\n"}, headers=h
    )
    assert r.status_code == 422 and r.json()["errors"][0]["column"] == "dispatch"
    good = OUT_HEADER + (f"{a},completed,2,4,,,,好,{DAY}\n{b},cancelled,,,,,duplicate,,\n")
    r = client.post(f"{V}/outcomes/import", json={"csv": good}, headers=h)
    assert r.status_code == 200, r.text
    assert r.json() == {
        "completed": 1,
        "cancelled": 1,
        "no_show": 0,
        "withdrawn": [],
        "cancelled_with_demands": [],
        "warnings": 0,
    }
    done = client.get(f"{D}/{a}", headers=h).json()
    assert (done["status"], done["hours"], done["rating"], done["closed_at"][:10]) == (
        "completed",
        2,
        4,
        DAY,
    )
    ledger = client.get(f"{V}/cadres/{done['cadre']}/points", headers=h).json()["data"]
    assert [e["day"] for e in ledger if e["dispatch"] == a] == [DAY]
    assert client.get(f"{D}/{b}", headers=h).json()["cancel_reason"] == "duplicate"
    # analysts cannot import
    r = client.post(f"{V}/outcomes/import", json={"csv": good}, headers=tokens.h("analyst"))
    assert r.status_code == 403


def _accept_all_d2(client: TestClient, tokens: Tokens) -> int:
    h = tokens.h("other")
    pid = client.post("/v1/districts/d2/proposals", json={}, headers=h).json()["id"]
    r = client.post(f"/v1/districts/d2/proposals/{pid}/accept", json={}, headers=h)
    return int(r.json()["dispatches"][0]["id"])


def test_community_withdrew_withdraws_the_demand(
    client: TestClient, tokens: Tokens, store: Store
) -> None:
    """The community no longer wants the work: its demand is closed with the cancel,
    its other active work cancelled for the same reason, and nothing proposes it again."""
    disp = _accept_all(client, tokens)
    h = tokens.h("dispatcher")
    on_d1 = [d for d in disp if d["demand"] == "D1"]
    assert len(on_d1) == 2  # the tiny case's D1 wants two
    first, second = on_d1
    r = client.post(f"{D}/{first['id']}/cancel", json={"reason": "community_withdrew"}, headers=h)
    assert r.status_code == 200, r.text
    demand = client.get(f"{V}/demands/D1", headers=h).json()
    assert (demand["status"], demand["active"]) == ("cancelled", 0)
    other = client.get(f"{D}/{second['id']}", headers=h).json()
    assert (other["status"], other["cancel_reason"]) == ("cancelled", "community_withdrew")
    assert other["closed_by"] is not None
    # one audit entry for the write, naming the withdrawal it made
    with store.read() as tx:
        entries = tx.list_audit("d1", limit=1000)[0]
    last = entries[-1].to_json()
    assert (last["action"], last["subject"]) == ("dispatch.close", str(first["id"]))
    assert {"action": "demand.withdraw", "subject": "D1"} in last["payload"]["then"]
    # the next proposal leaves it alone
    new = client.post(f"{V}/proposals", json={}, headers=h).json()
    assert "D1" not in {a["demand"] for a in new["result"]["assignments"]}
    # another reason frees the slot only
    d3 = _on(disp, "D3")
    client.post(f"{D}/{d3['id']}/cancel", json={"reason": "duplicate"}, headers=h)
    assert client.get(f"{V}/demands/D3", headers=h).json()["status"] == "open"


def test_community_withdrew_in_outcomes_csv(
    client: TestClient, tokens: Tokens, store: Store
) -> None:
    """A withdrawal in outcomes.csv withdraws its demand once every row has ended: a row
    completing the demand's other work still completes it, and the demand is done."""
    disp = _accept_all(client, tokens)
    h = tokens.h("dispatcher")
    first, second = (d["id"] for d in disp if d["demand"] == "D1")
    csv = OUT_HEADER + (f"{first},cancelled,,,,,community_withdrew,,\n{second},completed,2,,,,,,\n")
    r = client.post(f"{V}/outcomes/import", json={"csv": csv}, headers=h)
    assert r.status_code == 200, r.text
    got = r.json()
    assert (got["completed"], got["cancelled"], got["withdrawn"]) == (1, 1, ["D1"])
    assert got["cancelled_with_demands"] == []  # its other work was a row of the file
    assert client.get(f"{V}/demands/D1", headers=h).json()["status"] == "done"
    # withdrawn alone, with nothing completed: the demand is cancelled
    d2 = _on(disp, "D2")["id"]
    csv = OUT_HEADER + f"{d2},cancelled,,,,,community_withdrew,,\n"
    r = client.post(f"{V}/outcomes/import", json={"csv": csv}, headers=h)
    assert r.status_code == 200, r.text
    assert (r.json()["withdrawn"], r.json()["cancelled_with_demands"]) == (["D2"], [])
    assert client.get(f"{V}/demands/D2", headers=h).json()["status"] == "cancelled"
    with store.read() as tx:
        last = tx.list_audit("d1", limit=1000)[0][-1].to_json()
        assert tx.check_consistency("d1") == []
    assert last["action"] == "outcomes.import"
    assert {"action": "demand.withdraw", "subject": "D2"} in last["payload"]["then"]


def test_outcomes_csv_says_what_its_withdrawals_cancelled(
    client: TestClient, tokens: Tokens, store: Store
) -> None:
    """One row withdraws D1 (two slots, two dispatches): the other dispatch is cancelled with
    it, and the answer says so beside the row counts (which count the file's rows only)."""
    disp = _accept_all(client, tokens)
    h = tokens.h("dispatcher")
    first, second = (d["id"] for d in disp if d["demand"] == "D1")
    csv = OUT_HEADER + f"{first},cancelled,,,,,community_withdrew,,\n"
    r = client.post(f"{V}/outcomes/import", json={"csv": csv}, headers=h)
    assert r.status_code == 200, r.text
    assert r.json() == {
        "completed": 0,
        "cancelled": 1,
        "no_show": 0,
        "withdrawn": ["D1"],
        "cancelled_with_demands": [second],
        "warnings": 0,
    }
    other = client.get(f"{D}/{second}", headers=h).json()
    assert (other["status"], other["cancel_reason"]) == ("cancelled", "community_withdrew")
    with store.read() as tx:
        assert tx.check_consistency("d1") == []
    # every dispatch of the district the import ended is in the answer, no more
    ended = [
        d["id"]
        for d in client.get(f"{D}?limit=1000", headers=h).json()["data"]
        if d["status"] != "active"
    ]
    assert sorted(ended) == sorted([first, second])


def test_outcomes_csv_counts_the_warnings_it_raised(client: TestClient, tokens: Tokens) -> None:
    """Two no-shows of one cadre (P1 holds two slots): the rules suggest a warning, and the
    answer counts the warnings the import raised, the ones the district then lists."""
    disp = _accept_all(client, tokens)
    h = tokens.h("dispatcher")
    mine = [d["id"] for d in disp if d["cadre"] == "P1"]
    assert len(mine) == 2
    assert client.get(f"{V}/warnings", headers=h).json()["count"] == 0
    csv = OUT_HEADER + "".join(f"{d},no_show,,,,,,,\n" for d in mine)
    r = client.post(f"{V}/outcomes/import", json={"csv": csv}, headers=h)
    assert r.status_code == 200, r.text
    listed = client.get(f"{V}/warnings", headers=h).json()
    assert listed["count"] >= 1 and "P1" in {w["cadre"] for w in listed["data"]}
    assert r.json()["warnings"] == listed["count"]
    assert r.json()["no_show"] == 2


def test_withdrawals_are_read_in_chunks(
    client: TestClient, tokens: Tokens, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two demands withdrawn by one file, their ids read a list of one at a time (as a
    file withdrawing more than a database's parameters would be): the same answer."""
    import matcher.store.outcome_import as oi

    monkeypatch.setattr(oi, "CHUNK", 1)
    disp = _accept_all(client, tokens)
    h = tokens.h("dispatcher")
    rows = {}
    for d in disp:
        rows.setdefault(d["demand"], d["id"])
    two = sorted(rows)[:2]
    csv = OUT_HEADER + "".join(f"{rows[x]},cancelled,,,,,community_withdrew,,\n" for x in two)
    r = client.post(f"{V}/outcomes/import", json={"csv": csv}, headers=h)
    assert r.status_code == 200, r.text
    others = sorted(d["id"] for d in disp if d["demand"] in two and d["id"] not in rows.values())
    assert (r.json()["withdrawn"], r.json()["cancelled_with_demands"]) == (two, others)
