"""Pydantic records for one CSV row each: the only place row values are parsed.

(The growth record's files, ``outcomes.csv`` and ``trainings.csv``, have theirs
in :mod:`matcher.io.history_records`.)

Validators raise ``ValueError`` with a message that says what is allowed, so the
loader can report ``file, row, column, value, fix`` without guessing.
"""

from __future__ import annotations

import math
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationInfo, field_validator

from matcher.model import Status, id_problem
from matcher.tags import MAX_LEVEL, MIN_LEVEL, Taxonomy

__all__ = [
    "CadreRecord",
    "CommunityRecord",
    "DemandRecord",
    "parse_levels",
    "parse_slugs",
    "tag_level_items",
]

MAX_COUNT = 10_000


def _tax(info: ValidationInfo) -> Taxonomy | None:
    ctx = info.context or {}
    tax = ctx.get("taxonomy")
    return tax if isinstance(tax, Taxonomy) else None


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
    """``"a.b:3;c.d:2"`` → ``{"a.b": 3, "c.d": 2}``, each problem a clear ValueError."""
    out: dict[str, int] = {}
    for tag, sep, level_text in tag_level_items(text):
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
        if taxonomy is not None and not taxonomy.has_tag(tag):
            hint = f"; {taxonomy.suggest_tag(tag)}" if suggest else ""
            raise ValueError(f"unknown tag '{tag}'{hint}")
        if tag in out:
            raise ValueError(f"tag {tag} is listed twice")
        out[tag] = level
    return out


def parse_slugs(text: str, taxonomy: Taxonomy | None, suggest: bool = True) -> tuple[str, ...]:
    slugs = tuple(dict.fromkeys(s.strip() for s in text.split(";") if s.strip()))
    if taxonomy is not None and taxonomy.certs:
        for slug in slugs:
            if not taxonomy.has_cert(slug):
                hint = f"; {taxonomy.suggest_cert(slug)}" if suggest else ""
                raise ValueError(f"unknown cert '{slug}'{hint}")
    return slugs


class _Record(BaseModel):
    # cells arrive trimmed and unescaped (matcher.io.tables): a value may start
    # with a tab that was escaped on export, so no second trim here
    model_config = ConfigDict(extra="ignore", frozen=True)

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
        try:
            x = float(v)
        except (TypeError, ValueError):
            raise ValueError(f"{info.field_name} must be a number in decimal degrees") from None
        limit = 90 if info.field_name == "lat" else 180
        if not math.isfinite(x) or abs(x) > limit:
            raise ValueError(f"{info.field_name} must be between -{limit} and {limit}")
        return x


class CadreRecord(_Record):
    id: str
    name: str
    home: str
    skills: dict[str, int]
    certs: tuple[str, ...]
    capacity: int
    status: Status
    max_travel_km: float

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
        text = str(v or "").strip()
        if not text:
            return 1
        try:
            cap = int(text)
        except ValueError:
            raise ValueError("capacity must be a whole number >= 0 (blank means 1)") from None
        if not 0 <= cap <= MAX_COUNT:
            raise ValueError(f"capacity must be 0-{MAX_COUNT} (0 = on leave; blank means 1)")
        return cap

    @field_validator("status", mode="before")
    @classmethod
    def _status(cls, v: Any) -> str:
        text = str(v or "").strip().lower()
        if text not in {s.value for s in Status}:
            raise ValueError("status must be green, yellow or red")
        return text

    @field_validator("max_travel_km", mode="before")
    @classmethod
    def _travel(cls, v: Any) -> float:
        text = str(v or "").strip()
        if not text:
            return math.inf
        try:
            km = float(text)
        except ValueError:
            raise ValueError("max_travel_km must be a number of km (blank = no limit)") from None
        if not math.isfinite(km) or km < 0:
            raise ValueError("max_travel_km must be >= 0 (blank = no limit)")
        return km


class DemandRecord(_Record):
    id: str
    community: str
    title: str
    needs: dict[str, int]
    requires: dict[str, int]
    certs: tuple[str, ...]
    headcount: int
    priority: int

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
        try:
            n = int(str(v).strip())
        except ValueError:
            raise ValueError("headcount must be a whole number >= 1") from None
        if not 1 <= n <= MAX_COUNT:
            raise ValueError(f"headcount must be 1-{MAX_COUNT}")
        return n

    @field_validator("priority", mode="before")
    @classmethod
    def _priority(cls, v: Any) -> int:
        try:
            p = int(str(v).strip())
        except ValueError:
            raise ValueError("priority must be a whole number 1-5 (5 = most urgent)") from None
        if not 1 <= p <= 5:
            raise ValueError("priority must be 1-5 (5 = most urgent)")
        return p
