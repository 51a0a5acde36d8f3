"""The lending ledger recomputed by hand, and its conservation laws on random histories."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from matcher.errors import InputError
from matcher.record import CancelReason, Ending, Outcome, Partner, ledger_period, lending_ledger
from tests.record.histories import cancelled, done, no_show

START, END = date(2026, 3, 1), date(2026, 3, 31)
HOMES = {"a1": "A", "a2": "A", "b1": "B", "c1": "C", "d1": "D"}

# A's cadres lend 3 + 4 to B and 5 to C, serve 2 at home; B's lends 1.5 to A;
# C's lends 6 to A and 2 to B; D (listed) does nothing. Outside the period,
# cancelled, no-show, hour-less or home-less outcomes move nothing.
HISTORY = [
    done(1, date(2026, 3, 1), 3.0, cadre="a1", community="B"),
    done(2, date(2026, 3, 31), 4.0, cadre="a2", community="B"),
    done(3, date(2026, 3, 10), 5.0, cadre="a1", community="C"),
    done(4, date(2026, 3, 11), 2.0, cadre="a2", community="A"),
    done(5, date(2026, 3, 12), 1.5, cadre="b1", community="A"),
    done(6, date(2026, 3, 13), 6.0, cadre="c1", community="A"),
    done(7, date(2026, 3, 14), 2.0, cadre="c1", community="B"),
    done(8, date(2026, 2, 28), 50.0, cadre="a1", community="B"),
    done(9, date(2026, 4, 1), 50.0, cadre="a1", community="B"),
    done(10, date(2026, 3, 15), 50.0, cadre="ghost", community="B"),
    cancelled(11, date(2026, 3, 16), CancelReason.OTHER, cadre="a1"),
    no_show(12, date(2026, 3, 17), cadre="a1"),
    Outcome(13, "b1", "D13", "C", START, START, Ending.COMPLETED, hours=None),
]


def test_ledger_by_hand() -> None:
    led = lending_ledger(HISTORY, HOMES, START, END, ["D", "A", "B"])
    assert led.communities == ("D", "A", "B", "C")  # listed first, the rest by id
    assert led.dispatches == 7
    rows = {r.community: r for r in led.rows}
    a, b, c, d = rows["A"], rows["B"], rows["C"], rows["D"]
    assert (a.lent, a.received, a.balance, a.home) == (12.0, 7.5, -4.5, 2.0)
    assert (b.lent, b.received, b.balance, b.home) == (1.5, 9.0, 7.5, 0.0)
    assert (c.lent, c.received, c.balance, c.home) == (8.0, 5.0, -3.0, 0.0)
    assert (d.lent, d.received, d.balance, d.home) == (0.0, 0.0, 0.0, 0.0)
    assert a.lent_to == (Partner("B", 7.0), Partner("C", 5.0))
    assert a.received_from == (Partner("C", 6.0), Partner("B", 1.5))
    assert b.received_from == (Partner("A", 7.0), Partner("C", 2.0))
    assert c.lent_to == (Partner("A", 6.0), Partner("B", 2.0))
    assert d.lent_to == () and d.received_from == ()
    assert led.flows == (
        (0.0, 0.0, 0.0, 0.0),
        (0.0, 2.0, 7.0, 5.0),
        (0.0, 1.5, 0.0, 0.0),
        (0.0, 6.0, 2.0, 0.0),
    )


def test_top_partners_are_cut_and_ties_go_by_id() -> None:
    history = [
        done(i, START, h, cadre="a1", community=c)
        for i, (c, h) in enumerate([("E", 1.0), ("B", 2.0), ("D", 2.0), ("C", 3.0)])
    ]
    (row, *_) = lending_ledger(history, HOMES, START, END, ["A"], top=3).rows
    assert row.lent_to == (Partner("C", 3.0), Partner("B", 2.0), Partner("D", 2.0))


def test_an_empty_period_has_rows_of_zeros() -> None:
    led = lending_ledger(HISTORY, HOMES, date(2027, 1, 1), date(2027, 1, 31), ["A", "B"])
    assert led.dispatches == 0
    assert [(r.lent, r.received, r.home) for r in led.rows] == [(0.0, 0.0, 0.0)] * 2
    assert led.flows == ((0.0, 0.0), (0.0, 0.0))


PLACES = "ABCD"


@st.composite
def histories(draw: st.DrawFn) -> tuple[list[Outcome], dict[str, str]]:
    homes = {f"p{i}": draw(st.sampled_from(PLACES)) for i in range(draw(st.integers(1, 6)))}
    outcomes = [
        done(
            n,
            START + timedelta(days=draw(st.integers(-5, 35))),
            draw(st.integers(1, 40)) / 4,
            cadre=draw(st.sampled_from(sorted(homes))),
            community=draw(st.sampled_from(PLACES)),
        )
        for n in range(draw(st.integers(0, 30)))
    ]
    return outcomes, homes


@given(histories())
def test_what_is_lent_is_received(h: tuple[list[Outcome], dict[str, str]]) -> None:
    outcomes, homes = h
    led = lending_ledger(outcomes, homes, START, END, PLACES)
    lent = sum(r.lent for r in led.rows)
    assert lent == pytest.approx(sum(r.received for r in led.rows))
    assert sum(r.balance for r in led.rows) == pytest.approx(0.0, abs=1e-9)
    inside = [o for o in outcomes if START <= o.ended <= END]
    assert lent + sum(r.home for r in led.rows) == pytest.approx(sum(o.hours or 0 for o in inside))
    assert led.dispatches == len(inside)


def test_the_period_and_its_defaults() -> None:
    today = date(2026, 6, 30)
    assert ledger_period(None, None, today) == (date(2026, 4, 2), today)  # 90 days, both in
    assert ledger_period(None, date(2026, 3, 31), today) == (date(2026, 1, 1), date(2026, 3, 31))
    assert ledger_period(date(2026, 6, 1), None, today) == (date(2026, 6, 1), today)
    assert ledger_period(None, date(1, 1, 5), today) == (date(1, 1, 1), date(1, 1, 5))
    assert ledger_period(today, today, today) == (today, today)
    with pytest.raises(InputError) as e:
        ledger_period(date(2026, 7, 1), None, today)
    assert e.value.code == "ledger.period_reversed"
    assert e.value.params == {"start": "2026-07-01", "end": "2026-06-30"}
