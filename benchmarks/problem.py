"""The matching problem every method sees: usable pairs as sparse edges, plus case facts.

A :class:`Problem` is built once per instance from the public
:func:`matcher.score_matrix` (or from an OR-Library file) and handed to the
solver core, the peers and the baselines alike, so that only the method
differs. A pair is *usable* when it is feasible under the hard rules, scores
above 0 (an empty slot is worth 0, so no method should take it), and both its
cadre and its demand have room.

Example:
    >>> import numpy as np
    >>> p = Problem.from_dense(np.array([[3.0, 0.0], [2.0, 1.0]]), np.ones((2, 2), bool),
    ...                        np.array([1, 1]), np.array([1, 1]))
    >>> p.rows.tolist(), p.cols.tolist(), p.score.tolist()
    ([0, 1, 1], [0, 0, 1], [3.0, 2.0, 1.0])
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    from matcher import Case, ScoreMatrix

__all__ = ["Problem", "demand_categories"]

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


def demand_categories(case: Case) -> list[str]:
    """Each demand's category: the taxonomy category holding most of its needed levels.

    Ties go to the category named first in the demand's needs; a demand with no
    needs is ``"none"``.
    """
    out = []
    for d in case.demands:
        weight: dict[str, int] = {}
        for tag, level in d.needs.items():
            cat = tag.split(".", 1)[0]
            weight[cat] = weight.get(cat, 0) + level
        out.append(max(weight, key=lambda k: weight[k]) if weight else "none")
    return out


@dataclass(frozen=True)
class Problem:
    """Usable pairs (edge lists sorted by row, then column) and per-side facts.

    ``quantum`` is the grid the scores live on (``1e-4`` for matcher's
    scores, rounded to 4 decimals per term; ``1`` for integer costs), so
    integer solvers get exact costs via :meth:`int_score`.

    ``hours`` holds each demand's expected service hours where the instance
    gives them, and is empty where it does not (today's case folders have no
    hours column): the load metrics then weigh a slot by its hours as well as
    counting it.
    """

    name: str
    n_rows: int
    n_cols: int
    rows: IntArray
    cols: IntArray
    score: FloatArray
    capacity: IntArray
    headcount: IntArray
    fit: FloatArray = field(default_factory=lambda: np.zeros(0))
    km: FloatArray = field(default_factory=lambda: np.zeros(0))
    priority: FloatArray = field(default_factory=lambda: np.zeros(0))
    category: tuple[str, ...] = ()
    n_feasible: int = 0
    quantum: float = 1e-4
    hours: FloatArray = field(default_factory=lambda: np.zeros(0))

    @property
    def n_edges(self) -> int:
        return int(self.rows.size)

    def int_score(self) -> IntArray:
        """Scores as exact integers on the ``quantum`` grid."""
        return np.rint(self.score / self.quantum).astype(np.int64)

    def dense(self) -> tuple[FloatArray, npt.NDArray[np.bool_]]:
        """Dense ``(scores, feasible)`` as :func:`matcher.solve` takes them (usable pairs only)."""
        s = np.zeros((self.n_rows, self.n_cols))
        f = np.zeros((self.n_rows, self.n_cols), dtype=bool)
        s[self.rows, self.cols] = self.score
        f[self.rows, self.cols] = True
        return s, f

    @classmethod
    def from_dense(
        cls,
        scores: FloatArray,
        feasible: npt.NDArray[np.bool_],
        capacity: IntArray,
        headcount: IntArray,
        *,
        name: str = "problem",
        fit: FloatArray | None = None,
        km: FloatArray | None = None,
        priority: FloatArray | None = None,
        category: tuple[str, ...] = (),
        quantum: float = 1e-4,
        hours: FloatArray | None = None,
    ) -> Problem:
        cap = np.asarray(capacity, dtype=np.int64)
        head = np.asarray(headcount, dtype=np.int64)
        usable = feasible & (scores > 0) & (cap[:, None] > 0) & (head[None, :] > 0)
        r, c = np.nonzero(usable)
        n, m = scores.shape
        return cls(
            name=name,
            n_rows=n,
            n_cols=m,
            rows=r.astype(np.int64),
            cols=c.astype(np.int64),
            score=np.asarray(scores[r, c], dtype=np.float64),
            capacity=cap,
            headcount=head,
            fit=np.zeros(r.size) if fit is None else np.asarray(fit[r, c], dtype=np.float64),
            km=np.zeros(r.size) if km is None else np.asarray(km[r, c], dtype=np.float64),
            priority=np.ones(m) if priority is None else np.asarray(priority, dtype=np.float64),
            category=category or ("all",) * m,
            n_feasible=int(np.count_nonzero(feasible)),
            quantum=quantum,
            hours=np.zeros(0) if hours is None else np.asarray(hours, dtype=np.float64),
        )

    @classmethod
    def from_case(cls, case: Case, sm: ScoreMatrix, *, name: str = "case") -> Problem:
        """From a case and its public :class:`matcher.ScoreMatrix`."""
        return cls.from_dense(
            sm.scores,
            sm.feasible,
            sm.capacity,
            sm.headcount,
            name=name,
            fit=sm.fit,
            km=sm.distance_km,
            priority=np.array([d.priority for d in case.demands], dtype=np.float64),
            category=tuple(demand_categories(case)),
        )

    @classmethod
    def from_stream(cls, case: Case, *, name: str = "case") -> Problem:
        """Every usable pair of a case, scored block by block (memory grows with
        the usable pairs, not cadres × demands); same numbers as :meth:`from_case`."""
        from matcher import Scorer
        from matcher.solver import pair_keys
        from matcher.stream import PairStream

        sc = Scorer(case)
        scan = PairStream(sc, sc.capacity, sc.headcount).scan(floor=-np.inf)
        keys = pair_keys(scan.above.rows, scan.above.cols)
        order = np.argsort(keys)
        r, c = scan.above.rows[order], scan.above.cols[order]
        score, fit, km = np.empty(r.size), np.empty(r.size), np.empty(r.size)
        for s in range(0, r.size, 2_000_000):
            part = sc.pairs(r[s : s + 2_000_000], c[s : s + 2_000_000])
            score[s : s + part.rows.size] = part.scores
            fit[s : s + part.rows.size] = part.fit
            km[s : s + part.rows.size] = part.distance_km
        return cls(
            name=name,
            n_rows=sc.n,
            n_cols=sc.m,
            rows=r.astype(np.int64),
            cols=c.astype(np.int64),
            score=score,
            capacity=sc.capacity,
            headcount=sc.headcount,
            fit=fit,
            km=km,
            priority=np.array([d.priority for d in case.demands], dtype=np.float64),
            category=tuple(demand_categories(case)),
            n_feasible=scan.n_feasible,
        )

    def save(self, path: str | Path) -> None:
        """Write to ``.npz`` (for solver runs in a separate process)."""
        np.savez(
            path,
            name=np.array(self.name),
            shape=np.array([self.n_rows, self.n_cols, self.n_feasible]),
            rows=self.rows.astype(np.int32),
            cols=self.cols.astype(np.int32),
            score=self.score,
            capacity=self.capacity,
            headcount=self.headcount,
            fit=self.fit,
            km=self.km,
            priority=self.priority,
            category=np.array(self.category),
            quantum=np.array(self.quantum),
            hours=self.hours,
        )

    @classmethod
    def load(cls, path: str | Path) -> Problem:
        with np.load(path) as z:
            n, m, nf = (int(v) for v in z["shape"])
            return cls(
                name=str(z["name"]),
                n_rows=n,
                n_cols=m,
                rows=z["rows"].astype(np.int64),
                cols=z["cols"].astype(np.int64),
                score=z["score"],
                capacity=z["capacity"],
                headcount=z["headcount"],
                fit=z["fit"],
                km=z["km"],
                priority=z["priority"],
                category=tuple(str(c) for c in z["category"]),
                n_feasible=nf,
                quantum=float(z["quantum"]),
                hours=z["hours"] if "hours" in z.files else np.zeros(0),
            )
