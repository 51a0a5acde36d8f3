"""The service's warm plans: one per district, lent to one computation at a time,
at most ``keep`` of them (the one used longest ago goes first)."""

from __future__ import annotations

from api.warm import WarmPlans


def test_at_most_keep_districts_hold_a_plan_the_least_recent_goes() -> None:
    plans = WarmPlans(keep=2)
    for district in ("d1", "d2", "d3"):
        with plans.take(district) as planner:
            assert planner is not None
    assert plans.planner("d1") is None  # taken longest ago: let go
    assert plans.planner("d2") is not None and plans.planner("d3") is not None
    kept = plans.planner("d2")
    with plans.take("d2"):  # d2 is now the most recent: d3 goes next
        pass
    with plans.take("d4"):
        pass
    assert plans.planner("d3") is None
    assert plans.planner("d2") is kept  # the same plan, still warm


def test_a_plan_in_use_is_not_lent_twice_and_none_when_disabled() -> None:
    plans = WarmPlans()
    with plans.take("d1") as first, plans.take("d1") as second:
        assert first is not None and second is None  # busy: the caller solves cold
    with plans.take("d1") as again:
        assert again is first
    with WarmPlans(enabled=False).take("d1") as off:
        assert off is None
