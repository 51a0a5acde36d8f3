"""The public names are complete and the layers keep their rules."""

from __future__ import annotations

import ast
from pathlib import Path

import matcher

ROOT = Path(__file__).resolve().parent.parent


def test_all_names_exist_and_are_typed() -> None:
    for name in matcher.__all__:
        assert hasattr(matcher, name), name
    for fn in (matcher.load_case, matcher.score_matrix, matcher.propose, matcher.solve):
        assert "return" in fn.__annotations__


def imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            out.add(node.module)
    return out


def test_solver_imports_nothing_else_of_matcher() -> None:
    for path in (ROOT / "matcher" / "solver").glob("*.py"):
        bad = {
            m
            for m in imports(path)
            if m.startswith("matcher") and not m.startswith(("matcher.solver", "matcher.errors"))
        }
        assert not bad, f"{path.name} imports {bad}"


def test_tags_never_import_solver_or_api_and_matcher_never_imports_api() -> None:
    for path in (ROOT / "matcher").rglob("*.py"):
        mods = imports(path)
        assert not any(m == "api" or m.startswith("api.") for m in mods), path
        if "tags" in path.parts:
            assert not any(m.startswith(("matcher.solver", "matcher.scoring")) for m in mods), path


def test_wheel_package_data_carries_the_bundled_files() -> None:
    """A non-editable install finds data through ``matcher/_data`` (a link to ``data/``)."""
    import tomllib

    patterns = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"][
        "setuptools"
    ]["package-data"]["matcher"]
    found = {p: list((ROOT / "matcher").glob(p)) for p in patterns if p.startswith("_data/")}
    assert found["_data/taxonomy/*.toml"] and len(found["_data/sample-district/*.csv"]) == 3
