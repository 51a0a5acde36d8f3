"""A file written whole: all of it or none, with the permissions a new file gets."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from matcher.atomic import write_atomic


def test_text_bytes_and_a_writer_land_whole_with_the_umasks_permissions(tmp_path: Path) -> None:
    mask = os.umask(0o027)
    try:
        for name, data, want in (
            ("a.txt", "干部\n", "干部\n".encode()),
            ("b.bin", b"\x00\x01", b"\x00\x01"),
            ("c.csv", lambda fh: fh.write("id\r\nP1\r\n"), b"id\r\nP1\r\n"),
        ):
            write_atomic(tmp_path / name, data)  # type: ignore[arg-type]
            assert (tmp_path / name).read_bytes() == want
            assert (tmp_path / name).stat().st_mode & 0o777 == 0o640, name  # not mkstemp's 0600
    finally:
        os.umask(mask)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt", "b.bin", "c.csv"]


def test_a_failing_writer_leaves_the_old_file_and_no_temporary_one(tmp_path: Path) -> None:
    target = tmp_path / "plan.json"
    target.write_text("old", encoding="utf-8")

    def broken(fh: object) -> None:
        raise KeyboardInterrupt  # even an interrupt cleans up

    with pytest.raises(KeyboardInterrupt):
        write_atomic(target, broken)
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["plan.json"]
