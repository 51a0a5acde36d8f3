"""The convex per-cadre load cost of one plan, as plain b-matching.

Why: a policy may make a cadre's 2nd, 3rd, … slot in one proposal cost more than
its 1st (``[fairness] load_step`` or ``load_costs``), so that the same willing
people do not carry every dispatch. Rising marginal costs are a convex cost on a
cadre's load; here they become *rest slots*, so both engines solve, certify and
price alternates exactly as before, with no change to the solver.

A cadre with ``c`` slots left whose slot ``k`` costs ``p_k`` (``p_1 ≤ p_2 ≤ …``)
gets one rest column per slot with ``p_k > 0``: headcount 1, open to that cadre
alone, worth ``p_k``. A cadre sent to ``L`` demands has ``c − L`` slots left for
rest columns and, the values rising, the best of them are slots ``L+1 … c``:
the plan earns ``Σ_{k>L} p_k = Σ_k p_k − Σ_{k≤L} p_k``. So every plan scores its
real pairs minus its convex load cost plus a constant, and the best b-matching
of the widened problem is the best plan under the load cost (docs/scoring.md
proves it and works an example). The widened constraint matrix is still one row
per cadre and one per column: totally unimodular, so the LP stays integral.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from matcher.policy import Policy

__all__ = ["load_is_on", "load_terms", "marginals", "rest_slots", "with_rest_slots"]

FloatArray = npt.NDArray[np.float64]
IndexArray = npt.NDArray[np.intp]
DECIMALS = 4


def load_is_on(policy: Policy) -> bool:
    """Whether the policy prices a cadre's extra slots (off by default).

    Example:
        >>> load_is_on(Policy())
        False
    """
    f = policy.fairness
    return f.load_step > 0 or any(x > 0 for x in f.load_costs)


def marginals(policy: Policy, slots: int) -> FloatArray:
    """The cost of each of slots 1 … ``slots`` of one cadre in one plan, rounded
    to the score's 4 places: 0 for the first; then ``load_costs`` (its last
    value repeated) if given, else ``(k − 1) × load_step``.

    Example:
        >>> marginals(Policy.model_validate({"fairness": {"load_step": 2.0}}), 4).tolist()
        [0.0, 2.0, 4.0, 6.0]
        >>> marginals(Policy.model_validate({"fairness": {"load_costs": [1, 5]}}), 4).tolist()
        [0.0, 1.0, 5.0, 5.0]
    """
    f = policy.fairness
    k = np.arange(max(slots, 0), dtype=np.float64)
    if f.load_costs:
        costs = np.array((0.0, *f.load_costs), np.float64)
        out = costs[np.minimum(k.astype(np.intp), costs.size - 1)]
    else:
        out = k * f.load_step
    return np.asarray(np.round(out, DECIMALS) + 0.0, np.float64)


def rest_slots(
    policy: Policy, cap: npt.NDArray[np.int64], taken: npt.NDArray[np.int64] | None = None
) -> tuple[IndexArray, FloatArray]:
    """The rest columns for cadres with ``cap`` slots left to the solver, after
    ``taken`` slots already placed (pins a solver does not see): each column's
    cadre row and its value (the marginal cost of slot ``taken + 1 … taken + cap``),
    for every such slot costing above 0.

    Example:
        >>> pol = Policy.model_validate({"fairness": {"load_step": 2.0}})
        >>> r, v = rest_slots(pol, np.array([1, 3]))
        >>> r.tolist(), v.tolist()
        ([1, 1], [2.0, 4.0])
        >>> rest_slots(pol, np.array([2]), np.array([1]))[1].tolist()
        [2.0, 4.0]
    """
    cap = np.maximum(np.asarray(cap, np.int64), 0)
    base = np.zeros(cap.size, np.int64) if taken is None else np.asarray(taken, np.int64)
    rows = np.repeat(np.arange(cap.size, dtype=np.intp), cap)
    slot = np.arange(rows.size) - np.repeat(np.cumsum(cap) - cap, cap) + base[rows]
    p = marginals(policy, int(slot.max()) + 1 if slot.size else 0)
    value = p[slot] if slot.size else np.zeros(0)
    keep = value > 0
    return rows[keep], value[keep]


def load_terms(policy: Policy, rows: IndexArray, cols: IndexArray) -> FloatArray:
    """Each dispatch's ``load`` term: minus the marginal of the slot it takes,
    a cadre's dispatches taking slots 1, 2, … in demand (column) order.

    Why an order at all: the cost belongs to the cadre's load, not to one pair;
    any order sums to the same total, and column order is one a person can redo.

    Example:
        >>> pol = Policy.model_validate({"fairness": {"load_step": 2.0}})
        >>> load_terms(pol, np.array([0, 1, 0]), np.array([5, 2, 3])).tolist()
        [-2.0, 0.0, 0.0]
    """
    rows, cols = np.asarray(rows, np.intp), np.asarray(cols, np.intp)
    out = np.zeros(rows.size)
    if not rows.size:
        return out
    order = np.lexsort((cols, rows))
    r = rows[order]
    start = np.r_[0, np.flatnonzero(np.diff(r)) + 1]
    rank = np.arange(r.size) - np.repeat(start, np.diff(np.r_[start, r.size]))
    out[order] = -marginals(policy, int(rank.max()) + 1)[rank]
    return out + 0.0


def with_rest_slots(
    policy: Policy,
    scores: npt.NDArray[np.float64],
    feasible: npt.NDArray[np.bool_],
    cap: npt.NDArray[np.int64],
    head: npt.NDArray[np.int64],
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.bool_], npt.NDArray[np.int64]]:
    """Scores, feasibility and headcounts with one rest column per priced slot
    appended (each open to its cadre alone, worth the slot's marginal cost)."""
    if not load_is_on(policy):
        return scores, feasible, head
    r, v = rest_slots(policy, cap)
    extra = np.zeros((scores.shape[0], r.size))
    extra[r, np.arange(r.size)] = v
    return (
        np.hstack([scores, extra]),
        np.hstack([feasible, extra > 0]),
        np.concatenate([head, np.ones(r.size, np.int64)]),
    )
