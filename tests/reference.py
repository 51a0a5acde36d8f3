"""Independent reference solvers for tests: brute force and a MILP.

Neither shares code with matcher.solver, so agreement means something.
"""

from __future__ import annotations

import itertools

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import lil_matrix


def brute_force(scores, feasible, capacity, headcount) -> float:  # type: ignore[no-untyped-def]
    """Best total over every subset of feasible pairs (tiny cases only)."""
    n, m = scores.shape
    pairs = [(i, j) for i in range(n) for j in range(m) if feasible[i, j]]
    best = 0.0
    for r in range(len(pairs) + 1):
        for sub in itertools.combinations(pairs, r):
            rows = np.bincount([i for i, _ in sub], minlength=n)
            cols = np.bincount([j for _, j in sub], minlength=m)
            if (rows <= capacity).all() and (cols <= headcount).all():
                best = max(best, float(sum(scores[i, j] for i, j in sub)))
    return best


def milp_optimum(scores, feasible, capacity, headcount) -> float:  # type: ignore[no-untyped-def]
    """Optimum of the b-matching as an explicit integer program (HiGHS branch and bound)."""
    n, m = scores.shape
    er, ec = np.nonzero(feasible)
    if er.size == 0:
        return 0.0
    a = lil_matrix((n + m, er.size))
    for k, (i, j) in enumerate(zip(er, ec, strict=True)):
        a[i, k] = 1
        a[n + j, k] = 1
    res = milp(
        -scores[er, ec],
        integrality=np.ones(er.size),
        bounds=Bounds(0, 1),
        constraints=LinearConstraint(a.tocsr(), -np.inf, np.concatenate([capacity, headcount])),
        options={"mip_rel_gap": 0.0},
    )
    assert res.status == 0, res.message
    return float(-res.fun)
