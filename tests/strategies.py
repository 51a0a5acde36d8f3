"""Hypothesis strategies shared by the test modules."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st


@st.composite
def bmatching(draw, max_n: int = 6, max_m: int = 6, max_cap: int = 3, density: float | None = None):  # type: ignore[no-untyped-def]
    """(scores, feasible, capacity, headcount): scores on a 0.01 grid, some negative."""
    n = draw(st.integers(0, max_n))
    m = draw(st.integers(0, max_m))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    p = density if density is not None else draw(st.sampled_from([0.2, 0.5, 0.9]))
    ties = draw(st.booleans())
    raw = rng.integers(-2, 6, (n, m)) if ties else rng.normal(3.0, 3.0, (n, m))
    scores = np.round(raw.astype(float), 2)
    feasible = rng.random((n, m)) < p
    capacity = rng.integers(0, max_cap + 1, n)
    headcount = rng.integers(0, max_cap + 1, m)
    return scores, feasible, capacity, headcount


TAGS = (
    "urban.elevator_retrofit",
    "urban.old_housing_renovation",
    "urban.waste_sorting",
    "governance.property_dispute_mediation",
    "governance.neighbourhood_mediation",
    "livelihood.elderly_care",
    "emergency.flood_control",
)
CERTS = ("people_mediator", "red_cross_first_aider", "constructor")


def communities(rng: np.random.Generator, n: int):  # type: ignore[no-untyped-def]
    """``n`` communities C0… a few km apart (one street), at random points."""
    from matcher import Community

    return tuple(
        Community(
            f"C{k}", f"社区{k}", "街道", 32.05 + 0.03 * rng.random(), 118.75 + 0.03 * rng.random()
        )
        for k in range(n)
    )


@st.composite
def cases(draw, max_cadres: int = 9, max_demands: int = 6, dated: bool = False):  # type: ignore[no-untyped-def]
    """Small random cases on the default taxonomy: overlapping skills, every rule in play.

    ``dated``: some demands are dated orders of the week of 2026-12-07 and cadres
    have weekly patterns and days away (drawn after everything else, so the cases
    without are the same as ever)."""
    from matcher import Cadre, Case, Demand, Status, default_taxonomy

    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    n_comm = int(rng.integers(1, 4))
    comms = communities(rng, n_comm)

    def profile(k: int) -> dict[str, int]:
        tags = rng.choice(TAGS, size=k, replace=False)
        return {str(t): int(rng.integers(1, 6)) for t in tags}

    cadres = tuple(
        Cadre(
            id=f"P{k}",
            name=f"干部{k}",
            home=f"C{rng.integers(n_comm)}",
            skills=profile(int(rng.integers(0, 4))),
            certs=tuple(
                str(c) for c in rng.choice(CERTS, size=int(rng.integers(0, 2)), replace=False)
            ),
            capacity=int(rng.choice([0, 1, 1, 2, 3])),
            status=Status(str(rng.choice(["green", "green", "yellow", "red"]))),
            max_travel_km=float(rng.choice([np.inf, 1.0, 3.0])),
        )
        for k in range(draw(st.integers(0, max_cadres)))
    )
    demands = []
    for k in range(draw(st.integers(0, max_demands))):
        needs = profile(int(rng.integers(0, 4)))
        req = {t: max(1, lvl - 2) for t, lvl in needs.items() if rng.random() < 0.3}
        demands.append(
            Demand(
                id=f"D{k}",
                community=f"C{rng.integers(n_comm)}",
                title=f"需求{k}",
                needs=needs,
                requires=req,
                certs=tuple(
                    str(c) for c in rng.choice(CERTS, size=int(rng.random() < 0.2), replace=False)
                ),
                headcount=int(rng.integers(1, 4)),
                priority=int(rng.integers(1, 6)),
            )
        )
    if dated:
        cadres, demands = _dated(rng, cadres, demands)
    return Case(default_taxonomy(), comms, cadres, tuple(demands))


PATTERNS = (
    "",
    "mon-fri 18:00-21:30; sat,sun 08:00-18:00",
    "weekends 09:00-17:00",
    "daily 08:00-12:00,14:00-22:00",
    "mon,wed,fri 19:00-24:00; tue,thu,sat 00:00-01:00",
)
AWAY = ("", "2026-12-08", "2026-12-09..2026-12-11", "2026-12-05..2026-12-07;2026-12-13")


def _dated(rng, cadres, demands):  # type: ignore[no-untyped-def]
    """Patterns and absences for cadres, windows for about half the demands."""
    import datetime as dt
    from dataclasses import replace

    from matcher.dated import district_zone, parse_away, parse_weekly

    zone = district_zone()
    cadres = tuple(
        replace(
            c,
            available=parse_weekly(str(rng.choice(PATTERNS))),
            away=parse_away(str(rng.choice(AWAY))),
        )
        for c in cadres
    )
    out = []
    for d in demands:
        if rng.random() < 0.5:
            start = dt.datetime(2026, 12, 7, tzinfo=zone) + dt.timedelta(
                minutes=30 * int(rng.integers(0, 7 * 48))
            )
            hours = float(rng.choice([1.0, 2.5, 4.0, 9.0, 30.0]))
            d = replace(d, start=start, hours=hours)
        out.append(d)
    return cadres, out
