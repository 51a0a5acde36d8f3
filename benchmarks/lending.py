"""What the hard lending rules cost on a district: score, fill, lending spread and time.

Run: ``python -m benchmarks.lending [--case DIR] [--repeat N] [--out FILE.md]``.

Each policy is proposed on the same case (the bundled sample district by
default: 800 cadres, 300 demands, 120 communities) with no dispatch history,
so every limit counts this plan's lent dispatches only. Reported per policy:
the engine (``milp`` when a rule can bind), whether the plan is certified, the
objective and HiGHS's bound, slots filled, the most dispatches one community
lends, how many communities lend at all, and the median wall time of
``--repeat`` runs (one process, kernels warm).
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from matcher import SAMPLE_DISTRICT, Case, Policy, Proposal, load_case, propose

__all__ = ["POLICIES", "main", "measure"]

#: the policies compared, by label: no rule, limits, a floor, both, with the soft terms
POLICIES: dict[str, dict[str, Any]] = {
    "no rule": {},
    "max_lent 4": {"lending": {"max_lent": 4}},
    "max_lent 3": {"lending": {"max_lent": 3}},
    "max_lent 2": {"lending": {"max_lent": 2}},
    "home_floor 2": {"lending": {"home_floor": 2}},
    "max_lent 2 + home_floor 3": {"lending": {"max_lent": 2, "home_floor": 3}},
    "home_first 3 (soft only)": {"weights": {"home_first": 3.0}},
    "max_lent 2 + load_step 5 + home_first 3": {
        "lending": {"max_lent": 2},
        "fairness": {"load_step": 5.0},
        "weights": {"home_first": 3.0},
    },
}


def _lent(case: Case, plan: Proposal) -> Counter[str]:
    home = {c.id: c.home for c in case.cadres}
    where = {d.id: d.community for d in case.demands}
    return Counter(home[a.cadre] for a in plan.assignments if home[a.cadre] != where[a.demand])


def measure(case: Case, repeat: int = 3) -> list[dict[str, Any]]:
    """One row per policy of :data:`POLICIES` (see the module docstring)."""
    propose(case)  # kernels and caches warm before anything is timed
    rows = []
    for label, data in POLICIES.items():
        policy = Policy.model_validate(data)
        times, plan = [], None
        for _ in range(repeat):
            t0 = time.perf_counter()
            plan = propose(case, policy)
            times.append(time.perf_counter() - t0)
        assert plan is not None
        lent = _lent(case, plan)
        rows.append(
            {
                "policy": label,
                "solver": plan.solver,
                "certified": plan.certified,
                "objective": plan.objective,
                "bound": plan.bound,
                "filled": plan.kpis.slots_filled,
                "lent": sum(lent.values()),
                "max_lent": max(lent.values(), default=0),
                "lending": len(lent),
                "seconds": statistics.median(times),
            }
        )
    return rows


def _table(rows: list[dict[str, Any]]) -> str:
    base = rows[0]["objective"]
    out = [
        "| policy | solver | certified | objective (Δ %) | bound | filled | lent"
        " | most lent by one community | communities lending | seconds |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        bound = "—" if r["bound"] is None else f"{r['bound']:.4f}"
        delta = 100 * (r["objective"] - base) / base if base else 0.0
        out.append(
            f"| {r['policy']} | {r['solver']} | {r['certified']} | {r['objective']:.4f}"
            f" ({delta:+.2f} %) | {bound} | {r['filled']} | {r['lent']} | {r['max_lent']}"
            f" | {r['lending']} | {r['seconds']:.2f} |"
        )
    return "\n".join(out) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.lending", description=__doc__)
    ap.add_argument("--case", type=Path, default=SAMPLE_DISTRICT)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--out", type=Path)
    args = ap.parse_args(argv)
    text = _table(measure(load_case(args.case), args.repeat))
    print(text, end="")
    if args.out is not None:
        args.out.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
