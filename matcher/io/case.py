"""Load and write case folders and case workbooks, reporting every problem at once.

A case folder holds ``communities.csv``, ``cadres.csv`` and ``demands.csv``,
and optionally ``taxonomy.toml``, ``policy.toml`` and ``catalogue.toml`` (the
service items a demand's ``item`` names; without it, the bundled catalogue).
A case workbook (``.xlsx``) holds the same tables as sheets, and optionally a
``policy`` sheet (:mod:`matcher.io.workbook`); both go through one loader.
Loading either returns a fully valid :class:`~matcher.model.Case` or raises one :class:`CaseError`
listing each problem with file, row, column, value and a fix — so a dispatcher
fixes a file in one pass, not one error at a time.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import cast

from matcher.catalogue import Catalogue, default_catalogue, fitting_catalogue, load_catalogue
from matcher.dated import district_zone, format_local
from matcher.errors import CaseError, InputError, Problem
from matcher.io.cells import escape_cell, write_rows
from matcher.io.problems import ProblemLog
from matcher.io.records import DemandRecord
from matcher.io.tables import (
    COLUMNS,
    NUMBERS,
    OPTIONAL,
    Rows,
    decode,
    noting,
    read_rows,
    reference,
    unique,
    valid_items,
    validate,
)
from matcher.io.workbook import CaseBook, case_workbook, is_workbook
from matcher.model import Cadre, Case, Community, Demand
from matcher.policy import Policy, load_policy
from matcher.tags import Taxonomy, default_taxonomy, load_taxonomy

__all__ = [
    "COLUMNS",
    "case_catalogue",
    "case_tables",
    "load_case",
    "workbook_of",
    "write_case",
    "write_workbook",
]


_GIVE_CASE = (
    "pass a folder holding communities.csv, cadres.csv and demands.csv, or a workbook (.xlsx)"
)


def _read_file(path: Path, log: ProblemLog, encoding: str | None = None) -> Rows | None:
    """Rows of one case file, or None (logged) when it is missing or unusable."""
    if not path.is_file():
        log.add(
            Problem(path.name, "file is missing", hint=f"a case folder needs {', '.join(COLUMNS)}")
        )
        return None
    text = decode(path.name, path.read_bytes(), log, encoding)
    return None if text is None else read_rows(path.name, text, log)


def case_catalogue(root: Path, taxonomy: Taxonomy, *, strict: bool = True) -> Catalogue:
    """The folder's ``catalogue.toml`` checked against ``taxonomy``, else the bundled one
    (when not ``strict``: else none, if the bundled one does not fit the taxonomy).

    Raises:
        CaseError: the catalogue's problems (or the bundled one's against another taxonomy).
    """
    try:
        path = root / "catalogue.toml"
        if path.is_file():
            return load_catalogue(path, taxonomy)
        return default_catalogue(taxonomy) if strict else fitting_catalogue(taxonomy)
    except InputError as exc:
        raise CaseError(f"{root}: {exc.args[0]}", exc.problems) from None


def load_case(
    path: str | Path,
    *,
    policy: Policy | None = None,
    encoding: str | None = None,
    by_record: bool = False,
) -> Case:
    """Load and validate a case folder, or a case workbook (``.xlsx``,
    :mod:`matcher.io.workbook`); ``policy`` overrides its ``policy.toml`` (or ``policy`` sheet).

    The CSV files are read as UTF-8, else as GB18030 (GBK) when they decode cleanly
    as that; ``encoding`` reads them all in that one instead (e.g. ``gbk``). A
    workbook gets every check a folder gets; its problems name the sheet
    (``[case.xlsx]cadres``) and the row as Excel numbers it. A file without problems
    is read column by column (:mod:`matcher.io.columns`); ``by_record`` reads every
    file one pydantic record per row, the reference that reading is checked against.

    Raises:
        CaseError: listing the first problems found (:data:`~matcher.io.problems.MAX_PROBLEMS`,
            in file and row order), each with file (or sheet), row and column; ``total`` counts all.
    """
    root = Path(path)
    if is_workbook(root) and not root.is_dir():
        if not root.is_file():
            raise CaseError(
                f"{root}: no such workbook",
                [Problem(str(root), "file is missing", hint=_GIVE_CASE)],
            )
        return _load_workbook(root, policy, by_record)
    if not root.is_dir():
        raise CaseError(
            f"{root}: not a case folder",
            [
                Problem(
                    str(root),
                    "no such folder",
                    hint=_GIVE_CASE,
                )
            ],
        )
    log = ProblemLog(tuple(COLUMNS))
    try:
        tax = (
            load_taxonomy(root / "taxonomy.toml")
            if (root / "taxonomy.toml").is_file()
            else default_taxonomy()
        )
        if policy is None:
            policy = (
                load_policy(root / "policy.toml") if (root / "policy.toml").is_file() else Policy()
            )
    except InputError as exc:
        raise CaseError(f"{root}: {exc.args[0]}", exc.problems) from None
    return _assemble(
        root,
        tax,
        policy,
        log,
        lambda name: _read_file(root / name, log, encoding),
        {name: name for name in COLUMNS},
        lambda: case_catalogue(root, tax),
        by_record=by_record,
    )


def _load_workbook(root: Path, policy: Policy | None, by_record: bool) -> Case:
    """A case workbook: its sheets through the folder's checks (the bundled taxonomy
    and catalogue; a ``policy`` sheet, else the defaults)."""
    tax = default_taxonomy()
    book = CaseBook(root)
    try:
        sheet_policy = book.policy()
        if policy is None:
            policy = sheet_policy or Policy()
        labels = {name: book.label(name) for name in COLUMNS}
        catalogue = lambda: default_catalogue(tax)  # noqa: E731
        return _assemble(
            root, tax, policy, book.log, book.rows, labels, catalogue, by_record=by_record
        )
    finally:
        book.close()


def _assemble(
    root: Path,
    tax: Taxonomy,
    policy: Policy,
    log: ProblemLog,
    read: Callable[[str], Rows | None],
    labels: dict[str, str],
    catalogue: Callable[[], Catalogue],
    by_record: bool = False,
) -> Case:
    """The case from each case file's rows (``read(name)``), problems located under
    ``labels[name]`` (the file's name, or its sheet's)."""
    zone = district_zone(policy.timezone)
    # every row's id and references, valid or not: a duplicate id or an unknown
    # community is reported beside a row's other problems, and rows that failed
    # validation still name a community (no cascade of errors)
    seen: dict[str, list[tuple[int, dict[str, str]]]] = {name: [] for name in COLUMNS}

    def rows_of(name: str) -> Rows | None:
        rows = read(name)
        return None if rows is None else noting(rows, seen[name])

    comm, cad, dem = (labels[n] for n in COLUMNS)
    comm_rows = rows_of("communities.csv")
    comms = valid_items("communities.csv", comm_rows or (), comm, tax, log, by_record=by_record)
    cadres = valid_items(
        "cadres.csv", rows_of("cadres.csv") or (), cad, tax, log, zone, by_record=by_record
    )
    demand_rows = rows_of("demands.csv")
    demands = valid_items(
        "demands.csv",
        demand_rows or (),
        dem,
        tax,
        log,
        zone,
        catalogue if demand_rows is not None else None,
        by_record=by_record,
    )
    for name, rows in seen.items():
        unique(rows, labels[name], log)
    known = {row.get("id", "") for _, row in seen["communities.csv"]} - {""}
    if comm_rows is not None:
        if not known and (seen["cadres.csv"] or seen["demands.csv"]):
            log.add(
                Problem(
                    comm,
                    "no communities listed, but cadres and demands name some",
                    hint="add a row per community under the header",
                )
            )
            known = {row.get("home", "") for _, row in seen["cadres.csv"]} | {
                row.get("community", "") for _, row in seen["demands.csv"]
            }
        where = comm if comm == "communities.csv" else f"the {comm.rpartition(']')[2]} sheet"
        reference(seen["cadres.csv"], "home", known, cad, log, where=where)
        reference(seen["demands.csv"], "community", known, dem, log, where=where)
    if log:
        raise log.error(str(root), " in the case files")
    return Case(
        taxonomy=tax,
        communities=tuple(cast(Community, c) for _, c in comms),
        cadres=tuple(cast(Cadre, c) for _, c in cadres),
        demands=tuple(cast(Demand, d) for _, d in demands),
        policy=policy,
        source=root,
    )


def _levels(levels: dict[str, int]) -> str:
    return ";".join(f"{t}:{lvl}" for t, lvl in levels.items())


def _num(x: float) -> str:
    return (
        ""
        if math.isinf(x)
        else repr(float(x)).removesuffix(".0")
        if float(x).is_integer()
        else repr(float(x))
    )


def _when(moment: dt.datetime | None) -> str:
    return "" if moment is None else format_local(moment)


def _hours(h: float | None) -> str:
    return "" if h is None else _num(h)


def _dated_cadre(c: Cadre) -> list[str]:
    return [
        "" if c.available is None else str(c.available),
        "" if c.away is None else str(c.away),
        _num(c.hours_per_week),
    ]


def _dated_demand(d: Demand) -> list[str]:
    return [_when(d.start), _when(d.end), _hours(d.hours)]


def _item(d: Demand) -> list[str]:
    return ["" if d.item is None else d.item]


def check_demand(case: Case, demand: Demand) -> list[Problem]:
    """What :func:`load_case` would say of ``demand`` as one more row of ``case``:
    the same field rules, plus a unique id and a known community."""
    row = {
        "id": demand.id,
        "community": demand.community,
        "title": demand.title,
        "needs": _levels(demand.needs),
        "requires": _levels(demand.requires),
        "certs": ";".join(demand.certs),
        "headcount": str(demand.headcount),
        "priority": str(demand.priority),
        **dict(zip(OPTIONAL["demands.csv"], _dated_demand(demand) + _item(demand), strict=True)),
    }
    log = ProblemLog()
    zone = district_zone(case.policy.timezone)
    validate(DemandRecord, [(0, row)], "demand", case.taxonomy, log, zone)
    problems = log.problems()
    if any(d.id == demand.id for d in case.demands):
        problems.append(Problem("demand", "id already in the case", column="id", value=demand.id))
    if demand.community not in {c.id for c in case.communities}:
        problems.append(
            Problem("demand", "unknown community", column="community", value=demand.community)
        )
    return [replace(p, row=None) for p in problems]


def case_tables(case: Case) -> dict[str, tuple[list[str], list[list[str]]]]:
    """Each case file's header and rows as text, as :func:`write_case` writes them (not
    yet escaped). The optional columns of dated work (:data:`~matcher.io.tables.OPTIONAL`)
    are there only when some row fills one, and a demand's ``item`` column only when
    some demand names an item, so a case without them keeps its files byte for byte.
    (A demand made from an item is written with every cell filled: read back, it is
    the same demand.)"""
    tables: dict[str, list[list[str]]] = {
        "communities.csv": [
            [c.id, c.name, c.street, repr(c.lat), repr(c.lon)] for c in case.communities
        ],
        "cadres.csv": [
            [
                p.id,
                p.name,
                p.home,
                _levels(p.skills),
                ";".join(p.certs),
                str(p.capacity),
                p.status.value,
                _num(p.max_travel_km),
            ]
            for p in case.cadres
        ],
        "demands.csv": [
            [
                d.id,
                d.community,
                d.title,
                _levels(d.needs),
                _levels(d.requires),
                ";".join(d.certs),
                str(d.headcount),
                str(d.priority),
            ]
            for d in case.demands
        ],
    }
    groups = [
        ("cadres.csv", OPTIONAL["cadres.csv"], [_dated_cadre(c) for c in case.cadres]),
        ("demands.csv", OPTIONAL["demands.csv"][:3], [_dated_demand(d) for d in case.demands]),
        ("demands.csv", OPTIONAL["demands.csv"][3:], [_item(d) for d in case.demands]),
    ]
    header = {name: list(cols) for name, cols in COLUMNS.items()}
    for name, columns, extra in groups:
        if any(any(cells) for cells in extra):
            header[name] = header[name] + list(columns)
            tables[name] = [row + cells for row, cells in zip(tables[name], extra, strict=True)]
    return {name: (header[name], rows) for name, rows in tables.items()}


def write_case(case: Case, path: str | Path) -> Path:
    """Write a case folder that :func:`load_case` reads back to an equal case.

    Text cells that a spreadsheet would run as a formula get a leading ``'``
    (:mod:`matcher.io.cells`); the loader takes it off again. The columns are
    :func:`case_tables`'.
    """
    root = Path(path)
    root.mkdir(parents=True, exist_ok=True)
    for name, (header, rows) in case_tables(case).items():
        numbers = [col in NUMBERS[name] for col in header]
        with (root / name).open("w", encoding="utf-8", newline="") as fh:
            write_rows(
                fh,
                [
                    header,
                    *(
                        [v if num else escape_cell(v) for v, num in zip(row, numbers, strict=True)]
                        for row in rows
                    ),
                ],
            )
    return root


def write_workbook(case: Case, path: str | Path) -> Path:
    """Write a case workbook (``.xlsx``) that :func:`load_case` reads back to an equal
    case (with the bundled taxonomy and catalogue): the sheets of :func:`case_tables`
    and a ``policy`` sheet of the keys off their defaults (:mod:`matcher.io.workbook`)."""
    out = Path(path)
    out.write_bytes(workbook_of(case))
    return out


def workbook_of(case: Case) -> bytes:
    """The bytes :func:`write_workbook` writes (for a caller that writes them atomically)."""
    return case_workbook(case_tables(case), case.policy)
