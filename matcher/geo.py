"""Great-circle distances between communities.

Why haversine: community coordinates are all a district has; road graphs can
replace this later without touching scoring, which only sees a km matrix.

Example:
    >>> round(haversine_km(32.06, 118.77, 32.07, 118.77), 3)
    1.112
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

__all__ = ["EARTH_RADIUS_KM", "distance_matrix", "haversine_km"]

EARTH_RADIUS_KM = 6371.0088  # IUGG mean Earth radius


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
    """``km[i, j]`` between point ``i`` of set A and point ``j`` of set B."""
    p1, l1 = np.radians(lat_a)[:, None], np.radians(lon_a)[:, None]
    p2, l2 = np.radians(lat_b)[None, :], np.radians(lon_b)[None, :]
    h = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin((l2 - l1) / 2) ** 2
    km: npt.NDArray[np.float64] = 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))
    return km
