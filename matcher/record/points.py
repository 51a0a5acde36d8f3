"""Points (服务积分): earned by completed dispatches, redeemed by an admin, never overdrawn.

Why a ledger: a balance is the sum of its entries and never stored alone, so it
can always be explained entry by entry (as Beijing's 小巷管家 scheme reports
points earned and spent). Points are whole numbers, so the sum is exact and a
checked redemption can never leave it below 0. The store serialises
redemptions (its lock); :func:`check_redemption` is the rule it applies.

Exempt (容错) dispatches earn like any other: the exemption shields a cadre
from warning rules, it does not take away the service given.

Example:
    >>> from datetime import date
    >>> from matcher.record.history import Ending, Outcome
    >>> o = Outcome(7, "P1", "D1", "C1", date(2026, 3, 1), date(2026, 3, 1),
    ...             Ending.COMPLETED, priority=5, hours=4.0, rating=5)
    >>> points_for(o, RecordPolicy())
    90
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from matcher.errors import InputError
from matcher.record.history import Ending, Outcome
from matcher.record.policy import RecordPolicy

__all__ = [
    "EntryKind",
    "PointsEntry",
    "balance",
    "check_redemption",
    "earnings",
    "points_for",
]

#: the actor label of entries the system writes (points earned by an outcome)
SYSTEM = "system"


class EntryKind(StrEnum):
    """A ledger entry adds points (earned) or takes them away (redeemed)."""

    EARNED = "earned"
    REDEEMED = "redeemed"


@dataclass(frozen=True, slots=True)
class PointsEntry:
    """One ledger line: ``amount`` (> 0) points earned or redeemed, with why, when and by whom.

    ``reason`` is a short label (a course, a recognition) or, for earned points,
    ``dispatch`` names the dispatch that earned them.
    """

    cadre: str
    kind: EntryKind
    amount: int
    reason: str
    day: date
    actor: str
    dispatch: int | None = None

    @property
    def signed(self) -> int:
        """The entry's effect on the balance."""
        return self.amount if self.kind == EntryKind.EARNED else -self.amount


def points_for(outcome: Outcome, policy: RecordPolicy) -> int:
    """Points a completed dispatch earns (0 for any other ending).

    ``round(per_hour × hours × (1 + rating_step × (rating − 3)) × (1 + priority_step
    × (priority − 3)))``, rounding halves up; an unrated dispatch counts as a 3.
    """
    if outcome.ending != Ending.COMPLETED or not outcome.hours:
        return 0
    f = policy.points
    rating = 3 if outcome.rating is None else outcome.rating
    raw = (
        f.per_hour
        * outcome.hours
        * (1 + f.rating_step * (rating - 3))
        * (1 + f.priority_step * (outcome.priority - 3))
    )
    return max(0, math.floor(raw + 0.5))


def earnings(outcomes: Iterable[Outcome], policy: RecordPolicy) -> list[PointsEntry]:
    """The earned entries of some outcomes (those that earn nothing are left out)."""
    out = []
    for o in outcomes:
        pts = points_for(o, policy)
        if pts > 0:
            out.append(
                PointsEntry(o.cadre, EntryKind.EARNED, pts, "dispatch", o.ended, SYSTEM, o.dispatch)
            )
    return out


def balance(entries: Sequence[PointsEntry] | Iterable[PointsEntry]) -> int:
    """The balance: the sum of the ledger (earned minus redeemed)."""
    return sum(e.signed for e in entries)


def check_redemption(current: int, amount: int) -> int:
    """The balance after redeeming ``amount``; refuses a non-positive amount or an overdraft.

    Raises:
        InputError: ``points.amount_positive`` or ``points.overdraw`` (nothing is redeemed).
    """
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        raise InputError(
            f"points to redeem must be a whole number above 0 (got {amount!r})",
            code="points.amount_positive",
            params={"amount": str(amount)},
        )
    if amount > current:
        raise InputError(
            f"cannot redeem {amount} points: the balance is {current}",
            code="points.overdraw",
            params={"amount": amount, "balance": current},
        )
    return current - amount
