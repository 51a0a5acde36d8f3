"""Great-circle distances between communities.

Why haversine: community coordinates are all a district has; road graphs can
replace this later without touching scoring, which only sees a km matrix.

Example:
    >>> round(haversine_km(32.06, 118.77, 32.07, 118.77), 3)
    1.112
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import numpy.typing as npt

__all__ = ["EARTH_RADIUS_KM", "distance_matrix", "haversine_km", "pairwise_km"]

EARTH_RADIUS_KM = 6371.0088  # IUGG mean Earth radius
#: cells per chunk of rows in :func:`distance_matrix`
_CHUNK_CELLS = 1 << 18


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Distance in km between two points given in decimal degrees."""
    return float(
        distance_matrix(np.array([lat1]), np.array([lon1]), np.array([lat2]), np.array([lon2]))[
            0, 0
        ]
    )


def distance_matrix(
    lat_a: npt.NDArray[np.float64],
    lon_a: npt.NDArray[np.float64],
    lat_b: npt.NDArray[np.float64],
    lon_b: npt.NDArray[np.float64],
) -> npt.NDArray[np.float64]:
    """``km[i, j]`` between point ``i`` of set A and point ``j`` of set B.

    Rows are computed in chunks, so the temporaries stay small next to the
    result (a city's 2,000 communities would otherwise need six 32 MiB arrays).
    """
    p1, l1 = np.radians(lat_a)[:, None], np.radians(lon_a)[:, None]
    p2, l2 = np.radians(lat_b)[None, :], np.radians(lon_b)[None, :]
    km = np.empty((p1.shape[0], p2.shape[1]))
    step = max(1, _CHUNK_CELLS // max(p2.shape[1], 1))
    for a in range(0, p1.shape[0], step):
        q1, m1 = p1[a : a + step], l1[a : a + step]
        h = np.sin((p2 - q1) / 2) ** 2 + np.cos(q1) * np.cos(p2) * np.sin((l2 - m1) / 2) ** 2
        km[a : a + step] = 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))
    return km


def pairwise_km(
    lat: npt.NDArray[np.float64], lon: npt.NDArray[np.float64]
) -> npt.NDArray[np.float64]:
    """``km[i, j]`` between points ``i`` and ``j`` of one set, symmetric to the bit.

    Why: scoring reads the community matrix both ways round (cadre-major and
    demand-major), and one symmetric matrix serves both without a transposed
    copy. Each pair is computed once and mirrored, which also halves the work
    (a city's 2,000 communities: 2 million great circles, not 4).

    Example:
        >>> km = pairwise_km(np.array([32.06, 32.07, 32.10]), np.array([118.77, 118.77, 118.80]))
        >>> bool((km == km.T).all()), round(float(km[0, 1]), 3)
        (True, 1.112)
    """
    n = lat.shape[0]
    km = np.empty((n, n))
    step = max(1, _CHUNK_CELLS // max(n, 1))

    def rows(a: int) -> None:
        # rows a:b from the diagonal on, mirrored: no other chunk writes these cells
        b = min(a + step, n)
        km[a:b, a:] = distance_matrix(lat[a:b], lon[a:b], lat[a:], lon[a:])
        block = km[a:b, a:b]
        low = np.tril_indices(b - a, -1)
        block[low] = block.T[low]
        km[b:, a:b] = km[a:b, b:].T

    starts = range(0, n, step)
    if len(starts) < 4:
        for a in starts:
            rows(a)
        return km
    # numpy's ufuncs let go of the GIL: two threads halve a city's wait, and each
    # cell is the same computation on the same values whichever thread does it
    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(rows, starts))
    return km
