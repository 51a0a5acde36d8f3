"""A cadre's record (成长档案): every indicator, computed from history as of a day.

Why functions of the history: a figure shown to a district office (or used by
a warning rule, or by the match) must be recomputable from the outcomes,
trainings and decisions it came from, never typed in. The store reads those
rows and calls :func:`cadre_record`; ``docs/record.md`` states each formula.

History after ``as_of`` is ignored, so the record of any past day can be
replayed (the warnings backtest does). An exempt (容错) outcome is kept in the
record — its hours count, it is counted under ``exempted`` — but nothing that
can count against a cadre reads it: not its rating, not its no-show.

Example:
    >>> from datetime import date
    >>> from matcher.record.history import Ending, Outcome
    >>> done = Outcome(1, "P1", "D1", "C1", date(2026, 3, 1), date(2026, 3, 2),
    ...                Ending.COMPLETED, hours=6.0, rating=5)
    >>> r = cadre_record("P1", date(2026, 1, 1), [done], [], [], 4.0, RecordPolicy(),
    ...                  date(2026, 3, 2))
    >>> r.completed, r.hours_total, round(r.rating or 0, 2)
    (1, 6.0, 4.25)
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from matcher.record.history import CancelReason, Ending, Outcome, Standing, StatusChange, Training
from matcher.record.policy import RecordPolicy

__all__ = [
    "CadreRecord",
    "cadre_record",
    "district_mean_rating",
    "is_no_show",
    "months_between",
    "standing",
]

#: decimals the rating means keep
DIGITS = 9


@dataclass(frozen=True, slots=True)
class CadreRecord:
    """One cadre's indicators as of ``as_of`` (``docs/record.md``, "Indicators")."""

    cadre: str
    as_of: date
    joined: date
    #: whole months from joining to ``as_of``
    months_in_pool: int
    #: dispatches completed (exempt ones included)
    completed: int
    #: every dispatch that ended without completion, by reason (each reason present, 0 or more)
    cancelled: Mapping[CancelReason, int]
    #: outcomes marked 容错 exempt
    exempted: int
    #: no-shows that count (exempt ones left out): ever, and within the recent window
    no_shows: int
    no_shows_recent: int
    #: service hours of completed dispatches: ever, in the recent window, this calendar year
    hours_total: float
    hours_recent: float
    hours_year: float
    #: the yearly target, pro-rated from 1 January (or joining, if later) to ``as_of``
    hours_target_to_date: float
    #: ``max(0, hours_target_to_date − hours_year)``
    hours_behind: float
    #: days of the counting year so far (from 1 January or joining, to ``as_of``, inclusive)
    year_days: int
    #: ratings that count (exempt ones left out)
    ratings: int
    #: recency-weighted mean of those ratings, shrunk toward the district mean; None without ratings
    rating: float | None
    #: the same mean without shrinkage (what the cadre's own ratings say)
    rating_unshrunk: float | None
    training_hours: float
    #: distinct courses attended, in the order first attended
    courses: tuple[str, ...]
    #: certifications gained in training, each with the day first gained, by day
    certs: tuple[tuple[str, date], ...]
    #: communities of completed dispatches, sorted
    communities: tuple[str, ...]
    #: the status in force on ``as_of`` according to the decisions given (None: none given)
    status: str | None
    #: days from the end of the last completed dispatch (or from joining, if none) to ``as_of``
    days_idle: int = 0


def is_no_show(o: Outcome) -> bool:
    """A no-show: ended as one, or cancelled with the no-show reason."""
    return o.ending == Ending.NO_SHOW or o.cancel_reason == CancelReason.NO_SHOW


def months_between(start: date, end: date) -> int:
    """Whole months from ``start`` to ``end`` (0 when ``end`` is not later)."""
    months = (end.year - start.year) * 12 + (end.month - start.month)
    if end.day < start.day:
        months -= 1
    return max(0, months)


def _weight(o: Outcome, as_of: date, half_life: float) -> float:
    return float(0.5 ** ((as_of - o.ended).days / half_life))


def district_mean_rating(outcomes: Iterable[Outcome], as_of: date | None = None) -> float | None:
    """The plain mean of every rating that counts (exempt left out), up to ``as_of``.

    The prior every cadre's rating is shrunk toward; None when nobody is rated yet.
    """
    rs = [
        o.rating
        for o in outcomes
        if o.rating is not None and not o.exempt and (as_of is None or o.ended <= as_of)
    ]
    return sum(rs) / len(rs) if rs else None


