"""One APIRouter per resource."""

from api.routes import (
    cadres,
    communities,
    demands,
    dispatches,
    districts,
    health,
    outcomes,
    points,
    proposals,
    taxonomy,
    tokens,
)

__all__ = [
    "cadres",
    "communities",
    "demands",
    "dispatches",
    "districts",
    "health",
    "outcomes",
    "points",
    "proposals",
    "taxonomy",
    "tokens",
]
