"""Scenarios: a base case plus ordered edits, loaded from TOML and checked against the case.

By phase: :mod:`.parse` reads a file or body into checked edits (with line numbers),
:mod:`.kinds` is the one table of edit kinds, each a small class in :mod:`.cadre_edits`,
:mod:`.demand_edits` or :mod:`.policy_edit` that checks and applies itself (with the
shared checks in :mod:`.checks`), and :mod:`.apply` makes a scenario's edits in order.

A scenario file names edits in ``[[edits]]`` tables, applied in order::

    name = "flood season"
    [[edits]]
    kind = "scale_demand"
    category = "emergency"
    factor = 2.0

Every problem (unknown edit kind or key, unknown tag, community, street or
cadre, bad value) is reported at once as a :class:`ScenarioError` whose
problems carry the file, the 1-based line of the offending key and a
suggestion. ``docs/whatif.md`` lists every edit.

Example:
    >>> from matcher import load_case
    >>> case = load_case("data/sample-district")
    >>> sc = parse_scenario({"edits": [{"kind": "remove_cadres", "status": "yellow"}]}, case)
    >>> new, log = apply_scenario(case, sc)
    >>> len(new.cadres) < len(case.cadres)
    True
"""

from matcher.whatif.scenario.apply import apply_scenario
from matcher.whatif.scenario.base import Edit, Scenario, ScenarioError
from matcher.whatif.scenario.kinds import EDIT_KINDS
from matcher.whatif.scenario.parse import load_scenario, parse_scenario

__all__ = [
    "EDIT_KINDS",
    "Edit",
    "Scenario",
    "ScenarioError",
    "apply_scenario",
    "load_scenario",
    "parse_scenario",
]
