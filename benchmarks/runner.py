"""Run a suite or the OR-Library set: steps (in separate processes when isolated), then metrics.

Isolated runs start one process per step (prepare, each solver, propose) with
a wall-clock limit and an address-space limit, so a solver that runs out of
time or memory is recorded as such and the run goes on, and each solver's
peak RSS is its own. In-process runs (the quick suite's default) skip the
process start-up and have no limits.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks import _worker
from benchmarks.instances import SUITES, resolve, split_name
from benchmarks.machine import machine_info
from benchmarks.metrics import evaluate
from benchmarks.peers import EXACT_MODEL, SOLVERS
from benchmarks.problem import Problem

__all__ = ["PROPOSE_ONLY", "Config", "run_orlib", "run_suite"]

GIB = 2**30
#: sizes run as a whole proposal only: every usable pair (about 600 million at
#: metro) would take more memory than this machine has, so no peer can be fed
PROPOSE_ONLY = frozenset({"metro"})


@dataclass
class Config:
    out: Path
    seed: int = 0
    isolate: bool = False
    solver_timeout: float = 600.0  # matcher's solver core
    peer_timeout: float = 300.0
    prepare_timeout: float = 1200.0
    mem_limit_gb: float = 0.0  # 0: 85% of physical memory
    max_dense_gb: float = 4.0
    solvers: tuple[str, ...] = tuple(SOLVERS)
    propose: bool = True
    log: Any = field(default=None)

    def say(self, msg: str) -> None:
        if self.log is not None:
            self.log(msg)


def _mem_limit(cfg: Config) -> int:
    if cfg.mem_limit_gb > 0:
        return int(cfg.mem_limit_gb * GIB)
    return int(0.85 * os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"))


def _step(args: list[str], out: Path, cfg: Config, timeout: float) -> dict[str, Any]:
    """Run one worker step; returns its JSON record (or a timeout/crash record)."""
    if not cfg.isolate:
        _worker.main(args)
        rec: dict[str, Any] = json.loads(out.read_text())
        return rec
    roots = {str(Path(__file__).resolve().parent.parent)}
    import matcher

    roots.add(str(Path(matcher.__file__).resolve().parent.parent))
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([*sorted(roots), env.get("PYTHONPATH", "")]).rstrip(
        os.pathsep
    )
    limit = _mem_limit(cfg)

    def cap() -> None:  # runs in the child before exec
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    out.unlink(missing_ok=True)
    t0 = time.perf_counter()
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "benchmarks._worker", *args],
            env=env,
            timeout=timeout,
            preexec_fn=cap,
            capture_output=True,
            text=True,
        )
    except subprocess.TimeoutExpired:
        return {"status": "timeout", "note": f"no result within {timeout:.0f} s (killed)"}
    if out.exists():
        rec = json.loads(out.read_text())
        rec["wall_s"] = round(time.perf_counter() - t0, 3)
        return rec
    tail = (proc.stderr or "").strip().splitlines()[-3:]
    return {"status": "crashed", "note": f"exit code {proc.returncode}: {' | '.join(tail)}"}


def _solve_all(p_path: Path, tag: str, cfg: Config) -> dict[str, dict[str, Any]]:
    recs = {}
    for name in cfg.solvers:
        cfg.say(f"  {tag}: {name} …")
        out = p_path.with_suffix(f".{name}.json")
        args = ["solve", name, str(p_path), str(out), str(int(cfg.max_dense_gb * GIB))]
        limit = cfg.solver_timeout if name == "matcher" else cfg.peer_timeout
        rec = _step(args, out, cfg, limit)
        rec["kind"] = "solver"
        rec["exact_model"] = name in EXACT_MODEL
        recs[name] = rec
        secs = rec.get("times", {}).get("solve", {}).get("seconds")
        cfg.say(
            f"  {tag}: {name} {rec['status']}"
            + (f" {secs:.2f} s" if secs is not None else "")
            + (f" — {rec['note']}" if rec.get("note") else "")
        )
    return recs


def _optimum(
    p: Problem, recs: dict[str, dict[str, Any]], p_path: Path
) -> tuple[float | None, str | None, dict[str, np.ndarray]]:
    edges = {}
    for name, rec in recs.items():
        f = p_path.with_suffix(f".{name}.npy")
        if rec.get("status") == "ok" and f.exists():
            edges[name] = np.load(f)
    for ref in ("matcher", "ortools-mcf"):
        if ref in edges:
            return float(p.score[edges[ref]].sum()), ref, edges
    return None, None, edges


def run_instance(name: str, cfg: Config, cases_dir: Path, work: Path) -> dict[str, Any]:
    inst = resolve(name, cases_dir, cfg.seed)
    cfg.say(f"{inst.name}: {inst.source}")
    p_path = work / f"{inst.name}.npz"
    prep = _step(
        [
            "prepare",
            str(inst.folder),
            str(p_path),
            str(work / f"{inst.name}.prepare.json"),
            inst.name,
            str(cfg.seed),
        ],
        work / f"{inst.name}.prepare.json",
        cfg,
        cfg.prepare_timeout,
    )
    res: dict[str, Any] = {"name": inst.name, "source": inst.source, "folder": str(inst.folder)}
    if "phases" not in prep:
        cfg.say(f"  {inst.name}: prepare {prep.get('status')} — {prep.get('note')}")
        return {**res, "status": prep.get("status"), "note": prep.get("note")}
    baselines = prep.pop("baselines")
    res.update(prep)
    res["status"] = "ok"
    p = Problem.load(p_path)
    recs = _solve_all(p_path, inst.name, cfg)
    opt, ref, edges = _optimum(p, recs, p_path)
    res["optimum"], res["optimum_from"] = opt, ref
    with np.load(p_path.with_suffix(".baselines.npz")) as z:
        for bname in baselines:
            edges[bname] = z[bname]
    methods: dict[str, dict[str, Any]] = {}
    for bname, rec in baselines.items():
        methods[bname] = {**rec, "kind": "baseline", "metrics": evaluate(p, edges[bname], opt)}
    for sname, rec in recs.items():
        if sname in edges:
            rec["metrics"] = evaluate(p, edges[sname], opt)
        methods[sname] = rec
    res["methods"] = methods
    if cfg.propose:
        res["propose"] = _propose(inst.name, inst.folder, work, cfg)
    return res


def _propose(name: str, folder: Path, work: Path, cfg: Config) -> dict[str, Any]:
    """matcher end to end (score, solve, certify, alternates, reasons) in its own step."""
    cfg.say(f"  {name}: propose …")
    out = work / f"{name}.propose.json"
    rec = _step(["propose", str(folder), str(out)], out, cfg, cfg.solver_timeout)
    secs = rec.get("times", {}).get("propose", {}).get("seconds")
    cfg.say(
        f"  {name}: propose {rec.get('status')}"
        + (f" {secs:.2f} s, {rec.get('max_rss_mb', 0):,.0f} MiB" if secs is not None else "")
    )
    return rec


def run_propose_only(name: str, cfg: Config, cases_dir: Path, work: Path) -> dict[str, Any]:
    """Sizes whose every-pair list no peer could hold: matcher's proposal alone."""
    inst = resolve(name, cases_dir, cfg.seed)
    cfg.say(f"{inst.name}: {inst.source} (proposal only)")
    return {
        "name": inst.name,
        "source": inst.source,
        "folder": str(inst.folder),
        "status": "propose-only",
        "propose": _propose(inst.name, inst.folder, work, cfg),
    }


