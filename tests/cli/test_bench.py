"""``matcher bench --suite quick`` end to end, and ``matcher bench orlib`` on a tiny folder."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

from typer.testing import CliRunner

from benchmarks.report import suite_markdown
from matcher.cli import app
from tests.benchmarks.problems import ORLIB_TINY


def test_quick_suite_runs_and_matcher_is_optimal(tmp_path: Path) -> None:
    out = tmp_path / "quick"
    res = CliRunner().invoke(app, ["bench", "--suite", "quick", "--out", str(out), "--quiet"])
    assert res.exit_code == 0, res.output
    rep = json.loads((out / "report.json").read_text())
    assert [i["name"] for i in rep["instances"]] == ["sample", "small"]
    for inst in rep["instances"]:
        methods = inst["methods"]
        assert inst["optimum_from"] == "matcher"
        assert methods["matcher"]["metrics"]["gap"] == 0.0
        for name in ("manual-rule", "greedy", "random", "stable"):
            m = methods[name]["metrics"]
            assert m["gap"] >= 0.0
            assert sum(m["violations"].values()) == 0
        if methods.get("ortools-mcf", {}).get("status") == "ok":
            assert methods["ortools-mcf"]["metrics"]["gap"] == 0.0
        for m in (methods[n]["metrics"] for n in ("matcher", "manual-rule", "random")):
            assert 0 < m["cadres_used"] <= m["cadres_able"] <= inst["n_cadres"]
            assert m["used_share"] == round(m["cadres_used"] / m["cadres_able"], 6)
    md = (out / "report.md").read_text()
    assert "Matcher's gain in total score" in md and "manual-rule" in md
    assert "cadres used (share)" in md and "hours Jain" not in md  # no hours in these cases
    # a run with --solvers leaving out the solver core still renders
    for inst in rep["instances"]:
        del inst["methods"]["matcher"]
    partial = suite_markdown(rep)
    assert "the solver core was not run" in partial
    if importlib.util.find_spec("matplotlib") is not None:
        assert (out / "quality.png").exists() and (out / "time.png").exists()


def test_orlib_command_on_a_tiny_folder(tmp_path: Path) -> None:
    (tmp_path / "assigntiny.txt").write_text(ORLIB_TINY)
    (tmp_path / "assignopt.txt").write_text("assigntiny 10\n")
    out = tmp_path / "out"
    res = CliRunner().invoke(
        app, ["bench", "--in-process", "--quiet", "orlib", str(tmp_path), "--out", str(out)]
    )
    assert res.exit_code == 0, res.output
    rep = json.loads((out / "orlib.json").read_text())
    [inst] = rep["instances"]
    assert inst["published"] == 10
    assert inst["methods"]["matcher"]["cost"] == 10
    assert inst["methods"]["matcher"]["matches_published"] is True


def test_missing_orlib_folder_is_a_clean_error(tmp_path: Path) -> None:
    res = CliRunner().invoke(app, ["bench", "orlib", str(tmp_path / "nope")])
    assert res.exit_code == 2


def test_missing_case_is_refused_before_anything_runs(tmp_path: Path) -> None:
    out = tmp_path / "out"
    res = CliRunner().invoke(app, ["bench", "--case", str(tmp_path / "nope"), "--out", str(out)])
    assert res.exit_code == 2 and "neither a size" in res.stderr
    assert not out.exists()


def test_fairness_suite_writes_its_table(tmp_path: Path) -> None:
    out = tmp_path / "fair"
    args = ["bench", "--suite", "fairness", "--days", "2", "--out", str(out), "--quiet"]
    res = CliRunner().invoke(app, args)
    assert res.exit_code == 0, res.output
    rep = json.loads((out / "report.json").read_text())
    assert rep["kind"] == "fairness" and rep["days"] == 2
    assert [i["name"] for i in rep["instances"]] == ["sample", "small", "district"]
    for inst in rep["instances"]:
        assert inst["off"]["slots_filled"] > 0 and inst["on"]["slots_filled"] > 0
    md = (out / "report.md").read_text()
    assert "Fair load over 2 days" in md and "| district |" in md


def test_fairness_suite_refuses_zero_days(tmp_path: Path) -> None:
    res = CliRunner().invoke(app, ["bench", "--suite", "fairness", "--days", "0"])
    assert res.exit_code == 2
