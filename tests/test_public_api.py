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
