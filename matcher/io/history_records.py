"""Pydantic records for one row of ``outcomes.csv`` or ``trainings.csv`` each.

The growth record's files, parsed as the case files are (:mod:`matcher.io.records`):
every value is parsed here and nowhere else. Each problem is raised with its
message code (the error's ``type``), its params and a hint (the error's context),
so the loader (:mod:`matcher.io.history`) reports file, row, column, value, fix
and code without matching English text.
"""

from __future__ import annotations

import datetime
import math
from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from matcher.io.records import parse_slugs, parse_tags
from matcher.model import id_problem
from matcher.record import CancelReason, Ending, RecordPolicy
from matcher.tags import Taxonomy

__all__ = [
    "CANCEL_REASON_ZH",
    "DEFAULT_MAX_HOURS",
    "ENDING_ZH",
    "OutcomeRecord",
    "TrainingRecord",
    "parse_date",
    "parse_hours",
]


#: an outcome's or a training's hours never exceed this unless the caller passes the
#: district policy's own maximum (in the validation context as ``max_hours``)
DEFAULT_MAX_HOURS: float = RecordPolicy().max_hours
#: endings and cancel reasons as a district office writes them in Chinese (the console's
#: labels and their short forms); each names one code, so reading them is unambiguous
ENDING_ZH: dict[str, Ending] = {
    "完成": Ending.COMPLETED,
    "已完成": Ending.COMPLETED,
    "取消": Ending.CANCELLED,
    "已取消": Ending.CANCELLED,
    "未到岗": Ending.NO_SHOW,
}
CANCEL_REASON_ZH: dict[str, CancelReason] = {
    "干部无法到岗": CancelReason.CADRE_UNAVAILABLE,
    "无法到岗": CancelReason.CADRE_UNAVAILABLE,
    "未到岗": CancelReason.NO_SHOW,
    "社区撤回需求": CancelReason.COMMUNITY_WITHDREW,
    "社区撤回": CancelReason.COMMUNITY_WITHDREW,
    "重复派遣": CancelReason.DUPLICATE,
    "重复": CancelReason.DUPLICATE,
    "其他": CancelReason.OTHER,
}
_YES = frozenset({"yes", "y", "true", "1", "是"})
_NO = frozenset({"", "no", "n", "false", "0", "否"})


def _bad(code: str, message: str, hint: str | None = None, **params: Any) -> PydanticCustomError:
    """A row problem that carries its message code (``type``), hint and params (``ctx``)."""
    return PydanticCustomError(code, message, {"hint": hint, **params})


def _optional(v: Any) -> str:
    return "" if v is None else str(v)


def _tax(info: ValidationInfo) -> Taxonomy | None:
    tax = (info.context or {}).get("taxonomy")
    return tax if isinstance(tax, Taxonomy) else None


def _suggest(info: ValidationInfo) -> bool:
    """Whether to work out "did you mean" hints (the loader says no past the listed rows)."""
    return bool((info.context or {}).get("suggest", True))


class _Row(BaseModel):
    # cells arrive trimmed and unescaped (matcher.io.tables.read_rows)
    model_config = ConfigDict(extra="ignore", frozen=True)


def parse_hours(v: Any, info: ValidationInfo) -> float | None:
    """Hours as a number in (0, max_hours]; empty is None (the caller decides if allowed)."""
    text = _optional(v).strip()
    if not text:
        return None
    limit = float((info.context or {}).get("max_hours", DEFAULT_MAX_HOURS))
    try:
        hours = float(text)
    except ValueError:
        raise _bad("problem.hours_number", "hours must be a number") from None
    if not (math.isfinite(hours) and 0 < hours <= limit):
        raise _bad(
            "problem.hours_range", f"hours must be more than 0 and at most {limit:g}", max=limit
        )
    return hours


def parse_date(v: Any) -> date | None:
    """An ISO date (``2026-03-01``); empty is None."""
    text = _optional(v).strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise _bad("problem.date_value", "not a date", "write it as 2026-03-01") from None


