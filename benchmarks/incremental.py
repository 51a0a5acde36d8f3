"""Warm re-proposal against a cold solve of the same changed case.

Run: ``python -m benchmarks.incremental CASE_FOLDER [OUT.json]``. It solves the
case cold (:class:`matcher.Replanner`: score, exact solve, certificate), then
times each edit warm — a new work order (a copy of an existing demand's needs
at another community), a closed demand, a withdrawn cadre — and for each, a
cold solve of the changed case from scratch. Both sides stop at the certified
plan (no alternates, no reasons), so the ratio is solve against solve.
Then whole proposals (:func:`measure_proposals`): the next request after some
declines and dispatches, through :class:`matcher.WarmProposals`, against a
cold ``propose()``.
"""

from __future__ import annotations

import json
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

__all__ = ["main", "measure", "measure_proposals"]


def _timed(fn: Any) -> tuple[Any, float]:
    t0 = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t0


def measure(folder: Path) -> dict[str, Any]:
    """Cold and warm seconds and objectives for three edits of the case in ``folder``."""
    import matcher

    case = matcher.load_case(folder)
    plan, cold_s = _timed(lambda: matcher.Replanner(case))
    rec: dict[str, Any] = {
        "case": str(folder),
        "cadres": len(case.cadres),
        "demands": len(case.demands),
        "cold_s": round(cold_s, 3),
        "edits": [],
    }
    template = case.demands[len(case.demands) // 2]
    where = case.communities[len(case.communities) // 3].id
    new = replace(template, id="DX-new", community=where, title="新工单")
    filled = plan.pairs()
    edits = [
        ("new work order", lambda p: p.add_demand(new)),
        ("closed demand", lambda p: p.close_demand(filled[1][1])),
        ("withdrawn cadre", lambda p: p.withdraw_cadre(filled[2][0])),
    ]
    for name, edit in edits:
        _, warm_s = _timed(lambda edit=edit: edit(plan))
        again, cold_again_s = _timed(lambda: matcher.Replanner(plan.case))
        rec["edits"].append(
            {
                "edit": name,
                "warm_s": round(warm_s, 3),
                "cold_s": round(cold_again_s, 3),
                "ratio": round(warm_s / cold_again_s, 4),
                "warm_objective": plan.objective,
                "cold_objective": again.objective,
                "equal": abs(plan.objective - again.objective) < 1e-6,
                "certified": plan.certified,
            }
        )
    return rec


def measure_proposals(folder: Path) -> dict[str, Any]:
    """Whole proposals (alternates and reasons included) as a dispatcher's next
    request sees them: :class:`matcher.WarmProposals` after some of the first
    plan's pairs are declined and some dispatched, against a cold ``propose()``."""
    import matcher

    case = matcher.load_case(folder)
    warm = matcher.WarmProposals()
    first, first_s = _timed(lambda: warm.propose(case))
    pairs = first.assignments
    used: dict[str, int] = {}
    filled: dict[str, int] = {}
    for a in pairs[1::700]:
        used[a.cadre] = used.get(a.cadre, 0) + 1
        filled[a.demand] = filled.get(a.demand, 0) + 1
    kw: dict[str, Any] = {
        "excluded": [(a.cadre, a.demand) for a in pairs[::500]],
        "used_capacity": used,
        "filled_slots": filled,
    }
    again, warm_s = _timed(lambda: warm.propose(case, **kw))
    cold, cold_s = _timed(lambda: matcher.propose(case, **kw))
    return {
        "first_s": round(first_s, 3),
        "declined": len(kw["excluded"]),
        "dispatched": len(used),
        "warm": warm.was_warm,
        "warm_s": round(warm_s, 3),
        "cold_s": round(cold_s, 3),
        "ratio": round(warm_s / cold_s, 4),
        "equal": abs(again.objective - cold.objective) < 1e-6,
        "objective": again.objective,
        "certified": again.certified,
    }


def main(argv: list[str] | None = None) -> int:
    import matcher

    args = sys.argv[1:] if argv is None else argv
    # kernels load before any clock starts, as in the benchmark worker
    start_up = matcher.load_kernels()
    rec = measure(Path(args[0]))
    rec["start_up_s"] = round(start_up, 3)
    rec["proposals"] = measure_proposals(Path(args[0]))
    text = json.dumps(rec, indent=1)
    if len(args) > 1:
        Path(args[1]).write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
