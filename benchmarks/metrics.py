"""Quality metrics of one set of chosen pairs, and the fairness indices they use.

Example:
    >>> jain([1, 1, 1, 1]), jain([4, 0, 0, 0])
    (1.0, 0.25)
    >>> gini([1, 1, 1, 1]), gini([0, 0, 0, 4])
    (0.0, 0.75)
    >>> gap(100.0, 90.0)
    0.1
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from benchmarks.problem import Problem

__all__ = ["evaluate", "gap", "gini", "jain", "violations"]


def jain(x: Sequence[float] | npt.NDArray[Any]) -> float:
    """Jain's fairness index ``(Σx)² / (n·Σx²)``: 1 when all equal, 1/n when one takes all.

    An empty or all-zero vector counts as perfectly fair (1.0).
    """
    a = np.asarray(x, dtype=np.float64)
    sq = float((a * a).sum())
    return float(a.sum()) ** 2 / (a.size * sq) if a.size and sq > 0 else 1.0


def gini(x: Sequence[float] | npt.NDArray[Any]) -> float:
    """Gini coefficient of non-negative values: 0 when equal, ``(n-1)/n`` when one takes all."""
    a = np.sort(np.asarray(x, dtype=np.float64))
    total = float(a.sum())
    if a.size == 0 or total <= 0:
        return 0.0
    k = np.arange(1, a.size + 1)
    return float(((2 * k - a.size - 1) * a).sum() / (a.size * total))


def gap(optimum: float, objective: float) -> float:
    """Relative shortfall ``(optimum - objective) / |optimum|`` (0 when optimal)."""
    if optimum == 0:
        return 0.0 if objective == 0 else float("inf")
    return (optimum - objective) / abs(optimum)


def violations(p: Problem, edges: npt.NDArray[np.int64]) -> dict[str, int]:
    """Broken hard rules: repeated pairs, over-capacity cadres, over-filled demands."""
    rows, cols = p.rows[edges], p.cols[edges]
    return {
        "duplicate_pairs": int(edges.size - np.unique(edges).size),
        "over_capacity": int((np.bincount(rows, minlength=p.n_rows) > p.capacity).sum()),
        "over_headcount": int((np.bincount(cols, minlength=p.n_cols) > p.headcount).sum()),
    }


def evaluate(
    p: Problem, edges: npt.NDArray[np.int64], optimum: float | None = None
) -> dict[str, Any]:
    """Every quality metric of the pairs ``edges`` (edge ids into ``p``).

    Cadre load fairness is over the cadres who could take at least one pair
    (a usable edge: a red cadre, or one nobody needs, could not serve and is
    left out); load is the number of slots a cadre fills, and, where the
    instance gives each demand's hours, the hours those slots carry. The
    share used is how many of those cadres the plan gives any slot.
    """
    edges = np.asarray(edges, dtype=np.int64)
    rows, cols = p.rows[edges], p.cols[edges]
    objective = float(p.score[edges].sum())
    filled = np.bincount(cols, minlength=p.n_cols)
    slots = int(p.headcount.sum())
    weight = float((p.priority * p.headcount).sum())
    km = p.km[edges]
    able = np.bincount(p.rows, minlength=p.n_rows) > 0
    load = np.bincount(rows, minlength=p.n_rows)[able]
    n_able, n_used = int(able.sum()), int(np.unique(rows).size)
    unfilled: dict[str, int] = {}
    short = p.headcount - filled
    for j in np.flatnonzero(short > 0):
        cat = p.category[j] if p.category else "all"
        unfilled[cat] = unfilled.get(cat, 0) + int(short[j])
    out: dict[str, Any] = {
        "objective": round(objective, 4),
        "slots_total": slots,
        "slots_filled": int(filled.sum()),
        "fill_rate": round(float(filled.sum()) / slots, 6) if slots else 1.0,
        "priority_weighted_fill": (
            round(float((p.priority * filled).sum()) / weight, 6) if weight else 1.0
        ),
        "mean_skill_fit": round(float(p.fit[edges].mean()), 6) if edges.size else 0.0,
        "travel_mean_km": round(float(km.mean()), 3) if edges.size else 0.0,
        "travel_p95_km": round(float(np.percentile(km, 95)), 3) if edges.size else 0.0,
        "load_jain": round(jain(load), 6),
        "load_gini": round(gini(load), 6),
        "cadres_used": n_used,
        "cadres_able": n_able,
        "used_share": round(n_used / n_able, 6) if n_able else 0.0,
        "unfilled_by_category": dict(sorted(unfilled.items())),
        "violations": violations(p, edges),
    }
    if p.hours.size:
        hours = np.bincount(rows, weights=p.hours[cols], minlength=p.n_rows)[able]
        out["hours_total"] = round(float(hours.sum()), 4)
        out["hours_jain"] = round(jain(hours), 6)
        out["hours_gini"] = round(gini(hours), 6)
    if optimum is not None:
        out["gap"] = round(gap(optimum, objective), 8) + 0.0  # no "-0.0"
    return out
