"""The record's figures, recomputed by hand from a small history (explicit numbers)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from matcher.record import (
    CancelReason,
    RecordPolicy,
    Standing,
    StatusChange,
    Training,
    cadre_record,
    district_mean_rating,
    months_between,
    standing,
)
from tests.record.histories import AS_OF, cancelled, done, no_show

JOINED = date(2025, 3, 15)

#: ages from AS_OF (2026-06-30): 2025-07-05 is 360 days, 2026-01-01 is 180, 2026-06-12 is 18
HISTORY = [
    done(1, date(2025, 7, 5), 6.0, 4),  # weight 1/4 (two half-lives)
    done(2, date(2026, 1, 1), 5.0, 2, community="C2"),  # weight 1/2
    done(3, AS_OF, 4.0, 5, priority=5),  # weight 1
    no_show(4, date(2026, 5, 1)),  # 60 days: recent
    cancelled(5, date(2026, 4, 1), CancelReason.COMMUNITY_WITHDREW),  # 90 days: not recent
    done(6, date(2026, 6, 12), 3.0, 1, community="C3", exempt=True),  # hours count, rating not
    no_show(7, date(2026, 6, 20), exempt=True),  # not counted against
    done(8, date(2026, 7, 5), 10.0, 5),  # after as_of: not seen
    done(9, AS_OF, 8.0, 1, cadre="P2"),  # another cadre
]
TRAININGS = [
    Training("P1", "mediation basics", date(2025, 4, 1), 8.0, ("mediation",), "people_mediator"),
    Training("P1", "first aid", date(2025, 9, 1), 4.0, ("first_aid",), "first_aid"),
    Training("P1", "mediation basics", date(2026, 2, 1), 2.0, (), "people_mediator"),
    Training("P1", "later", date(2026, 8, 1), 10.0, (), "later_cert"),
    Training("P2", "first aid", date(2025, 9, 1), 4.0, (), "first_aid"),
]
CHANGES = [
    StatusChange("P1", date(2026, 2, 1), "yellow", "no_shows"),
    StatusChange("P1", date(2026, 5, 1), "green"),
    StatusChange("P1", date(2026, 7, 1), "red"),
    StatusChange("P2", date(2026, 1, 1), "red"),
]


def _record():  # type: ignore[no-untyped-def]
    return cadre_record("P1", JOINED, HISTORY, TRAININGS, CHANGES, 3.5, RecordPolicy(), AS_OF)


def test_counts_hours_and_places_by_hand() -> None:
    r = _record()
    assert r.cadre == "P1" and r.as_of == AS_OF and r.joined == JOINED
    assert r.months_in_pool == 15  # 2025-03-15 → 2026-06-15, then 15 more days
    assert r.completed == 4  # 1, 2, 3 and the exempt 6
    assert dict(r.cancelled) == {
        CancelReason.CADRE_UNAVAILABLE: 0,
        CancelReason.NO_SHOW: 2,  # 4 and the exempt 7: the facts
        CancelReason.COMMUNITY_WITHDREW: 1,
        CancelReason.DUPLICATE: 0,
        CancelReason.OTHER: 0,
    }
    assert r.exempted == 2
    assert (r.no_shows, r.no_shows_recent) == (1, 1)  # only 4 counts against
    assert r.hours_total == 18.0  # 6 + 5 + 4 + 3
    assert r.hours_recent == 7.0  # 4 (today) + 3 (18 days ago)
    assert r.hours_year == 12.0  # 5 + 4 + 3
    assert r.year_days == 181  # 1 January to 30 June 2026, both included
    assert r.hours_target_to_date == pytest.approx(200 * 181 / 365)
    assert r.hours_behind == pytest.approx(200 * 181 / 365 - 12)
    assert r.communities == ("C1", "C2", "C3")
    assert r.status == "green"  # the red of 1 July is after as_of
    assert r.days_idle == 0  # dispatch 3 was completed on AS_OF


def test_days_idle_counts_from_the_last_completion_or_from_joining() -> None:
    early = [done(1, date(2026, 6, 12)), no_show(2, date(2026, 6, 20))]  # a no-show is no service
    r = cadre_record("P1", JOINED, early, [], [], None, RecordPolicy(), AS_OF)
    assert r.days_idle == 18 and standing(r).days_idle == 18
    never = cadre_record("P9", date(2026, 6, 1), early, [], [], None, RecordPolicy(), AS_OF)
    assert never.days_idle == 29  # 1 to 30 June: none completed, counted from joining


def test_ratings_by_hand() -> None:
    r = _record()
    assert r.ratings == 3  # the exempt 1-star is left out
    # Σw = 1/4 + 1/2 + 1 = 7/4; Σwr = 4/4 + 2/2 + 5 = 7
    assert r.rating_unshrunk == pytest.approx(4.0, abs=1e-9)
    # three pseudo-ratings at 3.5: (7 + 10.5) / (7/4 + 3) = 17.5 / 4.75
    assert r.rating == pytest.approx(17.5 / 4.75, abs=1e-9)
    assert standing(r) == Standing(
        rating=r.rating,
        hours_recent=7.0,
        hours_behind=pytest.approx(200 * 181 / 365 - 12),
        days_idle=0,
    )


def test_training_by_hand() -> None:
    r = _record()
    assert r.training_hours == 14.0
    assert r.courses == ("mediation basics", "first aid")
    assert r.certs == (("people_mediator", date(2025, 4, 1)), ("first_aid", date(2025, 9, 1)))


def test_no_ratings_no_rating_and_no_prior_no_shrinkage() -> None:
    r = cadre_record("P3", JOINED, HISTORY, [], [], 3.5, RecordPolicy(), AS_OF)
    assert (r.ratings, r.rating, r.completed, r.status, r.certs) == (0, None, 0, None, ())
    # idle since joining: 365 days to 2026-03-15, then 16 + 30 + 31 + 30
    assert standing(r) == Standing(None, 0.0, pytest.approx(200 * 181 / 365), 472)
    alone = cadre_record("P1", JOINED, HISTORY, [], [], None, RecordPolicy(), AS_OF)
    assert alone.rating == alone.rating_unshrunk == pytest.approx(4.0)


def test_joined_this_year_pro_rates_from_joining() -> None:
    r = cadre_record("P1", date(2026, 6, 1), [], [], [], None, RecordPolicy(), AS_OF)
    assert r.year_days == 30 and r.months_in_pool == 0
    assert r.hours_target_to_date == pytest.approx(200 * 30 / 365)


def test_district_mean_leaves_exempt_and_later_ratings_out() -> None:
    # 4, 2, 5, 5 (day after), 1 (P2); the exempt 1 of dispatch 6 is left out
    assert district_mean_rating(HISTORY) == pytest.approx((4 + 2 + 5 + 5 + 1) / 5)
    assert district_mean_rating(HISTORY, AS_OF) == pytest.approx((4 + 2 + 5 + 1) / 4)
    assert district_mean_rating([]) is None


@pytest.mark.parametrize(
    ("start", "end", "months"),
    [
        (date(2025, 3, 15), date(2026, 6, 30), 15),
        (date(2025, 3, 31), date(2025, 4, 30), 0),
        (date(2025, 1, 31), date(2025, 3, 1), 1),
        (date(2026, 1, 1), date(2025, 1, 1), 0),
    ],
)
def test_months_between(start: date, end: date, months: int) -> None:
    assert months_between(start, end) == months


def test_the_worked_example_in_the_docs_is_this_record() -> None:
    text = (Path(__file__).parents[2] / "docs" / "record.md").read_text(encoding="utf-8")
    r = _record()
    assert f"unshrunk = 7 / 1.75 = {r.rating_unshrunk:.2f}" in text
    assert f"= 17.5 / 4.75 = {r.rating:.2f}" in text
