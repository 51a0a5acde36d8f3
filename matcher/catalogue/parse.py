"""A catalogue's TOML checked against the district's taxonomy, every problem located.

Why against the taxonomy: an item's defaults become a demand's needs, requirements
and certificates, so a tag or certificate the district does not know would only
surface later as a bad demand. Each problem names the item (or category) and the
key, with the line the item starts on, and a "did you mean" where one is near.
"""

from __future__ import annotations

import difflib
import math
import re
import tomllib
from functools import cache
from pathlib import Path
from typing import Any

from matcher.catalogue.items import Catalogue, ServiceCategory, ServiceItem
from matcher.errors import CatalogueError, Param, Problem
from matcher.model import MAX_DEMAND_HOURS, MAX_PLACES
from matcher.paths import DATA_DIR
from matcher.tags import MAX_LEVEL, MIN_LEVEL, Taxonomy, default_taxonomy
from matcher.tomlfile import read_toml_text

__all__ = [
    "DEFAULT_CATALOGUE_PATH",
    "NO_CATALOGUE",
    "catalogue_from_text",
    "default_catalogue",
    "fitting_catalogue",
    "load_catalogue",
    "parse_catalogue",
]

DEFAULT_CATALOGUE_PATH = DATA_DIR / "catalogue" / "community-services.toml"
_SLUG = re.compile(r"^[a-z][a-z0-9_]*$")
_CATEGORY_KEYS = ("slug", "zh", "en", "items")
_ITEM_KEYS = ("id", "zh", "en", "needs", "requires", "certs", "headcount", "priority", "hours")
#: an item's default headcount: the demand's own limit (:data:`matcher.model.MAX_PLACES`)
MAX_HEADCOUNT = MAX_PLACES


class _Checker:
    """Collects the problems of one catalogue text, each with its line where known."""

    def __init__(self, source: str, text: str, taxonomy: Taxonomy) -> None:
        self.file = source
        self.tax = taxonomy
        self.problems: list[Problem] = []
        self._lines = text.splitlines()

    def line_of(self, key: str, value: str) -> int | None:
        """The first line writing ``key = "value"`` (where an item or category starts)."""
        pattern = re.compile(rf"^\s*{key}\s*=\s*[\"']{re.escape(value)}[\"']")
        for no, line in enumerate(self._lines, start=1):
            if pattern.match(line):
                return no
        return None

    def add(
        self,
        where: str,
        message: str,
        code: str,
        params: dict[str, Param],
        *,
        row: int | None = None,
        value: object = None,
        hint: str | None = None,
    ) -> None:
        self.problems.append(
            Problem(
                self.file,
                message,
                row=row,
                column=where,
                value=None if value is None else str(value),
                hint=hint,
                code=code,
                params=params,
            )
        )

    def text(self, entry: dict[str, Any], key: str, where: str, row: int | None) -> str:
        value = entry.get(key)
        if not isinstance(value, str) or not value.strip():
            self.add(
                f"{where}.{key}",
                f"'{key}' must be a non-empty string",
                "problem.catalogue_text",
                {"key": key},
                row=row,
                value=value,
            )
            return ""
        return value.strip()

    def keys(
        self, entry: dict[str, Any], allowed: tuple[str, ...], where: str, row: int | None
    ) -> None:
        for key in entry:
            if key not in allowed:
                close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
                self.add(
                    f"{where}.{key}",
                    f"unknown key '{key}'",
                    "problem.catalogue_unknown_key",
                    {"key": key},
                    row=row,
                    hint=f"did you mean '{close[0]}'?" if close else "one of " + ", ".join(allowed),
                )

    def levels(
        self, entry: dict[str, Any], key: str, where: str, row: int | None
    ) -> dict[str, int]:
        raw = entry.get(key, {})
        if not isinstance(raw, dict):
            self.add(
                f"{where}.{key}",
                f"'{key}' must be a table of tag = level",
                "problem.catalogue_levels",
                {"key": key},
                row=row,
                value=raw,
                hint='write e.g. { "urban.elevator_retrofit" = 3 }',
            )
            return {}
        out: dict[str, int] = {}
        for tag, level in raw.items():
            if not self.tax.has_tag(tag):
                self.add(
                    f"{where}.{key}",
                    f"unknown tag '{tag}'",
                    "problem.unknown_tag",
                    {"tag": tag},
                    row=row,
                    value=tag,
                    hint=self.tax.suggest_tag(tag),
                )
            elif (
                isinstance(level, bool)
                or not isinstance(level, int)
                or not MIN_LEVEL <= level <= MAX_LEVEL
            ):
                self.add(
                    f"{where}.{key}",
                    f"level {level} of {tag} is outside {MIN_LEVEL}-{MAX_LEVEL}",
                    "problem.level_range",
                    {"level": str(level), "tag": tag, "min": MIN_LEVEL, "max": MAX_LEVEL},
                    row=row,
                    value=level,
                )
            else:
                out[tag] = level
        return out

    def certs(self, entry: dict[str, Any], where: str, row: int | None) -> tuple[str, ...]:
        raw = entry.get("certs", [])
        if not isinstance(raw, list) or not all(isinstance(c, str) for c in raw):
            self.add(
                f"{where}.certs",
                "certs must be a list of certificate slugs",
                "problem.catalogue_certs",
                {},
                row=row,
                value=raw,
                hint='write e.g. ["people_mediator"]',
            )
            return ()
        for cert in raw:
            if not self.tax.has_cert(cert):
                self.add(
                    f"{where}.certs",
                    f"unknown cert '{cert}'",
                    "problem.unknown_cert",
                    {"cert": cert},
                    row=row,
                    value=cert,
                    hint=self.tax.suggest_cert(cert),
                )
        return tuple(dict.fromkeys(raw))

    def whole(
        self, entry: dict[str, Any], key: str, default: int, most: int, where: str, row: int | None
    ) -> int:
        value = entry.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= most:
            self.add(
                f"{where}.{key}",
                f"'{key}' must be a whole number 1-{most}",
                "problem.catalogue_number",
                {"key": key, "max": most},
                row=row,
                value=value,
            )
            return default
        return value

    def hours(self, entry: dict[str, Any], where: str, row: int | None) -> float | None:
        value = entry.get("hours")
        if value is None:
            return None
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        if not ok or not math.isfinite(value) or not 0 < value <= MAX_DEMAND_HOURS:
            self.add(
                f"{where}.hours",
                f"hours must be a number above 0 and at most {MAX_DEMAND_HOURS}",
                "problem.catalogue_hours",
                {"max": MAX_DEMAND_HOURS},
                row=row,
                value=value,
            )
            return None
        return float(value)

    def slug(self, value: str, where: str, key: str, row: int | None) -> None:
        if value and not _SLUG.match(value):
            self.add(
                f"{where}.{key}",
                f"'{key}' must be lowercase a-z, 0-9 and _, starting with a letter",
                "problem.catalogue_slug",
                {"key": key},
                row=row,
                value=value,
            )


