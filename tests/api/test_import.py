"""CSV imports: validated outside the write lock, bounded error lists, the PUT guard,
413 before parsing, and no server path in any message."""

from __future__ import annotations

import dataclasses
import json
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import delete, update

from api import Settings, create_app
from matcher import CaseError, Community, load_case
from matcher.io import MAX_PROBLEMS
from matcher.store import ConflictError, Store, apply_import, plan_import
from matcher.store import schema as t
from tests.api.casefile import CADRES, DEMANDS
from tests.api.importtrace import BIG, Trace, between
from tests.api.tokens import Tokens

D1 = "/v1/districts/d1"
D2 = "/v1/districts/d2"
HEADER = CADRES.splitlines()[0]


@pytest.fixture
def big_client(store: Store, tmp_path: Path) -> Iterator[TestClient]:
    """The app with the default body limit (the shared client's is 64 KiB)."""
    with TestClient(create_app(Settings(db=str(tmp_path / "unused.db")), store=store)) as c:
        yield c


def _cadres(n: int, *, bad_every: int = 0, home: str = "C1") -> str:
    rows = []
    for k in range(n):
        capacity = "many" if bad_every and k % bad_every == 0 else "1"
        rows.append(f"Q{k},名字{k},{home},urban.elevator_retrofit:3,,{capacity},green,")
    return "\n".join([HEADER, *rows]) + "\n"


def _accept_all(client: TestClient, h: dict[str, str], district: str = D1) -> None:
    pid = client.post(f"{district}/proposals", json={}, headers=h).json()["id"]
    assert client.post(f"{district}/proposals/{pid}/accept", json={}, headers=h).status_code == 201


# ------------------------------------------------------------------ bounded errors
def test_error_list_is_capped_with_the_total(big_client: TestClient, tokens: Tokens) -> None:
    n = 3000
    r = big_client.post(
        f"{D1}/cadres/import", json={"csv": _cadres(n, bad_every=2)}, headers=tokens.h("admin")
    )
    assert r.status_code == 422
    body = r.json()
    assert body["problems_total"] == n // 2
    assert len(body["errors"]) == MAX_PROBLEMS
    assert [e["row"] for e in body["errors"]] == [2 + 2 * k for k in range(MAX_PROBLEMS)]
    assert f"the first {MAX_PROBLEMS} of {n // 2}" in body["detail"]
    assert big_client.get(f"{D1}/cadres", headers=tokens.h("admin")).json()["count"] == 6


def test_small_error_list_has_its_total(client: TestClient, tokens: Tokens) -> None:
    bad = CADRES.replace(",2,green", ",x,green").replace("P2,李四,C2", "P2,李四,C9")
    r = client.post(f"{D1}/cadres/import", json={"csv": bad}, headers=tokens.h("dispatcher"))
    assert r.status_code == 422
    assert r.json()["problems_total"] == len(r.json()["errors"]) == 2
    assert r.json()["detail"] == "cadres.csv: 2 problem(s)"


# ------------------------------------------------------------------ no server paths
@pytest.mark.parametrize(
    ("route", "text"),
    [
        ("cadres", CADRES.replace(",2,green", ",x,green")),
        ("cadres", "id,name\nX,y\n"),
        ("demands", DEMANDS.replace("D2,C2", "D2,C77")),
        ("communities", "id,name,street,lat,lon\nC9,n,s,north,1\n"),
        ("communities", ""),
    ],
)
def test_import_errors_name_no_server_path(
    client: TestClient, tokens: Tokens, route: str, text: str
) -> None:
    r = client.post(f"{D1}/{route}/import", json={"csv": text}, headers=tokens.h("dispatcher"))
    assert r.status_code == 422
    raw = r.text
    for path in {tempfile.gettempdir(), "/tmp", "/var/", "matcher-csv", "matcher-tax"}:
        assert path not in raw, raw
    assert r.json()["detail"].startswith(f"{route}.csv: ")


