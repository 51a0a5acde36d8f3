"""One limit of places (``matcher.MAX_PLACES``): a demand's headcount and a cadre's
capacity, the same in a case file's cell (``matcher validate``), a catalogue item, an
API body and the console's form. ``matcher validate`` said 1-10000 while the service
and the console refused past 1000, so a file that validated would not import."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

import matcher
from matcher import CatalogueError, default_taxonomy
from matcher.catalogue import DEFAULT_CATALOGUE_PATH, parse_catalogue
from matcher.cli import app
from tests.api.casefile import write_tiny
from tests.api.tokens import Tokens

D = "/v1/districts/d1"

STATIC = Path(matcher.__file__).parent.parent / "api" / "console" / "static"


def test_the_limit_is_one_thousand_in_the_console_too() -> None:
    assert matcher.MAX_PLACES == 1000
    js = (STATIC / "pool.js").read_text(encoding="utf-8")
    (low, high) = re.findall(r"export const HEADCOUNT = \[(\d+), (\d+)\];", js)[0]
    assert (int(low), int(high)) == (1, matcher.MAX_PLACES)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_validate_refuses_past_the_limit_with_it(tmp_path: Path, lang: str) -> None:
    case = write_tiny(tmp_path / "case")
    demands = (case / "demands.csv").read_text(encoding="utf-8").splitlines()
    head = demands[0].split(",").index("headcount")
    cells = demands[1].split(",")
    for n, ok in ((1000, True), (1001, False)):
        cells[head] = str(n)
        text = "\n".join([demands[0], ",".join(cells), *demands[2:]]) + "\n"
        (case / "demands.csv").write_text(text, encoding="utf-8")
        r = CliRunner().invoke(app, ["validate", str(case), "--lang", lang])
        assert (r.exit_code == 0) == ok, r.output
        if not ok:
            said = "需求人数须为 1-1000" if lang == "zh" else "headcount must be 1-1000"
            assert said in r.output and "10000" not in r.output, r.output


def test_a_catalogue_item_takes_the_same_limit() -> None:
    data = tomllib.loads(DEFAULT_CATALOGUE_PATH.read_text(encoding="utf-8"))
    item = data["categories"][0]["items"][0]
    item["headcount"] = 1000
    parse_catalogue(data, default_taxonomy())
    item["headcount"] = 1001
    with pytest.raises(CatalogueError):
        parse_catalogue(data, default_taxonomy())


def test_the_api_refuses_past_the_limit(client: TestClient, tokens: Tokens) -> None:
    h = tokens.h("admin")
    body = {"community": "C1", "title": "楼道清理", "needs": {"urban.elevator_retrofit": 2}}
    for did, n, status in (("H1", 1000, 201), ("H2", 1001, 422)):
        r = client.post(f"{D}/demands", json={**body, "id": did, "headcount": n}, headers=h)
        assert r.status_code == status, r.text
    (e,) = r.json()["errors"]
    assert e["pointer"] == "/body/headcount" and "1000" in str(e["params"]), e