def _item(
    c: _Checker, raw: Any, category: str, where: str, seen: dict[str, int | None]
) -> ServiceItem | None:
    if not isinstance(raw, dict):
        c.add(
            where, "not a table", "problem.catalogue_table", {}, hint="write [[categories.items]]"
        )
        return None
    iid = raw.get("id") if isinstance(raw.get("id"), str) else ""
    row = c.line_of("id", iid) if iid else None
    where = f"item '{iid}'" if iid else where
    iid = c.text(raw, "id", where, row)
    c.slug(iid, where, "id", row)
    if iid in seen:
        c.add(
            f"{where}.id",
            f"'{iid}' appears twice",
            "problem.catalogue_duplicate",
            {"id": iid},
            row=row,
            value=iid,
            hint=f"first on line {seen[iid]}; item ids must be unique",
        )
    seen.setdefault(iid, row)
    c.keys(raw, _ITEM_KEYS, where, row)
    zh, en = c.text(raw, "zh", where, row), c.text(raw, "en", where, row)
    needs = c.levels(raw, "needs", where, row)
    if "needs" not in raw:
        c.add(
            f"{where}.needs",
            "'needs' must be a table of tag = level",
            "problem.catalogue_levels",
            {"key": "needs"},
            row=row,
            hint='write e.g. { "urban.elevator_retrofit" = 3 }',
        )
    return ServiceItem(
        id=iid,
        category=category,
        zh=zh,
        en=en,
        needs=needs,
        requires=c.levels(raw, "requires", where, row),
        certs=c.certs(raw, where, row),
        headcount=c.whole(raw, "headcount", 1, MAX_HEADCOUNT, where, row),
        priority=c.whole(raw, "priority", 3, 5, where, row),
        hours=c.hours(raw, where, row),
    )