def test_bad_district_taxonomy_names_no_server_path(client: TestClient, tokens: Tokens) -> None:
    body = {"id": "d9", "name": "nine", "taxonomy_toml": "[[categories]]\nslug = 3\n"}
    r = client.post("/v1/districts", json=body, headers=tokens.h("admin"))
    assert r.status_code == 422
    assert tempfile.gettempdir() not in r.text and "matcher-tax" not in r.text
    assert "taxonomy.toml" in r.text


# ------------------------------------------------------------------ size limit
def test_oversized_import_is_413_before_parsing(client: TestClient, tokens: Tokens) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"csv": "' + HEADER.encode() + b"\\n"
        for _ in range(20):
            yield b"x" * 8192  # never valid JSON: a parse would answer 422, not 413

    h = tokens.h("dispatcher") | {"Content-Type": "application/json"}
    r = client.post(f"{D1}/cadres/import", content=chunks(), headers=h)
    assert r.status_code == 413
    assert r.headers["content-type"] == "application/problem+json"


# ------------------------------------------------------------------ the PUT guard
def test_import_refuses_capacity_below_active_dispatches(
    client: TestClient, tokens: Tokens
) -> None:
    h = tokens.h("dispatcher")
    _accept_all(client, h)
    p1 = client.get(f"{D1}/cadres/P1", headers=h).json()
    assert p1["active_dispatches"] == 2
    # P1 down to capacity 1 (row 2), and a valid new cadre that must not be written
    text = CADRES.replace(",constructor,2,green", ",constructor,1,green") + (
        "Q1,新人,C3,livelihood.elderly_care:2,,1,green,3\n"
    )
    r = client.post(f"{D1}/cadres/import", json={"csv": text}, headers=h)
    assert r.status_code == 409
    assert r.json()["changes"] == [
        {"cadre": "P1", "field": "capacity", "value": 1, "active_dispatches": 2, "row": 2}
    ]
    assert "P1" in r.json()["detail"] and "row 2" in r.json()["detail"]
    assert client.get(f"{D1}/cadres/Q1", headers=h).status_code == 404
    assert client.get(f"{D1}/cadres/P1", headers=h).json()["capacity"] == 2
    # every offending row is listed, in file order
    busy = {
        c["id"]: c["active_dispatches"]
        for c in client.get(f"{D1}/cadres", headers=h).json()["data"]
    }
    zero = "\n".join(
        [
            HEADER,
            *(
                ",".join([*line.split(",")[:5], "0", *line.split(",")[6:]])
                for line in CADRES.splitlines()[1:]
            ),
        ]
    )
    r = client.post(f"{D1}/cadres/import", json={"csv": zero + "\n"}, headers=h)
    assert r.status_code == 409
    expected = [(f"P{k}", k + 1, busy[f"P{k}"]) for k in range(1, 7) if busy[f"P{k}"]]
    assert [(c["cadre"], c["row"], c["active_dispatches"]) for c in r.json()["changes"]] == expected
    assert r.json()["detail"].startswith(f"{len(expected)} cadres would get a capacity below")
    # PUT answers with the same check
    put = {k: v for k, v in p1.items() if k not in ("id", "version", "active_dispatches")}
    r = client.put(f"{D1}/cadres/P1", json=put | {"capacity": 1}, headers=h)
    assert r.status_code == 409
    assert r.json()["changes"] == [
        {"cadre": "P1", "field": "capacity", "value": 1, "active_dispatches": 2}
    ]


def test_import_refuses_headcount_below_filled(client: TestClient, tokens: Tokens) -> None:
    h = tokens.h("dispatcher")
    _accept_all(client, h)
    filled = {d["id"]: d["filled"] for d in client.get(f"{D1}/demands", headers=h).json()["data"]}
    assert filled["D1"] == 2
    text = DEMANDS.replace(",2,5", ",1,5")  # D1: headcount 2 → 1
    r = client.post(f"{D1}/demands/import", json={"csv": text}, headers=h)
    assert r.status_code == 409
    assert r.json()["changes"] == [
        {"demand": "D1", "field": "headcount", "value": 1, "filled": 2, "row": 2}
    ]
    assert client.get(f"{D1}/demands/D1", headers=h).json()["headcount"] == 2
    # raising it is fine, and lists every other row as unchanged
    r = client.post(
        f"{D1}/demands/import", json={"csv": DEMANDS.replace(",2,5", ",3,5")}, headers=h
    )
    assert r.status_code == 200 and r.json()["demands_updated"] == 1


