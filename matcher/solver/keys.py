"""Pairs as one int64 each: the key every part of the engine sorts, bans and looks up.

Why: a (cadre, demand) pair is a row and a column; as one ``row << 32 | col``
integer, sets of pairs are sorted numpy arrays (``np.isin``, ``np.union1d``,
``searchsorted``), and the key stays valid when demands are appended.

Example:
    >>> rows, cols = unpair_keys(pair_keys([0, 3], [7, 1]))
    >>> rows.tolist(), cols.tolist()
    ([0, 3], [7, 1])
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

__all__ = ["pair_keys", "unpair_keys"]

#: the low half of a key: its column
COLUMN_MASK = 0xFFFFFFFF


def pair_keys(rows: npt.ArrayLike, cols: npt.ArrayLike) -> npt.NDArray[np.int64]:
    """One int64 per pair, ``row << 32 | col``: stable when demands are added."""
    return (np.asarray(rows, np.int64) << 32) | np.asarray(cols, np.int64)


def unpair_keys(
    keys: npt.ArrayLike,
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """The rows and columns of :func:`pair_keys` (the inverse)."""
    k = np.asarray(keys, np.int64)
    return k >> 32, k & COLUMN_MASK
