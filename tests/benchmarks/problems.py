"""Small problems for the harness tests: an OR-Library file and seeded random problems."""

from __future__ import annotations

import numpy as np

from benchmarks.problem import Problem

ORLIB_TINY = """3
 1 1 4 1 2 1 1 3 9
 2 1 2 2 2 8
 3 2 3
 3 3 7
"""


def random_problem(seed: int, n: int = 30, m: int = 12) -> Problem:
    rng = np.random.default_rng(seed)
    s = np.round(rng.integers(1, 6, size=(n, m)) * 10 + rng.random((n, m)), 1)
    f = rng.random((n, m)) < 0.4
    return Problem.from_dense(
        s,
        f,
        rng.integers(0, 3, n),
        rng.integers(1, 4, m),
        fit=rng.random((n, m)),
        km=rng.random((n, m)) * 5,
        priority=rng.integers(1, 6, m).astype(float),
    )
