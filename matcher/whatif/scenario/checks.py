"""Checks the edit kinds share: value types, numbers, selectors, tag levels, certs.

Each check reports through the :class:`~matcher.whatif.scenario.base.Checker` and
goes on, so a scenario's problems are all reported at once.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from matcher.io.records import tag_level_items
from matcher.model import Status
from matcher.whatif.scenario.base import Checker, suggest

__all__ = [
    "CADRE_SELECT",
    "DEMAND_SELECT",
    "STATUSES",
    "certs",
    "levels",
    "mistyped",
    "needs_selector",
    "number",
    "select",
]

#: the keys that pick cadres, and demands, for an edit
CADRE_SELECT = ("ids", "community", "street", "status", "all")
DEMAND_SELECT = ("ids", "tag", "category", "community", "street")
STATUSES = frozenset(s.value for s in Status)

_STR = {"community", "street", "status", "to", "tag", "category", "home", "id_prefix", "name"}
_STR |= {"title"}
_INT = {"count", "seed", "capacity", "delta", "headcount", "priority", "best", "levels"}
_NUM = {"factor", "max_km", "add_km", "max_travel_km", "related_credit"}
_TYPES: dict[str, tuple[type, ...]] = {
    **{k: (str,) for k in _STR},
    **{k: (int,) for k in _INT},
    **{k: (int, float) for k in _NUM},
    "all": (bool,),
    "ids": (list,),
    "certs": (list, str),
    "skills": (dict, str),
    "needs": (dict, str),
    "requires": (dict, str),
    "weights": (dict,),
}
_TYPE_NAMES = {
    "str": "a string",
    "int": "an integer",
    "float": "a number",
    "bool": "true/false",
    "list": "a list",
    "dict": "a table",
}


def mistyped(ctx: Checker, k: int, p: Mapping[str, Any]) -> set[str]:
    """The known keys of edit ``k`` whose value is not of their type (problems reported,
    the value as written: a text is quoted once, when shown)."""
    bad = set()
    for key, v in p.items():
        want = _TYPES.get(key)
        if want is None:
            continue
        if (isinstance(v, bool) and bool not in want) or not isinstance(v, want):
            names = " or ".join(_TYPE_NAMES[t.__name__] for t in want)
            ctx.bad(k, key, f"{key} must be {names}", v)
            bad.add(key)
    return bad


def number(
    ctx: Checker, k: int, key: str, v: Any, lo: float, hi: float = math.inf, integer: bool = False
) -> Any:
    """``v`` if it is a number (``integer``: an integer) in ``[lo, hi]``, else None."""
    ok = isinstance(v, int) if integer else isinstance(v, int | float)
    if isinstance(v, bool) or not ok or not (lo <= v <= hi) or (isinstance(v, float) and v != v):
        kind = "an integer" if integer else "a number"
        rng = f" ≥ {lo}" if hi == math.inf else f" in [{lo}, {hi}]"
        ctx.bad(k, key, f"must be {kind}{rng}", v)
        return None
    return v


def levels(ctx: Checker, k: int, key: str, v: Any) -> dict[str, int]:
    """A table of tag = level, or a ``tag:level;…`` text, as checked levels 1–5."""
    if isinstance(v, str):
        pairs: dict[str, Any] = {}
        for tag, _, lvl in tag_level_items(v):
            pairs[tag.strip()] = int(lvl) if lvl.strip().isdigit() else lvl
        v = pairs
    if not isinstance(v, dict):
        ctx.bad(k, key, "expected a table of tag = level", v)
        return {}
    out = {}
    tax = ctx.case.taxonomy
    for tag, lvl in v.items():
        if not tax.has_tag(tag):
            ctx.bad(k, key, f"unknown tag '{tag}'", tag, tax.suggest_tag(tag))
        elif not isinstance(lvl, int) or isinstance(lvl, bool) or not 1 <= lvl <= 5:
            ctx.bad(k, key, f"level of '{tag}' must be an integer 1–5", lvl)
        else:
            out[tag] = lvl
    return out


def certs(ctx: Checker, k: int, p: dict[str, Any]) -> None:
    """``p["certs"]`` (a list or a ``;``-separated text) checked, as a tuple of slugs."""
    given = p.get("certs", [])
    if isinstance(given, str):
        given = [c.strip() for c in given.split(";") if c.strip()]
    tax = ctx.case.taxonomy
    if not isinstance(given, list) or not all(isinstance(c, str) for c in given):
        ctx.bad(k, "certs", "must be a list of cert slugs", given)
        return
    if tax.cert_slugs:
        for c in given:
            if not tax.has_cert(c):
                ctx.bad(k, "certs", f"unknown cert '{c}'", c, tax.suggest_cert(c))
    p["certs"] = tuple(given)


def needs_selector(ctx: Checker, k: int, p: Mapping[str, Any], kind: str) -> None:
    """A cadre edit names its cadres by at least one selector, each of them valid."""
    if not any(s in p for s in CADRE_SELECT):
        ctx.bad(k, None, f"{kind} needs a selector: one of {', '.join(CADRE_SELECT)}")
    select(ctx, k, p, CADRE_SELECT)


def _one_of(
    ctx: Checker, k: int, p: Mapping[str, Any], key: str, known: list[str], plural: str
) -> None:
    """``p[key]``, when given, names one of ``known``; else a problem with the nearest names."""
    if key in p and p[key] not in known:
        ctx.bad(k, key, f"unknown {key} '{p[key]}'", p[key], suggest(p[key], known, plural))


def select(ctx: Checker, k: int, p: Mapping[str, Any], keys: tuple[str, ...]) -> None:
    """The selector values in ``p`` name things of the case (``keys``: cadre or demand ones)."""
    case = ctx.case
    communities = sorted({c.id for c in case.communities})
    streets = sorted({c.street for c in case.communities})
    if "ids" in p:
        ids = p["ids"]
        pool = {c.id for c in case.cadres} if "status" in keys else {d.id for d in case.demands}
        if not isinstance(ids, list) or not all(isinstance(x, str) for x in ids):
            ctx.bad(k, "ids", "must be a list of ids", ids)
        else:
            for x in ids:
                if x not in pool:
                    ctx.bad(k, "ids", f"unknown id '{x}'", x, suggest(x, sorted(pool), "ids"))
    _one_of(ctx, k, p, "community", communities, "communities")
    _one_of(ctx, k, p, "street", streets, "streets")
    if "status" in p and p["status"] not in STATUSES:
        ctx.bad(k, "status", "status must be green, yellow or red", p["status"])
    if "tag" in p and "tag" in keys and not case.taxonomy.has_tag(p["tag"]):
        ctx.bad(
            k, "tag", f"unknown tag '{p['tag']}'", p["tag"], case.taxonomy.suggest_tag(p["tag"])
        )
    _one_of(ctx, k, p, "category", [c.slug for c in case.taxonomy.categories], "categories")
    if "all" in p and p["all"] is not True:
        ctx.bad(k, "all", "all must be true when given", p["all"])
