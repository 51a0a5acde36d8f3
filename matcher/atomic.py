"""Files written whole: through a temporary file beside the target and a rename.

Why one function: a reader (another process, a dispatcher's download) must never see
half a file, and the file must get the permissions any new file of the user's gets
(the temporary file's own 0600 would hide it from the service's other users). The
command line's outputs, the growth record's exports and the message catalogue's cache
each wrote this themselves before.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

__all__ = ["umask", "write_atomic"]


def umask() -> int:
    """The process's umask, read without setting it where Linux says it (setting it,
    even back at once, would race another thread creating a file)."""
    try:
        with open("/proc/self/status", encoding="ascii", errors="replace") as f:
            for line in f:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_atomic(path: Path, data: str | bytes | Callable[[TextIO], object]) -> None:
    """``data`` into ``path`` whole: text as UTF-8, bytes as they are, or what a
    writer writes to the text file it is given. Raises ``OSError`` (the temporary
    file removed, ``path`` as it was); the folder must exist."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        if isinstance(data, bytes):
            with os.fdopen(fd, "wb") as bfh:
                bfh.write(data)
        else:
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
                if isinstance(data, str):
                    fh.write(data)
                else:
                    data(fh)
        os.chmod(tmp, 0o666 & ~umask())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
