"""The test suite's own rule: shared helpers live in helper modules.

A test module or conftest imports helpers (``tests/casefiles.py``, ``tests/reference.py``,
``tests/api/tokens.py`` …), never another ``test_*.py`` or a ``conftest.py``: pytest
imports those itself, and a test file that is also a library breaks when it moves or
when pytest collects it under another name.
"""

from __future__ import annotations

import ast
from pathlib import Path

from tests.paths import ROOT


def _names_a_test_module(dotted: str) -> bool:
    return any(part.startswith("test_") or part == "conftest" for part in dotted.split("."))


def offenders(path: Path, root: Path) -> list[str]:
    """Imports in ``path`` that reach a test module or a conftest (relative ones resolved)."""
    package = path.relative_to(root).with_suffix("").parts[:-1]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            dotted = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = list(package[: len(package) - node.level + 1]) if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            dotted = [module, *(f"{module}.{a.name}" for a in node.names)]
        else:
            continue
        bad = [d for d in dotted if _names_a_test_module(d)]
        if bad:
            found.append(f"{path.relative_to(root)}:{node.lineno} {bad[0]}")
    return found


def test_no_test_module_imports_another_test_module_or_a_conftest() -> None:
    found = [o for p in sorted((ROOT / "tests").rglob("*.py")) for o in offenders(p, ROOT)]
    assert not found, "move these helpers into a helper module:\n" + "\n".join(found)


def test_the_rule_sees_what_it_forbids(tmp_path: Path) -> None:
    pkg = tmp_path / "tests" / "api"
    pkg.mkdir(parents=True)
    bad = pkg / "test_x.py"
    bad.write_text(
        "from tests.api.conftest import Tokens\n"
        "from .test_y import helper\n"
        "from . import conftest\n"
        "import tests.test_propose\n"
        "from tests.api.tokens import Tokens as T\n"
        "from tests.reference import check_rules\n"
    )
    got = [g.split(" ")[1] for g in offenders(bad, tmp_path)]
    assert got == [
        "tests.api.conftest",
        "tests.api.test_y",
        "tests.api.conftest",
        "tests.test_propose",
    ]
