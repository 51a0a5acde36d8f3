"""POST /v1/districts/{d}/scenarios: planners and admins, never changes live data; large
pools (or ``Prefer: respond-async``) make it a job whose result is the same answer."""

from __future__ import annotations

import importlib
import math
import threading
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api import Settings, create_app
from matcher import Case, Policy, Progress, Proposal, propose
from matcher.messages import CATALOGUE
from matcher.store import Store
from tests.api.polling import ASYNC, POLLS, wait_job
from tests.api.tokens import Tokens
from tests.clock import fixed_dates_ahead

D = "/v1/districts/d1"
S = f"{D}/scenarios"
BODY = {"name": "P1 leaves", "edits": [{"kind": "remove_cadres", "ids": ["P1"]}]}


def test_planner_runs_a_scenario_and_nothing_changes(client: TestClient, tokens: Tokens) -> None:
    h = tokens.h("planner")
    before = client.get("/v1/districts/d1/cadres", headers=h).json()
    r = client.post(S, json={**BODY, "explain_unfilled": True}, headers=h)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["scenario"] == "P1 leaves"
    dropped = [c for c in body["churn"]["changes"] if c["cadre"] == "P1"]
    assert dropped and dropped[0]["kind"] == "dropped"
    assert dropped[0]["reason"] == "cadre removed by edit 1 (remove_cadres)"
    k = {x["kpi"]: x for x in body["kpis"]}
    assert k["cadres_available"]["delta"] == -1
    assert isinstance(body["counterfactuals"], list)
    assert client.get("/v1/districts/d1/cadres", headers=h).json() == before
    assert client.get("/v1/districts/d1/proposals", headers=h).json()["count"] == 0


def test_admin_yes_dispatcher_and_analyst_no(client: TestClient, tokens: Tokens) -> None:
    assert client.post(S, json=BODY, headers=tokens.h("admin")).status_code == 200
    assert client.post(S, json=BODY, headers=tokens.h("dispatcher")).status_code == 403
    assert client.post(S, json=BODY, headers=tokens.h("analyst")).status_code == 403
    assert client.post(S, json=BODY, headers=tokens.h("other")).status_code == 404


def test_bad_edit_is_a_located_problem(client: TestClient, tokens: Tokens) -> None:
    body = {"edits": [{"kind": "train", "ids": ["P2"], "tag": "governance.property_dispute"}]}
    r = client.post(S, json=body, headers=tokens.h("planner"))
    assert r.status_code == 422
    assert r.headers["content-type"].startswith("application/problem+json")
    (e,) = r.json()["errors"]
    assert e["pointer"] == "/body/edits/0/tag"
    assert "governance.property_dispute_mediation" in e["hint"]


