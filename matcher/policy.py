"""Policy: the weights and factors of the scoring formula, with documented defaults.

A district tunes these in a case's ``policy.toml`` (or an API override) rather
than in code, so that every score stays reproducible from the files alone. See
``docs/scoring.md`` for the formula each weight enters.

Example:
    >>> Policy().weights.fill
    10.0
    >>> Policy.model_validate({"weights": {"skill": 30}}).weights.skill
    30.0
"""

from __future__ import annotations

import difflib
import re
from itertools import pairwise
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from matcher.dated.window import DEFAULT_ZONE, zone_problem
from matcher.errors import PolicyError, Problem
from matcher.messages import field_message
from matcher.record.policy import RecordPolicy
from matcher.tomlfile import read_toml_text

__all__ = ["Fairness", "Lending", "Policy", "Weights", "load_policy", "parse_policy"]


#: largest weight accepted: scores stay below ~10^7, far inside 2^53 / SCALE
MAX_WEIGHT = 10_000.0


class Weights(BaseModel):
    """Term weights (all >= 0). Travel, status and recent load enter the score as penalties."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False)

    fill: float = Field(
        10.0, ge=0, le=MAX_WEIGHT, description="score per priority point for filling a slot"
    )
    skill: float = Field(
        20.0, ge=0, le=MAX_WEIGHT, description="score for a perfect skill fit (fit = 1)"
    )
    travel_per_km: float = Field(
        0.5, ge=0, le=MAX_WEIGHT, description="penalty per km of home-to-demand distance"
    )
    yellow: float = Field(
        3.0,
        ge=0,
        le=MAX_WEIGHT,
        description="penalty for a yellow-status (needs improvement) cadre",
    )
    # the growth record's terms (off at 0; docs/scoring.md has their formulas)
    reliability: float = Field(
        0.0, ge=0, le=MAX_WEIGHT, description="bonus at a rating of 5, as much penalty at 1"
    )
    hours_behind: float = Field(
        0.0, ge=0, le=MAX_WEIGHT, description="bonus for 100 or more hours behind the target"
    )
    recent_load: float = Field(
        0.0, ge=0, le=MAX_WEIGHT, description="penalty per 100 service hours in the recent window"
    )
    idle_bonus: float = Field(
        0.0, ge=0, le=MAX_WEIGHT, description="bonus for a cadre idle fairness.idle_days or more"
    )
    home_first: float = Field(
        0.0,
        ge=0,
        le=MAX_WEIGHT,
        description="bonus for a cadre serving a demand of the cadre's own community",
    )


class Fairness(BaseModel):
    """How load is spread: the convex per-slot cost of one plan, the idle threshold."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False)

    load_step: float = Field(
        0.0,
        ge=0,
        le=MAX_WEIGHT,
        description="the k-th slot of a cadre in one plan costs (k-1) times this",
    )
    load_costs: tuple[float, ...] = Field(
        (),
        max_length=50,
        strict=False,  # TOML and JSON give a list
        description="or the costs of slots 2, 3, ... (non-decreasing; the last repeats)",
    )
    idle_days: int = Field(
        30, ge=1, le=3660, description="days without a dispatch that earn the idle bonus"
    )

    @field_validator("load_costs")
    @classmethod
    def _convex(cls, v: tuple[float, ...]) -> tuple[float, ...]:
        # rising marginals are what keep the plan a min-cost flow (docs/scoring.md)
        if any(not 0 <= x <= MAX_WEIGHT for x in v) or any(b < a for a, b in pairwise(v)):
            raise ValueError(f"must be non-decreasing numbers from 0 to {MAX_WEIGHT:g}")
        return v


