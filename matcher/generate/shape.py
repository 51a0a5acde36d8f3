"""What varies between districts: the generator's knobs for a pool's shape.

Why: the engine's speed depends on the data's shape (how many cadres travel
anywhere, how many slots a cadre and a demand have, how many needs a demand
lists and how many of them are hard, how popular a few scenarios are), and
real districts will not look like the generator's defaults. A :class:`Shape`
names those knobs; its defaults are exactly the generator's own, and with
them every draw happens as before, so a seeded case stays byte-identical.

Example:
    >>> Shape().travel_p()[0], Shape(no_limit=0.7).travel_p()[0]
    (0.4, 0.7)
    >>> Shape(capacity=(0.5, 0.5, 0.0)).capacity
    (0.5, 0.5, 0.0)
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields

__all__ = ["TRAVEL_KM", "Shape"]

#: the travel limits a cadre may state (km; "" = no limit), first the no-limit one
TRAVEL_KM = ("", "3", "5", "8", "10", "15")
_TRAVEL_P = (0.40, 0.09, 0.18, 0.15, 0.12, 0.06)


@dataclass(frozen=True)
class Shape:
    """How a generated pool is drawn; every default is the generator's own.

    Probability tuples give the chance of 0, 1, 2, … (``capacity``: slots a
    cadre takes; ``extra_needs``: needs a demand adds beyond its scenario's
    core ones; ``required``: how many of its needs carry a required level) or
    of 1, 2, 3, … (``headcount``; ``None`` keeps the default mix, which
    depends on whether a demand is a duty).
    """

    #: share of cadres with no travel limit (the rest keep their mix of limits)
    no_limit: float = _TRAVEL_P[0]
    capacity: tuple[float, ...] = (0.03, 0.72, 0.19, 0.06)
    extra_needs: tuple[float, ...] = (0.35, 0.45, 0.20)
    #: needs per demand at most (core needs beyond it are kept)
    max_needs: int = 4
    required: tuple[float, ...] = (0.4, 0.4, 0.2)
    headcount: tuple[float, ...] | None = None
    #: exponent on the demand scenarios' weights: above 1 a few popular
    #: scenarios (and their tags) take most demands, below 1 they even out
    skew: float = 1.0
    #: factors on how often cadres hold certificates and demands ask for one
    cadre_certs: float = 1.0
    demand_certs: float = 1.0
    #: factor on how far communities scatter around their street's centre
    spread: float = 1.0
    #: spread (log-normal sigma) of the communities' demand intensity: higher
    #: concentrates demands in a few hot spots
    heat: float = 0.55

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, tuple) and (
                not value or min(value) < 0 or not math.isclose(sum(value), 1.0)
            ):
                raise ValueError(f"Shape.{f.name}: probabilities >= 0 summing to 1")
        if not 0.0 <= self.no_limit <= 1.0:
            raise ValueError("Shape.no_limit: a share between 0 and 1")
        if self.max_needs < 1:
            raise ValueError("Shape.max_needs: at least 1")
        scalars = ("skew", "cadre_certs", "demand_certs", "spread", "heat")
        if any(getattr(self, name) < 0 for name in scalars):
            raise ValueError(f"Shape: {', '.join(scalars)} must be >= 0")

    def travel_p(self) -> tuple[float, ...]:
        """Chance of each of :data:`TRAVEL_KM`: ``no_limit``, then the default
        mix of limits scaled to the rest (the default tuple itself by default)."""
        if self.no_limit == _TRAVEL_P[0]:
            return _TRAVEL_P
        rest = (1.0 - self.no_limit) / (1.0 - _TRAVEL_P[0])
        return (self.no_limit, *(p * rest for p in _TRAVEL_P[1:]))
