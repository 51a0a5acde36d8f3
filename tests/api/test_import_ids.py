"""One id rule for CSV cells, JSON bodies and URL paths (matcher.model.id_problem)."""

from __future__ import annotations

import io
from pathlib import Path
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st

from api import Settings, create_app
from matcher import InputError, load_case
from matcher.io.cells import write_rows
from matcher.model import DISTRICT_ID_MAX_LENGTH, ID_MAX_LENGTH
from matcher.store import Store
from tests.api.tokens import Tokens

HEADER = ["id", "name", "home", "skills", "certs", "capacity", "status", "max_travel_km"]
TABLE = [
    "P1",
    "a" * ID_MAX_LENGTH,
    "a" * (ID_MAX_LENGTH + 1),
    "x" * 10_000,
    "a.b-c_d",
    "-P1",
    "P 1",
    "张三",
    "a/b",
    "a%2Fb",
    "'=1",
    "P1\n",
]
ids = st.one_of(
    st.sampled_from(TABLE),
    st.from_regex(r"[A-Za-z0-9][A-Za-z0-9_.\-]{100,140}", fullmatch=True),
    st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=12),
).filter(lambda s: s == s.strip())  # a CSV cell is trimmed; JSON and paths are not


def _csv(cadre_id: str) -> str:
    buf = io.StringIO()
    write_rows(buf, [HEADER, [cadre_id, "名字", "C1", "", "", "1", "green", ""]])
    return buf.getvalue()


def test_csv_json_and_paths_agree_on_ids(tmp_path: Path, tiny_case_dir: Path) -> None:
    store = Store.open(tmp_path / "ids.db")
    case = load_case(tiny_case_dir)
    with store.write() as tx:
        tx.import_case("viacsv", case)
        tx.import_case("viajson", case)
        h = {"Authorization": f"Bearer {tx.create_token('admin')[0]}"}
    app = create_app(Settings(db=str(tmp_path / "unused.db")), store=store)
    with TestClient(app) as client:

        @given(ids)
        def check(cadre_id: str) -> None:
            r_csv = client.post(
                "/v1/districts/viacsv/cadres/import", json={"csv": _csv(cadre_id)}, headers=h
            )
            body = {"id": cadre_id, "name": "名字", "home": "C1"}
            r_json = client.post("/v1/districts/viajson/cadres", json=body, headers=h)
            assert r_csv.status_code in (200, 422), r_csv.text
            assert r_json.status_code in (201, 409, 422), r_json.text  # 409: seen before
            by_csv, by_json = r_csv.status_code == 200, r_json.status_code != 422
            assert by_csv == by_json, (cadre_id, r_csv.json(), r_json.json())
            path = quote(cadre_id, safe="")
            for district in ("viacsv", "viajson"):
                got = client.get(f"/v1/districts/{district}/cadres/{path}", headers=h)
                if by_csv:
                    assert got.status_code == 200 and got.json()["id"] == cadre_id
                else:
                    assert got.status_code in (404, 422)
            if not by_csv:
                (err,) = [e for e in r_csv.json()["errors"] if e["column"] == "id"]
                assert err["row"] == 2

        check()
    store.close()


@pytest.mark.parametrize(
    ("district", "ok"),
    [("d" * DISTRICT_ID_MAX_LENGTH, True), ("d" * (DISTRICT_ID_MAX_LENGTH + 1), False)],
)
def test_district_ids_follow_the_same_rule(
    client: TestClient, tokens: Tokens, store: Store, district: str, ok: bool
) -> None:
    h = tokens.h("admin")
    r = client.post("/v1/districts", json={"id": district, "name": "n"}, headers=h)
    assert r.status_code == (201 if ok else 422)
    assert client.get(f"/v1/districts/{district}", headers=h).status_code == (200 if ok else 422)
    with store.write() as tx:  # `matcher import --district` goes through the store
        if ok:
            assert tx.district(district).id == district
        else:
            with pytest.raises(InputError):
                tx.create_district(district, "n")
