"""A bounded problem list: the first problems of a file in row order, and a count of all.

A bad upload can hold a million problems; listing them all costs the server
gigabytes and the reader nothing useful. The loader adds every problem here; only
the first :data:`MAX_PROBLEMS` in (file, row) order are kept, so memory stays
bounded while ``total`` still says how many there were.
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence

from matcher.errors import CaseError, Param, Problem

__all__ = ["MAX_PROBLEMS", "ProblemLog"]

MAX_PROBLEMS = 100


class ProblemLog:
    """Problems in the order a reader fixes them: by file (``order``), row, then as found."""

    def __init__(self, order: Sequence[str] = (), limit: int = MAX_PROBLEMS) -> None:
        self.limit = limit
        self.total = 0
        self._order = {name: i for i, name in enumerate(order)}
        # a min-heap of negated keys: its top is the latest-placed problem kept
        self._heap: list[tuple[int, int, int, Problem]] = []

    def __bool__(self) -> bool:
        return self.total > 0

    def _key(self, file: str, row: int | None) -> tuple[int, int]:
        return self._order.get(file, -1), row or 0

    def wants(self, file: str, row: int | None) -> bool:
        """Whether a problem at ``file``/``row`` would be kept; costly hints are
        worked out only then."""
        if len(self._heap) < self.limit:
            return True
        fi, r = self._key(file, row)
        worst = self._heap[0]
        return (fi, r) < (-worst[0], -worst[1])

    def add(self, problem: Problem) -> None:
        fi, r = self._key(problem.file, problem.row)
        item = (-fi, -r, -self.total, problem)  # ``total`` doubles as the arrival number
        self.total += 1
        if len(self._heap) < self.limit:
            heapq.heappush(self._heap, item)
        elif item[:3] > self._heap[0][:3]:
            heapq.heapreplace(self._heap, item)

    def problems(self) -> list[Problem]:
        """The kept problems, first first."""
        return [p for *_, p in sorted(self._heap, reverse=True)]

    def summary(self, where: str, what: str = "") -> str:
        """``where: N problem(s) what``, saying how many are listed when not all are."""
        kept = len(self._heap)
        text = f"{where}: {self.total} problem(s){what}"
        if kept < self.total:
            text += f"; the first {kept} of {self.total} are listed"
        return text

    def error(self, where: str, what: str = "", code: str = "input.case_file") -> CaseError:
        """The :class:`CaseError` of these problems, headed by ``where`` and how many there
        are in every language (``code``: a case's file or folder, or ``input.file``)."""
        kept = len(self._heap)
        params: dict[str, Param] = {"file": where, "count": self.total}
        if kept < self.total:
            params["listed"] = kept
        return CaseError(
            self.summary(where, what), self.problems(), self.total, code=code, params=params
        )
