"""``PATCH`` as JSON merge patch (RFC 7396), on top of the ``PUT`` path.

Why one path: a patch is merged into the resource as ``GET`` shows it, and the
result is validated and written exactly as a ``PUT`` of it would be, so both
verbs share every rule (field validation, ``id`` and ``version`` checks,
capacity and headcount guards). A member set to ``null`` is removed by the
merge, so the replacement model's default applies: ``"max_travel_km": null``
means no limit, and a required field set to ``null`` is a 422.
"""

from __future__ import annotations

from typing import Annotated, Any, TypeVar

from fastapi import Body
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ValidationError

from matcher import InputError, Problem
from matcher.store import ConflictError

__all__ = ["MERGE_PATCH", "PatchBody", "check_replace", "merge_patch", "patched"]

MERGE_PATCH = "application/merge-patch+json"
M = TypeVar("M", bound=BaseModel)

PatchBody = Annotated[
    dict[str, Any],
    Body(
        media_type=MERGE_PATCH,
        description="JSON merge patch (RFC 7396): only the members to change; null resets"
        " a member to its default (application/json is accepted too)",
    ),
]


def merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7396 ``MergePatch(target, patch)``: objects merge member by member, recursively."""
    if not isinstance(patch, dict):
        return patch
    out = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            out.pop(key, None)
        else:
            out[key] = merge_patch(out.get(key), value)
    return out


def patched(model: type[M], current: dict[str, Any], patch: dict[str, Any]) -> M:
    """``current`` merged with ``patch``, validated as ``model`` (field errors as a 422)."""
    try:
        return model.model_validate(merge_patch(current, patch))
    except ValidationError as exc:
        errors = [{**e, "loc": ("body", *e["loc"])} for e in exc.errors(include_url=False)]
        raise RequestValidationError(errors) from None


def check_replace(
    kind: str, key: str, body_id: str | None, version: int | None, current: int
) -> None:
    """A PUT of a representation: its ``id`` must name the path's resource (else 422),
    its ``version``, when sent, must be ``current`` (else 409: someone changed it)."""
    if body_id is not None and body_id != key:
        raise InputError(
            "the body's id differs from the path's",
            [
                Problem(
                    "body",
                    f"must equal the {kind} id in the path ({key!r})",
                    None,
                    "id",
                    body_id,
                    code="problem.id_mismatch",
                    params={"kind": kind, "id": key},
                )
            ],
        )
    if version is not None and version != current:
        raise ConflictError(
            f"{kind} {key!r} changed since it was read (version {current}, not {version});"
            " GET it again",
            [{kind: key, "kind": f"{kind}_changed", "version": current}],
            code="conflict.version_changed",
            params={"kind": kind, "id": key, "current": current, "sent": version},
        )
