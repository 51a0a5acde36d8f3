"""A big bad import to one district never stalls another's writes (real ``matcher serve``).

The server runs with the import trace (tests/api/importtrace.py): the import's
validation waits until three write transactions of other requests have committed.
Were it inside the write lock, those writes could not commit and the trace would
say ``validate-timeout``; so the assertions below are about order, not speed.
"""

from __future__ import annotations

import tempfile
import threading
from pathlib import Path
from typing import Any

import httpx

from matcher import load_case
from matcher.io import MAX_PROBLEMS
from matcher.store import Store
from tests.api.casefile import CADRES
from tests.api.importtrace import Trace, between
from tests.serving import running_server

ROWS = 30_000
WORKER = Path(__file__).with_name("import_server.py")


def _bad_cadres() -> str:
    header = CADRES.splitlines()[0]
    rows = [
        f"Q{k},名字{k},C1,urban.elevator_retrofit:3,,{'many' if k % 2 else '1'},green,"
        for k in range(ROWS)
    ]
    return "\n".join([header, *rows]) + "\n"


def test_big_bad_import_does_not_block_another_district(
    tmp_path: Path, tiny_case_dir: Path
) -> None:
    db, trace_file = tmp_path / "serve.db", tmp_path / "trace.txt"
    store = Store.open(db)
    case = load_case(tiny_case_dir)
    with store.write() as tx:
        tx.import_case("a", case)
        tx.import_case("b", case)
        token_a = tx.create_token("dispatcher", ["a"])[0]
        token_b = tx.create_token("dispatcher", ["b"])[0]
    store.close()
    text = _bad_cadres()
    answer: dict[str, Any] = {}
    b_results: list[tuple[int, str, bool]] = []  # status, body, A still in flight

    with running_server(db, tmp_path, launcher=(str(WORKER), str(trace_file))) as base:
        hb = {"Authorization": f"Bearer {token_b}"}
        with httpx.Client(base_url=base + "/v1/districts/b", headers=hb, timeout=120) as b:
            pid = b.post("/proposals", json={}).json()["id"]
            assert b.post(f"/proposals/{pid}/accept", json={}).status_code == 201
            active = [
                d["id"] for d in b.get("/dispatches", params={"status": "active"}).json()["data"]
            ]

            def import_a() -> None:
                r = httpx.post(
                    base + "/v1/districts/a/cadres/import",
                    json={"csv": text},
                    headers={"Authorization": f"Bearer {token_a}"},
                    timeout=300,
                )
                answer["status"], answer["text"] = r.status_code, r.text

            a = threading.Thread(target=import_a)
            a.start()
            k = 0
            while a.is_alive() or k < 3:
                if k % 3 == 0:
                    body = {"id": f"B{k}", "community": "C1", "title": "新需求", "headcount": 1}
                    r = b.post("/demands", json=body)
                elif k % 3 == 1:
                    r = b.post(f"/demands/B{k - 1}/close")
                elif active:
                    r = b.post(
                        f"/dispatches/{active.pop()}/complete", json={"hours": 2, "note": "ok"}
                    )
                else:
                    r = b.post(f"/demands/B{k - 2}/reopen")  # closed just before
                b_results.append((r.status_code, r.text, a.is_alive()))
                k += 1
            a.join()

    # every write of district b succeeded, and several while a's import was in flight
    assert [s for s, _, _ in b_results if s not in (200, 201)] == [], b_results
    assert not any("locked" in body for _, body, _ in b_results)
    assert sum(in_flight for _, _, in_flight in b_results) >= 3
    # a's import: refused, with a bounded error list that counts every problem
    assert answer["status"] == 422, answer["text"][:500]
    problem = httpx.Response(422, text=answer["text"]).json()
    assert problem["problems_total"] == ROWS // 2
    assert len(problem["errors"]) == MAX_PROBLEMS
    assert f"the first {MAX_PROBLEMS} of {ROWS // 2}" in problem["detail"]
    assert tempfile.gettempdir() not in answer["text"]
    # the server's own trace: b's writes committed while a's file was being checked
    events = Trace.read(trace_file)
    names = [n for n, _ in events]
    assert "validate-timeout" not in names and "validate-inside-write" not in names
    during = between(events, "validate-start", "validate-end")
    assert sum(n == "write-commit" for n, _ in during) >= 3
