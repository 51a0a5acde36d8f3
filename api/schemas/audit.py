"""The audit trail: one entry per write, hash-chained (docs/audit.md)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

__all__ = ["AuditActor", "AuditEntryPublic", "AuditPublic"]


class AuditActor(BaseModel):
    """Who wrote: the token's id and label (both null for the CLI, which has the file)."""

    token: int | None
    label: str | None


class AuditEntryPublic(BaseModel):
    id: int
    seq: int = Field(description="the entry's position in its district's chain, from 1")
    district: str | None
    at: str
    actor: AuditActor
    action: str = Field(description="what was done, e.g. proposal.accept, import, token.create")
    subject: str | None = Field(description="what it was done to (an id), if one thing")
    payload: Any = Field(description="the write's arguments; a large value as its SHA-256")
    prev_hash: str
    hash: str = Field(description="SHA-256(prev_hash ‖ canonical entry), hex")


class AuditPublic(BaseModel):
    data: list[AuditEntryPublic]
    count: int
