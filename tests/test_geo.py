"""Community distances: the symmetric matrix against the general one."""

from __future__ import annotations

import numpy as np
import pytest

from matcher import geo


@pytest.mark.parametrize("n", [0, 1, 2, 5, 37])
@pytest.mark.parametrize("chunk", [1, 37 * 5, 1 << 18])  # rows per chunk: 1, 5 (of 37), all
def test_pairwise_matches_the_general_matrix_and_is_symmetric(
    n: int, chunk: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(geo, "_CHUNK_CELLS", chunk)  # row chunks of one row up to all rows
    rng = np.random.default_rng(n)
    lat, lon = 31.5 + 2 * rng.random(n), 118.0 + 2 * rng.random(n)
    km = geo.pairwise_km(lat, lon)
    full = geo.distance_matrix(lat, lon, lat, lon)
    assert km.shape == (n, n)
    assert np.array_equal(km, km.T)
    np.testing.assert_allclose(km, full, rtol=1e-12, atol=1e-9)
    assert not np.diag(km).any()
