"""The growth record's files: ``outcomes.csv`` and ``trainings.csv``, read and written.

Why: district offices enter dispatch results and training sessions in batches from
spreadsheets; a file with one bad cell must be reported whole (every problem with
file, row, column, value, fix and message code) and must yield nothing, so that
nothing half of a file is ever recorded. Reading follows the case files' rules
(:func:`matcher.io.tables.read_rows`: UTF-8, a header, trimmed and unescaped
cells) and a bounded :class:`~matcher.io.problems.ProblemLog`; values are parsed
only in :mod:`matcher.io.history_records`. Writing escapes every text cell
(:mod:`matcher.io.cells`), so a generated or exported history opens safely in a
spreadsheet and reads back unchanged. Nothing here touches a store.

``outcomes.csv`` names dispatches by id: which cadre, demand and day a dispatch
was is the store's to know, so its loader returns records, not
:class:`~matcher.record.Outcome` objects. ``trainings.csv`` is self-contained and
loads as :class:`~matcher.record.Training`.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Mapping
from pathlib import Path
from typing import Any, TextIO, TypeVar

from pydantic import BaseModel, ValidationError

from matcher.atomic import write_atomic
from matcher.errors import CaseError, Param, Problem
from matcher.io.cells import escape_cell, write_rows
from matcher.io.history_records import DEFAULT_MAX_HOURS, OutcomeRecord, TrainingRecord
from matcher.io.problems import ProblemLog
from matcher.io.tables import Rows, decode, read_rows
from matcher.record import Outcome, Training
from matcher.tags import Taxonomy

__all__ = [
    "HISTORY_COLUMNS",
    "OUTCOME_COLUMNS",
    "TRAINING_COLUMNS",
    "load_outcomes",
    "load_trainings",
    "save_history",
    "write_outcomes",
    "write_trainings",
]

OUTCOME_COLUMNS = (
    "dispatch",
    "ending",
    "hours",
    "rating",
    "exempt",
    "exempt_reason",
    "cancel_reason",
    "note",
    "ended",
)
TRAINING_COLUMNS = ("cadre", "course", "tags", "hours", "date", "cert")
HISTORY_COLUMNS: dict[str, tuple[str, ...]] = {
    "outcomes.csv": OUTCOME_COLUMNS,
    "trainings.csv": TRAINING_COLUMNS,
}

R = TypeVar("R", bound=BaseModel)


def _rows(file: str, text: str | bytes, log: ProblemLog, columns: tuple[str, ...]) -> Rows:
    decoded = decode(file, text, log) if isinstance(text, bytes) else text
    rows = None if decoded is None else read_rows(file, decoded, log, columns)
    return rows or iter(())


def _params(ctx: Mapping[str, Any]) -> dict[str, Param]:
    return {k: v for k, v in ctx.items() if isinstance(v, str | int | float) and k != "hint"}


def _validate(
    model: type[R], rows: Rows, file: str, context: dict[str, Any], log: ProblemLog
) -> list[tuple[int, R]]:
    """Each row as a ``model`` record; each problem logged with its code, and the row left out."""
    out: list[tuple[int, R]] = []
    for line, row in rows:
        try:
            here = {**context, "suggest": log.wants(file, line)}  # hints only where listed
            out.append((line, model.model_validate(row, context=here)))
        except ValidationError as exc:
            for err in exc.errors(include_url=False):
                column = str(err["loc"][0]) if err["loc"] else None
                coded = err["type"].startswith("problem.")
                ctx = err.get("ctx") or {}
                hint = ctx.get("hint") if coded else None
                log.add(
                    Problem(
                        file,
                        str(err["msg"]).removeprefix("Value error, "),
                        row=line,
                        column=column,
                        value=row.get(column, "") if column else None,
                        hint=hint if isinstance(hint, str) else None,
                        code=err["type"] if coded else None,
                        params=_params(ctx) if coded else None,
                    )
                )
    return out


def _unknown(
    file: str,
    column: str,
    found: Iterable[tuple[int, object]],
    known: Collection[Any] | None,
    log: ProblemLog,
) -> None:
    if known is None:
        return
    known = known if isinstance(known, set | frozenset) else set(known)
    for line, value in found:
        if value not in known:
            log.add(Problem(file, "unknown id", row=line, column=column, value=str(value)))


def _raise(file: str, log: ProblemLog) -> None:
    """Every problem of one file: headed by the file (``input.file``), not as a case folder."""
    if log:
        params: dict[str, Param] = {"file": file, "count": log.total}
        raise CaseError(
            log.summary(file), log.problems(), log.total, code="input.file", params=params
        )


def load_outcomes(
    text: str | bytes,
    *,
    max_hours: float = DEFAULT_MAX_HOURS,
    dispatches: Collection[int] | None = None,
    file: str = "outcomes.csv",
) -> list[tuple[int, OutcomeRecord]]:
    """Validate ``outcomes.csv`` given as text (or bytes: UTF-8, else GB18030).

    ``max_hours`` is the policy's maximum for one outcome; ``dispatches``, when
    given, are the ids the rows may name; ``file`` is the name problems give (the
    file the reader named). Returns ``(line, record)`` in file order.

    Raises:
        CaseError: every problem (the first ones in row order, and ``total``); then
            nothing is returned, not even the valid rows.
    """
    log = ProblemLog((file,))
    rows = _rows(file, text, log, OUTCOME_COLUMNS)
    records = _validate(OutcomeRecord, rows, file, {"max_hours": max_hours}, log)
    first: dict[int, int] = {}
    for line, rec in records:
        if rec.dispatch in first:
            log.add(
                Problem(
                    file,
                    "dispatch listed twice",
                    row=line,
                    column="dispatch",
                    value=str(rec.dispatch),
                    hint=f"first used on row {first[rec.dispatch]}; ids must be unique",
                    code="problem.dispatch_twice",
                )
            )
        first.setdefault(rec.dispatch, line)
    _unknown(file, "dispatch", ((line, r.dispatch) for line, r in records), dispatches, log)
    _raise(file, log)
    return records


def load_trainings(
    text: str | bytes,
    *,
    taxonomy: Taxonomy | None = None,
    max_hours: float = DEFAULT_MAX_HOURS,
    cadres: Collection[str] | None = None,
    file: str = "trainings.csv",
) -> list[tuple[int, Training]]:
    """Validate ``trainings.csv`` given as text (or bytes) into :class:`Training` rows.

    Tags and certs are checked against ``taxonomy`` when given; ``cadres``, when
    given, are the ids the rows may name; ``file`` is the name problems give.

    Raises:
        CaseError: every problem; then nothing is returned.
    """
    log = ProblemLog((file,))
    context = {"max_hours": max_hours, "taxonomy": taxonomy}
    rows = _rows(file, text, log, TRAINING_COLUMNS)
    records = _validate(TrainingRecord, rows, file, context, log)
    _unknown(file, "cadre", ((line, r.cadre) for line, r in records), cadres, log)
    _raise(file, log)
    return [
        (line, Training(r.cadre, r.course, r.date, r.hours, r.tags, r.cert)) for line, r in records
    ]


def _num(x: float | None) -> str:
    if x is None or not math.isfinite(x):
        return ""
    return repr(float(x)).removesuffix(".0") if float(x).is_integer() else repr(float(x))


def write_outcomes(
    fh: TextIO, outcomes: Iterable[Outcome], notes: Mapping[int, str] | None = None
) -> None:
    """``outcomes.csv``: a header and a row per outcome (``notes`` by dispatch id)."""
    notes = notes or {}
    rows = (
        [
            str(o.dispatch),
            o.ending.value,
            _num(o.hours),
            "" if o.rating is None else str(o.rating),
            "yes" if o.exempt else "no",
            escape_cell(o.exempt_reason or ""),
            "" if o.cancel_reason is None else o.cancel_reason.value,
            escape_cell(notes.get(o.dispatch, "")),
            o.ended.isoformat(),
        ]
        for o in outcomes
    )
    write_rows(fh, [list(OUTCOME_COLUMNS)])
    write_rows(fh, rows)


def write_trainings(fh: TextIO, trainings: Iterable[Training]) -> None:
    """``trainings.csv``: a header and a row per training session."""
    rows = (
        [
            escape_cell(t.cadre),
            escape_cell(t.course),
            escape_cell(";".join(t.tags)),
            _num(t.hours),
            t.day.isoformat(),
            escape_cell(t.cert or ""),
        ]
        for t in trainings
    )
    write_rows(fh, [list(TRAINING_COLUMNS)])
    write_rows(fh, rows)


def save_history(
    folder: str | Path, outcomes: Iterable[Outcome], trainings: Iterable[Training]
) -> Path:
    """Write ``outcomes.csv`` and ``trainings.csv`` into ``folder`` (created if missing).

    Each file is written beside its final name and moved into place, so a
    failure never leaves a half-written file under that name.
    """
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    write_atomic(out / "outcomes.csv", lambda fh: write_outcomes(fh, outcomes))
    write_atomic(out / "trainings.csv", lambda fh: write_trainings(fh, trainings))
    return out
