"""Dated work over HTTP: windows and calendars stored as written, refused when wrong,
and the service's proposals keep capacity per instant."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from matcher.store import Store
from matcher.store import schema as t
from tests.api.tokens import Tokens
from tests.clock import BEFORE_FIXED_DATES, set_clock

D = "/v1/districts/d1"
SHIFT = {"community": "C1", "title": "防汛值守", "needs": {"urban.elevator_retrofit": 2}}


@pytest.fixture(autouse=True)
def _ahead(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fixed dates written here (2026-12-08 …) are ahead of the district's now."""
    set_clock(monkeypatch, BEFORE_FIXED_DATES)


def test_dated_fields_round_trip_and_a_capacity_one_cadre_takes_two_shifts(
    client: TestClient, tokens: Tokens
) -> None:
    h = tokens.h("admin")
    for k, (start, end) in enumerate((("2026-12-08T18:00", "2026-12-08T22:00"),
                                      ("2026-12-08T22:00", "2026-12-09T02:00"))):  # fmt: skip
        body = {**SHIFT, "id": f"S{k}", "start": start, "end": end, "priority": 5}
        r = client.post(f"{D}/demands", json=body, headers=h)
        assert r.status_code == 201, r.text
        got = r.json()
        assert (got["start"], got["end"], got["hours"]) == (start, end, None)
    r = client.get(f"{D}/cadres/P4", headers=h).json()
    body = {k: r[k] for k in ("name", "home", "skills", "certs", "capacity", "status")}
    body |= {"capacity": 1, "available": "daily 00:00-24:00", "away": "2026-12-20",
             "hours_per_week": 20}  # fmt: skip
    r = client.put(f"{D}/cadres/P4", json={**body, "version": r["version"]}, headers=h)
    assert r.status_code == 200, r.text
    got = r.json()
    assert (got["available"], got["away"], got["hours_per_week"]) == (
        "mon-sun 00:00-24:00", "2026-12-20", 20.0)  # fmt: skip
    plan = client.post(f"{D}/proposals", json={}, headers=tokens.h("dispatcher")).json()["result"]
    assert plan["solver"] == "milp" and plan["certified"]
    # every cadre within capacity at each instant: ongoing work all the time, the two
    # shifts (touching, not overlapping) one at a time
    caps = {c["id"]: c["capacity"] for c in client.get(f"{D}/cadres", headers=h).json()["data"]}
    for cadre, cap in caps.items():
        on = [a["demand"] for a in plan["assignments"] if a["cadre"] == cadre]
        ongoing = [d for d in on if d not in ("S0", "S1")]
        assert len(ongoing) + min(1, len(on) - len(ongoing)) <= cap, (cadre, on)
    assert {a["demand"] for a in plan["assignments"]} >= {"S0", "S1"}


def test_bad_dated_fields_are_422(client: TestClient, tokens: Tokens) -> None:
    h = tokens.h("admin")
    bad = [
        {"start": "2026-12-08T18:00", "end": "2026-12-08T17:00"},
        {"start": "2026-12-08 evening", "end": "2026-12-08T22:00"},
        {"start": "2026-12-08T18:00"},
        {"end": "2026-12-08T18:00"},
    ]
    for k, extra in enumerate(bad):
        r = client.post(f"{D}/demands", json={**SHIFT, "id": f"B{k}", **extra}, headers=h)
        assert r.status_code == 422, (extra, r.text)
    r = client.get(f"{D}/cadres/P4", headers=h).json()
    body = {k: r[k] for k in ("name", "home", "skills", "certs", "capacity", "status")}
    for extra in ({"available": "mon-fry 18:00-21:00"}, {"away": "2026-12-40"}):
        r2 = client.put(
            f"{D}/cadres/P4", json={**body, **extra, "version": r["version"]}, headers=h
        )
        assert r2.status_code == 422, (extra, r2.text)


