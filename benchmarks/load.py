"""The service under load: concurrent dispatchers against real ``matcher serve`` processes.

Why this shape: a district's dispatchers propose, accept a few assignments and
cancel some, all at once. The numbers that matter to them are proposals per
second and their latency; the numbers that matter to the district are that
nothing breaks (no 5xx, no transport error) and nothing is lost or doubled: every
dispatch an accept answered with is in the store exactly once, no cadre holds
more than their capacity, no demand more than its headcount. 409 answers are the
design working (an accept of a proposal another dispatcher superseded), counted
apart from errors.

Each target is ``ENGINE:WORKERS`` (``sqlite:1``, ``postgresql:2`` …); each runs on
a fresh store loaded with the sample district (``--load-sample``). PostgreSQL
targets need ``--pg``: a URL of a server where the benchmark may create and drop
databases (``matcher_load_*``)::

    python -m benchmarks.load --pg 'postgresql://postgres@/postgres?host=/tmp/pg/sock' \\
        --target sqlite:1 --target postgresql:1 --target postgresql:2 --target postgresql:4
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

__all__ = ["Outcome", "main", "run_target"]

DISTRICT = "gulou"


@dataclass
class Outcome:
    """What one target's run measured."""

    target: str
    seconds: float
    proposals: int = 0
    latencies: list[float] = field(default_factory=list)
    accepted: int = 0
    cancelled: int = 0
    conflicts: int = 0
    errors: list[str] = field(default_factory=list)
    dispatch_ids: list[int] = field(default_factory=list)
    lost: int = 0
    doubled: int = 0
    over_capacity: int = 0
    over_headcount: int = 0

    def row(self) -> str:
        lat = sorted(self.latencies) or [0.0]
        p50 = statistics.median(lat)
        p99 = lat[min(len(lat) - 1, round(0.99 * (len(lat) - 1)))]
        rate = self.proposals / self.seconds if self.seconds else 0.0
        return (
            f"| {self.target} | {self.proposals} | {rate:.2f} | {p50:.2f} s | {p99:.2f} s "
            f"| {self.accepted} | {self.cancelled} | {self.conflicts} | {len(self.errors)} "
            f"| {self.lost} | {self.doubled} | {self.over_capacity} | {self.over_headcount} |"
        )