def run_suite(
    suite: str, cfg: Config, extra: tuple[str, ...] = (), sizes: tuple[str, ...] | None = None
) -> dict[str, Any]:
    """Run every instance of ``suite`` (plus ``extra`` sizes or folders); returns the report."""
    names = list(sizes if sizes is not None else SUITES[suite]) + list(extra)
    cfg.out.mkdir(parents=True, exist_ok=True)
    cases_dir = cfg.out / "cases"
    report: dict[str, Any] = {
        "kind": "suite",
        "suite": suite,
        "seed": cfg.seed,
        "isolated": cfg.isolate,
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine_info(),
        "instances": [],
        "not_run": {},
    }
    with tempfile.TemporaryDirectory(prefix="bench-", dir=cfg.out) as tmp:
        for name in names:
            both = split_name(name)
            size = name if both is None else both[1]
            run = run_propose_only if size in PROPOSE_ONLY else run_instance
            report["instances"].append(run(name, cfg, cases_dir, Path(tmp)))
    report["finished"] = datetime.now(UTC).isoformat(timespec="seconds")
    return report


def run_orlib(folder: Path, cfg: Config) -> dict[str, Any]:
    """Every ``assignpN.txt`` in ``folder``: each solver's cost against the published optimum."""
    from benchmarks.orlib import find_instances, min_cost, read_instance, read_optima, to_problem

    opt_file = folder / "assignopt.txt"
    published = read_optima(opt_file) if opt_file.exists() else {}
    cfg.out.mkdir(parents=True, exist_ok=True)
    report: dict[str, Any] = {
        "kind": "orlib",
        "folder": str(folder),
        "isolated": cfg.isolate,
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine_info(),
        "instances": [],
    }
    with tempfile.TemporaryDirectory(prefix="orlib-", dir=cfg.out) as tmp:
        for f in find_instances(folder):
            t0 = time.perf_counter()
            inst = read_instance(f)
            read_s = time.perf_counter() - t0
            p = to_problem(inst)
            p_path = Path(tmp) / f"{inst.name}.npz"
            p.save(p_path)
            cfg.say(f"{inst.name}: n={inst.n}, {inst.cost.size:,} arcs")
            recs = _solve_all(p_path, inst.name, cfg)
            _, _, edges = _optimum(p, recs, p_path)
            for name, e in edges.items():
                obj = float(p.score[e].sum())
                recs[name]["assigned"] = int(e.size)
                recs[name]["perfect"] = bool(
                    e.size == inst.n
                    and np.unique(p.rows[e]).size == inst.n
                    and np.unique(p.cols[e]).size == inst.n
                )
                recs[name]["cost"] = min_cost(inst, obj) if recs[name]["perfect"] else None
            pub = published.get(inst.name)
            for rec in recs.values():
                if rec.get("cost") is not None and pub is not None:
                    rec["matches_published"] = rec["cost"] == pub
            report["instances"].append(
                {
                    "name": inst.name,
                    "n": inst.n,
                    "arcs": int(inst.cost.size),
                    "big": inst.big,
                    "read_s": round(read_s, 4),
                    "published": pub,
                    "methods": recs,
                }
            )
    report["finished"] = datetime.now(UTC).isoformat(timespec="seconds")
    return report
