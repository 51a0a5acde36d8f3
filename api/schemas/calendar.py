"""A cadre's calendar (``GET …/cadres/{id}/calendar``): their work over a range of local
days, when they are free, and their hours per ISO week against their limit."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

__all__ = ["CalendarDayPublic", "CalendarEntryPublic", "CalendarPublic", "CalendarWeekPublic"]


class CalendarEntryPublic(BaseModel):
    dispatch: int
    demand: str
    title: str
    community: str
    status: Literal["active", "completed"]
    ongoing: bool = Field(
        description="work without a window: it holds one unit of capacity all the time"
    )
    start: str | None = Field(description="a dated order's start, local (2026-12-08T18:00)")
    end: str | None = Field(description="… and its end (excluded); null for ongoing work")
    hours: float | None = Field(
        description="a dated order's service hours (its own, else its window's); null: ongoing"
    )
    created_at: str = Field(description="when it was dispatched (UTC)")
    closed_at: str | None = Field(description="when it was completed (UTC); null while active")


class CalendarDayPublic(BaseModel):
    day: str = Field(description="a local day of the range (YYYY-MM-DD)")
    weekday: Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    away: bool = Field(description="a day of the cadre's `away`: no dated order touches it")
    ongoing: int = Field(
        description="active ongoing dispatches held that day (dispatched by it): each holds"
        " one place all the time"
    )
    held: bool = Field(
        description="ongoing work holds all of the cadre's places that day (ongoing ≥"
        " capacity, at least one): no window is free for a dated order"
    )
    unavailable: bool = Field(
        False,
        description="a day from today to the cadre's `unavailable.until` (暂不可派; every"
        " day from today when it runs until lifted): nothing is proposed to them, no"
        " window is free",
    )
    free: list[list[str]] = Field(
        description="the wall-clock windows free for a dated order that day, as"
        ' ["HH:MM", "HH:MM"] pairs: the weekly pattern\'s (["00:00", "24:00"] without'
        " one); none on a held day"
    )


class CalendarWeekPublic(BaseModel):
    week: str = Field(description="the ISO week (2026-W50)")
    first: str = Field(description="its Monday")
    last: str = Field(description="its Sunday")
    hours: float = Field(
        description="hours of the cadre's active and completed dated work in the week (a"
        " window's hours cut at local Monday 00:00, its order's hours spread over it)"
    )
    limit: float | None = Field(description="hours_per_week (null: no limit)")
    left: float | None = Field(description="limit − hours (null: no limit)")


class CalendarPublic(BaseModel):
    cadre: str
    name: str
    start: str = Field(description="the range's first local day (included)")
    end: str = Field(description="the range's last local day (included)")
    timezone: str = Field(description="the district's time zone (its policy's)")
    capacity: int = Field(description="dispatches the cadre holds at one instant at most")
    available: str | None = Field(description="the weekly pattern, canonical (null: always)")
    away: str | None = Field(description="days away as written (null: never)")
    hours_per_week: float | None
    ongoing: int = Field(
        description="the most active ongoing dispatches held on one day of the range"
    )
    unavailable_until: str | None = Field(
        None,
        description="marked unavailable (暂不可派) until this day, included; null when not"
        " marked, or marked until lifted (`until_lifted`)",
    )
    until_lifted: bool = Field(False, description="marked unavailable with no end day")
    fully_held: bool = Field(
        description="every day of the range is held: ongoing work fills the cadre, no"
        " window of the range is free for a dated order"
    )
    entries: list[CalendarEntryPublic] = Field(
        description="active and completed dispatches in the range: dated ones whose window"
        " touches one of its days, ongoing ones held during it; ongoing first, then by start"
    )
    days: list[CalendarDayPublic]
    weeks: list[CalendarWeekPublic] = Field(description="every ISO week the range touches")
