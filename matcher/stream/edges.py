"""The pair sets the streamed engine passes around: :class:`Edges` and best-k :data:`Lists`.

Why a module of its own: the scan (:mod:`matcher.stream.blocks`), the reserve
(:mod:`matcher.stream.reserve`) and the live LP (:mod:`matcher.stream.live`)
all hand pairs to one another; each imports them from here, so none imports
another for a type.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

__all__ = ["Edges", "Lists"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
IndexArray = npt.NDArray[np.intp]
#: a :class:`~matcher.stream.reserve.ColumnReserve`'s lists, filled in place by the
#: compiled scan (:mod:`matcher.stream.bestk`): ``(q, row, size, floor, k)``
Lists = tuple[FloatArray, npt.NDArray[np.int32], IntArray, FloatArray, int]


@dataclass(frozen=True)
class Edges:
    """Pairs as parallel arrays, with their grid scores (``quantise``)."""

    rows: IndexArray
    cols: IndexArray
    q: FloatArray

    @staticmethod
    def empty() -> Edges:
        return Edges(np.zeros(0, np.intp), np.zeros(0, np.intp), np.zeros(0))

    @staticmethod
    def concat(parts: list[Edges]) -> Edges:
        if not parts:
            return Edges.empty()
        return Edges(
            np.concatenate([p.rows for p in parts]),
            np.concatenate([p.cols for p in parts]),
            np.concatenate([p.q for p in parts]),
        )

    def __len__(self) -> int:
        return int(self.rows.size)
