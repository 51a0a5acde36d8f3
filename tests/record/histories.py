"""Small histories for the growth record's tests (built by hand, no code of matcher.record's logic).

Dispatch numbers are given in order; days are counted back from an ``as_of``.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from hypothesis import strategies as st

from matcher.record import CancelReason, Ending, Outcome

AS_OF = date(2026, 6, 30)


def done(
    n: int,
    ended: date,
    hours: float = 2.0,
    rating: int | None = None,
    *,
    cadre: str = "P1",
    community: str = "C1",
    priority: int = 3,
    exempt: bool = False,
) -> Outcome:
    """A completed dispatch."""
    return Outcome(
        n,
        cadre,
        f"D{n}",
        community,
        ended,
        ended,
        Ending.COMPLETED,
        priority=priority,
        hours=hours,
        rating=rating,
        exempt=exempt,
        exempt_reason="tried a new approach" if exempt else None,
    )


def no_show(n: int, ended: date, *, cadre: str = "P1", exempt: bool = False) -> Outcome:
    """A dispatch the cadre did not turn up for."""
    return Outcome(
        n,
        cadre,
        f"D{n}",
        "C1",
        ended,
        ended,
        Ending.NO_SHOW,
        cancel_reason=CancelReason.NO_SHOW,
        exempt=exempt,
    )


def cancelled(n: int, ended: date, reason: CancelReason, *, cadre: str = "P1") -> Outcome:
    """A dispatch cancelled for ``reason``."""
    return Outcome(n, cadre, f"D{n}", "C1", ended, ended, Ending.CANCELLED, cancel_reason=reason)


def ago(days: int, as_of: date = AS_OF) -> date:
    return as_of - timedelta(days=days)


@st.composite
def outcomes(draw: st.DrawFn, max_size: int = 12, max_age: int = 400) -> list[Outcome]:
    """A cadre's random history up to ``AS_OF``: completions (rated or not), no-shows, cancels."""
    n = draw(st.integers(0, max_size))
    out = []
    for i in range(n):
        age = draw(st.integers(0, max_age))
        kind = draw(st.sampled_from(["done", "done", "no_show", "cancel"]))
        exempt = draw(st.booleans()) and draw(st.booleans())
        if kind == "done":
            hours = draw(st.integers(1, 16)) / 2
            rating = draw(st.none() | st.integers(1, 5))
            o = done(i + 1, ago(age), hours, rating, exempt=exempt)
        elif kind == "no_show":
            o = no_show(i + 1, ago(age), exempt=exempt)
        else:
            o = cancelled(i + 1, ago(age), draw(st.sampled_from(list(CancelReason))))
            o = replace(o, exempt=exempt)
        out.append(o)
    return out
