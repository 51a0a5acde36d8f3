"""The side-rows MILP solved over priced edges keeps the optimum over all edges.

The solver starts from few edges (each row's and column's heaviest), prices the
rest at the LP's duals and rules edges out by reduced cost against the first
MILP's plan; these cases make it start from nothing near tight, on weighted rows
(hours a week) whose LP is fractional, against a MILP over every edge written here.
"""

from __future__ import annotations

import subprocess
import time
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import Bounds, LinearConstraint, milp

from matcher.errors import Cancelled, SolverError
from matcher.solver import child, sided
from matcher.solver.sided import solve_sided
from matcher.solver.siderows import SideRows

shared = settings(suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)


def oracle(r, c, w, cap, head, weighted) -> int:  # type: ignore[no-untyped-def]
    """Best total weight, one binary per edge, every row written out densely."""
    ne = r.size
    rows, rhs = [], []
    for i in range(cap.size):
        rows.append((r == i).astype(float))
        rhs.append(float(cap[i]))
    for j in range(head.size):
        rows.append((c == j).astype(float))
        rhs.append(float(head[j]))
    for members, hours, bound in weighted:
        row = np.zeros(ne)
        row[members] = hours
        rows.append(row)
        rhs.append(bound)
    res = milp(
        -w.astype(float),
        integrality=np.ones(ne),
        bounds=Bounds(0, 1),
        constraints=LinearConstraint(np.array(rows), -np.inf, np.array(rhs)),
        options={"mip_rel_gap": 0.0},
    )
    return round(-res.fun)


