"""Shortage by tag and category, the marginal value of one more qualified cadre, training picks.

**Marginal value.** For a tag, take its most urgent demand with empty slots
(priority, then empty slots, then id) and imagine one more cadre qualified for
it: exactly the demand's skill levels (a perfect fit), its certs, living in its
community, green, capacity 1. The gain in the optimum from adding that cadre is
exact without a re-solve: ``max_j score[Q, j] − dist(j ⇝ Q)`` in the residual
graph of the current plan (a stand-in row with zero scores keeps the graph free
of negative cycles). ``verify`` re-solves with the cadre added and checks it.

**Training.** Candidates are single upgrades (cadre, tag, +levels ≤ ``max_levels``)
that make a cadre pass the one required level it alone fails for a demand with
empty slots. They are screened by an exact lower bound (the best plan that
adds the upgraded cadre to one such demand), and the best ``confirm`` are
re-solved exactly with the upgraded cadre; the top ``k`` by gain in
priority-weighted filled slots, then objective, are returned.

Example:
    >>> from matcher import load_case
    >>> from matcher.whatif import recommend_training
    >>> recs = recommend_training(load_case("tests/whatif/cases/tiny"), k=2)
    >>> [(r.cadre, r.tag, r.to_level, r.slots_gain) for r in recs]
    [('E', 'urban.property_management', 3, 1), ('G', 'party.mass_work', 2, 1)]
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import replace

import numpy as np
from pydantic import BaseModel, ConfigDict

from matcher.model import Cadre, Case
from matcher.scoring import Scorer
from matcher.solver import forced_losses, solve
from matcher.tags import encode_levels
from matcher.whatif.compare import primary_category
from matcher.whatif.engine import PlanState, plan_state, weighted_fill

__all__ = ["ShortageReport", "ShortageRow", "Training", "recommend_training", "shortage"]

#: stand-in cadres scored at once (rows × the case's demands per array)
_CHUNK = 256


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class ShortageRow(_Frozen):
    kind: str  # "tag" or "category"
    key: str
    label: str
    demanded: int
    filled: int
    unfilled: int
    marginal_value: float | None = None
    marginal_demand: str | None = None
    verified: bool = False


class Training(_Frozen):
    cadre: str
    tag: str
    from_level: int
    to_level: int
    enables: list[str]
    objective_gain: float
    weighted_fill_gain: float
    slots_gain: int
    bound: float
    confirmed: bool


class ShortageReport(_Frozen):
    rows: list[ShortageRow]
    training: list[Training]


def _qualified_cadre(case: Case, j: int) -> Cadre:
    d = case.demands[j]
    skills = dict(d.needs)
    for t, lvl in d.requires.items():
        skills[t] = max(lvl, skills.get(t, 0))
    return Cadre(
        id="__marginal__", name="(one more)", home=d.community, skills=skills, certs=d.certs
    )


def _rows_of(case: Case, cadres: list[Cadre]) -> list[tuple[np.ndarray, np.ndarray]]:
    """Each stand-in cadre's row of scores and feasibility against the case's demands.

    One :class:`~matcher.scoring.Scorer` for all of them: the demand side is encoded once,
    not once per cadre (a district's training candidates run to hundreds). Rows are
    scored :data:`_CHUNK` at a time to bound the arrays; a row's numbers do not depend on
    the rows scored beside it (:class:`~matcher.scoring.Scorer`).
    """
    if not cadres:
        return []
    scorer = Scorer(replace(case, cadres=tuple(cadres)))
    out = []
    for k in range(0, len(cadres), _CHUNK):
        sm = scorer.block(slice(k, k + _CHUNK))
        out += [(sm.scores[r].copy(), sm.feasible[r].copy()) for r in range(sm.scores.shape[0])]
    return out


def shortage(
    case: Case, *, verify: bool = False, training: int = 5, confirm: int | None = None
) -> ShortageReport:
    """Demanded/filled/unfilled slots per tag and category, marginal values, training picks."""
    st = plan_state(case)
    tax = case.taxonomy
    chosen = st.chosen
    filled = chosen.sum(axis=0)
    empty = st.headcount - filled
    per_tag: dict[str, list[int]] = defaultdict(list)
    per_cat: dict[str, list[int]] = defaultdict(list)
    for j, d in enumerate(case.demands):
        for t in dict.fromkeys([*d.needs, *d.requires]):
            per_tag[t].append(j)
        per_cat[primary_category(d, tax)].append(j)
    # one stand-in row per tag's most urgent short demand, all priced in one pass
    targets: dict[str, int] = {}
    for t, js in per_tag.items():
        short = [j for j in js if empty[j] > 0]
        if short:
            targets[t] = min(
                short, key=lambda j: (-case.demands[j].priority, -empty[j], case.demands[j].id)
            )
    uniq = sorted(set(targets.values()))
    gains = _marginal(st, uniq, verify)
    rows: list[ShortageRow] = []
    for kind, groups in (("category", per_cat), ("tag", per_tag)):
        for key in sorted(groups):
            js = groups[key]
            value: float | None = None
            at: str | None = None
            ok = False
            if kind == "tag" and key in targets:
                value, ok = gains[targets[key]]
                at = case.demands[targets[key]].id
            elif kind == "category":
                cands = [(gains[targets[t]], t) for t in targets if tax.category_of(t) == key]
                if cands:
                    (value, ok), t = max(cands, key=lambda x: (x[0][0], x[1]))
                    at = case.demands[targets[t]].id
            rows.append(
                ShortageRow(
                    kind=kind,
                    key=key,
                    label=tax.label(key),
                    demanded=int(st.headcount[js].sum()),
                    filled=int(filled[js].sum()),
                    unfilled=int(empty[js].sum()),
                    marginal_value=None if value is None else round(value, 6),
                    marginal_demand=at,
                    verified=ok,
                )
            )
    recs = recommend_training(case, k=training, confirm=confirm, state=st) if training else []
    return ShortageReport(rows=rows, training=recs)


def _marginal(st: PlanState, demands: list[int], verify: bool) -> dict[int, tuple[float, bool]]:
    if not demands:
        return {}
    case, sm = st.case, st.sm
    n, m = sm.scores.shape
    extra = _rows_of(case, [_qualified_cadre(case, j) for j in demands])
    q_scores = np.array([e[0] for e in extra]).reshape(len(demands), m)
    q_feas = np.array([e[1] for e in extra]).reshape(len(demands), m)
    scores = np.vstack([sm.scores, np.zeros_like(q_scores)])
    feas = np.vstack([st.feasible, q_feas])
    cap = np.concatenate([st.capacity, np.ones(len(demands), np.int64)])
    pin = np.vstack([st.pinned, np.zeros_like(q_feas)])
    cols = np.flatnonzero(q_feas.any(axis=0))
    dist = forced_losses(scores, feas, cap, st.headcount, st.plan, cols, pinned=pin)[n:]
    out: dict[int, tuple[float, bool]] = {}
    for r, j in enumerate(demands):
        g = q_scores[r, cols] - dist[r]
        gain = max(0.0, float(np.max(np.where(np.isfinite(g), g, -np.inf), initial=-np.inf)))
        ok = False
        if verify:
            a = solve(
                np.vstack([sm.scores, q_scores[r : r + 1]]),
                np.vstack([st.feasible, q_feas[r : r + 1]]),
                np.concatenate([st.capacity, [1]]),
                st.headcount,
                pinned=np.vstack([st.pinned, np.zeros((1, m), bool)]),
            )
            ok = abs((a.objective - st.plan.objective) - gain) < 1e-6
        out[j] = (gain, ok)
    return out


def recommend_training(
    case: Case,
    *,
    k: int = 5,
    max_levels: int = 2,
    confirm: int | None = None,
    distinct: bool = True,
    state: PlanState | None = None,
) -> list[Training]:
    """The top ``k`` single upgrades, each confirmed by an exact re-solve.

    The best ``confirm`` (default ``4k``) candidates by lower bound are re-solved;
    with ``distinct`` only the best upgrade per set of opened demands is kept.
    """
    st = state or plan_state(case)
    sm = st.sm
    n, m = sm.scores.shape
    tax = case.taxonomy
    chosen = st.chosen
    empty = np.flatnonzero(chosen.sum(axis=0) < st.headcount)
    if not empty.size or not n:
        return []
    fails = sm.fails
    n_fail = np.stack([fails[r] for r in fails]).sum(axis=0)
    own = encode_levels([c.skills for c in case.cadres], tax)
    req = encode_levels([d.requires for d in case.demands], tax)
    cands: dict[tuple[int, int, int], list[int]] = defaultdict(list)
    for j in empty.tolist():
        only = np.flatnonzero(fails["requires"][:, j] & (n_fail[:, j] == 1))
        for i in only.tolist():
            d = req[j] - own[i]
            short = np.flatnonzero(d > 0)
            if short.size == 1 and d[short[0]] <= max_levels:
                t = int(short[0])
                cands[(i, t, int(req[j, t]))].append(j)
    if not cands:
        return []
    keys = list(cands)
    ups = [
        replace(case.cadres[i], skills={**case.cadres[i].skills, tax.tag_slugs[t]: lvl})
        for i, t, lvl in keys
    ]
    upgraded = dict(zip(keys, _rows_of(case, ups), strict=True))
    # lower bound per candidate: best plan adding the upgraded cadre to one short demand
    stand = np.zeros((n, m), bool)
    for (i, _t, _l), js in cands.items():
        stand[i, js] = True
    stand &= ~st.feasible
    scores0 = np.where(stand, 0.0, sm.scores)
    dist = forced_losses(
        scores0, st.feasible | stand, st.capacity, st.headcount, st.plan, empty, pinned=st.pinned
    )
    col = {int(j): c for c, j in enumerate(empty)}
    bound: dict[tuple[int, int, int], float] = {}
    for key, js in cands.items():
        i = key[0]
        row = upgraded[key][0]
        vals = [row[j] - dist[i, col[j]] for j in js if np.isfinite(dist[i, col[j]])]
        bound[key] = max(vals, default=0.0)
    order = sorted(cands, key=lambda x: (-round(bound[x], 6), case.cadres[x[0]].id, x[1], x[2]))
    base_w = weighted_fill(st, st.plan)
    out = []
    for key in order[: confirm or 4 * k]:
        i, t, lvl = key
        row, feas_row = upgraded[key]
        scores = sm.scores.copy()
        feas = st.feasible.copy()
        scores[i] = row
        feas[i] = feas_row & ~(sm.feasible[i] & ~st.feasible[i])  # excluded pairs stay out
        a = st.solve(scores, feas)
        gain = a.objective - st.plan.objective
        out.append(
            Training(
                cadre=case.cadres[i].id,
                tag=tax.tag_slugs[t],
                from_level=int(own[i, t]),
                to_level=lvl,
                enables=[case.demands[j].id for j in cands[key]],
                objective_gain=round(gain, 6),
                weighted_fill_gain=round(weighted_fill(st, a) - base_w, 6),
                slots_gain=int(a.cols.size - st.plan.cols.size),
                bound=round(bound[key], 6),
                confirmed=gain >= bound[key] - 1e-6 and not math.isnan(gain),
            )
        )
    out.sort(
        key=lambda r: (
            -r.weighted_fill_gain,
            -r.objective_gain,
            r.to_level - r.from_level,  # on a tie, the shorter course
            r.cadre,
            r.tag,
        )
    )
    picked: list[Training] = []
    seen: set[tuple[str, ...]] = set()
    for r in out:
        # one pick per set of demands it opens: three cadres trained for the same slot is
        # one recommendation with alternates, not three
        if r.objective_gain > 0 and (not distinct or tuple(r.enables) not in seen):
            picked.append(r)
            seen.add(tuple(r.enables))
    return picked[:k]
