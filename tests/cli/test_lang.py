"""``--lang zh|en``: what the CLI prints for people is in that language (default: the locale)."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from matcher import Case, load_case
from matcher.cli import app
from matcher.messages import Message, render
from tests.casefiles import CADRES, DEMANDS, write_case
from tests.paths import ROOT, SAMPLE
from tests.paths import TINY_CASE as TINY
from tests.text import allowed_words, latin_words

runner = CliRunner()
WIDE = {"COLUMNS": "400", "LC_ALL": "", "LC_MESSAGES": "", "LANG": "C.UTF-8"}


def test_propose_in_chinese_has_no_english_sentence(sample_case: Case) -> None:
    args = ["propose", str(SAMPLE), "--explain-unfilled", "--all"]
    res = runner.invoke(app, [*args, "--lang", "zh"], env=WIDE)
    assert res.exit_code == 0, res.output
    out = res.stdout
    assert "派遣建议" in out and "未满足需求" in out and "已填补" in out and "放宽距离" in out
    assert not latin_words(out, allowed_words(sample_case)), sorted(set(latin_words(out)))
    # the same command in English says it in English, and the locale picks the default
    en = runner.invoke(app, [*args, "--lang", "en"], env=WIDE).stdout
    assert "without the required cert" in en and "How each empty slot" in en
    assert runner.invoke(app, args, env=WIDE).stdout == en
    zh = runner.invoke(app, args, env=WIDE | {"LANG": "zh_CN.UTF-8"}).stdout
    assert zh == out


def test_validate_errors_in_chinese(tmp_path: Path, sample_case: Case) -> None:
    bad = write_case(
        tmp_path, cadres=CADRES.replace("yellow", "blue"), demands=DEMANDS.replace(",2,5", ",2,9")
    )
    res = runner.invoke(app, ["validate", str(bad), "--lang", "zh"], env=WIDE)
    assert res.exit_code == 2
    err = res.stderr
    assert "错误：" in err and "cadres.csv，第 3 行，“status”列：状态须为" in err
    assert "demands.csv，第 2 行，“priority”列：优先级须为" in err
    assert not latin_words(err, allowed_words(sample_case) | {"blue"} | set(bad.parts)), err
    # the heading names the case and how many problems it has, as the English one does
    assert f"错误：案例 {bad} 有 2 处问题" in err
    en = runner.invoke(app, ["validate", str(bad), "--lang", "en"], env=WIDE).stderr
    assert f"{bad}: 2 problem(s) in the case files" in en
    ok = runner.invoke(app, ["validate", str(write_case(tmp_path / "good")), "--lang", "zh"])
    assert ok.exit_code == 0 and "4 名干部" in ok.stderr


def test_whatif_and_shortage_in_chinese(tmp_path: Path, sample_case: Case) -> None:
    sc = tmp_path / "s.toml"
    sc.write_text('name = "lose A"\n[[edits]]\nkind = "remove_cadres"\nids = ["A"]\n')
    res = runner.invoke(
        app, ["whatif", str(TINY), str(sc), "--explain-unfilled", "--lang", "zh"], env=WIDE
    )
    assert res.exit_code == 0, res.output
    assert "人员变动：保留 2，调动 0，新增 0，撤下 1" in res.stdout
    assert "干部已被移除，源于第 1 项修改（移除干部）" in res.stdout
    tiny = load_case(TINY)
    allowed = allowed_words(sample_case) | {"lose"} | {c.id for c in tiny.cadres}
    assert not latin_words(res.stdout, allowed), sorted(set(latin_words(res.stdout, allowed)))
    res = runner.invoke(app, ["shortage", str(TINY), "--lang", "zh"], env=WIDE)
    assert res.exit_code == 0, res.output
    assert "培训建议" in res.stdout and "training" not in res.stdout


def test_sweep_option_errors_in_chinese(tmp_path: Path) -> None:
    spec = ROOT / "data" / "scenarios" / "flood-sweep.toml"
    res = runner.invoke(
        app,
        ["sweep", str(SAMPLE), str(spec), "-o", str(tmp_path / "r.txt"), "--lang", "zh"],
        env=WIDE,
    )
    assert res.exit_code == 2 and "须以 .csv 或 .json 结尾" in res.stderr


def test_json_is_data_the_same_in_every_language() -> None:
    """``-f json`` is the API's document whatever ``--lang`` says (README, JSON output):
    English ``reasons`` beside ``why`` codes, which say each reason in Chinese too."""
    args = ["propose", str(SAMPLE), "-f", "json"]
    zh = runner.invoke(app, [*args, "--lang", "zh"], env=WIDE)
    en = runner.invoke(app, [*args, "--lang", "en"], env=WIDE)
    assert zh.exit_code == 0 and zh.stdout == en.stdout
    first = json.loads(zh.stdout)["unfilled"][0]
    assert len(first["reasons"]) == len(first["why"])
    for text, why in zip(first["reasons"], first["why"], strict=True):
        said = Message(code=why["code"], params=why["params"])
        assert render(said, "en").split()[0] == text.split()[0]  # the count, first
        zh_said = render(said, "zh")
        assert zh_said.split()[0] == text.split()[0] and "干部" in zh_said, zh_said


def test_a_problem_says_its_value_once(tmp_path: Path) -> None:
    """A message that holds the value already (hours over the window: the hours; an end
    before its start, in zh: the end) is not followed by it again ("got …"); a message
    without it still ends with it; in zh and en."""
    head, *rows = DEMANDS.strip().splitlines()
    shift = "{},C1,值守,urban.elevator_retrofit:3,,,1,3,2026-12-08T18:00,{},{}"
    text = "\n".join([
        f"{head},start,end,hours",
        *(f"{r},,," for r in rows),
        shift.format("D7", "2026-12-08T20:00", "7.50"),
        shift.format("D8", "2026-12-08T17:00", ""),
    ]) + "\n"  # fmt: skip
    bad = write_case(tmp_path, cadres=CADRES.replace("yellow", "blue"), demands=text)
    for lang in ("zh", "en"):
        res = runner.invoke(app, ["validate", str(bad), "--lang", lang], env=WIDE)
        assert res.exit_code == 2, res.output
        lines = [x for x in res.stderr.splitlines() if x.lstrip().startswith("- ")]
        assert len(lines) == 3, res.stderr
        hours = next(x for x in lines if "hours" in x and "7.5" in x)
        assert hours.count("7.5") == 1 and "7.50" not in hours, hours  # said once, as 7.5
        end = next(x for x in lines if "2026-12-08T17:00" in x)
        assert end.count("2026-12-08T17:00") == 1, end
        status = next(x for x in lines if "blue" in x)
        assert status.count("blue") == 1, status  # not in the message: said after it
    zh = runner.invoke(app, ["validate", str(bad), "--lang", "zh"], env=WIDE).stderr
    assert (
        "服务时长（7.5 小时）超过从开始到结束的时段（2 小时）" in zh and "实际为 '7.50'" not in zh
    )
    en = runner.invoke(app, ["validate", str(bad), "--lang", "en"], env=WIDE).stderr
    assert "hours (7.5) exceed the window from start to end (2 h)" in en and "got '7.50'" not in en
