"""Applying a checked scenario to a case, edit by edit, each by its kind's class."""

from __future__ import annotations

from collections.abc import Iterable

from matcher.model import Case
from matcher.whatif.scenario.base import Scenario
from matcher.whatif.scenario.kinds import EDITS

__all__ = ["apply_scenario"]


def apply_scenario(case: Case, scenario: Scenario) -> tuple[Case, dict[str, list[str]]]:
    """The edited case and, per cadre or demand id, the labels of the edits that touched it."""
    touched: dict[str, list[str]] = {}
    for e in scenario.edits:

        def note(ids: Iterable[str], label: str = e.label) -> None:
            for x in ids:
                touched.setdefault(x, []).append(label)

        case = EDITS[e.kind].apply(case, e, note)
    return case, touched
