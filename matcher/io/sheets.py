"""Workbooks written by matcher: tables as ``.xlsx`` sheets, every text cell formula-safe.

Why one writer: a case workbook (:func:`~matcher.io.workbook.write_workbook`), a
dispatcher's printable plan (``matcher propose -f xlsx``) and a district's export
all go through :func:`workbook_bytes`, so the rule against formula injection is
applied in one place: every text cell passes through
:func:`~matcher.io.cells.escape_cell`, exactly as every CSV cell matcher writes
(a value starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets
a leading ``'``; readers take it off again). Numbers are written as numbers and
never escaped. openpyxl would otherwise store a text starting with ``=`` as a
formula; an escaped value never starts with one.

Every sheet gets a frozen, bold header row that repeats on each printed page,
column widths fitted to the content (a CJK character counts twice) and landscape
pages fitted to the width, so a dispatcher can print it as it is.

openpyxl is imported inside :func:`workbook_bytes` only: the command line does
not pay for it unless a workbook is written.
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from matcher.io.cells import escape_cell

__all__ = ["XLSX_TYPE", "Cell", "Sheet", "sheet_cell", "workbook_bytes"]

#: the media type of an ``.xlsx`` workbook (uploads and downloads)
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

#: a cell's value: text (escaped on the way out), a number, a truth value, or empty
Cell = str | int | float | bool | None

# characters no .xlsx cell may hold (XML 1.0 forbids them); tab, LF and CR are allowed
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_MIN_WIDTH, _MAX_WIDTH = 6.0, 60.0


@dataclass(frozen=True)
class Sheet:
    """One sheet: its ``title``, ``header`` row and data ``rows`` (cells as :data:`Cell`)."""

    title: str
    header: Sequence[str]
    rows: Sequence[Sequence[Cell]]


def sheet_cell(value: Cell) -> Cell:
    """``value`` as written to a sheet: text escaped (:func:`~matcher.io.cells.escape_cell`)
    and characters no workbook may hold replaced by U+FFFD; anything else as it is."""
    if isinstance(value, str):
        return _ILLEGAL.sub("\ufffd", escape_cell(value))
    return value


def _width(value: Cell) -> float:
    if value is None:
        return 0.0
    text = value if isinstance(value, str) else str(value)
    longest = max(text.splitlines() or [""], key=len)
    return float(sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in longest))


def workbook_bytes(sheets: Sequence[Sheet]) -> bytes:
    """The ``sheets`` as one ``.xlsx`` workbook's bytes (in order, the first one active)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    wb.remove(wb.active)
    bold = Font(bold=True)
    for sheet in sheets:
        ws = wb.create_sheet(sheet.title)
        ws.append([sheet_cell(h) for h in sheet.header])
        widths = [_width(h) for h in sheet.header]
        wrap = Alignment(vertical="top", wrap_text=True)
        for row in sheet.rows:
            cells = [sheet_cell(v) for v in row]
            ws.append(cells)
            for i, v in enumerate(cells[: len(widths)]):
                widths[i] = max(widths[i], _width(v))
                if isinstance(v, str) and "\n" in v:  # a list, one item a line
                    ws.cell(row=ws.max_row, column=i + 1).alignment = wrap
        for cell in ws[1]:
            cell.font = bold
            cell.alignment = wrap
        for i, w in enumerate(widths, 1):
            ws.column_dimensions[get_column_letter(i)].width = min(
                _MAX_WIDTH, max(_MIN_WIDTH, w + 2)
            )
        ws.freeze_panes = "A2"
        ws.print_title_rows = "1:1"
        ws.page_setup.orientation = "landscape"
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
