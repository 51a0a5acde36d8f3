"""What offices type, at the command line: an empty case and a file's encoding exit 2 or read."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from matcher.cli import app
from tests.casefiles import CADRES, COMMUNITIES, DEMANDS, write_case

runner = CliRunner()


@pytest.mark.parametrize(
    ("overrides", "named"),
    [
        ({"cadres": CADRES.splitlines()[0] + "\n"}, ["cadres.csv"]),
        ({"demands": DEMANDS.splitlines()[0] + "\n"}, ["demands.csv"]),
        (
            {
                "cadres": CADRES.splitlines()[0] + "\n",
                "demands": DEMANDS.splitlines()[0] + "\n",
            },
            ["cadres.csv", "demands.csv"],
        ),
    ],
)
@pytest.mark.parametrize("command", ["validate", "propose"])
def test_an_empty_case_is_refused(
    tmp_path: Path, overrides: dict[str, str], named: list[str], command: str
) -> None:
    root = write_case(tmp_path, **overrides)
    res = runner.invoke(app, [command, str(root), "--lang", "en"])
    assert res.exit_code == 2, res.output
    assert "the case is empty" in res.output and "0/0" not in res.output
    for name in named:
        assert name in res.output
    zh = runner.invoke(app, [command, str(root), "--lang", "zh"])
    assert zh.exit_code == 2 and "案例为空" in zh.output


def test_validate_reads_gbk_and_takes_encoding(tmp_path: Path) -> None:
    root = tmp_path / "gbk"
    root.mkdir()
    for name, text in (("communities", COMMUNITIES), ("cadres", CADRES), ("demands", DEMANDS)):
        (root / f"{name}.csv").write_bytes(text.encode("gbk"))
    ok = runner.invoke(app, ["validate", str(root), "--lang", "en"])
    assert ok.exit_code == 0, ok.output
    assert "4 cadres" in ok.output
    assert runner.invoke(app, ["validate", str(root), "--encoding", "gbk"]).exit_code == 0
    bad = runner.invoke(app, ["validate", str(root), "--encoding", "utf-8", "--lang", "zh"])
    assert bad.exit_code == 2 and "CSV UTF-8（逗号分隔）" in bad.output


def test_weekly_hours_out_of_range_are_said_in_chinese(tmp_path: Path) -> None:
    lines = CADRES.splitlines()
    rows = [lines[0] + ",hours_per_week", lines[1] + ",200"] + [x + "," for x in lines[2:]]
    root = write_case(tmp_path, cadres="\n".join(rows) + "\n")
    res = runner.invoke(app, ["validate", str(root), "--lang", "zh"])
    assert res.exit_code == 2
    assert "每周时长上限须在 0 到 168 小时之间（留空表示不限）" in res.output
    assert "值无效" not in res.output