class Lending(BaseModel):
    """Hard limits on lending cadres across communities (docs/scoring.md); off by default.

    A dispatch is *lent* when the cadre's home community is not the demand's.
    Either limit makes a proposal a MILP solved to a zero gap (matcher.lending).
    """

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False)

    max_lent: int | None = Field(
        None,
        ge=0,
        le=1_000_000,
        description="dispatches a community may lend per period (none: no limit)",
    )
    limits: dict[str, int] = Field(
        {},
        strict=False,
        description="per-community limits overriding max_lent (community id → dispatches)",
    )
    period_days: int = Field(
        30, ge=1, le=3660, description="the period a limit counts over, ending today"
    )
    home_floor: int = Field(
        0,
        ge=0,
        le=10_000,
        description="at least this many of a community's able cadres hold no lent dispatch",
    )

    @field_validator("limits")
    @classmethod
    def _counts(cls, v: dict[str, int]) -> dict[str, int]:
        if any(not isinstance(x, int) or isinstance(x, bool) or x < 0 for x in v.values()):
            raise ValueError("each limit must be a whole number of dispatches, 0 or more")
        return v

    @property
    def is_on(self) -> bool:
        """Whether any hard lending rule applies.

        Example:
            >>> Lending().is_on, Lending(max_lent=3).is_on
            (False, True)
        """
        return self.max_lent is not None or bool(self.limits) or self.home_floor > 0

    def limit_of(self, community: str) -> int | None:
        """The dispatches ``community`` may lend per period (``None``: unlimited)."""
        return self.limits.get(community, self.max_lent)


class Policy(BaseModel):
    """Everything the score depends on besides the case data itself."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False)

    weights: Weights = Weights()
    related_credit: float = Field(
        0.5, ge=0, le=1, description="share of a sibling tag's level credited toward a needed tag"
    )
    alternatives: int = Field(3, ge=0, le=20, description="ranked alternates listed per assignment")
    alternatives_within: float = Field(
        3.0,
        ge=0.01,
        le=MAX_WEIGHT,
        description=(
            "pools too big to score at once (streamed) search alternates losing up to this"
            " many score points; small pools list every alternate"
        ),
    )
    fairness: Fairness = Field(
        Fairness(), description="load spread: convex slot cost, idle bonus (docs/scoring.md)"
    )
    lending: Lending = Field(
        Lending(),
        description="hard lending limits per community and a home floor (docs/scoring.md)",
    )
    record: RecordPolicy = Field(
        RecordPolicy(),
        description="the growth record: windows, warning thresholds, points (docs/record.md)",
    )
    timezone: str = Field(
        DEFAULT_ZONE,
        max_length=64,
        description="the district's IANA time zone: dated orders' start and end are local to it",
    )

    @field_validator("timezone")
    @classmethod
    def _zone(cls, v: str) -> str:
        problem = zone_problem(v)
        if problem is not None:
            raise ValueError(problem)
        return v


def _fields_at(loc: tuple[Any, ...]) -> list[str]:
    """The keys a policy table accepts at ``loc`` (its path without the bad key)."""
    model: Any = Policy
    for part in loc[:-1]:
        info = getattr(model, "model_fields", {}).get(part)
        if info is None:
            return []
        model = info.annotation
    return list(getattr(model, "model_fields", {}))


def _line(text: str | None, key: str) -> int | None:
    """The 1-based line of the TOML text that sets ``key`` (first one), if any."""
    if text is None:
        return None
    pattern = re.compile(rf"^\s*{re.escape(key)}\s*=")
    for k, line in enumerate(text.splitlines(), 1):
        if pattern.match(line):
            return k
    return None


def _problems(exc: ValidationError, file: str, text: str | None = None) -> list[Problem]:
    out = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err["loc"])
        key = str(err["loc"][-1]) if err["loc"] else ""
        hint = None
        if err["type"] == "extra_forbidden":
            near = difflib.get_close_matches(key, _fields_at(err["loc"]), n=1)
            hint = f"did you mean {near[0]}?" if near else "remove it or check its spelling"
        # a validator's own wording (``value_error``) is known by matcher.problemcodes
        message = field_message(err["type"], err.get("ctx"))
        code = None if message.code == "field.invalid" else message.code
        out.append(
            Problem(
                file, err["msg"], row=_line(text, key), column=loc,
                value=repr(err.get("input"))[:60], hint=hint,
                code=code, params=message.params if code else None,
            )
        )  # fmt: skip
    return out


def parse_policy(data: dict[str, Any], source: str = "policy", text: str | None = None) -> Policy:
    """Validate a policy mapping (from TOML or an HTTP body); ``text``, the TOML it was
    read from, lets each problem name its line."""
    try:
        return Policy.model_validate(data)
    except ValidationError as exc:
        raise PolicyError(f"{source}: invalid policy", _problems(exc, source, text)) from None


def load_policy(path: str | Path) -> Policy:
    """Read ``policy.toml``; keys left out keep their defaults."""
    data, text = read_toml_text(path, PolicyError, "policy")
    return parse_policy(data, str(path), text)
