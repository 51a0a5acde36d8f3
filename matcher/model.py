"""The domain: communities, cadres, demands and the case that holds them.

Plain frozen dataclasses: validated once at the edge (``matcher.io``), then
trusted. Levels are ints 1–5 keyed by full tag slug (``category.tag``).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path

from matcher.dated import Away, Weekly, Window
from matcher.policy import Policy
from matcher.record import Standing
from matcher.tags import Taxonomy

__all__ = [
    "DISTRICT_ID_MAX_LENGTH",
    "ID_MAX_LENGTH",
    "ID_PATTERN",
    "MAX_DEMAND_HOURS",
    "MAX_PLACES",
    "Cadre",
    "Case",
    "Community",
    "Demand",
    "Status",
    "id_problem",
]

ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$"
"""Ids of communities, cadres, demands and districts: ASCII letters and digits first,
then also ``_ . -``. One rule for CSV cells, JSON bodies and URL paths, so every id
a file can bring in is one a route can address (no spaces, slashes or ``%``)."""
ID_MAX_LENGTH = 128
"""Longest id of a community, cadre or demand (the store's key columns)."""
DISTRICT_ID_MAX_LENGTH = 64
"""Longest district id (the store's district key column)."""
MAX_DEMAND_HOURS = 8784
"""Most expected service ``hours`` of one demand: a leap year's hours. One limit for a
``demands.csv`` cell, a catalogue item, an API body and the console's form, each refusing
more with the same coded problem (``problem.hours_between``; the catalogue's
``problem.catalogue_hours``)."""
MAX_PLACES = 1000
"""Most places one row holds: a demand's ``headcount`` (1 to this) and a cadre's
``capacity`` (0 to this). One limit for a case file's cell (``matcher validate``), an
API body and the console's form, so a file that validates also imports (it was 10,000
in the files and 1,000 in the service; a district staffs tens of people per order)."""
_ID = re.compile(ID_PATTERN)


def id_problem(value: str, max_length: int = ID_MAX_LENGTH) -> str | None:
    """Why ``value`` is not a valid id, or None when it is.

    ``fullmatch`` (not ``match``): ``$`` alone would accept a trailing newline,
    which the API's pattern check refuses.
    """
    if not value:
        return "id is empty"
    if len(value) > max_length:
        return f"id is {len(value)} characters long; at most {max_length} are allowed"
    if _ID.fullmatch(value) is None:
        return (
            "id may hold only ASCII letters, digits, '_', '-', '.'"
            " and must start with a letter or digit"
        )
    return None


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
    #: when the cadre is free each week (None: always) and the days away (None: never)
    available: Weekly | None = None
    away: Away | None = None
    #: most service hours of dated orders in one ISO week (inf: no limit)
    hours_per_week: float = math.inf


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
    #: a dated work order starts (aware, the district's zone); None: ongoing
    start: dt.datetime | None = None
    #: and ends; None with a start: it runs for ``hours``
    end: dt.datetime | None = None
    #: expected service hours (a dated order without an end: its length)
    hours: float | None = None
    #: the service item of the district's catalogue it was made from (None: typed in)
    item: str | None = None

    @property
    def window(self) -> Window | None:
        """The dated order's ``[start, end)`` (``end`` = start + ``hours`` when only
        those are given), or None for an ongoing demand."""
        if self.start is None:
            return None
        if self.end is not None:
            return Window(self.start, self.end)
        if self.hours is None:
            return None
        end = (self.start.astimezone(dt.UTC) + dt.timedelta(hours=self.hours)).astimezone(
            self.start.tzinfo
        )
        return Window(self.start, end)


@dataclass(frozen=True)
class Case:
    """A district's situation: who is available, what is needed, and the rules.

    ``standing`` holds the growth record's figures per cadre id, which the
    policy's record terms score (a cadre left out, like an empty mapping,
    scores 0 in each): the store fills it from the records; case folders have none.
    """

    taxonomy: Taxonomy
    communities: tuple[Community, ...]
    cadres: tuple[Cadre, ...]
    demands: tuple[Demand, ...]
    policy: Policy = field(default_factory=Policy)
    source: Path | None = None
    standing: Mapping[str, Standing] = field(default_factory=dict)

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
        return replace(self, policy=policy)
