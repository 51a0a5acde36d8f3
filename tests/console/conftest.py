"""Fixtures for the console's browser tests: `matcher serve` on a free loopback port over a
temp SQLite store holding the sample district (with its generated history where a test asks
for it), tokens per role (an admin and a supervisor too), and Debian's Chromium driven
by Playwright. Without /usr/bin/chromium (or playwright) the tests skip, saying why, except
under CI=true, where they fail instead."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from api.main import load_sample
from matcher.store import Store, import_folder
from tests.console.server import ADMIN_LABEL, Server
from tests.console.weekdata import dispatch_a_few, fill_with_ongoing
from tests.paths import ROOT
from tests.serving import running_server

ARTIFACTS = ROOT / "test-artifacts" / "console"
CHROMIUM = Path(os.environ.get("MATCHER_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
_skipped: list[str] = []


def pytest_terminal_summary(terminalreporter: Any) -> None:
    for reason in dict.fromkeys(_skipped):
        terminalreporter.write_line(f"SKIPPED console browser tests: {reason}", yellow=True)


def _browser_missing() -> str | None:
    if not CHROMIUM.exists():
        return f"{CHROMIUM} not found (install Debian's chromium: apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (pip install -e '.[dev]')"
    return None


def _build(
    db: Path, history: bool = False, week: bool = False, full: bool = False, two: bool = False
) -> dict[str, str]:
    """Make the store a server of this kind serves; answers its tokens per role."""
    store = Store.open(db)
    try:
        if week:  # the sample week, a few of Monday's dated orders dispatched
            assert import_folder(store, "gulou", ROOT / "data" / "sample-week", name="鼓楼区")
            dispatch_a_few(store, "gulou")
        elif full:  # the sample week, one cadre's only place held by ongoing work
            assert import_folder(store, "gulou", ROOT / "data" / "sample-week", name="鼓楼区")
            fill_with_ongoing(store, "gulou")
        else:
            assert load_sample(store, "gulou", history=history)
        if two:  # a second district beside the sample, the sample week's (no proposal yet)
            assert import_folder(store, "week", ROOT / "data" / "sample-week", name="周区")
        districts = ["gulou", "week"] if two else ["gulou"]
        with store.write() as tx:
            roles = ("dispatcher", "planner", "analyst", "supervisor")
            tokens = {r: tx.create_token(r, districts)[0] for r in roles}
            tokens["admin"] = tx.create_token("admin", label=ADMIN_LABEL)[0]
    finally:
        store.close()
    return tokens


#: the stores built so far in this process, by kind: (file, tokens). A server of its own
#: gets a copy of its kind's file: the same rows as building it again (the sample's
#: generated history takes seconds), and nothing another test changed.
_BUILT: dict[tuple[bool, ...], tuple[Path, dict[str, str]]] = {}


@pytest.fixture(scope="session")
def _built_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("built")


def _copy(
    db: Path,
    built: Path,
    history: bool = False,
    week: bool = False,
    full: bool = False,
    two: bool = False,
) -> dict[str, str]:
    """Write to ``db`` a store of this kind (built in ``built`` the first time); answers
    its tokens per role."""
    kind = (history, week, full, two)
    if kind not in _BUILT:
        made = built / f"store-{len(_BUILT)}.db"
        _BUILT[kind] = (made, _build(made, history=history, week=week, full=full, two=two))
    made, tokens = _BUILT[kind]
    for suffix in ("", "-wal", "-shm"):  # closed, the store is one file; copy all the same
        if made.with_name(made.name + suffix).exists():
            shutil.copyfile(made.with_name(made.name + suffix), db.with_name(db.name + suffix))
    return tokens


@pytest.fixture
def history_db(tmp_path: Path, _built_dir: Path) -> Path:
    """A store file of the test's own (not served) holding the sample with its generated
    history, as :func:`history_server` serves it, for a test to change before serving it."""
    db = tmp_path / "history.db"
    _copy(db, _built_dir, history=True)
    return db


@contextmanager
def _serve(
    tmp: Path,
    built: Path,
    history: bool = False,
    week: bool = False,
    full: bool = False,
    two: bool = False,
) -> Iterator[Server]:
    db = tmp / "console.db"
    tokens = _copy(db, built, history=history, week=week, full=full, two=two)
    with running_server(db, tmp) as base:
        yield Server(
            base,
            tokens["dispatcher"],
            tokens["planner"],
            tokens["analyst"],
            admin=tokens["admin"],
            supervisor=tokens["supervisor"],
        )


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, _built_dir: Path) -> Iterator[Server]:
    """One server for a module's tests, which share (and change) its store."""
    with _serve(tmp_path_factory.mktemp("console"), _built_dir) as s:
        yield s


@pytest.fixture
def fresh_server(tmp_path: Path, _built_dir: Path) -> Iterator[Server]:
    """A server of the test's own, for a test that must start from the untouched sample."""
    with _serve(tmp_path, _built_dir) as s:
        yield s


@pytest.fixture
def two_server(tmp_path: Path, _built_dir: Path) -> Iterator[Server]:
    """A server of the test's own over two districts: the sample (gulou, first) and the
    sample week (week), every role's token for both."""
    with _serve(tmp_path, _built_dir, two=True) as s:
        yield s


@pytest.fixture
def history_server(tmp_path: Path, _built_dir: Path) -> Iterator[Server]:
    """A server of the test's own over the sample with its 12 generated months of history
    (records, warnings and points with something to show), as ``serve --load-sample``."""
    with _serve(tmp_path, _built_dir, history=True) as s:
        yield s


@pytest.fixture(scope="module")
def history_module_server(
    tmp_path_factory: pytest.TempPathFactory, _built_dir: Path
) -> Iterator[Server]:
    """As :func:`history_server`, shared by a module's tests: for tests that read one run
    of the same steps (tests/console/test_day.py)."""
    with _serve(tmp_path_factory.mktemp("history"), _built_dir, history=True) as s:
        yield s


@pytest.fixture(scope="module")
def week_server(tmp_path_factory: pytest.TempPathFactory, _built_dir: Path) -> Iterator[Server]:
    """A server over ``data/sample-week`` (its 420 dated orders) with a few of Monday's
    orders dispatched (tests/console/weekdata.py), shared by a module's tests."""
    with _serve(tmp_path_factory.mktemp("week"), _built_dir, week=True) as s:
        yield s


@pytest.fixture
def full_server(tmp_path: Path, _built_dir: Path) -> Iterator[Server]:
    """A server over ``data/sample-week`` with one cadre of capacity 1 on ongoing work
    (tests/console/weekdata.py ``fill_with_ongoing``), of the test's own."""
    with _serve(tmp_path, _built_dir, full=True) as s:
        yield s


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    reason = _browser_missing()
    if reason is not None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true but {reason}")
        _skipped.append(reason)
        pytest.skip(reason)
    from playwright.sync_api import expect, sync_playwright

    # an assertion waits as long as an action does (pages.py): a loaded machine (CI's two
    # cores running the suite in two processes) is slow, not wrong
    expect.set_options(timeout=30_000)
    # Playwright gives every launch a fresh, empty profile (its own --user-data-dir)
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture(scope="session")
def shots() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def page_factory(browser: Any) -> Iterator[Any]:
    """Make pages (closed after the test): ``page_factory(width, height)``."""
    from tests.console.pages import Page

    made: list[Page] = []

    def make(width: int = 1280, height: int = 800) -> Page:
        made.append(Page(browser, width, height))
        return made[-1]

    yield make
    for pg in made:
        pg.ctx.close()