# ------------------------------------------------------------------ idempotency
def test_replayed_import_is_not_validated_again(
    client: TestClient, tokens: Tokens, monkeypatch: pytest.MonkeyPatch
) -> None:
    from matcher.store import imports

    calls = []
    original = imports.load_table
    monkeypatch.setattr(imports, "load_table", lambda *a, **k: calls.append(1) or original(*a, **k))
    h = tokens.h("dispatcher") | {"Idempotency-Key": "csv-1"}
    text = _cadres(3)
    first = client.post(f"{D1}/cadres/import", json={"csv": text}, headers=h)
    again = client.post(f"{D1}/cadres/import", json={"csv": text}, headers=h)
    assert first.status_code == again.status_code == 200
    assert again.headers["Idempotent-Replay"] == "true"
    assert again.json() == first.json() == first.json() | {"cadres_created": 3}
    assert len(calls) == 1


# ------------------------------------------------------------------ outside the write lock
def test_other_writes_go_on_while_an_import_is_checked(
    big_client: TestClient, tokens: Tokens, monkeypatch: pytest.MonkeyPatch
) -> None:
    trace = Trace(pause_for=3, timeout=60)
    trace.install(monkeypatch.setattr)
    text = _cadres(3000)  # good: it is written, after its validation
    assert len(text) > BIG
    answer: dict[str, object] = {}

    def a() -> None:
        r = big_client.post(f"{D1}/cadres/import", json={"csv": text}, headers=tokens.h("admin"))
        answer["status"], answer["body"] = r.status_code, r.json()

    thread = threading.Thread(target=a)
    thread.start()
    codes: list[httpx.Response] = []
    k = 0
    while thread.is_alive() or k < 3:
        body = {"id": f"B{k}", "community": "C1", "title": "t", "headcount": 1}
        codes.append(big_client.post(f"{D2}/demands", json=body, headers=tokens.h("other")))
        k += 1
    thread.join()
    failed = [(r.status_code, r.text) for r in codes if r.status_code != 201]
    assert failed == [], failed[:3]
    assert answer["status"] == 200, answer
    assert answer["body"] == answer["body"] | {"cadres_created": 3000}  # type: ignore[operator]
    names = [n for n, _ in trace.events]
    assert "validate-timeout" not in names and "validate-inside-write" not in names
    during = between(trace.events, "validate-start", "validate-end")
    assert sum(n == "write-commit" for n, _ in during) >= 3
    # A's own write transaction begins after its validation ended: the next thing it does
    end = names.index("validate-end")
    a_thread = trace.events[end][1]
    after = [n for n, who in trace.events[end + 1 :] if who == a_thread]
    assert after[:2] == ["write-locked", "write-commit"]


# ------------------------------------------------------------------ re-checks in the write
def test_a_row_changed_meanwhile_is_compared_again(store: Store) -> None:
    plan = plan_import(store, "d1", "cadres.csv", CADRES)  # equal to the stored rows
    assert not plan.values
    with store.write() as tx:  # meanwhile someone edits P2
        p2 = next(c for c in tx.case("d1").cadres if c.id == "P2")
        tx.update_cadre("d1", dataclasses.replace(p2, capacity=p2.capacity + 1))
    with store.write() as tx:
        assert apply_import(tx, plan) == {"cadres_updated": 1}  # P2 back to the file's value
        assert tx.cadre("d1", "P2").capacity == p2.capacity


