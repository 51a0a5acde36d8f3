"""Each district's calendar day is its own, in the time zone its policy names.

At 05:00 UTC on 2026-12-10 it is 13:00 on the 10th in Shanghai (the default district
``d1``) and 21:00 on the 9th in Los Angeles (district ``la``, UTC-8 in December): a
dispatch completed then is booked on the 9th in ``la`` and on the 10th in ``d1``, and
an unavailability "until the 9th" still holds in ``la`` but has lapsed in ``d1``.
The store's clock is set (``tests/clock.py``), so every test sees the same instants.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from matcher import CaseError, InputError, load_case
from matcher.store import Store, apply_outcomes, plan_outcomes
from tests.api.tokens import Tokens
from tests.clock import LOS_ANGELES, SHANGHAI, set_clock

LA = "/v1/districts/la"
SH = "/v1/districts/d1"
#: 10:00 on the 9th in Los Angeles, 02:00 on the 10th in Shanghai
MORNING = dt.datetime(2026, 12, 9, 18, 0, tzinfo=dt.UTC)
#: 21:00 on the 9th in Los Angeles, 13:00 on the 10th in Shanghai
EVENING = dt.datetime(2026, 12, 10, 5, 0, tzinfo=dt.UTC)
#: 12:00 on the 8th in Los Angeles, 04:00 on the 9th in Shanghai
BEFORE = dt.datetime(2026, 12, 8, 20, 0, tzinfo=dt.UTC)
TIMES = (BEFORE, MORNING, EVENING)


@pytest.fixture
def la(store: Store, tiny_case_dir: Path) -> str:
    policy = f'timezone = "{LOS_ANGELES.key}"\n'
    with store.write() as tx:
        tx.import_case("la", load_case(tiny_case_dir), name="Los Angeles", policy_toml=policy)
    return LA


def _p6_dispatch(client: TestClient, h: dict[str, str], base: str) -> int:
    """Accept every pair of a proposal; P6's dispatch (on D3, community C2; P6 lives
    in C3, so the hours are lent from C3 to C2)."""
    pid = client.post(f"{base}/proposals", json={}, headers=h).json()["id"]
    r = client.post(f"{base}/proposals/{pid}/accept", json={}, headers=h)
    assert r.status_code == 201, r.text
    got = client.get(f"{base}/dispatches", params={"cadre": "P6"}, headers=h).json()["data"]
    assert [d["demand"] for d in got] == ["D3"]
    return int(got[0]["id"])


def _booked(client: TestClient, h: dict[str, str], base: str, day: str) -> dict[str, Any]:
    """What the ledger, the report and the points say of ``day``."""
    span = {"from": day, "to": day}
    ledger = client.get(f"{base}/ledger", params=span, headers=h).json()
    report = client.get(f"{base}/report", params=span, headers=h).json()
    points = client.get(f"{base}/cadres/P6/points", headers=h).json()
    c3 = next(c for c in ledger["communities"] if c["id"] == "C3")
    return {
        "ledger": (ledger["dispatches"], c3["lent"]),
        "report": report["by_community"].get("C2", {}).get("completed", 0),
        "points": [e["day"] for e in points["data"]],
    }


def _record(client: TestClient, h: dict[str, str], base: str, day: str) -> int:
    """How many completions P6's record counts as of ``day`` (else the status code)."""
    r = client.get(f"{base}/cadres/P6/record", params={"as_of": day}, headers=h)
    return int(r.json()["completed"]) if r.status_code == 200 else r.status_code


