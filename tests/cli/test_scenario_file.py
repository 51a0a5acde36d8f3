"""A scenario file the reader cannot parse says where and what in either language: the
file, the line, the column and the parser's detail (zh printed only 情景设置有问题);
one saved by Chinese Notepad (GBK) is read as GB18030, as a case's CSVs are; one
that is neither says so and to save it as UTF-8. The same for every TOML file."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from matcher import PolicyError, load_policy
from matcher.cli import app
from tests.paths import TINY_CASE as TINY

runner = CliRunner()
GOOD = 'name = "少了甲"\n[[edits]]\nkind = "remove_cadres"\nids = ["A"]\n'
BROKEN = 'name = "坏"\n[[edits]\nkind = "scale_demand"\n'
DETAIL = "Expected ']]' at the end of an array declaration"


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("zh", "bad.toml，第 2 行：TOML 格式有误（第 8 列）：表数组的表头缺少结尾的双右方括号"),
        ("en", f"bad.toml:2: not valid TOML at column 8: {DETAIL}"),
    ],
)
def test_a_syntax_error_names_line_column_and_detail(tmp_path: Path, lang: str, said: str) -> None:
    p = tmp_path / "bad.toml"
    p.write_text(BROKEN, encoding="utf-8")
    res = runner.invoke(app, ["whatif", str(TINY), str(p), "--lang", lang])
    assert res.exit_code == 2, res.output
    assert said in res.output, res.output


def test_a_gbk_scenario_is_read_as_gb18030(tmp_path: Path) -> None:
    p = tmp_path / "gbk.toml"
    p.write_bytes(GOOD.encode("gbk"))
    res = runner.invoke(app, ["whatif", str(TINY), str(p), "--lang", "zh"])
    assert res.exit_code == 0, res.output
    assert "少了甲" in res.output


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("zh", "第 2 行：文件既不是 UTF-8 编码，也不是 GB18030（GBK）编码；请另存为 UTF-8 编码"),
        ("en", ":2: file is neither UTF-8 nor GB18030 (GBK); save it as UTF-8"),
    ],
)
def test_neither_utf8_nor_gb18030_says_save_as_utf8(tmp_path: Path, lang: str, said: str) -> None:
    p = tmp_path / "odd.toml"
    p.write_bytes(b'name = "x"\n\xff\xfe = 1\n')
    res = runner.invoke(app, ["whatif", str(TINY), str(p), "--lang", lang])
    assert res.exit_code == 2, res.output
    assert said in res.output, res.output


def test_every_toml_file_reads_alike(tmp_path: Path) -> None:
    """A policy in GBK loads; a broken one carries the coded problem with its line."""
    p = tmp_path / "policy.toml"
    p.write_bytes("# 策略\n[weights]\nskill = 2.0\n".encode("gbk"))
    assert load_policy(p).weights.skill == 2.0
    p.write_text("[weights\nskill = 2.0\n", encoding="utf-8")
    with pytest.raises(PolicyError) as err:
        load_policy(p)
    (problem,) = err.value.problems
    assert (problem.code, problem.row) == ("problem.toml_syntax", 1)
    assert problem.params is not None and set(problem.params) == {
        "line",
        "column",
        "detail",
        "toml_reason",
    }


def test_every_parser_reason_is_in_the_catalogue() -> None:
    from matcher.messages import CATALOGUE
    from matcher.tomlfile import _REASONS

    assert {f"toml.{key}" for _, key in _REASONS} | {"toml.other"} == {
        c for c in CATALOGUE if c.startswith("toml.")
    }
