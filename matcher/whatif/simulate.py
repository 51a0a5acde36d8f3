"""A rolling-horizon simulation: work orders arrive daily, each day's proposal is accepted.

Why: a fairness policy is judged over months, not one plan. Each day work orders
open (the history generator's arrival model, :mod:`matcher.generate.history`:
Poisson arrivals at ``ORDERS_PER_100_CADRES`` per 100 cadres a day, 0.4 of that
at weekends, each a copy of one of the case's demands drawn by priority, lasting
a geometric(0.45) number of days); the day's proposal is accepted whole; a
dispatch holds a capacity slot until it completes, then adds its hours to the
cadre's record. Orders not filled that day lapse. The record figures the policy
may score (``hours_recent`` over the last 30 days, ``days_idle``) are kept as
the days pass, so ``recent_load`` and ``idle_bonus`` see the simulated history,
and so are the lent dispatches the lending rules count (``[lending]``: each day's
limit counts what was lent in the period before it, the floor the cadres still
away on lent work).

Every policy simulated sees the same arrivals (one seed), so the figures compare
the policies and nothing else. Reported per policy (:class:`SimResult`): the
total base score of the accepted dispatches (``fill + skill + travel + status``,
the fairness terms left out, so what fairness costs is visible), the fill rate,
and the spread of hours over the dispatchable pool
(:func:`matcher.record.load_spread`).

Example:
    >>> from matcher import load_case
    >>> r = simulate(load_case("data/sample-district"), Policy(alternatives=0), days=2)
    >>> r.days, r.slots_filled <= r.slots_opened
    (2, True)
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, replace
from datetime import date, timedelta

import numpy as np

from matcher.generate.history import ORDERS_PER_100_CADRES
from matcher.lending import LendingUse
from matcher.model import Case, Demand, Status
from matcher.policy import Policy
from matcher.propose import propose
from matcher.record import LoadSpread, Standing, load_spread

__all__ = ["SimResult", "fair_policy", "simulate"]

#: the window of the ``hours_recent`` figure the simulation keeps
RECENT_DAYS = 30
#: the terms of the base score (what a dispatch is worth without fairness terms)
BASE = ("fill", "skill", "travel", "status")


@dataclass(frozen=True)
class SimResult:
    """One policy's run: what it scored, what it filled, how it spread the hours."""

    days: int
    orders: int
    slots_opened: int
    slots_filled: int
    #: Σ of the accepted dispatches' base scores (fairness terms left out)
    score: float
    #: Σ of the daily objectives (with every term the policy scores)
    objective: float
    spread: LoadSpread
    #: the most dispatches one community lent within any ``lending.period_days`` days
    most_lent: int = 0

    @property
    def fill_rate(self) -> float:
        return self.slots_filled / self.slots_opened if self.slots_opened else 1.0


def fair_policy(
    base: Policy, load_step: float = 5.0, recent_load: float = 10.0, idle_bonus: float = 3.0
) -> Policy:
    """``base`` with the fairness terms on: a convex load cost in each day's plan,
    a penalty per 100 recent hours and an idle bonus (defaults: the benchmark's)."""
    w = base.weights.model_copy(update={"recent_load": recent_load, "idle_bonus": idle_bonus})
    f = base.fairness.model_copy(update={"load_step": load_step})
    return base.model_copy(update={"weights": w, "fairness": f})


def _day_orders(rng: np.random.Generator, case: Case, day: int, today: date) -> list[Demand]:
    """Today's work orders: the generator's arrival model (see the module's docstring)."""
    demands = case.demands
    pool = len(case.cadres)
    prio = np.array([d.priority for d in demands], np.float64)
    rate = ORDERS_PER_100_CADRES * pool / 100.0 * (0.4 if today.weekday() >= 5 else 1.0)
    k = int(rng.poisson(rate)) if demands else 0
    picks: list[int] = rng.choice(len(demands), size=k, p=prio / prio.sum()).tolist() if k else []
    return [replace(demands[j], id=f"{demands[j].id}-{day}-{n}") for n, j in enumerate(picks)]


