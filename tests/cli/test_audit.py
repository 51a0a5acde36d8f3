"""``matcher audit verify`` and ``export``: exit 1 naming the tampered entry (zh/en), and
the ten-line verifier of docs/audit.md run on an export."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from matcher.cli import app
from tests.audit_trail import ACTIONS, tamper, trail

runner = CliRunner()
ENV = {"COLUMNS": "200", "LC_ALL": "", "LC_MESSAGES": "", "LANG": "C.UTF-8"}
DOC = Path(__file__).parents[2] / "docs" / "audit.md"


def _run(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args), env=ENV)


def _snippet() -> str:
    (code,) = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    assert len(code.strip().splitlines()) <= 10
    return code


def _third_party(export: Path, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    script = tmp_path / "verify.py"
    script.write_text(_snippet(), encoding="utf-8")
    return subprocess.run(
        [sys.executable, str(script), str(export)], capture_output=True, text=True, check=False
    )


def test_verify_passes_then_names_the_changed_entry(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    trail(db)
    ok = _run("audit", "verify", "--db", str(db))
    assert ok.exit_code == 0, ok.output
    assert f"{len(ACTIONS) + 1} entries in 2 chains" in ok.stderr
    tamper(db, "changed", 3)
    en = _run("audit", "verify", "--db", str(db))
    assert en.exit_code == 1
    assert "entry 3 of d1: it was changed" in en.stderr and "Traceback" not in en.output
    zh = _run("audit", "verify", "--db", str(db), "--lang", "zh")
    assert zh.exit_code == 1 and "d1 的第 3 条记录处断开：该记录被修改" in zh.stderr


@pytest.mark.parametrize("how", ["removed", "inserted"])
def test_verify_names_removed_and_inserted_entries(tmp_path: Path, how: str) -> None:
    db = tmp_path / "a.db"
    trail(db)
    tamper(db, how, 2)
    res = _run("audit", "verify", "--db", str(db), "--district", "d1")
    assert res.exit_code == 1 and "entry 2 of d1: " in res.stderr
    assert ("removed" if how == "removed" else "inserted") in res.stderr


def test_verify_refuses_what_is_not_there(tmp_path: Path) -> None:
    missing = _run("audit", "verify", "--db", str(tmp_path / "none.db"))
    assert missing.exit_code == 2 and "cannot read" in missing.stderr
    assert not (tmp_path / "none.db").exists()
    db = tmp_path / "a.db"
    trail(db)
    res = _run("audit", "verify", "--db", str(db), "--district", "nowhere")
    assert res.exit_code == 2 and "nowhere" in res.stderr


def test_the_documented_verifier_checks_an_export(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    trail(db)
    out = tmp_path / "trail.jsonl"
    res = _run("audit", "export", "--db", str(db), str(out))
    assert res.exit_code == 0, res.output
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(ACTIONS) + 1
    assert [json.loads(x)["action"] for x in lines if json.loads(x)["district"]] == ACTIONS
    good = _third_party(out, tmp_path)
    assert good.returncode == 0 and good.stdout.startswith("verified"), good.stderr
    entries = [json.loads(x) for x in lines]
    entries[2]["payload"]["forged"] = True
    out.write_text("".join(json.dumps(e, ensure_ascii=False) + "\n" for e in entries), "utf-8")
    bad = _third_party(out, tmp_path)
    assert bad.returncode == 1 and "line 3: entry" in bad.stderr
    del entries[2]
    out.write_text("".join(json.dumps(e, ensure_ascii=False) + "\n" for e in entries), "utf-8")
    assert "line 3: entry" in _third_party(out, tmp_path).stderr