def test_explain_unfilled_in_a_dated_district_prices_the_ongoing_orders(
    client: TestClient, tokens: Tokens, store: Store
) -> None:
    """A district with dated orders used to answer 422 (problem.dated_not_priced).

    P1 (capacity 2) holds the accepted evening shift S1 and is proposed S2, which
    overlaps it: no place left for ongoing work. With P5 gone (the scenario) D1 and
    D4 are short (P7 only beyond its travel limit). Each ongoing fix is priced with
    the dated dispatches kept, held ones included; the oracle re-solves the whole
    dated case (the MILP of propose) with the fix granted and the plan's dated
    dispatches pinned. S3 (a skill nobody has) is a short dated order: named,
    without fixes.
    """
    h, d = tokens.h("admin"), tokens.h("dispatcher")
    lift = {"urban.elevator_retrofit": 3}
    shift = {"community": "C1", "title": "电梯值守", "priority": 5, "needs": lift, "requires": lift}
    with fixed_dates_ahead():
        r = client.post(f"{D}/demands", json={**shift, "id": "S1", "start": "2026-12-08T18:00",
                                              "end": "2026-12-08T22:00"}, headers=h)  # fmt: skip
    assert r.status_code == 201, r.text
    first = client.post(f"{D}/proposals", json={}, headers=d).json()
    assert {"cadre": "P1", "demand": "S1"} in [
        {"cadre": a["cadre"], "demand": a["demand"]} for a in first["result"]["assignments"]
    ]
    pair = [{"cadre": "P1", "demand": "S1"}]
    r = client.post(f"{D}/proposals/{first['id']}/accept", json={"assignments": pair}, headers=d)
    assert r.status_code == 201, r.text
    for did, start, end, extra in (
        ("S2", "2026-12-08T19:00", "2026-12-08T23:00", {}),
        ("S3", "2026-12-09T18:00", "2026-12-09T22:00",
         {"needs": {"emergency.flood_control": 3}, "requires": {"emergency.flood_control": 2}}),
    ):  # fmt: skip
        body = {**shift, **extra, "id": did, "start": start, "end": end}
        with fixed_dates_ahead():
            assert client.post(f"{D}/demands", json=body, headers=h).status_code == 201
    # P7 would take D4 but for a 1 km travel limit (C1 to C3 is ~3 km): the travel fix
    p7 = {"id": "P7", "name": "周七", "home": "C1", "skills": {"urban.old_housing_renovation": 3},
          "certs": [], "capacity": 1, "status": "green", "max_travel_km": 1.0}  # fmt: skip
    assert client.post(f"{D}/cadres", json=p7, headers=h).status_code == 201
    scenario = {"name": "P5 leaves", "edits": [{"kind": "remove_cadres", "ids": ["P5"]}]}
    r = client.post(S, json={**scenario, "explain_unfilled": True}, headers=tokens.h("planner"))
    assert r.status_code == 200, r.text
    got = r.json()
    rows = {x["demand"]: x for x in got["counterfactuals"]}
    assert set(rows) == {"D1", "D4"}  # ongoing orders only
    options = [(j, o) for j, x in rows.items() for o in x["options"]]
    assert {(j, o["kind"], o["cadre"]) for j, o in options} >= {("D4", "travel", "P7")}
    assert "P1" not in {o["cadre"] for _, o in options}  # S1 held, S2 planned: no room
    # the oracle: the same live state, P5 removed, solved by propose (the MILP)
    with store.read() as tx:
        snap = tx.snapshot("d1")
    case = replace(snap.case, cadres=tuple(c for c in snap.case.cadres if c.id != "P5"))
    hold = snap.holding()
    assert hold["held"]["P1"]  # S1 is held: its evening counts for P1
    base = propose(case, **hold)
    kpis = {k["kpi"]: k for k in got["kpis"]}
    assert kpis["objective"]["scenario"] == pytest.approx(base.objective, abs=1e-4)
    pairs = {(a.cadre, a.demand) for a in base.assignments}
    assert ("P1", "S2") in pairs
    dated = [(c, j) for c, j in pairs if j.startswith("S")]
    for j, o in options:
        granted = case
        if o["kind"] == "travel":
            granted = replace(case, cadres=tuple(
                replace(c, max_travel_km=math.inf) if c.id == o["cadre"] else c
                for c in case.cadres))  # fmt: skip
        elif o["kind"] == "level":
            granted = replace(case, demands=tuple(
                replace(x, requires={**x.requires, o["tag"]: o["accept_level"]}) if x.id == j else x
                for x in case.demands))  # fmt: skip
        keep = [(c, x) for c, x in pairs if x == j]
        again = propose(granted, pinned=[*dated, *keep, (o["cadre"], j)], **hold)
        assert again.certified
        assert again.objective - base.objective == pytest.approx(o["objective_delta"], abs=1e-6)
    # the notes: codes with params, rendered from the catalogue in either language
    assert got["counterfactuals_note"] == {"code": "fix.keeps_dated", "params": {}}
    assert got["counterfactuals_unpriced"] == {
        "code": "fix.dated_unpriced",
        "params": {"count": 1, "demands": ["S3"]},
    }
    for lang, keeps, unpriced in (
        ("en", "fixes for ongoing orders keep the dated orders' dispatches", "no fixes for dated"),
        ("zh", "长期任务的补救办法保持定时工单的派遣不变", "定时工单不给补救办法"),
    ):
        cat = client.get("/v1/messages", params={"lang": lang}).json()["messages"]
        assert cat["fix.keeps_dated"].startswith(keeps)
        assert cat["fix.dated_unpriced"].startswith(unpriced)
    # without explain_unfilled nothing is priced, and nothing said
    r = client.post(S, json=scenario, headers=tokens.h("planner"))
    assert r.status_code == 200, r.text
    assert r.json()["counterfactuals"] is None and r.json()["counterfactuals_note"] is None
    # as a job: the same answer, the notes' codes and params kept through the job's row
    body = {**scenario, "explain_unfilled": True}
    r = client.post(S, json=body, headers=tokens.h("planner") | ASYNC)
    assert r.status_code == 202, r.text
    job = wait_job(client, r.headers["location"], tokens.h("planner"))
    assert job["status"] == "done", job
    assert job["result"] == got


J = f"{D}/jobs"


def _jobs(client: TestClient, h: dict[str, str]) -> int:
    count: int = client.get(J, headers=h).json()["count"]
    return count


