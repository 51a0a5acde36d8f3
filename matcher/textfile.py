"""Text files as people save them: UTF-8 (with or without BOM), else GB18030.

Why one place: Notepad and Excel on a Chinese Windows save GBK (which GB18030
contains), so every file a district edits by hand — a case's CSVs, a scenario, a
policy, a catalogue — is read the same way, and one that is neither is refused
the same way, naming the line of its first unreadable byte.
"""

from __future__ import annotations

__all__ = ["FALLBACK_ENCODING", "NEITHER", "Undecodable", "decode_saved"]

#: what a Chinese Windows saves in: GB18030 reads GBK too
FALLBACK_ENCODING = "gb18030"
#: the problem's words for a file that is neither (``problem.not_utf8_or_gb18030``)
NEITHER = "file is neither UTF-8 nor GB18030 (GBK)"


class Undecodable(ValueError):
    """Neither UTF-8 nor GB18030: ``line`` holds the first byte UTF-8 cannot read."""

    def __init__(self, line: int) -> None:
        super().__init__(f"{NEITHER} (line {line})")
        self.line = line


def decode_saved(raw: bytes) -> str:
    """``raw`` as UTF-8 (a BOM dropped), else as GB18030 when it reads cleanly as that;
    :class:`Undecodable` when neither."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        try:
            return raw.decode(FALLBACK_ENCODING)
        except UnicodeDecodeError:
            raise Undecodable(raw[: exc.start].count(b"\n") + 1) from None
