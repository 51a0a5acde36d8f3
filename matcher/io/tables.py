"""One case CSV, from its text to valid domain objects, every problem located.

Shared by :func:`~matcher.io.load_case` (a folder on disk) and by uploads
(:func:`load_table`: one file's text, judged against a district's taxonomy and
communities), so both follow exactly the same rules. Nothing here touches the file
system: an upload never needs a temporary folder, and no message names a path.

A file's rows are read whole (as text: the column-wise reading of
:mod:`matcher.io.columns` needs whole columns) and made objects only once valid;
problems go to a :class:`~matcher.io.problems.ProblemLog`, which keeps the first
ones and counts the rest, so a bad file's problems cost bounded memory.
"""

from __future__ import annotations

import csv
import difflib
import io
from collections.abc import Callable, Collection, Iterable, Iterator
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ValidationError

from matcher.catalogue import Catalogue, default_catalogue, fill_rows
from matcher.errors import CaseError, Problem
from matcher.io.cells import unescape_cell
from matcher.io.columns import read_columns
from matcher.io.problems import ProblemLog
from matcher.io.records import CadreRecord, CommunityRecord, DemandRecord
from matcher.model import Cadre, Community, Demand, id_problem
from matcher.tags import Taxonomy
from matcher.textfile import FALLBACK_ENCODING, NEITHER, Undecodable, decode_saved

__all__ = [
    "COLUMNS",
    "FALLBACK_ENCODING",
    "OPTIONAL",
    "Rows",
    "check_header",
    "decode",
    "items",
    "load_table",
    "noting",
    "read_rows",
    "reference",
    "unique",
    "valid_items",
    "validate",
]

COLUMNS: dict[str, tuple[str, ...]] = {
    "communities.csv": ("id", "name", "street", "lat", "lon"),
    "cadres.csv": ("id", "name", "home", "skills", "certs", "capacity", "status", "max_travel_km"),
    "demands.csv": (
        "id",
        "community",
        "title",
        "needs",
        "requires",
        "certs",
        "headcount",
        "priority",
    ),
}
OPTIONAL: dict[str, tuple[str, ...]] = {
    "communities.csv": (),
    "cadres.csv": ("available", "away", "hours_per_week"),
    "demands.csv": ("start", "end", "hours", "item"),
}
"""Columns a case file may add after the required ones (dated work, issue #20; a
demand's service item, issue #22): absent or blank, a row means what it meant
before they existed."""
NUMBERS: dict[str, frozenset[str]] = {
    "communities.csv": frozenset({"lat", "lon"}),
    "cadres.csv": frozenset({"capacity", "max_travel_km", "hours_per_week"}),
    "demands.csv": frozenset({"headcount", "priority", "hours"}),
}
"""Number columns: never formula-escaped on export (``-3.5`` stays a number)."""

R = TypeVar("R", bound=BaseModel)
Rows = Iterator[tuple[int, dict[str, str]]]
Item = Community | Cadre | Demand
_MODELS: dict[str, tuple[type[BaseModel], Callable[..., Item], str | None]] = {
    "communities.csv": (CommunityRecord, Community, None),
    "cadres.csv": (CadreRecord, Cadre, "home"),
    "demands.csv": (DemandRecord, Demand, "community"),
}


#: what a CSV saved by Chinese Excel ("CSV (逗号分隔)") is written in: GB18030 reads GBK too
_SAVE_UTF8 = (
    "save it as UTF-8: in Excel, Save As → CSV UTF-8 (Comma delimited)"
    " / 另存为 → CSV UTF-8（逗号分隔）"
)


def decode(name: str, raw: bytes, log: ProblemLog, encoding: str | None = None) -> str | None:
    """``raw`` as text, or None after logging why not.

    ``encoding`` None: UTF-8 (with or without BOM), else GB18030 when the bytes decode
    cleanly as that (Chinese Excel saves CSV in GBK, which GB18030 contains); any other
    ``encoding`` (e.g. ``gbk`` when detection guesses wrong) is used as given. No NUL either way.
    """
    try:
        text = decode_saved(raw) if encoding is None else raw.decode(encoding)
    except LookupError:
        log.add(
            Problem(
                name,
                f"unknown encoding '{encoding}'",
                hint="one of utf-8, gb18030, gbk",
            )
        )
        return None
    except Undecodable as exc:
        log.add(Problem(name, NEITHER, row=exc.line, hint=_SAVE_UTF8))
        return None
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        log.add(Problem(name, f"file is not {encoding}", row=line, hint=_SAVE_UTF8))
        return None
    if "\x00" in text:  # no text holds one (a UTF-16 or binary file does); no database takes it
        line = text[: text.index("\x00")].count("\n") + 1
        log.add(
            Problem(
                name,
                "file holds a NUL character: it is not a text file (or it is UTF-16)",
                row=line,
                hint=_SAVE_UTF8,
            )
        )
        return None
    return text


