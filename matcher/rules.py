"""The hard rules: one table, one definition each.

A pair (cadre, demand) is infeasible when any rule fails. Explanations count
them in this order (:data:`RULES`); the dense scorer, the compiled counting of
reasons and the compiled scan all test these definitions:

- ``status``: the cadre is red (withdrawn from dispatch);
- ``capacity``: the cadre takes no dispatches at all (capacity 0);
- ``requires``: the cadre's *own* level of a required tag is below the level asked;
- ``certs``: the demand wants a cert the cadre lacks;
- ``travel``: the demand's community is farther than the cadre's ``max_travel_km``;
- ``availability``: the demand is a dated order and the cadre's weekly pattern
  does not cover its whole window (:func:`matcher.dated.covers`);
- ``away``: the demand is a dated order touching a day the cadre is away
  (:func:`matcher.dated.is_away`).

The time rules read a case's class tables (:mod:`matcher.timetable`): each is
one lookup ``table[cadre class, demand class]``, and an ongoing demand (class 0)
never fails them, so pools without dated orders are judged as before.

Each definition is elementwise, so it holds for numpy arrays (the dense scorer)
and for scalars; :func:`compiled` gives the same functions compiled by numba
with ``inline="always"`` for the kernels (made on first use: numba loads only
with the kernels that need it) (``tests/test_rules.py`` checks they
agree). ``certs`` works on per-cert flags or on bit words of 64 certs alike.

Example:
    >>> import numpy as np
    >>> Rule.TRAVEL.label, RULES.index("travel") == Rule.TRAVEL
    ('travel', True)
    >>> too_far(np.array([3.0, 9.0]), np.array([5.0, 5.0])).tolist()
    [False, True]
"""

from __future__ import annotations

from collections.abc import Callable
from enum import IntEnum
from functools import cache
from typing import Any, TypeVar

__all__ = [
    "RULES",
    "Rule",
    "away_then",
    "compiled",
    "lacks_cert",
    "no_capacity",
    "short_of",
    "too_far",
    "unavailable",
    "withdrawn",
]

T = TypeVar("T")


class Rule(IntEnum):
    """The hard rules, numbered in the order they are reported."""

    STATUS = 0
    CAPACITY = 1
    REQUIRES = 2
    CERTS = 3
    TRAVEL = 4
    AVAILABILITY = 5
    AWAY = 6

    @property
    def label(self) -> str:
        """The rule's name in proposals and messages (``RuleCount.rule``)."""
        return self.name.lower()


#: the rules' names in report order
RULES: tuple[str, ...] = tuple(r.label for r in Rule)


def withdrawn(red: T) -> T:
    """``status``: a red cadre is not dispatched."""
    return red


def no_capacity(capacity: Any) -> Any:
    """``capacity``: a cadre with capacity 0 takes no dispatch."""
    return capacity == 0


def short_of(own_level: Any, required_level: Any) -> Any:
    """``requires``: the cadre's own level of a tag is below the one required."""
    return own_level < required_level


def lacks_cert(missing: Any, wanted: Any) -> Any:
    """``certs``: a cert (or a bit word of certs) wanted and missing."""
    return (missing & wanted) != 0


def too_far(km: Any, limit: Any) -> Any:
    """``travel``: the demand is farther than the cadre travels."""
    return km > limit


def unavailable(outside: Any, pattern: Any, window: Any) -> Any:
    """``availability``: the cadre's pattern class does not cover the order's window class."""
    return outside[pattern, window]


def away_then(away: Any, absence: Any, span: Any) -> Any:
    """``away``: the cadre's absence class holds a day of the order's day-span class."""
    return away[absence, span]


@cache
def compiled() -> dict[Rule, Callable[..., Any]]:
    """The definitions as kernels, by rule (inlined into their loops,
    :func:`matcher.solver.kernels.kernel`); one table per process, made when the
    first compiled kernel module loads."""
    from matcher.solver.kernels import kernel

    jit = kernel(inline=True)
    return {
        Rule.STATUS: jit(withdrawn),
        Rule.CAPACITY: jit(no_capacity),
        Rule.REQUIRES: jit(short_of),
        Rule.CERTS: jit(lacks_cert),
        Rule.TRAVEL: jit(too_far),
        Rule.AVAILABILITY: jit(unavailable),
        Rule.AWAY: jit(away_then),
    }
