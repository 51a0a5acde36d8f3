"""A cadre's calendar and proposals for a horizon over HTTP (both store engines).

The oracles are hand-written: which shifts fall in the range, the week's hours
(4-hour shifts: counted by hand), the free windows of a pattern typed here.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.tokens import Tokens
from tests.clock import BEFORE_FIXED_DATES, fixed_dates_ahead, set_clock

D = "/v1/districts/d1"
#: three evening shifts only P4 can take: Tuesday and Wednesday of ISO week 2026-W50, and
#: the Tuesday after (W51)
SHIFTS = {"F0": "2026-12-08", "F1": "2026-12-09", "F2": "2026-12-15"}
FLOOD = {"community": "C3", "title": "防汛值守", "needs": {"emergency.flood_control": 3},
         "requires": {"emergency.flood_control": 2}, "priority": 5}  # fmt: skip


def _setup(client: TestClient, tokens: Tokens) -> None:
    """P4: capacity 2, free weekday evenings and Saturday morning, away on Saturday the 12th,
    10 hours a week; the three shifts posted."""
    h = tokens.h("admin")
    r = client.get(f"{D}/cadres/P4", headers=h).json()
    body = {k: r[k] for k in ("name", "home", "certs", "status")}
    body |= {"skills": {"emergency.flood_control": 4, "urban.elevator_retrofit": 3},
             "capacity": 2, "available": "mon-fri 18:00-22:00; sat 09:00-12:00",
             "away": "2026-12-12", "hours_per_week": 10}  # fmt: skip
    r = client.put(f"{D}/cadres/P4", json={**body, "version": r["version"]}, headers=h)
    assert r.status_code == 200, r.text
    with fixed_dates_ahead():  # the shifts' fixed days ahead of now, whatever day it is
        for did, day in SHIFTS.items():
            shift = {**FLOOD, "id": did, "start": f"{day}T18:00", "end": f"{day}T22:00"}
            assert client.post(f"{D}/demands", json=shift, headers=h).status_code == 201


def _accept_p4(client: TestClient, tokens: Tokens, body: dict[str, Any]) -> dict[str, Any]:
    d = tokens.h("dispatcher")
    p = client.post(f"{D}/proposals", json=body, headers=d)
    assert p.status_code == 201, p.text
    mine = [{"cadre": "P4", "demand": a["demand"]}
            for a in p.json()["result"]["assignments"] if a["cadre"] == "P4"]  # fmt: skip
    r = client.post(f"{D}/proposals/{p.json()['id']}/accept", json={"assignments": mine},
                    headers=d)  # fmt: skip
    assert r.status_code == 201, r.text
    return p.json()


def test_a_cadres_week_shows_their_shifts_ongoing_work_pattern_away_day_and_hours(
    client: TestClient, tokens: Tokens, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the week of the shifts is ahead, whatever day the tests run (the clock moves below)
    set_clock(monkeypatch, BEFORE_FIXED_DATES)
    _setup(client, tokens)
    plan = _accept_p4(client, tokens, {})
    took = sorted(a["demand"] for a in plan["result"]["assignments"] if a["cadre"] == "P4")
    assert took == ["D1", "F0", "F1", "F2"]  # the ongoing retrofit and every shift
    d = tokens.h("dispatcher")
    # F0 done: a completed shift stays on the calendar and in the week's hours
    after = dt.datetime(2026, 12, 9, tzinfo=dt.UTC)  # F0 (the 8th, evening) has begun
    set_clock(monkeypatch, after)
    f0 = client.get(f"{D}/dispatches", params={"demand": "F0"}, headers=d).json()["data"][0]
    r = client.post(f"{D}/dispatches/{f0['id']}/complete", json={"hours": 4}, headers=d)
    assert r.status_code == 200, r.text

    r = client.get(f"{D}/cadres/P4/calendar", params={"from": "2026-12-07", "to": "2026-12-13"},
                   headers=d)  # fmt: skip
    assert r.status_code == 200, r.text
    cal = r.json()
    assert (cal["cadre"], cal["name"], cal["start"], cal["end"]) == (
        "P4", "赵六", "2026-12-07", "2026-12-13")  # fmt: skip
    assert cal["timezone"] == "Asia/Shanghai" and cal["capacity"] == 2
    assert cal["available"] == "mon-fri 18:00-22:00; sat 09:00-12:00"
    got = [(e["demand"], e["status"], e["ongoing"], e["start"], e["end"], e["hours"])
           for e in cal["entries"]]  # fmt: skip
    assert got == [
        ("D1", "active", True, None, None, None),
        ("F0", "completed", False, "2026-12-08T18:00", "2026-12-08T22:00", 4.0),
        ("F1", "active", False, "2026-12-09T18:00", "2026-12-09T22:00", 4.0),
    ]  # F2 is the next week's
    days = {x["day"]: x for x in cal["days"]}
    assert list(days) == [f"2026-12-{k:02d}" for k in range(7, 14)]
    assert days["2026-12-07"]["weekday"] == "mon"
    assert days["2026-12-07"]["free"] == [["18:00", "22:00"]]
    assert days["2026-12-12"]["free"] == [["09:00", "12:00"]] and days["2026-12-12"]["away"]
    assert days["2026-12-13"]["free"] == [] and not days["2026-12-13"]["away"]
    assert cal["weeks"] == [{"week": "2026-W50", "first": "2026-12-07", "last": "2026-12-13",
                             "hours": 8.0, "limit": 10.0, "left": 2.0}]  # fmt: skip

    # a range across two weeks: each week's hours, all of them (W51 holds F2 only)
    cal = client.get(f"{D}/cadres/P4/calendar", params={"from": "2026-12-13", "to": "2026-12-15"},
                     headers=d).json()  # fmt: skip
    assert [e["demand"] for e in cal["entries"]] == ["D1", "F2"]
    assert [(w["week"], w["hours"]) for w in cal["weeks"]] == [("2026-W50", 8.0),
                                                              ("2026-W51", 4.0)]  # fmt: skip


def test_a_calendar_defaults_to_a_week(client: TestClient, tokens: Tokens) -> None:
    h = tokens.h("planner")
    cal = client.get(f"{D}/cadres/P1/calendar", headers=h).json()
    first = dt.date.fromisoformat(cal["start"])
    assert first.weekday() == 0 and cal["end"] == (first + dt.timedelta(days=6)).isoformat()
    today = dt.datetime.now(dt.timezone(dt.timedelta(hours=8))).date()
    assert first <= today <= first + dt.timedelta(days=6)
    # a cadre without a pattern is free all day; with no limit nothing is left to count
    assert all(x["free"] == [["00:00", "24:00"]] and not x["away"] for x in cal["days"])
    assert [(w["limit"], w["left"]) for w in cal["weeks"]] == [(None, None)]
    cal = client.get(f"{D}/cadres/P1/calendar", params={"from": "2026-12-30"}, headers=h).json()
    assert (cal["start"], cal["end"]) == ("2026-12-30", "2027-01-05")
    assert [w["week"] for w in cal["weeks"]] == ["2026-W53", "2027-W01"]
    cal = client.get(f"{D}/cadres/P1/calendar", params={"to": "2026-12-13"}, headers=h).json()
    assert (cal["start"], cal["end"]) == ("2026-12-07", "2026-12-13")


@pytest.mark.parametrize(
    ("params", "code", "pointer"),
    [
        ({"from": "2026-12-14", "to": "2026-12-07"}, "horizon.reversed", None),
        ({"from": "2026-12-01", "to": "2027-02-01"}, "calendar.range_too_long", None),
        ({"from": "2026-12-32"}, "input.validation", "/query/from"),
        ({"to": "next week"}, "input.validation", "/query/to"),
        ({"from": "9999-12-31"}, "calendar.year_range", None),
        ({"to": "0001-01-01"}, "calendar.year_range", None),
        ({"from": "9999-12-30", "to": "9999-12-31"}, "calendar.year_range", None),
    ],
)
def test_a_bad_range_is_a_422_problem(
    client: TestClient, tokens: Tokens, params: dict[str, str], code: str, pointer: str | None
) -> None:
    r = client.get(f"{D}/cadres/P1/calendar", params=params, headers=tokens.h("dispatcher"))
    assert r.status_code == 422, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    body = r.json()
    assert body["code"] == code
    if pointer is not None:
        assert [e["pointer"] for e in body["errors"]] == [pointer]
    if code == "calendar.range_too_long":
        assert body["params"] == {"days": 63, "max": 62}


def test_62_days_are_answered(client: TestClient, tokens: Tokens) -> None:
    r = client.get(f"{D}/cadres/P1/calendar", params={"from": "2026-12-01", "to": "2027-01-31"},
                   headers=tokens.h("dispatcher"))  # fmt: skip
    assert r.status_code == 200 and len(r.json()["days"]) == 62


def test_who_reads_a_calendar(client: TestClient, tokens: Tokens) -> None:
    url = f"{D}/cadres/P4/calendar"
    r = client.get(f"{D}/cadres/P404/calendar", headers=tokens.h("dispatcher"))
    assert r.status_code == 404 and r.json()["code"] == "not_found.cadre", r.text
    assert client.get(url, headers=tokens.h("other")).status_code == 404  # another district
    assert client.get(url, headers=tokens.h("supervisor")).status_code == 403
    assert client.get(url).status_code == 401
    assert client.get(url, headers=tokens.h("analyst")).json()["name"] == "***"


def test_a_proposal_for_a_horizon_plans_its_days_and_the_list_finds_it(
    client: TestClient, tokens: Tokens, monkeypatch: pytest.MonkeyPatch
) -> None:
    set_clock(monkeypatch, BEFORE_FIXED_DATES)  # the week of the shifts ahead
    _setup(client, tokens)
    d = tokens.h("dispatcher")
    whole = client.post(f"{D}/proposals", json={}, headers=d).json()
    assert {"F0", "F1", "F2"} <= {a["demand"] for a in whole["result"]["assignments"]}
    tue = client.post(f"{D}/proposals", json={"from": "2026-12-08", "to": "2026-12-08"},
                      headers=d)  # fmt: skip
    assert tue.status_code == 201, tue.text
    body = tue.json()
    assert body["request"]["from"] == "2026-12-08" and body["request"]["to"] == "2026-12-08"
    planned = {a["demand"] for a in body["result"]["assignments"]}
    assert "F0" in planned and not planned & {"F1", "F2"}
    assert planned >= {"D1", "D2", "D3"}  # ongoing work is planned with any horizon
    assert body["result"]["district"]["slots_total"] == 1 + 2 + 1 + 1 + 1  # F0 and D1…D4
    # a pin outside the horizon is refused like a pin on an unknown demand
    pin = {"from": "2026-12-08", "to": "2026-12-08", "pinned": [{"cadre": "P4", "demand": "F2"}]}
    r = client.post(f"{D}/proposals", json=pin, headers=d)
    assert r.status_code == 422 and "F2" in r.text, r.text
    # an open end: Wednesday on
    later = client.post(f"{D}/proposals", json={"from": "2026-12-09"}, headers=d).json()
    dated = {a["demand"] for a in later["result"]["assignments"]} & set(SHIFTS)
    assert dated == {"F1", "F2"}
    # the list, filtered by horizon: proposals made for one sharing a day with the range
    ids = {
        q: [p["id"] for p in client.get(f"{D}/proposals", params=q, headers=d).json()["data"]]
        for q in (
            (("from", "2026-12-08"), ("to", "2026-12-08")),
            (("from", "2026-12-10"), ("to", "2026-12-31")),
            (("to", "2026-12-07"),),
            (),
        )
    }
    assert list(ids.values()) == [
        [body["id"]],
        [later["id"]],
        [],
        [later["id"], body["id"], whole["id"]],
    ]
    page = client.get(f"{D}/proposals", params={"from": "2026-12-01", "limit": 1, "offset": 1},
                      headers=d).json()  # fmt: skip
    assert page["count"] == 2 and [p["id"] for p in page["data"]] == [body["id"]]


@pytest.mark.parametrize(
    "body",
    [
        {"from": "2026-12-09", "to": "2026-12-08"},
        {"from": "Tuesday"},
        {"from": 20261208},
        {"start": "2026-12-08"},
    ],
)
def test_a_bad_horizon_is_a_422_and_nothing_is_stored(
    client: TestClient, tokens: Tokens, body: dict[str, Any]
) -> None:
    d = tokens.h("dispatcher")
    r = client.post(f"{D}/proposals", json=body, headers=d)
    assert r.status_code == 422, r.text
    assert client.get(f"{D}/proposals", headers=d).json()["count"] == 0


def test_a_horizon_longer_than_a_calendar_is_a_coded_422(
    client: TestClient, tokens: Tokens
) -> None:
    """Half a year of dated orders is refused as the calendar refuses it: 62 days at
    most (the same limit); 62 days pass, open ends pass."""
    d = tokens.h("dispatcher")
    r = client.post(f"{D}/proposals", json={"from": "2026-12-01", "to": "2027-05-31"}, headers=d)
    assert r.status_code == 422, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    got = r.json()
    assert got["code"] == "horizon.too_long"
    assert got["params"] == {"first": "2026-12-01", "last": "2027-05-31", "days": 182, "max": 62}
    assert client.get(f"{D}/proposals", headers=d).json()["count"] == 0
    ok = client.post(f"{D}/proposals", json={"from": "2026-12-01", "to": "2027-01-31"}, headers=d)
    assert ok.status_code == 201, ok.text
    r = client.post(f"{D}/proposals", json={"from": "2026-12-01", "to": "2027-02-01"}, headers=d)
    assert r.status_code == 422 and r.json()["params"]["days"] == 63


def test_a_reversed_list_filter_is_a_422(client: TestClient, tokens: Tokens) -> None:
    r = client.get(f"{D}/proposals", params={"from": "2026-12-09", "to": "2026-12-08"},
                   headers=tokens.h("supervisor"))  # fmt: skip
    assert r.status_code == 422 and r.json()["code"] == "horizon.reversed"


def test_ongoing_work_that_fills_the_cadre_leaves_no_free_window(
    client: TestClient, tokens: Tokens
) -> None:
    """P4 of capacity 1 on ongoing work (dispatched today) is held from today on: no free
    window, whatever the pattern says, and the calendar says why; the days before the
    dispatch, and every day once it is completed, show the pattern's windows."""
    h, d = tokens.h("admin"), tokens.h("dispatcher")
    r = client.get(f"{D}/cadres/P4", headers=h).json()
    body = {k: r[k] for k in ("name", "home", "certs", "status")}
    body |= {"skills": {"emergency.flood_control": 4, "urban.elevator_retrofit": 3},
             "capacity": 1, "available": "mon-sun 18:00-22:00"}  # fmt: skip
    body["version"] = r["version"]
    assert client.put(f"{D}/cadres/P4", json=body, headers=h).status_code == 200
    pin = {"pinned": [{"cadre": "P4", "demand": "D1"}]}
    p = client.post(f"{D}/proposals", json=pin, headers=d)
    assert p.status_code == 201, p.text
    pair = [{"cadre": "P4", "demand": "D1"}]
    r = client.post(f"{D}/proposals/{p.json()['id']}/accept", json={"assignments": pair},
                    headers=d)  # fmt: skip
    assert r.status_code == 201, r.text
    today = dt.datetime.now(dt.timezone(dt.timedelta(hours=8))).date()

    def cal(first: dt.date, last: dt.date) -> dict[str, Any]:
        q = {"from": first.isoformat(), "to": last.isoformat()}
        r = client.get(f"{D}/cadres/P4/calendar", params=q, headers=d)
        assert r.status_code == 200, r.text
        return r.json()

    week = cal(today, today + dt.timedelta(days=6))
    assert week["fully_held"] and week["ongoing"] == 1 and week["capacity"] == 1
    assert [(x["ongoing"], x["held"], x["free"]) for x in week["days"]] == [(1, True, [])] * 7
    # the week before: not yet dispatched, so free by the pattern
    before = cal(today - dt.timedelta(days=7), today - dt.timedelta(days=1))
    assert not before["fully_held"] and before["ongoing"] == 0
    assert all(not x["held"] and x["free"] == [["18:00", "22:00"]] for x in before["days"])
    # a range across the dispatch day: held from it on, not said of the whole range
    across = cal(today - dt.timedelta(days=1), today + dt.timedelta(days=1))
    assert not across["fully_held"] and across["ongoing"] == 1
    assert [x["held"] for x in across["days"]] == [False, True, True]
    # completed ongoing work holds nobody: free again
    one = client.get(f"{D}/dispatches", params={"demand": "D1", "cadre": "P4"}, headers=d)
    (mine,) = [x for x in one.json()["data"] if x["cadre"] == "P4" and x["status"] == "active"]
    r = client.post(f"{D}/dispatches/{mine['id']}/complete", json={"hours": 4}, headers=d)
    assert r.status_code == 200, r.text
    week = cal(today, today + dt.timedelta(days=6))
    assert not week["fully_held"] and week["ongoing"] == 0
    assert all(x["free"] == [["18:00", "22:00"]] for x in week["days"])