def test_an_edge_below_tight_comes_in_when_the_knapsack_needs_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Row 0 has 8 hours: A (5 h, 100) beats B (4 h, 60) and C (4 h, 59) edge by
    edge, and the LP takes A and ¾ of B; C starts out (row 1's edge is its
    column's heaviest) and its reduced cost stays below 0, so pricing leaves it
    out, yet B + C is the optimum: the fixing test must let C in."""
    monkeypatch.setattr(sided, "NEAR", 0.0)
    r, c = np.array([0, 0, 0, 1], np.intp), np.array([0, 1, 2, 2], np.intp)
    w = np.array([100, 60, 59, 70], np.int64)
    side = SideRows(weighted=[(np.arange(3, dtype=np.intp), np.array([5.0, 4.0, 4.0]), 8.0)])
    got = solve_sided(r, c, w, np.array([3, 1]), np.array([1, 1, 2]), np.zeros(4, bool), side,
                      start_k=1)  # fmt: skip
    assert got.take.tolist() == [False, True, True, True]
    assert got.objective == 189 and got.certified and got.bound < 190


@shared
@given(seed=st.integers(0, 2**32 - 1), start_k=st.sampled_from([0, 1, 2]))
def test_priced_optimum_equals_a_milp_over_every_edge(
    seed: int, start_k: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sided, "NEAR", 0.0)
    rng = np.random.default_rng(seed)
    n, m = int(rng.integers(2, 10)), int(rng.integers(2, 14))
    feasible = rng.random((n, m)) < 0.6
    r, c = (x.astype(np.intp) for x in np.nonzero(feasible))
    if r.size == 0:
        return
    w = rng.integers(1, 100, r.size).astype(np.int64)
    cap = rng.integers(0, 4, n).astype(np.int64)
    head = rng.integers(1, 3, m).astype(np.int64)
    weighted = []
    for i in range(n):
        members = np.flatnonzero(r == i).astype(np.intp)
        if members.size and rng.random() < 0.7:
            hours = rng.integers(1, 7, members.size).astype(np.float64)
            weighted.append((members, hours, float(rng.integers(3, 13))))
    side = SideRows(weighted=weighted)
    got = solve_sided(r, c, w, cap, head, np.zeros(r.size, bool), side, start_k=start_k)
    assert got.holds and got.certified
    assert got.objective == oracle(r, c, w, cap, head, weighted)
    assert got.bound >= got.objective


def test_nothing_to_gain_and_nothing_kept_ends_at_once() -> None:
    # no edge kept, no extra variable, no edge worth taking: the pricing loop must stop
    r = np.array([0, 1], np.intp)
    c = np.array([0, 0], np.intp)
    w = np.array([0, -3], np.int64)
    got = solve_sided(
        r, c, w, np.array([1, 1], np.int64), np.array([1], np.int64),
        np.zeros(2, bool), SideRows(weighted=[(np.array([0, 1], np.intp), np.ones(2), 1.0)]),
        start_k=0,
    )  # fmt: skip
    assert got.objective == 0 and not got.take.any() and got.certified


def _never(*args: object) -> None:
    """A MILP that never ends (in the child: this module is imported there by name)."""
    time.sleep(600)


def _boom(*args: object) -> None:
    raise ValueError("no HiGHS today")


def _knapsack(step: sided.Step = sided._quiet) -> sided.Sided:
    """The knapsack case above, solved."""
    r, c = np.array([0, 0, 0, 1], np.intp), np.array([0, 1, 2, 2], np.intp)
    w = np.array([100, 60, 59, 70], np.int64)
    side = SideRows(weighted=[(np.arange(3, dtype=np.intp), np.array([5.0, 4.0, 4.0]), 8.0)])
    return solve_sided(r, c, w, np.array([3, 1]), np.array([1, 1, 2]), np.zeros(4, bool), side,
                       start_k=1, step=step)  # fmt: skip


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_solve_in_a_child_gives_the_plan_solved_in_process(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Above CHILD_ABOVE entries the LPs and MILPs run in a child: the same calls,
    so the same plan and the same bound."""
    rng = np.random.default_rng(seed)
    n, m = 8, 12
    r, c = (x.astype(np.intp) for x in np.nonzero(rng.random((n, m)) < 0.6))
    w = rng.integers(1, 100, r.size).astype(np.int64)
    cap, head = rng.integers(1, 4, n).astype(np.int64), rng.integers(1, 3, m).astype(np.int64)
    weighted = [
        (np.flatnonzero(r == i).astype(np.intp),
         rng.integers(1, 7, int((r == i).sum())).astype(np.float64), float(rng.integers(3, 13)))
        for i in range(n) if (r == i).any()
    ]  # fmt: skip
    side = SideRows(weighted=weighted)
    args = (r, c, w, cap, head, np.zeros(r.size, bool), side)
    here = solve_sided(*args, start_k=1)
    monkeypatch.setattr(child, "CHILD_ABOVE", -1)
    seen: list[tuple[str, float]] = []
    there = solve_sided(*args, start_k=1, step=lambda p, f: seen.append((p, f)))
    assert there.take.tolist() == here.take.tolist()
    assert (there.objective, there.bound, there.certified) == (
        here.objective, here.bound, here.certified)  # fmt: skip
    assert there.objective == oracle(r, c, w, cap, head, weighted)
    # the child tells its steps as they start; a poll sees those still running
    assert seen[0] == ("solving", 0.0) and {p for p, _ in seen} == {"solving"}
    assert {f for _, f in seen} <= set(child.SHARES)


def test_a_cancel_during_the_milp_kills_its_child(monkeypatch: pytest.MonkeyPatch) -> None:
    """The progress callback raises Cancelled when it hears the MILP has started (the
    child would then run for ten minutes): the error goes up and the child is dead,
    killed, not waited for."""
    started: list[subprocess.Popen[bytes]] = []
    real = subprocess.Popen

    def popen(*a: Any, **kw: Any) -> subprocess.Popen[bytes]:
        started.append(real(*a, **kw))
        return started[-1]

    monkeypatch.setattr(child, "CHILD_ABOVE", -1)
    monkeypatch.setattr(sided, "_SOLVE", _never)
    monkeypatch.setattr(subprocess, "Popen", popen)

    def step(phase: str, share: float) -> None:
        if share == child.SHARES[1]:  # told by the child, polled by its parent
            raise Cancelled("stop")

    with pytest.raises(Cancelled):
        _knapsack(step)
    assert len(started) == 1  # one child for the three steps, killed
    assert started[0].returncode is not None and started[0].returncode != 0


def test_a_child_that_fails_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(child, "CHILD_ABOVE", -1)
    monkeypatch.setattr(sided, "_SOLVE", _boom)
    with pytest.raises(SolverError, match="no HiGHS today") as got:
        _knapsack()
    assert got.value.code == "solver.child_failed"


def test_a_child_that_cannot_start_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    """No process to be had (EAGAIN, no interpreter): a coded solver error, not an OSError."""
    monkeypatch.setattr(child, "CHILD_ABOVE", -1)

    def refuse(*args: object, **kwargs: object) -> None:
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(child.subprocess, "Popen", refuse)
    with pytest.raises(SolverError) as got:
        _knapsack()
    assert got.value.code == "solver.child_unstarted"
