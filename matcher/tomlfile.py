"""Reading the TOML files a case may carry (taxonomy, policy), with one error style."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from matcher.errors import InputError

__all__ = ["read_toml"]


def read_toml(path: str | Path, error: type[InputError], what: str) -> dict[str, Any]:
    """Parsed TOML, or ``error`` saying which file and what is wrong with it."""
    p = Path(path)
    try:
        return tomllib.loads(p.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise error(f"{p}: {what} file not found") from None
    except IsADirectoryError:
        raise error(f"{p}: {what} must be a file, not a folder") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise error(f"{p}: not valid TOML/UTF-8: {exc}") from None
