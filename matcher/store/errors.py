"""Errors of the persistence layer (part of the :class:`~matcher.MatcherError` family).

Hierarchy::

    MatcherError
    └── StoreError            the store cannot do what was asked
        ├── NotFoundError     no such district / cadre / demand / proposal / dispatch
        ├── ConflictError     the state changed or forbids it (stale proposal, duplicate id…)
        └── IdempotencyError  an Idempotency-Key reused with a different request

Each carries its context so a face (CLI, HTTP) can explain it without guessing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from matcher import MatcherError
from matcher.errors import Param
from matcher.messages import CATALOGUE

__all__ = ["ConflictError", "IdempotencyError", "NotFoundError", "StoreError", "change_kind"]


class StoreError(MatcherError):
    """Base of every store error."""

    default_code = "store.error"


class NotFoundError(StoreError):
    """The named thing does not exist (or is not visible to the caller).

    Its code is ``not_found.<kind>`` (``not_found`` for a kind without its own),
    its params ``{"kind", "id"}``.
    """

    def __init__(self, kind: str, key: str) -> None:
        self.kind = kind
        self.key = key
        code = f"not_found.{kind}" if f"not_found.{kind}" in CATALOGUE else "not_found"
        super().__init__(f"{kind} {key!r} not found", code=code, params={"kind": kind, "id": key})


def change_kind(kind: str) -> str:
    """A change's ``kind`` as its snake_case code (``capacity used meanwhile`` → ``capacity_used``).

    The catalogue code of a change is ``change.<kind>``.
    """
    kind = _KINDS.get(kind, kind)
    return re.sub(r"[^a-z0-9]+", "_", kind.lower()).strip("_")


#: the wordings of the first stale-proposal check, shortened to their codes
_KINDS = {
    "capacity used meanwhile": "capacity_used",
    "headcount filled meanwhile": "headcount_filled",
}

#: messages of conflicts raised before codes existed → (code, names of the captured params)
_LEGACY: list[tuple[re.Pattern[str], str, tuple[str, ...]]] = [
    (re.compile(r"the proposal is stale\b"), "conflict.stale_proposal", ()),
    (re.compile(r"nothing to accept\b"), "conflict.nothing_to_accept", ()),
    (re.compile(r"some assignments are already decided$"), "conflict.already_decided", ()),
    (re.compile(r"(\w+) '(.*)' already exists$"), "conflict.exists", ("kind", "id")),
    (
        re.compile(r"(\w+) '(.*)' has (\d+) active dispatch\(es\); (\w+) cannot go below that$"),
        "conflict.below_active",
        ("kind", "id", "count", "field"),
    ),
    (
        re.compile(r"(\w+) '(.*)' has active dispatches; complete or cancel them first$"),
        "conflict.has_active",
        ("kind", "id"),
    ),
    (
        re.compile(r"district '(.*)' uses another taxonomy"),
        "conflict.taxonomy_differs",
        ("id",),
    ),
    (re.compile(r"dispatch (\d+) is already (\w+)$"), "conflict.dispatch_closed", ("id", "status")),
    (re.compile(r"job '(.*)' already (\w+); nothing"), "conflict.job_finished", ("id", "status")),
]


def _legacy(message: str) -> tuple[str, dict[str, Param]]:
    for pattern, code, names in _LEGACY:
        m = pattern.match(message)
        if m:
            values = [
                int(v) if v.isdigit() and n == "count" else v
                for n, v in zip(names, m.groups(), strict=True)
            ]
            return code, dict(zip(names, values, strict=True))
    return "conflict", {}


class ConflictError(StoreError):
    """The request conflicts with the current state; ``changes`` says what changed.

    Each change is a dict of ids and numbers with a snake_case ``kind`` (its code is
    ``change.<kind>``, e.g. ``change.capacity_used``); older spaced wordings are
    normalised here. Without an explicit ``code`` the code is derived from the
    message when it is one of the known ones, else ``conflict``.
    """

    def __init__(
        self,
        message: str,
        changes: list[dict[str, Any]] | None = None,
        *,
        code: str | None = None,
        params: Mapping[str, Param] | None = None,
    ) -> None:
        self.changes: list[dict[str, Any]] = [
            {**c, "kind": change_kind(str(c["kind"]))} if "kind" in c else dict(c)
            for c in changes or []
        ]
        if code is None:
            code, derived = _legacy(message)
            params = {**derived, **(params or {})}
        super().__init__(message, code=code, params=params)


class IdempotencyError(StoreError):
    """An Idempotency-Key was reused for a different request."""

    default_code = "input.idempotency_key_reused"
