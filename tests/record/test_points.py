"""Points: the formula by hand, the ledger's balance, and redemptions that never overdraw."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from matcher.errors import InputError
from matcher.messages import msg, render
from matcher.record import (
    CancelReason,
    EntryKind,
    PointsEntry,
    RecordPolicy,
    balance,
    check_redemption,
    earnings,
    points_for,
)
from tests.record.histories import AS_OF, cancelled, done, no_show

DAY = date(2026, 6, 1)


@pytest.mark.parametrize(
    ("hours", "rating", "priority", "points"),
    [
        (4.0, 5, 5, 90),  # 10 × 4 × 1.5 × 1.5
        (6.0, 4, 3, 75),  # 10 × 6 × 1.25
        (5.0, 2, 3, 38),  # 10 × 5 × 0.75 = 37.5, halves up
        (3.0, None, 3, 30),  # unrated counts as a 3
        (2.0, 1, 1, 5),  # 10 × 2 × 0.5 × 0.5
        (0.5, 3, 4, 6),  # 10 × 0.5 × 1.25 = 6.25
        (1.25, 3, 3, 13),  # 12.5: halves up (not to even)
    ],
)
def test_points_by_hand(hours: float, rating: int | None, priority: int, points: int) -> None:
    assert points_for(done(1, DAY, hours, rating, priority=priority), RecordPolicy()) == points


def test_only_completed_dispatches_earn_and_exempt_ones_do() -> None:
    p = RecordPolicy()
    history = [
        done(1, DAY, 4.0, 5, priority=5),
        done(2, DAY, 3.0, 1, exempt=True),  # 10 × 3 × 0.5
        no_show(3, DAY),
        cancelled(4, DAY, CancelReason.DUPLICATE),
    ]
    got = earnings(history, p)
    assert [(e.dispatch, e.amount, e.kind, e.actor) for e in got] == [
        (1, 90, EntryKind.EARNED, "system"),
        (2, 15, EntryKind.EARNED, "system"),
    ]
    assert balance(got) == 105
    free = RecordPolicy.model_validate({"points": {"rating_step": 0, "priority_step": 0}})
    assert points_for(done(1, DAY, 4.0, 1, priority=1), free) == 40


def test_redemption_refuses_overdraft_and_non_positive_amounts() -> None:
    assert check_redemption(30, 30) == 0
    with pytest.raises(InputError) as exc:
        check_redemption(30, 31)
    assert exc.value.code == "points.overdraw"
    assert exc.value.params == {"amount": 31, "balance": 30}
    assert render(msg(exc.value.code, **exc.value.params), "en") == (
        "cannot redeem 31 points: the balance is 30"
    )
    for bad in (0, -5, 1.5, True):
        with pytest.raises(InputError) as exc:
            check_redemption(30, bad)  # type: ignore[arg-type]
        assert exc.value.code == "points.amount_positive"


OPS = st.lists(st.tuples(st.sampled_from(["earn", "redeem"]), st.integers(-3, 120)), max_size=40)


@given(OPS)
def test_balance_never_negative_under_checked_redemptions(ops: list[tuple[str, int]]) -> None:
    ledger: list[PointsEntry] = []
    expected = 0
    for kind, amount in ops:
        if kind == "earn":
            if amount <= 0:
                continue
            ledger.append(PointsEntry("P1", EntryKind.EARNED, amount, "dispatch", AS_OF, "system"))
            expected += amount
        else:
            try:
                after = check_redemption(balance(ledger), amount)
            except InputError:
                assert amount <= 0 or amount > expected
                continue
            assert 0 < amount <= expected and after == expected - amount
            ledger.append(PointsEntry("P1", EntryKind.REDEEMED, amount, "course", AS_OF, "admin"))
            expected -= amount
        assert balance(ledger) == expected >= 0
