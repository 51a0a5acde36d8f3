"""The command line is a face: it uses matcher's public names only, never the API's.

Why: the engine's modules move and rename behind ``matcher``'s public names; a face
that imports private names or another face breaks with every such move.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

CLI = ROOT / "matcher" / "cli"


def _imports(path: Path) -> list[tuple[str, str | None]]:
    """``(module, name)`` for every import in ``path`` (``name`` None for ``import m``)."""
    out: list[tuple[str, str | None]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out += [(a.name, None) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out += [(node.module, a.name) for a in node.names]
    return out


def _problems(path: Path) -> list[str]:
    bad = []
    for module, name in _imports(path):
        if module == "api" or module.startswith("api."):
            bad.append(f"imports the API ({module})")
        if module.split(".")[0] != "matcher":
            continue
        private = [p for p in module.split(".") if p.startswith("_")]
        if private or (name is not None and name.startswith("_")):
            bad.append(f"imports a private name ({module}{'' if name is None else ':' + name})")
    return bad


def test_the_cli_imports_no_api_and_no_private_names() -> None:
    files = sorted(CLI.glob("*.py"))
    assert len(files) >= 7
    bad = {p.name: _problems(p) for p in files if _problems(p)}
    assert not bad


def test_the_check_sees_what_it_forbids(tmp_path: Path) -> None:
    f = tmp_path / "x.py"
    f.write_text(
        "import api.main\n"
        "from matcher.propose import _quiet\n"
        "from matcher.generate._core import x\n"
    )
    assert len(_problems(f)) == 3


def test_nothing_else_in_matcher_imports_the_cli() -> None:
    """No import cycles through the CLI: only ``python -m matcher`` reaches into it."""
    for path in (ROOT / "matcher").rglob("*.py"):
        if CLI in path.parents or path.name == "__main__.py":
            continue
        assert not [m for m, _ in _imports(path) if m.startswith("matcher.cli")], path


def test_the_cli_neither_edits_sys_path_nor_loads_the_service_or_harness() -> None:
    for path in CLI.glob("*.py"):
        assert "sys.path" not in path.read_text(encoding="utf-8"), path
    code = (
        "import sys, matcher.cli; "
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'api', 'benchmarks'}))"
    )
    run = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert run.stdout.strip() == "[]"
