"""Supply against demand, by community and service category: the district's picture.

Why server-side and exact: "qualified supply" is a matter of the hard rules (a
cadre withdrawn, without a required level or certificate, too far, not free when
a dated order runs), which only the engine knows. A cell counts:

- ``demands``, ``slots``: open demands with a slot left, and those slots
  (headcount less the slots already filled);
- ``weight``: the slots weighted by priority (Σ priority × open slots);
- ``supply``: cadres with capacity left who pass every hard rule
  (:mod:`matcher.rules`, through :class:`~matcher.scoring.Scorer`) for at least
  one open demand of the cell with a slot left; a cadre may count in several
  cells, once in each;
- ``active``: active dispatches on the cell's demands;
- ``balance``: ``supply − slots`` (below 0: more slots than people who could fill them).

A demand's category is its service item's in the catalogue (:mod:`matcher.catalogue`);
a demand without an item (or naming one the catalogue lacks) is in category ``""``
(uncategorised). Declined pairs are not subtracted: a decline is about one pair,
not about a cadre's fitness.

Example:
    >>> from matcher import load_case
    >>> from matcher.catalogue import default_catalogue
    >>> s = supply_demand(load_case("data/sample-district"), default_catalogue(), ("community",))
    >>> s.total.slots == sum(c.slots for c in s.cells)
    True
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from matcher.catalogue import Catalogue
from matcher.errors import InputError, Problem
from matcher.model import Case, Demand
from matcher.scoring import Scorer

__all__ = ["GROUPINGS", "SupplyCell", "SupplySummary", "summary_groups", "supply_demand"]

#: what a summary may be grouped by
GROUPINGS = ("community", "category")
#: pairs scored at once when testing the hard rules (bounds the memory of one block)
_BLOCK_PAIRS = 1 << 22


@dataclass(frozen=True, slots=True)
class SupplyCell:
    """One group's figures (``community``/``category`` None when not grouped by it)."""

    community: str | None
    category: str | None
    demands: int
    slots: int
    weight: int
    supply: int
    active: int

    @property
    def balance(self) -> int:
        return self.supply - self.slots

    def to_json(self) -> dict[str, str | int | None]:
        """The cell as the API and the report show it (the balance included)."""
        return {
            "community": self.community,
            "category": self.category,
            "demands": self.demands,
            "slots": self.slots,
            "weight": self.weight,
            "supply": self.supply,
            "active": self.active,
            "balance": self.balance,
        }


@dataclass(frozen=True, slots=True)
class SupplySummary:
    """The cells in community then category order, and the district's total (its
    ``supply`` counts each qualified cadre once, so it is not the sum of the cells')."""

    by: tuple[str, ...]
    cells: tuple[SupplyCell, ...]
    total: SupplyCell

    def to_json(self) -> dict[str, object]:
        """``{by, cells, total}`` as ``GET …/summary`` answers it."""
        return {
            "by": list(self.by),
            "cells": [c.to_json() for c in self.cells],
            "total": self.total.to_json(),
        }


def summary_groups(text: str | Sequence[str]) -> tuple[str, ...]:
    """``"community,category"`` (or a sequence) → a checked grouping.

    Raises:
        InputError: an unknown or repeated name, or none.
    """
    names = [s.strip() for s in (text.split(",") if isinstance(text, str) else text)]
    names = [n for n in names if n]
    bad = [n for n in names if n not in GROUPINGS] or (
        [] if names and len(set(names)) == len(names) else [",".join(names)]
    )
    if bad:
        raise InputError(
            f"cannot group by {bad[0]!r}: use community, category or both",
            [
                Problem(
                    "by",
                    "group by community, category or both",
                    column="by",
                    value=bad[0],
                    hint="one of community, category",
                    code="problem.summary_by",
                    params={"value": bad[0]},
                )
            ],
        )
    return tuple(names)


