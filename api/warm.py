"""Warm plans kept per district, so each proposal on a big pool starts from the last.

Why: between two proposals a dispatcher accepts a few pairs, declines a few, or a
work order comes or goes. :class:`matcher.WarmProposals` re-solves such a change
from the last plan and its duals in a fraction of a cold solve. The service keeps
one per district in memory (a city's is a few hundred MiB; nothing survives a
restart, and the first proposal after one is cold).

A proposal that finds its district's plan in use by another computation proposes
cold rather than wait: the answer is the same either way, only slower.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from matcher import WarmProposals

__all__ = ["WarmPlans"]


class WarmPlans:
    """One :class:`WarmProposals` per district, lent to one computation at a time."""

    def __init__(self, enabled: bool = True) -> None:
        self.enabled = enabled
        self._lock = threading.Lock()
        self._plans: dict[str, tuple[WarmProposals, threading.Lock]] = {}

    @contextmanager
    def take(self, district: str) -> Iterator[WarmProposals | None]:
        """The district's warm planner, or ``None`` when disabled or busy."""
        if not self.enabled:
            yield None
            return
        with self._lock:
            planner, busy = self._plans.setdefault(district, (WarmProposals(), threading.Lock()))
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
