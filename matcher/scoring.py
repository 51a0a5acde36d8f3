"""Scoring: every feasible (cadre, demand) pair's score as a sum of named terms.

This is the one place scores are made, so a breakdown can always be shown and
always sums to the score. ``docs/scoring.md`` states the same formula in words
and recomputes an example by hand.

    score = fill + skill + travel + status           (each term rounded to 4 dp)
    fill   = w.fill × priority
    skill  = w.skill × fit,  fit = Σ_t min(eff_t, need_t) / Σ_t need_t   (1 if no needs)
    travel = −w.travel_per_km × km(home, demand community)
    status = −w.yellow if the cadre is yellow, else 0

A pair is infeasible (hard rules, checked on the cadre's *own* levels) when the
cadre is red, has capacity 0, falls short of any ``requires`` level, lacks a
required cert, or lives farther than its ``max_travel_km``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from matcher.geo import distance_matrix
from matcher.model import Case, Status
from matcher.tags import effective_levels, encode_levels

__all__ = ["RULES", "TERMS", "ScoreMatrix", "score_matrix"]

TERMS = ("fill", "skill", "travel", "status")
#: hard rules in the order they are reported
RULES = ("status", "capacity", "requires", "certs", "travel")
DECIMALS = 4

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


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


def _certs(case: Case) -> tuple[BoolArray, BoolArray]:
    """Who holds and who needs which cert. A taxonomy without ``[[certs]]`` leaves
    certs free-form, so the vocabulary is the taxonomy's plus every slug the case uses."""
    vocab = {
        slug: k
        for k, slug in enumerate(
            dict.fromkeys(
                [
                    *case.taxonomy.cert_slugs,
                    *(x for c in case.cadres for x in c.certs),
                    *(x for d in case.demands for x in d.certs),
                ]
            )
        )
    }

    def encode(rows: list[tuple[str, ...]]) -> BoolArray:
        out = np.zeros((len(rows), len(vocab)), dtype=bool)
        for r, certs in enumerate(rows):
            out[r, [vocab[x] for x in certs]] = True
        return out

    return encode([c.certs for c in case.cadres]), encode([d.certs for d in case.demands])


def score_matrix(case: Case) -> ScoreMatrix:
    """Build the score matrix of a case under its policy (vectorised over tags)."""
    tax, pol = case.taxonomy, case.policy
    cadres, demands = case.cadres, case.demands
    n, m = len(cadres), len(demands)
    own = encode_levels([c.skills for c in cadres], tax)
    eff = effective_levels(own, tax, pol.related_credit)
    need = encode_levels([d.needs for d in demands], tax)
    req = encode_levels([d.requires for d in demands], tax)
    held, wanted = _certs(case)

    covered = np.zeros((n, m))
    for t in np.flatnonzero(need.any(axis=0)):
        covered += np.minimum(eff[:, t, None], need[None, :, t])
    total_need = need.sum(axis=1)
    fit = np.where(total_need > 0, covered / np.where(total_need > 0, total_need, 1.0), 1.0)

    short = np.zeros((n, m), bool)
    for t in np.flatnonzero(req.any(axis=0)):
        short |= own[:, t, None] < req[None, :, t]
    lacks = (
        (~held).astype(np.float64) @ wanted.T.astype(np.float64) > 0
        if wanted.size
        else np.zeros((n, m), bool)
    )

    comm = {c.id: k for k, c in enumerate(case.communities)}
    lat = np.array([c.lat for c in case.communities])
    lon = np.array([c.lon for c in case.communities])
    km_comm = distance_matrix(lat, lon, lat, lon) if lat.size else np.zeros((0, 0))
    home = np.array([comm[c.home] for c in cadres], dtype=np.intp)
    where = np.array([comm[d.community] for d in demands], dtype=np.intp)
    km = km_comm[np.ix_(home, where)] if n and m else np.zeros((n, m))
    limit = np.array([c.max_travel_km for c in cadres], dtype=np.float64)

    capacity = np.array([c.capacity for c in cadres], dtype=np.int64)
    red = np.array([c.status is Status.RED for c in cadres], dtype=bool)
    yellow = np.array([c.status is Status.YELLOW for c in cadres], dtype=bool)
    fails = {
        "status": np.broadcast_to(red[:, None], (n, m)).copy(),
        "capacity": np.broadcast_to((capacity == 0)[:, None], (n, m)).copy(),
        "requires": short,
        "certs": np.asarray(lacks, dtype=bool),
        "travel": km > limit[:, None],
    }
    feasible = (
        ~np.logical_or.reduce([fails[r] for r in RULES]) if n and m else np.zeros((n, m), bool)
    )

    w = pol.weights
    priority = np.array([d.priority for d in demands], dtype=np.float64)
    raw = {
        "fill": np.broadcast_to(w.fill * priority[None, :], (n, m)),
        "skill": w.skill * fit,
        "travel": -w.travel_per_km * km,
        "status": np.broadcast_to(np.where(yellow, -w.yellow, 0.0)[:, None], (n, m)),
    }
    parts = {t: np.where(feasible, np.round(raw[t], DECIMALS) + 0.0, 0.0) for t in TERMS}
    scores = parts["fill"] + parts["skill"] + parts["travel"] + parts["status"]
    return ScoreMatrix(
        cadre_ids=tuple(c.id for c in cadres),
        demand_ids=tuple(d.id for d in demands),
        scores=scores,
        feasible=feasible,
        capacity=capacity,
        headcount=np.array([d.headcount for d in demands], dtype=np.int64),
        parts=parts,
        fit=fit,
        distance_km=km,
        fails=fails,
    )
