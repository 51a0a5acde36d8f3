"""The public names exist and are typed; the wheel carries the bundled files.

The layer rules between packages are in ``tests/test_layers.py``.
"""

from __future__ import annotations

from pathlib import Path

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


def test_each_lazy_name_is_the_object_the_type_checkers_read() -> None:
    """``matcher`` loads its public names on first use (a module ``__getattr__``): each
    is the very object its ``if TYPE_CHECKING:`` import names, so mypy and a running
    program see the same thing, and ``matcher.propose`` stays the function."""
    import ast
    import importlib
    import inspect

    tree = ast.parse((ROOT / "matcher" / "__init__.py").read_text(encoding="utf-8"))
    checked = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("matcher."):
            module = importlib.import_module(node.module or "")
            for alias in node.names:
                assert getattr(matcher, alias.name) is getattr(module, alias.name), alias.name
                checked.add(alias.name)
    assert checked == set(matcher.__all__)
    assert inspect.isfunction(matcher.propose)
