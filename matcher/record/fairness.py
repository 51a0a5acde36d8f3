"""How evenly service hours spread over a pool: Jain's index, Gini, the share who served.

Why functions of the history: "the same willing people carry every dispatch" is a
claim about hours over a period, so it is measured from completed outcomes, for
every cadre of the pool (those who served nothing count as 0), and can be
recomputed by hand (``docs/record.md``, "Load spread"). The simulation and any
report use these same functions.

Example:
    >>> s = load_spread([0.0, 10.0, 10.0, 20.0])
    >>> round(s.jain, 4), round(s.gini, 4), s.served_share
    (0.6667, 0.375, 0.75)
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from matcher.record.history import Ending, Outcome

__all__ = ["LoadSpread", "gini", "hours_by_cadre", "jain", "load_spread", "percentile"]


def jain(hours: Sequence[float]) -> float:
    """Jain's fairness index ``(Σx)² / (n Σx²)``: 1 when everyone served the same,
    ``1/n`` when one cadre served everything. 1.0 for an empty or idle pool
    (nobody carried more than another).

    Example:
        >>> jain([5.0, 5.0]), jain([10.0, 0.0])
        (1.0, 0.5)
    """
    sq = math.fsum(x * x for x in hours)
    return 1.0 if not hours or sq == 0 else math.fsum(hours) ** 2 / (len(hours) * sq)


def gini(hours: Sequence[float]) -> float:
    """The Gini coefficient ``Σᵢ Σⱼ |xᵢ − xⱼ| / (2 n² x̄)``: 0 when everyone served
    the same, ``1 − 1/n`` when one cadre served everything; 0.0 for an empty or
    idle pool. Computed on the sorted values: ``Σᵢ (2i − n − 1) x₍ᵢ₎ / (n Σx)``.

    Example:
        >>> gini([5.0, 5.0]), gini([10.0, 0.0])
        (0.0, 0.5)
    """
    xs = sorted(hours)
    n, total = len(xs), math.fsum(xs)
    if not n or total == 0:
        return 0.0
    return math.fsum((2 * i - n - 1) * x for i, x in enumerate(xs, start=1)) / (n * total)


def percentile(hours: Sequence[float], q: float) -> float:
    """The ``q``-th percentile (0–100) with linear interpolation between order
    statistics (numpy's default); 0.0 for an empty pool.

    Example:
        >>> percentile([0.0, 10.0, 20.0, 30.0, 40.0], 95)
        38.0
    """
    xs = sorted(hours)
    if not xs:
        return 0.0
    pos = (len(xs) - 1) * q / 100.0
    lo = math.floor(pos)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


@dataclass(frozen=True, slots=True)
class LoadSpread:
    """The spread of one period's service hours over a pool (``docs/record.md``)."""

    cadres: int
    total_hours: float
    jain: float
    gini: float
    #: share of the pool with any hours in the period
    served_share: float
    #: the 95th percentile of hours per cadre (those with none included)
    p95_hours: float


def load_spread(hours: Sequence[float]) -> LoadSpread:
    """Every figure of the spread of ``hours`` (one value per cadre of the pool)."""
    xs = [max(0.0, float(x)) for x in hours]
    n = len(xs)
    return LoadSpread(
        cadres=n,
        total_hours=math.fsum(xs),
        jain=jain(xs),
        gini=gini(xs),
        served_share=sum(1 for x in xs if x > 0) / n if n else 0.0,
        p95_hours=percentile(xs, 95.0),
    )


def hours_by_cadre(
    outcomes: Iterable[Outcome], cadres: Iterable[str], start: date, end: date
) -> list[float]:
    """Service hours of each of ``cadres`` (in that order) from completed outcomes
    that ended from ``start`` to ``end``, both included; others' rows are skipped."""
    got = dict.fromkeys(cadres, 0.0)
    for o in outcomes:
        if o.ending == Ending.COMPLETED and o.cadre in got and start <= o.ended <= end:
            got[o.cadre] += o.hours or 0.0
    return list(got.values())
