"""Proposals under hard lending rules: a limit per community and a home floor.

A dispatch is *lent* when the cadre's home community is not the demand's
(the lending ledger, :mod:`matcher.record.ledger`, counts the same way).
``[lending]`` in the policy can hold two hard rules:

* ``max_lent`` / ``limits``: a community lends at most so many dispatches per
  period (``period_days``, ending today), counting what it already lent
  (:class:`LendingUse`, from the store) and what this plan lends;
* ``home_floor``: at least ``k`` of a community's able cadres (not withdrawn,
  capacity above 0) hold no lent dispatch, so they stay free for home demands.

Neither keeps the problem a network flow (:mod:`matcher.solver.sided` says
why): this module states the rules as side rows, and :mod:`matcher.sideplan`
solves the plan with them as a MILP to a zero gap.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from matcher.constraints import Request
from matcher.errors import InputError, Problem
from matcher.model import Case
from matcher.policy import Policy
from matcher.solver.siderows import SideRows

__all__ = ["LendingUse", "check_lending", "lending_rows", "unknown_limits"]

IndexArray = npt.NDArray[np.intp]


@dataclass(frozen=True)
class LendingUse:
    """What a district's dispatches already take from the lending rules.

    ``lent``: community id → dispatches it lent in the period; ``away``: cadres
    holding an active lent dispatch now (they already count against the floor);
    ``unavailable``: cadres marked 暂不可派 now (at home but not free for home
    demands, so they do not count toward a community's floor).
    """

    lent: Mapping[str, int] = field(default_factory=dict)
    away: frozenset[str] = frozenset()
    unavailable: frozenset[str] = frozenset()


def _lent(req: Request, r: IndexArray, c: IndexArray) -> npt.NDArray[np.bool_]:
    """Which edges lend a cadre to another community (rest slots never do)."""
    sc, m = req.sc, req.sc.m
    out = np.zeros(r.size, bool)
    real = np.flatnonzero(c < m)
    out[real] = sc.home[r[real]] != sc.where[c[real]]
    return out


def lending_rows(
    req: Request,
    use: LendingUse,
    r: IndexArray,
    c: IndexArray,
    fixed: npt.NDArray[np.bool_],
    timed: npt.NDArray[np.bool_] | None = None,
) -> SideRows:
    """The side rows of the policy's lending rules over edges ``(r, c)`` (columns
    past the demands are rest slots, never lent). A right-hand side never falls
    below what the pinned pairs already take, so the problem stays feasible.
    ``timed`` marks dated pairs: a cadre may hold any number of those (at
    different times), so they count in full where capacity bounds the others."""
    sc = req.sc
    case = sc.case
    rules = case.policy.lending
    lent = _lent(req, r, c)
    groups, group_rhs = [], []
    for k, comm in enumerate(case.communities):
        limit = rules.limit_of(comm.id)
        if limit is None:
            continue
        members = np.flatnonzero(lent & (sc.home[r] == k))
        rhs = max(limit - int(use.lent.get(comm.id, 0)), int(fixed[members].sum()))
        # the most this community could lend: each cadre's untimed lent pairs up to
        # its capacity, and every timed one
        dated = timed[members] if timed is not None else np.zeros(members.size, bool)
        steady = np.bincount(r[members[~dated]], minlength=sc.n)
        most = int(np.minimum(steady, req.cap).sum()) + int(dated.sum())
        if rhs < most:
            groups.append(members)
            group_rhs.append(rhs)
    if rules.home_floor <= 0:
        return SideRows(groups, group_rhs)
    away = np.array([x in use.away for x in sc.cadre_ids], bool)
    off = np.array([x in use.unavailable for x in sc.cadre_ids], bool)
    able = ~sc.red & (sc.capacity > 0) & ~off
    # a cadre already away counts against the floor and may lend more at no further cost
    flagged = lent & ~away[r]
    pinned_out = np.zeros(sc.n, bool)
    pinned_out[r[flagged & fixed]] = True
    could = np.zeros(sc.n, bool)
    could[r[flagged]] = True
    row_sets, row_rhs = [], []
    for k in range(len(case.communities)):
        own = (sc.home == k) & able
        free = np.flatnonzero(own & ~away)
        rhs = max(int(own.sum()) - rules.home_floor - int((own & away).sum()), 0)
        rhs = max(rhs, int(pinned_out[free].sum()))
        if rhs < int((could[free] & (req.cap[free] > 0)).sum()):
            row_sets.append(free.astype(np.intp))
            row_rhs.append(rhs)
    return SideRows(groups, group_rhs, flagged, row_sets, row_rhs)


def check_lending(req: Request) -> None:
    """Every community a limit names is one of the case's: a misspelt id would
    silently drop a hard rule."""
    unknown_limits(req.sc.case.policy, req.sc.case)


def unknown_limits(policy: Policy, case: Case) -> None:
    """Raise :class:`InputError` when ``policy`` limits a community ``case`` does not
    have (a service checks it before queuing the work)."""
    known = {c.id for c in case.communities}
    bad = sorted(set(policy.lending.limits) - known)
    if bad:
        raise InputError(
            "cannot propose with these constraints",
            [
                Problem(
                    "policy",
                    "lending limit for an unknown community",
                    column="lending.limits",
                    value=x,
                    hint="use a community id of this district",
                    code="problem.lending_unknown_community",
                    params={"community": x},
                )
                for x in bad
            ],
        )
