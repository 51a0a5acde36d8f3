"""A running console server as the browser tests see it: its address and a token per role
(the admin's is labelled ``ADMIN_LABEL``, so the audit trail names it; the others are not)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Server:
    base: str
    dispatcher: str
    planner: str
    analyst: str
    admin: str = ""
    supervisor: str = ""


#: the label of the admin token of a served store (the actor the audit trail names)
ADMIN_LABEL = "区管理员"
