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

import datetime as dt
import json
import re
import tomllib
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from matcher.errors import PolicyError, Problem
from matcher.io.cells import unescape_cell
from matcher.io.problems import ProblemLog
from matcher.io.sheets import Cell, Sheet, workbook_bytes
from matcher.io.tables import COLUMNS, NUMBERS, Rows, check_header
from matcher.policy import Policy, parse_policy

__all__ = [
    "POLICY_COLUMNS",
    "SHEETS",
    "CaseBook",
    "case_workbook",
    "cell_text",
    "is_workbook",
    "policy_toml",
    "sheet_label",
]

#: the case file each sheet stands for, and the names a sheet may have instead
SHEETS: dict[str, tuple[str, ...]] = {
    "communities.csv": ("communities", "社区"),
    "cadres.csv": ("cadres", "干部"),
    "demands.csv": ("demands", "需求"),
}
_POLICY_NAMES = ("policy", "策略")
#: the columns of the optional ``policy`` sheet
POLICY_COLUMNS = ("key", "value")
_TIMES = frozenset({"start", "end"})
_BARE = re.compile(r"[A-Za-z0-9_-]+")
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
        import io

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
        it = self._wb[sheet].iter_rows(values_only=True)
        first = next(it, None)
        header = [cell_text(v) for v in first or ()]
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

    def policy(self) -> Policy | None:
        """The ``policy`` sheet's policy (None: no such sheet, or its problems are logged)."""
        sheet = None if self._wb is None else self._find(_POLICY_NAMES)
        if sheet is None:
            return None
        label = sheet_label(self.name, sheet)
        rows = self._rows(sheet, label, POLICY_COLUMNS)
        if rows is None:
            return None
        data: dict[str, Any] = {}
        where: dict[str, int] = {}
        for line, row in rows:
            key = row["key"].strip()
            if not key:
                self.log.add(Problem(label, "empty", row=line, column="key"))
                continue
            if key in where:
                self.log.add(
                    Problem(
                        label,
                        f"key appears twice (first on row {where[key]})",
                        row=line,
                        column="key",
                        value=key,
                        code="problem.key_twice",
                        params={"row": where[key]},
                    )
                )
                continue
            where[key] = line
            _put(data, _path(key), _value(row["value"]))
        try:
            return parse_policy(data, label)
        except PolicyError as exc:
            for p in exc.problems:
                self.log.add(replace(p, file=label, row=_row_of(p.column or "", where)))
            return None


def _body(it: Iterator[tuple[object, ...]], header: list[str]) -> Rows:
    for line, values in enumerate(it, 2):
        cells = {h: cell_text(v, h) for h, v in zip(header, values, strict=False) if h}
        if not any(cells.values()):
            continue
        yield line, {h: unescape_cell(cells.get(h, "")) for h in header if h}


def _value(text: str) -> Any:
    """A policy cell's value: a TOML value when it reads as one (``30``, ``[1, 2]``,
    ``true``), else the text itself (``Asia/Shanghai``)."""
    if "\n" in text:
        return text
    try:
        return tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        return text


def _path(key: str) -> list[str]:
    """A dotted policy key as its path: split at dots while the policy has tables there;
    the rest is one key of a mapping (a community id in ``lending.limits`` may hold a dot)."""
    parts = key.split(".")
    model: Any = Policy
    out: list[str] = []
    for i, part in enumerate(parts):
        out.append(part)
        info = getattr(model, "model_fields", {}).get(part)
        annotation = getattr(info, "annotation", None)
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            model = annotation
        elif i + 1 < len(parts) and annotation is not None:
            return [*out, ".".join(parts[i + 1 :])]
        else:
            model = None
    return out


def _put(data: dict[str, Any], path: list[str], value: Any) -> None:
    node = data
    for part in path[:-1]:
        child = node.setdefault(part, {})
        if not isinstance(child, dict):  # ``weights`` = 3 and ``weights.skill``: the model says
            return
        node = child
    node[path[-1]] = value


def _row_of(loc: str, where: dict[str, int]) -> int | None:
    if loc in where:
        return where[loc]
    return next((row for key, row in where.items() if key.startswith(loc + ".")), None)


def _flat(data: dict[str, Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and value:
            yield from _flat(value, name + ".")
        else:
            yield name, value


def _policy_rows(policy: Policy) -> list[tuple[str, Any]]:
    """The policy's keys that differ from the defaults, dotted, with their values."""
    return list(_flat(policy.model_dump(mode="json", exclude_defaults=True)))


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_key(k)} = {_toml(v)}" for k, v in value.items()) + "}"
    return json.dumps(str(value), ensure_ascii=False)


def _key(part: str) -> str:
    return part if _BARE.fullmatch(part) else json.dumps(part, ensure_ascii=False)


def policy_toml(policy: Policy) -> str | None:
    """``policy`` as ``policy.toml`` text (dotted keys, only those off their defaults), or
    None when every key has its default: what a store keeps for a workbook's policy."""
    rows = _policy_rows(policy)
    if not rows:
        return None
    lines = []
    for key, value in rows:
        lines.append(f"{'.'.join(_key(p) for p in _path(key))} = {_toml(value)}")
    return "\n".join(lines) + "\n"


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
    policy_rows: list[list[Cell]] = [
        [key, value if isinstance(value, int | float | str) else _toml(value)]
        for key, value in _policy_rows(policy)
    ]
    sheets.append(Sheet(_POLICY_NAMES[0], POLICY_COLUMNS, policy_rows))
    return workbook_bytes(sheets)
