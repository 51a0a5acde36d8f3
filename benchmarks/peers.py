"""The solver core and its peers, each maximising total score on the same usable pairs.

Each solver takes a :class:`~benchmarks.problem.Problem` and returns
:class:`Solved`: the chosen edge ids plus its own build and solve times.

- ``matcher`` — :func:`matcher.solve` on dense arrays (the solver core).
- ``ortools-mcf`` — OR-Tools min-cost flow: source → cadre (capacity) → demand
  (one unit per pair) → sink (headcount), plus a source → sink bypass so slots
  may stay empty. An exact model of the b-matching.
- ``scipy-lsa`` / ``lap-lapjv`` / ``ortools-lsa`` — assignment codes on the
  *slot-expanded* problem: ``min(capacity, degree)`` copies of each cadre and
  ``min(headcount, degree)`` copies of each demand. This expansion is exact only
  when no usable pair has both a cadre with capacity > 1 and a demand with
  headcount > 1; otherwise two copies of one cadre may take two slots of one
  demand. Those duplicates are reported (``duplicates``), their raw objective
  is kept (``raw_objective``, a relaxation, so it can exceed the optimum) and
  the duplicates are dropped before any metric, which can leave the result
  below the optimum. scipy and lap see a dense gain matrix (lap pads it square);
  OR-Tools LSA sees only the real arcs plus zero-cost dummy arcs.

A peer whose package is missing, or whose input would exceed ``max_bytes``,
raises :class:`Skipped` with a note; the harness records it and goes on.
"""

from __future__ import annotations

import importlib.util
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

import matcher
from benchmarks.problem import Problem

__all__ = ["EXACT_MODEL", "SOLVERS", "Skipped", "Solved", "available", "run_solver"]

IntArray = npt.NDArray[np.int64]
DEFAULT_MAX_BYTES = 8 * 2**30


class Skipped(Exception):
    """A peer that cannot run here (package missing, input too large); the message says why."""


@dataclass
class Solved:
    edges: IntArray
    build_s: float
    solve_s: float
    info: dict[str, object] = field(default_factory=dict)


