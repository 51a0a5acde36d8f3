"""The service catalogue's types: categories of service items, each a demand's starting point.

Why: offices post service requests ("加装电梯协调", "防汛值守"), not skill vectors.
An item holds the defaults a demand made from it takes (skill profile, headcount,
priority, expected hours); the catalogue groups items in categories, which the
district's picture (supply against demand) counts by.

Example:
    >>> from matcher.catalogue import default_catalogue
    >>> cat = default_catalogue()
    >>> len(cat.categories), len(cat.items)
    (8, 32)
    >>> cat.item("flood_watch").category
    'safety'
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matcher.tags import Taxonomy

__all__ = ["Catalogue", "ServiceCategory", "ServiceItem"]


@dataclass(frozen=True, slots=True)
class ServiceItem:
    """One service item and the defaults a demand naming it takes for its blank cells."""

    id: str
    category: str
    zh: str
    en: str
    needs: Mapping[str, int]
    requires: Mapping[str, int] = field(default_factory=dict)
    certs: tuple[str, ...] = ()
    headcount: int = 1
    priority: int = 3
    #: expected service hours of one dispatch (None: not said)
    hours: float | None = None


@dataclass(frozen=True, slots=True)
class ServiceCategory:
    slug: str
    zh: str
    en: str
    items: tuple[str, ...]


@dataclass(frozen=True)
class Catalogue:
    """A validated catalogue: categories in file order, items looked up by id."""

    name: str
    zh: str
    en: str
    categories: tuple[ServiceCategory, ...]
    items: tuple[ServiceItem, ...]
    source: str = "<memory>"
    #: the TOML it was read from ("" when built in memory)
    text: str = field(default="", repr=False, compare=False)
    _index: dict[str, ServiceItem] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_index", {i.id: i for i in self.items})

    def has(self, item_id: str) -> bool:
        return item_id in self._index

    def item(self, item_id: str) -> ServiceItem:
        """The item named ``item_id`` (KeyError when there is none: check :meth:`has`)."""
        return self._index[item_id]

    def category(self, slug: str) -> ServiceCategory:
        for c in self.categories:
            if c.slug == slug:
                return c
        raise KeyError(slug)

    def category_of(self, item_id: str | None) -> str | None:
        """The category of the item named ``item_id``; None for no item or an unknown one."""
        item = self._index.get(item_id or "")
        return None if item is None else item.category

    def demand_category(
        self, item_id: str | None, needs: Mapping[str, int], taxonomy: Taxonomy
    ) -> str:
        """The category a demand is counted in (the summary, the shortages, the report):
        its item's service category; without a known item, the skill category of its
        ``needs`` (a taxonomy category: the one whose tags carry the most need weight,
        the sum of their levels, ties to the one listed first in the taxonomy); ``""``
        (uncategorised) when it needs nothing the taxonomy knows.

        Why the fallback: demands typed in or imported without an item (the bundled
        sample's, an office's own sheet) would all land in 未归类, and an analyst's
        breakdown by category would say nothing.
        """
        category = self.category_of(item_id)
        if category is not None:
            return category
        weight: dict[str, int] = {}
        for tag, level in needs.items():
            if taxonomy.has_tag(tag):
                c = taxonomy.category_of(tag)
                weight[c] = weight.get(c, 0) + level
        if not weight:
            return ""
        order = [c.slug for c in taxonomy.categories]
        return max(order, key=lambda c: weight.get(c, 0))  # max keeps the first of ties

    def suggest(self, item_id: str) -> str:
        """A "did you mean" hint for an unknown item id: the nearest ids, or some examples.

        Names match too: a dispatcher may type the item's Chinese or English name.
        """
        ids = [i.id for i in self.items]
        by_name = {name: i.id for i in self.items for name in (i.zh, i.en.lower())}
        close = difflib.get_close_matches(item_id, ids, n=3, cutoff=0.5)
        close += [
            by_name[n]
            for n in difflib.get_close_matches(item_id.lower(), list(by_name), n=3, cutoff=0.5)
        ]
        unique = list(dict.fromkeys(close))[:3]
        if unique:
            return "did you mean " + " or ".join(f"'{u}'" for u in unique) + "?"
        if not ids:
            return "the catalogue has no items yet"
        return "see the catalogue for valid items: " + ", ".join(ids[:6]) + ", …"
