"""The harness's docstring examples (``benchmarks`` lies outside pytest's testpaths)."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["baselines", "fairness", "instances", "measure", "metrics", "orlib", "problem"]


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name: str) -> None:
    mod = importlib.import_module(f"benchmarks.{name}")
    result = doctest.testmod(mod, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
