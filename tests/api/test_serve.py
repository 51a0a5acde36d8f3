"""`matcher serve` as a real process on a free loopback port, driven through a dispatch day."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from matcher import load_case
from tests.pg import NewDb
from tests.serving import free_port, running_server, source_env


def _cli(
    *args: str, cwd: Path, env: dict[str, str] | None = None, prefix: tuple[str, ...] = ()
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*prefix, sys.executable, "-m", "matcher", *args],
        capture_output=True,
        text=True,
        env=env or source_env(),
        cwd=cwd,
        timeout=60,
        check=False,
    )


@pytest.fixture
def server(tmp_path: Path, tiny_case_dir: Path, new_db: NewDb) -> Iterator[tuple[str, str, str]]:
    """import, token create and serve on one database: a SQLite file, or PostgreSQL."""
    db = new_db()
    r = _cli("import", str(tiny_case_dir), "--district", "gulou", "--db", str(db), cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    r = _cli(
        "token",
        "create",
        "--role",
        "dispatcher",
        "--district",
        "gulou",
        "--db",
        str(db),
        cwd=tmp_path,
    )
    assert r.returncode == 0, r.stderr
    token = r.stdout.strip()
    with running_server(db, tmp_path) as base:
        yield base, token, db


def test_dispatch_day(server: tuple[str, str, str], tmp_path: Path, tiny_case_dir: Path) -> None:
    base, token, db = server
    h = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=base + "/v1/districts/gulou", headers=h, timeout=30) as c:
        assert c.get("/cadres").json()["count"] == 6
        # a new demand arrives
        new = {
            "id": "D5",
            "community": "C2",
            "title": "邻里纠纷",
            "needs": {"governance.property_dispute_mediation": 2},
            "priority": 3,
        }
        assert c.post("/demands", json=new).status_code == 201
        first = c.post("/proposals", json={}, headers={"Idempotency-Key": "morning"}).json()
        pairs = [(a["cadre"], a["demand"]) for a in first["result"]["assignments"]]
        assert ("P2", "D2") in pairs
        # accept some
        some = [{"cadre": c_, "demand": d} for c_, d in pairs if d in ("D1", "D3")]
        r = c.post(f"/proposals/{first['id']}/accept", json={"assignments": some})
        assert r.status_code == 201, r.text
        assert len(r.json()["dispatches"]) == len(some)
        # reject one, re-propose: the next best alternate is offered
        rej = {"assignments": [{"cadre": "P2", "demand": "D2"}], "reason": "休假"}
        assert c.post(f"/proposals/{first['id']}/reject", json=rej).status_code == 200
        second = c.post("/proposals", json={}).json()
        again = {(a["cadre"], a["demand"]) for a in second["result"]["assignments"]}
        assert ("P2", "D2") not in again
        assert any(d == "D2" for _, d in again)
        # the stale first proposal cannot be accepted wholesale any more… but the new one can
        r = c.post(
            f"/proposals/{second['id']}/accept", json={}, headers={"Idempotency-Key": "afternoon"}
        )
        assert r.status_code == 201, r.text
        retry = c.post(
            f"/proposals/{second['id']}/accept", json={}, headers={"Idempotency-Key": "afternoon"}
        )
        assert retry.json() == r.json()
        active = c.get("/dispatches", params={"status": "active"}).json()
        assert active["count"] == len(some) + len(r.json()["dispatches"])
        # complete one, cancel one: capacity comes back
        ids = [d["id"] for d in active["data"]]
        assert c.post(f"/dispatches/{ids[0]}/complete", json={"hours": 2, "note": "ok"}).json()[
            "status"
        ] == ("completed")
        assert (
            c.post(f"/dispatches/{ids[1]}/cancel", json={"reason": "other"}).json()["status"]
            == "cancelled"
        )
        assert c.get("/dispatches", params={"status": "active"}).json()["count"] == len(ids) - 2
        hist = c.get(f"/cadres/{active['data'][0]['cadre']}/dispatches").json()
        assert hist["count"] >= 1
    # export writes the district back; it round-trips to the imported case plus D5
    out = tmp_path / "export"
    done = _cli("export", str(out), "--district", "gulou", "--db", str(db), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    exported, original = load_case(out), load_case(tiny_case_dir)
    assert exported.cadres == original.cadres
    assert exported.demands[:4] == original.demands
    assert exported.demands[4].id == "D5"


@pytest.mark.parametrize(
    ("db", "said"),
    [
        ("mysql://nohost/x", "--db mysql://nohost/x: only SQLite files and postgresql://"),
        (".", "--db .: is a folder"),
        ("postgresql://u:secret@nohost/x", "cannot open the database postgresql://u:***@nohost/x"),
    ],
)
def test_db_option_refuses_other_urls_folders_and_servers_not_there(
    tmp_path: Path, db: str, said: str
) -> None:
    r = _cli("token", "create", "--role", "admin", "--db", db, cwd=tmp_path)
    assert r.returncode == 2 and said in r.stderr and "Traceback" not in r.stderr
    assert "secret" not in r.stderr
    assert list(tmp_path.iterdir()) == []


NOBODY = 65534


@pytest.fixture
def shared_dir() -> Iterator[Path]:
    """A folder an unprivileged user can enter (pytest's tmp_path is private to its owner)."""
    root = Path(tempfile.mkdtemp(prefix="matcher-ro-"))
    root.chmod(0o755)
    try:
        yield root
    finally:
        for p in (root, *root.rglob("*")):
            p.chmod(0o777 if p.is_dir() else 0o666)
        shutil.rmtree(root)


def _unprivileged(root: Path) -> dict[str, Any]:
    """How to run the CLI so that file permissions apply to it.

    Root ignores them, so as root the command runs as user nobody, through
    ``setpriv`` (it keeps the right to reach the interpreter, which may live in
    root's home, until the exec; the process itself has no capabilities left).
    """
    cache = root / "numba-cache"  # numba wants a cache folder it can write
    cache.mkdir(mode=0o777)
    cache.chmod(0o777)
    env = source_env() | {"NUMBA_CACHE_DIR": str(cache), "HOME": str(cache)}
    if os.geteuid() != 0:
        return {"env": env}
    setpriv = shutil.which("setpriv")
    if setpriv is None:  # pragma: no cover - util-linux is everywhere the suite runs
        pytest.skip("running as root without setpriv: cannot drop privileges")
    ids = (f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups")
    return {"env": env, "prefix": (setpriv, *ids)}


@pytest.mark.parametrize("read_only", ["file", "folder"])
def test_serve_refuses_a_database_it_cannot_write(shared_dir: Path, read_only: str) -> None:
    """A read-only file (or a folder where SQLite cannot create its -wal file) used to start
    fine and answer 500 to every write; now serve exits 2 with one clear line."""
    folder = shared_dir / "data"
    folder.mkdir(mode=0o755)
    db = folder / "pool.db"
    made = _cli("token", "create", "--role", "admin", "--db", str(db), cwd=shared_dir)
    assert made.returncode == 0, made.stderr
    assert sorted(p.name for p in folder.iterdir()) == ["pool.db"]  # WAL checkpointed away
    if read_only == "file":
        db.chmod(0o444)
        folder.chmod(0o777)
    else:
        db.chmod(0o666)
        folder.chmod(0o555)
    run = _unprivileged(shared_dir)
    r = _cli("serve", "--db", str(db), "--port", str(free_port()), cwd=shared_dir, **run)
    assert r.returncode == 2, (r.stdout, r.stderr)
    assert "cannot write the database" in r.stderr and str(db) in r.stderr
    assert "Traceback" not in r.stderr
    if read_only == "file":  # reading it still works: export opens it without the probe
        out = shared_dir / "out"
        out.mkdir(mode=0o777)
        out.chmod(0o777)
        r = _cli("export", str(out / "case"), "--district", "x", "--db", str(db), cwd=out, **run)
        assert r.returncode == 2 and "district 'x' not found" in r.stderr, r.stderr


def test_several_workers_need_a_database_they_can_share() -> None:
    """``--workers 2`` over ``:memory:`` would give each worker its own database."""
    from typer.testing import CliRunner

    from matcher.cli import app

    env = {"COLUMNS": "200", "LC_ALL": "", "LC_MESSAGES": "", "LANG": "C.UTF-8"}
    r = CliRunner().invoke(app, ["serve", "--db", ":memory:", "--workers", "2"], env=env)
    assert r.exit_code == 2, r.output
    assert "in-memory database lives in one process" in r.output
    r = CliRunner().invoke(app, ["serve", "--db", "x.db", "--workers", "0"], env=env)
    assert r.exit_code == 2 and "--workers" in r.output  # refused before opening anything
