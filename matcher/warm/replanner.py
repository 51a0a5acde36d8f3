"""Re-propose after one change, warm: a new work order, a closed one, a cadre gone.

Why: a dispatcher's day is a stream of small changes to a pool that was just
solved. Starting over re-scores millions of pairs; a :class:`Replanner` keeps
the solved LP, its duals and the near-tight pairs (see
:class:`matcher.stream.live.LivePlan`) and re-certifies only what the change can
move. The plan it reaches has the optimum a cold :func:`matcher.propose` of the
changed case finds.

Example:
    >>> from matcher import Demand, load_case, propose
    >>> plan = Replanner(load_case("data/sample-district"))
    >>> order = Demand("D9001", "C001", "加装电梯协调", {"urban.elevator_retrofit": 3})
    >>> plan.add_demand(order)
    >>> plan.objective == propose(plan.case).objective
    True
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import replace

import numpy as np
import numpy.typing as npt

from matcher.assemble import assemble
from matcher.errors import CaseError, InputError, Problem
from matcher.explain.streamed import explain_streamed
from matcher.io.case import check_demand
from matcher.loadcost import load_is_on
from matcher.model import Case, Demand, Status
from matcher.params import DEFAULT, EngineParams
from matcher.policy import Policy
from matcher.progress import Progress, quiet
from matcher.proposal import Proposal
from matcher.scoring import Scorer
from matcher.stream.live import LivePlan

__all__ = ["Replanner"]

#: no pinned or banned pairs: a Replanner plans one pool as it is
NONE = np.zeros(0, np.int64)


class Replanner:
    """A case solved once and kept warm for edits; :meth:`proposal` at any time.

    An edit is checked before anything changes (a bad demand raises
    :class:`CaseError` and leaves the plan as it was). If its re-solve is
    interrupted (``Cancelled`` from the progress callback, or any error), the
    edit stays recorded and the next use re-solves the edited case cold, so the
    plan never reads as certified when it is not.

    Pins, declines and active dispatches are not modelled here: it serves the
    planning loop of one pool (see :func:`matcher.propose` for those).
    """

    def __init__(
        self,
        case: Case,
        policy: Policy | None = None,
        progress: Progress | None = None,
        params: EngineParams = DEFAULT,
    ) -> None:
        #: the engine's knobs for the live plan
        self.params = params
        self.case = case if policy is None else case.with_policy(policy)
        if load_is_on(self.case.policy):
            raise InputError(
                "cannot keep this plan warm",
                [
                    Problem(
                        "policy",
                        "a load cost prices whole plans: propose them cold",
                        column="fairness",
                        code="problem.load_not_warm",
                    )
                ],
            )
        if any(d.start is not None for d in self.case.demands):
            raise InputError(
                "cannot keep this plan warm",
                [
                    Problem(
                        "demands",
                        "dated orders bind whole plans: propose them cold",
                        column="start",
                        code="problem.dated_not_warm",
                    )
                ],
            )
        if self.case.policy.lending.is_on:
            raise InputError(
                "cannot keep this plan warm",
                [
                    Problem(
                        "policy",
                        "lending limits bind whole plans: propose them cold",
                        column="lending",
                        code="problem.lending_not_warm",
                    )
                ],
            )
        self.step: Progress = progress or quiet
        self.scorer = Scorer(self.case)
        self.head = self.scorer.headcount.copy()
        self._live: LivePlan | None = None
        self.live  # noqa: B018 - the first solve happens here, as documented

    @property
    def live(self) -> LivePlan:
        """The warm plan, re-solved cold first if an edit's solve was interrupted."""
        if self._live is None:
            self.step("scoring pairs")
            self._live = LivePlan(self.scorer, self._cap(), self.head, NONE, self._say, self.params)
        return self._live

    def _cap(self) -> npt.NDArray[np.int64]:
        """Capacities as the plan sees them: a withdrawn (red) cadre has none."""
        return np.where(self.scorer.red, 0, self.scorer.capacity)

    def _say(self, phase: str, fraction: float | None = None, /) -> None:
        self.step(phase, fraction)  # looked up each time: the callback may be swapped

    def _edit(self, apply: Callable[[LivePlan], object]) -> None:
        live = self.live
        try:
            apply(live)
        except BaseException:
            self._live = None  # the case holds the edit; the next use solves it cold
            raise

    @property
    def objective(self) -> float:
        """Total score of the current plan (summed as :func:`propose` sums it)."""
        res = self.live.result
        scores = self.scorer.pairs(res.rows, res.cols).scores
        return round(math.fsum(scores.tolist()), 6)

    @property
    def certified(self) -> bool:
        return self.live.result.u is not None

    def pairs(self) -> list[tuple[str, str]]:
        """The plan as (cadre, demand) ids."""
        res = self.live.result
        return [
            (self.scorer.cadre_ids[i], self.scorer.demand_ids[j])
            for i, j in zip(res.rows.tolist(), res.cols.tolist(), strict=True)
        ]

    def add_demand(self, demand: Demand) -> None:
        """A new work order joins the pool (checked as a ``demands.csv`` row would be)."""
        problems = check_demand(self.case, demand)
        if problems:
            raise CaseError("cannot add this demand", problems)
        self.live  # noqa: B018 - settle a pending re-solve before the edit
        self.case = replace(self.case, demands=(*self.case.demands, demand))
        self.scorer = self.scorer.with_demands(self.case)
        self.head = np.append(self.head, demand.headcount)
        scorer = self.scorer
        self._edit(lambda live: live.add_demand(scorer, demand.headcount))

    def close_demand(self, demand_id: str) -> None:
        """A work order needs nobody more (done, cancelled or staffed elsewhere)."""
        j = self._index(self.scorer.demand_ids, demand_id, "demand")
        self.live  # noqa: B018 - settle a pending re-solve before the edit
        self.case = replace(
            self.case,
            demands=tuple(
                replace(d, headcount=0) if k == j else d for k, d in enumerate(self.case.demands)
            ),
        )
        self.head[j] = 0
        self.scorer = self.scorer.with_demands(self.case)
        self._edit(lambda live: live.close_demand(j))

    def withdraw_cadre(self, cadre_id: str) -> None:
        """A cadre leaves the pool (red warning, leave): their pairs are dropped."""
        i = self._index(self.scorer.cadre_ids, cadre_id, "cadre")
        self.live  # noqa: B018 - settle a pending re-solve before the edit
        self.case = replace(
            self.case,
            cadres=tuple(
                replace(c, status=Status.RED) if k == i else c
                for k, c in enumerate(self.case.cadres)
            ),
        )
        self.scorer = self.scorer.with_red(self.case, i)
        self._edit(lambda live: live.withdraw_cadre(i))

    def proposal(self) -> Proposal:
        """The current plan in full: breakdowns, exact alternates, unfilled reasons."""
        live = self.live
        res = live.result
        alts = live.alternates(self.case.policy.alternatives) if self.certified else {}
        self.step("explaining")
        unfilled = explain_streamed(
            self.scorer, self._cap(), self.head, NONE, res.rows, res.cols, self.step, self.params
        )
        return assemble(
            self.scorer,
            self.head,
            res.rows,
            res.cols,
            NONE,
            alts,
            unfilled,
            "lp-streamed",
            self.certified,
            live.alternates_below if self.certified else None,
        )

    @staticmethod
    def _index(ids: tuple[str, ...], key: str, what: str) -> int:
        try:
            return ids.index(key)
        except ValueError:
            raise CaseError(
                f"cannot change this {what}", [Problem(what, "unknown id", value=key)]
            ) from None
