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

Several workers: each keeps its own plans, and each plan remembers the district's
version in the database (:meth:`matcher.store.Tx.district_version`) it was last
solved at. Before use it is checked against the version the proposal's snapshot
was read at: when any write in between was made by another worker
(:meth:`matcher.store.Store.wrote_all`), the plan is dropped and the proposal
solved cold. Why, since :class:`~matcher.WarmProposals` compares the pool itself
and only follows changes it can apply: that comparison is of what a snapshot
shows, and a plan must never rest on writes its worker did not see made (a
decline of a closed demand, say, leaves the snapshot but still holds); this
worker's own writes are the ones it follows warm (a dispatcher's accepts and
declines between two proposals), which is what the plans are for. A load
balancer that sends a district's requests to one worker keeps its plan warm.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager

from matcher import EngineParams, WarmProposals
from matcher.store import Store

__all__ = ["WarmPlans"]


class _Plan:
    """A district's planner, its lock while lent, and the version it was solved at."""

    def __init__(self, planner: WarmProposals) -> None:
        self.planner = planner
        self.busy = threading.Lock()
        #: the district's version the plan was last solved at (None: not yet, or unknown)
        self.version: int | None = None


class WarmPlans:
    """One :class:`WarmProposals` per district, lent to one computation at a time.

    ``store``: the worker's store, which tells its own writes from other workers'
    (without one, no plan is checked: a single process over its own database).
    """

    def __init__(
        self,
        enabled: bool = True,
        keep: int = 4,
        params: EngineParams | None = None,
        store: Store | None = None,
    ) -> None:
        self.enabled = enabled
        self.keep = keep
        #: the engine's knobs for every proposal the service makes
        self.params = params if params is not None else EngineParams()
        self._store = store
        self._lock = threading.Lock()
        #: least recently taken first
        self._plans: OrderedDict[str, _Plan] = OrderedDict()

    @contextmanager
    def take(self, district: str, version: int | None = None) -> Iterator[WarmProposals | None]:
        """The district's warm planner, or ``None`` when disabled or busy.

        ``version``: the district's version the caller's snapshot was read at. A plan
        solved at another version that a write by another worker led to is dropped
        first (the caller gets a new, cold planner); the plan then counts as solved
        at ``version``.
        """
        if not self.enabled:
            yield None
            return
        with self._lock:
            plan = self._plans.get(district)
            if plan is None or self._stale(district, plan, version):
                plan = self._plans[district] = _Plan(WarmProposals(params=self.params))
            self._plans.move_to_end(district)
            while len(self._plans) > self.keep:  # a plan in use still goes: its user keeps it
                self._plans.popitem(last=False)
        if not plan.busy.acquire(blocking=False):
            yield None
            return
        try:
            yield plan.planner
            plan.version = version
        finally:
            plan.busy.release()

    def _stale(self, district: str, plan: _Plan, version: int | None) -> bool:
        """Whether writes by another worker came between ``plan``'s version and ``version``."""
        if self._store is None or version is None or plan.version is None:
            return False
        if plan.busy.locked():  # in use: its user will record a version; lend none now
            return False
        return not self._store.wrote_all(district, plan.version, version)

    def planner(self, district: str) -> WarmProposals | None:
        """The district's planner, if one was made (to inspect; use :meth:`take`)."""
        with self._lock:
            found = self._plans.get(district)
        return None if found is None else found.planner

    def forget(self, district: str) -> None:
        """Drop a district's plan (its memory goes with it)."""
        with self._lock:
            self._plans.pop(district, None)
