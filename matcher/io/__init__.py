"""File edges: case folders in and out."""

from matcher.io.case import COLUMNS, load_case, write_case

__all__ = ["COLUMNS", "load_case", "write_case"]
