"""File edges: case folders in and out, and single case CSVs given as text."""

from matcher.io.case import COLUMNS, load_case, write_case
from matcher.io.cells import escape_cell, unescape_cell
from matcher.io.problems import MAX_PROBLEMS, ProblemLog
from matcher.io.tables import load_table

__all__ = [
    "COLUMNS",
    "MAX_PROBLEMS",
    "ProblemLog",
    "escape_cell",
    "load_case",
    "load_table",
    "unescape_cell",
    "write_case",
]
