"""The dispatcher's manual rule, and the days of a period replayed with it.

Why: a district asks what the pool gains over the way posts were filled before it
(Gulou's claim is "40 % more efficient"). The answer must be our numbers, not a
slogan, so the way before is stated as a rule and replayed on the very inputs
matcher had. The rule is a dispatcher's rule of thumb, stated once here (the
benchmark harness runs this function too):

    the most urgent demand first (priority, then the demand's order); each of its
    slots takes the best available qualified cadre: highest skill fit, then
    nearest, then roster order.

A *qualified* pair is one matcher could have proposed: it passes every hard rule
(:class:`~matcher.scoring.Scorer`), scores above 0 and is not excluded (declined, or
the cadre already dispatched to the demand). The rule respects the same capacities
and headcounts, and takes a cadre at most once per demand.

A replayed day starts from the day's inputs as they were (each demand's open
slots and each cadre's free capacity at the start of the day, given by the
caller) and compares the rule's choice with the dispatches matcher's proposals had
accepted that day, both scored by the same formula. Matcher's side counts at most
a demand's open slots. A day is scored a block of cadres at a time; one with more
than :data:`MOST_PAIRS` open pairs (a city's whole pool) is skipped and listed.

Example:
    >>> import numpy as np
    >>> rows, cols = np.array([0, 0, 1]), np.array([0, 1, 0])
    >>> manual_rule(rows, cols, np.array([5, 3]), np.array([0.9, 0.8, 0.5]),
    ...             np.zeros(3), np.array([1, 1]), np.array([1, 1])).tolist()
    [0]
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
import numpy.typing as npt

from matcher.model import Case
from matcher.scoring import Scorer

__all__ = [
    "MANUAL_RULE",
    "MOST_PAIRS",
    "DayInputs",
    "Fill",
    "Replay",
    "ReplayDay",
    "manual_rule",
    "replay_days",
    "take_in_order",
]

#: the rule's name, as the report and the benchmarks print it
MANUAL_RULE = "manual-rule"

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
#: pairs scored at once when a day is replayed (bounds the memory of one block)
_BLOCK_PAIRS = 1 << 20
#: a day with more open pairs (free cadres × open demands) than this is not replayed
MOST_PAIRS = 50_000_000


def manual_rule(
    rows: npt.ArrayLike,
    cols: npt.ArrayLike,
    priority: npt.ArrayLike,
    fit: npt.ArrayLike,
    km: npt.ArrayLike,
    capacity: npt.ArrayLike,
    headcount: npt.ArrayLike,
) -> IntArray:
    """The pairs (edge ids, ascending) the manual rule takes from the qualified pairs
    ``rows[e], cols[e]`` (each at most once), their ``fit`` and ``km``; ``priority``
    and ``headcount`` are per column, ``capacity`` per row."""
    r = np.asarray(rows, dtype=np.int64)
    c = np.asarray(cols, dtype=np.int64)
    urgency = -np.asarray(priority, dtype=np.float64)[c]
    order = np.lexsort((r, np.asarray(km), -np.asarray(fit), c, urgency))
    return np.sort(take_in_order(r, c, capacity, headcount, order))


def take_in_order(
    rows: npt.ArrayLike,
    cols: npt.ArrayLike,
    capacity: npt.ArrayLike,
    headcount: npt.ArrayLike,
    order: npt.ArrayLike,
) -> IntArray:
    """Walk the edges in ``order``, keeping each whose row and column still have room
    (``capacity`` per row, ``headcount`` per column): every fill without an optimiser
    (the manual rule, the benchmarks' greedy and random fills) is this walk in some order."""
    cap = np.asarray(capacity, dtype=np.int64).tolist()
    head = np.asarray(headcount, dtype=np.int64).tolist()
    rl, cl = np.asarray(rows).tolist(), np.asarray(cols).tolist()
    room = int(min(sum(head), sum(cap)))
    chosen: list[int] = []
    for e in np.asarray(order).tolist():
        if len(chosen) == room:
            break
        i, j = rl[e], cl[e]
        if cap[i] > 0 and head[j] > 0:
            cap[i] -= 1
            head[j] -= 1
            chosen.append(e)
    return np.array(chosen, dtype=np.int64)


@dataclass(frozen=True, slots=True)
class DayInputs:
    """One day as it was: ``open`` demand id → its open slots and ``free`` cadre id →
    its free capacity, both at the start of the day; ``accepted``: the (cadre, demand)
    dispatches accepted that day; ``excluded``: the (cadre, demand) pairs no proposal
    could make then (declined, or dispatched before: a cadre takes one slot of a demand)."""

    day: date
    open: Mapping[str, int]
    free: Mapping[str, int]
    accepted: Sequence[tuple[str, str]]
    excluded: Sequence[tuple[str, str]] = ()


@dataclass(frozen=True, slots=True)
class Fill:
    """Slots one side filled: their count, priority weight (Σ priority), Σ score, Σ km."""

    slots: int = 0
    weight: int = 0
    score: float = 0.0
    km: float = 0.0

    def __add__(self, other: Fill) -> Fill:
        return Fill(
            self.slots + other.slots,
            self.weight + other.weight,
            self.score + other.score,
            self.km + other.km,
        )

    def to_json(self) -> dict[str, float]:
        return {
            "slots": self.slots,
            "weight": self.weight,
            "score": round(self.score, 4),
            "km": round(self.km, 2),
        }


@dataclass(frozen=True, slots=True)
class ReplayDay:
    """A day's open ``slots`` and their priority ``weight``, and what each side filled."""

    day: date
    slots: int
    weight: int
    matcher: Fill
    manual: Fill

    def to_json(self) -> dict[str, object]:
        return {
            "day": self.day.isoformat(),
            "slots": self.slots,
            "weight": self.weight,
            "matcher": self.matcher.to_json(),
            "manual": self.manual.to_json(),
        }


def _ratio(a: float, b: float) -> float | None:
    return round(a / b, 4) if b else None


def _rates(fill: Fill, slots: int, weight: int) -> dict[str, float | None]:
    return {
        "fill_rate": _ratio(fill.slots, slots),
        "weighted_fill": _ratio(fill.weight, weight),
        "mean_score": _ratio(fill.score, fill.slots),
        "mean_km": round(fill.km / fill.slots, 2) if fill.slots else None,
    }


def _gain(ours: float | None, theirs: float | None) -> float | None:
    """``ours / theirs − 1`` (None when either is unknown or theirs is 0)."""
    if ours is None or not theirs:
        return None
    return round(ours / theirs - 1, 4)


@dataclass(frozen=True, slots=True)
class Replay:
    """The replayed days, and over all of them each side's rates and matcher's relative
    gain (``matcher / manual − 1``; for travel, a negative gain is fewer km);
    ``skipped``: the days with more than :data:`MOST_PAIRS` open pairs, not replayed."""

    days: tuple[ReplayDay, ...]
    skipped: tuple[date, ...] = ()

    def to_json(self) -> dict[str, object]:
        slots = sum(d.slots for d in self.days)
        weight = sum(d.weight for d in self.days)
        ours = sum((d.matcher for d in self.days), Fill())
        theirs = sum((d.manual for d in self.days), Fill())
        a, b = _rates(ours, slots, weight), _rates(theirs, slots, weight)
        return {
            "rule": MANUAL_RULE,
            "days": [d.to_json() for d in self.days],
            "total": {
                "days": len(self.days),
                "slots": slots,
                "weight": weight,
                "matcher": ours.to_json(),
                "manual": theirs.to_json(),
            },
            "rates": {"matcher": a, "manual": b},
            "gain": {k: _gain(a[k], b[k]) for k in a},
            "skipped": [d.isoformat() for d in self.skipped],
        }


def replay_days(case: Case, days: Sequence[DayInputs]) -> Replay:
    """Each day replayed: the manual rule on the day's qualified pairs against the
    dispatches accepted that day. ``case`` holds every cadre and demand the days name
    (ids it lacks are left out, and so are their dispatches)."""
    scorer = Scorer(case)
    cpos = {c.id: i for i, c in enumerate(case.cadres)}
    dpos = {d.id: j for j, d in enumerate(case.demands)}
    prio = np.array([d.priority for d in case.demands], dtype=np.int64)
    done: list[ReplayDay] = []
    skipped: list[date] = []
    for d in days:
        one = _day(scorer, cpos, dpos, prio, d)
        if one is None:
            skipped.append(d.day)
        else:
            done.append(one)
    return Replay(tuple(done), tuple(skipped))


def _day(
    scorer: Scorer,
    cpos: Mapping[str, int],
    dpos: Mapping[str, int],
    prio: IntArray,
    day: DayInputs,
) -> ReplayDay | None:
    """The day replayed, or None when it has more than :data:`MOST_PAIRS` open pairs."""
    cols = sorted(dpos[d] for d, n in day.open.items() if n > 0 and d in dpos)
    rows = sorted(cpos[c] for c, n in day.free.items() if n > 0 and c in cpos)
    if len(rows) * len(cols) > MOST_PAIRS:
        return None
    head = np.array([day.open[scorer.demand_ids[j]] for j in cols], dtype=np.int64)
    cap = np.array([day.free[scorer.cadre_ids[i]] for i in rows], dtype=np.int64)
    weights = prio[cols] if cols else np.zeros(0, dtype=np.int64)
    manual = Fill()
    if rows and cols:
        r, c, fit, km, score = _usable(scorer, rows, cols, cpos, dpos, day.excluded)
        e = manual_rule(r, c, weights, fit, km, cap, head)
        manual = Fill(
            int(e.size),
            int(weights[c[e]].sum()),
            math.fsum(score[e].tolist()),
            math.fsum(km[e].tolist()),
        )
    left = {scorer.demand_ids[j]: int(n) for j, n in zip(cols, head.tolist(), strict=True)}
    taken: list[tuple[int, int]] = []
    for cadre, demand in day.accepted:
        if left.get(demand, 0) > 0 and cadre in cpos:
            left[demand] -= 1
            taken.append((cpos[cadre], dpos[demand]))
    ours = Fill()
    if taken:
        ps = scorer.pairs(np.array([i for i, _ in taken]), np.array([j for _, j in taken]))
        ours = Fill(
            len(taken),
            int(sum(int(prio[j]) for _, j in taken)),
            math.fsum(ps.scores.tolist()),
            math.fsum(ps.distance_km.tolist()),
        )
    return ReplayDay(day.day, int(head.sum()), int((weights * head).sum()), ours, manual)


def _usable(
    scorer: Scorer,
    rows: list[int],
    cols: list[int],
    cpos: Mapping[str, int],
    dpos: Mapping[str, int],
    excluded: Sequence[tuple[str, str]],
) -> tuple[IntArray, IntArray, FloatArray, FloatArray, FloatArray]:
    """The day's qualified pairs as edges (positions in ``rows`` and ``cols``) with their
    fit, km and score, scored a block of cadres at a time (memory bounded by the
    qualified pairs, not by cadres × demands)."""
    at_row = {i: k for k, i in enumerate(rows)}
    at_col = {j: k for k, j in enumerate(cols)}
    banned = {
        (at_row[cpos[a]], at_col[dpos[b]])
        for a, b in excluded
        if cpos.get(a) in at_row and dpos.get(b) in at_col
    }
    parts: list[tuple[IntArray, IntArray, FloatArray, FloatArray, FloatArray]] = []
    step = max(1, _BLOCK_PAIRS // len(cols))
    cols_at = np.array(cols)
    for lo in range(0, len(rows), step):
        sm = scorer.block(np.array(rows[lo : lo + step]), cols_at)
        usable = sm.feasible & (sm.scores > 0)
        for a, b in banned:
            if lo <= a < lo + step:
                usable[a - lo, b] = False
        r, c = np.nonzero(usable)
        parts.append((r + lo, c, sm.fit[r, c], sm.distance_km[r, c], sm.scores[r, c]))
    r, c, fit, km, score = (np.concatenate([p[k] for p in parts]) for k in range(5))
    return r.astype(np.int64), c.astype(np.int64), fit, km, score
