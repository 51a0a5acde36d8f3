"""health router, docs, and the token requirement on everything else."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import make_url, text

from api import Settings, create_app
from matcher.store import SCHEMA_VERSION, Store, StoreError
from tests.api.tokens import Tokens
from tests.pg import PgServer


def _read_only(path: Path) -> str:
    """A SQLite URI opening ``path`` read-only. Tests may run as root, for whom file
    permissions do not apply; ``mode=ro`` is enforced by SQLite itself, root or not.
    (tests/api/test_serve.py covers real permissions, running the CLI unprivileged.)"""
    return f"sqlite:///file:{path}?mode=ro&uri=true"


SQLITE_FILE = "opens the SQLite file read-only (mode=ro) and reads its -wal; PostgreSQL's read-only\
 server is tested below"


@pytest.mark.sqlite_only(SQLITE_FILE)
def test_health_reports_a_store_that_cannot_write(store: Store, tmp_path: Path) -> None:
    path = Path(str(store.engine.url.database))
    read_only = Store.open(_read_only(path), writable=False)
    try:
        with read_only.read() as tx:  # it reads…
            assert [d.id for d in tx.list_districts()] == ["d1", "d2"]
        settings = Settings(db=str(tmp_path / "unused.db"), load_kernels=False)
        with TestClient(create_app(settings, store=read_only)) as client:
            r = client.get("/health")
        assert r.status_code == 503
        assert r.json() == {
            "status": "degraded",
            "schema_version": SCHEMA_VERSION,
            "store": "read-only",
        }
    finally:
        read_only.close()


@pytest.mark.sqlite_only(SQLITE_FILE)
def test_opening_a_store_that_cannot_write_fails_at_once(store: Store) -> None:
    path = Path(str(store.engine.url.database))
    with pytest.raises(StoreError, match=r"cannot write the database .*read-only"):
        Store.open(_read_only(path))


@pytest.mark.sqlite_only(SQLITE_FILE)
def test_the_write_probe_writes_nothing(client: TestClient, store: Store) -> None:
    path = Path(str(store.engine.url.database))
    files = [path, path.with_name(path.name + "-wal")]  # (-shm is the readers' index)
    before = [f.read_bytes() for f in files]
    for _ in range(5):
        assert client.get("/health").json()["store"] == "ok"
    assert [f.read_bytes() for f in files] == before
    with store.engine.connect() as conn:
        keys = [k for (k,) in conn.execute(text("SELECT key FROM meta"))]
    assert keys == ["schema_version"]


def test_a_read_only_postgresql_is_degraded_and_refused(
    pg_server: PgServer, tmp_path: Path
) -> None:
    """A database the server keeps read-only (as a standby is): /health says so, and
    opening it to write fails at once, saying why."""
    url = pg_server.new_url()
    store = Store.open(url)
    try:
        pg_server.psql(
            f"ALTER DATABASE {make_url(url).database} SET default_transaction_read_only = on"
        )
        store.engine.dispose()  # the setting holds for new sessions
        settings = Settings(db=str(tmp_path / "unused.db"), load_kernels=False)
        with TestClient(create_app(settings, store=store)) as client:
            r = client.get("/health")
        assert r.status_code == 503
        assert r.json() == {
            "status": "degraded",
            "schema_version": SCHEMA_VERSION,
            "store": "read-only",
        }
        with pytest.raises(StoreError, match=r"cannot write the database .*accepts only reads"):
            Store.open(url).close()
    finally:
        store.close()


def test_health_needs_no_token(client: TestClient) -> None:
    r = client.get("/health")
    assert r.status_code == 200
    assert r.json() == {"status": "ok", "schema_version": SCHEMA_VERSION, "store": "ok"}


def test_docs_and_openapi_need_no_token(client: TestClient) -> None:
    assert client.get("/docs").status_code == 200
    schema = client.get("/openapi.json").json()
    assert "/v1/districts/{district}/proposals" in schema["paths"]
    responses = schema["paths"]["/v1/districts/{district}/proposals"]["post"]["responses"]
    assert "application/problem+json" in responses["409"]["content"]
    assert "application/problem+json" in responses["422"]["content"]


def test_everything_else_needs_a_token(client: TestClient, tokens: Tokens) -> None:
    for path in ("/v1/districts", "/v1/taxonomy", "/v1/districts/d1/cadres", "/v1/me"):
        r = client.get(path)
        assert r.status_code == 401, path
        assert r.headers["content-type"] == "application/problem+json"
        assert r.headers["www-authenticate"] == "Bearer"
    assert client.get("/v1/me", headers={"Authorization": "Bearer nope"}).status_code == 401
    assert client.get("/v1/me", headers={"Authorization": "Basic abc"}).status_code == 401
    assert client.get("/v1/me", headers=tokens.h("analyst")).json()["role"] == "analyst"


@pytest.mark.parametrize("role", ["admin", "dispatcher", "planner", "analyst", "supervisor"])
def test_me_names_every_role(client: TestClient, tokens: Tokens, role: str) -> None:
    """The console signs in with GET /v1/me: every role must get its answer (not a 500)."""
    r = client.get("/v1/me", headers=tokens.h(role))
    assert r.status_code == 200, r.text
    assert r.json()["role"] == role


def test_unknown_route_is_a_problem(client: TestClient) -> None:
    r = client.get("/nope")
    assert r.status_code == 404
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["status"] == 404
    r = client.delete("/health")
    assert r.status_code == 405
    assert r.json()["type"].endswith("method-not-allowed")


def test_the_kernels_load_in_the_background_at_start_when_asked(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import threading

    import api.main
    from api.main import create_app
    from api.settings import Settings
    from matcher.store import Store

    loaded = threading.Event()
    monkeypatch.setattr(api.main, "load_kernels", lambda: loaded.set() or 0.0)
    for wanted in (False, True):
        loaded.clear()
        store = Store.open(str(tmp_path / f"{wanted}.db"))
        settings = Settings(db=str(tmp_path / "unused.db"), load_kernels=wanted)
        with TestClient(create_app(settings, store=store)) as client:
            assert client.get("/health").status_code == 200
            assert loaded.wait(0.0 if not wanted else 5.0) is wanted
        store.close()


def test_a_failed_kernel_load_is_logged_not_raised(monkeypatch, caplog) -> None:  # type: ignore[no-untyped-def]
    import api.main

    def broken() -> float:
        raise RuntimeError("no cache directory")

    monkeypatch.setattr(api.main, "load_kernels", broken)
    api.main._load_kernels()  # in its thread, an exception would reach no one
    assert "loading the compiled kernels failed" in caplog.text
    assert "no cache directory" in caplog.text