def parse_catalogue(
    data: dict[str, Any], taxonomy: Taxonomy, source: str = "<memory>", text: str = ""
) -> Catalogue:
    """Validate a catalogue given as parsed TOML against ``taxonomy``.

    ``text`` is the TOML itself (when known), so that problems carry the line their
    item starts on.

    Raises:
        CatalogueError: every problem found, each naming the item or category and key.
    """
    c = _Checker(source, text, taxonomy)
    head = data.get("catalogue", {})
    head = head if isinstance(head, dict) else {}
    raw_name = head.get("name")
    name = raw_name if isinstance(raw_name, str) and raw_name else Path(source).stem
    raw_cats = data.get("categories")
    if not isinstance(raw_cats, list) or not raw_cats:
        raise CatalogueError(
            f"{source}: no [[categories]] found; a catalogue needs categories of items",
            [
                Problem(
                    source,
                    "no categories with items found",
                    hint="add [[categories]] and [[categories.items]]",
                    code="problem.catalogue_empty",
                    params={},
                )
            ],
        )
    categories: list[ServiceCategory] = []
    items: list[ServiceItem] = []
    seen_cats: set[str] = set()
    seen_items: dict[str, int | None] = {}
    for k, cat in enumerate(raw_cats, start=1):
        where = f"category #{k}"
        if not isinstance(cat, dict):
            c.add(where, "not a table", "problem.catalogue_table", {}, hint="write [[categories]]")
            continue
        cslug = cat.get("slug") if isinstance(cat.get("slug"), str) else ""
        row = c.line_of("slug", cslug) if cslug else None
        where = f"category '{cslug}'" if cslug else where
        cslug = c.text(cat, "slug", where, row)
        c.slug(cslug, where, "slug", row)
        if cslug in seen_cats:
            c.add(
                f"{where}.slug",
                f"'{cslug}' appears twice",
                "problem.catalogue_duplicate",
                {"id": cslug},
                row=row,
                value=cslug,
            )
        seen_cats.add(cslug)
        c.keys(cat, _CATEGORY_KEYS, where, row)
        czh, cen = c.text(cat, "zh", where, row), c.text(cat, "en", where, row)
        raw_items = cat.get("items")
        if not isinstance(raw_items, list) or not raw_items:
            c.add(
                f"{where}.items",
                f"category '{cslug}' has no items",
                "problem.catalogue_no_items",
                {"category": cslug},
                row=row,
                hint="add [[categories.items]]",
            )
            raw_items = []
        mine = [
            _item(c, raw, cslug, f"{where}, item #{n}", seen_items)
            for n, raw in enumerate(raw_items, 1)
        ]
        kept = [i for i in mine if i is not None]
        items += kept
        categories.append(ServiceCategory(cslug, czh, cen, tuple(i.id for i in kept)))
    if c.problems:
        n = len(c.problems)
        raise CatalogueError(
            f"{source}: {n} problem{'s' if n > 1 else ''} in the service catalogue", c.problems
        )

    def said(key: str) -> str:
        value = head.get(key)
        return value if isinstance(value, str) and value.strip() else name

    return Catalogue(
        name=name,
        zh=said("zh"),
        en=said("en"),
        categories=tuple(categories),
        items=tuple(items),
        source=source,
        text=text,
    )


def catalogue_from_text(text: str, taxonomy: Taxonomy, source: str = "catalogue.toml") -> Catalogue:
    """A catalogue from its TOML text (an upload, the store's copy), checked."""
    text = text.removeprefix("\ufeff")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise CatalogueError(
            f"{source}: not valid TOML: {exc}",
            [
                Problem(
                    source,
                    "not valid TOML",
                    value=str(exc),
                    code="problem.catalogue_toml",
                    params={"error": str(exc)},
                )
            ],
        ) from None
    return parse_catalogue(data, taxonomy, source, text)


def load_catalogue(path: str | Path, taxonomy: Taxonomy) -> Catalogue:
    """A catalogue file (a case folder's ``catalogue.toml``), checked against ``taxonomy``."""
    p = Path(path)
    data, text = read_toml_text(p, CatalogueError, "catalogue")
    return parse_catalogue(data, taxonomy, p.name, text)


@cache
def _bundled() -> Catalogue:
    return load_catalogue(DEFAULT_CATALOGUE_PATH, default_taxonomy())


def default_catalogue(taxonomy: Taxonomy | None = None) -> Catalogue:
    """The bundled catalogue (8 categories × 32 items on the bundled taxonomy).

    With another ``taxonomy`` it is checked against that one (and fails with
    :class:`CatalogueError` where that taxonomy lacks its tags).
    """
    bundled = default_taxonomy()
    if taxonomy is None or (
        taxonomy.tag_slugs == bundled.tag_slugs and taxonomy.cert_slugs == bundled.cert_slugs
    ):
        return _bundled()
    return load_catalogue(DEFAULT_CATALOGUE_PATH, taxonomy)


#: no service items at all: what a district with its own taxonomy has until it stores a catalogue
NO_CATALOGUE = Catalogue(
    name="none", zh="（无服务清单）", en="(no catalogue)", categories=(), items=()
)


def fitting_catalogue(taxonomy: Taxonomy) -> Catalogue:
    """The bundled catalogue when it fits ``taxonomy``, else :data:`NO_CATALOGUE`.

    Why: a district with its own taxonomy has no catalogue until it stores one; its
    demands are then all uncategorised, rather than every summary failing on the
    bundled catalogue's tags.
    """
    try:
        return default_catalogue(taxonomy)
    except CatalogueError:
        return NO_CATALOGUE