HEADER = (
    "| target | proposals | proposals/s | p50 | p99 | dispatches accepted | cancelled "
    "| 409 conflicts | errors | lost | doubled | over capacity | over headcount |\n"
    "|---|---|---|---|---|---|---|---|---|---|---|---|---|"
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _matcher(*args: str) -> list[str]:
    return [sys.executable, "-m", "matcher", *args]


def _new_pg_db(admin: str, name: str) -> str:
    """Create database ``name`` on the server of ``admin`` (dropped first); its URL."""
    import psycopg
    from sqlalchemy import make_url

    url = make_url(admin)
    with psycopg.connect(
        admin.replace("postgresql+psycopg://", "postgresql://"), autocommit=True
    ) as c:
        c.execute(f"DROP DATABASE IF EXISTS {name}")
        c.execute(f"CREATE DATABASE {name}")
    return url.set(database=name).render_as_string(hide_password=False)


async def _client(http: httpx.AsyncClient, rng: random.Random, until: float, out: Outcome) -> None:
    base = f"/v1/districts/{DISTRICT}"
    while time.monotonic() < until:
        t0 = time.monotonic()
        try:
            r = await http.post(f"{base}/proposals", json={})
        except httpx.TransportError as exc:
            out.errors.append(f"propose: {type(exc).__name__}")
            continue
        if r.status_code != 201:
            if r.status_code == 409:  # another dispatcher's proposal is being computed
                out.conflicts += 1
                continue
            out.errors.append(f"propose: {r.status_code} {r.text[:200]}")
            continue
        out.latencies.append(time.monotonic() - t0)
        out.proposals += 1
        body = r.json()
        pending = [a for a in body["result"]["assignments"] if a.get("state") == "pending"]
        chosen = rng.sample(pending, min(3, len(pending)))
        if not chosen:
            continue
        pairs = [{"cadre": a["cadre"], "demand": a["demand"]} for a in chosen]
        r = await http.post(f"{base}/proposals/{body['id']}/accept", json={"assignments": pairs})
        if r.status_code == 409:
            out.conflicts += 1
            continue
        if r.status_code != 201:
            out.errors.append(f"accept: {r.status_code} {r.text[:200]}")
            continue
        made = [d["id"] for d in r.json()["dispatches"]]
        out.dispatch_ids += made
        out.accepted += len(made)
        for did in made:
            if rng.random() < 0.5:
                r = await http.post(f"{base}/dispatches/{did}/cancel", json={"reason": "other"})
                if r.status_code == 200:
                    out.cancelled += 1
                else:
                    out.errors.append(f"cancel: {r.status_code}")


async def _all(http: httpx.AsyncClient, path: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    while True:
        r = await http.get(path, params={"limit": 500, "offset": len(rows)})
        r.raise_for_status()
        page = r.json()["data"]
        rows += page
        if len(page) < 500:
            return rows


async def _check(http: httpx.AsyncClient, out: Outcome) -> None:
    """Recount the store through the API: lost, doubled, over capacity or headcount."""
    base = f"/v1/districts/{DISTRICT}"
    dispatches = await _all(http, f"{base}/dispatches")
    seen = [d["id"] for d in dispatches]
    out.lost = len(set(out.dispatch_ids) - set(seen))
    out.doubled = len(seen) - len(set(seen)) + len(out.dispatch_ids) - len(set(out.dispatch_ids))
    active = [d for d in dispatches if d["status"] == "active"]
    pairs = [(d["cadre"], d["demand"]) for d in active]
    out.doubled += len(pairs) - len(set(pairs))
    cadres = {c["id"]: c for c in await _all(http, f"{base}/cadres")}
    demands = {d["id"]: d for d in await _all(http, f"{base}/demands")}
    held: dict[str, int] = {}
    filled: dict[str, int] = {}
    for d in active:
        held[d["cadre"]] = held.get(d["cadre"], 0) + 1
        filled[d["demand"]] = filled.get(d["demand"], 0) + 1
    out.over_capacity = sum(n > cadres[c]["capacity"] for c, n in held.items())
    out.over_headcount = sum(n > demands[d]["headcount"] for d, n in filled.items())


def run_target(target: str, pg: str | None, clients: int, seconds: float, seed: int) -> Outcome:
    """Start a fresh server for ``target`` (``engine:workers``), load it, check it."""
    engine, _, n = target.partition(":")
    workers = int(n or "1")
    with tempfile.TemporaryDirectory(prefix="matcher-load-") as tmp:
        if engine == "sqlite":
            db = str(Path(tmp) / "load.db")
        elif engine == "postgresql":
            if pg is None:
                raise SystemExit(f"{target}: pass --pg URL (a server the benchmark may use)")
            db = _new_pg_db(pg, f"matcher_load_{engine[:2]}{workers}")
        else:
            raise SystemExit(f"{target}: the engine is sqlite or postgresql")
        env = {**os.environ, "MATCHER_LOAD_KERNELS": "false"}
        subprocess.run(_matcher("import", "data/sample-district", "--district", DISTRICT,
                                "--db", db), check=True, env=env, capture_output=True)  # fmt: skip
        token = subprocess.run(
            _matcher("token", "create", "--role", "dispatcher", "--district", DISTRICT,
                     "--db", db), check=True, env=env, capture_output=True, text=True,
        ).stdout.strip()  # fmt: skip
        port = _free_port()
        cmd = _matcher("serve", "--db", db, "--port", str(port), "--log-level", "warning")
        if workers > 1:
            cmd += ["--workers", str(workers)]
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            return asyncio.run(_drive(port, token, clients, seconds, seed, target, proc))
        finally:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()


async def _drive(
    port: int, token: str, clients: int, seconds: float, seed: int, target: str,
    proc: subprocess.Popen[bytes],
) -> Outcome:  # fmt: skip
    headers = {"Authorization": f"Bearer {token}"}
    base = f"http://127.0.0.1:{port}"
    limits = httpx.Limits(max_connections=clients)
    async with httpx.AsyncClient(
        base_url=base, headers=headers, timeout=300, limits=limits
    ) as http:
        deadline = time.monotonic() + 120
        while True:
            if proc.poll() is not None:
                raise SystemExit(f"{target}: the server stopped: {proc.stderr.read()!r}")  # type: ignore[union-attr]
            try:
                if (await http.get("/health")).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit(f"{target}: the server did not start")
            await asyncio.sleep(0.2)
        out = Outcome(target, seconds)
        start = time.monotonic()
        rngs = [random.Random(seed * 1000 + k) for k in range(clients)]
        await asyncio.gather(*(_client(http, r, start + seconds, out) for r in rngs))
        out.seconds = time.monotonic() - start
        await _check(http, out)
        return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.load", description=__doc__)
    ap.add_argument("--target", action="append", default=[], help="engine:workers, repeatable")
    ap.add_argument("--pg", help="PostgreSQL server URL for postgresql targets")
    ap.add_argument("--clients", type=int, default=16)
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)
    targets = args.target or ["sqlite:1"]
    print(HEADER)
    bad = 0
    for target in targets:
        out = run_target(target, args.pg, args.clients, args.seconds, args.seed)
        print(out.row(), flush=True)
        bad += len(out.errors) + out.lost + out.doubled + out.over_capacity + out.over_headcount
        for e in sorted(set(out.errors))[:5]:
            print(f"  {target}: {e}", file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
