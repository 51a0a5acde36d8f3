"""Reading the TOML files a case may carry (taxonomy, policy, catalogue, a scenario or
sweep), with one error style.

Why coded problems: a syntax error or a file in the wrong encoding is the commonest
slip in a hand-edited file, and the reader must learn where it is in their own
language — the file, its line and column, and the parser's own words as a value (they
are English, and quoting them beats a bare "the scenario has problems"). A file that is
not UTF-8 is read as GB18030, as a case's CSVs are (Notepad on a Chinese Windows saves
GBK, which GB18030 contains); one that is neither says so and how to save it.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from matcher.errors import InputError, Problem
from matcher.textfile import NEITHER, Undecodable, decode_saved

__all__ = ["read_toml", "read_toml_text"]

_SAVE_UTF8 = "save it as UTF-8 (with or without BOM)"
#: tomllib's message (Python 3.11–3.13 give no attributes): "<detail> (at line L, column C)"
_WHERE = re.compile(
    r"^(?P<detail>.*?) \(at (?:line (?P<line>\d+), column (?P<column>\d+)|end of document)\)$"
)


#: the parser's detail (its first words) → its ``toml.*`` code, so Chinese says it too;
#: the most specific first, anything else ``other`` (English keeps the detail itself)
_REASONS: tuple[tuple[str, str], ...] = (
    ("Cannot declare", "declared_twice"),
    ("Cannot mutate immutable namespace", "immutable"),
    ("Cannot overwrite a value", "overwrite"),
    ("Cannot redefine namespace", "redefine"),
    ("Duplicate inline table key", "duplicate_key"),
    ("Escaped character is not a Unicode scalar value", "escape_scalar"),
    ("Expected '=' after a key", "expected_equals"),
    ("Expected ']' at the end of a table declaration", "expected_table_end"),
    ("Expected ']]' at the end of an array declaration", "expected_array_end"),
    ("Expected", "expected"),
    ("Found invalid character", "invalid_char"),
    ("Illegal character", "illegal_char"),
    ("Invalid date or datetime", "invalid_date"),
    ("Invalid hex value", "invalid_hex"),
    ("Invalid initial character for a key part", "invalid_key"),
    ("Invalid statement", "invalid_statement"),
    ("Invalid value", "invalid_value"),
    ("Unclosed array", "unclosed_array"),
    ("Unclosed inline table", "unclosed_table"),
    ("Unescaped '\\' in a string", "unescaped_backslash"),
    ("Unterminated string", "unterminated_string"),
)


def _reason(detail: str) -> str:
    return next((key for prefix, key in _REASONS if detail.startswith(prefix)), "other")


def _text(p: Path, error: type[InputError], what: str) -> str:
    try:
        raw = p.read_bytes()
    except FileNotFoundError:
        raise error(f"{p}: {what} file not found") from None
    except IsADirectoryError:
        raise error(f"{p}: {what} must be a file, not a folder") from None
    try:
        return decode_saved(raw)
    except Undecodable as exc:
        problem = Problem(str(p), NEITHER, row=exc.line, hint=_SAVE_UTF8)
        raise error(f"{p}: not UTF-8", [problem]) from None


def read_toml_text(
    path: str | Path, error: type[InputError], what: str
) -> tuple[dict[str, Any], str]:
    """Parsed TOML and its text (for the lines of later problems), or ``error`` with a
    coded problem: ``problem.toml_syntax`` (``params: {line, column, detail}``, the
    parser's detail in English as a value) or ``problem.not_utf8_or_gb18030``."""
    p = Path(path)
    text = _text(p, error, what)
    try:
        return tomllib.loads(text), text
    except tomllib.TOMLDecodeError as exc:
        m = _WHERE.match(str(exc))
        detail = str(exc) if m is None else m["detail"]
        if m is not None and m["line"] is not None:
            line, column = int(m["line"]), int(m["column"])
            problem = Problem(
                str(p),
                f"not valid TOML at column {column}: {detail}",
                row=line,
                code="problem.toml_syntax",
                params={
                    "line": line,
                    "column": column,
                    "detail": detail,
                    "toml_reason": _reason(detail),
                },
            )
        else:  # at the end of the document: its last line
            last = None if m is None else max(1, len(text.splitlines()))
            problem = Problem(
                str(p),
                f"not valid TOML: {detail}",
                row=last,
                code="problem.toml_invalid",
                params={"detail": detail, "toml_reason": _reason(detail)},
            )
        raise error(f"{p}: not valid TOML", [problem]) from None


def read_toml(path: str | Path, error: type[InputError], what: str) -> dict[str, Any]:
    """Parsed TOML, or ``error`` saying which file and what is wrong with it
    (:func:`read_toml_text`)."""
    return read_toml_text(path, error, what)[0]