def test_a_capacity_one_cadre_accepts_two_shifts_and_is_held_only_then(
    client: TestClient, tokens: Tokens
) -> None:
    h = tokens.h("admin")
    # only P4 qualifies (a skill no one else has), capacity 1, three evening shifts
    r = client.get(f"{D}/cadres/P4", headers=h).json()
    body = {k: r[k] for k in ("name", "home", "certs", "status")}
    body |= {"skills": {"emergency.flood_control": 4}, "capacity": 1}
    assert client.put(f"{D}/cadres/P4", json={**body, "version": r["version"]},
                      headers=h).status_code == 200  # fmt: skip
    need = {"community": "C3", "title": "防汛值守", "needs": {"emergency.flood_control": 3},
            "requires": {"emergency.flood_control": 2}, "priority": 5}  # fmt: skip
    for k, day in enumerate((8, 9, 10)):
        s, e = f"2026-12-{day:02d}T18:00", f"2026-12-{day:02d}T22:00"
        r = client.post(f"{D}/demands", json={**need, "id": f"F{k}", "start": s, "end": e},
                        headers=h)  # fmt: skip
        assert r.status_code == 201, r.text
    d = tokens.h("dispatcher")
    first = client.post(f"{D}/proposals", json={}, headers=d).json()
    mine = [a for a in first["result"]["assignments"] if a["cadre"] == "P4"]
    assert sorted(a["demand"] for a in mine) == ["F0", "F1", "F2"]
    pairs = [{"cadre": "P4", "demand": x} for x in ("F0", "F1")]
    r = client.post(f"{D}/proposals/{first['id']}/accept", json={"assignments": pairs}, headers=d)
    assert r.status_code == 201, r.text  # two shifts on one capacity-1 cadre: different evenings
    # held on the 8th and 9th only: the 10th is still offered to P4, ongoing work is not
    again = client.post(f"{D}/proposals", json={}, headers=d).json()["result"]
    mine = sorted(a["demand"] for a in again["assignments"] if a["cadre"] == "P4")
    assert mine == ["F2"]
    # a what-if sees the held evenings too: a fourth shift overlapping F0 is fillable
    # by nobody, in the live proposal and in the scenario's baseline alike
    s, e = "2026-12-08T19:00", "2026-12-08T21:00"
    r = client.post(f"{D}/demands", json={**need, "id": "F3", "start": s, "end": e}, headers=h)
    assert r.status_code == 201, r.text
    live = client.post(f"{D}/proposals", json={}, headers=d).json()["result"]
    assert "F3" not in {a["demand"] for a in live["assignments"]}
    edit = {"name": "no change", "edits": [{"kind": "remove_cadres", "ids": []}]}
    r = client.post(f"{D}/scenarios", json=edit, headers=tokens.h("planner"))
    assert r.status_code == 200, r.text
    kpis = {k["kpi"]: k for k in r.json()["kpis"]}
    assert kpis["slots_filled"]["base"] == live["kpis"]["slots_filled"]
    assert kpis["slots_filled"]["scenario"] == live["kpis"]["slots_filled"]
    # two shifts on different evenings hold one slot at a time: capacity 1 is not "lowered below"
    r = client.get(f"{D}/cadres/P4", headers=h).json()
    assert r["active_dispatches"] == 2
    body = {k: r[k] for k in ("name", "home", "certs", "status", "skills")}
    for cap in (2, 1):  # raised, then lowered back: 1 is not below what it holds at once
        r = client.put(f"{D}/cadres/P4", json={**body, "capacity": cap, "version": r["version"]},
                       headers=h)  # fmt: skip
        assert r.status_code == 200, r.text
        r = r.json()


def test_hours_over_the_window_and_a_limit_for_no_community_are_422(
    client: TestClient, tokens: Tokens
) -> None:
    h = tokens.h("admin")
    body = {**SHIFT, "id": "H1", "start": "2026-12-08T18:00", "end": "2026-12-08T20:00", "hours": 5}
    r = client.post(f"{D}/demands", json=body, headers=h)
    assert r.status_code == 422 and "exceed the window" in r.text
    r = client.post(f"{D}/proposals", json={"policy": {"lending": {"limits": {"C999": 1}}}},
                    headers=tokens.h("dispatcher"), params={})  # fmt: skip
    assert r.status_code == 422, r.text
    assert r.json()["errors"][0]["code"] == "problem.lending_unknown_community"