def available(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


def _require(module: str, extra: str = "bench") -> None:
    if not available(module):
        raise Skipped(f"{module} not installed (pip install 'matcher[{extra}]')")


def _edge_ids(p: Problem, rows: IntArray, cols: IntArray) -> IntArray:
    """Edge ids of (row, col) pairs; -1 where the pair is not a usable edge."""
    if rows.size == 0:
        return np.zeros(0, dtype=np.int64)
    key = p.rows * p.n_cols + p.cols  # sorted, since edges are sorted by (row, col)
    want = rows.astype(np.int64) * p.n_cols + cols.astype(np.int64)
    pos = np.minimum(np.searchsorted(key, want), max(key.size - 1, 0))
    return np.where(key.size and key[pos] == want, pos, -1).astype(np.int64)


def solve_matcher(p: Problem, max_bytes: int = DEFAULT_MAX_BYTES) -> Solved:
    t0 = time.perf_counter()
    scores, feasible = p.dense()
    t1 = time.perf_counter()
    a = matcher.solve(scores, feasible, p.capacity, p.headcount)
    t2 = time.perf_counter()
    edges = _edge_ids(p, a.rows.astype(np.int64), a.cols.astype(np.int64))
    return Solved(edges, t1 - t0, t2 - t1, {"method": a.method, "reported_objective": a.objective})


def solve_ortools_mcf(p: Problem, max_bytes: int = DEFAULT_MAX_BYTES) -> Solved:
    _require("ortools")
    from ortools.graph.python import min_cost_flow

    t0 = time.perf_counter()
    n, m = p.n_rows, p.n_cols
    src, sink = n + m, n + m + 1
    cap = np.minimum(p.capacity, np.bincount(p.rows, minlength=n))
    head = np.minimum(p.headcount, np.bincount(p.cols, minlength=m))
    flow = int(min(cap.sum(), head.sum()))
    r_act, c_act = np.flatnonzero(cap), np.flatnonzero(head)
    tails = np.concatenate([np.full(r_act.size, src), p.rows, n + c_act, [src]])
    heads = np.concatenate([r_act, n + p.cols, np.full(c_act.size, sink), [sink]])
    caps = np.concatenate([cap[r_act], np.ones(p.n_edges, np.int64), head[c_act], [flow]])
    costs = np.concatenate(
        [np.zeros(r_act.size, np.int64), -p.int_score(), np.zeros(c_act.size + 1, np.int64)]
    )
    smcf = min_cost_flow.SimpleMinCostFlow()
    arcs = smcf.add_arcs_with_capacity_and_unit_cost(
        tails.astype(np.int32), heads.astype(np.int32), caps.astype(np.int64), costs
    )
    supplies = np.zeros(n + m + 2, np.int64)
    supplies[src], supplies[sink] = flow, -flow
    smcf.set_nodes_supplies(np.arange(n + m + 2, dtype=np.int32), supplies)
    t1 = time.perf_counter()
    status = smcf.solve()
    t2 = time.perf_counter()
    if status != smcf.OPTIMAL:
        raise Skipped(f"OR-Tools min-cost flow ended with status {status}")
    used = smcf.flows(arcs[r_act.size : r_act.size + p.n_edges]) > 0
    return Solved(np.flatnonzero(used).astype(np.int64), t1 - t0, t2 - t1)


def _expand(p: Problem) -> tuple[IntArray, IntArray, IntArray, IntArray]:
    """Copies per row and column (``min(capacity, degree)``) and each copy's owner."""
    rc = np.minimum(p.capacity, np.bincount(p.rows, minlength=p.n_rows))
    hc = np.minimum(p.headcount, np.bincount(p.cols, minlength=p.n_cols))
    row_of = np.repeat(np.arange(p.n_rows), rc)
    col_of = np.repeat(np.arange(p.n_cols), hc)
    return rc, hc, row_of, col_of


def _dense_gain(
    p: Problem, max_bytes: int, square: bool
) -> tuple[npt.NDArray[np.float64], IntArray, IntArray]:
    _, _, row_of, col_of = _expand(p)
    r_act, c_act = np.unique(p.rows), np.unique(p.cols)
    side = max(row_of.size, col_of.size)
    need = 8 * (side * side if square else row_of.size * col_of.size)
    if need > max_bytes:
        shape = f"{side}²" if square else f"{row_of.size}×{col_of.size}"
        raise Skipped(
            f"dense slot-expanded matrix {shape} needs {need / 2**30:.1f} GiB "
            f"(limit {max_bytes / 2**30:.1f} GiB)"
        )
    q = np.zeros((r_act.size, c_act.size))
    q[np.searchsorted(r_act, p.rows), np.searchsorted(c_act, p.cols)] = p.int_score()
    gain = q[np.ix_(np.searchsorted(r_act, row_of), np.searchsorted(c_act, col_of))]
    return gain, row_of, col_of


def _finish(p: Problem, rows: IntArray, cols: IntArray, info: dict[str, object]) -> IntArray:
    """Map copy pairs back to edges; count and drop duplicates and non-edges."""
    e = _edge_ids(p, rows, cols)
    e = e[e >= 0]
    info["raw_objective"] = float(p.score[e].sum())
    uniq = np.unique(e)
    info["duplicates"] = int(e.size - uniq.size)
    return uniq


def solve_scipy_lsa(p: Problem, max_bytes: int = DEFAULT_MAX_BYTES) -> Solved:
    from scipy.optimize import linear_sum_assignment

    t0 = time.perf_counter()
    gain, row_of, col_of = _dense_gain(p, max_bytes, square=False)
    t1 = time.perf_counter()
    r, c = linear_sum_assignment(gain, maximize=True)
    t2 = time.perf_counter()
    keep = gain[r, c] > 0
    info: dict[str, object] = {"shape": list(gain.shape)}
    edges = _finish(p, row_of[r[keep]], col_of[c[keep]], info)
    return Solved(edges, t1 - t0, t2 - t1, info)


def solve_lap(p: Problem, max_bytes: int = DEFAULT_MAX_BYTES) -> Solved:
    _require("lap")
    import lap

    t0 = time.perf_counter()
    gain, row_of, col_of = _dense_gain(p, max_bytes, square=True)
    cost = -gain
    t1 = time.perf_counter()
    _, x, _ = lap.lapjv(cost, extend_cost=True)
    t2 = time.perf_counter()
    r = np.flatnonzero(x >= 0)
    c = x[r].astype(np.int64)
    keep = gain[r, c] > 0
    info: dict[str, object] = {"shape": list(gain.shape), "padded_square": True}
    edges = _finish(p, row_of[r[keep]], col_of[c[keep]], info)
    return Solved(edges, t1 - t0, t2 - t1, info)


def solve_ortools_lsa(p: Problem, max_bytes: int = DEFAULT_MAX_BYTES) -> Solved:
    _require("ortools")
    from ortools.graph.python import linear_sum_assignment

    t0 = time.perf_counter()
    rc, hc, row_of, col_of = _expand(p)
    first_r = np.concatenate([[0], np.cumsum(rc)])
    first_c = np.concatenate([[0], np.cumsum(hc)])
    k = rc[p.rows] * hc[p.cols]  # copy pairs per edge
    n_arcs = int(k.sum())
    if 8 * 4 * n_arcs > max_bytes:
        raise Skipped(f"{n_arcs:,} copy arcs would need ~{32 * n_arcs / 2**30:.1f} GiB")
    e = np.repeat(np.arange(p.n_edges), k)
    offset = np.arange(n_arcs) - np.repeat(np.cumsum(k) - k, k)
    left = first_r[p.rows[e]] + offset // hc[p.cols[e]]
    right = first_c[p.cols[e]] + offset % hc[p.cols[e]]
    s = p.int_score()[e]
    big = int(s.max(initial=0))
    n_l, n_r = row_of.size, col_of.size
    # left: real row copies [0, n_l), dummies n_l + c; right: real column copies, dummies n_r + r
    tails = np.concatenate([left, np.arange(n_l), n_l + np.arange(n_r), n_l + right])
    heads = np.concatenate([right, n_r + np.arange(n_l), np.arange(n_r), n_r + left])
    costs = np.concatenate([big - s, np.full(n_l + n_r + n_arcs, big, np.int64)])
    lsa = linear_sum_assignment.SimpleLinearSumAssignment()
    lsa.add_arcs_with_cost(tails.astype(np.int64), heads.astype(np.int64), costs)
    t1 = time.perf_counter()
    status = lsa.solve()
    t2 = time.perf_counter()
    if status != lsa.OPTIMAL:
        raise Skipped(f"OR-Tools linear sum assignment ended with status {status}")
    mate = np.array([lsa.right_mate(i) for i in range(n_l)], dtype=np.int64)
    real = mate < n_r
    r = np.flatnonzero(real)
    info: dict[str, object] = {"arcs": int(tails.size)}
    edges = _finish(p, row_of[r], col_of[mate[real]], info)
    return Solved(edges, t1 - t0, t2 - t1, info)


SOLVERS: dict[str, Callable[[Problem, int], Solved]] = {
    "matcher": solve_matcher,
    "ortools-mcf": solve_ortools_mcf,
    "ortools-lsa": solve_ortools_lsa,
    "scipy-lsa": solve_scipy_lsa,
    "lap-lapjv": solve_lap,
}

#: solvers whose model is the b-matching itself (no slot-expansion caveat)
EXACT_MODEL = frozenset({"matcher", "ortools-mcf"})


def run_solver(name: str, p: Problem, max_bytes: int = DEFAULT_MAX_BYTES) -> Solved:
    """Run solver ``name`` (a key of :data:`SOLVERS`); may raise :class:`Skipped`."""
    return SOLVERS[name](p, max_bytes)
