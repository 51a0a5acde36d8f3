"""Pydantic records for one CSV row each: every problem of a row found and worded.

A cell's rules live here and in :mod:`matcher.io.values`; :mod:`matcher.io.columns`
reads a file without problems by the same functions, one call per distinct cell.

(The growth record's files, ``outcomes.csv`` and ``trainings.csv``, have theirs
in :mod:`matcher.io.history_records`.)

Validators raise ``ValueError`` with a message that says what is allowed, so the
loader can report ``file, row, column, value, fix`` without guessing.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field, SkipValidation, ValidationInfo, field_validator

from matcher.dated import (
    DEFAULT_ZONE,
    Away,
    Weekly,
    Window,
    district_zone,
    format_local,
    parse_away,
    parse_local,
    parse_weekly,
)
from matcher.io.values import (
    blank,
    hours_in,
    number_text,
    parse_capacity,
    parse_coord,
    parse_headcount,
    parse_priority,
    parse_status,
    parse_travel,
    parse_week_hours,
)
from matcher.model import MAX_DEMAND_HOURS, Status, id_problem
from matcher.tags import MAX_LEVEL, MIN_LEVEL, Taxonomy

__all__ = [
    "CadreRecord",
    "CommunityRecord",
    "DemandRecord",
    "parse_levels",
    "parse_slugs",
    "parse_tags",
    "tag_level_items",
]


def _tax(info: ValidationInfo) -> Taxonomy | None:
    ctx = info.context or {}
    tax = ctx.get("taxonomy")
    return tax if isinstance(tax, Taxonomy) else None


def _zone(info: ValidationInfo) -> ZoneInfo:
    """The district's zone the loader passes (the policy's ``timezone``), else the default."""
    zone = (info.context or {}).get("zone")
    return zone if isinstance(zone, ZoneInfo) else district_zone(DEFAULT_ZONE)


#: what an office types in a tag or cert list for ``;`` and ``:`` (a Chinese input method's
#: full-width punctuation, the enumeration comma 、) and full-width digits, as ASCII
_LIST_WIDTH = str.maketrans(
    {"；": ";", "，": ";", "、": ";", "：": ":", **{chr(0xFF10 + d): str(d) for d in range(10)}}
)


def _slug_or_name(word: str, kind: str, taxonomy: Taxonomy, suggest: bool) -> str:
    """``word`` as a tag (``kind`` "tag") or cert slug: the slug itself, or the one slug
    whose Chinese name it is; else a ValueError saying which slugs share the name, or
    the nearest ones."""
    known = taxonomy.has_tag if kind == "tag" else taxonomy.has_cert
    if known(word):
        return word
    named = taxonomy.tags_named(word) if kind == "tag" else taxonomy.certs_named(word)
    if len(named) == 1:
        return named[0]
    if named:
        raise ValueError(
            f"{kind} name '{word}' is ambiguous: it names {', '.join(named)}; write the slug"
        )
    hint = taxonomy.suggest_tag(word) if kind == "tag" else taxonomy.suggest_cert(word)
    raise ValueError(f"unknown {kind} '{word}'" + (f"; {hint}" if suggest else ""))


def _suggest(info: ValidationInfo) -> bool:
    """Whether to work out "did you mean" hints: the loader says no for rows whose
    problems would not be listed anyway (the hints are the costly part)."""
    return bool((info.context or {}).get("suggest", True))


def tag_level_items(text: str) -> list[tuple[str, str, str]]:
    """The ``tag:level`` syntax, written once: each ``;``-separated item, split at its colon.

    Items come as :meth:`str.partition` gives them (``(tag, ":", level)``, or
    ``(item, "", "")`` without a colon), unstripped and unchecked, so that each reader
    (case files here, scenario edits in :mod:`matcher.whatif`) judges them its own way.

    >>> tag_level_items("a.b:3; c.d ;")
    [('a.b', ':', '3'), ('c.d', '', '')]
    """
    return [item.partition(":") for item in (raw.strip() for raw in text.split(";")) if item]


def parse_levels(text: str, taxonomy: Taxonomy | None, suggest: bool = True) -> dict[str, int]:
    """``"a.b:3;c.d:2"`` → ``{"a.b": 3, "c.d": 2}``, each problem a clear ValueError.

    A tag may be named by its slug or its Chinese name (``养老服务:3``); full-width
    ``；`` ``：`` ``，`` and digits are read as their ASCII forms."""
    out: dict[str, int] = {}
    for tag, sep, level_text in tag_level_items(text.translate(_LIST_WIDTH)):
        item = tag + sep + level_text
        tag, level_text = tag.strip(), level_text.strip()
        if not sep or not tag or not level_text:
            raise ValueError(f"'{item}' is not tag:level (write e.g. urban.elevator_retrofit:3)")
        try:
            level = int(level_text)
        except ValueError:
            raise ValueError(f"level '{level_text}' of {tag} is not a whole number 1-5") from None
        if not MIN_LEVEL <= level <= MAX_LEVEL:
            raise ValueError(f"level {level} of {tag} is outside {MIN_LEVEL}-{MAX_LEVEL}")
        if taxonomy is not None:
            tag = _slug_or_name(tag, "tag", taxonomy, suggest)
        if tag in out:
            raise ValueError(f"tag {tag} is listed twice")
        out[tag] = level
    return out


def parse_tags(text: str, taxonomy: Taxonomy | None, suggest: bool = True) -> tuple[str, ...]:
    """``"a.b;c.d"`` → ``("a.b", "c.d")``: tag slugs or their Chinese names, checked against
    ``taxonomy``, each once; full-width separators read as ``;``."""
    tags: list[str] = []
    for word in (w.strip() for w in text.translate(_LIST_WIDTH).split(";")):
        if not word:
            continue
        tag = word if taxonomy is None else _slug_or_name(word, "tag", taxonomy, suggest)
        if tag in tags:
            raise ValueError(f"tag {tag} is listed twice")
        tags.append(tag)
    return tuple(tags)


def parse_slugs(text: str, taxonomy: Taxonomy | None, suggest: bool = True) -> tuple[str, ...]:
    """``"a;b"`` → ``("a", "b")``: cert slugs or their Chinese names, checked against
    ``taxonomy`` when it lists certs; full-width separators read as ``;``."""
    words = [w.strip() for w in text.translate(_LIST_WIDTH).split(";") if w.strip()]
    if taxonomy is not None and taxonomy.certs:
        words = [_slug_or_name(w, "cert", taxonomy, suggest) for w in words]
    return tuple(dict.fromkeys(words))


class _Record(BaseModel):
    # cells arrive trimmed and unescaped (matcher.io.tables): a value may start
    # with a tab that was escaped on export, so no second trim here. The validators
    # are built on first use: a file without problems is read by column
    # (matcher.io.columns), so most processes loading a case never use them
    model_config = ConfigDict(extra="ignore", frozen=True, defer_build=True)

    @field_validator("id", check_fields=False)
    @classmethod
    def _id_ok(cls, v: str) -> str:
        problem = id_problem(v)
        if problem is not None:
            raise ValueError(problem)
        return v


class CommunityRecord(_Record):
    id: str
    name: str
    street: str
    lat: float
    lon: float

    @field_validator("lat", "lon", mode="before")
    @classmethod
    def _coord(cls, v: Any, info: ValidationInfo) -> float:
        return parse_coord(v, str(info.field_name))


class CadreRecord(_Record):
    id: str
    name: str
    home: str
    skills: dict[str, int]
    certs: tuple[str, ...]
    capacity: int
    status: Status
    max_travel_km: float
    # the optional columns of dated work: absent or blank keeps today's meaning
    available: SkipValidation[Weekly | None] = Field(None, validate_default=True)
    away: SkipValidation[Away | None] = Field(None, validate_default=True)
    hours_per_week: float = Field(math.inf, validate_default=True)

    @field_validator("available", mode="before")
    @classmethod
    def _available(cls, v: Any) -> Weekly | None:
        return parse_weekly(blank(v))

    @field_validator("away", mode="before")
    @classmethod
    def _away(cls, v: Any) -> Away | None:
        return parse_away(blank(v))

    @field_validator("hours_per_week", mode="before")
    @classmethod
    def _week(cls, v: Any) -> float:
        return parse_week_hours(v)

    @field_validator("skills", mode="before")
    @classmethod
    def _skills(cls, v: Any, info: ValidationInfo) -> dict[str, int]:
        return parse_levels(str(v or ""), _tax(info), _suggest(info))

    @field_validator("certs", mode="before")
    @classmethod
    def _certs(cls, v: Any, info: ValidationInfo) -> tuple[str, ...]:
        return parse_slugs(str(v or ""), _tax(info), _suggest(info))

    @field_validator("capacity", mode="before")
    @classmethod
    def _capacity(cls, v: Any) -> int:
        return parse_capacity(v)

    @field_validator("status", mode="before")
    @classmethod
    def _status(cls, v: Any) -> str:
        return parse_status(v)

    @field_validator("max_travel_km", mode="before")
    @classmethod
    def _travel(cls, v: Any) -> float:
        return parse_travel(v)


class DemandRecord(_Record):
    id: str
    community: str
    title: str
    needs: dict[str, int]
    requires: dict[str, int]
    certs: tuple[str, ...]
    headcount: int
    priority: int
    # a dated work order: absent or blank start keeps it ongoing, as today
    start: SkipValidation[dt.datetime | None] = Field(None, validate_default=True)
    end: SkipValidation[dt.datetime | None] = Field(None, validate_default=True)
    hours: SkipValidation[float | None] = Field(None, validate_default=True)
    # the service item it was made from (its defaults are already in the other cells)
    item: str | None = None

    @field_validator("item", mode="before")
    @classmethod
    def _item(cls, v: Any) -> str | None:
        return blank(v) or None

    @field_validator("start", mode="before")
    @classmethod
    def _start(cls, v: Any, info: ValidationInfo) -> dt.datetime | None:
        text = blank(v)
        return parse_local(text, _zone(info)) if text else None

    @field_validator("end", mode="before")
    @classmethod
    def _end(cls, v: Any, info: ValidationInfo) -> dt.datetime | None:
        text = blank(v)
        if not text:
            return None
        end = parse_local(text, _zone(info))
        if "start" not in info.data:  # the start has a problem of its own
            return end
        start = info.data["start"]
        if start is None:
            raise ValueError("an end needs a start: fill in start, or leave end blank (ongoing)")
        if end.astimezone(dt.UTC) <= start.astimezone(dt.UTC):
            raise ValueError(
                f"the end comes before or at the start ({format_local(start)}); the end must"
                " come after it (a night shift ends the next day, e.g. 2026-12-09T02:00)"
            )
        return end

    @field_validator("hours", mode="before")
    @classmethod
    def _expected(cls, v: Any, info: ValidationInfo) -> float | None:
        text = number_text(v)
        start, end = info.data.get("start"), info.data.get("end")
        if not text:
            if start is not None and end is None and "end" in info.data:
                raise ValueError(
                    "a dated order needs an end or its hours: fill in end (e.g."
                    " 2026-12-08T22:00) or hours (e.g. 4)"
                )
            return None
        hours = hours_in(text, "hours", MAX_DEMAND_HOURS, "the whole window, or unknown")
        if hours == 0:
            raise ValueError("hours must be above 0 (blank = the whole window, or unknown)")
        if start is not None and end is not None and hours > Window(start, end).hours + 1e-9:
            raise ValueError(
                f"hours ({hours:g}) exceed the window from start to end"
                f" ({Window(start, end).hours:g} h); lower hours or move the end"
            )
        return hours

    @field_validator("needs", "requires", mode="before")
    @classmethod
    def _levels(cls, v: Any, info: ValidationInfo) -> dict[str, int]:
        return parse_levels(str(v or ""), _tax(info), _suggest(info))

    @field_validator("certs", mode="before")
    @classmethod
    def _certs(cls, v: Any, info: ValidationInfo) -> tuple[str, ...]:
        return parse_slugs(str(v or ""), _tax(info), _suggest(info))

    @field_validator("headcount", mode="before")
    @classmethod
    def _headcount(cls, v: Any) -> int:
        return parse_headcount(v)

    @field_validator("priority", mode="before")
    @classmethod
    def _priority(cls, v: Any) -> int:
        return parse_priority(v)