def test_bad_dated_fields_answer_their_own_codes_with_params(
    client: TestClient, tokens: Tokens
) -> None:
    h = tokens.h("admin")
    cases = [
        ({"start": "2026-12-09T20:00", "end": "2026-12-09T18:00"}, "problem.end_before_start",
         {"start": "2026-12-09T20:00", "end": "2026-12-09T18:00"}),
        ({"start": "2026-12-09T25:30", "end": "2026-12-09T22:00"}, "problem.not_local_time",
         {"value": "2026-12-09T25:30"}),
        ({"start": "2026-12-09", "end": "2026-12-09T22:00"}, "problem.not_local_time",
         {"value": "2026-12-09"}),
        ({"end": "2026-12-09T22:00"}, "problem.end_without_start", {}),
        ({"start": "2026-12-09T18:00", "end": "2026-12-09T20:00", "hours": 5},
         "problem.hours_exceed_window", {"hours": 5, "window": 2}),
        ({"start": "2026-12-09T18:00"}, "problem.needs_end_or_hours", {}),
    ]  # fmt: skip
    for k, (extra, code, params) in enumerate(cases):
        body = {**SHIFT, "id": f"E{k}", **extra}
        if "end" not in extra:
            body.pop("end", None)
        r = client.post(f"{D}/demands", json=body, headers=h)
        assert r.status_code == 422, (extra, r.text)
        (e,) = r.json()["errors"]
        assert (e["code"], e["params"]) == (code, params), (extra, e)
        # a hint a person reads is coded too (the console shows it in zh beside the field)
        assert e["hint"] is None or e["hint_code"] is not None, (extra, e)
    r = client.get(f"{D}/cadres/P4", headers=h).json()
    body = {k: r[k] for k in ("name", "home", "skills", "certs", "capacity", "status")}
    body["version"] = r["version"]
    fields = [({"available": "mon 21:00-18:00"}, "problem.window_backwards"),
              ({"away": "2026-12-14..2026-12-10"}, "problem.away_backwards")]  # fmt: skip
    for extra, code in fields:
        r2 = client.put(f"{D}/cadres/P4", json={**body, **extra}, headers=h)
        assert r2.status_code == 422, r2.text
        assert r2.json()["errors"][0]["code"] == code, r2.text


def test_a_reversed_horizon_is_its_own_code(client: TestClient, tokens: Tokens) -> None:
    body = {"from": "2026-12-09", "to": "2026-12-08"}
    r = client.post(f"{D}/proposals", json=body, headers=tokens.h("dispatcher"))
    assert r.status_code == 422, r.text
    got = r.json()
    assert (got["code"], got["params"]) == (
        "horizon.reversed", {"first": "2026-12-09", "last": "2026-12-08"})  # fmt: skip
    assert got["detail"] == "the horizon starts on 2026-12-09, after it ends on 2026-12-08:" \
        " give the first day first"  # fmt: skip


def test_horizon_details_are_the_english_renderings_of_their_codes(
    client: TestClient, tokens: Tokens
) -> None:
    from matcher.messages import Message, render

    for body in ({"from": "2026-12-09", "to": "2026-12-08"},
                 {"from": "2026-12-01", "to": "2027-02-01"}):  # fmt: skip
        r = client.post(f"{D}/proposals", json=body, headers=tokens.h("dispatcher"))
        got = r.json()
        assert r.status_code == 422 and got["code"].startswith("horizon."), r.text
        assert got["detail"] == render(Message(code=got["code"], params=got["params"]), "en")


