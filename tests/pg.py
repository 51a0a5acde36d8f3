"""A throwaway PostgreSQL server for the tests: ``initdb`` into a temporary folder,
``postgres`` listening only on a Unix socket there, one fresh database per test (dropped
at its end).

Why a real server rather than a mock: the store's guarantees on PostgreSQL (the
write lock, the audit chain, no overdrawn points) are only as good as the SQL the
server actually accepts and the locks it actually takes. The server is tuned for
tests only (no fsync: a crash loses nothing a test needs), so a new database
(copied from a migrated template) costs a few milliseconds. Its databases compare
text as ICU's en-US does, not in byte order (as most servers' default collation
does not), so the tests see the collation the store sets on its own columns.

Debian keeps the binaries in ``/usr/lib/postgresql/<major>/bin`` (not on PATH);
``initdb`` refuses to run as root, so as root the cluster is made and run as the
``postgres`` system user.
"""

from __future__ import annotations

import itertools
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

__all__ = ["NewDb", "PgServer", "find_bin", "run_script", "start_server"]

TEMPLATE = "matcher_template"


class NewDb(Protocol):
    """The ``new_db`` fixture (tests/conftest.py): a new database on the test's engine."""

    def __call__(self, empty: bool = False) -> str: ...


def find_bin() -> Path | None:
    """The folder holding ``initdb``, ``pg_ctl`` and ``postgres``, or None when absent."""
    found = shutil.which("pg_ctl")
    if found and shutil.which("initdb") and shutil.which("postgres"):
        return Path(found).parent
    versions = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"),
        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0,
    )
    return versions[-1].parent if versions else None


def run_script(db: str, script: str) -> None:
    """Run ``;``-separated SQL statements on ``db`` (a SQLite file or a PostgreSQL URL) in one
    transaction, straight through SQLAlchemy: the store's code (and its migrations) is
    not involved, as when an older matcher made the database."""
    from sqlalchemy import create_engine, make_url

    if "://" in db:
        url = make_url(db).set(drivername="postgresql+psycopg")
    else:
        url = make_url(f"sqlite:///{db}")
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            for statement in script.split(";"):
                if statement.strip():
                    conn.exec_driver_sql(statement)
    finally:
        engine.dispose()


def _as_server_user(cmd: list[str]) -> list[str]:
    """``cmd`` run as the ``postgres`` system user when we are root (initdb refuses root)."""
    if os.geteuid() != 0:
        return cmd
    return ["runuser", "-u", "postgres", "--", *cmd]


@dataclass
class PgServer:
    """A running server; :meth:`new_url` makes a fresh, migrated database per call."""

    bindir: Path
    root: Path
    counter: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def socket_dir(self) -> Path:
        return self.root / "sock"

    def url(self, database: str) -> str:
        return f"postgresql://postgres@/{database}?host={self.socket_dir}"

    def psql(self, sql: str, database: str = "postgres") -> None:
        """Run one statement as the superuser (outside a transaction: CREATE DATABASE)."""
        import psycopg

        with psycopg.connect(
            host=str(self.socket_dir), user="postgres", dbname=database, autocommit=True
        ) as conn:
            conn.execute(sql)  # type: ignore[arg-type]

    def make_template(self) -> None:
        """A database migrated once by the store, copied for every test."""
        from matcher.store import Store

        self.psql(f"CREATE DATABASE {TEMPLATE}")
        Store.open(self.url(TEMPLATE)).close()
        self.psql(f"ALTER DATABASE {TEMPLATE} WITH ALLOW_CONNECTIONS false")

    def new_url(self) -> str:
        """The URL of a new database holding the store's current (empty) schema."""
        name = f"t{next(self.counter)}"
        self.psql(f"CREATE DATABASE {name} TEMPLATE {TEMPLATE}")
        return self.url(name)

    def empty_url(self) -> str:
        """The URL of a new database with no tables at all (for migration tests)."""
        name = f"e{next(self.counter)}"
        self.psql(f"CREATE DATABASE {name}")
        return self.url(name)

    def drop(self, url: str) -> None:
        """Drop the database of ``url`` (one of :meth:`new_url`'s), closing what is still
        connected: a test's databases are dropped at its end, so the cluster (in memory,
        see :func:`start_server`) holds only the running tests' ones."""
        name = url.rsplit("/", 1)[1].split("?", 1)[0]
        self.psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    def stop(self) -> None:
        """Stop the server at once and remove its folder (called on failure too)."""
        if (self.data / "postmaster.pid").exists():
            subprocess.run(
                _as_server_user(
                    [str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop"]
                ),
                capture_output=True,
                check=False,
            )
        shutil.rmtree(self.root, ignore_errors=True)


def _server_parent() -> str | None:
    """Where the cluster lives: /dev/shm (memory) when there is one, else /tmp.

    Why memory: every test copies a database (some 400 files) and the run ends by removing
    them all; on a slow disk that I/O, not the SQL, was most of the PostgreSQL tests' time
    (a minute of removal at the end of a run). Both paths are short enough for a Unix
    socket, and ones the server user can enter.
    """
    for parent in ("/dev/shm", "/tmp"):
        if Path(parent).is_dir() and os.access(parent, os.W_OK | os.X_OK):
            return parent
    return None


def start_server(bindir: Path) -> PgServer:
    """initdb a cluster in a new temporary folder and start it on a socket there.

    Raises RuntimeError with the server's own words when it cannot start.
    """
    root = Path(tempfile.mkdtemp(prefix="matcher-pg-", dir=_server_parent()))
    server = PgServer(bindir, root)
    server.socket_dir.mkdir()
    if os.geteuid() == 0:
        # the server user must own its folders; /tmp itself is world-traversable
        root.chmod(0o755)
        shutil.chown(server.socket_dir, "postgres", "postgres")
        shutil.chown(root, "postgres", "postgres")
    log = root / "server.log"
    try:
        subprocess.run(
            _as_server_user(
                [
                    str(bindir / "initdb"),
                    "-D",
                    str(server.data),
                    "-U",
                    "postgres",
                    "--auth=trust",
                    "--encoding=UTF8",
                    # a collation that is not byte order (as most servers' default is):
                    # the store must not depend on the database's collation
                    "--locale-provider=icu",
                    "--icu-locale=en-US",
                    "--locale=C.UTF-8",
                    "--no-sync",
                ]
            ),
            capture_output=True,
            text=True,
            check=True,
        )
        options = " ".join(
            [
                "-c listen_addresses=''",
                f"-c unix_socket_directories='{server.socket_dir}'",
                "-c fsync=off",
                "-c synchronous_commit=off",
                "-c full_page_writes=off",
                "-c max_connections=100",
                "-c shared_buffers=32MB",
                # each new database is copied through the WAL: keep little of it (in memory)
                "-c max_wal_size=128MB",
            ]
        )
        subprocess.run(
            _as_server_user(
                [
                    str(bindir / "pg_ctl"),
                    "-D",
                    str(server.data),
                    "-l",
                    str(log),
                    "-o",
                    options,
                    "-w",
                    "-t",
                    "60",
                    "start",
                ]
            ),
            capture_output=True,
            text=True,
            check=True,
        )
        server.make_template()
    except subprocess.CalledProcessError as exc:
        words = exc.stderr or exc.stdout or ""
        if log.exists():
            words += log.read_text(errors="replace")[-2000:]
        server.stop()
        raise RuntimeError(f"cannot start PostgreSQL from {bindir}: {words.strip()}") from None
    except BaseException:
        server.stop()
        raise
    return server
