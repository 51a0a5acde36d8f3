"""What a cadre's active dispatches hold, before and after an edit: the one rule
that keeps a moved work order or a lowered weekly limit from over-booking a cadre.

Pure functions over plain values (dispatch ids and the orders they serve); the store
(:meth:`~matcher.store.pool.PoolTx.check_held`) reads the rows and raises.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from matcher import Demand
from matcher.dated import hours_by_week

__all__ = ["Overbooked", "overbooked"]

#: hours closer than this are equal (a week's hours are sums of floats)
_EPS = 1e-9


@dataclass(frozen=True, slots=True)
class Overbooked:
    """One cadre over a limit: ``week`` None means capacity at one instant (``value``
    orders held then), else the ISO week ``2026-W50`` (``value`` hours in it).
    ``dispatches`` are the ids concerned: those held at that instant, or in that week."""

    week: str | None
    value: float
    limit: float
    dispatches: tuple[int, ...]


def _at_peak(held: Sequence[tuple[int, Demand]]) -> tuple[int, tuple[int, ...]]:
    """The most orders held at one instant (ongoing work all the time, dated orders in
    their windows, half-open) and the dispatches held then."""
    ongoing = [k for k, d in held if d.window is None]
    dated = [(k, d.window) for k, d in held if d.window is not None]
    best: tuple[int, ...] = ()
    for _, w in dated:
        at = tuple(k for k, v in dated if v.start <= w.start < v.end)
        if len(at) > len(best):
            best = at
    return len(ongoing) + len(best), tuple(sorted(ongoing + list(best)))


def _weeks(held: Sequence[tuple[int, Demand]]) -> dict[tuple[int, int], tuple[float, list[int]]]:
    out: dict[tuple[int, int], tuple[float, list[int]]] = {}
    for k, d in held:
        if d.window is None:
            continue
        for wk, h in hours_by_week(d.window, d.hours).items():
            total, ids = out.get(wk, (0.0, []))
            out[wk] = (total + h, [*ids, k])
    return out


def overbooked(
    before: Sequence[tuple[int, Demand]],
    after: Sequence[tuple[int, Demand]],
    limits_before: tuple[float, float],
    limits_after: tuple[float, float],
) -> Overbooked | None:
    """Whether an edit makes a cadre's active dispatches (``(dispatch id, order)``,
    before and after it) exceed its ``(capacity, hours_per_week)`` further than they
    already did (a cadre already over may still be edited otherwise): the first
    excess, capacity first, then the weeks in order; None when none."""
    (cap0, hours0), (cap1, hours1) = limits_before, limits_after
    n1, ids = _at_peak(after)
    n0, _ = _at_peak(before)
    if n1 > cap1 and n1 - cap1 > max(0, n0 - cap0):
        return Overbooked(None, n1, cap1, ids)
    weeks0 = _weeks(before)
    for wk, (h1, held) in sorted(_weeks(after).items()):
        h0 = weeks0.get(wk, (0.0, []))[0]
        if h1 > hours1 + _EPS and h1 - hours1 > max(0.0, h0 - hours0) + _EPS:
            return Overbooked(f"{wk[0]}-W{wk[1]:02d}", round(h1, 2), hours1, tuple(sorted(held)))
    return None
