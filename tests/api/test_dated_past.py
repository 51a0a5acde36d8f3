"""A dated order whose start is before the district's now is refused at the edge
(422 ``problem.start_past``), by POST, PUT, PATCH and the CSV import alike: a shift
already begun cannot be staffed, and the next proposal would otherwise send people to it."""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient

from matcher.messages import Message, render
from tests.api.tokens import Tokens
from tests.clock import SHANGHAI, set_clock

D = "/v1/districts/d1"
SHIFT = {"community": "C1", "title": "楼道清理", "needs": {"urban.elevator_retrofit": 2},
         "headcount": 2}  # fmt: skip
#: the district's now in these tests: 10:15 in Shanghai on 7 December 2026
NOW = dt.datetime(2026, 12, 7, 10, 15, 30, tzinfo=SHANGHAI)
CSV = "id,community,title,needs,requires,certs,headcount,priority,start,end\n"


def _past(e: dict[str, object], start: str) -> None:
    assert (e["code"], e["column"], e["params"]) == (
        "problem.start_past", "start", {"start": start, "now": "2026-12-07T10:15"})  # fmt: skip
    zh = render(Message(code="problem.start_past", params=e["params"]), "zh")  # type: ignore[arg-type]
    assert start in zh and "2026-12-07T10:15" in zh and "早于" in zh


def test_a_past_start_is_refused_by_every_write_and_nothing_is_written(
    client: TestClient, tokens: Tokens, monkeypatch: pytest.MonkeyPatch
) -> None:
    set_clock(monkeypatch, NOW)
    h = tokens.h("admin")
    # POST: the tester's 2020 order, and one that began a minute ago
    for did, start, end in (("D9001", "2020-01-01T09:00", "2020-01-01T12:00"),
                            ("D9002", "2026-12-07T10:14", "2026-12-07T12:00")):  # fmt: skip
        r = client.post(f"{D}/demands", json={**SHIFT, "id": did, "start": start, "end": end},
                        headers=h)  # fmt: skip
        assert r.status_code == 422, r.text
        (e,) = r.json()["errors"]
        _past(e, start)
        assert client.get(f"{D}/demands/{did}", headers=h).status_code == 404
    # starting now, or later, is accepted
    ok = {**SHIFT, "id": "D9003", "start": "2026-12-07T10:16", "end": "2026-12-07T12:00"}
    r = client.post(f"{D}/demands", json=ok, headers=h)
    assert r.status_code == 201, r.text
    before = r.json()
    # PATCH and PUT moving it into the past
    moved = {"start": "2026-12-06T09:00", "end": "2026-12-06T12:00"}
    r = client.patch(f"{D}/demands/D9003", json=moved, headers=h)
    assert r.status_code == 422, r.text
    _past(r.json()["errors"][0], "2026-12-06T09:00")
    put = {k: v for k, v in before.items() if k not in ("status", "filled", "recurring")}
    r = client.put(f"{D}/demands/D9003", json={**put, **moved}, headers=h)
    assert r.status_code == 422, r.text
    # the CSV import: the row named, nothing written
    text = (
        CSV
        + "D9004,C1,楼道清理,urban.elevator_retrofit:2,,,1,3,2026-12-08T09:00,2026-12-08T10:00\n"
    )
    text += "D9005,C1,楼道清理,urban.elevator_retrofit:2,,,1,3,2020-01-01T09:00,2020-01-01T12:00\n"
    r = client.post(f"{D}/demands/import", json={"csv": text}, headers=h)
    assert r.status_code == 422, r.text
    (e,) = r.json()["errors"]
    assert e["row"] == 3
    _past(e, "2020-01-01T09:00")
    assert client.get(f"{D}/demands/D9004", headers=h).status_code == 404
    assert client.get(f"{D}/demands/D9003", headers=h).json() == before


def test_an_order_that_has_begun_may_still_be_edited_if_its_start_stays(
    client: TestClient, tokens: Tokens, monkeypatch: pytest.MonkeyPatch
) -> None:
    h = tokens.h("admin")
    set_clock(monkeypatch, NOW - dt.timedelta(days=1))
    body = {**SHIFT, "id": "D9010", "start": "2026-12-07T09:00", "end": "2026-12-07T12:00"}
    assert client.post(f"{D}/demands", json=body, headers=h).status_code == 201
    set_clock(monkeypatch, NOW)  # it began at 09:00; its title is corrected at 10:15
    r = client.patch(f"{D}/demands/D9010", json={"title": "楼道清理（三号楼）"}, headers=h)
    assert r.status_code == 200, r.text
    # re-importing it unchanged passes too
    text = CSV + "D9010,C1,楼道清理（三号楼）,urban.elevator_retrofit:2,,,2,3,2026-12-07T09:00,"
    text += "2026-12-07T12:00\n"
    r = client.post(f"{D}/demands/import", json={"csv": text}, headers=h)
    assert r.status_code == 200, r.text


def test_a_begun_order_is_not_reopened(
    client: TestClient, tokens: Tokens, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Reopening asks for a demand to be staffed again: a shift that has begun is refused
    (its stored start is checked as a new one would be), one still ahead is reopened."""
    h = tokens.h("admin")
    set_clock(monkeypatch, NOW - dt.timedelta(days=1))
    for did, day in (("D9020", "2026-12-07"), ("D9021", "2026-12-08")):
        body = {**SHIFT, "id": did, "start": f"{day}T09:00", "end": f"{day}T12:00"}
        assert client.post(f"{D}/demands", json=body, headers=h).status_code == 201
        r = client.post(f"{D}/demands/{did}/close", json={"outcome": "cancelled"}, headers=h)
        assert r.status_code == 200, r.text
    set_clock(monkeypatch, NOW)  # D9020 began at 09:00 today
    r = client.post(f"{D}/demands/D9020/reopen", headers=h)
    assert r.status_code == 422, r.text
    _past(r.json()["errors"][0], "2026-12-07T09:00")
    assert client.get(f"{D}/demands/D9020", headers=h).json()["status"] == "cancelled"
    r = client.post(f"{D}/demands/D9021/reopen", headers=h)
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "open"
