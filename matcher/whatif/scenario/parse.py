"""Reading a scenario: TOML or an HTTP body → checked :class:`Edit` objects with lines.

The generic checks (known kind, known keys, value types) are made here; each kind's
own checks are its class's (:mod:`matcher.whatif.scenario.kinds`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from matcher.errors import Problem
from matcher.model import Case
from matcher.tomlfile import read_toml_text
from matcher.whatif.scenario.base import Checker, Edit, Scenario, ScenarioError, suggest
from matcher.whatif.scenario.checks import mistyped
from matcher.whatif.scenario.kinds import EDITS

__all__ = ["load_scenario", "parse_scenario"]

_TOP_KEYS = ("name", "description", "edits")


def _edit_lines(text: str) -> list[int | None]:
    out: list[int | None] = []
    for n, line in enumerate(text.splitlines(), start=1):
        if re.match(r"^\s*\[\[\s*edits\s*\]\]", line):
            out.append(n)
    return out


def load_scenario(path: str | Path, case: Case) -> Scenario:
    """Read and validate a scenario file against ``case`` (raises :class:`ScenarioError`)."""
    p = Path(path)
    data, text = read_toml_text(p, ScenarioError, "scenario")
    return parse_scenario(data, case, source=str(p), text=text, default_name=p.stem)


def parse_scenario(
    data: Mapping[str, Any],
    case: Case,
    *,
    source: str = "scenario",
    text: str | None = None,
    default_name: str = "scenario",
) -> Scenario:
    """Validate a scenario mapping (TOML or an HTTP body). ``text`` gives line numbers."""
    text_lines = text.splitlines() if text is not None else []
    edits_raw = data.get("edits", [])
    lines = _edit_lines(text) if text is not None else []
    ctx = Checker(case, source, lines, text_lines)
    for key in data:
        if key not in _TOP_KEYS:
            line = next(
                (n + 1 for n, t in enumerate(text_lines) if re.match(rf"^\s*{key}\s*=", t)), None
            )
            ctx.problems.append(
                Problem(
                    source,
                    "unknown top-level key",
                    row=line,
                    column=str(key),
                    hint=suggest(key, _TOP_KEYS, "keys"),
                )
            )
    if not isinstance(edits_raw, list) or not all(isinstance(e, dict) for e in edits_raw):
        ctx.bad(-1, "edits", "edits must be a list of tables ([[edits]])")
        raise ScenarioError(f"{source}: invalid scenario", ctx.problems)
    edits = []
    for k, raw in enumerate(edits_raw):
        edit = _check_edit(ctx, k, raw)
        if edit is not None:
            edits.append(edit)
    if ctx.problems:
        raise ScenarioError(
            f"{source}: {len(ctx.problems)} problem(s) in the scenario", ctx.problems
        )
    return Scenario(
        name=str(data.get("name", default_name)),
        description=str(data.get("description", "")),
        edits=tuple(edits),
        source=source,
    )


def _check_edit(ctx: Checker, k: int, raw: dict[str, Any]) -> Edit | None:
    """Edit ``k`` checked by the generic rules, then by its kind; None if it has problems."""
    name = raw.get("kind")
    kind = EDITS.get(name) if isinstance(name, str) else None
    if kind is None:
        ctx.bad(
            k,
            "kind",
            f"unknown edit kind '{name}'" if name is not None else "missing 'kind'",
            name,
            suggest(str(name), EDITS, "kinds"),
        )
        return None
    p = {key: v for key, v in raw.items() if key != "kind"}
    n0 = len(ctx.problems)
    for key in p:
        if key not in kind.keys:
            ctx.bad(
                k, key, f"unknown key '{key}' for {name}", None, suggest(key, kind.keys, "keys")
            )
    bad = mistyped(ctx, k, {key: v for key, v in p.items() if key in kind.keys})
    if bad:
        # the other keys are still checked, so every problem of the edit is said at once;
        # what the check then says of a mistyped key (now absent), or of the edit as a
        # whole (a selector "missing"), would mislead: only the other keys' problems stay
        mark = len(ctx.problems)
        kind.check(ctx, k, {key: v for key, v in p.items() if key not in bad})
        ctx.problems[mark:] = [
            q for q in ctx.problems[mark:] if q.column is not None and q.column not in bad
        ]
        return None
    kind.check(ctx, k, p)
    if len(ctx.problems) > n0:
        return None
    return Edit(kind.name, p, k, ctx.line(k))