def test_a_completion_is_booked_on_the_districts_day(
    client: TestClient, tokens: Tokens, la: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the premise, read from the zones themselves (not from the store)
    days = [(t.astimezone(LOS_ANGELES).day, t.astimezone(SHANGHAI).day) for t in TIMES]
    assert days == [(8, 9), (9, 10), (9, 10)]
    h = tokens.h("admin")
    set_clock(monkeypatch, MORNING)
    ids = {base: _p6_dispatch(client, h, base) for base in (la, SH)}
    set_clock(monkeypatch, EVENING)  # the evening of the 9th in LA, the 10th in Shanghai
    for base, did in ids.items():
        r = client.post(f"{base}/dispatches/{did}/complete", json={"hours": 3}, headers=h)
        assert r.status_code == 200, r.text
        assert r.json()["closed_at"] == "2026-12-10T05:00:00.000+00:00"  # stamps stay UTC
    on = {"ledger": (1, 3.0), "report": 1}
    off = {"ledger": (0, 0.0), "report": 0}
    # Los Angeles: the 9th
    assert _booked(client, h, la, "2026-12-09") == {**on, "points": ["2026-12-09"]}
    assert _booked(client, h, la, "2026-12-10") == {**off, "points": ["2026-12-09"]}
    # Shanghai, as before: the 10th
    assert _booked(client, h, SH, "2026-12-10") == {**on, "points": ["2026-12-10"]}
    assert _booked(client, h, SH, "2026-12-09") == {**off, "points": ["2026-12-10"]}
    # the growth record: completed on the district's day, none the day before; a
    # record as of a day after the district's today is refused
    assert _record(client, h, la, "2026-12-09") == 1
    assert _record(client, h, la, "2026-12-08") == 0
    assert _record(client, h, la, "2026-12-10") == 422
    assert _record(client, h, SH, "2026-12-10") == 1
    assert _record(client, h, SH, "2026-12-09") == 0
    # the report is made on the district's today
    assert client.get(f"{la}/report", headers=h).json()["made"] == "2026-12-09"
    assert client.get(f"{SH}/report", headers=h).json()["made"] == "2026-12-10"


def test_an_ended_day_is_read_back_as_that_day(
    client: TestClient, tokens: Tokens, la: str, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An outcome given the day it ended (``ended``) is stored at that day's noon in
    the district's zone, so every reading of it finds the same day."""
    h = tokens.h("admin")
    set_clock(monkeypatch, BEFORE)
    ids = {base: _p6_dispatch(client, h, base) for base in (la, SH)}
    set_clock(monkeypatch, EVENING)
    day = dt.date(2026, 12, 9)  # today in LA, yesterday in Shanghai
    with store.write() as tx:
        for base, did in ids.items():
            tx.close_dispatch(base.rsplit("/", 1)[1], did, "complete", hours=2, ended=day)
    for base in (la, SH):
        assert _booked(client, h, base, "2026-12-09") == {
            "ledger": (1, 2.0),
            "report": 1,
            "points": ["2026-12-09"],
        }
        assert _record(client, h, base, "2026-12-09") == 1
        assert _booked(client, h, base, "2026-12-08")["ledger"] == (0, 0.0)
    with store.write() as tx:  # the 10th is after LA's today: refused there only
        for base, cadre in ((la, "P1"), (SH, "P1")):
            did = tx.list_dispatches(base.rsplit("/", 1)[1], cadre=cadre)[0][0].id
            tomorrow = dt.date(2026, 12, 10)
            if base == la:
                with pytest.raises(InputError, match="outcome"):
                    tx.close_dispatch("la", did, "complete", hours=1, ended=tomorrow)
            else:
                tx.close_dispatch("d1", did, "complete", hours=1, ended=tomorrow)


def _until(client: TestClient, h: dict[str, str], base: str, cadre: str) -> str | None:
    got = client.get(f"{base}/cadres/{cadre}", headers=h).json()["unavailable"]
    return None if got is None else str(got["until"])


def test_an_unavailability_until_a_day_holds_through_the_districts_day(
    client: TestClient, tokens: Tokens, la: str, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    h = tokens.h("admin")
    set_clock(monkeypatch, BEFORE)  # the 8th in LA, the 9th in Shanghai
    for base, cadre, until in (
        (la, "P4", "2026-12-08"),  # LA's today
        (la, "P5", "2026-12-09"),
        (SH, "P4", "2026-12-09"),  # Shanghai's today
        (SH, "P5", "2026-12-10"),
    ):
        r = client.put(f"{base}/cadres/{cadre}/unavailable", json={"until": until}, headers=h)
        assert r.status_code == 200, (base, cadre, r.text)
    # a day before the district's today is in the past, whatever Shanghai says
    r = client.put(f"{la}/cadres/P6/unavailable", json={"until": "2026-12-07"}, headers=h)
    assert r.status_code == 422, r.text

    set_clock(monkeypatch, EVENING)  # the 9th in LA, the 10th in Shanghai
    # until LA's yesterday: lapsed; until LA's today: still holds
    assert (_until(client, h, la, "P4"), _until(client, h, la, "P5")) == (None, "2026-12-09")
    # Shanghai unchanged: until its yesterday lapsed, until its today holds
    assert (_until(client, h, SH, "P4"), _until(client, h, SH, "P5")) == (None, "2026-12-10")
    with store.read() as tx:
        assert set(tx.unavailable("la")) == {"P5"}
        assert set(tx.unavailable("d1")) == {"P5"}
    # marking until LA's today is fine there; in Shanghai that day is past
    r = client.put(f"{la}/cadres/P6/unavailable", json={"until": "2026-12-09"}, headers=h)
    assert r.status_code == 200, r.text
    r = client.put(f"{SH}/cadres/P6/unavailable", json={"until": "2026-12-09"}, headers=h)
    assert r.status_code == 422, r.text
    # the calendar's today is LA's: the 9th is unavailable, the 10th free again
    cal = client.get(
        f"{la}/cadres/P5/calendar", params={"from": "2026-12-08", "to": "2026-12-10"}, headers=h
    ).json()
    assert [d["unavailable"] for d in cal["days"]] == [False, True, False]
    assert cal["timezone"] == "America/Los_Angeles"
    # nothing is proposed to a cadre unavailable today
    p = client.post(f"{la}/proposals", json={}, headers=h).json()
    assert "P5" not in {a["cadre"] for a in p["result"]["assignments"]}


def test_outcomes_trainings_and_joining_take_the_districts_day(
    client: TestClient, tokens: Tokens, la: str, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An outcome ending or a training on the 10th is in the future in LA (its today is
    the 9th) and fine in Shanghai; a cadre added now joined on the district's today."""
    h = tokens.h("admin")
    set_clock(monkeypatch, BEFORE)
    ids = {district: _p6_dispatch(client, h, base) for district, base in (("la", la), ("d1", SH))}
    set_clock(monkeypatch, EVENING)
    head = "dispatch,ending,hours,rating,exempt,exempt_reason,cancel_reason,note,ended\n"
    for district, did in ids.items():
        ahead = head + f"{did},completed,2,,,,,,2026-12-10\n"
        if district == "la":
            with pytest.raises(CaseError) as caught:
                plan_outcomes(store, district, ahead)
            assert caught.value.problems[0].code == "problem.date_future"
            plan = plan_outcomes(store, district, head + f"{did},completed,2,,,,,,2026-12-09\n")
        else:
            plan = plan_outcomes(store, district, ahead)
        with store.write() as tx:
            assert apply_outcomes(tx, plan)["completed"] == 1
    with store.write() as tx:
        with pytest.raises(InputError):
            tx.add_training("la", "P1", "电梯安全", 2, dt.date(2026, 12, 10))
        assert tx.add_training("la", "P1", "电梯安全", 2, dt.date(2026, 12, 9)).day == "2026-12-09"
        assert tx.add_training("d1", "P1", "电梯安全", 2, dt.date(2026, 12, 10)).day == "2026-12-10"
    new = {"id": "P9", "name": "周九", "home": "C1", "skills": {"livelihood.elderly_care": 2}}
    for base in (la, SH):
        assert client.post(f"{base}/cadres", json=new, headers=h).status_code == 201
    with store.read() as tx:
        joined = {
            r.district_id: r.joined_on
            for r in tx.conn.execute(
                text("SELECT district_id, joined_on FROM cadres WHERE id = 'P9'")
            )
        }
    assert joined == {"la": "2026-12-09", "d1": "2026-12-10"}
