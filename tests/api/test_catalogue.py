"""The service catalogue over HTTP: read, replaced by admins (audited), demands made from items."""

from __future__ import annotations

from fastapi.testclient import TestClient

from matcher.store import Store
from tests.api.tokens import Tokens

D = "/v1/districts/d1"
MINI = """
[catalogue]
name = "mini"
zh = "小清单"
en = "Mini"

[[categories]]
slug = "safety"
zh = "应急安全"
en = "Safety"

  [[categories.items]]
  id = "night_watch"
  zh = "夜间巡逻"
  en = "Night watch"
  needs = { "governance.grid_management" = 3 }
  headcount = 2
  priority = 4
"""


def test_readers_read_the_bundled_catalogue(client: TestClient, tokens: Tokens) -> None:
    for role in ("dispatcher", "analyst", "planner", "admin"):
        r = client.get(f"{D}/catalogue", headers=tokens.h(role))
        assert r.status_code == 200, (role, r.text)
    cat = r.json()
    assert cat["source"] == "bundled" and cat["name"] == "community-services-8x32"
    assert len(cat["categories"]) == 8
    assert sum(len(c["items"]) for c in cat["categories"]) == 32
    flood = next(i for c in cat["categories"] for i in c["items"] if i["id"] == "flood_watch")
    assert flood["zh"] == "防汛值守" and flood["headcount"] == 3 and flood["priority"] == 5
    assert 'id = "flood_watch"' in cat["toml"]
    assert client.get(f"{D}/catalogue", headers=tokens.h("other")).status_code == 404  # not theirs


def test_an_admin_replaces_it_and_the_write_is_audited(client: TestClient, tokens: Tokens) -> None:
    for role in ("dispatcher", "planner", "supervisor"):
        r = client.put(f"{D}/catalogue", json={"toml": MINI}, headers=tokens.h(role))
        assert r.status_code == 403, role
    r = client.put(f"{D}/catalogue", json={"toml": MINI}, headers=tokens.h("admin"))
    assert r.status_code == 200, r.text
    assert r.json()["source"] == "district" and r.json()["toml"] == MINI
    got = client.get(f"{D}/catalogue", headers=tokens.h("dispatcher")).json()
    assert [i["id"] for c in got["categories"] for i in c["items"]] == ["night_watch"]
    audit = client.get(f"{D}/audit", headers=tokens.h("admin")).json()["data"]
    (entry,) = [e for e in audit if e["action"] == "catalogue.update"]
    assert entry["payload"]["catalogue_sha256"]
    r = client.put(f"{D}/catalogue", json={"toml": None}, headers=tokens.h("admin"))
    assert r.status_code == 200 and r.json()["source"] == "bundled"


def test_a_bad_catalogue_is_422_with_every_problem_and_nothing_stored(
    client: TestClient, tokens: Tokens
) -> None:
    bad = MINI.replace("governance.grid_management", "governance.grid_managment").replace(
        "priority = 4", "priorty = 4"
    )
    r = client.put(f"{D}/catalogue", json={"toml": bad}, headers=tokens.h("admin"))
    assert r.status_code == 422, r.text
    body = r.json()
    assert r.headers["content-type"].startswith("application/problem+json")
    errs = body["errors"]
    assert {e["code"] for e in errs} == {"problem.unknown_tag", "problem.catalogue_unknown_key"}
    tag = next(e for e in errs if e["code"] == "problem.unknown_tag")
    assert tag["row"] == 13 and tag["hint_code"] == "hint.did_you_mean"
    assert "governance.grid_management" in tag["hint_params"]["options"]
    got = client.get(f"{D}/catalogue", headers=tokens.h("admin")).json()
    assert got["source"] == "bundled"
    r = client.put(f"{D}/catalogue", json={"toml": "[[categories]"}, headers=tokens.h("admin"))
    assert r.status_code == 422 and r.json()["errors"][0]["code"] == "problem.catalogue_toml"