def test_dates_outside_the_years_are_422_and_a_long_window_still_proposes(
    client: TestClient, tokens: Tokens
) -> None:
    """A work order in year 9999 used to be stored, then every proposal and scenario
    of the district failed (its ISO weeks ran past the last date Python holds)."""
    h = tokens.h("admin")
    for k, (start, end) in enumerate((("9999-12-31T23:00", "9999-12-31T23:59"),
                                      ("1800-01-01T09:00", "1800-01-01T10:00"),
                                      ("2026-12-08T09:00", "9999-12-31T23:59"))):  # fmt: skip
        body = {**SHIFT, "id": f"Y{k}", "start": start, "end": end, "hours": 10}
        r = client.post(f"{D}/demands", json=body, headers=h)
        assert r.status_code == 422, r.text
        codes = {e["code"] for e in r.json()["errors"]}
        assert codes == {"problem.year_range"}, r.text
    assert client.get(f"{D}/demands/Y0", headers=h).status_code == 404
    # the last year allowed: a window of nearly two centuries still proposes
    body = {**SHIFT, "id": "Y9", "start": "2026-12-08T09:00", "end": "2200-12-31T23:59",
            "hours": 10}  # fmt: skip
    assert client.post(f"{D}/demands", json=body, headers=h).status_code == 201
    r = client.post(f"{D}/proposals", json={}, headers=tokens.h("dispatcher"))
    assert r.status_code in (201, 202), r.text
    r = client.post(f"{D}/scenarios", json={"name": "x", "edits": []}, headers=tokens.h("planner"))
    assert r.status_code == 200, r.text


def test_a_demands_hours_have_one_limit_and_one_code_in_bodies_and_files(
    client: TestClient, tokens: Tokens
) -> None:
    """8784 hours (a leap year's) pass in a body and in a demands.csv import; more is
    problem.hours_between with the same params in both, 0 problem.hours_positive."""
    h = tokens.h("admin")
    ok = {**SHIFT, "id": "Y0", "hours": 8784}
    r = client.post(f"{D}/demands", json=ok, headers=h)
    assert r.status_code == 201 and r.json()["hours"] == 8784, r.text
    csv = "id,community,title,needs,requires,certs,headcount,priority,hours\n"
    row = "{},C1,长期走访,urban.elevator_retrofit:2,,,1,3,{}\n"
    r = client.post(f"{D}/demands/import", json={"csv": csv + row.format("Y1", 8784)}, headers=h)
    assert r.status_code == 200, r.text
    between = ("problem.hours_between", {"field": "hours", "max": 8784})
    for hours, (code, params) in [(8784.5, between), (10000, between), (-1, between),
                                  (0, ("problem.hours_positive", {}))]:  # fmt: skip
        r = client.post(f"{D}/demands", json={**SHIFT, "id": "Y2", "hours": hours}, headers=h)
        assert r.status_code == 422, (hours, r.text)
        (e,) = r.json()["errors"]
        assert (e["pointer"], e["code"], e["params"]) == ("/body/hours", code, params), e
        r = client.post(
            f"{D}/demands/import", json={"csv": csv + row.format("Y2", hours)}, headers=h
        )
        assert r.status_code == 422, (hours, r.text)
        (e,) = r.json()["errors"]
        assert (e["column"], e["code"], e["params"]) == ("hours", code, params), e
    # a PUT is held to it too
    r = client.get(f"{D}/demands/Y0", headers=h).json()
    body = {k: r[k] for k in ("id", "community", "title", "needs", "version")} | {"hours": 9000}
    r = client.put(f"{D}/demands/Y0", json=body, headers=h)
    assert r.status_code == 422 and r.json()["errors"][0]["code"] == "problem.hours_between"


def test_rows_stored_before_the_years_rule_still_read(
    client: TestClient, tokens: Tokens, store: Store
) -> None:
    """Away days and windows outside 1900–2200 stored before the rule existed are read,
    shown and replaced, never a 500; only new input is refused."""
    h = tokens.h("admin")
    with store.write() as tx:
        tx.conn.execute(
            update(t.cadres)
            .where(t.cadres.c.district_id == "d1", t.cadres.c.id == "P4")
            .values(away="2300-01-01")
        )
    assert client.get(f"{D}/cadres", headers=h).status_code == 200
    r = client.get(f"{D}/cadres/P4", headers=h)
    assert r.status_code == 200 and r.json()["away"] == "2300-01-01"
    assert client.post(f"{D}/proposals", json={}, headers=tokens.h("dispatcher")).status_code == 201
    body = {k: r.json()[k] for k in ("name", "home", "skills", "certs", "capacity", "status")}
    r = client.put(f"{D}/cadres/P4", json={**body, "away": None, "version": r.json()["version"]},
                   headers=h)  # fmt: skip
    assert r.status_code == 200, r.text