def test_a_job_answers_what_the_sync_route_does(client: TestClient, tokens: Tokens) -> None:
    h = tokens.h("planner")
    body = {**BODY, "explain_unfilled": True}
    sync = client.post(S, json=body, headers=h)
    assert sync.status_code == 200, sync.text
    r = client.post(S, json=body, headers=h | ASYNC)
    assert r.status_code == 202, r.text
    job = r.json()
    assert r.headers["location"] == f"{J}/{job['id']}"
    assert r.headers["preference-applied"] == "respond-async"
    assert job["kind"] == "scenario" and job["status"] in {"queued", "running"}
    assert job["result"] is None and job["proposal"] is None
    done = wait_job(client, r.headers["location"], h)
    assert done["status"] == "done", done
    assert done["result"] == sync.json()
    assert done["proposal"] is None and done["error"] is None
    assert done["phase"] == "counterfactuals" and done["fraction"] == 1.0
    assert f"phase.{done['phase']}" in CATALOGUE  # a phase is a message code, as proposals'

    # readers read it as any job; nothing was written to the pool
    listed = client.get(J, headers=tokens.h("analyst")).json()
    assert listed["count"] == 1 and listed["data"][0] == done
    assert client.get(f"{D}/proposals", headers=h).json()["count"] == 0


def test_bad_scenario_or_role_is_refused_before_any_job(client: TestClient, tokens: Tokens) -> None:
    h = tokens.h("planner")
    bad = {"edits": [{"kind": "train", "ids": ["P2"], "tag": "governance.property_dispute"}]}
    sync = client.post(S, json=bad, headers=h)
    assert sync.status_code == 422
    r = client.post(S, json=bad, headers=h | ASYNC)
    assert r.status_code == 422 and r.json() == sync.json()
    r = client.post(S, json={"edits": [{"kind": "nonsense"}]}, headers=h | ASYNC)
    assert r.status_code == 422
    assert client.post(S, json=BODY, headers=tokens.h("dispatcher") | ASYNC).status_code == 403
    assert client.post(S, json=BODY, headers=tokens.h("analyst") | ASYNC).status_code == 403
    assert _jobs(client, h) == 0


def test_cancel_a_running_scenario_job(
    client: TestClient, tokens: Tokens, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A stand-in ``propose`` holds the baseline's solve, reporting progress, until the
    test lets it go: the job shows the named phase, and a cancel ends it there."""
    entered, release = threading.Event(), threading.Event()

    def blocking(case: Case, policy: Policy | None = None, **kw: Any) -> Proposal:
        progress: Progress | None = kw.get("progress")
        if progress is not None:
            progress("solving", 0.5)
            entered.set()
            for _ in range(POLLS):
                if release.wait(0.02):
                    break
                progress("solving", 0.5)
        return propose(case, policy, **kw)

    # the module, not the function matcher.whatif exports under the same name
    monkeypatch.setattr(importlib.import_module("matcher.whatif.compare"), "propose", blocking)
    h = tokens.h("admin")
    r = client.post(S, json=BODY, headers=h | ASYNC)
    assert r.status_code == 202, r.text
    url = r.headers["location"]
    assert entered.wait(30)
    running = client.get(url, headers=h).json()
    assert (running["status"], running["phase"], running["fraction"]) == (
        "running",
        "baseline",
        None,
    )
    assert client.delete(url, headers=tokens.h("planner")).status_code == 202
    ended = wait_job(client, url, h)
    assert ended["status"] == "cancelled" and ended["result"] is None
    assert client.delete(url, headers=h).status_code == 409
    # retried, it runs again to the end (nothing holds it now)
    release.set()
    assert client.post(f"{url}/retry", json={}, headers=h).status_code == 202
    done = wait_job(client, url, h)
    assert done["status"] == "done" and done["result"]["scenario"] == "P1 leaves"


def test_threshold_makes_a_scenario_job_without_the_header(
    store: Store, tokens: Tokens, tmp_path: Path
) -> None:
    h = tokens.h("planner")  # the tiny case: 6 cadres x 4 open demands = 24 pairs

    def app(threshold: int) -> TestClient:
        settings = Settings(db=str(tmp_path / "unused.db"), job_threshold=threshold)
        return TestClient(create_app(settings, store=store))

    with app(23) as c:
        r = c.post(S, json=BODY, headers=h)
        assert r.status_code == 202, r.text
        assert "preference-applied" not in r.headers
        assert wait_job(c, r.headers["location"], h)["status"] == "done"
    with app(24) as c:
        assert c.post(S, json=BODY, headers=h).status_code == 200