def _days_in_year(year: int) -> int:
    return 366 if calendar.isleap(year) else 365


def cadre_record(
    cadre: str,
    joined: date,
    outcomes: Sequence[Outcome],
    trainings: Sequence[Training],
    changes: Sequence[StatusChange],
    district_mean: float | None,
    policy: RecordPolicy,
    as_of: date,
) -> CadreRecord:
    """The record of ``cadre`` as of ``as_of`` from its history (other cadres' rows are skipped).

    ``district_mean`` is :func:`district_mean_rating` of the district's outcomes;
    None leaves the rating unshrunk (a district with no rating yet has no prior).
    """
    mine = [o for o in outcomes if o.cadre == cadre and o.ended <= as_of]
    done = [o for o in mine if o.ending == Ending.COMPLETED]
    counting = [o for o in mine if not o.exempt]

    cancelled = dict.fromkeys(CancelReason, 0)
    for o in mine:
        if o.ending != Ending.COMPLETED:
            reason = o.cancel_reason or (
                CancelReason.NO_SHOW if o.ending == Ending.NO_SHOW else CancelReason.OTHER
            )
            cancelled[reason] += 1

    def recent(o: Outcome) -> bool:
        return (as_of - o.ended).days < policy.recent_days

    no_shows = [o for o in counting if is_no_show(o)]
    year_start = max(date(as_of.year, 1, 1), joined)
    year_days = max(0, (as_of - year_start).days + 1)
    target = policy.yearly_hours * year_days / _days_in_year(as_of.year)
    hours_year = sum(o.hours or 0.0 for o in done if o.ended >= year_start)

    rated = [o for o in counting if o.ending == Ending.COMPLETED and o.rating is not None]
    weights = [_weight(o, as_of, policy.half_life_days) for o in rated]
    wsum = sum(weights)
    rsum = sum(w * (o.rating or 0) for w, o in zip(weights, rated, strict=True))
    rating = unshrunk = None
    if rated:
        m = policy.shrinkage if district_mean is not None else 0.0
        # to 1e-9, so equal ratings average to exactly themselves (rules compare with <)
        unshrunk = round(rsum / wsum, DIGITS)
        rating = round((rsum + m * (district_mean or 0.0)) / (wsum + m), DIGITS)

    trained = [t for t in trainings if t.cadre == cadre and t.day <= as_of]
    certs: dict[str, date] = {}
    for t in sorted(trained, key=lambda t: t.day):
        if t.cert is not None:
            certs.setdefault(t.cert, t.day)
    decided = sorted(
        (c for c in changes if c.cadre == cadre and c.day <= as_of), key=lambda c: c.day
    )

    return CadreRecord(
        cadre=cadre,
        as_of=as_of,
        joined=joined,
        months_in_pool=months_between(joined, as_of),
        completed=len(done),
        cancelled=cancelled,
        exempted=sum(1 for o in mine if o.exempt),
        no_shows=len(no_shows),
        no_shows_recent=sum(1 for o in no_shows if recent(o)),
        hours_total=sum(o.hours or 0.0 for o in done),
        hours_recent=sum(o.hours or 0.0 for o in done if recent(o)),
        hours_year=hours_year,
        hours_target_to_date=target,
        hours_behind=max(0.0, target - hours_year),
        year_days=year_days,
        ratings=len(rated),
        rating=rating,
        rating_unshrunk=unshrunk,
        training_hours=sum(t.hours for t in trained),
        courses=tuple(dict.fromkeys(t.course for t in sorted(trained, key=lambda t: t.day))),
        certs=tuple(sorted(certs.items(), key=lambda kv: (kv[1], kv[0]))),
        communities=tuple(sorted({o.community for o in done})),
        status=decided[-1].status if decided else None,
        days_idle=max(0, (as_of - max([joined, *(o.ended for o in done)])).days),
    )


def standing(record: CadreRecord) -> Standing:
    """The figures the match may use (each policy term that reads them is off by default)."""
    return Standing(
        rating=record.rating,
        hours_recent=record.hours_recent,
        hours_behind=record.hours_behind,
        days_idle=record.days_idle,
    )
