"""RecordPolicy: the growth record's parameters, warning thresholds and points formula.

A district tunes them in the optional ``[record]`` table of ``policy.toml``
(with ``[record.warnings]`` and ``[record.points]``), so that every record figure,
warning and point can be recomputed from the history and the files alone. Each
default is a programme's own figure where one exists (Gongshu's 社区CEO asks
200 hours of community service a year); ``docs/record.md`` gives the formula
each parameter enters.

Example:
    >>> RecordPolicy().yearly_hours
    200.0
    >>> RecordPolicy.model_validate({"warnings": {"no_shows": 3}}).warnings.no_shows
    3
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["PointsFormula", "RecordPolicy", "WarningThresholds"]

_STRICT = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False)


class WarningThresholds(BaseModel):
    """When the three-colour warning rules fire (``docs/record.md``, "Warning rules").

    Each rule only *suggests* a change; a person confirms or dismisses it.
    """

    model_config = _STRICT

    no_shows: int = Field(
        2, ge=1, le=100, description="no-shows within the recent window that suggest yellow"
    )
    low_rating: float = Field(
        3.0,
        ge=1,
        le=5,
        description="a recency-weighted, shrunk rating strictly below this suggests yellow",
    )
    min_ratings: int = Field(
        5, ge=1, le=1000, description="ratings needed before the low-rating rule may fire"
    )
    hours_behind_share: float = Field(
        0.5,
        gt=0,
        le=1,
        description=(
            "share of the pro-rated yearly hours target a cadre must be behind by"
            " (at least) for the hours rule to suggest yellow"
        ),
    )
    hours_grace_days: int = Field(
        90,
        ge=0,
        le=366,
        description=(
            "days of the counting year (from 1 January or joining) before the hours rule applies"
        ),
    )
    stuck_days: int = Field(
        183,
        ge=1,
        le=3660,
        description=(
            "days yellow, with a yellow rule still firing, after which red is suggested"
            " (about six months)"
        ),
    )


class PointsFormula(BaseModel):
    """服务积分 earned per completed dispatch (``docs/record.md``, "Points").

    ``points = round(per_hour × hours × (1 + rating_step × (rating − 3))
    × (1 + priority_step × (priority − 3)))``; an unrated dispatch takes the
    multiplier of a 3. Whole points only, so a balance is an exact sum.
    """

    model_config = _STRICT

    per_hour: float = Field(10.0, ge=0, le=1000, description="points per service hour")
    rating_step: float = Field(
        0.25,
        ge=0,
        le=0.5,
        description="multiplier change per rating step away from 3 (1 → 0.5, 5 → 1.5 by default)",
    )
    priority_step: float = Field(
        0.25,
        ge=0,
        le=0.5,
        description="factor change per priority step away from 3 (1 → 0.5, 5 → 1.5 by default)",
    )


class RecordPolicy(BaseModel):
    """Everything the record, warnings and points depend on besides the history itself."""

    model_config = _STRICT

    max_hours: float = Field(
        24.0, gt=0, le=1000, description="most service hours one dispatch may record"
    )
    yearly_hours: float = Field(
        200.0, ge=0, le=10_000, description="yearly service hours target (Gongshu's 社区CEO: 200)"
    )
    recent_days: int = Field(
        90, ge=1, le=3660, description="the recent window, in days (hours, no-shows)"
    )
    half_life_days: float = Field(
        180.0,
        gt=0,
        le=36_600,
        description="a rating this many days old weighs half as much as one given today",
    )
    shrinkage: float = Field(
        3.0,
        ge=0,
        le=1000,
        description="pseudo-ratings at the district mean added to every cadre's rating",
    )
    warnings: WarningThresholds = WarningThresholds()
    points: PointsFormula = PointsFormula()
