"""File edges: case folders and case workbooks (.xlsx) in and out, single case CSVs given
as text, workbooks written for people, and the growth record's files (outcomes and
trainings) in and out."""

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
