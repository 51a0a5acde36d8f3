"""``matcher`` commands for planners' what-if work (registered on the main app by matcher.cli)."""

from __future__ import annotations

import typer

__all__ = ["register"]


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""
