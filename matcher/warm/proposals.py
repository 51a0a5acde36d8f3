"""``propose()`` that keeps its last big solve warm for the next call.

Why: a dispatcher's day on a big pool is a run of proposals that each differ
from the last by a little: a few pairs accepted (capacity and slots used), a
few declined, a new work order, one closed. :func:`matcher.propose` starts
each from scratch; :class:`WarmProposals` answers the same question from the
last solved plan and its duals (:class:`matcher.stream.live.LivePlan`) when the
change is one it can apply, and from scratch otherwise. Either way the plan
is optimal and certified for exactly the constraints given; where optima tie,
a warm plan may pick another of them than a cold one would.

Example:
    >>> from matcher import load_case
    >>> warm = WarmProposals(engine="streamed")
    >>> case = load_case("data/sample-district")
    >>> first = warm.propose(case)
    >>> again = warm.propose(case, used_capacity={first.assignments[0].cadre: 1})
    >>> warm.was_warm, again.certified
    (True, True)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt

from matcher.constraints import Engine, HeldWindow, Pair, Request, prepare
from matcher.dense import finish_dense
from matcher.gcpause import without_gc
from matcher.lending import LendingUse
from matcher.loadcost import load_is_on
from matcher.model import Case, Demand
from matcher.params import DEFAULT, EngineParams
from matcher.policy import Policy
from matcher.progress import Progress, as_progress
from matcher.proposal import Proposal
from matcher.propose import finish_streamed, solve_streamed_request
from matcher.scoring import Scorer
from matcher.sideplan import finish_sided, needs_side_rows
from matcher.solver.keys import pair_keys, unpair_keys
from matcher.stream.live import LivePlan

__all__ = ["WarmProposals"]

IntArray = npt.NDArray[np.int64]


@dataclass
class _Warm:
    """The last big solve, on its own column indexes (a closed demand keeps its
    column, at headcount 0, so the plan's indexes never shift)."""

    case: Case
    scorer: Scorer
    live: LivePlan
    #: demand id -> column of ``scorer``
    column: dict[str, int]
    #: pairs the plan may not choose (declined or pinned), on those columns
    blocked: IntArray
    #: the last request's own scorer (its case's columns, no closed ones kept)
    request_scorer: Scorer | None = None


class WarmProposals:
    """Proposals for one pool, each re-solved warm from the last when it can be.

    Not thread-safe: one call at a time (a service keeps one per district and
    serialises its calls). A call that fails or is cancelled forgets the warm
    plan, so the next one starts cold.
    """

    def __init__(self, engine: Engine = "auto", params: EngineParams = DEFAULT) -> None:
        self.engine: Engine = engine
        #: the engine's knobs for every proposal made here
        self.params = params
        self._last: _Warm | None = None
        #: whether the last :meth:`propose` re-solved warm
        self.was_warm = False

    @without_gc
    def propose(
        self,
        case: Case,
        policy: Policy | None = None,
        *,
        pinned: Iterable[Pair] = (),
        excluded: Iterable[Pair] = (),
        used_capacity: Mapping[str, int] | None = None,
        filled_slots: Mapping[str, int] | None = None,
        progress: Progress | Callable[[str], object] | None = None,
        lending: LendingUse | None = None,
        held: Mapping[str, Sequence[HeldWindow]] | None = None,
    ) -> Proposal:
        """What :func:`matcher.propose` gives for these arguments."""
        step = as_progress(progress)
        self.was_warm = False
        if policy is not None:
            case = case.with_policy(policy)
        step("scoring pairs")
        # the same pool as last time (only the constraints moved): its encoding still holds
        last_sc = self._last.request_scorer if self._last is not None else None
        same = last_sc is not None and last_sc.case == case
        req = prepare(
            case, pinned, excluded, used_capacity, filled_slots, last_sc if same else None,
            held=held,
        )  # fmt: skip
        # from here the plan is in play: a failure or a cancel forgets it
        last, self._last = self._last, None
        if needs_side_rows(req):  # a MILP over the whole plan: solved cold, nothing kept
            under = finish_sided(req, lending, step, self.params)
            if under is not None:
                return under
        if not req.streams(self.engine, self.params):  # small pools solve densely: nothing to keep
            return finish_dense(req, step, self.params)
        if load_is_on(case.policy):  # a plan-wide load cost: solved cold, nothing kept
            got = solve_streamed_request(req, step, self.params)
            return finish_streamed(
                req, got.rows, got.cols, got.certified, got.alternates, got.alternates_below, step,
                self.params,
            )  # fmt: skip
        warm = None
        if last is not None:
            last.live.step = step  # this call's progress (and its cancel), not the last one's
            warm = _follow(last, req)
        if warm is None:
            last = None  # one plan in memory at a time
            live = LivePlan(req.sc, req.free_cap, req.free_head, req.blocked, step, self.params)
            column = {d: j for j, d in enumerate(req.sc.demand_ids)}
            warm = _Warm(case, req.sc, live, column, req.blocked)
        else:
            self.was_warm = True
        out = _finish(warm, req, step)
        warm.request_scorer = req.sc
        self._last = warm
        return out


def _follow(last: _Warm, req: Request) -> _Warm | None:
    """``last`` brought up to ``req`` warm, or ``None`` when the change is not one
    it can apply (other cadres, their records, communities, taxonomy or policy; a demand edited
    beyond its headcount or moved; a decline or pin lifted)."""
    old, new = last.case, req.sc.case
    if (
        new.policy != old.policy
        or new.taxonomy != old.taxonomy
        or new.communities != old.communities
        or new.cadres != old.cadres
        or new.standing != old.standing
    ):
        return None
    if len({d.id for d in new.demands}) != len(new.demands):
        return None
    before = {d.id: d for d in old.demands}
    seen = [d for d in new.demands if d.id in last.column]
    if [last.column[d.id] for d in seen] != sorted(last.column[d.id] for d in seen):
        return None  # reordered: the proposal's order would differ
    if any(replace(before[d.id], headcount=d.headcount) != d for d in seen):
        return None
    added = [d for d in new.demands if d.id not in last.column]
    if added and new.demands[len(seen) :] != tuple(added):
        return None  # new demands must follow the known ones, as they will in the plan
    # the request's pairs on the plan's columns (new demands take the next ones)
    base = len(last.column)
    to_col = np.array(
        [last.column[d.id] for d in seen] + list(range(base, base + len(added))), np.int64
    )
    b_rows, b_cols = unpair_keys(req.blocked)
    blocked = pair_keys(b_rows, to_col[b_cols])
    lost = np.setdiff1d(last.blocked, blocked)
    asked = np.zeros(base + len(added), bool)
    asked[to_col] = True
    if asked[unpair_keys(lost)[1]].any():
        return None  # a decline or pin lifted on a demand still asked for
    # declines of a closed demand drop out of the snapshot: they still hold if it reopens
    blocked = np.union1d(blocked, lost)
    warm = last
    for d in added:
        warm = _add(warm, d)
    head = np.zeros(warm.scorer.m, np.int64)
    head[to_col] = req.free_head
    fresh = np.setdiff1d(blocked, warm.blocked)
    if fresh.size:
        warm.live.ban(fresh, resolve=False)
    warm.live.set_bounds(req.free_cap, head, resolve=False)
    warm.live.resolve()
    warm.blocked = blocked
    return warm


def _add(warm: _Warm, demand: Demand) -> _Warm:
    """A new work order joins the plan as its last column (headcount set later)."""
    case = replace(warm.case, demands=(*warm.case.demands, demand))
    scorer = warm.scorer.with_demands(case)
    warm.live.add_demand(scorer, 0, resolve=False)
    return _Warm(case, scorer, warm.live, {**warm.column, demand.id: scorer.m - 1}, warm.blocked)


def _finish(warm: _Warm, req: Request, step: Progress) -> Proposal:
    """The warm plan as the proposal for ``req`` (on the request's own indexes)."""
    to_col = np.array([warm.column[d] for d in req.sc.demand_ids], np.int64)
    back = np.full(warm.scorer.m, -1, np.int64)
    back[to_col] = np.arange(to_col.size)
    got = warm.live.streamed(req.sc.case.policy.alternatives, to_col[np.unique(req.pc)])
    alts = {int(back[j]): v for j, v in got.alternates.items()}
    cols = back[got.cols].astype(np.intp)
    return finish_streamed(
        req, got.rows, cols, got.certified, alts, got.alternates_below, step, warm.live.params
    )
