"""What the growth record (成长档案) is computed from: outcomes, trainings, decisions.

Plain frozen dataclasses, read from the store or made by the history generator.
The record, warnings and points are *functions* of these (never typed in), so a
figure shown to a district office can always be recomputed from its history.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

__all__ = [
    "CancelReason",
    "Ending",
    "Outcome",
    "Standing",
    "StatusChange",
    "Training",
]


class Ending(StrEnum):
    """How a dispatch ended (the dispatch lifecycle's final states)."""

    COMPLETED = "completed"
    CANCELLED = "cancelled"
    NO_SHOW = "no_show"


class CancelReason(StrEnum):
    """Why a dispatch was cancelled (a no-show is its own ending, and also a reason code)."""

    CADRE_UNAVAILABLE = "cadre_unavailable"
    NO_SHOW = "no_show"
    COMMUNITY_WITHDREW = "community_withdrew"
    DUPLICATE = "duplicate"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class Outcome:
    """One ended dispatch of one cadre.

    ``hours`` and ``rating`` are set only on completed dispatches (``rating``
    optional: not every community rates). ``exempt`` marks a 容错 exemption: a
    non-principled mistake made while trying something new; it is kept in the
    record but never counts against the cadre (no rule reads it, its rating is
    left out of the mean). ``priority`` is the demand's (1–5), for points.
    """

    dispatch: int
    cadre: str
    demand: str
    community: str
    started: date
    ended: date
    ending: Ending
    priority: int = 3
    hours: float | None = None
    rating: int | None = None
    exempt: bool = False
    exempt_reason: str | None = None
    cancel_reason: CancelReason | None = None


@dataclass(frozen=True, slots=True)
class Training:
    """A training session a cadre attended; ``cert`` is the certification it gained, if any."""

    cadre: str
    course: str
    day: date
    hours: float
    tags: tuple[str, ...] = ()
    cert: str | None = None


@dataclass(frozen=True, slots=True)
class StatusChange:
    """A confirmed change of a cadre's colour (三色预警), as decided by a person."""

    cadre: str
    day: date
    status: str
    rule: str | None = None


@dataclass(frozen=True, slots=True)
class Standing:
    """The few record figures the match may use (each policy term is off by default).

    ``rating``: the recency-weighted, shrunk rating (None without ratings);
    ``hours_recent``: service hours in the policy's recent window;
    ``hours_behind``: hours still missing toward the pro-rated yearly target (≥ 0);
    ``days_idle``: days since the cadre's last completed dispatch ended, or since
    it joined if it has none (None: not known, no idle bonus).
    """

    rating: float | None = None
    hours_recent: float = 0.0
    hours_behind: float = 0.0
    days_idle: int | None = None
