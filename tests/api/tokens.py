"""The bearer tokens the API tests sign in with, one per role (d1 unless said)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Tokens:
    admin: str
    dispatcher: str  # d1
    other: str  # dispatcher of d2
    planner: str  # d1
    analyst: str  # d1
    supervisor: str  # d1 (reads proposals, dispatches and the audit trail; writes nothing)

    def h(self, role: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {getattr(self, role)}"}
