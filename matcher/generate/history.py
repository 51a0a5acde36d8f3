"""A seeded dispatch history for a case: outcomes, trainings, and a hidden truth.

Why: the growth record (成长档案), its warnings and its points are functions of a
history, and a district's real history holds personal data that cannot ship. This
module makes months of plausible history for a case (the sample district by
default) from one seed, so records and warnings have something real to show, and
so the warning rules can be *backtested*: the generator knows which cadres it made
unreliable and from when (:attr:`History.unreliable`, :attr:`History.turned`),
which the rules never see.

How: each day some work orders open (demands drawn by priority); each slot goes to
a cadre drawn (by activity) among those that pass every hard rule for the demand
and have a free capacity slot for the dispatch's whole span. Cadres the generator
made unreliable drift from the district's behaviour over about
:data:`DRIFT_DAYS`: more no-shows, more "cadre unavailable" cancellations, lower
ratings. Low-activity cadres are simply drawn less often. Everything comes from
one ``numpy.random.Generator`` in a fixed order, so a seed gives the same history.

Example:
    >>> from matcher import SAMPLE_DISTRICT, load_case
    >>> h = generate_history(load_case(SAMPLE_DISTRICT), seed=1, months=1, as_of=date(2026, 6, 30))
    >>> h.start, h.as_of, len(h.outcomes) > 100
    (datetime.date(2026, 5, 31), datetime.date(2026, 6, 30), True)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from types import MappingProxyType

import numpy as np
import numpy.typing as npt

from matcher.geo import distance_matrix
from matcher.model import Case, Demand, Status
from matcher.record import CancelReason, Ending, Outcome, RecordPolicy, StatusChange, Training

__all__ = ["DRIFT_DAYS", "History", "generate_history"]

#: days over which a cadre turning unreliable drifts from normal to fully unreliable
DRIFT_DAYS = 60
#: work orders opened per day, on average, per 100 cadres in the pool
ORDERS_PER_100_CADRES = 10.0
#: share of dispatchable cadres made unreliable; half of them from the start
UNRELIABLE_SHARE = 0.08
#: share of dispatchable cadres that are simply drawn less often
LOW_ACTIVITY_SHARE = 0.10
#: an outcome's hours never exceed this (the policy's default maximum)
MAX_HOURS: float = RecordPolicy().max_hours

_EXEMPT_REASONS = (
    "首次尝试线上议事，流程安排不当，已复盘整改",
    "试点新的垃圾分类督导方式，居民一时不适应",
    "探索加装电梯协调新办法，个别住户意见未及时收集",
    "尝试夜间走访模式，时间安排欠妥",
    "新媒体宣传试点中信息发布有误，已及时更正",
)
_COURSE_KINDS = ("专题培训", "能力提升班", "实务工作坊", "案例研讨")

Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]


@dataclass(frozen=True)
class History:
    """A district's dispatch history from ``start`` to ``as_of`` (both included).

    ``outcomes`` and ``trainings`` are in date order; ``joined`` is each cadre's
    date of joining the pool. ``unreliable`` (with ``turned``: the day each began
    to drift) and ``low_activity`` are the generator's hidden truth, for
    backtests only: nothing that judges cadres may read them.
    """

    start: date
    as_of: date
    outcomes: tuple[Outcome, ...]
    trainings: tuple[Training, ...]
    status_changes: tuple[StatusChange, ...] = ()
    joined: Mapping[str, date] = field(default_factory=lambda: MappingProxyType({}))
    unreliable: frozenset[str] = frozenset()
    turned: Mapping[str, date] = field(default_factory=lambda: MappingProxyType({}))
    low_activity: frozenset[str] = frozenset()


def _months_before(day: date, months: int) -> date:
    """The same day of the month ``months`` earlier (clamped to the month's length)."""
    y, m = divmod(day.year * 12 + day.month - 1 - months, 12)
    m += 1
    last = (date(y + (m == 12), m % 12 + 1, 1) - timedelta(days=1)).day
    return date(y, m, min(day.day, last))


def _feasible(case: Case) -> list[Ints]:
    """Per demand, the cadres that pass every hard rule (base certs only)."""
    com = {c.id: i for i, c in enumerate(case.communities)}
    lat = np.array([c.lat for c in case.communities])
    lon = np.array([c.lon for c in case.communities])
    km = distance_matrix(lat, lon, lat, lon)
    out: list[Ints] = []
    for d in case.demands:
        ok: list[int] = []
        for i, c in enumerate(case.cadres):
            if c.status == Status.RED or c.capacity <= 0:
                continue
            if any(c.skills.get(t, 0) < lv for t, lv in d.requires.items()):
                continue
            if not set(d.certs) <= set(c.certs):
                continue
            if km[com[c.home], com[d.community]] > c.max_travel_km:
                continue
            ok.append(i)
        out.append(np.array(ok, dtype=np.int64))
    return out


def _ramp(day: int, turned: Floats) -> Floats:
    """How unreliable each cadre is on ``day`` (0 = normal, 1 = fully drifted)."""
    return np.clip((day - turned) / DRIFT_DAYS, 0.0, 1.0)


def generate_history(
    case: Case, *, seed: int = 0, months: int = 12, as_of: date | None = None
) -> History:
    """``months`` of history for ``case`` ending on ``as_of`` (default: 2026-11-30).

    The history starts the day after the same day ``months`` earlier, so twelve
    months to 30 November run from 1 December.

    Every dispatch passes the case's hard rules (status, capacity, required
    levels, certs, travel) and no cadre holds more dispatches on a day than its
    capacity. Deterministic for ``seed``.
    """
    if months < 1:
        raise ValueError("months must be >= 1")
    end = as_of or date(2026, 11, 30)
    start = _months_before(end, months) + timedelta(days=1)
    n_days = (end - start).days + 1
    rng = np.random.default_rng(seed)
    cadres, demands = case.cadres, case.demands
    n = len(cadres)
    ids = [c.id for c in cadres]

    # who the cadres are: join dates, activity, the hidden unreliable minority
    before = rng.integers(1, 4 * 365, n)
    late = rng.random(n) < 0.15
    join_day = np.where(late, rng.integers(0, max(1, int(n_days * 0.8)), n), -before)
    activity = rng.lognormal(0.0, 0.35, n)
    bias = rng.normal(0.0, 0.3, n)
    usable = [i for i, c in enumerate(cadres) if c.status != Status.RED and c.capacity > 0]
    order = rng.permutation(np.array(usable, dtype=np.int64))
    n_bad = round(len(usable) * UNRELIABLE_SHARE)
    n_low = round(len(usable) * LOW_ACTIVITY_SHARE)
    bad, low = order[:n_bad], order[n_bad : n_bad + n_low]
    activity[low] *= 0.12
    turned_day = np.full(n, np.inf)
    half = n_bad // 2
    turned_day[bad[:half]] = np.maximum(join_day[bad[:half]], 0)
    mid = rng.integers(min(90, n_days // 4), max(n_days - 90, n_days // 4 + 1), n_bad - half)
    turned_day[bad[half:]] = np.maximum(mid, join_day[bad[half:]])

    feasible = _feasible(case)
    base_hours = rng.uniform(2.0, 6.0, len(demands))
    priority = np.array([d.priority for d in demands], dtype=np.float64)
    demand_weight = priority / priority.sum() if len(demands) else priority
    capacity = np.array([c.capacity for c in cadres], dtype=np.int64)
    active = np.zeros(n, dtype=np.int64)
    freed: dict[int, list[int]] = {}
    outcomes: list[Outcome] = []
    rate = ORDERS_PER_100_CADRES * n / 100.0

    for day in range(n_days):
        for i in freed.pop(day, ()):
            active[i] -= 1
        today = start + timedelta(days=day)
        weekend = today.weekday() >= 5
        n_orders = int(rng.poisson(rate * (0.4 if weekend else 1.0))) if len(demands) else 0
        chosen: Ints = (
            rng.choice(len(demands), size=n_orders, p=demand_weight)
            if n_orders
            else np.zeros(0, dtype=np.int64)
        )
        drift = _ramp(day, turned_day)
        for j in chosen:
            d = demands[j]
            length = min(int(rng.geometric(0.45)), n_days - day)
            cand = feasible[j]
            cand = cand[(join_day[cand] <= day) & (active[cand] < capacity[cand])]
            slots = min(d.headcount, len(cand))
            if slots == 0:
                continue
            w = activity[cand] / activity[cand].sum()
            for i in (int(x) for x in rng.choice(cand, size=slots, replace=False, p=w)):
                active[i] += 1
                freed.setdefault(day + length, []).append(i)
                outcomes.append(
                    _outcome(
                        rng,
                        len(outcomes) + 1,
                        ids[i],
                        d,
                        today,
                        length,
                        float(drift[i]),
                        float(base_hours[j]),
                        float(bias[i]),
                    )
                )
    trainings = _trainings(rng, case, start, n_days, join_day)
    return History(
        start=start,
        as_of=end,
        outcomes=tuple(outcomes),
        trainings=trainings,
        joined=MappingProxyType(
            {ids[i]: start + timedelta(days=int(join_day[i])) for i in range(n)}
        ),
        unreliable=frozenset(ids[i] for i in bad),
        turned=MappingProxyType(
            {ids[i]: start + timedelta(days=int(turned_day[i])) for i in sorted(bad)}
        ),
        low_activity=frozenset(ids[i] for i in low),
    )


def _outcome(
    rng: np.random.Generator,
    dispatch: int,
    cadre: str,
    d: Demand,
    started: date,
    length: int,
    drift: float,
    base_hours: float,
    bias: float,
) -> Outcome:
    """One dispatch's ending: no-show, cancellation or completion with hours and maybe a rating."""
    no_show = Outcome(
        dispatch, cadre, d.id, d.community, started, started, Ending.NO_SHOW, d.priority
    )
    draw = rng.random()
    p_noshow = 0.02 + 0.20 * drift
    p_cancel = 0.05 + 0.10 * drift
    if draw < p_noshow:
        return no_show
    if draw < p_noshow + p_cancel:
        weights = np.array([0.3 + 2.0 * drift, 0.35, 0.1, 0.25])
        why = (
            CancelReason.CADRE_UNAVAILABLE,
            CancelReason.COMMUNITY_WITHDREW,
            CancelReason.DUPLICATE,
            CancelReason.OTHER,
        )[int(rng.choice(4, p=weights / weights.sum()))]
        ended = started + timedelta(days=int(rng.integers(0, length)))
        return replace(no_show, ended=ended, ending=Ending.CANCELLED, cancel_reason=why)
    hours = base_hours * (0.8 + 0.4 * rng.random()) * (1.0 + 0.35 * (length - 1))
    hours *= 1.0 + 0.1 * (d.priority - 3)
    hours = min(MAX_HOURS, max(0.5, round(hours * 2) / 2))
    exempt = bool(rng.random() < 0.015)
    rated = bool(rng.random() < 0.6)
    mean = 4.3 + bias - 1.9 * drift - (1.3 if exempt else 0.0)
    rating = int(np.clip(round(rng.normal(mean, 0.7)), 1, 5)) if rated else None
    reason = _EXEMPT_REASONS[int(rng.integers(len(_EXEMPT_REASONS)))] if exempt else None
    return replace(
        no_show,
        ended=started + timedelta(days=length - 1),
        ending=Ending.COMPLETED,
        hours=hours,
        rating=rating,
        exempt=exempt,
        exempt_reason=reason,
    )


def _trainings(
    rng: np.random.Generator, case: Case, start: date, n_days: int, join_day: Ints
) -> tuple[Training, ...]:
    """A few sessions a year per cadre, mostly in the categories of their skills."""
    tax = case.taxonomy
    certs = tax.cert_slugs
    out: list[Training] = []
    for i, c in enumerate(case.cadres):
        first = max(0, int(join_day[i]))
        if first >= n_days:
            continue
        k = int(rng.poisson(3.0 * (n_days - first) / 365.0))
        held = set(c.certs)
        for day in sorted(int(x) for x in rng.integers(first, n_days, k)):
            skills = sorted(c.skills) or list(tax.tag_slugs)
            tag = skills[int(rng.integers(len(skills)))]
            cat = tax.category_of(tag)
            siblings = [t for t in tax.tag_slugs if tax.category_of(t) == cat]
            extra = siblings[int(rng.integers(len(siblings)))]
            tags = tuple(dict.fromkeys((tag, extra)))
            hours = float(rng.choice([2.0, 3.0, 4.0, 6.0, 8.0, 16.0]))
            category = next(x for x in tax.categories if x.slug == cat)
            course = category.zh + _COURSE_KINDS[int(rng.integers(len(_COURSE_KINDS)))]
            cert = None
            lacking = [x for x in certs if x not in held]
            if lacking and rng.random() < 0.12:
                cert = lacking[int(rng.integers(len(lacking)))]
                held.add(cert)
                course = tax.certs[tax.cert_index(cert)].zh + "资格培训"
                hours = 16.0
            out.append(Training(c.id, course, start + timedelta(days=day), hours, tags, cert))
    out.sort(key=lambda t: (t.day, t.cadre))
    return tuple(out)
