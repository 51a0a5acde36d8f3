"""Fixtures: a file store with two districts of the tiny case, tokens per role, a TestClient."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api import Settings, create_app
from matcher import load_case
from matcher.store import Store
from tests.api.casefile import write_tiny
from tests.api.tokens import Tokens, make_tokens
from tests.pg import NewDb


@pytest.fixture(scope="session")
def tiny_case_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_tiny(tmp_path_factory.mktemp("tiny"))


@pytest.fixture
def store(new_db: NewDb, tiny_case_dir: Path) -> Iterator[Store]:
    """Two districts of the tiny case, on SQLite and on PostgreSQL (tests/conftest.py):
    every test building on it runs on both engines."""
    s = Store.open(new_db())
    case = load_case(tiny_case_dir)
    with s.write() as tx:
        tx.import_case("d1", case, name="District One")
        tx.import_case("d2", case, name="District Two")
    yield s
    s.close()


@pytest.fixture
def tokens(store: Store) -> Tokens:
    with store.write() as tx:
        return make_tokens(tx)


@pytest.fixture
def client(store: Store, tmp_path: Path) -> Iterator[TestClient]:
    app = create_app(
        Settings(db=str(tmp_path / "unused.db"), max_body_bytes=64 * 1024), store=store
    )
    with TestClient(app) as c:
        yield c
