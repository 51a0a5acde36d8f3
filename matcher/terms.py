"""The score's named terms: which ones a policy lists, the per-cadre ones' values,
and the arrays that carry a score term by term (:class:`ScoreMatrix`, :class:`PairScores`).

Why apart from :mod:`matcher.scoring`: the pair terms need the taxonomy's arrays
and the geometry, these only the policy and each cadre's status and
:class:`~matcher.record.Standing`; the formula of each is stated once, in
:mod:`matcher.scoring`'s docstring, and written once, here (per-cadre) or in
:class:`~matcher.scoring.Scorer` (per pair).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from matcher.loadcost import load_is_on
from matcher.model import Case, Status
from matcher.policy import Policy
from matcher.record import Standing

__all__ = [
    "BASE_TERMS",
    "DECIMALS",
    "HOURS_UNIT",
    "PAIR_EXTRA_TERMS",
    "PLAN_TERMS",
    "RECENT_HOURS_CAP",
    "RECORD_TERMS",
    "TERMS",
    "PairScores",
    "ScoreMatrix",
    "active_terms",
    "cadre_terms",
]

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
IndexArray = npt.NDArray[np.intp]

#: the terms every score has, in breakdown order
BASE_TERMS = ("fill", "skill", "travel", "status")
#: the growth record's per-cadre terms: scored (and listed) only at a weight above 0
RECORD_TERMS = ("reliability", "hours_behind", "recent_load", "idle_bonus")
#: pair terms a policy may turn on: listed only at a weight above 0
PAIR_EXTRA_TERMS = ("home_first",)
#: terms of the plan, not of a pair: listed only when the policy turns them on
PLAN_TERMS = ("load",)
#: every term a breakdown can list, in breakdown order
TERMS = (*BASE_TERMS, *RECORD_TERMS, *PAIR_EXTRA_TERMS, *PLAN_TERMS)
DECIMALS = 4
#: hours that earn the whole ``hours_behind`` bonus, and the unit of ``recent_load``
HOURS_UNIT = 100.0
#: recent hours past this add no more penalty (keeps every score on the solver's grid)
RECENT_HOURS_CAP = 1000.0


@dataclass(frozen=True)
class ScoreMatrix:
    """Scores of every (cadre, demand) pair, rows and columns in case order.

    ``scores`` is 0 where ``feasible`` is False. ``parts[term]`` holds each
    term (their sum is ``scores``); ``fails[rule]`` marks pairs a hard rule
    excludes, for explanations.

    Example:
        >>> from matcher import load_case, score_matrix
        >>> sm = score_matrix(load_case("data/sample-district"))
        >>> sm.scores.shape == (len(sm.cadre_ids), len(sm.demand_ids))
        True
        >>> bool(np.allclose(sum(sm.parts.values()), sm.scores))
        True
    """

    cadre_ids: tuple[str, ...]
    demand_ids: tuple[str, ...]
    scores: FloatArray
    feasible: BoolArray
    capacity: npt.NDArray[np.int64]
    headcount: npt.NDArray[np.int64]
    parts: dict[str, FloatArray]
    fit: FloatArray
    distance_km: FloatArray
    fails: dict[str, BoolArray]


@dataclass(frozen=True)
class PairScores:
    """Scores of a list of pairs ``(rows[k], cols[k])``; the same numbers a
    :class:`ScoreMatrix` holds at those cells, bit for bit."""

    rows: IndexArray
    cols: IndexArray
    scores: FloatArray
    feasible: BoolArray
    parts: dict[str, FloatArray]
    fit: FloatArray
    distance_km: FloatArray


def active_terms(policy: Policy) -> tuple[str, ...]:
    """The terms a breakdown lists under ``policy``: the base four, then each
    record term and ``home_first`` whose weight is above 0 (at 0 a term is not
    scored at all, so proposals stay what they were without it), then the plan's.

    Example:
        >>> active_terms(Policy())
        ('fill', 'skill', 'travel', 'status')
        >>> active_terms(Policy.model_validate({"weights": {"recent_load": 1.0}}))[-1]
        'recent_load'
    """
    w = policy.weights
    record = tuple(t for t in (*RECORD_TERMS, *PAIR_EXTRA_TERMS) if getattr(w, t) > 0)
    return BASE_TERMS + record + (PLAN_TERMS if load_is_on(policy) else ())


def _finite(x: float | None, neutral: float) -> float:
    return neutral if x is None or not math.isfinite(x) else float(x)


def _rounded(x: npt.ArrayLike) -> FloatArray:
    """A term's values on the score's 4-decimal grid (and no ``-0.0``)."""
    return np.asarray(np.round(np.asarray(x, np.float64), DECIMALS) + 0.0, np.float64)


def cadre_terms(case: Case) -> dict[str, FloatArray]:
    """Each per-cadre term of the active ones (``status`` and the record terms),
    one value per cadre in case order, rounded to the score's 4 places.

    Why a function of its own: these terms do not depend on the demand, so the
    engines add their sum as one per-cadre offset, while breakdowns list each
    one by name.

    Example:
        >>> from matcher import load_case
        >>> sorted(cadre_terms(load_case("data/sample-district")))
        ['status']
    """
    w = case.policy.weights
    cadres = case.cadres
    none = Standing()
    rec = [case.standing.get(c.id, none) for c in cadres]

    def figure(get: Callable[[Standing], float | None], neutral: float) -> FloatArray:
        return np.array([_finite(get(s), neutral) for s in rec], np.float64)

    raw: dict[str, Callable[[], FloatArray]] = {
        "reliability": lambda: (
            w.reliability * (np.clip(figure(lambda s: s.rating, 3.0), 1.0, 5.0) - 3.0) / 2.0
        ),
        "hours_behind": lambda: (
            w.hours_behind
            * np.clip(figure(lambda s: s.hours_behind, 0.0), 0.0, HOURS_UNIT)
            / HOURS_UNIT
        ),
        "recent_load": lambda: (
            -w.recent_load
            * np.clip(figure(lambda s: s.hours_recent, 0.0), 0.0, RECENT_HOURS_CAP)
            / HOURS_UNIT
        ),
        "idle_bonus": lambda: np.where(
            figure(lambda s: s.days_idle, -1.0) >= case.policy.fairness.idle_days,
            w.idle_bonus,
            0.0,
        ),
    }
    yellow = np.array([c.status is Status.YELLOW for c in cadres], dtype=bool)
    out = {"status": _rounded(np.where(yellow, -w.yellow, 0.0))}
    for t in active_terms(case.policy):
        if t in RECORD_TERMS:  # only the record terms scored
            out[t] = _rounded(raw[t]())
    return out
