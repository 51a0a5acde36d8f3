"""The command line: outputs, and bad input exits 2 with a located message, writing nothing."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import subprocess
import sys
from dataclasses import replace
from zoneinfo import ZoneInfo

import pytest
from typer.testing import CliRunner

from matcher.cli import app
from tests.casefiles import BAD, CADRES, DEMANDS, write_case

runner = CliRunner()


def run(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args))


def test_json_has_the_contract_shape(tmp_path) -> None:  # type: ignore[no-untyped-def]
    res = run("propose", str(write_case(tmp_path)), "--format", "json")
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert set(doc) >= {"objective", "assignments", "unfilled", "kpis"}
    assert doc["objective"] == pytest.approx(sum(a["score"] for a in doc["assignments"]))
    a = doc["assignments"][0]
    assert set(a) >= {"demand", "cadre", "score", "breakdown", "alternatives"}
    assert sum(a["breakdown"].values()) == pytest.approx(a["score"])
    assert {"demand", "slots", "reasons"} <= set(doc["unfilled"][0])


def test_json_is_the_proposals_fields_as_json_dumps_writes_them(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The CLI writes pydantic's JSON directly: the same text, character for character,
    as the indented ``json.dumps`` of the proposal's fields (Chinese kept as is)."""
    import matcher

    case = write_case(tmp_path)
    res = run("propose", str(case), "--format", "json")
    assert res.exit_code == 0, res.output
    fields = matcher.propose(matcher.load_case(case)).model_dump(mode="json")
    assert res.stdout == json.dumps(fields, ensure_ascii=False, indent=2) + "\n"
    assert "颐和路社区" in res.stdout


def test_table_shows_chinese_names_and_kpis(tmp_path) -> None:  # type: ignore[no-untyped-def]
    res = run("propose", str(write_case(tmp_path)))
    assert res.exit_code == 0
    assert "张三" in res.stdout and "颐和路社区" in res.stdout and "filled" in res.stdout


