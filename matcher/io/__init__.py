"""File edges: case folders in and out, single case CSVs given as text, and the growth
record's files (outcomes and trainings) in and out."""

from matcher.io.case import COLUMNS, case_catalogue, load_case, write_case
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
from matcher.io.problems import MAX_PROBLEMS, ProblemLog
from matcher.io.tables import load_table

__all__ = [
    "COLUMNS",
    "DEFAULT_MAX_HOURS",
    "HISTORY_COLUMNS",
    "MAX_PROBLEMS",
    "OUTCOME_COLUMNS",
    "TRAINING_COLUMNS",
    "OutcomeRecord",
    "ProblemLog",
    "TrainingRecord",
    "case_catalogue",
    "escape_cell",
    "load_case",
    "load_outcomes",
    "load_table",
    "load_trainings",
    "save_history",
    "unescape_cell",
    "write_case",
    "write_outcomes",
    "write_trainings",
]
