"""Case workbooks (``.xlsx``): sheets read as the case loader's rows, and written back.

A case workbook holds the sheets ``communities``, ``cadres`` and ``demands`` (the
columns of the CSV files of the same names) and optionally ``policy``: two columns
``key`` and ``value``, one row per ``policy.toml`` key written with dots
(``weights.skill`` | ``30``, ``fairness.load_costs`` | ``[1, 2, 4]``,
``lending.limits.C01`` | ``2``, ``timezone`` | ``Asia/Shanghai``); keys left out keep
their defaults. The sheets may also be named 社区, 干部, 需求 and 策略, in any case.

Why rows, not a second loader: :class:`CaseBook` turns each sheet into the same
``(row, cells)`` pairs a CSV file gives (:data:`~matcher.io.tables.Rows`), so
:func:`~matcher.io.load_case` applies every check of a folder to a workbook and
reports every problem with the sheet (``[case.xlsx]cadres``, Excel's own way of
naming a sheet of a workbook), its row number as Excel shows it, the column and the value.

Cells may hold text, numbers or dates: a whole number reads as ``3`` (not ``3.0``),
a date as ``2026-12-08``, a date with a time (and any cell of ``start`` or ``end``)
as ``2026-12-08T18:00``. Empty rows anywhere are skipped, as in a CSV file. A text
cell's leading ``'`` before a formula character comes off
(:func:`~matcher.io.cells.unescape_cell`), so :func:`write_workbook` → load is the
identity. Formulas are read as the values Excel last computed.

openpyxl is imported only when a workbook is opened or written.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from matcher.errors import CaseError, Problem
from matcher.io.cells import unescape_cell
from matcher.io.policy_rows import POLICY_COLUMNS, policy_from_rows, policy_rows
from matcher.io.problems import ProblemLog
from matcher.io.sheets import Cell, Sheet, workbook_bytes
from matcher.io.tables import COLUMNS, NUMBERS, Rows, check_header
from matcher.policy import Policy

__all__ = [
    "SHEETS",
    "CaseBook",
    "case_workbook",
    "cell_text",
    "is_workbook",
    "sheet_csv",
    "sheet_label",
]

#: the case file each sheet stands for, and the names a sheet may have instead
SHEETS: dict[str, tuple[str, ...]] = {
    "communities.csv": ("communities", "社区"),
    "cadres.csv": ("cadres", "干部"),
    "demands.csv": ("demands", "需求"),
}
_POLICY_NAMES = ("policy", "策略")
_TIMES = frozenset({"start", "end"})
_SAVE_XLSX = "save it in Excel as Excel Workbook (*.xlsx) / 另存为 → Excel 工作簿(*.xlsx)"


def is_workbook(path: Path) -> bool:
    """Whether ``path`` names a case workbook (by its ``.xlsx`` suffix) rather than a folder."""
    return path.suffix.lower() == ".xlsx"


def sheet_label(book: str, sheet: str) -> str:
    """How problems name a sheet: ``[case.xlsx]cadres``, as Excel refers to one."""
    return f"[{book}]{sheet}"


def cell_text(value: object, column: str = "") -> str:
    """A cell's value as the text a CSV file would hold (not yet unescaped)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        if column in _TIMES or value.time() != dt.time():
            spec = "minutes" if value.second == 0 and value.microsecond == 0 else "seconds"
            return value.replace(tzinfo=None).isoformat(timespec=spec)
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.isoformat(timespec="minutes")
    if isinstance(value, dt.timedelta):  # a duration cell: hours
        return cell_text(value.total_seconds() / 3600)
    return str(value).strip()


