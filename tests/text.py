"""Checks on text shown to people: which Latin words a Chinese text still holds.

Shared by the message tests and the console's browser test: a Chinese rendering may
hold ids (``P0227``, ``D0048``), slugs (``urban.waste_sorting``, ``first_aid``),
units and whatever the caller allows (data such as CSV column names), but no
English words.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = ["UNITS", "latin_words"]

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