def test_dispatches_made_meanwhile_are_guarded(
    client: TestClient, tokens: Tokens, store: Store
) -> None:
    text = CADRES.replace(",constructor,2,green", ",constructor,1,green")  # P1: 2 → 1
    plan = plan_import(store, "d1", "cadres.csv", text)
    _accept_all(client, tokens.h("dispatcher"))  # P1 now holds 2 dispatches
    with pytest.raises(ConflictError) as info, store.write() as tx:
        apply_import(tx, plan)
    assert info.value.changes[0]["cadre"] == "P1"
    with store.read() as tx:
        assert tx.cadre("d1", "P1").capacity == 2


def test_taxonomy_or_communities_changed_meanwhile(store: Store) -> None:
    with store.write() as tx:
        tx.create_community("d1", Community("C4", "新社区", "街道", 32.0, 118.7))
    plan = plan_import(store, "d1", "cadres.csv", _cadres(2, home="C4"))
    with store.write() as tx:  # no route removes a community today; the write must not trust it
        tx.conn.execute(
            delete(t.communities).where(
                t.communities.c.district_id == "d1", t.communities.c.id == "C4"
            )
        )
    with (
        pytest.raises(ConflictError, match="removed while it was checked") as e,
        store.write() as tx,
    ):
        apply_import(tx, plan)
    assert e.value.code == "conflict.import_communities_gone"
    assert e.value.params == {"count": 1, "file": "cadres.csv", "district": "d1"}
    plan = plan_import(store, "d1", "cadres.csv", _cadres(2))
    with store.write() as tx:
        tx.conn.execute(
            update(t.districts)
            .where(t.districts.c.id == "d1")
            .values(policy_toml='timezone = "Europe/Berlin"\n')
        )
    with pytest.raises(ConflictError, match="time zone") as e, store.write() as tx:
        apply_import(tx, plan)
    assert e.value.code == "conflict.import_timezone_changed"
    assert e.value.params == {"file": "cadres.csv", "district": "d1"}
    plan = plan_import(store, "d2", "cadres.csv", _cadres(2))
    with store.write() as tx:
        tx.conn.execute(
            update(t.districts).where(t.districts.c.id == "d2").values(taxonomy_toml="x = 1")
        )
    with pytest.raises(ConflictError, match="taxonomy") as e, store.write() as tx:
        apply_import(tx, plan)
    assert e.value.code == "conflict.import_taxonomy_changed"
    assert e.value.params == {"file": "cadres.csv", "district": "d2"}


def test_validation_needs_no_write_transaction(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_write(_: Store) -> None:
        raise AssertionError("planning took the write lock")

    monkeypatch.setattr(Store, "write", no_write)
    with pytest.raises(CaseError):
        plan_import(store, "d1", "cadres.csv", _cadres(10, bad_every=3))
    plan = plan_import(store, "d1", "cadres.csv", _cadres(10))
    assert len(plan.values) == 10
    assert json.dumps(sorted(plan.values))  # plain data, ready for the write


def test_case_import_has_the_same_guard(
    client: TestClient, tokens: Tokens, store: Store, tiny_case_dir: Path
) -> None:
    """`matcher import` (Tx.import_case) into a district with dispatches."""
    _accept_all(client, tokens.h("dispatcher"))
    case = load_case(tiny_case_dir)
    lower = dataclasses.replace(
        case, cadres=tuple(dataclasses.replace(c, capacity=0) for c in case.cadres)
    )
    with pytest.raises(ConflictError, match="capacity"), store.write() as tx:
        tx.import_case("d1", lower)
    with store.read() as tx:
        assert tx.cadre("d1", "P1").capacity == 2


def test_validate_csv_still_judges_text_in_a_transaction(store: Store) -> None:
    with store.read() as tx:
        assert [c.id for c in tx.validate_csv("d1", "cadres.csv", CADRES).cadres][:2] == [
            "P1",
            "P2",
        ]
        with pytest.raises(CaseError) as info:
            tx.validate_csv("d1", "demands.csv", DEMANDS.replace("D2,C2", "D2,C77"))
    assert info.value.args[0] == "demands.csv: 1 problem(s)"
