"""The import routes take the .xlsx workbook itself: the same rows and answers as the CSV
import, problems naming the sheet and row, bad files a 422 (never a 500), nothing written."""

from __future__ import annotations

import io
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import Workbook

from matcher.store import Tx
from tests.api.casefile import CADRES
from tests.api.tokens import Tokens

D1 = "/v1/districts/d1"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _book(text: str, sheet: str = "cadres", *, other: bool = False) -> bytes:
    """A CSV text as a sheet, numbers typed as numbers (what Excel saves)."""
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    for line in text.splitlines():
        ws.append([int(v) if v.isdigit() else v for v in line.split(",")])
    if other:
        wb.create_sheet("notes").append(["not", "this", "one"])
    ws.append([])  # an empty row at the end is ignored
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _post(client: TestClient, h: dict[str, str], data: bytes, route: str = "cadres"):  # type: ignore[no-untyped-def]
    return client.post(f"{D1}/{route}/import", content=data, headers={**h, "Content-Type": XLSX})


def test_a_workbook_imports_like_its_csv(client: TestClient, tokens: Tokens) -> None:
    h = tokens.h("dispatcher")
    changed = CADRES.replace(
        "P6,孙八,C3,livelihood.elderly_care:4", "P6,孙八,C3,livelihood.elderly_care:5"
    )
    added = changed.rstrip("\n") + "\nP7,周九,C1,urban.elevator_retrofit:2,,1,green,\n"
    r = _post(client, h, _book(added, "干部", other=True))
    assert r.status_code == 200, r.text
    assert r.json()["cadres_created"] == 1 and r.json()["cadres_updated"] == 1
    p6 = client.get(f"{D1}/cadres/P6", headers=h).json()
    assert p6["skills"]["livelihood.elderly_care"] == 5
    again = client.post(f"{D1}/cadres/import", json={"csv": added}, headers=h)
    assert again.status_code == 200 and again.json()["cadres_updated"] == 0


def test_one_sheet_of_any_name_is_the_routes_file(client: TestClient, tokens: Tokens) -> None:
    extra = CADRES.rstrip("\n") + "\nP8,吴十,C2,urban.elevator_retrofit:2,,1,green,\n"
    r = _post(client, tokens.h("dispatcher"), _book(extra, "Sheet1"))
    assert r.status_code == 200 and r.json()["cadres_created"] == 1


def test_problems_name_the_sheet_and_row_and_nothing_is_written(
    client: TestClient, tokens: Tokens
) -> None:
    h = tokens.h("dispatcher")
    bad = CADRES.replace(",2,green", ",many,green").replace("P2,李四,C2", "P2,李四,C9")
    r = _post(client, h, _book(bad))
    assert r.status_code == 422
    body = r.json()
    found = {(e["file"], e["row"], e["column"]) for e in body["errors"]}
    assert found == {("[upload.xlsx]cadres", 2, "capacity"), ("[upload.xlsx]cadres", 3, "home")}
    assert body["detail"] == "[upload.xlsx]cadres: 2 problem(s)"
    assert client.get(f"{D1}/cadres/P1", headers=h).json()["capacity"] == 2


def test_not_a_workbook_or_no_such_sheet_is_a_422(client: TestClient, tokens: Tokens) -> None:
    h = tokens.h("dispatcher")
    junk = _post(client, h, b"PK\x03\x04 not really a zip")
    assert junk.status_code == 422
    assert junk.json()["errors"][0]["code"] == "problem.not_xlsx"
    two = _post(client, h, _book(CADRES, "people", other=True))
    assert two.status_code == 422
    err = two.json()["errors"][0]
    assert err["code"] == "problem.sheet_missing" and err["file"] == "[upload.xlsx]cadres"


def test_formula_cells_read_as_the_csv_reads_them(client: TestClient, tokens: Tokens) -> None:
    h = tokens.h("dispatcher")
    text = CADRES.replace("P1,张三", "P1,'=SUM(1)")
    assert _post(client, h, _book(text)).status_code == 200
    assert client.get(f"{D1}/cadres/P1", headers=h).json()["name"] == "=SUM(1)"


def test_without_a_token_a_workbook_is_refused_before_it_is_read(
    client: TestClient, tokens: Tokens
) -> None:
    r = client.post(f"{D1}/cadres/import", content=b"junk", headers={"Content-Type": XLSX})
    assert r.status_code == 401


def test_the_openapi_document_offers_both_bodies(client: TestClient) -> None:
    doc = client.get("/openapi.json").json()
    for route in ("communities", "cadres", "demands"):
        content = doc["paths"][f"/v1/districts/{{district}}/{route}/import"]["post"]["requestBody"][
            "content"
        ]
        assert {"application/json", XLSX} <= set(content)


def test_a_bad_token_or_role_is_refused_before_the_workbook_is_read(
    client: TestClient, tokens: Tokens
) -> None:
    junk = b"PK\x03\x04 not really a workbook"
    assert _post(client, {"Authorization": "Bearer nope"}, junk).status_code == 401
    assert _post(client, tokens.h("analyst"), junk).status_code == 403


def test_a_stray_cell_far_below_or_a_broken_sheet_is_a_422(
    client: TestClient, tokens: Tokens
) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "cadres"
    for line in CADRES.splitlines():
        ws.append(line.split(","))
    ws["XFD50000"] = "stray"
    buf = io.BytesIO()
    wb.save(buf)
    r = _post(client, tokens.h("dispatcher"), buf.getvalue())
    assert r.status_code == 422, r.text
    assert r.json()["errors"][0]["code"] == "problem.sheet_gap"
    import zipfile

    broken = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(_book(CADRES))) as src,
        zipfile.ZipFile(broken, "w") as dst,
    ):
        for item in src.infolist():
            data = src.read(item)
            if item.filename.startswith("xl/worksheets/"):
                data = data[: len(data) // 2]
            dst.writestr(item, data)
    r = _post(client, tokens.h("dispatcher"), broken.getvalue())
    assert r.status_code == 422, r.text
    assert r.json()["errors"][0]["code"] == "problem.not_xlsx"


def test_the_token_is_looked_up_once(
    client: TestClient, tokens: Tokens, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The route refuses a stranger before opening the workbook, and its dependency uses
    that same answer rather than reading the token again."""
    looked: list[str] = []
    real = Tx.token_by_secret

    def counting(self: Tx, secret: str) -> Any:
        looked.append(secret)
        return real(self, secret)

    monkeypatch.setattr(Tx, "token_by_secret", counting)
    extra = CADRES.rstrip("\n") + "\nP8,吴十,C2,urban.elevator_retrofit:2,,1,green,\n"
    r = _post(client, tokens.h("dispatcher"), _book(extra))
    assert r.status_code == 200, r.text
    assert looked == [tokens.dispatcher]
    looked.clear()
    r = client.post(f"{D1}/cadres/import", json={"csv": extra}, headers=tokens.h("dispatcher"))
    assert r.status_code == 200 and looked == [tokens.dispatcher]  # the CSV route: once too
    looked.clear()
    r = _post(client, tokens.h("analyst"), _book(extra))
    assert r.status_code == 403 and looked == [tokens.analyst]
