"""An edit kind: its keys, its check and its application, together in one small class.

Why together: what an edit accepts and what it does are read and changed as one;
adding a kind is a class here plus a line in :mod:`matcher.whatif.scenario.kinds`.
The helpers below pick the cadres or demands an edit's selector names.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, ClassVar

from matcher.model import Cadre, Case, Demand
from matcher.whatif.scenario.base import Checker, Edit

__all__ = [
    "EditKind",
    "Note",
    "cadre_filter",
    "demand_filter",
    "fresh_ids",
    "homes",
    "update_cadres",
]

#: records that the edit being applied touched these cadre or demand ids
Note = Callable[[Iterable[str]], None]


class EditKind:
    """One kind of edit.

    ``check`` reports the problems of an edit's parameters ``p`` (and normalises them in
    place: levels as dicts, certs as tuples); ``apply`` returns the case with a checked
    edit made, noting the ids it touched.
    """

    name: ClassVar[str]
    #: the keys the kind accepts besides ``kind``
    keys: ClassVar[tuple[str, ...]]

    def check(self, ctx: Checker, k: int, p: dict[str, Any]) -> None:
        raise NotImplementedError

    def apply(self, case: Case, e: Edit, note: Note) -> Case:
        raise NotImplementedError


def cadre_filter(case: Case, p: Mapping[str, Any]) -> Callable[[Cadre], bool]:
    """Whether a cadre matches every cadre selector in ``p``."""
    street = {c.id: c.street for c in case.communities}
    ids = set(p.get("ids", ()))

    def ok(c: Cadre) -> bool:
        return (
            ("ids" not in p or c.id in ids)
            and ("community" not in p or c.home == p["community"])
            and ("street" not in p or street[c.home] == p["street"])
            and ("status" not in p or c.status.value == p["status"])
        )

    return ok


def demand_filter(case: Case, p: Mapping[str, Any]) -> Callable[[Demand], bool]:
    """Whether a demand matches every demand selector in ``p``."""
    street = {c.id: c.street for c in case.communities}
    tax = case.taxonomy
    ids = set(p.get("ids", ()))

    def tags(d: Demand) -> set[str]:
        return set(d.needs) | set(d.requires)

    def ok(d: Demand) -> bool:
        return (
            ("ids" not in p or d.id in ids)
            and ("tag" not in p or p["tag"] in tags(d))
            and ("category" not in p or any(tax.category_of(t) == p["category"] for t in tags(d)))
            and ("community" not in p or d.community == p["community"])
            and ("street" not in p or street[d.community] == p["street"])
        )

    return ok


def update_cadres(
    case: Case, pick: Callable[[Cadre], bool], change: Callable[[Cadre], Cadre], note: Note
) -> tuple[Cadre, ...]:
    """The case's cadres with ``change`` applied to (and noted for) those ``pick`` picks."""
    out = []
    for c in case.cadres:
        if pick(c):
            note([c.id])
            c = change(c)
        out.append(c)
    return tuple(out)


def fresh_ids(prefix: str, count: int, taken: set[str]) -> list[str]:
    """``count`` ids ``prefix0001``, ``prefix0002`` … skipping those ``taken``."""
    out: list[str] = []
    n = 1
    while len(out) < count:
        cand = f"{prefix}{n:04d}"
        if cand not in taken:
            out.append(cand)
        n += 1
    return out


def homes(case: Case, p: Mapping[str, Any], count: int, key: str) -> list[str]:
    """The community ``p[key]`` ``count`` times, else the street's communities in turn."""
    if key in p:
        return [p[key]] * count
    pool = sorted(c.id for c in case.communities if c.street == p["street"])
    return [pool[i % len(pool)] for i in range(count)]
