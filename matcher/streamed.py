"""Exact proposals for pools too big to score at once (city and metro scale).

Why: :func:`matcher.propose` on a district scores every pair into dense
matrices. A city (20,000 × 8,000) would need gigabytes for each of them, so
here the pairs are streamed block by block (:mod:`matcher.candidates`):

1. one scan keeps each cadre's and each demand's best pairs;
2. the b-matching LP is solved on those and widened by re-scans that price
   every left-out pair against its duals until none can improve the plan
   (:func:`matcher.solver.lp.solve_pruned`), which certifies the optimum;
3. the last scan also keeps the cheapest left-out pairs per demand, enough
   to price alternates exactly (:mod:`matcher.solver.alternates`);
4. unfilled demands are explained one block of demands at a time.

Memory grows with the pairs kept, not with cadres × demands.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from matcher.candidates import Edges, PairStream, Scan
from matcher.errors import SolverError
from matcher.explain import explain_columns
from matcher.proposal import Unfilled
from matcher.scoring import ScoreMatrix, Scorer
from matcher.solver.alternates import edge_alternates
from matcher.solver.assign import SCALE
from matcher.solver.lp import TOP_K, solve_pruned

__all__ = ["Streamed", "explain_streamed", "solve_streamed"]

IntArray = npt.NDArray[np.int64]
IndexArray = npt.NDArray[np.intp]
FloatArray = npt.NDArray[np.float64]
Step = Callable[[str, float | None], None]
#: alternates costing up to this many score points are always found and exact
#: (grid units); dearer ones are listed only when the scan happened to keep them
ALT_SLACK = 10 * SCALE
#: cells per block of demands when explaining unfilled slots
EXPLAIN_CELLS = 4_000_000


@dataclass(frozen=True)
class Streamed:
    """A plan's free pairs, whether the duals certified it, and exact alternates
    per column (``(row, loss)``, loss in score units)."""

    rows: IndexArray
    cols: IndexArray
    certified: bool
    alternates: dict[int, list[tuple[int, float]]]
    pairs_kept: int


def _unique(e: Edges, m: int) -> Edges:
    keys = e.rows.astype(np.int64) * m + e.cols
    _, first = np.unique(keys, return_index=True)
    return Edges(e.rows[first], e.cols[first], e.q[first])


def solve_streamed(
    scorer: Scorer,
    cap: IntArray,
    head: IntArray,
    banned: IntArray,
    alternatives: int,
    step: Step,
) -> Streamed:
    """Optimal free pairs for capacities ``cap`` and headcounts ``head`` (pins
    already taken off), never using the ``banned`` pair keys ``row * m + col``."""
    m = scorer.m
    stream = PairStream(scorer, cap, head, banned)
    first = stream.scan(
        row_k=np.minimum(cap, 64) + TOP_K,
        col_k=int(min(head.max(initial=0), 64)) + TOP_K,
        progress=lambda f: step("scoring pairs", f),
    )
    cand = _unique(first.tops, m)
    step("solving", None)
    scans: list[Scan] = []

    known = (first.row_rest, first.col_rest)
    pool: list[Edges] = []

    def price(
        u: FloatArray, v: FloatArray, floor: float, held: IntArray
    ) -> tuple[IndexArray, IndexArray, FloatArray]:
        # Pairs within ALT_SLACK of tight at the last scan are kept: while some of
        # them still improve the plan they widen the LP without a new scan. Only a
        # scan can certify, and the last one also prices the alternates.
        if pool:
            a = pool[0]
            hit = np.flatnonzero(a.q - u[a.rows] - v[a.cols] > floor)
            hit = hit[~np.isin(a.rows[hit].astype(np.int64) * m + a.cols[hit], held)]
            if hit.size:
                return a.rows[hit], a.cols[hit], a.q[hit]
        scan = stream.scan(
            u,
            v,
            floor=min(floor, -float(ALT_SLACK)),
            known=known,
            progress=lambda f: step("pricing", f),
        )
        scans[:] = [scan]
        pool[:] = [scan.above]
        step("solving", None)
        a = scan.above
        keep = a.q - u[a.rows] - v[a.cols] > floor
        return a.rows[keep], a.cols[keep], a.q[keep]

    res = solve_pruned(cand.rows, cand.cols, cand.q, cap, head, price)
    kept = int(res.er.size)
    if res.u is None or res.v is None or not scans:
        return Streamed(res.rows, res.cols, False, {}, kept)
    step("certifying and pricing alternates", None)
    last = scans[-1]
    # a usable pair outside this graph was neither kept by the first scan (all of
    # those are LP candidates) nor within ALT_SLACK of tight in the last one
    graph = _unique(Edges.concat([Edges(res.er, res.ec, res.q), last.above]), m)
    plan = res.rows.astype(np.int64) * m + res.cols
    chosen = np.isin(graph.rows.astype(np.int64) * m + graph.cols, plan)
    exact_below = float(ALT_SLACK)
    try:
        alts = edge_alternates(
            graph.rows,
            graph.cols,
            graph.q,
            chosen,
            res.u,
            res.v,
            cap,
            head,
            np.unique(res.cols),
            alternatives,
            exact_below,
        )
    except SolverError:
        return Streamed(res.rows, res.cols, False, {}, kept)
    return Streamed(res.rows, res.cols, True, alts, max(kept, len(graph)))


def explain_streamed(
    scorer: Scorer,
    cap: IntArray,
    head: IntArray,
    banned: IntArray,
    rows: IndexArray,
    cols: IndexArray,
    step: Step,
) -> list[Unfilled]:
    """Why each demand keeps empty slots, scoring all cadres against a block of
    unfilled demands at a time. ``rows``/``cols`` is the whole plan, pins included."""
    case = scorer.case
    n, m = scorer.n, scorer.m
    filled = np.bincount(cols, minlength=m)
    load = np.bincount(rows, minlength=n)
    prio = np.array([d.priority for d in case.demands], dtype=np.float64)
    top = np.full(n, -np.inf)
    np.maximum.at(top, rows, prio[cols])
    open_cols = np.flatnonzero(filled < head)
    per = max(1, EXPLAIN_CELLS // max(n, 1))
    out: list[Unfilled] = []
    for s in range(0, open_cols.size, per):
        step("explaining", s / max(open_cols.size, 1))
        c = open_cols[s : s + per]
        sm = scorer.block(slice(None), c)
        pos = {int(j): k for k, j in enumerate(c)}
        chosen = np.zeros((n, c.size), bool)
        on = np.isin(cols, c)
        chosen[rows[on], [pos[int(j)] for j in cols[on]]] = True
        feasible = sm.feasible.copy()
        b = banned[np.isin(banned % m, c)]
        feasible[b // m, [pos[int(j)] for j in b % m]] = False
        view = ScoreMatrix(
            **{**sm.__dict__, "feasible": feasible, "capacity": cap, "headcount": head[c]}
        )
        out.extend(explain_columns(case, view, c, filled[c], load, chosen, top))
    return out
