"""File edges: case folders and case workbooks (.xlsx) in and out, single case CSVs given
as text, workbooks written for people, and the growth record's files (outcomes and
trainings) in and out."""

import typing as _typing

from matcher.lazy import attributes as _attributes

if _typing.TYPE_CHECKING:
    from matcher.io.case import (
        COLUMNS,
        case_catalogue,
        case_tables,
        load_case,
        workbook_of,
        write_case,
        write_workbook,
    )
    from matcher.io.cells import escape_cell, unescape_cell
    from matcher.io.history import (
        HISTORY_COLUMNS,
        OUTCOME_COLUMNS,
        TRAINING_COLUMNS,
        load_outcomes,
        load_trainings,
        save_history,
        write_outcomes,
        write_trainings,
    )
    from matcher.io.history_records import DEFAULT_MAX_HOURS, OutcomeRecord, TrainingRecord
    from matcher.io.policy_rows import policy_toml
    from matcher.io.problems import MAX_PROBLEMS, ProblemLog
    from matcher.io.sheets import XLSX_TYPE, Sheet, workbook_bytes
    from matcher.io.tables import load_table
    from matcher.io.workbook import CaseBook, cell_text, is_workbook, sheet_csv, sheet_label

#: where each public name lives: the names load on first use (PEP 562), so a command
#: that loads a case never loads the growth record's files (``history``) it does not read.
#: Type checkers read the imports above; ``tests/test_public_api.py`` checks both agree.
_HOME: dict[str, tuple[str, ...]] = {
    "matcher.io.case": (
        "COLUMNS",
        "case_catalogue",
        "case_tables",
        "load_case",
        "workbook_of",
        "write_case",
        "write_workbook",
    ),
    "matcher.io.cells": ("escape_cell", "unescape_cell"),
    "matcher.io.history": (
        "HISTORY_COLUMNS",
        "OUTCOME_COLUMNS",
        "TRAINING_COLUMNS",
        "load_outcomes",
        "load_trainings",
        "save_history",
        "write_outcomes",
        "write_trainings",
    ),
    "matcher.io.history_records": ("DEFAULT_MAX_HOURS", "OutcomeRecord", "TrainingRecord"),
    "matcher.io.policy_rows": ("policy_toml",),
    "matcher.io.problems": ("MAX_PROBLEMS", "ProblemLog"),
    "matcher.io.sheets": ("XLSX_TYPE", "Sheet", "workbook_bytes"),
    "matcher.io.tables": ("load_table",),
    "matcher.io.workbook": ("CaseBook", "cell_text", "is_workbook", "sheet_csv", "sheet_label"),
}

__all__ = [
    "COLUMNS",
    "DEFAULT_MAX_HOURS",
    "HISTORY_COLUMNS",
    "MAX_PROBLEMS",
    "OUTCOME_COLUMNS",
    "TRAINING_COLUMNS",
    "XLSX_TYPE",
    "CaseBook",
    "OutcomeRecord",
    "ProblemLog",
    "Sheet",
    "TrainingRecord",
    "case_catalogue",
    "case_tables",
    "cell_text",
    "escape_cell",
    "is_workbook",
    "load_case",
    "load_outcomes",
    "load_table",
    "load_trainings",
    "policy_toml",
    "save_history",
    "sheet_csv",
    "sheet_label",
    "unescape_cell",
    "workbook_bytes",
    "workbook_of",
    "write_case",
    "write_outcomes",
    "write_trainings",
    "write_workbook",
]


if not _typing.TYPE_CHECKING:  # hidden from mypy, which then still flags an unknown name
    __getattr__ = _attributes(__name__, _HOME)


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
