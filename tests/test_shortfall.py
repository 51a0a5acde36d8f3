"""Shortages and training picks now: counted by hand on a small case, no cadre named.

The case: one community; ``A`` (2 slots, priority 5) requires elevator retrofit 3;
``P1`` has level 3, ``P2`` level 2, ``P3`` level 1 (each capacity 1). Only ``P1``
qualifies: one slot of ``A`` stays empty, its binding rule the required level. The
one upgrade within two levels that fills it: a cadre at level 1 or 2 raised to 3
(``P2``, 2 → 3, is the cheaper by the exact bound, but either fills 1 slot of
weight 5).
"""

from __future__ import annotations

import importlib
from typing import Any

from matcher import Cadre, Case, Community, Demand, default_catalogue, default_taxonomy, shortfall

LIFT = "urban.elevator_retrofit"


def _case() -> Case:
    return Case(
        taxonomy=default_taxonomy(),
        communities=(Community("C1", "颐和路社区", "宁海路街道", 32.06, 118.77),),
        cadres=(
            Cadre("P1", "张三", "C1", {LIFT: 3}),
            Cadre("P2", "李四", "C1", {LIFT: 2}),
            Cadre("P3", "王五", "C1", {LIFT: 1}),
        ),
        demands=(
            Demand(
                "A",
                "C1",
                "加装电梯协调",
                {LIFT: 3},
                requires={LIFT: 3},
                headcount=2,
                priority=5,
                item="elevator_coordination",
            ),
        ),
    )


def _words(x: Any) -> list[str]:
    if isinstance(x, dict):
        return [*x, *(w for v in x.values() for w in _words(v))]
    if isinstance(x, list | tuple):
        return [w for v in x for w in _words(v)]
    return [x] if isinstance(x, str) else []


def test_the_empty_slot_its_reason_and_the_pick_by_hand() -> None:
    s = shortfall(_case(), default_catalogue(), training=3).to_json()
    assert (s["open"], s["empty"]) == (2, 1)
    [cell] = s["cells"]
    assert (cell["community"], cell["category"], cell["demands"], cell["slots"]) == (
        "C1", "housing", 1, 1)  # fmt: skip
    assert cell["reason"]["code"] == "unfilled.level_short"
    assert cell["reasons"] == {"unfilled.level_short": 1}
    picks = [(t["tag"], t["to_level"], t["slots"], t["weighted_fill"]) for t in s["training"]]
    assert picks and all(p == (LIFT, 3, 1, 5.0) for p in picks)
    assert s["training_note"] is None
    assert LIFT in s["labels"]
    words = _words(s)
    assert not {"P1", "P2", "P3", "张三", "李四", "王五"} & set(words)


def test_a_pool_too_big_to_price_says_so(monkeypatch: Any) -> None:
    # the module (``matcher.shortfall`` is the function of the same name)
    module = importlib.import_module("matcher.shortfall")
    monkeypatch.setattr(module, "TRAINING_MOST_PAIRS", 2)  # 3 cadres × 1 demand
    s = shortfall(_case(), default_catalogue()).to_json()
    assert s["training"] == [] and s["empty"] == 1
    assert s["training_note"] == {
        "code": "problem.training_too_big",
        "params": {"pairs": 3, "most": 2},
    }


def test_a_demand_nobody_qualifies_for_shows_the_rule_that_binds() -> None:
    # nobody holds the cert: the proposal's headline "no cadre passes every hard rule"
    # is passed over for the rule to act on
    case = _case()
    lone = Demand("B", "C1", "养老服务", {LIFT: 1}, certs=("elderly_care_worker",))
    s = shortfall(Case(case.taxonomy, case.communities, case.cadres, (lone,)),
                  default_catalogue(), training=0).to_json()  # fmt: skip
    assert [c["reason"]["code"] for c in s["cells"]] == ["unfilled.cert_missing"]
    assert s["training"] == [] and s["training_note"] is None
