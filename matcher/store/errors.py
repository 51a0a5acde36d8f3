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

from typing import Any

from matcher import MatcherError

__all__ = ["ConflictError", "IdempotencyError", "NotFoundError", "StoreError"]


class StoreError(MatcherError):
    """Base of every store error."""


class NotFoundError(StoreError):
    """The named thing does not exist (or is not visible to the caller)."""

    def __init__(self, kind: str, key: str) -> None:
        self.kind = kind
        self.key = key
        super().__init__(f"{kind} {key!r} not found")


class ConflictError(StoreError):
    """The request conflicts with the current state; ``changes`` says what changed."""

    def __init__(self, message: str, changes: list[dict[str, Any]] | None = None) -> None:
        self.changes: list[dict[str, Any]] = list(changes or [])
        super().__init__(message)


class IdempotencyError(StoreError):
    """An Idempotency-Key was reused for a different request."""
