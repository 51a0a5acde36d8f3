"""Checks on text shown to people: which Latin words a Chinese text still holds.

Shared by the message tests and the console's browser test: a Chinese rendering may
hold ids (``P0227``, ``D0048``), slugs (``urban.waste_sorting``, ``first_aid``),
units and whatever the caller allows (data such as CSV column names), but no
English words. ALLOWED and allowed_words() say which words the message tests let through.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matcher import Case

__all__ = ["ALLOWED", "UNITS", "allowed_words", "latin_words"]

#: units and symbols that read the same in Chinese text
UNITS = frozenset({"km", "m", "h", "min", "s", "kg", "MB", "KB", "GB", "HTTP", "ID"})

_TOKEN = re.compile(r"(?<![A-Za-z0-9_.\-])(-{0,2})([A-Za-z][A-Za-z0-9_.\-]*[A-Za-z0-9_]|[A-Za-z])")


_PATH = re.compile(r"[^\s：，；（）]*/[^\s：，；（）]*")


def latin_words(text: str, allowed: Iterable[str] = ()) -> list[str]:
    """The Latin words of ``text`` that are not ids, slugs, units, options or ``allowed``.

    A token counts as an id when it holds a digit (``P0227``), as a slug when it holds
    ``.``, ``_`` or ``-`` inside (``urban.waste_sorting``), as a command-line option when
    ``--`` leads it; paths and URLs (anything with a ``/``) are skipped; ``allowed``
    adds exact words (case sensitive), e.g. a taxonomy's cert slugs without a dot.
    Order kept, repeats kept.
    """
    ok = set(allowed) | UNITS
    out = []
    text = _PATH.sub(" ", text)
    for m in _TOKEN.finditer(text):
        dashes, word = m.groups()
        if dashes == "--" or word in ok:
            continue
        if any(ch.isdigit() for ch in word) or any(ch in "._-" for ch in word):
            continue
        out.append(word)
    return out


#: Latin words a Chinese text may hold besides ids, slugs and units: data and commands
#: a reader types as they are (CSV values and columns, formats, programs)
ALLOWED = {
    "green", "yellow", "red", "true", "false", "json", "csv", "xlsx", "JSON", "UTF", "BOM",
    "Idempotency-Key", "Idempotency", "Key", "Dask", "tcp", "HOST", "PORT", "matplotlib",
    "pip", "install", "whatif", "dask", "distributed", "lsa", "lp", "YYYY", "MM", "DD", "ISO",
    "kind", "flood", "season", "ab12", "refused", "gulou", "status", "id", "name", "street",
    "lat", "lon", "e", "plot", "out", "all", "format", "district",
    "pending", "confirmed", "dismissed",  # warning states, typed after --state
    "zh", "en", "slug", "items", "TOML",  # a service catalogue's TOML keys
    "bogus", "widget", "factr", "purple", "garbage",  # what the reader typed, quoted back
    "GBK", "GB18030", "CSV", "Excel", "gbk", "klingon",  # encodings and Excel's "CSV UTF-8"
    "PDF", "HTML", "Chromium", "chromium", "PATH",  # the report's formats, its PDF printer
}  # fmt: skip


def allowed_words(case: Case) -> set[str]:
    """Besides ALLOWED: the case's slugs, CSV columns and sheet names, roles and KPI names
    (typed as they are)."""
    from matcher import Kpis
    from matcher.dated import DAY_NAMES
    from matcher.io.case import COLUMNS
    from matcher.io.policy_rows import POLICY_COLUMNS
    from matcher.io.tables import OPTIONAL
    from matcher.io.workbook import SHEETS
    from matcher.store import ROLES

    columns = {c for cols in (*COLUMNS.values(), *OPTIONAL.values()) for c in cols}
    columns |= {name for names in SHEETS.values() for name in names} | set(POLICY_COLUMNS)
    tax = case.taxonomy
    slugs = set(tax.tag_slugs) | set(tax.cert_slugs) | {c.slug for c in tax.categories}
    return ALLOWED | slugs | columns | set(ROLES) | set(Kpis.model_fields) | set(DAY_NAMES)