class CaseBook:
    """An open case workbook: each sheet as rows for the case loader, problems in ``log``.

    ``source`` is the file (or an upload's bytes, named ``name``). A file that is not
    a workbook is logged in :attr:`log` (not raised), like an unreadable CSV file.
    """

    def __init__(self, source: Path | bytes, name: str | None = None) -> None:
        from openpyxl import load_workbook

        self.name = name or (source.name if isinstance(source, Path) else "upload.xlsx")
        self._sheets: dict[str, str] = {}
        try:
            handle = io.BytesIO(source) if isinstance(source, bytes) else source
            self._wb: Any = load_workbook(handle, read_only=True, data_only=True)
        except Exception:  # a broken file raises anything, from zip to XML errors
            self._wb = None
        else:
            self._sheets = {str(s).strip().casefold(): str(s) for s in self._wb.sheetnames}
        #: the problems found, ordered as a reader fixes them: the file, then sheet by sheet
        policy = sheet_label(self.name, self._find(_POLICY_NAMES) or _POLICY_NAMES[0])
        self.log = ProblemLog((self.name, *(self.label(f) for f in SHEETS), policy))
        if self._wb is None:
            self.log.add(
                Problem(
                    self.name,
                    "file is not an Excel workbook (.xlsx)",
                    hint=_SAVE_XLSX,
                    code="problem.not_xlsx",
                )
            )

    @property
    def ok(self) -> bool:
        """Whether the file opened as a workbook."""
        return self._wb is not None

    def close(self) -> None:
        """Release the file (a read-only workbook keeps it open until then)."""
        if self._wb is not None:
            self._wb.close()

    def label(self, file: str) -> str:
        """The label problems of case file ``file`` (``cadres.csv``) carry: the sheet's."""
        return sheet_label(self.name, self._find(SHEETS[file]) or SHEETS[file][0])

    def _find(self, names: tuple[str, ...]) -> str | None:
        for n in names:
            if n.casefold() in self._sheets:
                return self._sheets[n.casefold()]
        return None

    def _rows(self, sheet: str, label: str, expected: tuple[str, ...]) -> Rows | None:
        it = _values(self._wb[sheet], label, by_column=True)
        first = next(it, None)
        header = list(first or ())
        if not any(header):
            self.log.add(
                Problem(
                    label,
                    "sheet is empty",
                    hint=f"the first row must be the header: {','.join(expected)}",
                    code="problem.sheet_empty",
                )
            )
            return None
        if not check_header(label, [h for h in header if h], expected, self.log):
            return None
        return _body(it, header)

    def rows(self, file: str) -> Rows | None:
        """The data rows of case file ``file``'s sheet; None (logged) when missing or unusable."""
        if self._wb is None:
            return None
        names = SHEETS[file]
        sheet = self._find(names)
        if sheet is None:
            self.log.add(
                Problem(
                    sheet_label(self.name, names[0]),
                    "sheet is missing",
                    hint="a case workbook needs the sheets communities, cadres, demands",
                    code="problem.sheet_missing",
                )
            )
            return None
        return self._rows(sheet, self.label(file), COLUMNS[file])

    def csv_text(self, file: str, limit: int) -> str:
        """Case file ``file``'s sheet as CSV text: one line per sheet row, so a problem's
        row is the sheet's (unless a cell holds a line break), cells as the loader reads
        them, trailing blank rows dropped. A workbook of one sheet is that file's,
        whatever the sheet is called.

        Raises:
            CaseError: not a workbook, no such sheet, or the text would exceed ``limit``
                characters (a compressed workbook can unpack to far more than its bytes).
        """
        sheet = None
        if self._wb is not None:
            names = list(self._sheets.values())
            sheet = names[0] if len(names) == 1 else self._find(SHEETS[file])
            if sheet is None:
                self.rows(file)  # logs the missing sheet
        if sheet is None:
            raise self.log.error(self.name, code="input.file")
        label = sheet_label(self.name, sheet)
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        pending = 0  # blank rows since the last row with a value: written only when followed
        width = 0  # the header's: a row's empty cells after it are no fields of the file
        for texts in _values(self._wb[sheet], label):
            cells = list(texts)
            while len(cells) > width and not cells[-1]:
                cells.pop()
            if not any(cells):
                pending += 1
                continue
            width = width or len(cells)
            cells += [""] * (width - len(cells))
            out.write("\n" * pending)
            pending = 0
            writer.writerow(cells)
            if out.tell() > limit:
                raise CaseError(
                    f"{label}: the sheet is too large",
                    [
                        Problem(
                            label,
                            f"the sheet holds more than {limit} characters of text",
                            hint="split it into several uploads",
                            code="problem.sheet_too_large",
                            params={"limit": limit},
                        )
                    ],
                )
        return out.getvalue()

    def policy(self) -> Policy | None:
        """The ``policy`` sheet's policy (None: no such sheet, or its problems are logged)."""
        sheet = None if self._wb is None else self._find(_POLICY_NAMES)
        if sheet is None:
            return None
        label = sheet_label(self.name, sheet)
        rows = self._rows(sheet, label, POLICY_COLUMNS)
        return None if rows is None else policy_from_rows(rows, label, self.log)


