"""policy.toml problems: the line, the key, and the nearest key when it is misspelt."""

from __future__ import annotations

from pathlib import Path

import pytest

from matcher import PolicyError, load_policy


def test_a_misspelt_key_names_its_line_and_the_nearest_key(tmp_path: Path) -> None:
    f = tmp_path / "policy.toml"
    f.write_text("[weights]\nfill = 10\nyelow = 3\n\n[lending]\nmax_lend = 2\n", encoding="utf-8")
    with pytest.raises(PolicyError) as e:
        load_policy(f)
    got = [(p.row, p.column, p.hint) for p in e.value.problems]
    assert got == [
        (3, "weights.yelow", "did you mean yellow?"),
        (6, "lending.max_lend", "did you mean max_lent?"),
    ]


def test_a_key_nothing_resembles_says_to_remove_it(tmp_path: Path) -> None:
    f = tmp_path / "policy.toml"
    f.write_text("colour = 'red'\n", encoding="utf-8")
    with pytest.raises(PolicyError) as e:
        load_policy(f)
    (p,) = e.value.problems
    assert (p.row, p.column, p.hint) == (1, "colour", "remove it or check its spelling")


def test_a_value_out_of_range_is_said_in_chinese_on_its_line_and_key(tmp_path: Path) -> None:
    from matcher.cli.common import error_text

    f = tmp_path / "policy.toml"
    f.write_text("[lending]\nperiod_days = 7\nmax_lent = -1\n", encoding="utf-8")
    with pytest.raises(PolicyError) as e:
        load_policy(f)
    (p,) = e.value.problems
    assert (p.code, p.params) == ("field.greater_than_equal", {"ge": 0})
    assert "line 3, key 'lending.max_lent'" in str(p)
    zh = error_text(e.value, "zh")
    assert "第 3 行，键“lending.max_lent”：须 ≥ 0" in zh
    assert "值无效" not in zh