def test_csv_and_out_file(tmp_path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "out" / "plan.csv"
    res = run("propose", str(write_case(tmp_path / "case")), "--format", "csv", "--out", str(out))
    assert res.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert rows and {"demand", "cadre", "score", "fill", "skill"} <= set(rows[0])


def test_out_and_calendar_make_missing_folders(tmp_path) -> None:  # type: ignore[no-untyped-def]
    case = str(write_case(tmp_path / "case"))
    out, cal = tmp_path / "a" / "b" / "plan.json", tmp_path / "c" / "d" / "cal.json"
    res = run("propose", case, "-f", "json", "-o", str(out), "--calendar", str(cal))
    assert res.exit_code == 0, res.output
    assert json.loads(out.read_text(encoding="utf-8"))["assignments"]
    assert json.loads(cal.read_text(encoding="utf-8"))


def test_out_and_calendar_refuse_one_file_for_both(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The calendar would silently replace the plan written there just before."""
    case = str(write_case(tmp_path / "case"))
    same = tmp_path / "x.json"
    res = run("propose", case, "-f", "json", "-o", str(same), "--calendar", str(same))
    assert res.exit_code == 2 and "name the same file" in res.output, res.output
    assert not same.exists()


@pytest.mark.parametrize("flag", ["-o", "--calendar"])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_out_and_calendar_refuse_a_link_or_a_file_as_folder_before_solving(
    tmp_path, monkeypatch, flag: str, lang: str
) -> None:  # type: ignore[no-untyped-def]
    """Both output paths are checked alike, before the case is solved (the solver is
    not reached), with the same coded messages naming the flag; nothing is written."""
    import matcher.cli.propose as cli_propose

    def no_solve(*_: object, **__: object) -> None:
        raise AssertionError("solved before the output path was checked")

    monkeypatch.setattr(cli_propose, "propose", no_solve)
    case = str(write_case(tmp_path / "case"))
    name = "--out" if flag == "-o" else flag
    other = (
        ["--calendar", str(tmp_path / "cal.csv")]
        if flag == "-o"
        else ["-o", str(tmp_path / "p.csv")]
    )
    (tmp_path / "file").write_text("x")
    (tmp_path / "dir.csv").mkdir()
    (tmp_path / "link.csv").symlink_to(tmp_path / "target.csv")
    (tmp_path / "nowhere").symlink_to(tmp_path / "gone")
    said = {
        "en": (f"{name} must be a file path, not a folder, a link or a device",
               f"is not a folder; give {name} a path in a folder"),
        "zh": (f"{name} 须为文件路径，而非文件夹、链接或设备",
               f"不是文件夹；请为 {name} 指定文件夹中的路径"),
    }[lang]  # fmt: skip
    for path, text in [
        (tmp_path / "link.csv", said[0]),
        (tmp_path / "dir.csv", said[0]),
        (tmp_path / "file" / "x" / "p.csv", said[1]),
        (tmp_path / "nowhere" / "p.csv", said[1]),
    ]:
        res = run("propose", case, "-f", "csv", flag, str(path), *other, "--lang", lang)
        assert res.exit_code == 2 and text in res.output, (path, res.output)
        assert "Traceback" not in res.output
    left = sorted(p.name for p in tmp_path.iterdir())
    assert left == [
        "case",
        "dir.csv",
        "file",
        "link.csv",
        "nowhere",
    ]  # nothing written, no folder made
    assert not (tmp_path / "target.csv").exists() and not (tmp_path / "gone").exists()


@pytest.mark.parametrize("kind", sorted(BAD))
def test_bad_input_exits_2_naming_file_row_column_and_writes_nothing(tmp_path, kind) -> None:  # type: ignore[no-untyped-def]
    which, text, file, row, column = BAD[kind]
    case = write_case(tmp_path / "case", **{which: text})
    out = tmp_path / "plan.json"
    res = run("propose", str(case), "--format", "json", "--out", str(out))
    assert res.exit_code == 2
    assert "Traceback" not in res.output
    assert file in res.stderr
    if row is not None:
        assert f"row {row}" in res.stderr
    if column is not None:
        assert f"column '{column}'" in res.stderr
    assert not out.exists() and list(tmp_path.iterdir()) == [tmp_path / "case"]


def test_validate_reports_everything_at_once(tmp_path) -> None:  # type: ignore[no-untyped-def]
    bad = write_case(
        tmp_path, cadres=CADRES.replace("yellow", "blue"), demands=DEMANDS.replace(",2,5", ",2,9")
    )
    res = run("validate", str(bad))
    assert res.exit_code == 2
    assert "cadres.csv, row 3, column 'status'" in res.stderr
    assert "demands.csv, row 2, column 'priority'" in res.stderr
    ok = run("validate", str(write_case(tmp_path / "good")))
    assert ok.exit_code == 0 and "4 cadres" in ok.stderr


def test_missing_folder_and_bad_policy_exit_2(tmp_path) -> None:  # type: ignore[no-untyped-def]
    assert run("propose", str(tmp_path / "nope")).exit_code == 2
    pol = tmp_path / "policy.toml"
    pol.write_text("[weights]\nskil = 3\n", encoding="utf-8")
    res = run("propose", str(write_case(tmp_path / "c")), "--policy", str(pol))
    assert res.exit_code == 2 and "weights.skil" in res.stderr


def test_console_script_entry_point(tmp_path) -> None:  # type: ignore[no-untyped-def]
    res = subprocess.run(
        [sys.executable, "-m", "matcher", "propose", str(write_case(tmp_path)), "-f", "json"],
        capture_output=True,
        text=True,
        check=False,
        encoding="utf-8",
    )
    assert res.returncode == 0, res.stderr
    assert json.loads(res.stdout)["assignments"]


def test_markup_like_text_is_shown_verbatim(tmp_path) -> None:  # type: ignore[no-untyped-def]
    case = write_case(tmp_path / "c", cadres=CADRES.replace("张三", "张[/]三[bold]"))
    res = run("propose", str(case))
    assert res.exit_code == 0 and "张[/]三" in res.stdout
    bad = write_case(tmp_path / "b", cadres=CADRES.replace(",2,green", ",[/],green"))
    res = run("propose", str(bad))
    assert res.exit_code == 2 and "[/]" in res.stderr


@pytest.mark.parametrize("target", ["dir", "symlink", "nested-under-file"])
def test_unwritable_out_exits_2(tmp_path, target) -> None:  # type: ignore[no-untyped-def]
    case = write_case(tmp_path / "c")
    (tmp_path / "real.json").write_text("keep", encoding="utf-8")
    (tmp_path / "link.json").symlink_to(tmp_path / "real.json")
    out = {
        "dir": tmp_path,
        "symlink": tmp_path / "link.json",
        "nested-under-file": tmp_path / "real.json" / "x.json",
    }[target]
    res = run("propose", str(case), "-f", "json", "-o", str(out))
    assert res.exit_code == 2 and "Traceback" not in res.output
    assert (tmp_path / "real.json").read_text(encoding="utf-8") == "keep"
    assert (tmp_path / "link.json").is_symlink()


@pytest.mark.parametrize(
    "policy",
    [
        "[weights]\ntravel_per_km = inf\n",
        "[weights]\ntravel_per_km = 1e300\n",
        "related_credit = true\n",
        '[weights]\nfill = "10"\n',
        "alternatives_within = 0.0\n",
    ],
)
def test_bad_policy_values_exit_2(tmp_path, policy) -> None:  # type: ignore[no-untyped-def]
    case = write_case(tmp_path / "c")
    (case / "policy.toml").write_text(policy, encoding="utf-8")
    res = run("propose", str(case))
    assert res.exit_code == 2 and "policy.toml" in res.stderr


def test_huge_capacity_is_a_located_error(tmp_path) -> None:  # type: ignore[no-untyped-def]
    case = write_case(tmp_path, cadres=CADRES.replace(",2,green", ",99999999999999999999,green"))
    res = run("propose", str(case))
    assert res.exit_code == 2 and "column 'capacity'" in res.stderr


def test_explain_unfilled_goes_into_json(tmp_path) -> None:  # type: ignore[no-untyped-def]
    case = str(write_case(tmp_path))
    plain = json.loads(run("propose", case, "-f", "json").stdout)
    doc = json.loads(run("propose", case, "-f", "json", "--explain-unfilled").stdout)
    assert "counterfactuals" not in plain
    assert {c["demand"] for c in doc["counterfactuals"]} == {u["demand"] for u in doc["unfilled"]}


def test_a_planning_horizon_and_the_calendar(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from matcher import Case, Demand, load_case
    from matcher import write_case as write_folder

    src = write_case(tmp_path / "c")
    base: Case = load_case(src)
    d0 = base.demands[0]
    week = [
        Demand(id=f"W{k}", community=d0.community, title="值守", needs=dict(d0.needs),
               start=dt.datetime(2026, 12, 7 + k, 18, tzinfo=ZoneInfo("Asia/Shanghai")),
               hours=3.0)
        for k in range(3)
    ]  # fmt: skip
    folder = tmp_path / "week"
    write_folder(replace(base, demands=(*base.demands, *week)), folder)
    cal = tmp_path / "cal.json"
    res = run("propose", str(folder), "--from", "2026-12-08", "--to", "2026-12-08",
              "--calendar", str(cal), "--format", "json")  # fmt: skip
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    on = {a["demand"] for a in doc["assignments"]}
    assert "W1" in on and not on & {"W0", "W2"}  # only the 8th's order is planned
    rows = json.loads(cal.read_text(encoding="utf-8"))
    assert len(rows) == len(doc["assignments"])
    w1 = next(r for r in rows if r["demand"] == "W1")
    assert (w1["start"], w1["end"], w1["hours"]) == ("2026-12-08T18:00", "2026-12-08T21:00", 3.0)
    bad = run("propose", str(folder), "--from", "2026-12-32")
    assert bad.exit_code == 2 and "--from '2026-12-32'" in bad.output
    bad = run("propose", str(folder), "--from", "2026-12-09", "--to", "2026-12-08")
    assert bad.exit_code == 2 and "starts on 2026-12-09, after it ends on 2026-12-08" in bad.output
    zh = run("propose", str(folder), "--from", "2026-12-09", "--to", "2026-12-08", "--lang", "zh")
    assert zh.exit_code == 2 and "计划期开始日 2026-12-09 晚于结束日 2026-12-08" in zh.output
    # half a year: refused before the case is read, nothing written (62 days at most)
    half = ("--from", "2026-12-01", "--to", "2027-05-31")
    bad = run("propose", str(folder), *half, "--calendar", str(tmp_path / "half.csv"),
              "-o", str(tmp_path / "half.json"))  # fmt: skip
    assert bad.exit_code == 2, bad.output
    assert "spans 182 days; plan at most 62 days at once (one month at a time)" in bad.output
    assert not (tmp_path / "half.csv").exists() and not (tmp_path / "half.json").exists()
    ok = run("propose", str(folder), "--from", "2026-12-01", "--to", "2027-01-31")
    assert ok.exit_code == 0, ok.output
    # a calendar in a folder that does not exist: the folders are made, as for -o
    missing = tmp_path / "no" / "such" / "dir" / "cal.csv"
    ok = run("propose", str(folder), "--calendar", str(missing), "-o", str(tmp_path / "p.json"))
    assert ok.exit_code == 0, ok.output
    assert missing.read_text(encoding="utf-8").startswith("cadre,name,demand")
    (tmp_path / "p.json").unlink()
    (tmp_path / "dir.csv").mkdir()
    bad = run("propose", str(folder), "--calendar", str(tmp_path / "dir.csv"), "--lang", "zh")
    assert bad.exit_code == 2 and "须为文件路径" in bad.output, bad.output
    # a link, or a "folder" that is a file: refused before the solve, naming --calendar
    (tmp_path / "link.csv").symlink_to(tmp_path / "elsewhere.csv")
    out = ("-o", str(tmp_path / "p.json"))
    bad = run("propose", str(folder), "--calendar", str(tmp_path / "link.csv"), *out)
    assert (
        bad.exit_code == 2 and "--calendar must be a file path, not a folder, a link" in bad.output
    )
    assert not (tmp_path / "p.json").exists() and not (tmp_path / "elsewhere.csv").exists()
    (tmp_path / "plain").write_text("x")
    bad = run("propose", str(folder), "--calendar", str(tmp_path / "plain" / "cal.csv"), *out)
    assert bad.exit_code == 2 and "plain is not a folder; give --calendar" in bad.output, bad.output
    assert not (tmp_path / "p.json").exists()
    bad = run("propose", str(folder), "--calendar", str(tmp_path / "cal.txt"))
    assert (
        bad.exit_code == 2 and ".csv or .json" in bad.output and not (tmp_path / "cal.txt").exists()
    )


def test_an_empty_plan_has_no_mean_skill_fit(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """No pair assigned, no mean: the JSON's mean_skill_fit is null (was 0, a fit as bad as
    any), the summary line says "—"; a plan with pairs keeps its number."""
    wide = {"COLUMNS": "300", "LC_ALL": "", "LC_MESSAGES": "", "LANG": "C.UTF-8"}
    red = [line for line in CADRES.splitlines() if ",red," in line]  # on no one's list
    case = write_case(tmp_path / "case", cadres="\n".join([CADRES.splitlines()[0], *red]) + "\n")
    res = run("propose", str(case), "--format", "json")
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert doc["assignments"] == [] and doc["kpis"]["slots_total"] > 0
    assert doc["kpis"]["mean_skill_fit"] is None
    # nor any travel (was 0.0 km, as if every pair were next door)
    assert (doc["kpis"]["mean_travel_km"], doc["kpis"]["max_travel_km"]) == (None, None)
    en = runner.invoke(app, ["propose", str(case), "--lang", "en"], env=wide)
    assert en.exit_code == 0, en.output
    assert "mean skill fit —; travel mean —, max —;" in en.stdout
    zh = runner.invoke(app, ["propose", str(case), "--lang", "zh"], env=wide)
    assert "平均技能匹配度 —；平均路程 —，最远 —；" in zh.stdout
    # the solver said in Chinese too (was "（empty，已验证最优）")
    assert "（无需求解，已验证最优）" in zh.stdout and "(empty, optimality certified)" in en.stdout
    full = runner.invoke(
        app, ["propose", str(write_case(tmp_path / "full")), "--lang", "en"], env=wide
    )
    line = r"mean skill fit \d\.\d\d; travel mean \d+\.\d km, max \d+\.\d km;"
    assert re.search(line, full.stdout)


def test_the_summary_line_names_the_solver_in_its_language(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The solver's name is a catalogue word (cli.solver.*): Chinese says what it is (was
    the JSON's English id inside a Chinese line), English keeps the id the JSON carries;
    a MILP's dual bound stands beside its name in both."""
    from rich.console import Console

    from matcher import load_case, propose
    from matcher.cli.render import to_table

    case = load_case(write_case(tmp_path))
    p = propose(case)

    def line(proposal, lang):  # type: ignore[no-untyped-def]
        con = Console(width=400, record=True, file=io.StringIO())
        to_table(proposal, case, con, lang=lang)
        return con.export_text().splitlines()[-1]

    assert p.solver == "lsa"
    assert line(p, "zh").endswith("（线性指派，已验证最优）")
    assert line(p, "en").endswith("(lsa, optimality certified)")
    bound = p.objective + 0.5
    milp = p.model_copy(update={"solver": "milp", "bound": bound, "certified": False})
    assert line(milp, "zh").endswith(f"（整数规划 ≤ {bound:.4f}，未验证最优）")
    assert line(milp, "en").endswith(f"(milp ≤ {bound:.4f}, NOT certified)")
    for solver, zh in (
        ("lp", "线性规划"),
        ("lp-streamed", "线性规划（流式）"),
        ("empty", "无需求解"),
    ):
        named = p.model_copy(update={"solver": solver})
        assert line(named, "zh").endswith(f"（{zh}，已验证最优）"), solver
        assert line(named, "en").endswith(f"({solver}, optimality certified)"), solver
