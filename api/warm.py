"""Warm plans kept per district, so each proposal on a big pool starts from the last.

Why: between two proposals a dispatcher accepts a few pairs, declines a few, or a
work order comes or goes. :class:`matcher.WarmProposals` re-solves such a change
from the last plan and its duals in a fraction of a cold solve. The service keeps
one per district in memory (a city's is a few hundred MiB; nothing survives a
restart, and the first proposal after one is cold).

A proposal that finds its district's plan in use by another computation proposes
cold rather than wait: the answer is the same either way, only slower. At most
``keep`` districts keep a plan; taking one for another district lets go of the
plan used longest ago (its next proposal is cold), so memory stays bounded.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager

from matcher import EngineParams, WarmProposals

__all__ = ["WarmPlans"]


class WarmPlans:
    """One :class:`WarmProposals` per district, lent to one computation at a time."""

    def __init__(
        self, enabled: bool = True, keep: int = 4, params: EngineParams | None = None
    ) -> None:
        self.enabled = enabled
        self.keep = keep
        #: the engine's knobs for every proposal the service makes
        self.params = params if params is not None else EngineParams()
        self._lock = threading.Lock()
        #: least recently taken first
        self._plans: OrderedDict[str, tuple[WarmProposals, threading.Lock]] = OrderedDict()

    @contextmanager
    def take(self, district: str) -> Iterator[WarmProposals | None]:
        """The district's warm planner, or ``None`` when disabled or busy."""
        if not self.enabled:
            yield None
            return
        with self._lock:
            planner, busy = self._plans.setdefault(
                district, (WarmProposals(params=self.params), threading.Lock())
            )
            self._plans.move_to_end(district)
            while len(self._plans) > self.keep:  # a plan in use still goes: its user keeps it
                self._plans.popitem(last=False)
        if not busy.acquire(blocking=False):
            yield None
            return
        try:
            yield planner
        finally:
            busy.release()

    def planner(self, district: str) -> WarmProposals | None:
        """The district's planner, if one was made (to inspect; use :meth:`take`)."""
        with self._lock:
            found = self._plans.get(district)
        return None if found is None else found[0]

    def forget(self, district: str) -> None:
        """Drop a district's plan (its memory goes with it)."""
        with self._lock:
            self._plans.pop(district, None)
