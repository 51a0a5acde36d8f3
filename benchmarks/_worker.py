"""One measured step, run in its own process by the harness (``python -m benchmarks._worker``).

Steps: ``prepare CASE PROBLEM.npz OUT.json`` (load, score every usable pair
block by block, baselines), ``solve NAME PROBLEM.npz OUT.json`` (one solver),
``propose CASE OUT.json`` (matcher end to end). Each writes a JSON record; a
MemoryError or other failure is recorded in it rather than raised.
"""

from __future__ import annotations

import json
import sys
import time
import traceback
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.measure import Phase, max_rss_mb

__all__ = ["do_prepare", "do_propose", "do_solve", "main"]


def do_prepare(case_dir: Path, problem_path: Path, name: str, seed: int) -> dict[str, Any]:
    import matcher
    from benchmarks.baselines import BASELINES, random_feasible
    from benchmarks.problem import Problem

    rec: dict[str, Any] = {"phases": {}, "baselines": {}}
    with Phase() as ph:
        case = matcher.load_case(case_dir)
    rec["phases"]["load"] = ph.record()
    with Phase() as ph:
        # every usable pair, streamed: the dense matrices do not fit at city scale
        p = Problem.from_stream(case, name=name)
    rec["phases"]["score"] = ph.record()
    rec["n_cadres"], rec["n_demands"] = p.n_rows, p.n_cols
    rec["n_feasible"], rec["n_usable"] = p.n_feasible, p.n_edges
    rec["slots"], rec["capacity"] = int(p.headcount.sum()), int(p.capacity.sum())
    p.save(problem_path)
    chosen: dict[str, np.ndarray] = {}
    for bname, fn in BASELINES.items():
        with Phase() as ph:
            pairs = random_feasible(p, seed) if fn is random_feasible else fn(p)
        chosen[bname] = pairs.edges
        rec["baselines"][bname] = {"status": "ok", "times": {"solve": ph.record()}}
    np.savez(problem_path.with_suffix(".baselines.npz"), allow_pickle=False, **chosen)
    rec["max_rss_mb"] = round(max_rss_mb(), 1)
    return rec


def do_solve(name: str, problem_path: Path, max_bytes: int) -> dict[str, Any]:
    from benchmarks.peers import Skipped, run_solver
    from benchmarks.problem import Problem

    with Phase() as ph:
        p = Problem.load(problem_path)
    rec: dict[str, Any] = {"times": {"read": ph.record()}}
    try:
        with Phase() as ph:
            out = run_solver(name, p, max_bytes)
    except Skipped as exc:
        return {**rec, "status": "skipped", "note": str(exc)}
    rec["times"]["build"] = {"seconds": round(out.build_s, 4)}
    rec["times"]["solve"] = {"seconds": round(out.solve_s, 4)}
    rec["times"]["total"] = ph.record()
    np.save(problem_path.with_suffix(f".{name}.npy"), out.edges)
    rec["status"] = "ok"
    rec["info"] = out.info
    rec["max_rss_mb"] = round(max_rss_mb(), 1)
    return rec


def do_propose(case_dir: Path) -> dict[str, Any]:
    import matcher

    case = matcher.load_case(case_dir)
    # the compiled kernels load before the clock starts, as each peer's library
    # is imported before its own: recorded apart, once per process
    with Phase() as ph:
        matcher.load_kernels()
    start_up = ph.record()
    marks: list[tuple[str, float]] = []

    def mark(phase: str) -> None:
        marks.append((phase, time.perf_counter()))

    with Phase() as ph:
        prop = matcher.propose(case, progress=mark)
    end = time.perf_counter()
    phases: dict[str, float] = {}
    for (name, t0), (_, t1) in zip(marks, [*marks[1:], ("", end)], strict=True):
        phases[name] = round(phases.get(name, 0.0) + t1 - t0, 4)
    return {
        "status": "ok",
        "times": {"propose": ph.record(), "start-up": start_up},
        # wall time from each phase's start to the next one's (the first starts
        # after the proposal's own set-up, which the total counts)
        "phases": phases,
        "objective": prop.objective,
        "certified": prop.certified,
        "alternatives_below": prop.alternatives_below,
        "solver": prop.solver,
        "n_cadres": len(case.cadres),
        "n_demands": len(case.demands),
        "slots": int(sum(d.headcount for d in case.demands)),
        "slots_filled": prop.kpis.slots_filled,
        "max_rss_mb": round(max_rss_mb(), 1),
    }


def _run(argv: list[str]) -> dict[str, Any]:
    step = argv[0]
    if step == "prepare":
        return do_prepare(Path(argv[1]), Path(argv[2]), argv[4], int(argv[5]))
    if step == "solve":
        return do_solve(argv[1], Path(argv[2]), int(argv[4]))
    if step == "propose":
        return do_propose(Path(argv[1]))
    raise SystemExit(f"unknown step {step!r}")


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    out = Path(args[3] if args[0] != "propose" else args[2])
    try:
        rec = _run(args)
    except MemoryError:
        rec = {
            "status": "memory",
            "note": "MemoryError (address-space limit reached)",
            "traceback": traceback.format_exc(limit=8),
        }
    except Exception as exc:  # recorded, not raised: the harness reports it
        rec = {
            "status": "error",
            "note": f"{type(exc).__name__}: {exc}",
            "traceback": traceback.format_exc(limit=5),
        }
    rec.setdefault("max_rss_mb", round(max_rss_mb(), 1))
    out.write_text(json.dumps(rec, indent=1, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