def supply_demand(
    case: Case,
    catalogue: Catalogue,
    by: Iterable[str] = GROUPINGS,
    *,
    filled: Mapping[str, int] | None = None,
    used: Mapping[str, int] | None = None,
    active: Mapping[str, int] | None = None,
    by_skill: bool = False,
) -> SupplySummary:
    """The summary of ``case`` (its demands taken as open), grouped ``by``.

    ``filled`` are each demand's slots already filled, ``used`` each cadre's capacity
    already taken (the store counts a cadre marked unavailable as fully used),
    ``active`` each demand's active dispatches; absent means none. ``by_skill``: a
    demand without a known item is counted in its skill category
    (:meth:`matcher.catalogue.Catalogue.demand_category`; the governance report's rule),
    placed after the service categories in the taxonomy's order.
    """
    groups = summary_groups(tuple(by))
    filled, used, active = filled or {}, used or {}, active or {}
    comm_pos = {c.id: k for k, c in enumerate(case.communities)}
    cat_pos = {c.slug: k for k, c in enumerate(catalogue.categories)}
    if by_skill:
        for c in case.taxonomy.categories:
            cat_pos.setdefault(c.slug, len(cat_pos))

    def key(d: Demand) -> tuple[str | None, str | None]:
        community = d.community
        category = (
            catalogue.demand_category(d.item, d.needs, case.taxonomy)
            if by_skill
            else catalogue.category_of(d.item) or ""
        )
        return (
            community if "community" in groups else None,
            category if "category" in groups else None,
        )

    figures: dict[tuple[str | None, str | None], list[int]] = {}
    cols: list[int] = []
    col_key: list[tuple[str | None, str | None]] = []
    for j, d in enumerate(case.demands):
        k = key(d)
        acc = figures.setdefault(k, [0, 0, 0, 0])
        acc[3] += active.get(d.id, 0)
        left = max(0, d.headcount - filled.get(d.id, 0))
        if left:
            acc[0] += 1
            acc[1] += left
            acc[2] += d.priority * left
            cols.append(j)
            col_key.append(k)
    order = sorted(
        figures,
        key=lambda k: (
            comm_pos.get(k[0] or "", -1),
            cat_pos.get(k[1], len(cat_pos)) if k[1] is not None else -1,
        ),
    )
    index = {k: n for n, k in enumerate(order)}
    supply, anywhere = _supply(case, cols, [index[k] for k in col_key], len(order), used)
    cells = tuple(
        SupplyCell(
            community=k[0],
            category=k[1],
            demands=figures[k][0],
            slots=figures[k][1],
            weight=figures[k][2],
            supply=int(supply[index[k]]),
            active=figures[k][3],
        )
        for k in order
    )
    total = SupplyCell(
        None,
        None,
        sum(c.demands for c in cells),
        sum(c.slots for c in cells),
        sum(c.weight for c in cells),
        anywhere,
        sum(c.active for c in cells),
    )
    return SupplySummary(groups, cells, total)


def _supply(
    case: Case, cols: list[int], groups: list[int], n_groups: int, used: Mapping[str, int]
) -> tuple[np.ndarray, int]:
    """Per group, the free cadres feasible for one of its open columns; and those
    feasible for any open column at all."""
    counts = np.zeros(n_groups, dtype=np.int64)
    free = np.array(
        [i for i, c in enumerate(case.cadres) if c.capacity - used.get(c.id, 0) > 0],
        dtype=np.intp,
    )
    if not cols or not free.size:
        return counts, 0
    by_group = np.argsort(np.asarray(groups), kind="stable")
    c = np.asarray(cols, dtype=np.intp)[by_group]
    g = np.asarray(groups)[by_group]
    starts = np.flatnonzero(np.r_[True, g[1:] != g[:-1]])
    scorer = Scorer(case)
    step = max(1, _BLOCK_PAIRS // c.size)
    anywhere = 0
    for lo in range(0, free.size, step):
        _, feasible = scorer.grid(free[lo : lo + step], c)
        hit = np.logical_or.reduceat(feasible, starts, axis=1)
        counts[g[starts]] += hit.sum(axis=0)
        anywhere += int(hit.any(axis=1).sum())
    return counts, anywhere
