"""The public names exist and are typed; the wheel carries the bundled files.

The layer rules between packages are in ``tests/test_layers.py``.
"""

from __future__ import annotations

import ast
import importlib
import inspect
from pathlib import Path

import pytest

import matcher

ROOT = Path(__file__).resolve().parent.parent


def test_all_names_exist_and_are_typed() -> None:
    for name in matcher.__all__:
        assert hasattr(matcher, name), name
    for fn in (matcher.load_case, matcher.score_matrix, matcher.propose, matcher.solve):
        assert "return" in fn.__annotations__


def test_wheel_package_data_carries_the_bundled_files() -> None:
    """A non-editable install finds data through ``matcher/_data`` (a link to ``data/``)."""
    import tomllib

    patterns = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"][
        "setuptools"
    ]["package-data"]["matcher"]
    found = {p: list((ROOT / "matcher").glob(p)) for p in patterns if p.startswith("_data/")}
    assert found["_data/taxonomy/*.toml"] and len(found["_data/sample-district/*.csv"]) == 3


@pytest.mark.parametrize("package", ["matcher", "matcher.io", "matcher.record"])
def test_each_lazy_name_is_the_object_the_type_checkers_read(package: str) -> None:
    """``matcher``, ``matcher.io`` and ``matcher.record`` load their public names on first use
    (:mod:`matcher.lazy`): each is the very object its ``if TYPE_CHECKING:`` import
    names, so mypy and a running program see the same thing; ``matcher.propose`` stays
    the function even though a module has that name too."""
    pkg = importlib.import_module(package)
    assert pkg.__file__ is not None
    tree = ast.parse(Path(pkg.__file__).read_text(encoding="utf-8"))
    checked = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("matcher."):
            module = importlib.import_module(node.module or "")
            for alias in node.names:
                if (alias.asname or alias.name).startswith("_"):
                    continue
                assert getattr(pkg, alias.name) is getattr(module, alias.name), alias.name
                checked.add(alias.name)
    assert checked == set(pkg.__all__)
    assert inspect.isfunction(matcher.propose)
