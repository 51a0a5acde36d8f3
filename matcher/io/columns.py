"""A case file's valid rows read column by column: each distinct cell text parsed once.

Why: a pydantic record per row costs a district's cadres file more than the rest of
a one-shot proposal's loading, and most of its cells repeat (statuses, capacities,
travel limits, cert lists, the ``tag:level`` items of the profiles). Here every
column is parsed once per distinct text, by the very functions the records'
validators call (:mod:`matcher.io.values`, :func:`~matcher.io.records.parse_levels`,
:func:`~matcher.io.records.parse_slugs`, the dated parsers), so a cell this path
accepts is one the records accept, to the same value.

It judges only files without problems: at the first cell it would refuse (or
cannot judge alone) it gives up and returns None, and the caller runs the records
(:func:`matcher.io.tables.validate`) over the same rows, so every message, its
order and its hints are exactly theirs. A dated order's row (a ``start``, ``end``
or ``hours`` cell filled: rules across cells) is validated by its record here.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from pydantic import ValidationError

from matcher.dated import parse_away, parse_weekly
from matcher.io.records import DemandRecord, parse_levels, parse_slugs
from matcher.io.values import (
    blank,
    parse_capacity,
    parse_coord,
    parse_headcount,
    parse_priority,
    parse_status,
    parse_travel,
    parse_week_hours,
)
from matcher.model import Cadre, Community, Demand, Status, id_problem
from matcher.tags import Taxonomy

__all__ = ["read_columns"]

T = TypeVar("T")
Row = tuple[int, dict[str, str]]
Item = Community | Cadre | Demand

_DATED = ("start", "end", "hours")


class _Refused(Exception):
    """A cell the records would refuse (or this path does not judge alone)."""


def read_columns(
    file: str,
    required: Sequence[str],
    rows: Sequence[Row],
    taxonomy: Taxonomy,
    zone: ZoneInfo | None,
) -> list[tuple[int, Item]] | None:
    """``(line, item)`` for each of ``rows`` of case file ``file`` (its kind:
    ``communities.csv``, ``cadres.csv`` or ``demands.csv``; ``required`` its columns),
    the objects :func:`~matcher.io.tables.validate`'s records make; None when a row
    has a problem."""
    try:
        cols = {name: [row[name] for _, row in rows] for name in required}
        if not all(set(map(type, col)) <= {str} for col in cols.values()):
            return None
        if any(id_problem(rid) is not None for rid in cols["id"]):
            return None
        if file == "communities.csv":
            return _communities(rows, cols)
        if file == "cadres.csv":
            return _cadres(rows, cols, taxonomy)
        return _demands(rows, cols, taxonomy, zone)
    except (KeyError, _Refused):
        return None


def _optional(rows: Sequence[Row], name: str) -> list[Any]:
    """An optional column's cells (None where a row lacks it, as the records see it)."""
    return [row.get(name) for _, row in rows]


def _each(column: Sequence[Hashable], parse: Callable[[Any], T]) -> list[T]:
    """``parse`` of each cell, called once per distinct cell."""
    try:
        seen = {text: parse(text) for text in set(column)}
    except ValueError:
        raise _Refused from None
    return [seen[text] for text in column]


def _levels(column: Sequence[str], taxonomy: Taxonomy) -> list[dict[str, int]]:
    """Each ``tag:level`` cell as its dict (a copy each), each distinct item parsed once."""
    pairs: dict[str, tuple[str, int] | None] = {}
    cells: dict[str, dict[str, int]] = {}
    out: list[dict[str, int]] = []
    for text in column:
        levels = cells.get(text)
        if levels is None:
            levels = cells[text] = _cell_levels(text, taxonomy, pairs)
        out.append(dict(levels))
    return out


def _cell_levels(
    text: str, taxonomy: Taxonomy, pairs: dict[str, tuple[str, int] | None]
) -> dict[str, int]:
    try:
        if not text.isascii():  # full-width separators: the whole cell, as the record reads it
            return parse_levels(text, taxonomy, False)
        levels: dict[str, int] = {}
        for raw in text.split(";"):
            if raw in pairs:
                pair = pairs[raw]
            else:
                one = parse_levels(raw, taxonomy, False)
                pair = pairs[raw] = next(iter(one.items()), None)
            if pair is None:
                continue
            if pair[0] in levels:
                raise _Refused
            levels[pair[0]] = pair[1]
        return levels
    except ValueError:
        raise _Refused from None


def _communities(rows: Sequence[Row], cols: dict[str, list[str]]) -> list[tuple[int, Item]]:
    lat = _each(cols["lat"], lambda v: parse_coord(v, "lat"))
    lon = _each(cols["lon"], lambda v: parse_coord(v, "lon"))
    return [
        (line, Community(*cells))
        for (line, _), *cells in zip(
            rows, cols["id"], cols["name"], cols["street"], lat, lon, strict=True
        )
    ]


def _cadres(
    rows: Sequence[Row], cols: dict[str, list[str]], taxonomy: Taxonomy
) -> list[tuple[int, Item]]:
    skills = _levels(cols["skills"], taxonomy)
    certs = _each(cols["certs"], lambda v: parse_slugs(str(v or ""), taxonomy, False))
    capacity = _each(cols["capacity"], parse_capacity)
    status = _each(cols["status"], lambda v: Status(parse_status(v)))
    travel = _each(cols["max_travel_km"], parse_travel)
    available = _each(_optional(rows, "available"), lambda v: parse_weekly(blank(v)))
    away = _each(_optional(rows, "away"), lambda v: parse_away(blank(v)))
    week = _each(_optional(rows, "hours_per_week"), parse_week_hours)
    return [
        (line, Cadre(*cells))
        for (line, _), *cells in zip(
            rows,
            cols["id"],
            cols["name"],
            cols["home"],
            skills,
            certs,
            capacity,
            status,
            travel,
            available,
            away,
            week,
            strict=True,
        )
    ]


def _demands(
    rows: Sequence[Row], cols: dict[str, list[str]], taxonomy: Taxonomy, zone: ZoneInfo | None
) -> list[tuple[int, Item]]:
    needs = _levels(cols["needs"], taxonomy)
    requires = _levels(cols["requires"], taxonomy)
    certs = _each(cols["certs"], lambda v: parse_slugs(str(v or ""), taxonomy, False))
    headcount = _each(cols["headcount"], parse_headcount)
    priority = _each(cols["priority"], parse_priority)
    item = _each(_optional(rows, "item"), lambda v: blank(v) or None)
    # a row filled from an item may hold an ``hours`` cell its file's header lacks
    dated_cells = [_optional(rows, name) for name in _DATED]
    dated = any(any(cells) for cells in dated_cells)
    out: list[tuple[int, Item]] = []
    for k, (line, row) in enumerate(rows):
        if dated and any(blank(cells[k]) for cells in dated_cells):
            out.append((line, _dated(row, taxonomy, zone)))
            continue
        out.append(
            (
                line,
                Demand(
                    cols["id"][k],
                    cols["community"][k],
                    cols["title"][k],
                    needs[k],
                    requires[k],
                    certs[k],
                    headcount[k],
                    priority[k],
                    None,
                    None,
                    None,
                    item[k],
                ),
            )
        )
    return out


def _dated(row: dict[str, str], taxonomy: Taxonomy, zone: ZoneInfo | None) -> Demand:
    """A dated order's row through its record (its rules span cells)."""
    context = {"taxonomy": taxonomy, "suggest": False, "zone": zone}
    try:
        record = DemandRecord.model_validate(row, context=context)
    except ValidationError:
        raise _Refused from None
    return Demand(**dict(record))
