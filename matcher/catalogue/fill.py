"""A demand row made from a service item: the item's defaults fill the row's blank cells.

Why on the row's text, before the row is validated: a filled-in default is then
checked by exactly the rules a typed cell meets (a default's headcount against
the district's limits, its hours against the order's window), and a demand made
from an item is the same :class:`~matcher.model.Demand` as one typed in full.

Rules: a blank cell takes the item's value, a filled cell overrides it (a filled
``needs`` replaces the item's needs as a whole, it is not merged); ``title``
defaults to the item's Chinese name. ``hours`` is taken from the item only when
the row gives no ``end``: a dated order with an end is as long as its window.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from matcher.catalogue.items import Catalogue, ServiceItem
from matcher.errors import Problem
from matcher.model import Demand

__all__ = ["ITEM_COLUMN", "demand_from_item", "fill_row", "fill_rows", "item_cells"]

ITEM_COLUMN = "item"


def _levels(levels: Mapping[str, int]) -> str:
    return ";".join(f"{t}:{lvl}" for t, lvl in levels.items())


def _number(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else repr(float(x))


def item_cells(item: ServiceItem) -> dict[str, str]:
    """The item's defaults as ``demands.csv`` cells."""
    return {
        "title": item.zh,
        "needs": _levels(item.needs),
        "requires": _levels(item.requires),
        "certs": ";".join(item.certs),
        "headcount": str(item.headcount),
        "priority": str(item.priority),
        "hours": "" if item.hours is None else _number(item.hours),
    }


def fill_row(row: dict[str, str], item: ServiceItem) -> dict[str, str]:
    """``row`` with each blank cell the item has a default for filled from it."""
    out = dict(row)
    for column, value in item_cells(item).items():
        if column == "hours" and out.get("end", "").strip():
            continue
        if not out.get(column, "").strip():
            out[column] = value
    return out


def fill_rows(
    rows: Iterable[tuple[int, dict[str, str]]],
    catalogue: Callable[[], Catalogue],
    file: str,
    report: Callable[[Problem], None],
    wants_hint: Callable[[int], bool] = lambda _: True,
) -> Iterator[tuple[int, dict[str, str]]]:
    """Rows with an ``item`` filled from it; a row naming an unknown item is reported
    (with the nearest ids) and left out, so its blank cells cause no second problem.

    ``catalogue`` is called only when a row names an item: a file without items
    never loads one (and a case with its own taxonomy needs no catalogue then).
    """
    loaded: Catalogue | None = None
    for line, row in rows:
        name = row.get(ITEM_COLUMN, "").strip()
        if not name:
            yield line, row
            continue
        if loaded is None:
            loaded = catalogue()
        if loaded.has(name):
            yield line, fill_row(row, loaded.item(name))
            continue
        report(
            Problem(
                file,
                f"unknown service item '{name}'",
                row=line,
                column=ITEM_COLUMN,
                value=name,
                hint=loaded.suggest(name) if wants_hint(line) else None,
                code="problem.unknown_item",
                params={"item": name},
            )
        )


def demand_from_item(
    item: ServiceItem, demand_id: str, community: str, given: Mapping[str, Any]
) -> Demand:
    """A demand made from ``item`` (a request body's way): each field ``given`` holds
    overrides the item's, the rest are the item's (``title``: its Chinese name).

    The demand is not checked here: the caller checks it as any other demand.
    """
    fields: dict[str, Any] = {
        "title": item.zh,
        "needs": dict(item.needs),
        "requires": dict(item.requires),
        "certs": item.certs,
        "headcount": item.headcount,
        "priority": item.priority,
        "hours": item.hours,
    }
    fields.update({k: v for k, v in given.items() if k in fields})
    fields["certs"] = tuple(dict.fromkeys(fields["certs"]))
    return Demand(id=demand_id, community=community, item=item.id, **fields)