def read_rows(
    name: str, text: str, log: ProblemLog, columns: tuple[str, ...] | None = None
) -> Rows | None:
    """The data rows of ``text`` with their 1-based line numbers, cells trimmed and
    unescaped; None (after logging why) when the header makes the file unusable.
    ``columns`` are the expected ones (default: the case file ``name``'s)."""
    expected = COLUMNS[name] if columns is None else columns
    text = text.removeprefix("\ufeff")
    if not text.strip():
        log.add(
            Problem(
                name,
                "file is empty",
                hint=f"the first line must be the header: {','.join(expected)}",
            )
        )
        return None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip() for h in next(reader)]
    except csv.Error as exc:
        log.add(Problem(name, f"the header line cannot be read as CSV: {exc}", row=1))
        return None
    if not check_header(name, header, expected, log):
        return None
    return _body(name, reader, header, log, "'" in text)


def check_header(name: str, header: list[str], expected: tuple[str, ...], log: ProblemLog) -> bool:
    """Whether ``header`` (a CSV file's or a sheet's first row) holds every ``expected``
    column once; each column missing or doubled is logged, on row 1."""
    doubled = sorted({h for h in header if header.count(h) > 1})
    missing = [c for c in expected if c not in header]
    for col, what in [(c, "column appears twice in the header") for c in doubled] + [
        (c, "missing column") for c in missing
    ]:
        log.add(
            Problem(name, what, row=1, column=col, hint=f"the header must be: {','.join(expected)}")
        )
    return not (missing or doubled)


def _body(name: str, reader: Any, header: list[str], log: ProblemLog, quoted: bool) -> Rows:
    """The rows after the header (``quoted``: whether the text holds a ``'`` at all,
    without which no cell is escaped)."""
    start = reader.line_num + 1
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:  # e.g. a field over the csv module's size limit
            log.add(
                Problem(
                    name,
                    f"the line cannot be read as CSV ({exc}); the rest of the file was not read",
                    row=start,
                    hint="check the quotes on this line",
                )
            )
            return
        line, start = start, reader.line_num + 1
        cells = list(map(str.strip, fields))
        if not any(cells):
            continue
        if len(cells) != len(header):
            log.add(
                Problem(
                    name,
                    f"row has {len(fields)} fields, the header has {len(header)}",
                    row=line,
                    hint="quote fields that contain commas",
                )
            )
            continue
        if quoted and "'" in "".join(cells):  # only a cell starting with ' may be escaped
            cells = [unescape_cell(c) for c in cells]
        # as many cells as columns (checked above): strict would check again, per row
        yield line, dict(zip(header, cells, strict=False))


def validate(
    model: type[R],
    rows: Iterable[tuple[int, dict[str, str]]],
    file: str,
    tax: Taxonomy,
    log: ProblemLog,
    zone: ZoneInfo | None = None,
) -> list[tuple[int, R]]:
    """Each row as a ``model`` record; a row with problems is logged and left out.
    ``zone`` is the district's (the policy's ``timezone``; None: the default)."""
    out: list[tuple[int, R]] = []
    for line, row in rows:
        context = {"taxonomy": tax, "suggest": log.wants(file, line), "zone": zone}
        try:
            out.append((line, model.model_validate(row, context=context)))
        except ValidationError as exc:
            for err in exc.errors(include_url=False, include_context=False):
                column = str(err["loc"][0]) if err["loc"] else None
                msg = str(err["msg"]).removeprefix("Value error, ")
                value = row.get(column, "") if column else None
                log.add(Problem(file, msg, row=line, column=column, value=value))
    return out


def valid_items(
    name: str,
    rows: Iterable[tuple[int, dict[str, str]]],
    file: str,
    tax: Taxonomy,
    log: ProblemLog,
    zone: ZoneInfo | None = None,
    catalogue: Callable[[], Catalogue] | None = None,
    *,
    by_record: bool = False,
) -> list[tuple[int, Item]]:
    """Case file ``name``'s rows (its problems located under ``file``) as domain objects;
    a row with problems is logged and left out. ``catalogue``: the service items a
    ``demands.csv`` row's ``item`` names (:func:`items`).

    Read column by column (:mod:`matcher.io.columns`, each distinct cell parsed once)
    when no row has a problem; else, or ``by_record``, one pydantic record per row
    (:func:`validate`), which finds and words every problem: the objects are the same.
    """
    model, make, _ = _MODELS[name]
    if not by_record:
        kept = list(rows)
        filled: list[tuple[int, dict[str, str]]] | None = kept
        if catalogue is not None:
            scratch = ProblemLog()
            filled = list(items(kept, catalogue, file, scratch))
            filled = None if scratch else filled
        got = None if filled is None else read_columns(name, COLUMNS[name], filled, tax, zone)
        if got is not None:
            return got
        rows = kept
    if catalogue is not None:
        rows = items(rows, catalogue, file, log)
    return [(line, make(**dict(r))) for line, r in validate(model, rows, file, tax, log, zone)]


