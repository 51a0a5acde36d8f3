"""The manual rule replayed on a day, against figures worked out by hand.

The day: two demands in one community (no travel), two cadres.

- ``A`` (priority 5) wants elevator retrofit 3, requires nothing;
- ``B`` (priority 3) wants and requires elevator retrofit 3;
- ``P1`` has level 3 (qualified for both, fit 1 on both); ``P2`` has level 1
  (qualified for ``A`` only, fit 1/3).

The rule serves the urgent ``A`` first with its best-fitting cadre, ``P1``; ``B`` is
left with nobody qualified. What matcher proposed and was accepted: ``P2 → A``,
``P1 → B``. So, by hand: 2 open slots of weight 5 + 3 = 8; the rule fills 1 slot
(weight 5), matcher 2 (weight 8); fill rate 1/2 against 2/2, a gain of
2/2 ÷ 1/2 − 1 = 1; priority-weighted 5/8 against 8/8, a gain of 8/5 − 1 = 0.6.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from matcher import (
    Cadre,
    Case,
    Community,
    DayInputs,
    Demand,
    default_taxonomy,
    manual_rule,
    replay_days,
)

LIFT = "urban.elevator_retrofit"
DAY = date(2026, 3, 2)


def _case() -> Case:
    return Case(
        taxonomy=default_taxonomy(),
        communities=(Community("C1", "颐和路社区", "宁海路街道", 32.06, 118.77),),
        cadres=(
            Cadre("P1", "张三", "C1", {LIFT: 3}),
            Cadre("P2", "李四", "C1", {LIFT: 1}),
        ),
        demands=(
            Demand("A", "C1", "加装电梯协调", {LIFT: 3}, priority=5),
            Demand("B", "C1", "加装电梯验收", {LIFT: 3}, requires={LIFT: 3}, priority=3),
        ),
    )


def test_the_rule_falls_into_the_trap_matcher_did_not() -> None:
    day = DayInputs(DAY, {"A": 1, "B": 1}, {"P1": 1, "P2": 1}, [("P1", "B"), ("P2", "A")])
    f = replay_days(_case(), [day]).to_json()
    total = f["total"]
    assert (total["days"], total["slots"], total["weight"]) == (1, 2, 8)
    assert (total["manual"]["slots"], total["manual"]["weight"]) == (1, 5)
    assert (total["matcher"]["slots"], total["matcher"]["weight"]) == (2, 8)
    assert total["manual"]["km"] == total["matcher"]["km"] == 0
    assert f["rates"]["manual"]["fill_rate"] == 0.5
    assert f["rates"]["manual"]["weighted_fill"] == 0.625
    assert f["rates"]["matcher"]["fill_rate"] == f["rates"]["matcher"]["weighted_fill"] == 1
    assert f["gain"]["fill_rate"] == 1 and f["gain"]["weighted_fill"] == 0.6
    assert f["rule"] == "manual-rule"


def test_a_day_counts_what_was_open_and_free_then() -> None:
    # B already full and P1 busy at the start of the day: the rule gives A to P2,
    # and a dispatch accepted beyond a demand's open slots does not count
    day = DayInputs(DAY, {"A": 1}, {"P2": 1}, [("P2", "A"), ("P1", "A")])
    d = replay_days(_case(), [day]).to_json()["days"][0]
    assert (d["slots"], d["weight"]) == (1, 5)
    assert d["manual"]["slots"] == d["matcher"]["slots"] == 1
    assert d["manual"]["score"] == d["matcher"]["score"]
    # nothing open: nothing to fill, no rate to divide by
    empty = replay_days(_case(), [DayInputs(DAY, {}, {"P1": 1}, [])]).to_json()
    assert empty["rates"]["manual"]["fill_rate"] is None and empty["gain"]["fill_rate"] is None


@pytest.mark.parametrize(
    ("fits", "kms", "want"),
    [
        ([0.9, 0.5], [5.0, 1.0], [0]),  # fit first, however far
        ([0.5, 0.5], [5.0, 1.0], [1]),  # then the nearer
        ([0.5, 0.5], [1.0, 1.0], [0]),  # then roster order
    ],
)
def test_the_rules_order_of_choice(fits: list[float], kms: list[float], want: list[int]) -> None:
    # one demand with one slot, two qualified cadres (edges 0: row 0, 1: row 1)
    chosen = manual_rule([0, 1], [0, 0], [3], fits, kms, [1, 1], [1])
    assert chosen.tolist() == want


def test_the_urgent_demand_chooses_first() -> None:
    # one cadre, two demands: the priority 5 one takes it though its fit is lower
    chosen = manual_rule([0, 0], [0, 1], [3, 5], [1.0, 0.2], [0.0, 0.0], [1], [1, 1])
    assert chosen.tolist() == [1]


def test_a_day_is_scored_in_blocks_and_a_too_big_day_is_skipped(monkeypatch: Any) -> None:
    day = DayInputs(DAY, {"A": 1, "B": 1}, {"P1": 1, "P2": 1}, [("P1", "B"), ("P2", "A")])
    whole = replay_days(_case(), [day]).to_json()
    # both cadres on A's two slots: each block's cadres keep their own capacity
    two = DayInputs(DAY, {"A": 2}, {"P1": 1, "P2": 1}, [])
    both = replay_days(_case(), [two]).to_json()
    assert both["total"]["manual"]["slots"] == 2
    monkeypatch.setattr("matcher.replay._BLOCK_PAIRS", 1)  # one cadre per block
    assert replay_days(_case(), [day]).to_json() == whole
    assert replay_days(_case(), [two]).to_json() == both
    monkeypatch.setattr("matcher.replay.MOST_PAIRS", 3)  # 2 cadres × 2 demands = 4
    skipped = replay_days(_case(), [day]).to_json()
    assert skipped["days"] == [] and skipped["skipped"] == ["2026-03-02"]


def test_excluded_pairs_are_not_the_rules_to_take() -> None:
    # P1 already did B (a cadre takes one slot of a demand): the rule has nobody for B
    # and gives A to P1, its best fit
    day = DayInputs(DAY, {"A": 1, "B": 1}, {"P1": 1, "P2": 1}, [], excluded=[("P1", "B")])
    d = replay_days(_case(), [day]).to_json()["days"][0]
    assert (d["manual"]["slots"], d["manual"]["weight"]) == (1, 5)
