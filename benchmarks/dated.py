"""Dated work orders solved exactly: matcher's MILP against OR-Tools CP-SAT on one model.

Run: ``python -m benchmarks.dated [--size district|city|sample-week] [--seconds S]``.

The case is generated (``matcher.generate``, seed 1): ``district`` is 2,000 cadres,
300 ongoing demands and 1,400 dated orders in one week; ``city`` 20,000 cadres and
10,000 dated orders; ``sample-week`` the bundled sample week. Both solvers see the
same problem: every feasible pair scoring above 0 (``matcher.score_matrix``), its
score on the 10⁻⁴ grid as an integer, headcounts, and per cadre its capacity at
each instant (ongoing work all the time, a dated order in its window) and its
hours per ISO week. CP-SAT models a cadre's capacity with its own cumulative
constraint (an optional interval per pair; ongoing ones span the week) — the
natural CP formulation. Each solver runs in its own process (peak RSS is its
own, or its child's: matcher's large MILP runs in a child process); time is wall
time to a *proven* optimum, or the limit, beside the process's CPU time (all its
threads: CP-SAT runs 2 workers), which a loaded machine moves less.
"""

from __future__ import annotations

import argparse
import math
import multiprocessing as mp
import resource
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.measure import max_rss_mb
from matcher import SAMPLE_DISTRICT, Case, load_case, propose, score_matrix
from matcher.dated import hours_by_week
from matcher.generate import generate_case

__all__ = ["SIZES", "main", "model_arrays"]

#: name → (cadres, ongoing demands, dated orders)
SIZES = {"district": (2_000, 300, 1_400), "city": (20_000, 0, 10_000)}
GRID = 10_000


def _case(size: str, cache: Path) -> Case:
    if size == "sample-week":
        return load_case(Path(SAMPLE_DISTRICT).parent / "sample-week")
    n, m, dated = SIZES[size]
    folder = cache / f"dated-{size}-seed1"
    if not (folder / "demands.csv").exists():
        generate_case(folder, n_cadres=n, n_demands=m, seed=1, n_dated=dated)
    return load_case(folder)


def model_arrays(case: Case) -> dict[str, Any]:
    """The problem both solvers see (see the module docstring)."""
    sm = score_matrix(case)
    r, c = np.nonzero(sm.feasible & (sm.scores > 0))
    w = np.rint(sm.scores[r, c] * GRID).astype(np.int64)
    wins = [d.window for d in case.demands]
    t0 = min((x.start.timestamp() for x in wins if x is not None), default=0.0)
    t1 = max((x.end.timestamp() for x in wins if x is not None), default=1.0)
    start = np.array([t0 if x is None else x.start.timestamp() for x in wins])
    end = np.array([t1 + 1 if x is None else x.end.timestamp() for x in wins])
    hours = [
        {} if x is None else hours_by_week(x, d.hours)
        for x, d in zip(wins, case.demands, strict=True)
    ]
    return {
        "r": r, "c": c, "w": w, "cap": sm.capacity, "head": sm.headcount,
        "start": start - t0, "end": end - t0, "dated": np.array([x is not None for x in wins]),
        "hours": hours, "limit": np.array([x.hours_per_week for x in case.cadres]),
    }  # fmt: skip


def _cpsat(a: dict[str, Any], seconds: float) -> dict[str, Any]:
    from ortools.sat.python import cp_model

    m = cp_model.CpModel()
    x = [m.new_bool_var(f"x{k}") for k in range(a["r"].size)]
    by_row: dict[int, list[int]] = {}
    by_col: dict[int, list[int]] = {}
    for k, (i, j) in enumerate(zip(a["r"].tolist(), a["c"].tolist(), strict=True)):
        by_row.setdefault(i, []).append(k)
        by_col.setdefault(j, []).append(k)
    for j, ks in by_col.items():
        m.add(sum(x[k] for k in ks) <= int(a["head"][j]))
    for i, ks in by_row.items():
        intervals = []
        for k in ks:
            j = int(a["c"][k])
            s, e = int(a["start"][j] // 60), math.ceil(a["end"][j] / 60)
            intervals.append(m.new_optional_fixed_size_interval_var(s, e - s, x[k], f"i{k}"))
        m.add_cumulative(intervals, [1] * len(intervals), int(a["cap"][i]))
        if math.isfinite(a["limit"][i]):
            weeks: dict[tuple[int, int], list[tuple[int, int]]] = {}
            for k in ks:
                for wk, h in a["hours"][int(a["c"][k])].items():
                    weeks.setdefault(wk, []).append((k, round(h * 60)))
            for pairs in weeks.values():
                m.add(sum(x[k] * h for k, h in pairs) <= int(a["limit"][i] * 60))
    m.maximize(sum(int(wk) * x[k] for k, wk in enumerate(a["w"].tolist())))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = seconds
    solver.parameters.num_workers = 2
    t = time.perf_counter()
    status = solver.solve(m)
    took = time.perf_counter() - t
    return {
        "solver": "cp-sat",
        "proven": status == cp_model.OPTIMAL,
        "objective": solver.objective_value / GRID,
        "bound": solver.best_objective_bound / GRID,
        "seconds": took,
    }


def _run(which: str, size: str, cache: str, seconds: float, out: Any) -> None:
    case = _case(size, Path(cache))
    if which == "matcher":
        t = time.perf_counter()
        p = propose(case)
        got = {
            "solver": f"matcher ({p.solver})", "proven": p.certified,
            "objective": p.objective, "bound": p.bound, "seconds": time.perf_counter() - t,
        }  # fmt: skip
    else:
        a = model_arrays(case)
        got = _cpsat(a, seconds)
    use = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    # this process's peak or its largest child's: matcher's large LPs and MILPs run in a
    # child process (matcher.solver.sided), CP-SAT in this one
    got["peak_mib"] = max_rss_mb()
    # CPU seconds of every thread, the children's too: on a shared machine wall time
    # swings with the load
    got["cpu"] = use.ru_utime + use.ru_stime + kids.ru_utime + kids.ru_stime
    out.put(got)


def measure(size: str, cache: Path, seconds: float) -> list[dict[str, Any]]:
    """matcher and CP-SAT on ``size``, each in its own process."""
    ctx = mp.get_context("spawn")
    rows = []
    for which in ("matcher", "cp-sat"):
        q = ctx.Queue()
        p = ctx.Process(target=_run, args=(which, size, str(cache), seconds, q))
        p.start()
        rows.append(q.get())
        p.join()
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.dated", description=__doc__)
    ap.add_argument("--size", default="district", choices=[*SIZES, "sample-week"])
    ap.add_argument("--seconds", type=float, default=600.0, help="CP-SAT's time limit")
    ap.add_argument("--cache", type=Path, default=Path("bench-cases"))
    ap.add_argument("--out", type=Path)
    args = ap.parse_args(argv)
    rows = measure(args.size, args.cache, args.seconds)
    lines = [
        "| solver | proven optimal | objective | bound | seconds | CPU seconds | peak RSS (MiB) |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        bound = "—" if r["bound"] is None else f"{r['bound']:.4f}"
        lines.append(
            f"| {r['solver']} | {r['proven']} | {r['objective']:.4f} | {bound}"
            f" | {r['seconds']:.1f} | {r['cpu']:.1f} | {r['peak_mib']:.0f} |"
        )
    text = "\n".join(lines) + "\n"
    print(text, end="")
    if args.out is not None:
        args.out.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
