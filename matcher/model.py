"""The domain: communities, cadres, demands and the case that holds them.

Plain frozen dataclasses: validated once at the edge (``matcher.io``), then
trusted. Levels are ints 1–5 keyed by full tag slug (``category.tag``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from matcher.policy import Policy
from matcher.tags import Taxonomy

__all__ = ["Cadre", "Case", "Community", "Demand", "Status"]


class Status(StrEnum):
    """三色预警: green active, yellow needs improvement, red withdrawn (never dispatched)."""

    GREEN = "green"
    YELLOW = "yellow"
    RED = "red"


@dataclass(frozen=True, slots=True)
class Community:
    id: str
    name: str
    street: str
    lat: float
    lon: float


@dataclass(frozen=True, slots=True)
class Cadre:
    id: str
    name: str
    home: str
    skills: dict[str, int]
    certs: tuple[str, ...] = ()
    capacity: int = 1
    status: Status = Status.GREEN
    max_travel_km: float = math.inf


@dataclass(frozen=True, slots=True)
class Demand:
    id: str
    community: str
    title: str
    needs: dict[str, int]
    requires: dict[str, int] = field(default_factory=dict)
    certs: tuple[str, ...] = ()
    headcount: int = 1
    priority: int = 3


@dataclass(frozen=True)
class Case:
    """A district's situation: who is available, what is needed, and the rules."""

    taxonomy: Taxonomy
    communities: tuple[Community, ...]
    cadres: tuple[Cadre, ...]
    demands: tuple[Demand, ...]
    policy: Policy = field(default_factory=Policy)
    source: Path | None = None

    def community(self, cid: str) -> Community:
        return self._communities[cid]

    @property
    def _communities(self) -> dict[str, Community]:
        cached = self.__dict__.get("_community_index")
        if cached is None:
            cached = {c.id: c for c in self.communities}
            object.__setattr__(self, "_community_index", cached)
        return cached

    def with_policy(self, policy: Policy) -> Case:
        return Case(self.taxonomy, self.communities, self.cadres, self.demands, policy, self.source)
