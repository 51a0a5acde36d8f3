"""Scoring: every feasible (cadre, demand) pair's score as a sum of named terms.

This is the one place scores are made, so a breakdown can always be shown and
always sums to the score. ``docs/scoring.md`` states the same formula in words
and recomputes an example by hand.

    score = fill + skill + travel + status [+ record terms]   (each term rounded to 4 dp)
    fill   = w.fill × priority
    skill  = w.skill × fit,  fit = Σ_t min(eff_t, need_t) / Σ_t need_t   (1 if no needs)
    travel = −w.travel_per_km × km(home, demand community)
    status = −w.yellow if the cadre is yellow, else 0

The growth record's terms score the cadre's :class:`~matcher.record.Standing`
(``case.standing``; a cadre without one scores 0 in each). Each is listed only
when its weight is above 0 (:func:`active_terms`), so a policy without them
scores, and shows, exactly what it did before they existed:

    reliability  = w.reliability × (rating − 3) / 2    (rating clipped to 1–5; none: 0)
    hours_behind = w.hours_behind × min(hours_behind, 100) / 100
    recent_load  = −w.recent_load × min(hours_recent, 1000) / 100
    idle_bonus   = w.idle_bonus × [days_idle ≥ fairness.idle_days]    (unknown: 0)

A pair term a policy may turn on the same way (the lending ledger's soft rule):

    home_first   = w.home_first × [cadre's home = demand's community]

A plan term, ``load`` (the convex per-cadre slot cost of :mod:`matcher.loadcost`),
is no pair's: the engines add it to the k-th dispatch of a cadre in one plan.

``status`` and the record terms depend on the cadre alone: they enter every
scan as one per-cadre addend (:attr:`Scorer.cadre_term`), so each of the
cadre's arcs moves by the same constant and the optimisation stays the same
exact b-matching.

A pair is infeasible when a hard rule fails (:mod:`matcher.rules`, the one
table: checked on the cadre's *own* levels): the cadre is red, has capacity 0,
falls short of any ``requires`` level, lacks a required cert, lives farther
than its ``max_travel_km``, or (a dated order) is not free for its whole window
or is away on one of its days (the class tables of :mod:`matcher.timetable`).
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass, fields
from typing import TypeAlias

import numpy as np
import numpy.typing as npt

from matcher.geo import pairwise_km
from matcher.model import Case, Demand, Status
from matcher.rules import (
    RULES,
    Rule,
    away_then,
    no_capacity,
    short_of,
    too_far,
    unavailable,
    withdrawn,
)
from matcher.tags import effective_levels, encode_levels
from matcher.terms import (
    BASE_TERMS,
    DECIMALS,
    PLAN_TERMS,
    RECORD_TERMS,
    TERMS,
    PairScores,
    ScoreMatrix,
    active_terms,
    cadre_terms,
)
from matcher.timetable import TimeTables, time_tables

__all__ = [
    "BASE_TERMS",
    "PLAN_TERMS",
    "RECORD_TERMS",
    "TERMS",
    "PairScores",
    "ScoreMatrix",
    "Scorer",
    "active_terms",
    "cadre_terms",
    "score_matrix",
]

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
IndexArray = npt.NDArray[np.intp]
#: rows or columns of a block: a slice or an index array
Pick: TypeAlias = slice | IndexArray


def _cert_vocab(case: Case) -> dict[str, int]:
    """Cert slug → column. A taxonomy without ``[[certs]]`` leaves certs
    free-form, so the vocabulary is the taxonomy's plus every slug the case uses."""
    slugs = dict.fromkeys(
        [
            *case.taxonomy.cert_slugs,
            *(x for c in case.cadres for x in c.certs),
            *(x for d in case.demands for x in d.certs),
        ]
    )
    return {slug: k for k, slug in enumerate(slugs)}


