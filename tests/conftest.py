"""Shared fixtures and the hypothesis profiles (``ci`` is derandomised)."""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

from tests.paths import SAMPLE
from tests.pg import NewDb, PgServer, find_bin, start_server

settings.register_profile(
    "ci",
    derandomize=True,
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("dev", max_examples=60, deadline=None)
settings.register_profile("thorough", max_examples=1000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
# an app under test loads no kernels in the background: tests that spy on the
# engine would count that proposal too (tests/api/test_health.py turns it on)
os.environ.setdefault("MATCHER_LOAD_KERNELS", "false")
# the CLI speaks the locale's language: tests read English unless they pass --lang zh
for _var in ("LC_ALL", "LC_MESSAGES", "LANG"):
    if os.environ.get(_var, "").lower().startswith("zh"):
        os.environ[_var] = "C.UTF-8"


@pytest.fixture(scope="session")
def sample_case():  # type: ignore[no-untyped-def]
    from matcher import load_case

    return load_case(SAMPLE)


@pytest.fixture(scope="session")
def sample_proposal(sample_case):  # type: ignore[no-untyped-def]
    from matcher import propose

    return propose(sample_case)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """One PostgreSQL server for the whole run (tests/pg.py), stopped at the end.

    Under ``CI=true`` a missing server or driver fails the tests that need it;
    elsewhere they are skipped, saying why.
    """
    why = None
    bindir = find_bin()
    if bindir is None:
        why = "the PostgreSQL server (initdb, pg_ctl, postgres) is not installed:"
        why += " apt-get install postgresql"
    else:
        try:
            import psycopg  # noqa: F401
        except ImportError:
            why = "psycopg, the PostgreSQL driver, is not installed: pip install 'psycopg[binary]'"
    if why is not None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true: the PostgreSQL tests must run, but {why}")
        pytest.skip(why)
    assert bindir is not None
    server = start_server(bindir)
    try:
        yield server
    finally:
        server.stop()


ENGINES = ("sqlite", "postgresql")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """``db_engine``: which store engine a test runs on. Every test using it (mostly
    through :func:`new_db`) runs on both, unless it is marked
    ``@pytest.mark.sqlite_only(reason)``: it is about SQLite itself (file
    permissions, WAL, SQLite's error codes)."""
    if "db_engine" in metafunc.fixturenames:
        marker = metafunc.definition.get_closest_marker("sqlite_only")
        assert marker is None or marker.args, "sqlite_only needs a reason"
        metafunc.parametrize("db_engine", ENGINES[:1] if marker else ENGINES)


@pytest.fixture
def new_db(
    db_engine: str, tmp_path: Path, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Iterator[NewDb]:
    """Make a new store database on the test's engine; returns what ``Store.open``
    takes (a SQLite file path, or a PostgreSQL URL). ``new_db()`` holds the current
    schema and no rows; ``new_db(empty=True)`` holds no tables at all.

    Every store the test opens is closed at its end (a PostgreSQL connection left to
    the garbage collector is a ResourceWarning, which the suite turns into an error).
    """
    from matcher.store import Store

    opened: list[Store] = []
    real_open = Store.open.__func__  # type: ignore[attr-defined]

    def tracked(cls: type[Store], *args: Any, **kwargs: Any) -> Store:
        store = real_open(cls, *args, **kwargs)
        opened.append(store)
        return store

    monkeypatch.setattr(Store, "open", classmethod(tracked))
    made: list[str] = []
    if db_engine == "postgresql":
        server: PgServer = request.getfixturevalue("pg_server")

        def make(empty: bool = False) -> str:
            made.append(server.empty_url() if empty else server.new_url())
            return made[-1]

        yield make
    else:
        counter = itertools.count(1)
        yield lambda empty=False: str(tmp_path / f"store{next(counter)}.db")
    for store in opened:
        store.close()
    for url in made:  # the cluster keeps only the running tests' databases (tests/pg.py)
        server.drop(url)
