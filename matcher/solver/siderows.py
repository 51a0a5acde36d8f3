"""The side rows a b-matching may carry, and the check that a plan keeps them all.

Why apart from the solver (:mod:`matcher.solver.sided`): the rules that make side
rows (lending limits, a cadre's time line, weekly hours) describe them, and the
check re-reads a plan in integers without the solver's tolerances; neither needs
the MILP.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

__all__ = ["SideRows", "Timeline", "edge_mask", "holds", "merge_rows"]

IntArray = npt.NDArray[np.int64]
IndexArray = npt.NDArray[np.intp]
BoolArray = npt.NDArray[np.bool_]
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Timeline:
    """One row's timed edges on its own time line: ``points`` instants in order (every
    start and end), each edge held from point ``first[k]`` to point ``last[k]``
    (half-open: an edge ending where another starts does not overlap it)."""

    edges: IndexArray
    first: IndexArray
    last: IndexArray
    points: int
    #: the row's capacity on this line, and what is already held on each segment
    #: (``points - 1`` of them; e.g. work accepted earlier)
    capacity: int = 0
    load: IntArray = field(default_factory=lambda: np.zeros(0, np.int64))


@dataclass(frozen=True)
class SideRows:
    """The rows a b-matching gets beyond its cadre and demand rows.

    ``groups[g]`` lists edge indices whose sum stays at most ``group_rhs[g]``.
    ``flagged`` marks the edges that make their row *used*; ``row_sets[h]``
    lists rows of which at most ``row_rhs[h]`` may be used.
    """

    groups: list[IndexArray] = field(default_factory=list)
    group_rhs: list[int] = field(default_factory=list)
    flagged: BoolArray = field(default_factory=lambda: np.zeros(0, bool))
    row_sets: list[IndexArray] = field(default_factory=list)
    row_rhs: list[int] = field(default_factory=list)
    #: edges a row holds only for a while (dated orders): the row's capacity bounds its
    #: other edges at all times plus, on each of its ``timelines``, the timed edges held
    timed: BoolArray = field(default_factory=lambda: np.zeros(0, bool))
    timelines: list[Timeline] = field(default_factory=list)
    #: weighted groups: Σ weight · x over the edges stays at most the bound (hours a week)
    weighted: list[tuple[IndexArray, FloatArray, float]] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        """No side row and no timed edge: the plain b-matching is the same problem
        (a timed edge left out of its row's capacity is not)."""
        timed = bool(self.timed.any())
        return not (self.groups or self.row_sets or self.timelines or self.weighted or timed)


def merge_rows(a: SideRows, b: SideRows, ne: int) -> SideRows:
    """Both sets of side rows over the same ``ne`` edges."""

    def mask(x: BoolArray, y: BoolArray) -> BoolArray:
        return (x if x.size == ne else np.zeros(ne, bool)) | (y if y.size == ne else False)

    return SideRows(
        a.groups + b.groups,
        a.group_rhs + b.group_rhs,
        mask(a.flagged, b.flagged),
        a.row_sets + b.row_sets,
        a.row_rhs + b.row_rhs,
        mask(a.timed, b.timed),
        a.timelines + b.timelines,
        a.weighted + b.weighted,
    )


def edge_mask(x: BoolArray, ne: int) -> BoolArray:
    """A mask over all ``ne`` edges (an empty one: none marked)."""
    return x if x.size == ne else np.zeros(ne, bool)


def holds(
    r: IndexArray,
    c: IndexArray,
    cap: IntArray,
    head: IntArray,
    fixed: BoolArray,
    side: SideRows,
    take: BoolArray,
) -> bool:
    """Whether ``take`` keeps every row, column, fixed edge and side row: checked
    here in integers, not trusted from the solver's tolerances."""
    timed = edge_mask(side.timed, r.size)
    load = np.bincount(r[take & ~timed], minlength=cap.size)
    if (load > cap).any():
        return False
    for t in side.timelines:
        i = int(r[t.edges[0]])
        on = take[t.edges]
        held = np.cumsum(
            np.bincount(t.first[on], minlength=t.points)
            - np.bincount(t.last[on], minlength=t.points)
        )[: t.points - 1]
        if t.load.size == held.size:
            held = held + t.load
        if int(held.max(initial=0)) + int(load[i]) > t.capacity:
            return False
    if any(float(wt[take[m]].sum()) > b + 1e-9 for m, wt, b in side.weighted):
        return False
    if (np.bincount(c[take], minlength=head.size) > head).any():
        return False
    if (fixed & ~take).any():
        return False
    if any(int(take[g].sum()) > rhs for g, rhs in zip(side.groups, side.group_rhs, strict=True)):
        return False
    used = np.zeros(cap.size, bool)
    used[r[take & edge_mask(side.flagged, r.size)]] = True
    return all(
        int(used[s].sum()) <= rhs for s, rhs in zip(side.row_sets, side.row_rhs, strict=True)
    )
