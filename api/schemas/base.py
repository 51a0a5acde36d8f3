"""What every body shares: the text, id and level types, the strict request base,
the PUT body that may be a GET representation, and who acted."""

from __future__ import annotations

from typing import Annotated, Any, ClassVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from matcher import DISTRICT_ID_MAX_LENGTH, ID_MAX_LENGTH, ID_PATTERN

__all__ = [
    "ID_PATTERN",
    "MASK",
    "ActorPublic",
    "DistrictId",
    "Id",
    "Level",
    "LongText",
    "ReplaceBody",
    "RequestBody",
    "Slug",
    "Text",
]

MASK = "***"


def _no_surrogates(v: str) -> str:
    try:
        v.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("text must be valid Unicode (no lone surrogates)") from None
    if "\x00" in v:
        raise ValueError("text must not contain NUL characters")
    return v


Text = Annotated[str, AfterValidator(_no_surrogates), Field(max_length=500)]


LongText = Annotated[str, AfterValidator(_no_surrogates), Field(max_length=10 * 1024 * 1024)]
# one id rule for JSON bodies, URL paths and CSV files (matcher.model.id_problem)


Id = Annotated[str, Field(min_length=1, max_length=ID_MAX_LENGTH, pattern=ID_PATTERN)]


DistrictId = Annotated[
    str, Field(min_length=1, max_length=DISTRICT_ID_MAX_LENGTH, pattern=ID_PATTERN)
]


Slug = Annotated[str, Field(min_length=1, max_length=128, pattern=r"^[a-z][a-z0-9_.]*$")]


Level = Annotated[int, Field(ge=1, le=5)]


class RequestBody(BaseModel):
    """Base of request bodies: unknown fields and loose types are refused (422).

    ``strict``: JSON types are taken at their word, so ``true`` or ``"3"`` is not
    an integer and ``"1.5"`` not a number (an integer is still a number); lax
    coercion would store what the caller did not mean.
    """

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, strict=True)


class ReplaceBody(RequestBody):
    """A PUT body that is also the resource as GET returns it.

    Why: a client edits what it fetched and sends it back. ``id`` must then
    name the resource of the path and ``version``, when sent, must still be the
    current one; the other fields GET shows but a write cannot set
    (``active_dispatches``, ``filled``, ``status`` of a demand …: every field of
    ``public`` this model does not declare) are dropped before validation.
    Anything else unknown is still refused.
    """

    public: ClassVar[type[BaseModel]]
    id: Id | None = Field(None, description="when sent: must equal the id in the path (else 422)")
    version: int | None = Field(
        None, ge=1, description="when sent: 409 unless it is still the current version"
    )

    @model_validator(mode="before")
    @classmethod
    def _drop_read_only(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        read_only = set(cls.public.model_fields) - set(cls.model_fields)
        return {k: v for k, v in data.items() if k not in read_only}


class ActorPublic(BaseModel):
    """The token that made a proposal, a decline or a dispatch, or ended one."""

    token: int
    label: str | None