def test_a_demand_made_from_an_item_takes_its_defaults(client: TestClient, tokens: Tokens) -> None:
    body = {"id": "D9", "community": "C1", "item": "flood_watch"}
    r = client.post(f"{D}/demands", json=body, headers=tokens.h("dispatcher"))
    assert r.status_code == 201, r.text
    d = r.json()
    assert (d["item"], d["title"], d["headcount"], d["priority"]) == (
        "flood_watch",
        "防汛值守",
        3,
        5,
    )
    assert d["needs"] == {
        "emergency.flood_control": 4,
        "emergency.emergency_drills": 2,
        "governance.grid_management": 2,
    }
    assert d["requires"] == {"emergency.flood_control": 2}
    got = client.get(f"{D}/demands/D9", headers=tokens.h("dispatcher")).json()
    assert got == d


def test_fields_sent_override_the_item(client: TestClient, tokens: Tokens) -> None:
    body = {
        "id": "D9",
        "community": "C1",
        "item": "flood_watch",
        "title": "汛期夜班",
        "headcount": 1,
        "needs": {"emergency.flood_control": 2},
    }
    d = client.post(f"{D}/demands", json=body, headers=tokens.h("dispatcher")).json()
    assert (d["title"], d["headcount"], d["priority"]) == ("汛期夜班", 1, 5)
    assert d["needs"] == {"emergency.flood_control": 2}
    assert d["requires"] == {"emergency.flood_control": 2}


def test_an_unknown_item_is_422_with_the_nearest(client: TestClient, tokens: Tokens) -> None:
    for typed in ("flood_wach", "防汛值守班"):
        body = {"id": "D9", "community": "C1", "item": typed}
        r = client.post(f"{D}/demands", json=body, headers=tokens.h("dispatcher"))
        assert r.status_code == 422, r.text
        (e,) = r.json()["errors"]
        assert e["code"] == "problem.unknown_item" and e["column"] == "item"
        assert "flood_watch" in e["hint_params"]["options"]
    r = client.get(f"{D}/demands/D9", headers=tokens.h("dispatcher"))
    assert r.status_code == 404


def test_without_an_item_a_title_is_still_required(client: TestClient, tokens: Tokens) -> None:
    body = {"id": "D9", "community": "C1", "needs": {"emergency.flood_control": 2}}
    r = client.post(f"{D}/demands", json=body, headers=tokens.h("dispatcher"))
    assert r.status_code == 422, r.text
    (e,) = r.json()["errors"]
    assert (e["code"], e["column"]) == ("field.missing", "title")


def test_a_district_catalogue_item_and_put_keep_the_item(
    client: TestClient, tokens: Tokens, store: Store
) -> None:
    client.put(f"{D}/catalogue", json={"toml": MINI}, headers=tokens.h("admin"))
    body = {"id": "D9", "community": "C1", "item": "night_watch"}
    d = client.post(f"{D}/demands", json=body, headers=tokens.h("dispatcher")).json()
    assert (d["title"], d["headcount"], d["priority"]) == ("夜间巡逻", 2, 4)
    r = client.patch(f"{D}/demands/D9", json={"priority": 2}, headers=tokens.h("dispatcher"))
    assert r.status_code == 200 and r.json()["item"] == "night_watch"
    with store.read() as tx:
        assert {x.id: x for x in tx.case("d1").demands}["D9"].item == "night_watch"


OWN_TAXONOMY = """
[[categories]]
slug = "care"
zh = "照护"
en = "Care"
  [[categories.tags]]
  slug = "visits"
  zh = "探访"
  en = "Visits"
"""


def test_a_district_with_its_own_taxonomy_has_no_catalogue_until_it_stores_one(
    client: TestClient, tokens: Tokens, store: Store
) -> None:
    with store.write() as tx:
        tx.create_district("d3", "Own", taxonomy_toml=OWN_TAXONOMY)
        token = tx.create_token("admin")[0]
    h = {"Authorization": f"Bearer {token}"}
    got = client.get("/v1/districts/d3/catalogue", headers=h).json()
    assert (got["source"], got["categories"], got["toml"]) == ("none", [], "")
    assert client.get("/v1/districts/d3/summary", headers=h).status_code == 200
    assert (
        client.put("/v1/districts/d3/catalogue", json={"toml": None}, headers=h).status_code == 200
    )
    r = client.put("/v1/districts/d3/catalogue", json={"toml": MINI}, headers=h)
    assert r.status_code == 422  # the mini catalogue names the bundled taxonomy's tags
    assert r.json()["errors"][0]["code"] == "problem.unknown_tag"
