"""Shared fixtures and the hypothesis profiles (``ci`` is derandomised)."""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings

from tests.paths import SAMPLE

settings.register_profile(
    "ci",
    derandomize=True,
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("dev", max_examples=60, deadline=None)
settings.register_profile("thorough", max_examples=1000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
# an app under test loads no kernels in the background: tests that spy on the
# engine would count that proposal too (tests/api/test_health.py turns it on)
os.environ.setdefault("MATCHER_LOAD_KERNELS", "false")
# the CLI speaks the locale's language: tests read English unless they pass --lang zh
for _var in ("LC_ALL", "LC_MESSAGES", "LANG"):
    if os.environ.get(_var, "").lower().startswith("zh"):
        os.environ[_var] = "C.UTF-8"


@pytest.fixture(scope="session")
def sample_case():  # type: ignore[no-untyped-def]
    from matcher import load_case

    return load_case(SAMPLE)


@pytest.fixture(scope="session")
def sample_proposal(sample_case):  # type: ignore[no-untyped-def]
    from matcher import propose

    return propose(sample_case)
