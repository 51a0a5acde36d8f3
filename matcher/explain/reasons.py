"""Explanations in a dispatcher's words: why a slot stays empty.

For each demand with empty slots we count, over all cadres, how many each hard
rule excludes and how many it *alone* excludes (relax that rule and they would
qualify): the rule with most of the latter binds and is named first. Qualified
cadres that still were not sent are accounted for too (busy on other demands,
or too far to score above zero).

Each reason is a :class:`~matcher.messages.Message` (``Unfilled.why``); the English
``Unfilled.reasons`` are their renderings, so a console can show them in Chinese.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from matcher.errors import Param
from matcher.loadcost import load_is_on
from matcher.messages import Labels, Message, labels_for, msg, render
from matcher.model import Case
from matcher.proposal import RuleCount, Unfilled
from matcher.rules import RULES
from matcher.scoring import ScoreMatrix
from matcher.timetable import pattern_classes

__all__ = [
    "RULE_CODES",
    "Counts",
    "Wording",
    "explain_columns",
    "explain_unfilled",
    "unfilled_from_counts",
]


IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Counts:
    """Per demand (rows of each array): cadres failing each hard rule
    (``excluded``, in :data:`~matcher.scoring.RULES` order), failing only that
    one (``only``), and among the ``qualified`` ones those ``here`` already, at
    capacity elsewhere (``busy``; ``higher``: serving a demand of equal or higher
    priority) and the rest who would score <= 0 (``weak``); ``free``: the pattern
    class (:func:`~matcher.timetable.pattern_classes`) most common among the cadres
    failing ``availability`` alone, lowest on a tie (0: none)."""

    excluded: IntArray
    only: IntArray
    qualified: IntArray
    here: IntArray
    busy: IntArray
    higher: IntArray
    weak: IntArray
    free: IntArray


#: hard rule → the code of its unfilled reason
RULE_CODES = {
    "status": "unfilled.withdrawn",
    "capacity": "unfilled.on_leave",
    "requires": "unfilled.level_short",
    "certs": "unfilled.cert_missing",
    "travel": "unfilled.too_far",
    "availability": "unfilled.unavailable",
    "away": "unfilled.away",
}


class Wording:
    """Reasons' messages and their English text, each distinct one made once.

    Why: a pool with many empty slots gives thousands of demands the same few
    reasons (same rule, same count, same place); building and rendering each
    anew was most of explaining them. One per proposal (the labels are its case's).
    """

    def __init__(self, labels: Labels) -> None:
        self.labels = labels
        self.made: dict[str, tuple[Message, str]] = {}
        self.rules: dict[tuple[object, ...], tuple[Message, str]] = {}

    def say(self, code: str, **params: Param) -> tuple[Message, str]:
        """The message ``msg(code, **params)`` and its English text."""
        key = repr((code, sorted((k, v) for k, v in params.items() if v is not None)))
        got = self.made.get(key)
        if got is None:
            got = self.made[key] = self.make(code, **params)
        return got

    def make(self, code: str, **params: Param) -> tuple[Message, str]:
        """:meth:`say` without looking it up (the caller keeps its own)."""
        m = msg(code, **params)
        return m, render(m, "en", self.labels)


def _rule_message(
    c: RuleCount, case: Case, j: int, free: str | None, wording: Wording
) -> tuple[Message, str]:
    """Why ``c.excluded`` cadres fail hard rule ``c.rule`` on demand ``j``, as data
    and text (``free``: the availability most of those failing only
    ``availability`` have)."""
    rule = c.rule
    d = case.demands[j]
    extra: dict[str, Param] = {}
    key: tuple[object, ...] = (rule, c.excluded, c.only)  # stands for these params exactly
    if rule == "requires":
        asked = [f"{t}:{lvl}" for t, lvl in d.requires.items()]
        extra["requires"] = asked
        key += tuple(asked)
    elif rule == "certs":
        extra["certs"] = list(d.certs)
        key += tuple(d.certs)
    elif rule == "travel":
        extra["community"] = d.community
        key += (d.community,)
    elif rule in ("availability", "away") and d.window is not None:
        extra["window"] = str(d.window)
        key += (extra["window"],)
        if rule == "availability":
            extra["free"] = free
            key += (free,)
    got = wording.rules.get(key)
    if got is None:
        made = wording.make(RULE_CODES[rule], count=c.excluded, only=c.only or None, **extra)
        got = wording.rules[key] = made
    return got


def explain_unfilled(
    case: Case,
    sm: ScoreMatrix,
    filled: npt.NDArray[np.int64],
    load: npt.NDArray[np.int64],
    chosen: npt.NDArray[np.bool_],
) -> list[Unfilled]:
    """One :class:`Unfilled` per demand with empty slots, binding reason first."""
    prio = np.array([d.priority for d in case.demands], dtype=np.float64)
    top = np.where(chosen, prio[None, :], -np.inf).max(axis=1, initial=-np.inf)
    return explain_columns(case, sm, np.arange(len(case.demands)), filled, load, chosen, top)


def explain_columns(
    case: Case,
    sm: ScoreMatrix,
    cols: npt.NDArray[np.intp],
    filled: npt.NDArray[np.int64],
    load: npt.NDArray[np.int64],
    chosen: npt.NDArray[np.bool_],
    top_prio: npt.NDArray[np.float64],
) -> list[Unfilled]:
    """:func:`explain_unfilled` for a block of demands: ``sm`` scores every cadre
    against the case demands ``cols``; ``filled``/``chosen`` cover those demands,
    ``load``/``top_prio`` (highest priority each cadre serves) cover all cadres."""
    short = np.flatnonzero(sm.headcount - filled > 0)
    fails = np.stack([sm.fails[r][:, short] for r in RULES])  # rules × n × k
    alone = fails & (fails.sum(axis=0) == 1)[None]
    qual = sm.feasible[:, short]
    pick = chosen[:, short]
    busy = qual & ~pick & (load >= sm.capacity)[:, None]
    prio = np.array([case.demands[int(j)].priority for j in cols[short]], dtype=np.float64)
    counts = Counts(
        excluded=fails.sum(axis=1).T,
        only=alone.sum(axis=1).T,
        qualified=qual.sum(axis=0),
        here=(qual & pick).sum(axis=0),
        busy=busy.sum(axis=0),
        higher=(busy & (top_prio[:, None] >= prio[None, :])).sum(axis=0),
        weak=(qual & ~pick & ~busy & (sm.scores[:, short] <= 0)).sum(axis=0),
        free=_most_free(alone[RULES.index("availability")], pattern_classes(case.cadres)[0]),
    )
    return unfilled_from_counts(case, cols[short], (sm.headcount - filled)[short], counts)


def _most_free(alone: npt.NDArray[np.bool_], pattern: IntArray) -> IntArray:
    """Per column of ``alone`` (cadres × demands) the most common pattern class of
    its cadres, lowest on a tie; 0 for a column without any."""
    classes = int(pattern.max(initial=0)) + 1
    counts = np.zeros((alone.shape[1], classes), np.int64)
    rows, cols = np.nonzero(alone)
    np.add.at(counts, (cols, pattern[rows]), 1)
    out: IntArray = counts.argmax(axis=1).astype(np.int64)
    return out


def unfilled_from_counts(
    case: Case,
    cols: npt.NDArray[np.intp],
    missing: npt.NDArray[np.int64],
    counts: Counts,
    wording: Wording | None = None,
) -> list[Unfilled]:
    """One :class:`Unfilled` per demand ``cols[k]`` (``missing[k]`` empty slots)
    from its row of ``counts``. Big proposals count with
    :func:`matcher.explain.counts.explain_counts` instead of a score matrix,
    block by block, sharing one ``wording`` (the case's)."""
    wording_ = Wording(labels_for(case)) if wording is None else wording
    say = wording_.say
    # as lists (numpy scalars are slow one by one); each row's rules binding first:
    # by fewest failing them alone, then most failing, else in RULES order (stable)
    order = np.lexsort((-counts.excluded, -counts.only), axis=-1).tolist()
    excluded, only = counts.excluded.tolist(), counts.only.tolist()
    qualified, here, busy = counts.qualified.tolist(), counts.here.tolist(), counts.busy.tolist()
    higher, weak = counts.higher.tolist(), counts.weak.tolist()
    # under a load cost, a qualified cadre with a slot left may stay out because
    # its next slot costs more than the pair is worth (without one, optimality
    # leaves no such cadre: each qualified one is here, busy or weak)
    # (the lending rules hold cadres back the same way: a community at its limit,
    # or at its home floor, keeps a qualified cadre with a slot left at home)
    lending = case.policy.lending.is_on
    held = load_is_on(case.policy) or lending
    patterns = pattern_classes(case.cadres)[1] if counts.free.any() else ()
    free_of = counts.free.tolist()
    shared: dict[tuple[int, int, int], RuleCount] = {}  # frozen: one per distinct count
    out: list[Unfilled] = []
    for k, j in enumerate(np.asarray(cols).tolist()):
        f = free_of[k]
        free = str(patterns[f - 1]) if f else None
        ex, on = excluded[k], only[k]
        rules: list[RuleCount] = []
        for x in order[k]:
            if ex[x]:
                got = shared.get((x, ex[x], on[x]))
                if got is None:
                    got = shared[x, ex[x], on[x]] = RuleCount(
                        rule=RULES[x], excluded=ex[x], only=on[x]
                    )
                rules.append(got)
        said: list[tuple[Message, str]] = []
        if not qualified[k]:
            said.append(say("unfilled.no_qualified"))
        said += [_rule_message(c, case, j, free, wording_) for c in rules]
        if here[k]:
            said.append(say("unfilled.already_here", count=here[k]))
        if busy[k]:
            said.append(say("unfilled.busy", count=busy[k], higher=higher[k]))
        if weak[k]:
            said.append(say("unfilled.weak", count=weak[k]))
        priced = qualified[k] - here[k] - busy[k] - weak[k]
        if held and priced > 0:
            code = "unfilled.lending" if lending else "unfilled.load_cost"
            said.append(say(code, count=priced))
        out.append(
            Unfilled(
                demand=case.demands[j].id,
                slots=int(missing[k]),
                reasons=[text for _, text in said],
                why=[m for m, _ in said],
                rules=rules,
                qualified=qualified[k],
            )
        )
    return out
