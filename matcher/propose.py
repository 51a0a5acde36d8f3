"""Propose a staffing plan: score, solve exactly, certify, explain.

Example:
    >>> from matcher import load_case, propose
    >>> p = propose(load_case("data/sample-district"))
    >>> p.certified and p.kpis.slots_filled == len(p.assignments)
    True
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from matcher.assemble import Alternates, assemble
from matcher.constraints import Engine, HeldWindow, Pair, Request, prepare
from matcher.dense import finish_dense
from matcher.errors import InputError, Problem
from matcher.explain.streamed import explain_streamed
from matcher.gcpause import without_gc
from matcher.lending import LendingUse
from matcher.loadcost import load_is_on, rest_slots
from matcher.model import Case
from matcher.params import DEFAULT, EngineParams
from matcher.policy import Policy
from matcher.progress import Progress, as_progress
from matcher.proposal import Proposal
from matcher.sideplan import finish_sided, needs_side_rows
from matcher.solver import quantise

if TYPE_CHECKING:
    from matcher.stream import Streamed

__all__ = ["finish_streamed", "propose", "solve_streamed_request"]


@without_gc
def propose(
    case: Case,
    policy: Policy | None = None,
    *,
    pinned: Iterable[Pair] = (),
    excluded: Iterable[Pair] = (),
    used_capacity: Mapping[str, int] | None = None,
    filled_slots: Mapping[str, int] | None = None,
    progress: Progress | Callable[[str], object] | None = None,
    engine: Engine = "auto",
    params: EngineParams = DEFAULT,
    lending: LendingUse | None = None,
    held: Mapping[str, Sequence[HeldWindow]] | None = None,
) -> Proposal:
    """The best plan under the case's hard rules, with explanations and KPIs.

    ``pinned`` (cadre, demand) pairs are kept, ``excluded`` pairs are never
    proposed (declined earlier), ``used_capacity`` / ``filled_slots`` count
    what active dispatches already take from a cadre or a demand.
    ``progress(phase, fraction)`` is told each phase as it starts and, in long
    phases, how far along they are (``fraction`` in 0–1, else ``None``); it may
    raise :class:`~matcher.errors.Cancelled` to stop the work.
    ``engine`` picks dense matrices (``"dense"``), block streaming for big pools
    (``"streamed"``) or, by default, whichever suits the pool's size; both give
    the same optimum, alternates and explanations. ``params`` trade speed
    against memory (:class:`~matcher.params.EngineParams`), never the answer.
    Under the policy's hard lending rules (``[lending]``) the plan is a MILP
    solved to a zero gap (:mod:`matcher.lending`); ``lending`` says what the
    pool's dispatches already lent.
    """
    if engine not in ("auto", "dense", "streamed"):
        raise InputError(
            "cannot propose with these constraints",
            [
                Problem(
                    "engine", "unknown engine", value=str(engine), hint="auto, dense or streamed"
                )
            ],
        )
    step = as_progress(progress)
    if policy is not None:
        case = case.with_policy(policy)
    step("scoring pairs")
    req = prepare(case, pinned, excluded, used_capacity, filled_slots, held=held)
    if needs_side_rows(req):
        under = finish_sided(req, lending, step, params)
        if under is not None:
            return under
    if req.streams(engine, params):
        got = solve_streamed_request(req, step, params)
        return finish_streamed(
            req,
            got.rows,
            got.cols,
            got.certified,
            got.alternates,
            got.alternates_below,
            step,
            params,
        )
    return finish_dense(req, step, params)


def solve_streamed_request(req: Request, step: Progress, params: EngineParams) -> Streamed:
    """The streamed solve of ``req``'s free pairs; a convex load cost's rest slots
    (:mod:`matcher.loadcost`) join as columns past the demands, held in the LP,
    and leave the answer before it is assembled."""
    # the streamed engine (compiled kernels) loads with the first pool that streams
    from matcher.stream import Edges, solve_streamed

    policy, m = req.sc.case.policy, req.sc.m
    head, held = req.free_head, None
    if load_is_on(policy):
        # the pins already take each cadre's first slots: the solver prices the next
        r, v = rest_slots(policy, req.free_cap, np.bincount(req.pr, minlength=req.sc.n))
        head = np.concatenate([head, np.ones(r.size, np.int64)])
        held = Edges(r, np.arange(m, m + r.size, dtype=np.intp), quantise(v))
    got = solve_streamed(
        req.sc, req.free_cap, head, req.blocked, policy.alternatives, step, np.unique(req.pc),
        params, held,
    )  # fmt: skip
    if held is None:
        return got
    real = got.cols < m
    alts = {j: found for j, found in got.alternates.items() if j < m}
    return replace(got, rows=got.rows[real], cols=got.cols[real], alternates=alts)


def finish_streamed(
    req: Request,
    rows: npt.NDArray[np.intp],
    cols: npt.NDArray[np.intp],
    certified: bool,
    alts: Alternates,
    below: float | None,
    step: Progress,
    params: EngineParams = DEFAULT,
) -> Proposal:
    """A streamed solve's free pairs, with the pins, explained and assembled."""
    rows = np.concatenate([rows, req.pr]).astype(np.intp)
    cols = np.concatenate([cols, req.pc]).astype(np.intp)
    step("explaining")
    unfilled = explain_streamed(req.sc, req.cap, req.head, req.ban_keys, rows, cols, step, params)
    return assemble(
        req.sc, req.head, rows, cols, req.pin_keys, alts, unfilled, "lp-streamed", certified,
        below,
    )  # fmt: skip
