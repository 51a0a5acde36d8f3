"""A district whose policy names another time zone: its dated orders' times, sent in a
body or a ``demands.csv``, are read in that zone (the zone the store reads them back
in), not in the default Asia/Shanghai.

Europe/Berlin's clocks go from 02:00 to 03:00 on Sunday 2027-03-28: inside the week
of 2027-03-22, 02:30 that night does not exist there, and 22:00 on the Saturday to
06:00 on the Sunday lasts 7 hours (8 in Shanghai).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from matcher import load_case
from matcher.store import Store
from tests.api.casefile import DEMANDS
from tests.api.tokens import Tokens

B = "/v1/districts/b1"
D = "/v1/districts/d1"
BERLIN = 'timezone = "Europe/Berlin"\n'
SHIFT = {"community": "C1", "title": "夜间值守", "needs": {"urban.elevator_retrofit": 2}}
GAP = {"start": "2027-03-28T02:30", "end": "2027-03-28T05:00"}
ACROSS = {"start": "2027-03-27T22:00", "end": "2027-03-28T06:00"}


@pytest.fixture
def berlin(store: Store, tiny_case_dir: Path) -> str:
    with store.write() as tx:
        tx.import_case("b1", load_case(tiny_case_dir), name="Berlin", policy_toml=BERLIN)
    return B


def _post(client: TestClient, h: dict[str, str], base: str, did: str, extra: object) -> int:
    body = {**SHIFT, "id": did, **extra}  # type: ignore[dict-item]
    return client.post(f"{base}/demands", json=body, headers=h).status_code


def test_a_body_time_is_read_in_the_districts_zone(
    client: TestClient, tokens: Tokens, berlin: str, store: Store
) -> None:
    h = tokens.h("admin")
    # a time Berlin's clocks skip: refused there, fine in Shanghai
    assert _post(client, h, berlin, "G1", GAP) == 422
    assert _post(client, h, D, "G1", GAP) == 201
    # 8 hours of service in a window of 7 real hours (8 in Shanghai)
    assert _post(client, h, berlin, "H1", {**ACROSS, "hours": 8}) == 422
    assert _post(client, h, D, "H1", {**ACROSS, "hours": 8}) == 201
    assert _post(client, h, berlin, "H2", {**ACROSS, "hours": 7}) == 201
    got = client.get(f"{berlin}/demands/H2", headers=h).json()
    assert (got["start"], got["end"], got["hours"]) == (ACROSS["start"], ACROSS["end"], 7.0)
    with store.read() as tx:
        w = next(d for d in tx.case("b1").demands if d.id == "H2").window
    assert w is not None and w.hours == 7.0 and w.start.utcoffset().total_seconds() == 3600  # type: ignore[union-attr]
    # a replace reads in the zone too
    r = client.get(f"{berlin}/demands/H2", headers=h).json()
    body = {k: r[k] for k in ("id", "community", "title", "needs", "version")} | GAP
    assert client.put(f"{berlin}/demands/H2", json=body, headers=h).status_code == 422


def test_a_demands_csv_is_read_in_the_districts_zone(
    client: TestClient, tokens: Tokens, berlin: str
) -> None:
    h = tokens.h("admin")
    head, *rows = DEMANDS.strip().splitlines()
    text = f"{head},start,end\n" + "".join(f"{r},,\n" for r in rows)
    gap = text + f"N1,C1,夜间值守,urban.elevator_retrofit:2,,,1,3,{GAP['start']},{GAP['end']}\n"
    r = client.post(f"{berlin}/demands/import", json={"csv": gap}, headers=h)
    assert r.status_code == 422, r.text
    assert r.json()["errors"][0]["column"] == "start"
    assert client.post(f"{D}/demands/import", json={"csv": gap}, headers=h).status_code == 200


def test_an_unchanged_dated_row_is_not_rewritten(
    store: Store, tiny_case_dir: Path, tmp_path: Path
) -> None:
    """Importing the same Berlin case twice updates nothing: the stored text is read
    back in Berlin's zone before it is compared."""
    case_dir = tmp_path / "case"
    case_dir.mkdir()
    for f in tiny_case_dir.iterdir():
        (case_dir / f.name).write_text(f.read_text(encoding="utf-8"), encoding="utf-8")
    head, *rows = DEMANDS.strip().splitlines()
    text = f"{head},start,end\n" + "".join(f"{r},,\n" for r in rows)
    text += f"N1,C1,夜间值守,urban.elevator_retrofit:2,,,1,3,{ACROSS['start']},{ACROSS['end']}\n"
    (case_dir / "demands.csv").write_text(text, encoding="utf-8")
    (case_dir / "policy.toml").write_text(BERLIN, encoding="utf-8")
    case = load_case(case_dir)
    with store.write() as tx:
        first = tx.import_case("b2", case, policy_toml=BERLIN)
    with store.write() as tx:
        again = tx.import_case("b2", case, policy_toml=BERLIN)
    assert first["demands_created"] == 5
    assert again.get("demands_updated", 0) == 0, again


def test_putting_an_unchanged_dated_demand_back_keeps_its_version(
    client: TestClient, tokens: Tokens, berlin: str
) -> None:
    """The stored window is read back in Berlin's zone before it is compared with the
    body (read in Shanghai's, the same wall times were another instant: a new version)."""
    h = tokens.h("admin")
    for base in (berlin, D):
        assert _post(client, h, base, "S1", ACROSS) == 201
        got = client.get(f"{base}/demands/S1", headers=h).json()
        body = {k: got[k] for k in ("id", "community", "title", "needs", "version", "start", "end")}
        r = client.put(f"{base}/demands/S1", json=body, headers=h)
        assert r.status_code == 200, r.text
        assert r.json()["version"] == 1, base
        assert (r.json()["start"], r.json()["end"]) == (ACROSS["start"], ACROSS["end"])
