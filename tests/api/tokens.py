"""The bearer tokens the API tests sign in with, one per role (d1 unless said)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


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


def make_tokens(tx: Any) -> Tokens:
    """One token per role in a write transaction of a store holding d1 and d2."""
    return Tokens(
        admin=tx.create_token("admin")[0],
        dispatcher=tx.create_token("dispatcher", ["d1"])[0],
        other=tx.create_token("dispatcher", ["d2"])[0],
        planner=tx.create_token("planner", ["d1"])[0],
        analyst=tx.create_token("analyst", ["d1"])[0],
        supervisor=tx.create_token("supervisor", ["d1"])[0],
    )
