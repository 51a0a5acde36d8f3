"""The sort-free union of two pair sets, against Python sets of (row, column)."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from matcher.stream.edges import Edges
from matcher.stream.union import union

pairs = st.lists(st.tuples(st.integers(0, 6), st.integers(0, 4)), max_size=40)


@given(held=pairs.map(lambda p: sorted(set(p))), offered=pairs, shuffle=st.randoms())
def test_union_is_every_pair_once_held_first(
    held: list[tuple[int, int]], offered: list[tuple[int, int]], shuffle: object
) -> None:
    shuffle.shuffle(held)  # type: ignore[attr-defined]

    def edges(p: list[tuple[int, int]]) -> Edges:
        a = np.array(p, np.intp).reshape(-1, 2)
        return Edges(a[:, 0], a[:, 1], (a[:, 0] * 10 + a[:, 1]).astype(float))

    got = union(edges(held), edges(offered), 7, 5)
    out = list(zip(got.rows.tolist(), got.cols.tolist(), strict=True))
    assert out[: len(held)] == held  # held keep their order
    seen = set(held)
    fresh = [p for p in offered if not (p in seen or seen.add(p))]  # type: ignore[func-returns-value]
    assert out[len(held) :] == fresh  # then each new pair once, in the order offered
    assert got.q.tolist() == [r * 10.0 + c for r, c in out]  # scores travel with their pairs
