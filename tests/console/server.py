"""A running console server as the browser tests see it: its address and a token per role."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Server:
    base: str
    dispatcher: str
    planner: str
    analyst: str