def test_days_marked_unavailable_are_not_free(client: TestClient, tokens: Tokens) -> None:
    """Marked 暂不可派 until a day, the cadre's calendar shows today to that day as
    unavailable with nothing free (nothing is proposed to them then), the days after as
    their pattern; until lifted, every day from today."""
    _setup(client, tokens)
    d = tokens.h("dispatcher")
    zone = dt.timezone(dt.timedelta(hours=8))  # the tiny district's Asia/Shanghai
    today = dt.datetime.now(zone).date()
    until = today + dt.timedelta(days=2)
    r = client.put(f"{D}/cadres/P4/unavailable", json={"until": until.isoformat()}, headers=d)
    assert r.status_code == 200, r.text
    first, last = today - dt.timedelta(days=1), today + dt.timedelta(days=4)
    q = {"from": first.isoformat(), "to": last.isoformat()}
    cal = client.get(f"{D}/cadres/P4/calendar", params=q, headers=d).json()
    assert (cal["unavailable_until"], cal["until_lifted"]) == (until.isoformat(), False)
    leave = {x["day"] for x in cal["days"] if x["unavailable"]}
    assert leave == {(today + dt.timedelta(days=k)).isoformat() for k in range(3)}
    assert all(x["free"] == [] for x in cal["days"] if x["unavailable"])
    weekday = [x for x in cal["days"] if not x["unavailable"] and x["weekday"] in ("mon", "tue")]
    assert all(x["free"] == [["18:00", "22:00"]] for x in weekday if not x["away"])
    client.put(f"{D}/cadres/P4/unavailable", json={"until": None}, headers=d)
    cal = client.get(f"{D}/cadres/P4/calendar", params=q, headers=d).json()
    assert cal["until_lifted"] and cal["unavailable_until"] is None
    assert [x["unavailable"] for x in cal["days"]] == [False] + [True] * 5
    client.delete(f"{D}/cadres/P4/unavailable", headers=d)
    cal = client.get(f"{D}/cadres/P4/calendar", params=q, headers=d).json()
    assert not any(x["unavailable"] for x in cal["days"]) and not cal["until_lifted"]