def _encode_certs(rows: list[tuple[str, ...]], vocab: dict[str, int]) -> BoolArray:
    """Who holds (or needs) which cert of ``vocab``."""
    out = np.zeros((len(rows), len(vocab)), dtype=bool)
    for r, certs in enumerate(rows):
        if certs:
            out[r, [vocab[x] for x in certs]] = True
    return out


@dataclass(frozen=True)
class _Demands:
    """A :class:`Scorer`'s demand side: one row per demand."""

    need: FloatArray
    req: FloatArray
    wanted_certs: FloatArray
    where: IndexArray
    headcount: npt.NDArray[np.int64]
    fill: FloatArray
    total_need: FloatArray

    def put(self, at: IndexArray, rows: _Demands, size: int) -> _Demands:
        """``size`` rows: these, with ``rows`` written at ``at`` (past the end too)."""
        out = []
        for f in fields(self):
            mine, theirs = getattr(self, f.name), getattr(rows, f.name)
            new = np.empty((size, *mine.shape[1:]), mine.dtype)
            new[: mine.shape[0]] = mine
            new[at] = theirs
            out.append(new)
        return _Demands(*out)


class Scorer:
    """The scoring formula for one case, applied to any block of pairs.

    Why: a city pool has hundreds of millions of pairs, too many to hold at
    once, so big proposals score blocks of cadres in turn and keep only the
    pairs that can matter. The case is encoded once here; :meth:`block` and
    :meth:`pairs` run the same float operations in the same order, so a pair
    scores identically whichever way it is computed.

    Example:
        >>> from matcher import load_case
        >>> sc = Scorer(load_case("data/sample-district"))
        >>> b = sc.block(slice(0, 5))
        >>> p = sc.pairs(np.array([3]), np.array([7]))
        >>> bool(b.scores[3, 7] == p.scores[0])
        True
    """

    def __init__(self, case: Case) -> None:
        tax, pol = case.taxonomy, case.policy
        cadres = case.cadres
        self.case = case
        self.n = len(cadres)
        self.own = encode_levels([c.skills for c in cadres], tax)
        self.eff = effective_levels(self.own, tax, pol.related_credit)
        self.cert_vocab = _cert_vocab(case)
        held = _encode_certs([c.certs for c in cadres], self.cert_vocab)
        self.missing_certs = (~held).astype(np.float64)
        lat = np.array([c.lat for c in case.communities])
        lon = np.array([c.lon for c in case.communities])
        # symmetric by construction: demand-major reads use it as its own
        # transpose (no copy of a city-sized array)
        self.km_comm = pairwise_km(lat, lon)
        self.comm = {c.id: k for k, c in enumerate(case.communities)}
        self.home = np.array([self.comm[c.home] for c in cadres], dtype=np.intp)
        self.limit = np.array([c.max_travel_km for c in cadres], dtype=np.float64)
        self.capacity = np.array([c.capacity for c in cadres], dtype=np.int64)
        self.red = np.array([c.status is Status.RED for c in cadres], dtype=bool)
        w = pol.weights
        #: the terms of a pair's score (a plan term is added to its dispatches)
        self.terms = tuple(t for t in active_terms(pol) if t not in PLAN_TERMS)
        #: each per-cadre term by name, and their sum: the one offset every
        #: engine adds to a cadre's pairs (the sum is ``status`` alone when no
        #: record term is active, so such scores stay bit for bit as they were)
        self.by_cadre = cadre_terms(case)
        self.cadre_term = _sum_terms(list(self.by_cadre.values()))
        self.w_skill, self.w_travel = w.skill, w.travel_per_km
        #: the home-first bonus; 0 leaves it out of every sum (scores bit for bit as before)
        self.w_home = float(np.round(w.home_first, DECIMALS)) if "home_first" in self.terms else 0.0
        self.cadre_ids = tuple(c.id for c in cadres)
        self._demand_side(case)

    def _demand_side(self, case: Case) -> None:
        self.m = len(case.demands)
        self.demand_ids = tuple(d.id for d in case.demands)
        self._take(self._encode_demands(case.demands, case))
        #: the time rules' class tables (all-false when no demand is dated)
        self.time: TimeTables = time_tables(case)

    def _take(self, side: _Demands) -> None:
        self.need, self.req, self.wanted_certs = side.need, side.req, side.wanted_certs
        self.where, self.headcount = side.where, side.headcount
        self.fill, self.total_need = side.fill, side.total_need

    def _encode_demands(self, demands: Sequence[Demand], case: Case) -> _Demands:
        """The demand-side arrays of these demands, one row each (row by row, so
        rows encoded apart equal the same rows encoded together)."""
        tax = case.taxonomy
        need = encode_levels([d.needs for d in demands], tax)
        prio = np.array([d.priority for d in demands], np.float64)
        wanted = _encode_certs([d.certs for d in demands], self.cert_vocab)
        return _Demands(
            need=need,
            req=encode_levels([d.requires for d in demands], tax),
            wanted_certs=wanted.astype(np.float64),
            where=np.array([self.comm[d.community] for d in demands], dtype=np.intp),
            headcount=np.array([d.headcount for d in demands], dtype=np.int64),
            fill=np.round(case.policy.weights.fill * prio, DECIMALS) + 0.0,
            total_need=need.sum(axis=1),
        )

    def with_red(self, case: Case, i: int) -> Scorer:
        """This scorer for ``case``, where cadre ``i`` turned red and nothing else changed."""
        out = copy.copy(self)
        out.case = case
        out.red = self.red.copy()
        out.red[i] = True
        return out

    def with_demands(self, case: Case) -> Scorer:
        """This scorer for ``case``, whose cadres, communities and policy are this
        one's and only the demands differ: the cadre side is reused, not re-encoded
        (unless the demands change the cert vocabulary the cadres were encoded in),
        and when only a few demands are new objects (appended, or replaced in
        place), only their rows are encoded."""
        old, now = self.case.demands, case.demands
        # a warm re-proposal's edits touch a few demands (a new work order at the
        # end, a closed one in place): encode only those rows, not the whole side
        redo = [k for k, (a, b) in enumerate(zip(old, now, strict=False)) if a is not b]
        redo += range(len(old), len(now))
        few = len(now) >= len(old) and 4 * len(redo) <= max(len(now), 4)
        if few and all(x in self.cert_vocab for k in redo for x in now[k].certs):
            out = copy.copy(self)
            out.case = case
            out.m = len(now)
            out.demand_ids = tuple(d.id for d in now)
            mine = _Demands(
                self.need, self.req, self.wanted_certs, self.where, self.headcount,
                self.fill, self.total_need,
            )  # fmt: skip
            rows = self._encode_demands([now[k] for k in redo], case)
            out._take(mine.put(np.array(redo, dtype=np.intp), rows, len(now)))
            out.time = time_tables(case)
            return out
        if _cert_vocab(case) != self.cert_vocab:
            return Scorer(case)
        out = copy.copy(self)
        out.case = case
        out._demand_side(case)
        return out

    def block(self, rows: Pick = slice(None), cols: Pick = slice(None)) -> ScoreMatrix:
        """Every pair of ``rows`` × ``cols`` as a :class:`ScoreMatrix` (ids in that order)."""
        r = np.arange(self.n)[rows]
        c = np.arange(self.m)[cols]
        nb, mb = r.size, c.size
        fit = self._fit(self._covered(r, c), self.total_need[c][None, :])
        km = self._km(r, c)
        by_rule = {
            Rule.STATUS: np.broadcast_to(withdrawn(self.red[r])[:, None], (nb, mb)).copy(),
            Rule.CAPACITY: np.broadcast_to(no_capacity(self.capacity[r])[:, None], (nb, mb)).copy(),
            Rule.REQUIRES: self._short(r, c),
            Rule.CERTS: self._lacks(r, c),
            Rule.TRAVEL: too_far(km, self.limit[r][:, None]),
            **self._timed(r[:, None], c[None, :]),
        }
        fails = {rule.label: by_rule[rule] for rule in Rule}
        feasible = ~np.logical_or.reduce([fails[k] for k in RULES]) if nb and mb else fails["certs"]
        raw = {
            "fill": np.broadcast_to(self.fill[c][None, :], (nb, mb)),
            "skill": self._skill(fit),
            "travel": self._travel(km),
            "home_first": self._home(self.home[r][:, None] == self.where[c][None, :]),
            **{t: np.broadcast_to(v[r][:, None], (nb, mb)) for t, v in self.by_cadre.items()},
        }
        parts = {t: np.where(feasible, raw[t], 0.0) for t in self.terms}
        offset = np.where(feasible, self.cadre_term[r][:, None], 0.0)
        return ScoreMatrix(
            cadre_ids=tuple(self.cadre_ids[i] for i in r),
            demand_ids=tuple(self.demand_ids[j] for j in c),
            scores=self._pair_sum(parts) + offset,
            feasible=feasible,
            capacity=self.capacity[r],
            headcount=self.headcount[c],
            parts=parts,
            fit=fit,
            distance_km=km,
            fails=fails,
        )

    def grid(self, r: IndexArray, c: IndexArray) -> tuple[FloatArray, BoolArray]:
        """Scores and feasibility of ``r`` × ``c`` without the breakdown: the lean
        form that big proposals stream through (same numbers as :meth:`block`).

        Both come back as transposed views of demand-major arrays: gathering
        whole demand rows is what makes the per-tag loops fast.
        """
        km = self._km(r, c).T
        feasible = ~too_far(km, self.limit[r][None, :])
        feasible &= ~(withdrawn(self.red[r]) | no_capacity(self.capacity[r]))[None, :]
        feasible &= ~self._short(r, c).T
        feasible &= ~self._lacks(r, c).T
        if self.time.dated:
            for fails in self._timed(r[None, :], c[:, None]).values():
                feasible &= ~fails
        scores = self._skill(self._fit(self._covered(r, c).T, self.total_need[c][:, None]))
        scores += self.fill[c][:, None]
        scores += self._travel(km)
        if self.w_home:
            scores += self._home(self.where[c][:, None] == self.home[r][None, :])
        scores += self.cadre_term[r][None, :]
        scores[~feasible] = 0.0
        return scores.T, feasible.T

    def _timed(self, r: IndexArray, c: IndexArray) -> dict[Rule, BoolArray]:
        """The time rules for cadres ``r`` and demands ``c``, broadcast together
        (without dated orders no lookup is made: they pass everywhere)."""
        t = self.time
        if not t.dated:
            shape = np.broadcast_shapes(r.shape, c.shape)
            return {Rule.AVAILABILITY: np.zeros(shape, bool), Rule.AWAY: np.zeros(shape, bool)}
        return {
            Rule.AVAILABILITY: unavailable(t.outside, t.pattern[r], t.window[c]),
            Rule.AWAY: away_then(t.away, t.absence[r], t.span[c]),
        }

    # The helpers below build (demands × cadres) arrays and hand back the
    # transpose, so each tag's update touches whole contiguous demand rows.

    def _covered(self, r: IndexArray, c: IndexArray) -> FloatArray:
        """Σ_t min(eff, need) in tag order, over the columns that need each tag
        (adding a 0 elsewhere would not change a bit)."""
        need = self.need[c]
        eff = self.eff[r].T
        out = np.zeros((c.size, r.size))
        for t in np.flatnonzero(need.any(axis=0)):
            jj = np.flatnonzero(need[:, t] > 0)
            out[jj] += np.minimum(eff[t][None, :], need[jj, t][:, None])
        return out.T

    def _short(self, r: IndexArray, c: IndexArray) -> BoolArray:
        req = self.req[c]
        own = self.own[r].T
        out = np.zeros((c.size, r.size), bool)
        for t in np.flatnonzero(req.any(axis=0)):
            jj = np.flatnonzero(req[:, t] > 0)
            out[jj] |= short_of(own[t][None, :], req[jj, t][:, None])
        return out.T

    def _lacks(self, r: IndexArray, c: IndexArray) -> BoolArray:
        """``certs`` (:func:`~matcher.rules.lacks_cert`) over every cert at once: a
        product of wanted and missing flags counts the certs wanted and missing."""
        if not self.wanted_certs.shape[1] or not r.size or not c.size:
            return np.zeros((r.size, c.size), bool)
        return np.asarray(self.wanted_certs[c] @ self.missing_certs[r].T > 0, dtype=bool).T

    def _km(self, r: IndexArray, c: IndexArray) -> FloatArray:
        if not r.size or not c.size:
            return np.zeros((r.size, c.size))
        return self.km_comm[np.ix_(self.where[c], self.home[r])].T

    def pairs(self, rows: IndexArray, cols: IndexArray) -> PairScores:
        """The pairs ``(rows[k], cols[k])`` only: what a plan's KPIs and breakdowns need."""
        r, c = np.asarray(rows, np.intp), np.asarray(cols, np.intp)
        need = self.need[c]
        covered = np.zeros(r.size)
        for t in np.flatnonzero(need.any(axis=0)):
            kk = np.flatnonzero(need[:, t] > 0)
            covered[kk] += np.minimum(self.eff[r[kk], t], need[kk, t])
        fit = self._fit(covered, self.total_need[c])
        short = np.zeros(r.size, bool)
        for t in np.flatnonzero(self.req[c].any(axis=0)):
            short |= short_of(self.own[r, t], self.req[c, t])
        lacks = (self.missing_certs[r] * self.wanted_certs[c]).sum(axis=1) > 0
        km = self.km_comm[self.home[r], self.where[c]] if r.size else np.zeros(0)
        feasible = ~(
            withdrawn(self.red[r])
            | no_capacity(self.capacity[r])
            | short
            | lacks
            | too_far(km, self.limit[r])
        )
        if self.time.dated:
            feasible &= ~np.logical_or.reduce(list(self._timed(r, c).values()))
        raw = {
            "fill": self.fill[c],
            "skill": self._skill(fit),
            "travel": self._travel(km),
            "home_first": self._home(self.home[r] == self.where[c]),
            **{t: v[r] for t, v in self.by_cadre.items()},
        }
        parts = {t: np.where(feasible, raw[t], 0.0) for t in self.terms}
        offset = np.where(feasible, self.cadre_term[r], 0.0)
        scores = self._pair_sum(parts) + offset
        return PairScores(r, c, scores, feasible, parts, fit, km)

    @staticmethod
    def _fit(covered: FloatArray, total: FloatArray) -> FloatArray:
        return np.where(total > 0, covered / np.where(total > 0, total, 1.0), 1.0)

    def _skill(self, fit: FloatArray) -> FloatArray:
        return np.round(self.w_skill * fit, DECIMALS) + 0.0

    def _travel(self, km: FloatArray) -> FloatArray:
        return np.round(-self.w_travel * km, DECIMALS) + 0.0

    def _home(self, same: BoolArray) -> FloatArray:
        return np.where(same, self.w_home, 0.0)

    def _pair_sum(self, parts: dict[str, FloatArray]) -> FloatArray:
        """fill + skill + travel (+ home_first when on): the pair terms added in
        the order every engine adds them, so the sums agree bit for bit."""
        out = parts["fill"] + parts["skill"] + parts["travel"]
        if self.w_home:
            out = out + parts["home_first"]
        return out


def _sum_terms(terms: list[FloatArray]) -> FloatArray:
    """Per-cadre terms added in breakdown order (the first alone, bit for bit)."""
    out = terms[0].copy()
    for t in terms[1:]:
        out += t
    return out


def score_matrix(case: Case) -> ScoreMatrix:
    """Score every pair of a case under its policy (see :class:`Scorer` for blocks)."""
    return Scorer(case).block()