def sheet_csv(data: bytes, file: str, name: str = "upload.xlsx", limit: int = 10 << 20) -> str:
    """The sheet of case file ``file`` (``cadres.csv``) in an uploaded workbook, as the
    CSV text a CSV upload would be (:meth:`CaseBook.csv_text`).

    Raises:
        CaseError: not a workbook, no such sheet, or more than ``limit`` characters.
    """
    book = CaseBook(data, name)
    try:
        return book.csv_text(file, limit)
    finally:
        book.close()


#: blank rows in a row after which a sheet is refused: a roster has none so long, and a
#: cell far below the data (XFD1048576) would otherwise make the reader walk a million rows
MAX_BLANK_RUN = 1000


def _values(ws: Any, label: str, *, by_column: bool = False) -> Iterator[tuple[str, ...]]:
    """A sheet's rows as cell texts (:func:`cell_text`, each cell read once), at most as
    wide as its header (a read-only sheet pads every row to the widest cell anywhere),
    refusing a long run of blank rows and a sheet whose XML is broken (read-only sheets
    are parsed as they are read). The header comes first; ``by_column``: a body cell is
    read as its header's column (a date-time under ``start`` keeps its time)."""
    try:
        rows = ws.iter_rows(values_only=True)
        first = next(rows, None)
        if first is None:
            return
        header = tuple(cell_text(v) for v in first)
        width = max((k + 1 for k, h in enumerate(header) if h), default=1)
        header = header[:width]
        yield header
        columns = header if by_column else ("",) * width
        blank = 0
        for line, values in enumerate(ws.iter_rows(min_row=2, max_col=width, values_only=True), 2):
            texts = tuple(cell_text(v, c) for v, c in zip(values, columns, strict=False))
            if any(texts):
                blank = 0
            else:
                blank += 1
                if blank > MAX_BLANK_RUN:
                    raise CaseError(
                        f"{label}: more than {MAX_BLANK_RUN} blank rows in a row",
                        [
                            Problem(
                                label,
                                f"more than {MAX_BLANK_RUN} blank rows in a row",
                                row=line,
                                hint="delete the blank rows, or the stray cells below them",
                                code="problem.sheet_gap",
                                params={"most": MAX_BLANK_RUN},
                            )
                        ],
                    )
            yield texts
    except CaseError:
        raise
    except Exception:  # a broken sheet raises anything, from XML to zip errors
        raise CaseError(
            f"{label}: the sheet cannot be read",
            [Problem(label, "file is not an Excel workbook (.xlsx)", hint=_SAVE_XLSX,
                     code="problem.not_xlsx")],
        ) from None  # fmt: skip


def _body(it: Iterator[tuple[str, ...]], header: list[str]) -> Rows:
    for line, texts in enumerate(it, 2):
        cells = {h: text for h, text in zip(header, texts, strict=False) if h}
        if not any(cells.values()):
            continue
        yield line, {h: unescape_cell(cells.get(h, "")) for h in header if h}


def _typed(value: str, number: bool) -> Cell:
    """A number column's text as a number (blank: an empty cell); other text as it is."""
    if not number:
        return value
    if value == "":
        return None
    return int(value) if re.fullmatch(r"-?\d+", value) else float(value)


def case_workbook(tables: dict[str, tuple[list[str], list[list[str]]]], policy: Policy) -> bytes:
    """A case workbook's bytes from the case files' ``tables`` (header, rows of text, as
    :func:`~matcher.io.case.case_tables` gives them) and the ``policy`` sheet's keys.

    Number columns become number cells; text cells are escaped by the one writer
    (:mod:`matcher.io.sheets`)."""
    sheets = []
    for file, (header, rows) in tables.items():
        numbers = [col in NUMBERS[file] for col in header]
        sheets.append(
            Sheet(
                SHEETS[file][0],
                header,
                [[_typed(v, n) for v, n in zip(row, numbers, strict=True)] for row in rows],
            )
        )
    policy_sheet: list[list[Cell]] = [[key, value] for key, value in policy_rows(policy)]
    sheets.append(Sheet(_POLICY_NAMES[0], POLICY_COLUMNS, policy_sheet))
    return workbook_bytes(sheets)
