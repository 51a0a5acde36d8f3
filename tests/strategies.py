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
def cases(draw, max_cadres: int = 9, max_demands: int = 6):  # type: ignore[no-untyped-def]
    """Small random cases on the default taxonomy: overlapping skills, every rule in play."""
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
    return Case(default_taxonomy(), comms, cadres, tuple(demands))
