"""Fixtures: the hand-made tiny case and a small generated district (session-scoped)."""

from __future__ import annotations

from pathlib import Path

import pytest

from matcher import Case, load_case
from matcher.generate import generate_case
from tests.paths import TINY_CASE


@pytest.fixture(scope="session")
def tiny() -> Case:
    return load_case(TINY_CASE)


@pytest.fixture(scope="session")
def small_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate_case(
        tmp_path_factory.mktemp("small"), n_cadres=70, n_demands=40, n_communities=12, seed=5
    )


@pytest.fixture(scope="session")
def small(small_dir: Path) -> Case:
    return load_case(small_dir)
