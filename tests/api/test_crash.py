"""kill -9 in the middle of writes leaves the database consistent (SQLite and PostgreSQL:
there the server rolls the killed session's transaction back and frees its write lock)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from matcher import load_case
from matcher.store import Store
from tests.pg import NewDb

ITERATIONS = 5
ROOT = Path(__file__).resolve().parents[2]


def test_sigkill_leaves_database_consistent(new_db: NewDb, tiny_case_dir: Path) -> None:
    db = new_db()
    store = Store.open(db)
    with store.write() as tx:
        tx.import_case("d1", load_case(tiny_case_dir))
    store.close()
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    worker = Path(__file__).with_name("crash_worker.py")
    loops = 0
    for k in range(ITERATIONS):
        proc = subprocess.Popen(
            [sys.executable, str(worker), str(db), "d1"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            cwd=ROOT,
        )
        assert proc.stdout is not None
        # it is writing in a loop once it prints; a second line is a write committed, so
        # the kill lands on a worker that writes, however loaded the machine
        for _ in range(2):
            line = proc.stdout.readline()
            assert line.strip(), proc.stderr.read() if proc.stderr else ""
        time.sleep(0.01 * k)
        os.kill(proc.pid, signal.SIGKILL)
        out, _ = proc.communicate(timeout=30)
        assert proc.returncode == -signal.SIGKILL
        loops += 2 + len(out.split())
        store = Store.open(db)
        try:
            assert store.integrity_check() == "ok"
            with store.read() as tx:
                assert tx.check_consistency() == []
                assert tx.verify_audit() is None
        finally:
            store.close()
    assert loops > ITERATIONS  # the worker really wrote between kills
