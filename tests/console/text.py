"""Latin words in text meant to be Chinese: the check behind "no English in Chinese mode".

A Chinese page may still show Latin letters in things that are not words of a language: ids
(``P0687``, ``D0002``, ``#12``), slugs (``emergency.first_aid``, ``people_mediator``) and
units (``km``, ``MB``). Everything else made of Latin letters is a word a Chinese reader should
not have to read, unless the caller allows it (data people typed, such as a district's id).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = ["UNITS", "latin_words"]

UNITS = frozenset({"km", "m", "kg", "h", "min", "s", "ms", "KB", "MB", "GB", "TB"})
# a run of Latin letters and digits, joined by the characters slugs and ids use
_TOKEN = re.compile(r"[A-Za-z0-9]+(?:[._\-][A-Za-z0-9]+)*")


def latin_words(text: str, allowed: Iterable[str] = ()) -> list[str]:
    """The Latin words of ``text`` that are no id, slug, unit or allowed word, in order.

    A token counts as an id when it holds a digit, and as a slug when it joins parts with
    ``.``, ``_`` or ``-``; ``allowed`` words are matched exactly.
    """
    ok = set(allowed)
    out: list[str] = []
    for token in _TOKEN.findall(text):
        if not re.search(r"[A-Za-z]", token):
            continue  # a number
        if re.search(r"\d", token) or re.search(r"[._\-]", token):
            continue  # an id or a slug
        if token in UNITS or token in ok:
            continue
        out.append(token)
    return out
