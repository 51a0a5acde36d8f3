"""The ``fairness`` suite: a rolling horizon per named size, fairness off against on.

Why: one plan's spread says little about who carries the pool's work month after
month, so this suite runs matcher's own rolling-horizon simulation
(:func:`matcher.whatif.simulate`: daily arrivals, each day's proposal accepted,
hours added as dispatches complete) on each instance, once with the case's policy
and once with the fairness terms on (:func:`matcher.whatif.fair_policy`'s
defaults), on the same arrivals. Reported per instance and policy: the base score
of the accepted dispatches, the fill rate, and the spread of service hours over
the dispatchable pool (Jain, Gini, share who served, p95 hours:
:func:`matcher.record.load_spread`), with what fairness costs in score.

Example:
    >>> rows = {"off": {"score": 200.0}, "on": {"score": 190.0}}
    >>> score_change(rows)
    -0.05
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchmarks.instances import resolve
from benchmarks.machine import machine_info

__all__ = ["FAIR_TERMS", "fairness_markdown", "run_fairness", "score_change"]

#: the fairness terms the "on" policy adds (``matcher simulate``'s defaults)
FAIR_TERMS = {"load_step": 5.0, "recent_load": 10.0, "idle_bonus": 3.0}


def score_change(rows: dict[str, dict[str, Any]]) -> float | None:
    """Relative change of the base score from fairness off to on (negative: it costs)."""
    off, on = rows["off"]["score"], rows["on"]["score"]
    return None if not off else round((on - off) / abs(off), 6)


def _row(result: Any, seconds: float) -> dict[str, Any]:
    s = result.spread
    return {
        "score": result.score,
        "objective": result.objective,
        "slots_filled": result.slots_filled,
        "fill_rate": round(result.fill_rate, 6),
        "hours_total": round(s.total_hours, 2),
        "hours_jain": round(s.jain, 6),
        "hours_gini": round(s.gini, 6),
        "served_share": round(s.served_share, 6),
        "p95_hours": round(s.p95_hours, 2),
        "seconds": round(seconds, 2),
    }


def run_fairness(
    names: tuple[str, ...], out: Path, *, seed: int = 0, days: int = 90, log: Any = None
) -> dict[str, Any]:
    """Simulate ``days`` days on each named size, case folder or ``sample``: off, then on."""
    import matcher
    from matcher.whatif import fair_policy, simulate

    out.mkdir(parents=True, exist_ok=True)
    report: dict[str, Any] = {
        "kind": "fairness",
        "suite": "fairness",
        "seed": seed,
        "days": days,
        "terms": dict(FAIR_TERMS),
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine_info(),
        "instances": [],
    }
    matcher.load_kernels()
    for name in names:
        inst = resolve(name, out / "cases", seed)
        if log is not None:
            log(f"{inst.name}: {inst.source}, {days} days")
        case = matcher.load_case(inst.folder)
        base = case.policy.model_copy(update={"alternatives": 0})
        rows: dict[str, dict[str, Any]] = {}
        results = {}
        for label, policy in (("off", base), ("on", fair_policy(base, **FAIR_TERMS))):
            t0 = time.perf_counter()
            results[label] = simulate(case, policy, days=days, seed=seed)
            rows[label] = _row(results[label], time.perf_counter() - t0)
            if log is not None:
                log(f"  {inst.name}: fairness {label} {rows[label]['seconds']:.1f} s")
        first = results["off"]
        report["instances"].append(
            {
                "name": inst.name,
                "source": inst.source,
                "cadres": len(case.cadres),
                "pool": first.spread.cadres,
                "orders": first.orders,
                "slots": first.slots_opened,
                "score_change": score_change(rows),
                **rows,
            }
        )
    report["finished"] = datetime.now(UTC).isoformat(timespec="seconds")
    return report


def fairness_markdown(rep: dict[str, Any], lines: list[str]) -> str:
    """The suite's table under ``lines`` (the report's heading)."""
    t = rep["terms"]
    lines += [
        "",
        f"#### Fair load over {rep['days']} days: fairness off against on",
        "",
        "Each day's proposal accepted whole; the same arrivals for both policies. "
        f"On: `load_step = {t['load_step']:g}`, `recent_load = {t['recent_load']:g}`, "
        f"`idle_bonus = {t['idle_bonus']:g}`. Total score is the accepted dispatches' base "
        "score (fairness terms left out); hours figures are over the dispatchable pool, "
        "those who served nothing counted as 0.",
        "",
        "| instance | pool | orders (slots) | fairness | total score | fill rate "
        "| hours Gini | hours Jain | share served | p95 hours | time s |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for i in rep["instances"]:
        for label in ("off", "on"):
            r = i[label]
            change = i["score_change"]
            score = f"{r['score']:,.1f}"
            if label == "on" and change is not None:
                score += f" ({change:+.2%})"
            lines.append(
                f"| {i['name']} | {i['pool']:,} | {i['orders']:,} ({i['slots']:,}) | {label} | "
                f"{score} | {r['fill_rate']:.4f} | {r['hours_gini']:.4f} | "
                f"{r['hours_jain']:.4f} | {r['served_share']:.4f} | {r['p95_hours']:.1f} | "
                f"{r['seconds']:.1f} |"
            )
    return "\n".join(lines) + "\n"
