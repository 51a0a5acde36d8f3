"""The lending ledger (社区互助账本): which communities lend their cadres' hours to which.

Why: a district's pool is shared, so a community whose cadres serve elsewhere
gives up hours it could have had at home. Every completed dispatch moves its
service hours from the cadre's home community to the demand's community; this
module sums those moves over a period into, per community, hours lent, hours
received, the balance and the top partners, and into the community × community
flow matrix. It is a function of the history, never a stored running total, so
a figure can always be recomputed from the dispatches it came from
(``docs/ledger.md``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from matcher.errors import InputError
from matcher.record.history import Ending, Outcome

__all__ = [
    "PERIOD_DAYS",
    "TOP_PARTNERS",
    "CommunityLedger",
    "Ledger",
    "Partner",
    "ledger_period",
    "lending_ledger",
]

#: how many partners a community's row names in each direction
TOP_PARTNERS = 3
#: the default period: the last this many days, today included
PERIOD_DAYS = 90


@dataclass(frozen=True, slots=True)
class Partner:
    """A community on the other side of a community's lending, with the hours between them."""

    community: str
    hours: float


@dataclass(frozen=True, slots=True)
class CommunityLedger:
    """One community's figures over the period.

    ``lent``: hours its cadres served in other communities; ``received``: hours
    other communities' cadres served here; ``balance`` = received − lent
    (positive: the community got more than it gave); ``home``: hours its own
    cadres served here. ``lent_to`` and ``received_from`` are the partners with
    the most hours in each direction (most first, ties by id).
    """

    community: str
    lent: float
    received: float
    balance: float
    home: float
    lent_to: tuple[Partner, ...]
    received_from: tuple[Partner, ...]


@dataclass(frozen=True, slots=True)
class Ledger:
    """A district's lending over ``[start, end]`` (both days included).

    ``flows[i][j]`` is the hours cadres of ``communities[i]`` served in
    ``communities[j]`` (the diagonal is service at home); ``rows`` follow
    ``communities``; ``dispatches`` counts the completed dispatches summed.
    """

    start: date
    end: date
    communities: tuple[str, ...]
    flows: tuple[tuple[float, ...], ...]
    rows: tuple[CommunityLedger, ...]
    dispatches: int


def ledger_period(start: date | None, end: date | None, today: date) -> tuple[date, date]:
    """The period asked for, with defaults: ``end`` today, ``start`` the day that makes
    it :data:`PERIOD_DAYS` days long (both days included).

    Raises:
        InputError: ``ledger.period_reversed`` when ``start`` is after ``end``.
    """
    last = today if end is None else end
    if start is not None:
        first = start
    else:  # the calendar's first days have no 89 days before them
        first = date.min + max(last - date.min - timedelta(days=PERIOD_DAYS - 1), timedelta())
    if first > last:
        raise InputError(
            f"the period starts on {first}, after it ends on {last}",
            code="ledger.period_reversed",
            params={"start": first.isoformat(), "end": last.isoformat()},
        )
    return first, last


def _top(hours: dict[str, float], top: int) -> tuple[Partner, ...]:
    best = sorted(((-h, c) for c, h in hours.items() if h > 0))[:top]
    return tuple(Partner(c, -h) for h, c in best)


def lending_ledger(
    outcomes: Iterable[Outcome],
    homes: Mapping[str, str],
    start: date,
    end: date,
    communities: Iterable[str] = (),
    *,
    top: int = TOP_PARTNERS,
) -> Ledger:
    """The ledger of the completed outcomes that ended in ``[start, end]``.

    ``homes`` maps each cadre to its home community; an outcome of a cadre with
    no home in it is left out (it cannot be placed). ``communities`` lists the
    district's communities in display order, so a community that neither lent
    nor received still has its row; a community seen only in the history is
    appended after them, by id. Cancelled and no-show dispatches and completions
    without hours move nothing.
    """
    order = list(dict.fromkeys(communities))
    flow: dict[tuple[str, str], float] = {}
    count = 0
    for o in outcomes:
        if o.ending is not Ending.COMPLETED or o.hours is None or not start <= o.ended <= end:
            continue
        home = homes.get(o.cadre)
        if home is None:
            continue
        flow[home, o.community] = flow.get((home, o.community), 0.0) + o.hours
        count += 1
    known = set(order)
    order += sorted({c for pair in flow for c in pair} - known)
    rows = []
    for c in order:
        lent_to = {b: h for (a, b), h in flow.items() if a == c and b != c}
        received_from = {a: h for (a, b), h in flow.items() if b == c and a != c}
        lent, received = sum(lent_to.values(), 0.0), sum(received_from.values(), 0.0)
        rows.append(
            CommunityLedger(
                community=c,
                lent=lent,
                received=received,
                balance=received - lent,
                home=flow.get((c, c), 0.0),
                lent_to=_top(lent_to, top),
                received_from=_top(received_from, top),
            )
        )
    matrix = tuple(tuple(flow.get((a, b), 0.0) for b in order) for a in order)
    return Ledger(start, end, tuple(order), matrix, tuple(rows), count)