def items(
    rows: Iterable[tuple[int, dict[str, str]]],
    catalogue: Callable[[], Catalogue],
    file: str,
    log: ProblemLog,
) -> Rows:
    """``demands.csv`` rows with a service item filled from the catalogue
    (:func:`matcher.catalogue.fill_rows`); an unknown item is logged and its row left out."""
    return fill_rows(rows, catalogue, file, log.add, lambda line: log.wants(file, line))


def noting(
    rows: Iterable[tuple[int, dict[str, str]]], seen: list[tuple[int, dict[str, str]]]
) -> Rows:
    """Pass rows through, keeping each one's ``id`` and references in ``seen`` (only
    those cells), so a duplicate id or an unknown community is reported also for a row
    that has other problems or is left out (every problem of every row)."""
    for line, row in rows:
        seen.append((line, {k: row[k] for k in _NOTED if k in row}))
        yield line, row


_NOTED = ("id", "home", "community")


def unique(rows: Iterable[tuple[int, dict[str, str]]], file: str, log: ProblemLog) -> None:
    """Log every id used a second time (ids that are no id at all have their own problem)."""
    first: dict[str, int] = {}
    for line, row in rows:
        rid = row.get("id", "")
        if id_problem(rid) is not None:
            continue
        if rid in first:
            log.add(
                Problem(
                    file,
                    "duplicate id",
                    row=line,
                    column="id",
                    value=rid,
                    hint=f"first used on row {first[rid]}; ids must be unique",
                )
            )
        else:
            first[rid] = line


def reference(
    rows: Iterable[tuple[int, dict[str, str]]],
    attr: str,
    known: Collection[str],
    file: str,
    log: ProblemLog,
    where: str = "communities.csv",
) -> None:
    """Log every ``attr`` cell naming a community not in ``known``."""
    vocabulary: list[str] | None = None
    for line, row in rows:
        ref = row.get(attr, "")
        if ref in known:
            continue
        hint = f"add it to {where}"
        if log.wants(file, line):
            vocabulary = sorted(known) if vocabulary is None else vocabulary
            close = difflib.get_close_matches(ref, vocabulary, n=3, cutoff=0.6)
            if close:
                hint = "did you mean " + " or ".join(close) + "?"
        log.add(Problem(file, "unknown community", row=line, column=attr, value=ref, hint=hint))


def load_table(
    file: str,
    text: str,
    *,
    taxonomy: Taxonomy,
    communities: Collection[str] = (),
    zone: ZoneInfo | None = None,
    catalogue: Catalogue | Callable[[], Catalogue] | None = None,
    by_record: bool = False,
) -> list[tuple[int, Item]]:
    """Validate one case CSV given as text, as :func:`~matcher.io.load_case` would.

    ``communities`` are the ids a cadre's ``home`` or a demand's ``community`` may
    name (unused for ``communities.csv``); ``zone`` is the district's time zone
    for dated orders (None: the default); ``catalogue`` is the district's service
    catalogue a demand's ``item`` names, or a function giving it (None: the bundled
    one); either is loaded only when a row names an item. Returns ``(line, item)`` in file order.
    ``by_record`` validates one pydantic record per row: the reference the column-wise
    reading (:func:`valid_items`) is checked against.

    Raises:
        CaseError: the first problems (row order) and ``total``; no path in any message.
    """
    if file not in COLUMNS:
        raise CaseError(
            f"{file}: not a case file",
            [Problem(file, "unknown file", hint="one of " + ", ".join(COLUMNS))],
        )
    ref = _MODELS[file][2]
    known = communities if isinstance(communities, set | frozenset) else set(communities)
    log = ProblemLog((file,))
    seen: list[tuple[int, dict[str, str]]] = []
    read = read_rows(file, text, log)
    given = catalogue
    fill: Callable[[], Catalogue] | None = None
    if file == "demands.csv":
        if given is None:
            fill = lambda: default_catalogue(taxonomy)  # noqa: E731
        elif isinstance(given, Catalogue):
            fill = lambda: given  # noqa: E731
        else:
            fill = given
    rows = () if read is None else noting(read, seen)
    out = valid_items(file, rows, file, taxonomy, log, zone, fill, by_record=by_record)
    unique(seen, file, log)
    if ref is not None:
        reference(seen, ref, known, file, log, where="the district's communities")
    if log:
        raise log.error(file, code="input.file")
    return out
