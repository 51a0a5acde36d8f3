"""The time rules of one case as small tables: who may take which dated order.

Why: ``availability`` and ``away`` (:mod:`matcher.rules`) ask of every (cadre,
dated order) pair whether the cadre's weekly pattern covers the order's window
and whether the cadre is away on one of its days, and a city has hundreds of
millions of pairs. But cadres share a handful of patterns and few are away,
and orders share windows: so each cadre gets a *pattern class* and an *absence
class*, each demand a *window class* and a *day-span class* (the first and last
local day it touches, all that being away depends on), and the answers are
computed once per pair of classes by :func:`matcher.dated.covers` and
:func:`matcher.dated.is_away`, the definitions themselves. A pair's answer is
then one lookup, in numpy (the dense scorer) and in the compiled scans alike.

Class 0 is "always available", "never away" and "ongoing": its rows and
columns never fail, so a case without dated orders gets all-false 1 × 1 tables
and every rule passes as before.

Example:
    >>> from matcher import load_case
    >>> t = time_tables(load_case("data/sample-district"))
    >>> t.dated, t.outside.shape, t.away.shape
    (False, (1, 1), (1, 1))
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from matcher.dated import Away, Weekly, Window, covers, is_away
from matcher.model import Cadre, Case

__all__ = ["TimeTables", "pattern_classes", "time_tables"]

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class TimeTables:
    """Per cadre its ``pattern`` and ``absence`` class, per demand its ``window`` and
    ``span`` class; ``outside[pattern, window]``: the pattern does not cover the
    window; ``away[absence, span]``: the cadre is away on a day of the span.
    ``patterns``/``windows`` are the classes' values (None for class 0)."""

    pattern: IntArray
    absence: IntArray
    window: IntArray
    span: IntArray
    outside: BoolArray
    away: BoolArray
    patterns: tuple[Weekly | None, ...]
    windows: tuple[Window | None, ...]

    @property
    def dated(self) -> bool:
        """Whether any demand is a dated order (else the time rules never fail)."""
        return bool(self.window.any())


def _classes(values: list[object]) -> tuple[IntArray, list[object]]:
    """Each value's class (0 for None), and the classes' values in first-seen order."""
    index: dict[object, int] = {None: 0}
    out = np.zeros(len(values), np.int64)
    for k, v in enumerate(values):
        if v is not None:
            out[k] = index.setdefault(v, len(index))
    return out, list(index)


def pattern_classes(cadres: Sequence[Cadre]) -> tuple[IntArray, tuple[Weekly, ...]]:
    """Each cadre's pattern class (0: always available) and the patterns of classes
    1, 2, … in order: the classes of :func:`time_tables` (explanations name them)."""
    cls, values = _classes([c.available for c in cadres])
    return cls, tuple(v for v in values if isinstance(v, Weekly))


def time_tables(case: Case) -> TimeTables:
    """The class tables of ``case`` (all-false 1 × 1 when no demand is dated)."""
    n, m = len(case.cadres), len(case.demands)
    wins = [d.window for d in case.demands]
    if all(w is None for w in wins):
        zeros_n, zeros_m = np.zeros(n, np.int64), np.zeros(m, np.int64)
        none = np.zeros((1, 1), np.bool_)
        return TimeTables(
            zeros_n, zeros_n.copy(), zeros_m, zeros_m.copy(), none, none.copy(), (None,), (None,)
        )
    pattern, weekly = pattern_classes(case.cadres)
    patterns: list[object] = [None, *weekly]
    absence, absences = _classes([c.away for c in case.cadres])
    window, windows = _classes(list(wins))
    spans = [None if w is None else (w.days()[0], w.days()[-1]) for w in wins]
    span, span_keys = _classes(list(spans))
    # one window per span class stands for it: being away reads only the days touched
    sample: dict[int, Window] = {}
    for k, win in zip(span.tolist(), wins, strict=True):
        if win is not None:
            sample.setdefault(k, win)
    outside = np.zeros((len(patterns), len(windows)), np.bool_)
    for p, pat in enumerate(patterns[1:], 1):
        assert isinstance(pat, Weekly)
        for w, each in enumerate(windows[1:], 1):
            assert isinstance(each, Window)
            outside[p, w] = not covers(pat, each)
    away = np.zeros((len(absences), len(span_keys)), np.bool_)
    for a, absent in enumerate(absences[1:], 1):
        assert isinstance(absent, Away)
        for k in range(1, len(span_keys)):
            away[a, k] = is_away(absent, sample[k])
    return TimeTables(
        pattern,
        absence,
        window,
        span,
        outside,
        away,
        tuple(p if isinstance(p, Weekly) else None for p in patterns),
        tuple(w if isinstance(w, Window) else None for w in windows),
    )
