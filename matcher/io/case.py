"""Load and write case folders, reporting every problem at once.

A case folder holds ``communities.csv``, ``cadres.csv`` and ``demands.csv``,
and optionally ``taxonomy.toml`` and ``policy.toml``. Loading either returns a
fully valid :class:`~matcher.model.Case` or raises one :class:`CaseError`
listing each problem with file, row, column, value and a fix — so a dispatcher
fixes a file in one pass, not one error at a time.
"""

from __future__ import annotations

import csv
import difflib
import io
import math
from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from matcher.errors import CaseError, InputError, Problem
from matcher.io.records import CadreRecord, CommunityRecord, DemandRecord
from matcher.model import Cadre, Case, Community, Demand
from matcher.policy import Policy, load_policy
from matcher.tags import Taxonomy, default_taxonomy, load_taxonomy

__all__ = ["COLUMNS", "load_case", "write_case"]

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

R = TypeVar("R", bound=BaseModel)


def _read_rows(path: Path, problems: list[Problem]) -> list[tuple[int, dict[str, str]]] | None:
    """Rows with their 1-based line numbers, or None when the file is unusable."""
    name = path.name
    expected = COLUMNS[name]
    if not path.is_file():
        problems.append(
            Problem(name, "file is missing", hint=f"a case folder needs {', '.join(COLUMNS)}")
        )
        return None
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        problems.append(
            Problem(
                name, "file is not UTF-8", row=line, hint="save it as UTF-8 (with or without BOM)"
            )
        )
        return None
    if not text.strip():
        problems.append(
            Problem(
                name,
                "file is empty",
                hint=f"the first line must be the header: {','.join(expected)}",
            )
        )
        return None
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [h.strip() for h in next(reader)]
    doubled = sorted({h for h in header if header.count(h) > 1})
    for col in doubled:
        problems.append(
            Problem(
                name,
                "column appears twice in the header",
                row=1,
                column=col,
                hint=f"the header must be: {','.join(expected)}",
            )
        )
    missing = [c for c in expected if c not in header]
    for col in missing:
        problems.append(
            Problem(
                name,
                "missing column",
                row=1,
                column=col,
                hint=f"the header must be: {','.join(expected)}",
            )
        )
    if missing or doubled:
        return None
    rows: list[tuple[int, dict[str, str]]] = []
    start = reader.line_num + 1
    for fields in reader:
        line, start = start, reader.line_num + 1
        if not any(f.strip() for f in fields):
            continue
        if len(fields) != len(header):
            problems.append(
                Problem(
                    name,
                    f"row has {len(fields)} fields, the header has {len(header)}",
                    row=line,
                    hint="quote fields that contain commas",
                )
            )
            continue
        rows.append((line, dict(zip(header, fields, strict=True))))
    return rows


def _validate(
    model: type[R],
    rows: Iterable[tuple[int, dict[str, str]]],
    file: str,
    tax: Taxonomy,
    problems: list[Problem],
) -> list[tuple[int, R]]:
    out: list[tuple[int, R]] = []
    for line, row in rows:
        try:
            out.append((line, model.model_validate(row, context={"taxonomy": tax})))
        except ValidationError as exc:
            for err in exc.errors():
                column = str(err["loc"][0]) if err["loc"] else None
                msg = str(err["msg"]).removeprefix("Value error, ")
                value = row.get(column, "") if column else None
                problems.append(Problem(file, msg, row=line, column=column, value=value))
    return out


def _unique(records: Sequence[tuple[int, Any]], file: str, problems: list[Problem]) -> None:
    first: dict[str, int] = {}
    for line, rec in records:
        if rec.id in first:
            problems.append(
                Problem(
                    file,
                    "duplicate id",
                    row=line,
                    column="id",
                    value=rec.id,
                    hint=f"first used on row {first[rec.id]}; ids must be unique",
                )
            )
        else:
            first[rec.id] = line


def _reference(
    records: Sequence[tuple[int, Any]],
    attr: str,
    known: set[str],
    file: str,
    problems: list[Problem],
) -> None:
    for line, rec in records:
        ref = getattr(rec, attr)
        if ref not in known:
            close = difflib.get_close_matches(ref, sorted(known), n=3, cutoff=0.6)
            hint = (
                ("did you mean " + " or ".join(close) + "?")
                if close
                else "add it to communities.csv"
            )
            problems.append(
                Problem(file, "unknown community", row=line, column=attr, value=ref, hint=hint)
            )


def load_case(path: str | Path, *, policy: Policy | None = None) -> Case:
    """Load and validate a case folder; ``policy`` overrides its ``policy.toml``.

    Raises:
        CaseError: listing every problem found, each with file, row and column.
    """
    root = Path(path)
    if not root.is_dir():
        raise CaseError(
            f"{root}: not a case folder",
            [
                Problem(
                    str(root),
                    "no such folder",
                    hint="pass a folder holding communities.csv, cadres.csv and demands.csv",
                )
            ],
        )
    problems: list[Problem] = []
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
    raw = {name: _read_rows(root / name, problems) for name in COLUMNS}
    comms = _validate(
        CommunityRecord, raw["communities.csv"] or [], "communities.csv", tax, problems
    )
    cadres = _validate(CadreRecord, raw["cadres.csv"] or [], "cadres.csv", tax, problems)
    demands = _validate(DemandRecord, raw["demands.csv"] or [], "demands.csv", tax, problems)
    _unique(comms, "communities.csv", problems)
    _unique(cadres, "cadres.csv", problems)
    _unique(demands, "demands.csv", problems)
    if raw["communities.csv"] is not None:
        # rows that failed validation still name a community: don't cascade errors
        known = {row.get("id", "").strip() for _, row in raw["communities.csv"]}
        if not known and (cadres or demands):
            problems.append(
                Problem(
                    "communities.csv",
                    "no communities listed, but cadres and demands name some",
                    hint="add a row per community under the header",
                )
            )
            known = {
                getattr(r, a)
                for rows, a in ((cadres, "home"), (demands, "community"))
                for _, r in rows
            }
        _reference(cadres, "home", known, "cadres.csv", problems)
        _reference(demands, "community", known, "demands.csv", problems)
    if problems:
        problems.sort(
            key=lambda p: (list(COLUMNS).index(p.file) if p.file in COLUMNS else -1, p.row or 0)
        )
        raise CaseError(f"{root}: {len(problems)} problem(s) in the case files", problems)
    return Case(
        taxonomy=tax,
        communities=tuple(Community(**c.model_dump()) for _, c in comms),
        cadres=tuple(Cadre(**c.model_dump()) for _, c in cadres),
        demands=tuple(Demand(**d.model_dump()) for _, d in demands),
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
    }
    problems: list[Problem] = []
    _validate(DemandRecord, [(0, row)], "demand", case.taxonomy, problems)
    if any(d.id == demand.id for d in case.demands):
        problems.append(Problem("demand", "id already in the case", column="id", value=demand.id))
    if demand.community not in {c.id for c in case.communities}:
        problems.append(
            Problem("demand", "unknown community", column="community", value=demand.community)
        )
    return [replace(p, row=None) for p in problems]


def write_case(case: Case, path: str | Path) -> Path:
    """Write a case folder that :func:`load_case` reads back to an equal case."""
    root = Path(path)
    root.mkdir(parents=True, exist_ok=True)
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
    for name, rows in tables.items():
        with (root / name).open("w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh, lineterminator="\n")
            w.writerow(COLUMNS[name])
            w.writerows(rows)
    return root
