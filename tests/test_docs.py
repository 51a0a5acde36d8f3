"""Docs that state numbers are checked against the engine."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from matcher import score_matrix

ROOT = Path(__file__).resolve().parent.parent


def test_scoring_worked_example_matches_the_engine(sample_case) -> None:  # type: ignore[no-untyped-def]
    text = (ROOT / "docs" / "scoring.md").read_text(encoding="utf-8")
    cadre, demand, score = re.search(r"<!-- example: (\S+) (\S+) (\S+) -->", text).groups()  # type: ignore[union-attr]
    sm = score_matrix(sample_case)
    i, j = sm.cadre_ids.index(cadre), sm.demand_ids.index(demand)
    assert sm.feasible[i, j]
    assert sm.scores[i, j] == pytest.approx(float(score), abs=1e-9)
    for term in ("fill", "skill", "travel", "status"):
        assert f"| {term} |" in text
        assert f"{sm.parts[term][i, j]:g}".lstrip("-") in text.replace("−", "-")


def test_readme_quick_start_is_the_two_commands() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    quick = text.split("## Quick start", 1)[1].split("##", 1)[0]
    assert re.findall(r"^make \w+", quick, flags=re.M) == ["make demo", "make test"]


@pytest.mark.parametrize("doc", ["README.md", "docs/scale.md"])
def test_python_examples_in_the_docs_run(doc, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(ROOT)
    blocks = re.findall(r"```python\n(.*?)```", (ROOT / doc).read_text(encoding="utf-8"), re.S)
    assert blocks
    for code in blocks:
        exec(compile(code, doc, "exec"), {})  # our own documentation, run as written


def test_readme_record_example_is_what_make_demo_runs() -> None:
    """The README's growth-record output is the output of `make demo`'s own commands."""
    make = (ROOT / "Makefile").read_text(encoding="utf-8")
    names = dict(re.findall(r"^(\w+)\s*:=\s*(\S+)", make, flags=re.M))
    recipe = make.split("\ndemo:", 1)[1].split("\n\n", 1)[0]
    runs = [
        re.sub(
            r"\$\((\w+)\)", lambda m: {"BIN": ".venv/bin"}.get(m[1], names.get(m[1], m[0])), line
        )
        for line in re.findall(
            r"^\t(\$\(BIN\)/matcher (?:import|warnings|record) .*)$", recipe, re.M
        )
    ]
    assert len(runs) == 3
    section = (ROOT / "README.md").read_text(encoding="utf-8").split("## The growth record", 1)[1]
    for cmd in runs:
        assert f"$ {cmd}\n" in section, cmd