class OutcomeRecord(_Row):
    """One row of ``outcomes.csv``: how one dispatch ended.

    Fields are validated in order, and each cross-field rule is reported on the
    column that breaks it (hours on a cancelled dispatch: ``hours``), so a
    dispatcher fixing the file sees the cell to change.
    """

    dispatch: int
    ending: Ending
    hours: float | None
    rating: int | None
    exempt: bool
    exempt_reason: str | None
    cancel_reason: CancelReason | None
    note: str
    ended: date | None

    @staticmethod
    def _ending(info: ValidationInfo) -> Ending | None:
        e = info.data.get("ending")
        return e if isinstance(e, Ending) else None

    @field_validator("dispatch", mode="before")
    @classmethod
    def _dispatch(cls, v: Any) -> int:
        text = _optional(v).strip()
        if not text.isdigit() or int(text) < 1:
            raise _bad("problem.dispatch_number", "dispatch must be a whole number >= 1")
        return int(text)

    @field_validator("ending", mode="before")
    @classmethod
    def _ending_value(cls, v: Any) -> Ending:
        text = _optional(v).strip().lower()
        text = ENDING_ZH[text].value if text in ENDING_ZH else text
        if text not in {e.value for e in Ending}:
            options = ", ".join(e.value for e in Ending)
            raise _bad("problem.ending_value", "unknown ending", f"one of {options}")
        return Ending(text)

    @field_validator("hours", mode="before")
    @classmethod
    def _hours(cls, v: Any, info: ValidationInfo) -> float | None:
        hours = parse_hours(v, info)
        ending = cls._ending(info)
        if ending is Ending.COMPLETED and hours is None:
            raise _bad("problem.hours_missing", "a completed dispatch needs its hours")
        if ending not in (None, Ending.COMPLETED) and hours is not None:
            raise _bad(
                "problem.hours_not_completed", "hours are recorded only for a completed dispatch"
            )
        return hours

    @field_validator("rating", mode="before")
    @classmethod
    def _rating(cls, v: Any, info: ValidationInfo) -> int | None:
        text = _optional(v).strip()
        if not text:
            return None
        if text not in {"1", "2", "3", "4", "5"}:
            raise _bad("problem.rating_value", "rating must be a whole number 1-5, or empty")
        if cls._ending(info) not in (None, Ending.COMPLETED):
            raise _bad("problem.rating_not_completed", "only a completed dispatch is rated")
        return int(text)

    @field_validator("exempt", mode="before")
    @classmethod
    def _exempt(cls, v: Any, info: ValidationInfo) -> bool:
        text = _optional(v).strip().lower()
        if text not in _YES | _NO:
            raise _bad("problem.exempt_value", "exempt must be yes or no (empty means no)")
        exempt = text in _YES
        if exempt and cls._ending(info) not in (None, Ending.COMPLETED):
            raise _bad("problem.exempt_not_completed", "only a completed dispatch can be exempted")
        return exempt

    @field_validator("exempt_reason", mode="before")
    @classmethod
    def _exempt_reason(cls, v: Any, info: ValidationInfo) -> str | None:
        text = _optional(v) or None
        exempt = info.data.get("exempt")
        if exempt is True and text is None:
            raise _bad(
                "problem.exempt_reason_missing",
                "an exemption needs its reason",
                "say what new approach was tried and what went wrong",
            )
        if exempt is False and text is not None:
            raise _bad("problem.exempt_reason_alone", "a reason without an exemption")
        return text

    @field_validator("cancel_reason", mode="before")
    @classmethod
    def _cancel_reason(cls, v: Any, info: ValidationInfo) -> CancelReason | None:
        text = _optional(v).strip().lower()
        text = CANCEL_REASON_ZH[text].value if text in CANCEL_REASON_ZH else text
        ending = cls._ending(info)
        if not text:
            if ending is Ending.CANCELLED:
                options = ", ".join(r.value for r in CancelReason)
                raise _bad(
                    "problem.cancel_reason_missing",
                    "a cancelled dispatch needs its cancel reason",
                    f"one of {options}",
                )
            return None
        if text not in {r.value for r in CancelReason}:
            options = ", ".join(r.value for r in CancelReason)
            raise _bad("problem.cancel_reason_value", "unknown cancel reason", f"one of {options}")
        if ending not in (None, Ending.CANCELLED):
            raise _bad(
                "problem.cancel_reason_not_cancelled",
                "a cancel reason is given only for a cancelled dispatch",
            )
        return CancelReason(text)

    @field_validator("note", mode="before")
    @classmethod
    def _note(cls, v: Any) -> str:
        return _optional(v)

    @field_validator("ended", mode="before")
    @classmethod
    def _ended(cls, v: Any) -> date | None:
        return parse_date(v)


class TrainingRecord(_Row):
    """One row of ``trainings.csv``: a session a cadre attended (a cert it gained, if any)."""

    cadre: str
    course: str
    tags: tuple[str, ...]
    hours: float
    date: datetime.date
    cert: str | None

    @field_validator("cadre", mode="before")
    @classmethod
    def _cadre(cls, v: Any) -> str:
        text = _optional(v)
        if not text:
            raise ValueError("empty")
        problem = id_problem(text)
        if problem is not None and problem.startswith("id may hold only"):
            raise _bad("problem.id_chars", problem)
        if problem is not None:
            raise ValueError(problem)
        return text

    @field_validator("course", mode="before")
    @classmethod
    def _course(cls, v: Any) -> str:
        text = _optional(v)
        if not text.strip():
            raise ValueError("empty")
        return text

    @field_validator("tags", mode="before")
    @classmethod
    def _tags(cls, v: Any, info: ValidationInfo) -> tuple[str, ...]:
        tags = parse_tags(_optional(v), _tax(info), _suggest(info))
        if not tags:
            raise _bad(
                "problem.training_tags",
                "a training names the tags it trained",
                "tags separated by ';', e.g. emergency.first_aid",
            )
        return tags

    @field_validator("hours", mode="before")
    @classmethod
    def _hours(cls, v: Any, info: ValidationInfo) -> float:
        hours = parse_hours(v, info)
        if hours is None:
            raise _bad("problem.hours_missing_training", "a training needs its hours")
        return hours

    @field_validator("date", mode="before")
    @classmethod
    def _date(cls, v: Any) -> datetime.date:
        day = parse_date(v)
        if day is None:
            raise _bad("problem.date_value", "not a date", "write it as 2026-03-01")
        return day

    @field_validator("cert", mode="before")
    @classmethod
    def _cert(cls, v: Any, info: ValidationInfo) -> str | None:
        slugs = parse_slugs(_optional(v), _tax(info), _suggest(info))
        if len(slugs) > 1:
            raise _bad("problem.cert_one", "one cert per row", "a row per cert gained")
        return slugs[0] if slugs else None
