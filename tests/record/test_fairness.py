"""The load spread's figures, by hand: Jain, Gini, share served, p95, hours per cadre."""

from __future__ import annotations

from datetime import date
from itertools import permutations

import pytest

from matcher.record import gini, hours_by_cadre, jain, load_spread, percentile
from tests.record.histories import done, no_show


def test_the_documented_example() -> None:
    s = load_spread([0.0, 10.0, 10.0, 20.0])
    assert s.cadres == 4 and s.total_hours == 40.0
    assert s.jain == pytest.approx(1600 / 2400)
    assert s.gini == pytest.approx(120 / (2 * 16 * 10))  # Σ|xi − xj| over ordered pairs
    assert s.served_share == 0.75
    assert s.p95_hours == pytest.approx(18.5)  # position 2.85: 10 + 0.85 × (20 − 10)


@pytest.mark.parametrize("n", [1, 2, 5])
def test_the_extremes(n: int) -> None:
    assert jain([3.0] * n) == pytest.approx(1.0) and gini([3.0] * n) == 0.0
    one = [9.0] + [0.0] * (n - 1)
    assert jain(one) == pytest.approx(1 / n)
    assert gini(one) == pytest.approx(1 - 1 / n)
    assert load_spread(one).served_share == 1 / n


def test_an_idle_or_empty_pool() -> None:
    assert (jain([]), gini([]), percentile([], 95)) == (1.0, 0.0, 0.0)
    assert (jain([0.0, 0.0]), gini([0.0, 0.0])) == (1.0, 0.0)
    assert load_spread([]).served_share == 0.0


def test_gini_is_the_pairwise_definition_in_any_order() -> None:
    xs = [1.0, 4.0, 0.0, 7.0, 2.5]
    pairwise = sum(abs(a - b) for a in xs for b in xs) / (2 * len(xs) ** 2 * (sum(xs) / len(xs)))
    for p in list(permutations(xs))[:10]:
        assert gini(list(p)) == pytest.approx(pairwise)


def test_hours_by_cadre_counts_completed_hours_in_the_period() -> None:
    history = [
        done(1, date(2026, 3, 1), 5.0),
        done(2, date(2026, 3, 31), 2.0),  # the last day counts
        done(3, date(2026, 4, 1), 9.0),  # after the period
        done(4, date(2026, 3, 10), 4.0, cadre="P2"),
        no_show(5, date(2026, 3, 5)),  # no hours
        done(6, date(2026, 3, 10), 8.0, cadre="P9"),  # not in the pool
    ]
    got = hours_by_cadre(history, ["P1", "P2", "P3"], date(2026, 3, 1), date(2026, 3, 31))
    assert got == [7.0, 4.0, 0.0]
