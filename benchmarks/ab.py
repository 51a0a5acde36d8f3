"""Two source trees, one case, alternating rounds: is a change within noise?

A single harness reading per size swings by about ±20 % on a shared machine, so a
before/after comparison of one run each says little. This runs one fresh process
per (tree, round), alternating A, B, A, B…, so that slow drifts of the machine
(other jobs, thermal state) fall on both trees alike; each process loads the
compiled kernels before its clock starts and times ``repeat`` proposals of the
case. It reports each tree's per-round medians, their median, and the ratio
B / A with the spread of the per-round ratios (the pairs are adjacent in time),
for wall time and for the process's CPU time: on a machine shared with other
work, wall time measures the neighbours as much as the change, CPU time much less.

    python -m benchmarks.ab TREE_A TREE_B CASE [--rounds 8] [--repeat 3] [-o OUT.json]

``TREE_A`` and ``TREE_B`` are checkouts (e.g. ``git worktree add /tmp/before REV``);
each process imports ``matcher`` from its tree (``PYTHONPATH``), so both trees
must run on this interpreter's installed dependencies.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

__all__ = ["main", "one_round"]

#: run inside each process: load kernels, then time ``repeat`` proposals
_PROBE = """
import json, sys, time
import matcher
matcher.load_kernels()
case = matcher.load_case(sys.argv[1])
times, cpu, objective, certified = [], [], None, None
for _ in range(int(sys.argv[2])):
    t0, c0 = time.perf_counter(), time.process_time()
    p = matcher.propose(case)
    times.append(time.perf_counter() - t0)
    cpu.append(time.process_time() - c0)
    objective, certified = p.objective, p.certified
print(json.dumps({"times": times, "cpu": cpu, "objective": objective, "certified": certified,
                  "matcher": matcher.__file__}))
"""


def one_round(tree: Path, case: Path, repeat: int) -> dict[str, Any]:
    """One process of ``tree`` timing ``repeat`` proposals of ``case``."""
    env = {**os.environ, "PYTHONPATH": str(tree)}
    out = subprocess.run(
        [sys.executable, "-c", _PROBE, str(case), str(repeat)],
        env=env,
        cwd=tree,
        capture_output=True,
        text=True,
        check=True,
    )
    rec: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    if not str(rec["matcher"]).startswith(str(tree)):
        raise SystemExit(f"{tree}: imported matcher from {rec['matcher']}")
    return rec


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.ab", description=__doc__)
    ap.add_argument("tree_a", type=Path)
    ap.add_argument("tree_b", type=Path)
    ap.add_argument("case", type=Path)
    ap.add_argument("--rounds", type=int, default=8)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("-o", "--out", type=Path)
    args = ap.parse_args(argv)
    trees = {"A": args.tree_a.resolve(), "B": args.tree_b.resolve()}
    rounds: dict[str, list[float]] = {"A": [], "B": []}
    cpu: dict[str, list[float]] = {"A": [], "B": []}
    objectives: dict[str, set[float]] = {"A": set(), "B": set()}
    for i in range(args.rounds):
        for name in ("A", "B") if i % 2 == 0 else ("B", "A"):
            rec = one_round(trees[name], args.case.resolve(), args.repeat)
            rounds[name].append(statistics.median(rec["times"]))
            cpu[name].append(statistics.median(rec["cpu"]))
            objectives[name].add(round(rec["objective"], 4))
            print(
                f"round {i + 1} {name}: {rounds[name][-1]:.3f} s, cpu {cpu[name][-1]:.3f} s",
                file=sys.stderr,
            )
    ratios = [b / a for a, b in zip(rounds["A"], rounds["B"], strict=True)]
    cpu_ratios = [b / a for a, b in zip(cpu["A"], cpu["B"], strict=True)]
    summary = {
        "trees": {k: str(v) for k, v in trees.items()},
        "case": str(args.case),
        "rounds_s": rounds,
        "median_s": {k: statistics.median(v) for k, v in rounds.items()},
        "ratio_b_over_a": statistics.median(ratios),
        "ratio_range": [min(ratios), max(ratios)],
        "cpu_s": cpu,
        "cpu_median_s": {k: statistics.median(v) for k, v in cpu.items()},
        "cpu_ratio_b_over_a": statistics.median(cpu_ratios),
        "cpu_ratio_range": [min(cpu_ratios), max(cpu_ratios)],
        "objectives": {k: sorted(v) for k, v in objectives.items()},
    }
    text = json.dumps(summary, indent=1)
    if args.out is not None:
        args.out.write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
