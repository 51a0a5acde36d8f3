"""Request bodies take JSON types at their word: no ``true`` or ``"3"`` for a number.

One table over every route that takes a body: a valid body, then the same body
with one member given a value of the wrong JSON type. The valid body must pass
validation (whatever the route then answers), the wrong one must be a 422
pointing at that member, and nothing may be written.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api import Settings, create_app
from matcher import load_case
from matcher.store import Store
from tests.api.tokens import Tokens, make_tokens
from tests.pg import PgServer

V = "/v1/districts/d1"
CADRE = {"name": "周九", "home": "C2", "skills": {"urban.elevator_retrofit": 3}, "capacity": 1}
DEMAND = {"community": "C1", "title": "议事", "needs": {"livelihood.elderly_care": 2}}
COMMUNITY = {"id": "C9", "name": "新社区", "street": "某街道", "lat": 32.0, "lon": 118.7}
PAIR = {"cadre": "P1", "demand": "D1"}

# (method, path, role, valid body, pointer into it, a value of the wrong JSON type)
CASES: list[tuple[str, str, str, dict[str, Any], tuple[str | int, ...], Any]] = [
    ("POST", "/v1/districts", "admin", {"id": "d9", "name": "九区"}, ("name",), 9),
    ("POST", f"{V}/communities", "dispatcher", COMMUNITY, ("lat",), True),
    ("POST", f"{V}/communities", "dispatcher", COMMUNITY, ("lat",), "32.0"),
    ("POST", f"{V}/communities", "dispatcher", COMMUNITY, ("lon",), False),
    ("POST", f"{V}/cadres", "dispatcher", CADRE | {"id": "P9"}, ("capacity",), True),
    ("POST", f"{V}/cadres", "dispatcher", CADRE | {"id": "P9"}, ("capacity",), "3"),
    ("POST", f"{V}/cadres", "dispatcher", CADRE | {"id": "P9"}, ("capacity",), 1.5),
    ("POST", f"{V}/cadres", "dispatcher", CADRE | {"id": "P9"}, ("max_travel_km",), "5"),
    ("POST", f"{V}/cadres", "dispatcher", CADRE | {"id": "P9"}, ("max_travel_km",), True),
    (
        "POST",
        f"{V}/cadres",
        "dispatcher",
        CADRE | {"id": "P9"},
        ("skills", "urban.elevator_retrofit"),
        True,
    ),
    ("POST", f"{V}/cadres", "dispatcher", CADRE | {"id": "P9"}, ("status",), 1),
    ("PUT", f"{V}/cadres/P6", "dispatcher", CADRE, ("capacity",), True),
    ("PUT", f"{V}/cadres/P6", "dispatcher", CADRE, ("version",), "1"),
    ("PATCH", f"{V}/cadres/P6", "dispatcher", {"capacity": 2}, ("capacity",), True),
    ("PATCH", f"{V}/cadres/P6", "dispatcher", {"capacity": 2}, ("capacity",), "2"),
    ("PATCH", f"{V}/cadres/P6", "dispatcher", {"max_travel_km": 3}, ("max_travel_km",), "3"),
    ("POST", f"{V}/demands", "dispatcher", DEMAND | {"id": "D9"}, ("headcount",), True),
    ("POST", f"{V}/demands", "dispatcher", DEMAND | {"id": "D9"}, ("priority",), "4"),
    (
        "POST",
        f"{V}/demands",
        "dispatcher",
        DEMAND | {"id": "D9"},
        ("needs", "livelihood.elderly_care"),
        True,
    ),
    ("PUT", f"{V}/demands/D4", "dispatcher", DEMAND, ("headcount",), "2"),
    ("PATCH", f"{V}/demands/D4", "dispatcher", {"priority": 1}, ("priority",), True),
    ("POST", f"{V}/demands/import", "dispatcher", {"csv": "id\n"}, ("csv",), 5),
    ("POST", f"{V}/proposals", "dispatcher", {"pinned": [PAIR]}, ("pinned", 0, "cadre"), True),
    ("POST", f"{V}/proposals/1/accept", "dispatcher", {"assignments": [PAIR]}, ("assignments",), 1),
    ("POST", f"{V}/proposals/1/reject", "dispatcher", {"assignments": [PAIR]}, ("reason",), 7),
    (
        "POST",
        f"{V}/dispatches/1/complete",
        "dispatcher",
        {"hours": 2, "note": "ok"},
        ("note",),
        False,
    ),
    ("POST", f"{V}/dispatches/1/complete", "dispatcher", {"hours": 2}, ("hours",), "2"),
    ("POST", f"{V}/dispatches/1/complete", "dispatcher", {"hours": 2}, ("rating",), "4"),
    ("POST", f"{V}/dispatches/1/complete", "dispatcher", {"hours": 2}, ("exempt",), "yes"),
    ("POST", f"{V}/dispatches/1/cancel", "dispatcher", {"reason": "other"}, ("reason",), 1),
    (
        "POST",
        f"{V}/cadres/P6/points/redeem",
        "admin",
        {"amount": 1, "reason": "x"},
        ("amount",),
        "1",
    ),
    ("POST", f"{V}/scenarios", "planner", {"explain_unfilled": True}, ("explain_unfilled",), 1),
    ("POST", f"{V}/scenarios", "planner", {"explain_unfilled": True}, ("explain_unfilled",), "1"),
    ("POST", "/v1/tokens", "admin", {"role": "admin", "label": "x"}, ("label",), True),
    ("POST", "/v1/tokens", "admin", {"role": "planner", "districts": ["d1"]}, ("districts", 0), 1),
]


def _set(body: dict[str, Any], where: tuple[str | int, ...], value: Any) -> dict[str, Any]:
    """A deep copy of ``body`` with the member at ``where`` replaced."""
    if len(where) == 1:
        return _setkey(body, where[0], value)
    head, rest = where[0], where[1:]
    inner = body[head] if isinstance(body, dict) else body[int(head)]
    return _setkey(body, head, _set(inner, rest, value))


def _setkey(body: Any, key: str | int, value: Any) -> Any:
    if isinstance(body, list):
        out = list(body)
        out[int(key)] = value
        return out
    return {**body, str(key): value}


def _ids(case: tuple[Any, ...]) -> str:
    method, path, _, _, where, value = case
    return f"{method} {path.removeprefix(V)} {'/'.join(map(str, where))}={value!r}"


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])  # ENGINES, tests/conftest.py
def unwritten(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    tiny_case_dir: Path,
) -> Iterator[tuple[TestClient, Tokens]]:
    """One service per engine for the whole table of wrong bodies, as the ``client`` and
    ``tokens`` fixtures make it (tests/api/conftest.py). A wrong body writes nothing (each
    test checks it against the state it read first), so every row sees the store as new,
    as with a store of its own; a row that did write fails there."""
    tmp = tmp_path_factory.mktemp("strict")
    server: PgServer | None = None
    if request.param == "postgresql":
        server = request.getfixturevalue("pg_server")
        db = server.new_url()
    else:
        db = str(tmp / "store.db")
    store = Store.open(db)
    case = load_case(tiny_case_dir)
    with store.write() as tx:
        tx.import_case("d1", case, name="District One")
        tx.import_case("d2", case, name="District Two")
        tokens = make_tokens(tx)
    app = create_app(Settings(db=str(tmp / "unused.db"), max_body_bytes=64 * 1024), store=store)
    try:
        with TestClient(app) as c:
            yield c, tokens
    finally:
        store.close()
        if server is not None:
            server.drop(db)


@pytest.mark.parametrize("case", CASES, ids=[_ids(c) for c in CASES])
def test_wrong_json_type_is_422(
    unwritten: tuple[TestClient, Tokens], case: tuple[Any, ...]
) -> None:
    client, tokens = unwritten
    method, path, role, body, where, value = case
    h = tokens.h(role)
    before = _state(client, tokens)
    r = client.request(method, path, json=_set(body, where, value), headers=h)
    assert r.status_code == 422, r.text
    assert r.headers["content-type"] == "application/problem+json"
    pointer = "/body/" + "/".join(map(str, where))
    assert pointer in {e["pointer"] for e in r.json()["errors"]}, r.json()["errors"]
    assert _state(client, tokens) == before  # nothing written


def _state(client: TestClient, tokens: Tokens) -> list[Any]:
    admin = tokens.h("admin")
    return [
        client.get(url, headers=admin).json()
        for url in (
            "/v1/districts",
            "/v1/tokens",
            f"{V}/communities",
            f"{V}/cadres",
            f"{V}/demands",
            f"{V}/proposals",
        )
    ]


@pytest.mark.parametrize("case", CASES, ids=[_ids(c) for c in CASES])
def test_the_valid_body_passes_validation(
    client: TestClient, tokens: Tokens, case: tuple[Any, ...]
) -> None:
    """The control: each table row's body is refused only for the member it changes."""
    method, path, role, body, _, _ = case
    r = client.request(method, path, json=body, headers=tokens.h(role))
    assert r.status_code != 422 or r.json()["type"].endswith("/invalid-input"), r.text
    assert r.status_code < 500


@pytest.mark.parametrize(("value", "ok"), [(3, True), (3.0, True), (True, False), ("3", False)])
def test_numbers_may_be_integers_but_not_booleans(
    client: TestClient, tokens: Tokens, value: Any, ok: bool
) -> None:
    r = client.patch(
        f"{V}/cadres/P6", json={"max_travel_km": value}, headers=tokens.h("dispatcher")
    )
    assert r.status_code == (200 if ok else 422), r.text
    if ok:
        assert r.json()["max_travel_km"] == 3.0
