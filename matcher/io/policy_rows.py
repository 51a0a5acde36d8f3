"""A policy as key/value rows: the ``policy`` sheet of a case workbook, both ways.

Why rows: an office keeps the few settings it changes in a sheet beside the data,
not in a TOML file. Each row names one ``policy.toml`` key with dots
(``weights.skill``, ``fairness.load_costs``, ``lending.limits.C01``) and its value:
a number, ``true``/``false``, a list written as TOML (``[1, 2, 4]``), or text
(``Asia/Shanghai``). Keys left out keep their defaults. Problems name the row and
the dotted key, with the policy file's own "did you mean" for a misspelt key. A
store keeps a workbook's policy as TOML text (:func:`policy_toml`), so the folder
export of the district shows it as ``policy.toml``.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Iterable, Iterator
from dataclasses import replace
from typing import Any

from pydantic import BaseModel

from matcher.errors import PolicyError, Problem
from matcher.io.problems import ProblemLog
from matcher.policy import Policy, parse_policy

__all__ = ["POLICY_COLUMNS", "policy_from_rows", "policy_rows", "policy_toml"]

#: the columns of the ``policy`` sheet
POLICY_COLUMNS = ("key", "value")
_BARE = re.compile(r"[A-Za-z0-9_-]+")


def policy_from_rows(
    rows: Iterable[tuple[int, dict[str, str]]], label: str, log: ProblemLog
) -> Policy | None:
    """The policy the rows set (the rest at defaults); None after logging its problems."""
    data: dict[str, Any] = {}
    where: dict[str, int] = {}
    for line, row in rows:
        key = row["key"].strip()
        if not key:
            log.add(Problem(label, "empty", row=line, column="key"))
            continue
        if key in where:
            log.add(
                Problem(
                    label,
                    f"key appears twice (first on row {where[key]})",
                    row=line,
                    column="key",
                    value=key,
                    code="problem.key_twice",
                    params={"row": where[key]},
                )
            )
            continue
        where[key] = line
        _put(data, _path(key), _value(row["value"]))
    try:
        return parse_policy(data, label)
    except PolicyError as exc:
        for p in exc.problems:
            log.add(replace(p, file=label, row=_row_of(p.column or "", where)))
        return None


def _value(text: str) -> Any:
    """A policy cell's value: a TOML value when it reads as one (``30``, ``[1, 2]``,
    ``true``), else the text itself (``Asia/Shanghai``)."""
    if "\n" in text:
        return text
    try:
        return tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        return text


def _path(key: str) -> list[str]:
    """A dotted policy key as its path: split at dots while the policy has tables there;
    the rest is one key of a mapping (a community id in ``lending.limits`` may hold a dot)."""
    parts = key.split(".")
    model: Any = Policy
    out: list[str] = []
    for i, part in enumerate(parts):
        out.append(part)
        info = getattr(model, "model_fields", {}).get(part)
        annotation = getattr(info, "annotation", None)
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            model = annotation
        elif i + 1 < len(parts) and annotation is not None:
            return [*out, ".".join(parts[i + 1 :])]
        else:
            model = None
    return out


def _put(data: dict[str, Any], path: list[str], value: Any) -> None:
    node = data
    for part in path[:-1]:
        child = node.setdefault(part, {})
        if not isinstance(child, dict):  # ``weights`` = 3 and ``weights.skill``: the model says
            return
        node = child
    node[path[-1]] = value


def _row_of(loc: str, where: dict[str, int]) -> int | None:
    if loc in where:
        return where[loc]
    return next((row for key, row in where.items() if key.startswith(loc + ".")), None)


def _flat(data: dict[str, Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and value:
            yield from _flat(value, name + ".")
        else:
            yield name, value


def _changed(policy: Policy) -> list[tuple[str, Any]]:
    """The policy's keys that differ from the defaults, dotted, with their values."""
    return list(_flat(policy.model_dump(mode="json", exclude_defaults=True)))


def policy_rows(policy: Policy) -> list[tuple[str, str | int | float | bool]]:
    """The ``policy`` sheet's rows for ``policy``: its keys off their defaults, each with
    a number, truth value or text (a list as TOML text)."""
    return [
        (key, value if isinstance(value, int | float | str) else _toml(value))
        for key, value in _changed(policy)
    ]


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_key(k)} = {_toml(v)}" for k, v in value.items()) + "}"
    return json.dumps(str(value), ensure_ascii=False)


def _key(part: str) -> str:
    return part if _BARE.fullmatch(part) else json.dumps(part, ensure_ascii=False)


def policy_toml(policy: Policy) -> str | None:
    """``policy`` as ``policy.toml`` text (dotted keys, only those off their defaults), or
    None when every key has its default: what a store keeps for a workbook's policy."""
    rows = _changed(policy)
    if not rows:
        return None
    lines = []
    for key, value in rows:
        lines.append(f"{'.'.join(_key(p) for p in _path(key))} = {_toml(value)}")
    return "\n".join(lines) + "\n"
