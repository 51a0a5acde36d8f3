"""Jobs as the API tests meet them: the header that asks for one, and a bounded poll.

Why a module: proposals' and what-ifs' job tests poll alike, and a test module may not
import another (tests/test_suite_imports.py).
"""

from __future__ import annotations

import time
from typing import Any

from fastapi.testclient import TestClient

__all__ = ["ASYNC", "FINAL", "POLLS", "wait_job"]

ASYNC = {"Prefer": "respond-async"}
FINAL = {"done", "failed", "cancelled"}
POLLS = 1500  # x 20 ms: a job that never finishes fails the test after 30 s instead of hanging


def wait_job(
    client: TestClient, url: str, h: dict[str, str], until: set[str] = FINAL
) -> dict[str, Any]:
    """Poll ``url`` until the job's status is in ``until`` (bounded)."""
    job: dict[str, Any] = {}
    for _ in range(POLLS):
        r = client.get(url, headers=h)
        assert r.status_code == 200, r.text
        job = r.json()
        if job["status"] in until:
            return job
        time.sleep(0.02)
    raise AssertionError(f"{url} still {job.get('status')} after {POLLS} polls")
