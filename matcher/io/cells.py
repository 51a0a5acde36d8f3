"""Spreadsheet-safe CSV cells: formula characters escaped on the way out, and back in.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is
run as a formula by spreadsheet programs (CSV injection, OWASP). Values are stored
verbatim; every CSV matcher writes passes its text cells through
:func:`escape_cell`, which puts a ``'`` before such a value, and every CSV it reads
passes each cell through :func:`unescape_cell`, which takes that ``'`` off again,
so export → import is the identity.

The rule, exactly: on the way out a ``'`` is added before a value that starts with
a formula character, or with ``'`` followed by a formula character or another
``'``; on the way in one leading ``'`` is removed from a cell when the next
character is a formula character or ``'``. Any other ``'`` stays (``'t Hooft``
round-trips unchanged). Number columns are never escaped: ``-3.5`` stays a number.
Cells are trimmed of surrounding whitespace before the ``'`` comes off, so a value
that starts with a tab survives the trip; surrounding spaces are not part of a
CSV value.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from typing import TextIO

__all__ = ["FORMULA_START", "escape_cell", "unescape_cell", "write_rows"]

FORMULA_START = frozenset("=+-@\t\r")
_QUOTED = FORMULA_START | {"'"}


def escape_cell(value: str) -> str:
    """``value`` as a text cell a spreadsheet shows as text, never runs."""
    first = value[:1]
    if first in FORMULA_START or (first == "'" and value[1:2] in _QUOTED):
        return "'" + value
    return value


def unescape_cell(cell: str) -> str:
    """The value an :func:`escape_cell` cell (or a hand-escaped ``'=…``) stands for."""
    if cell[:1] == "'" and cell[1:2] in _QUOTED:
        return cell[1:]
    return cell


def write_rows(fh: TextIO, rows: Iterable[Sequence[str]]) -> None:
    """CSV rows ended by ``\n``; a row with a carriage return in a cell is ended by
    ``\r\n`` instead, because the csv module quotes only cells holding a character
    of the line ending, and an unquoted CR would split the row when read back."""
    lf = csv.writer(fh, lineterminator="\n")
    crlf = csv.writer(fh, lineterminator="\r\n")
    for row in rows:
        (crlf if any("\r" in cell for cell in row) else lf).writerow(row)