def simulate(case: Case, policy: Policy, *, days: int = 90, seed: int = 0) -> SimResult:
    """Run ``days`` days of arrivals on ``case``'s pool under ``policy`` (see the module)."""
    rng = np.random.default_rng(seed)
    start = date(2026, 1, 1)
    cadres = case.cadres
    ids = [c.id for c in cadres]
    base_hours = {
        d.id: float(h)
        for d, h in zip(case.demands, rng.uniform(2.0, 6.0, len(case.demands)), strict=True)
    }
    busy: dict[str, int] = {}  # active dispatches per cadre
    ends: dict[int, list[tuple[str, float]]] = {}  # day → (cadre, hours) completing then
    # the lending rules' past (matcher.lending): lent dispatches by day and home, and
    # each cadre's active lent dispatches
    home = {c.id: c.home for c in cadres}
    lent_log: list[tuple[int, str]] = []
    lent_now: dict[str, int] = {}
    lent_ends: dict[int, list[str]] = {}
    served: list[tuple[int, str, float]] = []  # (day completed, cadre, hours)
    last_done: dict[str, int] = {}
    orders = opened = filled = 0
    score = objective = 0.0
    for day in range(days):
        for cadre in lent_ends.pop(day, ()):
            lent_now[cadre] -= 1
        for cadre, hours in ends.pop(day, ()):
            busy[cadre] -= 1
            served.append((day, cadre, hours))
            last_done[cadre] = day
        today = start + timedelta(days=day)
        todays = _day_orders(rng, case, day, today)
        lengths = [min(int(rng.geometric(0.45)), days - day) for _ in todays]
        spread = [float(0.8 + 0.4 * rng.random()) for _ in todays]
        orders += len(todays)
        opened += sum(d.headcount for d in todays)
        if not todays:
            continue
        recent: dict[str, float] = {}
        for d_day, cadre, hours in served:
            if day - d_day < RECENT_DAYS:
                recent[cadre] = recent.get(cadre, 0.0) + hours
        standing = {
            c: Standing(hours_recent=recent.get(c, 0.0), days_idle=day - last_done.get(c, 0))
            for c in ids
        }
        today_case = replace(case, demands=tuple(todays), standing=standing)
        period = policy.lending.period_days
        lent_use = LendingUse(
            dict(Counter(h for d_day, h in lent_log if day - d_day < period)),
            frozenset(c for c, n in lent_now.items() if n),
        )
        plan = propose(
            today_case, policy, used_capacity={c: n for c, n in busy.items() if n}, lending=lent_use
        )
        objective += plan.objective
        at = {d.id: k for k, d in enumerate(todays)}
        for a in plan.assignments:
            k = at[a.demand]
            d = todays[k]
            template = d.id.rsplit("-", 2)[0]
            length = lengths[k]
            hours = base_hours[template] * spread[k] * (1.0 + 0.35 * (length - 1))
            hours *= 1.0 + 0.1 * (d.priority - 3)
            busy[a.cadre] = busy.get(a.cadre, 0) + 1
            ends.setdefault(day + length, []).append((a.cadre, round(hours * 2) / 2))
            if home[a.cadre] != d.community:
                lent_log.append((day, home[a.cadre]))
                lent_now[a.cadre] = lent_now.get(a.cadre, 0) + 1
                lent_ends.setdefault(day + length, []).append(a.cadre)
            score += math.fsum(a.breakdown[t] for t in BASE)
            filled += 1
    for cadre, hours in (x for later in ends.values() for x in later):
        served.append((days, cadre, hours))  # the last day's dispatches complete at the end
    pool = [c.id for c in cadres if c.status is not Status.RED and c.capacity > 0]
    per: dict[str, float] = dict.fromkeys(pool, 0.0)
    for _, cadre, hours in served:
        if cadre in per:
            per[cadre] += hours
    return SimResult(
        days=days,
        orders=orders,
        slots_opened=opened,
        slots_filled=filled,
        score=round(score, 4),
        objective=round(objective, 4),
        spread=load_spread(list(per.values())),
        most_lent=_most_lent(lent_log, policy.lending.period_days),
    )


def _most_lent(log: list[tuple[int, str]], period: int) -> int:
    """The most (day, home) entries of one home within any ``period`` consecutive days."""
    out = 0
    by_home: dict[str, list[int]] = {}
    for day, home in log:
        by_home.setdefault(home, []).append(day)
    for days in by_home.values():
        days.sort()
        lo = 0
        for hi, d in enumerate(days):
            while d - days[lo] >= period:
                lo += 1
            out = max(out, hi - lo + 1)
    return out
